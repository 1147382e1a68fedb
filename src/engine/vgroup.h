/* Aether: the voices of a per-voice node run together, side by side in SIMD
   lanes (AetherNodeType.process_voices), and the SIMD level that chooses
   the kernels. */

#ifndef AETHER_VGROUP_H
#define AETHER_VGROUP_H

#include "node.h"

#include <stdint.h>

typedef struct AetherScheduleImpl AetherSchedule;

/** A voice whose inputs are ramped in this block: its arguments with the
    ramped inputs copied into the group's memory. */
typedef struct {
  AetherProcessArgs args;
  const float*      in[AETHER_MAX_INPUTS];
} AetherVoiceRamp;

/** The voices of one node, run by one call at the step of its last voice. */
typedef struct {
  const AetherNodeType*    type;
  AetherSimd               simd;   /**< what the kernel may use */
  uint32_t                 n;      /**< voices */
  uint32_t                 ramped; /**< bit v: voice v's inputs are ramped */
  const AetherProcessArgs* run[AETHER_MAX_VOICES]; /**< what they run */
  void*                    selves[AETHER_MAX_VOICES];
  const AetherProcessArgs* args[AETHER_MAX_VOICES]; /**< the steps' own */
  AetherVoiceRamp*         ramps;                   /**< one per voice */
  float* buf; /**< n * n_inputs * AETHER_BUFFER_SIZE: ramped inputs */
} AetherVoiceGroup;

/** What a voice's step runs on: its group and which voice it is. */
typedef struct {
  AetherVoiceGroup* group;
  uint32_t          voice;
} AetherVoiceMember;

/** The SIMD level schedules are compiled for: the widest this CPU runs
    (AVX2, else SSE2: the x86-64 baseline, or 16-byte vectors elsewhere),
    unless aether_simd_force() or the environment variable AETHER_SIMD
    ("scalar", "sse2" or "avx2") asks for less. Control side. */
AetherSimd
aether_simd_level(void);

/** The widest SIMD level this CPU runs. */
AetherSimd
aether_simd_best(void);

/** Compile later schedules for `level` (lowered to what the CPU runs), or
    for the CPU's best again when `level` is 0. AETHER_SIMD_SCALAR runs
    every voice through `process`, one by one, as before batch kernels.
    For tests and benchmarks: the output is the same at every level. */
void
aether_simd_force(AetherSimd level);

/** Run the voices of each per-voice node whose type has process_voices in
    one call, at `level` (nothing to do at AETHER_SIMD_SCALAR): the steps
    of its voices, consecutive in `sch`, keep their places, parameter ticks
    and input ramps; every voice's but the last defers its work, and the
    last runs them all. A voice whose inputs are ramped (an edit's
    declick) keeps a copy of them for that call. Out of memory, `sch` stays
    as it was (same output). Call after every other change to the step
    array. Off the audio thread. */
void
aether_vgroup_build(AetherSchedule* sch, AetherSimd level);

#endif /* AETHER_VGROUP_H */
