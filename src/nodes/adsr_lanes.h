/* adsr_lanes.h: the Adsr's batch kernel, LANES voices side by side (a
   template: adsr.c includes it once per width, see lanes.h): the level is
   a double, so a register holds 2 voices (SSE2) or 4 (AVX2).

   Per lane and frame, what adsr_process() does: gate edges first, then
   the current stage's step. Everything runs in doubles (the gate, the
   parameters and the stage too: their floats and small integers convert
   exactly and compare alike), so every mask has the width of the level's.
   Each stage's step runs when some lane is in it, and each lane takes its
   own stage's result. A segment time that changed (adsr_update(), an exp
   and a log) is taken per lane with the scalar function. */

#include "lanes_def.h"

#define adsr_lanes LN(adsr_lanes)
#define adsr_lanes_gather LN(adsr_lanes_gather)
#define adsr_lanes_steady LN(adsr_lanes_steady)

/* dst[i * LANES + l] = src[l][i] as doubles, lanes past `m` repeating
   lane 0. */
static inline void
adsr_lanes_gather(double* const restrict dst,
                  const float* const* const src,
                  const uint32_t            m,
                  const uint32_t            n)
{
  for (uint32_t l = 0; l < LANES; ++l) {
    const float* const restrict x = src[aether_lane_src(l, m)];
    for (uint32_t i = 0; i < n; ++i) {
      dst[i * LANES + l] = x[i];
    }
  }
}

/* True if each of the `m` voices stays in sustain with its gate high at
   every frame, or idle with its gate low: no edge, no step. */
static inline bool
adsr_lanes_steady(Adsr* const* const        s,
                  const float* const* const gate,
                  const uint32_t            m,
                  const uint32_t            n)
{
  for (uint32_t l = 0; l < m; ++l) {
    const bool high = s[l]->stage == STAGE_SUSTAIN;
    if ((!high && s[l]->stage != STAGE_IDLE) ||
        (s[l]->gate_prev > 0.5f) != high) {
      return false;
    }
    uint32_t same = 1U;
    for (uint32_t i = 0; i < n; ++i) {
      same &= (uint32_t)((gate[l][i] > 0.5f) == high);
    }
    if (!same) {
      return false;
    }
  }
  return true;
}

static void
adsr_lanes(void* const* const                    selves,
           const AetherProcessArgs* const* const args,
           const uint32_t                        m,
           const uint32_t                        n)
{
  const int has_in = aether_input_connected(args[0], ADSR_IN);
  bool      alike  = n != 0U;
  for (uint32_t l = 1; l < m; ++l) {
    alike &= aether_input_connected(args[l], ADSR_IN) == has_in;
  }
  if (!alike) {
    aether_lanes_scalar(adsr_process, selves, args, m, n);
    return;
  }

  Adsr*          s[LANES];
  const float*   p[ADSR_N_PARAMS][LANES];
  const float*   gp[LANES];
  float          gate_last[LANES];
  uint32_t       moving = 0;
  const uint32_t voices = (1U << m) - 1U; /* lanes that are voices */
  for (uint32_t l = 0; l < LANES; ++l) {
    const AetherProcessArgs* const a = args[aether_lane_src(l, m)];
    s[l]                             = (Adsr*)selves[aether_lane_src(l, m)];
    gp[l]                            = a->in[ADSR_GATE];
    gate_last[l]                     = gp[l][n - 1U];
    moving |= a->moving;
    for (uint32_t k = 0; k < ADSR_N_PARAMS; ++k) {
      p[k][l] = a->param[k];
    }
  }

  /* Held notes and silent voices: a block in which every lane stays in
     sustain with its gate high, or idle with its gate low, is the sustain
     level or 0 at every frame, as adsr_process() computes it. */
  if (adsr_lanes_steady(s, gp, m, n)) {
    for (uint32_t l = 0; l < m; ++l) {
      Adsr* const x                   = s[l];
      const float* const restrict sus = p[ADSR_SUSTAIN][l];
      const float* const restrict in  = args[l]->in[ADSR_IN];
      float* const restrict e         = args[l]->out[ADSR_ENV];
      float* const restrict z         = args[l]->out[ADSR_OUT];
      const bool held                 = x->stage == STAGE_SUSTAIN;
      for (uint32_t i = 0; i < n; ++i) {
        e[i] = held ? (float)(double)sus[i] : 0.0f;
      }
      for (uint32_t i = 0; i < n; ++i) {
        const float v = held ? (float)(double)sus[i] : 0.0f;
        z[i]          = has_in ? in[i] * v : v;
      }
      x->level     = held ? (double)sus[n - 1U] : 0.0;
      x->gate_prev = gate_last[l];
    }
    return;
  }

  /* The gate and the parameters side by side (a parameter at frame 0 only
     when it moves in no lane). */
  _Alignas(64) double gate[AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) double par[ADSR_N_PARAMS][AETHER_BUFFER_SIZE * LANES];
  _Alignas(64) double lev[AETHER_BUFFER_SIZE * LANES];
  adsr_lanes_gather(gate, gp, LANES, n);
  for (uint32_t k = 0; k < ADSR_N_PARAMS; ++k) {
    adsr_lanes_gather(par[k], p[k], LANES, ((moving >> k) & 1U) ? n : 1U);
  }

  VD level;
  VD rel;
  VD stage;
  VD gprev;
  VD memo[3];
  VD lin[3];
  VD coef[3];
  for (uint32_t l = 0; l < LANES; ++l) {
    level[l] = s[l]->level;
    rel[l]   = s[l]->rel_start;
    stage[l] = (double)s[l]->stage;
    gprev[l] = s[l]->gate_prev;
    for (uint32_t k = 0; k < 3U; ++k) {
      memo[k][l] = s[l]->memo[k];
      lin[k][l]  = s[l]->lin_step[k];
      coef[k][l] = s[l]->exp_coef[k];
    }
  }

  const uint32_t seg_param[3] = { ADSR_ATTACK, ADSR_DECAY, ADSR_RELEASE };
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t k0 = i * LANES;

    /* Gate edges. */
    const VD g    = vd_load(gate + k0);
    const VL high = g > 0.5;
    const VL was  = gprev > 0.5;
    gprev         = g;
    const VL fall = ~high & was & (stage != (double)STAGE_IDLE);
    stage         = vd_sel(high & ~was, vd_splat(STAGE_ATTACK), stage);
    stage         = vd_sel(fall, vd_splat(STAGE_RELEASE), stage);
    rel           = vd_sel(fall, level, rel);

    /* Segment times that changed, in the lanes that use them now. */
    const VL in_seg[3] = { stage == (double)STAGE_ATTACK,
                           stage == (double)STAGE_DECAY,
                           stage == (double)STAGE_RELEASE };
    for (uint32_t seg = 0; seg < 3U; ++seg) {
      const uint32_t k = ((moving >> seg_param[seg]) & 1U) ? k0 : 0U;
      const VD       t = vd_load(par[seg_param[seg]] + k);
      for (uint32_t b = vl_bits(in_seg[seg] & (t != memo[seg])) & voices; b;
           b &= b - 1U) {
        const uint32_t l = (uint32_t)__builtin_ctz(b);
        adsr_update(s[l], (int)seg, (float)t[l]);
        memo[seg][l] = s[l]->memo[seg];
        lin[seg][l]  = s[l]->lin_step[seg];
        coef[seg][l] = s[l]->exp_coef[seg];
      }
    }

    const uint32_t kc         = ((moving >> ADSR_CURVE) & 1U) ? k0 : 0U;
    const uint32_t ks         = ((moving >> ADSR_SUSTAIN) & 1U) ? k0 : 0U;
    const VL       expo       = vd_load(par[ADSR_CURVE] + kc) >= 0.5;
    const VD       sus        = vd_load(par[ADSR_SUSTAIN] + ks);
    VD             next       = vd_splat(0.0); /* idle */
    VD             next_stage = stage;
    if (vl_bits(in_seg[0])) {
      const VD target = vd_splat(1.0 + ADSR_ATTACK_OVER);
      VD x = vd_sel(expo, target + (level - target) * coef[0], level + lin[0]);
      const VL done = x >= 1.0 - ADSR_EPS;
      x             = vd_sel(done, vd_splat(1.0), x);
      next          = vd_sel(in_seg[0], x, next);
      next_stage = vd_sel(in_seg[0] & done, vd_splat(STAGE_DECAY), next_stage);
    }
    if (vl_bits(in_seg[1])) {
      const VD target = sus - ADSR_FALL_OVER * (1.0 - sus);
      VD       x      = vd_sel(expo,
                    target + (level - target) * coef[1],
                    level - (1.0 - sus) * lin[1]);
      const VL done   = x <= sus + ADSR_EPS;
      x               = vd_sel(done, sus, x);
      next            = vd_sel(in_seg[1], x, next);
      next_stage =
        vd_sel(in_seg[1] & done, vd_splat(STAGE_SUSTAIN), next_stage);
    }
    next = vd_sel(stage == (double)STAGE_SUSTAIN, sus, next);
    if (vl_bits(in_seg[2])) {
      const VD target = -ADSR_FALL_OVER * rel;
      VD       x =
        vd_sel(expo, target + (level - target) * coef[2], level - rel * lin[2]);
      const VL done = x <= ADSR_EPS;
      x             = vd_sel(done, vd_splat(0.0), x);
      next          = vd_sel(in_seg[2], x, next);
      next_stage = vd_sel(in_seg[2] & done, vd_splat(STAGE_IDLE), next_stage);
    }
    level = next;
    stage = next_stage;
    vd_store(lev + k0, level);
  }

  /* Voice by voice, env then out: a voice's output may share the buffer of
     an earlier voice's input or unread output, never of a later voice's
     input, so reading `in` here is safe. */
  for (uint32_t l = 0; l < m; ++l) {
    Adsr* const x                  = s[l];
    x->level                       = level[l];
    x->rel_start                   = rel[l];
    x->stage                       = (int)stage[l];
    x->gate_prev                   = gate_last[l];
    float* const restrict e        = args[l]->out[ADSR_ENV];
    float* const restrict z        = args[l]->out[ADSR_OUT];
    const float* const restrict in = args[l]->in[ADSR_IN];
    for (uint32_t i = 0; i < n; ++i) {
      e[i] = (float)lev[i * LANES + l];
    }
    for (uint32_t i = 0; i < n; ++i) {
      const float v = (float)lev[i * LANES + l];
      z[i]          = has_in ? in[i] * v : v;
    }
  }
}

#undef adsr_lanes
#undef adsr_lanes_gather
#undef adsr_lanes_steady

#include "lanes_undef.h"
