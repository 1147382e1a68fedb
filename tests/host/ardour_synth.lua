-- Aether Synth in Ardour 7 (ardour7-lua, dummy backend): a MIDI track with
-- the synth as its instrument (default patch), played live from Ardour's
-- virtual keyboard port, its output recorded on a stereo audio track.
--   Take 1: silence, then A4 for 1 s, then 0.7 s after the note-off. The
--   synth is exactly silent before the note, sounds on both channels, is
--   silent again after the release; check_ardour.sh measures the pitch
--   (440 Hz) and level of the take's file, printed as "take1-left: PATH".
--   Take 2: A4 held, the plugin deactivated and activated (as Ardour does when
--   it flushes a plugin), the note never released: after the re-activation
--   the synth must be exactly silent (every voice and note forgotten).
-- Environment: AETHER_HOST_DIR (this folder), AETHER_SESSION_DIR (a new
-- folder for the session). Run by check_ardour.sh.

local lib = dofile(os.getenv("AETHER_HOST_DIR") .. "/ardour_lib.lua")
local dir = os.getenv("AETHER_SESSION_DIR")
local rate = lib.rate
local NoGroup = PBD.GroupControlDisposition.NoGroup

lib.start_backend("Silence")
lib.create(dir, "aether-synth")

local info = ARDOUR.LuaAPI.new_plugin_info("urn:aether:synth", ARDOUR.PluginType.LV2)
if info:isnil() then
  lib.die("Ardour does not find urn:aether:synth (LV2_PATH=" .. tostring(os.getenv("LV2_PATH")) .. ")")
end
local tl = Session:new_midi_track(ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1),
                                  ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2),
                                  true, info, nil, nil, 1, "synth",
                                  ARDOUR.PresentationInfo.max_order,
                                  ARDOUR.TrackMode.Normal, true)
if tl:size() ~= 1 then
  lib.die("cannot create the MIDI track")
end
tl = nil
local synth = lib.track("synth")
local proc = synth:the_instrument()
lib.check(not proc:isnil() and proc:to_insert():plugin(0):unique_id() == "urn:aether:synth",
          "Aether Synth is the MIDI track's instrument", "the MIDI track has no Aether Synth")
synth:monitoring_control():set_value(ARDOUR.MonitorChoice.MonitorInput, NoGroup)

-- Notes come from Ardour's virtual keyboard port.
local keyboard = nil
local _, ports = Session:engine():get_ports(ARDOUR.DataType("midi"), ARDOUR.PortList())
for p in ports[2]:iter() do
  if p:name() == "x-virtual-keyboard" then
    keyboard = p:to_asyncmidiport()
  end
end
ports = nil
if not keyboard or keyboard:isnil() then
  lib.die("Ardour has no x-virtual-keyboard port")
end
local midi_in = synth:input():midi(0)
if not midi_in:connected_to(keyboard:name()) and keyboard:connect(midi_in:name()) ~= 0 then
  lib.die("cannot connect x-virtual-keyboard to " .. midi_in:name())
end

local function send(bytes)
  local parser = ARDOUR.RawMidiParser()
  for _, b in ipairs(bytes) do
    if parser:process_byte(b) then
      keyboard:write(parser:midi_buffer(), parser:buffer_size(), 0)
    end
  end
end
local function note_on() send({ 0x90, 69, 100 }) end
local function note_off() send({ 0x80, 69, 0 }) end

-- The recorder: an audio track fed by the synth's outputs only.
local rec = lib.new_audio_track("rec")
for c = 0, 1 do
  local port = rec:input():audio(c)
  port:disconnect_all()
  if port:connect(synth:output():audio(c):name()) ~= 0 then
    lib.die("cannot connect " .. synth:output():audio(c):name() .. " to " .. port:name())
  end
end
lib.wait(0.2)

local lead = 0.3 -- seconds of silence before the first note

-- Take 1: one note.
local take1 = lib.record({ rec }, nil, function()
  lib.wait(lead)
  note_on()
  lib.wait(1.0)
  note_off()
  lib.wait(0.7)
end)[1]
local s1 = lib.region_samples(take1)
local n1 = #s1[1]
local function window(s, from, to)
  local w = {}
  for c = 1, #s do
    w[c] = {}
    for k = math.max(1, from), math.min(#s[c], to) do
      w[c][#w[c] + 1] = s[c][k]
    end
  end
  return w
end
local before = lib.peak(window(s1, 1, math.floor(lead * rate * 0.5)))
lib.check(before == 0, "take 1: exactly silent before the first note",
          string.format("take 1: %.1f dBFS before the first note, expected silence", lib.dbfs(before)))
local left, finite = lib.peak({ s1[1] })
local right = lib.peak({ s1[2] })
lib.check(finite and left > 0.01 and right > 0.01,
          string.format("take 1: A4 sounds, peak %.1f dBFS left, %.1f dBFS right", lib.dbfs(left), lib.dbfs(right)),
          string.format("take 1: no note heard (peak %.1f dBFS left, %.1f dBFS right)", lib.dbfs(left), lib.dbfs(right)))
local tail = lib.peak(window(s1, n1 - math.floor(0.2 * rate) + 1, n1))
lib.check(tail < 1e-4, string.format("take 1: the note is released (last 0.2 s at %.1f dBFS)", lib.dbfs(tail)),
          string.format("take 1: still %.1f dBFS 0.5 s after the note-off", lib.dbfs(tail)))
print("take1-left: " .. take1:source(0):to_filesource():path())

-- Take 2: a held note across deactivate + activate.
local take2 = lib.record({ rec }, nil, function()
  lib.wait(lead)
  note_on()
  lib.wait(0.5)
  lib.reactivate(proc)
  lib.wait(0.65)
end)[1]
note_off()
local s2 = lib.region_samples(take2)
local n2 = #s2[1]
local last = math.floor(0.25 * rate) -- the last 0.25 s, at least 0.5 s after activate()
local held = lib.peak(window(s2, 1, n2 - last))
lib.check(held > 0.01, string.format("take 2: the held note sounds before the re-activation (%.1f dBFS)", lib.dbfs(held)),
          string.format("take 2: the held note is not heard (%.1f dBFS)", lib.dbfs(held)))
local after = lib.peak(window(s2, n2 - last + 1, n2))
lib.check(after == 0, "take 2: after deactivate + activate the synth is exactly silent (the held note is forgotten)",
          string.format("take 2: after deactivate + activate the held note still sounds at %.1f dBFS peak", lib.dbfs(after)))

lib.summary()
proc, synth, rec, keyboard, midi_in, take1, take2 = nil, nil, nil, nil, nil, nil, nil
collectgarbage()
close_session()
quit()
