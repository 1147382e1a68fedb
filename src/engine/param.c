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

  uint32_t i = 0;
  for (; i < n && param->remaining; ++i) {
    /* The last frame lands exactly on the target, not near it. */
    param->value =
      --param->remaining ? param->value + param->step : param->target;
    buf[i] = param->value;
  }
  for (const float v = param->value; i < n; ++i) {
    buf[i] = v;
  }
  return true;
}
