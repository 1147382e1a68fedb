/* bench_signal.h: buffers and test signals for `aether bench`: aligned
   memory, deterministic noise, sines and constants, and their level. */

#ifndef AETHER_TOOLS_BENCH_SIGNAL_H
#define AETHER_TOOLS_BENCH_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

/** Zeroed memory aligned to AETHER_ALIGN, its size rounded up to a
    multiple of it (free() it), or NULL. */
void*
alloc_aligned(size_t bytes);

/** The next number of the xorshift generator whose state is `state`. */
uint32_t
rand_next(uint32_t* state);

/** Deterministic white noise in [-0.5, 0.5), from `seed`. */
void
fill_noise(float* buf, uint32_t n, uint32_t seed);

/** A sine of `hz` at RATE with amplitude `amp`, from phase 0. */
void
fill_sine(float* buf, uint32_t n, double hz, float amp);

/** `n` times `value`. */
void
fill_value(float* buf, uint32_t n, float value);

/** The RMS level of `n` samples (0 if n is 0). */
double
rms_of(const float* buf, uint32_t n);

#endif /* AETHER_TOOLS_BENCH_SIGNAL_H */
