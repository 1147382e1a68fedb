/* Aether: small inline helpers shared by node implementations. */

#ifndef AETHER_NODE_UTIL_H
#define AETHER_NODE_UTIL_H

#include "../engine/node.h"

#include <math.h>
#include <stdint.h>

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

#endif /* AETHER_NODE_UTIL_H */
