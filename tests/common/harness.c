/* Aether tests: drive one node type directly, without a graph. */

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  float    value;
  float    target;
  float    step;
  uint32_t remaining;
} HarnessParam;

struct NodeHarness {
  const AetherNodeType* type;
  void*                 self;
  AetherContext         ctx;
  HarnessParam          params[AETHER_MAX_PARAMS];
  const float*          signals[AETHER_MAX_INPUTS];
  int                   feedback;
  uint64_t              pos;
  _Alignas(64) float pbuf[AETHER_MAX_PARAMS][AETHER_BUFFER_SIZE];
  _Alignas(64) float ibuf[AETHER_MAX_INPUTS][AETHER_BUFFER_SIZE];
  _Alignas(64) float obuf[AETHER_MAX_OUTPUTS][AETHER_BUFFER_SIZE];
  _Alignas(64) float silence[AETHER_BUFFER_SIZE];
};

static void
die(const char* const msg, const char* const what)
{
  fprintf(stderr, "harness: %s: %s\n", msg, what);
  abort();
}

NodeHarness*
harness_new(const AetherNodeType* const type, const double rate)
{
  NodeHarness* const h = (NodeHarness*)aligned_alloc(64, sizeof(NodeHarness));
  if (!h) {
    die("out of memory", type->name);
  }
  memset(h, 0, sizeof(*h));
  h->type           = type;
  const size_t size = (type->size + 63U) & ~(size_t)63U;
  h->self           = aligned_alloc(64, size ? size : 64U);
  memset(h->self, 0, size ? size : 64U);
  h->ctx.rate = rate;
  if (type->init && type->init(h->self, rate)) {
    die("init failed", type->name);
  }
  if (type->reset) {
    type->reset(h->self);
  }
  for (uint32_t i = 0; i < type->n_params; ++i) {
    h->params[i].value = h->params[i].target = type->params[i].def;
  }
  return h;
}

void
harness_free(NodeHarness* const h)
{
  if (h->type->cleanup) {
    h->type->cleanup(h->self);
  }
  free(h->self);
  free(h);
}

static uint32_t
param_index(NodeHarness* const h, const char* const name)
{
  const int i = aether_node_type_param_index(h->type, name);
  if (i < 0) {
    die("no such parameter", name);
  }
  return (uint32_t)i;
}

void
harness_set(NodeHarness* const h, const char* const name, const float value)
{
  HarnessParam* const p = &h->params[param_index(h, name)];
  p->value = p->target = value;
  p->remaining         = 0;
}

void
harness_ramp(NodeHarness* const h,
             const char* const  name,
             const float        value,
             const uint32_t     frames)
{
  HarnessParam* const p = &h->params[param_index(h, name)];
  p->target             = value;
  p->remaining          = frames;
  p->step               = frames ? (value - p->value) / (float)frames : 0.0f;
  if (!frames) {
    p->value = value;
  }
}

void
harness_input(NodeHarness* const h,
              const uint32_t     index,
              const float* const signal)
{
  h->signals[index] = signal;
}

void
harness_set_feedback(NodeHarness* const h, const int feedback)
{
  h->feedback = feedback;
}

static uint32_t
fill_params(NodeHarness* const h, const uint32_t n)
{
  uint32_t moving = 0;
  for (uint32_t i = 0; i < h->type->n_params; ++i) {
    HarnessParam* const p = &h->params[i];
    if (p->remaining) {
      moving |= 1U << i;
    }
    for (uint32_t t = 0; t < n; ++t) {
      if (p->remaining) {
        p->value += p->step;
        if (--p->remaining == 0) {
          p->value = p->target;
        }
      }
      h->pbuf[i][t] = p->value;
    }
  }
  return moving;
}

void
harness_render(NodeHarness* const  h,
               float* const* const outputs,
               const uint32_t      n,
               const uint32_t      block)
{
  const AetherNodeType* const type = h->type;
  for (uint32_t done = 0; done < n;) {
    const uint32_t len = (n - done < block) ? n - done : block;

    const float*      ins[AETHER_MAX_INPUTS];
    float*            outs[AETHER_MAX_OUTPUTS];
    const float*      params[AETHER_MAX_PARAMS];
    AetherProcessArgs args;
    memset(&args, 0, sizeof(args));
    args.in       = ins;
    args.out      = outs;
    args.param    = params;
    args.ctx      = &h->ctx;
    args.feedback = h->feedback;
    for (uint32_t i = 0; i < type->n_inputs; ++i) {
      if (h->signals[i]) {
        memcpy(h->ibuf[i], h->signals[i] + h->pos, len * sizeof(float));
        ins[i] = h->ibuf[i];
        args.connected |= 1U << i;
      } else {
        ins[i] = h->silence;
      }
    }
    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      outs[o] = h->obuf[o];
    }
    args.moving = fill_params(h, len);
    for (uint32_t i = 0; i < type->n_params; ++i) {
      params[i] = h->pbuf[i];
    }

    h->ctx.frame = h->pos;
    if (type->flags & AETHER_NODE_DELAY) {
      if (h->feedback) {
        type->process(h->self, &args, len);
        type->write(h->self, &args, len);
      } else {
        type->write(h->self, &args, len);
        type->process(h->self, &args, len);
      }
    } else {
      type->process(h->self, &args, len);
    }
    h->ctx.n_midi = 0;
    h->ctx.midi   = NULL;

    for (uint32_t o = 0; o < type->n_outputs; ++o) {
      if (outputs[o]) {
        memcpy(outputs[o] + done, h->obuf[o], len * sizeof(float));
      }
    }
    done += len;
    h->pos += len;
  }
}

void
harness_render1(NodeHarness* const h,
                const uint32_t     out,
                float* const       dst,
                const uint32_t     n)
{
  float* outputs[AETHER_MAX_OUTPUTS] = { NULL };
  outputs[out]                       = dst;
  harness_render(h, outputs, n, AETHER_BUFFER_SIZE);
}

AetherContext*
harness_context(NodeHarness* const h)
{
  return &h->ctx;
}

void*
harness_state(NodeHarness* const h)
{
  return h->self;
}

void
harness_reset(NodeHarness* const h)
{
  if (h->type->reset) {
    h->type->reset(h->self);
  }
}
