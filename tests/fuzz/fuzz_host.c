/* Aether fuzzing: a minimal in-process LV2 host (see fuzz_host.h). */

#include "fuzz_host.h"

#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URIS 1024U
#define MAX_JOBS 64U
#define NOTIFY_BYTES 65536U

typedef struct {
  uint32_t size;
  void*    data;
} Job;

struct FuzzHost {
  const LV2_Descriptor*       desc;
  LV2_Handle                  handle;
  const LV2_Worker_Interface* worker;
  const LV2_State_Interface*  state;
  bool                        synth;
  bool                        sync_worker;
  bool                        in_work;

  LV2_URID_Map        map;
  LV2_URID_Unmap      unmap;
  LV2_Worker_Schedule schedule;
  LV2_Feature         map_feature;
  LV2_Feature         unmap_feature;
  LV2_Feature         schedule_feature;
  const LV2_Feature*  features[4];

  Job      jobs[MAX_JOBS];
  uint32_t n_jobs;
  Job      responses[MAX_JOBS];
  uint32_t n_responses;

  float              in[2][FUZZ_MAX_FRAMES];
  float              out[2][FUZZ_MAX_FRAMES];
  float              controls[9];
  LV2_Atom_Sequence* notify;
};

static char*    uris[MAX_URIS];
static uint32_t n_uris;

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  (void)handle;
  for (uint32_t i = 0; i < n_uris; ++i) {
    if (!strcmp(uris[i], uri)) {
      return i + 1U;
    }
  }
  if (n_uris == MAX_URIS || !(uris[n_uris] = strdup(uri))) {
    return 0;
  }
  return ++n_uris;
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  (void)handle;
  return (urid && urid <= n_uris) ? uris[urid - 1U] : NULL;
}

LV2_URID
fuzz_map(const char* const uri)
{
  return map_uri(NULL, uri);
}

LV2_URID_Map*
fuzz_urid_map(void)
{
  static LV2_URID_Map map = { NULL, map_uri };
  return &map;
}

static void*
copy_of(const void* const data, const size_t size)
{
  void* const copy = malloc(size ? size : 1U);
  if (!copy) {
    abort();
  }
  if (size) {
    memcpy(copy, data, size);
  }
  return copy;
}

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle,
        const uint32_t            size,
        const void* const         data)
{
  FuzzHost* const host = (FuzzHost*)handle;
  if (host->n_responses == MAX_JOBS) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  host->responses[host->n_responses++] = (Job){ size, copy_of(data, size) };
  return LV2_WORKER_SUCCESS;
}

static void
deliver_responses(FuzzHost* const host)
{
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    host->worker->work_response(
      host->handle, host->responses[i].size, host->responses[i].data);
    free(host->responses[i].data);
  }
  host->n_responses = 0;
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  FuzzHost* const host = (FuzzHost*)handle;
  if (host->sync_worker && !host->in_work) {
    /* Offline hosts: the work is done inside the call. */
    void* const copy = copy_of(data, size);
    host->in_work    = true;
    host->worker->work(host->handle, respond, host, size, copy);
    host->in_work = false;
    free(copy);
    deliver_responses(host);
    return LV2_WORKER_SUCCESS;
  }
  if (host->n_jobs == MAX_JOBS) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  host->jobs[host->n_jobs++] = (Job){ size, copy_of(data, size) };
  return LV2_WORKER_SUCCESS;
}

static void
run_jobs(FuzzHost* const host)
{
  for (uint32_t i = 0; i < host->n_jobs; ++i) {
    host->worker->work(
      host->handle, respond, host, host->jobs[i].size, host->jobs[i].data);
    free(host->jobs[i].data);
  }
  host->n_jobs = 0;
}

FuzzHost*
fuzz_host_new(const bool synth, const bool sync_worker)
{
  FuzzHost* const host = (FuzzHost*)calloc(1, sizeof(FuzzHost));
  if (!host) {
    abort();
  }
  host->synth         = synth;
  host->sync_worker   = sync_worker;
  host->desc          = lv2_descriptor(synth ? 1U : 0U);
  host->map           = (LV2_URID_Map){ NULL, map_uri };
  host->unmap         = (LV2_URID_Unmap){ NULL, unmap_uri };
  host->schedule      = (LV2_Worker_Schedule){ host, schedule_work };
  host->map_feature   = (LV2_Feature){ LV2_URID__map, &host->map };
  host->unmap_feature = (LV2_Feature){ LV2_URID__unmap, &host->unmap };
  host->schedule_feature =
    (LV2_Feature){ LV2_WORKER__schedule, &host->schedule };
  host->features[0] = &host->map_feature;
  host->features[1] = &host->unmap_feature;
  host->features[2] = &host->schedule_feature;
  host->features[3] = NULL;

  host->handle = host->desc->instantiate(
    host->desc, 48000.0, "/nonexistent/", host->features);
  if (!host->handle) {
    abort();
  }
  host->worker = (const LV2_Worker_Interface*)host->desc->extension_data(
    LV2_WORKER__interface);
  host->state = (const LV2_State_Interface*)host->desc->extension_data(
    LV2_STATE__interface);
  host->notify = (LV2_Atom_Sequence*)malloc(NOTIFY_BYTES);
  if (!host->worker || !host->state || !host->notify) {
    abort();
  }

  /* Ports: control 0, notify 1, then audio, then enabled and 8 macros. */
  const uint32_t audio = synth ? 2U : 4U;
  if (!synth) {
    host->desc->connect_port(host->handle, 2, host->in[0]);
    host->desc->connect_port(host->handle, 3, host->in[1]);
  }
  host->desc->connect_port(host->handle, audio, host->out[0]);
  host->desc->connect_port(host->handle, audio + 1U, host->out[1]);
  host->controls[0] = 1.0f;
  for (uint32_t i = 0; i < 9; ++i) {
    host->controls[i] = i ? 0.5f : 1.0f;
    host->desc->connect_port(host->handle, audio + 2U + i, &host->controls[i]);
  }
  for (uint32_t i = 0; i < FUZZ_MAX_FRAMES; ++i) {
    host->in[0][i] = 0.5f * sinf(0.05f * (float)i);
    host->in[1][i] = (float)((i * 7919U) % 200U) / 200.0f - 0.5f;
  }
  host->desc->activate(host->handle);
  return host;
}

extern const char aether_default_fx_patch[];    /* the plugin's, linked in */
extern const char aether_default_synth_patch[]; /* the plugin's, linked in */

FuzzHost*
fuzz_host_get(const bool synth, const bool sync_worker)
{
  static FuzzHost* kept[2][2];
  if (getenv("FUZZ_FRESH")) {
    return fuzz_host_new(synth, sync_worker);
  }
  FuzzHost** const slot = &kept[synth][sync_worker];
  if (!*slot) {
    return *slot = fuzz_host_new(synth, sync_worker);
  }

  FuzzHost* const   host = *slot;
  const char* const text =
    synth ? aether_default_synth_patch : aether_default_fx_patch;
  run_jobs(host);
  deliver_responses(host);
  for (uint32_t i = 0; i < 9; ++i) {
    host->controls[i] = i ? 0.5f : 1.0f;
  }
  if (fuzz_host_restore(
        host, text, strlen(text) + 1U, fuzz_map(LV2_ATOM__String))) {
    fprintf(stderr, "fuzz: the default patch does not restore\n");
    abort();
  }
  fuzz_host_run(host, NULL, 0, 64);
  return host;
}

void
fuzz_host_release(FuzzHost* const host)
{
  if (getenv("FUZZ_FRESH")) {
    fuzz_host_free(host);
  }
}

void
fuzz_host_free(FuzzHost* const host)
{
  run_jobs(host);
  for (uint32_t i = 0; i < host->n_responses; ++i) {
    free(host->responses[i].data);
  }
  host->desc->deactivate(host->handle);
  host->desc->cleanup(host->handle);
  free(host->notify);
  free(host);
}

void
fuzz_host_control(FuzzHost* const host, const uint32_t index, const float value)
{
  if (index < 9U) {
    host->controls[index] = value;
  }
}

/* Abort unless notify holds a well-formed sequence of well-formed events
   in time order. */
static void
check_notify(const LV2_Atom_Sequence* const seq)
{
  if (seq->atom.size < sizeof(LV2_Atom_Sequence_Body) ||
      seq->atom.size > NOTIFY_BYTES - sizeof(LV2_Atom)) {
    fprintf(stderr, "fuzz: malformed notify sequence\n");
    abort();
  }
  const uint8_t* const end  = (const uint8_t*)&seq->body + seq->atom.size;
  const uint8_t*       it   = (const uint8_t*)(&seq->body + 1);
  int64_t              last = 0;
  while (it < end) {
    const LV2_Atom_Event* const ev = (const LV2_Atom_Event*)it;
    if ((size_t)(end - it) < sizeof(LV2_Atom_Event) ||
        ev->body.size > (size_t)(end - it) - sizeof(LV2_Atom_Event) ||
        ev->time.frames < last) {
      fprintf(stderr, "fuzz: malformed notify event\n");
      abort();
    }
    last = ev->time.frames;
    it += lv2_atom_pad_size((uint32_t)sizeof(LV2_Atom_Event) + ev->body.size);
  }
}

void
fuzz_host_run(FuzzHost* const                host,
              const LV2_Atom_Sequence* const control,
              const uint32_t                 size,
              const uint32_t                 n)
{
  static const LV2_Atom_Sequence empty = {
    { sizeof(LV2_Atom_Sequence_Body), 0 }, { 0, 0 }
  };
  const uint32_t bytes = control ? size : (uint32_t)sizeof(empty);
  void* const    seq = copy_of(control ? (const void*)control : &empty, bytes);
  if (!control) {
    ((LV2_Atom_Sequence*)seq)->atom.type = fuzz_map(LV2_ATOM__Sequence);
  }
  host->notify->atom.type = 0;
  host->notify->atom.size = NOTIFY_BYTES - (uint32_t)sizeof(LV2_Atom);
  host->desc->connect_port(host->handle, 0, seq);
  host->desc->connect_port(host->handle, 1, host->notify);

  const uint32_t frames = n > FUZZ_MAX_FRAMES ? FUZZ_MAX_FRAMES : n;
  deliver_responses(host);
  host->desc->run(host->handle, frames);
  host->desc->connect_port(host->handle, 0, NULL);
  free(seq);

  check_notify(host->notify);
  for (uint32_t c = 0; c < 2; ++c) {
    for (uint32_t i = 0; i < frames; ++i) {
      if (!isfinite(host->out[c][i])) {
        fprintf(stderr, "fuzz: non-finite output\n");
        abort();
      }
    }
  }
  run_jobs(host);
}

typedef struct {
  const void* value;
  size_t      size;
  LV2_URID    type;
} Retrieve;

static const void*
retrieve(LV2_State_Handle handle,
         const uint32_t   key,
         size_t* const    size,
         uint32_t* const  type,
         uint32_t* const  flags)
{
  const Retrieve* const r = (const Retrieve*)handle;
  if (key != fuzz_map("urn:aether:patch")) {
    return NULL;
  }
  *size  = r->size;
  *type  = r->type;
  *flags = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
  return r->value;
}

LV2_State_Status
fuzz_host_restore(FuzzHost* const   host,
                  const void* const value,
                  const size_t      size,
                  const LV2_URID    type)
{
  void* const            copy = copy_of(value, size);
  Retrieve               r    = { copy, size, type };
  const LV2_State_Status st =
    host->state->restore(host->handle, retrieve, &r, 0, host->features);
  free(copy);
  return st;
}

static LV2_State_Status
store(LV2_State_Handle  handle,
      const uint32_t    key,
      const void* const value,
      const size_t      size,
      const uint32_t    type,
      const uint32_t    flags)
{
  (void)type;
  (void)flags;
  char** const text = (char**)handle;
  if (key == fuzz_map("urn:aether:patch") && !*text) {
    *text = (char*)malloc(size + 1U);
    if (!*text) {
      abort();
    }
    memcpy(*text, value, size);
    (*text)[size] = '\0';
  }
  return LV2_STATE_SUCCESS;
}

char*
fuzz_host_save(FuzzHost* const host)
{
  char*                  text = NULL;
  const LV2_State_Status st   = host->state->save(
    host->handle, store, &text, LV2_STATE_IS_POD, host->features);
  if (st) {
    free(text);
    return NULL;
  }
  return text;
}
