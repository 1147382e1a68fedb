/* Aether UI: the editor's model, without any display. It holds the patch as
   the plugin last told it on its notify port, the plugin's last status, the
   voice count, the selection and the view (zoom, pan). It changes only when
   a message from the plugin says so (one truth: the plugin's patch); the
   editor's actions are written as the LV2 patch messages any host could
   send to the control port, and shown once the plugin has answered.

   Protocol (src/lv2/messages.c, control.c):
   - on open, patch:Get (no property): the plugin answers ae:status,
     ae:voices and, from its worker, the whole patch (patch:Set ae:patch);
     a patch text longer than the plugin writes in one run comes as a
     sequence of patch:Set of ae:patchPart instead (pieces with their byte
     offset and the whole length, see src/lv2/messages.c), which the model
     puts together and shows once it is whole;
   - structural edits (patch:Put, patch:Delete, patch:Set of a node's input
     or position, of ae:voices or of ae:patch) are answered "ok" or
     "error: ..." on ae:status, and changes with state:StateChanged: the
     model then wants the patch again (aether_ui_model_wants_patch()), which
     patch:Get of ae:patch brings;
   - a parameter set is echoed as it was sent (an acknowledgement), which
     the model applies to its patch at once.

   Nothing here prints, locks or needs a display. */

#ifndef AETHER_UI_MODEL_H
#define AETHER_UI_MODEL_H

#include "../engine/status.h"
#include "../patch/patch.h"
#include "layout.h"

#include <lv2/atom/atom.h>
#include <lv2/atom/forge.h>
#include <lv2/urid/urid.h>

#include <stdbool.h>
#include <stdint.h>

/** Size of the status text kept, with its terminating NUL. */
#define AETHER_UI_STATUS_SIZE 600U

/** Zoom limits of the view. */
#define AETHER_UI_MIN_ZOOM 0.05
#define AETHER_UI_MAX_ZOOM 8.0

/** The view: a point (x, y) of the patch is drawn at
    (x * zoom + pan_x, y * zoom + pan_y) in the window. */
typedef struct {
  double zoom;  /**< AETHER_UI_MIN_ZOOM .. AETHER_UI_MAX_ZOOM */
  double pan_x; /**< window x of the patch's origin */
  double pan_y; /**< window y of the patch's origin */
} AetherUiView;

typedef struct AetherUiModelImpl AetherUiModel;

/** Create a model with an empty patch; `map` is the host's urid:map (kept,
    used on the calling thread only). Returns NULL if out of memory. */
AetherUiModel*
aether_ui_model_new(LV2_URID_Map* map);

/** Free a model (NULL is allowed). */
void
aether_ui_model_free(AetherUiModel* model);

/* What the plugin said */

/** Take one atom from the notify port: patch:Set of ae:patch,
    ae:patchPart, ae:status or ae:voices, a parameter acknowledgement
    (patch:Set with subject urn:aether:node:NAME), state:StateChanged, or an
    atom:Sequence of them. `atom` must have its header and `atom->size`
    bytes readable; everything inside is checked (a size running past its
    container, a missing or mistyped value): what is malformed or unknown
    is ignored. Pieces of a patch must come in order: a piece out of place
    drops the pieces gathered so far, keeps the last whole patch in view,
    says so in the status and asks for the patch again (once, until one
    arrives whole). Returns true if what the editor shows changed. */
bool
aether_ui_model_receive(AetherUiModel* model, const LV2_Atom* atom);

/** The patch as the plugin last sent it (empty before its first answer;
    never NULL). Valid until the next aether_ui_model_receive(). */
const AetherPatch*
aether_ui_model_patch(const AetherUiModel* model);

/** Where each node of aether_ui_model_patch() is drawn (its own position,
    or the automatic layout), and which inputs are feedback connections.
    Has no nodes if it could not be made (out of memory). */
const AetherUiLayout*
aether_ui_model_layout(const AetherUiModel* model);

/** True once the plugin has sent its patch. */
bool
aether_ui_model_has_patch(const AetherUiModel* model);

/** The plugin's last status text ("" before any), or the model's own word
    when a patch it sent could not be read. */
const char*
aether_ui_model_status(const AetherUiModel* model);

/** The voice count the plugin last told (or its patch says). */
uint32_t
aether_ui_model_voices(const AetherUiModel* model);

/** True when the plugin's patch has changed since it was last asked for
    (an edit was answered, or state:StateChanged came): send
    aether_ui_model_request_patch(). */
bool
aether_ui_model_wants_patch(const AetherUiModel* model);

/** A number that changes whenever what the editor shows changes (patch,
    status, voices, selection, view): redraw when it differs. */
uint32_t
aether_ui_model_revision(const AetherUiModel* model);

/** How many patches the plugin has sent (a patch that could not be read
    does not count): what was sent before an edit's answer. */
uint32_t
aether_ui_model_n_patches(const AetherUiModel* model);

/** How many status messages the plugin has sent. */
uint32_t
aether_ui_model_n_statuses(const AetherUiModel* model);

/* The editor's own state */

/** Select the node called `name` (NULL: nothing). AETHER_ERR_NOT_FOUND if
    the patch has no such node (the selection is then unchanged). A
    selected node that leaves the patch is unselected. */
AetherStatus
aether_ui_model_select(AetherUiModel* model, const char* name);

/** The selected node's name, or NULL. */
const char*
aether_ui_model_selected(const AetherUiModel* model);

/** The view. */
const AetherUiView*
aether_ui_model_view(const AetherUiModel* model);

/** Set the view; the zoom is clamped to its limits, non-finite values are
    refused (AETHER_ERR_BAD_VALUE, nothing changes). */
AetherStatus
aether_ui_model_set_view(AetherUiModel* model, const AetherUiView* view);

/** Zoom by `factor` keeping the patch point under window point (wx, wy)
    where it is. */
AetherStatus
aether_ui_model_zoom_at(AetherUiModel* model,
                        double         factor,
                        double         wx,
                        double         wy);

/** The view that shows every box of `layout` in a `width` x `height` area
    (above the status line), at most at zoom 1 and at least at
    AETHER_UI_MIN_ZOOM, centred. */
AetherUiView
aether_ui_fit_view(const AetherUiLayout* layout, int width, int height);

/* Actions: each writes LV2 patch messages with `forge` (initialised with
   the same map, its buffer set by the caller) to be sent to the control
   port with atom:eventTransfer. AETHER_ERR_FULL: the buffer is too small
   (its content is then undefined); nothing changes in the model until the
   plugin answers. Node names are bare ("osc"); types, parameters and
   inputs bare names of the vocabulary ("Oscillator", "cutoff", "in"). */

/** patch:Get of everything (status, voices, patch): on opening. */
AetherStatus
aether_ui_model_request_all(AetherUiModel* model, LV2_Atom_Forge* forge);

/** patch:Get of ae:patch: after aether_ui_model_wants_patch(). */
AetherStatus
aether_ui_model_request_patch(AetherUiModel* model, LV2_Atom_Forge* forge);

/** patch:Put of a new node `name` of `type` at (x, y). */
AetherStatus
aether_ui_model_add_node(AetherUiModel*  model,
                         LV2_Atom_Forge* forge,
                         const char*     name,
                         const char*     type,
                         float           x,
                         float           y);

/** patch:Delete of node `name` (with its connections and mappings). */
AetherStatus
aether_ui_model_delete_node(AetherUiModel*  model,
                            LV2_Atom_Forge* forge,
                            const char*     name);

/** patch:Set of input `input` of node `dst` to output `output` of node
    `src` (value urn:aether:node:SRC.OUTPUT). */
AetherStatus
aether_ui_model_connect(AetherUiModel*  model,
                        LV2_Atom_Forge* forge,
                        const char*     dst,
                        const char*     input,
                        const char*     src,
                        const char*     output);

/** Disconnect input `input` of node `dst`: patch:Set of the input with
    the value rdf:nil (an atom:URI). AETHER_ERR_NOT_FOUND for an unknown
    node or input, or one that is not connected. */
AetherStatus
aether_ui_model_disconnect(AetherUiModel*  model,
                           LV2_Atom_Forge* forge,
                           const char*     dst,
                           const char*     input);

/** patch:Set of parameter `param` of node `node` to `value` (a float; a
    choice or a switch is its index). AETHER_ERR_NOT_FOUND if the model's
    patch has no such node or parameter. */
AetherStatus
aether_ui_model_set_param(AetherUiModel*  model,
                          LV2_Atom_Forge* forge,
                          const char*     node,
                          const char*     param,
                          float           value);

/** patch:Set of ae:poly of node `name`: per voice (true) or shared. */
AetherStatus
aether_ui_model_set_poly(AetherUiModel*  model,
                         LV2_Atom_Forge* forge,
                         const char*     name,
                         bool            poly);

/** Move node `name` to (x, y): two messages, patch:Set of ae:x then of
    ae:y, one after the other in the buffer (each at lv2_atom_pad_size() of
    the one before). */
AetherStatus
aether_ui_model_move_node(AetherUiModel*  model,
                          LV2_Atom_Forge* forge,
                          const char*     name,
                          float           x,
                          float           y);

/** patch:Set of ae:voices (1 .. AETHER_MAX_VOICES, else
    AETHER_ERR_BAD_VALUE). */
AetherStatus
aether_ui_model_set_voices(AetherUiModel*  model,
                           LV2_Atom_Forge* forge,
                           uint32_t        voices);

/** patch:Set of ae:patch to a patch without nodes (the voice count kept):
    start from nothing. */
AetherStatus
aether_ui_model_clear(AetherUiModel* model, LV2_Atom_Forge* forge);

#endif /* AETHER_UI_MODEL_H */
