/* mixer.c: eight-input mono mixer with a gain per input and a master gain. */

#include "node_util.h"

#include <stdbool.h>

enum { MIXER_N_INPUTS = 8 };
enum { MIXER_MASTER = MIXER_N_INPUTS, MIXER_N_PARAMS };

/* clang-format off */
static const AetherPortDesc mixer_inputs[] = {
  { "in1", "Input 1", "Signal scaled by gain1" },
  { "in2", "Input 2", "Signal scaled by gain2" },
  { "in3", "Input 3", "Signal scaled by gain3" },
  { "in4", "Input 4", "Signal scaled by gain4" },
  { "in5", "Input 5", "Signal scaled by gain5" },
  { "in6", "Input 6", "Signal scaled by gain6" },
  { "in7", "Input 7", "Signal scaled by gain7" },
  { "in8", "Input 8", "Signal scaled by gain8" },
};

static const AetherPortDesc mixer_outputs[] = {
  { "out", "Output", "master * (gain1 * in1 + ... + gain8 * in8)" },
};

#define MIXER_GAIN(i)                                                          \
  { "gain" #i, "Gain " #i, "", 0, 4, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,  \
    "Linear gain of input " #i "." }

static const AetherParamDesc mixer_params[] = {
  MIXER_GAIN(1), MIXER_GAIN(2), MIXER_GAIN(3), MIXER_GAIN(4),
  MIXER_GAIN(5), MIXER_GAIN(6), MIXER_GAIN(7), MIXER_GAIN(8),
  { "master", "Master", "", 0, 4, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Linear gain of the sum." },
};
/* clang-format on */

/* Sums in input order, one input per pass; unconnected inputs cost
   nothing. */
static void
mixer_passes(const AetherProcessArgs* const args, const uint32_t n)
{
  float* const restrict out = args->out[0];
  bool first                = true;
  for (uint32_t i = 0; i < MIXER_N_INPUTS; ++i) {
    if (!aether_input_connected(args, i)) {
      continue;
    }
    const float* const restrict in = args->in[i];
    const float* const restrict g  = args->param[i];
    if (aether_param_moving(args, i)) {
      if (first) {
        for (uint32_t t = 0; t < n; ++t) {
          out[t] = in[t] * g[t];
        }
      } else {
        for (uint32_t t = 0; t < n; ++t) {
          out[t] += in[t] * g[t];
        }
      }
    } else {
      const float k = g[0];
      if (first) {
        for (uint32_t t = 0; t < n; ++t) {
          out[t] = in[t] * k;
        }
      } else {
        for (uint32_t t = 0; t < n; ++t) {
          out[t] += in[t] * k;
        }
      }
    }
    first = false;
  }

  if (first) {
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = 0.0f;
    }
    return;
  }

  const float* const restrict m = args->param[MIXER_MASTER];
  if (aether_param_moving(args, MIXER_MASTER)) {
    for (uint32_t t = 0; t < n; ++t) {
      out[t] *= m[t];
    }
  } else if (m[0] != 1.0f) { /* times 1 is exact: skip it */
    const float k = m[0];
    for (uint32_t t = 0; t < n; ++t) {
      out[t] *= k;
    }
  }
}

/* out = (a * ka + b * kb) * km, skipping a master of 1 (times 1 is exact):
   the operations of two passes, in their order, in one. */
static inline void
mixer_two(float* const restrict out,
          const float* const restrict a,
          const float ka,
          const float* const restrict b,
          const float    kb,
          const float    km,
          const uint32_t n)
{
  if (km == 1.0f) {
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = a[t] * ka + b[t] * kb;
    }
  } else {
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = (a[t] * ka + b[t] * kb) * km;
    }
  }
}

/* Two inputs connected and no gain moving (a crossfade, a send, most of a
   large graph): one pass over the block, bit-identical to the passes. */
static void
mixer_process(void* const                    self,
              const AetherProcessArgs* const args,
              const uint32_t                 n)
{
  (void)self;
  const uint32_t c    = args->connected & ((1U << MIXER_N_INPUTS) - 1U);
  const uint32_t rest = c & (c - 1U); /* without the first input */
  if (args->moving || !rest || (rest & (rest - 1U))) {
    mixer_passes(args, n);
    return;
  }

  const uint32_t     i  = (uint32_t)__builtin_ctz(c);
  const uint32_t     j  = (uint32_t)__builtin_ctz(rest);
  const float* const a  = args->in[i];
  const float* const b  = args->in[j];
  const float        ka = args->param[i][0];
  const float        kb = args->param[j][0];
  const float        km = args->param[MIXER_MASTER][0];
  if (n == AETHER_BUFFER_SIZE) { /* a whole block: a fixed trip count */
    mixer_two(args->out[0], a, ka, b, kb, km, AETHER_BUFFER_SIZE);
  } else {
    mixer_two(args->out[0], a, ka, b, kb, km, n);
  }
}

const AetherNodeType aether_node_mixer = {
  .name      = "Mixer",
  .label     = "Mixer",
  .comment   = "Mixes up to eight mono signals, each with its own gain, "
               "through a master gain.",
  .inputs    = mixer_inputs,
  .n_inputs  = MIXER_N_INPUTS,
  .outputs   = mixer_outputs,
  .n_outputs = 1,
  .params    = mixer_params,
  .n_params  = MIXER_N_PARAMS,
  .process   = mixer_process,
};
