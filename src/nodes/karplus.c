/* karplus.c: Karplus-Strong plucked string, tuned exactly with an allpass
   fractional delay. */

#include "node_util.h"

#include <stdlib.h>

#define KS_MIN_FREQ 20.0f /* the delay line is sized for this */

enum { KS_TRIGGER, KS_PITCH, KS_N_INPUTS };
enum { KS_FREQ, KS_DECAY, KS_BRIGHTNESS, KS_AMP, KS_N_PARAMS };

/* clang-format off */
static const AetherPortDesc ks_inputs[] = {
  { "trigger", "Trigger",
    "A rising edge through 0.5 plucks the string with a noise burst" },
  { "pitch", "Pitch", "Semitones added to the frequency: f * 2^(pitch / 12)" },
};

static const AetherPortDesc ks_outputs[] = {
  { "out", "Output", "The string, times amp" },
};

static const AetherParamDesc ks_params[] = {
  { "freq", "Frequency", "Hz", KS_MIN_FREQ, 4000, 440, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Pitch of the string (with pitch, limited to 20 Hz .. rate / 4)." },
  { "decay", "Decay", "", 0.8f, 0.9999f, 0.995f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Loop gain per period at low frequencies (the brightness lowpass takes "
    "a little more from high notes and harmonics): 0.995 at 440 Hz rings "
    "for about 3 s to -60 dB." },
  { "brightness", "Brightness", "", 0, 1, 0.7f, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL,
    "Tone of the pluck and of the string: 0 is the classic dark two-point "
    "average, 1 keeps every harmonic ringing." },
  { "amp", "Amplitude", "", 0, 1, 0.8f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Output level." },
};
/* clang-format on */

typedef struct {
  float*   line;      /**< delay line, a power of two long */
  uint32_t mask;      /**< line length - 1 */
  uint32_t w;         /**< write index */
  float    rate;      /**< sample rate */
  float    fir_prev;  /**< loop lowpass state */
  float    ap_x1;     /**< allpass input state */
  float    ap_y1;     /**< allpass output state */
  float    tuned_f;   /**< frequency the coefficients are for (0: none) */
  float    tuned_b;   /**< brightness the coefficients are for */
  uint32_t delay;     /**< integer part of the loop delay */
  float    fir_a;     /**< loop lowpass: a * x + (1 - a) * x[-1] */
  float    ap_c;      /**< allpass coefficient */
  uint32_t period;    /**< rounded period, samples */
  uint32_t burst;     /**< excitation samples left */
  float    burst_lp;  /**< excitation lowpass state */
  float    trig_prev; /**< last trigger input sample */
  uint32_t seed;      /**< PRNG seed, restored by reset */
  uint32_t rng;       /**< PRNG state */
} Karplus;

static void
ks_reset(void* const self)
{
  Karplus* const s = (Karplus*)self;
  for (uint32_t i = 0; i <= s->mask; ++i) {
    s->line[i] = 0.0f;
  }
  s->w         = 0;
  s->fir_prev  = 0.0f;
  s->ap_x1     = 0.0f;
  s->ap_y1     = 0.0f;
  s->tuned_f   = 0.0f;
  s->burst     = 0;
  s->burst_lp  = 0.0f;
  s->trig_prev = 0.0f;
  s->rng       = s->seed;
}

static AetherStatus
ks_init(void* const self, const double rate)
{
  Karplus* const s    = (Karplus*)self;
  const uint32_t need = (uint32_t)(rate / KS_MIN_FREQ) + 4U;
  uint32_t       len  = 64U;
  while (len < need) {
    len <<= 1U;
  }
  s->line = (float*)calloc(len, sizeof(float));
  if (!s->line) {
    return AETHER_ERR_NO_MEMORY;
  }
  s->mask = len - 1U;
  s->rate = (float)rate;
  s->seed = 1U;   /* until the engine seeds it */
  ks_reset(self); /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

static void
ks_cleanup(void* const self)
{
  Karplus* const s = (Karplus*)self;
  free(s->line);
  s->line = NULL;
}

/* Split the period into the line's whole samples, the lowpass's phase delay
   and an allpass whose phase delay at the fundamental (not only at DC)
   makes up the rest, so the pitch is exact at any frequency. */
static void
ks_tune(Karplus* const s, const float f, const float b)
{
  const double period = (double)s->rate / f;
  const double w      = AETHER_TWO_PI * f / s->rate;
  const double a      = 0.5 + 0.5 * b;
  const double fir    = atan2((1.0 - a) * sin(w), a + (1.0 - a) * cos(w)) / w;
  const double rest   = period - fir;
  const double m      = floor(rest - 0.5); /* allpass delay in [0.5, 1.5) */
  const double theta  = (1.0 - (rest - m)) * w * 0.5;
  s->delay            = (uint32_t)m;
  s->fir_a            = (float)a;
  s->ap_c             = (float)(sin(theta) / sin(w - theta));
  s->period           = (uint32_t)(period + 0.5);
  s->tuned_f          = f;
  s->tuned_b          = b;
}

static void
ks_process(void* const                    self,
           const AetherProcessArgs* const args,
           const uint32_t                 n)
{
  Karplus* const s                   = (Karplus*)self;
  const float* const restrict freq   = args->param[KS_FREQ];
  const float* const restrict decay  = args->param[KS_DECAY];
  const float* const restrict bright = args->param[KS_BRIGHTNESS];
  const float* const restrict amp    = args->param[KS_AMP];
  const float* const restrict trig   = args->in[KS_TRIGGER];
  const float* const restrict pitch  = args->in[KS_PITCH];
  float* const restrict out          = args->out[0];
  const int   has_pitch              = aether_input_connected(args, KS_PITCH);
  const float max_f                  = s->rate * 0.25f;
  float* const restrict line         = s->line;

  for (uint32_t i = 0; i < n; ++i) {
    float f = freq[i];
    if (has_pitch) {
      f *= exp2f(pitch[i] * (1.0f / 12.0f));
    }
    f = f > KS_MIN_FREQ ? (f < max_f ? f : max_f) : KS_MIN_FREQ; /* NaN: 20 */
    if (f != s->tuned_f || bright[i] != s->tuned_b) {
      ks_tune(s, f, bright[i]); /* only when pitch or brightness moves */
    }

    if (s->trig_prev <= 0.5f && trig[i] > 0.5f) {
      s->burst = s->period; /* one period of noise fills the loop */
    }
    s->trig_prev = trig[i];

    /* loop: line -> two-point lowpass -> allpass -> gain -> line */
    const float r  = line[(s->w - s->delay) & s->mask];
    const float lp = s->fir_a * r + (1.0f - s->fir_a) * s->fir_prev;
    const float ap = s->ap_c * (lp - s->ap_y1) + s->ap_x1;
    s->fir_prev    = r;
    s->ap_x1       = lp;
    s->ap_y1       = aether_sanitize(ap);
    float y        = aether_sanitize(decay[i] * ap);

    if (s->burst) {
      /* The pluck replaces the loop's content, so plucking a ringing string
         never adds up: a noise burst, darker with lower brightness, at an
         RMS of 0.2 whatever the brightness. The allpass disperses it into
         near-Gaussian noise of the same RMS, whose peaks stay below 1. */
      const float k = 0.1f + 0.9f * bright[i] * bright[i];
      s->burst_lp += k * (aether_rand_bipolar(&s->rng) - s->burst_lp);
      y = s->burst_lp * 0.346f * sqrtf((2.0f - k) / k);
      --s->burst;
    }
    /* A safety net, not a sound: a plucked string's loop gain is below 1,
       but fast retuning (audio-rate pitch) could pump energy into it. */
    y                    = aether_clampf(y, -2.0f, 2.0f);
    line[s->w & s->mask] = y;
    ++s->w;
    out[i] = amp[i] * y;
  }
}

/* The engine's seed (from the node's name and voice), used from reset. */
static void
ks_seed(void* const self, const uint32_t seed)
{
  ((Karplus*)self)->seed = seed ? seed : 1U;
}

const AetherNodeType aether_node_karplus = {
  .name      = "KarplusStrong",
  .label     = "Plucked string",
  .comment   = "Karplus-Strong string: a trigger plucks a noise burst into a "
               "tuned, damped delay loop.",
  .inputs    = ks_inputs,
  .n_inputs  = KS_N_INPUTS,
  .outputs   = ks_outputs,
  .n_outputs = 1,
  .params    = ks_params,
  .n_params  = KS_N_PARAMS,
  .size      = sizeof(Karplus),
  .init      = ks_init,
  .cleanup   = ks_cleanup,
  .reset     = ks_reset,
  .seed      = ks_seed,
  .process   = ks_process,
};
