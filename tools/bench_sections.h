/* bench_sections.h: the sections of `aether bench`, each adding its tables
   and targets to a Bench (bench.c runs them). */

#ifndef AETHER_TOOLS_BENCH_SECTIONS_H
#define AETHER_TOOLS_BENCH_SECTIONS_H

#include "bench_inputs.h"
#include "bench_report.h"

/** 1. Scheduler overhead: chains and random DAGs of trivial nodes, against
    their kernels and hand-written loops (bench_scheduler.c). */
void
bench_scheduler(Bench* b);

/** 2a. Realistic patches: every patch of `ps` against an empty patch
    (bench_patches.c). Returns the table (bench_references() adds the
    32-voice synth to it). */
Table*
bench_patches(Bench* b, const PatchSet* ps);

/** 2b. Synth voices: one and 16, against hand-written C
    (bench_patches.c). */
void
bench_voices(Bench* b);

/** 2c. Outside references: the default synth's 32 voices and the Reverb
    node against Faust programs of the same DSP; adds the synth's row to
    `patches` (bench_refs.c). */
void
bench_references(Bench* b, Table* patches);

/** 2d. The worst block: the 32-voice synth's 64-frame blocks timed one by
    one while a control thread edits the patch every 10 ms of audio
    (bench_load.c). */
void
bench_edit_load(Bench* b);

/** 3a. Edits: compile a patch off the audio thread (bench_edits.c). */
void
bench_compile(Bench* b);

/** 3b. Edits: the audio thread's cost of a schedule swap
    (bench_edits.c). */
void
bench_swap(Bench* b);

/** 3c. Edits: parse and validate patch texts (bench_edits.c). */
void
bench_parse(Bench* b);

/** 4. Through the plugin: the effect of `lv2` playing `fx_patch` (its
    default preset, NULL: skipped) in LV2 hosts, against the engine called
    directly (bench_plugin.c). */
void
bench_plugin(Bench* b, const Lv2* lv2, const char* fx_patch);

/** Free the URIs bench_plugin()'s hosts mapped (at the end). */
void
plugin_host_uris_free(void);

/** 5. Per node type: each type's kernel alone and in the engine
    (bench_nodes.c). */
void
bench_nodes(Bench* b);

#endif /* AETHER_TOOLS_BENCH_SECTIONS_H */
