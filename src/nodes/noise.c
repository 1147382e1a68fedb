/* noise.c: white or pink noise from a deterministic per-instance PRNG. */

#include "node_util.h"

enum { NOISE_COLOR, NOISE_AMP, NOISE_N_PARAMS };
enum { COLOR_WHITE, COLOR_PINK };

/* clang-format off */
static const char* const noise_colors[] = { "white", "pink", NULL };

static const AetherParamDesc noise_params[] = {
  { "color", "Color", "", 0, 1, 0, 0, AETHER_PARAM_ENUM, noise_colors,
    "White (flat spectrum) or pink (-3 dB per octave)." },
  { "amp", "Amplitude", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level: white is uniform in [-amp, amp] (RMS 0.577 amp), pink has an RMS "
    "of 0.18 amp." },
};

static const AetherPortDesc noise_outputs[] = {
  { "out", "Output", "Noise" },
};
/* clang-format on */

/* Pink is Paul Kellet's refined filter (within 0.05 dB of -3 dB/octave from
   9 Hz to Nyquist at 44.1 kHz). Its in-band level in Hz does not depend on
   the rate: at other rates only the low corner moves (20 Hz at 96 kHz). The
   gain puts its RMS at 0.18 (-15 dBFS) for amp 1, so its near-Gaussian peaks
   stay within amp. */
#define PINK_GAIN 0.1f

typedef struct {
  uint32_t seed; /**< this instance's PRNG seed, restored by reset */
  uint32_t rng;  /**< PRNG state */
  float    b[7]; /**< pink filter state */
} Noise;

static void
noise_reset(void* const self)
{
  Noise* const s = (Noise*)self;
  s->rng         = s->seed;
  for (uint32_t i = 0; i < 7; ++i) {
    s->b[i] = 0.0f;
  }
}

static AetherStatus
noise_init(void* const self, const double rate)
{
  (void)rate;
  Noise* const s = (Noise*)self;
  s->seed        = 1U; /* until the engine seeds it */
  noise_reset(self);   /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

static void
noise_process(void* const                    self,
              const AetherProcessArgs* const args,
              const uint32_t                 n)
{
  Noise* const s                    = (Noise*)self;
  const float* const restrict amp   = args->param[NOISE_AMP];
  const float* const restrict color = args->param[NOISE_COLOR];
  float* const restrict out         = args->out[0];
  const int mov                     = aether_param_moving(args, NOISE_COLOR);
  uint32_t  rng                     = s->rng;

  /* The pink filter runs for white too, so switching color is seamless. */
  float b0 = s->b[0], b1 = s->b[1], b2 = s->b[2], b3 = s->b[3];
  float b4 = s->b[4], b5 = s->b[5], b6 = s->b[6];
  for (uint32_t i = 0; i < n; ++i) {
    const float white = aether_rand_bipolar(&rng);
    b0                = 0.99886f * b0 + white * 0.0555179f;
    b1                = 0.99332f * b1 + white * 0.0750759f;
    b2                = 0.96900f * b2 + white * 0.1538520f;
    b3                = 0.86650f * b3 + white * 0.3104856f;
    b4                = 0.55000f * b4 + white * 0.5329522f;
    b5                = -0.7616f * b5 - white * 0.0168980f;
    const float pink  = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362f;
    b6                = white * 0.115926f;
    const int pk      = (mov ? color[i] : color[0]) >= 0.5f;
    out[i]            = amp[i] * (pk ? pink * PINK_GAIN : white);
  }
  s->rng  = rng;
  s->b[0] = b0;
  s->b[1] = b1;
  s->b[2] = b2;
  s->b[3] = b3;
  s->b[4] = b4;
  s->b[5] = b5;
  s->b[6] = b6;
}

/* The engine's seed (from the node's name and voice), used from reset. */
static void
noise_seed(void* const self, const uint32_t seed)
{
  ((Noise*)self)->seed = seed ? seed : 1U;
}

const AetherNodeType aether_node_noise = {
  .name      = "Noise",
  .label     = "Noise",
  .comment   = "White or pink noise, seeded per instance so renders repeat.",
  .outputs   = noise_outputs,
  .n_outputs = 1,
  .params    = noise_params,
  .n_params  = NOISE_N_PARAMS,
  .size      = sizeof(Noise),
  .init      = noise_init,
  .reset     = noise_reset,
  .seed      = noise_seed,
  .process   = noise_process,
};
