/* bench_scheduler.c: section 1 of `aether bench`, the scheduler's
   overhead: chains and random DAGs of trivial nodes through the engine,
   against their kernels called in a loop and hand-written loops. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_kernel.h"
#include "bench_report.h"
#include "bench_sections.h"
#include "bench_signal.h"

#include "../src/engine/engine.h"
#include "../src/nodes/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        (st = connect_ports(g, prev, k ? "out" : "left", h, "in", err))) {
      return st;
    }
    prev = h;
  }
  return connect_ports(g, prev, n ? "out" : "left", out, "left", err);
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

#define DAG_RING 32U /* > DAG_WINDOW + 1: the fused loop's buffers */

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

void
bench_scheduler(Bench* const b)
{
  static const uint32_t sizes[] = { 1U, 10U, 100U, 1000U, 10000U };
  const Options* const  o       = &b->opt;
  Table* const          t       = bench_table(
    b, "scheduler", "1. Scheduler overhead: N trivial nodes, 64-frame block");
  double dag_10000_ratio = NAN;

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
      if (dag && n == 10000U) {
        dag_10000_ratio = stat_ratio(te.ns, tf.ns, o->reps).median;
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
  bench_target_key(b,
                   "dag10000_vs_fused",
                   "10000-node Mixer DAG against the hand-fused loop",
                   "x",
                   2.0,
                   dag_10000_ratio);

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
