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
  { "gain",
    "Gain",
    "",
    0,
    4,
    0.8f,
    0.02f,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Linear gain factor." },
};

/* out = in * g * cv; `g` per sample or constant, `cv` optional. Inlined
   with n = AETHER_BUFFER_SIZE below, so full blocks get a fixed trip count
   on aligned buffers: fully vectorized, no scalar tail. */
static inline void
gain_kernel(float* const restrict out,
            const float* const restrict in,
            const float* const restrict g,
            const float k,
            const float* const restrict cv,
            const uint32_t n)
{
  const float* const a =
    (const float*)__builtin_assume_aligned(in, AETHER_ALIGN);
  float* const y = (float*)__builtin_assume_aligned(out, AETHER_ALIGN);
  if (cv) {
    for (uint32_t i = 0; i < n; ++i) {
      y[i] = a[i] * g[i] * cv[i];
    }
  } else if (g) {
    for (uint32_t i = 0; i < n; ++i) {
      y[i] = a[i] * g[i];
    }
  } else {
    for (uint32_t i = 0; i < n; ++i) {
      y[i] = a[i] * k;
    }
  }
}

static void
gain_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  (void)self;
  const float* const cv =
    aether_input_connected(args, GAIN_CV) ? args->in[GAIN_CV] : NULL;
  const float* const g = (cv || aether_param_moving(args, GAIN_GAIN))
                           ? args->param[GAIN_GAIN]
                           : NULL;
  const float        k = args->param[GAIN_GAIN][0];
  if (n == AETHER_BUFFER_SIZE) {
    gain_kernel(args->out[0], args->in[GAIN_IN], g, k, cv, AETHER_BUFFER_SIZE);
  } else {
    gain_kernel(args->out[0], args->in[GAIN_IN], g, k, cv, n);
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
  .flags     = AETHER_NODE_SCALE,
  .process   = gain_process,
};
