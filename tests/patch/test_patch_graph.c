/* Aether patch tests: patches and engine graphs. apply() makes a graph equal
   to a patch keeping instances, refuses whole, put/delete edit one node;
   every shipped patch loads, renders, saves and loads again identically. */

#include "../../src/engine/engine.h"
#include "../../src/nodes/registry.h"
#include "measure.h"
#include "patch.h"
#include "util.h"

#include <dirent.h>
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

static void
apply_ok(const AetherPatch* const patch, AetherGraph* const graph)
{
  AetherError err = { AETHER_SUCCESS, "" };
  if (aether_patch_apply(patch, graph, &err)) {
    fail_msg("apply: %s", err.message);
  }
}

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

static void
assert_graph_is(const AetherGraph* const graph, const AetherPatch* const patch)
{
  AetherPatch* now = NULL;
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_from_graph(graph, &now, &err), AETHER_SUCCESS);
  assert_true(aether_patch_equal(now, patch));
  aether_patch_free(now);

  char* const a = write_graph(graph);
  char* const b = util_write(patch);
  assert_string_equal(a, b);
  free(a);
  free(b);
}

static AetherHandle
handle(const AetherGraph* const graph, const char* const name)
{
  AetherHandle h = { 0, 0 };
  assert_int_equal(aether_graph_find(graph, name, &h), AETHER_SUCCESS);
  return h;
}

static bool
same(const AetherHandle a, const AetherHandle b)
{
  return a.index == b.index && a.generation == b.generation;
}

static const char* const first_text = PREFIXES
  "<> a ae:Patch ; ae:macro [ ae:index 1 ; ae:node node:amp ; "
  "ae:param ae:gain ; ae:min 0.5 ; ae:max 2 ] ,\n"
  "  [ ae:index 2 ; ae:node node:other ; ae:param ae:gain ] .\n"
  "node:in a ae:AudioIn .\n"
  "node:amp a ae:Gain ; ae:gain 1.5 ; ae:in node:in.right .\n"
  "node:other a ae:Gain ; ae:in node:amp ; ae:cv node:knob .\n"
  "node:knob a ae:Macro ; ae:index 4 .\n"
  "node:gone a ae:Gain ; ae:in node:amp .\n"
  "node:out a ae:AudioOut ; ae:left node:other ; ae:right node:amp .\n";

static void
test_apply_to_an_empty_graph(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const patch = util_parse(first_text);
  apply_ok(patch, graph);
  assert_int_equal(aether_graph_n_nodes(graph), 6);
  assert_int_equal(aether_graph_n_edges(graph), 6);
  assert_int_equal(aether_graph_n_macro_maps(graph), 2);
  assert_graph_is(graph, patch);

  /* Applying the same patch again changes nothing. */
  const AetherHandle amp = handle(graph, "amp");
  apply_ok(patch, graph);
  assert_true(same(handle(graph, "amp"), amp));
  assert_graph_is(graph, patch);
  aether_patch_free(patch);
  aether_graph_free(graph);
}

static void
test_apply_keeps_instances_of_the_same_name_and_type(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const first = util_parse(first_text);
  apply_ok(first, graph);
  const AetherHandle amp   = handle(graph, "amp");
  const AetherHandle other = handle(graph, "other");
  const AetherHandle knob  = handle(graph, "knob");
  const AetherHandle in    = handle(graph, "in");

  /* amp, in: kept. other: kept, its mapping dropped (the same instance).
     knob: a Gain now. gone: removed. new: added. */
  AetherPatch* const second = util_parse(
    PREFIXES "<> a ae:Patch ; ae:macro [ ae:index 1 ; ae:node node:amp ; "
             "ae:param ae:gain ; ae:min 1 ; ae:max 3 ; ae:curve ae:square ] .\n"
             "node:in a ae:AudioIn .\n"
             "node:amp a ae:Gain ; ae:in node:in.left .\n"
             "node:other a ae:Gain ; ae:in node:new ; ae:cv node:knob .\n"
             "node:knob a ae:Gain .\n"
             "node:new a ae:Gain ; ae:gain 2 ; ae:in node:amp .\n"
             "node:out a ae:AudioOut ; ae:left node:other .\n");
  apply_ok(second, graph);
  assert_graph_is(graph, second);
  assert_true(same(handle(graph, "amp"), amp));
  assert_true(same(handle(graph, "in"), in));
  assert_false(same(handle(graph, "knob"), knob));
  assert_true(same(handle(graph, "other"), other));
  assert_int_equal(aether_graph_n_macro_maps(graph), 1);
  assert_false(aether_graph_contains(graph, knob));
  AetherHandle h;
  assert_int_equal(aether_graph_find(graph, "gone", &h), AETHER_ERR_NOT_FOUND);
  assert_true(aether_graph_param(graph, amp, 0) == 0.8f); /* the default */

  /* And back. */
  apply_ok(first, graph);
  assert_graph_is(graph, first);
  assert_true(same(handle(graph, "amp"), amp));
  aether_patch_free(first);
  aether_patch_free(second);
  aether_graph_free(graph);
}

static void
test_a_refused_patch_changes_nothing(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const first = util_parse(first_text);
  apply_ok(first, graph);
  char* const        before = write_graph(graph);
  const AetherHandle amp    = handle(graph, "amp");

  /* Descriptions made by hand are not checked until applied. */
  AetherPatch* const bad =
    util_parse(PREFIXES "node:in a ae:AudioIn .\n"
                        "node:amp a ae:Gain ; ae:in node:in .\n"
                        "node:b a ae:Gain ; ae:in node:amp .\n");
  AetherPatchNode node = *aether_patch_find(bad, "amp");
  AetherError     err  = { AETHER_SUCCESS, "" };
  memcpy(node.name, "c", 2);
  memcpy(node.inputs[0].source, "b", 2); /* c <- b <- amp: fine */
  node.inputs_set |= 2U;
  memcpy(node.inputs[1].source, "c", 2); /* c <- c: a cycle */
  node.inputs[1].output[0] = '\0';
  assert_int_equal(aether_patch_add_node(bad, &node, &err), AETHER_SUCCESS);

  assert_int_equal(aether_patch_apply(bad, graph, &err), AETHER_ERR_CYCLE);
  assert_string_equal(err.message,
                      "t.ttl: node \"c\" (Gain): ae:cv closes a cycle "
                      "without a delay node: c -> c");
  char* const after = write_graph(graph);
  assert_string_equal(before, after);
  assert_true(same(handle(graph, "amp"), amp));

  free(before);
  free(after);
  aether_patch_free(bad);
  aether_patch_free(first);
  aether_graph_free(graph);
}

static void
test_put_and_delete_one_node(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const first = util_parse(first_text);
  AetherError        err   = { AETHER_SUCCESS, "" };
  apply_ok(first, graph);

  /* Update: the same instance, exactly as described. */
  const AetherHandle     other = handle(graph, "other");
  AetherPatchNode        node;
  const AetherPatchValue gain = { AETHER_PATCH_NUMBER, 3.0, NULL };
  const AetherPatchValue src  = { AETHER_PATCH_IRI,
                                  0.0,
                                  "urn:aether:node:in.left" };
  assert_int_equal(aether_patch_node_init(&node, "other", "Gain", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "gain", &gain, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "cv", &src, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_true(same(handle(graph, "other"), other));
  assert_true(aether_graph_param(graph, other, 0) == 3.0f);
  AetherHandle s;
  uint32_t     o = 0;
  assert_false(aether_graph_input(graph, other, 0, &s, &o)); /* in: gone */
  assert_true(aether_graph_input(graph, other, 1, &s, &o));
  assert_true(same(s, handle(graph, "in")) && o == 0);

  /* A cycle is refused, nothing changes. */
  char* const before = write_graph(graph);
  assert_int_equal(aether_patch_node_init(&node, "amp", "Gain", &err),
                   AETHER_SUCCESS);
  const AetherPatchValue loop = { AETHER_PATCH_IRI,
                                  0.0,
                                  "urn:aether:node:gone" };
  assert_int_equal(aether_patch_node_set(&node, "in", &loop, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_ERR_CYCLE);
  assert_string_equal(err.message,
                      "node \"amp\" (Gain): ae:in closes a cycle without a "
                      "delay node: \"gone\" depends on \"amp\"");

  /* So are a type change, a dangling input and a bad value. */
  assert_int_equal(aether_patch_node_init(&node, "amp", "AudioIn", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err),
                   AETHER_ERR_DUPLICATE);
  assert_string_equal(err.message,
                      "node \"amp\" exists with type Gain, not AudioIn "
                      "(delete it first to change its type)");
  const AetherPatchValue nowhere = { AETHER_PATCH_IRI,
                                     0.0,
                                     "urn:aether:node:nowhere" };
  assert_int_equal(aether_patch_node_init(&node, "fresh", "Gain", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "in", &nowhere, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err),
                   AETHER_ERR_NOT_FOUND);
  assert_string_equal(err.message,
                      "node \"fresh\" (Gain): ae:in names node \"nowhere\", "
                      "which does not exist");
  char* const after = write_graph(graph);
  assert_string_equal(before, after);

  /* Add, then delete. */
  assert_int_equal(aether_patch_node_init(&node, "fresh", "Gain", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "in", &src, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_nodes(graph), 7);
  assert_int_equal(
    aether_patch_delete_node(graph, "urn:aether:node:fresh", &err),
    AETHER_SUCCESS);
  assert_int_equal(aether_patch_delete_node(graph, "fresh", &err),
                   AETHER_ERR_NOT_FOUND);
  assert_string_equal(err.message, "no node \"fresh\"");
  assert_int_equal(aether_graph_n_nodes(graph), 6);

  free(before);
  free(after);
  aether_patch_free(first);
  aether_graph_free(graph);
}

static const char* const poly_text = PREFIXES
  "<> a ae:Patch ; ae:voices 8 ;\n"
  "  ae:macro [ ae:index 1 ; ae:node node:osc ; ae:param ae:amp ] .\n"
  "node:keys a ae:MidiNote ; ae:poly true .\n"
  "node:osc a ae:Oscillator ; ae:poly true ; ae:pitch node:keys.pitch .\n"
  "node:env a ae:Adsr ; ae:poly true ; ae:gate node:keys.gate ;\n"
  "  ae:in node:osc .\n"
  "node:verb a ae:Reverb ; ae:left node:env.out .\n"
  "node:out a ae:AudioOut ; ae:left node:verb.left ;\n"
  "  ae:right node:verb.right .\n";

static void
test_apply_sets_voices_and_poly(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const poly  = util_parse(poly_text);
  apply_ok(poly, graph);
  assert_int_equal(aether_graph_voices(graph), 8);
  assert_true(aether_graph_poly(graph, handle(graph, "keys")));
  assert_true(aether_graph_poly(graph, handle(graph, "osc")));
  assert_true(aether_graph_poly(graph, handle(graph, "env")));
  assert_false(aether_graph_poly(graph, handle(graph, "verb")));
  assert_false(aether_graph_poly(graph, handle(graph, "out")));
  assert_graph_is(graph, poly); /* from_graph gives them back */

  /* The same nodes made shared with one voice: the instances stay. */
  const AetherHandle osc  = handle(graph, "osc");
  AetherPatch* const mono = util_parse(
    PREFIXES "node:keys a ae:MidiNote ; ae:poly true .\n"
             "node:osc a ae:Oscillator ; ae:pitch node:keys.pitch .\n"
             "node:env a ae:Adsr ; ae:gate node:keys.gate ; ae:in node:osc .\n"
             "node:verb a ae:Reverb ; ae:poly true ; ae:left node:env.out .\n"
             "node:out a ae:AudioOut ; ae:left node:verb.left ;\n"
             "  ae:right node:verb.right .\n");
  apply_ok(mono, graph);
  assert_int_equal(aether_graph_voices(graph), 1);
  assert_true(same(handle(graph, "osc"), osc));
  assert_false(aether_graph_poly(graph, osc));
  assert_true(aether_graph_poly(graph, handle(graph, "keys")));
  assert_true(aether_graph_poly(graph, handle(graph, "verb")));
  assert_int_equal(aether_graph_n_macro_maps(graph), 0);
  assert_graph_is(graph, mono);

  /* A refused patch leaves the voices and flags alone. */
  AetherPatch* const bad =
    util_parse(PREFIXES "<> a ae:Patch ; ae:voices 3 .\n"
                        "node:osc a ae:Oscillator ; ae:poly true .\n");
  AetherPatchNode node = *aether_patch_find(bad, "osc");
  AetherError     err  = { AETHER_SUCCESS, "" };
  memcpy(node.name, "x", 2);
  node.params[0] = 99.0f; /* no such wave */
  assert_int_equal(aether_patch_add_node(bad, &node, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_apply(bad, graph, &err), AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_voices(graph), 1);
  assert_false(aether_graph_poly(graph, osc));
  assert_graph_is(graph, mono);

  /* And back to eight voices. */
  apply_ok(poly, graph);
  assert_true(same(handle(graph, "osc"), osc));
  assert_graph_is(graph, poly);

  aether_patch_free(bad);
  aether_patch_free(mono);
  aether_patch_free(poly);
  aether_graph_free(graph);
}

static void
test_put_sets_poly(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const poly  = util_parse(poly_text);
  AetherError        err   = { AETHER_SUCCESS, "" };
  apply_ok(poly, graph);

  /* A patch:Put of a node describes it whole: without ae:poly, shared. */
  const AetherHandle osc = handle(graph, "osc");
  AetherPatchNode    node;
  assert_int_equal(aether_patch_node_init(&node, "osc", "Oscillator", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_true(same(handle(graph, "osc"), osc));
  assert_false(aether_graph_poly(graph, osc));

  const AetherPatchValue yes = { AETHER_PATCH_NUMBER, 1.0, NULL };
  assert_int_equal(aether_patch_node_set_poly(&node, &yes, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_true(aether_graph_poly(graph, osc));

  /* A new node, per voice from the start. */
  assert_int_equal(aether_patch_node_init(&node, "lfo", "Lfo", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set_poly(&node, &yes, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_put_node(graph, &node, &err), AETHER_SUCCESS);
  assert_true(aether_graph_poly(graph, handle(graph, "lfo")));
  assert_int_equal(aether_graph_voices(graph), 8); /* untouched */

  aether_patch_free(poly);
  aether_graph_free(graph);
}

static const char* const controllers_text = PREFIXES
  "<> a ae:Patch ;\n"
  "  ae:macro [ ae:index 1 ; ae:node node:f ; ae:param ae:q ] ;\n"
  "  ae:controller [ ae:cc 1 ; ae:node node:f ; ae:param ae:cutoff ;\n"
  "                  ae:min 200 ; ae:max 8000 ; ae:curve ae:exponential ] ,\n"
  "    [ ae:cc 74 ; ae:channel 3 ; ae:node node:f ; ae:param ae:q ] ,\n"
  "    [ ae:cc 7 ; ae:node node:amp ; ae:param ae:gain ; ae:max 2 ] .\n"
  "node:in a ae:AudioIn .\n"
  "node:f a ae:Filter ; ae:in node:in.left .\n"
  "node:amp a ae:Gain ; ae:in node:f .\n"
  "node:out a ae:AudioOut ; ae:left node:amp .\n";

static void
test_apply_and_describe_controllers(void** state)
{
  (void)state;
  AetherGraph* const graph = aether_graph_new(RATE);
  AetherPatch* const first = util_parse(controllers_text);
  apply_ok(first, graph);
  assert_int_equal(aether_graph_n_cc_maps(graph), 3);
  assert_int_equal(aether_graph_n_macro_maps(graph), 1);
  assert_graph_is(graph, first); /* from_graph gives them back */

  /* What the engine got: the controller 74 mapping on channel 3 over the
     filter's whole q range. */
  const AetherHandle f     = handle(graph, "f");
  bool               found = false;
  for (uint32_t i = 0; i < aether_graph_n_cc_maps(graph); ++i) {
    const AetherCcMap* const m = aether_graph_cc_map(graph, i);
    if (m->cc == 74) {
      assert_int_equal(m->channel, 3);
      assert_true(same(m->node, f));
      assert_int_equal(
        m->param,
        aether_node_type_param_index(aether_graph_node_type(graph, f), "q"));
      assert_true(m->min == 0.5f && m->max == 20.0f);
      assert_int_equal(m->curve, AETHER_CURVE_LINEAR);
      found = true;
    }
  }
  assert_true(found);

  /* Another set: one mapping kept, one changed (another range), one gone,
     one new on a new node, the nodes kept. */
  const AetherHandle amp    = handle(graph, "amp");
  AetherPatch* const second = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:f ; ae:param ae:cutoff "
             ";\n"
             "                  ae:min 200 ; ae:max 8000 ; ae:curve "
             "ae:exponential ] ,\n"
             "    [ ae:cc 7 ; ae:node node:amp ; ae:param ae:gain ; ae:max 1 "
             "] ,\n"
             "    [ ae:cc 11 ; ae:channel 1 ; ae:node node:swell ; ae:param "
             "ae:gain ] .\n"
             "node:in a ae:AudioIn .\n"
             "node:f a ae:Filter ; ae:in node:in.left .\n"
             "node:amp a ae:Gain ; ae:in node:f .\n"
             "node:swell a ae:Gain ; ae:in node:amp .\n"
             "node:out a ae:AudioOut ; ae:left node:swell .\n");
  apply_ok(second, graph);
  assert_graph_is(graph, second);
  assert_int_equal(aether_graph_n_cc_maps(graph), 3);
  assert_int_equal(aether_graph_n_macro_maps(graph), 0);
  assert_true(same(handle(graph, "f"), f));
  assert_true(same(handle(graph, "amp"), amp));

  /* A refused patch (a hand-made mapping outside the parameter's range)
     leaves the mappings alone. */
  char* const                 before = write_graph(graph);
  AetherPatch* const          bad    = util_parse(controllers_text);
  AetherError                 err    = { AETHER_SUCCESS, "" };
  const AetherPatchController wide   = {
      2, 0, "amp", "gain", 0.0f, 9.0f, AETHER_CURVE_LINEAR, { 0, 0 }
  };
  assert_int_equal(aether_patch_add_controller(bad, &wide, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_apply(bad, graph, &err), AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "t.ttl: controller 2 on node \"amp\" (Gain) ae:gain: "
                      "range 0 to 9 is outside 0 to 4");
  char* const after = write_graph(graph);
  assert_string_equal(before, after);

  /* Deleting a node takes its mappings along; the patch says so. */
  assert_int_equal(aether_patch_delete_node(graph, "swell", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_graph_n_cc_maps(graph), 2);
  AetherPatch* now = NULL;
  assert_int_equal(aether_patch_from_graph(graph, &now, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_n_controllers(now), 2);

  /* And back to the first set. */
  apply_ok(first, graph);
  assert_graph_is(graph, first);

  free(before);
  free(after);
  aether_patch_free(now);
  aether_patch_free(bad);
  aether_patch_free(second);
  aether_patch_free(first);
  aether_graph_free(graph);
}

/* Render `n` frames of a sine at both inputs into `left`, `right`. */
static void
render(AetherEngine* const e,
       float* const        left,
       float* const        right,
       const uint32_t      n)
{
  static float in[AETHER_BUFFER_SIZE];
  for (uint32_t done = 0; done < n; done += AETHER_BUFFER_SIZE) {
    for (uint32_t i = 0; i < AETHER_BUFFER_SIZE; ++i) {
      in[i] = 0.25f * sinf((float)(done + i) * 0.05f);
    }
    const float* const ins[2]  = { in, in };
    float* const       outs[2] = { left + done, right + done };
    aether_engine_process(e, ins, outs, AETHER_BUFFER_SIZE);
  }
}

/* Load `path` into a fresh engine, render, and save it. */
static char*
load_render_save(const char* const path,
                 const char* const text,
                 float*            left,
                 float*            right,
                 const uint32_t    n)
{
  AetherPatch* patch = NULL;
  AetherError  err   = { AETHER_SUCCESS, "" };
  if (text ? aether_patch_parse(text, strlen(text), path, &patch, &err)
           : aether_patch_read_file(path, &patch, &err)) {
    fail_msg("%s", err.message);
  }

  AetherEngine* const e = aether_engine_new(RATE);
  assert_non_null(e);
  apply_ok(patch, aether_engine_graph(e));
  if (aether_engine_commit(e, &err)) {
    fail_msg("%s: commit: %s", path, err.message);
  }
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    aether_engine_set_macro_rt(e, m, 0.5f);
  }
  const uint8_t note_on[3] = { 0x90, 57, 100 }; /* A3, for instruments */
  aether_engine_push_midi_rt(e, note_on, 3);
  render(e, left, right, n);
  aether_engine_collect(e);

  char* const saved = write_graph(aether_engine_graph(e));
  aether_engine_free(e);
  aether_patch_free(patch);
  return saved;
}

/* Every patch in `dir_name`: load, render, save, load, save. */
static uint32_t
check_dir(const char* const dir_name)
{
  char dir_path[1024];
  snprintf(dir_path, sizeof(dir_path), "%s/%s", util_source_root(), dir_name);
  DIR* const dir = opendir(dir_path);
  if (!dir) {
    return 0;
  }

  const uint32_t       n     = 48000U;
  float* const         l1    = (float*)calloc(n, sizeof(float));
  float* const         r1    = (float*)calloc(n, sizeof(float));
  float* const         l2    = (float*)calloc(n, sizeof(float));
  float* const         r2    = (float*)calloc(n, sizeof(float));
  uint32_t             count = 0;
  const struct dirent* entry;
  while ((entry = readdir(dir))) {
    const size_t len = strlen(entry->d_name);
    if (len < 5 || strcmp(entry->d_name + len - 4, ".ttl")) {
      continue;
    }
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir_path, entry->d_name);

    char* const saved = load_render_save(path, NULL, l1, r1, n);
    char* const again = load_render_save("saved.ttl", saved, l2, r2, n);
    double      e1    = 0.0;
    double      e2    = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      assert_true(isfinite(l1[i]) && isfinite(r1[i]));
      assert_true(isfinite(l2[i]) && isfinite(r2[i]));
      e1 += (double)l1[i] * l1[i] + (double)r1[i] * r1[i];
      e2 += (double)l2[i] * l2[i] + (double)r2[i] * r2[i];
    }
    if (strcmp(saved, again)) {
      fail_msg("%s: saved, loaded and saved again differs", path);
    }

    /* The same graph; random nodes are seeded per instance, so only
       deterministic patches give the same samples. */
    const bool exact =
      !memcmp(l1, l2, n * sizeof(float)) && !memcmp(r1, r2, n * sizeof(float));
    const double rms1 = sqrt(e1 / (2.0 * n));
    const double rms2 = sqrt(e2 / (2.0 * n));
    printf("%s/%s: rms %.4f, reloaded %.4f (%s)\n",
           dir_name,
           entry->d_name,
           rms1,
           rms2,
           exact ? "identical samples" : "random nodes reseeded");
    assert_true(rms1 > 0.01); /* it makes a sound */
    assert_true(fabs(rms2 - rms1) < 0.2 * rms1);
    free(saved);
    free(again);
    ++count;
  }
  closedir(dir);
  free(l1);
  free(r1);
  free(l2);
  free(r2);
  return count;
}

static void
test_shipped_patches_load_render_save_load(void** state)
{
  (void)state;
  assert_true(check_dir("patches") >= 3U);
  check_dir("ttl/presets");
  check_dir("ttl/defaults");
}

/* The mod wheel on a filter's cutoff, a volume controller on one channel
   on a gain: what a patch maps, the engine plays. */
static const char* const wheel_text = PREFIXES
  "<> a ae:Patch ;\n"
  "  ae:controller [ ae:cc 1 ; ae:node node:filter ; ae:param ae:cutoff ;\n"
  "                  ae:min 200 ; ae:max 8000 ; ae:curve ae:exponential ] ,\n"
  "    [ ae:cc 7 ; ae:channel 2 ; ae:node node:level ; ae:param ae:gain ;\n"
  "      ae:max 2 ] .\n"
  "node:osc a ae:Oscillator ; ae:wave ae:saw ; ae:freq 110 ; ae:amp 0.5 .\n"
  "node:filter a ae:Filter ; ae:mode ae:lowpass ; ae:cutoff 200 ;\n"
  "  ae:q 0.707 ; ae:in node:osc .\n"
  "node:one a ae:Macro ; ae:min 1 ; ae:max 1 .\n"
  "node:level a ae:Gain ; ae:gain 0.5 ; ae:in node:one .\n"
  "node:out a ae:AudioOut ; ae:left node:filter ; ae:right node:level .\n";

#define WHEEL_FFT 16384U

/* Render 4096 frames (parameters settle: they ramp over 20 ms), then
   WHEEL_FFT frames into `left`, `right`. */
static void
wheel_render(AetherEngine* const e, float* const left, float* const right)
{
  for (uint32_t done = 0; done < 4096U + WHEEL_FFT;
       done += AETHER_BUFFER_SIZE) {
    const uint32_t     at      = done < 4096U ? 0U : done - 4096U;
    const float* const ins[2]  = { NULL, NULL };
    float* const       outs[2] = { left + at, right + at };
    aether_engine_process(e, ins, outs, AETHER_BUFFER_SIZE);
  }
}

static void
wheel_cc(AetherEngine* const e,
         const uint8_t       channel,
         const uint8_t       cc,
         const uint8_t       value)
{
  const uint8_t msg[3] = { (uint8_t)(0xB0U | (channel - 1U)), cc, value };
  aether_engine_push_midi_rt(e, msg, 3);
}

/* The 20th harmonic (2200 Hz) of the 110 Hz saw against its fundamental,
   in dB: about -26 dB through an open filter. */
static double
harmonic_20_db(const float* const x)
{
  double* const power = (double*)calloc(WHEEL_FFT / 2U + 1U, sizeof(double));
  assert_non_null(power);
  measure_spectrum(x, WHEEL_FFT, power);
  const double h1  = measure_band_power(power, WHEEL_FFT, RATE, 110.0, 3);
  const double h20 = measure_band_power(power, WHEEL_FFT, RATE, 2200.0, 3);
  free(power);
  return 10.0 * log10(h20 / h1);
}

static void
test_mod_wheel_moves_the_mapped_cutoff(void** state)
{
  (void)state;
  AetherPatch* const  patch = util_parse(wheel_text);
  AetherEngine* const e     = aether_engine_new(RATE);
  AetherError         err   = { AETHER_SUCCESS, "" };
  float* const        left  = (float*)calloc(WHEEL_FFT, sizeof(float));
  float* const        right = (float*)calloc(WHEEL_FFT, sizeof(float));
  assert_non_null(e);
  apply_ok(patch, aether_engine_graph(e));
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);

  /* Before any controller moves, the patch's own values: a cutoff of
     200 Hz (2200 Hz is 3.5 octaves above it: -67 dB), a gain of 0.5. */
  wheel_render(e, left, right);
  const double dark = harmonic_20_db(left);
  const double rms  = measure_rms(left, WHEEL_FFT);
  printf("no controller: 20th harmonic %.1f dB, rms %.4f, gain %.6f\n",
         dark,
         rms,
         (double)right[WHEEL_FFT - 1U]);
  assert_true(dark < -60.0);
  assert_float_equal(right[WHEEL_FFT - 1U], 0.5f, 1e-6f);

  /* The mod wheel up, on any channel: 8000 Hz, the harmonic passes. */
  wheel_cc(e, 5, 1, 127);
  wheel_render(e, left, right);
  const double open = harmonic_20_db(left);
  printf("mod wheel 127: 20th harmonic %.1f dB, rms %.4f\n",
         open,
         measure_rms(left, WHEEL_FFT));
  assert_true(fabs(open - -26.0) < 2.0);
  assert_true(measure_rms(left, WHEEL_FFT) > 1.2 * rms); /* 2 dB: 0.29 */

  /* Half way, exponentially: 200 * 40^(64/127) = 1282 Hz, where a
     Butterworth low-pass is 9.9 dB down at 2200 Hz (linearly it would be
     4128 Hz and 0.9 dB). */
  wheel_cc(e, 1, 1, 64);
  wheel_render(e, left, right);
  const double half = harmonic_20_db(left);
  printf("mod wheel 64: 20th harmonic %.1f dB\n", half);
  assert_true(fabs(half - (open - 9.9)) < 1.5);

  /* Controller 7 follows channel 2 only: 2 * 64 / 127. */
  wheel_cc(e, 1, 7, 64);
  wheel_render(e, left, right);
  assert_float_equal(right[WHEEL_FFT - 1U], 0.5f, 1e-6f);
  wheel_cc(e, 2, 7, 64);
  wheel_render(e, left, right);
  assert_float_equal(right[WHEEL_FFT - 1U], 2.0f * 64.0f / 127.0f, 1e-6f);

  /* An edit while playing (the oscillator quieter) keeps what the
     controllers set. */
  wheel_cc(e, 3, 1, 127);
  AetherPatch* const quieter = util_parse(wheel_text);
  AetherPatchNode    osc     = *aether_patch_find(quieter, "osc");
  osc.params[aether_node_type_param_index(osc.type, "amp")] = 0.25f;
  assert_int_equal(aether_patch_put_node(aether_engine_graph(e), &osc, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
  wheel_render(e, left, right);
  aether_engine_collect(e);
  printf("after an edit: 20th harmonic %.1f dB\n", harmonic_20_db(left));
  assert_true(fabs(harmonic_20_db(left) - open) < 0.5);
  assert_float_equal(right[WHEEL_FFT - 1U], 2.0f * 64.0f / 127.0f, 1e-6f);

  /* And the wheel down again: as dark as before. */
  wheel_cc(e, 1, 1, 0);
  wheel_render(e, left, right);
  assert_true(fabs(harmonic_20_db(left) - dark) < 1.0);

  free(left);
  free(right);
  aether_patch_free(quieter);
  aether_patch_free(patch);
  aether_engine_free(e);
}

/* The documentation's complete examples (```turtle blocks that start with
   @prefix) load, render, save and load again identically; the first makes
   a sound; the one showing what Aether writes is exactly what it writes. */
static void
test_documented_examples(void** state)
{
  (void)state;
  char path[1024];
  snprintf(path, sizeof(path), "%s/docs/patch-format.md", util_source_root());
  char* const doc = util_read_file(path, NULL);
  assert_non_null(doc);

  const uint32_t    n        = 24000U;
  float* const      l1       = (float*)calloc(n, sizeof(float));
  float* const      r1       = (float*)calloc(n, sizeof(float));
  float* const      l2       = (float*)calloc(n, sizeof(float));
  float* const      r2       = (float*)calloc(n, sizeof(float));
  uint32_t          complete = 0;
  bool              written  = false;
  static const char fence[]  = "```turtle\n";
  for (char* at = strstr(doc, fence); at; at = strstr(at, fence)) {
    char* const block = at + sizeof(fence) - 1U;
    char* const end   = strstr(block, "```\n");
    assert_non_null(end);
    *end = '\0';
    at   = end + 1;
    if (strncmp(block, "@prefix", 7)) {
      continue; /* a fragment */
    }

    char* const saved = load_render_save("doc.ttl", block, l1, r1, n);
    char* const again = load_render_save("saved.ttl", saved, l2, r2, n);
    assert_string_equal(saved, again);
    double energy = 0.0;
    for (uint32_t i = 0; i < n; ++i) {
      assert_true(isfinite(l1[i]) && isfinite(r1[i]));
      energy += (double)l1[i] * l1[i] + (double)r1[i] * r1[i];
    }
    if (!complete) {
      assert_true(energy > 1.0); /* the complete example plays the note */
    }
    written = written || !strcmp(saved, block);
    free(saved);
    free(again);
    ++complete;
  }
  assert_true(complete >= 2U);
  assert_true(written); /* the canonical example is canonical */
  free(l1);
  free(r1);
  free(l2);
  free(r2);
  free(doc);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_apply_to_an_empty_graph),
    cmocka_unit_test(test_apply_keeps_instances_of_the_same_name_and_type),
    cmocka_unit_test(test_a_refused_patch_changes_nothing),
    cmocka_unit_test(test_put_and_delete_one_node),
    cmocka_unit_test(test_apply_sets_voices_and_poly),
    cmocka_unit_test(test_put_sets_poly),
    cmocka_unit_test(test_apply_and_describe_controllers),
    cmocka_unit_test(test_mod_wheel_moves_the_mapped_cutoff),
    cmocka_unit_test(test_shipped_patches_load_render_save_load),
    cmocka_unit_test(test_documented_examples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
