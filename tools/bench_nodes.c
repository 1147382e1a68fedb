/* bench_nodes.c: section 5 of `aether bench`: every node type's kernel
   called directly, and the same node alone in the engine. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_kernel.h"
#include "bench_report.h"
#include "bench_sections.h"
#include "bench_signal.h"

#include "../src/engine/engine.h"
#include "../src/nodes/registry.h"

#include <stdlib.h>
#include <string.h>

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
    return connect_ports(g, in, "left", out, "left", err);
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

void
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
