/* Aether UI: the editor's state and geometry, shared by the interaction
   (editor.c) and its drawing (editor_draw.c). Not a public interface. */

#ifndef AETHER_UI_EDITOR_IMPL_H
#define AETHER_UI_EDITOR_IMPL_H

#include "editor.h"
#include "kind.h"
#include "layout.h"
#include "model.h"

#include <lv2/atom/forge.h>

#include <stdbool.h>
#include <stdint.h>

/** Longest palette filter, with its NUL. */
#define AETHER_UI_FILTER_SIZE 32U

/** Most entries of the palette: every type and a heading per kind. */
#define AETHER_UI_MAX_ENTRIES 96U

/** Rows of the palette's list shown at once, and their height. */
#define AETHER_UI_PALETTE_ROWS 14U
#define AETHER_UI_ROW_H 20.0
#define AETHER_UI_PALETTE_W 220.0

/** The panel: its heading, then one row per parameter. */
#define AETHER_UI_PANEL_HEAD 46.0
#define AETHER_UI_PARAM_H 38.0

/** Room for the messages of one action (the largest, Clear, is a few
    hundred bytes). */
#define AETHER_UI_OUT_SIZE 4096U

/** Node names waiting for the plugin's patch after an add. */
#define AETHER_UI_MAX_ADDED 16U

/** The toolbar's buttons (the voice count's only for the synth). */
typedef enum {
  AETHER_UI_TOOL_ADD,
  AETHER_UI_TOOL_FIT,
  AETHER_UI_TOOL_CLEAR,
  AETHER_UI_TOOL_VOICES_DOWN,
  AETHER_UI_TOOL_VOICES_UP,
  AETHER_UI_N_TOOLS,
} AetherUiTool;

/** What a press started. */
typedef enum {
  AETHER_UI_DRAG_NONE,
  AETHER_UI_DRAG_PAN,    /**< the view follows the pointer */
  AETHER_UI_DRAG_NODE,   /**< a node follows the pointer */
  AETHER_UI_DRAG_WIRE,   /**< a connection from a port to the pointer */
  AETHER_UI_DRAG_SLIDER, /**< a parameter follows the pointer */
} AetherUiDrag;

/** One line of the palette: a kind's heading (`type` NULL) or a type. */
typedef struct {
  const AetherNodeType* type;
  uint32_t              kind;
} AetherUiEntry;

struct AetherUiEditorImpl {
  AetherUiModel*    model;
  LV2_Atom_Forge    forge;
  uint64_t          out[AETHER_UI_OUT_SIZE / 8U]; /**< the forge's buffer */
  AetherUiWriteFunc write;
  void*             handle;
  bool              synth;
  int               width;
  int               height;
  uint32_t          revision; /**< of the editor's own state */
  bool              fitted;   /**< the view was fitted to the first patch */
  double            px;       /**< the pointer */
  double            py;

  /* A press and what it drags */
  AetherUiDrag   drag;
  AetherUiButton drag_button;
  double         press_x;
  double         press_y;
  bool           moved; /**< farther than a click from the press */
  AetherUiView   view0; /**< the view at the press */
  char           node[AETHER_MAX_NAME]; /**< node dragged, or wire's end */
  double         node_x0; /**< its box at the press (patch units) */
  double         node_y0;
  double         move_x; /**< where it is drawn now */
  double         move_y;
  bool           wire_output; /**< the wire starts at an output */
  uint32_t       wire_port;
  uint32_t       param;        /**< the slider's parameter */
  double         slider_n0;    /**< its position (0 .. 1) at the press */
  float          slider_value; /**< the value shown while dragging */

  /* The last click on a parameter (double-clicks) */
  bool     click_valid;
  uint32_t click_time;
  uint32_t click_param;
  double   click_x;
  double   click_y;

  /* The connection picked: input `picked_input` of node `picked` */
  char     picked[AETHER_MAX_NAME]; /**< "": none */
  uint32_t picked_input;

  /* A node moved, drawn where it was put until the plugin's patch comes */
  char     pending[AETHER_MAX_NAME]; /**< "": none */
  float    pending_x;
  float    pending_y;
  uint32_t pending_patches;
  uint32_t pending_statuses;

  /* Names of nodes added, taken until the plugin's patch comes */
  char     added[AETHER_UI_MAX_ADDED][AETHER_MAX_NAME];
  uint32_t n_added;
  uint32_t added_patches;

  /* The palette */
  bool          palette;
  double        pal_x; /**< its top-left corner in the window */
  double        pal_y;
  double        pal_px; /**< where a type picked goes (patch units) */
  double        pal_py;
  char          filter[AETHER_UI_FILTER_SIZE];
  AetherUiEntry entries[AETHER_UI_MAX_ENTRIES];
  uint32_t      n_entries;
  uint32_t      pal_sel;    /**< the entry picked by Enter (a type) */
  uint32_t      pal_scroll; /**< the first entry shown */

  /* The menu of a choice parameter */
  bool     menu;
  uint32_t menu_param;
  uint32_t menu_sel;

  double panel_scroll; /**< pixels of the panel scrolled up */
  bool   clear_armed;  /**< Clear was clicked once */
};

/** The selected node, if the panel shows one. */
const AetherPatchNode*
aether_ui_editor_selected_node(const AetherUiEditor* editor);

/** The toolbar button `tool`; false if it is not shown. */
bool
aether_ui_editor_tool_box(const AetherUiEditor* editor,
                          AetherUiTool          tool,
                          AetherUiBox*          box);

/** The panel; false if no node is selected. */
bool
aether_ui_editor_panel_box(const AetherUiEditor* editor, AetherUiBox* box);

/** Row `row` of the panel (0: "per voice", 1 + i: parameter i) as it is
    scrolled; false if there is no such row. */
bool
aether_ui_editor_row_box(const AetherUiEditor* editor,
                         uint32_t              row,
                         AetherUiBox*          box);

/** The slider of a parameter row. */
AetherUiBox
aether_ui_editor_slider_box(const AetherUiBox* row);

/** The palette, and its visible entry `i` (pal_scroll + i); false when
    closed or past the last. */
bool
aether_ui_editor_palette_box(const AetherUiEditor* editor, AetherUiBox* box);
bool
aether_ui_editor_entry_box(const AetherUiEditor* editor,
                           uint32_t              i,
                           AetherUiBox*          box);

/** The open menu, and its entry `i`. */
bool
aether_ui_editor_menu_box(const AetherUiEditor* editor, AetherUiBox* box);
bool
aether_ui_editor_menu_item_box(const AetherUiEditor* editor,
                               uint32_t              i,
                               AetherUiBox*          box);

/** Where a parameter's value lies along its slider, 0 .. 1 (a frequency or
    a time with a wide range: logarithmically). */
double
aether_ui_param_position(const AetherParamDesc* desc, float value);

/** The value at position `pos` (clamped to 0 .. 1) along a slider, whole
    for whole-numbered kinds. */
float
aether_ui_param_value(const AetherParamDesc* desc, double pos);

/** The value of parameter `p` of the selected node as shown (the one being
    dragged, or the plugin's). */
float
aether_ui_editor_param_shown(const AetherUiEditor*  editor,
                             const AetherPatchNode* node,
                             uint32_t               p);

#endif /* AETHER_UI_EDITOR_IMPL_H */
