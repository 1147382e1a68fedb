/* Aether reliability tests: an LV2 host on lilv that behaves like real
   hosts do. Its worker runs either between cycles (deterministic) or on its
   own thread (as jalv and Ardour run it); control messages are posted from
   one thread through a lock-free queue and copied into the control port at
   the start of a cycle; the notify port is read into a reply queue; state
   is saved and restored through the plugin's interface. A hook surrounds
   every call a host makes on its audio thread (connect_port, run,
   work_response), for the real-time trap. */

#ifndef AETHER_TEST_RHOST_H
#define AETHER_TEST_RHOST_H

#include <lilv/lilv.h>
#include <lv2/atom/forge.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Longest host block rhost_cycle() accepts, in frames. */
#define RHOST_MAX_BLOCK 8192U

/** Longest reply text kept (longer texts are cut). */
#define RHOST_TEXT 600U

typedef struct RHost RHost;

/** A fault the host plants inside one of its audio-thread windows, to show
    that the real-time trap watches that window. */
typedef enum {
  RHOST_PLANT_NONE,
  RHOST_PLANT_SCHEDULE, /**< schedule_work() (called from run()) allocates */
  RHOST_PLANT_CONNECT,  /**< an allocation among the connect_port() calls */
  RHOST_PLANT_RESPONSE, /**< an allocation next to work_response() */
} RHostPlant;

/** How the host is set up. Zero values mean the default. */
typedef struct {
  const char* uri;              /**< plugin URI (required) */
  double      rate;             /**< sample rate (48000) */
  bool        no_map;           /**< offer no urid:map / urid:unmap */
  bool        no_unmap;         /**< offer urid:map but not urid:unmap */
  bool        no_worker;        /**< offer no work:schedule */
  bool        threaded_worker;  /**< run the worker on its own thread */
  bool        sync_worker;      /**< run work() inside schedule_work() */
  uint32_t    worker_jobs;      /**< work queue capacity in messages (256) */
  uint32_t    worker_bytes;     /**< work queue capacity in bytes (1 MiB) */
  uint32_t    control_bytes;    /**< control port buffer (64 KiB) */
  uint32_t    notify_bytes;     /**< notify port buffer (64 KiB) */
  uint32_t    post_bytes;       /**< queue of posted messages (1 MiB) */
  bool        leave_ports_null; /**< connect no port (posts wait) */
  RHostPlant  plant;            /**< a planted fault (none) */
  /** Called with every event the plugin writes on notify (its body, whole
      inside the sequence), after run() and outside the audio hook (NULL:
      none). */
  void (*notify_tap)(void* handle, const LV2_Atom* atom);
  void* notify_handle; /**< for notify_tap */
} RHostOptions;

/** What the plugin said on its notify port. */
typedef enum {
  RHOST_STATUS,        /**< patch:Set of ae:status: "ok", "error: ..." */
  RHOST_ACK,           /**< an echoed parameter set (patch:Set of a node) */
  RHOST_PATCH,         /**< patch:Set of ae:patch (the text is cut) */
  RHOST_STATE_CHANGED, /**< state:StateChanged */
  RHOST_OTHER,         /**< anything else */
} RHostReplyKind;

typedef struct {
  RHostReplyKind kind;
  uint32_t       frame;            /**< event time in its cycle */
  uint64_t       cycle;            /**< the cycle it came in (from 0) */
  char           text[RHOST_TEXT]; /**< status or patch text, else "" */
} RHostReply;

/** Builds one message at a time into a caller's buffer (any thread). */
typedef struct {
  RHost*               host;
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  LV2_Atom_Forge_Frame body;
  uint8_t*             buf;
  uint32_t             capacity;
} RHostMsg;

/* Setup */

/** Instantiate the plugin as described. NULL on failure. */
RHost*
rhost_new(const RHostOptions* options);

/** Stop the worker thread and free the instance and the host. */
void
rhost_free(RHost* host);

/** The lilv world of every host in the process (LV2_PATH). */
LilvWorld*
rhost_world(void);

/** Free the world and the URI table (after the last host is freed). */
void
rhost_world_free(void);

/** Install a hook called with 1 before and 0 after every audio-thread call
    into the plugin (connect_port, run, work_response). */
void
rhost_set_audio_hook(void (*hook)(int on));

/** Map a URI (any thread). */
LV2_URID
rhost_map(RHost* host, const char* uri);

/** The URI of a URID, or "(none)" (any thread). */
const char*
rhost_unmap(RHost* host, LV2_URID urid);

/** The host's urid:map. */
LV2_URID_Map*
rhost_urid_map(RHost* host);

/** The plugin instance. */
LilvInstance*
rhost_instance(RHost* host);

/* Audio thread */

/** One host cycle of `n` (0 .. RHOST_MAX_BLOCK) frames: deliver worker
    responses, connect the ports, copy posted messages into the control
    port, run(), read notify; in deterministic mode the worker then carries
    out everything scheduled. `in` and `out` may be NULL or hold NULL
    channels (silence in, scratch out). */
void
rhost_cycle(RHost*             host,
            const float* const in[2],
            float* const       out[2],
            uint32_t           n);

/** Render `n` frames in cycles of `block` frames (in and out advance). */
void
rhost_render(RHost*             host,
             const float* const in[2],
             float* const       out[2],
             uint32_t           n,
             uint32_t           block);

/** Set the control port `symbol` (e.g. "enabled", "macro1"), from the
    audio thread or between cycles. Returns false if there is no such
    port. */
bool
rhost_control(RHost* host, const char* symbol, float value);

/** Stop (true) or start (false) connecting ports in rhost_cycle(). */
void
rhost_leave_ports_null(RHost* host, bool leave);

/** Connect port `index` to `data` now (outside any cycle; the hook is
    called around it). The port stays so until rhost_cycle() reconnects. */
void
rhost_connect(RHost* host, uint32_t index, void* data);

/* Worker (deterministic mode) */

/** Carry out every scheduled job and deliver the responses, without a
    cycle. */
void
rhost_idle(RHost* host);

/* Messages (one posting thread) */

/** Queue a whole atom (header and body) for `frame` of the next cycle
    that has room for it. False if the queue is full. */
bool
rhost_post(RHost* host, uint32_t frame, const LV2_Atom* atom);

/** Queue `n` raw bytes as one event body (an atom header first, whose
    size may lie). False if the queue is full. */
bool
rhost_post_bytes(RHost* host, uint32_t frame, const void* bytes, uint32_t n);

/** Number of posted messages dropped because they could never fit into
    the control port. */
uint32_t
rhost_posts_dropped(const RHost* host);

/** Start building messages into `buf` (at least 256 bytes). */
void
rhost_msg_init(RHost* host, RHostMsg* msg, void* buf, uint32_t capacity);

/** patch:Set of a node parameter to a float (`node` and `param` are bare
    names). */
const LV2_Atom*
rhost_msg_set_param(RHostMsg*   msg,
                    const char* node,
                    const char* param,
                    float       value);

/** patch:Set of a plugin property (ae:patch, ae:patchFile) to a string or
    path. */
const LV2_Atom*
rhost_msg_set_string(RHostMsg*   msg,
                     const char* property,
                     const char* value,
                     uint32_t    len,
                     bool        path);

/** Start a patch:Set of `property` (a full URI) on `subject` (a full URI,
    or NULL for the plugin); forge the value, then rhost_msg_end(). */
void
rhost_msg_set_begin(RHostMsg* msg, const char* subject, const char* property);

/** Start a patch:Put of node `node` (bare name) of type `type` (bare type
    name); add properties with the forge (keys mapped with rhost_map), then
    rhost_msg_put_end(). */
void
rhost_msg_put_begin(RHostMsg* msg, const char* node, const char* type);

/** Close a patch:Put; returns the message or NULL if it did not fit. */
const LV2_Atom*
rhost_msg_put_end(RHostMsg* msg);

/** Close a message begun with rhost_msg_set_begin(). */
const LV2_Atom*
rhost_msg_end(RHostMsg* msg);

/** patch:Delete of node `node` (bare name). */
const LV2_Atom*
rhost_msg_delete(RHostMsg* msg, const char* node);

/** patch:Get of `property` (full URI, or NULL for everything). */
const LV2_Atom*
rhost_msg_get(RHostMsg* msg, const char* property);

/** A MIDI message of `size` (1 .. 3) bytes. */
const LV2_Atom*
rhost_msg_midi(RHostMsg* msg, const uint8_t* bytes, uint32_t size);

/* Replies (one reading thread) */

/** Take the oldest reply not taken yet. False if there is none. */
bool
rhost_next_reply(RHost* host, RHostReply* reply);

/** Number of replies lost because the reply queue was full. */
uint32_t
rhost_replies_lost(const RHost* host);

/** Number of malformed notify sequences the plugin wrote. */
uint32_t
rhost_bad_notify(const RHost* host);

/** Cycles run so far (any thread). */
uint64_t
rhost_cycles(const RHost* host);

/** The last ae:patch text seen on notify (NULL if none), complete. Only
    for the thread that calls rhost_cycle(). */
const char*
rhost_patch_text(const RHost* host);

/* State (any thread, concurrently with cycles: threadSafeRestore) */

/** Save the state; returns the stored ae:patch value (malloc'ed, NUL
    terminated) or NULL, and the status in `status` (may be NULL). */
char*
rhost_save(RHost* host, LV2_State_Status* status);

/** Restore a state whose ae:patch is `size` bytes of `value` of atom type
    `type` (value NULL: the state has no ae:patch). Passes work:schedule as
    hosts do for threadSafeRestore. */
LV2_State_Status
rhost_restore(RHost* host, const void* value, size_t size, LV2_URID type);

/** Restore a preset (or any state) from the world, through lilv. */
bool
rhost_load_preset(RHost* host, const LilvNode* preset);

#endif /* AETHER_TEST_RHOST_H */
