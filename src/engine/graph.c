/* Aether: the editable graph (control side). Every edit is checked first and
   then applied whole, so a refused edit leaves the graph as it was. */

#include "graph_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_DELETED UINT32_MAX

/* Name hash table (open addressing, linear probing) */

static uint32_t
name_hash(const char* const name)
{
  uint32_t h = 2166136261U; /* FNV-1a */
  for (const char* c = name; *c; ++c) {
    h = (h ^ (uint8_t)*c) * 16777619U;
  }
  return h;
}

static uint32_t
name_lookup(const AetherGraph* const graph, const char* const name)
{
  const uint32_t mask = graph->name_cap - 1U;
  for (uint32_t i = name_hash(name) & mask;; i = (i + 1U) & mask) {
    const uint32_t e = graph->names[i];
    if (!e) {
      return UINT32_MAX;
    }
    if (e != NAME_DELETED && !strcmp(graph->nodes[e - 1U].name, name)) {
      return i;
    }
  }
}

static void
name_insert_raw(AetherGraph* const graph, const uint32_t slot)
{
  const uint32_t mask = graph->name_cap - 1U;
  uint32_t       i    = name_hash(graph->nodes[slot].name) & mask;
  while (graph->names[i] && graph->names[i] != NAME_DELETED) {
    i = (i + 1U) & mask;
  }
  if (!graph->names[i]) {
    ++graph->name_used;
  }
  graph->names[i] = slot + 1U;
}

/* Rebuild without tombstones when they pile up (add/remove churn). */
static void
name_rehash(AetherGraph* const graph)
{
  memset(graph->names, 0, graph->name_cap * sizeof(uint32_t));
  graph->name_used = 0;
  for (uint32_t s = 0; s < graph->arena.end; ++s) {
    if (graph->nodes[s].inst) {
      name_insert_raw(graph, s);
    }
  }
}

static void
name_insert(AetherGraph* const graph, const uint32_t slot)
{
  if (graph->name_used + 1U > graph->name_cap / 2U) {
    name_rehash(graph);
  }
  name_insert_raw(graph, slot);
}

static void
name_remove(AetherGraph* const graph, const char* const name)
{
  const uint32_t i = name_lookup(graph, name);
  if (i != UINT32_MAX) {
    graph->names[i] = NAME_DELETED;
  }
}

/* Lifetime */

AetherGraph*
aether_graph_new(const double rate)
{
  AetherGraph* const graph = (AetherGraph*)calloc(1, sizeof(AetherGraph));
  if (!graph) {
    return NULL;
  }

  uint32_t cap = 1;
  while (cap < AETHER_MAX_NODES * 2U) {
    cap <<= 1U;
  }

  graph->rate        = rate;
  graph->voices      = 1;
  graph->name_cap    = cap;
  graph->names       = (uint32_t*)calloc(cap, sizeof(uint32_t));
  graph->nodes       = (GraphNode*)calloc(AETHER_MAX_NODES, sizeof(GraphNode));
  graph->mark        = (uint32_t*)calloc(AETHER_MAX_NODES, sizeof(uint32_t));
  graph->parent      = (uint32_t*)calloc(AETHER_MAX_NODES, sizeof(uint32_t));
  graph->stack       = (uint32_t*)calloc(AETHER_MAX_NODES, sizeof(uint32_t));
  graph->next_serial = 1;
  if (!graph->names || !graph->nodes || !graph->mark || !graph->parent ||
      !graph->stack || aether_arena_init(&graph->arena, AETHER_MAX_NODES)) {
    aether_graph_free(graph);
    return NULL;
  }
  return graph;
}

void
aether_graph_free(AetherGraph* const graph)
{
  if (!graph) {
    return;
  }
  if (graph->nodes) {
    for (uint32_t s = 0; s < graph->arena.capacity; ++s) {
      aether_instance_free(graph->nodes[s].inst);
      for (uint32_t v = 1; v < AETHER_MAX_VOICES; ++v) {
        aether_instance_free(graph->nodes[s].voice_inst[v]);
      }
      free(graph->nodes[s].consumers);
    }
  }
  for (uint32_t i = 0; i < graph->n_graveyard; ++i) {
    aether_instance_free(graph->graveyard[i]);
  }
  aether_arena_destroy(&graph->arena);
  free(graph->graveyard);
  free(graph->names);
  free(graph->nodes);
  free(graph->mark);
  free(graph->parent);
  free(graph->stack);
  free(graph);
}

double
aether_graph_rate(const AetherGraph* const graph)
{
  return graph->rate;
}

/* Consumers (edges seen from their source) */

static AetherStatus
consumer_add(GraphNode* const src, const uint32_t node, const uint32_t input)
{
  if (src->n_consumers == src->cap_consumers) {
    const uint32_t cap = src->cap_consumers ? src->cap_consumers * 2U : 4U;
    GraphConsumer* const c =
      (GraphConsumer*)realloc(src->consumers, cap * sizeof(GraphConsumer));
    if (!c) {
      return AETHER_ERR_NO_MEMORY;
    }
    src->consumers     = c;
    src->cap_consumers = cap;
  }
  src->consumers[src->n_consumers++] = (GraphConsumer){ node, input };
  return AETHER_SUCCESS;
}

static void
consumer_remove(GraphNode* const src, const uint32_t node, const uint32_t input)
{
  for (uint32_t i = 0; i < src->n_consumers; ++i) {
    if (src->consumers[i].node == node && src->consumers[i].input == input) {
      src->consumers[i] = src->consumers[--src->n_consumers];
      return;
    }
  }
}

static void
input_clear(AetherGraph* const graph, const uint32_t slot, const uint32_t in)
{
  GraphNode* const n = &graph->nodes[slot];
  if (aether_graph_edge_set(n->src[in])) {
    consumer_remove(&graph->nodes[n->src[in].index], slot, in);
    n->src[in] = (AetherHandle){ 0, 0 };
    --graph->n_edges;
  }
}

/* Edits */

static bool
name_is_valid(const char* const name)
{
  const size_t len = strlen(name);
  if (!len || len >= AETHER_MAX_NAME) {
    return false;
  }
  for (size_t i = 0; i < len; ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

static bool
same_handle(const AetherHandle a, const AetherHandle b)
{
  return a.index == b.index && a.generation == b.generation;
}

/* The live node behind `h` in `*node`, or an error. */
static AetherStatus
live_node(const AetherGraph* const graph,
          const AetherHandle       h,
          GraphNode** const        node,
          AetherError* const       err)
{
  *node = aether_graph_node(graph, h);
  return *node ? AETHER_SUCCESS
               : aether_error(err, AETHER_ERR_BAD_HANDLE, "no such node");
}

/* Refuse input, output or parameter (`what`) `i` that node `n` lacks. */
static AetherStatus
no_index(const GraphNode* const n,
         const AetherStatus     status,
         const char* const      what,
         const uint32_t         i,
         AetherError* const     err)
{
  return aether_error(err,
                      status,
                      "node \"%s\" (%s) has no %s %u",
                      n->name,
                      n->type->name,
                      what,
                      i);
}

/* Check port `i` of the `count` inputs or outputs (`what`) of node `n`. */
static AetherStatus
check_port(const GraphNode* const n,
           const char* const      what,
           const uint32_t         i,
           const uint32_t         count,
           AetherError* const     err)
{
  return i < count ? AETHER_SUCCESS
                   : no_index(n, AETHER_ERR_BAD_PORT, what, i, err);
}

/* Check that node `n` has parameter `param`. */
static AetherStatus
check_param(const GraphNode* const n,
            const uint32_t         param,
            AetherError* const     err)
{
  return param < n->type->n_params
           ? AETHER_SUCCESS
           : no_index(n, AETHER_ERR_BAD_PARAM, "parameter", param, err);
}

AetherStatus
aether_graph_add(AetherGraph* const          graph,
                 const AetherNodeType* const type,
                 const char* const           name,
                 AetherHandle* const         handle,
                 AetherError* const          err)
{
  if (!type) {
    return aether_error(err, AETHER_ERR_UNKNOWN_TYPE, "no node type given");
  }
  if (!name || !name_is_valid(name)) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "invalid node name \"%.80s\": use 1 to %d letters, "
                        "digits, '_' or '-'",
                        name ? name : "",
                        AETHER_MAX_NAME - 1);
  }
  if (name_lookup(graph, name) != UINT32_MAX) {
    return aether_error(
      err, AETHER_ERR_DUPLICATE, "a node called \"%s\" exists already", name);
  }
  if (graph->arena.n_live >= graph->arena.capacity) {
    return aether_error(
      err, AETHER_ERR_FULL, "too many nodes: at most %d", AETHER_MAX_NODES);
  }

  AetherInstance*    inst = NULL;
  const AetherStatus st =
    aether_instance_new(type, graph->rate, graph->next_serial, &inst);
  if (st) {
    return aether_error(err,
                        st,
                        "could not create node \"%s\" of type %s: %s",
                        name,
                        type->name,
                        aether_status_string(st));
  }

  AetherHandle h = { 0, 0 };
  aether_arena_alloc(&graph->arena, &h); /* cannot fail: checked above */
  ++graph->next_serial;

  GraphNode* const n = &graph->nodes[h.index];
  n->inst            = inst;
  n->type            = type;
  n->sent            = 0;
  n->poly            = false;
  n->placed          = false;
  n->x               = 0.0f;
  n->y               = 0.0f;
  n->param_dirty     = 0;
  memset(n->voice_inst, 0, sizeof(n->voice_inst));
  n->n_consumers = 0;
  memset(n->src, 0, sizeof(n->src));
  memset(n->src_out, 0, sizeof(n->src_out));
  snprintf(n->name, sizeof(n->name), "%s", name);
  aether_instance_name(inst, name, 0U);
  inst->slot       = h.index;
  inst->generation = h.generation;
  for (uint32_t i = 0; i < type->n_params; ++i) {
    n->params[i] = type->params[i].def;
  }
  name_insert(graph, h.index);

  if (handle) {
    *handle = h;
  }
  return AETHER_SUCCESS;
}

static AetherStatus
bury(AetherGraph* const graph, AetherInstance* const inst)
{
  if (graph->n_graveyard == graph->cap_graveyard) {
    const uint32_t cap = graph->cap_graveyard ? graph->cap_graveyard * 2U : 16U;
    AetherInstance** const g = (AetherInstance**)realloc(
      graph->graveyard, cap * sizeof(AetherInstance*));
    if (!g) {
      return AETHER_ERR_NO_MEMORY;
    }
    graph->graveyard     = g;
    graph->cap_graveyard = cap;
  }
  graph->graveyard[graph->n_graveyard++] = inst;
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_drop_voices(AetherGraph* const graph,
                         GraphNode* const   n,
                         const uint32_t     keep)
{
  for (uint32_t v = keep ? keep : 1U; v < AETHER_MAX_VOICES; ++v) {
    AetherInstance* const inst = n->voice_inst[v];
    if (!inst) {
      continue;
    }
    if ((n->sent >> v) & 1U) {
      if (bury(graph, inst)) {
        return AETHER_ERR_NO_MEMORY;
      }
    } else {
      aether_instance_free(inst);
    }
    n->voice_inst[v] = NULL;
    n->sent &= ~(1U << v);
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_remove(AetherGraph* const graph,
                    const AetherHandle node,
                    AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }

  /* A node the audio thread may be running is freed only once the schedule
     holding it is retired; reserve that place before changing anything. */
  if (aether_graph_drop_voices(graph, n, 1U) ||
      ((n->sent & 1U) && bury(graph, n->inst))) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  if (!(n->sent & 1U)) {
    aether_instance_free(n->inst);
  }

  for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
    input_clear(graph, node.index, i);
  }
  while (n->n_consumers) {
    const GraphConsumer c = n->consumers[n->n_consumers - 1U];
    input_clear(graph, c.node, c.input);
  }
  for (uint32_t i = 0; i < graph->n_maps;) {
    if (same_handle(graph->maps[i].node, node)) {
      graph->maps[i] = graph->maps[--graph->n_maps];
    } else {
      ++i;
    }
  }
  for (uint32_t i = 0; i < graph->n_cc_maps;) {
    if (same_handle(graph->cc_maps[i].node, node)) {
      graph->cc_maps[i] = graph->cc_maps[--graph->n_cc_maps];
    } else {
      ++i;
    }
  }

  name_remove(graph, n->name);
  n->inst = NULL;
  n->type = NULL;
  aether_arena_release(&graph->arena, node);
  return AETHER_SUCCESS;
}

/* Would an edge src -> dst close a loop that passes through no delay node?
   Search forward from dst for src, not entering delay nodes (edges into
   them do not count). On a hit, describe the loop in `err`. */
static AetherStatus
check_cycle(AetherGraph* const graph,
            const uint32_t     src,
            const uint32_t     dst,
            AetherError* const err)
{
  if (graph->nodes[dst].type->flags & AETHER_NODE_DELAY) {
    return AETHER_SUCCESS;
  }

  const uint32_t epoch = ++graph->epoch;
  uint32_t       top   = 0;
  bool           found = src == dst;

  graph->mark[dst]    = epoch;
  graph->parent[dst]  = UINT32_MAX;
  graph->stack[top++] = dst;
  while (top && !found) {
    const GraphNode* const n    = &graph->nodes[graph->stack[--top]];
    const uint32_t         from = (uint32_t)(n - graph->nodes);
    for (uint32_t i = 0; i < n->n_consumers && !found; ++i) {
      const uint32_t c = n->consumers[i].node;
      if (graph->mark[c] == epoch ||
          (graph->nodes[c].type->flags & AETHER_NODE_DELAY)) {
        continue;
      }
      graph->mark[c]      = epoch;
      graph->parent[c]    = from;
      graph->stack[top++] = c;
      found               = c == src;
    }
  }
  if (!found) {
    return AETHER_SUCCESS;
  }

  /* Walk back from src to dst: the loop is dst -> ... -> src -> dst. */
  char   path[400] = "";
  size_t len       = 0;
  for (uint32_t s = src, k = 0; s != UINT32_MAX; s = graph->parent[s], ++k) {
    if (k == 8) {
      len += (size_t)snprintf(path + len, sizeof(path) - len, " <- ...");
      break;
    }
    len += (size_t)snprintf(path + len,
                            sizeof(path) - len,
                            "%s%s",
                            k ? " <- " : "",
                            graph->nodes[s].name);
    if (len >= sizeof(path)) {
      break;
    }
  }
  return aether_error(err,
                      AETHER_ERR_CYCLE,
                      "connecting %s to %s would close a cycle without a "
                      "delay node: %s <- %s",
                      graph->nodes[src].name,
                      graph->nodes[dst].name,
                      graph->nodes[dst].name,
                      path);
}

AetherStatus
aether_graph_connect(AetherGraph* const graph,
                     const AetherHandle src,
                     const uint32_t     src_out,
                     const AetherHandle dst,
                     const uint32_t     dst_in,
                     AetherError* const err)
{
  GraphNode*   s  = NULL;
  GraphNode*   d  = NULL;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = live_node(graph, src, &s, err)) ||
      (st = live_node(graph, dst, &d, err)) ||
      (st = check_port(s, "output", src_out, s->type->n_outputs, err)) ||
      (st = check_port(d, "input", dst_in, d->type->n_inputs, err)) ||
      (st = check_cycle(graph, src.index, dst.index, err))) {
    return st;
  }
  if ((st = consumer_add(s, dst.index, dst_in))) {
    return aether_error(err, st, "out of memory");
  }

  input_clear(graph, dst.index, dst_in);
  d->src[dst_in]     = src;
  d->src_out[dst_in] = (uint8_t)src_out;
  ++graph->n_edges;
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_disconnect(AetherGraph* const graph,
                        const AetherHandle dst,
                        const uint32_t     dst_in,
                        AetherError* const err)
{
  GraphNode*   d  = NULL;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = live_node(graph, dst, &d, err)) ||
      (st = check_port(d, "input", dst_in, d->type->n_inputs, err))) {
    return st;
  }
  input_clear(graph, dst.index, dst_in);
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_set_param(AetherGraph* const graph,
                       const AetherHandle node,
                       const uint32_t     param,
                       const float        value,
                       AetherError* const err)
{
  GraphNode*   n  = NULL;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = live_node(graph, node, &n, err)) ||
      (st = check_param(n, param, err))) {
    return st;
  }
  const AetherParamDesc* const desc = &n->type->params[param];
  if (aether_param_check(desc, value)) {
    return aether_error(
      err,
      AETHER_ERR_BAD_VALUE,
      "%s.%s: %g is not a valid value (%g to %g%s)",
      n->name,
      desc->name,
      (double)value,
      (double)desc->min,
      (double)desc->max,
      desc->kind == AETHER_PARAM_CONTINUOUS ? "" : ", whole numbers");
  }
  if (n->params[param] != value) {
    n->params[param] = value;
    n->param_dirty |= 1U << param;
  }
  return AETHER_SUCCESS;
}

/* An unmapped parameter goes back to its value on the graph at the next
   commit (the mapping may have moved it on the audio thread). */
static void
mark_dirty(GraphNode* const n, const uint32_t param)
{
  n->param_dirty |= 1U << param;
}

/* A mapping's range must lie inside the parameter's; an exponential curve
   needs a positive one. `what` names the mapping in messages. */
static AetherStatus
check_map_range(const GraphNode* const n,
                const uint32_t         param,
                const float            min,
                const float            max,
                const AetherCurve      curve,
                const char* const      what,
                AetherError* const     err)
{
  const AetherStatus st = check_param(n, param, err);
  if (st) {
    return st;
  }
  const AetherParamDesc* const desc = &n->type->params[param];
  if (!isfinite(min) || !isfinite(max) || min < desc->min || max > desc->max ||
      min > desc->max || max < desc->min) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "%s on %s.%s: range %g to %g is outside %g to %g",
                        what,
                        n->name,
                        desc->name,
                        (double)min,
                        (double)max,
                        (double)desc->min,
                        (double)desc->max);
  }
  if (curve == AETHER_CURVE_EXPONENTIAL && (min <= 0.0f || max <= 0.0f)) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "%s on %s.%s: an exponential curve needs a positive "
                        "range",
                        what,
                        n->name,
                        desc->name);
  }
  return AETHER_SUCCESS;
}

/* Make room for a mapping at index `i` of a table of `*n` of at most `max`
   mappings of `kind`: `i` < `*n` replaces one, `i` == `*n` appends one. */
static AetherStatus
map_place(uint32_t* const    n,
          const uint32_t     i,
          const uint32_t     max,
          const char* const  kind,
          AetherError* const err)
{
  if (i == *n) {
    if (*n >= max) {
      return aether_error(
        err, AETHER_ERR_FULL, "too many %s mappings: at most %u", kind, max);
    }
    ++*n;
  }
  return AETHER_SUCCESS;
}

/* Index of the mapping of `macro` onto `param` of `node`, or n_maps. */
static uint32_t
find_macro_map(const AetherGraph* const graph,
               const uint32_t           macro,
               const AetherHandle       node,
               const uint32_t           param)
{
  for (uint32_t i = 0; i < graph->n_maps; ++i) {
    const AetherMacroMap* const m = &graph->maps[i];
    if (m->macro == macro && m->param == param && same_handle(m->node, node)) {
      return i;
    }
  }
  return graph->n_maps;
}

/* Index of the mapping of controller `cc` on `channel` onto `param` of
   `node`, or n_cc_maps. */
static uint32_t
find_cc_map(const AetherGraph* const graph,
            const uint32_t           cc,
            const uint32_t           channel,
            const AetherHandle       node,
            const uint32_t           param)
{
  for (uint32_t i = 0; i < graph->n_cc_maps; ++i) {
    const AetherCcMap* const m = &graph->cc_maps[i];
    if (m->cc == cc && m->channel == channel && m->param == param &&
        same_handle(m->node, node)) {
      return i;
    }
  }
  return graph->n_cc_maps;
}

AetherStatus
aether_graph_map_macro(AetherGraph* const          graph,
                       const AetherMacroMap* const map,
                       AetherError* const          err)
{
  GraphNode*   n  = NULL;
  AetherStatus st = live_node(graph, map->node, &n, err);
  if (st) {
    return st;
  }
  if (map->macro >= AETHER_N_MACROS) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "macro %u does not exist (1 to %d)",
                        map->macro + 1U,
                        AETHER_N_MACROS);
  }

  char what[32];
  snprintf(what, sizeof(what), "macro %u", map->macro + 1U);
  const uint32_t i = find_macro_map(graph, map->macro, map->node, map->param);
  if ((st = check_map_range(
         n, map->param, map->min, map->max, map->curve, what, err)) ||
      (st =
         map_place(&graph->n_maps, i, AETHER_MAX_MACRO_MAPS, "macro", err))) {
    return st;
  }
  graph->maps[i] = *map;
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_unmap_macro(AetherGraph* const graph,
                         const uint32_t     macro,
                         const AetherHandle node,
                         const uint32_t     param,
                         AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }
  const uint32_t i = find_macro_map(graph, macro, node, param);
  if (i < graph->n_maps) {
    graph->maps[i] = graph->maps[--graph->n_maps];
    mark_dirty(n, param);
  }
  return AETHER_SUCCESS;
}

uint32_t
aether_graph_n_macro_maps(const AetherGraph* const graph)
{
  return graph->n_maps;
}

const AetherMacroMap*
aether_graph_macro_map(const AetherGraph* const graph, const uint32_t i)
{
  return i < graph->n_maps ? &graph->maps[i] : NULL;
}

AetherStatus
aether_graph_map_cc(AetherGraph* const       graph,
                    const AetherCcMap* const map,
                    AetherError* const       err)
{
  GraphNode*   n  = NULL;
  AetherStatus st = live_node(graph, map->node, &n, err);
  if (st) {
    return st;
  }
  if (map->cc > 127U || map->channel > 16U) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "MIDI controller %u on channel %u does not exist "
                        "(controllers 0 to 127, channels 1 to 16 or 0 for all)",
                        map->cc,
                        map->channel);
  }

  char what[32];
  snprintf(what, sizeof(what), "MIDI controller %u", map->cc);
  const uint32_t i =
    find_cc_map(graph, map->cc, map->channel, map->node, map->param);
  if ((st = check_map_range(
         n, map->param, map->min, map->max, map->curve, what, err)) ||
      (st = map_place(
         &graph->n_cc_maps, i, AETHER_MAX_CC_MAPS, "MIDI controller", err))) {
    return st;
  }
  graph->cc_maps[i] = *map;
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_unmap_cc(AetherGraph* const graph,
                      const uint32_t     cc,
                      const uint32_t     channel,
                      const AetherHandle node,
                      const uint32_t     param,
                      AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }
  const uint32_t i = find_cc_map(graph, cc, channel, node, param);
  if (i < graph->n_cc_maps) {
    graph->cc_maps[i] = graph->cc_maps[--graph->n_cc_maps];
    mark_dirty(n, param);
  }
  return AETHER_SUCCESS;
}

uint32_t
aether_graph_n_cc_maps(const AetherGraph* const graph)
{
  return graph->n_cc_maps;
}

const AetherCcMap*
aether_graph_cc_map(const AetherGraph* const graph, const uint32_t i)
{
  return i < graph->n_cc_maps ? &graph->cc_maps[i] : NULL;
}

void
aether_graph_clear(AetherGraph* const graph)
{
  uint32_t     cursor = 0;
  AetherHandle h;
  while (aether_graph_next(graph, &cursor, &h)) {
    aether_graph_remove(graph, h, NULL);
  }
  graph->n_maps    = 0;
  graph->n_cc_maps = 0;
}

AetherStatus
aether_graph_set_voices(AetherGraph* const graph,
                        const uint32_t     voices,
                        AetherError* const err)
{
  if (voices < 1U || voices > AETHER_MAX_VOICES) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "%u voices: the voice count is 1 to %d",
                        voices,
                        AETHER_MAX_VOICES);
  }
  graph->voices = voices;
  return AETHER_SUCCESS;
}

uint32_t
aether_graph_voices(const AetherGraph* const graph)
{
  return graph->voices;
}

AetherStatus
aether_graph_set_poly(AetherGraph* const graph,
                      const AetherHandle node,
                      const bool         poly,
                      AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }
  n->poly = poly;
  return AETHER_SUCCESS;
}

bool
aether_graph_poly(const AetherGraph* const graph, const AetherHandle node)
{
  const GraphNode* const n = aether_graph_node(graph, node);
  return n && n->poly;
}

AetherStatus
aether_graph_set_position(AetherGraph* const graph,
                          const AetherHandle node,
                          const float        x,
                          const float        y,
                          AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }
  if (!isfinite(x) || !isfinite(y)) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "node \"%s\": a position must be finite",
                        n->name);
  }
  n->placed = true;
  n->x      = x;
  n->y      = y;
  return AETHER_SUCCESS;
}

AetherStatus
aether_graph_clear_position(AetherGraph* const graph,
                            const AetherHandle node,
                            AetherError* const err)
{
  GraphNode*         n  = NULL;
  const AetherStatus st = live_node(graph, node, &n, err);
  if (st) {
    return st;
  }
  n->placed = false;
  n->x      = 0.0f;
  n->y      = 0.0f;
  return AETHER_SUCCESS;
}

bool
aether_graph_position(const AetherGraph* const graph,
                      const AetherHandle       node,
                      float* const             x,
                      float* const             y)
{
  const GraphNode* const n = aether_graph_node(graph, node);
  if (!n || !n->placed) {
    return false;
  }
  if (x) {
    *x = n->x;
  }
  if (y) {
    *y = n->y;
  }
  return true;
}

/* Queries */

bool
aether_graph_contains(const AetherGraph* const graph, const AetherHandle node)
{
  return aether_graph_node(graph, node) != NULL;
}

AetherStatus
aether_graph_find(const AetherGraph* const graph,
                  const char* const        name,
                  AetherHandle* const      node)
{
  const uint32_t i = name ? name_lookup(graph, name) : UINT32_MAX;
  if (i == UINT32_MAX) {
    return AETHER_ERR_NOT_FOUND;
  }
  const uint32_t slot = graph->names[i] - 1U;
  node->index         = slot;
  node->generation    = graph->arena.generation[slot];
  return AETHER_SUCCESS;
}

uint32_t
aether_graph_n_nodes(const AetherGraph* const graph)
{
  return graph->arena.n_live;
}

uint32_t
aether_graph_n_edges(const AetherGraph* const graph)
{
  return graph->n_edges;
}

bool
aether_graph_next(const AetherGraph* const graph,
                  uint32_t* const          cursor,
                  AetherHandle* const      node)
{
  for (uint32_t s = *cursor; s < graph->arena.end; ++s) {
    if (graph->nodes[s].inst) {
      node->index      = s;
      node->generation = graph->arena.generation[s];
      *cursor          = s + 1U;
      return true;
    }
  }
  *cursor = graph->arena.capacity;
  return false;
}

const AetherNodeType*
aether_graph_node_type(const AetherGraph* const graph, const AetherHandle node)
{
  const GraphNode* const n = aether_graph_node(graph, node);
  return n ? n->type : NULL;
}

const char*
aether_graph_node_name(const AetherGraph* const graph, const AetherHandle node)
{
  const GraphNode* const n = aether_graph_node(graph, node);
  return n ? n->name : NULL;
}

float
aether_graph_param(const AetherGraph* const graph,
                   const AetherHandle       node,
                   const uint32_t           param)
{
  const GraphNode* const n = aether_graph_node(graph, node);
  return (n && param < n->type->n_params) ? n->params[param] : NAN;
}

bool
aether_graph_input(const AetherGraph* const graph,
                   const AetherHandle       dst,
                   const uint32_t           dst_in,
                   AetherHandle* const      src,
                   uint32_t* const          src_out)
{
  const GraphNode* const n = aether_graph_node(graph, dst);
  if (!n || dst_in >= n->type->n_inputs ||
      !aether_graph_edge_set(n->src[dst_in])) {
    return false;
  }
  if (src) {
    *src = n->src[dst_in];
  }
  if (src_out) {
    *src_out = n->src_out[dst_in];
  }
  return true;
}
