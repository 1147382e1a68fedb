#!/bin/sh
# jalv plays the synth from MIDI on a JACK dummy backend: a sequencer client
# loops an A4, jack_rec records the synth's output, which must be audible,
# and JACK must report no xrun.
set -eu
export LV2_PATH="$1:/usr/lib/lv2"
server="aether-midi-$$"
dir=$(mktemp -d)
export JACK_DEFAULT_SERVER="$server"
jackd -n "$server" -d dummy -r 48000 -p 256 > "$dir/jackd.log" 2>&1 &
jack=$!
cleanup() {
  kill "$seq" "$synth" 2>/dev/null || true
  kill "$jack" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
seq=0
synth=0
trap cleanup EXIT
sleep 1
(sleep 8 | jalv -n aesynth urn:aether:synth > "$dir/jalv.log" 2>&1) &
synth=$!
sleep 2
jack_midiseq seq 48000 0 69 24000 > /dev/null 2>&1 &
seq=$!
sleep 1
jack_connect seq:out aesynth:control
jack_rec -f "$dir/out.wav" -d 2 -b 16 aesynth:out_l > /dev/null 2>&1
stats=$(sox "$dir/out.wav" -n stat 2>&1)
echo "$stats" | grep -E 'RMS +amplitude|Maximum amplitude'
rms=$(echo "$stats" | awk '/^RMS +amplitude/ {print $3}')
awk -v r="$rms" 'BEGIN { exit !(r > 0.01) }' ||
  { echo "the synth is silent under jalv (RMS $rms)"; exit 1; }
if grep -qi xrun "$dir/jackd.log"; then
  cat "$dir/jackd.log"; echo "JACK reported xruns"; exit 1
fi
echo "jalv played the synth from JACK MIDI, no xrun"
