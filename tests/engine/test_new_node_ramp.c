/* Aether engine tests: a node that plays back what it heard (a delay line,
   a chorus, a reverb tank) added by an edit that changes the output path
   has its input ramped in after the declick, as a re-routed input is: it
   does not record the input's abrupt start and play it back, full level,
   one delay time after the swap. */

#include "engine.h"
#include "engine_impl.h"
#include "measure.h"
#include "registry.h"

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

enum {
  N     = 6000, /* frames rendered: the swap, a delay time and the tails */
  EDIT  = 1000, /* frame of the commit */
  SWAP  = EDIT + AETHER_DECLICK_FRAMES, /* once the old patch faded out */
  TAIL  = 1024, /* frames at the end where the effect is measured */
  DELAY = 480,  /* the Delay's time, frames */
};

static AetherHandle
add(AetherEngine* const e, const char* const type, const char* const name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_add(
      aether_engine_graph(e), aether_registry_find(type), name, &h, &err),
    AETHER_SUCCESS);
  return h;
}

static void
connect(AetherEngine* const e,
        const AetherHandle  src,
        const char* const   out,
        const AetherHandle  dst,
        const char* const   in)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  const int          o =
    aether_node_type_output_index(aether_graph_node_type(g, src), out);
  const int i =
    aether_node_type_input_index(aether_graph_node_type(g, dst), in);
  assert_true(o >= 0 && i >= 0);
  assert_int_equal(
    aether_graph_connect(g, src, (uint32_t)o, dst, (uint32_t)i, &err),
    AETHER_SUCCESS);
}

static void
disconnect(AetherEngine* const e, const AetherHandle dst, const char* const in)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  const int          i =
    aether_node_type_input_index(aether_graph_node_type(g, dst), in);
  assert_true(i >= 0);
  assert_int_equal(aether_graph_disconnect(g, dst, (uint32_t)i, &err),
                   AETHER_SUCCESS);
}

static void
set(AetherEngine* const e,
    const AetherHandle  h,
    const char* const   param,
    const float         value)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  const int          i =
    aether_node_type_param_index(aether_graph_node_type(g, h), param);
  assert_true(i >= 0);
  assert_int_equal(aether_graph_set_param(g, h, (uint32_t)i, value, &err),
                   AETHER_SUCCESS);
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
       const uint32_t      n,
       const uint32_t      block,
       uint32_t* const     seed)
{
  static float right[N];
  for (uint32_t done = 0; done < n;) {
    uint32_t len = block;
    if (!len) {
      *seed = *seed * 1664525U + 1013904223U;
      len   = 1U + (*seed >> 16U) % AETHER_BUFFER_SIZE;
    }
    len                 = len < n - done ? len : n - done;
    float* const out[2] = { left + done, right };
    aether_engine_process(e, NULL, out, len);
    done += len;
  }
}

/* What is added: the effect `type`, fed by the sine and mixed with it into
   the output (which read the sine alone before). */
static void
add_effect(AetherEngine* const e,
           const char* const   type,
           const AetherHandle  sine,
           const AetherHandle  out)
{
  const bool         reverb = !strcmp(type, "Reverb");
  const char* const  port = reverb || !strcmp(type, "Chorus") ? "left" : "out";
  const AetherHandle fx   = add(e, type, "fx");
  const AetherHandle mix  = add(e, "Mixer", "mix");
  if (!strcmp(type, "Delay")) {
    set(e, fx, "time", (float)DELAY / (float)RATE);
  }
  connect(e, sine, "out", fx, reverb ? "left" : "in");
  connect(e, sine, "out", mix, "in1");
  connect(e, fx, port, mix, "in2");
  connect(e, mix, "out", out, "left");
}

typedef enum {
  DRY,     /**< the sine alone */
  EDIT_IN, /**< the sine, then the effect added at frame EDIT */
  PRELOAD, /**< the sine and the effect from the first frame */
} Patch;

/* The sine into the output, then (at frame EDIT, in one commit) the effect
   added; or one of the two patches alone. */
static void
render_patch(const char* const type,
             float* const      left,
             const uint32_t    block,
             const Patch       patch)
{
  AetherEngine* const e    = aether_engine_new(RATE);
  const AetherHandle  sine = add(e, "Oscillator", "sine");
  const AetherHandle  out  = add(e, "AudioOut", "out");
  uint32_t            seed = 12345U;
  /* 128 frames a cycle: the new node starts recording at a peak. */
  set(e, sine, "freq", (float)RATE / 128.0f);
  set(e, sine, "amp", 0.5f);
  if (patch == PRELOAD) {
    add_effect(e, type, sine, out);
    commit(e);
    render(e, left, N, block, &seed);
  } else {
    connect(e, sine, "out", out, "left");
    commit(e);
    render(e, left, EDIT, block, &seed);
    if (patch == EDIT_IN) {
      disconnect(e, out, "left");
      add_effect(e, type, sine, out);
      commit(e);
    }
    render(e, left + EDIT, N - EDIT, block, &seed);
  }
  /* Any ramp is over, at full gain. */
  assert_null(e->ramps_in);
  assert_int_equal(e->ramp, AETHER_DECLICK_FRAMES);
  aether_engine_free(e);
}

/* The root mean square of what the effect adds to the sine over the last
   TAIL frames. */
static double
effect_rms(const float* const x, const float* const dry)
{
  double sum = 0.0;
  for (uint32_t i = N - TAIL; i < N; ++i) {
    const double d = (double)x[i] - (double)dry[i];
    sum += d * d;
  }
  return sqrt(sum / TAIL);
}

static float
largest_step(const float* const x, const uint32_t from, const uint32_t to)
{
  float max_step = 0.0f;
  for (uint32_t i = from + 1U; i < to; ++i) {
    max_step = fmaxf(max_step, fabsf(x[i] - x[i - 1U]));
  }
  return max_step;
}

static void
check_new_effect(const char* const type)
{
  float* const left  = (float*)calloc(N, sizeof(float));
  float* const other = (float*)calloc(N, sizeof(float));
  float* const ref   = (float*)calloc(N, sizeof(float));
  float* const dry   = (float*)calloc(N, sizeof(float));
  assert_non_null(left);
  assert_non_null(other);
  assert_non_null(ref);
  assert_non_null(dry);

  /* The signal's own step and magnitude: the same patch, preloaded. */
  render_patch(type, ref, 0, PRELOAD);
  render_patch(type, dry, 0, DRY);
  const float own  = largest_step(ref, 0U, N);
  const float peak = (float)measure_peak(ref, N);

  /* Over the whole render: the old patch fading out, the new one fading
     in, its new node's input ramping in, and what the node plays back of
     that one delay time later. */
  render_patch(type, left, 0, EDIT_IN);
  const float step  = largest_step(left, 0U, N);
  const float echo  = largest_step(left, SWAP + 3U * AETHER_DECLICK_FRAMES, N);
  const float bound = own + fmaxf(peak, (float)measure_peak(left, N)) /
                              (float)AETHER_DECLICK_FRAMES;
  printf("new %s: largest step %.4f (after the ramps %.4f), preloaded %.4f, "
         "bound %.4f\n",
         type,
         (double)step,
         (double)echo,
         (double)own,
         (double)bound);
  assert_true(step <= bound + 1e-6f);

  /* The effect is heard once the ramps are over. */
  const double wet     = effect_rms(left, dry);
  const double ref_wet = effect_rms(ref, dry);
  printf("  the effect's rms at the end %.4f, preloaded %.4f\n", wet, ref_wet);
  assert_true(wet >= 0.5 * ref_wet && ref_wet > 0.1);

  /* The same frames whatever the host's blocks. */
  render_patch(type, other, 64, EDIT_IN);
  assert_memory_equal(left, other, N * sizeof(float));
  render_patch(type, other, 1, EDIT_IN);
  assert_memory_equal(left, other, N * sizeof(float));
  free(left);
  free(other);
  free(ref);
  free(dry);
}

static void
test_new_delay_input_is_ramped(void** state)
{
  (void)state;
  check_new_effect("Delay");
}

static void
test_new_reverb_input_is_ramped(void** state)
{
  (void)state;
  check_new_effect("Reverb");
}

static void
test_new_chorus_input_is_ramped(void** state)
{
  (void)state;
  check_new_effect("Chorus");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_delay_input_is_ramped),
    cmocka_unit_test(test_new_reverb_input_is_ramped),
    cmocka_unit_test(test_new_chorus_input_is_ramped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
