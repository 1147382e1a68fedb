/* Aether: a wait-free single-producer single-consumer ring of fixed-size
   messages. Indices run freely and are masked on access. */

#include "ring.h"

#include <stdlib.h>
#include <string.h>

AetherStatus
aether_ring_init(AetherRing* const ring,
                 const uint32_t    capacity,
                 const uint32_t    size)
{
  if (!capacity || (capacity & (capacity - 1U)) || !size) {
    return AETHER_ERR_BAD_ARG;
  }
  ring->data = (uint8_t*)calloc(capacity, size);
  if (!ring->data) {
    return AETHER_ERR_NO_MEMORY;
  }
  ring->capacity = capacity;
  ring->size     = size;
  atomic_init(&ring->head, 0U);
  atomic_init(&ring->tail, 0U);
  return AETHER_SUCCESS;
}

void
aether_ring_destroy(AetherRing* const ring)
{
  free(ring->data);
  ring->data = NULL;
}

bool
aether_ring_push(AetherRing* const ring, const void* const message)
{
  const uint32_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
  const uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
  if (head - tail >= ring->capacity) {
    return false;
  }
  memcpy(ring->data + (size_t)(head & (ring->capacity - 1U)) * ring->size,
         message,
         ring->size);
  atomic_store_explicit(&ring->head, head + 1U, memory_order_release);
  return true;
}

bool
aether_ring_pop(AetherRing* const ring, void* const message)
{
  const uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
  const uint32_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
  if (head == tail) {
    return false;
  }
  memcpy(message,
         ring->data + (size_t)(tail & (ring->capacity - 1U)) * ring->size,
         ring->size);
  atomic_store_explicit(&ring->tail, tail + 1U, memory_order_release);
  return true;
}

uint32_t
aether_ring_count(const AetherRing* const ring)
{
  const uint32_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
  const uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
  return head - tail;
}

uint32_t
aether_ring_space(const AetherRing* const ring)
{
  return ring->capacity - aether_ring_count(ring);
}
