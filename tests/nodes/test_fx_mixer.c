/* Mixer: exact sums with gains, unconnected inputs contribute nothing,
   per-frame gain ramps. */

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

#define N 1000U

static float in[8][N];

static void
fill_inputs(void)
{
  uint32_t s = 77;
  for (uint32_t i = 0; i < 8; ++i) {
    for (uint32_t t = 0; t < N; ++t) {
      s ^= s << 13U;
      s ^= s >> 17U;
      s ^= s << 5U;
      in[i][t] = (float)(s >> 8U) / 8388608.0f - 1.0f;
    }
  }
}

static NodeHarness*
new_mixer(void)
{
  const AetherNodeType* const type = aether_registry_find("Mixer");
  assert_non_null(type);
  assert_int_equal(type->n_inputs, 8);
  assert_int_equal(type->n_params, 9);
  return harness_new(type, 48000.0);
}

static const char* const gain_names[8] = { "gain1", "gain2", "gain3", "gain4",
                                           "gain5", "gain6", "gain7", "gain8" };

/* All inputs, arbitrary gains: out is, bit for bit, the float sum in input
   order times master. */
static void
test_sums_exactly(void** state)
{
  (void)state;
  fill_inputs();
  const float gains[8] = { 0.5f, 2.0f, 0.3f, 3.7f, 1.0f, 0.0f, 4.0f, 1.25f };
  const float master   = 0.75f;
  NodeHarness* const h = new_mixer();
  for (uint32_t i = 0; i < 8; ++i) {
    harness_set(h, gain_names[i], gains[i]);
    harness_input(h, i, in[i]);
  }
  harness_set(h, "master", master);
  float y[N];
  harness_render1(h, 0, y, N);
  for (uint32_t t = 0; t < N; ++t) {
    float e = 0.0f;
    for (uint32_t i = 0; i < 8; ++i) {
      e = i ? e + in[i][t] * gains[i] : in[i][t] * gains[i];
    }
    e *= master;
    if (memcmp(&e, &y[t], sizeof(float))) {
      fail_msg("frame %u: %.9g, expected %.9g", t, (double)y[t], (double)e);
    }
  }

  /* Dyadic values: the exact mathematical sum, in any order. */
  NodeHarness* const h2 = new_mixer();
  float              x[8][64];
  for (uint32_t i = 0; i < 8; ++i) {
    for (uint32_t t = 0; t < 64; ++t) {
      x[i][t] = (float)((int)((t * 7U + i * 13U) % 17U) - 8) / 8.0f;
    }
    harness_set(h2, gain_names[i], (float)(i + 1) / 4.0f);
    harness_input(h2, i, x[i]);
  }
  harness_set(h2, "master", 2.0f);
  float y2[64];
  harness_render1(h2, 0, y2, 64);
  for (uint32_t t = 0; t < 64; ++t) {
    double e = 0.0;
    for (uint32_t i = 0; i < 8; ++i) {
      e += (double)x[i][t] * (i + 1) / 4.0;
    }
    assert_true((double)y2[t] == 2.0 * e);
  }
  print_message("8 inputs: %u frames bit-identical to master * sum(gain_i * "
                "in_i); dyadic values exactly equal to the real sum\n",
                N);
  harness_free(h);
  harness_free(h2);
}

static void
test_unconnected_inputs_contribute_nothing(void** state)
{
  (void)state;
  fill_inputs();
  NodeHarness* const h = new_mixer();
  for (uint32_t i = 0; i < 8; ++i) {
    harness_set(h, gain_names[i], 4.0f); /* loud if they counted */
  }
  harness_set(h, "gain2", 0.5f);
  harness_set(h, "gain7", 1.5f);
  harness_input(h, 1, in[1]);
  harness_input(h, 6, in[6]);
  float y[N];
  harness_render1(h, 0, y, N);
  for (uint32_t t = 0; t < N; ++t) {
    const float e = in[1][t] * 0.5f + in[6][t] * 1.5f;
    assert_true(y[t] == e);
  }
  harness_free(h);

  /* Nothing connected: exact zeros (master 4). */
  NodeHarness* const h0 = new_mixer();
  harness_set(h0, "master", 4.0f);
  for (uint32_t t = 0; t < N; ++t) {
    y[t] = 1.0f;
  }
  harness_render1(h0, 0, y, N);
  assert_true(measure_peak(y, N) == 0.0);
  harness_free(h0);
  print_message("in2 and in7 only: exactly 0.5 * in2 + 1.5 * in7 (other "
                "gains 4); nothing connected: exact zeros\n");
}

/* A gain ramp is applied per frame: the same as the ramp's own values. */
/* Two inputs at constant gains run in one pass (the large-graph case):
   bit for bit the passes' sum, through a master that is not 1, in any
   partition, and still while a gain glides (the passes again). */
static void
test_two_inputs_one_pass_exactly(void** state)
{
  (void)state;
  fill_inputs();
  for (uint32_t block = 1; block <= 64U; block += 21U) {
    NodeHarness* const h = new_mixer();
    harness_set(h, "gain3", 0.3f);
    harness_set(h, "gain8", 3.7f);
    harness_set(h, "master", 0.75f);
    harness_input(h, 2, in[2]);
    harness_input(h, 7, in[7]);
    float  y[N];
    float* outs[1] = { y };
    harness_render(h, outs, 500, block);
    harness_ramp(h, "gain8", 1.25f, 200);
    outs[0] = y + 500;
    harness_render(h, outs, 100, block);
    for (uint32_t t = 0; t < 500; ++t) {
      const float e = (in[2][t] * 0.3f + in[7][t] * 3.7f) * 0.75f;
      if (memcmp(&e, &y[t], sizeof(float))) {
        fail_msg("block %u, frame %u: %.9g, expected %.9g",
                 block,
                 t,
                 (double)y[t],
                 (double)e);
      }
    }
    /* The glide's first frame, through the passes. */
    const float g = 3.7f + (1.25f - 3.7f) / 200.0f;
    assert_true(y[500] == (in[2][500] * 0.3f + in[7][500] * g) * 0.75f);
    harness_free(h);
  }
}

static void
test_gain_ramp_per_frame(void** state)
{
  (void)state;
  float ones[256];
  float y[256];
  for (uint32_t t = 0; t < 256; ++t) {
    ones[t] = 1.0f;
  }
  NodeHarness* const h = new_mixer();
  harness_set(h, "gain3", 0.0f);
  harness_input(h, 2, ones);
  harness_ramp(h, "gain3", 2.0f, 100);
  harness_ramp(h, "master", 0.5f, 200);
  float* out[1] = { y };
  harness_render(h, out, 256, 7);
  /* The harness ramps by repeated addition of (target - start) / frames. */
  float g = 0.0f;
  float m = 1.0f;
  for (uint32_t t = 0; t < 256; ++t) {
    g = t < 99 ? g + 2.0f / 100.0f : 2.0f;
    m = t < 199 ? m + (0.5f - 1.0f) / 200.0f : 0.5f;
    assert_true(y[t] == g * m);
  }
  assert_true(y[255] == 1.0f);
  print_message("ramps of gain3 (0 -> 2) and master (1 -> 0.5) followed "
                "frame by frame, ending at exactly 1\n");
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sums_exactly),
    cmocka_unit_test(test_unconnected_inputs_contribute_nothing),
    cmocka_unit_test(test_gain_ramp_per_frame),
    cmocka_unit_test(test_two_inputs_one_pass_exactly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
