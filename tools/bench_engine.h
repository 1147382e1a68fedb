/* bench_engine.h: the engine as `aether bench` times it: an engine with its
   host buffers (EngineRun), the functions timers run on it, and the graphs
   several sections build: nodes by name, the random DAG, a patch text. */

#ifndef AETHER_TOOLS_BENCH_ENGINE_H
#define AETHER_TOOLS_BENCH_ENGINE_H

#include "bench_core.h"

#include "../src/engine/engine.h"

#include <stdint.h>

/** A random DAG with locality, like a real patch: node k mixes node k - 1
    (in1) and a random node among the 15 before that (in2) at gains 0.5. */
#define DAG_WINDOW 15U

/** The note engine_notes() plays first: A3, 220 Hz, the pitch of the
    hand-written voices too. */
#define VOICE_NOTE 57U /* A3: 220 Hz */

/** An engine with its host buffers, timed one sub-block per iteration. */
typedef struct {
  _Alignas(AETHER_ALIGN) float in[2][HOST_FRAMES];
  _Alignas(AETHER_ALIGN) float out[2][HOST_FRAMES];
  AetherEngine* engine;
  AetherGraph*  graph;
  uint32_t      block; /**< frames per call (host block size) */
} EngineRun;

/** An engine at RATE, its graph empty, stereo noise in, BLOCK frames per
    call; NULL if out of memory. */
EngineRun*
engine_run_new(void);

/** Free the engine and `r` (NULL is allowed). */
void
engine_run_free(EngineRun* r);

/** Commit the graph and let the audio side swap it in. */
AetherStatus
engine_run_start(EngineRun* r, AetherError* err);

/** One block of BLOCK frames. */
static inline void
engine_block(EngineRun* const r)
{
  const float* const in[2]  = { r->in[0], r->in[1] };
  float* const       out[2] = { r->out[0], r->out[1] };
  aether_engine_process(r->engine, in, out, BLOCK);
}

/** Run `blocks` blocks, then collect what the audio side handed back. */
void
engine_warm(EngineRun* r, uint32_t blocks);

/** A RunFunc: one block per iteration (`ctx`: an EngineRun). */
void
run_engine_block(void* ctx, uint32_t iters);

/** A RunFunc: HOST_FRAMES frames per iteration in calls of r->block frames
    (at most BLOCK each) (`ctx`: an EngineRun). */
void
run_engine_host(void* ctx, uint32_t iters);

/** Play `n` notes from VOICE_NOTE down, held. */
void
engine_notes(EngineRun* r, uint32_t n);

/** Add a node of the type named `type`. */
AetherStatus
add_node(AetherGraph*  g,
         const char*   type,
         const char*   name,
         AetherHandle* h,
         AetherError*  err);

/** Set the parameter named `param` of node `h`. */
AetherStatus
set_param(AetherGraph* g,
          AetherHandle h,
          const char*  param,
          float        value,
          AetherError* err);

/** Connect output `output` of `src` to input `input` of `dst`, by name. */
AetherStatus
connect_ports(AetherGraph* g,
              AetherHandle src,
              const char*  output,
              AetherHandle dst,
              const char*  input,
              AetherError* err);

/** The second input of DAG node k: a node index, or negative for the
    graph's input (`seed`: the DAG's generator). */
int32_t
dag_second(uint32_t k, uint32_t* seed);

/** The random DAG (see DAG_WINDOW) of `n` Mixer nodes, seeded, between
    AudioIn and AudioOut. */
AetherStatus
build_dag(AetherGraph* g, uint32_t n, AetherError* err);

/** An engine playing patch `text`, started, a note held and warmed up to
    its sustain (WARM_BLOCKS); NULL on error, told in `err`. */
EngineRun*
patch_engine(const char* text, const char* label, AetherError* err);

/** The plugin's default synth (ttl/defaults/synth.ttl) as a host plays it:
    `voices` voices (ae:voices), every host macro at the plugin's port
    default 0.5 (set before the first block, so the mapped parameters start
    there), `notes` notes held from VOICE_NOTE down and warmed up to their
    sustain; NULL on error, told in `err`. */
EngineRun*
default_synth_engine(uint32_t voices, uint32_t notes, AetherError* err);

#endif /* AETHER_TOOLS_BENCH_ENGINE_H */
