/* Aether fuzzing: a minimal in-process LV2 host (see fuzz_host.h). What
   test hosts share is in tests/common/lv2*.h. */

#include "fuzz_host.h"

#include "lv2copy.h"
#include "lv2features.h"
#include "lv2seq.h"
#include "lv2state.h"
#include "lv2urid.h"
#include "lv2worker.h"

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

struct FuzzHost {
  const LV2_Descriptor*      desc;
  LV2_Handle                 handle;
  const LV2_State_Interface* state;
  bool                       synth;
  Lv2Worker*                 worker;
  Lv2Features                features;

  float              in[2][FUZZ_MAX_FRAMES];
  float              out[2][FUZZ_MAX_FRAMES];
  float              controls[9];
  LV2_Atom_Sequence* notify;
};

/* The URID table of the process. */
static Lv2Urids*
urids(void)
{
  static Lv2Urids* table;
  if (!table && !(table = lv2urid_new(MAX_URIS))) {
    abort();
  }
  return table;
}

LV2_URID
fuzz_map(const char* const uri)
{
  return lv2urid_map(urids(), uri);
}

LV2_URID_Map*
fuzz_urid_map(void)
{
  return lv2urid_as_map(urids());
}

FuzzHost*
fuzz_host_new(const bool synth, const bool sync_worker)
{
  FuzzHost* const host = (FuzzHost*)calloc(1, sizeof(FuzzHost));
  if (!host) {
    abort();
  }
  const Lv2WorkerOptions worker = { MAX_JOBS, 0U, sync_worker };
  host->synth                   = synth;
  host->desc                    = lv2_descriptor(synth ? 1U : 0U);
  host->worker                  = lv2worker_new(&worker);
  if (!host->worker) {
    abort();
  }
  lv2features_init(&host->features,
                   lv2urid_as_map(urids()),
                   lv2urid_as_unmap(urids()),
                   lv2worker_schedule(host->worker));

  host->handle = host->desc->instantiate(
    host->desc, 48000.0, "/nonexistent/", host->features.list);
  if (!host->handle) {
    abort();
  }
  const LV2_Worker_Interface* const iface =
    (const LV2_Worker_Interface*)host->desc->extension_data(
      LV2_WORKER__interface);
  host->state = (const LV2_State_Interface*)host->desc->extension_data(
    LV2_STATE__interface);
  host->notify = (LV2_Atom_Sequence*)malloc(NOTIFY_BYTES);
  if (!iface || !host->state || !host->notify) {
    abort();
  }
  lv2worker_attach(host->worker, iface, host->handle);

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
  lv2worker_run_jobs(host->worker);
  lv2worker_deliver(host->worker);
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
  lv2worker_run_jobs(host->worker);
  host->desc->deactivate(host->handle);
  host->desc->cleanup(host->handle);
  lv2worker_free(host->worker);
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
  Lv2SeqWalk walk;
  if (!lv2seq_begin(&walk, seq, NOTIFY_BYTES)) {
    fprintf(stderr, "fuzz: malformed notify sequence\n");
    abort();
  }
  while (lv2seq_next(&walk)) {
  }
  if (walk.bad) {
    fprintf(stderr, "fuzz: malformed notify event\n");
    abort();
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
  void* const    seq =
    lv2copy_exact(control ? (const void*)control : &empty, bytes);
  if (!control) {
    ((LV2_Atom_Sequence*)seq)->atom.type = fuzz_map(LV2_ATOM__Sequence);
  }
  lv2seq_announce(host->notify, NOTIFY_BYTES);
  host->desc->connect_port(host->handle, 0, seq);
  host->desc->connect_port(host->handle, 1, host->notify);

  const uint32_t frames = n > FUZZ_MAX_FRAMES ? FUZZ_MAX_FRAMES : n;
  lv2worker_deliver(host->worker);
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
  lv2worker_run_jobs(host->worker);
}

LV2_State_Status
fuzz_host_restore(FuzzHost* const   host,
                  const void* const value,
                  const size_t      size,
                  const LV2_URID    type)
{
  void* const            copy = lv2copy_exact(value, size);
  const LV2_State_Status st =
    lv2state_restore_value(host->state,
                           host->handle,
                           fuzz_map("urn:aether:patch"),
                           copy,
                           size,
                           type,
                           host->features.list);
  free(copy);
  return st;
}

char*
fuzz_host_save(FuzzHost* const host)
{
  return lv2state_save_text(host->state,
                            host->handle,
                            fuzz_map("urn:aether:patch"),
                            LV2_STATE_IS_POD,
                            host->features.list,
                            NULL);
}
