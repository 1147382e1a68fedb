/* Aether LV2: the URIs the plugin speaks, mapped once at instantiate. */

#ifndef AETHER_LV2_URIS_H
#define AETHER_LV2_URIS_H

#include <lv2/atom/atom.h>
#include <lv2/midi/midi.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>

#define AETHER_URI_FX "urn:aether:fx"
#define AETHER_URI_SYNTH "urn:aether:synth"
#define AETHER_URI_PATCH "urn:aether:patch"
#define AETHER_URI_PATCH_FILE "urn:aether:patchFile"
#define AETHER_URI_STATUS "urn:aether:status"
#define AETHER_URI_VOICES "urn:aether:voices"
#define AETHER_URI_PATCH_PART "urn:aether:patchPart"
#define AETHER_URI_PART_OFFSET "urn:aether:partOffset"
#define AETHER_URI_PATCH_LENGTH "urn:aether:patchLength"

/** Mapped URIDs (all 0 when the host gives no urid:map). */
typedef struct {
  LV2_URID atom_Object;
  LV2_URID atom_Blank;
  LV2_URID atom_Path;
  LV2_URID atom_String;
  LV2_URID atom_URI;
  LV2_URID atom_URID;
  LV2_URID atom_Sequence;
  LV2_URID atom_Float;
  LV2_URID atom_Double;
  LV2_URID atom_Int;
  LV2_URID atom_Long;
  LV2_URID atom_Bool;
  LV2_URID atom_eventTransfer;
  LV2_URID midi_MidiEvent;
  LV2_URID patch_Get;
  LV2_URID patch_Set;
  LV2_URID patch_Put;
  LV2_URID patch_Delete;
  LV2_URID patch_Copy; /* patch messages the plugin does not do */
  LV2_URID patch_Post;
  LV2_URID patch_Move;
  LV2_URID patch_Patch;
  LV2_URID patch_subject;
  LV2_URID patch_property;
  LV2_URID patch_value;
  LV2_URID patch_body;
  LV2_URID rdf_type;
  LV2_URID state_StateChanged;
  LV2_URID ae_patch;
  LV2_URID ae_patchFile;
  LV2_URID ae_status;
  LV2_URID ae_voices;
  LV2_URID ae_patchPart;
  LV2_URID ae_partOffset;
  LV2_URID ae_patchLength;
  LV2_URID rdf_value;
} AetherUris;

/** Map every URI with `map`. */
static inline void
aether_uris_map(AetherUris* const u, LV2_URID_Map* const map)
{
  u->atom_Object        = map->map(map->handle, LV2_ATOM__Object);
  u->atom_Blank         = map->map(map->handle, LV2_ATOM__Blank);
  u->atom_Path          = map->map(map->handle, LV2_ATOM__Path);
  u->atom_String        = map->map(map->handle, LV2_ATOM__String);
  u->atom_URI           = map->map(map->handle, LV2_ATOM__URI);
  u->atom_URID          = map->map(map->handle, LV2_ATOM__URID);
  u->atom_Sequence      = map->map(map->handle, LV2_ATOM__Sequence);
  u->atom_Float         = map->map(map->handle, LV2_ATOM__Float);
  u->atom_Double        = map->map(map->handle, LV2_ATOM__Double);
  u->atom_Int           = map->map(map->handle, LV2_ATOM__Int);
  u->atom_Long          = map->map(map->handle, LV2_ATOM__Long);
  u->atom_Bool          = map->map(map->handle, LV2_ATOM__Bool);
  u->atom_eventTransfer = map->map(map->handle, LV2_ATOM__eventTransfer);
  u->midi_MidiEvent     = map->map(map->handle, LV2_MIDI__MidiEvent);
  u->patch_Get          = map->map(map->handle, LV2_PATCH__Get);
  u->patch_Set          = map->map(map->handle, LV2_PATCH__Set);
  u->patch_Put          = map->map(map->handle, LV2_PATCH__Put);
  u->patch_Delete       = map->map(map->handle, LV2_PATCH__Delete);
  u->patch_Copy         = map->map(map->handle, LV2_PATCH__Copy);
  u->patch_Post         = map->map(map->handle, LV2_PATCH__Post);
  u->patch_Move         = map->map(map->handle, LV2_PATCH__Move);
  u->patch_Patch        = map->map(map->handle, LV2_PATCH__Patch);
  u->patch_subject      = map->map(map->handle, LV2_PATCH__subject);
  u->patch_property     = map->map(map->handle, LV2_PATCH__property);
  u->patch_value        = map->map(map->handle, LV2_PATCH__value);
  u->patch_body         = map->map(map->handle, LV2_PATCH__body);
  u->rdf_type =
    map->map(map->handle, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
  u->state_StateChanged = map->map(map->handle, LV2_STATE__StateChanged);
  u->ae_patch           = map->map(map->handle, AETHER_URI_PATCH);
  u->ae_patchFile       = map->map(map->handle, AETHER_URI_PATCH_FILE);
  u->ae_status          = map->map(map->handle, AETHER_URI_STATUS);
  u->ae_voices          = map->map(map->handle, AETHER_URI_VOICES);
  u->ae_patchPart       = map->map(map->handle, AETHER_URI_PATCH_PART);
  u->ae_partOffset      = map->map(map->handle, AETHER_URI_PART_OFFSET);
  u->ae_patchLength     = map->map(map->handle, AETHER_URI_PATCH_LENGTH);
  u->rdf_value =
    map->map(map->handle, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value");
}

#endif /* AETHER_LV2_URIS_H */
