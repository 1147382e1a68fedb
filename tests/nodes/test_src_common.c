/* test_src_common.c: checks shared by the source, envelope and control node
   tests (random sweep, block partition, long tail). Each test_src_*.c
   program includes this file once, and every program uses all of it. */

#include "harness.h"
#include "measure.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** A deterministic PRNG for test signals (xorshift32). */
static uint32_t
src_rand(uint32_t* const state)
{
  uint32_t x = *state;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  *state = x;
  return x;
}

/** Uniform in [0, 1). */
static double
src_uniform(uint32_t* const state)
{
  return (double)src_rand(state) / 4294967296.0;
}

static float*
src_alloc(const size_t n)
{
  float* const x = (float*)calloc(n ? n : 1, sizeof(float));
  assert_non_null(x);
  return x;
}

/** Fill `x` with a signal that changes character at random: held levels
    (gates), white noise and sines, all within [-scale, scale]. */
static void
src_random_signal(float* const    x,
                  const uint32_t  n,
                  const float     scale,
                  uint32_t* const rng)
{
  uint32_t i = 0;
  while (i < n) {
    const uint32_t len  = 1U + src_rand(rng) % 4000U;
    const uint32_t mode = src_rand(rng) % 3U;
    const double   lvl  = 2.0 * src_uniform(rng) - 1.0;
    const double   w    = 0.5 * src_uniform(rng) * src_uniform(rng);
    for (uint32_t k = 0; k < len && i < n; ++k, ++i) {
      double v = lvl;
      if (mode == 1) {
        v = 2.0 * src_uniform(rng) - 1.0;
      } else if (mode == 2) {
        v = sin(2.0 * M_PI * w * k);
      }
      x[i] = (float)(scale * v);
    }
  }
}

/** A random value for parameter `d`: extremes often, whole numbers for
    integer-like kinds. */
static float
src_random_value(const AetherParamDesc* const d, uint32_t* const rng)
{
  const uint32_t pick = src_rand(rng) % 8U;
  if (pick == 0) {
    return d->min;
  }
  if (pick == 1) {
    return d->max;
  }
  double v = d->min + (d->max - d->min) * src_uniform(rng);
  if (pick == 2) { /* log-uniform for wide positive ranges */
    const double lo = d->min > 0.0f ? d->min : 1e-3;
    if (d->max > lo) {
      v = lo * pow(d->max / lo, src_uniform(rng));
    }
  }
  if (d->kind != AETHER_PARAM_CONTINUOUS) {
    v = floor(v + 0.5);
  }
  v = v < d->min ? d->min : (v > d->max ? d->max : v);
  return (float)v;
}

/** What the sweep needs to know about a node type. */
typedef struct {
  const AetherNodeType* type;
  double                rate;
  float                 bound;                       /**< max |output| */
  float                 in_scale[AETHER_MAX_INPUTS]; /**< 0: unconnected */
} SrcSweep;

/** Random parameter sweep: steps, extremes and fast ramps (1 to 300 frames)
    of every parameter, random inputs and block sizes, for `seconds`.
    Asserts every output finite and within the bound; returns the largest
    |output| seen. */
static double
src_sweep(const SrcSweep* const spec, const uint32_t seed, const double seconds)
{
  const AetherNodeType* const type = spec->type;
  const uint32_t              n    = (uint32_t)(seconds * spec->rate);
  uint32_t                    rng  = seed;
  NodeHarness* const          h    = harness_new(type, spec->rate);
  float*                      ins[AETHER_MAX_INPUTS]   = { NULL };
  float*                      outs[AETHER_MAX_OUTPUTS] = { NULL };

  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    if (spec->in_scale[i] != 0.0f) {
      ins[i] = src_alloc(n);
      src_random_signal(ins[i], n, spec->in_scale[i], &rng);
      harness_input(h, i, ins[i]);
    }
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    outs[o] = src_alloc(n);
  }

  double   peak = 0.0;
  uint32_t done = 0;
  while (done < n) {
    for (uint32_t p = 0; p < type->n_params; ++p) {
      const AetherParamDesc* const d    = &type->params[p];
      const uint32_t               what = src_rand(&rng) % 4U;
      if (what == 0) {
        harness_set(h, d->name, src_random_value(d, &rng));
      } else if (what == 1) {
        harness_ramp(
          h, d->name, src_random_value(d, &rng), 1U + src_rand(&rng) % 300U);
      }
    }
    uint32_t len                  = 1U + src_rand(&rng) % 3000U;
    len                           = len < n - done ? len : n - done;
    float* at[AETHER_MAX_OUTPUTS] = { NULL };
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      at[o] = outs[o] + done;
    }
    harness_render(h, at, len, 1U + src_rand(&rng) % AETHER_BUFFER_SIZE);
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      if (!measure_all_finite(at[o], len)) {
        fail_msg("%s: output %s not finite near frame %u",
                 type->name,
                 type->outputs[o].name,
                 done);
      }
      const double pk = measure_peak(at[o], len);
      if (pk > spec->bound) {
        fail_msg("%s: output %s peak %g > %g near frame %u",
                 type->name,
                 type->outputs[o].name,
                 pk,
                 (double)spec->bound,
                 done);
      }
      peak = fmax(peak, pk);
    }
    done += len;
  }

  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    free(ins[i]);
  }
  for (uint32_t o = 0; o < AETHER_MAX_OUTPUTS; ++o) {
    free(outs[o]);
  }
  harness_free(h);
  return peak;
}

/** A scripted run for the partition test: sets, ramps and renders `n`
    frames into `outs` with harness_render(..., block). */
typedef void (*SrcScript)(NodeHarness*  h,
                          float* const* outs,
                          uint32_t      n,
                          uint32_t      block);

/** Run `script` with blocks of 1, 7 and 64 frames on one instance, reset
    between runs, with inputs `in` (n frames each, NULL: unconnected), and
    assert all outputs bit-identical. Returns the peak of output 0. */
static double
src_partition(const AetherNodeType* const type,
              const double                rate,
              const uint32_t              n,
              const float* const* const   in,
              const SrcScript             script)
{
  static const uint32_t blocks[3]                   = { 1, 7, 64 };
  NodeHarness* const    h                           = harness_new(type, rate);
  float*                ins[AETHER_MAX_INPUTS]      = { NULL };
  float*                outs[3][AETHER_MAX_OUTPUTS] = { { NULL } };

  /* Input positions advance across runs: repeat each input three times. */
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    if (in[i]) {
      ins[i] = src_alloc(3U * (size_t)n);
      for (uint32_t r = 0; r < 3; ++r) {
        memcpy(ins[i] + (size_t)r * n, in[i], n * sizeof(float));
      }
      harness_input(h, i, ins[i]);
    }
  }

  for (uint32_t r = 0; r < 3; ++r) {
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      outs[r][o] = src_alloc(n);
    }
    if (r) {
      harness_reset(h);
    }
    for (uint32_t p = 0; p < type->n_params; ++p) {
      harness_set(h, type->params[p].name, type->params[p].def);
    }
    script(h, outs[r], n, blocks[r]);
  }

  for (uint32_t r = 1; r < 3; ++r) {
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      for (uint32_t i = 0; i < n; ++i) {
        if (memcmp(&outs[0][o][i], &outs[r][o][i], sizeof(float))) {
          fail_msg("%s: output %s differs at frame %u with block %u: "
                   "%.9g != %.9g",
                   type->name,
                   type->outputs[o].name,
                   i,
                   blocks[r],
                   (double)outs[r][o][i],
                   (double)outs[0][o][i]);
        }
      }
    }
  }
  const double peak = measure_peak(outs[0][0], n);

  for (uint32_t r = 0; r < 3; ++r) {
    for (uint32_t o = 0; o < AETHER_MAX_OUTPUTS; ++o) {
      free(outs[r][o]);
    }
  }
  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    free(ins[i]);
  }
  harness_free(h);
  return peak;
}

/** Render `seconds` more of every output (inputs as connected), asserting
    every sample finite and none subnormal. Returns the peak of output `o`
    over the last `tail` seconds. */
static double
src_tail(NodeHarness* const          h,
         const AetherNodeType* const type,
         const double                rate,
         const double                seconds,
         const uint32_t              o,
         const double                tail)
{
  const uint32_t n                        = (uint32_t)(seconds * rate);
  float*         outs[AETHER_MAX_OUTPUTS] = { NULL };
  for (uint32_t k = 0; k < type->n_outputs; ++k) {
    outs[k] = src_alloc(n);
  }
  harness_render(h, outs, n, AETHER_BUFFER_SIZE);
  for (uint32_t k = 0; k < type->n_outputs; ++k) {
    for (uint32_t i = 0; i < n; ++i) {
      if (!isfinite(outs[k][i]) || fpclassify(outs[k][i]) == FP_SUBNORMAL) {
        fail_msg("%s: output %s is %g at tail frame %u",
                 type->name,
                 type->outputs[k].name,
                 (double)outs[k][i],
                 i);
      }
    }
  }
  const uint32_t from = n - (uint32_t)(tail * rate);
  const double   peak = measure_peak(outs[o] + from, n - from);
  for (uint32_t k = 0; k < AETHER_MAX_OUTPUTS; ++k) {
    free(outs[k]);
  }
  return peak;
}
