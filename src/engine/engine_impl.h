/* Aether: the engine's internals, shared by engine.c (control side) and
   scheduler.c (audio thread). */

#ifndef AETHER_ENGINE_IMPL_H
#define AETHER_ENGINE_IMPL_H

#include "buffer_pool.h"
#include "engine.h"
#include "ring.h"
#include "schedule.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/** Schedules sent and not yet collected, at most: the notes ring always has
    room for their RETIRED messages. */
#define AETHER_MAX_IN_FLIGHT 64

/** Control side to audio thread. */
typedef enum {
  AETHER_CMD_SWAP,  /**< ptr: the new schedule, param: its commit number */
  AETHER_CMD_PARAM, /**< ptr: instance, param, value */
  AETHER_CMD_MUTE,  /**< value: 1 mute, 0 unmute */
  AETHER_CMD_RESET, /**< reset every node */
} AetherCommandType;

typedef struct {
  void*    ptr;
  uint32_t type;
  uint32_t param;
  float    value;
  uint32_t pad;
} AetherCommand;

/** Audio thread to control side. */
typedef enum {
  AETHER_NOTE_RETIRED, /**< ptr: a schedule the audio thread let go */
  AETHER_NOTE_PARAM,   /**< a parameter set on the audio thread */
} AetherNoteType;

typedef struct {
  void*    ptr;
  uint32_t type;
  uint32_t slot;
  uint32_t generation;
  uint32_t param;
  float    value;
  uint32_t pad;
} AetherNote;

/** Events one voice receives in one process() call, at most. */
#define AETHER_MAX_VOICE_EVENTS 64

/** What a voice is doing, for the allocator. */
typedef enum {
  AETHER_VOICE_IDLE,      /**< never played (or all notes off) */
  AETHER_VOICE_RELEASED,  /**< key up: its release may still sound */
  AETHER_VOICE_SUSTAINED, /**< key up, held by the sustain pedal */
  AETHER_VOICE_HELD,      /**< key down */
} AetherVoiceState;

typedef struct {
  uint64_t age;     /**< when it took its note (held) or let it go */
  uint8_t  state;   /**< AetherVoiceState */
  uint8_t  note;    /**< its note */
  uint8_t  channel; /**< its channel */
} AetherVoice;

struct AetherEngineImpl {
  /* Shared */
  AetherRing       commands; /**< control -> audio */
  AetherRing       notes;    /**< audio -> control */
  AetherBufferPool pool;
  double           rate;

  /* Control side */
  AetherGraph*    graph;
  AetherSchedule* latest;     /**< newest schedule sent */
  AetherSchedule* parked;     /**< newest commit, waiting for room to send */
  uint32_t        parked_cap; /**< room in parked->updates */
  uint32_t        in_flight;  /**< sent, not yet collected */
  uint32_t        seq;        /**< commits made */
  bool            no_fusion;  /**< compile node by node */

  /* Audio thread, from a cache line of its own: the control side writes
     the fields above at every commit. */
  _Alignas(AETHER_ALIGN) AetherContext ctx;
  AetherSchedule* current;
  AetherSchedule* pending;     /**< waiting for the fade-out */
  uint32_t        current_seq; /**< commit number of `current` */
  uint32_t        pending_seq; /**< commit number of `pending` */
  /** Schedules a newer pending one replaced before they played: retired
      with the swap (their dead lists may hold nodes `current` runs). */
  AetherSchedule*   skipped[AETHER_MAX_IN_FLIGHT];
  uint32_t          n_skipped;
  AetherCommand     held;     /**< popped behind a pending swap, not applied */
  bool              has_held; /**< `held` is waiting */
  uint32_t          level;    /**< output gain * AETHER_DECLICK_FRAMES */
  uint32_t          ramp; /**< re-routed inputs' gain * AETHER_DECLICK_FRAMES */
  const AetherRamp* ramps_in; /**< of `current`, until they reach full gain */
  uint32_t          n_ramps_in;
  bool              muted;
  bool              params_idle; /**< no parameter moves: skip the ticks */
  AetherMidiEvent   midi[AETHER_MAX_MIDI_EVENTS];
  uint32_t          n_midi;
  uint8_t           cc_value[16][128]; /**< last controller values, 255: none */
  uint8_t           cc_any[128];       /**< last value on any channel */
  uint64_t          cc_marks; /**< controller mappings set in this call */
  float             cc_set[AETHER_MAX_CC_MAPS]; /**< the values they set */
  AetherVoice       voice[AETHER_MAX_VOICES];
  uint64_t          voice_clock;
  bool              pedal;
  AetherMidiEvent   voice_midi[AETHER_MAX_VOICES][AETHER_MAX_VOICE_EVENTS];
  uint32_t          n_voice_midi[AETHER_MAX_VOICES];
  _Alignas(AETHER_ALIGN) float in_copy[2][AETHER_BUFFER_SIZE];
  _Alignas(AETHER_ALIGN) float ramp_buf[AETHER_MAX_INPUTS][AETHER_BUFFER_SIZE];
  float ramp_gain[AETHER_BUFFER_SIZE]; /**< per frame of the chunk */

  /* Shared: the newest commit number (control side writes it) */
  _Atomic(uint32_t) committed;

  /* Published counters (the audio thread writes them at every call) */
  _Alignas(AETHER_ALIGN) _Atomic(uint64_t) frames;
  _Atomic(uint32_t) swaps;
  _Atomic(uint32_t) n_commands;
  _Atomic(uint32_t) blowups;
  _Atomic(uint32_t) dropped_notes;
};

#endif /* AETHER_ENGINE_IMPL_H */
