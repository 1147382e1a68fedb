/* Aether UI tests: the editor's model without a display. Notify messages
   forged as the plugin writes them go in; each action's messages come out
   byte for byte as expected; malformed, cut-short and unknown messages
   change nothing and never crash. */

#include "lv2urid.h"
#include "model.h"

#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define BUF_SIZE 8192U

typedef struct {
  Lv2Urids*      urids;
  LV2_URID_Map*  map;
  AetherUiModel* model;
  LV2_Atom_Forge forge; /**< the model's output, into `out` */
  LV2_Atom_Forge exp;   /**< the expected messages, into `want` */
  uint8_t        out[BUF_SIZE];
  uint8_t        want[BUF_SIZE];
  uint8_t        in[BUF_SIZE]; /**< a notify message being forged */
} Fixture;

static LV2_URID
urid(Fixture* const f, const char* const uri)
{
  return f->map->map(f->map->handle, uri);
}

static int
setup(void** state)
{
  Fixture* const f = (Fixture*)calloc(1, sizeof(Fixture));
  assert_non_null(f);
  f->urids = lv2urid_new(4096);
  f->map   = lv2urid_as_map(f->urids);
  f->model = aether_ui_model_new(f->map);
  assert_non_null(f->model);
  lv2_atom_forge_init(&f->forge, f->map);
  lv2_atom_forge_init(&f->exp, f->map);
  *state = f;
  return 0;
}

static int
teardown(void** state)
{
  Fixture* const f = (Fixture*)*state;
  aether_ui_model_free(f->model);
  lv2urid_free(f->urids);
  free(f);
  return 0;
}

/* Start writing the model's output and the expected messages afresh. */
static void
reset_out(Fixture* const f)
{
  memset(f->out, 0xAA, sizeof(f->out));
  memset(f->want, 0xAA, sizeof(f->want));
  lv2_atom_forge_set_buffer(&f->forge, f->out, sizeof(f->out));
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
}

/* The model wrote exactly what was expected (same bytes, same length). */
static void
assert_out_is_want(Fixture* const f)
{
  assert_true(f->exp.offset > 0U);
  assert_int_equal(f->forge.offset, f->exp.offset);
  assert_memory_equal(f->out, f->want, f->exp.offset);
}

/* Forging notify messages, as src/lv2/messages.c writes them */

static LV2_Atom_Forge*
in_forge(Fixture* const f, LV2_Atom_Forge* const forge)
{
  lv2_atom_forge_init(forge, f->map);
  lv2_atom_forge_set_buffer(forge, f->in, sizeof(f->in));
  return forge;
}

static const LV2_Atom*
notify_set_string(Fixture* const    f,
                  const char* const property,
                  const char* const text)
{
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  in_forge(f, &forge);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, property));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)f->in;
}

static const LV2_Atom*
notify_patch(Fixture* const f, const char* const text)
{
  return notify_set_string(f, "urn:aether:patch", text);
}

static const LV2_Atom*
notify_status(Fixture* const f, const char* const text)
{
  return notify_set_string(f, "urn:aether:status", text);
}

static const LV2_Atom*
notify_voices(Fixture* const f, const int32_t voices)
{
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  in_forge(f, &forge);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, "urn:aether:voices"));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_int(&forge, voices);
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)f->in;
}

/* A parameter set as a host sends it and the plugin echoes it. */
static void
forge_param_set(Fixture* const        f,
                LV2_Atom_Forge* const forge,
                const char* const     node,
                const char* const     param,
                const float           value)
{
  char                 uri[128];
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(forge, urid(f, LV2_PATCH__subject));
  snprintf(uri, sizeof(uri), "urn:aether:node:%s", node);
  lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri));
  lv2_atom_forge_key(forge, urid(f, LV2_PATCH__property));
  snprintf(uri, sizeof(uri), "urn:aether:%s", param);
  lv2_atom_forge_urid(forge, urid(f, uri));
  lv2_atom_forge_key(forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_float(forge, value);
  lv2_atom_forge_pop(forge, &frame);
}

static const LV2_Atom*
notify_ack(Fixture* const    f,
           const char* const node,
           const char* const param,
           const float       value)
{
  LV2_Atom_Forge forge;
  forge_param_set(f, in_forge(f, &forge), node, param, value);
  return (const LV2_Atom*)f->in;
}

static const LV2_Atom*
notify_state_changed(Fixture* const f)
{
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  in_forge(f, &forge);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_STATE__StateChanged));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)f->in;
}

static const char* const synth_text =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "<> a ae:Patch ; ae:voices 4 ;\n"
  "  ae:macro [ ae:index 1 ; ae:node node:filter ; ae:param ae:cutoff ] .\n"
  "node:midi a ae:MidiNote ; ae:poly true ; ae:x 0 ; ae:y 0 .\n"
  "node:osc a ae:Oscillator ; ae:poly true ; ae:wave ae:saw ; ae:amp 0.25 ;\n"
  "  ae:pitch node:midi.pitch ; ae:x 200 ; ae:y 10 .\n"
  "node:env a ae:Adsr ; ae:poly true ; ae:gate node:midi.gate ;\n"
  "  ae:in node:osc .\n"
  "node:filter a ae:Filter ; ae:q 2 ; ae:in node:env.out .\n"
  "node:out a ae:AudioOut ; ae:left node:filter ; ae:right node:filter .\n";

/* The model with synth_text received. */
static void
receive_synth(Fixture* const f)
{
  assert_true(aether_ui_model_receive(f->model, notify_patch(f, synth_text)));
  assert_true(aether_ui_model_has_patch(f->model));
}

static float
param(const Fixture* const f, const char* const node, const char* const name)
{
  const AetherPatchNode* const n =
    aether_patch_find(aether_ui_model_patch(f->model), node);
  assert_non_null(n);
  const int p = aether_node_type_param_index(n->type, name);
  assert_true(p >= 0);
  return n->params[p];
}

/* Notify in */

static void
test_starts_empty_and_asks_for_everything(void** state)
{
  Fixture* const f = (Fixture*)*state;
  assert_false(aether_ui_model_has_patch(f->model));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 0);
  assert_string_equal(aether_ui_model_status(f->model), "");
  assert_int_equal(aether_ui_model_voices(f->model), 1);
  assert_null(aether_ui_model_selected(f->model));

  /* On opening: patch:Get without a property (status, voices, patch). */
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(&f->exp, &frame, 0, urid(f, LV2_PATCH__Get));
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_request_all(f->model, &f->forge),
                   AETHER_SUCCESS);
  assert_out_is_want(f);
}

static void
test_the_plugins_patch_is_shown(void** state)
{
  Fixture* const f   = (Fixture*)*state;
  const uint32_t rev = aether_ui_model_revision(f->model);
  receive_synth(f);
  assert_int_not_equal(aether_ui_model_revision(f->model), rev);

  const AetherPatch* const patch = aether_ui_model_patch(f->model);
  assert_int_equal(aether_patch_n_nodes(patch), 5);
  assert_int_equal(aether_patch_n_macros(patch), 1);
  assert_int_equal(aether_ui_model_voices(f->model), 4);
  const AetherPatchNode* const osc = aether_patch_find(patch, "osc");
  assert_non_null(osc);
  assert_true(osc->poly);
  assert_int_equal(osc->layout_set, AETHER_PATCH_XY);
  assert_true(osc->x == 200.0f && osc->y == 10.0f);
  assert_true(param(f, "osc", "amp") == 0.25f);

  /* A later patch replaces it whole. */
  assert_true(
    aether_ui_model_receive(f->model,
                            notify_patch(f,
                                         "@prefix ae: <urn:aether:> .\n"
                                         "<urn:aether:node:g> a ae:Gain .\n")));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 1);
  assert_int_equal(aether_ui_model_voices(f->model), 1);
}

static void
test_status_and_voices_are_shown(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  uint32_t rev = aether_ui_model_revision(f->model);
  assert_true(aether_ui_model_receive(
    f->model, notify_status(f, "error: node \"x\": no such node")));
  assert_string_equal(aether_ui_model_status(f->model),
                      "error: node \"x\": no such node");
  assert_int_not_equal(aether_ui_model_revision(f->model), rev);

  /* One line, however the text comes. */
  assert_true(
    aether_ui_model_receive(f->model, notify_status(f, "two\nlines\t!")));
  assert_string_equal(aether_ui_model_status(f->model), "two lines !");

  rev = aether_ui_model_revision(f->model);
  assert_true(aether_ui_model_receive(f->model, notify_voices(f, 12)));
  assert_int_equal(aether_ui_model_voices(f->model), 12);
  assert_int_equal(aether_patch_voices(aether_ui_model_patch(f->model)), 12);
  assert_int_not_equal(aether_ui_model_revision(f->model), rev);

  /* Not a voice count: ignored. */
  assert_false(aether_ui_model_receive(f->model, notify_voices(f, 0)));
  assert_false(aether_ui_model_receive(f->model, notify_voices(f, 33)));
  assert_false(aether_ui_model_receive(f->model, notify_voices(f, 12)));
  assert_int_equal(aether_ui_model_voices(f->model), 12);
}

static void
test_parameter_acks_change_the_value(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  const uint32_t rev = aether_ui_model_revision(f->model);
  assert_true(
    aether_ui_model_receive(f->model, notify_ack(f, "filter", "q", 4.5f)));
  assert_true(param(f, "filter", "q") == 4.5f);
  assert_int_not_equal(aether_ui_model_revision(f->model), rev);

  /* The rest of the patch is as it was. */
  const AetherPatch* const patch = aether_ui_model_patch(f->model);
  assert_int_equal(aether_patch_n_nodes(patch), 5);
  assert_int_equal(aether_patch_n_macros(patch), 1);
  assert_string_equal(aether_patch_find(patch, "filter")->inputs[0].source,
                      "env");
  assert_true(aether_patch_find(patch, "osc")->x == 200.0f);

  /* An unknown node or parameter, a value out of range: ignored. */
  assert_false(
    aether_ui_model_receive(f->model, notify_ack(f, "nosuch", "q", 1.0f)));
  assert_false(
    aether_ui_model_receive(f->model, notify_ack(f, "filter", "nosuch", 1)));
  assert_false(
    aether_ui_model_receive(f->model, notify_ack(f, "filter", "q", -1.0f)));
  assert_false(
    aether_ui_model_receive(f->model, notify_ack(f, "filter", "q", NAN)));
  assert_true(param(f, "filter", "q") == 4.5f);
}

static void
test_answers_to_edits_want_the_patch_again(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);

  /* A status that answers no edit of this editor (the one patch:Get sends
     back) does not ask again: no endless loop. */
  assert_true(aether_ui_model_receive(f->model, notify_status(f, "ok")));
  assert_false(aether_ui_model_wants_patch(f->model));

  /* An edit, answered: the patch is asked for again. */
  reset_out(f);
  assert_int_equal(aether_ui_model_delete_node(f->model, &f->forge, "env"),
                   AETHER_SUCCESS);
  assert_false(aether_ui_model_wants_patch(f->model)); /* not yet */
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 5);
  assert_true(aether_ui_model_receive(f->model, notify_status(f, "ok")));
  assert_true(aether_ui_model_wants_patch(f->model));

  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(&f->exp, &frame, 0, urid(f, LV2_PATCH__Get));
  lv2_atom_forge_key(&f->exp, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&f->exp, urid(f, "urn:aether:patch"));
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_request_patch(f->model, &f->forge),
                   AETHER_SUCCESS);
  assert_out_is_want(f);
  assert_false(aether_ui_model_wants_patch(f->model));

  /* A refused edit: the plugin's words are shown, the view stays. */
  reset_out(f);
  assert_int_equal(
    aether_ui_model_connect(f->model, &f->forge, "osc", "fm", "filter", "out"),
    AETHER_SUCCESS);
  assert_true(aether_ui_model_receive(
    f->model,
    notify_status(f,
                  "error: node \"osc\" (Oscillator): ae:fm closes a cycle "
                  "without a delay node")));
  assert_string_equal(aether_ui_model_status(f->model),
                      "error: node \"osc\" (Oscillator): ae:fm closes a cycle "
                      "without a delay node");
  assert_int_equal(
    aether_patch_find(aether_ui_model_patch(f->model), "osc")->inputs_set,
    1U << 0U); /* pitch only */

  /* Another editor's edit, or the host's: state:StateChanged. */
  reset_out(f);
  assert_int_equal(aether_ui_model_request_patch(f->model, &f->forge),
                   AETHER_SUCCESS);
  assert_false(aether_ui_model_wants_patch(f->model));
  aether_ui_model_receive(f->model, notify_state_changed(f));
  assert_true(aether_ui_model_wants_patch(f->model));

  /* The patch that comes answers it. */
  receive_synth(f);
  assert_false(aether_ui_model_wants_patch(f->model));
}

static void
test_an_unreadable_patch_keeps_the_view(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  /* A node type of a newer plugin. */
  assert_true(aether_ui_model_receive(
    f->model,
    notify_patch(f,
                 "@prefix ae: <urn:aether:> .\n"
                 "<urn:aether:node:q> a ae:QuantumFilter .\n")));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 5);
  assert_non_null(strstr(aether_ui_model_status(f->model),
                         "cannot show the plugin's patch: patch:2:"));
  assert_non_null(strstr(aether_ui_model_status(f->model), "QuantumFilter"));
}

static void
test_a_whole_notify_sequence_is_read(void** state)
{
  Fixture* const       f = (Fixture*)*state;
  static uint8_t       seq[BUF_SIZE];
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, f->map);
  lv2_atom_forge_set_buffer(&forge, seq, sizeof(seq));
  lv2_atom_forge_sequence_head(&forge, &frame, 0);

  /* status, voices, the patch, an ack, a MIDI event (not for the UI) */
  const LV2_Atom* atom = notify_status(f, "ok");
  lv2_atom_forge_frame_time(&forge, 0);
  lv2_atom_forge_write(&forge, atom, lv2_atom_total_size(atom));
  atom = notify_voices(f, 6);
  lv2_atom_forge_frame_time(&forge, 0);
  lv2_atom_forge_write(&forge, atom, lv2_atom_total_size(atom));
  atom = notify_patch(f, synth_text);
  lv2_atom_forge_frame_time(&forge, 0);
  lv2_atom_forge_write(&forge, atom, lv2_atom_total_size(atom));
  atom = notify_ack(f, "osc", "amp", 0.125f);
  lv2_atom_forge_frame_time(&forge, 3);
  lv2_atom_forge_write(&forge, atom, lv2_atom_total_size(atom));
  const uint8_t midi[3] = { 0x90, 60, 100 };
  lv2_atom_forge_frame_time(&forge, 5);
  lv2_atom_forge_atom(
    &forge, 3, urid(f, "http://lv2plug.in/ns/ext/midi#MidiEvent"));
  lv2_atom_forge_write(&forge, midi, 3);
  lv2_atom_forge_pop(&forge, &frame);

  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)seq));
  assert_string_equal(aether_ui_model_status(f->model), "ok");
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 5);
  assert_int_equal(aether_ui_model_voices(f->model), 4); /* the patch's */
  assert_true(param(f, "osc", "amp") == 0.125f);

  /* Cut short: a last event claims more than the sequence holds; what lies
     before it is read. */
  LV2_Atom_Sequence* const s    = (LV2_Atom_Sequence*)seq;
  LV2_Atom_Event*          last = NULL;
  LV2_ATOM_SEQUENCE_FOREACH(s, ev)
  {
    last = ev;
  }
  assert_non_null(last);
  last->body.size = 4096U;
  receive_synth(f);
  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)seq));
  assert_true(param(f, "osc", "amp") == 0.125f);
}

/* Every message the plugin sends, broken in every way a size can lie, and
   mutated at random: nothing crashes and nothing that does not parse
   changes the patch. */
static void
test_malformed_messages_are_ignored(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);

  /* Objects whose last property runs past the object. */
  static uint8_t  msg[BUF_SIZE];
  const LV2_Atom* samples[4];
  uint32_t        sizes[4];
  static uint8_t  copies[4][2048];
  samples[0] = notify_status(f, "ok");
  memcpy(copies[0], samples[0], lv2_atom_total_size(samples[0]));
  samples[1] = notify_voices(f, 3);
  memcpy(copies[1], samples[1], lv2_atom_total_size(samples[1]));
  samples[2] = notify_ack(f, "osc", "amp", 0.5f);
  memcpy(copies[2], samples[2], lv2_atom_total_size(samples[2]));
  samples[3] = notify_patch(f, synth_text);
  memcpy(copies[3], samples[3], lv2_atom_total_size(samples[3]));
  for (int i = 0; i < 4; ++i) {
    sizes[i] = lv2_atom_total_size((const LV2_Atom*)copies[i]);
  }

  for (int i = 0; i < 4; ++i) {
    /* The object cut at every length short of its last value (padding is
       less than 8 bytes): its size says so, its properties do not fit. */
    for (uint32_t cut = 0; cut + 8U < sizes[i] - sizeof(LV2_Atom); ++cut) {
      memset(msg, 0, sizeof(msg));
      memcpy(msg, copies[i], sizes[i]);
      ((LV2_Atom*)msg)->size = cut;
      aether_ui_model_receive(f->model, (const LV2_Atom*)msg);
    }
  }
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 5);
  assert_int_equal(aether_ui_model_voices(f->model), 4);
  assert_true(param(f, "osc", "amp") == 0.25f);

  /* Random bytes flipped, deterministically. */
  uint32_t x = 0x9E3779B9U;
  for (int round = 0; round < 20000; ++round) {
    const int i = round % 4;
    memcpy(msg, copies[i], sizes[i]);
    for (int k = 0; k < 1 + round % 4; ++k) {
      x ^= x << 13U;
      x ^= x >> 17U;
      x ^= x << 5U;
      msg[sizeof(LV2_Atom) + x % (sizes[i] - sizeof(LV2_Atom))] ^=
        (uint8_t)(x >> 24U);
    }
    aether_ui_model_receive(f->model, (const LV2_Atom*)msg);
  }

  /* Atoms the editor does not read. */
  const LV2_Atom_Int number = { { sizeof(int32_t), urid(f, LV2_ATOM__Int) },
                                7 };
  assert_false(aether_ui_model_receive(f->model, &number.atom));
  assert_false(aether_ui_model_receive(f->model, NULL));
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  in_forge(f, &forge);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, "urn:example:Future"));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_int(&forge, 1);
  lv2_atom_forge_pop(&forge, &frame);
  assert_false(aether_ui_model_receive(f->model, (const LV2_Atom*)f->in));

  /* A status as a number, a patch as a number. */
  in_forge(f, &forge);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, "urn:aether:patch"));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_int(&forge, 1);
  lv2_atom_forge_pop(&forge, &frame);
  assert_false(aether_ui_model_receive(f->model, (const LV2_Atom*)f->in));

  receive_synth(f); /* still a working model */
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 5);
}

/* Actions out */

static void
expect_subject(Fixture* const f, const char* const node)
{
  char uri[128];
  snprintf(uri, sizeof(uri), "urn:aether:node:%s", node);
  lv2_atom_forge_key(&f->exp, urid(f, LV2_PATCH__subject));
  lv2_atom_forge_uri(&f->exp, uri, (uint32_t)strlen(uri));
}

static void
expect_key(Fixture* const f, const char* const name)
{
  char uri[128];
  snprintf(uri, sizeof(uri), "urn:aether:%s", name);
  lv2_atom_forge_key(&f->exp, urid(f, uri));
}

static void
expect_uri(Fixture* const f, const char* const uri)
{
  lv2_atom_forge_uri(&f->exp, uri, (uint32_t)strlen(uri));
}

/* Begin an expected patch:Set of `property` on `node` (NULL: the plugin). */
static void
expect_set(Fixture* const              f,
           LV2_Atom_Forge_Frame* const frame,
           const char* const           node,
           const char* const           property)
{
  char uri[128];
  snprintf(uri, sizeof(uri), "urn:aether:%s", property);
  lv2_atom_forge_object(&f->exp, frame, 0, urid(f, LV2_PATCH__Set));
  if (node) {
    expect_subject(f, node);
  }
  lv2_atom_forge_key(&f->exp, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&f->exp, urid(f, uri));
  lv2_atom_forge_key(&f->exp, urid(f, LV2_PATCH__value));
}

static void
test_add_node_is_a_put_with_type_and_position(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  LV2_Atom_Forge_Frame body;
  lv2_atom_forge_object(&f->exp, &frame, 0, urid(f, LV2_PATCH__Put));
  expect_subject(f, "lfo2");
  lv2_atom_forge_key(&f->exp, urid(f, LV2_PATCH__body));
  lv2_atom_forge_object(&f->exp, &body, 0, 0);
  lv2_atom_forge_key(
    &f->exp, urid(f, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"));
  expect_uri(f, "urn:aether:Lfo");
  expect_key(f, "x");
  lv2_atom_forge_float(&f->exp, 120.0f);
  expect_key(f, "y");
  lv2_atom_forge_float(&f->exp, -36.5f);
  lv2_atom_forge_pop(&f->exp, &body);
  lv2_atom_forge_pop(&f->exp, &frame);

  assert_int_equal(aether_ui_model_add_node(
                     f->model, &f->forge, "lfo2", "Lfo", 120.0f, -36.5f),
                   AETHER_SUCCESS);
  assert_out_is_want(f);
  /* Shown only when the plugin's patch has it. */
  assert_null(aether_patch_find(aether_ui_model_patch(f->model), "lfo2"));

  /* Refused before anything is written. */
  reset_out(f);
  assert_int_equal(
    aether_ui_model_add_node(f->model, &f->forge, "osc", "Lfo", 0, 0),
    AETHER_ERR_DUPLICATE);
  assert_int_equal(
    aether_ui_model_add_node(f->model, &f->forge, "a b", "Lfo", 0, 0),
    AETHER_ERR_BAD_ARG);
  assert_int_equal(
    aether_ui_model_add_node(f->model, &f->forge, "q", "NoSuchType", 0, 0),
    AETHER_ERR_BAD_ARG);
  assert_int_equal(
    aether_ui_model_add_node(f->model, &f->forge, "q", "Lfo", NAN, 0),
    AETHER_ERR_BAD_VALUE);
  assert_int_equal(
    aether_ui_model_add_node(f->model, &f->forge, "q", "Lfo", 0, 2e6f),
    AETHER_ERR_BAD_VALUE);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_delete_node_is_a_delete(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(&f->exp, &frame, 0, urid(f, LV2_PATCH__Delete));
  expect_subject(f, "env");
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_delete_node(f->model, &f->forge, "env"),
                   AETHER_SUCCESS);
  assert_out_is_want(f);

  reset_out(f);
  assert_int_equal(aether_ui_model_delete_node(f->model, &f->forge, "gone"),
                   AETHER_ERR_NOT_FOUND);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_connect_sets_the_input_to_an_output(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  expect_set(f, &frame, "filter", "cutoff_cv");
  expect_uri(f, "urn:aether:node:osc.out");
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_connect(
                     f->model, &f->forge, "filter", "cutoff_cv", "osc", "out"),
                   AETHER_SUCCESS);
  assert_out_is_want(f);

  /* An output of a node with several: named. */
  reset_out(f);
  expect_set(f, &frame, "env", "gate");
  expect_uri(f, "urn:aether:node:midi.velocity");
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_connect(
                     f->model, &f->forge, "env", "gate", "midi", "velocity"),
                   AETHER_SUCCESS);
  assert_out_is_want(f);

  /* What the patch does not have is not sent. */
  reset_out(f);
  assert_int_equal(
    aether_ui_model_connect(f->model, &f->forge, "env", "nosuch", "osc", "out"),
    AETHER_ERR_NOT_FOUND);
  assert_int_equal(
    aether_ui_model_connect(f->model, &f->forge, "env", "in", "osc", "nosuch"),
    AETHER_ERR_NOT_FOUND);
  assert_int_equal(
    aether_ui_model_connect(f->model, &f->forge, "env", "in", "gone", "out"),
    AETHER_ERR_NOT_FOUND);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_disconnect_sets_the_input_to_nil(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);

  /* patch:Set of the input, value rdf:nil as a URI: nothing else of the
     node is sent (a value changed since the last patch:Get stays). */
  LV2_Atom_Forge_Frame frame;
  expect_set(f, &frame, "osc", "pitch");
  expect_uri(f, "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil");
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(
    aether_ui_model_disconnect(f->model, &f->forge, "osc", "pitch"),
    AETHER_SUCCESS);
  assert_out_is_want(f);

  reset_out(f);
  expect_set(f, &frame, "out", "left");
  expect_uri(f, "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil");
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(
    aether_ui_model_disconnect(f->model, &f->forge, "out", "left"),
    AETHER_SUCCESS);
  assert_out_is_want(f);

  /* The view waits for the plugin. */
  assert_int_equal(
    aether_patch_find(aether_ui_model_patch(f->model), "out")->inputs_set, 3U);

  /* Nothing to disconnect. */
  reset_out(f);
  assert_int_equal(aether_ui_model_disconnect(f->model, &f->forge, "osc", "fm"),
                   AETHER_ERR_NOT_FOUND);
  assert_int_equal(
    aether_ui_model_disconnect(f->model, &f->forge, "osc", "nosuch"),
    AETHER_ERR_NOT_FOUND);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_set_param_is_a_float_set(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  forge_param_set(f, &f->exp, "filter", "cutoff", 880.0f);
  assert_int_equal(
    aether_ui_model_set_param(f->model, &f->forge, "filter", "cutoff", 880.0f),
    AETHER_SUCCESS);
  assert_out_is_want(f);
  assert_true(param(f, "filter", "cutoff") != 880.0f); /* until acked */

  /* Its echo is exactly what was sent: fed back, it sets the value. */
  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)f->out));
  assert_true(param(f, "filter", "cutoff") == 880.0f);

  /* A choice is its index. */
  reset_out(f);
  forge_param_set(f, &f->exp, "osc", "wave", 2.0f);
  assert_int_equal(
    aether_ui_model_set_param(f->model, &f->forge, "osc", "wave", 2.0f),
    AETHER_SUCCESS);
  assert_out_is_want(f);

  reset_out(f);
  assert_int_equal(
    aether_ui_model_set_param(f->model, &f->forge, "osc", "nosuch", 1.0f),
    AETHER_ERR_NOT_FOUND);
  assert_int_equal(
    aether_ui_model_set_param(f->model, &f->forge, "osc", "amp", INFINITY),
    AETHER_ERR_BAD_VALUE);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_move_sets_x_then_y(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  expect_set(f, &frame, "filter", "x");
  lv2_atom_forge_float(&f->exp, 640.0f);
  lv2_atom_forge_pop(&f->exp, &frame);
  expect_set(f, &frame, "filter", "y");
  lv2_atom_forge_float(&f->exp, 48.25f);
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(
    aether_ui_model_move_node(f->model, &f->forge, "filter", 640.0f, 48.25f),
    AETHER_SUCCESS);
  assert_out_is_want(f);

  /* Two atoms, one after the other. */
  const LV2_Atom* const first = (const LV2_Atom*)f->out;
  const LV2_Atom* const second =
    (const LV2_Atom*)(f->out + lv2_atom_pad_size(lv2_atom_total_size(first)));
  assert_int_equal(lv2_atom_pad_size(lv2_atom_total_size(first)) +
                     lv2_atom_pad_size(lv2_atom_total_size(second)),
                   f->forge.offset);
}

static void
test_set_poly_is_a_bool_set(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  expect_set(f, &frame, "filter", "poly");
  lv2_atom_forge_bool(&f->exp, true);
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(
    aether_ui_model_set_poly(f->model, &f->forge, "filter", true),
    AETHER_SUCCESS);
  assert_out_is_want(f);
  assert_false(aether_patch_find(aether_ui_model_patch(f->model), "filter")
                 ->poly); /* until the plugin's patch says so */

  reset_out(f);
  assert_int_equal(aether_ui_model_set_poly(f->model, &f->forge, "gone", true),
                   AETHER_ERR_NOT_FOUND);
  assert_int_equal(f->forge.offset, 0);
}

static void
test_set_voices_and_clear(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  reset_out(f);
  LV2_Atom_Forge_Frame frame;
  expect_set(f, &frame, NULL, "voices");
  lv2_atom_forge_int(&f->exp, 16);
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_set_voices(f->model, &f->forge, 16),
                   AETHER_SUCCESS);
  assert_out_is_want(f);
  reset_out(f);
  assert_int_equal(aether_ui_model_set_voices(f->model, &f->forge, 0),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_ui_model_set_voices(f->model, &f->forge, 33),
                   AETHER_ERR_BAD_VALUE);

  /* Clear: a valid patch without nodes, the voice count kept. */
  static const char* const empty = "@prefix ae: <urn:aether:> .\n"
                                   "\n"
                                   "<> a ae:Patch ;\n"
                                   "\tae:formatVersion 1 ;\n"
                                   "\tae:voices 4 .\n";
  reset_out(f);
  expect_set(f, &frame, NULL, "patch");
  lv2_atom_forge_string(&f->exp, empty, (uint32_t)strlen(empty));
  lv2_atom_forge_pop(&f->exp, &frame);
  assert_int_equal(aether_ui_model_clear(f->model, &f->forge), AETHER_SUCCESS);
  assert_out_is_want(f);

  AetherPatch* patch = NULL;
  AetherError  err;
  assert_int_equal(aether_patch_parse(empty, strlen(empty), "t", &patch, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_n_nodes(patch), 0);
  assert_int_equal(aether_patch_voices(patch), 4);
  aether_patch_free(patch);

  /* One voice: the canonical form leaves ae:voices out. */
  assert_true(aether_ui_model_receive(f->model, notify_voices(f, 1)));
  reset_out(f);
  assert_int_equal(aether_ui_model_clear(f->model, &f->forge), AETHER_SUCCESS);
  const LV2_Atom_Object* const obj   = (const LV2_Atom_Object*)f->out;
  const LV2_Atom*              value = NULL;
  lv2_atom_object_get(obj, urid(f, LV2_PATCH__value), &value, 0);
  assert_non_null(value);
  assert_string_equal((const char*)LV2_ATOM_BODY_CONST(value),
                      "@prefix ae: <urn:aether:> .\n\n<> a ae:Patch ;\n"
                      "\tae:formatVersion 1 .\n");
}

/* Every action into every buffer too small: AETHER_ERR_FULL, no crash, no
   write past the buffer. */
static void
test_small_buffers_are_reported(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  for (int action = 0; action < 11; ++action) {
    /* How much it needs. */
    uint32_t need = 0;
    for (uint32_t size = 0;; ++size) {
      memset(f->out, 0xAA, sizeof(f->out));
      lv2_atom_forge_set_buffer(&f->forge, f->out, size);
      AetherStatus st = AETHER_SUCCESS;
      switch (action) {
        case 0:
          st = aether_ui_model_request_all(f->model, &f->forge);
          break;
        case 1:
          st = aether_ui_model_request_patch(f->model, &f->forge);
          break;
        case 2:
          st = aether_ui_model_add_node(
            f->model, &f->forge, "new", "Reverb", 1, 2);
          break;
        case 3:
          st = aether_ui_model_delete_node(f->model, &f->forge, "osc");
          break;
        case 4:
          st = aether_ui_model_connect(
            f->model, &f->forge, "env", "gate", "midi", "gate");
          break;
        case 5:
          st = aether_ui_model_disconnect(f->model, &f->forge, "osc", "pitch");
          break;
        case 6:
          st =
            aether_ui_model_set_param(f->model, &f->forge, "osc", "amp", 0.5f);
          break;
        case 7:
          st = aether_ui_model_move_node(f->model, &f->forge, "osc", 1, 2);
          break;
        case 8:
          st = aether_ui_model_set_voices(f->model, &f->forge, 3);
          break;
        case 9:
          st = aether_ui_model_set_poly(f->model, &f->forge, "osc", false);
          break;
        default:
          st = aether_ui_model_clear(f->model, &f->forge);
          break;
      }
      for (uint32_t i = size; i < sizeof(f->out); ++i) {
        if (f->out[i] != 0xAA) {
          fail_msg("action %d wrote past a buffer of %u bytes", action, size);
        }
      }
      if (st == AETHER_SUCCESS) {
        need = size;
        break;
      }
      assert_int_equal(st, AETHER_ERR_FULL);
      assert_true(size < BUF_SIZE);
    }
    assert_true(need >= sizeof(LV2_Atom_Object));
  }
}

static void
test_selection_follows_the_patch(void** state)
{
  Fixture* const f = (Fixture*)*state;
  receive_synth(f);
  const uint32_t rev = aether_ui_model_revision(f->model);
  assert_int_equal(aether_ui_model_select(f->model, "env"), AETHER_SUCCESS);
  assert_string_equal(aether_ui_model_selected(f->model), "env");
  assert_int_not_equal(aether_ui_model_revision(f->model), rev);
  assert_int_equal(aether_ui_model_select(f->model, "nosuch"),
                   AETHER_ERR_NOT_FOUND);
  assert_string_equal(aether_ui_model_selected(f->model), "env");

  /* The plugin's patch without it: unselected. */
  assert_true(
    aether_ui_model_receive(f->model,
                            notify_patch(f,
                                         "@prefix ae: <urn:aether:> .\n"
                                         "<urn:aether:node:g> a ae:Gain .\n")));
  assert_null(aether_ui_model_selected(f->model));
  assert_int_equal(aether_ui_model_select(f->model, "g"), AETHER_SUCCESS);
  assert_int_equal(aether_ui_model_select(f->model, NULL), AETHER_SUCCESS);
  assert_null(aether_ui_model_selected(f->model));
}

static void
test_zoom_keeps_the_point_under_the_pointer(void** state)
{
  Fixture* const     f     = (Fixture*)*state;
  const AetherUiView start = { 1.0, 10.0, 20.0 };
  assert_int_equal(aether_ui_model_set_view(f->model, &start), AETHER_SUCCESS);

  /* Patch point (90, 80) is at window (100, 100); after zooming at that
     window point it still is. */
  assert_int_equal(aether_ui_model_zoom_at(f->model, 2.0, 100.0, 100.0),
                   AETHER_SUCCESS);
  const AetherUiView* const v = aether_ui_model_view(f->model);
  assert_true(v->zoom == 2.0);
  assert_true(90.0 * v->zoom + v->pan_x == 100.0);
  assert_true(80.0 * v->zoom + v->pan_y == 100.0);

  /* Clamped, and refused when not finite. */
  assert_int_equal(aether_ui_model_zoom_at(f->model, 1000.0, 0.0, 0.0),
                   AETHER_SUCCESS);
  assert_true(aether_ui_model_view(f->model)->zoom == AETHER_UI_MAX_ZOOM);
  assert_int_equal(aether_ui_model_zoom_at(f->model, 1e-9, 0.0, 0.0),
                   AETHER_SUCCESS);
  assert_true(aether_ui_model_view(f->model)->zoom == AETHER_UI_MIN_ZOOM);
  const AetherUiView bad = { NAN, 0.0, 0.0 };
  assert_int_equal(aether_ui_model_set_view(f->model, &bad),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_ui_model_zoom_at(f->model, 0.0, 0.0, 0.0),
                   AETHER_ERR_BAD_VALUE);
  assert_true(aether_ui_model_view(f->model)->zoom == AETHER_UI_MIN_ZOOM);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
      test_starts_empty_and_asks_for_everything, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_the_plugins_patch_is_shown, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_status_and_voices_are_shown, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_parameter_acks_change_the_value, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_answers_to_edits_want_the_patch_again, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_an_unreadable_patch_keeps_the_view, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_a_whole_notify_sequence_is_read, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_malformed_messages_are_ignored, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_add_node_is_a_put_with_type_and_position, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_delete_node_is_a_delete, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_connect_sets_the_input_to_an_output, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_disconnect_sets_the_input_to_nil, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_set_param_is_a_float_set, setup, teardown),
    cmocka_unit_test_setup_teardown(test_move_sets_x_then_y, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_set_poly_is_a_bool_set, setup, teardown),
    cmocka_unit_test_setup_teardown(test_set_voices_and_clear, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_small_buffers_are_reported, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_selection_follows_the_patch, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_zoom_keeps_the_point_under_the_pointer, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
