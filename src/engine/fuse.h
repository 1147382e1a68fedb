/* Aether: run a chain of scaling nodes (gains) as one step. */

#ifndef AETHER_FUSE_H
#define AETHER_FUSE_H

#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>

/** True if step `k + 1` continues a fusable chain from step `k`: both are
    the process step of an AETHER_NODE_SCALE node with only its first input
    connected, and step `k + 1` is the only reader (`readers[k]`, from the
    graph) of step `k`'s output. */
bool
aether_fuse_links(const AetherSchedule* sch,
                  const uint32_t*       readers,
                  uint32_t              k);

/** Replace every chain of at least two linked steps of `sch` by one step
    running aether_fused_scale(), compacting the step arrays. Return the new
    number of steps (`n_steps` if nothing was fused, or if memory ran out:
    the schedule then runs unfused, with the same output). Off the audio
    thread. */
uint32_t
aether_fuse_scale_chains(AetherSchedule* sch,
                         const uint32_t* readers,
                         uint32_t        n_steps);

/** The fused step: the input times each member's gain, in order. */
void
aether_fused_scale(void* self, const AetherProcessArgs* args, uint32_t n);

#endif /* AETHER_FUSE_H */
