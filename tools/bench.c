/* bench.c: `aether bench`, the performance benchmark (issue 8).

   Every figure is measured in the same run as a baseline doing the same
   work without the thing measured: a hand-written C loop, the node kernels
   called directly, the engine without the node or without the swap. The
   figure and its baseline run interleaved (so a change of clock or a noisy
   neighbour hits both), each repetition is one sample of a fixed duration,
   and the result is the median with the interquartile range of the
   repetitions. Nothing here asserts a speed: it prints numbers.

   This file is the command: its options, and the sections run in order
   (bench_sections.h, one file each) on the measuring kit (bench_core.h),
   the report (bench_report.h) and the engine and kernel helpers
   (bench_engine.h, bench_kernel.h). */

#include "bench.h"

#include "bench_core.h"
#include "bench_faust.h"
#include "bench_inputs.h"
#include "bench_kernel.h"
#include "bench_machine.h"
#include "bench_report.h"
#include "bench_sections.h"

#include "../src/engine/fpmode.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
usage(FILE* const stream, const int status)
{
  fprintf(stream,
          "Usage: aether bench [OPTION]...\n"
          "Measure the engine, the plugin and every node type, each against "
          "a baseline\nmeasured in the same run.\n\n"
          "  --quick          a few seconds (short, few repetitions): a smoke "
          "run\n"
          "  --json           print JSON instead of tables\n"
          "  --cpu-time       time the thread's CPU time instead of the "
          "wall clock\n"
          "                   (a busy machine: preemption is not counted)\n"
          "  --reps N         repetitions per figure (default 31, quick 5)\n"
          "  --only LIST      sections to run, e.g. 1,3: 1 scheduler, 2 "
          "patches, voices,\n"
          "                   outside references and the worst block, 3 "
          "edits, 4 plugin,\n"
          "                   5 node types (default: all)\n"
          "  --bundle DIR     the aether.lv2 bundle (default: found through "
          "LV2_PATH)\n"
          "  --patches DIR    also measure the patch files (*.ttl) in DIR\n"
          "  --help           print this and exit\n");
  return status;
}

static int
parse_options(Options* const o, const int argc, char** const argv)
{
  memset(o, 0, sizeof(*o));
  o->reps         = 31U;
  o->sample_ns    = 3e6;
  o->sections     = SEC_ALL;
  o->progress     = isatty(2) != 0;
  bool reps_given = false;
  for (int i = 1; i < argc; ++i) {
    const char* const a    = argv[i];
    const char* const next = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      return usage(stdout, 0) - 1; /* -1: stop, success */
    }
    if (!strcmp(a, "--quick")) {
      o->quick = true;
    } else if (!strcmp(a, "--json")) {
      o->json = true;
    } else if (!strcmp(a, "--cpu-time")) {
      o->cpu_time = true;
    } else if (!strcmp(a, "--reps") && next) {
      char*               end = NULL;
      const unsigned long n   = strtoul(next, &end, 10);
      if (*end || n < 3U || n > MAX_REPS) {
        fprintf(stderr, "aether bench: --reps takes 3 to %u\n", MAX_REPS);
        return 2;
      }
      o->reps    = (uint32_t)n;
      reps_given = true;
      ++i;
    } else if (!strcmp(a, "--only") && next) {
      o->sections = 0U;
      for (const char* c = next; *c; ++c) {
        if (*c >= '1' && *c <= '5') {
          o->sections |= 1U << (uint32_t)(*c - '0');
        } else if (*c != ',') {
          fprintf(stderr, "aether bench: --only takes numbers 1 to 5\n");
          return 2;
        }
      }
      ++i;
    } else if (!strcmp(a, "--bundle") && next) {
      o->bundle = next;
      ++i;
    } else if (!strcmp(a, "--patches") && next) {
      o->patches = next;
      ++i;
    } else {
      fprintf(stderr, "aether bench: unknown option or missing value: %s\n", a);
      return usage(stderr, 2);
    }
  }
#if defined(AETHER_BENCH_PATCHES)
  if (!o->patches) {
    o->patches = AETHER_BENCH_PATCHES;
  }
#endif
  if (o->quick) {
    o->sample_ns = 2e5;
    o->reps      = reps_given ? o->reps : 5U;
  }
  return 0;
}

int
aether_bench_main(const int argc, char** const argv)
{
  Bench* const b = (Bench*)calloc(1U, sizeof(Bench));
  if (!b) {
    return 1;
  }
  const int status = parse_options(&b->opt, argc, argv);
  if (status) {
    free(b);
    return status < 0 ? 0 : status;
  }
  b->overhead_ns_per_node    = NAN;
  b->chain_1000_us_per_block = NAN;
  bench_clock = b->opt.cpu_time ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
  read_machine(b);
  if (faust_available()) {
    snprintf(b->faust, sizeof(b->faust), "%s", faust_version());
  }
  b->load1 = read_load(b->load[0], sizeof(b->load[0]));

  /* Baselines run with the flush-to-zero mode the engine uses. */
  const uint64_t fpmode = aether_fpmode_enter();
  kernel_context_init();

  spin(b->opt.quick ? 5e7 : 3e8);

  Lv2      lv2;
  PatchSet ps;
  memset(&lv2, 0, sizeof(lv2)); /* lv2_open() may not run */
  memset(&ps, 0, sizeof(ps));
  const bool have_lv2 = (b->opt.sections & (SEC_PATCHES | SEC_PLUGIN)) &&
                        lv2_open(&lv2, b->opt.bundle);
  if (have_lv2) {
    lv2_presets(&lv2, lv2.fx, &ps);
    if (lv2.synth) {
      lv2_presets(&lv2, lv2.synth, &ps);
    }
  }
  if (b->opt.patches) {
    read_patch_dir(b->opt.patches, &ps);
  }

  if (b->opt.sections & SEC_SCHEDULER) {
    bench_scheduler(b);
  }
  if (b->opt.sections & SEC_PATCHES) {
    Table* const patches = bench_patches(b, &ps);
    bench_voices(b);
    bench_references(b, patches);
    bench_edit_load(b);
  }
  if (b->opt.sections & SEC_EDITS) {
    bench_compile(b);
    bench_swap(b);
    bench_parse(b);
  }
  if (b->opt.sections & SEC_PLUGIN) {
    Lv2 none;
    memset(&none, 0, sizeof(none));
    bench_plugin(b, have_lv2 ? &lv2 : &none, ps.fx_default);
  }
  if (b->opt.sections & SEC_NODES) {
    bench_nodes(b);
  }
  aether_fpmode_leave(fpmode);
  (void)read_load(b->load[1], sizeof(b->load[1]));

  if (b->opt.json) {
    print_json(b);
  } else {
    print_text(b);
  }

  for (uint32_t i = 0; i < ps.n_patches; ++i) {
    free(ps.patches[i].text);
  }
  lv2_close(&lv2); /* also when the plugins were not found */
  plugin_host_uris_free();
  const int result = b->failed ? 1 : 0;
  free(b);
  return result;
}
