/* Aether tests: Compressor quality. */

#include "test_flt_common.h"

extern const AetherNodeType aether_node_compressor;

#define RATE 48000.0

/* Sine amplitude for an RMS level in dBFS. */
static double
amp_for_rms_db(const double db)
{
  return sqrt(2.0) * pow(10.0, db / 20.0);
}

typedef struct {
  float threshold;
  float ratio;
  float knee;
  float makeup;
} Settings;

/* Output RMS level (dB) and mean gain reduction over the last 0.5 s of 2 s
   of a 1 kHz sine at `level` dB RMS, through a fresh compressor. */
static double
static_level_at(const double   rate,
                const Settings s,
                const double   level,
                double* const  gr_db)
{
  const uint32_t     n    = (uint32_t)(2 * rate);
  const uint32_t     tail = (uint32_t)(0.5 * rate);
  float* const       x    = flt_alloc(n);
  float* const       y    = flt_alloc(n);
  float* const       gr   = flt_alloc(n);
  float*             o[2] = { y, gr };
  NodeHarness* const h    = harness_new(&aether_node_compressor, rate);
  harness_set(h, "threshold", s.threshold);
  harness_set(h, "ratio", s.ratio);
  harness_set(h, "knee", s.knee);
  harness_set(h, "makeup", s.makeup);
  flt_sine(x, n, 1000, rate, amp_for_rms_db(level));
  harness_input(h, 0, x);
  harness_render(h, o, n, 64);
  const double out = flt_rms_db(y + n - tail, tail);
  double       sum = 0.0;
  for (uint32_t i = n - tail; i < n; ++i) {
    sum += gr[i];
  }
  *gr_db = sum / tail;
  harness_free(h);
  free(x);
  free(y);
  free(gr);
  return out;
}

static double
static_level(const Settings s, const double level, double* const gr_db)
{
  return static_level_at(RATE, s, level, gr_db);
}

static NodeHarness*
new_comp(const float threshold, const float ratio, const float knee)
{
  NodeHarness* const h = harness_new(&aether_node_compressor, RATE);
  harness_set(h, "threshold", threshold);
  harness_set(h, "ratio", ratio);
  harness_set(h, "knee", knee);
  return h;
}

/* Threshold -20, ratio 4, knee 0: a -10 dB RMS sine comes out at -17.5 dB
   (+-0.5; gain_reduction 7.5 +-0.3), -5 dB at -16.25, -20 dB at -20; with a
   6 dB knee, a sine at the threshold loses 6 / 8 * 0.75 = 0.5625 dB; white
   noise at -10 dB RMS comes out at -17.5 +-0.5 too (RMS, not peak). */
static void
test_compressor_static_curve(void** state)
{
  (void)state;
  const Settings hard = { -20, 4, 0, 0 };
  double         gr   = 0.0;
  double         db   = static_level(hard, -10, &gr);
  printf("compressor: -10 dB in: %.3f dB out, reduction %.3f dB\n", db, gr);
  assert_true(fabs(db - -17.5) < 0.5);
  assert_true(fabs(gr - 7.5) < 0.3);

  db = static_level(hard, -5, &gr);
  printf("compressor: -5 dB in: %.3f dB out (curve -16.25)\n", db);
  assert_true(fabs(db - -16.25) < 0.5);
  db = static_level(hard, -20, &gr);
  printf("compressor: -20 dB in: %.3f dB out\n", db);
  assert_true(fabs(db - -20.0) < 0.5);

  const Settings soft = { -20, 4, 6, 0 };
  db                  = static_level(soft, -20, &gr);
  printf("compressor: knee 6, at threshold: %.4f dB out, reduction %.4f "
         "(curve 0.5625)\n",
         db,
         gr);
  assert_true(fabs(gr - 0.5625) < 0.1);
  assert_true(fabs(db - -20.5625) < 0.2);

  /* broadband: white noise at -10 dB RMS, default 10/100 ms times */
  const uint32_t     n    = 4 * 48000;
  const uint32_t     tail = 2 * 48000;
  float* const       x    = flt_alloc(n);
  float* const       y    = flt_alloc(n);
  float*             o[2] = { y, NULL };
  NodeHarness* const h    = new_comp(-20, 4, 0);
  flt_noise(x, n, 5, (float)(amp_for_rms_db(-10) * sqrt(1.5)));
  harness_input(h, 0, x);
  harness_render(h, o, n, 64);
  db = flt_rms_db(y + n - tail, tail) - flt_rms_db(x + n - tail, tail) - 10.0;
  printf("compressor: -10 dB RMS noise in: %.3f dB out\n", db);
  assert_true(fabs(db - -17.5) < 0.5);
  harness_free(h);
  free(x);
  free(y);
}

/* Below the threshold the gain is exactly 1: a -30 dB sine (threshold -20,
   knee 2) comes out bit-identical, and gain_reduction is exactly 0. */
static void
test_compressor_unity_below_threshold(void** state)
{
  (void)state;
  const uint32_t     n    = 48000;
  float* const       x    = flt_alloc(n);
  float* const       y    = flt_alloc(n);
  float* const       gr   = flt_alloc(n);
  float*             o[2] = { y, gr };
  NodeHarness* const h    = new_comp(-20, 4, 2);
  flt_sine(x, n, 1000, RATE, amp_for_rms_db(-30));
  harness_input(h, 0, x);
  harness_render(h, o, n, 64);
  assert_memory_equal(x, y, n * sizeof(float));
  assert_true(measure_peak(gr, n) == 0.0);
  harness_free(h);
  free(x);
  free(y);
  free(gr);
}

/* Makeup adds exactly: +6 dB and +24 dB of makeup raise the compressed
   output by 6.000 and 24.000 dB (+-0.01), with the same reduction. */
static void
test_compressor_makeup(void** state)
{
  (void)state;
  double       gr0    = 0.0;
  double       gr6    = 0.0;
  double       gr24   = 0.0;
  const double base   = static_level((Settings){ -20, 4, 2, 0 }, -10, &gr0);
  const double plus6  = static_level((Settings){ -20, 4, 2, 6 }, -10, &gr6);
  const double plus24 = static_level((Settings){ -20, 4, 2, 24 }, -10, &gr24);
  printf("compressor: makeup 6: %+.4f dB, makeup 24: %+.4f dB\n",
         plus6 - base,
         plus24 - base);
  assert_true(fabs(plus6 - base - 6.0) < 0.01);
  assert_true(fabs(plus24 - base - 24.0) < 0.01);
  assert_true(gr6 == gr0 && gr24 == gr0);
}

/* Time from a level step until gain_reduction has made 63.2 % of its change
   (in dB: the time constant of the log-domain smoother), for a 1 kHz sine
   stepping from -40 to -10 dB RMS and back (threshold -20, ratio 4, knee
   0: reduction 0 -> 7.5 dB -> 0). */
static void
step_times_at(const double  rate,
              const float   attack,
              const float   release,
              double* const attack_ms,
              double* const release_ms)
{
  const uint32_t a    = (uint32_t)(0.5 * rate);
  const uint32_t b    = a + (uint32_t)(fmax(1.0, 10 * attack / 1000.0) * rate);
  const uint32_t n    = b + (uint32_t)(fmax(1.0, 10 * release / 1000.0) * rate);
  float* const   x    = flt_alloc(n);
  float* const   y    = flt_alloc(n);
  float* const   gr   = flt_alloc(n);
  float*         o[2] = { y, gr };
  NodeHarness* const h = harness_new(&aether_node_compressor, rate);
  harness_set(h, "threshold", -20);
  harness_set(h, "ratio", 4);
  harness_set(h, "knee", 0);
  harness_set(h, "attack", attack);
  harness_set(h, "release", release);
  for (uint32_t i = 0; i < n; ++i) {
    const double amp = amp_for_rms_db(i >= a && i < b ? -10 : -40);
    x[i]             = (float)(amp * sin(AETHER_TWO_PI * 1000.0 * i / rate));
  }
  harness_input(h, 0, x);
  harness_render(h, o, n, 64);

  const double top = gr[b - 1];
  assert_true(fabs(top - 7.5) < 0.3);
  uint32_t i = a;
  while (i < b && gr[i] < 0.632 * top) {
    ++i;
  }
  *attack_ms = (i - a) * 1000.0 / rate;
  i          = b;
  while (i < n && gr[i] > 0.368 * top) {
    ++i;
  }
  *release_ms = (i - b) * 1000.0 / rate;
  assert_true(gr[n - 1] < 0.01);
  harness_free(h);
  free(x);
  free(y);
  free(gr);
}

static void
step_times(const float   attack,
           const float   release,
           double* const attack_ms,
           double* const release_ms)
{
  step_times_at(RATE, attack, release, attack_ms, release_ms);
}

/* Attack and release hold within 20 % of the set time, or within 0.65 ms
   for fast settings: the detector (the Hilbert pair's group delay, about
   0.4 ms at 1 kHz, and an RMS window of an eighth of the faster time, at
   most 5 ms) lags the audio by a roughly fixed amount. Measured at 48 kHz:
   10/100 ms (defaults) +12.7 % / +1.8 %, 5/50 +16.7 % / +2.1 %, 50/500
   +7.6 % / +1.2 %, 200/2000 +1.8 % / +0.1 %; fast: attack 1 ms 1.44 ms,
   2 ms 2.58 ms, release 1 ms 1.50 ms. */
static void
test_compressor_attack_release_times(void** state)
{
  (void)state;
  static const float times[][2] = { { 10, 100 },   { 5, 50 }, { 50, 500 },
                                    { 200, 2000 }, { 1, 20 }, { 2, 10 },
                                    { 20, 1 } };
  for (size_t t = 0; t < AETHER_N(times); ++t) {
    double att = 0.0;
    double rel = 0.0;
    step_times(times[t][0], times[t][1], &att, &rel);
    printf("compressor: attack %g ms -> %.2f ms (%+.1f %%), release %g ms -> "
           "%.2f ms (%+.1f %%)\n",
           (double)times[t][0],
           att,
           100.0 * (att / times[t][0] - 1.0),
           (double)times[t][1],
           rel,
           100.0 * (rel / times[t][1] - 1.0));
    assert_true(fabs(att - times[t][0]) <= fmax(0.2 * times[t][0], 0.65));
    assert_true(fabs(rel - times[t][1]) <= fmax(0.2 * times[t][1], 0.65));
  }
}

/* At 22050, 44100, 96000 and 192000 Hz: the -10 dB sine comes out at
   -17.5 +-0.5 dB (threshold -20, ratio 4, knee 0), and the default 10/100
   ms attack/release hold within 20 %. */
static void
test_compressor_any_rate(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 44100, 96000, 192000 };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    double       gr  = 0.0;
    double       att = 0.0;
    double       rel = 0.0;
    const double db =
      static_level_at(rates[r], (Settings){ -20, 4, 0, 0 }, -10, &gr);
    step_times_at(rates[r], 10, 100, &att, &rel);
    printf("compressor: rate %g: -10 dB in: %.3f dB out; attack 10 ms -> "
           "%.2f ms, release 100 ms -> %.2f ms\n",
           rates[r],
           db,
           att,
           rel);
    assert_true(fabs(db - -17.5) < 0.5);
    assert_true(fabs(att / 10.0 - 1.0) < 0.2);
    assert_true(fabs(rel / 100.0 - 1.0) < 0.2);
  }
}

/* A -10 dB sidechain ducks a -30 dB input by 7.5 dB (+-0.5); the input
   alone would pass unchanged. */
static void
test_compressor_sidechain(void** state)
{
  (void)state;
  const uint32_t     n    = (uint32_t)(2 * RATE);
  const uint32_t     tail = (uint32_t)(0.5 * RATE);
  float* const       x    = flt_alloc(n);
  float* const       sc   = flt_alloc(n);
  float* const       y    = flt_alloc(n);
  float*             o[2] = { y, NULL };
  NodeHarness* const h    = new_comp(-20, 4, 0);
  flt_sine(x, n, 440, RATE, amp_for_rms_db(-30));
  flt_sine(sc, n, 1000, RATE, amp_for_rms_db(-10));
  harness_input(h, 0, x);
  harness_input(h, 1, sc);
  harness_render(h, o, n, 64);
  const double duck =
    flt_rms_db(y + n - tail, tail) - flt_rms_db(x + n - tail, tail);
  printf("compressor: ducked by the sidechain: %.3f dB\n", duck);
  assert_true(fabs(duck - -7.5) < 0.5);
  harness_free(h);
  free(x);
  free(sc);
  free(y);
}

/* Noise at +12 dB, every parameter ramping over its range every 16 frames,
   with and without a noise sidechain: both outputs finite and below 100
   (out: input 4 times the largest makeup, 15.85, is 63.4; gain_reduction:
   a +9 dB level at threshold -60, ratio 20, is 65.5 dB). */
static void
test_compressor_stability_under_modulation(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 192000 };
  const uint32_t      n       = 200000;
  float* const        x       = flt_alloc(n);
  float* const        sc      = flt_alloc(n);
  flt_noise(x, n, 151, 4.0f);
  flt_noise(sc, n, 152, 4.0f);
  const float* ins[] = { x, sc };
  const float* dry[] = { x, NULL };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    const double p1 = flt_check_sweep(
      &aether_node_compressor, rates[r], ins, n, 153, 16, 100.0, NULL, NULL);
    const double p2 = flt_check_sweep(
      &aether_node_compressor, rates[r], dry, n, 154, 16, 100.0, NULL, NULL);
    printf("compressor: rate %g: largest output %.3f with sidechain, %.3f "
           "without\n",
           rates[r],
           p1,
           p2);
  }
  free(x);
  free(sc);
}

/* Blocks of 1, 7 and 64 frames give bit-identical outputs (both) under
   random automation, with and without the sidechain. */
static void
test_compressor_partition(void** state)
{
  (void)state;
  const uint32_t n  = 48000;
  float* const   x  = flt_alloc(n);
  float* const   sc = flt_alloc(n);
  flt_noise(x, n, 161, 1.0f);
  flt_noise(sc, n, 162, 1.0f);
  const float* ins[] = { x, sc };
  const float* dry[] = { x, NULL };
  flt_check_partition(
    &aether_node_compressor, RATE, dry, n, 163, 100, NULL, NULL);
  flt_check_partition(
    &aether_node_compressor, RATE, ins, n, 164, 100, NULL, NULL);
  free(x);
  free(sc);
}

/* One second of loud noise then ten of silence, release 500 ms: finite, no
   subnormals, the output exactly 0 in silence, and the gain reduction
   (about 33 dB at the end of the noise) below 1e-6 dB in the last second
   (e^-18 of it). */
static void
test_compressor_silence_after_signal(void** state)
{
  (void)state;
  const uint32_t     n    = 11 * 48000;
  float* const       x    = flt_alloc(n);
  float* const       y    = flt_alloc(n);
  float* const       gr   = flt_alloc(n);
  float*             o[2] = { y, gr };
  NodeHarness* const h    = new_comp(-40, 20, 0);
  harness_set(h, "release", 500);
  flt_noise(x, 48000, 171, 1.0f);
  harness_input(h, 0, x);
  harness_render(h, o, n, 64);
  assert_true(measure_all_finite(y, n) && measure_all_finite(gr, n));
  assert_false(flt_has_subnormal(y, n) || flt_has_subnormal(gr, n));
  assert_true(measure_peak(y + 48000, n - 48000) == 0.0);
  assert_true(gr[48000 - 1] > 20.0);
  assert_true(measure_peak(gr + n - 48000, 48000) < 1e-6);
  harness_free(h);
  free(x);
  free(y);
  free(gr);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_compressor_static_curve),
    cmocka_unit_test(test_compressor_unity_below_threshold),
    cmocka_unit_test(test_compressor_makeup),
    cmocka_unit_test(test_compressor_attack_release_times),
    cmocka_unit_test(test_compressor_any_rate),
    cmocka_unit_test(test_compressor_sidechain),
    cmocka_unit_test(test_compressor_stability_under_modulation),
    cmocka_unit_test(test_compressor_partition),
    cmocka_unit_test(test_compressor_silence_after_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
