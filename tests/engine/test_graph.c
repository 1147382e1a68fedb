/* Aether engine tests: graph edits are checked, applied whole or refused. */

#include "graph.h"
#include "test_types.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static AetherHandle
add(AetherGraph* const g, const AetherNodeType* const t, const char* const name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_add(g, t, name, &h, &err), AETHER_SUCCESS);
  return h;
}

static void
test_add_find_and_names(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle a   = add(g, &test_ramp, "osc-1_A");
  AetherHandle       h;

  assert_int_equal(aether_graph_find(g, "osc-1_A", &h), AETHER_SUCCESS);
  assert_true(h.index == a.index && h.generation == a.generation);
  assert_string_equal(aether_graph_node_name(g, a), "osc-1_A");
  assert_ptr_equal(aether_graph_node_type(g, a), &test_ramp);
  assert_true(aether_graph_param(g, a, 0) == 0.0f);

  assert_int_equal(aether_graph_add(g, &test_sum, "osc-1_A", &h, &err),
                   AETHER_ERR_DUPLICATE);
  assert_string_equal(err.message, "a node called \"osc-1_A\" exists already");
  assert_int_equal(aether_graph_add(g, &test_sum, "bad name", &h, &err),
                   AETHER_ERR_BAD_ARG);
  assert_non_null(strstr(err.message, "invalid node name \"bad name\""));
  assert_int_equal(aether_graph_add(g, &test_sum, "", &h, &err),
                   AETHER_ERR_BAD_ARG);
  char long_name[AETHER_MAX_NAME + 1];
  memset(long_name, 'x', AETHER_MAX_NAME);
  long_name[AETHER_MAX_NAME] = '\0';
  assert_int_equal(aether_graph_add(g, &test_sum, long_name, &h, &err),
                   AETHER_ERR_BAD_ARG);
  assert_int_equal(aether_graph_add(g, NULL, "x", &h, &err),
                   AETHER_ERR_UNKNOWN_TYPE);
  assert_int_equal(aether_graph_n_nodes(g), 1);
  aether_graph_free(g);
}

static void
test_stale_handles_are_refused(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle a   = add(g, &test_ramp, "a");
  const AetherHandle b   = add(g, &test_sum, "b");
  assert_int_equal(aether_graph_remove(g, a, &err), AETHER_SUCCESS);
  const AetherHandle c = add(g, &test_ramp, "c"); /* reuses a's slot */
  assert_int_equal(c.index, a.index);

  assert_false(aether_graph_contains(g, a));
  assert_int_equal(aether_graph_remove(g, a, &err), AETHER_ERR_BAD_HANDLE);
  assert_int_equal(aether_graph_connect(g, a, 0, b, 0, &err),
                   AETHER_ERR_BAD_HANDLE);
  assert_int_equal(aether_graph_set_param(g, a, 0, 1.0f, &err),
                   AETHER_ERR_BAD_HANDLE);
  assert_null(aether_graph_node_name(g, a));
  AetherHandle found;
  assert_int_equal(aether_graph_find(g, "a", &found), AETHER_ERR_NOT_FOUND);
  assert_int_equal(aether_graph_n_nodes(g), 2);
  aether_graph_free(g);
}

static void
test_connect_replace_and_disconnect(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle a   = add(g, &test_ramp, "a");
  const AetherHandle s   = add(g, &test_split, "s");
  const AetherHandle b   = add(g, &test_sum, "b");

  assert_int_equal(aether_graph_connect(g, a, 0, s, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, s, 1, b, 2, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_edges(g), 2);

  AetherHandle src;
  uint32_t     out = 9;
  assert_true(aether_graph_input(g, b, 2, &src, &out));
  assert_int_equal(src.index, s.index);
  assert_int_equal(out, 1);

  /* Connecting an occupied input replaces the edge: no stale edge left. */
  assert_int_equal(aether_graph_connect(g, a, 0, b, 2, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_edges(g), 2);
  assert_true(aether_graph_input(g, b, 2, &src, &out));
  assert_int_equal(src.index, a.index);

  /* Bad ports are refused with the node named. */
  assert_int_equal(aether_graph_connect(g, s, 2, b, 0, &err),
                   AETHER_ERR_BAD_PORT);
  assert_string_equal(err.message, "node \"s\" (TestSplit) has no output 2");
  assert_int_equal(aether_graph_connect(g, a, 0, b, AETHER_MAX_INPUTS, &err),
                   AETHER_ERR_BAD_PORT);
  assert_int_equal(aether_graph_n_edges(g), 2);

  assert_int_equal(aether_graph_disconnect(g, b, 2, &err), AETHER_SUCCESS);
  assert_false(aether_graph_input(g, b, 2, NULL, NULL));
  assert_int_equal(aether_graph_disconnect(g, b, 2, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_edges(g), 1);

  /* Removing a node removes every edge touching it. */
  assert_int_equal(aether_graph_connect(g, s, 0, b, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_remove(g, s, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_edges(g), 0);
  assert_false(aether_graph_input(g, b, 0, NULL, NULL));
  aether_graph_free(g);
}

static void
test_cycle_is_rejected_with_names_and_graph_unchanged(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle a   = add(g, &test_sum, "a");
  const AetherHandle b   = add(g, &test_sum, "b");
  const AetherHandle c   = add(g, &test_sum, "c");

  assert_int_equal(aether_graph_connect(g, a, 0, b, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, b, 0, c, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, c, 0, a, 1, &err), AETHER_ERR_CYCLE);
  assert_string_equal(err.message,
                      "connecting c to a would close a cycle without a delay "
                      "node: a <- c <- b <- a");
  assert_int_equal(aether_graph_n_edges(g), 2); /* nothing half-applied */
  assert_false(aether_graph_input(g, a, 1, NULL, NULL));

  /* A self loop is a cycle too, and replacing an edge by a loop keeps the
     old edge. */
  assert_int_equal(aether_graph_connect(g, b, 0, b, 1, &err), AETHER_ERR_CYCLE);
  assert_int_equal(aether_graph_connect(g, c, 0, b, 0, &err), AETHER_ERR_CYCLE);
  AetherHandle src;
  assert_true(aether_graph_input(g, b, 0, &src, NULL));
  assert_int_equal(src.index, a.index);
  assert_int_equal(aether_graph_n_edges(g), 2);
  aether_graph_free(g);
}

static void
test_loop_through_delay_is_allowed(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle a   = add(g, &test_sum, "a");
  const AetherHandle d   = add(g, &test_delay, "d");
  const AetherHandle b   = add(g, &test_sum, "b");

  assert_int_equal(aether_graph_connect(g, a, 0, d, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, d, 0, b, 0, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_connect(g, b, 0, a, 0, &err), AETHER_SUCCESS);
  /* ... but a second loop a <-> b that avoids the delay is not. */
  assert_int_equal(aether_graph_connect(g, a, 0, b, 1, &err), AETHER_ERR_CYCLE);
  /* A delay may feed itself. */
  assert_int_equal(aether_graph_connect(g, d, 0, d, 0, &err), AETHER_SUCCESS);
  aether_graph_free(g);
}

static void
test_params_are_checked(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle d   = add(g, &test_delay, "d");

  assert_int_equal(aether_graph_set_param(g, d, 0, 100.0f, &err),
                   AETHER_SUCCESS);
  assert_true(aether_graph_param(g, d, 0) == 100.0f);
  assert_int_equal(aether_graph_set_param(g, d, 0, 100.5f, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_string_equal(
    err.message,
    "d.frames: 100.5 is not a valid value (0 to 512, whole numbers)");
  assert_int_equal(aether_graph_set_param(g, d, 0, 513.0f, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_set_param(g, d, 0, NAN, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_set_param(g, d, 0, INFINITY, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_set_param(g, d, 1, 1.0f, &err),
                   AETHER_ERR_BAD_PARAM);
  assert_true(aether_graph_param(g, d, 0) == 100.0f);
  aether_graph_free(g);
}

static void
test_macro_maps_checked_and_removed_with_node(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  const AetherHandle s   = add(g, &test_sum, "s");

  AetherMacroMap m = { 2, s, 0, -1.0f, 2.0f, AETHER_CURVE_LINEAR };
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_SUCCESS);
  m.max = 3.0f; /* same macro and param: replaced, not added */
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_macro_maps(g), 1);
  assert_true(aether_graph_macro_map(g, 0)->max == 3.0f);

  m.max = 5.0f; /* beyond the param's range */
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_ERR_BAD_VALUE);
  m.max   = 3.0f;
  m.macro = AETHER_N_MACROS;
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_ERR_BAD_ARG);
  m.macro = 1;
  m.curve = AETHER_CURVE_EXPONENTIAL; /* needs a positive range */
  assert_int_equal(aether_graph_map_macro(g, &m, &err), AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_n_macro_maps(g), 1);

  assert_int_equal(aether_graph_remove(g, s, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_macro_maps(g), 0);
  aether_graph_free(g);
}

static void
test_too_many_nodes(void** state)
{
  (void)state;
  AetherGraph* const g   = aether_graph_new(48000.0);
  AetherError        err = { AETHER_SUCCESS, "" };
  char               name[32];
  for (int i = 0; i < AETHER_MAX_NODES; ++i) {
    snprintf(name, sizeof(name), "n%d", i);
    assert_int_equal(aether_graph_add(g, &test_sum, name, NULL, &err),
                     AETHER_SUCCESS);
  }
  assert_int_equal(aether_graph_add(g, &test_sum, "one-more", NULL, &err),
                   AETHER_ERR_FULL);
  assert_string_equal(err.message, "too many nodes: at most 10240");
  assert_int_equal(aether_graph_n_nodes(g), AETHER_MAX_NODES);

  /* Churn through the name table: tombstones must not fill it. */
  for (int round = 0; round < 3; ++round) {
    aether_graph_clear(g);
    assert_int_equal(aether_graph_n_nodes(g), 0);
    for (int i = 0; i < AETHER_MAX_NODES; ++i) {
      snprintf(name, sizeof(name), "r%d_%d", round, i);
      assert_int_equal(aether_graph_add(g, &test_sum, name, NULL, &err),
                       AETHER_SUCCESS);
    }
    AetherHandle h;
    assert_int_equal(aether_graph_find(g, "r0_5", &h),
                     round ? AETHER_ERR_NOT_FOUND : AETHER_SUCCESS);
  }
  aether_graph_free(g);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_add_find_and_names),
    cmocka_unit_test(test_stale_handles_are_refused),
    cmocka_unit_test(test_connect_replace_and_disconnect),
    cmocka_unit_test(test_cycle_is_rejected_with_names_and_graph_unchanged),
    cmocka_unit_test(test_loop_through_delay_is_allowed),
    cmocka_unit_test(test_params_are_checked),
    cmocka_unit_test(test_macro_maps_checked_and_removed_with_node),
    cmocka_unit_test(test_too_many_nodes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
