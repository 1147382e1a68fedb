/* Aether: pre-allocated, aligned audio buffers and the allocator the graph
   compiler uses to assign them by liveness. */

#include "buffer_pool.h"

#include <stdlib.h>
#include <string.h>

AetherStatus
aether_buffer_pool_init(AetherBufferPool* const pool, const uint32_t capacity)
{
  const size_t bytes =
    ((size_t)capacity + 1U) * AETHER_BUFFER_SIZE * sizeof(float);

  memset(pool, 0, sizeof(*pool));
  pool->data       = (float*)aligned_alloc(AETHER_ALIGN, bytes);
  pool->free_stack = (uint32_t*)calloc(capacity, sizeof(uint32_t));
  if (!pool->data || !pool->free_stack) {
    aether_buffer_pool_destroy(pool);
    return AETHER_ERR_NO_MEMORY;
  }

  /* Touch every page now so the audio thread never takes a page fault. */
  memset(pool->data, 0, bytes);
  pool->capacity = capacity;
  aether_buffer_pool_reset(pool);
  return AETHER_SUCCESS;
}

void
aether_buffer_pool_destroy(AetherBufferPool* const pool)
{
  free(pool->data);
  free(pool->free_stack);
  memset(pool, 0, sizeof(*pool));
}

float*
aether_buffer_pool_get(const AetherBufferPool* const pool, const uint32_t index)
{
  return pool->data + (size_t)index * AETHER_BUFFER_SIZE;
}

const float*
aether_buffer_pool_silence(const AetherBufferPool* const pool)
{
  return aether_buffer_pool_get(pool, pool->capacity);
}

void
aether_buffer_pool_reset(AetherBufferPool* const pool)
{
  pool->n_free     = 0;
  pool->fresh      = 0;
  pool->high_water = 0;
}

AetherStatus
aether_buffer_pool_acquire(AetherBufferPool* const pool, uint32_t* const index)
{
  /* The last released first, else the lowest never taken: the lowest
     (most likely cached) buffers are handed out first. */
  if (pool->n_free) {
    *index = pool->free_stack[--pool->n_free];
  } else if (pool->fresh < pool->capacity) {
    *index = pool->fresh++;
  } else {
    return AETHER_ERR_FULL;
  }
  const uint32_t in_use = pool->fresh - pool->n_free;
  if (in_use > pool->high_water) {
    pool->high_water = in_use;
  }
  return AETHER_SUCCESS;
}

void
aether_buffer_pool_release(AetherBufferPool* const pool, const uint32_t index)
{
  pool->free_stack[pool->n_free++] = index;
}
