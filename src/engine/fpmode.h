/* Aether: flush denormals to zero while processing, restoring the caller's
   floating point mode afterwards (the host's thread is not ours). */

#ifndef AETHER_FPMODE_H
#define AETHER_FPMODE_H

#include <stdint.h>

#if defined(__SSE2__) || defined(__x86_64__) || defined(_M_X64)
#  include <xmmintrin.h>

/** Set FTZ and DAZ; return the previous mode. */
static inline uint64_t
aether_fpmode_enter(void)
{
  const unsigned old = _mm_getcsr();
  _mm_setcsr(old | 0x8040U); /* FTZ (bit 15) | DAZ (bit 6) */
  return old;
}

/** Restore the mode returned by aether_fpmode_enter(). */
static inline void
aether_fpmode_leave(const uint64_t old)
{
  _mm_setcsr((unsigned)old);
}

#elif defined(__aarch64__)

static inline uint64_t
aether_fpmode_enter(void)
{
  uint64_t old = 0;
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(old));
  __asm__ __volatile__("msr fpcr, %0" : : "r"(old | (1ULL << 24U)));
  return old;
}

static inline void
aether_fpmode_leave(const uint64_t old)
{
  __asm__ __volatile__("msr fpcr, %0" : : "r"(old));
}

#else

static inline uint64_t
aether_fpmode_enter(void)
{
  return 0;
}

static inline void
aether_fpmode_leave(const uint64_t old)
{
  (void)old;
}

#endif

#endif /* AETHER_FPMODE_H */
