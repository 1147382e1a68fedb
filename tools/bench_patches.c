/* bench_patches.c: section 2 of `aether bench`: realistic patches (the
   bundle's presets, the example patches) and synth voices, one and 16,
   through the engine against the same voice written by hand. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_kernel.h"
#include "bench_report.h"
#include "bench_sections.h"
#include "bench_signal.h"

#include "../src/engine/engine.h"
#include "../src/nodes/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_VOICES 16U /* the polyphonic cases' voices */

/* The voice: osc (saw) -> filter (lowpass) -> envelope (VCA), notes from
   a MidiNote node (from VOICE_NOTE, bench_engine.h); the hand-written
   versions use the same settings. */
#define VOICE_CUTOFF 1200.0f
#define VOICE_Q 2.0f
#define VOICE_AMP 0.5f

static AetherStatus
build_voice(AetherGraph* const  g,
            const char* const   prefix,
            const AetherHandle  keys,
            const float         freq,
            const bool          poly,
            AetherHandle* const env,
            AetherError* const  err)
{
  char         name[3][48];
  AetherHandle osc;
  AetherHandle filter;
  AetherStatus st = AETHER_SUCCESS;
  snprintf(name[0], sizeof(name[0]), "%sosc", prefix);
  snprintf(name[1], sizeof(name[1]), "%sfilter", prefix);
  snprintf(name[2], sizeof(name[2]), "%senv", prefix);
  if ((st = add_node(g, "Oscillator", name[0], &osc, err)) ||
      (st = set_param(g, osc, "wave", 1.0f, err)) ||
      (st = set_param(g, osc, "freq", freq, err)) ||
      (st = set_param(g, osc, "amp", VOICE_AMP, err)) ||
      (st = connect_ports(g, keys, "pitch", osc, "pitch", err)) ||
      (st = add_node(g, "Filter", name[1], &filter, err)) ||
      (st = set_param(g, filter, "cutoff", VOICE_CUTOFF, err)) ||
      (st = set_param(g, filter, "q", VOICE_Q, err)) ||
      (st = connect_ports(g, osc, "out", filter, "in", err)) ||
      (st = add_node(g, "Adsr", name[2], env, err)) ||
      (st = set_param(g, *env, "attack", 0.01f, err)) ||
      (st = set_param(g, *env, "decay", 0.3f, err)) ||
      (st = set_param(g, *env, "sustain", 0.7f, err)) ||
      (st = set_param(g, *env, "release", 0.3f, err)) ||
      (st = connect_ports(g, keys, "gate", *env, "gate", err)) ||
      (st = connect_ports(g, filter, "out", *env, "in", err))) {
    return st;
  }
  if (poly && ((st = aether_graph_set_poly(g, osc, true, err)) ||
               (st = aether_graph_set_poly(g, filter, true, err)) ||
               (st = aether_graph_set_poly(g, *env, true, err)))) {
    return st;
  }
  return AETHER_SUCCESS;
}

/* 440 Hz moved by `semitones`. */
static float
voice_freq(const int semitones)
{
  return 440.0f * powf(2.0f, (float)semitones / 12.0f);
}

/* mode 0: one voice; 1: N_VOICES explicit copies (8 to each channel);
   2: one voice with ae:voices N_VOICES (the engine's polyphony). */
static AetherStatus
build_synth(AetherGraph* const g, const int mode, AetherError* const err)
{
  AetherHandle keys;
  AetherHandle out;
  AetherHandle env;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = add_node(g, "MidiNote", "keys", &keys, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    return st;
  }
  if (mode != 1) {
    if ((st = build_voice(g, "", keys, 440.0f, mode == 2, &env, err)) ||
        (st = connect_ports(g, env, "out", out, "left", err))) {
      return st;
    }
    if (mode == 2 && ((st = aether_graph_set_poly(g, keys, true, err)) ||
                      (st = aether_graph_set_voices(g, N_VOICES, err)))) {
      return st;
    }
    return AETHER_SUCCESS;
  }

  AetherHandle mix[2];
  if ((st = add_node(g, "Mixer", "mix_l", &mix[0], err)) ||
      (st = add_node(g, "Mixer", "mix_r", &mix[1], err)) ||
      (st = connect_ports(g, mix[0], "out", out, "left", err)) ||
      (st = connect_ports(g, mix[1], "out", out, "right", err))) {
    return st;
  }
  for (uint32_t v = 0; v < N_VOICES && !st; ++v) {
    char prefix[16];
    char input[8];
    snprintf(prefix, sizeof(prefix), "v%u_", v);
    snprintf(input, sizeof(input), "in%u", v % 8U + 1U);
    if (!(st = build_voice(
            g, prefix, keys, voice_freq((int)v), false, &env, err))) {
      st = connect_ports(g, env, "out", mix[v / 8U], input, err);
    }
  }
  return st;
}

/** One voice with the node kernels wired by hand: no graph, no scheduler,
    no parameter machinery, the buffers in one place. */
typedef struct {
  /* Every buffer together, as the engine's pool has them: osc, filter,
     env (env, out), pitch, gate. */
  _Alignas(AETHER_ALIGN) float bufs[6][BLOCK];
  Kernel osc;
  Kernel filter;
  Kernel env;
} HandVoice;

static void
hand_voice_free(HandVoice* const v)
{
  kernel_free(&v->osc);
  kernel_free(&v->filter);
  kernel_free(&v->env);
}

static AetherStatus
hand_voice_init(HandVoice* const v, const float freq)
{
  memset(v, 0, sizeof(*v));
  float* const pitch = v->bufs[4];
  float* const gate  = v->bufs[5];
  if (kernel_init(&v->osc, aether_registry_find("Oscillator"), v->bufs[0]) ||
      kernel_init(&v->filter, aether_registry_find("Filter"), v->bufs[1]) ||
      kernel_init(&v->env, aether_registry_find("Adsr"), v->bufs[2])) {
    hand_voice_free(v);
    return AETHER_ERR_NO_MEMORY;
  }
  fill_value(pitch, BLOCK, (float)VOICE_NOTE - 69.0f);
  fill_value(gate, BLOCK, 1.0f);
  kernel_set(&v->osc, "wave", 1.0f);
  kernel_set(&v->osc, "freq", freq);
  kernel_set(&v->osc, "amp", VOICE_AMP);
  kernel_connect(&v->osc, "pitch", pitch);
  kernel_set(&v->filter, "cutoff", VOICE_CUTOFF);
  kernel_set(&v->filter, "q", VOICE_Q);
  kernel_connect(&v->filter, "in", kernel_out(&v->osc, "out"));
  kernel_set(&v->env, "attack", 0.01f);
  kernel_set(&v->env, "decay", 0.3f);
  kernel_set(&v->env, "sustain", 0.7f);
  kernel_set(&v->env, "release", 0.3f);
  kernel_connect(&v->env, "gate", gate);
  kernel_connect(&v->env, "in", kernel_out(&v->filter, "out"));
  return AETHER_SUCCESS;
}

static inline const float*
hand_voice_run(const HandVoice* const v)
{
  kernel_run(&v->osc, BLOCK);
  kernel_run(&v->filter, BLOCK);
  kernel_run(&v->env, BLOCK);
  return kernel_out(&v->env, "out");
}

/** One voice as a single hand-written loop: a PolyBLEP saw, Simper's SVF
    lowpass, a linear ADSR and the VCA, state in locals, the pitch computed
    once per block. Cheaper algorithms than the nodes' (the oscillator's
    table BLEP rejects aliasing far better): for scale, not the target. */
typedef struct {
  double phase;
  double inc;
  float  ic1;
  float  ic2;
  float  a1;
  float  a2;
  float  a3;
  float  level;
  int    stage; /* 0 idle, 1 attack, 2 decay, 3 sustain, 4 release */
} FusedVoice;

static void
fused_voice_init(FusedVoice* const v, const float freq)
{
  memset(v, 0, sizeof(*v));
  const double hz = freq * pow(2.0, ((double)VOICE_NOTE - 69.0) / 12.0);
  const float  g  = tanf((float)(3.14159265358979323846 * VOICE_CUTOFF / RATE));
  const float  k  = 1.0f / VOICE_Q;
  v->inc          = hz / RATE;
  v->a1           = 1.0f / (1.0f + g * (g + k));
  v->a2           = g * v->a1;
  v->a3           = g * v->a2;
  v->stage        = 1;
}

static inline float
poly_blep(const double t, const double dt)
{
  if (t < dt) {
    const double x = t / dt;
    return (float)(x + x - x * x - 1.0);
  }
  if (t > 1.0 - dt) {
    const double x = (t - 1.0) / dt;
    return (float)(x * x + x + x + 1.0);
  }
  return 0.0f;
}

static void
fused_voice_run(FusedVoice* const v, float* const restrict out, const bool add)
{
  const float attack  = (float)(1.0 / (0.01 * RATE));
  const float decay   = (float)(0.3 / (0.3 * RATE));
  const float sustain = 0.7f;
  double      phase   = v->phase;
  float       ic1     = v->ic1;
  float       ic2     = v->ic2;
  float       level   = v->level;
  for (uint32_t i = 0; i < BLOCK; ++i) {
    const float saw = (float)(2.0 * phase - 1.0) - poly_blep(phase, v->inc);
    phase += v->inc;
    phase -= phase >= 1.0 ? 1.0 : 0.0;

    const float v3 = VOICE_AMP * saw - ic2;
    const float v1 = v->a1 * ic1 + v->a2 * v3;
    const float v2 = ic2 + v->a2 * ic1 + v->a3 * v3;
    ic1            = 2.0f * v1 - ic1;
    ic2            = 2.0f * v2 - ic2;

    switch (v->stage) {
      case 1:
        level += attack;
        if (level >= 1.0f) {
          level    = 1.0f;
          v->stage = 2;
        }
        break;
      case 2:
        level -= decay;
        if (level <= sustain) {
          level    = sustain;
          v->stage = 3;
        }
        break;
      case 3:
        level = sustain;
        break;
      default:
        level = 0.0f;
        break;
    }
    out[i] = add ? out[i] + v2 * level : v2 * level;
  }
  v->phase = phase;
  v->ic1   = ic1;
  v->ic2   = ic2;
  v->level = level;
}

typedef struct {
  _Alignas(AETHER_ALIGN) float out[2][BLOCK];
  HandVoice  hand[N_VOICES];
  FusedVoice fused[N_VOICES];
  uint32_t   n; /**< voices */
} Voices;

static void
run_hand_voices(void* const ctx, const uint32_t iters)
{
  Voices* const c = (Voices*)ctx;
  for (uint32_t it = 0; it < iters; ++it) {
    if (c->n == 1U) { /* mono: both channels, as AudioOut does */
      const float* const y = hand_voice_run(&c->hand[0]);
      memcpy(c->out[0], y, sizeof(c->out[0]));
      memcpy(c->out[1], y, sizeof(c->out[1]));
      continue;
    }
    const uint32_t per = c->n / 2U; /* voices a channel */
    memset(c->out, 0, sizeof(c->out));
    for (uint32_t v = 0; v < c->n; ++v) {
      const float* const restrict y = hand_voice_run(&c->hand[v]);
      float* const restrict o       = c->out[v / per];
      for (uint32_t i = 0; i < BLOCK; ++i) {
        o[i] += y[i];
      }
    }
  }
  sink = c->out[0][0];
}

static void
run_fused_voices(void* const ctx, const uint32_t iters)
{
  Voices* const  c   = (Voices*)ctx;
  const uint32_t per = c->n > 1U ? c->n / 2U : 1U; /* voices a channel */
  for (uint32_t it = 0; it < iters; ++it) {
    for (uint32_t v = 0; v < c->n; ++v) {
      fused_voice_run(&c->fused[v], c->out[v / per], v % per != 0U);
    }
    if (c->n == 1U) {
      memcpy(c->out[1], c->out[0], sizeof(c->out[1]));
    }
    barrier();
  }
  sink = c->out[0][0];
}

static void
voices_free(Voices* const c)
{
  if (c) {
    for (uint32_t v = 0; v < c->n; ++v) {
      hand_voice_free(&c->hand[v]);
    }
    free(c);
  }
}

static Voices*
voices_new(const uint32_t n, const bool down)
{
  Voices* const c = (Voices*)alloc_aligned(sizeof(Voices));
  if (!c) {
    return NULL;
  }
  for (uint32_t v = 0; v < n; ++v) {
    /* The pitches the engine plays: the copies' oscillators tuned up in
       semitones, or the polyphonic voice playing notes going down. */
    const float freq = voice_freq(n == 1U ? 0 : down ? -(int)v : (int)v);
    if (hand_voice_init(&c->hand[v], freq)) {
      voices_free(c);
      return NULL;
    }
    c->n = v + 1U;
    fused_voice_init(&c->fused[v], freq);
  }
  for (uint32_t b = 0; b < WARM_BLOCKS; ++b) { /* to the sustain */
    run_hand_voices(c, 1U);
    run_fused_voices(c, 1U);
  }
  return c;
}

static EngineRun*
synth_engine(const int mode, const uint32_t notes, AetherError* const err)
{
  EngineRun* const r = engine_run_new();
  if (!r) {
    aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  if (build_synth(r->graph, mode, err) || engine_run_start(r, err)) {
    engine_run_free(r);
    return NULL;
  }
  engine_notes(r, notes);
  engine_warm(r, WARM_BLOCKS);
  return r;
}

static double
engine_rms(EngineRun* const r)
{
  double sum = 0.0;
  for (uint32_t b = 0; b < 32U; ++b) {
    engine_block(r);
    sum += rms_of(r->out[0], BLOCK) + rms_of(r->out[1], BLOCK);
  }
  return sum / 32.0;
}

void
bench_voices(Bench* const b)
{
  const Options* const o = &b->opt;
  Table* const         t = bench_table(
    b, "voices", "2b. Synth voices: the engine against hand-written C");
  AetherError err;
  aether_error_clear(&err);

  struct {
    const char* label;
    int         mode;
    uint32_t    voices;
    uint32_t    notes;
  } const cases[] = {
    { "1 voice", 0, 1U, 1U },
    { "16 voices, explicit copies", 1, N_VOICES, 1U },
    { "16 voices, ae:voices 16", 2, N_VOICES, N_VOICES },
  };

  double single_rms  = 0.0;
  double voice_ratio = NAN;
  for (uint32_t c = 0; c < sizeof(cases) / sizeof(cases[0]); ++c) {
    say(o, "voices: %s", cases[c].label);
    EngineRun* const r = synth_engine(cases[c].mode, cases[c].notes, &err);
    Voices* const    v = voices_new(cases[c].voices, cases[c].mode == 2);
    if (!r || !v) {
      fprintf(stderr, "bench: %s: %s\n", cases[c].label, err.message);
      b->failed = true;
      engine_run_free(r);
      voices_free(v);
      return;
    }
    const double rms = engine_rms(r);
    if (c == 0U) {
      single_rms = rms;
    }

    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer        th     = { run_hand_voices, v, 0U, { 0.0 } };
    Timer        tf     = { run_fused_voices, v, 0U, { 0.0 } };
    Timer* const all[3] = { &te, &th, &tf };
    measure(o, all, 3U);

    const Stat e     = stat_of(te.ns, o->reps);
    const Stat ratio = stat_ratio(te.ns, th.ns, o->reps);
    Row* const row   = table_row(t);
    row_text(row, "patch", "%s", cases[c].label);
    row_stat(row, "engine_ns", e, 0);
    row_stat(row, "hand_kernels_ns", stat_of(th.ns, o->reps), 0);
    row_stat(row, "hand_fused_ns", stat_of(tf.ns, o->reps), 0);
    row_stat(row, "ratio_to_hand_kernels", ratio, 3);
    row_stat(row, "ratio_to_hand_fused", stat_ratio(te.ns, tf.ns, o->reps), 2);
    row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
    if (c == 0U) {
      voice_ratio = ratio.median;
    }
    if (cases[c].mode == 2) {
      /* 16 notes on 16 voices sound about 4 times (sqrt 16) as loud as one;
         if the engine runs one voice, as loud as one. */
      const bool honoured = rms > 2.0 * single_rms;
      row_text(row, "voices_running", "%s", honoured ? "16" : "1 (not yet)");
      table_note(t,
                 "ae:voices 16: output level %.2f times one voice's: %s. ",
                 rms / (single_rms > 0.0 ? single_rms : 1.0),
                 honoured ? "all 16 voices run"
                          : "the compiler does not run the voices yet, "
                            "so this row costs one voice");
    } else {
      row_text(row, "voices_running", "%u", cases[c].voices);
    }
    engine_run_free(r);
    voices_free(v);
  }

  bench_target(b,
               "voice patch against the hand-written C voice (same kernels)",
               "x",
               1.10,
               voice_ratio);
  table_note(
    t,
    "The voice: MidiNote -> Oscillator (saw, pitch from the note) -> Filter "
    "(lowpass 1200 Hz, q 2) -> Adsr (VCA) -> AudioOut, a note held at its "
    "sustain. hand_kernels: the same node kernels called in order by hand "
    "on fixed buffers, the voice written to both channels as AudioOut does "
    "(no graph, scheduler, parameter ramps or MIDI node): the target's "
    "baseline. hand_fused: the voice as one "
    "hand-written loop with cheaper algorithms (PolyBLEP saw, no per-sample "
    "pitch): what the DSP could cost, for scale. The 16 explicit copies "
    "share the MidiNote and sum through two Mixers.");
}

Table*
bench_patches(Bench* const b, const PatchSet* const ps)
{
  const Options* const o = &b->opt;
  Table* const t = bench_table(b, "patches", "2a. Realistic patches at 48 kHz");

  if (!ps->n_patches) {
    table_note(t,
               "No presets found: set LV2_PATH to the build's bundle "
               "directory or pass --bundle. ");
  }

  /* Baseline: the engine's fixed cost (an empty patch). */
  EngineRun* const empty = patch_engine("", "empty", NULL);
  if (!empty) {
    b->failed = true;
    return t;
  }

  for (uint32_t p = 0; p < ps->n_patches; ++p) {
    say(o, "patches: %s", ps->patches[p].label);
    AetherError err;
    aether_error_clear(&err);
    EngineRun* const r =
      patch_engine(ps->patches[p].text, ps->patches[p].label, &err);
    if (!r) {
      Row* const row = table_row(t);
      row_text(row, "patch", "%s", ps->patches[p].label);
      table_note(t, "%s: %s. ", ps->patches[p].label, err.message);
      continue;
    }
    Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
    Timer        t0     = { run_engine_block, empty, 0U, { 0.0 } };
    Timer* const all[2] = { &te, &t0 };
    measure(o, all, 2U);
    const Stat e   = stat_of(te.ns, o->reps);
    Row* const row = table_row(t);
    row_text(row, "patch", "%s", ps->patches[p].label);
    row_num(row, "nodes", (double)aether_graph_n_nodes(r->graph), 0);
    row_stat(row, "engine_ns", e, 0);
    row_stat(row, "empty_engine_ns", stat_of(t0.ns, o->reps), 0);
    row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
    engine_run_free(r);
  }
  engine_run_free(empty);
  table_note(t,
             "Every preset of the bundle (and the example patches with "
             "--patches), stereo noise in, a note held at its sustain, the "
             "macros at 0 (the patches alone, no host). "
             "The default synth is also measured at its largest, as a host "
             "plays it (section 2c): 32 voices (ae:voices 32), 32 notes "
             "held, every macro at the plugin's port default 0.5. "
             "empty_engine_ns: an empty patch, measured interleaved: the "
             "engine's fixed cost per block.");
  return t;
}
