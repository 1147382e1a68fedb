-- Aether FX in Ardour 7 (ardour7-lua, dummy backend), as a user would run it:
-- pink noise recorded on a stereo audio track, the effect inserted on the
-- track, its "Big Hall" preset loaded (a whole patch, not the default one:
-- filters, pre-delays and a long reverb, all with memory) and two macros
-- moved, then "bounce with processing" of the first 2 s:
--   bounce 1;
--   deactivate + activate the plugin (what Ardour does when it flushes a
--   plugin), bounce 2: bit-identical to bounce 1 (no tail of bounce 1 may
--   leak into it);
--   save the session, close it, open it again, bounce 3: bit-identical to
--   bounce 1 (the saved state brings back the preset's patch and the macros).
-- Environment: AETHER_HOST_DIR (this folder), AETHER_SESSION_DIR (a new
-- folder for the session). Run by check_ardour.sh.

local lib = dofile(os.getenv("AETHER_HOST_DIR") .. "/ardour_lib.lua")
local dir = os.getenv("AETHER_SESSION_DIR")
local name = "aether-fx"
local rate = lib.rate
local frames = 2 * rate -- inside the recording: the reverb is full when it ends
local preset = "urn:aether:preset:fx-hall"
local macros = { { "Macro 1", 0.5 }, { "Macro 2", 0.7 }, { "Macro 4", 0.3 } }

lib.start_backend("Pink Noise")
lib.create(dir, name)

-- The source: 2.5 s of the dummy backend's pink noise from system:capture.
local track = lib.new_audio_track("noise")
local take = lib.record({ track }, 2.5)[1]
if take:length():samples() < frames then
  lib.die(string.format("the take is %d frames, shorter than the %d to bounce",
                        take:length():samples(), frames))
end
local dry = lib.region_samples(take, 0, frames)
local dry_peak = lib.peak(dry)
lib.check(dry_peak > 0.01, string.format("recorded %.2f s of pink noise, peak %.1f dBFS",
                                         take:length():samples() / rate, lib.dbfs(dry_peak)),
          "the recording is silent")

-- The effect, before the fader.
local plugin = ARDOUR.LuaAPI.new_plugin(Session, "urn:aether:fx", ARDOUR.PluginType.LV2, "")
if plugin:isnil() then
  lib.die("Ardour does not find urn:aether:fx (LV2_PATH=" .. tostring(os.getenv("LV2_PATH")) .. ")")
end
if track:add_processor_by_index(plugin, 0, nil, true) ~= 0 then
  lib.die("cannot insert the effect on the track")
end
local proc = track:nth_plugin(0)
lib.check(proc:to_insert():plugin(0):unique_id() == "urn:aether:fx",
          "Aether FX inserted on the audio track")
lib.wait(0.2)
local b0 = lib.bounce(track, frames, "default")

local record = proc:to_insert():plugin(0):preset_by_uri(preset)
if not record or not proc:to_insert():plugin(0):load_preset(record) then
  lib.die("Ardour cannot load the preset " .. preset)
end
for _, m in ipairs(macros) do
  if not ARDOUR.LuaAPI.set_processor_param(proc, lib.param_index(proc, m[1]), m[2]) then
    lib.die("cannot set " .. m[1])
  end
end
lib.wait(0.3) -- the worker loads the preset's patch, run() swaps it in

local b1 = lib.bounce(track, frames, "bounce1")
local peak, finite = lib.peak(b1)
lib.check(finite and peak > 0.01,
          string.format("bounce 1 (%s): %d frames, peak %.1f dBFS", preset, #b1[1], lib.dbfs(peak)),
          string.format("bounce 1 is silent or not finite (peak %.3g)", peak))
lib.check(lib.difference(dry, b1) ~= nil, "bounce 1 is the effect's sound, not the dry recording",
          "bounce 1 equals the dry recording: the effect is not in the path")
lib.check(lib.difference(b0, b1) ~= nil, "bounce 1 differs from the default patch's bounce: the preset is loaded",
          "bounce 1 equals the default patch's bounce: the preset did not load")

lib.reactivate(proc)
local b2 = lib.bounce(track, frames, "bounce2")
local d2 = lib.difference(b1, b2)
lib.check(d2 == nil, "bounce 2, after deactivate + activate, is bit-identical to bounce 1",
          "bounce 2 (after deactivate + activate) differs from bounce 1: " .. tostring(d2))

local saved = {}
for i, m in ipairs(macros) do
  saved[i] = ARDOUR.LuaAPI.get_processor_param(proc, lib.param_index(proc, m[1]))
end
proc, plugin, track, take, record = nil, nil, nil, nil, nil
collectgarbage() -- drop every reference into the session before closing it

lib.save_close_reload(dir, name)
track = lib.track("noise")
proc = track:nth_plugin(0)
if proc:isnil() or proc:to_insert():plugin(0):unique_id() ~= "urn:aether:fx" then
  lib.die("the reloaded track has no Aether FX")
end
lib.check(proc:active(), "after reloading, Aether FX is on the track and active",
          "after reloading, Aether FX is not active")
for i, m in ipairs(macros) do
  local got = ARDOUR.LuaAPI.get_processor_param(proc, lib.param_index(proc, m[1]))
  lib.check(got == saved[i], string.format("%s came back as %.3f", m[1], got),
            string.format("%s came back as %.6f, saved %.6f", m[1], got, saved[i]))
end

local b3 = lib.bounce(track, frames, "bounce3")
local d3 = lib.difference(b1, b3)
lib.check(d3 == nil, "bounce 3, after saving and reloading the session, is bit-identical to bounce 1",
          "bounce 3 (after save, close, reload) differs from bounce 1: " .. tostring(d3))

lib.summary()
proc, track = nil, nil
collectgarbage()
close_session()
quit()
