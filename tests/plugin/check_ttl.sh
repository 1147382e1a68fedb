#!/bin/sh
# The bundle's TTL: every file parses (serdi) and validates against the LV2
# specs (lv2_validate: its exit status is unreliable, so require the line),
# then check_ttl.py checks what the specs do not: the ports and parameters
# hosts rely on (a public contract), port groups, parameter labels and
# ranges, the maintainer, and that manifest.ttl.in was filled in.
# Usage: check_ttl.sh BUNDLE_DIR
set -eu
bundle="$1"
here=$(dirname "$0")
for f in "$bundle"/*.ttl; do
  serdi -q "$f" > /dev/null || { echo "syntax error in $f"; exit 1; }
done
out=$(lv2_validate "$bundle"/manifest.ttl "$bundle"/aether.ttl "$bundle"/presets.ttl 2>&1)
echo "$out" | tail -n 1
echo "$out" | grep -q '^Found 0 errors' || { echo "$out"; exit 1; }

for f in manifest aether presets; do
  serdi -q -o ntriples "$bundle/$f.ttl" "file://$bundle/$f.ttl" |
    sed "s/_:/_:$f-/g" # blank node labels are per file
done | python3 "$here/check_ttl.py" "$bundle" "$here/../../ttl/presets"
