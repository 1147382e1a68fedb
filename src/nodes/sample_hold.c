/* sample_hold.c: sample & hold: the output holds the input's value from the
   last rising edge of the trigger. */

#include "node_util.h"

enum { SH_IN, SH_TRIGGER, SH_N_INPUTS };

/* clang-format off */
static const AetherPortDesc sh_inputs[] = {
  { "in", "Input", "Signal to sample" },
  { "trigger", "Trigger",
    "A rising edge through 0.5 samples the input (none: the output stays 0)" },
};

static const AetherPortDesc sh_outputs[] = {
  { "out", "Output", "The input's value at the last trigger, 0 before any" },
};
/* clang-format on */

typedef struct {
  float held;      /**< value taken at the last edge */
  float trig_prev; /**< last trigger input sample */
} SampleHold;

static void
sh_reset(void* const self)
{
  SampleHold* const s = (SampleHold*)self;
  s->held             = 0.0f;
  s->trig_prev        = 0.0f;
}

static void
sh_process(void* const                    self,
           const AetherProcessArgs* const args,
           const uint32_t                 n)
{
  SampleHold* const s              = (SampleHold*)self;
  const float* const restrict in   = args->in[SH_IN];
  const float* const restrict trig = args->in[SH_TRIGGER];
  float* const restrict out        = args->out[0];
  float held                       = s->held;
  float prev                       = s->trig_prev;

  for (uint32_t i = 0; i < n; ++i) {
    if (prev <= 0.5f && trig[i] > 0.5f) {
      held = in[i];
    }
    prev   = trig[i];
    out[i] = held;
  }
  s->held      = held;
  s->trig_prev = prev;
}

const AetherNodeType aether_node_sample_hold = {
  .name      = "SampleHold",
  .label     = "Sample & hold",
  .comment   = "Holds the input's value from the last rising edge of the "
               "trigger.",
  .inputs    = sh_inputs,
  .n_inputs  = SH_N_INPUTS,
  .outputs   = sh_outputs,
  .n_outputs = 1,
  .size      = sizeof(SampleHold),
  .reset     = sh_reset,
  .process   = sh_process,
};
