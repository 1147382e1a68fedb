/* Aether: a compiled schedule: the flat, immutable program the audio thread
   runs. Built entirely on the control side; swapped in O(1). */

#ifndef AETHER_SCHEDULE_H
#define AETHER_SCHEDULE_H

#include "buffer_pool.h"
#include "graph_impl.h"
#include "instance.h"
#include "node.h"
#include "vgroup.h"

#include <stdbool.h>
#include <stdint.h>

typedef void (*AetherProcessFunc)(void*, const AetherProcessArgs*, uint32_t);

/** One call: a node function with every pointer resolved: 64 bytes, read
    in order, so a long schedule streams through the cache. */
typedef struct {
  AetherProcessFunc func; /**< type's process or write, or a voice sum */
  void*             self; /**< what func works on (the instance's state) */
  AetherProcessArgs args; /**< resolved buffers */
} AetherStep;

/** The inputs of a voice sum step: a shared node reading a per-voice
    output reads the sum of its voices. */
typedef struct {
  uint32_t     n;                     /**< voices */
  const float* in[AETHER_MAX_VOICES]; /**< each voice's buffer */
} AetherVoiceSum;

/** A range of `nodes`: every instance of one graph node (one per voice). */
typedef struct {
  uint32_t first;
  uint32_t count;
} AetherInstanceRange;

/** A macro mapping resolved to instances. */
typedef struct {
  AetherInstanceRange insts;
  uint32_t            macro;   /**< host macro, or the MIDI controller */
  uint32_t            channel; /**< MIDI channel 1 .. 16, 0: all (MIDI) */
  uint32_t            param;
  float               min;
  float               max;
  AetherCurve         curve;
} AetherScheduleMap;

/** A parameter change that takes effect when the schedule is swapped in. */
typedef struct {
  AetherInstance* inst;
  uint32_t        param;
  float           value;
} AetherScheduleUpdate;

/** A name lookup entry (sorted by name) for real-time edits. */
typedef struct {
  const char*         name;  /**< points into the first instance */
  AetherInstanceRange insts; /**< the node's instances */
} AetherScheduleName;

/** An input of a step whose source an edit changed: ramped through zero
    across the declick, so a node that stores its input (a delay, a reverb)
    does not keep a step to play back later. */
typedef struct {
  uint32_t step;  /**< step index */
  uint32_t input; /**< input index */
} AetherRamp;

/** A member of a fused chain of scaling nodes (see fuse.h). */
typedef struct {
  AetherInstance* inst; /**< whose moving mask says if the gain glides */
  /** Its parameter table (instance.h): param[0][..] is the gain. Read
      through the table, as the entry changes when the gain does. */
  const float* const* param;
  uint64_t            key; /**< the source of its input (see src_keys) */
} AetherFusedMember;

/** A chain of scaling nodes run as one step. */
typedef struct {
  AetherFusedMember* members;
  uint32_t           n;
} AetherFused;

/** What a step is for its instance (`step_first`). */
typedef enum {
  AETHER_STEP_FOLLOW = 0, /**< a later step of its instance (or a sum) */
  AETHER_STEP_FIRST  = 1, /**< its instance's first: ticks its parameters */
  AETHER_STEP_FUSED  = 2, /**< a fused chain: ticks every member's */
} AetherStepRole;

typedef struct AetherScheduleImpl AetherSchedule;

struct AetherScheduleImpl {
  AetherStep*           steps;      /**< in execution order */
  AetherInstance**      step_inst;  /**< per step: its instance (or dummy) */
  uint8_t*              step_first; /**< per step: AetherStepRole */
  float**               ptrs;       /**< the steps' buffer pointers */
  uint32_t              n_steps;
  AetherInstance**      nodes;   /**< every instance, a node's together */
  uint32_t              n_nodes; /**< instances */
  AetherScheduleName*   names;   /**< sorted by name, one per node */
  uint32_t              n_names;
  AetherScheduleMap*    maps; /**< macro mappings */
  uint32_t              n_maps;
  AetherScheduleMap*    cc_maps; /**< MIDI controller mappings */
  uint32_t              n_cc_maps;
  AetherScheduleUpdate* updates; /**< changes to running nodes, at swap */
  uint32_t              n_updates;
  AetherVoiceSum*       sums; /**< inputs of voice sum steps */
  uint32_t              n_sums;
  AetherInstance        dummy;      /**< the instance of voice sum steps */
  uint32_t              voices;     /**< of the per-voice part */
  bool                  has_poly;   /**< some node runs per voice */
  uint32_t              n_buffers;  /**< pool buffers used at once */
  uint32_t              n_feedback; /**< delay nodes closing loops */
  uint64_t              signature;  /**< of the sub-graph feeding outputs */
  AetherInstance**      dead;       /**< freed with this schedule (control) */
  uint32_t              n_dead;
  uint64_t*             src_keys;  /**< per step and input: source, 0: none */
  const AetherSchedule* ramp_prev; /**< the schedule `ramp_out` refers to */
  AetherRamp*           ramp_out;  /**< inputs of ramp_prev to fade out */
  uint32_t              n_ramp_out;
  AetherRamp*           ramp_in; /**< inputs of this one to fade in */
  uint32_t              n_ramp_in;
  AetherFused*          fused; /**< fused chains (steps point at them) */
  uint32_t              n_fused;
  AetherFusedMember*    fused_members;
  AetherVoiceGroup*     vgroups; /**< voices run together (vgroup.h) */
  AetherVoiceMember*    vmembers;
  AetherVoiceRamp*      vramps;
  float*                vramp_floats;
  uint32_t              n_vgroups;
};

/** Compile `graph` into a new schedule whose buffers come from `pool` and
    whose nodes see `ctx`, fusing chains of scaling nodes if `fuse`. Every
    instance must exist (the engine makes the voice instances first). Off
    the audio thread. */
AetherStatus
aether_schedule_compile(AetherGraph*         graph,
                        AetherBufferPool*    pool,
                        const AetherContext* ctx,
                        bool                 fuse,
                        AetherSchedule**     out,
                        AetherError*         err);

/** Free a schedule and the instances in its dead list. Off the audio
    thread, only once the audio thread has finished with it. */
void
aether_schedule_free(AetherSchedule* schedule);

/** Compare `next` with `prev`, the schedule it will replace, and list the
    inputs of the instances they share whose source changed: the ones to
    fade out in `prev` and to fade in in `next`, with the stored inputs
    (AetherNodeType.stored) of the instances new in `next`. Off the audio
    thread. */
AetherStatus
aether_schedule_find_ramps(const AetherSchedule* prev, AetherSchedule* next);

/** Find a node by name with a binary search (real-time safe). */
const AetherScheduleName*
aether_schedule_find(const AetherSchedule* schedule, const char* name);

/** The instance of voice `v` of graph node `n` (voice 0: the node's own). */
static inline AetherInstance*
aether_graph_node_voice(const GraphNode* const n, const uint32_t v)
{
  return v ? n->voice_inst[v] : n->inst;
}

#endif /* AETHER_SCHEDULE_H */
