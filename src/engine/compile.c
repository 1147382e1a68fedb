/* Aether: the graph compiler (control side). It orders the nodes (Kahn's
   algorithm), breaks feedback loops at delay nodes (found with Tarjan's
   strongly connected components), expands per-voice nodes into one unit per
   voice (with sum steps where a shared node reads them), assigns pool
   buffers by liveness and resolves every pointer into a flat array of
   steps. */

#include "fuse.h"
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* What one step does. */
enum {
  PROCESS,            /* an ordinary node, or a delay after its write */
  WRITE_THEN_PROCESS, /* a delay outside loops: consume, then produce */
  PROCESS_FEEDBACK,   /* a delay closing a loop: produce from the past */
  WRITE_FEEDBACK,     /* ... and consume at the end of the schedule */
  VOICE_SUM,          /* sum the voices of one per-voice output */
};

/* One step to emit: which node (position), voice or output, and kind. */
typedef struct {
  uint32_t p;
  uint32_t v; /* voice, or the output for VOICE_SUM */
  uint32_t kind;
} Plan;

/* Scratch arrays for one compile. Positions are dense (0 .. n - 1); a unit
   is one instance (a per-voice node has one unit per voice). */
typedef struct {
  uint32_t  n;        /**< live nodes */
  uint32_t  voices;   /**< per-voice units of a poly node */
  uint32_t* slot;     /**< position -> graph slot */
  uint32_t* pos;      /**< graph slot -> position (capacity entries) */
  uint32_t* comp;     /**< strongly connected component of each position */
  uint32_t* order;    /**< positions in execution order */
  uint8_t*  feedback; /**< delay node closing a loop */
  uint32_t* base;     /**< position -> first unit */
  uint32_t  n_units;
  uint32_t* last_use; /**< unit * MAX_OUTPUTS: last step reading an output */
  uint32_t* buffer;   /**< unit * MAX_OUTPUTS: its pool buffer */
  uint32_t* sum_last; /**< position * MAX_OUTPUTS: last reader of a sum */
  uint32_t* sum_buf;  /**< position * MAX_OUTPUTS: the sum's buffer */
  uint32_t* a;        /**< general scratch, n entries */
  uint32_t* b;        /**< general scratch, n entries */
  uint32_t* c;        /**< general scratch, n entries */
  uint32_t* d;        /**< general scratch, n entries */
} Scratch;

static void
scratch_free(Scratch* const s)
{
  free(s->slot);
  free(s->pos);
  free(s->comp);
  free(s->order);
  free(s->feedback);
  free(s->base);
  free(s->last_use);
  free(s->buffer);
  free(s->sum_last);
  free(s->sum_buf);
  free(s->a);
  free(s->b);
  free(s->c);
  free(s->d);
}

static inline const GraphNode*
node_at(const AetherGraph* const graph,
        const Scratch* const     s,
        const uint32_t           p)
{
  return &graph->nodes[s->slot[p]];
}

/* A node with one unit per voice (a poly node with a single voice is one
   unit, told its voice all the same). */
static inline bool
multi(const AetherGraph* const graph, const Scratch* const s, const uint32_t p)
{
  return s->voices > 1U && node_at(graph, s, p)->poly;
}

static AetherStatus
scratch_init(Scratch* const s, const AetherGraph* const graph)
{
  const uint32_t n   = graph->arena.n_live;
  const size_t   m   = n ? n : 1U;
  const size_t   cap = graph->arena.end ? graph->arena.end : 1U;

  memset(s, 0, sizeof(*s));
  s->n        = n;
  s->voices   = graph->voices;
  s->slot     = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->pos      = (uint32_t*)malloc(cap * sizeof(uint32_t));
  s->comp     = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->order    = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->feedback = (uint8_t*)calloc(m, 1U);
  s->base     = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->sum_last = (uint32_t*)malloc(m * AETHER_MAX_OUTPUTS * sizeof(uint32_t));
  s->sum_buf  = (uint32_t*)malloc(m * AETHER_MAX_OUTPUTS * sizeof(uint32_t));
  s->a        = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->b        = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->c        = (uint32_t*)malloc(m * sizeof(uint32_t));
  s->d        = (uint32_t*)malloc(m * sizeof(uint32_t));
  if (!s->slot || !s->pos || !s->comp || !s->order || !s->feedback ||
      !s->base || !s->sum_last || !s->sum_buf || !s->a || !s->b || !s->c ||
      !s->d) {
    scratch_free(s);
    return AETHER_ERR_NO_MEMORY;
  }

  uint32_t k = 0;
  for (uint32_t slot = 0; slot < graph->arena.end; ++slot) {
    s->pos[slot] = NONE;
    if (graph->nodes[slot].inst) {
      s->pos[slot] = k;
      s->slot[k++] = slot;
    }
  }

  for (uint32_t p = 0; p < n; ++p) {
    s->base[p] = s->n_units;
    s->n_units += multi(graph, s, p) ? s->voices : 1U;
  }
  const size_t u = (s->n_units ? s->n_units : 1U) * (size_t)AETHER_MAX_OUTPUTS;
  s->last_use    = (uint32_t*)malloc(u * sizeof(uint32_t));
  s->buffer      = (uint32_t*)malloc(u * sizeof(uint32_t));
  if (!s->last_use || !s->buffer) {
    scratch_free(s);
    return AETHER_ERR_NO_MEMORY;
  }
  return AETHER_SUCCESS;
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
  uint32_t* const call  = s->d;     /* DFS call stack of positions */
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

/* A hash of every node that can reach a sink, with its inputs and voices:
   equal signatures mean an edit did not change the path to the output.
   Uses b as a visited mark and c as a work stack. */
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
    uint64_t h = mix64(n->inst->serial ^ ((uint64_t)n->poly << 62U) ^
                       (n->poly ? (uint64_t)s->voices << 40U : 0U));
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

/* Does a shared node read output `o` of position `p`? */
static bool
read_by_shared(const AetherGraph* const graph,
               const Scratch* const     s,
               const uint32_t           p,
               const uint32_t           o)
{
  const GraphNode* const n = node_at(graph, s, p);
  for (uint32_t i = 0; i < n->n_consumers; ++i) {
    const GraphConsumer* const c  = &n->consumers[i];
    const GraphNode* const     cn = &graph->nodes[c->node];
    if (!cn->poly && cn->src_out[c->input] == o) {
      return true;
    }
  }
  return false;
}

/* Plan the steps: per node in order, its units (delay nodes in a loop
   process here and write at the end; other delay nodes write then process),
   then a voice sum for each per-voice output a shared node reads. */
static uint32_t
plan_steps(const AetherGraph* const graph,
           const Scratch* const     s,
           Plan* const              plan)
{
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->n; ++i) {
    const uint32_t              p     = s->order[i];
    const AetherNodeType* const type  = node_at(graph, s, p)->type;
    const uint32_t              units = multi(graph, s, p) ? s->voices : 1U;
    for (uint32_t v = 0; v < units; ++v) {
      if (!(type->flags & AETHER_NODE_DELAY)) {
        plan[k++] = (Plan){ p, v, PROCESS };
      } else if (!s->feedback[p]) {
        plan[k++] = (Plan){ p, v, WRITE_THEN_PROCESS };
        plan[k++] = (Plan){ p, v, PROCESS };
      } else {
        plan[k++] = (Plan){ p, v, PROCESS_FEEDBACK };
      }
    }
    if (units > 1U) {
      for (uint32_t o = 0; o < type->n_outputs; ++o) {
        if (read_by_shared(graph, s, p, o)) {
          plan[k++] = (Plan){ p, o, VOICE_SUM };
        }
      }
    }
  }
  for (uint32_t i = 0; i < s->n; ++i) {
    const uint32_t p = s->order[i];
    if (s->feedback[p]) {
      const uint32_t units = multi(graph, s, p) ? s->voices : 1U;
      for (uint32_t v = 0; v < units; ++v) {
        plan[k++] = (Plan){ p, v, WRITE_FEEDBACK };
      }
    }
  }
  return k;
}

/* Where unit (p, v) reads its input `i` from: a unit output or a voice sum.
   Returns a pointer to the liveness slot, and the buffer slot in `buf`. */
static uint32_t*
input_slot(const AetherGraph* const graph,
           Scratch* const           s,
           const uint32_t           p,
           const uint32_t           v,
           const uint32_t           i,
           uint32_t** const         buf)
{
  const GraphNode* const n = node_at(graph, s, p);
  const uint32_t         q = s->pos[n->src[i].index];
  const uint32_t         o = n->src_out[i];
  if (multi(graph, s, q) && !multi(graph, s, p)) {
    *buf = &s->sum_buf[q * AETHER_MAX_OUTPUTS + o];
    return &s->sum_last[q * AETHER_MAX_OUTPUTS + o];
  }
  const uint32_t unit = s->base[q] + (multi(graph, s, q) ? v : 0U);
  *buf                = &s->buffer[unit * AETHER_MAX_OUTPUTS + o];
  return &s->last_use[unit * AETHER_MAX_OUTPUTS + o];
}

static void
sum_voices(void* const self, const AetherProcessArgs* const args, uint32_t n)
{
  const AetherVoiceSum* const sum = (const AetherVoiceSum*)self;
  float* const restrict out       = args->out[0];
  memcpy(out, sum->in[0], n * sizeof(float));
  for (uint32_t v = 1; v < sum->n; ++v) {
    const float* const restrict in = sum->in[v];
    for (uint32_t t = 0; t < n; ++t) {
      out[t] += in[t];
    }
  }
}

static AetherSchedule*
schedule_alloc(const uint32_t n_steps,
               const uint32_t n_sums,
               const uint32_t n_units,
               const uint32_t n_names,
               const uint32_t n_maps,
               const uint32_t n_cc_maps)
{
  /* Aligned: the instance of sum steps inside (`dummy`) is. */
  AetherSchedule* const sch =
    (AetherSchedule*)aligned_alloc(AETHER_ALIGN, sizeof(AetherSchedule));
  if (!sch) {
    return NULL;
  }
  memset(sch, 0, sizeof(*sch));
  const size_t step_bytes =
    (((size_t)n_steps * sizeof(AetherStep)) + AETHER_ALIGN) &
    ~(size_t)(AETHER_ALIGN - 1U);
  sch->steps = (AetherStep*)aligned_alloc(AETHER_ALIGN, step_bytes);
  sch->nodes = (AetherInstance**)calloc(n_units + 1U, sizeof(AetherInstance*));
  sch->names =
    (AetherScheduleName*)calloc(n_names + 1U, sizeof(AetherScheduleName));
  sch->maps =
    (AetherScheduleMap*)calloc(n_maps + 1U, sizeof(AetherScheduleMap));
  sch->sums = (AetherVoiceSum*)calloc(n_sums + 1U, sizeof(AetherVoiceSum));
  sch->step_inst =
    (AetherInstance**)calloc(n_steps + 1U, sizeof(AetherInstance*));
  sch->step_first = (uint8_t*)calloc(n_steps + 1U, 1U);
  sch->cc_maps =
    (AetherScheduleMap*)calloc(n_cc_maps + 1U, sizeof(AetherScheduleMap));
  sch->src_keys =
    (uint64_t*)calloc((n_steps + 1U) * AETHER_MAX_INPUTS, sizeof(uint64_t));
  if (!sch->steps || !sch->nodes || !sch->names || !sch->maps || !sch->sums ||
      !sch->step_inst || !sch->step_first || !sch->cc_maps || !sch->src_keys) {
    aether_schedule_free(sch);
    return NULL;
  }
  memset(sch->steps, 0, step_bytes);
  return sch;
}

/* What input `i` of unit `v` of node at position `p` reads, as a number
   that is the same in two schedules only if the source is: the source
   instance's serial and output, and whether it reads the sum of voices. */
static uint64_t
source_key(const AetherGraph* const graph,
           Scratch* const           s,
           const uint32_t           p,
           const uint32_t           v,
           const uint32_t           i)
{
  const GraphNode* const n   = node_at(graph, s, p);
  const uint32_t         q   = s->pos[n->src[i].index];
  const GraphNode* const src = node_at(graph, s, q);
  const bool             sum = multi(graph, s, q) && !multi(graph, s, p);
  const uint32_t         sv  = multi(graph, s, q) && !sum ? v : 0U;
  return ((uint64_t)aether_graph_node_voice(src, sv)->serial << 8U) |
         ((uint64_t)sum << 7U) | (uint64_t)(n->src_out[i] + 1U);
}

/* Resolve the arguments of a unit step into `slots` (n_inputs + n_outputs
   pointers, packed) and the sources of its inputs into `keys`. */
static void
resolve_args(const AetherGraph* const      graph,
             Scratch* const                s,
             const AetherBufferPool* const pool,
             const AetherContext* const    ctx,
             const Plan* const             step,
             AetherInstance* const         inst,
             float** const                 slots,
             uint64_t* const               keys,
             AetherProcessArgs* const      args)
{
  const uint32_t              p     = step->p;
  const GraphNode* const      n     = node_at(graph, s, p);
  const AetherNodeType* const type  = n->type;
  const float* const          quiet = aether_buffer_pool_silence(pool);
  const uint32_t unit = s->base[p] + (multi(graph, s, p) ? step->v : 0U);
  float** const  in   = slots;
  float** const  out  = slots + type->n_inputs;

  args->ctx   = ctx;
  args->in    = (const float* const*)in;
  args->out   = out;
  args->param = inst->param_ptr; /* the instance's table: see bind() */
  args->voice = n->poly ? step->v + 1U : 0U;
  args->feedback =
    step->kind == PROCESS_FEEDBACK || step->kind == WRITE_FEEDBACK;
  for (uint32_t i = 0; i < type->n_inputs; ++i) {
    in[i] = (float*)quiet; /* read only: nodes see const pointers */
    if (aether_graph_edge_set(n->src[i])) {
      args->connected |= 1U << i;
      if (step->kind != PROCESS_FEEDBACK) {
        uint32_t* buf = NULL;
        input_slot(graph, s, p, step->v, i, &buf);
        in[i]   = aether_buffer_pool_get(pool, *buf);
        keys[i] = source_key(graph, s, p, step->v, i);
      }
    }
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    out[o] =
      aether_buffer_pool_get(pool, s->buffer[unit * AETHER_MAX_OUTPUTS + o]);
  }
}

/* Release the buffers step `k` read for the last time. */
static void
release_inputs(const AetherGraph* const graph,
               Scratch* const           s,
               AetherBufferPool* const  pool,
               const Plan* const        step,
               const uint32_t           k)
{
  if (step->kind == VOICE_SUM) {
    for (uint32_t v = 0; v < s->voices; ++v) {
      const uint32_t key =
        (s->base[step->p] + v) * AETHER_MAX_OUTPUTS + step->v;
      if (s->last_use[key] == k && s->buffer[key] != NONE) {
        aether_buffer_pool_release(pool, s->buffer[key]);
        s->buffer[key] = NONE;
      }
    }
    return;
  }
  if (step->kind == PROCESS_FEEDBACK) {
    return;
  }
  const GraphNode* const n = node_at(graph, s, step->p);
  for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
    if (aether_graph_edge_set(n->src[i])) {
      uint32_t*       buf  = NULL;
      const uint32_t* last = input_slot(graph, s, step->p, step->v, i, &buf);
      if (*last == k && *buf != NONE) {
        aether_buffer_pool_release(pool, *buf);
        *buf = NONE; /* released once, even if read twice */
      }
    }
  }
}

/* Liveness: the last step reading each unit output and each voice sum. */
static void
find_last_uses(const AetherGraph* const graph,
               Scratch* const           s,
               const Plan* const        plan,
               const uint32_t           n_steps)
{
  for (uint32_t i = 0; i < s->n_units * AETHER_MAX_OUTPUTS; ++i) {
    s->last_use[i] = NONE;
    s->buffer[i]   = NONE;
  }
  for (uint32_t i = 0; i < s->n * AETHER_MAX_OUTPUTS; ++i) {
    s->sum_last[i] = NONE;
    s->sum_buf[i]  = NONE;
  }
  for (uint32_t k = 0; k < n_steps; ++k) {
    const Plan* const step = &plan[k];
    if (step->kind == VOICE_SUM) {
      for (uint32_t v = 0; v < s->voices; ++v) {
        s->last_use[(s->base[step->p] + v) * AETHER_MAX_OUTPUTS + step->v] = k;
      }
    } else if (step->kind != PROCESS_FEEDBACK) {
      const GraphNode* const n = node_at(graph, s, step->p);
      for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
        if (aether_graph_edge_set(n->src[i])) {
          uint32_t* buf                                    = NULL;
          *input_slot(graph, s, step->p, step->v, i, &buf) = k;
        }
      }
    }
  }
}

/* Give the instances compiled for the first time their parameter tables
   (instance.h), packed in execution order in one slab: a patch loaded
   whole has the tables of all its nodes in the order the audio thread
   reads them. An instance keeps its table for life (state continuity: a
   later compile never moves it). */
static AetherStatus
bind_new_instances(const AetherGraph* const graph, const Scratch* const s)
{
  AetherInstance** const list =
    (AetherInstance**)malloc((s->n_units + 1U) * sizeof(AetherInstance*));
  if (!list) {
    return AETHER_ERR_NO_MEMORY;
  }
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->n; ++i) {
    const uint32_t         p     = s->order[i];
    const GraphNode* const node  = node_at(graph, s, p);
    const uint32_t         units = multi(graph, s, p) ? s->voices : 1U;
    for (uint32_t v = 0; v < units; ++v) {
      AetherInstance* const inst = aether_graph_node_voice(node, v);
      if (!inst->param_ptr && inst->type->n_params) {
        list[n++] = inst;
      }
    }
  }
  const AetherStatus st = aether_instance_bind(list, n);
  free(list);
  return st;
}

/* Fuse chains of scaling nodes, given how many readers the first output of
   each step's node has in the graph (shared nodes only). */
static uint32_t
fuse(const AetherGraph* const graph,
     Scratch* const           s,
     const Plan* const        plan,
     AetherSchedule* const    sch,
     const uint32_t           n_steps)
{
  uint32_t* const count   = (uint32_t*)calloc(s->n + 1U, sizeof(uint32_t));
  uint32_t* const readers = (uint32_t*)calloc(n_steps + 1U, sizeof(uint32_t));
  uint32_t        result  = n_steps;
  if (count && readers) {
    for (uint32_t p = 0; p < s->n; ++p) {
      const GraphNode* const n = node_at(graph, s, p);
      for (uint32_t i = 0; i < n->type->n_inputs; ++i) {
        if (aether_graph_edge_set(n->src[i]) && n->src_out[i] == 0U) {
          ++count[s->pos[n->src[i].index]];
        }
      }
    }
    for (uint32_t k = 0; k < n_steps; ++k) {
      const uint32_t p = plan[k].p;
      readers[k] =
        plan[k].kind == PROCESS && !multi(graph, s, p) ? count[p] : 0U;
    }
    result = aether_fuse_scale_chains(sch, readers, n_steps);
  }
  free(count);
  free(readers);
  return result;
}

AetherStatus
aether_schedule_compile(AetherGraph* const         graph,
                        AetherBufferPool* const    pool,
                        const AetherContext* const ctx,
                        const bool                 fuse_chains,
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

  /* At most: two steps per unit, plus a sum per output of a node. The
     schedule's arrays are then allocated for the steps planned, not this
     bound: a commit writes no more memory than the audio thread reads
     (what it writes evicts the audio thread's data from shared caches). */
  const uint32_t max_steps = 2U * s.n_units + s.n * AETHER_MAX_OUTPUTS + 1U;
  Plan* const    plan      = (Plan*)malloc(max_steps * sizeof(Plan));
  if (!plan) {
    scratch_free(&s);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  const uint32_t n_steps = plan_steps(graph, &s, plan);
  uint32_t       n_sums  = 0;
  for (uint32_t k = 0; k < n_steps; ++k) {
    n_sums += plan[k].kind == VOICE_SUM;
  }
  AetherSchedule* sch = schedule_alloc(
    n_steps, n_sums, s.n_units, s.n, graph->n_maps, graph->n_cc_maps);
  if (!sch || bind_new_instances(graph, &s)) {
    aether_schedule_free(sch);
    free(plan);
    scratch_free(&s);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  find_last_uses(graph, &s, plan, n_steps);

  size_t n_ptrs = 1U;
  for (uint32_t k = 0; k < n_steps; ++k) {
    const AetherNodeType* const t = node_at(graph, &s, plan[k].p)->type;
    n_ptrs +=
      plan[k].kind == VOICE_SUM ? 1U : (size_t)t->n_inputs + t->n_outputs;
  }
  if (!(sch->ptrs = (float**)calloc(n_ptrs, sizeof(float*)))) {
    aether_schedule_free(sch);
    free(plan);
    scratch_free(&s);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  float** slots = sch->ptrs;

  /* Assign buffers in step order, releasing each after its last reader. */
  aether_buffer_pool_reset(pool);
  for (uint32_t k = 0; k < n_steps && !st; ++k) {
    const Plan* const      step     = &plan[k];
    const GraphNode* const n        = node_at(graph, &s, step->p);
    AetherStep* const      out_step = &sch->steps[k];

    if (step->kind == VOICE_SUM) {
      const uint32_t key = step->p * AETHER_MAX_OUTPUTS + step->v;
      if ((st = aether_buffer_pool_acquire(pool, &s.sum_buf[key]))) {
        break;
      }
      AetherVoiceSum* const sum = &sch->sums[sch->n_sums++];
      sum->n                    = s.voices;
      for (uint32_t v = 0; v < s.voices; ++v) {
        sum->in[v] = aether_buffer_pool_get(
          pool, s.buffer[(s.base[step->p] + v) * AETHER_MAX_OUTPUTS + step->v]);
      }
      slots[0]           = aether_buffer_pool_get(pool, s.sum_buf[key]);
      out_step->func     = sum_voices;
      out_step->self     = sum;
      out_step->args.ctx = ctx;
      out_step->args.out = slots;
      sch->step_inst[k]  = &sch->dummy;
      sch->step_first[k] = 0;
      slots += 1;
      release_inputs(graph, &s, pool, step, k);
      continue;
    }

    /* The first step of a unit ticks its parameters and takes buffers for
       its outputs; a write step after the unit's process is not first. */
    const bool     after_write = k && plan[k - 1U].kind == WRITE_THEN_PROCESS;
    const bool     first       = step->kind == WRITE_FEEDBACK
                                   ? false
                                   : !(step->kind == PROCESS && after_write);
    const uint32_t unit =
      s.base[step->p] + (multi(graph, &s, step->p) ? step->v : 0U);
    if (first) {
      for (uint32_t o = 0; o < n->type->n_outputs && !st; ++o) {
        st = aether_buffer_pool_acquire(
          pool, &s.buffer[unit * AETHER_MAX_OUTPUTS + o]);
      }
      if (st) {
        break;
      }
    }

    AetherInstance* const inst =
      aether_graph_node_voice(n, multi(graph, &s, step->p) ? step->v : 0U);
    sch->step_inst[k]  = inst;
    sch->step_first[k] = first;
    out_step->self     = inst->self;
    out_step->func =
      (step->kind == WRITE_THEN_PROCESS || step->kind == WRITE_FEEDBACK)
        ? n->type->write
        : n->type->process;
    resolve_args(graph,
                 &s,
                 pool,
                 ctx,
                 step,
                 inst,
                 slots,
                 sch->src_keys + (size_t)k * AETHER_MAX_INPUTS,
                 &out_step->args);
    slots += n->type->n_inputs + n->type->n_outputs;

    /* Release what no later step reads: inputs read for the last time here,
       and outputs nobody reads once the unit's last step is done. */
    release_inputs(graph, &s, pool, step, k);
    if (step->kind != WRITE_THEN_PROCESS && step->kind != WRITE_FEEDBACK) {
      for (uint32_t o = 0; o < n->type->n_outputs; ++o) {
        const uint32_t key = unit * AETHER_MAX_OUTPUTS + o;
        if (s.last_use[key] == NONE && s.buffer[key] != NONE) {
          aether_buffer_pool_release(pool, s.buffer[key]);
          s.buffer[key] = NONE;
        }
      }
    }
  }
  if (st) {
    aether_schedule_free(sch);
    free(plan);
    scratch_free(&s);
    return aether_error(err,
                        AETHER_ERR_FULL,
                        "the graph needs more than %u buffers at once",
                        pool->capacity);
  }

  sch->n_steps   = fuse_chains ? fuse(graph, &s, plan, sch, n_steps) : n_steps;
  sch->n_buffers = pool->high_water;
  sch->voices    = s.voices;
  /* The voices of a per-voice node in SIMD lanes: last, as it keeps the
     step array as it is and points into it. */
  aether_vgroup_build(sch, aether_simd_level());

  /* Instances node by node (a node's voices together), names, maps. */
  uint32_t* const first_inst = s.a;
  for (uint32_t i = 0; i < s.n; ++i) {
    const uint32_t         p     = s.order[i];
    const GraphNode* const n     = node_at(graph, &s, p);
    const uint32_t         units = multi(graph, &s, p) ? s.voices : 1U;
    first_inst[p]                = sch->n_nodes;
    for (uint32_t v = 0; v < units; ++v) {
      sch->nodes[sch->n_nodes++] = aether_graph_node_voice(n, v);
    }
    sch->names[i] =
      (AetherScheduleName){ n->inst->name, { first_inst[p], units } };
    sch->n_feedback += s.feedback[p];
    sch->has_poly |= n->poly;
  }
  sch->n_names = s.n;
  qsort(sch->names, s.n, sizeof(AetherScheduleName), name_cmp);

  for (uint32_t i = 0; i < graph->n_maps; ++i) {
    const AetherMacroMap* const m = &graph->maps[i];
    const uint32_t              p = s.pos[m->node.index];
    sch->maps[i]                  = (AetherScheduleMap){
                       .insts = { first_inst[p], multi(graph, &s, p) ? s.voices : 1U },
                       .macro = m->macro,
                       .param = m->param,
                       .min   = m->min,
                       .max   = m->max,
                       .curve = m->curve,
    };
  }
  sch->n_maps = graph->n_maps;
  for (uint32_t i = 0; i < graph->n_cc_maps; ++i) {
    const AetherCcMap* const m = &graph->cc_maps[i];
    const uint32_t           p = s.pos[m->node.index];
    sch->cc_maps[i]            = (AetherScheduleMap){
                 .insts   = { first_inst[p], multi(graph, &s, p) ? s.voices : 1U },
                 .macro   = m->cc,
                 .channel = m->channel,
                 .param   = m->param,
                 .min     = m->min,
                 .max     = m->max,
                 .curve   = m->curve,
    };
  }
  sch->n_cc_maps = graph->n_cc_maps;
  sch->signature = output_signature(graph, &s);

  free(plan);
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
    free(schedule->cc_maps);
    free(schedule->updates);
    free(schedule->sums);
    free(schedule->step_inst);
    free(schedule->step_first);
    free(schedule->ptrs);
    free(schedule->src_keys);
    free(schedule->ramp_out);
    free(schedule->ramp_in);
    free(schedule->fused);
    free(schedule->fused_members);
    free(schedule->vgroups);
    free(schedule->vmembers);
    free(schedule->vramps);
    free(schedule->vramp_floats);
    free(schedule);
  }
}

const AetherScheduleName*
aether_schedule_find(const AetherSchedule* const schedule,
                     const char* const           name)
{
  uint32_t lo = 0;
  uint32_t hi = schedule->n_names;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2U;
    const int      cmp = strcmp(schedule->names[mid].name, name);
    if (!cmp) {
      return &schedule->names[mid];
    }
    if (cmp < 0) {
      lo = mid + 1U;
    } else {
      hi = mid;
    }
  }
  return NULL;
}
