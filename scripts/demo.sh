#!/usr/bin/env bash
# Aether demo: render sound through the real plugin (the built LV2 bundle,
# loaded with lilv by `aether render`), and show what came out.
#
# Usage: scripts/demo.sh [BUILD_DIR [OUT_DIR]]    (default: build out)
#
# Renders the default effect and an effect preset on a generated plucked
# phrase, two synth presets (one playing a MIDI file, one chords given
# inline), and two example patches; writes the WAVs, a picture of each
# patch's graph and a spectrogram of each render into OUT_DIR, then prints
# a table of lengths and levels. ./run-demo installs the packages, builds,
# then runs this. Presets are picked at run time, with fallbacks.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${2:-$root/out}
aether=$build/tools/aether

if [ ! -x "$aether" ]; then
  echo "demo: $aether is missing: build first (meson setup build && ninja -C build)" >&2
  exit 1
fi
for tool in sox dot; do
  if ! command -v "$tool" >/dev/null; then
    echo "demo: $tool is missing: run scripts/deps.sh (as root)" >&2
    exit 1
  fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
export LV2_PATH="$build/lv2:/usr/lib/lv2" # the bundle this build made
start=$(date +%s)

# Print PATH relative to the current directory when it is below it.
show() {
  case $1 in
    "$PWD"/*) echo "${1#"$PWD"/}" ;;
    *) echo "$1" ;;
  esac
}

# Bytes for a MIDI file: one from a number 0 to 255; hex pairs; a
# variable-length number (< 16384); a 32-bit big-endian number.
# shellcheck disable=SC2059 # the format is the octal escape, on purpose
byte() { printf "\\$(printf %03o "$1")"; }
bytes() { for b in $1; do byte $((16#$b)); done; }
vlq() {
  if [ "$1" -ge 128 ]; then byte $((($1 >> 7) | 128)); fi
  byte $(($1 & 127))
}
be32() { local s; for s in 24 16 8 0; do byte $(($1 >> s & 255)); done; }

# write_midi FILE NOTE:TICKS...: a Standard MIDI File (format 0, 480 ticks
# a quarter note, 120 beats a minute) playing the notes (MIDI numbers, 60 is
# middle C) one after another, each for TICKS.
write_midi() {
  local file=$1 track="$out/.track"
  shift
  for item in "$@"; do
    bytes "00 90" && byte "${item%%:*}" && byte 100 # note on, velocity 100
    vlq "${item#*:}"
    bytes "80" && byte "${item%%:*}" && byte 0 # note off
  done >"$track"
  bytes "00 ff 2f 00" >>"$track"
  {
    printf 'MThd'
    bytes "00 00 00 06 00 00 00 01 01 e0"
    printf 'MTrk'
    be32 "$(stat -c %s "$track")"
    cat "$track"
  } >"$file"
  rm -f "$track"
}

# The inputs: a plucked phrase for the effects (E minor, at -6 dBFS, then
# 2.5 s of silence for the echoes and reverb to ring out) and a MIDI phrase.
sox -V1 -n -r 48000 -c 1 -b 32 "$out/.plucks.wav" \
  synth 0.3 pluck E3 : synth 0.3 pluck G3 : synth 0.3 pluck B3 : \
  synth 0.6 pluck E4 : synth 0.6 pluck D4 : synth 0.9 pluck B3
sox -V1 "$out/.plucks.wav" -b 24 "$out/input.wav" gain -n -6 pad 0 2.5
rm -f "$out/.plucks.wav"
write_midi "$out/phrase.mid" 57:240 60:240 64:240 69:240 67:480 64:240 \
  62:240 64:960

# The presets this build has (more are being written: pick at run time).
mapfile -t synth_presets < <("$aether" presets --plugin synth | awk '{print $1}')
mapfile -t fx_presets < <("$aether" presets --plugin fx | awk '{print $1}')

# first_of NAME... : the first NAME that is a preset of this build.
first_of() {
  local want have
  for want in "$@"; do
    for have in "${synth_presets[@]}" "${fx_presets[@]}"; do
      if [ "$want" = "$have" ]; then
        echo "$want"
        return
      fi
    done
  done
}

# other_than NAME PRESET...: the first PRESET that is not NAME.
other_than() {
  local skip=$1 p
  shift
  for p in "$@"; do
    if [ "$p" != "$skip" ]; then
      echo "$p"
      return
    fi
  done
}

renders=() # names, in order
declare -A what patch_of view_of

# render NAME WHAT PATCH_FILE VIEW -- AETHER_RENDER_ARGS...
# VIEW: "full" spectrogram (stereo, to 24 kHz) or "notes" (mono, to 4 kHz,
# where the melody shows).
render() {
  local name=$1 desc=$2 patch=$3
  printf '  %-24s %s\n' "$name" "$desc"
  view_of[$name]=$4
  shift 5
  "$aether" render -o "$out/$name.wav" "$@" >"$out/$name.txt"
  renders+=("$name")
  what[$name]=$desc
  patch_of[$name]=$patch
}

echo "Aether demo: rendering through $(show "$build")/aether.lv2"
render fx-default "the default effect on a plucked phrase" \
  "$root/ttl/defaults/fx.ttl" full -- --plugin fx -i "$out/input.wav"
fx_other=$(first_of fx-ping-pong fx-hall fx-chorus fx-filter-sweep)
fx_other=${fx_other:-$(other_than fx-default "${fx_presets[@]}")}
if [ -n "$fx_other" ]; then
  render "$fx_other" "preset $fx_other, same phrase" \
    "$root/ttl/presets/$fx_other.ttl" full -- --preset "$fx_other" -i "$out/input.wav"
fi

synth_a=$(first_of synth-default)
synth_a=${synth_a:-${synth_presets[0]:-}}
synth_b=$(first_of synth-keys synth-pad synth-pluck synth-lead synth-bass)
synth_b=${synth_b:-$(other_than "$synth_a" "${synth_presets[@]}")}
# Chords (Am F C G) for a polyphonic preset; a monophonic one plays the
# last note of each.
chords="A3:0:0.9,C4:0:0.9,E4:0:0.9,F3:1:0.9,A3:1:0.9,C4:1:0.9,"
chords+="E3:2:0.9,G3:2:0.9,C4:2:0.9,G3:3:1.5,B3:3:1.5,D4:3:1.5"
melody="A3:0:0.25,C4:0.25:0.25,E4:0.5:0.25,A4:0.75:0.25,G4:1:0.5,"
melody+="E4:1.5:0.25,D4:1.75:0.25,E4:2:1"
if [ -n "$synth_a" ]; then
  render "$synth_a" "preset $synth_a, MIDI phrase from phrase.mid" \
    "$root/ttl/presets/$synth_a.ttl" notes -- --preset "$synth_a" --midi "$out/phrase.mid"
fi
if [ -n "$synth_b" ]; then
  render "$synth_b" "preset $synth_b, chords given as --notes" \
    "$root/ttl/presets/$synth_b.ttl" notes -- --preset "$synth_b" --notes "$chords"
else # this build has one synth preset or none: play the example voice
  render synth-voice "patches/synth-voice.ttl, the phrase as --notes" \
    "$root/patches/synth-voice.ttl" notes -- --plugin synth \
    --patch "$root/patches/synth-voice.ttl" --notes "$melody" --set macro1=0.6
fi
render stereo-echo "patches/stereo-echo.ttl on the phrase" \
  "$root/patches/stereo-echo.ttl" full -- --plugin fx \
  --patch "$root/patches/stereo-echo.ttl" -i "$out/input.wav" --set macro1=0.7
render generative "patches/generative.ttl, playing by itself" \
  "$root/patches/generative.ttl" full -- --plugin fx \
  --patch "$root/patches/generative.ttl" --seconds 8

# Pictures: each patch's graph, each render's spectrogram.
for name in "${renders[@]}"; do
  if [ -f "${patch_of[$name]}" ]; then
    "$aether" dot "${patch_of[$name]}" -o "$out/$name.graph.png"
  else
    echo "demo: no graph for $name: ${patch_of[$name]} is missing" >&2
  fi
  view=()
  if [ "${view_of[$name]}" = notes ]; then view=(remix - rate 8k); fi
  sox -V1 "$out/$name.wav" -n "${view[@]}" spectrogram -x 1000 -Y 400 \
    -t "$name: ${what[$name]}" -c "Aether demo" -o "$out/$name.spectrogram.png"
done

# The report: the levels aether render measured.
echo
echo "Done in $(($(date +%s) - start)) s. In $(show "$out")/:"
echo
printf '  %-24s %7s   %-15s   %-15s\n' "file" "length" "peak dBFS L / R" "RMS dBFS L / R"
for name in "${renders[@]}"; do
  awk -v file="$name.wav" '
    NR == 1 { len = $2 " s" }
    $1 == "left" { pl = $3; rl = $6 }
    $1 == "right" { pr = $3; rr = $6 }
    END { printf "  %-24s %7s   %6s / %-6s   %6s / %-6s\n", file, len, pl, pr, rl, rr }
  ' "$out/$name.txt"
done
echo
echo "  input.wav, phrase.mid     what was played"
echo "  NAME.graph.png            the patch: nodes, connections, macros"
echo "  NAME.spectrogram.png      the sound: time across, frequency up"
echo "  NAME.txt                  what aether render said"
echo
echo "Render your own: $(show "$aether") render --help"
