/* Aether: a node instance: a type, its DSP state and its running parameters.
   Created and destroyed on the control side; processed on the audio thread;
   the same instance survives edits (state continuity). */

#ifndef AETHER_INSTANCE_H
#define AETHER_INSTANCE_H

#include "constants.h"
#include "node.h"
#include "param.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  const AetherNodeType* type;       /**< what it is */
  void*                 self;       /**< type state, AETHER_ALIGN aligned */
  float*                buf;        /**< n_params * AETHER_BUFFER_SIZE values */
  uint64_t              serial;     /**< unique per engine, never reused */
  uint32_t              active;     /**< params whose buffer must be filled */
  uint32_t              moving;     /**< params varying in this block */
  uint32_t              slot;       /**< graph handle index */
  uint32_t              generation; /**< graph handle generation */
  bool                  fresh;      /**< never processed yet */
  char                  name[AETHER_MAX_NAME];     /**< for lookups by name */
  AetherParam           params[AETHER_MAX_PARAMS]; /**< running values */
} AetherInstance;

/** Create, init and reset an instance of `type` at `rate`, with every
    parameter at its default. Off the audio thread. */
AetherStatus
aether_instance_new(const AetherNodeType* type,
                    double                rate,
                    uint64_t              serial,
                    AetherInstance**      out);

/** Name an instance (node `name`, voice `voice`) and seed its random
    generators from that, then reset it: a patch sounds the same on every
    load. Off the audio thread. */
void
aether_instance_name(AetherInstance* inst, const char* name, uint32_t voice);

/** Clean up and free an instance. Off the audio thread. */
void
aether_instance_free(AetherInstance* inst);

/** Set parameter `i` from the next frame (ramped unless `jump`). Return
    true if its buffer must be filled again (the instance is active), false
    if the parameter already rests at `value`. */
bool
aether_instance_set_param(AetherInstance* inst,
                          uint32_t        i,
                          float           value,
                          bool            jump);

/** Audio thread (or the control side, for an instance the audio thread has
    not seen yet): bring parameter buffers up to date for `n` frames and
    compute the moving mask. */
static inline void
aether_instance_tick(AetherInstance* const inst, const uint32_t n)
{
  uint32_t moving = 0;
  uint32_t active = inst->active;
  while (active) {
    const uint32_t i = (uint32_t)__builtin_ctz(active);
    active &= active - 1U;
    if (aether_param_fill(
          &inst->params[i], inst->buf + (size_t)i * AETHER_BUFFER_SIZE, n)) {
      moving |= 1U << i;
    } else {
      inst->active &= ~(1U << i); /* buffer now constant: leave it alone */
    }
  }
  inst->moving = moving;
}

#endif /* AETHER_INSTANCE_H */
