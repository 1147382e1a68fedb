/* Aether: patches and engine graphs: describe a graph, make a graph equal to
   a patch, put or delete one node. Everything that can be checked is
   checked before the graph is touched, so a refused patch changes nothing;
   once editing starts, only running out of memory can stop it. */

#include "patch_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NODE_NS_LEN (sizeof(AETHER_PATCH_NODE_NS) - 1U)

static const AetherHandle no_handle = { 0, 0 };

/* Describing a graph */

AetherStatus
aether_patch_from_graph(const AetherGraph* const graph,
                        AetherPatch** const      out,
                        AetherError* const       err)
{
  *out               = NULL;
  AetherPatch* patch = aether_patch_new();
  if (!patch) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  AetherStatus st =
    aether_patch_set_voices(patch, aether_graph_voices(graph), err);
  uint32_t     cursor = 0;
  AetherHandle h;
  while (!st && aether_graph_next(graph, &cursor, &h)) {
    const AetherNodeType* const type = aether_graph_node_type(graph, h);
    AetherPatchNode             node;
    if ((st = aether_patch_node_init(
           &node, aether_graph_node_name(graph, h), type->name, err))) {
      break;
    }
    for (uint32_t p = 0; p < type->n_params; ++p) {
      node.params[p] = aether_graph_param(graph, h, p);
    }
    node.params_set = type->n_params >= 32U ? ~0U : (1U << type->n_params) - 1U;
    node.poly       = aether_graph_poly(graph, h);
    if (aether_graph_position(graph, h, &node.x, &node.y)) {
      node.layout_set = AETHER_PATCH_XY;
    }

    for (uint32_t k = 0; k < type->n_inputs; ++k) {
      AetherHandle src;
      uint32_t     src_out = 0;
      if (aether_graph_input(graph, h, k, &src, &src_out)) {
        const AetherNodeType* const st_type =
          aether_graph_node_type(graph, src);
        AetherPatchInput* const in = &node.inputs[k];
        strncpy(
          in->source, aether_graph_node_name(graph, src), AETHER_MAX_NAME - 1U);
        strncpy(
          in->output, st_type->outputs[src_out].name, AETHER_MAX_NAME - 1U);
        node.inputs_set |= 1U << k;
      }
    }
    st = aether_patch_add_node(patch, &node, err);
  }

  for (uint32_t i = 0; !st && i < aether_graph_n_macro_maps(graph); ++i) {
    const AetherMacroMap* const map  = aether_graph_macro_map(graph, i);
    const AetherNodeType* const type = aether_graph_node_type(graph, map->node);
    AetherPatchMacro            mac;
    memset(&mac, 0, sizeof(mac));
    mac.macro = map->macro;
    strncpy(
      mac.node, aether_graph_node_name(graph, map->node), AETHER_MAX_NAME - 1U);
    strncpy(mac.param, type->params[map->param].name, AETHER_MAX_NAME - 1U);
    mac.min   = map->min;
    mac.max   = map->max;
    mac.curve = map->curve;
    st        = aether_patch_add_macro(patch, &mac, err);
  }

  for (uint32_t i = 0; !st && i < aether_graph_n_cc_maps(graph); ++i) {
    const AetherCcMap* const    map  = aether_graph_cc_map(graph, i);
    const AetherNodeType* const type = aether_graph_node_type(graph, map->node);
    AetherPatchController       ctl;
    memset(&ctl, 0, sizeof(ctl));
    ctl.cc      = map->cc;
    ctl.channel = map->channel;
    strncpy(
      ctl.node, aether_graph_node_name(graph, map->node), AETHER_MAX_NAME - 1U);
    strncpy(ctl.param, type->params[map->param].name, AETHER_MAX_NAME - 1U);
    ctl.min   = map->min;
    ctl.max   = map->max;
    ctl.curve = map->curve;
    st        = aether_patch_add_controller(patch, &ctl, err);
  }

  if (st) {
    aether_patch_free(patch);
    return st;
  }
  *out = patch;
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_write(const AetherGraph* const graph,
                   char** const             text,
                   AetherError* const       err)
{
  AetherPatch* patch = NULL;
  *text              = NULL;
  AetherStatus st    = aether_patch_from_graph(graph, &patch, err);
  if (!st) {
    st = aether_patch_to_turtle(patch, text, err);
  }
  aether_patch_free(patch);
  return st;
}

/* Applying a patch */

typedef enum {
  FATE_KEEP,    /**< same name and type: the instance stays */
  FATE_ADD,     /**< a new name */
  FATE_REPLACE, /**< the graph's node of that name must go first */
} Fate;

typedef struct {
  const AetherPatch* patch;
  AetherGraph*       graph;
  PatchResolved      res;
  AetherHandle*      handles; /**< per patch node */
  uint8_t*           fates;   /**< per patch node: Fate */
  AetherHandle*      doomed;  /**< graph nodes to remove */
  uint32_t           n_doomed;
  uint32_t           n_added; /**< FATE_ADD nodes added so far */
} Apply;

static bool
same_handle(const AetherHandle a, const AetherHandle b)
{
  return a.index == b.index && a.generation == b.generation;
}

/* Is the mapping `map` of the graph also in the patch? */
static bool
map_in_patch(const Apply* const a, const AetherMacroMap* const map)
{
  for (uint32_t m = 0; m < a->patch->n_macros; ++m) {
    const uint32_t n = a->res.macro_node[m];
    if (a->patch->macros[m].macro == map->macro && a->fates[n] == FATE_KEEP &&
        same_handle(a->handles[n], map->node) &&
        a->res.macro_param[m] == map->param) {
      return true;
    }
  }
  return false;
}

/* Is the controller mapping `map` of the graph also in the patch? */
static bool
cc_map_in_patch(const Apply* const a, const AetherCcMap* const map)
{
  for (uint32_t c = 0; c < a->patch->n_controllers; ++c) {
    const AetherPatchController* const ctl = &a->patch->controllers[c];
    const uint32_t                     n   = a->res.ctl_node[c];
    if (ctl->cc == map->cc && ctl->channel == map->channel &&
        a->fates[n] == FATE_KEEP && same_handle(a->handles[n], map->node) &&
        a->res.ctl_param[c] == map->param) {
      return true;
    }
  }
  return false;
}

/* Decide each node's fate and which graph nodes go. */
static void
plan(Apply* const a)
{
  const AetherPatch* const patch = a->patch;
  const uint32_t           n     = patch->n_nodes;

  for (uint32_t i = 0; i < n; ++i) {
    const AetherPatchNode* const node = &patch->nodes[i];
    AetherHandle                 h;
    if (aether_graph_find(a->graph, node->name, &h)) {
      a->fates[i] = FATE_ADD;
    } else if (aether_graph_node_type(a->graph, h) == node->type) {
      a->fates[i]   = FATE_KEEP;
      a->handles[i] = h;
    } else {
      a->fates[i]              = FATE_REPLACE;
      a->doomed[a->n_doomed++] = h;
    }
  }

  /* Graph nodes the patch does not have. */
  uint32_t     cursor = 0;
  AetherHandle h;
  while (aether_graph_next(a->graph, &cursor, &h)) {
    if (patch_find_index(patch, aether_graph_node_name(a->graph, h)) ==
        PATCH_NONE) {
      a->doomed[a->n_doomed++] = h;
    }
  }
}

/* Drop the macro and controller mappings of kept nodes that the patch does
   not have (those of removed nodes go with them), so that only the patch's
   mappings remain and adding them cannot overflow the graph's tables. */
static AetherStatus
unmap_stale(Apply* const a, AetherError* const err)
{
  /* Backwards: unmapping moves the last mapping into the freed place. */
  for (uint32_t m = aether_graph_n_macro_maps(a->graph); m-- > 0U;) {
    const AetherMacroMap* const map = aether_graph_macro_map(a->graph, m);
    if (!map_in_patch(a, map)) {
      const AetherStatus st = aether_graph_unmap_macro(
        a->graph, map->macro, map->node, map->param, err);
      if (st) {
        return st;
      }
    }
  }
  for (uint32_t c = aether_graph_n_cc_maps(a->graph); c-- > 0U;) {
    const AetherCcMap* const map = aether_graph_cc_map(a->graph, c);
    if (!cc_map_in_patch(a, map)) {
      const AetherStatus st = aether_graph_unmap_cc(
        a->graph, map->cc, map->channel, map->node, map->param, err);
      if (st) {
        return st;
      }
    }
  }
  return AETHER_SUCCESS;
}

static AetherStatus
add_nodes(Apply* const a, const Fate fate, AetherError* const err)
{
  for (uint32_t i = 0; i < a->patch->n_nodes; ++i) {
    if (a->fates[i] == fate) {
      const AetherPatchNode* const node = &a->patch->nodes[i];
      const AetherStatus           st =
        aether_graph_add(a->graph, node->type, node->name, &a->handles[i], err);
      if (st) {
        return st;
      }
      a->n_added += fate == FATE_ADD;
    }
  }
  return AETHER_SUCCESS;
}

/* Take back the nodes added under new names (they never ran). */
static void
undo_adds(Apply* const a)
{
  for (uint32_t i = 0; i < a->patch->n_nodes && a->n_added; ++i) {
    if (a->fates[i] == FATE_ADD &&
        aether_graph_contains(a->graph, a->handles[i])) {
      aether_graph_remove(a->graph, a->handles[i], NULL);
      --a->n_added;
    }
  }
}

static AetherStatus
edit(Apply* const a, AetherError* const err)
{
  const AetherPatch* const patch = a->patch;
  AetherGraph* const       graph = a->graph;
  AetherStatus             st    = AETHER_SUCCESS;

  /* New names first: while nothing else has changed, a failure can still
     be taken back. The arena must have room for them next to the nodes
     that are about to go; if not, removal comes first. */
  uint32_t n_new = 0;
  for (uint32_t i = 0; i < patch->n_nodes; ++i) {
    n_new += a->fates[i] == FATE_ADD;
  }
  const bool room = aether_graph_n_nodes(graph) + n_new <= AETHER_MAX_NODES;
  if (room && (st = add_nodes(a, FATE_ADD, err))) {
    undo_adds(a);
    return st;
  }

  for (uint32_t d = 0; d < a->n_doomed; ++d) {
    if ((st = aether_graph_remove(graph, a->doomed[d], err))) {
      return st; /* out of memory */
    }
  }
  if ((st = unmap_stale(a, err))) {
    return st;
  }
  if ((!room && (st = add_nodes(a, FATE_ADD, err))) ||
      (st = add_nodes(a, FATE_REPLACE, err))) {
    return st; /* out of memory */
  }

  /* Drop every edge the patch does not have, so that the edges left are
     part of the final (acyclic) graph and no connection below can close a
     loop. */
  for (uint32_t i = 0; i < patch->n_nodes; ++i) {
    const AetherNodeType* const type = patch->nodes[i].type;
    for (uint32_t k = 0; k < type->n_inputs; ++k) {
      const size_t   e    = (size_t)i * AETHER_MAX_INPUTS + k;
      const uint32_t want = a->res.src[e];
      AetherHandle   src;
      uint32_t       out = 0;
      if (aether_graph_input(graph, a->handles[i], k, &src, &out) &&
          (want == PATCH_NONE || !same_handle(src, a->handles[want]) ||
           out != a->res.out[e])) {
        aether_graph_disconnect(graph, a->handles[i], k, NULL);
      }
    }
  }

  /* Connect in topological order of the destination: a node's outputs are
     not connected yet when its inputs are, so the graph's own cycle search
     from the destination ends at once. */
  for (uint32_t o = 0; o < patch->n_nodes; ++o) {
    const uint32_t              i    = a->res.order[o];
    const AetherNodeType* const type = patch->nodes[i].type;
    for (uint32_t k = 0; k < type->n_inputs; ++k) {
      const size_t   e    = (size_t)i * AETHER_MAX_INPUTS + k;
      const uint32_t want = a->res.src[e];
      AetherHandle   src;
      uint32_t       out = 0;
      if (want == PATCH_NONE ||
          (aether_graph_input(graph, a->handles[i], k, &src, &out) &&
           same_handle(src, a->handles[want]) && out == a->res.out[e])) {
        continue;
      }
      if ((st = aether_graph_connect(
             graph, a->handles[want], a->res.out[e], a->handles[i], k, err))) {
        return st; /* out of memory */
      }
    }
  }

  /* Parameters and the per-voice flags, only where they change. */
  for (uint32_t i = 0; i < patch->n_nodes; ++i) {
    const AetherPatchNode* const node = &patch->nodes[i];
    for (uint32_t p = 0; p < node->type->n_params; ++p) {
      if (aether_graph_param(graph, a->handles[i], p) != node->params[p] &&
          (st = aether_graph_set_param(
             graph, a->handles[i], p, node->params[p], err))) {
        return st;
      }
    }
    if (aether_graph_poly(graph, a->handles[i]) != node->poly &&
        (st = aether_graph_set_poly(graph, a->handles[i], node->poly, err))) {
      return st;
    }
    if ((st = node->layout_set
                ? aether_graph_set_position(
                    graph, a->handles[i], node->x, node->y, err)
                : aether_graph_clear_position(graph, a->handles[i], err))) {
      return st;
    }
  }
  if (aether_graph_voices(graph) != patch->voices &&
      (st = aether_graph_set_voices(graph, patch->voices, err))) {
    return st;
  }

  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    const AetherPatchMacro* const mac = &patch->macros[m];
    const AetherMacroMap          map = { mac->macro,
                                          a->handles[a->res.macro_node[m]],
                                          a->res.macro_param[m],
                                          mac->min,
                                          mac->max,
                                          mac->curve };
    if ((st = aether_graph_map_macro(graph, &map, err))) {
      return st;
    }
  }
  for (uint32_t c = 0; c < patch->n_controllers; ++c) {
    const AetherPatchController* const ctl = &patch->controllers[c];
    const AetherCcMap                  map = { ctl->cc,
                                               ctl->channel,
                                               a->handles[a->res.ctl_node[c]],
                                               a->res.ctl_param[c],
                                               ctl->min,
                                               ctl->max,
                                               ctl->curve };
    if ((st = aether_graph_map_cc(graph, &map, err))) {
      return st;
    }
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_apply(const AetherPatch* const patch,
                   AetherGraph* const       graph,
                   AetherError* const       err)
{
  Apply a;
  memset(&a, 0, sizeof(a));
  a.patch = patch;
  a.graph = graph;

  AetherStatus st = patch_resolve(patch, &a.res, err);
  if (st) {
    patch_resolved_free(&a.res);
    return st;
  }

  const size_t n = patch->n_nodes;
  a.handles      = (AetherHandle*)calloc(n + 1U, sizeof(AetherHandle));
  a.fates        = (uint8_t*)calloc(n + 1U, 1U);
  a.doomed       = (AetherHandle*)calloc(n + aether_graph_n_nodes(graph) + 1U,
                                   sizeof(AetherHandle));
  if (!a.handles || !a.fates || !a.doomed) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  } else {
    plan(&a);
    st = edit(&a, err);
  }

  free(a.handles);
  free(a.fates);
  free(a.doomed);
  patch_resolved_free(&a.res);
  return st;
}

/* One node */

/* Would `dst`'s new inputs from `srcs` close a loop through no delay node?
   Search forward from dst (edges from the graph, built once) for a source. */
static AetherStatus
check_put_cycle(const AetherGraph* const     graph,
                const AetherPatchNode* const node,
                const AetherHandle           dst,
                const AetherHandle* const    srcs,
                AetherError* const           err)
{
  if (node->type->flags & AETHER_NODE_DELAY) {
    return AETHER_SUCCESS;
  }

  /* Consumers of every slot, as a compressed adjacency list. */
  const size_t slots = AETHER_MAX_NODES;
  uint32_t*    first = (uint32_t*)calloc(slots + 2U, sizeof(uint32_t));
  uint32_t*    edges = (uint32_t*)malloc(
    ((size_t)aether_graph_n_edges(graph) + 1U) * sizeof(uint32_t));
  uint32_t*    stack = (uint32_t*)malloc((slots + 1U) * sizeof(uint32_t));
  uint8_t*     seen  = (uint8_t*)calloc(slots + 1U, 1U);
  AetherStatus st    = AETHER_SUCCESS;
  if (!first || !edges || !stack || !seen) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    goto done;
  }

  for (int pass = 0; pass < 2; ++pass) {
    uint32_t     cursor = 0;
    AetherHandle h;
    while (aether_graph_next(graph, &cursor, &h)) {
      const AetherNodeType* const t = aether_graph_node_type(graph, h);
      if (t->flags & AETHER_NODE_DELAY) {
        continue; /* edges into a delay do not count */
      }
      for (uint32_t k = 0; k < t->n_inputs; ++k) {
        AetherHandle src;
        uint32_t     out = 0;
        if (aether_graph_input(graph, h, k, &src, &out)) {
          if (pass == 0) {
            ++first[src.index + 1U];
          } else {
            edges[first[src.index]++] = h.index;
          }
        }
      }
    }
    if (pass == 0) {
      for (size_t i = 0; i < slots; ++i) {
        first[i + 1U] += first[i];
      }
    } else {
      for (size_t i = slots; i > 0; --i) {
        first[i] = first[i - 1U];
      }
      first[0] = 0;
    }
  }

  for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
    if (((node->inputs_set >> k) & 1U) && srcs[k].generation) {
      seen[srcs[k].index] = 2U; /* a target (not the node itself) */
    }
  }
  uint32_t top    = 0;
  stack[top++]    = dst.index;
  uint32_t found  = seen[dst.index] == 2U ? dst.index : UINT32_MAX;
  seen[dst.index] = 1U;
  while (top && found == UINT32_MAX) {
    const uint32_t v = stack[--top];
    for (uint32_t e = first[v]; e < first[v + 1U] && found == UINT32_MAX; ++e) {
      const uint32_t c = edges[e];
      if (seen[c] == 2U) {
        found = c;
      } else if (!seen[c]) {
        seen[c]      = 1U;
        stack[top++] = c;
      }
    }
  }

  if (found != UINT32_MAX) {
    for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
      if (((node->inputs_set >> k) & 1U) && srcs[k].index == found) {
        st = patch_error(err,
                         AETHER_ERR_CYCLE,
                         NULL,
                         node->inputs[k].pos,
                         "node \"%s\" (%s): ae:%s closes a cycle without a "
                         "delay node: \"%s\" depends on \"%s\"",
                         node->name,
                         node->type->name,
                         node->type->inputs[k].name,
                         node->inputs[k].source,
                         node->name);
        break;
      }
    }
  }

done:
  free(first);
  free(edges);
  free(stack);
  free(seen);
  return st;
}

AetherStatus
aether_patch_put_node(AetherGraph* const           graph,
                      const AetherPatchNode* const node,
                      AetherError* const           err)
{
  const AetherNodeType* const type     = node->type;
  const size_t                name_len = strnlen(node->name, AETHER_MAX_NAME);
  if (!type || !patch_valid_name(node->name, name_len)) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "invalid node (set it up with aether_patch_node_init)");
  }

  AetherHandle dst     = no_handle;
  const bool   present = !aether_graph_find(graph, node->name, &dst);
  if (present && aether_graph_node_type(graph, dst) != type) {
    return aether_error(err,
                        AETHER_ERR_DUPLICATE,
                        "node \"%s\" exists with type %s, not %s (delete it "
                        "first to change its type)",
                        node->name,
                        aether_graph_node_type(graph, dst)->name,
                        type->name);
  }

  for (uint32_t p = 0; p < type->n_params; ++p) {
    if (aether_param_check(&type->params[p], node->params[p])) {
      return patch_bad_value(
        node, &type->params[p], (double)node->params[p], NULL, node->pos, err);
    }
  }

  if (((node->layout_set & AETHER_PATCH_X) &&
       !(fabs((double)node->x) <= AETHER_PATCH_MAX_COORD)) ||
      ((node->layout_set & AETHER_PATCH_Y) &&
       !(fabs((double)node->y) <= AETHER_PATCH_MAX_COORD))) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "node \"%s\" (%s): a position must be from %g to %g",
                        node->name,
                        type->name,
                        -AETHER_PATCH_MAX_COORD,
                        AETHER_PATCH_MAX_COORD);
  }

  /* Sources: existing nodes, or this node itself (a delay feeding back). */
  AetherHandle srcs[AETHER_MAX_INPUTS];
  uint32_t     outs[AETHER_MAX_INPUTS] = { 0 };
  bool         self                    = false;
  for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
    srcs[k] = no_handle;
    if (!((node->inputs_set >> k) & 1U)) {
      continue;
    }
    if (k >= type->n_inputs) {
      return aether_error(err,
                          AETHER_ERR_BAD_PORT,
                          "node \"%s\" (%s): no input %u",
                          node->name,
                          type->name,
                          k);
    }

    const AetherPatchInput* const in  = &node->inputs[k];
    const char* const             ins = type->inputs[k].name;
    const AetherNodeType*         st  = NULL;
    if (!strcmp(in->source, node->name)) {
      self = true;
      st   = type;
    } else if (aether_graph_find(graph, in->source, &srcs[k])) {
      return patch_error(err,
                         AETHER_ERR_NOT_FOUND,
                         NULL,
                         in->pos,
                         "node \"%s\" (%s): ae:%s names node \"%s\", which "
                         "does not exist",
                         node->name,
                         type->name,
                         ins,
                         in->source);
    } else {
      st = aether_graph_node_type(graph, srcs[k]);
    }

    const int o =
      in->output[0] ? aether_node_type_output_index(st, in->output) : 0;
    if (o < 0 || (uint32_t)o >= st->n_outputs) {
      return patch_error(err,
                         AETHER_ERR_BAD_PORT,
                         NULL,
                         in->pos,
                         "node \"%s\" (%s): ae:%s names output \"%s\" of node "
                         "\"%s\" (%s), which has no such output",
                         node->name,
                         type->name,
                         ins,
                         in->output[0] ? in->output : "(first)",
                         in->source,
                         st->name);
    }
    outs[k] = (uint32_t)o;
  }

  if (self && !(type->flags & AETHER_NODE_DELAY)) {
    return aether_error(err,
                        AETHER_ERR_CYCLE,
                        "node \"%s\" (%s) reads its own output: a cycle "
                        "without a delay node",
                        node->name,
                        type->name);
  }

  AetherStatus st = AETHER_SUCCESS;
  if (present && (st = check_put_cycle(graph, node, dst, srcs, err))) {
    return st;
  }

  /* Checked: now edit. */
  if (!present && (st = aether_graph_add(graph, type, node->name, &dst, err))) {
    return st;
  }
  for (uint32_t k = 0; k < type->n_inputs; ++k) {
    const AetherHandle src  = srcs[k].generation ? srcs[k] : dst;
    const bool         want = (node->inputs_set >> k) & 1U;
    AetherHandle       cur;
    uint32_t           cur_out = 0;
    const bool         has = aether_graph_input(graph, dst, k, &cur, &cur_out);
    if (has && want && same_handle(cur, src) && cur_out == outs[k]) {
      continue;
    }
    if (has) {
      aether_graph_disconnect(graph, dst, k, NULL);
    }
    if (want && (st = aether_graph_connect(graph, src, outs[k], dst, k, err))) {
      return st; /* out of memory */
    }
  }
  for (uint32_t p = 0; p < type->n_params; ++p) {
    if (aether_graph_param(graph, dst, p) != node->params[p] &&
        (st = aether_graph_set_param(graph, dst, p, node->params[p], err))) {
      return st;
    }
  }
  if (aether_graph_poly(graph, dst) != node->poly &&
      (st = aether_graph_set_poly(graph, dst, node->poly, err))) {
    return st;
  }
  if (node->layout_set) {
    /* The coordinates given; one not given stays as it was. */
    float x = 0.0f;
    float y = 0.0f;
    aether_graph_position(graph, dst, &x, &y);
    if ((st = aether_graph_set_position(
           graph,
           dst,
           (node->layout_set & AETHER_PATCH_X) ? node->x : x,
           (node->layout_set & AETHER_PATCH_Y) ? node->y : y,
           err))) {
      return st;
    }
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_delete_node(AetherGraph* const graph,
                         const char* const  name,
                         AetherError* const err)
{
  const char* const bare = strncmp(name, AETHER_PATCH_NODE_NS, NODE_NS_LEN)
                             ? name
                             : name + NODE_NS_LEN;
  AetherHandle      h;
  if (aether_graph_find(graph, bare, &h)) {
    char q[PATCH_QUOTE_SIZE];
    return aether_error(err,
                        AETHER_ERR_NOT_FOUND,
                        "no node \"%s\"",
                        patch_quote(q, bare, strlen(bare)));
  }
  return aether_graph_remove(graph, h, err);
}
