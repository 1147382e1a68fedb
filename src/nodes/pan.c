/* pan.c: equal-power mono panner (-3 dB at the centre). */

#include "node_util.h"

#include <stdbool.h>

enum { PAN_IN, PAN_CV, PAN_N_INPUTS };
enum { PAN_LEFT, PAN_RIGHT, PAN_N_OUTPUTS };
enum { PAN_PAN, PAN_N_PARAMS };

/* clang-format off */
static const AetherPortDesc pan_inputs[] = {
  { "in", "Input", "Mono signal" },
  { "pan_cv", "Pan CV", "Added to the pan position (the sum is clamped)" },
};

static const AetherPortDesc pan_outputs[] = {
  { "left", "Left", "in * cos(theta)" },
  { "right", "Right", "in * sin(theta), theta = (pan + 1) * pi / 4" },
};

static const AetherParamDesc pan_params[] = {
  { "pan", "Pan", "", -1, 1, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Position from -1 (left) through 0 (centre, both at -3 dB) to 1 "
    "(right)." },
};
/* clang-format on */

/* sin(pi/2 * x) for x in [0, 1]: Taylor polynomial to degree 11 (error
   < 1e-7), odd so that x = 0 gives exactly 0. */
static inline float
pan_sin(const float x)
{
  const float y  = (float)(AETHER_PI * 0.5) * x;
  const float y2 = y * y;
  return y * (1.0f + y2 * (-1.0f / 6.0f +
                           y2 * (1.0f / 120.0f +
                                 y2 * (-1.0f / 5040.0f +
                                       y2 * (1.0f / 362880.0f +
                                             y2 * (-1.0f / 39916800.0f))))));
}

/* Gains for position `p` (clamped; NaN is the centre). The left gain is
   sin of the mirrored angle, so hard left and right give exact zeros. */
static inline void
pan_gains(const float p, float* const l, float* const r)
{
  const float x =
    p > -1.0f ? (p < 1.0f ? p : 1.0f) : (p <= -1.0f ? -1.0f : 0.0f);
  *l = pan_sin(0.5f * (1.0f - x));
  *r = pan_sin(0.5f * (1.0f + x));
}

static void
pan_process(void* const                    self,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  (void)self;
  const float* const restrict in  = args->in[PAN_IN];
  const float* const restrict pan = args->param[PAN_PAN];
  float* const restrict outl      = args->out[PAN_LEFT];
  float* const restrict outr      = args->out[PAN_RIGHT];

  if (aether_input_connected(args, PAN_CV)) {
    const float* const restrict cv = args->in[PAN_CV];
    for (uint32_t t = 0; t < n; ++t) {
      float l = 0.0f;
      float r = 0.0f;
      pan_gains(pan[t] + cv[t], &l, &r);
      outl[t] = in[t] * l;
      outr[t] = in[t] * r;
    }
  } else if (aether_param_moving(args, PAN_PAN)) {
    for (uint32_t t = 0; t < n; ++t) {
      float l = 0.0f;
      float r = 0.0f;
      pan_gains(pan[t], &l, &r);
      outl[t] = in[t] * l;
      outr[t] = in[t] * r;
    }
  } else {
    float l = 0.0f;
    float r = 0.0f;
    pan_gains(pan[0], &l, &r);
    for (uint32_t t = 0; t < n; ++t) {
      outl[t] = in[t] * l;
      outr[t] = in[t] * r;
    }
  }
}

const AetherNodeType aether_node_pan = {
  .name      = "Pan",
  .label     = "Pan",
  .comment   = "Places a mono signal in the stereo field with an equal-power "
               "law: the two gains' squares always sum to 1.",
  .inputs    = pan_inputs,
  .n_inputs  = PAN_N_INPUTS,
  .outputs   = pan_outputs,
  .n_outputs = PAN_N_OUTPUTS,
  .params    = pan_params,
  .n_params  = PAN_N_PARAMS,
  .process   = pan_process,
};
