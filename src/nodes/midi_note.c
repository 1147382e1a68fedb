/* midi_note.c: MIDI notes to control signals: pitch (semitones from A4, so
   an oscillator at 440 Hz plays the note), gate, velocity and aftertouch,
   with pitch bend and sustain pedal. Shared, it follows every note with
   last-note priority; per voice (ae:poly), it hears only the notes the
   engine's allocator gives its voice.
   Events arrive at the start of a sub-block (the plugin splits blocks at
   event frames), so every change lands on its exact frame. */

#include "node_util.h"

#include <string.h>

enum { NOTE_CHANNEL, NOTE_BEND_RANGE, NOTE_RETRIGGER, NOTE_N_PARAMS };
enum { NOTE_PITCH, NOTE_GATE, NOTE_VELOCITY, NOTE_AFTERTOUCH, NOTE_N_OUTPUTS };

#define NOTE_STACK 16U

typedef struct {
  uint8_t  held[NOTE_STACK]; /**< keys down, oldest first */
  uint32_t n_held;
  uint8_t  sustained[128]; /**< released while the pedal was down */
  bool     pedal;
  float    note; /**< last note played */
  float    velocity;
  float    bend; /**< -1 .. 1 */
  float    aftertouch;
  bool     gate;
} MidiNote;

static const AetherParamDesc note_params[] = {
  { "channel",
    "Channel",
    "",
    0,
    16,
    0,
    0,
    AETHER_PARAM_INTEGER,
    NULL,
    "MIDI channel to follow, 1 to 16; 0 follows every channel." },
  { "bend_range",
    "Bend range",
    "st",
    0,
    48,
    2,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "Semitones of pitch at full pitch bend." },
  { "retrigger",
    "Retrigger",
    "",
    0,
    1,
    1,
    0,
    AETHER_PARAM_TOGGLE,
    NULL,
    "1: a new note while another is held drops the gate for one frame (the "
    "envelope restarts); 0: legato (the gate stays high)." },
};

static const AetherPortDesc note_outputs[] = {
  { "pitch", "Pitch", "Note - 69 + bend, in semitones (0 is A4)" },
  { "gate", "Gate", "1 while a note (or the sustain pedal) holds, else 0" },
  { "velocity", "Velocity", "Velocity of the last note, 0 .. 1" },
  { "aftertouch", "Aftertouch", "Channel pressure, 0 .. 1" },
};

static void
note_reset(void* const self)
{
  memset(self, 0, sizeof(MidiNote));
  ((MidiNote*)self)->note = 69.0f;
}

static void
held_remove(MidiNote* const m, const uint8_t key)
{
  for (uint32_t i = 0; i < m->n_held; ++i) {
    if (m->held[i] == key) {
      memmove(&m->held[i], &m->held[i + 1U], m->n_held - i - 1U);
      --m->n_held;
      return;
    }
  }
}

static bool
any_sustained(const MidiNote* const m)
{
  for (uint32_t k = 0; k < 128U; ++k) {
    if (m->sustained[k]) {
      return true;
    }
  }
  return false;
}

/* Apply one event; returns true for a note-on. */
static bool
note_event(MidiNote* const m, const AetherMidiEvent* const ev)
{
  const uint8_t kind = ev->data[0] & 0xF0U;
  const uint8_t d1   = ev->data[1] & 0x7FU;
  const uint8_t d2   = ev->data[2] & 0x7FU;

  if (kind == 0x90U && d2 && ev->size == 3U) { /* note on */
    held_remove(m, d1);
    if (m->n_held == NOTE_STACK) { /* forget the oldest */
      memmove(m->held, m->held + 1, NOTE_STACK - 1U);
      --m->n_held;
    }
    m->held[m->n_held++] = d1;
    m->sustained[d1]     = 0;
    m->note              = (float)d1;
    m->velocity          = (float)d2 / 127.0f;
    m->gate              = true;
    return true;
  }
  if ((kind == 0x80U || kind == 0x90U) && ev->size == 3U) { /* note off */
    held_remove(m, d1);
    if (m->pedal) {
      m->sustained[d1] = 1;
    } else if (m->n_held) {
      m->note = (float)m->held[m->n_held - 1U]; /* back to the last held */
    }
    m->gate = m->n_held || (m->pedal && any_sustained(m));
  } else if (kind == 0xB0U && ev->size == 3U) {
    if (d1 == 64U) { /* sustain pedal */
      m->pedal = d2 >= 64U;
      if (!m->pedal) {
        memset(m->sustained, 0, sizeof(m->sustained));
        m->gate = m->n_held != 0;
      }
    } else if (d1 == 120U || d1 == 123U) { /* all sound / notes off */
      m->n_held = 0;
      memset(m->sustained, 0, sizeof(m->sustained));
      m->gate = false;
    }
  } else if (kind == 0xE0U && ev->size == 3U) { /* pitch bend */
    m->bend = (float)((int)(d1 | (d2 << 7U)) - 8192) / 8192.0f;
  } else if (kind == 0xD0U && ev->size >= 2U) { /* channel pressure */
    m->aftertouch = (float)d1 / 127.0f;
  }
  return false;
}

static void
fill(float* const out, const float v, const uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = v;
  }
}

static void
note_process(void* const                    self,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  MidiNote* const            m       = (MidiNote*)self;
  const AetherContext* const ctx     = args->ctx;
  const int                  channel = (int)aether_param0(args, NOTE_CHANNEL);
  const bool                 was_on  = m->gate;
  bool                       note_on = false;

  /* A per-voice node hears only its voice's notes. */
  const AetherMidiEvent* const events =
    args->voice ? ctx->voice_midi[args->voice - 1U] : ctx->midi;
  const uint32_t n_events =
    args->voice ? ctx->n_voice_midi[args->voice - 1U] : ctx->n_midi;
  for (uint32_t e = 0; e < n_events; ++e) {
    const AetherMidiEvent* const ev = &events[e];
    if ((ev->data[0] & 0x80U) && ev->data[0] < 0xF0U &&
        (!channel || (ev->data[0] & 0x0FU) == (uint8_t)(channel - 1))) {
      note_on |= note_event(m, ev);
    }
  }

  const float pitch =
    m->note - 69.0f + m->bend * aether_param0(args, NOTE_BEND_RANGE);
  fill(args->out[NOTE_PITCH], pitch, n);
  fill(args->out[NOTE_GATE], m->gate ? 1.0f : 0.0f, n);
  fill(args->out[NOTE_VELOCITY], m->velocity, n);
  fill(args->out[NOTE_AFTERTOUCH], m->aftertouch, n);
  /* A note played while the gate was high (held, or a stolen voice whose
     old note ended in this very block) restarts it. */
  if (note_on && was_on && m->gate &&
      aether_param0(args, NOTE_RETRIGGER) > 0.5f) {
    args->out[NOTE_GATE][0] = 0.0f; /* one low frame: a new rising edge */
  }
}

const AetherNodeType aether_node_midi_note = {
  .name      = "MidiNote",
  .label     = "MIDI note",
  .comment   = "MIDI notes as pitch, gate, velocity and aftertouch signals, "
               "with pitch bend and sustain pedal: last-note priority when "
               "shared, one note per voice when per-voice (ae:poly).",
  .outputs   = note_outputs,
  .n_outputs = NOTE_N_OUTPUTS,
  .params    = note_params,
  .n_params  = NOTE_N_PARAMS,
  .size      = sizeof(MidiNote),
  .reset     = note_reset,
  .process   = note_process,
};
