#!/bin/sh
# Every TTL file of the bundle parses (serdi) and validates against the LV2
# specs (lv2_validate: its exit status is unreliable, so require the line).
set -eu
bundle="$1"
for f in "$bundle"/*.ttl; do
  serdi -q "$f" > /dev/null || { echo "syntax error in $f"; exit 1; }
done
out=$(lv2_validate "$bundle"/manifest.ttl "$bundle"/aether.ttl "$bundle"/presets.ttl 2>&1)
echo "$out" | tail -n 1
echo "$out" | grep -q '^Found 0 errors' || { echo "$out"; exit 1; }
