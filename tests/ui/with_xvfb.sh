#!/bin/sh
# Run a command on a private X server (Xvfb, 24-bit, 1280x1024): the UI
# tests need a display but must not use the desktop's. Skipped (77) when
# xvfb-run is not installed. Usage: with_xvfb.sh COMMAND [ARGS...]
set -eu
command -v xvfb-run > /dev/null || { echo "xvfb-run not found: skipped"; exit 77; }
command -v Xvfb > /dev/null || { echo "Xvfb not found: skipped"; exit 77; }
# -a: the first free display number; xvfb-run waits until the server is up.
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" "$@"
