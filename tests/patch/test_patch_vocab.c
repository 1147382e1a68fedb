/* Aether patch tests: the vocabulary is generated from the node registry,
   documents every term, is valid Turtle, and the committed
   ttl/aether-vocab.ttl is exactly what the registry gives now. */

#include "../../src/nodes/registry.h"
#include "patch.h"
#include "util.h"

#include <serd/serd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char*
generate(void)
{
  char*       text = NULL;
  AetherError err  = { AETHER_SUCCESS, "" };
  if (aether_patch_vocabulary(&text, &err)) {
    fail_msg("%s", err.message);
  }
  assert_non_null(text);
  return text;
}

/* A term's description: "\nae:NAME\n\ta ..." up to the next blank line. */
static void
check_term(const char* const text, const char* const name)
{
  char head[128];
  snprintf(head, sizeof(head), "\nae:%s\n\ta ", name);
  const char* const at = strstr(text, head);
  if (!at) {
    fail_msg("ae:%s is not described", name);
  }
  if (strstr(at + 1, head)) {
    fail_msg("ae:%s is described twice", name);
  }
  const char* const end   = strstr(at + 1, "\n\n");
  const char* const label = strstr(at, "\trdfs:label \"");
  const char* const comm  = strstr(at, "\trdfs:comment \"");
  if (!label || !comm || (end && (label > end || comm > end))) {
    fail_msg("ae:%s lacks rdfs:label or rdfs:comment", name);
  }
  if (!strncmp(comm, "\trdfs:comment \"\"", 16)) {
    fail_msg("ae:%s has an empty rdfs:comment", name);
  }
}

static void
test_every_term_is_documented(void** state)
{
  (void)state;
  char* const text = generate();

  static const char* const core[] = {
    "Patch",  "Node",    "MacroMapping",  "ControllerMapping",
    "Choice", "Curve",   "formatVersion", "macro",
    "index",  "node",    "param",         "min",
    "max",    "curve",   "linear",        "exponential",
    "square", "voices",  "poly",          "controller",
    "cc",     "channel",
  };
  for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); ++i) {
    check_term(text, core[i]);
  }

  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    const AetherNodeType* const type = aether_registry_get(t);
    check_term(text, type->name);
    for (uint32_t p = 0; p < type->n_params; ++p) {
      const AetherParamDesc* const d = &type->params[p];
      check_term(text, d->name);
      for (uint32_t c = 0;
           d->kind == AETHER_PARAM_ENUM && c <= (uint32_t)d->max;
           ++c) {
        check_term(text, d->choices[c]);
      }
    }
    for (uint32_t i = 0; i < type->n_inputs; ++i) {
      check_term(text, type->inputs[i].name);
    }
  }
  free(text);
}

typedef struct {
  unsigned statements;
  unsigned errors;
} Counts;

static SerdStatus
count_statement(void* const              handle,
                const SerdStatementFlags flags,
                const SerdNode* const    graph,
                const SerdNode* const    subject,
                const SerdNode* const    predicate,
                const SerdNode* const    object,
                const SerdNode* const    datatype,
                const SerdNode* const    lang)
{
  (void)flags;
  (void)graph;
  (void)subject;
  (void)predicate;
  (void)object;
  (void)datatype;
  (void)lang;
  ++((Counts*)handle)->statements;
  return SERD_SUCCESS;
}

static SerdStatus
count_error(void* const handle, const SerdError* const error)
{
  (void)error;
  ++((Counts*)handle)->errors;
  return SERD_SUCCESS;
}

static void
test_vocabulary_is_turtle(void** state)
{
  (void)state;
  char* const       text   = generate();
  Counts            counts = { 0, 0 };
  SerdReader* const reader = serd_reader_new(
    SERD_TURTLE, &counts, NULL, NULL, NULL, count_statement, NULL);
  serd_reader_set_strict(reader, true);
  serd_reader_set_error_sink(reader, count_error, &counts);
  assert_int_equal(serd_reader_read_string(reader, (const uint8_t*)text),
                   SERD_SUCCESS);
  serd_reader_free(reader);
  assert_int_equal(counts.errors, 0);
  assert_true(counts.statements > 50U);
  free(text);
}

static void
test_committed_file_is_up_to_date(void** state)
{
  (void)state;
  char path[1024];
  snprintf(path, sizeof(path), "%s/ttl/aether-vocab.ttl", util_source_root());

  char* const committed = util_read_file(path, NULL);
  char* const generated = generate();
  if (!committed) {
    fail_msg("%s is missing: run `ninja -C BUILD patch-vocab`", path);
  }
  if (strcmp(committed, generated)) {
    fail_msg("%s differs from the node registry: run `ninja -C BUILD "
             "patch-vocab` and commit the result",
             path);
  }
  free(committed);
  free(generated);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_term_is_documented),
    cmocka_unit_test(test_vocabulary_is_turtle),
    cmocka_unit_test(test_committed_file_is_up_to_date),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
