/* Aether tests: the LV2 plugin through lilv, as hosts use it: features or
   none, any block size, patch messages and their answers, state, presets.
   Run with the real-time trap preloaded: run() and work_response() must
   never allocate, lock or wait. */

#include "lv2host.h"
#include "measure.h"
#include "rtcheck.h"

#include <lv2/patch/patch.h>
#include <lv2/presets/presets.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RATE 48000.0
#define FX "urn:aether:fx"
#define SYNTH "urn:aether:synth"
#define N 8192U

static RtCheck rt;
static bool    have_rt;
#define INPUT_LEN 48000U /* longer than any single render */

static float input[2][INPUT_LEN];

static void
make_input(void)
{
  uint32_t seed = 1U;
  for (uint32_t i = 0; i < N; ++i) {
    seed = seed * 1664525U + 1013904223U;
    input[0][i] =
      0.4f * sinf(2.0f * 3.14159265f * 220.0f * (float)i / 48000.0f);
    input[1][i] = 0.2f * ((float)(seed >> 8U) / 8388608.0f - 1.0f);
  }
}

static void
render(Host* const    host,
       float* const   left,
       float* const   right,
       const uint32_t n,
       const uint32_t block)
{
  const float* const in[2]  = { input[0], input[1] };
  float* const       out[2] = { left, right };
  host_run(host, in, out, n, block);
}

static const char* const gain_patch =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "<> a ae:Patch ; ae:formatVersion 1 .\n"
  "node:in a ae:AudioIn .\n"
  "node:g a ae:Gain ; ae:gain 0.5 ; ae:in node:in.left .\n"
  "node:out a ae:AudioOut ; ae:left node:g .\n";

static void
test_no_features_runs_default_patch(void** state)
{
  (void)state;
  Host* const host = host_new(FX, RATE, HOST_NO_FEATURES);
  assert_non_null(host);
  static float left[N];
  static float right[N];
  render(host, left, right, 0, 64);   /* 0 frames must work */
  render(host, left, right, 4800, 1); /* like lv2apply: one frame a call */
  assert_true(measure_all_finite(left, 4800) &&
              measure_all_finite(right, 4800));
  assert_true(measure_rms(left, 4800) > 0.1);
  assert_true(measure_rms(right, 4800) > 0.05);

  /* Macros and bypass work without any feature. */
  host_control(host, "enabled", 0.0f);
  render(host, left, right, 4800, 64);
  for (uint32_t i = 100; i < 4800; ++i) {
    assert_true(left[i] == input[0][i] && right[i] == input[1][i]);
  }
  host_free(host);

  Host* const synth = host_new(SYNTH, RATE, HOST_NO_FEATURES);
  assert_non_null(synth);
  render(synth, left, right, 1000, 7);
  assert_true(measure_peak(left, 1000) == 0.0); /* no MIDI: silence */
  host_free(synth);
}

/* Render with a parameter change at frame 3000 and MIDI, in host blocks of
   `block`, placing each message in the block holding its absolute frame. */
static void
render_partitioned(const char* const uri,
                   const uint32_t    block,
                   float* const      left,
                   float* const      right)
{
  Host* const host = host_new(uri, RATE, HOST_ALL);
  assert_non_null(host);
  for (uint32_t start = 0; start < N; start += block) {
    const uint32_t len = N - start < block ? N - start : block;
    if (!start) {
      host_control(host, "macro1", 0.7f); /* control ports: per host block */
    }
    /* Events in a sequence are in time order. */
    if (start <= 100U && 100U < start + len) {
      host_midi(host, 100U - start, 0x90, 57, 100);
    }
    if (start <= 3000U && 3000U < start + len) {
      host_set_param(
        host, 3000U - start, strcmp(uri, FX) ? "filter" : "tone_l", "q", 4.0f);
    }
    if (start <= 5000U && 5000U < start + len) {
      host_midi(host, 5000U - start, 0x80, 57, 0);
    }
    const float* const in[2]  = { input[0] + start, input[1] + start };
    float* const       out[2] = { left + start, right + start };
    host_run(host, in, out, len, len);
  }
  host_free(host);
}

static void
test_any_block_size_gives_identical_output(void** state)
{
  (void)state;
  static const uint32_t    blocks[] = { 4096, 1, 7, 63, 64, 65, 1000 };
  static float             ref[2][N];
  static float             out[2][N];
  static const char* const uris[] = { FX, SYNTH };

  for (uint32_t u = 0; u < 2; ++u) {
    for (uint32_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); ++b) {
      render_partitioned(uris[u], blocks[b], out[0], out[1]);
      if (!b) {
        memcpy(ref, out, sizeof(ref));
        assert_true(measure_rms(out[0], N) > 0.01);
      } else {
        assert_memory_equal(ref, out, sizeof(ref));
      }
    }
  }
}

static void
test_patch_set_replaces_the_patch_and_answers(void** state)
{
  (void)state;
  Host* const  host = host_new(FX, RATE, HOST_ALL);
  static float left[N];
  static float right[N];
  render(host, left, right, 1024, 256);

  host_set_string(host, 0, "urn:aether:patch", gain_patch, false);
  render(host, left, right, 2048, 256);
  assert_string_equal(host_status(host), "ok");
  assert_int_equal(host_state_changes(host), 1);

  /* After the declick (64 frames out, 64 in), out = 0.5 * in, both sides. */
  render(host, left, right, 1024, 256);
  for (uint32_t i = 0; i < 1024; ++i) {
    assert_true(left[i] == 0.5f * input[0][i]);
    assert_true(right[i] == 0.5f * input[0][i]);
  }
  host_free(host);
}

static void
test_bad_patch_is_refused_and_audio_goes_on(void** state)
{
  (void)state;
  static float ref[2][N];
  static float out[2][N];
  static const struct {
    const char* text;
    const char* message;
  } cases[] = {
    { "@prefix ae: <urn:aether:> .\n<> a ae:Patch ;;; oops", "error: patch:" },
    { "@prefix ae: <urn:aether:> .\n@prefix node: <urn:aether:node:> .\n"
      "node:x a ae:NoSuchNode .\n",
      "unknown node type" },
    { "@prefix ae: <urn:aether:> .\n@prefix node: <urn:aether:node:> .\n"
      "node:g a ae:Gain ; ae:gain 99 .\n",
      "out of range" },
    { "@prefix ae: <urn:aether:> .\n@prefix node: <urn:aether:node:> .\n"
      "node:a a ae:Gain ; ae:in node:b .\nnode:b a ae:Gain ; ae:in node:a .\n",
      "cycle" },
  };

  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    for (int edit = 0; edit < 2; ++edit) {
      Host* const host = host_new(FX, RATE, HOST_ALL);
      render(host, out[0], out[1], 1000, 500);
      if (edit) {
        host_set_string(host, 0, "urn:aether:patch", cases[c].text, false);
      }
      render(host, out[0] + 1000, out[1] + 1000, N - 1000, 500);
      if (!edit) {
        memcpy(ref, out, sizeof(ref));
      } else {
        if (!strstr(host_status(host), cases[c].message)) {
          fprintf(stderr, "status: %s\n", host_status(host));
        }
        assert_non_null(strstr(host_status(host), "error: "));
        assert_non_null(strstr(host_status(host), cases[c].message));
        assert_int_equal(host_state_changes(host), 0);
        assert_memory_equal(ref, out, sizeof(ref)); /* nothing changed */
      }
      host_free(host);
    }
  }
}

static void
test_param_set_is_sample_accurate_and_acknowledged(void** state)
{
  (void)state;
  Host* const  host = host_new(FX, RATE, HOST_ALL);
  static float left[N];
  static float right[N];
  host_set_string(host, 0, "urn:aether:patch", gain_patch, false);
  render(host, left, right, 1024, 256);

  /* Gain smooths over 20 ms: the ramp starts exactly at frame 100. */
  host_set_param(host, 100, "g", "gain", 1.5f);
  render(host, left, right, 2048, 2048);
  /* (each render starts from the beginning of the input) */
  for (uint32_t i = 0; i < 100; ++i) {
    assert_true(left[i] == 0.5f * input[0][i]);
  }
  const float g100 = left[100] / input[0][100];
  assert_true(g100 > 0.5f && g100 < 0.51f);
  assert_float_equal(left[2000] / input[0][2000], 1.5f, 1e-5f);
  assert_int_equal(host_acks(host), 1);

  /* Out of range: refused with a message, the value stays. */
  host_set_param(host, 0, "g", "gain", 40.0f);
  render(host, left, right, 512, 256); /* worded by the worker: next cycle */
  assert_non_null(strstr(host_status(host), "error: g.gain: 40"));
  assert_float_equal(left[100] / input[0][100], 1.5f, 1e-5f);
  host_free(host);
}

static void
test_put_delete_and_get(void** state)
{
  (void)state;
  Host* const  host = host_new(FX, RATE, HOST_ALL);
  static float left[N];
  static float right[N];
  host_set_string(host, 0, "urn:aether:patch", gain_patch, false);
  render(host, left, right, 512, 256);

  /* patch:Put a second gain between g and the output's right input. */
  LV2_Atom_Forge* const forge = host_forge(host);
  LV2_Atom_Forge_Frame  msg;
  LV2_Atom_Forge_Frame  body;
  lv2_atom_forge_frame_time(forge, 0);
  lv2_atom_forge_object(forge, &msg, 0, host_map(host, LV2_PATCH__Put));
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__subject));
  lv2_atom_forge_uri(forge, "urn:aether:node:h", 17);
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__body));
  lv2_atom_forge_object(forge, &body, 0, 0);
  lv2_atom_forge_key(
    forge, host_map(host, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"));
  lv2_atom_forge_urid(forge, host_map(host, "urn:aether:Gain"));
  lv2_atom_forge_key(forge, host_map(host, "urn:aether:gain"));
  lv2_atom_forge_float(forge, 0.25f);
  lv2_atom_forge_key(forge, host_map(host, "urn:aether:in"));
  lv2_atom_forge_urid(forge, host_map(host, "urn:aether:node:g"));
  lv2_atom_forge_pop(forge, &body);
  lv2_atom_forge_pop(forge, &msg);
  render(host, left, right, 256, 256);
  assert_string_equal(host_status(host), "ok");

  /* Connect it with patch:Set of an input (value: a node IRI). */
  host_begin_set(host, 0, "urn:aether:node:out", "urn:aether:right");
  lv2_atom_forge_urid(forge, host_map(host, "urn:aether:node:h"));
  host_end(host);
  render(host, left, right, 1024, 256);
  assert_string_equal(host_status(host), "ok");
  render(host, left, right, 512, 256);
  for (uint32_t i = 0; i < 512; ++i) {
    assert_true(left[i] == 0.5f * input[0][i]);
    assert_true(right[i] == 0.125f * input[0][i]);
  }

  /* patch:Get: the patch as text, naming the new node. */
  host_get(host, 0, "urn:aether:patch");
  render(host, left, right, 512, 256); /* answered in the next cycle */
  assert_non_null(host_patch(host));
  assert_non_null(strstr(host_patch(host), "node:h"));
  assert_non_null(strstr(host_patch(host), "ae:right node:h"));

  /* patch:Delete: the right channel falls back to the left (mono out). */
  lv2_atom_forge_frame_time(forge, 0);
  lv2_atom_forge_object(forge, &msg, 0, host_map(host, LV2_PATCH__Delete));
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__subject));
  lv2_atom_forge_uri(forge, "urn:aether:node:h", 17);
  lv2_atom_forge_pop(forge, &msg);
  render(host, left, right, 1024, 256);
  assert_string_equal(host_status(host), "ok");
  render(host, left, right, 256, 256);
  assert_true(right[10] == left[10]);

  /* Deleting what is not there says so. */
  lv2_atom_forge_frame_time(forge, 0);
  lv2_atom_forge_object(forge, &msg, 0, host_map(host, LV2_PATCH__Delete));
  lv2_atom_forge_key(forge, host_map(host, LV2_PATCH__subject));
  lv2_atom_forge_uri(forge, "urn:aether:node:h", 17);
  lv2_atom_forge_pop(forge, &msg);
  render(host, left, right, 512, 256);
  assert_non_null(strstr(host_status(host), "error: no node \"h\""));
  host_free(host);
}

/* patch:Set of ae:voices (no subject: the patch itself) to `value`. */
static void
set_voices(Host* const host, const float value, const bool as_int)
{
  LV2_Atom_Forge* const forge = host_forge(host);
  host_begin_set(host, 0, NULL, "urn:aether:voices");
  if (as_int) {
    lv2_atom_forge_int(forge, (int32_t)value);
  } else {
    lv2_atom_forge_float(forge, value);
  }
  host_end(host);
}

/* Power of C4 against E4 in a held C major triad, `voices` voices. */
static double
triad_c4_against_e4(const uint32_t voices)
{
  Host* const  host = host_new(SYNTH, RATE, HOST_ALL);
  static float left[N];
  static float right[N];
  render(host, left, right, 256, 256);
  assert_int_equal(host_voices(host), 8); /* told at the start */
  set_voices(host, (float)voices, true);
  render(host, left, right, 512, 256);
  assert_string_equal(host_status(host), "ok");
  assert_int_equal(host_voices(host), (int32_t)voices);
  host_get(host, 0, "urn:aether:patch");
  render(host, left, right, 512, 256); /* answered in the next cycle */
  char want[32];
  snprintf(want, sizeof(want), "ae:voices %u", voices);
  assert_non_null(host_patch(host));
  assert_non_null(strstr(host_patch(host), want));

  host_midi(host, 0, 0x90, 60, 100);
  host_midi(host, 64, 0x90, 64, 100);
  host_midi(host, 128, 0x90, 67, 100);
  render(host, left, right, 4096, 256);
  render(host, left, right, N, 256);
  double* const power = (double*)calloc(N / 2U + 1U, sizeof(double));
  assert_non_null(power);
  measure_spectrum(left, N, power);
  const double c4 = measure_band_power(power, N, RATE, 261.63, 2);
  const double e4 = measure_band_power(power, N, RATE, 329.63, 2);
  free(power);

  /* Refused voice counts change nothing. */
  set_voices(host, 0.0f, true);
  render(host, left, right, 512, 256);
  assert_non_null(strstr(
    host_status(host), "error: ae:voices must be a whole number from 1 to 32"));
  set_voices(host, 2.5f, false);
  render(host, left, right, 512, 256);
  assert_non_null(strstr(host_status(host), "error: ae:voices"));
  set_voices(host, 33.0f, true);
  render(host, left, right, 512, 256);
  assert_non_null(strstr(host_status(host), "error: ae:voices"));
  host_get(host, 0, "urn:aether:patch");
  render(host, left, right, 512, 256);
  assert_non_null(host_patch(host));
  assert_non_null(strstr(host_patch(host), want));
  assert_int_equal(host_voices(host), (int32_t)voices);

  /* A host asks for the value alone (patch:Get of ae:voices); a refused
     count was not told. */
  const uint32_t told = host_voice_reports(host);
  host_get(host, 0, "urn:aether:voices");
  render(host, left, right, 256, 256);
  assert_int_equal(host_voice_reports(host), told + 1U);
  assert_int_equal(host_voices(host), (int32_t)voices);
  host_free(host);
  return c4 / e4;
}

/* The voice count is an edit like any other: two voices steal the oldest
   note of a triad (C4), eight play all three. */
static void
test_voice_count_is_set_by_message(void** state)
{
  (void)state;
  const double two   = triad_c4_against_e4(2U);
  const double eight = triad_c4_against_e4(8U);
  printf("C4 against E4 in a held triad: %.1f dB with 2 voices, %.1f dB with "
         "8\n",
         10.0 * log10(two + 1e-30),
         10.0 * log10(eight));
  assert_true(eight > 0.1 && eight < 10.0);
  assert_true(two < eight * 1e-3);
}

static void
test_structural_edits_need_a_worker(void** state)
{
  (void)state;
  Host* const  host = host_new(FX, RATE, HOST_MAP);
  static float left[N];
  static float right[N];
  host_set_string(host, 0, "urn:aether:patch", gain_patch, false);
  render(host, left, right, 256, 256);
  assert_non_null(strstr(host_status(host), "error: this host has no worker"));
  host_free(host);
}

static void
test_patch_file_loads_and_missing_file_is_reported(void** state)
{
  (void)state;
  const char* const path = "test_plugin_patch.ttl";
  FILE* const       f    = fopen(path, "w");
  fputs(gain_patch, f);
  fclose(f);

  Host* const  host = host_new(FX, RATE, HOST_ALL);
  static float left[N];
  static float right[N];
  host_set_string(host, 0, "urn:aether:patchFile", path, true);
  render(host, left, right, 512, 256);
  assert_string_equal(host_status(host), "ok");

  host_set_string(host, 0, "urn:aether:patchFile", "/nonexistent/x.ttl", true);
  render(host, left, right, 512, 256);
  assert_non_null(strstr(host_status(host), "error: "));
  assert_non_null(strstr(host_status(host), "/nonexistent/x.ttl"));
  render(host, left, right, 256, 256);
  assert_true(left[10] == 0.5f * input[0][10]);
  host_free(host);
  remove(path);
}

static void
test_state_round_trip_gives_identical_output(void** state)
{
  (void)state;
  static float a[2][N];
  static float b[2][N];

  Host* const one = host_new(FX, RATE, HOST_ALL);
  host_set_string(one, 0, "urn:aether:patch", gain_patch, false);
  render(one, a[0], a[1], 512, 256);
  host_set_param(one, 0, "g", "gain", 0.75f);
  render(one, a[0], a[1], 4096, 256);
  LilvState* const saved = host_save(one);
  assert_non_null(saved);
  render(one, a[0], a[1], 2048, 256);

  Host* const two = host_new(FX, RATE, HOST_ALL);
  host_restore(two, saved);
  render(two, b[0], b[1], 2048, 256);
  assert_memory_equal(a, b, 2048 * sizeof(float));
  assert_memory_equal(a[1], b[1], 2048 * sizeof(float));
  lilv_state_free(saved);
  host_free(one);
  host_free(two);
}

static void
test_every_preset_renders_sound(void** state)
{
  (void)state;
  LilvWorld* const         world  = host_world();
  LilvNode* const          preset = lilv_new_uri(world, LV2_PRESETS__Preset);
  uint32_t                 n_seen = 0;
  static float             left[48000];
  static float             right[48000];
  static const char* const uris[] = { FX, SYNTH };

  for (uint32_t u = 0; u < 2; ++u) {
    LilvNode* const   uri = lilv_new_uri(world, uris[u]);
    const LilvPlugin* plugin =
      lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), uri);
    LilvNodes* const presets = lilv_plugin_get_related(plugin, preset);
    LILV_FOREACH(nodes, i, presets)
    {
      const LilvNode* const p = lilv_nodes_get(presets, i);
      lilv_world_load_resource(world, p);
      Host* const      host = host_new(uris[u], RATE, HOST_ALL);
      LilvState* const st =
        lilv_state_new_from_world(world, host_urid_map(host), p);
      assert_non_null(st);

      host_restore(host, st);
      render(host, left, right, 256, 256);
      if (strcmp(host_status(host), "ok")) {
        fprintf(
          stderr, "preset %s: %s\n", lilv_node_as_uri(p), host_status(host));
      }
      assert_string_equal(host_status(host), "ok");
      for (uint32_t k = 0; k < 4; ++k) { /* a little phrase */
        host_midi(host, 0, 0x90, (uint8_t)(48 + 7 * k), 100);
        host_midi(host, 6000, 0x80, (uint8_t)(48 + 7 * k), 0);
        render(host, left + k * 12000U, right + k * 12000U, 12000, 512);
      }
      assert_true(measure_all_finite(left, 48000));
      assert_true(measure_all_finite(right, 48000));
      if (measure_rms(left, 48000) < 1e-3) {
        fprintf(stderr, "preset %s is silent\n", lilv_node_as_uri(p));
      }
      assert_true(measure_rms(left, 48000) > 1e-3);
      host_free(host);
      lilv_state_free(st);
      ++n_seen;
    }
    lilv_nodes_free(presets);
    lilv_node_free(uri);
  }
  lilv_node_free(preset);
  assert_true(n_seen >= 2);
}

static void
test_realtime_trap_saw_nothing(void** state)
{
  (void)state;
  if (!have_rt) {
    if (getenv("AETHER_NO_RT_TRAP")) {
      skip(); /* sanitizer builds: the trap cannot replace their malloc */
    }
    fprintf(stderr, "the real-time trap is not preloaded\n");
    fail();
  }
  if (rt.hits()) {
    fprintf(stderr, "run()/work_response() called %s\n", rt.first_hit());
  }
  assert_int_equal(rt.hits(), 0);
}

int
main(void)
{
  make_input();
  have_rt = rtcheck_load(&rt);
  if (have_rt) {
    rt.reset();
    host_set_audio_hook(rt.set_audio);
  }

  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_no_features_runs_default_patch),
    cmocka_unit_test(test_any_block_size_gives_identical_output),
    cmocka_unit_test(test_patch_set_replaces_the_patch_and_answers),
    cmocka_unit_test(test_bad_patch_is_refused_and_audio_goes_on),
    cmocka_unit_test(test_param_set_is_sample_accurate_and_acknowledged),
    cmocka_unit_test(test_put_delete_and_get),
    cmocka_unit_test(test_voice_count_is_set_by_message),
    cmocka_unit_test(test_structural_edits_need_a_worker),
    cmocka_unit_test(test_patch_file_loads_and_missing_file_is_reported),
    cmocka_unit_test(test_state_round_trip_gives_identical_output),
    cmocka_unit_test(test_every_preset_renders_sound),
    cmocka_unit_test(test_realtime_trap_saw_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
