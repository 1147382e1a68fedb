/* Aether: the audio thread's side of the engine. Nothing here allocates,
   frees, locks, waits or prints: it drains a bounded number of commands,
   swaps schedules by pointer, and runs the flat array of steps. */

#include "engine_impl.h"
#include "fpmode.h"
#include "voices.h"

#include <math.h>
#include <string.h>

/* Declick: when an edit changes what feeds the output, the old schedule
   fades out linearly over AETHER_DECLICK_FRAMES, the new one is swapped in at
   silence and fades in over the same time. The gain moves by 1/64 per
   frame, so the fade adds at most |x|/64 to any step between two samples.
   Edits that leave the output's sub-graph alone swap at once: that output
   stays bit-identical.

   A node that stores its input (a delay line, a reverb tank) would keep the
   jump of a re-routed input and play it back after the fade. So the inputs
   an edit re-routes are ramped too, on the same 1/64 per frame, one gain
   moving at a time so the bound holds: the old schedule's re-routed inputs
   ramp down, then the output fades out, the swap, the output fades in, then
   the new schedule's re-routed inputs ramp up. */

static void
reset_nodes(const AetherSchedule* const sch)
{
  for (uint32_t i = 0; i < sch->n_nodes; ++i) {
    AetherInstance* const inst = sch->nodes[i];
    if (inst->type->reset) {
      inst->type->reset(inst->self);
    }
  }
}

static float
map_value(const AetherScheduleMap* const m, const float v)
{
  switch (m->curve) {
    case AETHER_CURVE_EXPONENTIAL:
      return m->min * powf(m->max / m->min, v);
    case AETHER_CURVE_SQUARE:
      return m->min + v * v * (m->max - m->min);
    case AETHER_CURVE_LINEAR:
      break;
  }
  return m->min + v * (m->max - m->min);
}

/* Apply the macro mappings of `macro` (or all when `macro` is out of range).
   Bounded by AETHER_MAX_MACRO_MAPS. A node that never ran takes its value at
   once, so a freshly loaded patch does not glide; so does every node before
   the first frame (after a reset too). */
static void
apply_macros(AetherEngine* const e, const uint32_t macro)
{
  const AetherSchedule* const sch = e->current;
  if (!sch) {
    return;
  }
  for (uint32_t i = 0; i < sch->n_maps; ++i) {
    const AetherScheduleMap* const m = &sch->maps[i];
    if (macro < AETHER_N_MACROS && m->macro != macro) {
      continue;
    }
    const float v = map_value(m, e->ctx.macros[m->macro]);
    for (uint32_t k = 0; k < m->insts.count; ++k) {
      AetherInstance* const inst = sch->nodes[m->insts.first + k];
      if (aether_instance_set_param(
            inst, m->param, v, inst->fresh || e->ctx.frame == 0U)) {
        e->params_idle = false;
      }
      inst->fresh = false;
    }
  }
}

/* Apply the MIDI controller mappings of controller `cc` on `channel` (0 ..
   15), or every mapping whose controller has moved when `cc` is 128. A
   mapping a controller sets is marked, for send_cc_notes(). */
static void
apply_cc(AetherEngine* const e, const uint32_t cc, const uint32_t channel)
{
  const AetherSchedule* const sch = e->current;
  if (!sch) {
    return;
  }
  for (uint32_t i = 0; i < sch->n_cc_maps; ++i) {
    const AetherScheduleMap* const m = &sch->cc_maps[i];
    if (cc < 128U &&
        (m->macro != cc || (m->channel && m->channel != channel + 1U))) {
      continue;
    }
    /* The latest value on the mapped channel, or on any channel. */
    const uint8_t value = cc < 128U    ? e->cc_value[channel][cc]
                          : m->channel ? e->cc_value[m->channel - 1U][m->macro]
                                       : e->cc_any[m->macro];
    if (value == 0xFFU) {
      continue;
    }
    const float v = map_value(m, (float)value / 127.0f);
    for (uint32_t k = 0; k < m->insts.count; ++k) {
      if (aether_instance_set_param(
            sch->nodes[m->insts.first + k], m->param, v, false)) {
        e->params_idle = false;
      }
    }
    if (cc < 128U && m->insts.count) {
      e->cc_marks |= 1ULL << i;
      e->cc_set[i] = v;
    }
  }
}

/* Tell the control side the values controller mappings set in this call,
   one note per mapping (the last value), so the graph, and a saved patch,
   hold them. Keeps room for RETIRED notes, like set_param_rt. */
static void
send_cc_notes(AetherEngine* const e)
{
  const AetherSchedule* const sch = e->current;
  for (uint64_t marks = e->cc_marks; marks; marks &= marks - 1U) {
    const uint32_t                 i    = (uint32_t)__builtin_ctzll(marks);
    const AetherScheduleMap* const m    = &sch->cc_maps[i];
    const AetherInstance* const    inst = sch->nodes[m->insts.first];
    const AetherParamDesc* const   desc = &inst->type->params[m->param];

    /* A value the graph accepts: in range (the curve may overshoot by a
       rounding error), whole where the parameter is. */
    float v = fminf(fmaxf(e->cc_set[i], desc->min), desc->max);
    if (desc->kind != AETHER_PARAM_CONTINUOUS) {
      v = floorf(v + 0.5f);
    }
    if (aether_ring_space(&e->notes) > AETHER_MAX_IN_FLIGHT + 1U) {
      const AetherNote note = {
        NULL, AETHER_NOTE_PARAM, inst->slot, inst->generation, m->param, v, 0U
      };
      aether_ring_push(&e->notes, &note);
    } else {
      atomic_fetch_add_explicit(&e->dropped_notes, 1U, memory_order_relaxed);
    }
  }
  e->cc_marks = 0;
}

/* Apply the parameter changes that travel with `sch`: bounded by the edit,
   only parameters that changed travel. */
static void
apply_updates(AetherEngine* const e, const AetherSchedule* const sch)
{
  for (uint32_t i = 0; i < sch->n_updates; ++i) {
    const AetherScheduleUpdate* const u = &sch->updates[i];
    if (aether_instance_set_param(
          u->inst, u->param, u->value, e->ctx.frame == 0U)) {
      e->params_idle = false;
    }
  }
}

/* Hand a schedule the audio thread let go back to the control side. Always
   has room: in-flight schedules are bounded below capacity. */
static void
retire(AetherEngine* const e, AetherSchedule* const sch)
{
  const AetherNote note = { sch, AETHER_NOTE_RETIRED, 0U, 0U, 0U, 0.0f, 0U };
  aether_ring_push(&e->notes, &note);
}

/* `faded`: the old schedule faded out, its re-routed inputs too. */
static void
swap_in(AetherEngine* const   e,
        AetherSchedule* const next,
        const uint32_t        seq,
        const bool            faded)
{
  AetherSchedule* const old = e->current;
  const bool ramp = faded && next->n_ramp_in && next->ramp_prev == old;
  e->ramp         = ramp ? 0U : AETHER_DECLICK_FRAMES;
  e->ramps_in     = ramp ? next->ramp_in : NULL;
  e->n_ramps_in   = ramp ? next->n_ramp_in : 0U;
  if (!old || old->voices != next->voices) {
    aether_voices_reset(e);
  }
  e->current     = next;
  e->current_seq = seq;
  e->pending     = NULL;

  /* The changes of skipped schedules first, in order, then this one's; all
     before any retirement, as a retired schedule's dead list may hold an
     instance they touch. */
  for (uint32_t i = 0; i < e->n_skipped; ++i) {
    apply_updates(e, e->skipped[i]);
  }
  apply_updates(e, next);
  if (old) {
    retire(e, old);
  }
  for (uint32_t i = 0; i < e->n_skipped; ++i) {
    retire(e, e->skipped[i]);
  }
  e->n_skipped = 0;

  /* New instances come with their buffers filled (by the commit), so the
     first block stays on the fast path unless something moves. */
  apply_macros(e, AETHER_N_MACROS);
  apply_cc(e, 128U, 0U);
  atomic_fetch_add_explicit(&e->swaps, 1U, memory_order_relaxed);
}

static bool
same_output(const AetherSchedule* const a, const AetherSchedule* const b)
{
  return a && b && a->signature == b->signature;
}

/* The next command: one held back behind a pending swap first. */
static bool
next_command(AetherEngine* const e, AetherCommand* const cmd)
{
  if (e->has_held) {
    *cmd        = e->held;
    e->has_held = false;
    return true;
  }
  return aether_ring_pop(&e->commands, cmd);
}

/* True if a newer swap may replace the pending one: not once the inputs the
   pending one re-routes have started to ramp down (they would jump back). */
static bool
may_skip(const AetherEngine* const e)
{
  return e->n_skipped < AETHER_MAX_IN_FLIGHT &&
         (e->ramps_in || e->ramp == AETHER_DECLICK_FRAMES);
}

/* Apply at most AETHER_MAX_COMMANDS_PER_TICK commands. A swap that changes
   the output waits for the fade-out, and so do the commands behind it, but
   a newer swap right behind it takes its place: after a burst of edits the
   newest plays after one fade, not after one fade each. */
static void
drain_commands(AetherEngine* const e)
{
  AetherCommand cmd;
  uint32_t      applied = 0;
  for (uint32_t n = 0; n < AETHER_MAX_COMMANDS_PER_TICK; ++n) {
    if (!next_command(e, &cmd)) {
      break;
    }
    if (e->pending) {
      if (cmd.type != AETHER_CMD_SWAP || !may_skip(e)) {
        e->held     = cmd; /* waits for the swap */
        e->has_held = true;
        break;
      }
      e->skipped[e->n_skipped++] = e->pending;
      e->pending                 = (AetherSchedule*)cmd.ptr;
      e->pending_seq             = cmd.param;
      ++applied;
      continue;
    }
    ++applied;
    switch ((AetherCommandType)cmd.type) {
      case AETHER_CMD_SWAP:
        if (!e->current || !e->ctx.frame) {
          /* Before the first frame there is nothing to declick: the
             latest patch plays from the first frame. */
          swap_in(e, (AetherSchedule*)cmd.ptr, cmd.param, false);
          e->level = e->muted ? 0U : AETHER_DECLICK_FRAMES;
        } else if (!e->level ||
                   (same_output(e->current, (AetherSchedule*)cmd.ptr) &&
                    !e->ramps_in)) {
          swap_in(e, (AetherSchedule*)cmd.ptr, cmd.param, false);
        } else {
          e->pending     = (AetherSchedule*)cmd.ptr;
          e->pending_seq = cmd.param;
        }
        break;
      case AETHER_CMD_PARAM:
        /* Before the first frame there is nothing to glide from. */
        if (aether_instance_set_param((AetherInstance*)cmd.ptr,
                                      cmd.param,
                                      cmd.value,
                                      e->ctx.frame == 0U)) {
          e->params_idle = false;
        }
        break;
      case AETHER_CMD_MUTE:
        e->muted = cmd.value != 0.0f;
        break;
      case AETHER_CMD_RESET:
        if (e->current) {
          reset_nodes(e->current);
        }
        break;
    }
  }
  if (applied) {
    atomic_fetch_add_explicit(&e->n_commands, applied, memory_order_relaxed);
  }
}

/* Fill the parameter buffers of `inst` that must be; return its moving
   mask and add what stays active to `active`. */
static inline uint32_t
tick(AetherInstance* const inst, const uint32_t n, uint32_t* const active)
{
  if (inst->active) {
    aether_instance_tick(inst, n);
    *active |= inst->active;
  } else if (inst->moving) {
    inst->moving = 0; /* written only when it changes: no dirty lines */
  }
  return inst->moving;
}

/* A step's moving mask, written only when it changes: a schedule's steps
   then stay clean in the cache while one parameter glides. */
static inline void
set_moving(AetherStep* const step, const uint32_t moving)
{
  if (step->args.moving != moving) {
    step->args.moving = moving;
  }
}

/* Run a step with its re-routed inputs scaled by the ramp gain. */
static void
run_ramped(AetherEngine* const     e,
           const AetherStep* const step,
           const uint32_t          n_inputs,
           const AetherRamp* const ramps,
           const uint32_t          n_ramps,
           const uint32_t          n)
{
  AetherProcessArgs args = step->args;
  const float*      in[AETHER_MAX_INPUTS];
  memcpy(in, args.in, n_inputs * sizeof(*in));
  for (uint32_t r = 0; r < n_ramps; ++r) {
    const uint32_t j                = ramps[r].input;
    float* const restrict dst       = e->ramp_buf[j];
    const float* const restrict src = in[j];
    for (uint32_t i = 0; i < n; ++i) {
      dst[i] = src[i] * e->ramp_gain[i];
    }
    in[j] = dst;
  }
  args.in = in;
  step->func(step->self, &args, n);
}

/* Run every step. While no parameter of any node moves and no input ramps
   (the usual case), a step is one indirect call on sequential memory;
   otherwise parameters are ticked by each instance's first step, until they
   all settle, and ramped inputs are scaled on the way in. */
static void
run_steps(AetherEngine* const         e,
          const AetherSchedule* const sch,
          const AetherRamp* const     ramps,
          const uint32_t              n_ramps,
          const uint32_t              n)
{
  AetherStep* const steps   = sch->steps;
  const uint32_t    n_steps = sch->n_steps;
  const bool        idle    = e->params_idle;
  if (idle && !n_ramps) {
    for (uint32_t k = 0; k < n_steps; ++k) {
      steps[k].func(steps[k].self, &steps[k].args, n);
    }
    return;
  }

  uint32_t active = 0;
  uint32_t r      = 0;
  for (uint32_t k = 0; k < n_steps; ++k) {
    AetherStep* const     step = &steps[k];
    AetherInstance* const inst = sch->step_inst[k];
    if (!idle) {
      if (sch->step_first[k] == AETHER_STEP_FUSED) {
        /* A fused chain: every member's parameters; moving if any is. */
        const AetherFused* const f      = (const AetherFused*)step->self;
        uint32_t                 moving = 0;
        for (uint32_t j = 0; j < f->n; ++j) {
          moving |= tick(f->members[j].inst, n, &active);
        }
        set_moving(step, moving);
      } else {
        if (sch->step_first[k]) {
          tick(inst, n, &active);
        }
        set_moving(step, inst->moving);
      }
    }
    if (r < n_ramps && ramps[r].step == k) {
      uint32_t end = r;
      while (end < n_ramps && ramps[end].step == k) {
        ++end;
      }
      run_ramped(e, step, inst->type->n_inputs, ramps + r, end - r, n);
      r = end;
    } else {
      step->func(step->self, &step->args, n);
    }
  }
  if (!idle) {
    /* Nothing left to fill: every step's moving mask is 0 now. */
    e->params_idle = !active;
  }
}

/* The inputs to ramp now and where their gain goes: the new schedule's up
   once the output has faded in (finished before anything else), else the
   old one's down before the output fades out for a swap. */
static const AetherRamp*
ramp_plan(const AetherEngine* const e,
          uint32_t* const           n,
          uint32_t* const           target)
{
  if (e->ramps_in) {
    const bool up = e->level == AETHER_DECLICK_FRAMES || e->muted;
    *n            = e->n_ramps_in;
    *target       = up ? AETHER_DECLICK_FRAMES : e->ramp;
    return e->ramps_in;
  }
  const AetherSchedule* const next = e->pending;
  if (next && next->n_ramp_out && next->ramp_prev == e->current) {
    *n      = next->n_ramp_out;
    *target = 0U;
    return next->ramp_out;
  }
  *n      = 0U;
  *target = AETHER_DECLICK_FRAMES;
  return NULL;
}

/* Move a declick level one step towards `target`; return it as a gain. */
static inline float
step_level(uint32_t* const level, const uint32_t target)
{
  *level += *level < target;
  *level -= *level > target;
  return (float)*level * (1.0f / (float)AETHER_DECLICK_FRAMES);
}

/* Per-frame gains of the ramped inputs over the next `len` frames. */
static void
plan_ramp_gains(AetherEngine* const e,
                const uint32_t      len,
                const uint32_t      target)
{
  for (uint32_t i = 0; i < len; ++i) {
    e->ramp_gain[i] = step_level(&e->ramp, target);
  }
}

/* Ramp the output gain one step per frame towards `target`. */
static void
apply_fade(AetherEngine* const e,
           float* const* const out,
           const uint32_t      n,
           const uint32_t      target)
{
  for (uint32_t i = 0; i < n; ++i) {
    const float g = step_level(&e->level, target);
    out[0][i] *= g;
    out[1][i] *= g;
  }
}

/* The bits of 1000.0f (+60 dBFS): a finite float's magnitude orders like
   its bits without the sign, and infinity and NaN lie above every finite
   one. */
#define AETHER_LOUDEST_BITS 0x447A0000U

/* True if every sample is finite and within +-1000 (+60 dBFS): anything
   else is a runaway signal. Integer compares OR-ed together, so the loop
   vectorizes. */
static bool
all_in_range(float* const* const out, const uint32_t n)
{
  uint32_t bad = 0;
  for (uint32_t c = 0; c < 2U; ++c) {
    const float* const x = out[c];
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t bits = 0;
      memcpy(&bits, &x[i], sizeof(bits));
      /* Signed: the magnitude fits, and SSE2 compares signed words. */
      bad |= (uint32_t)((int32_t)(bits & 0x7FFFFFFFU) >
                        (int32_t)AETHER_LOUDEST_BITS);
    }
  }
  return !bad;
}

/* Copy `n` floats from `src`, or zero them when `src` is NULL. A frame at
   a time (hosts that split their blocks at every event) skips the library
   call, which costs more than the frame. */
static inline void
copy_frames(float* const restrict dst,
            const float* const restrict src,
            const uint32_t n)
{
  if (n == 1U) {
    dst[0] = src ? src[0] : 0.0f;
  } else if (src) {
    memcpy(dst, src, n * sizeof(float));
  } else {
    memset(dst, 0, n * sizeof(float));
  }
}

void
aether_engine_process(AetherEngine* const e,
                      const float* const  in[2],
                      float* const        out[2],
                      const uint32_t      n)
{
  const uint64_t fpmode = aether_fpmode_enter();

  drain_commands(e);

  /* Controllers to their mapped parameters, from this frame. */
  for (uint32_t i = 0; i < e->n_midi; ++i) {
    const AetherMidiEvent* const ev = &e->midi[i];
    if ((ev->data[0] & 0xF0U) == 0xB0U && ev->size == 3U) {
      const uint32_t channel   = ev->data[0] & 0x0FU;
      const uint32_t cc        = ev->data[1] & 0x7FU;
      e->cc_value[channel][cc] = ev->data[2] & 0x7FU;
      e->cc_any[cc]            = ev->data[2] & 0x7FU;
      if (e->current && e->current->n_cc_maps) {
        apply_cc(e, cc, channel);
      }
    }
  }
  if (e->cc_marks) {
    send_cc_notes(e); /* before a swap changes what the marks refer to */
  }

  /* Notes to voices, before any chunk runs (events land on frame 0). */
  const uint32_t n_voices =
    (e->current && e->current->has_poly) ? e->current->voices : 0U;
  if (n_voices) {
    aether_voices_route(e, n_voices);
  }

  /* Copy the input first: hosts may process in place (out == in). */
  for (uint32_t c = 0; c < 2; ++c) {
    copy_frames(e->in_copy[c], in ? in[c] : NULL, n);
  }

  for (uint32_t done = 0; done < n;) {
    uint32_t          n_ramps     = 0;
    uint32_t          ramp_target = 0;
    const AetherRamp* ramps       = ramp_plan(e, &n_ramps, &ramp_target);
    /* A pending swap fades the output out once the inputs have ramped. */
    bool ramping = e->ramps_in || (ramps && e->ramp);
    if (e->pending && !e->level && !ramping) {
      swap_in(e, e->pending, e->pending_seq, true);
      ramps   = ramp_plan(e, &n_ramps, &ramp_target);
      ramping = e->ramps_in;
    }

    const bool     waits = e->pending && !ramping;
    const uint32_t target =
      (e->muted || waits || !e->current) ? 0U : AETHER_DECLICK_FRAMES;
    uint32_t len = n - done;
    if (e->level != target) {
      /* Stop the chunk where the fade ends, so a pending swap happens at
         the same frame whatever the host's block partition. */
      const uint32_t dist =
        e->level > target ? e->level - target : target - e->level;
      len = len < dist ? len : dist;
    }
    if (ramps) {
      /* Likewise where the input ramp ends. */
      const uint32_t dist =
        e->ramp > ramp_target ? e->ramp - ramp_target : ramp_target - e->ramp;
      len = dist && len > dist ? dist : len;
    }

    float* const chunk_out[2] = { out[0] + done, out[1] + done };
    copy_frames(chunk_out[0], NULL, len);
    copy_frames(chunk_out[1], NULL, len);
    e->ctx.host_in[0]  = e->in_copy[0] + done;
    e->ctx.host_in[1]  = e->in_copy[1] + done;
    e->ctx.host_out[0] = chunk_out[0];
    e->ctx.host_out[1] = chunk_out[1];
    e->ctx.midi        = e->midi;
    e->ctx.n_midi      = done ? 0U : e->n_midi;
    for (uint32_t v = 0; v < n_voices; ++v) {
      e->ctx.n_voice_midi[v] = done ? 0U : e->n_voice_midi[v];
    }

    if (ramps) {
      plan_ramp_gains(e, len, ramp_target);
    }
    if (e->current && (e->level || target)) {
      run_steps(e, e->current, ramps, n_ramps, len);
    }
    if (e->ramps_in && e->ramp == AETHER_DECLICK_FRAMES) {
      e->ramps_in   = NULL; /* ramped in: the fast path again */
      e->n_ramps_in = 0U;
    }
    if (e->level != AETHER_DECLICK_FRAMES || target != e->level) {
      apply_fade(e, chunk_out, len, target);
    }
    if (!all_in_range(chunk_out, len)) {
      /* Never let NaN, infinity or a runaway signal out; start the patch
         over from silence. */
      memset(chunk_out[0], 0, len * sizeof(float));
      memset(chunk_out[1], 0, len * sizeof(float));
      if (e->current) {
        reset_nodes(e->current);
      }
      atomic_fetch_add_explicit(&e->blowups, 1U, memory_order_relaxed);
    }

    e->ctx.frame += len;
    done += len;
  }

  e->n_midi = 0;
  /* Only this thread writes the count: a plain add, not a locked one
     (which would wait for every store of the block to drain). */
  atomic_store_explicit(&e->frames,
                        atomic_load_explicit(&e->frames, memory_order_relaxed) +
                          n,
                        memory_order_relaxed);
  aether_fpmode_leave(fpmode);
}

void
aether_engine_set_macro_rt(AetherEngine* const e,
                           const uint32_t      index,
                           const float         value)
{
  if (index >= AETHER_N_MACROS) {
    return;
  }
  const float v = isfinite(value) ? fminf(fmaxf(value, 0.0f), 1.0f) : 0.0f;
  if (v != e->ctx.macros[index]) {
    e->ctx.macros[index] = v;
    apply_macros(e, index);
  }
}

void
aether_engine_push_midi_rt(AetherEngine* const  e,
                           const uint8_t* const data,
                           const uint32_t       size)
{
  if (e->n_midi < AETHER_MAX_MIDI_EVENTS && size >= 1U && size <= 3U) {
    AetherMidiEvent* const ev = &e->midi[e->n_midi++];
    memset(ev, 0, sizeof(*ev));
    memcpy(ev->data, data, size);
    ev->size = (uint8_t)size;
  }
}

AetherStatus
aether_engine_set_param_rt(AetherEngine* const e,
                           const char* const   node_name,
                           const char* const   param_name,
                           const float         value)
{
  const AetherSchedule* const     sch = e->current;
  const AetherScheduleName* const entry =
    sch ? aether_schedule_find(sch, node_name) : NULL;
  if (!entry) {
    return AETHER_ERR_NOT_FOUND;
  }
  const AetherInstance* const first = sch->nodes[entry->insts.first];
  const int i = aether_node_type_param_index(first->type, param_name);
  if (i < 0) {
    return AETHER_ERR_BAD_PARAM;
  }
  if (aether_param_check(&first->type->params[i], value)) {
    return AETHER_ERR_BAD_VALUE;
  }
  for (uint32_t k = 0; k < entry->insts.count; ++k) {
    if (aether_instance_set_param(sch->nodes[entry->insts.first + k],
                                  (uint32_t)i,
                                  value,
                                  e->ctx.frame == 0U)) {
      e->params_idle = false;
    }
  }

  /* Tell the control side, keeping room for RETIRED notes. */
  if (aether_ring_space(&e->notes) > AETHER_MAX_IN_FLIGHT + 1U) {
    const AetherNote note = { NULL,        AETHER_NOTE_PARAM,
                              first->slot, first->generation,
                              (uint32_t)i, value,
                              0U };
    aether_ring_push(&e->notes, &note);
  } else {
    atomic_fetch_add_explicit(&e->dropped_notes, 1U, memory_order_relaxed);
  }
  return AETHER_SUCCESS;
}

/* Stop every parameter glide at its target, as a new instance stands. */
static void
snap_params(AetherEngine* const e, const AetherSchedule* const sch)
{
  for (uint32_t i = 0; i < sch->n_nodes; ++i) {
    aether_instance_snap(sch->nodes[i]);
  }
  e->params_idle = false;
}

void
aether_engine_reset_rt(AetherEngine* const e)
{
  /* Every command waiting, in order: the schedules' changes and parameter
     commands applied as they come, the newest schedule installed. None is
     retired before all are applied: a retired schedule's dead list may
     hold an instance a later change touches. */
  AetherSchedule* next = e->pending;
  uint32_t        seq  = e->pending_seq;
  for (uint32_t i = 0; i < e->n_skipped; ++i) {
    apply_updates(e, e->skipped[i]);
  }
  if (next) {
    apply_updates(e, next);
  }
  AetherCommand cmd;
  while (next_command(e, &cmd)) {
    switch ((AetherCommandType)cmd.type) {
      case AETHER_CMD_SWAP:
        if (next) {
          /* Every schedule here is in flight, current too: at most
             AETHER_MAX_IN_FLIGHT of them, so there is room. */
          e->skipped[e->n_skipped++] = next;
        }
        next = (AetherSchedule*)cmd.ptr;
        seq  = cmd.param;
        apply_updates(e, next);
        break;
      case AETHER_CMD_PARAM:
        aether_instance_set_param(
          (AetherInstance*)cmd.ptr, cmd.param, cmd.value, true);
        break;
      case AETHER_CMD_MUTE:
        e->muted = cmd.value != 0.0f;
        break;
      case AETHER_CMD_RESET:
        break; /* done below */
    }
  }
  if (next) {
    if (e->current) {
      e->skipped[e->n_skipped++] = e->current;
    }
    e->current     = next;
    e->current_seq = seq;
    atomic_fetch_add_explicit(&e->swaps, 1U, memory_order_relaxed);
  }
  e->pending = NULL;
  for (uint32_t i = 0; i < e->n_skipped; ++i) {
    retire(e, e->skipped[i]);
  }
  e->n_skipped = 0;

  /* Notes, pedal, queued MIDI and controller values forgotten. */
  aether_voices_reset(e);
  e->n_midi = 0;
  memset(e->n_voice_midi, 0, sizeof(e->n_voice_midi));
  memset(e->cc_value, 0xFF, sizeof(e->cc_value));
  memset(e->cc_any, 0xFF, sizeof(e->cc_any));
  e->cc_marks = 0;

  /* Declick and edit ramps settled, the first frame again: as a new
     engine stands before its first process(). */
  e->level      = (e->muted || !e->current) ? 0U : AETHER_DECLICK_FRAMES;
  e->ramp       = AETHER_DECLICK_FRAMES;
  e->ramps_in   = NULL;
  e->n_ramps_in = 0U;
  e->ctx.frame  = 0U;

  if (e->current) {
    reset_nodes(e->current);
    snap_params(e, e->current);
    apply_macros(e, AETHER_N_MACROS); /* the host's macros, at once */
  }
}

bool
aether_engine_settled_rt(const AetherEngine* const e)
{
  return !e->pending && !e->has_held &&
         e->current_seq ==
           atomic_load_explicit(&e->committed, memory_order_acquire);
}

bool
aether_engine_wants_collect_rt(const AetherEngine* const e)
{
  return aether_ring_count(&e->notes) != 0;
}

const AetherParamDesc*
aether_engine_param_desc_rt(const AetherEngine* const e,
                            const char* const         node_name,
                            const char* const         param_name)
{
  const AetherSchedule* const     sch = e->current;
  const AetherScheduleName* const entry =
    sch ? aether_schedule_find(sch, node_name) : NULL;
  if (!entry) {
    return NULL;
  }
  const AetherNodeType* const type = sch->nodes[entry->insts.first]->type;
  const int i = aether_node_type_param_index(type, param_name);
  return i < 0 ? NULL : &type->params[i];
}
