/* delay.c: feedback delay line (up to 4 s) with damping; a delay-type node,
   so it may close a feedback loop in the patch. */

#include "node_util.h"

#include <stdbool.h>
#include <string.h>

enum { DELAY_IN, DELAY_TIME_CV, DELAY_N_INPUTS };
enum { DELAY_TIME, DELAY_FEEDBACK, DELAY_WET, DELAY_DAMP, DELAY_N_PARAMS };

#define DELAY_MAX_SECONDS 4.0
#define DELAY_GLIDE_SECONDS 0.01 /* time constant of delay time changes */
#define DELAY_DAMP_MAX_HZ 18000.0f
#define DELAY_DAMP_MIN_HZ 300.0f
#define DELAY_CV_HISTORY (2 * AETHER_BUFFER_SIZE) /* time_cv frames kept */

/* clang-format off */
static const AetherPortDesc delay_inputs[] = {
  { "in", "Input", "Signal to delay" },
  { "time_cv", "Time CV",
    "Seconds added to the delay time (read one block late in a feedback "
    "loop)" },
};

static const AetherPortDesc delay_outputs[] = {
  { "out", "Output",
    "in * (1 - wet) + delayed * wet; in a feedback loop, delayed * wet" },
};

static const AetherParamDesc delay_params[] = {
  { "time", "Time", "s", 0, 4, 0.25f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Delay time (at least 1 frame, 64 in a feedback loop); changes glide "
    "like tape with a 10 ms time constant." },
  { "feedback", "Feedback", "", 0, 0.99f, 0.4f, 0.02f,
    AETHER_PARAM_CONTINUOUS, NULL,
    "Part of the delayed signal fed back into the line, softly limited "
    "above full scale." },
  { "wet", "Wet", "", 0, 1, 0.5f, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Level of the delayed signal; the input is mixed in at 1 - wet." },
  { "damp", "Damping", "", 0, 1, 0, 0.02f, AETHER_PARAM_CONTINUOUS, NULL,
    "Lowpass in the feedback path: 0 is off, 1 darkens each repeat from "
    "about 300 Hz." },
};
/* clang-format on */

typedef struct {
  AetherDelayLine line;      /**< the delayed signal */
  uint32_t        w;         /**< index where the next input frame is stored */
  double          rate;      /**< sample rate */
  double          dmax;      /**< longest delay in frames */
  double          glide;     /**< one-pole coefficient of delay time changes */
  double          d;         /**< current (gliding) delay in frames */
  bool            started;   /**< `d` is valid (else it jumps to the target) */
  float           lp;        /**< damping lowpass state */
  float           damp_key;  /**< damp value `damp_coef` is for (NaN: none) */
  float           damp_coef; /**< delay_damp_coef(damp_key) */
  float           time_key;  /**< time `target` is for (NaN: none) */
  double          dmin_key;  /**< shortest delay `target` is for */
  double          target;    /**< delay_target(time_key, no CV, dmin_key) */

  float tap[AETHER_BUFFER_SIZE]; /**< delayed signal of this block */
  float dry[AETHER_BUFFER_SIZE]; /**< input of this block (normal mode) */
  float cv[DELAY_CV_HISTORY];    /**< past time_cv, at frame % size */
} Delay;

static AetherStatus
delay_init(void* const self_, const double rate)
{
  Delay* const self = (Delay*)self_;
  const double need = ceil(DELAY_MAX_SECONDS * rate) + 4.0 + AETHER_BUFFER_SIZE;
  const AetherStatus st = aether_delay_line_init(&self->line, need, 1024);
  if (st) {
    return st;
  }
  self->rate     = rate;
  self->dmax     = floor(DELAY_MAX_SECONDS * rate);
  self->glide    = 1.0 - exp(-1.0 / (DELAY_GLIDE_SECONDS * rate));
  self->damp_key = NAN;
  self->time_key = NAN;
  return AETHER_SUCCESS;
}

static void
delay_cleanup(void* const self_)
{
  aether_delay_line_free(&((Delay*)self_)->line);
}

static void
delay_reset(void* const self_)
{
  Delay* const self = (Delay*)self_;
  aether_delay_line_clear(&self->line);
  self->w       = 0;
  self->d       = 0.0;
  self->started = false;
  self->lp      = 0.0f;
  memset(self->cv, 0, sizeof(self->cv));
}

/* Damping lowpass pole for `damp` (0 exactly: no filter, bit-exact repeats). */
static inline float
delay_damp_coef(const float damp, const float rate)
{
  if (damp <= 0.0f) {
    return 0.0f;
  }
  const float hz = DELAY_DAMP_MAX_HZ *
                   expf(damp * logf(DELAY_DAMP_MIN_HZ / DELAY_DAMP_MAX_HZ));
  return expf(-(float)AETHER_TWO_PI * hz / rate);
}

/* The damping pole for a damp that holds still over the block: computed
   only when it changes (two expf and a logf per call cost as much as the
   rest of a 1-frame block, the size lv2apply runs). */
static inline float
delay_damp_held(Delay* const self, const float damp)
{
  if (damp != self->damp_key) {
    self->damp_key  = damp;
    self->damp_coef = delay_damp_coef(damp, (float)self->rate);
  }
  return self->damp_coef;
}

/* Target delay in frames for time + cv seconds, clamped to [dmin, dmax] and
   snapped to a whole frame when within the resolution of a float time (so a
   time of N / rate is exactly N frames). */
static inline double
delay_target(const Delay* const self,
             const float        time,
             const float        cv,
             const double       dmin)
{
  double d = ((double)time + (double)cv) * self->rate;
  if (!(d >= dmin)) { /* also catches NaN */
    d = dmin;
  } else if (d > self->dmax) {
    d = self->dmax;
  }
  const double r = nearbyint(d);
  return fabs(d - r) <= 1e-4 + d * 1.2e-7 ? r : d;
}

/* The target delay of a time without CV: computed only when the time or
   the shortest delay changes (its rounding costs a good part of a 1-frame
   block). */
static inline double
delay_target_held(Delay* const self, const float time, const double dmin)
{
  if (time != self->time_key || dmin != self->dmin_key) {
    self->time_key = time;
    self->dmin_key = dmin;
    self->target   = delay_target(self, time, 0.0f, dmin);
  }
  return self->target;
}

/* Read the line `d` frames before the frame at index `now`. Cubic Hermite
   interpolation, linear below `dmin + 1` frames where the newest neighbour
   of the cubic is not written yet. Whole delays are exact. */
static inline float
delay_read(const float* const restrict buf,
           const uint32_t mask,
           const uint32_t now,
           const double   d,
           const double   dmin)
{
  const uint32_t k = (uint32_t)d;
  const float    f = (float)(d - (double)k);
  const uint32_t i = now - k;
  if (d < dmin + 1.0) {
    const float p1 = buf[i & mask];
    const float p2 = buf[(i - 1U) & mask];
    return p1 + f * (p2 - p1);
  }
  return aether_delay_line_read(buf, mask, i, f);
}

/* The damping lowpass `*lp` over the delayed sample `y`, with pole `a`;
   return what goes into the line: the input plus the feedback `g` of it,
   softly limited. */
static inline float
delay_feed(const float  in,
           const float  y,
           const float  a,
           const float  g,
           float* const lp)
{
  *lp = y + a * (*lp - y);
  return aether_sanitize(in + aether_soft_limit(g * *lp));
}

/* Compute this block's delayed signal into self->tap, `cv` being the time
   CV of each frame or NULL. With `store` (normal mode, inputs valid), each
   frame is also written right after its tap is read, so delays shorter than
   the block work. */
static void
delay_run(Delay* const                   self,
          const AetherProcessArgs* const args,
          const uint32_t                 n,
          const float* const restrict cv,
          const bool store)
{
  const double dmin                = args->feedback ? AETHER_BUFFER_SIZE : 1.0;
  const float* const restrict time = args->param[DELAY_TIME];
  const bool has_cv                = cv != NULL;
  float* const restrict buf        = self->line.buf;
  const uint32_t mask              = self->line.mask;
  const uint32_t w                 = self->w;

  if (!self->started) {
    self->d       = delay_target(self, time[0], has_cv ? cv[0] : 0.0f, dmin);
    self->started = true;
  }

  /* The delay of each frame: constant when settled, else gliding. */
  double       dl[AETHER_BUFFER_SIZE];
  const bool   moving  = aether_param_moving(args, DELAY_TIME) || has_cv;
  const double target0 = delay_target_held(self, time[0], dmin);
  const bool   still   = !moving && self->d == target0;
  if (!still) {
    double d = self->d;
    for (uint32_t t = 0; t < n; ++t) {
      const double target =
        delay_target(self, time[t], has_cv ? cv[t] : 0.0f, dmin);
      d += self->glide * (target - d);
      if (fabs(target - d) < 1e-4) {
        d = target;
      }
      dl[t] = d < dmin ? dmin : d; /* when a loop just closed */
    }
    self->d = d;
  }

  float* const restrict tap = self->tap;
  if (!store) {
    for (uint32_t t = 0; t < n; ++t) {
      tap[t] = delay_read(buf, mask, w + t, still ? target0 : dl[t], dmin);
    }
    return;
  }

  const float* const restrict in   = args->in[DELAY_IN];
  const float* const restrict fb   = args->param[DELAY_FEEDBACK];
  const float* const restrict damp = args->param[DELAY_DAMP];
  const bool  fb_moving            = aether_param_moving(args, DELAY_FEEDBACK);
  const bool  damp_moving          = aether_param_moving(args, DELAY_DAMP);
  const float rate                 = (float)self->rate;
  const float a0                   = delay_damp_held(self, damp[0]);
  float       lp                   = self->lp;
  for (uint32_t t = 0; t < n; ++t) {
    const float y = delay_read(buf, mask, w + t, still ? target0 : dl[t], dmin);
    const float a = damp_moving ? delay_damp_coef(damp[t], rate) : a0;
    const float g = fb_moving ? fb[t] : fb[0];
    tap[t]        = y;
    self->dry[t]  = in[t];
    buf[(w + t) & mask] = delay_feed(in[t], y, a, g, &lp);
  }
  self->lp = aether_sanitize(lp);
  self->w  = w + n;
}

/* A call of one frame in normal mode with the delay settled (the common
   case of hosts splitting blocks at every event): delay_run()'s frame
   without its per-block setup. Return false, having done nothing, when
   the delay glides or follows a CV. */
static bool
delay_run_frame(Delay* const self, const AetherProcessArgs* const args)
{
  const double dmin = 1.0;
  if (!self->started || aether_param_moving(args, DELAY_TIME) ||
      self->d != delay_target_held(self, args->param[DELAY_TIME][0], dmin)) {
    return false;
  }
  float* const restrict buf = self->line.buf;
  const uint32_t mask       = self->line.mask;
  const uint32_t w          = self->w;
  const double   d          = self->d;
  const uint32_t k          = (uint32_t)d;

  /* A whole delay reads its sample as it is: what delay_read() returns
     then (the line holds no -0, infinity or NaN: all is sanitized). */
  const float y =
    d == (double)k ? buf[(w - k) & mask] : delay_read(buf, mask, w, d, dmin);
  const float in = args->in[DELAY_IN][0];
  const float a  = delay_damp_held(self, args->param[DELAY_DAMP][0]);
  const float g  = args->param[DELAY_FEEDBACK][0];
  float       lp = self->lp;
  self->tap[0]   = y;
  self->dry[0]   = in;
  buf[w & mask]  = delay_feed(in, y, a, g, &lp);
  self->lp       = aether_sanitize(lp);
  self->w        = w + 1U;
  return true;
}

/* Store a block of input after process() computed its taps (feedback mode). */
static void
delay_store(Delay* const                   self,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  const float* const restrict in   = args->in[DELAY_IN];
  const float* const restrict fb   = args->param[DELAY_FEEDBACK];
  const float* const restrict damp = args->param[DELAY_DAMP];
  const float* const restrict tap  = self->tap;
  float* const restrict buf        = self->line.buf;
  const uint32_t mask              = self->line.mask;
  const uint32_t w                 = self->w;
  const bool     fb_moving         = aether_param_moving(args, DELAY_FEEDBACK);
  const bool     damp_moving       = aether_param_moving(args, DELAY_DAMP);
  const float    rate              = (float)self->rate;
  const float    a0                = delay_damp_held(self, damp[0]);
  float          lp                = self->lp;
  for (uint32_t t = 0; t < n; ++t) {
    const float a       = damp_moving ? delay_damp_coef(damp[t], rate) : a0;
    const float g       = fb_moving ? fb[t] : fb[0];
    buf[(w + t) & mask] = delay_feed(in[t], tap[t], a, g, &lp);
  }
  self->lp = aether_sanitize(lp);
  self->w  = w + n;
}

static void
delay_write(void* const                    self_,
            const AetherProcessArgs* const args,
            const uint32_t                 n)
{
  Delay* const self   = (Delay*)self_;
  const bool   has_cv = aether_input_connected(args, DELAY_TIME_CV);
  if (has_cv) { /* kept for process() in a feedback loop */
    const float* const restrict cv = args->in[DELAY_TIME_CV];
    for (uint32_t t = 0; t < n; ++t) {
      self->cv[(self->w + t) % DELAY_CV_HISTORY] = cv[t];
    }
  }
  if (args->feedback) {
    delay_store(self, args, n);
  } else if (n != 1U || has_cv || !delay_run_frame(self, args)) {
    delay_run(self, args, n, has_cv ? args->in[DELAY_TIME_CV] : NULL, true);
  }
}

/* In a feedback loop the input of this block is not computed yet: the taps
   are read here (the delay is at least one block) and the output has no dry
   part. Otherwise write() has already computed taps and kept the input. */
static void
delay_process(void* const                    self_,
              const AetherProcessArgs* const args,
              const uint32_t                 n)
{
  Delay* const self               = (Delay*)self_;
  const float* const restrict wet = args->param[DELAY_WET];
  const float* const restrict tap = self->tap;
  float* const restrict out       = args->out[0];
  const bool wet_moving           = aether_param_moving(args, DELAY_WET);

  if (args->feedback) {
    /* This block's time CV is not computed yet either: use the CV of one
       block earlier (a fixed lag of 64 frames, whatever the block sizes). */
    if (aether_input_connected(args, DELAY_TIME_CV)) {
      float cv[AETHER_BUFFER_SIZE];
      for (uint32_t t = 0; t < AETHER_BUFFER_SIZE; ++t) { /* all: no n == 0 */
        cv[t] = self->cv[(self->w + t - AETHER_BUFFER_SIZE) % DELAY_CV_HISTORY];
      }
      delay_run(self, args, n, cv, false);
    } else {
      delay_run(self, args, n, NULL, false);
    }
    for (uint32_t t = 0; t < n; ++t) {
      out[t] = (wet_moving ? wet[t] : wet[0]) * tap[t];
    }
    return;
  }

  aether_mix_dry_wet(out, self->dry, tap, wet, wet_moving, n);
}

const AetherNodeType aether_node_delay = {
  .name      = "Delay",
  .label     = "Delay",
  .comment   = "Feedback delay up to 4 s with a damping lowpass in the loop "
               "and tape-like glides of the delay time. It can close a "
               "feedback loop in the patch (then it delays at least 64 "
               "frames and outputs only the delayed signal times wet).",
  .inputs    = delay_inputs,
  .n_inputs  = DELAY_N_INPUTS,
  .outputs   = delay_outputs,
  .n_outputs = 1,
  .params    = delay_params,
  .n_params  = DELAY_N_PARAMS,
  .size      = sizeof(Delay),
  .flags     = AETHER_NODE_DELAY,
  .stored    = 1U << DELAY_IN,
  .init      = delay_init,
  .cleanup   = delay_cleanup,
  .reset     = delay_reset,
  .process   = delay_process,
  .write     = delay_write,
};
