/* waveshaper.c: distortion (soft and hard clipping, wavefolding, bit
   crushing, asymmetric "tube" saturation) with a dry/wet mix and a tilt
   tone control.

   The four memoryless curves are anti-aliased with first-order
   antiderivative anti-aliasing (ADAA, Parker et al. 2016; Bilbao et al.
   2017): instead of f(x[n]) the shaper outputs the mean of f over the
   segment from x[n-1] to x[n],

     y[n] = (F(x[n]) - F(x[n-1])) / (x[n] - x[n-1]),   F' = f,

   which is f applied to the linearly interpolated input and then averaged
   over one sample (a continuous-time box filter before sampling). Without
   oversampling, a 5 kHz sine driven by +18 to +30 dB at 48 kHz keeps 11 to
   19 dB less alias power up to 20 kHz, and 17 to 44 dB less below 4.5 kHz
   where no harmonic masks it (partials just above Nyquist, which fold to
   just below it, are barely touched). The cost is half a sample of delay on
   the shaped path and the box filter's gentle high-frequency droop,
   cos(pi f / rate) (-2 dB at 10 kHz at 48 kHz). F is evaluated in
   double precision once per sample and kept for the next one: the quotient
   divides a difference of two values of size |x| by a small step, which
   float would turn into noise. Bit crush is not anti-aliased: its steps
   are the effect. */

#include "node_util.h"

enum { WS_IN, WS_N_INPUTS };
enum {
  WS_MODE,
  WS_DRIVE,
  WS_TONE,
  WS_WET,
  WS_BITS,
  WS_DOWNSAMPLE,
  WS_N_PARAMS
};
enum { WS_TANH, WS_HARD, WS_FOLD, WS_BITCRUSH, WS_TUBE, WS_N_MODES };

#define WS_DRIVE_DB 30.0f  /* drive 1: +30 dB into the shaper */
#define WS_TILT_DB 6.0f    /* tone 0 / 1: lows +-6 dB, highs -+6 dB */
#define WS_PIVOT_HZ 1000.0 /* the tilt's 0 dB point */
#define WS_TUBE_BIAS 0.25  /* operating point of the tube curve */
#define WS_DC_HZ 10.0      /* DC blocker corner, tube mode */
#define WS_MAX_U 1e6f      /* shaper input bound (all curves flat or folded) */
#define WS_ADAA_EPS 1e-5   /* below this step (relative): f at the midpoint */
#define WS_EXP_MAX 20.0    /* exp(-40) is below a double's resolution of 1 */
#define WS_LOG2_GAIN_PER_DB 0.166096404744368118f

// clang-format off
static const char* const ws_modes[] = {
  "tanh", "hard", "fold", "bitcrush", "tube",
};

static const AetherPortDesc ws_inputs[] = {
  { "in", "Input", "Signal to distort" },
};

static const AetherPortDesc ws_outputs[] = {
  { "out", "Output", "Dry and shaped signal mixed, after the tone control; "
    "the anti-aliased curves (all but bitcrush) delay the shaped signal by "
    "half a sample, the dry signal is not delayed" },
};

static const AetherParamDesc ws_params[] = {
  { "mode", "Mode", "", 0, WS_N_MODES - 1, WS_TANH, 0, AETHER_PARAM_ENUM,
    ws_modes,
    "Curve: tanh soft clip, hard clip at 1, triangle fold at +-1, bit crush, "
    "or asymmetric tube-like saturation (DC-blocked)." },
  { "drive", "Drive", "", 0, 1, 0.3f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Gain into the shaper: 0 is unity, 1 is +30 dB (exponential)." },
  { "tone", "Tone", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Tilt around 1 kHz after the mix: 0 darker, 0.5 neutral (exactly no "
    "change), 1 brighter (+-6 dB at the ends)." },
  { "wet", "Wet", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Mix from the dry input (0) to the shaped signal (1)." },
  { "bits", "Bits", "", 1, 16, 8, 0, AETHER_PARAM_INTEGER, NULL,
    "Bit depth of the crusher, 2^bits levels over [-1, 1) (bitcrush mode)." },
  { "downsample", "Downsample", "", 1, 32, 1, 0, AETHER_PARAM_INTEGER, NULL,
    "Holds every Nth input sample for N samples before the shaper (all "
    "modes; 1: off)." },
};
// clang-format on

/* DC blocker: one pole at 10 Hz, one zero at DC. */
typedef struct {
  float x; /**< previous input */
  float y; /**< previous output */
  float r; /**< pole */
} WsDc;

typedef struct {
  double   adaa_f;    /**< ADAA: F(adaa_x) for curve `prev_mode` */
  double   tube_dc;   /**< tanh(bias) as ws_tanh computes it: tube(0) = 0 */
  float    adaa_x;    /**< ADAA: the previous shaper input */
  int      prev_mode; /**< mode of the previous frame (-1: reset since) */
  float    lp;        /**< tilt one-pole state */
  WsDc     dc;        /**< DC blocker (heard in tube mode) */
  float    held;      /**< downsampler: the held input */
  uint32_t count;     /**< downsampler: frames since `held` was taken */
  float    pivot_g;   /**< tan(pi pivot / rate): the prewarped pivot */
  float    key_drive; /**< the drive `pre` was computed for (NaN: none) */
  float    pre;       /**< gain into the shaper */
  float    key_tone;  /**< the tone the tilt was designed for */
  float    tilt_g;    /**< tilt one-pole G = g / (1 + g) */
  float    low_gain;  /**< tilt: gain of the lows minus 1 */
  float    high_gain; /**< tilt: gain of the highs minus 1 */
} Waveshaper;

/* tanh from one exp, accurate to a few 1e-16 (absolute). */
static inline double
ws_tanh(const double x)
{
  const double a = fabs(x);
  const double e = exp(-2.0 * (a < WS_EXP_MAX ? a : WS_EXP_MAX));
  return copysign((1.0 - e) / (1.0 + e), x);
}

/* log(cosh(x)) + log(2), stable for any |x|: |x| + log(1 + exp(-2 |x|)).
   The error is a few ulp of |x|, and below 1e-17 where exp is cut off. */
static inline double
ws_logcosh2(const double x)
{
  const double a = fabs(x);
  return a + log(1.0 + exp(-2.0 * (a < WS_EXP_MAX ? a : WS_EXP_MAX)));
}

/* Clip to [-1, 1] without a branch; exact for float x. */
static inline double
ws_clip(const double x)
{
  return 0.5 * (fabs(x + 1.0) - fabs(x - 1.0));
}

/* Triangle fold, period 4, identity on [-1, 1]: 1 - |r| with r = p - 1 the
   phase p of x in [-1, 3) shifted to [-2, 2). Exact for float x up to
   WS_MAX_U (x - 4 k needs no more than a double's 53 bits). */
static inline double
ws_fold_r(const double x)
{
  return x - 4.0 * floor((x + 1.0) * 0.25) - 1.0;
}

/* The curve f of an anti-aliased mode, in double. */
static inline double
ws_curve(const int mode, const double x, const double tube_dc)
{
  switch (mode) {
    case WS_TANH:
      return ws_tanh(x);
    case WS_HARD:
      return ws_clip(x);
    case WS_FOLD:
      return 1.0 - fabs(ws_fold_r(x));
    default:
      return ws_tanh(x + WS_TUBE_BIAS) - tube_dc;
  }
}

/* An antiderivative F of the curve (up to a constant per mode):
   tanh:  log cosh x
   hard:  x^2 / 2 inside [-1, 1], |x| - 1/2 outside (x c - c^2 / 2 with c
          the clipped x)
   fold:  r - r |r| / 2 (F' = 1 - |r|); periodic since the fold has zero
          mean, so bounded: |F| <= 1/2
   tube:  log cosh(x + bias) - tanh(bias) x */
static inline double
ws_antideriv(const int mode, const double x, const double tube_dc)
{
  switch (mode) {
    case WS_TANH:
      return ws_logcosh2(x);
    case WS_HARD: {
      const double c = ws_clip(x);
      return x * c - 0.5 * c * c;
    }
    case WS_FOLD: {
      const double r = ws_fold_r(x);
      return r - 0.5 * r * fabs(r);
    }
    default:
      return ws_logcosh2(x + WS_TUBE_BIAS) - tube_dc * x;
  }
}

/* The step below which the quotient is replaced by f at the midpoint. The
   quotient's rounding error is about 4e-16 |F| / |dx|, so the threshold
   scales with |x| where F grows like |x| (tanh, hard, tube), keeping that
   error below 1e-10; the fold's F is bounded by 1/2. The midpoint's error
   is below |f''| dx^2 / 24 < 1e-10 on smooth curves, dx / 8 < 3e-6 across
   a kink of hard clip or fold. */
static inline double
ws_adaa_eps(const int mode, const double x)
{
  return mode == WS_FOLD ? WS_ADAA_EPS : WS_ADAA_EPS * (1.0 + fabs(x));
}

/* First-order ADAA step from x0 (where F is f0) to x1 for curve `mode`.
   F is computed once per new input value and kept in *f0: a held input
   (downsampler, silence) costs one f. */
static inline double
ws_adaa(const int     mode,
        const double  x0,
        const double  x1,
        double* const f0,
        const double  tube_dc)
{
  const double dx = x1 - x0;
  if (dx == 0.0) {
    return ws_curve(mode, x1, tube_dc);
  }
  const double f1 = ws_antideriv(mode, x1, tube_dc);
  const double d  = f1 - *f0;
  *f0             = f1;
  return fabs(dx) < ws_adaa_eps(mode, x1)
           ? ws_curve(mode, 0.5 * (x0 + x1), tube_dc)
           : d / dx;
}

static AetherStatus
ws_init(void* const self, const double rate)
{
  Waveshaper* const ws = (Waveshaper*)self;
  ws->pivot_g          = (float)tan(AETHER_PI * WS_PIVOT_HZ / rate);
  ws->dc.r             = (float)exp(-AETHER_TWO_PI * WS_DC_HZ / rate);
  ws->tube_dc          = ws_tanh(WS_TUBE_BIAS);
  ws->key_drive        = NAN;
  ws->key_tone         = NAN;
  ws->prev_mode        = -1;
  return AETHER_SUCCESS;
}

static void
ws_reset(void* const self)
{
  Waveshaper* const ws = (Waveshaper*)self;
  ws->lp               = 0.0f;
  ws->dc.x             = 0.0f;
  ws->dc.y             = 0.0f;
  ws->held             = 0.0f;
  ws->count            = 0;
  ws->adaa_x           = 0.0f; /* as if the input had been silent */
  ws->adaa_f           = 0.0;
  ws->prev_mode        = -1;
}

static inline int
ws_int(const float value, const int lo, const int hi)
{
  const int i = (int)floorf(value + 0.5f);
  return i < lo ? lo : (i > hi ? hi : i);
}

/* Round to one of 2^bits levels k / 2^(bits-1), k in [-2^(bits-1),
   2^(bits-1) - 1]: a signed integer of `bits` bits, so 0 is a level. */
static inline float
ws_crush(const float u, const int bits)
{
  const float q = (float)(1U << (unsigned)(bits - 1));
  const float k = aether_clampf(floorf(u * q + 0.5f), -q, q - 1.0f);
  return k / q;
}

/* One block's parameters: a parameter that does not move is read at
   index 0 for the whole block (stride 0); derived gains are cached, so they
   cost one compare. */
typedef struct {
  const float* p[WS_N_PARAMS];
  size_t       stride[WS_N_PARAMS];
} WsParams;

/* Parameter j at frame i. */
static inline float
ws_param(const WsParams* const b, const uint32_t j, const uint32_t i)
{
  return b->p[j][i * b->stride[j]];
}

/* Gain into the shaper for `drive`, unless already computed. */
static inline void
ws_drive(Waveshaper* const ws, const float drive)
{
  if (drive != ws->key_drive) {
    ws->key_drive = drive;
    ws->pre       = exp2f(drive * (WS_DRIVE_DB * WS_LOG2_GAIN_PER_DB));
  }
}

/* Tilt design for `tone`, unless already done. */
static inline void
ws_tilt_design(Waveshaper* const ws, const float tone)
{
  if (tone == ws->key_tone) {
    return;
  }
  /* lows * gl + highs * gh with gl gh = 1, split by a one-pole at pivot /
     gl (prewarped): (gh s + gl a) / (s + a), exactly 0 dB at the pivot at
     any rate */
  const float tilt = (2.0f * tone - 1.0f) * (WS_TILT_DB * WS_LOG2_GAIN_PER_DB);
  const float gl   = exp2f(-tilt);
  const float g    = ws->pivot_g / gl;
  ws->key_tone     = tone;
  ws->tilt_g       = g / (1.0f + g);
  ws->low_gain     = gl - 1.0f;
  ws->high_gain    = exp2f(tilt) - 1.0f;
}

/* Frames i0 .. i1 - 1, all in curve `mode` (a constant at each call site,
   so each curve gets its own loop with the switches folded away):
   downsampler and drive, the curve (anti-aliased but for bit crush), the DC
   blocker in tube mode, the mix and the tilt, in one pass so that the
   recursive filters overlap the curve's arithmetic. */
static inline void
ws_run(Waveshaper* const restrict ws,
       const int             mode,
       const WsParams* const b,
       const float* const restrict in,
       float* const restrict out,
       const uint32_t i0,
       const uint32_t i1)
{
  const double tube_dc = ws->tube_dc;
  double       x0      = ws->adaa_x;
  double       f0      = ws->adaa_f;
  if (mode != ws->prev_mode) {
    /* a new curve continues from the same input: only F changes */
    f0            = mode == WS_BITCRUSH ? 0.0 : ws_antideriv(mode, x0, tube_dc);
    ws->prev_mode = mode;
  }
  WsDc     dc    = ws->dc;
  float    held  = ws->held;
  uint32_t count = ws->count;
  float    lp    = ws->lp;
  for (uint32_t i = i0; i < i1; ++i) {
    ws_drive(ws, ws_param(b, WS_DRIVE, i));
    ws_tilt_design(ws, ws_param(b, WS_TONE, i));
    const float x = in[i];
    if (count == 0) {
      held = x;
    }
    if (++count >= (uint32_t)ws_int(ws_param(b, WS_DOWNSAMPLE, i), 1, 32)) {
      count = 0;
    }
    const float u = aether_clampf(held * ws->pre, -WS_MAX_U, WS_MAX_U);

    float shaped;
    if (mode == WS_BITCRUSH) {
      const int bits = ws_int(ws_param(b, WS_BITS, i), 1, 16);
      shaped         = ws_crush(aether_clampf(u, -1.0f, 1.0f), bits);
    } else {
      shaped = (float)ws_adaa(mode, x0, u, &f0, tube_dc);
    }
    x0 = u;

    /* The DC blocker runs in every mode (no stale state on a mode change)
       but only tube, the asymmetric curve, is heard through it. */
    dc.y = aether_sanitize(shaped - dc.x + dc.r * dc.y);
    dc.x = shaped;
    if (mode == WS_TUBE) {
      shaped = dc.y;
    }

    /* The dry signal is not delayed to match the shaped one's half sample:
       a two-point average (the only short match) would low-pass it as much
       as ADAA does the shaped one (-12 dB at 20 kHz at 48 kHz) and end the
       bit-exact bypass at wet 0. Signals half a sample apart cannot cancel
       below Nyquist (they are at most 90 degrees apart there): in the
       linear range of a curve the mix is the two-tap filter (1 - w / 2) +
       (w / 2) z^-1, monotonic from 0 dB at DC. */
    const float wet = ws_param(b, WS_WET, i);
    const float mix = x * (1.0f - wet) + shaped * wet;

    /* Tilt: lows and highs of the one-pole split, each scaled. Written as
       mix + (gain - 1) * band so that at tone 0.5 (both gains exactly 1)
       the output is the mix, bit for bit. */
    const float v   = (mix - lp) * ws->tilt_g;
    const float low = v + lp;
    lp              = aether_sanitize(low + v);
    out[i]          = mix + ws->low_gain * low + ws->high_gain * (mix - low);
  }
  ws->adaa_x = (float)x0;
  ws->adaa_f = f0;
  ws->dc     = dc;
  ws->held   = held;
  ws->count  = count;
  ws->lp     = lp;
}

static void
ws_process(void* const                    self,
           const AetherProcessArgs* const args,
           const uint32_t                 n)
{
  Waveshaper* const ws           = (Waveshaper*)self;
  const float* const restrict in = args->in[WS_IN];
  float* const restrict out      = args->out[0];

  WsParams b;
  for (uint32_t j = 0; j < WS_N_PARAMS; ++j) {
    b.p[j]      = args->param[j];
    b.stride[j] = aether_param_moving(args, j) ? 1U : 0U;
  }

  /* runs of one mode: the whole block unless the mode is switched in it */
  for (uint32_t i0 = 0, i1 = 0; i0 < n; i0 = i1) {
    const int mode = ws_int(ws_param(&b, WS_MODE, i0), 0, WS_N_MODES - 1);
    i1             = b.stride[WS_MODE] ? i0 + 1 : n;
    while (i1 < n && ws_int(b.p[WS_MODE][i1], 0, WS_N_MODES - 1) == mode) {
      ++i1;
    }
    switch (mode) {
      case WS_TANH:
        ws_run(ws, WS_TANH, &b, in, out, i0, i1);
        break;
      case WS_HARD:
        ws_run(ws, WS_HARD, &b, in, out, i0, i1);
        break;
      case WS_FOLD:
        ws_run(ws, WS_FOLD, &b, in, out, i0, i1);
        break;
      case WS_BITCRUSH:
        ws_run(ws, WS_BITCRUSH, &b, in, out, i0, i1);
        break;
      default:
        ws_run(ws, WS_TUBE, &b, in, out, i0, i1);
        break;
    }
  }
}

const AetherNodeType aether_node_waveshaper = {
  .name      = "Waveshaper",
  .label     = "Waveshaper",
  .comment   = "Distortion: tanh, hard clip, wavefold, bit crush with sample "
               "hold, or tube-like saturation, mixed with the dry signal and "
               "tilted by a tone control.",
  .inputs    = ws_inputs,
  .n_inputs  = WS_N_INPUTS,
  .outputs   = ws_outputs,
  .n_outputs = 1,
  .params    = ws_params,
  .n_params  = WS_N_PARAMS,
  .size      = sizeof(Waveshaper),
  .init      = ws_init,
  .reset     = ws_reset,
  .process   = ws_process,
};
