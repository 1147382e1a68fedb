/* Aether CLI: Standard MIDI Files and inline note lists to timed events.

   The file reader is small and strict: every length is checked against
   what is left, variable-length numbers have at most 4 bytes, data bytes
   are 7-bit, and the event count and file size are bounded, so a corrupt
   file is an error that says where, never a crash. Times are computed from
   the merged tempo map in exact tick arithmetic, then rounded to frames. */

#include "midi.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Latest time an event may have: keeps renders and frame numbers sane. */
#define MAX_SECONDS (24.0 * 3600.0)

/* Events as read: a tick, and where they come from for a stable order. */
typedef struct {
  uint64_t tick;
  uint32_t track;
  uint32_t index;
  uint32_t tempo; /**< microseconds per quarter note; 0: a channel message */
  uint8_t  data[3];
  uint8_t  size;
} RawEvent;

typedef struct {
  RawEvent* events;
  size_t    n;
  size_t    cap;
} RawList;

/* A chunk being read. */
typedef struct {
  const uint8_t* data;
  size_t         size;
  size_t         pos;
  size_t         base; /**< offset of data[0] in the file, for messages */
} Reader;

void
aether_midi_seq_clear(AetherMidiSeq* const seq)
{
  free(seq->events);
  seq->events = NULL;
  seq->n      = 0;
  seq->cap    = 0;
}

uint64_t
aether_midi_seq_last(const AetherMidiSeq* const seq)
{
  return seq->n ? seq->events[seq->n - 1U].frame : 0U;
}

static bool
seq_push(AetherMidiSeq* const seq,
         const uint64_t       frame,
         const uint8_t* const data,
         const uint8_t        size)
{
  if (seq->n == seq->cap) {
    const size_t          cap = seq->cap ? seq->cap * 2U : 256U;
    AetherSeqEvent* const events =
      (AetherSeqEvent*)realloc(seq->events, cap * sizeof(AetherSeqEvent));
    if (!events) {
      return false;
    }
    seq->events = events;
    seq->cap    = cap;
  }
  AetherSeqEvent* const ev = &seq->events[seq->n++];
  memset(ev, 0, sizeof(*ev));
  ev->frame = frame;
  memcpy(ev->data, data, size);
  ev->size = size;
  return true;
}

static bool
raw_grow(RawList* const list)
{
  if (list->n == list->cap) {
    const size_t    cap = list->cap ? list->cap * 2U : 256U;
    RawEvent* const events =
      (RawEvent*)realloc(list->events, cap * sizeof(RawEvent));
    if (!events) {
      return false;
    }
    list->events = events;
    list->cap    = cap;
  }
  return true;
}

/* Append an event (a channel message or a tempo change), at most
   AETHER_MIDI_MAX_EVENTS of them. */
static AetherStatus
raw_push(RawList* const     list,
         const RawEvent*    ev,
         const char* const  name,
         AetherError* const err)
{
  if (list->n >= AETHER_MIDI_MAX_EVENTS) {
    return aether_error(err,
                        AETHER_ERR_FULL,
                        "%s: more than %u events",
                        name,
                        AETHER_MIDI_MAX_EVENTS);
  }
  if (!raw_grow(list)) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  list->events[list->n++] = *ev;
  return AETHER_SUCCESS;
}

static int
raw_cmp(const void* const a, const void* const b)
{
  const RawEvent* const x = (const RawEvent*)a;
  const RawEvent* const y = (const RawEvent*)b;
  if (x->tick != y->tick) {
    return x->tick < y->tick ? -1 : 1;
  }
  if (x->track != y->track) {
    return x->track < y->track ? -1 : 1;
  }
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Reading bytes */

static uint32_t
be32(const uint8_t* const p)
{
  return ((uint32_t)p[0] << 24U) | ((uint32_t)p[1] << 16U) |
         ((uint32_t)p[2] << 8U) | (uint32_t)p[3];
}

static uint32_t
be16(const uint8_t* const p)
{
  return ((uint32_t)p[0] << 8U) | (uint32_t)p[1];
}

static AetherStatus
corrupt(AetherError* const  err,
        const char* const   name,
        const Reader* const r,
        const uint32_t      track,
        const char* const   what)
{
  return aether_error(err,
                      AETHER_ERR_SYNTAX,
                      "%s: byte %zu (track %u): %s",
                      name,
                      r->base + r->pos,
                      track,
                      what);
}

static bool
read_byte(Reader* const r, uint8_t* const out)
{
  if (r->pos >= r->size) {
    return false;
  }
  *out = r->data[r->pos++];
  return true;
}

/* A variable-length quantity: 1 to 4 bytes, 7 bits each. 0: ok, 1:
   truncated, 2: too long. */
static int
read_vlq(Reader* const r, uint32_t* const out)
{
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    uint8_t b = 0;
    if (!read_byte(r, &b)) {
      return 1;
    }
    value = (value << 7U) | (b & 0x7FU);
    if (!(b & 0x80U)) {
      *out = value;
      return 0;
    }
  }
  return 2;
}

/* Read one MTrk chunk's events into `list`. */
static AetherStatus
read_track(Reader* const      r,
           const char* const  name,
           const uint32_t     track,
           RawList* const     list,
           AetherError* const err)
{
  uint64_t tick    = 0;
  uint8_t  running = 0;
  uint32_t index   = 0;

  while (r->pos < r->size) {
    uint32_t delta = 0;
    int      vst   = read_vlq(r, &delta);
    if (vst) {
      return corrupt(err,
                     name,
                     r,
                     track,
                     vst == 1 ? "the track ends inside a delta time"
                              : "a delta time longer than 4 bytes");
    }
    tick += delta;

    const size_t at     = r->pos;
    uint8_t      status = 0;
    if (!read_byte(r, &status)) {
      return corrupt(err, name, r, track, "the track ends after a delta time");
    }

    if (status == 0xFFU || status == 0xF0U || status == 0xF7U) {
      uint8_t type = 0;
      if (status == 0xFFU && !read_byte(r, &type)) {
        return corrupt(
          err, name, r, track, "the track ends inside a meta event");
      }
      uint32_t len = 0;
      if ((vst = read_vlq(r, &len)) || len > r->size - r->pos) {
        return corrupt(err,
                       name,
                       r,
                       track,
                       vst == 2 ? "a length longer than 4 bytes"
                                : "an event longer than its track");
      }
      const uint8_t* const body = r->data + r->pos;
      r->pos += len;
      running = 0; /* meta and sysex events cancel running status */
      if (status == 0xFFU && type == 0x2FU) {
        break; /* end of track: anything after it is ignored */
      }
      if (status == 0xFFU && type == 0x51U) {
        const uint32_t tempo = len == 3U ? ((uint32_t)body[0] << 16U) |
                                             ((uint32_t)body[1] << 8U) |
                                             (uint32_t)body[2]
                                         : 0U;
        if (!tempo) {
          r->pos = at;
          return corrupt(
            err, name, r, track, "a tempo change of zero or of a wrong length");
        }
        const RawEvent     ev = { tick, track, index++, tempo, { 0, 0, 0 }, 0 };
        const AetherStatus st = raw_push(list, &ev, name, err);
        if (st) {
          return st;
        }
      }
      continue;
    }

    uint8_t first = 0;
    if (status & 0x80U) {
      if (status >= 0xF0U) {
        r->pos = at;
        char what[80];
        snprintf(what, sizeof(what), "unexpected status byte 0x%02X", status);
        return corrupt(err, name, r, track, what);
      }
      running = status;
      if (!read_byte(r, &first)) {
        return corrupt(err, name, r, track, "the track ends inside an event");
      }
    } else if (!running) {
      r->pos = at;
      return corrupt(err, name, r, track, "a data byte without a status byte");
    } else {
      first  = status;
      status = running;
    }

    const uint8_t kind   = status & 0xF0U;
    const uint8_t n_data = (kind == 0xC0U || kind == 0xD0U) ? 1U : 2U;
    RawEvent      ev     = { tick, track, index++, 0, { status, first, 0 }, 0 };
    if (n_data == 2U && !read_byte(r, &ev.data[2])) {
      return corrupt(err, name, r, track, "the track ends inside an event");
    }
    if ((ev.data[1] | ev.data[2]) & 0x80U) {
      r->pos = at;
      return corrupt(err, name, r, track, "a data byte above 127");
    }
    ev.size               = (uint8_t)(1U + n_data);
    const AetherStatus st = raw_push(list, &ev, name, err);
    if (st) {
      return st;
    }
  }
  return AETHER_SUCCESS;
}

/* Ticks to frames along the merged tempo map. `smpte_rate` > 0: ticks per
   second of an SMPTE division, tempo changes do not apply. */
static AetherStatus
to_frames(RawList* const       list,
          const uint32_t       ppqn,
          const double         smpte_rate,
          const char* const    name,
          const double         rate,
          AetherMidiSeq* const seq,
          AetherError* const   err)
{
  if (list->n) {
    qsort(list->events, list->n, sizeof(RawEvent), raw_cmp);
  }

  /* Elapsed time is (sum of ticks * tempo) / ppqn microseconds, exact in
     integers within a segment; segments accumulate in long double. */
  uint32_t    tempo      = 500000U; /* 120 beats per minute */
  uint64_t    seg_tick   = 0;
  long double seg_second = 0.0L;
  for (size_t i = 0; i < list->n; ++i) {
    const RawEvent* const ev = &list->events[i];
    const long double     dt = (long double)(ev->tick - seg_tick);
    const long double     seconds =
      smpte_rate > 0.0
            ? (long double)ev->tick / (long double)smpte_rate
            : seg_second + dt * (long double)tempo / ((long double)ppqn * 1e6L);
    if (seconds > (long double)MAX_SECONDS) {
      return aether_error(err,
                          AETHER_ERR_BAD_VALUE,
                          "%s: an event at tick %llu is more than 24 hours "
                          "from the start",
                          name,
                          (unsigned long long)ev->tick);
    }
    if (ev->tempo) {
      seg_second = seconds;
      seg_tick   = ev->tick;
      tempo      = ev->tempo;
      continue;
    }
    const uint64_t frame = (uint64_t)llroundl(seconds * (long double)rate);
    if (!seq_push(seq, frame, ev->data, ev->size)) {
      return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
  }
  return AETHER_SUCCESS;
}

AetherStatus
aether_midi_parse(const uint8_t* const data,
                  const size_t         size,
                  const char* const    name,
                  const double         rate,
                  AetherMidiSeq* const seq,
                  AetherError* const   err)
{
  aether_midi_seq_clear(seq);
  if (size > AETHER_MIDI_MAX_FILE) {
    return aether_error(err,
                        AETHER_ERR_FULL,
                        "%s: file too large (%zu bytes, at most %u)",
                        name,
                        size,
                        AETHER_MIDI_MAX_FILE);
  }
  if (size < 14U || memcmp(data, "MThd", 4)) {
    return aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "%s: not a Standard MIDI File (no MThd header)",
                        name);
  }
  const uint32_t head_len = be32(data + 4);
  if (head_len < 6U || head_len > size - 8U) {
    return aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "%s: byte 4: bad header length %u",
                        name,
                        head_len);
  }
  const uint32_t format   = be16(data + 8);
  const uint32_t n_tracks = be16(data + 10);
  const uint32_t division = be16(data + 12);
  if (format > 1U) {
    return aether_error(err,
                        AETHER_ERR_UNSUPPORTED,
                        "%s: MIDI file format %u is not supported (only 0 "
                        "and 1)",
                        name,
                        format);
  }
  if (!n_tracks || (format == 0U && n_tracks != 1U)) {
    return aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "%s: byte 10: a format %u file with %u tracks",
                        name,
                        format,
                        n_tracks);
  }

  uint32_t ppqn       = 0;
  double   smpte_rate = 0.0;
  if (division & 0x8000U) {
    const int      fps = -(int)(int8_t)(uint8_t)(division >> 8U);
    const uint32_t tpf = division & 0xFFU;
    if ((fps != 24 && fps != 25 && fps != 29 && fps != 30) || !tpf) {
      return aether_error(err,
                          AETHER_ERR_SYNTAX,
                          "%s: byte 12: bad SMPTE time division 0x%04X",
                          name,
                          division);
    }
    smpte_rate = (fps == 29 ? 30000.0 / 1001.0 : (double)fps) * (double)tpf;
  } else if (!(ppqn = division)) {
    return aether_error(
      err, AETHER_ERR_SYNTAX, "%s: byte 12: zero ticks per quarter note", name);
  }

  RawList      list  = { NULL, 0, 0 };
  AetherStatus st    = AETHER_SUCCESS;
  uint32_t     found = 0;
  for (size_t pos = 8U + head_len; found < n_tracks && !st;) {
    if (size - pos < 8U) {
      st = aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "%s: byte %zu: the header announces %u tracks, the "
                        "file has %u",
                        name,
                        pos,
                        n_tracks,
                        found);
      break;
    }
    const uint32_t len = be32(data + pos + 4U);
    if (len > size - pos - 8U) {
      st = aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "%s: byte %zu: a chunk of %u bytes, but only %zu "
                        "are left",
                        name,
                        pos + 4U,
                        len,
                        size - pos - 8U);
      break;
    }
    if (!memcmp(data + pos, "MTrk", 4)) { /* other chunks are skipped */
      Reader r = { data + pos + 8U, len, 0, pos + 8U };
      st       = read_track(&r, name, ++found, &list, err);
    }
    pos += 8U + len;
  }

  if (!st) {
    st = to_frames(&list, ppqn, smpte_rate, name, rate, seq, err);
  }
  free(list.events);
  if (st) {
    aether_midi_seq_clear(seq);
  }
  return st;
}

AetherStatus
aether_midi_read_file(const char* const    path,
                      const double         rate,
                      AetherMidiSeq* const seq,
                      AetherError* const   err)
{
  aether_midi_seq_clear(seq);
  struct stat info;
  if (stat(path, &info)) {
    return aether_error(err,
                        errno == ENOENT ? AETHER_ERR_NOT_FOUND : AETHER_ERR_IO,
                        "%s: %s",
                        path,
                        errno == ENOENT ? "no such file" : strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return aether_error(
      err, AETHER_ERR_IO, "%s: not a regular file (a MIDI file?)", path);
  }
  if ((uint64_t)info.st_size > AETHER_MIDI_MAX_FILE) {
    return aether_error(err,
                        AETHER_ERR_FULL,
                        "%s: file too large (%lld bytes, at most %u)",
                        path,
                        (long long)info.st_size,
                        AETHER_MIDI_MAX_FILE);
  }

  FILE* const f = fopen(path, "rb");
  if (!f) {
    return aether_error(err, AETHER_ERR_IO, "%s: %s", path, strerror(errno));
  }
  const size_t   size = (size_t)info.st_size;
  uint8_t* const data = (uint8_t*)malloc(size ? size : 1U);
  const size_t   got  = data ? fread(data, 1, size, f) : 0U;
  const bool     bad  = ferror(f) != 0;
  fclose(f);
  if (!data) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  AetherStatus st = AETHER_SUCCESS;
  if (bad || got != size) {
    st = aether_error(err, AETHER_ERR_IO, "%s: read error", path);
  } else {
    st = aether_midi_parse(data, size, path, rate, seq, err);
  }
  free(data);
  return st;
}

/* Inline notes */

int
aether_midi_note_number(const char* const name)
{
  static const int semitones[] = { 9, 11, 0, 2, 4, 5, 7 }; /* A .. G */
  const char*      s           = name;
  if (isdigit((unsigned char)*s)) {
    char*      end = NULL;
    const long n   = strtol(s, &end, 10);
    return (!*end && end - s <= 3 && n <= 127) ? (int)n : -1;
  }

  const char letter = (char)toupper((unsigned char)*s);
  if (letter < 'A' || letter > 'G') {
    return -1;
  }
  int note = semitones[letter - 'A'];
  ++s;
  if (*s == '#') {
    ++note;
    ++s;
  } else if (*s == 'b') {
    --note;
    ++s;
  }
  const bool negative = *s == '-';
  s += negative;
  if (!isdigit((unsigned char)*s) || s[1]) {
    return -1;
  }
  const int octave = negative ? -(*s - '0') : *s - '0';
  if (octave < -1) {
    return -1;
  }
  const int number = (octave + 1) * 12 + note;
  return (number >= 0 && number <= 127) ? number : -1;
}

/* A note of the list while it is sorted. */
typedef struct {
  uint64_t frame;
  uint32_t off_first; /**< 0: note-off, 1: note-on (offs first) */
  uint32_t index;
  uint8_t  data[3];
} NoteEvent;

static int
note_cmp(const void* const a, const void* const b)
{
  const NoteEvent* const x = (const NoteEvent*)a;
  const NoteEvent* const y = (const NoteEvent*)b;
  if (x->frame != y->frame) {
    return x->frame < y->frame ? -1 : 1;
  }
  if (x->off_first != y->off_first) {
    return x->off_first < y->off_first ? -1 : 1;
  }
  return x->index < y->index ? -1 : x->index > y->index;
}

static char*
trim(char* s)
{
  while (isspace((unsigned char)*s)) {
    ++s;
  }
  size_t len = strlen(s);
  while (len && isspace((unsigned char)s[len - 1U])) {
    s[--len] = '\0';
  }
  return s;
}

static bool
parse_seconds(const char* const s, double* const out)
{
  char*        end = NULL;
  const double v   = strtod(s, &end);
  if (end == s || *end || !isfinite(v) || v < 0.0 || v > MAX_SECONDS) {
    return false;
  }
  *out = v;
  return true;
}

/* Parse one NOTE:START:LENGTH[:VELOCITY] (modified in place). */
static AetherStatus
parse_note(char* const        item,
           const uint32_t     index,
           const char* const  orig,
           const double       rate,
           NoteEvent* const   on,
           NoteEvent* const   off,
           AetherError* const err)
{
  char*    fields[5] = { NULL, NULL, NULL, NULL, NULL };
  uint32_t n         = 0;
  for (char* s = item; n < 5U; ++n) {
    fields[n]       = s;
    char* const sep = strchr(s, ':');
    if (!sep) {
      ++n;
      break;
    }
    *sep = '\0';
    s    = sep + 1;
  }
  if (n < 3U || n > 4U) {
    return aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "note %u \"%.100s\": write NOTE:START:LENGTH or "
                        "NOTE:START:LENGTH:VELOCITY (e.g. C4:0:0.5)",
                        index + 1U,
                        orig);
  }

  const int note = aether_midi_note_number(trim(fields[0]));
  if (note < 0) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "note %u \"%.100s\": \"%.20s\" is not a note (a name "
                        "from C-1 to G9 like C4, F#3, Bb2, or a MIDI number "
                        "0 to 127)",
                        index + 1U,
                        orig,
                        fields[0]);
  }
  double start  = 0.0;
  double length = 0.0;
  if (!parse_seconds(trim(fields[1]), &start) ||
      !parse_seconds(trim(fields[2]), &length) || length <= 0.0) {
    return aether_error(err,
                        AETHER_ERR_BAD_VALUE,
                        "note %u \"%.100s\": START and LENGTH are seconds "
                        "(START from 0, LENGTH above 0)",
                        index + 1U,
                        orig);
  }
  long velocity = 100;
  if (n == 4U) {
    char* const s   = trim(fields[3]);
    char*       end = NULL;
    velocity        = strtol(s, &end, 10);
    if (end == s || *end || velocity < 1 || velocity > 127) {
      return aether_error(err,
                          AETHER_ERR_BAD_VALUE,
                          "note %u \"%.100s\": velocity \"%.20s\" is not a "
                          "whole number from 1 to 127",
                          index + 1U,
                          orig,
                          s);
    }
  }

  const uint64_t begin = (uint64_t)llround(start * rate);
  uint64_t       end   = (uint64_t)llround((start + length) * rate);
  end                  = end > begin ? end : begin + 1U; /* at least a frame */
  *on =
    (NoteEvent){ begin, 1U, index, { 0x90, (uint8_t)note, (uint8_t)velocity } };
  *off = (NoteEvent){ end, 0U, index, { 0x80, (uint8_t)note, 0 } };
  return AETHER_SUCCESS;
}

AetherStatus
aether_midi_parse_notes(const char* const    text,
                        const double         rate,
                        AetherMidiSeq* const seq,
                        AetherError* const   err)
{
  aether_midi_seq_clear(seq);
  const size_t len = strlen(text);
  if (len > 1000000U) {
    return aether_error(err, AETHER_ERR_FULL, "the note list is too long");
  }

  size_t n_items = 1;
  for (const char* s = text; *s; ++s) {
    n_items += *s == ',';
  }
  char* const      copy  = (char*)malloc(len + 1U);
  char* const      orig  = (char*)malloc(len + 1U);
  NoteEvent* const notes = (NoteEvent*)calloc(n_items * 2U, sizeof(NoteEvent));
  if (!copy || !orig || !notes) {
    free(copy);
    free(orig);
    free(notes);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  memcpy(copy, text, len + 1U);

  AetherStatus st      = AETHER_SUCCESS;
  uint32_t     n_notes = 0;
  char*        item    = copy;
  for (size_t i = 0; i < n_items && !st; ++i) {
    char* const comma = strchr(item, ',');
    if (comma) {
      *comma = '\0';
    }
    char* const t = trim(item);
    snprintf(orig, len + 1U, "%s", t);
    if (!*t) {
      st = aether_error(err,
                        AETHER_ERR_SYNTAX,
                        "note %zu is empty (notes are separated by ',')",
                        i + 1U);
    } else {
      st = parse_note(t,
                      (uint32_t)i,
                      orig,
                      rate,
                      &notes[2U * n_notes],
                      &notes[2U * n_notes + 1U],
                      err);
      ++n_notes;
    }
    item = comma ? comma + 1 : item + strlen(item);
  }

  if (!st) {
    qsort(notes, 2U * n_notes, sizeof(NoteEvent), note_cmp);
    for (uint32_t i = 0; i < 2U * n_notes && !st; ++i) {
      if (!seq_push(seq, notes[i].frame, notes[i].data, 3U)) {
        st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
      }
    }
  }
  free(copy);
  free(orig);
  free(notes);
  if (st) {
    aether_midi_seq_clear(seq);
  }
  return st;
}
