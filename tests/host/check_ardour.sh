#!/bin/sh
# Aether in a real DAW: Ardour 7, headless (ardour7-lua, Debian package
# "ardour", dummy audio backend), runs ardour_fx.lua and ardour_synth.lua
# (what each checks is written at their top), then measures the synth's
# recorded note with wav_pitch: audible and at 440 Hz.
#
# Usage: check_ardour.sh BUNDLE_DIR WAV_PITCH
#   BUNDLE_DIR  the folder holding aether.lv2 (a build's "lv2" folder)
#   WAV_PITCH   the wav_pitch program (tests/plugin/wav_pitch.c)
# Exit status: 0 passed, 1 failed, 77 skipped (no ardour7-lua).
# AETHER_KEEP=DIR keeps the sessions and logs in DIR.
set -u
if ! command -v ardour7-lua > /dev/null 2>&1; then
  echo "ardour7-lua not found (Debian: apt-get install ardour): skipped"
  exit 77
fi
[ $# -eq 2 ] || { echo "usage: $0 BUNDLE_DIR WAV_PITCH" >&2; exit 2; }
[ -d "$1/aether.lv2" ] || { echo "no aether.lv2 in $1" >&2; exit 2; }

# lilv needs absolute folders in LV2_PATH.
LV2_PATH="$(cd "$1" && pwd):/usr/lib/lv2"
export LV2_PATH
wav_pitch=$2
AETHER_HOST_DIR=$(cd "$(dirname "$0")" && pwd)
export AETHER_HOST_DIR
dir=$(mktemp -d)
cleanup() {
  if [ -n "${AETHER_KEEP:-}" ]; then
    mkdir -p "$AETHER_KEEP" && cp -R "$dir"/. "$AETHER_KEEP"/
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
# Ardour's configuration and caches go to the temporary folder, not $HOME.
export XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache"

failed=0

# run NAME: runs ardour_NAME.lua in a session of its own; its log in
# $dir/NAME.log. Ardour's own chatter (call-slot traces) is left out of the
# output; Lua errors, crashes and time-outs are reported.
run() {
  export AETHER_SESSION_DIR="$dir/$1"
  echo "== Ardour: ardour_$1.lua"
  timeout 300 stdbuf -oL ardour7-lua "$AETHER_HOST_DIR/ardour_$1.lua" \
    < /dev/null > "$dir/$1.log" 2>&1
  status=$?
  grep -v -e 'call-slot' -e 'call slot' -e '^Butler drops pool trash' \
    -e 'Falling back to Reasonable Synth' "$dir/$1.log"
  summary=$(grep '^aether-ardour: ' "$dir/$1.log" | tail -n 1)
  if [ "$status" -eq 124 ]; then
    echo "FAIL: ardour_$1.lua did not finish in 300 s"
    failed=1
  elif [ "$status" -gt 128 ]; then
    echo "FAIL: ardour7-lua died from signal $((status - 128)) running ardour_$1.lua"
    failed=1
  elif [ -z "$summary" ]; then
    echo "FAIL: ardour_$1.lua stopped early (exit status $status)"
    failed=1
  elif ! echo "$summary" | grep -q ', 0 failed$'; then
    failed=1
  fi
}

run fx
run synth

# The synth's first take: audible, and the note it played is A4.
take=$(sed -n 's/^take1-left: //p' "$dir/synth.log")
if [ -n "$take" ] && [ -f "$take" ]; then
  if result=$("$wav_pitch" "$take"); then
    read -r _ rms _ peak _ pitch <<END
$result
END
    if awk -v r="$rms" -v f="$pitch" 'BEGIN { exit !(r > 0.01 && f > 435 && f < 445) }'; then
      echo "ok: take 1 measured: RMS $rms, peak $peak, pitch $pitch Hz (A4 is 440 Hz)"
    else
      echo "FAIL: take 1 measured: RMS $rms, peak $peak, pitch $pitch Hz; expected RMS > 0.01 and 440 Hz"
      failed=1
    fi
  else
    echo "FAIL: wav_pitch cannot read $take"
    failed=1
  fi
else
  echo "FAIL: no recording of the synth to measure"
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "Ardour: FAILED"
  exit 1
fi
echo "Ardour: passed"
