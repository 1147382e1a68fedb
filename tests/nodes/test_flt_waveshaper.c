/* Aether tests: Waveshaper quality. */

#include "test_flt_common.h"

#include <complex.h>

extern const AetherNodeType aether_node_waveshaper;

#define RATE 48000.0

enum { TANH, HARD, FOLD, BITCRUSH, TUBE };

/* waveshaper.c: drive 0..1 is 0..+30 dB; tube is tanh(u + 0.25) -
   tanh(0.25) through a 10 Hz DC blocker; tilt +-6 dB around 1 kHz. */
static double
pre_gain(const double drive)
{
  return pow(10.0, 30.0 * drive / 20.0);
}

static double
fold_ref(const double u)
{
  double t = (u + 1.0) * 0.25;
  t -= floor(t);
  return 1.0 - 4.0 * fabs(t - 0.5);
}

/* Render `x` through a fresh waveshaper (wet 1, tone 0.5 unless set). */
static void
shape(const int          mode,
      const float        drive,
      const float* const x,
      float* const       y,
      const uint32_t     n,
      const float        bits,
      const float        hold)
{
  NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
  harness_set(h, "mode", (float)mode);
  harness_set(h, "drive", drive);
  harness_set(h, "wet", 1.0f);
  harness_set(h, "tone", 0.5f);
  harness_set(h, "bits", bits);
  harness_set(h, "downsample", hold);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  harness_free(h);
}

/* Static curves on a ramp from -1 to 1 (wet 1, tone neutral), at drive 0,
   0.3 and 1: tanh(g x), clamp(g x), triangle fold of g x, each within
   1e-5 of the double-precision curve; tube within 1e-4 of tanh(g x +
   0.25) - tanh(0.25) passed through the same 10 Hz DC blocker. */
static void
test_waveshaper_static_curves(void** state)
{
  (void)state;
  static const float drives[] = { 0.0f, 0.3f, 1.0f };
  const uint32_t     n        = 4801;
  float* const       x        = flt_alloc(n);
  float* const       y        = flt_alloc(n);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = -1.0f + 2.0f * (float)i / (float)(n - 1);
  }
  for (size_t d = 0; d < AETHER_N(drives); ++d) {
    const double g = pre_gain(drives[d]);
    for (int mode = TANH; mode <= TUBE; ++mode) {
      if (mode == BITCRUSH) {
        continue;
      }
      shape(mode, drives[d], x, y, n, 8, 1);
      const double r    = exp(-AETHER_TWO_PI * 10.0 / RATE);
      double       dc_x = 0.0;
      double       dc_y = 0.0;
      double       err  = 0.0;
      for (uint32_t i = 0; i < n; ++i) {
        const double u    = g * x[i];
        double       want = 0.0;
        switch (mode) {
          case TANH:
            want = tanh(u);
            break;
          case HARD:
            want = fmin(1.0, fmax(-1.0, u));
            break;
          case FOLD:
            want = fold_ref(u);
            break;
          default: {
            const double s = tanh(u + 0.25) - tanh(0.25);
            dc_y           = s - dc_x + r * dc_y;
            dc_x           = s;
            want           = dc_y;
            break;
          }
        }
        err = fmax(err, fabs(want - y[i]));
      }
      printf("waveshaper: mode %d drive %.1f: max error %.2g\n",
             mode,
             (double)drives[d],
             err);
      assert_true(err < (mode == TUBE ? 1e-4 : 1e-5));
    }
  }
  /* fixed points: the fold mirrors at 1 (u = 1.5 -> 0.5, u = 3 -> -1) */
  const float pts[2] = { 1.5f, 3.0f };
  float       out[2];
  shape(FOLD, 0.0f, pts, out, 2, 8, 1);
  assert_float_equal(out[0], 0.5f, 1e-6f);
  assert_float_equal(out[1], -1.0f, 1e-6f);
  free(x);
  free(y);
}

/* Bitcrush at drive 0: over a ramp covering [-1, 1], exactly 2^bits
   distinct output values for bits 1 .. 8 (and 4096 for 12, 65536 would need
   more samples), each a multiple of 2^(1 - bits), none further than half a
   step from the input inside [-1, 1 - step]. */
static int
cmp_float(const void* a, const void* b)
{
  const float x = *(const float*)a;
  const float y = *(const float*)b;
  return (x > y) - (x < y);
}

static void
test_waveshaper_bitcrush_levels(void** state)
{
  (void)state;
  const uint32_t n = 200001;
  float* const   x = flt_alloc(n);
  float* const   y = flt_alloc(n);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = -1.0f + 2.0f * (float)i / (float)(n - 1);
  }
  static const int bits[] = { 1, 2, 3, 4, 6, 8, 12 };
  for (size_t b = 0; b < AETHER_N(bits); ++b) {
    shape(BITCRUSH, 0.0f, x, y, n, (float)bits[b], 1);
    const double step = ldexp(1.0, 1 - bits[b]);
    for (uint32_t i = 0; i < n; ++i) {
      const double k = y[i] / step;
      assert_true(k == floor(k));
      if (x[i] <= 1.0 - step) {
        assert_true(fabs(y[i] - x[i]) <= 0.5 * step + 1e-7);
      }
    }
    qsort(y, n, sizeof(float), cmp_float);
    uint32_t levels = 1;
    for (uint32_t i = 1; i < n; ++i) {
      levels += y[i] != y[i - 1];
    }
    printf("waveshaper: bits %d: %u levels, lowest %g, highest %g\n",
           bits[b],
           levels,
           (double)y[0],
           (double)y[n - 1]);
    assert_int_equal(levels, 1U << (unsigned)bits[b]);
    assert_true(y[0] == -1.0f);
    assert_true(y[n - 1] == (float)(1.0 - step));
  }
  free(x);
  free(y);
}

/* downsample N holds: with hard clip at drive 0 (identity on [-1, 1]),
   output frame i is exactly input frame i - i % N, for N = 1, 2, 4, 7, 32,
   rendered in blocks of 64 (so holds straddle blocks). */
static void
test_waveshaper_downsample_holds(void** state)
{
  (void)state;
  const uint32_t n = 4096;
  float* const   x = flt_alloc(n);
  float* const   y = flt_alloc(n);
  flt_noise(x, n, 201, 0.9f);
  static const int holds[] = { 1, 2, 4, 7, 32 };
  for (size_t k = 0; k < AETHER_N(holds); ++k) {
    shape(HARD, 0.0f, x, y, n, 8, (float)holds[k]);
    for (uint32_t i = 0; i < n; ++i) {
      assert_true(y[i] == x[i - i % (uint32_t)holds[k]]);
    }
  }
  free(x);
  free(y);
}

/* wet 0 with tone 0.5 (neutral: both tilt gains exactly 1) is bit-identical
   to the input in every mode, at the default drive and at drive 1, even with
   the downsampler on. */
static void
test_waveshaper_wet0_neutral_is_identity(void** state)
{
  (void)state;
  const uint32_t n = 48000;
  float* const   x = flt_alloc(n);
  float* const   y = flt_alloc(n);
  flt_noise(x, n, 211, 1.0f);
  for (int mode = TANH; mode <= TUBE; ++mode) {
    for (int hot = 0; hot < 2; ++hot) {
      NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
      harness_set(h, "mode", (float)mode);
      harness_set(h, "wet", 0.0f);
      harness_set(h, "tone", 0.5f);
      if (hot) {
        harness_set(h, "drive", 1.0f);
        harness_set(h, "downsample", 5.0f);
      }
      harness_input(h, 0, x);
      harness_render1(h, 0, y, n);
      assert_memory_equal(x, y, n * sizeof(float));
      harness_free(h);
    }
  }
  free(x);
  free(y);
}

/* The tone tilt on the dry path (wet 0) matches its exact response
   gl LP + gh HP, gl = 1 / gh = 10^(-+6/20), split by a one-pole at 1 kHz /
   gl (in the prewarped domain), within 0.05 dB at 50 Hz, 1 kHz and 9 kHz (and
   15 kHz above 44.1 kHz), for tone 0 and 1, at 22050, 48000 and 192000 Hz:
   about +-6 dB at the ends and 0 dB (+-0.05) at the 1 kHz pivot. */
static void
test_waveshaper_tone_tilt(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  static const double freqs[] = { 50, 1000, 9000, 15000 };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double rate = rates[r];
    for (int bright = 0; bright < 2; ++bright) {
      const double t  = bright ? 1.0 : -1.0;
      const double gl = pow(10.0, -6.0 * t / 20.0);
      const double gh = 1.0 / gl;
      for (size_t f = 0; f < AETHER_N(freqs); ++f) {
        if (freqs[f] > 0.45 * rate) {
          continue;
        }
        NodeHarness* const h = harness_new(&aether_node_waveshaper, rate);
        harness_set(h, "wet", 0.0f);
        harness_set(h, "tone", bright ? 1.0f : 0.0f);
        const double got =
          flt_sine_gain_db(h, 0, 0, freqs[f], rate, 0.5, 0.2, 20);
        harness_free(h);
        const double w = tan(AETHER_PI * freqs[f] / rate) /
                         (tan(AETHER_PI * 1000.0 / rate) / gl);
        const double complex lp   = 1.0 / (1.0 + I * w);
        const double         want = flt_db(cabs(gl * lp + gh * (1.0 - lp)));
        printf("waveshaper: rate %g tone %d at %g Hz: %.3f dB (theory "
               "%.3f)\n",
               rate,
               bright,
               freqs[f],
               got,
               want);
        assert_true(fabs(got - want) < 0.05);
        if (freqs[f] == 1000.0) {
          assert_true(fabs(got) < 0.05);
        } else if (freqs[f] != 9000.0) {
          assert_true(fabs(fabs(got) - 6.0) < 0.5);
        }
      }
    }
  }
}

/* Noise at +12 dB, every parameter (mode, bits and downsample included)
   changing every 16 frames: finite and below 12 (dry 4 plus a shaped
   signal of at most 1.25, through at most +6 dB of tilt). */
static void
test_waveshaper_stability_under_modulation(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 192000 };
  const uint32_t      n       = 200000;
  float* const        x       = flt_alloc(n);
  flt_noise(x, n, 221, 4.0f);
  const float* ins[] = { x };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double p = flt_check_sweep(
      &aether_node_waveshaper, rates[r], ins, n, 222, 16, 12.0, NULL, NULL);
    printf("waveshaper: rate %g: peak %.3f\n", rates[r], p);
  }
  free(x);
}

/* Blocks of 1, 7 and 64 frames give bit-identical output under random
   automation of every parameter. */
static void
test_waveshaper_partition(void** state)
{
  (void)state;
  const uint32_t n = 48000;
  float* const   x = flt_alloc(n);
  flt_noise(x, n, 231, 1.0f);
  const float* ins[] = { x };
  flt_check_partition(
    &aether_node_waveshaper, RATE, ins, n, 232, 100, NULL, NULL);
  flt_check_partition(
    &aether_node_waveshaper, RATE, ins, n, 233, 7, NULL, NULL);
  free(x);
}

/* One second of noise then ten of silence, per mode, tone 0 (the tilt's
   state in use): finite, no subnormals, the last second exactly silent. */
static void
test_waveshaper_silence_after_signal(void** state)
{
  (void)state;
  const uint32_t n = 11 * 48000;
  float* const   x = flt_alloc(n);
  float* const   y = flt_alloc(n);
  flt_noise(x, 48000, 241, 1.0f);
  for (int mode = TANH; mode <= TUBE; ++mode) {
    NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
    harness_set(h, "mode", (float)mode);
    harness_set(h, "tone", 0.0f);
    harness_set(h, "downsample", 3.0f);
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    assert_true(measure_all_finite(y, n));
    assert_false(flt_has_subnormal(y, n));
    assert_true(measure_peak(y + n - 48000, 48000) == 0.0);
    harness_free(h);
  }
  free(x);
  free(y);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_waveshaper_static_curves),
    cmocka_unit_test(test_waveshaper_bitcrush_levels),
    cmocka_unit_test(test_waveshaper_downsample_holds),
    cmocka_unit_test(test_waveshaper_wet0_neutral_is_identity),
    cmocka_unit_test(test_waveshaper_tone_tilt),
    cmocka_unit_test(test_waveshaper_stability_under_modulation),
    cmocka_unit_test(test_waveshaper_partition),
    cmocka_unit_test(test_waveshaper_silence_after_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
