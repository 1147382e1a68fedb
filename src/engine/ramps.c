/* Aether: which inputs an edit re-routes, so the audio thread can ramp them
   through zero across the declick (control side only).

   The declick fades the output, but a node that stores its input (a delay
   line, a reverb tank) would otherwise take the jump from the old source to
   the new one into its memory and play it back after the fade is over. */

#include "schedule.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(AetherProcessFunc) == sizeof(uintptr_t),
               "function pointers are compared as integers");

/* A step of the previous schedule, found by its instance and function. */
typedef struct {
  const void*       self;
  AetherProcessFunc func;
  uint32_t          step;
} StepKey;

static int
key_cmp(const void* const a, const void* const b)
{
  const StepKey* const x = (const StepKey*)a;
  const StepKey* const y = (const StepKey*)b;
  if (x->self != y->self) {
    return (uintptr_t)x->self < (uintptr_t)y->self ? -1 : 1;
  }
  if (x->func != y->func) {
    /* Compare function pointers through memcpy: ISO C has no order on them. */
    uintptr_t f = 0;
    uintptr_t g = 0;
    memcpy(&f, &x->func, sizeof(f));
    memcpy(&g, &y->func, sizeof(g));
    return f < g ? -1 : 1;
  }
  return 0;
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

AetherStatus
aether_schedule_find_ramps(const AetherSchedule* const prev,
                           AetherSchedule* const       next)
{
  if (!prev) {
    return AETHER_SUCCESS;
  }

  StepKey* const keys =
    (StepKey*)malloc((prev->n_steps + 1U) * sizeof(StepKey));
  AetherRamp* const out = (AetherRamp*)malloc(
    ((size_t)next->n_steps * AETHER_MAX_INPUTS + 1U) * sizeof(AetherRamp));
  AetherRamp* const in = (AetherRamp*)malloc(
    ((size_t)next->n_steps * AETHER_MAX_INPUTS + 1U) * sizeof(AetherRamp));
  if (!keys || !out || !in) {
    free(keys);
    free(out);
    free(in);
    return AETHER_ERR_NO_MEMORY;
  }

  uint32_t n_keys = 0;
  for (uint32_t k = 0; k < prev->n_steps; ++k) {
    if (prev->step_inst[k] != &prev->dummy) {
      keys[n_keys++] = (StepKey){ prev->steps[k].self, prev->steps[k].func, k };
    }
  }
  qsort(keys, n_keys, sizeof(StepKey), key_cmp);

  uint32_t n_out = 0;
  uint32_t n_in  = 0;
  for (uint32_t k = 0; k < next->n_steps; ++k) {
    /* A sink's inputs go to the host: the output fade covers them. */
    if (next->step_inst[k] == &next->dummy ||
        !next->step_inst[k]->type->n_outputs) {
      continue;
    }
    const StepKey  probe = { next->steps[k].self, next->steps[k].func, 0 };
    const StepKey* found =
      (const StepKey*)bsearch(&probe, keys, n_keys, sizeof(StepKey), key_cmp);
    if (!found) {
      continue; /* a new node: nothing was stored from an old source */
    }
    const uint64_t* const a =
      prev->src_keys + (size_t)found->step * AETHER_MAX_INPUTS;
    const uint64_t* const b = next->src_keys + (size_t)k * AETHER_MAX_INPUTS;
    const uint32_t        n_inputs = next->step_inst[k]->type->n_inputs;
    for (uint32_t i = 0; i < n_inputs; ++i) {
      if (a[i] != b[i]) {
        if (a[i]) {
          out[n_out++] = (AetherRamp){ found->step, i };
        }
        if (b[i]) {
          in[n_in++] = (AetherRamp){ k, i };
        }
      }
    }
  }
  free(keys);

  qsort(out, n_out, sizeof(AetherRamp), ramp_cmp);
  next->ramp_prev  = prev;
  next->ramp_out   = out;
  next->n_ramp_out = n_out;
  next->ramp_in    = in;
  next->n_ramp_in  = n_in;
  return AETHER_SUCCESS;
}
