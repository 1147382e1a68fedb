/* test_src_adsr.c: Adsr segment timing (linear and exponential), curve
   shape, retrigger, VCA, sweep, partition and tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_adsr;

enum { IN_GATE, IN_IN };
enum { OUT_ENV, OUT_OUT };

#define RATE 48000.0
#define GATE_ON 100U

typedef struct {
  uint32_t full;     /**< first sample at 1 */
  uint32_t sustain;  /**< first sample at the sustain level after that */
  uint32_t zero;     /**< first sample at 0 after the gate falls */
  int      monotone; /**< rises in attack, falls in decay and release */
} Marks;

/* Gate high from GATE_ON to `off`; attack, decay and release of a, d and r
   samples; sustain 0.5. */
static Marks
run_adsr(const float    curve,
         const uint32_t a,
         const uint32_t d,
         const uint32_t r,
         float** const  keep)
{
  const uint32_t off  = GATE_ON + a + d + 1000;
  const uint32_t n    = off + r + 1000;
  float* const   gate = src_alloc(n);
  for (uint32_t i = GATE_ON; i < off; ++i) {
    gate[i] = 1.0f;
  }
  NodeHarness* const h = harness_new(&aether_node_adsr, RATE);
  harness_set(h, "attack", (float)(a / RATE));
  harness_set(h, "decay", (float)(d / RATE));
  harness_set(h, "release", (float)(r / RATE));
  harness_set(h, "sustain", 0.5f);
  harness_set(h, "curve", curve);
  harness_input(h, IN_GATE, gate);
  float* const y = src_alloc(n);
  harness_render1(h, OUT_ENV, y, n);

  Marks m = { 0, 0, 0, 1 };
  for (uint32_t i = 0; i < n && !m.full; ++i) {
    m.full = y[i] == 1.0f ? i : 0;
  }
  for (uint32_t i = m.full; i < n && !m.sustain; ++i) {
    m.sustain = y[i] == 0.5f ? i : 0;
  }
  for (uint32_t i = off; i < n && !m.zero; ++i) {
    m.zero = y[i] == 0.0f ? i : 0;
  }
  for (uint32_t i = GATE_ON + 1; i <= m.full; ++i) {
    m.monotone &= y[i] > y[i - 1];
  }
  for (uint32_t i = m.full + 1; i <= m.sustain; ++i) {
    m.monotone &= y[i] < y[i - 1];
  }
  for (uint32_t i = off + 1; i <= m.zero; ++i) {
    m.monotone &= y[i] < y[i - 1];
  }
  if (keep) {
    *keep = y;
  } else {
    free(y);
  }
  free(gate);
  harness_free(h);
  return m;
}

static void
check_timing(const float curve)
{
  static const uint32_t times[] = { 480, 4800, 48000 };
  for (unsigned k = 0; k < 9; ++k) {
    const uint32_t a   = times[k % 3];
    const uint32_t d   = times[(k / 3) % 3];
    const uint32_t r   = times[(k + 1) % 3];
    const Marks    m   = run_adsr(curve, a, d, r, NULL);
    const uint32_t off = GATE_ON + a + d + 1000;
    /* the gate's first high sample is the attack's first step: A samples
       end at GATE_ON + A - 1; likewise for decay and release */
    const long e_full = (long)m.full - (long)(GATE_ON + a - 1);
    const long e_sus  = (long)m.sustain - (long)(m.full + d);
    const long e_zero = (long)m.zero - (long)(off + r - 1);
    printf("%s A %u D %u R %u: full at %+ld, sustain at %+ld, zero at %+ld "
           "samples from expected%s\n",
           curve ? "exponential" : "linear",
           a,
           d,
           r,
           e_full,
           e_sus,
           e_zero,
           m.monotone ? ", monotone" : ", NOT MONOTONE");
    assert_true(labs(e_full) <= 1 && labs(e_sus) <= 1 && labs(e_zero) <= 1);
    assert_true(m.monotone);
  }
}

static void
test_adsr_linear_timing(void** state)
{
  (void)state;
  check_timing(0);
}

static void
test_adsr_exponential_timing(void** state)
{
  (void)state;
  check_timing(1);
}

/* Halfway through, linear segments are halfway; exponential attack is
   above (1.3 * (1 - sqrt(0.3 / 1.3)) = 0.675) and exponential release far
   below (0.5 * (1.001 * sqrt(0.001 / 1.001) - 0.001) = 0.0153). */
static void
test_adsr_curve_shape(void** state)
{
  (void)state;
  float*         lin = NULL;
  float*         ex  = NULL;
  const uint32_t a = 4800, d = 4800, r = 4800;
  const uint32_t off = GATE_ON + a + d + 1000;
  run_adsr(0, a, d, r, &lin);
  run_adsr(1, a, d, r, &ex);
  const uint32_t mid_a = GATE_ON + a / 2 - 1;
  const uint32_t mid_r = off + r / 2 - 1;
  printf("halfway: attack linear %.4f exponential %.4f; release linear %.4f "
         "exponential %.4f\n",
         lin[mid_a],
         ex[mid_a],
         lin[mid_r],
         ex[mid_r]);
  assert_float_equal(lin[mid_a], 0.5, 1e-6);
  assert_float_equal(lin[mid_r], 0.25, 1e-6);
  assert_float_equal(ex[mid_a], 1.3 * (1.0 - sqrt(0.3 / 1.3)), 1e-4);
  assert_float_equal(
    ex[mid_r], 0.5 * (1.001 * sqrt(0.001 / 1.001) - 0.001), 1e-4);
  free(ex);
  free(lin);
}

/* Retrigger in release, decay and attack: the envelope moves on from where
   it is, never faster than the attack slope. */
static void
test_adsr_retrigger(void** state)
{
  (void)state;
  const uint32_t n    = 48000;
  float* const   gate = src_alloc(n);
  for (uint32_t i = 0; i < n; ++i) {
    gate[i] = (i >= 100 && i < 10000) || (i >= 15000 && i < 15200) ||
                  (i >= 15300 && i < 16000) || (i >= 16010)
                ? 1.0f
                : 0.0f;
  }
  for (int curve = 0; curve < 2; ++curve) {
    NodeHarness* const h = harness_new(&aether_node_adsr, RATE);
    harness_set(h, "curve", (float)curve);
    harness_input(h, IN_GATE, gate);
    float* const y = src_alloc(n);
    harness_render1(h, OUT_ENV, y, n);
    /* attack slope (0.01 s): 1/480 linear; at most 1.3 * (1 - c) exponential */
    const double slope =
      curve ? 1.3 * (1.0 - pow(0.3 / 1.3, 1.0 / 480.0)) : 1.0 / 480.0;
    double step = 0.0;
    for (uint32_t i = 1; i < n; ++i) {
      step = fmax(step, fabs((double)y[i] - (double)y[i - 1]));
    }
    printf("%s retrigger: levels at the new gates %.4f %.4f %.4f, max step "
           "%.6f (attack slope %.6f)\n",
           curve ? "exponential" : "linear",
           y[14999],
           y[15299],
           y[16009],
           step,
           slope);
    assert_true(y[14999] > 0.05 && y[15299] > 0.5 && y[16009] > 0.8);
    assert_true(y[15000] > y[14999] && y[15300] > y[15299]);
    assert_true(step <= slope + 1e-7); /* + float rounding of env */
    free(y);
    harness_free(h);
  }
  free(gate);
}

/* out = in * env when in is connected, else env; bit-exact. */
static void
test_adsr_vca(void** state)
{
  (void)state;
  const uint32_t n    = 20000;
  float* const   gate = src_alloc(n);
  float* const   in   = src_alloc(n);
  uint32_t       rng  = 4;
  src_random_signal(in, n, 1.0f, &rng);
  for (uint32_t i = 1000; i < 12000; ++i) {
    gate[i] = 1.0f;
  }
  float* const env[2] = { src_alloc(n), src_alloc(n) };
  float* const out[2] = { src_alloc(n), src_alloc(n) };
  for (int k = 0; k < 2; ++k) {
    NodeHarness* const h = harness_new(&aether_node_adsr, RATE);
    harness_input(h, IN_GATE, gate);
    harness_input(h, IN_IN, k ? in : NULL);
    harness_render(h, (float* const[]){ env[k], out[k] }, n, 64);
    harness_free(h);
  }
  uint32_t bad0 = 0, bad1 = 0;
  for (uint32_t i = 0; i < n; ++i) {
    bad0 += out[0][i] != env[0][i];
    bad1 += out[1][i] != in[i] * env[1][i];
  }
  printf("vca: out == env unconnected: %u mismatches; out == in * env: %u "
         "mismatches; peak env %.3f\n",
         bad0,
         bad1,
         measure_peak(env[0], n));
  assert_int_equal(bad0, 0);
  assert_int_equal(bad1, 0);
  assert_memory_equal(env[0], env[1], n * sizeof(float));
  assert_float_equal(measure_peak(env[0], n), 1.0, 0.0);
  for (int k = 0; k < 2; ++k) {
    free(env[k]);
    free(out[k]);
  }
  free(in);
  free(gate);
}

static void
test_adsr_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep spec = { .type     = &aether_node_adsr,
                            .rate     = rates[r],
                            .bound    = 1.0f,
                            .in_scale = { 1.0f, 1.0f } };
    const double   peak = src_sweep(&spec, 900U + r, 30.0);
    printf("sweep at %g Hz: peak %.4f\n", rates[r], peak);
    assert_true(peak > 0.9);
  }
}

static void
partition_script(NodeHarness* const  h,
                 float* const* const outs,
                 const uint32_t      n,
                 const uint32_t      block)
{
  const uint32_t q = n / 3;
  harness_set(h, "attack", 0.002f);
  harness_ramp(h, "sustain", 0.2f, 3000);
  harness_render(h, outs, q, block);
  harness_set(h, "curve", 1);
  harness_ramp(h, "release", 0.01f, 700);
  harness_render(h, (float* const[]){ outs[0] + q, outs[1] + q }, q, block);
  harness_ramp(h, "curve", 0, 300);
  harness_ramp(h, "decay", 0.001f, 100);
  harness_render(
    h, (float* const[]){ outs[0] + 2 * q, outs[1] + 2 * q }, n - 2 * q, block);
}

static void
test_adsr_partition(void** state)
{
  (void)state;
  enum { N = 30000 };
  float* const in[AETHER_MAX_INPUTS] = { src_alloc(N), src_alloc(N) };
  for (uint32_t i = 0; i < N; ++i) {
    in[IN_GATE][i] = (i / 1700) % 3 ? 1.0f : 0.0f;
    in[IN_IN][i]   = (float)sin(0.05 * i);
  }
  const double peak = src_partition(
    &aether_node_adsr, 48000, N, (const float* const*)in, partition_script);
  assert_true(peak > 0.5);
  free(in[0]);
  free(in[1]);
}

/* A 0.1 s note, then 10 s of silence on the gate: env and out (the input
   still playing noise) are exactly 0 once released, never subnormal. */
static void
test_adsr_tail(void** state)
{
  (void)state;
  const uint32_t n    = 4800;
  const uint32_t all  = n + 10 * 48000;
  float* const   gate = src_alloc(n);
  float* const   in   = src_alloc(all);
  uint32_t       rng  = 12;
  src_random_signal(in, all, 1.0f, &rng);
  for (uint32_t i = 0; i < n; ++i) {
    gate[i] = 1.0f;
  }
  for (int curve = 0; curve < 2; ++curve) {
    NodeHarness* const h = harness_new(&aether_node_adsr, RATE);
    harness_set(h, "curve", (float)curve);
    harness_input(h, IN_GATE, gate);
    harness_input(h, IN_IN, in);
    float* const y = src_alloc(n);
    harness_render1(h, OUT_ENV, y, n);
    harness_input(h, IN_GATE, NULL);
    /* the default release (0.3 s) is over well within the first second */
    const double out = src_tail(h, &aether_node_adsr, RATE, 10.0, OUT_OUT, 9.0);
    printf("%s tail: level at gate off %.3f, out peak over the last 9 s %g\n",
           curve ? "exponential" : "linear",
           y[n - 1],
           out);
    assert_true(y[n - 1] > 0.69);
    assert_true(out == 0.0);
    free(y);
    harness_free(h);
  }
  free(in);
  free(gate);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_adsr_linear_timing),
    cmocka_unit_test(test_adsr_exponential_timing),
    cmocka_unit_test(test_adsr_curve_shape),
    cmocka_unit_test(test_adsr_retrigger),
    cmocka_unit_test(test_adsr_vca),
    cmocka_unit_test(test_adsr_sweep),
    cmocka_unit_test(test_adsr_partition),
    cmocka_unit_test(test_adsr_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
