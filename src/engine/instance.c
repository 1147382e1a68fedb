/* Aether: node instances (created and freed off the audio thread). */

#include "instance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct AetherParamSlabImpl {
  uint32_t users; /**< instances whose table is in the slab */
};

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
    if (inst->slab && !--inst->slab->users) {
      free(inst->slab);
    }
    free(inst);
  }
}

/* Parameter i's own buffer. */
static inline float*
own_buffer(const AetherInstance* const inst, const uint32_t i)
{
  return inst->buf + (size_t)i * AETHER_BUFFER_SIZE;
}

/* True if parameter i rests at its value with its buffer filled: what a
   shared buffer of that value can stand in for. */
static inline bool
resting(const AetherInstance* const inst, const uint32_t i)
{
  return !((inst->active >> i) & 1U) && !aether_param_ramping(&inst->params[i]);
}

static inline uint32_t
float_bits(const float x)
{
  uint32_t bits = 0;
  memcpy(&bits, &x, sizeof(bits));
  return bits;
}

/* Index of `bits` in the open-addressing table `keys` / `index` (`mask` + 1
   entries, UINT32_MAX: empty), added as number `*n` if new. */
static uint32_t
value_index(uint32_t* const keys,
            uint32_t* const index,
            const uint32_t  mask,
            const uint32_t  bits,
            uint32_t* const n)
{
  uint32_t h = (bits * 2654435761U) & mask;
  while (index[h] != UINT32_MAX && keys[h] != bits) {
    h = (h + 1U) & mask;
  }
  if (index[h] == UINT32_MAX) {
    keys[h]  = bits;
    index[h] = (*n)++;
  }
  return index[h];
}

AetherStatus
aether_instance_bind(AetherInstance* const* const insts, const uint32_t n)
{
  size_t n_ptrs = 0;
  for (uint32_t k = 0; k < n; ++k) {
    n_ptrs += insts[k]->type->n_params;
  }
  if (!n_ptrs) {
    return AETHER_SUCCESS; /* no parameters: nothing reads a table */
  }

  /* The distinct resting values, by bits (0 and -0 stay apart), each
     parameter's index in `slot` (UINT32_MAX: its own buffer). */
  uint32_t mask = 15U;
  while (mask + 1U < 2U * n_ptrs) {
    mask = mask * 2U + 1U;
  }
  uint32_t* const keys  = (uint32_t*)malloc((mask + 1U) * sizeof(uint32_t));
  uint32_t* const index = (uint32_t*)malloc((mask + 1U) * sizeof(uint32_t));
  uint32_t* const slot  = (uint32_t*)malloc(n_ptrs * sizeof(uint32_t));
  if (!keys || !index || !slot) {
    free(keys);
    free(index);
    free(slot);
    return AETHER_ERR_NO_MEMORY;
  }
  memset(index, 0xFF, (mask + 1U) * sizeof(uint32_t));
  uint32_t n_values = 0;
  size_t   j        = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const AetherInstance* const inst = insts[k];
    for (uint32_t i = 0; i < inst->type->n_params; ++i, ++j) {
      slot[j] =
        resting(inst, i)
          ? value_index(
              keys, index, mask, float_bits(inst->params[i].value), &n_values)
          : UINT32_MAX;
    }
  }

  /* One block: the header, the value buffers, then the tables. */
  const size_t   head   = round_up(sizeof(AetherParamSlab));
  const size_t   values = (size_t)n_values * AETHER_BUFFER_SIZE * sizeof(float);
  const size_t   tables = round_up(n_ptrs * sizeof(float*));
  uint8_t* const mem =
    (uint8_t*)aligned_alloc(AETHER_ALIGN, head + values + tables);
  if (!mem) {
    free(keys);
    free(index);
    free(slot);
    return AETHER_ERR_NO_MEMORY;
  }
  AetherParamSlab* const slab  = (AetherParamSlab*)mem;
  float* const           value = (float*)(mem + head);
  const float** const    table = (const float**)(mem + head + values);
  slab->users                  = n;
  for (uint32_t h = 0; h <= mask; ++h) {
    if (index[h] != UINT32_MAX) {
      float v = 0.0f;
      memcpy(&v, &keys[h], sizeof(v));
      for (uint32_t t = 0; t < AETHER_BUFFER_SIZE; ++t) {
        value[(size_t)index[h] * AETHER_BUFFER_SIZE + t] = v;
      }
    }
  }
  j = 0;
  for (uint32_t k = 0; k < n; ++k) {
    AetherInstance* const inst = insts[k];
    inst->param_ptr            = table + j;
    inst->slab                 = slab;
    for (uint32_t i = 0; i < inst->type->n_params; ++i, ++j) {
      table[j] = slot[j] == UINT32_MAX
                   ? own_buffer(inst, i)
                   : value + (size_t)slot[j] * AETHER_BUFFER_SIZE;
    }
  }
  free(keys);
  free(index);
  free(slot);
  return AETHER_SUCCESS;
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
  if (inst->param_ptr) {
    inst->param_ptr[i] = own_buffer(inst, i); /* filled before it is read */
  }
  return true;
}

void
aether_instance_snap(AetherInstance* const inst)
{
  const uint32_t n = inst->type->n_params;
  for (uint32_t i = 0; i < n; ++i) {
    AetherParam* const p = &inst->params[i];
    aether_param_set(p, p->target, true);
    /* A shared buffer may stand for the value still; else its own. */
    if (inst->param_ptr && inst->param_ptr[i] != own_buffer(inst, i) &&
        float_bits(inst->param_ptr[i][0]) != float_bits(p->value)) {
      inst->param_ptr[i] = own_buffer(inst, i);
    }
  }
  inst->active = n ? (uint32_t)((1ULL << n) - 1U) : 0U; /* refill */
}
