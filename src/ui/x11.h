/* Aether UI: the editor's window on X11, drawn with cairo. A thin layer:
   X events become the editor's events (editor.h), and the window is
   redrawn (editor_draw.h) when the editor's revision changes, the server
   asks for it, or its size changes. Its own display connection, used on
   the host's GUI thread only (the thread that calls every function here). */

#ifndef AETHER_UI_X11_H
#define AETHER_UI_X11_H

#include "editor.h"

#include <stdbool.h>
#include <stdint.h>

/** Smallest size of the window. */
#define AETHER_UI_MIN_W 420
#define AETHER_UI_MIN_H 300

typedef struct AetherUiWindowImpl AetherUiWindow;

/** Open the X display and make a window of `width` x `height` for
    `editor`: a child of window `parent` (the host's, mapped at once), or
    for `parent` 0 a top-level window called `title`, shown by
    aether_ui_window_show(). Returns NULL if there is no display or no
    memory. */
AetherUiWindow*
aether_ui_window_new(AetherUiEditor* editor,
                     uintptr_t       parent,
                     int             width,
                     int             height,
                     const char*     title);

/** Close the window and its display connection (NULL is allowed). */
void
aether_ui_window_free(AetherUiWindow* window);

/** The X window's id. */
uintptr_t
aether_ui_window_id(const AetherUiWindow* window);

/** Show (map) or hide (unmap) the window. */
void
aether_ui_window_show(AetherUiWindow* window, bool show);

/** Handle the events that are there (without waiting) and redraw if
    needed. Returns false once the user has closed the top-level window
    (it is then hidden). */
bool
aether_ui_window_idle(AetherUiWindow* window);

#endif /* AETHER_UI_X11_H */
