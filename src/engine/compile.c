/* Aether: the graph compiler (control side). It orders the nodes (Kahn's
   algorithm), breaks feedback loops at delay nodes (found with Tarjan's
   strongly connected components), assigns pool buffers by liveness and
   resolves every pointer into a flat array of steps. */

#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* What one step does with its node. */
enum {
  PROCESS,            /* an ordinary node, or a delay after its write */
  WRITE_THEN_PROCESS, /* a delay outside loops: consume, then produce */
  PROCESS_FEEDBACK,   /* a delay closing a loop: produce from the past */
  WRITE_FEEDBACK,     /* ... and consume at the end of the schedule */
};

/* Scratch arrays for one compile, indexed by dense position (0 .. n - 1). */
typedef struct {
  uint32_t  n;        /**< live nodes */
  uint32_t* slot;     /**< position -> graph slot */
  uint32_t* pos;      /**< graph slot -> position (capacity entries) */
  uint32_t* comp;     /**< strongly connected component of each position */
  uint32_t* order;    /**< positions in execution order */
  uint8_t*  feedback; /**< delay node closing a loop */
  uint32_t* last_use; /**< n * MAX_OUTPUTS: last step reading an output */
  uint32_t* buffer;   /**< n * MAX_OUTPUTS: pool buffer of an output */
  uint32_t* a;        /**< general scratch, n entries */
  uint32_t* b;        /**< general scratch, n entries */
  uint32_t* c;        /**< general scratch, n entries */
} Scratch;

static void
scratch_free(Scratch* const s)
{
  free(s->slot);
  free(s->pos);
  free(s->comp);
  free(s->order);
  free(s->feedback);
  free(s->last_use);
  free(s->buffer);
  free(s->a);
  free(s->b);
  free(s->c);
}

static AetherStatus
scratch_init(Scratch* const s, const AetherGraph* const graph)
{
  const uint32_t n   = graph->arena.n_live;
  const size_t   m   = n ? n : 1U;
  const size_t   cap = graph->arena.capacity;

  memset(s, 0, sizeof(*s));
  s->n        = n;
  s->slot     = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->pos      = (uint32_t*)malloc(cap * sizeof(uint32_t));
  s->comp     = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->order    = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->feedback = (uint8_t*)calloc(m, 1U);
  s->last_use = (uint32_t*)malloc(m * AETHER_MAX_OUTPUTS * sizeof(uint32_t));
  s->buffer   = (uint32_t*)malloc(m * AETHER_MAX_OUTPUTS * sizeof(uint32_t));
  s->a        = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->b        = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->c        = (uint32_t*)malloc(m * sizeof(uint32_t));
  if (!s->slot || !s->pos || !s->comp || !s->order || !s->feedback ||
      !s->last_use || !s->buffer || !s->a || !s->b || !s->c) {
    scratch_free(s);
    return AETHER_ERR_NO_MEMORY;
  }

  uint32_t k = 0;
  for (uint32_t slot = 0; slot < cap; ++slot) {
    s->pos[slot] = NONE;
    if (graph->nodes[slot].inst) {
      s->pos[slot] = k;
      s->slot[k++] = slot;
    }
  }
  return AETHER_SUCCESS;
}

static inline const GraphNode*
node_at(const AetherGraph* const graph,
        const Scratch* const     s,
        const uint32_t           p)
{
  return &graph->nodes[s->slot[p]];
}

/* Tarjan's strongly connected components, iterative (a 10000-node chain
   must not overflow the stack). Uses a = index, b = lowlink, c = stack. */
static void
find_components(const AetherGraph* const graph, Scratch* const s)
{
  uint32_t* const index = s->a;
  uint32_t* const low   = s->b;
  uint32_t* const stack = s->c;
  uint32_t* const edge  = s->order; /* per position: next consumer to visit */
  uint32_t* const call  = s->last_use; /* DFS call stack of positions */
  uint8_t* const  on    = s->feedback; /* on the Tarjan stack */
  uint32_t        next  = 0;
  uint32_t        top   = 0;
  uint32_t        ncomp = 0;

  for (uint32_t p = 0; p < s->n; ++p) {
    index[p] = NONE;
    edge[p]  = 0;
  }

  for (uint32_t root = 0; root < s->n; ++root) {
    if (index[root] != NONE) {
      continue;
    }
    uint32_t depth = 0;
    call[depth++]  = root;
    index[root] = low[root] = next++;
    stack[top++]            = root;
    on[root]                = 1;

    while (depth) {
      const uint32_t         v = call[depth - 1U];
      const GraphNode* const n = node_at(graph, s, v);
      if (edge[v] < n->n_consumers) {
        const uint32_t w = s->pos[n->consumers[edge[v]++].node];
        if (index[w] == NONE) {
          index[w] = low[w] = next++;
          stack[top++]      = w;
          on[w]             = 1;
          call[depth++]     = w;
        } else if (on[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }

      if (low[v] == index[v]) {
        uint32_t w = NONE;
        do {
          w          = stack[--top];
          on[w]      = 0;
          s->comp[w] = ncomp;
        } while (w != v);
        ++ncomp;
      }
      if (--depth && low[v] < low[call[depth - 1U]]) {
        low[call[depth - 1U]] = low[v];
      }
    }
  }
}

/* An edge into a delay node of the same component closes a loop: it does
   not count for ordering, and the delay runs in feedback mode. */
static inline bool
edge_ignored(const AetherGraph* const graph,
             const Scratch* const     s,
             const uint32_t           src,
             const uint32_t           dst)
{
  return (node_at(graph, s, dst)->type->flags & AETHER_NODE_DELAY) &&
         s->comp[src] == s->comp[dst];
}

/* Kahn's algorithm over counted edges, in arena order for determinism.
   Uses a = remaining in-degree. */
static AetherStatus
order_nodes(const AetherGraph* const graph,
            Scratch* const           s,
            AetherError* const       err)
{
  uint32_t* const indeg = s->a;

  for (uint32_t p = 0; p < s->n; ++p) {
    indeg[p]       = 0;
    s->feedback[p] = 0;
  }
  for (uint32_t p = 0; p < s->n; ++p) {
    const GraphNode* const n = node_at(graph, s, p);
    for (uint32_t i = 0; i < n->n_consumers; ++i) {
      const uint32_t d = s->pos[n->consumers[i].node];
      if (edge_ignored(graph, s, p, d)) {
        s->feedback[d] = 1;
      } else {
        ++indeg[d];
      }
    }
  }

  uint32_t head = 0;
  uint32_t tail = 0;
  for (uint32_t p = 0; p < s->n; ++p) {
    if (!indeg[p]) {
      s->order[tail++] = p;
    }
  }
  while (head < tail) {
    const uint32_t         p = s->order[head++];
    const GraphNode* const n = node_at(graph, s, p);
    for (uint32_t i = 0; i < n->n_consumers; ++i) {
      const uint32_t d = s->pos[n->consumers[i].node];
      if (!edge_ignored(graph, s, p, d) && !--indeg[d]) {
        s->order[tail++] = d;
      }
    }
  }

  if (tail < s->n) {
    /* Cannot happen through aether_graph_connect(), which refuses such
       loops; kept so a corrupt graph is refused rather than run. */
    for (uint32_t p = 0; p < s->n; ++p) {
      if (indeg[p]) {
        return aether_error(err,
                            AETHER_ERR_CYCLE,
                            "cycle without a delay node through \"%s\"",
                            node_at(graph, s, p)->name);
      }
    }
  }
  return AETHER_SUCCESS;
}

static uint64_t
mix64(uint64_t x)
{
  x ^= x >> 33U;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33U;
  x *= 0xc4ceb93fe53a1c87ULL;
  x ^= x >> 33U;
  return x;
}

/* A hash of every node that can reach a sink, with its inputs: equal
   signatures mean an edit did not change the path to the output. Uses
   b as a visited mark and c as a work stack. */
static uint64_t
output_signature(const AetherGraph* const graph, Scratch* const s)
{
  uint32_t* const seen  = s->b;
  uint32_t* const stack = s->c;
  uint32_t        top   = 0;
  uint64_t        sig   = 0;

  for (uint32_t p = 0; p < s->n; ++p) {
    seen[p] = (node_at(graph, s, p)->type->flags & AETHER_NODE_SINK) != 0;
    if (seen[p]) {
      stack[top++] = p;
    }
  }
  while (top) {
    const uint32_t         p = stack[--top];
    const GraphNode* const n = node_at(graph, s, p);
    uint64_t               h = mix64(n->inst->serial);
    for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
      if (!aether_graph_edge_set(n->src[i])) {
        continue;
      }
      const uint32_t q = s->pos[n->src[i].index];
      h                = mix64(h ^
                mix64(graph->nodes[n->src[i].index].inst->serial +
                      ((uint64_t)i << 56U) + ((uint64_t)n->src_out[i] << 48U)));
      if (!seen[q]) {
        seen[q]      = 1;
        stack[top++] = q;
      }
    }
    sig += h; /* order independent */
  }
  return sig;
}

static int
name_cmp(const void* const a, const void* const b)
{
  return strcmp(((const AetherScheduleName*)a)->name,
                ((const AetherScheduleName*)b)->name);
}

static AetherSchedule*
schedule_alloc(const uint32_t n_steps,
               const uint32_t n_nodes,
               const uint32_t n_maps)
{
  AetherSchedule* const sch =
    (AetherSchedule*)calloc(1, sizeof(AetherSchedule));
  if (!sch) {
    return NULL;
  }
  const size_t step_bytes =
    (((size_t)n_steps * sizeof(AetherStep)) + AETHER_ALIGN) &
    ~(size_t)(AETHER_ALIGN - 1U);
  sch->steps = (AetherStep*)aligned_alloc(AETHER_ALIGN, step_bytes);
  sch->nodes = (AetherInstance**)calloc(n_nodes + 1U, sizeof(AetherInstance*));
  sch->names =
    (AetherScheduleName*)calloc(n_nodes + 1U, sizeof(AetherScheduleName));
  sch->maps =
    (AetherScheduleMap*)calloc(n_maps + 1U, sizeof(AetherScheduleMap));
  if (!sch->steps || !sch->nodes || !sch->names || !sch->maps) {
    aether_schedule_free(sch);
    return NULL;
  }
  memset(sch->steps, 0, step_bytes);
  return sch;
}

/* Resolve the arguments of a step of node position `p`. */
static void
resolve_args(const AetherGraph* const      graph,
             const Scratch* const          s,
             const AetherBufferPool* const pool,
             const AetherContext* const    ctx,
             const uint32_t                p,
             const bool                    reads_inputs,
             AetherProcessArgs* const      args)
{
  const GraphNode* const      n     = node_at(graph, s, p);
  const AetherNodeType* const type  = n->type;
  const float* const          quiet = aether_buffer_pool_silence(pool);

  args->ctx = ctx;
  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    args->in[i] = quiet;
  }
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    if (aether_graph_edge_set(n->src[i])) {
      args->connected |= 1U << i;
      if (reads_inputs) {
        const uint32_t q = s->pos[n->src[i].index];
        args->in[i]      = aether_buffer_pool_get(
          pool, s->buffer[q * AETHER_MAX_OUTPUTS + n->src_out[i]]);
      }
    }
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    args->out[o] =
      aether_buffer_pool_get(pool, s->buffer[p * AETHER_MAX_OUTPUTS + o]);
  }
  for (uint32_t i = 0; i < type->n_params; ++i) {
    args->param[i] = n->inst->buf + (size_t)i * AETHER_BUFFER_SIZE;
  }
}

/* Emit the steps: delay nodes in a loop process at their place and write
   at the end; other delay nodes write then process; the rest process. */
static uint32_t
emit_steps(const AetherGraph* const graph,
           const Scratch* const     s,
           uint32_t* const          step_node,
           uint8_t* const           step_kind)
{
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->n; ++i) {
    const uint32_t              p    = s->order[i];
    const AetherNodeType* const type = node_at(graph, s, p)->type;
    if (!(type->flags & AETHER_NODE_DELAY)) {
      step_node[k]   = p;
      step_kind[k++] = PROCESS;
    } else if (!s->feedback[p]) {
      step_node[k]   = p;
      step_kind[k++] = WRITE_THEN_PROCESS;
      step_node[k]   = p;
      step_kind[k++] = PROCESS;
    } else {
      step_node[k]   = p;
      step_kind[k++] = PROCESS_FEEDBACK;
    }
  }
  for (uint32_t i = 0; i < s->n; ++i) {
    const uint32_t p = s->order[i];
    if (s->feedback[p]) {
      step_node[k]   = p;
      step_kind[k++] = WRITE_FEEDBACK;
    }
  }
  return k;
}

AetherStatus
aether_schedule_compile(AetherGraph* const         graph,
                        AetherBufferPool* const    pool,
                        const AetherContext* const ctx,
                        AetherSchedule** const     out,
                        AetherError* const         err)
{
  Scratch      s;
  AetherStatus st = scratch_init(&s, graph);
  if (st) {
    return aether_error(err, st, "out of memory compiling the graph");
  }

  find_components(graph, &s);
  if ((st = order_nodes(graph, &s, err))) {
    scratch_free(&s);
    return st;
  }

  uint32_t n_delay = 0;
  for (uint32_t p = 0; p < s.n; ++p) {
    n_delay += (node_at(graph, &s, p)->type->flags & AETHER_NODE_DELAY) != 0;
  }
  const uint32_t  max_steps = s.n + n_delay;
  AetherSchedule* sch       = schedule_alloc(max_steps, s.n, graph->n_maps);
  uint32_t* step_node = (uint32_t*)malloc((max_steps + 1U) * sizeof(uint32_t));
  uint8_t*  step_kind = (uint8_t*)malloc(max_steps + 1U);
  if (!sch || !step_node || !step_kind) {
    aether_schedule_free(sch);
    free(step_node);
    free(step_kind);
    scratch_free(&s);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  const uint32_t n_steps = emit_steps(graph, &s, step_node, step_kind);

  /* Liveness: the last step reading each output. A loop-closing process
     step reads no inputs (its write step does). */
  for (uint32_t i = 0; i < s.n * AETHER_MAX_OUTPUTS; ++i) {
    s.last_use[i] = NONE;
    s.buffer[i]   = NONE;
  }
  for (uint32_t k = 0; k < n_steps; ++k) {
    if (step_kind[k] == PROCESS_FEEDBACK) {
      continue;
    }
    const GraphNode* const n = node_at(graph, &s, step_node[k]);
    for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
      if (aether_graph_edge_set(n->src[i])) {
        const uint32_t q = s.pos[n->src[i].index];
        s.last_use[q * AETHER_MAX_OUTPUTS + n->src_out[i]] = k;
      }
    }
  }

  /* Assign buffers in step order, releasing each after its last reader. */
  aether_buffer_pool_reset(pool);
  for (uint32_t k = 0; k < n_steps && !st; ++k) {
    const uint32_t         p    = step_node[k];
    const GraphNode* const n    = node_at(graph, &s, p);
    const uint8_t          kind = step_kind[k];
    const bool after_write      = k && step_kind[k - 1U] == WRITE_THEN_PROCESS;

    /* The first step of a node ticks its parameters and takes buffers for
       its outputs; a write step after the node's process is not first. */
    const bool first_step =
      kind == WRITE_FEEDBACK ? false : !(kind == PROCESS && after_write);

    if (first_step) {
      for (uint32_t o = 0; o < n->type->n_outputs && !st; ++o) {
        st = aether_buffer_pool_acquire(pool,
                                        &s.buffer[p * AETHER_MAX_OUTPUTS + o]);
      }
      if (st) {
        break;
      }
    }

    AetherStep* const step = &sch->steps[k];
    step->inst             = n->inst;
    step->first            = first_step;
    step->func = (kind == WRITE_THEN_PROCESS || kind == WRITE_FEEDBACK)
                   ? n->type->write
                   : n->type->process;
    resolve_args(
      graph, &s, pool, ctx, p, kind != PROCESS_FEEDBACK, &step->args);
    step->args.feedback = kind == PROCESS_FEEDBACK || kind == WRITE_FEEDBACK;

    /* Release what no later step reads: inputs read for the last time here,
       and outputs nobody reads once the node's last step is done. */
    if (kind != PROCESS_FEEDBACK) {
      for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
        if (!aether_graph_edge_set(n->src[i])) {
          continue;
        }
        const uint32_t q   = s.pos[n->src[i].index];
        const uint32_t key = q * AETHER_MAX_OUTPUTS + n->src_out[i];
        if (s.last_use[key] == k && s.buffer[key] != NONE) {
          aether_buffer_pool_release(pool, s.buffer[key]);
          s.buffer[key] = NONE; /* released once, even if read twice */
        }
      }
    }
    if (kind != WRITE_THEN_PROCESS && kind != WRITE_FEEDBACK) {
      for (uint32_t o = 0; o < n->type->n_outputs; ++o) {
        const uint32_t key = p * AETHER_MAX_OUTPUTS + o;
        if (s.last_use[key] == NONE && s.buffer[key] != NONE) {
          aether_buffer_pool_release(pool, s.buffer[key]);
          s.buffer[key] = NONE;
        }
      }
    }
  }
  if (st) {
    aether_schedule_free(sch);
    free(step_node);
    free(step_kind);
    scratch_free(&s);
    return aether_error(err,
                        AETHER_ERR_FULL,
                        "the graph needs more than %u buffers at once",
                        pool->capacity);
  }

  sch->n_steps   = n_steps;
  sch->n_buffers = pool->high_water;
  for (uint32_t i = 0; i < s.n; ++i) {
    const GraphNode* const n = node_at(graph, &s, s.order[i]);
    sch->nodes[i]            = n->inst;
    sch->names[i].name       = n->inst->name;
    sch->names[i].inst       = n->inst;
    sch->n_feedback += s.feedback[s.order[i]];
  }
  sch->n_nodes = s.n;
  qsort(sch->names, s.n, sizeof(AetherScheduleName), name_cmp);

  for (uint32_t i = 0; i < graph->n_maps; ++i) {
    const AetherMacroMap* const m = &graph->maps[i];
    sch->maps[i] = (AetherScheduleMap){ graph->nodes[m->node.index].inst,
                                        m->macro,
                                        m->param,
                                        m->min,
                                        m->max,
                                        m->curve };
  }
  sch->n_maps    = graph->n_maps;
  sch->signature = output_signature(graph, &s);

  free(step_node);
  free(step_kind);
  scratch_free(&s);
  *out = sch;
  return AETHER_SUCCESS;
}

void
aether_schedule_free(AetherSchedule* const schedule)
{
  if (schedule) {
    for (uint32_t i = 0; i < schedule->n_dead; ++i) {
      aether_instance_free(schedule->dead[i]);
    }
    free(schedule->dead);
    free(schedule->steps);
    free(schedule->nodes);
    free(schedule->names);
    free(schedule->maps);
    free(schedule->updates);
    free(schedule);
  }
}

AetherInstance*
aether_schedule_find(const AetherSchedule* const schedule,
                     const char* const           name)
{
  uint32_t lo = 0;
  uint32_t hi = schedule->n_nodes;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2U;
    const int      cmp = strcmp(schedule->names[mid].name, name);
    if (!cmp) {
      return schedule->names[mid].inst;
    }
    if (cmp < 0) {
      lo = mid + 1U;
    } else {
      hi = mid;
    }
  }
  return NULL;
}
