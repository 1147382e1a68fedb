/* Aether: node instances (created and freed off the audio thread). */

#include "instance.h"

#include <math.h>
#include <stdio.h>
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
aether_instance_name(AetherInstance* const inst,
                     const char* const     name,
                     const uint32_t        voice)
{
  snprintf(inst->name, sizeof(inst->name), "%s", name);

  uint32_t h = 2166136261U; /* FNV-1a of the name, then the voice */
  for (const char* c = name; *c; ++c) {
    h = (h ^ (uint8_t)*c) * 16777619U;
  }
  h = (h ^ (voice + 1U)) * 16777619U;
  h ^= h >> 15U;
  h *= 2246822519U;
  h ^= h >> 13U;

  if (inst->type->seed) {
    inst->type->seed(inst->self, h ? h : 1U);
    if (inst->type->reset) {
      inst->type->reset(inst->self);
    }
  }
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

bool
aether_instance_set_param(AetherInstance* const inst,
                          const uint32_t        i,
                          const float           value,
                          const bool            jump)
{
  AetherParam* const p = &inst->params[i];
  if (!((inst->active >> i) & 1U) && !aether_param_ramping(p) &&
      p->value == value) {
    return false; /* its buffer already holds `value` */
  }
  aether_param_set(p, value, jump);
  inst->active |= 1U << i;
  return true;
}
