/* Aether: a compiled schedule: the flat, immutable program the audio thread
   runs. Built entirely on the control side; swapped in O(1). */

#ifndef AETHER_SCHEDULE_H
#define AETHER_SCHEDULE_H

#include "buffer_pool.h"
#include "graph_impl.h"
#include "instance.h"
#include "node.h"

#include <stdbool.h>
#include <stdint.h>

typedef void (*AetherProcessFunc)(void*, const AetherProcessArgs*, uint32_t);

/** One call: a node function with every pointer resolved. */
typedef struct {
  AetherProcessFunc func;  /**< type's process or write */
  AetherInstance*   inst;  /**< node instance */
  bool              first; /**< first step of this node: ticks parameters */
  AetherProcessArgs args;  /**< resolved buffers */
} AetherStep;

/** A macro mapping resolved to an instance. */
typedef struct {
  AetherInstance* inst;
  uint32_t        macro;
  uint32_t        param;
  float           min;
  float           max;
  AetherCurve     curve;
} AetherScheduleMap;

/** A parameter change that takes effect when the schedule is swapped in. */
typedef struct {
  AetherInstance* inst;
  uint32_t        param;
  float           value;
} AetherScheduleUpdate;

/** A name lookup entry (sorted by name) for real-time edits. */
typedef struct {
  const char*     name; /**< points into the instance */
  AetherInstance* inst;
} AetherScheduleName;

typedef struct AetherScheduleImpl AetherSchedule;

struct AetherScheduleImpl {
  AetherStep*           steps; /**< in execution order */
  uint32_t              n_steps;
  AetherInstance**      nodes; /**< each instance once */
  uint32_t              n_nodes;
  AetherScheduleName*   names; /**< sorted by name */
  AetherScheduleMap*    maps;  /**< macro mappings */
  uint32_t              n_maps;
  AetherScheduleUpdate* updates; /**< changes to running nodes, at swap */
  uint32_t              n_updates;
  uint32_t              n_buffers;  /**< pool buffers used at once */
  uint32_t              n_feedback; /**< delay nodes closing loops */
  uint64_t              signature;  /**< of the sub-graph feeding the output */
  AetherInstance**      dead;       /**< freed with this schedule (control) */
  uint32_t              n_dead;
};

/** Compile `graph` into a new schedule whose buffers come from `pool` and
    whose nodes see `ctx`. Off the audio thread. */
AetherStatus
aether_schedule_compile(AetherGraph*         graph,
                        AetherBufferPool*    pool,
                        const AetherContext* ctx,
                        AetherSchedule**     out,
                        AetherError*         err);

/** Free a schedule and the instances in its dead list. Off the audio
    thread, only once the audio thread has finished with it. */
void
aether_schedule_free(AetherSchedule* schedule);

/** Find a node by name with a binary search (real-time safe). */
AetherInstance*
aether_schedule_find(const AetherSchedule* schedule, const char* name);

#endif /* AETHER_SCHEDULE_H */
