/* Aether tests: a deterministic LV2 worker (see lv2worker.h). */

#include "lv2worker.h"

#include "lv2copy.h"
#include "lv2hook.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t size;
  void*    data;
} Job;

struct Lv2WorkerImpl {
  Lv2WorkerOptions            options;
  LV2_Worker_Schedule         schedule;
  const LV2_Worker_Interface* iface;
  LV2_Handle                  handle;
  bool                        in_work;
  Job*                        jobs;
  uint32_t                    n_jobs;
  uint8_t*                    arena; /* for jobs, when arena_bytes */
  uint32_t                    arena_used;
  Job*                        responses;
  uint32_t                    n_responses;
};

static LV2_Worker_Status
respond(LV2_Worker_Respond_Handle handle,
        const uint32_t            size,
        const void* const         data)
{
  Lv2Worker* const w = (Lv2Worker*)handle;
  if (w->n_responses == w->options.max_jobs) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  w->responses[w->n_responses++] = (Job){ size, lv2copy_exact(data, size) };
  return LV2_WORKER_SUCCESS;
}

/* Keep a copy of a job: in the arena (no allocation) or on the heap. */
static LV2_Worker_Status
push_job(Lv2Worker* const w, const uint32_t size, const void* const data)
{
  if (w->n_jobs == w->options.max_jobs) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  if (!w->arena) {
    w->jobs[w->n_jobs++] = (Job){ size, lv2copy_exact(data, size) };
    return LV2_WORKER_SUCCESS;
  }
  const uint32_t padded = (size + 7U) & ~7U;
  if (w->arena_used + padded > w->options.arena_bytes) {
    return LV2_WORKER_ERR_NO_SPACE;
  }
  void* const copy = w->arena + w->arena_used;
  memcpy(copy, data, size);
  w->arena_used += padded;
  w->jobs[w->n_jobs++] = (Job){ size, copy };
  return LV2_WORKER_SUCCESS;
}

static LV2_Worker_Status
schedule_work(LV2_Worker_Schedule_Handle handle,
              const uint32_t             size,
              const void* const          data)
{
  Lv2Worker* const w = (Lv2Worker*)handle;
  if (w->options.sync && !w->in_work) {
    /* Offline hosts: the work is done inside the call. */
    void* const copy = lv2copy_exact(data, size);
    w->in_work       = true;
    w->iface->work(w->handle, respond, w, size, copy);
    w->in_work = false;
    free(copy);
    lv2worker_deliver(w);
    return LV2_WORKER_SUCCESS;
  }
  return push_job(w, size, data);
}

Lv2Worker*
lv2worker_new(const Lv2WorkerOptions* const options)
{
  Lv2Worker* const w = (Lv2Worker*)calloc(1, sizeof(Lv2Worker));
  if (!w) {
    return NULL;
  }
  w->options   = *options;
  w->schedule  = (LV2_Worker_Schedule){ w, schedule_work };
  w->jobs      = (Job*)calloc(options->max_jobs, sizeof(Job));
  w->responses = (Job*)calloc(options->max_jobs, sizeof(Job));
  if (options->arena_bytes) {
    w->arena = (uint8_t*)malloc(options->arena_bytes);
  }
  if (!w->jobs || !w->responses || (options->arena_bytes && !w->arena)) {
    lv2worker_free(w);
    return NULL;
  }
  return w;
}

void
lv2worker_free(Lv2Worker* const w)
{
  if (!w) {
    return;
  }
  for (uint32_t i = 0; !w->arena && i < w->n_jobs; ++i) {
    free(w->jobs[i].data);
  }
  for (uint32_t i = 0; i < w->n_responses; ++i) {
    free(w->responses[i].data);
  }
  free(w->arena);
  free(w->jobs);
  free(w->responses);
  free(w);
}

LV2_Worker_Schedule*
lv2worker_schedule(Lv2Worker* const w)
{
  return &w->schedule;
}

void
lv2worker_attach(Lv2Worker* const                  w,
                 const LV2_Worker_Interface* const iface,
                 LV2_Handle const                  handle)
{
  w->iface  = iface;
  w->handle = handle;
}

void
lv2worker_run_jobs(Lv2Worker* const w)
{
  for (uint32_t i = 0; i < w->n_jobs; ++i) {
    w->iface->work(w->handle, respond, w, w->jobs[i].size, w->jobs[i].data);
    if (!w->arena) {
      free(w->jobs[i].data);
    }
  }
  w->n_jobs     = 0;
  w->arena_used = 0;
}

void
lv2worker_deliver(Lv2Worker* const w)
{
  for (uint32_t i = 0; i < w->n_responses; ++i) {
    lv2hook_enter();
    w->iface->work_response(
      w->handle, w->responses[i].size, w->responses[i].data);
    lv2hook_leave();
    free(w->responses[i].data);
  }
  w->n_responses = 0;
}
