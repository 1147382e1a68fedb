/* Aether patch tests: shared helpers. */

#ifndef AETHER_PATCH_TEST_UTIL_H
#define AETHER_PATCH_TEST_UTIL_H

#include "patch.h"

#include <stddef.h>

/** The prefixes every test document starts with. */
#define PREFIXES                  \
  "@prefix ae: <urn:aether:> .\n" \
  "@prefix node: <urn:aether:node:> .\n"

/** The project's source directory (AETHER_SOURCE_ROOT, set by meson). */
const char*
util_source_root(void);

/** Read a whole file into a new terminated string (NULL if unreadable). */
char*
util_read_file(const char* path, size_t* len);

/** Parse `text` as "t.ttl", failing the test with the message on error. */
AetherPatch*
util_parse(const char* text);

/** Parse `text` as "t.ttl", expecting an error: check that nothing was
    returned and return the status (message in `err`). */
AetherStatus
util_parse_error(const char* text, AetherError* err);

/** Write `patch` canonically, failing the test on error. */
char*
util_write(const AetherPatch* patch);

/** Seconds on a monotonic clock. */
double
util_now(void);

#endif /* AETHER_PATCH_TEST_UTIL_H */
