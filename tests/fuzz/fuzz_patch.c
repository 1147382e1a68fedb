/* Aether fuzzing: the patch parser. Any bytes: no crash, no leak, no
   undefined behaviour; and whatever parses writes back canonically: the
   text written reads back as an equal patch and writes the same bytes. */

#include "patch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* const data, const size_t size)
{
  /* An exact copy: reading past the end is an AddressSanitizer error. */
  char* const text = (char*)malloc(size ? size : 1U);
  if (!text) {
    return 0;
  }
  if (size) {
    memcpy(text, data, size);
  }

  AetherPatch* patch = NULL;
  AetherError  err;
  aether_error_clear(&err);
  if (aether_patch_parse(text, size, "fuzz", &patch, &err)) {
    if (!err.message[0]) {
      fprintf(stderr, "fuzz: an error without a message\n");
      abort();
    }
    free(text);
    return 0;
  }

  char*        written = NULL;
  char*        again   = NULL;
  AetherPatch* reread  = NULL;
  if (aether_patch_to_turtle(patch, &written, &err) ||
      aether_patch_parse(written, strlen(written), "written", &reread, &err) ||
      !aether_patch_equal(patch, reread) ||
      aether_patch_to_turtle(reread, &again, &err) || strcmp(written, again)) {
    fprintf(stderr,
            "fuzz: the round trip failed: %s\n--- written:\n%s\n",
            err.message,
            written ? written : "(nothing)");
    abort();
  }
  free(again);
  free(written);
  aether_patch_free(reread);
  aether_patch_free(patch);
  free(text);
  return 0;
}
