-- Helpers shared by the Ardour 7 tests (ardour_fx.lua, ardour_synth.lua), run
-- by ardour7-lua, Ardour's headless session interpreter; loaded with dofile.
--
-- Every check prints one line, "ok: ..." or "FAIL: ...", and the script ends
-- with "aether-ardour: N checks, M failed" (check_ardour.sh reads it). Setup
-- steps that later steps depend on raise a Lua error instead (ardour7-lua
-- then exits with status 1 and prints "Error: ...").

local lib = {}

lib.rate = 48000 -- every session's sample rate
lib.checks = 0
lib.failed = 0

local NoGroup = PBD.GroupControlDisposition.NoGroup
local UI = ARDOUR.TransportRequestSource.TRS_UI

--- Records a check: prints "ok: " .. OK_TEXT if it passed, else
--- "FAIL: " .. FAIL_TEXT (default: OK_TEXT).
function lib.check(passed, ok_text, fail_text)
  lib.checks = lib.checks + 1
  if passed then
    print("ok: " .. ok_text)
  else
    lib.failed = lib.failed + 1
    print("FAIL: " .. (fail_text or ok_text))
  end
  return passed
end

--- Prints the summary line check_ardour.sh looks for.
function lib.summary()
  print(string.format("aether-ardour: %d checks, %d failed", lib.checks, lib.failed))
end

--- Setup failed: nothing after this can be checked.
function lib.die(msg)
  error("setup: " .. msg, 0)
end

--- Level of a linear amplitude in dBFS (-inf for 0).
function lib.dbfs(x)
  if x <= 0 then
    return -math.huge
  end
  return 20 * math.log(x, 10)
end

--- Sleeps for SECONDS on the script's thread (the engine keeps running).
function lib.sleep(seconds)
  ARDOUR.LuaAPI.usleep(math.floor(seconds * 1000000))
end

--- Waits until the engine has processed SECONDS of audio (at least). Waits
--- count engine frames, not wall-clock time: on a loaded machine the dummy
--- backend may fall behind the clock, and every step still gets its audio.
function lib.wait(seconds)
  local frames = math.floor(seconds * Session:nominal_sample_rate())
  local start = AudioEngine:processed_samples()
  local t0 = ARDOUR.LuaAPI.monotonic_time()
  while AudioEngine:processed_samples() - start < frames do
    if ARDOUR.LuaAPI.monotonic_time() - t0 > 120000000 then
      lib.die("the engine stopped processing")
    end
    ARDOUR.LuaAPI.usleep(5000)
  end
end

--- Polls READY() every 20 ms until it returns true (then true) or 60 s have
--- passed (then false).
function lib.poll(ready)
  local t0 = ARDOUR.LuaAPI.monotonic_time()
  while not ready() do
    if ARDOUR.LuaAPI.monotonic_time() - t0 > 60000000 then
      return false
    end
    lib.sleep(0.02)
  end
  return true
end

--- Selects the dummy backend with DEVICE feeding system:capture_*.
function lib.start_backend(device)
  local backend = AudioEngine:set_backend("None (Dummy)", "", "")
  if not backend or backend:isnil() then
    lib.die("Ardour has no dummy backend")
  end
  if backend:set_device_name(device) ~= 0 then
    lib.die("the dummy backend has no device \"" .. device .. "\"")
  end
end

--- Creates a session NAME in DIR at lib.rate (the engine starts with it).
function lib.create(dir, name)
  if not create_session(dir, name, lib.rate) then
    lib.die("cannot create a session in " .. dir)
  end
  print("session " .. Session:path() .. " at " .. Session:nominal_sample_rate()
        .. " Hz, " .. Session:get_block_size() .. " frames per cycle")
end

--- Saves, closes and opens the session again; returns nothing (Session is new).
function lib.save_close_reload(dir, name)
  if Session:save_state("", false, false, false, false, false) ~= 0 then
    lib.die("save_state failed")
  end
  close_session()
  if not load_session(dir, name) then
    lib.die("cannot load the saved session " .. dir)
  end
  -- Let the engine run a few cycles (state restored, schedules swapped in).
  lib.wait(0.5)
end

--- A new stereo audio track called NAME.
function lib.new_audio_track(name)
  local tl = Session:new_audio_track(2, 2, nil, 1, name,
                                     ARDOUR.PresentationInfo.max_order,
                                     ARDOUR.TrackMode.Normal, true)
  if tl:size() ~= 1 then
    lib.die("cannot create the audio track " .. name)
  end
  return lib.track(name)
end

--- The track called NAME. (Look tracks up by name: the element of a list that
--- new_audio_track returns is only valid while the list is.)
function lib.track(name)
  local route = Session:route_by_name(name)
  if route:isnil() or route:to_track():isnil() then
    lib.die("the session has no track \"" .. name .. "\"")
  end
  return route:to_track()
end

--- Records TRACKS (a list) for SECONDS of audio, or while DURING() runs if it is
--- given; returns when the transport has stopped and the capture is written,
--- with the new region of each track (a list, in the order of TRACKS).
function lib.record(tracks, seconds, during)
  local old = {}
  for i, t in ipairs(tracks) do
    old[i] = {}
    for r in t:playlist():region_list():iter() do
      old[i][r:to_stateful():id():to_s()] = true
    end
    t:rec_enable_control():set_value(1, NoGroup)
  end
  Session:maybe_enable_record(false)
  Session:request_roll(UI)
  if not lib.poll(function() return Session:actively_recording() end) then
    lib.die("the transport did not start recording")
  end
  if during then
    during()
  else
    lib.wait(seconds)
  end
  Session:request_stop(false, false, UI)
  if not lib.poll(function() return Session:transport_stopped() end) then
    lib.die("the transport did not stop")
  end
  for _, t in ipairs(tracks) do
    t:rec_enable_control():set_value(0, NoGroup)
  end
  Session:disable_record(false, false)
  -- The butler writes the capture files, then the regions appear.
  local taken = {}
  local function all_taken()
    for i, t in ipairs(tracks) do
      for r in t:playlist():region_list():iter() do
        if not old[i][r:to_stateful():id():to_s()] then
          taken[i] = r
        end
      end
      if not taken[i] then
        return false
      end
    end
    return true
  end
  if not lib.poll(all_taken) then
    lib.die("the recording left no region")
  end
  return taken
end

--- The samples of an audio region, {channel 1, channel 2, ...}, each a Lua
--- array of LENGTH frames from OFFSET (default: the whole region).
function lib.region_samples(region, offset, length)
  local ar = region:to_audioregion()
  local rd = ar:to_readable()
  offset = offset or 0
  length = length or (rd:readable_length() - offset)
  local mem = ARDOUR.DSP.DspShm(8192)
  local out = {}
  for c = 0, ar:n_channels() - 1 do
    local ch = {}
    local done = 0
    while done < length do
      local n = rd:read(mem:to_float(0), offset + done, math.min(8192, length - done), c)
      if n <= 0 then
        break
      end
      local d = mem:to_float(0):array()
      for k = 1, n do
        ch[done + k] = d[k]
      end
      done = done + n
    end
    out[c + 1] = ch
  end
  return out
end

--- Peak and whether every sample is finite, over all channels.
function lib.peak(s)
  local peak, finite = 0, true
  for c = 1, #s do
    for k = 1, #s[c] do
      local x = s[c][k]
      if x ~= x or x == math.huge or x == -math.huge then
        finite = false
      elseif math.abs(x) > peak then
        peak = math.abs(x)
      end
    end
  end
  return peak, finite
end

--- Compares two renders sample by sample. Returns nil when they are
--- bit-identical (same channels, same length, same values), else a sentence
--- saying where and by how much they differ.
function lib.difference(a, b)
  if #a ~= #b then
    return string.format("%d channels against %d", #a, #b)
  end
  local max, max_at, max_ch, first, count = 0, 0, 0, nil, 0
  for c = 1, #a do
    if #a[c] ~= #b[c] then
      return string.format("channel %d has %d frames against %d", c, #a[c], #b[c])
    end
    for k = 1, #a[c] do
      local d = math.abs(a[c][k] - b[c][k])
      if a[c][k] ~= b[c][k] then
        count = count + 1
        if not first or k < first then
          first = k
        end
        if d > max or d ~= d then
          max, max_at, max_ch = d, k, c
        end
      end
    end
  end
  if count == 0 then
    return nil
  end
  return string.format("%d samples differ, max diff %.1f dBFS (%.3g) at frame %d "
                       .. "(%.3f s) of channel %d, first difference at frame %d (%.3f s)",
                       count, lib.dbfs(max), max, max_at - 1, (max_at - 1) / lib.rate,
                       max_ch, first - 1, (first - 1) / lib.rate)
end

--- Bounces FRAMES frames from 0 of TRACK through its processors up to (not
--- including) the main outs, as Ardour's "bounce with processing" does;
--- returns the samples.
function lib.bounce(track, frames, name)
  local r = track:bounce_range(0, frames, ARDOUR.InterThreadInfo(), track:main_outs(), false, name)
  if r:isnil() then
    lib.die("bounce_range returned no region for " .. name)
  end
  return lib.region_samples(r)
end

--- The control-parameter index (as set_processor_param counts) of the input
--- control labelled LABEL on plugin insert PROC.
function lib.param_index(proc, label)
  local plugin = proc:to_insert():plugin(0)
  local n = 0
  for j = 0, plugin:parameter_count() - 1 do
    if plugin:parameter_is_control(j) then
      if plugin:parameter_is_input(j) and plugin:parameter_label(j) == label then
        return n
      end
      n = n + 1
    end
  end
  lib.die("the plugin has no control labelled " .. label)
end

--- Deactivates and re-activates the plugin insert, as Ardour does when it
--- flushes a plugin; deactivate() takes effect asynchronously.
function lib.reactivate(proc)
  local insert = proc:to_insert()
  insert:deactivate()
  lib.wait(0.25)
  insert:activate()
  lib.wait(0.1)
end

return lib
