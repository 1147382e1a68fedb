/* Aether tests: the patch messages and MIDI events the test hosts send the
   plugin, written with an LV2 forge wherever its buffer is (a control
   sequence after a frame time, or a message buffer of its own). Nodes and
   parameters are bare names ("gain"), made URIs of the Aether vocabulary
   here; properties and subjects otherwise are full URIs. */

#ifndef AETHER_TEST_LV2FORGE_H
#define AETHER_TEST_LV2FORGE_H

#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Write the URI of node `node` ("urn:aether:node:NODE") into `buf`. */
void
lv2forge_node_uri(char* buf, size_t size, const char* node);

/** Write the URI of `name` (a parameter or a node type) in the Aether
    vocabulary ("urn:aether:NAME") into `buf`. */
void
lv2forge_vocab_uri(char* buf, size_t size, const char* name);

/** Begin an object of type `otype` (a URI) in `frame`. */
void
lv2forge_object(LV2_Atom_Forge*       forge,
                LV2_URID_Map*         map,
                LV2_Atom_Forge_Frame* frame,
                const char*           otype);

/** Write the key `uri` of a property of the object being written. */
void
lv2forge_key(LV2_Atom_Forge* forge, LV2_URID_Map* map, const char* uri);

/** Begin a patch:Set of `property` on `subject` (NULL: the plugin) in
    `frame`, up to the value's key: write the value, then pop `frame`. */
void
lv2forge_set_begin(LV2_Atom_Forge*       forge,
                   LV2_URID_Map*         map,
                   LV2_Atom_Forge_Frame* frame,
                   const char*           subject,
                   const char*           property);

/** A patch:Set of parameter `param` of node `node` to a float. */
void
lv2forge_set_param(LV2_Atom_Forge* forge,
                   LV2_URID_Map*   map,
                   const char*     node,
                   const char*     param,
                   float           value);

/** A patch:Set of plugin property `property` (ae:patch, ae:patchFile) to
    `len` bytes of `value`, as a string or (`path`) a path. */
void
lv2forge_set_string(LV2_Atom_Forge* forge,
                    LV2_URID_Map*   map,
                    const char*     property,
                    const char*     value,
                    uint32_t        len,
                    bool            path);

/** Begin a patch:Get of `property` (NULL: everything) in `frame`; pop
    `frame` to end it. */
void
lv2forge_get_begin(LV2_Atom_Forge*       forge,
                   LV2_URID_Map*         map,
                   LV2_Atom_Forge_Frame* frame,
                   const char*           property);

/** A MIDI event of `size` bytes. */
void
lv2forge_midi(LV2_Atom_Forge* forge,
              LV2_URID_Map*   map,
              const uint8_t*  bytes,
              uint32_t        size);

#endif /* AETHER_TEST_LV2FORGE_H */
