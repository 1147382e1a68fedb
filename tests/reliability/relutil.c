/* Aether reliability tests: shared helpers (see relutil.h). */

#include "relutil.h"

#include "registry.h"

#include <lv2/atom/util.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint32_t
rel_rand(uint32_t* const state)
{
  uint32_t x = *state;
  x ^= x << 13U;
  x ^= x >> 17U;
  x ^= x << 5U;
  return *state = x;
}

uint32_t
rel_rand_below(uint32_t* const state, const uint32_t n)
{
  return n ? (uint32_t)(((uint64_t)rel_rand(state) * n) >> 32U) : 0U;
}

float
rel_rand_float(uint32_t* const state, const float lo, const float hi)
{
  return lo + (hi - lo) * (float)(rel_rand(state) >> 8U) / 16777216.0f;
}

void
rel_input(float* const   left,
          float* const   right,
          const uint32_t n,
          const uint32_t seed)
{
  uint32_t s = seed ? seed : 1U;
  for (uint32_t i = 0; i < n; ++i) {
    left[i]  = 0.4f * (float)sin(2.0 * M_PI * 220.0 * (double)i / REL_RATE);
    right[i] = rel_rand_float(&s, -0.2f, 0.2f);
  }
}

static void
keep(RelLog* const log, const char* const text)
{
  if (log->n_kept == log->capacity) {
    const uint32_t cap  = log->capacity ? log->capacity * 2U : 64U;
    char** const   list = (char**)realloc(log->statuses, cap * sizeof(char*));
    if (!list) {
      return;
    }
    log->statuses = list;
    log->capacity = cap;
  }
  log->statuses[log->n_kept++] = strdup(text);
}

void
rel_log_drain(RHost* const host, RelLog* const log)
{
  RHostReply reply;
  while (rhost_next_reply(host, &reply)) {
    switch (reply.kind) {
      case RHOST_STATUS:
        ++log->n_status;
        log->n_ok += !strcmp(reply.text, "ok");
        log->n_errors += !strncmp(reply.text, "error: ", 7);
        log->n_warnings += !strncmp(reply.text, "warning: ", 9);
        snprintf(log->last, sizeof(log->last), "%s", reply.text);
        keep(log, reply.text);
        break;
      case RHOST_ACK:
        ++log->n_acks;
        break;
      case RHOST_PATCH:
        ++log->n_patches;
        break;
      case RHOST_STATE_CHANGED:
        ++log->n_changed;
        break;
      case RHOST_OTHER:
        ++log->n_other;
        break;
    }
  }
}

uint32_t
rel_log_count(const RelLog* const log, const char* const text)
{
  uint32_t n = 0;
  for (uint32_t i = 0; i < log->n_kept; ++i) {
    n += strstr(log->statuses[i], text) != NULL;
  }
  return n;
}

void
rel_log_clear(RelLog* const log)
{
  for (uint32_t i = 0; i < log->n_kept; ++i) {
    free(log->statuses[i]);
  }
  char** const   list     = log->statuses;
  const uint32_t capacity = log->capacity;
  memset(log, 0, sizeof(*log));
  log->statuses = list;
  log->capacity = capacity;
}

void
rel_log_free(RelLog* const log)
{
  rel_log_clear(log);
  free(log->statuses);
  memset(log, 0, sizeof(*log));
}

const char*
rel_source_root(void)
{
  const char* const root = getenv("AETHER_SOURCE_ROOT");
  return root ? root : ".";
}

char*
rel_read_file(const char* const path, size_t* const len)
{
  FILE* const f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* const text = size >= 0 ? (char*)malloc((size_t)size + 1U) : NULL;
  if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    fclose(f);
    return NULL;
  }
  fclose(f);
  if (text) {
    text[size] = '\0';
    if (len) {
      *len = (size_t)size;
    }
  }
  return text;
}

static int
compare_strings(const void* const a, const void* const b)
{
  return strcmp(*(char* const*)a, *(char* const*)b);
}

char**
rel_shipped_patches(void)
{
  static const char* const dirs[] = { "patches",
                                      "ttl/presets",
                                      "ttl/defaults" };
  char**                   list   = (char**)calloc(257, sizeof(char*));
  uint32_t                 n      = 0;
  for (uint32_t d = 0; d < 3 && list; ++d) {
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", rel_source_root(), dirs[d]);
    DIR* const dh = opendir(dir);
    if (!dh) {
      continue;
    }
    const struct dirent* e = NULL;
    while ((e = readdir(dh)) && n < 256) {
      const size_t len = strlen(e->d_name);
      if (len > 4 && !strcmp(e->d_name + len - 4, ".ttl")) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        list[n++] = strdup(path);
      }
    }
    closedir(dh);
  }
  if (list) {
    qsort(list, n, sizeof(char*), compare_strings);
  }
  return list;
}

void
rel_free_list(char** const list)
{
  for (char** s = list; s && *s; ++s) {
    free(*s);
  }
  free(list);
}

/* Traces */

/* The local name of a URI (after the last '#', ':' or '/'). */
static const char*
short_uri(const char* const uri)
{
  const char* s = uri;
  for (const char* c = uri; *c; ++c) {
    if (*c == '#' || *c == '/' ||
        (*c == ':' && strncmp(uri, "urn:aether:", 11))) {
      s = c + 1;
    }
  }
  return s;
}

static void
print_value(RHost* const host, const LV2_Atom* const a, FILE* const stream)
{
  const LV2_URID type = a->type;
  if (type == rhost_map(host, LV2_ATOM__Object) ||
      type == rhost_map(host, LV2_ATOM__Blank)) {
    const LV2_Atom_Object* const o = (const LV2_Atom_Object*)a;
    fprintf(stream,
            "%s[",
            o->body.otype ? short_uri(rhost_unmap(host, o->body.otype)) : "");
    LV2_ATOM_OBJECT_FOREACH(o, prop)
    {
      fprintf(stream, " %s=", short_uri(rhost_unmap(host, prop->key)));
      print_value(host, &prop->value, stream);
    }
    fprintf(stream, " ]");
  } else if (type == rhost_map(host, LV2_ATOM__Float)) {
    fprintf(stream, "%g", (double)((const LV2_Atom_Float*)a)->body);
  } else if (type == rhost_map(host, LV2_ATOM__Int)) {
    fprintf(stream, "%d", ((const LV2_Atom_Int*)a)->body);
  } else if (type == rhost_map(host, LV2_ATOM__URID)) {
    fprintf(stream, "<%s>", rhost_unmap(host, ((const LV2_Atom_URID*)a)->body));
  } else if (type == rhost_map(host, LV2_ATOM__URI) ||
             type == rhost_map(host, LV2_ATOM__String) ||
             type == rhost_map(host, LV2_ATOM__Path)) {
    fprintf(stream, "\"%.60s\"", (const char*)LV2_ATOM_BODY_CONST(a));
  } else {
    fprintf(
      stream, "(%s, %u bytes)", short_uri(rhost_unmap(host, type)), a->size);
  }
}

void
rel_print_atom(RHost* const          host,
               const LV2_Atom* const atom,
               FILE* const           stream)
{
  print_value(host, atom, stream);
  fputc('\n', stream);
}

/* Random edits */

static const AetherNodeType*
random_type(uint32_t* const seed)
{
  for (;;) {
    const AetherNodeType* const t =
      aether_registry_get(rel_rand_below(seed, aether_registry_count()));
    if (t && strcmp(t->name, "AudioOut")) {
      return t;
    }
  }
}

/* A value of parameter `p`: in range, rarely just outside it. */
static float
random_value(uint32_t* const seed, const AetherParamDesc* const p)
{
  if (!rel_rand_below(seed, 16)) {
    return p->max + 1.0f + (float)rel_rand_below(seed, 100);
  }
  const float v = rel_rand_float(seed, p->min, p->max);
  return p->kind == AETHER_PARAM_CONTINUOUS ? v : floorf(v + 0.5f);
}

static void
random_name(uint32_t* const seed,
            const uint32_t  n_names,
            char* const     name,
            const size_t    size)
{
  snprintf(name, size, "r%u", rel_rand_below(seed, n_names));
}

static const LV2_Atom*
random_put(RHostMsg* const msg, uint32_t* const seed, const uint32_t n_names)
{
  char name[32];
  random_name(seed, n_names, name, sizeof(name));
  const AetherNodeType* const type = random_type(seed);
  rhost_msg_put_begin(msg, name, type->name);
  for (uint32_t i = 0; i < type->n_params; ++i) {
    if (rel_rand_below(seed, 3)) {
      continue;
    }
    char key[128];
    snprintf(key, sizeof(key), "urn:aether:%s", type->params[i].name);
    lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, key));
    lv2_atom_forge_float(&msg->forge, random_value(seed, &type->params[i]));
  }
  if (type->n_inputs && rel_rand_below(seed, 4)) {
    char key[128];
    char src[128];
    char from[32];
    random_name(seed, n_names, from, sizeof(from));
    snprintf(key,
             sizeof(key),
             "urn:aether:%s",
             type->inputs[rel_rand_below(seed, type->n_inputs)].name);
    snprintf(src, sizeof(src), "urn:aether:node:%s", from);
    lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, key));
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, src));
  }
  return rhost_msg_put_end(msg);
}

const LV2_Atom*
rel_random_edit(RHostMsg* const    msg,
                uint32_t* const    seed,
                const uint32_t     n_names,
                RelEditKind* const kind)
{
  const uint32_t dice = rel_rand_below(seed, 100);
  char           name[32];
  char           subject[128];
  char           value[128];
  random_name(seed, n_names, name, sizeof(name));

  if (dice < 25) {
    *kind = REL_EDIT_PUT;
    return random_put(msg, seed, n_names);
  }
  if (dice < 35) {
    *kind = REL_EDIT_DELETE;
    return rhost_msg_delete(msg, name);
  }
  if (dice < 50) {
    /* An input of a node (or of the output) to a node: may close cycles. */
    *kind                    = REL_EDIT_CONNECT;
    const bool        to_out = !rel_rand_below(seed, 4);
    const char* const k      = rel_rand_below(seed, 2) ? "left" : "right";
    snprintf(
      subject, sizeof(subject), "urn:aether:node:%s", to_out ? "out" : name);
    random_name(seed, n_names, name, sizeof(name));
    snprintf(value, sizeof(value), "urn:aether:node:%s", name);
    char property[64];
    snprintf(property, sizeof(property), "urn:aether:%s", to_out ? k : "in");
    rhost_msg_set_begin(msg, subject, property);
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, value));
    return rhost_msg_end(msg);
  }
  if (dice < 85) {
    *kind                            = REL_EDIT_PARAM;
    const AetherNodeType* const type = random_type(seed);
    if (!type->n_params) {
      return rhost_msg_get(msg, "urn:aether:status");
    }
    const AetherParamDesc* const p =
      &type->params[rel_rand_below(seed, type->n_params)];
    return rhost_msg_set_param(msg, name, p->name, random_value(seed, p));
  }
  if (dice < 90) {
    *kind = REL_EDIT_GET;
    return rhost_msg_get(
      msg, rel_rand_below(seed, 2) ? "urn:aether:patch" : "urn:aether:status");
  }
  *kind                  = REL_EDIT_MIDI;
  const uint8_t bytes[3] = { (uint8_t)(0x80U + (rel_rand_below(seed, 3) << 4U)),
                             (uint8_t)(36U + rel_rand_below(seed, 48)),
                             (uint8_t)(1U + rel_rand_below(seed, 126)) };
  return rhost_msg_midi(msg, bytes, 3);
}
