#!/bin/sh
# jalv, a real host, loads both plugins on a JACK dummy backend, runs them,
# and takes control changes from its command line.
set -eu
export LV2_PATH="$1:/usr/lib/lv2"
server="aether-test-$$"
jackd -n "$server" -d dummy -r 48000 -p 256 > /dev/null 2>&1 &
jack=$!
trap 'kill $jack 2>/dev/null; wait $jack 2>/dev/null || true' EXIT
sleep 1
for uri in urn:aether:fx urn:aether:synth; do
  out=$(printf 'set macro1 0.7\ncontrols\n' |
        JACK_DEFAULT_SERVER="$server" timeout 30 jalv "$uri" 2>&1) || {
    echo "$out"; echo "jalv failed on $uri"; exit 1; }
  echo "$out" | grep -q "^Plugin: *$uri" || { echo "$out"; exit 1; }
  echo "$out" | grep -q "macro1 = 0.700000" || { echo "$out"; exit 1; }
  echo "$out" | grep -qi "error" && { echo "$out"; exit 1; }
  echo "jalv ran $uri"
done
