/* Granular: transposition by FFT, grain timing and size, position in the
   past, bounded level, silence, never reading frames not captured yet. */

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

#define RATE 48000.0

static NodeHarness*
new_granular(const double rate)
{
  const AetherNodeType* const type = aether_registry_find("Granular");
  assert_non_null(type);
  NodeHarness* const h = harness_new(type, rate);
  harness_set(h, "wet", 1.0f);
  return h;
}

static float*
sine_new(const uint32_t n, const double hz, const double rate, const float amp)
{
  float* const x = (float*)malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = amp * (float)sin(2.0 * M_PI * hz * i / rate);
  }
  return x;
}

/* Dominant frequency of a sine through the granulator with the given pitch
   and scatter (other parameters at their defaults, wet 1): the peak of the
   mean power spectrum of 48 half-overlapping 8192-frame segments after
   1.5 s (Welch). A single FFT would resolve the random interference of
   the grains (80 ms each, so 25 Hz wide) and peak anywhere in it. */
static double
dominant_hz(const double in_hz, const float pitch, const float scatter)
{
  const size_t       fft  = 8192;
  const uint32_t     segs = 48;
  const uint32_t     skip = (uint32_t)(1.5 * RATE);
  const uint32_t     n    = skip + (segs + 1) * (uint32_t)fft / 2;
  float* const       x    = sine_new(n, in_hz, RATE, 0.5f);
  float* const       y    = (float*)malloc(n * sizeof(float));
  double* const      p    = (double*)malloc((fft / 2 + 1) * sizeof(double));
  double* const      sum  = (double*)calloc(fft / 2 + 1, sizeof(double));
  NodeHarness* const h    = new_granular(RATE);
  harness_set(h, "pitch", pitch);
  harness_set(h, "pitch_scatter", scatter);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  assert_true(measure_all_finite(y, n));
  for (uint32_t s = 0; s < segs; ++s) {
    measure_spectrum(y + skip + s * fft / 2, fft, p);
    for (size_t k = 0; k <= fft / 2; ++k) {
      sum[k] += p[k];
    }
  }
  const double hz = measure_peak_hz(sum, fft, RATE);
  harness_free(h);
  free(x);
  free(y);
  free(p);
  free(sum);
  return hz;
}

static void
test_pitch_zero_keeps_the_frequency(void** state)
{
  (void)state;
  static const struct {
    double hz;
    float  scatter;
  } cases[] = { { 440.0, 0.0f },
                { 440.0, 0.3f },
                { 1234.5, 0.0f },
                { 1234.5, 0.3f },
                { 97.0, 0.0f } };
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    const double hz  = dominant_hz(cases[c].hz, 0.0f, cases[c].scatter);
    const double err = 100.0 * (hz / cases[c].hz - 1.0);
    print_message("pitch 0, scatter %.1f st: %.1f Hz in, %.2f Hz out "
                  "(%+.3f %%)\n",
                  (double)cases[c].scatter,
                  cases[c].hz,
                  hz,
                  err);
    assert_true(fabs(err) < 1.0);
  }
}

static void
test_pitch_transposes(void** state)
{
  (void)state;
  static const float pitches[] = { 12.0f, -12.0f, 7.0f, 24.0f, -24.0f, -5.0f };
  for (uint32_t c = 0; c < sizeof(pitches) / sizeof(pitches[0]); ++c) {
    const double expect = 440.0 * pow(2.0, pitches[c] / 12.0);
    const double hz     = dominant_hz(440.0, pitches[c], 0.3f);
    const double err    = 100.0 * (hz / expect - 1.0);
    print_message("pitch %+.0f st, scatter 0.3 st on 440 Hz: %.2f Hz out, "
                  "expected %.2f (%+.3f %%)\n",
                  (double)pitches[c],
                  hz,
                  expect,
                  err);
    assert_true(fabs(err) < 2.0);
  }
}

/* DC in, no scatter: each grain is one bump of exactly `grain` frames,
   one every 1 / density seconds, peaking at 1 (no overlap, gain 1). */
static void
test_density_and_grain_size(void** state)
{
  (void)state;
  const uint32_t     n = 6U * (uint32_t)RATE;
  float* const       x = (float*)malloc(n * sizeof(float));
  float* const       y = (float*)malloc(n * sizeof(float));
  NodeHarness* const h = new_granular(RATE);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = 1.0f;
  }
  harness_set(h, "density", 4.0f);
  harness_set(h, "grain", 50.0f);
  harness_set(h, "pitch_scatter", 0.0f);
  harness_set(h, "spread", 0.0f);
  harness_set(h, "position", 0.1f);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);

  /* Bumps after the first second (the buffer holds DC by then). */
  uint32_t count = 0;
  uint32_t start = 0;
  uint32_t first = 0;
  uint32_t last  = 0;
  double   peak  = 0.0;
  for (uint32_t i = (uint32_t)RATE; i < n; ++i) {
    if (y[i] != 0.0f && y[i - 1] == 0.0f) {
      start = i;
    }
    if (y[i] == 0.0f && y[i - 1] != 0.0f && start) {
      assert_int_equal(i - start, 2400); /* 50 ms */
      if (count) {
        const uint32_t gap = start - last;
        assert_true(gap >= 11999 && gap <= 12001); /* 250 ms */
      } else {
        first = start;
      }
      last = start;
      ++count;
    }
  }
  for (uint32_t i = (uint32_t)RATE; i < n; ++i) {
    peak = fmax(peak, y[i]);
  }
  print_message("DC in, density 4/s, grain 50 ms: %u grains of exactly 2400 "
                "frames in 5 s, starts %.4f s apart on average, peak %.4f\n",
                count,
                (double)(last - first) / (count - 1) / RATE,
                peak);
  assert_int_equal(count, 20);
  assert_float_equal(peak, 1.0, 1e-3);
  free(x);
  free(y);
  harness_free(h);
}

/* A 100 ms burst at 1 s, position 0.5 s: the grains play it back from
   1.5 s to 1.6 s (give or take one grain), silence elsewhere. */
static void
test_position_reads_the_past(void** state)
{
  (void)state;
  const uint32_t n     = 3U * (uint32_t)RATE;
  const uint32_t grain = (uint32_t)(0.04 * RATE);
  float* const   x     = sine_new(n, 1000.0, RATE, 0.5f);
  float* const   y     = (float*)malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; ++i) {
    if (i < (uint32_t)RATE || i >= (uint32_t)(1.1 * RATE)) {
      x[i] = 0.0f;
    }
  }
  NodeHarness* const h = new_granular(RATE);
  harness_set(h, "density", 50.0f);
  harness_set(h, "grain", 40.0f);
  harness_set(h, "pitch_scatter", 0.0f);
  harness_set(h, "spread", 0.0f);
  harness_set(h, "position", 0.5f);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  uint32_t on  = n;
  uint32_t off = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (y[i] != 0.0f) {
      on  = i < on ? i : on;
      off = i;
    }
  }
  print_message("burst 1.0 .. 1.1 s, position 0.5 s: output from %.4f to "
                "%.4f s, rms inside %.3f\n",
                on / RATE,
                off / RATE,
                measure_rms(y + (uint32_t)(1.52 * RATE), grain));
  assert_true(on >= (uint32_t)(1.5 * RATE) - grain);
  assert_true(on <= (uint32_t)(1.5 * RATE) + 2U);
  assert_true(off >= (uint32_t)(1.6 * RATE) - 2U);
  assert_true(off <= (uint32_t)(1.6 * RATE) + grain);
  assert_true(measure_rms(y + (uint32_t)(1.52 * RATE), grain) > 0.25);
  free(x);
  free(y);
  harness_free(h);
}

/* Level for a full-scale sine: grains of random phase keep the input's
   power (1 / sqrt(overlap) each); in-phase grains (no spread, no scatter,
   pitch 0) add up to at most sqrt(25 / 2) * 8 / 15 * 2 = 3.77. */
static void
test_level_is_bounded(void** state)
{
  (void)state;
  static const struct {
    float grain, density, spread, scatter;
    int   coherent;
  } cases[] = {
    { 500, 50, 0.0f, 0.0f, 1 }, { 200, 20, 0.0f, 0.0f, 1 },
    { 500, 50, 0.5f, 0.3f, 0 }, { 200, 20, 1.0f, 0.0f, 0 },
    { 100, 40, 0.2f, 2.0f, 0 }, { 300, 30, 0.05f, 12.0f, 0 },
  };
  const uint32_t n = 4U * (uint32_t)RATE;
  float* const   x = sine_new(n, 440.0, RATE, 1.0f);
  float* const   y = (float*)malloc(n * sizeof(float));
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    NodeHarness* const h = new_granular(RATE);
    harness_set(h, "grain", cases[c].grain);
    harness_set(h, "density", cases[c].density);
    harness_set(h, "spread", cases[c].spread);
    harness_set(h, "pitch_scatter", cases[c].scatter);
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    const uint32_t skip = 2U * (uint32_t)RATE;
    const double   peak = measure_peak(y, n);
    const double db = 20.0 * log10(measure_rms(y + skip, n - skip) / sqrt(0.5));
    print_message("grain %3.0f ms, %2.0f/s, spread %.2f s, scatter %4.1f st: "
                  "peak %.3f, level %+.1f dB re input\n",
                  (double)cases[c].grain,
                  (double)cases[c].density,
                  (double)cases[c].spread,
                  (double)cases[c].scatter,
                  peak,
                  db);
    assert_true(peak <= 3.8);
    if (!cases[c].coherent) {
      assert_true(fabs(db) < 3.0);
    }
    harness_free(h);
  }
  free(x);
  free(y);
}

static void
test_silence_in_silence_out(void** state)
{
  (void)state;
  const uint32_t n = 3U * (uint32_t)RATE;
  float* const   x = (float*)calloc(n, sizeof(float));
  float* const   y = (float*)malloc(n * sizeof(float));
  for (uint32_t c = 0; c < 4; ++c) {
    NodeHarness* const h = new_granular(RATE);
    harness_set(h, "grain", 10.0f + 150.0f * c);
    harness_set(h, "density", 1.0f + 16.0f * c);
    harness_set(h, "pitch", -24.0f + 16.0f * c);
    harness_set(h, "pitch_scatter", 4.0f * c);
    harness_set(h, "position", 0.6f * c);
    harness_set(h, "spread", 0.3f * c);
    harness_set(h, "wet", 0.3f * c);
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    assert_true(measure_peak(y, n) == 0.0);
    harness_free(h);
  }
  print_message("zeros in: exactly 0 out for 4 settings\n");
  free(x);
  free(y);
}

/* Fastest grains (+36 st) read from the present: the start is pushed back
   so they never pass the write position. If one read a frame not captured
   yet, blocks of 1 frame and of 64 would give different outputs. */
static void
test_fast_grains_never_read_ahead(void** state)
{
  (void)state;
  const uint32_t n = 2U * (uint32_t)RATE;
  float* const   x = sine_new(n, 300.0, RATE, 0.8f);
  float*         y[2];
  const uint32_t blocks[] = { 1, 64 };
  for (uint32_t b = 0; b < 2; ++b) {
    NodeHarness* const h = new_granular(RATE);
    harness_set(h, "grain", 500.0f);
    harness_set(h, "density", 50.0f);
    harness_set(h, "pitch", 24.0f);
    harness_set(h, "pitch_scatter", 12.0f);
    harness_set(h, "position", 0.0f);
    harness_set(h, "spread", 0.0f);
    harness_input(h, 0, x);
    y[b]          = (float*)malloc(n * sizeof(float));
    float* out[1] = { y[b] };
    harness_render(h, out, n, blocks[b]);
    harness_free(h);
  }
  assert_memory_equal(y[0], y[1], n * sizeof(float));
  assert_true(measure_rms(y[0] + n / 2, n / 2) > 0.1);
  print_message("pitch +24 +- 12 st, position 0, grains 500 ms: blocks of 1 "
                "and 64 bit-identical, rms %.3f\n",
                measure_rms(y[0] + n / 2, n / 2));
  free(x);
  free(y[0]);
  free(y[1]);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pitch_zero_keeps_the_frequency),
    cmocka_unit_test(test_pitch_transposes),
    cmocka_unit_test(test_density_and_grain_size),
    cmocka_unit_test(test_position_reads_the_past),
    cmocka_unit_test(test_level_is_bounded),
    cmocka_unit_test(test_silence_in_silence_out),
    cmocka_unit_test(test_fast_grains_never_read_ahead),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
