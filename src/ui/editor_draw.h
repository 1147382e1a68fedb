/* Aether UI: drawing the whole editor with cairo: the patch (draw.h) with
   what the editor adds (a node being moved, a connection being drawn or
   picked), its toolbar, the selected node's parameter panel, the palette
   and menus. The plugin's window, `aether snapshot` and the tests draw
   with this one function. */

#ifndef AETHER_UI_EDITOR_DRAW_H
#define AETHER_UI_EDITOR_DRAW_H

#include "editor.h"

#include <cairo.h>

/** Draw `editor` into `cr`, an area of its size from the origin. Leaves
    `cr`'s state as it found it. */
void
aether_ui_editor_draw(const AetherUiEditor* editor, cairo_t* cr);

#endif /* AETHER_UI_EDITOR_DRAW_H */
