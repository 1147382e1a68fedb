/* Aether tests: what one event of the plugin's notify port says (see
   lv2notify.h). Nothing here allocates: hosts use it on their audio
   thread. */

#include "lv2notify.h"

#include <lv2/atom/util.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True if every property of `obj` lies inside it. */
static bool
object_ok(const LV2_Atom_Object* const obj)
{
  const uint8_t* const end = (const uint8_t*)&obj->body + obj->atom.size;
  const uint8_t*       it  = (const uint8_t*)(&obj->body + 1);
  while (it < end) {
    if ((size_t)(end - it) < sizeof(LV2_Atom_Property_Body)) {
      return false;
    }
    const LV2_Atom_Property_Body* const prop =
      (const LV2_Atom_Property_Body*)it;
    const size_t len = sizeof(LV2_Atom_Property_Body) + prop->value.size;
    if (len > (size_t)(end - it)) {
      return false;
    }
    it += lv2_atom_pad_size((uint32_t)len);
  }
  return true;
}

/* The text of a string atom, or NULL if it is not a terminated string. */
static const char*
string_of(const Lv2Uris* const uris, const LV2_Atom* const atom)
{
  if (!atom || atom->type != uris->atom_String || !atom->size) {
    return NULL;
  }
  const char* const s = (const char*)LV2_ATOM_BODY_CONST(atom);
  return s[atom->size - 1U] ? NULL : s;
}

static Lv2NotifyKind
read_set(const Lv2Uris* const         uris,
         const LV2_Atom_Object* const obj,
         const char** const           text,
         int32_t* const               number)
{
  const LV2_Atom* prop    = NULL;
  const LV2_Atom* value   = NULL;
  const LV2_Atom* subject = NULL;
  lv2_atom_object_get(obj,
                      uris->patch_property,
                      &prop,
                      uris->patch_value,
                      &value,
                      uris->patch_subject,
                      &subject,
                      0);
  const LV2_URID key =
    (prop && prop->type == uris->atom_URID && prop->size >= sizeof(LV2_URID))
      ? ((const LV2_Atom_URID*)prop)->body
      : 0U;
  const char* const string = string_of(uris, value);
  if (subject) {
    return LV2NOTIFY_ACK;
  }
  if (key == uris->ae_status && string) {
    *text = string;
    return LV2NOTIFY_STATUS;
  }
  if (key == uris->ae_patch && string) {
    *text = string;
    return LV2NOTIFY_PATCH;
  }
  if (key == uris->ae_voices && value && value->type == uris->atom_Int &&
      value->size >= sizeof(int32_t)) {
    *number = ((const LV2_Atom_Int*)value)->body;
    return LV2NOTIFY_VOICES;
  }
  return LV2NOTIFY_OTHER;
}

Lv2NotifyKind
lv2notify_read(const Lv2Uris* const  uris,
               const LV2_Atom* const atom,
               const char** const    text,
               int32_t* const        number)
{
  *text   = NULL;
  *number = 0;
  if ((atom->type != uris->atom_Object && atom->type != uris->atom_Blank) ||
      atom->size < sizeof(LV2_Atom_Object_Body)) {
    return LV2NOTIFY_OTHER;
  }
  const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)atom;
  if (!object_ok(obj)) {
    return LV2NOTIFY_MALFORMED;
  }
  if (obj->body.otype == uris->state_StateChanged) {
    return LV2NOTIFY_STATE_CHANGED;
  }
  if (obj->body.otype == uris->patch_Set) {
    return read_set(uris, obj, text, number);
  }
  return LV2NOTIFY_OTHER;
}
