/* Aether tests: helpers shared by the filter and dynamics node tests
   (signals, steady-state gain, random automation, partition, tails). */

#ifndef AETHER_TEST_FLT_COMMON_H
#define AETHER_TEST_FLT_COMMON_H

#include "harness.h"
#include "measure.h"

#include "../../src/nodes/node_util.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>

#include <cmocka.h>

/** A buffer of `n` floats (zeroed); the test frees it. */
static inline float*
flt_alloc(const size_t n)
{
  float* const x = (float*)calloc(n ? n : 1U, sizeof(float));
  assert_non_null(x);
  return x;
}

/** White noise, uniform in [-amp, amp), from a fixed seed. */
static inline void
flt_noise(float* const x, const size_t n, uint32_t seed, const float amp)
{
  seed = seed ? seed : 1U;
  for (size_t i = 0; i < n; ++i) {
    x[i] = amp * aether_rand_bipolar(&seed);
  }
}

/** A sine of `amp` at `hz`, starting at phase 0. */
static inline void
flt_sine(float* const x,
         const size_t n,
         const double hz,
         const double rate,
         const double amp)
{
  for (size_t i = 0; i < n; ++i) {
    x[i] = (float)(amp * sin(AETHER_TWO_PI * hz * (double)i / rate));
  }
}

/** 20 log10 of a ratio of amplitudes. */
static inline double
flt_db(const double ratio)
{
  return 20.0 * log10(ratio > 1e-30 ? ratio : 1e-30);
}

/** RMS level in dB (re 1.0) of `n` samples. */
static inline double
flt_rms_db(const float* const x, const size_t n)
{
  return flt_db(measure_rms(x, n));
}

/** Steady-state gain in dB of input `in` to output `out` for a sine at `hz`
    of amplitude `amp`: render `settle` seconds, then compare the RMS of the
    output and input over at least `periods` periods (and 0.1 s). */
static inline double
flt_sine_gain_db(NodeHarness* const h,
                 const uint32_t     in,
                 const uint32_t     out,
                 const double       hz,
                 const double       rate,
                 const double       amp,
                 const double       settle,
                 const double       periods)
{
  const size_t n_settle  = (size_t)(settle * rate);
  const double measure_s = fmax(periods / hz, 0.1);
  const size_t n_measure = (size_t)lround(ceil(measure_s * hz) * rate / hz);
  const size_t n         = n_settle + n_measure;
  float* const x         = flt_alloc(n);
  float* const y         = flt_alloc(n);
  float*       outs[AETHER_MAX_OUTPUTS] = { NULL };
  outs[out]                             = y;
  flt_sine(x, n, hz, rate, amp);
  harness_reset(h);
  harness_input(h, in, x);
  harness_render(h, outs, (uint32_t)n, AETHER_BUFFER_SIZE);
  harness_input(h, in, NULL);
  const double gain =
    measure_rms(y + n_settle, n_measure) / measure_rms(x + n_settle, n_measure);
  free(x);
  free(y);
  return flt_db(gain);
}

/** Random automation of every parameter of `type`, called once per segment:
    each continuous parameter ramps, half the time, to a random value (a
    quarter of those exactly min or max) over 1 .. 2 * seg frames; integer
    and enum parameters step now and then. Params named in `skip` (a
    NULL-terminated list, or NULL) are left alone. */
static inline void
flt_automate(NodeHarness* const          h,
             const AetherNodeType* const type,
             uint32_t* const             rng,
             const uint32_t              seg,
             const char* const* const    skip)
{
  for (uint32_t j = 0; j < type->n_params; ++j) {
    const AetherParamDesc* const d   = &type->params[j];
    int                          off = 0;
    for (const char* const* s = skip; s && *s; ++s) {
      off |= !strcmp(*s, d->name);
    }
    if (off) {
      continue;
    }
    const uint32_t r    = aether_rand_next(rng);
    const float    unit = (float)(aether_rand_next(rng) >> 8U) / 16777216.0f;
    float          v    = d->min + unit * (d->max - d->min);
    if ((r & 7U) == 0U) {
      v = d->min;
    } else if ((r & 7U) == 1U) {
      v = d->max;
    }
    if (d->kind == AETHER_PARAM_CONTINUOUS) {
      if (r & 8U) {
        harness_ramp(h, d->name, v, 1U + (r >> 8U) % (2U * seg));
      }
    } else if ((r & 0x70U) == 0U) {
      harness_set(h, d->name, floorf(v + 0.5f));
    }
  }
}

/** Render `n` frames of `type` at `rate` with `inputs` (NULL entries
    unconnected) into `outs` (one array of n per output, NULL skipped), in
    sub-blocks of `block`, with flt_automate() every `seg` frames when
    `seed` is non-zero. `setup` (may be NULL) sets parameters first. */
static inline void
flt_render(const AetherNodeType* const type,
           const double                rate,
           const float* const* const   inputs,
           float* const* const         outs,
           const uint32_t              n,
           const uint32_t              block,
           const uint32_t              seed,
           const uint32_t              seg,
           void (*setup)(NodeHarness*),
           const char* const* const skip)
{
  NodeHarness* const h = harness_new(type, rate);
  if (setup) {
    setup(h);
  }
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    harness_input(h, i, inputs ? inputs[i] : NULL);
  }
  uint32_t rng = seed;
  float*   part[AETHER_MAX_OUTPUTS];
  for (uint32_t done = 0; done < n;) {
    const uint32_t len = seed ? (n - done < seg ? n - done : seg) : n;
    if (seed) {
      flt_automate(h, type, &rng, seg, skip);
    }
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      part[o] = outs[o] ? outs[o] + done : NULL;
    }
    harness_render(h, part, len, block);
    done += len;
  }
  harness_free(h);
}

/** Bit-identical output for sub-blocks of 1, 7 and 64 frames under random
    automation (and the given inputs). Returns the number of samples
    compared, for the report. */
static inline size_t
flt_check_partition(const AetherNodeType* const type,
                    const double                rate,
                    const float* const* const   inputs,
                    const uint32_t              n,
                    const uint32_t              seed,
                    const uint32_t              seg,
                    void (*setup)(NodeHarness*),
                    const char* const* const skip)
{
  static const uint32_t blocks[]                = { 64, 1, 7 };
  float*                ref[AETHER_MAX_OUTPUTS] = { NULL };
  float*                got[AETHER_MAX_OUTPUTS] = { NULL };
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    ref[o] = flt_alloc(n);
    got[o] = flt_alloc(n);
  }
  flt_render(type, rate, inputs, ref, n, blocks[0], seed, seg, setup, skip);
  for (size_t b = 1; b < AETHER_N(blocks); ++b) {
    flt_render(type, rate, inputs, got, n, blocks[b], seed, seg, setup, skip);
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      for (uint32_t i = 0; i < n; ++i) {
        if (memcmp(&ref[o][i], &got[o][i], sizeof(float))) {
          fail_msg("%s: block %u differs from block 64 at output %u frame %u"
                   ": %.9g != %.9g",
                   type->name,
                   blocks[b],
                   o,
                   i,
                   (double)got[o][i],
                   (double)ref[o][i]);
        }
      }
    }
  }
  double energy = 0.0;
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    energy += measure_rms(ref[o], n);
    free(ref[o]);
    free(got[o]);
  }
  assert_true(energy > 0.0); /* the comparison was not of silence */
  return (size_t)n * type->n_outputs;
}

/** Under random automation with the given inputs, every output sample is
    finite and below `bound` in magnitude. Returns the largest magnitude. */
static inline double
flt_check_sweep(const AetherNodeType* const type,
                const double                rate,
                const float* const* const   inputs,
                const uint32_t              n,
                const uint32_t              seed,
                const uint32_t              seg,
                const double                bound,
                void (*setup)(NodeHarness*),
                const char* const* const skip)
{
  float* outs[AETHER_MAX_OUTPUTS] = { NULL };
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    outs[o] = flt_alloc(n);
  }
  flt_render(type, rate, inputs, outs, n, 64, seed, seg, setup, skip);
  double peak = 0.0;
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    if (!measure_all_finite(outs[o], n)) {
      fail_msg("%s: output %u not finite", type->name, o);
    }
    const double p = measure_peak(outs[o], n);
    if (!(p < bound)) {
      fail_msg("%s: output %u peak %g >= bound %g", type->name, o, p, bound);
    }
    peak = fmax(peak, p);
    free(outs[o]);
  }
  return peak;
}

/** 1 if some sample is subnormal. */
static inline int
flt_has_subnormal(const float* const x, const size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    if (fpclassify(x[i]) == FP_SUBNORMAL) {
      return 1;
    }
  }
  return 0;
}

#endif /* AETHER_TEST_FLT_COMMON_H */
