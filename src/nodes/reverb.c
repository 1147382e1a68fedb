/* reverb.c: Freeverb-style stereo reverb: per channel 8 lowpass-feedback
   combs in parallel, then 4 allpasses in series, tuned for any rate. */

#include "node_util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct {
  float*   buf;   /**< delay line */
  uint32_t len;   /**< its length in frames */
  uint32_t pos;   /**< read and write index */
  float    store; /**< lowpass state in the feedback path */
} ReverbComb;

typedef struct {
  float*   buf; /**< delay line */
  uint32_t len; /**< its length in frames */
  uint32_t pos; /**< read and write index */
} ReverbAllpass;

typedef struct {
  float*        mem; /**< all delay lines, one allocation */
  size_t        n_mem;
  ReverbComb    comb[2][REVERB_N_COMBS];
  ReverbAllpass allpass[2][REVERB_N_ALLPASSES];
  double        cos_tuning; /**< cos of REVERB_DAMP_REF_HZ at 44.1 kHz */
  double        cos_ref;    /**< cos of REVERB_DAMP_REF_HZ at the rate */
} Reverb;

static uint32_t
reverb_length(const uint32_t tuning, const double rate)
{
  const double len = floor((double)tuning * rate / REVERB_TUNING_RATE + 0.5);
  return len < 1.0 ? 1U : (uint32_t)len;
}

static AetherStatus
reverb_init(void* const self_, const double rate)
{
  Reverb* const self  = (Reverb*)self_;
  size_t        total = 0;
  for (uint32_t c = 0; c < 2; ++c) {
    const uint32_t spread = c ? REVERB_SPREAD : 0U;
    for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
      self->comb[c][i].len = reverb_length(comb_tuning[i] + spread, rate);
      total += self->comb[c][i].len;
    }
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      self->allpass[c][i].len = reverb_length(allpass_tuning[i] + spread, rate);
      total += self->allpass[c][i].len;
    }
  }
  if (!(self->mem = (float*)calloc(total, sizeof(float)))) {
    return AETHER_ERR_NO_MEMORY;
  }
  self->n_mem = total;

  float* p = self->mem;
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
      self->comb[c][i].buf = p;
      p += self->comb[c][i].len;
    }
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      self->allpass[c][i].buf = p;
      p += self->allpass[c][i].len;
    }
  }
  self->cos_tuning =
    cos(AETHER_TWO_PI * REVERB_DAMP_REF_HZ / REVERB_TUNING_RATE);
  self->cos_ref = cos(AETHER_TWO_PI * REVERB_DAMP_REF_HZ / rate);
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
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
      self->comb[c][i].pos   = 0;
      self->comb[c][i].store = 0.0f;
    }
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      self->allpass[c][i].pos = 0;
    }
  }
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

/* Add one comb's output over a block into `acc`. */
static void
reverb_comb_run(ReverbComb* const restrict comb,
                const float* const restrict x,
                const float* const restrict fb,
                const float* const restrict damp,
                float* const restrict acc,
                const uint32_t n)
{
  float* const restrict buf = comb->buf;
  const uint32_t len        = comb->len;
  uint32_t       pos        = comb->pos;
  float          store      = comb->store;
  for (uint32_t t = 0; t < n; ++t) {
    const float y = buf[pos];
    store         = aether_sanitize(y + damp[t] * (store - y));
    buf[pos]      = x[t] + store * fb[t];
    acc[t] += y;
    if (++pos == len) {
      pos = 0;
    }
  }
  comb->pos   = pos;
  comb->store = store;
}

/* Run one allpass over a block, in place. */
static void
reverb_allpass_run(ReverbAllpass* const restrict ap,
                   float* const restrict x,
                   const uint32_t n)
{
  float* const restrict buf = ap->buf;
  const uint32_t len        = ap->len;
  uint32_t       pos        = ap->pos;
  for (uint32_t t = 0; t < n; ++t) {
    const float y = buf[pos];
    buf[pos]      = aether_sanitize(x[t] + y * REVERB_ALLPASS_FEEDBACK);
    x[t]          = y - x[t];
    if (++pos == len) {
      pos = 0;
    }
  }
  ap->pos = pos;
}

/* Per-frame comb coefficients: computed once when room and damp hold
   still, else for each frame with the same formulas. */
static void
reverb_coefs(const Reverb* const            self,
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
    const float a = reverb_damp_coef(dp[0], self->cos_tuning, self->cos_ref);
    for (uint32_t t = 0; t < n; ++t) {
      damp[t] = a;
    }
  }
}

static void
reverb_process(void* const                    self_,
               const AetherProcessArgs* const args,
               const uint32_t                 n)
{
  Reverb* const self              = (Reverb*)self_;
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

  for (uint32_t c = 0; c < 2; ++c) {
    memset(acc[c], 0, n * sizeof(float));
    for (uint32_t i = 0; i < REVERB_N_COMBS; ++i) {
      reverb_comb_run(&self->comb[c][i], x, fb, damp, acc[c], n);
    }
    for (uint32_t i = 0; i < REVERB_N_ALLPASSES; ++i) {
      reverb_allpass_run(&self->allpass[c][i], acc[c], n);
    }
  }

  /* Width mixes each channel's reverb into the other; width 0 is mono. */
  const float* const restrict wet   = args->param[REVERB_WET];
  const float* const restrict width = args->param[REVERB_WIDTH];
  const float* const restrict dry   = args->param[REVERB_DRY];
  const bool mv                     = aether_param_moving(args, REVERB_WET) ||
                  aether_param_moving(args, REVERB_WIDTH) ||
                  aether_param_moving(args, REVERB_DRY);
  for (uint32_t t = 0; t < n; ++t) {
    const uint32_t j  = mv ? t : 0U;
    const float    w  = wet[j] * REVERB_WET_SCALE;
    const float    w1 = w * (0.5f + 0.5f * width[j]);
    const float    w2 = w * (0.5f - 0.5f * width[j]);
    const float    d  = dry[j];
    outl[t]           = acc[0][t] * w1 + acc[1][t] * w2 + inl[t] * d;
    outr[t]           = acc[1][t] * w1 + acc[0][t] * w2 + inr[t] * d;
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
