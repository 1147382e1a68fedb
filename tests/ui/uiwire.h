/* Aether UI tests: a plugin of the bundle (through lilv) wired as a host
   wires a UI to it: atoms written for the control port go into the next
   run's control sequence, every event the plugin writes on notify goes to
   a callback (the UI's side), the worker's jobs are done after each run
   (as a worker thread that always wins). */

#ifndef AETHER_TEST_UIWIRE_H
#define AETHER_TEST_UIWIRE_H

#include "lv2features.h"
#include "lv2ports.h"
#include "lv2urid.h"
#include "lv2worker.h"

#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>

#include <stdint.h>

/** Frames of one run. */
#define UIWIRE_BLOCK 256U

/** What receives the plugin's notify events. */
typedef void (*UiWireNotify)(void* handle, const LV2_Atom* atom);

typedef struct {
  Lv2Urids*            urids;
  Lv2Worker*           worker;
  Lv2Features          features;
  Lv2Ports             ports;
  LilvInstance*        instance;
  LV2_Atom_Forge       control; /**< the control sequence of the next run */
  LV2_Atom_Forge_Frame seq;
  uint8_t*             control_buf;
  uint8_t*             notify_buf;
  float                left[UIWIRE_BLOCK];
  float                right[UIWIRE_BLOCK];
  UiWireNotify         notify;
  void*                notify_handle;
} UiWire;

/** Instantiate and activate plugin `uri`; notify events go to `notify`.
    Aborts the test on failure. */
UiWire*
uiwire_new(const char* uri, UiWireNotify notify, void* notify_handle);

/** Free it (and the lilv world). */
void
uiwire_free(UiWire* w);

/** The host's URID map (shared with the UI). */
LV2_URID_Map*
uiwire_map(UiWire* w);

/** Add `atom` to the control sequence of the next run. */
void
uiwire_send(UiWire* w, const LV2_Atom* atom);

/** Add a MIDI message of three bytes to the next run. */
void
uiwire_send_midi(UiWire* w, uint8_t status, uint8_t key, uint8_t velocity);

/** One run of UIWIRE_BLOCK frames: control in, notify out to the callback,
    the worker's jobs done. Returns the peak of the left output. */
float
uiwire_cycle(UiWire* w);

/** The plugin's saved state (its patch text, malloc'ed). */
char*
uiwire_save(UiWire* w);

/** Restore a saved state (a patch text as uiwire_save() gives it) through
    the plugin's state interface, as a host reopening a session does.
    Aborts the test on failure. */
void
uiwire_restore(UiWire* w, const char* text);

#endif /* AETHER_TEST_UIWIRE_H */
