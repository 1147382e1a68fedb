/* Aether: a string -> index hash table that stores no keys: the caller's
   array holds them (and may move), a callback returns the key of an index. */

#ifndef AETHER_PATCH_STRMAP_H
#define AETHER_PATCH_STRMAP_H

#include "../engine/status.h"

#include <stddef.h>
#include <stdint.h>

/** Return the (terminated) key of entry `value`. */
typedef const char* (*PatchMapKey)(const void* ctx, uint32_t value);

/** Open addressing with linear probing; each slot holds a hash and an
    index + 1 (0: empty). No deletion. */
typedef struct {
  uint32_t* hashes; /**< per slot */
  uint32_t* values; /**< per slot: index + 1, 0 if empty */
  uint32_t  cap;    /**< power of two, or 0 before the first insert */
  uint32_t  n;      /**< entries */
} PatchMap;

/** Hash `len` bytes of `key`. */
uint32_t
patch_map_hash(const char* key, size_t len);

/** Return the index stored for `key` (`len` bytes), or UINT32_MAX. */
uint32_t
patch_map_find(const PatchMap* map,
               const char*     key,
               size_t          len,
               PatchMapKey     key_at,
               const void*     ctx);

/** Store `value` for `key` (`len` bytes), which must not be present. May
    grow the table: AETHER_ERR_NO_MEMORY if that fails (map unchanged). */
AetherStatus
patch_map_insert(PatchMap* map, const char* key, size_t len, uint32_t value);

/** Free the table's memory and empty it. */
void
patch_map_destroy(PatchMap* map);

#endif /* AETHER_PATCH_STRMAP_H */
