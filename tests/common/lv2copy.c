/* Aether tests: exact copies of what a test host hands a plugin (see
   lv2copy.h). */

#include "lv2copy.h"

#include <stdlib.h>
#include <string.h>

void*
lv2copy_exact(const void* const data, const size_t size)
{
  void* const copy = malloc(size ? size : 1U);
  if (!copy) {
    abort();
  }
  if (size) {
    memcpy(copy, data, size);
  }
  return copy;
}
