/* Effects and utility nodes: properties every type must have (random
   parameter sweeps stay finite and bounded, the block partition never
   changes the output, silence after a signal decays without NaN). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "measure.h"
#include "registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char* type;  /**< node type name */
  double      bound; /**< max |output| for any params, inputs in [-1, 1] */
  double      tail;  /**< max |output| in the 10th second of silence */
} FxCase;

/* Bounds: Delay and Chorus soft-limit their feedback to 2 (so |out| <= 3);
   Reverb's worst case is far below its bound; Granular's coherent overlap
   is at most about sqrt(25 / 2) (see test_fx_granular.c); Mixer's is
   8 * 4 * 4. Tails: Delay repeats 40 times at 0.4 in 10 s (0.4^40 is
   1e-16); the others flush their state to exact zeros. */
static const FxCase fx_cases[] = {
  { "Delay", 3.0, 1e-12 },  { "Chorus", 3.0, 0.0 },  { "Reverb", 8.0, 0.0 },
  { "Granular", 4.0, 0.0 }, { "Mixer", 128.0, 0.0 }, { "Pan", 1.0, 0.0 },
};

enum { FX_DELAY, FX_CHORUS, FX_REVERB, FX_GRANULAR, FX_MIXER, FX_PAN };

static uint32_t
rng_next(uint32_t* const s)
{
  *s ^= *s << 13U;
  *s ^= *s >> 17U;
  *s ^= *s << 5U;
  return *s;
}

static float
rng_unit(uint32_t* const s) /* [0, 1) */
{
  return (float)(rng_next(s) >> 8U) * (1.0f / 16777216.0f);
}

static float*
noise_new(const size_t n, uint32_t seed, const float amp)
{
  float* const x = (float*)malloc(n * sizeof(float));
  for (size_t i = 0; i < n; ++i) {
    x[i] = amp * (2.0f * rng_unit(&seed) - 1.0f);
  }
  return x;
}

static const AetherNodeType*
find_type(const char* const name)
{
  const AetherNodeType* const type = aether_registry_find(name);
  assert_non_null(type);
  return type;
}

/* A random value of a parameter, its extremes a quarter of the time. */
static float
random_value(const AetherParamDesc* const p, uint32_t* const s)
{
  const float u = rng_unit(s);
  if (u < 0.125f) {
    return p->min;
  }
  if (u < 0.25f) {
    return p->max;
  }
  return p->min + (p->max - p->min) * rng_unit(s);
}

/* Render `seconds` of noise (on a random subset of the inputs, CV inputs
   included) through random parameter steps and ramps (1 frame to 0.5 s, so
   some are very fast) in random block sizes. */
static void
run_sweep(const FxCase* const c,
          const double        rate,
          const double        seconds,
          uint32_t            seed)
{
  const AetherNodeType* const type  = find_type(c->type);
  NodeHarness* const          h     = harness_new(type, rate);
  const uint32_t              total = (uint32_t)(seconds * rate);
  float*                      in[AETHER_MAX_INPUTS]   = { NULL };
  float*                      out[AETHER_MAX_OUTPUTS] = { NULL };
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    in[i] = noise_new(total, seed + 17U * i, 1.0f);
    if (i == 0 || rng_unit(&seed) < 0.7f) {
      harness_input(h, i, in[i]);
    }
  }
  const uint32_t seg_max = (uint32_t)(0.5 * rate);
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    out[o] = (float*)malloc(seg_max * sizeof(float));
  }

  double   peak = 0.0;
  uint32_t done = 0;
  while (done < total) {
    for (uint32_t p = 0; p < type->n_params; ++p) {
      const AetherParamDesc* const desc = &type->params[p];
      const float                  v    = random_value(desc, &seed);
      if (rng_unit(&seed) < 0.3f) {
        harness_set(h, desc->name, v);
      } else {
        harness_ramp(h, desc->name, v, 1U + rng_next(&seed) % seg_max);
      }
    }
    uint32_t len = 1U + rng_next(&seed) % seg_max;
    len          = len > total - done ? total - done : len;
    harness_render(h, out, len, 1U + rng_next(&seed) % AETHER_BUFFER_SIZE);
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      if (!measure_all_finite(out[o], len)) {
        fail_msg("%s: non-finite output %u near frame %u", c->type, o, done);
      }
      peak = fmax(peak, measure_peak(out[o], len));
    }
    done += len;
  }
  print_message("%s at %.0f Hz: %.0f s of random parameters, peak %.3f "
                "(bound %.1f)\n",
                c->type,
                rate,
                seconds,
                peak,
                c->bound);
  assert_true(peak <= c->bound);

  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    free(in[i]);
  }
  for (uint32_t o = 0; o < AETHER_MAX_OUTPUTS; ++o) {
    free(out[o]);
  }
  harness_free(h);
}

/* The same signal and parameter events rendered in blocks of 1, 7 and 64
   frames give bit-identical outputs. */
static void
run_partition(const FxCase* const c, const double rate)
{
  const AetherNodeType* const type                  = find_type(c->type);
  const uint32_t              total                 = (uint32_t)(1.5 * rate);
  const uint32_t              blocks[]              = { 1, 7, 64 };
  float*                      in[AETHER_MAX_INPUTS] = { NULL };
  float*                      out[3][AETHER_MAX_OUTPUTS] = { { NULL } };
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    /* CV inputs get small signals so that their sums stay in range. */
    in[i] = noise_new(total, 1234U + i, i ? 0.05f : 0.8f);
  }

  for (uint32_t b = 0; b < 3; ++b) {
    NodeHarness* const h = harness_new(type, rate);
    for (uint32_t i = 0; i < type->n_inputs; ++i) {
      harness_input(h, i, in[i]);
    }
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      out[b][o] = (float*)calloc(total, sizeof(float));
    }

    /* Events at fixed frames: ramps of every parameter to a value 30 % or
       70 % into its range, long and very short, then steps. */
    uint32_t       seed = 99U;
    uint32_t       done = 0;
    const uint32_t at[] = { 3001, 4500, 17000, 29999, 40000, total };
    for (uint32_t e = 0; e < sizeof(at) / sizeof(at[0]); ++e) {
      float* dst[AETHER_MAX_OUTPUTS] = { NULL };
      for (uint32_t o = 0; o < type->n_outputs; ++o) {
        dst[o] = out[b][o] + done;
      }
      harness_render(h, dst, at[e] - done, blocks[b]);
      done = at[e];
      for (uint32_t p = 0; p < type->n_params; ++p) {
        const AetherParamDesc* const d = &type->params[p];
        const float                  f = (e + p) % 2U ? 0.3f : 0.7f;
        const float                  v = d->min + f * (d->max - d->min);
        if (e % 3U == 2U) {
          harness_set(h, d->name, v);
        } else {
          harness_ramp(
            h, d->name, v, e % 3U ? 37U : 12000U + rng_next(&seed) % 999U);
        }
      }
    }
    harness_free(h);
  }

  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    for (uint32_t b = 1; b < 3; ++b) {
      for (uint32_t i = 0; i < total; ++i) {
        if (memcmp(&out[0][o][i], &out[b][o][i], sizeof(float))) {
          fail_msg("%s output %u: block %u differs from block 1 at frame %u "
                   "(%.9g vs %.9g)",
                   c->type,
                   o,
                   blocks[b],
                   i,
                   (double)out[b][o][i],
                   (double)out[0][o][i]);
        }
      }
    }
    assert_true(measure_rms(out[0][o], total) > 1e-3); /* not trivially 0 */
  }
  print_message("%s at %.0f Hz: %u frames bit-identical in blocks of 1, 7 "
                "and 64\n",
                c->type,
                rate,
                total);

  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    free(in[i]);
  }
  for (uint32_t b = 0; b < 3; ++b) {
    for (uint32_t o = 0; o < AETHER_MAX_OUTPUTS; ++o) {
      free(out[b][o]);
    }
  }
}

/* Default parameters: 1 s of noise on every input, then 10 s of silence. */
static void
run_silence(const FxCase* const c, const double rate)
{
  const AetherNodeType* const type                    = find_type(c->type);
  const uint32_t              sig                     = (uint32_t)rate;
  const uint32_t              total                   = 11U * sig;
  NodeHarness* const          h                       = harness_new(type, rate);
  float*                      in[AETHER_MAX_INPUTS]   = { NULL };
  float*                      out[AETHER_MAX_OUTPUTS] = { NULL };
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    in[i]         = (float*)calloc(total, sizeof(float));
    uint32_t seed = 5U + i;
    for (uint32_t t = 0; t < sig; ++t) {
      in[i][t] = 0.8f * (2.0f * rng_unit(&seed) - 1.0f);
    }
    harness_input(h, i, in[i]);
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    out[o] = (float*)malloc(total * sizeof(float));
  }
  harness_render(h, out, total, AETHER_BUFFER_SIZE);

  double during = 0.0;
  double tail   = 0.0;
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    assert_true(measure_all_finite(out[o], total));
    during = fmax(during, measure_peak(out[o], sig));
    tail   = fmax(tail, measure_peak(out[o] + 10U * sig, sig));
  }
  print_message("%s at %.0f Hz: peak %.3f with signal, %.3g in the 10th "
                "second of silence (limit %.3g)\n",
                c->type,
                rate,
                during,
                tail,
                c->tail);
  assert_true(during > 0.05);
  assert_true(tail <= c->tail);

  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    free(in[i]);
  }
  for (uint32_t o = 0; o < AETHER_MAX_OUTPUTS; ++o) {
    free(out[o]);
  }
  harness_free(h);
}

static int
is_symbol(const char* const s)
{
  if (!s || !*s || !(*s >= 'a' && *s <= 'z')) {
    return 0;
  }
  for (const char* c = s; *c; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) {
      return 0;
    }
  }
  return 1;
}

/* The public contract of every type's descriptors. */
static void
test_descriptors(void** state)
{
  (void)state;
  static const char* const units[] = { "Hz", "s", "ms", "dB", "st", "%", "" };
  for (uint32_t c = 0; c < sizeof(fx_cases) / sizeof(fx_cases[0]); ++c) {
    const AetherNodeType* const t = find_type(fx_cases[c].type);
    assert_true(t->label && t->comment && t->process);
    assert_true(t->n_inputs <= AETHER_MAX_INPUTS);
    assert_true(t->n_outputs <= AETHER_MAX_OUTPUTS);
    assert_true(t->n_params <= AETHER_MAX_PARAMS);
    assert_int_equal(!!(t->flags & AETHER_NODE_DELAY), !!t->write);
    for (uint32_t i = 0; i < t->n_inputs; ++i) {
      assert_true(is_symbol(t->inputs[i].name));
      assert_true(t->inputs[i].label && t->inputs[i].comment);
      assert_int_equal(aether_node_type_param_index(t, t->inputs[i].name), -1);
      assert_int_equal(aether_node_type_input_index(t, t->inputs[i].name),
                       (int)i);
    }
    for (uint32_t o = 0; o < t->n_outputs; ++o) {
      assert_true(is_symbol(t->outputs[o].name));
      assert_true(t->outputs[o].label && t->outputs[o].comment);
      assert_int_equal(aether_node_type_output_index(t, t->outputs[o].name),
                       (int)o);
    }
    for (uint32_t p = 0; p < t->n_params; ++p) {
      const AetherParamDesc* const d = &t->params[p];
      assert_true(is_symbol(d->name));
      assert_true(d->label && d->comment && d->unit);
      int unit_ok = 0;
      for (uint32_t u = 0; u < sizeof(units) / sizeof(units[0]); ++u) {
        unit_ok |= !strcmp(d->unit, units[u]);
      }
      assert_true(unit_ok);
      assert_true(d->min < d->max && d->smooth >= 0.0f);
      assert_int_equal(aether_param_check(d, d->def), AETHER_SUCCESS);
      assert_int_equal(aether_node_type_param_index(t, d->name), (int)p);
    }
  }
  print_message("6 types: symbols, labels, comments, units, defaults in "
                "range, no input named like a parameter\n");
}

#define FX_GENERIC_TESTS(name, index)                           \
  static void test_##name##_random_sweep(void** state)          \
  {                                                             \
    (void)state;                                                \
    run_sweep(&fx_cases[index], 22050.0, 20.0, 7U + (index));   \
    run_sweep(&fx_cases[index], 48000.0, 10.0, 77U + (index));  \
    run_sweep(&fx_cases[index], 192000.0, 4.0, 777U + (index)); \
  }                                                             \
  static void test_##name##_partition_invariant(void** state)   \
  {                                                             \
    (void)state;                                                \
    run_partition(&fx_cases[index], 48000.0);                   \
    run_partition(&fx_cases[index], 44100.0);                   \
  }                                                             \
  static void test_##name##_silence_after_signal(void** state)  \
  {                                                             \
    (void)state;                                                \
    run_silence(&fx_cases[index], 48000.0);                     \
    run_silence(&fx_cases[index], 96000.0);                     \
  }

FX_GENERIC_TESTS(delay, FX_DELAY)
FX_GENERIC_TESTS(chorus, FX_CHORUS)
FX_GENERIC_TESTS(reverb, FX_REVERB)
FX_GENERIC_TESTS(granular, FX_GRANULAR)
FX_GENERIC_TESTS(mixer, FX_MIXER)
FX_GENERIC_TESTS(pan, FX_PAN)

#define FX_ENTRIES(name)                                 \
  cmocka_unit_test(test_##name##_random_sweep),          \
    cmocka_unit_test(test_##name##_partition_invariant), \
    cmocka_unit_test(test_##name##_silence_after_signal)

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_descriptors),
    FX_ENTRIES(delay),
    FX_ENTRIES(chorus),
    FX_ENTRIES(reverb),
    FX_ENTRIES(granular),
    FX_ENTRIES(mixer),
    FX_ENTRIES(pan),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
