/* compressor.c: feed-forward RMS compressor with a soft-knee gain computer
   and attack/release smoothing in the log (dB) domain. */

#include "node_util.h"

enum { COMP_IN, COMP_SIDECHAIN, COMP_N_INPUTS };
enum { COMP_OUT, COMP_GAIN_REDUCTION, COMP_N_OUTPUTS };
enum {
  COMP_THRESHOLD,
  COMP_RATIO,
  COMP_KNEE,
  COMP_ATTACK,
  COMP_RELEASE,
  COMP_MAKEUP,
  COMP_N_PARAMS
};

/* The detector: the mean square of the analytic signal. A Hilbert pair
   (two chains of first-order allpasses whose outputs a, b are 90 degrees
   apart, within 0.2 degrees from 20 Hz to 10 kHz at any rate) gives
   (a^2 + b^2) / 2, which for a steady tone is its mean square with no
   ripple at twice its frequency; a one-pole of COMP_RMS_MS then averages
   it (the RMS window), shortened to an eighth of the attack or release
   when either is faster, so the detector does not dominate the set times.
   Attack and release are the time constants of the gain smoother in dB;
   the detector adds a lag of about 0.7 window + 0.4 ms (the allpasses'
   group delay at 1 kHz), so a 10 ms attack reaches 63 % of a 30 dB step in
   11.3 ms, and times below a few ms run about 0.5 ms late. */
#define COMP_RMS_MS 5.0f
#define COMP_N_ALLPASS 6

/* Pole frequencies of the two chains, in Hz (B. Hutchins, "Musical
   Engineer's Handbook", the table behind Csound's hilbert opcode). */
static const double comp_poles_hz[2][COMP_N_ALLPASS] = {
  { 5.4135, 41.118, 167.3595, 671.3715, 2694.363, 11976.867 },
  { 18.786, 83.5065, 335.1345, 1344.4065, 5471.871, 41551.671 },
};

/* Below this mean square (-200 dB) the level is taken as -200 dB. */
#define COMP_MIN_POWER 1e-20f

#define COMP_DB_PER_LOG2_POWER 3.01029995663981195f /* 10 log10(2) */
#define COMP_LOG2_GAIN_PER_DB 0.166096404744368118f /* log2(10) / 20 */

// clang-format off
static const AetherPortDesc comp_inputs[] = {
  { "in", "Input", "Signal to compress" },
  { "sidechain", "Sidechain",
    "Detector input when connected (ducking); else the input is detected" },
};

static const AetherPortDesc comp_outputs[] = {
  { "out", "Output", "Compressed signal with makeup gain" },
  { "gain_reduction", "Gain reduction",
    "How far the gain is turned down, in dB, as a positive number "
    "(0: no reduction); makeup not included" },
};

static const AetherParamDesc comp_params[] = {
  { "threshold", "Threshold", "dB", -60, 0, -20, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "RMS level (dBFS; a full-scale sine is -3) above which the gain is "
    "reduced." },
  { "ratio", "Ratio", "", 1, 20, 4, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Input dB above the threshold per output dB above it (1: no "
    "compression)." },
  { "knee", "Knee", "dB", 0, 24, 2, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Width of the soft knee centred on the threshold (0: hard knee)." },
  { "attack", "Attack", "ms", 0.1f, 200, 10, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Time for the gain to make 63 % of a downward step (in dB)." },
  { "release", "Release", "ms", 1, 2000, 100, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Time for the gain to make 63 % of an upward step (in dB)." },
  { "makeup", "Makeup", "dB", 0, 24, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Gain added after compression." },
};
// clang-format on

/* A one-pole coefficient cached for the time it was computed for. */
typedef struct {
  float key_ms;
  float coef;
} CompCoef;

typedef struct {
  float    ap_c[2][COMP_N_ALLPASS]; /**< allpass coefficients */
  float    ap_x[2][COMP_N_ALLPASS]; /**< allpass previous inputs */
  float    ap_y[2][COMP_N_ALLPASS]; /**< allpass previous outputs */
  float    power;                   /**< mean square of the detector input */
  float    gain_db;                 /**< smoothed gain change, <= 0 dB */
  float    ms_per_sample;
  CompCoef attack;
  CompCoef release;
  CompCoef rms;
} Compressor;

static AetherStatus
comp_init(void* const self, const double rate)
{
  Compressor* const c = (Compressor*)self;
  c->ms_per_sample    = (float)(1000.0 / rate);
  c->attack.key_ms    = NAN;
  c->release.key_ms   = NAN;
  c->rms.key_ms       = NAN;
  for (int k = 0; k < 2; ++k) {
    for (int j = 0; j < COMP_N_ALLPASS; ++j) {
      /* y = c (x - y1) + x1, the pole mapped by alpha = pi f / rate */
      const double alpha = AETHER_PI * comp_poles_hz[k][j] / rate;
      c->ap_c[k][j]      = (float)(-(1.0 - alpha) / (1.0 + alpha));
    }
  }
  return AETHER_SUCCESS;
}

static void
comp_reset(void* const self)
{
  Compressor* const c = (Compressor*)self;
  c->power            = 0.0f;
  c->gain_db          = 0.0f;
  for (int k = 0; k < 2; ++k) {
    for (int j = 0; j < COMP_N_ALLPASS; ++j) {
      c->ap_x[k][j] = 0.0f;
      c->ap_y[k][j] = 0.0f;
    }
  }
}

/* Mean square of the analytic signal of `x`: one step of the Hilbert pair. */
static inline float
comp_analytic_power(Compressor* const restrict c, const float x)
{
  float out[2];
  for (int k = 0; k < 2; ++k) {
    float v = x;
    for (int j = 0; j < COMP_N_ALLPASS; ++j) {
      const float y =
        aether_sanitize(c->ap_c[k][j] * (v - c->ap_y[k][j]) + c->ap_x[k][j]);
      c->ap_x[k][j] = v;
      c->ap_y[k][j] = y;
      v             = y;
    }
    out[k] = v;
  }
  return 0.5f * (out[0] * out[0] + out[1] * out[1]);
}

/* 1 - e^(-1 / (tau * rate)): after tau, 1/e of a step is left. */
static inline float
comp_coef(CompCoef* const cc, const float ms, const float ms_per_sample)
{
  if (ms != cc->key_ms) {
    cc->key_ms = ms;
    cc->coef   = 1.0f - expf(-ms_per_sample / ms);
  }
  return cc->coef;
}

/* The static curve (Giannoulis, Massberg and Reiss 2012): the gain change
   in dB for a level in dB, quadratic across the knee. */
static inline float
comp_curve(const float level,
           const float threshold,
           const float slope, /* 1 / ratio - 1 */
           const float knee)
{
  const float over = level - threshold;
  if (2.0f * over <= -knee) {
    return 0.0f;
  }
  if (2.0f * over < knee) {
    const float d = over + 0.5f * knee;
    return slope * d * d / (2.0f * knee);
  }
  return slope * over;
}

static void
comp_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  Compressor* const c             = (Compressor*)self;
  const float* const restrict in  = args->in[COMP_IN];
  const float* const restrict det = aether_input_connected(args, COMP_SIDECHAIN)
                                      ? args->in[COMP_SIDECHAIN]
                                      : in;
  float* const restrict out       = args->out[COMP_OUT];
  float* const restrict gr        = args->out[COMP_GAIN_REDUCTION];

  /* A parameter that does not move is read at index 0 for the whole block
     (stride 0); the cached coefficients then cost one compare a sample. */
  const float* p[COMP_N_PARAMS];
  size_t       stride[COMP_N_PARAMS];
  for (uint32_t j = 0; j < COMP_N_PARAMS; ++j) {
    p[j]      = args->param[j];
    stride[j] = aether_param_moving(args, j) ? 1U : 0U;
  }

  const float mps     = c->ms_per_sample;
  float       power   = c->power;
  float       gain_db = c->gain_db;
  for (uint32_t i = 0; i < n; ++i) {
    const float threshold = p[COMP_THRESHOLD][i * stride[COMP_THRESHOLD]];
    const float ratio     = p[COMP_RATIO][i * stride[COMP_RATIO]];
    const float knee      = p[COMP_KNEE][i * stride[COMP_KNEE]];
    const float attack    = p[COMP_ATTACK][i * stride[COMP_ATTACK]];
    const float release   = p[COMP_RELEASE][i * stride[COMP_RELEASE]];
    const float makeup    = p[COMP_MAKEUP][i * stride[COMP_MAKEUP]];

    const float att_ms = fmaxf(attack, 0.01f);
    const float rel_ms = fmaxf(release, 0.01f);
    const float rms_ms =
      fminf(COMP_RMS_MS, fminf(0.125f * att_ms, 0.125f * rel_ms));

    const float d = comp_analytic_power(c, det[i]);
    power += (d - power) * comp_coef(&c->rms, rms_ms, mps);
    power = aether_sanitize(power);

    const float level =
      COMP_DB_PER_LOG2_POWER * log2f(fmaxf(power, COMP_MIN_POWER));
    const float slope  = 1.0f / fmaxf(ratio, 1.0f) - 1.0f;
    const float target = comp_curve(level, threshold, slope, fmaxf(knee, 0.0f));
    const float coef   = target < gain_db ? comp_coef(&c->attack, att_ms, mps)
                                          : comp_coef(&c->release, rel_ms, mps);
    gain_db            = aether_sanitize(gain_db + (target - gain_db) * coef);

    out[i] = in[i] * exp2f((gain_db + makeup) * COMP_LOG2_GAIN_PER_DB);
    gr[i]  = -gain_db;
  }
  c->power   = power;
  c->gain_db = gain_db;
}

const AetherNodeType aether_node_compressor = {
  .name      = "Compressor",
  .label     = "Compressor",
  .comment   = "A feed-forward RMS compressor with a soft knee, attack and "
               "release in dB, makeup gain and an optional sidechain.",
  .inputs    = comp_inputs,
  .n_inputs  = COMP_N_INPUTS,
  .outputs   = comp_outputs,
  .n_outputs = COMP_N_OUTPUTS,
  .params    = comp_params,
  .n_params  = COMP_N_PARAMS,
  .size      = sizeof(Compressor),
  .init      = comp_init,
  .reset     = comp_reset,
  .process   = comp_process,
};
