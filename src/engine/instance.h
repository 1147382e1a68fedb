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

/** A block holding the parameter tables (`param_ptr`) of instances first
    compiled together, packed in the order the audio thread runs them, and
    one buffer per distinct value their parameters rested at then. Freed
    with the last of its instances. */
typedef struct AetherParamSlabImpl AetherParamSlab;

typedef struct {
  const AetherNodeType* type; /**< what it is */
  void*                 self; /**< type state, AETHER_ALIGN aligned */
  float*                buf;  /**< n_params * AETHER_BUFFER_SIZE values */
  /** What the node reads for each parameter (AetherProcessArgs.param):
      its own buffer in `buf`, or, while it rests at the value it had when
      first compiled, a shared buffer of its slab holding that value, so a
      large graph at rest reads a few hot buffers instead of a line per
      parameter per node. NULL until the instance is first compiled; the
      table never moves after that, its entries turn to `buf` when the
      parameter changes. */
  const float**    param_ptr;
  AetherParamSlab* slab;       /**< where `param_ptr` lives */
  uint64_t         serial;     /**< unique per engine, never reused */
  uint32_t         slot;       /**< graph handle index */
  uint32_t         generation; /**< graph handle generation */
  char             name[AETHER_MAX_NAME]; /**< for lookups by name */

  /* What the audio thread writes, from a cache line of its own: the
     compiler reads the fields above while the audio thread runs. */
  _Alignas(AETHER_ALIGN) uint32_t active; /**< params whose buffer to fill */
  uint32_t    moving;                     /**< params varying in this block */
  bool        fresh;                      /**< never processed yet */
  AetherParam params[AETHER_MAX_PARAMS];  /**< running values */
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

/** Give each of the `n` instances `insts`, which the audio thread has never
    run and which have no parameter table yet, its table (`param_ptr`),
    packed in one slab in the given order (the order they run in), each
    resting parameter pointing at the slab's buffer of its value. Off the
    audio thread. */
AetherStatus
aether_instance_bind(AetherInstance* const* insts, uint32_t n);

/** Stop every parameter glide at its target and mark every parameter
    buffer for a refill (a reset). Real-time safe. */
void
aether_instance_snap(AetherInstance* inst);

/** Set parameter `i` from the next frame (ramped unless `jump`). Return
    true if its buffer must be filled again (the instance is active; the
    node reads its own buffer from then on), false if the parameter already
    rests at `value`. */
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
