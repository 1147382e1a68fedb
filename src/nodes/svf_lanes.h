/* svf_lanes.h: the Filter's batch kernel, LANES voices side by side (a
   template: svf.c includes it once per width, see lanes.h).

   The coefficients come first, per lane, from svf_design() exactly as
   svf_process() calls it: once for a block in which nothing they depend on
   moves (svf_design() would return at once on every later frame), else
   frame by frame. Then the recursion runs on vectors, the same operations
   in the same order per lane. */

#include "lanes_def.h"

#define svf_lanes LN(svf_lanes)
#define svf_lanes_sanitize LN(svf_lanes_sanitize)
#define svf_lanes_q LN(svf_lanes_q)

/* aether_sanitize() of every lane. */
static inline VF
svf_lanes_sanitize(const VF x)
{
  const VF a = (VF)((VI)x & 0x7FFFFFFF);
  return (VF)((VI)x & ((a > 1e-20f) & (a < 1e20f)));
}

/* A block in which only q moves (a glide, or q_cv), in one mode and at
   one cutoff and gain per lane: svf_design()'s arithmetic after the
   tangent, which is then the same at every frame, on vectors, frame by
   frame, into coef[c][i * LANES + l]. Its results depend on the values
   alone, so they are those of svf_design() frame by frame, and the lanes'
   state ends as it would (designed for the last frame). Returns false,
   having done nothing, for any other block. */
static bool
svf_lanes_q(void* const* const                    selves,
            const AetherProcessArgs* const* const args,
            const uint32_t                        m,
            const uint32_t                        n,
            float (*const coef)[AETHER_BUFFER_SIZE * LANES])
{
  const uint32_t held =
    (1U << SVF_MODE) | (1U << SVF_CUTOFF) | (1U << SVF_GAIN);
  const int mode = svf_mode(args[0]->param[SVF_MODE][0]);
  for (uint32_t l = 0; l < m; ++l) {
    const AetherProcessArgs* const x = args[l];
    if ((x->moving & held) || svf_mode(x->param[SVF_MODE][0]) != mode ||
        (aether_input_connected(x, SVF_CUTOFF_CV) &&
         !aether_lanes_constant(x->in[SVF_CUTOFF_CV], n))) {
      return false;
    }
  }

  /* Frame 0 through svf_design(): the tangent, and the lanes' q. */
  _Alignas(64) float qin[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float qcv[AETHER_BUFFER_SIZE * LANES];
  const float*       qp[LANES];
  const float*       cp[LANES];
  VF                 g;
  VF                 a = vf_splat(0.0f); /* bell: the gain's amplitude */
  float              hz[LANES];
  for (uint32_t l = 0; l < LANES; ++l) {
    const uint32_t                 v    = aether_lane_src(l, m);
    Svf* const                     s    = (Svf*)selves[v];
    const AetherProcessArgs* const x    = args[v];
    const float                    c    = x->param[SVF_CUTOFF][0];
    const float                    gain = x->param[SVF_GAIN][0];
    hz[l] = aether_input_connected(x, SVF_CUTOFF_CV)
              ? c * exp2f(x->in[SVF_CUTOFF_CV][0])
              : c;
    qp[l] = x->param[SVF_Q];
    cp[l] = x->in[SVF_Q_CV];
    if (l < m) {
      svf_design(s, mode, hz[l], qp[l][0] + cp[l][0], gain);
    }
    g[l] = s->g;
    if (mode == SVF_PEAK) {
      a[l] = exp2f(gain * (float)(3.32192809488736234787 / 40.0));
    }
  }
  lanes_gather(qin, qp, LANES, n);
  lanes_gather(qcv, cp, LANES, n);

  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k0 = i * LANES;
    VF             q  = vf_load(qin + k0) + vf_load(qcv + k0);
    q                 = vf_sel(q < SVF_MIN_Q,
               vf_splat(SVF_MIN_Q),
               vf_sel(q > SVF_MAX_Q, vf_splat(SVF_MAX_Q), q));
    VF k              = 1.0f / q;
    VF m0             = vf_splat(0.0f);
    VF m1             = vf_splat(0.0f);
    VF m2             = vf_splat(0.0f);
    switch (mode) {
      case SVF_LOWPASS:
        m2 = vf_splat(1.0f);
        break;
      case SVF_HIGHPASS:
        m0 = vf_splat(1.0f);
        m1 = -k;
        m2 = vf_splat(-1.0f);
        break;
      case SVF_BANDPASS:
        m1 = k;
        break;
      case SVF_NOTCH:
        m0 = vf_splat(1.0f);
        m1 = -k;
        break;
      default:
        k  = 1.0f / (q * a);
        m0 = vf_splat(1.0f);
        m1 = k * (a * a - 1.0f);
        break;
    }
    const VF a1 = 1.0f / (1.0f + g * (g + k));
    const VF a2 = g * a1;
    vf_store(coef[0] + k0, a1);
    vf_store(coef[1] + k0, a2);
    vf_store(coef[2] + k0, g * a2);
    vf_store(coef[3] + k0, m0);
    vf_store(coef[4] + k0, m1);
    vf_store(coef[5] + k0, m2);
  }

  /* The state svf_design() leaves: designed for the last frame. */
  for (uint32_t l = 0; l < m; ++l) {
    const uint32_t last = (n - 1U) * LANES + l;
    svf_design((Svf*)selves[l],
               mode,
               hz[l],
               qin[last] + qcv[last],
               args[l]->param[SVF_GAIN][0]);
  }
  return true;
}

static void
svf_lanes(void* const* const                    selves,
          const AetherProcessArgs* const* const args,
          const uint32_t                        m,
          const uint32_t                        n)
{
  const uint32_t all_params = (1U << SVF_N_PARAMS) - 1U;

  /* Coefficients: coef[c][i * LANES + l], at frame 0 only unless some
     lane's change within the block (`moves`). */
  _Alignas(64) float coef[6][AETHER_BUFFER_SIZE * LANES];
  bool               moves  = false;
  uint32_t           held   = 0; /* lanes designed at frame 0 only */
  bool               q_only = false;
  for (uint32_t l = 0; l < m && !q_only; ++l) {
    const AetherProcessArgs* const x = args[l];
    q_only                           = (x->moving & (1U << SVF_Q)) ||
             (aether_input_connected(x, SVF_Q_CV) &&
              !aether_lanes_constant(x->in[SVF_Q_CV], n));
  }
  q_only = q_only && n && svf_lanes_q(selves, args, m, n, coef);
  moves  = q_only;
  for (uint32_t l = 0; l < m && !q_only; ++l) {
    Svf* const                     s = (Svf*)selves[l];
    const AetherProcessArgs* const x = args[l];
    const int fcv_on                 = aether_input_connected(x, SVF_CUTOFF_CV);
    const int qcv_on                 = aether_input_connected(x, SVF_Q_CV);
    const float* const restrict mode = x->param[SVF_MODE];
    const float* const restrict cutoff = x->param[SVF_CUTOFF];
    const float* const restrict q      = x->param[SVF_Q];
    const float* const restrict gain   = x->param[SVF_GAIN];
    const float* const restrict fcv    = x->in[SVF_CUTOFF_CV];
    const float* const restrict qcv    = x->in[SVF_Q_CV];
    uint32_t end                       = 1U;
    if (!fcv_on && !qcv_on && !(x->moving & all_params)) {
      svf_design(s, svf_mode(mode[0]), cutoff[0], q[0], gain[0]);
    } else {
      /* svf_process()'s per-frame path; one design when its arguments
         are the same at every frame. */
      if ((x->moving & all_params) ||
          (fcv_on && !aether_lanes_constant(fcv, n)) ||
          !aether_lanes_constant(qcv, n)) {
        end = n;
      }
      float last   = 0.0f;
      float factor = 1.0f;
      for (uint32_t i = 0; i < end; ++i) {
        float hz = cutoff[i];
        if (fcv_on) {
          if (!i || fcv[i] != last) { /* exp2f of equal values is equal */
            factor = exp2f(fcv[i]);
            last   = fcv[i];
          }
          hz = cutoff[i] * factor;
        }
        svf_design(s, svf_mode(mode[i]), hz, q[i] + qcv[i], gain[i]);
        const SvfCoefs* const c = &s->coefs;
        coef[0][i * LANES + l]  = c->a1;
        coef[1][i * LANES + l]  = c->a2;
        coef[2][i * LANES + l]  = c->a3;
        coef[3][i * LANES + l]  = c->m0;
        coef[4][i * LANES + l]  = c->m1;
        coef[5][i * LANES + l]  = c->m2;
      }
    }
    if (end == 1U) {
      const SvfCoefs* const c = &s->coefs;
      coef[0][l]              = c->a1;
      coef[1][l]              = c->a2;
      coef[2][l]              = c->a3;
      coef[3][l]              = c->m0;
      coef[4][l]              = c->m1;
      coef[5][l]              = c->m2;
      held |= 1U << l;
    } else {
      moves = true;
    }
  }
  /* Lanes past the voices repeat lane 0; held lanes fill every frame if
     some lane moves. */
  for (uint32_t l = m; l < LANES; ++l) {
    held |= (held & 1U) << l;
  }
  const uint32_t frames = moves ? n : 1U;
  for (uint32_t c = 0; c < 6U; ++c) {
    for (uint32_t i = 0; i < frames; ++i) {
      float* const row = coef[c] + i * LANES;
      for (uint32_t l = m; l < LANES; ++l) {
        row[l] = row[0];
      }
      for (uint32_t l = 0; moves && l < LANES; ++l) {
        if ((held >> l) & 1U) {
          row[l] = coef[c][l];
        }
      }
    }
  }

  _Alignas(64) float xin[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) float y[AETHER_BUFFER_SIZE * LANES];
  const float*       src[LANES];
  VF                 ic1;
  VF                 ic2;
  for (uint32_t l = 0; l < LANES; ++l) {
    const Svf* const s = (const Svf*)selves[aether_lane_src(l, m)];
    src[l]             = args[aether_lane_src(l, m)]->in[SVF_IN];
    ic1[l]             = s->ic1eq;
    ic2[l]             = s->ic2eq;
  }
  lanes_gather(xin, src, LANES, n);

  const VF ka1 = vf_load(coef[0]);
  const VF ka2 = vf_load(coef[1]);
  const VF ka3 = vf_load(coef[2]);
  const VF km0 = vf_load(coef[3]);
  const VF km1 = vf_load(coef[4]);
  const VF km2 = vf_load(coef[5]);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k  = moves ? i * LANES : 0U;
    const VF       a1 = moves ? vf_load(coef[0] + k) : ka1;
    const VF       a2 = moves ? vf_load(coef[1] + k) : ka2;
    const VF       a3 = moves ? vf_load(coef[2] + k) : ka3;
    const VF       m0 = moves ? vf_load(coef[3] + k) : km0;
    const VF       m1 = moves ? vf_load(coef[4] + k) : km1;
    const VF       m2 = moves ? vf_load(coef[5] + k) : km2;
    const VF       v0 = vf_load(xin + i * LANES);
    const VF       v3 = v0 - ic2;
    const VF       v1 = a1 * ic1 + a2 * v3;
    const VF       v2 = ic2 + a2 * ic1 + a3 * v3;
    ic1               = svf_lanes_sanitize(2.0f * v1 - ic1);
    ic2               = svf_lanes_sanitize(2.0f * v2 - ic2);
    vf_store(y + i * LANES, m0 * v0 + m1 * v1 + m2 * v2);
  }

  float* out[LANES];
  for (uint32_t l = 0; l < m; ++l) {
    Svf* const s = (Svf*)selves[l];
    s->ic1eq     = ic1[l];
    s->ic2eq     = ic2[l];
    out[l]       = args[l]->out[0];
  }
  lanes_scatter(out, y, m, n);
}

#undef svf_lanes
#undef svf_lanes_sanitize
#undef svf_lanes_q

#include "lanes_undef.h"
