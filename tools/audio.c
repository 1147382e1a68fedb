/* Aether CLI: audio files through libsndfile, and levels. Output is always
   32-bit float WAV: the plugin's samples are written exactly as computed
   (nothing is clipped or dithered), so renders can be compared bit for
   bit. */

#include "audio.h"

#include <sndfile.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 4096U

struct AetherAudioOutImpl {
  SNDFILE*     file;
  char*        path;
  AetherLevels levels[2];
  float        frame_buf[2U * CHUNK];
};

void
aether_levels_add(AetherLevels* const levels,
                  const float* const  x,
                  const uint64_t      n)
{
  double peak = levels->peak;
  double sum  = 0.0;
  for (uint64_t i = 0; i < n; ++i) {
    const double v = (double)x[i];
    if (!isfinite(v)) {
      ++levels->non_finite;
      continue;
    }
    const double a = fabs(v);
    peak           = a > peak ? a : peak;
    sum += v * v;
  }
  levels->peak = peak;
  levels->sum_sq += sum;
  levels->frames += n;
}

double
aether_levels_rms(const AetherLevels* const levels)
{
  return levels->frames ? sqrt(levels->sum_sq / (double)levels->frames) : 0.0;
}

const char*
aether_levels_db(const double level, char* const buf, const uint32_t size)
{
  if (level <= 0.0) {
    snprintf(buf, size, "-inf");
  } else {
    snprintf(buf, size, "%.1f", 20.0 * log10(level));
  }
  return buf;
}

AetherStatus
aether_audio_read(const char* const    path,
                  const uint64_t       max_frames,
                  AetherAudioIn* const in,
                  AetherError* const   err)
{
  memset(in, 0, sizeof(*in));
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE* const file = sf_open(path, SFM_READ, &info);
  if (!file) {
    return aether_error(err, AETHER_ERR_IO, "%s: %s", path, sf_strerror(NULL));
  }

  AetherStatus st = AETHER_SUCCESS;
  if (info.channels < 1 || info.channels > 2) {
    st = aether_error(err,
                      AETHER_ERR_UNSUPPORTED,
                      "%s: %d channels (the effect takes mono or stereo)",
                      path,
                      info.channels);
  } else if (info.frames < 0 || (uint64_t)info.frames > max_frames) {
    st = aether_error(err,
                      AETHER_ERR_FULL,
                      "%s: too long (%lld frames, at most %llu)",
                      path,
                      (long long)info.frames,
                      (unsigned long long)max_frames);
  }
  if (st) {
    sf_close(file);
    return st;
  }

  const uint64_t n        = (uint64_t)info.frames;
  const uint32_t channels = (uint32_t)info.channels;
  float* const inter = (float*)malloc((n ? n : 1U) * channels * sizeof(float));
  in->data[0]        = (float*)calloc(n ? n : 1U, sizeof(float));
  in->data[1] =
    channels == 2U ? (float*)calloc(n ? n : 1U, sizeof(float)) : in->data[0];
  if (!inter || !in->data[0] || !in->data[1]) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "%s: out of memory", path);
  } else if (sf_readf_float(file, inter, (sf_count_t)n) != (sf_count_t)n) {
    st = aether_error(
      err, AETHER_ERR_IO, "%s: read error: %s", path, sf_strerror(file));
  } else {
    for (uint64_t i = 0; i < n; ++i) {
      for (uint32_t c = 0; c < channels; ++c) {
        in->data[c][i] = inter[i * channels + c];
      }
    }
    in->frames   = n;
    in->rate     = (double)info.samplerate;
    in->channels = channels;
  }
  free(inter);
  sf_close(file);
  if (st) {
    aether_audio_in_free(in);
  }
  return st;
}

void
aether_audio_in_free(AetherAudioIn* const in)
{
  if (in->data[1] != in->data[0]) {
    free(in->data[1]);
  }
  free(in->data[0]);
  memset(in, 0, sizeof(*in));
}

AetherStatus
aether_audio_out_open(const char* const      path,
                      const double           rate,
                      AetherAudioOut** const out,
                      AetherError* const     err)
{
  *out                    = NULL;
  AetherAudioOut* const o = (AetherAudioOut*)calloc(1, sizeof(AetherAudioOut));
  char* const           p = (char*)malloc(strlen(path) + 1U);
  if (!o || !p) {
    free(o);
    free(p);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  memcpy(p, path, strlen(path) + 1U);

  SF_INFO info;
  memset(&info, 0, sizeof(info));
  info.samplerate = (int)lround(rate);
  info.channels   = 2;
  info.format     = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  o->file         = sf_open(path, SFM_WRITE, &info);
  if (!o->file) {
    free(p);
    free(o);
    return aether_error(err, AETHER_ERR_IO, "%s: %s", path, sf_strerror(NULL));
  }
  o->path = p;
  *out    = o;
  return AETHER_SUCCESS;
}

AetherStatus
aether_audio_out_write(AetherAudioOut* const out,
                       const float* const    channels[2],
                       const uint32_t        n,
                       AetherError* const    err)
{
  for (uint32_t c = 0; c < 2U; ++c) {
    aether_levels_add(&out->levels[c], channels[c], n);
  }
  for (uint32_t done = 0; done < n;) {
    const uint32_t len = n - done < CHUNK ? n - done : CHUNK;
    for (uint32_t i = 0; i < len; ++i) {
      out->frame_buf[2U * i]      = channels[0][done + i];
      out->frame_buf[2U * i + 1U] = channels[1][done + i];
    }
    if (sf_writef_float(out->file, out->frame_buf, len) != (sf_count_t)len) {
      return aether_error(err,
                          AETHER_ERR_IO,
                          "%s: write error: %s",
                          out->path,
                          sf_strerror(out->file));
    }
    done += len;
  }
  return AETHER_SUCCESS;
}

const AetherLevels*
aether_audio_out_levels(const AetherAudioOut* const out, const uint32_t c)
{
  return &out->levels[c < 2U ? c : 1U];
}

AetherStatus
aether_audio_out_close(AetherAudioOut* const out, AetherError* const err)
{
  if (!out) {
    return AETHER_SUCCESS;
  }
  const int    rc = sf_close(out->file);
  AetherStatus st = AETHER_SUCCESS;
  if (rc) {
    st = aether_error(
      err, AETHER_ERR_IO, "%s: %s", out->path, sf_error_number(rc));
  }
  free(out->path);
  free(out);
  return st;
}
