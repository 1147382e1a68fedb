/* Aether CLI: audio files (libsndfile) and their levels. Nothing here
   prints. */

#ifndef AETHER_TOOLS_AUDIO_H
#define AETHER_TOOLS_AUDIO_H

#include "../src/engine/status.h"

#include <stdbool.h>
#include <stdint.h>

/** An input file, read whole into planar float channels. */
typedef struct {
  float*   data[2];  /**< channel samples; mono: both point to one */
  uint64_t frames;   /**< frames per channel */
  double   rate;     /**< sample rate in Hz */
  uint32_t channels; /**< channels in the file: 1 or 2 */
} AetherAudioIn;

/** An output file being written (32-bit float WAV, stereo). */
typedef struct AetherAudioOutImpl AetherAudioOut;

/** Levels of a channel as it is written. */
typedef struct {
  double   peak;       /**< largest absolute sample */
  double   sum_sq;     /**< sum of squares */
  uint64_t frames;     /**< samples seen */
  uint64_t non_finite; /**< NaN or infinite samples */
} AetherLevels;

/** Read the mono or stereo audio file at `path` (any format libsndfile
    reads). Refused: other channel counts, more than `max_frames` frames. */
AetherStatus
aether_audio_read(const char*    path,
                  uint64_t       max_frames,
                  AetherAudioIn* in,
                  AetherError*   err);

/** Free what aether_audio_read() allocated. */
void
aether_audio_in_free(AetherAudioIn* in);

/** Create a stereo 32-bit float WAV file at `path`. */
AetherStatus
aether_audio_out_open(const char*      path,
                      double           rate,
                      AetherAudioOut** out,
                      AetherError*     err);

/** Append `n` frames of two channels (and measure them). */
AetherStatus
aether_audio_out_write(AetherAudioOut*    out,
                       const float* const channels[2],
                       uint32_t           n,
                       AetherError*       err);

/** The levels of channel `c` (0 or 1) written so far. */
const AetherLevels*
aether_audio_out_levels(const AetherAudioOut* out, uint32_t c);

/** Finish and close the file (NULL is allowed). */
AetherStatus
aether_audio_out_close(AetherAudioOut* out, AetherError* err);

/** Measure `n` samples into `levels` (accumulating). */
void
aether_levels_add(AetherLevels* levels, const float* x, uint64_t n);

/** Root mean square of what was measured (0 if nothing). */
double
aether_levels_rms(const AetherLevels* levels);

/** A level in dBFS as text ("-6.0", "-inf") in `buf` of `size` bytes. */
const char*
aether_levels_db(double level, char* buf, uint32_t size);

#endif /* AETHER_TOOLS_AUDIO_H */
