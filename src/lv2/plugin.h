/* Aether LV2: the plugin instance, shared by the glue's files. The audio
   thread (run) and the control side (worker, state, instantiate) touch
   separate fields; they talk through the engine's rings and `replies`. */

#ifndef AETHER_LV2_PLUGIN_H
#define AETHER_LV2_PLUGIN_H

#include "../engine/engine.h"
#include "../engine/ring.h"
#include "uris.h"

#include <lv2/atom/forge.h>
#include <lv2/log/logger.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/** A property URID with its name (a node parameter or input). */
typedef struct {
  LV2_URID    urid;
  const char* name;
} AetherPropertyName;

/** Which of the two plugins. */
typedef enum { AETHER_PLUGIN_FX, AETHER_PLUGIN_SYNTH } AetherPluginKind;

/** What a port does (port indices differ between the two plugins). */
typedef enum {
  AETHER_PORT_CONTROL,
  AETHER_PORT_NOTIFY,
  AETHER_PORT_IN_L,
  AETHER_PORT_IN_R,
  AETHER_PORT_OUT_L,
  AETHER_PORT_OUT_R,
  AETHER_PORT_ENABLED,
  AETHER_PORT_MACRO1, /* ... up to MACRO1 + 7 */
  AETHER_PORT_NONE = 99,
} AetherPortRole;

/** A message from the control side to the audio thread. */
typedef enum {
  AETHER_REPLY_STATUS, /**< text: "ok" or an error, for ae:status */
  AETHER_REPLY_PATCH,  /**< text: the patch as Turtle, for ae:patch */
  AETHER_REPLY_VOICES, /**< no text: tell the host ae:voices (`voices`) */
} AetherReplyKind;

/** Reply flags. */
enum {
  AETHER_REPLY_CHANGED = 1U << 0U, /**< the graph changed: StateChanged */
};

typedef struct {
  char*    text;  /**< malloc'ed; the audio thread hands it back to free */
  uint32_t kind;  /**< AetherReplyKind */
  uint32_t flags; /**< AETHER_REPLY_CHANGED */
  uint32_t len;   /**< strlen(text), measured off the audio thread */
} AetherReply;

/** A message from run() to the worker. An edit is sent as the bare atom
    (no copy to make on the audio thread); other messages start with an
    AetherWorkHead whose kind has a tag no atom size can have. */
typedef enum {
  AETHER_WORK_EDIT    = 0,          /**< the message is an LV2_Atom */
  AETHER_WORK_COLLECT = 0x4AE70001, /**< take back what audio is done with */
  AETHER_WORK_EXPLAIN = 0x4AE70003, /**< payload: AetherBadValue */
} AetherWorkKind;

typedef struct {
  uint32_t kind; /**< AetherWorkKind */
  uint32_t size; /**< payload bytes */
} AetherWorkHead;

/** A parameter value run() refused: the worker words the error (the audio
    thread formats no numbers). */
typedef struct {
  char  node[AETHER_MAX_NAME];
  char  param[AETHER_MAX_NAME];
  float value;
} AetherBadValue;

/** Texts the audio thread holds while the `spent` ring is full. */
#define AETHER_MAX_TO_FREE 64

/** Capacity of the reply ring (a power of two). */
#define AETHER_REPLY_CAPACITY 256

/** Most patch text run() writes to notify in one run. A patch text longer
    than this (or than what a small notify buffer can carry, see
    messages.c) goes as a sequence of ae:patchPart pieces over several runs
    instead of one patch:Set of ae:patch. */
#define AETHER_PART_BYTES 8192U

typedef struct {
  AetherPluginKind kind;
  double           rate;
  AetherEngine*    engine;

  /* Host features (any may be missing) */
  LV2_URID_Map*        map;
  LV2_URID_Unmap*      unmap;
  LV2_Worker_Schedule* schedule;
  LV2_Log_Logger       logger; /**< log:log if given (never from run()) */
  AetherUris           uris;
  AetherPropertyName*  properties; /**< sorted by URID, for run() */
  uint32_t             n_properties;

  /* Ports */
  const LV2_Atom_Sequence* control;
  LV2_Atom_Sequence*       notify;
  const float*             in[2];
  float*                   out[2];
  const float*             enabled;
  const float*             macro[AETHER_N_MACROS];

  /* Audio thread */
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame notify_frame; /**< the open notify sequence */
  float                macro_last[AETHER_N_MACROS];
  uint32_t             bypass;      /**< wet gain * AETHER_DECLICK_FRAMES */
  bool                 settle;      /**< next run(): bypass jumps to its port */
  bool                 enabled_bad; /**< a NaN on `enabled` was reported */
  bool                 collecting;  /**< a COLLECT is scheduled */
  uint32_t             edits_sent;  /**< edits scheduled to the worker */
  char*                to_free[AETHER_MAX_TO_FREE];
  uint32_t             n_to_free;
  char                 status[512]; /**< last status, for patch:Get */
  uint32_t             blowups;     /**< engine blow-ups reported so far */
  AetherReply          sending;     /**< a patch text going out, or none */
  uint32_t             sent;        /**< bytes of `sending` written so far */

  /* Control side, serialized by `lock` (never taken by the audio thread) */
  pthread_mutex_t   lock;
  _Atomic(uint32_t) edits_done; /**< edits the worker has finished */
  _Atomic(uint32_t) voices;     /**< the graph's voice count, for run() */
  AetherRing        replies;    /**< control -> audio: AetherReply */
  AetherRing        spent;      /**< audio -> control: texts to free (char*) */
  char*             last_file;  /**< path of the last patchFile loaded */
  bool              file_stale; /**< a state replaced that file's patch */
} AetherPlugin;

/* control.c: the control side (worker, state, instantiate) */

/** Replace the patch with Turtle `text` (checked whole first). */
AetherStatus
aether_plugin_load_text(AetherPlugin* p,
                        const char*   text,
                        size_t        len,
                        const char*   filename,
                        AetherError*  err);

/** True if `text` (`len` bytes) holds nothing but white space. */
bool
aether_plugin_text_blank(const char* text, size_t len);

/** Remember `path` (NULL: none) as the file the patch came from; `stale`:
    a restored state has replaced it since. Call with the lock held. */
void
aether_plugin_remember_file(AetherPlugin* p, const char* path, bool stale);

/** Replace the patch with the patch file at `path`. */
AetherStatus
aether_plugin_load_file(AetherPlugin* p, const char* path, AetherError* err);

/** Carry out a patch message (Set, Put, Delete, Get) received on the
    control port, and reply. Takes the lock. */
void
aether_plugin_edit(AetherPlugin* p, const LV2_Atom_Object* obj);

/** Send a reply to the audio thread (takes ownership of `text`; NULL or a
    full ring: dropped). Call with the lock held. */
void
aether_plugin_reply(AetherPlugin*   p,
                    AetherReplyKind kind,
                    uint32_t        flags,
                    char*           text);

/** After a commit: publish the graph's voice count to run(), and tell the
    host if it changed (a patch:Set of ae:voices on notify). Call with the
    lock held. */
void
aether_plugin_voices_changed(AetherPlugin* p);

/** Reply a status message ("ok" or an error), formatted. */
void
aether_plugin_reply_status(AetherPlugin* p,
                           uint32_t      flags,
                           const char*   fmt,
                           ...);

/** Reply why a parameter value run() refused is not valid, in the words
    the worker uses for the sets it applies. Takes the lock. */
void
aether_plugin_explain(AetherPlugin* p, const AetherBadValue* bad);

/** The current patch as Turtle (malloc'ed), or NULL. Takes the lock. */
char*
aether_plugin_patch_text(AetherPlugin* p, AetherError* err);

/* worker.c */

/** LV2 worker: carry out work scheduled by run(). */
LV2_Worker_Status
aether_plugin_work(LV2_Handle                  instance,
                   LV2_Worker_Respond_Function respond,
                   LV2_Worker_Respond_Handle   handle,
                   uint32_t                    size,
                   const void*                 data);

/** LV2 worker: a response on the audio thread. */
LV2_Worker_Status
aether_plugin_work_response(LV2_Handle  instance,
                            uint32_t    size,
                            const void* body);

/** Audio thread: hand `text` back to the control side to be freed (kept
    and retried later if the ring is full; callers check there is room).
    The control side frees it at its next collection, edit or cleanup, so
    nothing is lost when a host drops its worker queue at shutdown. */
void
aether_plugin_free_later(AetherPlugin* p, char* text);

/** Control side: free the texts the audio thread has handed back. Call
    with the lock held (or with no other thread in the plugin). */
void
aether_plugin_free_spent(AetherPlugin* p);

/** Audio thread: schedule a work message; false if it could not be sent. */
bool
aether_plugin_schedule(AetherPlugin*  p,
                       AetherWorkKind kind,
                       const void*    data,
                       uint32_t       size);

/* state.c */

/** The LV2 state interface. */
extern const void* const aether_plugin_state_interface;

#endif /* AETHER_LV2_PLUGIN_H */
