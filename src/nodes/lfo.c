/* lfo.c: low-frequency oscillator for modulation: sine, triangle, square,
   sample & hold and smooth random, with a restart input. */

#include "node_util.h"

enum { LFO_RESET, LFO_N_INPUTS };
enum { LFO_WAVE, LFO_RATE, LFO_DEPTH, LFO_PHASE, LFO_OFFSET, LFO_N_PARAMS };
enum { LFO_SINE, LFO_TRIANGLE, LFO_SQUARE, LFO_SAMPLE_HOLD, LFO_SMOOTH };

/* clang-format off */
static const char* const lfo_waves[] = {
  "sine", "triangle", "square", "sample_hold", "smooth_random", NULL
};

static const AetherPortDesc lfo_inputs[] = {
  { "reset", "Reset",
    "A rising edge through 0.5 restarts the cycle at the start phase" },
};

static const AetherPortDesc lfo_outputs[] = {
  { "out", "Output", "offset + depth * wave, the wave in [-1, 1]" },
};

static const AetherParamDesc lfo_params[] = {
  { "wave", "Waveform", "", 0, 4, 0, 0, AETHER_PARAM_ENUM, lfo_waves,
    "Sine, triangle, square, sample & hold (a new random level each cycle) "
    "or smooth random (cosine glide to a new random level each cycle)." },
  { "rate", "Rate", "Hz", 0.01f, 50, 1, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Cycles per second." },
  { "depth", "Depth", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Amplitude of the wave around the offset." },
  { "phase", "Start phase", "", 0, 1, 0, 0, AETHER_PARAM_CONTINUOUS, NULL,
    "Position in the cycle (0 to 1, 0.25 is the sine's peak) where the LFO "
    "starts and restarts." },
  { "offset", "Offset", "", -1, 1, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Constant added to the output." },
};
/* clang-format on */

typedef struct {
  double   phase;      /**< position in the cycle, [0, 1) */
  double   inv_rate;   /**< 1 / sample rate */
  float    reset_prev; /**< last reset input sample */
  float    from;       /**< random level at the cycle start */
  float    to;         /**< random level at the cycle end (smooth) */
  int      started;    /**< 0 until the first sample sets the start phase */
  uint32_t seed;       /**< PRNG seed, restored by reset */
  uint32_t rng;        /**< PRNG state */
} Lfo;

static void
lfo_reset(void* const self)
{
  Lfo* const s  = (Lfo*)self;
  s->phase      = 0.0;
  s->reset_prev = 0.0f;
  s->from       = 0.0f;
  s->to         = 0.0f;
  s->started    = 0;
  s->rng        = s->seed;
}

static AetherStatus
lfo_init(void* const self, const double rate)
{
  Lfo* const s = (Lfo*)self;
  s->inv_rate  = 1.0 / rate;
  s->seed      = 1U; /* until the engine seeds it */
  lfo_reset(self);   /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

static inline float
lfo_wave(const Lfo* const s, const int wave, const double p)
{
  switch (wave) {
    case LFO_TRIANGLE:
      return aether_triangle_cycle(p);
    case LFO_SQUARE:
      return p < 0.5 ? 1.0f : -1.0f;
    case LFO_SAMPLE_HOLD:
      return s->from;
    case LFO_SMOOTH:
      return s->from +
             (s->to - s->from) * 0.5f * (1.0f - cosf((float)(AETHER_PI * p)));
    default:
      return aether_sine_cycle(p);
  }
}

static void
lfo_process(void* const                    self,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  Lfo* const s                       = (Lfo*)self;
  const float* const restrict wavep  = args->param[LFO_WAVE];
  const float* const restrict rate   = args->param[LFO_RATE];
  const float* const restrict depth  = args->param[LFO_DEPTH];
  const float* const restrict start  = args->param[LFO_PHASE];
  const float* const restrict offset = args->param[LFO_OFFSET];
  const float* const restrict reset  = args->in[LFO_RESET];
  float* const restrict out          = args->out[0];
  const int moving                   = aether_param_moving(args, LFO_WAVE);
  int       wave                     = aether_enum_index(wavep[0], LFO_SMOOTH);
  double    p                        = s->phase;

  for (uint32_t i = 0; i < n; ++i) {
    if (moving) {
      wave = aether_enum_index(wavep[i], LFO_SMOOTH);
    }
    const int edge = s->reset_prev <= 0.5f && reset[i] > 0.5f;
    s->reset_prev  = reset[i];
    if (!s->started) {
      p          = start[i] < 1.0f ? (double)start[i] : 0.0;
      s->from    = aether_rand_bipolar(&s->rng);
      s->to      = aether_rand_bipolar(&s->rng);
      s->started = 1;
    } else if (edge) {
      /* Restart with a new random level; smooth random glides to it from
         where it is, over a whole cycle, so a restart never jumps. */
      const float now = lfo_wave(s, LFO_SMOOTH, p);
      p               = start[i] < 1.0f ? (double)start[i] : 0.0;
      s->to           = aether_rand_bipolar(&s->rng);
      s->from         = s->to;
      if (wave == LFO_SMOOTH) {
        s->from = now;
        p       = 0.0;
      }
    }

    out[i] = offset[i] + depth[i] * lfo_wave(s, wave, p);

    p += rate[i] * s->inv_rate;
    if (p >= 1.0) {
      p -= 1.0;
      s->from = s->to;
      s->to   = aether_rand_bipolar(&s->rng);
    }
  }
  s->phase = p;
}

/* The engine's seed (from the node's name and voice), used from reset. */
static void
lfo_seed(void* const self, const uint32_t seed)
{
  ((Lfo*)self)->seed = seed ? seed : 1U;
}

const AetherNodeType aether_node_lfo = {
  .name      = "Lfo",
  .label     = "LFO",
  .comment   = "Low-frequency oscillator for modulation: sine, triangle, "
               "square, sample & hold or smooth random, restartable by a "
               "trigger.",
  .inputs    = lfo_inputs,
  .n_inputs  = LFO_N_INPUTS,
  .outputs   = lfo_outputs,
  .n_outputs = 1,
  .params    = lfo_params,
  .n_params  = LFO_N_PARAMS,
  .size      = sizeof(Lfo),
  .init      = lfo_init,
  .reset     = lfo_reset,
  .seed      = lfo_seed,
  .process   = lfo_process,
};
