/* test_src_lfo.c: Lfo rate, range, start phase, restart, sample & hold,
   smooth random, sweep, partition and tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_lfo;

enum { SINE, TRIANGLE, SQUARE, SAMPLE_HOLD, SMOOTH };

static float*
render_lfo(NodeHarness* const h, const uint32_t n)
{
  float* const y = src_alloc(n);
  harness_render1(h, 0, y, n);
  return y;
}

static void
test_lfo_rate(void** state)
{
  (void)state;
  static const double rates[] = { 44100, 48000, 96000 };
  static const float  hz[]    = { 0.5f, 1, 7.3f, 50 };
  double              worst   = 0.0;
  for (unsigned r = 0; r < 3; ++r) {
    for (int w = SINE; w <= SQUARE; ++w) {
      for (unsigned f = 0; f < 4; ++f) {
        const uint32_t     n = (uint32_t)(rates[r] * (2.2 + 5.0 / hz[f]));
        NodeHarness* const h = harness_new(&aether_node_lfo, rates[r]);
        harness_set(h, "wave", (float)w);
        harness_set(h, "rate", hz[f]);
        harness_set(h, "phase", 0.1f);
        float* const y   = render_lfo(h, n);
        const double got = measure_zero_cross_hz(y, n, rates[r]);
        const double err = fabs(got / hz[f] - 1.0);
        worst            = fmax(worst, err);
        if (err > 1e-3) {
          fail_msg("wave %d at %g Hz, rate %g: measured %.6f Hz",
                   w,
                   (double)hz[f],
                   rates[r],
                   got);
        }
        free(y);
        harness_free(h);
      }
    }
  }
  printf("rate: worst relative error %.2g (limit 1e-3)\n", worst);
}

/* out = offset + depth * wave, exactly at the wave's extremes. */
static void
test_lfo_range(void** state)
{
  (void)state;
  static const struct {
    float depth, offset;
  } cases[] = { { 0.3f, 0.2f }, { 1, 0 }, { 0.5f, -0.75f }, { 0, 0.4f } };
  for (unsigned c = 0; c < 4; ++c) {
    for (int w = SINE; w <= SMOOTH; ++w) {
      const uint32_t     n = 48000;
      NodeHarness* const h = harness_new(&aether_node_lfo, 48000);
      harness_set(h, "wave", (float)w);
      harness_set(h, "rate", 4);
      harness_set(h, "depth", cases[c].depth);
      harness_set(h, "offset", cases[c].offset);
      float* const y  = render_lfo(h, n);
      double       lo = 1e9;
      double       hi = -1e9;
      for (uint32_t i = 0; i < n; ++i) {
        lo = fmin(lo, y[i]);
        hi = fmax(hi, y[i]);
      }
      const double want_lo = cases[c].offset - cases[c].depth;
      const double want_hi = cases[c].offset + cases[c].depth;
      if (w <= SQUARE) { /* 12000 samples a cycle: the peaks are sampled */
        assert_true(fabs(lo - want_lo) < 1e-6);
        assert_true(fabs(hi - want_hi) < 1e-6);
      } else { /* random levels: inside the range, using most of it */
        assert_true(lo >= want_lo - 1e-6 && hi <= want_hi + 1e-6);
        assert_true(cases[c].depth == 0 || hi - lo > 0.5 * cases[c].depth);
      }
      if (c == 0) {
        printf("wave %d depth 0.3 offset 0.2: range [%.7f, %.7f]\n", w, lo, hi);
      }
      free(y);
      harness_free(h);
    }
  }
}

/* The first sample is at the start phase; a rising reset edge returns
   there. */
static void
test_lfo_phase_and_reset(void** state)
{
  (void)state;
  const uint32_t n     = 48000;
  float* const   reset = src_alloc(n);
  reset[10000]         = 1.0f;
  reset[10001]         = 1.0f;
  reset[30000]         = 0.7f;
  NodeHarness* const h = harness_new(&aether_node_lfo, 48000);
  harness_set(h, "phase", 0.25f);
  harness_set(h, "rate", 3.3f);
  harness_set(h, "depth", 1);
  harness_input(h, 0, reset);
  float* const y = render_lfo(h, n);
  printf("start phase 0.25: y[0] = %.7f, at edges y[10000] = %.7f, y[30000] = "
         "%.7f; y[10001] = %.7f\n",
         y[0],
         y[10000],
         y[30000],
         y[10001]);
  assert_float_equal(y[0], 1.0, 1e-6);
  assert_float_equal(y[10000], 1.0, 1e-6);
  assert_float_equal(y[30000], 1.0, 1e-6);
  /* one sample later: cos(2 pi 3.3 / 48000) */
  assert_float_equal(y[10001], cos(2.0 * M_PI * 3.3 / 48000.0), 1e-6);
  assert_true(y[9999] < 0.99);
  free(y);
  free(reset);
  harness_free(h);
}

/* Sample & hold: one new level per cycle, at the cycle boundary. */
static void
test_lfo_sample_hold(void** state)
{
  (void)state;
  const uint32_t     n = 48001;
  NodeHarness* const h = harness_new(&aether_node_lfo, 48000);
  harness_set(h, "wave", SAMPLE_HOLD);
  harness_set(h, "rate", 10);
  harness_set(h, "depth", 1);
  float* const y       = render_lfo(h, n);
  uint32_t     changes = 0;
  uint32_t     worst   = 0;
  for (uint32_t i = 1; i < n; ++i) {
    if (y[i] != y[i - 1]) {
      ++changes;
      const uint32_t k   = (i + 2400) / 4800;
      const uint32_t off = i > k * 4800 ? i - k * 4800 : k * 4800 - i;
      worst              = off > worst ? off : worst;
    }
  }
  printf("sample & hold at 10 Hz: %u steps in 1 s, at most %u samples from "
         "a multiple of 4800\n",
         changes,
         worst);
  assert_int_equal(changes, 10);
  assert_true(worst <= 1);
  free(y);
  harness_free(h);
}

/* Smooth random: no jumps (slope within pi * depth * rate / fs), the random
   level reached at each cycle end, and a restart glides on. */
static void
test_lfo_smooth_random(void** state)
{
  (void)state;
  const uint32_t n     = 96000;
  float* const   reset = src_alloc(n);
  reset[50000]         = 1.0f;
  NodeHarness* const h = harness_new(&aether_node_lfo, 48000);
  harness_set(h, "wave", SMOOTH);
  harness_set(h, "rate", 8);
  harness_set(h, "depth", 1);
  harness_input(h, 0, reset);
  float* const y     = render_lfo(h, n);
  const double bound = M_PI * 8.0 / 48000.0 * 1.001;
  double       step  = 0.0;
  for (uint32_t i = 1; i < n; ++i) {
    step = fmax(step, fabs((double)y[i] - (double)y[i - 1]));
  }
  printf("smooth random: max step %.3g (bound %.3g), levels at cycle ends "
         "%.3f %.3f %.3f\n",
         step,
         bound,
         y[6000],
         y[12000],
         y[18000]);
  assert_true(step <= bound);
  /* slope 0 at each cycle end: the level is a local extreme or plateau */
  for (uint32_t k = 1; k < 8; ++k) {
    const uint32_t i = 6000 * k;
    assert_true(fabs((double)y[i + 1] - y[i]) < 1e-6);
  }
  free(y);
  free(reset);
  harness_free(h);
}

static void
test_lfo_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep spec = { .type     = &aether_node_lfo,
                            .rate     = rates[r],
                            .bound    = 2.0f,
                            .in_scale = { 1.0f } };
    const double   peak = src_sweep(&spec, 31U + r, 30.0);
    printf("sweep at %g Hz: peak %.3f (bound |offset| + depth = 2)\n",
           rates[r],
           peak);
    assert_true(peak > 1.0);
  }
}

static void
partition_script(NodeHarness* const  h,
                 float* const* const outs,
                 const uint32_t      n,
                 const uint32_t      block)
{
  const uint32_t q = n / 4;
  harness_set(h, "rate", 40);
  harness_ramp(h, "depth", 1, 3000);
  harness_render(h, outs, q, block);
  harness_set(h, "wave", SAMPLE_HOLD);
  harness_ramp(h, "rate", 3, 2000);
  harness_render(h, (float* const[]){ outs[0] + q }, q, block);
  harness_ramp(h, "wave", SMOOTH, 400);
  harness_ramp(h, "offset", 0.5f, 100);
  harness_render(h, (float* const[]){ outs[0] + 2 * q }, q, block);
  harness_set(h, "wave", TRIANGLE);
  harness_ramp(h, "rate", 50, 5000);
  harness_render(h, (float* const[]){ outs[0] + 3 * q }, n - 3 * q, block);
}

static void
test_lfo_partition(void** state)
{
  (void)state;
  enum { N = 40000 };
  uint32_t     rng                   = 8;
  float* const in[AETHER_MAX_INPUTS] = { src_alloc(N) };
  src_random_signal(in[0], N, 1.0f, &rng);
  const double peak = src_partition(
    &aether_node_lfo, 48000, N, (const float* const*)in, partition_script);
  assert_true(peak > 0.5);
  free(in[0]);
}

/* Ten seconds later: still exact. A 1 Hz sine keeps its peak; depth 0
   leaves exactly the offset. */
static void
test_lfo_tail(void** state)
{
  (void)state;
  NodeHarness* const h = harness_new(&aether_node_lfo, 48000);
  harness_set(h, "depth", 1);
  const double peak = src_tail(h, &aether_node_lfo, 48000, 10.0, 0, 1.0);
  harness_set(h, "depth", 0);
  harness_set(h, "offset", 0);
  const double flat = src_tail(h, &aether_node_lfo, 48000, 10.0, 0, 10.0);
  printf("tail: peak over the last second %.7f, depth 0: %g\n", peak, flat);
  assert_float_equal(peak, 1.0, 1e-6);
  assert_true(flat == 0.0);
  harness_free(h);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lfo_rate),
    cmocka_unit_test(test_lfo_range),
    cmocka_unit_test(test_lfo_phase_and_reset),
    cmocka_unit_test(test_lfo_sample_hold),
    cmocka_unit_test(test_lfo_smooth_random),
    cmocka_unit_test(test_lfo_sweep),
    cmocka_unit_test(test_lfo_partition),
    cmocka_unit_test(test_lfo_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
