/* Aether tests: exact copies of what a test host hands a plugin (control
   sequences, state values, worker messages): each in a heap block of
   exactly its size, so a read past its end is an AddressSanitizer error. */

#ifndef AETHER_TEST_LV2COPY_H
#define AETHER_TEST_LV2COPY_H

#include <stddef.h>

/** A new heap block of exactly `size` bytes (one if `size` is 0) holding
    `data`; aborts when out of memory. Free it with free(). */
void*
lv2copy_exact(const void* data, size_t size);

#endif /* AETHER_TEST_LV2COPY_H */
