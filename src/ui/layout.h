/* Aether UI: where the editor draws each node. A node with a position
   (`ae:x`, `ae:y`) is drawn there; the others get an automatic layout by
   signal flow: left to right in columns by the longest path from the
   sources (feedback connections, those that go back to close a loop
   through a delay node, do not count), AudioIn and the MIDI nodes in the
   first column,
   AudioOut in the last, other sources just before what they feed; in each
   column near the nodes that feed them, never overlapping another box.

   Geometry is in patch units (the view's zoom maps them to pixels). */

#ifndef AETHER_UI_LAYOUT_H
#define AETHER_UI_LAYOUT_H

#include "../engine/status.h"
#include "../patch/patch.h"

#include <stdbool.h>
#include <stdint.h>

/** Width of a node box. */
#define AETHER_UI_BOX_W 150.0

/** Height of a box's title (name and type). */
#define AETHER_UI_BOX_HEAD 34.0

/** Height of one row of ports. */
#define AETHER_UI_PORT_ROW 16.0

/** Space between columns and between boxes in a column. */
#define AETHER_UI_COL_GAP 70.0
#define AETHER_UI_ROW_GAP 24.0

/** How far the stack of a per-voice node (above and right) and the macro
    badges (below) reach outside its box when drawn. */
#define AETHER_UI_STACK 8.0
#define AETHER_UI_BADGE_H 14.0

/** Height of the status line at the bottom of the view, in pixels. */
#define AETHER_UI_STATUS_H 22.0

/** A rectangle: top-left corner and size. */
typedef struct {
  double x;
  double y;
  double w;
  double h;
} AetherUiBox;

/** The layout of a patch: a box per node (in the patch's order), and which
    inputs are feedback connections. */
typedef struct {
  uint32_t     n_nodes;
  AetherUiBox* boxes;    /**< [n_nodes] */
  uint8_t*     feedback; /**< [n_nodes * AETHER_MAX_INPUTS]: 1 if so */
  uint32_t*    column;   /**< [n_nodes]: rank by signal flow */
  bool*        placed;   /**< [n_nodes]: at the patch's own position */
} AetherUiLayout;

/** Lay out `patch` into `layout` (set up to zeros first, or reused: its
    arrays are reallocated). Returns AETHER_ERR_NO_MEMORY on failure (the
    layout is then empty). */
AetherStatus
aether_ui_layout_compute(AetherUiLayout* layout, const AetherPatch* patch);

/** Free a layout's arrays (the struct itself is the caller's). */
void
aether_ui_layout_free(AetherUiLayout* layout);

/** The size of `node`'s box. */
void
aether_ui_node_size(const AetherPatchNode* node, double* w, double* h);

/** Where input (`output` false) or output `k` of a node drawn in `box`
    connects: on the left edge for inputs, the right edge for outputs. */
void
aether_ui_port_pos(const AetherUiBox* box,
                   uint32_t           k,
                   bool               output,
                   double*            x,
                   double*            y);

/** The curve of a connection: `n` (1 or 2) cubic Bezier segments, each
    start, two control points and end (x, y pairs), in patch units. */
typedef struct {
  uint32_t n;
  double   seg[2][8];
} AetherUiCurve;

/** The curve of a connection from an output at (x0, y0) to an input at
    (x1, y1): out of the source to the right and into the input from the
    left; one going back (the input left of the output, as a feedback
    connection usually is) bows below both ends. */
void
aether_ui_wire_curve(double         x0,
                     double         y0,
                     double         x1,
                     double         y1,
                     AetherUiCurve* curve);

/** True if the two boxes overlap (touching edges do not). */
bool
aether_ui_boxes_overlap(const AetherUiBox* a, const AetherUiBox* b);

#endif /* AETHER_UI_LAYOUT_H */
