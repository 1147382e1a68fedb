/* bench_plugin.c: section 4 of `aether bench`: the real bundle through
   lilv in a minimal LV2 host, at several host block sizes, against the
   engine called directly. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_report.h"
#include "bench_sections.h"
#include "bench_signal.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_MAX_URIS 512U
#define HOST_MAX_PORTS 32U
#define HOST_ATOM_BYTES 65536U
#define HOST_MAX_JOBS 64U
#define HOST_JOB_BYTES 65536U

static char*    host_uris[HOST_MAX_URIS];
static uint32_t host_n_uris;

static LV2_URID
host_map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  (void)handle;
  for (uint32_t i = 0; i < host_n_uris; ++i) {
    if (!strcmp(host_uris[i], uri)) {
      return i + 1U;
    }
  }
  if (host_n_uris == HOST_MAX_URIS || !(host_uris[host_n_uris] = strdup(uri))) {
    return 0;
  }
  return ++host_n_uris;
}

static const char*
host_unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  (void)handle;
  return (urid && urid <= host_n_uris) ? host_uris[urid - 1U] : NULL;
}

typedef struct {
  uint32_t size[HOST_MAX_JOBS];
  uint32_t offset[HOST_MAX_JOBS];
  uint32_t n;
  uint32_t used;
  _Alignas(8) uint8_t data[HOST_JOB_BYTES];
} JobQueue;

/** A minimal host: a DAW (URID map, worker, control and notify ports) or
    lv2apply (no features, atom ports unconnected). */
typedef struct {
  _Alignas(AETHER_ALIGN) float in[2][HOST_FRAMES];
  _Alignas(AETHER_ALIGN) float out[2][HOST_FRAMES];
  _Alignas(8) uint8_t control[HOST_ATOM_BYTES];
  _Alignas(8) uint8_t notify[HOST_ATOM_BYTES];
  JobQueue                    jobs;
  JobQueue                    responses;
  LilvInstance*               instance;
  const LV2_Worker_Interface* worker;
  LV2_URID_Map                map;
  LV2_URID_Unmap              unmap;
  LV2_Worker_Schedule         schedule;
  LV2_Feature                 feature[3];
  const LV2_Feature*          features[4];
  float                       controls[HOST_MAX_PORTS];
  int                         audio_in[2];
  int                         audio_out[2];
  int                         control_port;
  int                         notify_port;
  LV2_URID                    sequence;
  uint32_t                    block;
  bool                        daw;
} PluginHost;

static bool
job_push(JobQueue* const q, const uint32_t size, const void* const data)
{
  const uint32_t padded = (size + 7U) & ~7U;
  if (q->n == HOST_MAX_JOBS || q->used + padded > HOST_JOB_BYTES) {
    return false;
  }
  memcpy(q->data + q->used, data, size);
  q->size[q->n]   = size;
  q->offset[q->n] = q->used;
  ++q->n;
  q->used += padded;
  return true;
}

static LV2_Worker_Status
host_schedule_work(LV2_Worker_Schedule_Handle handle,
                   const uint32_t             size,
                   const void* const          data)
{
  return job_push(&((PluginHost*)handle)->jobs, size, data)
           ? LV2_WORKER_SUCCESS
           : LV2_WORKER_ERR_NO_SPACE;
}

static LV2_Worker_Status
host_respond(LV2_Worker_Respond_Handle handle,
             const uint32_t            size,
             const void* const         data)
{
  return job_push(&((PluginHost*)handle)->responses, size, data)
           ? LV2_WORKER_SUCCESS
           : LV2_WORKER_ERR_NO_SPACE;
}

/* The worker, between two run() calls (a worker thread that always wins). */
static void
host_work(PluginHost* const h)
{
  if (!h->worker) {
    return;
  }
  LV2_Handle const handle = lilv_instance_get_handle(h->instance);
  for (uint32_t i = 0; i < h->jobs.n; ++i) {
    h->worker->work(handle,
                    host_respond,
                    h,
                    h->jobs.size[i],
                    h->jobs.data + h->jobs.offset[i]);
  }
  h->jobs.n    = 0;
  h->jobs.used = 0;
  for (uint32_t i = 0; i < h->responses.n; ++i) {
    h->worker->work_response(
      handle, h->responses.size[i], h->responses.data + h->responses.offset[i]);
  }
  h->responses.n    = 0;
  h->responses.used = 0;
}

static void
plugin_host_free(PluginHost* const h)
{
  if (h) {
    if (h->instance) {
      lilv_instance_deactivate(h->instance);
      lilv_instance_free(h->instance);
    }
    free(h);
  }
}

static PluginHost*
plugin_host_new(LilvWorld* const        world,
                const LilvPlugin* const plugin,
                const bool              daw)
{
  PluginHost* const h = (PluginHost*)alloc_aligned(sizeof(PluginHost));
  if (!h) {
    return NULL;
  }
  h->daw        = daw;
  h->block      = BLOCK;
  h->map        = (LV2_URID_Map){ NULL, host_map_uri };
  h->unmap      = (LV2_URID_Unmap){ NULL, host_unmap_uri };
  h->schedule   = (LV2_Worker_Schedule){ h, host_schedule_work };
  h->feature[0] = (LV2_Feature){ LV2_URID__map, &h->map };
  h->feature[1] = (LV2_Feature){ LV2_URID__unmap, &h->unmap };
  h->feature[2] = (LV2_Feature){ LV2_WORKER__schedule, &h->schedule };
  for (uint32_t i = 0; i < 3U; ++i) {
    h->features[i] = daw ? &h->feature[i] : NULL;
  }
  h->features[3] = NULL;
  h->sequence    = host_map_uri(NULL, LV2_ATOM__Sequence);
  fill_noise(h->in[0], HOST_FRAMES, 1U);
  fill_noise(h->in[1], HOST_FRAMES, 2U);

  if (!(h->instance = lilv_plugin_instantiate(plugin, RATE, h->features))) {
    free(h);
    return NULL;
  }
  h->worker = (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
    h->instance, LV2_WORKER__interface);

  LilvNode* const audio   = lilv_new_uri(world, LV2_CORE__AudioPort);
  LilvNode* const atom    = lilv_new_uri(world, LV2_ATOM__AtomPort);
  LilvNode* const input   = lilv_new_uri(world, LV2_CORE__InputPort);
  const uint32_t  n_ports = lilv_plugin_get_num_ports(plugin);
  float           defaults[HOST_MAX_PORTS] = { 0.0f };
  int             n_in                     = 0;
  int             n_out                    = 0;
  h->audio_in[0] = h->audio_in[1] = h->audio_out[0] = h->audio_out[1] = -1;
  h->control_port = h->notify_port = -1;
  if (n_ports <= HOST_MAX_PORTS) {
    lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defaults);
  }
  for (uint32_t i = 0; i < n_ports && i < HOST_MAX_PORTS; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(plugin, i);
    const bool            is_input = lilv_port_is_a(plugin, port, input);
    if (lilv_port_is_a(plugin, port, audio)) {
      if (is_input && n_in < 2) {
        h->audio_in[n_in++] = (int)i;
      } else if (!is_input && n_out < 2) {
        h->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(plugin, port, atom)) {
      if (is_input) {
        h->control_port = (int)i;
      } else {
        h->notify_port = (int)i;
      }
      lilv_instance_connect_port(h->instance,
                                 i,
                                 !daw       ? NULL
                                 : is_input ? (void*)h->control
                                            : (void*)h->notify);
    } else {
      h->controls[i] = isnan(defaults[i]) ? 0.0f : defaults[i];
      lilv_instance_connect_port(h->instance, i, &h->controls[i]);
    }
  }
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);
  lilv_instance_activate(h->instance);
  return h;
}

/* One run() of `n` frames at `pos`, as a host does it each cycle. */
static inline void
plugin_host_run(PluginHost* const h, const uint32_t pos, const uint32_t n)
{
  for (uint32_t c = 0; c < 2U; ++c) {
    if (h->audio_in[c] >= 0) {
      lilv_instance_connect_port(
        h->instance, (uint32_t)h->audio_in[c], h->in[c] + pos);
    }
    if (h->audio_out[c] >= 0) {
      lilv_instance_connect_port(
        h->instance, (uint32_t)h->audio_out[c], h->out[c] + pos);
    }
  }
  if (h->daw) {
    LV2_Atom_Sequence* const control = (LV2_Atom_Sequence*)h->control;
    LV2_Atom_Sequence* const notify  = (LV2_Atom_Sequence*)h->notify;
    control->atom.type               = h->sequence;
    control->atom.size               = sizeof(LV2_Atom_Sequence_Body);
    control->body.unit               = 0;
    control->body.pad                = 0;
    notify->atom.type                = 0;
    notify->atom.size                = HOST_ATOM_BYTES - sizeof(LV2_Atom);
  }
  lilv_instance_run(h->instance, n);
  if (h->jobs.n) {
    host_work(h);
  }
}

static void
run_plugin_host(void* const ctx, const uint32_t iters)
{
  PluginHost* const h = (PluginHost*)ctx;
  for (uint32_t i = 0; i < iters; ++i) {
    for (uint32_t pos = 0; pos < HOST_FRAMES; pos += h->block) {
      plugin_host_run(h, pos, h->block);
    }
  }
  sink = h->out[0][HOST_FRAMES - 1U];
}

void
bench_plugin(Bench* const b, const Lv2* const lv2, const char* const fx_patch)
{
  /* DAW at four block sizes, lv2apply at 1, each against the engine. */
  static const struct {
    bool     daw;
    uint32_t block;
  } cases[] = {
    { true, 1U }, { true, 64U }, { true, 256U }, { true, 1024U }, { false, 1U }
  };
  enum { N_CASES = sizeof(cases) / sizeof(cases[0]) };

  const Options* const o = &b->opt;
  Table* const         t = bench_table(
    b,
    "plugin",
    "4. Through the plugin (lilv) against the engine called directly");

  if (!lv2->fx || !fx_patch) {
    table_note(t,
               "Skipped: the aether.lv2 bundle was not found (set LV2_PATH "
               "to the build's bundle directory, or pass --bundle).");
    return;
  }

  say(o, "plugin: block sizes 1, 64, 256, 1024");
  PluginHost* hosts[N_CASES]   = { NULL };
  EngineRun*  engines[N_CASES] = { NULL };
  Timer       timers[2 * N_CASES];
  Timer*      all[2 * N_CASES];
  AetherError err;
  aether_error_clear(&err);
  bool ok = true;
  for (uint32_t c = 0; c < N_CASES && ok; ++c) {
    hosts[c]   = plugin_host_new(lv2->world, lv2->fx, cases[c].daw);
    engines[c] = patch_engine(fx_patch, "fx-default", &err);
    ok         = hosts[c] && engines[c];
    if (ok) {
      hosts[c]->block   = cases[c].block;
      engines[c]->block = cases[c].block;
      for (uint32_t k = 0; k < 16U; ++k) {
        run_plugin_host(hosts[c], 1U); /* the patch loaded, warm */
      }
      timers[2U * c]      = (Timer){ run_plugin_host, hosts[c], 0U, { 0.0 } };
      timers[2U * c + 1U] = (Timer){ run_engine_host, engines[c], 0U, { 0.0 } };
      all[2U * c]         = &timers[2U * c];
      all[2U * c + 1U]    = &timers[2U * c + 1U];
    }
  }
  if (!ok) {
    fprintf(stderr, "bench: plugin: %s\n", err.message);
    b->failed = true;
  } else {
    measure(o, all, 2U * N_CASES);
  }

  const double per = 1.0 / HOST_FRAMES;
  for (uint32_t c = 0; c < N_CASES && ok; ++c) {
    const Timer* const tp  = &timers[2U * c];
    const Timer* const te  = &timers[2U * c + 1U];
    const Stat         p   = stat_scale(stat_of(tp->ns, o->reps), per);
    Row* const         row = table_row(t);
    row_text(row,
             "host",
             "%s",
             cases[c].daw ? "DAW (map, worker)" : "lv2apply (none)");
    row_num(row, "block", (double)cases[c].block, 0);
    row_stat(row, "plugin_ns_per_frame", p, 1);
    row_stat(
      row, "engine_ns_per_frame", stat_scale(stat_of(te->ns, o->reps), per), 1);
    row_stat(row, "plugin_to_engine", stat_ratio(tp->ns, te->ns, o->reps), 2);
    row_num(row, "deadline_pct", 100.0 * p.median * BLOCK / DEADLINE_NS, 2);
  }

  double ratio = NAN;
  if (ok) {
    /* Both cases run HOST_FRAMES frames per iteration: per-frame ratio. */
    const Stat r   = stat_ratio(timers[0].ns, timers[2].ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "host", "DAW, block 1 / block 64");
    row_stat(row, "per_frame_1_to_64", r, 2);
    ratio = r.median;
  }
  for (uint32_t c = 0; c < N_CASES; ++c) {
    plugin_host_free(hosts[c]);
    engine_run_free(engines[c]);
  }

  bench_target(
    b, "host block 1 per frame, against block 64 (plugin)", "x", 3.0, ratio);
  table_note(t,
             "The real bundle (urn:aether:fx, its default patch: two "
             "filters, two echoes, a reverb) instantiated with lilv and run "
             "over %u frames of stereo noise in host blocks of the given "
             "size; DAW: URID map, worker, an empty control sequence and a "
             "notify buffer every run; lv2apply: no features, like the "
             "tool. engine: the same patch through aether_engine_process() "
             "in calls of the same size (at most 64). All ten are measured "
             "interleaved. The last row is the target: the plugin's cost per "
             "frame at block 1 over that at block 64, per repetition.",
             HOST_FRAMES);
}

void
plugin_host_uris_free(void)
{
  for (uint32_t i = 0; i < host_n_uris; ++i) {
    free(host_uris[i]);
  }
  host_n_uris = 0;
}
