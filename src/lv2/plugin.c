/* Aether LV2: descriptors, instantiation, ports and run(). run() splits the
   host block into sub-blocks of at most 64 frames, also at every event, and
   never allocates, locks or waits. */

#include "plugin.h"
#include "defaults.h"
#include "messages.h"

#include <lv2/core/lv2.h>
#include <lv2/core/lv2_util.h>
#include <lv2/log/log.h>
#include <lv2/log/logger.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Port indices are a public contract: append only. */
static const AetherPortRole fx_ports[] = {
  AETHER_PORT_CONTROL,    AETHER_PORT_NOTIFY,     AETHER_PORT_IN_L,
  AETHER_PORT_IN_R,       AETHER_PORT_OUT_L,      AETHER_PORT_OUT_R,
  AETHER_PORT_ENABLED,    AETHER_PORT_MACRO1,     AETHER_PORT_MACRO1 + 1,
  AETHER_PORT_MACRO1 + 2, AETHER_PORT_MACRO1 + 3, AETHER_PORT_MACRO1 + 4,
  AETHER_PORT_MACRO1 + 5, AETHER_PORT_MACRO1 + 6, AETHER_PORT_MACRO1 + 7,
};

static const AetherPortRole synth_ports[] = {
  AETHER_PORT_CONTROL,    AETHER_PORT_NOTIFY,     AETHER_PORT_OUT_L,
  AETHER_PORT_OUT_R,      AETHER_PORT_ENABLED,    AETHER_PORT_MACRO1,
  AETHER_PORT_MACRO1 + 1, AETHER_PORT_MACRO1 + 2, AETHER_PORT_MACRO1 + 3,
  AETHER_PORT_MACRO1 + 4, AETHER_PORT_MACRO1 + 5, AETHER_PORT_MACRO1 + 6,
  AETHER_PORT_MACRO1 + 7,
};

/* The sample rates the engine runs at (documented in docs/usage.md). */
#define MIN_RATE 8000.0
#define MAX_RATE 768000.0

static LV2_Handle
instantiate(const LV2_Descriptor* const     descriptor,
            const double                    rate,
            const char* const               bundle_path,
            const LV2_Feature* const* const features)
{
  (void)bundle_path;
  LV2_Log_Log* log = NULL;
  lv2_features_query(features, LV2_LOG__log, &log, false, NULL);
  LV2_Log_Logger logger;
  memset(&logger, 0, sizeof(logger));
  if (log) {
    LV2_URID_Map* map = NULL;
    lv2_features_query(features, LV2_URID__map, &map, false, NULL);
    lv2_log_logger_init(&logger, map, log);
  }
  if (!(rate >= MIN_RATE && rate <= MAX_RATE)) {
    lv2_log_error(&logger,
                  "%s: a sample rate of %g Hz is not supported (%g to %g "
                  "Hz)\n",
                  descriptor->URI,
                  rate,
                  MIN_RATE,
                  MAX_RATE);
    return NULL;
  }

  AetherPlugin* const p = (AetherPlugin*)calloc(1, sizeof(AetherPlugin));
  if (!p) {
    lv2_log_error(&logger, "%s: out of memory\n", descriptor->URI);
    return NULL;
  }

  p->kind   = strcmp(descriptor->URI, AETHER_URI_SYNTH) ? AETHER_PLUGIN_FX
                                                        : AETHER_PLUGIN_SYNTH;
  p->rate   = rate;
  p->logger = logger;
  p->bypass = AETHER_DECLICK_FRAMES;
  p->settle = true;
  atomic_init(&p->edits_done, 0U);
  atomic_init(&p->voices, 0U);
  snprintf(p->status, sizeof(p->status), "ok");

  /* Every feature is optional: without them the default patch still runs
     with macros and bypass (lv2apply passes none). */
  lv2_features_query(features,
                     LV2_URID__map,
                     &p->map,
                     false,
                     LV2_URID__unmap,
                     &p->unmap,
                     false,
                     LV2_WORKER__schedule,
                     &p->schedule,
                     false,
                     NULL);
  if (p->map) {
    aether_uris_map(&p->uris, p->map);
    lv2_atom_forge_init(&p->forge, p->map);
    if (!aether_messages_map_properties(p)) {
      lv2_log_error(&logger, "%s: out of memory\n", descriptor->URI);
      free(p);
      return NULL;
    }
  }

  if (pthread_mutex_init(&p->lock, NULL) ||
      aether_ring_init(
        &p->replies, AETHER_REPLY_CAPACITY, sizeof(AetherReply)) ||
      aether_ring_init(&p->spent, AETHER_REPLY_CAPACITY, sizeof(char*)) ||
      !(p->engine = aether_engine_new(rate))) {
    lv2_log_error(&logger, "%s: out of memory\n", descriptor->URI);
    if (p->replies.data) {
      aether_ring_destroy(&p->replies);
    }
    if (p->spent.data) {
      aether_ring_destroy(&p->spent);
    }
    aether_engine_free(p->engine);
    free(p->properties);
    free(p);
    return NULL;
  }

  const char* const text = p->kind == AETHER_PLUGIN_FX
                             ? aether_default_fx_patch
                             : aether_default_synth_patch;
  AetherError       err;
  aether_error_clear(&err);
  if (aether_plugin_load_text(p, text, strlen(text), "default", &err)) {
    /* A broken built-in patch is a bug; run silence and say why. */
    lv2_log_error(&logger, "%s: %s\n", descriptor->URI, err.message);
    aether_plugin_reply_status(p, 0U, "%s", err.message);
  }
  return (LV2_Handle)p;
}

static void
connect_port(LV2_Handle const instance, const uint32_t port, void* const data)
{
  AetherPlugin* const p = (AetherPlugin*)instance;
  const uint32_t      n =
    p->kind == AETHER_PLUGIN_FX
           ? (uint32_t)(sizeof(fx_ports) / sizeof(fx_ports[0]))
           : (uint32_t)(sizeof(synth_ports) / sizeof(synth_ports[0]));
  if (port >= n) {
    return;
  }

  /* Only store: lilv connects every port to NULL after instantiate. */
  const AetherPortRole role =
    p->kind == AETHER_PLUGIN_FX ? fx_ports[port] : synth_ports[port];
  switch (role) {
    case AETHER_PORT_CONTROL:
      p->control = (const LV2_Atom_Sequence*)data;
      break;
    case AETHER_PORT_NOTIFY:
      p->notify = (LV2_Atom_Sequence*)data;
      break;
    case AETHER_PORT_IN_L:
    case AETHER_PORT_IN_R:
      p->in[role - AETHER_PORT_IN_L] = (const float*)data;
      break;
    case AETHER_PORT_OUT_L:
    case AETHER_PORT_OUT_R:
      p->out[role - AETHER_PORT_OUT_L] = (float*)data;
      break;
    case AETHER_PORT_ENABLED:
      p->enabled = (const float*)data;
      break;
    case AETHER_PORT_NONE:
      break;
    default:
      p->macro[role - AETHER_PORT_MACRO1] = (const float*)data;
      break;
  }
}

/* LV2 core: after activate() the output depends only on what comes after
   it (Ardour re-activates a plugin whenever it flushes it). The engine
   forgets every node's memory, voice and note, and settles edits in
   flight; the patch, its parameters, macros and voice count stay. The host
   never calls this while run() runs. */
static void
activate(LV2_Handle const instance)
{
  AetherPlugin* const p = (AetherPlugin*)instance;
  aether_engine_reset_rt(p->engine);
  p->settle = true;
}

/* Run the engine over [begin, end) in sub-blocks of at most 64 frames, with
   the declicked bypass: out = wet * g + dry * (1 - g). */
static void
process_range(AetherPlugin* const p, const uint32_t begin, const uint32_t end)
{
  /* A NaN on the enabled port holds the bypass where it is. */
  const float    enabled = p->enabled ? *p->enabled : 1.0f;
  const uint32_t target  = isnan(enabled)   ? p->bypass
                           : enabled > 0.5f ? AETHER_DECLICK_FRAMES
                                            : 0U;
  const float    scale   = 1.0f / (float)AETHER_DECLICK_FRAMES;
  if (p->settle) {
    /* The first frames after instantiate or activate: nothing to fade
       from, so bypassed from the start means the input, bit for bit. */
    p->bypass = target;
    p->settle = false;
  }

  for (uint32_t pos = begin; pos < end;) {
    const uint32_t n =
      end - pos < AETHER_BUFFER_SIZE ? end - pos : AETHER_BUFFER_SIZE;
    float        dry[2][AETHER_BUFFER_SIZE];
    const float* in[2] = { NULL, NULL };
    for (uint32_t c = 0; c < 2; ++c) {
      if (p->in[c]) {
        /* Copied first: the host may process in place (out == in). */
        memcpy(dry[c], p->in[c] + pos, n * sizeof(float));
        in[c] = dry[c];
      } else {
        memset(dry[c], 0, n * sizeof(float));
      }
    }

    float        scratch[2][AETHER_BUFFER_SIZE];
    float* const out[2] = { p->out[0] ? p->out[0] + pos : scratch[0],
                            p->out[1] ? p->out[1] + pos : scratch[1] };
    aether_engine_process(p->engine, in, out, n);

    if (!p->bypass && !target) {
      /* Bypassed: the input, bit for bit (silence without one). */
      memcpy(out[0], dry[0], n * sizeof(float));
      memcpy(out[1], dry[1], n * sizeof(float));
    } else if (p->bypass != target || target != AETHER_DECLICK_FRAMES) {
      for (uint32_t i = 0; i < n; ++i) {
        p->bypass += p->bypass < target;
        p->bypass -= p->bypass > target;
        const float g = (float)p->bypass * scale;
        for (uint32_t c = 0; c < 2; ++c) {
          const float y = out[c][i] * g + dry[c][i] * (1.0f - g);
          out[c][i]     = isfinite(y) ? y : 0.0f; /* the host's input too */
        }
      }
    }
    pos += n;
  }
}

static void
read_macros(AetherPlugin* const p)
{
  for (uint32_t i = 0; i < AETHER_N_MACROS; ++i) {
    if (p->macro[i]) {
      /* NaN or infinity is ignored (messages.c reports it once). */
      const float v = *p->macro[i];
      if (isfinite(v) && v != p->macro_last[i]) {
        p->macro_last[i] = v;
        aether_engine_set_macro_rt(p->engine, i, v); /* clamps */
      }
    }
  }
}

static void
run(LV2_Handle const instance, const uint32_t n_frames)
{
  AetherPlugin* const p = (AetherPlugin*)instance;

  read_macros(p);
  aether_messages_begin(p);

  /* Events split the block; each is handled at its frame. Sizes are
     checked against the sequence: a lying atom ends the walk. */
  uint32_t offset = 0;
  if (p->control && p->map &&
      p->control->atom.size >= sizeof(LV2_Atom_Sequence_Body)) {
    const uint8_t* const begin =
      (const uint8_t*)&p->control->body + sizeof(LV2_Atom_Sequence_Body);
    const uint8_t* const end =
      (const uint8_t*)&p->control->body + p->control->atom.size;
    for (const uint8_t* it = begin; it + sizeof(LV2_Atom_Event) <= end;) {
      const LV2_Atom_Event* const ev = (const LV2_Atom_Event*)it;
      const uint32_t total = (uint32_t)sizeof(LV2_Atom_Event) + ev->body.size;
      if (ev->body.size > (uint32_t)(end - it) - sizeof(LV2_Atom_Event)) {
        aether_messages_malformed(p, offset);
        break;
      }
      int64_t t = ev->time.frames;
      t         = t < (int64_t)offset     ? (int64_t)offset
                  : t > (int64_t)n_frames ? (int64_t)n_frames
                                          : t;
      process_range(p, offset, (uint32_t)t);
      offset = (uint32_t)t;
      aether_messages_handle(p, &ev->body, offset);
      it += lv2_atom_pad_size(total);
    }
  }
  process_range(p, offset, n_frames);

  aether_messages_end(p);
}

static void
deactivate(LV2_Handle const instance)
{
  (void)instance;
}

static void
cleanup(LV2_Handle const instance)
{
  AetherPlugin* const p = (AetherPlugin*)instance;
  AetherReply         reply;
  while (aether_ring_pop(&p->replies, &reply)) {
    free(reply.text);
  }
  for (uint32_t i = 0; i < p->n_to_free; ++i) {
    free(p->to_free[i]);
  }
  free(p->sending.text); /* a patch cut short by the end */
  aether_plugin_free_spent(p);
  aether_ring_destroy(&p->replies);
  aether_ring_destroy(&p->spent);
  aether_engine_free(p->engine);
  pthread_mutex_destroy(&p->lock);
  free(p->last_file);
  free(p->properties);
  free(p);
}

static const void*
extension_data(const char* const uri)
{
  static const LV2_Worker_Interface worker = { aether_plugin_work,
                                               aether_plugin_work_response,
                                               NULL };
  if (!strcmp(uri, LV2_WORKER__interface)) {
    return &worker;
  }
  if (!strcmp(uri, LV2_STATE__interface)) {
    return aether_plugin_state_interface;
  }
  return NULL;
}

static const LV2_Descriptor descriptors[] = {
  { AETHER_URI_FX,
    instantiate,
    connect_port,
    activate,
    run,
    deactivate,
    cleanup,
    extension_data },
  { AETHER_URI_SYNTH,
    instantiate,
    connect_port,
    activate,
    run,
    deactivate,
    cleanup,
    extension_data },
};

LV2_SYMBOL_EXPORT const LV2_Descriptor*
lv2_descriptor(const uint32_t index)
{
  return index < 2U ? &descriptors[index] : NULL;
}
