/* bench_engine.c: the engine as `aether bench` times it, and the graphs
   several sections build (see bench_engine.h). */

#include "bench_engine.h"

#include "bench_core.h"
#include "bench_signal.h"

#include "../src/lv2/defaults.h"
#include "../src/nodes/registry.h"
#include "../src/patch/patch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
engine_run_free(EngineRun* const r)
{
  if (r) {
    aether_engine_free(r->engine);
    free(r);
  }
}

EngineRun*
engine_run_new(void)
{
  EngineRun* const r = (EngineRun*)alloc_aligned(sizeof(EngineRun));
  if (!r || !(r->engine = aether_engine_new(RATE))) {
    free(r);
    return NULL;
  }
  r->graph = aether_engine_graph(r->engine);
  r->block = BLOCK;
  fill_noise(r->in[0], HOST_FRAMES, 1U);
  fill_noise(r->in[1], HOST_FRAMES, 2U);
  return r;
}

AetherStatus
engine_run_start(EngineRun* const r, AetherError* const err)
{
  const AetherStatus st = aether_engine_commit(r->engine, err);
  if (!st) {
    engine_block(r);
    aether_engine_collect(r->engine);
  }
  return st;
}

void
engine_warm(EngineRun* const r, const uint32_t blocks)
{
  for (uint32_t i = 0; i < blocks; ++i) {
    engine_block(r);
  }
  aether_engine_collect(r->engine);
}

void
run_engine_block(void* const ctx, const uint32_t iters)
{
  EngineRun* const r = (EngineRun*)ctx;
  for (uint32_t i = 0; i < iters; ++i) {
    engine_block(r);
  }
  sink = r->out[0][BLOCK - 1U];
}

void
run_engine_host(void* const ctx, const uint32_t iters)
{
  EngineRun* const r    = (EngineRun*)ctx;
  const uint32_t   step = r->block < BLOCK ? r->block : BLOCK;
  for (uint32_t i = 0; i < iters; ++i) {
    for (uint32_t pos = 0; pos < HOST_FRAMES; pos += step) {
      const float* const in[2]  = { r->in[0] + pos, r->in[1] + pos };
      float* const       out[2] = { r->out[0] + pos, r->out[1] + pos };
      aether_engine_process(r->engine, in, out, step);
    }
  }
  sink = r->out[0][HOST_FRAMES - 1U];
}

AetherStatus
add_node(AetherGraph* const  g,
         const char* const   type,
         const char* const   name,
         AetherHandle* const h,
         AetherError* const  err)
{
  const AetherNodeType* const t = aether_registry_find(type);
  if (!t) {
    return aether_error(err, AETHER_ERR_UNKNOWN_TYPE, "no type %s", type);
  }
  return aether_graph_add(g, t, name, h, err);
}

AetherStatus
set_param(AetherGraph* const g,
          const AetherHandle h,
          const char* const  param,
          const float        value,
          AetherError* const err)
{
  const int i =
    aether_node_type_param_index(aether_graph_node_type(g, h), param);
  if (i < 0) {
    return aether_error(err, AETHER_ERR_BAD_PARAM, "no parameter %s", param);
  }
  return aether_graph_set_param(g, h, (uint32_t)i, value, err);
}

AetherStatus
connect_ports(AetherGraph* const g,
              const AetherHandle src,
              const char* const  output,
              const AetherHandle dst,
              const char* const  input,
              AetherError* const err)
{
  const int o =
    aether_node_type_output_index(aether_graph_node_type(g, src), output);
  const int i =
    aether_node_type_input_index(aether_graph_node_type(g, dst), input);
  if (o < 0 || i < 0) {
    return aether_error(
      err, AETHER_ERR_BAD_PORT, "no port %s or %s", output, input);
  }
  return aether_graph_connect(g, src, (uint32_t)o, dst, (uint32_t)i, err);
}

int32_t
dag_second(const uint32_t k, uint32_t* const seed)
{
  return (int32_t)k - 2 - (int32_t)(rand_next(seed) % DAG_WINDOW);
}

AetherStatus
build_dag(AetherGraph* const g, const uint32_t n, AetherError* const err)
{
  AetherHandle  in;
  AetherHandle  out;
  AetherHandle* h    = (AetherHandle*)calloc(n + 1U, sizeof(AetherHandle));
  uint32_t      seed = 1234U;
  AetherStatus  st   = AETHER_SUCCESS;
  if (!h) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  if ((st = add_node(g, "AudioIn", "in", &in, err)) ||
      (st = add_node(g, "AudioOut", "out", &out, err))) {
    free(h);
    return st;
  }
  for (uint32_t k = 0; k < n && !st; ++k) {
    char name[32];
    snprintf(name, sizeof(name), "m%u", k);
    const int32_t j = dag_second(k, &seed);
    if (!(st = add_node(g, "Mixer", name, &h[k], err)) &&
        !(st = set_param(g, h[k], "gain1", 0.5f, err)) &&
        !(st = set_param(g, h[k], "gain2", 0.5f, err)) &&
        !(st = connect_ports(
            g, k ? h[k - 1U] : in, k ? "out" : "left", h[k], "in1", err))) {
      st = connect_ports(
        g, j >= 0 ? h[j] : in, j >= 0 ? "out" : "right", h[k], "in2", err);
    }
  }
  if (!st) {
    st = connect_ports(
      g, n ? h[n - 1U] : in, n ? "out" : "left", out, "left", err);
  }
  free(h);
  return st;
}

void
engine_notes(EngineRun* const r, const uint32_t n)
{
  for (uint32_t k = 0; k < n; ++k) {
    const uint8_t on[3] = { 0x90U, (uint8_t)(VOICE_NOTE - k), 100U };
    aether_engine_push_midi_rt(r->engine, on, 3U);
  }
}

EngineRun*
patch_engine(const char* const  text,
             const char* const  label,
             AetherError* const err)
{
  AetherPatch* patch = NULL;
  EngineRun*   r     = NULL;
  if (aether_patch_parse(text, strlen(text), label, &patch, err)) {
    return NULL;
  }
  if (!(r = engine_run_new())) {
    aether_patch_free(patch);
    aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  const AetherStatus st = aether_patch_apply(patch, r->graph, err);
  aether_patch_free(patch);
  if (st || engine_run_start(r, err)) {
    engine_run_free(r);
    return NULL;
  }
  engine_notes(r, 1U);
  engine_warm(r, WARM_BLOCKS);
  return r;
}

EngineRun*
default_synth_engine(const uint32_t     voices,
                     const uint32_t     notes,
                     AetherError* const err)
{
  AetherPatch* patch = NULL;
  EngineRun*   r     = NULL;
  if (aether_patch_parse(aether_default_synth_patch,
                         strlen(aether_default_synth_patch),
                         "synth-default",
                         &patch,
                         err)) {
    return NULL;
  }
  if (!(r = engine_run_new())) {
    aether_patch_free(patch);
    aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  AetherStatus st = aether_patch_apply(patch, r->graph, err);
  aether_patch_free(patch);
  if (!st) {
    st = aether_graph_set_voices(r->graph, voices, err);
  }
  /* The plugin's macro ports default to 0.5; set before the first block,
     the mapped parameters take the value at once (no glide). */
  for (uint32_t m = 0; m < AETHER_N_MACROS; ++m) {
    aether_engine_set_macro_rt(r->engine, m, 0.5f);
  }
  if (st || engine_run_start(r, err)) {
    engine_run_free(r);
    return NULL;
  }
  engine_notes(r, notes);
  engine_warm(r, WARM_BLOCKS);
  return r;
}
