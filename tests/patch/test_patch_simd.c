/* Aether patch tests: the voices of per-voice nodes run side by side in
   SIMD lanes (vgroup.h, AetherNodeType.process_voices) and every shipped
   patch sounds the same, bit for bit, whether they do or not.

   Every preset and default patch (both plugins), at its own voice count
   and, when it has per-voice nodes, at 3 and 32 voices, plays 2.5 s: the
   effects' input, a MIDI part for instruments (a chord, more notes than
   voices so voices are stolen, legato, pitch bend, the sustain pedal,
   releases), blocks of pseudo-random lengths (1 to 64 frames, as the plugin
   splits a host block) split at every event, macros moved (parameters glide),
   an immediate parameter change on every per-voice node, an edit that re-routes
   an input of a per-voice node with a batch kernel (declicked, the input
   ramped: the voices then run one by one for a while), and a change of voice
   count. The take is rendered with the schedules compiled forced scalar (each
   voice through `process`, as before batch kernels), forced SSE2, and AVX2 when
   the CPU has it: the takes must be bit-identical. The compiled schedule is
   checked to run the default synth's five per-voice recursions as groups. */

#include "../../src/engine/engine.h"
#include "../../src/engine/engine_impl.h"
#include "../../src/engine/vgroup.h"
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
#define FRAMES 120000U
#define MAX_PATCHES 64U

/* When the edits happen, in frames. */
#define AT_PARAMS 30000U
#define AT_REROUTE 52000U
#define AT_VOICES 80000U

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
static Event    part[256];
static uint32_t n_part;

static void
add(const uint32_t frame, const uint8_t a, const uint8_t b, const uint8_t c)
{
  part[n_part++] = (Event){ frame, { a, b, c } };
}

static int
compare_events(const void* const a, const void* const b)
{
  const uint32_t x = ((const Event*)a)->frame;
  const uint32_t y = ((const Event*)b)->frame;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* The instruments' part. */
static void
make_part(void)
{
  static const uint8_t chord[5] = { 48, 55, 60, 64, 67 };
  for (uint32_t i = 0; i < 5U; ++i) {
    add(0, 0x90, chord[i], (uint8_t)(70 + 10 * i));
  }
  add(9000, 0xE0, 0x00, 0x50); /* pitch bend up */
  /* a run of 40 notes, each held a while: more than any voice count */
  for (uint32_t i = 0; i < 40U; ++i) {
    const uint32_t t    = 12000U + 1500U * i + (i % 3U) * 7U;
    const uint8_t  note = (uint8_t)(50 + (i * 7U) % 30U);
    add(t, 0x90, note, (uint8_t)(60 + (i * 13U) % 60U));
    add(t + 4000U + (i % 5U) * 900U, 0x80, note, 0);
  }
  add(20000, 0xE0, 0x00, 0x40); /* bend back */
  add(40000, 0xB0, 64, 127);    /* pedal down */
  add(47000, 0xB0, 64, 0);      /* pedal up */
  for (uint32_t i = 0; i < 5U; ++i) {
    add(70000U + 100U * i, 0x80, chord[i], 0);
  }
  add(95000, 0x90, 72, 100); /* legato: 74 while 72 is held */
  add(96000, 0x90, 74, 100);
  add(99000, 0x80, 72, 0);
  add(104000, 0x80, 74, 0);
  add(108000, 0x90, 60, 120); /* held to the end */
  qsort(part, n_part, sizeof(Event), compare_events);
}

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
  make_part();

  uint32_t seed = 777U;
  for (uint32_t i = 0; i < FRAMES; ++i) {
    const double t     = (double)i / RATE;
    seed               = seed * 1664525U + 1013904223U;
    const double noise = (double)(int32_t)seed / 2147483648.0;
    input[0][i] = (float)(0.3 * sin(2.0 * M_PI * 110.0 * t) + 0.1 * noise);
    input[1][i] = (float)(0.3 * sin(2.0 * M_PI * 165.0 * t) - 0.1 * noise);
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
  aether_simd_force((AetherSimd)0);
  return 0;
}

static void
commit(AetherEngine* const e, const Patch* const p)
{
  AetherError err = { AETHER_SUCCESS, "" };
  if (aether_engine_commit(e, &err)) {
    fail_msg("%s: %s", p->file, err.message);
  }
}

/* True if the graph has a per-voice node. */
static bool
has_poly(const AetherGraph* const g)
{
  uint32_t     cursor = 0;
  AetherHandle h;
  while (aether_graph_next(g, &cursor, &h)) {
    if (aether_graph_poly(g, h)) {
      return true;
    }
  }
  return false;
}

/* Every per-voice node: its first continuous parameter that glides, set
   to the middle of its range from the audio side's next block. */
static void
change_params(AetherEngine* const e)
{
  AetherGraph* const g      = aether_engine_graph(e);
  uint32_t           cursor = 0;
  AetherHandle       h;
  while (aether_graph_next(g, &cursor, &h)) {
    const AetherNodeType* const t = aether_graph_node_type(g, h);
    if (!aether_graph_poly(g, h)) {
      continue;
    }
    for (uint32_t j = 0; j < t->n_params; ++j) {
      const AetherParamDesc* const d = &t->params[j];
      if (d->kind == AETHER_PARAM_CONTINUOUS && d->smooth > 0.0f) {
        AetherError err = { AETHER_SUCCESS, "" };
        const float v   = d->min + 0.37f * (d->max - d->min);
        assert_int_equal(aether_engine_set_param(e, h, j, v, &err),
                         AETHER_SUCCESS);
        break;
      }
    }
  }
}

/* Re-route the first connected input of a per-voice node with a batch
   kernel to the first output of another per-voice node (the first such
   edit the graph accepts). Returns false if there is none. */
static bool
reroute(AetherEngine* const e)
{
  AetherGraph* const g   = aether_engine_graph(e);
  uint32_t           dst = 0;
  AetherHandle       d;
  while (aether_graph_next(g, &dst, &d)) {
    const AetherNodeType* const dt = aether_graph_node_type(g, d);
    uint32_t                    i  = 0;
    AetherHandle                from;
    uint32_t                    from_out = 0;
    while (i < dt->n_inputs && !aether_graph_input(g, d, i, &from, &from_out)) {
      ++i;
    }
    if (!aether_graph_poly(g, d) || !dt->process_voices || i == dt->n_inputs) {
      continue;
    }
    uint32_t     src = 0;
    AetherHandle s;
    while (aether_graph_next(g, &src, &s)) {
      if (s.index == d.index || (s.index == from.index && !from_out) ||
          !aether_graph_poly(g, s) ||
          !aether_graph_node_type(g, s)->n_outputs) {
        continue;
      }
      AetherError err = { AETHER_SUCCESS, "" };
      if (!aether_graph_connect(g, s, 0U, d, i, &err)) {
        return true;
      }
    }
  }
  return false;
}

static uint32_t
rand_next(uint32_t* const seed)
{
  *seed = *seed * 1664525U + 1013904223U;
  return *seed >> 8U;
}

/* Play `p` at `voices` voices (0: its own) into `out`, the schedules
   compiled for `level`. */
static void
play(const Patch* const p,
     const uint32_t     voices,
     const AetherSimd   level,
     Take* const        out)
{
  aether_simd_force(level);
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  AetherGraph* const g = aether_engine_graph(e);
  if (aether_patch_apply(p->patch, g, &err) ||
      (voices && aether_graph_set_voices(g, voices, &err))) {
    fail_msg("%s: %s", p->file, err.message);
  }
  commit(e, p);

  const float def    = p->synth ? 0.5f : 0.0f;
  uint32_t    seed   = 99U;
  uint32_t    next   = 0;
  bool        params = false;
  bool        routed = false;
  bool        sized  = false;
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    aether_engine_set_macro_rt(e, m, def);
  }
  for (uint32_t pos = 0; pos < FRAMES;) {
    /* The control side's edits, between blocks. */
    if (!params && pos >= AT_PARAMS) {
      change_params(e);
      params = true;
    }
    if (!routed && pos >= AT_REROUTE) {
      if (reroute(e)) {
        commit(e, p);
      }
      routed = true;
    }
    if (!sized && pos >= AT_VOICES) {
      const uint32_t now = aether_graph_voices(g);
      if (has_poly(g) &&
          !aether_graph_set_voices(g, now == 32U ? 7U : now + 2U, &err)) {
        commit(e, p);
      }
      sized = true;
    }
    aether_engine_collect(e);

    /* Macros move now and then (the mapped parameters glide). */
    if (pos >= 20000U && pos < 60000U && rand_next(&seed) % 16U == 0U) {
      aether_engine_set_macro_rt(
        e, rand_next(&seed) % 4U, (float)(rand_next(&seed) % 1000U) / 999.0f);
    }

    for (; p->synth && next < n_part && part[next].frame <= pos; ++next) {
      aether_engine_push_midi_rt(e, part[next].msg, 3);
    }
    uint32_t len = 1U + rand_next(&seed) % AETHER_BUFFER_SIZE;
    len          = len < FRAMES - pos ? len : FRAMES - pos;
    if (p->synth && next < n_part && part[next].frame < pos + len) {
      len = part[next].frame - pos;
    }
    const float* const in[2]   = { input[0] + pos, input[1] + pos };
    float* const       outs[2] = { out->left + pos, out->right + pos };
    aether_engine_process(e, p->synth ? NULL : in, outs, len);
    pos += len;
  }
  aether_engine_collect(e);
  aether_engine_free(e);
}

static void
check_same(const Patch* const p,
           const uint32_t     voices,
           const char* const  what,
           const Take* const  ref,
           const Take* const  take)
{
  for (uint32_t c = 0; c < 2U; ++c) {
    const float* const a = c ? ref->right : ref->left;
    const float* const b = c ? take->right : take->left;
    for (uint32_t i = 0; i < FRAMES; ++i) {
      if (memcmp(&a[i], &b[i], sizeof(float))) {
        fail_msg("%s, %s%u voices, %s: channel %u differs from the scalar "
                 "path at frame %u (%.9g against %.9g)",
                 p->file,
                 voices ? "" : "its own ",
                 voices ? voices : aether_patch_voices(p->patch),
                 what,
                 c,
                 i,
                 (double)b[i],
                 (double)a[i]);
      }
    }
  }
}

static void
test_every_patch_bit_identical(void** state)
{
  (void)state;
  Take* const ref  = (Take*)calloc(1, sizeof(Take));
  Take* const take = (Take*)calloc(1, sizeof(Take));
  assert_non_null(ref);
  assert_non_null(take);
  const bool avx2 = aether_simd_best() >= AETHER_SIMD_AVX2;

  for (uint32_t i = 0; i < n_patches; ++i) {
    const Patch* const p   = &patches[i];
    AetherGraph* const g   = aether_graph_new(RATE);
    AetherError        err = { AETHER_SUCCESS, "" };
    assert_non_null(g);
    if (aether_patch_apply(p->patch, g, &err)) {
      fail_msg("%s: %s", p->file, err.message);
    }
    const bool poly = has_poly(g);
    aether_graph_free(g);

    static const uint32_t counts[3] = { 0U, 3U, 32U };
    for (uint32_t c = 0; c < (poly ? 3U : 1U); ++c) {
      play(p, counts[c], AETHER_SIMD_SCALAR, ref);
      play(p, counts[c], AETHER_SIMD_SSE2, take);
      check_same(p, counts[c], "SSE2", ref, take);
      if (avx2) {
        play(p, counts[c], AETHER_SIMD_AVX2, take);
        check_same(p, counts[c], "AVX2", ref, take);
      }
    }
  }
  aether_simd_force((AetherSimd)0);
  free(ref);
  free(take);
}

/* The number of voice groups of the default synth's schedule at `level`. */
static uint32_t
groups_at(const AetherSimd level)
{
  const Patch* p = NULL;
  for (uint32_t i = 0; i < n_patches && !p; ++i) {
    p = strstr(patches[i].file, "defaults/synth.ttl") ? &patches[i] : NULL;
  }
  assert_non_null(p);
  aether_simd_force(level);
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  if (aether_patch_apply(p->patch, aether_engine_graph(e), &err)) {
    fail_msg("%s: %s", p->file, err.message);
  }
  commit(e, p);
  float        l[64];
  float        r[64];
  float* const outs[2] = { l, r };
  aether_engine_process(e, NULL, outs, 64U);
  const uint32_t n = e->current->n_vgroups;
  aether_engine_free(e);
  aether_simd_force((AetherSimd)0);
  return n;
}

/* Both oscillators, the filter and both envelopes run as groups of voices,
   unless forced scalar. */
static void
test_default_synth_runs_voice_groups(void** state)
{
  (void)state;
  assert_int_equal(groups_at(AETHER_SIMD_SCALAR), 0U);
  assert_int_equal(groups_at(AETHER_SIMD_SSE2), 5U);
  if (aether_simd_best() >= AETHER_SIMD_AVX2) {
    assert_int_equal(groups_at(AETHER_SIMD_AVX2), 5U);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_synth_runs_voice_groups),
    cmocka_unit_test(test_every_patch_bit_identical),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
