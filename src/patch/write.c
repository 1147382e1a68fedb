/* Aether: writing a description as canonical Turtle.

   The canonical form is fixed here rather than left to serd's writer:
   serd 0.30 writes node:NAME.OUTPUT as a full <IRI> (it does not abbreviate
   local names with a '.') and its white space has changed between releases,
   which would make saved patches differ with the installed serd. Every
   token written is a name of [A-Za-z0-9_-], a name of the registry or a
   number, so nothing needs escaping; tests read every written patch back
   with serd.

   The form: the two prefixes, the patch (format version, the voice count
   when above 1, macro mappings sorted by macro, node and parameter, MIDI
   controller mappings sorted by controller, channel, node and parameter,
   each mapping with every property but a controller's channel 0), then
   every node sorted by name with `ae:poly true` if it runs per voice, its
   position `ae:x` and `ae:y` if it has one, all its parameters in registry
   order (defaults too: a saved patch keeps its sound if a default changes)
   and then its connected inputs in registry order. Tabs indent, as serd
   does. A node without a position is written exactly as before positions
   existed.

   ae:voices 1, ae:poly false and a controller's ae:channel 0 are left out:
   they are the format's own defaults (no polyphony, every channel), not the
   registry's, so they cannot change, and a patch without polyphony is
   written exactly as before they existed (older readers, saved sessions and
   version control see no change). */

#include "buf.h"
#include "patch_impl.h"

#include <stdlib.h>
#include <string.h>

/* node:NAME[.OUTPUT], or the full IRI for a name that starts with '-'
   (which a Turtle prefixed name cannot). */
static void
put_node_ref(PatchBuf* const   b,
             const char* const name,
             const char* const output)
{
  const bool full = name[0] == '-';
  patch_buf_puts(b, full ? "<" AETHER_PATCH_NODE_NS : "node:");
  patch_buf_puts(b, name);
  if (output) {
    patch_buf_puts(b, ".");
    patch_buf_puts(b, output);
  }
  patch_buf_puts(b, full ? ">" : "");
}

static void
put_param(PatchBuf* const              b,
          const AetherParamDesc* const desc,
          const float                  value)
{
  patch_buf_puts(b, " ;\n\tae:");
  patch_buf_puts(b, desc->name);
  patch_buf_puts(b, " ");
  switch (desc->kind) {
    case AETHER_PARAM_TOGGLE:
      patch_buf_puts(b, value != 0.0f ? "true" : "false");
      return;
    case AETHER_PARAM_ENUM:
      if (desc->choices) {
        patch_buf_puts(b, "ae:");
        patch_buf_puts(b, desc->choices[(uint32_t)value]);
        return;
      }
      break;
    case AETHER_PARAM_CONTINUOUS:
    case AETHER_PARAM_INTEGER:
      break;
  }
  patch_buf_put_float(b, value);
}

static void
put_node(PatchBuf* const            b,
         const AetherPatch* const   patch,
         const PatchResolved* const res,
         const uint32_t             i)
{
  const AetherPatchNode* const node = &patch->nodes[i];
  const AetherNodeType* const  type = node->type;

  patch_buf_puts(b, "\n");
  put_node_ref(b, node->name, NULL);
  patch_buf_puts(b, " a ae:");
  patch_buf_puts(b, type->name);
  if (node->poly) {
    patch_buf_puts(b, " ;\n\tae:poly true");
  }
  if (node->layout_set == AETHER_PATCH_XY) {
    patch_buf_puts(b, " ;\n\tae:x ");
    patch_buf_put_float(b, node->x);
    patch_buf_puts(b, " ;\n\tae:y ");
    patch_buf_put_float(b, node->y);
  }
  for (uint32_t p = 0; p < type->n_params; ++p) {
    put_param(b, &type->params[p], node->params[p]);
  }
  for (uint32_t k = 0; k < type->n_inputs; ++k) {
    const uint32_t s = res->src[(size_t)i * AETHER_MAX_INPUTS + k];
    if (s == PATCH_NONE) {
      continue;
    }
    const AetherNodeType* const st = patch->nodes[s].type;
    patch_buf_puts(b, " ;\n\tae:");
    patch_buf_puts(b, type->inputs[k].name);
    patch_buf_puts(b, " ");
    put_node_ref(/* name the output where there is a choice */
                 b,
                 patch->nodes[s].name,
                 st->n_outputs > 1U
                   ? st->outputs[res->out[(size_t)i * AETHER_MAX_INPUTS + k]]
                       .name
                   : NULL);
  }
  patch_buf_puts(b, " .\n");
}

static void
put_macro(PatchBuf* const b, const AetherPatchMacro* const mac)
{
  patch_buf_puts(b, " ;\n\tae:macro [\n\t\tae:index ");
  patch_buf_put_uint(b, mac->macro + 1U);
  patch_buf_puts(b, " ;\n\t\tae:node ");
  put_node_ref(b, mac->node, NULL);
  patch_buf_puts(b, " ;\n\t\tae:param ae:");
  patch_buf_puts(b, mac->param);
  patch_buf_puts(b, " ;\n\t\tae:min ");
  patch_buf_put_float(b, mac->min);
  patch_buf_puts(b, " ;\n\t\tae:max ");
  patch_buf_put_float(b, mac->max);
  patch_buf_puts(b, " ;\n\t\tae:curve ae:");
  patch_buf_puts(b, patch_curve_name(mac->curve));
  patch_buf_puts(b, "\n\t]");
}

static void
put_controller(PatchBuf* const b, const AetherPatchController* const ctl)
{
  patch_buf_puts(b, " ;\n\tae:controller [\n\t\tae:cc ");
  patch_buf_put_uint(b, ctl->cc);
  if (ctl->channel) {
    patch_buf_puts(b, " ;\n\t\tae:channel ");
    patch_buf_put_uint(b, ctl->channel);
  }
  patch_buf_puts(b, " ;\n\t\tae:node ");
  put_node_ref(b, ctl->node, NULL);
  patch_buf_puts(b, " ;\n\t\tae:param ae:");
  patch_buf_puts(b, ctl->param);
  patch_buf_puts(b, " ;\n\t\tae:min ");
  patch_buf_put_float(b, ctl->min);
  patch_buf_puts(b, " ;\n\t\tae:max ");
  patch_buf_put_float(b, ctl->max);
  patch_buf_puts(b, " ;\n\t\tae:curve ae:");
  patch_buf_puts(b, patch_curve_name(ctl->curve));
  patch_buf_puts(b, "\n\t]");
}

static int
compare_nodes(const void* const a, const void* const b)
{
  const AetherPatchNode* const x = *(const AetherPatchNode* const*)a;
  const AetherPatchNode* const y = *(const AetherPatchNode* const*)b;
  return strcmp(x->name, y->name);
}

/* A mapping's place in the canonical order: by what drives it (the macro,
   or the controller and channel), then by node name and parameter index. */
typedef struct {
  uint32_t    source;
  uint32_t    channel;
  const char* node;
  uint32_t    param;
  uint32_t    index;
} MapKey;

static int
compare_maps(const void* const a, const void* const b)
{
  const MapKey* const x = (const MapKey*)a;
  const MapKey* const y = (const MapKey*)b;
  if (x->source != y->source) {
    return x->source < y->source ? -1 : 1;
  }
  if (x->channel != y->channel) {
    return x->channel < y->channel ? -1 : 1;
  }
  const int c = strcmp(x->node, y->node);
  if (c) {
    return c;
  }
  return x->param < y->param ? -1 : x->param > y->param ? 1 : 0;
}

AetherStatus
aether_patch_to_turtle(const AetherPatch* const patch,
                       char** const             text,
                       AetherError* const       err)
{
  *text = NULL;

  PatchResolved res;
  AetherStatus  st = patch_resolve(patch, &res, err);
  if (st) {
    patch_resolved_free(&res);
    return st;
  }

  const AetherPatchNode** const sorted = (const AetherPatchNode**)malloc(
    ((size_t)patch->n_nodes + 1U) * sizeof(AetherPatchNode*));
  if (!sorted) {
    patch_resolved_free(&res);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  for (uint32_t i = 0; i < patch->n_nodes; ++i) {
    sorted[i] = &patch->nodes[i];
  }
  qsort(sorted, patch->n_nodes, sizeof(*sorted), compare_nodes);

  MapKey keys[AETHER_MAX_MACRO_MAPS];
  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    keys[m].source  = patch->macros[m].macro;
    keys[m].channel = 0U;
    keys[m].node    = patch->macros[m].node;
    keys[m].param   = res.macro_param[m];
    keys[m].index   = m;
  }
  qsort(keys, patch->n_macros, sizeof(MapKey), compare_maps);

  MapKey ctl_keys[AETHER_MAX_CC_MAPS];
  for (uint32_t c = 0; c < patch->n_controllers; ++c) {
    ctl_keys[c].source  = patch->controllers[c].cc;
    ctl_keys[c].channel = patch->controllers[c].channel;
    ctl_keys[c].node    = patch->controllers[c].node;
    ctl_keys[c].param   = res.ctl_param[c];
    ctl_keys[c].index   = c;
  }
  qsort(ctl_keys, patch->n_controllers, sizeof(MapKey), compare_maps);

  PatchBuf b = { NULL, 0, 0, false };
  patch_buf_puts(&b, "@prefix ae: <" AETHER_PATCH_NS "> .\n");
  patch_buf_puts(&b, "@prefix node: <" AETHER_PATCH_NODE_NS "> .\n\n");
  patch_buf_puts(&b, "<> a ae:Patch ;\n\tae:formatVersion ");
  patch_buf_put_uint(&b, AETHER_PATCH_FORMAT_VERSION);
  if (patch->voices > 1U) {
    patch_buf_puts(&b, " ;\n\tae:voices ");
    patch_buf_put_uint(&b, patch->voices);
  }
  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    put_macro(&b, &patch->macros[keys[m].index]);
  }
  for (uint32_t c = 0; c < patch->n_controllers; ++c) {
    put_controller(&b, &patch->controllers[ctl_keys[c].index]);
  }
  patch_buf_puts(&b, " .\n");
  for (uint32_t i = 0; i < patch->n_nodes; ++i) {
    put_node(&b, patch, &res, (uint32_t)(sorted[i] - patch->nodes));
  }

  free(sorted);
  patch_resolved_free(&res);
  if (b.failed) {
    free(b.data);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  *text = b.data;
  return AETHER_SUCCESS;
}
