#!/bin/sh
# One attempt of check_jalv_midi.sh: exit 0 passed, 3 an xrun of the synth
# while it played (or JACK stalled), anything else a failure.
#
# jalv plays the synth from MIDI on a JACK dummy backend: a sequencer client
# loops an A4, jack_rec records the synth's output, which must be audible and
# at 440 Hz, and JACK must report no xrun of the synth while it plays.
#
# Every step waits for what it needs (server up, ports present) instead of
# sleeping a fixed time, so a loaded machine makes the test slower, not red.
# Xruns count from the moment the synth is connected and playing, and only
# those JACK blames on the synth's client ("client = aesynth was not
# finished"): the ones while clients register (JACK's own graph reordering,
# before any MIDI reaches the plugin), a late wake-up of the dummy driver
# itself (the machine, not a client) or another client are printed, not
# failed.
set -eu
export LV2_PATH="$1:/usr/lib/lv2"  # $2: the wav_pitch program
server="aether-midi-$$"
dir=$(mktemp -d)
export JACK_DEFAULT_SERVER="$server"
export JACK_NO_START_SERVER=1 # a client must never start a server of its own
jack=0
seq=0
synth=0
# Clients first, then the server, so JACK leaves nothing behind in /dev/shm.
cleanup() {
  exec 3>&- || true
  for p in "$seq" "$synth"; do
    [ "$p" -ne 0 ] && { kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; } || true
  done
  [ "$jack" -ne 0 ] && { kill "$jack" 2>/dev/null; wait "$jack" 2>/dev/null; } || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM # a timeout still stops the server

# wait_port PORT: poll until the port exists (30 s at most).
wait_port() {
  i=0
  until jack_lsp 2>/dev/null | grep -qx "$1"; do
    i=$((i + 1))
    [ "$i" -le 300 ] || { echo "port $1 never appeared"; cat "$dir"/*.log; exit 1; }
    sleep 0.1
  done
}

jackd -n "$server" -d dummy -r 48000 -p 256 > "$dir/jackd.log" 2>&1 &
jack=$!
i=0
until jack_lsp > /dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -le 300 ] || { echo "jackd never started"; cat "$dir/jackd.log"; exit 1; }
  sleep 0.1
done

# jalv reads commands from stdin: a fifo held open until the test ends.
mkfifo "$dir/stdin"
jalv -n aesynth urn:aether:synth < "$dir/stdin" > "$dir/jalv.log" 2>&1 &
synth=$!
exec 3> "$dir/stdin"
jack_midiseq seq 48000 0 69 24000 > /dev/null 2>&1 &
seq=$!
wait_port aesynth:control
wait_port aesynth:out_l
wait_port seq:out
sleep 1 # jalv activates its client just after registering the ports

ours='client = aesynth was not finished'
before=$(grep -c "$ours" "$dir/jackd.log" || true)
xruns=$(grep -ci xrun "$dir/jackd.log" || true)
jack_connect seq:out aesynth:control
timeout 15 jack_rec -f "$dir/out.wav" -d 2 -b 16 aesynth:out_l > /dev/null 2>&1 ||
  { echo "jack_rec did not record 2 s in 15 s"; grep -i xrun "$dir/jackd.log"; exit 3; }
after=$(grep -c "$ours" "$dir/jackd.log" || true)

# Level and pitch (the fundamental) of the loudest 8192 frames.
[ -z "${AETHER_KEEP_WAV:-}" ] || cp "$dir/out.wav" "$AETHER_KEEP_WAV"
read -r _ rms _ peak _ pitch <<END
$("$2" "$dir/out.wav")
END
echo "recorded: RMS $rms, peak $peak, pitch $pitch Hz"
awk -v r="$rms" 'BEGIN { exit !(r > 0.01) }' ||
  { echo "the synth is silent under jalv (RMS $rms)"; exit 1; }
awk -v f="$pitch" 'BEGIN { exit !(f > 435 && f < 445) }' ||
  { echo "the synth does not play A4 under jalv ($pitch Hz)"; exit 1; }

if grep -qi xrun "$dir/jackd.log"; then
  echo "JACK's log ($xruns xrun line(s) before the synth played):"
  grep -i xrun "$dir/jackd.log"
fi
if [ "$after" -ne "$before" ]; then
  echo "JACK reported xruns of the synth while it played"
  exit 3
fi
echo "jalv played A4 from JACK MIDI for 2 s, no xrun of the synth"
