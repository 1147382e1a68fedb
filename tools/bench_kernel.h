/* bench_kernel.h: node kernels called directly, no engine: the baselines
   of `aether bench` (an instance, its parameter buffers and its ports, run
   one block at a time as the engine runs it). */

#ifndef AETHER_TOOLS_BENCH_KERNEL_H
#define AETHER_TOOLS_BENCH_KERNEL_H

#include "../src/engine/node.h"
#include "../src/engine/status.h"

#include <stdbool.h>
#include <stdint.h>

/** A node call's port arrays and the arguments pointing at them. */
typedef struct {
  const float*      in[AETHER_MAX_INPUTS];
  float*            out[AETHER_MAX_OUTPUTS];
  const float*      param[AETHER_MAX_PARAMS];
  AetherProcessArgs args;
} Ports;

/** A node instance with its buffers, called without the engine. */
typedef struct {
  const AetherNodeType* type;
  void*                 self;     /**< instance state */
  float*                params;   /**< n_params buffers of BLOCK values */
  float*                outs;     /**< n_outputs buffers */
  bool                  own_outs; /**< outs allocated here */
  Ports                 ports;
} Kernel;

/** Set up the context every kernel gets (the rate, host buffers of noise):
    once, before the first kernel_init(). */
void
kernel_context_init(void);

/** Point `p->args` at p's own arrays (after a copy). */
void
ports_bind(Ports* p);

/** An instance with every parameter at its default and inputs silent,
    writing into `outs` (n_outputs buffers next to the ones it reads, as the
    engine's pool has them: buffers 4 KiB apart make the CPU stall on false
    store-to-load dependencies), or into buffers of its own if NULL. */
AetherStatus
kernel_init(Kernel* k, const AetherNodeType* type, float* outs);

/** Free what kernel_init() made and clear `k`. */
void
kernel_free(Kernel* k);

/** Feed input `input` (if the type has it) from `buf`. */
void
kernel_connect(Kernel* k, const char* input, const float* buf);

/** Hold parameter `param` (if the type has it) at `value`. */
void
kernel_set(Kernel* k, const char* param, float value);

/** The buffer of output `output` (the first if there is none). */
const float*
kernel_out(const Kernel* k, const char* output);

/** One block as the engine runs a node outside feedback loops. */
static inline void
kernel_run(const Kernel* const k, const uint32_t n)
{
  if (k->type->write) {
    k->type->write(k->self, &k->ports.args, n);
  }
  k->type->process(k->self, &k->ports.args, n);
}

#endif /* AETHER_TOOLS_BENCH_KERNEL_H */
