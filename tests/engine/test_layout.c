/* Aether engine tests: where the audio thread reads parameters from. Every
   instance compiled for the first time gets its parameter table in one slab
   per commit, packed in execution order; a parameter resting at the value
   it had then reads a buffer of that value shared by the slab, and its own
   buffer once it changes. The output must not show any of it. */

#include "engine.h"
#include "engine_impl.h"
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

static AetherHandle
add(AetherEngine* const         e,
    const AetherNodeType* const t,
    const char* const           name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_add(aether_engine_graph(e), t, name, &h, &err),
                   AETHER_SUCCESS);
  return h;
}

static void
connect(AetherEngine* const e,
        const AetherHandle  src,
        const uint32_t      out,
        const AetherHandle  dst,
        const uint32_t      in)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_connect(aether_engine_graph(e), src, out, dst, in, &err),
    AETHER_SUCCESS);
}

static void
set(AetherEngine* const e,
    const AetherHandle  h,
    const uint32_t      p,
    const float         v)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_set_param(e, h, p, v, &err), AETHER_SUCCESS);
}

static void
commit(AetherEngine* const e)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
}

static void
render(AetherEngine* const e,
       float* const        left,
       float* const        right,
       const uint32_t      n)
{
  for (uint32_t done = 0; done < n;) {
    const uint32_t len =
      n - done < AETHER_BUFFER_SIZE ? n - done : AETHER_BUFFER_SIZE;
    float* const out[2] = { left + done, right + done };
    aether_engine_process(e, NULL, out, len);
    done += len;
  }
}

static AetherInstance*
inst_of(AetherEngine* const e, const AetherHandle h)
{
  return aether_graph_node(aether_engine_graph(e), h)->inst;
}

static const float*
own(const AetherInstance* const inst, const uint32_t i)
{
  return inst->buf + (size_t)i * AETHER_BUFFER_SIZE;
}

/* The ramp source r: 0.001 per frame from 0. */
static AetherHandle
add_ramp(AetherEngine* const e)
{
  const AetherHandle r = add(e, &test_ramp, "r");
  AetherError        err;
  assert_int_equal(
    aether_graph_set_param(aether_engine_graph(e), r, 1, 0.001f, &err),
    AETHER_SUCCESS);
  return r;
}

static void
test_tables_packed_in_run_order_values_shared(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  AetherGraph* const  g = aether_engine_graph(e);
  AetherError         err;

  /* Added against the order they run in: o, s1, s2, s3, then r; they run
     r -> s3 -> s2 -> s1 -> o. */
  const AetherHandle o  = add(e, &test_out, "o");
  const AetherHandle s1 = add(e, &test_sum, "s1");
  const AetherHandle s2 = add(e, &test_sum, "s2");
  const AetherHandle s3 = add(e, &test_sum, "s3");
  const AetherHandle r  = add_ramp(e);
  assert_int_equal(aether_graph_set_param(g, s1, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, s2, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, s3, 0, 0.25f, &err), 0);
  connect(e, r, 0, s3, 0);
  connect(e, s3, 0, s2, 0);
  connect(e, s2, 0, s1, 0);
  connect(e, s1, 0, o, 0);
  commit(e);

  float left[256];
  float right[256];
  render(e, left, right, 256);
  for (uint32_t i = 0; i < 256; ++i) {
    const float x =
      (0.0f + (float)((double)i * (double)0.001f)) * 0.25f * 0.5f * 0.5f;
    assert_true(left[i] == x);
  }

  /* One slab, the tables one after the other as the steps run. */
  const AetherSchedule* const sch = e->current;
  assert_int_equal(sch->n_nodes, 5);
  for (uint32_t k = 0; k + 1U < sch->n_nodes; ++k) {
    const AetherInstance* const a = sch->nodes[k];
    const AetherInstance* const b = sch->nodes[k + 1U];
    if (a->type->n_params && b->type->n_params) {
      assert_ptr_equal(a->slab, b->slab);
      assert_ptr_equal(a->param_ptr + a->type->n_params, b->param_ptr);
    }
  }
  assert_ptr_equal(sch->nodes[0], inst_of(e, r));
  assert_ptr_equal(sch->nodes[1], inst_of(e, s3));

  /* Equal resting values read one buffer, whole, holding the value. */
  const AetherInstance* const i1 = inst_of(e, s1);
  const AetherInstance* const i2 = inst_of(e, s2);
  const AetherInstance* const i3 = inst_of(e, s3);
  assert_ptr_equal(i1->param_ptr[0], i2->param_ptr[0]);
  assert_ptr_not_equal(i1->param_ptr[0], i3->param_ptr[0]);
  assert_ptr_not_equal(i1->param_ptr[0], own(i1, 0));
  for (uint32_t t = 0; t < AETHER_BUFFER_SIZE; ++t) {
    assert_true(i1->param_ptr[0][t] == 0.5f);
    assert_true(i3->param_ptr[0][t] == 0.25f);
  }
  aether_engine_free(e);
}

/* r -> a -> left, r -> b -> right, both at gain 0.5: one shared buffer. */
static AetherEngine*
two_gains(AetherHandle* const a, AetherHandle* const b)
{
  AetherEngine* const e = aether_engine_new(RATE);
  AetherGraph* const  g = aether_engine_graph(e);
  AetherError         err;
  const AetherHandle  r = add_ramp(e);
  const AetherHandle  o = add(e, &test_out, "o");
  *a                    = add(e, &test_sum, "a");
  *b                    = add(e, &test_sum, "b");
  assert_int_equal(aether_graph_set_param(g, *a, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, *b, 0, 0.5f, &err), 0);
  connect(e, r, 0, *a, 0);
  connect(e, r, 0, *b, 0);
  connect(e, *a, 0, o, 0);
  connect(e, *b, 0, o, 1);
  commit(e);
  return e;
}

/* After `n` frames rendered from 0: left is r * ga, right r * gb. */
static void
expect_gains(const float* const left,
             const float* const right,
             const uint32_t     from,
             const uint32_t     n,
             const float        ga,
             const float        gb)
{
  for (uint32_t i = from; i < n; ++i) {
    const float x = 0.0f + (float)((double)i * (double)0.001f);
    if (left[i] != x * ga || right[i] != x * gb) {
      fail_msg("frame %u: %g %g, expected %g %g",
               i,
               (double)left[i],
               (double)right[i],
               (double)(x * ga),
               (double)(x * gb));
    }
  }
}

static void
test_a_change_leaves_the_shared_value_alone(void** state)
{
  (void)state;
  enum { N = 1024 };
  AetherHandle        a;
  AetherHandle        b;
  AetherEngine* const e = two_gains(&a, &b);
  float               left[N];
  float               right[N];
  render(e, left, right, 128);
  assert_ptr_equal(inst_of(e, a)->param_ptr[0], inst_of(e, b)->param_ptr[0]);

  /* A command from the control side: a glides to 2, b stays at 0.5. */
  set(e, a, 0, 2.0f);
  render(e, left + 128, right + 128, 256);
  expect_gains(left, right, 0, 128, 0.5f, 0.5f);
  expect_gains(left, right, 128 + 64, 384, 2.0f, 0.5f);
  assert_ptr_equal(inst_of(e, a)->param_ptr[0], own(inst_of(e, a), 0));
  assert_ptr_not_equal(inst_of(e, b)->param_ptr[0], own(inst_of(e, b), 0));

  /* On the audio thread, by name: b goes to -1. */
  assert_int_equal(aether_engine_set_param_rt(e, "b", "gain", -1.0f),
                   AETHER_SUCCESS);
  render(e, left + 384, right + 384, 256);
  expect_gains(left, right, 384 + 64, 640, 2.0f, -1.0f);

  /* A reset keeps where the parameters stand, not where they started. */
  aether_engine_reset_rt(e);
  render(e, left, right, N);
  expect_gains(left, right, 0, N, 2.0f, -1.0f);
  aether_engine_free(e);
}

static void
test_changes_with_a_commit_and_a_macro_split_the_value(void** state)
{
  (void)state;
  enum { N = 512 };
  AetherHandle        a;
  AetherHandle        b;
  AetherEngine* const e = two_gains(&a, &b);
  AetherGraph* const  g = aether_engine_graph(e);
  AetherError         err;
  float               left[N];
  float               right[N];
  render(e, left, right, 64);

  /* A change on the graph, sent with the next schedule (the edit adds a
     node off the output path, so the swap is immediate). */
  assert_int_equal(aether_graph_set_param(g, a, 0, 3.0f, &err), 0);
  add(e, &test_ramp, "idle");
  commit(e);
  render(e, left + 64, right + 64, 192);
  expect_gains(left, right, 64 + 64, 256, 3.0f, 0.5f);

  /* A macro on b: its new value at once (a node's first frame after a
     mapping is a jump only for fresh nodes: b glides, then holds). */
  const AetherMacroMap m = { 0, b, 0, 0.0f, 4.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_SUCCESS);
  commit(e);
  aether_engine_set_macro_rt(e, 0, 0.25f);
  render(e, left + 256, right + 256, 256);
  expect_gains(left, right, 256 + 64, N, 3.0f, 1.0f);
  aether_engine_free(e);
}

/* r -> c0 -> c1 -> c2 -> left, a chain of scaling nodes (fused or not),
   c1 changed on the audio thread after 128 frames. */
static void
render_chain(float* const left, const uint32_t n, const bool fuse)
{
  AetherEngine* const e = aether_engine_new(RATE);
  aether_engine_set_fusion(e, fuse);
  AetherGraph* const g = aether_engine_graph(e);
  AetherError        err;
  const AetherHandle r  = add_ramp(e);
  const AetherHandle c0 = add(e, &test_scale, "c0");
  const AetherHandle c1 = add(e, &test_scale, "c1");
  const AetherHandle c2 = add(e, &test_scale, "c2");
  const AetherHandle o  = add(e, &test_out, "o");
  assert_int_equal(aether_graph_set_param(g, c0, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, c1, 0, 0.5f, &err), 0);
  assert_int_equal(aether_graph_set_param(g, c2, 0, 3.0f, &err), 0);
  connect(e, r, 0, c0, 0);
  connect(e, c0, 0, c1, 0);
  connect(e, c1, 0, c2, 0);
  connect(e, c2, 0, o, 0);
  commit(e);
  float right[1024];
  assert_true(n <= 1024U);
  render(e, left, right, 128);
  assert_int_equal(aether_engine_set_param_rt(e, "c1", "gain", 2.0f),
                   AETHER_SUCCESS);
  render(e, left + 128, right + 128, n - 128U);
  assert_int_equal(e->current->n_steps, fuse ? 3 : 5);
  aether_engine_free(e);
}

static void
test_fused_chain_reads_gains_changed_at_run_time(void** state)
{
  (void)state;
  enum { N = 512 };
  float fused[N];
  float apart[N];
  render_chain(fused, N, true);
  render_chain(apart, N, false);
  assert_memory_equal(fused, apart, sizeof(fused));
  for (uint32_t i = 0; i < N; ++i) {
    const float x = 0.0f + (float)((double)i * (double)0.001f);
    const float g = i < 128U ? 0.5f : i >= 192U ? 2.0f : NAN;
    if (!isnan(g)) {
      assert_true(fused[i] == ((x * 0.5f) * g) * 3.0f);
    }
  }
}

static void
test_tables_stay_put_across_edits(void** state)
{
  (void)state;
  enum { N = 256 };
  AetherHandle        a;
  AetherHandle        b;
  AetherEngine* const e = two_gains(&a, &b);
  AetherGraph* const  g = aether_engine_graph(e);
  AetherError         err;
  float               left[N];
  float               right[N];
  render(e, left, right, 64);
  const AetherInstance* const ia    = inst_of(e, a);
  const float** const         table = ia->param_ptr;
  const AetherParamSlab*      slab  = ia->slab;

  /* Nodes come and go, the voice count changes: a keeps its table; the
     new nodes get theirs in a slab of their own. */
  const AetherHandle x = add(e, &test_sum, "x");
  commit(e);
  render(e, left, right, 64);
  assert_ptr_equal(inst_of(e, a), ia);
  assert_ptr_equal(ia->param_ptr, table);
  assert_ptr_not_equal(inst_of(e, x)->slab, slab);
  assert_int_equal(aether_graph_remove(g, x, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_set_voices(g, 4, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_set_poly(g, b, true, &err), AETHER_SUCCESS);
  commit(e);
  render(e, left, right, N);
  aether_engine_collect(e);
  assert_ptr_equal(ia->param_ptr, table);
  assert_ptr_equal(ia->slab, slab);

  /* The voices of b read their own tables, at b's value. */
  const GraphNode* const nb = aether_graph_node(g, b);
  for (uint32_t v = 1; v < 4U; ++v) {
    assert_non_null(nb->voice_inst[v]->param_ptr);
    assert_true(nb->voice_inst[v]->param_ptr[0][0] == 0.5f);
  }
  aether_engine_free(e);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tables_packed_in_run_order_values_shared),
    cmocka_unit_test(test_a_change_leaves_the_shared_value_alone),
    cmocka_unit_test(test_changes_with_a_commit_and_a_macro_split_the_value),
    cmocka_unit_test(test_fused_chain_reads_gains_changed_at_run_time),
    cmocka_unit_test(test_tables_stay_put_across_edits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
