/* Aether tests: the messages the test hosts send the plugin (see
   lv2forge.h). */

#include "lv2forge.h"

#include <lv2/midi/midi.h>
#include <lv2/patch/patch.h>

#include <stdio.h>
#include <string.h>

static LV2_URID
map_uri(LV2_URID_Map* const map, const char* const uri)
{
  return map->map(map->handle, uri);
}

void
lv2forge_node_uri(char* const buf, const size_t size, const char* const node)
{
  snprintf(buf, size, "urn:aether:node:%s", node);
}

void
lv2forge_vocab_uri(char* const buf, const size_t size, const char* const name)
{
  snprintf(buf, size, "urn:aether:%s", name);
}

void
lv2forge_object(LV2_Atom_Forge* const       forge,
                LV2_URID_Map* const         map,
                LV2_Atom_Forge_Frame* const frame,
                const char* const           otype)
{
  lv2_atom_forge_object(forge, frame, 0, map_uri(map, otype));
}

void
lv2forge_key(LV2_Atom_Forge* const forge,
             LV2_URID_Map* const   map,
             const char* const     uri)
{
  lv2_atom_forge_key(forge, map_uri(map, uri));
}

void
lv2forge_set_begin(LV2_Atom_Forge* const       forge,
                   LV2_URID_Map* const         map,
                   LV2_Atom_Forge_Frame* const frame,
                   const char* const           subject,
                   const char* const           property)
{
  lv2forge_object(forge, map, frame, LV2_PATCH__Set);
  if (subject) {
    lv2forge_key(forge, map, LV2_PATCH__subject);
    lv2_atom_forge_uri(forge, subject, (uint32_t)strlen(subject));
  }
  lv2forge_key(forge, map, LV2_PATCH__property);
  lv2_atom_forge_urid(forge, map_uri(map, property));
  lv2forge_key(forge, map, LV2_PATCH__value);
}

void
lv2forge_set_param(LV2_Atom_Forge* const forge,
                   LV2_URID_Map* const   map,
                   const char* const     node,
                   const char* const     param,
                   const float           value)
{
  char                 subject[128];
  char                 property[128];
  LV2_Atom_Forge_Frame frame;
  lv2forge_node_uri(subject, sizeof(subject), node);
  lv2forge_vocab_uri(property, sizeof(property), param);
  lv2forge_set_begin(forge, map, &frame, subject, property);
  lv2_atom_forge_float(forge, value);
  lv2_atom_forge_pop(forge, &frame);
}

void
lv2forge_set_string(LV2_Atom_Forge* const forge,
                    LV2_URID_Map* const   map,
                    const char* const     property,
                    const char* const     value,
                    const uint32_t        len,
                    const bool            path)
{
  LV2_Atom_Forge_Frame frame;
  lv2forge_set_begin(forge, map, &frame, NULL, property);
  if (path) {
    lv2_atom_forge_path(forge, value, len);
  } else {
    lv2_atom_forge_string(forge, value, len);
  }
  lv2_atom_forge_pop(forge, &frame);
}

void
lv2forge_get_begin(LV2_Atom_Forge* const       forge,
                   LV2_URID_Map* const         map,
                   LV2_Atom_Forge_Frame* const frame,
                   const char* const           property)
{
  lv2forge_object(forge, map, frame, LV2_PATCH__Get);
  if (property) {
    lv2forge_key(forge, map, LV2_PATCH__property);
    lv2_atom_forge_urid(forge, map_uri(map, property));
  }
}

void
lv2forge_midi(LV2_Atom_Forge* const forge,
              LV2_URID_Map* const   map,
              const uint8_t* const  bytes,
              const uint32_t        size)
{
  lv2_atom_forge_atom(forge, size, map_uri(map, LV2_MIDI__MidiEvent));
  lv2_atom_forge_write(forge, bytes, size);
}
