/* Aether UI tests: a plugin wired as a host wires a UI to it (see
   uiwire.h). */

#include "uiwire.h"

#include "lv2seq.h"
#include "lv2state.h"
#include "lv2world.h"

#include <lv2/atom/util.h>
#include <lv2/midi/midi.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 48000.0
#define CAPACITY 65536U

static void
die(const char* const what)
{
  fprintf(stderr, "uiwire: %s\n", what);
  abort();
}

static void
open_control(UiWire* const w)
{
  lv2_atom_forge_set_buffer(&w->control, w->control_buf, CAPACITY);
  lv2_atom_forge_sequence_head(&w->control, &w->seq, 0);
}

UiWire*
uiwire_new(const char* const  uri,
           const UiWireNotify notify,
           void* const        notify_handle)
{
  const LilvPlugin* const plugin = lv2world_plugin(uri);
  UiWire* const           w      = (UiWire*)calloc(1, sizeof(UiWire));
  if (!plugin || !w) {
    die("no plugin");
  }
  const Lv2WorkerOptions options = { 256U, 0U, false };
  w->notify                      = notify;
  w->notify_handle               = notify_handle;
  w->urids                       = lv2urid_new(4096);
  w->worker                      = lv2worker_new(&options);
  lv2features_init(&w->features,
                   lv2urid_as_map(w->urids),
                   lv2urid_as_unmap(w->urids),
                   lv2worker_schedule(w->worker));
  w->instance = lilv_plugin_instantiate(plugin, RATE, w->features.list);
  if (!w->instance) {
    die("cannot instantiate");
  }
  lv2worker_attach(
    w->worker,
    (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
      w->instance, LV2_WORKER__interface),
    lilv_instance_get_handle(w->instance));

  w->control_buf = (uint8_t*)aligned_alloc(64, CAPACITY);
  w->notify_buf  = (uint8_t*)aligned_alloc(64, CAPACITY);
  if (!w->control_buf || !w->notify_buf) {
    die("out of memory");
  }
  lv2ports_find(&w->ports, lv2world_get(), plugin);
  lv2ports_connect_others(
    &w->ports, w->instance, w->control_buf, w->notify_buf);
  lv2_atom_forge_init(&w->control, lv2urid_as_map(w->urids));
  open_control(w);
  lilv_instance_activate(w->instance);
  return w;
}

void
uiwire_free(UiWire* const w)
{
  lilv_instance_deactivate(w->instance);
  lilv_instance_free(w->instance);
  lv2worker_free(w->worker);
  lv2ports_free(&w->ports);
  lv2urid_free(w->urids);
  free(w->control_buf);
  free(w->notify_buf);
  free(w);
  lv2world_free();
}

LV2_URID_Map*
uiwire_map(UiWire* const w)
{
  return lv2urid_as_map(w->urids);
}

void
uiwire_send(UiWire* const w, const LV2_Atom* const atom)
{
  lv2_atom_forge_frame_time(&w->control, 0);
  if (!lv2_atom_forge_write(&w->control, atom, lv2_atom_total_size(atom))) {
    die("control sequence full");
  }
}

void
uiwire_send_midi(UiWire* const w,
                 const uint8_t status,
                 const uint8_t key,
                 const uint8_t velocity)
{
  LV2_URID_Map* const map    = uiwire_map(w);
  const uint8_t       msg[3] = { status, key, velocity };
  lv2_atom_forge_frame_time(&w->control, 0);
  lv2_atom_forge_atom(
    &w->control, 3, map->map(map->handle, LV2_MIDI__MidiEvent));
  lv2_atom_forge_write(&w->control, msg, 3);
}

float
uiwire_cycle(UiWire* const w)
{
  static float       silence[UIWIRE_BLOCK];
  const float* const in[2]      = { silence, silence };
  float* const       out[2]     = { w->left, w->right };
  float* const       scratch[2] = { w->left, w->right };
  lv2_atom_forge_pop(&w->control, &w->seq);
  lv2ports_connect_audio(&w->ports, w->instance, in, out, 0, silence, scratch);
  lv2seq_announce(w->notify_buf, CAPACITY);
  lv2worker_deliver(w->worker);
  lilv_instance_run(w->instance, UIWIRE_BLOCK);

  /* The next run's control sequence: what the UI writes while it reads
     notify goes there. */
  open_control(w);
  Lv2SeqWalk walk;
  if (!lv2seq_begin(&walk, (const LV2_Atom_Sequence*)w->notify_buf, CAPACITY)) {
    die("bad notify sequence");
  }
  for (const LV2_Atom_Event* ev = lv2seq_next(&walk); ev;
       ev                       = lv2seq_next(&walk)) {
    w->notify(w->notify_handle, &ev->body);
  }
  if (walk.bad) {
    die("bad notify event");
  }
  lv2worker_run_jobs(w->worker);

  float peak = 0.0f;
  for (uint32_t i = 0; i < UIWIRE_BLOCK; ++i) {
    peak = fabsf(w->left[i]) > peak ? fabsf(w->left[i]) : peak;
  }
  return peak;
}

char*
uiwire_save(UiWire* const w)
{
  LV2_URID_Map* const              map = uiwire_map(w);
  const LV2_State_Interface* const iface =
    (const LV2_State_Interface*)lilv_instance_get_extension_data(
      w->instance, LV2_STATE__interface);
  LV2_State_Status st = LV2_STATE_SUCCESS;
  char* const      text =
    iface ? lv2state_save_text(iface,
                               lilv_instance_get_handle(w->instance),
                               map->map(map->handle, "urn:aether:patch"),
                               LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE,
                               w->features.list,
                               &st)
               : NULL;
  if (!text || st) {
    die("cannot save the state");
  }
  return text;
}

void
uiwire_restore(UiWire* const w, const char* const text)
{
  LV2_URID_Map* const              map = uiwire_map(w);
  const LV2_State_Interface* const iface =
    (const LV2_State_Interface*)lilv_instance_get_extension_data(
      w->instance, LV2_STATE__interface);
  if (lv2state_restore_value(iface,
                             lilv_instance_get_handle(w->instance),
                             map->map(map->handle, "urn:aether:patch"),
                             text,
                             strlen(text) + 1U,
                             map->map(map->handle, LV2_ATOM__String),
                             w->features.list)) {
    die("cannot restore the state");
  }
}
