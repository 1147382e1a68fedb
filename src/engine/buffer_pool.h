/* Aether: pre-allocated, aligned audio buffers and the allocator the graph
   compiler uses to assign them by liveness. */

#ifndef AETHER_BUFFER_POOL_H
#define AETHER_BUFFER_POOL_H

#include "constants.h"
#include "status.h"

#include <stdint.h>

/** AETHER_BUFFER_SIZE-float buffers, AETHER_ALIGN aligned, plus a shared
    silence buffer that no node ever writes. The free stack is used by the
    compiler only (control side); the audio thread sees resolved pointers.
    Buffers never taken since the last reset are not on the stack: they
    come after it, from `fresh` up, so a reset costs nothing however large
    the pool (a compile used to write the whole stack, 80 KB). */
typedef struct {
  float*    data;       /**< capacity buffers, then the silence buffer */
  uint32_t* free_stack; /**< released buffers, top is next */
  uint32_t  capacity;   /**< number of buffers */
  uint32_t  n_free;     /**< entries in free_stack */
  uint32_t  fresh;      /**< buffers fresh .. capacity - 1 never taken */
  uint32_t  high_water; /**< most buffers in use since the last reset */
} AetherBufferPool;

/** Allocate and zero (touch) every buffer now, off the audio thread. */
AetherStatus
aether_buffer_pool_init(AetherBufferPool* pool, uint32_t capacity);

/** Free the pool's memory. */
void
aether_buffer_pool_destroy(AetherBufferPool* pool);

/** Buffer `index` (0 .. capacity - 1). */
float*
aether_buffer_pool_get(const AetherBufferPool* pool, uint32_t index);

/** The shared silence buffer (all zeros, never written). */
const float*
aether_buffer_pool_silence(const AetherBufferPool* pool);

/** Mark every buffer free (start of a compile). */
void
aether_buffer_pool_reset(AetherBufferPool* pool);

/** Take a free buffer, the most recently released first (likely still in
    cache): AETHER_ERR_FULL when exhausted. */
AetherStatus
aether_buffer_pool_acquire(AetherBufferPool* pool, uint32_t* index);

/** Give a buffer back for reuse by later steps. */
void
aether_buffer_pool_release(AetherBufferPool* pool, uint32_t index);

#endif /* AETHER_BUFFER_POOL_H */
