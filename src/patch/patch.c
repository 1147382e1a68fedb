/* Aether: patch descriptions: the container, one node's properties,
   replacing a node, and equality. */

#include "patch_impl.h"

#include "../nodes/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_LEN (sizeof(AETHER_PATCH_NS) - 1U)
#define NODE_NS_LEN (sizeof(AETHER_PATCH_NODE_NS) - 1U)

/* The most mappings of one kind (macro or controller) a patch holds. */
#define MAX_MAPS                                                      \
  (AETHER_MAX_MACRO_MAPS > AETHER_MAX_CC_MAPS ? AETHER_MAX_MACRO_MAPS \
                                              : AETHER_MAX_CC_MAPS)

static const char* const curve_names[] = { "linear", "exponential", "square" };

/* Names */

bool
patch_valid_name(const char* const name, const size_t len)
{
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

bool
patch_split_ref(const char* const ref,
                const size_t      len,
                char* const       name,
                char* const       output)
{
  const char* const dot      = (const char*)memchr(ref, '.', len);
  const size_t      name_len = dot ? (size_t)(dot - ref) : len;
  const size_t      out_len  = dot ? len - name_len - 1U : 0U;
  if (!patch_valid_name(ref, name_len) ||
      (dot && !patch_valid_name(dot + 1, out_len))) {
    return false;
  }
  memcpy(name, ref, name_len);
  name[name_len] = '\0';
  if (dot) {
    memcpy(output, dot + 1, out_len);
  }
  output[out_len] = '\0';
  return true;
}

const char*
patch_curve_name(const AetherCurve curve)
{
  return (unsigned)curve < 3U ? curve_names[curve] : "linear";
}

bool
patch_curve_find(const char* const  name,
                 const size_t       len,
                 AetherCurve* const curve)
{
  for (unsigned i = 0; i < 3U; ++i) {
    if (strlen(curve_names[i]) == len && !strncmp(curve_names[i], name, len)) {
      *curve = (AetherCurve)i;
      return true;
    }
  }
  return false;
}

static const char*
strip(const char* const str, const char* const prefix, const size_t len)
{
  return strncmp(str, prefix, len) ? str : str + len;
}

/* Container */

AetherPatch*
aether_patch_new(void)
{
  AetherPatch* const patch = (AetherPatch*)calloc(1, sizeof(AetherPatch));
  if (patch) {
    patch->voices = 1U;
  }
  return patch;
}

void
aether_patch_free(AetherPatch* const patch)
{
  if (patch) {
    patch_map_destroy(&patch->names);
    free(patch->nodes);
    free(patch->filename);
    free(patch);
  }
}

AetherStatus
patch_set_filename(AetherPatch* const patch, const char* const filename)
{
  free(patch->filename);
  patch->filename = NULL;
  if (filename) {
    const size_t len = strlen(filename);
    if (!(patch->filename = (char*)malloc(len + 1U))) {
      return AETHER_ERR_NO_MEMORY;
    }
    memcpy(patch->filename, filename, len + 1U);
  }
  return AETHER_SUCCESS;
}

uint32_t
aether_patch_n_nodes(const AetherPatch* const patch)
{
  return patch->n_nodes;
}

const AetherPatchNode*
aether_patch_node(const AetherPatch* const patch, const uint32_t i)
{
  return i < patch->n_nodes ? &patch->nodes[i] : NULL;
}

uint32_t
aether_patch_voices(const AetherPatch* const patch)
{
  return patch->voices;
}

AetherStatus
aether_patch_set_voices(AetherPatch* const patch,
                        const uint32_t     voices,
                        AetherError* const err)
{
  if (voices < 1U || voices > AETHER_MAX_VOICES) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "ae:voices %u is not a whole number from 1 to %u",
                        voices,
                        (unsigned)AETHER_MAX_VOICES);
  }
  patch->voices = voices;
  return AETHER_SUCCESS;
}

static const char*
node_name_at(const void* const ctx, const uint32_t i)
{
  return ((const AetherPatch*)ctx)->nodes[i].name;
}

uint32_t
patch_find_index(const AetherPatch* const patch, const char* const name)
{
  return patch_map_find(&patch->names, name, strlen(name), node_name_at, patch);
}

const AetherPatchNode*
aether_patch_find(const AetherPatch* const patch, const char* const name)
{
  const uint32_t i =
    patch_find_index(patch, strip(name, AETHER_PATCH_NODE_NS, NODE_NS_LEN));
  return i == PATCH_NONE ? NULL : &patch->nodes[i];
}

uint32_t
aether_patch_n_macros(const AetherPatch* const patch)
{
  return patch->n_macros;
}

const AetherPatchMacro*
aether_patch_macro(const AetherPatch* const patch, const uint32_t i)
{
  return i < patch->n_macros ? &patch->macros[i] : NULL;
}

uint32_t
aether_patch_n_controllers(const AetherPatch* const patch)
{
  return patch->n_controllers;
}

const AetherPatchController*
aether_patch_controller(const AetherPatch* const patch, const uint32_t i)
{
  return i < patch->n_controllers ? &patch->controllers[i] : NULL;
}

AetherStatus
aether_patch_add_node(AetherPatch* const           patch,
                      const AetherPatchNode* const node,
                      AetherError* const           err)
{
  const char* const file = patch->filename;
  const size_t      len  = strnlen(node->name, AETHER_MAX_NAME);
  if (!node->type || !patch_valid_name(node->name, len)) {
    return patch_error(err,
                       AETHER_ERR_BAD_ARG,
                       file,
                       node->pos,
                       "invalid node (set it up with aether_patch_node_init)");
  }

  const uint32_t other = patch_find_index(patch, node->name);
  if (other != PATCH_NONE) {
    const AetherPatchPos first = patch->nodes[other].pos;
    if (first.line) {
      return patch_error(err,
                         AETHER_ERR_DUPLICATE,
                         file,
                         node->pos,
                         "duplicate node \"%s\" (first declared at %u:%u)",
                         node->name,
                         first.line,
                         first.col);
    }
    return patch_error(err,
                       AETHER_ERR_DUPLICATE,
                       file,
                       node->pos,
                       "duplicate node \"%s\"",
                       node->name);
  }

  if (patch->n_nodes >= AETHER_MAX_NODES) {
    return patch_error(err,
                       AETHER_ERR_FULL,
                       file,
                       node->pos,
                       "node \"%s\": too many nodes (at most %u)",
                       node->name,
                       (unsigned)AETHER_MAX_NODES);
  }

  if (patch->n_nodes == patch->cap) {
    const uint32_t   cap   = patch->cap ? patch->cap * 2U : 16U;
    AetherPatchNode* nodes = (AetherPatchNode*)realloc(
      patch->nodes, (size_t)cap * sizeof(AetherPatchNode));
    if (!nodes) {
      return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
    patch->nodes = nodes;
    patch->cap   = cap;
  }

  if (patch_map_insert(&patch->names, node->name, len, patch->n_nodes)) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  patch->nodes[patch->n_nodes++] = *node;
  return AETHER_SUCCESS;
}

/* Refuse a mapping of `kind` at `pos`: the patch has `max` of them. */
static AetherStatus
too_many_maps(const AetherPatch* const patch,
              const char* const        kind,
              const uint32_t           max,
              const AetherPatchPos     pos,
              AetherError* const       err)
{
  return patch_error(err,
                     AETHER_ERR_FULL,
                     patch->filename,
                     pos,
                     "too many %s mappings (at most %u)",
                     kind,
                     max);
}

AetherStatus
aether_patch_add_macro(AetherPatch* const            patch,
                       const AetherPatchMacro* const macro,
                       AetherError* const            err)
{
  if (patch->n_macros >= AETHER_MAX_MACRO_MAPS) {
    return too_many_maps(
      patch, "macro", AETHER_MAX_MACRO_MAPS, macro->pos, err);
  }
  patch->macros[patch->n_macros++] = *macro;
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_add_controller(AetherPatch* const                 patch,
                            const AetherPatchController* const controller,
                            AetherError* const                 err)
{
  if (patch->n_controllers >= AETHER_MAX_CC_MAPS) {
    return too_many_maps(
      patch, "controller", AETHER_MAX_CC_MAPS, controller->pos, err);
  }
  patch->controllers[patch->n_controllers++] = *controller;
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_replace_node(const AetherPatch* const     patch,
                          const AetherPatchNode* const node,
                          AetherPatch** const          out,
                          AetherError* const           err)
{
  *out = NULL;
  if (!node->type) {
    return aether_error(err, AETHER_ERR_BAD_ARG, "node description not set up");
  }

  AetherPatch* const copy = aether_patch_new();
  if (!copy || patch_set_filename(copy, patch->filename)) {
    aether_patch_free(copy);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  copy->voices = patch->voices;

  /* The node in the place of the old one, or last. */
  const uint32_t old = patch_find_index(patch, node->name);
  const bool     new_type =
    old == PATCH_NONE || patch->nodes[old].type != node->type;
  AetherStatus st = AETHER_SUCCESS;
  for (uint32_t i = 0; !st && i < patch->n_nodes; ++i) {
    st = aether_patch_add_node(copy, i == old ? node : &patch->nodes[i], err);
  }
  if (!st && old == PATCH_NONE) {
    st = aether_patch_add_node(copy, node, err);
  }

  /* Mappings onto a node of another type would name parameters it may not
     have: they go with the old type. */
  for (uint32_t m = 0; !st && m < patch->n_macros; ++m) {
    if (!new_type || strcmp(patch->macros[m].node, node->name)) {
      st = aether_patch_add_macro(copy, &patch->macros[m], err);
    }
  }
  for (uint32_t c = 0; !st && c < patch->n_controllers; ++c) {
    if (!new_type || strcmp(patch->controllers[c].node, node->name)) {
      st = aether_patch_add_controller(copy, &patch->controllers[c], err);
    }
  }

  if (st) {
    aether_patch_free(copy);
    return st;
  }
  *out = copy;
  return AETHER_SUCCESS;
}

/* One node */

static const char*
type_name_at(const void* const ctx, const uint32_t i)
{
  (void)ctx;
  return aether_registry_get(i)->name;
}

AetherStatus
patch_node_init_at(AetherPatchNode* const node,
                   const char* const      name,
                   const size_t           name_len,
                   const char* const      type,
                   const char* const      file,
                   const AetherPatchPos   pos,
                   AetherError* const     err)
{
  char q[PATCH_QUOTE_SIZE];
  if (!patch_valid_name(name, name_len)) {
    return patch_error(err,
                       AETHER_ERR_BAD_ARG,
                       file,
                       pos,
                       "invalid node name \"%s\" (1 to %u characters of "
                       "A-Z a-z 0-9 _ -)",
                       patch_quote(q, name, name_len),
                       (unsigned)AETHER_MAX_NAME - 1U);
  }

  const char* const           type_name = strip(type, AETHER_PATCH_NS, NS_LEN);
  const AetherNodeType* const t         = aether_registry_find(type_name);
  if (!t) {
    const char* const hint =
      patch_suggest(type_name, NULL, aether_registry_count(), type_name_at);
    return patch_error(err,
                       AETHER_ERR_UNKNOWN_TYPE,
                       file,
                       pos,
                       "node \"%.*s\": unknown node type ae:%s%s%s%s",
                       (int)name_len,
                       name,
                       patch_quote(q, type_name, strlen(type_name)),
                       hint ? " (did you mean ae:" : "",
                       hint ? hint : "",
                       hint ? "?)" : "");
  }

  memset(node, 0, sizeof(*node));
  memcpy(node->name, name, name_len);
  node->type = t;
  node->pos  = pos;
  for (uint32_t i = 0; i < t->n_params; ++i) {
    node->params[i] = t->params[i].def;
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_node_init(AetherPatchNode* const node,
                       const char* const      name,
                       const char* const      type,
                       AetherError* const     err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  const char* const    n       = strip(name, AETHER_PATCH_NODE_NS, NODE_NS_LEN);
  return patch_node_init_at(node, n, strlen(n), type, NULL, nowhere, err);
}

static void
list_choices(char* const buf, const size_t size, const AetherParamDesc* desc)
{
  size_t len = 0;
  buf[0]     = '\0';
  for (uint32_t i = 0; desc->choices && i <= (uint32_t)desc->max; ++i) {
    const int n =
      snprintf(buf + len, size - len, "%s%s", i ? ", " : "", desc->choices[i]);
    if (n < 0 || (size_t)n >= size - len) {
      break;
    }
    len += (size_t)n;
  }
}

static AetherStatus
choice_index(const AetherParamDesc* const desc,
             const char* const            choice,
             uint32_t* const              index)
{
  for (uint32_t i = 0; desc->choices && i <= (uint32_t)desc->max; ++i) {
    if (!strcmp(desc->choices[i], choice)) {
      *index = i;
      return AETHER_SUCCESS;
    }
  }
  return AETHER_ERR_NOT_FOUND;
}

static const char*
choice_at(const void* const ctx, const uint32_t i)
{
  return ((const AetherParamDesc*)ctx)->choices[i];
}

AetherStatus
patch_bad_value(const AetherPatchNode* const node,
                const AetherParamDesc* const desc,
                const double                 value,
                const char* const            file,
                const AetherPatchPos         pos,
                AetherError* const           err)
{
  const char* const name  = node->name;
  const char* const type  = node->type->name;
  const char* const param = desc->name;
  const double      lo    = (double)desc->min;
  const double      hi    = (double)desc->max;
  char              choices[256];

  switch (desc->kind) {
    case AETHER_PARAM_CONTINUOUS:
      break;
    case AETHER_PARAM_INTEGER:
      return patch_error(err,
                         AETHER_ERR_BAD_VALUE,
                         file,
                         pos,
                         "node \"%s\" (%s): ae:%s %g is not a whole number "
                         "from %g to %g",
                         name,
                         type,
                         param,
                         value,
                         lo,
                         hi);
    case AETHER_PARAM_TOGGLE:
      return patch_error(err,
                         AETHER_ERR_BAD_VALUE,
                         file,
                         pos,
                         "node \"%s\" (%s): ae:%s %g is not a toggle (true, "
                         "false, 1 or 0)",
                         name,
                         type,
                         param,
                         value);
    case AETHER_PARAM_ENUM:
      list_choices(choices, sizeof(choices), desc);
      return patch_error(err,
                         AETHER_ERR_BAD_VALUE,
                         file,
                         pos,
                         "node \"%s\" (%s): ae:%s %g is not a choice (%s)",
                         name,
                         type,
                         param,
                         value,
                         choices);
  }
  return patch_error(
    err,
    AETHER_ERR_BAD_VALUE,
    file,
    pos,
    "node \"%s\" (%s): ae:%s %g is out of range (%g to %g%s%s)",
    name,
    type,
    param,
    value,
    lo,
    hi,
    desc->unit && desc->unit[0] ? " " : "",
    desc->unit ? desc->unit : "");
}

const char*
patch_describe(char* const             buf,
               const size_t            size,
               const AetherPatchValue* value)
{
  char q[PATCH_QUOTE_SIZE];
  if (value->kind == AETHER_PATCH_NUMBER) {
    snprintf(buf, size, "%g", value->number);
  } else if (value->kind == AETHER_PATCH_STRING) {
    snprintf(buf,
             size,
             "\"%s\"",
             patch_quote(q, value->string, strlen(value->string)));
  } else if (!strncmp(value->string, AETHER_PATCH_NODE_NS, NODE_NS_LEN)) {
    const char* const ref = value->string + NODE_NS_LEN;
    snprintf(buf, size, "node:%s", patch_quote(q, ref, strlen(ref)));
  } else if (!strncmp(value->string, AETHER_PATCH_NS, NS_LEN)) {
    const char* const name = value->string + NS_LEN;
    snprintf(buf, size, "ae:%s", patch_quote(q, name, strlen(name)));
  } else {
    snprintf(
      buf, size, "<%s>", patch_quote(q, value->string, strlen(value->string)));
  }
  return buf;
}

/* Refuse property `ae:NAME` given a second time for one node. */
static AetherStatus
given_twice(const AetherPatchNode* const node,
            const char* const            name,
            const char* const            file,
            const AetherPatchPos         pos,
            AetherError* const           err)
{
  return patch_error(err,
                     AETHER_ERR_DUPLICATE,
                     file,
                     pos,
                     "node \"%s\" (%s): ae:%s is given twice",
                     node->name,
                     node->type->name,
                     name);
}

static AetherStatus
set_param(AetherPatchNode* const        node,
          const uint32_t                index,
          const AetherPatchValue* const value,
          const char* const             file,
          const AetherPatchPos          prop_pos,
          const AetherPatchPos          pos,
          AetherError* const            err)
{
  const AetherParamDesc* const desc = &node->type->params[index];
  char                         v_text[PATCH_DESCRIBE_SIZE];
  char                         choices[256];

  if (node->params_set & (1U << index)) {
    return given_twice(node, desc->name, file, prop_pos, err);
  }

  float v = 0.0f;
  if (value->kind == AETHER_PATCH_NUMBER) {
    const double d = value->number;
    v              = (float)d;
    if (!isfinite(d) || aether_param_check(desc, v)) {
      return patch_bad_value(node, desc, d, file, pos, err);
    }
  } else if (desc->kind == AETHER_PARAM_ENUM) {
    const char* const choice = value->kind == AETHER_PATCH_IRI
                                 ? strip(value->string, AETHER_PATCH_NS, NS_LEN)
                                 : value->string;
    uint32_t          i      = 0;
    if ((value->kind == AETHER_PATCH_IRI && choice == value->string) ||
        choice_index(desc, choice, &i)) {
      const char* const hint =
        patch_suggest(choice, desc, (uint32_t)desc->max + 1U, choice_at);
      list_choices(choices, sizeof(choices), desc);
      return patch_error(err,
                         AETHER_ERR_BAD_VALUE,
                         file,
                         pos,
                         "node \"%s\" (%s): ae:%s has no choice %s (choices: "
                         "%s)%s%s%s",
                         node->name,
                         node->type->name,
                         desc->name,
                         patch_describe(v_text, sizeof(v_text), value),
                         choices,
                         hint ? " (did you mean ae:" : "",
                         hint ? hint : "",
                         hint ? "?)" : "");
    }
    v = (float)i;
  } else {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "node \"%s\" (%s): ae:%s needs a number, not %s",
                       node->name,
                       node->type->name,
                       desc->name,
                       patch_describe(v_text, sizeof(v_text), value));
  }

  node->params[index] = v;
  node->params_set |= 1U << index;
  return AETHER_SUCCESS;
}

static AetherStatus
set_input(AetherPatchNode* const        node,
          const uint32_t                index,
          const AetherPatchValue* const value,
          const char* const             file,
          const AetherPatchPos          prop_pos,
          const AetherPatchPos          pos,
          AetherError* const            err)
{
  const AetherPortDesc* const desc  = &node->type->inputs[index];
  AetherPatchInput* const     input = &node->inputs[index];
  char                        v_text[PATCH_DESCRIBE_SIZE];

  if (node->inputs_set & (1U << index)) {
    return given_twice(node, desc->name, file, prop_pos, err);
  }

  const bool is_node =
    value->kind == AETHER_PATCH_IRI &&
    !strncmp(value->string, AETHER_PATCH_NODE_NS, NODE_NS_LEN);
  const char* const ref = is_node ? value->string + NODE_NS_LEN : "";
  if (!is_node ||
      !patch_split_ref(ref, strlen(ref), input->source, input->output)) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "node \"%s\" (%s): input ae:%s needs a node output "
                       "(node:NAME or node:NAME.OUTPUT), not %s",
                       node->name,
                       node->type->name,
                       desc->name,
                       patch_describe(v_text, sizeof(v_text), value));
  }
  input->pos = pos;
  node->inputs_set |= 1U << index;
  return AETHER_SUCCESS;
}

/* `ae:poly`: a property of every node, not of its type. */
AetherStatus
patch_node_set_poly_at(AetherPatchNode* const        node,
                       const AetherPatchValue* const value,
                       const char* const             file,
                       const AetherPatchPos          prop_pos,
                       const AetherPatchPos          pos,
                       AetherError* const            err)
{
  char v_text[PATCH_DESCRIBE_SIZE];
  if (!node->type) {
    return aether_error(err, AETHER_ERR_BAD_ARG, "node description not set up");
  }
  if (node->poly_set) {
    return given_twice(node, "poly", file, prop_pos, err);
  }
  if (value->kind != AETHER_PATCH_NUMBER ||
      (value->number != 0.0 && value->number != 1.0)) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "node \"%s\" (%s): ae:poly needs true or false, not %s",
                       node->name,
                       node->type->name,
                       patch_describe(v_text, sizeof(v_text), value));
  }
  node->poly     = value->number != 0.0;
  node->poly_set = true;
  return AETHER_SUCCESS;
}

/* `ae:x` or `ae:y` (`bit`): the node's position in the editor. */
static AetherStatus
set_coord(AetherPatchNode* const        node,
          const uint32_t                bit,
          const AetherPatchValue* const value,
          const char* const             file,
          const AetherPatchPos          prop_pos,
          const AetherPatchPos          pos,
          AetherError* const            err)
{
  const char* const name = bit == AETHER_PATCH_X ? "x" : "y";
  char              v_text[PATCH_DESCRIBE_SIZE];
  if (node->layout_set & bit) {
    return given_twice(node, name, file, prop_pos, err);
  }
  if (value->kind != AETHER_PATCH_NUMBER) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "node \"%s\" (%s): ae:%s needs a number, not %s",
                       node->name,
                       node->type->name,
                       name,
                       patch_describe(v_text, sizeof(v_text), value));
  }
  const double d = value->number;
  if (!(d >= -AETHER_PATCH_MAX_COORD && d <= AETHER_PATCH_MAX_COORD)) {
    return patch_error(err,
                       AETHER_ERR_BAD_VALUE,
                       file,
                       pos,
                       "node \"%s\" (%s): ae:%s %g is out of range (%g to %g)",
                       node->name,
                       node->type->name,
                       name,
                       d,
                       -AETHER_PATCH_MAX_COORD,
                       AETHER_PATCH_MAX_COORD);
  }
  *(bit == AETHER_PATCH_X ? &node->x : &node->y) = (float)d;
  node->layout_set |= bit;
  return AETHER_SUCCESS;
}

typedef struct {
  const AetherNodeType* type;
} PropCandidates;

static const char*
prop_at(const void* const ctx, const uint32_t i)
{
  const AetherNodeType* const t = ((const PropCandidates*)ctx)->type;
  if (i < t->n_params) {
    return t->params[i].name;
  }
  return i < t->n_params + t->n_inputs ? t->inputs[i - t->n_params].name
                                       : "poly";
}

AetherStatus
patch_node_set_at(AetherPatchNode* const        node,
                  const char* const             property,
                  const AetherPatchValue* const value,
                  const char* const             file,
                  const AetherPatchPos          prop_pos,
                  const AetherPatchPos          pos,
                  AetherError* const            err)
{
  if (!node->type) {
    return aether_error(err, AETHER_ERR_BAD_ARG, "node description not set up");
  }

  /* Callers count on a parameter or an input being set (a patch:Set of
     one node property): the node's own property has its own call. */
  const char* const name = strip(property, AETHER_PATCH_NS, NS_LEN);
  if (name != property && !strcmp(name, "poly")) {
    return patch_error(err,
                       AETHER_ERR_BAD_PARAM,
                       file,
                       prop_pos,
                       "node \"%s\" (%s): ae:poly is a property of the node, "
                       "not a parameter or an input",
                       node->name,
                       node->type->name);
  }

  if (name != property && (!strcmp(name, "x") || !strcmp(name, "y"))) {
    return set_coord(node,
                     name[0] == 'x' ? AETHER_PATCH_X : AETHER_PATCH_Y,
                     value,
                     file,
                     prop_pos,
                     pos,
                     err);
  }

  const int p = aether_node_type_param_index(node->type, name);
  if (p >= 0) {
    return set_param(node, (uint32_t)p, value, file, prop_pos, pos, err);
  }
  const int i = aether_node_type_input_index(node->type, name);
  if (i >= 0) {
    return set_input(node, (uint32_t)i, value, file, prop_pos, pos, err);
  }

  char                 q[PATCH_QUOTE_SIZE];
  const PropCandidates c    = { node->type };
  const char* const    hint = patch_suggest(
    name, &c, node->type->n_params + node->type->n_inputs + 1U, prop_at);
  const bool ours = name != property;
  return patch_error(err,
                     AETHER_ERR_BAD_PARAM,
                     file,
                     prop_pos,
                     "node \"%s\" (%s): unknown property %s%s%s%s%s%s",
                     node->name,
                     node->type->name,
                     ours ? "ae:" : "<",
                     patch_quote(q, name, strlen(name)),
                     ours ? "" : ">",
                     hint ? " (did you mean ae:" : "",
                     hint ? hint : "",
                     hint ? "?)" : "");
}

AetherStatus
aether_patch_node_set(AetherPatchNode* const        node,
                      const char* const             property,
                      const AetherPatchValue* const value,
                      AetherError* const            err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  const char*          prop    = property;
  char                 iri[NS_LEN + AETHER_MAX_NAME];
  if (!strchr(property, ':') && strlen(property) < AETHER_MAX_NAME) {
    memcpy(iri, AETHER_PATCH_NS, NS_LEN); /* a bare name */
    memcpy(iri + NS_LEN, property, strlen(property) + 1U);
    prop = iri;
  }
  return patch_node_set_at(node, prop, value, NULL, nowhere, nowhere, err);
}

AetherStatus
aether_patch_node_set_poly(AetherPatchNode* const        node,
                           const AetherPatchValue* const value,
                           AetherError* const            err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  return patch_node_set_poly_at(node, value, NULL, nowhere, nowhere, err);
}

/* Equality */

static uint32_t
output_index(const AetherPatch* const patch, const AetherPatchInput* in)
{
  const uint32_t s = patch_find_index(patch, in->source);
  if (s == PATCH_NONE || !in->output[0]) {
    return 0;
  }
  const int o = aether_node_type_output_index(patch->nodes[s].type, in->output);
  return o < 0 ? PATCH_NONE : (uint32_t)o;
}

static bool
nodes_equal(const AetherPatch* const     pa,
            const AetherPatchNode* const a,
            const AetherPatch* const     pb,
            const AetherPatchNode* const b)
{
  if (a->type != b->type || a->poly != b->poly ||
      a->inputs_set != b->inputs_set || a->layout_set != b->layout_set ||
      ((a->layout_set & AETHER_PATCH_X) && a->x != b->x) ||
      ((a->layout_set & AETHER_PATCH_Y) && a->y != b->y)) {
    return false;
  }
  for (uint32_t i = 0; i < a->type->n_params; ++i) {
    if (a->params[i] != b->params[i]) {
      return false;
    }
  }
  for (uint32_t i = 0; i < a->type->n_inputs; ++i) {
    if ((a->inputs_set >> i) & 1U) {
      const AetherPatchInput* const x = &a->inputs[i];
      const AetherPatchInput* const y = &b->inputs[i];
      if (strcmp(x->source, y->source) ||
          output_index(pa, x) != output_index(pb, y)) {
        return false;
      }
    }
  }
  return true;
}

static bool
macros_equal(const void* const x, const void* const y)
{
  const AetherPatchMacro* const a = (const AetherPatchMacro*)x;
  const AetherPatchMacro* const b = (const AetherPatchMacro*)y;
  return a->macro == b->macro && !strcmp(a->node, b->node) &&
         !strcmp(a->param, b->param) && a->min == b->min && a->max == b->max &&
         a->curve == b->curve;
}

static bool
controllers_equal(const void* const x, const void* const y)
{
  const AetherPatchController* const a = (const AetherPatchController*)x;
  const AetherPatchController* const b = (const AetherPatchController*)y;
  return a->cc == b->cc && a->channel == b->channel &&
         !strcmp(a->node, b->node) && !strcmp(a->param, b->param) &&
         a->min == b->min && a->max == b->max && a->curve == b->curve;
}

/* True if `a` and `b` hold the same `n` mappings of `size` bytes (at most
   MAX_MAPS) in any order: they are equal as multisets. */
static bool
mappings_equal(const void* const a,
               const void* const b,
               const uint32_t    n,
               const size_t      size,
               bool (*const equal)(const void*, const void*))
{
  bool used[MAX_MAPS] = { false };
  for (uint32_t i = 0; i < n; ++i) {
    const void* const x     = (const char*)a + i * size;
    bool              found = false;
    for (uint32_t j = 0; j < n && !found; ++j) {
      if (!used[j] && equal(x, (const char*)b + j * size)) {
        used[j] = found = true;
      }
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

bool
aether_patch_equal(const AetherPatch* const a, const AetherPatch* const b)
{
  if (a->n_nodes != b->n_nodes || a->n_macros != b->n_macros ||
      a->n_controllers != b->n_controllers || a->voices != b->voices) {
    return false;
  }
  for (uint32_t i = 0; i < a->n_nodes; ++i) {
    const AetherPatchNode* const x = &a->nodes[i];
    const uint32_t               j = patch_find_index(b, x->name);
    if (j == PATCH_NONE || !nodes_equal(a, x, b, &b->nodes[j])) {
      return false;
    }
  }

  return mappings_equal(a->macros,
                        b->macros,
                        a->n_macros,
                        sizeof(AetherPatchMacro),
                        macros_equal) &&
         mappings_equal(a->controllers,
                        b->controllers,
                        a->n_controllers,
                        sizeof(AetherPatchController),
                        controllers_equal);
}
