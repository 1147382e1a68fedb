/* Aether: generational arena of node slots (control side). */

#include "arena.h"

#include <stdlib.h>

/* Generations are odd while a slot is live and even while it is free, so a
   handle is valid exactly when its generation equals the slot's. */

AetherStatus
aether_arena_init(AetherArena* const arena, const uint32_t capacity)
{
  arena->generation = (uint32_t*)calloc(capacity, sizeof(uint32_t));
  arena->next_free  = (uint32_t*)calloc(capacity, sizeof(uint32_t));
  arena->capacity   = capacity;
  if (!arena->generation || !arena->next_free) {
    aether_arena_destroy(arena);
    return AETHER_ERR_NO_MEMORY;
  }
  aether_arena_clear(arena);
  for (uint32_t i = 0; i < capacity; ++i) {
    arena->generation[i] = 0;
  }
  return AETHER_SUCCESS;
}

void
aether_arena_destroy(AetherArena* const arena)
{
  free(arena->generation);
  free(arena->next_free);
  arena->generation = NULL;
  arena->next_free  = NULL;
  arena->capacity   = 0;
}

AetherStatus
aether_arena_alloc(AetherArena* const arena, AetherHandle* const handle)
{
  if (arena->free_head >= arena->capacity) {
    return AETHER_ERR_FULL;
  }
  const uint32_t i = arena->free_head;
  arena->free_head = arena->next_free[i];
  ++arena->generation[i];
  ++arena->n_live;
  arena->end         = i + 1U > arena->end ? i + 1U : arena->end;
  handle->index      = i;
  handle->generation = arena->generation[i];
  return AETHER_SUCCESS;
}

bool
aether_arena_valid(const AetherArena* const arena, const AetherHandle handle)
{
  return handle.index < arena->capacity && (handle.generation & 1U) &&
         arena->generation[handle.index] == handle.generation;
}

AetherStatus
aether_arena_release(AetherArena* const arena, const AetherHandle handle)
{
  if (!aether_arena_valid(arena, handle)) {
    return AETHER_ERR_BAD_HANDLE;
  }
  const uint32_t i = handle.index;
  ++arena->generation[i];
  arena->next_free[i] = arena->free_head;
  arena->free_head    = i;
  --arena->n_live;
  while (arena->end && !(arena->generation[arena->end - 1U] & 1U)) {
    --arena->end;
  }
  return AETHER_SUCCESS;
}

void
aether_arena_clear(AetherArena* const arena)
{
  /* Lowest indices first, so a fresh arena hands out 0, 1, 2 ... */
  for (uint32_t i = 0; i < arena->capacity; ++i) {
    if (arena->generation[i] & 1U) {
      ++arena->generation[i];
    }
    arena->next_free[i] = i + 1;
  }
  arena->free_head = 0;
  arena->n_live    = 0;
  arena->end       = 0;
}
