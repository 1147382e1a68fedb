/* Aether CLI: an offline LV2 host for the real plugin binary, on lilv.

   It offers what a host offers (urid:map and unmap, a worker, options,
   state restore) and is deterministic: the worker is synchronous, its jobs
   run right after each run() and its responses are delivered before the
   next, like a host whose worker thread always wins the race (the same
   order as tests/plugin/lv2host.c). Setup (patch, preset, parameters)
   happens in runs of 0 frames before the first frame, so a loaded patch
   plays from frame 0. Nothing here prints. */

#ifndef AETHER_TOOLS_HOST_H
#define AETHER_TOOLS_HOST_H

#include "../src/engine/status.h"

#include <stdbool.h>
#include <stdint.h>

/** Largest host block, in frames. */
#define AETHER_HOST_MAX_BLOCK 8192U

/** Capacity of the control and notify atom buffers, in bytes (the plugin's
    rsz:minimumSize). */
#define AETHER_HOST_ATOM_CAPACITY 65536U

/** Statuses other than "ok" the plugin sent that are kept (the first). */
#define AETHER_HOST_MAX_REPORTS 16U

typedef struct AetherHostImpl AetherHost;

/** Where bundles are looked for: $LV2_PATH if set, else `fallback`. */
const char*
aether_host_lv2_path(const char* fallback);

/** Load the LV2 world from `lv2_path` and instantiate plugin `uri` at
    `rate` Hz, for host blocks of at most `max_block` frames. */
AetherStatus
aether_host_new(const char*  lv2_path,
                const char*  uri,
                double       rate,
                uint32_t     max_block,
                AetherHost** out,
                AetherError* err);

/** Free the instance and the world (NULL is allowed). */
void
aether_host_free(AetherHost* host);

/** The plugin's shared library, as a file path (for the report). */
const char*
aether_host_binary(const AetherHost* host);

/** True if the plugin has audio inputs (the effect). */
bool
aether_host_has_input(const AetherHost* host);

/** Set the input control port `symbol` (macro1..macro8, enabled); a value
    outside the port's range is refused. */
AetherStatus
aether_host_set_control(AetherHost*  host,
                        const char*  symbol,
                        float        value,
                        AetherError* err);

/** Load the patch file at `path` (a patch:Set of urn:aether:patchFile) and
    wait for the plugin's answer: its error if it refused the patch. */
AetherStatus
aether_host_load_file(AetherHost* host, const char* path, AetherError* err);

/** Restore preset `name` (a preset URI, or the name after
    urn:aether:preset:) and wait for the plugin's answer. */
AetherStatus
aether_host_load_preset(AetherHost* host, const char* name, AetherError* err);

/** Set parameter `param` of node `node` (a patch:Set with subject
    urn:aether:node:NODE, property urn:aether:PARAM) to `text`, sent as a
    float when it is a number, else as a string (a choice like "saw"); wait
    for the plugin's answer. */
AetherStatus
aether_host_set_param(AetherHost*  host,
                      const char*  node,
                      const char*  param,
                      const char*  text,
                      AetherError* err);

/** Queue a MIDI message at `offset` in the next run(). False: the control
    buffer is full (run the block first). */
bool
aether_host_midi(AetherHost*    host,
                 uint32_t       offset,
                 const uint8_t* data,
                 uint32_t       size);

/** Run `n` (0 .. max_block) frames: inputs from `in` (NULL channels:
    silence), outputs into `out`, then read notify and do the worker's
    jobs. */
void
aether_host_run(AetherHost*        host,
                const float* const in[2],
                float* const       out[2],
                uint32_t           n);

/** Number of statuses other than "ok" (errors and warnings) the plugin sent
    on notify since it was created, setup included. */
uint32_t
aether_host_n_reports(const AetherHost* host);

/** Status `i` (0 .. min(n, AETHER_HOST_MAX_REPORTS) - 1), in order, e.g.
    "error: ..." or "warning: ...". */
const char*
aether_host_report(const AetherHost* host, uint32_t i);

/** Number of those statuses that are errors (not "warning: ..."). */
uint32_t
aether_host_n_errors(const AetherHost* host);

/** Call `line` with the name and label of every preset of plugin `uri`,
    sorted by name. */
AetherStatus
aether_host_list_presets(const char* lv2_path,
                         const char* uri,
                         void (*line)(void*       ctx,
                                      const char* name,
                                      const char* label),
                         void*        ctx,
                         AetherError* err);

#endif /* AETHER_TOOLS_HOST_H */
