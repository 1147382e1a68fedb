/* Aether: the voices of a per-voice node run together.

   The compiler gives each voice of a per-voice node its own step, one
   after the other: each ticks the voice's parameters, may have an input
   ramped across a declick, and calls `process`. For a type with a batch
   kernel (process_voices), those steps stay where they are (parameters,
   ramps and the schedule's bookkeeping are untouched) but each voice's
   step but the last only returns, and the last voice's step runs every
   voice in one call. Nothing else runs between those steps, and a voice
   reads its inputs before any later voice writes (the kernel's contract),
   so the output is that of the steps one by one.

   A step called with arguments that are not its own is a voice whose
   inputs are ramped across a declick, into the engine's ramp buffers,
   which the next step reuses: the group keeps a copy of them for the
   call, so edits do not slow the voices down. */

#include "vgroup.h"

#include "schedule.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int simd_forced; /* 0: none, else an AetherSimd */
static atomic_int simd_best;   /* 0: not known yet */

/* What the CPU runs: AVX2 (which the kernels need with the OS saving the
   256-bit registers: __builtin_cpu_supports checks both), else SSE2. */
static AetherSimd
detect(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    return AETHER_SIMD_AVX2;
  }
#  if defined(__i386__)
  if (!__builtin_cpu_supports("sse2")) {
    return AETHER_SIMD_SCALAR;
  }
#  endif
#endif
  return AETHER_SIMD_SSE2;
}

AetherSimd
aether_simd_best(void)
{
  int best = atomic_load(&simd_best);
  if (!best) {
    best = (int)detect(); /* the same answer on any thread */
    atomic_store(&simd_best, best);
  }
  return (AetherSimd)best;
}

static AetherSimd
lower(const AetherSimd level)
{
  const AetherSimd best = aether_simd_best();
  return level < best ? level : best;
}

AetherSimd
aether_simd_level(void)
{
  const int forced = atomic_load(&simd_forced);
  if (forced) {
    return lower((AetherSimd)forced);
  }
  const char* const env = getenv("AETHER_SIMD");
  if (env && !strcmp(env, "scalar")) {
    return AETHER_SIMD_SCALAR;
  }
  if (env && !strcmp(env, "sse2")) {
    return lower(AETHER_SIMD_SSE2);
  }
  return aether_simd_best();
}

void
aether_simd_force(const AetherSimd level)
{
  atomic_store(&simd_forced, (int)level);
}

/* Keep what voice `v` is given in this block: its own arguments, or, with
   inputs ramped, a copy of them (the engine's ramp buffers serve the next
   step). */
static void
keep(AetherVoiceGroup* const        g,
     const uint32_t                 v,
     const AetherProcessArgs* const args,
     const uint32_t                 n)
{
  const AetherProcessArgs* const own = g->args[v];
  if (args == own) {
    return;
  }
  AetherVoiceRamp* const r  = &g->ramps[v];
  const uint32_t         ni = g->type->n_inputs;
  r->args                   = *args;
  r->args.in                = r->in;
  for (uint32_t i = 0; i < ni; ++i) {
    r->in[i] = args->in[i];
    if (args->in[i] != own->in[i]) {
      float* const copy = g->buf + ((size_t)v * ni + i) * AETHER_BUFFER_SIZE;
      memcpy(copy, args->in[i], n * sizeof(float));
      r->in[i] = copy;
    }
  }
  g->run[v] = &r->args;
  g->ramped |= 1U << v;
}

/* The step of a voice but the last: nothing to run yet. */
static void
defer(void* const self, const AetherProcessArgs* const args, const uint32_t n)
{
  const AetherVoiceMember* const m = (const AetherVoiceMember*)self;
  keep(m->group, m->voice, args, n);
}

/* The last voice's step: every voice at once (this one's arguments, ramped
   or not, are valid during the call). */
static void
run(void* const self, const AetherProcessArgs* const args, const uint32_t n)
{
  const AetherVoiceMember* const m = (const AetherVoiceMember*)self;
  AetherVoiceGroup* const        g = m->group;
  g->run[m->voice]                 = args;
  g->type->process_voices(g->selves, g->run, g->n, n, g->simd);
  g->run[m->voice] = g->args[m->voice];
  for (uint32_t bits = g->ramped; bits; bits &= bits - 1U) {
    const uint32_t v = (uint32_t)__builtin_ctz(bits);
    g->run[v]        = g->args[v];
  }
  g->ramped = 0;
}

/* The number of steps from `k` that are the process steps of voices 1, 2,
   ... of one node of a type with a batch kernel (0 if `k` is not the
   first voice's). */
static uint32_t
voices_at(const AetherSchedule* const sch, const uint32_t k)
{
  const AetherInstance* const first = sch->step_inst[k];
  if (first == &sch->dummy || !first->type->process_voices ||
      (first->type->flags & AETHER_NODE_DELAY) ||
      sch->steps[k].args.voice != 1U) {
    return 0U;
  }
  uint32_t v = 0;
  while (k + v < sch->n_steps && v < AETHER_MAX_VOICES) {
    const AetherInstance* const inst = sch->step_inst[k + v];
    const AetherStep* const     step = &sch->steps[k + v];
    if (inst == &sch->dummy || inst->type != first->type ||
        inst->slot != first->slot || step->func != inst->type->process ||
        step->args.voice != v + 1U ||
        sch->step_first[k + v] != AETHER_STEP_FIRST) {
      break;
    }
    ++v;
  }
  return v == sch->voices ? v : 0U;
}

void
aether_vgroup_build(AetherSchedule* const sch, const AetherSimd level)
{
  if (level == AETHER_SIMD_SCALAR || sch->voices < 2U) {
    return;
  }
  uint32_t n_groups = 0;
  for (uint32_t k = 0; k < sch->n_steps; ++k) {
    const uint32_t v = voices_at(sch, k);
    n_groups += v != 0U;
    k += v ? v - 1U : 0U;
  }
  if (!n_groups) {
    return;
  }
  /* Room for ramped inputs: a copy of every input of every voice, written
     now so the audio thread never faults a page in. */
  size_t n_floats = 0;
  for (uint32_t k = 0; k < sch->n_steps; ++k) {
    const uint32_t v = voices_at(sch, k);
    if (v) {
      n_floats += (size_t)v * sch->step_inst[k]->type->n_inputs;
      k += v - 1U;
    }
  }
  n_floats *= AETHER_BUFFER_SIZE;
  AetherVoiceGroup* const groups =
    (AetherVoiceGroup*)calloc(n_groups, sizeof(AetherVoiceGroup));
  AetherVoiceMember* const members = (AetherVoiceMember*)calloc(
    (size_t)n_groups * sch->voices, sizeof(AetherVoiceMember));
  AetherVoiceRamp* const ramps = (AetherVoiceRamp*)calloc(
    (size_t)n_groups * sch->voices, sizeof(AetherVoiceRamp));
  float* const buf = (float*)malloc((n_floats + 1U) * sizeof(float));
  if (!groups || !members || !ramps || !buf) {
    free(groups);
    free(members);
    free(ramps);
    free(buf);
    return; /* one by one: slower, same output */
  }
  memset(buf, 0, (n_floats + 1U) * sizeof(float));

  uint32_t g    = 0;
  float*   room = buf;
  for (uint32_t k = 0; k < sch->n_steps; ++k) {
    const uint32_t n = voices_at(sch, k);
    if (!n) {
      continue;
    }
    AetherVoiceGroup* const group = &groups[g];
    group->type                   = sch->step_inst[k]->type;
    group->simd                   = level;
    group->n                      = n;
    group->ramps                  = &ramps[g * sch->voices];
    group->buf                    = room;
    room += (size_t)n * group->type->n_inputs * AETHER_BUFFER_SIZE;
    for (uint32_t v = 0; v < n; ++v) {
      AetherStep* const        step = &sch->steps[k + v];
      AetherVoiceMember* const m    = &members[g * sch->voices + v];
      group->selves[v]              = step->self;
      group->args[v]                = &step->args;
      group->run[v]                 = &step->args;
      *m                            = (AetherVoiceMember){ group, v };
      step->self                    = m;
      step->func                    = v + 1U < n ? defer : run;
    }
    ++g;
    k += n - 1U;
  }
  sch->vgroups      = groups;
  sch->vmembers     = members;
  sch->vramps       = ramps;
  sch->vramp_floats = buf;
  sch->n_vgroups    = n_groups;
}
