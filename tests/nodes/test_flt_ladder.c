/* Aether tests: MoogLadder (4-pole ZDF ladder) quality. */

#include "test_flt_common.h"

#include <complex.h>

extern const AetherNodeType aether_node_ladder;

/* ladder.c: feedback k = 1.1 * resonance */
#define K_SCALE 1.1

/* The linear (small-signal, drive 0) response of the TPT ladder: four
   one-poles G = 1 / (1 + j Omega) at the prewarped frequency, feedback k
   and the in-loop passband compensation (1 + k):
   H = (1 + k) G^4 / (1 + k G^4). At the cutoff G^4 = -1/4, so
   |H| = (1 + k) / (4 - k): -12.04 dB at resonance 0. */
static double
ladder_theory_db(const double fc,
                 const double resonance,
                 const double f,
                 const double rate)
{
  const double k = K_SCALE * resonance;
  const double w = tan(AETHER_PI * f / rate) / tan(AETHER_PI * fc / rate);
  const double complex g  = 1.0 / (1.0 + I * w);
  const double complex g4 = g * g * g * g;
  return flt_db(cabs((1.0 + k) * g4 / (1.0 + k * g4)));
}

static double
measure_ladder(const double fc,
               const double resonance,
               const double drive,
               const double f,
               const double rate,
               const double amp)
{
  NodeHarness* const h = harness_new(&aether_node_ladder, rate);
  harness_set(h, "cutoff", (float)fc);
  harness_set(h, "resonance", (float)resonance);
  harness_set(h, "drive", (float)drive);
  const double db = flt_sine_gain_db(h, 0, 0, f, rate, amp, 0.5, 20);
  harness_free(h);
  return db;
}

/* At the cutoff, resonance 0, drive 0, a small sine (0.005): -12.04 dB
   within 1 dB (in fact within 0.1 dB of the exact response), at cutoffs
   100, 1000, 5000 Hz and rates 22050 .. 192000; and at resonance 0.5
   and 2 against (1 + k) / (4 - k). */
static void
test_ladder_magnitude_at_cutoff(void** state)
{
  (void)state;
  static const double rates[]   = { 22050, 44100, 48000, 96000, 192000 };
  static const double cutoffs[] = { 100, 1000, 5000 };
  static const double res[]     = { 0.0, 0.5, 2.0 };
  double              worst     = 0.0;
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    for (size_t c = 0; c < AETHER_N(cutoffs); ++c) {
      for (size_t q = 0; q < AETHER_N(res); ++q) {
        const double fc   = cutoffs[c];
        const double got  = measure_ladder(fc, res[q], 0, fc, rates[r], 0.005);
        const double want = ladder_theory_db(fc, res[q], fc, rates[r]);
        if (res[q] == 0.0) {
          assert_true(fabs(want - -12.041) < 0.001);
          assert_true(fabs(got - -12.041) < 1.0);
        }
        if (fabs(got - want) > 0.1) {
          fail_msg("fc %g res %g rate %g: %.3f dB, theory %.3f dB",
                   fc,
                   res[q],
                   rates[r],
                   got,
                   want);
        }
        worst = fmax(worst, fabs(got - want));
      }
    }
  }
  printf("ladder: worst deviation at the cutoff %.4f dB\n", worst);
}

/* 24 dB/octave: resonance 0, cutoff 200 Hz at 48 kHz; at 800 and 1600 Hz
   within 0.5 dB of the exact response (-49.2 and -72.3 dB in the analog
   prototype) and the octave between them at least 22 dB. */
static void
test_ladder_slope(void** state)
{
  (void)state;
  const double rate = 48000;
  const double a    = measure_ladder(200, 0, 0, 800, rate, 0.05);
  const double b    = measure_ladder(200, 0, 0, 1600, rate, 0.05);
  printf("ladder: 800 Hz %.2f dB (theory %.2f), 1600 Hz %.2f dB (theory "
         "%.2f), slope %.2f dB/octave\n",
         a,
         ladder_theory_db(200, 0, 800, rate),
         b,
         ladder_theory_db(200, 0, 1600, rate),
         a - b);
  assert_true(fabs(a - ladder_theory_db(200, 0, 800, rate)) < 0.5);
  assert_true(fabs(b - ladder_theory_db(200, 0, 1600, rate)) < 0.5);
  assert_true(a - b > 22.0);
}

/* The passband (cutoff / 20) stays at unity for resonance 0 .. 3 (the
   compensation), +-0.2 dB; drive 1 gives +24 dB to a tiny signal; a loud
   input at drive 1 saturates near 1 instead of growing. */
static void
test_ladder_passband_and_drive(void** state)
{
  (void)state;
  const double rate = 48000;
  for (double r = 0.0; r <= 3.0; r += 1.0) {
    const double db = measure_ladder(2000, r, 0, 100, rate, 0.05);
    printf("ladder: passband at resonance %.0f: %.3f dB\n", r, db);
    assert_true(fabs(db) < 0.2);
  }
  const double tiny = measure_ladder(2000, 0.5, 1.0, 100, rate, 0.001);
  printf("ladder: drive 1, tiny signal: %.3f dB\n", tiny);
  assert_true(fabs(tiny - 24.0) < 0.2);

  const size_t       n = 48000;
  float* const       x = flt_alloc(n);
  float* const       y = flt_alloc(n);
  NodeHarness* const h = harness_new(&aether_node_ladder, rate);
  harness_set(h, "drive", 1.0f);
  harness_set(h, "resonance", 0.0f);
  flt_sine(x, n, 100, rate, 1.0);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, (uint32_t)n);
  const double peak = measure_peak(y + n / 2, n / 2);
  printf("ladder: drive 1, full-scale 100 Hz sine: peak %.3f\n", peak);
  assert_true(peak > 0.9 && peak < 1.1);
  harness_free(h);
  free(x);
  free(y);
}

/* Self-oscillation: after a 10 ms noise burst, resonance 4 sustains a sine
   at the cutoff: frequency within 2 % (zero crossings over the last 0.5 s
   of 2 s), level steady (the last two 0.25 s within 0.2 dB) and above
   -30 dB; at 22.05, 44.1, 48, 96 and 192 kHz, cutoffs 200, 1000, 4000 Hz.
   Resonance
   3.75 still sustains; resonance 3.5 decays below -100 dB. */
static double
oscillate(const double rate,
          const double fc,
          const double resonance,
          double*      level_db,
          double*      drift_db)
{
  const size_t       n = (size_t)(2.0 * rate);
  float* const       x = flt_alloc(n);
  float* const       y = flt_alloc(n);
  NodeHarness* const h = harness_new(&aether_node_ladder, rate);
  flt_noise(x, (size_t)(0.01 * rate), 51, 0.1f);
  harness_set(h, "cutoff", (float)fc);
  harness_set(h, "resonance", (float)resonance);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, (uint32_t)n);
  const size_t q  = n / 8;
  const double hz = measure_zero_cross_hz(y + n - 2 * q, 2 * q, rate);
  *level_db       = flt_rms_db(y + n - q, q);
  *drift_db       = *level_db - flt_rms_db(y + n - 2 * q, q);
  harness_free(h);
  free(x);
  free(y);
  return hz;
}

static void
test_ladder_self_oscillation(void** state)
{
  (void)state;
  static const double rates[]   = { 22050, 44100, 48000, 96000, 192000 };
  static const double cutoffs[] = { 200, 1000, 4000 };
  double              level     = 0.0;
  double              drift     = 0.0;
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    for (size_t c = 0; c < AETHER_N(cutoffs); ++c) {
      const double hz = oscillate(rates[r], cutoffs[c], 4.0, &level, &drift);
      printf("ladder: resonance 4, cutoff %g, rate %g: %.2f Hz (%+.2f %%), "
             "%.2f dB, drift %.3f dB\n",
             cutoffs[c],
             rates[r],
             hz,
             100.0 * (hz / cutoffs[c] - 1.0),
             level,
             drift);
      assert_true(fabs(hz / cutoffs[c] - 1.0) < 0.02);
      assert_true(level > -30.0);
      assert_true(fabs(drift) < 0.2);
    }
  }
  oscillate(48000, 1000, 3.75, &level, &drift);
  printf("ladder: resonance 3.75: %.2f dB, drift %.3f dB\n", level, drift);
  assert_true(level > -40.0 && fabs(drift) < 0.5);
  oscillate(48000, 1000, 3.5, &level, &drift);
  printf("ladder: resonance 3.5: %.2f dB\n", level);
  assert_true(level < -100.0);
}

/* White noise at +12 dB (amplitude 4), cutoff, resonance and drive ramping
   over their whole range every 16 frames, cutoff_cv noise of +-4 octaves,
   at 22050, 48000 and 192000 Hz: finite and below 4. The saturating input
   keeps |u| <= 1; steady state peaks reach 2.1 with the cutoff at the
   0.45 * rate clamp (the bilinear one-poles ring there), jumps of the
   cutoff from there read out stored state: 3.2 at worst over 19 seeds. */
static void
test_ladder_stability_under_modulation(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  const uint32_t      n       = 200000;
  float* const        x       = flt_alloc(n);
  float* const        fcv     = flt_alloc(n);
  flt_noise(x, n, 61, 4.0f);
  flt_noise(fcv, n, 62, 4.0f);
  const float* ins[] = { x, fcv };
  const float* dry[] = { x, NULL };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double p1 = flt_check_sweep(
      &aether_node_ladder, rates[r], ins, n, 63, 16, 4.0, NULL, NULL);
    const double p2 = flt_check_sweep(
      &aether_node_ladder, rates[r], dry, n, 64, 16, 4.0, NULL, NULL);
    printf(
      "ladder: rate %g: peak %.3f with CV, %.3f without\n", rates[r], p1, p2);
  }
  free(x);
  free(fcv);
}

/* Blocks of 1, 7 and 64 frames give bit-identical output under random
   automation, with and without the CV. */
static void
test_ladder_partition(void** state)
{
  (void)state;
  const uint32_t n   = 48000;
  float* const   x   = flt_alloc(n);
  float* const   fcv = flt_alloc(n);
  flt_noise(x, n, 71, 1.0f);
  flt_noise(fcv, n, 72, 1.0f);
  const float* ins[] = { x, fcv };
  const float* dry[] = { x, NULL };
  flt_check_partition(&aether_node_ladder, 48000, dry, n, 73, 100, NULL, NULL);
  flt_check_partition(&aether_node_ladder, 48000, ins, n, 74, 100, NULL, NULL);
  free(x);
  free(fcv);
}

/* One second of noise then ten of silence: finite, no subnormal output;
   at resonance 0.5 and 3 the last second is exactly silent; at 4 the
   filter keeps oscillating (that is where it should not decay). */
static void
test_ladder_silence_after_signal(void** state)
{
  (void)state;
  static const double res[] = { 0.5, 3.0, 4.0 };
  const uint32_t      n     = 11 * 48000;
  float* const        x     = flt_alloc(n);
  float* const        y     = flt_alloc(n);
  flt_noise(x, 48000, 81, 1.0f);
  for (size_t r = 0; r < AETHER_N(res); ++r) {
    NodeHarness* const h = harness_new(&aether_node_ladder, 48000);
    harness_set(h, "resonance", (float)res[r]);
    harness_set(h, "drive", 0.5f);
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    assert_true(measure_all_finite(y, n));
    assert_false(flt_has_subnormal(y, n));
    const double tail = measure_peak(y + n - 48000, 48000);
    if (res[r] < 3.5) {
      assert_true(tail == 0.0);
    } else {
      assert_true(tail > 0.01);
    }
    harness_free(h);
  }
  free(x);
  free(y);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ladder_magnitude_at_cutoff),
    cmocka_unit_test(test_ladder_slope),
    cmocka_unit_test(test_ladder_passband_and_drive),
    cmocka_unit_test(test_ladder_self_oscillation),
    cmocka_unit_test(test_ladder_stability_under_modulation),
    cmocka_unit_test(test_ladder_partition),
    cmocka_unit_test(test_ladder_silence_after_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
