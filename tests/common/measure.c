/* Aether tests: measure signals by numbers (level, frequency, spectrum). */

#include "measure.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>

double
measure_peak(const float* const x, const size_t n)
{
  double peak = 0.0;
  for (size_t i = 0; i < n; ++i) {
    peak = fmax(peak, fabs((double)x[i]));
  }
  return peak;
}

double
measure_rms(const float* const x, const size_t n)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    sum += (double)x[i] * (double)x[i];
  }
  return n ? sqrt(sum / (double)n) : 0.0;
}

int
measure_all_finite(const float* const x, const size_t n)
{
  for (size_t i = 0; i < n; ++i) {
    if (!isfinite(x[i])) {
      return 0;
    }
  }
  return 1;
}

double
measure_zero_cross_hz(const float* const x, const size_t n, const double rate)
{
  double first = -1.0;
  double last  = -1.0;
  size_t count = 0;
  for (size_t i = 1; i < n; ++i) {
    if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
      const double frac = (double)-x[i - 1] / ((double)x[i] - (double)x[i - 1]);
      const double at   = (double)(i - 1) + frac;
      if (first < 0.0) {
        first = at;
      }
      last = at;
      ++count;
    }
  }
  return count < 2 ? 0.0 : (double)(count - 1) * rate / (last - first);
}

static void
fft(double complex* const a, const size_t n)
{
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1U;
    for (; j & bit; bit >>= 1U) {
      j ^= bit;
    }
    j ^= bit;
    if (i < j) {
      const double complex t = a[i];
      a[i]                   = a[j];
      a[j]                   = t;
    }
  }
  for (size_t len = 2; len <= n; len <<= 1U) {
    const double complex w = cexp(-2.0 * M_PI * I / (double)len);
    for (size_t i = 0; i < n; i += len) {
      double complex wk = 1.0;
      for (size_t k = 0; k < len / 2; ++k) {
        const double complex u = a[i + k];
        const double complex v = a[i + k + len / 2] * wk;
        a[i + k]               = u + v;
        a[i + k + len / 2]     = u - v;
        wk *= w;
      }
    }
  }
}

void
measure_spectrum(const float* const x, const size_t n, double* const power)
{
  double complex* const a = (double complex*)calloc(n, sizeof(double complex));
  for (size_t i = 0; i < n; ++i) {
    const double p = 2.0 * M_PI * (double)i / (double)(n - 1);
    const double w =
      0.35875 - 0.48829 * cos(p) + 0.14128 * cos(2 * p) - 0.01168 * cos(3 * p);
    a[i] = (double)x[i] * w;
  }
  fft(a, n);
  for (size_t k = 0; k <= n / 2; ++k) {
    power[k] = creal(a[k]) * creal(a[k]) + cimag(a[k]) * cimag(a[k]);
  }
  free(a);
}

/* Offset of a peak from its bin, from a parabola through the log powers. */
static double
peak_offset(const double* const power, const size_t k)
{
  const double a = log(power[k - 1] + 1e-300);
  const double b = log(power[k] + 1e-300);
  const double c = log(power[k + 1] + 1e-300);
  const double d = a - 2.0 * b + c;
  return d != 0.0 ? 0.5 * (a - c) / d : 0.0;
}

double
measure_peak_hz(const double* const power, const size_t n, const double rate)
{
  size_t best = 1;
  for (size_t k = 1; k < n / 2; ++k) {
    if (power[k] > power[best]) {
      best = k;
    }
  }
  return ((double)best + peak_offset(power, best)) * rate / (double)n;
}

double
measure_fundamental_hz(const double* const power,
                       const size_t        n,
                       const double        rate,
                       const double        floor_db)
{
  size_t best = 1;
  for (size_t k = 1; k < n / 2; ++k) {
    best = power[k] > power[best] ? k : best;
  }
  const double least = power[best] * pow(10.0, floor_db / 10.0);
  for (size_t k = 2; k < n / 2; ++k) {
    if (power[k] > 0.0 && power[k] >= least && power[k] >= power[k - 1] &&
        power[k] >= power[k + 1]) {
      // The lowest peak says which harmonic the strongest is; the strongest,
      // sharper than a weak fundamental smeared by vibrato, gives the value.
      const double lowest    = (double)k + peak_offset(power, k);
      const double strongest = (double)best + peak_offset(power, best);
      const double harmonic  = fmax(1.0, floor(strongest / lowest + 0.5));
      return strongest / harmonic * rate / (double)n;
    }
  }
  return 0.0;
}

double
measure_band_power(const double* const power,
                   const size_t        n,
                   const double        rate,
                   const double        hz,
                   const int           width)
{
  const long center = lround(hz * (double)n / rate);
  double     sum    = 0.0;
  for (long k = center - width; k <= center + width; ++k) {
    if (k >= 0 && k <= (long)(n / 2)) {
      sum += power[k];
    }
  }
  return sum;
}
