/* Aether: run a chain of scaling nodes (gains) as one step.

   A node of an AETHER_NODE_SCALE type multiplies its input by its first
   parameter. A run of such nodes, each the only reader of the one before,
   costs one indirect call, one load of the block and one store instead of
   one of each per node: the block stays in registers while every gain is
   applied, in the same order, so the output is bit-identical. */

#include "fuse.h"

#include <stdlib.h>
#include <string.h>

/* Four floats: one SSE register; the block is eight of them per half. */
typedef float V4 __attribute__((vector_size(16)));

#define HALF (AETHER_BUFFER_SIZE / 2)

/* x[0 .. 31] times every member's constant gain, in member order. */
static inline void
scale_half(float* const                   x,
           const AetherFusedMember* const m,
           const uint32_t                 n_members)
{
  V4 v[HALF / 4];
  memcpy(v, x, sizeof(v));
  for (uint32_t j = 0; j < n_members; ++j) {
    const float k  = m[j].param[0][0];
    const V4    kv = { k, k, k, k };
    for (uint32_t i = 0; i < HALF / 4; ++i) {
      v[i] *= kv;
    }
  }
  memcpy(x, v, sizeof(v));
}

void
aether_fused_scale(void* const                    self,
                   const AetherProcessArgs* const args,
                   const uint32_t                 n)
{
  const AetherFused* const     f = (const AetherFused*)self;
  _Alignas(AETHER_ALIGN) float x[AETHER_BUFFER_SIZE];
  memcpy(x, args->in[0], n * sizeof(float));
  if (n < AETHER_BUFFER_SIZE) { /* a short block: the rest is scaled too */
    memset(x + n, 0, (AETHER_BUFFER_SIZE - n) * sizeof(float));
  }

  if (!args->moving) {
    scale_half(x, f->members, f->n);
    if (n > HALF) {
      scale_half(x + HALF, f->members, f->n);
    }
  } else {
    /* Some gain glides: per sample for those, as each node would. */
    for (uint32_t j = 0; j < f->n; ++j) {
      const AetherFusedMember* const m = &f->members[j];
      if (m->inst->moving & 1U) {
        for (uint32_t i = 0; i < n; ++i) {
          x[i] *= m->param[0][i];
        }
      } else {
        const float k = m->param[0][0];
        for (uint32_t i = 0; i < n; ++i) {
          x[i] *= k;
        }
      }
    }
  }
  memcpy(args->out[0], x, n * sizeof(float));
}

/* True if `type` may be a member: scales, and nothing else connected. */
static bool
scales(const AetherNodeType* const type, const AetherProcessArgs* const args)
{
  return (type->flags & AETHER_NODE_SCALE) && type->n_outputs == 1U &&
         type->n_params >= 1U && (args->connected & ~1U) == 0U;
}

uint32_t
aether_fuse_scale_chains(AetherSchedule* const sch,
                         const uint32_t* const readers,
                         const uint32_t        n_steps)
{
  /* Count the members first: one allocation for all of them. */
  uint32_t n_fused   = 0;
  uint32_t n_members = 0;
  for (uint32_t k = 0; k + 1U < n_steps;) {
    uint32_t end = k;
    while (end + 1U < n_steps && aether_fuse_links(sch, readers, end)) {
      ++end;
    }
    if (end > k) {
      ++n_fused;
      n_members += end - k + 1U;
    }
    k = end + 1U;
  }
  if (!n_fused) {
    return n_steps;
  }
  sch->fused = (AetherFused*)calloc(n_fused, sizeof(AetherFused));
  sch->fused_members =
    (AetherFusedMember*)calloc(n_members, sizeof(AetherFusedMember));
  if (!sch->fused || !sch->fused_members) {
    free(sch->fused);
    free(sch->fused_members);
    sch->fused         = NULL;
    sch->fused_members = NULL;
    return n_steps; /* run unfused: slower, same output */
  }

  /* Compact the step arrays, a chain into its first step. */
  AetherFusedMember* m = sch->fused_members;
  uint32_t           w = 0;
  for (uint32_t k = 0; k < n_steps;) {
    uint32_t end = k;
    while (end + 1U < n_steps && aether_fuse_links(sch, readers, end)) {
      ++end;
    }
    sch->steps[w]      = sch->steps[k];
    sch->step_inst[w]  = sch->step_inst[k];
    sch->step_first[w] = sch->step_first[k];
    memmove(sch->src_keys + (size_t)w * AETHER_MAX_INPUTS,
            sch->src_keys + (size_t)k * AETHER_MAX_INPUTS,
            AETHER_MAX_INPUTS * sizeof(uint64_t));
    if (end > k) {
      AetherFused* const f = &sch->fused[sch->n_fused++];
      f->members           = m;
      f->n                 = end - k + 1U;
      for (uint32_t j = k; j <= end; ++j) {
        *m++ = (AetherFusedMember){
          sch->step_inst[j],
          sch->steps[j].args.param,
          sch->src_keys[(size_t)j * AETHER_MAX_INPUTS],
        };
      }
      AetherStep* const step = &sch->steps[w];
      step->func             = aether_fused_scale;
      step->self             = f;
      step->args.out         = sch->steps[end].args.out;
      step->args.moving      = 0U;
      sch->step_first[w]     = AETHER_STEP_FUSED;
    }
    ++w;
    k = end + 1U;
  }
  return w;
}

bool
aether_fuse_links(const AetherSchedule* const sch,
                  const uint32_t* const       readers,
                  const uint32_t              k)
{
  const AetherStep* const     a  = &sch->steps[k];
  const AetherStep* const     b  = &sch->steps[k + 1U];
  const AetherInstance* const ia = sch->step_inst[k];
  const AetherInstance* const ib = sch->step_inst[k + 1U];
  return ia != &sch->dummy && ib != &sch->dummy &&
         sch->step_first[k] == AETHER_STEP_FIRST &&
         sch->step_first[k + 1U] == AETHER_STEP_FIRST &&
         a->func == ia->type->process && b->func == ib->type->process &&
         scales(ia->type, &a->args) && scales(ib->type, &b->args) &&
         readers[k] == 1U && b->args.in[0] == a->args.out[0];
}
