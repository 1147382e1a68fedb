/* Aether tests: measure signals by numbers (level, frequency, spectrum). */

#ifndef AETHER_TEST_MEASURE_H
#define AETHER_TEST_MEASURE_H

#include <stddef.h>

/** Peak absolute value. */
double
measure_peak(const float* x, size_t n);

/** Root mean square. */
double
measure_rms(const float* x, size_t n);

/** 1 if every sample is finite, else 0. */
int
measure_all_finite(const float* x, size_t n);

/** Frequency in Hz from rising zero crossings (linearly interpolated),
    averaged between the first and last crossing. 0 if fewer than 2. */
double
measure_zero_cross_hz(const float* x, size_t n, double rate);

/** Power spectrum of the first `n` samples (n a power of two) with a
    Blackman-Harris window: writes n/2 + 1 bin powers into `power`. */
void
measure_spectrum(const float* x, size_t n, double* power);

/** Frequency of the strongest bin of a spectrum (parabolic interpolation). */
double
measure_peak_hz(const double* power, size_t n, double rate);

/** Fundamental frequency of a spectrum: the strongest peak divided by its
    harmonic number, which the lowest peak within `floor_db` (negative) of
    the strongest tells. This is the pitch a listener hears when the second
    harmonic is the loudest partial, and it tells a note from the same note
    an octave up. 0 if there is no peak. */
double
measure_fundamental_hz(const double* power,
                       size_t        n,
                       double        rate,
                       double        floor_db);

/** Power (linear) summed over bins within +- `width` bins of `hz`. */
double
measure_band_power(const double* power,
                   size_t        n,
                   double        rate,
                   double        hz,
                   int           width);

#endif /* AETHER_TEST_MEASURE_H */
