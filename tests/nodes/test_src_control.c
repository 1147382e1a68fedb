/* test_src_control.c: SampleHold, Slew and Math: exact behaviour on known
   inputs, sweep, partition and tail. */

#include "test_src_common.c"

extern const AetherNodeType aether_node_sample_hold;
extern const AetherNodeType aether_node_slew;
extern const AetherNodeType aether_node_math;

enum { OP_ADD, OP_MULTIPLY, OP_SCALE_OFFSET, OP_CLAMP, OP_ABS, OP_CROSSFADE };

/* ---- SampleHold ---------------------------------------------------------- */

static void
test_sample_hold_edges(void** state)
{
  (void)state;
  enum { N = 1000 };
  float* const in   = src_alloc(N);
  float* const trig = src_alloc(N);
  for (uint32_t i = 0; i < N; ++i) {
    in[i] = (float)i * 0.25f - 7.0f;
  }
  for (uint32_t i = 100; i < 140; ++i) {
    trig[i] = 1.0f; /* one edge at 100, held high: no more sampling */
  }
  trig[300]            = 0.5f;     /* not above 0.5: no edge */
  trig[400]            = 0.50001f; /* edge */
  trig[401]            = 2.0f;     /* still high: no edge */
  trig[402]            = -1.0f;
  trig[403]            = 0.9f; /* edge */
  NodeHarness* const h = harness_new(&aether_node_sample_hold, 48000);
  harness_input(h, 0, in);
  harness_input(h, 1, trig);
  float* const y = src_alloc(N);
  harness_render(h, (float* const[]){ y }, N, 7);
  uint32_t bad = 0;
  for (uint32_t i = 0; i < N; ++i) {
    const float want = i < 100   ? 0.0f
                       : i < 400 ? in[100]
                       : i < 403 ? in[400]
                                 : in[403];
    bad += y[i] != want;
  }
  printf("sample & hold: held %g, %g, %g at edges 100, 400, 403; %u "
         "mismatches\n",
         (double)y[399],
         (double)y[402],
         (double)y[999],
         bad);
  assert_int_equal(bad, 0);
  free(y);
  free(trig);
  free(in);
  harness_free(h);
}

/* ---- Slew ---------------------------------------------------------------- */

/* Samples until the output first equals `target`, from a step at 0. */
static uint32_t
slew_time(const double rate,
          const float  rise,
          const float  fall,
          const float  from,
          const float  target)
{
  const uint32_t n  = (uint32_t)(rate * 12.0);
  float* const   in = src_alloc(n);
  float* const   y  = src_alloc(n);
  for (uint32_t i = 0; i < n; ++i) {
    in[i] = i < 10 ? from : target;
  }
  NodeHarness* const h = harness_new(&aether_node_slew, rate);
  harness_set(h, "rise", 0);
  harness_set(h, "fall", 0);
  harness_input(h, 0, in);
  harness_render1(h, 0, y, 10); /* jump to `from` */
  harness_set(h, "rise", rise);
  harness_set(h, "fall", fall);
  harness_render1(h, 0, y, n - 10);
  uint32_t at = n;
  for (uint32_t i = 0; i < n - 10 && at == n; ++i) {
    at = y[i] == target ? i + 1 : n; /* samples taken, counting this one */
  }
  free(y);
  free(in);
  harness_free(h);
  return at;
}

static void
test_slew_times(void** state)
{
  (void)state;
  static const double rates[] = { 44100, 48000, 96000 };
  static const struct {
    float  rise, fall, from, to;
    double seconds; /**< expected time */
  } cases[] = {
    { 0.01f, 5, 0, 1, 0.01 },    { 1, 0.01f, 0, 1, 1 },
    { 5, 0.1f, 1, 0, 0.1 },      { 0.01f, 0.1f, -0.5f, 0, 0.005 },
    { 0.3f, 0.02f, 3, -2, 0.1 }, { 0, 0, 0, 1, 0 },
  };
  for (unsigned r = 0; r < 3; ++r) {
    for (unsigned c = 0; c < 6; ++c) {
      const uint32_t got = slew_time(
        rates[r], cases[c].rise, cases[c].fall, cases[c].from, cases[c].to);
      const double want = fmax(1.0, ceil(cases[c].seconds * rates[r] - 1e-6));
      if (r == 1) {
        printf("slew %g -> %g, rise %g s, fall %g s: %u samples (expected "
               "%.0f)\n",
               (double)cases[c].from,
               (double)cases[c].to,
               (double)cases[c].rise,
               (double)cases[c].fall,
               got,
               want);
      }
      assert_true(fabs(got - want) <= 1.0);
    }
  }
}

/* ---- Math ---------------------------------------------------------------- */

static void
render_math(const int          op,
            const float* const a,
            const float* const b,
            const float* const cv,
            float* const       y,
            const uint32_t     n)
{
  NodeHarness* const h = harness_new(&aether_node_math, 48000);
  harness_set(h, "op", (float)op);
  harness_set(h, "scale", 2.5f);
  harness_set(h, "offset", -3);
  harness_set(h, "min", 0.5f); /* swapped limits: clamp to [-0.75, 0.5] */
  harness_set(h, "max", -0.75f);
  harness_set(h, "mix", 0.25f);
  harness_input(h, 0, a);
  harness_input(h, 1, b);
  harness_input(h, 2, cv);
  harness_render1(h, 0, y, n);
  harness_free(h);
}

static void
test_math_ops(void** state)
{
  (void)state;
  enum { N = 512 };
  float* const a  = src_alloc(N);
  float* const b  = src_alloc(N);
  float* const cv = src_alloc(N);
  float* const y  = src_alloc(N);
  for (uint32_t i = 0; i < N; ++i) { /* multiples of 1/64: exact sums */
    a[i]  = (float)((int)(i % 37) - 18) / 16.0f;
    b[i]  = (float)((int)(i % 11) - 5) / 4.0f;
    cv[i] = (float)((int)(i % 5) - 2) * 0.375f; /* m from -0.5 to 1 */
  }
  const char* const names[] = {
    "add", "multiply",  "scale_offset",      "clamp",
    "abs", "crossfade", "crossfade + mix_cv"
  };
  for (int op = OP_ADD; op <= OP_CROSSFADE + 1; ++op) {
    const int with_cv = op > OP_CROSSFADE;
    render_math(with_cv ? OP_CROSSFADE : op, a, b, with_cv ? cv : NULL, y, N);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < N; ++i) {
      double want = 0.0;
      switch (op) {
        case OP_ADD:
          want = (double)a[i] + b[i];
          break;
        case OP_MULTIPLY:
          want = (double)a[i] * b[i];
          break;
        case OP_SCALE_OFFSET:
          want = a[i] * 2.5 - 3.0;
          break;
        case OP_CLAMP:
          want = fmin(fmax(a[i], -0.75), 0.5);
          break;
        case OP_ABS:
          want = fabs(a[i]);
          break;
        default: {
          const double m = fmin(fmax(0.25 + (with_cv ? cv[i] : 0.0), 0.0), 1.0);
          want           = a[i] * (1.0 - m) + b[i] * m;
        }
      }
      bad += (double)y[i] != want; /* all exact in float */
    }
    printf(
      "%s: %u of %d samples differ from the definition\n", names[op], bad, N);
    assert_int_equal(bad, 0);
  }
  free(y);
  free(cv);
  free(b);
  free(a);
}

/* The operation may change within a block (a ramp on op): each sample uses
   the operation of that sample. */
static void
test_math_op_change(void** state)
{
  (void)state;
  enum { N = 64 };
  float* const a = src_alloc(N);
  float* const b = src_alloc(N);
  float* const y = src_alloc(N);
  for (uint32_t i = 0; i < N; ++i) {
    a[i] = -2.0f;
    b[i] = 3.0f;
  }
  NodeHarness* const h = harness_new(&aether_node_math, 48000);
  harness_input(h, 0, a);
  harness_input(h, 1, b);
  harness_ramp(h, "op", OP_ABS, 60); /* 0 .. 4 over 60 samples */
  harness_render1(h, 0, y, N);
  /* op at sample t is 4 (t + 1) / 60, rounded */
  uint32_t bad = 0;
  for (uint32_t t = 0; t < N; ++t) {
    const int op = (int)floor(4.0 * (t + 1 < 60 ? t + 1 : 60) / 60.0 + 0.5);
    /* add, multiply, scale_offset (1, 0), clamp (-1, 1), abs */
    const float want[] = { 1.0f, -6.0f, -2.0f, -1.0f, 2.0f };
    bad += y[t] != want[op];
  }
  printf("op ramp add -> abs in one block: %u mismatches\n", bad);
  assert_int_equal(bad, 0);
  free(y);
  free(b);
  free(a);
  harness_free(h);
}

/* ---- Sweeps, partitions, tails --------------------------------------------
 */

static void
test_control_sweep(void** state)
{
  (void)state;
  static const double rates[] = { 22050, 48000, 192000 };
  for (unsigned r = 0; r < 3; ++r) {
    const SrcSweep sh = { .type     = &aether_node_sample_hold,
                          .rate     = rates[r],
                          .bound    = 1.0f,
                          .in_scale = { 1.0f, 1.0f } };
    const SrcSweep sl = { .type     = &aether_node_slew,
                          .rate     = rates[r],
                          .bound    = 1.0f,
                          .in_scale = { 1.0f } };
    /* |a * scale + offset| <= 100 + 20000; clamp limits up to 20000 */
    const SrcSweep ma = { .type     = &aether_node_math,
                          .rate     = rates[r],
                          .bound    = 20100.5f,
                          .in_scale = { 1.0f, 1.0f, 1.0f } };
    const double   p1 = src_sweep(&sh, 10U + r, 20.0);
    const double   p2 = src_sweep(&sl, 20U + r, 20.0);
    const double   p3 = src_sweep(&ma, 30U + r, 20.0);
    printf("sweep at %g Hz: peaks sample & hold %.3f, slew %.3f, math %.1f\n",
           rates[r],
           p1,
           p2,
           p3);
    assert_true(p1 > 0.9 && p2 > 0.9 && p3 > 100.0);
  }
}

static void
script_sh(NodeHarness* const  h,
          float* const* const outs,
          const uint32_t      n,
          const uint32_t      block)
{
  harness_render(h, outs, n, block);
}

static void
script_slew(NodeHarness* const  h,
            float* const* const outs,
            const uint32_t      n,
            const uint32_t      block)
{
  harness_ramp(h, "rise", 0.001f, 1000);
  harness_ramp(h, "fall", 0.05f, 333);
  harness_render(h, outs, n / 2, block);
  harness_set(h, "rise", 0);
  harness_ramp(h, "fall", 0.002f, 100);
  harness_render(h, (float* const[]){ outs[0] + n / 2 }, n - n / 2, block);
}

static void
script_math(NodeHarness* const  h,
            float* const* const outs,
            const uint32_t      n,
            const uint32_t      block)
{
  const uint32_t q = n / 4;
  harness_ramp(h, "op", OP_CROSSFADE, 2000);
  harness_ramp(h, "mix", 1, 700);
  harness_render(h, outs, q, block);
  harness_set(h, "op", OP_SCALE_OFFSET);
  harness_ramp(h, "scale", -7, 300);
  harness_ramp(h, "offset", 2, 100);
  harness_render(h, (float* const[]){ outs[0] + q }, q, block);
  harness_set(h, "op", OP_CLAMP);
  harness_ramp(h, "min", -0.3f, 500);
  harness_ramp(h, "max", 0.2f, 50);
  harness_render(h, (float* const[]){ outs[0] + 2 * q }, q, block);
  harness_set(h, "op", OP_CROSSFADE);
  harness_render(h, (float* const[]){ outs[0] + 3 * q }, n - 3 * q, block);
}

static void
test_control_partition(void** state)
{
  (void)state;
  enum { N = 12000 };
  uint32_t     rng                   = 321;
  float* const in[AETHER_MAX_INPUTS] = { src_alloc(N),
                                         src_alloc(N),
                                         src_alloc(N) };
  for (int k = 0; k < 3; ++k) {
    src_random_signal(in[k], N, 1.0f, &rng);
  }
  const float* const* const ins = (const float* const*)in;
  assert_true(
    src_partition(&aether_node_sample_hold, 48000, N, ins, script_sh) > 0.5);
  assert_true(src_partition(&aether_node_slew, 48000, N, ins, script_slew) >
              0.5);
  assert_true(src_partition(&aether_node_math, 48000, N, ins, script_math) >
              0.5);
  for (int k = 0; k < 3; ++k) {
    free(in[k]);
  }
}

/* After a signal, 10 s of silent inputs: sample & hold keeps its last value
   (it should not decay), slew lands exactly on 0, math gives op(0, 0). */
static void
test_control_tail(void** state)
{
  (void)state;
  const uint32_t n   = 9600;
  uint32_t       rng = 77;
  float* const   x   = src_alloc(n);
  float* const   t   = src_alloc(n);
  src_random_signal(x, n, 1.0f, &rng);
  t[n - 10] = 1.0f;

  NodeHarness* const sh = harness_new(&aether_node_sample_hold, 48000);
  NodeHarness* const sl = harness_new(&aether_node_slew, 48000);
  NodeHarness* const ma = harness_new(&aether_node_math, 48000);
  float* const       y  = src_alloc(n);
  harness_input(sh, 0, x);
  harness_input(sh, 1, t);
  harness_render1(sh, 0, y, n);
  harness_input(sh, 0, NULL);
  harness_input(sh, 1, NULL);
  harness_input(sl, 0, x);
  harness_set(sl, "fall", 0.5f);
  harness_render1(sl, 0, y, n);
  harness_input(sl, 0, NULL);
  harness_set(ma, "op", OP_SCALE_OFFSET);
  harness_set(ma, "offset", 0.125f);
  harness_input(ma, 0, x);
  harness_render1(ma, 0, y, n);
  harness_input(ma, 0, NULL);

  const double held = src_tail(sh, &aether_node_sample_hold, 48000, 10, 0, 1);
  const double slew = src_tail(sl, &aether_node_slew, 48000, 10, 0, 9);
  const double math = src_tail(ma, &aether_node_math, 48000, 10, 0, 10);
  printf("tail: sample & hold %.6f (held %.6f), slew %g, math %g\n",
         held,
         fabs((double)x[n - 10]),
         slew,
         math);
  assert_true(held == fabs((double)x[n - 10]));
  assert_true(slew == 0.0);
  assert_true(math == 0.125);
  free(y);
  free(t);
  free(x);
  harness_free(ma);
  harness_free(sl);
  harness_free(sh);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sample_hold_edges),
    cmocka_unit_test(test_slew_times),
    cmocka_unit_test(test_math_ops),
    cmocka_unit_test(test_math_op_change),
    cmocka_unit_test(test_control_sweep),
    cmocka_unit_test(test_control_partition),
    cmocka_unit_test(test_control_tail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
