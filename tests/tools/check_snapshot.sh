#!/bin/sh
# Aether tests: `aether snapshot`, the patch editor's picture of a patch:
# a PNG of the size asked for, for every shipped patch; exact messages and
# exit statuses for bad input; and the redraw time of a 100-node patch,
# printed (measured, not asserted).
# Usage: check_snapshot.sh AETHER SOURCE_ROOT WORK_DIR
set -u
aether=$1
root=$2
dir=$3/check_snapshot
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir" || exit 1
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

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

has() {
  grep -qxF -- "$2" "$1" || {
    fail "$1 has no line: $2"
    sed 's/^/  got: /' "$1" | head -20
  }
}

# png_size FILE: "WIDTHxHEIGHT" from the PNG header (signature, IHDR).
png_size() {
  sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
  if [ "$sig" != "89504e470d0a1a0a" ]; then
    echo "not-a-png"
    return
  fi
  w=$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  h=$(od -An -tu1 -j20 -N4 "$1" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
  echo "${w}x${h}"
}

if "$aether" snapshot --help >out.txt 2>err.txt; then :; else
  if grep -qF "not built" err.txt; then
    echo "aether snapshot is not built (no cairo): skipped"
    exit 77
  fi
fi

# Help and arguments
expect 0 "$aether" snapshot --help
grep -qF "Usage: aether snapshot PATCH -o FILE.png" out.txt || fail "no usage"
expect 0 "$aether" help snapshot
expect 2 "$aether" snapshot
has err.txt "aether snapshot: which patch? (aether snapshot PATCH -o FILE.png)"
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl"
has err.txt "aether snapshot: -o FILE.png is needed"
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o echo.jpg
has err.txt "aether snapshot: -o echo.jpg: the output must end in .png"
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o e.png --size 10
has err.txt "aether snapshot: --size 10: give WIDTHxHEIGHT in pixels, 1 to 8192 each"
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o e.png --size 0x10
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o e.png --size 9000x10
expect 2 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o e.png --bogus
has err.txt "aether snapshot: unknown option --bogus"
expect 2 "$aether" snapshot a.ttl b.ttl -o e.png
has err.txt "aether snapshot: one patch at a time (a.ttl and b.ttl)"

# Bad patches and unwritable pictures: exit 1, the reader's message.
expect 1 "$aether" snapshot missing.ttl -o m.png
has err.txt "missing.ttl: no such file"
printf '@prefix ae: <urn:aether:> .\n@prefix node: <urn:aether:node:> .\nnode:g a ae:Gain ; ae:x 3 .\n' >half.ttl
expect 1 "$aether" snapshot half.ttl -o h.png
has err.txt 'half.ttl:3:10: node "g" (Gain): ae:x without ae:y (a position needs both)'
[ -e h.png ] && fail "a picture was written for a bad patch"
expect 1 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o no/such/dir.png
grep -qF "aether snapshot: no/such/dir.png: " err.txt || fail "no message for an unwritable picture"

# Every shipped patch, at the default size and at another.
for f in "$root"/patches/*.ttl "$root"/ttl/presets/*.ttl "$root"/ttl/defaults/*.ttl; do
  name=$(basename "$f" .ttl)
  expect 0 "$aether" snapshot "$f" -o "$name.png"
  [ "$(png_size "$name.png")" = "1200x800" ] || fail "$name.png is $(png_size "$name.png")"
done
expect 0 "$aether" snapshot "$root/patches/stereo-echo.ttl" -o small.png --size 320x200
[ "$(png_size small.png)" = "320x200" ] || fail "small.png is $(png_size small.png)"

# A patch with positions is drawn, and positions change the picture.
cat >placed.ttl <<'TTL'
@prefix ae: <urn:aether:> .
@prefix node: <urn:aether:node:> .
node:in a ae:AudioIn ; ae:x 0 ; ae:y 0 .
node:g a ae:Gain ; ae:in node:in.left ; ae:x 300 ; ae:y 200 .
node:out a ae:AudioOut ; ae:left node:g ; ae:x 600 ; ae:y 0 .
TTL
sed 's/ae:x 300 ; ae:y 200/ae:x 300 ; ae:y 0/' placed.ttl >flat.ttl
expect 0 "$aether" snapshot placed.ttl -o placed.png
expect 0 "$aether" snapshot flat.ttl -o flat.png
cmp -s placed.png flat.png && fail "moving a node does not change the picture"

# What the editor shows besides the patch, and where (for tests that drive
# the editor in a host): the same places the editor's own code gives.
expect 0 "$aether" snapshot placed.ttl -o where.png --size 1000x640 \
  --locate node:g --locate output:g.out --locate input:out.left --locate button:fit
grep -Eqx 'node:g [0-9]+ [0-9]+' out.txt || fail "no place for node:g: $(cat out.txt)"
grep -Eqx 'output:g.out [0-9]+ [0-9]+' out.txt || fail "no place for output:g.out"
grep -Eqx 'input:out.left [0-9]+ [0-9]+' out.txt || fail "no place for input:out.left"
has out.txt "button:fit 100 15"
expect 1 "$aether" snapshot placed.ttl -o where.png --locate button:voices+
has err.txt "aether snapshot: --locate button:voices+: the editor does not show it"
expect 0 "$aether" snapshot placed.ttl -o where.png --synth --locate button:voices+
expect 0 "$aether" snapshot placed.ttl -o selected.png --select g --locate param:gain
grep -Eqx 'param:gain [0-9]+ [0-9]+' out.txt || fail "no slider for g's gain"
cmp -s selected.png placed.png && fail "a selected node does not change the picture"
expect 1 "$aether" snapshot placed.ttl -o none.png --select nosuch
has err.txt "aether snapshot: --select nosuch: the patch has no such node"
expect 0 "$aether" snapshot placed.ttl -o palette.png --palette --locate palette:Oscillator
cmp -s palette.png placed.png && fail "the palette does not change the picture"
expect 2 "$aether" snapshot placed.ttl -o where.png --locate
expect 2 "$aether" snapshot placed.ttl -o where.png --select

# The redraw time of a 100-node patch (printed for the record, not asserted).
# A synth-like patch laid out automatically (10 voices' worth of chains of
# oscillator, filter, envelope and gain, mixed, through effects), as the
# editor opens it at 1200x800: every box, label and connection drawn.
{
  echo '@prefix ae: <urn:aether:> .'
  echo '@prefix node: <urn:aether:node:> .'
  echo 'node:midi a ae:MidiNote .'
  v=0
  while [ $v -lt 10 ]; do
    echo "node:lfo$v a ae:Lfo ."
    echo "node:osc$v a ae:Oscillator ; ae:pitch node:midi.pitch ; ae:fm node:lfo$v ."
    echo "node:sub$v a ae:Oscillator ; ae:pitch node:midi.pitch ."
    echo "node:mix$v a ae:Mixer ; ae:in1 node:osc$v ; ae:in2 node:sub$v ."
    echo "node:env$v a ae:Adsr ; ae:gate node:midi.gate ."
    echo "node:flt$v a ae:Filter ; ae:in node:mix$v ; ae:cutoff_cv node:env$v.env ."
    echo "node:shp$v a ae:Waveshaper ; ae:in node:flt$v ."
    echo "node:amp$v a ae:Gain ; ae:in node:shp$v ; ae:cv node:lfo$v ."
    echo "node:pan$v a ae:Pan ; ae:in node:amp$v ."
    v=$((v + 1))
  done
  echo 'node:busl a ae:Mixer ; ae:in1 node:pan0.left ; ae:in2 node:pan1.left ; ae:in3 node:pan2.left ; ae:in4 node:pan3.left ; ae:in5 node:pan4.left ; ae:in6 node:pan5.left ; ae:in7 node:pan6.left ; ae:in8 node:pan7.left .'
  echo 'node:busr a ae:Mixer ; ae:in1 node:pan0.right ; ae:in2 node:pan1.right ; ae:in3 node:pan2.right ; ae:in4 node:pan3.right ; ae:in5 node:pan4.right ; ae:in6 node:pan5.right ; ae:in7 node:pan6.right ; ae:in8 node:pan7.right .'
  echo 'node:verb a ae:Reverb ; ae:left node:busl ; ae:right node:busr .'
  echo 'node:chorus a ae:Chorus ; ae:in node:verb.left .'
  echo 'node:delay a ae:Delay ; ae:in node:verb.right .'
  echo 'node:comp a ae:Compressor ; ae:in node:chorus.left .'
  echo 'node:lim a ae:Compressor ; ae:in node:delay .'
  echo 'node:macro a ae:Macro .'
  echo 'node:out a ae:AudioOut ; ae:left node:comp ; ae:right node:lim .'
} >hundred.ttl
expect 0 "$aether" check hundred.ttl
has out.txt "hundred.ttl: ok (100 nodes)"
expect 0 "$aether" snapshot hundred.ttl -o hundred.png --repeat 50
grep -q '^redraw: [0-9.]* ms median of 50 (min [0-9.]*, max [0-9.]*) at 1200x800, 100 nodes$' out.txt ||
  fail "no redraw time: $(cat out.txt)"
cat out.txt

# The same 100 nodes on a 10 x 10 grid, each mixing two before it, in a
# picture of 2400x1600 that shows all of them: long connections across
# the whole picture, the dearest redraw.
{
  echo '@prefix ae: <urn:aether:> .'
  echo '@prefix node: <urn:aether:node:> .'
  echo 'node:n0 a ae:AudioIn ; ae:x 0 ; ae:y 0 .'
  i=1
  while [ $i -lt 100 ]; do
    echo "node:n$i a ae:Mixer ; ae:in1 node:n$((i - 1)) ; ae:in2 node:n$((i / 2)) ; ae:x $((i % 10 * 220)) ; ae:y $((i / 10 * 200)) ."
    i=$((i + 1))
  done
} >grid.ttl
expect 0 "$aether" snapshot grid.ttl -o grid.png --size 2400x1600 --repeat 30
grep -q '^redraw: [0-9.]* ms median of 30 (min [0-9.]*, max [0-9.]*) at 2400x1600, 100 nodes$' out.txt ||
  fail "no redraw time: $(cat out.txt)"
cat out.txt

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all snapshot checks passed"
