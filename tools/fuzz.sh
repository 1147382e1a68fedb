#!/usr/bin/env bash
# Run Aether's fuzzers (tests/fuzz/) with libFuzzer, clang 14, ASan + UBSan.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS: time per target (default 600); TARGETs: patch, control, state
# (default: all three). The corpus grows in build-fuzz/fuzz-corpus/TARGET
# across runs, seeded from the shipped patches. A crash leaves its input in
# build-fuzz/fuzz-artifacts/TARGET/: copy it into tests/fuzz/regressions/
# TARGET/ (the replay test then runs it in every build), fix the bug, and
# run this again. Exits non-zero if any target crashed.
#
# Environment: BUILD (build-fuzz), JOBS (parallel fuzzing processes per
# target, default 1).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(patch control state)
build=${BUILD:-build-fuzz}
jobs=${JOBS:-1}

scripts/deps.sh || exit 1
if [ ! -f "$build/build.ninja" ]; then
  CC=${FUZZ_CC:-$(command -v clang-14 || command -v clang)} \
    meson setup "$build" --buildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    "-Dc_args=-fsanitize=fuzzer-no-link -Wno-nullability-extension" \
    >/dev/null || exit 1
fi
exes=()
for t in "${targets[@]}"; do exes+=("tests/fuzz/fuzz_$t"); done
ninja -C "$build" "${exes[@]}" >/dev/null || {
  echo "fuzz: build failed (ninja -C $build ${exes[*]})" >&2
  exit 1
}

# Seeds: every shipped patch, behind the bytes that make it an input of the
# target (see the comments at the top of each fuzz_*.c).
declare -A prefix=([patch]='' [control]='\x01\x00' [state]='\x00')
dict="$build/fuzz-patch.dict"
{
  for token in '@prefix' '@base' 'ae:' 'node:' '<urn:aether:>' \
    '<urn:aether:node:>' '<>' ' a ' ' ; ' ' . ' ' , ' '[' ']' '^^' \
    'xsd:double' 'true' 'false' '1e999' 'NaN' '-0' '"""'; do
    printf '"%s"\n' "$(printf '%s' "$token" | sed 's/\\/\\\\/g; s/"/\\"/g')"
  done
  grep -ohE 'ae:[A-Za-z_][A-Za-z0-9_]*' ttl/aether-vocab.ttl | sort -u |
    sed 's/.*/"&"/'
} >"$dict"

status=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  seeds="$build/fuzz-seeds/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$seeds" "$artifacts"
  for f in patches/*.ttl ttl/presets/*.ttl ttl/defaults/*.ttl; do
    { printf "${prefix[$t]}"; cat "$f"; } >"$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  for f in tests/fuzz/regressions/"$t"/*; do
    [ "$(basename "$f")" = README ] || cp "$f" "$seeds/regression-$(basename "$f")"
  done

  extra=()
  [ "$t" = patch ] && extra+=("-dict=$dict")
  [ "$jobs" -gt 1 ] && extra+=("-fork=$jobs")
  log="$build/fuzz-$t.log"
  echo "fuzz: $t for ${seconds}s (log: $log)"
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${extra[@]}" "$corpus" "$seeds" \
    >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED after ${runs:-?} runs ($cov); the input:" >&2
    ls -t "$artifacts"/* 2>/dev/null | head -3 >&2
    grep -E 'ERROR|SUMMARY|fuzz:|#[0-9]+ ' "$log" | head -30 >&2
    status=1
  else
    echo "fuzz: $t ok: ${runs:-?} runs, $cov, corpus $(ls "$corpus" | wc -l) inputs"
  fi
done
exit $status
