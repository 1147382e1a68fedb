#!/bin/sh
# jalv plays the synth from JACK MIDI at 440 Hz without xruns of the synth
# (jalv_midi_once.sh says how). A JACK dummy server on a shared two-core
# machine can miss a deadline for reasons outside the plugin (another
# process holding the core the client thread needs), so an attempt with an
# xrun (or a JACK graph that stalls) is repeated, up to three in all, and
# every xrun is printed: a plugin too slow for the deadline fails all three.
# Silence or a wrong pitch fail at once.
set -u
once="$(dirname "$0")/jalv_midi_once.sh"
for attempt in 1 2 3; do
  sh "$once" "$@"
  status=$?
  [ "$status" -eq 3 ] || exit "$status"
  echo "attempt $attempt: an xrun of the synth or a stall; again"
done
echo "three attempts, each with an xrun of the synth or a stall"
exit 1
