/* Aether UI tests: the editor's model wired to the real plugin (the bundle,
   through lilv): what the model writes goes into the control port, what
   the plugin writes on notify goes into the model. Starting from an empty
   patch, a voice is built with the model's actions only; it plays, the
   model shows exactly the plugin's patch, positions included (and so does
   the saved state after a move), and what the model disconnects goes
   silent. */

#include "model.h"
#include "uiwire.h"

#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define CAPACITY 65536U

typedef struct {
  UiWire*        wire;
  AetherUiModel* model;
  LV2_Atom_Forge ui; /**< the model writes its messages here */
  uint8_t*       msg;
} Wire;

/* Notify, into the model (as a host's port_event would). */
static void
to_model(void* const handle, const LV2_Atom* const atom)
{
  aether_ui_model_receive(((Wire*)handle)->model, atom);
}

static LV2_URID_Map*
map(Wire* const w)
{
  return uiwire_map(w->wire);
}

static Wire*
wire_new(const char* const uri)
{
  Wire* const w = (Wire*)calloc(1, sizeof(Wire));
  assert_non_null(w);
  w->wire = uiwire_new(uri, to_model, w);
  w->msg  = (uint8_t*)aligned_alloc(64, CAPACITY);
  assert_non_null(w->msg);
  w->model = aether_ui_model_new(map(w));
  assert_non_null(w->model);
  lv2_atom_forge_init(&w->ui, map(w));
  return w;
}

static void
wire_free(Wire* const w)
{
  uiwire_free(w->wire);
  aether_ui_model_free(w->model);
  free(w->msg);
  free(w);
}

/* The model's messages start here. */
static LV2_Atom_Forge*
ui(Wire* const w)
{
  lv2_atom_forge_set_buffer(&w->ui, w->msg, CAPACITY);
  return &w->ui;
}

/* Send what the model wrote (one message or several one after another)
   to the control port, as a host's UI write_function does. */
static void
send(Wire* const w, const AetherStatus st)
{
  assert_int_equal(st, AETHER_SUCCESS);
  uint32_t at = 0;
  while (at < w->ui.offset) {
    const LV2_Atom* const atom = (const LV2_Atom*)(w->msg + at);
    uiwire_send(w->wire, atom);
    at += lv2_atom_pad_size(lv2_atom_total_size(atom));
  }
}

static void
send_midi(Wire* const w, const uint8_t status, const uint8_t key)
{
  uiwire_send_midi(w->wire, status, key, 100);
}

static float
cycle(Wire* const w)
{
  return uiwire_cycle(w->wire);
}

/* Run until the plugin has answered everything and the model has the
   patch it answered with (asking for it as an editor's idle() does). */
static void
settle(Wire* const w)
{
  for (int i = 0; i < 16; ++i) {
    if (aether_ui_model_wants_patch(w->model)) {
      send(w, aether_ui_model_request_patch(w->model, ui(w)));
    }
    cycle(w);
  }
  assert_false(aether_ui_model_wants_patch(w->model));
}

/* The model shows exactly the plugin's patch: the same description as the
   plugin's answer to a host's patch:Get, read independently. */
static void
assert_model_is_plugin(Wire* const w)
{
  /* The plugin's own text, through a second model as a second editor. */
  AetherUiModel* const other = aether_ui_model_new(map(w));
  AetherUiModel* const mine  = w->model;
  w->model                   = other;
  send(w, aether_ui_model_request_all(other, ui(w)));
  settle(w);
  w->model = mine;
  assert_true(aether_ui_model_has_patch(other));
  assert_true(aether_patch_equal(aether_ui_model_patch(mine),
                                 aether_ui_model_patch(other)));
  aether_ui_model_free(other);
}

/* The patch of the plugin's saved state (as a host saves a session). */
static AetherPatch*
saved_patch(Wire* const w)
{
  char* const  text  = uiwire_save(w->wire);
  AetherPatch* patch = NULL;
  AetherError  err;
  assert_int_equal(
    aether_patch_parse(text, strlen(text), "state", &patch, &err),
    AETHER_SUCCESS);
  free(text);
  return patch;
}

static float
play(Wire* const w, const uint32_t blocks)
{
  float peak = 0.0f;
  for (uint32_t b = 0; b < blocks; ++b) {
    const float p = cycle(w);
    peak          = p > peak ? p : peak;
  }
  return peak;
}

static void
test_build_a_voice_from_nothing(void** state)
{
  (void)state;
  Wire* const w = wire_new("urn:aether:synth");

  /* Opening: the plugin's default patch. */
  send(w, aether_ui_model_request_all(w->model, ui(w)));
  settle(w);
  assert_true(aether_ui_model_has_patch(w->model));
  assert_true(aether_patch_n_nodes(aether_ui_model_patch(w->model)) > 0U);
  assert_model_is_plugin(w);

  /* Start from nothing. */
  send(w, aether_ui_model_clear(w->model, ui(w)));
  settle(w);
  assert_string_equal(aether_ui_model_status(w->model), "ok");
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(w->model)), 0);

  /* A voice: MIDI note, oscillator, envelope, output. */
  send(w, aether_ui_model_add_node(w->model, ui(w), "midi", "MidiNote", 0, 0));
  send(w,
       aether_ui_model_add_node(w->model, ui(w), "osc", "Oscillator", 200, 0));
  send(w, aether_ui_model_add_node(w->model, ui(w), "env", "Adsr", 400, 0));
  send(w, aether_ui_model_add_node(w->model, ui(w), "out", "AudioOut", 600, 0));
  settle(w);
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(w->model)), 4);
  const AetherPatchNode* const osc =
    aether_patch_find(aether_ui_model_patch(w->model), "osc");
  assert_non_null(osc);
  assert_int_equal(osc->layout_set, AETHER_PATCH_XY);
  assert_true(osc->x == 200.0f && osc->y == 0.0f);

  send(w, aether_ui_model_set_poly(w->model, ui(w), "midi", true));
  send(w, aether_ui_model_set_poly(w->model, ui(w), "osc", true));
  send(w, aether_ui_model_set_poly(w->model, ui(w), "env", true));
  settle(w);
  send(
    w,
    aether_ui_model_connect(w->model, ui(w), "osc", "pitch", "midi", "pitch"));
  send(w,
       aether_ui_model_connect(w->model, ui(w), "env", "gate", "midi", "gate"));
  send(w, aether_ui_model_connect(w->model, ui(w), "env", "in", "osc", "out"));
  settle(w);
  assert_string_equal(aether_ui_model_status(w->model), "ok");
  assert_true(aether_patch_find(aether_ui_model_patch(w->model), "env")->poly);
  assert_model_is_plugin(w);

  /* Not connected to the output yet: silence. */
  send_midi(w, 0x90, 57);
  assert_true(play(w, 40) == 0.0f);

  send(w,
       aether_ui_model_connect(w->model, ui(w), "out", "left", "env", "out"));
  settle(w);
  assert_true(play(w, 40) > 0.05f);

  /* A parameter, acknowledged: the model has it at once. */
  send(w, aether_ui_model_set_param(w->model, ui(w), "osc", "amp", 0.125f));
  cycle(w);
  const AetherPatchNode* const osc2 =
    aether_patch_find(aether_ui_model_patch(w->model), "osc");
  assert_true(osc2->params[aether_node_type_param_index(osc2->type, "amp")] ==
              0.125f);
  settle(w);
  assert_model_is_plugin(w);

  /* A refused edit: the plugin's words, the view as it was. */
  send(w, aether_ui_model_connect(w->model, ui(w), "osc", "fm", "env", "out"));
  settle(w);
  assert_non_null(strstr(aether_ui_model_status(w->model), "error: "));
  assert_non_null(strstr(aether_ui_model_status(w->model), "cycle"));
  assert_false(
    aether_patch_find(aether_ui_model_patch(w->model), "osc")->inputs_set & 2U);

  /* Move: the model shows it once the plugin has it, and a saved session
     holds it (the other nodes' positions too). */
  send(w, aether_ui_model_move_node(w->model, ui(w), "env", 410.5f, 120.0f));
  settle(w);
  assert_string_equal(aether_ui_model_status(w->model), "ok");
  const AetherPatchNode* const env =
    aether_patch_find(aether_ui_model_patch(w->model), "env");
  assert_true(env->x == 410.5f && env->y == 120.0f);
  AetherPatch* const saved = saved_patch(w);
  assert_true(aether_patch_equal(saved, aether_ui_model_patch(w->model)));
  assert_true(aether_patch_find(saved, "env")->x == 410.5f);
  assert_true(aether_patch_find(saved, "env")->y == 120.0f);
  assert_true(aether_patch_find(saved, "osc")->x == 200.0f);
  aether_patch_free(saved);
  assert_true(play(w, 8) > 0.05f); /* a move changes nothing in the sound */

  /* Disconnect (patch:Set of the input to rdf:nil): silence again, the
     rest and the positions kept. */
  send(w, aether_ui_model_disconnect(w->model, ui(w), "out", "left"));
  settle(w);
  assert_string_equal(aether_ui_model_status(w->model), "ok");
  assert_int_equal(
    aether_patch_find(aether_ui_model_patch(w->model), "out")->inputs_set, 0U);
  play(w, 4); /* the declick's fade */
  assert_true(play(w, 8) == 0.0f);
  assert_true(aether_patch_find(aether_ui_model_patch(w->model), "out")->x ==
              600.0f);
  const AetherPatchNode* const osc3 =
    aether_patch_find(aether_ui_model_patch(w->model), "osc");
  assert_true(osc3->params[aether_node_type_param_index(osc3->type, "amp")] ==
              0.125f);
  assert_model_is_plugin(w);

  /* Delete: gone, with its connections. */
  send(w, aether_ui_model_delete_node(w->model, ui(w), "osc"));
  settle(w);
  assert_null(aether_patch_find(aether_ui_model_patch(w->model), "osc"));
  assert_int_equal(
    aether_patch_find(aether_ui_model_patch(w->model), "env")->inputs_set,
    1U); /* the gate only */

  /* The voice count. */
  send(w, aether_ui_model_set_voices(w->model, ui(w), 5));
  settle(w);
  assert_int_equal(aether_ui_model_voices(w->model), 5);
  assert_model_is_plugin(w);

  wire_free(w);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_build_a_voice_from_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
