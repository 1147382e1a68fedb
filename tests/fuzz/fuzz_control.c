/* Aether fuzzing: the plugin's control port. The first byte chooses the
   plugin, the worker (after run() or inside schedule_work()) and the mode:

   - raw: the rest is the body of one control sequence, byte for byte
     (events with any sizes, types and URIDs);
   - messages: the rest is a program of operations that forge patch
     messages (Set, Put, Delete, Get of nodes, parameters, inputs and the
     patch), MIDI, raw events, control port values and cycles, so the
     fuzzer reaches deep into the worker, the patch module and the engine.

   Seeds: a first byte 0x01 then "\x00" and a patch text make a patch:Set
   of ae:patch with that text (see tools/fuzz.sh). */

#include "fuzz_host.h"
#include "registry.h"

#include <lv2/atom/forge.h>
#include <lv2/midi/midi.h>
#include <lv2/patch/patch.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_BYTES (256U * 1024U)

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

typedef struct {
  const uint8_t* p;
  size_t         n;
} Input;

static uint8_t
take_u8(Input* const in)
{
  if (!in->n) {
    return 0;
  }
  --in->n;
  return *in->p++;
}

static uint16_t
take_u16(Input* const in)
{
  const uint16_t lo = take_u8(in);
  return (uint16_t)(lo | (uint16_t)(take_u8(in) << 8U));
}

static float
take_float(Input* const in)
{
  uint8_t b[4] = { 0, 0, 0, 0 };
  for (uint32_t i = 0; i < 4; ++i) {
    b[i] = take_u8(in);
  }
  float v = 0.0f;
  memcpy(&v, b, sizeof(v));
  return v;
}

static const char* const node_names[] = {
  "in",          "out",   "tone_l", "tone_r",     "echo_l",
  "echo_r",      "space", "filter", "midi",       "saw",
  "sub",         "mix",   "amp",    "filter_env", "amp_env",
  "fenv_amount", "a",     "b",      "c",          "bad name",
  "urn:x:no",    "",
};
#define N_NODE_NAMES (sizeof(node_names) / sizeof(node_names[0]))

static const char*
take_node(Input* const in)
{
  return node_names[take_u8(in) % N_NODE_NAMES];
}

/* A property name: any parameter or input of any type, or nonsense. */
static const char*
take_property(Input* const in)
{
  const AetherNodeType* const t =
    aether_registry_get(take_u8(in) % aether_registry_count());
  const uint8_t k = take_u8(in);
  if (t->n_params && k % 3U != 2U) {
    return t->params[k % t->n_params].name;
  }
  if (t->n_inputs && k % 3U == 2U) {
    return t->inputs[k % t->n_inputs].name;
  }
  return "nosuch";
}

static void
forge_uri(LV2_Atom_Forge* const forge,
          const char* const     prefix,
          const char* const     name)
{
  char uri[160];
  snprintf(uri, sizeof(uri), "%s%s", prefix, name);
  lv2_atom_forge_urid(forge, fuzz_map(uri));
}

/* A value of some atom type: numbers (NaN and infinity included), strings,
   node IRIs (as URID or URI), choices. */
static void
forge_value(LV2_Atom_Forge* const forge, Input* const in)
{
  switch (take_u8(in) % 8U) {
    case 0:
      lv2_atom_forge_float(forge, take_float(in));
      break;
    case 1:
      lv2_atom_forge_int(forge, (int32_t)take_u16(in) - 1000);
      break;
    case 2:
      lv2_atom_forge_double(forge, (double)take_float(in));
      break;
    case 3:
      lv2_atom_forge_bool(forge, take_u8(in) & 1U);
      break;
    case 4:
      forge_uri(forge, "urn:aether:node:", take_node(in));
      break;
    case 5: {
      char uri[160];
      snprintf(uri, sizeof(uri), "urn:aether:node:%s", take_node(in));
      lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri));
      break;
    }
    case 6: {
      const char* const s = take_property(in);
      lv2_atom_forge_string(forge, s, (uint32_t)strlen(s));
      break;
    }
    default:
      lv2_atom_forge_long(forge, (int64_t)take_u16(in) * 1000);
      break;
  }
}

static void
op_set(LV2_Atom_Forge* const forge, Input* const in)
{
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(forge, &frame, 0, fuzz_map(LV2_PATCH__Set));
  const uint8_t shape = take_u8(in);
  if (shape & 1U) {
    char uri[160];
    snprintf(uri, sizeof(uri), "urn:aether:node:%s", take_node(in));
    lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__subject));
    lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri));
  }
  if (shape & 2U) {
    lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__property));
    forge_uri(forge, "urn:aether:", take_property(in));
  }
  if (shape & 4U) {
    lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__value));
    forge_value(forge, in);
  }
  lv2_atom_forge_pop(forge, &frame);
}

static void
op_put(LV2_Atom_Forge* const forge, Input* const in)
{
  LV2_Atom_Forge_Frame frame;
  LV2_Atom_Forge_Frame body;
  char                 uri[160];
  snprintf(uri, sizeof(uri), "urn:aether:node:%s", take_node(in));
  lv2_atom_forge_object(forge, &frame, 0, fuzz_map(LV2_PATCH__Put));
  lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__subject));
  lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri));
  lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__body));
  lv2_atom_forge_object(forge, &body, 0, 0);
  const AetherNodeType* const t =
    aether_registry_get(take_u8(in) % aether_registry_count());
  if (take_u8(in) % 8U) {
    lv2_atom_forge_key(
      forge, fuzz_map("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"));
    forge_uri(forge, "urn:aether:", t->name);
  }
  for (uint32_t i = take_u8(in) % 6U; i > 0; --i) {
    char key[160];
    snprintf(key, sizeof(key), "urn:aether:%s", take_property(in));
    lv2_atom_forge_key(forge, fuzz_map(key));
    forge_value(forge, in);
  }
  lv2_atom_forge_pop(forge, &body);
  lv2_atom_forge_pop(forge, &frame);
}

static void
op_simple(LV2_Atom_Forge* const forge, Input* const in, const char* const otype)
{
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(forge, &frame, 0, fuzz_map(otype));
  const uint8_t shape = take_u8(in);
  if (shape & 1U) {
    char uri[160];
    snprintf(uri, sizeof(uri), "urn:aether:node:%s", take_node(in));
    lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__subject));
    lv2_atom_forge_uri(forge, uri, (uint32_t)strlen(uri));
  }
  if (shape & 2U) {
    static const char* const props[] = { "urn:aether:patch",
                                         "urn:aether:status",
                                         "urn:aether:patchFile",
                                         "urn:aether:gain" };
    lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__property));
    lv2_atom_forge_urid(forge, fuzz_map(props[(shape >> 2U) % 4U]));
  }
  lv2_atom_forge_pop(forge, &frame);
}

/* patch:Set of ae:patch (or ae:patchFile) with the rest of the input. */
static void
op_patch(LV2_Atom_Forge* const forge, Input* const in, const bool file)
{
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_object(forge, &frame, 0, fuzz_map(LV2_PATCH__Set));
  lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__property));
  lv2_atom_forge_urid(
    forge, fuzz_map(file ? "urn:aether:patchFile" : "urn:aether:patch"));
  lv2_atom_forge_key(forge, fuzz_map(LV2_PATCH__value));
  const uint32_t n = in->n > SEQ_BYTES / 2U ? SEQ_BYTES / 2U : (uint32_t)in->n;
  if (file) {
    lv2_atom_forge_path(forge, (const char*)in->p, n);
  } else {
    lv2_atom_forge_string(forge, (const char*)in->p, n);
  }
  in->p += n;
  in->n -= n;
  lv2_atom_forge_pop(forge, &frame);
}

static void
run_messages(FuzzHost* const host, Input* const in, uint8_t* const buf)
{
  LV2_Atom_Forge forge;
  lv2_atom_forge_init(&forge, fuzz_urid_map());

  bool                 open = false;
  LV2_Atom_Forge_Frame seq;
  int64_t              time  = 0;
  uint32_t             n_ops = 0;
  while (in->n && n_ops++ < 256U) {
    if (!open) {
      lv2_atom_forge_set_buffer(&forge, buf, SEQ_BYTES);
      lv2_atom_forge_sequence_head(&forge, &seq, 0);
      open = true;
      time = 0;
    }
    const uint8_t op = take_u8(in);
    if (op % 16U < 10U) {
      time += take_u8(in) % 64U;
      lv2_atom_forge_frame_time(&forge, time);
    }
    switch (op % 16U) {
      case 0:
        op_patch(&forge, in, false);
        break;
      case 1:
      case 2:
        op_set(&forge, in);
        break;
      case 3:
        op_put(&forge, in);
        break;
      case 4:
        op_simple(&forge, in, LV2_PATCH__Delete);
        break;
      case 5:
        op_simple(&forge, in, LV2_PATCH__Get);
        break;
      case 6: {
        const uint8_t  midi[3] = { take_u8(in), take_u8(in), take_u8(in) };
        const uint32_t n       = 1U + take_u8(in) % 4U;
        lv2_atom_forge_atom(&forge, n, fuzz_map(LV2_MIDI__MidiEvent));
        lv2_atom_forge_write(&forge, midi, n < 3U ? n : 3U);
        if (n > 3U) {
          lv2_atom_forge_write(&forge, midi, 1U);
        }
        break;
      }
      case 7:
        op_simple(&forge, in, "urn:x:Unknown");
        break;
      case 8: {
        /* A raw event body: its header may lie. */
        uint8_t      raw[64];
        const size_t n    = take_u8(in) % sizeof(raw);
        const size_t have = n < in->n ? n : in->n;
        memset(raw, 0, sizeof(raw));
        memcpy(raw, in->p, have);
        in->p += have;
        in->n -= have;
        lv2_atom_forge_write(&forge, raw, n < 8U ? 8U : (uint32_t)n);
        break;
      }
      case 9:
        op_patch(&forge, in, true);
        break;
      case 12:
      case 13: {
        /* A well-formed message with one 32-bit word overwritten: sizes
           that lie inside the message, types that do not match. */
        static uint8_t       tmp[4096];
        LV2_Atom_Forge       inner;
        LV2_Atom_Forge_Frame frame;
        lv2_atom_forge_init(&inner, fuzz_urid_map());
        lv2_atom_forge_set_buffer(&inner, tmp, sizeof(tmp));
        lv2_atom_forge_sequence_head(&inner, &frame, 0);
        lv2_atom_forge_frame_time(&inner, 0);
        if (op % 2U) {
          op_put(&inner, in);
        } else {
          op_set(&inner, in);
        }
        lv2_atom_forge_pop(&inner, &frame);
        LV2_Atom* const msg =
          (LV2_Atom*)(tmp + sizeof(LV2_Atom_Sequence) + sizeof(int64_t));
        const uint32_t n    = lv2_atom_total_size(msg);
        const uint32_t at   = 4U * (take_u8(in) % (n / 4U));
        const uint8_t  how  = take_u8(in);
        uint32_t       word = 0;
        memcpy(&word, (uint8_t*)msg + at, sizeof(word));
        if (how & 1U) { /* a size a little off: lands in a redzone */
          word += (uint32_t)(int32_t)(int8_t)take_u8(in);
        } else {
          word = (uint32_t)take_u16(in) | (uint32_t)take_u16(in) << 16U;
        }
        memcpy((uint8_t*)msg + at, &word, sizeof(word));
        time += take_u8(in) % 64U;
        lv2_atom_forge_frame_time(&forge, time);
        lv2_atom_forge_write(&forge, msg, n);
        break;
      }
      case 10:
      case 11: {
        const uint8_t port = take_u8(in);
        fuzz_host_control(host, port % 9U, take_float(in));
        break;
      }
      default:
        lv2_atom_forge_pop(&forge, &seq);
        fuzz_host_run(host,
                      (const LV2_Atom_Sequence*)buf,
                      (uint32_t)lv2_atom_total_size((const LV2_Atom*)buf),
                      take_u16(in) % (FUZZ_MAX_FRAMES + 1U));
        open = false;
        break;
    }
  }
  if (open) {
    lv2_atom_forge_pop(&forge, &seq);
    fuzz_host_run(host,
                  (const LV2_Atom_Sequence*)buf,
                  (uint32_t)lv2_atom_total_size((const LV2_Atom*)buf),
                  256);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t* const data, const size_t size)
{
  static uint8_t* buf;
  if (!buf && !(buf = (uint8_t*)malloc(SEQ_BYTES))) {
    return 0;
  }
  if (!size) {
    return 0;
  }
  const uint8_t   mode = data[0];
  FuzzHost* const host = fuzz_host_get(mode & 4U, mode & 2U);
  Input           in   = { data + 1, size - 1U };
  if (mode & 1U) {
    run_messages(host, &in, buf);
  } else {
    /* One sequence of raw events, its own size true (the host's). */
    const uint32_t           n   = in.n > SEQ_BYTES - sizeof(LV2_Atom_Sequence)
                                     ? SEQ_BYTES - (uint32_t)sizeof(LV2_Atom_Sequence)
                                     : (uint32_t)in.n;
    LV2_Atom_Sequence* const seq = (LV2_Atom_Sequence*)buf;
    seq->atom.type               = fuzz_map(LV2_ATOM__Sequence);
    seq->atom.size               = (uint32_t)sizeof(LV2_Atom_Sequence_Body) + n;
    seq->body.unit               = 0;
    seq->body.pad                = 0;
    memcpy(seq + 1, in.p, n);
    fuzz_host_run(
      host, seq, (uint32_t)sizeof(LV2_Atom_Sequence) + n, FUZZ_MAX_FRAMES);
  }
  /* Let the worker's answers and the swaps come through. */
  fuzz_host_run(host, NULL, 0, 128);
  fuzz_host_run(host, NULL, 0, 16);
  fuzz_host_release(host);
  return 0;
}
