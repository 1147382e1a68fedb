/* Aether tests: the CLI's MIDI input. Standard MIDI Files built here byte
   by byte are read into events at exact frames (tempo changes, merged
   tracks, SMPTE time, running status); corrupt files are errors that say
   where, and never crash (random mutations, under the sanitizers in CI);
   inline note lists give exact frames and clear errors. */

#include "midi.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RATE 48000.0

/* Building files */

typedef struct {
  uint8_t data[4096];
  size_t  len;
} Bytes;

static void
put(Bytes* const b, const uint8_t* const data, const size_t len)
{
  assert_true(b->len + len <= sizeof(b->data));
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void
put_bytes(Bytes* const b, const int n, ...)
{
  va_list args;
  va_start(args, n);
  for (int i = 0; i < n; ++i) {
    const uint8_t byte = (uint8_t)va_arg(args, int);
    put(b, &byte, 1);
  }
  va_end(args);
}

static void
put_vlq(Bytes* const b, const uint32_t value)
{
  uint8_t  tmp[5];
  uint32_t n = 0;
  uint32_t v = value;
  tmp[n++]   = (uint8_t)(v & 0x7FU);
  while (v >>= 7U) {
    tmp[n++] = (uint8_t)(0x80U | (v & 0x7FU));
  }
  while (n) {
    put(b, &tmp[--n], 1);
  }
}

static void
put_be(Bytes* const b, const uint32_t value, const int size)
{
  for (int i = size - 1; i >= 0; --i) {
    const uint8_t byte = (uint8_t)(value >> (8 * i));
    put(b, &byte, 1);
  }
}

static void
put_header(Bytes* const   b,
           const uint32_t format,
           const uint32_t n_tracks,
           const uint32_t division)
{
  put(b, (const uint8_t*)"MThd", 4);
  put_be(b, 6, 4);
  put_be(b, format, 2);
  put_be(b, n_tracks, 2);
  put_be(b, division, 2);
}

static void
put_track(Bytes* const b, const Bytes* const events)
{
  put(b, (const uint8_t*)"MTrk", 4);
  put_be(b, (uint32_t)events->len, 4);
  put(b, events->data, events->len);
}

/* A tempo meta event after `delta` ticks. */
static void
put_tempo(Bytes* const t, const uint32_t delta, const uint32_t us_per_quarter)
{
  put_vlq(t, delta);
  put_bytes(t, 3, 0xFF, 0x51, 0x03);
  put_be(t, us_per_quarter, 3);
}

static void
put_end(Bytes* const t)
{
  put_bytes(t, 4, 0x00, 0xFF, 0x2F, 0x00);
}

static AetherStatus
parse(const Bytes* const b, AetherMidiSeq* const seq, AetherError* const err)
{
  aether_error_clear(err);
  return aether_midi_parse(b->data, b->len, "t.mid", RATE, seq, err);
}

static void
assert_event(const AetherMidiSeq* const seq,
             const size_t               i,
             const uint64_t             frame,
             const uint8_t              status,
             const uint8_t              d1,
             const uint8_t              d2)
{
  assert_true(i < seq->n);
  assert_int_equal(seq->events[i].frame, frame);
  assert_int_equal(seq->events[i].data[0], status);
  assert_int_equal(seq->events[i].data[1], d1);
  if (seq->events[i].size == 3) {
    assert_int_equal(seq->events[i].data[2], d2);
  }
}

/* A format 0 file: 480 ticks per quarter at 120 bpm (0.5 s a quarter),
   then 60 bpm from tick 960. Running status, a program change (2 bytes),
   a sysex and a text event in the way. */
static void
make_format0(Bytes* const file)
{
  Bytes t = { { 0 }, 0 };
  put_bytes(&t, 4, 0x00, 0xC0, 0x05, 0x00); /* program 5; delta 0 next */
  put_bytes(&t, 3, 0x90, 60, 100);          /* note on at tick 0 */
  put_vlq(&t, 480);
  put_bytes(&t, 2, 60, 0); /* running status: note on, velocity 0 (off) */
  put_vlq(&t, 0);
  put_bytes(&t, 5, 0xF0, 0x03, 0x7E, 0x7F, 0xF7); /* sysex: cancels status */
  put_vlq(&t, 0);
  put_bytes(&t, 6, 0xFF, 0x01, 0x03, 'a', 'b', 'c'); /* text */
  put_tempo(&t, 480, 1000000);                       /* tick 960: 60 bpm */
  put_vlq(&t, 480);                                  /* tick 1440 */
  put_bytes(&t, 3, 0x91, 64, 90);
  put_vlq(&t, 240); /* tick 1680 */
  put_bytes(&t, 3, 0x81, 64, 0);
  put_end(&t);
  put_header(file, 0, 1, 480);
  put_track(file, &t);
}

static void
test_format0_tempo_changes_and_running_status(void** state)
{
  (void)state;
  Bytes file = { { 0 }, 0 };
  make_format0(&file);
  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  assert_int_equal(parse(&file, &seq, &err), AETHER_SUCCESS);

  assert_int_equal(seq.n, 5);
  assert_int_equal(seq.events[0].size, 2); /* program change */
  assert_event(&seq, 0, 0, 0xC0, 5, 0);
  assert_event(&seq, 1, 0, 0x90, 60, 100);
  assert_event(&seq, 2, 24000, 0x90, 60, 0); /* 0.5 s */
  /* Tick 960 is 1 s; 480 more ticks at 60 bpm are 1 s more. */
  assert_event(&seq, 3, 96000, 0x91, 64, 90);
  assert_event(&seq, 4, 120000, 0x81, 64, 0); /* + 0.5 s */
  assert_int_equal(aether_midi_seq_last(&seq), 120000);
  aether_midi_seq_clear(&seq);
}

/* Format 1: a tempo track, two note tracks; events merge in time order and
   a tempo change in track 1 times the notes of tracks 2 and 3. */
static void
test_format1_tracks_merge_in_time_order(void** state)
{
  (void)state;
  Bytes tempo = { { 0 }, 0 };
  Bytes a     = { { 0 }, 0 };
  Bytes b     = { { 0 }, 0 };
  put_tempo(&tempo, 0, 400000); /* 150 bpm: a quarter is 0.4 s */
  put_tempo(&tempo, 96, 800000);
  put_end(&tempo);

  put_bytes(&a, 4, 0x00, 0x90, 48, 80); /* tick 0 */
  put_vlq(&a, 192);
  put_bytes(&a, 3, 0x80, 48, 0); /* tick 192 */
  put_end(&a);

  put_vlq(&b, 0);
  put_bytes(&b, 3, 0x90, 55, 70); /* tick 0, after track 2's */
  put_vlq(&b, 48);
  put_bytes(&b, 3, 0xB0, 1, 64); /* tick 48: mod wheel */
  put_vlq(&b, 144);
  put_bytes(&b, 3, 0x80, 55, 0); /* tick 192, after track 2's */
  put_end(&b);

  Bytes file = { { 0 }, 0 };
  put_header(&file, 1, 3, 96);
  put_track(&file, &tempo);
  put(&file, (const uint8_t*)"XFIH\0\0\0\2ab", 10); /* alien chunk: skipped */
  put_track(&file, &a);
  put_track(&file, &b);

  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  assert_int_equal(parse(&file, &seq, &err), AETHER_SUCCESS);
  assert_int_equal(seq.n, 5);
  assert_event(&seq, 0, 0, 0x90, 48, 80);
  assert_event(&seq, 1, 0, 0x90, 55, 70);
  assert_event(&seq, 2, 9600, 0xB0, 1, 64); /* 48 ticks * 0.4 s / 96 */
  /* Tick 96 is 0.4 s, then 96 ticks at 0.8 s a quarter: 1.2 s. */
  assert_event(&seq, 3, 57600, 0x80, 48, 0);
  assert_event(&seq, 4, 57600, 0x80, 55, 0);
  aether_midi_seq_clear(&seq);
}

static void
test_smpte_division_counts_ticks_per_second(void** state)
{
  (void)state;
  Bytes t = { { 0 }, 0 };
  put_tempo(&t, 0, 250000); /* ignored with SMPTE time */
  put_vlq(&t, 1000);
  put_bytes(&t, 3, 0x90, 60, 1);
  put_vlq(&t, 500);
  put_bytes(&t, 3, 0x80, 60, 0);
  put_end(&t);
  Bytes file = { { 0 }, 0 };
  put_header(&file, 0, 1, 0xE728); /* -25 frames a second, 40 ticks each */
  put_track(&file, &t);

  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  assert_int_equal(parse(&file, &seq, &err), AETHER_SUCCESS);
  assert_int_equal(seq.n, 2);
  assert_event(&seq, 0, 48000, 0x90, 60, 1); /* 1000 ticks: 1 s */
  assert_event(&seq, 1, 72000, 0x80, 60, 0);
  aether_midi_seq_clear(&seq);
}

/* Corrupt files */

typedef struct {
  const char* what;
  void (*make)(Bytes* file);
  const char* message;
} Corruption;

static void
make_empty(Bytes* const f)
{
  put(f, (const uint8_t*)"RIFF0000WAVEfmt ", 16);
}

static void
make_format2(Bytes* const f)
{
  put_header(f, 2, 1, 96);
}

static void
make_two_tracks_format0(Bytes* const f)
{
  put_header(f, 0, 2, 96);
}

static void
make_missing_track(Bytes* const f)
{
  Bytes t = { { 0 }, 0 };
  put_end(&t);
  put_header(f, 1, 2, 96);
  put_track(f, &t);
}

static void
make_long_chunk(Bytes* const f)
{
  put_header(f, 0, 1, 96);
  put(f, (const uint8_t*)"MTrk", 4);
  put_be(f, 1000, 4);
  put_bytes(f, 4, 0x00, 0x90, 60, 100);
}

static void
make_track(Bytes* const f, const uint8_t* const events, const size_t len)
{
  Bytes t = { { 0 }, 0 };
  put(&t, events, len);
  put_header(f, 0, 1, 96);
  put_track(f, &t);
}

static void
make_no_status(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 60, 100 };
  make_track(f, e, sizeof(e));
}

static void
make_big_data(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0x90, 60, 0xC8 };
  make_track(f, e, sizeof(e));
}

static void
make_system_status(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0xF1, 0x00 };
  make_track(f, e, sizeof(e));
}

static void
make_long_vlq(Bytes* const f)
{
  static const uint8_t e[] = { 0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 60, 1 };
  make_track(f, e, sizeof(e));
}

static void
make_cut_event(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0x90, 60 };
  make_track(f, e, sizeof(e));
}

static void
make_zero_tempo(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0xFF, 0x51, 0x03, 0, 0, 0 };
  make_track(f, e, sizeof(e));
}

static void
make_long_meta(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0xFF, 0x01, 0x7F, 'a' };
  make_track(f, e, sizeof(e));
}

static void
make_running_after_sysex(Bytes* const f)
{
  static const uint8_t e[] = { 0x00, 0x90, 60,   1,  0x00, 0xF0,
                               0x01, 0xF7, 0x00, 61, 1 };
  make_track(f, e, sizeof(e));
}

static void
test_corrupt_files_are_errors_that_say_where(void** state)
{
  (void)state;
  static const Corruption cases[] = {
    { "not a MIDI file",
      make_empty,
      "t.mid: not a Standard MIDI File (no MThd header)" },
    { "format 2",
      make_format2,
      "t.mid: MIDI file format 2 is not supported (only 0 and 1)" },
    { "format 0, 2 tracks",
      make_two_tracks_format0,
      "t.mid: byte 10: a format 0 file with 2 tracks" },
    { "a missing track",
      make_missing_track,
      "t.mid: byte 26: the header announces 2 tracks, the file has 1" },
    { "a chunk past the end",
      make_long_chunk,
      "t.mid: byte 18: a chunk of 1000 bytes, but only 4 are left" },
    { "no status",
      make_no_status,
      "t.mid: byte 23 (track 1): a data byte without a status byte" },
    { "data above 127",
      make_big_data,
      "t.mid: byte 23 (track 1): a data byte above 127" },
    { "a system status",
      make_system_status,
      "t.mid: byte 23 (track 1): unexpected status byte 0xF1" },
    { "a 5-byte number",
      make_long_vlq,
      "t.mid: byte 26 (track 1): a delta time longer than 4 bytes" },
    { "a cut event",
      make_cut_event,
      "t.mid: byte 25 (track 1): the track ends inside an event" },
    { "a zero tempo",
      make_zero_tempo,
      "t.mid: byte 23 (track 1): a tempo change of zero or of a wrong "
      "length" },
    { "a meta event too long",
      make_long_meta,
      "t.mid: byte 26 (track 1): an event longer than its track" },
    { "running status after sysex",
      make_running_after_sysex,
      "t.mid: byte 31 (track 1): a data byte without a status byte" },
  };

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    Bytes file = { { 0 }, 0 };
    cases[i].make(&file);
    AetherMidiSeq      seq = { NULL, 0, 0 };
    AetherError        err;
    const AetherStatus st = parse(&file, &seq, &err);
    if (st == AETHER_SUCCESS || strcmp(err.message, cases[i].message)) {
      fprintf(stderr, "%s: got \"%s\"\n", cases[i].what, err.message);
    }
    assert_int_not_equal(st, AETHER_SUCCESS);
    assert_string_equal(err.message, cases[i].message);
    assert_int_equal(seq.n, 0);
    assert_null(seq.events);
  }
}

/* A file of more events than AETHER_MIDI_MAX_EVENTS is refused: memory
   is bounded by the limit, not by what a file holds. */
static void
test_too_many_events_are_refused(void** state)
{
  (void)state;
  const size_t   n    = AETHER_MIDI_MAX_EVENTS + 1U;
  const size_t   len  = 4U + 3U * (n - 1U); /* then running status */
  const size_t   size = 22U + len;
  uint8_t* const data = (uint8_t*)malloc(size);
  assert_non_null(data);
  static const uint8_t head[] = { 'M', 'T', 'h', 'd', 0,  0,   0,   6,   0,
                                  0,   0,   1,   0,   96, 'M', 'T', 'r', 'k' };
  memcpy(data, head, sizeof(head));
  for (int i = 0; i < 4; ++i) {
    data[18 + i] = (uint8_t)(len >> (8 * (3 - i)));
  }
  uint8_t* p = data + 22;
  *p++       = 0x00;
  *p++       = 0x90;
  for (size_t i = 0; i < n; ++i) {
    if (i) {
      *p++ = 0x00; /* delta 0; the status runs on */
    }
    *p++ = 60;
    *p++ = 1;
  }
  assert_int_equal((size_t)(p - data), size);

  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  aether_error_clear(&err);
  assert_int_equal(aether_midi_parse(data, size, "t.mid", RATE, &seq, &err),
                   AETHER_ERR_FULL);
  assert_string_equal(err.message, "t.mid: more than 1048576 events");
  assert_null(seq.events);

  /* One event fewer is fine. */
  const size_t fewer = len - 3U;
  for (int i = 0; i < 4; ++i) {
    data[18 + i] = (uint8_t)(fewer >> (8 * (3 - i)));
  }
  assert_int_equal(
    aether_midi_parse(data, 22U + fewer, "t.mid", RATE, &seq, &err),
    AETHER_SUCCESS);
  assert_int_equal(seq.n, AETHER_MIDI_MAX_EVENTS);
  aether_midi_seq_clear(&seq);
  free(data);
}

/* Random damage to a valid file: every result is a clean success or an
   error naming the file; with sanitizers, any stray read would abort. */
static void
test_random_damage_never_crashes(void** state)
{
  (void)state;
  Bytes good = { { 0 }, 0 };
  make_format0(&good);
  uint32_t seed     = 12345U;
  uint32_t n_errors = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes f = good;
    for (int k = 0; k < 1 + round % 4; ++k) {
      seed            = seed * 1664525U + 1013904223U;
      const size_t at = (seed >> 8U) % f.len;
      seed            = seed * 1664525U + 1013904223U;
      f.data[at]      = (uint8_t)(seed >> 24U);
    }
    seed = seed * 1664525U + 1013904223U;
    f.len -= (round % 3 == 0) ? (seed >> 8U) % f.len : 0U; /* truncate */

    AetherMidiSeq seq = { NULL, 0, 0 };
    AetherError   err;
    if (parse(&f, &seq, &err)) {
      ++n_errors;
      assert_memory_equal(err.message, "t.mid: ", 7);
      assert_int_equal(seq.n, 0);
    } else {
      for (size_t i = 0; i < seq.n; ++i) {
        assert_true(seq.events[i].size == 2 || seq.events[i].size == 3);
        assert_true(seq.events[i].data[0] >= 0x80 &&
                    seq.events[i].data[0] < 0xF0);
        assert_true(i == 0 || seq.events[i].frame >= seq.events[i - 1].frame);
      }
    }
    aether_midi_seq_clear(&seq);
  }
  assert_true(n_errors > 1000); /* the damage was real */
}

static void
test_read_file_errors(void** state)
{
  (void)state;
  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  aether_error_clear(&err);
  assert_int_equal(
    aether_midi_read_file("/nonexistent/x.mid", RATE, &seq, &err),
    AETHER_ERR_NOT_FOUND);
  assert_string_equal(err.message, "/nonexistent/x.mid: no such file");
  assert_int_not_equal(aether_midi_read_file("/tmp", RATE, &seq, &err),
                       AETHER_SUCCESS);
  assert_string_equal(err.message, "/tmp: not a regular file (a MIDI file?)");

  Bytes file = { { 0 }, 0 };
  make_format0(&file);
  FILE* const f = fopen("test_midi.mid", "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(file.data, 1, file.len, f), file.len);
  fclose(f);
  assert_int_equal(aether_midi_read_file("test_midi.mid", 44100.0, &seq, &err),
                   AETHER_SUCCESS);
  assert_int_equal(seq.n, 5);
  assert_int_equal(seq.events[4].frame, 110250); /* 2.5 s at 44.1 kHz */
  aether_midi_seq_clear(&seq);
  remove("test_midi.mid");
}

/* Inline notes */

static void
test_note_names(void** state)
{
  (void)state;
  assert_int_equal(aether_midi_note_number("C4"), 60);
  assert_int_equal(aether_midi_note_number("A4"), 69);
  assert_int_equal(aether_midi_note_number("c4"), 60);
  assert_int_equal(aether_midi_note_number("F#3"), 54);
  assert_int_equal(aether_midi_note_number("Bb2"), 46);
  assert_int_equal(aether_midi_note_number("C-1"), 0);
  assert_int_equal(aether_midi_note_number("G9"), 127);
  assert_int_equal(aether_midi_note_number("60"), 60);
  assert_int_equal(aether_midi_note_number("0"), 0);
  assert_int_equal(aether_midi_note_number("127"), 127);
  assert_int_equal(aether_midi_note_number("128"), -1);
  assert_int_equal(aether_midi_note_number("G#9"), -1);
  assert_int_equal(aether_midi_note_number("Cb-1"), -1);
  assert_int_equal(aether_midi_note_number("H4"), -1);
  assert_int_equal(aether_midi_note_number("C"), -1);
  assert_int_equal(aether_midi_note_number("C44"), -1);
  assert_int_equal(aether_midi_note_number(""), -1);
}

static void
test_inline_notes_play_at_exact_frames(void** state)
{
  (void)state;
  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherError   err;
  aether_error_clear(&err);
  assert_int_equal(
    aether_midi_parse_notes(
      "G4:1:1 , C4:0:0.5,E4:0.5:0.5:90, C4:0.5:0.25:1", RATE, &seq, &err),
    AETHER_SUCCESS);
  assert_int_equal(seq.n, 8);
  assert_event(&seq, 0, 0, 0x90, 60, 100);
  /* At 0.5 s the first C4 ends before the second starts. */
  assert_event(&seq, 1, 24000, 0x80, 60, 0);
  assert_event(&seq, 2, 24000, 0x90, 64, 90);
  assert_event(&seq, 3, 24000, 0x90, 60, 1);
  assert_event(&seq, 4, 36000, 0x80, 60, 0);
  assert_event(&seq, 5, 48000, 0x80, 64, 0);
  assert_event(&seq, 6, 48000, 0x90, 67, 100);
  assert_event(&seq, 7, 96000, 0x80, 67, 0);
  aether_midi_seq_clear(&seq);
}

static void
test_inline_note_errors(void** state)
{
  (void)state;
  static const struct {
    const char* text;
    const char* message;
  } cases[] = {
    { "C4:0",
      "note 1 \"C4:0\": write NOTE:START:LENGTH or "
      "NOTE:START:LENGTH:VELOCITY (e.g. C4:0:0.5)" },
    { "C4:0:1,H4:0:1",
      "note 2 \"H4:0:1\": \"H4\" is not a note (a name "
      "from C-1 to G9 like C4, F#3, Bb2, or a MIDI number "
      "0 to 127)" },
    { "C4:-1:1",
      "note 1 \"C4:-1:1\": START and LENGTH are seconds (START "
      "from 0, LENGTH above 0)" },
    { "C4:0:0",
      "note 1 \"C4:0:0\": START and LENGTH are seconds (START "
      "from 0, LENGTH above 0)" },
    { "C4:0:x",
      "note 1 \"C4:0:x\": START and LENGTH are seconds (START "
      "from 0, LENGTH above 0)" },
    { "C4:0:1:128",
      "note 1 \"C4:0:1:128\": velocity \"128\" is not a whole "
      "number from 1 to 127" },
    { "C4:0:1:0",
      "note 1 \"C4:0:1:0\": velocity \"0\" is not a whole "
      "number from 1 to 127" },
    { "C4:0:1,,D4:0:1", "note 2 is empty (notes are separated by ',')" },
    { "", "note 1 is empty (notes are separated by ',')" },
    { "C4:0:1:1:1",
      "note 1 \"C4:0:1:1:1\": write NOTE:START:LENGTH or "
      "NOTE:START:LENGTH:VELOCITY (e.g. C4:0:0.5)" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    AetherMidiSeq seq = { NULL, 0, 0 };
    AetherError   err;
    aether_error_clear(&err);
    assert_int_not_equal(
      aether_midi_parse_notes(cases[i].text, RATE, &seq, &err), AETHER_SUCCESS);
    assert_string_equal(err.message, cases[i].message);
    assert_int_equal(seq.n, 0);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_format0_tempo_changes_and_running_status),
    cmocka_unit_test(test_format1_tracks_merge_in_time_order),
    cmocka_unit_test(test_smpte_division_counts_ticks_per_second),
    cmocka_unit_test(test_corrupt_files_are_errors_that_say_where),
    cmocka_unit_test(test_too_many_events_are_refused),
    cmocka_unit_test(test_random_damage_never_crashes),
    cmocka_unit_test(test_read_file_errors),
    cmocka_unit_test(test_note_names),
    cmocka_unit_test(test_inline_notes_play_at_exact_frames),
    cmocka_unit_test(test_inline_note_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
