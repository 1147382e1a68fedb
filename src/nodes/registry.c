/* Aether: the list of every node type, in documentation order. */

#include "registry.h"

#include <string.h>

/* Each group is edited only by its owner; declarations then list entries. */

/* I/O, macros and gain */
extern const AetherNodeType aether_node_audio_in;
extern const AetherNodeType aether_node_audio_out;
extern const AetherNodeType aether_node_macro;
extern const AetherNodeType aether_node_gain;
extern const AetherNodeType aether_node_midi_note;
extern const AetherNodeType aether_node_midi_cc;

/* Sources, envelopes and control (begin) */
extern const AetherNodeType aether_node_osc;
extern const AetherNodeType aether_node_noise;
extern const AetherNodeType aether_node_lfo;
extern const AetherNodeType aether_node_karplus;
extern const AetherNodeType aether_node_adsr;
extern const AetherNodeType aether_node_sample_hold;
extern const AetherNodeType aether_node_slew;
extern const AetherNodeType aether_node_math;
/* Sources, envelopes and control (end) */

/* Filters and dynamics (begin) */
extern const AetherNodeType aether_node_svf;
extern const AetherNodeType aether_node_ladder;
extern const AetherNodeType aether_node_formant;
extern const AetherNodeType aether_node_compressor;
extern const AetherNodeType aether_node_waveshaper;
/* Filters and dynamics (end) */

/* Effects and utility (begin) */
extern const AetherNodeType aether_node_delay;
extern const AetherNodeType aether_node_chorus;
extern const AetherNodeType aether_node_reverb;
extern const AetherNodeType aether_node_granular;
extern const AetherNodeType aether_node_mixer;
extern const AetherNodeType aether_node_pan;
/* Effects and utility (end) */

static const AetherNodeType* const registry[] = {
  &aether_node_audio_in,
  &aether_node_audio_out,
  &aether_node_macro,
  &aether_node_gain,
  &aether_node_midi_note,
  &aether_node_midi_cc,
  /* Sources, envelopes and control entries (begin) */
  &aether_node_osc,
  &aether_node_noise,
  &aether_node_lfo,
  &aether_node_karplus,
  &aether_node_adsr,
  &aether_node_sample_hold,
  &aether_node_slew,
  &aether_node_math,
  /* Sources, envelopes and control entries (end) */
  /* Filters and dynamics entries (begin) */
  &aether_node_svf,
  &aether_node_ladder,
  &aether_node_formant,
  &aether_node_compressor,
  &aether_node_waveshaper,
  /* Filters and dynamics entries (end) */
  /* Effects and utility entries (begin) */
  &aether_node_delay,
  &aether_node_chorus,
  &aether_node_reverb,
  &aether_node_granular,
  &aether_node_mixer,
  &aether_node_pan,
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
