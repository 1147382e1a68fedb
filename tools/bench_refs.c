/* bench_refs.c: section 2c of `aether bench`: Aether against outside
   references, programs no one here wrote doing the same work (issue 15):
   the default synth's 32 voices against 32 Faust voices of the same DSP,
   and the Reverb node against Faust's Freeverb set up the same way
   (tools/faust/, bench_faust.h). Each pair is timed interleaved, one sample
   of each in turn, so drift and neighbours hit both alike; the ratios are
   computed per repetition. The synth's row of table 2a comes from here
   too. */

#include "bench_core.h"
#include "bench_engine.h"
#include "bench_faust.h"
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

#define SYNTH_VOICES 32U     /* the default synth at its largest */
#define IR_SECONDS 5U        /* impulse responses: to below -100 dB */
#define LEVEL_BLOCKS 64U     /* blocks the synths' level is taken over */
#define DECAY_FROM_DB (-5.0) /* T30: the decay from -5 to -35 dB, doubled */
#define DECAY_TO_DB (-35.0)
/* Aliasing: a saw at a whole number of Hz over one second, so every
   harmonic and every alias falls on a DFT bin of its own (4186 and 48000
   share no factor but 2: no alias lands on a harmonic). */
#define ALIAS_HZ 4186.0  /* C8 */
#define ALIAS_N 48000U   /* one second */
#define ALIAS_SKIP 1024U /* the start and the Oscillator's latency */

/** 32 Faust voices timed one block per iteration. */
typedef struct {
  _Alignas(AETHER_ALIGN) float out[2][BLOCK];
  FaustSynth* synth;
} FaustSynthRun;

static void
run_faust_synth(void* const ctx, const uint32_t iters)
{
  FaustSynthRun* const c      = (FaustSynthRun*)ctx;
  float* const         out[2] = { c->out[0], c->out[1] };
  for (uint32_t i = 0; i < iters; ++i) {
    faust_synth_run(c->synth, out, BLOCK);
    barrier();
  }
  sink = c->out[0][BLOCK - 1U];
}

/** A stereo reverb, Faust's or the Reverb node's kernel, timed one block of
    noise per iteration. */
typedef struct {
  _Alignas(AETHER_ALIGN) float bufs[4][BLOCK]; /* in (l, r), out (l, r) */
  FaustReverb* faust;
  Kernel       kernel;
} ReverbRun;

static void
run_faust_reverb(void* const ctx, const uint32_t iters)
{
  ReverbRun* const   c      = (ReverbRun*)ctx;
  const float* const in[2]  = { c->bufs[0], c->bufs[1] };
  float* const       out[2] = { c->bufs[2], c->bufs[3] };
  for (uint32_t i = 0; i < iters; ++i) {
    faust_reverb_run(c->faust, in, out, BLOCK);
    barrier();
  }
  sink = c->bufs[2][BLOCK - 1U];
}

static void
run_reverb_kernel(void* const ctx, const uint32_t iters)
{
  ReverbRun* const c = (ReverbRun*)ctx;
  for (uint32_t i = 0; i < iters; ++i) {
    kernel_run(&c->kernel, BLOCK);
  }
  sink = c->kernel.ports.out[0][BLOCK - 1U];
}

/* A statistic, or null (in JSON) when it was not measured. */
static void
row_stat_or_null(Row* const        row,
                 const char* const key,
                 const Stat        s,
                 const int         prec)
{
  if (isnan(s.median)) {
    row_num(row, key, NAN, prec);
  } else {
    row_stat(row, key, s, prec);
  }
}

/* Level in dB (power), -inf for silence. */
static double
db_of(const double power)
{
  return 10.0 * log10(power);
}

/* The average power of both channels of the synth's next LEVEL_BLOCKS
   blocks, in dBFS (a full-scale sine is -3). */
static double
engine_level_db(EngineRun* const r)
{
  double sum = 0.0;
  for (uint32_t k = 0; k < LEVEL_BLOCKS; ++k) {
    engine_block(r);
    const double a = rms_of(r->out[0], BLOCK);
    const double c = rms_of(r->out[1], BLOCK);
    sum += 0.5 * (a * a + c * c);
  }
  return db_of(sum / LEVEL_BLOCKS);
}

static double
faust_level_db(FaustSynthRun* const f)
{
  float* const out[2] = { f->out[0], f->out[1] };
  double       sum    = 0.0;
  for (uint32_t k = 0; k < LEVEL_BLOCKS; ++k) {
    faust_synth_run(f->synth, out, BLOCK);
    const double a = rms_of(f->out[0], BLOCK);
    const double c = rms_of(f->out[1], BLOCK);
    sum += 0.5 * (a * a + c * c);
  }
  return db_of(sum / LEVEL_BLOCKS);
}

/* ------------------------------------------------------------------------
   The synth: 32 voices of the default patch, 32 notes held
   ------------------------------------------------------------------------ */

static void
bench_synth_refs(Bench* const     b,
                 Table* const     refs,
                 Table* const     patches,
                 EngineRun* const empty)
{
  const Options* const o = &b->opt;
  say(o, "references: synth-default, 32 voices, and 32 Faust voices");
  AetherError err;
  aether_error_clear(&err);
  EngineRun* const r = default_synth_engine(SYNTH_VOICES, SYNTH_VOICES, &err);
  FaustSynthRun* const f = (FaustSynthRun*)alloc_aligned(sizeof(FaustSynthRun));
  if (!r || !f) {
    table_note(patches, "synth-default, 32 voices: %s. ", err.message);
    b->failed = true;
    engine_run_free(r);
    free(f);
    return;
  }
  f->synth = faust_synth_new(SYNTH_VOICES, RATE);
  if (f->synth) {
    float* const out[2] = { f->out[0], f->out[1] };
    for (uint32_t k = 0; k < WARM_BLOCKS; ++k) { /* to the sustain */
      faust_synth_run(f->synth, out, BLOCK);
    }
  }

  Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
  Timer        t0     = { run_engine_block, empty, 0U, { 0.0 } };
  Timer        tf     = { run_faust_synth, f, 0U, { 0.0 } };
  Timer* const all[3] = { &te, &tf, &t0 };
  measure(o, all, f->synth ? 3U : 2U);

  /* 2a: the synth among the presets, as before (now at the macros' port
     defaults). */
  const Stat e   = stat_of(te.ns, o->reps);
  Row* const row = table_row(patches);
  row_text(row, "patch", "synth-default, 32 voices, 32 notes");
  row_num(row, "nodes", (double)aether_graph_n_nodes(r->graph), 0);
  row_stat(row, "engine_ns", e, 0);
  row_stat(row, "empty_engine_ns", stat_of(t0.ns, o->reps), 0);
  row_num(row, "deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
  bench_target(b,
               "default synth, 32 voices held, share of the deadline",
               "%",
               25.0,
               100.0 * e.median / DEADLINE_NS);

  /* 2c: against Faust. */
  const Stat none  = { NAN, NAN, NAN, NAN, NAN };
  const Stat fs    = f->synth ? stat_of(tf.ns, o->reps) : none;
  const Stat ratio = f->synth ? stat_ratio(te.ns, tf.ns, o->reps) : none;
  Row* const ref   = table_row(refs);
  row_text(ref, "reference", "synth32: default synth, 32 voices held");
  row_stat(ref, "aether_ns", e, 0);
  row_stat_or_null(ref, "faust_ns", fs, 0);
  row_stat_or_null(ref, "ratio", ratio, 3);
  row_num(ref, "aether_deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
  row_num(ref, "faust_deadline_pct", 100.0 * fs.median / DEADLINE_NS, 2);
  row_num(ref, "aether_level_db", engine_level_db(r), 1);
  row_num(ref, "faust_level_db", f->synth ? faust_level_db(f) : NAN, 1);
  bench_target_key(b,
                   "synth32_vs_faust",
                   "default synth, 32 voices held, against 32 Faust voices",
                   "x",
                   0.35,
                   ratio.median);

  engine_run_free(r);
  faust_synth_free(f->synth);
  free(f);
}

/* ------------------------------------------------------------------------
   The saw's aliasing: the Oscillator's table BLEP, Faust's PolyBLEP
   ------------------------------------------------------------------------ */

/* The energy of everything but DC and the harmonics of ALIAS_HZ below
   Nyquist, against the harmonics', in dB: Parseval's total minus the exact
   bins of DC and the harmonics. */
static double
alias_db(const float* const x, const uint32_t n)
{
  double total = 0.0;
  double sum   = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    total += (double)x[i] * x[i];
    sum += x[i];
  }
  double harmonics = 0.0;
  for (uint32_t k = 1U; k * ALIAS_HZ < 0.5 * RATE; ++k) {
    const double w  = 2.0 * 3.14159265358979323846 * k * ALIAS_HZ / RATE;
    double       re = 0.0;
    double       im = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      re += x[i] * cos(w * i);
      im -= x[i] * sin(w * i);
    }
    harmonics += 2.0 * (re * re + im * im) / n;
  }
  return db_of((total - sum * sum / n - harmonics) / harmonics);
}

static void
bench_saw_alias(Bench* const b, Table* const refs)
{
  const uint32_t n   = ALIAS_SKIP + ALIAS_N;
  float* const   x   = (float*)calloc(n, sizeof(float));
  Kernel         osc = { 0 };
  if (!x || kernel_init(&osc, aether_registry_find("Oscillator"), NULL) != 0) {
    free(x);
    b->failed = true;
    return;
  }
  say(&b->opt, "references: saw aliasing");
  kernel_set(&osc, "wave", 1.0f);
  kernel_set(&osc, "freq", (float)ALIAS_HZ);
  kernel_set(&osc, "amp", 1.0f);
  const float* const y = kernel_out(&osc, "out");
  for (uint32_t pos = 0; pos < n; pos += BLOCK) {
    kernel_run(&osc, BLOCK);
    memcpy(x + pos, y, BLOCK * sizeof(float));
  }
  kernel_free(&osc);
  const double ours = alias_db(x + ALIAS_SKIP, ALIAS_N);

  const double theirs = faust_saw_render(x, n, RATE, (float)ALIAS_HZ)
                          ? alias_db(x + ALIAS_SKIP, ALIAS_N)
                          : NAN;
  for (uint32_t i = 0; i < n; ++i) { /* the naive saw, for scale */
    const double p = fmod((double)i * ALIAS_HZ / RATE, 1.0);
    x[i]           = (float)(2.0 * p - 1.0);
  }
  const double naive = alias_db(x + ALIAS_SKIP, ALIAS_N);
  free(x);

  Row* const row = table_row(refs);
  row_text(row, "reference", "saw at 4186 Hz: alias / harmonics");
  row_num(row, "aether_alias_db", ours, 1);
  row_num(row, "faust_alias_db", theirs, 1);
  row_num(row, "naive_alias_db", naive, 1);
}

/* ------------------------------------------------------------------------
   The reverb: the Reverb node at its defaults, and Faust's Freeverb
   ------------------------------------------------------------------------ */

/* in -> Reverb (both channels) -> out, every parameter at its default. */
static AetherStatus
build_reverb(AetherGraph* const g, AetherError* const err)
{
  AetherHandle in;
  AetherHandle out;
  AetherHandle rev;
  AetherStatus st = AETHER_SUCCESS;
  if ((st = add_node(g, "AudioIn", "in", &in, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err)) ||
      (st = add_node(g, "Reverb", "reverb", &rev, err)) ||
      (st = connect_ports(g, in, "left", rev, "left", err)) ||
      (st = connect_ports(g, in, "right", rev, "right", err)) ||
      (st = connect_ports(g, rev, "left", out, "left", err))) {
    return st;
  }
  return connect_ports(g, rev, "right", out, "right", err);
}

/** What an impulse response says: the energy of the reverberation (both
    channels, the direct sound left out) and its decay time. */
typedef struct {
  double level_db; /**< 10 log10 of the tail's energy per unit impulse */
  double rt60_s;   /**< T30: from -5 to -35 dB on the decay curve, doubled */
} Decay;

/* Schroeder's backward integration of the energy `e` (both channels, per
   frame, the direct sound at frame 0 left out). */
static Decay
decay_of(double* const e, const uint32_t n)
{
  Decay d = { NAN, NAN };
  for (uint32_t i = n - 1U; i > 1U; --i) { /* e[i]: energy from i on */
    e[i - 1U] += e[i];
  }
  if (n < 2U || !(e[1] > 0.0)) {
    return d;
  }
  d.level_db    = db_of(e[1]);
  double t_from = NAN;
  double t_to   = NAN;
  for (uint32_t i = 1U; i < n && isnan(t_to); ++i) {
    const double level = db_of(e[i] / e[1]);
    if (isnan(t_from) && level <= DECAY_FROM_DB) {
      t_from = (double)i / RATE;
    }
    if (level <= DECAY_TO_DB) {
      t_to = (double)i / RATE;
    }
  }
  d.rt60_s = 2.0 * (t_to - t_from);
  return d;
}

/* The Reverb node's impulse response through an engine (fresh, silent
   input until the impulse). */
static Decay
engine_reverb_decay(AetherError* const err)
{
  const Decay    none = { NAN, NAN };
  const uint32_t n    = IR_SECONDS * (uint32_t)RATE;
  EngineRun*     r    = engine_run_new();
  double* const  e    = (double*)calloc(n, sizeof(double));
  if (!r || !e) {
    engine_run_free(r);
    free(e);
    return none;
  }
  memset(r->in, 0, sizeof(r->in));
  if (build_reverb(r->graph, err) || engine_run_start(r, err)) {
    engine_run_free(r);
    free(e);
    return none;
  }
  engine_warm(r, 4U); /* past the fade-in of the first schedule */
  r->in[0][0] = 1.0f;
  r->in[1][0] = 1.0f;
  for (uint32_t pos = 0; pos < n; pos += BLOCK) {
    engine_block(r);
    r->in[0][0] = 0.0f;
    r->in[1][0] = 0.0f;
    for (uint32_t i = 0; i < BLOCK && pos + i < n; ++i) {
      const double x = r->out[0][i];
      const double y = r->out[1][i];
      e[pos + i]     = pos + i ? x * x + y * y : 0.0;
    }
  }
  const Decay d = decay_of(e, n);
  engine_run_free(r);
  free(e);
  return d;
}

static Decay
faust_reverb_decay(void)
{
  const Decay        none = { NAN, NAN };
  const uint32_t     n    = IR_SECONDS * (uint32_t)RATE;
  FaustReverb* const fr   = faust_reverb_new(RATE);
  ReverbRun* const   c    = (ReverbRun*)alloc_aligned(sizeof(ReverbRun));
  double* const      e    = (double*)calloc(n, sizeof(double));
  if (!fr || !c || !e) {
    faust_reverb_free(fr);
    free(c);
    free(e);
    return none;
  }
  const float* const in[2]  = { c->bufs[0], c->bufs[1] };
  float* const       out[2] = { c->bufs[2], c->bufs[3] };
  c->bufs[0][0]             = 1.0f;
  c->bufs[1][0]             = 1.0f;
  for (uint32_t pos = 0; pos < n; pos += BLOCK) {
    faust_reverb_run(fr, in, out, BLOCK);
    c->bufs[0][0] = 0.0f;
    c->bufs[1][0] = 0.0f;
    for (uint32_t i = 0; i < BLOCK && pos + i < n; ++i) {
      const double x = out[0][i];
      const double y = out[1][i];
      e[pos + i]     = pos + i ? x * x + y * y : 0.0;
    }
  }
  const Decay d = decay_of(e, n);
  faust_reverb_free(fr);
  free(c);
  free(e);
  return d;
}

static void
bench_reverb_refs(Bench* const b, Table* const refs)
{
  const Options* const o = &b->opt;
  say(o, "references: Reverb and Faust's Freeverb");
  AetherError err;
  aether_error_clear(&err);
  EngineRun* const r = engine_run_new();
  ReverbRun* const c = (ReverbRun*)alloc_aligned(sizeof(ReverbRun));
  if (!r || !c || build_reverb(r->graph, &err) || engine_run_start(r, &err) ||
      kernel_init(&c->kernel, aether_registry_find("Reverb"), c->bufs[2])) {
    table_note(refs, "Reverb: %s. ", err.message);
    b->failed = true;
    engine_run_free(r);
    free(c);
    return;
  }
  /* The same stereo noise into all three. */
  memcpy(c->bufs[0], r->in[0], sizeof(c->bufs[0]));
  memcpy(c->bufs[1], r->in[1], sizeof(c->bufs[1]));
  kernel_connect(&c->kernel, "left", c->bufs[0]);
  kernel_connect(&c->kernel, "right", c->bufs[1]);
  c->faust = faust_reverb_new(RATE);
  engine_warm(r, WARM_BLOCKS);
  for (uint32_t k = 0; k < WARM_BLOCKS; ++k) {
    run_reverb_kernel(c, 1U);
    if (c->faust) {
      run_faust_reverb(c, 1U);
    }
  }

  Timer        te     = { run_engine_block, r, 0U, { 0.0 } };
  Timer        tk     = { run_reverb_kernel, c, 0U, { 0.0 } };
  Timer        tf     = { run_faust_reverb, c, 0U, { 0.0 } };
  Timer* const all[3] = { &te, &tk, &tf };
  measure(o, all, c->faust ? 3U : 2U);

  const Stat  none   = { NAN, NAN, NAN, NAN, NAN };
  const Stat  e      = stat_of(te.ns, o->reps);
  const Stat  fs     = c->faust ? stat_of(tf.ns, o->reps) : none;
  const Stat  ratio  = c->faust ? stat_ratio(te.ns, tf.ns, o->reps) : none;
  const Decay ours   = engine_reverb_decay(&err);
  const Decay theirs = c->faust ? faust_reverb_decay() : (Decay){ NAN, NAN };
  Row* const  ref    = table_row(refs);
  row_text(ref, "reference", "reverb: Reverb node, stereo, defaults");
  row_stat(ref, "aether_ns", e, 0);
  row_stat_or_null(ref, "faust_ns", fs, 0);
  row_stat_or_null(ref, "ratio", ratio, 3);
  row_num(ref, "aether_deadline_pct", 100.0 * e.median / DEADLINE_NS, 2);
  row_num(ref, "faust_deadline_pct", 100.0 * fs.median / DEADLINE_NS, 2);
  row_num(ref, "aether_level_db", ours.level_db, 1);
  row_num(ref, "faust_level_db", theirs.level_db, 1);
  row_stat(ref, "aether_kernel_ns", stat_of(tk.ns, o->reps), 0);
  row_stat_or_null(ref,
                   "kernel_ratio",
                   c->faust ? stat_ratio(tk.ns, tf.ns, o->reps) : none,
                   3);
  row_num(ref, "aether_rt60_s", ours.rt60_s, 2);
  row_num(ref, "faust_rt60_s", theirs.rt60_s, 2);
  bench_target_key(b,
                   "reverb_vs_faust",
                   "Reverb node through the engine, against Faust's Freeverb",
                   "x",
                   1.0,
                   ratio.median);

  kernel_free(&c->kernel);
  faust_reverb_free(c->faust);
  free(c);
  engine_run_free(r);
}

void
bench_references(Bench* const b, Table* const patches)
{
  Table* const t =
    bench_table(b, "references", "2c. Against outside references (Faust)");
  /* The engine's fixed cost, timed with the synth as in table 2a. */
  EngineRun* const empty = patch_engine("", "empty", NULL);
  if (!empty) {
    b->failed = true;
    return;
  }
  bench_synth_refs(b, t, patches, empty);
  engine_run_free(empty);
  bench_reverb_refs(b, t);
  bench_saw_alias(b, t);
  if (!faust_available()) {
    table_note(t,
               "faust not installed: outside references skipped (install "
               "the Debian package faust and reconfigure; the faust_* "
               "values are null). ");
  } else {
    table_note(t,
               "Faust %s, C generated with `faust %s` from tools/faust/*.dsp "
               "and compiled with the bench's own flags. ",
               faust_version(),
               faust_flags());
  }
  table_note(
    t,
    "synth32: the plugin's default synth (ttl/defaults/synth.ttl) with "
    "ae:voices 32, every macro at the plugin's port default 0.5, 32 notes "
    "held at their sustain, one 64-frame block through the engine; against "
    "32 instances of tools/faust/synth_voice.dsp (the same voice: PolyBLEP "
    "saw and square, Simper SVF lowpass swept by a linear ADSR, a linear "
    "ADSR on a VCA, the same settings) each computing the block and summed "
    "into the output. reverb: in -> Reverb -> out through the engine, "
    "stereo noise in, every parameter at its default; against Faust's "
    "re.stereo_freeverb set the same way (tools/faust/freeverb.dsp) on the "
    "same noise; aether_kernel_ns: the node's kernel alone. ratio: Aether / "
    "Faust per repetition, the two timed interleaved. level_db: the synths' "
    "output power in dBFS; the reverbs' tail energy per unit impulse on "
    "both inputs (the direct sound left out). rt60_s: T30 of the impulse "
    "response (-5 to -35 dB on Schroeder's decay curve, doubled). "
    "alias_db: a saw of amplitude 1 at 4186 Hz for one second (after "
    "1024 samples), the energy of its aliases against its harmonics' (DFT "
    "bins, exact: a whole number of Hz over one second): the Oscillator "
    "node's table BLEP, Faust's os.polyblep_saw (the synth voice's), and a "
    "naive saw for scale.");
}
