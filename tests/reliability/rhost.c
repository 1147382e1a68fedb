/* Aether reliability tests: an LV2 host on lilv that behaves like real
   hosts do (see rhost.h). Every queue between threads is a single-producer
   single-consumer byte ring; nothing on the audio thread's side of the host
   allocates or locks either, so a hit of the real-time trap is the
   plugin's. What test hosts share is in tests/common/lv2*.h. */

#include "rhost.h"

#include "lv2features.h"
#include "lv2forge.h"
#include "lv2hook.h"
#include "lv2notify.h"
#include "lv2ports.h"
#include "lv2seq.h"
#include "lv2state.h"
#include "lv2urid.h"
#include "lv2world.h"

#include <lv2/atom/util.h>
#include <lv2/core/lv2.h>
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

  LV2_Worker_Schedule schedule;         /* for run() */
  LV2_Worker_Schedule restore_schedule; /* for restore() */
  Lv2Features         features;
  Lv2Features         restore_features;

  /* Ports */
  Lv2Ports ports;
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
  Lv2Uris uris;
};

/* The URID table of every host in the process, made with the world. */
static Lv2Urids* uri_table;

static Lv2Urids*
urids(void)
{
  if (!uri_table) {
    uri_table = lv2urid_new(MAX_URIS);
  }
  return uri_table;
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
  urids();
  return lv2world_get();
}

void
rhost_world_free(void)
{
  lv2world_free();
  lv2urid_free(uri_table);
  uri_table = NULL;
}

void
rhost_set_audio_hook(void (*const h)(int on))
{
  lv2hook_set(h);
}

LV2_URID
rhost_map(RHost* const host, const char* const uri)
{
  (void)host;
  return lv2urid_map(urids(), uri);
}

const char*
rhost_unmap(RHost* const host, const LV2_URID urid)
{
  (void)host;
  const char* const uri = lv2urid_unmap(urids(), urid);
  return uri ? uri : "(none)";
}

LV2_URID_Map*
rhost_urid_map(RHost* const host)
{
  (void)host;
  return lv2urid_as_map(urids());
}

LilvInstance*
rhost_instance(RHost* const host)
{
  return host->instance;
}

/* Worker */

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle, uint32_t size, const void* data);

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  RHost* const host = (RHost*)handle;
  plant(host, RHOST_PLANT_SCHEDULE);
  if (host->options.sync_worker) {
    /* Like an offline (freewheeling) host: the work is done inside the
       call, the response delivered at the start of the next cycle. */
    return host->worker->work(
      lilv_instance_get_handle(host->instance), respond, host, size, data);
  }
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
    lv2hook_enter();
    plant(host, RHOST_PLANT_RESPONSE);
    host->worker->work_response(
      lilv_instance_get_handle(host->instance), size, host->response);
    lv2hook_leave();
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

static uint32_t
pad64(const uint32_t n)
{
  return (n + 63U) & ~63U;
}

RHost*
rhost_new(const RHostOptions* const options)
{
  LilvWorld* const        w  = rhost_world();
  const LilvPlugin* const pl = lv2world_plugin(options->uri);
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
  lv2urid_init_uris(&host->uris, lv2urid_as_map(urids()));

  LV2_URID_Map* const   map = o->no_map ? NULL : lv2urid_as_map(urids());
  LV2_URID_Unmap* const unmap =
    (o->no_map || o->no_unmap) ? NULL : lv2urid_as_unmap(urids());
  host->schedule         = (LV2_Worker_Schedule){ host, schedule_work };
  host->restore_schedule = (LV2_Worker_Schedule){ host, restore_schedule_work };
  lv2features_init(
    &host->features, map, unmap, o->no_worker ? NULL : &host->schedule);
  lv2features_init(&host->restore_features,
                   map,
                   unmap,
                   o->no_worker ? NULL : &host->restore_schedule);

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

  lv2ports_find(&host->ports, w, pl);
  host->instance = lilv_plugin_instantiate(pl, o->rate, host->features.list);
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
  lv2ports_free(&host->ports);
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
  const int index = lv2ports_control(&host->ports, symbol);
  if (index >= 0) {
    host->ports.controls[index] = value;
  }
  return index >= 0;
}

void
rhost_leave_ports_null(RHost* const host, const bool leave)
{
  host->options.leave_ports_null = leave;
}

void
rhost_connect(RHost* const host, const uint32_t index, void* const data)
{
  lv2hook_enter();
  lilv_instance_connect_port(host->instance, index, data);
  lv2hook_leave();
}

/* The control port */

/* Copy posted messages into the control sequence while they fit. */
static void
fill_control(RHost* const host)
{
  LV2_Atom_Sequence* const seq = (LV2_Atom_Sequence*)host->control;
  seq->atom.type               = host->uris.atom_Sequence;
  seq->atom.size               = sizeof(LV2_Atom_Sequence_Body);
  seq->body.unit               = 0;
  seq->body.pad                = 0;

  const uint32_t capacity = host->options.control_bytes;
  uint32_t       used     = (uint32_t)sizeof(LV2_Atom_Sequence);
  uint32_t       last     = 0;
  PostHead       head;
  while (ring_peek(&host->posts, &head, sizeof(head))) {
    const uint32_t need =
      lv2_atom_pad_size((uint32_t)sizeof(int64_t) + head.size);
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

/* Check and read what the plugin wrote on notify, up to the first
   malformed event or object (counted). */
static void
read_notify(RHost* const host)
{
  const LV2_Atom_Sequence* const seq = (const LV2_Atom_Sequence*)host->notify;
  Lv2SeqWalk                     walk;
  if (seq->atom.type != host->uris.atom_Sequence ||
      !lv2seq_begin(&walk, seq, host->options.notify_bytes)) {
    atomic_fetch_add(&host->bad_notify, 1U);
    return;
  }

  const LV2_Atom_Event* ev = NULL;
  while ((ev = lv2seq_next(&walk))) {
    const uint32_t fr     = (uint32_t)ev->time.frames;
    const char*    text   = NULL;
    int32_t        number = 0;
    if (host->options.notify_tap) {
      host->options.notify_tap(host->options.notify_handle, &ev->body);
    }
    switch (lv2notify_read(&host->uris, &ev->body, &text, &number)) {
      case LV2NOTIFY_STATUS:
        push_reply(host, RHOST_STATUS, fr, text);
        break;
      case LV2NOTIFY_ACK:
        push_reply(host, RHOST_ACK, fr, NULL);
        break;
      case LV2NOTIFY_PATCH:
        free(host->patch);
        host->patch = strdup(text);
        push_reply(host, RHOST_PATCH, fr, text);
        break;
      case LV2NOTIFY_STATE_CHANGED:
        push_reply(host, RHOST_STATE_CHANGED, fr, NULL);
        break;
      case LV2NOTIFY_VOICES: /* the voice count, told after edits */
      case LV2NOTIFY_OTHER:
        push_reply(host, RHOST_OTHER, fr, NULL);
        break;
      case LV2NOTIFY_MALFORMED:
        atomic_fetch_add(&host->bad_notify, 1U);
        return;
    }
  }
  if (walk.bad) {
    atomic_fetch_add(&host->bad_notify, 1U);
  }
}

/* Cycles */

static void
connect_all(RHost* const       host,
            const float* const in[2],
            float* const       out[2],
            const uint32_t     offset)
{
  float* const scratch[2] = { host->scratch[0], host->scratch[1] };
  lv2ports_connect_audio(
    &host->ports, host->instance, in, out, offset, host->silence, scratch);
  lv2ports_connect_others(
    &host->ports, host->instance, host->control, host->notify);
}

static void
cycle_at(RHost* const       host,
         const float* const in[2],
         float* const       out[2],
         const uint32_t     offset,
         const uint32_t     n)
{
  deliver_responses(host);

  lv2hook_enter();
  plant(host, RHOST_PLANT_CONNECT);
  if (!host->options.leave_ports_null) {
    connect_all(host, in, out, offset);
  }
  lv2hook_leave();

  if (!host->options.leave_ports_null) {
    fill_control(host); /* else posted messages wait */
  }
  lv2seq_announce(host->notify, host->options.notify_bytes);

  lv2hook_enter();
  lilv_instance_run(host->instance, n);
  lv2hook_leave();

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
  lv2_atom_forge_init(&msg->forge, lv2urid_as_map(urids()));
}

/* Start writing at the start of the message buffer. */
static LV2_Atom_Forge*
msg_forge(RHostMsg* const msg)
{
  lv2_atom_forge_set_buffer(&msg->forge, msg->buf, msg->capacity);
  return &msg->forge;
}

/* The message if it fits whole, else NULL. */
static const LV2_Atom*
msg_fits(const RHostMsg* const msg)
{
  const LV2_Atom* const atom = (const LV2_Atom*)msg->buf;
  return lv2_atom_pad_size(lv2_atom_total_size(atom)) == msg->forge.offset
           ? atom
           : NULL;
}

/* Close the message's object; the message if it fits whole, else NULL. */
static const LV2_Atom*
msg_done(RHostMsg* const msg)
{
  lv2_atom_forge_pop(&msg->forge, &msg->frame);
  return msg_fits(msg);
}

void
rhost_msg_set_begin(RHostMsg* const   msg,
                    const char* const subject,
                    const char* const property)
{
  lv2forge_set_begin(
    msg_forge(msg), lv2urid_as_map(urids()), &msg->frame, subject, property);
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
  lv2forge_set_param(
    msg_forge(msg), lv2urid_as_map(urids()), node, param, value);
  return msg_fits(msg);
}

const LV2_Atom*
rhost_msg_set_string(RHostMsg* const   msg,
                     const char* const property,
                     const char* const value,
                     const uint32_t    len,
                     const bool        path)
{
  lv2forge_set_string(
    msg_forge(msg), lv2urid_as_map(urids()), property, value, len, path);
  return msg_fits(msg);
}

void
rhost_msg_put_begin(RHostMsg* const   msg,
                    const char* const node,
                    const char* const type)
{
  LV2_Atom_Forge* const forge = msg_forge(msg);
  LV2_URID_Map* const   map   = lv2urid_as_map(urids());
  char                  subject[128];
  char                  type_uri[128];
  lv2forge_node_uri(subject, sizeof(subject), node);
  lv2forge_vocab_uri(type_uri, sizeof(type_uri), type);
  lv2forge_object(forge, map, &msg->frame, LV2_PATCH__Put);
  lv2forge_key(forge, map, LV2_PATCH__subject);
  lv2_atom_forge_uri(forge, subject, (uint32_t)strlen(subject));
  lv2forge_key(forge, map, LV2_PATCH__body);
  lv2_atom_forge_object(forge, &msg->body, 0, 0);
  lv2forge_key(forge, map, NS_RDF "type");
  lv2_atom_forge_urid(forge, rhost_map(msg->host, type_uri));
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
  LV2_Atom_Forge* const forge = msg_forge(msg);
  LV2_URID_Map* const   map   = lv2urid_as_map(urids());
  char                  subject[128];
  lv2forge_node_uri(subject, sizeof(subject), node);
  lv2forge_object(forge, map, &msg->frame, LV2_PATCH__Delete);
  lv2forge_key(forge, map, LV2_PATCH__subject);
  lv2_atom_forge_uri(forge, subject, (uint32_t)strlen(subject));
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_get(RHostMsg* const msg, const char* const property)
{
  lv2forge_get_begin(
    msg_forge(msg), lv2urid_as_map(urids()), &msg->frame, property);
  return msg_done(msg);
}

const LV2_Atom*
rhost_msg_midi(RHostMsg* const      msg,
               const uint8_t* const bytes,
               const uint32_t       size)
{
  lv2forge_midi(msg_forge(msg), lv2urid_as_map(urids()), bytes, size);
  return (const LV2_Atom*)msg->buf;
}

/* State */

char*
rhost_save(RHost* const host, LV2_State_Status* const status)
{
  return lv2state_save_text(host->state,
                            lilv_instance_get_handle(host->instance),
                            host->uris.ae_patch,
                            LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE,
                            host->features.list,
                            status);
}

LV2_State_Status
rhost_restore(RHost* const      host,
              const void* const value,
              const size_t      size,
              const LV2_URID    type)
{
  return lv2state_restore_value(host->state,
                                lilv_instance_get_handle(host->instance),
                                host->uris.ae_patch,
                                value,
                                size,
                                type,
                                host->restore_features.list);
}

bool
rhost_load_preset(RHost* const host, const LilvNode* const preset)
{
  LilvWorld* const w = rhost_world();
  lilv_world_load_resource(w, preset);
  LilvState* const st =
    lilv_state_new_from_world(w, lv2urid_as_map(urids()), preset);
  if (!st) {
    return false;
  }
  lilv_state_restore(
    st, host->instance, NULL, NULL, 0, host->restore_features.list);
  lilv_state_free(st);
  return true;
}
