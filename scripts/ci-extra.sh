#!/usr/bin/env bash
# CI, the passes beyond the test suite and its ASan/UBSan run (.ci/run calls
# this after them):
#   1. ThreadSanitizer: the real-thread harness (an audio thread, the host's
#      worker thread, edits and state restores from a control thread: 10000
#      edits) and the other reliability tests, built with -fsanitize=thread;
#   2. valgrind memcheck: the same harness, and the bad-input tests, with
#      zero errors and zero definite or indirect leaks;
#   3. fuzzing: each libFuzzer target (patch parser, control port, state
#      restore) for FUZZ_SECONDS (60), clang 14, ASan + UBSan.
# Installs what is missing (scripts/deps.sh), builds in build-tsan,
# build-valgrind and build-fuzz, prints a summary, exits non-zero if any
# pass failed. Environment: EDITS (10000), FUZZ_SECONDS (60).
set -uo pipefail
cd "$(dirname "$0")/.."

edits=${EDITS:-10000}
fuzz_seconds=${FUZZ_SECONDS:-60}
root=$(pwd)
declare -a names results times

step() { # NAME COMMAND...: run, time and record a pass
  local name=$1 start=$SECONDS rc
  shift
  echo "== ci-extra: $name"
  "$@"
  rc=$?
  names+=("$name")
  times+=("$((SECONDS - start)) s")
  if [ $rc -eq 0 ]; then
    results+=("ok")
  else
    results+=("FAILED")
  fi
  return 0
}

setup() { # DIR MESON-ARGS...
  local dir=$1
  shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
}

plugin_targets=(aether.lv2/aether.so aether.lv2/presets.ttl)

tsan() {
  setup build-tsan --buildtype=debugoptimized -Db_sanitize=thread \
    -Db_lundef=false || return 1
  ninja -C build-tsan "${plugin_targets[@]}" \
    tests/reliability/test_rel_threads tests/reliability/test_rel_bad_inputs \
    tests/reliability/test_rel_bug_put_replace >/dev/null || return 1
  local env=(env "LV2_PATH=$root/build-tsan/lv2:/usr/lib/lv2"
    "AETHER_SOURCE_ROOT=$root" AETHER_NO_RT_TRAP=1
    "TSAN_OPTIONS=halt_on_error=1 second_deadlock_stack=1")
  "${env[@]}" build-tsan/tests/reliability/test_rel_threads "$edits" &&
    "${env[@]}" build-tsan/tests/reliability/test_rel_bad_inputs >/dev/null &&
    "${env[@]}" build-tsan/tests/reliability/test_rel_bug_put_replace
}

memcheck() {
  setup build-valgrind --buildtype=debugoptimized || return 1
  ninja -C build-valgrind "${plugin_targets[@]}" \
    tests/reliability/test_rel_threads tests/reliability/test_rel_bad_inputs \
    tests/fuzz/fuzz_control_replay tests/fuzz/fuzz_state_replay >/dev/null ||
    return 1
  local vg=(env "LV2_PATH=$root/build-valgrind/lv2:/usr/lib/lv2"
    "AETHER_SOURCE_ROOT=$root" AETHER_NO_RT_TRAP=1
    AETHER_REL_AUDIO_PAUSE_US=200
    valgrind -q --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect)
  local seeds=(patches ttl/presets ttl/defaults)
  "${vg[@]}" build-valgrind/tests/reliability/test_rel_threads "$edits" &&
    "${vg[@]}" build-valgrind/tests/reliability/test_rel_bad_inputs \
      >/dev/null &&
    "${vg[@]}" build-valgrind/tests/fuzz/fuzz_control_replay -p 0100 \
      "${seeds[@]}" -p '' tests/fuzz/regressions/control &&
    "${vg[@]}" build-valgrind/tests/fuzz/fuzz_state_replay -p 00 \
      "${seeds[@]}" -p '' tests/fuzz/regressions/state
}

fuzz() {
  BUILD=build-fuzz tools/fuzz.sh "$fuzz_seconds" patch control state
}

if ! scripts/deps.sh; then
  echo "ci-extra: cannot install the packages it needs" >&2
  exit 1
fi
step "ThreadSanitizer: $edits edits on real threads, bad inputs" tsan
step "valgrind memcheck: $edits edits on real threads, bad inputs, replays" \
  memcheck
step "fuzzing: patch, control, state (${fuzz_seconds} s each)" fuzz

echo
echo "== ci-extra summary"
status=0
for i in "${!names[@]}"; do
  printf '  %-7s %6s  %s\n' "${results[$i]}" "${times[$i]}" "${names[$i]}"
  [ "${results[$i]}" = ok ] || status=1
done
exit $status
