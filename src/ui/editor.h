/* Aether UI: the editor's interaction, without any display. Pointer and key
   events come in (window pixels, from the windowing glue or a test); the
   edits they make go out as the model's patch messages, each handed to the
   caller's write function as one atom for the plugin's control port. What
   is drawn (editor_draw.c) is a function of the editor's state, so the
   same events always give the same messages and the same picture.

   The window: a toolbar at the top (Add, Fit, Clear, and the synth's
   voice count), the patch below it through the model's view, the selected
   node's parameters in a panel on the right, the status line at the
   bottom. The mouse: drag empty space to pan (or drag with the middle
   button anywhere), the wheel zooms at the pointer, click a node to select
   it and drag it to move it (sent when released), drag from an output to
   an input (or back) to connect, click a connection to pick it, right
   click on empty space (or the key 'a', or Add) for the palette of node
   types. Keys: Delete or BackSpace removes the picked connection or the
   selected node, 'f' fits the view, Escape closes what is open. The panel:
   drag a slider to change a parameter (Shift: ten times finer),
   double-click it for its default, click a choice for its menu, a switch
   or "per voice" to flip it. */

#ifndef AETHER_UI_EDITOR_H
#define AETHER_UI_EDITOR_H

#include "model.h"

#include <lv2/atom/atom.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stdint.h>

/** Height of the toolbar at the top of the window, in pixels. */
#define AETHER_UI_TOOLBAR_H 30.0

/** Width of the parameter panel on the right, in pixels. */
#define AETHER_UI_PANEL_W 260.0

/** Mouse buttons. */
typedef enum {
  AETHER_UI_BUTTON_LEFT   = 1,
  AETHER_UI_BUTTON_MIDDLE = 2,
  AETHER_UI_BUTTON_RIGHT  = 3,
} AetherUiButton;

/** Modifier keys held, as bits. */
typedef enum {
  AETHER_UI_MOD_SHIFT = 1U << 0U,
  AETHER_UI_MOD_CTRL  = 1U << 1U,
} AetherUiMods;

/** Keys the editor knows; text (a letter, a digit) comes as
    AETHER_UI_KEY_TEXT with its characters. */
typedef enum {
  AETHER_UI_KEY_TEXT,
  AETHER_UI_KEY_ESCAPE,
  AETHER_UI_KEY_RETURN,
  AETHER_UI_KEY_DELETE,
  AETHER_UI_KEY_BACKSPACE,
  AETHER_UI_KEY_UP,
  AETHER_UI_KEY_DOWN,
} AetherUiKey;

/** Where the editor's messages go: one atom (a patch:Get, Put, Set or
    Delete) for the plugin's control port, to be sent with
    atom:eventTransfer. Valid during the call only. */
typedef void (*AetherUiWriteFunc)(void* handle, const LV2_Atom* atom);

typedef struct AetherUiEditorImpl AetherUiEditor;

/** Create an editor (with its model) of `width` x `height` pixels for the
    synth (`synth`: it shows the voice count) or the effect. `map` is the
    host's, `write` gets every message. Returns NULL if out of memory. */
AetherUiEditor*
aether_ui_editor_new(LV2_URID_Map*     map,
                     bool              synth,
                     int               width,
                     int               height,
                     AetherUiWriteFunc write,
                     void*             handle);

/** Free an editor (NULL is allowed). */
void
aether_ui_editor_free(AetherUiEditor* editor);

/** The editor's model. */
const AetherUiModel*
aether_ui_editor_model(const AetherUiEditor* editor);

/** Ask the plugin for everything (patch:Get): on opening. */
void
aether_ui_editor_open(AetherUiEditor* editor);

/** Take one atom from the plugin's notify port (see
    aether_ui_model_receive()); asks for the patch again when an answer
    says it changed, and fits the view to the first patch. */
void
aether_ui_editor_receive(AetherUiEditor* editor, const LV2_Atom* atom);

/** The window's new size. */
void
aether_ui_editor_resize(AetherUiEditor* editor, int width, int height);

/** A button pressed at (x, y) with modifiers `mods` (AetherUiMods) at
    `time` (milliseconds, for double-clicks). */
void
aether_ui_editor_press(AetherUiEditor* editor,
                       double          x,
                       double          y,
                       AetherUiButton  button,
                       uint32_t        mods,
                       uint32_t        time);

/** The pointer moved to (x, y). */
void
aether_ui_editor_motion(AetherUiEditor* editor,
                        double          x,
                        double          y,
                        uint32_t        mods);

/** A button released at (x, y). */
void
aether_ui_editor_release(AetherUiEditor* editor,
                         double          x,
                         double          y,
                         AetherUiButton  button,
                         uint32_t        mods);

/** The wheel turned `steps` notches at (x, y) (positive: away from the
    user, zoom in). */
void
aether_ui_editor_scroll(AetherUiEditor* editor,
                        double          x,
                        double          y,
                        double          steps,
                        uint32_t        mods);

/** A key pressed: `key`, and for AETHER_UI_KEY_TEXT its characters
    (NUL-terminated UTF-8). */
void
aether_ui_editor_key(AetherUiEditor* editor,
                     AetherUiKey     key,
                     const char*     text,
                     uint32_t        mods);

/** Select node `name` (NULL: nothing), as a click on it would: its
    parameters show in the panel. AETHER_ERR_NOT_FOUND if the patch has no
    such node. */
AetherStatus
aether_ui_editor_select(AetherUiEditor* editor, const char* name);

/** Fit the view to the patch, as the toolbar's Fit does. */
void
aether_ui_editor_fit(AetherUiEditor* editor);

/** Called regularly (the host's idle): sends what is due. */
void
aether_ui_editor_idle(AetherUiEditor* editor);

/** A number that changes whenever the picture changes: redraw when it
    differs from the one drawn. */
uint32_t
aether_ui_editor_revision(const AetherUiEditor* editor);

/** Where something the editor shows is in the window now (the centre of
    it, in pixels), for tests and tools that drive the editor as a user
    would: "node:NAME" (a node's title), "output:NAME.PORT" and
    "input:NAME.PORT" (a port), "button:add", "button:fit", "button:clear",
    "button:voices-", "button:voices+" (the toolbar), "palette:TYPE" (a
    type in the open palette), "param:NAME" (a parameter of the selected
    node in the panel, "param:poly" its per-voice switch), "choice:NAME"
    (an entry of the open menu). False if it is not shown (or not known). */
bool
aether_ui_editor_locate(const AetherUiEditor* editor,
                        const char*           what,
                        double*               x,
                        double*               y);

#endif /* AETHER_UI_EDITOR_H */
