/* bench_load.c: section 2d of `aether bench`: the worst block, not the
   median (issue 15). The default synth with 32 voices and 32 notes held
   plays 10 seconds of audio, 7500 blocks of 64 frames, timed one by one and
   back to back; meanwhile a control thread (the plugin's worker) edits the
   patch every 480 frames (10 ms of audio): parameter sets, a node inserted
   into and removed from the output path (a swap with its declick), the
   voice count down and up, a node added off the path. The same run without
   edits is the machine's own noise. Reported: the median, 99th and 99.9th
   percentiles and the maximum of the block times.

   Edits are paced by the audio the blocks have produced, not by the wall
   clock: the blocks run 20 or more times faster than real time, so 10 ms
   of wall clock would put an edit every 150 blocks or more instead of
   every 7.5, and most blocks would never see one. Counting frames gives
   each second of audio the edits a session editing every 10 ms gives it. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_report.h"
#include "bench_sections.h"
#include "bench_signal.h"

#include "../src/engine/engine.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD_VOICES 32U
#define LOAD_BLOCKS 7500U     /* 10 s at 48 kHz */
#define WARM_LOAD_BLOCKS 750U /* 1 s with edits before the timed run */
#define EDIT_FRAMES 480U      /* an edit every 10 ms of audio */
#define N_EDIT_KINDS 8U

/** The two sides of one run. */
typedef struct {
  EngineRun*           r;
  atomic_uint_fast64_t frames;     /**< frames the audio side has produced */
  atomic_bool          stop;       /**< the audio side is done */
  atomic_uint          edits;      /**< edits made */
  atomic_uint          failed;     /**< edits refused */
  AetherError          err;        /**< the first refusal */
  bool                 inserted;   /**< the output path holds node `ins` */
  bool                 idle_added; /**< node `idle` exists */
  uint32_t             voices;     /**< voice count last committed */
} Load;

static AetherHandle
node_named(const AetherGraph* const g, const char* const name)
{
  AetherHandle h;
  memset(&h, 0, sizeof(h));
  (void)aether_graph_find(g, name, &h);
  return h;
}

/* Set a parameter on the running engine now (ramped), no commit. */
static AetherStatus
set_now(Load* const       L,
        const char* const node,
        const char* const param,
        const float       value)
{
  AetherGraph* const g = L->r->graph;
  const AetherHandle h = node_named(g, node);
  const int          i =
    aether_node_type_param_index(aether_graph_node_type(g, h), param);
  if (i < 0) {
    return aether_error(&L->err, AETHER_ERR_BAD_PARAM, "no %s", param);
  }
  return aether_engine_set_param(L->r->engine, h, (uint32_t)i, value, &L->err);
}

/* Insert a shared Gain between the VCA and the output, or take it out
   again: the output path changes, so the swap fades out and in. */
static AetherStatus
toggle_insert(Load* const L)
{
  AetherGraph* const g   = L->r->graph;
  const AetherHandle vca = node_named(g, "vca");
  const AetherHandle out = node_named(g, "out");
  AetherStatus       st  = AETHER_SUCCESS;
  if (!L->inserted) {
    AetherHandle ins;
    if ((st = add_node(g, "Gain", "ins", &ins, &L->err)) ||
        (st = set_param(g, ins, "gain", 1.0f, &L->err)) ||
        (st = connect_ports(g, vca, "out", ins, "in", &L->err)) ||
        (st = connect_ports(g, ins, "out", out, "left", &L->err))) {
      return st;
    }
  } else if ((st = aether_graph_remove(g, node_named(g, "ins"), &L->err)) ||
             (st = connect_ports(g, vca, "out", out, "left", &L->err))) {
    return st;
  }
  L->inserted = !L->inserted;
  return aether_engine_commit(L->r->engine, &L->err);
}

/* A node added or removed off the output path: a new schedule, no fade. */
static AetherStatus
toggle_idle(Load* const L)
{
  AetherGraph* const g  = L->r->graph;
  AetherStatus       st = AETHER_SUCCESS;
  if (!L->idle_added) {
    AetherHandle h;
    st = add_node(g, "Lfo", "idle", &h, &L->err);
  } else {
    st = aether_graph_remove(g, node_named(g, "idle"), &L->err);
  }
  if (st) {
    return st;
  }
  L->idle_added = !L->idle_added;
  return aether_engine_commit(L->r->engine, &L->err);
}

/* One voice fewer, or back to LOAD_VOICES (a declicked swap; the voices
   that stay keep their notes). */
static AetherStatus
toggle_voices(Load* const L)
{
  const uint32_t n  = L->voices == LOAD_VOICES ? LOAD_VOICES - 1U : LOAD_VOICES;
  AetherStatus   st = aether_graph_set_voices(L->r->graph, n, &L->err);
  if (!st && !(st = aether_engine_commit(L->r->engine, &L->err))) {
    L->voices = n;
  }
  return st;
}

static AetherStatus
edit(Load* const L, const uint32_t k)
{
  const bool odd = (k / N_EDIT_KINDS) % 2U != 0U;
  switch (k % N_EDIT_KINDS) {
    case 0U:
      return set_now(L, "vca", "gain", odd ? 0.45f : 0.4f);
    case 1U:
    case 3U:
      return toggle_insert(L);
    case 2U:
      return set_now(L, "filter", "q", odd ? 2.85f : 3.2f);
    case 4U:
    case 6U:
      return toggle_voices(L);
    case 5U:
      return set_now(L, "saw", "amp", odd ? 0.5f : 0.45f);
    default:
      return toggle_idle(L);
  }
}

static void
pause_briefly(void)
{
  const struct timespec ts = { 0, 20000L }; /* 20 us */
  nanosleep(&ts, NULL);
}

/* The control thread: an edit each time the audio side has produced
   EDIT_FRAMES more frames (never two at once to catch up), and collect()
   in between as the plugin's worker does. */
static void*
control_main(void* const arg)
{
  Load* const L    = (Load*)arg;
  uint64_t    next = atomic_load(&L->frames) + EDIT_FRAMES;
  uint32_t    k    = 0;
  while (!atomic_load(&L->stop)) {
    const uint64_t now = atomic_load(&L->frames);
    if (now < next) {
      aether_engine_collect(L->r->engine);
      pause_briefly();
      continue;
    }
    if (edit(L, k++)) {
      if (!atomic_fetch_add(&L->failed, 1U)) {
        fprintf(stderr, "bench: edit under load: %s\n", L->err.message);
      }
    } else {
      atomic_fetch_add(&L->edits, 1U);
    }
    aether_engine_collect(L->r->engine);
    next = (next + EDIT_FRAMES > now ? next : now) + EDIT_FRAMES;
  }
  return NULL;
}

/* The audio side: `n` blocks back to back, each timed into `ns` (if not
   NULL). */
static void
play(Load* const L, const uint32_t n, double* const ns)
{
  EngineRun* const r = L->r;
  for (uint32_t i = 0; i < n; ++i) {
    const double t0 = now_ns();
    engine_block(r);
    const double t1 = now_ns();
    if (ns) {
      ns[i] = t1 - t0;
    }
    atomic_fetch_add(&L->frames, BLOCK);
  }
}

static int
compare_doubles(const void* const a, const void* const b)
{
  const double x = *(const double*)a;
  const double y = *(const double*)b;
  return (x > y) - (x < y);
}

/* Quantile q of `n` sorted values, interpolated. */
static double
quantile_of(const double* const sorted, const uint32_t n, const double q)
{
  const double   pos = q * (double)(n - 1U);
  const uint32_t lo  = (uint32_t)pos;
  const uint32_t hi  = lo + 1U < n ? lo + 1U : lo;
  return sorted[lo] + (pos - (double)lo) * (sorted[hi] - sorted[lo]);
}

/** One run's result. */
typedef struct {
  double   median;
  double   p99;
  double   p999;
  double   max;
  uint32_t edits;
  uint32_t failed;
  uint32_t swaps;
  uint32_t blowups;
  bool     ok;
} LoadResult;

static LoadResult
load_run(const bool with_edits, double* const ns)
{
  LoadResult res;
  memset(&res, 0, sizeof(res));
  Load* const L = (Load*)calloc(1U, sizeof(Load));
  if (!L) {
    return res;
  }
  aether_error_clear(&L->err);
  L->r      = default_synth_engine(LOAD_VOICES, LOAD_VOICES, &L->err);
  L->voices = LOAD_VOICES;
  atomic_init(&L->frames, 0U);
  atomic_init(&L->stop, false);
  atomic_init(&L->edits, 0U);
  atomic_init(&L->failed, 0U);
  if (!L->r) {
    fprintf(stderr, "bench: synth under load: %s\n", L->err.message);
    free(L);
    return res;
  }

  pthread_t  control;
  const bool threaded =
    with_edits && !pthread_create(&control, NULL, control_main, L);
  if (with_edits && !threaded) {
    engine_run_free(L->r);
    free(L);
    return res;
  }
  AetherEngineStats before;
  AetherEngineStats after;
  play(L, WARM_LOAD_BLOCKS, NULL);
  const unsigned edits  = atomic_load(&L->edits);
  const unsigned failed = atomic_load(&L->failed);
  aether_engine_stats(L->r->engine, &before);
  play(L, LOAD_BLOCKS, ns);
  aether_engine_stats(L->r->engine, &after);
  res.edits  = atomic_load(&L->edits) - edits;
  res.failed = atomic_load(&L->failed) - failed;
  atomic_store(&L->stop, true);
  if (threaded) {
    pthread_join(control, NULL);
  }

  qsort(ns, LOAD_BLOCKS, sizeof(double), compare_doubles);
  res.median  = quantile_of(ns, LOAD_BLOCKS, 0.5);
  res.p99     = quantile_of(ns, LOAD_BLOCKS, 0.99);
  res.p999    = quantile_of(ns, LOAD_BLOCKS, 0.999);
  res.max     = ns[LOAD_BLOCKS - 1U];
  res.swaps   = after.swaps - before.swaps;
  res.blowups = after.blowups - before.blowups;
  res.ok      = true;
  engine_run_free(L->r);
  free(L);
  return res;
}

void
bench_edit_load(Bench* const b)
{
  const Options* const o = &b->opt;
  Table* const         t =
    bench_table(b, "edit_load", "2d. The worst block: 32 voices under edits");
  double* const ns = (double*)calloc(LOAD_BLOCKS, sizeof(double));
  if (!ns) {
    b->failed = true;
    return;
  }
  LoadResult edited = { NAN, NAN, NAN, NAN, 0U, 0U, 0U, 0U, false };
  for (uint32_t run = 0; run < 2U; ++run) {
    const bool with_edits = run == 1U;
    say(o,
        "edit load: 32 voices, %u blocks, %s",
        LOAD_BLOCKS,
        with_edits ? "an edit every 10 ms of audio" : "no edits");
    const LoadResult res = load_run(with_edits, ns);
    if (!res.ok) {
      b->failed = true;
      break;
    }
    Row* const row = table_row(t);
    row_text(
      row, "case", "%s", with_edits ? "an edit every 10 ms" : "no edits");
    row_num(row, "blocks", LOAD_BLOCKS, 0);
    row_num(row, "edits", res.edits, 0);
    row_num(row, "swaps", res.swaps, 0);
    row_num(row, "median_ns", res.median, 0);
    row_num(row, "p99_ns", res.p99, 0);
    row_num(row, "p999_ns", res.p999, 0);
    row_num(row, "max_ns", res.max, 0);
    row_num(row, "p999_over_median", res.p999 / res.median, 2);
    row_num(row, "max_over_median", res.max / res.median, 2);
    row_num(row, "max_deadline_pct", 100.0 * res.max / DEADLINE_NS, 2);
    if (res.failed) {
      table_note(t, "%u edits were refused. ", res.failed);
    }
    if (res.blowups) {
      table_note(t, "%u blocks were not finite. ", res.blowups);
    }
    if (with_edits) {
      edited = res;
    }
  }
  free(ns);

  bench_target_key(b,
                   "synth32_edit_p999_over_median",
                   "32-voice synth block under edits: 99.9th percentile / "
                   "median",
                   "x",
                   2.0,
                   edited.p999 / edited.median);
  bench_target_key(b,
                   "synth32_edit_max_over_median",
                   "32-voice synth block under edits: maximum / median",
                   "x",
                   4.0,
                   edited.max / edited.median);
  table_note(
    t,
    "The default synth (ae:voices 32, macros at 0.5) with 32 notes held: "
    "7500 blocks of 64 frames (10 s of audio at 48 kHz) timed one by one, "
    "back to back, after 750 blocks (1 s) of the same untimed. With edits, a "
    "control thread (as the plugin's worker) makes one edit every 480 "
    "frames of audio produced (10 ms; paced by the audio, not the wall "
    "clock, which runs 20 or more times slower here), in a cycle of eight: "
    "set the VCA gain; insert a Gain between the VCA and the output (a "
    "swap with its fade-out and fade-in); set the filter's q; take the "
    "Gain out (another declicked swap); 31 voices (a declicked swap, the "
    "voices that stay keep their notes); set the saw's level; 32 voices; "
    "add or remove an LFO off the output path (a swap without a fade). "
    "aether_engine_collect() runs between edits. swaps: schedules swapped "
    "in during the timed blocks. The run without edits is the machine's "
    "own noise (interrupts, other processes): the wall clock counts a "
    "preemption inside a block; --cpu-time leaves it out.");
}
