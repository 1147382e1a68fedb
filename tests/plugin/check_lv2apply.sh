#!/bin/sh
# lv2apply (no features, one frame per run) renders the default effect from a
# generated WAV: the output has the input's length, sound, and no NaN.
set -eu
export LV2_PATH="$1:/usr/lib/lv2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sox -n -r 48000 -c 2 -b 16 "$dir/in.wav" synth 0.5 sine 330 gain -6
lv2apply -i "$dir/in.wav" -o "$dir/out.wav" urn:aether:fx
stats=$(sox "$dir/out.wav" -n stat 2>&1)
echo "$stats"
len=$(echo "$stats" | awk '/^Length/ {print $3}')
rms=$(echo "$stats" | awk '/^RMS +amplitude/ {print $3}')
awk -v l="$len" -v r="$rms" 'BEGIN { exit !(l == 0.5 && r > 0.05 && r < 1) }' ||
  { echo "unexpected output: length $len, rms $rms"; exit 1; }
