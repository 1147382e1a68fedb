/* Aether engine tests: compiled schedules on the audio path: exact output,
   partition invariance, sample accuracy, feedback, continuity, declick. */

#include "engine.h"
#include "engine_impl.h"
#include "test_types.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmmintrin.h>

#include <cmocka.h>

#define RATE 48000.0

static AetherHandle
add(AetherEngine* const         e,
    const AetherNodeType* const t,
    const char* const           name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_add(aether_engine_graph(e), t, name, &h, &err),
                   AETHER_SUCCESS);
  return h;
}

static void
connect(AetherEngine* const e,
        const AetherHandle  src,
        const uint32_t      out,
        const AetherHandle  dst,
        const uint32_t      in)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_connect(aether_engine_graph(e), src, out, dst, in, &err),
    AETHER_SUCCESS);
}

static void
set(AetherEngine* const e,
    const AetherHandle  h,
    const uint32_t      p,
    const float         v)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_set_param(e, h, p, v, &err), AETHER_SUCCESS);
}

static void
commit(AetherEngine* const e)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
}

/* Render `n` frames in blocks of `block` (0: a pseudo-random partition). */
static void
render(AetherEngine* const e,
       float* const        left,
       float* const        right,
       const uint32_t      n,
       const uint32_t      block)
{
  uint32_t seed = 12345U;
  for (uint32_t done = 0; done < n;) {
    uint32_t len = block;
    if (!len) {
      seed = seed * 1664525U + 1013904223U;
      len  = 1U + (seed >> 16U) % AETHER_BUFFER_SIZE;
    }
    len                        = len < n - done ? len : n - done;
    float* const        out[2] = { left + done, right + done };
    const float* const* in     = NULL;
    aether_engine_process(e, in, out, len);
    done += len;
  }
}

static void
test_chain_output_is_exact(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  g = add(e, &test_sum, "g");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, g, 0);
  connect(e, g, 0, o, 0);
  connect(e, r, 0, o, 1);
  set(e, r, 0, 0.5f);
  set(e, g, 0, 2.0f);
  commit(e);

  float left[200];
  float right[200];
  render(e, left, right, 200, 64);
  for (int i = 0; i < 200; ++i) {
    assert_true(left[i] == 1.0f);
    assert_true(right[i] == 0.5f);
  }

  /* Zero frames: nothing happens, nothing breaks. */
  float* const out[2] = { left, right };
  aether_engine_process(e, NULL, out, 0);
  aether_engine_free(e);
}

static void
test_long_chain_reuses_a_handful_of_buffers(void** state)
{
  (void)state;
  AetherEngine* const e    = aether_engine_new(RATE);
  AetherHandle        prev = add(e, &test_ramp, "src");
  set(e, prev, 0, 0.25f);
  char name[32];
  for (int i = 0; i < 1000; ++i) {
    snprintf(name, sizeof(name), "g%d", i);
    const AetherHandle g = add(e, &test_sum, name);
    connect(e, prev, 0, g, i % 4);
    prev = g;
  }
  const AetherHandle o = add(e, &test_out, "o");
  connect(e, prev, 0, o, 0);
  connect(e, prev, 0, o, 1);
  commit(e);

  assert_int_equal(e->latest->n_steps, 1002);
  assert_true(e->latest->n_buffers <= 2);

  float left[64];
  float right[64];
  render(e, left, right, 64, 64);
  assert_true(left[63] == 0.25f && right[0] == 0.25f);
  aether_engine_free(e);
}

static void
test_param_change_is_sample_accurate(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, o, 0);
  commit(e);

  float left[300];
  float right[300];
  render(e, left, right, 137, 64); /* 64 + 64 + 9 frames */
  set(e, r, 0, 0.75f);             /* stamped at frame 137 */
  render(e, left + 137, right + 137, 163, 64);
  for (int i = 0; i < 300; ++i) {
    assert_true(left[i] == (i < 137 ? 0.0f : 0.75f));
  }
  aether_engine_free(e);
}

static void
test_smoothed_param_ramps_over_its_time(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  g = add(e, &test_sum, "g"); /* gain: 64-frame ramp */
  const AetherHandle  o = add(e, &test_out, "o");
  set(e, r, 0, 1.0f);
  connect(e, r, 0, g, 0);
  connect(e, g, 0, o, 0);
  commit(e);

  float left[256];
  float right[256];
  render(e, left, right, 10, 64);
  set(e, g, 0, 0.0f);
  render(e, left + 10, right + 10, 246, 7);
  assert_true(left[9] == 1.0f);
  assert_float_equal(left[10], 63.0f / 64.0f, 1e-6f);
  assert_float_equal(left[41], 32.0f / 64.0f, 1e-6f);
  assert_true(left[73] == 0.0f); /* 64th frame of the ramp: the target */
  for (int i = 11; i < 74; ++i) {
    assert_true(left[i] < left[i - 1]);
  }
  aether_engine_free(e);
}

/* A random DAG of the test types, with a feedback loop through a delay.
   Fills every node's params with values depending on `seed`. */
static void
build_random_graph(AetherEngine* const e, uint32_t seed)
{
  AetherHandle nodes[40];
  uint32_t     n = 0;
  char         name[16];

  nodes[n] = add(e, &test_ramp, "src");
  set(e, nodes[n++], 1, 0.001f);
  for (uint32_t i = 0; i < 36; ++i) {
    seed                          = seed * 1664525U + 1013904223U;
    const AetherNodeType* const t = (seed >> 20U) % 4U == 0   ? &test_delay
                                    : (seed >> 20U) % 4U == 1 ? &test_split
                                                              : &test_sum;
    snprintf(name, sizeof(name), "n%u", i);
    nodes[n] = add(e, t, name);
    for (uint32_t k = 0; k < t->n_inputs; ++k) {
      seed                            = seed * 1664525U + 1013904223U;
      const uint32_t              src = (seed >> 8U) % n;
      const AetherNodeType* const st =
        aether_graph_node_type(aether_engine_graph(e), nodes[src]);
      connect(e, nodes[src], (seed >> 4U) % st->n_outputs, nodes[n], k);
    }
    if (t == &test_delay) {
      set(e, nodes[n], 0, (float)((seed >> 3U) % 200U));
    } else if (t == &test_sum) {
      set(e, nodes[n], 0, 0.3f);
    }
    ++n;
  }

  /* Feedback: the last sum feeds back into a delay fed by the source. */
  const AetherHandle fb = add(e, &test_delay, "fb");
  const AetherHandle mx = add(e, &test_sum, "mx");
  connect(e, nodes[0], 0, mx, 0);
  connect(e, fb, 0, mx, 1);
  connect(e, nodes[n - 1U], 0, mx, 2);
  connect(e, mx, 0, fb, 0);
  set(e, mx, 0, 0.5f);
  set(e, fb, 0, 10.0f); /* clamped to one block inside the loop */

  const AetherHandle o = add(e, &test_out, "o");
  connect(e, mx, 0, o, 0);
  connect(e, nodes[n - 2U], 0, o, 1);
}

static void
test_output_is_identical_for_any_partition(void** state)
{
  (void)state;
  static const uint32_t blocks[] = { 64, 1, 7, 63, 0 };
  enum { N = 3000 };
  static float ref[2][N];
  static float out[2][N];

  for (uint32_t graph = 0; graph < 5; ++graph) {
    for (uint32_t b = 0; b < 5; ++b) {
      AetherEngine* const e = aether_engine_new(RATE);
      build_random_graph(e, 1000U + graph);
      commit(e);
      assert_true(e->latest->n_feedback >= 1);

      /* A parameter change stamped at frame 1500 in every partition. */
      render(e, out[0], out[1], 1500, blocks[b]);
      AetherHandle mx;
      assert_int_equal(aether_graph_find(aether_engine_graph(e), "mx", &mx),
                       AETHER_SUCCESS);
      set(e, mx, 0, 0.25f);
      render(e, out[0] + 1500, out[1] + 1500, N - 1500, blocks[b]);

      assert_true(isfinite(out[0][N - 1]) && out[0][N - 1] != 0.0f);
      if (!b) {
        memcpy(ref, out, sizeof(ref));
      } else {
        assert_memory_equal(ref, out, sizeof(ref));
      }
      aether_engine_free(e);
    }
  }
}

static void
test_feedback_loop_echoes_every_delay(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  const AetherHandle  imp = add(e, &test_ramp, "imp");
  const AetherHandle  mix = add(e, &test_sum, "mix");
  const AetherHandle  d   = add(e, &test_delay, "d");
  const AetherHandle  o   = add(e, &test_out, "o");
  connect(e, imp, 0, mix, 0);
  connect(e, d, 0, mix, 1);
  connect(e, mix, 0, d, 0);
  connect(e, mix, 0, o, 0);
  set(e, d, 0, 100.0f);
  set(e, imp, 0, 1.0f);
  commit(e);

  enum { N = 450 };
  float left[N];
  float right[N];
  render(e, left, right, 1, 1);
  set(e, imp, 0, 0.0f); /* a one-frame impulse */
  render(e, left + 1, right + 1, N - 1, 64);
  for (int i = 0; i < N; ++i) {
    assert_true(left[i] == (i % 100 == 0 ? 1.0f : 0.0f));
  }

  /* Inside a loop a shorter delay is clamped to one block (64 frames). */
  set(e, d, 0, 10.0f);
  aether_engine_reset_rt(e);
  set(e, imp, 0, 1.0f);
  render(e, left, right, 1, 1);
  set(e, imp, 0, 0.0f);
  render(e, left + 1, right + 1, N - 1, 13);
  for (int i = 0; i < N; ++i) {
    assert_true(left[i] == (i % 64 == 0 ? 1.0f : 0.0f));
  }
  aether_engine_free(e);
}

static void
test_delay_outside_loop_can_be_short(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  d = add(e, &test_delay, "d");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, d, 0);
  connect(e, d, 0, o, 0);
  connect(e, r, 0, o, 1);
  set(e, r, 1, 1.0f); /* out = frame index */
  set(e, d, 0, 3.0f);
  commit(e);
  assert_int_equal(e->latest->n_feedback, 0);

  float left[100];
  float right[100];
  render(e, left, right, 100, 0);
  for (int i = 0; i < 100; ++i) {
    assert_true(right[i] == (float)i);
    assert_true(left[i] == (i < 3 ? 0.0f : (float)(i - 3)));
  }
  aether_engine_free(e);
}

static void
test_edit_off_the_output_path_keeps_output_bit_identical(void** state)
{
  (void)state;
  enum { N = 1000 };
  float ref[2][N];
  float out[2][N];

  for (int edit = 0; edit < 2; ++edit) {
    AetherEngine* const e = aether_engine_new(RATE);
    const AetherHandle  r = add(e, &test_ramp, "r");
    const AetherHandle  o = add(e, &test_out, "o");
    connect(e, r, 0, o, 0);
    connect(e, r, 0, o, 1);
    set(e, r, 1, 0.001f);
    commit(e);
    render(e, out[0], out[1], 500, 64);
    if (edit) {
      /* A new branch that reads r but does not reach the output. */
      const AetherHandle s = add(e, &test_sum, "side");
      connect(e, r, 0, s, 0);
      commit(e);
    }
    render(e, out[0] + 500, out[1] + 500, N - 500, 64);
    if (!edit) {
      memcpy(ref, out, sizeof(ref));
    } else {
      assert_memory_equal(ref, out, sizeof(ref));
      AetherEngineStats st;
      aether_engine_stats(e, &st);
      assert_int_equal(st.swaps, 2);
    }
    aether_engine_free(e);
  }
}

static void
test_node_state_survives_edits(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, o, 1);
  set(e, r, 1, 1.0f);
  commit(e);

  float left[400];
  float right[400];
  render(e, left, right, 200, 64);

  /* Re-route r through a new node on the left: r is the same instance,
     its counter goes on; the new node starts from reset. */
  const AetherHandle g = add(e, &test_sum, "g");
  connect(e, r, 0, g, 0);
  connect(e, g, 0, o, 0);
  commit(e);
  render(e, left + 200, right + 200, 200, 64);

  /* Once the declick has faded in (64 out, 64 in), values are exact. */
  for (int i = 200 + 2 * AETHER_DECLICK_FRAMES; i < 400; ++i) {
    assert_true(right[i] == (float)i);
    assert_true(left[i] == (float)i);
  }
  aether_engine_free(e);
}

static void
test_edit_on_the_output_path_is_declicked(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  o = add(e, &test_out, "o");
  set(e, r, 0, 1.0f);
  connect(e, r, 0, o, 0);
  commit(e);

  enum { N = 600 };
  float left[N];
  float right[N];
  render(e, left, right, 100, 64);

  const AetherHandle g = add(e, &test_sum, "g");
  connect(e, r, 0, g, 0);
  connect(e, g, 0, o, 0);
  set(e, g, 0, -1.0f); /* a full-scale step from +1 to -1 without declick */
  commit(e);
  render(e, left + 100, right + 100, N - 100, 0);

  float max_step = 0.0f;
  for (int i = 1; i < N; ++i) {
    max_step = fmaxf(max_step, fabsf(left[i] - left[i - 1]));
  }
  /* Each frame the gain moves by 1/64 of a signal of magnitude 1. */
  assert_true(max_step <= 1.0f / AETHER_DECLICK_FRAMES + 1e-6f);
  assert_true(left[99] == 1.0f);
  assert_true(left[100 + AETHER_DECLICK_FRAMES - 1] == 0.0f);
  assert_true(left[100 + 2 * AETHER_DECLICK_FRAMES - 1] == -1.0f);
  assert_true(left[N - 1] == -1.0f);
  aether_engine_free(e);
}

/* Render the re-routing of a delay's input from a constant +1 to a
   constant -1, with the host's block partition `block` (0: random). With
   `chain`, +1 reaches the delay through two scaling nodes (fused into one
   step) and the edit re-routes the second: an input inside a fused chain. */
static void
render_rerouted_delay(float* const   left,
                      const uint32_t n,
                      const uint32_t block,
                      const bool     chain)
{
  AetherEngine* const e   = aether_engine_new(RATE);
  const AetherHandle  pos = add(e, &test_ramp, "pos");
  const AetherHandle  neg = add(e, &test_ramp, "neg");
  const AetherHandle  s0  = add(e, &test_scale, "s0");
  const AetherHandle  s1  = add(e, &test_scale, "s1");
  const AetherHandle  d   = add(e, &test_delay, "d");
  const AetherHandle  o   = add(e, &test_out, "o");
  set(e, pos, 0, 1.0f);
  set(e, neg, 0, -1.0f);
  set(e, d, 0, 300.0f);
  if (chain) {
    connect(e, pos, 0, s0, 0);
    connect(e, s0, 0, s1, 0);
    connect(e, s1, 0, d, 0);
  } else {
    connect(e, pos, 0, d, 0);
  }
  connect(e, d, 0, o, 0);
  commit(e);

  float* const right = (float*)calloc(n, sizeof(float));
  assert_non_null(right);
  render(e, left, right, 500, block);

  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle dst = chain ? s1 : d;
  assert_int_equal(
    aether_graph_disconnect(aether_engine_graph(e), dst, 0, &err),
    AETHER_SUCCESS);
  connect(e, neg, 0, dst, 0);
  commit(e);
  render(e, left + 500, right + 500, n - 500, block);
  free(right);
  aether_engine_free(e);
}

static void
check_rerouted_delay(const bool chain)
{
  enum { N = 1200 };
  float* const left  = (float*)calloc(N, sizeof(float));
  float* const other = (float*)calloc(N, sizeof(float));
  assert_non_null(left);
  assert_non_null(other);
  render_rerouted_delay(left, N, 0, chain);

  /* From the edit on (the delay's first output jumps from silence). */
  float max_step = 0.0f;
  for (int i = 500; i < N; ++i) {
    max_step = fmaxf(max_step, fabsf(left[i] - left[i - 1]));
  }
  printf("re-routed delay input%s: largest step %.4f (bound %.4f)\n",
         chain ? " (in a fused chain)" : "",
         (double)max_step,
         1.0 / AETHER_DECLICK_FRAMES);
  assert_true(max_step <= 1.0f / AETHER_DECLICK_FRAMES + 1e-6f);
  assert_true(left[499] == 1.0f);    /* the old input, delayed */
  assert_true(left[N - 1] == -1.0f); /* the new one, at full level */

  /* The same frames whatever the host's blocks. */
  render_rerouted_delay(other, N, 64, chain);
  assert_memory_equal(left, other, N * sizeof(float));
  render_rerouted_delay(other, N, 1, chain);
  assert_memory_equal(left, other, N * sizeof(float));
  free(left);
  free(other);
}

/* The declick fades the output, and the input a delay stores is ramped too:
   the jump from +1 to -1 it would otherwise play back 300 frames later
   (after the fade is over) moves by 1/64 per frame like the fade. */
static void
test_rerouted_delay_input_is_ramped(void** state)
{
  (void)state;
  check_rerouted_delay(false);
  check_rerouted_delay(true);
}

enum { CHAIN = 40 };

static float
chain_gain(const uint32_t k)
{
  return 0.75f + 0.0125f * (float)k;
}

/* A ramp through CHAIN scaling nodes to the output, fused or node by node.
   Three gains glide while it plays. Return the number of steps. */
static uint32_t
render_scale_chain(float* const left, const uint32_t n, const bool fuse)
{
  AetherEngine* const e = aether_engine_new(RATE);
  aether_engine_set_fusion(e, fuse);
  const AetherHandle r = add(e, &test_ramp, "r");
  const AetherHandle o = add(e, &test_out, "o");
  set(e, r, 0, 0.25f);
  set(e, r, 1, 0.001f);
  AetherHandle h[CHAIN];
  AetherHandle prev = r;
  for (uint32_t k = 0; k < CHAIN; ++k) {
    char name[16];
    snprintf(name, sizeof(name), "s%u", k);
    h[k] = add(e, &test_scale, name);
    set(e, h[k], 0, chain_gain(k));
    connect(e, prev, 0, h[k], 0);
    prev = h[k];
  }
  connect(e, prev, 0, o, 0);
  commit(e);

  float* const right = (float*)calloc(n, sizeof(float));
  assert_non_null(right);
  render(e, left, right, 100, 0);
  set(e, h[3], 0, 1.5f);
  set(e, h[CHAIN - 1], 0, -0.5f);
  render(e, left + 100, right + 100, 200, 0);
  set(e, h[0], 0, 0.5f);
  render(e, left + 300, right + 300, n - 300, 0);
  const uint32_t n_steps = e->current->n_steps;
  free(right);
  aether_engine_free(e);
  return n_steps;
}

/* A chain of scaling nodes runs as one step, with the same output as the
   nodes one by one, while gains glide too. */
static void
test_scale_chain_is_fused_bit_identically(void** state)
{
  (void)state;
  enum { N = 600 };
  float          fused[N];
  float          apart[N];
  const uint32_t n_fused = render_scale_chain(fused, N, true);
  const uint32_t n_apart = render_scale_chain(apart, N, false);
  printf(
    "%u scaling nodes: %u steps fused, %u apart\n", CHAIN, n_fused, n_apart);
  assert_int_equal(n_fused, 3); /* ramp, the chain, output */
  assert_int_equal(n_apart, CHAIN + 2U);
  assert_memory_equal(fused, apart, sizeof(fused));

  /* Before any glide: the ramp times every gain, multiplied in order. */
  for (uint32_t i = 0; i < 100; ++i) {
    float y = 0.25f + 0.001f * (float)i;
    for (uint32_t k = 0; k < CHAIN; ++k) {
      y *= chain_gain(k);
    }
    assert_true(fused[i] == y);
  }
  /* ... and the glides took effect. */
  float y = 0.25f + 0.001f * (float)(N - 1);
  for (uint32_t k = 0; k < CHAIN; ++k) {
    y *= chain_gain(k);
  }
  assert_true(fabsf(fused[N - 1] - y) > 0.01f);
}

/* r -> s0 -> s1 -> s2 -> left, s1 -> t -> right: s1's output has two
   readers, so only s0 and s1 fuse. */
static uint32_t
render_branching_chain(float* const   left,
                       float* const   right,
                       const uint32_t n,
                       const bool     fuse)
{
  AetherEngine* const e = aether_engine_new(RATE);
  aether_engine_set_fusion(e, fuse);
  const AetherHandle r  = add(e, &test_ramp, "r");
  const AetherHandle s0 = add(e, &test_scale, "s0");
  const AetherHandle s1 = add(e, &test_scale, "s1");
  const AetherHandle s2 = add(e, &test_scale, "s2");
  const AetherHandle t  = add(e, &test_sum, "t");
  const AetherHandle o  = add(e, &test_out, "o");
  set(e, r, 1, 0.01f);
  set(e, s0, 0, 0.5f);
  set(e, s1, 0, 3.0f);
  set(e, s2, 0, -0.25f);
  connect(e, r, 0, s0, 0);
  connect(e, s0, 0, s1, 0);
  connect(e, s1, 0, s2, 0);
  connect(e, s1, 0, t, 0);
  connect(e, s2, 0, o, 0);
  connect(e, t, 0, o, 1);
  commit(e);
  render(e, left, right, n, 0);
  const uint32_t n_steps = e->current->n_steps;
  aether_engine_free(e);
  return n_steps;
}

static void
test_fused_chain_ends_where_an_output_branches(void** state)
{
  (void)state;
  enum { N = 300 };
  float l[2][N];
  float r[2][N];
  assert_int_equal(render_branching_chain(l[0], r[0], N, true), 5);
  assert_int_equal(render_branching_chain(l[1], r[1], N, false), 6);
  assert_memory_equal(l[0], l[1], sizeof(l[0]));
  assert_memory_equal(r[0], r[1], sizeof(r[0]));
  assert_true(r[0][N - 1] == (0.01f * (float)(N - 1)) * 0.5f * 3.0f);
}

static void
test_mute_fades_and_unmute_returns(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  o = add(e, &test_out, "o");
  set(e, r, 0, 1.0f);
  connect(e, r, 0, o, 0);
  commit(e);

  float left[400];
  float right[400];
  render(e, left, right, 10, 64);
  assert_int_equal(aether_engine_set_mute(e, true), AETHER_SUCCESS);
  render(e, left + 10, right + 10, 190, 64);
  assert_int_equal(aether_engine_set_mute(e, false), AETHER_SUCCESS);
  render(e, left + 200, right + 200, 200, 64);
  assert_float_equal(left[10], 63.0f / 64.0f, 1e-6f);
  assert_true(left[73] == 0.0f && left[199] == 0.0f);
  assert_float_equal(left[200], 1.0f / 64.0f, 1e-6f);
  assert_true(left[263] == 1.0f && left[399] == 1.0f);
  aether_engine_free(e);
}

static void
test_commits_beyond_the_ring_wait_and_recover(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  add(e, &test_ramp, "r");

  /* Nobody runs the audio side: past AETHER_MAX_IN_FLIGHT schedules sent,
     a commit waits on the control side instead of failing. */
  for (uint32_t i = 0; i < 2U * AETHER_MAX_IN_FLIGHT; ++i) {
    assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
  }
  assert_int_equal(aether_engine_n_in_flight(e), AETHER_MAX_IN_FLIGHT);

  /* The audio thread drains 32 commands a block; collect takes back the
     retired schedules and sends the waiting one; commits go on. */
  float left[64];
  float right[64];
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 4; ++i) {
      render(e, left, right, 64, 64);
    }
    aether_engine_collect(e);
  }
  assert_int_equal(aether_engine_n_in_flight(e), 1);
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
  aether_engine_free(e);
}

static void
test_removed_nodes_are_freed_after_retirement(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  float               left[64];
  float               right[64];
  const AetherHandle  o = add(e, &test_out, "o");
  for (int round = 0; round < 50; ++round) {
    const AetherHandle r = add(e, &test_ramp, "r");
    connect(e, r, 0, o, 0);
    commit(e);
    for (int i = 0; i < 3; ++i) { /* fade out, swap, fade in */
      render(e, left, right, 64, 64);
    }
    assert_int_equal(aether_graph_remove(aether_engine_graph(e), r, &err),
                     AETHER_SUCCESS);
    commit(e);
    for (int i = 0; i < 3; ++i) {
      render(e, left, right, 64, 64);
    }
    aether_engine_collect(e);
    assert_int_equal(aether_engine_n_in_flight(e), 1);
  }
  /* ASan / valgrind check that every removed instance was freed. */
  aether_engine_free(e);
}

static void
test_non_finite_output_is_silenced_and_reported(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  b = add(e, &test_bad, "b");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, b, 0, o, 0);
  set(e, b, 0, 1.0f);
  commit(e);

  float left[128];
  float right[128];
  render(e, left, right, 64, 64);
  assert_true(left[0] == 1.0f);
  set(e, b, 0, 2.0f); /* infinity */
  render(e, left, right, 64, 64);
  for (int i = 0; i < 64; ++i) {
    assert_true(left[i] == 0.0f && right[i] == 0.0f);
  }
  set(e, b, 0, 3.0f); /* NaN */
  render(e, left, right, 64, 64);
  assert_true(left[5] == 0.0f);
  AetherEngineStats st;
  aether_engine_stats(e, &st);
  assert_int_equal(st.blowups, 2);
  aether_engine_free(e);
}

static void
test_macros_drive_mapped_params(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  const AetherHandle  r   = add(e, &test_ramp, "r");
  const AetherHandle  o   = add(e, &test_out, "o");
  connect(e, r, 0, o, 0);
  const AetherMacroMap lin = { 2, r, 0, 10.0f, 20.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_macro(aether_engine_graph(e), &lin, &err),
                   AETHER_SUCCESS);
  commit(e);

  float left[64];
  float right[64];
  render(e, left, right, 64, 64);
  assert_true(left[0] == 10.0f); /* macro at 0 */
  aether_engine_set_macro_rt(e, 2, 0.5f);
  render(e, left, right, 64, 64);
  assert_true(left[0] == 15.0f);
  aether_engine_set_macro_rt(e, 2, 7.0f); /* clamped to 1 */
  render(e, left, right, 1, 1);
  assert_true(left[0] == 20.0f);

  const AetherMacroMap ex = {
    2, r, 0, 10.0f, 1000.0f, AETHER_CURVE_EXPONENTIAL
  };
  assert_int_equal(aether_graph_map_macro(aether_engine_graph(e), &ex, &err),
                   AETHER_SUCCESS);
  commit(e);
  aether_engine_set_macro_rt(e, 2, 0.5f);
  render(e, left, right, 64, 64);
  assert_float_equal(left[63], 100.0f, 1e-3f);
  aether_engine_free(e);
}

static void
test_param_set_on_audio_thread_reaches_graph(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, o, 0);
  commit(e);

  float left[64];
  float right[64];
  render(e, left, right, 64, 64);
  assert_int_equal(aether_engine_set_param_rt(e, "r", "value", 0.5f),
                   AETHER_SUCCESS);
  assert_int_equal(aether_engine_set_param_rt(e, "nope", "value", 0.5f),
                   AETHER_ERR_NOT_FOUND);
  assert_int_equal(aether_engine_set_param_rt(e, "r", "nope", 0.5f),
                   AETHER_ERR_BAD_PARAM);
  assert_int_equal(aether_engine_set_param_rt(e, "r", "value", NAN),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_engine_set_param_rt(e, "r", "value", 5000.0f),
                   AETHER_ERR_BAD_VALUE);
  render(e, left, right, 64, 64);
  assert_true(left[0] == 0.5f);

  assert_true(aether_graph_param(aether_engine_graph(e), r, 0) == 0.0f);
  aether_engine_collect(e);
  assert_true(aether_graph_param(aether_engine_graph(e), r, 0) == 0.5f);
  aether_engine_free(e);
}

static void
test_denormals_flushed_and_fp_mode_restored(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  const AetherHandle  r = add(e, &test_ramp, "r");
  const AetherHandle  g = add(e, &test_sum, "g");
  const AetherHandle  o = add(e, &test_out, "o");
  connect(e, r, 0, g, 0);
  connect(e, g, 0, o, 0);
  set(e, r, 0, 1e-39f); /* a denormal */
  commit(e);

  const unsigned before = _mm_getcsr();
  float          left[64];
  float          right[64];
  render(e, left, right, 64, 64);
  assert_int_equal(_mm_getcsr(), before);
  assert_true(left[0] == 0.0f); /* flushed inside the engine */

  volatile float tiny = 1e-39f;
  assert_true(tiny * 1.0f != 0.0f); /* ... and not outside it */
  aether_engine_free(e);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_chain_output_is_exact),
    cmocka_unit_test(test_long_chain_reuses_a_handful_of_buffers),
    cmocka_unit_test(test_param_change_is_sample_accurate),
    cmocka_unit_test(test_smoothed_param_ramps_over_its_time),
    cmocka_unit_test(test_output_is_identical_for_any_partition),
    cmocka_unit_test(test_feedback_loop_echoes_every_delay),
    cmocka_unit_test(test_delay_outside_loop_can_be_short),
    cmocka_unit_test(test_edit_off_the_output_path_keeps_output_bit_identical),
    cmocka_unit_test(test_node_state_survives_edits),
    cmocka_unit_test(test_edit_on_the_output_path_is_declicked),
    cmocka_unit_test(test_rerouted_delay_input_is_ramped),
    cmocka_unit_test(test_scale_chain_is_fused_bit_identically),
    cmocka_unit_test(test_fused_chain_ends_where_an_output_branches),
    cmocka_unit_test(test_mute_fades_and_unmute_returns),
    cmocka_unit_test(test_commits_beyond_the_ring_wait_and_recover),
    cmocka_unit_test(test_removed_nodes_are_freed_after_retirement),
    cmocka_unit_test(test_non_finite_output_is_silenced_and_reported),
    cmocka_unit_test(test_macros_drive_mapped_params),
    cmocka_unit_test(test_param_set_on_audio_thread_reaches_graph),
    cmocka_unit_test(test_denormals_flushed_and_fp_mode_restored),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
