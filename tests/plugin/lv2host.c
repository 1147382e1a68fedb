/* Aether tests: a small LV2 host on lilv for the plugin tests (see
   lv2host.h). What test hosts share is in tests/common/lv2*.h; here is the
   single-threaded host: messages forged into the control port's next
   sequence, a worker run between blocks, the last notify kept. */

#include "lv2host.h"

#include "lv2features.h"
#include "lv2forge.h"
#include "lv2hook.h"
#include "lv2notify.h"
#include "lv2ports.h"
#include "lv2seq.h"
#include "lv2urid.h"
#include "lv2worker.h"
#include "lv2world.h"

#include <lv2/atom/atom.h>
#include <lv2/worker/worker.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URIS 1024U
#define MAX_JOBS 256U
#define JOB_BYTES (4U * 1024U * 1024U)

struct Host {
  LilvInstance*     instance;
  const LilvPlugin* plugin;
  Lv2Features       features;
  Lv2Worker*        worker;
  Lv2Ports          ports;
  Lv2Uris           uris;

  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame seq_frame;
  LV2_Atom_Forge_Frame msg_frame;
  uint8_t*             control;
  uint8_t*             notify;

  char     status[1024];
  char*    patch;
  uint32_t state_changes;
  int32_t  voices;   /**< last ae:voices on notify, 0: none yet */
  uint32_t n_voices; /**< how many times ae:voices was told */
  uint32_t acks;
};

/* The URID table of the process. */
static Lv2Urids*
urids(void)
{
  static Lv2Urids* table;
  if (!table) {
    table = lv2urid_new(MAX_URIS);
  }
  return table;
}

LilvWorld*
host_world(void)
{
  return lv2world_get();
}

void
host_set_audio_hook(void (*const hook)(int on))
{
  lv2hook_set(hook);
}

LV2_URID
host_map(Host* const host, const char* const uri)
{
  (void)host;
  return lv2urid_map(urids(), uri);
}

static void
reset_control(Host* const host)
{
  lv2_atom_forge_set_buffer(&host->forge, host->control, HOST_ATOM_CAPACITY);
  lv2_atom_forge_sequence_head(&host->forge, &host->seq_frame, 0);
}

Host*
host_new(const char* const uri, const double rate, const HostFeatures features)
{
  const LilvPlugin* const pl = lv2world_plugin(uri);
  if (!pl) {
    fprintf(stderr, "plugin %s not found (LV2_PATH?)\n", uri);
    return NULL;
  }

  const Lv2WorkerOptions worker = { MAX_JOBS, JOB_BYTES, false };
  Host* const            host   = (Host*)calloc(1, sizeof(Host));
  host->plugin                  = pl;
  host->worker                  = lv2worker_new(&worker);
  lv2features_init(&host->features,
                   (features & HOST_MAP) ? lv2urid_as_map(urids()) : NULL,
                   (features & HOST_MAP) ? lv2urid_as_unmap(urids()) : NULL,
                   (features & HOST_WORKER) ? lv2worker_schedule(host->worker)
                                            : NULL);

  host->instance = lilv_plugin_instantiate(pl, rate, host->features.list);
  if (!host->instance) {
    lv2worker_free(host->worker);
    free(host);
    return NULL;
  }
  lv2worker_attach(
    host->worker,
    (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
      host->instance, LV2_WORKER__interface),
    lilv_instance_get_handle(host->instance));

  host->control = (uint8_t*)aligned_alloc(64, HOST_ATOM_CAPACITY);
  host->notify  = (uint8_t*)aligned_alloc(64, HOST_ATOM_CAPACITY);
  lv2_atom_forge_init(&host->forge, lv2urid_as_map(urids()));
  lv2urid_init_uris(&host->uris, lv2urid_as_map(urids()));

  /* Ports: control inputs at their defaults; audio connected per block. */
  lv2ports_find(&host->ports, lv2world_get(), pl);
  lv2ports_connect_others(
    &host->ports, host->instance, host->control, host->notify);

  reset_control(host);
  lilv_instance_activate(host->instance);
  return host;
}

void
host_free(Host* const host)
{
  if (!host) {
    return;
  }
  lilv_instance_deactivate(host->instance);
  lilv_instance_free(host->instance);
  lv2worker_free(host->worker);
  lv2ports_free(&host->ports);
  free(host->control);
  free(host->notify);
  free(host->patch);
  free(host);
}

LV2_URID_Map*
host_urid_map(Host* const host)
{
  (void)host;
  return lv2urid_as_map(urids());
}

LV2_Atom_Forge*
host_forge(Host* const host)
{
  return &host->forge;
}

void
host_begin_set(Host* const       host,
               const uint32_t    frame,
               const char* const subject,
               const char* const property)
{
  lv2_atom_forge_frame_time(&host->forge, frame);
  lv2forge_set_begin(
    &host->forge, lv2urid_as_map(urids()), &host->msg_frame, subject, property);
}

void
host_end(Host* const host)
{
  lv2_atom_forge_pop(&host->forge, &host->msg_frame);
}

void
host_set_string(Host* const       host,
                const uint32_t    frame,
                const char* const property,
                const char* const value,
                const bool        path)
{
  lv2_atom_forge_frame_time(&host->forge, frame);
  lv2forge_set_string(&host->forge,
                      lv2urid_as_map(urids()),
                      property,
                      value,
                      (uint32_t)strlen(value),
                      path);
}

void
host_set_param(Host* const       host,
               const uint32_t    frame,
               const char* const node,
               const char* const param,
               const float       value)
{
  lv2_atom_forge_frame_time(&host->forge, frame);
  lv2forge_set_param(&host->forge, lv2urid_as_map(urids()), node, param, value);
}

void
host_get(Host* const host, const uint32_t frame, const char* const property)
{
  lv2_atom_forge_frame_time(&host->forge, frame);
  lv2forge_get_begin(
    &host->forge, lv2urid_as_map(urids()), &host->msg_frame, property);
  host_end(host);
}

void
host_midi(Host* const    host,
          const uint32_t frame,
          const uint8_t  status,
          const uint8_t  d1,
          const uint8_t  d2)
{
  const uint8_t msg[3] = { status, d1, d2 };
  lv2_atom_forge_frame_time(&host->forge, frame);
  lv2forge_midi(&host->forge, lv2urid_as_map(urids()), msg, 3);
}

void
host_control(Host* const host, const char* const symbol, const float value)
{
  const int index = lv2ports_control(&host->ports, symbol);
  if (index >= 0) {
    host->ports.controls[index] = value;
  }
}

/* Read what the plugin said on notify (nothing if it wrote no sequence,
   as without urid:map); a malformed sequence is a fatal plugin bug. */
static void
read_notify(Host* const host)
{
  const LV2_Atom_Sequence* const seq = (const LV2_Atom_Sequence*)host->notify;
  if (seq->atom.type != host->uris.atom_Sequence) {
    return;
  }

  Lv2SeqWalk            walk;
  const LV2_Atom_Event* ev = NULL;
  lv2seq_begin(&walk, seq, HOST_ATOM_CAPACITY);
  while ((ev = lv2seq_next(&walk))) {
    const char* text   = NULL;
    int32_t     number = 0;
    switch (lv2notify_read(&host->uris, &ev->body, &text, &number)) {
      case LV2NOTIFY_STATUS:
        snprintf(host->status, sizeof(host->status), "%s", text);
        break;
      case LV2NOTIFY_ACK:
        ++host->acks;
        break;
      case LV2NOTIFY_PATCH:
        free(host->patch);
        host->patch = strdup(text);
        break;
      case LV2NOTIFY_STATE_CHANGED:
        ++host->state_changes;
        break;
      case LV2NOTIFY_VOICES:
        host->voices = number;
        ++host->n_voices;
        break;
      case LV2NOTIFY_OTHER:
        break;
      case LV2NOTIFY_MALFORMED:
        walk.bad = true;
        break;
    }
  }
  if (walk.bad) {
    fprintf(stderr, "lv2host: the plugin wrote a malformed notify\n");
    abort();
  }
}

void
host_run(Host* const        host,
         const float* const in[2],
         float* const       out[2],
         const uint32_t     n,
         const uint32_t     block)
{
  static float        silence[8192];
  static float        scratch[8192];
  float* const        scratches[2] = { scratch, scratch };
  LilvInstance* const instance     = host->instance;

  for (uint32_t done = 0; done < n || (!n && !done); done += block) {
    const uint32_t len = n ? (n - done < block ? n - done : block) : 0U;
    lv2ports_connect_audio(
      &host->ports, instance, in, out, done, silence, scratches);
    lv2seq_announce(host->notify, HOST_ATOM_CAPACITY);

    lv2worker_deliver(host->worker);
    lv2hook_enter();
    lilv_instance_run(instance, len);
    lv2hook_leave();
    read_notify(host);
    reset_control(host); /* messages go into the first block only */
    lv2worker_run_jobs(host->worker);
    if (!n) {
      break;
    }
  }
  lv2worker_deliver(host->worker);
}

void
host_idle(Host* const host)
{
  lv2worker_run_jobs(host->worker);
  lv2worker_deliver(host->worker);
}

const char*
host_status(const Host* const host)
{
  return host->status;
}

const char*
host_patch(const Host* const host)
{
  return host->patch;
}

int32_t
host_voices(const Host* const host)
{
  return host->voices;
}

uint32_t
host_voice_reports(const Host* const host)
{
  return host->n_voices;
}

uint32_t
host_state_changes(const Host* const host)
{
  return host->state_changes;
}

uint32_t
host_acks(const Host* const host)
{
  return host->acks;
}

LilvState*
host_save(Host* const host)
{
  return lilv_state_new_from_instance(host->plugin,
                                      host->instance,
                                      lv2urid_as_map(urids()),
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      0,
                                      host->features.list);
}

void
host_restore(Host* const host, const LilvState* const state)
{
  lilv_state_restore(state, host->instance, NULL, NULL, 0, host->features.list);
}

LilvInstance*
host_instance(Host* const host)
{
  return host->instance;
}
