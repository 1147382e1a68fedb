/* Aether: the voice allocator (audio thread). Notes go to a free voice
   first, then to the voice released longest ago, then to the one held
   longest; a voice taken from a held note gets that note's note-off first.
   Controllers, pitch bend and pressure go to every voice. With one voice
   every event passes through, so MidiNote keeps its last-note priority. */

#include "voices.h"

#include <string.h>

static void
give(AetherEngine* const e, const uint32_t v, const AetherMidiEvent* const ev)
{
  if (e->n_voice_midi[v] < AETHER_MAX_VOICE_EVENTS) {
    e->voice_midi[v][e->n_voice_midi[v]++] = *ev;
  }
}

static void
give_all(AetherEngine* const          e,
         const uint32_t               n,
         const AetherMidiEvent* const ev)
{
  for (uint32_t v = 0; v < n; ++v) {
    give(e, v, ev);
  }
}

/* The voice playing `note` on `channel` in one of `states`, or n. */
static uint32_t
find_note(const AetherEngine* const e,
          const uint32_t            n,
          const uint8_t             note,
          const uint8_t             channel,
          const uint32_t            states)
{
  for (uint32_t v = 0; v < n; ++v) {
    const AetherVoice* const voice = &e->voice[v];
    if (((states >> voice->state) & 1U) && voice->note == note &&
        voice->channel == channel) {
      return v;
    }
  }
  return n;
}

/* The oldest voice in `state`, or n. */
static uint32_t
oldest(const AetherEngine* const e, const uint32_t n, const uint8_t state)
{
  uint32_t best = n;
  for (uint32_t v = 0; v < n; ++v) {
    if (e->voice[v].state == state &&
        (best == n || e->voice[v].age < e->voice[best].age)) {
      best = v;
    }
  }
  return best;
}

static uint32_t
allocate(const AetherEngine* const e,
         const uint32_t            n,
         const uint8_t             note,
         const uint8_t             channel)
{
  const uint32_t sounding = (1U << AETHER_VOICE_HELD) |
                            (1U << AETHER_VOICE_SUSTAINED) |
                            (1U << AETHER_VOICE_RELEASED);
  uint32_t v = find_note(e, n, note, channel, sounding); /* same key again */
  if (v == n) {
    v = oldest(e, n, AETHER_VOICE_IDLE);
  }
  if (v == n) {
    v = oldest(e, n, AETHER_VOICE_RELEASED);
  }
  if (v == n) {
    v = oldest(e, n, AETHER_VOICE_SUSTAINED);
  }
  if (v == n) {
    v = oldest(e, n, AETHER_VOICE_HELD);
  }
  return v;
}

void
aether_voices_reset(AetherEngine* const e)
{
  memset(e->voice, 0, sizeof(e->voice));
  e->voice_clock = 0;
  e->pedal       = false;
}

void
aether_voices_route(AetherEngine* const e, const uint32_t n)
{
  memset(e->n_voice_midi, 0, sizeof(e->n_voice_midi));
  if (n <= 1U) {
    for (uint32_t i = 0; i < e->n_midi; ++i) {
      give(e, 0, &e->midi[i]);
    }
    return;
  }

  for (uint32_t i = 0; i < e->n_midi; ++i) {
    const AetherMidiEvent* const ev      = &e->midi[i];
    const uint8_t                kind    = ev->data[0] & 0xF0U;
    const uint8_t                channel = ev->data[0] & 0x0FU;
    const uint8_t                note    = ev->data[1] & 0x7FU;
    const bool                   on      = kind == 0x90U && ev->data[2];
    const uint32_t               held    = 1U << AETHER_VOICE_HELD;

    if (on && ev->size == 3U) {
      const uint32_t     v     = allocate(e, n, note, channel);
      AetherVoice* const voice = &e->voice[v];
      if (voice->state == AETHER_VOICE_HELD ||
          voice->state == AETHER_VOICE_SUSTAINED) {
        /* Stolen: let the voice forget its old note first. */
        const AetherMidiEvent off = {
          { (uint8_t)(0x80U | voice->channel), voice->note, 0 }, 3
        };
        give(e, v, &off);
      }
      give(e, v, ev);
      *voice =
        (AetherVoice){ ++e->voice_clock, AETHER_VOICE_HELD, note, channel };
    } else if ((kind == 0x80U || kind == 0x90U) && ev->size == 3U) {
      const uint32_t v = find_note(e, n, note, channel, held);
      if (v < n) {
        e->voice[v].state =
          e->pedal ? AETHER_VOICE_SUSTAINED : AETHER_VOICE_RELEASED;
        e->voice[v].age = ++e->voice_clock;
        give(e, v, ev);
      }
    } else if (kind == 0xA0U) { /* polyphonic pressure: the note's voice */
      const uint32_t v = find_note(e, n, note, channel, held);
      if (v < n) {
        give(e, v, ev);
      }
    } else {
      if (kind == 0xB0U && note == 64U) {
        e->pedal = (ev->data[2] & 0x7FU) >= 64U;
        for (uint32_t v = 0; !e->pedal && v < n; ++v) {
          if (e->voice[v].state == AETHER_VOICE_SUSTAINED) {
            e->voice[v].state = AETHER_VOICE_RELEASED;
          }
        }
      } else if (kind == 0xB0U && (note == 120U || note == 123U)) {
        for (uint32_t v = 0; v < n; ++v) {
          e->voice[v].state = AETHER_VOICE_IDLE;
        }
      }
      give_all(e, n, ev);
    }
  }
}
