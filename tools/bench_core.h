/* bench_core.h: the measuring kit of `aether bench`: its settings and
   options, timers measured interleaved, and the statistics of their
   repetitions (how every figure is measured: see bench.c). */

#ifndef AETHER_TOOLS_BENCH_CORE_H
#define AETHER_TOOLS_BENCH_CORE_H

#include "../src/engine/constants.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------------------
   Settings
   ------------------------------------------------------------------------ */

#define BLOCK AETHER_BUFFER_SIZE
#define RATE 48000.0
#define DEADLINE_NS (1e9 * BLOCK / RATE) /* 1.33 ms */
#define MAX_REPS 101U
#define HOST_FRAMES 1024U /* frames per timed call through the plugin */
#define WARM_BLOCKS 300U  /* 0.4 s: envelopes reach their sustain */

/** The sections, as `--only` numbers them (bit n: section n). */
enum {
  SEC_SCHEDULER = 1U << 1U,
  SEC_PATCHES   = 1U << 2U,
  SEC_EDITS     = 1U << 3U,
  SEC_PLUGIN    = 1U << 4U,
  SEC_NODES     = 1U << 5U,
  SEC_ALL       = 0x3EU,
};

/** The command line's settings. */
typedef struct {
  uint32_t    reps;      /**< repetitions (samples) per figure */
  double      sample_ns; /**< target duration of one sample */
  bool        quick;     /**< CI smoke run */
  bool        json;      /**< JSON instead of tables */
  bool        progress;  /**< say what runs on stderr */
  bool        cpu_time;  /**< time the thread's CPU time, not the wall */
  uint32_t    sections;  /**< SEC_* to run */
  const char* bundle;    /**< aether.lv2 directory, NULL: LV2_PATH */
  const char* patches;   /**< directory of example patches, or NULL */
} Options;

/** Say what runs, "bench: " and a line on stderr, with `o->progress`. */
void
say(const Options* o, const char* fmt, ...);

/* ------------------------------------------------------------------------
   Timing
   ------------------------------------------------------------------------ */

/** What a figure times: the work measured, `iters` times over. */
typedef void (*RunFunc)(void* ctx, uint32_t iters);

/** One figure: a function run `iters` times per sample. */
typedef struct {
  RunFunc  run;
  void*    ctx;
  uint32_t iters;        /**< per sample, calibrated */
  double   ns[MAX_REPS]; /**< per iteration, one per repetition */
} Timer;

/** Results go here: nothing is optimized away. */
extern volatile float sink;

/** The clock now_ns() reads: CLOCK_MONOTONIC by default; with --cpu-time
    the calling thread's CPU time, which leaves out the time other processes
    take the core. */
extern clockid_t bench_clock;

/** Keep the compiler from moving memory accesses across this point (so a
    loop repeating the same computation is not collapsed). */
static inline void
barrier(void)
{
#if defined(__GNUC__)
  __asm__ __volatile__("" ::: "memory");
#endif
}

/** The time of `bench_clock`, in nanoseconds. */
static inline double
now_ns(void)
{
  struct timespec ts;
  clock_gettime(bench_clock, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/** Keep the core busy for `ns` so it runs at full clock before the first
    figure (a frequency governor ramps up under load). */
void
spin(double ns);

/** Measure `n` timers interleaved: each is calibrated to samples of about
    `o->sample_ns` and warmed up, then repetition r runs each once, starting
    from a different one each time so no figure always follows another.
    Fills every timer's `ns` with `o->reps` values. */
void
measure(const Options* o, Timer* const* timers, uint32_t n);

/* ------------------------------------------------------------------------
   Statistics
   ------------------------------------------------------------------------ */

/** Median and spread of the repetitions of one figure. */
typedef struct {
  double median;
  double q1; /**< first quartile */
  double q3; /**< third quartile */
  double min;
  double max;
} Stat;

/** The statistics of `n` values (all NAN unless 1 <= n <= MAX_REPS). */
Stat
stat_of(const double* values, uint32_t n);

/** Per repetition: (a - sub * b) * scale, e.g. overhead per node (`b` may
    be NULL: 0). */
Stat
stat_combine(const double* a,
             const double* b,
             double        sub,
             double        scale,
             uint32_t      n);

/** Per repetition: a / b. */
Stat
stat_ratio(const double* a, const double* b, uint32_t n);

/** Every figure of `s` times `k`. */
Stat
stat_scale(Stat s, double k);

#endif /* AETHER_TOOLS_BENCH_CORE_H */
