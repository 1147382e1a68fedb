/* macro.c: one of the host's macro controls (ports macro1..macro8) as a
   signal, scaled into a range. */

#include "node_util.h"

enum { MACRO_INDEX, MACRO_MIN, MACRO_MAX, MACRO_N_PARAMS };

static const AetherParamDesc macro_params[] = {
  { "index",
    "Macro",
    "",
    1,
    AETHER_N_MACROS,
    1,
    0,
    AETHER_PARAM_INTEGER,
    NULL,
    "Which host macro control (1 to 8)." },
  { "min",
    "Minimum",
    "",
    -20000,
    20000,
    0,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Output when the macro is at 0." },
  { "max",
    "Maximum",
    "",
    -20000,
    20000,
    1,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Output when the macro is at 1." },
};

static const AetherPortDesc macro_outputs[] = {
  { "out", "Output", "min + macro * (max - min)" },
};

/* Host controls are already stepped at sub-block boundaries by the plugin;
   the value is constant within a block, so a fill is all the work. */
static void
macro_process(void* const                    self,
              const AetherProcessArgs* const args,
              const uint32_t                 n)
{
  (void)self;
  const int   index = (int)aether_param0(args, MACRO_INDEX) - 1;
  const float v     = args->ctx->macros[index < 0 ? 0 : index];
  aether_fill_scaled(args, MACRO_MIN, MACRO_MAX, v, n);
}

const AetherNodeType aether_node_macro = {
  .name      = "Macro",
  .label     = "Macro",
  .comment   = "A host macro control (0 to 1) as a signal scaled into "
               "[min, max].",
  .outputs   = macro_outputs,
  .n_outputs = 1,
  .params    = macro_params,
  .n_params  = MACRO_N_PARAMS,
  .process   = macro_process,
};
