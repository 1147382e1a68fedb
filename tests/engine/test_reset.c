/* Aether engine tests: a reset starts over as a new engine would (every
   node type's memory, voices, notes, edits in progress, gliding
   parameters), a runaway signal is caught like a non-finite one, the values
   MIDI controller mappings set reach the graph, and edits never wait for
   room: the newest commit always wins. */

#include "engine.h"
#include "engine_impl.h"
#include "graph_impl.h"
#include "harness.h"
#include "registry.h"
#include "test_types.h"

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
#define SECOND 48000U

/* Graph building */

static AetherHandle
add(AetherEngine* const         e,
    const AetherNodeType* const type,
    const char* const           name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_non_null(type);
  assert_int_equal(
    aether_graph_add(aether_engine_graph(e), type, name, &h, &err),
    AETHER_SUCCESS);
  return h;
}

static AetherHandle
add_node(AetherEngine* const e, const char* const type, const char* const name)
{
  return add(e, aether_registry_find(type), name);
}

static AetherHandle
find(AetherEngine* const e, const char* const name)
{
  AetherHandle h = { 0, 0 };
  assert_int_equal(aether_graph_find(aether_engine_graph(e), name, &h),
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

static uint32_t
param_index(AetherEngine* const e, const AetherHandle h, const char* const name)
{
  const int i = aether_node_type_param_index(
    aether_graph_node_type(aether_engine_graph(e), h), name);
  assert_true(i >= 0);
  return (uint32_t)i;
}

/* Set a parameter from the control side (sent at once if it runs). */
static void
set(AetherEngine* const e,
    const AetherHandle  h,
    const char* const   param,
    const float         value)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_engine_set_param(e, h, param_index(e, h, param), value, &err),
    AETHER_SUCCESS);
}

static void
poly(AetherEngine* const e, const AetherHandle h)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_set_poly(aether_engine_graph(e), h, true, &err),
                   AETHER_SUCCESS);
}

static void
commit(AetherEngine* const e)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
}

static void
midi(AetherEngine* const e, const uint8_t a, const uint8_t b, const uint8_t c)
{
  const uint8_t msg[3] = { a, b, c };
  aether_engine_push_midi_rt(e, msg, 3);
}

/* Signals */

typedef struct {
  float*   left;
  float*   right;
  uint32_t n;
} Stereo;

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

static void
stereo_free(Stereo* const s)
{
  free(s->left);
  free(s->right);
}

static bool
stereo_equal(const Stereo* const a, const Stereo* const b)
{
  return a->n == b->n && !memcmp(a->left, b->left, a->n * sizeof(float)) &&
         !memcmp(a->right, b->right, a->n * sizeof(float));
}

static double
stereo_peak(const Stereo* const s)
{
  double peak = 0.0;
  for (uint32_t i = 0; i < s->n; ++i) {
    peak = fmax(peak, fmax(fabs(s->left[i]), fabs(s->right[i])));
  }
  return peak;
}

/* A test input: a plucked tone on the left, clicks and a chord on the
   right, in bursts (so a tail shows after each). */
static Stereo
make_input(const uint32_t n)
{
  Stereo   s    = stereo_new(n);
  uint32_t seed = 777U;
  for (uint32_t i = 0; i < n; ++i) {
    const double t     = (double)i / RATE;
    const double burst = fmod(t, 0.25);
    const double env   = burst < 0.1 ? exp(-burst * 30.0) : 0.0;
    seed               = seed * 1664525U + 1013904223U;
    const double noise = (double)(int32_t)seed / 2147483648.0;
    s.left[i]          = (float)(0.4 * env * sin(2.0 * M_PI * 330.0 * t));
    s.right[i] =
      (float)(0.3 * env * (sin(2.0 * M_PI * 220.0 * t) + 0.3 * noise));
  }
  return s;
}

/* A MIDI event at a frame. */
typedef struct {
  uint32_t frame;
  uint8_t  msg[3];
} Event;

/* Render `out->n` frames of `in` (NULL: silence) with `events` (sorted)
   in blocks of at most `block` frames, split at every event. */
static void
render(AetherEngine* const e,
       const Stereo* const in,
       const Event* const  events,
       const uint32_t      n_events,
       const uint32_t      block,
       Stereo* const       out)
{
  uint32_t next = 0;
  for (uint32_t pos = 0; pos < out->n;) {
    for (; next < n_events && events[next].frame <= pos; ++next) {
      midi(e, events[next].msg[0], events[next].msg[1], events[next].msg[2]);
    }
    uint32_t len = out->n - pos < block ? out->n - pos : block;
    if (next < n_events && events[next].frame < pos + len) {
      len = events[next].frame - pos;
    }
    const float* const ins[2] = { in ? in->left + pos : NULL,
                                  in ? in->right + pos : NULL };
    float* const outs[2] = { out->left + pos, out->right + pos };
    aether_engine_process(e, ins, outs, len);
    pos += len;
  }
}

/* A synth and an effect in one patch: poly MidiNote -> Oscillator and
   Noise -> Adsr (gate) -> shared Filter (an Lfo on its cutoff, macro 1 on
   its q) -> Delay -> Reverb -> AudioOut, with the audio input through a
   Chorus and a KarplusStrong plucked on every note. Everything in it
   remembers something. */
static AetherEngine*
make_patch(const uint32_t voices)
{
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  assert_int_equal(
    aether_graph_set_voices(aether_engine_graph(e), voices, &err),
    AETHER_SUCCESS);

  const AetherHandle note  = add_node(e, "MidiNote", "note");
  const AetherHandle osc   = add_node(e, "Oscillator", "osc");
  const AetherHandle noise = add_node(e, "Noise", "noise");
  const AetherHandle mix   = add_node(e, "Mixer", "mix");
  const AetherHandle env   = add_node(e, "Adsr", "env");
  const AetherHandle pluck = add_node(e, "KarplusStrong", "pluck");
  const AetherHandle vmix  = add_node(e, "Mixer", "vmix");
  const AetherHandle lfo   = add_node(e, "Lfo", "lfo");
  const AetherHandle flt   = add_node(e, "Filter", "filter");
  const AetherHandle in    = add_node(e, "AudioIn", "in");
  const AetherHandle ch    = add_node(e, "Chorus", "chorus");
  const AetherHandle dly   = add_node(e, "Delay", "delay");
  const AetherHandle bus   = add_node(e, "Mixer", "bus");
  const AetherHandle rev   = add_node(e, "Reverb", "reverb");
  const AetherHandle out   = add_node(e, "AudioOut", "out");
  poly(e, note);
  poly(e, osc);
  poly(e, noise);
  poly(e, mix);
  poly(e, env);
  poly(e, pluck);
  poly(e, vmix);

  set(e, osc, "amp", 0.2f);
  set(e, noise, "amp", 0.05f);
  set(e, pluck, "amp", 0.3f);
  set(e, lfo, "rate", 3.0f);
  set(e, dly, "time", 0.05f);
  set(e, dly, "feedback", 0.5f);
  connect(e, note, "pitch", osc, "pitch");
  connect(e, note, "gate", env, "gate");
  connect(e, note, "pitch", pluck, "pitch");
  connect(e, note, "gate", pluck, "trigger");
  connect(e, osc, "out", mix, "in1");
  connect(e, noise, "out", mix, "in2");
  connect(e, mix, "out", env, "in");
  connect(e, env, "out", vmix, "in1");
  connect(e, pluck, "out", vmix, "in2");
  connect(e, vmix, "out", flt, "in");
  connect(e, lfo, "out", flt, "cutoff_cv");
  connect(e, in, "left", ch, "in");
  connect(e, flt, "out", dly, "in");
  connect(e, dly, "out", bus, "in1");
  connect(e, ch, "left", bus, "in2");
  connect(e, bus, "out", rev, "left");
  connect(e, ch, "right", rev, "right");
  connect(e, rev, "left", out, "left");
  connect(e, rev, "right", out, "right");

  const AetherMacroMap q = { 0,    flt,  param_index(e, flt, "q"),
                             0.7f, 4.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_macro(aether_engine_graph(e), &q, &err),
                   AETHER_SUCCESS);
  return e;
}

/* Notes over a second, the last one still held at the end; the pedal
   down and up in between. */
static const Event phrase[] = {
  { 0, { 0x90, 60, 100 } },     { 6000, { 0x90, 64, 90 } },
  { 12000, { 0xB0, 64, 127 } }, { 15000, { 0x80, 60, 0 } },
  { 20000, { 0x90, 67, 80 } },  { 26000, { 0xB0, 64, 0 } },
  { 30000, { 0x80, 64, 0 } },   { 36000, { 0x90, 72, 110 } },
};

#define N_PHRASE (sizeof(phrase) / sizeof(phrase[0]))

/* Tests */

/* Drive node `h` with the inputs, host audio and MIDI of block `b`. */
static void
harness_block(NodeHarness* const  h,
              const Stereo* const in,
              const uint32_t      b,
              float* const* const outs)
{
  static const AetherMidiEvent events[4] = {
    { { 0x90, 60, 100 }, 3 },
    { { 0xB0, 1, 90 }, 3 },
    { { 0x90, 67, 70 }, 3 },
    { { 0x80, 60, 0 }, 3 },
  };
  AetherContext* const ctx = harness_context(h);
  ctx->host_in[0]          = in->left + b * AETHER_BUFFER_SIZE;
  ctx->host_in[1]          = in->right + b * AETHER_BUFFER_SIZE;
  static float sink[2][AETHER_BUFFER_SIZE];
  ctx->host_out[0] = sink[0];
  ctx->host_out[1] = sink[1];
  const uint32_t k = b % 40U;
  ctx->midi        = events + (k / 10U);
  ctx->n_midi      = (k % 10U == 2U) ? 1U : 0U;
  harness_render(h, outs, AETHER_BUFFER_SIZE, AETHER_BUFFER_SIZE);
}

/* Render `blocks` blocks of every output of `h` into `out` (outputs *
   blocks * 64 floats), inputs from the periodic signals `signals`. */
static void
harness_play(NodeHarness* const  h,
             const Stereo* const in,
             const uint32_t      n_outputs,
             const uint32_t      blocks,
             float* const        out)
{
  for (uint32_t b = 0; b < blocks; ++b) {
    float* outs[AETHER_MAX_OUTPUTS] = { NULL };
    for (uint32_t o = 0; o < n_outputs; ++o) {
      outs[o] = out + ((size_t)o * blocks + b) * AETHER_BUFFER_SIZE;
    }
    harness_block(h, in, b, outs);
  }
}

/* A node of `type` with its parameters at `where` of their ranges (< 0:
   the defaults), seeded, every input driven by the periodic signals. */
static NodeHarness*
harness_for(const AetherNodeType* const type,
            const float                 where,
            const Stereo* const         signals)
{
  NodeHarness* const h = harness_new(type, RATE);
  if (type->seed) {
    type->seed(harness_state(h), 0x2545F491U);
    harness_reset(h);
  }
  for (uint32_t i = 0; where >= 0.0f && i < type->n_params; ++i) {
    const AetherParamDesc* const d = &type->params[i];
    float                        v = d->min + where * (d->max - d->min);
    if (d->kind != AETHER_PARAM_CONTINUOUS) {
      v = floorf(v + 0.5f);
    }
    harness_set(h, d->name, v);
  }
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    harness_input(h, i, (i & 1U) ? signals->right : signals->left);
  }
  return h;
}

static void
test_every_node_type_resets_as_new(void** state)
{
  (void)state;
  /* Periodic signals, so the second half of a run hears what the first
     did: gates and triggers (edges), audio, a little noise. */
  const uint32_t blocks = 400U; /* 0.53 s */
  const uint32_t period = blocks * AETHER_BUFFER_SIZE;
  Stereo         sig    = stereo_new(2U * period);
  Stereo         host   = make_input(period);
  uint32_t       seed   = 99U;
  for (uint32_t i = 0; i < 2U * period; ++i) {
    const uint32_t t = i % period;
    seed             = t ? seed * 1664525U + 1013904223U : 99U;
    sig.left[i] = (t % 4000U < 1500U ? 1.0f : 0.0f) + 0.3f * sinf(0.01f * t);
    sig.right[i] =
      0.5f * sinf(0.003f * t) + 0.1f * (float)(int32_t)seed / 2147483648.0f;
  }

  const size_t size  = (size_t)AETHER_MAX_OUTPUTS * blocks * AETHER_BUFFER_SIZE;
  float* const first = (float*)calloc(size, sizeof(float));
  float* const again = (float*)calloc(size, sizeof(float));
  float* const fresh = (float*)calloc(size, sizeof(float));
  uint32_t     failed            = 0;
  static const float settings[3] = { -1.0f, 0.3f, 0.8f };
  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    const AetherNodeType* const type = aether_registry_get(t);
    for (uint32_t s = 0; s < 3U; ++s) {
      NodeHarness* const a = harness_for(type, settings[s], &sig);
      NodeHarness* const b = harness_for(type, settings[s], &sig);
      const uint32_t     n = type->n_outputs;
      harness_play(a, &host, n, blocks, first);
      harness_reset(a);
      harness_play(a, &host, n, blocks, again);
      harness_play(b, &host, n, blocks, fresh);
      const size_t bytes = (size_t)n * blocks * AETHER_BUFFER_SIZE * 4U;
      if (memcmp(again, fresh, bytes) || memcmp(first, fresh, bytes)) {
        fprintf(stderr,
                "%s (parameters at %g): not as new after reset\n",
                type->name,
                (double)settings[s]);
        ++failed;
      }
      harness_free(a);
      harness_free(b);
    }
  }
  free(first);
  free(again);
  free(fresh);
  stereo_free(&sig);
  stereo_free(&host);
  assert_int_equal(failed, 0);
}

static void
test_reset_plays_like_a_new_engine(void** state)
{
  (void)state;
  Stereo in = make_input(SECOND);
  for (uint32_t voices = 1; voices <= 4U; voices += 3U) {
    AetherEngine* const e = make_patch(voices);
    commit(e);
    aether_engine_set_macro_rt(e, 0, 0.6f);
    Stereo first = stereo_new(SECOND);
    Stereo again = stereo_new(SECOND);
    render(e, &in, phrase, N_PHRASE, 64, &first);
    assert_true(stereo_peak(&first) > 0.05);
    bool held = voices == 1U; /* one voice: events pass straight through */
    for (uint32_t v = 0; v < voices; ++v) {
      held = held || e->voice[v].state == AETHER_VOICE_HELD;
    }
    assert_true(held); /* a note still down at the end */

    /* Notes queued for the next call belong to before: forgotten too. */
    midi(e, 0x90, 48, 127);
    aether_engine_reset_rt(e);
    aether_engine_set_macro_rt(e, 0, 0.6f); /* as the host does each run */
    render(e, &in, phrase, N_PHRASE, 64, &again);
    assert_true(stereo_equal(&first, &again));

    /* And in other blocks: the reset does not depend on the partition. */
    aether_engine_reset_rt(e);
    render(e, &in, phrase, N_PHRASE, 7, &again);
    assert_true(stereo_equal(&first, &again));

    AetherEngineStats st;
    aether_engine_stats(e, &st);
    assert_int_equal(st.blowups, 0);
    stereo_free(&first);
    stereo_free(&again);
    aether_engine_free(e);
  }
  stereo_free(&in);
}

/* The edit of the fade test: a different oscillator wave, the chorus out
   of the path (the output changes: declicked). */
static void
edit_patch(AetherEngine* const e)
{
  AetherError err = { AETHER_SUCCESS, "" };
  set(e, find(e, "osc"), "wave", 2.0f);
  assert_int_equal(
    aether_graph_remove(aether_engine_graph(e), find(e, "chorus"), &err),
    AETHER_SUCCESS);
}

static void
test_reset_during_an_edit_fade_plays_the_new_patch_as_new(void** state)
{
  (void)state;
  Stereo              in = make_input(SECOND);
  AetherEngine* const e  = make_patch(4);
  commit(e);
  Stereo part = stereo_new(SECOND / 2U);
  render(e, &in, phrase, N_PHRASE, 64, &part);

  /* The edit starts its fade-out; reset in the middle of it. */
  edit_patch(e);
  commit(e);
  Stereo   some   = stereo_new(1);
  uint32_t frames = 0;
  do { /* re-routed inputs ramped down, then the output fades out */
    render(e, &in, NULL, 0, 64, &some);
    assert_true(++frames < 200U);
  } while (!(e->pending && e->level < AETHER_DECLICK_FRAMES / 2U));
  aether_engine_reset_rt(e);
  assert_null(e->pending);

  Stereo after = stereo_new(SECOND);
  render(e, &in, phrase, N_PHRASE, 64, &after);

  AetherEngine* const f = make_patch(4);
  edit_patch(f);
  commit(f);
  Stereo fresh = stereo_new(SECOND);
  render(f, &in, phrase, N_PHRASE, 64, &fresh);
  assert_true(stereo_equal(&after, &fresh));

  /* The schedule the reset let go comes back to be freed. */
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);

  stereo_free(&in);
  stereo_free(&part);
  stereo_free(&some);
  stereo_free(&after);
  stereo_free(&fresh);
  aether_engine_free(e);
  aether_engine_free(f);
}

static void
test_reset_stops_glides_at_their_targets(void** state)
{
  (void)state;
  Stereo              in = make_input(SECOND);
  AetherEngine* const e  = make_patch(2);
  commit(e);
  Stereo part = stereo_new(SECOND / 4U);
  render(e, &in, phrase, N_PHRASE, 64, &part);

  /* A cutoff set from the control side and a macro move both glide. */
  const AetherHandle flt = find(e, "filter");
  set(e, flt, "cutoff", 500.0f);
  aether_engine_set_macro_rt(e, 0, 0.9f);
  Stereo some = stereo_new(100);
  render(e, &in, NULL, 0, 64, &some);
  const GraphNode* const n = aether_graph_node(aether_engine_graph(e), flt);
  assert_true(aether_param_ramping(&n->inst->params[1]));
  assert_true(aether_param_ramping(&n->inst->params[2]));
  aether_engine_reset_rt(e);

  Stereo after = stereo_new(SECOND / 2U);
  render(e, &in, phrase, N_PHRASE, 64, &after);

  AetherEngine* const f = make_patch(2);
  set(f, find(f, "filter"), "cutoff", 500.0f);
  commit(f);
  aether_engine_set_macro_rt(f, 0, 0.9f);
  Stereo fresh = stereo_new(SECOND / 2U);
  render(f, &in, phrase, N_PHRASE, 64, &fresh);
  assert_true(stereo_equal(&after, &fresh));

  /* A macro moved right after a reset takes its value at once, as it does
     before a new engine's first frame. */
  aether_engine_reset_rt(e);
  aether_engine_set_macro_rt(e, 0, 0.2f);
  render(e, &in, phrase, N_PHRASE, 64, &after);
  AetherEngine* const g = make_patch(2);
  set(g, find(g, "filter"), "cutoff", 500.0f);
  commit(g);
  aether_engine_set_macro_rt(g, 0, 0.2f);
  render(g, &in, phrase, N_PHRASE, 64, &fresh);
  assert_true(stereo_equal(&after, &fresh));

  stereo_free(&in);
  stereo_free(&part);
  stereo_free(&some);
  stereo_free(&after);
  stereo_free(&fresh);
  aether_engine_free(e);
  aether_engine_free(f);
  aether_engine_free(g);
}

/* A source of `value` into the output, replacing the one before. */
static void
replace_source(AetherEngine* const e, const uint32_t i, const float value)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  char               name[32];
  if (i) {
    snprintf(name, sizeof(name), "r%u", i - 1U);
    assert_int_equal(aether_graph_remove(g, find(e, name), &err),
                     AETHER_SUCCESS);
  }
  snprintf(name, sizeof(name), "r%u", i);
  const AetherHandle r = add(e, &test_ramp, name);
  assert_int_equal(aether_graph_set_param(g, r, 0, value, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, r, 0, find(e, "o"), 0, &err),
                   AETHER_SUCCESS);
}

static void
test_reset_takes_every_waiting_edit(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  const AetherHandle  o   = add(e, &test_out, "o");
  const AetherHandle  k   = add(e, &test_ramp, "k");
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_connect(aether_engine_graph(e), k, 0, o, 1, &err), 0);
  replace_source(e, 0, 1.0f);
  commit(e);
  Stereo out = stereo_new(256);
  render(e, NULL, NULL, 0, 64, &out);
  assert_true(out.left[255] == 1.0f);

  /* Edits and parameter sets pile up with nobody processing (the host
     deactivated the plugin): some in the ring, some parked. */
  for (uint32_t i = 1; i <= 100U; ++i) {
    replace_source(e, i, (float)i);
    commit(e);
    set(e, k, "value", (float)i);
  }
  assert_int_equal(aether_engine_n_in_flight(e), AETHER_MAX_IN_FLIGHT);
  set(e, find(e, "r100"), "value", 7.0f); /* after the newest commit */

  aether_engine_reset_rt(e);
  aether_engine_collect(e); /* sends the parked newest */
  render(e, NULL, NULL, 0, 64, &out);
  assert_true(out.left[0] == 7.0f && out.left[255] == 7.0f);
  assert_true(out.right[0] == 100.0f && out.right[255] == 100.0f);
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);
  stereo_free(&out);
  aether_engine_free(e); /* ASan: every removed node was freed */
}

static void
test_runaway_feedback_is_silenced_and_counted(void** state)
{
  (void)state;
  /* A legal loop: input + delayed * 4 -> a 64-frame delay -> back. */
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherGraph* const  g   = aether_engine_graph(e);
  AetherError         err = { AETHER_SUCCESS, "" };
  const AetherHandle  src = add(e, &test_ramp, "src");
  const AetherHandle  sum = add(e, &test_sum, "sum");
  const AetherHandle  dly = add(e, &test_delay, "dly");
  const AetherHandle  o   = add(e, &test_out, "o");
  assert_int_equal(aether_graph_set_param(g, src, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, sum, 0, 4.0f, &err), 0);
  assert_int_equal(aether_graph_connect(g, src, 0, sum, 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, dly, 0, sum, 1, &err), 0);
  assert_int_equal(aether_graph_connect(g, sum, 0, dly, 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, sum, 0, o, 0, &err), 0);
  commit(e);

  Stereo out = stereo_new(4096);
  render(e, NULL, NULL, 0, 64, &out);
  double loudest = 0.0;
  for (uint32_t i = 0; i < out.n; ++i) {
    assert_true(isfinite(out.left[i]));
    loudest = fmax(loudest, fabs(out.left[i]));
  }
  /* It grows 4 times every 64 frames, is cut before it passes 1000, starts
     over from silence, grows again. */
  assert_true(loudest <= 1000.0 && loudest > 100.0);
  AetherEngineStats st;
  aether_engine_stats(e, &st);
  assert_true(st.blowups >= 2U);
  assert_true(out.left[4095] != 0.0f);
  stereo_free(&out);
  aether_engine_free(e);
}

static void
test_controller_values_reach_the_graph(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherGraph* const  g   = aether_engine_graph(e);
  AetherError         err = { AETHER_SUCCESS, "" };
  const AetherHandle  r   = add(e, &test_ramp, "r");
  const AetherHandle  o   = add(e, &test_out, "o");
  assert_int_equal(aether_graph_connect(g, r, 0, o, 0, &err), 0);
  const AetherCcMap map = { 1, 0, r, 0, -50.0f, 100.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_cc(g, &map, &err), AETHER_SUCCESS);
  commit(e);
  Stereo out = stereo_new(64);
  render(e, NULL, NULL, 0, 64, &out);
  aether_engine_collect(e);

  /* Many moves in one call: one note, the last value. */
  for (uint8_t v = 0; v < 100U; ++v) {
    midi(e, 0xB3, 1, v);
  }
  midi(e, 0xB3, 1, 64);
  render(e, NULL, NULL, 0, 64, &out);
  const float expected = -50.0f + (64.0f / 127.0f) * 150.0f;
  assert_true(out.left[63] == expected);
  assert_true(aether_graph_param(g, r, 0) == 0.0f);
  assert_int_equal(aether_engine_collect(e), 1);
  assert_true(aether_graph_param(g, r, 0) == expected);

  /* Another controller moves nothing. */
  midi(e, 0xB0, 2, 10);
  render(e, NULL, NULL, 0, 64, &out);
  assert_int_equal(aether_engine_collect(e), 0);
  stereo_free(&out);
  aether_engine_free(e);
}

static void
test_many_commits_without_audio_all_succeed_and_the_newest_plays(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  add(e, &test_out, "o");
  replace_source(e, 0, 1.0f);
  commit(e);
  Stereo out = stereo_new(64);
  render(e, NULL, NULL, 0, 64, &out);
  aether_engine_collect(e);

  /* 200 edits with no process() in between, each changing the output. */
  AetherError err = { AETHER_SUCCESS, "" };
  for (uint32_t i = 1; i <= 200U; ++i) {
    replace_source(e, i, (float)i);
    assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
    assert_false(aether_engine_settled_rt(e));
  }
  assert_int_equal(aether_engine_n_in_flight(e), AETHER_MAX_IN_FLIGHT);

  /* Audio and collection resume: the newest graph plays after a bounded
     number of fades, not one per edit. */
  uint32_t blocks = 0;
  while (!aether_engine_settled_rt(e) || aether_engine_n_in_flight(e) > 1U) {
    render(e, NULL, NULL, 0, 64, &out);
    aether_engine_collect(e);
    assert_true(++blocks < 40U);
  }
  render(e, NULL, NULL, 0, 64, &out);
  render(e, NULL, NULL, 0, 64, &out);
  assert_true(out.left[0] == 200.0f && out.left[63] == 200.0f);
  AetherEngineStats st;
  aether_engine_stats(e, &st);
  assert_true(st.swaps < 100U);
  stereo_free(&out);
  aether_engine_free(e); /* ASan: nothing leaks, nothing freed twice */
}

static void
test_parked_edits_keep_every_parameter_change(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherGraph* const  g   = aether_engine_graph(e);
  const AetherHandle  o   = add(e, &test_out, "o");
  const AetherHandle  r   = add(e, &test_ramp, "r");
  const AetherHandle  s   = add(e, &test_ramp, "s");
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_connect(g, r, 0, o, 0, &err), 0);
  assert_int_equal(aether_graph_connect(g, s, 0, o, 1, &err), 0);
  commit(e);
  Stereo out = stereo_new(64);
  render(e, NULL, NULL, 0, 64, &out);

  /* Changes carried by commits (r) and sent directly (s), many of them
     while schedules are parked: the newest value of each must win. */
  for (uint32_t i = 1; i <= 150U; ++i) {
    assert_int_equal(aether_graph_set_param(g, r, 0, (float)i, &err), 0);
    commit(e);
    set(e, s, "value", (float)(1000U - i));
  }
  for (uint32_t b = 0; b < 8U; ++b) {
    render(e, NULL, NULL, 0, 64, &out);
    aether_engine_collect(e);
  }
  assert_true(aether_engine_settled_rt(e));
  assert_true(out.left[63] == 150.0f);
  assert_true(out.right[63] == 850.0f);
  stereo_free(&out);
  aether_engine_free(e);
}

static void
test_settled_only_once_the_newest_edit_plays(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  assert_true(aether_engine_settled_rt(e)); /* nothing committed */
  add(e, &test_out, "o");
  replace_source(e, 0, 1.0f);
  commit(e);
  assert_false(aether_engine_settled_rt(e));
  Stereo out = stereo_new(64);
  render(e, NULL, NULL, 0, 64, &out);
  assert_true(aether_engine_settled_rt(e));

  /* An edit of the output: not settled while it fades out. */
  replace_source(e, 1, 2.0f);
  commit(e);
  assert_false(aether_engine_settled_rt(e));
  Stereo one = stereo_new(1);
  render(e, NULL, NULL, 0, 64, &one);
  assert_false(aether_engine_settled_rt(e));
  render(e, NULL, NULL, 0, 64, &out);
  assert_true(aether_engine_settled_rt(e)); /* swapped at frame 128 */
  stereo_free(&out);
  stereo_free(&one);
  aether_engine_free(e);
}

static void
test_a_newer_edit_takes_the_place_of_a_waiting_one(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  add(e, &test_out, "o");
  replace_source(e, 0, 1.0f);
  commit(e);
  Stereo out = stereo_new(256);
  render(e, NULL, NULL, 0, 64, &out);
  AetherEngineStats before;
  aether_engine_stats(e, &before);

  /* Three edits of the output while the first one fades out. */
  Stereo fade = stereo_new(64);
  replace_source(e, 1, 2.0f);
  commit(e);
  render(e, NULL, NULL, 0, 64, &fade);
  assert_true(fade.left[0] == 63.0f / 64.0f && fade.left[63] == 0.0f);
  replace_source(e, 2, 3.0f);
  commit(e);
  replace_source(e, 3, 4.0f);
  commit(e);
  render(e, NULL, NULL, 0, 64, &out);

  /* One fade out, one fade in: the newest plays, the others never did. */
  AetherEngineStats after;
  aether_engine_stats(e, &after);
  assert_int_equal(after.swaps, before.swaps + 1U);
  assert_true(out.left[0] == 4.0f / 64.0f);
  assert_true(out.left[63] == 4.0f && out.left[255] == 4.0f);
  stereo_free(&fade);
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);
  stereo_free(&out);
  aether_engine_free(e); /* ASan: the skipped schedules were freed */
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_node_type_resets_as_new),
    cmocka_unit_test(test_reset_plays_like_a_new_engine),
    cmocka_unit_test(test_reset_during_an_edit_fade_plays_the_new_patch_as_new),
    cmocka_unit_test(test_reset_stops_glides_at_their_targets),
    cmocka_unit_test(test_reset_takes_every_waiting_edit),
    cmocka_unit_test(test_runaway_feedback_is_silenced_and_counted),
    cmocka_unit_test(test_controller_values_reach_the_graph),
    cmocka_unit_test(
      test_many_commits_without_audio_all_succeed_and_the_newest_plays),
    cmocka_unit_test(test_parked_edits_keep_every_parameter_change),
    cmocka_unit_test(test_settled_only_once_the_newest_edit_plays),
    cmocka_unit_test(test_a_newer_edit_takes_the_place_of_a_waiting_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
