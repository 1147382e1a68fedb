/* math.c: arithmetic on signals: add, multiply, scale and offset, clamp,
   absolute value, crossfade. */

#include "node_util.h"

enum { MATH_A, MATH_B, MATH_MIX_CV, MATH_N_INPUTS };
enum {
  MATH_OP,
  MATH_SCALE,
  MATH_OFFSET,
  MATH_MIN,
  MATH_MAX,
  MATH_MIX,
  MATH_N_PARAMS
};
enum { OP_ADD, OP_MULTIPLY, OP_SCALE_OFFSET, OP_CLAMP, OP_ABS, OP_CROSSFADE };

/* clang-format off */
static const char* const math_ops[] = {
  "add", "multiply", "scale_offset", "clamp", "abs", "crossfade", NULL
};

static const AetherPortDesc math_inputs[] = {
  { "a", "A", "First operand" },
  { "b", "B", "Second operand (add, multiply, crossfade)" },
  { "mix_cv", "Mix CV",
    "Added to mix for crossfade when connected, the sum clamped to 0 .. 1" },
};

static const AetherPortDesc math_outputs[] = {
  { "out", "Output", "The result of op" },
};

static const AetherParamDesc math_params[] = {
  { "op", "Operation", "", 0, 5, 0, 0, AETHER_PARAM_ENUM, math_ops,
    "add: a + b; multiply: a * b; scale_offset: a * scale + offset; clamp: a "
    "limited to [min, max]; abs: |a|; crossfade: a * (1 - m) + b * m with m "
    "= mix (+ mix_cv) clamped to 0 .. 1." },
  { "scale", "Scale", "", -100, 100, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Factor of scale_offset." },
  { "offset", "Offset", "", -20000, 20000, 0, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Constant added by scale_offset." },
  { "min", "Minimum", "", -20000, 20000, -1, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Lower limit of clamp (the limits are swapped if min > max)." },
  { "max", "Maximum", "", -20000, 20000, 1, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Upper limit of clamp." },
  { "mix", "Mix", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Crossfade position: 0 is a, 1 is b." },
};
/* clang-format on */

static inline int
math_op_index(const float v)
{
  const int op = (int)(v + 0.5f);
  return op < 0 ? 0 : (op > OP_CROSSFADE ? OP_CROSSFADE : op);
}

/* Frames [from, to) with one operation. */
static void
math_run(const int                      op,
         const AetherProcessArgs* const args,
         const uint32_t                 from,
         const uint32_t                 to)
{
  const float* const restrict a     = args->in[MATH_A];
  const float* const restrict b     = args->in[MATH_B];
  const float* const restrict cv    = args->in[MATH_MIX_CV];
  const float* const restrict scale = args->param[MATH_SCALE];
  const float* const restrict off   = args->param[MATH_OFFSET];
  const float* const restrict lo    = args->param[MATH_MIN];
  const float* const restrict hi    = args->param[MATH_MAX];
  const float* const restrict mix   = args->param[MATH_MIX];
  float* const restrict out         = args->out[0];

  switch (op) {
    case OP_ADD:
      for (uint32_t i = from; i < to; ++i) {
        out[i] = a[i] + b[i];
      }
      break;
    case OP_MULTIPLY:
      for (uint32_t i = from; i < to; ++i) {
        out[i] = a[i] * b[i];
      }
      break;
    case OP_SCALE_OFFSET:
      for (uint32_t i = from; i < to; ++i) {
        out[i] = a[i] * scale[i] + off[i];
      }
      break;
    case OP_CLAMP:
      for (uint32_t i = from; i < to; ++i) {
        const float l = lo[i] < hi[i] ? lo[i] : hi[i];
        const float h = lo[i] < hi[i] ? hi[i] : lo[i];
        out[i]        = aether_clampf(a[i], l, h);
      }
      break;
    case OP_ABS:
      for (uint32_t i = from; i < to; ++i) {
        out[i] = fabsf(a[i]);
      }
      break;
    default: /* crossfade; unconnected mix_cv reads 0 */
      for (uint32_t i = from; i < to; ++i) {
        const float m = aether_clampf(mix[i] + cv[i], 0.0f, 1.0f);
        out[i]        = a[i] * (1.0f - m) + b[i] * m; /* exact at 0 and 1 */
      }
      break;
  }
}

static void
math_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  (void)self;
  const float* const op = args->param[MATH_OP];
  if (!aether_param_moving(args, MATH_OP)) {
    math_run(math_op_index(op[0]), args, 0, n);
    return;
  }
  /* the operation changes within the block: runs of equal op */
  for (uint32_t i = 0; i < n;) {
    const int k = math_op_index(op[i]);
    uint32_t  j = i + 1;
    while (j < n && math_op_index(op[j]) == k) {
      ++j;
    }
    math_run(k, args, i, j);
    i = j;
  }
}

const AetherNodeType aether_node_math = {
  .name      = "Math",
  .label     = "Math",
  .comment   = "Arithmetic on signals: a + b, a * b, a * scale + offset, a "
               "clamped to [min, max], |a|, or a crossfade from a to b.",
  .inputs    = math_inputs,
  .n_inputs  = MATH_N_INPUTS,
  .outputs   = math_outputs,
  .n_outputs = 1,
  .params    = math_params,
  .n_params  = MATH_N_PARAMS,
  .process   = math_process,
};
