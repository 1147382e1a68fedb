/* Aether: sample-accurate, smoothed parameters (audio side). */

#ifndef AETHER_PARAM_H
#define AETHER_PARAM_H

#include "constants.h"

#include <stdbool.h>
#include <stdint.h>

/** A parameter's running value: a linear ramp of `ramp` frames from its
    value to a target. The sequence of values depends only on the frames
    processed, never on how they are split into blocks. */
typedef struct {
  float    value;     /**< value at the last processed frame */
  float    target;    /**< where the ramp ends */
  float    step;      /**< increment per frame while ramping */
  uint32_t remaining; /**< frames left in the ramp */
  uint32_t ramp;      /**< ramp length for changes, frames (0: jump) */
} AetherParam;

/** Start at `value` with no ramp in progress. */
void
aether_param_init(AetherParam* param, float value, uint32_t ramp);

/** Move towards `target` from the next frame: over `ramp` frames, or at
    once if the ramp is 0 or `jump` is true. */
void
aether_param_set(AetherParam* param, float target, bool jump);

/** Write the next `n` values into `buf` (AETHER_BUFFER_SIZE floats). Returns
    true if they vary (a ramp is running at the first frame); if not, the
    whole buffer holds the value and needs no refill until the next set. */
bool
aether_param_fill(AetherParam* param, float* buf, uint32_t n);

/** True while a ramp is running. */
static inline bool
aether_param_ramping(const AetherParam* const param)
{
  return param->remaining != 0;
}

#endif /* AETHER_PARAM_H */
