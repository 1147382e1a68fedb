/* aether-soak: run the effect for minutes under random edits and parameter
   automation, in real time, as a host would, and report what a listener
   and a host would notice:

   - glitches: a sample step above the declick bound. The input is a
     220 Hz sine and the edits use linear nodes only (gains, filters,
     delays, mixers) around the default effect, so the output is a sum of
     slowly changing sines whose steps stay below peak * 2 pi f / rate (f up
     to 2 kHz, room for Doppler and filter transients) plus the declick's
     peak / 64 per sample; a step above that is a click. The first half
     second (the tone's onset) does not count;
   - xruns: run() taking longer than the block's duration (the deadline);
   - memory growth: the heap in use (allocated, not freed) and the
     resident set size at the start, every report and the end (the RSS
     also grows while malloc's arenas warm up);
   - non-finite output.

   Not a test (the numbers depend on the machine): a tool for long runs.

   Usage: aether-soak [-t SECONDS] [-b BLOCK] [-e EDITS_PER_SECOND]
                      [-s SEED] [-f] [-q] [-v]
     -t  how long (300 s), -b  host block in frames (256),
     -e  edits per second (20), -s  random seed (1),
     -f  fast: do not wait for the deadline (a stress run),
     -q  quiet: only the summary, -v  every edit, answer and glitch.
   LV2_PATH must find aether.lv2 (e.g. LV2_PATH=build/lv2:/usr/lib/lv2).
   Exit status 1 on non-finite output or heap growth above 8 MiB;
   glitches and xruns are reported. */

#include "relutil.h"

#include <lv2/atom/forge.h>

#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RATE 48000.0
#define TONE_HZ 220.0
#define MAX_HZ 2000.0
#define WINDOW 480U /* frames of the running peak (10 ms) */
#define MAX_GROWTH (8.0 * 1024.0 * 1024.0)
#define WARM_UP 24000U /* frames before glitches count: the tone's onset */

typedef struct {
  double   seconds;
  uint32_t block;
  double   edit_rate;
  uint32_t seed;
  bool     fast;
  bool     quiet;
  bool     verbose;
} Options;

typedef struct {
  RHost*        host;
  Options       opt;
  atomic_bool   stop;
  atomic_ullong frames;
  /* audio thread only, read after it stopped */
  uint64_t cycles;
  uint64_t xruns;
  uint64_t glitches;
  uint64_t non_finite;
  double   first_glitch; /* seconds */
  double   worst_ratio;  /* largest step / bound */
  double   peak;
  double   run_sum;
  double   run_max;
  uint64_t run_hist[64]; /* run() times in 1/16 of the deadline */
} Soak;

static double
now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double
rss_bytes(void)
{
  long  pages = 0;
  long  rss   = 0;
  FILE* f     = fopen("/proc/self/statm", "r");
  if (!f) {
    return 0.0;
  }
  if (fscanf(f, "%ld %ld", &pages, &rss) != 2) {
    rss = 0;
  }
  fclose(f);
  return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

/* Bytes the process has allocated and not freed (glibc). */
static double
heap_bytes(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  return (double)m.uordblks + (double)m.hblkhd;
#else
  return 0.0;
#endif
}

/* The audio thread: paced by the clock unless fast. */
static void*
audio_main(void* const arg)
{
  Soak* const    s     = (Soak*)arg;
  const uint32_t n     = s->opt.block;
  const double   dl    = (double)n / RATE;
  float* const   in    = (float*)calloc(n, sizeof(float));
  float* const   out_l = (float*)calloc(n, sizeof(float));
  float* const   out_r = (float*)calloc(n, sizeof(float));
  float          window[WINDOW];
  uint32_t       w_pos = 0;
  float          last  = 0.0f;
  uint32_t       seed  = s->opt.seed * 7919U + 1U;
  float          macro[8];
  memset(window, 0, sizeof(window));
  for (uint32_t m = 0; m < 8; ++m) {
    macro[m] = 0.5f;
  }

  const float* const in2[2]  = { in, in };
  float* const       out2[2] = { out_l, out_r };
  struct timespec    next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  uint64_t frame = 0;
  while (!atomic_load(&s->stop)) {
    for (uint32_t i = 0; i < n; ++i) {
      in[i] =
        (float)(0.5 * sin(2.0 * M_PI * TONE_HZ * (double)(frame + i) / RATE));
    }
    /* Automation: every macro walks slowly. */
    for (uint32_t m = 0; m < 8; ++m) {
      char symbol[16];
      macro[m] += rel_rand_float(&seed, -0.01f, 0.01f);
      macro[m] = macro[m] < 0.0f ? 0.0f : macro[m] > 1.0f ? 1.0f : macro[m];
      snprintf(symbol, sizeof(symbol), "macro%u", m + 1U);
      rhost_control(s->host, symbol, macro[m]);
    }

    const double t0 = now();
    rhost_cycle(s->host, in2, out2, n);
    const double took = now() - t0;
    s->run_sum += took;
    s->run_max = took > s->run_max ? took : s->run_max;
    s->xruns += took > dl;
    const uint32_t bin = (uint32_t)(16.0 * took / dl);
    ++s->run_hist[bin < 63U ? bin : 63U];

    for (uint32_t i = 0; i < n; ++i) {
      const float y = out_l[i];
      if (!isfinite(y) || !isfinite(out_r[i])) {
        ++s->non_finite;
        continue;
      }
      window[w_pos] = fabsf(y);
      w_pos         = (w_pos + 1U) % WINDOW;
      float peak    = 0.0f;
      for (uint32_t k = 0; k < WINDOW; ++k) {
        peak = window[k] > peak ? window[k] : peak;
      }
      const double bound = (double)peak * (2.0 * M_PI * MAX_HZ / RATE) +
                           (double)peak / 64.0 + 1e-4;
      const double step = fabs((double)y - (double)last);
      if (step > bound && frame + i >= WARM_UP) {
        if (!s->glitches) {
          s->first_glitch = (double)(frame + i) / RATE;
        }
        if (s->opt.verbose) {
          fprintf(stderr,
                  "%.4f s: glitch: step %.4f, bound %.4f (peak %.4f)\n",
                  (double)(frame + i) / RATE,
                  step,
                  bound,
                  (double)peak);
        }
        ++s->glitches;
      }
      if (frame + i >= WARM_UP && step / bound > s->worst_ratio) {
        s->worst_ratio = step / bound;
      }
      s->peak = fabs(y) > s->peak ? fabs(y) : s->peak;
      last    = y;
    }
    frame += n;
    ++s->cycles;
    atomic_store(&s->frames, frame);

    if (!s->opt.fast) {
      next.tv_nsec += (long)(dl * 1e9);
      while (next.tv_nsec >= 1000000000L) {
        next.tv_nsec -= 1000000000L;
        ++next.tv_sec;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
  }
  free(in);
  free(out_l);
  free(out_r);
  return NULL;
}

/* Edits: linear nodes s0 .. s5 put into and taken out of the chain,
   parameters moved, connections changed. */
static const char* const soak_types[] = { "Gain", "Filter", "Delay", "Mixer" };

static const LV2_Atom*
soak_edit(RHostMsg* const msg, uint32_t* const seed)
{
  char           name[16];
  char           from[64];
  const uint32_t k = rel_rand_below(seed, 6);
  snprintf(name, sizeof(name), "s%u", k);
  static const char* const sources[] = { "in.left", "in.right", "tone_l",
                                         "tone_r",  "s0",       "s1",
                                         "s2",      "s3" };
  snprintf(
    from, sizeof(from), "urn:aether:node:%s", sources[rel_rand_below(seed, 8)]);
  const uint32_t dice = rel_rand_below(seed, 100);

  if (dice < 30) {
    const char* const type = soak_types[k % 4U];
    rhost_msg_put_begin(msg, name, type);
    if (!strcmp(type, "Gain")) {
      lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, "urn:aether:gain"));
      lv2_atom_forge_float(&msg->forge, rel_rand_float(seed, 0.2f, 1.2f));
    } else if (!strcmp(type, "Filter")) {
      lv2_atom_forge_key(&msg->forge,
                         rhost_map(msg->host, "urn:aether:cutoff"));
      lv2_atom_forge_float(&msg->forge, rel_rand_float(seed, 300.0f, 8000.0f));
    } else if (!strcmp(type, "Delay")) {
      lv2_atom_forge_key(&msg->forge,
                         rhost_map(msg->host, "urn:aether:feedback"));
      lv2_atom_forge_float(&msg->forge, rel_rand_float(seed, 0.0f, 0.6f));
    }
    lv2_atom_forge_key(
      &msg->forge,
      rhost_map(msg->host,
                strcmp(type, "Mixer") ? "urn:aether:in" : "urn:aether:in1"));
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, from));
    return rhost_msg_put_end(msg);
  }
  if (dice < 40) {
    return rhost_msg_delete(msg, name);
  }
  if (dice < 60) {
    /* Route the output (or the reverb) through a node, or back. */
    static const char* const sinks[][2] = { { "out", "left" },
                                            { "out", "right" },
                                            { "space", "left" },
                                            { "space", "right" } };
    const uint32_t           j          = rel_rand_below(seed, 4);
    char                     subject[64];
    char                     property[64];
    snprintf(subject, sizeof(subject), "urn:aether:node:%s", sinks[j][0]);
    snprintf(property, sizeof(property), "urn:aether:%s", sinks[j][1]);
    rhost_msg_set_begin(msg, subject, property);
    if (rel_rand_below(seed, 2)) {
      snprintf(from, sizeof(from), "urn:aether:node:%s", name);
    } else if (j < 2) {
      snprintf(
        from, sizeof(from), "urn:aether:node:space.%s", j ? "right" : "left");
    } else {
      snprintf(
        from, sizeof(from), "urn:aether:node:echo_%s", j % 2 ? "r" : "l");
    }
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, from));
    return rhost_msg_end(msg);
  }
  /* A parameter of the default chain or of a soak node. */
  static const struct {
    const char* node;
    const char* param;
    float       lo;
    float       hi;
  } params[] = {
    { "tone_l", "cutoff", 400.0f, 18000.0f },
    { "tone_r", "cutoff", 400.0f, 18000.0f },
    { "echo_l", "feedback", 0.0f, 0.8f },
    { "echo_r", "wet", 0.0f, 0.8f },
    { "space", "wet", 0.0f, 0.6f },
    { "s0", "gain", 0.2f, 1.2f },
    { "s1", "cutoff", 300.0f, 8000.0f },
    { "s2", "feedback", 0.0f, 0.6f },
  };
  const uint32_t p = rel_rand_below(seed, 8);
  return rhost_msg_set_param(msg,
                             params[p].node,
                             params[p].param,
                             rel_rand_float(seed, params[p].lo, params[p].hi));
}

static void
usage(void)
{
  fprintf(stderr,
          "usage: aether-soak [-t SECONDS] [-b BLOCK] [-e EDITS_PER_SECOND] "
          "[-s SEED] [-f] [-q] [-v]\n");
}

int
main(int argc, char** argv)
{
  Options opt = { 300.0, 256U, 20.0, 1U, false, false, false };
  int     c   = 0;
  while ((c = getopt(argc, argv, "t:b:e:s:fqvh")) != -1) {
    switch (c) {
      case 't':
        opt.seconds = atof(optarg);
        break;
      case 'b':
        opt.block = (uint32_t)atoi(optarg);
        break;
      case 'e':
        opt.edit_rate = atof(optarg);
        break;
      case 's':
        opt.seed = (uint32_t)atoi(optarg);
        break;
      case 'f':
        opt.fast = true;
        break;
      case 'q':
        opt.quiet = true;
        break;
      case 'v':
        opt.verbose = true;
        break;
      default:
        usage();
        return 2;
    }
  }
  if (opt.seconds <= 0.0 || !opt.block || opt.block > RHOST_MAX_BLOCK ||
      opt.edit_rate <= 0.0) {
    usage();
    return 2;
  }

  const RHostOptions options = { .uri             = REL_FX,
                                 .rate            = RATE,
                                 .threaded_worker = true };
  static Soak        s;
  s.opt  = opt;
  s.host = rhost_new(&options);
  if (!s.host) {
    fprintf(stderr, "aether-soak: cannot load %s (set LV2_PATH)\n", REL_FX);
    return 2;
  }

  const double rss_start  = rss_bytes();
  const double heap_start = heap_bytes();
  double       rss_peak   = rss_start;
  pthread_t    thread;
  if (pthread_create(&thread, NULL, audio_main, &s)) {
    return 2;
  }

  RHostMsg msg;
  uint8_t  buf[4096];
  RelLog   log = { 0 };
  rhost_msg_init(s.host, &msg, buf, sizeof(buf));
  uint32_t     seed     = opt.seed ? opt.seed : 1U;
  uint64_t     edits    = 0;
  const double start    = now();
  double       report   = start + 10.0;
  const double interval = 1.0 / opt.edit_rate;
  double       next     = start;

  while (now() - start < opt.seconds) {
    if (now() >= next) {
      const LV2_Atom* const edit = soak_edit(&msg, &seed);
      if (opt.verbose) {
        fprintf(stderr, "%.4f s: ", (double)atomic_load(&s.frames) / RATE);
        rel_print_atom(s.host, edit, stderr);
      }
      if (rhost_post(s.host, 0, edit)) {
        ++edits;
      }
      next += interval;
    }
    RHostReply reply;
    while (rhost_next_reply(s.host, &reply)) {
      if (opt.verbose && reply.kind == RHOST_STATUS) {
        fprintf(stderr,
                "%.4f s: %s\n",
                (double)atomic_load(&s.frames) / RATE,
                reply.text);
      }
      if (reply.kind == RHOST_STATUS) {
        ++log.n_status;
        log.n_errors += !strncmp(reply.text, "error: ", 7);
        log.n_warnings += !strncmp(reply.text, "warning: ", 9);
      }
      log.n_acks += reply.kind == RHOST_ACK;
    }
    if (now() >= report) {
      const double rss = rss_bytes();
      rss_peak         = rss > rss_peak ? rss : rss_peak;
      if (!opt.quiet) {
        printf("%6.0f s: %llu edits, %u refused, RSS %.1f MiB, heap in use "
               "%.2f MiB\n",
               now() - start,
               (unsigned long long)edits,
               log.n_errors,
               rss / 1048576.0,
               heap_bytes() / 1048576.0);
        fflush(stdout);
      }
      report += 10.0;
    }
    const struct timespec nap = { 0, 2000000L };
    nanosleep(&nap, NULL);
  }

  atomic_store(&s.stop, true);
  pthread_join(thread, NULL);
  const double rss_end  = rss_bytes();
  const double heap_end = heap_bytes();
  rss_peak              = rss_end > rss_peak ? rss_end : rss_peak;

  /* The 99th percentile of run() times, from the histogram. */
  uint64_t seen = 0;
  uint32_t p99  = 0;
  while (p99 < 63U && (seen += s.run_hist[p99]) < s.cycles * 99U / 100U) {
    ++p99;
  }
  const double deadline_ms = 1000.0 * (double)opt.block / RATE;

  printf("aether-soak: %.0f s, %llu cycles of %u frames, %llu edits "
         "(%u refused, %u acknowledged parameter sets)\n",
         now() - start,
         (unsigned long long)s.cycles,
         opt.block,
         (unsigned long long)edits,
         log.n_errors,
         log.n_acks);
  printf("  glitches: %llu (steps above the declick bound; largest step "
         "%.2f of the bound)",
         (unsigned long long)s.glitches,
         s.worst_ratio);
  if (s.glitches) {
    printf(", the first at %.3f s", s.first_glitch);
  }
  printf("\n  xruns: %llu (run() over the %.2f ms deadline); run(): mean "
         "%.3f ms, p99 < %.2f ms, max %.3f ms\n",
         (unsigned long long)s.xruns,
         deadline_ms,
         s.cycles ? 1000.0 * s.run_sum / (double)s.cycles : 0.0,
         deadline_ms * (double)(p99 + 1U) / 16.0,
         1000.0 * s.run_max);
  printf("  memory: RSS %.1f MiB at the start, %.1f MiB at the end (%+.2f "
         "MiB), peak %.1f MiB; heap in use %.2f MiB, then %.2f MiB\n",
         rss_start / 1048576.0,
         rss_end / 1048576.0,
         (rss_end - rss_start) / 1048576.0,
         rss_peak / 1048576.0,
         heap_start / 1048576.0,
         heap_end / 1048576.0);
  printf("  output: %s, peak %.3f; %u blow-up warnings; %u replies lost\n",
         s.non_finite ? "NOT FINITE" : "finite",
         s.peak,
         log.n_warnings,
         rhost_replies_lost(s.host));

  const bool ok = !s.non_finite && heap_end - heap_start < MAX_GROWTH;
  rhost_free(s.host);
  rhost_world_free();
  return ok ? 0 : 1;
}
