/* Aether tests: `aether render` gives exactly what the plugin gives in the
   lilv test harness (tests/plugin/lv2host.c) for the same patch, preset,
   controls, parameters and notes, sample for sample; the host block size
   changes nothing; a gain patch scales its input exactly.

   Usage: test_render AETHER SOURCE_ROOT (LV2_PATH set by meson). */

#include "lv2host.h"
#include "measure.h"

#include <lv2/presets/presets.h>
#include <sndfile.h>

#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define RATE 48000U
#define FX "urn:aether:fx"
#define SYNTH "urn:aether:synth"

extern char** environ;

static const char* aether;
static const char* source_root;

/* A MIDI message at an absolute frame. */
typedef struct {
  uint64_t frame;
  uint8_t  msg[3];
} Note;

/* A stereo render. */
typedef struct {
  float*   ch[2];
  uint64_t frames;
} Audio;

static Audio
audio_new(const uint64_t frames)
{
  Audio a = { { (float*)calloc(frames, sizeof(float)),
                (float*)calloc(frames, sizeof(float)) },
              frames };
  assert_non_null(a.ch[0]);
  assert_non_null(a.ch[1]);
  return a;
}

static void
audio_free(Audio* const a)
{
  free(a->ch[0]);
  free(a->ch[1]);
}

/* Run `aether ARGS...` (NULL-terminated), its report into test_render.log;
   return its exit status. */
static int
run_aether(const char* const first, ...)
{
  const char* args[64] = { aether, first };
  int         n        = 2;
  va_list     ap;
  va_start(ap, first);
  while (n < 63 && (args[n] = va_arg(ap, const char*))) {
    ++n;
  }
  va_end(ap);
  args[n] = NULL;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions,
                                   STDOUT_FILENO,
                                   "test_render.log",
                                   O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  pid_t pid = 0;
  assert_int_equal(
    posix_spawn(&pid, aether, &actions, NULL, (char* const*)args, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void
write_wav(const char* const path, const Audio* const a)
{
  SF_INFO        info = { 0, RATE, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 0, 0 };
  SNDFILE* const f    = sf_open(path, SFM_WRITE, &info);
  assert_non_null(f);
  for (uint64_t i = 0; i < a->frames; ++i) {
    const float frame[2] = { a->ch[0][i], a->ch[1][i] };
    assert_int_equal(sf_writef_float(f, frame, 1), 1);
  }
  sf_close(f);
}

static Audio
read_wav(const char* const path)
{
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE* const f = sf_open(path, SFM_READ, &info);
  assert_non_null(f);
  assert_int_equal(info.channels, 2);
  assert_int_equal(info.samplerate, RATE);
  assert_int_equal(info.format, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  Audio a = audio_new((uint64_t)info.frames);
  for (uint64_t i = 0; i < a.frames; ++i) {
    float frame[2];
    assert_int_equal(sf_readf_float(f, frame, 1), 1);
    a.ch[0][i] = frame[0];
    a.ch[1][i] = frame[1];
  }
  sf_close(f);
  return a;
}

/* Render in the harness in blocks of `block`, MIDI at its exact frame,
   after a setup done by the caller (as aether does: before frame 0). */
static void
harness_render(Host* const        host,
               const Audio* const in,
               Audio* const       out,
               const uint32_t     block,
               const Note* const  notes,
               const size_t       n_notes)
{
  size_t next = 0;
  for (uint64_t pos = 0; pos < out->frames;) {
    const uint32_t len =
      out->frames - pos < block ? (uint32_t)(out->frames - pos) : block;
    while (next < n_notes && notes[next].frame < pos + len) {
      const Note* const n = &notes[next++];
      host_midi(
        host, (uint32_t)(n->frame - pos), n->msg[0], n->msg[1], n->msg[2]);
    }
    const float* const bin[2] = { in ? in->ch[0] + pos : NULL,
                                  in ? in->ch[1] + pos : NULL };
    float* const bout[2] = { out->ch[0] + pos, out->ch[1] + pos };
    host_run(host, in ? bin : NULL, bout, len, len);
    pos += len;
  }
}

/* The setup runs aether makes: two runs of 0 frames after a message. */
static void
settle(Host* const host)
{
  host_run(host, NULL, NULL, 0, 64);
  host_run(host, NULL, NULL, 0, 64);
}

static void
assert_same(const Audio* const a, const Audio* const b)
{
  assert_int_equal(a->frames, b->frames);
  for (int c = 0; c < 2; ++c) {
    for (uint64_t i = 0; i < a->frames; ++i) {
      if (memcmp(&a->ch[c][i], &b->ch[c][i], sizeof(float))) {
        fprintf(stderr,
                "channel %d frame %llu: %.9g != %.9g\n",
                c,
                (unsigned long long)i,
                (double)a->ch[c][i],
                (double)b->ch[c][i]);
        fail();
      }
    }
  }
}

/* A deterministic input: plucks of decaying noise and a low sine. */
static Audio
make_input(const uint64_t frames, const uint64_t sounding)
{
  Audio    a    = audio_new(frames);
  uint32_t seed = 7U;
  for (uint64_t i = 0; i < sounding; ++i) {
    seed              = seed * 1664525U + 1013904223U;
    const double t    = (double)(i % 12000U) / (double)RATE;
    const double env  = exp(-t * 12.0);
    const double nz   = (double)(seed >> 8U) / 8388608.0 - 1.0;
    const double sine = sin(2.0 * M_PI * 110.0 * (double)i / RATE);
    a.ch[0][i]        = (float)(0.3 * env * nz + 0.2 * sine);
    a.ch[1][i]        = (float)(0.3 * env * nz - 0.1 * sine);
  }
  return a;
}

static void
test_fx_patch_file_matches_the_harness(void** state)
{
  (void)state;
  char patch[1024];
  snprintf(patch, sizeof(patch), "%s/patches/stereo-echo.ttl", source_root);
  Audio in = make_input(2U * RATE, 3U * RATE / 2U);
  write_wav("test_render_in.wav", &in);

  assert_int_equal(run_aether("render",
                              "--plugin",
                              "fx",
                              "--patch",
                              patch,
                              "-i",
                              "test_render_in.wav",
                              "-o",
                              "test_render_fx.wav",
                              "--block",
                              "256",
                              "--set",
                              "macro1=0.8",
                              "--set",
                              "tone.cutoff=1200",
                              NULL),
                   0);
  Audio cli = read_wav("test_render_fx.wav");
  assert_int_equal(cli.frames, 2U * RATE); /* the input's length */

  Host* const host = host_new(FX, RATE, HOST_ALL);
  assert_non_null(host);
  host_set_string(host, 0, "urn:aether:patchFile", patch, true);
  settle(host);
  assert_string_equal(host_status(host), "ok");
  host_control(host, "macro1", 0.8f);
  host_set_param(host, 0, "tone", "cutoff", 1200.0f);
  settle(host);
  Audio ref = audio_new(cli.frames);
  harness_render(host, &in, &ref, 256, NULL, 0);
  host_free(host);

  assert_same(&cli, &ref);
  /* Not two silences: the echo repeats the input after it ended. */
  assert_true(measure_rms(cli.ch[0], cli.frames) > 0.05);
  const size_t tail = RATE / 4U; /* the last quarter second */
  assert_true(measure_rms(cli.ch[1] + cli.frames - tail, tail) > 1e-3);
  audio_free(&in);
  audio_free(&cli);
  audio_free(&ref);
}

/* A format 1 MIDI file: a tempo track (120 bpm, then 60 bpm from the
   second beat) and a note track, 96 ticks per quarter note. */
static const uint8_t midi_file[] = {
  'M',
  'T',
  'h',
  'd',
  0,
  0,
  0,
  6,
  0,
  1,
  0,
  2,
  0,
  96,
  /* tempo track */
  'M',
  'T',
  'r',
  'k',
  0,
  0,
  0,
  18,
  0x00,
  0xFF,
  0x51,
  0x03,
  0x07,
  0xA1,
  0x20, /* 500000 us a quarter */
  0x60,
  0xFF,
  0x51,
  0x03,
  0x0F,
  0x42,
  0x40, /* tick 96: 1000000 */
  0x00,
  0xFF,
  0x2F,
  0x00,
  /* notes: A2 from tick 0 to 48, E3 from 48 to 144, A3 from 144 to 240 */
  'M',
  'T',
  'r',
  'k',
  0,
  0,
  0,
  28,
  0x00,
  0x90,
  45,
  100,
  0x30,
  0x80,
  45,
  0,
  0x00,
  0x90,
  52,
  90,
  0x60,
  0x80,
  52,
  0,
  0x00,
  0x90,
  57,
  110,
  0x60,
  0x80,
  57,
  0,
  0x00,
  0xFF,
  0x2F,
  0x00,
};

static void
test_synth_preset_and_midi_file_match_the_harness(void** state)
{
  (void)state;
  FILE* const f = fopen("test_render.mid", "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(midi_file, 1, sizeof(midi_file), f),
                   sizeof(midi_file));
  fclose(f);

  assert_int_equal(run_aether("render",
                              "--preset",
                              "synth-default",
                              "--midi",
                              "test_render.mid",
                              "-o",
                              "test_render_synth.wav",
                              "--block",
                              "100",
                              "--seconds",
                              "3",
                              NULL),
                   0);
  Audio cli = read_wav("test_render_synth.wav");
  assert_int_equal(cli.frames, 3U * RATE);

  /* The frames, by hand: tick 48 is 0.25 s, tick 96 0.5 s, then a tick is
     1/96 s: tick 144 is 1 s, tick 240 2 s. */
  static const Note notes[] = {
    { 0, { 0x90, 45, 100 } },     { 12000, { 0x80, 45, 0 } },
    { 12000, { 0x90, 52, 90 } },  { 48000, { 0x80, 52, 0 } },
    { 48000, { 0x90, 57, 110 } }, { 96000, { 0x80, 57, 0 } },
  };
  LilvWorld* const world = host_world();
  LilvNode* const  uri = lilv_new_uri(world, "urn:aether:preset:synth-default");
  lilv_world_load_resource(world, uri);
  Host* const host = host_new(SYNTH, RATE, HOST_ALL);
  assert_non_null(host);
  LilvState* const preset =
    lilv_state_new_from_world(world, host_urid_map(host), uri);
  assert_non_null(preset);
  host_restore(host, preset);
  settle(host);
  assert_string_equal(host_status(host), "ok");
  Audio ref = audio_new(cli.frames);
  harness_render(
    host, NULL, &ref, 100, notes, sizeof(notes) / sizeof(notes[0]));
  host_free(host);
  lilv_state_free(preset);
  lilv_node_free(uri);

  assert_same(&cli, &ref);
  /* The notes sound, and the pitch follows the file: A3 (from 1 s) is an
     octave above A2 (until 0.25 s), whatever the preset's voice. */
  static double power[8192 / 2 + 1];
  measure_spectrum(cli.ch[0] + 1000, 8192, power);
  const double a2 = measure_peak_hz(power, 8192, RATE);
  measure_spectrum(cli.ch[0] + 60000, 8192, power);
  const double a3 = measure_peak_hz(power, 8192, RATE);
  assert_true(measure_rms(cli.ch[0], 12000) > 0.01);
  assert_true(measure_rms(cli.ch[0] + 48000, 48000) > 0.01);
  assert_true(fabs(a3 / a2 - 2.0) < 0.03);
  audio_free(&cli);
  audio_free(&ref);
}

static void
test_block_size_changes_nothing(void** state)
{
  (void)state;
  const char* const        notes    = "C3:0:0.5,G3:0.25:0.5:70,C4:0.5:1:120";
  static const char* const blocks[] = { "4096", "7", "1" };
  Audio                    first    = { { NULL, NULL }, 0 };
  for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); ++i) {
    assert_int_equal(run_aether("render",
                                "--notes",
                                notes,
                                "--block",
                                blocks[i],
                                "--set",
                                "macro1=0.3",
                                "-o",
                                "test_render_block.wav",
                                NULL),
                     0);
    Audio a = read_wav("test_render_block.wav");
    assert_int_equal(a.frames, 7U * RATE / 2U); /* last note + 2 s */
    if (!i) {
      first = a;
      assert_true(measure_rms(a.ch[0], a.frames) > 0.01);
    } else {
      assert_same(&first, &a);
      audio_free(&a);
    }
  }
  audio_free(&first);
}

static void
test_gain_patch_scales_its_input_exactly(void** state)
{
  (void)state;
  FILE* const f = fopen("test_render_gain.ttl", "w");
  assert_non_null(f);
  fputs("@prefix ae: <urn:aether:> .\n"
        "@prefix node: <urn:aether:node:> .\n"
        "node:in a ae:AudioIn .\n"
        "node:g a ae:Gain ; ae:gain 0.5 ; ae:in node:in.right .\n"
        "node:out a ae:AudioOut ; ae:left node:g .\n",
        f);
  fclose(f);
  Audio in = make_input(RATE / 2U, RATE / 2U);
  write_wav("test_render_in.wav", &in);
  assert_int_equal(run_aether("render",
                              "-i",
                              "test_render_in.wav",
                              "--patch",
                              "test_render_gain.ttl",
                              "-o",
                              "test_render_gain.wav",
                              "--block",
                              "333",
                              NULL),
                   0);
  Audio out = read_wav("test_render_gain.wav");
  assert_int_equal(out.frames, in.frames);
  for (uint64_t i = 0; i < out.frames; ++i) {
    assert_true(out.ch[0][i] == 0.5f * in.ch[1][i]); /* from frame 0 */
    assert_true(out.ch[1][i] == out.ch[0][i]);       /* left to both */
  }
  audio_free(&in);
  audio_free(&out);
}

int
main(int argc, char** argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: %s AETHER SOURCE_ROOT\n", argv[0]);
    return 2;
  }
  aether                          = argv[1];
  source_root                     = argv[2];
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fx_patch_file_matches_the_harness),
    cmocka_unit_test(test_synth_preset_and_midi_file_match_the_harness),
    cmocka_unit_test(test_block_size_changes_nothing),
    cmocka_unit_test(test_gain_patch_scales_its_input_exactly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
