/* Aether engine tests: tiny node types with exactly known behaviour. */

#ifndef AETHER_TEST_TYPES_H
#define AETHER_TEST_TYPES_H

#include "node.h"

/** No inputs; output = `value` param + frame counter * `slope` param: a
    stateful source (its counter survives edits). */
extern const AetherNodeType test_ramp;

/** Inputs a..d summed, times `gain` param (smoothed over 64 frames). */
extern const AetherNodeType test_sum;

/** Scaling type (AETHER_NODE_SCALE): output = input a * `gain` (the
    per-sample value while it moves); input b is never read. Chains of it
    are fused into one step. */
extern const AetherNodeType test_scale;

/** Delay type: output = input delayed by `frames` param (at least 64 in a
    feedback loop). */
extern const AetherNodeType test_delay;

/** Stereo sink: inputs left, right added into the host output. */
extern const AetherNodeType test_out;

/** Two outputs: out0 = in, out1 = -in. */
extern const AetherNodeType test_split;

/** Output = `value` param (no inputs); a value of 2 emits infinity, 3 NaN. */
extern const AetherNodeType test_bad;

#endif /* AETHER_TEST_TYPES_H */
