/* Pan: equal-power law, -3.01 dB at the centre, exact zeros at the sides,
   constant power everywhere, pan_cv added and clamped. */

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

/* Left and right gains at `pan` (+ a constant `cv` when connected). */
static void
gains(const float pan, const float* const cv, float* const l, float* const r)
{
  float              one[64];
  float              cvs[64];
  float              yl[64];
  float              yr[64];
  NodeHarness* const h = harness_new(aether_registry_find("Pan"), 48000.0);
  for (uint32_t t = 0; t < 64; ++t) {
    one[t] = 1.0f;
    cvs[t] = cv ? *cv : 0.0f;
  }
  harness_set(h, "pan", pan);
  harness_input(h, 0, one);
  if (cv) {
    harness_input(h, 1, cvs);
  }
  float* out[2] = { yl, yr };
  harness_render(h, out, 64, 64);
  for (uint32_t t = 1; t < 64; ++t) {
    assert_true(yl[t] == yl[0] && yr[t] == yr[0]);
  }
  *l = yl[0];
  *r = yr[0];
  harness_free(h);
}

static double
db(const double g)
{
  return 20.0 * log10(g);
}

static void
test_centre_is_minus_3db(void** state)
{
  (void)state;
  float l = 0.0f;
  float r = 0.0f;
  gains(0.0f, NULL, &l, &r);
  print_message("centre: left %.7f (%.4f dB), right %.7f (%.4f dB)\n",
                (double)l,
                db(l),
                (double)r,
                db(r));
  assert_true(l == r);
  assert_float_equal(db(l), -3.0103, 0.01);
  assert_float_equal(db(r), -3.0103, 0.01);
}

static void
test_hard_sides_are_exact(void** state)
{
  (void)state;
  float l = 0.0f;
  float r = 0.0f;
  gains(-1.0f, NULL, &l, &r);
  print_message("hard left: left %.9f, right %.9g\n", (double)l, (double)r);
  assert_true(r == 0.0f);
  assert_float_equal(l, 1.0, 1e-6);
  gains(1.0f, NULL, &l, &r);
  print_message("hard right: left %.9g, right %.9f\n", (double)l, (double)r);
  assert_true(l == 0.0f);
  assert_float_equal(r, 1.0, 1e-6);
}

static void
test_power_is_constant(void** state)
{
  (void)state;
  double lo     = 1e9;
  double hi     = -1e9;
  float  prev_l = 2.0f;
  float  prev_r = -1.0f;
  for (int i = -100; i <= 100; ++i) {
    float l = 0.0f;
    float r = 0.0f;
    gains((float)i / 100.0f, NULL, &l, &r);
    const double p = (double)l * l + (double)r * r;
    lo             = fmin(lo, p);
    hi             = fmax(hi, p);
    assert_true(l < prev_l && r > prev_r); /* monotonic */
    prev_l = l;
    prev_r = r;
  }
  print_message("201 positions: left^2 + right^2 from %.7f to %.7f (%.1e "
                "dB spread)\n",
                lo,
                hi,
                10.0 * log10(hi / lo));
  assert_float_equal(lo, 1.0, 1e-6);
  assert_float_equal(hi, 1.0, 1e-6);
}

static void
test_pan_cv_adds_and_clamps(void** state)
{
  (void)state;
  float l  = 0.0f;
  float r  = 0.0f;
  float l2 = 0.0f;
  float r2 = 0.0f;
  float cv = -0.5f;
  gains(0.5f, &cv, &l, &r); /* 0.5 - 0.5: centre */
  gains(0.0f, NULL, &l2, &r2);
  assert_true(l == l2 && r == r2);
  cv = 0.8f;
  gains(0.8f, &cv, &l, &r); /* 1.6: clamped to 1 */
  assert_true(l == 0.0f);
  cv = -3.0f;
  gains(0.0f, &cv, &l, &r); /* -3: clamped to -1 */
  assert_true(r == 0.0f);
  cv = NAN;
  gains(0.0f, &cv, &l, &r); /* NaN: the centre, finite */
  assert_true(l == l2 && r == r2);
  print_message("pan 0.5 + cv -0.5 = centre; 0.8 + 0.8 clamps to hard "
                "right; 0 - 3 to hard left; NaN cv gives the centre\n");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_centre_is_minus_3db),
    cmocka_unit_test(test_hard_sides_are_exact),
    cmocka_unit_test(test_power_is_constant),
    cmocka_unit_test(test_pan_cv_adds_and_clamps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
