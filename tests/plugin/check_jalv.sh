#!/bin/sh
# jalv, a real host, loads both plugins on a JACK dummy backend, runs them,
# and takes control changes from its command line.
set -eu
export LV2_PATH="$1:/usr/lib/lv2"
server="aether-test-$$"
export JACK_NO_START_SERVER=1 # a client must never start a server of its own
jackd -n "$server" -d dummy -r 48000 -p 256 > /dev/null 2>&1 &
jack=$!
trap 'kill $jack 2>/dev/null; wait $jack 2>/dev/null || true' EXIT
trap 'exit 1' HUP INT TERM # a timeout still stops the server
# Wait for the server (30 s at most) rather than sleep a fixed time.
i=0
until JACK_DEFAULT_SERVER="$server" jack_lsp > /dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -le 300 ] || { echo "jackd never started"; exit 1; }
  sleep 0.1
done
for uri in urn:aether:fx urn:aether:synth; do
  out=$(printf 'set macro1 0.7\ncontrols\n' |
        JACK_DEFAULT_SERVER="$server" timeout 30 jalv "$uri" 2>&1) || {
    echo "$out"; echo "jalv failed on $uri"; exit 1; }
  echo "$out" | grep -q "^Plugin: *$uri" || { echo "$out"; exit 1; }
  echo "$out" | grep -q "macro1 = 0.700000" || { echo "$out"; exit 1; }
  echo "$out" | grep -qi "error" && { echo "$out"; exit 1; }
  echo "jalv ran $uri"
done
