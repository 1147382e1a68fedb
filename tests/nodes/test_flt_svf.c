/* Aether tests: Filter (state-variable filter) quality. */

#include "test_flt_common.h"

#include <complex.h>

extern const AetherNodeType aether_node_svf;

enum { LP, HP, BP, NOTCH, PEAK };

static const char* const mode_names[] = { "lowpass",
                                          "highpass",
                                          "bandpass",
                                          "notch",
                                          "peak" };

/* The exact response of the trapezoidal SVF: the analog prototype at the
   prewarped frequency Omega = tan(pi f / rate) / tan(pi fc / rate). */
static double
svf_theory_db(const int    mode,
              const double fc,
              const double q,
              const double gain_db,
              const double f,
              const double rate)
{
  const double         w   = tan(M_PI * f / rate) / tan(M_PI * fc / rate);
  const double         a   = pow(10.0, gain_db / 40.0);
  const double         k   = mode == PEAK ? 1.0 / (q * a) : 1.0 / q;
  const double complex den = 1.0 - w * w + I * k * w;
  double complex       num = 1.0;
  switch (mode) {
    case LP:
      num = 1.0;
      break;
    case HP:
      num = -w * w;
      break;
    case BP:
      num = I * k * w;
      break;
    case NOTCH:
      num = 1.0 - w * w;
      break;
    default:
      num = 1.0 - w * w + I * k * a * a * w;
      break;
  }
  return flt_db(cabs(num / den));
}

static double
measure_svf(const int    mode,
            const double fc,
            const double q,
            const double gain_db,
            const double f,
            const double rate)
{
  NodeHarness* const h = harness_new(&aether_node_svf, rate);
  harness_set(h, "mode", (float)mode);
  harness_set(h, "cutoff", (float)fc);
  harness_set(h, "q", (float)q);
  harness_set(h, "gain", (float)gain_db);
  /* settle: 40 time constants of the poles (2 q / (2 pi fc)), at least 0.1 s */
  const double settle = fmax(0.1, 40.0 * 2.0 * q / (AETHER_TWO_PI * fc));
  const double db     = flt_sine_gain_db(h, 0, 0, f, rate, 0.5, settle, 20);
  harness_free(h);
  return db;
}

/* Every mode at the cutoff, at three cutoffs and five rates (22050, 44100,
   48000, 96000, 192000): LP/HP -3.01 dB
   (q 0.707), BP 0 dB, notch below -30 dB, peak `gain` dB; and a decade away
   against the exact response (LP at 10 fc when below 0.4 rate, HP at fc/10,
   BP both sides, notch and peak back near 0 dB). */
static void
test_svf_magnitude_at_cutoff(void** state)
{
  (void)state;
  static const double rates[]   = { 22050, 44100, 48000, 96000, 192000 };
  static const double cutoffs[] = { 100, 1000, 5000 };
  double              worst     = 0.0;
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    for (size_t c = 0; c < AETHER_N(cutoffs); ++c) {
      const double rate = rates[r];
      const double fc   = cutoffs[c];
      for (int mode = LP; mode <= PEAK; ++mode) {
        const double gain = mode == PEAK ? 6.0 : 0.0;
        const double at   = measure_svf(mode, fc, 0.707, gain, fc, rate);
        switch (mode) {
          case LP:
          case HP:
            assert_true(fabs(at - -3.01) < 1.0);
            break;
          case BP:
            assert_true(fabs(at) < 1.0);
            break;
          case NOTCH:
            if (!(at < -30.0)) {
              fail_msg("notch at %g Hz, rate %g: %.2f dB", fc, rate, at);
            }
            break;
          default:
            assert_true(fabs(at - 6.0) < 1.0);
            break;
        }
        if (mode != NOTCH) {
          worst = fmax(
            worst, fabs(at - svf_theory_db(mode, fc, 0.707, gain, fc, rate)));
        }

        const double probes[] = { fc / 10.0, fc * 10.0 };
        for (size_t p = 0; p < AETHER_N(probes); ++p) {
          const double f = probes[p];
          if (f > 0.4 * rate || (mode == LP && f < fc) ||
              (mode == HP && f > fc)) {
            continue;
          }
          const double got  = measure_svf(mode, fc, 0.707, gain, f, rate);
          const double want = svf_theory_db(mode, fc, 0.707, gain, f, rate);
          if (fabs(got - want) > 1.0) {
            fail_msg("%s fc %g rate %g at %g Hz: %.2f dB, theory %.2f dB",
                     mode_names[mode],
                     fc,
                     rate,
                     f,
                     got,
                     want);
          }
          worst = fmax(worst, fabs(got - want));
          if ((mode == LP || mode == HP) && fc == 100.0) {
            /* 12 dB/octave: a decade away is -40 dB (warping aside) */
            assert_true(fabs(got - -40.0) < 1.0);
          }
        }
      }
    }
  }
  printf("svf: worst deviation from the exact response %.4f dB\n", worst);
  assert_true(worst < 0.1);
}

/* Resonance, bell cut, and the CV inputs: LP gain at the cutoff is q (+13.98
   dB at q 5); the bell at -12 dB; cutoff_cv 1 doubles the cutoff; q_cv adds. */
static void
test_svf_q_gain_and_cv(void** state)
{
  (void)state;
  const double rate = 48000;

  double db = measure_svf(LP, 1000, 5.0, 0, 1000, rate);
  printf("svf: LP q 5 at cutoff %.3f dB (theory 13.979)\n", db);
  assert_true(fabs(db - 13.979) < 0.1);

  db = measure_svf(PEAK, 1000, 2.0, -12.0, 1000, rate);
  printf("svf: bell -12 dB at centre %.3f dB\n", db);
  assert_true(fabs(db - -12.0) < 0.1);
  db = measure_svf(PEAK, 1000, 2.0, -12.0, 4000, rate);
  assert_true(fabs(db - svf_theory_db(PEAK, 1000, 2.0, -12.0, 4000, rate)) <
              0.1);

  /* cutoff 500 Hz with cutoff_cv = +1 octave: -3.01 dB at 1000 Hz */
  const size_t n    = (size_t)rate;
  float* const x    = flt_alloc(n);
  float* const y    = flt_alloc(n);
  float* const cv   = flt_alloc(n);
  float* const qcv  = flt_alloc(n);
  NodeHarness* h    = harness_new(&aether_node_svf, rate);
  float*       o[1] = { y };
  for (size_t i = 0; i < n; ++i) {
    cv[i]  = 1.0f;
    qcv[i] = 4.5f;
  }
  flt_sine(x, n, 1000, rate, 0.5);
  harness_set(h, "cutoff", 500);
  harness_input(h, 0, x);
  harness_input(h, 1, cv);
  harness_render(h, o, (uint32_t)n, 64);
  db = flt_db(measure_rms(y + n / 2, n / 2) / measure_rms(x + n / 2, n / 2));
  printf("svf: cutoff 500 Hz + 1 octave CV at 1 kHz %.3f dB\n", db);
  assert_true(fabs(db - -3.01) < 0.1);

  /* q 0.5 + q_cv 4.5 = q 5 */
  harness_free(h);
  h = harness_new(&aether_node_svf, rate);
  harness_set(h, "cutoff", 1000);
  harness_set(h, "q", 0.5f);
  harness_input(h, 0, x);
  harness_input(h, 2, qcv);
  harness_render(h, o, (uint32_t)n, 64);
  db = flt_db(measure_rms(y + n / 2, n / 2) / measure_rms(x + n / 2, n / 2));
  printf("svf: q 0.5 + q_cv 4.5 at cutoff %.3f dB (theory 13.979)\n", db);
  assert_true(fabs(db - 13.979) < 0.1);

  harness_free(h);
  free(x);
  free(y);
  free(cv);
  free(qcv);
}

static int g_mode;

static void
setup_mode(NodeHarness* const h)
{
  harness_set(h, "mode", (float)g_mode);
}

static const char* const skip_mode[] = { "mode", NULL };

/* White noise at +12 dB (amplitude 4) with cutoff, q and gain ramping over
   their whole range every 16 frames and the CVs driven by noise (cutoff_cv
   +-3 octaves, q_cv +-10), per mode, at 22050 and 192000 Hz: finite, and
   below 1000. Steady state peaks at q 20 (x20) or a +24 dB bell (x16); the
   rest is stored resonance read out when q jumps from 20 to 0.5 within a
   few samples (peak mode reaches 420 over 39 seeds). */
static void
test_svf_stability_under_modulation(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 192000 };
  const uint32_t      n       = 200000;
  float* const        x       = flt_alloc(n);
  float* const        fcv     = flt_alloc(n);
  float* const        qcv     = flt_alloc(n);
  flt_noise(x, n, 11, 4.0f);
  flt_noise(fcv, n, 12, 3.0f);
  flt_noise(qcv, n, 13, 10.0f);
  const float* ins[] = { x, fcv, qcv };
  const float* dry[] = { x, NULL, NULL };
  for (size_t r = 0; r < AETHER_N(rates); ++r) {
    for (g_mode = LP; g_mode <= PEAK; ++g_mode) {
      const double p1 = flt_check_sweep(&aether_node_svf,
                                        rates[r],
                                        ins,
                                        n,
                                        77,
                                        16,
                                        1000.0,
                                        setup_mode,
                                        skip_mode);
      const double p2 = flt_check_sweep(&aether_node_svf,
                                        rates[r],
                                        dry,
                                        n,
                                        78,
                                        16,
                                        1000.0,
                                        setup_mode,
                                        skip_mode);
      printf("svf: %s at %g Hz: peak %.1f with CVs, %.1f without\n",
             mode_names[g_mode],
             rates[r],
             p1,
             p2);
    }
  }
  /* and with the mode itself switching */
  flt_check_sweep(&aether_node_svf, 48000, ins, n, 79, 16, 1000.0, NULL, NULL);
  free(x);
  free(fcv);
  free(qcv);
}

/* Blocks of 1, 7 and 64 frames give bit-identical output, under random
   automation of every parameter, with and without CV inputs. */
static void
test_svf_partition(void** state)
{
  (void)state;
  const uint32_t n   = 48000;
  float* const   x   = flt_alloc(n);
  float* const   fcv = flt_alloc(n);
  float* const   qcv = flt_alloc(n);
  flt_noise(x, n, 21, 1.0f);
  flt_noise(fcv, n, 22, 1.0f);
  flt_noise(qcv, n, 23, 2.0f);
  const float* ins[] = { x, fcv, qcv };
  const float* dry[] = { x, NULL, NULL };
  flt_check_partition(&aether_node_svf, 48000, dry, n, 31, 100, NULL, NULL);
  flt_check_partition(&aether_node_svf, 48000, ins, n, 32, 100, NULL, NULL);
  flt_check_partition(&aether_node_svf, 44100, dry, n, 0, 0, NULL, NULL);
  free(x);
  free(fcv);
  free(qcv);
}

/* One second of noise then ten of silence, per mode (and at q 20, 20 Hz):
   finite, no subnormal output, and the last second exactly silent (state
   below 1e-20 is flushed), except the slow 20 Hz q 20 ring, below 1e-9. */
static void
test_svf_silence_after_signal(void** state)
{
  (void)state;
  const double   rate = 48000;
  const uint32_t n    = 11 * 48000;
  float* const   x    = flt_alloc(n);
  float* const   y    = flt_alloc(n);
  flt_noise(x, 48000, 41, 1.0f);
  for (int slow = 0; slow < 2; ++slow) {
    for (int mode = LP; mode <= PEAK; ++mode) {
      NodeHarness* const h = harness_new(&aether_node_svf, rate);
      harness_set(h, "mode", (float)mode);
      if (slow) {
        harness_set(h, "cutoff", 20);
        harness_set(h, "q", 20);
      }
      harness_input(h, 0, x);
      harness_render1(h, 0, y, n);
      assert_true(measure_all_finite(y, n));
      assert_false(flt_has_subnormal(y, n));
      const double tail = measure_peak(y + n - 48000, 48000);
      if (slow) {
        assert_true(tail < 1e-9);
      } else {
        assert_true(tail == 0.0);
      }
      harness_free(h);
    }
  }
  free(x);
  free(y);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_svf_magnitude_at_cutoff),
    cmocka_unit_test(test_svf_q_gain_and_cv),
    cmocka_unit_test(test_svf_stability_under_modulation),
    cmocka_unit_test(test_svf_partition),
    cmocka_unit_test(test_svf_silence_after_signal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
