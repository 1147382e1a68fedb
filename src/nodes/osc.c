/* osc.c: band-limited oscillator (sine, saw, square, triangle) with pitch,
   linear through-zero FM and hard sync. */

#include "lanes.h"
#include "node_util.h"

#include <stdatomic.h>

/* Discontinuities are corrected with a table BLEP (jumps) and BLAMP (corners)
   from a Kaiser-windowed sinc, flat to 0.3 x rate, -1 dB at 0.375, -18 dB
   at Nyquist and below -60 dB from 0.58 x rate: harmonics are attenuated
   before they fold back. A saw at 4186 Hz / 44.1 kHz has 63 dB less alias
   energy than a naive one (a 2-point PolyBLEP: about 17 dB by estimate).
   The kernel is linear phase, so the output is delayed by OSC_HALF samples;
   an overshoot up to the kernel's L1 norm (1.59 x amp) is possible. */
#define OSC_HALF 8              /* kernel half-length, samples */
#define OSC_OS 64               /* table points per sample */
#define OSC_ROW (OSC_OS + 1)    /* one row spans one sample */
#define OSC_ROWS (2 * OSC_HALF) /* samples touched by one correction */
#define OSC_RING 32             /* pending output samples, > 2 * half */
#define OSC_CUTOFF 0.44         /* kernel cutoff, fraction of the rate */
#define OSC_BETA 7.0            /* Kaiser window shape */
#define OSC_MAX_INC 0.5         /* frequency limit, fraction of the rate */

enum { OSC_PITCH, OSC_FM, OSC_SYNC, OSC_N_INPUTS };
enum { OSC_WAVE, OSC_FREQ, OSC_AMP, OSC_WIDTH, OSC_FM_DEPTH, OSC_N_PARAMS };
enum { WAVE_SINE, WAVE_SAW, WAVE_SQUARE, WAVE_TRIANGLE };

/* clang-format off */
static const char* const osc_waves[] = {
  "sine", "saw", "square", "triangle", NULL
};

static const AetherPortDesc osc_inputs[] = {
  { "pitch", "Pitch", "Semitones added to the frequency: f * 2^(pitch / 12)" },
  { "fm", "FM", "Linear frequency modulation, times fm_depth Hz" },
  { "sync", "Sync", "Restarts the cycle on a rising edge through 0.5" },
};

static const AetherPortDesc osc_outputs[] = {
  { "out", "Output", "Waveform times amp, delayed by 8 samples" },
};

static const AetherParamDesc osc_params[] = {
  { "wave", "Waveform", "", 0, 3, 0, 0, AETHER_PARAM_ENUM, osc_waves,
    "Waveform: sine, saw, square or triangle." },
  { "freq", "Frequency", "Hz", 0.1f, 20000, 440, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Frequency before pitch and FM (limited to half the sample rate)." },
  { "amp", "Amplitude", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Peak level of the waveform." },
  { "width", "Pulse width", "", 0.01f, 0.99f, 0.5f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Fraction of the cycle the square wave is high." },
  { "fm_depth", "FM depth", "Hz", 0, 20000, 0, 0.02f, AETHER_PARAM_CONTINUOUS,
    NULL, "Frequency deviation in Hz per unit of the fm input." },
};
/* clang-format on */

/* Residuals (band-limited minus naive) of a unit step and a unit ramp, one
   row per sample, shared by all instances and built once in init. Stored
   by column, [point][row]: a correction interpolates two columns of 16
   floats each, in a vector. */
static float      osc_blep[OSC_ROW][OSC_ROWS];
static float      osc_blamp[OSC_ROW][OSC_ROWS];
static atomic_int osc_tables_state; /* 0: empty, 1: building, 2: ready */

typedef struct {
  double   phase;          /**< position in the cycle, [0, 1) */
  double   inv_rate;       /**< 1 / sample rate */
  double   inc;            /**< phase increment of the last sample */
  float    width;          /**< pulse width of the last sample */
  int      wave;           /**< waveform of the last sample, -1: none yet */
  float    sync_prev;      /**< last sync input sample */
  uint32_t pos;            /**< ring index of the current sample */
  float    ring[OSC_RING]; /**< naive samples plus pending corrections */
} Osc;

static double
bessel_i0(const double x)
{
  double sum  = 1.0;
  double term = 1.0;
  for (int k = 1; k < 40; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

static double
osc_kernel(const double x)
{
  const double r = x / OSC_HALF;
  if (r <= -1.0 || r >= 1.0) {
    return 0.0;
  }
  const double w =
    bessel_i0(OSC_BETA * sqrt(1.0 - r * r)) / bessel_i0(OSC_BETA);
  const double y = AETHER_PI * 2.0 * OSC_CUTOFF * x;
  return w * (y == 0.0 ? 1.0 : sin(y) / y);
}

/* Integrate the kernel once (step B) and twice (ramp) with the trapezoid rule
   on a grid 16 times finer than the table, then subtract the naive step and
   ramp. Rows use the left limit at their end and the right limit at their
   start, so the step residual's jump at 0 falls between rows. */
static void
osc_build_tables(void)
{
  enum { SUB = 16, N = OSC_ROWS * OSC_OS * SUB };
  const double h     = 1.0 / (OSC_OS * SUB);
  double       total = 0.0;
  for (int i = 0; i < N; ++i) {
    total +=
      0.5 * h *
      (osc_kernel(-OSC_HALF + i * h) + osc_kernel(-OSC_HALF + (i + 1) * h));
  }

  double step = 0.0; /* B(x) */
  double ramp = 0.0; /* integral of B */
  double prev = 0.0;
  for (int i = 0; i <= N; ++i) {
    const double x = -OSC_HALF + i * h;
    const double k = osc_kernel(x);
    if (i > 0) {
      const double b = step + 0.5 * h * (prev + k) / total;
      ramp += 0.5 * h * (step + b);
      step = b;
    }
    prev = k;
    if (i % SUB) {
      continue;
    }
    const int    t          = i / SUB; /* table point, OSC_OS per sample */
    const int    row        = t / OSC_OS;
    const int    col        = t % OSC_OS;
    const double naive_ramp = x > 0.0 ? x : 0.0;
    if (row < OSC_ROWS) {
      osc_blep[col][row]  = (float)(step - (x >= 0.0 ? 1.0 : 0.0));
      osc_blamp[col][row] = (float)(ramp - naive_ramp);
    }
    if (col == 0 && row > 0) {
      osc_blep[OSC_OS][row - 1]  = (float)(step - (x > 0.0 ? 1.0 : 0.0));
      osc_blamp[OSC_OS][row - 1] = (float)(ramp - naive_ramp);
    }
  }
}

static void
osc_reset(void* const self)
{
  Osc* const s = (Osc*)self;
  s->phase     = 0.0;
  s->inc       = 0.0;
  s->width     = 0.5f;
  s->wave      = -1;
  s->sync_prev = 0.0f;
  s->pos       = 0;
  for (uint32_t i = 0; i < OSC_RING; ++i) {
    s->ring[i] = 0.0f;
  }
}

static AetherStatus
osc_init(void* const self, const double rate)
{
  Osc* const s = (Osc*)self;
  s->inv_rate  = 1.0 / rate;

  int expected = 0;
  if (atomic_compare_exchange_strong(&osc_tables_state, &expected, 1)) {
    osc_build_tables();
    atomic_store(&osc_tables_state, 2);
  }
  while (atomic_load(&osc_tables_state) != 2) {
    /* another thread is building the tables (about a millisecond) */
  }
  osc_reset(self); /* usable even if the host skips reset */
  return AETHER_SUCCESS;
}

/* Naive waveform at phase p (p = 1 gives the left limit at the wrap). */
static inline float
osc_naive(const int wave, const double p, const float width)
{
  switch (wave) {
    case WAVE_SAW:
      return (float)(2.0 * p - 1.0);
    case WAVE_SQUARE:
      return p < width ? 1.0f : -1.0f;
    case WAVE_TRIANGLE:
      return aether_triangle_cycle(p);
    default:
      return aether_sine_cycle(p);
  }
}

/* Slope of the naive waveform per unit of phase. */
static inline double
osc_slope(const int wave, const double p)
{
  switch (wave) {
    case WAVE_SAW:
      return 2.0;
    case WAVE_SQUARE:
      return 0.0;
    case WAVE_TRIANGLE:
      return (p < 0.25 || p >= 0.75) ? 4.0 : -4.0;
    default:
      return AETHER_TWO_PI * cos(AETHER_TWO_PI * p);
  }
}

/* Where corrections go: one voice's ring, entry j at ring[j * stride] (1
   in the instance; the number of lanes when voices run side by side), and
   the position of the current sample. */
typedef struct {
  float*   ring;
  uint32_t stride;
  uint32_t pos;
} OscRing;

/* Add `amount` times a residual table for an event at fraction `tau` (0, 1]
   between the previous sample and the current one. */
static inline void
osc_correct(const OscRing* const s,
            float (*const table)[OSC_ROWS],
            const float  amount,
            const double tau)
{
  double f            = (1.0 - tau) * OSC_OS;
  f                   = f < 0.0 ? 0.0 : (f > OSC_OS - 1e-6 ? OSC_OS - 1e-6 : f);
  const int      col  = (int)f;
  const float    frac = (float)(f - col);
  const uint32_t first          = s->pos - OSC_HALF;
  const float* const restrict a = table[col];
  const float* const restrict b = table[col + 1];
  float r[OSC_ROWS];
  for (uint32_t k = 0; k < OSC_ROWS; ++k) { /* vectorizes: columns */
    r[k] = amount * (a[k] + frac * (b[k] - a[k]));
  }
  for (uint32_t k = 0; k < OSC_ROWS; ++k) {
    s->ring[((first + k) & (OSC_RING - 1)) * s->stride] += r[k];
  }
}

/* Correct for one discontinuity at phase q if the phase, moving from p by dp
   (|dp| <= 0.5) from time tau0, crosses it. `jump` and `kink` are the
   changes of value and of slope per phase unit, moving forward. */
static inline void
osc_cross_at(const OscRing* const s,
             const double         q,
             const double         p,
             const double         dp,
             const double         tau0,
             const double         inc,
             const float          jump,
             const float          kink)
{
  double at = q;
  if (dp > 0.0) {
    if (at <= p) {
      at += 1.0;
    }
    if (at > p + dp) {
      return;
    }
  } else {
    if (at > p) {
      at -= 1.0;
    }
    if (at <= p + dp) {
      return;
    }
  }
  const double tau = tau0 + (at - p) / inc;
  if (jump != 0.0f) {
    osc_correct(s, osc_blep, dp > 0.0 ? jump : -jump, tau);
  }
  if (kink != 0.0f) {
    osc_correct(s, osc_blamp, (float)(kink * fabs(inc)), tau);
  }
}

static inline void
osc_cross(const OscRing* const s,
          const int            wave,
          const float          width,
          const double         p,
          const double         dp,
          const double         tau0,
          const double         inc)
{
  if (dp == 0.0) {
    return;
  }
  switch (wave) {
    case WAVE_SAW:
      osc_cross_at(s, 0.0, p, dp, tau0, inc, -2.0f, 0.0f);
      break;
    case WAVE_SQUARE:
      osc_cross_at(s, 0.0, p, dp, tau0, inc, 2.0f, 0.0f);
      osc_cross_at(s, width, p, dp, tau0, inc, -2.0f, 0.0f);
      break;
    case WAVE_TRIANGLE:
      osc_cross_at(s, 0.25, p, dp, tau0, inc, 0.0f, -8.0f);
      osc_cross_at(s, 0.75, p, dp, tau0, inc, 0.0f, 8.0f);
      break;
    default:
      break;
  }
}

/* A change of waveform, width or frequency is a step in value or slope of
   the naive signal at the previous sample (phase p): band-limit it too, so
   PWM, audio-rate FM and switching stay within the kernel's bound. */
static inline void
osc_change(const OscRing* const s,
           const int            wave,
           const float          w,
           const double         d,
           const double         p,
           const int            old_wave,
           const float          old_width,
           const double         old_inc)
{
  if (old_wave >= 0) {
    const float jump =
      osc_naive(wave, p, w) - osc_naive(old_wave, p, old_width);
    const double kink =
      d * osc_slope(wave, p) - old_inc * osc_slope(old_wave, p);
    if (jump != 0.0f) {
      osc_correct(s, osc_blep, jump, 0.0);
    }
    if (kink != 0.0) {
      osc_correct(s, osc_blamp, (float)kink, 0.0);
    }
  }
}

static inline double
osc_wrap(double p)
{
  if (p >= 1.0) {
    p -= 1.0;
  } else if (p < 0.0) {
    p += 1.0;
  }
  return p;
}

/* Phase increments of this block: freq, times 2^(pitch/12) when pitch is
   connected, plus fm * fm_depth when fm is connected, limited to Nyquist. */
static void
osc_increments(const AetherProcessArgs* const args,
               const double                   inv_rate,
               double* const restrict inc,
               const uint32_t n)
{
  const float* const restrict freq  = args->param[OSC_FREQ];
  const float* const restrict depth = args->param[OSC_FM_DEPTH];
  const float* const restrict pitch = args->in[OSC_PITCH];
  const float* const restrict fm    = args->in[OSC_FM];
  const int has_pitch               = aether_input_connected(args, OSC_PITCH);
  const int has_fm                  = aether_input_connected(args, OSC_FM);

  for (uint32_t i = 0; i < n; ++i) {
    float f = freq[i];
    if (has_pitch) {
      f *= exp2f(pitch[i] * (1.0f / 12.0f));
    }
    if (has_fm) {
      f += fm[i] * depth[i];
    }
    double d = (double)f * inv_rate;
    d        = d < OSC_MAX_INC ? d : OSC_MAX_INC; /* also catches NaN */
    inc[i]   = d > -OSC_MAX_INC ? d : -OSC_MAX_INC;
  }
}

static void
osc_process(void* const                    self,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  Osc* const s                      = (Osc*)self;
  const float* const restrict wavep = args->param[OSC_WAVE];
  const float* const restrict amp   = args->param[OSC_AMP];
  const float* const restrict width = args->param[OSC_WIDTH];
  const float* const restrict sync  = args->in[OSC_SYNC];
  float* const restrict out         = args->out[0];
  const int wave_moving             = aether_param_moving(args, OSC_WAVE);
  const int has_sync                = aether_input_connected(args, OSC_SYNC);

  int    wave = aether_enum_index(wavep[0], WAVE_TRIANGLE);
  double inc[AETHER_BUFFER_SIZE];

  osc_increments(args, s->inv_rate, inc, n);

  double p = s->phase;
  for (uint32_t i = 0; i < n; ++i) {
    if (wave_moving) {
      wave = aether_enum_index(wavep[i], WAVE_TRIANGLE);
    }
    const float   w = width[i];
    const double  d = inc[i];
    const OscRing r = { s->ring, 1U, s->pos };

    if (wave != s->wave || w != s->width || d != s->inc) {
      osc_change(&r, wave, w, d, p, s->wave, s->width, s->inc);
      s->wave  = wave;
      s->width = w;
      s->inc   = d;
    }

    if (has_sync && s->sync_prev <= 0.5f && sync[i] > 0.5f) {
      /* Hard sync at the interpolated crossing: correct the jump in value
         and slope from where the cycle was to where it restarts. */
      const double a = (0.5 - s->sync_prev) / ((double)sync[i] - s->sync_prev);
      osc_cross(&r, wave, w, p, a * d, 0.0, d);
      const double at    = osc_wrap(p + a * d);
      const double start = d < 0.0 ? 1.0 : 0.0;
      const float  jump  = osc_naive(wave, start, w) - osc_naive(wave, at, w);
      const double kink  = d * (osc_slope(wave, start) - osc_slope(wave, at));
      osc_correct(&r, osc_blep, jump, a);
      osc_correct(&r, osc_blamp, (float)kink, a);
      osc_cross(&r, wave, w, start, (1.0 - a) * d, a, d);
      p = osc_wrap(start + (1.0 - a) * d);
    } else {
      osc_cross(&r, wave, w, p, d, 0.0, d);
      p = osc_wrap(p + d);
    }
    s->sync_prev = sync[i];

    const uint32_t now = s->pos & (OSC_RING - 1);
    const uint32_t old = (s->pos - OSC_HALF) & (OSC_RING - 1);
    s->ring[now] += osc_naive(wave, p, w);
    out[i]       = amp[i] * s->ring[old];
    s->ring[old] = 0.0f;
    ++s->pos;
  }
  s->phase = p;
}

/* The batch kernels, one register of doubles wide: 2 voices (SSE2) and 4
   (AVX2, where the CPU has it). */
#define LANES 2
#include "osc_lanes.h"
#if AETHER_LANES_AVX2
AETHER_LANES_AVX2_BEGIN
#  define LANES 4
#  include "osc_lanes.h"
AETHER_LANES_AVX2_END
#endif

static void
osc_process_voices(void* const* const                    selves,
                   const AetherProcessArgs* const* const args,
                   const uint32_t                        n_voices,
                   const uint32_t                        n,
                   const AetherSimd                      simd)
{
  aether_lanes_run(osc_process,
                   osc_lanes2,
                   2U,
                   AETHER_LANES_AVX2_KERNEL(osc_lanes4),
                   4U,
                   selves,
                   args,
                   n_voices,
                   n,
                   simd);
}

const AetherNodeType aether_node_osc = {
  .name      = "Oscillator",
  .label     = "Oscillator",
  .comment   = "Band-limited sine, saw, square and triangle oscillator with "
               "pitch, linear through-zero FM and hard sync inputs.",
  .inputs    = osc_inputs,
  .n_inputs  = OSC_N_INPUTS,
  .outputs   = osc_outputs,
  .n_outputs = 1,
  .params    = osc_params,
  .n_params  = OSC_N_PARAMS,
  .size      = sizeof(Osc),
  .init      = osc_init,
  .reset     = osc_reset,
  .process   = osc_process,
  .process_voices = osc_process_voices,
};
