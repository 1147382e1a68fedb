/* waveshaper.c: distortion (soft and hard clipping, wavefolding, bit
   crushing, asymmetric "tube" saturation) with a dry/wet mix and a tilt
   tone control. */

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
#define WS_TUBE_BIAS 0.25f /* operating point of the tube curve */
#define WS_DC_HZ 10.0      /* DC blocker corner, tube mode */
#define WS_LOG2_GAIN_PER_DB 0.166096404744368118f

// clang-format off
static const char* const ws_modes[] = {
  "tanh", "hard", "fold", "bitcrush", "tube",
};

static const AetherPortDesc ws_inputs[] = {
  { "in", "Input", "Signal to distort" },
};

static const AetherPortDesc ws_outputs[] = {
  { "out", "Output", "Dry and shaped signal mixed, after the tone control" },
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

typedef struct {
  float    lp;        /**< tilt one-pole state */
  float    dc_x;      /**< DC blocker: previous input */
  float    dc_y;      /**< DC blocker: previous output */
  float    held;      /**< downsampler: the held input */
  uint32_t count;     /**< downsampler: frames since `held` was taken */
  float    pivot_g;   /**< tan(pi pivot / rate): the prewarped pivot */
  float    dc_r;      /**< DC blocker pole */
  float    key_drive; /**< the drive `pre` was computed for (NaN: none) */
  float    pre;       /**< gain into the shaper */
  float    key_tone;  /**< the tone the tilt was designed for */
  float    tilt_g;    /**< tilt one-pole G = g / (1 + g) */
  float    low_gain;  /**< tilt: gain of the lows minus 1 */
  float    high_gain; /**< tilt: gain of the highs minus 1 */
} Waveshaper;

static AetherStatus
ws_init(void* const self, const double rate)
{
  Waveshaper* const ws = (Waveshaper*)self;
  ws->pivot_g          = (float)tan(AETHER_PI * WS_PIVOT_HZ / rate);
  ws->dc_r             = (float)exp(-AETHER_TWO_PI * WS_DC_HZ / rate);
  ws->key_drive        = NAN;
  ws->key_tone         = NAN;
  return AETHER_SUCCESS;
}

static void
ws_reset(void* const self)
{
  Waveshaper* const ws = (Waveshaper*)self;
  ws->lp               = 0.0f;
  ws->dc_x             = 0.0f;
  ws->dc_y             = 0.0f;
  ws->held             = 0.0f;
  ws->count            = 0;
}

/* Parameter j at frame i: the block's first value when it does not move. */
static inline float
ws_param(const float* const* const p,
         const size_t* const       stride,
         const uint32_t            j,
         const uint32_t            i)
{
  return p[j][i * stride[j]];
}

static inline int
ws_int(const float value, const int lo, const int hi)
{
  const int i = (int)floorf(value + 0.5f);
  return i < lo ? lo : (i > hi ? hi : i);
}

/* Triangle fold: identity on [-1, 1], mirrored at +-1, period 4. */
static inline float
ws_fold(const float u)
{
  float t = (u + 1.0f) * 0.25f;
  t -= floorf(t);
  return 1.0f - 4.0f * fabsf(t - 0.5f);
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

static inline float
ws_tube(const float u)
{
  static const float bias = WS_TUBE_BIAS;
  return tanhf(u + bias) - tanhf(bias);
}

static void
ws_process(void* const                    self,
           const AetherProcessArgs* const args,
           const uint32_t                 n)
{
  Waveshaper* const ws           = (Waveshaper*)self;
  const float* const restrict in = args->in[WS_IN];
  float* const restrict out      = args->out[0];

  /* A parameter that does not move is read at index 0 for the whole block
     (stride 0); derived gains are cached, so they cost one compare. */
  const float* p[WS_N_PARAMS];
  size_t       stride[WS_N_PARAMS];
  for (uint32_t j = 0; j < WS_N_PARAMS; ++j) {
    p[j]      = args->param[j];
    stride[j] = aether_param_moving(args, j) ? 1U : 0U;
  }

  const float dc_r  = ws->dc_r;
  float       lp    = ws->lp;
  float       dc_x  = ws->dc_x;
  float       dc_y  = ws->dc_y;
  float       held  = ws->held;
  uint32_t    count = ws->count;
  for (uint32_t i = 0; i < n; ++i) {
    const int mode = ws_int(ws_param(p, stride, WS_MODE, i), 0, WS_N_MODES - 1);
    const float drive = ws_param(p, stride, WS_DRIVE, i);
    const float tone  = ws_param(p, stride, WS_TONE, i);
    const float wet   = ws_param(p, stride, WS_WET, i);
    const int   bits  = ws_int(ws_param(p, stride, WS_BITS, i), 1, 16);
    const int   hold  = ws_int(ws_param(p, stride, WS_DOWNSAMPLE, i), 1, 32);
    if (drive != ws->key_drive) {
      ws->key_drive = drive;
      ws->pre       = exp2f(drive * (WS_DRIVE_DB * WS_LOG2_GAIN_PER_DB));
    }
    if (tone != ws->key_tone) {
      /* lows * gl + highs * gh with gl gh = 1, split by a one-pole at
         pivot / gl (prewarped): (gh s + gl a) / (s + a), exactly 0 dB at
         the pivot at any rate */
      const float tilt =
        (2.0f * tone - 1.0f) * (WS_TILT_DB * WS_LOG2_GAIN_PER_DB);
      const float gl = exp2f(-tilt);
      const float g  = ws->pivot_g / gl;
      ws->key_tone   = tone;
      ws->tilt_g     = g / (1.0f + g);
      ws->low_gain   = gl - 1.0f;
      ws->high_gain  = exp2f(tilt) - 1.0f;
    }

    const float x = in[i];
    if (count == 0) {
      held = x;
    }
    if (++count >= (uint32_t)hold) {
      count = 0;
    }

    const float u = held * ws->pre;
    float       shaped;
    switch (mode) {
      case WS_TANH:
        shaped = tanhf(u);
        break;
      case WS_HARD:
        shaped = aether_clampf(u, -1.0f, 1.0f);
        break;
      case WS_FOLD:
        shaped = ws_fold(aether_clampf(u, -1e6f, 1e6f));
        break;
      case WS_BITCRUSH:
        shaped = ws_crush(aether_clampf(u, -1.0f, 1.0f), bits);
        break;
      default:
        shaped = ws_tube(u);
        break;
    }

    /* The DC blocker runs in every mode (no stale state on a mode change)
       but only tube, the asymmetric curve, is heard through it. */
    dc_y = aether_sanitize(shaped - dc_x + dc_r * dc_y);
    dc_x = shaped;
    if (mode == WS_TUBE) {
      shaped = dc_y;
    }

    const float mix = x * (1.0f - wet) + shaped * wet;

    /* Tilt: lows and highs of the one-pole split, each scaled. Written as
       mix + (gain - 1) * band so that at tone 0.5 (both gains exactly 1)
       the output is the mix, bit for bit. */
    const float v   = (mix - lp) * ws->tilt_g;
    const float low = v + lp;
    lp              = aether_sanitize(low + v);
    out[i]          = mix + ws->low_gain * low + ws->high_gain * (mix - low);
  }
  ws->lp    = lp;
  ws->dc_x  = dc_x;
  ws->dc_y  = dc_y;
  ws->held  = held;
  ws->count = count;
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
