/* Aether: node instances (created and freed off the audio thread). */

#include "instance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t
round_up(const size_t n)
{
  return (n + (AETHER_ALIGN - 1U)) & ~(size_t)(AETHER_ALIGN - 1U);
}

AetherStatus
aether_instance_new(const AetherNodeType* const type,
                    const double                rate,
                    const uint64_t              serial,
                    AetherInstance** const      out)
{
  /* One block: header, parameter buffers, then the type's state. */
  const size_t head = round_up(sizeof(AetherInstance));
  const size_t bufs =
    round_up(type->n_params * AETHER_BUFFER_SIZE * sizeof(float));
  const size_t   state = round_up(type->size ? type->size : 1U);
  uint8_t* const mem =
    (uint8_t*)aligned_alloc(AETHER_ALIGN, head + bufs + state);
  if (!mem) {
    return AETHER_ERR_NO_MEMORY;
  }
  memset(mem, 0, head + bufs + state);

  AetherInstance* const inst = (AetherInstance*)mem;
  inst->type                 = type;
  inst->buf                  = (float*)(mem + head);
  inst->self                 = mem + head + bufs;
  inst->serial               = serial;
  inst->fresh                = true;

  AetherStatus st = AETHER_SUCCESS;
  if (type->init && (st = type->init(inst->self, rate))) {
    free(mem);
    return st;
  }
  if (type->reset) {
    type->reset(inst->self);
  }
  for (uint32_t i = 0; i < type->n_params; ++i) {
    const AetherParamDesc* const desc = &type->params[i];
    const uint32_t ramp = (uint32_t)lrint((double)desc->smooth * rate);
    aether_param_init(&inst->params[i], desc->def, ramp);
  }
  inst->active =
    type->n_params ? (uint32_t)((1ULL << type->n_params) - 1U) : 0U;
  *out = inst;
  return AETHER_SUCCESS;
}

void
aether_instance_free(AetherInstance* const inst)
{
  if (inst) {
    if (inst->type->cleanup) {
      inst->type->cleanup(inst->self);
    }
    free(inst);
  }
}

void
aether_instance_set_param(AetherInstance* const inst,
                          const uint32_t        i,
                          const float           value,
                          const bool            jump)
{
  aether_param_set(&inst->params[i], value, jump);
  inst->active |= 1U << i;
}
