/* Chorus: the delay follows its LFO within [delay, delay + depth], the two
   channels are a quarter cycle apart, feedback echoes, depth 0 is static. */

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

static NodeHarness*
new_chorus(const double rate,
           const float  lfo_hz,
           const float  depth_ms,
           const float  delay_ms,
           const float  feedback,
           const float  wet)
{
  const AetherNodeType* const type = aether_registry_find("Chorus");
  assert_non_null(type);
  NodeHarness* const h = harness_new(type, rate);
  harness_set(h, "rate", lfo_hz);
  harness_set(h, "depth", depth_ms);
  harness_set(h, "delay", delay_ms);
  harness_set(h, "feedback", feedback);
  harness_set(h, "wet", wet);
  return h;
}

/* The delay in ms the chorus should apply at output frame `t`: the sweep
   from `delay` to `delay + depth` along a sine starting at phase `phase0`
   (0 left, 0.25 right) at frame 0. */
static double
model_ms(const double t,
         const double rate,
         const double hz,
         const double depth,
         const double delay,
         const double phase0)
{
  return delay +
         0.5 * depth * (1.0 + sin(2.0 * M_PI * (phase0 + hz * t / rate)));
}

/* Impulses every 20 ms; the response of each (4 Hermite taps) has its
   centroid exactly at the fractional delay, as Catmull-Rom interpolation
   reproduces linear functions. */
static void
check_lfo_sweep(const double rate)
{
  const double   hz     = 1.0;
  const double   depth  = 5.0;
  const double   delay  = 10.0;
  const uint32_t period = (uint32_t)(rate / 50.0); /* 20 ms */
  const uint32_t n      = 2U * (uint32_t)rate;
  float* const   x      = (float*)calloc(n, sizeof(float));
  float* const   l      = (float*)malloc(n * sizeof(float));
  float* const   r      = (float*)malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; i += period) {
    x[i] = 1.0f;
  }
  NodeHarness* const h =
    new_chorus(rate, (float)hz, (float)depth, (float)delay, 0.0f, 1.0f);
  harness_input(h, 0, x);
  float* out[2] = { l, r };
  harness_render(h, out, n, 64);

  double lo[2]  = { 1e9, 1e9 };
  double hi[2]  = { -1e9, -1e9 };
  double err    = 0.0;
  double max_lr = 0.0;
  for (uint32_t i = 0; i + period <= n; i += period) {
    double ms[2];
    for (uint32_t c = 0; c < 2; ++c) {
      const float* const y   = out[c];
      double             sum = 0.0;
      double             mom = 0.0;
      for (uint32_t k = 0; k < period; ++k) {
        sum += y[i + k];
        mom += (double)k * y[i + k];
      }
      /* Unity gain, up to the change of the fraction across the 4 taps
         (the delay moves by up to 0.016 frames per frame here). */
      assert_float_equal(sum, 1.0, 0.03);
      ms[c] = mom / sum / rate * 1000.0;
      lo[c] = fmin(lo[c], ms[c]);
      hi[c] = fmax(hi[c], ms[c]);
      assert_true(ms[c] >= delay - 0.02 && ms[c] <= delay + depth + 0.02);

      /* Output frame of the response: solve t = i + d(t). */
      double t = i + delay * rate / 1000.0;
      for (int it = 0; it < 4; ++it) {
        t = i +
            model_ms(t, rate, hz, depth, delay, c ? 0.25 : 0.0) * rate / 1000.0;
      }
      err = fmax(err, fabs(ms[c] - (t - i) / rate * 1000.0));
    }
    max_lr = fmax(max_lr, fabs(ms[0] - ms[1]));
  }
  print_message("%.0f Hz, delay 10 ms, depth 5 ms, LFO 1 Hz: left %.3f .. "
                "%.3f ms, right %.3f .. %.3f ms, largest |left - right| %.3f "
                "ms, largest error to the sine model %.2f us\n",
                rate,
                lo[0],
                hi[0],
                lo[1],
                hi[1],
                max_lr,
                err * 1000.0);
  for (uint32_t c = 0; c < 2; ++c) {
    assert_true(lo[c] < delay + 0.05);         /* reaches the bottom */
    assert_true(hi[c] > delay + depth - 0.05); /* and the top */
  }
  assert_true(err < 0.005); /* 5 us: a quarter frame at 48 kHz */
  assert_true(max_lr > 0.5 * depth * sqrt(2.0) - 0.05); /* 90 degrees */
  free(x);
  free(l);
  free(r);
  harness_free(h);
}

static void
test_delay_follows_lfo_within_sweep(void** state)
{
  (void)state;
  check_lfo_sweep(22050.0);
  check_lfo_sweep(48000.0);
  check_lfo_sweep(192000.0);
}

static void
test_depth_zero_is_a_static_delay_with_feedback(void** state)
{
  (void)state;
  const double   rate = 48000.0;
  const uint32_t n    = 2000;
  float* const   x    = (float*)calloc(n, sizeof(float));
  float          l[2000];
  float          r[2000];
  x[3] = 1.0f;
  for (uint32_t s = 0; s < 2; ++s) {
    const float        fb = s ? -0.5f : 0.5f;
    NodeHarness* const h  = new_chorus(rate, 3.0f, 0.0f, 10.0f, fb, 1.0f);
    harness_input(h, 0, x);
    float* out[2] = { l, r };
    harness_render(h, out, n, 64);
    /* 10 ms is 480 frames exactly: echoes 1, fb, fb^2 at 480, 960, 1440. */
    for (uint32_t i = 0; i < n; ++i) {
      float e = 0.0f;
      if (i == 483) {
        e = 1.0f;
      } else if (i == 963) {
        e = fb;
      } else if (i == 1443) {
        e = fb * fb;
      } else if (i == 1923) {
        e = fb * fb * fb;
      }
      if (l[i] != e || r[i] != e) {
        fail_msg("feedback %g, frame %u: %g %g, expected %g",
                 (double)fb,
                 i,
                 (double)l[i],
                 (double)r[i],
                 (double)e);
      }
    }
    harness_free(h);
  }
  print_message("depth 0, delay 10 ms: echoes exactly 1, +-0.5, 0.25, +-0.125 "
                "at 480, 960, 1440, 1920 frames on both channels\n");
  free(x);
}

static void
test_channels_differ_and_mix(void** state)
{
  (void)state;
  const double   rate = 44100.0;
  const uint32_t n    = 2U * (uint32_t)rate;
  float* const   x    = (float*)malloc(n * sizeof(float));
  float* const   l    = (float*)malloc(n * sizeof(float));
  float* const   r    = (float*)malloc(n * sizeof(float));
  uint32_t       s    = 3;
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i] = (float)(s >> 8U) / 8388608.0f - 1.0f;
  }
  NodeHarness* const h = harness_new(aether_registry_find("Chorus"), rate);
  harness_input(h, 0, x);
  float* out[2] = { l, r };
  harness_render(h, out, n, 64);
  double diff = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double d = (double)l[i] - (double)r[i];
    diff += d * d;
  }
  diff                 = sqrt(diff / n);
  const double level_l = measure_rms(l, n);
  print_message("defaults on noise: rms left %.3f, right %.3f, left - right "
                "%.3f\n",
                level_l,
                measure_rms(r, n),
                diff);
  assert_true(diff > 0.2 * level_l);
  harness_free(h);

  /* wet 0 is the input, exactly. */
  NodeHarness* const dry = harness_new(aether_registry_find("Chorus"), rate);
  harness_set(dry, "wet", 0.0f);
  harness_input(dry, 0, x);
  harness_render(dry, out, n, 64);
  assert_memory_equal(l, x, n * sizeof(float));
  assert_memory_equal(r, x, n * sizeof(float));
  harness_free(dry);
  free(x);
  free(l);
  free(r);
}

/* Feedback +-0.95 at the shortest delay on a full-scale sine at the comb's
   resonance: the soft limit keeps the output finite and within 3. */
static void
test_resonant_feedback_stays_bounded(void** state)
{
  (void)state;
  const double   rate = 48000.0;
  const uint32_t n    = 5U * (uint32_t)rate;
  float* const   x    = (float*)malloc(n * sizeof(float));
  float* const   l    = (float*)malloc(n * sizeof(float));
  float* const   r    = (float*)malloc(n * sizeof(float));
  for (uint32_t s = 0; s < 2; ++s) {
    /* A 1 ms comb resonates at 1 kHz with positive feedback, at 500 Hz
       with negative feedback. */
    const double hz = s ? 500.0 : 1000.0;
    for (uint32_t i = 0; i < n; ++i) {
      x[i] = (float)sin(2.0 * M_PI * hz * i / rate);
    }
    NodeHarness* const h =
      new_chorus(rate, 0.05f, 0.0f, 1.0f, s ? -0.95f : 0.95f, 1.0f);
    harness_input(h, 0, x);
    float* out[2] = { l, r };
    harness_render(h, out, n, 64);
    assert_true(measure_all_finite(l, n) && measure_all_finite(r, n));
    const double peak = fmax(measure_peak(l, n), measure_peak(r, n));
    print_message("feedback %+.2f, sine at %.0f Hz (resonance): peak %.3f\n",
                  s ? -0.95 : 0.95,
                  hz,
                  peak);
    assert_true(peak <= 3.0);
    harness_free(h);
  }
  free(x);
  free(l);
  free(r);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_delay_follows_lfo_within_sweep),
    cmocka_unit_test(test_depth_zero_is_a_static_delay_with_feedback),
    cmocka_unit_test(test_channels_differ_and_mix),
    cmocka_unit_test(test_resonant_feedback_stays_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
