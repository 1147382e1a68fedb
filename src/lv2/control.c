/* Aether LV2: the control side: patch loads and edits (from the worker,
   state restore and instantiate), serialized by the plugin's lock, which
   the audio thread never takes. Every edit is answered with a status. */

#include "plugin.h"

#include "../patch/patch.h"

#include <lv2/atom/util.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
aether_plugin_reply(AetherPlugin* const   p,
                    const AetherReplyKind kind,
                    const uint32_t        flags,
                    char* const           text)
{
  const size_t      len   = text ? strlen(text) : 0U;
  const AetherReply reply = {
    text, (uint32_t)kind, flags, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len
  };
  if (!aether_ring_push(&p->replies, &reply)) {
    free(text); /* nobody is listening: the status is still kept below */
  }
}

void
aether_plugin_voices_changed(AetherPlugin* const p)
{
  const uint32_t voices = aether_graph_voices(aether_engine_graph(p->engine));
  if (atomic_exchange_explicit(&p->voices, voices, memory_order_relaxed) !=
      voices) {
    aether_plugin_reply(p, AETHER_REPLY_VOICES, 0U, NULL);
  }
}

void
aether_plugin_reply_status(AetherPlugin* const p,
                           const uint32_t      flags,
                           const char* const   fmt,
                           ...)
{
  char    buf[600];
  va_list args;
  va_start(args, fmt);
  vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  const size_t len  = strlen(buf);
  char* const  text = (char*)malloc(len + 1U);
  if (text) {
    memcpy(text, buf, len + 1U);
    aether_plugin_reply(p, AETHER_REPLY_STATUS, flags, text);
  }
}

/* Apply a description and commit it; on a failed commit put the previous
   graph back, so a failed edit changes nothing. */
static AetherStatus
apply_and_commit(AetherPlugin* const      p,
                 const AetherPatch* const patch,
                 AetherError* const       err)
{
  AetherGraph* const graph = aether_engine_graph(p->engine);

  /* Never busy: a schedule the audio thread has not taken yet is replaced
     by this newer one (the engine parks and supersedes). */
  aether_engine_collect(p->engine);

  AetherPatch* before = NULL;
  AetherStatus st     = aether_patch_from_graph(graph, &before, err);
  if (st || (st = aether_patch_apply(patch, graph, err))) {
    aether_patch_free(before);
    return st;
  }
  if ((st = aether_engine_commit(p->engine, err))) {
    AetherError ignored;
    aether_patch_apply(before, graph, &ignored);
  } else {
    aether_plugin_voices_changed(p);
  }
  aether_patch_free(before);
  return st;
}

/* Commit a graph edit made in place; on failure, restore `before`. */
static AetherStatus
commit_or_restore(AetherPlugin* const      p,
                  const AetherPatch* const before,
                  AetherError* const       err)
{
  const AetherStatus st = aether_engine_commit(p->engine, err);
  if (st && before) {
    AetherError ignored;
    aether_patch_apply(before, aether_engine_graph(p->engine), &ignored);
  }
  return st;
}

AetherStatus
aether_plugin_load_text(AetherPlugin* const p,
                        const char* const   text,
                        const size_t        len,
                        const char* const   filename,
                        AetherError* const  err)
{
  AetherPatch* patch = NULL;
  pthread_mutex_lock(&p->lock);
  AetherStatus st = aether_patch_parse(text, len, filename, &patch, err);
  if (!st) {
    st = apply_and_commit(p, patch, err);
  }
  pthread_mutex_unlock(&p->lock);
  aether_patch_free(patch);
  return st;
}

AetherStatus
aether_plugin_load_file(AetherPlugin* const p,
                        const char* const   path,
                        AetherError* const  err)
{
  AetherPatch* patch = NULL;
  pthread_mutex_lock(&p->lock);
  AetherStatus st = aether_patch_read_file(path, &patch, err);
  if (!st) {
    st = apply_and_commit(p, patch, err);
  }
  pthread_mutex_unlock(&p->lock);
  aether_patch_free(patch);
  return st;
}

void
aether_plugin_explain(AetherPlugin* const p, const AetherBadValue* const bad)
{
  pthread_mutex_lock(&p->lock);
  AetherGraph* const graph = aether_engine_graph(p->engine);
  AetherHandle       h;
  if (!aether_graph_find(graph, bad->node, &h)) {
    const AetherNodeType* const type = aether_graph_node_type(graph, h);
    const int i = aether_node_type_param_index(type, bad->param);
    if (i >= 0) {
      char why[240];
      aether_param_explain(
        &type->params[i], bad->node, bad->value, why, sizeof(why));
      aether_plugin_reply_status(p, 0U, "error: %s", why);
    }
  }
  pthread_mutex_unlock(&p->lock);
}

char*
aether_plugin_patch_text(AetherPlugin* const p, AetherError* const err)
{
  char* text = NULL;
  pthread_mutex_lock(&p->lock);
  aether_engine_collect(p->engine); /* parameter changes made on audio */
  aether_patch_write(aether_engine_graph(p->engine), &text, err);
  pthread_mutex_unlock(&p->lock);
  return text;
}

bool
aether_plugin_text_blank(const char* const text, const size_t len)
{
  for (size_t i = 0; i < len; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' &&
        text[i] != '\r') {
      return false;
    }
  }
  return true;
}

void
aether_plugin_remember_file(AetherPlugin* const p,
                            const char* const   path,
                            const bool          stale)
{
  char* const copy = path ? strdup(path) : NULL;
  free(p->last_file);
  p->last_file  = copy;
  p->file_stale = copy && stale;
}

/* Atoms to patch values */

/* The text of a string-like atom (String, Path, URI), or NULL. */
static const char*
atom_text(const AetherPlugin* const p, const LV2_Atom* const atom)
{
  const AetherUris* const u = &p->uris;
  if (!atom || atom->size < 1U ||
      (atom->type != u->atom_String && atom->type != u->atom_Path &&
       atom->type != u->atom_URI)) {
    return NULL;
  }
  const char* const s = (const char*)LV2_ATOM_BODY_CONST(atom);
  return s[atom->size - 1U] == '\0' ? s : NULL;
}

/* An IRI given as a URI string or a URID. */
static const char*
atom_iri(const AetherPlugin* const p, const LV2_Atom* const atom)
{
  if (atom && atom->type == p->uris.atom_URID &&
      atom->size >= sizeof(LV2_URID)) {
    return p->unmap ? p->unmap->unmap(p->unmap->handle,
                                      ((const LV2_Atom_URID*)atom)->body)
                    : NULL;
  }
  return (atom && atom->type == p->uris.atom_URI) ? atom_text(p, atom) : NULL;
}

static AetherStatus
atom_value(const AetherPlugin* const p,
           const LV2_Atom* const     atom,
           AetherPatchValue* const   value,
           AetherError* const        err)
{
  const AetherUris* const u = &p->uris;
  value->string             = NULL;
  value->number             = 0.0;
  if (atom->type == u->atom_Float && atom->size >= sizeof(float)) {
    value->kind   = AETHER_PATCH_NUMBER;
    value->number = ((const LV2_Atom_Float*)atom)->body;
  } else if (atom->type == u->atom_Double && atom->size >= sizeof(double)) {
    value->kind   = AETHER_PATCH_NUMBER;
    value->number = ((const LV2_Atom_Double*)atom)->body;
  } else if (atom->type == u->atom_Int && atom->size >= sizeof(int32_t)) {
    value->kind   = AETHER_PATCH_NUMBER;
    value->number = ((const LV2_Atom_Int*)atom)->body;
  } else if (atom->type == u->atom_Long && atom->size >= sizeof(int64_t)) {
    value->kind   = AETHER_PATCH_NUMBER;
    value->number = (double)((const LV2_Atom_Long*)atom)->body;
  } else if (atom->type == u->atom_Bool && atom->size >= sizeof(int32_t)) {
    value->kind   = AETHER_PATCH_NUMBER;
    value->number = ((const LV2_Atom_Bool*)atom)->body ? 1.0 : 0.0;
  } else if ((value->string = atom_iri(p, atom))) {
    value->kind = AETHER_PATCH_IRI;
  } else if ((value->string = atom_text(p, atom))) {
    value->kind = AETHER_PATCH_STRING;
  } else {
    return aether_error(
      err, AETHER_ERR_BAD_VALUE, "a value of an unsupported atom type");
  }
  return AETHER_SUCCESS;
}

/* The description of a node as it is in the graph. */
static void
node_from_graph(const AetherGraph* const graph,
                const AetherHandle       h,
                AetherPatchNode* const   node)
{
  const AetherNodeType* const type = aether_graph_node_type(graph, h);
  AetherError                 ignored;
  aether_patch_node_init(
    node, aether_graph_node_name(graph, h), type->name, &ignored);
  node->poly = aether_graph_poly(graph, h);
  for (uint32_t i = 0; i < type->n_params; ++i) {
    node->params[i] = aether_graph_param(graph, h, i);
    node->params_set |= 1U << i;
  }
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    AetherHandle src;
    uint32_t     out = 0;
    if (aether_graph_input(graph, h, i, &src, &out)) {
      AetherPatchInput* const in = &node->inputs[i];
      snprintf(in->source,
               sizeof(in->source),
               "%s",
               aether_graph_node_name(graph, src));
      snprintf(in->output,
               sizeof(in->output),
               "%s",
               aether_graph_node_type(graph, src)->outputs[out].name);
      node->inputs_set |= 1U << i;
    }
  }
}

/* The value that disconnects an input. */
#define RDF_NIL "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"

/* ae:poly (a node's per-voice flag), as an IRI or a bare name. */
static bool
is_poly_property(const char* const property)
{
  return !strcmp(property, AETHER_PATCH_NS "poly") || !strcmp(property, "poly");
}

/* An input set to rdf:nil: disconnected (the node put again, whole). */
static AetherStatus
disconnect(AetherGraph* const graph,
           const AetherHandle h,
           const char* const  name,
           const char* const  input,
           bool* const        changed,
           AetherError* const err)
{
  const AetherNodeType* const type = aether_graph_node_type(graph, h);
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    if (!strcmp(type->inputs[i].name, input)) {
      AetherPatchNode node;
      node_from_graph(graph, h, &node);
      node.inputs_set &= ~(1U << i);
      memset(&node.inputs[i], 0, sizeof(node.inputs[i]));
      const AetherStatus st = aether_patch_put_node(graph, &node, err);
      *changed              = !st;
      return st;
    }
  }
  return aether_error(err,
                      AETHER_ERR_BAD_PARAM,
                      "ae:%.60s is not an input of \"%.63s\", so it cannot "
                      "be disconnected",
                      input,
                      name);
}

/* patch:Set of one node's parameter or input. */
static AetherStatus
set_node_property(AetherPlugin* const   p,
                  const char* const     subject,
                  const char* const     property,
                  const LV2_Atom* const value,
                  bool* const           changed,
                  AetherError* const    err)
{
  AetherGraph* const graph = aether_engine_graph(p->engine);
  const char* const  name =
    strncmp(subject, AETHER_PATCH_NODE_NS, sizeof(AETHER_PATCH_NODE_NS) - 1U)
       ? subject
       : subject + sizeof(AETHER_PATCH_NODE_NS) - 1U;
  AetherHandle h;
  if (aether_graph_find(graph, name, &h)) {
    return aether_error(
      err, AETHER_ERR_NOT_FOUND, "no node called \"%.63s\"", name);
  }

  AetherPatchValue v;
  AetherStatus     st = atom_value(p, value, &v, err);
  if (st) {
    return st;
  }

  /* A number for a parameter is checked here with the words run() uses for
     the sets it applies itself (messages.c), so both paths answer alike. */
  const AetherNodeType* const type = aether_graph_node_type(graph, h);
  const char* const           bare =
    strncmp(property, AETHER_PATCH_NS, sizeof(AETHER_PATCH_NS) - 1U)
                ? property
                : property + sizeof(AETHER_PATCH_NS) - 1U;
  if (v.kind == AETHER_PATCH_IRI && !strcmp(v.string, RDF_NIL)) {
    return disconnect(graph, h, name, bare, changed, err);
  }

  const int param = aether_node_type_param_index(type, bare);
  if (param >= 0 && v.kind == AETHER_PATCH_NUMBER &&
      aether_param_check(&type->params[param], (float)v.number)) {
    char why[240];
    aether_param_explain(
      &type->params[param], name, (float)v.number, why, sizeof(why));
    return aether_error(err, AETHER_ERR_BAD_VALUE, "%s", why);
  }

  /* Let the patch module interpret the property and value as a reader
     would, on a fresh description of the node's type. */
  const bool      poly = is_poly_property(property);
  AetherPatchNode probe;
  if ((st = aether_patch_node_init(&probe, name, type->name, err)) ||
      (st = poly ? aether_patch_node_set_poly(&probe, &v, err)
                 : aether_patch_node_set(&probe, property, &v, err))) {
    return st;
  }

  if (probe.params_set) {
    const uint32_t i = (uint32_t)__builtin_ctz(probe.params_set);
    return aether_engine_set_param(p->engine, h, i, probe.params[i], err);
  }
  if (probe.layout_set) {
    /* One coordinate of the node's place in the editor: the other is kept
       (0 for a node that had none). Layout only: no sound changes. */
    float x = 0.0f;
    float y = 0.0f;
    aether_graph_position(graph, h, &x, &y);
    x = (probe.layout_set & AETHER_PATCH_X) ? probe.x : x;
    y = (probe.layout_set & AETHER_PATCH_Y) ? probe.y : y;
    if ((st = aether_graph_set_position(graph, h, x, y, err))) {
      return st;
    }
    *changed = true;
    return AETHER_SUCCESS;
  }

  /* An input or the node's per-voice flag: put the node again, whole. */
  AetherPatchNode node;
  node_from_graph(graph, h, &node);
  if (poly) {
    node.poly = probe.poly;
  } else if (probe.inputs_set) {
    const uint32_t i = (uint32_t)__builtin_ctz(probe.inputs_set);
    node.inputs[i]   = probe.inputs[i];
    node.inputs_set |= 1U << i;
  } else {
    return aether_error(
      err, AETHER_ERR_BAD_PARAM, "%.100s: nothing to set", property);
  }
  if ((st = aether_patch_put_node(graph, &node, err))) {
    return st;
  }
  *changed = true;
  return AETHER_SUCCESS;
}

/* Replace a node by one of another type: the whole patch with the node
   swapped is validated, then applied (which keeps every other node's
   instance), so a refused replacement changes nothing. */
static AetherStatus
replace_node(AetherGraph* const           graph,
             const AetherPatchNode* const node,
             AetherError* const           err)
{
  AetherPatch* now  = NULL;
  AetherPatch* next = NULL;
  AetherStatus st   = aether_patch_from_graph(graph, &now, err);
  if (!st && !(st = aether_patch_replace_node(now, node, &next, err))) {
    st = aether_patch_apply(next, graph, err);
  }
  aether_patch_free(now);
  aether_patch_free(next);
  return st;
}

/* True if property `key` of `body` is an atom:URID. */
static bool
prop_is_urid(const AetherPlugin* const    p,
             const LV2_Atom_Object* const body,
             const LV2_URID               key)
{
  LV2_ATOM_OBJECT_FOREACH(body, prop)
  {
    if (prop->key == key) {
      return prop->value.type == p->uris.atom_URID;
    }
  }
  return false;
}

/* patch:Put: create or replace a node from the body's properties. */
static AetherStatus
put_node(AetherPlugin* const          p,
         const char* const            subject,
         const LV2_Atom_Object* const body,
         AetherError* const           err)
{
  const char* type     = NULL;
  bool        has_type = false;
  LV2_ATOM_OBJECT_FOREACH(body, prop)
  {
    if (prop->key == p->uris.rdf_type) {
      type     = atom_iri(p, &prop->value);
      has_type = true;
    }
  }
  if (has_type && !type && !p->unmap &&
      prop_is_urid(p, body, p->uris.rdf_type)) {
    return aether_error(err,
                        AETHER_ERR_UNSUPPORTED,
                        "patch:Put of %.100s: its rdf:type is a URID, which "
                        "needs the host's urid:unmap feature",
                        subject);
  }
  if (!type) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "patch:Put of %.100s: the body has no rdf:type",
                        subject);
  }

  AetherPatchNode node;
  AetherStatus    st = aether_patch_node_init(&node, subject, type, err);
  if (st) {
    return st;
  }
  LV2_ATOM_OBJECT_FOREACH(body, prop)
  {
    if (prop->key == p->uris.rdf_type) {
      continue;
    }
    const char* const key =
      p->unmap ? p->unmap->unmap(p->unmap->handle, prop->key) : NULL;
    AetherPatchValue v;
    if (!key) {
      return aether_error(err,
                          AETHER_ERR_UNSUPPORTED,
                          "patch:Put needs the host's urid:unmap feature");
    }
    if ((st = atom_value(p, &prop->value, &v, err)) ||
        (st = is_poly_property(key)
                ? aether_patch_node_set_poly(&node, &v, err)
                : aether_patch_node_set(&node, key, &v, err))) {
      return st;
    }
  }

  AetherGraph* const graph = aether_engine_graph(p->engine);
  AetherHandle       h;
  if (!aether_graph_find(graph, node.name, &h) &&
      aether_graph_node_type(graph, h) != node.type) {
    return replace_node(graph, &node, err);
  }
  return aether_patch_put_node(graph, &node, err);
}

/* patch:Set of ae:voices: the voice count of the per-voice part, a
   structural edit like a patch load (new voices are made here, on the
   worker, never on the audio thread). */
static AetherStatus
set_voices(AetherPlugin* const   p,
           const LV2_Atom* const value,
           bool* const           changed,
           AetherError* const    err)
{
  AetherPatchValue v;
  AetherStatus     st =
    value ? atom_value(p, value, &v, err)
              : aether_error(err, AETHER_ERR_BAD_ARG, "patch:Set without a value");
  if (st) {
    return st;
  }
  if (v.kind != AETHER_PATCH_NUMBER || !(v.number >= 1.0) ||
      !(v.number <= (double)AETHER_MAX_VOICES) || v.number != floor(v.number)) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "ae:voices must be a whole number from 1 to %d",
                        AETHER_MAX_VOICES);
  }

  AetherGraph* const graph  = aether_engine_graph(p->engine);
  AetherPatch*       before = NULL;
  if ((st = aether_patch_from_graph(graph, &before, err))) {
    return st;
  }
  if (!(st = aether_graph_set_voices(graph, (uint32_t)v.number, err)) &&
      !(st = commit_or_restore(p, before, err))) {
    *changed = true;
    aether_plugin_voices_changed(p);
  }
  aether_patch_free(before);
  return st;
}

static AetherStatus
edit(AetherPlugin* const          p,
     const LV2_Atom_Object* const obj,
     bool* const                  changed,
     AetherError* const           err)
{
  const AetherUris* const u        = &p->uris;
  const LV2_Atom*         subject  = NULL;
  const LV2_Atom*         property = NULL;
  const LV2_Atom*         value    = NULL;
  const LV2_Atom*         body     = NULL;
  lv2_atom_object_get(obj,
                      u->patch_subject,
                      &subject,
                      u->patch_property,
                      &property,
                      u->patch_value,
                      &value,
                      u->patch_body,
                      &body,
                      0);
  const LV2_URID    prop = (property && property->type == u->atom_URID &&
                         property->size >= sizeof(LV2_URID))
                             ? ((const LV2_Atom_URID*)property)->body
                             : 0U;
  const char* const node = atom_iri(p, subject);

  if (obj->body.otype == u->patch_Get) {
    char* text = NULL;
    aether_engine_collect(p->engine);
    const AetherStatus st =
      aether_patch_write(aether_engine_graph(p->engine), &text, err);
    if (!st) {
      aether_plugin_reply(p, AETHER_REPLY_PATCH, 0U, text);
    }
    return st;
  }

  if (obj->body.otype == u->patch_Set && prop == u->ae_patch) {
    const char* const text = atom_text(p, value);
    if (!text) {
      return aether_error(
        err, AETHER_ERR_BAD_VALUE, "urn:aether:patch needs a string value");
    }
    if (aether_plugin_text_blank(text, strlen(text))) {
      return aether_error(err,
                          AETHER_ERR_BAD_VALUE,
                          "the patch text is empty (to clear the patch, send "
                          "a patch without nodes)");
    }
    AetherPatch* patch = NULL;
    AetherStatus st =
      aether_patch_parse(text, strlen(text), "patch", &patch, err);
    if (!st && !(st = apply_and_commit(p, patch, err))) {
      *changed = true;
      aether_plugin_remember_file(p, NULL, false);
    }
    aether_patch_free(patch);
    return st;
  }

  if (obj->body.otype == u->patch_Set && prop == u->ae_patchFile) {
    const char* const path = atom_text(p, value);
    if (!path) {
      return aether_error(
        err, AETHER_ERR_BAD_VALUE, "urn:aether:patchFile needs a path value");
    }
    if (p->file_stale && p->last_file && !strcmp(path, p->last_file)) {
      /* A host re-sending the file a restored state has replaced (Carla
         does on reload): the state is newer, keep it (once). */
      p->file_stale = false;
      return AETHER_SUCCESS;
    }
    AetherPatch* patch = NULL;
    AetherStatus st    = aether_patch_read_file(path, &patch, err);
    if (!st && !(st = apply_and_commit(p, patch, err))) {
      *changed = true;
      aether_plugin_remember_file(p, path, false);
    }
    aether_patch_free(patch);
    return st;
  }

  if (obj->body.otype == u->patch_Set && prop == u->ae_voices &&
      (!node || !strcmp(node, AETHER_URI_FX) ||
       !strcmp(node, AETHER_URI_SYNTH))) {
    return set_voices(p, value, changed, err);
  }

  if (!node) {
    return aether_error(
      err,
      AETHER_ERR_BAD_ARG,
      "the message has no node subject (urn:aether:node:NAME)");
  }

  AetherGraph* const graph  = aether_engine_graph(p->engine);
  AetherPatch*       before = NULL;
  AetherStatus       st     = aether_patch_from_graph(graph, &before, err);
  if (st) {
    return st;
  }

  if (obj->body.otype == u->patch_Set) {
    const char* const key =
      prop && p->unmap ? p->unmap->unmap(p->unmap->handle, prop) : NULL;
    st = !value
           ? aether_error(err, AETHER_ERR_BAD_ARG, "patch:Set without a value")
         : !key ? aether_error(err,
                               AETHER_ERR_UNSUPPORTED,
                               "patch:Set of a node needs a known property and "
                               "the host's urid:unmap feature")
                : set_node_property(p, node, key, value, changed, err);
  } else if (obj->body.otype == u->patch_Put) {
    st =
      (!body || (body->type != u->atom_Object && body->type != u->atom_Blank))
        ? aether_error(err, AETHER_ERR_BAD_ARG, "patch:Put without a body")
        : put_node(p, node, (const LV2_Atom_Object*)body, err);
    *changed = !st;
  } else if (obj->body.otype == u->patch_Delete) {
    st       = aether_patch_delete_node(graph, node, err);
    *changed = !st;
  } else {
    st = aether_error(err, AETHER_ERR_UNSUPPORTED, "unknown message type");
  }

  if (!st && *changed) {
    st       = commit_or_restore(p, before, err);
    *changed = !st;
  }
  aether_patch_free(before);
  return st;
}

void
aether_plugin_edit(AetherPlugin* const p, const LV2_Atom_Object* const obj)
{
  AetherError err;
  bool        changed = false;
  aether_error_clear(&err);

  pthread_mutex_lock(&p->lock);
  aether_engine_collect(p->engine); /* sets made on audio before this edit */
  aether_plugin_free_spent(p);
  const AetherStatus st = edit(p, obj, &changed, &err);
  if (st) {
    aether_plugin_reply_status(p, 0U, "error: %s", err.message);
  } else if (obj->body.otype != p->uris.patch_Get) {
    aether_plugin_reply_status(p, changed ? AETHER_REPLY_CHANGED : 0U, "ok");
  }
  pthread_mutex_unlock(&p->lock);
}
