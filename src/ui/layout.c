/* Aether UI: node boxes and the automatic layout (see layout.h).

   Feedback: the connections that close a loop, found by a depth-first
   search from the sources (its back edges; in a valid patch every loop
   passes through a delay node). Without them the graph is acyclic: the
   longest path from the sources (Kahn's algorithm) gives each node its
   column. */

#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* Left and top margin of the automatic layout. */
#define MARGIN 20.0

void
aether_ui_node_size(const AetherPatchNode* const node,
                    double* const                w,
                    double* const                h)
{
  const uint32_t n_in  = node->type->n_inputs;
  const uint32_t n_out = node->type->n_outputs;
  const uint32_t rows  = n_in > n_out ? n_in : n_out;
  *w                   = AETHER_UI_BOX_W;
  *h =
    AETHER_UI_BOX_HEAD + (double)(rows ? rows : 1U) * AETHER_UI_PORT_ROW + 6.0;
}

void
aether_ui_port_pos(const AetherUiBox* const box,
                   const uint32_t           k,
                   const bool               output,
                   double* const            x,
                   double* const            y)
{
  *x = output ? box->x + box->w : box->x;
  *y = box->y + AETHER_UI_BOX_HEAD + ((double)k + 0.5) * AETHER_UI_PORT_ROW;
}

void
aether_ui_wire_curve(const double         x0,
                     const double         y0,
                     const double         x1,
                     const double         y1,
                     AetherUiCurve* const curve)
{
  const bool   back = x1 < x0 + 20.0;
  const double dx   = back ? 60.0 : fmax(40.0, fabs(x1 - x0) * 0.5);
  if (!back) {
    const double seg[8] = { x0, y0, x0 + dx, y0, x1 - dx, y1, x1, y1 };
    curve->n            = 1U;
    memcpy(curve->seg[0], seg, sizeof(seg));
    return;
  }
  const double low  = fmax(y0, y1) + 40.0 + 0.15 * fabs(x0 - x1);
  const double mid  = (x0 + x1) * 0.5;
  const double a[8] = { x0, y0, x0 + dx, y0, x0 + dx, low, mid, low };
  const double b[8] = { mid, low, x1 - dx, low, x1 - dx, y1, x1, y1 };
  curve->n          = 2U;
  memcpy(curve->seg[0], a, sizeof(a));
  memcpy(curve->seg[1], b, sizeof(b));
}

bool
aether_ui_boxes_overlap(const AetherUiBox* const a, const AetherUiBox* const b)
{
  return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
         b->y < a->y + a->h;
}

void
aether_ui_layout_free(AetherUiLayout* const layout)
{
  free(layout->boxes);
  free(layout->feedback);
  free(layout->column);
  free(layout->placed);
  memset(layout, 0, sizeof(*layout));
}

/* The connections, as lists of consumers per source (CSR) and of
   (source, destination, input) per connection. */
typedef struct {
  uint32_t  n_edges;
  uint32_t* src;   /**< [edge] */
  uint32_t* dst;   /**< [edge] */
  uint32_t* input; /**< [edge] */
  uint32_t* first; /**< [node + 1]: out-edges of node v are first[v] .. */
  uint32_t* out;   /**< [edge]: edge indices sorted by source */
  uint32_t* in;    /**< [node + 1]: in-edges of v are in[v] .. in[v + 1] */
} Edges;

static void
edges_free(Edges* const e)
{
  free(e->src);
  free(e->dst);
  free(e->input);
  free(e->first);
  free(e->out);
  free(e->in);
}

static AetherStatus
edges_build(Edges* const e, const AetherPatch* const patch, const uint32_t n)
{
  const AetherPatchNode* const base = aether_patch_node(patch, 0);
  uint32_t                     m    = 0;
  for (uint32_t i = 0; i < n; ++i) {
    m += (uint32_t)__builtin_popcount(base[i].inputs_set);
  }
  e->src   = (uint32_t*)calloc(m + 1U, sizeof(uint32_t));
  e->dst   = (uint32_t*)calloc(m + 1U, sizeof(uint32_t));
  e->input = (uint32_t*)calloc(m + 1U, sizeof(uint32_t));
  e->first = (uint32_t*)calloc(n + 2U, sizeof(uint32_t));
  e->out   = (uint32_t*)calloc(m + 1U, sizeof(uint32_t));
  e->in    = (uint32_t*)calloc(n + 2U, sizeof(uint32_t));
  if (!e->src || !e->dst || !e->input || !e->first || !e->out || !e->in) {
    return AETHER_ERR_NO_MEMORY;
  }

  /* Made destination by destination: in-edges are contiguous. */
  for (uint32_t i = 0; i < n; ++i) {
    e->in[i] = e->n_edges;
    for (uint32_t k = 0; k < AETHER_MAX_INPUTS; ++k) {
      if (!((base[i].inputs_set >> k) & 1U)) {
        continue;
      }
      const AetherPatchNode* const s =
        aether_patch_find(patch, base[i].inputs[k].source);
      if (!s) {
        continue; /* a description not validated: drawn without it */
      }
      e->src[e->n_edges]   = (uint32_t)(s - base);
      e->dst[e->n_edges]   = i;
      e->input[e->n_edges] = k;
      ++e->first[e->src[e->n_edges] + 1U];
      ++e->n_edges;
    }
  }
  e->in[n] = e->n_edges;
  for (uint32_t v = 0; v < n; ++v) {
    e->first[v + 1U] += e->first[v];
  }
  uint32_t* const fill = (uint32_t*)calloc(n + 1U, sizeof(uint32_t));
  if (!fill) {
    return AETHER_ERR_NO_MEMORY;
  }
  for (uint32_t x = 0; x < e->n_edges; ++x) {
    const uint32_t v                = e->src[x];
    e->out[e->first[v] + fill[v]++] = x;
  }
  free(fill);
  return AETHER_SUCCESS;
}

/* Feedback connections: the back edges of a depth-first search started
   from the sources (nodes nothing feeds), in patch order, so that a loop is
   entered where the signal comes in and closed by the connection that
   goes back. Without recursion. */
static AetherStatus
find_feedback(const Edges* const e, const uint32_t n, uint8_t* const is_fb)
{
  uint8_t* const  state = (uint8_t*)calloc(n + 1U, 1U); /* 1 open, 2 done */
  uint32_t* const callv = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  uint32_t* const calle = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  if (!state || !callv || !calle) {
    free(state);
    free(callv);
    free(calle);
    return AETHER_ERR_NO_MEMORY;
  }

  for (uint32_t pass = 0; pass < 2U; ++pass) {
    for (uint32_t s = 0; s < n; ++s) {
      if (state[s] || (pass == 0U && e->in[s] != e->in[s + 1U])) {
        continue; /* sources first, then whatever only loops reach */
      }
      uint32_t calls = 0;
      state[s]       = 1U;
      callv[calls]   = s;
      calle[calls++] = e->first[s];
      while (calls) {
        const uint32_t v = callv[calls - 1U];
        if (calle[calls - 1U] == e->first[v + 1U]) {
          state[v] = 2U;
          --calls;
          continue;
        }
        const uint32_t x = e->out[calle[calls - 1U]++];
        const uint32_t w = e->dst[x];
        if (state[w] == 1U) {
          is_fb[x] = 1U; /* back to a node being searched: closes a loop */
        } else if (!state[w]) {
          state[w]       = 1U;
          callv[calls]   = w;
          calle[calls++] = e->first[w];
        }
      }
    }
  }

  free(state);
  free(callv);
  free(calle);
  return AETHER_SUCCESS;
}

/* Longest path from the sources over the connections that are not
   feedback (Kahn); nodes of a loop without a delay (not in a valid patch)
   keep what they have. */
static AetherStatus
ranks(const Edges* const   e,
      const uint8_t* const is_feedback,
      const uint32_t       n,
      uint32_t* const      rank)
{
  uint32_t* const indeg = (uint32_t*)calloc(n + 1U, sizeof(uint32_t));
  uint32_t* const queue = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  if (!indeg || !queue) {
    free(indeg);
    free(queue);
    return AETHER_ERR_NO_MEMORY;
  }
  for (uint32_t x = 0; x < e->n_edges; ++x) {
    indeg[e->dst[x]] += !is_feedback[x];
  }
  uint32_t head = 0;
  uint32_t tail = 0;
  for (uint32_t v = 0; v < n; ++v) {
    rank[v] = 0;
    if (!indeg[v]) {
      queue[tail++] = v;
    }
  }
  while (head < tail) {
    const uint32_t v = queue[head++];
    for (uint32_t j = e->first[v]; j < e->first[v + 1U]; ++j) {
      const uint32_t x = e->out[j];
      const uint32_t w = e->dst[x];
      if (is_feedback[x]) {
        continue;
      }
      if (rank[v] + 1U > rank[w]) {
        rank[w] = rank[v] + 1U;
      }
      if (!--indeg[w]) {
        queue[tail++] = w;
      }
    }
  }
  free(indeg);
  free(queue);
  return AETHER_SUCCESS;
}

static bool
is_type(const AetherPatchNode* const node, const char* const name)
{
  return !strcmp(node->type->name, name);
}

/* The edge nodes: what comes into the plugin on the left. */
static bool
is_input_node(const AetherPatchNode* const node)
{
  return is_type(node, "AudioIn") || is_type(node, "MidiNote") ||
         is_type(node, "MidiCc");
}

/* AudioOut at the right edge, other sources just before what they feed. */
static void
edge_columns(const Edges* const           e,
             const uint8_t* const         is_feedback,
             const AetherPatchNode* const nodes,
             const uint32_t               n,
             uint32_t* const              rank)
{
  uint32_t last = 0;
  for (uint32_t v = 0; v < n; ++v) {
    last = rank[v] > last ? rank[v] : last;
  }
  for (uint32_t v = 0; v < n; ++v) {
    if (is_type(&nodes[v], "AudioOut")) {
      rank[v] = last;
    }
  }

  for (uint32_t v = 0; v < n; ++v) {
    bool     fed   = false;
    uint32_t first = NONE;
    for (uint32_t x = e->in[v]; x < e->in[v + 1U] && !fed; ++x) {
      fed = !is_feedback[x];
    }
    if (fed || is_input_node(&nodes[v])) {
      continue;
    }
    for (uint32_t j = e->first[v]; j < e->first[v + 1U]; ++j) {
      const uint32_t x = e->out[j];
      if (!is_feedback[x] && rank[e->dst[x]] < first) {
        first = rank[e->dst[x]];
      }
    }
    rank[v] = (first != NONE && first > 0U) ? first - 1U : 0U;
  }
}

/* Order of the nodes of one column: by the place they would like (the
   mean height of what feeds them), then by patch order. */
typedef struct {
  double   want;
  uint32_t node;
} Slot;

static int
compare_slots(const void* const a, const void* const b)
{
  const Slot* const x = (const Slot*)a;
  const Slot* const y = (const Slot*)b;
  if (x->want != y->want) {
    return x->want < y->want ? -1 : 1;
  }
  return x->node < y->node ? -1 : x->node > y->node;
}

/* Push `box` down below every placed box (`placed`, `n_placed` of them)
   it overlaps. */
static void
avoid_placed(const AetherUiLayout* const layout,
             const uint32_t* const       placed,
             const uint32_t              n_placed,
             AetherUiBox* const          box)
{
  bool moved = true;
  while (moved) {
    moved = false;
    for (uint32_t i = 0; i < n_placed; ++i) {
      const AetherUiBox* const other = &layout->boxes[placed[i]];
      if (aether_ui_boxes_overlap(box, other)) {
        box->y = other->y + other->h + AETHER_UI_ROW_GAP;
        moved  = true;
      }
    }
  }
}

static AetherStatus
place_columns(AetherUiLayout* const layout,
              const Edges* const    e,
              const uint8_t* const  is_feedback,
              const uint32_t        n)
{
  uint32_t last = 0;
  for (uint32_t v = 0; v < n; ++v) {
    last = layout->column[v] > last ? layout->column[v] : last;
  }

  /* Column by column, so that what feeds a node is placed before it. */
  Slot* const     slots  = (Slot*)malloc((n + 1U) * sizeof(Slot));
  uint32_t* const order  = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  uint32_t* const start  = (uint32_t*)calloc(last + 2U, sizeof(uint32_t));
  uint32_t* const placed = (uint32_t*)malloc((n + 1U) * sizeof(uint32_t));
  if (!slots || !order || !start || !placed) {
    free(slots);
    free(order);
    free(start);
    free(placed);
    return AETHER_ERR_NO_MEMORY;
  }
  uint32_t n_placed = 0;
  for (uint32_t v = 0; v < n; ++v) {
    if (layout->placed[v]) {
      placed[n_placed++] = v;
    }
  }
  for (uint32_t v = 0; v < n; ++v) {
    ++start[layout->column[v] + 1U];
  }
  for (uint32_t c = 0; c <= last; ++c) {
    start[c + 1U] += start[c];
  }
  for (uint32_t v = 0; v < n; ++v) {
    order[start[layout->column[v]]++] = v;
  }
  for (uint32_t c = last + 1U; c > 0U; --c) {
    start[c] = start[c - 1U];
  }
  start[0] = 0;

  for (uint32_t c = 0; c <= last; ++c) {
    uint32_t n_slots = 0;
    for (uint32_t i = start[c]; i < start[c + 1U]; ++i) {
      const uint32_t v   = order[i];
      double         sum = 0.0;
      uint32_t       cnt = 0;
      if (layout->placed[v]) {
        continue;
      }
      for (uint32_t x = e->in[v]; x < e->in[v + 1U]; ++x) {
        if (!is_feedback[x]) {
          const AetherUiBox* const b = &layout->boxes[e->src[x]];
          sum += b->y + b->h * 0.5;
          ++cnt;
        }
      }
      slots[n_slots].want = cnt ? sum / cnt - layout->boxes[v].h * 0.5 : 0.0;
      slots[n_slots].node = v;
      ++n_slots;
    }
    qsort(slots, n_slots, sizeof(Slot), compare_slots);

    double cursor = MARGIN;
    for (uint32_t s = 0; s < n_slots; ++s) {
      AetherUiBox* const box = &layout->boxes[slots[s].node];
      box->x = MARGIN + (double)c * (AETHER_UI_BOX_W + AETHER_UI_COL_GAP);
      box->y = slots[s].want > cursor ? slots[s].want : cursor;
      avoid_placed(layout, placed, n_placed, box);
      cursor = box->y + box->h + AETHER_UI_ROW_GAP;
    }
  }

  free(slots);
  free(order);
  free(start);
  free(placed);
  return AETHER_SUCCESS;
}

AetherStatus
aether_ui_layout_compute(AetherUiLayout* const    layout,
                         const AetherPatch* const patch)
{
  const uint32_t               n     = aether_patch_n_nodes(patch);
  const AetherPatchNode* const nodes = aether_patch_node(patch, 0);
  aether_ui_layout_free(layout);
  layout->boxes    = (AetherUiBox*)calloc(n + 1U, sizeof(AetherUiBox));
  layout->feedback = (uint8_t*)calloc((n + 1U) * AETHER_MAX_INPUTS, 1U);
  layout->column   = (uint32_t*)calloc(n + 1U, sizeof(uint32_t));
  layout->placed   = (bool*)calloc(n + 1U, sizeof(bool));

  Edges e;
  memset(&e, 0, sizeof(e));
  AetherStatus st =
    (layout->boxes && layout->feedback && layout->column && layout->placed)
      ? edges_build(&e, patch, n)
      : AETHER_ERR_NO_MEMORY;
  uint8_t* const is_feedback = st ? NULL : (uint8_t*)calloc(e.n_edges + 1U, 1U);
  if (!st && !is_feedback) {
    st = AETHER_ERR_NO_MEMORY;
  }
  if (!st && !(st = find_feedback(&e, n, is_feedback))) {
    for (uint32_t x = 0; x < e.n_edges; ++x) {
      layout->feedback[(size_t)e.dst[x] * AETHER_MAX_INPUTS + e.input[x]] =
        is_feedback[x];
    }
    st = ranks(&e, is_feedback, n, layout->column);
  }
  if (!st) {
    edge_columns(&e, is_feedback, nodes, n, layout->column);
    for (uint32_t v = 0; v < n; ++v) {
      AetherUiBox* const box = &layout->boxes[v];
      aether_ui_node_size(&nodes[v], &box->w, &box->h);
      if (nodes[v].layout_set == AETHER_PATCH_XY) {
        box->x            = nodes[v].x;
        box->y            = nodes[v].y;
        layout->placed[v] = true;
      }
    }
    st = place_columns(layout, &e, is_feedback, n);
  }

  edges_free(&e);
  free(is_feedback);
  if (st) {
    aether_ui_layout_free(layout);
    return st;
  }
  layout->n_nodes = n;
  return AETHER_SUCCESS;
}
