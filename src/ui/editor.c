/* Aether UI: the editor's interaction (see editor.h): events in, the
   model's patch messages out. */

#include "editor_impl.h"

#include "../nodes/registry.h"

#include <lv2/atom/util.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A press that moves less than this many pixels is a click. */
#define CLICK_SLOP 3.0

/* How near a port or a connection a press must be, in pixels. */
#define PORT_HIT 8.0
#define WIRE_HIT 5.0

/* Two clicks closer in time than this many milliseconds (and in place
   than CLICK_SLOP) are a double-click. */
#define DOUBLE_CLICK_MS 400U

/* Zoom per wheel notch. */
#define ZOOM_STEP 1.15

/* Shift divides a slider's movement by this much. */
#define FINE 10.0

/* Geometry */

static bool
inside(const AetherUiBox* const box, const double x, const double y)
{
  return x >= box->x && x < box->x + box->w && y >= box->y &&
         y < box->y + box->h;
}

const AetherPatchNode*
aether_ui_editor_selected_node(const AetherUiEditor* const editor)
{
  const char* const name = aether_ui_model_selected(editor->model);
  return name ? aether_patch_find(aether_ui_model_patch(editor->model), name)
              : NULL;
}

bool
aether_ui_editor_tool_box(const AetherUiEditor* const editor,
                          const AetherUiTool          tool,
                          AetherUiBox* const          box)
{
  static const double left[3][2] = { { 6.0, 64.0 },
                                     { 76.0, 48.0 },
                                     { 130.0, 64.0 } };
  const double        y          = 4.0;
  const double        h          = AETHER_UI_TOOLBAR_H - 8.0;
  if (tool <= AETHER_UI_TOOL_CLEAR) {
    box->x = left[tool][0];
    box->w = left[tool][1];
  } else if (editor->synth && tool < AETHER_UI_N_TOOLS) {
    /* Voices: [-] N [+] at the right end. */
    const double right = (double)editor->width - 6.0;
    box->x = tool == AETHER_UI_TOOL_VOICES_UP ? right - 26.0 : right - 90.0;
    box->w = 26.0;
  } else {
    return false;
  }
  box->y = y;
  box->h = h;
  return true;
}

bool
aether_ui_editor_panel_box(const AetherUiEditor* const editor,
                           AetherUiBox* const          box)
{
  if (!aether_ui_editor_selected_node(editor)) {
    return false;
  }
  box->w = AETHER_UI_PANEL_W;
  box->x = (double)editor->width - box->w;
  box->y = AETHER_UI_TOOLBAR_H;
  box->h = fmax(
    0.0, (double)editor->height - AETHER_UI_TOOLBAR_H - AETHER_UI_STATUS_H);
  return true;
}

bool
aether_ui_editor_row_box(const AetherUiEditor* const editor,
                         const uint32_t              row,
                         AetherUiBox* const          box)
{
  const AetherPatchNode* const node  = aether_ui_editor_selected_node(editor);
  AetherUiBox                  panel = { 0.0, 0.0, 0.0, 0.0 };
  if (!node || !aether_ui_editor_panel_box(editor, &panel) ||
      row > node->type->n_params) {
    return false;
  }
  box->x = panel.x;
  box->w = panel.w;
  box->h = row ? AETHER_UI_PARAM_H : 26.0;
  box->y = panel.y + AETHER_UI_PANEL_HEAD - editor->panel_scroll +
           (row ? 26.0 + (double)(row - 1U) * AETHER_UI_PARAM_H : 0.0);
  return true;
}

AetherUiBox
aether_ui_editor_slider_box(const AetherUiBox* const row)
{
  const AetherUiBox bar = { row->x + 12.0, row->y + 21.0, row->w - 24.0, 9.0 };
  return bar;
}

bool
aether_ui_editor_palette_box(const AetherUiEditor* const editor,
                             AetherUiBox* const          box)
{
  if (!editor->palette) {
    return false;
  }
  const uint32_t rows = editor->n_entries < AETHER_UI_PALETTE_ROWS
                          ? editor->n_entries
                          : AETHER_UI_PALETTE_ROWS;
  box->x              = editor->pal_x;
  box->y              = editor->pal_y;
  box->w              = AETHER_UI_PALETTE_W;
  box->h              = 28.0 + fmax(1.0, (double)rows) * AETHER_UI_ROW_H + 4.0;
  return true;
}

bool
aether_ui_editor_entry_box(const AetherUiEditor* const editor,
                           const uint32_t              i,
                           AetherUiBox* const          box)
{
  AetherUiBox pal = { 0.0, 0.0, 0.0, 0.0 };
  if (!aether_ui_editor_palette_box(editor, &pal) ||
      i >= AETHER_UI_PALETTE_ROWS ||
      editor->pal_scroll + i >= editor->n_entries) {
    return false;
  }
  box->x = pal.x + 2.0;
  box->w = pal.w - 4.0;
  box->y = pal.y + 28.0 + (double)i * AETHER_UI_ROW_H;
  box->h = AETHER_UI_ROW_H;
  return true;
}

bool
aether_ui_editor_menu_box(const AetherUiEditor* const editor,
                          AetherUiBox* const          box)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  AetherUiBox                  row  = { 0.0, 0.0, 0.0, 0.0 };
  if (!editor->menu || !node || editor->menu_param >= node->type->n_params ||
      !aether_ui_editor_row_box(editor, editor->menu_param + 1U, &row)) {
    return false;
  }
  const AetherParamDesc* const desc = &node->type->params[editor->menu_param];
  const double n = desc->max >= 0.0f ? (double)desc->max + 1.0 : 1.0;
  box->x         = row.x + 8.0;
  box->w         = row.w - 16.0;
  box->h         = n * AETHER_UI_ROW_H + 4.0;
  box->y         = row.y + row.h;
  /* Above the row if it would leave the window. */
  if (box->y + box->h > (double)editor->height - AETHER_UI_STATUS_H) {
    box->y = fmax(AETHER_UI_TOOLBAR_H, row.y - box->h);
  }
  return true;
}

bool
aether_ui_editor_menu_item_box(const AetherUiEditor* const editor,
                               const uint32_t              i,
                               AetherUiBox* const          box)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  AetherUiBox                  menu = { 0.0, 0.0, 0.0, 0.0 };
  if (!aether_ui_editor_menu_box(editor, &menu) ||
      (float)i > node->type->params[editor->menu_param].max) {
    return false;
  }
  box->x = menu.x + 2.0;
  box->w = menu.w - 4.0;
  box->y = menu.y + 2.0 + (double)i * AETHER_UI_ROW_H;
  box->h = AETHER_UI_ROW_H;
  return true;
}

/* Sliders */

static bool
log_scale(const AetherParamDesc* const desc)
{
  return desc->kind == AETHER_PARAM_CONTINUOUS && desc->min > 0.0f &&
         desc->max / desc->min >= 100.0f;
}

double
aether_ui_param_position(const AetherParamDesc* const desc, const float value)
{
  if (!(desc->max > desc->min)) {
    return 0.0;
  }
  double pos = 0.0;
  if (log_scale(desc)) {
    pos = log((double)value / desc->min) / log((double)desc->max / desc->min);
  } else {
    pos = ((double)value - desc->min) / ((double)desc->max - desc->min);
  }
  return isfinite(pos) ? fmin(1.0, fmax(0.0, pos)) : 0.0;
}

float
aether_ui_param_value(const AetherParamDesc* const desc, double pos)
{
  pos     = isfinite(pos) ? fmin(1.0, fmax(0.0, pos)) : 0.0;
  float v = 0.0f;
  if (log_scale(desc)) {
    v = (float)(desc->min * pow((double)desc->max / desc->min, pos));
  } else {
    v = (float)(desc->min + pos * ((double)desc->max - desc->min));
  }
  if (desc->kind != AETHER_PARAM_CONTINUOUS) {
    v = roundf(v);
  }
  return v < desc->min ? desc->min : v > desc->max ? desc->max : v;
}

float
aether_ui_editor_param_shown(const AetherUiEditor* const  editor,
                             const AetherPatchNode* const node,
                             const uint32_t               p)
{
  if (editor->drag == AETHER_UI_DRAG_SLIDER && editor->param == p &&
      !strcmp(editor->node, node->name)) {
    return editor->slider_value;
  }
  return node->params[p];
}

/* Creating and feeding */

static void
touch(AetherUiEditor* const editor)
{
  ++editor->revision;
}

AetherUiEditor*
aether_ui_editor_new(LV2_URID_Map* const     map,
                     const bool              synth,
                     const int               width,
                     const int               height,
                     const AetherUiWriteFunc write,
                     void* const             handle)
{
  if (!map || !write) {
    return NULL;
  }
  AetherUiEditor* const editor = (AetherUiEditor*)calloc(1, sizeof(*editor));
  if (!editor || !(editor->model = aether_ui_model_new(map))) {
    free(editor);
    return NULL;
  }
  lv2_atom_forge_init(&editor->forge, map);
  editor->write  = write;
  editor->handle = handle;
  editor->synth  = synth;
  editor->width  = width > 0 ? width : 1;
  editor->height = height > 0 ? height : 1;
  return editor;
}

void
aether_ui_editor_free(AetherUiEditor* const editor)
{
  if (editor) {
    aether_ui_model_free(editor->model);
    free(editor);
  }
}

const AetherUiModel*
aether_ui_editor_model(const AetherUiEditor* const editor)
{
  return editor->model;
}

uint32_t
aether_ui_editor_revision(const AetherUiEditor* const editor)
{
  /* Both only grow: their sum changes whenever either does. */
  return editor->revision + aether_ui_model_revision(editor->model);
}

/* An action writes its messages with the forge begin() gives; finish()
   hands them to the host one atom at a time (from a copy: the host may
   answer at once, and the answer may make the editor write again). */
static LV2_Atom_Forge*
begin(AetherUiEditor* const editor)
{
  lv2_atom_forge_set_buffer(
    &editor->forge, (uint8_t*)editor->out, sizeof(editor->out));
  return &editor->forge;
}

static bool
finish(AetherUiEditor* const editor, const AetherStatus st)
{
  if (st) {
    return false;
  }
  uint64_t       copy[AETHER_UI_OUT_SIZE / 8U];
  const uint32_t size = editor->forge.offset;
  memcpy(copy, editor->out, size);
  uint32_t at = 0;
  while (at + sizeof(LV2_Atom) <= size) {
    const LV2_Atom* const atom = (const LV2_Atom*)((const uint8_t*)copy + at);
    editor->write(editor->handle, atom);
    at += lv2_atom_pad_size(lv2_atom_total_size(atom));
  }
  return true;
}

void
aether_ui_editor_open(AetherUiEditor* const editor)
{
  finish(editor, aether_ui_model_request_all(editor->model, begin(editor)));
}

static void
fit(AetherUiEditor* const editor)
{
  AetherUiView view =
    aether_ui_fit_view(aether_ui_model_layout(editor->model),
                       editor->width,
                       (int)fmax(1.0, editor->height - AETHER_UI_TOOLBAR_H));
  view.pan_y += AETHER_UI_TOOLBAR_H;
  aether_ui_model_set_view(editor->model, &view);
}

void
aether_ui_editor_receive(AetherUiEditor* const editor,
                         const LV2_Atom* const atom)
{
  AetherUiModel* const model = editor->model;
  aether_ui_model_receive(model, atom);
  if (!editor->fitted && aether_ui_model_has_patch(model)) {
    editor->fitted = true;
    fit(editor);
  }

  /* A node moved is drawn where it was put until the plugin's patch after
     the move comes, or the plugin refuses it. */
  if (editor->pending[0] &&
      (aether_ui_model_n_patches(model) != editor->pending_patches ||
       (aether_ui_model_n_statuses(model) != editor->pending_statuses &&
        strncmp(aether_ui_model_status(model), "ok", 2)))) {
    editor->pending[0] = '\0';
    touch(editor);
  }
  if (editor->n_added &&
      aether_ui_model_n_patches(model) != editor->added_patches) {
    editor->n_added = 0U;
  }
  if (editor->picked[0]) {
    const AetherPatchNode* const node =
      aether_patch_find(aether_ui_model_patch(model), editor->picked);
    if (!node || !((node->inputs_set >> editor->picked_input) & 1U)) {
      editor->picked[0] = '\0';
      touch(editor);
    }
  }
  aether_ui_editor_idle(editor);
}

void
aether_ui_editor_idle(AetherUiEditor* const editor)
{
  if (aether_ui_model_wants_patch(editor->model)) {
    finish(editor, aether_ui_model_request_patch(editor->model, begin(editor)));
  }
}

void
aether_ui_editor_resize(AetherUiEditor* const editor,
                        const int             width,
                        const int             height)
{
  const int w = width > 0 ? width : 1;
  const int h = height > 0 ? height : 1;
  if (w != editor->width || h != editor->height) {
    editor->width  = w;
    editor->height = h;
    touch(editor);
  }
}

/* Finding what is under the pointer */

static void
to_patch(const AetherUiEditor* const editor,
         const double                x,
         const double                y,
         double* const               px,
         double* const               py)
{
  const AetherUiView* const v = aether_ui_model_view(editor->model);
  *px                         = (x - v->pan_x) / v->zoom;
  *py                         = (y - v->pan_y) / v->zoom;
}

static void
to_window(const AetherUiEditor* const editor,
          const double                px,
          const double                py,
          double* const               x,
          double* const               y)
{
  const AetherUiView* const v = aether_ui_model_view(editor->model);
  *x                          = px * v->zoom + v->pan_x;
  *y                          = py * v->zoom + v->pan_y;
}

/* The box node `v` is drawn in (where it is dragged or was put). */
static AetherUiBox
node_box(const AetherUiEditor* const editor, const uint32_t v)
{
  const AetherUiLayout* const  layout = aether_ui_model_layout(editor->model);
  const AetherPatchNode* const node =
    aether_patch_node(aether_ui_model_patch(editor->model), v);
  AetherUiBox box = layout->boxes[v];
  if (editor->drag == AETHER_UI_DRAG_NODE && editor->moved &&
      !strcmp(editor->node, node->name)) {
    box.x = editor->move_x;
    box.y = editor->move_y;
  } else if (editor->pending[0] && !strcmp(editor->pending, node->name)) {
    box.x = editor->pending_x;
    box.y = editor->pending_y;
  }
  return box;
}

static bool
laid_out(const AetherUiEditor* const editor)
{
  return aether_ui_model_layout(editor->model)->n_nodes ==
         aether_patch_n_nodes(aether_ui_model_patch(editor->model));
}

/* The port nearest (x, y) within PORT_HIT pixels: its node's index, the
   port, and whether it is an output. */
static bool
port_at(const AetherUiEditor* const editor,
        const double                x,
        const double                y,
        uint32_t* const             node_index,
        uint32_t* const             port,
        bool* const                 output)
{
  const AetherPatch* const patch = aether_ui_model_patch(editor->model);
  double                   best  = PORT_HIT * PORT_HIT;
  bool                     found = false;
  if (!laid_out(editor)) {
    return false;
  }
  for (uint32_t v = 0; v < aether_patch_n_nodes(patch); ++v) {
    const AetherNodeType* const type = aether_patch_node(patch, v)->type;
    const AetherUiBox           box  = node_box(editor, v);
    for (uint32_t k = 0; k < type->n_inputs + type->n_outputs; ++k) {
      const bool     out = k >= type->n_inputs;
      const uint32_t i   = out ? k - type->n_inputs : k;
      double         qx  = 0.0;
      double         qy  = 0.0;
      aether_ui_port_pos(&box, i, out, &qx, &qy);
      to_window(editor, qx, qy, &qx, &qy);
      const double d = (qx - x) * (qx - x) + (qy - y) * (qy - y);
      if (d <= best) {
        best        = d;
        found       = true;
        *node_index = v;
        *port       = i;
        *output     = out;
      }
    }
  }
  return found;
}

/* The topmost node whose box holds (x, y). */
static bool
node_at(const AetherUiEditor* const editor,
        const double                x,
        const double                y,
        uint32_t* const             node_index)
{
  const uint32_t n = aether_patch_n_nodes(aether_ui_model_patch(editor->model));
  double         px = 0.0;
  double         py = 0.0;
  to_patch(editor, x, y, &px, &py);
  if (!laid_out(editor)) {
    return false;
  }
  for (uint32_t v = n; v-- > 0U;) {
    const AetherUiBox box = node_box(editor, v);
    if (inside(&box, px, py)) {
      *node_index = v;
      return true;
    }
  }
  return false;
}

static double
segment_distance2(const double x,
                  const double y,
                  const double ax,
                  const double ay,
                  const double bx,
                  const double by)
{
  const double dx = bx - ax;
  const double dy = by - ay;
  const double l2 = dx * dx + dy * dy;
  double       t  = l2 > 0.0 ? ((x - ax) * dx + (y - ay) * dy) / l2 : 0.0;
  t               = fmin(1.0, fmax(0.0, t));
  const double ex = ax + t * dx - x;
  const double ey = ay + t * dy - y;
  return ex * ex + ey * ey;
}

/* The source's output index of input `k` of `node`. */
static uint32_t
source_output(const AetherPatchNode* const src,
              const AetherPatchNode* const node,
              const uint32_t               k)
{
  const char* const output = node->inputs[k].output;
  const int         o =
    output[0] ? aether_node_type_output_index(src->type, output) : 0;
  return o < 0 ? 0U : (uint32_t)o;
}

/* The connection whose curve passes within WIRE_HIT pixels of (x, y). */
static bool
wire_at(const AetherUiEditor* const editor,
        const double                x,
        const double                y,
        uint32_t* const             node_index,
        uint32_t* const             input)
{
  const AetherPatch* const patch = aether_ui_model_patch(editor->model);
  double                   best  = WIRE_HIT * WIRE_HIT;
  bool                     found = false;
  if (!laid_out(editor)) {
    return false;
  }
  for (uint32_t v = 0; v < aether_patch_n_nodes(patch); ++v) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    for (uint32_t k = 0; k < node->type->n_inputs; ++k) {
      const AetherPatchNode* const src =
        ((node->inputs_set >> k) & 1U)
          ? aether_patch_find(patch, node->inputs[k].source)
          : NULL;
      if (!src) {
        continue;
      }
      const AetherUiBox from =
        node_box(editor, (uint32_t)(src - aether_patch_node(patch, 0)));
      const AetherUiBox to = node_box(editor, v);
      double            x0 = 0.0;
      double            y0 = 0.0;
      double            x1 = 0.0;
      double            y1 = 0.0;
      aether_ui_port_pos(&from, source_output(src, node, k), true, &x0, &y0);
      aether_ui_port_pos(&to, k, false, &x1, &y1);
      AetherUiCurve curve;
      aether_ui_wire_curve(x0, y0, x1, y1, &curve);
      for (uint32_t c = 0; c < curve.n; ++c) {
        const double* const q  = curve.seg[c];
        double              ax = 0.0;
        double              ay = 0.0;
        to_window(editor, q[0], q[1], &ax, &ay);
        for (int s = 1; s <= 24; ++s) {
          const double t  = s / 24.0;
          const double u  = 1.0 - t;
          const double bx = u * u * u * q[0] + 3.0 * u * u * t * q[2] +
                            3.0 * u * t * t * q[4] + t * t * t * q[6];
          const double by = u * u * u * q[1] + 3.0 * u * u * t * q[3] +
                            3.0 * u * t * t * q[5] + t * t * t * q[7];
          double wx = 0.0;
          double wy = 0.0;
          to_window(editor, bx, by, &wx, &wy);
          const double d = segment_distance2(x, y, ax, ay, wx, wy);
          if (d <= best) {
            best        = d;
            found       = true;
            *node_index = v;
            *input      = k;
          }
          ax = wx;
          ay = wy;
        }
      }
    }
  }
  return found;
}

/* The palette */

static bool
matches(const AetherNodeType* const type, const char* const filter)
{
  if (!filter[0]) {
    return true;
  }
  /* Case-insensitive, in the type's name or its label. */
  const char* const names[2] = { type->name, type->label };
  const size_t      n        = strlen(filter);
  for (int i = 0; i < 2; ++i) {
    const char* const s = names[i] ? names[i] : "";
    for (size_t at = 0; s[at]; ++at) {
      size_t k = 0;
      while (k < n && s[at + k] &&
             tolower((unsigned char)s[at + k]) ==
               tolower((unsigned char)filter[k])) {
        ++k;
      }
      if (k == n) {
        return true;
      }
    }
  }
  return false;
}

/* The entries for the filter, grouped by kind, and the first type
   picked. */
static void
palette_fill(AetherUiEditor* const editor)
{
  editor->n_entries  = 0U;
  editor->pal_sel    = UINT32_MAX;
  editor->pal_scroll = 0U;
  for (uint32_t kind = 0; kind < AETHER_UI_N_KINDS; ++kind) {
    bool heading = false;
    for (uint32_t i = 0; i < aether_registry_count(); ++i) {
      const AetherNodeType* const type = aether_registry_get(i);
      if (aether_ui_kind_of(type) != kind || !matches(type, editor->filter) ||
          editor->n_entries + 2U > AETHER_UI_MAX_ENTRIES) {
        continue;
      }
      if (!heading) {
        editor->entries[editor->n_entries].type   = NULL;
        editor->entries[editor->n_entries++].kind = kind;
        heading                                   = true;
      }
      if (editor->pal_sel == UINT32_MAX) {
        editor->pal_sel = editor->n_entries;
      }
      editor->entries[editor->n_entries].type   = type;
      editor->entries[editor->n_entries++].kind = kind;
    }
  }
  touch(editor);
}

static void
palette_open(AetherUiEditor* const editor, const double x, const double y)
{
  editor->palette   = true;
  editor->menu      = false;
  editor->filter[0] = '\0';
  to_patch(editor, x, y, &editor->pal_px, &editor->pal_py);
  palette_fill(editor);

  /* At the pointer, inside the window as far as it fits. */
  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  editor->pal_x   = x;
  editor->pal_y   = y;
  aether_ui_editor_palette_box(editor, &box);
  const double full = 28.0 + AETHER_UI_PALETTE_ROWS * AETHER_UI_ROW_H + 4.0;
  editor->pal_x     = fmax(0.0, fmin(x, (double)editor->width - box.w));
  editor->pal_y =
    fmax(AETHER_UI_TOOLBAR_H,
         fmin(y, (double)editor->height - AETHER_UI_STATUS_H - full));
}

static void
palette_close(AetherUiEditor* const editor)
{
  if (editor->palette) {
    editor->palette = false;
    touch(editor);
  }
}

/* Keep the picked entry in view. */
static void
palette_show_sel(AetherUiEditor* const editor)
{
  if (editor->pal_sel == UINT32_MAX) {
    return;
  }
  if (editor->pal_sel < editor->pal_scroll) {
    editor->pal_scroll = editor->pal_sel;
    /* Its kind's heading too, when it is the first of its kind. */
    if (editor->pal_scroll && !editor->entries[editor->pal_scroll - 1U].type) {
      --editor->pal_scroll;
    }
  } else if (editor->pal_sel >= editor->pal_scroll + AETHER_UI_PALETTE_ROWS) {
    editor->pal_scroll = editor->pal_sel + 1U - AETHER_UI_PALETTE_ROWS;
  }
}

static void
palette_step(AetherUiEditor* const editor, const int dir)
{
  uint32_t i = editor->pal_sel;
  if (i == UINT32_MAX) {
    return;
  }
  while (dir > 0 ? i + 1U < editor->n_entries : i > 0U) {
    i = dir > 0 ? i + 1U : i - 1U;
    if (editor->entries[i].type) {
      editor->pal_sel = i;
      palette_show_sel(editor);
      touch(editor);
      return;
    }
  }
}

/* A name for a new node of `type`: its type's name in lower case, with a
   number from 2 on when that is taken (in the patch, or by a node added
   that the patch does not show yet). */
static void
new_name(const AetherUiEditor* const editor,
         const AetherNodeType* const type,
         char* const                 name)
{
  char base[AETHER_MAX_NAME - 8];
  snprintf(base, sizeof(base), "%s", type->name);
  for (char* c = base; *c; ++c) {
    *c = (char)tolower((unsigned char)*c);
  }
  for (uint32_t n = 1U;; ++n) {
    if (n == 1U) {
      snprintf(name, AETHER_MAX_NAME, "%s", base);
    } else {
      snprintf(name, AETHER_MAX_NAME, "%s%u", base, n);
    }
    bool taken = aether_patch_find(aether_ui_model_patch(editor->model), name);
    for (uint32_t i = 0; !taken && i < editor->n_added; ++i) {
      taken = !strcmp(editor->added[i], name);
    }
    if (!taken) {
      return;
    }
  }
}

static void
add_type(AetherUiEditor* const editor, const AetherNodeType* const type)
{
  char name[AETHER_MAX_NAME];
  new_name(editor, type, name);
  const float x = (float)round(editor->pal_px);
  const float y = (float)round(editor->pal_py);
  finish(editor,
         aether_ui_model_add_node(
           editor->model, begin(editor), name, type->name, x, y));
  if (!editor->n_added) {
    editor->added_patches = aether_ui_model_n_patches(editor->model);
  }
  if (editor->n_added < AETHER_UI_MAX_ADDED) {
    snprintf(editor->added[editor->n_added++], AETHER_MAX_NAME, "%s", name);
  }
  palette_close(editor);
}

/* Edits */

static void
select_node(AetherUiEditor* const editor, const char* const name)
{
  if (editor->picked[0]) {
    editor->picked[0] = '\0';
    touch(editor);
  }
  const char* const was = aether_ui_model_selected(editor->model);
  if (!(was && name && !strcmp(was, name))) {
    editor->panel_scroll = 0.0;
    editor->menu         = false;
  }
  aether_ui_model_select(editor->model, name);
}

static void
pick_wire(AetherUiEditor* const editor,
          const char* const     node,
          const uint32_t        input)
{
  select_node(editor, NULL);
  snprintf(editor->picked, sizeof(editor->picked), "%s", node);
  editor->picked_input = input;
  touch(editor);
}

static void
set_param(AetherUiEditor* const        editor,
          const AetherPatchNode* const node,
          const uint32_t               p,
          const float                  value)
{
  finish(editor,
         aether_ui_model_set_param(editor->model,
                                   begin(editor),
                                   node->name,
                                   node->type->params[p].name,
                                   value));
}

static void
delete_selection(AetherUiEditor* const editor)
{
  if (editor->picked[0]) {
    const AetherPatchNode* const node =
      aether_patch_find(aether_ui_model_patch(editor->model), editor->picked);
    if (node && editor->picked_input < node->type->n_inputs) {
      finish(editor,
             aether_ui_model_disconnect(
               editor->model,
               begin(editor),
               node->name,
               node->type->inputs[editor->picked_input].name));
    }
    editor->picked[0] = '\0';
    touch(editor);
    return;
  }
  const char* const name = aether_ui_model_selected(editor->model);
  if (name) {
    char copy[AETHER_MAX_NAME];
    snprintf(copy, sizeof(copy), "%s", name);
    finish(editor,
           aether_ui_model_delete_node(editor->model, begin(editor), copy));
  }
}

static void
set_voices(AetherUiEditor* const editor, const int delta)
{
  const int voices = (int)aether_ui_model_voices(editor->model) + delta;
  if (voices >= 1 && voices <= AETHER_MAX_VOICES) {
    finish(editor,
           aether_ui_model_set_voices(
             editor->model, begin(editor), (uint32_t)voices));
  }
}

/* Pressing */

static void
press_tool(AetherUiEditor* const editor, const double x, const double y)
{
  for (int t = 0; t < AETHER_UI_N_TOOLS; ++t) {
    AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
    if (!aether_ui_editor_tool_box(editor, (AetherUiTool)t, &box) ||
        !inside(&box, x, y)) {
      continue;
    }
    switch ((AetherUiTool)t) {
      case AETHER_UI_TOOL_ADD:
        palette_open(editor,
                     (double)editor->width * 0.5 - AETHER_UI_PALETTE_W * 0.5,
                     AETHER_UI_TOOLBAR_H + 20.0);
        /* The new node goes to the middle of the view. */
        to_patch(editor,
                 (double)editor->width * 0.5,
                 (double)editor->height * 0.5,
                 &editor->pal_px,
                 &editor->pal_py);
        break;
      case AETHER_UI_TOOL_FIT:
        fit(editor);
        break;
      case AETHER_UI_TOOL_CLEAR:
        if (editor->clear_armed) {
          finish(editor, aether_ui_model_clear(editor->model, begin(editor)));
          editor->clear_armed = false;
        } else {
          editor->clear_armed = true; /* a second click clears */
        }
        touch(editor);
        break;
      case AETHER_UI_TOOL_VOICES_DOWN:
        set_voices(editor, -1);
        break;
      case AETHER_UI_TOOL_VOICES_UP:
        set_voices(editor, 1);
        break;
      case AETHER_UI_N_TOOLS:
        break;
    }
    return;
  }
}

static void
press_panel(AetherUiEditor* const editor,
            const double          x,
            const double          y,
            const uint32_t        time)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  for (uint32_t row = 0; node && row <= node->type->n_params; ++row) {
    AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
    if (!aether_ui_editor_row_box(editor, row, &box) || !inside(&box, x, y) ||
        box.y < AETHER_UI_TOOLBAR_H + AETHER_UI_PANEL_HEAD - 1.0) {
      continue;
    }
    if (!row) {
      finish(editor,
             aether_ui_model_set_poly(
               editor->model, begin(editor), node->name, !node->poly));
      return;
    }

    const uint32_t               p    = row - 1U;
    const AetherParamDesc* const desc = &node->type->params[p];
    if (desc->kind == AETHER_PARAM_TOGGLE) {
      set_param(editor, node, p, node->params[p] >= 0.5f ? 0.0f : 1.0f);
      return;
    }
    if (desc->kind == AETHER_PARAM_ENUM) {
      editor->menu       = true;
      editor->menu_param = p;
      editor->menu_sel   = (uint32_t)node->params[p];
      touch(editor);
      return;
    }

    /* A slider: a double-click sets the default, a drag moves it. */
    const bool again = editor->click_valid && editor->click_param == p &&
                       time - editor->click_time < DOUBLE_CLICK_MS &&
                       fabs(x - editor->click_x) <= CLICK_SLOP &&
                       fabs(y - editor->click_y) <= CLICK_SLOP;
    if (again) {
      editor->click_valid = false;
      set_param(editor, node, p, desc->def);
      return;
    }
    editor->click_valid  = true;
    editor->click_time   = time;
    editor->click_param  = p;
    editor->click_x      = x;
    editor->click_y      = y;
    editor->drag         = AETHER_UI_DRAG_SLIDER;
    editor->param        = p;
    editor->slider_value = node->params[p];
    editor->slider_n0    = aether_ui_param_position(desc, node->params[p]);
    snprintf(editor->node, sizeof(editor->node), "%s", node->name);
    return;
  }
}

/* A press on the patch. */
static void
press_patch(AetherUiEditor* const editor,
            const double          x,
            const double          y,
            const AetherUiButton  button)
{
  const AetherPatch* const patch = aether_ui_model_patch(editor->model);
  uint32_t                 v     = 0;
  uint32_t                 port  = 0;
  bool                     out   = false;

  if (button == AETHER_UI_BUTTON_LEFT &&
      port_at(editor, x, y, &v, &port, &out)) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    editor->drag                      = AETHER_UI_DRAG_WIRE;
    editor->wire_output               = out;
    editor->wire_port                 = port;
    snprintf(editor->node, sizeof(editor->node), "%s", node->name);
    return;
  }

  if (node_at(editor, x, y, &v)) {
    const AetherPatchNode* const node = aether_patch_node(patch, v);
    const AetherUiBox            box  = node_box(editor, v);
    select_node(editor, node->name);
    if (button == AETHER_UI_BUTTON_LEFT) {
      editor->drag    = AETHER_UI_DRAG_NODE;
      editor->node_x0 = box.x;
      editor->node_y0 = box.y;
      editor->move_x  = box.x;
      editor->move_y  = box.y;
      snprintf(editor->node, sizeof(editor->node), "%s", node->name);
    }
    return;
  }

  uint32_t input = 0;
  if (wire_at(editor, x, y, &v, &input)) {
    pick_wire(editor, aether_patch_node(patch, v)->name, input);
    return;
  }

  if (button == AETHER_UI_BUTTON_RIGHT) {
    palette_open(editor, x, y);
    return;
  }
  editor->drag = AETHER_UI_DRAG_PAN; /* a click without a drag unselects */
}

void
aether_ui_editor_press(AetherUiEditor* const editor,
                       const double          x,
                       const double          y,
                       const AetherUiButton  button,
                       const uint32_t        mods,
                       const uint32_t        time)
{
  (void)mods;
  editor->px = x;
  editor->py = y;
  if (editor->drag != AETHER_UI_DRAG_NONE) {
    return; /* one drag at a time */
  }
  editor->press_x     = x;
  editor->press_y     = y;
  editor->moved       = false;
  editor->drag_button = button;
  editor->view0       = *aether_ui_model_view(editor->model);

  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  if (editor->clear_armed &&
      !(aether_ui_editor_tool_box(editor, AETHER_UI_TOOL_CLEAR, &box) &&
        inside(&box, x, y))) {
    editor->clear_armed = false;
    touch(editor);
  }

  /* An open menu or palette takes the press; outside, it closes. */
  if (editor->menu) {
    const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
    for (uint32_t i = 0;
         node && aether_ui_editor_menu_item_box(editor, i, &box);
         ++i) {
      if (inside(&box, x, y)) {
        set_param(editor, node, editor->menu_param, (float)i);
      }
    }
    editor->menu = false;
    touch(editor);
    return;
  }
  if (editor->palette) {
    if (!aether_ui_editor_palette_box(editor, &box) || !inside(&box, x, y)) {
      palette_close(editor);
      return;
    }
    for (uint32_t i = 0; aether_ui_editor_entry_box(editor, i, &box); ++i) {
      const AetherUiEntry* const e = &editor->entries[editor->pal_scroll + i];
      if (inside(&box, x, y) && e->type) {
        add_type(editor, e->type);
        return;
      }
    }
    return;
  }

  if (y < AETHER_UI_TOOLBAR_H) {
    if (button == AETHER_UI_BUTTON_LEFT) {
      press_tool(editor, x, y);
    }
    return;
  }
  if (y >= (double)editor->height - AETHER_UI_STATUS_H) {
    return;
  }
  if (aether_ui_editor_panel_box(editor, &box) && inside(&box, x, y)) {
    if (button == AETHER_UI_BUTTON_LEFT) {
      press_panel(editor, x, y, time);
    }
    return;
  }
  if (button == AETHER_UI_BUTTON_MIDDLE) {
    editor->drag = AETHER_UI_DRAG_PAN;
    return;
  }
  press_patch(editor, x, y, button);
}

/* Moving */

static void
palette_hover(AetherUiEditor* const editor, const double x, const double y)
{
  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  for (uint32_t i = 0; aether_ui_editor_entry_box(editor, i, &box); ++i) {
    const uint32_t e = editor->pal_scroll + i;
    if (inside(&box, x, y) && editor->entries[e].type && e != editor->pal_sel) {
      editor->pal_sel = e;
      touch(editor);
    }
  }
}

static void
menu_hover(AetherUiEditor* const editor, const double x, const double y)
{
  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  for (uint32_t i = 0; aether_ui_editor_menu_item_box(editor, i, &box); ++i) {
    if (inside(&box, x, y) && i != editor->menu_sel) {
      editor->menu_sel = i;
      touch(editor);
    }
  }
}

static void
drag_slider(AetherUiEditor* const editor, const double x, const uint32_t mods)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  AetherUiBox                  row  = { 0.0, 0.0, 0.0, 0.0 };
  if (!node || strcmp(node->name, editor->node) ||
      editor->param >= node->type->n_params ||
      !aether_ui_editor_row_box(editor, editor->param + 1U, &row)) {
    editor->drag = AETHER_UI_DRAG_NONE; /* the node is gone */
    return;
  }
  const AetherUiBox bar   = aether_ui_editor_slider_box(&row);
  const double      scale = (mods & AETHER_UI_MOD_SHIFT) ? 1.0 / FINE : 1.0;
  const double      pos =
    editor->slider_n0 + (x - editor->press_x) / fmax(1.0, bar.w) * scale;
  const float value =
    aether_ui_param_value(&node->type->params[editor->param], pos);
  if (value != editor->slider_value) {
    editor->slider_value = value;
    set_param(editor, node, editor->param, value);
    touch(editor);
  }
}

void
aether_ui_editor_motion(AetherUiEditor* const editor,
                        const double          x,
                        const double          y,
                        const uint32_t        mods)
{
  editor->px = x;
  editor->py = y;
  if (editor->palette) {
    palette_hover(editor, x, y);
  }
  if (editor->menu) {
    menu_hover(editor, x, y);
  }
  if (editor->drag == AETHER_UI_DRAG_NONE) {
    return;
  }
  if (!editor->moved && (fabs(x - editor->press_x) > CLICK_SLOP ||
                         fabs(y - editor->press_y) > CLICK_SLOP)) {
    editor->moved = true;
  }

  const AetherUiView* const view = aether_ui_model_view(editor->model);
  switch (editor->drag) {
    case AETHER_UI_DRAG_PAN:
      if (editor->moved) {
        AetherUiView next = editor->view0;
        next.pan_x += x - editor->press_x;
        next.pan_y += y - editor->press_y;
        aether_ui_model_set_view(editor->model, &next);
      }
      break;
    case AETHER_UI_DRAG_NODE:
      if (editor->moved) {
        editor->move_x = editor->node_x0 + (x - editor->press_x) / view->zoom;
        editor->move_y = editor->node_y0 + (y - editor->press_y) / view->zoom;
        touch(editor);
      }
      break;
    case AETHER_UI_DRAG_WIRE:
      touch(editor);
      break;
    case AETHER_UI_DRAG_SLIDER:
      drag_slider(editor, x, mods);
      break;
    case AETHER_UI_DRAG_NONE:
      break;
  }
}

/* Releasing */

/* The end of a connection dragged from a port: the port of the other
   direction under (x, y) on another node. */
static void
drop_wire(AetherUiEditor* const editor, const double x, const double y)
{
  const AetherPatch* const     patch = aether_ui_model_patch(editor->model);
  const AetherPatchNode* const from  = aether_patch_find(patch, editor->node);
  uint32_t                     v     = 0;
  uint32_t                     port  = 0;
  bool                         out   = false;
  if (!from || !port_at(editor, x, y, &v, &port, &out) ||
      out == editor->wire_output) {
    return;
  }
  const AetherPatchNode* const to = aether_patch_node(patch, v);
  if (to == from) {
    return;
  }
  const AetherPatchNode* const src = editor->wire_output ? from : to;
  const AetherPatchNode* const dst = editor->wire_output ? to : from;
  const uint32_t o = editor->wire_output ? editor->wire_port : port;
  const uint32_t i = editor->wire_output ? port : editor->wire_port;
  finish(editor,
         aether_ui_model_connect(editor->model,
                                 begin(editor),
                                 dst->name,
                                 dst->type->inputs[i].name,
                                 src->name,
                                 src->type->outputs[o].name));
}

static void
drop_node(AetherUiEditor* const editor)
{
  const float x = (float)round(editor->move_x);
  const float y = (float)round(editor->move_y);
  if (!isfinite(x) || !isfinite(y) || fabsf(x) > AETHER_PATCH_MAX_COORD ||
      fabsf(y) > AETHER_PATCH_MAX_COORD) {
    return;
  }
  AetherUiModel* const model = editor->model;
  const bool           sent =
    finish(editor,
           aether_ui_model_move_node(model, begin(editor), editor->node, x, y));
  if (sent) {
    snprintf(editor->pending, sizeof(editor->pending), "%s", editor->node);
    editor->pending_x        = x;
    editor->pending_y        = y;
    editor->pending_patches  = aether_ui_model_n_patches(model);
    editor->pending_statuses = aether_ui_model_n_statuses(model);
  }
}

void
aether_ui_editor_release(AetherUiEditor* const editor,
                         const double          x,
                         const double          y,
                         const AetherUiButton  button,
                         const uint32_t        mods)
{
  editor->px = x;
  editor->py = y;
  if (editor->drag == AETHER_UI_DRAG_NONE || button != editor->drag_button) {
    return;
  }
  /* Where it ends counts as a motion (a host may not pass every one). */
  aether_ui_editor_motion(editor, x, y, mods);
  const AetherUiDrag drag = editor->drag;
  editor->drag            = AETHER_UI_DRAG_NONE;
  switch (drag) {
    case AETHER_UI_DRAG_PAN:
      if (!editor->moved && button == AETHER_UI_BUTTON_LEFT) {
        select_node(editor, NULL);
      }
      break;
    case AETHER_UI_DRAG_NODE:
      if (editor->moved) {
        drop_node(editor);
      }
      break;
    case AETHER_UI_DRAG_WIRE:
      drop_wire(editor, x, y);
      break;
    case AETHER_UI_DRAG_SLIDER:
    case AETHER_UI_DRAG_NONE:
      break;
  }
  touch(editor);
}

void
aether_ui_editor_scroll(AetherUiEditor* const editor,
                        const double          x,
                        const double          y,
                        const double          steps,
                        const uint32_t        mods)
{
  (void)mods;
  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  if (!isfinite(steps) || steps == 0.0) {
    return;
  }
  if (aether_ui_editor_palette_box(editor, &box) && inside(&box, x, y)) {
    const uint32_t last = editor->n_entries > AETHER_UI_PALETTE_ROWS
                            ? editor->n_entries - AETHER_UI_PALETTE_ROWS
                            : 0U;
    if (steps > 0.0 && editor->pal_scroll > 0U) {
      --editor->pal_scroll;
    } else if (steps < 0.0 && editor->pal_scroll < last) {
      ++editor->pal_scroll;
    }
    touch(editor);
    return;
  }
  if (aether_ui_editor_panel_box(editor, &box) && inside(&box, x, y)) {
    const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
    const double                 content =
      AETHER_UI_PANEL_HEAD + 26.0 + node->type->n_params * AETHER_UI_PARAM_H;
    const double most = fmax(0.0, content - box.h);
    editor->panel_scroll =
      fmin(most, fmax(0.0, editor->panel_scroll - steps * AETHER_UI_PARAM_H));
    editor->menu = false;
    touch(editor);
    return;
  }
  if (editor->drag == AETHER_UI_DRAG_NONE) {
    aether_ui_model_zoom_at(editor->model, pow(ZOOM_STEP, steps), x, y);
  }
}

/* Keys */

static void
key_palette(AetherUiEditor* const editor,
            const AetherUiKey     key,
            const char* const     text)
{
  const size_t len = strlen(editor->filter);
  switch (key) {
    case AETHER_UI_KEY_ESCAPE:
      palette_close(editor);
      break;
    case AETHER_UI_KEY_RETURN:
      if (editor->pal_sel < editor->n_entries &&
          editor->entries[editor->pal_sel].type) {
        add_type(editor, editor->entries[editor->pal_sel].type);
      }
      break;
    case AETHER_UI_KEY_UP:
      palette_step(editor, -1);
      break;
    case AETHER_UI_KEY_DOWN:
      palette_step(editor, 1);
      break;
    case AETHER_UI_KEY_BACKSPACE:
    case AETHER_UI_KEY_DELETE:
      if (len) {
        editor->filter[len - 1U] = '\0';
        palette_fill(editor);
      }
      break;
    case AETHER_UI_KEY_TEXT:
      for (const char* c = text; c && *c; ++c) {
        const size_t n = strlen(editor->filter);
        if ((unsigned char)*c >= 0x20U && (unsigned char)*c < 0x7FU &&
            n + 1U < sizeof(editor->filter)) {
          editor->filter[n]      = *c;
          editor->filter[n + 1U] = '\0';
        }
      }
      palette_fill(editor);
      break;
  }
}

static void
key_menu(AetherUiEditor* const editor, const AetherUiKey key)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  if (!node) {
    editor->menu = false;
    return;
  }
  const uint32_t last = (uint32_t)node->type->params[editor->menu_param].max;
  switch (key) {
    case AETHER_UI_KEY_UP:
      editor->menu_sel = editor->menu_sel ? editor->menu_sel - 1U : 0U;
      break;
    case AETHER_UI_KEY_DOWN:
      editor->menu_sel = editor->menu_sel < last ? editor->menu_sel + 1U : last;
      break;
    case AETHER_UI_KEY_RETURN:
      set_param(editor, node, editor->menu_param, (float)editor->menu_sel);
      editor->menu = false;
      break;
    case AETHER_UI_KEY_ESCAPE:
      editor->menu = false;
      break;
    case AETHER_UI_KEY_TEXT:
    case AETHER_UI_KEY_DELETE:
    case AETHER_UI_KEY_BACKSPACE:
      break;
  }
  touch(editor);
}

void
aether_ui_editor_key(AetherUiEditor* const editor,
                     const AetherUiKey     key,
                     const char* const     text,
                     const uint32_t        mods)
{
  (void)mods;
  if (editor->palette) {
    key_palette(editor, key, text);
    return;
  }
  if (editor->menu) {
    key_menu(editor, key);
    return;
  }
  switch (key) {
    case AETHER_UI_KEY_ESCAPE:
      if (editor->drag != AETHER_UI_DRAG_NONE) {
        editor->drag = AETHER_UI_DRAG_NONE; /* nothing sent */
        touch(editor);
      } else {
        select_node(editor, NULL);
      }
      break;
    case AETHER_UI_KEY_DELETE:
    case AETHER_UI_KEY_BACKSPACE:
      if (editor->drag == AETHER_UI_DRAG_NONE) {
        delete_selection(editor);
      }
      break;
    case AETHER_UI_KEY_TEXT:
      if (!text || !text[0] || text[1] || editor->drag != AETHER_UI_DRAG_NONE) {
        break;
      }
      if (text[0] == 'a' || text[0] == ' ') {
        const bool in_view =
          editor->py >= AETHER_UI_TOOLBAR_H &&
          editor->py < (double)editor->height - AETHER_UI_STATUS_H;
        palette_open(editor,
                     in_view ? editor->px : (double)editor->width * 0.5,
                     in_view ? editor->py : (double)editor->height * 0.5);
      } else if (text[0] == 'f') {
        fit(editor);
      } else if (text[0] == '+' || text[0] == '=' || text[0] == '-') {
        aether_ui_model_zoom_at(editor->model,
                                text[0] == '-' ? 1.0 / ZOOM_STEP : ZOOM_STEP,
                                (double)editor->width * 0.5,
                                (double)editor->height * 0.5);
      }
      break;
    case AETHER_UI_KEY_RETURN:
    case AETHER_UI_KEY_UP:
    case AETHER_UI_KEY_DOWN:
      break;
  }
}

AetherStatus
aether_ui_editor_select(AetherUiEditor* const editor, const char* const name)
{
  if (name && !aether_patch_find(aether_ui_model_patch(editor->model), name)) {
    return AETHER_ERR_NOT_FOUND;
  }
  select_node(editor, name);
  return AETHER_SUCCESS;
}

void
aether_ui_editor_fit(AetherUiEditor* const editor)
{
  fit(editor);
}

/* Locating */

static bool
locate_port(const AetherUiEditor* const editor,
            const char* const           spec,
            const bool                  output,
            double* const               x,
            double* const               y)
{
  char              node_name[AETHER_MAX_NAME];
  const char* const dot = strchr(spec, '.');
  if (!dot || (size_t)(dot - spec) >= sizeof(node_name)) {
    return false;
  }
  memcpy(node_name, spec, (size_t)(dot - spec));
  node_name[dot - spec] = '\0';

  const AetherPatch* const     patch = aether_ui_model_patch(editor->model);
  const AetherPatchNode* const node  = aether_patch_find(patch, node_name);
  if (!node || !laid_out(editor)) {
    return false;
  }
  const int k = output ? aether_node_type_output_index(node->type, dot + 1)
                       : aether_node_type_input_index(node->type, dot + 1);
  if (k < 0) {
    return false;
  }
  const AetherUiBox box =
    node_box(editor, (uint32_t)(node - aether_patch_node(patch, 0)));
  double px = 0.0;
  double py = 0.0;
  aether_ui_port_pos(&box, (uint32_t)k, output, &px, &py);
  to_window(editor, px, py, x, y);
  return true;
}

static bool
centre(const AetherUiBox* const box, double* const x, double* const y)
{
  *x = box->x + box->w * 0.5;
  *y = box->y + box->h * 0.5;
  return true;
}

bool
aether_ui_editor_locate(const AetherUiEditor* const editor,
                        const char* const           what,
                        double* const               x,
                        double* const               y)
{
  static const char* const tools[AETHER_UI_N_TOOLS] = { "button:add",
                                                        "button:fit",
                                                        "button:clear",
                                                        "button:voices-",
                                                        "button:voices+" };
  const AetherPatch* const patch = aether_ui_model_patch(editor->model);
  AetherUiBox              box   = { 0.0, 0.0, 0.0, 0.0 };

  if (!strncmp(what, "node:", 5)) {
    const AetherPatchNode* const node = aether_patch_find(patch, what + 5);
    if (!node || !laid_out(editor)) {
      return false;
    }
    box = node_box(editor, (uint32_t)(node - aether_patch_node(patch, 0)));
    to_window(editor, box.x + box.w * 0.5, box.y + 10.0, x, y);
    return true;
  }
  if (!strncmp(what, "output:", 7)) {
    return locate_port(editor, what + 7, true, x, y);
  }
  if (!strncmp(what, "input:", 6)) {
    return locate_port(editor, what + 6, false, x, y);
  }
  for (int t = 0; t < AETHER_UI_N_TOOLS; ++t) {
    if (!strcmp(what, tools[t])) {
      return aether_ui_editor_tool_box(editor, (AetherUiTool)t, &box) &&
             centre(&box, x, y);
    }
  }
  if (!strncmp(what, "palette:", 8)) {
    for (uint32_t i = 0; aether_ui_editor_entry_box(editor, i, &box); ++i) {
      const AetherUiEntry* const e = &editor->entries[editor->pal_scroll + i];
      if (e->type && !strcmp(e->type->name, what + 8)) {
        return centre(&box, x, y);
      }
    }
    return false;
  }
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  if (!node) {
    return false;
  }
  if (!strncmp(what, "param:", 6)) {
    const int p = !strcmp(what + 6, "poly")
                    ? -1
                    : aether_node_type_param_index(node->type, what + 6);
    if (p < -1 || !aether_ui_editor_row_box(editor, (uint32_t)(p + 1), &box)) {
      return false;
    }
    if (p >= 0) {
      box = aether_ui_editor_slider_box(&box);
    }
    return centre(&box, x, y);
  }
  if (!strncmp(what, "choice:", 7) && editor->menu) {
    const AetherParamDesc* const desc = &node->type->params[editor->menu_param];
    for (uint32_t i = 0; aether_ui_editor_menu_item_box(editor, i, &box); ++i) {
      if (desc->choices && !strcmp(desc->choices[i], what + 7)) {
        return centre(&box, x, y);
      }
    }
  }
  return false;
}
