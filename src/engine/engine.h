/* Aether engine: the one header the plugin, tools and tests include.

   Two sides share an engine:
   - the control side (one thread at a time: the LV2 worker, a tool's main
     thread) edits the graph and commits: the graph is compiled into a new
     immutable schedule which travels to the audio thread through an SPSC
     ring; retired schedules and removed nodes come back to be freed by
     aether_engine_collect();
   - the audio thread calls the `_rt` functions and aether_engine_process(),
     which never allocate, lock, wait or print. */

#ifndef AETHER_ENGINE_H
#define AETHER_ENGINE_H

#include "constants.h"
#include "graph.h"
#include "node.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct AetherEngineImpl AetherEngine;

/** Declick fade length in frames when an edit changes the path to the
    output: the old output fades out, the new one fades in. */
#define AETHER_DECLICK_FRAMES 64

/** Counters the audio thread publishes (read them from any thread). */
typedef struct {
  uint64_t frames;        /**< frames processed */
  uint32_t swaps;         /**< schedules swapped in */
  uint32_t commands;      /**< commands applied */
  uint32_t blowups;       /**< sub-blocks whose output was not finite or
                               beyond +60 dBFS (|x| > 1000) */
  uint32_t dropped_notes; /**< param notifications lost (return ring full) */
} AetherEngineStats;

/** Create an engine for sample rate `rate` (8000 .. 768000 Hz), with every
    buffer it will ever use: arena, buffer pool, rings. NULL on failure. */
AetherEngine*
aether_engine_new(double rate);

/** Free the engine, its graph, every schedule and node. No thread may be in
    the engine any more. */
void
aether_engine_free(AetherEngine* engine);

/** The engine's graph, to edit from the control side. */
AetherGraph*
aether_engine_graph(AetherEngine* engine);

/** Control side: compile the graph and send the schedule to the audio
    thread. When the audio thread has not taken enough of the schedules sent
    before (AETHER_MAX_IN_FLIGHT, e.g. the host has the plugin deactivated),
    the schedule is parked on this side and sent by a later collect(); a
    later commit replaces a parked schedule (the newest commit wins), so a
    commit never fails for want of room. On error (cycle, pool exhausted,
    out of memory) nothing changes and the running schedule keeps playing. */
AetherStatus
aether_engine_commit(AetherEngine* engine, AetherError* err);

/** Control side: set a parameter on the graph and, when the node is running,
    send the change to the audio thread now (ramped by its smoothing). */
AetherStatus
aether_engine_set_param(AetherEngine* engine,
                        AetherHandle  node,
                        uint32_t      param,
                        float         value,
                        AetherError*  err);

/** Control side: run chains of scaling nodes (gains) as one step, the
    default, or node by node. The output is bit-identical either way: for
    benchmarks and tests. Takes effect at the next commit. */
void
aether_engine_set_fusion(AetherEngine* engine, bool on);

/** Control side: mute or unmute the output (declicked). */
AetherStatus
aether_engine_set_mute(AetherEngine* engine, bool mute);

/** Control side: take back what the audio thread has finished with (old
    schedules, removed nodes) and free it; bring parameter changes made on
    the audio thread (aether_engine_set_param_rt(), MIDI controller
    mappings) into the graph; send a parked schedule if there is room now.
    Returns the number of items taken. */
uint32_t
aether_engine_collect(AetherEngine* engine);

/** Control side: number of schedules sent and not yet collected. */
uint32_t
aether_engine_n_in_flight(const AetherEngine* engine);

/** Audio thread: process `n` (0 .. AETHER_BUFFER_SIZE) frames. `in` may hold
    NULL channels (silence); `out` channels are overwritten. Drains at most
    AETHER_MAX_COMMANDS_PER_TICK commands first. Denormals are flushed during
    the call and the caller's floating point mode restored. */
void
aether_engine_process(AetherEngine*      engine,
                      const float* const in[2],
                      float* const       out[2],
                      uint32_t           n);

/** Audio thread: set host macro `index` (0 .. 7) to `value` (clamped 0 .. 1)
    from the next processed frame; mapped parameters follow. */
void
aether_engine_set_macro_rt(AetherEngine* engine, uint32_t index, float value);

/** Audio thread: MIDI events delivered to nodes at the start of the next
    process() call. Events beyond AETHER_MAX_MIDI_EVENTS are dropped. */
void
aether_engine_push_midi_rt(AetherEngine*  engine,
                           const uint8_t* data,
                           uint32_t       size);

/** Audio thread: set parameter `param_name` of the node called `node_name`
    in the running schedule, from the next processed frame (ramped by its
    smoothing). Bounded work (binary search). The control side's graph learns
    the value at its next collect(). */
AetherStatus
aether_engine_set_param_rt(AetherEngine* engine,
                           const char*   node_name,
                           const char*   param_name,
                           float         value);

/** Audio thread: true if the control side has something to collect (an
    old schedule, a parameter change): time to wake the worker. */
bool
aether_engine_wants_collect_rt(const AetherEngine* engine);

/** Audio thread: the descriptor of parameter `param_name` of the node called
    `node_name` in the running schedule, or NULL (a binary search). */
const AetherParamDesc*
aether_engine_param_desc_rt(const AetherEngine* engine,
                            const char*         node_name,
                            const char*         param_name);

/** Audio thread, never concurrent with process() (the plugin's
    activate()): start over as a fresh engine given the same graph would.
    Every command waiting is taken now: parameter changes applied, the
    newest schedule installed at once (the others go back to collect()).
    Every node's memory is reset (filters, delay lines, envelopes, phases,
    random generators back to their seed), every voice freed and every
    note, pedal, queued MIDI event and controller value forgotten,
    parameters snapped to their targets, the declick and edit ramps settled
    and the frame count back to 0. The patch, its parameters, the macros,
    the mappings, the voice count and the mute are kept. After it, the
    output depends only on what comes after it. Not bounded by the sub-block
    budget: it clears every delay line. */
void
aether_engine_reset_rt(AetherEngine* engine);

/** Audio thread: true when every schedule committed so far (parked ones
    too) has been swapped in, no swap waits for its fade-out and no command
    waits behind one: a parameter set on the audio thread now reaches the
    newest graph. */
bool
aether_engine_settled_rt(const AetherEngine* engine);

/** Copy the counters (any thread; values may be one block old). */
void
aether_engine_stats(const AetherEngine* engine, AetherEngineStats* stats);

#endif /* AETHER_ENGINE_H */
