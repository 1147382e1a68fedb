/* Reverb: the impulse response decays (RT60 grows with room, is the same at
   every rate), width, damping, mono input, no denormals in the state, the
   output is plain Freeverb's bit for bit in any block partition, and a
   non-finite state starts over. */

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
#include <time.h>

/* Mirrors the first fields of Reverb in reverb.c: all delay lines. */
typedef struct {
  float* mem;
  size_t n_mem;
} ReverbLines;

static NodeHarness*
new_reverb(const double rate, const float room, const float damp)
{
  const AetherNodeType* const type = aether_registry_find("Reverb");
  assert_non_null(type);
  NodeHarness* const h = harness_new(type, rate);
  harness_set(h, "room", room);
  harness_set(h, "damp", damp);
  harness_set(h, "wet", 1.0f);
  harness_set(h, "dry", 0.0f);
  return h;
}

/* Render the stereo response to a unit impulse on the left input only. */
static void
impulse_response(NodeHarness* const h,
                 const uint32_t     n,
                 float* const       l,
                 float* const       r)
{
  float* const x = (float*)calloc(n, sizeof(float));
  x[0]           = 1.0f;
  harness_input(h, 0, x);
  float* out[2] = { l, r };
  harness_render(h, out, n, 64);
  free(x);
}

/* Seconds until the Schroeder backward-integrated energy of L + R falls
   60 dB below its total; -1 if it never does. */
static double
rt60(const float* const l,
     const float* const r,
     const uint32_t     n,
     const double       rate)
{
  double* const edc = (double*)malloc(n * sizeof(double));
  double        sum = 0.0;
  for (uint32_t i = n; i-- > 0;) {
    sum += (double)l[i] * l[i] + (double)r[i] * r[i];
    edc[i] = sum;
  }
  double t = -1.0;
  for (uint32_t i = 0; i < n; ++i) {
    if (edc[i] <= edc[0] * 1e-6) {
      t = i / rate;
      break;
    }
  }
  free(edc);
  return t;
}

static void
test_rt60_grows_with_room(void** state)
{
  (void)state;
  const double   rate    = 48000.0;
  const uint32_t n       = 30U * (uint32_t)rate;
  const float    rooms[] = { 0.0f, 0.25f, 0.5f, 0.75f, 1.0f };
  float* const   l       = (float*)malloc(n * sizeof(float));
  float* const   r       = (float*)malloc(n * sizeof(float));
  double         prev    = 0.0;
  for (uint32_t k = 0; k < 5; ++k) {
    NodeHarness* const h = new_reverb(rate, rooms[k], 0.5f);
    impulse_response(h, n, l, r);
    assert_true(measure_all_finite(l, n) && measure_all_finite(r, n));
    const double t = rt60(l, r, n, rate);
    /* Low frequencies decay by the comb gain per pass of the longest comb
       (1617 + 23 frames at 44.1 kHz): the slowest mode. */
    const double   g      = 0.7 + 0.28 * rooms[k];
    const double   theory = 3.0 * (1640.0 / 44100.0) / -log10(g);
    const double   peak   = measure_peak(l, n);
    const uint32_t at     = (uint32_t)((t + 0.5) * rate);
    print_message("room %.2f: RT60 %.2f s (slowest comb %.2f s), peak %.3f, "
                  "peak 0.5 s after RT60 %.1f dB\n",
                  (double)rooms[k],
                  t,
                  theory,
                  peak,
                  20.0 * log10(fmax(measure_peak(l + at, n - at),
                                    measure_peak(r + at, n - at)) /
                                 peak +
                               1e-30));
    assert_true(t > prev);
    assert_true(t > 0.4 * theory && t < 1.1 * theory);
    /* After RT60 (and a margin) the response is below -60 dB. */
    assert_true(fmax(measure_peak(l + at, n - at),
                     measure_peak(r + at, n - at)) < 1e-3 * peak);
    prev = t;
    harness_free(h);
  }
  free(l);
  free(r);
}

/* In place: a constant-peak bandpass biquad (RBJ cookbook), Q 1.4. */
static void
bandpass(float* const x, const uint32_t n, const double rate, const double hz)
{
  const double w  = 2.0 * M_PI * hz / rate;
  const double al = sin(w) / (2.0 * 1.4);
  const double a0 = 1.0 + al;
  const double b0 = al / a0;
  const double a1 = -2.0 * cos(w) / a0;
  const double a2 = (1.0 - al) / a0;
  double       x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double y = b0 * (x[i] - x2) - a1 * y1 - a2 * y2;
    x2             = x1;
    x1             = x[i];
    y2             = y1;
    y1             = y;
    x[i]           = (float)y;
  }
}

/* RT60 per octave band (250 Hz, 1 kHz, 4 kHz) is the same at every rate:
   delay lengths scale with the rate and the damping pole is matched. (The
   broadband RT60 is not: a white impulse at 192 kHz has far more energy
   above 20 kHz, which the damping removes quickly.) */
static void
test_rt60_same_at_every_rate(void** state)
{
  (void)state;
  const double rates[] = { 22050.0, 44100.0, 96000.0, 192000.0 };
  const double bands[] = { 250.0, 1000.0, 4000.0 };
  const float  damps[] = { 0.0f, 0.5f, 1.0f };
  for (uint32_t d = 0; d < 3; ++d) {
    double t[4][3];
    for (uint32_t k = 0; k < 4; ++k) {
      const uint32_t     n  = 5U * (uint32_t)rates[k];
      float* const       l  = (float*)malloc(n * sizeof(float));
      float* const       r  = (float*)malloc(n * sizeof(float));
      float* const       bl = (float*)malloc(n * sizeof(float));
      float* const       br = (float*)malloc(n * sizeof(float));
      NodeHarness* const h  = new_reverb(rates[k], 0.5f, damps[d]);
      impulse_response(h, n, l, r);
      for (uint32_t b = 0; b < 3; ++b) {
        memcpy(bl, l, n * sizeof(float));
        memcpy(br, r, n * sizeof(float));
        bandpass(bl, n, rates[k], bands[b]);
        bandpass(br, n, rates[k], bands[b]);
        t[k][b] = rt60(bl, br, n, rates[k]);
      }
      harness_free(h);
      free(l);
      free(r);
      free(bl);
      free(br);
    }
    for (uint32_t b = 0; b < 3; ++b) {
      print_message("room 0.5, damp %.1f, %4.0f Hz band: RT60 %.3f s at "
                    "22.05 kHz, %.3f at 44.1, %.3f at 96, %.3f at 192 kHz\n",
                    (double)damps[d],
                    bands[b],
                    t[0][b],
                    t[1][b],
                    t[2][b],
                    t[3][b]);
      for (uint32_t k = 0; k < 4; ++k) {
        assert_float_equal(t[k][b], t[1][b], 0.02 * t[1][b]);
      }
      if (b > 0) { /* damping shortens the high bands */
        assert_true(damps[d] > 0.0f ? t[1][b] < t[1][b - 1]
                                    : fabs(t[1][b] - t[1][b - 1]) < 0.03);
      }
    }
  }
}

/* Energy of the spectrum in [lo, hi) Hz. */
static double
band_energy(const double* const p,
            const size_t        n,
            const double        rate,
            const double        lo,
            const double        hi)
{
  double sum = 0.0;
  for (size_t k = 0; k <= n / 2; ++k) {
    const double hz = k * rate / n;
    if (hz >= lo && hz < hi) {
      sum += p[k];
    }
  }
  return sum;
}

static void
test_damping_darkens_the_tail(void** state)
{
  (void)state;
  const double   rate = 48000.0;
  const uint32_t n    = 2U * (uint32_t)rate;
  const size_t   fft  = 32768;
  float* const   l    = (float*)malloc(n * sizeof(float));
  float* const   r    = (float*)malloc(n * sizeof(float));
  double* const  p    = (double*)malloc((fft / 2 + 1) * sizeof(double));
  double         tilt[3];
  const float    damps[] = { 0.0f, 0.5f, 1.0f };
  for (uint32_t k = 0; k < 3; ++k) {
    NodeHarness* const h = new_reverb(rate, 0.7f, damps[k]);
    impulse_response(h, n, l, r);
    measure_spectrum(l + (uint32_t)(0.3 * rate), fft, p); /* the tail */
    tilt[k] = 10.0 * log10(band_energy(p, fft, rate, 4000.0, 8000.0) /
                           band_energy(p, fft, rate, 250.0, 500.0));
    harness_free(h);
  }
  print_message("tail 4-8 kHz relative to 250-500 Hz: %.1f dB at damp 0, "
                "%.1f at 0.5, %.1f at 1\n",
                tilt[0],
                tilt[1],
                tilt[2]);
  assert_true(tilt[1] < tilt[0] - 3.0);
  assert_true(tilt[2] < tilt[1] - 3.0);
  free(l);
  free(r);
  free(p);
}

static void
test_width_and_mono_input(void** state)
{
  (void)state;
  const double   rate = 44100.0;
  const uint32_t n    = (uint32_t)rate;
  float* const   x    = (float*)malloc(n * sizeof(float));
  float* const   l    = (float*)malloc(n * sizeof(float));
  float* const   r    = (float*)malloc(n * sizeof(float));
  float* const   l2   = (float*)malloc(n * sizeof(float));
  float* const   r2   = (float*)malloc(n * sizeof(float));
  uint32_t       s    = 11;
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i] = (float)(s >> 8U) / 16777216.0f - 0.5f;
  }

  /* Width 1: the channels differ (decorrelated tails). */
  NodeHarness* h = new_reverb(rate, 0.5f, 0.5f);
  harness_input(h, 0, x);
  float* out[2] = { l, r };
  harness_render(h, out, n, 64);
  double diff = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    diff += ((double)l[i] - r[i]) * ((double)l[i] - r[i]);
  }
  diff = sqrt(diff / n);
  print_message("width 1: rms left %.4f, right %.4f, left - right %.4f\n",
                measure_rms(l, n),
                measure_rms(r, n),
                diff);
  assert_true(diff > 0.5 * measure_rms(l, n));
  harness_free(h);

  /* Width 0: bit-identical channels. */
  h = new_reverb(rate, 0.5f, 0.5f);
  harness_set(h, "width", 0.0f);
  harness_set(h, "dry", 1.0f);
  harness_input(h, 0, x);
  harness_render(h, out, n, 64);
  assert_memory_equal(l, r, n * sizeof(float));
  assert_true(measure_rms(l, n) > 0.1);
  harness_free(h);

  /* Right unconnected is the same as right = left. */
  h = new_reverb(rate, 0.5f, 0.5f);
  harness_set(h, "dry", 1.0f);
  harness_input(h, 0, x);
  harness_render(h, out, n, 64);
  harness_free(h);
  h = new_reverb(rate, 0.5f, 0.5f);
  harness_set(h, "dry", 1.0f);
  harness_input(h, 0, x);
  harness_input(h, 1, x);
  float* out2[2] = { l2, r2 };
  harness_render(h, out2, n, 64);
  harness_free(h);
  assert_memory_equal(l, l2, n * sizeof(float));
  assert_memory_equal(r, r2, n * sizeof(float));
  print_message("width 0: left and right bit-identical; right unconnected "
                "bit-identical to right = left\n");

  /* Dry 1, wet 0: the input itself. */
  h = new_reverb(rate, 0.5f, 0.5f);
  harness_set(h, "dry", 1.0f);
  harness_set(h, "wet", 0.0f);
  harness_input(h, 0, x);
  harness_render(h, out, n, 64);
  assert_memory_equal(l, x, n * sizeof(float));
  assert_memory_equal(r, x, n * sizeof(float));
  harness_free(h);

  free(x);
  free(l);
  free(r);
  free(l2);
  free(r2);
}

/* Count state values that are subnormal or not finite, and those not 0. */
static void
scan_lines(NodeHarness* const h, uint32_t* const bad, uint32_t* const nonzero)
{
  const ReverbLines* const lines = (const ReverbLines*)harness_state(h);
  *bad                           = 0;
  *nonzero                       = 0;
  for (size_t i = 0; i < lines->n_mem; ++i) {
    const float v = lines->mem[i];
    if (!isfinite(v) || fpclassify(v) == FP_SUBNORMAL) {
      ++*bad;
    }
    if (v != 0.0f) {
      ++*nonzero;
    }
  }
}

static double
seconds_now(void)
{
  return (double)clock() / CLOCKS_PER_SEC;
}

/* 2 s of noise then silence, without FTZ/DAZ (the harness does not set
   them): the lines never hold subnormals, at room 0.5 everything is exactly
   0 after 10 s, and silence costs no more CPU than signal. */
static void
test_silence_leaves_no_denormals(void** state)
{
  (void)state;
  const double   rate  = 44100.0;
  const uint32_t chunk = (uint32_t)rate; /* 1 s */
  float* const   x     = (float*)malloc(2U * chunk * sizeof(float));
  float* const   l     = (float*)malloc(chunk * sizeof(float));
  float* const   r     = (float*)malloc(chunk * sizeof(float));
  uint32_t       s     = 5;
  for (uint32_t i = 0; i < 2U * chunk; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i] = (float)(s >> 8U) / 8388608.0f - 1.0f;
  }

  const float rooms[] = { 0.5f, 1.0f };
  for (uint32_t k = 0; k < 2; ++k) {
    NodeHarness* const h      = new_reverb(rate, rooms[k], 0.5f);
    float*             out[2] = { l, r };
    harness_input(h, 0, x);
    double t0 = seconds_now();
    harness_render(h, out, chunk, 64);
    harness_render(h, out, chunk, 64);
    const double busy = (seconds_now() - t0) / 2.0;
    harness_input(h, 0, NULL);

    double   slowest   = 0.0;
    uint32_t bad       = 0;
    uint32_t nonzero   = 0;
    uint32_t subnormal = 0;
    double   last_peak = 0.0;
    for (uint32_t sec = 0; sec < 60; ++sec) {
      t0 = seconds_now();
      harness_render(h, out, chunk, 64);
      slowest = fmax(slowest, seconds_now() - t0);
      for (uint32_t i = 0; i < chunk; ++i) {
        if (fpclassify(l[i]) == FP_SUBNORMAL ||
            fpclassify(r[i]) == FP_SUBNORMAL) {
          ++subnormal;
        }
      }
      assert_true(measure_all_finite(l, chunk) && measure_all_finite(r, chunk));
      uint32_t b = 0;
      scan_lines(h, &b, &nonzero);
      bad += b;
      last_peak = fmax(measure_peak(l, chunk), measure_peak(r, chunk));
      if (sec == 9) {
        print_message("room %.1f after 10 s of silence: %u of %zu line "
                      "values non-zero, output peak %.3g\n",
                      (double)rooms[k],
                      nonzero,
                      ((const ReverbLines*)harness_state(h))->n_mem,
                      last_peak);
        if (rooms[k] == 0.5f) {
          assert_int_equal(nonzero, 0);
          assert_true(last_peak == 0.0);
        }
      }
    }
    print_message("room %.1f, 60 s of silence: %u subnormal or non-finite "
                  "line values, %u subnormal outputs, last peak %.3g, "
                  "slowest second %.2f ms vs %.2f ms per second of noise\n",
                  (double)rooms[k],
                  bad,
                  subnormal,
                  last_peak,
                  slowest * 1000.0,
                  busy * 1000.0);
    assert_int_equal(bad, 0);
    assert_int_equal(subnormal, 0);
    /* Room 1 decays by 0.98 per pass of ~35 ms: -85 dB a minute. */
    assert_true(rooms[k] == 0.5f ? last_peak == 0.0 : last_peak < 1e-10);
    assert_true(slowest < 3.0 * busy + 0.002);
    harness_free(h);
  }
  free(x);
  free(l);
  free(r);
}

/* The node's exact arithmetic, one frame and one line at a time: plain
   Freeverb with the node's tunings, rate scaling and damping pole, tiny
   values written into the lines flushed to 0. */
typedef struct {
  float*   buf[2][12]; /* 8 combs, then 4 allpasses, per channel */
  uint32_t len[2][12];
  uint32_t pos[2][12];
  float    store[2][8];
} PlainVerb;

static void
plain_init(PlainVerb* const v, const double rate)
{
  static const uint32_t tuning[12] = { 1116, 1188, 1277, 1356, 1422, 1491,
                                       1557, 1617, 556,  441,  341,  225 };
  memset(v, 0, sizeof(*v));
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < 12; ++i) {
      const double len =
        floor((double)(tuning[i] + (c ? 23U : 0U)) * rate / 44100.0 + 0.5);
      v->len[c][i] = (uint32_t)len;
      v->buf[c][i] = (float*)calloc(v->len[c][i], sizeof(float));
    }
  }
}

static void
plain_free(PlainVerb* const v)
{
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < 12; ++i) {
      free(v->buf[c][i]);
    }
  }
}

static float
plain_damp(const float damp, const double rate)
{
  const double a0 = 0.4 * (double)damp;
  if (!(a0 > 0.0)) {
    return 0.0f;
  }
  const double c0 = cos(2.0 * M_PI * 4000.0 / 44100.0);
  const double c  = cos(2.0 * M_PI * 4000.0 / rate);
  const double g2 = (1.0 - a0) * (1.0 - a0) / (1.0 - 2.0 * a0 * c0 + a0 * a0);
  const double b  = (1.0 - g2 * c) / (1.0 - g2);
  return (float)(1.0 / (b + sqrt(b * b - 1.0)));
}

/* What the node writes into a line: values within 1e-20 of 0 (and NaN)
   are 0. */
static float
plain_flush(const float x)
{
  return fabsf(x) > 1e-20f ? x : 0.0f;
}

/* One frame: inputs l and r, parameters room .. dry, outputs *ol and *or. */
static void
plain_frame(PlainVerb* const v,
            const float      l,
            const float      r,
            const float      fb,
            const float      damp,
            const float      wet,
            const float      width,
            const float      dry,
            float* const     ol,
            float* const     or_)
{
  float       x = (l + r) * 0.015f;
  float       acc[2];
  const float ax = fabsf(x);
  x              = (ax > 1e-20f && ax < 1e20f) ? x : 0.0f;
  for (uint32_t c = 0; c < 2; ++c) {
    float a = 0.0f;
    for (uint32_t i = 0; i < 8; ++i) {
      float* const b  = v->buf[c][i];
      const float  y  = b[v->pos[c][i]];
      v->store[c][i]  = y + damp * (v->store[c][i] - y);
      b[v->pos[c][i]] = plain_flush(x + v->store[c][i] * fb);
      a += y;
      v->pos[c][i] = (v->pos[c][i] + 1U) % v->len[c][i];
    }
    for (uint32_t i = 8; i < 12; ++i) {
      float* const b  = v->buf[c][i];
      const float  y  = b[v->pos[c][i]];
      b[v->pos[c][i]] = plain_flush(a + y * 0.5f);
      a               = y - a;
      v->pos[c][i]    = (v->pos[c][i] + 1U) % v->len[c][i];
    }
    acc[c] = a;
  }
  const float w  = wet * 3.0f;
  const float w1 = w * (0.5f + 0.5f * width);
  const float w2 = w * (0.5f - 0.5f * width);
  *ol            = acc[0] * w1 + acc[1] * w2 + l * dry;
  *or_           = acc[1] * w1 + acc[0] * w2 + r * dry;
}

/* Uniform noise in [-amp, amp) from a xorshift32 state. */
static void
fill_noise(float* const x, const uint32_t n, uint32_t s, const float amp)
{
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i] = amp * ((float)(s >> 8U) / 8388608.0f - 1.0f);
  }
}

/* Render `n` frames in blocks of pseudo-random sizes 1 .. 64. */
static void
render_random_blocks(NodeHarness* const h,
                     float* const       l,
                     float* const       r,
                     const uint32_t     n,
                     uint32_t           s)
{
  for (uint32_t done = 0; done < n;) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    uint32_t len  = 1U + s % 64U;
    len           = len < n - done ? len : n - done;
    float* out[2] = { l + done, r + done };
    harness_render(h, out, len, 64);
    done += len;
  }
}

/* Noise, then its tail, rendered in random block sizes is bit for bit the
   plain per-frame Freeverb above: the combs side by side (four to a
   vector) and the block-wide allpasses change nothing but the speed. */
static void
test_matches_plain_freeverb(void** state)
{
  (void)state;
  const double rates[] = { 8000.0, 44100.0, 48000.0, 96000.0 };
  for (uint32_t k = 0; k < 4; ++k) {
    const double   rate = rates[k];
    const uint32_t n    = 2U * (uint32_t)rate;
    float* const   xl   = (float*)calloc(n, sizeof(float));
    float* const   xr   = (float*)calloc(n, sizeof(float));
    float* const   l    = (float*)malloc(n * sizeof(float));
    float* const   r    = (float*)malloc(n * sizeof(float));
    fill_noise(xl, n / 2U, 3U + k, 0.8f);
    fill_noise(xr, n / 2U, 101U + k, 0.8f);

    NodeHarness* const h = new_reverb(rate, 0.7f, 0.6f);
    harness_set(h, "wet", 0.9f);
    harness_set(h, "width", 0.8f);
    harness_set(h, "dry", 0.5f);
    harness_input(h, 0, xl);
    harness_input(h, 1, xr);
    render_random_blocks(h, l, r, n, 77U + k);
    harness_free(h);

    PlainVerb v;
    plain_init(&v, rate);
    const float fb     = 0.7f + 0.28f * 0.7f;
    const float damp   = plain_damp(0.6f, rate);
    uint32_t    differ = 0;
    for (uint32_t i = 0; i < n; ++i) {
      float el = 0.0f;
      float er = 0.0f;
      plain_frame(&v, xl[i], xr[i], fb, damp, 0.9f, 0.8f, 0.5f, &el, &er);
      differ += memcmp(&el, &l[i], sizeof(float)) != 0;
      differ += memcmp(&er, &r[i], sizeof(float)) != 0;
    }
    plain_free(&v);
    print_message("%.0f Hz: %u of %u samples differ from plain Freeverb "
                  "(peak %.3f)\n",
                  rate,
                  differ,
                  2U * n,
                  fmax(measure_peak(l, n), measure_peak(r, n)));
    assert_int_equal(differ, 0);
    free(xl);
    free(xr);
    free(l);
    free(r);
  }
}

/* Every parameter gliding, blocks of 64, 1, 3, 7, 63 and random sizes:
   bit-identical output (frames in whole vectors of four and frames one by
   one give the same numbers). */
static void
test_block_partition_with_moving_params(void** state)
{
  (void)state;
  const double   rate   = 48000.0;
  const uint32_t n      = 24000;
  float* const   x      = (float*)malloc(n * sizeof(float));
  float*         ref[2] = { (float*)malloc(n * sizeof(float)),
                            (float*)malloc(n * sizeof(float)) };
  float*         got[2] = { (float*)malloc(n * sizeof(float)),
                            (float*)malloc(n * sizeof(float)) };
  fill_noise(x, n, 9U, 0.9f);
  const uint32_t blocks[] = { 64, 1, 3, 7, 63, 0 };
  for (uint32_t b = 0; b < 6; ++b) {
    NodeHarness* const h = new_reverb(rate, 0.2f, 0.1f);
    harness_input(h, 0, x);
    harness_ramp(h, "room", 0.95f, 9000);
    harness_ramp(h, "damp", 0.9f, 13000);
    harness_ramp(h, "wet", 0.4f, 5000);
    harness_ramp(h, "width", 0.3f, 7001);
    harness_ramp(h, "dry", 0.7f, 3333);
    float* const* const out = b ? got : ref;
    if (blocks[b]) {
      harness_render(h, out, n, blocks[b]);
    } else {
      render_random_blocks(h, out[0], out[1], n, 5U);
    }
    harness_free(h);
    if (b) {
      assert_memory_equal(ref[0], got[0], n * sizeof(float));
      assert_memory_equal(ref[1], got[1], n * sizeof(float));
    }
  }
  assert_true(measure_rms(ref[0], n) > 0.05 && measure_rms(ref[1], n) > 0.05);
  print_message("gliding parameters: blocks of 1, 3, 7, 63 and random sizes "
                "bit-identical to blocks of 64\n");
  free(x);
  for (uint32_t c = 0; c < 2; ++c) {
    free(ref[c]);
    free(got[c]);
  }
}

/* Stretches of one-frame calls (a path of their own, which keeps the
   copies past the lines' ends as the block path does) between stretches of
   long blocks that read across the lines' wraps, so what the one-frame
   calls wrote there is read back by blocks: bit-identical to blocks of 64,
   at two rates. */
static void
test_one_frame_calls_between_blocks(void** state)
{
  (void)state;
  const double   rates[]   = { 44100.0, 96000.0 };
  const uint32_t stretch[] = { 1500, 1700, 1300, 2100 };
  const uint32_t sizes[]   = { 63, 64, 61, 50 };
  for (uint32_t k = 0; k < 2; ++k) {
    const uint32_t n      = 40000;
    float* const   x      = (float*)malloc(n * sizeof(float));
    float*         ref[2] = { (float*)malloc(n * sizeof(float)),
                              (float*)malloc(n * sizeof(float)) };
    float*         got[2] = { (float*)malloc(n * sizeof(float)),
                              (float*)malloc(n * sizeof(float)) };
    fill_noise(x, n, 31U + k, 0.9f);
    for (uint32_t b = 0; b < 2; ++b) {
      NodeHarness* const h = new_reverb(rates[k], 0.9f, 0.2f);
      harness_input(h, 0, x);
      float* const* const out = b ? got : ref;
      for (uint32_t done = 0, i = 0; done < n; ++i) {
        uint32_t len = stretch[i % 4U];
        len          = len < n - done ? len : n - done;
        float* o[2]  = { out[0] + done, out[1] + done };
        harness_render(
          h, o, len, b ? (i % 2U ? sizes[(i / 2U) % 4U] : 1U) : 64U);
        done += len;
      }
      harness_free(h);
    }
    assert_memory_equal(ref[0], got[0], n * sizeof(float));
    assert_memory_equal(ref[1], got[1], n * sizeof(float));
    assert_true(measure_rms(ref[0], n) > 0.05);
    free(x);
    for (uint32_t c = 0; c < 2; ++c) {
      free(ref[c]);
      free(got[c]);
    }
  }
  print_message("one-frame calls between blocks of 50 to 64: bit-identical "
                "to blocks of 64 at 44.1 and 96 kHz\n");
}

/* A state gone non-finite (every line value NaN) spoils one block of
   output; the node then starts over as new: from the next block on its
   output is bit for bit that of a fresh node fed the same input. In blocks
   of 64 and one frame at a time (a path of its own). */
static void
test_non_finite_state_recovers(void** state)
{
  (void)state;
  const double   rate     = 48000.0;
  const uint32_t n        = 48000;
  const uint32_t blocks[] = { 64, 1 };
  float* const   x        = (float*)malloc(n * sizeof(float));
  float* const   l        = (float*)malloc(n * sizeof(float));
  float* const   r        = (float*)malloc(n * sizeof(float));
  float* const   l2       = (float*)malloc(n * sizeof(float));
  float* const   r2       = (float*)malloc(n * sizeof(float));
  fill_noise(x, n, 21U, 0.5f);

  for (uint32_t b = 0; b < 2; ++b) {
    const uint32_t           block = blocks[b];
    NodeHarness* const       h     = new_reverb(rate, 0.8f, 0.3f);
    const ReverbLines* const lines = (const ReverbLines*)harness_state(h);
    for (size_t i = 0; i < lines->n_mem; ++i) {
      lines->mem[i] = NAN;
    }
    harness_set(h, "dry", 0.5f);
    harness_input(h, 0, x);
    float* out[2] = { l, r };
    harness_render(h, out, n, block);
    uint32_t bad     = 0;
    uint32_t nonzero = 0;
    scan_lines(h, &bad, &nonzero);
    harness_free(h);

    NodeHarness* const fresh = new_reverb(rate, 0.8f, 0.3f);
    harness_set(fresh, "dry", 0.5f);
    harness_input(fresh, 0, x + block);
    float* out2[2] = { l2, r2 };
    harness_render(fresh, out2, n - block, 64);
    harness_free(fresh);

    print_message(
      "blocks of %u, NaN in every line: %u non-finite output samples, %u "
      "after the first block; then %u non-finite line values\n",
      block,
      (uint32_t)(!measure_all_finite(l, block) + !measure_all_finite(r, block)),
      (uint32_t)(!measure_all_finite(l + block, n - block) +
                 !measure_all_finite(r + block, n - block)),
      bad);
    assert_int_equal(bad, 0);
    assert_memory_equal(l + block, l2, (n - block) * sizeof(float));
    assert_memory_equal(r + block, r2, (n - block) * sizeof(float));
    assert_true(measure_rms(l + block, n - block) > 0.1);
  }
  free(x);
  free(l);
  free(r);
  free(l2);
  free(r2);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rt60_grows_with_room),
    cmocka_unit_test(test_rt60_same_at_every_rate),
    cmocka_unit_test(test_damping_darkens_the_tail),
    cmocka_unit_test(test_width_and_mono_input),
    cmocka_unit_test(test_silence_leaves_no_denormals),
    cmocka_unit_test(test_matches_plain_freeverb),
    cmocka_unit_test(test_block_partition_with_moving_params),
    cmocka_unit_test(test_one_frame_calls_between_blocks),
    cmocka_unit_test(test_non_finite_state_recovers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
