/* Aether tests: the URID table of the test hosts. URIs are mapped under a
   lock (from any thread, never from an audio thread) and unmapped without
   one; the table has a fixed capacity and hands out 0 when it is full. Also
   the URIDs the hosts read and write messages with, mapped once. */

#ifndef AETHER_TEST_LV2URID_H
#define AETHER_TEST_LV2URID_H

#include <lv2/urid/urid.h>

#include <stdint.h>

typedef struct Lv2UridsImpl Lv2Urids;

/** The URIDs a host reads notify and writes messages and state with. */
typedef struct {
  LV2_URID atom_Blank;
  LV2_URID atom_Int;
  LV2_URID atom_Object;
  LV2_URID atom_Sequence;
  LV2_URID atom_String;
  LV2_URID atom_URID;
  LV2_URID patch_Set;
  LV2_URID patch_property;
  LV2_URID patch_subject;
  LV2_URID patch_value;
  LV2_URID state_StateChanged;
  LV2_URID ae_patch;
  LV2_URID ae_status;
  LV2_URID ae_voices;
} Lv2Uris;

/** A new empty table of at most `capacity` URIs, or NULL. */
Lv2Urids*
lv2urid_new(uint32_t capacity);

/** Free the table and its URIs. */
void
lv2urid_free(Lv2Urids* urids);

/** The URID of `uri` (mapped now if it is new), or 0 if the table is
    full. Any thread but an audio one: it locks. */
LV2_URID
lv2urid_map(Lv2Urids* urids, const char* uri);

/** The URI of `urid`, or NULL if it was not mapped. Any thread, lock-free:
    an entry is published before the count that makes it visible. */
const char*
lv2urid_unmap(const Lv2Urids* urids, LV2_URID urid);

/** The table as the urid:map feature's data (its handle is the table). */
LV2_URID_Map*
lv2urid_as_map(Lv2Urids* urids);

/** The table as the urid:unmap feature's data (its handle is the table). */
LV2_URID_Unmap*
lv2urid_as_unmap(Lv2Urids* urids);

/** Map every URI of `uris` with `map`. */
void
lv2urid_init_uris(Lv2Uris* uris, LV2_URID_Map* map);

#endif /* AETHER_TEST_LV2URID_H */
