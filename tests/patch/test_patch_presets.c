/* Aether patch tests: the preset library (ttl/presets/), checked by
   measurement. Every fx-* preset processes a generated stereo track, every
   synth-* preset plays a MIDI phrase:

   - the output is finite, audible (peak above -30 dBFS) and never clips
     (peak below 0 dBFS) with the macros at the host's defaults, all at 0,
     all at 1, and each mapped macro at either end; at the host's defaults
     the peak lies between -9 and -1 dBFS;
   - headroom at the host's default macros: an effect keeps a -6 dBFS input
     (the track, a sine held on any semitone from 55 Hz to 3.5 kHz, noise
     and a sine) at or below -1 dBFS peak, an instrument a four-note chord
     at velocity 100 (and the phrase), so that a fixed-point bus after the
     plugin does not clip;
   - every preset maps macros 1 to 4, and moving any mapped macro from 0 to
     1 changes the output by more than -20 dB of its level;
   - every MIDI controller a preset maps (ae:controller) is named in its
     comments ("CC 1"), keeps the output in range at 0 and at 127, and
     moving it from 0 to 127 changes the output by more than -20 dB of its
     level; at least two instruments follow the mod wheel (CC 1) and one
     brightness (CC 74);
   - effects are stereo: they read both inputs, write both outputs, and
     different inputs give different outputs; the ping-pong delay's echoes
     alternate sides;
   - a held A3 sounds at 220 Hz (the fundamental, the lowest partial within
     20 dB of the strongest, within 1 %; not an octave up, as a saw and a
     square of the same level and phase would sound), without a DC offset;
   - a chord plays every note on a polyphonic preset (ae:voices above 1,
     the voice sub-graph per voice) and only its last note on a monophonic
     one;
   - a preset sounds the same at 44.1 and 96 kHz as at 48 kHz (levels
     within 2 dB, the same pitch).

   Usage: test_patch_presets [--library | FILE.ttl...]: without arguments,
   the library and every preset; --library, only the library as a whole
   (how many presets, labels, macros mapped: nothing is played); FILE.ttl,
   those presets only (meson runs one test per preset, in parallel). */

#include "../../src/engine/engine.h"
#include "../../src/nodes/registry.h"
#include "measure.h"
#include "patch.h"
#include "util.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RATE 48000.0
#define MAX_PRESETS 64U
#define MAX_EVENTS 64U

/* The host's default macro values: the plugin's macro ports default to 0
   in the effect and 0.5 in the instrument (aether.lv2/aether.ttl). */
#define FX_MACRO_DEFAULT 0.0f
#define SYNTH_MACRO_DEFAULT 0.5f

/* The highest peak allowed at the default macros, in dBFS: room for a
   fixed-point bus after the plugin. */
#define HEADROOM_DBFS (-1.0)

#define TRACK_SECONDS 4.0  /* the effects' input */
#define PHRASE_SECONDS 3.5 /* the instruments' phrase and its tail */

typedef struct {
  float*   left;
  float*   right;
  uint32_t n;
} Stereo;

typedef struct {
  char         file[256]; /**< e.g. "fx-chorus.ttl" */
  char         label[64]; /**< the first comment line, before ':' */
  bool         synth;     /**< synth-*, else fx-* */
  AetherPatch* patch;
  char*        text;  /**< the file, for its comments */
  Stereo       usual; /**< played at RATE with the default macros */
} Preset;

typedef struct {
  uint32_t frame;
  uint8_t  msg[3];
} Event;

static Preset   presets[MAX_PRESETS];
static uint32_t n_presets;

/* The presets to check (NULL: all of them) and whether all are loaded. */
static char**   wanted_files;
static uint32_t n_wanted_files;

/* The effects' input at each rate used, made once. */
static const double track_rates[3] = { 44100.0, RATE, 96000.0 };
static Stereo       tracks[3];

/* Signals */

static Stereo
stereo_new(const uint32_t n)
{
  Stereo s = { (float*)calloc(n, sizeof(float)),
               (float*)calloc(n, sizeof(float)),
               n };
  assert_non_null(s.left);
  assert_non_null(s.right);
  return s;
}

static Stereo
stereo_copy(const Stereo* const s)
{
  Stereo copy = stereo_new(s->n);
  memcpy(copy.left, s->left, s->n * sizeof(float));
  memcpy(copy.right, s->right, s->n * sizeof(float));
  return copy;
}

static void
stereo_free(Stereo* const s)
{
  free(s->left);
  free(s->right);
  s->left  = NULL;
  s->right = NULL;
}

static double
stereo_peak(const Stereo* const s)
{
  return fmax(measure_peak(s->left, s->n), measure_peak(s->right, s->n));
}

static double
stereo_rms(const Stereo* const s)
{
  const double l = measure_rms(s->left, s->n);
  const double r = measure_rms(s->right, s->n);
  return sqrt(0.5 * (l * l + r * r));
}

/* RMS of a - b over both channels. */
static double
stereo_rms_diff(const Stereo* const a, const Stereo* const b)
{
  double sum = 0.0;
  for (uint32_t i = 0; i < a->n; ++i) {
    const double l = (double)a->left[i] - (double)b->left[i];
    const double r = (double)a->right[i] - (double)b->right[i];
    sum += l * l + r * r;
  }
  return sqrt(sum / (2.0 * a->n));
}

static double
db(const double x)
{
  return x > 1e-12 ? 20.0 * log10(x) : -240.0;
}

static uint32_t
lcg(uint32_t* const seed)
{
  *seed = *seed * 1664525U + 1013904223U;
  return *seed;
}

/* The effects' input: four seconds of a stereo track at 120 BPM, the same
   at any rate: a kick on every beat and a plucked bass (centre), a
   pentatonic saw melody on every eighth (left of centre) and a noise hat
   on the off-beats (right of centre). Peaks at -6 dBFS. */
static Stereo
make_track(const double rate)
{
  static const double melody[16] = { 440.0,  523.25, 587.33, 659.26,
                                     783.99, 659.26, 587.33, 523.25,
                                     440.0,  392.0,  440.0,  523.25,
                                     659.26, 880.0,  783.99, 659.26 };
  static const double bass[4]    = { 110.0, 87.31, 98.0, 82.41 };

  const uint32_t n     = (uint32_t)(TRACK_SECONDS * rate);
  Stereo         track = stereo_new(n);
  uint32_t       seed  = 12345U;
  double         kick  = 0.0; /* kick phase */
  double         hp    = 0.0; /* last noise sample, for a first difference */

  for (uint32_t i = 0; i < n; ++i) {
    const double t      = (double)i / rate;
    const double eighth = fmod(t, 0.25);
    const double beat   = fmod(t, 0.5);
    const int    step   = (int)(t / 0.25) % 16;

    double lead = 0.0;
    for (int k = 1; k <= 6; ++k) {
      lead += sin(2.0 * M_PI * k * melody[step] * eighth) / k;
    }
    lead *= 0.35 * exp(-eighth / 0.12);

    const double fb = bass[(int)(t / 1.0) % 4];
    const double b =
      0.5 * exp(-beat / 0.3) *
      (sin(2.0 * M_PI * fb * beat) + 0.3 * sin(4.0 * M_PI * fb * beat));

    kick += 2.0 * M_PI * (50.0 + 110.0 * exp(-beat / 0.03)) / rate;
    if (beat * rate < 1.0) {
      kick = 0.0;
    }
    const double k = 0.8 * exp(-beat / 0.12) * sin(kick);

    const double white = (double)(lcg(&seed) >> 8U) / 8388608.0 - 1.0;
    const double hat   = eighth >= 0.125
                           ? 0.5 * exp(-(eighth - 0.125) / 0.02) * (white - hp)
                           : 0.0;
    hp                 = white;

    track.left[i]  = (float)(0.8 * lead + 0.7 * b + 0.7 * k + 0.3 * hat);
    track.right[i] = (float)(0.4 * lead + 0.7 * b + 0.7 * k + 0.8 * hat);
  }

  const double peak  = stereo_peak(&track);
  const float  scale = (float)(0.5 / peak);
  for (uint32_t i = 0; i < n; ++i) {
    track.left[i] *= scale;
    track.right[i] *= scale;
  }
  return track;
}

/* Scale `s` to peak at -6 dBFS, as the track does. */
static void
stereo_normalize(Stereo* const s)
{
  const float scale = (float)(0.5 / stereo_peak(s));
  for (uint32_t i = 0; i < s->n; ++i) {
    s->left[i] *= scale;
    s->right[i] *= scale;
  }
}

/* The steady tones of the effects' headroom test: every semitone from A1
   (55 Hz) to A7 (3520 Hz), as a held note may fall on an effect's
   resonance (a formant, a reverb's mode). */
#define N_TONES 73U

static double
tone_hz(const uint32_t k)
{
  return 55.0 * pow(2.0, k / 12.0);
}

/* A steady test signal for the effects' headroom, TRACK_SECONDS long at
   -6 dBFS peak, with a 5 ms fade in so that no click starts it: tone `k`
   (0 .. N_TONES - 1), a sine centred (the same on both sides), or for
   N_TONES white noise (its own on each side) plus a sine (220 Hz left,
   330 Hz right), each at half the level. */
static Stereo
make_steady(const double rate, const uint32_t k)
{
  const uint32_t n    = (uint32_t)(TRACK_SECONDS * rate);
  const double   hz   = tone_hz(k);
  Stereo         s    = stereo_new(n);
  uint32_t       seed = 777U;
  for (uint32_t i = 0; i < n; ++i) {
    const double t    = (double)i / rate;
    const double fade = fmin(1.0, t / 0.005);
    if (k < N_TONES) {
      s.left[i]  = (float)(fade * sin(2.0 * M_PI * hz * t));
      s.right[i] = s.left[i];
    } else {
      const double l = (double)(lcg(&seed) >> 8U) / 8388608.0 - 1.0;
      const double r = (double)(lcg(&seed) >> 8U) / 8388608.0 - 1.0;
      s.left[i]      = (float)(fade * (l + sin(2.0 * M_PI * 220.0 * t)));
      s.right[i]     = (float)(fade * (r + sin(2.0 * M_PI * 330.0 * t)));
    }
  }
  stereo_normalize(&s);
  return s;
}

static uint32_t
add_event(Event* const   events,
          const uint32_t n,
          const double   t,
          const double   rate,
          const uint8_t  status,
          const uint8_t  note,
          const uint8_t  velocity)
{
  assert_true(n < MAX_EVENTS);
  const Event ev = { (uint32_t)(t * rate + 0.5), { status, note, velocity } };
  events[n]      = ev;
  return n + 1U;
}

/* The instruments' phrase: an A major chord held for 1.2 s, then a short
   melody, and a tail to hear the releases. */
static uint32_t
make_phrase(Event* const events, const double rate)
{
  static const uint8_t chord[3]  = { 57, 61, 64 };
  static const uint8_t melody[6] = { 64, 67, 69, 72, 69, 76 };
  uint32_t             n         = 0;
  for (uint32_t i = 0; i < 3U; ++i) {
    n = add_event(events, n, 0.0, rate, 0x90, chord[i], 100);
    n = add_event(events, n, 1.2, rate, 0x80, chord[i], 0);
  }
  for (uint32_t i = 0; i < 6U; ++i) {
    const double t = 1.5 + 0.25 * i;
    n              = add_event(events, n, t, rate, 0x90, melody[i], 90);
    n              = add_event(events, n, t + 0.2, rate, 0x80, melody[i], 0);
  }
  return n;
}

/* Rendering */

static int
compare_events(const void* const a, const void* const b)
{
  const uint32_t x = ((const Event*)a)->frame;
  const uint32_t y = ((const Event*)b)->frame;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Play `patch` at `rate` with `macros`, the input `in` (NULL: silence) and
   MIDI `events` (sorted in place), each at its exact frame, into `out`. */
static void
render(const Preset* const preset,
       const double        rate,
       const float* const  macros,
       const Stereo* const in,
       Event* const        events,
       const uint32_t      n_events,
       Stereo* const       out)
{
  AetherEngine* const e   = aether_engine_new(rate);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  if (aether_patch_apply(preset->patch, aether_engine_graph(e), &err) ||
      aether_engine_commit(e, &err)) {
    fail_msg("%s: %s", preset->file, err.message);
  }
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    aether_engine_set_macro_rt(e, m, macros[m]);
  }

  if (n_events) { /* qsort(NULL, 0) is undefined */
    qsort(events, n_events, sizeof(Event), compare_events);
  }
  uint32_t next = 0;
  for (uint32_t pos = 0; pos < out->n;) {
    for (; next < n_events && events[next].frame <= pos; ++next) {
      aether_engine_push_midi_rt(e, events[next].msg, 3);
    }
    uint32_t len =
      out->n - pos < AETHER_BUFFER_SIZE ? out->n - pos : AETHER_BUFFER_SIZE;
    if (next < n_events && events[next].frame < pos + len) {
      len = events[next].frame - pos; /* split at the event */
    }
    const float* const ins[2] = { in ? in->left + pos : NULL,
                                  in ? in->right + pos : NULL };
    float* const outs[2] = { out->left + pos, out->right + pos };
    aether_engine_process(e, ins, outs, len);
    pos += len;
  }

  AetherEngineStats stats;
  aether_engine_stats(e, &stats);
  assert_int_equal(stats.blowups, 0);
  aether_engine_collect(e);
  aether_engine_free(e);
}

static float
default_macro(const Preset* const preset)
{
  return preset->synth ? SYNTH_MACRO_DEFAULT : FX_MACRO_DEFAULT;
}

static const Stereo*
track_at(const double rate)
{
  for (uint32_t i = 0; i < 3U; ++i) {
    if (track_rates[i] == rate) {
      if (!tracks[i].left) {
        tracks[i] = make_track(rate);
      }
      return &tracks[i];
    }
  }
  fail_msg("no track at %g Hz", rate);
  return NULL;
}

/* The preset's usual use at `rate`: the track through an effect, the phrase
   on an instrument, with `extra` MIDI events (controllers) too. */
static Stereo
play_with(const Preset* const preset,
          const double        rate,
          const float* const  macros,
          const Event* const  extra,
          const uint32_t      n_extra)
{
  Stereo out = stereo_new(
    (uint32_t)((preset->synth ? PHRASE_SECONDS : TRACK_SECONDS) * rate));
  Event    events[MAX_EVENTS];
  uint32_t n = preset->synth ? make_phrase(events, rate) : 0U;
  for (uint32_t i = 0; i < n_extra; ++i) {
    assert_true(n < MAX_EVENTS);
    events[n++] = extra[i];
  }
  render(preset,
         rate,
         macros,
         preset->synth ? NULL : track_at(rate),
         events,
         n,
         &out);
  return out;
}

/* The preset's usual use at `rate`. */
static Stereo
play(const Preset* const preset, const double rate, const float* const macros)
{
  return play_with(preset, rate, macros, NULL, 0);
}

/* The preset played at RATE with the host's default macros (rendered once). */
static const Stereo*
usual(Preset* const preset)
{
  if (!preset->usual.left) {
    float macros[AETHER_N_MACROS];
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      macros[m] = default_macro(preset);
    }
    preset->usual = play(preset, RATE, macros);
  }
  return &preset->usual;
}

static void
check_output(const Preset* const preset,
             const Stereo* const out,
             const char* const   what)
{
  if (!measure_all_finite(out->left, out->n) ||
      !measure_all_finite(out->right, out->n)) {
    fail_msg("%s, %s: the output is not finite", preset->file, what);
  }
  const double peak = db(stereo_peak(out));
  if (peak >= 0.0 || peak < -30.0) {
    fail_msg(
      "%s, %s: peak %.1f dBFS (must be in -30 .. 0)", preset->file, what, peak);
  }
}

/* Presets */

static bool
wanted(const char* const file)
{
  for (uint32_t i = 0; i < n_wanted_files; ++i) {
    if (!strcmp(wanted_files[i], file)) {
      return true;
    }
  }
  return !n_wanted_files;
}

/* The label: the first comment line, up to ':' (scripts/bundle.py). */
static void
read_label(const char* const text, char* const label, const size_t size)
{
  const char* at = text;
  while (*at && *at != '#') {
    at = strchr(at, '\n') ? strchr(at, '\n') + 1 : at + strlen(at);
  }
  at += *at == '#';
  while (*at == ' ') {
    ++at;
  }
  size_t len = strcspn(at, ":\n");
  while (len && at[len - 1U] == ' ') {
    --len;
  }
  len = len < size - 1U ? len : size - 1U;
  memcpy(label, at, len);
  label[len] = '\0';
}

static int
compare_presets(const void* const a, const void* const b)
{
  return strcmp(((const Preset*)a)->file, ((const Preset*)b)->file);
}

static int
load_presets(void** state)
{
  (void)state;
  char dir_path[1024];
  snprintf(dir_path, sizeof(dir_path), "%s/ttl/presets", util_source_root());
  DIR* const dir = opendir(dir_path);
  if (!dir) {
    return -1;
  }

  const struct dirent* entry;
  while ((entry = readdir(dir)) && n_presets < MAX_PRESETS) {
    const char* const name = entry->d_name;
    const size_t      len  = strlen(name);
    if (len < 5 || len >= sizeof(presets[0].file) ||
        strcmp(name + len - 4, ".ttl") || !wanted(name)) {
      continue;
    }
    Preset* const p = &presets[n_presets];
    char          path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir_path, name);
    memcpy(p->file, name, len + 1U);
    p->synth = !strncmp(name, "synth-", 6);

    char* const text = util_read_file(path, NULL);
    if (!text) {
      closedir(dir);
      return -1;
    }
    read_label(text, p->label, sizeof(p->label));
    AetherError err = { AETHER_SUCCESS, "" };
    p->text         = text;
    if (aether_patch_parse(text, strlen(text), name, &p->patch, &err)) {
      fprintf(stderr, "%s\n", err.message);
      closedir(dir);
      return -1;
    }
    ++n_presets;
  }
  closedir(dir);
  qsort(presets, n_presets, sizeof(Preset), compare_presets);
  return 0;
}

static int
free_presets(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_presets; ++i) {
    aether_patch_free(presets[i].patch);
    free(presets[i].text);
    stereo_free(&presets[i].usual);
  }
  for (uint32_t i = 0; i < 3U; ++i) {
    stereo_free(&tracks[i]);
  }
  return 0;
}

static bool
maps_macro(const AetherPatch* const patch, const uint32_t macro)
{
  for (uint32_t i = 0; i < aether_patch_n_macros(patch); ++i) {
    if (aether_patch_macro(patch, i)->macro == macro) {
      return true;
    }
  }
  return false;
}

static const AetherPatchNode*
find_type(const AetherPatch* const patch, const char* const type)
{
  for (uint32_t i = 0; i < aether_patch_n_nodes(patch); ++i) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    if (!strcmp(node->type->name, type)) {
      return node;
    }
  }
  return NULL;
}

/* Does `text` say "CC `cc`" (not "CC `cc`0") after its first '#'? */
static bool
names_cc(const char* const text, const uint32_t cc)
{
  char name[16];
  snprintf(name, sizeof(name), "CC %u", cc);
  for (const char* at = strchr(text, '#'); at && (at = strstr(at, name));
       ++at) {
    if (at[strlen(name)] < '0' || at[strlen(name)] > '9') {
      return true;
    }
  }
  return false;
}

/* Does `patch` map controller `cc` (on any channel)? */
static bool
maps_cc(const AetherPatch* const patch, const uint32_t cc)
{
  for (uint32_t i = 0; i < aether_patch_n_controllers(patch); ++i) {
    if (aether_patch_controller(patch, i)->cc == cc) {
      return true;
    }
  }
  return false;
}

/* Tests */

static void
test_the_library(void** state)
{
  (void)state;
  uint32_t n_fx    = 0;
  uint32_t n_synth = 0;
  uint32_t n_wheel = 0; /* instruments on the mod wheel */
  uint32_t n_74    = 0; /* and on brightness */
  for (uint32_t i = 0; i < n_presets; ++i) {
    const Preset* const p = &presets[i];
    n_fx += !p->synth && !strncmp(p->file, "fx-", 3);
    n_synth += p->synth;
    const size_t label = strlen(p->label);
    if (label < 3 || label > 32 || p->label[0] < 'A' || p->label[0] > 'Z') {
      fail_msg("%s: no label, or not a title (the first line must be "
               "\"# Label: what it does\")",
               p->file);
    }
    for (uint32_t m = 0; m < 4U; ++m) {
      if (!maps_macro(p->patch, m)) {
        fail_msg("%s: macro %u is not mapped", p->file, m + 1U);
      }
    }
    if (p->synth && !find_type(p->patch, "MidiNote")) {
      fail_msg("%s: an instrument without ae:MidiNote", p->file);
    }
    for (uint32_t c = 0; c < aether_patch_n_controllers(p->patch); ++c) {
      const uint32_t cc = aether_patch_controller(p->patch, c)->cc;
      if (!names_cc(p->text, cc)) {
        fail_msg("%s: maps controller %u, but its comments do not say what "
                 "\"CC %u\" does",
                 p->file,
                 cc,
                 cc);
      }
    }
    n_wheel += p->synth && maps_cc(p->patch, 1U);
    n_74 += p->synth && maps_cc(p->patch, 74U);
    printf("%-28s \"%s\": %u nodes, %u voices, %u macro mappings, %u "
           "controller mappings\n",
           p->file,
           p->label,
           aether_patch_n_nodes(p->patch),
           aether_patch_voices(p->patch),
           aether_patch_n_macros(p->patch),
           aether_patch_n_controllers(p->patch));
  }
  if (n_wanted_files) {
    assert_int_equal(n_presets, n_wanted_files); /* each one exists */
  } else {
    assert_true(n_fx >= 8U);
    assert_true(n_synth >= 6U);
    assert_true(n_wheel >= 2U);
    assert_true(n_74 >= 1U);
  }
}

/* Each controller a preset maps, on the channel it follows (channel 1 for
   every channel), at 0 and at 127 from the start, the macros at their
   defaults: the output stays in range and changes audibly. */
static void
test_controllers(void** state)
{
  (void)state;
  float macros[AETHER_N_MACROS];
  char  what[64];
  for (uint32_t i = 0; i < n_presets; ++i) {
    Preset* const p = &presets[i];
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      macros[m] = default_macro(p);
    }
    for (uint32_t c = 0; c < aether_patch_n_controllers(p->patch); ++c) {
      const AetherPatchController* const ctl =
        aether_patch_controller(p->patch, c);
      bool tried = false; /* a controller and channel mapped twice */
      for (uint32_t k = 0; k < c && !tried; ++k) {
        const AetherPatchController* const other =
          aether_patch_controller(p->patch, k);
        tried = other->cc == ctl->cc && other->channel == ctl->channel;
      }
      if (tried) {
        continue;
      }

      const uint8_t channel = (uint8_t)(ctl->channel ? ctl->channel - 1U : 0U);
      Stereo        ends[2];
      for (uint32_t end = 0; end <= 1U; ++end) {
        const Event ev = {
          0U, { (uint8_t)(0xB0U | channel), (uint8_t)ctl->cc, end ? 127 : 0 }
        };
        ends[end] = play_with(p, RATE, macros, &ev, 1U);
        snprintf(what, sizeof(what), "CC %u at %u", ctl->cc, end ? 127U : 0U);
        check_output(p, &ends[end], what);
      }
      const double level  = fmax(stereo_rms(&ends[0]), stereo_rms(&ends[1]));
      const double change = db(stereo_rms_diff(&ends[0], &ends[1]) / level);
      printf("%-28s CC %u: peak %5.1f / %5.1f dBFS, rms %5.1f / %5.1f dBFS, "
             "change %5.1f dB\n",
             p->file,
             ctl->cc,
             db(stereo_peak(&ends[0])),
             db(stereo_peak(&ends[1])),
             db(stereo_rms(&ends[0])),
             db(stereo_rms(&ends[1])),
             change);
      if (change < -20.0) {
        fail_msg("%s: CC %u changes the output by %.1f dB only",
                 p->file,
                 ctl->cc,
                 change);
      }
      stereo_free(&ends[0]);
      stereo_free(&ends[1]);
    }
  }
}

static void
test_levels_and_macros(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_presets; ++i) {
    Preset* const       p    = &presets[i];
    const float         def  = default_macro(p);
    const Stereo* const base = usual(p);
    const double        peak = db(stereo_peak(base));
    float               macros[AETHER_N_MACROS];
    char                what[64];

    check_output(p, base, "default macros");
    printf("%-28s default: peak %5.1f dBFS, rms %5.1f dBFS\n",
           p->file,
           peak,
           db(stereo_rms(base)));
    if (peak < -9.0 || peak > HEADROOM_DBFS) {
      fail_msg("%s: peak %.1f dBFS at the default macros (want -9 .. -1)",
               p->file,
               peak);
    }

    for (int all = 0; all <= 1; ++all) {
      for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
        macros[m] = (float)all;
      }
      Stereo out = play(p, RATE, macros);
      snprintf(what, sizeof(what), "every macro at %d", all);
      check_output(p, &out, what);
      printf("%-28s all macros %d: peak %5.1f dBFS\n",
             p->file,
             all,
             db(stereo_peak(&out)));
      stereo_free(&out);
    }

    /* Each mapped macro at either end, the others at their default. */
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      if (!maps_macro(p->patch, m)) {
        continue;
      }
      for (uint32_t k = 0; k < AETHER_N_MACROS; ++k) {
        macros[k] = def;
      }
      Stereo ends[2];
      for (int end = 0; end <= 1; ++end) {
        macros[m] = (float)end;
        ends[end] =
          (float)end == def ? stereo_copy(base) : play(p, RATE, macros);
        snprintf(what, sizeof(what), "macro %u at %d", m + 1U, end);
        check_output(p, &ends[end], what);
      }
      const double level  = fmax(stereo_rms(&ends[0]), stereo_rms(&ends[1]));
      const double change = db(stereo_rms_diff(&ends[0], &ends[1]) / level);
      printf("%-28s macro %u: peak %5.1f / %5.1f dBFS, change %5.1f dB\n",
             p->file,
             m + 1U,
             db(stereo_peak(&ends[0])),
             db(stereo_peak(&ends[1])),
             change);
      if (change < -20.0) {
        fail_msg("%s: macro %u changes the output by %.1f dB only",
                 p->file,
                 m + 1U,
                 change);
      }
      stereo_free(&ends[0]);
      stereo_free(&ends[1]);
    }
  }
}

/* Fail unless `out` peaks at or below HEADROOM_DBFS. */
static void
check_headroom(const Preset* const preset,
               const Stereo* const out,
               const char* const   what)
{
  const double peak = db(stereo_peak(out));
  printf("%-28s headroom, %s: peak %6.2f dBFS\n", preset->file, what, peak);
  if (peak > HEADROOM_DBFS) {
    fail_msg("%s: %s peaks at %.1f dBFS at the default macros (at most "
             "%.0f: a fixed-point bus would clip)",
             preset->file,
             what,
             peak,
             HEADROOM_DBFS);
  }
}

/* At the host's default macros, an effect keeps each -6 dBFS input and an
   instrument a chord at velocity 100 below -1 dBFS. */
static void
test_headroom(void** state)
{
  (void)state;
  /* A minor seventh, A2 to G4, held for 2 s, then its release. */
  static const uint8_t chord[4] = { 45, 60, 64, 67 };

  for (uint32_t i = 0; i < n_presets; ++i) {
    Preset* const p = &presets[i];
    float         macros[AETHER_N_MACROS];
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      macros[m] = default_macro(p);
    }
    check_headroom(p, usual(p), p->synth ? "the phrase" : "the track");

    if (p->synth) {
      Event    events[MAX_EVENTS];
      uint32_t n = 0;
      for (uint32_t k = 0; k < 4U; ++k) {
        n = add_event(events, n, 0.0, RATE, 0x90, chord[k], 100);
        n = add_event(events, n, 2.0, RATE, 0x80, chord[k], 0);
      }
      Stereo out = stereo_new((uint32_t)(PHRASE_SECONDS * RATE));
      render(p, RATE, macros, NULL, events, n, &out);
      check_headroom(p, &out, "a chord at velocity 100");
      stereo_free(&out);
      continue;
    }

    for (uint32_t k = 0; k <= N_TONES; ++k) {
      Stereo in = make_steady(RATE, k);
      char   what[64];
      if (k < N_TONES) {
        snprintf(what, sizeof(what), "a %.0f Hz tone", tone_hz(k));
      } else {
        snprintf(what, sizeof(what), "noise and a sine");
      }
      Stereo out = stereo_new(in.n);
      render(p, RATE, macros, &in, NULL, 0, &out);
      check_headroom(p, &out, what);
      stereo_free(&in);
      stereo_free(&out);
    }
  }
}

static void
test_effects_are_stereo(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_presets; ++i) {
    Preset* const p = &presets[i];
    if (p->synth) {
      continue;
    }

    /* Both inputs read, both outputs written. */
    bool reads[2] = { false, false };
    for (uint32_t n = 0; n < aether_patch_n_nodes(p->patch); ++n) {
      const AetherPatchNode* const node = aether_patch_node(p->patch, n);
      for (uint32_t k = 0; k < node->type->n_inputs; ++k) {
        const AetherPatchInput* const in = &node->inputs[k];
        const AetherPatchNode* const  src =
          (node->inputs_set >> k) & 1U ? aether_patch_find(p->patch, in->source)
                                        : NULL;
        if (src && !strcmp(src->type->name, "AudioIn")) {
          reads[!strcmp(in->output, "right")] = true;
        }
      }
    }
    const AetherPatchNode* const out = find_type(p->patch, "AudioOut");
    if (!reads[0] || !reads[1] || !out || out->inputs_set != 3U) {
      fail_msg("%s: not stereo from AudioIn left/right to AudioOut "
               "left/right",
               p->file);
    }

    /* The track's channels differ: so must the output's. */
    const Stereo* const o       = usual(p);
    const Stereo        swapped = { o->right, o->left, o->n };
    const double side = stereo_rms_diff(o, &swapped) / (2.0 * stereo_rms(o));
    printf("%-28s side/mid: %5.1f dB\n", p->file, db(side));
    if (side < 0.05) {
      fail_msg(
        "%s: left and right are almost the same (%.1f dB)", p->file, db(side));
    }
  }
}

static double
window_rms(const float* const x,
           const double       rate,
           const double       t,
           const double       len)
{
  return measure_rms(x + (size_t)(t * rate), (size_t)(len * rate));
}

/* The ping-pong delay sends a click left, then right, then left again,
   every echo time (0.3 s at the default macros). */
static void
test_ping_pong_bounces(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_presets; ++i) {
    const Preset* const p = &presets[i];
    if (strcmp(p->file, "fx-ping-pong.ttl")) {
      continue;
    }
    const uint32_t n     = (uint32_t)(1.5 * RATE);
    Stereo         click = stereo_new(n);
    Stereo         out   = stereo_new(n);
    float          macros[AETHER_N_MACROS];
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      macros[m] = FX_MACRO_DEFAULT;
    }
    for (uint32_t k = 0; k < 48U; ++k) { /* 1 ms at 0.1 s, both sides */
      click.left[(uint32_t)(0.1 * RATE) + k]  = 0.5f;
      click.right[(uint32_t)(0.1 * RATE) + k] = 0.5f;
    }
    render(p, RATE, macros, &click, NULL, 0, &out);

    for (uint32_t echo = 1; echo <= 3U; ++echo) {
      const double t     = 0.1 + 0.3 * echo - 0.02;
      const double l     = db(window_rms(out.left, RATE, t, 0.06));
      const double r     = db(window_rms(out.right, RATE, t, 0.06));
      const bool   left  = echo % 2U;
      const double loud  = left ? l : r;
      const double quiet = left ? r : l;
      printf("%-28s echo %u at %.1f s: left %.1f dBFS, right %.1f dBFS\n",
             p->file,
             echo,
             t + 0.02,
             l,
             r);
      if (loud < -80.0 || quiet > loud - 20.0) {
        fail_msg("%s: echo %u is not on the %s",
                 p->file,
                 echo,
                 left ? "left" : "right");
      }
    }
    stereo_free(&click);
    stereo_free(&out);
  }
}

/* Power of the note at `hz` (fundamental and two harmonics, +- 3 bins). */
static double
note_power(const double* const power,
           const size_t        n,
           const double        rate,
           const double        hz)
{
  double sum = 0.0;
  for (int h = 1; h <= 3; ++h) {
    sum += measure_band_power(power, n, rate, hz * h, 3);
  }
  return sum;
}

/* Hold `notes` from frame 0; the spectrum of `fft` frames from 0.4 s
   (both channels summed) into `power` (fft / 2 + 1 bins, zero below
   20 Hz). Fails if the output has a DC offset. */
static void
hold_spectrum(const Preset* const  preset,
              const double         rate,
              const uint8_t* const notes,
              const uint32_t       n_notes,
              const uint32_t       fft,
              double* const        power)
{
  const uint32_t start = (uint32_t)(0.4 * rate);
  Stereo         out   = stereo_new(start + fft);
  Event          events[MAX_EVENTS];
  float          macros[AETHER_N_MACROS];
  uint32_t       n = 0;
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    macros[m] = SYNTH_MACRO_DEFAULT;
  }
  for (uint32_t k = 0; k < n_notes; ++k) {
    n = add_event(events, n, 0.0, rate, 0x90, notes[k], 100);
  }
  render(preset, rate, macros, NULL, events, n, &out);
  check_output(preset, &out, "held notes");
  float* const mono = (float*)calloc(fft, sizeof(float));
  assert_non_null(mono);
  double dc = 0.0;
  for (uint32_t i = 0; i < fft; ++i) {
    mono[i] = out.left[start + i] + out.right[start + i];
    dc += 0.5 * (double)mono[i];
  }
  dc /= fft;
  if (fabs(dc) > 0.01) { /* it would waste headroom and thump */
    fail_msg("%s: a DC offset of %.3f while notes are held", preset->file, dc);
  }
  measure_spectrum(mono, fft, power);
  for (uint32_t i = 0; i * rate / fft < 20.0; ++i) {
    power[i] = 0.0; /* below the audio band */
  }
  free(mono);
  stereo_free(&out);
}

/* The fundamental frequency of a held A3. */
static double
a3_pitch_hz(const Preset* const preset, const double rate)
{
  static const uint8_t a3[1] = { 57 };
  double* const        power = (double*)calloc(16385U, sizeof(double));
  assert_non_null(power);
  hold_spectrum(preset, rate, a3, 1, 32768U, power);
  const double hz = measure_fundamental_hz(power, 32768U, rate, -20.0);
  free(power);
  return hz;
}

static void
check_pitch_220(const Preset* const preset, const double hz, const double rate)
{
  printf("%-28s A3 at %.0f Hz: pitch %.2f Hz (%+.2f %%)\n",
         preset->file,
         rate,
         hz,
         100.0 * (hz / 220.0 - 1.0));
  if (fabs(hz / 220.0 - 1.0) > 0.01) {
    fail_msg(
      "%s: a held A3 sounds at %.2f Hz, not at 220 Hz", preset->file, hz);
  }
}

static void
test_instruments_play_in_tune(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_presets; ++i) {
    if (presets[i].synth) {
      check_pitch_220(&presets[i], a3_pitch_hz(&presets[i], RATE), RATE);
    }
  }
}

static void
test_chords(void** state)
{
  (void)state;
  /* A3 and D#4 (a tritone): no low harmonic of one is near the other's.
     A long window (1.4 s): detuned oscillators beat slowly, and a short
     one could fall into a trough of one note. */
  static const uint8_t chord[2] = { 57, 63 };
  const double         hz[2]    = { 220.0, 311.127 };
  const uint32_t       fft      = 65536U;
  double* const        power = (double*)calloc(fft / 2U + 1U, sizeof(double));
  assert_non_null(power);

  for (uint32_t i = 0; i < n_presets; ++i) {
    const Preset* const p = &presets[i];
    if (!p->synth) {
      continue;
    }
    const bool poly = aether_patch_voices(p->patch) > 1U;
    hold_spectrum(p, RATE, chord, 2, fft, power);
    const double first = note_power(power, fft, RATE, hz[0]);
    const double last  = note_power(power, fft, RATE, hz[1]);
    if (!(last > 0.0)) {
      fail_msg("%s: the last note of a chord is silent", p->file);
    }
    const double ratio = db(sqrt(first / last));
    printf("%-28s chord A3 + D#4, %u voices: A3 %.1f dB against D#4\n",
           p->file,
           aether_patch_voices(p->patch),
           ratio);
    if (poly && fabs(ratio) > 20.0) {
      fail_msg("%s: a polyphonic preset does not play both notes of a "
               "chord (A3 %.1f dB against D#4)",
               p->file,
               ratio);
    }
    if (!poly && ratio > -30.0) {
      fail_msg("%s: a monophonic preset plays more than the last note "
               "(A3 %.1f dB against D#4)",
               p->file,
               ratio);
    }
    if (poly && !find_type(p->patch, "MidiNote")->poly) {
      fail_msg("%s: %u voices, but its MidiNote is shared",
               p->file,
               aether_patch_voices(p->patch));
    }
  }
  free(power);
}

static void
test_sample_rates(void** state)
{
  (void)state;
  static const double rates[2] = { 44100.0, 96000.0 };
  for (uint32_t i = 0; i < n_presets; ++i) {
    Preset* const p = &presets[i];
    float         macros[AETHER_N_MACROS];
    for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
      macros[m] = default_macro(p);
    }
    const double peak = db(stereo_peak(usual(p)));
    const double rms  = db(stereo_rms(usual(p)));

    for (uint32_t r = 0; r < 2U; ++r) {
      Stereo       out = play(p, rates[r], macros);
      const double dp  = db(stereo_peak(&out)) - peak;
      const double dr  = db(stereo_rms(&out)) - rms;
      check_output(p, &out, "another rate");
      printf("%-28s at %.0f Hz: peak %+.2f dB, rms %+.2f dB\n",
             p->file,
             rates[r],
             dp,
             dr);
      if (fabs(dp) > 2.0 || fabs(dr) > 2.0) {
        fail_msg("%s: at %.0f Hz the level moves by %.1f dB (peak), %.1f dB "
                 "(rms)",
                 p->file,
                 rates[r],
                 dp,
                 dr);
      }
      stereo_free(&out);
      if (p->synth) {
        check_pitch_220(p, a3_pitch_hz(p, rates[r]), rates[r]);
      }
    }
  }
}

int
main(int argc, char** argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_the_library),
    cmocka_unit_test(test_levels_and_macros),
    cmocka_unit_test(test_headroom),
    cmocka_unit_test(test_controllers),
    cmocka_unit_test(test_effects_are_stereo),
    cmocka_unit_test(test_ping_pong_bounces),
    cmocka_unit_test(test_instruments_play_in_tune),
    cmocka_unit_test(test_chords),
    cmocka_unit_test(test_sample_rates),
  };
  const struct CMUnitTest library[] = {
    cmocka_unit_test(test_the_library),
  };
  if (argc == 2 && !strcmp(argv[1], "--library")) {
    return cmocka_run_group_tests(library, load_presets, free_presets);
  }
  wanted_files   = argv + 1;
  n_wanted_files = (uint32_t)(argc - 1);
  return cmocka_run_group_tests(tests, load_presets, free_presets);
}
