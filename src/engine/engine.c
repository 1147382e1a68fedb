/* Aether: the engine's control side: creation, commit and collection. */

#include "engine_impl.h"
#include "graph_impl.h"

#include <stdlib.h>
#include <string.h>

AetherEngine*
aether_engine_new(const double rate)
{
  if (!(rate >= 8000.0 && rate <= 768000.0)) {
    return NULL;
  }

  AetherEngine* const e =
    (AetherEngine*)aligned_alloc(AETHER_ALIGN, sizeof(AetherEngine));
  if (!e) {
    return NULL;
  }
  memset(e, 0, sizeof(*e));
  e->rate     = rate;
  e->ctx.rate = rate;
  for (uint32_t v = 0; v < AETHER_MAX_VOICES; ++v) {
    e->ctx.voice_midi[v] = e->voice_midi[v];
  }
  e->ramp = AETHER_DECLICK_FRAMES;
  memset(e->cc_value, 0xFF, sizeof(e->cc_value));
  memset(e->cc_any, 0xFF, sizeof(e->cc_any));
  atomic_init(&e->frames, 0U);
  atomic_init(&e->swaps, 0U);
  atomic_init(&e->n_commands, 0U);
  atomic_init(&e->blowups, 0U);
  atomic_init(&e->dropped_notes, 0U);
  atomic_init(&e->committed, 0U);

  if (aether_ring_init(
        &e->commands, AETHER_COMMAND_RING_CAPACITY, sizeof(AetherCommand)) ||
      aether_ring_init(
        &e->notes, AETHER_COMMAND_RING_CAPACITY, sizeof(AetherNote)) ||
      aether_buffer_pool_init(&e->pool, AETHER_MAX_BUFFERS) ||
      !(e->graph = aether_graph_new(rate))) {
    aether_engine_free(e);
    return NULL;
  }
  return e;
}

void
aether_engine_free(AetherEngine* const e)
{
  if (!e) {
    return;
  }

  /* Schedules still in the ring were never swapped in. */
  AetherCommand cmd;
  while (e->commands.data && aether_ring_pop(&e->commands, &cmd)) {
    if (cmd.type == AETHER_CMD_SWAP) {
      aether_schedule_free((AetherSchedule*)cmd.ptr);
    }
  }
  AetherNote note;
  while (e->notes.data && aether_ring_pop(&e->notes, &note)) {
    if (note.type == AETHER_NOTE_RETIRED) {
      aether_schedule_free((AetherSchedule*)note.ptr);
    }
  }
  if (e->has_held && e->held.type == AETHER_CMD_SWAP) {
    aether_schedule_free((AetherSchedule*)e->held.ptr);
  }
  for (uint32_t i = 0; i < e->n_skipped; ++i) {
    aether_schedule_free(e->skipped[i]);
  }
  aether_schedule_free(e->pending);
  if (e->current != e->pending) {
    aether_schedule_free(e->current);
  }
  aether_schedule_free(e->parked); /* never sent: its dead list is empty */
  aether_graph_free(e->graph);
  aether_buffer_pool_destroy(&e->pool);
  aether_ring_destroy(&e->commands);
  aether_ring_destroy(&e->notes);
  free(e);
}

AetherGraph*
aether_engine_graph(AetherEngine* const e)
{
  return e->graph;
}

static bool
send(AetherEngine* const e,
     const uint32_t      type,
     void* const         ptr,
     const uint32_t      param,
     const float         value)
{
  const AetherCommand cmd = { ptr, type, param, value, 0U };
  return aether_ring_push(&e->commands, &cmd);
}

/* Instances of a node in the next schedule: one per voice if it is poly. */
static uint32_t
units(const AetherGraph* const g, const GraphNode* const n)
{
  return (n->poly && g->voices > 1U) ? g->voices : 1U;
}

/* Make the voice instances poly nodes need (off the audio thread); bury
   the ones no longer needed (fewer voices, or no longer poly). */
static AetherStatus
prepare_voices(AetherEngine* const e, AetherError* const err)
{
  AetherGraph* const g = e->graph;
  for (uint32_t s = 0; s < g->arena.end; ++s) {
    if (!aether_graph_slot_live(g, s)) {
      continue;
    }
    GraphNode* const n     = &g->nodes[s];
    const uint32_t   count = units(g, n);
    for (uint32_t v = 1; v < count; ++v) {
      if (n->voice_inst[v]) {
        continue;
      }
      AetherInstance*    inst = NULL;
      const AetherStatus st =
        aether_instance_new(n->type, g->rate, g->next_serial++, &inst);
      if (st) {
        return aether_error(
          err, st, "could not create voice %u of \"%s\"", v + 1U, n->name);
      }
      aether_instance_name(inst, n->name, v);
      inst->slot       = n->inst->slot;
      inst->generation = n->inst->generation;
      n->voice_inst[v] = inst;
    }
    if (aether_graph_drop_voices(g, n, count)) {
      return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
  }
  return AETHER_SUCCESS;
}

/* The audio thread has never seen the instances not sent yet: set them up
   directly, before the compile, which points their parameters at shared
   buffers of the values they rest at (aether_instance_bind). */
static void
setup_new_instances(AetherGraph* const g)
{
  for (uint32_t s = 0; s < g->arena.end; ++s) {
    if (!aether_graph_slot_live(g, s)) {
      continue;
    }
    GraphNode* const n = &g->nodes[s];
    for (uint32_t v = 0; v < units(g, n); ++v) {
      if ((n->sent >> v) & 1U) {
        continue;
      }
      AetherInstance* const inst = aether_graph_node_voice(n, v);
      for (uint32_t i = 0; i < n->type->n_params; ++i) {
        aether_instance_set_param(inst, i, n->params[i], true);
      }
      /* Fill its parameter buffers here, where it is still ours: the
         audio thread's first block with it stays on the fast path. */
      aether_instance_tick(inst, AETHER_BUFFER_SIZE);
    }
  }
}

/* Take back what the audio thread has finished with. */
static uint32_t
collect_notes(AetherEngine* const e)
{
  uint32_t   n = 0;
  AetherNote note;
  while (aether_ring_pop(&e->notes, &note)) {
    ++n;
    if (note.type == AETHER_NOTE_RETIRED) {
      aether_schedule_free((AetherSchedule*)note.ptr);
      --e->in_flight;
    } else if (note.type == AETHER_NOTE_PARAM) {
      /* A change made on the audio thread: the graph follows, so a saved
         patch holds what is playing. */
      const AetherHandle h = { note.slot, note.generation };
      GraphNode* const   g = aether_graph_node(e->graph, h);
      if (g && note.param < g->type->n_params) {
        g->params[note.param] = note.value;
      }
    }
  }
  return n;
}

/* True if `inst` is still one of the graph's instances. */
static bool
instance_live(const AetherGraph* const g, const AetherInstance* const inst)
{
  const AetherHandle     h = { inst->slot, inst->generation };
  const GraphNode* const n = aether_graph_node(g, h);
  for (uint32_t v = 0; n && v < AETHER_MAX_VOICES; ++v) {
    if (aether_graph_node_voice(n, v) == inst) {
      return true;
    }
  }
  return false;
}

/* Send the schedule waiting on the control side if there is room now. */
static void
send_parked(AetherEngine* const e)
{
  if (e->parked && e->in_flight < AETHER_MAX_IN_FLIGHT &&
      send(e, AETHER_CMD_SWAP, e->parked, e->seq, 0.0f)) {
    e->latest     = e->parked;
    e->parked     = NULL;
    e->parked_cap = 0;
    ++e->in_flight;
  }
}

AetherStatus
aether_engine_commit(AetherEngine* const e, AetherError* const err)
{
  AetherGraph* const g = e->graph;

  /* Room for the new schedule, if the audio thread has made some; a parked
     one stays where it is: this one replaces it. */
  collect_notes(e);

  AetherStatus st = prepare_voices(e, err);
  if (st) {
    return st;
  }

  /* Changes to running nodes travel with the schedule and apply when it is
     swapped in, together with the new structure. A parked schedule this
     one replaces never played: its changes come first, then these. */
  const uint32_t n_parked  = e->parked ? e->parked->n_updates : 0U;
  uint32_t       n_updates = 0;
  for (uint32_t s = 0; s < g->arena.end; ++s) {
    const GraphNode* const n = &g->nodes[s];
    if (!aether_graph_slot_live(g, s) || !n->param_dirty) {
      continue;
    }
    for (uint32_t v = 0; v < units(g, n); ++v) {
      if ((n->sent >> v) & 1U) {
        n_updates += (uint32_t)__builtin_popcount(n->param_dirty);
      }
    }
  }
  AetherScheduleUpdate* const updates = (AetherScheduleUpdate*)calloc(
    n_parked + n_updates + 1U, sizeof(AetherScheduleUpdate));
  if (!updates) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  setup_new_instances(g);

  AetherSchedule* sch = NULL;
  if ((st = aether_schedule_compile(
         g, &e->pool, &e->ctx, !e->no_fusion, &sch, err))) {
    free(updates);
    return st;
  }
  sch->updates   = updates;
  sch->n_updates = 0;
  if (aether_schedule_find_ramps(e->latest, sch)) {
    aether_schedule_free(sch);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  /* Nodes removed since the last commit may still run in `latest`: they
     are freed when it comes back. Make room in its list now, so nothing
     below can fail. */
  if (e->latest && g->n_graveyard) {
    AetherInstance** const dead = (AetherInstance**)realloc(
      e->latest->dead,
      (e->latest->n_dead + g->n_graveyard) * sizeof(AetherInstance*));
    if (!dead) {
      aether_schedule_free(sch);
      return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
    e->latest->dead = dead;
  }

  uint32_t k = 0;
  for (uint32_t i = 0; i < n_parked; ++i) {
    const AetherScheduleUpdate* const u = &e->parked->updates[i];
    if (instance_live(g, u->inst)) {
      sch->updates[k++] = *u;
    }
  }

  /* Changes to the instances the audio thread runs travel with the
     schedule (new ones were set up before the compile). */
  for (uint32_t s = 0; s < g->arena.end; ++s) {
    if (!aether_graph_slot_live(g, s)) {
      continue;
    }
    GraphNode* const n = &g->nodes[s];
    for (uint32_t v = 0; v < units(g, n); ++v) {
      AetherInstance* const inst = aether_graph_node_voice(n, v);
      if ((n->sent >> v) & 1U) {
        for (uint32_t d = n->param_dirty; d; d &= d - 1U) {
          const uint32_t i  = (uint32_t)__builtin_ctz(d);
          sch->updates[k++] = (AetherScheduleUpdate){ inst, i, n->params[i] };
        }
      }
    }
    /* Control-side bookkeeping only: the instances, which the audio thread
       writes, are not touched for nodes that were sent before. */
    n->sent |= (uint32_t)((1ULL << units(g, n)) - 1U); /* 32 voices: all bits */
    n->param_dirty = 0;
  }
  sch->n_updates = k;

  if (e->latest && g->n_graveyard) {
    memcpy(e->latest->dead + e->latest->n_dead,
           g->graveyard,
           g->n_graveyard * sizeof(AetherInstance*));
    e->latest->n_dead += g->n_graveyard;
  } else if (!e->latest) {
    for (uint32_t i = 0; i < g->n_graveyard; ++i) {
      aether_instance_free(g->graveyard[i]);
    }
  }
  free(g->graveyard);
  g->graveyard     = NULL;
  g->n_graveyard   = 0;
  g->cap_graveyard = 0;

  /* The newest commit wins: a parked schedule it replaces never played,
     and the nodes removed since `latest` went to latest's dead list, not
     to it, so it goes alone. With no room for this one (the audio thread
     is not running, or is slow), it waits on this side: collect() sends it
     once there is room, and a commit never fails for want of it. */
  aether_schedule_free(e->parked);
  e->parked     = sch;
  e->parked_cap = n_parked + n_updates;
  ++e->seq;
  atomic_store_explicit(&e->committed, e->seq, memory_order_release);
  send_parked(e);
  return AETHER_SUCCESS;
}

/* Set parameter `param` of `inst` when the parked schedule is swapped in,
   after its own changes: the newest value wins. Room reserved by the
   caller. */
static void
park_update(AetherEngine* const   e,
            AetherInstance* const inst,
            const uint32_t        param,
            const float           value)
{
  AetherSchedule* const sch = e->parked;
  for (uint32_t i = 0; i < sch->n_updates; ++i) {
    AetherScheduleUpdate* const u = &sch->updates[i];
    if (u->inst == inst && u->param == param) {
      u->value = value;
      return;
    }
  }
  sch->updates[sch->n_updates++] = (AetherScheduleUpdate){ inst, param, value };
}

AetherStatus
aether_engine_set_param(AetherEngine* const e,
                        const AetherHandle  node,
                        const uint32_t      param,
                        const float         value,
                        AetherError* const  err)
{
  GraphNode* const n = aether_graph_node(e->graph, node);
  if (n && (n->sent & 1U) && e->parked &&
      e->parked_cap - e->parked->n_updates < AETHER_MAX_VOICES) {
    /* Room for every voice in the parked schedule's changes. */
    const uint32_t              cap = e->parked_cap * 2U + AETHER_MAX_VOICES;
    AetherScheduleUpdate* const u   = (AetherScheduleUpdate*)realloc(
      e->parked->updates, cap * sizeof(AetherScheduleUpdate));
    if (!u) {
      return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
    e->parked->updates = u;
    e->parked_cap      = cap;
  } else if (n && (n->sent & 1U) && !e->parked &&
             aether_ring_space(&e->commands) < AETHER_MAX_VOICES) {
    return aether_error(err, AETHER_ERR_FULL, "the command ring is full");
  }

  const AetherStatus st =
    aether_graph_set_param(e->graph, node, param, value, err);
  if (st || !(n->sent & 1U)) {
    return st;
  }

  /* Every voice that runs; voices made since are set up at the commit.
     While a schedule is parked the change goes with it, or its older
     changes would undo this one when it is swapped in. */
  bool all = true;
  for (uint32_t v = 0; v < AETHER_MAX_VOICES; ++v) {
    AetherInstance* const inst = aether_graph_node_voice(n, v);
    if (inst && ((n->sent >> v) & 1U) && e->parked) {
      park_update(e, inst, param, value);
    } else if (inst && ((n->sent >> v) & 1U)) {
      send(e, AETHER_CMD_PARAM, inst, param, value);
    } else if (inst) {
      all = false;
    }
  }
  if (all) {
    n->param_dirty &= ~(1U << param);
  }
  return AETHER_SUCCESS;
}

void
aether_engine_set_fusion(AetherEngine* const e, const bool on)
{
  e->no_fusion = !on;
}

AetherStatus
aether_engine_set_mute(AetherEngine* const e, const bool mute)
{
  return send(e, AETHER_CMD_MUTE, NULL, 0U, mute ? 1.0f : 0.0f)
           ? AETHER_SUCCESS
           : AETHER_ERR_FULL;
}

uint32_t
aether_engine_collect(AetherEngine* const e)
{
  const uint32_t n = collect_notes(e);
  send_parked(e);
  return n;
}

uint32_t
aether_engine_n_in_flight(const AetherEngine* const e)
{
  return e->in_flight;
}

void
aether_engine_stats(const AetherEngine* const e, AetherEngineStats* const st)
{
  st->frames   = atomic_load_explicit(&e->frames, memory_order_relaxed);
  st->swaps    = atomic_load_explicit(&e->swaps, memory_order_relaxed);
  st->commands = atomic_load_explicit(&e->n_commands, memory_order_relaxed);
  st->blowups  = atomic_load_explicit(&e->blowups, memory_order_relaxed);
  st->dropped_notes =
    atomic_load_explicit(&e->dropped_notes, memory_order_relaxed);
}
