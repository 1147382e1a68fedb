/* Aether UI tests: the real UI module (aether_ui.so, found through lilv as
   a host finds it) wired to the real synth: what the UI writes goes into
   the control port, what the plugin writes on notify into the UI's
   port_event(). On an X server (Xvfb), embedded in a window this host
   makes, driven by X events sent to its window as a user's would arrive:
   it asks for the patch on opening and draws it, a node added from the
   palette and connected to the output makes the synth sound (at the
   oscillator's pitch), a node moved has its new place in the saved state,
   and an edit made by someone else (another UI) shows up.

   With --session, the "done when": a musician opens the synth's
   UI, clears the patch, builds a voice with the mouse (MIDI note,
   oscillator, filter, envelope, output: added from the palette found by
   typing, connected by dragging, made per voice, a wave picked from a
   menu, the cutoff slider dragged, a node moved), plays it (the note's
   pitch, a level), saves the session; a new plugin restores it and a new
   UI opens on it: the same patch (positions, parameters), drawn where it
   was, and the same note rendered bit for bit.

   Where to click: a second editor (the same code, not the module) gets the
   same notify messages and the same events, and says where things are.
   Skipped (77) without a display. */

#include "draw.h"
#include "editor.h"
#include "editor_impl.h"
#include "lv2world.h"
#include "measure.h"
#include "uiwire.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <ctype.h>
#include <dlfcn.h>
#include <lilv/lilv.h>
#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>
#include <lv2/ui/ui.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W 1000
#define H 640

/* Rounds of host work (X events, idle, a run) to wait for something at
   most, each a short sleep apart: a bound, not a timing assumption. */
#define MAX_ROUNDS 2000

static int failures = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

#define REQUIRE(cond)                                                    \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                           \
    }                                                                    \
  } while (0)

typedef struct {
  UiWire*                     wire;
  LV2_URID                    atom_eventTransfer;
  LV2_URID                    patch_Get;
  void*                       lib;
  const LV2UI_Descriptor*     desc;
  LV2UI_Handle                ui;
  const LV2UI_Idle_Interface* idle;
  Display*                    dpy;
  Window                      parent;
  Window                      ui_window;
  AetherUiEditor*             mirror;
  uint32_t                    n_writes; /**< atoms the UI wrote */
  uint32_t                    n_gets;   /**< of them, patch:Get */
  int                         resize_w;
  int                         resize_h;
  Time                        time;
  LV2UI_Resize                resize; /**< the feature given to the UI */
} Host;

/* The UI's write function: its messages into the control port. */
static void
ui_write(void* const       controller,
         const uint32_t    port,
         const uint32_t    size,
         const uint32_t    protocol,
         const void* const buffer)
{
  Host* const           h    = (Host*)controller;
  const LV2_Atom* const atom = (const LV2_Atom*)buffer;
  REQUIRE(port == 0U && protocol == h->atom_eventTransfer);
  REQUIRE(size == lv2_atom_total_size(atom));
  if (atom->type == uiwire_map(h->wire)->map(uiwire_map(h->wire)->handle,
                                             LV2_ATOM__Object) &&
      ((const LV2_Atom_Object*)atom)->body.otype == h->patch_Get) {
    ++h->n_gets;
  }
  ++h->n_writes;
  uiwire_send(h->wire, atom);
}

/* The plugin's notify: to the UI, and to the mirror. */
static void
to_ui(void* const handle, const LV2_Atom* const atom)
{
  Host* const h = (Host*)handle;
  if (h->ui) {
    h->desc->port_event(
      h->ui, 1U, lv2_atom_total_size(atom), h->atom_eventTransfer, atom);
  }
  aether_ui_editor_receive(h->mirror, atom);
}

static void
mirror_write(void* const handle, const LV2_Atom* const atom)
{
  (void)handle;
  (void)atom; /* the module sends these */
}

static int
ui_resize(LV2UI_Feature_Handle handle, const int width, const int height)
{
  Host* const h = (Host*)handle;
  h->resize_w   = width;
  h->resize_h   = height;
  return 0;
}

static void
nap(void)
{
  const struct timespec ts = { 0, 2000000L };
  nanosleep(&ts, NULL);
}

/* One round: X round trip (events sent are with the UI), the UI's idle,
   one run of the plugin (notify to the UI). */
static void
round_trip(Host* const h)
{
  XSync(h->dpy, False);
  CHECK(h->idle->idle(h->ui) == 0);
  uiwire_cycle(h->wire);
}

static const AetherPatch*
mirror_patch(Host* const h)
{
  return aether_ui_model_patch(aether_ui_editor_model(h->mirror));
}

/* The colour at (x, y) of the UI's window, 0xRRGGBB. */
static uint32_t
pixel(Host* const h, const double x, const double y)
{
  XImage* const img = XGetImage(h->dpy,
                                h->ui_window,
                                (int)lround(x),
                                (int)lround(y),
                                1,
                                1,
                                AllPlanes,
                                ZPixmap);
  REQUIRE(img);
  const unsigned long p = XGetPixel(img, 0, 0);
  XDestroyImage(img);
  return (uint32_t)(p & 0xFFFFFFU);
}

static bool
near_colour(const uint32_t got, const double r, const double g, const double b)
{
  const int want[3] = { (int)lround(r * 255.0),
                        (int)lround(g * 255.0),
                        (int)lround(b * 255.0) };
  const int have[3] = { (int)(got >> 16 & 0xFFU),
                        (int)(got >> 8 & 0xFFU),
                        (int)(got & 0xFFU) };
  for (int i = 0; i < 3; ++i) {
    if (abs(want[i] - have[i]) > 2) {
      return false;
    }
  }
  return true;
}

/* A point inside node `name`'s box clear of its text, in the window. */
static bool
node_spot(Host* const       h,
          const char* const name,
          double* const     x,
          double* const     y)
{
  const AetherUiModel* const   model  = aether_ui_editor_model(h->mirror);
  const AetherPatch* const     patch  = aether_ui_model_patch(model);
  const AetherPatchNode* const node   = aether_patch_find(patch, name);
  const AetherUiLayout* const  layout = aether_ui_model_layout(model);
  const AetherUiView* const    view   = aether_ui_model_view(model);
  if (!node || layout->n_nodes != aether_patch_n_nodes(patch)) {
    return false;
  }
  const AetherUiBox* const box =
    &layout->boxes[node - aether_patch_node(patch, 0)];
  *x = (box->x + box->w - 18.0) * view->zoom + view->pan_x;
  *y = (box->y + 20.0) * view->zoom + view->pan_y;
  return true;
}

static bool
shows_node(Host* const h, const char* const name)
{
  double                 x    = 0.0;
  double                 y    = 0.0;
  double                 r    = 0.0;
  double                 g    = 0.0;
  double                 b    = 0.0;
  const AetherPatchNode* node = aether_patch_find(mirror_patch(h), name);
  if (!node || !node_spot(h, name, &x, &y)) {
    return false;
  }
  aether_ui_node_color(node, &r, &g, &b);
  return near_colour(pixel(h, x, y), r, g, b);
}

static void
locate(Host* const h, const char* const what, int* const x, int* const y)
{
  double fx = 0.0;
  double fy = 0.0;
  if (!aether_ui_editor_locate(h->mirror, what, &fx, &fy)) {
    fprintf(stderr, "the editor does not show %s\n", what);
    exit(1);
  }
  *x = (int)lround(fx);
  *y = (int)lround(fy);
}

/* X events to the UI's window (as the server sends a user's), and the
   same to the mirror. */
static void
send_button(Host* const    h,
            const int      type,
            const int      x,
            const int      y,
            const unsigned button)
{
  XEvent ev;
  memset(&ev, 0, sizeof(ev));
  ev.xbutton.type        = type;
  ev.xbutton.display     = h->dpy;
  ev.xbutton.window      = h->ui_window;
  ev.xbutton.root        = DefaultRootWindow(h->dpy);
  ev.xbutton.time        = h->time += 1000U;
  ev.xbutton.x           = x;
  ev.xbutton.y           = y;
  ev.xbutton.button      = button;
  ev.xbutton.same_screen = True;
  REQUIRE(XSendEvent(h->dpy, h->ui_window, False, 0L, &ev));
  XSync(h->dpy, False);
  if (type == ButtonPress) {
    aether_ui_editor_press(
      h->mirror, x, y, (AetherUiButton)button, 0U, (uint32_t)ev.xbutton.time);
  } else {
    aether_ui_editor_release(h->mirror, x, y, (AetherUiButton)button, 0U);
  }
}

static void
send_motion(Host* const h, const int x, const int y, const unsigned state)
{
  XEvent ev;
  memset(&ev, 0, sizeof(ev));
  ev.xmotion.type        = MotionNotify;
  ev.xmotion.display     = h->dpy;
  ev.xmotion.window      = h->ui_window;
  ev.xmotion.root        = DefaultRootWindow(h->dpy);
  ev.xmotion.time        = h->time += 10U;
  ev.xmotion.x           = x;
  ev.xmotion.y           = y;
  ev.xmotion.state       = state;
  ev.xmotion.same_screen = True;
  REQUIRE(XSendEvent(h->dpy, h->ui_window, False, 0L, &ev));
  XSync(h->dpy, False);
  aether_ui_editor_motion(h->mirror, x, y, 0U);
}

static void
click(Host* const h, const int x, const int y, const unsigned button)
{
  send_button(h, ButtonPress, x, y, button);
  send_button(h, ButtonRelease, x, y, button);
}

static void
drag(Host* const h, const int x0, const int y0, const int x1, const int y1)
{
  send_button(h, ButtonPress, x0, y0, 1U);
  send_motion(h, (x0 + x1) / 2, (y0 + y1) / 2, Button1Mask);
  send_motion(h, x1, y1, Button1Mask);
  send_button(h, ButtonRelease, x1, y1, 1U);
}

/* Round trips until `done` holds, or give up. */
typedef bool (*Done)(Host* h, const void* arg);

static bool
wait_for(Host* const h, const Done done, const void* const arg)
{
  for (int i = 0; i < MAX_ROUNDS; ++i) {
    round_trip(h);
    if (done(h, arg)) {
      return true;
    }
    nap();
  }
  return false;
}

static bool
has_node(Host* const h, const void* const arg)
{
  return aether_patch_find(mirror_patch(h), (const char*)arg) &&
         shows_node(h, (const char*)arg);
}

/* The UI draws in its own connection: the server shows it to ours in its
   own time, so the picture is waited for. */
static bool
shows_background(Host* const h, const void* const arg)
{
  const double* const xy = (const double*)arg;
  double              r  = 0.0;
  double              g  = 0.0;
  double              b  = 0.0;
  aether_ui_background(&r, &g, &b);
  return near_colour(pixel(h, xy[0], xy[1]), r, g, b);
}

static bool
lacks_node(Host* const h, const void* const arg)
{
  return !aether_patch_find(mirror_patch(h), (const char*)arg);
}

static bool
left_connected(Host* const h, const void* const arg)
{
  (void)arg;
  const AetherPatchNode* const out = aether_patch_find(mirror_patch(h), "out");
  return out && (out->inputs_set & 1U);
}

static bool
moved_to(Host* const h, const void* const arg)
{
  const float* const           xy = (const float*)arg;
  const AetherPatchNode* const osc =
    aether_patch_find(mirror_patch(h), "oscillator");
  return osc && osc->x == xy[0] && osc->y == xy[1];
}

static const LV2_Atom*
forge_set_patch(Host* const       h,
                uint8_t* const    buf,
                const size_t      size,
                const char* const text)
{
  LV2_URID_Map* const  map = uiwire_map(h->wire);
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, map);
  lv2_atom_forge_set_buffer(&forge, buf, size);
  lv2_atom_forge_object(
    &forge, &frame, 0, map->map(map->handle, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, map->map(map->handle, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, map->map(map->handle, "urn:aether:patch"));
  lv2_atom_forge_key(&forge, map->map(map->handle, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)strlen(text));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)buf;
}

static const LV2_Atom*
forge_delete(Host* const       h,
             uint8_t* const    buf,
             const size_t      size,
             const char* const node)
{
  LV2_URID_Map* const  map = uiwire_map(h->wire);
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  char                 uri[96];
  snprintf(uri, sizeof(uri), "urn:aether:node:%s", node);
  lv2_atom_forge_init(&forge, map);
  lv2_atom_forge_set_buffer(&forge, buf, size);
  lv2_atom_forge_object(
    &forge, &frame, 0, map->map(map->handle, LV2_PATCH__Delete));
  lv2_atom_forge_key(&forge, map->map(map->handle, LV2_PATCH__subject));
  lv2_atom_forge_uri(&forge, uri, (uint32_t)strlen(uri));
  lv2_atom_forge_pop(&forge, &frame);
  return (const LV2_Atom*)buf;
}

/* Blocks of sound: its peak, and its zero crossings upwards. */
static float
play(Host* const h, const uint32_t blocks, uint32_t* const crossings)
{
  float    peak = 0.0f;
  float    last = 0.0f;
  uint32_t n    = 0;
  for (uint32_t b = 0; b < blocks; ++b) {
    const float p = uiwire_cycle(h->wire);
    peak          = p > peak ? p : peak;
    for (uint32_t i = 0; i < UIWIRE_BLOCK; ++i) {
      n += last < 0.0f && h->wire->left[i] >= 0.0f;
      last = h->wire->left[i];
    }
  }
  if (crossings) {
    *crossings = n;
  }
  return peak;
}

/* The UI of `plugin` as a host finds it: its module through lilv. */
static void
load_ui(Host* const h, const char* const plugin_uri)
{
  LilvWorld* const        world  = lv2world_get();
  const LilvPlugin* const plugin = lv2world_plugin(plugin_uri);
  REQUIRE(plugin);
  LilvUIs* const  uis = lilv_plugin_get_uis(plugin);
  LilvNode* const x11 = lilv_new_uri(world, LV2_UI__X11UI);
  const LilvUI*   ui  = NULL;
  LILV_FOREACH(uis, i, uis)
  {
    const LilvUI* const u = lilv_uis_get(uis, i);
    if (lilv_ui_is_a(u, x11)) {
      ui = u;
    }
  }
  REQUIRE(ui);
  CHECK(!strcmp(lilv_node_as_uri(lilv_ui_get_uri(ui)), "urn:aether:ui"));
  char* const path =
    lilv_file_uri_parse(lilv_node_as_uri(lilv_ui_get_binary_uri(ui)), NULL);
  REQUIRE(path);
  h->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h->lib) {
    fprintf(stderr, "%s\n", dlerror());
  }
  REQUIRE(h->lib);
  lilv_free(path);
  lilv_node_free(x11);
  lilv_uis_free(uis);

  LV2UI_DescriptorFunction get = NULL;
  *(void**)&get                = dlsym(h->lib, "lv2ui_descriptor");
  REQUIRE(get);
  h->desc = get(0);
  REQUIRE(h->desc);
  CHECK(!strcmp(h->desc->URI, "urn:aether:ui"));
  CHECK(get(1) == NULL);
  h->idle =
    (const LV2UI_Idle_Interface*)h->desc->extension_data(LV2_UI__idleInterface);
  REQUIRE(h->idle);
  CHECK(h->desc->extension_data(LV2_UI__showInterface) != NULL);
  CHECK(h->desc->extension_data("urn:nothing") == NULL);
}

static const char* const start_patch =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "<> a ae:Patch .\n"
  "node:midi a ae:MidiNote ; ae:x 0 ; ae:y 0 .\n"
  "node:out a ae:AudioOut ; ae:x 500 ; ae:y 0 .\n";

/* The editing scenario: a node added, connected, moved, deleted. */
static int
edit_and_hear(void)
{
  Host h;
  memset(&h, 0, sizeof(h));
  if (!(h.dpy = XOpenDisplay(NULL))) {
    printf("no X display: skipped\n");
    return 77;
  }
  h.wire                  = uiwire_new("urn:aether:synth", to_ui, &h);
  LV2_URID_Map* const map = uiwire_map(h.wire);
  h.atom_eventTransfer    = map->map(map->handle, LV2_ATOM__eventTransfer);
  h.patch_Get             = map->map(map->handle, LV2_PATCH__Get);
  h.mirror = aether_ui_editor_new(map, true, W, H, mirror_write, NULL);
  REQUIRE(h.mirror);
  load_ui(&h, "urn:aether:synth");

  /* The plugin's patch before the UI opens: what a session had. */
  static uint8_t buf[8192];
  uiwire_send(h.wire, forge_set_patch(&h, buf, sizeof(buf), start_patch));
  for (int i = 0; i < 8; ++i) {
    uiwire_cycle(h.wire);
  }

  /* The host's window, and the features a host gives. */
  h.parent =
    XCreateSimpleWindow(h.dpy, DefaultRootWindow(h.dpy), 0, 0, W, H, 0, 0, 0);
  XMapWindow(h.dpy, h.parent);
  XSync(h.dpy, False);
  LV2UI_Resize       resize   = { &h, ui_resize };
  const LV2_Feature  f_map    = { LV2_URID__map, map };
  const LV2_Feature  f_parent = { LV2_UI__parent, (void*)(uintptr_t)h.parent };
  const LV2_Feature  f_idle   = { LV2_UI__idleInterface, NULL };
  const LV2_Feature  f_resize = { LV2_UI__resize, &resize };
  const LV2_Feature* features[] = {
    &f_map, &f_parent, &f_idle, &f_resize, NULL
  };
  const LV2_Feature* no_map[] = { &f_parent, &f_idle, NULL };
  const char* const  bundle   = lilv_node_as_uri(
    lilv_plugin_get_bundle_uri(lv2world_plugin("urn:aether:synth")));

  /* Refused: without urid:map, or for a plugin not its own. */
  LV2UI_Widget widget = NULL;
  CHECK(!h.desc->instantiate(
    h.desc, "urn:aether:synth", bundle, ui_write, &h, &widget, no_map));
  CHECK(!h.desc->instantiate(
    h.desc, "urn:other", bundle, ui_write, &h, &widget, features));
  CHECK(h.n_writes == 0U);

  /* Opening: embedded in the host's window, at the size it asks for; it
     asks the plugin for everything. */
  h.ui = h.desc->instantiate(
    h.desc, "urn:aether:synth", bundle, ui_write, &h, &widget, features);
  REQUIRE(h.ui);
  h.ui_window           = (Window)(uintptr_t)widget;
  Window       root     = 0;
  Window       parent   = 0;
  Window*      children = NULL;
  unsigned int n        = 0;
  REQUIRE(XQueryTree(h.dpy, h.ui_window, &root, &parent, &children, &n));
  XFree(children);
  CHECK(parent == h.parent);
  CHECK(h.resize_w == W && h.resize_h == H);
  CHECK(h.n_writes == 1U && h.n_gets == 1U);
  aether_ui_editor_open(h.mirror);

  /* It draws the plugin's patch. */
  CHECK(wait_for(&h, has_node, "midi"));
  CHECK(wait_for(&h, has_node, "out"));
  CHECK(play(&h, 4, NULL) == 0.0f);

  /* A right click on empty space, the palette, Oscillator: a node there. */
  int x  = 0;
  int y  = 0;
  int x1 = 0;
  int y1 = 0;
  locate(&h, "node:midi", &x, &y);
  locate(&h, "node:out", &x1, &y1);
  click(&h, (x + x1) / 2, y + 200, 3U);
  locate(&h, "palette:Oscillator", &x, &y);
  click(&h, x, y, 1U);
  CHECK(wait_for(&h, has_node, "oscillator"));
  CHECK(play(&h, 8, NULL) == 0.0f); /* not connected yet */

  /* A drag from its output to the output's left input: it sounds, at the
     oscillator's 440 Hz. */
  locate(&h, "output:oscillator.out", &x, &y);
  locate(&h, "input:out.left", &x1, &y1);
  drag(&h, x, y, x1, y1);
  CHECK(wait_for(&h, left_connected, NULL));
  play(&h, 8, NULL); /* the declick */
  uint32_t     crossings = 0;
  const double blocks    = 100.0;
  CHECK(play(&h, (uint32_t)blocks, &crossings) > 0.1f);
  const double hz = crossings / (blocks * UIWIRE_BLOCK / 48000.0);
  printf("connected: %.1f Hz\n", hz);
  CHECK(fabs(hz - 440.0) < 6.0);

  /* A node moved: the plugin has it there, and so does a saved session. */
  const AetherPatchNode* const osc =
    aether_patch_find(mirror_patch(&h), "oscillator");
  REQUIRE(osc && osc->layout_set == AETHER_PATCH_XY);
  const double zoom =
    aether_ui_model_view(aether_ui_editor_model(h.mirror))->zoom;
  const float to[2] = { (float)round(osc->x + 80.0 / zoom),
                        (float)round(osc->y + 40.0 / zoom) };
  locate(&h, "node:oscillator", &x, &y);
  drag(&h, x, y, x + 80, y + 40);
  CHECK(wait_for(&h, moved_to, to));
  char* const  text  = uiwire_save(h.wire);
  AetherPatch* saved = NULL;
  AetherError  err;
  REQUIRE(!aether_patch_parse(text, strlen(text), "state", &saved, &err));
  free(text);
  const AetherPatchNode* const s_osc = aether_patch_find(saved, "oscillator");
  const AetherPatchNode* const s_out = aether_patch_find(saved, "out");
  REQUIRE(s_osc && s_out);
  CHECK(s_osc->x == to[0] && s_osc->y == to[1]);
  CHECK(s_out->x == 500.0f && s_out->y == 0.0f);
  CHECK((s_out->inputs_set & 1U) &&
        !strcmp(s_out->inputs[0].source, "oscillator"));
  CHECK(aether_patch_equal(saved, mirror_patch(&h)));
  aether_patch_free(saved);
  CHECK(shows_node(&h, "oscillator"));

  /* Someone else (a second UI, the host) deletes it: it goes from the
     view, and the sound stops. */
  double gx = 0.0;
  double gy = 0.0;
  REQUIRE(node_spot(&h, "oscillator", &gx, &gy));
  uiwire_send(h.wire, forge_delete(&h, buf, sizeof(buf), "oscillator"));
  CHECK(wait_for(&h, lacks_node, "oscillator"));
  const double spot[2] = { gx, gy };
  CHECK(wait_for(&h, shows_background, spot));
  play(&h, 8, NULL);
  CHECK(play(&h, 8, NULL) == 0.0f);

  /* Closing: its window goes. */
  h.desc->cleanup(h.ui);
  h.ui = NULL;
  XSync(h.dpy, False);
  REQUIRE(XQueryTree(h.dpy, h.parent, &root, &parent, &children, &n));
  XFree(children);
  CHECK(n == 0U);

  aether_ui_editor_free(h.mirror);
  uiwire_free(h.wire);
  XDestroyWindow(h.dpy, h.parent);
  XCloseDisplay(h.dpy);
  dlclose(h.lib);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

/* The musician's session (--session) */

/* The note played, and how long: held, then released. */
#define NOTE 64U
#define NOTE_HZ 329.6275569
#define HELD_BLOCKS 64U
#define FREED_BLOCKS 64U
#define NOTE_FRAMES ((HELD_BLOCKS + FREED_BLOCKS) * UIWIRE_BLOCK)
#define SPECTRUM_N 8192U

/* The voice the musician builds: node types in the palette, the names the
   editor gives them, where (in the window) each is put. */
#define N_VOICE 5U

static const char* const voice_types[N_VOICE] = { "MidiNote",
                                                  "Oscillator",
                                                  "Filter",
                                                  "Adsr",
                                                  "AudioOut" };

static const char* const voice_names[N_VOICE] = { "midinote",
                                                  "oscillator",
                                                  "filter",
                                                  "adsr",
                                                  "audioout" };

typedef struct {
  const char* node;
  const char* name; /**< an input, or a parameter */
  float       value;
} NodeItem;

static bool
has_n_nodes(Host* const h, const void* const arg)
{
  return aether_patch_n_nodes(mirror_patch(h)) == *(const uint32_t*)arg;
}

static bool
input_connected(Host* const h, const void* const arg)
{
  const NodeItem* const        item = (const NodeItem*)arg;
  const AetherPatchNode* const node =
    aether_patch_find(mirror_patch(h), item->node);
  const int k =
    node ? aether_node_type_input_index(node->type, item->name) : -1;
  return k >= 0 && ((node->inputs_set >> (uint32_t)k) & 1U);
}

static bool
per_voice(Host* const h, const void* const arg)
{
  const AetherPatchNode* const node =
    aether_patch_find(mirror_patch(h), (const char*)arg);
  return node && node->poly;
}

static bool
param_is(Host* const h, const void* const arg)
{
  const NodeItem* const        item = (const NodeItem*)arg;
  const AetherPatchNode* const node =
    aether_patch_find(mirror_patch(h), item->node);
  const int p =
    node ? aether_node_type_param_index(node->type, item->name) : -1;
  return p >= 0 && node->params[p] == item->value;
}

typedef struct {
  const char* node;
  float       x;
  float       y;
} NodeAt;

static bool
node_at_position(Host* const h, const void* const arg)
{
  const NodeAt* const          at = (const NodeAt*)arg;
  const AetherPatchNode* const node =
    aether_patch_find(mirror_patch(h), at->node);
  return node && node->layout_set == AETHER_PATCH_XY && node->x == at->x &&
         node->y == at->y;
}

/* Typed on the keyboard, to the UI's window (and the mirror). */
static void
type_text(Host* const h, const char* const text)
{
  for (const char* c = text; *c; ++c) {
    XEvent ev;
    memset(&ev, 0, sizeof(ev));
    ev.xkey.type        = KeyPress;
    ev.xkey.display     = h->dpy;
    ev.xkey.window      = h->ui_window;
    ev.xkey.root        = DefaultRootWindow(h->dpy);
    ev.xkey.time        = h->time += 100U;
    ev.xkey.keycode     = XKeysymToKeycode(h->dpy, (KeySym)(unsigned char)*c);
    ev.xkey.same_screen = True;
    REQUIRE(ev.xkey.keycode);
    REQUIRE(XSendEvent(h->dpy, h->ui_window, False, 0L, &ev));
    XSync(h->dpy, False);
    const char one[2] = { *c, '\0' };
    aether_ui_editor_key(h->mirror, AETHER_UI_KEY_TEXT, one, 0U);
  }
}

/* A right click on empty space at (x, y) opens the palette; the type's
   name typed narrows it; a click on the type adds a node there. */
static void
add_from_palette(Host* const       h,
                 const char* const type,
                 const char* const name,
                 const int         x,
                 const int         y)
{
  char   typed[32];
  char   what[48];
  size_t i = 0;
  for (; type[i] && i + 1U < sizeof(typed); ++i) {
    typed[i] = (char)tolower((unsigned char)type[i]);
  }
  typed[i] = '\0';
  click(h, x, y, 3U);
  type_text(h, typed);
  snprintf(what, sizeof(what), "palette:%s", type);
  int px = 0;
  int py = 0;
  locate(h, what, &px, &py);
  click(h, px, py, 1U);
  CHECK(wait_for(h, has_node, name));
}

/* A drag from output `from` ("node.output") to input `to` of `node`. */
static void
connect_ports(Host* const       h,
              const char* const from,
              const char* const node,
              const char* const to)
{
  char           what[96];
  int            x0   = 0;
  int            y0   = 0;
  int            x1   = 0;
  int            y1   = 0;
  const NodeItem item = { node, to, 0.0f };
  snprintf(what, sizeof(what), "output:%s", from);
  locate(h, what, &x0, &y0);
  snprintf(what, sizeof(what), "input:%s.%s", node, to);
  locate(h, what, &x1, &y1);
  drag(h, x0, y0, x1, y1);
  CHECK(wait_for(h, input_connected, &item));
}

/* A click on a node's title: it is selected, its parameters in the
   panel. */
static void
select_by_click(Host* const h, const char* const name)
{
  char what[80];
  int  x = 0;
  int  y = 0;
  snprintf(what, sizeof(what), "node:%s", name);
  locate(h, what, &x, &y);
  click(h, x, y, 1U);
  const char* const selected =
    aether_ui_model_selected(aether_ui_editor_model(h->mirror));
  REQUIRE(selected && !strcmp(selected, name));
}

static void
make_per_voice(Host* const h, const char* const name)
{
  int x = 0;
  int y = 0;
  select_by_click(h, name);
  locate(h, "param:poly", &x, &y);
  click(h, x, y, 1U);
  CHECK(wait_for(h, per_voice, name));
}

static float
param_value(const AetherPatch* const patch,
            const char* const        node_name,
            const char* const        param)
{
  const AetherPatchNode* const node = aether_patch_find(patch, node_name);
  REQUIRE(node);
  const int p = aether_node_type_param_index(node->type, param);
  REQUIRE(p >= 0);
  return node->params[p];
}

/* A host with the synth and its UI open in a window of the host's, the
   plugin's state restored from `state` first (NULL: a new session, the
   synth's default patch). */
static void
host_open(Host* const h, Display* const dpy, const char* const state)
{
  memset(h, 0, sizeof(*h));
  h->dpy                  = dpy;
  h->wire                 = uiwire_new("urn:aether:synth", to_ui, h);
  LV2_URID_Map* const map = uiwire_map(h->wire);
  h->atom_eventTransfer   = map->map(map->handle, LV2_ATOM__eventTransfer);
  h->patch_Get            = map->map(map->handle, LV2_PATCH__Get);
  h->mirror = aether_ui_editor_new(map, true, W, H, mirror_write, NULL);
  REQUIRE(h->mirror);
  load_ui(h, "urn:aether:synth");
  if (state) {
    uiwire_restore(h->wire, state);
  }
  for (int i = 0; i < 8; ++i) {
    uiwire_cycle(h->wire);
  }

  h->parent =
    XCreateSimpleWindow(dpy, DefaultRootWindow(dpy), 0, 0, W, H, 0, 0, 0);
  XMapWindow(dpy, h->parent);
  XSync(dpy, False);
  h->resize.handle           = h;
  h->resize.ui_resize        = ui_resize;
  const LV2_Feature f_map    = { LV2_URID__map, map };
  const LV2_Feature f_parent = { LV2_UI__parent, (void*)(uintptr_t)h->parent };
  const LV2_Feature f_idle   = { LV2_UI__idleInterface, NULL };
  const LV2_Feature f_resize = { LV2_UI__resize, &h->resize };
  const LV2_Feature* const features[] = {
    &f_map, &f_parent, &f_idle, &f_resize, NULL
  };
  LV2UI_Widget widget = NULL;
  h->ui               = h->desc->instantiate(h->desc,
                               "urn:aether:synth",
                               lilv_node_as_uri(lilv_plugin_get_bundle_uri(
                                 lv2world_plugin("urn:aether:synth"))),
                               ui_write,
                               h,
                               &widget,
                               features);
  REQUIRE(h->ui);
  h->ui_window = (Window)(uintptr_t)widget;
  aether_ui_editor_open(h->mirror);
}

static void
host_close(Host* const h)
{
  h->desc->cleanup(h->ui);
  h->ui = NULL;
  aether_ui_editor_free(h->mirror);
  uiwire_free(h->wire);
  XDestroyWindow(h->dpy, h->parent);
  XSync(h->dpy, False);
  dlclose(h->lib);
}

/* The note played from silence: held, then released; both channels. */
static void
play_note(Host* const h, float* const left, float* const right)
{
  uiwire_send_midi(h->wire, 0x90U, NOTE, 100U);
  for (uint32_t b = 0; b < HELD_BLOCKS + FREED_BLOCKS; ++b) {
    if (b == HELD_BLOCKS) {
      uiwire_send_midi(h->wire, 0x80U, NOTE, 0U);
    }
    uiwire_cycle(h->wire);
    memcpy(left + (size_t)b * UIWIRE_BLOCK,
           h->wire->left,
           UIWIRE_BLOCK * sizeof(float));
    memcpy(right + (size_t)b * UIWIRE_BLOCK,
           h->wire->right,
           UIWIRE_BLOCK * sizeof(float));
  }
}

/* What a note sounds like: the pitch and level while held, the level
   after the release. */
static void
hear(const float* const left,
     double* const      hz,
     double* const      held,
     double* const      freed)
{
  static double      power[SPECTRUM_N / 2U + 1U];
  const float* const sustain =
    left + (size_t)HELD_BLOCKS * UIWIRE_BLOCK - SPECTRUM_N;
  measure_spectrum(sustain, SPECTRUM_N, power);
  *hz    = measure_fundamental_hz(power, SPECTRUM_N, 48000.0, -30.0);
  *held  = measure_rms(sustain, SPECTRUM_N);
  *freed = measure_rms(left + NOTE_FRAMES - 2048U, 2048U);
}

/* The plugin started again, as a host does before it plays a session
   (its sound state cleared). */
static void
restart(Host* const h)
{
  lilv_instance_deactivate(h->wire->instance);
  lilv_instance_activate(h->wire->instance);
  for (int i = 0; i < 4; ++i) {
    uiwire_cycle(h->wire);
  }
}

static int
musician_session(void)
{
  Display* const dpy = XOpenDisplay(NULL);
  if (!dpy) {
    printf("no X display: skipped\n");
    return 77;
  }
  static float left[NOTE_FRAMES];
  static float right[NOTE_FRAMES];
  static float left2[NOTE_FRAMES];
  static float right2[NOTE_FRAMES];

  /* A new session: the synth with its default patch, the UI opened. */
  Host a;
  host_open(&a, dpy, NULL);
  CHECK(wait_for(&a, has_node, "midi"));

  /* Clear (twice: the first click only arms it): nothing left, silence. */
  int x = 0;
  int y = 0;
  locate(&a, "button:clear", &x, &y);
  click(&a, x, y, 1U);
  click(&a, x, y, 1U);
  const uint32_t none = 0U;
  CHECK(wait_for(&a, has_n_nodes, &none));
  uiwire_send_midi(a.wire, 0x90U, NOTE, 100U);
  CHECK(play(&a, 16, NULL) == 0.0f);
  uiwire_send_midi(a.wire, 0x80U, NOTE, 0U);

  /* The voice, node by node from the palette, left to right. */
  for (uint32_t i = 0; i < N_VOICE; ++i) {
    add_from_palette(
      &a, voice_types[i], voice_names[i], 40 + 190 * (int)i, 200);
  }
  const uint32_t five = N_VOICE;
  CHECK(has_n_nodes(&a, &five));

  /* Wired by dragging from outputs to inputs. */
  connect_ports(&a, "midinote.pitch", "oscillator", "pitch");
  connect_ports(&a, "midinote.gate", "adsr", "gate");
  connect_ports(&a, "oscillator.out", "filter", "in");
  connect_ports(&a, "filter.out", "adsr", "in");
  connect_ports(&a, "adsr.out", "audioout", "left");
  connect_ports(&a, "adsr.out", "audioout", "right");

  /* One voice per note: every node but the output per voice. */
  for (uint32_t i = 0; i + 1U < N_VOICE; ++i) {
    make_per_voice(&a, voice_names[i]);
  }

  /* The oscillator's wave from its menu: saw. */
  select_by_click(&a, "oscillator");
  locate(&a, "param:wave", &x, &y);
  click(&a, x, y, 1U);
  locate(&a, "choice:saw", &x, &y);
  click(&a, x, y, 1U);
  const AetherPatchNode* osc =
    aether_patch_find(mirror_patch(&a), "oscillator");
  REQUIRE(osc);
  const AetherParamDesc* const wave =
    &osc->type->params[aether_node_type_param_index(osc->type, "wave")];
  float saw = -1.0f;
  for (uint32_t c = 0; c <= (uint32_t)wave->max; ++c) {
    saw = !strcmp(wave->choices[c], "saw") ? (float)c : saw;
  }
  const NodeItem is_saw = { "oscillator", "wave", saw };
  CHECK(saw >= 0.0f && wait_for(&a, param_is, &is_saw));

  /* The filter's cutoff slider dragged to the left: darker. */
  select_by_click(&a, "filter");
  locate(&a, "param:cutoff", &x, &y);
  const float cutoff0 = param_value(mirror_patch(&a), "filter", "cutoff");
  drag(&a, x, y, x - 50, y);
  const NodeItem cutoff = { "filter", "cutoff", a.mirror->slider_value };
  CHECK(cutoff.value < cutoff0 && cutoff.value > 20.0f);
  CHECK(wait_for(&a, param_is, &cutoff));

  /* A click on empty space: nothing selected, the panel closes. Then the
     output moved down and to the right. */
  click(&a, 500, 560, 1U);
  CHECK(!aether_ui_model_selected(aether_ui_editor_model(a.mirror)));
  const AetherPatchNode* const out =
    aether_patch_find(mirror_patch(&a), "audioout");
  REQUIRE(out && out->layout_set == AETHER_PATCH_XY);
  const double zoom =
    aether_ui_model_view(aether_ui_editor_model(a.mirror))->zoom;
  const NodeAt moved = { "audioout",
                         (float)round(out->x + 60.0 / zoom),
                         (float)round(out->y + 90.0 / zoom) };
  locate(&a, "node:audioout", &x, &y);
  drag(&a, x, y, x + 60, y + 90);
  CHECK(wait_for(&a, node_at_position, &moved));
  click(&a, 500, 560, 1U); /* its panel closed: every node in sight */
  for (uint32_t i = 0; i < N_VOICE; ++i) {
    CHECK(wait_for(&a, has_node, voice_names[i]));
  }

  /* Played: the note's pitch (E4, the oscillator's 440 Hz moved by the
     note's pitch), a level while held, much less after the release. */
  double hz    = 0.0;
  double held  = 0.0;
  double freed = 0.0;
  play_note(&a, left, right);
  hear(left, &hz, &held, &freed);
  printf("built: %.2f Hz, held %.4f, released %.6f\n", hz, held, freed);
  CHECK(fabs(hz - NOTE_HZ) < 1.0);
  CHECK(held > 0.02);
  CHECK(freed < held * 0.1);
  CHECK(!memcmp(left, right, sizeof(left)));

  /* Saved: the session's state is the patch the editor shows. */
  char* const  state = uiwire_save(a.wire);
  AetherPatch* saved = NULL;
  AetherError  err;
  REQUIRE(!aether_patch_parse(state, strlen(state), "state", &saved, &err));
  CHECK(aether_patch_equal(saved, mirror_patch(&a)));
  CHECK(aether_patch_n_nodes(saved) == N_VOICE);
  for (uint32_t i = 0; i < N_VOICE; ++i) {
    const AetherPatchNode* const node =
      aether_patch_find(saved, voice_names[i]);
    REQUIRE(node);
    CHECK(node->layout_set == AETHER_PATCH_XY);
    CHECK(node->poly == (i + 1U < N_VOICE));
  }
  CHECK(node_at_position(&a, &moved));
  CHECK(param_value(saved, "filter", "cutoff") == cutoff.value);
  CHECK(param_value(saved, "oscillator", "wave") == saw);

  /* What the first plugin plays once started again: the reference. */
  restart(&a);
  play_note(&a, left, right);
  host_close(&a);

  /* Reopened: a new plugin restores the session, a new UI opens on it. */
  Host b;
  host_open(&b, dpy, state);
  free(state);
  CHECK(wait_for(&b, has_node, "audioout"));
  CHECK(aether_patch_equal(mirror_patch(&b), saved));
  CHECK(node_at_position(&b, &moved));
  for (uint32_t i = 0; i < N_VOICE; ++i) {
    CHECK(wait_for(&b, has_node, voice_names[i]));
  }
  aether_patch_free(saved);

  /* The same sound, bit for bit. */
  restart(&b);
  play_note(&b, left2, right2);
  hear(left2, &hz, &held, &freed);
  printf("reopened: %.2f Hz, held %.4f, released %.6f\n", hz, held, freed);
  CHECK(fabs(hz - NOTE_HZ) < 1.0);
  CHECK(held > 0.02);
  CHECK(!memcmp(left, left2, sizeof(left)));
  CHECK(!memcmp(right, right2, sizeof(right)));

  host_close(&b);
  XCloseDisplay(dpy);
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}

int
main(const int argc, char** const argv)
{
  if (argc > 1 && !strcmp(argv[1], "--session")) {
    return musician_session();
  }
  return edit_and_hear();
}
