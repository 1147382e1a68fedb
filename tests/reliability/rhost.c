/* Aether reliability tests: an LV2 host on lilv that behaves like real
   hosts do (see rhost.h). Every queue between threads is a single-producer
   single-consumer byte ring; nothing on the audio thread's side of the host
   allocates or locks either, so a hit of the real-time trap is the
   plugin's. */

#include "rhost.h"

#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
#include <lv2/midi/midi.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>
#include <lv2/worker/worker.h>

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_URIS 4096U
#define MAX_PORTS 32U
#define MAX_RESPONSE 4096U
#define REPLY_RING_BYTES (4U * 1024U * 1024U)
#define RESPONSE_RING_BYTES (256U * 1024U)
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* Byte rings */

/* A single-producer single-consumer ring of bytes with free-running
   positions; `size` is a power of two. */
typedef struct {
  uint8_t*    buf;
  uint32_t    size;
  atomic_uint head; /* written up to here (producer) */
  atomic_uint tail; /* read up to here (consumer) */
} Ring;

static uint32_t
next_pow2(uint32_t n)
{
  uint32_t p = 1U;
  while (p < n) {
    p <<= 1U;
  }
  return p;
}

static bool
ring_init(Ring* const r, const uint32_t min_size)
{
  r->size = next_pow2(min_size < 64U ? 64U : min_size);
  r->buf  = (uint8_t*)malloc(r->size);
  if (r->buf) {
    memset(r->buf, 0, r->size); /* touch every page now, not in a cycle */
  }
  atomic_init(&r->head, 0U);
  atomic_init(&r->tail, 0U);
  return r->buf != NULL;
}

static void
ring_copy_in(Ring* const r, uint32_t pos, const void* const src, uint32_t n)
{
  const uint8_t* s = (const uint8_t*)src;
  while (n) {
    const uint32_t at    = pos & (r->size - 1U);
    const uint32_t chunk = r->size - at < n ? r->size - at : n;
    memcpy(r->buf + at, s, chunk);
    s += chunk;
    pos += chunk;
    n -= chunk;
  }
}

static void
ring_copy_out(const Ring* const r, uint32_t pos, void* const dst, uint32_t n)
{
  uint8_t* d = (uint8_t*)dst;
  while (n) {
    const uint32_t at    = pos & (r->size - 1U);
    const uint32_t chunk = r->size - at < n ? r->size - at : n;
    memcpy(d, r->buf + at, chunk);
    d += chunk;
    pos += chunk;
    n -= chunk;
  }
}

/* Write a record of a header and a body, whole or not at all. */
static bool
ring_write(Ring* const       r,
           const void* const head,
           const uint32_t    n_head,
           const void* const body,
           const uint32_t    n_body)
{
  const uint32_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
  const uint32_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
  if ((uint64_t)n_head + n_body > r->size - (h - t)) {
    return false;
  }
  ring_copy_in(r, h, head, n_head);
  if (n_body) {
    ring_copy_in(r, h + n_head, body, n_body);
  }
  atomic_store_explicit(&r->head, h + n_head + n_body, memory_order_release);
  return true;
}

/* Copy `n` bytes at the read position without taking them. */
static bool
ring_peek(const Ring* const r, void* const dst, const uint32_t n)
{
  const uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
  const uint32_t h = atomic_load_explicit(&r->head, memory_order_acquire);
  if (h - t < n) {
    return false;
  }
  ring_copy_out(r, t, dst, n);
  return true;
}

/* Take `n` bytes (dst may be NULL to skip them); the caller peeked. */
static void
ring_take(Ring* const r, void* const dst, const uint32_t n)
{
  const uint32_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
  if (dst) {
    ring_copy_out(r, t, dst, n);
  }
  atomic_store_explicit(&r->tail, t + n, memory_order_release);
}

/* The host */

typedef struct {
  uint32_t frame;
  uint32_t size;
} PostHead;

struct RHost {
  RHostOptions                options;
  LilvInstance*               instance;
  const LilvPlugin*           plugin;
  const LV2_Worker_Interface* worker;
  const LV2_State_Interface*  state;

  LV2_URID_Map        map;
  LV2_URID_Unmap      unmap;
  LV2_Worker_Schedule schedule;         /* for run() */
  LV2_Worker_Schedule restore_schedule; /* for restore() */
  LV2_Feature         map_feature;
  LV2_Feature         unmap_feature;
  LV2_Feature         schedule_feature;
  LV2_Feature         restore_schedule_feature;
  const LV2_Feature*  features[4];
  const LV2_Feature*  restore_features[4];

  /* Ports */
  uint32_t n_ports;
  int      audio_in[2];
  int      audio_out[2];
  int      control_port;
  int      notify_port;
  float    controls[MAX_PORTS];
  bool     is_control[MAX_PORTS];
  char*    symbols[MAX_PORTS];
  uint8_t* control;
  uint8_t* notify;
  float    silence[RHOST_MAX_BLOCK];
  float    scratch[2][RHOST_MAX_BLOCK];

  /* Worker */
  Ring        jobs;      /* audio -> worker: u32 size, bytes */
  Ring        responses; /* worker -> audio: u32 size, bytes */
  Ring        restore_responses;
  atomic_uint n_jobs;
  uint8_t*    job; /* the job being worked on */
  uint8_t     response[MAX_RESPONSE];
  sem_t       sem;
  pthread_t   thread;
  atomic_bool exit;
  bool        thread_running;

  /* Messages and replies */
  Ring          posts;   /* poster -> audio: PostHead, bytes */
  Ring          replies; /* audio -> reader: RHostReply */
  atomic_uint   posts_dropped;
  atomic_uint   replies_lost;
  atomic_uint   bad_notify;
  atomic_ullong n_cycles; /* written by the cycling thread only */
  char*         patch;

  /* URIDs the audio side reads notify with */
  LV2_URID atom_Object;
  LV2_URID atom_Blank;
  LV2_URID atom_String;
  LV2_URID atom_URID;
  LV2_URID atom_Sequence;
  LV2_URID patch_Set;
  LV2_URID patch_subject;
  LV2_URID patch_property;
  LV2_URID patch_value;
  LV2_URID state_StateChanged;
  LV2_URID ae_status;
  LV2_URID ae_patch;
};

static LilvWorld*      world;
static char*           uris[MAX_URIS];
static atomic_uint     n_uris;
static pthread_mutex_t uri_lock = PTHREAD_MUTEX_INITIALIZER;
static void (*audio_hook)(int on);

static void
hook(const int on)
{
  if (audio_hook) {
    audio_hook(on);
  }
}

static void
plant(const RHost* const host, const RHostPlant where)
{
  if (host->options.plant == where) {
    void* volatile p = malloc(32);
    free(p);
  }
}

LilvWorld*
rhost_world(void)
{
  if (!world) {
    world = lilv_world_new();
    lilv_world_load_all(world);
  }
  return world;
}

void
rhost_world_free(void)
{
  lilv_world_free(world);
  world            = NULL;
  const uint32_t n = atomic_load(&n_uris);
  for (uint32_t i = 0; i < n; ++i) {
    free(uris[i]);
    uris[i] = NULL;
  }
  atomic_store(&n_uris, 0U);
}

void
rhost_set_audio_hook(void (*const h)(int on))
{
  audio_hook = h;
}

/* URIDs: map under a lock (never on the audio thread), unmap lock-free
   (entries are published before the count). */
static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  (void)handle;
  pthread_mutex_lock(&uri_lock);
  const uint32_t n  = atomic_load_explicit(&n_uris, memory_order_relaxed);
  LV2_URID       id = 0;
  for (uint32_t i = 0; i < n && !id; ++i) {
    if (!strcmp(uris[i], uri)) {
      id = i + 1U;
    }
  }
  if (!id && n < MAX_URIS && (uris[n] = strdup(uri))) {
    atomic_store_explicit(&n_uris, n + 1U, memory_order_release);
    id = n + 1U;
  }
  pthread_mutex_unlock(&uri_lock);
  return id;
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  (void)handle;
  const uint32_t n = atomic_load_explicit(&n_uris, memory_order_acquire);
  return (urid && urid <= n) ? uris[urid - 1U] : NULL;
}

LV2_URID
rhost_map(RHost* const host, const char* const uri)
{
  (void)host;
  return map_uri(NULL, uri);
}

const char*
rhost_unmap(RHost* const host, const LV2_URID urid)
{
  (void)host;
  const char* const uri = unmap_uri(NULL, urid);
  return uri ? uri : "(none)";
}

LV2_URID_Map*
rhost_urid_map(RHost* const host)
{
  return &host->map;
}

LilvInstance*
rhost_instance(RHost* const host)
{
  return host->instance;
}

/* Worker */

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  RHost* const host = (RHost*)handle;
  plant(host, RHOST_PLANT_SCHEDULE);
  if (atomic_load(&host->n_jobs) >= host->options.worker_jobs ||
      size > host->options.worker_bytes ||
      !ring_write(&host->jobs, &size, sizeof(size), data, size)) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  atomic_fetch_add(&host->n_jobs, 1U);
  if (host->thread_running) {
    sem_post(&host->sem);
  }
  return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
respond_to(Ring* const ring, const uint32_t size, const void* const data)
{
  return (size <= MAX_RESPONSE &&
          ring_write(ring, &size, sizeof(size), data, size))
           ? LV2_WORKER_SUCCESS
           : LV2_WORKER_ERR_NO_SPACE;
}

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle,
        const uint32_t            size,
        const void* const         data)
{
  return respond_to(&((RHost*)handle)->responses, size, data);
}

static LV2_Worker_Status
restore_respond(LV2_Worker_Respond_Handle handle,
                const uint32_t            size,
                const void* const         data)
{
  return respond_to(&((RHost*)handle)->restore_responses, size, data);
}

/* restore() may schedule work: it is done at once on the restoring thread,
   its responses go to the audio thread through their own ring. */
static LV2_Worker_Status
restore_schedule_work(LV2_Worker_Schedule_Handle handle,
                      const uint32_t             size,
                      const void* const          data)
{
  RHost* const host = (RHost*)handle;
  return host->worker->work(lilv_instance_get_handle(host->instance),
                            restore_respond,
                            host,
                            size,
                            data);
}

/* Take one job and carry it out (on the worker thread, or between cycles). */
static bool
work_one(RHost* const host)
{
  uint32_t size = 0;
  if (!ring_peek(&host->jobs, &size, sizeof(size))) {
    return false;
  }
  ring_take(&host->jobs, NULL, sizeof(size));
  ring_take(&host->jobs, host->job, size);
  host->worker->work(
    lilv_instance_get_handle(host->instance), respond, host, size, host->job);
  atomic_fetch_sub(&host->n_jobs, 1U);
  return true;
}

static void*
worker_main(void* const arg)
{
  RHost* const host = (RHost*)arg;
  for (;;) {
    sem_wait(&host->sem);
    if (atomic_load(&host->exit)) {
      break;
    }
    work_one(host);
  }
  return NULL;
}

static void
deliver(RHost* const host, Ring* const ring)
{
  uint32_t size = 0;
  while (ring_peek(ring, &size, sizeof(size))) {
    ring_take(ring, NULL, sizeof(size));
    ring_take(ring, host->response, size);
    hook(1);
    plant(host, RHOST_PLANT_RESPONSE);
    host->worker->work_response(
      lilv_instance_get_handle(host->instance), size, host->response);
    hook(0);
  }
}

static void
deliver_responses(RHost* const host)
{
  if (host->worker) {
    deliver(host, &host->responses);
    deliver(host, &host->restore_responses);
  }
}

void
rhost_idle(RHost* const host)
{
  if (host->worker && !host->thread_running) {
    while (work_one(host)) {
    }
  }
  deliver_responses(host);
}

/* Setup */

static void
find_ports(RHost* const host)
{
  LilvWorld* const        w     = rhost_world();
  const LilvPlugin* const pl    = host->plugin;
  LilvNode* const         audio = lilv_new_uri(w, LV2_CORE__AudioPort);
  LilvNode* const         atom  = lilv_new_uri(w, LV2_ATOM__AtomPort);
  LilvNode* const         input = lilv_new_uri(w, LV2_CORE__InputPort);
  float                   defaults[MAX_PORTS];

  host->n_ports = lilv_plugin_get_num_ports(pl);
  if (host->n_ports > MAX_PORTS) {
    host->n_ports = MAX_PORTS;
  }
  host->audio_in[0] = host->audio_in[1] = -1;
  host->audio_out[0] = host->audio_out[1] = -1;
  host->control_port = host->notify_port = -1;
  lilv_plugin_get_port_ranges_float(pl, NULL, NULL, defaults);

  int n_in  = 0;
  int n_out = 0;
  for (uint32_t i = 0; i < host->n_ports; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(pl, i);
    const bool            is_input = lilv_port_is_a(pl, port, input);
    host->symbols[i] =
      strdup(lilv_node_as_string(lilv_port_get_symbol(pl, port)));
    if (lilv_port_is_a(pl, port, audio)) {
      if (is_input && n_in < 2) {
        host->audio_in[n_in++] = (int)i;
      } else if (!is_input && n_out < 2) {
        host->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(pl, port, atom)) {
      if (is_input) {
        host->control_port = (int)i;
      } else {
        host->notify_port = (int)i;
      }
    } else {
      host->is_control[i] = true;
      host->controls[i]   = defaults[i];
    }
  }
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);
}

static void
map_host_uris(RHost* const host)
{
  host->atom_Object        = rhost_map(host, LV2_ATOM__Object);
  host->atom_Blank         = rhost_map(host, LV2_ATOM__Blank);
  host->atom_String        = rhost_map(host, LV2_ATOM__String);
  host->atom_URID          = rhost_map(host, LV2_ATOM__URID);
  host->atom_Sequence      = rhost_map(host, LV2_ATOM__Sequence);
  host->patch_Set          = rhost_map(host, LV2_PATCH__Set);
  host->patch_subject      = rhost_map(host, LV2_PATCH__subject);
  host->patch_property     = rhost_map(host, LV2_PATCH__property);
  host->patch_value        = rhost_map(host, LV2_PATCH__value);
  host->state_StateChanged = rhost_map(host, LV2_STATE__StateChanged);
  host->ae_status          = rhost_map(host, "urn:aether:status");
  host->ae_patch           = rhost_map(host, "urn:aether:patch");
}

static uint32_t
pad64(const uint32_t n)
{
  return (n + 63U) & ~63U;
}

RHost*
rhost_new(const RHostOptions* const options)
{
  LilvWorld* const        w  = rhost_world();
  LilvNode* const         pu = lilv_new_uri(w, options->uri);
  const LilvPlugin* const pl =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w), pu);
  lilv_node_free(pu);
  if (!pl) {
    return NULL;
  }

  RHost* const host = (RHost*)calloc(1, sizeof(RHost));
  if (!host) {
    return NULL;
  }
  host->options         = *options;
  RHostOptions* const o = &host->options;
  o->rate               = o->rate > 0.0 ? o->rate : 48000.0;
  o->worker_jobs        = o->worker_jobs ? o->worker_jobs : 256U;
  o->worker_bytes       = o->worker_bytes ? o->worker_bytes : 1024U * 1024U;
  o->control_bytes      = o->control_bytes ? o->control_bytes : 65536U;
  o->notify_bytes       = o->notify_bytes ? o->notify_bytes : 65536U;
  o->post_bytes         = o->post_bytes ? o->post_bytes : 1024U * 1024U;
  host->plugin          = pl;
  map_host_uris(host);

  host->map              = (LV2_URID_Map){ NULL, map_uri };
  host->unmap            = (LV2_URID_Unmap){ NULL, unmap_uri };
  host->schedule         = (LV2_Worker_Schedule){ host, schedule_work };
  host->restore_schedule = (LV2_Worker_Schedule){ host, restore_schedule_work };
  host->map_feature      = (LV2_Feature){ LV2_URID__map, &host->map };
  host->unmap_feature    = (LV2_Feature){ LV2_URID__unmap, &host->unmap };
  host->schedule_feature =
    (LV2_Feature){ LV2_WORKER__schedule, &host->schedule };
  host->restore_schedule_feature =
    (LV2_Feature){ LV2_WORKER__schedule, &host->restore_schedule };
  uint32_t f = 0;
  uint32_t r = 0;
  if (!o->no_map) {
    host->features[f++]         = &host->map_feature;
    host->features[f++]         = &host->unmap_feature;
    host->restore_features[r++] = &host->map_feature;
    host->restore_features[r++] = &host->unmap_feature;
  }
  if (!o->no_worker) {
    host->features[f++]         = &host->schedule_feature;
    host->restore_features[r++] = &host->restore_schedule_feature;
  }
  host->features[f]         = NULL;
  host->restore_features[r] = NULL;

  const bool rings_ok =
    ring_init(&host->jobs, o->worker_bytes + 64U) &&
    ring_init(&host->responses, RESPONSE_RING_BYTES) &&
    ring_init(&host->restore_responses, RESPONSE_RING_BYTES) &&
    ring_init(&host->posts, o->post_bytes) &&
    ring_init(&host->replies, REPLY_RING_BYTES);
  host->job     = (uint8_t*)malloc(o->worker_bytes + 8U);
  host->control = (uint8_t*)aligned_alloc(64, pad64(o->control_bytes));
  host->notify  = (uint8_t*)aligned_alloc(64, pad64(o->notify_bytes));
  if (!rings_ok || !host->job || !host->control || !host->notify) {
    rhost_free(host);
    return NULL;
  }
  memset(host->control, 0, pad64(o->control_bytes));
  memset(host->notify, 0, pad64(o->notify_bytes));

  find_ports(host);
  host->instance = lilv_plugin_instantiate(pl, o->rate, host->features);
  if (!host->instance) {
    rhost_free(host);
    return NULL;
  }
  if (!o->no_worker) {
    host->worker =
      (const LV2_Worker_Interface*)lilv_instance_get_extension_data(
        host->instance, LV2_WORKER__interface);
  }
  host->state = (const LV2_State_Interface*)lilv_instance_get_extension_data(
    host->instance, LV2_STATE__interface);

  if (o->threaded_worker && host->worker) {
    sem_init(&host->sem, 0, 0);
    host->thread_running =
      !pthread_create(&host->thread, NULL, worker_main, host);
  }
  lilv_instance_activate(host->instance);
  return host;
}

void
rhost_free(RHost* const host)
{
  if (!host) {
    return;
  }
  if (host->thread_running) {
    atomic_store(&host->exit, true);
    sem_post(&host->sem);
    pthread_join(host->thread, NULL);
    sem_destroy(&host->sem);
  }
  if (host->instance) {
    lilv_instance_deactivate(host->instance);
    lilv_instance_free(host->instance);
  }
  for (uint32_t i = 0; i < MAX_PORTS; ++i) {
    free(host->symbols[i]);
  }
  free(host->jobs.buf);
  free(host->responses.buf);
  free(host->restore_responses.buf);
  free(host->posts.buf);
  free(host->replies.buf);
  free(host->job);
  free(host->control);
  free(host->notify);
  free(host->patch);
  free(host);
}

bool
rhost_control(RHost* const host, const char* const symbol, const float value)
{
  for (uint32_t i = 0; i < host->n_ports; ++i) {
    if (host->is_control[i] && !strcmp(host->symbols[i], symbol)) {
      host->controls[i] = value;
      return true;
    }
  }
  return false;
}

void
rhost_leave_ports_null(RHost* const host, const bool leave)
{
  host->options.leave_ports_null = leave;
}

void
rhost_connect(RHost* const host, const uint32_t index, void* const data)
{
  hook(1);
  lilv_instance_connect_port(host->instance, index, data);
  hook(0);
}

/* The control port */

static uint32_t
pad8(const uint32_t n)
{
  return (n + 7U) & ~7U;
}

/* Copy posted messages into the control sequence while they fit. */
static void
fill_control(RHost* const host)
{
  LV2_Atom_Sequence* const seq = (LV2_Atom_Sequence*)host->control;
  seq->atom.type               = host->atom_Sequence;
  seq->atom.size               = sizeof(LV2_Atom_Sequence_Body);
  seq->body.unit               = 0;
  seq->body.pad                = 0;

  const uint32_t capacity = host->options.control_bytes;
  uint32_t       used     = (uint32_t)sizeof(LV2_Atom_Sequence);
  uint32_t       last     = 0;
  PostHead       head;
  while (ring_peek(&host->posts, &head, sizeof(head))) {
    const uint32_t need = pad8((uint32_t)sizeof(int64_t) + head.size);
    if ((uint64_t)used + need > capacity) {
      if (used == sizeof(LV2_Atom_Sequence)) { /* it can never fit */
        ring_take(&host->posts, NULL, sizeof(head) + head.size);
        atomic_fetch_add(&host->posts_dropped, 1U);
        continue;
      }
      break;
    }
    ring_take(&host->posts, NULL, sizeof(head));
    LV2_Atom_Event* const ev = (LV2_Atom_Event*)(host->control + used);
    last                     = head.frame > last ? head.frame : last;
    ev->time.frames          = last;
    ring_take(&host->posts, &ev->body, head.size);
    memset((uint8_t*)&ev->body + head.size,
           0,
           need - (uint32_t)sizeof(int64_t) - head.size);
    used += need;
    seq->atom.size += need;
  }
}

bool
rhost_post_bytes(RHost* const      host,
                 const uint32_t    frame,
                 const void* const bytes,
                 const uint32_t    n)
{
  const PostHead head = { frame, n };
  return ring_write(&host->posts, &head, sizeof(head), bytes, n);
}

bool
rhost_post(RHost* const host, const uint32_t frame, const LV2_Atom* const atom)
{
  return atom && rhost_post_bytes(host, frame, atom, lv2_atom_total_size(atom));
}

uint32_t
rhost_posts_dropped(const RHost* const host)
{
  return atomic_load(&((RHost*)host)->posts_dropped);
}

/* The notify port */

/* True if every property of `obj` lies inside it. */
static bool
object_ok(const LV2_Atom_Object* const obj)
{
  const uint8_t* const end = (const uint8_t*)&obj->body + obj->atom.size;
  const uint8_t*       it  = (const uint8_t*)(&obj->body + 1);
  while (it < end) {
    if ((size_t)(end - it) < sizeof(LV2_Atom_Property_Body)) {
      return false;
    }
    const LV2_Atom_Property_Body* const prop =
      (const LV2_Atom_Property_Body*)it;
    const size_t len = sizeof(LV2_Atom_Property_Body) + prop->value.size;
    if (len > (size_t)(end - it)) {
      return false;
    }
    it += pad8((uint32_t)len);
  }
  return true;
}

static void
push_reply(RHost* const         host,
           const RHostReplyKind kind,
           const uint32_t       frame,
           const char* const    text)
{
  RHostReply reply;
  memset(&reply, 0, sizeof(reply));
  reply.kind  = kind;
  reply.frame = frame;
  reply.cycle = atomic_load_explicit(&host->n_cycles, memory_order_relaxed);
  if (text) {
    snprintf(reply.text, sizeof(reply.text), "%s", text);
  }
  if (!ring_write(&host->replies, &reply, sizeof(reply), NULL, 0)) {
    atomic_fetch_add(&host->replies_lost, 1U);
  }
}

/* The text of a string atom, or NULL if it is not a terminated string. */
static const char*
string_of(const RHost* const host, const LV2_Atom* const atom)
{
  if (!atom || atom->type != host->atom_String || !atom->size) {
    return NULL;
  }
  const char* const s = (const char*)LV2_ATOM_BODY_CONST(atom);
  return s[atom->size - 1U] ? NULL : s;
}

static void
read_set(RHost* const                 host,
         const uint32_t               frame,
         const LV2_Atom_Object* const obj)
{
  const LV2_Atom* prop    = NULL;
  const LV2_Atom* value   = NULL;
  const LV2_Atom* subject = NULL;
  lv2_atom_object_get(obj,
                      host->patch_property,
                      &prop,
                      host->patch_value,
                      &value,
                      host->patch_subject,
                      &subject,
                      0);
  const LV2_URID key =
    (prop && prop->type == host->atom_URID && prop->size >= sizeof(LV2_URID))
      ? ((const LV2_Atom_URID*)prop)->body
      : 0U;
  const char* const text = string_of(host, value);
  if (subject) {
    push_reply(host, RHOST_ACK, frame, NULL);
  } else if (key == host->ae_status && text) {
    push_reply(host, RHOST_STATUS, frame, text);
  } else if (key == host->ae_patch && text) {
    free(host->patch);
    host->patch = strdup(text);
    push_reply(host, RHOST_PATCH, frame, text);
  } else {
    push_reply(host, RHOST_OTHER, frame, NULL);
  }
}

/* Check and read what the plugin wrote on notify. */
static void
read_notify(RHost* const host)
{
  const LV2_Atom_Sequence* const seq = (const LV2_Atom_Sequence*)host->notify;
  const uint32_t room = host->options.notify_bytes - (uint32_t)sizeof(LV2_Atom);
  if (seq->atom.type != host->atom_Sequence || seq->atom.size > room ||
      seq->atom.size < sizeof(LV2_Atom_Sequence_Body)) {
    atomic_fetch_add(&host->bad_notify, 1U);
    return;
  }

  const uint8_t* const end  = (const uint8_t*)&seq->body + seq->atom.size;
  const uint8_t*       it   = (const uint8_t*)(&seq->body + 1);
  int64_t              last = 0;
  while (it < end) {
    const LV2_Atom_Event* const ev = (const LV2_Atom_Event*)it;
    if ((size_t)(end - it) < sizeof(LV2_Atom_Event) ||
        ev->body.size > (size_t)(end - it) - sizeof(LV2_Atom_Event) ||
        ev->time.frames < last) {
      atomic_fetch_add(&host->bad_notify, 1U);
      return;
    }
    last                             = ev->time.frames;
    const uint32_t               fr  = (uint32_t)ev->time.frames;
    const LV2_Atom_Object* const obj = (const LV2_Atom_Object*)&ev->body;
    if ((ev->body.type == host->atom_Object ||
         ev->body.type == host->atom_Blank) &&
        ev->body.size >= sizeof(LV2_Atom_Object_Body)) {
      if (!object_ok(obj)) {
        atomic_fetch_add(&host->bad_notify, 1U);
        return;
      }
      if (obj->body.otype == host->state_StateChanged) {
        push_reply(host, RHOST_STATE_CHANGED, fr, NULL);
      } else if (obj->body.otype == host->patch_Set) {
        read_set(host, fr, obj);
      } else {
        push_reply(host, RHOST_OTHER, fr, NULL);
      }
    } else {
      push_reply(host, RHOST_OTHER, fr, NULL);
    }
    it += pad8((uint32_t)sizeof(LV2_Atom_Event) + ev->body.size);
  }
}

/* Cycles */

static void
connect_all(RHost* const       host,
            const float* const in[2],
            float* const       out[2],
            const uint32_t     offset)
{
  LilvInstance* const inst = host->instance;
  for (int c = 0; c < 2; ++c) {
    if (host->audio_in[c] >= 0) {
      const float* const src = (in && in[c]) ? in[c] + offset : host->silence;
      lilv_instance_connect_port(inst, (uint32_t)host->audio_in[c], (void*)src);
    }
    if (host->audio_out[c] >= 0) {
      float* const dst = (out && out[c]) ? out[c] + offset : host->scratch[c];
      lilv_instance_connect_port(inst, (uint32_t)host->audio_out[c], dst);
    }
  }
  if (host->control_port >= 0) {
    lilv_instance_connect_port(
      inst, (uint32_t)host->control_port, host->control);
  }
  if (host->notify_port >= 0) {
    lilv_instance_connect_port(inst, (uint32_t)host->notify_port, host->notify);
  }
  for (uint32_t i = 0; i < host->n_ports; ++i) {
    if (host->is_control[i]) {
      lilv_instance_connect_port(inst, i, &host->controls[i]);
    }
  }
}

static void
cycle_at(RHost* const       host,
         const float* const in[2],
         float* const       out[2],
         const uint32_t     offset,
         const uint32_t     n)
{
  deliver_responses(host);

  hook(1);
  plant(host, RHOST_PLANT_CONNECT);
  if (!host->options.leave_ports_null) {
    connect_all(host, in, out, offset);
  }
  hook(0);

  if (!host->options.leave_ports_null) {
    fill_control(host); /* else posted messages wait */
  }
  LV2_Atom_Sequence* const notify = (LV2_Atom_Sequence*)host->notify;
  notify->atom.type               = 0;
  notify->atom.size = host->options.notify_bytes - (uint32_t)sizeof(LV2_Atom);

  hook(1);
  lilv_instance_run(host->instance, n);
  hook(0);

  if (!host->options.leave_ports_null) {
    read_notify(host);
  }
  atomic_fetch_add_explicit(&host->n_cycles, 1U, memory_order_release);
  if (host->worker && !host->thread_running) {
    while (work_one(host)) {
    }
  }
}

void
rhost_cycle(RHost* const       host,
            const float* const in[2],
            float* const       out[2],
            const uint32_t     n)
{
  cycle_at(host, in, out, 0, n > RHOST_MAX_BLOCK ? RHOST_MAX_BLOCK : n);
}

void
rhost_render(RHost* const       host,
             const float* const in[2],
             float* const       out[2],
             const uint32_t     n,
             const uint32_t     block)
{
  const uint32_t b = block > RHOST_MAX_BLOCK ? RHOST_MAX_BLOCK : block;
  for (uint32_t done = 0; done < n; done += b) {
    cycle_at(host, in, out, done, n - done < b ? n - done : b);
  }
}

/* Replies */

bool
rhost_next_reply(RHost* const host, RHostReply* const reply)
{
  if (!ring_peek(&host->replies, reply, sizeof(*reply))) {
    return false;
  }
  ring_take(&host->replies, NULL, sizeof(*reply));
  return true;
}

uint32_t
rhost_replies_lost(const RHost* const host)
{
  return atomic_load(&((RHost*)host)->replies_lost);
}

uint32_t
rhost_bad_notify(const RHost* const host)
{
  return atomic_load(&((RHost*)host)->bad_notify);
}

uint64_t
rhost_cycles(const RHost* const host)
{
  return atomic_load_explicit(&((RHost*)host)->n_cycles, memory_order_acquire);
}

const char*
rhost_patch_text(const RHost* const host)
{
  return host->patch;
}

/* Messages */

void
rhost_msg_init(RHost* const    host,
               RHostMsg* const msg,
               void* const     buf,
               const uint32_t  capacity)
{
  memset(msg, 0, sizeof(*msg));
  msg->host     = host;
  msg->buf      = (uint8_t*)buf;
  msg->capacity = capacity;
  lv2_atom_forge_init(&msg->forge, &host->map);
}

static void
msg_begin(RHostMsg* const msg, const char* const otype)
{
  lv2_atom_forge_set_buffer(&msg->forge, msg->buf, msg->capacity);
  lv2_atom_forge_object(
    &msg->forge, &msg->frame, 0, rhost_map(msg->host, otype));
}

/* The message if it fits whole, else NULL. */
static const LV2_Atom*
msg_done(RHostMsg* const msg)
{
  lv2_atom_forge_pop(&msg->forge, &msg->frame);
  const LV2_Atom* const atom = (const LV2_Atom*)msg->buf;
  return lv2_atom_pad_size(lv2_atom_total_size(atom)) == msg->forge.offset
           ? atom
           : NULL;
}

static void
forge_key(RHostMsg* const msg, const char* const uri)
{
  lv2_atom_forge_key(&msg->forge, rhost_map(msg->host, uri));
}

void
rhost_msg_set_begin(RHostMsg* const   msg,
                    const char* const subject,
                    const char* const property)
{
  msg_begin(msg, LV2_PATCH__Set);
  if (subject) {
    forge_key(msg, LV2_PATCH__subject);
    lv2_atom_forge_uri(&msg->forge, subject, (uint32_t)strlen(subject));
  }
  forge_key(msg, LV2_PATCH__property);
  lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, property));
  forge_key(msg, LV2_PATCH__value);
}

const LV2_Atom*
rhost_msg_end(RHostMsg* const msg)
{
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_set_param(RHostMsg* const   msg,
                    const char* const node,
                    const char* const param,
                    const float       value)
{
  char subject[128];
  char property[128];
  snprintf(subject, sizeof(subject), "urn:aether:node:%s", node);
  snprintf(property, sizeof(property), "urn:aether:%s", param);
  rhost_msg_set_begin(msg, subject, property);
  lv2_atom_forge_float(&msg->forge, value);
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_set_string(RHostMsg* const   msg,
                     const char* const property,
                     const char* const value,
                     const uint32_t    len,
                     const bool        path)
{
  rhost_msg_set_begin(msg, NULL, property);
  if (path) {
    lv2_atom_forge_path(&msg->forge, value, len);
  } else {
    lv2_atom_forge_string(&msg->forge, value, len);
  }
  return msg_done(msg);
}

void
rhost_msg_put_begin(RHostMsg* const   msg,
                    const char* const node,
                    const char* const type)
{
  char subject[128];
  char type_uri[128];
  snprintf(subject, sizeof(subject), "urn:aether:node:%s", node);
  snprintf(type_uri, sizeof(type_uri), "urn:aether:%s", type);
  msg_begin(msg, LV2_PATCH__Put);
  forge_key(msg, LV2_PATCH__subject);
  lv2_atom_forge_uri(&msg->forge, subject, (uint32_t)strlen(subject));
  forge_key(msg, LV2_PATCH__body);
  lv2_atom_forge_object(&msg->forge, &msg->body, 0, 0);
  forge_key(msg, NS_RDF "type");
  lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, type_uri));
}

const LV2_Atom*
rhost_msg_put_end(RHostMsg* const msg)
{
  lv2_atom_forge_pop(&msg->forge, &msg->body);
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_delete(RHostMsg* const msg, const char* const node)
{
  char subject[128];
  snprintf(subject, sizeof(subject), "urn:aether:node:%s", node);
  msg_begin(msg, LV2_PATCH__Delete);
  forge_key(msg, LV2_PATCH__subject);
  lv2_atom_forge_uri(&msg->forge, subject, (uint32_t)strlen(subject));
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_get(RHostMsg* const msg, const char* const property)
{
  msg_begin(msg, LV2_PATCH__Get);
  if (property) {
    forge_key(msg, LV2_PATCH__property);
    lv2_atom_forge_urid(&msg->forge, rhost_map(msg->host, property));
  }
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_midi(RHostMsg* const      msg,
               const uint8_t* const bytes,
               const uint32_t       size)
{
  lv2_atom_forge_set_buffer(&msg->forge, msg->buf, msg->capacity);
  lv2_atom_forge_atom(
    &msg->forge, size, rhost_map(msg->host, LV2_MIDI__MidiEvent));
  lv2_atom_forge_write(&msg->forge, bytes, size);
  return (const LV2_Atom*)msg->buf;
}

/* State */

typedef struct {
  RHost* host;
  char*  text;
} SaveContext;

static LV2_State_Status
store(LV2_State_Handle  handle,
      const uint32_t    key,
      const void* const value,
      const size_t      size,
      const uint32_t    type,
      const uint32_t    flags)
{
  (void)type;
  (void)flags;
  SaveContext* const ctx = (SaveContext*)handle;
  if (key != ctx->host->ae_patch) {
    return LV2_STATE_SUCCESS;
  }
  free(ctx->text);
  ctx->text = (char*)malloc(size + 1U);
  if (!ctx->text) {
    return LV2_STATE_ERR_UNKNOWN;
  }
  memcpy(ctx->text, value, size);
  ctx->text[size] = '\0';
  return LV2_STATE_SUCCESS;
}

char*
rhost_save(RHost* const host, LV2_State_Status* const status)
{
  SaveContext            ctx = { host, NULL };
  const LV2_State_Status st =
    host->state ? host->state->save(lilv_instance_get_handle(host->instance),
                                    store,
                                    &ctx,
                                    LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE,
                                    host->features)
                : LV2_STATE_ERR_NO_FEATURE;
  if (status) {
    *status = st;
  }
  if (st) {
    free(ctx.text);
    return NULL;
  }
  return ctx.text;
}

typedef struct {
  RHost*      host;
  const void* value;
  size_t      size;
  LV2_URID    type;
} RestoreContext;

static const void*
retrieve(LV2_State_Handle handle,
         const uint32_t   key,
         size_t* const    size,
         uint32_t* const  type,
         uint32_t* const  flags)
{
  const RestoreContext* const ctx = (const RestoreContext*)handle;
  if (key != ctx->host->ae_patch || !ctx->value) {
    return NULL;
  }
  *size  = ctx->size;
  *type  = ctx->type;
  *flags = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
  return ctx->value;
}

LV2_State_Status
rhost_restore(RHost* const      host,
              const void* const value,
              const size_t      size,
              const LV2_URID    type)
{
  RestoreContext ctx = { host, value, size, type };
  return host->state
           ? host->state->restore(lilv_instance_get_handle(host->instance),
                                  retrieve,
                                  &ctx,
                                  0,
                                  host->restore_features)
           : LV2_STATE_ERR_NO_FEATURE;
}

bool
rhost_load_preset(RHost* const host, const LilvNode* const preset)
{
  LilvWorld* const w = rhost_world();
  lilv_world_load_resource(w, preset);
  LilvState* const st = lilv_state_new_from_world(w, &host->map, preset);
  if (!st) {
    return false;
  }
  lilv_state_restore(st, host->instance, NULL, NULL, 0, host->restore_features);
  lilv_state_free(st);
  return true;
}
