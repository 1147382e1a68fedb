/* bench_core.c: the measuring kit of `aether bench`: timers calibrated
   and measured interleaved, the statistics of their repetitions, and the
   progress lines (see bench_core.h). */

#include "bench_core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile float sink;

clockid_t bench_clock = CLOCK_MONOTONIC;

void
say(const Options* const o, const char* const fmt, ...)
{
  if (o->progress) {
    va_list args;
    va_start(args, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
  }
}

static double
time_run(const Timer* const t, const uint32_t iters)
{
  const double t0 = now_ns();
  t->run(t->ctx, iters);
  return now_ns() - t0;
}

void
spin(const double ns)
{
  const double end = now_ns() + ns;
  double       x   = 1.0;
  while (now_ns() < end) {
    for (uint32_t i = 0; i < 1000U; ++i) {
      x = x * 1.0000001 + 1e-9;
    }
  }
  sink = (float)x;
}

/* Find the number of iterations that lasts about `target` ns. */
static void
calibrate(Timer* const t, const double target)
{
  uint32_t iters = 1U;
  t->run(t->ctx, 1U); /* first touch: page faults, cold caches */
  for (;;) {
    const double d = time_run(t, iters);
    if (d >= target * 0.25 || iters >= (1U << 24U)) {
      const double want = ceil((double)iters * target / (d > 1.0 ? d : 1.0));
      t->iters = want < 1.0 ? 1U : (want > 1e8 ? 100000000U : (uint32_t)want);
      return;
    }
    iters *= 4U;
  }
}

void
measure(const Options* const o, Timer* const* const timers, const uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    calibrate(timers[i], o->sample_ns);
  }
  for (uint32_t i = 0; i < n; ++i) {
    (void)time_run(timers[i], timers[i]->iters); /* warm-up */
  }
  for (uint32_t r = 0; r < o->reps; ++r) {
    for (uint32_t k = 0; k < n; ++k) {
      Timer* const t = timers[(r + k) % n];
      t->ns[r]       = time_run(t, t->iters) / (double)t->iters;
    }
  }
}

static int
compare_doubles(const void* const a, const void* const b)
{
  const double x = *(const double*)a;
  const double y = *(const double*)b;
  return (x > y) - (x < y);
}

static double
quantile(const double* const sorted, const uint32_t n, const double q)
{
  const double   pos = q * (double)(n - 1U);
  const uint32_t lo  = (uint32_t)pos;
  const uint32_t hi  = lo + 1U < n ? lo + 1U : lo;
  return sorted[lo] + (pos - (double)lo) * (sorted[hi] - sorted[lo]);
}

Stat
stat_of(const double* const values, const uint32_t n)
{
  const Stat none = { NAN, NAN, NAN, NAN, NAN };
  if (!n || n > MAX_REPS) {
    return none;
  }
  double v[MAX_REPS];
  memcpy(v, values, n * sizeof(double));
  qsort(v, n, sizeof(double), compare_doubles);
  return (Stat){ quantile(v, n, 0.5),
                 quantile(v, n, 0.25),
                 quantile(v, n, 0.75),
                 v[0],
                 v[n - 1U] };
}

Stat
stat_combine(const double* const a,
             const double* const b,
             const double        sub,
             const double        scale,
             const uint32_t      n)
{
  double v[MAX_REPS];
  for (uint32_t r = 0; r < n && r < MAX_REPS; ++r) {
    v[r] = (a[r] - sub * (b ? b[r] : 0.0)) * scale;
  }
  return stat_of(v, n);
}

Stat
stat_ratio(const double* const a, const double* const b, const uint32_t n)
{
  double v[MAX_REPS];
  for (uint32_t r = 0; r < n && r < MAX_REPS; ++r) {
    v[r] = a[r] / b[r];
  }
  return stat_of(v, n);
}

Stat
stat_scale(const Stat s, const double k)
{
  return (Stat){ s.median * k, s.q1 * k, s.q3 * k, s.min * k, s.max * k };
}
