/* Aether CLI: an offline LV2 host on lilv (see host.h). */

#include "host.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/midi/midi.h>
#include <lv2/options/options.h>
#include <lv2/parameters/parameters.h>
#include <lv2/patch/patch.h>
#include <lv2/presets/presets.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRESET_NS "urn:aether:preset:"
#define RDFS_LABEL "http://www.w3.org/2000/01/rdf-schema#label"
#define MAX_JOBS 256U

/* A worker job or response: a copy of what the plugin passed. */
typedef struct {
  uint32_t size;
  void*    data;
} Job;

/* The URID map: URIs in the order they were first mapped (URID = i + 1). */
typedef struct {
  char**   uris;
  uint32_t n;
  uint32_t cap;
} UriTable;

struct AetherHostImpl {
  LilvWorld*                  world;
  const LilvPlugin*           plugin;
  LilvInstance*               instance;
  const LV2_Worker_Interface* worker;
  char*                       binary;
  double                      rate;
  uint32_t                    max_block;

  UriTable            table;
  LV2_URID_Map        map;
  LV2_URID_Unmap      unmap;
  LV2_Worker_Schedule schedule;
  int32_t             opt_block;
  int32_t             opt_seq_size;
  float               opt_rate;
  LV2_Options_Option  options[5];
  LV2_Feature         map_feature;
  LV2_Feature         unmap_feature;
  LV2_Feature         schedule_feature;
  LV2_Feature         options_feature;
  const LV2_Feature*  features[5];

  Job      jobs[MAX_JOBS];
  uint32_t n_jobs;
  Job      responses[MAX_JOBS];
  uint32_t n_responses;

  uint32_t n_ports;
  float*   controls;
  float*   minimum;
  float*   maximum;
  int      control_port;
  int      notify_port;
  int      audio_in[2];
  int      audio_out[2];
  float*   silence;
  float*   scratch;

  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame seq_frame;
  uint8_t*             control;
  uint8_t*             notify;

  LV2_URID atom_Float;
  LV2_URID atom_Path;
  LV2_URID atom_Sequence;
  LV2_URID atom_String;
  LV2_URID midi_MidiEvent;
  LV2_URID patch_Set;
  LV2_URID patch_property;
  LV2_URID patch_subject;
  LV2_URID patch_value;
  LV2_URID ae_status;
  LV2_URID ae_patchFile;

  uint32_t n_status;     /**< statuses seen on notify */
  uint32_t n_acks;       /**< parameter sets acknowledged on notify */
  char     status[1024]; /**< the last status */
  uint32_t n_reports;    /**< statuses other than "ok" */
  uint32_t n_errors;     /**< those that are not warnings */
  char*    reports[AETHER_HOST_MAX_REPORTS];
  bool     is_error[AETHER_HOST_MAX_REPORTS];
};

/* URID map */

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  UriTable* const t = (UriTable*)handle;
  for (uint32_t i = 0; i < t->n; ++i) {
    if (!strcmp(t->uris[i], uri)) {
      return i + 1U;
    }
  }
  if (t->n == t->cap) {
    const uint32_t cap  = t->cap ? t->cap * 2U : 256U;
    char** const   uris = (char**)realloc(t->uris, cap * sizeof(char*));
    if (!uris) {
      return 0;
    }
    t->uris = uris;
    t->cap  = cap;
  }
  const size_t len  = strlen(uri);
  char* const  copy = (char*)malloc(len + 1U);
  if (!copy) {
    return 0;
  }
  memcpy(copy, uri, len + 1U);
  t->uris[t->n] = copy;
  return ++t->n;
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  const UriTable* const t = (const UriTable*)handle;
  return (urid && urid <= t->n) ? t->uris[urid - 1U] : NULL;
}

static LV2_URID
urid(AetherHost* const host, const char* const uri)
{
  return map_uri(&host->table, uri);
}

/* Worker: synchronous, jobs after run(), responses before the next run() */

static Job
copy_job(const uint32_t size, const void* const data)
{
  Job job = { size, malloc(size ? size : 1U) };
  if (job.data) {
    memcpy(job.data, data, size);
  }
  return job;
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  AetherHost* const host = (AetherHost*)handle;
  if (host->n_jobs == MAX_JOBS) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  const Job job = copy_job(size, data);
  if (!job.data) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  host->jobs[host->n_jobs++] = job;
  return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle,
        const uint32_t            size,
        const void* const         data)
{
  AetherHost* const host = (AetherHost*)handle;
  if (host->n_responses == MAX_JOBS) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  const Job job = copy_job(size, data);
  if (!job.data) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  host->responses[host->n_responses++] = job;
  return LV2_WORKER_SUCCESS;
}

static void
run_jobs(AetherHost* const host)
{
  LV2_Handle const handle = lilv_instance_get_handle(host->instance);
  for (uint32_t i = 0; i < host->n_jobs; ++i) {
    if (host->worker) {
      host->worker->work(
        handle, respond, host, host->jobs[i].size, host->jobs[i].data);
    }
    free(host->jobs[i].data);
  }
  host->n_jobs = 0;
}

static void
deliver_responses(AetherHost* const host)
{
  LV2_Handle const handle = lilv_instance_get_handle(host->instance);
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    if (host->worker && host->worker->work_response) {
      host->worker->work_response(
        handle, host->responses[i].size, host->responses[i].data);
    }
    free(host->responses[i].data);
  }
  host->n_responses = 0;
}

/* Notify */

/* Keep a status other than "ok": an error, or a warning. */
static void
add_report(AetherHost* const host, const char* const text)
{
  const bool error = strncmp(text, "warning", 7) != 0;
  if (host->n_reports < AETHER_HOST_MAX_REPORTS) {
    const size_t len  = strlen(text);
    char* const  copy = (char*)malloc(len + 1U);
    if (copy) {
      memcpy(copy, text, len + 1U);
    }
    host->reports[host->n_reports]  = copy;
    host->is_error[host->n_reports] = error;
  }
  ++host->n_reports;
  host->n_errors += error;
}

static void
read_notify(AetherHost* const host)
{
  const LV2_Atom_Sequence* const seq = (const LV2_Atom_Sequence*)host->notify;
  if (seq->atom.type != host->atom_Sequence ||
      seq->atom.size > AETHER_HOST_ATOM_CAPACITY - sizeof(LV2_Atom)) {
    return;
  }
  LV2_ATOM_SEQUENCE_FOREACH(seq, ev)
  {
    const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)&ev->body;
    if (!lv2_atom_forge_is_object_type(&host->forge, obj->atom.type) ||
        obj->body.otype != host->patch_Set) {
      continue;
    }
    const LV2_Atom* subject  = NULL;
    const LV2_Atom* property = NULL;
    const LV2_Atom* value    = NULL;
    lv2_atom_object_get(obj,
                        host->patch_subject,
                        &subject,
                        host->patch_property,
                        &property,
                        host->patch_value,
                        &value,
                        0);
    if (subject) {
      ++host->n_acks; /* an applied parameter set, echoed */
    } else if (property && property->size >= sizeof(LV2_URID) &&
               ((const LV2_Atom_URID*)property)->body == host->ae_status &&
               value && value->type == host->atom_String && value->size) {
      const char* const text = (const char*)LV2_ATOM_BODY_CONST(value);
      snprintf(host->status,
               sizeof(host->status),
               "%.*s",
               (int)strnlen(text, value->size),
               text);
      ++host->n_status;
      if (strcmp(host->status, "ok")) {
        add_report(host, host->status);
      }
    }
  }
}

static void
reset_control(AetherHost* const host)
{
  lv2_atom_forge_set_buffer(
    &host->forge, host->control, AETHER_HOST_ATOM_CAPACITY);
  lv2_atom_forge_sequence_head(&host->forge, &host->seq_frame, 0);
}

/* The world */

const char*
aether_host_lv2_path(const char* const fallback)
{
  const char* const env = getenv("LV2_PATH");
  return (env && *env) ? env : fallback;
}

static LilvWorld*
world_new(const char* const lv2_path)
{
  LilvWorld* const world = lilv_world_new();
  if (world) {
    LilvNode* const path = lilv_new_string(world, lv2_path);
    lilv_world_set_option(world, LILV_OPTION_LV2_PATH, path);
    lilv_node_free(path);
    lilv_world_load_all(world);
  }
  return world;
}

static const LilvPlugin*
find_plugin(LilvWorld* const   world,
            const char* const  lv2_path,
            const char* const  uri,
            AetherError* const err)
{
  LilvNode* const         node = lilv_new_uri(world, uri);
  const LilvPlugin* const plugin =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  if (!plugin) {
    aether_error(err,
                 AETHER_ERR_NOT_FOUND,
                 "plugin %s not found in LV2_PATH %s (build it first, or set "
                 "LV2_PATH to the folder that holds aether.lv2)",
                 uri,
                 lv2_path);
  }
  return plugin;
}

/* Ports */

static AetherStatus
connect_ports(AetherHost* const host, AetherError* const err)
{
  const LilvPlugin* const pl      = host->plugin;
  LilvWorld* const        w       = host->world;
  LilvNode* const         audio   = lilv_new_uri(w, LV2_CORE__AudioPort);
  LilvNode* const         atom    = lilv_new_uri(w, LV2_ATOM__AtomPort);
  LilvNode* const         input   = lilv_new_uri(w, LV2_CORE__InputPort);
  LilvNode* const         control = lilv_new_uri(w, LV2_CORE__ControlPort);
  AetherStatus            st      = AETHER_SUCCESS;
  int                     n_in    = 0;
  int                     n_out   = 0;
  host->n_ports                   = lilv_plugin_get_num_ports(pl);
  host->controls        = (float*)calloc(host->n_ports, sizeof(float));
  host->minimum         = (float*)calloc(host->n_ports, sizeof(float));
  host->maximum         = (float*)calloc(host->n_ports, sizeof(float));
  float* const defaults = (float*)calloc(host->n_ports, sizeof(float));
  if (!host->controls || !host->minimum || !host->maximum || !defaults) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  } else {
    lilv_plugin_get_port_ranges_float(
      pl, host->minimum, host->maximum, defaults);
  }

  host->control_port = host->notify_port = -1;
  host->audio_in[0] = host->audio_in[1] = -1;
  host->audio_out[0] = host->audio_out[1] = -1;
  for (uint32_t i = 0; i < host->n_ports && !st; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(pl, i);
    const bool            is_input = lilv_port_is_a(pl, port, input);
    if (lilv_port_is_a(pl, port, audio)) {
      if (is_input ? n_in == 2 : n_out == 2) {
        st = aether_error(err,
                          AETHER_ERR_UNSUPPORTED,
                          "the plugin has more than 2 audio %s",
                          is_input ? "inputs" : "outputs");
      } else if (is_input) {
        host->audio_in[n_in++] = (int)i;
      } else {
        host->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(pl, port, atom)) {
      if (is_input) {
        host->control_port = (int)i;
        lilv_instance_connect_port(host->instance, i, host->control);
      } else {
        host->notify_port = (int)i;
        lilv_instance_connect_port(host->instance, i, host->notify);
      }
    } else if (lilv_port_is_a(pl, port, control)) {
      host->controls[i] = isnan(defaults[i]) ? 0.0f : defaults[i];
      lilv_instance_connect_port(host->instance, i, &host->controls[i]);
    }
  }
  if (!st && (host->control_port < 0 || host->notify_port < 0)) {
    st = aether_error(err,
                      AETHER_ERR_UNSUPPORTED,
                      "the plugin has no control and notify ports");
  }
  free(defaults);
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);
  lilv_node_free(control);
  return st;
}

static int
port_by_symbol(const AetherHost* const host, const char* const symbol)
{
  LilvNode* const       sym = lilv_new_string(host->world, symbol);
  const LilvPort* const port =
    lilv_plugin_get_port_by_symbol(host->plugin, sym);
  lilv_node_free(sym);
  return port ? (int)lilv_port_get_index(host->plugin, port) : -1;
}

/* Life cycle */

static void
init_features(AetherHost* const host)
{
  host->map      = (LV2_URID_Map){ &host->table, map_uri };
  host->unmap    = (LV2_URID_Unmap){ &host->table, unmap_uri };
  host->schedule = (LV2_Worker_Schedule){ host, schedule_work };

  host->opt_block                    = (int32_t)host->max_block;
  host->opt_seq_size                 = (int32_t)AETHER_HOST_ATOM_CAPACITY;
  host->opt_rate                     = (float)host->rate;
  const LV2_URID           int_type  = urid(host, LV2_ATOM__Int);
  const LV2_URID           flt_type  = urid(host, LV2_ATOM__Float);
  const LV2_Options_Option options[] = {
    { LV2_OPTIONS_INSTANCE,
      0,
      urid(host, LV2_BUF_SIZE__maxBlockLength),
      sizeof(int32_t),
      int_type,
      &host->opt_block },
    { LV2_OPTIONS_INSTANCE,
      0,
      urid(host, LV2_BUF_SIZE__nominalBlockLength),
      sizeof(int32_t),
      int_type,
      &host->opt_block },
    { LV2_OPTIONS_INSTANCE,
      0,
      urid(host, LV2_BUF_SIZE__sequenceSize),
      sizeof(int32_t),
      int_type,
      &host->opt_seq_size },
    { LV2_OPTIONS_INSTANCE,
      0,
      urid(host, LV2_PARAMETERS__sampleRate),
      sizeof(float),
      flt_type,
      &host->opt_rate },
    { LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL },
  };
  memcpy(host->options, options, sizeof(options));

  host->map_feature   = (LV2_Feature){ LV2_URID__map, &host->map };
  host->unmap_feature = (LV2_Feature){ LV2_URID__unmap, &host->unmap };
  host->schedule_feature =
    (LV2_Feature){ LV2_WORKER__schedule, &host->schedule };
  host->options_feature = (LV2_Feature){ LV2_OPTIONS__options, host->options };
  host->features[0]     = &host->map_feature;
  host->features[1]     = &host->unmap_feature;
  host->features[2]     = &host->schedule_feature;
  host->features[3]     = &host->options_feature;
  host->features[4]     = NULL;

  host->atom_Float     = urid(host, LV2_ATOM__Float);
  host->atom_Path      = urid(host, LV2_ATOM__Path);
  host->atom_Sequence  = urid(host, LV2_ATOM__Sequence);
  host->atom_String    = urid(host, LV2_ATOM__String);
  host->midi_MidiEvent = urid(host, LV2_MIDI__MidiEvent);
  host->patch_Set      = urid(host, LV2_PATCH__Set);
  host->patch_property = urid(host, LV2_PATCH__property);
  host->patch_subject  = urid(host, LV2_PATCH__subject);
  host->patch_value    = urid(host, LV2_PATCH__value);
  host->ae_status      = urid(host, "urn:aether:status");
  host->ae_patchFile   = urid(host, "urn:aether:patchFile");
}

AetherStatus
aether_host_new(const char* const  lv2_path,
                const char* const  uri,
                const double       rate,
                const uint32_t     max_block,
                AetherHost** const out,
                AetherError* const err)
{
  *out = NULL;
  if (!max_block || max_block > AETHER_HOST_MAX_BLOCK) {
    return aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "block size %u is not 1 to %u",
                        max_block,
                        AETHER_HOST_MAX_BLOCK);
  }
  AetherHost* const host = (AetherHost*)calloc(1, sizeof(AetherHost));
  if (!host) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  host->rate      = rate;
  host->max_block = max_block;
  init_features(host);
  lv2_atom_forge_init(&host->forge, &host->map);

  host->control = (uint8_t*)aligned_alloc(64, AETHER_HOST_ATOM_CAPACITY);
  host->notify  = (uint8_t*)aligned_alloc(64, AETHER_HOST_ATOM_CAPACITY);
  host->silence = (float*)calloc(max_block, sizeof(float));
  host->scratch = (float*)calloc(max_block, sizeof(float));
  if (!host->control || !host->notify || !host->silence || !host->scratch) {
    aether_host_free(host);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  memset(host->control, 0, AETHER_HOST_ATOM_CAPACITY);
  memset(host->notify, 0, AETHER_HOST_ATOM_CAPACITY);

  if (!(host->world = world_new(lv2_path))) {
    aether_host_free(host);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  if (!(host->plugin = find_plugin(host->world, lv2_path, uri, err))) {
    aether_host_free(host);
    return err->status;
  }
  const LilvNode* const lib = lilv_plugin_get_library_uri(host->plugin);
  char* const           path =
    lib ? lilv_file_uri_parse(lilv_node_as_uri(lib), NULL) : NULL;
  if (path) {
    host->binary = realpath(path, NULL); /* for the report: no "/../" */
    if (!host->binary) {
      host->binary = strdup(path);
    }
    lilv_free(path);
  }

  host->instance = lilv_plugin_instantiate(host->plugin, rate, host->features);
  if (!host->instance) {
    aether_host_free(host);
    return aether_error(err,
                        AETHER_ERR_UNSUPPORTED,
                        "plugin %s could not be instantiated at %g Hz",
                        uri,
                        rate);
  }
  host->worker = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
    host->instance, LV2_WORKER__interface);

  const AetherStatus st = connect_ports(host, err);
  if (st) {
    aether_host_free(host);
    return st;
  }
  reset_control(host);
  lilv_instance_activate(host->instance);
  *out = host;
  return AETHER_SUCCESS;
}

void
aether_host_free(AetherHost* const host)
{
  if (!host) {
    return;
  }
  if (host->instance) {
    lilv_instance_deactivate(host->instance);
    lilv_instance_free(host->instance);
  }
  for (uint32_t i = 0; i < host->n_jobs; ++i) {
    free(host->jobs[i].data);
  }
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    free(host->responses[i].data);
  }
  for (uint32_t i = 0; i < host->n_reports && i < AETHER_HOST_MAX_REPORTS;
       ++i) {
    free(host->reports[i]);
  }
  for (uint32_t i = 0; i < host->table.n; ++i) {
    free(host->table.uris[i]);
  }
  free(host->table.uris);
  free(host->binary);
  if (host->world) {
    lilv_world_free(host->world);
  }
  free(host->controls);
  free(host->minimum);
  free(host->maximum);
  free(host->silence);
  free(host->scratch);
  free(host->control);
  free(host->notify);
  free(host);
}

const char*
aether_host_binary(const AetherHost* const host)
{
  return host->binary ? host->binary : "(unknown)";
}

bool
aether_host_has_input(const AetherHost* const host)
{
  return host->audio_in[0] >= 0;
}

uint32_t
aether_host_n_reports(const AetherHost* const host)
{
  return host->n_reports;
}

const char*
aether_host_report(const AetherHost* const host, const uint32_t i)
{
  return (i < host->n_reports && i < AETHER_HOST_MAX_REPORTS &&
          host->reports[i])
           ? host->reports[i]
           : "";
}

uint32_t
aether_host_n_errors(const AetherHost* const host)
{
  return host->n_errors;
}

/* Running */

void
aether_host_run(AetherHost* const  host,
                const float* const in[2],
                float* const       out[2],
                const uint32_t     n)
{
  const uint32_t len = n < host->max_block ? n : host->max_block;
  for (int c = 0; c < 2; ++c) {
    if (host->audio_in[c] >= 0) {
      lilv_instance_connect_port(host->instance,
                                 (uint32_t)host->audio_in[c],
                                 in && in[c] ? (void*)in[c]
                                             : (void*)host->silence);
    }
    if (host->audio_out[c] >= 0) {
      lilv_instance_connect_port(host->instance,
                                 (uint32_t)host->audio_out[c],
                                 out && out[c] ? (void*)out[c]
                                               : (void*)host->scratch);
    }
  }

  /* The host says the notify buffer's capacity in the sequence's size. */
  LV2_Atom_Sequence* const notify = (LV2_Atom_Sequence*)host->notify;
  notify->atom.type               = 0;
  notify->atom.size = AETHER_HOST_ATOM_CAPACITY - sizeof(LV2_Atom);

  deliver_responses(host);
  lilv_instance_run(host->instance, len);
  read_notify(host);
  reset_control(host);
  run_jobs(host);
}

bool
aether_host_midi(AetherHost* const    host,
                 const uint32_t       offset,
                 const uint8_t* const data,
                 const uint32_t       size)
{
  const uint32_t need =
    (uint32_t)sizeof(LV2_Atom_Event) + lv2_atom_pad_size(size);
  if (!size || size > 3U ||
      host->forge.size - host->forge.offset < need + sizeof(LV2_Atom)) {
    return false;
  }
  lv2_atom_forge_frame_time(&host->forge, offset);
  lv2_atom_forge_atom(&host->forge, size, host->midi_MidiEvent);
  lv2_atom_forge_write(&host->forge, data, size);
  return true;
}

/* Setup: messages in runs of 0 frames, before the first frame */

/* Run twice without audio: the plugin takes the queued messages and
   schedules work, the worker does it, and the plugin forwards the answers
   to notify. Returns the first error among the statuses after the first
   `n_reports`, else an error if nothing answered (no new status nor
   acknowledgement since `n_status` and `n_acks`). */
static AetherStatus
settle(AetherHost* const  host,
       const uint32_t     n_reports,
       const uint32_t     n_status,
       const uint32_t     n_acks,
       AetherError* const err)
{
  const uint32_t n_errors = host->n_errors;
  aether_host_run(host, NULL, NULL, 0);
  aether_host_run(host, NULL, NULL, 0);
  if (host->n_errors > n_errors) {
    const char* text = host->status; /* the last, if the first is not kept */
    for (uint32_t i = n_reports;
         i < host->n_reports && i < AETHER_HOST_MAX_REPORTS;
         ++i) {
      if (host->is_error[i]) {
        text = aether_host_report(host, i);
        break;
      }
    }
    if (!strncmp(text, "error: ", 7)) {
      text += 7;
    }
    return aether_error(err, AETHER_ERR_BAD_VALUE, "%s", text);
  }
  if (host->n_status == n_status && host->n_acks == n_acks) {
    return aether_error(
      err, AETHER_ERR_UNSUPPORTED, "the plugin did not answer");
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_host_set_control(AetherHost* const  host,
                        const char* const  symbol,
                        const float        value,
                        AetherError* const err)
{
  const int i = port_by_symbol(host, symbol);
  if (i < 0 || i == host->control_port || i == host->notify_port ||
      i == host->audio_in[0] || i == host->audio_in[1] ||
      i == host->audio_out[0] || i == host->audio_out[1]) {
    return aether_error(
      err, AETHER_ERR_NOT_FOUND, "the plugin has no control port %s", symbol);
  }
  if (!(value >= host->minimum[i] && value <= host->maximum[i])) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "%g is out of the range of %s (%g to %g)",
                        (double)value,
                        symbol,
                        (double)host->minimum[i],
                        (double)host->maximum[i]);
  }
  host->controls[i] = value;
  return AETHER_SUCCESS;
}

static void
begin_set(AetherHost* const           host,
          LV2_Atom_Forge_Frame* const frame,
          const char* const           subject,
          const LV2_URID              property)
{
  LV2_Atom_Forge* const forge = &host->forge;
  lv2_atom_forge_frame_time(forge, 0);
  lv2_atom_forge_object(forge, frame, 0, host->patch_Set);
  if (subject) {
    lv2_atom_forge_key(forge, host->patch_subject);
    lv2_atom_forge_uri(forge, subject, (uint32_t)strlen(subject));
  }
  lv2_atom_forge_key(forge, host->patch_property);
  lv2_atom_forge_urid(forge, property);
  lv2_atom_forge_key(forge, host->patch_value);
}

AetherStatus
aether_host_load_file(AetherHost* const  host,
                      const char* const  path,
                      AetherError* const err)
{
  const size_t len = strlen(path);
  if (len > AETHER_HOST_ATOM_CAPACITY / 2U) {
    return aether_error(err, AETHER_ERR_BAD_ARG, "the path is too long");
  }
  const uint32_t       reports = host->n_reports;
  const uint32_t       status  = host->n_status;
  LV2_Atom_Forge_Frame frame;
  begin_set(host, &frame, NULL, host->ae_patchFile);
  lv2_atom_forge_path(&host->forge, path, (uint32_t)len);
  lv2_atom_forge_pop(&host->forge, &frame);
  return settle(host, reports, status, host->n_acks, err);
}

AetherStatus
aether_host_set_param(AetherHost* const  host,
                      const char* const  node,
                      const char* const  param,
                      const char* const  text,
                      AetherError* const err)
{
  char subject[160];
  char property[160];
  snprintf(subject, sizeof(subject), "urn:aether:node:%.63s", node);
  snprintf(property, sizeof(property), "urn:aether:%.63s", param);

  char*        end    = NULL;
  const double number = strtod(text, &end);
  const bool   is_num = end != text && !*end;
  if (!is_num && strlen(text) > 1000U) {
    return aether_error(err, AETHER_ERR_BAD_ARG, "the value is too long");
  }

  const uint32_t       reports = host->n_reports;
  const uint32_t       status  = host->n_status;
  const uint32_t       acks    = host->n_acks;
  LV2_Atom_Forge_Frame frame;
  begin_set(host, &frame, subject, urid(host, property));
  if (is_num) {
    lv2_atom_forge_float(&host->forge, (float)number);
  } else {
    lv2_atom_forge_string(&host->forge, text, (uint32_t)strlen(text));
  }
  lv2_atom_forge_pop(&host->forge, &frame);
  return settle(host, reports, status, acks, err);
}

/* Presets */

/* lilv_state_restore() hands over port values of the preset here. */
static void
set_port_value(const char* const port_symbol,
               void* const       user_data,
               const void* const value,
               const uint32_t    size,
               const uint32_t    type)
{
  AetherHost* const host = (AetherHost*)user_data;
  float             v    = 0.0f;
  if (type == host->atom_Float && size == sizeof(float)) {
    memcpy(&v, value, sizeof(v));
  } else if (type == urid(host, LV2_ATOM__Double) && size == sizeof(double)) {
    double d = 0.0;
    memcpy(&d, value, sizeof(d));
    v = (float)d;
  } else if (type == urid(host, LV2_ATOM__Int) && size == sizeof(int32_t)) {
    int32_t i = 0;
    memcpy(&i, value, sizeof(i));
    v = (float)i;
  } else {
    return;
  }
  const int i = port_by_symbol(host, port_symbol);
  if (i >= 0 && (uint32_t)i < host->n_ports) {
    host->controls[i] = v;
  }
}

static void
preset_uri(const char* const name, char* const buf, const size_t size)
{
  snprintf(buf, size, "%s%s", strchr(name, ':') ? "" : PRESET_NS, name);
}

AetherStatus
aether_host_load_preset(AetherHost* const  host,
                        const char* const  name,
                        AetherError* const err)
{
  char uri[512];
  preset_uri(name, uri, sizeof(uri));
  LilvWorld* const w       = host->world;
  LilvNode* const  preset  = lilv_new_uri(w, uri);
  LilvNode* const  type    = lilv_new_uri(w, LV2_PRESETS__Preset);
  LilvNode* const  rdftype = lilv_new_uri(w, LILV_NS_RDF "type");
  LilvNode* const  applies = lilv_new_uri(w, LV2_CORE__appliesTo);
  const LilvNode*  plugin  = lilv_plugin_get_uri(host->plugin);

  AetherStatus st = AETHER_SUCCESS;
  if (!lilv_world_ask(w, preset, rdftype, type)) {
    st = aether_error(err,
                      AETHER_ERR_NOT_FOUND,
                      "no preset %s (aether presets lists them)",
                      uri);
  } else if (!lilv_world_ask(w, preset, applies, plugin)) {
    st = aether_error(err,
                      AETHER_ERR_BAD_ARG,
                      "preset %s is not for %s",
                      uri,
                      lilv_node_as_uri(plugin));
  }

  if (!st) {
    lilv_world_load_resource(w, preset);
    LilvState* const state = lilv_state_new_from_world(w, &host->map, preset);
    if (!state) {
      st = aether_error(
        err, AETHER_ERR_SYNTAX, "preset %s has no readable state", uri);
    } else {
      const uint32_t reports = host->n_reports;
      const uint32_t status  = host->n_status;
      lilv_state_restore(
        state, host->instance, set_port_value, host, 0, host->features);
      lilv_state_free(state);
      st = settle(host, reports, status, host->n_acks, err);
    }
  }
  lilv_node_free(preset);
  lilv_node_free(type);
  lilv_node_free(rdftype);
  lilv_node_free(applies);
  return st;
}

typedef struct {
  char* name;
  char* label;
} PresetEntry;

static int
entry_cmp(const void* const a, const void* const b)
{
  return strcmp(((const PresetEntry*)a)->name, ((const PresetEntry*)b)->name);
}

AetherStatus
aether_host_list_presets(const char* const lv2_path,
                         const char* const uri,
                         void (*const line)(void*       ctx,
                                            const char* name,
                                            const char* label),
                         void* const        ctx,
                         AetherError* const err)
{
  LilvWorld* const world = world_new(lv2_path);
  if (!world) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  const LilvPlugin* const plugin = find_plugin(world, lv2_path, uri, err);
  if (!plugin) {
    lilv_world_free(world);
    return err->status;
  }

  LilvNode* const  type    = lilv_new_uri(world, LV2_PRESETS__Preset);
  LilvNode* const  label_p = lilv_new_uri(world, RDFS_LABEL);
  LilvNodes* const presets = lilv_plugin_get_related(plugin, type);
  const size_t     n       = presets ? lilv_nodes_size(presets) : 0U;
  PresetEntry*     entries = (PresetEntry*)calloc(n ? n : 1U, sizeof(*entries));
  AetherStatus     st      = AETHER_SUCCESS;
  size_t           k       = 0;
  if (!entries) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  LILV_FOREACH(nodes, i, presets)
  {
    if (st) {
      break;
    }
    const LilvNode* const p = lilv_nodes_get(presets, i);
    const char* const     u = lilv_node_as_uri(p);
    lilv_world_load_resource(world, p);
    LilvNode* const   label = lilv_world_get(world, p, label_p, NULL);
    const char* const name  = strncmp(u, PRESET_NS, sizeof(PRESET_NS) - 1U)
                                ? u
                                : u + sizeof(PRESET_NS) - 1U;
    entries[k].name         = strdup(name);
    entries[k].label        = strdup(label ? lilv_node_as_string(label) : "");
    lilv_node_free(label);
    if (!entries[k].name || !entries[k].label) {
      st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
    ++k;
  }
  if (!st) {
    qsort(entries, k, sizeof(*entries), entry_cmp);
    for (size_t i = 0; i < k; ++i) {
      line(ctx, entries[i].name, entries[i].label);
    }
  }
  for (size_t i = 0; i < k; ++i) {
    free(entries[i].name);
    free(entries[i].label);
  }
  free(entries);
  lilv_nodes_free(presets);
  lilv_node_free(type);
  lilv_node_free(label_p);
  lilv_world_free(world);
  return st;
}
