/* Aether CLI: `aether snapshot PATCH -o FILE.png [--size WxH]`: what the
   patch editor shows for a patch, drawn without a display. The patch goes
   the editor's way: written canonically (as the plugin answers patch:Get),
   given to the editor as a notify message, laid out, fitted into the
   picture and drawn by the editor's own drawing code (toolbar, patch,
   panel, status line) into a cairo image surface. `--select`, `--palette`
   show what a click or a key would; `--locate` prints where things are
   (for tests that drive the editor in a host); `--repeat N` times N
   redraws. */

#include "cli.h"

#include "../src/patch/patch.h"
#include "../src/ui/editor.h"
#include "../src/ui/editor_draw.h"

#include <cairo.h>
#include <lv2/atom/forge.h>
#include <lv2/patch/patch.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "snapshot"

/* Largest picture side, in pixels. */
#define MAX_SIDE 8192U

static const char* const usage =
  "Usage: aether snapshot PATCH -o FILE.png [--size WxH] [--synth]\n"
  "                       [--select NODE] [--palette] [--click X,Y]...\n"
  "                       [--locate WHAT]...\n"
  "                       [--repeat N]\n"
  "\n"
  "Draw what Aether's patch editor shows for the patch file PATCH: every\n"
  "node as a box with its name and type at its position (ae:x, ae:y) or\n"
  "laid out by signal flow, inputs on the left and outputs on the right,\n"
  "connections as curves (dashed for feedback), per-voice nodes stacked,\n"
  "the macros each node is driven by, the whole patch fitted under the\n"
  "editor's toolbar. No display is needed.\n"
  "\n"
  "  -o, --output FILE.png  the picture to write (PNG)\n"
  "  --size WxH             its size in pixels (default 1200x800, at most\n"
  "                         8192 each)\n"
  "  --synth                as Aether Synth's editor (with the voice count)\n"
  "  --select NODE          with NODE selected: its parameters in the panel\n"
  "  --palette              with the palette of node types open (as the\n"
  "                         toolbar's Add opens it)\n"
  "  --click X,Y            a click at (X, Y) as the editor takes it (rX,Y:\n"
  "                         with the right button); may be repeated\n"
  "  --locate WHAT          print \"WHAT X Y\": where the editor shows WHAT\n"
  "                         (node:NAME, output:NAME.PORT, input:NAME.PORT,\n"
  "                         button:add|fit|clear|voices-|voices+,\n"
  "                         palette:TYPE, param:NAME); may be repeated\n"
  "  --repeat N             also draw it N more times and print the median\n"
  "                         time of a redraw\n"
  "  -h, --help             show this help\n"
  "\n"
  "Exit status: 0 done, 1 a bad patch or the picture cannot be written, 2\n"
  "bad arguments.\n";

/* URIDs for the model: a small table, mapped on this thread only. */
typedef struct {
  char**   uris;
  uint32_t n;
} UridTable;

static LV2_URID
table_map(LV2_URID_Map_Handle handle, const char* const uri)
{
  UridTable* const t = (UridTable*)handle;
  for (uint32_t i = 0; i < t->n; ++i) {
    if (!strcmp(t->uris[i], uri)) {
      return i + 1U;
    }
  }
  char** const uris =
    (char**)realloc(t->uris, ((size_t)t->n + 1U) * sizeof(char*));
  if (!uris) {
    return 0;
  }
  t->uris = uris;
  if (!(t->uris[t->n] = (char*)malloc(strlen(uri) + 1U))) {
    return 0;
  }
  memcpy(t->uris[t->n], uri, strlen(uri) + 1U);
  return ++t->n;
}

static void
table_free(UridTable* const t)
{
  for (uint32_t i = 0; i < t->n; ++i) {
    free(t->uris[i]);
  }
  free(t->uris);
}

static bool
parse_size(const char* const text, int* const w, int* const h)
{
  char*               end = NULL;
  const unsigned long a   = strtoul(text, &end, 10);
  if (end == text || (*end != 'x' && *end != 'X')) {
    return false;
  }
  const char* const   b_text = end + 1;
  const unsigned long b      = strtoul(b_text, &end, 10);
  if (end == b_text || *end || a < 1U || b < 1U || a > MAX_SIDE ||
      b > MAX_SIDE || text[0] == '-' || b_text[0] == '-' || b_text[0] == '+') {
    return false;
  }
  *w = (int)a;
  *h = (int)b;
  return true;
}

static bool
ends_with(const char* const text, const char* const end)
{
  const size_t n = strlen(text);
  const size_t m = strlen(end);
  return n >= m && !strcmp(text + n - m, end);
}

/* Give `editor` the patch text as the plugin's notify port would. */
static bool
tell_patch(AetherUiEditor* const editor,
           LV2_URID_Map* const   map,
           const char* const     text)
{
  const size_t   len  = strlen(text);
  const size_t   size = len + 256U;
  uint8_t* const buf  = (uint8_t*)malloc(size);
  if (!buf || len > UINT32_MAX - 256U) {
    free(buf);
    return false;
  }
  LV2_Atom_Forge       forge;
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_init(&forge, map);
  lv2_atom_forge_set_buffer(&forge, buf, size);
  lv2_atom_forge_object(
    &forge, &frame, 0, map->map(map->handle, LV2_PATCH__Set));
  lv2_atom_forge_key(&forge, map->map(map->handle, LV2_PATCH__property));
  lv2_atom_forge_urid(&forge, map->map(map->handle, AETHER_PATCH_NS "patch"));
  lv2_atom_forge_key(&forge, map->map(map->handle, LV2_PATCH__value));
  lv2_atom_forge_string(&forge, text, (uint32_t)len);
  lv2_atom_forge_pop(&forge, &frame);
  aether_ui_editor_receive(editor, (const LV2_Atom*)buf);
  free(buf);
  return aether_ui_model_has_patch(aether_ui_editor_model(editor));
}

static double
now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
compare_doubles(const void* const a, const void* const b)
{
  const double x = *(const double*)a;
  const double y = *(const double*)b;
  return x < y ? -1 : x > y;
}

/* Draw `editor` into `surface` `repeat` more times; print the median. */
static int
time_redraws(const AetherUiEditor* const editor,
             cairo_surface_t* const      surface,
             const int                   w,
             const int                   h,
             const uint32_t              repeat)
{
  double* const times = (double*)malloc(repeat * sizeof(double));
  if (!times) {
    return aether_cli_fail(CMD, "out of memory");
  }
  cairo_t* const cr = cairo_create(surface);
  for (uint32_t i = 0; i < repeat; ++i) {
    const double t0 = now();
    aether_ui_editor_draw(editor, cr);
    cairo_surface_flush(surface);
    times[i] = now() - t0;
  }
  cairo_destroy(cr);
  qsort(times, repeat, sizeof(double), compare_doubles);
  printf("redraw: %.3f ms median of %u (min %.3f, max %.3f) at %dx%d, %u "
         "nodes\n",
         times[repeat / 2U] * 1e3,
         repeat,
         times[0] * 1e3,
         times[repeat - 1U] * 1e3,
         w,
         h,
         aether_patch_n_nodes(
           aether_ui_model_patch(aether_ui_editor_model(editor))));
  free(times);
  return AETHER_EXIT_OK;
}

/* What to show and print besides the patch. */
typedef struct {
  const char*        path;
  const char*        out;
  int                w;
  int                h;
  uint32_t           repeat;
  bool               synth;
  bool               palette;
  const char*        select;
  const char* const* locate; /**< n_locate things to print the place of */
  int                n_locate;
  const char* const* clicks; /**< n_clicks "X,Y" (a leading 'r': right) */
  int                n_clicks;
} Options;

/* A click given as "X,Y" (left button) or "rX,Y" (right button), in
   pixels of the picture. */
static bool
parse_click(const char* const text,
            double* const     x,
            double* const     y,
            AetherUiButton*   button)
{
  const char* at = text;
  *button        = AETHER_UI_BUTTON_LEFT;
  if (*at == 'r') {
    *button = AETHER_UI_BUTTON_RIGHT;
    ++at;
  }
  char* end = NULL;
  *x        = strtod(at, &end);
  if (end == at || *end != ',') {
    return false;
  }
  at = end + 1;
  *y = strtod(at, &end);
  return end != at && !*end && isfinite(*x) && isfinite(*y);
}

static void
ignore_write(void* const handle, const LV2_Atom* const atom)
{
  (void)handle;
  (void)atom; /* no plugin here */
}

static int
show(AetherUiEditor* const editor, const Options* const opts)
{
  if (opts->select && aether_ui_editor_select(editor, opts->select)) {
    return aether_cli_fail(
      CMD, "--select %s: the patch has no such node", opts->select);
  }
  double x = 0.0;
  double y = 0.0;
  if (opts->palette && aether_ui_editor_locate(editor, "button:add", &x, &y)) {
    /* As a click on the toolbar's Add: where a host's editor shows it. */
    aether_ui_editor_press(editor, x, y, AETHER_UI_BUTTON_LEFT, 0U, 0U);
    aether_ui_editor_release(editor, x, y, AETHER_UI_BUTTON_LEFT, 0U);
  }
  for (int i = 0; i < opts->n_clicks; ++i) {
    AetherUiButton button = AETHER_UI_BUTTON_LEFT;
    parse_click(opts->clicks[i], &x, &y, &button);
    aether_ui_editor_press(editor, x, y, button, 0U, 10000U * (uint32_t)i);
    aether_ui_editor_release(editor, x, y, button, 0U);
  }
  for (int i = 0; i < opts->n_locate; ++i) {
    if (!aether_ui_editor_locate(editor, opts->locate[i], &x, &y)) {
      return aether_cli_fail(
        CMD, "--locate %s: the editor does not show it", opts->locate[i]);
    }
    printf("%s %.0f %.0f\n", opts->locate[i], x, y);
  }
  return AETHER_EXIT_OK;
}

static int
snapshot(const Options* const opts)
{
  AetherPatch* patch = NULL;
  AetherError  err;
  char*        text = NULL;
  if (aether_patch_read_file(opts->path, &patch, &err) ||
      aether_patch_to_turtle(patch, &text, &err)) {
    aether_patch_free(patch);
    fprintf(stderr, "%s\n", err.message);
    return AETHER_EXIT_FAILURE;
  }
  aether_patch_free(patch);

  UridTable             table  = { NULL, 0 };
  LV2_URID_Map          map    = { &table, table_map };
  AetherUiEditor* const editor = aether_ui_editor_new(
    &map, opts->synth, opts->w, opts->h, ignore_write, NULL);
  int rc = AETHER_EXIT_OK;
  if (!editor || !tell_patch(editor, &map, text)) {
    rc = aether_cli_fail(CMD, "%s: the editor cannot show it", opts->path);
  }
  free(text);
  if (!rc) {
    rc = show(editor, opts);
  }

  cairo_surface_t* const surface =
    rc ? NULL
       : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, opts->w, opts->h);
  if (!rc) {
    cairo_t* const cr = cairo_create(surface);
    aether_ui_editor_draw(editor, cr);
    cairo_destroy(cr);
    const cairo_status_t st = cairo_surface_write_to_png(surface, opts->out);
    if (st) {
      rc =
        aether_cli_fail(CMD, "%s: %s", opts->out, cairo_status_to_string(st));
    }
  }
  if (!rc && opts->repeat) {
    rc = time_redraws(editor, surface, opts->w, opts->h, opts->repeat);
  }
  if (surface) {
    cairo_surface_destroy(surface);
  }
  aether_ui_editor_free(editor);
  table_free(&table);
  return rc;
}

/* Parse the arguments into `opts` (things to locate into `locate`) and
   make the picture. */
static int
parse_and_run(const int          argc,
              char** const       argv,
              Options* const     opts,
              const char** const locate,
              const char** const clicks)
{
  for (int i = 1; i < argc; ++i) {
    const char*          value = NULL;
    AetherOptMatch const m =
      aether_cli_option(CMD, argc, argv, &i, "-o", "--output", &value);
    if (m == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (m == AETHER_OPT_MATCH) {
      opts->out = value;
      continue;
    }
    const AetherOptMatch s =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--size", &value);
    if (s == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (s == AETHER_OPT_MATCH) {
      if (!parse_size(value, &opts->w, &opts->h)) {
        return aether_cli_usage(CMD,
                                "--size %s: give WIDTHxHEIGHT in pixels, 1 "
                                "to %u each",
                                value,
                                MAX_SIDE);
      }
      continue;
    }
    const AetherOptMatch r =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--repeat", &value);
    if (r == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (r == AETHER_OPT_MATCH) {
      if (!aether_cli_parse_uint(value, 1U, 100000U, &opts->repeat)) {
        return aether_cli_usage(
          CMD, "--repeat %s: give a whole number from 1 to 100000", value);
      }
      continue;
    }
    const AetherOptMatch n =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--select", &value);
    if (n == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (n == AETHER_OPT_MATCH) {
      opts->select = value;
      continue;
    }
    const AetherOptMatch l =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--locate", &value);
    if (l == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (l == AETHER_OPT_MATCH) {
      locate[opts->n_locate++] = value;
      continue;
    }
    const AetherOptMatch c =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--click", &value);
    if (c == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (c == AETHER_OPT_MATCH) {
      double         x      = 0.0;
      double         y      = 0.0;
      AetherUiButton button = AETHER_UI_BUTTON_LEFT;
      if (!parse_click(value, &x, &y, &button)) {
        return aether_cli_usage(
          CMD, "--click %s: give X,Y (or rX,Y for the right button)", value);
      }
      clicks[opts->n_clicks++] = value;
      continue;
    }
    if (!strcmp(argv[i], "--synth")) {
      opts->synth = true;
      continue;
    }
    if (!strcmp(argv[i], "--palette")) {
      opts->palette = true;
      continue;
    }
    if (aether_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      return aether_cli_usage(CMD, "unknown option %s", argv[i]);
    }
    if (opts->path) {
      return aether_cli_usage(
        CMD, "one patch at a time (%s and %s)", opts->path, argv[i]);
    }
    opts->path = argv[i];
  }

  if (!opts->path) {
    return aether_cli_usage(CMD,
                            "which patch? (aether snapshot PATCH -o "
                            "FILE.png)");
  }
  if (!opts->out) {
    return aether_cli_usage(CMD, "-o FILE.png is needed");
  }
  if (!ends_with(opts->out, ".png")) {
    return aether_cli_usage(
      CMD, "-o %s: the output must end in .png", opts->out);
  }
  return snapshot(opts);
}

int
aether_snapshot_main(const int argc, char** const argv)
{
  Options            opts = { NULL,  NULL, 1200, 800, 0U,   false,
                              false, NULL, NULL, 0,   NULL, 0 };
  const char** const locate =
    (const char**)calloc((size_t)argc, sizeof(const char*));
  const char** const clicks =
    (const char**)calloc((size_t)argc, sizeof(const char*));
  int rc = AETHER_EXIT_OK;
  if (!locate || !clicks) {
    rc = aether_cli_fail(CMD, "out of memory");
  } else {
    opts.locate = locate;
    opts.clicks = clicks;
    rc          = parse_and_run(argc, argv, &opts, locate, clicks);
  }
  free(locate);
  free(clicks);
  return rc;
}
