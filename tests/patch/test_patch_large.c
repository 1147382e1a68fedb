/* Aether patch tests: large patches parse, validate and write in time
   linear in their size. The times are reported (a benchmark, for people);
   the test asserts only correctness. */

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

/* A hand-written style patch of `n` nodes: gains in a chain, each also
   modulated by a node half-way back, fed by the audio input, with macros. */
static char*
make_patch(const uint32_t n, const bool close_loop, size_t* const len)
{
  const size_t size = 160U * ((size_t)n + 16U);
  char* const  text = (char*)malloc(size);
  assert_non_null(text);

  size_t at = (size_t)snprintf(text,
                               size,
                               PREFIXES "\n<> a ae:Patch ;\n"
                                        "  ae:formatVersion 1 ;\n"
                                        "  ae:macro [ ae:index 1 ; ae:node "
                                        "node:g1 ; ae:param ae:gain ; ae:min "
                                        "0.5 ; ae:max 2 ] .\n\n"
                                        "node:in a ae:AudioIn .\n");
  for (uint32_t i = 1; i < n - 1U; ++i) {
    const uint32_t prev = i - 1U;
    const uint32_t half = i / 2U;
    if (i == 1) { /* the first gain; closing the loop, it reads the last */
      at += (size_t)snprintf(text + at,
                             size - at,
                             "node:g1 a ae:Gain ;\n"
                             "  ae:gain 0.5 ;\n"
                             "  ae:in node:in.left .\n");
      if (close_loop) {
        at += (size_t)snprintf(
          text + at, size - at, "node:g1 ae:cv node:g%u .\n", n - 2U);
      }
      continue;
    }
    at += (size_t)snprintf(text + at,
                           size - at,
                           "node:g%u a ae:Gain ;\n"
                           "  ae:gain %u.%u ;\n"
                           "  ae:in node:g%u ;\n"
                           "  ae:cv node:g%u .\n",
                           i,
                           (i % 3U),
                           (i % 1000U),
                           prev,
                           half);
  }
  at += (size_t)snprintf(text + at,
                         size - at,
                         "node:out a ae:AudioOut ; ae:left node:g%u .\n",
                         n - 2U);
  *len = at;
  return text;
}

static void
run(const uint32_t n)
{
  size_t      len  = 0;
  char* const text = make_patch(n, false, &len);

  AetherPatch* patch = NULL;
  AetherError  err   = { AETHER_SUCCESS, "" };
  const double t0    = util_now();
  if (aether_patch_parse(text, len, "large.ttl", &patch, &err)) {
    fail_msg("%s", err.message);
  }
  const double t1    = util_now();
  char* const  first = util_write(patch);
  const double t2    = util_now();

  AetherPatch* back = NULL;
  if (aether_patch_parse(first, strlen(first), "written.ttl", &back, &err)) {
    fail_msg("%s", err.message);
  }
  char* const second = util_write(back);

  assert_int_equal(aether_patch_n_nodes(patch), n);
  assert_true(aether_patch_equal(patch, back));
  assert_string_equal(first, second);

  const AetherPatchNode* const last = aether_patch_find(back, "out");
  assert_non_null(last);
  char source[32];
  snprintf(source, sizeof(source), "g%u", n - 2U);
  assert_string_equal(last->inputs[0].source, source);

  printf("patch_large: %5u nodes: parse %7.2f ms (%zu bytes), write %7.2f ms "
         "(%zu bytes)\n",
         n,
         (t1 - t0) * 1e3,
         len,
         (t2 - t1) * 1e3,
         strlen(first));

  free(second);
  free(first);
  aether_patch_free(back);
  aether_patch_free(patch);
  free(text);
}

static void
test_large_patches_round_trip(void** state)
{
  (void)state;
  run(1000);
  run(5000);
  run(10000);
}

static void
test_long_cycle_is_found(void** state)
{
  (void)state;
  /* g1 reads the last gain: a loop through 9998 nodes. */
  size_t      len  = 0;
  char* const text = make_patch(10000, true, &len);

  AetherPatch* patch = NULL;
  AetherError  err   = { AETHER_SUCCESS, "" };
  const double t0    = util_now();
  assert_int_equal(aether_patch_parse(text, len, "loop.ttl", &patch, &err),
                   AETHER_ERR_CYCLE);
  const double t1 = util_now();
  assert_null(patch);
  assert_non_null(strstr(err.message,
                         "node \"g1\" (Gain): ae:cv closes a cycle without a "
                         "delay node: g1 -> g2 -> g3 -> "));
  assert_non_null(strstr(err.message, " -> ... -> g1"));
  printf("patch_large: 10000 nodes with a 9998-node cycle: refused in %.2f "
         "ms\n",
         (t1 - t0) * 1e3);
  free(text);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_large_patches_round_trip),
    cmocka_unit_test(test_long_cycle_is_found),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
