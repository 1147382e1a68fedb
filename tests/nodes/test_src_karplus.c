/* test_src_karplus.c: KarplusStrong pitch, decay, retrigger, sweep,
   partition and tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_karplus;

enum { IN_TRIGGER, IN_PITCH };

/* Frequency of the strongest spectral peak within +-20 % of `near`
   (parabolic interpolation on log power). */
static double
peak_near(const double* const power,
          const size_t        n,
          const double        rate,
          const double        near)
{
  const size_t lo   = (size_t)(0.8 * near * n / rate);
  const size_t hi   = (size_t)(1.2 * near * n / rate);
  size_t       best = lo;
  for (size_t k = lo; k <= hi; ++k) {
    if (power[k] > power[best]) {
      best = k;
    }
  }
  const double a = log(power[best - 1]);
  const double b = log(power[best]);
  const double c = log(power[best + 1]);
  return (best + 0.5 * (a - c) / (a - 2.0 * b + c)) * rate / n;
}

static double
pluck_hz(const double rate,
         const float  freq,
         const float  bright,
         const float  pitch)
{
  enum { N = 1 << 15 };
  const uint32_t skip = (uint32_t)(0.01 * rate);
  float* const   trig = src_alloc(N + skip);
  float* const   pin  = src_alloc(N + skip);
  trig[0]             = 1.0f;
  for (uint32_t i = 0; i < N + skip; ++i) {
    pin[i] = pitch;
  }
  NodeHarness* const h = harness_new(&aether_node_karplus, rate);
  harness_set(h, "freq", freq);
  harness_set(h, "brightness", bright);
  harness_set(h, "decay", 0.9999f);
  harness_input(h, IN_TRIGGER, trig);
  harness_input(h, IN_PITCH, pin);
  float* const y = src_alloc(N + skip);
  harness_render1(h, 0, y, N + skip);
  double* const power = (double*)calloc(N / 2 + 1, sizeof(double));
  measure_spectrum(y + skip, N, power);
  const double hz = peak_near(power, N, rate, freq * pow(2.0, pitch / 12.0));
  free(power);
  free(y);
  free(pin);
  free(trig);
  harness_free(h);
  return hz;
}

static void
test_karplus_pitch(void** state)
{
  (void)state;
  static const double rates[]   = { 44100, 48000, 96000 };
  static const float  freqs[]   = { 110, 440, 1760, 3520 };
  static const float  brights[] = { 0, 0.7f, 1 };
  double              worst     = 0.0;
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned f = 0; f < 4; ++f) {
      for (unsigned b = 0; b < 3; ++b) {
        const double hz  = pluck_hz(rates[r], freqs[f], brights[b], 0);
        const double err = fabs(hz / freqs[f] - 1.0);
        worst            = fmax(worst, err);
        if (err > 0.005) {
          fail_msg("%g Hz, brightness %g, rate %g: measured %.3f Hz",
                   (double)freqs[f],
                   (double)brights[b],
                   rates[r],
                   hz);
        }
      }
    }
  }
  const double up = pluck_hz(48000, 440, 0.7f, 12);
  printf("pitch: worst relative error %.2g (limit 5e-3); 440 Hz + 12 st: "
         "%.3f Hz\n",
         worst,
         up);
  assert_true(fabs(up / 880.0 - 1.0) < 0.005);
}

/* The fundamental falls by decay * |lowpass at f| each period. */
static void
test_karplus_decay(void** state)
{
  (void)state;
  enum { M = 1 << 13 };
  const double   rate  = 48000;
  const float    f     = 440;
  const uint32_t n     = 2 * 48000;
  float* const   trig  = src_alloc(n);
  trig[0]              = 1.0f;
  NodeHarness* const h = harness_new(&aether_node_karplus, rate);
  harness_input(h, IN_TRIGGER, trig);
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);

  double* const  power = (double*)calloc(M / 2 + 1, sizeof(double));
  const uint32_t t0 = 4800, t1 = 4800 + 48000; /* 0.1 s and 1.1 s */
  measure_spectrum(y + t0, M, power);
  const double p0 = measure_band_power(power, M, rate, f, 3);
  measure_spectrum(y + t1, M, power);
  const double p1   = measure_band_power(power, M, rate, f, 3);
  const double w    = 2.0 * M_PI * f / rate;
  const double a    = 0.5 + 0.5 * 0.7;
  const double g    = hypot(a + (1 - a) * cos(w), (1 - a) * sin(w)) * 0.995;
  const double want = 20.0 * log10(pow(g, f * (t1 - t0) / rate));
  const double got  = 10.0 * log10(p1 / p0);
  printf(
    "decay: fundamental fell %.2f dB in 1 s (expected %.2f dB)\n", got, want);
  assert_true(fabs(got - want) < 1.0);
  free(power);
  free(y);
  free(trig);
  harness_free(h);
}

/* Plucking a ringing string replaces its content: plucks every 50 samples
   with the longest decay do not build up beyond one bright burst (uniform
   noise times 0.346). */
static void
test_karplus_retrigger(void** state)
{
  (void)state;
  const uint32_t n    = 96000;
  float* const   trig = src_alloc(n);
  for (uint32_t i = 0; i < n; i += 50) {
    trig[i] = 1.0f;
  }
  NodeHarness* const h = harness_new(&aether_node_karplus, 48000);
  harness_set(h, "decay", 0.9999f);
  harness_set(h, "brightness", 1);
  harness_set(h, "amp", 1);
  harness_set(h, "freq", 60);
  harness_input(h, IN_TRIGGER, trig);
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);
  printf("retrigger every 50 samples: peak %.3f\n", measure_peak(y, n));
  assert_true(measure_peak(y, n) <= 0.35); /* one burst: 0.346 * amp */
  free(y);
  free(trig);
  harness_free(h);
}

/* The pluck's level does not depend on brightness (burst RMS 0.2 * amp),
   and a whole note, dispersed by the allpass, peaks below amp. */
static void
test_karplus_level(void** state)
{
  (void)state;
  static const float freqs[]   = { 20, 110, 440, 1760, 4000 };
  static const float brights[] = { 0, 0.5f, 1 };
  const double       rate      = 48000;
  const uint32_t     n         = 5 * 48000;
  float* const       trig      = src_alloc(n);
  float* const       y         = src_alloc(n);
  trig[0]                      = 1.0f;
  double peak = 0.0, lo = 1.0, hi = 0.0;
  for (unsigned f = 0; f < 5; ++f) {
    for (unsigned b = 0; b < 3; ++b) {
      NodeHarness* const h = harness_new(&aether_node_karplus, rate);
      harness_set(h, "freq", freqs[f]);
      harness_set(h, "brightness", brights[b]);
      harness_set(h, "decay", 0.9999f);
      harness_set(h, "amp", 1);
      harness_input(h, IN_TRIGGER, trig);
      harness_render1(h, 0, y, n);
      const double rms = measure_rms(y, (uint32_t)(rate / freqs[f]));
      peak             = fmax(peak, measure_peak(y, n));
      if (f == 0) { /* a 2400-sample burst: a steady estimate */
        lo = fmin(lo, rms);
        hi = fmax(hi, rms);
      }
      harness_free(h);
    }
  }
  printf("level: burst RMS %.3f .. %.3f over brightness, note peak %.3f\n",
         lo,
         hi,
         peak);
  assert_true(lo > 0.17 && hi < 0.23);
  assert_true(peak < 1.0);
  free(y);
  free(trig);
}

static void
test_karplus_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep spec = { .type     = &aether_node_karplus,
                            .rate     = rates[r],
                            .bound    = 2.0f, /* the loop's clamp */
                            .in_scale = { 1.0f, 48.0f } };
    const double   peak = src_sweep(&spec, 555U + r, 20.0);
    printf("sweep at %g Hz: peak %.3f\n", rates[r], peak);
    assert_true(peak > 0.3);
  }
}

static void
partition_script(NodeHarness* const  h,
                 float* const* const outs,
                 const uint32_t      n,
                 const uint32_t      block)
{
  harness_ramp(h, "freq", 1000, 3000);
  harness_ramp(h, "brightness", 0.1f, 777);
  harness_render(h, outs, n / 2, block);
  harness_ramp(h, "decay", 0.9f, 500);
  harness_ramp(h, "amp", 0.3f, 100);
  harness_render(h, (float* const[]){ outs[0] + n / 2 }, n - n / 2, block);
}

static void
test_karplus_partition(void** state)
{
  (void)state;
  enum { N = 30000 };
  float* const in[AETHER_MAX_INPUTS] = { src_alloc(N), src_alloc(N) };
  for (uint32_t i = 0; i < N; i += 4000) {
    in[IN_TRIGGER][i] = 1.0f;
  }
  for (uint32_t i = 0; i < N; ++i) {
    in[IN_PITCH][i] = (float)(3.0 * sin(2.0 * M_PI * i / 5000.0));
  }
  const double peak = src_partition(
    &aether_node_karplus, 48000, N, (const float* const*)in, partition_script);
  assert_true(peak > 0.1);
  free(in[0]);
  free(in[1]);
}

/* After a pluck with the longest decay at the lowest note, 10 s of silence:
   finite, no subnormals; a default string has decayed below -160 dB, the
   longest still rings. */
static void
test_karplus_tail(void** state)
{
  (void)state;
  const uint32_t n     = 4800;
  float* const   trig  = src_alloc(n);
  trig[0]              = 1.0f;
  NodeHarness* const h = harness_new(&aether_node_karplus, 48000);
  harness_input(h, IN_TRIGGER, trig);
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);
  harness_input(h, IN_TRIGGER, NULL);
  const double gone = src_tail(h, &aether_node_karplus, 48000, 10.0, 0, 1.0);

  NodeHarness* const g = harness_new(&aether_node_karplus, 48000);
  harness_set(g, "freq", 20);
  harness_set(g, "decay", 0.9999f);
  harness_input(g, IN_TRIGGER, trig);
  harness_render1(g, 0, y, n);
  harness_input(g, IN_TRIGGER, NULL);
  const double ringing = src_tail(g, &aether_node_karplus, 48000, 10.0, 0, 1.0);
  printf("tail after 10 s: default string peak %g, 20 Hz at decay 0.9999 "
         "peak %.4f\n",
         gone,
         ringing);
  assert_true(gone < 1e-8); /* 0.995^4400 = 2.6e-10 */
  assert_true(ringing > 0.01 && ringing < 1.0);
  free(y);
  free(trig);
  harness_free(g);
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_karplus_pitch),
    cmocka_unit_test(test_karplus_decay),
    cmocka_unit_test(test_karplus_retrigger),
    cmocka_unit_test(test_karplus_level),
    cmocka_unit_test(test_karplus_sweep),
    cmocka_unit_test(test_karplus_partition),
    cmocka_unit_test(test_karplus_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
