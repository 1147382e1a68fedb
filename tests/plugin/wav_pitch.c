/* Aether tests: print the level and the fundamental of a recorded WAV file.

   Used by shell tests that record a real host (jalv under JACK): the loudest
   window of 8192 frames is analysed and its fundamental printed, so a note
   is checked by its frequency, not by "it made sound". */

#include "measure.h"

#include <sndfile.h>

#include <stdio.h>
#include <stdlib.h>

#define WINDOW 8192

int
main(int argc, char** argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: wav_pitch FILE.wav\n");
    return 2;
  }

  SF_INFO  info = { 0 };
  SNDFILE* file = sf_open(argv[1], SFM_READ, &info);
  if (!file) {
    fprintf(stderr, "%s: %s\n", argv[1], sf_strerror(NULL));
    return 1;
  }

  const size_t frames = (size_t)info.frames;
  float*       all  = calloc(frames * (size_t)info.channels + 1, sizeof(float));
  float*       mono = calloc(frames + 1, sizeof(float));
  if (!all || !mono) {
    return 1;
  }
  sf_readf_float(file, all, info.frames);
  sf_close(file);
  for (size_t i = 0; i < frames; ++i) {
    mono[i] = all[i * (size_t)info.channels];
  }

  if (frames < WINDOW) {
    fprintf(stderr, "%s: shorter than %d frames\n", argv[1], WINDOW);
    return 1;
  }

  // The loudest window, on a hop of a quarter window.
  size_t best     = 0;
  double best_rms = -1.0;
  for (size_t at = 0; at + WINDOW <= frames; at += WINDOW / 4) {
    const double rms = measure_rms(mono + at, WINDOW);
    if (rms > best_rms) {
      best_rms = rms;
      best     = at;
    }
  }

  static double power[WINDOW / 2 + 1];
  measure_spectrum(mono + best, WINDOW, power);
  printf("rms %.6f peak %.6f pitch %.2f\n",
         measure_rms(mono, frames),
         measure_peak(mono, frames),
         measure_fundamental_hz(power, WINDOW, (double)info.samplerate, -20.0));
  free(all);
  free(mono);
  return 0;
}
