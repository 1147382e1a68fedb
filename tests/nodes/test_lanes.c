/* test_lanes.c: batch kernels (AetherNodeType.process_voices) against the
   scalar path. For every node type that has one: 1 to 32 voices, random
   parameters (held, jumping and gliding, the same for every voice or not),
   random inputs (noise, held values, gates, ramps, a NaN now and then),
   inputs connected alike or not, random block lengths and resets, and
   every voice's gate held for half the run then released. The voices run
   one by one through `process`, and through process_voices at the levels
   scalar, SSE2 and AVX2 (where the CPU has it). Every output, every input
   buffer and every instance's state must be bit-identical, also when a
   voice's output shares the buffer of an earlier voice's input or unread
   output, as the engine's buffer reuse allows. */

#include "../../src/engine/node.h"
#include "../../src/nodes/registry.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RATE 48000.0
#define N 64U /* AETHER_BUFFER_SIZE */
#define MAX_V AETHER_MAX_VOICES
#define BLOCKS 14U
#define N_BANKS 4U

/* One way of running the voices, with its own instances and buffers. */
typedef struct {
  void*             self[MAX_V];
  float             par[MAX_V][AETHER_MAX_PARAMS][N];
  float             in[MAX_V][AETHER_MAX_INPUTS][N];
  float             out[MAX_V][AETHER_MAX_OUTPUTS][N];
  const float*      in_ptr[MAX_V][AETHER_MAX_INPUTS];
  const float*      par_ptr[MAX_V][AETHER_MAX_PARAMS];
  float*            out_ptr[MAX_V][AETHER_MAX_OUTPUTS];
  AetherProcessArgs args[MAX_V];
} Bank;

/* What every bank is given for one block. */
typedef struct {
  float    par[MAX_V][AETHER_MAX_PARAMS][N];
  float    in[MAX_V][AETHER_MAX_INPUTS][N];
  uint32_t moving[MAX_V];
  uint32_t connected[MAX_V];
  float    held_par[MAX_V][AETHER_MAX_PARAMS]; /* value at the block end */
  float    held_in[MAX_V][AETHER_MAX_INPUTS];
  float    kind[MAX_V][AETHER_MAX_INPUTS]; /* of the input's last block */
  bool     reset[MAX_V];
} Block;

static const float silence[N];
static uint32_t    rng   = 1U;
static bool        quick = false; /* times (unit "s") near their minimum */

static uint32_t
rand_next(void)
{
  rng ^= rng << 13U;
  rng ^= rng >> 17U;
  rng ^= rng << 5U;
  return rng;
}

/* Uniform in [0, 1). */
static float
rand_unit(void)
{
  return (float)(rand_next() >> 8U) * (1.0f / 16777216.0f);
}

static bool
chance(const float p)
{
  return rand_unit() < p;
}

/* A random valid value for parameter `d`: log-uniform over wide positive
   ranges (frequencies, times), whole for whole kinds. */
static float
rand_param(const AetherParamDesc* const d)
{
  float v = 0.0f;
  if (quick && !strcmp(d->unit, "s")) {
    v = d->min * (1.0f + 4.0f * rand_unit());
  } else if (d->min > 0.0f && d->max / d->min > 100.0f) {
    v = d->min * powf(d->max / d->min, rand_unit());
  } else {
    v = d->min + (d->max - d->min) * rand_unit();
  }
  if (d->kind != AETHER_PARAM_CONTINUOUS) {
    v = floorf(v + 0.5f);
  }
  return fminf(fmaxf(v, d->min), d->max);
}

/* One voice's parameter `j` for a block: held, jumping or gliding. */
static void
gen_param(const AetherParamDesc* const d,
          Block* const                 b,
          const uint32_t               v,
          const uint32_t               j,
          const uint32_t               n)
{
  float* const x    = b->par[v][j];
  const float  from = b->held_par[v][j];
  const float  r    = rand_unit();
  if (r < 0.6f) {
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = from;
    }
  } else if (r < 0.85f || d->kind != AETHER_PARAM_CONTINUOUS) {
    const float to = rand_param(d);
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = to;
    }
    b->held_par[v][j] = to;
    if (d->kind != AETHER_PARAM_CONTINUOUS && chance(0.3f)) {
      /* a whole-valued parameter stepping inside the block */
      for (uint32_t i = n / 2U; i < N; ++i) {
        x[i] = from;
      }
      b->held_par[v][j] = from;
      b->moving[v] |= 1U << j;
    }
  } else {
    const float to = rand_param(d);
    for (uint32_t i = 0; i < n; ++i) {
      x[i] = from + (to - from) * (float)(i + 1U) / (float)n;
    }
    for (uint32_t i = n; i < N; ++i) {
      x[i] = to;
    }
    x[n - 1U]         = to;
    b->held_par[v][j] = to;
    b->moving[v] |= 1U << j;
  }
}

/* One voice's input `j` for a block. */
static void
gen_input(Block* const b, const uint32_t v, const uint32_t j)
{
  float* const x = b->in[v][j];
  const float  r = chance(0.7f) ? b->kind[v][j] : rand_unit(); /* stays */
  b->kind[v][j]  = r;
  if (r < 0.45f) { /* held: the same value as before, or a new one */
    if (chance(0.3f)) {
      b->held_in[v][j] = floorf((rand_unit() * 8.0f - 4.0f) * 4.0f) / 4.0f;
    }
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = b->held_in[v][j];
    }
  } else if (r < 0.65f) { /* a gate with edges */
    float g = b->held_in[v][j] > 0.5f ? 1.0f : 0.0f;
    for (uint32_t i = 0; i < N; ++i) {
      if (chance(0.04f)) {
        g = 1.0f - g;
      }
      x[i] = g;
    }
    b->held_in[v][j] = g;
  } else if (r < 0.85f) { /* noise */
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = rand_unit() * 2.0f - 1.0f;
    }
  } else if (r < 0.97f) { /* a ramp */
    const float a = rand_unit() * 4.0f - 2.0f;
    const float s = (rand_unit() - 0.5f) * 0.1f;
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = a + s * (float)i;
    }
  } else { /* held, with a NaN or a negative zero somewhere */
    for (uint32_t i = 0; i < N; ++i) {
      x[i] = b->held_in[v][j];
    }
    x[rand_next() % N] = chance(0.5f) ? NAN : -0.0f;
  }
}

static void
bank_init(Bank* const                 bank,
          const AetherNodeType* const type,
          const uint32_t              voices)
{
  memset(bank, 0, sizeof(*bank));
  const size_t size = (type->size + 63U) & ~(size_t)63U;
  for (uint32_t v = 0; v < voices; ++v) {
    bank->self[v] = aligned_alloc(64, size ? size : 64U);
    assert_non_null(bank->self[v]);
    memset(bank->self[v], 0, size ? size : 64U);
    if (type->init) {
      assert_int_equal(type->init(bank->self[v], RATE), AETHER_SUCCESS);
    }
    if (type->reset) {
      type->reset(bank->self[v]);
    }
  }
}

static void
bank_free(Bank* const bank, const AetherNodeType* const type)
{
  for (uint32_t v = 0; v < MAX_V; ++v) {
    if (bank->self[v] && type->cleanup) {
      type->cleanup(bank->self[v]);
    }
    free(bank->self[v]);
  }
}

/* Load a block into a bank. `alias` 1: voice v writes its last output
   into the buffer of voice v - 1's first input (if connected, else its
   first output); 2: its first output into voice v - 1's last output; as
   the engine may once voice v - 1 has read, or did not need, them. */
static void
bank_load(Bank* const                 bank,
          const AetherNodeType* const type,
          const Block* const          b,
          const uint32_t              voices,
          const int                   alias)
{
  for (uint32_t v = 0; v < voices; ++v) {
    if (b->reset[v] && type->reset) {
      type->reset(bank->self[v]);
    }
    AetherProcessArgs* const a = &bank->args[v];
    memcpy(bank->par[v], b->par[v], sizeof(bank->par[v]));
    memcpy(bank->in[v], b->in[v], sizeof(bank->in[v]));
    for (uint32_t j = 0; j < type->n_inputs; ++j) {
      bank->in_ptr[v][j] =
        ((b->connected[v] >> j) & 1U) ? bank->in[v][j] : silence;
    }
    for (uint32_t j = 0; j < type->n_params; ++j) {
      bank->par_ptr[v][j] = bank->par[v][j];
    }
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      bank->out_ptr[v][o] = bank->out[v][o];
      memset(bank->out[v][o], 0, sizeof(bank->out[v][o]));
    }
    const uint32_t last = type->n_outputs ? type->n_outputs - 1U : 0U;
    if (alias == 1 && v > 0U && type->n_outputs) {
      if (type->n_inputs && (b->connected[v - 1U] & 1U)) {
        bank->out_ptr[v][last] = bank->in[v - 1U][0];
      } else if (last > 0U) {
        bank->out_ptr[v][last] = bank->out[v - 1U][0];
      }
    } else if (alias == 2 && v > 0U && last > 0U) {
      bank->out_ptr[v][0] = bank->out[v - 1U][last];
    }
    a->ctx       = NULL;
    a->in        = bank->in_ptr[v];
    a->out       = bank->out_ptr[v];
    a->param     = bank->par_ptr[v];
    a->moving    = b->moving[v];
    a->connected = b->connected[v];
    a->voice     = v + 1U;
    a->feedback  = false;
  }
}

static void
bank_run(Bank* const                 bank,
         const AetherNodeType* const type,
         const uint32_t              voices,
         const uint32_t              n,
         const int                   lanes)
{
  if (lanes == 0) {
    for (uint32_t v = 0; v < voices; ++v) {
      type->process(bank->self[v], &bank->args[v], n);
    }
    return;
  }
  const AetherProcessArgs* args[MAX_V];
  for (uint32_t v = 0; v < voices; ++v) {
    args[v] = &bank->args[v];
  }
  type->process_voices(bank->self, args, voices, n, (AetherSimd)lanes);
}

/* Compare bank `k` with bank 0 after a block. */
static void
bank_check(const Bank* const           ref,
           const Bank* const           bank,
           const AetherNodeType* const type,
           const uint32_t              voices,
           const char* const           what)
{
  for (uint32_t v = 0; v < voices; ++v) {
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      if (memcmp(ref->out[v][o], bank->out[v][o], sizeof(ref->out[v][o]))) {
        uint32_t i = 0;
        while (!memcmp(&ref->out[v][o][i], &bank->out[v][o][i], 4U)) {
          ++i;
        }
        fail_msg("%s %s, %u voices: output %u of voice %u differs (%.9g "
                 "against %.9g at frame %u)",
                 type->name,
                 what,
                 voices,
                 o,
                 v,
                 (double)bank->out[v][o][i],
                 (double)ref->out[v][o][i],
                 i);
      }
    }
    for (uint32_t j = 0; j < type->n_inputs; ++j) {
      if (memcmp(ref->in[v][j], bank->in[v][j], sizeof(ref->in[v][j]))) {
        fail_msg("%s %s: buffer of input %u of voice %u differs",
                 type->name,
                 what,
                 j,
                 v);
      }
    }
    if (memcmp(ref->self[v], bank->self[v], type->size)) {
      fail_msg("%s %s: state of voice %u differs", type->name, what, v);
    }
  }
}

static bool
have_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

/* `voices` voices of `type` over BLOCKS blocks, every bank compared. */
static void
run_case(const AetherNodeType* const type,
         const uint32_t              voices,
         Bank* const                 banks,
         Block* const                b,
         const bool                  held)
{
  static const int   lanes[N_BANKS] = { 0, 1, 4, 8 };
  static const char* names[N_BANKS] = { "", "scalar", "SSE2", "AVX2" };
  const uint32_t     n_banks        = have_avx2() ? 4U : 3U;

  for (uint32_t k = 0; k < n_banks; ++k) {
    bank_init(&banks[k], type, voices);
  }
  memset(b, 0, sizeof(*b));

  /* Connections: alike for every voice, or not. */
  const uint32_t all  = (1U << type->n_inputs) - 1U;
  const uint32_t conn = rand_next() & all;
  const bool     same = chance(0.8f);
  for (uint32_t v = 0; v < voices; ++v) {
    b->connected[v] = same ? conn : (rand_next() & all);
    for (uint32_t j = 0; j < type->n_params; ++j) {
      b->held_par[v][j] = type->params[j].def;
    }
  }
  const int alias = chance(0.4f) ? 1 + (int)(rand_next() % 2U) : 0;
  quick           = held || chance(0.5f); /* envelopes reach their sustain */
  const int gate  = aether_node_type_input_index(type, "gate");

  for (uint32_t blk = 0; blk < BLOCKS; ++blk) {
    const uint32_t n      = chance(0.6f) ? N : 1U + rand_next() % N;
    const bool     shared = chance(0.8f); /* every voice the same params */
    for (uint32_t v = 0; v < voices; ++v) {
      b->moving[v] = 0;
      b->reset[v]  = chance(0.04f);
      if (shared && v > 0U) {
        memcpy(b->par[v], b->par[0], sizeof(b->par[v]));
        memcpy(b->held_par[v], b->held_par[0], sizeof(b->held_par[v]));
        b->moving[v] = b->moving[0];
      } else {
        for (uint32_t j = 0; j < type->n_params; ++j) {
          gen_param(&type->params[j], b, v, j, n);
        }
      }
      for (uint32_t j = 0; j < type->n_inputs; ++j) {
        gen_input(b, v, j);
      }
      if (held && gate >= 0) {
        /* every note held for half the run, then released */
        b->connected[v] |= 1U << gate;
        for (uint32_t i = 0; i < N; ++i) {
          b->in[v][gate][i] = blk < BLOCKS / 2U ? 1.0f : 0.0f;
        }
      }
    }
    for (uint32_t k = 0; k < n_banks; ++k) {
      bank_load(&banks[k], type, b, voices, alias);
      bank_run(&banks[k], type, voices, n, lanes[k]);
    }
    for (uint32_t k = 1; k < n_banks; ++k) {
      if (getenv("LANES_DEBUG")) {
        fprintf(stderr, "blk %u n %u:", blk, n);
        for (uint32_t v = 0; v < voices; ++v) {
          fprintf(stderr,
                  " [c%x m%x r%d",
                  b->connected[v],
                  b->moving[v],
                  b->reset[v]);
          for (uint32_t j = 0; j < type->n_params; ++j)
            fprintf(stderr, " %g", b->par[v][j][0]);
          for (uint32_t j = 0; j < type->n_inputs; ++j)
            fprintf(stderr, " i%g,%g", b->in[v][j][0], b->in[v][j][n - 1]);
          fprintf(stderr, "]");
        }
        fprintf(stderr, "\n");
      }
      bank_check(&banks[0], &banks[k], type, voices, names[k]);
    }
  }
  for (uint32_t k = 0; k < n_banks; ++k) {
    bank_free(&banks[k], type);
  }
}

/* Every type with a batch kernel, 1 .. 32 voices, several seeds. */
static void
test_lanes_bit_identical(void** state)
{
  (void)state;
  Bank* const  banks = (Bank*)calloc(N_BANKS, sizeof(Bank));
  Block* const b     = (Block*)calloc(1, sizeof(Block));
  assert_non_null(banks);
  assert_non_null(b);
  uint32_t n_types = 0;
  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    const AetherNodeType* const type = aether_registry_get(t);
    if (!type->process_voices) {
      continue;
    }
    ++n_types;
    for (uint32_t seed = 1; seed <= 6U; ++seed) {
      rng = seed * 2654435761U + t;
      for (uint32_t voices = 1; voices <= MAX_V; ++voices) {
        run_case(type, voices, banks, b, false);
        run_case(type, voices, banks, b, true); /* a chord held, released */
      }
    }
  }
  /* Oscillator, Filter and Adsr: the default synth's recursions. */
  assert_true(n_types >= 3U);
  free(banks);
  free(b);
}

/* The default synth's types have batch kernels. */
static void
test_lanes_types(void** state)
{
  (void)state;
  static const char* const names[] = { "Oscillator", "Filter", "Adsr" };
  for (uint32_t i = 0; i < 3U; ++i) {
    const AetherNodeType* const type = aether_registry_find(names[i]);
    assert_non_null(type);
    assert_non_null(type->process_voices);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lanes_types),
    cmocka_unit_test(test_lanes_bit_identical),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
