/* Aether tests: a small LV2 host on lilv for the plugin tests. */

#include "lv2host.h"

#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/midi/midi.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URIS 1024U
#define MAX_JOBS 256U
#define JOB_BYTES (4U * 1024U * 1024U)

typedef struct {
  uint32_t size;
  void*    data;
} Job;

struct Host {
  LilvInstance*               instance;
  const LilvPlugin*           plugin;
  LV2_URID_Map                map;
  LV2_URID_Unmap              unmap;
  LV2_Worker_Schedule         schedule;
  LV2_Feature                 map_feature;
  LV2_Feature                 unmap_feature;
  LV2_Feature                 schedule_feature;
  const LV2_Feature*          features[4];
  const LV2_Worker_Interface* worker;

  Job      jobs[MAX_JOBS];
  uint32_t n_jobs;
  uint8_t* job_bytes; /**< preallocated: schedule_work() must not allocate */
  uint32_t job_used;
  Job      responses[MAX_JOBS];
  uint32_t n_responses;

  uint32_t n_ports;
  float    controls[HOST_MAX_PORTS];
  uint32_t control_port;
  uint32_t notify_port;
  int      audio_in[2];
  int      audio_out[2];

  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame seq_frame;
  LV2_Atom_Forge_Frame msg_frame;
  uint8_t*             control;
  uint8_t*             notify;

  char     status[1024];
  char*    patch;
  uint32_t state_changes;
  uint32_t acks;
};

static LilvWorld* world;
static char*      uris[MAX_URIS];
static uint32_t   n_uris;
static void (*audio_hook)(int on);

LilvWorld*
host_world(void)
{
  if (!world) {
    world = lilv_world_new();
    lilv_world_load_all(world);
  }
  return world;
}

void
host_set_audio_hook(void (*const hook)(int on))
{
  audio_hook = hook;
}

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  (void)handle;
  for (uint32_t i = 0; i < n_uris; ++i) {
    if (!strcmp(uris[i], uri)) {
      return i + 1U;
    }
  }
  if (n_uris == MAX_URIS) {
    return 0;
  }
  uris[n_uris] = strdup(uri);
  return ++n_uris;
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  (void)handle;
  return (urid && urid <= n_uris) ? uris[urid - 1U] : NULL;
}

LV2_URID
host_map(Host* const host, const char* const uri)
{
  (void)host;
  return map_uri(NULL, uri);
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  /* Called from run(): like a real host's ring, no allocation. */
  Host* const    host   = (Host*)handle;
  const uint32_t padded = (size + 7U) & ~7U;
  if (host->n_jobs == MAX_JOBS || host->job_used + padded > JOB_BYTES) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  void* const copy = host->job_bytes + host->job_used;
  memcpy(copy, data, size);
  host->job_used += padded;
  host->jobs[host->n_jobs++] = (Job){ size, copy };
  return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle,
        const uint32_t            size,
        const void* const         data)
{
  Host* const host = (Host*)handle;
  if (host->n_responses == MAX_JOBS) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  void* const copy = malloc(size);
  memcpy(copy, data, size);
  host->responses[host->n_responses++] = (Job){ size, copy };
  return LV2_WORKER_SUCCESS;
}

static void
run_jobs(Host* const host)
{
  for (uint32_t i = 0; i < host->n_jobs; ++i) {
    host->worker->work(lilv_instance_get_handle(host->instance),
                       respond,
                       host,
                       host->jobs[i].size,
                       host->jobs[i].data);
  }
  host->n_jobs   = 0;
  host->job_used = 0;
}

static void
deliver_responses(Host* const host)
{
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    if (audio_hook) {
      audio_hook(1);
    }
    host->worker->work_response(lilv_instance_get_handle(host->instance),
                                host->responses[i].size,
                                host->responses[i].data);
    if (audio_hook) {
      audio_hook(0);
    }
    free(host->responses[i].data);
  }
  host->n_responses = 0;
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
  LilvWorld* const  w  = host_world();
  LilvNode* const   pu = lilv_new_uri(w, uri);
  const LilvPlugin* pl =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w), pu);
  lilv_node_free(pu);
  if (!pl) {
    fprintf(stderr, "plugin %s not found (LV2_PATH?)\n", uri);
    return NULL;
  }

  Host* const host    = (Host*)calloc(1, sizeof(Host));
  host->plugin        = pl;
  host->map           = (LV2_URID_Map){ NULL, map_uri };
  host->unmap         = (LV2_URID_Unmap){ NULL, unmap_uri };
  host->schedule      = (LV2_Worker_Schedule){ host, schedule_work };
  host->map_feature   = (LV2_Feature){ LV2_URID__map, &host->map };
  host->unmap_feature = (LV2_Feature){ LV2_URID__unmap, &host->unmap };
  host->schedule_feature =
    (LV2_Feature){ LV2_WORKER__schedule, &host->schedule };
  uint32_t f = 0;
  if (features & HOST_MAP) {
    host->features[f++] = &host->map_feature;
    host->features[f++] = &host->unmap_feature;
  }
  if (features & HOST_WORKER) {
    host->features[f++] = &host->schedule_feature;
  }
  host->features[f] = NULL;

  host->instance = lilv_plugin_instantiate(pl, rate, host->features);
  if (!host->instance) {
    free(host);
    return NULL;
  }
  host->worker = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
    host->instance, LV2_WORKER__interface);

  host->job_bytes = (uint8_t*)malloc(JOB_BYTES);
  host->control   = (uint8_t*)aligned_alloc(64, HOST_ATOM_CAPACITY);
  host->notify    = (uint8_t*)aligned_alloc(64, HOST_ATOM_CAPACITY);
  lv2_atom_forge_init(&host->forge, &host->map);

  /* Ports: control inputs at their defaults; atom and audio found by type. */
  LilvNode* const audio = lilv_new_uri(w, LV2_CORE__AudioPort);
  LilvNode* const atom  = lilv_new_uri(w, LV2_ATOM__AtomPort);
  LilvNode* const input = lilv_new_uri(w, LV2_CORE__InputPort);
  host->n_ports         = lilv_plugin_get_num_ports(pl);
  host->audio_in[0] = host->audio_in[1] = -1;
  host->audio_out[0] = host->audio_out[1] = -1;
  float defaults[HOST_MAX_PORTS];
  lilv_plugin_get_port_ranges_float(pl, NULL, NULL, defaults);
  int n_in  = 0;
  int n_out = 0;
  for (uint32_t i = 0; i < host->n_ports; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(pl, i);
    const bool            is_input = lilv_port_is_a(pl, port, input);
    if (lilv_port_is_a(pl, port, audio)) {
      if (is_input) {
        host->audio_in[n_in++] = (int)i;
      } else {
        host->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(pl, port, atom)) {
      if (is_input) {
        host->control_port = i;
        lilv_instance_connect_port(host->instance, i, host->control);
      } else {
        host->notify_port = i;
        lilv_instance_connect_port(host->instance, i, host->notify);
      }
    } else {
      host->controls[i] = defaults[i];
      lilv_instance_connect_port(host->instance, i, &host->controls[i]);
    }
  }
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);

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
  free(host->job_bytes);
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    free(host->responses[i].data);
  }
  free(host->control);
  free(host->notify);
  free(host->patch);
  free(host);
}

LV2_URID_Map*
host_urid_map(Host* const host)
{
  return &host->map;
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
  LV2_Atom_Forge* const forge = &host->forge;
  lv2_atom_forge_frame_time(forge, frame);
  lv2_atom_forge_object(
    forge, &host->msg_frame, 0, host_map(host, LV2_PATCH__Set));
  if (subject) {
    lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__subject));
    lv2_atom_forge_uri(forge, subject, (uint32_t)strlen(subject));
  }
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__property));
  lv2_atom_forge_urid(forge, host_map(host, property));
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__value));
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
  host_begin_set(host, frame, NULL, property);
  if (path) {
    lv2_atom_forge_path(&host->forge, value, (uint32_t)strlen(value));
  } else {
    lv2_atom_forge_string(&host->forge, value, (uint32_t)strlen(value));
  }
  host_end(host);
}

void
host_set_param(Host* const       host,
               const uint32_t    frame,
               const char* const node,
               const char* const param,
               const float       value)
{
  char subject[128];
  char property[128];
  snprintf(subject, sizeof(subject), "urn:aether:node:%s", node);
  snprintf(property, sizeof(property), "urn:aether:%s", param);
  host_begin_set(host, frame, subject, property);
  lv2_atom_forge_float(&host->forge, value);
  host_end(host);
}

void
host_get(Host* const host, const uint32_t frame, const char* const property)
{
  LV2_Atom_Forge* const forge = &host->forge;
  lv2_atom_forge_frame_time(forge, frame);
  lv2_atom_forge_object(
    forge, &host->msg_frame, 0, host_map(host, LV2_PATCH__Get));
  if (property) {
    lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__property));
    lv2_atom_forge_urid(forge, host_map(host, property));
  }
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
  lv2_atom_forge_atom(&host->forge, 3, host_map(host, LV2_MIDI__MidiEvent));
  lv2_atom_forge_write(&host->forge, msg, 3);
}

void
host_control(Host* const host, const char* const symbol, const float value)
{
  LilvNode* const       sym = lilv_new_string(host_world(), symbol);
  const LilvPort* const port =
    lilv_plugin_get_port_by_symbol(host->plugin, sym);
  lilv_node_free(sym);
  if (port) {
    host->controls[lilv_port_get_index(host->plugin, port)] = value;
  }
}

/* Read what the plugin said on notify. */
static void
read_notify(Host* const host)
{
  const LV2_Atom_Sequence* const seq = (const LV2_Atom_Sequence*)host->notify;
  const LV2_URID                 set = host_map(host, LV2_PATCH__Set);
  const LV2_URID changed             = host_map(host, LV2_STATE__StateChanged);
  const LV2_URID prop_k              = host_map(host, LV2_PATCH__property);
  const LV2_URID value_k             = host_map(host, LV2_PATCH__value);
  const LV2_URID subj_k              = host_map(host, LV2_PATCH__subject);
  const LV2_URID status              = host_map(host, "urn:aether:status");
  const LV2_URID patch               = host_map(host, "urn:aether:patch");

  LV2_ATOM_SEQUENCE_FOREACH(seq, ev)
  {
    const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)&ev->body;
    if (obj->body.otype == changed) {
      ++host->state_changes;
    } else if (obj->body.otype == set) {
      const LV2_Atom* prop  = NULL;
      const LV2_Atom* value = NULL;
      const LV2_Atom* subj  = NULL;
      lv2_atom_object_get(
        obj, prop_k, &prop, value_k, &value, subj_k, &subj, 0);
      const LV2_URID p = prop ? ((const LV2_Atom_URID*)prop)->body : 0;
      if (subj) {
        ++host->acks;
      } else if (p == status && value) {
        snprintf(host->status,
                 sizeof(host->status),
                 "%s",
                 (const char*)LV2_ATOM_BODY_CONST(value));
      } else if (p == patch && value) {
        free(host->patch);
        host->patch = strdup((const char*)LV2_ATOM_BODY_CONST(value));
      }
    }
  }
}

void
host_run(Host* const        host,
         const float* const in[2],
         float* const       out[2],
         const uint32_t     n,
         const uint32_t     block)
{
  static float silence[8192];
  static float scratch[8192];

  for (uint32_t done = 0; done < n || (!n && !done); done += block) {
    const uint32_t len = n ? (n - done < block ? n - done : block) : 0U;
    for (int c = 0; c < 2; ++c) {
      if (host->audio_in[c] >= 0) {
        lilv_instance_connect_port(host->instance,
                                   (uint32_t)host->audio_in[c],
                                   in && in[c] ? (void*)(in[c] + done)
                                               : (void*)silence);
      }
      if (host->audio_out[c] >= 0) {
        lilv_instance_connect_port(host->instance,
                                   (uint32_t)host->audio_out[c],
                                   out && out[c] ? (void*)(out[c] + done)
                                                 : (void*)scratch);
      }
    }

    /* Notify: the host writes the capacity into the sequence's size. */
    LV2_Atom_Sequence* const notify = (LV2_Atom_Sequence*)host->notify;
    notify->atom.type               = 0;
    notify->atom.size               = HOST_ATOM_CAPACITY - sizeof(LV2_Atom);

    deliver_responses(host);
    if (audio_hook) {
      audio_hook(1);
    }
    lilv_instance_run(host->instance, len);
    if (audio_hook) {
      audio_hook(0);
    }
    read_notify(host);
    reset_control(host); /* messages go into the first block only */
    run_jobs(host);
    if (!n) {
      break;
    }
  }
  deliver_responses(host);
}

void
host_idle(Host* const host)
{
  run_jobs(host);
  deliver_responses(host);
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
                                      &host->map,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      0,
                                      host->features);
}

void
host_restore(Host* const host, const LilvState* const state)
{
  lilv_state_restore(state, host->instance, NULL, NULL, 0, host->features);
}

LilvInstance*
host_instance(Host* const host)
{
  return host->instance;
}
