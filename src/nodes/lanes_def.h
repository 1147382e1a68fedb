/* Aether: the vector types and helpers of one width, LANES (2, 4 or 8), for
   a batch kernel template (see lanes.h). Included once per width, so every
   name is suffixed with the width; lanes_undef.h takes the short names
   back. No include guard: that is the point.

   A kernel picks LANES so that the vectors it computes with fill one
   register: 2 doubles or 4 floats for SSE2, 4 doubles or 8 floats for
   AVX2. GCC splits wider vectors for arithmetic but compares them lane by
   lane in scalar code. Compares are of doubles with doubles or floats with
   floats, so masks never change width. */

#include "lanes.h"

#include <stdint.h>
#include <string.h>

#if !defined(LANES) || (LANES != 2 && LANES != 4 && LANES != 8)
#  error "define LANES as 2, 4 or 8 before including lanes_def.h"
#endif

/* The helpers pass vectors wider than the baseline's registers by value;
   they are static, so no ABI is at stake. GCC warns when it emits code, at
   the end of the file: the warning stays off to the end. */
#pragma GCC diagnostic ignored "-Wpsabi"

#define LN(x) AETHER_LANES_CAT(x, LANES)

#define VF LN(aether_vf)
#define VD LN(aether_vd)
#define VI LN(aether_vi)
#define VL LN(aether_vl)

/** One float, double, 32-bit and 64-bit integer per lane. */
typedef float   VF __attribute__((vector_size(4 * LANES)));
typedef double  VD __attribute__((vector_size(8 * LANES)));
typedef int32_t VI __attribute__((vector_size(4 * LANES)));
typedef int64_t VL __attribute__((vector_size(8 * LANES)));

#define vf_load LN(aether_vf_load)
#define vf_store LN(aether_vf_store)
#define vd_load LN(aether_vd_load)
#define vd_store LN(aether_vd_store)
#define vf_splat LN(aether_vf_splat)
#define vd_splat LN(aether_vd_splat)
#define vf_sel LN(aether_vf_sel)
#define vd_sel LN(aether_vd_sel)
#define vi_sel LN(aether_vi_sel)
#define vl_bits LN(aether_vl_bits)
#define vi_bits LN(aether_vi_bits)
#define vd_of_vf LN(aether_vd_of_vf)
#define vf_of_vd LN(aether_vf_of_vd)
#define lanes_gather LN(aether_lanes_gather)
#define lanes_transpose LN(aether_lanes_transpose)
#define lanes_scatter LN(aether_lanes_scatter)
#define lanes_gather_param LN(aether_lanes_gather_param)

static inline VF
vf_load(const float* const p)
{
  VF v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static inline void
vf_store(float* const p, const VF v)
{
  memcpy(p, &v, sizeof(v));
}

static inline VD
vd_load(const double* const p)
{
  VD v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static inline void
vd_store(double* const p, const VD v)
{
  memcpy(p, &v, sizeof(v));
}

static inline VF
vf_splat(const float x)
{
  return (VF){ 0 } + x;
}

static inline VD
vd_splat(const double x)
{
  return (VD){ 0 } + x;
}

/** Lanes of `a` where `m` is set (all ones), else of `b`. */
static inline VF
vf_sel(const VI m, const VF a, const VF b)
{
  return (VF)(((VI)a & m) | ((VI)b & ~m));
}

static inline VI
vi_sel(const VI m, const VI a, const VI b)
{
  return (a & m) | (b & ~m);
}

static inline VD
vd_sel(const VL m, const VD a, const VD b)
{
  return (VD)(((VL)a & m) | ((VL)b & ~m));
}

/** Bit l set where lane l of the mask (all ones or zero) is. */
static inline uint32_t
vl_bits(const VL m)
{
#if AETHER_LANES_X86 && LANES == 2
  return (uint32_t)_mm_movemask_pd((__m128d)m);
#elif AETHER_LANES_X86 && LANES == 4
  return (uint32_t)_mm256_movemask_pd((__m256d)m);
#else
  uint32_t bits = 0;
  for (uint32_t l = 0; l < LANES; ++l) {
    bits |= (uint32_t)(m[l] != 0) << l;
  }
  return bits;
#endif
}

static inline uint32_t
vi_bits(const VI m)
{
#if AETHER_LANES_X86 && LANES == 4
  return (uint32_t)_mm_movemask_ps((__m128)m);
#elif AETHER_LANES_X86 && LANES == 8
  return (uint32_t)_mm256_movemask_ps((__m256)m);
#else
  uint32_t bits = 0;
  for (uint32_t l = 0; l < LANES; ++l) {
    bits |= (uint32_t)(m[l] != 0) << l;
  }
  return bits;
#endif
}

static inline VD
vd_of_vf(const VF x)
{
  return __builtin_convertvector(x, VD);
}

static inline VF
vf_of_vd(const VD x)
{
  return __builtin_convertvector(x, VF);
}

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#  define LANES_SHUFFLE 1
#  define SHUF __builtin_shufflevector
#else
#  define LANES_SHUFFLE 0
#endif

/** Four floats, whatever LANES is. */
typedef float LN(aether_vf4) __attribute__((vector_size(16)));

/* Transpose a square block of LANES rows of LANES floats (4 or 8), in
   registers: row r of `x` becomes column r. Its own inverse. */
static inline void
lanes_transpose(VF* const x)
{
#if LANES_SHUFFLE && LANES == 4
  const VF t0 = SHUF(x[0], x[1], 0, 4, 1, 5);
  const VF t1 = SHUF(x[0], x[1], 2, 6, 3, 7);
  const VF t2 = SHUF(x[2], x[3], 0, 4, 1, 5);
  const VF t3 = SHUF(x[2], x[3], 2, 6, 3, 7);
  x[0]        = SHUF(t0, t2, 0, 1, 4, 5);
  x[1]        = SHUF(t0, t2, 2, 3, 6, 7);
  x[2]        = SHUF(t1, t3, 0, 1, 4, 5);
  x[3]        = SHUF(t1, t3, 2, 3, 6, 7);
#elif LANES_SHUFFLE && LANES == 8
  VF t[8];
  VF u[8];
  for (uint32_t k = 0; k < 8U; k += 2U) {
    t[k]      = SHUF(x[k], x[k + 1U], 0, 8, 1, 9, 4, 12, 5, 13);
    t[k + 1U] = SHUF(x[k], x[k + 1U], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (uint32_t k = 0; k < 8U; k += 4U) {
    u[k]      = SHUF(t[k], t[k + 2U], 0, 1, 8, 9, 4, 5, 12, 13);
    u[k + 1U] = SHUF(t[k], t[k + 2U], 2, 3, 10, 11, 6, 7, 14, 15);
    u[k + 2U] = SHUF(t[k + 1U], t[k + 3U], 0, 1, 8, 9, 4, 5, 12, 13);
    u[k + 3U] = SHUF(t[k + 1U], t[k + 3U], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (uint32_t k = 0; k < 4U; ++k) {
    x[k]      = SHUF(u[k], u[k + 4U], 0, 1, 2, 3, 8, 9, 10, 11);
    x[k + 4U] = SHUF(u[k], u[k + 4U], 4, 5, 6, 7, 12, 13, 14, 15);
  }
#else
  VF y[LANES];
  for (uint32_t r = 0; r < LANES; ++r) {
    for (uint32_t c = 0; c < LANES; ++c) {
      y[c][r] = x[r][c];
    }
  }
  for (uint32_t r = 0; r < LANES; ++r) {
    x[r] = y[r];
  }
#endif
}

/** Lanes side by side: dst[i * LANES + l] = src[l][i] for the `n` frames,
    lanes past `m` repeating lane 0. */
static inline void
lanes_gather(float* const restrict dst,
             const float* const* const src,
             const uint32_t            m,
             const uint32_t            n)
{
  const float* x[LANES];
  for (uint32_t l = 0; l < LANES; ++l) {
    x[l] = src[aether_lane_src(l, m)];
  }
  uint32_t i = 0;
#if LANES_SHUFFLE && LANES == 2
  for (; i + 4U <= n; i += 4U) { /* two lanes of 4 frames: 4 rows */
    LN(aether_vf4) a;
    LN(aether_vf4) b;
    memcpy(&a, x[0] + i, sizeof(a));
    memcpy(&b, x[1] + i, sizeof(b));
    const LN(aether_vf4) lo = SHUF(a, b, 0, 4, 1, 5);
    const LN(aether_vf4) hi = SHUF(a, b, 2, 6, 3, 7);
    memcpy(dst + i * 2U, &lo, sizeof(lo));
    memcpy(dst + i * 2U + 4U, &hi, sizeof(hi));
  }
#elif LANES_SHUFFLE
  for (; i + LANES <= n; i += LANES) {
    VF r[LANES];
    for (uint32_t l = 0; l < LANES; ++l) {
      r[l] = vf_load(x[l] + i);
    }
    lanes_transpose(r);
    for (uint32_t k = 0; k < LANES; ++k) {
      vf_store(dst + (i + k) * LANES, r[k]);
    }
  }
#endif
  for (; i < n; ++i) {
    for (uint32_t l = 0; l < LANES; ++l) {
      dst[i * LANES + l] = x[l][i];
    }
  }
}

/** A parameter side by side: dst[i * LANES + l] = param[l][i] for the `n`
    frames, lanes past `m` repeating lane 0. A parameter that does not move
    holds its value in every frame of its buffer: `moving` (bit l: lane l
    moves) lets held lanes be written a vector at a time. */
static inline void
lanes_gather_param(float* const restrict dst,
                   const float* const* const param,
                   const uint32_t            moving,
                   const uint32_t            m,
                   const uint32_t            n)
{
  VF held;
  for (uint32_t l = 0; l < LANES; ++l) {
    held[l] = param[aether_lane_src(l, m)][0];
  }
  for (uint32_t i = 0; i < n; ++i) {
    vf_store(dst + i * LANES, held);
  }
  for (uint32_t l = 0; l < LANES; ++l) {
    const uint32_t src = aether_lane_src(l, m);
    if ((moving >> src) & 1U) {
      const float* const restrict x = param[src];
      for (uint32_t i = 0; i < n; ++i) {
        dst[i * LANES + l] = x[i];
      }
    }
  }
}

/** Back to one buffer per voice: dst[l][i] = src[i * LANES + l] for the
    first `m` lanes. Every voice's frames i .. i + LANES - 1 are written
    in voice order before the next frames: a buffer two voices write (an
    earlier voice's unread output) ends with the later voice's. */
static inline void
lanes_scatter(float* const* const dst,
              const float* const restrict src,
              const uint32_t m,
              const uint32_t n)
{
  uint32_t i = 0;
#if LANES_SHUFFLE && LANES == 2
  for (; i + 4U <= n; i += 4U) {
    LN(aether_vf4) lo;
    LN(aether_vf4) hi;
    memcpy(&lo, src + i * 2U, sizeof(lo));
    memcpy(&hi, src + i * 2U + 4U, sizeof(hi));
    const LN(aether_vf4) a = SHUF(lo, hi, 0, 2, 4, 6);
    const LN(aether_vf4) b = SHUF(lo, hi, 1, 3, 5, 7);
    memcpy(dst[0] + i, &a, sizeof(a));
    if (m > 1U) {
      memcpy(dst[1] + i, &b, sizeof(b));
    }
  }
#elif LANES_SHUFFLE
  for (; i + LANES <= n; i += LANES) {
    VF r[LANES];
    for (uint32_t k = 0; k < LANES; ++k) {
      r[k] = vf_load(src + (i + k) * LANES);
    }
    lanes_transpose(r);
    for (uint32_t l = 0; l < m; ++l) {
      vf_store(dst[l] + i, r[l]);
    }
  }
#endif
  for (uint32_t l = 0; l < m; ++l) {
    float* const restrict y = dst[l];
    for (uint32_t k = i; k < n; ++k) {
      y[k] = src[k * LANES + l];
    }
  }
}
