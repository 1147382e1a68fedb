/* Aether: a growing text buffer for the writers of src/patch/. */

#ifndef AETHER_PATCH_BUF_H
#define AETHER_PATCH_BUF_H

#include <stdbool.h>
#include <stddef.h>

/** Text that grows by doubling; always terminated once written to. A failed
    allocation sets `failed`, after which writes are ignored. */
typedef struct {
  char*  data;   /**< the text (malloc'ed), or NULL if empty */
  size_t len;    /**< bytes written */
  size_t cap;    /**< bytes allocated */
  bool   failed; /**< an allocation failed */
} PatchBuf;

/** Append `n` bytes of `s`. */
void
patch_buf_put(PatchBuf* buf, const char* s, size_t n);

/** Append the terminated string `s`. */
void
patch_buf_puts(PatchBuf* buf, const char* s);

/** Append `value` in decimal. */
void
patch_buf_put_uint(PatchBuf* buf, unsigned value);

/** Append the shortest form of `value` (see patch_format_float()). */
void
patch_buf_put_float(PatchBuf* buf, float value);

#endif /* AETHER_PATCH_BUF_H */
