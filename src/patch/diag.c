/* Aether: error messages of the patch format, built in one place. */

#include "patch_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

AetherStatus
patch_error(AetherError* const   err,
            const AetherStatus   status,
            const char* const    file,
            const AetherPatchPos pos,
            const char* const    fmt,
            ...)
{
  if (!err) {
    return status;
  }

  char* const  msg  = err->message;
  const size_t size = sizeof(err->message);
  int          n    = 0;
  if (file && pos.line) {
    n = snprintf(msg, size, "%.256s:%u:%u: ", file, pos.line, pos.col);
  } else if (file) {
    n = snprintf(msg, size, "%.256s: ", file);
  } else if (pos.line) {
    n = snprintf(msg, size, "%u:%u: ", pos.line, pos.col);
  }
  if (n < 0) {
    n = 0;
  }

  va_list args;
  va_start(args, fmt);
  vsnprintf(msg + n, size - (size_t)n, fmt, args);
  va_end(args);

  err->status = status;
  return status;
}

const char*
patch_quote(char* const dst, const char* const str, const size_t len)
{
  size_t n = len;
  if (n > PATCH_QUOTE_MAX) {
    n = PATCH_QUOTE_MAX;
    while (n > 0 && ((uint8_t)str[n] & 0xC0U) == 0x80U) {
      --n; /* do not cut a UTF-8 sequence */
    }
  }

  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = (uint8_t)str[i];
    dst[i]          = (c < 0x20U || c == 0x7FU) ? '?' : (char)c;
  }
  if (n < len) {
    memcpy(dst + n, "...", 4);
  } else {
    dst[n] = '\0';
  }
  return dst;
}

/* Levenshtein distance of two short strings (at most 63 bytes each). */
static uint32_t
distance(const char* const a,
         const size_t      na,
         const char* const b,
         const size_t      nb)
{
  uint32_t row[AETHER_MAX_NAME + 1];
  for (size_t j = 0; j <= nb; ++j) {
    row[j] = (uint32_t)j;
  }
  for (size_t i = 1; i <= na; ++i) {
    uint32_t diag = row[0];
    row[0]        = (uint32_t)i;
    for (size_t j = 1; j <= nb; ++j) {
      const uint32_t up   = row[j];
      const uint32_t cost = a[i - 1] != b[j - 1];
      uint32_t       best = diag + cost;
      if (up + 1U < best) {
        best = up + 1U;
      }
      if (row[j - 1] + 1U < best) {
        best = row[j - 1] + 1U;
      }
      row[j] = best;
      diag   = up;
    }
  }
  return row[nb];
}

const char*
patch_suggest(const char* const word,
              const void* const ctx,
              const uint32_t    n,
              const char* (*const at)(const void* ctx, uint32_t i))
{
  const size_t len = strlen(word);
  if (!len || len >= AETHER_MAX_NAME) {
    return NULL;
  }

  const char* best      = NULL;
  uint32_t    best_dist = UINT32_MAX;
  for (uint32_t i = 0; i < n; ++i) {
    const char* const c  = at(ctx, i);
    const size_t      nc = strlen(c);
    if (nc >= AETHER_MAX_NAME) {
      continue;
    }
    const uint32_t d = distance(word, len, c, nc);
    if (d < best_dist) {
      best      = c;
      best_dist = d;
    }
  }

  /* A typo: at most 2 edits, and fewer than half the word. */
  return (best_dist <= 2U && best_dist * 2U < len) ? best : NULL;
}
