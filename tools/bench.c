/* bench.c: `aether bench`, the performance benchmark (issue 8).

   Every figure is measured in the same run as a baseline doing the same
   work without the thing measured: a hand-written C loop, the node kernels
   called directly, the engine without the node or without the swap. The
   figure and its baseline run interleaved (so a change of clock or a noisy
   neighbour hits both), each repetition is one sample of a fixed duration,
   and the result is the median with the interquartile range of the
   repetitions. Nothing here asserts a speed: it prints numbers. */

#include "bench.h"

#include "../src/engine/engine.h"
#include "../src/engine/fpmode.h"
#include "../src/nodes/registry.h"
#include "../src/patch/patch.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/presets/presets.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
   Settings
   ------------------------------------------------------------------------ */

#define BLOCK AETHER_BUFFER_SIZE
#define RATE 48000.0
#define DEADLINE_NS (1e9 * BLOCK / RATE) /* 1.33 ms */
#define MAX_REPS 101U
#define HOST_FRAMES 1024U /* frames per timed call through the plugin */
#define WARM_BLOCKS 300U  /* 0.4 s: envelopes reach their sustain */
#define N_VOICES 16U

enum {
  SEC_SCHEDULER = 1U << 1U,
  SEC_PATCHES   = 1U << 2U,
  SEC_EDITS     = 1U << 3U,
  SEC_PLUGIN    = 1U << 4U,
  SEC_NODES     = 1U << 5U,
  SEC_ALL       = 0x3EU,
};

typedef struct {
  uint32_t    reps;      /**< repetitions (samples) per figure */
  double      sample_ns; /**< target duration of one sample */
  bool        quick;     /**< CI smoke run */
  bool        json;      /**< JSON instead of tables */
  bool        progress;  /**< say what runs on stderr */
  bool        cpu_time;  /**< time the thread's CPU time, not the wall */
  uint32_t    sections;  /**< SEC_* to run */
  const char* bundle;    /**< aether.lv2 directory, NULL: LV2_PATH */
  const char* patches;   /**< directory of example patches, or NULL */
} Options;

/* ------------------------------------------------------------------------
   Results: tables of rows, printed as text or JSON
   ------------------------------------------------------------------------ */

#define MAX_COLS 12U
#define MAX_ROWS 40U
#define MAX_TABLES 12U
#define MAX_TARGETS 8U

/** Median and spread of the repetitions of one figure. */
typedef struct {
  double median;
  double q1; /**< first quartile */
  double q3; /**< third quartile */
  double min;
  double max;
} Stat;

typedef enum { VAL_STAT, VAL_NUM, VAL_TEXT } ValKind;

typedef struct {
  const char* key;  /**< JSON key and column heading */
  ValKind     kind; /**< which field holds the value */
  int         prec; /**< decimals in the table */
  Stat        stat;
  double      num;
  char        text[72];
} Val;

typedef struct {
  Val      vals[MAX_COLS];
  uint32_t n_vals;
} Row;

typedef struct {
  const char* key;   /**< JSON key */
  const char* title; /**< heading in the text output */
  char        note[2048];
  Row         rows[MAX_ROWS];
  uint32_t    n_rows;
} Table;

typedef struct {
  const char* name;  /**< what is measured */
  const char* unit;  /**< of limit and value */
  double      limit; /**< met when value <= limit */
  double      value; /**< NAN: not measured */
} Target;

typedef struct {
  Options  opt;
  Table    tables[MAX_TABLES];
  uint32_t n_tables;
  Target   targets[MAX_TARGETS];
  uint32_t n_targets;
  double   overhead_ns_per_node;    /**< 1000-node chain, above its kernel */
  double   chain_1000_us_per_block; /**< 1000-node chain through the engine */
  char     cpu[128];
  char     caches[128];
  char     kernel[128];
  char     load[2][64]; /**< load average at the start and the end */
  double   load1;       /**< 1-minute load average at the start */
  uint32_t cores;
  bool     failed; /**< a measurement could not be set up */
} Bench;

static Row dummy_row; /* absorbs rows beyond MAX_ROWS */

/* Busy: more runnable work than 3/4 of the cores, other than us. */
static bool
bench_busy(const Bench* const b)
{
  return b->load1 > 0.75 * (double)b->cores + 1.0;
}

static Table*
bench_table(Bench* const b, const char* const key, const char* const title)
{
  Table* const t =
    &b->tables[b->n_tables < MAX_TABLES ? b->n_tables++ : MAX_TABLES - 1U];
  t->key   = key;
  t->title = title;
  return t;
}

static void
table_note(Table* const t, const char* const fmt, ...)
{
  const size_t used = strlen(t->note);
  va_list      args;
  va_start(args, fmt);
  vsnprintf(t->note + used, sizeof(t->note) - used, fmt, args);
  va_end(args);
}

static Row*
table_row(Table* const t)
{
  if (t->n_rows == MAX_ROWS) {
    memset(&dummy_row, 0, sizeof(dummy_row));
    return &dummy_row;
  }
  return &t->rows[t->n_rows++];
}

static Val*
row_val(Row* const r, const char* const key, const ValKind kind, const int prec)
{
  Val* const v = &r->vals[r->n_vals < MAX_COLS ? r->n_vals++ : MAX_COLS - 1U];
  memset(v, 0, sizeof(*v));
  v->key  = key;
  v->kind = kind;
  v->prec = prec;
  return v;
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
row_text(Row* const r, const char* const key, const char* const fmt, ...)
{
  Val* const v = row_val(r, key, VAL_TEXT, 0);
  va_list    args;
  va_start(args, fmt);
  vsnprintf(v->text, sizeof(v->text), fmt, args);
  va_end(args);
}

static void
row_num(Row* const r, const char* const key, const double x, const int prec)
{
  row_val(r, key, VAL_NUM, prec)->num = x;
}

static void
row_stat(Row* const r, const char* const key, const Stat s, const int prec)
{
  row_val(r, key, VAL_STAT, prec)->stat = s;
}

static void
bench_target(Bench* const      b,
             const char* const name,
             const char* const unit,
             const double      limit,
             const double      value)
{
  if (b->n_targets < MAX_TARGETS) {
    b->targets[b->n_targets++] = (Target){ name, unit, limit, value };
  }
}

/* ------------------------------------------------------------------------
   Timing
   ------------------------------------------------------------------------ */

typedef void (*RunFunc)(void* ctx, uint32_t iters);

/** One figure: a function run `iters` times per sample. */
typedef struct {
  RunFunc  run;
  void*    ctx;
  uint32_t iters;        /**< per sample, calibrated */
  double   ns[MAX_REPS]; /**< per iteration, one per repetition */
} Timer;

static volatile float sink; /* results go here: nothing is optimized away */

/* Keep the compiler from moving memory accesses across this point (so a
   loop repeating the same computation is not collapsed). */
static inline void
barrier(void)
{
#if defined(__GNUC__)
  __asm__ __volatile__("" ::: "memory");
#endif
}

/* CLOCK_MONOTONIC by default; with --cpu-time the calling thread's CPU
   time, which leaves out the time other processes take the core. */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double
now_ns(void)
{
  struct timespec ts;
  clock_gettime(bench_clock, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double
time_run(const Timer* const t, const uint32_t iters)
{
  const double t0 = now_ns();
  t->run(t->ctx, iters);
  return now_ns() - t0;
}

/* Keep the core busy for `ns` so it runs at full clock before the first
   figure (a frequency governor ramps up under load). */
static void
spin(const double ns)
{
  const double end = now_ns() + ns;
  double       x   = 1.0;
  while (now_ns() < end) {
    for (uint32_t i = 0; i < 1000U; ++i) {
      x = x * 1.0000001 + 1e-9;
    }
  }
  sink = (float)x;
}

/* Find the number of iterations that lasts about `target` ns. */
static void
calibrate(Timer* const t, const double target)
{
  uint32_t iters = 1U;
  t->run(t->ctx, 1U); /* first touch: page faults, cold caches */
  for (;;) {
    const double d = time_run(t, iters);
    if (d >= target * 0.25 || iters >= (1U << 24U)) {
      const double want = ceil((double)iters * target / (d > 1.0 ? d : 1.0));
      t->iters = want < 1.0 ? 1U : (want > 1e8 ? 100000000U : (uint32_t)want);
      return;
    }
    iters *= 4U;
  }
}

/* Measure `n` timers interleaved: repetition r runs each once, starting
   from a different one each time so no figure always follows another. */
static void
measure(const Options* const o, Timer* const* const timers, const uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    calibrate(timers[i], o->sample_ns);
  }
  for (uint32_t i = 0; i < n; ++i) {
    (void)time_run(timers[i], timers[i]->iters); /* warm-up */
  }
  for (uint32_t r = 0; r < o->reps; ++r) {
    for (uint32_t k = 0; k < n; ++k) {
      Timer* const t = timers[(r + k) % n];
      t->ns[r]       = time_run(t, t->iters) / (double)t->iters;
    }
  }
}

static int
compare_doubles(const void* const a, const void* const b)
{
  const double x = *(const double*)a;
  const double y = *(const double*)b;
  return (x > y) - (x < y);
}

static double
quantile(const double* const sorted, const uint32_t n, const double q)
{
  const double   pos = q * (double)(n - 1U);
  const uint32_t lo  = (uint32_t)pos;
  const uint32_t hi  = lo + 1U < n ? lo + 1U : lo;
  return sorted[lo] + (pos - (double)lo) * (sorted[hi] - sorted[lo]);
}

static Stat
stat_of(const double* const values, const uint32_t n)
{
  const Stat none = { NAN, NAN, NAN, NAN, NAN };
  if (!n || n > MAX_REPS) {
    return none;
  }
  double v[MAX_REPS];
  memcpy(v, values, n * sizeof(double));
  qsort(v, n, sizeof(double), compare_doubles);
  return (Stat){ quantile(v, n, 0.5),
                 quantile(v, n, 0.25),
                 quantile(v, n, 0.75),
                 v[0],
                 v[n - 1U] };
}

/* Per repetition: (a - sub * b) * scale, e.g. overhead per node. */
static Stat
stat_combine(const double* const a,
             const double* const b,
             const double        sub,
             const double        scale,
             const uint32_t      n)
{
  double v[MAX_REPS];
  for (uint32_t r = 0; r < n && r < MAX_REPS; ++r) {
    v[r] = (a[r] - sub * (b ? b[r] : 0.0)) * scale;
  }
  return stat_of(v, n);
}

/* Per repetition: a / b. */
static Stat
stat_ratio(const double* const a, const double* const b, const uint32_t n)
{
  double v[MAX_REPS];
  for (uint32_t r = 0; r < n && r < MAX_REPS; ++r) {
    v[r] = a[r] / b[r];
  }
  return stat_of(v, n);
}

static Stat
stat_scale(const Stat s, const double k)
{
  return (Stat){ s.median * k, s.q1 * k, s.q3 * k, s.min * k, s.max * k };
}

/* ------------------------------------------------------------------------
   Signals and buffers
   ------------------------------------------------------------------------ */

static _Alignas(AETHER_ALIGN) float silence[BLOCK];

static void*
alloc_aligned(const size_t bytes)
{
  const size_t size =
    (bytes + AETHER_ALIGN - 1U) & ~(size_t)(AETHER_ALIGN - 1U);
  void* const p = aligned_alloc(AETHER_ALIGN, size ? size : AETHER_ALIGN);
  if (p) {
    memset(p, 0, size ? size : AETHER_ALIGN);
  }
  return p;
}

static uint32_t
rand_next(uint32_t* const state)
{
  uint32_t x = *state;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  return *state = x;
}

/* Deterministic white noise in [-0.5, 0.5). */
static void
fill_noise(float* const buf, const uint32_t n, uint32_t seed)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = (float)((double)rand_next(&seed) / 4294967296.0 - 0.5);
  }
}

static void
fill_sine(float* const buf, const uint32_t n, const double hz, const float amp)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = amp * (float)sin(2.0 * 3.14159265358979323846 * hz * i / RATE);
  }
}

static void
fill_value(float* const buf, const uint32_t n, const float value)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = value;
  }
}

static double
rms_of(const float* const buf, const uint32_t n)
{
  double sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    sum += (double)buf[i] * buf[i];
  }
  return n ? sqrt(sum / n) : 0.0;
}

/* ------------------------------------------------------------------------
   Node kernels called directly (no engine): the baselines
   ------------------------------------------------------------------------ */

/** A node call's port arrays and the arguments pointing at them. */
typedef struct {
  const float*      in[AETHER_MAX_INPUTS];
  float*            out[AETHER_MAX_OUTPUTS];
  const float*      param[AETHER_MAX_PARAMS];
  AetherProcessArgs args;
} Ports;

/* Point `p->args` at p's own arrays (after a copy). */
static void
ports_bind(Ports* const p)
{
  p->args.in    = p->in;
  p->args.out   = p->out;
  p->args.param = p->param;
}

typedef struct {
  const AetherNodeType* type;
  void*                 self;     /**< instance state */
  float*                params;   /**< n_params buffers of BLOCK values */
  float*                outs;     /**< n_outputs buffers */
  bool                  own_outs; /**< outs allocated here */
  Ports                 ports;
} Kernel;

static AetherContext kernel_ctx; /* rate, host buffers: set up in main */

static void
kernel_free(Kernel* const k)
{
  if (k->self && k->type->cleanup) {
    k->type->cleanup(k->self);
  }
  free(k->self);
  free(k->params);
  if (k->own_outs) {
    free(k->outs);
  }
  memset(k, 0, sizeof(*k));
}

/* An instance with every parameter at its default and inputs silent,
   writing into `outs` (n_outputs buffers next to the ones it reads, as the
   engine's pool has them: buffers 4 KiB apart make the CPU stall on false
   store-to-load dependencies), or into buffers of its own if NULL. */
static AetherStatus
kernel_init(Kernel* const               k,
            const AetherNodeType* const type,
            float* const                outs)
{
  memset(k, 0, sizeof(*k));
  k->type     = type;
  k->self     = alloc_aligned(type->size ? type->size : 1U);
  k->params   = (float*)alloc_aligned((type->n_params + 1U) * BLOCK * 4U);
  k->own_outs = !outs;
  k->outs =
    outs ? outs : (float*)alloc_aligned((type->n_outputs + 1U) * BLOCK * 4U);
  if (!k->self || !k->params || !k->outs) {
    kernel_free(k);
    return AETHER_ERR_NO_MEMORY;
  }
  if (type->init && type->init(k->self, RATE)) {
    free(k->self); /* init failed: nothing to clean up */
    k->self = NULL;
    kernel_free(k);
    return AETHER_ERR_NO_MEMORY;
  }
  if (type->seed) {
    type->seed(k->self, 0x2545F491U); /* deterministic, like the engine */
  }
  if (type->reset) {
    type->reset(k->self);
  }
  Ports* const ports = &k->ports;
  ports_bind(ports);
  ports->args.ctx = &kernel_ctx;
  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    ports->in[i] = silence;
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    ports->out[o] = k->outs + (size_t)o * BLOCK;
  }
  for (uint32_t p = 0; p < type->n_params; ++p) {
    float* const buf = k->params + (size_t)p * BLOCK;
    fill_value(buf, BLOCK, type->params[p].def);
    ports->param[p] = buf;
  }
  return AETHER_SUCCESS;
}

static void
kernel_connect(Kernel* const k, const char* const input, const float* const buf)
{
  const int i = aether_node_type_input_index(k->type, input);
  if (i >= 0) {
    k->ports.in[i] = buf;
    k->ports.args.connected |= 1U << (uint32_t)i;
  }
}

static void
kernel_set(Kernel* const k, const char* const param, const float value)
{
  const int i = aether_node_type_param_index(k->type, param);
  if (i >= 0) {
    fill_value(k->params + (size_t)i * BLOCK, BLOCK, value);
  }
}

static const float*
kernel_out(const Kernel* const k, const char* const output)
{
  const int o = aether_node_type_output_index(k->type, output);
  return k->ports.out[o < 0 ? 0 : o];
}

/* One block as the engine runs a node outside feedback loops. */
static inline void
kernel_run(const Kernel* const k, const uint32_t n)
{
  if (k->type->write) {
    k->type->write(k->self, &k->ports.args, n);
  }
  k->type->process(k->self, &k->ports.args, n);
}

/* ------------------------------------------------------------------------
   Engines
   ------------------------------------------------------------------------ */

/** An engine with its host buffers, timed one sub-block per iteration. */
typedef struct {
  _Alignas(AETHER_ALIGN) float in[2][HOST_FRAMES];
  _Alignas(AETHER_ALIGN) float out[2][HOST_FRAMES];
  AetherEngine* engine;
  AetherGraph*  graph;
  uint32_t      block; /**< frames per call (host block size) */
} EngineRun;

static void
engine_run_free(EngineRun* const r)
{
  if (r) {
    aether_engine_free(r->engine);
    free(r);
  }
}

static EngineRun*
engine_run_new(void)
{
  EngineRun* const r = (EngineRun*)alloc_aligned(sizeof(EngineRun));
  if (!r || !(r->engine = aether_engine_new(RATE))) {
    free(r);
    return NULL;
  }
  r->graph = aether_engine_graph(r->engine);
  r->block = BLOCK;
  fill_noise(r->in[0], HOST_FRAMES, 1U);
  fill_noise(r->in[1], HOST_FRAMES, 2U);
  return r;
}

static void
engine_block(EngineRun* const r)
{
  const float* const in[2]  = { r->in[0], r->in[1] };
  float* const       out[2] = { r->out[0], r->out[1] };
  aether_engine_process(r->engine, in, out, BLOCK);
}

/* Commit the graph and let the audio side swap it in. */
static AetherStatus
engine_run_start(EngineRun* const r, AetherError* const err)
{
  const AetherStatus st = aether_engine_commit(r->engine, err);
  if (!st) {
    engine_block(r);
    aether_engine_collect(r->engine);
  }
  return st;
}

static void
engine_warm(EngineRun* const r, const uint32_t blocks)
{
  for (uint32_t i = 0; i < blocks; ++i) {
    engine_block(r);
  }
  aether_engine_collect(r->engine);
}

static void
run_engine_block(void* const ctx, const uint32_t iters)
{
  EngineRun* const r = (EngineRun*)ctx;
  for (uint32_t i = 0; i < iters; ++i) {
    engine_block(r);
  }
  sink = r->out[0][BLOCK - 1U];
}

/* HOST_FRAMES frames in calls of r->block frames (at most BLOCK each). */
static void
run_engine_host(void* const ctx, const uint32_t iters)
{
  EngineRun* const r    = (EngineRun*)ctx;
  const uint32_t   step = r->block < BLOCK ? r->block : BLOCK;
  for (uint32_t i = 0; i < iters; ++i) {
    for (uint32_t pos = 0; pos < HOST_FRAMES; pos += step) {
      const float* const in[2]  = { r->in[0] + pos, r->in[1] + pos };
      float* const       out[2] = { r->out[0] + pos, r->out[1] + pos };
      aether_engine_process(r->engine, in, out, step);
    }
  }
  sink = r->out[0][HOST_FRAMES - 1U];
}

static AetherStatus
add_node(AetherGraph* const  g,
         const char* const   type,
         const char* const   name,
         AetherHandle* const h,
         AetherError* const  err)
{
  const AetherNodeType* const t = aether_registry_find(type);
  if (!t) {
    return aether_error(err, AETHER_ERR_UNKNOWN_TYPE, "no type %s", type);
  }
  return aether_graph_add(g, t, name, h, err);
}

static AetherStatus
set_param(AetherGraph* const g,
          const AetherHandle h,
          const char* const  param,
          const float        value,
          AetherError* const err)
{
  const int i =
    aether_node_type_param_index(aether_graph_node_type(g, h), param);
  if (i < 0) {
    return aether_error(err, AETHER_ERR_BAD_PARAM, "no parameter %s", param);
  }
  return aether_graph_set_param(g, h, (uint32_t)i, value, err);
}

static AetherStatus
connect(AetherGraph* const g,
        const AetherHandle src,
        const char* const  output,
        const AetherHandle dst,
        const char* const  input,
        AetherError* const err)
{
  const int o =
    aether_node_type_output_index(aether_graph_node_type(g, src), output);
  const int i =
    aether_node_type_input_index(aether_graph_node_type(g, dst), input);
  if (o < 0 || i < 0) {
    return aether_error(
      err, AETHER_ERR_BAD_PORT, "no port %s or %s", output, input);
  }
  return aether_graph_connect(g, src, (uint32_t)o, dst, (uint32_t)i, err);
}

/* ------------------------------------------------------------------------
   1. Scheduler overhead: chains and random DAGs of trivial nodes
   ------------------------------------------------------------------------ */

/* A chain: in -> g0 -> ... -> g(n-1) -> out, Gain nodes with gains 0.8 and
   1.25 alternating (the level stays put: no denormals, no overflow). */
static float
chain_gain(const uint32_t k)
{
  return (k & 1U) ? 1.25f : 0.8f;
}

static AetherStatus
build_chain(AetherGraph* const g, const uint32_t n, AetherError* const err)
{
  AetherHandle in;
  AetherHandle out;
  AetherHandle prev;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = add_node(g, "AudioIn", "in", &in, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    return st;
  }
  prev = in;
  for (uint32_t k = 0; k < n; ++k) {
    char         name[32];
    AetherHandle h;
    snprintf(name, sizeof(name), "g%u", k);
    if ((st = add_node(g, "Gain", name, &h, err)) ||
        (st = set_param(g, h, "gain", chain_gain(k), err)) ||
        (st = connect(g, prev, k ? "out" : "left", h, "in", err))) {
      return st;
    }
    prev = h;
  }
  return connect(g, prev, n ? "out" : "left", out, "left", err);
}

/* A random DAG with locality, like a real patch: node k mixes node k - 1
   (in1) and a random node among the 15 before that (in2) at gains 0.5. */
#define DAG_WINDOW 15U
#define DAG_RING 32U /* > DAG_WINDOW + 1: the fused loop's buffers */

static int32_t
dag_second(const uint32_t k, uint32_t* const seed)
{
  return (int32_t)k - 2 - (int32_t)(rand_next(seed) % DAG_WINDOW);
}

static AetherStatus
build_dag(AetherGraph* const g, const uint32_t n, AetherError* const err)
{
  AetherHandle  in;
  AetherHandle  out;
  AetherHandle* h    = (AetherHandle*)calloc(n + 1U, sizeof(AetherHandle));
  uint32_t      seed = 1234U;
  AetherStatus  st   = AETHER_SUCCESS;
  if (!h) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  if ((st = add_node(g, "AudioIn", "in", &in, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    free(h);
    return st;
  }
  for (uint32_t k = 0; k < n && !st; ++k) {
    char name[32];
    snprintf(name, sizeof(name), "m%u", k);
    const int32_t j = dag_second(k, &seed);
    if (!(st = add_node(g, "Mixer", name, &h[k], err)) &&
        !(st = set_param(g, h[k], "gain1", 0.5f, err)) &&
        !(st = set_param(g, h[k], "gain2", 0.5f, err)) &&
        !(st = connect(
            g, k ? h[k - 1U] : in, k ? "out" : "left", h[k], "in1", err))) {
      st = connect(
        g, j >= 0 ? h[j] : in, j >= 0 ? "out" : "right", h[k], "in2", err);
    }
  }
  if (!st) {
    st = connect(g, n ? h[n - 1U] : in, n ? "out" : "left", out, "left", err);
  }
  free(h);
  return st;
}

/** The chain as one hand-written loop: the same multiplies, in place. */
typedef struct {
  _Alignas(AETHER_ALIGN) float in[BLOCK];
  _Alignas(AETHER_ALIGN) float out[BLOCK];
  float*   gain;
  uint32_t n;
} FusedChain;

static void
run_fused_chain(void* const ctx, const uint32_t iters)
{
  FusedChain* const c = (FusedChain*)ctx;
  for (uint32_t it = 0; it < iters; ++it) {
    _Alignas(AETHER_ALIGN) float x[BLOCK];
    memcpy(x, c->in, sizeof(x));
    for (uint32_t k = 0; k < c->n; ++k) {
      const float g = c->gain[k];
      for (uint32_t i = 0; i < BLOCK; ++i) {
        x[i] *= g;
      }
    }
    memcpy(c->out, x, sizeof(x));
    barrier();
  }
  sink = c->out[BLOCK - 1U];
}

/** The DAG as one hand-written loop over pre-resolved buffer pointers. */
typedef struct {
  _Alignas(AETHER_ALIGN) float ring[DAG_RING][BLOCK];
  _Alignas(AETHER_ALIGN) float in[2][BLOCK];
  const float** a;
  const float** b;
  float**       dst;
  uint32_t      n;
} FusedDag;

static void
run_fused_dag(void* const ctx, const uint32_t iters)
{
  FusedDag* const c = (FusedDag*)ctx;
  for (uint32_t it = 0; it < iters; ++it) {
    for (uint32_t k = 0; k < c->n; ++k) {
      const float* const restrict a = c->a[k];
      const float* const restrict b = c->b[k];
      float* const restrict d       = c->dst[k];
      for (uint32_t i = 0; i < BLOCK; ++i) {
        d[i] = a[i] * 0.5f + b[i] * 0.5f;
      }
    }
    barrier();
  }
  sink = c->ring[(c->n - 1U) % DAG_RING][0];
}

/** The node kernel alone, called n times on cache-resident buffers:
    what the engine would cost if scheduling were free. */
typedef struct {
  Kernel kernel;
  Ports  ports[3]; /**< rotating buffers */
  _Alignas(AETHER_ALIGN) float bufs[3][BLOCK];
  _Alignas(AETHER_ALIGN) float gains[2][BLOCK];
  uint32_t n;
  uint32_t n_args;
} KernelLoop;

static void
run_kernel_loop(void* const ctx, const uint32_t iters)
{
  KernelLoop* const     c       = (KernelLoop*)ctx;
  const AetherNodeType* type    = c->kernel.type;
  void* const           self    = c->kernel.self;
  const uint32_t        n_args  = c->n_args;
  uint32_t              current = 0;
  for (uint32_t it = 0; it < iters; ++it) {
    for (uint32_t k = 0; k < c->n; ++k) {
      type->process(self, &c->ports[current].args, BLOCK);
      current = current + 1U == n_args ? 0U : current + 1U;
    }
  }
  sink = c->bufs[0][0];
}

static KernelLoop*
kernel_loop_new(const bool dag, const uint32_t n)
{
  KernelLoop* const c = (KernelLoop*)alloc_aligned(sizeof(KernelLoop));
  if (!c || kernel_init(
              &c->kernel, aether_registry_find(dag ? "Mixer" : "Gain"), NULL)) {
    free(c);
    return NULL;
  }
  c->n = n;
  fill_noise(c->bufs[0], BLOCK, 3U);
  fill_noise(c->bufs[1], BLOCK, 4U);
  fill_noise(c->bufs[2], BLOCK, 5U);
  fill_value(c->gains[0], BLOCK, dag ? 0.5f : 0.8f);
  fill_value(c->gains[1], BLOCK, dag ? 0.5f : 1.25f);
  c->n_args = dag ? 3U : 2U;
  for (uint32_t k = 0; k < c->n_args; ++k) {
    Ports* const p = &c->ports[k];
    *p             = c->kernel.ports;
    ports_bind(p);
    p->out[0] = c->bufs[k];
    if (dag) {
      p->in[0]          = c->bufs[(k + 2U) % 3U];
      p->in[1]          = c->bufs[(k + 1U) % 3U];
      p->param[0]       = c->gains[0];
      p->param[1]       = c->gains[1];
      p->args.connected = 3U;
    } else {
      p->in[0]          = c->bufs[1U - k];
      p->param[0]       = c->gains[k];
      p->args.connected = 1U;
    }
  }
  return c;
}

static void
kernel_loop_free(KernelLoop* const c)
{
  if (c) {
    kernel_free(&c->kernel);
    free(c);
  }
}

static FusedChain*
fused_chain_new(const uint32_t n)
{
  FusedChain* const c = (FusedChain*)alloc_aligned(sizeof(FusedChain));
  if (c && !(c->gain = (float*)calloc(n + 1U, sizeof(float)))) {
    free(c);
    return NULL;
  }
  if (c) {
    c->n = n;
    fill_noise(c->in, BLOCK, 1U);
    for (uint32_t k = 0; k < n; ++k) {
      c->gain[k] = chain_gain(k);
    }
  }
  return c;
}

static void
fused_chain_free(FusedChain* const c)
{
  if (c) {
    free(c->gain);
    free(c);
  }
}

static void
fused_dag_free(FusedDag* const c)
{
  if (c) {
    free(c->a);
    free(c->b);
    free(c->dst);
    free(c);
  }
}

static FusedDag*
fused_dag_new(const uint32_t n)
{
  FusedDag* const c    = (FusedDag*)alloc_aligned(sizeof(FusedDag));
  uint32_t        seed = 1234U;
  if (!c) {
    return NULL;
  }
  c->n   = n;
  c->a   = (const float**)calloc(n + 1U, sizeof(float*));
  c->b   = (const float**)calloc(n + 1U, sizeof(float*));
  c->dst = (float**)calloc(n + 1U, sizeof(float*));
  if (!c->a || !c->b || !c->dst) {
    fused_dag_free(c);
    return NULL;
  }
  fill_noise(c->in[0], BLOCK, 1U);
  fill_noise(c->in[1], BLOCK, 2U);
  for (uint32_t k = 0; k < n; ++k) {
    const int32_t j = dag_second(k, &seed);
    c->dst[k]       = c->ring[k % DAG_RING];
    c->a[k]         = k ? c->ring[(k - 1U) % DAG_RING] : c->in[0];
    c->b[k]         = j >= 0 ? c->ring[(uint32_t)j % DAG_RING] : c->in[1];
  }
  return c;
}

static void
say(const Options* const o, const char* const fmt, ...)
{
  if (o->progress) {
    va_list args;
    va_start(args, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
  }
}

static void
bench_scheduler(Bench* const b)
{
  static const uint32_t sizes[] = { 1U, 10U, 100U, 1000U, 10000U };
  const Options* const  o       = &b->opt;
  Table* const          t       = bench_table(
    b, "scheduler", "1. Scheduler overhead: N trivial nodes, 64-frame block");

  /* The engine's fixed cost: in -> out, nothing else. */
  {
    EngineRun*  r = engine_run_new();
    AetherError err;
    if (!r || build_chain(r->graph, 0U, &err) || engine_run_start(r, &err)) {
      b->failed = true;
      engine_run_free(r);
      return;
    }
    engine_warm(r, 16U);
    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer* const all[1] = { &te };
    measure(o, all, 1U);
    const Stat e   = stat_of(te.ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "graph", "empty");
    row_num(row, "n", 0.0, 0);
    row_stat(row, "engine_ns", e, 0);
    row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 3);
    engine_run_free(r);
  }

  for (uint32_t dag = 0; dag < 2U; ++dag) {
    for (uint32_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); ++s) {
      const uint32_t n = sizes[s];
      say(o, "scheduler: %s of %u nodes", dag ? "DAG" : "chain", n);

      /* The chain twice: as the engine runs it (its gains fused into one
         step) and node by node, for the scheduling overhead per node. */
      EngineRun*  r = engine_run_new();
      EngineRun*  u = dag ? NULL : engine_run_new();
      AetherError err;
      aether_error_clear(&err);
      if (u) {
        aether_engine_set_fusion(u->engine, false);
      }
      if (!r || (!dag && !u) ||
          (dag ? build_dag(r->graph, n, &err)
               : build_chain(r->graph, n, &err)) ||
          engine_run_start(r, &err) ||
          (u &&
           (build_chain(u->graph, n, &err) || engine_run_start(u, &err)))) {
        fprintf(stderr, "bench: %s\n", err.message);
        b->failed = true;
        engine_run_free(r);
        engine_run_free(u);
        return;
      }
      engine_warm(r, 16U);
      if (u) {
        engine_warm(u, 16U);
      }

      KernelLoop* const kl = kernel_loop_new(dag, n);
      FusedChain* const fc = dag ? NULL : fused_chain_new(n);
      FusedDag* const   fd = dag ? fused_dag_new(n) : NULL;
      if (!kl || (!fc && !fd)) {
        b->failed = true;
        kernel_loop_free(kl);
        fused_chain_free(fc);
        fused_dag_free(fd);
        engine_run_free(r);
        engine_run_free(u);
        return;
      }

      Timer te = { run_engine_block, r, 0U, { 0.0 } };
      Timer tu = { run_engine_block, u ? u : r, 0U, { 0.0 } };
      Timer tk = { run_kernel_loop, kl, 0U, { 0.0 } };
      Timer tf = { dag ? run_fused_dag : run_fused_chain,
                   dag ? (void*)fd : (void*)fc,
                   0U,
                   { 0.0 } };
      Timer* const all[4] = { &te, &tk, &tf, &tu };
      measure(o, all, u ? 4U : 3U);

      /* Without fusion (the DAG has none), the engine node by node. */
      const double* const apart = u ? tu.ns : te.ns;
      const double        inv   = 1.0 / (double)n;
      const Stat          e     = stat_of(te.ns, o->reps);
      const Stat          over  = stat_combine(apart, tk.ns, 1.0, inv, o->reps);
      Row* const          row   = table_row(t);
      row_text(row, "graph", "%s", dag ? "dag" : "chain");
      row_num(row, "n", (double)n, 0);
      row_stat(row, "engine_ns", e, 0);
      row_stat(row, "unfused_ns", stat_of(apart, o->reps), 0);
      row_stat(row, "fused_ns", stat_of(tf.ns, o->reps), 0);
      row_stat(row, "kernels_ns", stat_of(tk.ns, o->reps), 0);
      row_stat(row, "ns_per_node", stat_scale(e, inv), 2);
      row_stat(row, "overhead_ns_per_node", over, 2);
      row_stat(row, "ratio_to_fused", stat_ratio(te.ns, tf.ns, o->reps), 2);
      row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 3);

      if (!dag && n == 1000U) {
        b->overhead_ns_per_node    = over.median;
        b->chain_1000_us_per_block = e.median / 1000.0;
      }

      kernel_loop_free(kl);
      fused_chain_free(fc);
      fused_dag_free(fd);
      engine_run_free(r);
      engine_run_free(u);
    }
  }

  bench_target(b,
               "scheduling overhead per node above its kernel (1000-node "
               "chain)",
               "ns",
               3.0,
               b->overhead_ns_per_node);
  bench_target(b,
               "1000-node gain chain per 64-frame block",
               "us",
               5.0,
               b->chain_1000_us_per_block);

  table_note(
    t,
    "chain: in -> N Gain nodes (gains 0.8 and 1.25 alternating) -> out. "
    "dag: N Mixer nodes, node k mixing node k-1 and a random one of the "
    "15 before it at gain 0.5 (seeded). engine_ns: aether_engine_process() "
    "of one 64-frame block, all included (the chain's gains fused into one "
    "step, as the engine runs them). unfused_ns: the same with fusion off, "
    "one step per node (the DAG: the same as engine_ns). fused_ns: the same "
    "arithmetic as one hand-written loop (the DAG over pre-resolved "
    "pointers, the chain in place in one buffer). kernels_ns: the node's own "
    "process function called N times on cache-resident buffers, no engine. "
    "overhead_ns_per_node = (unfused - kernels) / N: what scheduling adds "
    "above the kernels, node by node. Per-node figures are computed per "
    "repetition.");
}

/* ------------------------------------------------------------------------
   2. Realistic patches and voices
   ------------------------------------------------------------------------ */

typedef struct {
  char  label[64];
  char* text;
} PatchText;

#define MAX_PATCHES 32U

typedef struct {
  PatchText patches[MAX_PATCHES];
  uint32_t  n_patches;
  char*     fx_default; /**< the effect's default preset, or NULL */
} PatchSet;

/* The voice: osc (saw) -> filter (lowpass) -> envelope (VCA), notes from
   a MidiNote node; the hand-written versions use the same settings. */
#define VOICE_CUTOFF 1200.0f
#define VOICE_Q 2.0f
#define VOICE_AMP 0.5f
#define VOICE_NOTE 57U /* A3: 220 Hz */

static AetherStatus
build_voice(AetherGraph* const  g,
            const char* const   prefix,
            const AetherHandle  keys,
            const float         freq,
            const bool          poly,
            AetherHandle* const env,
            AetherError* const  err)
{
  char         name[3][48];
  AetherHandle osc;
  AetherHandle filter;
  AetherStatus st = AETHER_SUCCESS;
  snprintf(name[0], sizeof(name[0]), "%sosc", prefix);
  snprintf(name[1], sizeof(name[1]), "%sfilter", prefix);
  snprintf(name[2], sizeof(name[2]), "%senv", prefix);
  if ((st = add_node(g, "Oscillator", name[0], &osc, err)) ||
      (st = set_param(g, osc, "wave", 1.0f, err)) ||
      (st = set_param(g, osc, "freq", freq, err)) ||
      (st = set_param(g, osc, "amp", VOICE_AMP, err)) ||
      (st = connect(g, keys, "pitch", osc, "pitch", err)) ||
      (st = add_node(g, "Filter", name[1], &filter, err)) ||
      (st = set_param(g, filter, "cutoff", VOICE_CUTOFF, err)) ||
      (st = set_param(g, filter, "q", VOICE_Q, err)) ||
      (st = connect(g, osc, "out", filter, "in", err)) ||
      (st = add_node(g, "Adsr", name[2], env, err)) ||
      (st = set_param(g, *env, "attack", 0.01f, err)) ||
      (st = set_param(g, *env, "decay", 0.3f, err)) ||
      (st = set_param(g, *env, "sustain", 0.7f, err)) ||
      (st = set_param(g, *env, "release", 0.3f, err)) ||
      (st = connect(g, keys, "gate", *env, "gate", err)) ||
      (st = connect(g, filter, "out", *env, "in", err))) {
    return st;
  }
  if (poly && ((st = aether_graph_set_poly(g, osc, true, err)) ||
               (st = aether_graph_set_poly(g, filter, true, err)) ||
               (st = aether_graph_set_poly(g, *env, true, err)))) {
    return st;
  }
  return AETHER_SUCCESS;
}

/* 440 Hz moved by `semitones`. */
static float
voice_freq(const int semitones)
{
  return 440.0f * powf(2.0f, (float)semitones / 12.0f);
}

/* mode 0: one voice; 1: N_VOICES explicit copies (8 to each channel);
   2: one voice with ae:voices N_VOICES (the engine's polyphony). */
static AetherStatus
build_synth(AetherGraph* const g, const int mode, AetherError* const err)
{
  AetherHandle keys;
  AetherHandle out;
  AetherHandle env;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = add_node(g, "MidiNote", "keys", &keys, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    return st;
  }
  if (mode != 1) {
    if ((st = build_voice(g, "", keys, 440.0f, mode == 2, &env, err)) ||
        (st = connect(g, env, "out", out, "left", err))) {
      return st;
    }
    if (mode == 2 && ((st = aether_graph_set_poly(g, keys, true, err)) ||
                      (st = aether_graph_set_voices(g, N_VOICES, err)))) {
      return st;
    }
    return AETHER_SUCCESS;
  }

  AetherHandle mix[2];
  if ((st = add_node(g, "Mixer", "mix_l", &mix[0], err)) ||
      (st = add_node(g, "Mixer", "mix_r", &mix[1], err)) ||
      (st = connect(g, mix[0], "out", out, "left", err)) ||
      (st = connect(g, mix[1], "out", out, "right", err))) {
    return st;
  }
  for (uint32_t v = 0; v < N_VOICES && !st; ++v) {
    char prefix[16];
    char input[8];
    snprintf(prefix, sizeof(prefix), "v%u_", v);
    snprintf(input, sizeof(input), "in%u", v % 8U + 1U);
    if (!(st = build_voice(
            g, prefix, keys, voice_freq((int)v), false, &env, err))) {
      st = connect(g, env, "out", mix[v / 8U], input, err);
    }
  }
  return st;
}

/** One voice with the node kernels wired by hand: no graph, no scheduler,
    no parameter machinery, the buffers in one place. */
typedef struct {
  /* Every buffer together, as the engine's pool has them: osc, filter,
     env (env, out), pitch, gate. */
  _Alignas(AETHER_ALIGN) float bufs[6][BLOCK];
  Kernel osc;
  Kernel filter;
  Kernel env;
} HandVoice;

static void
hand_voice_free(HandVoice* const v)
{
  kernel_free(&v->osc);
  kernel_free(&v->filter);
  kernel_free(&v->env);
}

static AetherStatus
hand_voice_init(HandVoice* const v, const float freq)
{
  memset(v, 0, sizeof(*v));
  float* const pitch = v->bufs[4];
  float* const gate  = v->bufs[5];
  if (kernel_init(&v->osc, aether_registry_find("Oscillator"), v->bufs[0]) ||
      kernel_init(&v->filter, aether_registry_find("Filter"), v->bufs[1]) ||
      kernel_init(&v->env, aether_registry_find("Adsr"), v->bufs[2])) {
    hand_voice_free(v);
    return AETHER_ERR_NO_MEMORY;
  }
  fill_value(pitch, BLOCK, (float)VOICE_NOTE - 69.0f);
  fill_value(gate, BLOCK, 1.0f);
  kernel_set(&v->osc, "wave", 1.0f);
  kernel_set(&v->osc, "freq", freq);
  kernel_set(&v->osc, "amp", VOICE_AMP);
  kernel_connect(&v->osc, "pitch", pitch);
  kernel_set(&v->filter, "cutoff", VOICE_CUTOFF);
  kernel_set(&v->filter, "q", VOICE_Q);
  kernel_connect(&v->filter, "in", kernel_out(&v->osc, "out"));
  kernel_set(&v->env, "attack", 0.01f);
  kernel_set(&v->env, "decay", 0.3f);
  kernel_set(&v->env, "sustain", 0.7f);
  kernel_set(&v->env, "release", 0.3f);
  kernel_connect(&v->env, "gate", gate);
  kernel_connect(&v->env, "in", kernel_out(&v->filter, "out"));
  return AETHER_SUCCESS;
}

static inline const float*
hand_voice_run(const HandVoice* const v)
{
  kernel_run(&v->osc, BLOCK);
  kernel_run(&v->filter, BLOCK);
  kernel_run(&v->env, BLOCK);
  return kernel_out(&v->env, "out");
}

/** One voice as a single hand-written loop: a PolyBLEP saw, Simper's SVF
    lowpass, a linear ADSR and the VCA, state in locals, the pitch computed
    once per block. Cheaper algorithms than the nodes' (the oscillator's
    table BLEP rejects aliasing far better): for scale, not the target. */
typedef struct {
  double phase;
  double inc;
  float  ic1;
  float  ic2;
  float  a1;
  float  a2;
  float  a3;
  float  level;
  int    stage; /* 0 idle, 1 attack, 2 decay, 3 sustain, 4 release */
} FusedVoice;

static void
fused_voice_init(FusedVoice* const v, const float freq)
{
  memset(v, 0, sizeof(*v));
  const double hz = freq * pow(2.0, ((double)VOICE_NOTE - 69.0) / 12.0);
  const float  g  = tanf((float)(3.14159265358979323846 * VOICE_CUTOFF / RATE));
  const float  k  = 1.0f / VOICE_Q;
  v->inc          = hz / RATE;
  v->a1           = 1.0f / (1.0f + g * (g + k));
  v->a2           = g * v->a1;
  v->a3           = g * v->a2;
  v->stage        = 1;
}

static inline float
poly_blep(const double t, const double dt)
{
  if (t < dt) {
    const double x = t / dt;
    return (float)(x + x - x * x - 1.0);
  }
  if (t > 1.0 - dt) {
    const double x = (t - 1.0) / dt;
    return (float)(x * x + x + x + 1.0);
  }
  return 0.0f;
}

static void
fused_voice_run(FusedVoice* const v, float* const restrict out, const bool add)
{
  const float attack  = (float)(1.0 / (0.01 * RATE));
  const float decay   = (float)(0.3 / (0.3 * RATE));
  const float sustain = 0.7f;
  double      phase   = v->phase;
  float       ic1     = v->ic1;
  float       ic2     = v->ic2;
  float       level   = v->level;
  for (uint32_t i = 0; i < BLOCK; ++i) {
    const float saw = (float)(2.0 * phase - 1.0) - poly_blep(phase, v->inc);
    phase += v->inc;
    phase -= phase >= 1.0 ? 1.0 : 0.0;

    const float v3 = VOICE_AMP * saw - ic2;
    const float v1 = v->a1 * ic1 + v->a2 * v3;
    const float v2 = ic2 + v->a2 * ic1 + v->a3 * v3;
    ic1            = 2.0f * v1 - ic1;
    ic2            = 2.0f * v2 - ic2;

    switch (v->stage) {
      case 1:
        level += attack;
        if (level >= 1.0f) {
          level    = 1.0f;
          v->stage = 2;
        }
        break;
      case 2:
        level -= decay;
        if (level <= sustain) {
          level    = sustain;
          v->stage = 3;
        }
        break;
      case 3:
        level = sustain;
        break;
      default:
        level = 0.0f;
        break;
    }
    out[i] = add ? out[i] + v2 * level : v2 * level;
  }
  v->phase = phase;
  v->ic1   = ic1;
  v->ic2   = ic2;
  v->level = level;
}

typedef struct {
  _Alignas(AETHER_ALIGN) float out[2][BLOCK];
  HandVoice  hand[N_VOICES];
  FusedVoice fused[N_VOICES];
  uint32_t   n; /**< voices */
} Voices;

static void
run_hand_voices(void* const ctx, const uint32_t iters)
{
  Voices* const c = (Voices*)ctx;
  for (uint32_t it = 0; it < iters; ++it) {
    if (c->n == 1U) { /* mono: both channels, as AudioOut does */
      const float* const y = hand_voice_run(&c->hand[0]);
      memcpy(c->out[0], y, sizeof(c->out[0]));
      memcpy(c->out[1], y, sizeof(c->out[1]));
      continue;
    }
    const uint32_t per = c->n / 2U; /* voices a channel */
    memset(c->out, 0, sizeof(c->out));
    for (uint32_t v = 0; v < c->n; ++v) {
      const float* const restrict y = hand_voice_run(&c->hand[v]);
      float* const restrict o       = c->out[v / per];
      for (uint32_t i = 0; i < BLOCK; ++i) {
        o[i] += y[i];
      }
    }
  }
  sink = c->out[0][0];
}

static void
run_fused_voices(void* const ctx, const uint32_t iters)
{
  Voices* const  c   = (Voices*)ctx;
  const uint32_t per = c->n > 1U ? c->n / 2U : 1U; /* voices a channel */
  for (uint32_t it = 0; it < iters; ++it) {
    for (uint32_t v = 0; v < c->n; ++v) {
      fused_voice_run(&c->fused[v], c->out[v / per], v % per != 0U);
    }
    if (c->n == 1U) {
      memcpy(c->out[1], c->out[0], sizeof(c->out[1]));
    }
    barrier();
  }
  sink = c->out[0][0];
}

static void
voices_free(Voices* const c)
{
  if (c) {
    for (uint32_t v = 0; v < c->n; ++v) {
      hand_voice_free(&c->hand[v]);
    }
    free(c);
  }
}

static Voices*
voices_new(const uint32_t n, const bool down)
{
  Voices* const c = (Voices*)alloc_aligned(sizeof(Voices));
  if (!c) {
    return NULL;
  }
  for (uint32_t v = 0; v < n; ++v) {
    /* The pitches the engine plays: the copies' oscillators tuned up in
       semitones, or the polyphonic voice playing notes going down. */
    const float freq = voice_freq(n == 1U ? 0 : down ? -(int)v : (int)v);
    if (hand_voice_init(&c->hand[v], freq)) {
      voices_free(c);
      return NULL;
    }
    c->n = v + 1U;
    fused_voice_init(&c->fused[v], freq);
  }
  for (uint32_t b = 0; b < WARM_BLOCKS; ++b) { /* to the sustain */
    run_hand_voices(c, 1U);
    run_fused_voices(c, 1U);
  }
  return c;
}

/* Play `n` notes from VOICE_NOTE down, held. */
static void
engine_notes(EngineRun* const r, const uint32_t n)
{
  for (uint32_t k = 0; k < n; ++k) {
    const uint8_t on[3] = { 0x90U, (uint8_t)(VOICE_NOTE - k), 100U };
    aether_engine_push_midi_rt(r->engine, on, 3U);
  }
}

static EngineRun*
synth_engine(const int mode, const uint32_t notes, AetherError* const err)
{
  EngineRun* const r = engine_run_new();
  if (!r) {
    aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  if (build_synth(r->graph, mode, err) || engine_run_start(r, err)) {
    engine_run_free(r);
    return NULL;
  }
  engine_notes(r, notes);
  engine_warm(r, WARM_BLOCKS);
  return r;
}

static double
engine_rms(EngineRun* const r)
{
  double sum = 0.0;
  for (uint32_t b = 0; b < 32U; ++b) {
    engine_block(r);
    sum += rms_of(r->out[0], BLOCK) + rms_of(r->out[1], BLOCK);
  }
  return sum / 32.0;
}

static void
bench_voices(Bench* const b)
{
  const Options* const o = &b->opt;
  Table* const         t = bench_table(
    b, "voices", "2b. Synth voices: the engine against hand-written C");
  AetherError err;
  aether_error_clear(&err);

  struct {
    const char* label;
    int         mode;
    uint32_t    voices;
    uint32_t    notes;
  } const cases[] = {
    { "1 voice", 0, 1U, 1U },
    { "16 voices, explicit copies", 1, N_VOICES, 1U },
    { "16 voices, ae:voices 16", 2, N_VOICES, N_VOICES },
  };

  double single_rms  = 0.0;
  double voice_ratio = NAN;
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    say(o, "voices: %s", cases[c].label);
    EngineRun* const r = synth_engine(cases[c].mode, cases[c].notes, &err);
    Voices* const    v = voices_new(cases[c].voices, cases[c].mode == 2);
    if (!r || !v) {
      fprintf(stderr, "bench: %s: %s\n", cases[c].label, err.message);
      b->failed = true;
      engine_run_free(r);
      voices_free(v);
      return;
    }
    const double rms = engine_rms(r);
    if (c == 0U) {
      single_rms = rms;
    }

    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer        th     = { run_hand_voices, v, 0U, { 0.0 } };
    Timer        tf     = { run_fused_voices, v, 0U, { 0.0 } };
    Timer* const all[3] = { &te, &th, &tf };
    measure(o, all, 3U);

    const Stat e     = stat_of(te.ns, o->reps);
    const Stat ratio = stat_ratio(te.ns, th.ns, o->reps);
    Row* const row   = table_row(t);
    row_text(row, "patch", "%s", cases[c].label);
    row_stat(row, "engine_ns", e, 0);
    row_stat(row, "hand_kernels_ns", stat_of(th.ns, o->reps), 0);
    row_stat(row, "hand_fused_ns", stat_of(tf.ns, o->reps), 0);
    row_stat(row, "ratio_to_hand_kernels", ratio, 3);
    row_stat(row, "ratio_to_hand_fused", stat_ratio(te.ns, tf.ns, o->reps), 2);
    row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
    if (c == 0U) {
      voice_ratio = ratio.median;
    }
    if (cases[c].mode == 2) {
      /* 16 notes on 16 voices sound about 4 times (sqrt 16) as loud as one;
         if the engine runs one voice, as loud as one. */
      const bool honoured = rms > 2.0 * single_rms;
      row_text(row, "voices_running", "%s", honoured ? "16" : "1 (not yet)");
      table_note(t,
                 "ae:voices 16: output level %.2f times one voice's: %s. ",
                 rms / (single_rms > 0.0 ? single_rms : 1.0),
                 honoured ? "all 16 voices run"
                          : "the compiler does not run the voices yet, "
                            "so this row costs one voice");
    } else {
      row_text(row, "voices_running", "%u", cases[c].voices);
    }
    engine_run_free(r);
    voices_free(v);
  }

  bench_target(b,
               "voice patch against the hand-written C voice (same kernels)",
               "x",
               1.10,
               voice_ratio);
  table_note(
    t,
    "The voice: MidiNote -> Oscillator (saw, pitch from the note) -> Filter "
    "(lowpass 1200 Hz, q 2) -> Adsr (VCA) -> AudioOut, a note held at its "
    "sustain. hand_kernels: the same node kernels called in order by hand "
    "on fixed buffers, the voice written to both channels as AudioOut does "
    "(no graph, scheduler, parameter ramps or MIDI node): the target's "
    "baseline. hand_fused: the voice as one "
    "hand-written loop with cheaper algorithms (PolyBLEP saw, no per-sample "
    "pitch): what the DSP could cost, for scale. The 16 explicit copies "
    "share the MidiNote and sum through two Mixers.");
}

/* Read a whole file (NULL on error). */
static char*
read_text(const char* const path)
{
  FILE* const f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char* text = NULL;
  long  size = 0;
  if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 &&
      !fseek(f, 0, SEEK_SET) && (text = (char*)malloc((size_t)size + 1U))) {
    if (fread(text, 1U, (size_t)size, f) != (size_t)size) {
      free(text);
      text = NULL;
    } else {
      text[size] = '\0';
    }
  }
  fclose(f);
  return text;
}

static EngineRun*
patch_engine(const char* const  text,
             const char* const  label,
             AetherError* const err)
{
  AetherPatch* patch = NULL;
  EngineRun*   r     = NULL;
  if (aether_patch_parse(text, strlen(text), label, &patch, err)) {
    return NULL;
  }
  if (!(r = engine_run_new())) {
    aether_patch_free(patch);
    aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  const AetherStatus st = aether_patch_apply(patch, r->graph, err);
  aether_patch_free(patch);
  if (st || engine_run_start(r, err)) {
    engine_run_free(r);
    return NULL;
  }
  engine_notes(r, 1U);
  engine_warm(r, WARM_BLOCKS);
  return r;
}

static void
bench_patches(Bench* const b, const PatchSet* const ps)
{
  const Options* const o = &b->opt;
  Table* const t = bench_table(b, "patches", "2a. Realistic patches at 48 kHz");

  if (!ps->n_patches) {
    table_note(t,
               "No presets found: set LV2_PATH to the build's bundle "
               "directory or pass --bundle. ");
  }

  /* Baseline: the engine's fixed cost (an empty patch). */
  EngineRun* const empty = patch_engine("", "empty", NULL);
  if (!empty) {
    b->failed = true;
    return;
  }

  for (uint32_t p = 0; p < ps->n_patches; ++p) {
    say(o, "patches: %s", ps->patches[p].label);
    AetherError err;
    aether_error_clear(&err);
    EngineRun* const r =
      patch_engine(ps->patches[p].text, ps->patches[p].label, &err);
    if (!r) {
      Row* const row = table_row(t);
      row_text(row, "patch", "%s", ps->patches[p].label);
      table_note(t, "%s: %s. ", ps->patches[p].label, err.message);
      continue;
    }
    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer        t0     = { run_engine_block, empty, 0U, { 0.0 } };
    Timer* const all[2] = { &te, &t0 };
    measure(o, all, 2U);
    const Stat e   = stat_of(te.ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "patch", "%s", ps->patches[p].label);
    row_num(row, "nodes", (double)aether_graph_n_nodes(r->graph), 0);
    row_stat(row, "engine_ns", e, 0);
    row_stat(row, "empty_engine_ns", stat_of(t0.ns, o->reps), 0);
    row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
    engine_run_free(r);
  }
  engine_run_free(empty);
  table_note(t,
             "Every preset of the bundle (and the example patches with "
             "--patches), stereo noise in, a note held at its sustain. "
             "empty_engine_ns: an empty patch, measured interleaved: the "
             "engine's fixed cost per block.");
}

/* ------------------------------------------------------------------------
   3. Edits: compile, swap, parse
   ------------------------------------------------------------------------ */

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

static void
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
    if (!r || build_dag(r->graph, n, &err) || engine_run_start(r, &err) ||
        editor_init(&ed, r, "m0")) {
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

static void
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
    if (!r || build_dag(r->graph, cases[c].nodes, &err) ||
        engine_run_start(r, &err) || editor_init(&ed, r, "m0")) {
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

static void
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
    if (!r || build_dag(r->graph, n, &err) ||
        aether_patch_write(r->graph, &text, &err)) {
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

/* ------------------------------------------------------------------------
   4. Through the plugin: the real bundle with lilv
   ------------------------------------------------------------------------ */

#define HOST_MAX_URIS 512U
#define HOST_MAX_PORTS 32U
#define HOST_ATOM_BYTES 65536U
#define HOST_MAX_JOBS 64U
#define HOST_JOB_BYTES 65536U

static char*    host_uris[HOST_MAX_URIS];
static uint32_t host_n_uris;

static LV2_URID
host_map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  (void)handle;
  for (uint32_t i = 0; i < host_n_uris; ++i) {
    if (!strcmp(host_uris[i], uri)) {
      return i + 1U;
    }
  }
  if (host_n_uris == HOST_MAX_URIS || !(host_uris[host_n_uris] = strdup(uri))) {
    return 0;
  }
  return ++host_n_uris;
}

static const char*
host_unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  (void)handle;
  return (urid && urid <= host_n_uris) ? host_uris[urid - 1U] : NULL;
}

typedef struct {
  uint32_t size[HOST_MAX_JOBS];
  uint32_t offset[HOST_MAX_JOBS];
  uint32_t n;
  uint32_t used;
  _Alignas(8) uint8_t data[HOST_JOB_BYTES];
} JobQueue;

/** A minimal host: a DAW (URID map, worker, control and notify ports) or
    lv2apply (no features, atom ports unconnected). */
typedef struct {
  _Alignas(AETHER_ALIGN) float in[2][HOST_FRAMES];
  _Alignas(AETHER_ALIGN) float out[2][HOST_FRAMES];
  _Alignas(8) uint8_t control[HOST_ATOM_BYTES];
  _Alignas(8) uint8_t notify[HOST_ATOM_BYTES];
  JobQueue                    jobs;
  JobQueue                    responses;
  LilvInstance*               instance;
  const LV2_Worker_Interface* worker;
  LV2_URID_Map                map;
  LV2_URID_Unmap              unmap;
  LV2_Worker_Schedule         schedule;
  LV2_Feature                 feature[3];
  const LV2_Feature*          features[4];
  float                       controls[HOST_MAX_PORTS];
  int                         audio_in[2];
  int                         audio_out[2];
  int                         control_port;
  int                         notify_port;
  LV2_URID                    sequence;
  uint32_t                    block;
  bool                        daw;
} PluginHost;

static bool
job_push(JobQueue* const q, const uint32_t size, const void* const data)
{
  const uint32_t padded = (size + 7U) & ~7U;
  if (q->n == HOST_MAX_JOBS || q->used + padded > HOST_JOB_BYTES) {
    return false;
  }
  memcpy(q->data + q->used, data, size);
  q->size[q->n]   = size;
  q->offset[q->n] = q->used;
  ++q->n;
  q->used += padded;
  return true;
}

static LV2_Worker_Status
host_schedule_work(LV2_Worker_Schedule_Handle handle,
                   const uint32_t             size,
                   const void* const          data)
{
  return job_push(&((PluginHost*)handle)->jobs, size, data)
           ? LV2_WORKER_SUCCESS
           : LV2_WORKER_ERR_NO_SPACE;
}

static LV2_Worker_Status
host_respond(LV2_Worker_Respond_Handle handle,
             const uint32_t            size,
             const void* const         data)
{
  return job_push(&((PluginHost*)handle)->responses, size, data)
           ? LV2_WORKER_SUCCESS
           : LV2_WORKER_ERR_NO_SPACE;
}

/* The worker, between two run() calls (a worker thread that always wins). */
static void
host_work(PluginHost* const h)
{
  if (!h->worker) {
    return;
  }
  LV2_Handle const handle = lilv_instance_get_handle(h->instance);
  for (uint32_t i = 0; i < h->jobs.n; ++i) {
    h->worker->work(handle,
                    host_respond,
                    h,
                    h->jobs.size[i],
                    h->jobs.data + h->jobs.offset[i]);
  }
  h->jobs.n    = 0;
  h->jobs.used = 0;
  for (uint32_t i = 0; i < h->responses.n; ++i) {
    h->worker->work_response(
      handle, h->responses.size[i], h->responses.data + h->responses.offset[i]);
  }
  h->responses.n    = 0;
  h->responses.used = 0;
}

static void
plugin_host_free(PluginHost* const h)
{
  if (h) {
    if (h->instance) {
      lilv_instance_deactivate(h->instance);
      lilv_instance_free(h->instance);
    }
    free(h);
  }
}

static PluginHost*
plugin_host_new(LilvWorld* const        world,
                const LilvPlugin* const plugin,
                const bool              daw)
{
  PluginHost* const h = (PluginHost*)alloc_aligned(sizeof(PluginHost));
  if (!h) {
    return NULL;
  }
  h->daw        = daw;
  h->block      = BLOCK;
  h->map        = (LV2_URID_Map){ NULL, host_map_uri };
  h->unmap      = (LV2_URID_Unmap){ NULL, host_unmap_uri };
  h->schedule   = (LV2_Worker_Schedule){ h, host_schedule_work };
  h->feature[0] = (LV2_Feature){ LV2_URID__map, &h->map };
  h->feature[1] = (LV2_Feature){ LV2_URID__unmap, &h->unmap };
  h->feature[2] = (LV2_Feature){ LV2_WORKER__schedule, &h->schedule };
  for (uint32_t i = 0; i < 3U; ++i) {
    h->features[i] = daw ? &h->feature[i] : NULL;
  }
  h->features[3] = NULL;
  h->sequence    = host_map_uri(NULL, LV2_ATOM__Sequence);
  fill_noise(h->in[0], HOST_FRAMES, 1U);
  fill_noise(h->in[1], HOST_FRAMES, 2U);

  if (!(h->instance = lilv_plugin_instantiate(plugin, RATE, h->features))) {
    free(h);
    return NULL;
  }
  h->worker = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
    h->instance, LV2_WORKER__interface);

  LilvNode* const audio   = lilv_new_uri(world, LV2_CORE__AudioPort);
  LilvNode* const atom    = lilv_new_uri(world, LV2_ATOM__AtomPort);
  LilvNode* const input   = lilv_new_uri(world, LV2_CORE__InputPort);
  const uint32_t  n_ports = lilv_plugin_get_num_ports(plugin);
  float           defaults[HOST_MAX_PORTS] = { 0.0f };
  int             n_in                     = 0;
  int             n_out                    = 0;
  h->audio_in[0] = h->audio_in[1] = h->audio_out[0] = h->audio_out[1] = -1;
  h->control_port = h->notify_port = -1;
  if (n_ports <= HOST_MAX_PORTS) {
    lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defaults);
  }
  for (uint32_t i = 0; i < n_ports && i < HOST_MAX_PORTS; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(plugin, i);
    const bool            is_input = lilv_port_is_a(plugin, port, input);
    if (lilv_port_is_a(plugin, port, audio)) {
      if (is_input && n_in < 2) {
        h->audio_in[n_in++] = (int)i;
      } else if (!is_input && n_out < 2) {
        h->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(plugin, port, atom)) {
      if (is_input) {
        h->control_port = (int)i;
      } else {
        h->notify_port = (int)i;
      }
      lilv_instance_connect_port(h->instance,
                                 i,
                                 !daw       ? NULL
                                 : is_input ? (void*)h->control
                                            : (void*)h->notify);
    } else {
      h->controls[i] = isnan(defaults[i]) ? 0.0f : defaults[i];
      lilv_instance_connect_port(h->instance, i, &h->controls[i]);
    }
  }
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);
  lilv_instance_activate(h->instance);
  return h;
}

/* One run() of `n` frames at `pos`, as a host does it each cycle. */
static inline void
plugin_host_run(PluginHost* const h, const uint32_t pos, const uint32_t n)
{
  for (uint32_t c = 0; c < 2U; ++c) {
    if (h->audio_in[c] >= 0) {
      lilv_instance_connect_port(
        h->instance, (uint32_t)h->audio_in[c], h->in[c] + pos);
    }
    if (h->audio_out[c] >= 0) {
      lilv_instance_connect_port(
        h->instance, (uint32_t)h->audio_out[c], h->out[c] + pos);
    }
  }
  if (h->daw) {
    LV2_Atom_Sequence* const control = (LV2_Atom_Sequence*)h->control;
    LV2_Atom_Sequence* const notify  = (LV2_Atom_Sequence*)h->notify;
    control->atom.type               = h->sequence;
    control->atom.size               = sizeof(LV2_Atom_Sequence_Body);
    control->body.unit               = 0;
    control->body.pad                = 0;
    notify->atom.type                = 0;
    notify->atom.size                = HOST_ATOM_BYTES - sizeof(LV2_Atom);
  }
  lilv_instance_run(h->instance, n);
  if (h->jobs.n) {
    host_work(h);
  }
}

static void
run_plugin_host(void* const ctx, const uint32_t iters)
{
  PluginHost* const h = (PluginHost*)ctx;
  for (uint32_t i = 0; i < iters; ++i) {
    for (uint32_t pos = 0; pos < HOST_FRAMES; pos += h->block) {
      plugin_host_run(h, pos, h->block);
    }
  }
  sink = h->out[0][HOST_FRAMES - 1U];
}

typedef struct {
  LilvWorld*        world;
  const LilvPlugin* fx;
  const LilvPlugin* synth;
} Lv2;

static const LilvPlugin*
find_plugin(LilvWorld* const world, const char* const uri)
{
  LilvNode* const         node = lilv_new_uri(world, uri);
  const LilvPlugin* const p =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  return p;
}

/* Load LV2_PATH (and --bundle, or the build's bundle) and find the two
   plugins. Returns false if the effect is not found. */
static bool
lv2_open(Lv2* const lv2, const char* const bundle)
{
  memset(lv2, 0, sizeof(*lv2));
  if (!(lv2->world = lilv_world_new())) {
    return false;
  }
  lilv_world_load_all(lv2->world);
  const char* dir = bundle;
#if defined(AETHER_BENCH_BUNDLE)
  if (!dir && !find_plugin(lv2->world, "urn:aether:fx")) {
    dir = AETHER_BENCH_BUNDLE;
  }
#endif
  if (dir && dir[0]) {
    /* lilv wants a bundle URI with a trailing slash */
    char         path[4096];
    const size_t len = strlen(dir);
    snprintf(path, sizeof(path), "%s%s", dir, dir[len - 1U] == '/' ? "" : "/");
    LilvNode* const uri = lilv_new_file_uri(lv2->world, NULL, path);
    if (uri) {
      lilv_world_load_bundle(lv2->world, uri);
      lilv_node_free(uri);
    }
  }
  lv2->fx    = find_plugin(lv2->world, "urn:aether:fx");
  lv2->synth = find_plugin(lv2->world, "urn:aether:synth");
  return lv2->fx != NULL;
}

static void
lv2_close(Lv2* const lv2)
{
  if (lv2->world) {
    lilv_world_free(lv2->world);
  }
  memset(lv2, 0, sizeof(*lv2));
}

/* The ae:patch text of every preset of `plugin`. */
static void
lv2_presets(const Lv2* const        lv2,
            const LilvPlugin* const plugin,
            PatchSet* const         ps)
{
  LilvWorld* const w      = lv2->world;
  LilvNode* const  pclass = lilv_new_uri(w, LV2_PRESETS__Preset);
  LilvNode* const  state  = lilv_new_uri(w, LV2_STATE__state);
  LilvNode* const  patch  = lilv_new_uri(w, "urn:aether:patch");
  LilvNodes* const list   = lilv_plugin_get_related(plugin, pclass);
  LILV_FOREACH(nodes, i, list)
  {
    const LilvNode* const preset = lilv_nodes_get(list, i);
    lilv_world_load_resource(w, preset);
    LilvNode* const st   = lilv_world_get(w, preset, state, NULL);
    LilvNode* const text = st ? lilv_world_get(w, st, patch, NULL) : NULL;
    if (text && ps->n_patches < MAX_PATCHES) {
      PatchText* const pt = &ps->patches[ps->n_patches];
      const char*      id = lilv_node_as_uri(preset);
      const char*      c  = strrchr(id, ':');
      snprintf(pt->label, sizeof(pt->label), "preset %s", c ? c + 1 : id);
      if ((pt->text = strdup(lilv_node_as_string(text)))) {
        ++ps->n_patches;
        if (!strcmp(c ? c + 1 : id, "fx-default")) {
          ps->fx_default = pt->text;
        }
      }
    }
    lilv_node_free(text);
    lilv_node_free(st);
  }
  lilv_nodes_free(list);
  lilv_node_free(pclass);
  lilv_node_free(state);
  lilv_node_free(patch);
}

static void
bench_plugin(Bench* const b, const Lv2* const lv2, const char* const fx_patch)
{
  /* DAW at four block sizes, lv2apply at 1, each against the engine. */
  static const struct {
    bool     daw;
    uint32_t block;
  } cases[] = {
    { true, 1U }, { true, 64U }, { true, 256U }, { true, 1024U }, { false, 1U }
  };
  enum { N_CASES = sizeof(cases) / sizeof(cases[0]) };

  const Options* const o = &b->opt;
  Table* const         t = bench_table(
    b,
    "plugin",
    "4. Through the plugin (lilv) against the engine called directly");

  if (!lv2->fx || !fx_patch) {
    table_note(t,
               "Skipped: the aether.lv2 bundle was not found (set LV2_PATH "
               "to the build's bundle directory, or pass --bundle).");
    return;
  }

  say(o, "plugin: block sizes 1, 64, 256, 1024");
  PluginHost* hosts[N_CASES]   = { NULL };
  EngineRun*  engines[N_CASES] = { NULL };
  Timer       timers[2 * N_CASES];
  Timer*      all[2 * N_CASES];
  AetherError err;
  aether_error_clear(&err);
  bool ok = true;
  for (uint32_t c = 0; c < N_CASES && ok; ++c) {
    hosts[c]   = plugin_host_new(lv2->world, lv2->fx, cases[c].daw);
    engines[c] = patch_engine(fx_patch, "fx-default", &err);
    ok         = hosts[c] && engines[c];
    if (ok) {
      hosts[c]->block   = cases[c].block;
      engines[c]->block = cases[c].block;
      for (uint32_t k = 0; k < 16U; ++k) {
        run_plugin_host(hosts[c], 1U); /* the patch loaded, warm */
      }
      timers[2U * c]      = (Timer){ run_plugin_host, hosts[c], 0U, { 0.0 } };
      timers[2U * c + 1U] = (Timer){ run_engine_host, engines[c], 0U, { 0.0 } };
      all[2U * c]         = &timers[2U * c];
      all[2U * c + 1U]    = &timers[2U * c + 1U];
    }
  }
  if (!ok) {
    fprintf(stderr, "bench: plugin: %s\n", err.message);
    b->failed = true;
  } else {
    measure(o, all, 2U * N_CASES);
  }

  const double per = 1.0 / HOST_FRAMES;
  for (uint32_t c = 0; c < N_CASES && ok; ++c) {
    const Timer* const tp  = &timers[2U * c];
    const Timer* const te  = &timers[2U * c + 1U];
    const Stat         p   = stat_scale(stat_of(tp->ns, o->reps), per);
    Row* const         row = table_row(t);
    row_text(row,
             "host",
             "%s",
             cases[c].daw ? "DAW (map, worker)" : "lv2apply (none)");
    row_num(row, "block", (double)cases[c].block, 0);
    row_stat(row, "plugin_ns_per_frame", p, 1);
    row_stat(
      row, "engine_ns_per_frame", stat_scale(stat_of(te->ns, o->reps), per), 1);
    row_stat(row, "plugin_to_engine", stat_ratio(tp->ns, te->ns, o->reps), 2);
    row_num(row, "deadline_pct", 100.0 * p.median * BLOCK / DEADLINE_NS, 2);
  }

  double ratio = NAN;
  if (ok) {
    /* Both cases run HOST_FRAMES frames per iteration: per-frame ratio. */
    const Stat r   = stat_ratio(timers[0].ns, timers[2].ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "host", "DAW, block 1 / block 64");
    row_stat(row, "per_frame_1_to_64", r, 2);
    ratio = r.median;
  }
  for (uint32_t c = 0; c < N_CASES; ++c) {
    plugin_host_free(hosts[c]);
    engine_run_free(engines[c]);
  }

  bench_target(
    b, "host block 1 per frame, against block 64 (plugin)", "x", 3.0, ratio);
  table_note(t,
             "The real bundle (urn:aether:fx, its default patch: two "
             "filters, two echoes, a reverb) instantiated with lilv and run "
             "over %u frames of stereo noise in host blocks of the given "
             "size; DAW: URID map, worker, an empty control sequence and a "
             "notify buffer every run; lv2apply: no features, like the "
             "tool. engine: the same patch through aether_engine_process() "
             "in calls of the same size (at most 64). All ten are measured "
             "interleaved. The last row is the target: the plugin's cost per "
             "frame at block 1 over that at block 64, per repetition.",
             HOST_FRAMES);
}

/* ------------------------------------------------------------------------
   5. Per node type
   ------------------------------------------------------------------------ */

typedef enum { FEED_NONE, FEED_AUDIO, FEED_HELD } FeedKind;

/** What a node's inputs get in section 5. */
typedef struct {
  FeedKind first; /**< input 0: audio (in, left, in1, a), held (gate) */
  bool     right; /**< input 1 is `right`: audio too */
} NodeFeed;

/* Audio inputs get a signal, gates and triggers a held 1; modulation inputs
   (pitch, fm, cv) stay unconnected, as in a patch without modulation. */
static NodeFeed
node_feed(const AetherNodeType* const type)
{
  static const char* const audio[] = { "in", "left", "in1", "a" };
  static const char* const held[]  = { "gate", "trigger" };
  NodeFeed                 feed    = { FEED_NONE, false };
  if (!type->n_inputs) {
    return feed;
  }
  for (uint32_t i = 0; i < 4U; ++i) {
    feed.first =
      !strcmp(type->inputs[0].name, audio[i]) ? FEED_AUDIO : feed.first;
  }
  for (uint32_t i = 0; i < 2U; ++i) {
    feed.first =
      !strcmp(type->inputs[0].name, held[i]) ? FEED_HELD : feed.first;
  }
  feed.right = type->n_inputs > 1U && !strcmp(type->inputs[1].name, "right");
  return feed;
}

/* A graph in -> node -> out (or in -> out alone when type is NULL). */
static AetherStatus
build_single(AetherGraph* const          g,
             const AetherNodeType* const type,
             AetherError* const          err)
{
  AetherHandle in;
  AetherHandle out;
  AetherHandle x;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = add_node(g, "AudioIn", "in", &in, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    return st;
  }
  if (!type) {
    return connect(g, in, "left", out, "left", err);
  }
  if ((st = aether_graph_add(g, type, "x", &x, err))) {
    return st;
  }
  const NodeFeed feed = node_feed(type);
  if (feed.first == FEED_AUDIO &&
      (st = aether_graph_connect(g, in, 0U, x, 0U, err))) {
    return st;
  }
  if (feed.first == FEED_HELD) {
    /* A held gate: a Math node giving 1 (0 scaled, offset 1). */
    AetherHandle one;
    if ((st = add_node(g, "Math", "one", &one, err)) ||
        (st = set_param(g, one, "op", 2.0f, err)) ||
        (st = set_param(g, one, "scale", 0.0f, err)) ||
        (st = set_param(g, one, "offset", 1.0f, err)) ||
        (st = aether_graph_connect(g, one, 0U, x, 0U, err))) {
      return st;
    }
  }
  if (feed.right && (st = aether_graph_connect(g, in, 1U, x, 1U, err))) {
    return st;
  }
  if (type->n_outputs) {
    st = aether_graph_connect(g, x, 0U, out, 0U, err);
  }
  return st;
}

typedef struct {
  /* Inputs and outputs together: signal (left, right), held gate, then
     the node's outputs. */
  _Alignas(AETHER_ALIGN) float bufs[3 + AETHER_MAX_OUTPUTS][BLOCK];
  Kernel kernel;
} KernelRun;

static void
run_kernel(void* const ctx, const uint32_t iters)
{
  const Kernel* const k = &((KernelRun*)ctx)->kernel;
  for (uint32_t i = 0; i < iters; ++i) {
    kernel_run(k, BLOCK);
  }
  sink = k->type->n_outputs ? k->ports.out[0][BLOCK - 1U] : 0.0f;
}

static void
bench_nodes(Bench* const b)
{
  const Options* const o = &b->opt;
  Table* const         t =
    bench_table(b, "nodes", "5. Per node type: one 64-frame block");
  _Alignas(AETHER_ALIGN) float signal[2][BLOCK];
  fill_sine(signal[0], BLOCK, 750.0, 0.9f); /* whole periods in a block */
  fill_sine(signal[1], BLOCK, 1500.0, 0.9f);

  AetherError      err;
  EngineRun* const base = engine_run_new();
  if (!base || build_single(base->graph, NULL, &err) ||
      engine_run_start(base, &err)) {
    b->failed = true;
    engine_run_free(base);
    return;
  }
  memcpy(base->in[0], signal[0], sizeof(signal[0]));
  memcpy(base->in[1], signal[1], sizeof(signal[1]));

  for (uint32_t i = 0; i < aether_registry_count(); ++i) {
    const AetherNodeType* const type = aether_registry_get(i);
    say(o, "nodes: %s", type->name);
    KernelRun* const kr = (KernelRun*)alloc_aligned(sizeof(KernelRun));
    EngineRun* const r  = engine_run_new();
    if (!kr || !r || kernel_init(&kr->kernel, type, kr->bufs[3]) ||
        build_single(r->graph, type, &err) || engine_run_start(r, &err)) {
      b->failed = true;
      free(kr);
      engine_run_free(r);
      break;
    }
    memcpy(kr->bufs[0], signal[0], sizeof(signal[0]));
    memcpy(kr->bufs[1], signal[1], sizeof(signal[1]));
    fill_value(kr->bufs[2], BLOCK, 1.0f);
    const NodeFeed feed = node_feed(type);
    if (feed.first) {
      kr->kernel.ports.in[0] = kr->bufs[feed.first == FEED_AUDIO ? 0 : 2];
      kr->kernel.ports.args.connected |= 1U;
    }
    if (feed.right) {
      kr->kernel.ports.in[1] = kr->bufs[1];
      kr->kernel.ports.args.connected |= 2U;
    }
    memcpy(r->in[0], signal[0], sizeof(signal[0]));
    memcpy(r->in[1], signal[1], sizeof(signal[1]));

    Timer        tk     = { run_kernel, kr, 0U, { 0.0 } };
    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer        t0     = { run_engine_block, base, 0U, { 0.0 } };
    Timer* const all[3] = { &tk, &te, &t0 };
    measure(o, all, 3U);

    double in_engine[MAX_REPS];
    double overhead[MAX_REPS];
    for (uint32_t rep = 0; rep < o->reps; ++rep) {
      in_engine[rep] = te.ns[rep] - t0.ns[rep];
      overhead[rep]  = in_engine[rep] - tk.ns[rep];
    }
    const Stat k   = stat_of(tk.ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "type", "%s", type->name);
    row_stat(row, "kernel_ns", k, 0);
    row_num(row, "kernel_ns_per_frame", k.median / BLOCK, 2);
    row_stat(row, "in_engine_ns", stat_of(in_engine, o->reps), 0);
    row_stat(row, "engine_overhead_ns", stat_of(overhead, o->reps), 0);
    row_num(row, "deadline_pct", 100.0 * k.median / DEADLINE_NS, 3);
    kernel_free(&kr->kernel);
    free(kr);
    engine_run_free(r);
  }
  engine_run_free(base);
  table_note(t,
             "kernel_ns: the type's process (and write) function called "
             "directly, default parameters, an audio input (in, left, in1, "
             "a) fed a 750 Hz sine at 0.9 (`right` a 1500 Hz one), a gate "
             "or trigger held at 1, modulation inputs unconnected, no MIDI. "
             "The in-engine graph gives the gate from a Math node (also "
             "counted). "
             "in_engine_ns: in -> node -> out through the engine minus in -> "
             "out, measured interleaved: the node's kernel plus what the "
             "engine spends on it; engine_overhead_ns = in_engine - kernel.");
}

/* ------------------------------------------------------------------------
   Output
   ------------------------------------------------------------------------ */

static void
format_val(const Val* const v, char* const buf, const size_t size)
{
  switch (v->kind) {
    case VAL_STAT:
      if (!isfinite(v->stat.median)) {
        snprintf(buf, size, "-");
      } else {
        snprintf(buf,
                 size,
                 "%.*f ±%.*f",
                 v->prec,
                 v->stat.median,
                 v->prec,
                 (v->stat.q3 - v->stat.q1) / 2.0);
      }
      break;
    case VAL_NUM:
      if (!isfinite(v->num)) {
        snprintf(buf, size, "-");
      } else {
        snprintf(buf, size, "%.*f", v->prec, v->num);
      }
      break;
    case VAL_TEXT:
      snprintf(buf, size, "%.*s", (int)sizeof(v->text), v->text);
      break;
  }
}

/* Display width of UTF-8 text (the ± sign is two bytes). */
static size_t
text_width(const char* const s)
{
  size_t w = 0;
  for (const char* c = s; *c; ++c) {
    w += ((unsigned char)*c & 0xC0U) != 0x80U;
  }
  return w;
}

static void
print_wrapped(const char* const text, const size_t width)
{
  const char* s = text;
  while (*s) {
    size_t len = strlen(s);
    if (len > width) {
      len = width;
      while (len && s[len] != ' ') {
        --len;
      }
      if (!len) {
        len = width;
      }
    }
    printf("  %.*s\n", (int)len, s);
    s += len;
    while (*s == ' ') {
      ++s;
    }
  }
}

static const Val*
row_find(const Row* const r, const char* const key)
{
  for (uint32_t c = 0; c < r->n_vals; ++c) {
    if (!strcmp(r->vals[c].key, key)) {
      return &r->vals[c];
    }
  }
  return NULL;
}

/* Columns: every key of every row, in order of first appearance. */
static uint32_t
table_columns(const Table* const t, const char** const keys)
{
  uint32_t n = 0;
  for (uint32_t r = 0; r < t->n_rows; ++r) {
    for (uint32_t c = 0; c < t->rows[r].n_vals; ++c) {
      const char* const key  = t->rows[r].vals[c].key;
      bool              seen = false;
      for (uint32_t k = 0; k < n && !seen; ++k) {
        seen = !strcmp(keys[k], key);
      }
      if (!seen && n < MAX_COLS) {
        keys[n++] = key;
      }
    }
  }
  return n;
}

static void
print_table(const Table* const t)
{
  const char*    keys[MAX_COLS];
  size_t         width[MAX_COLS];
  char           cell[96];
  const uint32_t n_cols = table_columns(t, keys);

  printf("\n%s\n", t->title);
  for (uint32_t c = 0; c < n_cols; ++c) {
    width[c] = strlen(keys[c]);
    for (uint32_t r = 0; r < t->n_rows; ++r) {
      const Val* const v = row_find(&t->rows[r], keys[c]);
      if (v) {
        format_val(v, cell, sizeof(cell));
        width[c] = text_width(cell) > width[c] ? text_width(cell) : width[c];
      }
    }
  }
  for (uint32_t c = 0; c < n_cols; ++c) {
    printf("  %*s", (int)width[c], keys[c]);
  }
  printf("\n");
  for (uint32_t r = 0; r < t->n_rows; ++r) {
    for (uint32_t c = 0; c < n_cols; ++c) {
      const Val* const v = row_find(&t->rows[r], keys[c]);
      snprintf(cell, sizeof(cell), "-");
      if (v) {
        format_val(v, cell, sizeof(cell));
      }
      printf("  %*s%s", (int)(width[c] - text_width(cell)), "", cell);
    }
    printf("\n");
  }
  if (t->note[0]) {
    print_wrapped(t->note, 76U);
  }
}

static void
print_text(const Bench* const b)
{
  printf("Aether bench: %s; %u cores; %s; Linux %s\n",
         b->cpu,
         b->cores,
         b->caches,
         b->kernel);
  printf("Load average %s at the start, %s at the end; clock: %s\n",
         b->load[0],
         b->load[1],
         b->opt.cpu_time ? "thread CPU time" : "monotonic (wall)");
  if (bench_busy(b) && !b->opt.cpu_time) {
    printf("Warning: the machine is busy: wall-clock figures include the "
           "time other processes\ntake the core; --cpu-time counts this "
           "thread's time only.\n");
  }
  printf("%u repetitions of %.1f ms per figure; median ±half the "
         "interquartile range; 64-frame block at 48 kHz = %.0f ns deadline\n",
         b->opt.reps,
         b->opt.sample_ns * 1e-6,
         DEADLINE_NS);
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    print_table(&b->tables[i]);
  }
  if (b->n_targets) {
    printf("\nTargets\n");
    for (uint32_t i = 0; i < b->n_targets; ++i) {
      const Target* const g = &b->targets[i];
      printf("  %-66s %10.3f %-2s (at most %g): %s\n",
             g->name,
             g->value,
             g->unit,
             g->limit,
             !isfinite(g->value)    ? "not measured"
             : g->value <= g->limit ? "met"
                                    : "MISSED");
    }
  }
}

static void
json_string(const char* const s)
{
  putchar('"');
  for (const char* c = s; *c; ++c) {
    if (*c == '"' || *c == '\\') {
      printf("\\%c", *c);
    } else if ((unsigned char)*c < 0x20U) {
      printf("\\u%04x", (unsigned)(unsigned char)*c);
    } else {
      putchar(*c);
    }
  }
  putchar('"');
}

static void
json_number(const double x)
{
  if (isfinite(x)) {
    printf("%.6g", x);
  } else {
    printf("null");
  }
}

static void
json_stat(const Stat* const s)
{
  printf("{\"median\": ");
  json_number(s->median);
  printf(", \"q1\": ");
  json_number(s->q1);
  printf(", \"q3\": ");
  json_number(s->q3);
  printf(", \"min\": ");
  json_number(s->min);
  printf(", \"max\": ");
  json_number(s->max);
  printf("}");
}

static void
print_json(const Bench* const b)
{
  printf("{\n  \"machine\": {\"cpu\": ");
  json_string(b->cpu);
  printf(", \"cores\": %u, \"caches\": ", b->cores);
  json_string(b->caches);
  printf(", \"kernel\": ");
  json_string(b->kernel);
  printf(", \"load_start\": ");
  json_string(b->load[0]);
  printf(", \"load_end\": ");
  json_string(b->load[1]);
  printf(", \"busy\": %s", bench_busy(b) ? "true" : "false");
  printf(
    "},\n  \"settings\": {\"reps\": %u, \"clock\": \"%s\", \"sample_ms\": ",
    b->opt.reps,
    b->opt.cpu_time ? "thread_cputime" : "monotonic");
  json_number(b->opt.sample_ns * 1e-6);
  printf(", \"quick\": %s, \"block\": %u, \"rate\": %g},\n",
         b->opt.quick ? "true" : "false",
         BLOCK,
         RATE);
  printf("  \"deadline_ns\": ");
  json_number(DEADLINE_NS);
  printf(",\n  \"overhead_ns_per_node\": ");
  json_number(b->overhead_ns_per_node);
  printf(",\n  \"chain_1000_us_per_block\": ");
  json_number(b->chain_1000_us_per_block);
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    const Table* const t = &b->tables[i];
    printf(",\n  ");
    json_string(t->key);
    printf(": [");
    for (uint32_t r = 0; r < t->n_rows; ++r) {
      const Row* const row = &t->rows[r];
      printf("%s\n    {", r ? "," : "");
      for (uint32_t c = 0; c < row->n_vals; ++c) {
        const Val* const v = &row->vals[c];
        printf("%s", c ? ", " : "");
        json_string(v->key);
        printf(": ");
        if (v->kind == VAL_STAT) {
          json_stat(&v->stat);
        } else if (v->kind == VAL_NUM) {
          json_number(v->num);
        } else {
          json_string(v->text);
        }
      }
      printf("}");
    }
    printf("%s]", t->n_rows ? "\n  " : "");
  }
  printf(",\n  \"notes\": {");
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    printf("%s\n    ", i ? "," : "");
    json_string(b->tables[i].key);
    printf(": ");
    json_string(b->tables[i].note);
  }
  printf("\n  },\n  \"targets\": [");
  for (uint32_t i = 0; i < b->n_targets; ++i) {
    const Target* const g = &b->targets[i];
    printf("%s\n    {\"name\": ", i ? "," : "");
    json_string(g->name);
    printf(", \"unit\": ");
    json_string(g->unit);
    printf(", \"limit\": ");
    json_number(g->limit);
    printf(", \"value\": ");
    json_number(g->value);
    printf(", \"met\": %s}",
           !isfinite(g->value)    ? "null"
           : g->value <= g->limit ? "true"
                                  : "false");
  }
  printf("%s]\n}\n", b->n_targets ? "\n  " : "");
}

/* ------------------------------------------------------------------------
   Machine and command line
   ------------------------------------------------------------------------ */

static void
read_machine(Bench* const b)
{
  snprintf(b->cpu, sizeof(b->cpu), "unknown CPU");
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof(line), f)) {
      const char* const colon = strchr(line, ':');
      if (!strncmp(line, "model name", 10U) && colon) {
        snprintf(b->cpu, sizeof(b->cpu), "%s", colon + 2);
        b->cpu[strcspn(b->cpu, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }

  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  b->cores         = cores > 0 ? (uint32_t)cores : 0U;

  /* Cache sizes of cpu0: "L1d 32K L2 1024K ..." */
  size_t used = 0;
  for (uint32_t i = 0; i < 8U && used < sizeof(b->caches); ++i) {
    char              path[128];
    char              level[16] = "";
    char              type[32]  = "";
    char              size[32]  = "";
    const char* const names[3]  = { "level", "type", "size" };
    char* const       dests[3]  = { level, type, size };
    bool              ok        = true;
    for (uint32_t k = 0; k < 3U && ok; ++k) {
      snprintf(path,
               sizeof(path),
               "/sys/devices/system/cpu/cpu0/cache/index%u/%s",
               i,
               names[k]);
      FILE* const cf = fopen(path, "r");
      ok             = cf && fgets(dests[k], 16, cf);
      if (cf) {
        fclose(cf);
      }
      dests[k][strcspn(dests[k], "\n")] = '\0';
    }
    if (!ok || !strcmp(type, "Instruction")) {
      continue;
    }
    used += (size_t)snprintf(b->caches + used,
                             sizeof(b->caches) - used,
                             "%sL%s%s %s",
                             used ? ", " : "",
                             level,
                             !strcmp(type, "Data") ? "d" : "",
                             size);
  }
  if (!used) {
    snprintf(b->caches, sizeof(b->caches), "caches unknown");
  }

  struct utsname u;
  snprintf(b->kernel, sizeof(b->kernel), "%s", uname(&u) ? "?" : u.release);
}

/* The 1, 5 and 15 minute load averages: how busy the machine was. */
static double
read_load(char* const buf, const size_t size)
{
  FILE* const f = fopen("/proc/loadavg", "r");
  float       l[3];
  double      load1 = NAN;
  if (f && fscanf(f, "%f %f %f", &l[0], &l[1], &l[2]) == 3) {
    snprintf(buf, size, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    load1 = l[0];
  } else {
    snprintf(buf, size, "unknown");
  }
  if (f) {
    fclose(f);
  }
  return load1;
}

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
          "patches and\n"
          "                   voices, 3 edits, 4 plugin, 5 node types "
          "(default: all)\n"
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

static int
compare_names(const void* const a, const void* const b)
{
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

/* Example patches: every *.ttl in `dir`, in name order. */
static void
read_patch_dir(const char* const dir, PatchSet* const ps)
{
  DIR* const d = opendir(dir);
  if (!d) {
    return;
  }
  char*    names[MAX_PATCHES];
  uint32_t n = 0;
  for (const struct dirent* e = NULL; (e = readdir(d)) && n < MAX_PATCHES;) {
    const size_t len = strlen(e->d_name);
    if (len > 4U && !strcmp(e->d_name + len - 4U, ".ttl") &&
        (names[n] = strdup(e->d_name))) {
      ++n;
    }
  }
  closedir(d);
  qsort(names, n, sizeof(char*), compare_names);

  for (uint32_t i = 0; i < n; ++i) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    char* const text = read_text(path);
    if (text && ps->n_patches < MAX_PATCHES) {
      PatchText* const pt = &ps->patches[ps->n_patches++];
      snprintf(pt->label, sizeof(pt->label), "%s", names[i]);
      pt->text = text;
    } else {
      free(text);
    }
    free(names[i]);
  }
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
  b->load1 = read_load(b->load[0], sizeof(b->load[0]));

  /* Baselines run with the flush-to-zero mode the engine uses. */
  const uint64_t                      fpmode = aether_fpmode_enter();
  static _Alignas(AETHER_ALIGN) float host_in[2][BLOCK];
  static _Alignas(AETHER_ALIGN) float host_out[2][BLOCK];
  fill_noise(host_in[0], BLOCK, 1U);
  fill_noise(host_in[1], BLOCK, 2U);
  kernel_ctx.rate        = RATE;
  kernel_ctx.host_in[0]  = host_in[0];
  kernel_ctx.host_in[1]  = host_in[1];
  kernel_ctx.host_out[0] = host_out[0];
  kernel_ctx.host_out[1] = host_out[1];

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
    bench_patches(b, &ps);
    bench_voices(b);
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
  for (uint32_t i = 0; i < host_n_uris; ++i) {
    free(host_uris[i]);
  }
  host_n_uris      = 0;
  const int result = b->failed ? 1 : 0;
  free(b);
  return result;
}
