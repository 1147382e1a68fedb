/* gain.c: gain / VCA. The output is in * gain * (cv when connected). */

#include "node_util.h"

enum { GAIN_IN, GAIN_CV, GAIN_N_INPUTS };
enum { GAIN_GAIN, GAIN_N_PARAMS };

static const AetherPortDesc gain_inputs[] = {
  { "in", "Input", "Signal" },
  { "cv", "Control", "Multiplies the gain when connected (a VCA)" },
};

static const AetherPortDesc gain_outputs[] = {
  { "out", "Output", "Scaled signal" },
};

static const AetherParamDesc gain_params[] = {
  { "gain", "Gain", "", 0, 4, 0.8f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Linear gain factor." },
};

static void
gain_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  (void)self;
  const float* const restrict in  = args->in[GAIN_IN];
  float* const restrict       out = args->out[0];
  const float* const restrict g   = args->param[GAIN_GAIN];

  if (aether_input_connected(args, GAIN_CV)) {
    const float* const restrict cv = args->in[GAIN_CV];
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = in[i] * g[i] * cv[i];
    }
  } else if (aether_param_moving(args, GAIN_GAIN)) {
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = in[i] * g[i];
    }
  } else {
    const float k = g[0];
    for (uint32_t i = 0; i < n; ++i) {
      out[i] = in[i] * k;
    }
  }
}

const AetherNodeType aether_node_gain = {
  .name      = "Gain",
  .label     = "Gain / VCA",
  .comment   = "Multiplies its input by a gain, and by a control signal when "
               "one is connected.",
  .inputs    = gain_inputs,
  .n_inputs  = GAIN_N_INPUTS,
  .outputs   = gain_outputs,
  .n_outputs = 1,
  .params    = gain_params,
  .n_params  = GAIN_N_PARAMS,
  .process   = gain_process,
};
