/* Aether: validation of a patch description as a whole: the voice count,
   references, values, macro and controller mappings and cycles, in
   O(nodes + edges). */

#include "patch_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names shown in a cycle message before "...". */
#define CYCLE_SHOWN 8U

static void
list_outputs(char* const buf, const size_t size, const AetherNodeType* type)
{
  size_t len = 0;
  buf[0]     = '\0';
  for (uint32_t i = 0; i < type->n_outputs; ++i) {
    const int n = snprintf(
      buf + len, size - len, "%s%s", i ? ", " : "", type->outputs[i].name);
    if (n < 0 || (size_t)n >= size - len) {
      break;
    }
    len += (size_t)n;
  }
}

static AetherStatus
resolve_inputs(const AetherPatch* const patch,
               const uint32_t           i,
               PatchResolved* const     res,
               AetherError* const       err)
{
  const AetherPatchNode* const node = &patch->nodes[i];
  const AetherNodeType* const  type = node->type;
  const char* const            file = patch->filename;

  for (uint32_t p = 0; p < type->n_params; ++p) {
    if (aether_param_check(&type->params[p], node->params[p])) {
      return patch_bad_value(
        node, &type->params[p], (double)node->params[p], file, node->pos, err);
    }
  }

  /* The position: both coordinates or none, each a number in range. */
  const double x = (double)node->x;
  const double y = (double)node->y;
  if (node->layout_set &&
      (node->layout_set != AETHER_PATCH_XY ||
       !(x >= -AETHER_PATCH_MAX_COORD && x <= AETHER_PATCH_MAX_COORD) ||
       !(y >= -AETHER_PATCH_MAX_COORD && y <= AETHER_PATCH_MAX_COORD))) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       node->pos,
                       "node \"%s\" (%s): a position needs ae:x and ae:y, "
                       "each from %g to %g",
                       node->name,
                       type->name,
                       -AETHER_PATCH_MAX_COORD,
                       AETHER_PATCH_MAX_COORD);
  }

  for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
    res->src[(size_t)i * AETHER_MAX_INPUTS + k] = PATCH_NONE;
    res->out[(size_t)i * AETHER_MAX_INPUTS + k] = 0;
    if (!((node->inputs_set >> k) & 1U)) {
      continue;
    }
    if (k >= type->n_inputs) {
      return patch_error(err,
                         AETHER_ERR_BAD_PORT,
                         file,
                         node->pos,
                         "node \"%s\" (%s): no input %u",
                         node->name,
                         type->name,
                         k);
    }

    const AetherPatchInput* const in    = &node->inputs[k];
    const char* const             iname = type->inputs[k].name;
    const uint32_t                s     = patch_find_index(patch, in->source);
    if (s == PATCH_NONE) {
      return patch_error(err,
                         AETHER_ERR_NOT_FOUND,
                         file,
                         in->pos,
                         "node \"%s\" (%s): ae:%s names node \"%s\", which "
                         "does not exist",
                         node->name,
                         type->name,
                         iname,
                         in->source);
    }

    const AetherNodeType* const st = patch->nodes[s].type;
    int o = in->output[0] ? aether_node_type_output_index(st, in->output) : 0;
    if (o < 0 || (uint32_t)o >= st->n_outputs) {
      char outputs[256];
      list_outputs(outputs, sizeof(outputs), st);
      if (!st->n_outputs) {
        return patch_error(err,
                           AETHER_ERR_BAD_PORT,
                           file,
                           in->pos,
                           "node \"%s\" (%s): ae:%s names node \"%s\" (%s), "
                           "which has no outputs",
                           node->name,
                           type->name,
                           iname,
                           in->source,
                           st->name);
      }
      return patch_error(err,
                         AETHER_ERR_BAD_PORT,
                         file,
                         in->pos,
                         "node \"%s\" (%s): ae:%s names output \"%s\" of "
                         "node \"%s\" (%s), which has outputs %s",
                         node->name,
                         type->name,
                         iname,
                         in->output,
                         in->source,
                         st->name,
                         outputs);
    }
    res->src[(size_t)i * AETHER_MAX_INPUTS + k] = s;
    res->out[(size_t)i * AETHER_MAX_INPUTS + k] = (uint8_t)o;
  }
  return AETHER_SUCCESS;
}

/* The node and parameter a mapping drives, and its range and curve: `what`
   names the mapping in messages ("macro 3", "controller 74 (channel 2)"). */
static AetherStatus
resolve_target(const AetherPatch* const patch,
               const char* const        what,
               const char* const        node,
               const char* const        param,
               const float              min,
               const float              max,
               const AetherCurve        curve,
               const AetherPatchPos     pos,
               uint32_t* const          node_index,
               uint32_t* const          param_index,
               AetherError* const       err)
{
  const char* const file = patch->filename;
  const uint32_t    n    = patch_find_index(patch, node);
  if (n == PATCH_NONE) {
    return patch_error(err,
                       AETHER_ERR_NOT_FOUND,
                       file,
                       pos,
                       "%s: ae:node names node \"%s\", which does not exist",
                       what,
                       node);
  }

  const AetherNodeType* const type = patch->nodes[n].type;
  const int                   p    = aether_node_type_param_index(type, param);
  if (p < 0) {
    return patch_error(err,
                       AETHER_ERR_BAD_PARAM,
                       file,
                       pos,
                       "%s: node \"%s\" (%s) has no parameter ae:%s",
                       what,
                       node,
                       type->name,
                       param);
  }

  const AetherParamDesc* const d = &type->params[p];
  if (!isfinite(min) || !isfinite(max) || min < d->min || min > d->max ||
      max < d->min || max > d->max) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "%s on node \"%s\" (%s) ae:%s: range %g to %g is "
                       "outside %g to %g",
                       what,
                       node,
                       type->name,
                       d->name,
                       (double)min,
                       (double)max,
                       (double)d->min,
                       (double)d->max);
  }
  if (curve == AETHER_CURVE_EXPONENTIAL && (min <= 0.0f || max <= 0.0f)) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "%s on node \"%s\" (%s) ae:%s: ae:exponential needs "
                       "ae:min and ae:max above 0",
                       what,
                       node,
                       type->name,
                       d->name);
  }
  if ((unsigned)curve > (unsigned)AETHER_CURVE_SQUARE) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "%s: unknown curve %d",
                       what,
                       (int)curve);
  }

  *node_index  = n;
  *param_index = (uint32_t)p;
  return AETHER_SUCCESS;
}

static AetherStatus
resolve_macro(const AetherPatch* const patch,
              const uint32_t           m,
              PatchResolved* const     res,
              AetherError* const       err)
{
  const AetherPatchMacro* const mac = &patch->macros[m];
  const unsigned                idx = mac->macro + 1U;
  if (mac->macro >= AETHER_N_MACROS) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       patch->filename,
                       mac->pos,
                       "macro mapping: ae:index %u is not a macro (1 to %u)",
                       idx,
                       (unsigned)AETHER_N_MACROS);
  }

  char what[32];
  snprintf(what, sizeof(what), "macro %u", idx);
  const AetherStatus st = resolve_target(patch,
                                         what,
                                         mac->node,
                                         mac->param,
                                         mac->min,
                                         mac->max,
                                         mac->curve,
                                         mac->pos,
                                         &res->macro_node[m],
                                         &res->macro_param[m],
                                         err);
  if (st) {
    return st;
  }

  for (uint32_t j = 0; j < m; ++j) {
    if (patch->macros[j].macro == mac->macro &&
        res->macro_node[j] == res->macro_node[m] &&
        res->macro_param[j] == res->macro_param[m]) {
      return patch_error(err,
                         AETHER_ERR_DUPLICATE,
                         patch->filename,
                         mac->pos,
                         "macro %u is mapped to node \"%s\" ae:%s twice",
                         idx,
                         mac->node,
                         mac->param);
    }
  }
  return AETHER_SUCCESS;
}

static AetherStatus
resolve_controller(const AetherPatch* const patch,
                   const uint32_t           c,
                   PatchResolved* const     res,
                   AetherError* const       err)
{
  const AetherPatchController* const ctl = &patch->controllers[c];
  if (ctl->cc > 127U) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       patch->filename,
                       ctl->pos,
                       "controller mapping: ae:cc %u is not a controller (0 "
                       "to 127)",
                       ctl->cc);
  }
  if (ctl->channel > 16U) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       patch->filename,
                       ctl->pos,
                       "controller mapping: ae:channel %u is not a channel (1 "
                       "to 16, or 0 for every channel)",
                       ctl->channel);
  }

  char what[48];
  if (ctl->channel) {
    snprintf(
      what, sizeof(what), "controller %u (channel %u)", ctl->cc, ctl->channel);
  } else {
    snprintf(what, sizeof(what), "controller %u", ctl->cc);
  }
  const AetherStatus st = resolve_target(patch,
                                         what,
                                         ctl->node,
                                         ctl->param,
                                         ctl->min,
                                         ctl->max,
                                         ctl->curve,
                                         ctl->pos,
                                         &res->ctl_node[c],
                                         &res->ctl_param[c],
                                         err);
  if (st) {
    return st;
  }

  /* The engine keeps one mapping per controller, channel and parameter. */
  for (uint32_t j = 0; j < c; ++j) {
    const AetherPatchController* const other = &patch->controllers[j];
    if (other->cc == ctl->cc && other->channel == ctl->channel &&
        res->ctl_node[j] == res->ctl_node[c] &&
        res->ctl_param[j] == res->ctl_param[c]) {
      return patch_error(err,
                         AETHER_ERR_DUPLICATE,
                         patch->filename,
                         ctl->pos,
                         "%s is mapped to node \"%s\" ae:%s twice",
                         what,
                         ctl->node,
                         ctl->param);
    }
  }
  return AETHER_SUCCESS;
}

/* An edge into a delay node does not count: the delay breaks the loop. */
static bool
counts(const AetherPatch* const patch, const uint32_t dst)
{
  return !(patch->nodes[dst].type->flags & AETHER_NODE_DELAY);
}

/* After Kahn's algorithm left nodes with in-degree > 0: walk back along
   unfinished sources until a node repeats, and describe that loop. */
static AetherStatus
report_cycle(const AetherPatch* const   patch,
             const PatchResolved* const res,
             const uint32_t* const      indeg,
             uint32_t* const            step,
             uint32_t* const            walk,
             uint8_t* const             via,
             AetherError* const         err)
{
  const uint32_t n     = patch->n_nodes;
  uint32_t       v     = 0;
  uint32_t       steps = 0;
  while (!indeg[v]) {
    ++v;
  }

  memset(step, 0, (size_t)n * sizeof(uint32_t));
  while (!step[v]) {
    step[v]          = ++steps;
    walk[steps - 1U] = v;
    for (uint8_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
      const uint32_t s = res->src[(size_t)v * AETHER_MAX_INPUTS + k];
      if (s != PATCH_NONE && indeg[s]) {
        via[steps - 1U] = k; /* walk[t] reads walk[t + 1] on input via[t] */
        v               = s;
        break;
      }
    }
  }

  /* The loop is walk[first .. steps - 1], closed by walk[steps - 1] reading
     walk[first]. Start the message at its first node in document order. */
  const uint32_t first = step[v] - 1U;
  const uint32_t len   = steps - first;
  uint32_t       r     = 0;
  for (uint32_t t = 1; t < len; ++t) {
    if (walk[first + t] < walk[first + r]) {
      r = t;
    }
  }

  /* Signal flows against the walk: c0 -> walk[r - 1] -> ... -> c0. */
  char   path[320];
  size_t plen = 0;
  for (uint32_t t = 0; t <= len; ++t) {
    if (t == CYCLE_SHOWN && len > CYCLE_SHOWN) {
      t = len; /* jump to the closing c0 */
      plen += (size_t)snprintf(path + plen, sizeof(path) - plen, " -> ...");
    }
    const uint32_t c = walk[first + (r + len - (t % len)) % len];
    const int      w = snprintf(path + plen,
                           sizeof(path) - plen,
                           "%s%s",
                           t ? " -> " : "",
                           patch->nodes[c].name);
    if (w < 0 || (size_t)w >= sizeof(path) - plen) {
      break;
    }
    plen += (size_t)w;
  }

  const AetherPatchNode* const c0 = &patch->nodes[walk[first + r]];
  const uint8_t                k  = via[first + r];
  return patch_error(err,
                     AETHER_ERR_CYCLE,
                     patch->filename,
                     c0->inputs[k].pos,
                     "node \"%s\" (%s): ae:%s closes a cycle without a delay "
                     "node: %s",
                     c0->name,
                     c0->type->name,
                     c0->type->inputs[k].name,
                     path);
}

/* Kahn's algorithm over the edges that count. */
static AetherStatus
sort_nodes(const AetherPatch* const patch,
           PatchResolved* const     res,
           AetherError* const       err)
{
  const size_t n     = patch->n_nodes;
  const size_t slots = n * AETHER_MAX_INPUTS;
  uint32_t*    indeg = (uint32_t*)calloc(n + 1U, sizeof(uint32_t));
  uint32_t*    first = (uint32_t*)calloc(n + 2U, sizeof(uint32_t));
  uint32_t*    edges = (uint32_t*)malloc((slots + 1U) * sizeof(uint32_t));
  AetherStatus st    = AETHER_SUCCESS;
  if (!indeg || !first || !edges) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    goto done;
  }

  /* Consumers of each node, as a compressed adjacency list. */
  for (size_t e = 0; e < slots; ++e) {
    const uint32_t s = res->src[e];
    if (s != PATCH_NONE && counts(patch, (uint32_t)(e / AETHER_MAX_INPUTS))) {
      ++first[s + 1U];
      ++indeg[e / AETHER_MAX_INPUTS];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    first[i + 1U] += first[i];
  }
  for (size_t e = 0; e < slots; ++e) {
    const uint32_t s = res->src[e];
    if (s != PATCH_NONE && counts(patch, (uint32_t)(e / AETHER_MAX_INPUTS))) {
      edges[first[s]++] = (uint32_t)(e / AETHER_MAX_INPUTS);
    }
  }
  for (size_t i = n; i > 0; --i) { /* shift back: first[s] is the start */
    first[i] = first[i - 1U];
  }
  first[0] = 0;

  uint32_t tail = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (!indeg[i]) {
      res->order[tail++] = i;
    }
  }
  for (uint32_t head = 0; head < tail; ++head) {
    const uint32_t v = res->order[head];
    for (uint32_t e = first[v]; e < first[v + 1U]; ++e) {
      if (!--indeg[edges[e]]) {
        res->order[tail++] = edges[e];
      }
    }
  }

  if (tail < n) { /* a cycle: reuse the adjacency arrays as scratch */
    uint8_t* const via = (uint8_t*)malloc(n);
    st = via ? report_cycle(patch, res, indeg, first, edges, via, err)
             : aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    free(via);
  }

done:
  free(indeg);
  free(first);
  free(edges);
  return st;
}

void
patch_resolved_free(PatchResolved* const res)
{
  free(res->src);
  free(res->out);
  free(res->order);
  res->src   = NULL;
  res->out   = NULL;
  res->order = NULL;
}

AetherStatus
patch_resolve(const AetherPatch* const patch,
              PatchResolved* const     res,
              AetherError* const       err)
{
  const size_t n = patch->n_nodes;
  memset(res, 0, sizeof(*res));
  res->src = (uint32_t*)malloc((n * AETHER_MAX_INPUTS + 1U) * sizeof(uint32_t));
  res->out = (uint8_t*)malloc(n * AETHER_MAX_INPUTS + 1U);
  res->order = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  if (!res->src || !res->out || !res->order) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  if (patch->voices < 1U || patch->voices > AETHER_MAX_VOICES) {
    const AetherPatchPos nowhere = { 0, 0 };
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       patch->filename,
                       nowhere,
                       "ae:voices %u is not a whole number from 1 to %u",
                       patch->voices,
                       (unsigned)AETHER_MAX_VOICES);
  }

  AetherStatus st = AETHER_SUCCESS;
  for (uint32_t i = 0; i < n; ++i) {
    if ((st = resolve_inputs(patch, i, res, err))) {
      return st;
    }
  }
  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    if ((st = resolve_macro(patch, m, res, err))) {
      return st;
    }
  }
  for (uint32_t c = 0; c < patch->n_controllers; ++c) {
    if ((st = resolve_controller(patch, c, res, err))) {
      return st;
    }
  }
  return sort_nodes(patch, res, err);
}

AetherStatus
aether_patch_validate(const AetherPatch* const patch, AetherError* const err)
{
  PatchResolved      res;
  const AetherStatus st = patch_resolve(patch, &res, err);
  patch_resolved_free(&res);
  return st;
}
