/* Aether UI: drawing the editor's view with cairo. One function of the
   model and a cairo context: the same picture in the plugin's window, in
   `aether snapshot` and in the tests (an image surface, no display). */

#ifndef AETHER_UI_DRAW_H
#define AETHER_UI_DRAW_H

#include "layout.h"
#include "model.h"

#include <cairo.h>

/** Height of the status line at the bottom of the view, in pixels. */
#define AETHER_UI_STATUS_H 22.0

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

/** The view that shows every box of `layout` in a `width` x `height` area
    (above the status line), at most at zoom 1 and at least at
    AETHER_UI_MIN_ZOOM, centred. */
AetherUiView
aether_ui_fit_view(const AetherUiLayout* layout, int width, int height);

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
