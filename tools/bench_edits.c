/* bench_edits.c: section 3 of `aether bench`, edits: compiling a patch
   off the audio thread, swapping the schedule on it, parsing patch
   texts. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_report.h"
#include "bench_sections.h"

#include "../src/engine/engine.h"
#include "../src/patch/patch.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  EngineRun*   run;
  AetherHandle node;  /**< the node whose parameter the edit changes */
  uint32_t     param; /**< its index */
  float        value; /**< alternates so every edit changes something */
  AetherStatus status;
} Editor;

/* A small edit (one parameter) and a commit: a whole compile. */
static void*
edit_commit(void* const arg)
{
  Editor* const e = (Editor*)arg;
  e->value        = e->value == 0.5f ? 0.25f : 0.5f;
  e->status =
    aether_graph_set_param(e->run->graph, e->node, e->param, e->value, NULL);
  if (!e->status) {
    e->status = aether_engine_commit(e->run->engine, NULL);
  }
  return NULL;
}

static AetherStatus
editor_init(Editor* const e, EngineRun* const r, const char* const name)
{
  memset(e, 0, sizeof(*e));
  e->run                = r;
  e->value              = 0.5f;
  const AetherStatus st = aether_graph_find(r->graph, name, &e->node);
  if (!st) {
    e->param = (uint32_t)aether_node_type_param_index(
      aether_graph_node_type(r->graph, e->node), "gain1");
  }
  return st;
}

void
bench_compile(Bench* const b)
{
  static const uint32_t sizes[] = { 10U, 100U, 1000U, 10000U };
  const Options* const  o       = &b->opt;
  Table* const          t       = bench_table(
    b, "compile", "3a. Edits: compile a patch off the audio thread");
  double compile_1000 = NAN;

  for (uint32_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); ++s) {
    const uint32_t n = sizes[s];
    say(o, "compile: %u nodes", n);
    EngineRun* const r = engine_run_new();
    AetherError      err;
    Editor           ed;
    aether_error_clear(&err);
    if (!r || build_dag(r->graph, n, &err) || engine_run_start(r, &err) ||
        editor_init(&ed, r, "m0")) {
      fprintf(stderr, "bench: %s\n", err.message);
      b->failed = true;
      engine_run_free(r);
      return;
    }
    double ns[MAX_REPS];
    for (uint32_t rep = 0; rep < o->reps + 1U; ++rep) {
      const double t0 = now_ns();
      edit_commit(&ed);
      const double dt = now_ns() - t0;
      if (ed.status) {
        b->failed = true;
        break;
      }
      if (rep) { /* the first is a warm-up */
        ns[rep - 1U] = dt;
      }
      engine_block(r); /* swap it in, hand back the old one */
      aether_engine_collect(r->engine);
    }
    if (b->failed) { /* no row from half-filled samples */
      fprintf(stderr, "bench: compile of %u nodes failed\n", n);
      engine_run_free(r);
      return;
    }
    const Stat c   = stat_of(ns, o->reps);
    Row* const row = table_row(t);
    row_num(row, "nodes", (double)n, 0);
    row_stat(row, "commit_us", stat_scale(c, 1e-3), 1);
    row_stat(row, "ns_per_node", stat_scale(c, 1.0 / n), 0);
    if (n == 1000U) {
      compile_1000 = c.median * 1e-6;
    }
    engine_run_free(r);
  }
  bench_target(b, "compile of a 1000-node patch", "ms", 2.0, compile_1000);
  table_note(t,
             "The random DAG of section 1 (Mixer nodes, 2 inputs, 9 "
             "parameters each). commit_us: one parameter edit, then "
             "aether_engine_commit(): the whole graph compiled into a new "
             "schedule and sent (what the LV2 worker does per edit). No "
             "baseline: the target is absolute.");
}

void
bench_swap(Bench* const b)
{
  const Options* const o = &b->opt;
  Table* const         t =
    bench_table(b, "swap", "3b. Edits: audio-thread cost of a schedule swap");
  const uint32_t reps    = o->reps * 3U < MAX_REPS ? o->reps * 3U : MAX_REPS;
  double         swap_ns = NAN;

  struct {
    uint32_t nodes;
    bool     threaded;
  } const cases[] = { { 10U, true }, { 1000U, false }, { 1000U, true } };

  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    const bool threaded = cases[c].threaded;
    say(o,
        "swap: %u nodes, %s",
        cases[c].nodes,
        threaded ? "other thread" : "same thread");
    EngineRun* const r = engine_run_new();
    AetherError      err;
    Editor           ed;
    aether_error_clear(&err);
    if (!r || build_dag(r->graph, cases[c].nodes, &err) ||
        engine_run_start(r, &err) || editor_init(&ed, r, "m0")) {
      fprintf(stderr, "bench: %s\n", err.message);
      b->failed = true;
      engine_run_free(r);
      return;
    }
    engine_warm(r, 16U);
    double with[MAX_REPS];
    double without[MAX_REPS];
    for (uint32_t rep = 0; rep < reps + 1U && !b->failed; ++rep) {
      if (threaded) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, edit_commit, &ed)) {
          b->failed = true;
          break;
        }
        pthread_join(thread, NULL);
      } else {
        edit_commit(&ed);
      }
      if (ed.status) {
        b->failed = true;
        break;
      }
      double t0 = now_ns();
      engine_block(r); /* swaps the new schedule in */
      const double t_with = now_ns() - t0;
      t0                  = now_ns();
      engine_block(r);
      const double t_without = now_ns() - t0;
      aether_engine_collect(r->engine);
      engine_block(r); /* warm again after the old schedule is freed */
      if (rep) {
        with[rep - 1U]    = t_with;
        without[rep - 1U] = t_without;
      }
    }
    if (b->failed) { /* no row from half-filled samples */
      fprintf(stderr, "bench: a swap edit failed\n");
      engine_run_free(r);
      return;
    }
    const Stat d   = stat_combine(with, without, 1.0, 1.0, reps);
    Row* const row = table_row(t);
    row_num(row, "nodes", (double)cases[c].nodes, 0);
    row_text(row,
             "compiled_on",
             "%s",
             threaded ? "another thread (as in the plugin)"
                      : "the audio thread");
    row_stat(row, "block_with_swap_ns", stat_of(with, reps), 0);
    row_stat(row, "block_ns", stat_of(without, reps), 0);
    row_stat(row, "swap_ns", d, 0);
    if (cases[c].nodes == 1000U && threaded) {
      swap_ns = d.median;
    }
    engine_run_free(r);
  }
  bench_target(b,
               "schedule swap, 1000-node patch, first block included",
               "ns",
               1000.0,
               swap_ns);
  table_note(t,
             "The random DAG of section 1. Each of %u repetitions: a "
             "parameter edit committed (not timed), then one 64-frame block "
             "that swaps the schedule in, then one that does not (the "
             "baseline), both timed. swap_ns = block_with_swap - block, per "
             "repetition: the swap's bookkeeping (the 10-node row) plus what "
             "the first block of a new schedule pays in cache misses (the "
             "1000-node rows: its steps were written by another core, the "
             "commit pushed the audio data out of the shared caches). Single "
             "blocks: expect a wide spread.",
             reps);
}

void
bench_parse(Bench* const b)
{
  static const uint32_t sizes[] = { 100U, 1000U, 10000U };
  const Options* const  o       = &b->opt;
  Table* const          t =
    bench_table(b, "parse", "3c. Edits: parse and validate patch texts");

  for (uint32_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); ++s) {
    const uint32_t n = sizes[s];
    say(o, "parse: %u nodes", n);
    EngineRun* const r    = engine_run_new();
    char*            text = NULL;
    AetherError      err;
    aether_error_clear(&err);
    if (!r || build_dag(r->graph, n, &err) ||
        aether_patch_write(r->graph, &text, &err)) {
      fprintf(stderr, "bench: %s\n", err.message);
      b->failed = true;
      engine_run_free(r);
      return;
    }
    const size_t len = strlen(text);
    double       ns[MAX_REPS];
    for (uint32_t rep = 0; rep < o->reps + 1U; ++rep) {
      AetherPatch*       patch = NULL;
      const double       t0    = now_ns();
      const AetherStatus st =
        aether_patch_parse(text, len, "bench", &patch, &err);
      const double dt = now_ns() - t0;
      aether_patch_free(patch);
      if (st) {
        fprintf(stderr, "bench: %s\n", err.message);
        b->failed = true;
        break;
      }
      if (rep) {
        ns[rep - 1U] = dt;
      }
    }
    if (b->failed) { /* no row from half-filled samples */
      free(text);
      engine_run_free(r);
      return;
    }
    const Stat p   = stat_of(ns, o->reps);
    Row* const row = table_row(t);
    row_num(row, "nodes", (double)n, 0);
    row_num(row, "bytes", (double)len, 0);
    row_stat(row, "parse_ms", stat_scale(p, 1e-6), 3);
    row_stat(row, "ns_per_node", stat_scale(p, 1.0 / n), 0);
    row_num(row, "mb_per_s", (double)len / p.median * 1e3, 1);
    free(text);
    engine_run_free(r);
  }
  table_note(t,
             "The random DAG of section 1 written canonically by "
             "aether_patch_write() (every parameter given), then read back "
             "with aether_patch_parse() (Turtle with serd, then validation: "
             "names, ranges, references, cycles).");
}
