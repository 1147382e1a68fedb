/* Aether: which inputs an edit re-routes, so the audio thread can ramp them
   through zero across the declick (control side only).

   The declick fades the output, but a node that stores its input (a delay
   line, a reverb tank) would otherwise take the jump from the old source to
   the new one into its memory and play it back after the fade is over. A
   new instance of such a node (AetherNodeType.stored) would take the jump
   from silence to its source: its stored inputs are ramped in too. */

#include "schedule.h"

#include <stdlib.h>

/* What one instance reads in one step of a schedule: a step is one
   instance's, or a fused chain's (fuse.h), whose members each read one
   input; a gain inside the chain is ramped at the chain's input (the chain
   is linear, so that scales the member's input the same). */
typedef struct {
  const AetherInstance* inst;
  uint32_t              write; /**< 1: the write step of a delay node */
  uint32_t              step;
  uint32_t              head; /**< 1: inputs map to the step's inputs */
  const uint64_t*       keys; /**< sources of its inputs */
  uint32_t              n_keys;
} Reader;

static int
reader_cmp(const void* const a, const void* const b)
{
  const Reader* const x = (const Reader*)a;
  const Reader* const y = (const Reader*)b;
  if (x->inst != y->inst) {
    return (uintptr_t)x->inst < (uintptr_t)y->inst ? -1 : 1;
  }
  return x->write < y->write ? -1 : x->write > y->write;
}

static int
ramp_cmp(const void* const a, const void* const b)
{
  const AetherRamp* const x = (const AetherRamp*)a;
  const AetherRamp* const y = (const AetherRamp*)b;
  if (x->step != y->step) {
    return x->step < y->step ? -1 : 1;
  }
  return x->input < y->input ? -1 : x->input > y->input;
}

/* The readers of a schedule's steps into `out` (room for n_steps plus the
   fused members); return how many. */
static uint32_t
list_readers(const AetherSchedule* const sch, Reader* const out)
{
  uint32_t n = 0;
  for (uint32_t k = 0; k < sch->n_steps; ++k) {
    const AetherInstance* const inst = sch->step_inst[k];
    const uint64_t* const keys = sch->src_keys + (size_t)k * AETHER_MAX_INPUTS;
    if (inst == &sch->dummy || !inst->type->n_outputs) {
      continue; /* a voice sum, or a sink: the output fade covers sinks */
    }
    if (sch->step_first[k] == AETHER_STEP_FUSED) {
      const AetherFused* const f = (const AetherFused*)sch->steps[k].self;
      for (uint32_t j = 0; j < f->n; ++j) {
        const AetherFusedMember* const m = &f->members[j];
        out[n++] =
          j ? (Reader){ m->inst, 0U, k, 0U, &m->key, 1U }
            : (Reader){ m->inst, 0U, k, 1U, keys, inst->type->n_inputs };
      }
      continue;
    }
    const uint32_t write = sch->steps[k].func == inst->type->write;
    out[n++] = (Reader){ inst, write, k, 1U, keys, inst->type->n_inputs };
  }
  return n;
}

/* Sort and drop repeats. */
static uint32_t
unique_ramps(AetherRamp* const r, const uint32_t n)
{
  qsort(r, n, sizeof(AetherRamp), ramp_cmp);
  uint32_t w = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (!w || ramp_cmp(&r[w - 1U], &r[i])) {
      r[w++] = r[i];
    }
  }
  return w;
}

static uint32_t
n_members(const AetherSchedule* const sch)
{
  uint32_t n = 0;
  for (uint32_t i = 0; i < sch->n_fused; ++i) {
    n += sch->fused[i].n;
  }
  return n;
}

AetherStatus
aether_schedule_find_ramps(const AetherSchedule* const prev,
                           AetherSchedule* const       next)
{
  if (!prev) {
    return AETHER_SUCCESS;
  }

  const size_t      n_old = (size_t)prev->n_steps + n_members(prev) + 1U;
  const size_t      n_new = (size_t)next->n_steps + n_members(next) + 1U;
  Reader* const     old   = (Reader*)malloc(n_old * sizeof(Reader));
  Reader* const     cur   = (Reader*)malloc(n_new * sizeof(Reader));
  AetherRamp* const out =
    (AetherRamp*)malloc(n_new * AETHER_MAX_INPUTS * sizeof(AetherRamp));
  AetherRamp* const in =
    (AetherRamp*)malloc(n_new * AETHER_MAX_INPUTS * sizeof(AetherRamp));
  if (!old || !cur || !out || !in) {
    free(old);
    free(cur);
    free(out);
    free(in);
    return AETHER_ERR_NO_MEMORY;
  }

  const uint32_t n_prev = list_readers(prev, old);
  const uint32_t n_next = list_readers(next, cur);
  qsort(old, n_prev, sizeof(Reader), reader_cmp);

  uint32_t n_out = 0;
  uint32_t n_in  = 0;
  for (uint32_t r = 0; r < n_next; ++r) {
    const Reader* const b = &cur[r];
    const Reader* const a =
      (const Reader*)bsearch(b, old, n_prev, sizeof(Reader), reader_cmp);
    if (!a) {
      /* A new instance: nothing was stored from an old source, but one
         that plays back what it hears would record the signal's abrupt
         start (the swap is at silence only for the output). */
      const uint32_t stored = b->inst->type->stored;
      for (uint32_t i = 0; i < b->n_keys; ++i) {
        if (((stored >> i) & 1U) && b->keys[i]) {
          in[n_in++] = (AetherRamp){ b->step, b->head ? i : 0U };
        }
      }
      continue;
    }
    const uint32_t n = a->n_keys > b->n_keys ? a->n_keys : b->n_keys;
    for (uint32_t i = 0; i < n; ++i) {
      const uint64_t ka = i < a->n_keys ? a->keys[i] : 0U;
      const uint64_t kb = i < b->n_keys ? b->keys[i] : 0U;
      if (ka != kb) {
        if (ka) {
          out[n_out++] = (AetherRamp){ a->step, a->head ? i : 0U };
        }
        if (kb) {
          in[n_in++] = (AetherRamp){ b->step, b->head ? i : 0U };
        }
      }
    }
  }
  free(old);
  free(cur);

  next->ramp_prev  = prev;
  next->ramp_out   = out;
  next->n_ramp_out = unique_ramps(out, n_out);
  next->ramp_in    = in;
  next->n_ramp_in  = unique_ramps(in, n_in);
  return AETHER_SUCCESS;
}
