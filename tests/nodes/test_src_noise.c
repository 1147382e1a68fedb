/* test_src_noise.c: Noise statistics, spectra, seeding, sweep, partition and
   tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_noise;

static float*
render_noise(const double   rate,
             const float    color,
             const float    amp,
             const uint32_t n)
{
  NodeHarness* const h = harness_new(&aether_node_noise, rate);
  harness_set(h, "color", color);
  harness_set(h, "amp", amp);
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);
  harness_free(h);
  return y;
}

/* Mean power density (per FFT bin) in octave bands from 100 Hz, averaged
   over frames of 2^14 samples (Welch). */
static void
octave_densities(const float* const x,
                 const uint32_t     n,
                 const double       rate,
                 double* const      band,
                 const int          n_bands)
{
  enum { M = 1 << 14 };
  double* const power = (double*)calloc(M / 2 + 1, sizeof(double));
  double* const sum   = (double*)calloc(M / 2 + 1, sizeof(double));
  for (uint32_t at = 0; at + M <= n; at += M / 2) {
    measure_spectrum(x + at, M, power);
    for (uint32_t k = 0; k <= M / 2; ++k) {
      sum[k] += power[k];
    }
  }
  for (int b = 0; b < n_bands; ++b) {
    const double lo    = 100.0 * pow(2.0, b);
    double       total = 0.0;
    int          count = 0;
    for (uint32_t k = 0; k <= M / 2; ++k) {
      const double hz = k * rate / M;
      if (hz >= lo && hz < 2.0 * lo) {
        total += sum[k];
        ++count;
      }
    }
    band[b] = 10.0 * log10(total / count);
  }
  free(sum);
  free(power);
}

static void
test_noise_white(void** state)
{
  (void)state;
  const double   rate = 48000;
  const uint32_t n    = 10 * 48000;
  float* const   y    = render_noise(rate, 0, 0.5f, n);
  double         mean = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    mean += y[i];
  }
  mean /= n;
  const double rms  = measure_rms(y, n);
  const double want = 0.5 / sqrt(3.0);
  double       band[7];
  octave_densities(y, n, rate, band, 7);
  double spread = 0.0;
  for (int b = 1; b < 7; ++b) {
    spread = fmax(spread, fabs(band[b] - band[0]));
  }
  printf("white: mean %.2e, RMS %.5f (expected %.5f), peak %.4f, octave "
         "bands 100..12800 Hz within %.2f dB\n",
         mean,
         rms,
         want,
         measure_peak(y, n),
         spread);
  assert_true(fabs(mean) < 2e-3);
  assert_true(fabs(rms / want - 1.0) < 0.005);
  assert_true(measure_peak(y, n) <= 0.5);
  assert_true(spread < 0.3);
  free(y);
}

static void
test_noise_pink(void** state)
{
  (void)state;
  static const double rates[] = { 44100, 48000, 96000, 22050 };
  for (unsigned r = 0; r < 4; ++r) {
    const double   rate = rates[r];
    const uint32_t n    = (uint32_t)(20 * rate);
    float* const   y    = render_noise(rate, 1, 1.0f, n);
    double         band[7]; /* 100, 200, ... 6400 .. 12800 Hz */
    octave_densities(y, n, rate, band, 7);
    double worst = 0.0;
    printf("pink at %g Hz: RMS %.4f, peak %.3f, octave steps from 200 Hz:",
           rate,
           measure_rms(y, n),
           measure_peak(y, n));
    for (int b = 2; b < 7; ++b) {
      const double step = band[b] - band[b - 1];
      printf(" %.2f", step);
      worst = fmax(worst, fabs(step + 3.01));
    }
    printf(" dB\n");
    assert_true(worst < 1.0);
    assert_true(fabs(measure_rms(y, n) - 0.18) < 0.01);
    assert_true(measure_peak(y, n) < 1.0);
    free(y);
  }
}

/* Same output after reset; another seed (the engine seeds each node from
   its name and voice) is another sequence. */
static void
test_noise_seeding(void** state)
{
  (void)state;
  enum { N = 48000 };
  NodeHarness* const a  = harness_new(&aether_node_noise, 48000);
  NodeHarness* const b  = harness_new(&aether_node_noise, 48000);
  float* const       y1 = src_alloc(N);
  float* const       y2 = src_alloc(N);
  float* const       y3 = src_alloc(N);
  aether_node_noise.seed(harness_state(a), 0x1234567U);
  aether_node_noise.seed(harness_state(b), 0x89ABCDEU);
  harness_reset(a);
  harness_reset(b);
  harness_render1(a, 0, y1, N);
  harness_reset(a);
  harness_render1(a, 0, y2, N);
  harness_render1(b, 0, y3, N);
  double dot = 0.0;
  for (uint32_t i = 0; i < N; ++i) {
    dot += (double)y1[i] * y3[i];
  }
  const double corr = dot / (N * measure_rms(y1, N) * measure_rms(y3, N));
  printf("seeding: reset repeats bit for bit, correlation with a second "
         "instance %.4f\n",
         corr);
  assert_memory_equal(y1, y2, N * sizeof(float));
  assert_true(fabs(corr) < 0.02);
  free(y3);
  free(y2);
  free(y1);
  harness_free(b);
  harness_free(a);
}

static void
test_noise_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep spec = { .type  = &aether_node_noise,
                            .rate  = rates[r],
                            .bound = 1.0f };
    const double   peak = src_sweep(&spec, 77U + r, 20.0);
    printf("sweep at %g Hz: peak %.3f\n", rates[r], peak);
    assert_true(peak > 0.5);
  }
}

static void
partition_script(NodeHarness* const  h,
                 float* const* const outs,
                 const uint32_t      n,
                 const uint32_t      block)
{
  harness_ramp(h, "amp", 1, 3000);
  harness_render(h, outs, n / 2, block);
  harness_set(h, "color", 1);
  harness_ramp(h, "amp", 0.2f, 500);
  harness_render(h, (float* const[]){ outs[0] + n / 2 }, n / 4, block);
  harness_ramp(h, "color", 0, 100);
  harness_render(
    h, (float* const[]){ outs[0] + 3 * (n / 4) }, n - 3 * (n / 4), block);
}

static void
test_noise_partition(void** state)
{
  (void)state;
  const float* const in[AETHER_MAX_INPUTS] = { NULL };
  const double       peak =
    src_partition(&aether_node_noise, 48000, 20000, in, partition_script);
  assert_true(peak > 0.5);
}

/* Ten seconds on, the pink filter state is still sane: same level, finite,
   no subnormals; at amp 0 the output is exactly 0. */
static void
test_noise_tail(void** state)
{
  (void)state;
  NodeHarness* const h = harness_new(&aether_node_noise, 48000);
  harness_set(h, "color", 1);
  harness_set(h, "amp", 1);
  const double peak = src_tail(h, &aether_node_noise, 48000, 10.0, 0, 1.0);
  harness_ramp(h, "amp", 0, 960);
  const double muted = src_tail(h, &aether_node_noise, 48000, 10.0, 0, 9.0);
  printf("tail: pink peak over the last second %.3f, muted %g\n", peak, muted);
  assert_true(peak > 0.4 && peak < 1.0);
  assert_true(muted == 0.0);
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_noise_white),     cmocka_unit_test(test_noise_pink),
    cmocka_unit_test(test_noise_seeding),   cmocka_unit_test(test_noise_sweep),
    cmocka_unit_test(test_noise_partition), cmocka_unit_test(test_noise_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
