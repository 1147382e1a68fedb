/* Aether fuzzing: a minimal in-process LV2 host for the plugin's own
   descriptor (the plugin's sources are linked into the fuzz target, so the
   sanitizers and the fuzzer see all of it). Every buffer handed to the
   plugin is a heap block of exactly the size the host announces, so a read
   past an atom's end is an AddressSanitizer error, not a quiet bug. The host
   checks what the plugin gives back and aborts (a crash for the fuzzer) on
   a non-finite sample or a malformed notify sequence. */

#ifndef AETHER_FUZZ_HOST_H
#define AETHER_FUZZ_HOST_H

#include <lv2/atom/atom.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Longest cycle in frames. */
#define FUZZ_MAX_FRAMES 256U

typedef struct FuzzHost FuzzHost;

/** Instantiate the effect (or the instrument) with map, unmap and a worker
    that runs after run() (`sync_worker`: inside schedule_work(), as offline
    hosts do). */
FuzzHost*
fuzz_host_new(bool synth, bool sync_worker);

/** A host kept for the whole process, one per (synth, sync_worker), brought
    back to the default patch, default controls and an empty worker queue.
    Instantiating the plugin costs more than most inputs, so the fuzzers
    reuse these; set FUZZ_FRESH=1 for a new instance per input. Give it back
    with fuzz_host_release(). */
FuzzHost*
fuzz_host_get(bool synth, bool sync_worker);

/** Done with a host from fuzz_host_get(). */
void
fuzz_host_release(FuzzHost* host);

/** Free the instance and the host. */
void
fuzz_host_free(FuzzHost* host);

/** Map a URI (the table lives as long as the process). */
LV2_URID
fuzz_map(const char* uri);

/** The URID map (the one the plugin gets), for forges. */
LV2_URID_Map*
fuzz_urid_map(void);

/** Set control port `index` (0: enabled, 1 .. 8: macros). */
void
fuzz_host_control(FuzzHost* host, uint32_t index, float value);

/** One cycle of `n` frames with a control sequence of `size` bytes (copied
    into an exact heap block; NULL: an empty sequence). Then the worker's
    jobs run and their responses are delivered. Aborts if the output is not
    finite or notify is malformed. */
void
fuzz_host_run(FuzzHost*                host,
              const LV2_Atom_Sequence* control,
              uint32_t                 size,
              uint32_t                 n);

/** Restore a state whose ae:patch value is `size` bytes at `value` (copied
    into an exact heap block) of type `type`. */
LV2_State_Status
fuzz_host_restore(FuzzHost*   host,
                  const void* value,
                  size_t      size,
                  LV2_URID    type);

/** Save the state: the ae:patch text (malloc'ed) or NULL. */
char*
fuzz_host_save(FuzzHost* host);

#endif /* AETHER_FUZZ_HOST_H */
