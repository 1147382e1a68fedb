/* Aether: sample-accurate, smoothed parameters (audio side). */

#include "param.h"

void
aether_param_init(AetherParam* const param,
                  const float        value,
                  const uint32_t     ramp)
{
  param->value     = value;
  param->target    = value;
  param->step      = 0.0f;
  param->remaining = 0;
  param->ramp      = ramp;
}

void
aether_param_set(AetherParam* const param, const float target, const bool jump)
{
  param->target = target;
  if (jump || !param->ramp || target == param->value) {
    param->value     = target;
    param->remaining = 0;
    return;
  }
  param->step      = (target - param->value) / (float)param->ramp;
  param->remaining = param->ramp;
}

bool
aether_param_fill(AetherParam* const param, float* const buf, const uint32_t n)
{
  if (!param->remaining) {
    /* Fill the whole buffer: it stays valid for blocks of any length until
       the value changes again. */
    const float v = param->value;
    for (uint32_t i = 0; i < AETHER_BUFFER_SIZE; ++i) {
      buf[i] = v;
    }
    return false;
  }

  /* The ramp in locals, not through `param`, which may alias `buf`: the
     compiler then keeps the running value in a register instead of storing
     and reloading it at every frame. The same additions in the same order. */
  const float    step      = param->step;
  const uint32_t remaining = param->remaining;
  const uint32_t k         = n < remaining ? n : remaining;
  const bool     lands     = k == remaining; /* the ramp ends in this call */
  const uint32_t glide     = lands ? k - 1U : k;
  float          v         = param->value;
  uint32_t       i         = 0;
  for (; i < glide; ++i) {
    v += step;
    buf[i] = v;
  }
  if (lands) {
    /* The last frame lands exactly on the target, not near it. */
    v        = param->target;
    buf[i++] = v;
  }
  for (; i < n; ++i) {
    buf[i] = v;
  }
  param->value     = v;
  param->remaining = remaining - k;
  return true;
}
