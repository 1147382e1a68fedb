/* Aether tests: FormantFilter quality. */

#include "test_flt_common.h"

extern const AetherNodeType aether_node_formant;

#define RATE 48000.0
#define SEGMENTS 32U
#define MAX_BINS (32768U / 2U + 1U)

/* FFT size for a rate: 8192 at 48 kHz, bins of about 5.9 Hz at any rate */
static uint32_t
fft_n(const double rate)
{
  uint32_t n = 4096;
  while (n < 8192.0 * rate / 48000.0 * 0.75) {
    n *= 2;
  }
  return n;
}

/* formant.c's table (tenor): F1, F2 of A E I O U */
static const double f1[]     = { 650, 400, 290, 400, 350 };
static const double f2[]     = { 1080, 1700, 1870, 800, 600 };
static const char   vowels[] = "AEIOU";

/* Averaged (Welch, 32 segments) and 5-bin smoothed power spectrum of the
   formant filter's response to white noise, wet 1. */
static void
formant_spectrum(const double rate,
                 const float  vowel,
                 const float  shift,
                 const float  cv,
                 double*      power)
{
  const uint32_t     fft = fft_n(rate);
  const uint32_t     n   = fft * SEGMENTS;
  float* const       x   = flt_alloc(n);
  float* const       y   = flt_alloc(n);
  float* const       c   = flt_alloc(n);
  double* const      seg = (double*)calloc(fft / 2 + 1, sizeof(double));
  double* const      sum = (double*)calloc(fft / 2 + 1, sizeof(double));
  NodeHarness* const h   = harness_new(&aether_node_formant, rate);
  flt_noise(x, n, 101, 0.5f);
  for (uint32_t i = 0; i < n; ++i) {
    c[i] = cv;
  }
  harness_set(h, "vowel", vowel);
  harness_set(h, "shift", shift);
  harness_set(h, "wet", 1.0f);
  harness_input(h, 0, x);
  harness_input(h, 1, cv != 0.0f ? c : NULL);
  harness_render1(h, 0, y, n);
  for (uint32_t s = 0; s < SEGMENTS; ++s) {
    measure_spectrum(y + s * fft, fft, seg);
    for (uint32_t k = 0; k <= fft / 2; ++k) {
      sum[k] += seg[k];
    }
  }
  for (uint32_t k = 0; k <= fft / 2; ++k) {
    double acc = 0.0;
    int    m   = 0;
    for (int d = -2; d <= 2; ++d) {
      const long j = (long)k + d;
      if (j >= 0 && j <= (long)(fft / 2)) {
        acc += sum[j];
        ++m;
      }
    }
    power[k] = acc / m;
  }
  harness_free(h);
  free(x);
  free(y);
  free(c);
  free(seg);
  free(sum);
}

static double
bin_hz(const size_t k, const double rate)
{
  return (double)k * rate / fft_n(rate);
}

/* Frequency of the strongest bin within [lo, hi] Hz; fails if that maximum
   sits on the edge of the range (no peak inside). */
static double
peak_in(const double* const power,
        const double        rate,
        const double        lo,
        const double        hi)
{
  const size_t a    = (size_t)ceil(lo * fft_n(rate) / rate);
  const size_t b    = (size_t)floor(hi * fft_n(rate) / rate);
  size_t       best = a;
  for (size_t k = a; k <= b; ++k) {
    if (power[k] > power[best]) {
      best = k;
    }
  }
  if (best == a || best == b) {
    fail_msg("no peak inside %.0f .. %.0f Hz (max at %.0f Hz)",
             lo,
             hi,
             bin_hz(best, rate));
  }
  return bin_hz(best, rate);
}

/* For each vowel, at 22050, 48000 and 192000 Hz: the spectrum's global
   peak lies within 15 % of F1, and there is a peak within 15 % of F2. */
static void
test_formant_peaks_at_formants(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  double* const       power   = (double*)calloc(MAX_BINS, sizeof(double));
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double rate = rates[r];
    for (int v = 0; v < 5; ++v) {
      formant_spectrum(rate, (float)v, 0, 0, power);
      const double g = measure_peak_hz(power, fft_n(rate), rate);
      const double p = peak_in(power, rate, f2[v] / 1.15, f2[v] * 1.15);
      printf("formant %c at %g Hz: peak %.0f Hz (F1 %.0f, %+.1f %%), near F2 "
             "%.0f Hz (F2 %.0f, %+.1f %%)\n",
             vowels[v],
             rate,
             g,
             f1[v],
             100.0 * (g / f1[v] - 1.0),
             p,
             f2[v],
             100.0 * (p / f2[v] - 1.0));
      assert_true(fabs(g / f1[v] - 1.0) < 0.15);
      assert_true(fabs(p / f2[v] - 1.0) < 0.15);
    }
  }
  free(power);
}

/* Vowel 0.5 lies between A and E: F1 strictly between E's 400 and A's 650
   Hz (and within 15 % of the midpoint 525), F2 strictly between A's 1080
   and E's 1700 (within 15 % of 1390). The same through vowel_cv 0.5. */
static void
test_formant_morph_between_a_and_e(void** state)
{
  (void)state;
  double* const power = (double*)calloc(MAX_BINS, sizeof(double));
  for (int via_cv = 0; via_cv < 2; ++via_cv) {
    formant_spectrum(
      RATE, via_cv ? 0.0f : 0.5f, 0, via_cv ? 0.5f : 0.0f, power);
    const double g = measure_peak_hz(power, fft_n(RATE), RATE);
    const double p = peak_in(power, RATE, 1100, 1650);
    printf("formant: vowel 0.5%s: F1 %.0f Hz, F2 %.0f Hz\n",
           via_cv ? " (cv)" : "",
           g,
           p);
    assert_true(g > 400.0 && g < 650.0);
    assert_true(fabs(g / 525.0 - 1.0) < 0.15);
    assert_true(p > 1080.0 && p < 1700.0);
    assert_true(fabs(p / 1390.0 - 1.0) < 0.15);
  }
  free(power);
}

/* shift +12 st doubles the formants: A's F1 peak within 15 % of 1300 Hz;
   -12 halves it: 325 Hz. */
static void
test_formant_shift(void** state)
{
  (void)state;
  double* const power = (double*)calloc(MAX_BINS, sizeof(double));
  formant_spectrum(RATE, 0, 12, 0, power);
  const double up = measure_peak_hz(power, fft_n(RATE), RATE);
  formant_spectrum(RATE, 0, -12, 0, power);
  const double down = measure_peak_hz(power, fft_n(RATE), RATE);
  printf("formant: A shifted +12 st: %.0f Hz, -12 st: %.0f Hz\n", up, down);
  assert_true(fabs(up / 1300.0 - 1.0) < 0.15);
  assert_true(fabs(down / 325.0 - 1.0) < 0.15);
  free(power);
}

/* wet 0 passes the input bit for bit; a sine at A's F1 with wet 1 passes at
   unity (0 dB +-1, the F1 bandpass peaks at 0 dB). */
static void
test_formant_wet_and_level(void** state)
{
  (void)state;
  const uint32_t     n = 48000;
  float* const       x = flt_alloc(n);
  float* const       y = flt_alloc(n);
  NodeHarness* const h = harness_new(&aether_node_formant, RATE);
  flt_noise(x, n, 111, 1.0f);
  harness_set(h, "wet", 0.0f);
  harness_set(h, "vowel", 2.3f);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  assert_memory_equal(x, y, n * sizeof(float));
  harness_free(h);

  NodeHarness* const h2 = harness_new(&aether_node_formant, RATE);
  harness_set(h2, "wet", 1.0f);
  const double db = flt_sine_gain_db(h2, 0, 0, 650, RATE, 0.5, 0.5, 50);
  printf("formant: A, sine at F1: %.2f dB\n", db);
  assert_true(fabs(db) < 1.0);
  harness_free(h2);
  free(x);
  free(y);
}

/* Noise at +12 dB, vowel, shift, bandwidth and wet ramping over their range
   every 16 frames, vowel_cv noise +-4, at 22050 and 192000 Hz: finite and
   below 8 (unity-peak bandpasses, five in parallel; 4.3 measured). */
static void
test_formant_stability_under_modulation(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 192000 };
  const uint32_t      n       = 200000;
  float* const        x       = flt_alloc(n);
  float* const        cv      = flt_alloc(n);
  flt_noise(x, n, 121, 4.0f);
  flt_noise(cv, n, 122, 4.0f);
  const float* ins[] = { x, cv };
  const float* dry[] = { x, NULL };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double p1 = flt_check_sweep(
      &aether_node_formant, rates[r], ins, n, 123, 16, 8.0, NULL, NULL);
    const double p2 = flt_check_sweep(
      &aether_node_formant, rates[r], dry, n, 124, 16, 8.0, NULL, NULL);
    printf(
      "formant: rate %g: peak %.3f with CV, %.3f without\n", rates[r], p1, p2);
  }
  free(x);
  free(cv);
}

/* Blocks of 1, 7 and 64 frames give bit-identical output under random
   automation, with and without the CV. */
static void
test_formant_partition(void** state)
{
  (void)state;
  const uint32_t n  = 48000;
  float* const   x  = flt_alloc(n);
  float* const   cv = flt_alloc(n);
  flt_noise(x, n, 131, 1.0f);
  flt_noise(cv, n, 132, 1.0f);
  const float* ins[] = { x, cv };
  const float* dry[] = { x, NULL };
  flt_check_partition(&aether_node_formant, RATE, dry, n, 133, 100, NULL, NULL);
  flt_check_partition(&aether_node_formant, RATE, ins, n, 134, 100, NULL, NULL);
  free(x);
  free(cv);
}

/* One second of noise then ten of silence, for each vowel at bandwidth
   0.25 (the longest ring): finite, no subnormal output, last second
   exactly silent. */
static void
test_formant_silence_after_signal(void** state)
{
  (void)state;
  const uint32_t n = 11 * 48000;
  float* const   x = flt_alloc(n);
  float* const   y = flt_alloc(n);
  flt_noise(x, 48000, 141, 1.0f);
  for (int v = 0; v < 5; ++v) {
    NodeHarness* const h = harness_new(&aether_node_formant, RATE);
    harness_set(h, "vowel", (float)v);
    harness_set(h, "bandwidth", 0.25f);
    harness_set(h, "wet", 1.0f);
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
    cmocka_unit_test(test_formant_peaks_at_formants),
    cmocka_unit_test(test_formant_morph_between_a_and_e),
    cmocka_unit_test(test_formant_shift),
    cmocka_unit_test(test_formant_wet_and_level),
    cmocka_unit_test(test_formant_stability_under_modulation),
    cmocka_unit_test(test_formant_partition),
    cmocka_unit_test(test_formant_silence_after_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
