/* Aether reliability: the real-time trap (tests/rtshim.c, preloaded) around
   every call a host makes on its audio thread (connect_port, run,
   work_response), over the whole plugin: default patches, every preset,
   patch loads, incremental edits, parameter sets, MIDI, bypass, state
   restore while audio runs (threadSafeRestore), a full worker queue, a
   blow-up, ports left NULL, 0-frame cycles. Zero hits allowed; a planted
   allocation in each window must trip it. */

#include "measure.h"
#include "relutil.h"
#include "rtcheck.h"

#include <lv2/presets/presets.h>

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define N 48000U

static RtCheck rt;
static float   input[2][N];
static float   output[2][N];

static const float* const in2[2]  = { input[0], input[1] };
static float* const       out2[2] = { output[0], output[1] };

/* Fail with the first forbidden call if the trap saw any. */
static void
assert_no_hits(const char* const scenario)
{
  if (rt.hits()) {
    fprintf(stderr,
            "%s: %d real-time violations, the first: %s\n",
            scenario,
            rt.hits(),
            rt.first_hit());
  }
  assert_int_equal(rt.hits(), 0);
}

static RHost*
new_host(const char* const uri)
{
  const RHostOptions options = { .uri = uri };
  RHost* const       host    = rhost_new(&options);
  assert_non_null(host);
  return host;
}

static int
setup(void** state)
{
  (void)state;
  rt.reset();
  return 0;
}

static void
test_default_patches(void** state)
{
  (void)state;
  static const uint32_t blocks[] = { 1, 7, 64, 256, 1000, 4096 };
  RelLog                log      = { 0 };

  RHost* const fx = new_host(REL_FX);
  for (uint32_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); ++b) {
    rhost_cycle(fx, in2, out2, 0);
    rhost_render(fx, in2, out2, 8192, blocks[b]);
  }
  assert_true(measure_rms(output[0], 8192) > 0.01);
  rhost_free(fx);

  RHost* const synth = new_host(REL_SYNTH);
  RHostMsg     msg;
  uint8_t      buf[256];
  rhost_msg_init(synth, &msg, buf, sizeof(buf));
  for (uint32_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); ++b) {
    const uint8_t on[3]   = { 0x90, (uint8_t)(40 + 5 * b), 100 };
    const uint8_t bend[3] = { 0xE0, 0x00, 0x50 };
    const uint8_t cc[3]   = { 0xB0, 1, 64 };
    const uint8_t off[3]  = { 0x80, (uint8_t)(40 + 5 * b), 0 };
    rhost_post(synth, 0, rhost_msg_midi(&msg, on, 3));
    rhost_post(synth, 1, rhost_msg_midi(&msg, bend, 3));
    rhost_post(synth, 2, rhost_msg_midi(&msg, cc, 3));
    rhost_render(synth, NULL, out2, 4096, blocks[b]);
    rhost_post(synth, 0, rhost_msg_midi(&msg, off, 3));
    rhost_render(synth, NULL, out2, 4096, blocks[b]);
  }
  rel_log_drain(synth, &log);
  assert_int_equal(log.n_errors, 0);
  rhost_free(synth);
  rel_log_free(&log);
  assert_no_hits("default patches");
}

static void
test_every_preset(void** state)
{
  (void)state;
  LilvWorld* const         world  = rhost_world();
  LilvNode* const          preset = lilv_new_uri(world, LV2_PRESETS__Preset);
  static const char* const uris[] = { REL_FX, REL_SYNTH };
  uint32_t                 n_seen = 0;

  for (uint32_t u = 0; u < 2; ++u) {
    LilvNode* const         uri = lilv_new_uri(world, uris[u]);
    const LilvPlugin* const plugin =
      lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), uri);
    LilvNodes* const presets = lilv_plugin_get_related(plugin, preset);
    LILV_FOREACH(nodes, i, presets)
    {
      RHost* const host = new_host(uris[u]);
      RelLog       log  = { 0 };
      rhost_render(host, in2, out2, 512, 128);
      assert_true(rhost_load_preset(host, lilv_nodes_get(presets, i)));

      RHostMsg msg;
      uint8_t  buf[256];
      rhost_msg_init(host, &msg, buf, sizeof(buf));
      for (uint32_t k = 0; k < 4; ++k) {
        const uint8_t on[3]  = { 0x90, (uint8_t)(48 + 7 * k), 100 };
        const uint8_t off[3] = { 0x80, (uint8_t)(48 + 7 * k), 0 };
        rhost_post(host, 10, rhost_msg_midi(&msg, on, 3));
        rhost_render(host, in2, out2, 6000, 512);
        rhost_post(host, 0, rhost_msg_midi(&msg, off, 3));
        rhost_render(host, in2, out2, 6000, 333);
      }
      rel_log_drain(host, &log);
      assert_string_equal(log.last, "ok");
      rhost_free(host);
      rel_log_free(&log);
      ++n_seen;
    }
    lilv_nodes_free(presets);
    lilv_node_free(uri);
  }
  lilv_node_free(preset);
  assert_true(n_seen >= 2);
  assert_no_hits("presets");
}

static void
test_patch_loads(void** state)
{
  (void)state;
  char** const paths = rel_shipped_patches();
  assert_non_null(paths[0]);

  for (uint32_t u = 0; u < 2; ++u) {
    RHost* const host = new_host(u ? REL_SYNTH : REL_FX);
    RelLog       log  = { 0 };
    uint32_t     n    = 0;
    for (char** p = paths; *p; ++p, ++n) {
      size_t      len  = 0;
      char* const text = rel_read_file(*p, &len);
      assert_non_null(text);

      /* The text itself, then the file by path, then a broken copy. */
      static uint8_t buf[65536];
      RHostMsg       msg;
      rhost_msg_init(host, &msg, buf, sizeof(buf));
      assert_true(
        rhost_post(host,
                   0,
                   rhost_msg_set_string(
                     &msg, "urn:aether:patch", text, (uint32_t)len, false)));
      rhost_render(host, in2, out2, 2048, 256);
      assert_true(rhost_post(
        host,
        100,
        rhost_msg_set_string(
          &msg, "urn:aether:patchFile", *p, (uint32_t)strlen(*p), true)));
      rhost_render(host, in2, out2, 2048, 256);
      assert_true(rhost_post(
        host,
        0,
        rhost_msg_set_string(
          &msg, "urn:aether:patch", text, (uint32_t)len / 2U, false)));
      rhost_render(host, in2, out2, 2048, 256);
      free(text);
    }
    rel_log_drain(host, &log);
    assert_int_equal(log.n_ok, 2U * n);
    assert_int_equal(log.n_errors, n);
    rhost_free(host);
    rel_log_free(&log);
  }
  rel_free_list(paths);
  assert_no_hits("patch loads");
}

static void
test_incremental_edits(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_FX);
  RelLog       log  = { 0 };
  uint32_t     seed = 12345U;
  RHostMsg     msg;
  uint8_t      buf[4096];
  rhost_msg_init(host, &msg, buf, sizeof(buf));

  uint32_t sent = 0;
  for (uint32_t c = 0; c < 400; ++c) {
    const uint32_t k = 1U + rel_rand_below(&seed, 4);
    for (uint32_t i = 0; i < k; ++i, ++sent) {
      RelEditKind kind;
      assert_true(
        rhost_post(host, i * 30U, rel_random_edit(&msg, &seed, 12, &kind)));
    }
    rhost_cycle(host, in2, out2, 128U + rel_rand_below(&seed, 200));
  }
  rhost_render(host, in2, out2, 4096, 256);
  rel_log_drain(host, &log);
  assert_true(log.n_ok > 100);
  assert_true(log.n_errors > 10);
  assert_int_equal(rhost_bad_notify(host), 0);
  rhost_free(host);
  rel_log_free(&log);
  assert_no_hits("incremental edits");
}

static void
test_param_sets_midi_bypass_and_macros(void** state)
{
  (void)state;
  static const uint32_t sizes[] = { 1, 2, 3, 4, 0 };
  RHost* const          host    = new_host(REL_SYNTH);
  RelLog                log     = { 0 };
  uint32_t              seed    = 777U;
  RHostMsg              msg;
  uint8_t               buf[1024];
  rhost_msg_init(host, &msg, buf, sizeof(buf));

  for (uint32_t c = 0; c < 300; ++c) {
    /* Parameter sets at increasing frames, some invalid. */
    for (uint32_t i = 0; i < 20; ++i) {
      const float v = (i % 7 == 0)    ? 1e9f
                      : (i % 11 == 0) ? (float)NAN
                                      : rel_rand_float(&seed, 100.0f, 8000.0f);
      rhost_post(
        host, i * 10U, rhost_msg_set_param(&msg, "filter", "cutoff", v));
    }
    /* MIDI of every size, including ones the plugin ignores. */
    const uint8_t bytes[3] = { (uint8_t)(c % 2 ? 0x90 : 0x80),
                               (uint8_t)(36U + c % 40U),
                               100 };
    rhost_post(
      host, 5, rhost_msg_midi(&msg, bytes, sizes[c % 5] ? sizes[c % 5] : 3));
    /* Bypass and macros move every cycle, sometimes to NaN or infinity. */
    rhost_control(host, "enabled", (c / 10) % 2 ? 0.0f : 1.0f);
    for (uint32_t m = 1; m <= 8; ++m) {
      char symbol[16];
      snprintf(symbol, sizeof(symbol), "macro%u", m);
      rhost_control(host,
                    symbol,
                    c % 37 == 0   ? (float)NAN
                    : c % 41 == 0 ? (float)INFINITY
                                  : rel_rand_float(&seed, -0.5f, 1.5f));
    }
    rhost_cycle(host, NULL, out2, 256);
  }
  rel_log_drain(host, &log);
  assert_true(log.n_acks > 1000);
  assert_true(log.n_errors > 100);
  rhost_free(host);
  rel_log_free(&log);
  assert_no_hits("parameters, MIDI, bypass, macros");
}

/* A thread restoring states while audio runs (threadSafeRestore), at most
   one per 8 audio cycles (a restore faster than the audio thread takes the
   schedules would be refused as busy). */
typedef struct {
  RHost*      host;
  const char* texts[2];
  uint32_t    n_restores;
  uint32_t    n_failed;
  atomic_bool done;
} Restorer;

static void*
restore_main(void* const arg)
{
  Restorer* const r      = (Restorer*)arg;
  const LV2_URID  string = rhost_map(r->host, LV2_ATOM__String);
  for (uint32_t i = 0; i < r->n_restores; ++i) {
    const uint64_t    next = rhost_cycles(r->host) + 8U;
    const char* const text = r->texts[i % 2];
    r->n_failed += rhost_restore(r->host, text, strlen(text) + 1U, string) !=
                   LV2_STATE_SUCCESS;
    char* const saved = rhost_save(r->host, NULL);
    r->n_failed += !saved;
    free(saved);
    while (rhost_cycles(r->host) < next) {
      sched_yield();
    }
  }
  atomic_store(&r->done, true);
  return NULL;
}

static void
test_state_restore_while_audio_runs(void** state)
{
  (void)state;
  const RHostOptions options = { .uri = REL_FX, .threaded_worker = true };
  RHost* const       host    = rhost_new(&options);
  assert_non_null(host);

  char path[4096];
  snprintf(path, sizeof(path), "%s/patches/stereo-echo.ttl", rel_source_root());
  char* const echo = rel_read_file(path, NULL);
  snprintf(path, sizeof(path), "%s/ttl/defaults/fx.ttl", rel_source_root());
  char* const fx = rel_read_file(path, NULL);
  assert_non_null(echo);
  assert_non_null(fx);

  Restorer r = { host, { echo, fx }, 40, 0, false };
  atomic_init(&r.done, false);
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, restore_main, &r), 0);
  for (uint32_t c = 0; c < 2000 || !atomic_load(&r.done); ++c) {
    rhost_cycle(host, in2, out2, 64);
  }
  pthread_join(thread, NULL);
  assert_int_equal(r.n_failed, 0);
  rhost_free(host);
  free(echo);
  free(fx);
  assert_no_hits("state restore while audio runs");
}

static void
test_worker_queue_full(void** state)
{
  (void)state;
  const RHostOptions options = { .uri = REL_FX, .worker_jobs = 2 };
  RHost* const       host    = rhost_new(&options);
  RelLog             log     = { 0 };
  assert_non_null(host);
  RHostMsg msg;
  uint8_t  buf[1024];
  rhost_msg_init(host, &msg, buf, sizeof(buf));

  for (uint32_t c = 0; c < 200; ++c) {
    for (uint32_t i = 0; i < 12; ++i) {
      char name[16];
      snprintf(name, sizeof(name), "q%u", i);
      rhost_msg_put_begin(&msg, name, "Gain");
      rhost_post(host, i, rhost_msg_put_end(&msg));
      rhost_post(host, i, rhost_msg_get(&msg, "urn:aether:patch"));
    }
    rhost_cycle(host, in2, out2, 256);
  }
  rhost_render(host, in2, out2, 8192, 256);
  rel_log_drain(host, &log);
  /* Texts to free take the two places every other cycle: half the cycles
     get one edit and one patch:Get through, the rest is refused. */
  assert_true(rel_log_count(&log, "error: edit dropped") > 1000);
  assert_true(log.n_ok >= 50);
  assert_true(log.n_patches >= 50);
  rhost_free(host);
  rel_log_free(&log);
  assert_no_hits("worker queue full");
}

static const char* const blowup_patch =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "node:in a ae:AudioIn .\n"
  "node:sum a ae:Mixer ; ae:in1 node:in.left ; ae:in2 node:boost .\n"
  "node:echo a ae:Delay ; ae:time 0.01 ; ae:feedback 0 ; ae:wet 1 ;\n"
  "  ae:in node:sum .\n"
  "node:boost a ae:Gain ; ae:gain 4 ; ae:in node:echo .\n"
  "node:square a ae:Math ; ae:op ae:multiply ; ae:a node:echo ;\n"
  "  ae:b node:echo .\n"
  "node:out a ae:AudioOut ; ae:left node:square .\n";

static void
test_blowup_and_null_ports(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_FX);
  RelLog       log  = { 0 };
  RHostMsg     msg;
  uint8_t      buf[4096];
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rhost_post(host,
             0,
             rhost_msg_set_string(&msg,
                                  "urn:aether:patch",
                                  blowup_patch,
                                  (uint32_t)strlen(blowup_patch),
                                  false));
  rhost_render(host, in2, out2, N, 256);
  rel_log_drain(host, &log);
  assert_true(log.n_warnings > 0);
  rhost_free(host);
  rel_log_free(&log);

  const RHostOptions options = { .uri = REL_SYNTH, .leave_ports_null = true };
  RHost* const       bare    = rhost_new(&options);
  assert_non_null(bare);
  for (uint32_t c = 0; c < 100; ++c) {
    rhost_cycle(bare, NULL, NULL, c % 3 ? 64U : 0U);
  }
  rhost_free(bare);
  assert_no_hits("blow-up, NULL ports, 0 frames");
}

/* Ardour flushes a plugin by deactivate() + activate() on its audio
   thread: the reset (edits in flight taken, voices freed) must not
   allocate, lock or wait either. */
static void
test_activate_on_the_audio_thread(void** state)
{
  (void)state;
  static const char* const uris[] = { REL_FX, REL_SYNTH };
  for (uint32_t u = 0; u < 2U; ++u) {
    RHost* const host = new_host(uris[u]);
    RHostMsg     msg;
    uint8_t      buf[8192];
    rhost_msg_init(host, &msg, buf, sizeof(buf));
    for (uint32_t round = 0; round < 8U; ++round) {
      const uint8_t note[3] = { 0x90, (uint8_t)(60U + round), 100 };
      rhost_post(host, 0, rhost_msg_midi(&msg, note, 3));
      rhost_post(host,
                 0,
                 rhost_msg_set_string(&msg,
                                      "urn:aether:patch",
                                      blowup_patch,
                                      (uint32_t)strlen(blowup_patch),
                                      false));
      rhost_render(host, in2, out2, 1024, 256);
      rhost_idle(host); /* an edit waits for the audio thread */
      LilvInstance* const inst = rhost_instance(host);
      rt.set_audio(1);
      lilv_instance_deactivate(inst);
      lilv_instance_activate(inst);
      rt.set_audio(0);
      rhost_render(host, in2, out2, 1024, 256);
    }
    rhost_free(host);
  }
  assert_no_hits("deactivate + activate with edits in flight");
}

static void
test_planted_allocations_trip_the_trap(void** state)
{
  (void)state;
  static const RHostPlant plants[] = { RHOST_PLANT_SCHEDULE,
                                       RHOST_PLANT_CONNECT,
                                       RHOST_PLANT_RESPONSE };
  for (uint32_t i = 0; i < 3; ++i) {
    const RHostOptions options = { .uri = REL_FX, .plant = plants[i] };
    RHost* const       host    = rhost_new(&options);
    assert_non_null(host);
    RHostMsg msg;
    uint8_t  buf[1024];
    rhost_msg_init(host, &msg, buf, sizeof(buf));
    rhost_msg_put_begin(&msg, "planted", "Gain");
    rhost_post(host, 0, rhost_msg_put_end(&msg));

    rt.reset();
    rhost_render(host, in2, out2, 1024, 256);
    const int hits = rt.hits();
    rt.reset();
    rhost_free(host);
    if (hits < 1) {
      fprintf(stderr, "plant %u was not caught\n", (unsigned)plants[i]);
    }
    assert_true(hits >= 1);
  }
}

int
main(void)
{
  if (!rtcheck_load(&rt)) {
    fprintf(stderr, "the real-time trap (librtshim.so) is not preloaded\n");
    return 1;
  }
  rel_input(input[0], input[1], N, 1U);
  rhost_set_audio_hook(rt.set_audio);

  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_planted_allocations_trip_the_trap, setup),
    cmocka_unit_test_setup(test_default_patches, setup),
    cmocka_unit_test_setup(test_every_preset, setup),
    cmocka_unit_test_setup(test_patch_loads, setup),
    cmocka_unit_test_setup(test_incremental_edits, setup),
    cmocka_unit_test_setup(test_param_sets_midi_bypass_and_macros, setup),
    cmocka_unit_test_setup(test_state_restore_while_audio_runs, setup),
    cmocka_unit_test_setup(test_worker_queue_full, setup),
    cmocka_unit_test_setup(test_blowup_and_null_ports, setup),
    cmocka_unit_test_setup(test_activate_on_the_audio_thread, setup),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  rhost_world_free();
  return failed;
}
