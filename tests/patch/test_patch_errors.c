/* Aether patch tests: every error class, with its exact message. A patch
   with an error is refused whole: nothing is returned. */

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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* Parse `text`, expect `status` and exactly `message`. */
static void
expect(const char* const  text,
       const AetherStatus status,
       const char* const  message)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(util_parse_error(text, &err), status);
  assert_string_equal(err.message, message);
}

static void
test_syntax_error(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain ;\n"
                  "  ae:gain 0.5\n"
                  "  ae:in node:x .\n",
         AETHER_ERR_SYNTAX,
         "t.ttl:5:3: syntax error: missing ';' or '.'");
  expect(PREFIXES "node:g a ae:Gain ;\n"
                  "  ae:gain \"0.5 .\n",
         AETHER_ERR_SYNTAX,
         "t.ttl:4:17: syntax error: line end in short string");
  expect(PREFIXES "node:g a ae:Gain ] .\n",
         AETHER_ERR_SYNTAX,
         "t.ttl:3:18: syntax error: expected `.', not `]'");
}

static void
test_undefined_prefix(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain .\n"
                  "nod:h a ae:Gain .\n",
         AETHER_ERR_SYNTAX,
         "t.ttl:4:1: syntax error: undefined prefix \"nod:\" (add @prefix "
         "for it)");
}

static void
test_nul_byte_and_size(void** state)
{
  (void)state;
  AetherError  err    = { AETHER_SUCCESS, "" };
  AetherPatch* patch  = NULL;
  const char   text[] = "@prefix ae: <urn:aether:> .\nnode\0:g a ae:Gain .\n";
  assert_int_equal(
    aether_patch_parse(text, sizeof(text) - 1U, "t.ttl", &patch, &err),
    AETHER_ERR_SYNTAX);
  assert_string_equal(err.message, "t.ttl:2:5: syntax error: NUL byte in text");
  assert_null(patch);

  const size_t big  = AETHER_PATCH_MAX_SIZE + 1U;
  char* const  huge = (char*)malloc(big);
  assert_non_null(huge);
  memset(huge, ' ', big);
  assert_int_equal(aether_patch_parse(huge, big, "t.ttl", &patch, &err),
                   AETHER_ERR_FULL);
  assert_string_equal(err.message,
                      "t.ttl: patch too large (16777217 bytes, at most "
                      "16777216)");
  free(huge);
}

static void
test_unknown_node_type(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gainn .\n",
         AETHER_ERR_UNKNOWN_TYPE,
         "t.ttl:3:10: node \"g\": unknown node type ae:Gainn (did you mean "
         "ae:Gain?)");
  expect(PREFIXES "node:g a ae:Wobbulator .\n",
         AETHER_ERR_UNKNOWN_TYPE,
         "t.ttl:3:10: node \"g\": unknown node type ae:Wobbulator");
  expect(PREFIXES "node:g ae:gain 1 .\n",
         AETHER_ERR_UNKNOWN_TYPE,
         "t.ttl:3:16: node \"g\" has no type (add: a ae:TypeName)");
}

static void
test_unknown_parameter(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain ; ae:gan 1 .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:3:20: node \"g\" (Gain): unknown property ae:gan (did you "
         "mean ae:gain?)");
  expect(PREFIXES "node:g a ae:Gain ;\n"
                  "  ae:left node:g .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:3: node \"g\" (Gain): unknown property ae:left");
}

static void
test_out_of_range_value(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain ; ae:gain 5 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:28: node \"g\" (Gain): ae:gain 5 is out of range (0 to 4)");
  expect(PREFIXES "node:g a ae:Gain ; ae:gain -1e50 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:28: node \"g\" (Gain): ae:gain -1e+50 is out of range (0 "
         "to 4)");
  expect(PREFIXES "node:m a ae:Macro ; ae:index 2.5 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:30: node \"m\" (Macro): ae:index 2.5 is not a whole number "
         "from 1 to 8");
}

static void
test_wrong_kind_of_value(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain ; ae:gain \"loud\" .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:28: node \"g\" (Gain): ae:gain needs a number, not \"loud\"");
  expect(PREFIXES "node:g a ae:Gain ; ae:gain node:g .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:28: node \"g\" (Gain): ae:gain needs a number, not node:g");
  expect(PREFIXES "node:g a ae:Gain ; ae:in 3 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:26: node \"g\" (Gain): input ae:in needs a node output "
         "(node:NAME or node:NAME.OUTPUT), not 3");
  expect(PREFIXES "node:g a ae:Gain ; ae:gain \"1\"^^<urn:x:t> .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:28: node \"g\" (Gain): ae:gain: unsupported datatype "
         "<urn:x:t> (use a plain number)");
}

static void
test_unknown_choice(void** state)
{
  (void)state;
  const AetherNodeType* const osc = aether_registry_find("Oscillator");
  if (!osc) {
    skip();
  }
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(util_parse_error(PREFIXES "node:o a ae:Oscillator ;\n"
                                             "  ae:wave ae:sinus .\n",
                                    &err),
                   AETHER_ERR_BAD_VALUE);
  assert_non_null(strstr(err.message,
                         "t.ttl:4:11: node \"o\" (Oscillator): ae:wave has no "
                         "choice ae:sinus (choices: sine, "));
  assert_non_null(strstr(err.message, "(did you mean ae:sine?)"));
}

static void
test_dangling_input(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain ; ae:in node:osc2 .\n",
         AETHER_ERR_NOT_FOUND,
         "t.ttl:3:26: node \"g\" (Gain): ae:in names node \"osc2\", which "
         "does not exist");
  expect(PREFIXES "node:in a ae:AudioIn .\n"
                  "node:g a ae:Gain ; ae:in node:in.center .\n",
         AETHER_ERR_BAD_PORT,
         "t.ttl:4:26: node \"g\" (Gain): ae:in names output \"center\" of node "
         "\"in\" (AudioIn), which has outputs left, right");
  expect(PREFIXES "node:out a ae:AudioOut .\n"
                  "node:g a ae:Gain ; ae:in node:out .\n",
         AETHER_ERR_BAD_PORT,
         "t.ttl:4:26: node \"g\" (Gain): ae:in names node \"out\" (AudioOut), "
         "which has no outputs");
  expect(PREFIXES "node:g a ae:Gain ; ae:in node:a.b.c .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:26: node \"g\" (Gain): input ae:in needs a node output "
         "(node:NAME or node:NAME.OUTPUT), not node:a.b.c");
}

static void
test_duplicate_node(void** state)
{
  (void)state;
  expect(PREFIXES "node:g a ae:Gain .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:4:10: duplicate node \"g\" (first declared at 3:10)");
  expect(PREFIXES "node:g a ae:Gain ; ae:gain 1 ; ae:gain 2 .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:3:32: node \"g\" (Gain): ae:gain is given twice");
  expect(PREFIXES "<> a ae:Patch .\n"
                  "<#other> a ae:Patch .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:4:12: a second ae:Patch (the first is at 3:6)");
}

static void
test_cycle(void** state)
{
  (void)state;
  expect(PREFIXES "node:a a ae:Gain ; ae:in node:c .\n"
                  "node:b a ae:Gain ; ae:in node:a .\n"
                  "node:c a ae:Gain ; ae:in node:b .\n",
         AETHER_ERR_CYCLE,
         "t.ttl:3:26: node \"a\" (Gain): ae:in closes a cycle without a "
         "delay node: a -> b -> c -> a");
  expect(PREFIXES "node:x a ae:Gain .\n"
                  "node:a a ae:Gain ; ae:in node:x ; ae:cv node:a .\n",
         AETHER_ERR_CYCLE,
         "t.ttl:4:41: node \"a\" (Gain): ae:cv closes a cycle without a delay "
         "node: a -> a");
}

static void
test_too_many_nodes(void** state)
{
  (void)state;
  const size_t size = 64U * (AETHER_MAX_NODES + 2U);
  char* const  text = (char*)malloc(size);
  size_t       len  = (size_t)snprintf(text, size, PREFIXES);
  for (uint32_t i = 0; i <= AETHER_MAX_NODES; ++i) {
    len += (size_t)snprintf(
      text + len, size - len, "node:n%u a ae:Gain .\n", (unsigned)i);
  }
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(util_parse_error(text, &err), AETHER_ERR_FULL);
  assert_string_equal(err.message,
                      "t.ttl:10243:15: node \"n10240\": too many nodes (at "
                      "most 10240)");
  free(text);
}

static void
test_format_version(void** state)
{
  (void)state;
  expect(PREFIXES "<> a ae:Patch ; ae:macro [ ae:index 99 ] ;\n"
                  "  ae:formatVersion 2 .\n"
                  "node:g a ae:Gain ; ae:frobnicate 1 .\n",
         AETHER_ERR_UNSUPPORTED,
         "t.ttl:4:20: unsupported ae:formatVersion 2 (this version of Aether "
         "reads 1)");
  expect(PREFIXES "<> a ae:Patch ; ae:formatVersion 2 .\n",
         AETHER_ERR_UNSUPPORTED,
         "t.ttl:3:34: unsupported ae:formatVersion 2 (this version of Aether "
         "reads 1)");
  expect(PREFIXES "<> a ae:Patch ; ae:formatVersion \"one\" .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:34: ae:formatVersion needs a number, not \"one\"");
}

static void
test_macro_errors(void** state)
{
  (void)state;
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:node node:nope ; "
                  "ae:param ae:gain ] .\n",
         AETHER_ERR_NOT_FOUND,
         "t.ttl:4:12: macro 1: ae:node names node \"nope\", which does not "
         "exist");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:node node:g ; ae:param ae:q ] "
                  ".\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:12: macro 1: node \"g\" (Gain) has no parameter ae:q");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 3 ; ae:node node:g ; ae:param ae:gain "
                  "; ae:max 10 ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:12: macro 3 on node \"g\" (Gain) ae:gain: range 0 to 10 is "
         "outside 0 to 4");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 3 ; ae:node node:g ; ae:param ae:gain "
                  "; ae:curve ae:exponential ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:12: macro 3 on node \"g\" (Gain) ae:gain: ae:exponential "
         "needs ae:min and ae:max above 0");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 9 ; ae:node node:g ; ae:param ae:gain "
                  "] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:23: macro mapping: ae:index 9 is not a macro (1 to 8)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:node node:g ] .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:4:12: macro mapping needs ae:index, ae:node and ae:param");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:curve ae:cubic ] .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:36: macro mapping: unknown curve ae:cubic (ae:linear, "
         "ae:exponential, ae:square)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:knob 3 ] .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:27: macro mapping: unknown property ae:knob (ae:index, "
         "ae:node, ae:param, ae:min, ae:max, ae:curve)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:index 1 ; ae:node node:g ; ae:param ae:gain "
                  "] , [ ae:index 1 ; ae:node node:g ; ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:4:65: macro 1 is mapped to node \"g\" ae:gain twice");
}

static void
test_controller_errors(void** state)
{
  (void)state;
  /* What names the mapping: ae:cc and ae:channel, each a whole number. */
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 128 ; ae:node node:g ; "
                  "ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:25: controller mapping: ae:cc 128 is not a controller (0 "
         "to 127)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1.5 ; ae:node node:g ; "
                  "ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:25: controller mapping: ae:cc 1.5 is not a controller (0 "
         "to 127)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc -1 ; ae:node node:g ; "
                  "ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:25: controller mapping: ae:cc -1 is not a controller (0 "
         "to 127)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:channel 17 ; "
                  "ae:node node:g ; ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:40: controller mapping: ae:channel 17 is not a channel (1 "
         "to 16, or 0 for every channel)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc \"wheel\" ] .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:25: controller mapping: ae:cc needs a number, not "
         "\"wheel\"");

  /* Its target, range and curve, checked as a macro's. */
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:node node:nope ; "
                  "ae:param ae:gain ] .\n",
         AETHER_ERR_NOT_FOUND,
         "t.ttl:4:17: controller 1: ae:node names node \"nope\", which does "
         "not exist");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 74 ; ae:channel 2 ; ae:node node:g "
                  "; ae:param ae:q ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:17: controller 74 (channel 2): node \"g\" (Gain) has no "
         "parameter ae:q");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 7 ; ae:node node:g ; ae:param "
                  "ae:gain ; ae:min -1 ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:17: controller 7 on node \"g\" (Gain) ae:gain: range -1 to "
         "4 is outside 0 to 4");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 7 ; ae:channel 16 ; ae:node node:g "
                  "; ae:param ae:gain ; ae:curve ae:exponential ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:17: controller 7 (channel 16) on node \"g\" (Gain) "
         "ae:gain: ae:exponential needs ae:min and ae:max above 0");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:curve ae:cubic ] .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:38: controller mapping: unknown curve ae:cubic (ae:linear, "
         "ae:exponential, ae:square)");

  /* Its properties. */
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:node node:g ] .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:4:17: controller mapping needs ae:cc, ae:node and ae:param");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:index 1 ; ae:node node:g ; "
                  "ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:19: controller mapping: unknown property ae:index (ae:cc, "
         "ae:channel, ae:node, ae:param, ae:min, ae:max, ae:curve)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:macro [ ae:cc 1 ; ae:node node:g ; "
                  "ae:param ae:gain ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:4:14: macro mapping: unknown property ae:cc (ae:index, "
         "ae:node, ae:param, ae:min, ae:max, ae:curve)");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:cc 2 ] .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:4:29: controller mapping: ae:cc is given twice");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller node:g .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:4:17: ae:controller needs a description [ ae:cc ... ]");

  /* One controller on one channel drives a parameter once; the same
     controller on another channel, or on every channel, is another
     mapping. */
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:node node:g ; "
                  "ae:param ae:gain ] ,\n"
                  "    [ ae:cc 1 ; ae:channel 3 ; ae:node node:g ; "
                  "ae:param ae:gain ] ,\n"
                  "    [ ae:cc 1 ; ae:channel 3 ; ae:node node:g ; "
                  "ae:param ae:gain ; ae:max 2 ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:6:5: controller 1 (channel 3) is mapped to node \"g\" "
         "ae:gain twice");
  expect(PREFIXES "<> a ae:Patch ;\n"
                  "  ae:controller [ ae:cc 1 ; ae:node node:g ; "
                  "ae:param ae:gain ] ,\n"
                  "    [ ae:cc 1 ; ae:channel 0 ; ae:node node:g ; "
                  "ae:param \"gain\" ] .\n"
                  "node:g a ae:Gain .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:5:5: controller 1 is mapped to node \"g\" ae:gain twice");
}

static void
test_too_many_mappings(void** state)
{
  (void)state;
  /* 65 controller mappings: the 65th is refused where it is written. */
  const size_t size = 80U * (AETHER_MAX_CC_MAPS + 4U);
  char* const  text = (char*)malloc(size);
  assert_non_null(text);
  size_t len =
    (size_t)snprintf(text, size, PREFIXES "node:g a ae:Gain .\n<> a ae:Patch");
  for (uint32_t i = 0; i <= AETHER_MAX_CC_MAPS; ++i) {
    len += (size_t)snprintf(text + len,
                            size - len,
                            " ;\n  ae:controller [ ae:cc %u ; ae:node node:g ; "
                            "ae:param ae:gain ]",
                            (unsigned)i);
  }
  snprintf(text + len, size - len, " .\n");
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(util_parse_error(text, &err), AETHER_ERR_FULL);
  assert_string_equal(err.message,
                      "t.ttl:69:17: too many controller mappings (at most "
                      "64)");

  /* The description API says the same, without a place. */
  AetherPatch* const          patch = aether_patch_new();
  const AetherPatchController ctl   = {
      1, 0, "g", "gain", 0.0f, 4.0f, AETHER_CURVE_LINEAR, { 0, 0 }
  };
  for (uint32_t i = 0; i < AETHER_MAX_CC_MAPS; ++i) {
    assert_int_equal(aether_patch_add_controller(patch, &ctl, &err),
                     AETHER_SUCCESS);
  }
  assert_int_equal(aether_patch_add_controller(patch, &ctl, &err),
                   AETHER_ERR_FULL);
  assert_string_equal(err.message, "too many controller mappings (at most 64)");
  assert_int_equal(aether_patch_n_controllers(patch), AETHER_MAX_CC_MAPS);
  aether_patch_free(patch);
  free(text);
}

static void
test_hand_made_mappings_are_validated(void** state)
{
  (void)state;
  /* Descriptions built with the API are checked like parsed ones. */
  AetherPatch* const patch = aether_patch_new();
  AetherError        err   = { AETHER_SUCCESS, "" };
  AetherPatchNode    node;
  assert_int_equal(aether_patch_node_init(&node, "g", "Gain", &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_add_node(patch, &node, &err), AETHER_SUCCESS);

  AetherPatchController ctl = {
    200, 0, "g", "gain", 0.0f, 4.0f, AETHER_CURVE_LINEAR, { 0, 0 }
  };
  assert_int_equal(aether_patch_add_controller(patch, &ctl, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_validate(patch, &err), AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "controller mapping: ae:cc 200 is not a controller (0 "
                      "to 127)");

  AetherPatch* const other = aether_patch_new();
  assert_int_equal(aether_patch_add_node(other, &node, &err), AETHER_SUCCESS);
  ctl.cc      = 11;
  ctl.channel = 17;
  assert_int_equal(aether_patch_add_controller(other, &ctl, &err),
                   AETHER_SUCCESS);
  assert_int_equal(aether_patch_validate(other, &err), AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message,
                      "controller mapping: ae:channel 17 is not a channel (1 "
                      "to 16, or 0 for every channel)");
  aether_patch_free(other);
  aether_patch_free(patch);
}

static void
test_misplaced_vocabulary(void** state)
{
  (void)state;
  expect(PREFIXES "node:a.b a ae:Gain .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:3:12: invalid node name \"a.b\" (1 to 63 characters of A-Z "
         "a-z 0-9 _ -)");
  expect(PREFIXES "ae:Thing ae:gain 1 .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:3:18: <urn:aether:Thing> is not a node: nodes are node:NAME "
         "(<urn:aether:node:NAME>)");
  expect(PREFIXES "<http://example.org/a> a ae:Gain .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:3:26: <http://example.org/a> uses the Aether vocabulary but "
         "is neither the patch (a ae:Patch) nor a node (node:NAME)");
  expect(PREFIXES "[] ae:index 1 .\n",
         AETHER_ERR_BAD_ARG,
         "t.ttl:3:13: a blank node uses the Aether vocabulary but is not a "
         "mapping of the patch (ae:macro [ ... ] or ae:controller [ ... ])");
  expect(PREFIXES "node:g a ae:Gain ; ae:cv [ ae:cc 1 ] .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:26: node \"g\" (Gain): ae:cv: a blank node is not a value");
  expect(PREFIXES "<> a ae:Patch ; ae:tempo 120 .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:3:17: the patch: unknown property ae:tempo "
         "(ae:formatVersion, ae:voices, ae:macro, ae:controller)");
}

static void
test_voices_errors(void** state)
{
  (void)state;
  expect(PREFIXES "<> a ae:Patch ; ae:voices 0 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:27: ae:voices 0 is not a whole number from 1 to 32");
  expect(PREFIXES "<> a ae:Patch ; ae:voices 33 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:27: ae:voices 33 is not a whole number from 1 to 32");
  expect(PREFIXES "<> a ae:Patch ; ae:voices 2.5 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:27: ae:voices 2.5 is not a whole number from 1 to 32");
  expect(PREFIXES "<> a ae:Patch ; ae:voices \"eight\" .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:27: ae:voices needs a number, not \"eight\"");
  expect(PREFIXES "<> a ae:Patch ;\n  ae:voices 4 ;\n  ae:voices 4 .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:5:3: ae:voices is given twice");
  /* On a node it is no property of the node's type. */
  expect(PREFIXES "node:g a ae:Gain ; ae:voices 4 .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:3:20: node \"g\" (Gain): unknown property ae:voices");
}

static void
test_poly_errors(void** state)
{
  (void)state;
  expect(PREFIXES "node:o a ae:Oscillator ; ae:poly 2 .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:34: node \"o\" (Oscillator): ae:poly needs true or false, "
         "not 2");
  expect(PREFIXES "node:o a ae:Oscillator ; ae:poly \"yes\" .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:34: node \"o\" (Oscillator): ae:poly needs true or false, "
         "not \"yes\"");
  expect(PREFIXES "node:o a ae:Oscillator ; ae:poly ae:true .\n",
         AETHER_ERR_BAD_VALUE,
         "t.ttl:3:34: node \"o\" (Oscillator): ae:poly needs true or false, "
         "not ae:true");
  expect(PREFIXES "node:o a ae:Oscillator ;\n  ae:poly true ;\n"
                  "  ae:poly false .\n",
         AETHER_ERR_DUPLICATE,
         "t.ttl:5:3: node \"o\" (Oscillator): ae:poly is given twice");
  expect(PREFIXES "node:o a ae:Oscillator ; ae:polly true .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:3:26: node \"o\" (Oscillator): unknown property ae:polly "
         "(did you mean ae:poly?)");
  /* The patch is not a node. */
  expect(PREFIXES "<> a ae:Patch ; ae:poly true .\n",
         AETHER_ERR_BAD_PARAM,
         "t.ttl:3:17: the patch: unknown property ae:poly "
         "(ae:formatVersion, ae:voices, ae:macro, ae:controller)");
}

static void
test_file_errors(void** state)
{
  (void)state;
  AetherError  err   = { AETHER_SUCCESS, "" };
  AetherPatch* patch = NULL;

  assert_int_equal(aether_patch_read_file("/nonexistent/p.ttl", &patch, &err),
                   AETHER_ERR_NOT_FOUND);
  assert_string_equal(err.message, "/nonexistent/p.ttl: no such file");
  assert_null(patch);

  assert_int_equal(aether_patch_read_file("/tmp", &patch, &err), AETHER_ERR_IO);
  assert_string_equal(err.message, "/tmp: is a directory, not a patch file");

  assert_int_equal(aether_patch_read_file("/dev/null", &patch, &err),
                   AETHER_ERR_IO);
  assert_string_equal(err.message, "/dev/null: not a regular file");

  char      path[] = "/tmp/aether-patch-XXXXXX";
  const int fd     = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, (off_t)AETHER_PATCH_MAX_SIZE + 1), 0);
  close(fd);
  assert_int_equal(aether_patch_read_file(path, &patch, &err), AETHER_ERR_FULL);
  char expected[256];
  snprintf(expected,
           sizeof(expected),
           "%s: file too large (16777217 bytes, at most 16777216)",
           path);
  assert_string_equal(err.message, expected);

  /* Unreadable (root reads anything: nothing to test then). */
  FILE* const f = fopen(path, "wb");
  assert_non_null(f);
  fputs(PREFIXES "node:g a ae:Gain ; ae:gain 5 .\n", f);
  fclose(f);
  assert_int_equal(aether_patch_read_file(path, &patch, &err),
                   AETHER_ERR_BAD_VALUE);
  snprintf(expected,
           sizeof(expected),
           "%s:3:28: node \"g\" (Gain): ae:gain 5 is out of range (0 to 4)",
           path);
  assert_string_equal(err.message, expected);
  if (geteuid() != 0) {
    chmod(path, 0);
    assert_int_equal(aether_patch_read_file(path, &patch, &err), AETHER_ERR_IO);
    snprintf(expected, sizeof(expected), "%s: permission denied", path);
    assert_string_equal(err.message, expected);
  }
  unlink(path);
  assert_null(patch);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_syntax_error),
    cmocka_unit_test(test_undefined_prefix),
    cmocka_unit_test(test_nul_byte_and_size),
    cmocka_unit_test(test_unknown_node_type),
    cmocka_unit_test(test_unknown_parameter),
    cmocka_unit_test(test_out_of_range_value),
    cmocka_unit_test(test_wrong_kind_of_value),
    cmocka_unit_test(test_unknown_choice),
    cmocka_unit_test(test_dangling_input),
    cmocka_unit_test(test_duplicate_node),
    cmocka_unit_test(test_cycle),
    cmocka_unit_test(test_too_many_nodes),
    cmocka_unit_test(test_format_version),
    cmocka_unit_test(test_macro_errors),
    cmocka_unit_test(test_controller_errors),
    cmocka_unit_test(test_too_many_mappings),
    cmocka_unit_test(test_hand_made_mappings_are_validated),
    cmocka_unit_test(test_misplaced_vocabulary),
    cmocka_unit_test(test_voices_errors),
    cmocka_unit_test(test_poly_errors),
    cmocka_unit_test(test_file_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
