/* formant.c: vowel formant filter, five parallel bandpasses tuned to the
   formants of A E I O U with a continuous morph between neighbours. */

#include "node_util.h"

enum { FORMANT_IN, FORMANT_VOWEL_CV, FORMANT_N_INPUTS };
enum {
  FORMANT_VOWEL,
  FORMANT_SHIFT,
  FORMANT_BANDWIDTH,
  FORMANT_WET,
  FORMANT_N_PARAMS
};

#define FORMANT_N 5 /* formants per vowel */
#define FORMANT_N_VOWELS 5
#define FORMANT_MIN_Q 0.5f

// clang-format off
static const AetherPortDesc formant_inputs[] = {
  { "in", "Input", "Signal to filter (a bright source: saw, pulse, noise)" },
  { "vowel_cv", "Vowel CV", "Added to vowel (the sum is kept within 0 .. 4)" },
};

static const AetherPortDesc formant_outputs[] = {
  { "out", "Output", "Dry and formant-filtered signal mixed by wet" },
};

static const AetherParamDesc formant_params[] = {
  { "vowel", "Vowel", "", 0, 4, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "0 A, 1 E, 2 I, 3 O, 4 U; fractions morph between neighbours." },
  { "shift", "Shift", "st", -12, 12, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Moves every formant by this many semitones (a smaller or larger "
    "throat)." },
  { "bandwidth", "Bandwidth", "", 0.25f, 4, 1, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Scales the formant bandwidths: 1 is the table's, less is sharper." },
  { "wet", "Wet", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Mix from the dry input (0) to the formants alone (1)." },
};
// clang-format on

/* Tenor formants (frequency Hz, bandwidth Hz, level dB), the classic table
   of the Csound manual's appendix. */
static const float formant_hz[FORMANT_N_VOWELS][FORMANT_N] = {
  { 650, 1080, 2650, 2900, 3250 }, /* A */
  { 400, 1700, 2600, 3200, 3580 }, /* E */
  { 290, 1870, 2800, 3250, 3540 }, /* I */
  { 400, 800, 2600, 2800, 3000 },  /* O */
  { 350, 600, 2700, 2900, 3300 },  /* U */
};

static const float formant_bw[FORMANT_N_VOWELS][FORMANT_N] = {
  { 80, 90, 120, 130, 140 }, /* A */
  { 70, 80, 100, 120, 120 }, /* E */
  { 40, 90, 100, 120, 120 }, /* I */
  { 40, 80, 100, 120, 120 }, /* O */
  { 40, 60, 100, 120, 120 }, /* U */
};

static const float formant_db[FORMANT_N_VOWELS][FORMANT_N] = {
  { 0, -6, -7, -8, -22 },    /* A */
  { 0, -14, -12, -14, -20 }, /* E */
  { 0, -15, -18, -20, -30 }, /* I */
  { 0, -10, -12, -12, -26 }, /* O */
  { 0, -20, -17, -14, -26 }, /* U */
};

typedef struct {
  float ic1eq[FORMANT_N]; /**< Simper SVF states, one bandpass per formant */
  float ic2eq[FORMANT_N];
  float a1[FORMANT_N]; /**< SVF coefficients */
  float a2[FORMANT_N];
  float a3[FORMANT_N];
  float gain[FORMANT_N]; /**< level * k: the bandpass v1 scaled to its level */
  float amp[FORMANT_N_VOWELS][FORMANT_N]; /**< table levels as gains */
  float pi_over_rate;
  float max_hz;
  float key_vowel; /**< what the coefficients are for (NaN: nothing) */
  float key_shift;
  float key_bandwidth;
} Formant;

static AetherStatus
formant_init(void* const self, const double rate)
{
  Formant* const f = (Formant*)self;
  f->pi_over_rate  = (float)(AETHER_PI / rate);
  f->max_hz        = (float)(0.45 * rate);
  f->key_vowel     = NAN;
  for (int v = 0; v < FORMANT_N_VOWELS; ++v) {
    for (int i = 0; i < FORMANT_N; ++i) {
      f->amp[v][i] = aether_db_to_gain(formant_db[v][i]);
    }
  }
  return AETHER_SUCCESS;
}

static void
formant_reset(void* const self)
{
  Formant* const f = (Formant*)self;
  for (int i = 0; i < FORMANT_N; ++i) {
    f->ic1eq[i] = 0.0f;
    f->ic2eq[i] = 0.0f;
  }
}

/* Tune the five bandpasses, unless already tuned for these values. */
static inline void
formant_design(Formant* const f,
               const float    vowel_in,
               const float    shift,
               const float    bandwidth)
{
  const float vowel = aether_clampf(vowel_in, 0.0f, FORMANT_N_VOWELS - 1);
  if (vowel == f->key_vowel && shift == f->key_shift &&
      bandwidth == f->key_bandwidth) {
    return;
  }
  f->key_vowel     = vowel;
  f->key_shift     = shift;
  f->key_bandwidth = bandwidth;

  const int v0 =
    vowel >= FORMANT_N_VOWELS - 1 ? FORMANT_N_VOWELS - 2 : (int)vowel;
  const float frac  = vowel - (float)v0;
  const float ratio = exp2f(shift * (1.0f / 12.0f));
  for (int i = 0; i < FORMANT_N; ++i) {
    const float hz0 = formant_hz[v0][i];
    const float bw0 = formant_bw[v0][i];
    const float a0  = f->amp[v0][i];
    const float hz  = (hz0 + frac * (formant_hz[v0 + 1][i] - hz0)) * ratio;
    const float bw  = (bw0 + frac * (formant_bw[v0 + 1][i] - bw0)) * ratio;
    const float amp = a0 + frac * (f->amp[v0 + 1][i] - a0);
    const float fc  = aether_clampf(hz, 20.0f, f->max_hz);
    const float k   = fminf(bw * bandwidth / fc, 1.0f / FORMANT_MIN_Q);
    const float g   = tanf(fc * f->pi_over_rate);
    f->a1[i]        = 1.0f / (1.0f + g * (g + k));
    f->a2[i]        = g * f->a1[i];
    f->a3[i]        = g * f->a2[i];
    f->gain[i]      = amp * k;
  }
}

/* Sum of the five bandpasses for one input sample. */
static inline float
formant_tick(Formant* const restrict f, const float x)
{
  float sum = 0.0f;
  for (int i = 0; i < FORMANT_N; ++i) {
    const float v3 = x - f->ic2eq[i];
    const float v1 = f->a1[i] * f->ic1eq[i] + f->a2[i] * v3;
    const float v2 = f->ic2eq[i] + f->a2[i] * f->ic1eq[i] + f->a3[i] * v3;
    f->ic1eq[i]    = aether_sanitize(2.0f * v1 - f->ic1eq[i]);
    f->ic2eq[i]    = aether_sanitize(2.0f * v2 - f->ic2eq[i]);
    sum += f->gain[i] * v1;
  }
  return sum;
}

static void
formant_process(void* const                    self,
                const AetherProcessArgs* const args,
                const uint32_t                 n)
{
  Formant* const f                = (Formant*)self;
  const float* const restrict in  = args->in[FORMANT_IN];
  float* const restrict out       = args->out[0];
  const float* const restrict wet = args->param[FORMANT_WET];

  const uint32_t tuning =
    (1U << FORMANT_VOWEL) | (1U << FORMANT_SHIFT) | (1U << FORMANT_BANDWIDTH);
  if (!aether_input_connected(args, FORMANT_VOWEL_CV) &&
      !(args->moving & tuning)) {
    formant_design(f,
                   aether_param0(args, FORMANT_VOWEL),
                   aether_param0(args, FORMANT_SHIFT),
                   aether_param0(args, FORMANT_BANDWIDTH));
    if (!aether_param_moving(args, FORMANT_WET)) {
      const float w = wet[0];
      for (uint32_t i = 0; i < n; ++i) {
        out[i] = in[i] * (1.0f - w) + formant_tick(f, in[i]) * w;
      }
    } else {
      for (uint32_t i = 0; i < n; ++i) {
        out[i] = in[i] * (1.0f - wet[i]) + formant_tick(f, in[i]) * wet[i];
      }
    }
  } else {
    const float* const restrict vowel = args->param[FORMANT_VOWEL];
    const float* const restrict shift = args->param[FORMANT_SHIFT];
    const float* const restrict bw    = args->param[FORMANT_BANDWIDTH];
    const float* const restrict cv    = args->in[FORMANT_VOWEL_CV];
    for (uint32_t i = 0; i < n; ++i) {
      formant_design(f, vowel[i] + cv[i], shift[i], bw[i]);
      out[i] = in[i] * (1.0f - wet[i]) + formant_tick(f, in[i]) * wet[i];
    }
  }
}

const AetherNodeType aether_node_formant = {
  .name      = "FormantFilter",
  .label     = "Formant filter",
  .comment   = "Makes a bright sound speak a vowel: five parallel bandpasses "
               "at the formants of A, E, I, O and U (a tenor voice), morphing "
               "continuously between neighbouring vowels.",
  .inputs    = formant_inputs,
  .n_inputs  = FORMANT_N_INPUTS,
  .outputs   = formant_outputs,
  .n_outputs = 1,
  .params    = formant_params,
  .n_params  = FORMANT_N_PARAMS,
  .size      = sizeof(Formant),
  .init      = formant_init,
  .reset     = formant_reset,
  .process   = formant_process,
};
