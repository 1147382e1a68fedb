/* Aether patch tests: node positions (`ae:x`, `ae:y`), the editor's layout
   kept in the patch. Read, written canonically only when given, checked,
   kept on engine graphs as control-side data (apply, put, describe), and
   silent: a patch renders bit-identically with and without positions. */

#include "../../src/engine/engine.h"
#include "patch.h"
#include "util.h"

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

static const char* const placed_text =
  PREFIXES "node:osc a ae:Oscillator ; ae:x 120 ; ae:y -40.5 ;"
           " ae:wave ae:saw ; ae:amp 0.25 .\n"
           "node:lfo a ae:Lfo ; ae:y 300 ; ae:x 0.25 .\n"
           "node:amp a ae:Gain ; ae:in node:osc ; ae:cv node:lfo .\n"
           "node:out a ae:AudioOut ; ae:x 480 ; ae:y 0 ; ae:left node:amp .\n";

/* The same patch canonically: positions right after the type (and
   ae:poly), a node without one (amp) exactly as before they existed. */
static const char* const placed_canonical =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "\n"
  "<> a ae:Patch ;\n"
  "\tae:formatVersion 1 .\n"
  "\n"
  "node:amp a ae:Gain ;\n"
  "\tae:gain 0.8 ;\n"
  "\tae:in node:osc ;\n"
  "\tae:cv node:lfo .\n"
  "\n"
  "node:lfo a ae:Lfo ;\n"
  "\tae:x 0.25 ;\n"
  "\tae:y 300 ;\n"
  "\tae:wave ae:sine ;\n"
  "\tae:rate 1 ;\n"
  "\tae:depth 0.5 ;\n"
  "\tae:phase 0 ;\n"
  "\tae:offset 0 .\n"
  "\n"
  "node:osc a ae:Oscillator ;\n"
  "\tae:x 120 ;\n"
  "\tae:y -40.5 ;\n"
  "\tae:wave ae:saw ;\n"
  "\tae:freq 440 ;\n"
  "\tae:amp 0.25 ;\n"
  "\tae:width 0.5 ;\n"
  "\tae:fm_depth 0 .\n"
  "\n"
  "node:out a ae:AudioOut ;\n"
  "\tae:x 480 ;\n"
  "\tae:y 0 ;\n"
  "\tae:left node:amp .\n";

static char*
write_graph(const AetherGraph* const graph)
{
  char*       text = NULL;
  AetherError err  = { AETHER_SUCCESS, "" };
  if (aether_patch_write(graph, &text, &err)) {
    fail_msg("write: %s", err.message);
  }
  return text;
}

static AetherHandle
handle(const AetherGraph* const graph, const char* const name)
{
  AetherHandle h = { 0, 0 };
  assert_int_equal(aether_graph_find(graph, name, &h), AETHER_SUCCESS);
  return h;
}

static void
assert_position(const AetherGraph* const graph,
                const char* const        name,
                const float              x,
                const float              y)
{
  float gx = -1.0f;
  float gy = -1.0f;
  assert_true(aether_graph_position(graph, handle(graph, name), &gx, &gy));
  assert_true(gx == x);
  assert_true(gy == y);
}

static void
test_positions_are_read(void** state)
{
  (void)state;
  AetherPatch* const           patch = util_parse(placed_text);
  const AetherPatchNode* const osc   = aether_patch_find(patch, "osc");
  const AetherPatchNode* const lfo   = aether_patch_find(patch, "lfo");
  const AetherPatchNode* const amp   = aether_patch_find(patch, "amp");
  assert_int_equal(osc->layout_set, AETHER_PATCH_XY);
  assert_true(osc->x == 120.0f && osc->y == -40.5f);
  assert_int_equal(lfo->layout_set, AETHER_PATCH_XY); /* any order */
  assert_true(lfo->x == 0.25f && lfo->y == 300.0f);
  assert_int_equal(amp->layout_set, 0U);
  assert_int_equal(osc->params_set, 5U); /* wave, amp: not x or y */
  aether_patch_free(patch);
}

static void
test_positions_round_trip_canonically(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(placed_text);
  char* const        text  = util_write(patch);
  assert_string_equal(text, placed_canonical);

  AetherPatch* const back = util_parse(text);
  assert_true(aether_patch_equal(patch, back));
  char* const again = util_write(back);
  assert_string_equal(again, text);

  free(again);
  aether_patch_free(back);
  free(text);
  aether_patch_free(patch);
}

static void
test_positions_count_in_equality(void** state)
{
  (void)state;
  AetherPatch* const a = util_parse(placed_text);
  AetherPatch* const b = util_parse(
    PREFIXES "node:osc a ae:Oscillator ; ae:x 121 ; ae:y -40.5 ;"
             " ae:wave ae:saw ; ae:amp 0.25 .\n"
             "node:lfo a ae:Lfo ; ae:y 300 ; ae:x 0.25 .\n"
             "node:amp a ae:Gain ; ae:in node:osc ; ae:cv node:lfo .\n"
             "node:out a ae:AudioOut ; ae:x 480 ; ae:y 0 ;"
             " ae:left node:amp .\n");
  AetherPatch* const c = util_parse(
    PREFIXES "node:osc a ae:Oscillator ; ae:wave ae:saw ; ae:amp 0.25 .\n"
             "node:lfo a ae:Lfo ; ae:y 300 ; ae:x 0.25 .\n"
             "node:amp a ae:Gain ; ae:in node:osc ; ae:cv node:lfo .\n"
             "node:out a ae:AudioOut ; ae:x 480 ; ae:y 0 ;"
             " ae:left node:amp .\n");
  assert_false(aether_patch_equal(a, b)); /* moved */
  assert_false(aether_patch_equal(a, c)); /* placed or not */
  assert_false(aether_patch_equal(c, a));
  aether_patch_free(a);
  aether_patch_free(b);
  aether_patch_free(c);
}

/* A canonical patch without positions: what Aether wrote before they
   existed, and must go on writing byte for byte. */
static const char* const unplaced_canonical =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "\n"
  "<> a ae:Patch ;\n"
  "\tae:formatVersion 1 ;\n"
  "\tae:voices 4 ;\n"
  "\tae:macro [\n"
  "\t\tae:index 1 ;\n"
  "\t\tae:node node:osc ;\n"
  "\t\tae:param ae:amp ;\n"
  "\t\tae:min 0 ;\n"
  "\t\tae:max 0.5 ;\n"
  "\t\tae:curve ae:linear\n"
  "\t] .\n"
  "\n"
  "node:keys a ae:MidiNote ;\n"
  "\tae:poly true ;\n"
  "\tae:channel 0 ;\n"
  "\tae:bend_range 2 ;\n"
  "\tae:retrigger true .\n"
  "\n"
  "node:osc a ae:Oscillator ;\n"
  "\tae:poly true ;\n"
  "\tae:wave ae:sine ;\n"
  "\tae:freq 440 ;\n"
  "\tae:amp 0.25 ;\n"
  "\tae:width 0.5 ;\n"
  "\tae:fm_depth 0 ;\n"
  "\tae:pitch node:keys.pitch .\n"
  "\n"
  "node:out a ae:AudioOut ;\n"
  "\tae:left node:osc .\n";

static void
test_a_patch_without_positions_is_written_unchanged(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(unplaced_canonical);
  char* const        text  = util_write(patch);
  assert_string_equal(text, unplaced_canonical);
  free(text);

  /* Also through an engine graph (what the plugin saves and answers). */
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherError        err   = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_apply(patch, graph, &err), AETHER_SUCCESS);
  char* const saved = write_graph(graph);
  assert_string_equal(saved, unplaced_canonical);
  free(saved);
  aether_graph_free(graph);
  aether_patch_free(patch);
}

static void
check_error(const char* const text, const char* const expected)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_not_equal(util_parse_error(text, &err), AETHER_SUCCESS);
  if (strcmp(err.message, expected)) {
    fail_msg("expected \"%s\", got \"%s\"", expected, err.message);
  }
}

static void
test_bad_positions_are_refused_with_their_place(void** state)
{
  (void)state;
  check_error(PREFIXES "node:g a ae:Gain ; ae:x 10 .\n",
              "t.ttl:3:10: node \"g\" (Gain): ae:x without ae:y (a position "
              "needs both)");
  check_error(PREFIXES "node:g a ae:Gain ; ae:y 10 .\n",
              "t.ttl:3:10: node \"g\" (Gain): ae:y without ae:x (a position "
              "needs both)");
  check_error(PREFIXES "node:g a ae:Gain ; ae:x 1 , 2 ; ae:y 0 .\n",
              "t.ttl:3:29: node \"g\" (Gain): ae:x is given twice");
  check_error(PREFIXES "node:g a ae:Gain ; ae:x \"left\" ; ae:y 0 .\n",
              "t.ttl:3:25: node \"g\" (Gain): ae:x needs a number, not "
              "\"left\"");
  check_error(PREFIXES "node:g a ae:Gain ; ae:x 0 ; ae:y ae:top .\n",
              "t.ttl:3:34: node \"g\" (Gain): ae:y needs a number, not "
              "ae:top");
  check_error(PREFIXES "node:g a ae:Gain ; ae:x 1e7 ; ae:y 0 .\n",
              "t.ttl:3:25: node \"g\" (Gain): ae:x 1e+07 is out of range "
              "(-1e+06 to 1e+06)");
}

static void
test_node_set_takes_one_coordinate(void** state)
{
  (void)state;
  AetherPatchNode node;
  AetherError     err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_node_init(&node, "g", "Gain", &err),
                   AETHER_SUCCESS);

  const AetherPatchValue x    = { AETHER_PATCH_NUMBER, 64.0, NULL };
  const AetherPatchValue y    = { AETHER_PATCH_NUMBER, -8.0, NULL };
  const AetherPatchValue nan  = { AETHER_PATCH_NUMBER, NAN, NULL };
  const AetherPatchValue word = { AETHER_PATCH_STRING, 0.0, "left" };
  assert_int_equal(aether_patch_node_set(&node, "x", &x, &err), AETHER_SUCCESS);
  assert_int_equal(node.layout_set, AETHER_PATCH_X);
  assert_int_equal(node.params_set | node.inputs_set, 0U);
  assert_int_equal(aether_patch_node_set(&node, "urn:aether:y", &y, &err),
                   AETHER_SUCCESS);
  assert_int_equal(node.layout_set, AETHER_PATCH_XY);
  assert_true(node.x == 64.0f && node.y == -8.0f);

  assert_int_equal(aether_patch_node_set(&node, "x", &x, &err),
                   AETHER_ERR_DUPLICATE);
  node.layout_set = 0;
  assert_int_equal(aether_patch_node_set(&node, "x", &nan, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_patch_node_set(&node, "y", &word, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(node.layout_set, 0U);

  /* Another namespace's x is not ours. */
  assert_int_equal(
    aether_patch_node_set(&node, "http://example.org/x", &x, &err),
    AETHER_ERR_BAD_PARAM);
}

static void
test_graphs_keep_positions(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(placed_text);
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherError        err   = { AETHER_SUCCESS, "" };

  assert_int_equal(aether_patch_apply(patch, graph, &err), AETHER_SUCCESS);
  assert_position(graph, "osc", 120.0f, -40.5f);
  assert_position(graph, "lfo", 0.25f, 300.0f);
  assert_false(aether_graph_position(graph, handle(graph, "amp"), NULL, NULL));

  /* Described and written as the patch says: the saved state and
     patch:Get write the graph this way. */
  char* const saved = write_graph(graph);
  assert_string_equal(saved, placed_canonical);
  free(saved);
  AetherPatch* now = NULL;
  assert_int_equal(aether_patch_from_graph(graph, &now, &err), AETHER_SUCCESS);
  assert_true(aether_patch_equal(now, patch));
  aether_patch_free(now);

  /* A patch that moves osc and leaves lfo unplaced: kept nodes follow. */
  AetherPatch* const moved = util_parse(
    PREFIXES "node:osc a ae:Oscillator ; ae:x 7 ; ae:y 8 ;"
             " ae:wave ae:saw ; ae:amp 0.25 .\n"
             "node:lfo a ae:Lfo .\n"
             "node:amp a ae:Gain ; ae:in node:osc ; ae:cv node:lfo .\n"
             "node:out a ae:AudioOut ; ae:x 480 ; ae:y 0 ;"
             " ae:left node:amp .\n");
  assert_int_equal(aether_patch_apply(moved, graph, &err), AETHER_SUCCESS);
  assert_position(graph, "osc", 7.0f, 8.0f);
  assert_false(aether_graph_position(graph, handle(graph, "lfo"), NULL, NULL));
  aether_patch_free(moved);

  /* A put without a position keeps it (a connection made with patch:Set
     puts the node again); a put of one coordinate moves only that one. */
  AetherPatchNode node;
  assert_int_equal(aether_patch_node_init(&node, "osc", "Oscillator", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_position(graph, "osc", 7.0f, 8.0f);
  const AetherPatchValue y = { AETHER_PATCH_NUMBER, 99.0, NULL };
  assert_int_equal(aether_patch_node_set(&node, "y", &y, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_position(graph, "osc", 7.0f, 99.0f);

  /* A new node put with a position, and one without. */
  const AetherPatchValue x = { AETHER_PATCH_NUMBER, -5.0, NULL };
  assert_int_equal(aether_patch_node_init(&node, "n1", "Noise", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "x", &x, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "y", &y, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_position(graph, "n1", -5.0f, 99.0f);
  assert_int_equal(aether_patch_node_init(&node, "n2", "Noise", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_false(aether_graph_position(graph, handle(graph, "n2"), NULL, NULL));

  /* A removed node's slot, used again, starts without a position. */
  assert_int_equal(aether_patch_delete_node(graph, "n1", &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_init(&node, "n3", "Noise", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_false(aether_graph_position(graph, handle(graph, "n3"), NULL, NULL));

  /* The graph refuses what is not a position. */
  assert_int_equal(
    aether_graph_set_position(graph, handle(graph, "n3"), INFINITY, 0.0f, &err),
    AETHER_ERR_BAD_VALUE);
  assert_false(aether_graph_position(graph, handle(graph, "n3"), NULL, NULL));

  aether_graph_free(graph);
  aether_patch_free(patch);
}

/* Render `patch` for 64 blocks into `out` (64 * 64 frames, left). */
static void
render(const AetherPatch* const patch, float* const out)
{
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  assert_non_null(e);
  assert_int_equal(aether_patch_apply(patch, aether_engine_graph(e), &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
  float right[AETHER_BUFFER_SIZE];
  for (uint32_t b = 0; b < 64U; ++b) {
    const float* const ins[2]  = { NULL, NULL };
    float* const       outs[2] = { out + b * AETHER_BUFFER_SIZE, right };
    aether_engine_process(e, ins, outs, AETHER_BUFFER_SIZE);
  }
  aether_engine_free(e);
}

static void
test_positions_change_no_sound(void** state)
{
  (void)state;
  AetherPatch* const placed   = util_parse(placed_text);
  AetherPatch* const unplaced = util_parse(
    PREFIXES "node:osc a ae:Oscillator ; ae:wave ae:saw ; ae:amp 0.25 .\n"
             "node:lfo a ae:Lfo .\n"
             "node:amp a ae:Gain ; ae:in node:osc ; ae:cv node:lfo .\n"
             "node:out a ae:AudioOut ; ae:left node:amp .\n");
  float* const a = (float*)calloc(64U * AETHER_BUFFER_SIZE, sizeof(float));
  float* const b = (float*)calloc(64U * AETHER_BUFFER_SIZE, sizeof(float));
  assert_non_null(a);
  assert_non_null(b);
  render(placed, a);
  render(unplaced, b);
  assert_memory_equal(a, b, 64U * AETHER_BUFFER_SIZE * sizeof(float));
  float peak = 0.0f;
  for (uint32_t i = 0; i < 64U * AETHER_BUFFER_SIZE; ++i) {
    peak = a[i] > peak ? a[i] : peak;
  }
  assert_true(peak > 0.01f); /* it plays */
  free(a);
  free(b);
  aether_patch_free(placed);
  aether_patch_free(unplaced);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_positions_are_read),
    cmocka_unit_test(test_positions_round_trip_canonically),
    cmocka_unit_test(test_positions_count_in_equality),
    cmocka_unit_test(test_a_patch_without_positions_is_written_unchanged),
    cmocka_unit_test(test_bad_positions_are_refused_with_their_place),
    cmocka_unit_test(test_node_set_takes_one_coordinate),
    cmocka_unit_test(test_graphs_keep_positions),
    cmocka_unit_test(test_positions_change_no_sound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
