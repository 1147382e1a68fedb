/* Aether UI: the kinds of node types (the plugin's edges, sources, control
   signals, filters, effects): the palette groups the types by kind and the
   drawing colours each box by it. */

#ifndef AETHER_UI_KIND_H
#define AETHER_UI_KIND_H

#include "../engine/node.h"

#include <stdint.h>

/** Number of kinds; the last one holds the types no other names. */
#define AETHER_UI_N_KINDS 6U

/** The kind of `type`, 0 .. AETHER_UI_N_KINDS - 1. */
uint32_t
aether_ui_kind_of(const AetherNodeType* type);

/** A kind's name for people ("Sources"), or "" past the last kind. */
const char*
aether_ui_kind_name(uint32_t kind);

#endif /* AETHER_UI_KIND_H */
