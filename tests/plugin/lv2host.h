/* Aether tests: a small LV2 host on lilv for the plugin tests: URID map,
   a deterministic worker (work runs between run() calls, like a host's
   worker thread that always wins the race), state, atom messages. Built on
   the pieces test hosts share (tests/common/lv2*.h). */

#ifndef AETHER_TEST_LV2HOST_H
#define AETHER_TEST_LV2HOST_H

#include <lilv/lilv.h>
#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stdint.h>

#define HOST_ATOM_CAPACITY 65536U

typedef struct Host Host;

/** Which features the host offers. */
typedef enum {
  HOST_NO_FEATURES = 0, /**< like lv2apply */
  HOST_MAP         = 1, /**< urid:map and urid:unmap */
  HOST_WORKER      = 2, /**< work:schedule */
  HOST_ALL         = 3,
} HostFeatures;

/** Load the world (LV2_PATH), instantiate `uri` at `rate`. NULL on error. */
Host*
host_new(const char* uri, double rate, HostFeatures features);

/** Free the instance and everything else. */
void
host_free(Host* host);

/** The lilv world (shared by every host of the process). */
LilvWorld*
host_world(void);

/** Map a URI. */
LV2_URID
host_map(Host* host, const char* uri);

/** The host's urid:map. */
LV2_URID_Map*
host_urid_map(Host* host);

/** The forge writing into the control port's next sequence. */
LV2_Atom_Forge*
host_forge(Host* host);

/** Start a patch:Set of `property` on `subject` (NULL: the plugin) at
    `frame`; write the value with the forge, then call host_end(). */
void
host_begin_set(Host*       host,
               uint32_t    frame,
               const char* subject,
               const char* property);

/** Close a message begun with host_begin_*(). */
void
host_end(Host* host);

/** patch:Set of a string property (ae:patch, ae:patchFile) at `frame`. */
void
host_set_string(Host*       host,
                uint32_t    frame,
                const char* property,
                const char* value,
                bool        path);

/** patch:Set of a node parameter to a float at `frame`. */
void
host_set_param(Host*       host,
               uint32_t    frame,
               const char* node,
               const char* param,
               float       value);

/** patch:Get of `property` (NULL: everything). */
void
host_get(Host* host, uint32_t frame, const char* property);

/** A MIDI message at `frame`. */
void
host_midi(Host* host, uint32_t frame, uint8_t status, uint8_t d1, uint8_t d2);

/** Set control port `symbol` to `value`. */
void
host_control(Host* host, const char* symbol, float value);

/** Run `n` frames: inputs from `in` (2 channels, may be NULL: silence),
    outputs into `out` (2 channels), in host blocks of `block` frames.
    Queued control messages go into the first block; the worker runs
    between blocks. */
void
host_run(Host*              host,
         const float* const in[2],
         float* const       out[2],
         uint32_t           n,
         uint32_t           block);

/** Run the worker until nothing is pending (no audio processed). */
void
host_idle(Host* host);

/** Text of the last ae:status seen on notify ("" if none). */
const char*
host_status(const Host* host);

/** Text of the last ae:patch seen on notify (NULL if none). */
const char*
host_patch(const Host* host);

/** Number of state:StateChanged seen on notify. */
uint32_t
host_state_changes(const Host* host);

/** The last voice count the plugin told on notify (ae:voices), 0: none. */
int32_t
host_voices(const Host* host);

/** How many times the plugin told its voice count. */
uint32_t
host_voice_reports(const Host* host);

/** Number of parameter acknowledgements (node patch:Set) seen on notify. */
uint32_t
host_acks(const Host* host);

/** Save the instance's state. */
LilvState*
host_save(Host* host);

/** Restore a state into the instance. */
void
host_restore(Host* host, const LilvState* state);

/** The lilv instance. */
LilvInstance*
host_instance(Host* host);

/** Install a hook called around run() and work_response() (on = 1 before,
    0 after), e.g. the real-time trap. */
void
host_set_audio_hook(void (*hook)(int on));

#endif /* AETHER_TEST_LV2HOST_H */
