/* midi_cc.c: one MIDI controller (mod wheel, expression, ...) as a signal
   scaled into a range, changing at the event's frame. */

#include "node_util.h"

enum { CC_NUMBER, CC_CHANNEL, CC_MIN, CC_MAX, CC_N_PARAMS };

typedef struct {
  float value; /**< 0 .. 1 */
} MidiCc;

static const AetherParamDesc cc_params[] = {
  { "cc",
    "Controller",
    "",
    0,
    127,
    1,
    0,
    AETHER_PARAM_INTEGER,
    NULL,
    "Controller number (1: mod wheel, 11: expression, 74: brightness)." },
  { "channel",
    "Channel",
    "",
    0,
    16,
    0,
    0,
    AETHER_PARAM_INTEGER,
    NULL,
    "MIDI channel, 1 to 16; 0 follows every channel." },
  { "min",
    "Minimum",
    "",
    -20000,
    20000,
    0,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Output at controller value 0." },
  { "max",
    "Maximum",
    "",
    -20000,
    20000,
    1,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Output at controller value 127." },
};

static const AetherPortDesc cc_outputs[] = {
  { "out", "Output", "min + value / 127 * (max - min)" },
};

static void
cc_reset(void* const self)
{
  ((MidiCc*)self)->value = 0.0f;
}

static void
cc_process(void* const                    self,
           const AetherProcessArgs* const args,
           const uint32_t                 n)
{
  MidiCc* const  m       = (MidiCc*)self;
  const uint32_t number  = (uint32_t)aether_param0(args, CC_NUMBER);
  const int      channel = (int)aether_param0(args, CC_CHANNEL);

  for (uint32_t e = 0; e < args->ctx->n_midi; ++e) {
    const AetherMidiEvent* const ev = &args->ctx->midi[e];
    if ((ev->data[0] & 0xF0U) == 0xB0U && ev->size == 3U &&
        (ev->data[1] & 0x7FU) == number &&
        (!channel || (ev->data[0] & 0x0FU) == (uint8_t)(channel - 1))) {
      m->value = (float)(ev->data[2] & 0x7FU) / 127.0f;
    }
  }

  aether_fill_scaled(args, CC_MIN, CC_MAX, m->value, n);
}

const AetherNodeType aether_node_midi_cc = {
  .name      = "MidiCc",
  .label     = "MIDI controller",
  .comment   = "A MIDI control change (e.g. the mod wheel) as a signal scaled "
               "into [min, max].",
  .outputs   = cc_outputs,
  .n_outputs = 1,
  .params    = cc_params,
  .n_params  = CC_N_PARAMS,
  .size      = sizeof(MidiCc),
  .reset     = cc_reset,
  .process   = cc_process,
};
