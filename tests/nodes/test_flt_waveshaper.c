/* Aether tests: Waveshaper quality. */

#include "test_flt_common.h"

#include <complex.h>
#include <float.h>

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

/* The static curve of each mode (tube without its DC blocker). */
static double
curve_ref(const int mode, const double u)
{
  switch (mode) {
    case TANH:
      return tanh(u);
    case HARD:
      return fmin(1.0, fmax(-1.0, u));
    case FOLD:
      return fold_ref(u);
    default:
      return tanh(u + 0.25) - tanh(0.25);
  }
}

/* What first-order antiderivative anti-aliasing computes, found without an
   antiderivative: the mean of the curve over [u0, u1] by the composite
   midpoint rule (fine enough that its error, below 1e-6 even across the
   kinks of hard and fold, does not matter), or the curve at u0 = u1. */
static double
cell_mean(const int mode, const double u0, const double u1)
{
  if (u0 == u1) {
    return curve_ref(mode, u0);
  }
  const uint32_t m   = 64U + (uint32_t)ceil(fabs(u1 - u0) * 4096.0);
  double         sum = 0.0;
  for (uint32_t k = 0; k < m; ++k) {
    sum += curve_ref(mode, u0 + (u1 - u0) * ((double)k + 0.5) / (double)m);
  }
  return sum / (double)m;
}

/* The 10 Hz DC blocker of waveshaper.c, in double. */
typedef struct {
  double r, x, y;
} DcRef;

static DcRef
dc_ref(const double rate)
{
  const DcRef d = { exp(-AETHER_TWO_PI * 10.0 / rate), 0.0, 0.0 };
  return d;
}

static double
dc_step(DcRef* const d, const double s)
{
  d->y = s - d->x + d->r * d->y;
  d->x = s;
  return d->y;
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

/* Anti-aliased curves on a ramp from -1 to 1 (wet 1, tone neutral), at
   drive 0, 0.3 and 1: each output is the mean of the static curve (tanh(g
   x), clamp(g x), triangle fold of g x) over the step from the previous
   input to this one (the first from 0, the input before it), within 1e-5
   of a numerical integral of the double-precision curve; tube within 1e-4
   of the mean of tanh(g x + 0.25) - tanh(0.25) through the same 10 Hz DC
   blocker. Before anti-aliasing this compared with the curve at x itself:
   the mean is that curve half a sample late, which at drive 1 differs from
   it by up to 7e-3 here. A held input gives the static curve exactly: the
   fold mirrors at 1 (u = 1.5 -> 0.5, u = 3 -> -1). */
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
      DcRef  dc   = dc_ref(RATE);
      double err  = 0.0;
      double late = 0.0; /* distance from the curve at x, for the report */
      for (uint32_t i = 0; i < n; ++i) {
        const double u0   = i ? g * x[i - 1] : 0.0;
        const double u1   = g * x[i];
        const double mean = cell_mean(mode, u0, u1);
        const double want = mode == TUBE ? dc_step(&dc, mean) : mean;
        err               = fmax(err, fabs(want - y[i]));
        if (i && mode != TUBE) {
          late = fmax(late, fabs(curve_ref(mode, u1) - y[i]));
        }
      }
      printf("waveshaper: mode %d drive %.1f: max error %.2g (%.2g from the "
             "curve at x)\n",
             mode,
             (double)drives[d],
             err,
             late);
      assert_true(err < (mode == TUBE ? 1e-4 : 1e-5));
    }
  }
  /* fixed points: the fold mirrors at 1 (u = 1.5 -> 0.5, u = 3 -> -1) */
  const float pts[4] = { 1.5f, 1.5f, 3.0f, 3.0f };
  float       out[4];
  shape(FOLD, 0.0f, pts, out, 4, 8, 1);
  assert_float_equal(out[1], 0.5f, 1e-6f);
  assert_float_equal(out[3], -1.0f, 1e-6f);
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
   output frame i is input frame i - i % N while it is held (exactly: a held
   input gives the static curve), and at each new hold (i % N == 0) the mean
   of the identity from the previous held input to the new one, their
   average (within rounding), for N = 1, 2, 4, 7, 32, rendered in blocks of
   64 (so holds straddle blocks). Before anti-aliasing every frame was the
   held input exactly. */
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
    const uint32_t hold = (uint32_t)holds[k];
    shape(HARD, 0.0f, x, y, n, 8, (float)hold);
    for (uint32_t i = 0; i < n; ++i) {
      const float held = x[i - i % hold];
      if (i % hold) {
        assert_true(y[i] == held);
      } else {
        const double prev = i ? (double)x[i - hold] : 0.0;
        assert_true(fabs(y[i] - 0.5 * (prev + held)) <= 6e-8);
      }
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

/* Power of `y` (ALIAS_N frames) away from the harmonics of `hz` (and DC)
   between `lo` and `hi` Hz: what aliasing folds back there. Each harmonic
   below Nyquist and DC take +-8 bins (the Blackman-Harris main lobe is
   +-4). With `harm`, the power of the harmonics (DC excluded). */
#define ALIAS_N 16384U

static double
alias_power(const float* const y,
            const double       hz,
            const double       lo,
            const double       hi,
            double* const      harm)
{
  static double power[ALIAS_N / 2 + 1];
  measure_spectrum(y, ALIAS_N, power);
  const double bin   = RATE / ALIAS_N;
  double       alias = 0.0;
  double       h     = 0.0;
  for (uint32_t k = 1; k <= ALIAS_N / 2; ++k) {
    const double f = k * bin;
    const double m = floor(f / hz + 0.5); /* nearest harmonic number */
    if (fabs(f - m * hz) <= 8.0 * bin) {
      h += m > 0.0 ? power[k] : 0.0;
    } else if (f >= lo && f <= hi) {
      alias += power[k];
    }
  }
  if (harm) {
    *harm = h;
  }
  return alias;
}

/* Aliasing at 48 kHz: a sine at 5001 Hz (on a bin: 1707 * 48000 / 16384)
   driven hard (amplitude 1 at drive 1, +30 dB, and amplitude 0.5 at drive
   0.6, +18 dB). Its odd (and, for tube, even) harmonics above 24 kHz fold
   back between the harmonics: at 23, 13, 3, 7, 17 kHz and so on. The power
   there, over 20 Hz to 20 kHz, must be at least `min_db` below that of the
   naive curve f(g x[n]) computed here in double (measured: 11 to 19 dB;
   each bound is about 1 dB under its figure), and below 4.5 kHz, where the
   aliases come from the highest partials and no harmonic masks them, at
   least `low_db` below (measured: 28 to 44 dB; 17 for the fold at +30 dB,
   whose partials reach past twice the rate and fold more than once).
   ADAA's suppression is a continuous-time box filter before sampling,
   sinc(f / rate): strong for partials far above Nyquist, weak for those
   just above it, which fold to just below it. The box also takes some high
   frequencies off the shaped signal (-3.6 dB at 13 kHz): the figure against the
   naive curve through the same two-point average, which has the same droop but
   every alias, is printed too, and must be at least 6 dB. */
static void
test_waveshaper_alias_reduction(void** state)
{
  (void)state;
  static const struct {
    int    mode;
    float  drive;
    double amp;
    double min_db;
    double low_db;
  } cases[] = {
    { TANH, 1.0f, 1.0, 12.0, 27.0 }, { TANH, 0.6f, 0.5, 11.0, 35.0 },
    { HARD, 1.0f, 1.0, 12.0, 27.0 }, { HARD, 0.6f, 0.5, 11.0, 43.0 },
    { FOLD, 1.0f, 1.0, 17.0, 16.0 }, { FOLD, 0.6f, 0.5, 13.0, 27.0 },
    { TUBE, 1.0f, 1.0, 12.0, 27.0 }, { TUBE, 0.6f, 0.5, 9.5, 28.0 },
  };
  const double   hz     = 1707.0 * RATE / ALIAS_N;
  const uint32_t settle = 9600; /* the tube's DC blocker: 0.2 s, 12 tau */
  const uint32_t n      = settle + ALIAS_N;
  float* const   x      = flt_alloc(n);
  float* const   y      = flt_alloc(n);
  float* const   naive  = flt_alloc(n);
  float* const   box    = flt_alloc(n);
  for (size_t c = 0; c < AETHER_N(cases); ++c) {
    const int    mode = cases[c].mode;
    const double g    = pre_gain(cases[c].drive);
    flt_sine(x, n, hz, RATE, cases[c].amp);
    shape(mode, cases[c].drive, x, y, n, 8, 1);
    DcRef  dc_n = dc_ref(RATE);
    DcRef  dc_b = dc_ref(RATE);
    double prev = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      const double s = curve_ref(mode, g * x[i]);
      const double a = 0.5 * (s + prev);
      prev           = s;
      naive[i]       = (float)(mode == TUBE ? dc_step(&dc_n, s) : s);
      box[i]         = (float)(mode == TUBE ? dc_step(&dc_b, a) : a);
    }
    double       harm_y = 0.0;
    double       harm_n = 0.0;
    const float* ys     = y + settle;
    const float* ns     = naive + settle;
    const double a_y    = alias_power(ys, hz, 20.0, 20000.0, &harm_y);
    const double a_n    = alias_power(ns, hz, 20.0, 20000.0, &harm_n);
    const double a_b    = alias_power(box + settle, hz, 20.0, 20000.0, NULL);
    const double vs_n   = 10.0 * log10(a_n / a_y);
    const double vs_b   = 10.0 * log10(a_b / a_y);
    const double low    = 10.0 * log10(alias_power(ns, hz, 20.0, 4500.0, NULL) /
                                    alias_power(ys, hz, 20.0, 4500.0, NULL));
    printf("waveshaper: mode %d drive %.1f amp %.1f: aliases %.1f dB re "
           "harmonics (naive %.1f): %.1f dB below naive (%.1f below 4.5 "
           "kHz), %.1f dB below naive + two-point average\n",
           mode,
           (double)cases[c].drive,
           cases[c].amp,
           10.0 * log10(a_y / harm_y),
           10.0 * log10(a_n / harm_n),
           vs_n,
           low,
           vs_b);
    assert_true(vs_n >= cases[c].min_db);
    assert_true(low >= cases[c].low_db);
    assert_true(vs_b >= 6.0);
  }
  free(x);
  free(y);
  free(naive);
  free(box);
}

/* A low, moderately driven sine (100 Hz, amplitude 0.5, drive 0.1: +3 dB,
   well inside the curves' smooth parts or straight ones) comes out as the
   static curve of the input half a sample earlier, x((i - 1/2) / rate),
   within 1e-4 in every anti-aliased mode (tube through its DC blocker).
   Against the curve of the input now the difference is the half sample's:
   up to g A pi f / rate = 4.6e-3. */
static void
test_waveshaper_low_drive_matches_curve(void** state)
{
  (void)state;
  const double   hz    = 100.0;
  const double   amp   = 0.5;
  const float    drive = 0.1f;
  const double   g     = pre_gain(drive);
  const uint32_t n     = 48000;
  float* const   x     = flt_alloc(n);
  float* const   y     = flt_alloc(n);
  flt_sine(x, n, hz, RATE, amp);
  for (int mode = TANH; mode <= TUBE; ++mode) {
    if (mode == BITCRUSH) {
      continue;
    }
    shape(mode, drive, x, y, n, 8, 1);
    DcRef  dc_late = dc_ref(RATE);
    DcRef  dc_now  = dc_ref(RATE);
    double err     = 0.0;
    double err_now = 0.0;
    for (uint32_t i = 1; i < n; ++i) {
      const double t    = ((double)i - 0.5) / RATE;
      const double u    = g * amp * sin(AETHER_TWO_PI * hz * t);
      double       want = curve_ref(mode, u);
      double       now  = curve_ref(mode, g * x[i]);
      if (mode == TUBE) {
        want = dc_step(&dc_late, want);
        now  = dc_step(&dc_now, now);
      }
      err     = fmax(err, fabs(want - y[i]));
      err_now = fmax(err_now, fabs(now - y[i]));
    }
    printf("waveshaper: mode %d, 100 Hz at drive 0.1: within %.2g of the "
           "curve half a sample late (%.2g of the curve now)\n",
           mode,
           err,
           err_now);
    assert_true(err < 1e-4);
    assert_true(err_now < 5e-3);
  }
  free(x);
  free(y);
}

/* Extreme inputs in every mode, at drive 0 and 1, downsample 1 and 3, wet
   1: +-1e6 alternating, +-FLT_MAX alternating, steps between 1e6 and tiny
   values, denormals and zeros. The output is finite, within the curves'
   range (1, or 1.25 for tube and 2.5 through its DC blocker), and has no
   subnormals; then a sine at 0.5 comes out as from an instance that only
   saw silence: exactly, from its second frame, where the anti-aliasing
   state is one frame deep; in tube mode once the DC blocker has settled
   (within 1e-6 after 1 s). */
static void
test_waveshaper_extreme_inputs(void** state)
{
  (void)state;
  const uint32_t n_wild = 4096;
  const uint32_t n      = n_wild + 48000;
  float* const   x      = flt_alloc(n);
  float* const   calm   = flt_alloc(n);
  float* const   y      = flt_alloc(n);
  float* const   y_calm = flt_alloc(n);
  uint32_t       seed   = 271;
  double         worst  = 0.0;
  for (uint32_t i = 0; i < n_wild; ++i) {
    const float sign = (i & 1U) ? -1.0f : 1.0f;
    switch ((i / 256U) % 6U) {
      case 0:
        x[i] = sign * 1e6f;
        break;
      case 1:
        x[i] = sign * FLT_MAX;
        break;
      case 2:
        x[i] = (i & 2U) ? 1e6f : sign * 1e-30f;
        break;
      case 3:
        x[i] = sign * 1e-40f; /* subnormal */
        break;
      case 4:
        x[i] = 1e6f * aether_rand_bipolar(&seed);
        break;
      default:
        x[i] = 0.0f;
        break;
    }
  }
  flt_sine(x + n_wild, n - n_wild, 440.0, RATE, 0.5);
  memcpy(calm + n_wild, x + n_wild, (n - n_wild) * sizeof(float));
  for (int mode = TANH; mode <= TUBE; ++mode) {
    for (int hot = 0; hot < 2; ++hot) {
      for (int hold = 1; hold <= 3; hold += 2) {
        const float drive = hot ? 1.0f : 0.0f;
        shape(mode, drive, x, y, n, 8, (float)hold);
        shape(mode, drive, calm, y_calm, n, 8, (float)hold);
        assert_true(measure_all_finite(y, n));
        assert_false(flt_has_subnormal(y, n));
        const double peak = measure_peak(y, n);
        assert_true(peak <= (mode == TUBE ? 2.5 : 1.0));
        worst               = fmax(worst, peak);
        const uint32_t from = mode == TUBE ? n - 1000U : n_wild + 1U;
        double         diff = 0.0;
        for (uint32_t i = from; i < n; ++i) {
          diff = fmax(diff, fabs(y[i] - y_calm[i]));
        }
        if (mode == TUBE) {
          assert_true(diff < 1e-6);
        } else {
          assert_true(diff == 0.0);
        }
      }
    }
  }
  printf("waveshaper: extreme inputs: peak %.3f\n", worst);
  free(x);
  free(calm);
  free(y);
  free(y_calm);
}

/* Mode switches mid-signal (every 37 frames, blocks start at each switch;
   the partition test covers switches inside a block): a sine of amplitude
   6 at 1 kHz, drive 0 (the shaper sees the input itself), through tanh,
   tube, bitcrush, fold, hard, tube, hard, bitcrush, tanh, fold, tube, ...,
   with the downsampler off and at 3. Every output frame, the first after a
   switch included, is what a fresh look at the new curve gives: its mean
   over the step from the previous input (which the anti-aliasing keeps
   across switches, bitcrush included), within 1e-5 (tube, through the DC
   blocker that runs in every mode: 1e-4); bit crush frames are the 8-bit
   levels of the input. So a switch steps only as far as the two curves
   differ, and never to NaN. Then the mode ramps through all five and back
   every 90 frames (it moves inside blocks, which the node renders as runs
   of one mode): blocks of 64 and of 1 frame give the same bits. */
static void
test_waveshaper_mode_switches(void** state)
{
  (void)state;
  static const int order[] = { TANH, TUBE, BITCRUSH, FOLD, HARD,
                               TUBE, HARD, BITCRUSH, TANH, FOLD };
  const uint32_t   chunk   = 37;
  const uint32_t   n       = 40 * chunk;
  float* const     x       = flt_alloc(n);
  float* const     y       = flt_alloc(n);
  flt_sine(x, n, 1000.0, RATE, 6.0);
  for (uint32_t hold = 1; hold <= 3; hold += 2) {
    NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
    harness_set(h, "drive", 0.0f);
    harness_set(h, "wet", 1.0f);
    harness_set(h, "tone", 0.5f);
    harness_set(h, "downsample", (float)hold);
    harness_input(h, 0, x);
    for (uint32_t c = 0; c * chunk < n; ++c) {
      float* outs[1] = { y + c * chunk };
      harness_set(h, "mode", (float)order[c % AETHER_N(order)]);
      harness_render(h, outs, chunk, 64);
    }
    harness_free(h);
    assert_true(measure_all_finite(y, n));

    DcRef  dc   = dc_ref(RATE);
    double prev = 0.0;
    double err  = 0.0;
    double jump = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      const int    mode = order[(i / chunk) % AETHER_N(order)];
      const double u    = x[i - i % hold];
      double       s    = 0.0;
      if (mode == BITCRUSH) {
        const float v = fminf(1.0f, fmaxf(-1.0f, (float)u));
        s = fminf(127.0f, fmaxf(-128.0f, floorf(v * 128.0f + 0.5f))) / 128.0f;
      } else {
        s = cell_mean(mode, prev, u);
      }
      const double d    = dc_step(&dc, s);
      const double want = mode == TUBE ? d : s;
      const double e    = fabs(want - y[i]);
      err               = fmax(err, mode == TUBE ? e * 0.1 : e);
      if (i % chunk == 0 && i) {
        jump = fmax(jump, fabs(y[i] - y[i - 1]));
      }
      prev = u;
    }
    printf("waveshaper: mode switches, downsample %u: max error %.2g (tube "
           "/ 10), largest step at a switch %.3f\n",
           hold,
           err,
           jump);
    assert_true(err < 1e-5);
  }

  float* const ref = flt_alloc(n);
  for (uint32_t block = 64; block >= 1; block /= 64) {
    NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
    harness_set(h, "drive", 0.7f);
    harness_set(h, "wet", 1.0f);
    harness_input(h, 0, x);
    for (uint32_t done = 0; done < n; done += 45) {
      float*         outs[1] = { (block == 64 ? ref : y) + done };
      const uint32_t len     = n - done < 45 ? n - done : 45;
      harness_ramp(h, "mode", (done / 45) % 2 ? 0.0f : 4.0f, 45);
      harness_render(h, outs, len, block);
    }
    harness_free(h);
  }
  assert_true(measure_all_finite(ref, n));
  assert_memory_equal(ref, y, n * sizeof(float));
  free(ref);
  free(x);
  free(y);
}

/* The dry path is not delayed to match the shaped one's half sample (see
   waveshaper.c: a two-point average would low-pass it and end the exact
   bypass at wet 0). In the linear range (hard clip at drive 0, amplitude
   0.5) the mix at wet w is then the two-tap filter (1 - w/2) + (w/2)
   z^-1: at wet 0.5 within 0.01 dB of it from 1 to 20 kHz, falling
   steadily with no notch (-5.2 dB at 20 kHz, where a delayed dry path
   would give the shaped path's own -11.7 dB). */
static void
test_waveshaper_mix_of_delayed_and_dry(void** state)
{
  (void)state;
  static const double freqs[] = { 1000, 5000, 10000, 15000, 20000 };
  const double        w       = 0.5;
  double              last    = 1.0;
  for (size_t f = 0; f < AETHER_N(freqs); ++f) {
    NodeHarness* const h = harness_new(&aether_node_waveshaper, RATE);
    harness_set(h, "mode", HARD);
    harness_set(h, "drive", 0.0f);
    harness_set(h, "wet", (float)w);
    harness_set(h, "tone", 0.5f);
    const double got = flt_sine_gain_db(h, 0, 0, freqs[f], RATE, 0.5, 0.01, 20);
    harness_free(h);
    const double omega = AETHER_TWO_PI * freqs[f] / RATE;
    const double want =
      flt_db(cabs((1.0 - 0.5 * w) + 0.5 * w * cexp(-I * omega)));
    printf("waveshaper: wet 0.5 at %g Hz: %.3f dB (two-tap %.3f, a delayed "
           "dry path %.3f)\n",
           freqs[f],
           got,
           want,
           flt_db(cos(0.5 * omega)));
    assert_true(fabs(got - want) < 0.01);
    assert_true(got < last);
    last = got;
  }
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
    cmocka_unit_test(test_waveshaper_alias_reduction),
    cmocka_unit_test(test_waveshaper_low_drive_matches_curve),
    cmocka_unit_test(test_waveshaper_extreme_inputs),
    cmocka_unit_test(test_waveshaper_mode_switches),
    cmocka_unit_test(test_waveshaper_mix_of_delayed_and_dry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
