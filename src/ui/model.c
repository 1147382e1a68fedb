/* Aether UI: the editor's model (see model.h): notify messages in, patch
   messages out. */

#include "model.h"

#include "../nodes/registry.h"

#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS AETHER_PATCH_NS
#define NODE_NS AETHER_PATCH_NODE_NS
#define NODE_NS_LEN (sizeof(NODE_NS) - 1U)

#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define RDF_NIL "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
#define RDF_VALUE "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"

/* How deep objects may nest in a notify message (none are nested today). */
#define MAX_DEPTH 4U

/* Longest URI the model writes: a namespace, two names and a dot. */
#define URI_SIZE (sizeof(NODE_NS) + 2U * AETHER_MAX_NAME + 2U)

typedef struct {
  LV2_URID atom_Blank;
  LV2_URID atom_Bool;
  LV2_URID atom_Double;
  LV2_URID atom_Float;
  LV2_URID atom_Int;
  LV2_URID atom_Long;
  LV2_URID atom_Object;
  LV2_URID atom_Sequence;
  LV2_URID atom_String;
  LV2_URID atom_URI;
  LV2_URID atom_URID;
  LV2_URID patch_Delete;
  LV2_URID patch_Get;
  LV2_URID patch_Put;
  LV2_URID patch_Set;
  LV2_URID patch_body;
  LV2_URID patch_property;
  LV2_URID patch_subject;
  LV2_URID patch_value;
  LV2_URID rdf_type;
  LV2_URID state_StateChanged;
  LV2_URID ae_patch;
  LV2_URID ae_patchLength;
  LV2_URID ae_patchPart;
  LV2_URID ae_partOffset;
  LV2_URID ae_poly;
  LV2_URID ae_status;
  LV2_URID ae_voices;
  LV2_URID ae_x;
  LV2_URID ae_y;
  LV2_URID rdf_value;
} UiUris;

struct AetherUiModelImpl {
  LV2_URID_Map*  map;
  UiUris         uris;
  AetherPatch*   patch;      /**< the plugin's, never NULL */
  AetherUiLayout layout;     /**< of `patch` */
  bool           has_patch;  /**< the plugin has sent one */
  bool           stale;      /**< the plugin's patch changed since asked */
  bool           edits_sent; /**< edits sent since the patch was asked */
  uint32_t       voices;
  uint32_t       revision;
  uint32_t       n_patches;  /**< patches received */
  uint32_t       n_statuses; /**< status messages received */
  char           status[AETHER_UI_STATUS_SIZE];
  char           selected[AETHER_MAX_NAME]; /**< "" : none */
  AetherUiView   view;
  char*          part;       /**< a patch arriving in pieces, or NULL */
  uint32_t       part_len;   /**< its whole length, in bytes */
  uint32_t       part_got;   /**< bytes of it received */
  bool           part_retry; /**< a broken one asked for the patch again */
};

static LV2_URID
map_uri(const AetherUiModel* const model, const char* const uri)
{
  return model->map->map(model->map->handle, uri);
}

static void
map_uris(AetherUiModel* const model)
{
  UiUris* const u       = &model->uris;
  u->atom_Blank         = map_uri(model, LV2_ATOM__Blank);
  u->atom_Bool          = map_uri(model, LV2_ATOM__Bool);
  u->atom_Double        = map_uri(model, LV2_ATOM__Double);
  u->atom_Float         = map_uri(model, LV2_ATOM__Float);
  u->atom_Int           = map_uri(model, LV2_ATOM__Int);
  u->atom_Long          = map_uri(model, LV2_ATOM__Long);
  u->atom_Object        = map_uri(model, LV2_ATOM__Object);
  u->atom_Sequence      = map_uri(model, LV2_ATOM__Sequence);
  u->atom_String        = map_uri(model, LV2_ATOM__String);
  u->atom_URI           = map_uri(model, LV2_ATOM__URI);
  u->atom_URID          = map_uri(model, LV2_ATOM__URID);
  u->patch_Delete       = map_uri(model, LV2_PATCH__Delete);
  u->patch_Get          = map_uri(model, LV2_PATCH__Get);
  u->patch_Put          = map_uri(model, LV2_PATCH__Put);
  u->patch_Set          = map_uri(model, LV2_PATCH__Set);
  u->patch_body         = map_uri(model, LV2_PATCH__body);
  u->patch_property     = map_uri(model, LV2_PATCH__property);
  u->patch_subject      = map_uri(model, LV2_PATCH__subject);
  u->patch_value        = map_uri(model, LV2_PATCH__value);
  u->rdf_type           = map_uri(model, RDF_TYPE);
  u->state_StateChanged = map_uri(model, LV2_STATE__StateChanged);
  u->ae_patch           = map_uri(model, NS "patch");
  u->ae_patchLength     = map_uri(model, NS "patchLength");
  u->ae_patchPart       = map_uri(model, NS "patchPart");
  u->ae_partOffset      = map_uri(model, NS "partOffset");
  u->ae_poly            = map_uri(model, NS "poly");
  u->ae_status          = map_uri(model, NS "status");
  u->ae_voices          = map_uri(model, NS "voices");
  u->ae_x               = map_uri(model, NS "x");
  u->ae_y               = map_uri(model, NS "y");
  u->rdf_value          = map_uri(model, RDF_VALUE);
}

AetherUiModel*
aether_ui_model_new(LV2_URID_Map* const map)
{
  if (!map) {
    return NULL;
  }
  AetherUiModel* const model = (AetherUiModel*)calloc(1, sizeof(*model));
  if (!model || !(model->patch = aether_patch_new())) {
    free(model);
    return NULL;
  }
  model->map        = map;
  model->voices     = 1U;
  model->view.zoom  = 1.0;
  model->view.pan_x = 0.0;
  model->view.pan_y = 0.0;
  map_uris(model);
  return model;
}

void
aether_ui_model_free(AetherUiModel* const model)
{
  if (model) {
    aether_patch_free(model->patch);
    aether_ui_layout_free(&model->layout);
    free(model->part);
    free(model);
  }
}

/* Reading notify */

static void
changed(AetherUiModel* const model)
{
  ++model->revision;
}

/* True if every property of `obj`, down to `depth` levels of nested
   objects, lies inside its container. */
static bool
object_valid(const AetherUiModel* const   model,
             const LV2_Atom_Object* const obj,
             const uint32_t               depth)
{
  if (obj->atom.size < sizeof(LV2_Atom_Object_Body)) {
    return false;
  }
  const uint8_t* const end = (const uint8_t*)&obj->body + obj->atom.size;
  const uint8_t*       it  = (const uint8_t*)(&obj->body + 1);
  while (it < end) {
    const size_t                        left = (size_t)(end - it);
    const LV2_Atom_Property_Body* const prop =
      (const LV2_Atom_Property_Body*)it;
    if (left < sizeof(LV2_Atom_Property_Body) ||
        prop->value.size > left - sizeof(LV2_Atom_Property_Body)) {
      return false;
    }
    if ((prop->value.type == model->uris.atom_Object ||
         prop->value.type == model->uris.atom_Blank) &&
        (!depth || !object_valid(model,
                                 (const LV2_Atom_Object*)&prop->value,
                                 depth - 1U))) {
      return false;
    }
    it += lv2_atom_pad_size((uint32_t)sizeof(LV2_Atom_Property_Body) +
                            prop->value.size);
  }
  return true;
}

/* A number atom's value; false if `atom` is not one. */
static bool
atom_number(const AetherUiModel* const model,
            const LV2_Atom* const      atom,
            double* const              value)
{
  const UiUris* const u = &model->uris;
  if (!atom) {
    return false;
  }
  if (atom->type == u->atom_Float && atom->size >= sizeof(float)) {
    *value = ((const LV2_Atom_Float*)atom)->body;
  } else if (atom->type == u->atom_Double && atom->size >= sizeof(double)) {
    *value = ((const LV2_Atom_Double*)atom)->body;
  } else if (atom->type == u->atom_Int && atom->size >= sizeof(int32_t)) {
    *value = ((const LV2_Atom_Int*)atom)->body;
  } else if (atom->type == u->atom_Long && atom->size >= sizeof(int64_t)) {
    *value = (double)((const LV2_Atom_Long*)atom)->body;
  } else if (atom->type == u->atom_Bool && atom->size >= sizeof(int32_t)) {
    *value = ((const LV2_Atom_Bool*)atom)->body ? 1.0 : 0.0;
  } else {
    return false;
  }
  return isfinite(*value);
}

/* The text of a String atom and its length (it need not be terminated),
   or NULL. */
static const char*
atom_string(const AetherUiModel* const model,
            const LV2_Atom* const      atom,
            size_t* const              len)
{
  if (!atom || atom->type != model->uris.atom_String) {
    return NULL;
  }
  const char* const text = (const char*)LV2_ATOM_BODY_CONST(atom);
  *len                   = strnlen(text, atom->size);
  return text;
}

/* The node name of a subject urn:aether:node:NAME given as a URI string,
   copied into `name`; false if it is none. */
static bool
subject_node(const AetherUiModel* const model,
             const LV2_Atom* const      subject,
             char* const                name)
{
  if (!subject || subject->type != model->uris.atom_URI) {
    return false;
  }
  const char* const uri = (const char*)LV2_ATOM_BODY_CONST(subject);
  const size_t      len = strnlen(uri, subject->size);
  if (len <= NODE_NS_LEN || len - NODE_NS_LEN >= AETHER_MAX_NAME ||
      strncmp(uri, NODE_NS, NODE_NS_LEN)) {
    return false;
  }
  memcpy(name, uri + NODE_NS_LEN, len - NODE_NS_LEN);
  name[len - NODE_NS_LEN] = '\0';
  return true;
}

static void
set_status(AetherUiModel* const model, const char* const text, size_t len)
{
  if (len >= sizeof(model->status)) {
    len = sizeof(model->status) - 1U;
  }
  for (size_t i = 0; i < len; ++i) {
    const char c     = text[i];
    model->status[i] = (unsigned char)c < 0x20U ? ' ' : c; /* one line */
  }
  model->status[len] = '\0';
}

/* Show `patch` (taken): laid out, the selection kept if it is still
   there. */
static void
show(AetherUiModel* const model, AetherPatch* const patch)
{
  aether_patch_free(model->patch);
  model->patch = patch;
  if (aether_ui_layout_compute(&model->layout, patch)) {
    aether_ui_layout_free(&model->layout); /* drawn as empty */
  }
  if (model->selected[0] && !aether_patch_find(patch, model->selected)) {
    model->selected[0] = '\0';
  }
  ++model->revision;
}

/* Show the patch text `text` (`len` bytes) the plugin sent. */
static bool
receive_patch_text(AetherUiModel* const model,
                   const char* const    text,
                   const size_t         len)
{
  AetherPatch*       patch = NULL;
  AetherError        err;
  const AetherStatus st = aether_patch_parse(text, len, "patch", &patch, &err);
  if (st) {
    /* A patch this editor cannot read (a node type of a newer plugin): the
       last one stays in view, and the status says why. */
    char msg[AETHER_UI_STATUS_SIZE];
    snprintf(
      msg, sizeof(msg), "cannot show the plugin's patch: %s", err.message);
    set_status(model, msg, strlen(msg));
    changed(model);
    return true;
  }

  show(model, patch);
  ++model->n_patches;
  model->has_patch  = true;
  model->stale      = false;
  model->voices     = aether_patch_voices(patch);
  model->part_retry = false;
  return true;
}

/* Forget a patch arriving in pieces. */
static void
drop_part(AetherUiModel* const model)
{
  free(model->part);
  model->part     = NULL;
  model->part_len = 0U;
  model->part_got = 0U;
}

static bool
receive_patch(AetherUiModel* const model, const LV2_Atom* const value)
{
  size_t            len  = 0;
  const char* const text = atom_string(model, value, &len);
  if (!text) {
    return false;
  }
  drop_part(model); /* a whole patch is newer than any pieces before it */
  return receive_patch_text(model, text, len);
}

/* A whole number from 0 to AETHER_PATCH_MAX_SIZE in an Int or Long atom. */
static bool
atom_size(const AetherUiModel* const model,
          const LV2_Atom* const      atom,
          uint32_t* const            size)
{
  int64_t v = -1;
  if (!atom) {
    return false;
  }
  if (atom->type == model->uris.atom_Int && atom->size >= sizeof(int32_t)) {
    v = ((const LV2_Atom_Int*)atom)->body;
  } else if (atom->type == model->uris.atom_Long &&
             atom->size >= sizeof(int64_t)) {
    v = ((const LV2_Atom_Long*)atom)->body;
  }
  if (v < 0 || v > (int64_t)AETHER_PATCH_MAX_SIZE) {
    return false;
  }
  *size = (uint32_t)v;
  return true;
}

/* A sequence of pieces went wrong: drop it and say so. The patch is asked
   for again once (not again until one arrives whole, so that a host which
   keeps losing pieces cannot make the editor ask forever). */
static bool
broken_part(AetherUiModel* const model, const char* const why)
{
  char msg[AETHER_UI_STATUS_SIZE];
  snprintf(msg,
           sizeof(msg),
           "the plugin's patch arrived incomplete (%s): the view keeps the "
           "last whole one",
           why);
  set_status(model, msg, strlen(msg));
  drop_part(model);
  if (!model->part_retry) {
    model->part_retry = true;
    model->stale      = true;
  }
  changed(model);
  return true;
}

/* One piece of a patch too long for one message (ae:patchPart, see
   src/lv2/messages.c): an object with ae:partOffset, ae:patchLength and
   rdf:value (the piece). Pieces come in order; the text is shown once it
   is whole. */
static bool
receive_part(AetherUiModel* const model, const LV2_Atom* const value)
{
  const UiUris* const u = &model->uris;
  if (value->type != u->atom_Object && value->type != u->atom_Blank) {
    return false;
  }
  const LV2_Atom* offset_atom = NULL;
  const LV2_Atom* length_atom = NULL;
  const LV2_Atom* piece_atom  = NULL;
  lv2_atom_object_get((const LV2_Atom_Object*)value,
                      u->ae_partOffset,
                      &offset_atom,
                      u->ae_patchLength,
                      &length_atom,
                      u->rdf_value,
                      &piece_atom,
                      0);
  uint32_t          offset = 0U;
  uint32_t          total  = 0U;
  size_t            n      = 0U;
  const char* const piece  = atom_string(model, piece_atom, &n);
  if (!atom_size(model, offset_atom, &offset) ||
      !atom_size(model, length_atom, &total) || !piece || !n) {
    return model->part ? broken_part(model, "a piece without its place")
                       : false;
  }

  char why[120];
  if (!offset) {
    /* A new patch: newer than any pieces of one left unfinished. */
    drop_part(model);
    model->part = (char*)malloc((size_t)total + 1U);
    if (!model->part) {
      return broken_part(model, "out of memory");
    }
    model->part_len = total;
  } else if (!model->part) {
    return false; /* the rest of a patch sent before this editor listened */
  }
  if (offset != model->part_got || total != model->part_len ||
      n > (size_t)(total - offset)) {
    snprintf(why,
             sizeof(why),
             "%zu bytes at byte %u of %u where byte %u of %u was due",
             n,
             offset,
             total,
             model->part_got,
             model->part_len);
    return broken_part(model, why);
  }

  memcpy(model->part + offset, piece, n);
  model->part_got += (uint32_t)n;
  if (model->part_got < model->part_len) {
    return false; /* nothing to show yet */
  }
  char* const    text = model->part;
  const uint32_t len  = model->part_len;
  text[len]           = '\0';
  model->part         = NULL;
  drop_part(model);
  const bool shown = receive_patch_text(model, text, len);
  free(text);
  return shown;
}

/* An acknowledged parameter set: node `name`'s parameter `property` is now
   `value`. */
static bool
receive_ack(AetherUiModel* const  model,
            const char* const     name,
            const LV2_URID        property,
            const LV2_Atom* const value)
{
  const AetherPatchNode* const node = aether_patch_find(model->patch, name);
  double                       v    = 0.0;
  if (!node || !atom_number(model, value, &v)) {
    return false;
  }

  const AetherNodeType* const type = node->type;
  for (uint32_t p = 0; p < type->n_params; ++p) {
    char uri[URI_SIZE];
    snprintf(uri, sizeof(uri), "%s%s", NS, type->params[p].name);
    if (map_uri(model, uri) != property) {
      continue;
    }
    if (aether_param_check(&type->params[p], (float)v) ||
        node->params[p] == (float)v) {
      return false;
    }

    AetherPatchNode copy = *node;
    AetherPatch*    next = NULL;
    AetherError     err;
    copy.params[p] = (float)v;
    copy.params_set |= 1U << p;
    if (aether_patch_replace_node(model->patch, &copy, &next, &err)) {
      return false; /* out of memory: the patch is asked for again */
    }
    show(model, next);
    return true;
  }
  return false;
}

static bool
receive_set(AetherUiModel* const model, const LV2_Atom_Object* const obj)
{
  const UiUris* const u        = &model->uris;
  const LV2_Atom*     subject  = NULL;
  const LV2_Atom*     property = NULL;
  const LV2_Atom*     value    = NULL;
  lv2_atom_object_get(obj,
                      u->patch_subject,
                      &subject,
                      u->patch_property,
                      &property,
                      u->patch_value,
                      &value,
                      0);
  if (!property || property->type != u->atom_URID ||
      property->size < sizeof(LV2_URID) || !value) {
    return false;
  }
  const LV2_URID prop = ((const LV2_Atom_URID*)property)->body;

  char name[AETHER_MAX_NAME];
  if (subject_node(model, subject, name)) {
    return receive_ack(model, name, prop, value);
  }

  if (prop == u->ae_patch) {
    return receive_patch(model, value);
  }

  if (prop == u->ae_patchPart) {
    return receive_part(model, value);
  }

  if (prop == u->ae_status) {
    size_t            len  = 0;
    const char* const text = atom_string(model, value, &len);
    if (!text) {
      return false;
    }
    set_status(model, text, len);
    ++model->n_statuses;
    if (model->edits_sent) {
      model->stale = true; /* an answer to an edit: see what it did */
    }
    changed(model);
    return true;
  }

  if (prop == u->ae_voices) {
    double v = 0.0;
    if (!atom_number(model, value, &v) || v < 1.0 || v > AETHER_MAX_VOICES ||
        v != floor(v) || (uint32_t)v == model->voices) {
      return false;
    }
    model->voices = (uint32_t)v;
    AetherError ignored;
    aether_patch_set_voices(model->patch, model->voices, &ignored);
    changed(model);
    return true;
  }
  return false;
}

static bool
receive_object(AetherUiModel* const model, const LV2_Atom_Object* const obj)
{
  if (!object_valid(model, obj, MAX_DEPTH)) {
    return false;
  }
  if (obj->body.otype == model->uris.patch_Set) {
    return receive_set(model, obj);
  }
  if (obj->body.otype == model->uris.state_StateChanged) {
    model->stale = true;
    return false; /* nothing to show until the patch comes */
  }
  return false;
}

bool
aether_ui_model_receive(AetherUiModel* const model, const LV2_Atom* const atom)
{
  const UiUris* const u = &model->uris;
  if (!atom) {
    return false;
  }
  if (atom->type == u->atom_Object || atom->type == u->atom_Blank) {
    return receive_object(model, (const LV2_Atom_Object*)atom);
  }
  if (atom->type != u->atom_Sequence ||
      atom->size < sizeof(LV2_Atom_Sequence_Body)) {
    return false;
  }

  /* A whole notify sequence: every event that lies inside it. */
  bool                 any = false;
  const uint8_t* const end =
    (const uint8_t*)LV2_ATOM_BODY_CONST(atom) + atom->size;
  const uint8_t* it =
    (const uint8_t*)LV2_ATOM_BODY_CONST(atom) + sizeof(LV2_Atom_Sequence_Body);
  while (it < end) {
    const size_t                left = (size_t)(end - it);
    const LV2_Atom_Event* const ev   = (const LV2_Atom_Event*)it;
    if (left < sizeof(LV2_Atom_Event) ||
        ev->body.size > left - sizeof(LV2_Atom_Event)) {
      break; /* cut short: the rest is not read */
    }
    if (ev->body.type == u->atom_Object || ev->body.type == u->atom_Blank) {
      any |= receive_object(model, (const LV2_Atom_Object*)&ev->body);
    }
    it += lv2_atom_pad_size((uint32_t)sizeof(LV2_Atom_Event) + ev->body.size);
  }
  return any;
}

const AetherPatch*
aether_ui_model_patch(const AetherUiModel* const model)
{
  return model->patch;
}

const AetherUiLayout*
aether_ui_model_layout(const AetherUiModel* const model)
{
  return &model->layout;
}

bool
aether_ui_model_has_patch(const AetherUiModel* const model)
{
  return model->has_patch;
}

const char*
aether_ui_model_status(const AetherUiModel* const model)
{
  return model->status;
}

uint32_t
aether_ui_model_voices(const AetherUiModel* const model)
{
  return model->voices;
}

bool
aether_ui_model_wants_patch(const AetherUiModel* const model)
{
  return model->stale;
}

uint32_t
aether_ui_model_revision(const AetherUiModel* const model)
{
  return model->revision;
}

uint32_t
aether_ui_model_n_patches(const AetherUiModel* const model)
{
  return model->n_patches;
}

uint32_t
aether_ui_model_n_statuses(const AetherUiModel* const model)
{
  return model->n_statuses;
}

/* The editor's own state */

AetherStatus
aether_ui_model_select(AetherUiModel* const model, const char* const name)
{
  if (!name) {
    if (model->selected[0]) {
      model->selected[0] = '\0';
      changed(model);
    }
    return AETHER_SUCCESS;
  }
  const AetherPatchNode* const node = aether_patch_find(model->patch, name);
  if (!node) {
    return AETHER_ERR_NOT_FOUND;
  }
  if (strcmp(model->selected, node->name)) {
    memcpy(model->selected, node->name, sizeof(model->selected));
    changed(model);
  }
  return AETHER_SUCCESS;
}

const char*
aether_ui_model_selected(const AetherUiModel* const model)
{
  return model->selected[0] ? model->selected : NULL;
}

const AetherUiView*
aether_ui_model_view(const AetherUiModel* const model)
{
  return &model->view;
}

AetherStatus
aether_ui_model_set_view(AetherUiModel* const      model,
                         const AetherUiView* const view)
{
  if (!isfinite(view->zoom) || !isfinite(view->pan_x) ||
      !isfinite(view->pan_y)) {
    return AETHER_ERR_BAD_VALUE;
  }
  AetherUiView v = *view;
  v.zoom         = v.zoom < AETHER_UI_MIN_ZOOM   ? AETHER_UI_MIN_ZOOM
                   : v.zoom > AETHER_UI_MAX_ZOOM ? AETHER_UI_MAX_ZOOM
                                                 : v.zoom;
  if (memcmp(&v, &model->view, sizeof(v))) {
    model->view = v;
    changed(model);
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_ui_model_zoom_at(AetherUiModel* const model,
                        const double         factor,
                        const double         wx,
                        const double         wy)
{
  const AetherUiView* const now = &model->view;
  if (!isfinite(factor) || !(factor > 0.0) || !isfinite(wx) || !isfinite(wy)) {
    return AETHER_ERR_BAD_VALUE;
  }
  double zoom = now->zoom * factor;
  zoom        = zoom < AETHER_UI_MIN_ZOOM   ? AETHER_UI_MIN_ZOOM
                : zoom > AETHER_UI_MAX_ZOOM ? AETHER_UI_MAX_ZOOM
                                            : zoom;

  /* The patch point under (wx, wy) stays there. */
  const double       px   = (wx - now->pan_x) / now->zoom;
  const double       py   = (wy - now->pan_y) / now->zoom;
  const AetherUiView next = { zoom, wx - px * zoom, wy - py * zoom };
  return aether_ui_model_set_view(model, &next);
}

/* Writing messages */

static bool
valid_name(const char* const name)
{
  const size_t len = name ? strnlen(name, AETHER_MAX_NAME) : 0U;
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

/* Write `uri` as a URI atom. */
static bool
forge_uri(LV2_Atom_Forge* const forge, const char* const uri)
{
  return lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri)) != 0;
}

/* The subject urn:aether:node:NAME. */
static bool
forge_subject(const AetherUiModel* const model,
              LV2_Atom_Forge* const      forge,
              const char* const          name)
{
  char uri[URI_SIZE];
  snprintf(uri, sizeof(uri), "%s%s", NODE_NS, name);
  return lv2_atom_forge_key(forge, model->uris.patch_subject) &&
         forge_uri(forge, uri);
}

/* A node output's URI: urn:aether:node:SRC, or urn:aether:node:SRC.OUT. */
static void
output_uri(char* const uri, const char* const src, const char* const output)
{
  snprintf(uri,
           URI_SIZE,
           "%s%s%s%s",
           NODE_NS,
           src,
           output && output[0] ? "." : "",
           output ? output : "");
}

/* Begin a patch:Set of `property` (0: none) on node `node` (NULL: the
   plugin), up to the value's key. */
static bool
set_begin(AetherUiModel* const        model,
          LV2_Atom_Forge* const       forge,
          LV2_Atom_Forge_Frame* const frame,
          const char* const           node,
          const LV2_URID              property)
{
  const UiUris* const u = &model->uris;
  return lv2_atom_forge_object(forge, frame, 0, u->patch_Set) &&
         (!node || forge_subject(model, forge, node)) &&
         lv2_atom_forge_key(forge, u->patch_property) &&
         lv2_atom_forge_urid(forge, property) &&
         lv2_atom_forge_key(forge, u->patch_value);
}

/* End a message: pop `frame`, say whether all of it fitted. */
static AetherStatus
end(LV2_Atom_Forge* const       forge,
    LV2_Atom_Forge_Frame* const frame,
    const bool                  ok)
{
  lv2_atom_forge_pop(forge, frame);
  return ok ? AETHER_SUCCESS : AETHER_ERR_FULL;
}

/* An edit went out: its answer will say the patch changed. */
static AetherStatus
sent(AetherUiModel* const model, const AetherStatus st)
{
  if (!st) {
    model->edits_sent = true;
  }
  return st;
}

static AetherStatus
get(AetherUiModel* const  model,
    LV2_Atom_Forge* const forge,
    const LV2_URID        property)
{
  const UiUris* const  u     = &model->uris;
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool ok = lv2_atom_forge_object(forge, &frame, 0, u->patch_Get) &&
                  (!property || (lv2_atom_forge_key(forge, u->patch_property) &&
                                 lv2_atom_forge_urid(forge, property)));
  const AetherStatus st = end(forge, &frame, ok);
  if (!st) {
    /* The answer holds every edit sent before this request. */
    model->stale      = false;
    model->edits_sent = false;
  }
  return st;
}

AetherStatus
aether_ui_model_request_all(AetherUiModel* const  model,
                            LV2_Atom_Forge* const forge)
{
  return get(model, forge, 0);
}

AetherStatus
aether_ui_model_request_patch(AetherUiModel* const  model,
                              LV2_Atom_Forge* const forge)
{
  return get(model, forge, model->uris.ae_patch);
}

AetherStatus
aether_ui_model_add_node(AetherUiModel* const  model,
                         LV2_Atom_Forge* const forge,
                         const char* const     name,
                         const char* const     type,
                         const float           x,
                         const float           y)
{
  const UiUris* const u = &model->uris;
  if (!valid_name(name) || !type || !aether_registry_find(type)) {
    return AETHER_ERR_BAD_ARG;
  }
  if (!isfinite(x) || !isfinite(y) || fabsf(x) > AETHER_PATCH_MAX_COORD ||
      fabsf(y) > AETHER_PATCH_MAX_COORD) {
    return AETHER_ERR_BAD_VALUE;
  }
  if (aether_patch_find(model->patch, name)) {
    return AETHER_ERR_DUPLICATE;
  }

  char type_uri[URI_SIZE];
  snprintf(type_uri, sizeof(type_uri), "%s%s", NS, type);
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  LV2_Atom_Forge_Frame body  = { NULL, 0 };
  bool ok = lv2_atom_forge_object(forge, &frame, 0, u->patch_Put) &&
            forge_subject(model, forge, name) &&
            lv2_atom_forge_key(forge, u->patch_body) &&
            lv2_atom_forge_object(forge, &body, 0, 0);
  ok = ok && lv2_atom_forge_key(forge, u->rdf_type) &&
       forge_uri(forge, type_uri) && lv2_atom_forge_key(forge, u->ae_x) &&
       lv2_atom_forge_float(forge, x) && lv2_atom_forge_key(forge, u->ae_y) &&
       lv2_atom_forge_float(forge, y);
  if (body.ref) {
    lv2_atom_forge_pop(forge, &body);
  }
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_delete_node(AetherUiModel* const  model,
                            LV2_Atom_Forge* const forge,
                            const char* const     name)
{
  if (!valid_name(name)) {
    return AETHER_ERR_BAD_ARG;
  }
  if (!aether_patch_find(model->patch, name)) {
    return AETHER_ERR_NOT_FOUND;
  }
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool           ok =
    lv2_atom_forge_object(forge, &frame, 0, model->uris.patch_Delete) &&
    forge_subject(model, forge, name);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_connect(AetherUiModel* const  model,
                        LV2_Atom_Forge* const forge,
                        const char* const     dst,
                        const char* const     input,
                        const char* const     src,
                        const char* const     output)
{
  if (!valid_name(dst) || !valid_name(input) || !valid_name(src) ||
      !valid_name(output)) {
    return AETHER_ERR_BAD_ARG;
  }
  const AetherPatchNode* const d = aether_patch_find(model->patch, dst);
  const AetherPatchNode* const s = aether_patch_find(model->patch, src);
  if (!d || !s || aether_node_type_input_index(d->type, input) < 0 ||
      aether_node_type_output_index(s->type, output) < 0) {
    return AETHER_ERR_NOT_FOUND;
  }

  char input_uri[URI_SIZE];
  char value[URI_SIZE];
  snprintf(input_uri, sizeof(input_uri), "%s%s", NS, input);
  output_uri(value, src, output);
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool           ok =
    set_begin(model, forge, &frame, dst, map_uri(model, input_uri)) &&
    forge_uri(forge, value);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_disconnect(AetherUiModel* const  model,
                           LV2_Atom_Forge* const forge,
                           const char* const     dst,
                           const char* const     input)
{
  if (!valid_name(dst) || !valid_name(input)) {
    return AETHER_ERR_BAD_ARG;
  }
  const AetherPatchNode* const node = aether_patch_find(model->patch, dst);
  const int k = node ? aether_node_type_input_index(node->type, input) : -1;
  if (k < 0 || !((node->inputs_set >> (uint32_t)k) & 1U)) {
    return AETHER_ERR_NOT_FOUND;
  }

  /* A URI atom, not a URID: the plugin need not have urid:unmap. */
  char input_uri[URI_SIZE];
  snprintf(input_uri, sizeof(input_uri), "%s%s", NS, input);
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool           ok =
    set_begin(model, forge, &frame, dst, map_uri(model, input_uri)) &&
    forge_uri(forge, RDF_NIL);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_set_param(AetherUiModel* const  model,
                          LV2_Atom_Forge* const forge,
                          const char* const     node,
                          const char* const     param,
                          const float           value)
{
  if (!valid_name(node) || !valid_name(param)) {
    return AETHER_ERR_BAD_ARG;
  }
  const AetherPatchNode* const n = aether_patch_find(model->patch, node);
  if (!n || aether_node_type_param_index(n->type, param) < 0) {
    return AETHER_ERR_NOT_FOUND;
  }
  if (!isfinite(value)) {
    return AETHER_ERR_BAD_VALUE;
  }

  char uri[URI_SIZE];
  snprintf(uri, sizeof(uri), "%s%s", NS, param);
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool ok = set_begin(model, forge, &frame, node, map_uri(model, uri)) &&
                  lv2_atom_forge_float(forge, value);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_set_poly(AetherUiModel* const  model,
                         LV2_Atom_Forge* const forge,
                         const char* const     name,
                         const bool            poly)
{
  if (!valid_name(name)) {
    return AETHER_ERR_BAD_ARG;
  }
  if (!aether_patch_find(model->patch, name)) {
    return AETHER_ERR_NOT_FOUND;
  }
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool ok = set_begin(model, forge, &frame, name, model->uris.ae_poly) &&
                  lv2_atom_forge_bool(forge, poly);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_move_node(AetherUiModel* const  model,
                          LV2_Atom_Forge* const forge,
                          const char* const     name,
                          const float           x,
                          const float           y)
{
  const UiUris* const u = &model->uris;
  if (!valid_name(name)) {
    return AETHER_ERR_BAD_ARG;
  }
  if (!aether_patch_find(model->patch, name)) {
    return AETHER_ERR_NOT_FOUND;
  }
  if (!isfinite(x) || !isfinite(y) || fabsf(x) > AETHER_PATCH_MAX_COORD ||
      fabsf(y) > AETHER_PATCH_MAX_COORD) {
    return AETHER_ERR_BAD_VALUE;
  }

  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  bool                 ok    = set_begin(model, forge, &frame, name, u->ae_x) &&
            lv2_atom_forge_float(forge, x);
  AetherStatus st = end(forge, &frame, ok);
  if (!st) {
    ok = set_begin(model, forge, &frame, name, u->ae_y) &&
         lv2_atom_forge_float(forge, y);
    st = end(forge, &frame, ok);
  }
  return sent(model, st);
}

AetherStatus
aether_ui_model_set_voices(AetherUiModel* const  model,
                           LV2_Atom_Forge* const forge,
                           const uint32_t        voices)
{
  if (voices < 1U || voices > AETHER_MAX_VOICES) {
    return AETHER_ERR_BAD_VALUE;
  }
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool           ok =
    set_begin(model, forge, &frame, NULL, model->uris.ae_voices) &&
    lv2_atom_forge_int(forge, (int32_t)voices);
  return sent(model, end(forge, &frame, ok));
}

AetherStatus
aether_ui_model_clear(AetherUiModel* const model, LV2_Atom_Forge* const forge)
{
  /* Not an empty string (the plugin refuses it): a patch without nodes. */
  char text[160];
  if (model->voices > 1U) {
    snprintf(text,
             sizeof(text),
             "@prefix ae: <%s> .\n\n<> a ae:Patch ;\n\tae:formatVersion %d "
             ";\n\tae:voices %u .\n",
             NS,
             AETHER_PATCH_FORMAT_VERSION,
             (unsigned)model->voices);
  } else {
    snprintf(text,
             sizeof(text),
             "@prefix ae: <%s> .\n\n<> a ae:Patch ;\n\tae:formatVersion %d "
             ".\n",
             NS,
             AETHER_PATCH_FORMAT_VERSION);
  }
  LV2_Atom_Forge_Frame frame = { NULL, 0 };
  const bool ok = set_begin(model, forge, &frame, NULL, model->uris.ae_patch) &&
                  lv2_atom_forge_string(forge, text, (uint32_t)strlen(text));
  return sent(model, end(forge, &frame, ok));
}

AetherUiView
aether_ui_fit_view(const AetherUiLayout* const layout,
                   const int                   width,
                   const int                   height)
{
  AetherUiView view = { 1.0, 0.0, 0.0 };
  if (!layout->n_nodes) {
    return view;
  }

  double x0 = INFINITY;
  double y0 = INFINITY;
  double x1 = -INFINITY;
  double y1 = -INFINITY;
  for (uint32_t v = 0; v < layout->n_nodes; ++v) {
    const AetherUiBox* const b = &layout->boxes[v];
    x0                         = fmin(x0, b->x);
    y0                         = fmin(y0, b->y - AETHER_UI_STACK);
    x1                         = fmax(x1, b->x + b->w + AETHER_UI_STACK);
    y1                         = fmax(y1, b->y + b->h + AETHER_UI_BADGE_H);
  }

  const double margin = 16.0;
  const double w      = fmax(1.0, (double)width - 2.0 * margin);
  const double h =
    fmax(1.0, (double)height - AETHER_UI_STATUS_H - 2.0 * margin);
  double zoom = fmin(w / (x1 - x0), h / (y1 - y0));
  zoom        = fmin(1.0, fmax(AETHER_UI_MIN_ZOOM, zoom));
  view.zoom   = zoom;
  view.pan_x  = margin + (w - (x1 - x0) * zoom) * 0.5 - x0 * zoom;
  view.pan_y  = margin + (h - (y1 - y0) * zoom) * 0.5 - y0 * zoom;
  return view;
}
