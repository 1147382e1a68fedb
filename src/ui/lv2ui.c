/* Aether UI: the LV2 UI module (aether_ui.so): one ui:X11UI for both
   plugins, talking to them through their ports only. Its messages go to
   the control port (index 0) with atom:eventTransfer; what the plugin says
   on notify (index 1) comes back through port_event(). It needs urid:map;
   it embeds in ui:parent when the host gives one (and tells ui:resize its
   size), otherwise it is a window of its own that ui:showInterface shows.
   ui:idleInterface drives it: events, and a redraw only when something
   changed. It exports lv2ui_descriptor() and nothing else. */

#include "editor.h"
#include "x11.h"

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/ui/ui.h>
#include <lv2/urid/urid.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AETHER_UI_URI "urn:aether:ui"
#define FX_URI "urn:aether:fx"
#define SYNTH_URI "urn:aether:synth"

/* The plugins' atom ports (aether.lv2/aether.ttl). */
#define CONTROL_PORT 0U
#define NOTIFY_PORT 1U

/* The window's size when it opens. */
#define WIDTH 1000
#define HEIGHT 640

typedef struct {
  LV2UI_Write_Function write;
  LV2UI_Controller     controller;
  LV2_URID             atom_eventTransfer;
  AetherUiEditor*      editor;
  AetherUiWindow*      window;
} AetherUi;

/* The editor's messages, to the control port. */
static void
write_message(void* const handle, const LV2_Atom* const atom)
{
  AetherUi* const ui = (AetherUi*)handle;
  ui->write(ui->controller,
            CONTROL_PORT,
            (uint32_t)sizeof(LV2_Atom) + atom->size,
            ui->atom_eventTransfer,
            atom);
}

static void
cleanup(LV2UI_Handle handle)
{
  AetherUi* const ui = (AetherUi*)handle;
  aether_ui_window_free(ui->window);
  aether_ui_editor_free(ui->editor);
  free(ui);
}

static LV2UI_Handle
instantiate(const LV2UI_Descriptor* const   descriptor,
            const char* const               plugin_uri,
            const char* const               bundle_path,
            const LV2UI_Write_Function      write_function,
            const LV2UI_Controller          controller,
            LV2UI_Widget* const             widget,
            const LV2_Feature* const* const features)
{
  (void)descriptor;
  (void)bundle_path;
  const bool synth = plugin_uri && !strcmp(plugin_uri, SYNTH_URI);
  if (!plugin_uri || (!synth && strcmp(plugin_uri, FX_URI)) ||
      !write_function) {
    return NULL;
  }

  LV2_URID_Map*     map     = NULL;
  void*             parent  = NULL;
  LV2UI_Resize*     resize  = NULL;
  const char* const missing = lv2_features_query(features,
                                                 LV2_URID__map,
                                                 &map,
                                                 true,
                                                 LV2_UI__parent,
                                                 &parent,
                                                 false,
                                                 LV2_UI__resize,
                                                 &resize,
                                                 false,
                                                 NULL);
  if (missing) {
    return NULL;
  }

  AetherUi* const ui = (AetherUi*)calloc(1, sizeof(AetherUi));
  if (!ui) {
    return NULL;
  }
  ui->write              = write_function;
  ui->controller         = controller;
  ui->atom_eventTransfer = map->map(map->handle, LV2_ATOM__eventTransfer);
  ui->editor =
    aether_ui_editor_new(map, synth, WIDTH, HEIGHT, write_message, ui);
  ui->window = ui->editor ? aether_ui_window_new(ui->editor,
                                                 (uintptr_t)parent,
                                                 WIDTH,
                                                 HEIGHT,
                                                 synth ? "Aether Synth editor"
                                                       : "Aether FX editor")
                          : NULL;
  if (!ui->window) {
    cleanup(ui);
    return NULL;
  }
  if (widget) {
    *widget = (LV2UI_Widget)aether_ui_window_id(ui->window);
  }
  if (resize && resize->ui_resize) {
    resize->ui_resize(resize->handle, WIDTH, HEIGHT);
  }

  /* What the plugin has: it answers on notify. */
  aether_ui_editor_open(ui->editor);
  return ui;
}

static void
port_event(LV2UI_Handle const handle,
           const uint32_t     port_index,
           const uint32_t     buffer_size,
           const uint32_t     format,
           const void* const  buffer)
{
  AetherUi* const       ui   = (AetherUi*)handle;
  const LV2_Atom* const atom = (const LV2_Atom*)buffer;
  if (port_index != NOTIFY_PORT || format != ui->atom_eventTransfer ||
      !buffer || buffer_size < sizeof(LV2_Atom) ||
      atom->size > buffer_size - sizeof(LV2_Atom)) {
    return; /* not a whole atom from notify */
  }
  aether_ui_editor_receive(ui->editor, atom);
}

static int
ui_idle(LV2UI_Handle handle)
{
  AetherUi* const ui = (AetherUi*)handle;
  aether_ui_editor_idle(ui->editor);
  return aether_ui_window_idle(ui->window) ? 0 : 1;
}

static int
ui_show(LV2UI_Handle handle)
{
  aether_ui_window_show(((AetherUi*)handle)->window, true);
  return 0;
}

static int
ui_hide(LV2UI_Handle handle)
{
  aether_ui_window_show(((AetherUi*)handle)->window, false);
  return 0;
}

static const void*
extension_data(const char* const uri)
{
  static const LV2UI_Idle_Interface idle = { ui_idle };
  static const LV2UI_Show_Interface show = { ui_show, ui_hide };
  if (!strcmp(uri, LV2_UI__idleInterface)) {
    return &idle;
  }
  if (!strcmp(uri, LV2_UI__showInterface)) {
    return &show;
  }
  return NULL;
}

static const LV2UI_Descriptor descriptor = {
  AETHER_UI_URI, instantiate, cleanup, port_event, extension_data,
};

LV2_SYMBOL_EXPORT
const LV2UI_Descriptor*
lv2ui_descriptor(const uint32_t index)
{
  return index == 0U ? &descriptor : NULL;
}
