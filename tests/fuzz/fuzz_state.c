/* Aether fuzzing: state restore. The first byte chooses the plugin and how
   the value is stored (its atom type, a terminating NUL or not); the rest
   is the saved ae:patch value. Any value: no crash; and a state that
   restores saves a text that restores to the same text. */

#include "fuzz_host.h"

#include <lv2/atom/atom.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t* const data, const size_t size)
{
  if (!size) {
    return 0;
  }
  const uint8_t  flags = data[0];
  const bool     synth = flags & 1U;
  const bool     nul   = !(flags & 2U); /* 0: terminated, as hosts do */
  const LV2_URID type =
    fuzz_map((flags & 4U) ? LV2_ATOM__Chunk : LV2_ATOM__String);
  const size_t   len   = size - 1U;
  uint8_t* const value = (uint8_t*)malloc(len + 1U);
  if (!value) {
    return 0;
  }
  memcpy(value, data + 1, len);
  value[len] = 0;

  FuzzHost* const        host = fuzz_host_get(synth, false);
  const LV2_State_Status st =
    fuzz_host_restore(host, value, nul ? len + 1U : len, type);
  fuzz_host_run(host, NULL, 0, 128);
  fuzz_host_run(host, NULL, 0, 16);

  if (!st) {
    char* const saved = fuzz_host_save(host);
    if (!saved ||
        fuzz_host_restore(
          host, saved, strlen(saved) + 1U, fuzz_map(LV2_ATOM__String))) {
      fprintf(stderr, "fuzz: a restored state does not save and restore\n");
      abort();
    }
    fuzz_host_run(host, NULL, 0, 16);
    char* const again = fuzz_host_save(host);
    if (!again || strcmp(saved, again)) {
      fprintf(stderr, "fuzz: saving a restored state changed it\n");
      abort();
    }
    free(again);
    free(saved);
  }
  fuzz_host_release(host);
  free(value);
  return 0;
}
