/* Aether LV2: messages on the control and notify ports, on the audio
   thread. Nothing here allocates, locks or waits: strings are only read in
   place, replies come through a ring, and anything slow goes to the worker. */

#include "messages.h"

#include "../nodes/registry.h"
#include "../patch/patch.h"

#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How deep objects may nest in a message (a patch:Put body is level 2). */
#define MAX_OBJECT_DEPTH 4U

/* Notify */

static bool
notify_open(const AetherPlugin* const p)
{
  return p->forge.buf != NULL;
}

/* Room left in the notify buffer, in bytes. */
static uint32_t
notify_room(const AetherPlugin* const p)
{
  return p->forge.size > p->forge.offset ? p->forge.size - p->forge.offset : 0U;
}

static void
forge_set_string(AetherPlugin* const p,
                 const uint32_t      frame,
                 const LV2_URID      property,
                 const char* const   text)
{
  const size_t len = strlen(text);
  if (!notify_open(p) || notify_room(p) < len + 128U) {
    return;
  }
  LV2_Atom_Forge* const forge = &p->forge;
  LV2_Atom_Forge_Frame  frm;
  lv2_atom_forge_frame_time(forge, frame);
  lv2_atom_forge_object(forge, &frm, 0, p->uris.patch_Set);
  lv2_atom_forge_key(forge, p->uris.patch_property);
  lv2_atom_forge_urid(forge, property);
  lv2_atom_forge_key(forge, p->uris.patch_value);
  lv2_atom_forge_string(forge, text, (uint32_t)len);
  lv2_atom_forge_pop(forge, &frm);
}

/* patch:Set of an integer property on notify. */
static void
forge_set_int(AetherPlugin* const p,
              const uint32_t      frame,
              const LV2_URID      property,
              const int32_t       value)
{
  if (!notify_open(p) || notify_room(p) < 128U) {
    return;
  }
  LV2_Atom_Forge* const forge = &p->forge;
  LV2_Atom_Forge_Frame  frm;
  lv2_atom_forge_frame_time(forge, frame);
  lv2_atom_forge_object(forge, &frm, 0, p->uris.patch_Set);
  lv2_atom_forge_key(forge, p->uris.patch_property);
  lv2_atom_forge_urid(forge, property);
  lv2_atom_forge_key(forge, p->uris.patch_value);
  lv2_atom_forge_int(forge, value);
  lv2_atom_forge_pop(forge, &frm);
}

/* Append `text` to `buf` (of `size` bytes, always terminated). No printf
   family on the audio thread. */
static void
append(char* const buf, const size_t size, const char* const text)
{
  size_t len = strlen(buf);
  for (const char* c = text; *c && len + 1U < size; ++c) {
    buf[len++] = *c;
  }
  buf[len] = '\0';
}

/* Set the status (kept for patch:Get) and send it on notify. */
static void
report(AetherPlugin* const p, const uint32_t frame, const char* const text)
{
  p->status[0] = '\0';
  append(p->status, sizeof(p->status), text);
  forge_set_string(p, frame, p->uris.ae_status, p->status);
}

static void
forge_state_changed(AetherPlugin* const p)
{
  if (notify_open(p) && notify_room(p) >= 64U) {
    LV2_Atom_Forge_Frame frm;
    lv2_atom_forge_frame_time(&p->forge, 0);
    lv2_atom_forge_object(&p->forge, &frm, 0, p->uris.state_StateChanged);
    lv2_atom_forge_pop(&p->forge, &frm);
  }
}

/* Echo an applied parameter set (what Ingen-style UIs expect). */
static void
forge_ack(AetherPlugin* const          p,
          const uint32_t               frame,
          const LV2_Atom_Object* const obj)
{
  const uint32_t size = lv2_atom_total_size(&obj->atom);
  if (notify_open(p) && notify_room(p) >= size + 32U) {
    lv2_atom_forge_frame_time(&p->forge, frame);
    lv2_atom_forge_write(&p->forge, obj, size);
  }
}

/* Patch texts on notify. A text of at most text_per_run() bytes goes as
   it always has: one patch:Set of ae:patch. A longer one goes in pieces, at
   most text_per_run() bytes of it per run, each a patch:Set of ae:patchPart
   whose value is an object with ae:partOffset (where the piece starts in
   the text, in bytes), ae:patchLength (the whole text's length) and
   rdf:value (the piece, a string): the receiver appends the pieces in
   order and has the text when it holds ae:patchLength bytes. run() keeps
   the text (p->sending, p->sent) until the last piece is out, then hands
   it back (aether_plugin_free_later). Hosts that do not know ae:patchPart
   ignore it, as any patch:Set of a property they do not know. */

/* Room a patch:Set takes on notify besides its text, with margin (an
   ae:patchPart takes about 150 bytes). */
#define SET_OVERHEAD 256U

/* The smallest piece worth a message (unless it is the last). */
#define MIN_PIECE 64U

/* Most patch text one run writes: AETHER_PART_BYTES, or less in a small
   notify buffer (half of it, so the run's other answers still fit); 0 if
   the buffer cannot carry a piece at all. */
static uint32_t
text_per_run(const AetherPlugin* const p)
{
  const uint32_t half = notify_open(p) ? p->forge.size / 2U : 0U;
  if (half < SET_OVERHEAD + MIN_PIECE) {
    return 0U;
  }
  return half - SET_OVERHEAD < AETHER_PART_BYTES ? half - SET_OVERHEAD
                                                 : AETHER_PART_BYTES;
}

/* Where a piece of `text` from `begin` to at most `end` ends: never inside
   a UTF-8 character, so that every piece is a valid string. */
static uint32_t
piece_end(const char* const text, const uint32_t begin, const uint32_t end)
{
  uint32_t e = end;
  for (uint32_t k = 0;
       k < 3U && e > begin + 1U && ((unsigned char)text[e] & 0xC0U) == 0x80U;
       ++k) {
    --e;
  }
  return e;
}

/* patch:Set of ae:patchPart: `len` bytes of the text at `offset`. */
static void
forge_part(AetherPlugin* const p,
           const char* const   piece,
           const uint32_t      len,
           const uint32_t      offset,
           const uint32_t      total)
{
  LV2_Atom_Forge* const forge = &p->forge;
  LV2_Atom_Forge_Frame  set;
  LV2_Atom_Forge_Frame  value;
  lv2_atom_forge_frame_time(forge, 0);
  lv2_atom_forge_object(forge, &set, 0, p->uris.patch_Set);
  lv2_atom_forge_key(forge, p->uris.patch_property);
  lv2_atom_forge_urid(forge, p->uris.ae_patchPart);
  lv2_atom_forge_key(forge, p->uris.patch_value);
  lv2_atom_forge_object(forge, &value, 0, 0);
  lv2_atom_forge_key(forge, p->uris.ae_partOffset);
  lv2_atom_forge_int(forge, (int32_t)offset);
  lv2_atom_forge_key(forge, p->uris.ae_patchLength);
  lv2_atom_forge_int(forge, (int32_t)total);
  lv2_atom_forge_key(forge, p->uris.rdf_value);
  lv2_atom_forge_string(forge, piece, len);
  lv2_atom_forge_pop(forge, &value);
  lv2_atom_forge_pop(forge, &set);
}

/* Send what is left of p->sending, taking its bytes from this run's
   `budget`. True once all of it is out and handed back (what follows it
   may go), false if it goes on next run. */
static bool
send_patch(AetherPlugin* const p, uint32_t* const budget)
{
  const char* const text = p->sending.text;
  const uint32_t    len  = p->sending.len;
  const uint32_t    most = text_per_run(p);
  if (p->sent < len) {
    const uint32_t room = notify_room(p);
    if (!notify_open(p)) {
      p->sent = len; /* nobody to tell: dropped, as any answer */
    } else if (!most || len > (uint32_t)INT32_MAX) {
      p->sent = len;
      report(p,
             0,
             "error: the notify port is too small to carry the patch: save "
             "the state or use a larger buffer");
    } else if (!p->sent && len <= most) {
      /* Short: whole, as always (next run if this one has no room). */
      if (*budget < len || room < len + SET_OVERHEAD) {
        return false;
      }
      forge_set_string(p, 0, p->uris.ae_patch, text);
      *budget -= len;
      p->sent = len;
    } else {
      /* The next piece: what is left, within the budget and the room. */
      const uint32_t left  = len - p->sent;
      const uint32_t space = room > SET_OVERHEAD ? room - SET_OVERHEAD : 0U;
      uint32_t       n     = left < *budget ? left : *budget;
      n                    = n < space ? n : space;
      if (n < left) {
        if (n < MIN_PIECE) {
          return false; /* no room left in this run */
        }
        n = piece_end(text, p->sent, p->sent + n) - p->sent;
      }
      forge_part(p, text + p->sent, n, p->sent, len);
      *budget -= n;
      p->sent += n;
      if (p->sent < len) {
        return false;
      }
    }
  }

  if (p->n_to_free >= AETHER_MAX_TO_FREE) {
    return false; /* handed back next run */
  }
  if (p->sending.flags & AETHER_REPLY_CHANGED) {
    forge_state_changed(p);
  }
  aether_plugin_free_later(p, p->sending.text);
  p->sending.text = NULL;
  p->sent         = 0U;
  return true;
}

void
aether_messages_begin(AetherPlugin* const p)
{
  p->forge.buf = NULL;
  if (p->notify && p->map) {
    /* The host says the buffer's capacity in the sequence's size. */
    const uint32_t capacity = p->notify->atom.size;
    if (capacity >= sizeof(LV2_Atom_Sequence)) {
      lv2_atom_forge_set_buffer(&p->forge, (uint8_t*)p->notify, capacity);
      lv2_atom_forge_sequence_head(&p->forge, &p->notify_frame, 0);
    }
  }

  /* run() ignores a macro port holding NaN or infinity (the last value is
     kept); say so once, marking the port with a NaN last value. */
  for (uint32_t i = 0; i < AETHER_N_MACROS; ++i) {
    if (p->macro[i] && !isfinite(*p->macro[i]) && !isnan(p->macro_last[i])) {
      static const char* const names[AETHER_N_MACROS] = { "1", "2", "3", "4",
                                                          "5", "6", "7", "8" };
      char                     msg[96]                = "error: macro";
      append(msg, sizeof(msg), names[i]);
      append(msg,
             sizeof(msg),
             " is not a finite number, ignored (the last value is kept)");
      p->macro_last[i] = NAN;
      report(p, 0, msg);
    }
  }

  /* Likewise a NaN on the bypass switch, which holds it where it is. */
  if (p->enabled && isnan(*p->enabled) != p->enabled_bad) {
    p->enabled_bad = !p->enabled_bad;
    if (p->enabled_bad) {
      report(p,
             0,
             "error: enabled is not a number, ignored (the bypass stays "
             "where it is)");
    }
  }

  /* Texts waiting to be freed go back to the control side first. */
  while (p->n_to_free && aether_ring_push(&p->spent, &p->to_free[0])) {
    p->to_free[0] = p->to_free[--p->n_to_free];
  }

  /* Forward replies while there is room to give their texts back. A patch
     text going out in pieces goes on first: what came after it in the
     ring waits until it is all sent, so the order is kept. */
  uint32_t budget = text_per_run(p);
  if (p->sending.text && !send_patch(p, &budget)) {
    return;
  }
  AetherReply reply;
  for (uint32_t k = 0; k < 16U && p->n_to_free < AETHER_MAX_TO_FREE &&
                       aether_ring_pop(&p->replies, &reply);
       ++k) {
    if (reply.kind == AETHER_REPLY_PATCH && reply.text && reply.len) {
      p->sending = reply;
      p->sent    = 0U;
      if (!send_patch(p, &budget)) {
        return;
      }
      continue;
    }
    if (reply.kind == AETHER_REPLY_STATUS) {
      report(p, 0, reply.text ? reply.text : "ok");
    } else if (reply.kind == AETHER_REPLY_PATCH && reply.text) {
      /* An empty text (the writer makes none): as it came. */
      forge_set_string(p, 0, p->uris.ae_patch, "");
    } else if (reply.kind == AETHER_REPLY_VOICES) {
      forge_set_int(
        p,
        0,
        p->uris.ae_voices,
        (int32_t)atomic_load_explicit(&p->voices, memory_order_relaxed));
    }
    if (reply.flags & AETHER_REPLY_CHANGED) {
      forge_state_changed(p);
    }
    if (reply.text) {
      aether_plugin_free_later(p, reply.text);
    }
  }
}

/* The time of the last event written to notify: later ones may not be
   earlier. */
static uint32_t
notify_last_frame(const AetherPlugin* const p)
{
  uint32_t last = 0U;
  LV2_ATOM_SEQUENCE_FOREACH(p->notify, ev)
  {
    last = (uint32_t)ev->time.frames;
  }
  return last;
}

void
aether_messages_malformed(AetherPlugin* const p, const uint32_t frame)
{
  report(p,
         frame,
         "error: a malformed event on the control port (a size runs past "
         "its container), ignored");
}

void
aether_messages_end(AetherPlugin* const p)
{
  /* The engine silenced a non-finite output and reset the nodes (it counts
     each sub-block): one report per run in which it happened. */
  AetherEngineStats stats;
  aether_engine_stats(p->engine, &stats);
  if (stats.blowups != p->blowups) {
    p->blowups = stats.blowups;
    report(p,
           notify_open(p) ? notify_last_frame(p) : 0U,
           "warning: the patch produced a non-finite or runaway signal; its "
           "nodes were reset");
  }

  if (p->schedule && !p->collecting &&
      (aether_engine_wants_collect_rt(p->engine) ||
       aether_ring_count(&p->spent))) {
    p->collecting = aether_plugin_schedule(p, AETHER_WORK_COLLECT, NULL, 0);
  }
  if (notify_open(p)) {
    lv2_atom_forge_pop(&p->forge, &p->notify_frame);
    p->forge.buf = NULL;
  }
}

/* Properties */

static int
property_cmp(const void* const a, const void* const b)
{
  const LV2_URID x = ((const AetherPropertyName*)a)->urid;
  const LV2_URID y = ((const AetherPropertyName*)b)->urid;
  return x < y ? -1 : x > y;
}

bool
aether_messages_map_properties(AetherPlugin* const p)
{
  uint32_t n = 0;
  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    n += aether_registry_get(t)->n_params;
  }
  p->properties = (AetherPropertyName*)calloc(n + 1U, sizeof(*p->properties));
  if (!p->properties) {
    return false;
  }

  char uri[128];
  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    const AetherNodeType* const type = aether_registry_get(t);
    for (uint32_t i = 0; i < type->n_params; ++i) {
      snprintf(uri, sizeof(uri), "%s%s", AETHER_PATCH_NS, type->params[i].name);
      const AetherPropertyName entry = { p->map->map(p->map->handle, uri),
                                         type->params[i].name };
      bool                     seen  = false;
      for (uint32_t k = 0; k < p->n_properties && !seen; ++k) {
        seen = p->properties[k].urid == entry.urid;
      }
      if (!seen) {
        p->properties[p->n_properties++] = entry;
      }
    }
  }
  qsort(p->properties, p->n_properties, sizeof(*p->properties), property_cmp);
  return true;
}

static const char*
property_name(const AetherPlugin* const p, const LV2_URID urid)
{
  const AetherPropertyName        key   = { urid, NULL };
  const AetherPropertyName* const found = (const AetherPropertyName*)bsearch(
    &key, p->properties, p->n_properties, sizeof(key), property_cmp);
  return found ? found->name : NULL;
}

/* Control port */

static bool
number_value(const AetherPlugin* const p,
             const LV2_Atom* const     atom,
             float* const              out)
{
  const AetherUris* const u = &p->uris;
  if (atom->type == u->atom_Float && atom->size >= sizeof(float)) {
    *out = ((const LV2_Atom_Float*)atom)->body;
  } else if (atom->type == u->atom_Double && atom->size >= sizeof(double)) {
    *out = (float)((const LV2_Atom_Double*)atom)->body;
  } else if (atom->type == u->atom_Int && atom->size >= sizeof(int32_t)) {
    *out = (float)((const LV2_Atom_Int*)atom)->body;
  } else if (atom->type == u->atom_Long && atom->size >= sizeof(int64_t)) {
    *out = (float)((const LV2_Atom_Long*)atom)->body;
  } else if (atom->type == u->atom_Bool && atom->size >= sizeof(int32_t)) {
    *out = ((const LV2_Atom_Bool*)atom)->body ? 1.0f : 0.0f;
  } else {
    return false;
  }
  return true;
}

/* The node name of a subject given as a URI string (not a URID: unmapping
   is not real-time safe in every host), or NULL. */
static const char*
subject_node(const AetherPlugin* const p, const LV2_Atom* const subject)
{
  static const size_t ns = sizeof(AETHER_PATCH_NODE_NS) - 1U;
  if (!subject || subject->type != p->uris.atom_URI || subject->size < 2U) {
    return NULL;
  }
  const char* const uri = (const char*)LV2_ATOM_BODY_CONST(subject);
  if (uri[subject->size - 1U] != '\0' ||
      strncmp(uri, AETHER_PATCH_NODE_NS, ns)) {
    return NULL;
  }
  return uri + ns;
}

static void
to_worker(AetherPlugin* const   p,
          const uint32_t        frame,
          const LV2_Atom* const atom)
{
  if (!p->schedule) {
    report(p,
           frame,
           "error: this host has no worker, so the patch cannot be edited "
           "(parameters can)");
    return;
  }
  if (!aether_plugin_schedule(
        p, AETHER_WORK_EDIT, atom, lv2_atom_total_size(atom))) {
    report(p, frame, "error: edit dropped, the host's worker queue is full");
  } else {
    ++p->edits_sent;
  }
}

/* Say why a node parameter set cannot be applied when there is no worker
   to word it: `st` is what the engine said of it. */
static void
report_unapplied(AetherPlugin* const p,
                 const uint32_t      frame,
                 const char* const   node,
                 const char* const   param,
                 const AetherStatus  st)
{
  char msg[200] = "error: ";
  if (st == AETHER_ERR_NOT_FOUND) {
    append(msg, sizeof(msg), "no node called \"");
    append(msg, sizeof(msg), node);
    append(msg, sizeof(msg), "\"");
  } else {
    append(msg, sizeof(msg), node);
    append(msg, sizeof(msg), " has no parameter ae:");
    append(msg, sizeof(msg), param);
  }
  report(p, frame, msg);
}

/* A parameter set applied at its frame, if it is one; false: not a plain
   parameter set (the worker decides). */
static bool
set_param_now(AetherPlugin* const          p,
              const uint32_t               frame,
              const LV2_Atom_Object* const obj,
              const LV2_Atom* const        subject,
              const LV2_URID               property,
              const LV2_Atom* const        value)
{
  const char* const node  = subject_node(p, subject);
  const char* const param = property_name(p, property);
  float             v     = 0.0f;
  if (!node || !param || !value || !number_value(p, value, &v)) {
    return false;
  }

  /* While edits sent before are not done, or their schedule is not playing
     yet, a set goes after them, through the worker, so messages take effect
     in the order they came, whatever the worker (a synchronous one has
     finished the edit inside run(), before its schedule is swapped in). */
  if (p->edits_sent !=
        atomic_load_explicit(&p->edits_done, memory_order_acquire) ||
      !aether_engine_settled_rt(p->engine)) {
    if (p->schedule) {
      return false;
    }
  }

  const AetherStatus st = aether_engine_set_param_rt(p->engine, node, param, v);
  if (st == AETHER_SUCCESS) {
    forge_ack(p, frame, obj);
  } else if (st == AETHER_ERR_BAD_VALUE) {
    /* The worker words it (numbers are no work for the audio thread);
       without one, say it plainly. Not an edit: sets are not held back. */
    AetherBadValue bad;
    memset(&bad, 0, sizeof(bad));
    append(bad.node, sizeof(bad.node), node);
    append(bad.param, sizeof(bad.param), param);
    bad.value = v;
    if (!aether_plugin_schedule(p, AETHER_WORK_EXPLAIN, &bad, sizeof(bad))) {
      char msg[200] = "error: ";
      append(msg, sizeof(msg), node);
      append(msg, sizeof(msg), ".");
      append(msg, sizeof(msg), param);
      append(msg, sizeof(msg), ": the value is not valid");
      report(p, frame, msg);
    }
  } else if (!p->schedule) {
    report_unapplied(p, frame, node, param, st);
  } else {
    return false; /* unknown node or param: the worker says exactly why */
  }
  return true;
}

static void
handle_set(AetherPlugin* const          p,
           const uint32_t               frame,
           const LV2_Atom_Object* const obj)
{
  const LV2_Atom* subject  = NULL;
  const LV2_Atom* property = NULL;
  const LV2_Atom* value    = NULL;
  lv2_atom_object_get(obj,
                      p->uris.patch_subject,
                      &subject,
                      p->uris.patch_property,
                      &property,
                      p->uris.patch_value,
                      &value,
                      0);
  if (!property || property->type != p->uris.atom_URID ||
      property->size < sizeof(LV2_URID)) {
    report(p, frame, "error: patch:Set without a patch:property");
    return;
  }

  const LV2_URID prop = ((const LV2_Atom_URID*)property)->body;
  if (prop == p->uris.ae_status) {
    report(p, frame, "error: urn:aether:status is read-only");
  } else if (prop == p->uris.ae_patch || prop == p->uris.ae_patchFile ||
             !set_param_now(p, frame, obj, subject, prop, value)) {
    to_worker(p, frame, &obj->atom);
  }
}

static void
handle_get(AetherPlugin* const          p,
           const uint32_t               frame,
           const LV2_Atom_Object* const obj)
{
  const LV2_Atom* property = NULL;
  lv2_atom_object_get(obj, p->uris.patch_property, &property, 0);
  const LV2_URID prop = (property && property->type == p->uris.atom_URID &&
                         property->size >= sizeof(LV2_URID))
                          ? ((const LV2_Atom_URID*)property)->body
                          : 0U;

  if (!prop || prop == p->uris.ae_status) {
    forge_set_string(p, frame, p->uris.ae_status, p->status);
  }
  if (!prop || prop == p->uris.ae_voices) {
    forge_set_int(
      p,
      frame,
      p->uris.ae_voices,
      (int32_t)atomic_load_explicit(&p->voices, memory_order_relaxed));
  }
  if (!prop || prop == p->uris.ae_patch) {
    to_worker(p, frame, &obj->atom); /* the text is made off this thread */
  } else if (prop != p->uris.ae_status && prop != p->uris.ae_voices) {
    report(p, frame, "error: patch:Get of an unknown property");
  }
}

/* True if `obj` and every property in it, down to `depth` levels of nested
   objects, lie inside their containers. Everything after this trusts the
   sizes (the worker gets the same bytes). */
static bool
object_valid(const AetherPlugin* const    p,
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
    if ((prop->value.type == p->uris.atom_Object ||
         prop->value.type == p->uris.atom_Blank) &&
        (!depth ||
         !object_valid(p, (const LV2_Atom_Object*)&prop->value, depth - 1U))) {
      return false;
    }
    it += lv2_atom_pad_size((uint32_t)sizeof(LV2_Atom_Property_Body) +
                            prop->value.size);
  }
  return true;
}

void
aether_messages_handle(AetherPlugin* const   p,
                       const LV2_Atom* const atom,
                       const uint32_t        frame)
{
  const AetherUris* const u = &p->uris;
  if (atom->type == u->midi_MidiEvent) {
    if (atom->size >= 1U && atom->size <= 3U) {
      aether_engine_push_midi_rt(
        p->engine, (const uint8_t*)LV2_ATOM_BODY_CONST(atom), atom->size);
    }
    return;
  }
  if (atom->type != u->atom_Object && atom->type != u->atom_Blank) {
    return; /* other events are not for us */
  }

  const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)atom;
  if (!object_valid(p, obj, MAX_OBJECT_DEPTH)) {
    aether_messages_malformed(p, frame);
    return;
  }
  if (obj->body.otype == u->patch_Set) {
    handle_set(p, frame, obj);
  } else if (obj->body.otype == u->patch_Get) {
    handle_get(p, frame, obj);
  } else if (obj->body.otype == u->patch_Put ||
             obj->body.otype == u->patch_Delete) {
    to_worker(p, frame, atom);
  } else if (obj->body.otype == u->patch_Copy ||
             obj->body.otype == u->patch_Post ||
             obj->body.otype == u->patch_Move ||
             obj->body.otype == u->patch_Patch) {
    report(p, frame, "error: unknown message type on the control port");
  }
  /* Other objects are not for us, like other events: hosts send some to
     every plugin (jalv a time:Position whenever the transport changes). */
}
