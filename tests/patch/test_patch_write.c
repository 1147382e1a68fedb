/* Aether patch tests: the canonical writer. parse(write(p)) equals p and
   write(parse(write(p))) is byte-identical, for hand-made patches, for a
   patch of every registered node type with random values and mappings, and
   for every patch the project ships (patches/, ttl/presets/). */

#include "../../src/nodes/registry.h"
#include "patch.h"
#include "patch_impl.h"
#include "util.h"

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
check_number(const float value, const char* const expected)
{
  char buf[PATCH_NUMBER_SIZE];
  patch_format_float(buf, value);
  assert_string_equal(buf, expected);
  double back = 0.0;
  assert_true(patch_parse_number(buf, &back));
  assert_true((float)back == value);
}

static void
test_numbers_are_shortest_and_exact(void** state)
{
  (void)state;
  check_number(0.0f, "0");
  check_number(1.0f, "1");
  check_number(-2.5f, "-2.5");
  check_number(0.1f, "0.1");
  check_number(0.8f, "0.8");
  check_number(440.0f, "440");
  check_number(20000.0f, "20000");
  check_number(0.001f, "0.001");
  check_number(1e-7f, "0.0000001");
  check_number(1.0f / 3.0f, "0.33333334");
  check_number(16777216.0f, "16777216");
  check_number(1e10f, "10000000000");
  check_number(3.4028235e38f, "340282350000000000000000000000000000000");
  check_number(1.4e-45f, "0.000000000000000000000000000000000000000000001");

  /* Any finite float: a pseudo-random sweep of bit patterns. */
  uint32_t x = 0x12345678U;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13U;
    x ^= x >> 17U;
    x ^= x << 5U;
    float v = 0.0f;
    memcpy(&v, &x, sizeof(v));
    if (!isfinite(v)) {
      continue;
    }
    char   buf[PATCH_NUMBER_SIZE];
    double back = 0.0;
    patch_format_float(buf, v);
    assert_true(patch_parse_number(buf, &back));
    if ((float)back != v && !(v == 0.0f && back == 0.0)) {
      fail_msg("%.9g written as %s reads back as %.9g", (double)v, buf, back);
    }
  }
}

static void
test_numbers_ignore_the_locale(void** state)
{
  (void)state;
  if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") &&
      !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
    skip(); /* no locale with a decimal comma installed */
  }
  check_number(0.5f, "0.5");
  AetherPatch* const patch =
    util_parse(PREFIXES "node:g a ae:Gain ; ae:gain 1.25 .\n");
  assert_true(aether_patch_find(patch, "g")->params[0] == 1.25f);
  char* const text = util_write(patch);
  assert_non_null(strstr(text, "ae:gain 1.25 ."));
  free(text);
  aether_patch_free(patch);
  setlocale(LC_NUMERIC, "C");
}

static void
test_canonical_text(void** state)
{
  (void)state;
  /* Out of order, defaults omitted, outputs named or not, macros without
     a range: the canonical form has a single spelling for all of it. */
  AetherPatch* const patch = util_parse(
    PREFIXES
    "node:out a ae:AudioOut ; ae:right node:amp ; ae:left node:in .\n"
    "node:amp a ae:Gain ; ae:in node:in.right ; ae:cv node:knob.out .\n"
    "node:knob a ae:Macro ; ae:index 3 ; ae:max 0.25 .\n"
    "node:in a ae:AudioIn .\n"
    "<> a ae:Patch ;\n"
    "  ae:macro [ ae:index 2 ; ae:node node:knob ; ae:param ae:min ] ,\n"
    "           [ ae:index 1 ; ae:node node:amp ; ae:param ae:gain ;\n"
    "             ae:min 0.5 ; ae:max 2 ; ae:curve ae:exponential ] .\n");

  static const char* const expected = "@prefix ae: <urn:aether:> .\n"
                                      "@prefix node: <urn:aether:node:> .\n"
                                      "\n"
                                      "<> a ae:Patch ;\n"
                                      "\tae:formatVersion 1 ;\n"
                                      "\tae:macro [\n"
                                      "\t\tae:index 1 ;\n"
                                      "\t\tae:node node:amp ;\n"
                                      "\t\tae:param ae:gain ;\n"
                                      "\t\tae:min 0.5 ;\n"
                                      "\t\tae:max 2 ;\n"
                                      "\t\tae:curve ae:exponential\n"
                                      "\t] ;\n"
                                      "\tae:macro [\n"
                                      "\t\tae:index 2 ;\n"
                                      "\t\tae:node node:knob ;\n"
                                      "\t\tae:param ae:min ;\n"
                                      "\t\tae:min -20000 ;\n"
                                      "\t\tae:max 20000 ;\n"
                                      "\t\tae:curve ae:linear\n"
                                      "\t] .\n"
                                      "\n"
                                      "node:amp a ae:Gain ;\n"
                                      "\tae:gain 0.8 ;\n"
                                      "\tae:in node:in.right ;\n"
                                      "\tae:cv node:knob .\n"
                                      "\n"
                                      "node:in a ae:AudioIn .\n"
                                      "\n"
                                      "node:knob a ae:Macro ;\n"
                                      "\tae:index 3 ;\n"
                                      "\tae:min 0 ;\n"
                                      "\tae:max 0.25 .\n"
                                      "\n"
                                      "node:out a ae:AudioOut ;\n"
                                      "\tae:left node:in.left ;\n"
                                      "\tae:right node:amp .\n";

  char* const text = util_write(patch);
  assert_string_equal(text, expected);
  free(text);
  aether_patch_free(patch);
}

static void
test_canonical_voices_and_poly(void** state)
{
  (void)state;
  /* ae:voices after the version when above 1, ae:poly true right after the
     type of a per-voice node; ae:poly false and ae:voices 1 are left out. */
  AetherPatch* const patch = util_parse(
    PREFIXES "node:out a ae:AudioOut ; ae:left node:osc .\n"
             "node:osc a ae:Oscillator ; ae:poly true ; ae:amp 0.25 ;"
             " ae:pitch node:keys.pitch .\n"
             "node:keys a ae:MidiNote ; ae:poly true .\n"
             "node:hold a ae:Gain ; ae:poly false .\n"
             "<> a ae:Patch ; ae:voices 6 .\n");
  static const char* const expected = "@prefix ae: <urn:aether:> .\n"
                                      "@prefix node: <urn:aether:node:> .\n"
                                      "\n"
                                      "<> a ae:Patch ;\n"
                                      "\tae:formatVersion 1 ;\n"
                                      "\tae:voices 6 .\n"
                                      "\n"
                                      "node:hold a ae:Gain ;\n"
                                      "\tae:gain 0.8 .\n"
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
  char* const              text     = util_write(patch);
  assert_string_equal(text, expected);
  free(text);

  /* Back to one voice: the patch is written as without polyphony. */
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_patch_set_voices(patch, 1, &err), AETHER_SUCCESS);
  char* const mono = util_write(patch);
  assert_null(strstr(mono, "ae:voices"));
  assert_non_null(strstr(mono, "<> a ae:Patch ;\n\tae:formatVersion 1 .\n"));
  free(mono);
  aether_patch_free(patch);
}

static void
test_canonical_controllers(void** state)
{
  (void)state;
  /* Sorted by controller, channel, node and parameter (in the type's
     order: cutoff before q), after the macros; every property written but
     a channel of 0 (every channel). */
  AetherPatch* const patch = util_parse(
    PREFIXES "node:f a ae:Filter .\n"
             "node:amp a ae:Gain ; ae:in node:f .\n"
             "<> a ae:Patch ;\n"
             "  ae:controller [ ae:cc 74 ; ae:node node:f ; ae:param ae:q ] ,\n"
             "    [ ae:cc 74 ; ae:node node:f ; ae:param ae:cutoff ;\n"
             "      ae:min 200 ; ae:max 8000 ; ae:curve ae:exponential ] ,\n"
             "    [ ae:cc 1 ; ae:channel 2 ; ae:node node:amp ; "
             "ae:param ae:gain ] ,\n"
             "    [ ae:cc 1 ; ae:channel 0 ; ae:node node:f ; "
             "ae:param ae:q ; ae:max 2 ] ;\n"
             "  ae:macro [ ae:index 1 ; ae:node node:amp ; ae:param ae:gain ] "
             ".\n");

  static const char* const expected = "@prefix ae: <urn:aether:> .\n"
                                      "@prefix node: <urn:aether:node:> .\n"
                                      "\n"
                                      "<> a ae:Patch ;\n"
                                      "\tae:formatVersion 1 ;\n"
                                      "\tae:macro [\n"
                                      "\t\tae:index 1 ;\n"
                                      "\t\tae:node node:amp ;\n"
                                      "\t\tae:param ae:gain ;\n"
                                      "\t\tae:min 0 ;\n"
                                      "\t\tae:max 4 ;\n"
                                      "\t\tae:curve ae:linear\n"
                                      "\t] ;\n"
                                      "\tae:controller [\n"
                                      "\t\tae:cc 1 ;\n"
                                      "\t\tae:node node:f ;\n"
                                      "\t\tae:param ae:q ;\n"
                                      "\t\tae:min 0.5 ;\n"
                                      "\t\tae:max 2 ;\n"
                                      "\t\tae:curve ae:linear\n"
                                      "\t] ;\n"
                                      "\tae:controller [\n"
                                      "\t\tae:cc 1 ;\n"
                                      "\t\tae:channel 2 ;\n"
                                      "\t\tae:node node:amp ;\n"
                                      "\t\tae:param ae:gain ;\n"
                                      "\t\tae:min 0 ;\n"
                                      "\t\tae:max 4 ;\n"
                                      "\t\tae:curve ae:linear\n"
                                      "\t] ;\n"
                                      "\tae:controller [\n"
                                      "\t\tae:cc 74 ;\n"
                                      "\t\tae:node node:f ;\n"
                                      "\t\tae:param ae:cutoff ;\n"
                                      "\t\tae:min 200 ;\n"
                                      "\t\tae:max 8000 ;\n"
                                      "\t\tae:curve ae:exponential\n"
                                      "\t] ;\n"
                                      "\tae:controller [\n"
                                      "\t\tae:cc 74 ;\n"
                                      "\t\tae:node node:f ;\n"
                                      "\t\tae:param ae:q ;\n"
                                      "\t\tae:min 0.5 ;\n"
                                      "\t\tae:max 20 ;\n"
                                      "\t\tae:curve ae:linear\n"
                                      "\t] .\n"
                                      "\n"
                                      "node:amp a ae:Gain ;\n"
                                      "\tae:gain 0.8 ;\n"
                                      "\tae:in node:f .\n"
                                      "\n"
                                      "node:f a ae:Filter ;\n"
                                      "\tae:mode ae:lowpass ;\n"
                                      "\tae:cutoff 2000 ;\n"
                                      "\tae:q 0.707 ;\n"
                                      "\tae:gain 6 .\n";
  char* const              text     = util_write(patch);
  assert_string_equal(text, expected);
  free(text);
  aether_patch_free(patch);
}

/* write(p) -> parse -> equal to p; write again -> the same bytes. */
static void
check_round_trip(const AetherPatch* const patch, const char* const what)
{
  char* const        first = util_write(patch);
  AetherPatch*       back  = NULL;
  AetherError        err   = { AETHER_SUCCESS, "" };
  const AetherStatus st =
    aether_patch_parse(first, strlen(first), what, &back, &err);
  if (st) {
    fail_msg("%s: written patch does not read back: %s", what, err.message);
  }
  if (!aether_patch_equal(patch, back)) {
    fail_msg("%s: parse(write(p)) differs from p", what);
  }
  char* const second = util_write(back);
  if (strcmp(first, second)) {
    fail_msg("%s: write(parse(write(p))) differs from write(p)", what);
  }
  free(second);
  free(first);
  aether_patch_free(back);
}

static void
test_any_valid_name_is_written_readably(void** state)
{
  (void)state;
  /* Turtle's prefixed names cannot start with '-': such a node is written
     as a full IRI. Digits and '_' first are fine. */
  AetherPatch* const patch =
    util_parse(PREFIXES "<urn:aether:node:-x> a ae:Gain .\n"
                        "<urn:aether:node:-in> a ae:AudioIn .\n"
                        "node:0y a ae:Gain ; ae:in <urn:aether:node:-x> .\n"
                        "node:_z a ae:Gain ; ae:in node:0y ;\n"
                        "  ae:cv <urn:aether:node:-in.right> .\n"
                        "<> a ae:Patch ; ae:macro [ ae:index 1 ; ae:node "
                        "<urn:aether:node:-x> ; ae:param ae:gain ] .\n");
  char* const text = util_write(patch);
  assert_non_null(strstr(text, "\n<urn:aether:node:-x> a ae:Gain ;\n"));
  assert_non_null(strstr(text, "\t\tae:node <urn:aether:node:-x> ;\n"));
  assert_non_null(strstr(text, "\tae:in <urn:aether:node:-x> .\n"));
  assert_non_null(strstr(text, "\tae:cv <urn:aether:node:-in.right> .\n"));
  assert_non_null(strstr(text, "\nnode:_z a ae:Gain ;\n"));
  assert_non_null(strstr(text, "\tae:in node:0y ;\n"));
  check_round_trip(patch, "names.ttl");
  free(text);
  aether_patch_free(patch);
}

static float
random_value(const AetherParamDesc* const d, uint32_t* const seed)
{
  *seed         = *seed * 1664525U + 1013904223U;
  const float u = (float)(*seed >> 8U) / 16777216.0f;
  if (d->kind == AETHER_PARAM_CONTINUOUS) {
    const float v = d->min + u * (d->max - d->min);
    return v < d->min ? d->min : v > d->max ? d->max : v;
  }
  return floorf(d->min + u * (d->max - d->min + 1.0f) * 0.999f);
}

static void
test_every_type_round_trips(void** state)
{
  (void)state;
  AetherPatch* const patch = aether_patch_new();
  AetherError        err   = { AETHER_SUCCESS, "" };
  uint32_t           seed  = 1;
  char               names[4][AETHER_MAX_NAME];

  /* Four nodes of every type, inputs from earlier nodes (any output). */
  for (uint32_t copy = 0; copy < 4U; ++copy) {
    for (uint32_t t = 0; t < aether_registry_count(); ++t) {
      const AetherNodeType* const type = aether_registry_get(t);
      AetherPatchNode             node;
      snprintf(names[0], sizeof(names[0]), "%s_%u", type->name, copy);
      assert_int_equal(
        aether_patch_node_init(&node, names[0], type->name, &err),
        AETHER_SUCCESS);
      for (uint32_t p = 0; p < type->n_params; ++p) {
        node.params[p] = random_value(&type->params[p], &seed);
        assert_int_equal(aether_param_check(&type->params[p], node.params[p]),
                         AETHER_SUCCESS);
      }
      seed             = seed * 1664525U + 1013904223U;
      node.poly        = (seed >> 20U) & 1U; /* half of them per voice */
      const uint32_t n = aether_patch_n_nodes(patch);
      for (uint32_t k = 0; k < type->n_inputs && n; ++k) {
        seed = seed * 1664525U + 1013904223U;
        const AetherPatchNode* const src =
          aether_patch_node(patch, (seed >> 8U) % n);
        if (!src->type->n_outputs || (seed & 3U) == 0U) {
          continue; /* some inputs stay unconnected */
        }
        AetherPatchInput* const in = &node.inputs[k];
        memcpy(in->source, src->name, sizeof(in->source));
        const uint32_t o = (seed >> 4U) % src->type->n_outputs;
        memcpy(in->output,
               src->type->outputs[o].name,
               strlen(src->type->outputs[o].name) + 1U);
        node.inputs_set |= 1U << k;
      }
      assert_int_equal(aether_patch_add_node(patch, &node, &err),
                       AETHER_SUCCESS);
    }
  }

  /* A macro on every parameter that has a range of its own. */
  for (uint32_t i = 0; i < aether_patch_n_nodes(patch) &&
                       aether_patch_n_macros(patch) < AETHER_MAX_MACRO_MAPS;
       ++i) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    for (uint32_t p = 0; p < node->type->n_params &&
                         aether_patch_n_macros(patch) < AETHER_MAX_MACRO_MAPS;
         ++p) {
      const AetherParamDesc* const d = &node->type->params[p];
      AetherPatchMacro             m;
      memset(&m, 0, sizeof(m));
      m.macro = (i + p) % AETHER_N_MACROS;
      memcpy(m.node, node->name, sizeof(m.node));
      memcpy(m.param, d->name, strlen(d->name) + 1U);
      m.min   = random_value(d, &seed);
      m.max   = random_value(d, &seed);
      m.curve = (m.min > 0.0f && m.max > 0.0f) ? AETHER_CURVE_EXPONENTIAL
                                               : AETHER_CURVE_SQUARE;
      assert_int_equal(aether_patch_add_macro(patch, &m, &err), AETHER_SUCCESS);
    }
  }

  /* A controller mapping on every parameter of the last nodes, on every
     channel or one, so that several controllers, channels, nodes and
     parameters share each sort key. */
  for (uint32_t i = aether_patch_n_nodes(patch);
       i-- > 0U && aether_patch_n_controllers(patch) < AETHER_MAX_CC_MAPS;) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    for (uint32_t p = 0; p < node->type->n_params &&
                         aether_patch_n_controllers(patch) < AETHER_MAX_CC_MAPS;
         ++p) {
      const AetherParamDesc* const d = &node->type->params[p];
      AetherPatchController        c;
      memset(&c, 0, sizeof(c));
      seed      = seed * 1664525U + 1013904223U;
      c.cc      = (seed >> 8U) % 4U * 37U; /* 0, 37, 74, 111 */
      c.channel = (seed >> 16U) % 3U * 8U; /* 0, 8, 16 */
      memcpy(c.node, node->name, sizeof(c.node));
      memcpy(c.param, d->name, strlen(d->name) + 1U);
      c.min   = random_value(d, &seed);
      c.max   = random_value(d, &seed);
      c.curve = (c.min > 0.0f && c.max > 0.0f) ? AETHER_CURVE_EXPONENTIAL
                                               : AETHER_CURVE_LINEAR;
      assert_int_equal(aether_patch_add_controller(patch, &c, &err),
                       AETHER_SUCCESS);
    }
  }
  assert_int_equal(aether_patch_n_controllers(patch), AETHER_MAX_CC_MAPS);

  assert_int_equal(aether_patch_set_voices(patch, 5, &err), AETHER_SUCCESS);
  if (aether_patch_validate(patch, &err)) {
    fail_msg("%s", err.message);
  }
  check_round_trip(patch, "every-type.ttl");
  aether_patch_free(patch);
}

static uint32_t
round_trip_dir(const char* const dir_name)
{
  char dir_path[1024];
  snprintf(dir_path, sizeof(dir_path), "%s/%s", util_source_root(), dir_name);
  DIR* const dir = opendir(dir_path);
  if (!dir) {
    return 0;
  }

  uint32_t             n = 0;
  const struct dirent* entry;
  while ((entry = readdir(dir))) {
    const size_t len = strlen(entry->d_name);
    if (len < 5 || strcmp(entry->d_name + len - 4, ".ttl")) {
      continue;
    }
    char path[2048];
    snprintf(path, sizeof(path), "%s/%s", dir_path, entry->d_name);

    AetherPatch* patch = NULL;
    AetherError  err   = { AETHER_SUCCESS, "" };
    if (aether_patch_read_file(path, &patch, &err)) {
      fail_msg("%s", err.message);
    }
    check_round_trip(patch, path);
    printf("round trip: %s/%s: %u nodes, %u macros, %u controllers\n",
           dir_name,
           entry->d_name,
           aether_patch_n_nodes(patch),
           aether_patch_n_macros(patch),
           aether_patch_n_controllers(patch));
    aether_patch_free(patch);
    ++n;
  }
  closedir(dir);
  return n;
}

static void
test_shipped_patches_round_trip(void** state)
{
  (void)state;
  assert_true(round_trip_dir("patches") >= 3U);
  round_trip_dir("ttl/presets");
  round_trip_dir("ttl/defaults");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_numbers_are_shortest_and_exact),
    cmocka_unit_test(test_numbers_ignore_the_locale),
    cmocka_unit_test(test_canonical_text),
    cmocka_unit_test(test_canonical_voices_and_poly),
    cmocka_unit_test(test_canonical_controllers),
    cmocka_unit_test(test_any_valid_name_is_written_readably),
    cmocka_unit_test(test_every_type_round_trips),
    cmocka_unit_test(test_shipped_patches_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
