/* Aether engine tests: polyphony. Per-voice nodes run once per voice, the
   allocator gives notes to voices (free, then oldest released, then oldest
   held), shared nodes hear the sum, and every change lands on its frame. */

#include "engine.h"
#include "engine_impl.h"
#include "measure.h"
#include "registry.h"
#include "voices.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define RATE 48000.0

static AetherHandle
add(AetherEngine* const e, const char* const type, const char* const name)
{
  AetherHandle h   = { 0, 0 };
  AetherError  err = { AETHER_SUCCESS, "" };
  assert_int_equal(
    aether_graph_add(
      aether_engine_graph(e), aether_registry_find(type), name, &h, &err),
    AETHER_SUCCESS);
  return h;
}

static void
connect(AetherEngine* const e,
        const AetherHandle  src,
        const char* const   out,
        const AetherHandle  dst,
        const char* const   in)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  const int          o =
    aether_node_type_output_index(aether_graph_node_type(g, src), out);
  const int i =
    aether_node_type_input_index(aether_graph_node_type(g, dst), in);
  assert_true(o >= 0 && i >= 0);
  assert_int_equal(
    aether_graph_connect(g, src, (uint32_t)o, dst, (uint32_t)i, &err),
    AETHER_SUCCESS);
}

static void
set(AetherEngine* const e,
    const AetherHandle  h,
    const char* const   param,
    const float         value)
{
  AetherGraph* const g   = aether_engine_graph(e);
  AetherError        err = { AETHER_SUCCESS, "" };
  const int          i =
    aether_node_type_param_index(aether_graph_node_type(g, h), param);
  assert_true(i >= 0);
  assert_int_equal(aether_graph_set_param(g, h, (uint32_t)i, value, &err),
                   AETHER_SUCCESS);
}

static void
poly(AetherEngine* const e, const AetherHandle h)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_graph_set_poly(aether_engine_graph(e), h, true, &err),
                   AETHER_SUCCESS);
}

static void
commit(AetherEngine* const e)
{
  AetherError err = { AETHER_SUCCESS, "" };
  assert_int_equal(aether_engine_commit(e, &err), AETHER_SUCCESS);
}

static void
midi(AetherEngine* const e, const uint8_t a, const uint8_t b, const uint8_t c)
{
  const uint8_t msg[3] = { a, b, c };
  aether_engine_push_midi_rt(e, msg, 3);
}

static void
render(AetherEngine* const e, float* const left, const uint32_t n)
{
  static float right[AETHER_BUFFER_SIZE];
  for (uint32_t done = 0; done < n; done += AETHER_BUFFER_SIZE) {
    const uint32_t len =
      n - done < AETHER_BUFFER_SIZE ? n - done : AETHER_BUFFER_SIZE;
    float* const out[2] = { left + done, right };
    aether_engine_process(e, NULL, out, len);
  }
}

/* A sine voice: poly MidiNote -> poly Oscillator -> poly Gain (cv: gate *
   velocity) -> shared AudioOut. */
static AetherEngine*
sine_synth(const uint32_t voices)
{
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherError         err = { AETHER_SUCCESS, "" };
  const AetherHandle  m   = add(e, "MidiNote", "midi");
  const AetherHandle  o   = add(e, "Oscillator", "osc");
  const AetherHandle  v   = add(e, "Math", "level");
  const AetherHandle  g   = add(e, "Gain", "vca");
  const AetherHandle  out = add(e, "AudioOut", "out");
  set(e, o, "amp", 0.2f);
  set(e, v, "op", 1.0f); /* multiply: gate * velocity */
  set(e, g, "gain", 1.0f);
  connect(e, m, "pitch", o, "pitch");
  connect(e, m, "gate", v, "a");
  connect(e, m, "velocity", v, "b");
  connect(e, o, "out", g, "in");
  connect(e, v, "out", g, "cv");
  connect(e, g, "out", out, "left");
  poly(e, m);
  poly(e, o);
  poly(e, v);
  poly(e, g);
  assert_int_equal(
    aether_graph_set_voices(aether_engine_graph(e), voices, &err),
    AETHER_SUCCESS);
  commit(e);
  return e;
}

static void
test_chord_sounds_every_pitch(void** state)
{
  (void)state;
  AetherEngine* const e = sine_synth(4);
  assert_true(e->latest->has_poly);
  assert_int_equal(e->latest->voices, 4);
  assert_int_equal(e->latest->n_nodes, 4 * 4 + 1);

  enum { N = 32768 };
  static float out[N];
  midi(e, 0x90, 60, 127); /* C4 E4 G4 */
  midi(e, 0x90, 64, 127);
  midi(e, 0x90, 67, 127);
  render(e, out, N);

  static double power[N / 2 + 1];
  measure_spectrum(out + 256, 16384, power);
  const double c4   = measure_band_power(power, 16384, RATE, 261.63, 2);
  const double e4   = measure_band_power(power, 16384, RATE, 329.63, 2);
  const double g4   = measure_band_power(power, 16384, RATE, 392.00, 2);
  const double none = measure_band_power(power, 16384, RATE, 300.0, 2);
  assert_true(c4 > 1e3 * none && e4 > 1e3 * none && g4 > 1e3 * none);
  assert_true(fabs(10.0 * log10(c4 / e4)) < 1.0);
  assert_true(fabs(10.0 * log10(c4 / g4)) < 1.0);
  /* Three sines of 0.2 summed by the shared output. */
  assert_true(measure_peak(out + 4096, 16384) > 0.45);
  assert_true(measure_peak(out + 4096, 16384) <= 0.61);
  aether_engine_free(e);
}

static void
test_note_off_sustain_and_velocity(void** state)
{
  (void)state;
  AetherEngine* const e = sine_synth(4);
  static float        out[8192];

  midi(e, 0x90, 69, 127);
  render(e, out, 4096);
  const double full = measure_peak(out + 1024, 3072);
  assert_float_equal(full, 0.2, 0.02);

  midi(e, 0x80, 69, 0);
  render(e, out, 1024);
  assert_true(measure_peak(out + 64, 960) == 0.0); /* gate off: silent */

  midi(e, 0x90, 69, 64); /* half velocity: half the level */
  render(e, out, 4096);
  assert_float_equal(measure_peak(out + 1024, 3072) / full, 64.0 / 127.0, 0.01);

  midi(e, 0xB0, 64, 127); /* pedal down, then key up: still sounding */
  midi(e, 0x80, 69, 0);
  render(e, out, 4096);
  assert_true(measure_peak(out + 1024, 3072) > 0.05);
  midi(e, 0xB0, 64, 0); /* pedal up: silent */
  render(e, out, 1024);
  assert_true(measure_peak(out + 64, 960) == 0.0);
  aether_engine_free(e);
}

static void
test_note_starts_on_its_frame(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  const AetherHandle  m   = add(e, "MidiNote", "midi");
  const AetherHandle  out = add(e, "AudioOut", "out");
  AetherError         err = { AETHER_SUCCESS, "" };
  connect(e, m, "gate", out, "left");
  poly(e, m);
  aether_graph_set_voices(aether_engine_graph(e), 8, &err);
  commit(e);

  float        left[200];
  float        right[200];
  float* const o1[2] = { left, right };
  aether_engine_process(e, NULL, o1, 37); /* a host split at the event */
  midi(e, 0x90, 60, 100);
  float* const o2[2] = { left + 37, right + 37 };
  aether_engine_process(e, NULL, o2, 64);
  for (int i = 0; i < 101; ++i) {
    assert_true(left[i] == (i < 37 ? 0.0f : 1.0f));
  }
  aether_engine_free(e);
}

static void
test_stolen_voice_restarts_its_gate(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  const AetherHandle  m   = add(e, "MidiNote", "midi");
  const AetherHandle  out = add(e, "AudioOut", "out");
  AetherError         err = { AETHER_SUCCESS, "" };
  connect(e, m, "gate", out, "left");
  poly(e, m);
  aether_graph_set_voices(aether_engine_graph(e), 2, &err);
  commit(e);

  float left[256];
  midi(e, 0x90, 60, 100);
  midi(e, 0x90, 62, 100);
  render(e, left, 64);
  assert_true(left[63] == 2.0f); /* two gates summed */
  midi(e, 0x90, 64, 100);        /* steals the voice of 60 */
  render(e, left, 64);
  assert_true(left[0] == 1.0f); /* its gate drops for one frame ... */
  assert_true(left[1] == 2.0f); /* ... so its envelope starts again */
  aether_engine_free(e);
}

static void
test_random_nodes_are_seeded_by_name(void** state)
{
  (void)state;
  static float out[3][2048];
  for (int k = 0; k < 3; ++k) {
    AetherEngine* const e   = aether_engine_new(RATE);
    const AetherHandle  n   = add(e, "Noise", k == 2 ? "other" : "hiss");
    const AetherHandle  o   = add(e, "AudioOut", "out");
    const AetherHandle  pad = add(e, "Noise", "pad"); /* created before */
    (void)pad;
    connect(e, n, "out", o, "left");
    commit(e);
    render(e, out[k], 2048);
    aether_engine_free(e);
  }
  /* The same patch sounds the same on every load; another name differs. */
  assert_memory_equal(out[0], out[1], sizeof(out[0]));
  assert_memory_not_equal(out[0], out[2], sizeof(out[0]));
}

static void
test_midi_controllers_drive_mapped_params(void** state)
{
  (void)state;
  AetherEngine* const e   = aether_engine_new(RATE);
  AetherGraph* const  g   = aether_engine_graph(e);
  AetherError         err = { AETHER_SUCCESS, "" };
  const AetherHandle  in  = add(e, "Macro", "one"); /* a constant 1 */
  const AetherHandle  vca = add(e, "Gain", "vca");
  const AetherHandle  out = add(e, "AudioOut", "out");
  set(e, in, "min", 1.0f);
  connect(e, in, "out", vca, "in");
  connect(e, vca, "out", out, "left");

  /* Controller 74 on any channel: gain 0 .. 2; controller 1 on channel 3
     only: gain 0 .. 4 (exponential needs a positive range). */
  const AetherCcMap any = { 74, 0, vca, 0, 0.0f, 2.0f, AETHER_CURVE_LINEAR };
  AetherCcMap ch3 = { 1, 3, vca, 0, 0.0f, 4.0f, AETHER_CURVE_EXPONENTIAL };
  assert_int_equal(aether_graph_map_cc(g, &any, &err), AETHER_SUCCESS);
  assert_int_equal(aether_graph_map_cc(g, &ch3, &err), AETHER_ERR_BAD_VALUE);
  assert_non_null(strstr(err.message, "exponential curve"));
  ch3.curve = AETHER_CURVE_LINEAR;
  assert_int_equal(aether_graph_map_cc(g, &ch3, &err), AETHER_SUCCESS);
  AetherCcMap bad = any;
  bad.cc          = 128;
  assert_int_equal(aether_graph_map_cc(g, &bad, &err), AETHER_ERR_BAD_ARG);
  bad.cc  = 7;
  bad.max = 5.0f; /* beyond the gain's 0 .. 4 */
  assert_int_equal(aether_graph_map_cc(g, &bad, &err), AETHER_ERR_BAD_VALUE);
  assert_int_equal(aether_graph_n_cc_maps(g), 2);
  commit(e);

  float out_buf[8192];
  render(e, out_buf, 64);
  assert_float_equal(out_buf[63], 0.8f, 1e-6f); /* the gain's own value */
  midi(e, 0xB5, 74, 127); /* channel 6: any-channel mapping */
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 2.0f, 1e-6f);
  midi(e, 0xB0, 1, 127); /* channel 1: not the channel-3 mapping */
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 2.0f, 1e-6f);
  midi(e, 0xB2, 1, 127); /* channel 3 */
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 4.0f, 1e-6f);

  /* A new schedule keeps what the controllers set. */
  add(e, "Noise", "unrelated");
  commit(e);
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 4.0f, 1e-5f);

  /* After a swap an every-channel mapping takes the latest value on any
     channel (not the highest channel's). */
  midi(e, 0xB4, 74, 127);
  midi(e, 0xB0, 74, 32);
  render(e, out_buf, 64);
  add(e, "Noise", "another");
  commit(e);
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 4.0f, 1e-5f); /* channel 3's cc 1 */
  AetherError unmapped;
  assert_int_equal(aether_graph_unmap_cc(g, 1, 3, vca, 0, &unmapped), 0);
  commit(e); /* the gain goes back to what cc 74 = 32 set: 2 * 32 / 127 */
  render(e, out_buf, 4096);
  assert_float_equal(out_buf[4095], 2.0f * 32.0f / 127.0f, 1e-5f);

  /* Removing the node removes its mappings. */
  AetherError ignored;
  aether_graph_remove(g, vca, &ignored);
  assert_int_equal(aether_graph_n_cc_maps(g), 0);
  aether_engine_free(e);
}

/* The allocator alone, white box. */
static uint32_t
voice_of(const AetherEngine* const e, const uint32_t n, const uint8_t note)
{
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t k = 0; k < e->n_voice_midi[v]; ++k) {
      const AetherMidiEvent* const ev = &e->voice_midi[v][k];
      if ((ev->data[0] & 0xF0U) == 0x90U && ev->data[1] == note) {
        return v;
      }
    }
  }
  return n;
}

static void
route(AetherEngine* const e, const uint8_t a, const uint8_t b, const uint8_t c)
{
  e->n_midi = 0;
  midi(e, a, b, c);
  aether_voices_route(e, 3);
}

static void
test_voice_allocation_order(void** state)
{
  (void)state;
  AetherEngine* const e = aether_engine_new(RATE);
  aether_voices_reset(e);

  /* Free voices first, lowest first. */
  route(e, 0x90, 60, 100);
  assert_int_equal(voice_of(e, 3, 60), 0);
  route(e, 0x90, 62, 100);
  assert_int_equal(voice_of(e, 3, 62), 1);
  route(e, 0x90, 64, 100);
  assert_int_equal(voice_of(e, 3, 64), 2);

  /* All held: the oldest held note (60, voice 0) is stolen, and that voice
     hears 60's note-off before the new note. */
  route(e, 0x90, 65, 100);
  assert_int_equal(voice_of(e, 3, 65), 0);
  assert_int_equal(e->n_voice_midi[0], 2);
  assert_int_equal(e->voice_midi[0][0].data[0], 0x80);
  assert_int_equal(e->voice_midi[0][0].data[1], 60);

  /* Released voices go before held ones, the longest released first. */
  route(e, 0x80, 64, 0); /* voice 2 released */
  route(e, 0x80, 62, 0); /* voice 1 released later */
  route(e, 0x90, 67, 100);
  assert_int_equal(voice_of(e, 3, 67), 2);
  route(e, 0x90, 69, 100);
  assert_int_equal(voice_of(e, 3, 69), 1);

  /* The same key again goes to its own voice. */
  route(e, 0x90, 69, 90);
  assert_int_equal(voice_of(e, 3, 69), 1);

  /* A note-off of a stolen note reaches nobody. */
  route(e, 0x80, 60, 0);
  assert_int_equal(e->n_voice_midi[0] + e->n_voice_midi[1] + e->n_voice_midi[2],
                   0);

  /* Controllers reach every voice. */
  route(e, 0xE0, 0, 80);
  assert_int_equal(e->n_voice_midi[0], 1);
  assert_int_equal(e->n_voice_midi[1], 1);
  assert_int_equal(e->n_voice_midi[2], 1);
  aether_engine_free(e);
}

static void
test_voice_count_change_keeps_shared_state(void** state)
{
  (void)state;
  AetherEngine* const e   = sine_synth(2);
  AetherError         err = { AETHER_SUCCESS, "" };
  static float        out[4096];

  midi(e, 0x90, 57, 127);
  midi(e, 0x90, 64, 127);
  render(e, out, 2048);
  assert_true(measure_peak(out + 1024, 1024) > 0.3); /* both sound */

  /* Eight voices: a structural edit, prepared off the audio thread. */
  assert_int_equal(aether_graph_set_voices(aether_engine_graph(e), 8, &err),
                   AETHER_SUCCESS);
  commit(e);
  assert_int_equal(e->latest->voices, 8);
  assert_int_equal(e->latest->n_nodes, 4 * 8 + 1);
  render(e, out, 4096);
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);

  /* Back to one: surplus voice instances are freed after retirement. */
  assert_int_equal(aether_graph_set_voices(aether_engine_graph(e), 1, &err),
                   AETHER_SUCCESS);
  commit(e);
  assert_int_equal(e->latest->n_nodes, 5);
  render(e, out, 4096);
  aether_engine_collect(e);
  assert_int_equal(aether_engine_n_in_flight(e), 1);

  /* Mono: last-note priority through the single voice. */
  midi(e, 0x90, 57, 127);
  midi(e, 0x90, 69, 127);
  midi(e, 0x80, 69, 0);
  render(e, out, 4096);
  static double power[2049];
  measure_spectrum(out + 1024, 2048, power);
  assert_float_equal(measure_peak_hz(power, 2048, RATE), 220.0, 12.0);
  assert_int_equal(aether_graph_set_voices(aether_engine_graph(e), 33, &err),
                   AETHER_ERR_BAD_VALUE);
  aether_engine_free(e);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_chord_sounds_every_pitch),
    cmocka_unit_test(test_note_off_sustain_and_velocity),
    cmocka_unit_test(test_note_starts_on_its_frame),
    cmocka_unit_test(test_stolen_voice_restarts_its_gate),
    cmocka_unit_test(test_random_nodes_are_seeded_by_name),
    cmocka_unit_test(test_midi_controllers_drive_mapped_params),
    cmocka_unit_test(test_voice_allocation_order),
    cmocka_unit_test(test_voice_count_change_keeps_shared_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
