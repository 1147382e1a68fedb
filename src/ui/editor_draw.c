/* Aether UI: drawing the whole editor (see editor_draw.h). */

#include "editor_draw.h"

#include "draw.h"
#include "editor_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FONT "sans-serif"

typedef struct {
  double r;
  double g;
  double b;
} Rgb;

static const Rgb bar_bg     = { 0.15, 0.155, 0.17 };
static const Rgb panel_bg   = { 0.10, 0.105, 0.115 };
static const Rgb button_bg  = { 0.24, 0.25, 0.28 };
static const Rgb armed_bg   = { 0.62, 0.20, 0.18 };
static const Rgb edge       = { 0.36, 0.38, 0.42 };
static const Rgb text_main  = { 0.93, 0.93, 0.95 };
static const Rgb text_dim   = { 0.62, 0.64, 0.69 };
static const Rgb accent     = { 0.98, 0.80, 0.25 };
static const Rgb slider_bg  = { 0.20, 0.21, 0.24 };
static const Rgb slider_on  = { 0.45, 0.65, 0.90 };
static const Rgb pick_bg    = { 0.28, 0.36, 0.52 };
static const Rgb wire_drawn = { 0.98, 0.80, 0.25 };

static void
set_rgb(cairo_t* const cr, const Rgb c)
{
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void
fill_box(cairo_t* const cr, const AetherUiBox* const box, const Rgb c)
{
  cairo_rectangle(cr, box->x, box->y, box->w, box->h);
  set_rgb(cr, c);
  cairo_fill(cr);
}

static void
font(cairo_t* const cr, const double size, const bool bold)
{
  cairo_select_font_face(cr,
                         FONT,
                         CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

/* Text with its left (align 0), centre (0.5) or right (1) at x, its
   baseline at y, cut with "..." to `max_w`. */
static void
text(cairo_t* const    cr,
     const char* const str,
     const double      x,
     const double      y,
     const double      align,
     const double      max_w)
{
  char                 buf[160];
  cairo_text_extents_t ext;
  size_t               len = strlen(str);
  if (len >= sizeof(buf) - 4U) {
    len = sizeof(buf) - 4U;
  }
  memcpy(buf, str, len);
  buf[len] = '\0';
  cairo_text_extents(cr, buf, &ext);
  while (ext.x_advance > max_w && len > 1U) {
    --len;
    while (len > 1U && ((unsigned char)buf[len - 1U] & 0xC0U) == 0x80U) {
      --len;
    }
    memcpy(buf + len, "...", 4);
    cairo_text_extents(cr, buf, &ext);
  }
  cairo_move_to(cr, x - align * ext.x_advance, y);
  cairo_show_text(cr, buf);
}

static void
button(cairo_t* const           cr,
       const AetherUiBox* const box,
       const char* const        label,
       const Rgb                bg)
{
  cairo_rectangle(cr, box->x + 0.5, box->y + 0.5, box->w - 1.0, box->h - 1.0);
  set_rgb(cr, bg);
  cairo_fill_preserve(cr);
  set_rgb(cr, edge);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  font(cr, 11.0, false);
  set_rgb(cr, text_main);
  text(
    cr, label, box->x + box->w * 0.5, box->y + box->h * 0.5 + 4.0, 0.5, box->w);
}

/* A parameter's value as text, with its unit. */
static void
format_value(const AetherParamDesc* const desc,
             const float                  value,
             char* const                  buf,
             const size_t                 size)
{
  if (desc->kind == AETHER_PARAM_ENUM && desc->choices && value >= 0.0f &&
      value <= desc->max) {
    snprintf(buf, size, "%s", desc->choices[(int)value]);
  } else if (desc->kind == AETHER_PARAM_TOGGLE) {
    snprintf(buf, size, "%s", value >= 0.5f ? "on" : "off");
  } else if (desc->kind == AETHER_PARAM_INTEGER) {
    snprintf(buf,
             size,
             "%.0f%s%s",
             (double)value,
             desc->unit[0] ? " " : "",
             desc->unit);
  } else {
    snprintf(buf,
             size,
             fabs((double)value) < 10000.0 ? "%.4g%s%s" : "%.0f%s%s",
             (double)value,
             desc->unit[0] ? " " : "",
             desc->unit);
  }
}

static void
draw_toolbar(const AetherUiEditor* const editor, cairo_t* const cr)
{
  const AetherUiBox bar = {
    0.0, 0.0, (double)editor->width, AETHER_UI_TOOLBAR_H
  };
  fill_box(cr, &bar, bar_bg);
  static const char* const labels[3] = { "+ Add", "Fit", "Clear" };
  AetherUiBox              box       = { 0.0, 0.0, 0.0, 0.0 };
  for (int t = AETHER_UI_TOOL_ADD; t <= AETHER_UI_TOOL_CLEAR; ++t) {
    aether_ui_editor_tool_box(editor, (AetherUiTool)t, &box);
    const bool armed = t == AETHER_UI_TOOL_CLEAR && editor->clear_armed;
    button(
      cr, &box, armed ? "Clear?" : labels[t], armed ? armed_bg : button_bg);
  }

  double right = (double)editor->width - 8.0;
  if (aether_ui_editor_tool_box(editor, AETHER_UI_TOOL_VOICES_DOWN, &box)) {
    button(cr, &box, "-", button_bg);
    AetherUiBox up = box;
    aether_ui_editor_tool_box(editor, AETHER_UI_TOOL_VOICES_UP, &up);
    button(cr, &up, "+", button_bg);
    char n[16];
    snprintf(n, sizeof(n), "%u", aether_ui_model_voices(editor->model));
    font(cr, 12.0, true);
    set_rgb(cr, text_main);
    text(cr,
         n,
         (box.x + box.w + up.x) * 0.5,
         box.y + box.h * 0.5 + 4.5,
         0.5,
         40.0);
    font(cr, 11.0, false);
    set_rgb(cr, text_dim);
    text(cr, "Voices", box.x - 6.0, box.y + box.h * 0.5 + 4.0, 1.0, 60.0);
    right = box.x - 60.0;
  }

  /* What the mouse does, while there is room. */
  const double left = 206.0;
  if (right - left > 80.0) {
    font(cr, 10.5, false);
    set_rgb(cr, text_dim);
    text(cr,
         editor->clear_armed
           ? "Click Clear again to remove every node"
           : "Right click: add   Drag from a port: connect   Click a "
             "wire + Del: disconnect   Wheel: zoom",
         left,
         AETHER_UI_TOOLBAR_H * 0.5 + 4.0,
         0.0,
         right - left);
  }
}

static void
draw_panel(const AetherUiEditor* const editor, cairo_t* const cr)
{
  const AetherPatchNode* const node  = aether_ui_editor_selected_node(editor);
  AetherUiBox                  panel = { 0.0, 0.0, 0.0, 0.0 };
  if (!node || !aether_ui_editor_panel_box(editor, &panel)) {
    return;
  }
  cairo_save(cr);
  fill_box(cr, &panel, panel_bg);
  cairo_move_to(cr, panel.x + 0.5, panel.y);
  cairo_line_to(cr, panel.x + 0.5, panel.y + panel.h);
  set_rgb(cr, edge);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);

  /* The rows scroll under the heading. */
  cairo_rectangle(cr,
                  panel.x,
                  panel.y + AETHER_UI_PANEL_HEAD,
                  panel.w,
                  fmax(0.0, panel.h - AETHER_UI_PANEL_HEAD));
  cairo_clip(cr);
  const AetherNodeType* const type = node->type;
  for (uint32_t row = 0; row <= type->n_params; ++row) {
    AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
    aether_ui_editor_row_box(editor, row, &box);
    if (box.y + box.h < panel.y || box.y > panel.y + panel.h) {
      continue;
    }
    if (!row) {
      /* Per voice: a switch. */
      cairo_rectangle(cr, box.x + 12.5, box.y + 6.5, 12.0, 12.0);
      set_rgb(cr, node->poly ? slider_on : slider_bg);
      cairo_fill_preserve(cr);
      set_rgb(cr, edge);
      cairo_stroke(cr);
      font(cr, 11.0, false);
      set_rgb(cr, text_main);
      char label[48];
      snprintf(label,
               sizeof(label),
               "per voice (%u voices)",
               aether_ui_model_voices(editor->model));
      text(cr,
           node->poly ? label : "per voice",
           box.x + 32.0,
           box.y + 17.0,
           0.0,
           box.w - 44.0);
      continue;
    }

    const uint32_t               p    = row - 1U;
    const AetherParamDesc* const desc = &type->params[p];
    const float value = aether_ui_editor_param_shown(editor, node, p);
    char        shown[64];
    format_value(desc, value, shown, sizeof(shown));
    const AetherUiBox bar  = aether_ui_editor_slider_box(&box);
    const bool        menu = desc->kind == AETHER_PARAM_ENUM;
    font(cr, 11.0, false);
    set_rgb(cr, text_main);
    text(cr, desc->label, box.x + 12.0, box.y + 14.0, 0.0, box.w * 0.55);
    set_rgb(cr, value != desc->def ? accent : text_dim);
    if (menu) {
      /* A menu: the choice in a box with an arrow. */
      cairo_rectangle(cr, bar.x + 0.5, bar.y - 4.5, bar.w - 1.0, bar.h + 8.0);
      set_rgb(cr, slider_bg);
      cairo_fill_preserve(cr);
      set_rgb(cr, edge);
      cairo_stroke(cr);
      set_rgb(cr, value != desc->def ? accent : text_main);
      text(cr, shown, bar.x + 6.0, bar.y + 8.0, 0.0, bar.w - 24.0);
      cairo_move_to(cr, bar.x + bar.w - 14.0, bar.y + 1.0);
      cairo_line_to(cr, bar.x + bar.w - 6.0, bar.y + 1.0);
      cairo_line_to(cr, bar.x + bar.w - 10.0, bar.y + 6.0);
      cairo_close_path(cr);
      set_rgb(cr, text_dim);
      cairo_fill(cr);
      continue;
    }
    text(cr, shown, box.x + box.w - 12.0, box.y + 14.0, 1.0, box.w * 0.4);
    const double pos = desc->kind == AETHER_PARAM_TOGGLE
                         ? (value >= 0.5f ? 1.0 : 0.0)
                         : aether_ui_param_position(desc, value);
    cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
    set_rgb(cr, slider_bg);
    cairo_fill(cr);
    cairo_rectangle(cr, bar.x, bar.y, bar.w * pos, bar.h);
    set_rgb(cr, slider_on);
    cairo_fill(cr);
    /* The default, as a tick. */
    const double def = aether_ui_param_position(desc, desc->def);
    cairo_rectangle(
      cr, bar.x + bar.w * def - 0.5, bar.y - 2.0, 1.0, bar.h + 4.0);
    set_rgb(cr, text_dim);
    cairo_fill(cr);
  }
  cairo_restore(cr);

  /* The heading: name and type. */
  font(cr, 13.0, true);
  set_rgb(cr, text_main);
  text(cr, node->name, panel.x + 12.0, panel.y + 19.0, 0.0, panel.w - 24.0);
  font(cr, 10.5, false);
  set_rgb(cr, text_dim);
  char kind[160];
  snprintf(kind, sizeof(kind), "%s (%s)", type->label, type->name);
  text(cr, kind, panel.x + 12.0, panel.y + 36.0, 0.0, panel.w - 24.0);
}

static void
popup_frame(cairo_t* const cr, const AetherUiBox* const box)
{
  cairo_rectangle(cr, box->x + 3.0, box->y + 3.0, box->w, box->h);
  cairo_set_source_rgba(cr, 0.0, 0.0, 0.0, 0.35);
  cairo_fill(cr);
  cairo_rectangle(cr, box->x + 0.5, box->y + 0.5, box->w - 1.0, box->h - 1.0);
  set_rgb(cr, bar_bg);
  cairo_fill_preserve(cr);
  set_rgb(cr, edge);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
}

static void
draw_palette(const AetherUiEditor* const editor, cairo_t* const cr)
{
  AetherUiBox pal = { 0.0, 0.0, 0.0, 0.0 };
  if (!aether_ui_editor_palette_box(editor, &pal)) {
    return;
  }
  popup_frame(cr, &pal);

  /* The filter as typed. */
  const AetherUiBox field = { pal.x + 6.0, pal.y + 5.0, pal.w - 12.0, 19.0 };
  fill_box(cr, &field, panel_bg);
  char line[AETHER_UI_FILTER_SIZE + 16];
  snprintf(line, sizeof(line), "%s_", editor->filter);
  font(cr, 11.0, false);
  set_rgb(cr, editor->filter[0] ? text_main : text_dim);
  text(cr,
       editor->filter[0] ? line : "type to filter, Enter adds",
       field.x + 5.0,
       field.y + 13.5,
       0.0,
       field.w - 10.0);

  AetherUiBox box = { 0.0, 0.0, 0.0, 0.0 };
  if (!editor->n_entries) {
    set_rgb(cr, text_dim);
    text(
      cr, "no such node type", pal.x + 12.0, pal.y + 28.0 + 14.0, 0.0, pal.w);
  }
  for (uint32_t i = 0; aether_ui_editor_entry_box(editor, i, &box); ++i) {
    const uint32_t             e     = editor->pal_scroll + i;
    const AetherUiEntry* const entry = &editor->entries[e];
    if (!entry->type) {
      font(cr, 9.5, true);
      set_rgb(cr, text_dim);
      text(cr,
           aether_ui_kind_name(entry->kind),
           box.x + 6.0,
           box.y + 14.0,
           0.0,
           box.w - 12.0);
      continue;
    }
    if (e == editor->pal_sel) {
      fill_box(cr, &box, pick_bg);
    }
    font(cr, 11.0, false);
    set_rgb(cr, text_main);
    text(cr, entry->type->name, box.x + 14.0, box.y + 14.0, 0.0, box.w * 0.5);
    set_rgb(cr, text_dim);
    text(cr,
         entry->type->label,
         box.x + box.w - 10.0,
         box.y + 14.0,
         1.0,
         box.w * 0.45);
  }

  /* More than fits: a scroll bar (the wheel scrolls). */
  if (editor->n_entries > AETHER_UI_PALETTE_ROWS) {
    const double top   = pal.y + 28.0;
    const double track = AETHER_UI_PALETTE_ROWS * AETHER_UI_ROW_H;
    const double n     = (double)editor->n_entries;
    cairo_rectangle(cr,
                    pal.x + pal.w - 5.0,
                    top + track * editor->pal_scroll / n,
                    3.0,
                    track * AETHER_UI_PALETTE_ROWS / n);
    set_rgb(cr, text_dim);
    cairo_fill(cr);
  }
}

static void
draw_menu(const AetherUiEditor* const editor, cairo_t* const cr)
{
  const AetherPatchNode* const node = aether_ui_editor_selected_node(editor);
  AetherUiBox                  menu = { 0.0, 0.0, 0.0, 0.0 };
  if (!node || !aether_ui_editor_menu_box(editor, &menu)) {
    return;
  }
  popup_frame(cr, &menu);
  const AetherParamDesc* const desc = &node->type->params[editor->menu_param];
  AetherUiBox                  box  = { 0.0, 0.0, 0.0, 0.0 };
  for (uint32_t i = 0; aether_ui_editor_menu_item_box(editor, i, &box); ++i) {
    if (i == editor->menu_sel) {
      fill_box(cr, &box, pick_bg);
    }
    char shown[64];
    format_value(desc, (float)i, shown, sizeof(shown));
    font(cr, 11.0, (float)i == node->params[editor->menu_param]);
    set_rgb(cr, text_main);
    text(cr, shown, box.x + 10.0, box.y + 14.0, 0.0, box.w - 20.0);
  }
}

/* A connection being drawn: from its port to the pointer, and the port it
   would end at ringed. */
static void
draw_new_wire(const AetherUiEditor* const editor, cairo_t* const cr)
{
  const AetherPatchNode* const node =
    aether_patch_find(aether_ui_model_patch(editor->model), editor->node);
  if (editor->drag != AETHER_UI_DRAG_WIRE || !node) {
    return;
  }
  const AetherNodeType* const type = node->type;
  const char* const           port = editor->wire_output
                                       ? type->outputs[editor->wire_port].name
                                       : type->inputs[editor->wire_port].name;
  char                        what[2U * AETHER_MAX_NAME + 16U];
  snprintf(what,
           sizeof(what),
           "%s:%s.%s",
           editor->wire_output ? "output" : "input",
           node->name,
           port);
  double x0 = 0.0;
  double y0 = 0.0;
  if (!aether_ui_editor_locate(editor, what, &x0, &y0)) {
    return;
  }
  const double x1 = editor->px;
  const double y1 = editor->py;
  const double dx =
    fmax(30.0, fabs(x1 - x0) * 0.5) * (editor->wire_output ? 1.0 : -1.0);
  cairo_move_to(cr, x0, y0);
  cairo_curve_to(cr, x0 + dx, y0, x1 - dx, y1, x1, y1);
  set_rgb(cr, wire_drawn);
  cairo_set_line_width(cr, 2.0);
  cairo_stroke(cr);
  cairo_arc(cr, x0, y0, 6.0, 0.0, 2.0 * M_PI);
  cairo_stroke(cr);
}

void
aether_ui_editor_draw(const AetherUiEditor* const editor, cairo_t* const cr)
{
  AetherUiDrawOptions opts = { NULL, 0.0, 0.0, NULL, 0U };
  if (editor->drag == AETHER_UI_DRAG_NODE && editor->moved) {
    opts.moving = editor->node;
    opts.move_x = editor->move_x;
    opts.move_y = editor->move_y;
  } else if (editor->pending[0]) {
    opts.moving = editor->pending;
    opts.move_x = editor->pending_x;
    opts.move_y = editor->pending_y;
  }
  if (editor->picked[0]) {
    opts.wire_node  = editor->picked;
    opts.wire_input = editor->picked_input;
  }

  cairo_save(cr);
  aether_ui_draw_with(editor->model, cr, editor->width, editor->height, &opts);
  draw_new_wire(editor, cr);
  draw_panel(editor, cr);
  draw_toolbar(editor, cr);
  draw_menu(editor, cr);
  draw_palette(editor, cr);
  cairo_restore(cr);
}
