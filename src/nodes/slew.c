/* slew.c: slew limiter: the output follows the input no faster than one
   unit per `rise` seconds upwards and per `fall` seconds downwards. */

#include "node_util.h"

enum { SLEW_IN, SLEW_N_INPUTS };
enum { SLEW_RISE, SLEW_FALL, SLEW_N_PARAMS };

/* clang-format off */
static const AetherPortDesc slew_inputs[] = {
  { "in", "Input", "Signal to follow" },
};

static const AetherPortDesc slew_outputs[] = {
  { "out", "Output", "The input with its slopes limited" },
};

static const AetherParamDesc slew_params[] = {
  { "rise", "Rise time", "s", 0, 10, 0.01f, 0, AETHER_PARAM_CONTINUOUS, NULL,
    "Time to rise by one unit (0: no limit)." },
  { "fall", "Fall time", "s", 0, 10, 0.01f, 0, AETHER_PARAM_CONTINUOUS, NULL,
    "Time to fall by one unit (0: no limit)." },
};
/* clang-format on */

typedef struct {
  double rate;    /**< sample rate */
  double y;       /**< output state */
  float  memo[2]; /**< rise and fall times the steps are for */
  double step[2]; /**< largest rise and fall per sample */
} Slew;

static void
slew_reset(void* const self)
{
  Slew* const s = (Slew*)self;
  s->y          = 0.0;
  s->memo[0] = s->memo[1] = -1.0f;
}

static AetherStatus
slew_init(void* const self, const double rate)
{
  Slew* const s = (Slew*)self;
  s->rate       = rate;
  slew_reset(self); /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

/* Largest move per sample for a time per unit of `t` (HUGE_VAL for 0),
   computed only when the time changes. */
static inline double
slew_step(Slew* const s, const int k, const float t)
{
  if (t != s->memo[k]) {
    s->memo[k] = t;
    s->step[k] = t > 0.0f ? 1.0 / ((double)t * s->rate) : HUGE_VAL;
  }
  return s->step[k];
}

static void
slew_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  Slew* const s                    = (Slew*)self;
  const float* const restrict in   = args->in[SLEW_IN];
  const float* const restrict rise = args->param[SLEW_RISE];
  const float* const restrict fall = args->param[SLEW_FALL];
  float* const restrict out        = args->out[0];
  double y                         = s->y;

  for (uint32_t i = 0; i < n; ++i) {
    const double up   = slew_step(s, 0, rise[i]);
    const double down = slew_step(s, 1, fall[i]);
    double       d    = (double)in[i] - y;
    d                 = d > up ? up : (d < -down ? -down : d);
    y += d; /* lands exactly on the input once within one step */
    out[i] = (float)y;
  }
  s->y = isfinite(y) ? y : 0.0; /* a NaN input must not stick */
}

const AetherNodeType aether_node_slew = {
  .name      = "Slew",
  .label     = "Slew limiter",
  .comment   = "Follows its input with limited rise and fall rates (glide, "
               "portamento, smoothing of steps).",
  .inputs    = slew_inputs,
  .n_inputs  = SLEW_N_INPUTS,
  .outputs   = slew_outputs,
  .n_outputs = 1,
  .params    = slew_params,
  .n_params  = SLEW_N_PARAMS,
  .size      = sizeof(Slew),
  .init      = slew_init,
  .reset     = slew_reset,
  .process   = slew_process,
};
