/* bench_kernel.c: node kernels called directly, without the engine (see
   bench_kernel.h). */

#include "bench_kernel.h"

#include "bench_core.h"
#include "bench_signal.h"

#include <stdlib.h>
#include <string.h>

static _Alignas(AETHER_ALIGN) float silence[BLOCK];

/* The rate and host buffers: set up by kernel_context_init(). */
static AetherContext kernel_ctx;

void
kernel_context_init(void)
{
  static _Alignas(AETHER_ALIGN) float host_in[2][BLOCK];
  static _Alignas(AETHER_ALIGN) float host_out[2][BLOCK];
  fill_noise(host_in[0], BLOCK, 1U);
  fill_noise(host_in[1], BLOCK, 2U);
  kernel_ctx.rate        = RATE;
  kernel_ctx.host_in[0]  = host_in[0];
  kernel_ctx.host_in[1]  = host_in[1];
  kernel_ctx.host_out[0] = host_out[0];
  kernel_ctx.host_out[1] = host_out[1];
}

void
ports_bind(Ports* const p)
{
  p->args.in    = p->in;
  p->args.out   = p->out;
  p->args.param = p->param;
}

void
kernel_free(Kernel* const k)
{
  if (k->self && k->type->cleanup) {
    k->type->cleanup(k->self);
  }
  free(k->self);
  free(k->params);
  if (k->own_outs) {
    free(k->outs);
  }
  memset(k, 0, sizeof(*k));
}

AetherStatus
kernel_init(Kernel* const               k,
            const AetherNodeType* const type,
            float* const                outs)
{
  memset(k, 0, sizeof(*k));
  k->type     = type;
  k->self     = alloc_aligned(type->size ? type->size : 1U);
  k->params   = (float*)alloc_aligned((type->n_params + 1U) * BLOCK * 4U);
  k->own_outs = !outs;
  k->outs =
    outs ? outs : (float*)alloc_aligned((type->n_outputs + 1U) * BLOCK * 4U);
  if (!k->self || !k->params || !k->outs) {
    kernel_free(k);
    return AETHER_ERR_NO_MEMORY;
  }
  if (type->init && type->init(k->self, RATE)) {
    free(k->self); /* init failed: nothing to clean up */
    k->self = NULL;
    kernel_free(k);
    return AETHER_ERR_NO_MEMORY;
  }
  if (type->seed) {
    type->seed(k->self, 0x2545F491U); /* deterministic, like the engine */
  }
  if (type->reset) {
    type->reset(k->self);
  }
  Ports* const ports = &k->ports;
  ports_bind(ports);
  ports->args.ctx = &kernel_ctx;
  for (uint32_t i = 0; i < AETHER_MAX_INPUTS; ++i) {
    ports->in[i] = silence;
  }
  for (uint32_t o = 0; o < type->n_outputs; ++o) {
    ports->out[o] = k->outs + (size_t)o * BLOCK;
  }
  for (uint32_t p = 0; p < type->n_params; ++p) {
    float* const buf = k->params + (size_t)p * BLOCK;
    fill_value(buf, BLOCK, type->params[p].def);
    ports->param[p] = buf;
  }
  return AETHER_SUCCESS;
}

void
kernel_connect(Kernel* const k, const char* const input, const float* const buf)
{
  const int i = aether_node_type_input_index(k->type, input);
  if (i >= 0) {
    k->ports.in[i] = buf;
    k->ports.args.connected |= 1U << (uint32_t)i;
  }
}

void
kernel_set(Kernel* const k, const char* const param, const float value)
{
  const int i = aether_node_type_param_index(k->type, param);
  if (i >= 0) {
    fill_value(k->params + (size_t)i * BLOCK, BLOCK, value);
  }
}

const float*
kernel_out(const Kernel* const k, const char* const output)
{
  const int o = aether_node_type_output_index(k->type, output);
  return k->ports.out[o < 0 ? 0 : o];
}
