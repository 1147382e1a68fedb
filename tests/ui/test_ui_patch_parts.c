/* Aether UI tests: a patch larger than the notify buffer reaches the
   editor. The real plugin (through the reliability host, under the
   real-time trap when it is preloaded) answers patch:Get of a 1000-node
   patch with pieces (patch:Set of ae:patchPart), at most 8 KiB of text per
   run, or less with a small notify buffer; put together they are the saved
   state's text, and the editor's model given the same notify events ends
   with that patch. Pieces cut short, out of order, lying or cut mid-atom
   leave the model with the last whole patch and a readable status. */

#include "model.h"
#include "rhost.h"
#include "rtcheck.h"

#include <lv2/atom/forge.h>
#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define FX "urn:aether:fx"
#define NS "urn:aether:"
#define N_NODES 1000U
#define BLOCK 256U
#define MAX_CYCLES 2000U

static RtCheck rt;
static bool    trapped; /* the trap is preloaded */

/* Notify events as the host saw them, copied, with their run. */
typedef struct {
  LV2_Atom* atom;
  uint64_t  cycle;
} Event;

typedef struct {
  RHost*   host;
  Event*   events;
  uint32_t n_events;
  uint32_t cap_events;
  uint64_t cycle; /* of the run being read */
} Tap;

static void
tap_event(void* const handle, const LV2_Atom* const atom)
{
  Tap* const     tap  = (Tap*)handle;
  const uint32_t size = lv2_atom_total_size(atom);
  if (tap->n_events == tap->cap_events) {
    tap->cap_events = tap->cap_events ? 2U * tap->cap_events : 64U;
    tap->events = (Event*)realloc(tap->events, tap->cap_events * sizeof(Event));
    assert_non_null(tap->events);
  }
  LV2_Atom* const copy = (LV2_Atom*)malloc(size);
  assert_non_null(copy);
  memcpy(copy, atom, size);
  tap->events[tap->n_events].atom  = copy;
  tap->events[tap->n_events].cycle = tap->cycle;
  ++tap->n_events;
}

static void
tap_clear(Tap* const tap)
{
  for (uint32_t i = 0; i < tap->n_events; ++i) {
    free(tap->events[i].atom);
  }
  tap->n_events = 0U;
}

static void
tap_free(Tap* const tap)
{
  tap_clear(tap);
  free(tap->events);
  rhost_free(tap->host);
}

static void
cycle(Tap* const tap)
{
  static float       silence[BLOCK];
  static float       out_l[BLOCK];
  static float       out_r[BLOCK];
  const float* const in[2]  = { silence, silence };
  float* const       out[2] = { out_l, out_r };
  rhost_cycle(tap->host, in, out, BLOCK);
  ++tap->cycle;
}

/* The reliability host with a notify buffer of `notify_bytes` (0: the
   default 64 KiB), its notify events tapped. */
static void
tap_open(Tap* const tap, const uint32_t notify_bytes)
{
  memset(tap, 0, sizeof(*tap));
  const RHostOptions options = { .uri           = FX,
                                 .notify_bytes  = notify_bytes,
                                 .notify_tap    = tap_event,
                                 .notify_handle = tap };
  tap->host                  = rhost_new(&options);
  assert_non_null(tap->host);
}

/* A 1000-node patch: the input, a chain of gains and mixers with
   positions, the output. */
static char*
big_patch(void)
{
  char* const text = (char*)malloc((size_t)N_NODES * 160U + 512U);
  size_t      len  = 0;
  assert_non_null(text);
  len += (size_t)sprintf(text + len,
                         "@prefix ae: <urn:aether:> .\n"
                         "@prefix node: <urn:aether:node:> .\n"
                         "<> a ae:Patch ; ae:formatVersion 1 .\n"
                         "node:n0 a ae:AudioIn ; ae:x 0 ; ae:y 0 .\n");
  for (uint32_t i = 1; i + 1U < N_NODES; ++i) {
    if (i % 3U) {
      len += (size_t)sprintf(text + len,
                             "node:n%u a ae:Gain ; ae:gain %u.5 ; ae:in "
                             "node:n%u%s ; ae:x %u ; ae:y %u .\n",
                             i,
                             i % 3U,
                             i - 1U,
                             i == 1U ? ".left" : "",
                             (i % 40U) * 220U,
                             (i / 40U) * 200U);
    } else {
      len += (size_t)sprintf(text + len,
                             "node:n%u a ae:Mixer ; ae:in1 node:n%u ; ae:in2 "
                             "node:n%u ; ae:x %u ; ae:y %u .\n",
                             i,
                             i - 1U,
                             i - 2U,
                             (i % 40U) * 220U,
                             (i / 40U) * 200U);
    }
  }
  sprintf(text + len,
          "node:n%u a ae:AudioOut ; ae:left node:n%u ; ae:right node:n%u .\n",
          N_NODES - 1U,
          N_NODES - 2U,
          N_NODES - 2U);
  return text;
}

/* Load the 1000-node patch through a restored state; returns the saved
   state's text (malloc'ed). */
static char*
load_big(Tap* const tap)
{
  char* const      text = big_patch();
  const LV2_URID   str  = rhost_map(tap->host, LV2_ATOM__String);
  LV2_State_Status st = rhost_restore(tap->host, text, strlen(text) + 1U, str);
  assert_int_equal(st, LV2_STATE_SUCCESS);
  free(text);
  for (uint32_t i = 0; i < 4U; ++i) {
    cycle(tap);
    rhost_idle(tap->host);
  }
  char* const saved = rhost_save(tap->host, &st);
  assert_int_equal(st, LV2_STATE_SUCCESS);
  assert_non_null(saved);
  assert_non_null(strstr(saved, "node:n998 a ae:Gain"));
  assert_true(strlen(saved) > 65536U); /* more than the notify buffer */
  tap_clear(tap);
  return saved;
}

/* Post a message built by `build` into `buf`. */
static void
post(Tap* const tap, const LV2_Atom* const atom)
{
  assert_non_null(atom);
  assert_true(rhost_post(tap->host, 0, atom));
}

/* What one notify event is. */
typedef struct {
  LV2_URID        property; /* of a patch:Set, else 0 */
  const LV2_Atom* value;
} SetOf;

static SetOf
set_of(Tap* const tap, const LV2_Atom* const atom)
{
  SetOf set = { 0U, NULL };
  if (atom->type != rhost_map(tap->host, LV2_ATOM__Object)) {
    return set;
  }
  const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)atom;
  if (obj->body.otype != rhost_map(tap->host, LV2_PATCH__Set)) {
    return set;
  }
  const LV2_Atom* property = NULL;
  lv2_atom_object_get(obj,
                      rhost_map(tap->host, LV2_PATCH__property),
                      &property,
                      rhost_map(tap->host, LV2_PATCH__value),
                      &set.value,
                      0);
  assert_non_null(property);
  assert_int_equal(property->type, rhost_map(tap->host, LV2_ATOM__URID));
  set.property = ((const LV2_Atom_URID*)property)->body;
  return set;
}

/* One piece: its offset, the whole length and its text. */
typedef struct {
  int32_t     offset;
  int32_t     total;
  const char* text;
  uint32_t    len;
} Piece;

static Piece
piece_of(Tap* const tap, const LV2_Atom* const value)
{
  Piece piece = { -1, -1, NULL, 0U };
  assert_int_equal(value->type, rhost_map(tap->host, LV2_ATOM__Object));
  const LV2_Atom* offset = NULL;
  const LV2_Atom* total  = NULL;
  const LV2_Atom* text   = NULL;
  lv2_atom_object_get((const LV2_Atom_Object*)value,
                      rhost_map(tap->host, NS "partOffset"),
                      &offset,
                      rhost_map(tap->host, NS "patchLength"),
                      &total,
                      rhost_map(tap->host,
                                "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                                "value"),
                      &text,
                      0);
  const LV2_URID atom_int = rhost_map(tap->host, LV2_ATOM__Int);
  assert_non_null(offset);
  assert_non_null(total);
  assert_non_null(text);
  assert_int_equal(offset->type, atom_int);
  assert_int_equal(total->type, atom_int);
  assert_int_equal(text->type, rhost_map(tap->host, LV2_ATOM__String));
  piece.offset = ((const LV2_Atom_Int*)offset)->body;
  piece.total  = ((const LV2_Atom_Int*)total)->body;
  piece.text   = (const char*)LV2_ATOM_BODY_CONST(text);
  piece.len    = text->size - 1U;
  assert_int_equal(piece.text[piece.len], '\0');
  assert_int_equal(strlen(piece.text), piece.len);
  return piece;
}

/* Run until the pieces of one patch are in (or MAX_CYCLES), then check
   them: in order, each run's text at most `most` bytes, the text put
   together equal to `want`. Returns the number of pieces; `*first` and
   `*last` are the indices of the first and last piece among the events. */
static uint32_t
collect(Tap* const        tap,
        const char* const want,
        const uint32_t    most,
        uint32_t* const   first,
        uint32_t* const   last)
{
  const LV2_URID part  = rhost_map(tap->host, NS "patchPart");
  const LV2_URID whole = rhost_map(tap->host, NS "patch");
  const size_t   len   = strlen(want);
  char* const    text  = (char*)calloc(len + 1U, 1U);
  assert_non_null(text);

  size_t   got      = 0;
  uint32_t n_pieces = 0;
  uint32_t seen     = 0;
  uint64_t run      = UINT64_MAX;
  uint32_t in_run   = 0;
  *first            = UINT32_MAX;
  for (uint32_t c = 0; c < MAX_CYCLES && got < len; ++c) {
    cycle(tap);
    for (; seen < tap->n_events; ++seen) {
      const SetOf set = set_of(tap, tap->events[seen].atom);
      assert_int_not_equal(set.property, whole); /* too long to go whole */
      if (set.property != part) {
        continue;
      }
      const Piece piece = piece_of(tap, set.value);
      assert_int_equal(piece.total, (int32_t)len);
      assert_int_equal(piece.offset, (int32_t)got);
      assert_true(piece.len > 0U && got + piece.len <= len);
      memcpy(text + got, piece.text, piece.len);
      got += piece.len;
      if (tap->events[seen].cycle != run) {
        run    = tap->events[seen].cycle;
        in_run = 0;
      }
      in_run += piece.len;
      assert_true(in_run <= most); /* bounded work per run */
      *first = *first == UINT32_MAX ? seen : *first;
      *last  = seen;
      ++n_pieces;
    }
  }
  assert_int_equal(got, len);
  assert_string_equal(text, want);
  free(text);
  return n_pieces;
}

static void
assert_no_hits(void)
{
  if (trapped && rt.hits()) {
    fprintf(stderr,
            "real-time violations: %d, first %s\n",
            rt.hits(),
            rt.first_hit());
  }
  assert_int_equal(trapped ? rt.hits() : 0, 0);
}

/* The status events after event `from`, in order. */
static const char*
status_after(Tap* const tap, const uint32_t from)
{
  const LV2_URID status = rhost_map(tap->host, NS "status");
  for (uint32_t i = from + 1U; i < tap->n_events; ++i) {
    const SetOf set = set_of(tap, tap->events[i].atom);
    if (set.property == status) {
      return (const char*)LV2_ATOM_BODY_CONST(set.value);
    }
  }
  return NULL;
}

/* Feed the tapped events [from, to) to `model`. */
static void
feed(Tap* const           tap,
     AetherUiModel* const model,
     const uint32_t       from,
     const uint32_t       to)
{
  for (uint32_t i = from; i < to; ++i) {
    aether_ui_model_receive(model, tap->events[i].atom);
  }
}

static AetherPatch*
parse(const char* const text)
{
  AetherPatch* patch = NULL;
  AetherError  err;
  assert_int_equal(aether_patch_parse(text, strlen(text), "t", &patch, &err),
                   AETHER_SUCCESS);
  return patch;
}

/* The plugin with the default notify buffer: patch:Get of everything is
   answered with the status, the voices and the 1000-node patch in pieces of
   at most 8 KiB a run, over several runs; a status that came after the
   patch still comes after its last piece; no real-time violation. The
   editor's model given the same events shows the 1000-node patch. */
static void
test_a_large_patch_arrives_in_pieces(void** state)
{
  (void)state;
  Tap tap;
  tap_open(&tap, 0U);
  char* const saved = load_big(&tap);
  if (trapped) {
    rt.reset();
  }

  uint8_t  buf[512];
  RHostMsg msg;
  rhost_msg_init(tap.host, &msg, buf, sizeof(buf));
  post(&tap, rhost_msg_get(&msg, NULL));
  /* An edit the worker answers after the patch (no such node). */
  post(&tap, rhost_msg_delete(&msg, "nosuch"));

  uint32_t       first = 0;
  uint32_t       last  = 0;
  const uint32_t n     = collect(&tap, saved, 8192U, &first, &last);
  assert_true(n >= (uint32_t)(strlen(saved) / 8192U));
  assert_true(n > 8U);
  assert_true(tap.events[last].cycle - tap.events[first].cycle + 1U >= n);
  for (uint32_t c = 0; c < 4U; ++c) {
    cycle(&tap);
  }
  const char* const after = status_after(&tap, last);
  assert_non_null(after);
  assert_string_equal(after, "error: no node \"nosuch\"");
  assert_no_hits();

  /* The editor's model, given every event, ends with the patch. */
  AetherUiModel* const model = aether_ui_model_new(rhost_urid_map(tap.host));
  assert_non_null(model);
  const uint32_t revision = aether_ui_model_revision(model);
  feed(&tap, model, 0U, last); /* all but the last piece: nothing yet */
  assert_false(aether_ui_model_has_patch(model));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(model)), 0U);
  assert_true(aether_ui_model_receive(model, tap.events[last].atom));
  assert_true(aether_ui_model_revision(model) != revision);
  assert_true(aether_ui_model_has_patch(model));
  AetherPatch* const want = parse(saved);
  assert_true(aether_patch_equal(aether_ui_model_patch(model), want));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(model)), N_NODES);
  feed(&tap, model, last + 1U, tap.n_events);
  assert_string_equal(aether_ui_model_status(model),
                      "error: no node \"nosuch\"");
  assert_int_equal(aether_ui_model_n_patches(model), 1U);
  assert_false(aether_ui_model_wants_patch(model));

  aether_patch_free(want);
  aether_ui_model_free(model);
  free(saved);
  tap_free(&tap);
}

/* Small notify buffers: the pieces shrink to fit (half the buffer, less
   the message), the patch still arrives whole and right. */
static void
test_small_notify_buffers(void** state)
{
  (void)state;
  static const uint32_t sizes[] = { 4096U, 1024U };
  for (uint32_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); ++s) {
    Tap tap;
    tap_open(&tap, sizes[s]);
    char* const saved = load_big(&tap);
    if (trapped) {
      rt.reset();
    }
    uint8_t  buf[256];
    RHostMsg msg;
    rhost_msg_init(tap.host, &msg, buf, sizeof(buf));
    post(&tap, rhost_msg_get(&msg, NS "patch"));
    uint32_t       first = 0;
    uint32_t       last  = 0;
    const uint32_t most  = sizes[s] / 2U - 256U;
    const uint32_t n     = collect(&tap, saved, most, &first, &last);
    assert_true(n >= (uint32_t)(strlen(saved) / most));
    assert_int_equal(rhost_bad_notify(tap.host), 0U);
    assert_no_hits();

    AetherUiModel* const model = aether_ui_model_new(rhost_urid_map(tap.host));
    feed(&tap, model, 0U, tap.n_events);
    AetherPatch* const want = parse(saved);
    assert_true(aether_patch_equal(aether_ui_model_patch(model), want));
    aether_patch_free(want);
    aether_ui_model_free(model);
    free(saved);
    tap_free(&tap);
  }
}

/* A short patch goes as it always has: one patch:Set of ae:patch. */
static void
test_a_short_patch_goes_whole(void** state)
{
  (void)state;
  Tap tap;
  tap_open(&tap, 0U);
  uint8_t  buf[256];
  RHostMsg msg;
  rhost_msg_init(tap.host, &msg, buf, sizeof(buf));
  post(&tap, rhost_msg_get(&msg, NS "patch"));
  for (uint32_t c = 0; c < 3U; ++c) {
    cycle(&tap);
  }
  uint32_t wholes = 0;
  for (uint32_t i = 0; i < tap.n_events; ++i) {
    const SetOf set = set_of(&tap, tap.events[i].atom);
    assert_int_not_equal(set.property, rhost_map(tap.host, NS "patchPart"));
    wholes += set.property == rhost_map(tap.host, NS "patch");
  }
  assert_int_equal(wholes, 1U);
  assert_non_null(rhost_patch_text(tap.host));
  tap_free(&tap);
}

/* The model with the pieces of the large patch: fixture of the tests
   below. */
typedef struct {
  Tap            tap;
  char*          saved;
  uint32_t*      pieces; /* event indices of the pieces, in order */
  uint32_t       n_pieces;
  AetherUiModel* model;
  uint8_t        buf[1024];
  LV2_Atom_Forge forge;
} Fixture;

static int
setup_pieces(void** state)
{
  Fixture* const f = (Fixture*)calloc(1, sizeof(Fixture));
  assert_non_null(f);
  tap_open(&f->tap, 0U);
  f->saved = load_big(&f->tap);
  uint8_t  buf[256];
  RHostMsg msg;
  rhost_msg_init(f->tap.host, &msg, buf, sizeof(buf));
  post(&f->tap, rhost_msg_get(&msg, NS "patch"));
  uint32_t first = 0;
  uint32_t last  = 0;
  collect(&f->tap, f->saved, 8192U, &first, &last);
  f->pieces = (uint32_t*)calloc(f->tap.n_events, sizeof(uint32_t));
  assert_non_null(f->pieces);
  const LV2_URID part = rhost_map(f->tap.host, NS "patchPart");
  for (uint32_t i = 0; i < f->tap.n_events; ++i) {
    if (set_of(&f->tap, f->tap.events[i].atom).property == part) {
      f->pieces[f->n_pieces++] = i;
    }
  }
  assert_true(f->n_pieces > 3U);

  /* The model shows a small patch first (as the plugin sends it). */
  f->model = aether_ui_model_new(rhost_urid_map(f->tap.host));
  assert_non_null(f->model);
  lv2_atom_forge_init(&f->forge, rhost_urid_map(f->tap.host));
  lv2_atom_forge_set_buffer(&f->forge, f->buf, sizeof(f->buf));
  LV2_Atom_Forge_Frame frame;
  const char* const    small = "@prefix ae: <urn:aether:> .\n"
                               "@prefix node: <urn:aether:node:> .\n"
                               "node:in a ae:AudioIn .\n";
  lv2_atom_forge_object(
    &f->forge, &frame, 0, rhost_map(f->tap.host, LV2_PATCH__Set));
  lv2_atom_forge_key(&f->forge, rhost_map(f->tap.host, LV2_PATCH__property));
  lv2_atom_forge_urid(&f->forge, rhost_map(f->tap.host, NS "patch"));
  lv2_atom_forge_key(&f->forge, rhost_map(f->tap.host, LV2_PATCH__value));
  lv2_atom_forge_string(&f->forge, small, (uint32_t)strlen(small));
  lv2_atom_forge_pop(&f->forge, &frame);
  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)f->buf));
  assert_int_equal(aether_patch_n_nodes(aether_ui_model_patch(f->model)), 1U);
  *state = f;
  return 0;
}

static int
teardown_pieces(void** state)
{
  Fixture* const f = (Fixture*)*state;
  aether_ui_model_free(f->model);
  free(f->pieces);
  free(f->saved);
  tap_free(&f->tap);
  free(f);
  return 0;
}

static const LV2_Atom*
piece_atom(const Fixture* const f, const uint32_t k)
{
  return f->tap.events[f->pieces[k]].atom;
}

static void
give(Fixture* const f, const uint32_t k)
{
  aether_ui_model_receive(f->model, piece_atom(f, k));
}

static void
give_all(Fixture* const f)
{
  for (uint32_t k = 0; k < f->n_pieces; ++k) {
    give(f, k);
  }
}

static void
assert_small(const Fixture* const f)
{
  const AetherPatch* const patch = aether_ui_model_patch(f->model);
  assert_int_equal(aether_patch_n_nodes(patch), 1U);
  assert_non_null(aether_patch_find(patch, "in"));
}

static void
assert_big(const Fixture* const f)
{
  AetherPatch* const want = parse(f->saved);
  assert_true(aether_patch_equal(aether_ui_model_patch(f->model), want));
  aether_patch_free(want);
}

/* Cut short: the pieces gathered so far wait, the view keeps the last
   whole patch, the status is untouched; the next patch (whole or in
   pieces) replaces them. */
static void
test_cut_short(void** state)
{
  Fixture* const f = (Fixture*)*state;
  for (uint32_t k = 0; k + 2U < f->n_pieces; ++k) {
    give(f, k);
  }
  assert_small(f);
  assert_string_equal(aether_ui_model_status(f->model), "");
  assert_false(aether_ui_model_wants_patch(f->model));

  /* A new sequence starts over: the old pieces are dropped. */
  give_all(f);
  assert_big(f);
  assert_int_equal(aether_ui_model_n_patches(f->model), 2U);

  /* Pieces cut short, then a whole patch: the whole one shows, and the
     rest of the old pieces that come late are ignored. */
  give(f, 0);
  give(f, 1);
  assert_true(aether_ui_model_receive(f->model, (const LV2_Atom*)f->buf));
  assert_small(f);
  for (uint32_t k = 2; k < f->n_pieces; ++k) {
    assert_false(aether_ui_model_receive(f->model, piece_atom(f, k)));
  }
  assert_small(f);
  assert_string_equal(aether_ui_model_status(f->model), "");
}

/* Out of order: the sequence is dropped, the status says so, the model
   asks for the patch again (once); the pieces after it are ignored. */
static void
test_out_of_order(void** state)
{
  Fixture* const f = (Fixture*)*state;
  give(f, 0);
  give(f, 2);
  assert_small(f);
  char         want[300];
  const size_t len = strlen(f->saved);
  snprintf(want,
           sizeof(want),
           "the plugin's patch arrived incomplete (8192 bytes at byte 16384 "
           "of %zu where byte 8192 of %zu was due): the view keeps the last "
           "whole one",
           len,
           len);
  assert_string_equal(aether_ui_model_status(f->model), want);
  assert_true(aether_ui_model_wants_patch(f->model));
  for (uint32_t k = 1; k < f->n_pieces; ++k) {
    give(f, k);
  }
  assert_small(f);

  /* Asked again and broken again: said, but not asked a third time. */
  uint8_t        out[256];
  LV2_Atom_Forge forge;
  lv2_atom_forge_init(&forge, rhost_urid_map(f->tap.host));
  lv2_atom_forge_set_buffer(&forge, out, sizeof(out));
  assert_int_equal(aether_ui_model_request_patch(f->model, &forge),
                   AETHER_SUCCESS);
  assert_false(aether_ui_model_wants_patch(f->model));
  give(f, 0);
  give(f, 1);
  give(f, 1);
  assert_non_null(
    strstr(aether_ui_model_status(f->model), "arrived incomplete"));
  assert_false(aether_ui_model_wants_patch(f->model));
  assert_small(f);

  /* In order: shown, and a later broken sequence asks again. */
  give_all(f);
  assert_big(f);
  give(f, 0);
  give(f, 3);
  assert_true(aether_ui_model_wants_patch(f->model));
  assert_big(f);
}

/* Lying pieces: a length that changes, a piece past the end, a missing or
   mistyped offset, a piece cut mid-atom: dropped, never read past. */
static void
test_lying_pieces(void** state)
{
  Fixture* const f     = (Fixture*)*state;
  const size_t   size0 = lv2_atom_total_size(piece_atom(f, 0));
  const size_t   size1 = lv2_atom_total_size(piece_atom(f, 1));
  uint8_t* const p0    = (uint8_t*)malloc(size0);
  uint8_t* const p1    = (uint8_t*)malloc(size1);
  assert_non_null(p0);
  assert_non_null(p1);

  /* Find the Int bodies of ae:patchLength in piece 1, to change them. */
  const LV2_Atom* total = NULL;
  const LV2_Atom* value = NULL;
  lv2_atom_object_get((const LV2_Atom_Object*)piece_atom(f, 1),
                      rhost_map(f->tap.host, LV2_PATCH__value),
                      &value,
                      0);
  lv2_atom_object_get((const LV2_Atom_Object*)value,
                      rhost_map(f->tap.host, NS "patchLength"),
                      &total,
                      0);
  assert_non_null(total);
  const size_t at = (size_t)((const uint8_t*)LV2_ATOM_BODY_CONST(total) -
                             (const uint8_t*)piece_atom(f, 1));

  /* Another whole length in the second piece. */
  memcpy(p1, piece_atom(f, 1), size1);
  const int32_t other = 100;
  memcpy(p1 + at, &other, sizeof(other));
  give(f, 0);
  aether_ui_model_receive(f->model, (const LV2_Atom*)p1);
  assert_non_null(
    strstr(aether_ui_model_status(f->model), "arrived incomplete"));
  assert_small(f);

  /* A first piece longer than the whole it announces. */
  memcpy(p0, piece_atom(f, 0), size0);
  memcpy(p0 + at, &other, sizeof(other)); /* same layout as piece 1 */
  aether_ui_model_receive(f->model, (const LV2_Atom*)p0);
  assert_small(f);

  /* A negative length, then a mistyped one (an URID): ignored. */
  const int32_t negative = -5;
  memcpy(p0, piece_atom(f, 0), size0);
  memcpy(p0 + at, &negative, sizeof(negative));
  aether_ui_model_receive(f->model, (const LV2_Atom*)p0);
  memcpy(p0, piece_atom(f, 0), size0);
  LV2_Atom* const type = (LV2_Atom*)(p0 + at - sizeof(LV2_Atom));
  type->type           = rhost_map(f->tap.host, LV2_ATOM__URID);
  aether_ui_model_receive(f->model, (const LV2_Atom*)p0);
  assert_small(f);

  /* Every piece with its size cut short (the object then runs past its
     property): ignored, and the model never reads past the atom (valgrind
     and ASan builds check that). */
  for (uint32_t k = 0; k < f->n_pieces; ++k) {
    const size_t size = lv2_atom_total_size(piece_atom(f, k));
    uint8_t*     cut  = (uint8_t*)malloc(size);
    assert_non_null(cut);
    memcpy(cut, piece_atom(f, k), size);
    ((LV2_Atom*)cut)->size -= 64U;
    uint8_t* const exact = (uint8_t*)malloc(size - 64U);
    assert_non_null(exact);
    memcpy(exact, cut, size - 64U);
    aether_ui_model_receive(f->model, (const LV2_Atom*)exact);
    free(exact);
    free(cut);
  }
  assert_small(f);

  /* And after all that, a good sequence still shows. */
  give_all(f);
  assert_big(f);
  free(p0);
  free(p1);
}

int
main(void)
{
  trapped                = rtcheck_load(&rt) != 0;
  const char* const shim = getenv("LD_PRELOAD");
  if (!trapped && shim && strstr(shim, "rtshim")) {
    fprintf(stderr, "the real-time trap is preloaded but not found\n");
    return 1;
  }
  if (trapped) {
    rhost_set_audio_hook(rt.set_audio);
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_a_large_patch_arrives_in_pieces),
    cmocka_unit_test(test_small_notify_buffers),
    cmocka_unit_test(test_a_short_patch_goes_whole),
    cmocka_unit_test_setup_teardown(
      test_cut_short, setup_pieces, teardown_pieces),
    cmocka_unit_test_setup_teardown(
      test_out_of_order, setup_pieces, teardown_pieces),
    cmocka_unit_test_setup_teardown(
      test_lying_pieces, setup_pieces, teardown_pieces),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  rhost_world_free();
  return failed;
}
