/* Aether UI: the editor's window on X11 (see x11.h). */

#include "x11.h"

#include "editor_draw.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <cairo-xlib.h>
#include <cairo.h>

#include <stdlib.h>
#include <string.h>

struct AetherUiWindowImpl {
  AetherUiEditor*  editor;
  Display*         display;
  Window           window;
  Atom             wm_delete;
  cairo_surface_t* surface;
  int              width;
  int              height;
  bool             top_level;
  bool             mapped;   /**< shown on screen */
  bool             exposed;  /**< the server asked for a redraw */
  bool             gone;     /**< destroyed with its parent */
  bool             closed;   /**< closed by the user */
  uint32_t         drawn;    /**< the editor's revision drawn */
  bool             any_draw; /**< drawn at least once */
};

AetherUiWindow*
aether_ui_window_new(AetherUiEditor* const editor,
                     const uintptr_t       parent,
                     const int             width,
                     const int             height,
                     const char* const     title)
{
  AetherUiWindow* const w = (AetherUiWindow*)calloc(1, sizeof(*w));
  if (!w) {
    return NULL;
  }
  if (!(w->display = XOpenDisplay(NULL))) {
    free(w);
    return NULL;
  }
  Display* const dpy = w->display;
  w->editor          = editor;
  w->width           = width < AETHER_UI_MIN_W ? AETHER_UI_MIN_W : width;
  w->height          = height < AETHER_UI_MIN_H ? AETHER_UI_MIN_H : height;
  w->top_level       = !parent;

  XSetWindowAttributes attrs;
  memset(&attrs, 0, sizeof(attrs));
  attrs.background_pixel = BlackPixel(dpy, DefaultScreen(dpy));
  attrs.event_mask = ExposureMask | StructureNotifyMask | ButtonPressMask |
                     ButtonReleaseMask | PointerMotionMask | KeyPressMask |
                     FocusChangeMask;
  w->window = XCreateWindow(dpy,
                            parent ? (Window)parent : DefaultRootWindow(dpy),
                            0,
                            0,
                            (unsigned)w->width,
                            (unsigned)w->height,
                            0,
                            CopyFromParent,
                            InputOutput,
                            CopyFromParent,
                            CWBackPixel | CWEventMask,
                            &attrs);

  /* The size it wants and the least it takes: embedding hosts read these
     (suil takes the base size as the natural one). */
  XSizeHints* const hints = XAllocSizeHints();
  if (hints) {
    hints->flags       = PMinSize | PBaseSize;
    hints->min_width   = AETHER_UI_MIN_W;
    hints->min_height  = AETHER_UI_MIN_H;
    hints->base_width  = w->width;
    hints->base_height = w->height;
    XSetWMNormalHints(dpy, w->window, hints);
    XFree(hints);
  }
  /* Named even when embedded: tests and tools find it by its name. */
  XStoreName(dpy, w->window, title ? title : "Aether");
  XClassHint* const class_hint = XAllocClassHint();
  if (class_hint) {
    class_hint->res_name  = (char*)"aether";
    class_hint->res_class = (char*)"Aether";
    XSetClassHint(dpy, w->window, class_hint);
    XFree(class_hint);
  }
  if (w->top_level) {
    w->wm_delete = XInternAtom(dpy, "WM_DELETE_WINDOW", False);
    XSetWMProtocols(dpy, w->window, &w->wm_delete, 1);
  } else {
    XMapRaised(dpy, w->window);
  }

  XWindowAttributes got;
  XGetWindowAttributes(dpy, w->window, &got);
  w->surface =
    cairo_xlib_surface_create(dpy, w->window, got.visual, w->width, w->height);
  if (cairo_surface_status(w->surface)) {
    aether_ui_window_free(w);
    return NULL;
  }
  aether_ui_editor_resize(editor, w->width, w->height);
  XSync(dpy, False); /* the host's connection sees the window now */
  return w;
}

/* Errors while the window may already be gone with its parent: ignored
   (the default handler would end the host). */
static int
ignore_error(Display* const display, XErrorEvent* const event)
{
  (void)display;
  (void)event;
  return 0;
}

void
aether_ui_window_free(AetherUiWindow* const w)
{
  if (!w) {
    return;
  }
  if (w->surface) {
    cairo_surface_destroy(w->surface);
  }
  if (w->display) {
    /* The handler is the process's: set only around these calls. */
    XSync(w->display, False);
    int (*const old)(Display*, XErrorEvent*) = XSetErrorHandler(ignore_error);
    if (!w->gone) {
      XDestroyWindow(w->display, w->window);
    }
    XSync(w->display, True);
    XSetErrorHandler(old);
    XCloseDisplay(w->display);
  }
  free(w);
}

uintptr_t
aether_ui_window_id(const AetherUiWindow* const w)
{
  return (uintptr_t)w->window;
}

void
aether_ui_window_show(AetherUiWindow* const w, const bool show)
{
  if (w->gone) {
    return;
  }
  if (show) {
    w->closed = false;
    XMapRaised(w->display, w->window);
  } else {
    XUnmapWindow(w->display, w->window);
  }
  XFlush(w->display);
}

static uint32_t
mods_of(const unsigned state)
{
  return ((state & ShiftMask) ? (uint32_t)AETHER_UI_MOD_SHIFT : 0U) |
         ((state & ControlMask) ? (uint32_t)AETHER_UI_MOD_CTRL : 0U);
}

static void
key_press(AetherUiWindow* const w, XKeyEvent* const ev)
{
  char           text[16];
  KeySym         sym = NoSymbol;
  const int      n = XLookupString(ev, text, (int)sizeof(text) - 1, &sym, NULL);
  AetherUiKey    key  = AETHER_UI_KEY_TEXT;
  const uint32_t mods = mods_of(ev->state);
  text[n > 0 ? n : 0] = '\0';
  switch (sym) {
    case XK_Escape:
      key = AETHER_UI_KEY_ESCAPE;
      break;
    case XK_Return:
    case XK_KP_Enter:
      key = AETHER_UI_KEY_RETURN;
      break;
    case XK_Delete:
    case XK_KP_Delete:
      key = AETHER_UI_KEY_DELETE;
      break;
    case XK_BackSpace:
      key = AETHER_UI_KEY_BACKSPACE;
      break;
    case XK_Up:
    case XK_KP_Up:
      key = AETHER_UI_KEY_UP;
      break;
    case XK_Down:
    case XK_KP_Down:
      key = AETHER_UI_KEY_DOWN;
      break;
    default:
      if (!text[0] || (ev->state & ControlMask)) {
        return; /* a modifier alone, or a host's shortcut */
      }
      break;
  }
  aether_ui_editor_key(w->editor, key, text, mods);
}

static void
handle(AetherUiWindow* const w, XEvent* const ev)
{
  AetherUiEditor* const editor = w->editor;
  switch (ev->type) {
    case Expose:
      w->exposed = true;
      break;
    case ConfigureNotify:
      if (ev->xconfigure.width != w->width ||
          ev->xconfigure.height != w->height) {
        w->width  = ev->xconfigure.width;
        w->height = ev->xconfigure.height;
        cairo_xlib_surface_set_size(w->surface, w->width, w->height);
        aether_ui_editor_resize(editor, w->width, w->height);
        w->exposed = true;
      }
      break;
    case MapNotify:
      w->mapped  = true;
      w->exposed = true;
      break;
    case UnmapNotify:
      w->mapped = false;
      break;
    case DestroyNotify:
      if (ev->xdestroywindow.window == w->window) {
        w->gone = true;
      }
      break;
    case ButtonPress:
      if (!w->top_level) {
        /* Embedded, the keys go to the host's window unless taken. */
        XSetInputFocus(w->display, w->window, RevertToParent, ev->xbutton.time);
      }
      if (ev->xbutton.button >= 4U && ev->xbutton.button <= 5U) {
        aether_ui_editor_scroll(editor,
                                ev->xbutton.x,
                                ev->xbutton.y,
                                ev->xbutton.button == 4U ? 1.0 : -1.0,
                                mods_of(ev->xbutton.state));
      } else if (ev->xbutton.button >= 1U && ev->xbutton.button <= 3U) {
        aether_ui_editor_press(editor,
                               ev->xbutton.x,
                               ev->xbutton.y,
                               (AetherUiButton)ev->xbutton.button,
                               mods_of(ev->xbutton.state),
                               (uint32_t)ev->xbutton.time);
      }
      break;
    case ButtonRelease:
      if (ev->xbutton.button >= 1U && ev->xbutton.button <= 3U) {
        aether_ui_editor_release(editor,
                                 ev->xbutton.x,
                                 ev->xbutton.y,
                                 (AetherUiButton)ev->xbutton.button,
                                 mods_of(ev->xbutton.state));
      }
      break;
    case MotionNotify: {
      /* Of motions one after another only the latest matters (never past
         another event: a press or a release between them counts). */
      while (XPending(w->display)) {
        XEvent next;
        XPeekEvent(w->display, &next);
        if (next.type != MotionNotify || next.xmotion.window != w->window) {
          break;
        }
        XNextEvent(w->display, ev);
      }
      aether_ui_editor_motion(
        editor, ev->xmotion.x, ev->xmotion.y, mods_of(ev->xmotion.state));
      break;
    }
    case KeyPress:
      key_press(w, &ev->xkey);
      break;
    case ClientMessage:
      if (w->top_level && (Atom)ev->xclient.data.l[0] == w->wm_delete) {
        w->closed = true;
        XUnmapWindow(w->display, w->window);
      }
      break;
    default:
      break;
  }
}

static void
redraw(AetherUiWindow* const w)
{
  cairo_t* const cr = cairo_create(w->surface);
  /* Drawn off screen, then shown at once: no flicker. */
  cairo_push_group(cr);
  aether_ui_editor_draw(w->editor, cr);
  cairo_pop_group_to_source(cr);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(w->surface);
  XFlush(w->display);
}

bool
aether_ui_window_idle(AetherUiWindow* const w)
{
  while (!w->gone && XPending(w->display)) {
    XEvent ev;
    XNextEvent(w->display, &ev);
    handle(w, &ev);
  }
  if (w->gone) {
    return false;
  }
  /* Drawn only when shown, and only when something changed. */
  const uint32_t revision = aether_ui_editor_revision(w->editor);
  if (w->mapped && (w->exposed || !w->any_draw || revision != w->drawn)) {
    w->exposed  = false;
    w->any_draw = true;
    w->drawn    = revision;
    redraw(w);
  }
  return !w->closed;
}
