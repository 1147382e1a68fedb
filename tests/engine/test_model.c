/* Aether engine tests: thousands of random edits checked against a simple
   reference model of the graph. After each edit the graph matches the model;
   after each commit the schedule is a valid topological order of it; no
   arena slot, buffer or schedule leaks. */

#include "engine.h"
#include "engine_impl.h"
#include "test_types.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define MAX_MODEL 24

/* The model: plain arrays, everything recomputed from scratch. */
typedef struct {
  bool                  live[MAX_MODEL];
  const AetherNodeType* type[MAX_MODEL];
  AetherHandle          handle[MAX_MODEL];
  int                   src[MAX_MODEL][AETHER_MAX_INPUTS]; /* -1: none */
  uint32_t              src_out[MAX_MODEL][AETHER_MAX_INPUTS];
} Model;

static uint32_t rng = 777U;

static uint32_t
next(const uint32_t n)
{
  rng = rng * 1664525U + 1013904223U;
  return (rng >> 8U) % n;
}

/* Is there a path a -> ... -> b not entering a delay node (model)? */
static bool
reaches(const Model* const m, const int a, const int b, bool* const seen)
{
  if (a == b) {
    return true;
  }
  seen[a] = true;
  for (int c = 0; c < MAX_MODEL; ++c) {
    if (!m->live[c] || seen[c] || (m->type[c]->flags & AETHER_NODE_DELAY)) {
      continue;
    }
    for (uint32_t i = 0; i < m->type[c]->n_inputs; ++i) {
      if (m->src[c][i] == a && reaches(m, c, b, seen)) {
        return true;
      }
    }
  }
  return false;
}

static bool
would_cycle(const Model* const m, const int src, const int dst)
{
  if (m->type[dst]->flags & AETHER_NODE_DELAY) {
    return false;
  }
  bool seen[MAX_MODEL] = { false };
  return reaches(m, dst, src, seen);
}

static void
check_graph_matches_model(AetherEngine* const e, const Model* const m)
{
  const AetherGraph* const g       = aether_engine_graph(e);
  uint32_t                 n_nodes = 0;
  uint32_t                 n_edges = 0;
  for (int k = 0; k < MAX_MODEL; ++k) {
    if (!m->live[k]) {
      continue;
    }
    ++n_nodes;
    assert_ptr_equal(aether_graph_node_type(g, m->handle[k]), m->type[k]);
    for (uint32_t i = 0; i < m->type[k]->n_inputs; ++i) {
      AetherHandle src;
      uint32_t     out = 0;
      const bool   has = aether_graph_input(g, m->handle[k], i, &src, &out);
      assert_int_equal(has, m->src[k][i] >= 0);
      if (has) {
        ++n_edges;
        assert_int_equal(src.index, m->handle[m->src[k][i]].index);
        assert_int_equal(out, m->src_out[k][i]);
      }
    }
  }
  assert_int_equal(aether_graph_n_nodes(g), n_nodes);
  assert_int_equal(aether_graph_n_edges(g), n_edges);
}

static int
model_index(const Model* const m, const AetherInstance* const inst)
{
  for (int k = 0; k < MAX_MODEL; ++k) {
    if (m->live[k] && m->handle[k].index == inst->slot) {
      return k;
    }
  }
  return -1;
}

/* Every counted edge runs from an earlier step to a later one; a delay in
   feedback mode writes after all its sources. */
static void
check_schedule_order(const AetherSchedule* const sch, const Model* const m)
{
  int first[MAX_MODEL];
  int last[MAX_MODEL];
  int n_live = 0;
  for (int k = 0; k < MAX_MODEL; ++k) {
    first[k] = last[k] = -1;
    n_live += m->live[k];
  }
  assert_int_equal(sch->n_nodes, (uint32_t)n_live);
  for (uint32_t s = 0; s < sch->n_steps; ++s) {
    const int k = model_index(m, sch->step_inst[s]);
    assert_true(k >= 0);
    if (first[k] < 0) {
      first[k] = (int)s;
    }
    last[k] = (int)s;
  }
  for (int d = 0; d < MAX_MODEL; ++d) {
    if (!m->live[d]) {
      continue;
    }
    assert_true(first[d] >= 0);
    for (uint32_t i = 0; i < m->type[d]->n_inputs; ++i) {
      const int s = m->src[d][i];
      if (s < 0) {
        continue;
      }
      /* The step reading the input (the delay's write, else its process)
         comes after the source's process. */
      const bool feedback_write = sch->steps[last[d]].args.feedback;
      const int  reader         = feedback_write ? last[d] : first[d];
      assert_true(first[s] < reader || (s == d && feedback_write));
      if (!(m->type[d]->flags & AETHER_NODE_DELAY)) {
        assert_true(first[s] < first[d]);
      }
    }
  }
}

static void
test_random_edits_match_reference_model(void** state)
{
  (void)state;
  static const AetherNodeType* const types[] = { &test_ramp,  &test_sum,
                                                 &test_sum,   &test_split,
                                                 &test_delay, &test_out };

  AetherEngine* const e = aether_engine_new(48000.0);
  AetherGraph* const  g = aether_engine_graph(e);
  Model               m;
  memset(&m, 0, sizeof(m));
  for (int k = 0; k < MAX_MODEL; ++k) {
    for (int i = 0; i < AETHER_MAX_INPUTS; ++i) {
      m.src[k][i] = -1;
    }
  }

  float       left[64];
  float       right[64];
  char        name[16];
  AetherError err            = { AETHER_SUCCESS, "" };
  uint32_t    commits        = 0;
  uint32_t    refused_cycles = 0;

  for (uint32_t step = 0; step < 6000; ++step) {
    const uint32_t op = next(10);
    const int      k  = (int)next(MAX_MODEL);
    if (op < 3) { /* add */
      if (m.live[k]) {
        continue;
      }
      m.type[k] = types[next(6)];
      snprintf(name, sizeof(name), "n%d", k);
      assert_int_equal(aether_graph_add(g, m.type[k], name, &m.handle[k], &err),
                       AETHER_SUCCESS);
      m.live[k] = true;
      for (int i = 0; i < AETHER_MAX_INPUTS; ++i) {
        m.src[k][i] = -1;
      }
    } else if (op < 4) { /* remove */
      if (!m.live[k]) {
        assert_int_equal(aether_graph_remove(g, m.handle[k], &err),
                         m.handle[k].generation ? AETHER_ERR_BAD_HANDLE
                                                : AETHER_ERR_BAD_HANDLE);
        continue;
      }
      assert_int_equal(aether_graph_remove(g, m.handle[k], &err),
                       AETHER_SUCCESS);
      m.live[k] = false;
      for (int d = 0; d < MAX_MODEL; ++d) {
        for (int i = 0; i < AETHER_MAX_INPUTS; ++i) {
          if (m.src[d][i] == k) {
            m.src[d][i] = -1;
          }
        }
      }
    } else if (op < 8) { /* connect */
      const int d = (int)next(MAX_MODEL);
      if (!m.live[k] || !m.live[d] || !m.type[k]->n_outputs ||
          !m.type[d]->n_inputs) {
        continue;
      }
      const uint32_t     out = next(m.type[k]->n_outputs);
      const uint32_t     in  = next(m.type[d]->n_inputs);
      const bool         cyc = would_cycle(&m, k, d);
      const AetherStatus st =
        aether_graph_connect(g, m.handle[k], out, m.handle[d], in, &err);
      assert_int_equal(st, cyc ? AETHER_ERR_CYCLE : AETHER_SUCCESS);
      if (!cyc) {
        m.src[d][in]     = k;
        m.src_out[d][in] = out;
      } else {
        ++refused_cycles;
      }
    } else if (op < 9) { /* disconnect */
      if (!m.live[k] || !m.type[k]->n_inputs) {
        continue;
      }
      const uint32_t in = next(m.type[k]->n_inputs);
      assert_int_equal(aether_graph_disconnect(g, m.handle[k], in, &err),
                       AETHER_SUCCESS);
      m.src[k][in] = -1;
    } else { /* commit, then let the audio side run */
      assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
      ++commits;
      check_schedule_order(e->latest, &m);
      float* const out[2] = { left, right };
      /* Enough for the slowest swap: the last edit's fade-in and input
         ramp, this one's input ramp and fade-out, 64 frames each. */
      for (int b = 0; b < 5; ++b) {
        aether_engine_process(e, NULL, out, 64);
      }
      aether_engine_collect(e);
      assert_int_equal(aether_engine_n_in_flight(e), 1);
    }
    check_graph_matches_model(e, &m);
  }

  assert_true(commits > 300);
  assert_true(refused_cycles > 10);

  /* No leaks: remove everything; the arena is empty; one schedule left. */
  for (int k = 0; k < MAX_MODEL; ++k) {
    if (m.live[k]) {
      assert_int_equal(aether_graph_remove(g, m.handle[k], &err),
                       AETHER_SUCCESS);
    }
  }
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
  assert_int_equal(e->latest->n_nodes, 0);
  assert_int_equal(e->latest->n_buffers, 0);
  float* const out[2] = { left, right };
  for (int b = 0; b < 4; ++b) {
    aether_engine_process(e, NULL, out, 64);
  }
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);
  assert_int_equal(aether_graph_n_nodes(g), 0);
  aether_engine_free(e);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_random_edits_match_reference_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
