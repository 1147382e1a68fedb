/* Aether LV2: messages on the control and notify ports, on the audio
   thread: MIDI to the engine, parameter sets applied at their frame,
   structural edits to the worker, replies and acknowledgements out. */

#ifndef AETHER_LV2_MESSAGES_H
#define AETHER_LV2_MESSAGES_H

#include "plugin.h"

#include <lv2/atom/atom.h>

/** Start a run: open the notify sequence, forward control-side replies. */
void
aether_messages_begin(AetherPlugin* p);

/** Handle one event of the control port at `frame`. */
void
aether_messages_handle(AetherPlugin* p, const LV2_Atom* atom, uint32_t frame);

/** Report an event whose size runs past the control sequence (the rest of
    the sequence is ignored). */
void
aether_messages_malformed(AetherPlugin* p, uint32_t frame);

/** End a run: report a blow-up of the patch, wake the worker to collect if
    needed, close the sequence. */
void
aether_messages_end(AetherPlugin* p);

/** Map the names of every node parameter and input (for run()). Off the
    audio thread; returns false if out of memory. */
bool
aether_messages_map_properties(AetherPlugin* p);

#endif /* AETHER_LV2_MESSAGES_H */
