/* Aether: generational arena of node slots (control side). */

#ifndef AETHER_ARENA_H
#define AETHER_ARENA_H

#include "status.h"

#include <stdbool.h>
#include <stdint.h>

/** A node handle: a stale handle (its node removed) resolves to nothing.
    Generations start at 1, so a zeroed handle is never valid. */
typedef struct {
  uint32_t index;      /**< arena slot */
  uint32_t generation; /**< bumped when the slot is freed */
} AetherHandle;

/** Fixed-capacity slots with a free list; O(1) alloc and release. */
typedef struct {
  uint32_t* generation; /**< per slot; odd: live, even: free */
  uint32_t* next_free;  /**< free list links */
  uint32_t  capacity;   /**< number of slots */
  uint32_t  free_head;  /**< first free slot, or capacity if none */
  uint32_t  n_live;     /**< slots in use */
  uint32_t  end;        /**< one past the highest live slot: loops stop here */
} AetherArena;

/** Allocate all memory for `capacity` slots. */
AetherStatus
aether_arena_init(AetherArena* arena, uint32_t capacity);

/** Free the arena's memory. */
void
aether_arena_destroy(AetherArena* arena);

/** Take a free slot: AETHER_ERR_FULL when none is left. */
AetherStatus
aether_arena_alloc(AetherArena* arena, AetherHandle* handle);

/** Free a live slot, bumping its generation so old handles go stale. */
AetherStatus
aether_arena_release(AetherArena* arena, AetherHandle handle);

/** True if `handle` refers to a live slot. */
bool
aether_arena_valid(const AetherArena* arena, AetherHandle handle);

/** Free every slot (all handles go stale). */
void
aether_arena_clear(AetherArena* arena);

#endif /* AETHER_ARENA_H */
