/* Aether patch tests: what the reader accepts, and how it describes it. */

#include "../../src/nodes/registry.h"
#include "patch.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const AetherPatchNode*
find(const AetherPatch* const patch, const char* const name)
{
  const AetherPatchNode* const node = aether_patch_find(patch, name);
  assert_non_null(node);
  return node;
}

static void
test_nodes_params_and_inputs(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(
    PREFIXES "<> a ae:Patch ; ae:formatVersion 1 .\n"
             "node:in a ae:AudioIn .\n"
             "node:amp a ae:Gain ; ae:gain 1.5 ; ae:in node:in.right .\n"
             "node:out a ae:AudioOut ;\n"
             "  ae:left node:amp ;\n"
             "  ae:right node:in.left .\n");

  assert_int_equal(aether_patch_n_nodes(patch), 3);
  assert_int_equal(aether_patch_n_macros(patch), 0);
  assert_string_equal(aether_patch_node(patch, 0)->name, "in");
  assert_string_equal(aether_patch_node(patch, 2)->name, "out");

  const AetherPatchNode* const amp = find(patch, "amp");
  assert_ptr_equal(amp->type, aether_registry_find("Gain"));
  assert_true(amp->params[0] == 1.5f);
  assert_int_equal(amp->params_set, 1U);
  assert_int_equal(amp->inputs_set, 1U); /* in, not cv */
  assert_string_equal(amp->inputs[0].source, "in");
  assert_string_equal(amp->inputs[0].output, "right");
  assert_int_equal(amp->pos.line, 5);
  assert_int_equal(amp->pos.col, 12); /* the type: where it is declared */
  assert_int_equal(amp->inputs[0].pos.line, 5);
  assert_int_equal(amp->inputs[0].pos.col, 42);

  const AetherPatchNode* const out = find(patch, "out");
  assert_int_equal(out->inputs_set, 3U);
  assert_string_equal(out->inputs[0].source, "amp");
  assert_string_equal(out->inputs[0].output, ""); /* the first output */
  assert_int_equal(out->inputs[1].pos.line, 8);
  assert_int_equal(out->inputs[1].pos.col, 12);
  aether_patch_free(patch);
}

static void
test_defaults_and_number_forms(void** state)
{
  (void)state;
  AetherPatch* const patch =
    util_parse(PREFIXES "node:a a ae:Gain .\n"
                        "node:b a ae:Gain ; ae:gain 2 .\n"
                        "node:c a ae:Gain ; ae:gain 2.50 .\n"
                        "node:d a ae:Gain ; ae:gain 25e-1 .\n"
                        "node:e a ae:Gain ; ae:gain "
                        "\"0.25\"^^<http://www.w3.org/2001/XMLSchema#float> .\n"
                        "node:f a ae:Gain ; ae:gain +1.0E0 .\n");

  /* No ae:Patch, no version: version 1, no macros. */
  assert_true(find(patch, "a")->params[0] == 0.8f); /* the default */
  assert_int_equal(find(patch, "a")->params_set, 0U);
  assert_true(find(patch, "b")->params[0] == 2.0f);
  assert_true(find(patch, "c")->params[0] == 2.5f);
  assert_true(find(patch, "d")->params[0] == 2.5f);
  assert_true(find(patch, "e")->params[0] == 0.25f);
  assert_true(find(patch, "f")->params[0] == 1.0f);
  aether_patch_free(patch);
}

static void
test_any_order_and_split_descriptions(void** state)
{
  (void)state;
  /* Properties before the type, a node described in two places, a node
     used before it is declared. */
  AetherPatch* const patch =
    util_parse(PREFIXES "node:b ae:in node:a ; a ae:Gain .\n"
                        "node:a a ae:Gain .\n"
                        "node:b ae:gain 3 .\n");
  const AetherPatchNode* const b = find(patch, "b");
  assert_true(b->params[0] == 3.0f);
  assert_string_equal(b->inputs[0].source, "a");
  aether_patch_free(patch);
}

static void
test_enum_values_by_iri_string_or_index(void** state)
{
  (void)state;
  const AetherNodeType* const osc = aether_registry_find("Oscillator");
  if (!osc) {
    skip();
  }
  const int wave = aether_node_type_param_index(osc, "wave");
  assert_true(wave >= 0);
  const AetherParamDesc* const d = &osc->params[wave];
  assert_true(d->max >= 1.0f);

  char text[1024];
  snprintf(text,
           sizeof(text),
           PREFIXES "node:a a ae:Oscillator ; ae:wave ae:%s .\n"
                    "node:b a ae:Oscillator ; ae:wave \"%s\" .\n"
                    "node:c a ae:Oscillator ; ae:wave 1 .\n",
           d->choices[1],
           d->choices[1]);
  AetherPatch* const patch = util_parse(text);
  assert_true(find(patch, "a")->params[wave] == 1.0f);
  assert_true(find(patch, "b")->params[wave] == 1.0f);
  assert_true(find(patch, "c")->params[wave] == 1.0f);
  aether_patch_free(patch);
}

static void
test_macros(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(
    PREFIXES
    "<> a ae:Patch ;\n"
    "  ae:formatVersion 1 ;\n"
    "  ae:macro [ ae:index 2 ; ae:node node:amp ; ae:param ae:gain ;\n"
    "             ae:min 0.5 ; ae:max 2 ; ae:curve ae:exponential ] ,\n"
    "           [ ae:index 8 ; ae:node node:amp ; ae:param \"gain\" ] .\n"
    "node:amp a ae:Gain .\n");

  assert_int_equal(aether_patch_n_macros(patch), 2);
  const AetherPatchMacro* const m = aether_patch_macro(patch, 0);
  assert_int_equal(m->macro, 1); /* ae:index 2 */
  assert_string_equal(m->node, "amp");
  assert_string_equal(m->param, "gain");
  assert_true(m->min == 0.5f && m->max == 2.0f);
  assert_int_equal(m->curve, AETHER_CURVE_EXPONENTIAL);
  assert_int_equal(m->pos.line, 5);

  /* Without a range: the parameter's whole range, linear. */
  const AetherPatchMacro* const d = aether_patch_macro(patch, 1);
  assert_int_equal(d->macro, 7);
  assert_true(d->min == 0.0f && d->max == 4.0f);
  assert_int_equal(d->curve, AETHER_CURVE_LINEAR);
  aether_patch_free(patch);
}

static void
test_controllers(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(
    PREFIXES
    "<> a ae:Patch ;\n"
    "  ae:controller [ ae:cc 74 ; ae:channel 2 ; ae:node node:f ;\n"
    "                  ae:param ae:cutoff ; ae:min 200 ; ae:max 8000 ;\n"
    "                  ae:curve ae:exponential ] ,\n"
    "                [ ae:cc 1 ; ae:node node:amp ; ae:param \"gain\" ] ;\n"
    "  ae:macro [ ae:index 1 ; ae:node node:amp ; ae:param ae:gain ] .\n"
    "node:amp a ae:Gain .\n"
    "node:f a ae:Filter .\n");

  assert_int_equal(aether_patch_n_controllers(patch), 2);
  assert_int_equal(aether_patch_n_macros(patch), 1);
  const AetherPatchController* const c = aether_patch_controller(patch, 0);
  assert_int_equal(c->cc, 74);
  assert_int_equal(c->channel, 2);
  assert_string_equal(c->node, "f");
  assert_string_equal(c->param, "cutoff");
  assert_true(c->min == 200.0f && c->max == 8000.0f);
  assert_int_equal(c->curve, AETHER_CURVE_EXPONENTIAL);
  assert_int_equal(c->pos.line, 4);
  assert_int_equal(c->pos.col, 17); /* the [ of its description */

  /* Without a channel: every channel; without a range: the parameter's
     whole range, linear. */
  const AetherPatchController* const d = aether_patch_controller(patch, 1);
  assert_int_equal(d->cc, 1);
  assert_int_equal(d->channel, 0);
  assert_string_equal(d->param, "gain");
  assert_true(d->min == 0.0f && d->max == 4.0f);
  assert_int_equal(d->curve, AETHER_CURVE_LINEAR);
  assert_null(aether_patch_controller(patch, 2));

  /* Controller 0 and channel 16 are the ends of their ranges; a mapping
     may run downwards, and one controller may drive several parameters. */
  AetherPatch* const ends = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 0 ; ae:channel 16 ; ae:node node:amp ;\n"
             "    ae:param ae:gain ; ae:min 4 ; ae:max 0 ; ae:curve ae:square "
             "] ,\n"
             "  [ ae:cc 0 ; ae:channel 16 ; ae:node node:f ; ae:param ae:q ] "
             ".\n"
             "node:amp a ae:Gain .\n"
             "node:f a ae:Filter .\n");
  const AetherPatchController* const e = aether_patch_controller(ends, 0);
  assert_int_equal(e->cc, 0);
  assert_int_equal(e->channel, 16);
  assert_true(e->min == 4.0f && e->max == 0.0f);
  assert_int_equal(e->curve, AETHER_CURVE_SQUARE);
  assert_int_equal(aether_patch_n_controllers(ends), 2);
  aether_patch_free(ends);
  aether_patch_free(patch);
}

static void
test_replace_node(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(
    PREFIXES "<> a ae:Patch ; ae:voices 4 ;\n"
             "  ae:macro [ ae:index 1 ; ae:node node:f ; ae:param ae:cutoff "
             "] ,\n"
             "    [ ae:index 2 ; ae:node node:amp ; ae:param ae:gain ] ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:f ; ae:param ae:q ] ,\n"
             "    [ ae:cc 7 ; ae:node node:amp ; ae:param ae:gain ] .\n"
             "node:osc a ae:Oscillator ; ae:poly true .\n"
             "node:f a ae:Filter ; ae:poly true ; ae:in node:osc .\n"
             "node:amp a ae:Gain ; ae:in node:f .\n");
  AetherError     err = { AETHER_SUCCESS, "" };
  AetherPatch*    out = NULL;
  AetherPatchNode node;

  /* The same type: everything stays, the node is the new description. */
  assert_int_equal(aether_patch_node_init(&node, "f", "Filter", &err),
                   AETHER_SUCCESS);
  const int q = aether_node_type_param_index(node.type, "q");
  assert_true(q >= 0);
  node.params[q] = 5.0f;
  assert_int_equal(aether_patch_replace_node(patch, &node, &out, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_validate(out, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_voices(out), 4);
  assert_int_equal(aether_patch_n_nodes(out), 3);
  assert_string_equal(aether_patch_node(out, 1)->name, "f"); /* its place */
  assert_true(aether_patch_find(out, "f")->params[q] == 5.0f);
  assert_false(aether_patch_find(out, "f")->poly);
  assert_int_equal(aether_patch_find(out, "f")->inputs_set, 0U);
  assert_int_equal(aether_patch_n_macros(out), 2);
  assert_int_equal(aether_patch_n_controllers(out), 2);
  aether_patch_free(out);

  /* Another type: the mappings onto it go, the others stay. */
  assert_int_equal(aether_patch_node_init(&node, "f", "MoogLadder", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_replace_node(patch, &node, &out, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_validate(out, &err), AETHER_SUCCESS);
  assert_ptr_equal(aether_patch_find(out, "f")->type,
                   aether_registry_find("MoogLadder"));
  assert_int_equal(aether_patch_n_macros(out), 1);
  assert_string_equal(aether_patch_macro(out, 0)->node, "amp");
  assert_int_equal(aether_patch_n_controllers(out), 1);
  assert_int_equal(aether_patch_controller(out, 0)->cc, 7);
  assert_false(aether_patch_equal(out, patch));
  aether_patch_free(out);

  /* A new name: added last. */
  assert_int_equal(aether_patch_node_init(&node, "lfo", "Lfo", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_replace_node(patch, &node, &out, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_n_nodes(out), 4);
  assert_string_equal(aether_patch_node(out, 3)->name, "lfo");
  assert_int_equal(aether_patch_n_controllers(out), 2);
  aether_patch_free(out);

  /* The old node itself: an equal patch. */
  assert_int_equal(aether_patch_replace_node(
                     patch, aether_patch_find(patch, "amp"), &out, &err),
                   AETHER_SUCCESS);
  assert_true(aether_patch_equal(out, patch));
  aether_patch_free(out);

  memset(&node, 0, sizeof(node));
  out = patch; /* must be reset */
  assert_int_equal(aether_patch_replace_node(patch, &node, &out, &err),
                   AETHER_ERR_BAD_ARG);
  assert_null(out);
  aether_patch_free(patch);
}

static void
test_other_vocabularies_are_left_alone(void** state)
{
  (void)state;
  /* An LV2 preset around the patch, comments, a trailing dot right after a
     prefixed name, a blank node of another vocabulary. */
  AetherPatch* const patch =
    util_parse("@prefix ae: <urn:aether:> .\n"
               "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
               "@prefix node: <urn:aether:node:> .\n"
               "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
               "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
               "# A comment\n"
               "<> a pset:Preset , ae:Patch ;\n"
               "  rdfs:label \"Thing\" ;\n"
               "  lv2:port [ lv2:symbol \"macro1\" ] .\n"
               "node:a a ae:Gain ; rdfs:comment \"the gain\" .\n"
               "node:b a ae:Gain ; ae:in node:a.\n"
               "<http://example.org/x> rdfs:label \"x\" .\n");
  assert_int_equal(aether_patch_n_nodes(patch), 2);
  assert_string_equal(find(patch, "b")->inputs[0].source, "a");
  assert_string_equal(find(patch, "b")->inputs[0].output, "");
  aether_patch_free(patch);
}

static void
test_empty_patch(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse("");
  assert_int_equal(aether_patch_n_nodes(patch), 0);
  aether_patch_free(patch);
}

static void
test_delay_loop_is_allowed(void** state)
{
  (void)state;
  const AetherNodeType* const delay = aether_registry_find("Delay");
  if (!delay) {
    skip();
  }
  assert_true(delay->flags & AETHER_NODE_DELAY);
  AetherPatch* const patch =
    util_parse(PREFIXES "node:g a ae:Gain ; ae:in node:d .\n"
                        "node:d a ae:Delay ; ae:in node:g .\n"
                        "node:self a ae:Delay ; ae:in node:self .\n");
  assert_int_equal(aether_patch_n_nodes(patch), 3);
  aether_patch_free(patch);
}

static void
test_node_api_for_messages(void** state)
{
  (void)state;
  /* What the plugin does with a patch:Put: IRIs from URIDs, atom values. */
  AetherPatchNode node;
  AetherError     err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_node_init(
                     &node, "urn:aether:node:amp", "urn:aether:Gain", &err),
                   AETHER_SUCCESS);
  assert_string_equal(node.name, "amp");
  assert_true(node.params[0] == 0.8f);

  const AetherPatchValue gain = { AETHER_PATCH_NUMBER, 2.0, NULL };
  const AetherPatchValue src  = { AETHER_PATCH_IRI,
                                  0.0,
                                  "urn:aether:node:in.left" };
  assert_int_equal(aether_patch_node_set(&node, "urn:aether:gain", &gain, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set(&node, "in", &src, &err),
                   AETHER_SUCCESS);
  assert_true(node.params[0] == 2.0f);
  assert_string_equal(node.inputs[0].source, "in");
  assert_string_equal(node.inputs[0].output, "left");

  /* Bare names work too; errors have no position. */
  assert_int_equal(aether_patch_node_init(&node, "x", "Gain", &err),
                   AETHER_SUCCESS);
  const AetherPatchValue big = { AETHER_PATCH_NUMBER, 9.0, NULL };
  assert_int_equal(aether_patch_node_set(&node, "gain", &big, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "node \"x\" (Gain): ae:gain 9 is out of range (0 to 4)");
  assert_true(node.params[0] == 0.8f); /* unchanged */

  /* A description built by hand is validated like a parsed one. */
  AetherPatch* const patch = aether_patch_new();
  assert_int_equal(aether_patch_add_node(patch, &node, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_add_node(patch, &node, &err),
                   AETHER_ERR_DUPLICATE);
  assert_string_equal(err.message, "duplicate node \"x\"");
  assert_int_equal(aether_patch_validate(patch, &err), AETHER_SUCCESS);
  aether_patch_free(patch);
}

static void
test_equality(void** state)
{
  (void)state;
  AetherPatch* const a = util_parse(PREFIXES "node:in a ae:AudioIn .\n"
                                             "node:g a ae:Gain ; ae:gain 0.8 ; "
                                             "ae:in node:in.left .\n");
  AetherPatch* const b =
    util_parse(PREFIXES "node:g a ae:Gain ; ae:in node:in .\n"
                        "node:in a ae:AudioIn .\n");
  AetherPatch* const c =
    util_parse(PREFIXES "node:g a ae:Gain ; ae:in node:in.right .\n"
                        "node:in a ae:AudioIn .\n");
  assert_true(aether_patch_equal(a, b)); /* default given or not, order */
  assert_true(aether_patch_equal(b, a));
  assert_false(aether_patch_equal(a, c));
  aether_patch_free(a);
  aether_patch_free(b);
  aether_patch_free(c);
}

static void
test_voices_and_poly(void** state)
{
  (void)state;
  AetherPatch* const patch = util_parse(
    PREFIXES "<> a ae:Patch ; ae:formatVersion 1 ; ae:voices 8 .\n"
             "node:keys a ae:MidiNote ; ae:poly true .\n"
             "node:osc a ae:Oscillator ; ae:poly 1 ; ae:pitch node:keys.pitch "
             ".\n"
             "node:env a ae:Adsr ; ae:poly false ; ae:gate node:keys.gate ;\n"
             "  ae:in node:osc .\n"
             "node:verb a ae:Reverb ; ae:left node:env.out .\n");
  assert_int_equal(aether_patch_voices(patch), 8);
  assert_true(find(patch, "keys")->poly);
  assert_true(find(patch, "osc")->poly);
  assert_false(find(patch, "env")->poly);
  assert_true(find(patch, "env")->poly_set);
  assert_false(find(patch, "verb")->poly);
  assert_false(find(patch, "verb")->poly_set);
  assert_int_equal(find(patch, "osc")->params_set, 0U); /* not a parameter */
  aether_patch_free(patch);

  /* Without them: one voice, every node shared. */
  AetherPatch* const plain = util_parse(PREFIXES "node:g a ae:Gain .\n");
  assert_int_equal(aether_patch_voices(plain), 1);
  assert_false(find(plain, "g")->poly);

  /* The description API checks the range. */
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_set_voices(plain, 32, &err), AETHER_SUCCESS);
  assert_int_equal(aether_patch_voices(plain), 32);
  assert_int_equal(aether_patch_set_voices(plain, 0, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "ae:voices 0 is not a whole number from 1 to 32");
  assert_int_equal(aether_patch_set_voices(plain, 33, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_patch_voices(plain), 32); /* unchanged */
  aether_patch_free(plain);

  /* Messages set it with its own call: aether_patch_node_set() sets one
     parameter or input, which callers count on. */
  AetherPatchNode        node;
  const AetherPatchValue yes = { AETHER_PATCH_NUMBER, 1.0, NULL };
  assert_int_equal(aether_patch_node_init(&node, "v", "Oscillator", &err),
                   AETHER_SUCCESS);
  assert_false(node.poly);
  assert_int_equal(aether_patch_node_set(&node, "urn:aether:poly", &yes, &err),
                   AETHER_ERR_BAD_PARAM);
  assert_string_equal(err.message,
                      "node \"v\" (Oscillator): ae:poly is a property of the "
                      "node, not a parameter or an input");
  assert_false(node.poly);
  assert_int_equal(node.params_set | node.inputs_set, 0U);

  assert_int_equal(aether_patch_node_set_poly(&node, &yes, &err),
                   AETHER_SUCCESS);
  assert_true(node.poly);
  assert_int_equal(aether_patch_node_set_poly(&node, &yes, &err),
                   AETHER_ERR_DUPLICATE);
  assert_string_equal(err.message,
                      "node \"v\" (Oscillator): ae:poly is given twice");
  const AetherPatchValue word = { AETHER_PATCH_STRING, 0.0, "yes" };
  assert_int_equal(aether_patch_node_init(&node, "v", "Oscillator", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_node_set_poly(&node, &word, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "node \"v\" (Oscillator): ae:poly needs true or false, "
                      "not \"yes\"");
  assert_false(node.poly);
}

static void
test_equality_of_controllers(void** state)
{
  (void)state;
  AetherPatch* const a = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:g ; ae:param ae:gain ] "
             ",\n"
             "    [ ae:cc 1 ; ae:channel 2 ; ae:node node:g ; ae:param ae:gain "
             "] .\n"
             "node:g a ae:Gain .\n");
  /* The same mappings in another order, ranges and channel written out. */
  AetherPatch* const b = util_parse(
    PREFIXES "node:g a ae:Gain .\n<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:channel 2 ; ae:node node:g ; "
             "ae:param ae:gain ; ae:min 0 ; ae:max 4 ; ae:curve ae:linear ] ,"
             "\n"
             "    [ ae:cc 1 ; ae:channel 0 ; ae:node node:g ; ae:param ae:gain "
             "] .\n");
  AetherPatch* const c = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:g ; ae:param ae:gain ] "
             ",\n"
             "    [ ae:cc 1 ; ae:channel 3 ; ae:node node:g ; ae:param ae:gain "
             "] .\n"
             "node:g a ae:Gain .\n");
  AetherPatch* const d = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:g ; ae:param ae:gain ] "
             ".\n"
             "node:g a ae:Gain .\n");
  AetherPatch* const m = util_parse(
    PREFIXES "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 1 ; ae:node node:g ; ae:param ae:gain ] "
             ";\n"
             "  ae:macro [ ae:index 2 ; ae:node node:g ; ae:param ae:gain ] "
             ".\n"
             "node:g a ae:Gain .\n");
  assert_true(aether_patch_equal(a, b));
  assert_true(aether_patch_equal(b, a));
  assert_false(aether_patch_equal(a, c)); /* a channel */
  assert_false(aether_patch_equal(a, d)); /* how many */
  assert_false(aether_patch_equal(d, a));
  assert_false(aether_patch_equal(d, m)); /* a macro too */
  aether_patch_free(a);
  aether_patch_free(b);
  aether_patch_free(c);
  aether_patch_free(d);
  aether_patch_free(m);
}

static void
test_equality_of_voices_and_poly(void** state)
{
  (void)state;
  AetherPatch* const a =
    util_parse(PREFIXES "<> a ae:Patch ; ae:voices 4 .\n"
                        "node:o a ae:Oscillator ; ae:poly true .\n");
  AetherPatch* const b = util_parse(
    PREFIXES "node:o a ae:Oscillator ; ae:poly true .\n<> ae:voices 4 ; a "
             "ae:Patch .\n");
  AetherPatch* const c =
    util_parse(PREFIXES "<> a ae:Patch ; ae:voices 5 .\n"
                        "node:o a ae:Oscillator ; ae:poly true .\n");
  AetherPatch* const d = util_parse(PREFIXES "<> a ae:Patch ; ae:voices 4 .\n"
                                             "node:o a ae:Oscillator .\n");
  assert_true(aether_patch_equal(a, b));
  assert_false(aether_patch_equal(a, c)); /* the voice count */
  assert_false(aether_patch_equal(a, d)); /* per voice or shared */
  assert_false(aether_patch_equal(d, a));
  aether_patch_free(a);
  aether_patch_free(b);
  aether_patch_free(c);
  aether_patch_free(d);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nodes_params_and_inputs),
    cmocka_unit_test(test_defaults_and_number_forms),
    cmocka_unit_test(test_any_order_and_split_descriptions),
    cmocka_unit_test(test_enum_values_by_iri_string_or_index),
    cmocka_unit_test(test_macros),
    cmocka_unit_test(test_controllers),
    cmocka_unit_test(test_replace_node),
    cmocka_unit_test(test_other_vocabularies_are_left_alone),
    cmocka_unit_test(test_empty_patch),
    cmocka_unit_test(test_delay_loop_is_allowed),
    cmocka_unit_test(test_node_api_for_messages),
    cmocka_unit_test(test_equality),
    cmocka_unit_test(test_voices_and_poly),
    cmocka_unit_test(test_equality_of_voices_and_poly),
    cmocka_unit_test(test_equality_of_controllers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
