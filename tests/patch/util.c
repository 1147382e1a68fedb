/* Aether patch tests: shared helpers. */

#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

const char*
util_source_root(void)
{
  const char* const root = getenv("AETHER_SOURCE_ROOT");
  return root ? root : ".";
}

char*
util_read_file(const char* const path, size_t* const len)
{
  FILE* const f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  size_t cap  = 4096;
  size_t n    = 0;
  char*  text = (char*)malloc(cap);
  while (text) {
    n += fread(text + n, 1, cap - n - 1U, f);
    if (n + 1U < cap) {
      break;
    }
    char* const bigger = (char*)realloc(text, cap * 2U);
    if (!bigger) {
      free(text);
      text = NULL;
      break;
    }
    text = bigger;
    cap *= 2U;
  }
  fclose(f);
  if (text) {
    text[n] = '\0';
    if (len) {
      *len = n;
    }
  }
  return text;
}

AetherPatch*
util_parse(const char* const text)
{
  AetherPatch* patch = NULL;
  AetherError  err   = { AETHER_SUCCESS, "" };
  if (aether_patch_parse(text, strlen(text), "t.ttl", &patch, &err)) {
    fail_msg("unexpected error: %s", err.message);
  }
  assert_non_null(patch);
  return patch;
}

AetherStatus
util_parse_error(const char* const text, AetherError* const err)
{
  AetherPatch*       patch = (AetherPatch*)err; /* must be reset */
  const AetherStatus st =
    aether_patch_parse(text, strlen(text), "t.ttl", &patch, err);
  assert_int_not_equal(st, AETHER_SUCCESS);
  assert_int_equal(err->status, st);
  assert_null(patch);
  return st;
}

char*
util_write(const AetherPatch* const patch)
{
  char*       text = NULL;
  AetherError err  = { AETHER_SUCCESS, "" };
  if (aether_patch_to_turtle(patch, &text, &err)) {
    fail_msg("unexpected error: %s", err.message);
  }
  assert_non_null(text);
  return text;
}

double
util_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
