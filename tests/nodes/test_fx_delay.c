/* Delay: exact integer delays, Hermite fractional delays, feedback echoes,
   the one-block minimum in a feedback loop, damping, click-free glides. */

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

#define OFFSET 5U /* the impulse is not at a block start */

static NodeHarness*
new_delay(const double rate,
          const float  time,
          const float  feedback,
          const float  wet)
{
  const AetherNodeType* const type = aether_registry_find("Delay");
  assert_non_null(type);
  assert_true(type->flags & AETHER_NODE_DELAY);
  NodeHarness* const h = harness_new(type, rate);
  harness_set(h, "time", time);
  harness_set(h, "feedback", feedback);
  harness_set(h, "wet", wet);
  return h;
}

static float*
impulse_new(const uint32_t n, const uint32_t at)
{
  float* const x = (float*)calloc(n, sizeof(float));
  x[at]          = 1.0f;
  return x;
}

/* Every sample of `y` is exactly 0 except those listed in `at`/`value`. */
static void
assert_exact(const float* const    y,
             const uint32_t        n,
             const uint32_t* const at,
             const float* const    value,
             const uint32_t        n_at)
{
  for (uint32_t i = 0; i < n; ++i) {
    float expected = 0.0f;
    for (uint32_t k = 0; k < n_at; ++k) {
      if (i == at[k]) {
        expected = value[k];
      }
    }
    if (y[i] != expected) {
      fail_msg(
        "sample %u is %.9g, expected %.9g", i, (double)y[i], (double)expected);
    }
  }
}

static void
test_integer_delays_are_exact(void** state)
{
  (void)state;
  static const struct {
    double   rate;
    uint32_t frames;
  } cases[] = {
    { 48000, 1 },       { 48000, 63 },     { 48000, 64 },    { 48000, 65 },
    { 48000, 480 },     { 48000, 48000 },  { 44100, 11025 }, { 22050, 88200 },
    { 192000, 768000 }, { 96000, 383999 },
  };
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    const uint32_t     n    = cases[c].frames + OFFSET + 200U;
    const float        time = (float)((double)cases[c].frames / cases[c].rate);
    NodeHarness* const h    = new_delay(cases[c].rate, time, 0.0f, 1.0f);
    float* const       x    = impulse_new(n, OFFSET);
    float* const       y    = (float*)malloc(n * sizeof(float));
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    const uint32_t at    = OFFSET + cases[c].frames;
    const float    value = 1.0f;
    assert_exact(y, n, &at, &value, 1);
    print_message("time %.9g s at %.0f Hz: impulse out after exactly %u "
                  "frames, amplitude 1, all else 0\n",
                  (double)time,
                  cases[c].rate,
                  cases[c].frames);
    free(x);
    free(y);
    harness_free(h);
  }
}

/* Catmull-Rom weights of the neighbours p0 (newer), p1, p2, p3 (older). */
static void
hermite_weights(const double f, double w[4])
{
  w[0] = -0.5 * f + f * f - 0.5 * f * f * f;
  w[1] = 1.0 - 2.5 * f * f + 1.5 * f * f * f;
  w[2] = 0.5 * f + 2.0 * f * f - 1.5 * f * f * f;
  w[3] = -0.5 * f * f + 0.5 * f * f * f;
}

static void
test_fractional_delays_interpolate(void** state)
{
  (void)state;
  const double rate = 48000.0;
  /* Cubic Hermite from 2 frames up, linear below (the cubic's newest
     neighbour is not written yet). */
  static const double cubic[] = { 480.5, 100.25, 2.75, 1000.875 };
  for (uint32_t c = 0; c < sizeof(cubic) / sizeof(cubic[0]); ++c) {
    /* The delay the float parameter really asks for. */
    const float        time = (float)(cubic[c] / rate);
    const double       d    = (double)time * rate;
    const uint32_t     k    = (uint32_t)d;
    const double       f    = d - k;
    const uint32_t     n    = k + OFFSET + 64U;
    NodeHarness* const h    = new_delay(rate, time, 0, 1);
    float* const       x    = impulse_new(n, OFFSET);
    float* const       y    = (float*)malloc(n * sizeof(float));
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    double w[4];
    hermite_weights(f, w);
    for (uint32_t i = 0; i < n; ++i) {
      const int    j = (int)i - (int)(OFFSET + k) + 1; /* 0 .. 3 */
      const double e = (j >= 0 && j < 4) ? w[j] : 0.0;
      assert_float_equal(y[i], e, 2e-6);
    }
    print_message("delay %.3f frames: %.6f %.6f %.6f %.6f at %u..%u "
                  "(Hermite %.6f %.6f %.6f %.6f)\n",
                  cubic[c],
                  (double)y[OFFSET + k - 1],
                  (double)y[OFFSET + k],
                  (double)y[OFFSET + k + 1],
                  (double)y[OFFSET + k + 2],
                  OFFSET + k - 1,
                  OFFSET + k + 2,
                  w[0],
                  w[1],
                  w[2],
                  w[3]);
    free(x);
    free(y);
    harness_free(h);
  }

  /* 1.5 frames: linear, 0.5 and 0.5. */
  NodeHarness* const h = new_delay(rate, (float)(1.5 / rate), 0, 1);
  float* const       x = impulse_new(64, OFFSET);
  float              y[64];
  harness_input(h, 0, x);
  harness_render1(h, 0, y, 64);
  const uint32_t at[]    = { OFFSET + 1, OFFSET + 2 };
  const float    value[] = { 0.5f, 0.5f };
  for (uint32_t i = 0; i < 64; ++i) {
    const float e = i == at[0] ? value[0] : i == at[1] ? value[1] : 0.0f;
    assert_float_equal(y[i], e, 1e-5);
  }
  print_message("delay 1.5 frames: %.6f %.6f (linear)\n",
                (double)y[at[0]],
                (double)y[at[1]]);
  free(x);
  harness_free(h);
}

static void
test_feedback_echoes_halve(void** state)
{
  (void)state;
  const uint32_t     n = 4U * 480U + 100U;
  NodeHarness* const h = new_delay(48000.0, 0.01f, 0.5f, 1.0f);
  float* const       x = impulse_new(n, OFFSET);
  float* const       y = (float*)malloc(n * sizeof(float));
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  const uint32_t at[] = {
    OFFSET + 480, OFFSET + 960, OFFSET + 1440, OFFSET + 1920
  };
  const float value[] = { 1.0f, 0.5f, 0.25f, 0.125f };
  assert_exact(y, n, at, value, 4);
  print_message("feedback 0.5, 480 frames: echoes exactly %g %g %g %g at "
                "480, 960, 1440, 1920\n",
                (double)y[at[0]],
                (double)y[at[1]],
                (double)y[at[2]],
                (double)y[at[3]]);
  free(x);
  free(y);
  harness_free(h);

  /* Dry and wet mix: wet 0.25 gives 0.75 * in now and 0.25 * delayed. */
  NodeHarness* const h2 = new_delay(48000.0, 0.01f, 0.0f, 0.25f);
  float* const       x2 = impulse_new(1000, OFFSET);
  float              y2[1000];
  harness_input(h2, 0, x2);
  harness_render1(h2, 0, y2, 1000);
  const uint32_t at2[]    = { OFFSET, OFFSET + 480 };
  const float    value2[] = { 0.75f, 0.25f };
  assert_exact(y2, 1000, at2, value2, 2);
  free(x2);
  harness_free(h2);
}

/* In a feedback loop process() runs before the block's input exists: the
   delay is clamped to one block (64 frames) and there is no dry part. */
static void
test_feedback_loop_clamps_to_one_block(void** state)
{
  (void)state;
  const double rate = 48000.0;
  static const struct {
    float    time;
    uint32_t expect;
  } cases[] = {
    { 0.0f, 64 },
    { 10.0f / 48000.0f, 64 },
    { 63.0f / 48000.0f, 64 },
    { 65.0f / 48000.0f, 65 },
    { 1000.0f / 48000.0f, 1000 },
  };
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    const uint32_t     n = 1200U;
    NodeHarness* const h = new_delay(rate, cases[c].time, 0.0f, 0.5f);
    harness_set_feedback(h, 1);
    float* const x = impulse_new(n, OFFSET);
    float* const y = (float*)malloc(n * sizeof(float));
    harness_input(h, 0, x);
    harness_render1(h, 0, y, n);
    const uint32_t at    = OFFSET + cases[c].expect;
    const float    value = 0.5f; /* wet * delayed, no dry */
    assert_exact(y, n, &at, &value, 1);
    print_message("loop mode, time %.0f frames: impulse at %u, amplitude "
                  "%g, no dry signal\n",
                  (double)cases[c].time * rate,
                  cases[c].expect,
                  (double)y[at]);
    free(x);
    free(y);
    harness_free(h);
  }

  /* Feedback inside the loop mode still repeats: 64, 128, 192. */
  NodeHarness* const h = new_delay(rate, 0.0f, 0.5f, 1.0f);
  harness_set_feedback(h, 1);
  float* const x = impulse_new(300, OFFSET);
  float        y[300];
  harness_input(h, 0, x);
  harness_render1(h, 0, y, 300);
  const uint32_t at[] = {
    OFFSET + 64, OFFSET + 128, OFFSET + 192, OFFSET + 256
  };
  const float value[] = { 1.0f, 0.5f, 0.25f, 0.125f };
  assert_exact(y, 300, at, value, 4);
  free(x);
  harness_free(h);
}

/* In a feedback loop process() runs before its block's inputs are
   computed: call it directly with inputs full of NaN (time_cv connected);
   the output must be the delayed past signal, exactly. */
static void
test_feedback_loop_process_reads_no_input(void** state)
{
  (void)state;
  const AetherNodeType* const type = aether_registry_find("Delay");
  const double                rate = 48000.0;
  NodeHarness* const          h = new_delay(rate, 96.0f / 48000.0f, 0.5f, 1.0f);
  harness_set_feedback(h, 1);
  float* const x  = impulse_new(64, OFFSET);
  float* const cv = (float*)calloc(64, sizeof(float));
  float        y[64];
  harness_input(h, 0, x);
  harness_input(h, 1, cv);
  harness_render1(h, 0, y, 64); /* frames 0 .. 63: the impulse is written */

  float poison[AETHER_BUFFER_SIZE];
  float params[4][AETHER_BUFFER_SIZE];
  float out[AETHER_BUFFER_SIZE];
  for (uint32_t t = 0; t < AETHER_BUFFER_SIZE; ++t) {
    poison[t]                                             = NAN;
    params[aether_node_type_param_index(type, "time")][t] = 96.0f / 48000.0f;
    params[aether_node_type_param_index(type, "feedback")][t] = 0.5f;
    params[aether_node_type_param_index(type, "wet")][t]      = 1.0f;
    params[aether_node_type_param_index(type, "damp")][t]     = 0.0f;
  }
  AetherContext ctx;
  memset(&ctx, 0, sizeof(ctx));
  ctx.rate                    = rate;
  const float*      ins[2]    = { poison, poison };
  float*            outs[1]   = { out };
  const float*      values[4] = { params[0], params[1], params[2], params[3] };
  AetherProcessArgs args;
  memset(&args, 0, sizeof(args));
  args.ctx       = &ctx;
  args.in        = ins;
  args.connected = 3U;
  args.out       = outs;
  args.feedback  = true;
  args.param     = values;
  type->process(harness_state(h), &args, AETHER_BUFFER_SIZE);

  const uint32_t at    = OFFSET + 96U - 64U; /* frame 101 of 64 .. 127 */
  const float    value = 1.0f;
  assert_exact(out, AETHER_BUFFER_SIZE, &at, &value, 1);
  print_message("loop mode: process() with NaN inputs gives the impulse at "
                "frame %u exactly, all else 0\n",
                64U + at);
  free(x);
  free(cv);
  harness_free(h);
}

/* Loop mode with a moving time CV (read one block late) and ramps: blocks
   of 1, 7 and 64 frames give the same output. */
static void
test_feedback_loop_partition_invariant(void** state)
{
  (void)state;
  const double   rate     = 44100.0;
  const uint32_t n        = 30000;
  const uint32_t blocks[] = { 1, 7, 64 };
  float*         x        = (float*)malloc(n * sizeof(float));
  float*         cv       = (float*)malloc(n * sizeof(float));
  uint32_t       s        = 42;
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i]  = (float)(s >> 8U) / 8388608.0f - 1.0f;
    cv[i] = 0.0005f * sinf(0.001f * (float)i);
  }
  float* y[3];
  for (uint32_t b = 0; b < 3; ++b) {
    NodeHarness* const h = new_delay(rate, 0.0012f, 0.7f, 0.8f);
    harness_set_feedback(h, 1);
    harness_input(h, 0, x);
    harness_input(h, 1, cv);
    y[b]          = (float*)malloc(n * sizeof(float));
    float* out[1] = { y[b] };
    harness_render(h, out, 10000, blocks[b]);
    harness_ramp(h, "time", 0.0001f, 5000);
    harness_ramp(h, "damp", 0.7f, 3000);
    out[0] = y[b] + 10000;
    harness_render(h, out, 20000, blocks[b]);
    harness_free(h);
  }
  assert_memory_equal(y[0], y[1], n * sizeof(float));
  assert_memory_equal(y[0], y[2], n * sizeof(float));
  assert_true(measure_rms(y[0], n) > 0.1);
  print_message("loop mode: %u frames bit-identical in blocks of 1, 7, 64\n",
                n);
  for (uint32_t b = 0; b < 3; ++b) {
    free(y[b]);
  }
  free(x);
  free(cv);
}

/* Normal mode: a whole delay, a glide to a fractional one, damping and
   feedback ramping, with and without a time CV: blocks of 1 (one frame a
   call, the settled delay's own path), 3 and random sizes give the output
   of blocks of 64, bit for bit. */
static void
test_normal_mode_partition_invariant(void** state)
{
  (void)state;
  const double   rate = 48000.0;
  const uint32_t n    = 36000;
  float* const   x    = (float*)malloc(n * sizeof(float));
  float* const   cv   = (float*)malloc(n * sizeof(float));
  float* const   ref  = (float*)malloc(n * sizeof(float));
  float* const   got  = (float*)malloc(n * sizeof(float));
  uint32_t       s    = 7;
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13U;
    s ^= s >> 17U;
    s ^= s << 5U;
    x[i]  = (float)(s >> 8U) / 8388608.0f - 1.0f;
    cv[i] = 0.0004f * sinf(0.0007f * (float)i);
  }
  const uint32_t blocks[] = { 64, 1, 3, 0 };
  for (uint32_t with_cv = 0; with_cv < 2; ++with_cv) {
    for (uint32_t b = 0; b < 4; ++b) {
      NodeHarness* const h = new_delay(rate, 0.005f, 0.6f, 0.7f);
      harness_set(h, "damp", 0.4f);
      harness_input(h, 0, x);
      harness_input(h, 1, with_cv ? cv : NULL);
      float* const y   = b ? got : ref;
      uint32_t     r   = 99U;
      uint32_t     pos = 0;
      for (uint32_t phase = 0; phase < 3; ++phase) {
        if (phase == 1) {
          harness_set(h, "time", 0.0051234f); /* glides, then holds */
        } else if (phase == 2) {
          harness_ramp(h, "damp", 0.9f, 3001);
          harness_ramp(h, "feedback", 0.2f, 4999);
        }
        for (const uint32_t end = pos + 12000U; pos < end;) {
          r ^= r << 13U;
          r ^= r >> 17U;
          r ^= r << 5U;
          uint32_t len  = blocks[b] ? blocks[b] : 1U + r % 64U;
          len           = len < end - pos ? len : end - pos;
          float* out[1] = { y + pos };
          harness_render(h, out, len, 64);
          pos += len;
        }
      }
      harness_free(h);
      if (b) {
        assert_memory_equal(ref, got, n * sizeof(float));
      }
    }
    assert_true(measure_rms(ref, n) > 0.1);
  }
  print_message("normal mode: %u frames bit-identical in blocks of 1, 3, 64 "
                "and random sizes, with and without a time CV\n",
                n);
  free(x);
  free(cv);
  free(ref);
  free(got);
}

/* Peak level in dB of each second of `y`. */
static void
second_peaks_db(const float* const y,
                const uint32_t     seconds,
                const uint32_t     rate,
                double* const      db)
{
  for (uint32_t s = 0; s < seconds; ++s) {
    db[s] = 20.0 * log10(measure_peak(y + s * rate, rate) + 1e-30);
  }
}

static void
test_damped_feedback_decays(void** state)
{
  (void)state;
  const uint32_t rate = 48000;
  const uint32_t n    = 10U * rate;
  float* const   x    = impulse_new(n, OFFSET);
  float* const   y    = (float*)malloc(n * sizeof(float));
  double         plain[10];
  double         damped[10];

  NodeHarness* h = new_delay(rate, 0.05f, 0.99f, 1.0f);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  assert_true(measure_all_finite(y, n));
  second_peaks_db(y, 10, rate, plain);
  harness_free(h);

  h = new_delay(rate, 0.05f, 0.99f, 1.0f);
  harness_set(h, "damp", 1.0f);
  harness_input(h, 0, x);
  harness_render1(h, 0, y, n);
  assert_true(measure_all_finite(y, n));
  second_peaks_db(y, 10, rate, damped);
  harness_free(h);

  print_message("feedback 0.99, 50 ms: peak per second without damping "
                "%.1f %.1f .. %.1f dB, with damp 1 %.1f %.1f .. %.1f dB\n",
                plain[0],
                plain[1],
                plain[9],
                damped[0],
                damped[1],
                damped[9]);
  /* Undamped: 0.99 per repeat is -1.75 dB per second, exactly. */
  assert_float_equal(
    plain[9] - plain[1], 8.0 * 20.0 * log10(pow(0.99, 20)), 0.01);
  /* Damped: every second is quieter than the one before, and the last is
     far below the first. */
  for (uint32_t s = 1; s < 10; ++s) {
    assert_true(damped[s] < damped[s - 1]);
  }
  assert_true(damped[9] - damped[0] < -40.0);
  free(x);
  free(y);
}

/* Largest difference between consecutive samples in [from, to). */
static double
max_step(const float* const y, const uint32_t from, const uint32_t to)
{
  double m = 0.0;
  for (uint32_t i = from + 1; i < to; ++i) {
    m = fmax(m, fabs((double)y[i] - (double)y[i - 1]));
  }
  return m;
}

/* A stepped time (or time_cv) glides: no discontinuity in a delayed sine,
   and whole-frame delays are exact again once it has settled. */
static void
test_time_changes_glide_without_clicks(void** state)
{
  (void)state;
  const uint32_t rate = 48000;
  const uint32_t n    = 3U * rate;
  float* const   x    = (float*)malloc(n * sizeof(float));
  float* const   cv   = (float*)calloc(n, sizeof(float));
  float* const   y    = (float*)malloc(n * sizeof(float));
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = 0.5f * sinf((float)(2.0 * M_PI * 440.0 / rate) * (float)i);
  }
  const double sine_step = 0.5 * 2.0 * M_PI * 440.0 / rate;

  for (uint32_t mode = 0; mode < 2; ++mode) {
    NodeHarness* const h = new_delay(rate, 0.26f, 0.0f, 1.0f);
    harness_input(h, 0, x);
    float* out[1] = { y };
    if (mode == 0) {
      harness_render(h, out, rate, 64);
      harness_set(h, "time", 0.25f); /* a step of -480 frames */
    } else {
      for (uint32_t i = rate; i < n; ++i) {
        cv[i] = -0.01f; /* a step of the CV */
      }
      harness_input(h, 1, cv);
      harness_render(h, out, rate, 64);
    }
    out[0] = y + rate;
    harness_render(h, out, n - rate, 64);
    const double before = max_step(y, rate / 2, rate);
    const double during = max_step(y, rate, rate + rate / 4);
    print_message("%s step 0.26 -> 0.25 s: largest sample step %.4f before, "
                  "%.4f while gliding (sine %.4f; a jump would be ~0.5)\n",
                  mode ? "time_cv" : "time",
                  before,
                  during,
                  sine_step);
    assert_true(before <= sine_step * 1.01);
    /* Reading at most twice as fast while the delay shrinks. */
    assert_true(during <= 2.0 * sine_step * 1.01);
    harness_free(h);
  }

  /* Settled after the glide: exactly 12000 frames again. */
  NodeHarness* const h   = new_delay(rate, 0.3f, 0.0f, 1.0f);
  float* const       imp = impulse_new(n, rate + OFFSET);
  harness_input(h, 0, imp);
  float* out[1] = { y };
  harness_render(h, out, rate / 2, 64);
  harness_set(h, "time", 0.25f);
  out[0] = y + rate / 2;
  harness_render(h, out, n - rate / 2, 64);
  const uint32_t at    = rate + OFFSET + 12000U;
  const float    value = 1.0f;
  assert_exact(y, n, &at, &value, 1);
  free(imp);
  harness_free(h);

  free(x);
  free(cv);
  free(y);
}

/* Time + time_cv beyond 4 s is clamped to 4 s, below 0 to one frame. */
static void
test_time_cv_clamps(void** state)
{
  (void)state;
  const uint32_t rate     = 22050;
  const uint32_t n        = 4U * rate + 200U;
  float* const   x        = impulse_new(n, OFFSET);
  float* const   cv       = (float*)malloc(n * sizeof(float));
  float* const   y        = (float*)malloc(n * sizeof(float));
  const float    cvs[]    = { 3.9f, -1.0f, 0.5f };
  const uint32_t expect[] = { 4U * rate, 1U, 15435U }; /* 0.7 s */
  for (uint32_t c = 0; c < 3; ++c) {
    for (uint32_t i = 0; i < n; ++i) {
      cv[i] = cvs[c];
    }
    NodeHarness* const h = new_delay(rate, 0.2f, 0.0f, 1.0f);
    harness_input(h, 0, x);
    harness_input(h, 1, cv);
    harness_render1(h, 0, y, n);
    const uint32_t at    = OFFSET + expect[c];
    const float    value = 1.0f;
    assert_exact(y, n, &at, &value, 1);
    harness_free(h);
  }
  print_message("time 0.2 s + cv 3.9 s -> 4 s, + cv -1 s -> 1 frame, + cv "
                "0.5 s -> 0.7 s, all exact\n");
  free(x);
  free(cv);
  free(y);
}

static void
test_reset_clears_the_line(void** state)
{
  (void)state;
  const uint32_t     n = 2000;
  NodeHarness* const h = new_delay(48000.0, 0.01f, 0.9f, 1.0f);
  float* const       x = impulse_new(n, OFFSET);
  float              y[2000];
  harness_input(h, 0, x);
  harness_render1(h, 0, y, 600);
  harness_reset(h);
  harness_input(h, 0, NULL);
  harness_render1(h, 0, y, n);
  assert_true(measure_peak(y, n) == 0.0);
  free(x);
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_integer_delays_are_exact),
    cmocka_unit_test(test_fractional_delays_interpolate),
    cmocka_unit_test(test_feedback_echoes_halve),
    cmocka_unit_test(test_feedback_loop_clamps_to_one_block),
    cmocka_unit_test(test_feedback_loop_process_reads_no_input),
    cmocka_unit_test(test_feedback_loop_partition_invariant),
    cmocka_unit_test(test_normal_mode_partition_invariant),
    cmocka_unit_test(test_damped_feedback_decays),
    cmocka_unit_test(test_time_changes_glide_without_clicks),
    cmocka_unit_test(test_time_cv_clamps),
    cmocka_unit_test(test_reset_clears_the_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
