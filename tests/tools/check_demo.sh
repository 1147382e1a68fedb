#!/bin/sh
# Aether tests: scripts/demo.sh renders, draws and reports: every WAV it
# names exists, is finite, not silent and not clipped beyond +6 dBFS; every
# render has a spectrogram, every patch a graph picture.
# Usage: check_demo.sh SOURCE_ROOT BUILD_DIR OUT_DIR
set -eu
root=$1
build=$2
out=$3
rm -rf "$out"
"$root/scripts/demo.sh" "$build" "$out" | tee "$out.log"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

n=0
for txt in "$out"/*.txt; do
  name=$(basename "$txt" .txt)
  n=$((n + 1))
  wav=$out/$name.wav
  [ -s "$wav" ] || fail "$wav is missing"
  grep -qF "$name.wav " "$out.log" || fail "the report does not list $name.wav"
  [ -s "$out/$name.spectrogram.png" ] || fail "no spectrogram for $name"
  [ -s "$out/$name.graph.png" ] || fail "no graph picture for $name"
  # sox reads the float WAV: no NaN (sox would print nan), a level between
  # -60 dBFS RMS and +6 dBFS peak.
  stats=$(sox -V1 "$wav" -n stat 2>&1)
  rms=$(echo "$stats" | awk '/^RMS +amplitude/ {print $3}')
  peak=$(echo "$stats" | awk '/^Maximum amplitude/ {print $3}')
  min=$(echo "$stats" | awk '/^Minimum amplitude/ {print $3}')
  echo "$name: rms $rms, max $peak, min $min"
  awk -v r="$rms" -v p="$peak" -v m="$min" 'BEGIN {
    exit !(r == r + 0 && r > 0.001 && p < 2 && m > -2)
  }' || fail "$name: rms $rms, max $peak, min $min"
done
[ "$n" -ge 4 ] || fail "only $n renders (want the default effect, two synth presets, a patch)"
grep -q '^  fx-default.wav ' "$out.log" || fail "no render of the default effect"
[ "$(grep -c '^  synth-[a-z-]*\.wav ' "$out.log")" -ge 2 ] ||
  fail "fewer than two synth renders"
if [ ! -s "$out/input.wav" ] || [ ! -s "$out/phrase.mid" ]; then
  fail "no input.wav or phrase.mid"
fi
if [ "$failures" -ne 0 ]; then
  echo "$failures failures"
  exit 1
fi
