/* Aether UI tests: drawing, offscreen. Every patch the project ships is
   drawn into a cairo image surface as the plugin would send it, laid out
   automatically (positions taken away) and at its own positions, and the
   picture is checked by its pixels: each node's box is filled with its
   kind's colour where the layout puts it (so no box covers another), the
   per-voice nodes are stacked, the selection is outlined, the zoom and pan
   move the boxes where the view says, and the status line shows the
   plugin's answer. */

#include "draw.h"
#include "editor.h"
#include "editor_draw.h"
#include "layout.h"
#include "lv2urid.h"
#include "model.h"

#include <cairo.h>
#include <lv2/atom/forge.h>
#include <lv2/patch/patch.h>

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define W 1200
#define H 800

typedef struct {
  Lv2Urids*        urids;
  LV2_URID_Map*    map;
  AetherUiModel*   model;
  cairo_surface_t* surface;
  cairo_t*         cr;
  uint8_t*         msg;
  size_t           msg_size;
} Fixture;

static int
setup(void** state)
{
  Fixture* const f = (Fixture*)calloc(1, sizeof(Fixture));
  assert_non_null(f);
  f->urids   = lv2urid_new(4096);
  f->map     = lv2urid_as_map(f->urids);
  f->model   = aether_ui_model_new(f->map);
  f->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
  f->cr      = cairo_create(f->surface);
  assert_int_equal(cairo_status(f->cr), CAIRO_STATUS_SUCCESS);
  *state = f;
  return 0;
}

static int
teardown(void** state)
{
  Fixture* const f = (Fixture*)*state;
  cairo_destroy(f->cr);
  cairo_surface_destroy(f->surface);
  aether_ui_model_free(f->model);
  lv2urid_free(f->urids);
  free(f->msg);
  free(f);
  return 0;
}

static LV2_URID
urid(Fixture* const f, const char* const uri)
{
  return f->map->map(f->map->handle, uri);
}

/* Give the model a notify patch:Set of `property` to a string. */
static void
tell(Fixture* const f, const char* const property, const char* const text)
{
  const size_t need = strlen(text) + 256U;
  if (need > f->msg_size) {
    free(f->msg);
    f->msg      = (uint8_t*)malloc(need);
    f->msg_size = need;
    assert_non_null(f->msg);
  }
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, f->map);
  lv2_atom_forge_set_buffer(&forge, f->msg, f->msg_size);
  lv2_atom_forge_object(&forge, &frame, 0, urid(f, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, urid(f, property));
  lv2_atom_forge_key(&forge, urid(f, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
  lv2_atom_forge_pop(&forge, &frame);
  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)f->msg));
}

static void
draw(Fixture* const f)
{
  cairo_surface_flush(f->surface);
  memset(cairo_image_surface_get_data(f->surface),
         0,
         (size_t)cairo_image_surface_get_stride(f->surface) * H);
  cairo_surface_mark_dirty(f->surface);
  aether_ui_draw(f->model, f->cr, W, H);
  assert_int_equal(cairo_status(f->cr), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(f->surface);
  if (getenv("AETHER_UI_TEST_PNG")) { /* to look at what was drawn */
    cairo_surface_write_to_png(f->surface, getenv("AETHER_UI_TEST_PNG"));
  }
}

/* The colour of pixel (x, y) as 0 .. 255 components. */
static void
pixel(Fixture* const f, const double x, const double y, int rgb[3])
{
  const int px = (int)floor(x);
  const int py = (int)floor(y);
  assert_true(px >= 0 && px < W && py >= 0 && py < H);
  const uint8_t* const data = cairo_image_surface_get_data(f->surface);
  const uint32_t       argb =
    *(const uint32_t*)(data +
                       (size_t)py *
                         (size_t)cairo_image_surface_get_stride(f->surface) +
                       (size_t)px * 4U);
  rgb[0] = (int)((argb >> 16U) & 0xFFU);
  rgb[1] = (int)((argb >> 8U) & 0xFFU);
  rgb[2] = (int)(argb & 0xFFU);
}

static bool
close_to(const int rgb[3], const double r, const double g, const double b)
{
  return abs(rgb[0] - (int)lround(r * 255.0)) <= 2 &&
         abs(rgb[1] - (int)lround(g * 255.0)) <= 2 &&
         abs(rgb[2] - (int)lround(b * 255.0)) <= 2;
}

/* Window position of patch point (x, y). */
static void
to_window(const Fixture* const f,
          const double         x,
          const double         y,
          double* const        wx,
          double* const        wy)
{
  const AetherUiView* const v = aether_ui_model_view(f->model);
  *wx                         = x * v->zoom + v->pan_x;
  *wy                         = y * v->zoom + v->pan_y;
}

/* Every node's box is filled with its colour where the layout puts it:
   three points of its bottom strip (no text, no port, no wire there).
   Returns how many boxes were inside the window. */
static uint32_t
check_boxes(Fixture* const f, const char* const name)
{
  const AetherPatch* const    patch  = aether_ui_model_patch(f->model);
  const AetherUiLayout* const layout = aether_ui_model_layout(f->model);
  const double                zoom   = aether_ui_model_view(f->model)->zoom;
  uint32_t                    inside = 0;
  assert_int_equal(layout->n_nodes, aether_patch_n_nodes(patch));
  for (uint32_t v = 0; v < layout->n_nodes; ++v) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    const AetherUiBox* const     box  = &layout->boxes[v];
    double                       r    = 0.0;
    double                       g    = 0.0;
    double                       b    = 0.0;
    aether_ui_node_color(node, &r, &g, &b);
    for (int i = 1; i <= 3; ++i) {
      double wx = 0.0;
      double wy = 0.0;
      /* Zoomed out no text is drawn: the middle of the box is free. */
      const double y =
        zoom * 9.0 < 4.0 ? box->y + box->h * 0.5 : box->y + box->h - 3.0;
      to_window(f, box->x + box->w * 0.25 * i, y, &wx, &wy);
      if (wx < 0.0 || wy < 0.0 || wx >= W ||
          wy >= H - AETHER_UI_STATUS_H - 1.0) {
        continue;
      }
      int rgb[3];
      pixel(f, wx, wy, rgb);
      if (!close_to(rgb, r, g, b)) {
        fail_msg("%s: node \"%s\" at (%.1f, %.1f), zoom %.2f: pixel (%d, %d, "
                 "%d) is not its colour",
                 name,
                 node->name,
                 wx,
                 wy,
                 zoom,
                 rgb[0],
                 rgb[1],
                 rgb[2]);
      }
      inside += i == 2;
    }

    /* A per-voice node: the stack of its voices behind and above it, where
       a shared node shows the background. */
    if (node->poly && zoom >= 0.5) {
      double wx = 0.0;
      double wy = 0.0;
      double br = 0.0;
      double bg = 0.0;
      double bb = 0.0;
      aether_ui_background(&br, &bg, &bb);
      to_window(f, box->x + box->w * 0.5, box->y - 6.0, &wx, &wy);
      if (wx >= 0.0 && wy >= 0.0 && wx < W && wy < H - AETHER_UI_STATUS_H) {
        int rgb[3];
        pixel(f, wx, wy, rgb);
        if (close_to(rgb, br, bg, bb)) {
          fail_msg(
            "%s: per-voice node \"%s\" is not stacked", name, node->name);
        }
      }
    }
  }
  return inside;
}

static const char*
source_root(void)
{
  const char* const root = getenv("AETHER_SOURCE_ROOT");
  return root ? root : ".";
}

/* `text` without its ae:x / ae:y statements (the canonical form writes
   them on lines of their own). */
static char*
strip_positions(const char* const text)
{
  char* const out = (char*)malloc(strlen(text) + 1U);
  char*       o   = out;
  assert_non_null(out);
  for (const char* line = text; *line;) {
    const char*  nl  = strchr(line, '\n');
    const size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
    if (strncmp(line, "\tae:x ", 6) && strncmp(line, "\tae:y ", 6)) {
      memcpy(o, line, len);
      o += len;
    }
    line += len;
  }
  *o = '\0';
  return out;
}

/* The canonical text of `path`, as the plugin would send it. */
static char*
canonical(const char* const path)
{
  AetherPatch* patch = NULL;
  AetherError  err;
  char*        text = NULL;
  if (aether_patch_read_file(path, &patch, &err)) {
    fail_msg("%s", err.message);
  }
  assert_int_equal(aether_patch_to_turtle(patch, &text, &err), AETHER_SUCCESS);
  aether_patch_free(patch);
  return text;
}

static void
draw_and_check(Fixture* const f, const char* const text, const char* name)
{
  tell(f, "urn:aether:patch", text);
  const AetherUiView fit =
    aether_ui_fit_view(aether_ui_model_layout(f->model), W, H);
  assert_int_equal(aether_ui_model_set_view(f->model, &fit), AETHER_SUCCESS);
  draw(f);
  const uint32_t n = aether_patch_n_nodes(aether_ui_model_patch(f->model));
  assert_int_equal(check_boxes(f, name), n); /* all of it in view */

  /* The margin is background. */
  double r = 0.0;
  double g = 0.0;
  double b = 0.0;
  int    rgb[3];
  aether_ui_background(&r, &g, &b);
  pixel(f, 2.0, 2.0, rgb);
  assert_true(close_to(rgb, r, g, b));
}

static uint32_t
draw_dir(Fixture* const f, const char* const dir)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", source_root(), dir);
  DIR* const d = opendir(path);
  assert_non_null(d);
  uint32_t       count = 0;
  struct dirent* ent   = NULL;
  while ((ent = readdir(d))) {
    const size_t len = strlen(ent->d_name);
    if (len < 5 || strcmp(ent->d_name + len - 4, ".ttl")) {
      continue;
    }
    snprintf(path, sizeof(path), "%s/%s/%s", source_root(), dir, ent->d_name);
    char* const text = canonical(path);
    char* const bare = strip_positions(text);
    draw_and_check(f, bare, ent->d_name);
    draw_and_check(f, text, ent->d_name);
    free(bare);
    free(text);
    ++count;
  }
  closedir(d);
  return count;
}

static void
test_every_shipped_patch_is_drawn_where_laid_out(void** state)
{
  Fixture* const f = (Fixture*)*state;
  assert_true(draw_dir(f, "ttl/presets") >= 10U);
  assert_true(draw_dir(f, "ttl/defaults") >= 2U);
  assert_true(draw_dir(f, "patches") >= 3U);
}

static const char* const placed_text =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "<> a ae:Patch ; ae:voices 6 ;\n"
  "  ae:macro [ ae:index 2 ; ae:node node:filter ; ae:param ae:cutoff ] .\n"
  "node:midi a ae:MidiNote ; ae:poly true ; ae:x 20 ; ae:y 40 .\n"
  "node:osc a ae:Oscillator ; ae:poly true ; ae:pitch node:midi.pitch ;\n"
  "  ae:x 240 ; ae:y 40 .\n"
  "node:filter a ae:Filter ; ae:in node:osc ; ae:x 460 ; ae:y 60 .\n"
  "node:out a ae:AudioOut ; ae:left node:filter ; ae:x 680 ; ae:y 60 .\n";

static void
test_boxes_are_drawn_at_their_positions(void** state)
{
  Fixture* const f = (Fixture*)*state;
  tell(f, "urn:aether:patch", placed_text);
  const AetherUiView one = { 1.0, 0.0, 0.0 };
  assert_int_equal(aether_ui_model_set_view(f->model, &one), AETHER_SUCCESS);
  draw(f);
  assert_int_equal(check_boxes(f, "placed"), 4);

  /* At zoom 1 and no pan, the filter's box is where the patch says. */
  const AetherPatchNode* const filter =
    aether_patch_find(aether_ui_model_patch(f->model), "filter");
  double r = 0.0;
  double g = 0.0;
  double b = 0.0;
  int    rgb[3];
  aether_ui_node_color(filter, &r, &g, &b);
  pixel(f, 470.0, 100.0, rgb);
  assert_true(close_to(rgb, r, g, b)); /* inside */
  aether_ui_background(&r, &g, &b);
  pixel(f, 450.0, 126.0, rgb);
  assert_true(close_to(rgb, r, g, b)); /* just left of it */

  /* Zoomed in and panned: everything moves as the view says. */
  const AetherUiView moved = { 1.5, -200.0, 30.0 };
  assert_int_equal(aether_ui_model_set_view(f->model, &moved), AETHER_SUCCESS);
  draw(f);
  assert_int_equal(check_boxes(f, "zoomed"), 3); /* midi is off the left */
  aether_ui_node_color(filter, &r, &g, &b);
  pixel(f, 470.0 * 1.5 - 200.0, 100.0 * 1.5 + 30.0, rgb);
  assert_true(close_to(rgb, r, g, b));
}

static void
test_the_selection_is_outlined(void** state)
{
  Fixture* const f = (Fixture*)*state;
  tell(f, "urn:aether:patch", placed_text);
  const AetherUiView one = { 1.0, 0.0, 0.0 };
  assert_int_equal(aether_ui_model_set_view(f->model, &one), AETHER_SUCCESS);
  int rgb[3];

  /* The filter's left edge at x = 460, halfway down (no port there). */
  draw(f);
  pixel(f, 460.0, 60.0 + 30.0, rgb);
  assert_false(close_to(rgb, 0.98, 0.80, 0.25));
  assert_int_equal(aether_ui_model_select(f->model, "filter"), AETHER_SUCCESS);
  draw(f);
  pixel(f, 460.0, 60.0 + 30.0, rgb);
  assert_true(close_to(rgb, 0.98, 0.80, 0.25));
}

static void
test_the_status_line_shows_the_plugins_answer(void** state)
{
  Fixture* const f = (Fixture*)*state;
  int            rgb[3];

  /* Before the plugin's patch: grey, waiting. */
  draw(f);
  pixel(f, 11.0, H - 11.0, rgb);
  assert_true(close_to(rgb, 0.45, 0.45, 0.48));

  tell(f, "urn:aether:patch", placed_text);
  tell(f, "urn:aether:status", "ok");
  draw(f);
  pixel(f, 11.0, H - 11.0, rgb);
  assert_true(close_to(rgb, 0.35, 0.75, 0.40));

  tell(f,
       "urn:aether:status",
       "error: node \"osc\" (Oscillator): ae:fm closes a cycle without a "
       "delay node");
  draw(f);
  pixel(f, 11.0, H - 11.0, rgb);
  assert_true(close_to(rgb, 0.90, 0.30, 0.28));

  /* A status longer than the line: cut, drawn. */
  char long_text[AETHER_UI_STATUS_SIZE * 2];
  memset(long_text, 'w', sizeof(long_text) - 1U);
  memcpy(long_text, "warning: ", 9);
  long_text[sizeof(long_text) - 1U] = '\0';
  tell(f, "urn:aether:status", long_text);
  draw(f);
  pixel(f, 11.0, H - 11.0, rgb);
  assert_true(close_to(rgb, 0.95, 0.70, 0.25));
}

static void
test_a_large_patch_and_tiny_surfaces(void** state)
{
  Fixture* const f = (Fixture*)*state;

  /* 1000 nodes on a grid of 40 columns, each mixing two before it:
     fitted at a small zoom, every box still drawn where it belongs. */
  const uint32_t n    = 1000U;
  char* const    text = (char*)malloc((size_t)n * 128U + 128U);
  size_t         len  = 0;
  assert_non_null(text);
  len += (size_t)sprintf(text + len,
                         "@prefix ae: <urn:aether:> .\n"
                         "@prefix node: <urn:aether:node:> .\n"
                         "node:n0 a ae:AudioIn ; ae:x 0 ; ae:y 0 .\n");
  for (uint32_t i = 1; i < n; ++i) {
    len += (size_t)sprintf(text + len,
                           "node:n%u a ae:Mixer ; ae:in1 node:n%u ; ae:in2 "
                           "node:n%u ; ae:x %u ; ae:y %u .\n",
                           i,
                           i - 1U,
                           i / 2U,
                           (i % 40U) * 220U,
                           (i / 40U) * 200U);
  }
  draw_and_check(f, text, "large");
  free(text);

  /* Surfaces of every small size, and none at all: no crash. */
  for (int size = 0; size < 40; size += 3) {
    cairo_surface_t* const s =
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
    cairo_t* const cr = cairo_create(s);
    aether_ui_draw(f->model, cr, size, size);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
  }
}

static void
ignore_write(void* const handle, const LV2_Atom* const atom)
{
  (void)handle;
  (void)atom;
}

/* The centre of node `name`'s box's bottom strip (no text there) in the
   editor's window, moved by (dx, dy) patch units. */
static void
box_spot(const AetherUiEditor* const editor,
         const char* const           name,
         const double                dx,
         const double                dy,
         double* const               x,
         double* const               y)
{
  const AetherUiModel* const   model  = aether_ui_editor_model(editor);
  const AetherPatch* const     patch  = aether_ui_model_patch(model);
  const AetherPatchNode* const node   = aether_patch_find(patch, name);
  const AetherUiView* const    view   = aether_ui_model_view(model);
  const AetherUiLayout* const  layout = aether_ui_model_layout(model);
  assert_non_null(node);
  const AetherUiBox* const box =
    &layout->boxes[node - aether_patch_node(patch, 0)];
  *x = (box->x + box->w * 0.5 + dx) * view->zoom + view->pan_x;
  *y = (box->y + box->h - 3.0 + dy) * view->zoom + view->pan_y;
}

static void
draw_editor(Fixture* const f, const AetherUiEditor* const editor)
{
  cairo_surface_flush(f->surface);
  memset(cairo_image_surface_get_data(f->surface),
         0,
         (size_t)cairo_image_surface_get_stride(f->surface) * H);
  cairo_surface_mark_dirty(f->surface);
  aether_ui_editor_draw(editor, f->cr);
  assert_int_equal(cairo_status(f->cr), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(f->surface);
}

/* The whole editor: its toolbar and status line around the patch, the
   panel of the selected node, a node drawn where it is dragged (and not
   where it was), the palette. */
static void
test_the_editor_draws_what_it_does(void** state)
{
  Fixture* const           f = (Fixture*)*state;
  static const char* const text =
    "@prefix ae: <urn:aether:> .\n"
    "@prefix node: <urn:aether:node:> .\n"
    "node:osc a ae:Oscillator ; ae:x 0 ; ae:y 0 .\n"
    "node:flt a ae:Filter ; ae:in node:osc ; ae:x 300 ; ae:y 0 .\n"
    "node:out a ae:AudioOut ; ae:left node:flt ; ae:x 600 ; ae:y 0 .\n";
  AetherUiEditor* const editor =
    aether_ui_editor_new(f->map, true, W, H, ignore_write, NULL);
  assert_non_null(editor);
  tell(f, "urn:aether:patch", text); /* into f->msg */
  aether_ui_editor_receive(editor, (const LV2_Atom*)f->msg);
  const AetherPatch* const patch =
    aether_ui_model_patch(aether_ui_editor_model(editor));

  double bg[3] = { 0.0, 0.0, 0.0 };
  double c[3]  = { 0.0, 0.0, 0.0 };
  int    rgb[3];
  aether_ui_background(&bg[0], &bg[1], &bg[2]);
  draw_editor(f, editor);
  for (uint32_t i = 0; i < aether_patch_n_nodes(patch); ++i) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    double                       x    = 0.0;
    double                       y    = 0.0;
    box_spot(editor, node->name, 0.0, 0.0, &x, &y);
    aether_ui_node_color(node, &c[0], &c[1], &c[2]);
    pixel(f, x, y, rgb);
    assert_true(close_to(rgb, c[0], c[1], c[2]));
  }
  pixel(f, W * 0.5, 3.0, rgb); /* the toolbar */
  assert_false(close_to(rgb, bg[0], bg[1], bg[2]));
  pixel(f, W - 20.0, H - 60.0, rgb); /* no panel */
  assert_true(close_to(rgb, bg[0], bg[1], bg[2]));

  /* Selected: the panel on the right (editor_draw.c's panel colour). */
  assert_int_equal(aether_ui_editor_select(editor, "flt"), AETHER_SUCCESS);
  draw_editor(f, editor);
  pixel(f, W - 20.0, H - 60.0, rgb);
  assert_true(close_to(rgb, 0.10, 0.105, 0.115));

  /* Dragged 200 patch units down: drawn there, not where it was. */
  double x = 0.0;
  double y = 0.0;
  assert_true(aether_ui_editor_locate(editor, "node:osc", &x, &y));
  const double zoom =
    aether_ui_model_view(aether_ui_editor_model(editor))->zoom;
  aether_ui_editor_press(editor, x, y, AETHER_UI_BUTTON_LEFT, 0U, 1000U);
  aether_ui_editor_motion(editor, x, y + 200.0 * zoom, 0U);
  draw_editor(f, editor);
  aether_ui_node_color(aether_patch_find(patch, "osc"), &c[0], &c[1], &c[2]);
  box_spot(editor, "osc", 0.0, 200.0, &x, &y);
  pixel(f, x, y, rgb);
  assert_true(close_to(rgb, c[0], c[1], c[2]));
  box_spot(editor, "osc", 0.0, 0.0, &x, &y);
  pixel(f, x, y, rgb);
  assert_true(close_to(rgb, bg[0], bg[1], bg[2]));
  aether_ui_editor_key(editor, AETHER_UI_KEY_ESCAPE, NULL, 0U);

  /* The palette, where the key 'a' opened it. */
  aether_ui_editor_motion(editor, 100.0, H - 200.0, 0U);
  pixel(f, 110.0, H - 170.0, rgb);
  assert_true(close_to(rgb, bg[0], bg[1], bg[2]));
  aether_ui_editor_key(editor, AETHER_UI_KEY_TEXT, "a", 0U);
  assert_true(aether_ui_editor_locate(editor, "palette:AudioIn", &x, &y));
  draw_editor(f, editor);
  pixel(f, 110.0, H - 170.0, rgb);
  assert_false(close_to(rgb, bg[0], bg[1], bg[2]));
  aether_ui_editor_free(editor);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
      test_the_editor_draws_what_it_does, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_every_shipped_patch_is_drawn_where_laid_out, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_boxes_are_drawn_at_their_positions, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_the_selection_is_outlined, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_the_status_line_shows_the_plugins_answer, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_a_large_patch_and_tiny_surfaces, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
