/* Aether reliability: threads for real. An audio thread calls run() over
   and over (host blocks of 1 to 256 frames, macros automated, bypass
   toggled), the host's worker runs on its own thread, and this (control)
   thread sends random edits in bursts through the control port, restores
   and saves the state while audio runs (threadSafeRestore). The same
   messages go, one per cycle, to a second instance whose worker runs
   between cycles: both must answer every burst alike and end with the same
   patch, saved text for saved text. Meanwhile the audio thread checks that
   nothing non-finite comes out and, when the real-time trap is preloaded,
   that run(), connect_port() and work_response() never allocate, lock or
   wait.

   Usage: test_rel_threads [EDITS] (default 10000). Run under
   ThreadSanitizer and valgrind by scripts/ci-extra.sh. Environment:
   AETHER_REL_AUDIO_PAUSE_US pauses the audio thread between cycles (for
   valgrind, which runs one thread at a time), AETHER_REL_CHECK_EVERY
   compares the saved states every N bursts (64), AETHER_REL_TRACE prints
   every burst. */

#include "measure.h"
#include "relutil.h"
#include "rtcheck.h"

#include "registry.h"

#include <lv2/atom/forge.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BURST 8U
#define SETTLE_FRAMES 512U /* any declick swap (2 x 64 frames) is over */
#define SETTLE_CYCLES 4U   /* reference cycles of 64 frames after a message */
#define WAIT_SECONDS 120.0

static RtCheck rt;
static bool    have_rt;

/* The audio thread */

typedef struct {
  RHost*          host;
  atomic_bool     stop;
  atomic_ullong   frames;
  struct timespec pause; /**< between cycles (AETHER_REL_AUDIO_PAUSE_US) */
  uint64_t        non_finite;
  double          peak;
} Audio;

static void*
audio_main(void* const arg)
{
  Audio* const a = (Audio*)arg;
  static float input[2][RHOST_MAX_BLOCK];
  static float output[2][RHOST_MAX_BLOCK];
  rel_input(input[0], input[1], 256, 5U);

  const float* const in2[2]  = { input[0], input[1] };
  float* const       out2[2] = { output[0], output[1] };
  uint32_t           seed    = 99U;
  float              macro   = 0.5f;
  for (uint64_t c = 0; !atomic_load(&a->stop); ++c) {
    /* Automation: a random walk on one macro, a bypass now and then. */
    char symbol[16];
    macro += rel_rand_float(&seed, -0.05f, 0.05f);
    macro = macro < 0.0f ? 0.0f : macro > 1.0f ? 1.0f : macro;
    snprintf(symbol, sizeof(symbol), "macro%u", 1U + (uint32_t)(c % 8U));
    rhost_control(a->host, symbol, macro);
    rhost_control(a->host, "enabled", (c / 500U) % 7U == 6U ? 0.0f : 1.0f);

    const uint32_t n = 1U + rel_rand_below(&seed, 256);
    rhost_cycle(a->host, in2, out2, n);
    for (uint32_t ch = 0; ch < 2; ++ch) {
      if (!measure_all_finite(output[ch], n)) {
        ++a->non_finite;
      }
      const double p = measure_peak(output[ch], n);
      a->peak        = p > a->peak ? p : a->peak;
    }
    atomic_fetch_add(&a->frames, n);
    if (a->pause.tv_nsec) {
      nanosleep(&a->pause, NULL); /* outside run(): slow tools need it */
    } else {
      sched_yield(); /* unpaced, but let the worker and control run */
    }
  }
  return NULL;
}

/* Bursts */

typedef struct {
  RHostMsg msg;
  uint8_t  buf[4096];
} Msg;

typedef struct {
  uint8_t  bytes[MAX_BURST + 1U][1024];
  uint32_t sizes[MAX_BURST + 1U];
  uint32_t n;
  uint32_t n_answered; /**< messages that get one reply (not MIDI) */
} Burst;

static void
burst_add(Burst* const b, const LV2_Atom* const atom, const bool answered)
{
  const uint32_t size = lv2_atom_total_size(atom);
  if (b->n <= MAX_BURST && size <= sizeof(b->bytes[0])) {
    memcpy(b->bytes[b->n], atom, size);
    b->sizes[b->n++] = size;
    b->n_answered += answered;
  }
}

/* Every name has a usual type; a Put now and then gives it another one
   (replacing the node whole). */
static const char* const names[][2] = {
  { "in", "AudioIn" },   { "tone_l", "Filter" }, { "tone_r", "Filter" },
  { "echo_l", "Delay" }, { "echo_r", "Delay" },  { "space", "Reverb" },
  { "out", "AudioOut" }, { "r0", "Gain" },       { "r1", "Filter" },
  { "r2", "Delay" },     { "r3", "Mixer" },      { "r4", "Waveshaper" },
  { "r5", "Lfo" },       { "r6", "Chorus" },     { "r7", "Compressor" },
};

#define N_ALL (sizeof(names) / sizeof(names[0]))
#define FIRST_NEW 7U

static uint32_t
any_name(uint32_t* const seed, char* const name, const size_t size)
{
  const uint32_t i = rel_rand_below(seed, N_ALL);
  snprintf(name, size, "%s", names[i][0]);
  return i;
}

static const AetherNodeType*
any_type(uint32_t* const seed)
{
  return aether_registry_get(rel_rand_below(seed, aether_registry_count()));
}

/* The type of name `i`, or now and then a random one (a wrong parameter). */
static const AetherNodeType*
type_of(uint32_t* const seed, const uint32_t i)
{
  return rel_rand_below(seed, 10) ? aether_registry_find(names[i][1])
                                  : any_type(seed);
}

static float
any_value(uint32_t* const seed, const AetherParamDesc* const p)
{
  if (!rel_rand_below(seed, 20)) {
    return p->max * 2.0f + 1.0f; /* out of range: refused */
  }
  return p->kind == AETHER_PARAM_CONTINUOUS
           ? rel_rand_float(seed, p->min, p->max)
           : (float)(int)rel_rand_float(seed, p->min, p->max + 0.99f);
}

/* One structural edit (Put, Delete or a connection) on `subject`. */
static void
structural(Burst* const    b,
           Msg* const      m,
           uint32_t* const seed,
           char* const     subject)
{
  RHostMsg* const msg  = &m->msg;
  const uint32_t  dice = rel_rand_below(seed, 10);
  char            from[32];
  any_name(seed, from, sizeof(from));

  if (dice < 5) {
    const uint32_t k = FIRST_NEW + rel_rand_below(seed, N_ALL - FIRST_NEW);
    snprintf(subject, 32, "%s", names[k][0]);
    const AetherNodeType* const type = rel_rand_below(seed, 5)
                                         ? aether_registry_find(names[k][1])
                                         : any_type(seed);
    rhost_msg_put_begin(msg, subject, type->name);
    for (uint32_t i = 0; i < type->n_params; ++i) {
      if (!rel_rand_below(seed, 3)) {
        char key[96];
        snprintf(key, sizeof(key), "urn:aether:%s", type->params[i].name);
        lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, key));
        lv2_atom_forge_float(&msg->forge, any_value(seed, &type->params[i]));
      }
    }
    if (type->n_inputs) {
      char key[96];
      char value[96];
      snprintf(key,
               sizeof(key),
               "urn:aether:%s",
               type->inputs[rel_rand_below(seed, type->n_inputs)].name);
      snprintf(value, sizeof(value), "urn:aether:node:%s", from);
      lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, key));
      lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, value));
    }
    burst_add(b, rhost_msg_put_end(msg), true);
  } else if (dice < 7) {
    const uint32_t k = FIRST_NEW + rel_rand_below(seed, N_ALL - FIRST_NEW);
    snprintf(subject, 32, "%s", names[k][0]);
    burst_add(b, rhost_msg_delete(msg, subject), true);
  } else {
    /* An input of the output, the reverb or a new node: may close a loop
       (refused), may put new nodes on the output's path. */
    static const char* const inputs[3][2] = { { "out", "left" },
                                              { "space", "right" },
                                              { NULL, "in" } };
    const uint32_t           k            = rel_rand_below(seed, 3);
    if (inputs[k][0]) {
      snprintf(subject, 32, "%s", inputs[k][0]);
    } else {
      snprintf(subject,
               32,
               "%s",
               names[FIRST_NEW + rel_rand_below(seed, N_ALL - FIRST_NEW)][0]);
    }
    char node[96];
    char property[96];
    char value[96];
    snprintf(node, sizeof(node), "urn:aether:node:%s", subject);
    snprintf(property, sizeof(property), "urn:aether:%s", inputs[k][1]);
    snprintf(value, sizeof(value), "urn:aether:node:%s", from);
    rhost_msg_set_begin(msg, node, property);
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, value));
    burst_add(b, rhost_msg_end(msg), true);
  }
}

/* A burst: at most one structural edit, then parameter sets and MIDI on
   other nodes, so that any order of carrying them out gives one result. */
static void
make_burst(Burst* const b, Msg* const m, uint32_t* const seed)
{
  b->n             = 0;
  b->n_answered    = 0;
  char subject[32] = "";
  if (rel_rand_below(seed, 10) < 8) {
    structural(b, m, seed, subject);
  }
  const uint32_t n_params = rel_rand_below(seed, MAX_BURST - 1U);
  for (uint32_t i = 0; i < n_params; ++i) {
    char           name[32];
    const uint32_t k = any_name(seed, name, sizeof(name));
    if (!strcmp(name, subject)) {
      continue;
    }
    if (!rel_rand_below(seed, 8)) {
      const uint8_t note[3] = { (uint8_t)(0x80U + 0x10U * (i % 2U)),
                                (uint8_t)(40U + rel_rand_below(seed, 40)),
                                90 };
      burst_add(b, rhost_msg_midi(&m->msg, note, 3), false);
      continue;
    }
    const AetherNodeType* const type = type_of(seed, k);
    if (type && type->n_params) {
      const AetherParamDesc* const p =
        &type->params[rel_rand_below(seed, type->n_params)];
      burst_add(b,
                rhost_msg_set_param(&m->msg, name, p->name, any_value(seed, p)),
                true);
    }
  }
}

/* Replies of one burst: answers counted, error texts sorted. */
typedef struct {
  uint32_t answers;
  uint32_t changed;
  uint32_t n_errors;
  char     errors[MAX_BURST + 2U][RHOST_TEXT];
} Answers;

static void
take_replies(RHost* const host, Answers* const a)
{
  RHostReply reply;
  while (rhost_next_reply(host, &reply)) {
    /* A blow-up warning answers no message: it depends on what the patch
       hears (the reference hears silence; random patches can run away). */
    if (reply.kind == RHOST_STATUS && !strncmp(reply.text, "warning: ", 9)) {
      continue;
    }
    if (reply.kind == RHOST_ACK || reply.kind == RHOST_STATUS) {
      ++a->answers;
    }
    a->changed += reply.kind == RHOST_STATE_CHANGED;
    if (reply.kind == RHOST_STATUS && strcmp(reply.text, "ok") &&
        a->n_errors < MAX_BURST + 2U) {
      memcpy(a->errors[a->n_errors++], reply.text, RHOST_TEXT);
    }
  }
}

static int
compare_texts(const void* const x, const void* const y)
{
  return strcmp((const char*)x, (const char*)y);
}

static double
now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static Audio audio;

/* Wait for `n` answers, then for the audio thread to finish any swap. */
static bool
wait_answers(RHost* const host, Answers* const a, const uint32_t n)
{
  const double deadline = now() + WAIT_SECONDS;
  while (a->answers < n && now() < deadline) {
    take_replies(host, a);
    sched_yield();
  }
  const uint64_t settled = atomic_load(&audio.frames) + SETTLE_FRAMES;
  while (atomic_load(&audio.frames) < settled && now() < deadline) {
    sched_yield();
  }
  take_replies(host, a);
  return a->answers == n;
}

/* The reference: one message per cycle, the worker between cycles. */
static void
reference_burst(RHost* const host, const Burst* const b, Answers* const a)
{
  for (uint32_t i = 0; i < b->n; ++i) {
    rhost_post_bytes(host, 0, b->bytes[i], b->sizes[i]);
    for (uint32_t c = 0; c < SETTLE_CYCLES; ++c) {
      rhost_cycle(host, NULL, NULL, 64);
    }
  }
  take_replies(host, a);
}

static bool
same_answers(Answers* const x, Answers* const y, const uint32_t burst)
{
  qsort(x->errors, x->n_errors, RHOST_TEXT, compare_texts);
  qsort(y->errors, y->n_errors, RHOST_TEXT, compare_texts);
  bool same = x->answers == y->answers && x->changed == y->changed &&
              x->n_errors == y->n_errors;
  for (uint32_t i = 0; same && i < x->n_errors; ++i) {
    same = !strcmp(x->errors[i], y->errors[i]);
  }
  if (!same) {
    fprintf(stderr,
            "burst %u: %u answers, %u changes, %u errors; reference %u, %u, "
            "%u\n",
            burst,
            x->answers,
            x->changed,
            x->n_errors,
            y->answers,
            y->changed,
            y->n_errors);
    for (uint32_t i = 0; i < x->n_errors; ++i) {
      fprintf(stderr, "  threads:   %s\n", x->errors[i]);
    }
    for (uint32_t i = 0; i < y->n_errors; ++i) {
      fprintf(stderr, "  reference: %s\n", y->errors[i]);
    }
  }
  return same;
}

static bool
same_state(RHost* const threaded, RHost* const reference, const uint32_t burst)
{
  char* const x    = rhost_save(threaded, NULL);
  char* const y    = rhost_save(reference, NULL);
  const bool  same = x && y && !strcmp(x, y);
  if (!same) {
    fprintf(stderr,
            "burst %u: the saved patches differ\n--- threads:\n%s\n--- "
            "reference:\n%s\n",
            burst,
            x ? x : "(none)",
            y ? y : "(none)");
  }
  free(x);
  free(y);
  return same;
}

int
main(int argc, char** argv)
{
  const uint32_t n_edits =
    argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 10000U;
  have_rt = rtcheck_load(&rt);
  if (have_rt) {
    rhost_set_audio_hook(rt.set_audio);
  }

  const RHostOptions threaded_options  = { .uri             = REL_FX,
                                           .threaded_worker = true };
  const RHostOptions reference_options = { .uri = REL_FX };
  RHost* const       threaded          = rhost_new(&threaded_options);
  RHost* const       reference         = rhost_new(&reference_options);
  if (!threaded || !reference) {
    fprintf(stderr, "cannot instantiate %s (LV2_PATH?)\n", REL_FX);
    return 1;
  }

  audio.host              = threaded;
  const char* const pause = getenv("AETHER_REL_AUDIO_PAUSE_US");
  audio.pause.tv_nsec     = pause ? 1000L * atol(pause) % 1000000000L : 0L;
  pthread_t thread;
  if (pthread_create(&thread, NULL, audio_main, &audio)) {
    return 1;
  }
  if (have_rt) {
    rt.reset();
  }

  static Msg   m;
  static Burst burst;
  rhost_msg_init(threaded, &m.msg, m.buf, sizeof(m.buf));
  uint32_t       seed     = 2024U;
  uint32_t       sent     = 0;
  uint32_t       n_bursts = 0;
  uint32_t       n_errors = 0;
  uint32_t       restores = 0;
  char*          snapshot = NULL;
  const LV2_URID string   = rhost_map(threaded, LV2_ATOM__String);
  bool           ok       = true;
  const double   start    = now();
  const char*    every    = getenv("AETHER_REL_CHECK_EVERY");
  const uint32_t check_every =
    every && atoi(every) > 0 ? (uint32_t)atoi(every) : 64U;

  while (ok && sent < n_edits) {
    make_burst(&burst, &m, &seed);
    for (uint32_t i = 0; i < burst.n; ++i) {
      while (!rhost_post_bytes(threaded, 0, burst.bytes[i], burst.sizes[i])) {
        sched_yield();
      }
    }
    if (getenv("AETHER_REL_TRACE")) {
      fprintf(stderr, "== burst %u\n", n_bursts);
      for (uint32_t i = 0; i < burst.n; ++i) {
        rel_print_atom(threaded, (const LV2_Atom*)burst.bytes[i], stderr);
      }
    }
    Answers x;
    Answers y;
    memset(&x, 0, sizeof(x));
    memset(&y, 0, sizeof(y));
    reference_burst(reference, &burst, &y);
    if (y.answers != burst.n_answered) {
      fprintf(stderr,
              "burst %u: %u messages to answer, %u answers\n",
              n_bursts,
              burst.n_answered,
              y.answers);
      ok = false;
    }
    ok = ok && wait_answers(threaded, &x, y.answers) &&
         same_answers(&x, &y, n_bursts);
    sent += burst.n;
    n_errors += x.n_errors;
    ++n_bursts;

    if (ok && n_bursts % check_every == 0U) {
      ok = same_state(threaded, reference, n_bursts);
      if (!snapshot) {
        snapshot = rhost_save(reference, NULL);
      }
    }
    if (ok && n_bursts % 256U == 0U && snapshot) {
      /* Restore an old state while audio runs: both say ok, alike. */
      memset(&x, 0, sizeof(x));
      memset(&y, 0, sizeof(y));
      const size_t len = strlen(snapshot) + 1U;
      ok               = rhost_restore(threaded, snapshot, len, string) == 0 &&
           rhost_restore(reference, snapshot, len, string) == 0;
      for (uint32_t c = 0; c < SETTLE_CYCLES; ++c) {
        rhost_cycle(reference, NULL, NULL, 64);
      }
      take_replies(reference, &y);
      ok = ok && wait_answers(threaded, &x, y.answers) &&
           same_answers(&x, &y, n_bursts) &&
           same_state(threaded, reference, n_bursts);
      free(snapshot);
      snapshot = rhost_save(reference, NULL);
      ++restores;
    }
  }
  ok                   = ok && same_state(threaded, reference, n_bursts);
  const double seconds = now() - start;

  atomic_store(&audio.stop, true);
  pthread_join(thread, NULL);

  printf("%u messages in %u bursts (%u refused), %u restores, %.1f s; "
         "audio: %llu frames, peak %.3f, %llu non-finite blocks\n",
         sent,
         n_bursts,
         n_errors,
         restores,
         seconds,
         (unsigned long long)atomic_load(&audio.frames),
         audio.peak,
         (unsigned long long)audio.non_finite);
  if (audio.non_finite) {
    fprintf(stderr, "non-finite output\n");
    ok = false;
  }
  if (rhost_replies_lost(threaded) || rhost_bad_notify(threaded) ||
      rhost_posts_dropped(threaded)) {
    fprintf(stderr,
            "host: %u replies lost, %u bad notify sequences, %u posts "
            "dropped\n",
            rhost_replies_lost(threaded),
            rhost_bad_notify(threaded),
            rhost_posts_dropped(threaded));
    ok = false;
  }
  if (have_rt) {
    printf("real-time trap: %d hits%s%s\n",
           rt.hits(),
           rt.hits() ? ", the first: " : "",
           rt.hits() ? rt.first_hit() : "");
    ok = ok && !rt.hits();
  } else if (!getenv("AETHER_NO_RT_TRAP")) {
    fprintf(stderr, "the real-time trap is not preloaded\n");
    ok = false;
  }

  free(snapshot);
  rhost_free(threaded);
  rhost_free(reference);
  rhost_world_free();
  return ok ? 0 : 1;
}
