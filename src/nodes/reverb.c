/* reverb.c: Freeverb-style stereo reverb: per channel 8 lowpass-feedback
   combs in parallel, then 4 allpasses in series, tuned for any rate.

   The 16 combs of both channels run four to an SSE register (their lines
   transposed in tiles of 4 frames), the allpasses and the mix as loops over
   the block. No test sits inside a recursion: what is written into a line
   is flushed to 0 below 1e-20 (so a tail ends in exact zeros, without
   subnormals even where FTZ/DAZ are not set), the input is sanitized, and
   one test of the wet signal per block starts a non-finite state over. The
   arithmetic is plain Freeverb's, frame by frame, with or without SSE and
   whatever the block partition (see tests/nodes/test_fx_reverb.c). A call
   of one frame takes a path of its own with none of the per-block setup:
   the 16 combs side by side, the allpasses of both channels in pairs. */

#include "node_util.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#  include <emmintrin.h>
#elif defined(__SSE__)
#  include <xmmintrin.h>
#endif

enum { REVERB_LEFT, REVERB_RIGHT, REVERB_N_PORTS };
enum {
  REVERB_ROOM,
  REVERB_DAMP,
  REVERB_WET,
  REVERB_WIDTH,
  REVERB_DRY,
  REVERB_N_PARAMS
};

#define REVERB_N_COMBS 8
#define REVERB_N_ALLPASSES 4
#define REVERB_TUNING_RATE 44100.0 /* the classic tunings are at 44.1 kHz */
#define REVERB_SPREAD 23           /* right channel lengths are longer */
#define REVERB_INPUT_GAIN 0.015f
#define REVERB_WET_SCALE 3.0f
#define REVERB_ALLPASS_FEEDBACK 0.5f
#define REVERB_DAMP_REF_HZ 4000.0 /* damping matches Freeverb's here */
#define REVERB_FLUSH 1e-20f       /* line values below are 0 (-400 dB) */

/* clang-format off */
/* The classic Freeverb tunings in frames at 44.1 kHz. */
static const uint32_t comb_tuning[REVERB_N_COMBS] = {
  1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617,
};

static const uint32_t allpass_tuning[REVERB_N_ALLPASSES] = {
  556, 441, 341, 225,
};

static const AetherPortDesc reverb_inputs[] = {
  { "left", "Left", "Left channel" },
  { "right", "Right", "Right channel; the left one is used when unconnected" },
};

static const AetherPortDesc reverb_outputs[] = {
  { "left", "Left", "Left channel" },
  { "right", "Right", "Right channel" },
};

static const AetherParamDesc reverb_params[] = {
  { "room", "Room size", "", 0, 1, 0.5f, 0.05f, AETHER_PARAM_CONTINUOUS, NULL,
    "Size of the room: the decay time (RT60) grows from about 0.6 s to "
    "10 s." },
  { "damp", "Damping", "", 0, 1, 0.5f, 0.05f, AETHER_PARAM_CONTINUOUS, NULL,
    "High-frequency absorption: higher values make the tail darker." },
  { "wet", "Wet", "", 0, 1, 0.3f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level of the reverberated signal." },
  { "width", "Width", "", 0, 1, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Stereo width of the reverb: 0 is mono, 1 is fully wide." },
  { "dry", "Dry", "", 0, 1, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level of the direct signal." },
};
/* clang-format on */

#define REVERB_N_CHANNEL_COMBS (2 * REVERB_N_COMBS)

/* Each comb line is followed by a copy of its first REVERB_GUARD frames, so
   the frames of a block read and write as one contiguous run from the
   line's index, whatever the wrap. */
#define REVERB_GUARD AETHER_BUFFER_SIZE

/* Comb i of channel c is comb c * REVERB_N_COMBS + i. */
typedef struct {
  float*   mem; /**< all delay lines, one allocation */
  size_t   n_mem;
  float*   comb_buf[REVERB_N_CHANNEL_COMBS];   /**< len + REVERB_GUARD */
  uint32_t comb_len[REVERB_N_CHANNEL_COMBS];   /**< delay in frames */
  uint32_t comb_pos[REVERB_N_CHANNEL_COMBS];   /**< read and write index */
  float    comb_store[REVERB_N_CHANNEL_COMBS]; /**< lowpass states */
  float*   ap_buf[2][REVERB_N_ALLPASSES];      /**< allpass delay lines */
  uint32_t ap_len[2][REVERB_N_ALLPASSES];
  uint32_t ap_pos[2][REVERB_N_ALLPASSES];
  double   cos_tuning; /**< cos of REVERB_DAMP_REF_HZ at 44.1 kHz */
  double   cos_ref;    /**< cos of REVERB_DAMP_REF_HZ at the rate */
  float    damp_key;   /**< damp value `damp_coef` is for */
  float    damp_coef;  /**< reverb_damp_coef(damp_key) */
} Reverb;

/* A tuning scaled to the rate, at least `least` frames. */
static uint32_t
reverb_length(const uint32_t tuning, const double rate, const uint32_t least)
{
  const double len = floor((double)tuning * rate / REVERB_TUNING_RATE + 0.5);
  return len < (double)least ? least : (uint32_t)len;
}

static AetherStatus
reverb_init(void* const self_, const double rate)
{
  Reverb* const self  = (Reverb*)self_;
  size_t        total = 0;
  for (uint32_t c = 0; c < 2; ++c) {
    const uint32_t spread = c ? REVERB_SPREAD : 0U;
    for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
      /* At least a block, so a block's reads precede its writes (202
         frames at 8 kHz: the floor only acts below the engine's rates). */
      const uint32_t k = c * REVERB_N_COMBS + i;
      self->comb_len[k] =
        reverb_length(comb_tuning[i] + spread, rate, AETHER_BUFFER_SIZE);
      total += self->comb_len[k] + REVERB_GUARD;
    }
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      self->ap_len[c][i] = reverb_length(allpass_tuning[i] + spread, rate, 1U);
      total += self->ap_len[c][i];
    }
  }
  if (!(self->mem = (float*)calloc(total, sizeof(float)))) {
    return AETHER_ERR_NO_MEMORY;
  }
  self->n_mem = total;

  float* p = self->mem;
  for (uint32_t k = 0; k < REVERB_N_CHANNEL_COMBS; ++k) {
    self->comb_buf[k] = p;
    p += self->comb_len[k] + REVERB_GUARD;
  }
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      self->ap_buf[c][i] = p;
      p += self->ap_len[c][i];
    }
  }
  self->cos_tuning =
    cos(AETHER_TWO_PI * REVERB_DAMP_REF_HZ / REVERB_TUNING_RATE);
  self->cos_ref   = cos(AETHER_TWO_PI * REVERB_DAMP_REF_HZ / rate);
  self->damp_key  = 0.0f; /* the pole of damp 0 (and -0) is 0 */
  self->damp_coef = 0.0f;
  return AETHER_SUCCESS;
}

static void
reverb_cleanup(void* const self_)
{
  Reverb* const self = (Reverb*)self_;
  free(self->mem);
  self->mem = NULL;
}

static void
reverb_reset(void* const self_)
{
  Reverb* const self = (Reverb*)self_;
  memset(self->mem, 0, self->n_mem * sizeof(float));
  memset(self->comb_pos, 0, sizeof(self->comb_pos));
  memset(self->comb_store, 0, sizeof(self->comb_store));
  memset(self->ap_pos, 0, sizeof(self->ap_pos));
}

/* Comb feedback gain per pass for `room` (0.7 .. 0.98, as Freeverb). */
static inline float
reverb_feedback(const float room)
{
  return 0.7f + 0.28f * room;
}

/* Lowpass pole of the combs for `damp`. Freeverb's pole is 0.4 * damp at
   44.1 kHz; at other rates the pole giving the same gain at 4 kHz keeps the
   tail's colour (and RT60 per band) the same. For the one-pole
   (1 - a) / (1 - a z^-1) with gain^2 = g2 at cos(w) = c, a solves
   a^2 - 2 b a + 1 = 0 with b = (1 - g2 c) / (1 - g2). */
static inline float
reverb_damp_coef(const float damp, const double c0, const double cos_ref)
{
  const double a0 = 0.4 * (double)damp;
  if (!(a0 > 0.0)) {
    return 0.0f;
  }
  const double g2 = (1.0 - a0) * (1.0 - a0) / (1.0 - 2.0 * a0 * c0 + a0 * a0);
  const double b  = (1.0 - g2 * cos_ref) / (1.0 - g2);
  return (float)(1.0 / (b + sqrt(b * b - 1.0))); /* the root below 1 */
}

/* The damping pole for a damp that holds still: computed only when it
   changes (its divisions and square root cost as much as the rest of a
   1-frame call). Equal keys give equal poles, -0 and 0 included. */
static inline float
reverb_damp_held(Reverb* const self, const float damp)
{
  if (damp != self->damp_key) {
    self->damp_key  = damp;
    self->damp_coef = reverb_damp_coef(damp, self->cos_tuning, self->cos_ref);
  }
  return self->damp_coef;
}

/* Per-frame comb coefficients: computed once when room and damp hold
   still, else for each frame with the same formulas. */
static void
reverb_coefs(Reverb* const                  self,
             const AetherProcessArgs* const args,
             const uint32_t                 n,
             float* const restrict fb,
             float* const restrict damp)
{
  const float* const restrict room = args->param[REVERB_ROOM];
  const float* const restrict dp   = args->param[REVERB_DAMP];
  if (aether_param_moving(args, REVERB_ROOM)) {
    for (uint32_t t = 0; t < n; ++t) {
      fb[t] = reverb_feedback(room[t]);
    }
  } else {
    const float g = reverb_feedback(room[0]);
    for (uint32_t t = 0; t < n; ++t) {
      fb[t] = g;
    }
  }
  if (aether_param_moving(args, REVERB_DAMP)) {
    for (uint32_t t = 0; t < n; ++t) {
      damp[t] = reverb_damp_coef(dp[t], self->cos_tuning, self->cos_ref);
    }
  } else {
    const float a = reverb_damp_held(self, dp[0]);
    for (uint32_t t = 0; t < n; ++t) {
      damp[t] = a;
    }
  }
}

/* What goes into a line: tiny values (and NaN) become 0, so a tail ends
   in exact zeros, without subnormals even where FTZ/DAZ are not set. Off
   the recursions' chains: the lowpass states never pass through it. */
static inline float
reverb_flush(const float x)
{
  return fabsf(x) > REVERB_FLUSH ? x : 0.0f;
}

#if defined(__SSE__)

/* reverb_flush() in each lane. */
static inline __m128
reverb_flush4(const __m128 x)
{
  const __m128 magnitude = _mm_andnot_ps(_mm_set1_ps(-0.0f), x);
  return _mm_and_ps(x, _mm_cmpgt_ps(magnitude, _mm_set1_ps(REVERB_FLUSH)));
}

#endif

/* One frame of one comb: the lowpass state `*s` follows the delayed sample
   `y`; return what goes back into the line. */
static inline float
reverb_comb_step(float* const s,
                 const float  y,
                 const float  x,
                 const float  fb,
                 const float  damp)
{
  *s = y + damp * (*s - y);
  return reverb_flush(x + *s * fb);
}

#if defined(__SSE__)

/* Four combs over frames t .. t + 3 of their lines: their outputs added to
   `acc` in comb order, the frames transposed so that each lane is a comb,
   reverb_comb_step() in each lane (the same arithmetic), and the results
   transposed back into the lines. */
static inline __m128
reverb_comb_tile(float* const* const line,
                 __m128* const       s,
                 const uint32_t      t,
                 const __m128        x,
                 const __m128        fb,
                 const __m128* const d,
                 __m128              acc)
{
  __m128 r0 = _mm_loadu_ps(line[0] + t);
  __m128 r1 = _mm_loadu_ps(line[1] + t);
  __m128 r2 = _mm_loadu_ps(line[2] + t);
  __m128 r3 = _mm_loadu_ps(line[3] + t);
  acc       = _mm_add_ps(acc, r0);
  acc       = _mm_add_ps(acc, r1);
  acc       = _mm_add_ps(acc, r2);
  acc       = _mm_add_ps(acc, r3);
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  __m128 v = *s;
  r0 = v = _mm_add_ps(r0, _mm_mul_ps(d[0], _mm_sub_ps(v, r0)));
  r1 = v = _mm_add_ps(r1, _mm_mul_ps(d[1], _mm_sub_ps(v, r1)));
  r2 = v = _mm_add_ps(r2, _mm_mul_ps(d[2], _mm_sub_ps(v, r2)));
  r3 = v = _mm_add_ps(r3, _mm_mul_ps(d[3], _mm_sub_ps(v, r3)));
  *s     = v;
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(line[0] + t, reverb_flush4(_mm_add_ps(x, _mm_mul_ps(r0, fb))));
  _mm_storeu_ps(line[1] + t, reverb_flush4(_mm_add_ps(x, _mm_mul_ps(r1, fb))));
  _mm_storeu_ps(line[2] + t, reverb_flush4(_mm_add_ps(x, _mm_mul_ps(r2, fb))));
  _mm_storeu_ps(line[3] + t, reverb_flush4(_mm_add_ps(x, _mm_mul_ps(r3, fb))));
  return acc;
}

#endif

/* Frames [pos, pos + n) of a comb line were written: those past its end
   belong at its start, those at its start are copied past its end; return
   the index after them. */
static uint32_t
reverb_comb_wrap(float* const restrict buf,
                 const uint32_t len,
                 const uint32_t pos,
                 const uint32_t n)
{
  const uint32_t end = pos + n;
  if (end > len) {
    memcpy(buf, buf + len, (end - len) * sizeof(float));
  }
  if (pos < REVERB_GUARD) {
    const uint32_t hi = end < REVERB_GUARD ? end : REVERB_GUARD;
    memcpy(buf + len + pos, buf + pos, (hi - pos) * sizeof(float));
  }
  return end >= len ? end - len : end;
}

/* All 16 combs over a block, in place in their lines (a comb is at least
   a block long, so every read of the block precedes the write it meets),
   their outputs summed per channel into acc. */
static void
reverb_combs_run(Reverb* const self,
                 const float* const restrict x,
                 const float* const restrict fb,
                 const float* const restrict damp,
                 float (*const restrict acc)[AETHER_BUFFER_SIZE],
                 const uint32_t n)
{
  float* line[REVERB_N_CHANNEL_COMBS];
  float  s[REVERB_N_CHANNEL_COMBS];
  for (uint32_t k = 0; k < REVERB_N_CHANNEL_COMBS; ++k) {
    line[k] = self->comb_buf[k] + self->comb_pos[k];
    s[k]    = self->comb_store[k];
  }

  uint32_t t = 0;
#if defined(__SSE__)
  __m128 sv[4];
  for (uint32_t g = 0; g < 4U; ++g) {
    sv[g] = _mm_loadu_ps(s + 4U * g);
  }
  for (; t + 4U <= n; t += 4U) {
    const __m128 xv   = _mm_loadu_ps(x + t);
    const __m128 fbv  = _mm_loadu_ps(fb + t);
    const __m128 d[4] = { _mm_set1_ps(damp[t]),
                          _mm_set1_ps(damp[t + 1U]),
                          _mm_set1_ps(damp[t + 2U]),
                          _mm_set1_ps(damp[t + 3U]) };
    __m128       a    = _mm_setzero_ps();
    a                 = reverb_comb_tile(line, &sv[0], t, xv, fbv, d, a);
    a                 = reverb_comb_tile(line + 4, &sv[1], t, xv, fbv, d, a);
    _mm_storeu_ps(acc[0] + t, a);
    a = _mm_setzero_ps();
    a = reverb_comb_tile(line + 8, &sv[2], t, xv, fbv, d, a);
    a = reverb_comb_tile(line + 12, &sv[3], t, xv, fbv, d, a);
    _mm_storeu_ps(acc[1] + t, a);
  }
  for (uint32_t g = 0; g < 4U; ++g) {
    _mm_storeu_ps(s + 4U * g, sv[g]);
  }
#endif
  for (; t < n; ++t) {
    for (uint32_t c = 0; c < 2U; ++c) {
      float a = 0.0f;
      for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
        const uint32_t k = c * REVERB_N_COMBS + i;
        const float    y = line[k][t];
        a += y;
        line[k][t] = reverb_comb_step(&s[k], y, x[t], fb[t], damp[t]);
      }
      acc[c][t] = a;
    }
  }

  for (uint32_t k = 0; k < REVERB_N_CHANNEL_COMBS; ++k) {
    self->comb_store[k] = s[k];
    self->comb_pos[k]   = reverb_comb_wrap(
      self->comb_buf[k], self->comb_len[k], self->comb_pos[k], n);
  }
}

/* One allpass over a block, in place, chunk by chunk: within a chunk every
   read precedes the write of its sample, so each is a plain loop. */
static void
reverb_allpass_run(float* const restrict buf,
                   const uint32_t  len,
                   uint32_t* const pos_,
                   float* const restrict x,
                   const uint32_t n)
{
  uint32_t pos  = *pos_;
  uint32_t done = 0;
  while (done < n) {
    const uint32_t m        = len - pos < n - done ? len - pos : n - done;
    float* const restrict b = buf + pos;
    float* const restrict v = x + done;
    for (uint32_t t = 0; t < m; ++t) {
      const float yt = b[t];
      b[t]           = reverb_flush(v[t] + yt * REVERB_ALLPASS_FEEDBACK);
      v[t]           = yt - v[t];
    }
    done += m;
    pos = pos + m == len ? 0U : pos + m;
  }
  *pos_ = pos;
}

#if defined(__SSE2__)

/* The next indices of four lines: one on, 0 at a line's length. */
static inline void
reverb_advance4(uint32_t* const pos, const uint32_t* const len)
{
  const __m128i l = _mm_loadu_si128((const __m128i*)len);
  __m128i       p = _mm_loadu_si128((const __m128i*)pos);
  p               = _mm_add_epi32(p, _mm_set1_epi32(1));
  _mm_storeu_si128((__m128i*)pos, _mm_andnot_si128(_mm_cmpeq_epi32(p, l), p));
}

/* Combs k .. k + 3 at one frame, one to a lane (reverb_comb_step() in
   each), with the guards of reverb_comb_wrap(): a value written at an
   index below REVERB_GUARD is copied past the line's end. Return `a` plus
   their delayed samples, added in comb order. */
static inline float
reverb_comb_frame4(Reverb* const  self,
                   const uint32_t k,
                   const __m128   x,
                   const __m128   fb,
                   const __m128   d,
                   float          a)
{
  const uint32_t* const pos = self->comb_pos + k;
  float* const          b0  = self->comb_buf[k] + pos[0];
  float* const          b1  = self->comb_buf[k + 1U] + pos[1];
  float* const          b2  = self->comb_buf[k + 2U] + pos[2];
  float* const          b3  = self->comb_buf[k + 3U] + pos[3];
  const __m128          y0  = _mm_load_ss(b0);
  const __m128          y1  = _mm_load_ss(b1);
  const __m128          y2  = _mm_load_ss(b2);
  const __m128          y3  = _mm_load_ss(b3);
  a += _mm_cvtss_f32(y0);
  a += _mm_cvtss_f32(y1);
  a += _mm_cvtss_f32(y2);
  a += _mm_cvtss_f32(y3);
  const __m128 y =
    _mm_movelh_ps(_mm_unpacklo_ps(y0, y1), _mm_unpacklo_ps(y2, y3));
  __m128 s = _mm_loadu_ps(self->comb_store + k);
  s        = _mm_add_ps(y, _mm_mul_ps(d, _mm_sub_ps(s, y)));
  _mm_storeu_ps(self->comb_store + k, s);
  const __m128 v0 = reverb_flush4(_mm_add_ps(x, _mm_mul_ps(s, fb)));
  const __m128 v1 = _mm_shuffle_ps(v0, v0, 1);
  const __m128 v2 = _mm_movehl_ps(v0, v0);
  const __m128 v3 = _mm_shuffle_ps(v0, v0, 3);
  _mm_store_ss(b0, v0);
  _mm_store_ss(b1, v1);
  _mm_store_ss(b2, v2);
  _mm_store_ss(b3, v3);
  if (pos[0] < REVERB_GUARD) {
    _mm_store_ss(b0 + self->comb_len[k], v0);
  }
  if (pos[1] < REVERB_GUARD) {
    _mm_store_ss(b1 + self->comb_len[k + 1U], v1);
  }
  if (pos[2] < REVERB_GUARD) {
    _mm_store_ss(b2 + self->comb_len[k + 2U], v2);
  }
  if (pos[3] < REVERB_GUARD) {
    _mm_store_ss(b3 + self->comb_len[k + 3U], v3);
  }

  reverb_advance4(self->comb_pos + k, self->comb_len + k);
  return a;
}

#else

/* One frame of combs k .. k + 3, as reverb_comb_frame4() above. */
static inline float
reverb_comb_frame4(Reverb* const  self,
                   const uint32_t k0,
                   const float    x,
                   const float    fb,
                   const float    damp,
                   float          a)
{
  for (uint32_t k = k0; k < k0 + 4U; ++k) {
    float* const   buf = self->comb_buf[k];
    const uint32_t len = self->comb_len[k];
    const uint32_t pos = self->comb_pos[k];
    const float    y   = buf[pos];
    a += y;
    const float v = reverb_comb_step(&self->comb_store[k], y, x, fb, damp);
    buf[pos]      = v;
    if (pos < REVERB_GUARD) {
      buf[len + pos] = v;
    }
    self->comb_pos[k] = pos + 1U == len ? 0U : pos + 1U;
  }
  return a;
}

#endif

#if defined(__SSE2__)

/* One frame of the allpasses of both channels, the left one in lane 0 and
   the right one in lane 1 of `a` (reverb_allpass_run()'s arithmetic). */
static inline __m128
reverb_allpass_frame(Reverb* const self, __m128 a)
{
  const __m128 g = _mm_set1_ps(REVERB_ALLPASS_FEEDBACK);
  for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
    float* const l = self->ap_buf[0][i] + self->ap_pos[0][i];
    float* const r = self->ap_buf[1][i] + self->ap_pos[1][i];
    const __m128 y = _mm_unpacklo_ps(_mm_load_ss(l), _mm_load_ss(r));
    const __m128 v = reverb_flush4(_mm_add_ps(a, _mm_mul_ps(y, g)));
    _mm_store_ss(l, v);
    _mm_store_ss(r, _mm_shuffle_ps(v, v, 1));
    a = _mm_sub_ps(y, a);
  }
  reverb_advance4(self->ap_pos[0], self->ap_len[0]);
  reverb_advance4(self->ap_pos[1], self->ap_len[1]);
  return a;
}

#else

/* One frame of the allpasses of channel `c` over `a`. */
static inline float
reverb_allpass_frame(Reverb* const self, const uint32_t c, float a)
{
  for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
    float* const   buf = self->ap_buf[c][i];
    const uint32_t pos = self->ap_pos[c][i];
    const float    y   = buf[pos];
    buf[pos]           = reverb_flush(a + y * REVERB_ALLPASS_FEEDBACK);
    a                  = y - a;
    self->ap_pos[c][i] = pos + 1U == self->ap_len[c][i] ? 0U : pos + 1U;
  }
  return a;
}

#endif

/* A call of one frame: the block path's arithmetic with none of its
   per-block setup (coefficient arrays, line pointers, wrap fix-ups); the
   wet samples of both channels into wet. */
static void
reverb_frame(Reverb* const self,
             const float   x,
             const float   fb,
             const float   damp,
             float* const  wet)
{
#if defined(__SSE2__)
  const __m128 xv = _mm_set1_ps(x);
  const __m128 fv = _mm_set1_ps(fb);
  const __m128 dv = _mm_set1_ps(damp);
#else
  const float xv = x;
  const float fv = fb;
  const float dv = damp;
#endif
  float a = reverb_comb_frame4(self, 0U, xv, fv, dv, 0.0f);
  a       = reverb_comb_frame4(self, 4U, xv, fv, dv, a);
  float b = reverb_comb_frame4(self, 8U, xv, fv, dv, 0.0f);
  b       = reverb_comb_frame4(self, 12U, xv, fv, dv, b);
#if defined(__SSE2__)
  const __m128 w =
    reverb_allpass_frame(self, _mm_unpacklo_ps(_mm_set_ss(a), _mm_set_ss(b)));
  wet[0] = _mm_cvtss_f32(w);
  wet[1] = _mm_cvtss_f32(_mm_shuffle_ps(w, w, 1));
#else
  wet[0]         = reverb_allpass_frame(self, 0U, a);
  wet[1]         = reverb_allpass_frame(self, 1U, b);
#endif
}

/* Frames [t0, t1) of the output: the wet signals wl and wr scaled by
   `wet`, each mixed into the other channel by `width`, plus the input by
   `dry`. */
static inline void
reverb_mix(const float* const restrict wl,
           const float* const restrict wr,
           const float* const restrict inl,
           const float* const restrict inr,
           float* const restrict outl,
           float* const restrict outr,
           const uint32_t t0,
           const uint32_t t1,
           const float    wet,
           const float    width,
           const float    dry)
{
  const float w1 = wet * (0.5f + 0.5f * width);
  const float w2 = wet * (0.5f - 0.5f * width);
  for (uint32_t t = t0; t < t1; ++t) {
    outl[t] = wl[t] * w1 + wr[t] * w2 + inl[t] * dry;
    outr[t] = wr[t] * w1 + wl[t] * w2 + inr[t] * dry;
  }
}

/* A call of one frame (hosts splitting blocks at events, lv2apply): the
   block path's arithmetic with none of its setup. With n = 1 the first
   value of a parameter is the frame's, moving or not. */
static void
reverb_process_frame(Reverb* const self, const AetherProcessArgs* const args)
{
  const float* const inl = args->in[REVERB_LEFT];
  const float* const inr =
    aether_input_connected(args, REVERB_RIGHT) ? args->in[REVERB_RIGHT] : inl;
  const float x    = aether_sanitize((inl[0] + inr[0]) * REVERB_INPUT_GAIN);
  const float fb   = reverb_feedback(args->param[REVERB_ROOM][0]);
  const float damp = reverb_damp_held(self, args->param[REVERB_DAMP][0]);
  float       wet[2];
  reverb_frame(self, x, fb, damp, wet);
  if (!(fabsf(wet[0]) <= FLT_MAX) || !(fabsf(wet[1]) <= FLT_MAX)) {
    reverb_reset(self);
  }
  reverb_mix(&wet[0],
             &wet[1],
             inl,
             inr,
             args->out[REVERB_LEFT],
             args->out[REVERB_RIGHT],
             0U,
             1U,
             args->param[REVERB_WET][0] * REVERB_WET_SCALE,
             args->param[REVERB_WIDTH][0],
             args->param[REVERB_DRY][0]);
}

static void
reverb_process(void* const                    self_,
               const AetherProcessArgs* const args,
               const uint32_t                 n)
{
  Reverb* const self = (Reverb*)self_;
  if (n == 1U) {
    reverb_process_frame(self, args);
    return;
  }

  const float* const restrict inl = args->in[REVERB_LEFT];
  const float* const restrict inr =
    aether_input_connected(args, REVERB_RIGHT) ? args->in[REVERB_RIGHT] : inl;
  float* const restrict outl = args->out[REVERB_LEFT];
  float* const restrict outr = args->out[REVERB_RIGHT];

  float x[AETHER_BUFFER_SIZE];
  float fb[AETHER_BUFFER_SIZE];
  float damp[AETHER_BUFFER_SIZE];
  float acc[2][AETHER_BUFFER_SIZE];
  for (uint32_t t = 0; t < n; ++t) {
    x[t] = aether_sanitize((inl[t] + inr[t]) * REVERB_INPUT_GAIN);
  }
  reverb_coefs(self, args, n, fb, damp);
  reverb_combs_run(self, x, fb, damp, acc, n);
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      reverb_allpass_run(
        self->ap_buf[c][i], self->ap_len[c][i], &self->ap_pos[c][i], acc[c], n);
    }
  }

  /* Every value in a line reaches the wet signal when it is read back, so
     one test of it per block catches a non-finite state, which would
     otherwise circulate for ever: start over as new. (The sanitized input
     and the comb gains below 1 keep the state far from overflow; this is
     the guard for what they do not foresee.) */
  uint32_t bad = 0;
  for (uint32_t t = 0; t < n; ++t) {
    bad |= (uint32_t) !(fabsf(acc[0][t]) <= FLT_MAX) |
           (uint32_t) !(fabsf(acc[1][t]) <= FLT_MAX);
  }
  if (bad) {
    reverb_reset(self);
  }

  /* Width mixes each channel's reverb into the other; width 0 is mono. */
  const float* const restrict wet   = args->param[REVERB_WET];
  const float* const restrict width = args->param[REVERB_WIDTH];
  const float* const restrict dry   = args->param[REVERB_DRY];
  if (aether_param_moving(args, REVERB_WET) ||
      aether_param_moving(args, REVERB_WIDTH) ||
      aether_param_moving(args, REVERB_DRY)) {
    for (uint32_t t = 0; t < n; ++t) {
      const float w = wet[t] * REVERB_WET_SCALE;
      reverb_mix(
        acc[0], acc[1], inl, inr, outl, outr, t, t + 1U, w, width[t], dry[t]);
    }
  } else {
    const float w = wet[0] * REVERB_WET_SCALE;
    reverb_mix(
      acc[0], acc[1], inl, inr, outl, outr, 0U, n, w, width[0], dry[0]);
  }
}

const AetherNodeType aether_node_reverb = {
  .name      = "Reverb",
  .label     = "Reverb",
  .comment   = "Freeverb-style stereo reverb (8 damped combs and 4 allpasses "
               "per channel) with separate wet and dry levels.",
  .inputs    = reverb_inputs,
  .n_inputs  = REVERB_N_PORTS,
  .outputs   = reverb_outputs,
  .n_outputs = REVERB_N_PORTS,
  .params    = reverb_params,
  .n_params  = REVERB_N_PARAMS,
  .size      = sizeof(Reverb),
  .stored    = (1U << REVERB_LEFT) | (1U << REVERB_RIGHT),
  .init      = reverb_init,
  .cleanup   = reverb_cleanup,
  .reset     = reverb_reset,
  .process   = reverb_process,
};
