/* Aether engine tests: arena, buffer pool, ring and parameters. */

#include "arena.h"
#include "buffer_pool.h"
#include "param.h"
#include "ring.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Arena */

static void
test_arena_stale_handle_resolves_to_nothing(void** state)
{
  (void)state;
  AetherArena a;
  assert_int_equal(aether_arena_init(&a, 4), AETHER_SUCCESS);

  AetherHandle h1;
  AetherHandle h2;
  assert_int_equal(aether_arena_alloc(&a, &h1), AETHER_SUCCESS);
  assert_true(aether_arena_valid(&a, h1));
  assert_int_equal(aether_arena_release(&a, h1), AETHER_SUCCESS);
  assert_false(aether_arena_valid(&a, h1));
  assert_int_equal(aether_arena_release(&a, h1), AETHER_ERR_BAD_HANDLE);

  /* The slot is reused with a new generation: the old handle stays dead. */
  assert_int_equal(aether_arena_alloc(&a, &h2), AETHER_SUCCESS);
  assert_int_equal(h2.index, h1.index);
  assert_int_not_equal(h2.generation, h1.generation);
  assert_false(aether_arena_valid(&a, h1));
  assert_true(aether_arena_valid(&a, h2));

  const AetherHandle zero = { 0, 0 };
  assert_false(aether_arena_valid(&a, zero));
  const AetherHandle out_of_range = { 99, 1 };
  assert_false(aether_arena_valid(&a, out_of_range));
  aether_arena_destroy(&a);
}

static void
test_arena_full_and_clear(void** state)
{
  (void)state;
  AetherArena  a;
  AetherHandle h[5];
  assert_int_equal(aether_arena_init(&a, 4), AETHER_SUCCESS);
  for (int i = 0; i < 4; ++i) {
    assert_int_equal(aether_arena_alloc(&a, &h[i]), AETHER_SUCCESS);
    assert_int_equal(h[i].index, (uint32_t)i);
  }
  assert_int_equal(aether_arena_alloc(&a, &h[4]), AETHER_ERR_FULL);
  assert_int_equal(a.n_live, 4);
  aether_arena_clear(&a);
  assert_int_equal(a.n_live, 0);
  for (int i = 0; i < 4; ++i) {
    assert_false(aether_arena_valid(&a, h[i]));
  }
  assert_int_equal(aether_arena_alloc(&a, &h[4]), AETHER_SUCCESS);
  aether_arena_destroy(&a);
}

/* Buffer pool */

static void
test_pool_aligned_silence_and_exhaustion(void** state)
{
  (void)state;
  AetherBufferPool p;
  assert_int_equal(aether_buffer_pool_init(&p, 3), AETHER_SUCCESS);

  uint32_t idx[4];
  for (int i = 0; i < 3; ++i) {
    assert_int_equal(aether_buffer_pool_acquire(&p, &idx[i]), AETHER_SUCCESS);
    float* const b = aether_buffer_pool_get(&p, idx[i]);
    assert_int_equal((uintptr_t)b % AETHER_ALIGN, 0);
    for (int k = 0; k < AETHER_BUFFER_SIZE; ++k) {
      b[k] = 1.0f; /* writing a buffer never touches another or silence */
    }
  }
  assert_int_equal(aether_buffer_pool_acquire(&p, &idx[3]), AETHER_ERR_FULL);
  assert_int_equal(p.high_water, 3);

  const float* const quiet = aether_buffer_pool_silence(&p);
  assert_int_equal((uintptr_t)quiet % AETHER_ALIGN, 0);
  for (int k = 0; k < AETHER_BUFFER_SIZE; ++k) {
    assert_true(quiet[k] == 0.0f);
  }

  /* Released buffers come back first (still in cache). */
  aether_buffer_pool_release(&p, idx[1]);
  assert_int_equal(aether_buffer_pool_acquire(&p, &idx[3]), AETHER_SUCCESS);
  assert_int_equal(idx[3], idx[1]);

  /* After a reset, every buffer again, the lowest first. */
  aether_buffer_pool_reset(&p);
  for (uint32_t i = 0; i < 3U; ++i) {
    assert_int_equal(aether_buffer_pool_acquire(&p, &idx[i]), AETHER_SUCCESS);
    assert_int_equal(idx[i], i);
  }
  assert_int_equal(aether_buffer_pool_acquire(&p, &idx[3]), AETHER_ERR_FULL);
  aether_buffer_pool_release(&p, 2U);
  aether_buffer_pool_release(&p, 0U);
  assert_int_equal(aether_buffer_pool_acquire(&p, &idx[3]), AETHER_SUCCESS);
  assert_int_equal(idx[3], 0U);
  assert_int_equal(p.high_water, 3);
  aether_buffer_pool_destroy(&p);
}

/* Ring */

static void
test_ring_fifo_full_and_wrap(void** state)
{
  (void)state;
  AetherRing r;
  assert_int_equal(aether_ring_init(&r, 3, 4), AETHER_ERR_BAD_ARG);
  assert_int_equal(aether_ring_init(&r, 4, sizeof(uint32_t)), AETHER_SUCCESS);

  uint32_t v = 0;
  for (uint32_t round = 0; round < 10; ++round) {
    for (uint32_t i = 0; i < 4; ++i) {
      const uint32_t x = round * 10 + i;
      assert_true(aether_ring_push(&r, &x));
    }
    const uint32_t extra = 999;
    assert_false(aether_ring_push(&r, &extra)); /* full: refused, no change */
    assert_int_equal(aether_ring_count(&r), 4);
    assert_int_equal(aether_ring_space(&r), 0);
    for (uint32_t i = 0; i < 4; ++i) {
      assert_true(aether_ring_pop(&r, &v));
      assert_int_equal(v, round * 10 + i);
    }
    assert_false(aether_ring_pop(&r, &v));
  }
  aether_ring_destroy(&r);
}

#define STRESS_N 200000U

static void*
producer(void* const arg)
{
  AetherRing* const r = (AetherRing*)arg;
  for (uint64_t i = 0; i < STRESS_N;) {
    const uint64_t msg[2] = { i, i * 2654435761U };
    if (aether_ring_push(r, msg)) {
      ++i;
    }
  }
  return NULL;
}

static void
test_ring_two_threads_keep_order_and_content(void** state)
{
  (void)state;
  AetherRing r;
  assert_int_equal(aether_ring_init(&r, 64, 2 * sizeof(uint64_t)),
                   AETHER_SUCCESS);
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, producer, &r), 0);
  uint64_t expected = 0;
  while (expected < STRESS_N) {
    uint64_t msg[2];
    if (aether_ring_pop(&r, msg)) {
      assert_true(msg[0] == expected);
      assert_true(msg[1] == expected * 2654435761U);
      ++expected;
    }
  }
  pthread_join(thread, NULL);
  aether_ring_destroy(&r);
}

/* Parameters */

static void
test_param_ramp_lands_exactly_on_target(void** state)
{
  (void)state;
  AetherParam p;
  float       buf[AETHER_BUFFER_SIZE];
  aether_param_init(&p, 0.0f, 100);
  assert_false(aether_param_fill(&p, buf, 64));
  assert_true(buf[63] == 0.0f);

  aether_param_set(&p, 1.0f, false);
  assert_true(aether_param_fill(&p, buf, 64)); /* frames 1..64 */
  assert_float_equal(buf[0], 0.01f, 1e-6f);
  assert_float_equal(buf[63], 0.64f, 1e-5f);
  assert_true(aether_param_fill(&p, buf, 64)); /* frames 65..128 */
  assert_float_equal(buf[34], 0.99f, 1e-5f);
  assert_true(buf[35] == 1.0f); /* frame 100: exactly the target */
  assert_true(buf[63] == 1.0f);
  assert_false(aether_param_fill(&p, buf, 64));

  aether_param_set(&p, -3.0f, true);
  assert_false(aether_param_fill(&p, buf, 1));
  assert_true(buf[0] == -3.0f);
}

static void
test_param_values_do_not_depend_on_partition(void** state)
{
  (void)state;
  static const uint32_t sizes[] = { 1, 7, 64, 13 };
  float                 ref[1000];
  for (uint32_t s = 0; s < 4; ++s) {
    AetherParam p;
    aether_param_init(&p, 0.25f, 333);
    aether_param_set(&p, 0.75f, false);
    float out[1000];
    float buf[AETHER_BUFFER_SIZE];
    for (uint32_t done = 0; done < 1000;) {
      const uint32_t n = done + sizes[s] > 1000 ? 1000 - done : sizes[s];
      aether_param_fill(&p, buf, n);
      memcpy(out + done, buf, n * sizeof(float));
      done += n;
    }
    if (!s) {
      memcpy(ref, out, sizeof(ref));
    } else {
      assert_memory_equal(ref, out, sizeof(ref));
    }
  }
  assert_true(ref[332] == 0.75f);
}

/* Every frame of a ramp is the previous one plus the step, in float, in
   that order (the output's bit-identity rests on it), the last lands on
   the target, and a call of 0 frames changes nothing. */
static void
test_param_ramp_is_a_running_sum(void** state)
{
  (void)state;
  AetherParam p;
  aether_param_init(&p, 0.3f, 150);
  aether_param_set(&p, -0.7f, false);
  const float           step = p.step;
  float                 buf[AETHER_BUFFER_SIZE];
  float                 v       = 0.3f;
  uint32_t              frame   = 0;
  static const uint32_t sizes[] = { 0, 64, 1, 0, 63, 64 };
  for (uint32_t s = 0; s < 6; ++s) {
    memset(buf, 0, sizeof(buf));
    assert_true(aether_param_fill(&p, buf, sizes[s]));
    for (uint32_t i = 0; i < sizes[s]; ++i, ++frame) {
      v = frame + 1U < 150U ? v + step : frame + 1U == 150U ? -0.7f : v;
      assert_memory_equal(&buf[i], &v, sizeof(float));
    }
    assert_memory_equal(&p.value, &v, sizeof(float));
  }
  assert_int_equal(p.remaining, 0);
  assert_false(aether_param_fill(&p, buf, 64));
  assert_true(buf[63] == -0.7f);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_arena_stale_handle_resolves_to_nothing),
    cmocka_unit_test(test_arena_full_and_clear),
    cmocka_unit_test(test_pool_aligned_silence_and_exhaustion),
    cmocka_unit_test(test_ring_fifo_full_and_wrap),
    cmocka_unit_test(test_ring_two_threads_keep_order_and_content),
    cmocka_unit_test(test_param_ramp_lands_exactly_on_target),
    cmocka_unit_test(test_param_values_do_not_depend_on_partition),
    cmocka_unit_test(test_param_ramp_is_a_running_sum),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
