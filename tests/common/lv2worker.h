/* Aether tests: a deterministic LV2 worker for single-threaded test hosts.
   schedule_work() copies each job into a list; the host carries the jobs
   out when it chooses (between run() calls, as if a worker thread always
   won the race), or the work is done inside schedule_work() as offline
   hosts do. Responses are kept, each in a heap block of its exact size,
   until the host delivers them (around the audio hook, see lv2hook.h). */

#ifndef AETHER_TEST_LV2WORKER_H
#define AETHER_TEST_LV2WORKER_H

#include <lv2/core/lv2.h>
#include <lv2/worker/worker.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct Lv2WorkerImpl Lv2Worker;

/** How the worker keeps and does its jobs. */
typedef struct {
  uint32_t max_jobs;    /**< jobs, and responses, kept at most */
  uint32_t arena_bytes; /**< 0: each job in a heap block of its exact size;
                             else jobs go into a preallocated arena of this
                             many bytes, so schedule_work() never
                             allocates (it is called from run()) */
  bool sync;            /**< work inside schedule_work(), then deliver */
} Lv2WorkerOptions;

/** A worker with nothing to do yet. NULL on failure. */
Lv2Worker*
lv2worker_new(const Lv2WorkerOptions* options);

/** Free the worker and its pending jobs and responses (none is done). */
void
lv2worker_free(Lv2Worker* worker);

/** The work:schedule feature's data. */
LV2_Worker_Schedule*
lv2worker_schedule(Lv2Worker* worker);

/** Do the work of `iface` on the instance `handle` (after instantiating
    with the schedule feature). */
void
lv2worker_attach(Lv2Worker*                  worker,
                 const LV2_Worker_Interface* iface,
                 LV2_Handle                  handle);

/** Carry out every scheduled job, in order, keeping their responses. */
void
lv2worker_run_jobs(Lv2Worker* worker);

/** Deliver every kept response (work_response, inside the audio hook). */
void
lv2worker_deliver(Lv2Worker* worker);

#endif /* AETHER_TEST_LV2WORKER_H */
