/* Aether: a growing text buffer for the writers of src/patch/. */

#include "buf.h"

#include "patch_impl.h"

#include <stdlib.h>
#include <string.h>

void
patch_buf_put(PatchBuf* const b, const char* const s, const size_t n)
{
  if (b->failed) {
    return;
  }
  if (b->len + n + 1U > b->cap) {
    size_t cap = b->cap ? b->cap : 4096U;
    while (cap < b->len + n + 1U) {
      cap *= 2U;
    }
    char* const data = (char*)realloc(b->data, cap);
    if (!data) {
      b->failed = true;
      return;
    }
    b->data = data;
    b->cap  = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void
patch_buf_puts(PatchBuf* const b, const char* const s)
{
  patch_buf_put(b, s, strlen(s));
}

void
patch_buf_put_uint(PatchBuf* const b, unsigned value)
{
  char  num[24];
  char* p = num + sizeof(num);
  *--p    = '\0';
  do {
    *--p = (char)('0' + value % 10U);
    value /= 10U;
  } while (value);
  patch_buf_puts(b, p);
}

void
patch_buf_put_float(PatchBuf* const b, const float value)
{
  char num[PATCH_NUMBER_SIZE];
  patch_format_float(num, value);
  patch_buf_puts(b, num);
}
