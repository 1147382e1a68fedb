/* Aether UI: the kinds of node types (see kind.h). */

#include "kind.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char* name;
  const char* types; /* type names, each between spaces */
} kinds[AETHER_UI_N_KINDS] = {
  { "In and out", " AudioIn AudioOut MidiNote MidiCc Macro " },
  { "Sources", " Oscillator Noise KarplusStrong Granular " },
  { "Control signals", " Adsr Lfo SampleHold Slew Math " },
  { "Filters and dynamics",
    " Filter MoogLadder FormantFilter Compressor Waveshaper " },
  { "Effects and mixing", " Delay Chorus Reverb Mixer Pan Gain " },
  { "Other", "" },
};

uint32_t
aether_ui_kind_of(const AetherNodeType* const type)
{
  char key[AETHER_MAX_NAME + 2];
  snprintf(key, sizeof(key), " %s ", type->name);
  for (uint32_t k = 0; k + 1U < AETHER_UI_N_KINDS; ++k) {
    if (strstr(kinds[k].types, key)) {
      return k;
    }
  }
  return AETHER_UI_N_KINDS - 1U;
}

const char*
aether_ui_kind_name(const uint32_t kind)
{
  return kind < AETHER_UI_N_KINDS ? kinds[kind].name : "";
}
