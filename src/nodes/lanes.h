/* Aether: support for batch kernels (AetherNodeType.process_voices), which
   run the per-sample recursions of several voices side by side, one voice
   per SIMD lane.

   A node file writes its kernel once, as a template (e.g. osc_lanes.h),
   and includes it once per width: with LANES voices filling 16-byte
   vectors (SSE2 on x86-64, whatever the target has elsewhere: 4 voices of
   floats, 2 of doubles) and, on x86, with LANES voices filling 32-byte
   vectors between AETHER_LANES_AVX2_BEGIN and AETHER_LANES_AVX2_END (AVX2,
   chosen at run time). Each template includes lanes_def.h first, for the
   vector types and helpers of its width, and lanes_undef.h last.

   Bit-identity with the scalar path: a kernel does per lane the same IEEE
   operations, in the same order, as `process` does per voice. Nothing
   here enables FMA (the AVX2 region is "avx2" alone; the build is ISO C,
   whose default is -ffp-contract=off, for x86-64 without -march), and
   library functions (exp2f, sinf...) are called per lane as the scalar
   code calls them, never replaced by vector approximations. */

#ifndef AETHER_LANES_H
#define AETHER_LANES_H

#include "../engine/node.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define AETHER_LANES_CAT2(a, b) a##b
#define AETHER_LANES_CAT(a, b) AETHER_LANES_CAT2(a, b)

/* The 256-bit kernels are compiled for AVX2 (compares, blends and shuffles
   of 256-bit vectors) and chosen at run time; FMA is deliberately left out,
   so no multiply and add can fuse in one path and not the other. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#  include <immintrin.h>
#  define AETHER_LANES_X86 1
#  define AETHER_LANES_AVX2 1
#  if defined(__clang__)
/* _Pragma takes one string literal: */
/* clang-format off */
#    define AETHER_LANES_AVX2_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx2\"))), apply_to = function)")
/* clang-format on */
#    define AETHER_LANES_AVX2_END _Pragma("clang attribute pop")
#  else
#    define AETHER_LANES_AVX2_BEGIN \
      _Pragma("GCC push_options") _Pragma("GCC target(\"avx2\")")
#    define AETHER_LANES_AVX2_END _Pragma("GCC pop_options")
#  endif
#else
#  define AETHER_LANES_X86 0
#  define AETHER_LANES_AVX2 0
#endif

/** The lane of `l` a kernel running `m` voices reads: lanes past the last
    voice repeat voice 0 (their results are never stored). */
static inline uint32_t
aether_lane_src(const uint32_t l, const uint32_t m)
{
  return l < m ? l : 0U;
}

/** True if the `n` values of `x` all have the bits of the first: a block
    with nothing moving, so a function of them is the same at every frame
    (bits, not ==: -0 and +0, or two NaNs, are not taken for equal). */
static inline bool
aether_lanes_constant(const float* const x, const uint32_t n)
{
  uint32_t first = 0;
  uint32_t diff  = 0;
  memcpy(&first, x, sizeof(first));
  for (uint32_t i = 1; i < n; ++i) {
    uint32_t bits = 0;
    memcpy(&bits, &x[i], sizeof(bits));
    diff |= bits ^ first;
  }
  return !diff;
}

/** Run `process` for `n_voices` voices in order: the scalar path. */
static inline void
aether_lanes_scalar(void (*const process)(void*,
                                          const AetherProcessArgs*,
                                          uint32_t),
                    void* const* const                    selves,
                    const AetherProcessArgs* const* const args,
                    const uint32_t                        n_voices,
                    const uint32_t                        n)
{
  for (uint32_t v = 0; v < n_voices; ++v) {
    process(selves[v], args[v], n);
  }
}

/** A batch kernel of one width: runs `m` voices (2 .. its lanes), `selves`
    and `args` being theirs, as `process` would run them one by one. */
typedef void (*AetherLanesKernel)(void* const*                    selves,
                                  const AetherProcessArgs* const* args,
                                  uint32_t                        m,
                                  uint32_t                        n);

#if AETHER_LANES_AVX2
/** The AVX2 kernel `k` where it exists, else NULL. */
#  define AETHER_LANES_AVX2_KERNEL(k) (k)
#else
#  define AETHER_LANES_AVX2_KERNEL(k) NULL
#endif

/** The usual process_voices: voices in groups through the SSE2 kernel
    `sse2` (`sse2_lanes` voices at a time) or, when `simd` allows and it
    exists, the AVX2 kernel `avx2` (`avx2_lanes`); a group of one, and
    every voice when `simd` is AETHER_SIMD_SCALAR, through `process`.
    Groups run in voice order. */
static inline void
aether_lanes_run(void (*const process)(void*,
                                       const AetherProcessArgs*,
                                       uint32_t),
                 const AetherLanesKernel               sse2,
                 const uint32_t                        sse2_lanes,
                 const AetherLanesKernel               avx2,
                 const uint32_t                        avx2_lanes,
                 void* const* const                    selves,
                 const AetherProcessArgs* const* const args,
                 const uint32_t                        n_voices,
                 const uint32_t                        n,
                 const AetherSimd                      simd)
{
  const bool              wide   = avx2 && simd >= AETHER_SIMD_AVX2;
  const AetherLanesKernel kernel = wide ? avx2 : sse2;
  const uint32_t          w      = wide                       ? avx2_lanes
                                   : simd >= AETHER_SIMD_SSE2 ? sse2_lanes
                                                              : 1U;
  for (uint32_t v = 0; v < n_voices;) {
    const uint32_t left = n_voices - v;
    const uint32_t m    = left < w ? left : w;
    if (m == 1U) {
      process(selves[v], args[v], n);
    } else {
      kernel(selves + v, args + v, m, n);
    }
    v += m;
  }
}

#endif /* AETHER_LANES_H */
