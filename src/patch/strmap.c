/* Aether: string -> index hash table for node names and subjects. */

#include "strmap.h"

#include <stdlib.h>
#include <string.h>

uint32_t
patch_map_hash(const char* const key, const size_t len)
{
  uint32_t h = 2166136261U; /* FNV-1a */
  for (size_t i = 0; i < len; ++i) {
    h = (h ^ (uint8_t)key[i]) * 16777619U;
  }
  return h;
}

uint32_t
patch_map_find(const PatchMap* const map,
               const char* const     key,
               const size_t          len,
               const PatchMapKey     key_at,
               const void* const     ctx)
{
  if (!map->cap) {
    return UINT32_MAX;
  }

  const uint32_t h    = patch_map_hash(key, len);
  const uint32_t mask = map->cap - 1U;
  for (uint32_t i = h & mask;; i = (i + 1U) & mask) {
    const uint32_t v = map->values[i];
    if (!v) {
      return UINT32_MAX;
    }
    if (map->hashes[i] == h) {
      const char* const k = key_at(ctx, v - 1U);
      if (!strncmp(k, key, len) && !k[len]) {
        return v - 1U;
      }
    }
  }
}

static void
put(uint32_t* const hashes,
    uint32_t* const values,
    const uint32_t  cap,
    const uint32_t  h,
    const uint32_t  v)
{
  const uint32_t mask = cap - 1U;
  uint32_t       i    = h & mask;
  while (values[i]) {
    i = (i + 1U) & mask;
  }
  hashes[i] = h;
  values[i] = v;
}

AetherStatus
patch_map_insert(PatchMap* const   map,
                 const char* const key,
                 const size_t      len,
                 const uint32_t    value)
{
  if (value == UINT32_MAX) {
    return AETHER_ERR_FULL;
  }

  if ((map->n + 1U) * 2U > map->cap) { /* keep the load under 1/2 */
    const uint32_t cap = map->cap ? map->cap * 2U : 64U;
    if (cap < map->cap) {
      return AETHER_ERR_FULL;
    }
    uint32_t* const hashes = (uint32_t*)calloc(cap, sizeof(uint32_t));
    uint32_t* const values = (uint32_t*)calloc(cap, sizeof(uint32_t));
    if (!hashes || !values) {
      free(hashes);
      free(values);
      return AETHER_ERR_NO_MEMORY;
    }
    for (uint32_t i = 0; i < map->cap; ++i) {
      if (map->values[i]) {
        put(hashes, values, cap, map->hashes[i], map->values[i]);
      }
    }
    free(map->hashes);
    free(map->values);
    map->hashes = hashes;
    map->values = values;
    map->cap    = cap;
  }

  put(map->hashes, map->values, map->cap, patch_map_hash(key, len), value + 1U);
  ++map->n;
  return AETHER_SUCCESS;
}

void
patch_map_destroy(PatchMap* const map)
{
  free(map->hashes);
  free(map->values);
  map->hashes = NULL;
  map->values = NULL;
  map->cap    = 0;
  map->n      = 0;
}
