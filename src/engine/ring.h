/* Aether: a wait-free single-producer single-consumer ring of fixed-size
   messages, the only channel between the control side and the audio thread. */

#ifndef AETHER_RING_H
#define AETHER_RING_H

#include "constants.h"
#include "status.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The ring. Head and tail live on separate cache lines. */
typedef struct {
  _Alignas(AETHER_ALIGN) _Atomic(uint32_t) head; /**< written by producer */
  _Alignas(AETHER_ALIGN) _Atomic(uint32_t) tail; /**< written by consumer */
  _Alignas(AETHER_ALIGN) uint8_t* data;          /**< capacity * size */
  uint32_t capacity;                             /**< power of two */
  uint32_t size;                                 /**< bytes per message */
} AetherRing;

/** Allocate a ring of `capacity` (a power of two) messages of `size` bytes. */
AetherStatus
aether_ring_init(AetherRing* ring, uint32_t capacity, uint32_t size);

/** Free the ring's memory. */
void
aether_ring_destroy(AetherRing* ring);

/** Producer: copy one message in; false (nothing written) if full. */
bool
aether_ring_push(AetherRing* ring, const void* message);

/** Consumer: copy one message out; false if empty. */
bool
aether_ring_pop(AetherRing* ring, void* message);

/** Messages waiting (exact for the consumer, a lower bound for others). */
uint32_t
aether_ring_count(const AetherRing* ring);

/** Free places (exact for the producer, a lower bound for others). */
uint32_t
aether_ring_space(const AetherRing* ring);

#endif /* AETHER_RING_H */
