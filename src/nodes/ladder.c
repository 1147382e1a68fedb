/* ladder.c: 4-pole transistor-ladder lowpass, a zero-delay-feedback (TPT)
   model with a saturating input stage solved per sample. */

#include "node_util.h"

enum { LADDER_IN, LADDER_CUTOFF_CV, LADDER_N_INPUTS };
enum { LADDER_CUTOFF, LADDER_RESONANCE, LADDER_DRIVE, LADDER_N_PARAMS };

#define LADDER_MIN_HZ 5.0f

/* Feedback k = resonance * LADDER_K_SCALE: the linear loop oscillates from
   k = 4, so self-oscillation starts at resonance 4 / 1.1 = 3.64 and at 4 the
   loop has 10 % of gain to spare, which the input saturation tames. */
#define LADDER_K_SCALE 1.1f

/* Drive adds up to 24 dB of gain in front of the saturating input stage. */
#define LADDER_DRIVE_DB 24.0f

// clang-format off
static const AetherPortDesc ladder_inputs[] = {
  { "in", "Input", "Signal to filter" },
  { "cutoff_cv", "Cutoff CV", "Octaves added to the cutoff: cutoff * 2^cv" },
};

static const AetherPortDesc ladder_outputs[] = {
  { "out", "Output", "Filtered signal" },
};

static const AetherParamDesc ladder_params[] = {
  { "cutoff", "Cutoff", "Hz", 20, 20000, 2000, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Cutoff frequency (kept below 0.45 times the rate)." },
  { "resonance", "Resonance", "", 0, 4, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL,
    "Feedback around the four poles; the filter self-oscillates at the "
    "cutoff from about 3.65." },
  { "drive", "Drive", "", 0, 1, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Input gain into the saturating stage: 0 is unity, 1 is +24 dB of "
    "strong saturation (the output is not compensated)." },
};
// clang-format on

/* Everything one sample needs that depends only on the parameters. */
typedef struct {
  float big_g;   /**< g / (1 + g), the one-pole's instantaneous gain */
  float h;       /**< 1 - big_g */
  float k;       /**< feedback */
  float in_gain; /**< pre * (1 + k): drive and passband compensation */
  float c;       /**< k G^4, the instantaneous loop gain */
  float inv_1c;  /**< 1 / (1 + c) */
} LadderCoefs;

typedef struct {
  float       s[4]; /**< integrator states of the four one-pole stages */
  float       pi_over_rate;
  float       max_hz;
  float       key_hz; /**< what `coefs` was computed for (NaN: nothing) */
  float       key_resonance;
  float       key_drive;
  LadderCoefs coefs;
} Ladder;

static AetherStatus
ladder_init(void* const self, const double rate)
{
  Ladder* const ladder = (Ladder*)self;
  ladder->pi_over_rate = (float)(AETHER_PI / rate);
  ladder->max_hz       = (float)(0.45 * rate);
  ladder->key_hz       = NAN;
  return AETHER_SUCCESS;
}

static void
ladder_reset(void* const self)
{
  Ladder* const ladder = (Ladder*)self;
  for (int i = 0; i < 4; ++i) {
    ladder->s[i] = 0.0f;
  }
}

/* tanh by Lambert's continued fraction, clamped where it reaches 1 (x =
   4.97): error below 1e-6 for |x| < 3 and 1e-4 up to the clamp, bounded,
   monotonic (to float rounding) and cheaper than tanhf. */
static inline float
fast_tanh(const float x_in)
{
  const float x  = aether_clampf(x_in, -4.97f, 4.97f);
  const float x2 = x * x;
  const float p  = x * (135135.0f + x2 * (17325.0f + x2 * (378.0f + x2)));
  const float q  = 135135.0f + x2 * (62370.0f + x2 * (3150.0f + x2 * 28.0f));
  return aether_clampf(p / q, -1.0f, 1.0f);
}

/* Coefficients for (cutoff, resonance, drive), unless already computed
   for them: the block path and the per-sample path both come here, so the
   output does not depend on how a run is split into blocks. */
static inline const LadderCoefs*
ladder_design(Ladder* const ladder,
              const float   cutoff,
              const float   resonance,
              const float   drive)
{
  const float hz = aether_clampf(cutoff, LADDER_MIN_HZ, ladder->max_hz);
  if (hz != ladder->key_hz || resonance != ladder->key_resonance ||
      drive != ladder->key_drive) {
    LadderCoefs* const c = &ladder->coefs;
    if (hz != ladder->key_hz) {
      const float g = tanf(hz * ladder->pi_over_rate);
      c->big_g      = g / (1.0f + g);
      c->h          = 1.0f - c->big_g;
    }
    const float pre = exp2f(aether_clampf(drive, 0.0f, 1.0f) *
                            (LADDER_DRIVE_DB * 0.16609640474436811f));
    const float g2  = c->big_g * c->big_g;
    c->k            = aether_clampf(resonance, 0.0f, 4.0f) * LADDER_K_SCALE;
    c->in_gain      = pre * (1.0f + c->k);
    c->c            = c->k * g2 * g2;
    c->inv_1c       = 1.0f / (1.0f + c->c);
    ladder->key_hz  = hz;
    ladder->key_resonance = resonance;
    ladder->key_drive     = drive;
  }
  return &ladder->coefs;
}

/* One sample. Each stage is a TPT one-pole, y = G x + (1 - G) s; chained,
   y4 = G^4 u + S with S from the states. The input stage is
   u = tanh(pre (1 + k) x - k y4): the (1 + k) keeps the passband at unity
   gain for every resonance (feedback compensation inside the loop, so the
   negative feedback below the cutoff also linearises the saturation). The
   implicit equation u = tanh(a - c u), c = k G^4 >= 0, has one root in
   [-1, 1]; one Newton step from the linear solution (clipped to [-1, 1])
   finds it within 0.02 at worst (c near 4.4, a cutoff at the clamp); the
   error shrinks as u^5, below float rounding for |u| < 0.01. */
static inline float
ladder_tick(float* const restrict s, const LadderCoefs c, const float x)
{
  const float big_g = c.big_g;
  const float b0    = c.h * s[0];
  const float b1    = c.h * s[1];
  const float b2    = c.h * s[2];
  const float b3    = c.h * s[3];
  const float sn    = ((b0 * big_g + b1) * big_g + b2) * big_g + b3;
  const float a     = c.in_gain * x - c.k * sn;

  const float u0 = aether_clampf(a * c.inv_1c, -1.0f, 1.0f);
  const float t  = fast_tanh(a - c.c * u0);
  const float u =
    aether_clampf(u0 - (u0 - t) / (1.0f + c.c * (1.0f - t * t)), -1.0f, 1.0f);

  const float y1 = big_g * u + b0;
  const float y2 = big_g * y1 + b1;
  const float y3 = big_g * y2 + b2;
  const float y4 = big_g * y3 + b3;
  s[0]           = aether_sanitize(2.0f * y1 - s[0]);
  s[1]           = aether_sanitize(2.0f * y2 - s[1]);
  s[2]           = aether_sanitize(2.0f * y3 - s[2]);
  s[3]           = aether_sanitize(2.0f * y4 - s[3]);
  return y4;
}

static void
ladder_process(void* const                    self,
               const AetherProcessArgs* const args,
               const uint32_t                 n)
{
  Ladder* const ladder           = (Ladder*)self;
  const float* const restrict in = args->in[LADDER_IN];
  float* const restrict out      = args->out[0];
  float s[4] = { ladder->s[0], ladder->s[1], ladder->s[2], ladder->s[3] };

  const uint32_t all_params = (1U << LADDER_N_PARAMS) - 1U;
  if (!aether_input_connected(args, LADDER_CUTOFF_CV) &&
      !(args->moving & all_params)) {
    const LadderCoefs c = *ladder_design(ladder,
                                         aether_param0(args, LADDER_CUTOFF),
                                         aether_param0(args, LADDER_RESONANCE),
                                         aether_param0(args, LADDER_DRIVE));
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = ladder_tick(s, c, in[i]);
    }
  } else {
    const int cv = aether_input_connected(args, LADDER_CUTOFF_CV);
    const float* const restrict cutoff = args->param[LADDER_CUTOFF];
    const float* const restrict res    = args->param[LADDER_RESONANCE];
    const float* const restrict drive  = args->param[LADDER_DRIVE];
    const float* const restrict fcv    = args->in[LADDER_CUTOFF_CV];
    for (uint32_t i = 0; i < n; ++i) {
      const float hz = cv ? cutoff[i] * exp2f(fcv[i]) : cutoff[i];
      out[i] =
        ladder_tick(s, *ladder_design(ladder, hz, res[i], drive[i]), in[i]);
    }
  }

  for (int i = 0; i < 4; ++i) {
    ladder->s[i] = s[i];
  }
}

const AetherNodeType aether_node_ladder = {
  .name      = "MoogLadder",
  .label     = "Ladder filter",
  .comment   = "A 24 dB/octave transistor-ladder lowpass with a saturating "
               "input, unity passband gain at every resonance, and "
               "self-oscillation at the top of the resonance range.",
  .inputs    = ladder_inputs,
  .n_inputs  = LADDER_N_INPUTS,
  .outputs   = ladder_outputs,
  .n_outputs = 1,
  .params    = ladder_params,
  .n_params  = LADDER_N_PARAMS,
  .size      = sizeof(Ladder),
  .init      = ladder_init,
  .reset     = ladder_reset,
  .process   = ladder_process,
};
