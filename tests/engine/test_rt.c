/* Aether engine tests: the real-time trap. Run with LD_PRELOAD=rtshim.so.
   The audio thread processes blocks (and calls every _rt function) while a
   control thread edits, commits and collects: the trap must see no
   allocation, lock, sleep or write on the audio thread. Planted calls prove
   the trap works. */

#include "engine.h"
#include "registry.h"
#include "rtcheck.h"
#include "test_types.h"

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

static RtCheck rt;

static int
setup(void** state)
{
  (void)state;
  if (!rtcheck_load(&rt)) {
    fprintf(stderr, "the real-time trap is not preloaded (LD_PRELOAD)\n");
    return -1;
  }
  return 0;
}

static void
test_planted_allocation_trips_the_trap(void** state)
{
  (void)state;
  rt.reset();
  void* volatile p = malloc(16); /* not flagged: no hit */
  free(p);
  assert_int_equal(rt.hits(), 0);

  rt.set_audio(1);
  p = malloc(16);
  rt.set_audio(0);
  free(p);
  assert_int_equal(rt.hits(), 1);
  assert_string_equal(rt.first_hit(), "malloc");

  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  rt.reset();
  rt.set_audio(1);
  pthread_mutex_lock(&mutex);
  pthread_mutex_unlock(&mutex);
  rt.set_audio(0);
  assert_int_equal(rt.hits(), 1);
  assert_string_equal(rt.first_hit(), "pthread_mutex_lock");
}

/* A node that breaks the rules, to prove the trap sees inside the engine. */
static void
alloc_process(void* const                    self,
              const AetherProcessArgs* const args,
              const uint32_t                 n)
{
  (void)self;
  float* volatile tmp = (float*)malloc(n * sizeof(float));
  free(tmp);
  for (uint32_t i = 0; i < n; ++i) {
    args->out[0][i] = 0.0f;
  }
}

static const AetherPortDesc alloc_out[] = { { "out", "Out", NULL } };

static const AetherNodeType test_alloc = {
  .name      = "TestAlloc",
  .label     = "Allocates",
  .outputs   = alloc_out,
  .n_outputs = 1,
  .process   = alloc_process,
};

static void
test_planted_allocation_in_a_node_trips_the_trap(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(48000.0);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_add(aether_engine_graph(e), &test_alloc, "bad", NULL, &err),
    AETHER_SUCCESS);
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);

  float        left[64];
  float        right[64];
  float* const out[2] = { left, right };
  rt.reset();
  rt.set_audio(1);
  aether_engine_process(e, NULL, out, 64);
  rt.set_audio(0);
  assert_int_equal(rt.hits(), 2);
  assert_string_equal(rt.first_hit(), "malloc");
  aether_engine_free(e);
}

typedef struct {
  AetherEngine* engine;
  atomic_int    stop;
  atomic_int    blocks;
} Shared;

static void*
audio_thread(void* const arg)
{
  Shared* const s = (Shared*)arg;
  float         in_l[64];
  float         in_r[64];
  float         left[64];
  float         right[64];
  uint32_t      seed = 99U;
  for (int i = 0; i < 64; ++i) {
    in_l[i] = in_r[i] = (float)i / 64.0f;
  }
  const float* const   in[2]        = { in_l, in_r };
  float* const         out[2]       = { left, right };
  static const uint8_t note_on[3]   = { 0x90, 60, 100 };
  static const uint8_t mod_wheel[3] = { 0xB0, 1, 64 };

  rt.set_audio(1);
  while (!atomic_load(&s->stop) || atomic_load(&s->blocks) < 2000) {
    seed             = seed * 1664525U + 1013904223U;
    const uint32_t n = 1U + (seed >> 16U) % 64U;
    aether_engine_set_macro_rt(
      s->engine, (seed >> 8U) % 8U, (float)(seed >> 24U) / 255.0f);
    aether_engine_set_param_rt(s->engine, "g0", "gain", 0.5f);
    aether_engine_push_midi_rt(s->engine, note_on, 3);
    aether_engine_push_midi_rt(s->engine, mod_wheel, 3);
    if ((seed >> 4U) % 97U == 0) {
      aether_engine_reset_rt(s->engine); /* as the plugin's activate() */
    }
    (void)aether_engine_settled_rt(s->engine);
    aether_engine_process(s->engine, in, out, n);
    atomic_fetch_add(&s->blocks, 1);
  }
  rt.set_audio(0);
  return NULL;
}

static void
test_edits_while_audio_runs_never_trip_the_trap(void** state)
{
  (void)state;
  Shared s;
  s.engine = aether_engine_new(48000.0);
  atomic_init(&s.stop, 0);
  atomic_init(&s.blocks, 0);

  AetherGraph* const g   = aether_engine_graph(s.engine);
  AetherError        err = { AETHER_SUCCESS, "" };
  AetherHandle       src;
  AetherHandle       out;
  assert_int_equal(aether_graph_add(g, &test_ramp, "src", &src, &err), 0);
  assert_int_equal(aether_graph_add(g, &test_out, "out", &out, &err), 0);
  const AetherCcMap wheel = { 1, 0, src, 0, 0.0f, 1.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_cc(g, &wheel, &err), 0);
  assert_int_equal(aether_engine_commit(s.engine, &err), AETHER_SUCCESS);

  rt.reset();
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, audio_thread, &s), 0);

  uint32_t seed    = 5U;
  uint32_t commits = 0;
  char     name[16];
  for (int round = 0; round < 1500; ++round) {
    seed         = seed * 1664525U + 1013904223U;
    const int id = (int)((seed >> 10U) % 12U);
    snprintf(name, sizeof(name), "g%d", id);
    AetherHandle h;
    if (aether_graph_find(g, name, &h) == AETHER_SUCCESS) {
      if ((seed >> 20U) % 3U == 0) {
        aether_graph_remove(g, h, &err);
      } else {
        aether_engine_set_param(
          s.engine, h, 0, (float)((seed >> 4U) % 100U) / 50.0f, &err);
      }
    } else {
      const AetherNodeType* const t =
        (seed >> 16U) % 4U == 0 ? &test_delay : &test_sum;
      if (aether_graph_add(g, t, name, &h, &err) == AETHER_SUCCESS) {
        aether_graph_connect(g, src, 0, h, 0, &err);
        aether_graph_connect(g, h, 0, out, (seed >> 5U) % 2U, &err);
      }
    }
    if ((seed >> 12U) % 4U == 0) {
      aether_engine_set_mute(s.engine, (seed >> 14U) % 8U == 0);
    }
    /* Like a host's worker: when edits pile up, wait for the audio thread
       to take them (it drains a bounded number per block). */
    AetherStatus st = AETHER_SUCCESS;
    while ((st = aether_engine_commit(s.engine, &err)) == AETHER_ERR_FULL) {
      aether_engine_collect(s.engine);
      sched_yield();
    }
    assert_int_equal(st, AETHER_SUCCESS);
    ++commits;
    aether_engine_collect(s.engine);
  }
  aether_engine_set_mute(s.engine, false);
  atomic_store(&s.stop, 1);
  pthread_join(thread, NULL);

  if (rt.hits()) {
    fprintf(stderr, "audio thread called %s\n", rt.first_hit());
  }
  assert_int_equal(rt.hits(), 0);
  assert_int_equal(commits, 1500);
  assert_true(atomic_load(&s.blocks) >= 2000);

  AetherEngineStats st;
  aether_engine_stats(s.engine, &st);
  assert_true(st.swaps > 10);
  aether_engine_free(s.engine);
}

typedef struct {
  AetherEngine* engine;
  atomic_int    stop;
} PolyShared;

/* Dense MIDI: a note on or off every few frames, bends and the pedal. */
static void*
poly_audio_thread(void* const arg)
{
  PolyShared* const s = (PolyShared*)arg;
  float             left[64];
  float             right[64];
  float* const      out[2] = { left, right };
  uint32_t          seed   = 7U;
  rt.set_audio(1);
  for (int block = 0; !atomic_load(&s->stop) || block < 3000; ++block) {
    for (int k = 0; k < 4; ++k) {
      seed                 = seed * 1664525U + 1013904223U;
      const uint8_t note   = (uint8_t)(36U + (seed >> 20U) % 48U);
      const uint8_t kind   = (seed >> 8U) % 5U == 0   ? 0xE0
                             : (seed >> 8U) % 5U == 1 ? 0xB0
                             : (seed >> 12U) & 1U     ? 0x90
                                                      : 0x80;
      const uint8_t msg[3] = { kind,
                               kind == 0xB0 ? 64 : note,
                               (uint8_t)((seed >> 4U) & 0x7FU) };
      aether_engine_push_midi_rt(s->engine, msg, 3);
      aether_engine_process(s->engine, NULL, out, 1U + (seed >> 24U) % 16U);
    }
  }
  rt.set_audio(0);
  return NULL;
}

static void
test_dense_midi_and_voice_changes_never_trip_the_trap(void** state)
{
  (void)state;
  PolyShared s;
  s.engine = aether_engine_new(48000.0);
  atomic_init(&s.stop, 0);
  AetherGraph* const       g       = aether_engine_graph(s.engine);
  AetherError              err     = { AETHER_SUCCESS, "" };
  static const char* const types[] = {
    "MidiNote", "Oscillator", "Adsr", "Filter"
  };
  AetherHandle h[4];
  for (int i = 0; i < 4; ++i) {
    assert_int_equal(
      aether_graph_add(
        g, aether_registry_find(types[i]), types[i], &h[i], &err),
      AETHER_SUCCESS);
    assert_int_equal(aether_graph_set_poly(g, h[i], true, &err), 0);
  }
  AetherHandle out;
  assert_int_equal(
    aether_graph_add(g, aether_registry_find("AudioOut"), "out", &out, &err),
    AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, h[0], 0, h[1], 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, h[0], 1, h[2], 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, h[1], 0, h[2], 1, &err), 0);
  assert_int_equal(aether_graph_connect(g, h[2], 1, h[3], 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, h[3], 0, out, 0, &err), 0);
  assert_int_equal(aether_engine_commit(s.engine, &err), AETHER_SUCCESS);

  rt.reset();
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, poly_audio_thread, &s), 0);
  static const uint32_t counts[] = { 8, 1, 32, 3, 16, 2 };
  for (int round = 0; round < 60; ++round) {
    assert_int_equal(aether_graph_set_voices(g, counts[round % 6], &err), 0);
    AetherStatus st = AETHER_SUCCESS;
    while ((st = aether_engine_commit(s.engine, &err)) == AETHER_ERR_FULL) {
      aether_engine_collect(s.engine);
      sched_yield();
    }
    assert_int_equal(st, AETHER_SUCCESS);
    /* Each voice count plays before the next (a newer edit may replace
       one still waiting for its fade: then this one would never swap). */
    while (aether_engine_collect(s.engine),
           aether_engine_n_in_flight(s.engine) > 1U) {
      sched_yield();
    }
  }
  atomic_store(&s.stop, 1);
  pthread_join(thread, NULL);
  if (rt.hits()) {
    fprintf(stderr, "audio thread called %s\n", rt.first_hit());
  }
  assert_int_equal(rt.hits(), 0);
  AetherEngineStats st;
  aether_engine_stats(s.engine, &st);
  assert_true(st.swaps >= 10);
  assert_int_equal(st.blowups, 0);
  aether_engine_free(s.engine);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_planted_allocation_trips_the_trap),
    cmocka_unit_test(test_planted_allocation_in_a_node_trips_the_trap),
    cmocka_unit_test(test_edits_while_audio_runs_never_trip_the_trap),
    cmocka_unit_test(test_dense_midi_and_voice_changes_never_trip_the_trap),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
