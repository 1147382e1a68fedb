/* osc_lanes.h: the Oscillator's batch kernel, LANES voices side by side
   (a template: osc.c includes it once per width, see lanes.h): the phase
   is a double, so a register holds 2 voices (SSE2) or 4 (AVX2).

   Per lane, every sample does what osc_process() does, in the same order:
   a change of waveform, width or increment is corrected (osc_change), the
   discontinuities crossed are corrected (osc_cross), the phase advances
   and wraps, the naive sample enters the ring and the delayed one leaves
   it times amp. Phase, wrap, naive waveform and ring run on vectors; the
   corrections, which happen about once per cycle and voice, run per lane
   with the scalar functions on a view of the lane's ring. The ring is
   rotated so that lane entry j is the voice's entry pos + j at the start
   of the block: every lane then sits at position i at frame i. */

#include "lanes_def.h"

#define osc_lanes LN(osc_lanes)
#define osc_lanes_cross LN(osc_lanes_cross)
#define osc_lanes_naive LN(osc_lanes_naive)
#define osc_lanes_loop LN(osc_lanes_loop)
#define osc_lanes_inc LN(osc_lanes_inc)
#define osc_lanes_unroll LN(osc_lanes_unroll)
#define OscLanes LN(OscLanes)

/* Lanes whose phase, moving from p by d to p + d (`sum`), crosses
   discontinuity q: osc_cross_at()'s test, lane by lane. */
static inline VL
osc_lanes_cross(const VD q, const VD p, const VD d, const VD sum)
{
  const VD fwd = vd_sel(q <= p, q + 1.0, q);
  const VD bwd = vd_sel(q > p, q - 1.0, q);
  return ((d > 0.0) & (fwd <= sum)) | ((d < 0.0) & (bwd > sum));
}

/* osc_naive() of every lane at phase p (already wrapped), pulse width w
   (a float, held as a double). */
static inline VF
osc_lanes_naive(const int wave, const VD p, const VD w)
{
  switch (wave) {
    case WAVE_SAW:
      return vf_of_vd(2.0 * p - 1.0);
    case WAVE_SQUARE:
      return vf_of_vd(vd_sel(p < w, vd_splat(1.0), vd_splat(-1.0)));
    case WAVE_TRIANGLE: {
      const VD q4 = 4.0 * p;
      const VD hi = vd_sel(p < 0.75, 2.0 - q4, q4 - 4.0);
      return vf_of_vd(vd_sel(p < 0.25, q4, hi));
    }
    default: {
      VF y;
      for (uint32_t l = 0; l < LANES; ++l) {
        y[l] = aether_sine_cycle(p[l]);
      }
      return y;
    }
  }
}

/* Copy a voice's ring from its entry `pos` on into `flat` (`in`), or back
   (`!in`). */
static inline void
osc_lanes_unroll(float* const   flat,
                 float* const   ring,
                 const uint32_t pos,
                 const int      in)
{
  const uint32_t at   = pos & (OSC_RING - 1);
  const size_t   head = (OSC_RING - at) * sizeof(float);
  const size_t   tail = at * sizeof(float);
  if (in) {
    memcpy(flat, ring + at, head);
    memcpy(flat + OSC_RING - at, ring, tail);
  } else {
    memcpy(ring + at, flat, head);
    memcpy(ring, flat + OSC_RING - at, tail);
  }
}

/* A block of LANES voices side by side: inputs (frame i of lane l at
   i * LANES + l), state and output. */
typedef struct {
  _Alignas(64) double inc[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float width[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float amp[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float y[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float ring[OSC_RING * LANES];
  VD p;      /* phase */
  VD inc0;   /* Osc.inc, width and wave: of the last sample, as doubles */
  VD width0; /* (floats and small ints convert exactly), so every mask */
  VD wave0;  /* has the width of a double */
} OscLanes;

/* The frames of a block for one waveform (a constant once inlined).
   `held`: no lane's increment or width changes after frame 0. */
static inline __attribute__((always_inline)) void
osc_lanes_loop(OscLanes* const z,
               const int       wave,
               const bool      held,
               const uint32_t  n)
{
  VD       p      = z->p;
  VD       sinc   = z->inc0;
  VD       swidth = z->width0;
  VD       swave  = z->wave0;
  const VD wv     = vd_splat((double)wave);
  for (uint32_t i = 0; i < n; ++i) {
    const VD d = vd_load(z->inc + i * LANES);
    const VD w = vd_of_vf(vf_load(z->width + i * LANES));

    /* Changes of waveform, width or increment: osc_change(). */
    const VL changed = (swave != wv) | (w != swidth) | (d != sinc);
    if ((!held || !i) && vl_bits(changed)) {
      for (uint32_t bits = vl_bits(changed); bits; bits &= bits - 1U) {
        const uint32_t l = (uint32_t)__builtin_ctz(bits);
        const OscRing  r = { z->ring + l, LANES, i };
        osc_change(&r,
                   wave,
                   (float)w[l],
                   d[l],
                   p[l],
                   (int)swave[l],
                   (float)swidth[l],
                   sinc[l]);
      }
      swave  = vd_sel(changed, wv, swave);
      swidth = vd_sel(changed, w, swidth);
      sinc   = vd_sel(changed, d, sinc);
    }

    /* Discontinuities crossed: osc_cross(), then the wrapped phase. */
    const VD sum     = p + d;
    VL       crosses = (VL){ 0 };
    switch (wave) {
      case WAVE_SAW:
        crosses = osc_lanes_cross(vd_splat(0.0), p, d, sum);
        break;
      case WAVE_SQUARE:
        crosses = osc_lanes_cross(vd_splat(0.0), p, d, sum) |
                  osc_lanes_cross(w, p, d, sum);
        break;
      case WAVE_TRIANGLE:
        crosses = osc_lanes_cross(vd_splat(0.25), p, d, sum) |
                  osc_lanes_cross(vd_splat(0.75), p, d, sum);
        break;
      default:
        break;
    }
    for (uint32_t bits = vl_bits(crosses); bits; bits &= bits - 1U) {
      const uint32_t l = (uint32_t)__builtin_ctz(bits);
      const OscRing  r = { z->ring + l, LANES, i };
      osc_cross(&r, wave, (float)w[l], p[l], d[l], 0.0, d[l]);
    }
    p = vd_sel(sum >= 1.0, sum - 1.0, vd_sel(sum < 0.0, sum + 1.0, sum));

    /* The naive sample in, the delayed one out. */
    float* const now = z->ring + (i & (OSC_RING - 1)) * LANES;
    float* const old = z->ring + ((i - OSC_HALF) & (OSC_RING - 1)) * LANES;
    vf_store(now, vf_load(now) + osc_lanes_naive(wave, p, w));
    vf_store(z->y + i * LANES, vf_load(z->amp + i * LANES) * vf_load(old));
    vf_store(old, vf_splat(0.0f));
  }
  z->p      = p;
  z->inc0   = sinc;
  z->width0 = swidth;
  z->wave0  = swave;
}

/* osc_increments() of one lane for frames 0 .. n - 1, into inc[i * LANES];
   exp2f only when the pitch changes (of equal values it is equal). */
static inline void
osc_lanes_inc(const AetherProcessArgs* const x,
              const double                   inv_rate,
              const int                      has_pitch,
              const int                      has_fm,
              const uint32_t                 n,
              double* const                  inc)
{
  const float* const restrict freq  = x->param[OSC_FREQ];
  const float* const restrict depth = x->param[OSC_FM_DEPTH];
  const float* const restrict pitch = x->in[OSC_PITCH];
  const float* const restrict fm    = x->in[OSC_FM];
  float last                        = 0.0f;
  float factor                      = 1.0f;
  for (uint32_t i = 0; i < n; ++i) {
    float f = freq[i];
    if (has_pitch) {
      const float e = pitch[i] * (1.0f / 12.0f);
      if (!i || e != last) {
        factor = exp2f(e);
        last   = e;
      }
      f *= factor;
    }
    if (has_fm) {
      f += fm[i] * depth[i];
    }
    double d       = (double)f * inv_rate;
    d              = d < OSC_MAX_INC ? d : OSC_MAX_INC; /* also catches NaN */
    inc[i * LANES] = d > -OSC_MAX_INC ? d : -OSC_MAX_INC;
  }
}

static void
osc_lanes(void* const* const                    selves,
          const AetherProcessArgs* const* const args,
          const uint32_t                        m,
          const uint32_t                        n)
{
  const AetherProcessArgs* const a0 = args[0];
  const int wave = aether_enum_index(a0->param[OSC_WAVE][0], WAVE_TRIANGLE);

  /* Lanes share a waveform and their inputs; hard sync runs per voice. */
  bool uniform = !n || !aether_input_connected(a0, OSC_SYNC);
  for (uint32_t l = 0; l < m && uniform; ++l) {
    const AetherProcessArgs* const a = args[l];
    uniform                          = a->connected == a0->connected &&
              !aether_param_moving(a, OSC_WAVE) &&
              aether_enum_index(a->param[OSC_WAVE][0], WAVE_TRIANGLE) == wave;
  }
  if (!uniform || !n) {
    aether_lanes_scalar(osc_process, selves, args, m, n);
    return;
  }

  Osc*                     s[LANES];
  const AetherProcessArgs* a[LANES];
  for (uint32_t l = 0; l < LANES; ++l) {
    s[l] = (Osc*)selves[aether_lane_src(l, m)];
    a[l] = args[aether_lane_src(l, m)];
  }
  const int has_pitch = aether_input_connected(a0, OSC_PITCH);
  const int has_fm    = aether_input_connected(a0, OSC_FM);

  /* Increments, as osc_increments(): frame 0 of every lane, copied to
     every frame, then every frame of the lanes in which something they
     depend on moves (exp2f only when the pitch does). */
  OscLanes z;
  uint32_t varies = 0;
  for (uint32_t l = 0; l < LANES; ++l) {
    const AetherProcessArgs* const x = a[l];
    varies |=
      (uint32_t)(aether_param_moving(x, OSC_FREQ) ||
                 (has_pitch && !aether_lanes_constant(x->in[OSC_PITCH], n)) ||
                 (has_fm && (aether_param_moving(x, OSC_FM_DEPTH) ||
                             !aether_lanes_constant(x->in[OSC_FM], n))))
      << l;
    osc_lanes_inc(x, s[l]->inv_rate, has_pitch, has_fm, 1U, z.inc + l);
  }
  const VD row0 = vd_load(z.inc);
  for (uint32_t i = 1; i < n; ++i) {
    vd_store(z.inc + i * LANES, row0);
  }
  for (uint32_t l = 0; l < LANES; ++l) {
    if ((varies >> l) & 1U) {
      osc_lanes_inc(a[l], s[l]->inv_rate, has_pitch, has_fm, n, z.inc + l);
    }
  }

  /* Width and amp (a parameter's buffer holds every frame, moving or not),
     and the lanes' state. */
  const float* wp[LANES];
  const float* ap[LANES];
  float        sync_last[LANES];
  uint32_t     width_moves = 0;
  uint32_t     amp_moves   = 0;
  float        rot[LANES][OSC_RING]; /* each ring from its current entry */
  const float* rp[LANES];
  for (uint32_t l = 0; l < LANES; ++l) {
    wp[l] = a[l]->param[OSC_WIDTH];
    ap[l] = a[l]->param[OSC_AMP];
    width_moves |= (uint32_t)aether_param_moving(a[l], OSC_WIDTH) << l;
    amp_moves |= (uint32_t)aether_param_moving(a[l], OSC_AMP) << l;
    sync_last[l] = a[l]->in[OSC_SYNC][n - 1U];
    z.p[l]       = s[l]->phase;
    z.inc0[l]    = s[l]->inc;
    z.width0[l]  = s[l]->width;
    z.wave0[l]   = s[l]->wave;
    osc_lanes_unroll(rot[l], s[l]->ring, s[l]->pos, 1);
    rp[l] = rot[l];
  }
  lanes_gather(z.ring, rp, LANES, OSC_RING);
  lanes_gather_param(z.width, wp, width_moves, LANES, n);
  lanes_gather_param(z.amp, ap, amp_moves, LANES, n);

  const bool held = !varies && !width_moves;
  switch (wave) { /* a loop for each waveform */
    case WAVE_SAW:
      osc_lanes_loop(&z, WAVE_SAW, held, n);
      break;
    case WAVE_SQUARE:
      osc_lanes_loop(&z, WAVE_SQUARE, held, n);
      break;
    case WAVE_TRIANGLE:
      osc_lanes_loop(&z, WAVE_TRIANGLE, held, n);
      break;
    default:
      osc_lanes_loop(&z, WAVE_SINE, held, n);
      break;
  }

  float* wr[LANES];
  for (uint32_t l = 0; l < LANES; ++l) {
    wr[l] = rot[l];
  }
  lanes_scatter(wr, z.ring, m, OSC_RING);
  for (uint32_t l = 0; l < m; ++l) {
    Osc* const x = s[l];
    x->phase     = z.p[l];
    x->inc       = z.inc0[l];
    x->width     = (float)z.width0[l];
    x->wave      = (int)z.wave0[l];
    x->sync_prev = sync_last[l];
    osc_lanes_unroll(rot[l], x->ring, x->pos, 0);
    x->pos += n;
  }
  float* out[LANES] = { NULL };
  for (uint32_t l = 0; l < m; ++l) {
    out[l] = args[l]->out[0];
  }
  lanes_scatter(out, z.y, m, n);
}

#undef osc_lanes
#undef osc_lanes_cross
#undef osc_lanes_naive
#undef osc_lanes_loop
#undef osc_lanes_inc
#undef osc_lanes_unroll
#undef OscLanes

#include "lanes_undef.h"
