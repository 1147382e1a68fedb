/* Aether: the list of every node type, in documentation order. */

#include "registry.h"

#include <string.h>

/* Each group is edited only by its owner; declarations then list entries. */

/* I/O, macros and gain */
extern const AetherNodeType aether_node_audio_in;
extern const AetherNodeType aether_node_audio_out;
extern const AetherNodeType aether_node_macro;
extern const AetherNodeType aether_node_gain;

/* Sources, envelopes and control (begin) */
/* Sources, envelopes and control (end) */

/* Filters and dynamics (begin) */
/* Filters and dynamics (end) */

/* Effects and utility (begin) */
/* Effects and utility (end) */

static const AetherNodeType* const registry[] = {
  &aether_node_audio_in,
  &aether_node_audio_out,
  &aether_node_macro,
  &aether_node_gain,
  /* Sources, envelopes and control entries (begin) */
  /* Sources, envelopes and control entries (end) */
  /* Filters and dynamics entries (begin) */
  /* Filters and dynamics entries (end) */
  /* Effects and utility entries (begin) */
  /* Effects and utility entries (end) */
};

uint32_t
aether_registry_count(void)
{
  return (uint32_t)(sizeof(registry) / sizeof(registry[0]));
}

const AetherNodeType*
aether_registry_get(const uint32_t i)
{
  return i < aether_registry_count() ? registry[i] : NULL;
}

const AetherNodeType*
aether_registry_find(const char* const name)
{
  for (uint32_t i = 0; i < aether_registry_count(); ++i) {
    if (!strcmp(registry[i]->name, name)) {
      return registry[i];
    }
  }
  return NULL;
}
