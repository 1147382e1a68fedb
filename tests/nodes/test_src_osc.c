/* test_src_osc.c: Oscillator quality: frequency, aliasing, sine continuity,
   pitch, FM, sync, sweep, partition and tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_osc;

#define LATENCY 8 /* the oscillator's BLEP delay, samples */

enum { IN_PITCH, IN_FM, IN_SYNC };
enum { SINE, SAW, SQUARE, TRIANGLE };

static float*
render_osc(NodeHarness* const h, const uint32_t n)
{
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);
  return y;
}

static double
osc_hz(const double rate, const int wave, const float freq)
{
  const uint32_t     n = (uint32_t)(1.25 * rate);
  NodeHarness* const h = harness_new(&aether_node_osc, rate);
  harness_set(h, "wave", (float)wave);
  harness_set(h, "freq", freq);
  float* const y  = render_osc(h, n);
  const double hz = measure_zero_cross_hz(y + n / 5, n - n / 5, rate);
  free(y);
  harness_free(h);
  return hz;
}

static void
test_osc_frequency(void** state)
{
  (void)state;
  static const double rates[] = { 44100, 48000, 96000 };
  static const float  freqs[] = { 110, 440, 1000, 3520.5f };
  double              worst   = 0.0;
  for (unsigned r = 0; r < 3; ++r) {
    for (int w = SINE; w <= TRIANGLE; ++w) {
      for (unsigned f = 0; f < 4; ++f) {
        const double hz  = osc_hz(rates[r], w, freqs[f]);
        const double err = fabs(hz / freqs[f] - 1.0);
        worst            = fmax(worst, err);
        if (err > 1e-4) {
          fail_msg("wave %d at %g Hz, rate %g: measured %.6f Hz",
                   w,
                   (double)freqs[f],
                   rates[r],
                   hz);
        }
      }
    }
  }
  printf("frequency: worst relative error %.3g (limit 1e-4)\n", worst);
}

/* Power in bins further than `guard` bins from every harmonic below
   Nyquist (and from DC): the aliases. */
static double
alias_power(const double* const power,
            const size_t        n,
            const double        rate,
            const double        f,
            const int           guard)
{
  double sum = 0.0;
  for (size_t k = 0; k <= n / 2; ++k) {
    const double hz   = (double)k * rate / (double)n;
    const double h    = floor(hz / f + 0.5);
    const double near = fabs(hz - h * f) * (double)n / rate;
    if (near > guard || h * f >= rate / 2) {
      if ((double)k > guard) {
        sum += power[k];
      }
    }
  }
  return sum;
}

static double
naive_wave(const int wave, const double p)
{
  switch (wave) {
    case SAW:
      return 2.0 * p - 1.0;
    case SQUARE:
      return p < 0.5 ? 1.0 : -1.0;
    default:
      return p < 0.25 ? 4.0 * p : (p < 0.75 ? 2.0 - 4.0 * p : 4.0 * p - 4.0);
  }
}

static double
alias_reduction_db(const int wave, const double f, const double rate)
{
  enum { N = 1 << 16, SKIP = 256 };
  NodeHarness* const h = harness_new(&aether_node_osc, rate);
  harness_set(h, "wave", (float)wave);
  harness_set(h, "freq", (float)f);
  harness_set(h, "amp", 1.0f);
  float* const y = render_osc(h, N + SKIP);
  float* const x = src_alloc(N);
  for (size_t i = 0; i < N; ++i) {
    const double p = fmod((double)i * (double)(float)f / rate, 1.0);
    x[i]           = (float)naive_wave(wave, p);
  }
  double* const py = (double*)calloc(N / 2 + 1, sizeof(double));
  double* const px = (double*)calloc(N / 2 + 1, sizeof(double));
  measure_spectrum(y + SKIP, N, py);
  measure_spectrum(x, N, px);
  const double ay = alias_power(py, N, rate, (double)(float)f, 8);
  const double ax = alias_power(px, N, rate, (double)(float)f, 8);
  /* the fundamentals must match, so the ratio compares like with like */
  const double fy = measure_band_power(py, N, rate, f, 4);
  const double fx = measure_band_power(px, N, rate, f, 4);
  assert_true(fabs(10.0 * log10(fy / fx)) < 0.1);
  free(py);
  free(px);
  free(x);
  free(y);
  harness_free(h);
  return 10.0 * log10(ax / ay);
}

static void
test_osc_alias(void** state)
{
  (void)state;
  const double saw  = alias_reduction_db(SAW, 4186.0, 44100.0);
  const double sq   = alias_reduction_db(SQUARE, 4186.0, 44100.0);
  const double tri  = alias_reduction_db(TRIANGLE, 4186.0, 44100.0);
  const double saw2 = alias_reduction_db(SAW, 2093.0, 48000.0);
  printf("alias energy below naive at 4186 Hz / 44.1 kHz: saw %.1f dB, "
         "square %.1f dB, triangle %.1f dB; saw 2093 Hz / 48 kHz %.1f dB\n",
         saw,
         sq,
         tri,
         saw2);
  assert_true(saw >= 30.0);
  assert_true(sq >= 30.0);
  assert_true(tri >= 30.0);
  assert_true(saw2 >= 30.0);
}

/* The sine equals the ideal one (delayed by the latency) and its largest
   step stays within the derivative bound, including across the wrap. */
static void
test_osc_sine_wrap(void** state)
{
  (void)state;
  static const struct {
    double rate;
    float  freq;
  } cases[] = { { 48000, 440 },
                { 44100, 997 },
                { 48000, 1234.567f },
                { 96000, 17.3f },
                { 22050, 5000 } };
  for (unsigned c = 0; c < 5; ++c) {
    const double       rate = cases[c].rate;
    const double       f    = cases[c].freq;
    const uint32_t     n    = (uint32_t)(2.0 * rate);
    NodeHarness* const h    = harness_new(&aether_node_osc, rate);
    harness_set(h, "freq", cases[c].freq);
    float* const y     = render_osc(h, n);
    const double bound = 2.0 * M_PI * f / rate * 0.5 * (1.0 + 1e-3);
    double       step  = 0.0;
    double       err   = 0.0;
    for (uint32_t i = 1; i < n; ++i) {
      step = fmax(step, fabs((double)y[i] - (double)y[i - 1]));
    }
    for (uint32_t i = LATENCY; i < n; ++i) {
      const double p = fmod((double)(i - LATENCY + 1) * f / rate, 1.0);
      err            = fmax(err, fabs(y[i] - 0.5 * sin(2.0 * M_PI * p)));
    }
    printf("sine %g Hz at %g: max step %.6g (bound %.6g), max error %.2g\n",
           f,
           rate,
           step,
           bound,
           err);
    assert_true(step <= bound);
    assert_true(err < 1e-6);
    free(y);
    harness_free(h);
  }
}

static double
hz_with_inputs(const int    wave,
               const float  fm_depth,
               const float  pitch,
               const float  fm,
               const double rate)
{
  const uint32_t     n = (uint32_t)(1.2 * rate);
  float* const       p = src_alloc(n);
  float* const       m = src_alloc(n);
  NodeHarness* const h = harness_new(&aether_node_osc, rate);
  for (uint32_t i = 0; i < n; ++i) {
    p[i] = pitch;
    m[i] = fm;
  }
  harness_set(h, "wave", (float)wave);
  harness_set(h, "fm_depth", fm_depth);
  harness_input(h, IN_PITCH, p);
  harness_input(h, IN_FM, m);
  float* const y  = render_osc(h, n);
  const double hz = measure_zero_cross_hz(y + n / 6, n - n / 6, rate);
  free(y);
  free(m);
  free(p);
  harness_free(h);
  return hz;
}

static void
test_osc_pitch_fm(void** state)
{
  (void)state;
  const double rate  = 48000;
  const double up    = hz_with_inputs(SAW, 0, 12, 0, rate);
  const double down  = hz_with_inputs(SINE, 0, -12, 0, rate);
  const double fifth = hz_with_inputs(TRIANGLE, 0, 7, 0, rate);
  const double fm    = hz_with_inputs(SINE, 100, 0, 1, rate);
  const double both  = hz_with_inputs(SQUARE, 50, 12, -2, rate);
  const double thru  = hz_with_inputs(SINE, 880, 0, -1, rate); /* f = -440 */
  printf("pitch +12: %.4f Hz, -12: %.4f Hz, +7: %.4f Hz; fm +100 Hz: %.4f "
         "Hz; pitch +12 fm -100 Hz: %.4f Hz; through zero -440 Hz: %.4f Hz\n",
         up,
         down,
         fifth,
         fm,
         both,
         thru);
  assert_true(fabs(up / 880.0 - 1.0) < 1e-4);
  assert_true(fabs(down / 220.0 - 1.0) < 1e-4);
  assert_true(fabs(fifth / (440.0 * pow(2.0, 7.0 / 12.0)) - 1.0) < 1e-4);
  assert_true(fabs(fm / 540.0 - 1.0) < 1e-4);
  assert_true(fabs(both / 780.0 - 1.0) < 1e-4);
  assert_true(fabs(thru / 440.0 - 1.0) < 1e-4);

  /* Audio-rate sine FM: 1000 Hz carrier, 100 Hz modulator, 200 Hz deviation
     (index 2): sideband levels follow the Bessel functions J_n(2). */
  enum { N = 1 << 16 };
  float* const       m = src_alloc(N + 64);
  NodeHarness* const h = harness_new(&aether_node_osc, rate);
  for (uint32_t i = 0; i < N + 64; ++i) {
    m[i] = (float)sin(2.0 * M_PI * 100.0 * i / rate);
  }
  harness_set(h, "freq", 1000);
  harness_set(h, "fm_depth", 200);
  harness_input(h, IN_FM, m);
  float* const  y     = render_osc(h, N + 64);
  double* const power = (double*)calloc(N / 2 + 1, sizeof(double));
  measure_spectrum(y + 64, N, power);
  const double c   = measure_band_power(power, N, rate, 1000, 3);
  double       dev = 0.0;
  for (int k = 1; k <= 3; ++k) {
    const double lo     = measure_band_power(power, N, rate, 1000 - 100 * k, 3);
    const double hi     = measure_band_power(power, N, rate, 1000 + 100 * k, 3);
    const double want   = 20.0 * log10(fabs(jn(k, 2.0) / j0(2.0)));
    const double got_lo = 10.0 * log10(lo / c);
    const double got_hi = 10.0 * log10(hi / c);
    printf("fm sideband %d: %.2f / %.2f dB re carrier (Bessel %.2f dB)\n",
           k,
           got_lo,
           got_hi,
           want);
    dev = fmax(dev, fmax(fabs(got_lo - want), fabs(got_hi - want)));
  }
  assert_true(dev < 0.2);
  free(power);
  free(y);
  free(m);
  harness_free(h);
}

/* Hard sync to a 100 Hz pulse: the output repeats with the master's period
   whatever the slave's frequency, and restarts at the edge. */
static void
test_osc_sync(void** state)
{
  (void)state;
  const double   rate   = 48000;
  const uint32_t period = 480;
  const uint32_t n      = 48000;
  float* const   sync   = src_alloc(n);
  for (uint32_t i = 0; i < n; ++i) {
    sync[i] = (i % period) < 10 ? 1.0f : 0.0f;
  }
  for (int w = SINE; w <= TRIANGLE; ++w) {
    NodeHarness* const h = harness_new(&aether_node_osc, rate);
    harness_set(h, "wave", (float)w);
    harness_set(h, "freq", 333.3f);
    harness_input(h, IN_SYNC, sync);
    float* const y    = render_osc(h, n);
    double       diff = 0.0;
    for (uint32_t i = period; i + period < n; ++i) {
      diff = fmax(diff, fabs((double)y[i + period] - (double)y[i]));
    }
    /* The crossing lies halfway between the last low and the first high
       sample of each pulse, so at that sample the slave's phase is half an
       increment; 8 samples further from the edge than the BLEP reaches, the
       output is the naive waveform restarted there. */
    const double inc     = 333.3 / rate;
    double       restart = 0.0;
    for (uint32_t e = period; e + period < n; e += period) {
      for (uint32_t j = LATENCY; j < 28; ++j) {
        const double p    = (j + 0.5) * inc;
        const double want = w == SINE ? sin(2.0 * M_PI * p) : naive_wave(w, p);
        restart = fmax(restart, fabs(y[e + LATENCY + j] - 0.5 * want));
      }
    }
    printf("sync wave %d: max error after the edge %.3g\n", w, restart);
    assert_true(restart < 1e-5);
    printf("sync wave %d: max |y[i + T] - y[i]| = %.3g\n", w, diff);
    assert_true(diff < 1e-5);
    assert_true(measure_peak(y + period, n - period) > 0.4);
    free(y);
    harness_free(h);
  }
  free(sync);
}

/* Band-limiting a waveform within [-1, 1] cannot exceed the L1 norm of the
   kernel (1.59). The oscillator treats parameter and input changes as steps
   of value and slope at the sample and band-limits them too, so the bound
   holds with sync only and with noise on every input. */
static void
test_osc_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep clean = {
      .type     = &aether_node_osc,
      .rate     = rates[r],
      .bound    = 1.6f,
      .in_scale = { 0.0f, 0.0f, 1.0f },
    };
    const SrcSweep noisy = {
      .type     = &aether_node_osc,
      .rate     = rates[r],
      .bound    = 1.6f,
      .in_scale = { 36.0f, 2.0f, 1.0f },
    };
    const double p1 = src_sweep(&clean, 1234U + r, 20.0);
    const double p2 = src_sweep(&noisy, 4321U + r, 20.0);
    printf("sweep at %g Hz: peak %.3f (sync only), %.3f (noise on all "
           "inputs)\n",
           rates[r],
           p1,
           p2);
    assert_true(p1 > 0.5 && p2 > 0.5);
  }
}

static void
partition_script(NodeHarness* const  h,
                 float* const* const outs,
                 const uint32_t      n,
                 const uint32_t      block)
{
  const uint32_t q = n / 4;
  harness_set(h, "wave", SAW);
  harness_ramp(h, "freq", 3000, 1000);
  harness_ramp(h, "fm_depth", 300, 777);
  harness_render(h, outs, q, block);
  harness_set(h, "wave", SQUARE);
  harness_ramp(h, "width", 0.1f, 2000);
  harness_render(h, (float* const[]){ outs[0] + q }, q, block);
  harness_ramp(h, "wave", TRIANGLE, 300);
  harness_ramp(h, "amp", 1, 100);
  harness_render(h, (float* const[]){ outs[0] + 2 * q }, q, block);
  harness_set(h, "wave", SINE);
  harness_ramp(h, "freq", 20, 5000);
  harness_render(h, (float* const[]){ outs[0] + 3 * q }, n - 3 * q, block);
}

static void
test_osc_partition(void** state)
{
  (void)state;
  enum { N = 16384 };
  uint32_t     rng                   = 99;
  float* const in[AETHER_MAX_INPUTS] = { src_alloc(N),
                                         src_alloc(N),
                                         src_alloc(N) };
  src_random_signal(in[IN_PITCH], N, 12.0f, &rng);
  src_random_signal(in[IN_FM], N, 1.0f, &rng);
  src_random_signal(in[IN_SYNC], N, 1.0f, &rng);
  const double peak = src_partition(
    &aether_node_osc, 44100, N, (const float* const*)in, partition_script);
  assert_true(peak > 0.3);
  for (unsigned i = 0; i < 3; ++i) {
    free(in[i]);
  }
}

/* 10 s after the inputs fall silent: finite, no subnormals, still playing
   at its level; with amp at 0 the output is exactly 0. */
static void
test_osc_tail(void** state)
{
  (void)state;
  const double   rate = 48000;
  const uint32_t n    = 48000;
  uint32_t       rng  = 5;
  float* const   fm   = src_alloc(n);
  src_random_signal(fm, n, 1.0f, &rng);
  NodeHarness* const h = harness_new(&aether_node_osc, rate);
  harness_set(h, "fm_depth", 2000);
  harness_input(h, IN_FM, fm);
  free(render_osc(h, n));
  harness_input(h, IN_FM, NULL);
  const double playing = src_tail(h, &aether_node_osc, rate, 10.0, 0, 1.0);
  harness_ramp(h, "amp", 0, 960);
  const double muted = src_tail(h, &aether_node_osc, rate, 10.0, 0, 9.0);
  printf("tail: peak over the last second %.6f, muted %g\n", playing, muted);
  assert_true(fabs(playing - 0.5) < 1e-4);
  assert_true(muted == 0.0);
  free(fm);
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_osc_frequency), cmocka_unit_test(test_osc_alias),
    cmocka_unit_test(test_osc_sine_wrap), cmocka_unit_test(test_osc_pitch_fm),
    cmocka_unit_test(test_osc_sync),      cmocka_unit_test(test_osc_sweep),
    cmocka_unit_test(test_osc_partition), cmocka_unit_test(test_osc_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
