/* Aether UI tests: the editor's interaction without a display. Pointer and
   key events, aimed where the editor says things are, produce exactly the
   messages the model writes for the same edit (test_ui_model checks those
   byte for byte); events that edit nothing send nothing; any sequence of
   events, before or after the plugin's patch, is safe. */

#include "editor.h"
#include "editor_impl.h"
#include "lv2urid.h"
#include "registry.h"

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

#define BUF_SIZE 16384U
#define W 1000
#define H 600

typedef struct {
  Lv2Urids*       urids;
  LV2_URID_Map*   map;
  AetherUiEditor* editor;
  AetherUiModel*  ref; /**< a model with the same patch: the expected */
  LV2_Atom_Forge  exp;
  uint8_t         out[BUF_SIZE]; /**< what the editor wrote */
  uint32_t        n_out;
  uint32_t        n_atoms;
  uint8_t         want[BUF_SIZE];
  uint8_t         in[BUF_SIZE];
  uint32_t        time; /**< of the next press, in milliseconds */
} Fixture;

static const char* const patch_text =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "<> a ae:Patch ; ae:voices 4 .\n"
  "node:midi a ae:MidiNote ; ae:poly true ; ae:x 0 ; ae:y 0 .\n"
  "node:osc a ae:Oscillator ; ae:poly true ; ae:pitch node:midi.pitch ;\n"
  "  ae:x 250 ; ae:y 0 .\n"
  "node:filter a ae:Filter ; ae:in node:osc ; ae:x 500 ; ae:y 0 .\n"
  "node:out a ae:AudioOut ; ae:x 750 ; ae:y 0 .\n";

/* The editor's write function: every atom appended to `out`. */
static void
capture(void* const handle, const LV2_Atom* const atom)
{
  Fixture* const f    = (Fixture*)handle;
  const uint32_t size = lv2_atom_total_size(atom);
  assert_true(f->n_out + lv2_atom_pad_size(size) <= BUF_SIZE);
  memcpy(f->out + f->n_out, atom, size);
  memset(f->out + f->n_out + size, 0, lv2_atom_pad_size(size) - size);
  f->n_out += lv2_atom_pad_size(size);
  ++f->n_atoms;
}

static LV2_URID
urid(Fixture* const f, const char* const uri)
{
  return f->map->map(f->map->handle, uri);
}

/* A notify message patch:Set of ae:patch (as the plugin sends it). */
static const LV2_Atom*
notify_patch(Fixture* const f, const char* const text)
{
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, f->map);
  lv2_atom_forge_set_buffer(&forge, f->in, sizeof(f->in));
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, "urn:aether:patch"));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)f->in;
}

static const LV2_Atom*
notify_status(Fixture* const f, const char* const text)
{
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, f->map);
  lv2_atom_forge_set_buffer(&forge, f->in, sizeof(f->in));
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, "urn:aether:status"));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)f->in;
}

static void
clear_out(Fixture* const f)
{
  f->n_out   = 0U;
  f->n_atoms = 0U;
  memset(f->want, 0, sizeof(f->want));
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
}

static Fixture*
fixture_new(const bool synth)
{
  Fixture* const f = (Fixture*)calloc(1, sizeof(Fixture));
  assert_non_null(f);
  f->urids  = lv2urid_new(4096);
  f->map    = lv2urid_as_map(f->urids);
  f->editor = aether_ui_editor_new(f->map, synth, W, H, capture, f);
  f->ref    = aether_ui_model_new(f->map);
  f->time   = 1000U;
  assert_non_null(f->editor);
  assert_non_null(f->ref);
  lv2_atom_forge_init(&f->exp, f->map);
  clear_out(f);
  return f;
}

static int
setup(void** state)
{
  Fixture* const f = fixture_new(true);
  aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
  aether_ui_model_receive(f->ref, notify_patch(f, patch_text));
  assert_true(aether_ui_model_has_patch(aether_ui_editor_model(f->editor)));
  clear_out(f);
  *state = f;
  return 0;
}

static int
teardown(void** state)
{
  Fixture* const f = (Fixture*)*state;
  aether_ui_editor_free(f->editor);
  aether_ui_model_free(f->ref);
  lv2urid_free(f->urids);
  free(f);
  return 0;
}

/* The editor wrote exactly what the reference wrote into `exp`. */
static void
assert_sent_want(Fixture* const f)
{
  assert_true(f->exp.offset > 0U);
  assert_int_equal(f->n_out, f->exp.offset);
  assert_memory_equal(f->out, f->want, f->exp.offset);
}

static void
assert_sent_nothing(Fixture* const f)
{
  assert_int_equal(f->n_out, 0U);
}

static void
locate(Fixture* const    f,
       const char* const what,
       double* const     x,
       double* const     y)
{
  if (!aether_ui_editor_locate(f->editor, what, x, y)) {
    fail_msg("the editor does not show %s", what);
  }
}

/* A click: press and release at one place. */
static void
click_at(Fixture* const       f,
         const double         x,
         const double         y,
         const AetherUiButton button,
         const uint32_t       mods)
{
  f->time += 1000U;
  aether_ui_editor_press(f->editor, x, y, button, mods, f->time);
  aether_ui_editor_release(f->editor, x, y, button, mods);
}

static void
click(Fixture* const f, const char* const what)
{
  double x = 0.0;
  double y = 0.0;
  locate(f, what, &x, &y);
  click_at(f, x, y, AETHER_UI_BUTTON_LEFT, 0U);
}

/* A drag from (x0, y0) to (x1, y1) in a few steps. */
static void
drag(Fixture* const f,
     const double   x0,
     const double   y0,
     const double   x1,
     const double   y1,
     const uint32_t mods)
{
  f->time += 1000U;
  aether_ui_editor_press(
    f->editor, x0, y0, AETHER_UI_BUTTON_LEFT, mods, f->time);
  for (int i = 1; i <= 4; ++i) {
    aether_ui_editor_motion(
      f->editor, x0 + (x1 - x0) * i / 4.0, y0 + (y1 - y0) * i / 4.0, mods);
  }
  aether_ui_editor_release(f->editor, x1, y1, AETHER_UI_BUTTON_LEFT, mods);
}

static void
key(Fixture* const f, const AetherUiKey k, const char* const text)
{
  aether_ui_editor_key(f->editor, k, text, 0U);
}

static const AetherUiModel*
model(Fixture* const f)
{
  return aether_ui_editor_model(f->editor);
}

/* A window y on empty space: 40 pixels below the lowest box. */
static double
below(Fixture* const f)
{
  const AetherUiLayout* const layout = aether_ui_model_layout(model(f));
  const AetherUiView* const   view   = aether_ui_model_view(model(f));
  double                      y      = 0.0;
  for (uint32_t v = 0; v < layout->n_nodes; ++v) {
    const AetherUiBox* const b = &layout->boxes[v];
    y = fmax(y, (b->y + b->h + AETHER_UI_BADGE_H) * view->zoom + view->pan_y);
  }
  assert_true(y + 90.0 < H - AETHER_UI_STATUS_H);
  return y + 40.0;
}

static void
test_opening_asks_for_everything(void** state)
{
  (void)state;
  Fixture* const f = fixture_new(false);
  aether_ui_editor_open(f->editor);
  assert_int_equal(aether_ui_model_request_all(f->ref, &f->exp),
                   AETHER_SUCCESS);
  assert_sent_want(f);

  /* Events before the plugin's patch edit nothing. */
  clear_out(f);
  click_at(f, 500.0, 300.0, AETHER_UI_BUTTON_LEFT, 0U);
  drag(f, 100.0, 100.0, 300.0, 200.0, 0U);
  key(f, AETHER_UI_KEY_DELETE, NULL);
  aether_ui_editor_idle(f->editor);
  assert_sent_nothing(f);

  /* The first patch is fitted into the view under the toolbar. */
  aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
  double x = 0.0;
  double y = 0.0;
  locate(f, "node:midi", &x, &y);
  assert_true(x > 0.0 && y > AETHER_UI_TOOLBAR_H);
  locate(f, "node:out", &x, &y);
  assert_true(x < W && y < H - AETHER_UI_STATUS_H);
  assert_sent_nothing(f);
  teardown((void**)&f);
}

static void
test_an_answer_asks_for_the_patch(void** state)
{
  Fixture* const f = (Fixture*)*state;
  drag(f, 0, 0, 0, 0, 0U); /* nothing */
  assert_sent_nothing(f);

  /* An edit answered "ok": the patch is asked for, once. */
  click(f, "node:filter");
  key(f, AETHER_UI_KEY_DELETE, NULL);
  clear_out(f);
  aether_ui_editor_receive(f->editor, notify_status(f, "ok"));
  assert_int_equal(aether_ui_model_request_patch(f->ref, &f->exp),
                   AETHER_SUCCESS);
  assert_sent_want(f);
  clear_out(f);
  aether_ui_editor_idle(f->editor);
  assert_sent_nothing(f);
}

static void
test_dragging_an_output_to_an_input_connects(void** state)
{
  Fixture* const f  = (Fixture*)*state;
  double         x0 = 0.0;
  double         y0 = 0.0;
  double         x1 = 0.0;
  double         y1 = 0.0;
  locate(f, "output:filter.out", &x0, &y0);
  locate(f, "input:out.left", &x1, &y1);
  drag(f, x0, y0, x1 + 2.0, y1 - 3.0, 0U); /* near enough */
  assert_int_equal(
    aether_ui_model_connect(f->ref, &f->exp, "out", "left", "filter", "out"),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* From an input back to an output: the same connection. */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  locate(f, "input:out.right", &x0, &y0);
  locate(f, "output:filter.out", &x1, &y1);
  drag(f, x0, y0, x1, y1, 0U);
  assert_int_equal(
    aether_ui_model_connect(f->ref, &f->exp, "out", "right", "filter", "out"),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* Output to output, a node to itself, or into nothing: nothing. */
  clear_out(f);
  locate(f, "output:osc.out", &x0, &y0);
  locate(f, "output:filter.out", &x1, &y1);
  drag(f, x0, y0, x1, y1, 0U);
  locate(f, "input:filter.in", &x0, &y0);
  drag(f, x1, y1, x0, y0, 0U);
  drag(f, x1, y1, x1 + 60.0, y1 + 200.0, 0U);
  assert_sent_nothing(f);

  /* Escape during a drag drops it. */
  locate(f, "input:out.left", &x0, &y0);
  aether_ui_editor_press(
    f->editor, x1, y1, AETHER_UI_BUTTON_LEFT, 0U, f->time += 1000U);
  aether_ui_editor_motion(f->editor, x0, y0, 0U);
  key(f, AETHER_UI_KEY_ESCAPE, NULL);
  aether_ui_editor_release(f->editor, x0, y0, AETHER_UI_BUTTON_LEFT, 0U);
  assert_sent_nothing(f);
}

static void
test_moving_a_node_is_sent_when_released(void** state)
{
  Fixture* const f    = (Fixture*)*state;
  const double   zoom = aether_ui_model_view(model(f))->zoom;
  double         x    = 0.0;
  double         y    = 0.0;
  locate(f, "node:filter", &x, &y);

  /* While dragging nothing is sent; the node is drawn where it is. */
  aether_ui_editor_press(
    f->editor, x, y, AETHER_UI_BUTTON_LEFT, 0U, f->time += 1000U);
  aether_ui_editor_motion(f->editor, x + 20.0, y + 10.0, 0U);
  aether_ui_editor_motion(f->editor, x + 41.0, y + 23.0, 0U);
  assert_sent_nothing(f);
  double mx = 0.0;
  double my = 0.0;
  locate(f, "node:filter", &mx, &my);
  assert_true(fabs(mx - (x + 41.0)) < 1e-9 && fabs(my - (y + 23.0)) < 1e-9);
  aether_ui_editor_release(
    f->editor, x + 41.0, y + 23.0, AETHER_UI_BUTTON_LEFT, 0U);

  /* Released: the move, to whole patch units. */
  assert_int_equal(aether_ui_model_move_node(f->ref,
                                             &f->exp,
                                             "filter",
                                             (float)round(500.0 + 41.0 / zoom),
                                             (float)round(0.0 + 23.0 / zoom)),
                   AETHER_SUCCESS);
  assert_sent_want(f);
  assert_string_equal(aether_ui_model_selected(model(f)), "filter");

  /* Drawn there until the plugin's patch comes, which decides. */
  locate(f, "node:filter", &mx, &my);
  assert_true(fabs(mx - (x + 41.0)) < 1.0 && fabs(my - (y + 23.0)) < 1.0);
  aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
  locate(f, "node:filter", &mx, &my);
  assert_true(mx == x && my == y);

  /* A click without a drag selects and sends nothing. */
  clear_out(f);
  click(f, "node:osc");
  assert_string_equal(aether_ui_model_selected(model(f)), "osc");
  assert_sent_nothing(f);
}

static void
test_empty_space_pans_and_unselects(void** state)
{
  Fixture* const     f    = (Fixture*)*state;
  const AetherUiView view = *aether_ui_model_view(model(f));
  const double       yb   = below(f);
  click(f, "node:osc");
  drag(f, 400.0, yb, 470.0, yb - 20.0, 0U);
  const AetherUiView* const v = aether_ui_model_view(model(f));
  assert_true(v->pan_x == view.pan_x + 70.0 && v->pan_y == view.pan_y - 20.0);
  assert_string_equal(aether_ui_model_selected(model(f)), "osc"); /* kept */

  /* The middle button pans anywhere, even from a node. */
  double x = 0.0;
  double y = 0.0;
  locate(f, "node:midi", &x, &y);
  aether_ui_editor_press(
    f->editor, x, y, AETHER_UI_BUTTON_MIDDLE, 0U, f->time += 1000U);
  aether_ui_editor_motion(f->editor, x + 10.0, y + 10.0, 0U);
  aether_ui_editor_release(
    f->editor, x + 10.0, y + 10.0, AETHER_UI_BUTTON_MIDDLE, 0U);
  assert_true(v->pan_x == view.pan_x + 80.0);

  click_at(f, 400.0, yb, AETHER_UI_BUTTON_LEFT, 0U);
  assert_null(aether_ui_model_selected(model(f)));

  /* The wheel zooms, keeping the point under the pointer. */
  const double px = (300.0 - v->pan_x) / v->zoom;
  aether_ui_editor_scroll(f->editor, 300.0, 200.0, -2.0, 0U);
  assert_true(fabs(v->zoom - view.zoom / (1.15 * 1.15)) < 1e-12);
  assert_true(fabs(px * v->zoom + v->pan_x - 300.0) < 1e-9);
  assert_sent_nothing(f);
}

static void
test_palette_adds_a_node_at_the_pointer(void** state)
{
  Fixture* const f = (Fixture*)*state;

  /* Right click on empty space: the palette, grouped by kind. */
  const double yb = below(f);
  click_at(f, 420.0, yb, AETHER_UI_BUTTON_RIGHT, 0U);
  assert_sent_nothing(f);
  double x = 0.0;
  double y = 0.0;
  locate(f, "palette:AudioIn", &x, &y); /* the first kind */
  assert_false(aether_ui_editor_locate(f->editor, "palette:Nothing", &x, &y));

  /* Typing filters it; a click adds the type where the palette opened. */
  key(f, AETHER_UI_KEY_TEXT, "OSC");
  assert_false(aether_ui_editor_locate(f->editor, "palette:AudioIn", &x, &y));
  locate(f, "palette:Oscillator", &x, &y);
  click_at(f, x, y, AETHER_UI_BUTTON_LEFT, 0U);
  const AetherUiView* const v  = aether_ui_model_view(model(f));
  const float               px = (float)round((420.0 - v->pan_x) / v->zoom);
  const float               py = (float)round((yb - v->pan_y) / v->zoom);
  assert_int_equal(aether_ui_model_add_node(
                     f->ref, &f->exp, "oscillator", "Oscillator", px, py),
                   AETHER_SUCCESS);
  assert_sent_want(f);
  assert_false(
    aether_ui_editor_locate(f->editor, "palette:Oscillator", &x, &y));

  /* The key 'a' opens it at the pointer; typed text matches names and
     labels ("lad": MoogLadder, "Ladder filter"); Enter adds the first. A
     second one before the plugin's patch comes gets another name. */
  for (int i = 0; i < 2; ++i) {
    clear_out(f);
    lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
    aether_ui_editor_motion(f->editor, 600.0, yb + 30.0, 0U);
    key(f, AETHER_UI_KEY_TEXT, "a");
    key(f, AETHER_UI_KEY_TEXT, "l");
    key(f, AETHER_UI_KEY_TEXT, "x");
    key(f, AETHER_UI_KEY_BACKSPACE, NULL);
    key(f, AETHER_UI_KEY_TEXT, "ad");
    key(f, AETHER_UI_KEY_RETURN, NULL);
    assert_int_equal(
      aether_ui_model_add_node(f->ref,
                               &f->exp,
                               i ? "moogladder2" : "moogladder",
                               "MoogLadder",
                               (float)round((600.0 - v->pan_x) / v->zoom),
                               (float)round((yb + 30.0 - v->pan_y) / v->zoom)),
      AETHER_SUCCESS);
    assert_sent_want(f);
  }

  /* Up and Down pick among types (not headings); Escape closes. */
  clear_out(f);
  key(f, AETHER_UI_KEY_TEXT, "a");
  key(f, AETHER_UI_KEY_UP, NULL); /* already the first */
  key(f, AETHER_UI_KEY_DOWN, NULL);
  key(f, AETHER_UI_KEY_DOWN, NULL);
  const AetherUiEditor* const e = f->editor;
  assert_string_equal(
    e->entries[e->pal_sel].type->name,
    aether_registry_get(2)->name); /* AudioIn, AudioOut, ... */
  key(f, AETHER_UI_KEY_ESCAPE, NULL);
  assert_false(aether_ui_editor_locate(f->editor, "palette:AudioIn", &x, &y));

  /* A click outside closes it and does nothing else; so does a filter that
     matches nothing with Enter. */
  key(f, AETHER_UI_KEY_TEXT, "a");
  click_at(f, 5.0, H - 40.0, AETHER_UI_BUTTON_LEFT, 0U);
  key(f, AETHER_UI_KEY_TEXT, "a");
  key(f, AETHER_UI_KEY_TEXT, "zzz");
  key(f, AETHER_UI_KEY_RETURN, NULL);
  key(f, AETHER_UI_KEY_ESCAPE, NULL);
  assert_sent_nothing(f);

  /* The toolbar's Add opens it too. */
  click(f, "button:add");
  locate(f, "palette:Oscillator", &x, &y);
}

static void
test_delete_removes_the_node_or_the_picked_wire(void** state)
{
  Fixture* const f = (Fixture*)*state;
  click(f, "node:osc");
  key(f, AETHER_UI_KEY_DELETE, NULL);
  assert_int_equal(aether_ui_model_delete_node(f->ref, &f->exp, "osc"),
                   AETHER_SUCCESS);
  assert_sent_want(f);

  /* A click on a connection picks it (and unselects the node); Delete
     disconnects it. */
  clear_out(f);
  double x0 = 0.0;
  double y0 = 0.0;
  double x1 = 0.0;
  double y1 = 0.0;
  locate(f, "output:osc.out", &x0, &y0);
  locate(f, "input:filter.in", &x1, &y1);
  click_at(
    f, (x0 + x1) * 0.5, (y0 + y1) * 0.5 + 2.0, AETHER_UI_BUTTON_LEFT, 0U);
  assert_null(aether_ui_model_selected(model(f)));
  assert_string_equal(f->editor->picked, "filter");
  key(f, AETHER_UI_KEY_BACKSPACE, NULL);
  assert_int_equal(aether_ui_model_disconnect(f->ref, &f->exp, "filter", "in"),
                   AETHER_SUCCESS);
  assert_sent_want(f);

  /* Nothing selected: nothing to delete. */
  clear_out(f);
  key(f, AETHER_UI_KEY_DELETE, NULL);
  click_at(f, 400.0, below(f) + 20.0, AETHER_UI_BUTTON_LEFT, 0U);
  key(f, AETHER_UI_KEY_DELETE, NULL);
  assert_sent_nothing(f);
}

static const AetherParamDesc*
param_desc(const char* const type, const char* const name)
{
  const AetherNodeType* const t = aether_registry_find(type);
  return &t->params[aether_node_type_param_index(t, name)];
}

static void
test_sliders_set_parameters(void** state)
{
  Fixture* const f = (Fixture*)*state;
  click(f, "node:filter");
  double x = 0.0;
  double y = 0.0;
  locate(f, "param:cutoff", &x, &y);
  AetherUiBox row;
  assert_true(aether_ui_editor_row_box(f->editor, 2U, &row)); /* cutoff */
  const AetherUiBox            bar  = aether_ui_editor_slider_box(&row);
  const AetherParamDesc* const desc = param_desc("Filter", "cutoff");
  const double                 n0   = aether_ui_param_position(desc, desc->def);

  /* A drag sets the value at every step that changes it (logarithmic for
     a frequency); the last is where the pointer stops. */
  drag(f, x, y, x + 40.0, y + 30.0, 0U);
  const float last = aether_ui_param_value(desc, n0 + 40.0 / bar.w);
  assert_true(last > desc->def);
  assert_int_equal(f->n_atoms, 4U);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  for (int i = 1; i <= 4; ++i) {
    assert_int_equal(aether_ui_model_set_param(
                       f->ref,
                       &f->exp,
                       "filter",
                       "cutoff",
                       aether_ui_param_value(desc, n0 + 10.0 * i / bar.w)),
                     AETHER_SUCCESS);
  }
  assert_sent_want(f);

  /* Shift: ten times finer. */
  clear_out(f);
  f->time += 5000U;
  aether_ui_editor_press(
    f->editor, x, y, AETHER_UI_BUTTON_LEFT, AETHER_UI_MOD_SHIFT, f->time);
  aether_ui_editor_motion(f->editor, x + 40.0, y, AETHER_UI_MOD_SHIFT);
  aether_ui_editor_release(
    f->editor, x + 40.0, y, AETHER_UI_BUTTON_LEFT, AETHER_UI_MOD_SHIFT);
  assert_int_equal(
    aether_ui_model_set_param(f->ref,
                              &f->exp,
                              "filter",
                              "cutoff",
                              aether_ui_param_value(desc, n0 + 4.0 / bar.w)),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* A double-click: the default. */
  clear_out(f);
  f->time += 5000U;
  aether_ui_editor_press(f->editor, x, y, AETHER_UI_BUTTON_LEFT, 0U, f->time);
  aether_ui_editor_release(f->editor, x, y, AETHER_UI_BUTTON_LEFT, 0U);
  aether_ui_editor_press(
    f->editor, x + 1.0, y, AETHER_UI_BUTTON_LEFT, 0U, f->time + 250U);
  aether_ui_editor_release(f->editor, x + 1.0, y, AETHER_UI_BUTTON_LEFT, 0U);
  assert_int_equal(
    aether_ui_model_set_param(f->ref, &f->exp, "filter", "cutoff", desc->def),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* Two clicks far apart in time are not one. */
  clear_out(f);
  click_at(f, x, y, AETHER_UI_BUTTON_LEFT, 0U);
  click_at(f, x, y, AETHER_UI_BUTTON_LEFT, 0U);
  assert_sent_nothing(f);

  /* Past the end: the range's end, sent once. */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  drag(f, x, y, x + 4000.0, y, 0U);
  assert_true(f->n_atoms >= 1U);
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  aether_ui_editor_press(
    f->editor, x, y, AETHER_UI_BUTTON_LEFT, 0U, f->time += 5000U);
  aether_ui_editor_motion(f->editor, x + 3000.0, y, 0U);
  aether_ui_editor_motion(f->editor, x + 4000.0, y, 0U);
  aether_ui_editor_release(f->editor, x + 4000.0, y, AETHER_UI_BUTTON_LEFT, 0U);
  assert_int_equal(
    aether_ui_model_set_param(f->ref, &f->exp, "filter", "cutoff", desc->max),
    AETHER_SUCCESS);
  assert_sent_want(f);
}

static void
test_choices_switches_and_voices(void** state)
{
  Fixture* const f = (Fixture*)*state;
  click(f, "node:filter");

  /* A choice opens its menu; a click on an entry sets its index. */
  click(f, "param:mode");
  assert_sent_nothing(f);
  click(f, "choice:bandpass");
  assert_int_equal(
    aether_ui_model_set_param(f->ref, &f->exp, "filter", "mode", 2.0f),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* By keys: Down, Down, Enter from the current one (lowpass, 0). */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  click(f, "param:mode");
  key(f, AETHER_UI_KEY_DOWN, NULL);
  key(f, AETHER_UI_KEY_DOWN, NULL);
  key(f, AETHER_UI_KEY_DOWN, NULL);
  key(f, AETHER_UI_KEY_UP, NULL);
  key(f, AETHER_UI_KEY_RETURN, NULL);
  assert_int_equal(
    aether_ui_model_set_param(f->ref, &f->exp, "filter", "mode", 2.0f),
    AETHER_SUCCESS);
  assert_sent_want(f);

  /* Per voice: a switch. */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  click(f, "param:poly");
  assert_int_equal(aether_ui_model_set_poly(f->ref, &f->exp, "filter", true),
                   AETHER_SUCCESS);
  assert_sent_want(f);

  /* The voice count, from the toolbar. */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  click(f, "button:voices+");
  click(f, "button:voices-");
  assert_int_equal(aether_ui_model_set_voices(f->ref, &f->exp, 5),
                   AETHER_SUCCESS);
  assert_int_equal(aether_ui_model_set_voices(f->ref, &f->exp, 3),
                   AETHER_SUCCESS);
  assert_sent_want(f);

  /* Clear: the second click. */
  clear_out(f);
  lv2_atom_forge_set_buffer(&f->exp, f->want, sizeof(f->want));
  click(f, "button:clear");
  assert_sent_nothing(f);
  click(f, "button:clear");
  assert_int_equal(aether_ui_model_clear(f->ref, &f->exp), AETHER_SUCCESS);
  assert_sent_want(f);

  /* A click elsewhere in between disarms it. */
  clear_out(f);
  click(f, "button:clear");
  click_at(f, 400.0, below(f) + 20.0, AETHER_UI_BUTTON_LEFT, 0U);
  click(f, "button:clear");
  assert_sent_nothing(f);
}

static void
test_the_effect_has_no_voice_count(void** state)
{
  (void)state;
  Fixture* const f = fixture_new(false);
  aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
  double x = 0.0;
  double y = 0.0;
  assert_false(aether_ui_editor_locate(f->editor, "button:voices+", &x, &y));
  click_at(f, W - 20.0, 15.0, AETHER_UI_BUTTON_LEFT, 0U);
  assert_sent_nothing(f);
  teardown((void**)&f);
}

static void
test_revision_follows_what_is_shown(void** state)
{
  Fixture* const f   = (Fixture*)*state;
  uint32_t       rev = aether_ui_editor_revision(f->editor);
  aether_ui_editor_idle(f->editor);
  aether_ui_editor_motion(f->editor, 400.0, below(f) + 20.0, 0U);
  assert_int_equal(aether_ui_editor_revision(f->editor), rev);

  click(f, "node:osc");
  assert_int_not_equal(aether_ui_editor_revision(f->editor), rev);
  rev = aether_ui_editor_revision(f->editor);
  aether_ui_editor_resize(f->editor, 800, 500);
  assert_int_not_equal(aether_ui_editor_revision(f->editor), rev);
  rev = aether_ui_editor_revision(f->editor);
  aether_ui_editor_resize(f->editor, 800, 500);
  assert_int_equal(aether_ui_editor_revision(f->editor), rev);
}

/* Random events, before and after the patch: never a crash, and every
   message written is a whole patch message. */
static void
test_random_events_are_safe(void** state)
{
  (void)state;
  for (int round = 0; round < 2; ++round) {
    Fixture* const f = fixture_new(round == 0);
    if (round) {
      aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
    }
    uint32_t seed = 12345U + (uint32_t)round;
    for (int i = 0; i < 20000; ++i) {
      seed                             = seed * 1664525U + 1013904223U;
      const double x                   = (double)(seed >> 8 & 0x7FFU) - 200.0;
      seed                             = seed * 1664525U + 1013904223U;
      const double y                   = (double)(seed >> 8 & 0x3FFU) - 100.0;
      seed                             = seed * 1664525U + 1013904223U;
      const uint32_t           r       = seed >> 16;
      const uint32_t           mods    = r & 1U ? AETHER_UI_MOD_SHIFT : 0U;
      const AetherUiButton     b       = (AetherUiButton)(1 + r % 3U);
      static const char* const texts[] = { "a", "f", "o", "s", " ", "-", "+" };
      switch (r % 9U) {
        case 0:
          aether_ui_editor_press(f->editor, x, y, b, mods, f->time += r % 600U);
          break;
        case 1:
          aether_ui_editor_release(f->editor, x, y, b, mods);
          break;
        case 2:
        case 3:
          aether_ui_editor_motion(f->editor, x, y, mods);
          break;
        case 4:
          aether_ui_editor_scroll(
            f->editor, x, y, (double)(r % 5U) - 2.0, mods);
          break;
        case 5:
          aether_ui_editor_key(f->editor, (AetherUiKey)(r % 7U), NULL, mods);
          break;
        case 6:
          aether_ui_editor_key(
            f->editor, AETHER_UI_KEY_TEXT, texts[r % 7U], mods);
          break;
        case 7:
          if (r % 50U == 0U) {
            aether_ui_editor_receive(f->editor, notify_patch(f, patch_text));
          }
          break;
        default:
          aether_ui_editor_resize(f->editor, (int)(r % 1500U), (int)(r % 900U));
          break;
      }

      /* Every message: a patch message object, whole. */
      uint32_t at = 0;
      while (at < f->n_out) {
        const LV2_Atom* const atom = (const LV2_Atom*)(f->out + at);
        assert_int_equal(atom->type, urid(f, LV2_ATOM__Object));
        const uint32_t otype = ((const LV2_Atom_Object*)atom)->body.otype;
        assert_true(otype == urid(f, LV2_PATCH__Set) ||
                    otype == urid(f, LV2_PATCH__Put) ||
                    otype == urid(f, LV2_PATCH__Get) ||
                    otype == urid(f, LV2_PATCH__Delete));
        at += lv2_atom_pad_size(lv2_atom_total_size(atom));
      }
      clear_out(f);
    }
    teardown((void**)&f);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_opening_asks_for_everything),
    cmocka_unit_test_setup_teardown(
      test_an_answer_asks_for_the_patch, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_dragging_an_output_to_an_input_connects, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_moving_a_node_is_sent_when_released, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_empty_space_pans_and_unselects, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_palette_adds_a_node_at_the_pointer, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_delete_removes_the_node_or_the_picked_wire, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_sliders_set_parameters, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_choices_switches_and_voices, setup, teardown),
    cmocka_unit_test(test_the_effect_has_no_voice_count),
    cmocka_unit_test_setup_teardown(
      test_revision_follows_what_is_shown, setup, teardown),
    cmocka_unit_test(test_random_events_are_safe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
