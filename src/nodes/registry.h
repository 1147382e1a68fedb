/* Aether: the list of every node type, read by the patch format, the docs,
   the CLI and the tests. */

#ifndef AETHER_REGISTRY_H
#define AETHER_REGISTRY_H

#include "../engine/node.h"

#include <stdint.h>

/** Return the number of registered node types. */
uint32_t
aether_registry_count(void);

/** Return node type `i` (0 .. count - 1) in documentation order, or NULL. */
const AetherNodeType*
aether_registry_get(uint32_t i);

/** Return the node type called `name` (e.g. "Oscillator"), or NULL. */
const AetherNodeType*
aether_registry_find(const char* name);

#endif /* AETHER_REGISTRY_H */
