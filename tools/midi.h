/* Aether CLI: notes to play, as MIDI events at exact frames. Read from a
   Standard MIDI File (format 0 or 1, tempo changes, tracks merged in time
   order) or from a short inline list ("C4:0:0.5,E4:0.5:0.5:90"). Nothing
   here prints: errors come back in an AetherError that says where. */

#ifndef AETHER_TOOLS_MIDI_H
#define AETHER_TOOLS_MIDI_H

#include "../src/engine/status.h"

#include <stddef.h>
#include <stdint.h>

/** Largest MIDI file read, in bytes. */
#define AETHER_MIDI_MAX_FILE (16U * 1024U * 1024U)

/** Most events kept from one file or list. */
#define AETHER_MIDI_MAX_EVENTS (1U << 20U)

/** One channel message (note, controller, pitch bend...) at a frame. */
typedef struct {
  uint64_t frame;   /**< frames from the start of the render */
  uint8_t  data[3]; /**< status, data1, data2 */
  uint8_t  size;    /**< 2 or 3 */
} AetherSeqEvent;

/** Events in time order (stable: equal frames keep their order). */
typedef struct {
  AetherSeqEvent* events; /**< malloc'ed */
  size_t          n;      /**< number of events */
  size_t          cap;    /**< allocated events */
} AetherMidiSeq;

/** Free the events of `seq` and empty it. */
void
aether_midi_seq_clear(AetherMidiSeq* seq);

/** Frame of the last event (0 when empty). */
uint64_t
aether_midi_seq_last(const AetherMidiSeq* seq);

/** Parse a Standard MIDI File of `size` bytes (format 0 or 1; format 2 and
    corrupt files are refused) into channel messages at frames of `rate`
    Hz. Meta events and system exclusive messages are dropped; tempo changes
    (in any track) and SMPTE time divisions are honoured. `name` is used in
    messages. On error, `seq` is left empty. */
AetherStatus
aether_midi_parse(const uint8_t* data,
                  size_t         size,
                  const char*    name,
                  double         rate,
                  AetherMidiSeq* seq,
                  AetherError*   err);

/** Read and parse the Standard MIDI File at `path`. */
AetherStatus
aether_midi_read_file(const char*    path,
                      double         rate,
                      AetherMidiSeq* seq,
                      AetherError*   err);

/** Parse an inline note list: notes separated by ',', each
    NOTE:START:LENGTH[:VELOCITY], NOTE a name (C4 is MIDI 60, A4 440 Hz;
    sharps '#', flats 'b'; octaves -1 to 9) or a MIDI number 0 to 127,
    START and LENGTH in seconds, VELOCITY 1 to 127 (default 100). All on
    MIDI channel 1; at the same frame note-offs come before note-ons, so a
    note may be repeated back to back. */
AetherStatus
aether_midi_parse_notes(const char*    text,
                        double         rate,
                        AetherMidiSeq* seq,
                        AetherError*   err);

/** The MIDI number of a note name ("C4" 60, "F#3" 54, "Bb-1" 10) or of a
    number "0" .. "127"; -1 if `name` is neither. */
int
aether_midi_note_number(const char* name);

#endif /* AETHER_TOOLS_MIDI_H */
