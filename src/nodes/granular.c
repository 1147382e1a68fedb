/* granular.c: granular processing of the live input: grains read from a
   capture buffer, transposed and scattered in time. */

#include "node_util.h"

#include <stdbool.h>
#include <string.h>

enum { GRAN_IN, GRAN_N_INPUTS };
enum {
  GRAN_GRAIN,
  GRAN_DENSITY,
  GRAN_PITCH,
  GRAN_PITCH_SCATTER,
  GRAN_POSITION,
  GRAN_SPREAD,
  GRAN_WET,
  GRAN_N_PARAMS
};

#define GRAN_MAX_GRAINS 64
#define GRAN_BUFFER_SECONDS 4.0 /* >= position + spread + worst grain drift */
#define GRAN_MAX_SEMITONES 36.0 /* |pitch + scatter| */
#define GRAN_SEED 0x2545F491U

/* clang-format off */
static const AetherPortDesc gran_inputs[] = {
  { "in", "Input", "Signal captured into the grain buffer" },
};

static const AetherPortDesc gran_outputs[] = {
  { "out", "Output", "in * (1 - wet) + grains * wet" },
};

static const AetherParamDesc gran_params[] = {
  { "grain", "Grain size", "ms", 10, 500, 80, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Duration of each grain." },
  { "density", "Density", "Hz", 1, 50, 8, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Grains started per second." },
  { "pitch", "Pitch", "st", -24, 24, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Transposition of the grains." },
  { "pitch_scatter", "Pitch scatter", "st", 0, 12, 0.3f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Random transposition of each grain, up to this much either way." },
  { "position", "Position", "s", 0, 2, 0.5f, 0.05f, AETHER_PARAM_CONTINUOUS,
    NULL, "How far back in time grains start reading." },
  { "spread", "Spread", "s", 0, 1, 0.2f, 0.05f, AETHER_PARAM_CONTINUOUS, NULL,
    "Random extra distance back in time of each grain, up to this much." },
  { "wet", "Wet", "", 0, 1, 0.8f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level of the grains; the input is mixed in at 1 - wet." },
};
/* clang-format on */

typedef struct {
  double   pos;     /**< read index in the buffer, fractional */
  double   speed;   /**< read frames per output frame */
  uint64_t end;     /**< absolute frame after its last one (free when <= now) */
  uint32_t age;     /**< frames played */
  float    inv_len; /**< 1 / length, for the window */
  float    gain;    /**< level normalisation for the overlap */
} Grain;

typedef struct {
  AetherDelayLine line;  /**< capture buffer */
  uint32_t        w;     /**< index of the next input frame */
  uint64_t        frame; /**< frames processed since reset */
  double          rate;  /**< sample rate */
  double          acc;   /**< grain clock: a grain starts when it reaches 1 */
  uint32_t        rng;   /**< PRNG state */
  uint32_t        seed;  /**< PRNG seed, restored by reset */
  Grain           grain[GRAN_MAX_GRAINS];
} Granular;

static AetherStatus
gran_init(void* const self_, const double rate)
{
  Granular* const    self = (Granular*)self_;
  const double       need = ceil(GRAN_BUFFER_SECONDS * rate) + 256.0;
  const AetherStatus st   = aether_delay_line_init(&self->line, need, 1024);
  if (st) {
    return st;
  }
  self->rate = rate;
  self->acc  = 1.0; /* the first grain starts at once */
  self->seed = GRAN_SEED;
  self->rng  = GRAN_SEED;
  return AETHER_SUCCESS;
}

static void
gran_cleanup(void* const self_)
{
  aether_delay_line_free(&((Granular*)self_)->line);
}

static void
gran_reset(void* const self_)
{
  Granular* const self = (Granular*)self_;
  aether_delay_line_clear(&self->line);
  memset(self->grain, 0, sizeof(self->grain));
  self->w     = 0;
  self->frame = 0;
  self->acc   = 1.0; /* the first grain starts at once */
  self->rng   = self->seed;
}

/* The engine's seed (from the node's name and voice), used from reset. */
static void
gran_seed(void* const self, const uint32_t seed)
{
  ((Granular*)self)->seed = seed ? seed : GRAN_SEED;
}

/* Start a grain at frame `t` of this block (whose first frame is stored at
   buffer index `w0`), with the parameter values of that frame. */
static void
gran_spawn(Granular* const                self,
           const AetherProcessArgs* const args,
           const uint32_t                 t,
           const uint32_t                 w0)
{
  /* Both draws happen even without a free slot: the sequence of random
     numbers depends only on time. */
  const float u_pitch = aether_rand_bipolar(&self->rng);
  const float u_pos   = 0.5f + 0.5f * aether_rand_bipolar(&self->rng);

  const uint64_t now = self->frame + t;
  Grain*         g   = NULL;
  for (uint32_t i = 0; i < GRAN_MAX_GRAINS; ++i) {
    if (self->grain[i].end <= now) {
      g = &self->grain[i];
      break;
    }
  }
  if (!g) {
    return;
  }

  const double rate    = self->rate;
  const float  grain_s = args->param[GRAN_GRAIN][t] * 0.001f;
  const float  density = args->param[GRAN_DENSITY][t];
  double       st      = (double)args->param[GRAN_PITCH][t] +
              (double)(args->param[GRAN_PITCH_SCATTER][t] * u_pitch);
  st                 = st > GRAN_MAX_SEMITONES    ? GRAN_MAX_SEMITONES
                       : st < -GRAN_MAX_SEMITONES ? -GRAN_MAX_SEMITONES
                                                  : st;
  const double speed = exp2(st / 12.0);
  double       len   = floor((double)grain_s * rate + 0.5);
  len                = len < 1.0 ? 1.0 : len;

  /* Frames back from now where the grain starts: never so close that a
     faster grain would read frames not captured yet (+ 4 for the cubic),
     never so far that a slower one would read overwritten frames. */
  const double size = (double)(self->line.mask + 1U);
  double       off  = ((double)args->param[GRAN_POSITION][t] +
                (double)(args->param[GRAN_SPREAD][t] * u_pos)) *
               rate;
  const double lo = (speed - 1.0) * len + 4.0;
  const double hi =
    size - 2.0 * AETHER_BUFFER_SIZE - (speed < 1.0 ? (1.0 - speed) * len : 0.0);
  off = off < lo ? lo : off;
  off = off > hi ? hi : off;

  double pos = (double)((w0 + t) & self->line.mask) - off;
  if (pos < 0.0) {
    pos += size;
  }

  /* Power-preserving level for overlapping grains of random phase. */
  const float overlap = 0.5f * density * grain_s;

  g->pos     = pos;
  g->speed   = speed;
  g->end     = now + (uint64_t)len;
  g->age     = 0;
  g->inv_len = (float)(1.0 / len);
  g->gain    = overlap > 1.0f ? 1.0f / sqrtf(overlap) : 1.0f;
}

/* Add every playing grain over frames [from, to) into `acc`. */
static void
gran_render(Granular* const self,
            float* const restrict acc,
            const uint32_t from,
            const uint32_t to)
{
  const float* const restrict buf = self->line.buf;
  const uint32_t mask             = self->line.mask;
  const double   size             = (double)(mask + 1U);
  const uint64_t t0               = self->frame + from;
  for (uint32_t i = 0; i < GRAN_MAX_GRAINS; ++i) {
    Grain* const g = &self->grain[i];
    if (g->end <= t0) {
      continue;
    }
    const uint64_t left = g->end - t0;
    const uint32_t stop =
      left < (uint64_t)(to - from) ? from + (uint32_t)left : to;
    double       pos   = g->pos;
    uint32_t     age   = g->age;
    const double speed = g->speed;
    const float  gain  = g->gain;
    const float  il    = g->inv_len;
    for (uint32_t t = from; t < stop; ++t) {
      /* Welch window squared: Hann-like, smooth at both ends. */
      const float u  = ((float)age + 0.5f) * il;
      const float p  = 4.0f * u * (1.0f - u);
      const float wv = p * p * gain;

      const uint32_t k = (uint32_t)pos;
      const float    f = (float)(pos - (double)k);
      acc[t] += wv * aether_hermite(buf[(k - 1U) & mask],
                                    buf[k & mask],
                                    buf[(k + 1U) & mask],
                                    buf[(k + 2U) & mask],
                                    f);

      ++age;
      pos += speed;
      if (pos >= size) {
        pos -= size;
      }
    }
    g->pos = pos;
    g->age = age;
  }
}

static void
gran_process(void* const                    self_,
             const AetherProcessArgs* const args,
             const uint32_t                 n)
{
  Granular* const self            = (Granular*)self_;
  const float* const restrict in  = args->in[GRAN_IN];
  const float* const restrict den = args->param[GRAN_DENSITY];
  float* const restrict out       = args->out[0];
  float* const restrict buf       = self->line.buf;
  const uint32_t mask             = self->line.mask;
  const uint32_t w0               = self->w;

  /* Capture the whole block first: grains never read ahead of their frame
     (see gran_spawn), so this does not depend on the block size. */
  for (uint32_t t = 0; t < n; ++t) {
    buf[(w0 + t) & mask] = aether_sanitize(in[t]);
  }

  float acc[AETHER_BUFFER_SIZE];
  memset(acc, 0, n * sizeof(float));

  /* Render in segments between grain starts, so that a slot reused within
     the block has finished its old grain first. */
  const bool   den_moving = aether_param_moving(args, GRAN_DENSITY);
  const double inv_rate   = 1.0 / self->rate;
  const double inc0       = (double)den[0] * inv_rate;
  uint32_t     r          = 0;
  uint32_t     s          = 0;
  for (;;) {
    while (s < n && self->acc < 1.0) {
      self->acc += den_moving ? (double)den[s] * inv_rate : inc0;
      ++s;
    }
    gran_render(self, acc, r, s);
    if (s >= n) {
      break;
    }
    self->acc -= 1.0;
    gran_spawn(self, args, s, w0);
    self->acc += den_moving ? (double)den[s] * inv_rate : inc0;
    r = s++;
  }

  aether_mix_dry_wet(out,
                     in,
                     acc,
                     args->param[GRAN_WET],
                     aether_param_moving(args, GRAN_WET),
                     n);

  self->w = w0 + n;
  self->frame += n;
}

const AetherNodeType aether_node_granular = {
  .name      = "Granular",
  .label     = "Granular",
  .comment   = "Granular processor of the live input: up to 64 overlapping "
               "windowed grains read from the last 4 seconds, transposed "
               "and scattered in pitch and time.",
  .inputs    = gran_inputs,
  .n_inputs  = GRAN_N_INPUTS,
  .outputs   = gran_outputs,
  .n_outputs = 1,
  .params    = gran_params,
  .n_params  = GRAN_N_PARAMS,
  .size      = sizeof(Granular),
  .stored    = 1U << GRAN_IN,
  .init      = gran_init,
  .cleanup   = gran_cleanup,
  .reset     = gran_reset,
  .seed      = gran_seed,
  .process   = gran_process,
};
