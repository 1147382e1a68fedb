/* Aether: node type descriptor lookups and parameter checks. */

#include "node.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int
port_index(const AetherPortDesc* const ports,
           const uint32_t              n,
           const char* const           name)
{
  for (uint32_t i = 0; i < n; ++i) {
    if (!strcmp(ports[i].name, name)) {
      return (int)i;
    }
  }
  return -1;
}

int
aether_node_type_param_index(const AetherNodeType* const type,
                             const char* const           name)
{
  for (uint32_t i = 0; i < type->n_params; ++i) {
    if (!strcmp(type->params[i].name, name)) {
      return (int)i;
    }
  }
  return -1;
}

int
aether_node_type_input_index(const AetherNodeType* const type,
                             const char* const           name)
{
  return port_index(type->inputs, type->n_inputs, name);
}

int
aether_node_type_output_index(const AetherNodeType* const type,
                              const char* const           name)
{
  return port_index(type->outputs, type->n_outputs, name);
}

AetherStatus
aether_param_check(const AetherParamDesc* const desc, const float value)
{
  if (!isfinite(value) || value < desc->min || value > desc->max) {
    return AETHER_ERR_BAD_VALUE;
  }
  if (desc->kind != AETHER_PARAM_CONTINUOUS && value != floorf(value)) {
    return AETHER_ERR_BAD_VALUE;
  }
  return AETHER_SUCCESS;
}

void
aether_param_explain(const AetherParamDesc* const desc,
                     const char* const            node,
                     const float                  value,
                     char* const                  buf,
                     const size_t                 size)
{
  if (!isfinite(value)) {
    snprintf(buf,
             size,
             "%.63s.%.63s: %g is not a valid value",
             node,
             desc->name,
             (double)value);
    return;
  }
  snprintf(buf,
           size,
           "%.63s.%.63s: %g is out of range (%g to %g%s)",
           node,
           desc->name,
           (double)value,
           (double)desc->min,
           (double)desc->max,
           desc->kind == AETHER_PARAM_CONTINUOUS ? "" : ", whole numbers");
}
