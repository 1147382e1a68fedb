/* Aether: the voice allocator (audio thread). */

#ifndef AETHER_VOICES_H
#define AETHER_VOICES_H

#include "engine_impl.h"

#include <stdint.h>

/** Forget every voice's note (all voices idle, the clock that orders
    them back to 0) and the sustain pedal. */
void
aether_voices_reset(AetherEngine* engine);

/** Share out the MIDI events of this process() call among `n` voices into
    the engine's per-voice event lists. */
void
aether_voices_route(AetherEngine* engine, uint32_t n);

#endif /* AETHER_VOICES_H */
