/* chorus.c: stereo chorus: two modulated delay lines with feedback, their
   sine LFOs 90 degrees apart. */

#include "node_util.h"

#include <stdbool.h>

enum { CHORUS_IN, CHORUS_N_INPUTS };
enum { CHORUS_LEFT, CHORUS_RIGHT, CHORUS_N_OUTPUTS };
enum {
  CHORUS_RATE,
  CHORUS_DEPTH,
  CHORUS_DELAY,
  CHORUS_FEEDBACK,
  CHORUS_WET,
  CHORUS_N_PARAMS
};

#define CHORUS_MAX_MS 50.0 /* delay + depth */

/* clang-format off */
static const AetherPortDesc chorus_inputs[] = {
  { "in", "Input", "Mono signal" },
};

static const AetherPortDesc chorus_outputs[] = {
  { "left", "Left", "Left channel" },
  { "right", "Right", "Right channel (its LFO a quarter cycle later)" },
};

static const AetherParamDesc chorus_params[] = {
  { "rate", "Rate", "Hz", 0.05f, 10, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Frequency of the delay modulation." },
  { "depth", "Depth", "ms", 0, 20, 5, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Sweep of the delay: it moves between delay and delay + depth." },
  { "delay", "Delay", "ms", 1, 30, 10, 0.05f, AETHER_PARAM_CONTINUOUS, NULL,
    "Shortest delay of the sweep." },
  { "feedback", "Feedback", "", -0.95f, 0.95f, 0.2f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Part of each delayed signal fed back into its line (negative inverts), "
    "softly limited above full scale." },
  { "wet", "Wet", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level of the delayed signals; the input is mixed in at 1 - wet." },
};
/* clang-format on */

typedef struct {
  AetherDelayLine line[2]; /**< left and right delay lines */
  uint32_t        w;       /**< index of the next input frame */
  double          rate;    /**< sample rate */
  double          phase;   /**< LFO phase of the left line, cycles in [0, 1) */
} Chorus;

static void
chorus_cleanup(void* const self_)
{
  Chorus* const self = (Chorus*)self_;
  aether_delay_line_free(&self->line[0]);
  aether_delay_line_free(&self->line[1]);
}

static AetherStatus
chorus_init(void* const self_, const double rate)
{
  Chorus* const self = (Chorus*)self_;
  const double  need = ceil(CHORUS_MAX_MS * 0.001 * rate) + 8.0;
  AetherStatus  st   = aether_delay_line_init(&self->line[0], need, 256);
  if (!st) {
    st = aether_delay_line_init(&self->line[1], need, 256);
  }
  if (st) {
    chorus_cleanup(self); /* the engine calls cleanup only after success */
    return st;
  }
  self->rate = rate;
  return AETHER_SUCCESS;
}

static void
chorus_reset(void* const self_)
{
  Chorus* const self = (Chorus*)self_;
  aether_delay_line_clear(&self->line[0]);
  aether_delay_line_clear(&self->line[1]);
  self->w     = 0;
  self->phase = 0.0;
}

/* sin(2 pi phase) for phase in [0, 1): folded to a quarter wave and a
   Taylor polynomial (error < 4e-6), continuous across the wrap. */
static inline float
chorus_sin(const double phase)
{
  float x = (float)phase - 0.5f; /* sin(2 pi phase) = -sin(2 pi x) */
  if (x > 0.25f) {
    x = 0.5f - x;
  } else if (x < -0.25f) {
    x = -0.5f - x;
  }
  const float y  = (float)AETHER_TWO_PI * x;
  const float y2 = y * y;
  const float s =
    y * (1.0f + y2 * (-1.0f / 6.0f +
                      y2 * (1.0f / 120.0f +
                            y2 * (-1.0f / 5040.0f + y2 * (1.0f / 362880.0f)))));
  return -s;
}

/* Cubic Hermite read `d` frames (>= 2) before the frame at index `now`. */
static inline float
chorus_read(const float* const restrict buf,
            const uint32_t mask,
            const uint32_t now,
            const float    d)
{
  const uint32_t k = (uint32_t)d;
  return aether_delay_line_read(buf, mask, now - k, d - (float)k);
}

static void
chorus_process(void* const                    self_,
               const AetherProcessArgs* const args,
               const uint32_t                 n)
{
  Chorus* const self             = (Chorus*)self_;
  const float* const restrict in = args->in[CHORUS_IN];
  float* const restrict outl     = args->out[CHORUS_LEFT];
  float* const restrict outr     = args->out[CHORUS_RIGHT];
  float* const restrict bufl     = self->line[0].buf;
  float* const restrict bufr     = self->line[1].buf;
  const uint32_t     mask        = self->line[0].mask; /* both alike */
  const float* const rate        = args->param[CHORUS_RATE];
  const float* const depth       = args->param[CHORUS_DEPTH];
  const float* const delay       = args->param[CHORUS_DELAY];
  const float* const fb          = args->param[CHORUS_FEEDBACK];
  const float* const wet         = args->param[CHORUS_WET];
  const double       inv_rate    = 1.0 / self->rate;
  const float        ms          = (float)(self->rate * 0.001);

  /* Per-sample values only while a parameter moves; the per-frame formulas
     are the same either way, so block size never changes the result. */
  const bool mv = (args->moving & ((1U << CHORUS_N_PARAMS) - 1U)) != 0U;

  double   phase = self->phase;
  uint32_t w     = self->w;
  for (uint32_t t = 0; t < n; ++t) {
    const uint32_t j    = mv ? t : 0U;
    const double   inc  = (double)rate[j] * inv_rate;
    const float    base = delay[j] * ms;
    const float    half = 0.5f * depth[j] * ms;
    const float    g    = fb[j];
    const float    k    = wet[j];

    double phase_r = phase + 0.25;
    if (phase_r >= 1.0) {
      phase_r -= 1.0;
    }
    const float dl = base + half * (1.0f + chorus_sin(phase));
    const float dr = base + half * (1.0f + chorus_sin(phase_r));
    const float yl = chorus_read(bufl, mask, w, dl);
    const float yr = chorus_read(bufr, mask, w, dr);
    const float x  = in[t];

    bufl[w & mask] = aether_sanitize(x + aether_soft_limit(g * yl));
    bufr[w & mask] = aether_sanitize(x + aether_soft_limit(g * yr));
    outl[t]        = x * (1.0f - k) + yl * k;
    outr[t]        = x * (1.0f - k) + yr * k;

    ++w;
    phase += inc;
    if (phase >= 1.0) {
      phase -= 1.0;
    }
  }
  self->phase = phase;
  self->w     = w;
}

const AetherNodeType aether_node_chorus = {
  .name      = "Chorus",
  .label     = "Chorus",
  .comment   = "Stereo chorus: the input through two delay lines swept by "
               "sine LFOs a quarter cycle apart, with feedback.",
  .inputs    = chorus_inputs,
  .n_inputs  = CHORUS_N_INPUTS,
  .outputs   = chorus_outputs,
  .n_outputs = CHORUS_N_OUTPUTS,
  .params    = chorus_params,
  .n_params  = CHORUS_N_PARAMS,
  .size      = sizeof(Chorus),
  .stored    = 1U << CHORUS_IN,
  .init      = chorus_init,
  .cleanup   = chorus_cleanup,
  .reset     = chorus_reset,
  .process   = chorus_process,
};
