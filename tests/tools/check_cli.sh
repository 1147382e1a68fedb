#!/bin/sh
# Aether tests: every `aether` subcommand's happy path and error paths, with
# exact messages and exit statuses (0 done, 1 failed, 2 bad arguments).
# Usage: check_cli.sh AETHER SOURCE_ROOT WORK_DIR (LV2_PATH set by meson).
set -u
aether=$1
root=$2
dir=$3/check_cli
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect STATUS CMD...: run CMD, keep stdout in out.txt and stderr in err.txt.
expect() {
  want=$1
  shift
  "$@" >out.txt 2>err.txt
  got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$* exited $got, not $want"
    sed 's/^/  stderr: /' err.txt
  fi
}

# has FILE TEXT: FILE holds the exact line TEXT.
has() {
  grep -qxF -- "$2" "$1" || {
    fail "$1 has no line: $2"
    sed 's/^/  got: /' "$1" | head -20
  }
}

# contains FILE TEXT: FILE holds TEXT somewhere.
contains() {
  grep -qF -- "$2" "$1" || {
    fail "$1 does not contain: $2"
    sed 's/^/  got: /' "$1" | head -20
  }
}

cat >gain.ttl <<'EOF'
@prefix ae: <urn:aether:> .
@prefix node: <urn:aether:node:> .
node:in a ae:AudioIn .
node:g a ae:Gain ; ae:gain 0.5 ; ae:in node:in.left .
node:out a ae:AudioOut ; ae:left node:g .
EOF
cat >range.ttl <<'EOF'
@prefix ae: <urn:aether:> .
@prefix node: <urn:aether:node:> .
node:g a ae:Gain ;
  ae:gain 5 .
EOF
printf '@prefix ae: <urn:aether:> .\nnode:g a ae:Gain .\n' >prefix.ttl

# The command itself
expect 2 "$aether"
contains err.txt "Usage: aether COMMAND [ARGUMENTS]"
expect 0 "$aether" --help
for cmd in render check dot nodes presets bench; do
  contains out.txt "$(printf '  %-9s' "$cmd") "
done
expect 0 "$aether" --version
has out.txt "aether 0.1.0"
expect 2 "$aether" frobnicate
has err.txt 'aether: no command "frobnicate" (aether --help lists them)'
for cmd in render check dot nodes presets; do
  expect 0 "$aether" "$cmd" --help
  contains out.txt "Usage: aether $cmd"
  expect 0 "$aether" help "$cmd"
  contains out.txt "Usage: aether $cmd"
  expect 2 "$aether" "$cmd" --bogus
  has err.txt "aether $cmd: unknown option --bogus"
  has err.txt "(see: aether $cmd --help)"
done
if "$aether" bench --help >out.txt 2>err.txt; then
  contains out.txt "bench"
else
  has err.txt "aether bench: not built (this build has no tools/bench.c)"
fi

# check
expect 0 "$aether" check gain.ttl "$root/patches/stereo-echo.ttl"
has out.txt "gain.ttl: ok (3 nodes)"
has out.txt "$root/patches/stereo-echo.ttl: ok (10 nodes)"
expect 1 "$aether" check gain.ttl range.ttl prefix.ttl missing.ttl
has out.txt "gain.ttl: ok (3 nodes)"
has err.txt 'range.ttl:4:11: node "g" (Gain): ae:gain 5 is out of range (0 to 4)'
contains err.txt "prefix.ttl:2:1: "
has err.txt "missing.ttl: no such file"
expect 2 "$aether" check

# dot
expect 0 "$aether" dot gain.ttl
has out.txt 'digraph "gain.ttl" {'
has out.txt '	"g" [label="g\nGain"];'
has out.txt '	"in" -> "g" [label="left -> in"];'
has out.txt '	"g" -> "out" [label="out -> left"];'
expect 0 "$aether" dot "$root/patches/synth-voice.ttl" -o voice.dot
has voice.dot '	"macro1" -> "filter" [style=dashed, label="cutoff"];'
if command -v dot >/dev/null; then
  expect 0 "$aether" dot gain.ttl -o gain.png
  [ "$(head -c 4 gain.png | tail -c 3)" = "PNG" ] || fail "gain.png is not a PNG"
  expect 0 "$aether" dot gain.ttl -o gain.svg
  contains gain.svg "<svg"
fi
expect 1 env PATH=/nonexistent "$aether" dot gain.ttl -o nodot.png
has err.txt "aether dot: nodot.png: cannot run Graphviz's dot (not installed): install graphviz, or leave out -o to print DOT text"
expect 2 "$aether" dot gain.ttl -o gain.jpg
has err.txt "aether dot: -o gain.jpg: the output must end in .png, .svg or .dot"
expect 1 "$aether" dot range.ttl
has err.txt 'range.ttl:4:11: node "g" (Gain): ae:gain 5 is out of range (0 to 4)'
expect 2 "$aether" dot
expect 2 "$aether" dot gain.ttl range.ttl

# nodes
expect 0 "$aether" nodes
has out.txt "Oscillator: Oscillator"
has out.txt "    freq        0.1 to 20000 Hz; default 440 Hz; ramps over 20 ms. Frequency"
has out.txt "Gain: Gain / VCA"
expect 0 "$aether" nodes Gain
has out.txt "    gain        0 to 4; default 0.8; ramps over 20 ms. Linear gain factor."
[ "$(grep -c '^[A-Za-z]*: ' out.txt)" -eq 1 ] || fail "nodes Gain printed other types"
expect 2 "$aether" nodes Gainn
has err.txt 'aether nodes: no node type "Gainn" (aether nodes lists them; names are case sensitive)'

# presets
expect 0 "$aether" presets
contains out.txt "fx-default "
contains out.txt "synth-default "
expect 0 "$aether" presets --plugin synth
grep -q '^fx-' out.txt && fail "presets --plugin synth lists fx presets"
expect 2 "$aether" presets --plugin organ
has err.txt "aether presets: --plugin organ: the plugins are fx and synth"

# render: happy paths, with the levels the report says
sox -n -r 48000 -c 1 -b 32 -e floating-point sine.wav synth 1 sine 1000 vol 0.5
expect 0 "$aether" render -i sine.wav --patch gain.ttl -o out.wav
has out.txt "out.wav: 1.00 s, stereo 32-bit float WAV"
has out.txt "  render   48000 frames at 48000 Hz in host blocks of 512"
has out.txt "  input    sine.wav (1 channel, fed to both inputs, 1.00 s)"
has out.txt "  left     peak  -12.0 dBFS   RMS  -15.1 dBFS"
has out.txt "  right    peak  -12.0 dBFS   RMS  -15.1 dBFS"
expect 0 "$aether" render --notes "A3:0:0.5" --seconds 1.5 -o synth.wav -q
[ -s out.txt ] && fail "render -q printed: $(cat out.txt)"
[ "$(soxi -s synth.wav)" = 72000 ] || fail "synth.wav is not 1.5 s long"

# render: a warning from the plugin is said, and does not fail the render
cat >blowup.ttl <<'EOF2'
@prefix ae: <urn:aether:> .
@prefix node: <urn:aether:node:> .
node:in a ae:AudioIn .
node:sum a ae:Mixer ; ae:in1 node:in.left ; ae:in2 node:boost .
node:echo a ae:Delay ; ae:time 0.01 ; ae:feedback 0 ; ae:wet 1 ; ae:in node:sum .
node:boost a ae:Gain ; ae:gain 4 ; ae:in node:echo .
node:square a ae:Math ; ae:op ae:multiply ; ae:a node:echo ; ae:b node:echo .
node:out a ae:AudioOut ; ae:left node:square .
EOF2
expect 0 "$aether" render -i sine.wav --patch blowup.ttl -o blowup.wav
contains err.txt "aether render: the plugin reported: warning: the patch produced a non-finite or runaway signal; its nodes were reset"

# render: usage errors (exit 2)
expect 2 "$aether" render --notes C4:0:1
has err.txt "aether render: say where to write: -o OUT.wav"
expect 2 "$aether" render -o x.wav
has err.txt "aether render: say how long to render: --seconds S (there is no input file or note to take it from)"
expect 2 "$aether" render --plugin organ --seconds 1 -o x.wav
has err.txt "aether render: --plugin organ: the plugins are fx and synth"
expect 2 "$aether" render --block 0 --seconds 1 -o x.wav
has err.txt "aether render: --block 0: a whole number from 1 to 8192"
expect 2 "$aether" render --rate 100 --seconds 1 -o x.wav
has err.txt "aether render: --rate 100: a whole number of Hz from 8000 to 768000"
expect 2 "$aether" render --seconds -1 -o x.wav
has err.txt "aether render: --seconds -1: a number of seconds above 0, up to a day"
expect 2 "$aether" render --plugin synth -i sine.wav -o x.wav
has err.txt "aether render: the synth has no audio input (-i is for --plugin fx)"
expect 2 "$aether" render --patch a.ttl --preset b --seconds 1 -o x.wav
has err.txt "aether render: give --patch or --preset, not both"
expect 2 "$aether" render --notes "H4:0:1" -o x.wav
has err.txt 'aether render: --notes: note 1 "H4:0:1": "H4" is not a note (a name from C-1 to G9 like C4, F#3, Bb2, or a MIDI number 0 to 127)'
expect 2 "$aether" render --set macro1 --seconds 1 -o x.wav
has err.txt "aether render: --set macro1: write NAME=VALUE (macro3=0.7 or NODE.PARAM=VALUE)"
expect 2 "$aether" render --set macro9=1 --seconds 1 -o x.wav
has err.txt "aether render: --set macro9=1: the plugin has no control port macro9"
expect 2 "$aether" render --set macro1=2 --seconds 1 -o x.wav
has err.txt "aether render: --set macro1=2: 2 is out of the range of macro1 (0 to 1)"
expect 2 "$aether" render --seconds 1 -o
has err.txt "aether render: -o needs a value"

# render: failures (exit 1), no output file left behind by setup errors
expect 1 "$aether" render -i sine.wav --patch range.ttl -o bad.wav
has err.txt 'aether render: range.ttl:4:11: node "g" (Gain): ae:gain 5 is out of range (0 to 4)'
[ -e bad.wav ] && fail "a failed patch load left bad.wav"
expect 1 "$aether" render -i sine.wav --patch missing.ttl -o bad.wav
has err.txt "aether render: missing.ttl: no such file"
expect 1 "$aether" render -i missing.wav -o bad.wav
contains err.txt "aether render: missing.wav: "
expect 1 "$aether" render -i sine.wav --rate 44100 -o bad.wav
has err.txt "aether render: sine.wav: its sample rate is 48000 Hz, not --rate 44100 (Aether does not resample; leave out --rate to render at 48000 Hz)"
printf 'MThd\0\0\0\6\0\0\0\1\0\140MTrk\0\0\0\3\0\220\74' >cut.mid
expect 1 "$aether" render --midi cut.mid -o bad.wav
has err.txt "aether render: cut.mid: byte 25 (track 1): the track ends inside an event"
expect 1 "$aether" render --midi missing.mid -o bad.wav
has err.txt "aether render: missing.mid: no such file"
expect 1 "$aether" render --preset synth-nothing --notes C4:0:1 -o bad.wav
has err.txt "aether render: no preset urn:aether:preset:synth-nothing (aether presets lists them)"
expect 1 "$aether" render --preset fx-default --plugin synth --notes C4:0:1 -o bad.wav
has err.txt "aether render: preset urn:aether:preset:fx-default is not for urn:aether:synth"
expect 1 "$aether" render -i sine.wav --patch gain.ttl --set nope.gain=1 -o bad.wav
has err.txt 'aether render: --set nope.gain=1: no node called "nope"'
expect 1 "$aether" render -i sine.wav --patch gain.ttl --set g.gain=9 -o bad.wav
has err.txt 'aether render: --set g.gain=9: g.gain: 9 is out of range (0 to 4)'
expect 1 "$aether" render -i sine.wav -o /nonexistent/out.wav
contains err.txt "aether render: /nonexistent/out.wav: "
expect 1 env LV2_PATH=/nonexistent "$aether" render -i sine.wav -o bad.wav
has err.txt "aether render: plugin urn:aether:fx not found in LV2_PATH /nonexistent (build it first, or set LV2_PATH to the folder that holds aether.lv2)"

if [ "$failures" -ne 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "all checks passed"
