/* Aether patch tests: a reset (the plugin's activate()) starts every shipped
   patch over exactly as a new engine would. For every preset and default
   patch: a second of its test input (effects) or of a phrase whose last
   note is still held at the end (instruments), reset, the same again:
   bit-identical; and with the next preset loaded over it, reset while the
   edit fades and a macro glides: bit-identical to a new engine given that
   preset. */

#include "../../src/engine/engine.h"
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
#define FRAMES 48000U
#define MAX_PATCHES 64U

/* The host's default macro values (see test_patch_presets.c). */
#define FX_MACRO_DEFAULT 0.0f
#define SYNTH_MACRO_DEFAULT 0.5f

typedef struct {
  char         file[256];
  bool         synth;
  AetherPatch* patch;
} Patch;

typedef struct {
  uint32_t frame;
  uint8_t  msg[3];
} Event;

typedef struct {
  float left[FRAMES];
  float right[FRAMES];
} Take;

static Patch    patches[MAX_PATCHES];
static uint32_t n_patches;
static float    input[2][FRAMES];

/* A chord, released, a melody with the pedal, the last note held. */
static const Event phrase[] = {
  { 0, { 0x90, 57, 100 } },     { 0, { 0x90, 61, 90 } },
  { 0, { 0x90, 64, 90 } },      { 12000, { 0x80, 57, 0 } },
  { 12000, { 0x80, 61, 0 } },   { 12000, { 0x80, 64, 0 } },
  { 18000, { 0xB0, 64, 127 } }, { 18000, { 0x90, 69, 100 } },
  { 24000, { 0x80, 69, 0 } },   { 26000, { 0xB0, 64, 0 } },
  { 30000, { 0x90, 72, 110 } }, { 36000, { 0x80, 72, 0 } },
  { 38000, { 0x90, 64, 80 } },
};

#define N_PHRASE (sizeof(phrase) / sizeof(phrase[0]))

static void
load_dir(const char* const sub)
{
  char dir_path[1024];
  snprintf(dir_path, sizeof(dir_path), "%s/%s", util_source_root(), sub);
  DIR* const dir = opendir(dir_path);
  assert_non_null(dir);
  const struct dirent* entry;
  while ((entry = readdir(dir)) && n_patches < MAX_PATCHES) {
    const char* const name = entry->d_name;
    const size_t      len  = strlen(name);
    if (len < 5 || strcmp(name + len - 4, ".ttl")) {
      continue;
    }
    Patch* const p = &patches[n_patches++];
    char         path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir_path, name);
    snprintf(p->file, sizeof(p->file), "%s/%s", sub, name);
    p->synth        = strstr(name, "synth") != NULL;
    char* const txt = util_read_file(path, NULL);
    assert_non_null(txt);
    AetherError err = { AETHER_SUCCESS, "" };
    if (aether_patch_parse(txt, strlen(txt), name, &p->patch, &err)) {
      fail_msg("%s: %s", p->file, err.message);
    }
    free(txt);
  }
  closedir(dir);
}

static int
compare_patches(const void* const a, const void* const b)
{
  return strcmp(((const Patch*)a)->file, ((const Patch*)b)->file);
}

static int
setup(void** state)
{
  (void)state;
  load_dir("ttl/presets");
  load_dir("ttl/defaults");
  qsort(patches, n_patches, sizeof(Patch), compare_patches);

  /* The effects' input: tone bursts with a little noise, each followed by
     silence in which an echo or a tail would show. */
  uint32_t seed = 4242U;
  for (uint32_t i = 0; i < FRAMES; ++i) {
    const double t     = (double)i / RATE;
    const double burst = fmod(t, 0.3);
    const double env   = burst < 0.12 ? exp(-burst * 25.0) : 0.0;
    seed               = seed * 1664525U + 1013904223U;
    const double noise = (double)(int32_t)seed / 2147483648.0;
    input[0][i]        = (float)(0.4 * env * sin(2.0 * M_PI * 220.0 * t));
    input[1][i] =
      (float)(0.3 * env * (sin(2.0 * M_PI * 330.0 * t) + 0.2 * noise));
  }
  return n_patches >= 2U ? 0 : -1;
}

static int
teardown(void** state)
{
  (void)state;
  for (uint32_t i = 0; i < n_patches; ++i) {
    aether_patch_free(patches[i].patch);
  }
  return 0;
}

static AetherEngine*
engine_with(const Patch* const p)
{
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  if (aether_patch_apply(p->patch, aether_engine_graph(e), &err) ||
      aether_engine_commit(e, &err)) {
    fail_msg("%s: %s", p->file, err.message);
  }
  return e;
}

/* The host's macros, as the plugin sets them at every run(). */
static void
set_macros(AetherEngine* const e, const Patch* const p, const float macro1)
{
  const float def = p->synth ? SYNTH_MACRO_DEFAULT : FX_MACRO_DEFAULT;
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    aether_engine_set_macro_rt(e, m, m ? def : macro1);
  }
}

/* Frames `from` .. `to` of the take: the input, the phrase for an
   instrument, in blocks of 64 split at every event. */
static void
play(AetherEngine* const e,
     const Patch* const  p,
     const uint32_t      from,
     const uint32_t      to,
     Take* const         out)
{
  uint32_t next = 0;
  while (next < N_PHRASE && phrase[next].frame < from) {
    ++next;
  }
  for (uint32_t pos = from; pos < to;) {
    for (; p->synth && next < N_PHRASE && phrase[next].frame <= pos; ++next) {
      aether_engine_push_midi_rt(e, phrase[next].msg, 3);
    }
    uint32_t len = to - pos < 64U ? to - pos : 64U;
    if (p->synth && next < N_PHRASE && phrase[next].frame < pos + len) {
      len = phrase[next].frame - pos;
    }
    const float* const in[2]   = { input[0] + pos, input[1] + pos };
    float* const       outs[2] = { out->left + pos, out->right + pos };
    aether_engine_process(e, p->synth ? NULL : in, outs, len);
    pos += len;
  }
}

static bool
same(const Take* const a, const Take* const b)
{
  return !memcmp(a, b, sizeof(Take));
}

static void
test_reset_replays_every_patch_bit_identically(void** state)
{
  (void)state;
  Take* const first  = (Take*)calloc(1, sizeof(Take));
  Take* const again  = (Take*)calloc(1, sizeof(Take));
  Take* const fresh  = (Take*)calloc(1, sizeof(Take));
  uint32_t    bad    = 0;
  uint32_t    fading = 0;

  for (uint32_t i = 0; i < n_patches; ++i) {
    const Patch* const p = &patches[i];
    const Patch* const q = &patches[(i + 1U) % n_patches];

    /* A take, a reset, the same take. */
    AetherEngine* const e = engine_with(p);
    set_macros(e, p, p->synth ? SYNTH_MACRO_DEFAULT : FX_MACRO_DEFAULT);
    play(e, p, 0, FRAMES, first);
    aether_engine_reset_rt(e);
    set_macros(e, p, p->synth ? SYNTH_MACRO_DEFAULT : FX_MACRO_DEFAULT);
    play(e, p, 0, FRAMES, again);
    if (!same(first, again)) {
      fprintf(stderr, "%s: a reset does not start it over\n", p->file);
      ++bad;
    }

    /* The next patch loaded over it: reset while the edit fades out and
       macro 1 glides. */
    AetherError err = { AETHER_SUCCESS, "" };
    if (aether_patch_apply(q->patch, aether_engine_graph(e), &err) ||
        aether_engine_commit(e, &err)) {
      fail_msg("%s: %s", q->file, err.message);
    }
    set_macros(e, q, 0.9f);
    play(e, q, 0, 40U, again);
    fading += !aether_engine_settled_rt(e); /* not if q sounds as p */
    aether_engine_reset_rt(e);
    assert_true(aether_engine_settled_rt(e));
    play(e, q, 0, FRAMES, again);

    AetherEngine* const f = engine_with(q);
    set_macros(f, q, 0.9f);
    play(f, q, 0, FRAMES, fresh);
    if (!same(again, fresh)) {
      fprintf(stderr,
              "%s loaded over %s and reset: not as a new engine\n",
              q->file,
              p->file);
      ++bad;
    }

    AetherEngineStats st;
    aether_engine_stats(e, &st);
    assert_int_equal(st.blowups, 0);
    aether_engine_collect(e);
    assert_int_equal(aether_engine_n_in_flight(e), 1);
    aether_engine_free(e);
    aether_engine_free(f);
  }
  free(first);
  free(again);
  free(fresh);
  assert_int_equal(bad, 0);
  assert_true(fading + 2U >= n_patches);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reset_replays_every_patch_bit_identically),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
