/* bench_signal.c: buffers and test signals for `aether bench` (see
   bench_signal.h). */

#include "bench_signal.h"

#include "bench_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void*
alloc_aligned(const size_t bytes)
{
  const size_t size =
    (bytes + AETHER_ALIGN - 1U) & ~(size_t)(AETHER_ALIGN - 1U);
  void* const p = aligned_alloc(AETHER_ALIGN, size ? size : AETHER_ALIGN);
  if (p) {
    memset(p, 0, size ? size : AETHER_ALIGN);
  }
  return p;
}

uint32_t
rand_next(uint32_t* const state)
{
  uint32_t x = *state;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  return *state = x;
}

void
fill_noise(float* const buf, const uint32_t n, uint32_t seed)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = (float)((double)rand_next(&seed) / 4294967296.0 - 0.5);
  }
}

void
fill_sine(float* const buf, const uint32_t n, const double hz, const float amp)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = amp * (float)sin(2.0 * 3.14159265358979323846 * hz * i / RATE);
  }
}

void
fill_value(float* const buf, const uint32_t n, const float value)
{
  for (uint32_t i = 0; i < n; ++i) {
    buf[i] = value;
  }
}

double
rms_of(const float* const buf, const uint32_t n)
{
  double sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    sum += (double)buf[i] * buf[i];
  }
  return n ? sqrt(sum / n) : 0.0;
}
