/* Aether CLI: `aether snapshot PATCH -o FILE.png [--size WxH]`: what the
   patch editor shows for a patch, drawn without a display. The patch goes
   the editor's way: written canonically (as the plugin answers patch:Get),
   given to the editor's model as a notify message, laid out, fitted into
   the picture and drawn by the editor's own drawing code into a cairo
   image surface. `--repeat N` also times N redraws. */

#include "cli.h"

#include "../src/patch/patch.h"
#include "../src/ui/draw.h"
#include "../src/ui/model.h"

#include <cairo.h>
#include <lv2/atom/forge.h>
#include <lv2/patch/patch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "snapshot"

/* Largest picture side, in pixels. */
#define MAX_SIDE 8192U

static const char* const usage =
  "Usage: aether snapshot PATCH -o FILE.png [--size WxH] [--repeat N]\n"
  "\n"
  "Draw what Aether's patch editor shows for the patch file PATCH: every\n"
  "node as a box with its name and type at its position (ae:x, ae:y) or\n"
  "laid out by signal flow, inputs on the left and outputs on the right,\n"
  "connections as curves (dashed for feedback), per-voice nodes stacked,\n"
  "the macros each node is driven by, the whole patch fitted into the\n"
  "picture. No display is needed.\n"
  "\n"
  "  -o, --output FILE.png  the picture to write (PNG)\n"
  "  --size WxH             its size in pixels (default 1200x800, at most\n"
  "                         8192 each)\n"
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

/* Give `model` the patch text as the plugin's notify port would. */
static bool
tell_patch(AetherUiModel* const model,
           LV2_URID_Map* const  map,
           const char* const    text)
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
  aether_ui_model_receive(model, (const LV2_Atom*)buf);
  free(buf);
  return aether_ui_model_has_patch(model);
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

/* Draw `model` into `surface` `repeat` more times; print the median. */
static int
time_redraws(const AetherUiModel* const model,
             cairo_surface_t* const     surface,
             const int                  w,
             const int                  h,
             const uint32_t             repeat)
{
  double* const times = (double*)malloc(repeat * sizeof(double));
  if (!times) {
    return aether_cli_fail(CMD, "out of memory");
  }
  cairo_t* const cr = cairo_create(surface);
  for (uint32_t i = 0; i < repeat; ++i) {
    const double t0 = now();
    aether_ui_draw(model, cr, w, h);
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
         aether_patch_n_nodes(aether_ui_model_patch(model)));
  free(times);
  return AETHER_EXIT_OK;
}

static int
snapshot(const char* const path,
         const char* const out,
         const int         w,
         const int         h,
         const uint32_t    repeat)
{
  AetherPatch* patch = NULL;
  AetherError  err;
  char*        text = NULL;
  if (aether_patch_read_file(path, &patch, &err) ||
      aether_patch_to_turtle(patch, &text, &err)) {
    aether_patch_free(patch);
    fprintf(stderr, "%s\n", err.message);
    return AETHER_EXIT_FAILURE;
  }
  aether_patch_free(patch);

  UridTable            table = { NULL, 0 };
  LV2_URID_Map         map   = { &table, table_map };
  AetherUiModel* const model = aether_ui_model_new(&map);
  int                  rc    = AETHER_EXIT_OK;
  if (!model || !tell_patch(model, &map, text)) {
    rc = aether_cli_fail(CMD, "%s: the editor cannot show it", path);
  }
  free(text);

  cairo_surface_t* const surface =
    rc ? NULL : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  if (!rc) {
    const AetherUiView view =
      aether_ui_fit_view(aether_ui_model_layout(model), w, h);
    aether_ui_model_set_view(model, &view);
    cairo_t* const cr = cairo_create(surface);
    aether_ui_draw(model, cr, w, h);
    cairo_destroy(cr);
    const cairo_status_t st = cairo_surface_write_to_png(surface, out);
    if (st) {
      rc = aether_cli_fail(CMD, "%s: %s", out, cairo_status_to_string(st));
    }
  }
  if (!rc && repeat) {
    rc = time_redraws(model, surface, w, h, repeat);
  }

  if (surface) {
    cairo_surface_destroy(surface);
  }
  aether_ui_model_free(model);
  table_free(&table);
  return rc;
}

int
aether_snapshot_main(const int argc, char** const argv)
{
  const char* path   = NULL;
  const char* out    = NULL;
  int         w      = 1200;
  int         h      = 800;
  uint32_t    repeat = 0;

  for (int i = 1; i < argc; ++i) {
    const char*          value = NULL;
    AetherOptMatch const m =
      aether_cli_option(CMD, argc, argv, &i, "-o", "--output", &value);
    if (m == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (m == AETHER_OPT_MATCH) {
      out = value;
      continue;
    }
    const AetherOptMatch s =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--size", &value);
    if (s == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (s == AETHER_OPT_MATCH) {
      if (!parse_size(value, &w, &h)) {
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
      if (!aether_cli_parse_uint(value, 1U, 100000U, &repeat)) {
        return aether_cli_usage(
          CMD, "--repeat %s: give a whole number from 1 to 100000", value);
      }
      continue;
    }
    if (aether_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      return aether_cli_usage(CMD, "unknown option %s", argv[i]);
    }
    if (path) {
      return aether_cli_usage(
        CMD, "one patch at a time (%s and %s)", path, argv[i]);
    }
    path = argv[i];
  }

  if (!path) {
    return aether_cli_usage(CMD,
                            "which patch? (aether snapshot PATCH -o "
                            "FILE.png)");
  }
  if (!out) {
    return aether_cli_usage(CMD, "-o FILE.png is needed");
  }
  if (!ends_with(out, ".png")) {
    return aether_cli_usage(CMD, "-o %s: the output must end in .png", out);
  }
  return snapshot(path, out, w, h, repeat);
}
