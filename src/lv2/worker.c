/* Aether LV2: the worker. run() sends edits, collection requests and
   explanations; work() carries them out on the control side. A collection
   also frees the texts run() has handed back through the `spent` ring. The
   new schedule itself travels through the engine's ring, so work_response()
   only learns that a collection is done. Per the worker spec, work() may
   also be called synchronously from inside run() (offline hosts): nothing
   here holds an engine pointer across a call. */

#include "plugin.h"

#include <lv2/atom/util.h>

#include <stdlib.h>
#include <string.h>

bool
aether_plugin_schedule(AetherPlugin* const  p,
                       const AetherWorkKind kind,
                       const void* const    data,
                       const uint32_t       size)
{
  if (!p->schedule) {
    return false;
  }
  if (kind == AETHER_WORK_EDIT) { /* the host copies the atom */
    return p->schedule->schedule_work(p->schedule->handle, size, data) ==
           LV2_WORKER_SUCCESS;
  }

  uint8_t buf[sizeof(AetherWorkHead) + sizeof(AetherBadValue)];
  if (size > sizeof(buf) - sizeof(AetherWorkHead)) {
    return false;
  }
  const AetherWorkHead head = { (uint32_t)kind, size };
  memcpy(buf, &head, sizeof(head));
  if (size) {
    memcpy(buf + sizeof(head), data, size);
  }
  return p->schedule->schedule_work(p->schedule->handle,
                                    (uint32_t)sizeof(head) + size,
                                    buf) == LV2_WORKER_SUCCESS;
}

void
aether_plugin_free_later(AetherPlugin* const p, char* const text)
{
  if (!aether_ring_push(&p->spent, &text)) {
    p->to_free[p->n_to_free++] = text; /* retried next run */
  }
}

void
aether_plugin_free_spent(AetherPlugin* const p)
{
  char* text = NULL;
  while (aether_ring_pop(&p->spent, &text)) {
    free(text);
  }
}

LV2_Worker_Status
aether_plugin_work(LV2_Handle const                  instance,
                   const LV2_Worker_Respond_Function respond,
                   const LV2_Worker_Respond_Handle   handle,
                   const uint32_t                    size,
                   const void* const                 data)
{
  AetherPlugin* const p    = (AetherPlugin*)instance;
  AetherWorkHead      head = { 0U, 0U };
  if (size < sizeof(head)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  memcpy(&head, data, sizeof(head));
  if ((head.kind & 0xFFFF0000U) != 0x4AE70000U) {
    /* An edit: the bare atom. The host's copy may be unaligned (and its
       size field is not to be trusted): work on an aligned, checked copy. */
    LV2_Atom atom;
    memcpy(&atom, data, sizeof(atom));
    if (size >= sizeof(LV2_Atom_Object) &&
        (uint64_t)atom.size + sizeof(LV2_Atom) <= size) {
      LV2_Atom_Object* const obj = (LV2_Atom_Object*)malloc(size + 8U);
      if (obj) {
        memcpy(obj, data, size);
        aether_plugin_edit(p, obj);
        free(obj);
      }
    }
    /* Every edit counts, whatever came of it (run() orders sets by it). */
    atomic_fetch_add_explicit(&p->edits_done, 1U, memory_order_release);
    return LV2_WORKER_SUCCESS;
  }
  if (head.size > size - sizeof(head)) {
    return LV2_WORKER_ERR_UNKNOWN;
  }
  const uint8_t* const payload = (const uint8_t*)data + sizeof(head);

  switch ((AetherWorkKind)head.kind) {
    case AETHER_WORK_EDIT:
      break;
    case AETHER_WORK_COLLECT: {
      pthread_mutex_lock(&p->lock);
      aether_engine_collect(p->engine);
      aether_plugin_free_spent(p);
      pthread_mutex_unlock(&p->lock);
      const uint32_t done = (uint32_t)AETHER_WORK_COLLECT;
      respond(handle, sizeof(done), &done);
      break;
    }
    case AETHER_WORK_EXPLAIN:
      if (head.size == sizeof(AetherBadValue)) {
        AetherBadValue bad;
        memcpy(&bad, payload, sizeof(bad));
        bad.node[sizeof(bad.node) - 1U]   = '\0';
        bad.param[sizeof(bad.param) - 1U] = '\0';
        aether_plugin_explain(p, &bad);
      }
      break;
  }
  return LV2_WORKER_SUCCESS;
}

LV2_Worker_Status
aether_plugin_work_response(LV2_Handle const  instance,
                            const uint32_t    size,
                            const void* const body)
{
  AetherPlugin* const p    = (AetherPlugin*)instance;
  uint32_t            kind = 0;
  if (size == sizeof(kind)) {
    memcpy(&kind, body, sizeof(kind));
    if (kind == (uint32_t)AETHER_WORK_COLLECT) {
      p->collecting = false;
    }
  }
  return LV2_WORKER_SUCCESS;
}
