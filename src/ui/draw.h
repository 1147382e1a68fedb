/* Aether UI: drawing the editor's view with cairo. One function of the
   model and a cairo context: the same picture in the plugin's window, in
   `aether snapshot` and in the tests (an image surface, no display). */

#ifndef AETHER_UI_DRAW_H
#define AETHER_UI_DRAW_H

#include "layout.h"
#include "model.h"

#include <cairo.h>

/** Draw `model` into `cr`, an area of `width` x `height` pixels from the
    origin: the patch through the model's view (every node as a box with
    its name and type, inputs on the left and outputs on the right,
    connections as curves from output to input, dashed when they are
    feedback, thicker from a per-voice node; per-voice nodes stacked with
    the voice count; what each host macro drives; the selection), then the
    status line with the plugin's last answer. Leaves `cr`'s state as it
    found it. */
void
aether_ui_draw(const AetherUiModel* model, cairo_t* cr, int width, int height);

/** What the editor shows on top of the model: a node being moved, a
    connection picked. Zero (NULLs) for none. */
typedef struct {
  const char* moving;     /**< the node drawn elsewhere, or NULL */
  double      move_x;     /**< where its box's top-left corner is drawn */
  double      move_y;     /**< (patch units) */
  const char* wire_node;  /**< the node whose input `wire_input` ... */
  uint32_t    wire_input; /**< ... is the connection drawn picked */
} AetherUiDrawOptions;

/** aether_ui_draw() with the editor's additions `opts` (NULL: none). */
void
aether_ui_draw_with(const AetherUiModel*       model,
                    cairo_t*                   cr,
                    int                        width,
                    int                        height,
                    const AetherUiDrawOptions* opts);

/** The fill colour of `node`'s box (by its kind: the plugin's edges,
    sources, control signals, filters, effects), components 0 .. 1. */
void
aether_ui_node_color(const AetherPatchNode* node,
                     double*                r,
                     double*                g,
                     double*                b);

/** The colour of the view's background. */
void
aether_ui_background(double* r, double* g, double* b);

#endif /* AETHER_UI_DRAW_H */
