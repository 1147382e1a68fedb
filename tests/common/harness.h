/* Aether tests: drive one node type directly, without a graph. */

#ifndef AETHER_TEST_HARNESS_H
#define AETHER_TEST_HARNESS_H

#include "../../src/engine/node.h"

#include <stdint.h>

/** One node instance with its own parameter buffers and I/O. */
typedef struct NodeHarness NodeHarness;

/** Create and init an instance of `type` at `rate` with default parameters.
    Aborts the test on failure. */
NodeHarness*
harness_new(const AetherNodeType* type, double rate);

/** Clean up and free the instance. */
void
harness_free(NodeHarness* h);

/** Set parameter `name` to `value` for all following frames (a step, no
    ramp). Aborts if the parameter does not exist. */
void
harness_set(NodeHarness* h, const char* name, float value);

/** Set parameter `name` to ramp linearly from its value to `value` over the
    next `frames` frames (moving bit set while ramping). */
void
harness_ramp(NodeHarness* h, const char* name, float value, uint32_t frames);

/** Connect input `index` to a caller-owned signal of at least as many frames
    as will be rendered (NULL: disconnected, reads silence). */
void
harness_input(NodeHarness* h, uint32_t index, const float* signal);

/** Mark the node as a delay closing a feedback loop (args->feedback). */
void
harness_set_feedback(NodeHarness* h, int feedback);

/** Render `n` frames in sub-blocks of at most `block` frames (1 .. 64) into
    `outputs` (one array of `n` floats per output; NULL entries skipped).
    Input signals advance with the render position. Host macro values and
    MIDI events can be set through harness_context(). */
void
harness_render(NodeHarness*  h,
               float* const* outputs,
               uint32_t      n,
               uint32_t      block);

/** Convenience: render `n` frames of output `out` into `dst`, block 64. */
void
harness_render1(NodeHarness* h, uint32_t out, float* dst, uint32_t n);

/** The context passed to the node (rate, macros, MIDI at next block). */
AetherContext*
harness_context(NodeHarness* h);

/** The node's instance state (to inspect in white-box tests). */
void*
harness_state(NodeHarness* h);

/** Call the type's reset(). */
void
harness_reset(NodeHarness* h);

#endif /* AETHER_TEST_HARNESS_H */
