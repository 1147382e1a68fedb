/* bench_faust.h: the outside references of `aether bench`: Faust programs
   (tools/faust/\*.dsp) compiled to C at build time when the `faust`
   compiler is installed, and wrapped here: 32 voices of the default synth,
   and Freeverb set up as the Reverb node. Without faust every constructor
   returns NULL and the bench says the references were skipped. */

#ifndef AETHER_TOOLS_BENCH_FAUST_H
#define AETHER_TOOLS_BENCH_FAUST_H

#include <stdbool.h>
#include <stdint.h>

/** The note a Faust synth's first voice plays (the engine's first note,
    VOICE_NOTE in bench_engine.h); the others go down by semitones. */
#define FAUST_FIRST_NOTE 57U

/** True when the Faust programs were compiled into this build. */
bool
faust_available(void);

/** The version of the faust compiler that generated them, and its flags
    ("" without faust). */
const char*
faust_version(void);

/** The flags the .dsp files were compiled with ("" without faust). */
const char*
faust_flags(void);

/** `n` voices of tools/faust/synth_voice.dsp, summed as a polyphonic synth
    sums them. */
typedef struct FaustSynth FaustSynth;

/** `n` voices (1 .. 32) at `rate`, voice k playing FAUST_FIRST_NOTE - k with
    its gate held; NULL without faust or out of memory. */
FaustSynth*
faust_synth_new(uint32_t n, double rate);

/** Free `s` (NULL is allowed). */
void
faust_synth_free(FaustSynth* s);

/** Compute `frames` frames (at most 64) of every voice and sum them into
    `out[0]`, copied to `out[1]` (a mono patch on a stereo output). */
void
faust_synth_run(FaustSynth* s, float* const out[2], uint32_t frames);

/** tools/faust/freeverb.dsp: Freeverb at the Reverb node's defaults. */
typedef struct FaustReverb FaustReverb;

/** A reverb at `rate`, silent; NULL without faust or out of memory. */
FaustReverb*
faust_reverb_new(double rate);

/** Free `r` (NULL is allowed). */
void
faust_reverb_free(FaustReverb* r);

/** Process `frames` stereo frames (any count). */
void
faust_reverb_run(FaustReverb*       r,
                 const float* const in[2],
                 float* const       out[2],
                 uint32_t           frames);

/** Render `n` samples of tools/faust/saw.dsp (the voice's PolyBLEP saw,
    amplitude 1) at `hz` from its start; false without faust or out of
    memory. */
bool
faust_saw_render(float* out, uint32_t n, double rate, float hz);

#endif /* AETHER_TOOLS_BENCH_FAUST_H */
