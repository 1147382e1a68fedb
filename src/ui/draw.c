/* Aether UI: drawing the editor's view (see draw.h). Everything is drawn
   in patch units through the view's transform, except the status line;
   what lies outside the window is skipped, and text too small to read is
   not drawn, so a large patch zoomed out stays cheap. */

#include "draw.h"

#include "kind.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FONT "sans-serif"

/* Text smaller than this many pixels is not drawn. */
#define MIN_TEXT_PX 4.0

#define STACK AETHER_UI_STACK
#define BADGE_H AETHER_UI_BADGE_H

typedef struct {
  double r;
  double g;
  double b;
} Rgb;

static const Rgb background  = { 0.117, 0.121, 0.133 };
static const Rgb box_edge    = { 0.42, 0.44, 0.48 };
static const Rgb selected    = { 0.98, 0.80, 0.25 };
static const Rgb text_main   = { 0.93, 0.93, 0.95 };
static const Rgb text_dim    = { 0.65, 0.67, 0.72 };
static const Rgb wire        = { 0.55, 0.75, 0.95 };
static const Rgb wire_fb     = { 0.95, 0.60, 0.30 };
static const Rgb status_bg   = { 0.07, 0.07, 0.08 };
static const Rgb status_ok   = { 0.35, 0.75, 0.40 };
static const Rgb status_err  = { 0.90, 0.30, 0.28 };
static const Rgb status_warn = { 0.95, 0.70, 0.25 };
static const Rgb status_none = { 0.45, 0.45, 0.48 };
static const Rgb badge       = { 0.55, 0.35, 0.75 };

/* The fill of a node's box, by its kind (kind.h): the plugin's edges
   (audio and MIDI in and out, host macros), sound sources, control
   signals, filters and dynamics, effects and mixing, other. */
static Rgb
node_fill(const AetherPatchNode* const node)
{
  static const Rgb fills[AETHER_UI_N_KINDS] = {
    { 0.16, 0.27, 0.38 }, { 0.20, 0.32, 0.22 }, { 0.33, 0.29, 0.17 },
    { 0.35, 0.20, 0.20 }, { 0.28, 0.22, 0.36 }, { 0.25, 0.25, 0.27 },
  };
  return fills[aether_ui_kind_of(node->type)];
}

void
aether_ui_node_color(const AetherPatchNode* const node,
                     double* const                r,
                     double* const                g,
                     double* const                b)
{
  const Rgb c = node_fill(node);
  *r          = c.r;
  *g          = c.g;
  *b          = c.b;
}

void
aether_ui_background(double* const r, double* const g, double* const b)
{
  *r = background.r;
  *g = background.g;
  *b = background.b;
}

static void
set_rgb(cairo_t* const cr, const Rgb c)
{
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void
rounded_rect(cairo_t* const cr,
             const double   x,
             const double   y,
             const double   w,
             const double   h,
             const double   r)
{
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2.0, 0.0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0.0, M_PI / 2.0);
  cairo_arc(cr, x + r, y + h - r, r, M_PI / 2.0, M_PI);
  cairo_arc(cr, x + r, y + r, r, M_PI, 1.5 * M_PI);
  cairo_close_path(cr);
}

/* Text with its left (align 0), centre (0.5) or right (1) at x, its
   baseline at y, cut with "..." to `max_w`. */
static void
text_at(cairo_t* const    cr,
        const char* const text,
        const double      x,
        const double      y,
        const double      align,
        const double      max_w)
{
  char                 buf[AETHER_UI_STATUS_SIZE + 4];
  cairo_text_extents_t ext;
  size_t               len = strlen(text);
  if (len >= AETHER_UI_STATUS_SIZE) {
    len = AETHER_UI_STATUS_SIZE - 1U;
  }
  memcpy(buf, text, len);
  buf[len] = '\0';
  cairo_text_extents(cr, buf, &ext);
  while (ext.x_advance > max_w && len > 1U) {
    --len;
    while (len > 1U && ((unsigned char)buf[len - 1U] & 0xC0U) == 0x80U) {
      --len; /* not inside a UTF-8 sequence */
    }
    memcpy(buf + len, "...", 4);
    cairo_text_extents(cr, buf, &ext);
  }
  cairo_move_to(cr, x - align * ext.x_advance, y);
  cairo_show_text(cr, buf);
}

/* The patch's visible area, in patch units. */
typedef struct {
  double x0;
  double y0;
  double x1;
  double y1;
} Area;

static bool
visible(const Area* const area, const AetherUiBox* const box)
{
  return box->x - STACK < area->x1 && box->x + box->w + STACK > area->x0 &&
         box->y - STACK < area->y1 && box->y + box->h + BADGE_H > area->y0;
}

static uint32_t
output_index(const AetherPatchNode* const src, const char* const output)
{
  const int o =
    output[0] ? aether_node_type_output_index(src->type, output) : 0;
  return o < 0 ? 0U : (uint32_t)o;
}

/* Where node `v` is drawn: its layout box, or where it is being moved. */
static AetherUiBox
box_of(const AetherPatch* const         patch,
       const AetherUiLayout* const      layout,
       const uint32_t                   v,
       const AetherUiDrawOptions* const opts)
{
  AetherUiBox box = layout->boxes[v];
  if (opts && opts->moving &&
      !strcmp(opts->moving, aether_patch_node(patch, v)->name)) {
    box.x = opts->move_x;
    box.y = opts->move_y;
  }
  return box;
}

static void
draw_wires(cairo_t* const                   cr,
           const AetherPatch* const         patch,
           const AetherUiLayout* const      layout,
           const Area* const                area,
           const AetherUiDrawOptions* const opts)
{
  const AetherPatchNode* const base = aether_patch_node(patch, 0);
  /* A stroke costs cairo about its length in rows: long wires dominate a
     large patch's redraw. Coarser flattening and the fast antialiasing
     take a quarter off and look the same at these widths. */
  cairo_save(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_tolerance(cr, 0.5);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
  for (uint32_t v = 0; v < layout->n_nodes; ++v) {
    const AetherPatchNode* const node = &base[v];
    for (uint32_t k = 0; k < node->type->n_inputs; ++k) {
      if (!((node->inputs_set >> k) & 1U)) {
        continue;
      }
      const AetherPatchNode* const src =
        aether_patch_find(patch, node->inputs[k].source);
      if (!src) {
        continue;
      }
      const uint32_t s  = (uint32_t)(src - base);
      const bool     fb = layout->feedback[(size_t)v * AETHER_MAX_INPUTS + k];
      double         x0 = 0.0;
      double         y0 = 0.0;
      double         x1 = 0.0;
      double         y1 = 0.0;
      const AetherUiBox from = box_of(patch, layout, s, opts);
      const AetherUiBox to   = box_of(patch, layout, v, opts);
      aether_ui_port_pos(
        &from, output_index(src, node->inputs[k].output), true, &x0, &y0);
      aether_ui_port_pos(&to, k, false, &x1, &y1);

      AetherUiCurve curve;
      aether_ui_wire_curve(x0, y0, x1, y1, &curve);
      double lo = fmax(y0, y1);
      for (uint32_t c = 0; c < curve.n; ++c) {
        lo = fmax(lo, curve.seg[c][5]);
      }
      const double dx = fmax(60.0, fabs(x1 - x0) * 0.5);
      if (fmax(x0, x1) + dx < area->x0 || fmin(x0, x1) - dx > area->x1 ||
          lo < area->y0 || fmin(y0, y1) > area->y1) {
        continue;
      }
      cairo_move_to(cr, x0, y0);
      for (uint32_t c = 0; c < curve.n; ++c) {
        const double* const q = curve.seg[c];
        cairo_curve_to(cr, q[2], q[3], q[4], q[5], q[6], q[7]);
      }
      const bool lit = opts && opts->wire_node &&
                       !strcmp(opts->wire_node, node->name) &&
                       opts->wire_input == k;
      cairo_set_line_width(cr, (src->poly ? 3.0 : 1.5) + (lit ? 2.0 : 0.0));
      if (lit) {
        cairo_set_dash(cr, NULL, 0, 0.0);
        set_rgb(cr, selected);
      } else if (fb) {
        const double dash[2] = { 6.0, 4.0 };
        cairo_set_dash(cr, dash, 2, 0.0);
        set_rgb(cr, wire_fb);
      } else {
        cairo_set_dash(cr, NULL, 0, 0.0);
        set_rgb(cr, wire);
      }
      cairo_stroke(cr);
    }
  }
  cairo_restore(cr);
}

/* The macros driving `node`'s parameters, as badges under its box. */
static void
draw_badges(cairo_t* const               cr,
            const AetherPatch* const     patch,
            const AetherPatchNode* const node,
            const AetherUiBox* const     box,
            const bool                   text)
{
  double x = box->x;
  for (uint32_t m = 0; m < aether_patch_n_macros(patch); ++m) {
    const AetherPatchMacro* const mac = aether_patch_macro(patch, m);
    if (strcmp(mac->node, node->name)) {
      continue;
    }
    char label[AETHER_MAX_NAME + 16];
    snprintf(label, sizeof(label), "M%u %s", mac->macro + 1U, mac->param);
    cairo_set_font_size(cr, 9.0);
    cairo_text_extents_t ext;
    cairo_text_extents(cr, label, &ext);
    const double w = fmin(ext.x_advance + 8.0, box->x + box->w - x);
    if (w < 12.0) {
      break; /* no room for more */
    }
    rounded_rect(cr, x, box->y + box->h + 2.0, w, BADGE_H - 2.0, 3.0);
    set_rgb(cr, badge);
    cairo_fill(cr);
    if (text) {
      set_rgb(cr, text_main);
      text_at(cr, label, x + 4.0, box->y + box->h + 11.5, 0.0, w - 6.0);
    }
    x += w + 3.0;
  }
}

static void
draw_node(cairo_t* const               cr,
          const AetherPatch* const     patch,
          const AetherPatchNode* const node,
          const AetherUiBox* const     box,
          const bool                   is_selected,
          const uint32_t               voices,
          const double                 zoom)
{
  const Rgb  fill = node_fill(node);
  const bool text = zoom * 9.0 >= MIN_TEXT_PX;

  /* A per-voice node: a stack of boxes, one for each voice. */
  if (node->poly) {
    for (int i = 2; i >= 1; --i) {
      const double d = STACK * 0.5 * i;
      rounded_rect(cr, box->x + d, box->y - d, box->w, box->h, 6.0);
      cairo_set_source_rgb(cr, fill.r * 0.7, fill.g * 0.7, fill.b * 0.7);
      cairo_fill_preserve(cr);
      set_rgb(cr, box_edge);
      cairo_set_line_width(cr, 1.0);
      cairo_stroke(cr);
    }
  }

  rounded_rect(cr, box->x, box->y, box->w, box->h, 6.0);
  set_rgb(cr, fill);
  cairo_fill_preserve(cr);
  set_rgb(cr, is_selected ? selected : box_edge);
  cairo_set_line_width(cr, is_selected ? 2.5 : 1.0);
  cairo_stroke(cr);

  /* Ports: inputs on the left edge, outputs on the right; one fill for
     the connected inputs and one for the rest (a fill each would cost
     more than the box). */
  const AetherNodeType* const type = node->type;
  for (int pass = 0; pass < 2; ++pass) {
    cairo_new_path(cr);
    for (uint32_t k = 0; k < type->n_inputs + type->n_outputs; ++k) {
      const bool     out   = k >= type->n_inputs;
      const uint32_t i     = out ? k - type->n_inputs : k;
      const bool     wired = !out && ((node->inputs_set >> i) & 1U);
      double         x     = 0.0;
      double         y     = 0.0;
      if (wired != (pass == 1)) {
        continue;
      }
      aether_ui_port_pos(box, i, out, &x, &y);
      cairo_new_sub_path(cr);
      cairo_arc(cr, x, y, 3.5, 0.0, 2.0 * M_PI);
    }
    set_rgb(cr, pass ? wire : text_dim);
    cairo_fill(cr);
  }

  draw_badges(cr, patch, node, box, text);
  if (!text) {
    return;
  }

  /* Name and type (with the voice count of a per-voice node). */
  char kind[AETHER_MAX_NAME + 32];
  if (node->poly) {
    snprintf(kind, sizeof(kind), "%s  x%u voices", type->name, voices);
  } else {
    snprintf(kind, sizeof(kind), "%s", type->name);
  }
  cairo_select_font_face(
    cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 12.0);
  set_rgb(cr, text_main);
  text_at(cr, node->name, box->x + 8.0, box->y + 15.0, 0.0, box->w - 16.0);
  cairo_select_font_face(
    cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 9.5);
  set_rgb(cr, text_dim);
  text_at(cr, kind, box->x + 8.0, box->y + 28.0, 0.0, box->w - 16.0);

  cairo_set_font_size(cr, 9.0);
  for (uint32_t k = 0; k < type->n_inputs + type->n_outputs; ++k) {
    const bool     out = k >= type->n_inputs;
    const uint32_t i   = out ? k - type->n_inputs : k;
    double         x   = 0.0;
    double         y   = 0.0;
    aether_ui_port_pos(box, i, out, &x, &y);
    set_rgb(cr, text_dim);
    text_at(cr,
            out ? type->outputs[i].name : type->inputs[i].name,
            out ? x - 8.0 : x + 8.0,
            y + 3.0,
            out ? 1.0 : 0.0,
            box->w * 0.5 - 12.0);
  }
}

static void
draw_status(const AetherUiModel* const model,
            cairo_t* const             cr,
            const int                  width,
            const int                  height)
{
  const char* const status = aether_ui_model_status(model);
  const double      y      = (double)height - AETHER_UI_STATUS_H;
  cairo_rectangle(cr, 0.0, y, (double)width, AETHER_UI_STATUS_H);
  set_rgb(cr, status_bg);
  cairo_fill(cr);

  /* A light: green "ok", red error, amber warning, grey otherwise. */
  const bool error =
    !strncmp(status, "error", 5) || !strncmp(status, "cannot", 6);
  const Rgb light = error                            ? status_err
                    : !strncmp(status, "warning", 7) ? status_warn
                    : !strcmp(status, "ok")          ? status_ok
                                                     : status_none;
  cairo_rectangle(cr, 6.0, y + 6.0, 10.0, 10.0);
  set_rgb(cr, light);
  cairo_fill(cr);

  char right[96];
  snprintf(right,
           sizeof(right),
           "%u nodes  %u voices  %.0f%%",
           aether_patch_n_nodes(aether_ui_model_patch(model)),
           aether_ui_model_voices(model),
           aether_ui_model_view(model)->zoom * 100.0);
  cairo_select_font_face(
    cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 11.0);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, right, &ext);
  set_rgb(cr, text_dim);
  text_at(cr, right, (double)width - 8.0, y + 15.0, 1.0, (double)width);

  const char* const text = status[0] ? status
                           : aether_ui_model_has_patch(model)
                             ? ""
                             : "waiting for the plugin's patch";
  set_rgb(cr, error ? status_err : text_main);
  text_at(cr, text, 22.0, y + 15.0, 0.0, (double)width - ext.x_advance - 40.0);
}

void
aether_ui_draw(const AetherUiModel* const model,
               cairo_t* const             cr,
               const int                  width,
               const int                  height)
{
  aether_ui_draw_with(model, cr, width, height, NULL);
}

void
aether_ui_draw_with(const AetherUiModel* const       model,
                    cairo_t* const                   cr,
                    const int                        width,
                    const int                        height,
                    const AetherUiDrawOptions* const opts)
{
  const AetherPatch* const    patch  = aether_ui_model_patch(model);
  const AetherUiLayout* const layout = aether_ui_model_layout(model);
  const AetherUiView* const   view   = aether_ui_model_view(model);
  const char* const           sel    = aether_ui_model_selected(model);
  const uint32_t              voices = aether_ui_model_voices(model);

  cairo_save(cr);
  cairo_rectangle(cr, 0.0, 0.0, (double)width, (double)height);
  cairo_clip(cr);
  set_rgb(cr, background);
  cairo_paint(cr);

  /* The patch, through the view, above the status line. */
  cairo_save(cr);
  cairo_rectangle(
    cr, 0.0, 0.0, (double)width, fmax(0.0, height - AETHER_UI_STATUS_H));
  cairo_clip(cr);
  cairo_translate(cr, view->pan_x, view->pan_y);
  cairo_scale(cr, view->zoom, view->zoom);
  const Area area = { -view->pan_x / view->zoom,
                      -view->pan_y / view->zoom,
                      ((double)width - view->pan_x) / view->zoom,
                      ((double)height - view->pan_y) / view->zoom };

  if (layout->n_nodes == aether_patch_n_nodes(patch)) {
    draw_wires(cr, patch, layout, &area, opts);
    for (uint32_t v = 0; v < layout->n_nodes; ++v) {
      const AetherPatchNode* const node = aether_patch_node(patch, v);
      const AetherUiBox            box  = box_of(patch, layout, v, opts);
      if (visible(&area, &box)) {
        draw_node(cr,
                  patch,
                  node,
                  &box,
                  sel && !strcmp(sel, node->name),
                  voices,
                  view->zoom);
      }
    }
  }
  cairo_restore(cr);

  draw_status(model, cr, width, height);
  cairo_restore(cr);
}
