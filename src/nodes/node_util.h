/* Aether: small inline helpers shared by node implementations. */

#ifndef AETHER_NODE_UTIL_H
#define AETHER_NODE_UTIL_H

#include "../engine/node.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AETHER_PI 3.14159265358979323846
#define AETHER_TWO_PI 6.28318530717958647692

/** Number of elements of a static array. */
#define AETHER_N(array) (sizeof(array) / sizeof((array)[0]))

/** Clamp `x` into [lo, hi]. */
static inline float
aether_clampf(const float x, const float lo, const float hi)
{
  return x < lo ? lo : (x > hi ? hi : x);
}

/** Value of parameter `i` at the start of this block (exact when the
    parameter is not moving). */
static inline float
aether_param0(const AetherProcessArgs* const args, const uint32_t i)
{
  return args->param[i][0];
}

/** True if parameter `i` changes during this block. */
static inline int
aether_param_moving(const AetherProcessArgs* const args, const uint32_t i)
{
  return (args->moving >> i) & 1U;
}

/** True if input `i` is connected to some output. */
static inline int
aether_input_connected(const AetherProcessArgs* const args, const uint32_t i)
{
  return (args->connected >> i) & 1U;
}

/** Decibels to linear gain. */
static inline float
aether_db_to_gain(const float db)
{
  return powf(10.0f, db * 0.05f);
}

/** Linear gain to decibels (floored at -200 dB). */
static inline float
aether_gain_to_db(const float gain)
{
  return gain > 1e-10f ? 20.0f * log10f(gain) : -200.0f;
}

/** MIDI note number (may be fractional) to frequency in Hz, A4 = 440 Hz. */
static inline float
aether_note_to_hz(const float note)
{
  return 440.0f * exp2f((note - 69.0f) / 12.0f);
}

/** Replace denormals, NaN and infinities in stored state by zero, so a
    recursive filter recovers whatever its input did. */
static inline float
aether_sanitize(const float x)
{
  return (fabsf(x) > 1e-20f && fabsf(x) < 1e20f) ? x : 0.0f;
}

/** A deterministic 32-bit PRNG step (xorshift32); state must be non-zero. */
static inline uint32_t
aether_rand_next(uint32_t* const state)
{
  uint32_t x = *state;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  *state = x;
  return x;
}

/** A uniform float in [-1, 1) from the PRNG. */
static inline float
aether_rand_bipolar(uint32_t* const state)
{
  return (float)(int32_t)aether_rand_next(state) * (1.0f / 2147483648.0f);
}

/** Enum parameter value `v` as an index: rounded, then clamped into
    [0, max]. */
static inline int
aether_enum_index(const float v, const int max)
{
  const int w = (int)(v + 0.5f);
  return w < 0 ? 0 : (w > max ? max : w);
}

/** Fill output 0 with min + v * (max - min) for the whole block, min and
    max being parameters `min_param` and `max_param` at its start: a control
    value in [0, 1] scaled into a range. */
static inline void
aether_fill_scaled(const AetherProcessArgs* const args,
                   const uint32_t                 min_param,
                   const uint32_t                 max_param,
                   const float                    v,
                   const uint32_t                 n)
{
  const float  lo  = aether_param0(args, min_param);
  const float  hi  = aether_param0(args, max_param);
  const float  y   = lo + v * (hi - lo);
  float* const out = args->out[0];
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = y;
  }
}

/** Mix `dry` and `wet_signal` into `out`: dry * (1 - wet) + wet_signal *
    wet, per sample when the wet parameter is `moving`, else with its first
    value. */
static inline void
aether_mix_dry_wet(float* const restrict out,
                   const float* const restrict dry,
                   const float* const restrict wet_signal,
                   const float* const restrict wet,
                   const int      moving,
                   const uint32_t n)
{
  if (moving) {
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = dry[t] * (1.0f - wet[t]) + wet_signal[t] * wet[t];
    }
  } else {
    const float k = wet[0];
    const float j = 1.0f - k;
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = dry[t] * j + wet_signal[t] * k;
    }
  }
}

/** Bounded above full scale: the identity within [-1, 1], then a knee with
    unit slope that tends to +-2, so runaway feedback stays finite. */
static inline float
aether_soft_limit(const float x)
{
  if (x > 1.0f) {
    const float y = x - 1.0f;
    return 1.0f + y / (1.0f + y);
  }
  if (x < -1.0f) {
    const float y = -x - 1.0f;
    return -1.0f - y / (1.0f + y);
  }
  return x;
}

/** sin(2 pi p) for a phase p in [0, 1], folded to |argument| <= pi / 2 so
    the float argument keeps its precision near the wrap. */
static inline float
aether_sine_cycle(const double p)
{
  double u = p - 0.5; /* sin(2 pi p) = -sin(2 pi u) */
  if (u > 0.25) {
    u = 0.5 - u;
  } else if (u < -0.25) {
    u = -0.5 - u;
  }
  return -sinf((float)(AETHER_TWO_PI * u));
}

/** Triangle wave at a phase p in [0, 1]: 0 at 0, 1 at 0.25, -1 at 0.75. */
static inline float
aether_triangle_cycle(const double p)
{
  return (float)(p < 0.25 ? 4.0 * p : p < 0.75 ? 2.0 - 4.0 * p : 4.0 * p - 4.0);
}

/** Cubic Hermite (Catmull-Rom) interpolation a fraction `f` in [0, 1) of
    the way from p1 to p2, p0 coming before p1 and p3 after p2. Exact at
    f = 0. */
static inline float
aether_hermite(const float p0,
               const float p1,
               const float p2,
               const float p3,
               const float f)
{
  const float c1 = 0.5f * (p2 - p0);
  const float c2 = p0 - 2.5f * p1 + 2.0f * p2 - 0.5f * p3;
  const float c3 = 0.5f * (p3 - p0) + 1.5f * (p1 - p2);
  return ((c3 * f + c2) * f + c1) * f + p1;
}

/** A delay line: a ring of samples a power of two long, indexed by a
    free-running frame counter masked with `mask`. */
typedef struct {
  float*   buf;  /**< the samples, mask + 1 of them */
  uint32_t mask; /**< length - 1 */
} AetherDelayLine;

/** Allocate `line` zeroed, the shortest power of two from `least` (a power
    of two) up that holds `frames`. Not real-time safe. */
static inline AetherStatus
aether_delay_line_init(AetherDelayLine* const line,
                       const double           frames,
                       const uint32_t         least)
{
  uint32_t size = least;
  while ((double)size < frames) {
    size <<= 1U;
  }
  if (!(line->buf = (float*)calloc(size, sizeof(float)))) {
    return AETHER_ERR_NO_MEMORY;
  }
  line->mask = size - 1U;
  return AETHER_SUCCESS;
}

/** Free what aether_delay_line_init() allocated (NULL-safe, idempotent).
    Not real-time safe. */
static inline void
aether_delay_line_free(AetherDelayLine* const line)
{
  free(line->buf);
  line->buf = NULL;
}

/** Silence the whole line, keeping its memory. Real-time safe. */
static inline void
aether_delay_line_clear(AetherDelayLine* const line)
{
  memset(line->buf, 0, (line->mask + 1U) * sizeof(float));
}

/** Read a delay line's samples `buf` (mask + 1 long) a fraction `f` in
    [0, 1) of the way from index `i` back to the older index i - 1, by cubic
    Hermite interpolation over indices i + 1 down to i - 2. */
static inline float
aether_delay_line_read(const float* const restrict buf,
                       const uint32_t mask,
                       const uint32_t i,
                       const float    f)
{
  return aether_hermite(buf[(i + 1U) & mask],
                        buf[i & mask],
                        buf[(i - 1U) & mask],
                        buf[(i - 2U) & mask],
                        f);
}

#endif /* AETHER_NODE_UTIL_H */
