#!/bin/sh
# The patch example in the README is valid and renders sound: a newcomer can
# start from it.
set -eu
aether="$1"
readme="$2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk '/^```turtle/ {on=1; next} /^```/ {on=0} on' "$readme" > "$dir/example.ttl"
test -s "$dir/example.ttl"
"$aether" check "$dir/example.ttl"
"$aether" render --plugin synth --patch "$dir/example.ttl" \
  --notes "A3:0:1,C4:0:1,E4:0:1" --seconds 1.5 -o "$dir/out.wav" > "$dir/report"
cat "$dir/report"
peak=$(awk '/left/ && /peak/ {print $3}' "$dir/report")
awk -v p="$peak" 'BEGIN { exit !(p < 0 && p > -30) }' ||
  { echo "the README example peaks at $peak dBFS"; exit 1; }
