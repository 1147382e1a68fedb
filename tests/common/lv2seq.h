/* Aether tests: atom sequences between a test host and a plugin: an output
   buffer announced with its capacity, and a checked walk over the sequence
   the plugin wrote there (its size inside the buffer, each event inside the
   sequence, event times in order). */

#ifndef AETHER_TEST_LV2SEQ_H
#define AETHER_TEST_LV2SEQ_H

#include <lv2/atom/atom.h>

#include <stdbool.h>
#include <stdint.h>

/** A walk over the events of a sequence. */
typedef struct {
  const uint8_t* it;   /**< the next event */
  const uint8_t* end;  /**< the end of the sequence's body */
  int64_t        last; /**< the time of the last event */
  bool           bad;  /**< the walk stopped at a malformed event */
} Lv2SeqWalk;

/** Prepare an output sequence buffer of `capacity` bytes for run(): no
    type, and its capacity in the size, as hosts announce it. */
void
lv2seq_announce(void* buf, uint32_t capacity);

/** Start a walk over `seq`, a sequence in a buffer of `capacity` bytes.
    False if its size does not fit a sequence body and the buffer. */
bool
lv2seq_begin(Lv2SeqWalk* walk, const LV2_Atom_Sequence* seq, uint32_t capacity);

/** The next event, or NULL at the end or at a malformed event (outside the
    sequence, or earlier than the one before): then `walk->bad` is set. */
const LV2_Atom_Event*
lv2seq_next(Lv2SeqWalk* walk);

#endif /* AETHER_TEST_LV2SEQ_H */
