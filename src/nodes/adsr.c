/* adsr.c: attack-decay-sustain-release envelope, linear or exponential, with
   segment times exact to the sample and click-free retrigger. */

#include "lanes.h"
#include "node_util.h"

enum { ADSR_GATE, ADSR_IN, ADSR_N_INPUTS };
enum { ADSR_ENV, ADSR_OUT, ADSR_N_OUTPUTS };
enum {
  ADSR_ATTACK,
  ADSR_DECAY,
  ADSR_SUSTAIN,
  ADSR_RELEASE,
  ADSR_CURVE,
  ADSR_N_PARAMS
};
enum { STAGE_IDLE, STAGE_ATTACK, STAGE_DECAY, STAGE_SUSTAIN, STAGE_RELEASE };
enum { CURVE_LINEAR, CURVE_EXPONENTIAL };

/* Exponential segments head for a target beyond their end and stop there,
   like an analog envelope: attack aims 30 % above full level (a gentle
   curve), decay and release aim 0.1 % of their span below their end, so
   they fall by 60 dB along a true exponential and then stop. */
#define ADSR_ATTACK_OVER 0.3
#define ADSR_FALL_OVER 0.001

/* Slack for "reached the end" against rounding after N steps. */
#define ADSR_EPS 1e-9

/* clang-format off */
static const char* const adsr_curves[] = { "linear", "exponential", NULL };

static const AetherPortDesc adsr_inputs[] = {
  { "gate", "Gate",
    "High (> 0.5) holds the note: a rising edge starts the attack from the "
    "current level, a falling edge the release" },
  { "in", "Input", "Signal multiplied by the envelope at `out`" },
};

static const AetherPortDesc adsr_outputs[] = {
  { "env", "Envelope", "The envelope, 0 .. 1" },
  { "out", "Output", "in * env when in is connected, else env" },
};

static const AetherParamDesc adsr_params[] = {
  { "attack", "Attack", "s", 0.0005f, 10, 0.01f, 0, AETHER_PARAM_CONTINUOUS,
    NULL, "Time from 0 to full level (less when retriggered from above 0)." },
  { "decay", "Decay", "s", 0.0005f, 10, 0.1f, 0, AETHER_PARAM_CONTINUOUS, NULL,
    "Time from full level down to the sustain level." },
  { "sustain", "Sustain", "", 0, 1, 0.7f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level held while the gate stays high." },
  { "release", "Release", "s", 0.0005f, 20, 0.3f, 0, AETHER_PARAM_CONTINUOUS,
    NULL, "Time from the level at gate off down to 0." },
  { "curve", "Curve", "", 0, 1, 0, 0, AETHER_PARAM_ENUM, adsr_curves,
    "Linear segments, or exponential ones that still end on time." },
};
/* clang-format on */

typedef struct {
  double rate;        /**< sample rate */
  double level;       /**< current envelope value */
  double rel_start;   /**< level when the release began */
  int    stage;       /**< STAGE_* */
  float  gate_prev;   /**< last gate input sample */
  float  memo[3];     /**< attack, decay, release the steps are for */
  double lin_step[3]; /**< linear: span fraction per sample */
  double exp_coef[3]; /**< exponential: distance to target kept per sample */
} Adsr;

static void
adsr_reset(void* const self)
{
  Adsr* const s = (Adsr*)self;
  s->level      = 0.0;
  s->rel_start  = 0.0;
  s->stage      = STAGE_IDLE;
  s->gate_prev  = 0.0f;
  for (int k = 0; k < 3; ++k) {
    s->memo[k] = -1.0f; /* recompute on the first sample */
  }
}

static AetherStatus
adsr_init(void* const self, const double rate)
{
  Adsr* const s = (Adsr*)self;
  s->rate       = rate;
  adsr_reset(self); /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

/* Steps for segment k (attack, decay, release) lasting `t` seconds, only
   when the time changed: a linear step of 1/N of the span, and the
   coefficient that brings the distance to the overshoot target from
   (1 + over) spans to `over` spans in N samples. */
static inline void
adsr_update(Adsr* const s, const int k, const float t)
{
  if (t != s->memo[k]) {
    /* whole samples: 0.1f s is 4800.00007 samples at 48 kHz, not 4801 */
    const double n    = fmax(floor((double)t * s->rate + 0.5), 1.0);
    const double over = k == 0 ? ADSR_ATTACK_OVER : ADSR_FALL_OVER;
    s->memo[k]        = t;
    s->lin_step[k]    = 1.0 / n;
    s->exp_coef[k]    = exp(log(over / (1.0 + over)) / n);
  }
}

static void
adsr_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  Adsr* const s                       = (Adsr*)self;
  const float* const restrict attack  = args->param[ADSR_ATTACK];
  const float* const restrict decay   = args->param[ADSR_DECAY];
  const float* const restrict sustain = args->param[ADSR_SUSTAIN];
  const float* const restrict release = args->param[ADSR_RELEASE];
  const float* const restrict curve   = args->param[ADSR_CURVE];
  const float* const restrict gate    = args->in[ADSR_GATE];
  const float* const restrict in      = args->in[ADSR_IN];
  float* const restrict env           = args->out[ADSR_ENV];
  float* const restrict out           = args->out[ADSR_OUT];
  const int has_in                    = aether_input_connected(args, ADSR_IN);
  double    level                     = s->level;

  for (uint32_t i = 0; i < n; ++i) {
    const int high = gate[i] > 0.5f;
    const int was  = s->gate_prev > 0.5f;
    s->gate_prev   = gate[i];
    if (high && !was) {
      s->stage = STAGE_ATTACK; /* from the current level: no jump */
    } else if (!high && was && s->stage != STAGE_IDLE) {
      s->stage     = STAGE_RELEASE;
      s->rel_start = level;
    }

    const int    expo = curve[i] >= 0.5f;
    const double sus  = sustain[i];
    switch (s->stage) {
      case STAGE_ATTACK:
        adsr_update(s, 0, attack[i]);
        if (expo) {
          const double target = 1.0 + ADSR_ATTACK_OVER;
          level               = target + (level - target) * s->exp_coef[0];
        } else {
          level += s->lin_step[0];
        }
        if (level >= 1.0 - ADSR_EPS) {
          level    = 1.0;
          s->stage = STAGE_DECAY;
        }
        break;
      case STAGE_DECAY:
        adsr_update(s, 1, decay[i]);
        if (expo) {
          const double target = sus - ADSR_FALL_OVER * (1.0 - sus);
          level               = target + (level - target) * s->exp_coef[1];
        } else {
          level -= (1.0 - sus) * s->lin_step[1];
        }
        if (level <= sus + ADSR_EPS) {
          level    = sus;
          s->stage = STAGE_SUSTAIN;
        }
        break;
      case STAGE_SUSTAIN:
        level = sus;
        break;
      case STAGE_RELEASE:
        adsr_update(s, 2, release[i]);
        if (expo) {
          const double target = -ADSR_FALL_OVER * s->rel_start;
          level               = target + (level - target) * s->exp_coef[2];
        } else {
          level -= s->rel_start * s->lin_step[2];
        }
        if (level <= ADSR_EPS) {
          level    = 0.0;
          s->stage = STAGE_IDLE;
        }
        break;
      default:
        level = 0.0;
        break;
    }

    env[i] = (float)level;
    out[i] = has_in ? in[i] * (float)level : (float)level;
  }
  s->level = level;
}

/* The batch kernels, one register of doubles wide: 2 voices (SSE2) and 4
   (AVX2, where the CPU has it). */
#define LANES 2
#include "adsr_lanes.h"
#if AETHER_LANES_AVX2
AETHER_LANES_AVX2_BEGIN
#  define LANES 4
#  include "adsr_lanes.h"
AETHER_LANES_AVX2_END
#endif

static void
adsr_process_voices(void* const* const                    selves,
                    const AetherProcessArgs* const* const args,
                    const uint32_t                        n_voices,
                    const uint32_t                        n,
                    const AetherSimd                      simd)
{
  aether_lanes_run(adsr_process,
                   adsr_lanes2,
                   2U,
                   AETHER_LANES_AVX2_KERNEL(adsr_lanes4),
                   4U,
                   selves,
                   args,
                   n_voices,
                   n,
                   simd);
}

const AetherNodeType aether_node_adsr = {
  .name      = "Adsr",
  .label     = "ADSR envelope",
  .comment   = "Attack-decay-sustain-release envelope driven by a gate, with a "
               "built-in VCA: linear or exponential segments that end on "
               "time, retriggered from the current level without a click.",
  .inputs    = adsr_inputs,
  .n_inputs  = ADSR_N_INPUTS,
  .outputs   = adsr_outputs,
  .n_outputs = ADSR_N_OUTPUTS,
  .params    = adsr_params,
  .n_params  = ADSR_N_PARAMS,
  .size      = sizeof(Adsr),
  .init      = adsr_init,
  .reset     = adsr_reset,
  .process   = adsr_process,
  .process_voices = adsr_process_voices,
};
