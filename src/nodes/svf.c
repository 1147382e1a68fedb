/* svf.c: state-variable filter (Andrew Simper's trapezoidal SVF), with
   lowpass, highpass, bandpass, notch and peaking bell outputs. */

#include "lanes.h"
#include "node_util.h"

enum { SVF_IN, SVF_CUTOFF_CV, SVF_Q_CV, SVF_N_INPUTS };
enum { SVF_MODE, SVF_CUTOFF, SVF_Q, SVF_GAIN, SVF_N_PARAMS };
enum {
  SVF_LOWPASS,
  SVF_HIGHPASS,
  SVF_BANDPASS,
  SVF_NOTCH,
  SVF_PEAK,
  SVF_N_MODES
};

#define SVF_MIN_HZ 5.0f
#define SVF_MIN_Q 0.5f
#define SVF_MAX_Q 20.0f

// clang-format off
static const char* const svf_modes[] = {
  "lowpass", "highpass", "bandpass", "notch", "peak",
};

static const AetherPortDesc svf_inputs[] = {
  { "in", "Input", "Signal to filter" },
  { "cutoff_cv", "Cutoff CV", "Octaves added to the cutoff: cutoff * 2^cv" },
  { "q_cv", "Q CV", "Added to q (the sum is kept within 0.5 .. 20)" },
};

static const AetherPortDesc svf_outputs[] = {
  { "out", "Output", "Filtered signal" },
};

static const AetherParamDesc svf_params[] = {
  { "mode", "Mode", "", 0, SVF_N_MODES - 1, SVF_LOWPASS, 0, AETHER_PARAM_ENUM,
    svf_modes,
    "Response: 12 dB/octave lowpass or highpass, bandpass with 0 dB at the "
    "centre, notch, or a peaking bell of `gain` dB." },
  { "cutoff", "Cutoff", "Hz", 20, 20000, 2000, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Cutoff or centre frequency (kept below 0.49 times the rate)." },
  { "q", "Q", "", SVF_MIN_Q, SVF_MAX_Q, 0.707f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Resonance: 0.707 is maximally flat, higher values ring." },
  { "gain", "Gain", "dB", -24, 24, 6, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Boost or cut at the centre frequency, peak mode only." },
};
// clang-format on

/* The filter solved per sample as in Simper's "SVF linear trap" paper:
   v1 is the bandpass (peak gain 1/k), v2 the lowpass; every response is a
   mix m0 * in + m1 * v1 + m2 * v2 of them. */
typedef struct {
  float a1;
  float a2;
  float a3;
  float m0;
  float m1;
  float m2;
} SvfCoefs;

typedef struct {
  float    ic1eq; /**< trapezoidal integrator states */
  float    ic2eq;
  float    pi_over_rate;
  float    max_hz;
  float    key_hz; /**< what `coefs` was designed for (NaN: nothing) */
  float    key_q;
  float    key_gain;
  int      key_mode;
  SvfCoefs coefs;
  float    g_hz; /**< the cutoff `g` is for (NaN: none): a q or gain */
  float    g;    /**< glide designs again without a tangent */
} Svf;

static AetherStatus
svf_init(void* const self, const double rate)
{
  Svf* const svf    = (Svf*)self;
  svf->pi_over_rate = (float)(AETHER_PI / rate);
  svf->max_hz       = (float)(0.49 * rate);
  svf->key_hz       = NAN;
  svf->g_hz         = NAN;
  return AETHER_SUCCESS;
}

static void
svf_reset(void* const self)
{
  Svf* const svf = (Svf*)self;
  svf->ic1eq     = 0.0f;
  svf->ic2eq     = 0.0f;
}

/* Design for (mode, cutoff, q, gain) unless that is what `coefs` already
   holds. The block path and the per-sample path both come here, so results
   do not depend on how a run is split into blocks. */
static inline void
svf_design(Svf* const  svf,
           const int   mode,
           const float cutoff,
           const float q_in,
           const float gain_db)
{
  const float hz = aether_clampf(cutoff, SVF_MIN_HZ, svf->max_hz);
  const float q  = aether_clampf(q_in, SVF_MIN_Q, SVF_MAX_Q);
  if (hz == svf->key_hz && q == svf->key_q && gain_db == svf->key_gain &&
      mode == svf->key_mode) {
    return;
  }
  svf->key_hz   = hz;
  svf->key_q    = q;
  svf->key_gain = gain_db;
  svf->key_mode = mode;

  if (hz != svf->g_hz) { /* tanf of the same cutoff is the same */
    svf->g_hz = hz;
    svf->g    = tanf(hz * svf->pi_over_rate);
  }
  SvfCoefs* const c = &svf->coefs;
  const float     g = svf->g;
  float           k = 1.0f / q;
  c->m0 = c->m1 = c->m2 = 0.0f;
  switch (mode) {
    case SVF_LOWPASS:
      c->m2 = 1.0f;
      break;
    case SVF_HIGHPASS:
      c->m0 = 1.0f;
      c->m1 = -k;
      c->m2 = -1.0f;
      break;
    case SVF_BANDPASS: /* k * v1: 0 dB at the centre whatever q is */
      c->m1 = k;
      break;
    case SVF_NOTCH:
      c->m0 = 1.0f;
      c->m1 = -k;
      break;
    default: { /* bell: bandwidth scaled by the gain, so cuts mirror boosts */
      const float a = exp2f(gain_db * (float)(3.32192809488736234787 / 40.0));
      k             = 1.0f / (q * a);
      c->m0         = 1.0f;
      c->m1         = k * (a * a - 1.0f);
      break;
    }
  }
  c->a1 = 1.0f / (1.0f + g * (g + k));
  c->a2 = g * c->a1;
  c->a3 = g * c->a2;
}

static inline int
svf_mode(const float value)
{
  const int m = (int)value;
  return m < 0 ? 0 : (m >= SVF_N_MODES ? SVF_N_MODES - 1 : m);
}

static void
svf_process(void* const                    self,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  Svf* const svf                 = (Svf*)self;
  const float* const restrict in = args->in[SVF_IN];
  float* const restrict out      = args->out[0];
  float ic1eq                    = svf->ic1eq;
  float ic2eq                    = svf->ic2eq;

  const uint32_t all_params = (1U << SVF_N_PARAMS) - 1U;
  const int      cutoff_cv  = aether_input_connected(args, SVF_CUTOFF_CV);
  const int      q_cv       = aether_input_connected(args, SVF_Q_CV);

  if (!cutoff_cv && !q_cv && !(args->moving & all_params)) {
    svf_design(svf,
               svf_mode(aether_param0(args, SVF_MODE)),
               aether_param0(args, SVF_CUTOFF),
               aether_param0(args, SVF_Q),
               aether_param0(args, SVF_GAIN));
    const SvfCoefs c = svf->coefs;
    for (uint32_t i = 0; i < n; ++i) {
      const float v0 = in[i];
      const float v3 = v0 - ic2eq;
      const float v1 = c.a1 * ic1eq + c.a2 * v3;
      const float v2 = ic2eq + c.a2 * ic1eq + c.a3 * v3;
      ic1eq          = aether_sanitize(2.0f * v1 - ic1eq);
      ic2eq          = aether_sanitize(2.0f * v2 - ic2eq);
      out[i]         = c.m0 * v0 + c.m1 * v1 + c.m2 * v2;
    }
  } else {
    const float* const restrict mode   = args->param[SVF_MODE];
    const float* const restrict cutoff = args->param[SVF_CUTOFF];
    const float* const restrict q      = args->param[SVF_Q];
    const float* const restrict gain   = args->param[SVF_GAIN];
    const float* const restrict fcv    = args->in[SVF_CUTOFF_CV];
    const float* const restrict qcv    = args->in[SVF_Q_CV];
    for (uint32_t i = 0; i < n; ++i) {
      const float hz = cutoff_cv ? cutoff[i] * exp2f(fcv[i]) : cutoff[i];
      svf_design(svf, svf_mode(mode[i]), hz, q[i] + qcv[i], gain[i]);
      const SvfCoefs* const c  = &svf->coefs;
      const float           v0 = in[i];
      const float           v3 = v0 - ic2eq;
      const float           v1 = c->a1 * ic1eq + c->a2 * v3;
      const float           v2 = ic2eq + c->a2 * ic1eq + c->a3 * v3;
      ic1eq                    = aether_sanitize(2.0f * v1 - ic1eq);
      ic2eq                    = aether_sanitize(2.0f * v2 - ic2eq);
      out[i]                   = c->m0 * v0 + c->m1 * v1 + c->m2 * v2;
    }
  }

  svf->ic1eq = ic1eq;
  svf->ic2eq = ic2eq;
}

/* The batch kernels, one register of floats wide: 4 voices (SSE2) and 8
   (AVX2, where the CPU has it). */
#define LANES 4
#include "svf_lanes.h"
#if AETHER_LANES_AVX2
AETHER_LANES_AVX2_BEGIN
#  define LANES 8
#  include "svf_lanes.h"
AETHER_LANES_AVX2_END
#endif

static void
svf_process_voices(void* const* const                    selves,
                   const AetherProcessArgs* const* const args,
                   const uint32_t                        n_voices,
                   const uint32_t                        n,
                   const AetherSimd                      simd)
{
  aether_lanes_run(svf_process,
                   svf_lanes4,
                   4U,
                   AETHER_LANES_AVX2_KERNEL(svf_lanes8),
                   8U,
                   selves,
                   args,
                   n_voices,
                   n,
                   simd);
}

const AetherNodeType aether_node_svf = {
  .name      = "Filter",
  .label     = "State-variable filter",
  .comment   = "A 12 dB/octave state-variable filter (Simper's trapezoidal "
               "form) that stays stable under fast cutoff and q modulation.",
  .inputs    = svf_inputs,
  .n_inputs  = SVF_N_INPUTS,
  .outputs   = svf_outputs,
  .n_outputs = 1,
  .params    = svf_params,
  .n_params  = SVF_N_PARAMS,
  .size      = sizeof(Svf),
  .init      = svf_init,
  .reset     = svf_reset,
  .process   = svf_process,
  .process_voices = svf_process_voices,
};
