#!/bin/sh
# A real host, headless: on a private X server (Xvfb) with JACK's dummy
# backend, jalv.gtk3 and jalv.qt5 open each plugin with its own UI
# embedded (the UI's X window inside the host's), and a user's mouse
# (xdotool, through the X server) builds a patch in it from nothing:
# Clear, an oscillator and an output from the palette, a connection
# dragged from the oscillator's output to the output's input, the output
# moved. The UI shows each change once the plugin has it (it draws only
# the plugin's patch), and jalv.gtk3's -d dump of what the plugin tells
# the UI holds the plugin's patch (its answer to the UI's patch:Get) with
# the nodes, the connection and their places. (jalv.qt5 takes no options:
# there the picture is the check.) The host survives and quits cleanly.
#
# Where things are: after Clear, the Fit button shows the empty patch at
# zoom 1 under the toolbar (patch point (x, y) at window (x, y + 30)), so a
# node added with a right click at window (X, Y) has its box's top-left
# corner there, its ports and title where layout.h says; the palette's
# entries are where `aether snapshot --click rX,Y --locate palette:TYPE`
# says (the same code).
#
# Every wait is bounded (polling, no sleep that assumes a speed); skipped
# (77) when Xvfb, xdotool, x11-utils, imagemagick, JACK or jalv is missing.
# Usage: check_jalv_ui.sh AETHER LV2_DIR
set -u
aether=$1
lv2_dir=$2

skip() {
  echo "$*: skipped"
  exit 77
}

for tool in xvfb-run Xvfb xdotool xwininfo xprop import jackd jack_lsp stdbuf; do
  command -v "$tool" > /dev/null || skip "$tool not found"
done
hosts=""
command -v jalv.gtk3 > /dev/null && hosts="jalv.gtk3"
# jalv.qt5 embeds X11 UIs through suil's x11_in_qt5, which needs
# libqt5x11extras5.
if command -v jalv.qt5 > /dev/null &&
  ldconfig -p 2> /dev/null | grep -q 'libQt5X11Extras\.so\.5'; then
  hosts="$hosts jalv.qt5"
fi
[ -n "$hosts" ] || skip "no jalv.gtk3 or jalv.qt5"

# On a private X server of our own.
if [ -z "${AETHER_JALV_UI_DISPLAY:-}" ]; then
  AETHER_JALV_UI_DISPLAY=1 exec xvfb-run -a \
    -s "-screen 0 1280x1024x24 -nolisten tcp" sh "$0" "$@"
fi

export LV2_PATH="$lv2_dir:/usr/lib/lv2"
export JACK_NO_START_SERVER=1
export NO_AT_BRIDGE=1 # no accessibility bus for GTK
work=$(mktemp -d)
server="aether-ui-$$"
jack=""
host=""
cleanup() {
  [ -n "$host" ] && kill "$host" 2> /dev/null
  [ -n "$jack" ] && kill "$jack" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# wait_until SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
# (sh has no local variables: these names are its own.)
wait_until() {
  wait_limit=$(($1 * 10))
  shift
  wait_round=0
  until "$@"; do
    wait_round=$((wait_round + 1))
    [ "$wait_round" -le "$wait_limit" ] || return 1
    sleep 0.1
  done
}

jackd -n "$server" -d dummy -r 48000 -p 256 > "$work/jackd.log" 2>&1 &
jack=$!
wait_until 30 env JACK_DEFAULT_SERVER="$server" jack_lsp > /dev/null 2>&1 ||
  {
    echo "jackd never started"
    exit 1
  }

# The last patch the plugin sent to the UI, from jalv's dump (a Turtle long
# string: patch:value """...""").
last_patch() {
  awk '
    /patch:value """/ { inside = 1; text = ""; sub(/.*patch:value """/, "") }
    inside {
      line = $0
      if (index(line, "\"\"\"")) {
        sub(/""".*/, "", line)
        text = text line "\n"
        inside = 0
        last = text
        next
      }
      text = text line "\n"
    }
    END { printf "%s", last }
  ' "$work/dump.txt" | grep -v '^$' > "$work/patch.ttl"
}

patch_has() {
  last_patch && grep -Eq -- "$1" "$work/patch.ttl"
}

patch_lacks_nodes() {
  last_patch && [ -s "$work/patch.ttl" ] && ! grep -q '^node:' "$work/patch.ttl"
}

ui_window() {
  xwininfo -root -tree | awk '/"Aether (Synth|FX) editor"/ { print $1; exit }'
}

found_window() {
  win=$(ui_window)
  [ -n "$win" ]
}

# The UI window's place on the screen and size: ux uy uw uh.
measure() {
  info=$(xwininfo -id "$win")
  ux=$(echo "$info" | awk '/Absolute upper-left X/ { print $NF }')
  uy=$(echo "$info" | awk '/Absolute upper-left Y/ { print $NF }')
  uw=$(echo "$info" | awk '/Width:/ { print $NF }')
  uh=$(echo "$info" | awk '/Height:/ { print $NF }')
}

# where WHAT [SNAPSHOT OPTIONS...]: x y of WHAT in the UI's window, as the
# editor shows the empty patch at the window's size.
where() {
  what=$1
  shift
  "$aether" snapshot "$work/empty.ttl" -o "$work/where.png" \
    --size "${uw}x${uh}" $synth "$@" --locate "$what" |
    awk -v w="$what" '$1 == w { print $2, $3 }'
}

click() { # X Y [BUTTON]
  xdotool mousemove --sync $((ux + $1)) $((uy + $2)) click "${3:-1}"
}

drag() { # X0 Y0 X1 Y1
  xdotool mousemove --sync $((ux + $1)) $((uy + $2)) mousedown 1 \
    mousemove --sync $((ux + ($1 + $3) / 2)) $((uy + ($2 + $4) / 2)) \
    mousemove --sync $((ux + $3)) $((uy + $4)) mouseup 1
}

# The colour at (X, Y) of the UI's window: "R G B", 0 .. 255.
pixel() {
  import -window root -crop "1x1+$((ux + $1))+$((uy + $2))" +repage \
    -depth 8 txt:- | tail -n 1 | sed 's/^[^(]*(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3/'
}

# is_colour X Y R G B: the pixel is that colour (0 .. 1 each, as the
# drawing code has it), within 2 of 255.
is_colour() {
  set -- "$@" $(pixel "$1" "$2")
  awk -v r="$3" -v g="$4" -v b="$5" -v pr="$6" -v pg="$7" -v pb="$8" 'BEGIN {
    d1 = r * 255 - pr; d2 = g * 255 - pg; d3 = b * 255 - pb
    exit !(d1 * d1 <= 4 && d2 * d2 <= 4 && d3 * d3 <= 4 && pb != "")
  }'
}

# is_wire X Y: a connection's blue (antialiased into the background).
is_wire() {
  set -- $(pixel "$1" "$2")
  [ -n "${3:-}" ] && [ "$3" -gt 120 ] && [ "$3" -gt $(($1 + 40)) ]
}

# The patch area (between the toolbar and the status line) is all one
# colour: the patch is empty.
area_empty() {
  colours=$(import -window root -crop "${uw}x$((uh - 52))+$ux+$((uy + 30))" \
    +repage -format %k info:)
  [ "$colours" = 1 ]
}

# The node colours and the background (src/ui/draw.c, kind.c).
background="0.117 0.121 0.133"
sources="0.20 0.32 0.22"
edges="0.16 0.27 0.38"

# In the plugin's patch as jalv.gtk3 dumps it: node NAME has "ae:KEY VALUE".
has_value() { # NAME KEY VALUE
  last_patch &&
    awk -v n="node:$1" -v k="ae:$2" -v v="$3" '
      $1 == n { on = 1; next }
      on && /^node:/ { on = 0 }
      on && $1 == k && ($2 == v || $2 == v ".") { found = 1 }
      END { exit !found }
    ' "$work/patch.ttl"
}

run_host() { # HOST PLUGIN_URI
  h=$1
  uri=$2
  synth=""
  [ "$uri" = urn:aether:synth ] && synth=--synth
  dump=""
  [ "$h" = jalv.gtk3 ] && dump=1 # jalv.qt5 takes no options
  : > "$work/dump.txt"
  JACK_DEFAULT_SERVER="$server" stdbuf -oL -eL "$h" ${dump:+-d} "$uri" \
    > "$work/dump.txt" 2>&1 &
  host=$!

  # Its UI: a window inside the host's, showing the plugin's patch. A host
  # that could not reach the X server at all (seen once on a loaded machine:
  # "could not connect to display") is started once more: that is about the
  # machine, not the plugin.
  if ! wait_until 60 found_window &&
    grep -q "could not connect to display" "$work/dump.txt"; then
    kill "$host" 2> /dev/null
    wait "$host" 2> /dev/null
    echo "$h $uri: the host could not reach the display; starting it again"
    : > "$work/dump.txt"
    JACK_DEFAULT_SERVER="$server" stdbuf -oL -eL "$h" ${dump:+-d} "$uri" \
      > "$work/dump.txt" 2>&1 &
    host=$!
  fi
  found_window || wait_until 60 found_window || {
    fail "$h $uri: no UI window"
    sed 's/^/  /' "$work/dump.txt" | head -40
    return
  }
  root=$(xwininfo -root | awk '/Window id:/ { print $4 }')
  top=$win
  while :; do
    parent=$(xwininfo -children -id "$top" | awk '/Parent window id:/ { print $4 }')
    [ "$parent" = "$root" ] && break
    top=$parent
  done
  [ "$top" != "$win" ] || fail "$h $uri: the UI is a top-level window"
  xprop -id "$top" WM_CLASS | grep -qi jalv ||
    fail "$h $uri: the UI is not inside the host's window ($(xprop -id "$top" WM_CLASS))"
  measure
  echo "$h $uri: UI window $win ${uw}x${uh} at $ux,$uy inside $top"
  if [ -n "$dump" ]; then
    wait_until 60 patch_has '^node:' || fail "$h $uri: the UI was never sent the patch"
  fi
  not_empty() { ! area_empty; }
  wait_until 60 not_empty || fail "$h $uri: the UI does not show the patch"

  # Clear (two clicks): the patch empty; then Fit: zoom 1 under the toolbar.
  set -- $(where button:clear)
  click "$1" "$2"
  click "$1" "$2"
  wait_until 60 area_empty || fail "$h $uri: Clear did not empty the patch"
  if [ -n "$dump" ]; then
    wait_until 60 patch_lacks_nodes || fail "$h $uri: the plugin's patch is not empty"
  fi
  set -- $(where button:fit)
  click "$1" "$2"

  # An oscillator (a right click on empty space, the palette), and an
  # output 250 pixels to its right. Box top-left corners at the clicks.
  x0=40
  y0=120
  x1=$((x0 + 250))
  set -- $(where palette:Oscillator --click "r$x0,$y0")
  click "$x0" "$y0" 3
  click "$1" "$2"
  wait_until 60 is_colour $((x0 + 130)) $((y0 + 20)) $sources ||
    fail "$h $uri: the oscillator is not shown"
  set -- $(where palette:AudioOut --click "r$x1,$y0")
  click "$x1" "$y0" 3
  click "$1" "$2"
  wait_until 60 is_colour $((x1 + 130)) $((y0 + 20)) $edges ||
    fail "$h $uri: the output is not shown"

  # A connection: from the oscillator's output (its box's right edge, the
  # first port row) to the output's left input.
  port_y=$((y0 + 34 + 8))
  drag $((x0 + 150)) "$port_y" "$x1" "$port_y"
  wait_until 60 is_wire $((x0 + 200)) "$port_y" ||
    fail "$h $uri: the connection is not shown"

  # The output moved 100 pixels down, by its title.
  drag $((x1 + 75)) $((y0 + 10)) $((x1 + 75)) $((y0 + 110))
  wait_until 60 is_colour $((x1 + 130)) $((y0 + 120)) $edges ||
    fail "$h $uri: the output is not shown where it was moved"
  wait_until 60 is_colour $((x1 + 130)) $((y0 + 20)) $background ||
    fail "$h $uri: the output is still shown where it was"

  # The plugin's patch: the nodes where they were put, the connection.
  if [ -n "$dump" ]; then
    py=$((y0 - 30))
    wait_until 60 has_value oscillator x "$x0" ||
      fail "$h $uri: no oscillator at x $x0 in the plugin's patch"
    has_value oscillator y "$py" || fail "$h $uri: the oscillator is not at y $py"
    wait_until 60 has_value audioout y $((py + 100)) ||
      fail "$h $uri: the output is not at y $((py + 100)) in the plugin's patch"
    has_value audioout x "$x1" || fail "$h $uri: the output is not at x $x1"
    has_value audioout left node:oscillator ||
      fail "$h $uri: the connection is not in the plugin's patch"
  fi

  # The host is still there, and quits when asked.
  kill -0 "$host" 2> /dev/null || fail "$h $uri: the host died"
  grep -Ei 'segmentation|assert|BadWindow|BadMatch|X Error' "$work/dump.txt" &&
    fail "$h $uri: errors in the host's output"
  kill -INT "$host"
  quit() { ! kill -0 "$host" 2> /dev/null; }
  wait_until 30 quit || fail "$h $uri: the host does not quit"
  wait "$host" 2> /dev/null
  host=""
  gone() { ! xwininfo -root -tree | grep -q '"Aether .* editor"'; }
  wait_until 30 gone || fail "$h $uri: the UI window stays"
  echo "$h $uri: built from nothing in the UI"
}

printf '@prefix ae: <urn:aether:> .\n<> a ae:Patch .\n' > "$work/empty.ttl"

for h in $hosts; do
  for uri in urn:aether:fx urn:aether:synth; do
    run_host "$h" "$uri"
  done
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "jalv UI checks passed ($hosts)"
