/* Aether engine tests: tiny node types with exactly known behaviour. */

#include "test_types.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* test_ramp */

typedef struct {
  double count;
} Ramp;

static const AetherParamDesc ramp_params[] = {
  { "value",
    "Value",
    "",
    -1000,
    1000,
    0,
    0,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "" },
  { "slope", "Slope", "", -1, 1, 0, 0, AETHER_PARAM_CONTINUOUS, NULL, "" },
};

static const AetherPortDesc one_out[] = { { "out", "Out", NULL } };

static void
ramp_reset(void* const self)
{
  ((Ramp*)self)->count = 0.0;
}

static void
ramp_process(void* const                    self,
             const AetherProcessArgs* const a,
             const uint32_t                 n)
{
  Ramp* const r = (Ramp*)self;
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] = a->param[0][i] + (float)(r->count * a->param[1][i]);
    r->count += 1.0;
  }
}

const AetherNodeType test_ramp = {
  .name      = "TestRamp",
  .label     = "Ramp",
  .outputs   = one_out,
  .n_outputs = 1,
  .params    = ramp_params,
  .n_params  = 2,
  .size      = sizeof(Ramp),
  .reset     = ramp_reset,
  .process   = ramp_process,
};

/* test_sum */

static const AetherPortDesc sum_inputs[] = { { "a", "A", NULL },
                                             { "b", "B", NULL },
                                             { "c", "C", NULL },
                                             { "d", "D", NULL } };

static const AetherParamDesc sum_params[] = {
  { "gain",
    "Gain",
    "",
    -4,
    4,
    1,
    64.0f / 48000.0f,
    AETHER_PARAM_CONTINUOUS,
    NULL,
    "" },
};

static void
sum_process(void* const                    self,
            const AetherProcessArgs* const a,
            const uint32_t                 n)
{
  (void)self;
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] =
      (a->in[0][i] + a->in[1][i] + a->in[2][i] + a->in[3][i]) * a->param[0][i];
  }
}

const AetherNodeType test_sum = {
  .name      = "TestSum",
  .label     = "Sum",
  .inputs    = sum_inputs,
  .n_inputs  = 4,
  .outputs   = one_out,
  .n_outputs = 1,
  .params    = sum_params,
  .n_params  = 1,
  .process   = sum_process,
};

/* test_scale */

static void
scale_process(void* const                    self,
              const AetherProcessArgs* const a,
              const uint32_t                 n)
{
  (void)self;
  const bool moving = a->moving & 1U;
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] = a->in[0][i] * (moving ? a->param[0][i] : a->param[0][0]);
  }
}

const AetherNodeType test_scale = {
  .name      = "TestScale",
  .label     = "Scale",
  .inputs    = sum_inputs,
  .n_inputs  = 2,
  .outputs   = one_out,
  .n_outputs = 1,
  .params    = sum_params,
  .n_params  = 1,
  .flags     = AETHER_NODE_SCALE,
  .process   = scale_process,
};

/* test_delay */

#define DELAY_LEN 1024U

typedef struct {
  float    line[DELAY_LEN];
  uint32_t write;
} Delay;

static const AetherPortDesc delay_in[] = { { "in", "In", NULL } };

static const AetherParamDesc delay_params[] = {
  { "frames", "Frames", "", 0, 512, 64, 0, AETHER_PARAM_INTEGER, NULL, "" },
};

static uint32_t
delay_frames(const AetherProcessArgs* const a)
{
  const uint32_t d = (uint32_t)a->param[0][0];
  return (a->feedback && d < AETHER_BUFFER_SIZE) ? AETHER_BUFFER_SIZE : d;
}

static void
delay_reset(void* const self)
{
  memset(self, 0, sizeof(Delay));
}

static void
delay_write(void* const                    self,
            const AetherProcessArgs* const a,
            const uint32_t                 n)
{
  Delay* const d = (Delay*)self;
  for (uint32_t i = 0; i < n; ++i) {
    d->line[(d->write + i) % DELAY_LEN] = a->in[0][i];
  }
  d->write = (d->write + n) % DELAY_LEN;
}

/* Runs after write (normal) or before it (feedback): read relative to the
   position of the block's first frame either way. */
static void
delay_process(void* const                    self,
              const AetherProcessArgs* const a,
              const uint32_t                 n)
{
  Delay* const   d     = (Delay*)self;
  const uint32_t start = a->feedback ? d->write : d->write + DELAY_LEN - n;
  const uint32_t delay = delay_frames(a);
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] = d->line[(start + i + DELAY_LEN - delay) % DELAY_LEN];
  }
}

const AetherNodeType test_delay = {
  .name      = "TestDelay",
  .label     = "Delay",
  .inputs    = delay_in,
  .n_inputs  = 1,
  .outputs   = one_out,
  .n_outputs = 1,
  .params    = delay_params,
  .n_params  = 1,
  .size      = sizeof(Delay),
  .flags     = AETHER_NODE_DELAY,
  .reset     = delay_reset,
  .process   = delay_process,
  .write     = delay_write,
};

/* test_out */

static const AetherPortDesc out_inputs[] = { { "left", "L", NULL },
                                             { "right", "R", NULL } };

static void
out_process(void* const                    self,
            const AetherProcessArgs* const a,
            const uint32_t                 n)
{
  (void)self;
  for (uint32_t i = 0; i < n; ++i) {
    a->ctx->host_out[0][i] += a->in[0][i];
    a->ctx->host_out[1][i] += a->in[1][i];
  }
}

const AetherNodeType test_out = {
  .name     = "TestOut",
  .label    = "Out",
  .inputs   = out_inputs,
  .n_inputs = 2,
  .flags    = AETHER_NODE_SINK,
  .process  = out_process,
};

/* test_split */

static const AetherPortDesc split_outs[] = { { "pos", "+", NULL },
                                             { "neg", "-", NULL } };

static void
split_process(void* const                    self,
              const AetherProcessArgs* const a,
              const uint32_t                 n)
{
  (void)self;
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] = a->in[0][i];
    a->out[1][i] = -a->in[0][i];
  }
}

const AetherNodeType test_split = {
  .name      = "TestSplit",
  .label     = "Split",
  .inputs    = delay_in,
  .n_inputs  = 1,
  .outputs   = split_outs,
  .n_outputs = 2,
  .process   = split_process,
};

/* test_bad */

static const AetherParamDesc bad_params[] = {
  { "value", "Value", "", 0, 3, 0, 0, AETHER_PARAM_INTEGER, NULL, "" },
};

static void
bad_process(void* const                    self,
            const AetherProcessArgs* const a,
            const uint32_t                 n)
{
  (void)self;
  const float v = a->param[0][0];
  const float y = v == 2.0f ? INFINITY : v == 3.0f ? NAN : v;
  for (uint32_t i = 0; i < n; ++i) {
    a->out[0][i] = y;
  }
}

const AetherNodeType test_bad = {
  .name      = "TestBad",
  .label     = "Bad",
  .outputs   = one_out,
  .n_outputs = 1,
  .params    = bad_params,
  .n_params  = 1,
  .process   = bad_process,
};
