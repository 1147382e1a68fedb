/* audio_io.c: the plugin's audio input and output as nodes of the patch. */

#include "node_util.h"

#include <string.h>

static const AetherPortDesc stereo_ports[] = {
  { "left", "Left", "Left channel" },
  { "right", "Right", "Right channel" },
};

static void
audio_in_process(void* const                    self,
                 const AetherProcessArgs* const args,
                 const uint32_t                 n)
{
  (void)self;
  for (uint32_t c = 0; c < 2; ++c) {
    if (n == 1U) {
      args->out[c][0] = args->ctx->host_in[c][0];
    } else {
      memcpy(args->out[c], args->ctx->host_in[c], n * sizeof(float));
    }
  }
}

const AetherNodeType aether_node_audio_in = {
  .name      = "AudioIn",
  .label     = "Audio input",
  .comment   = "The plugin's stereo audio input (silence in the instrument).",
  .outputs   = stereo_ports,
  .n_outputs = 2,
  .process   = audio_in_process,
};

/* A mono patch connected to `left` only is heard on both channels. */
static void
audio_out_process(void* const                    self,
                  const AetherProcessArgs* const args,
                  const uint32_t                 n)
{
  (void)self;
  const int    mono  = !aether_input_connected(args, 1);
  const float* left  = args->in[0];
  const float* right = mono ? args->in[0] : args->in[1];
  float* const outl  = args->ctx->host_out[0];
  float* const outr  = args->ctx->host_out[1];
  for (uint32_t i = 0; i < n; ++i) {
    outl[i] += left[i];
    outr[i] += right[i];
  }
}

const AetherNodeType aether_node_audio_out = {
  .name     = "AudioOut",
  .label    = "Audio output",
  .comment  = "The plugin's stereo audio output; a signal connected to the "
              "left input only is sent to both channels.",
  .inputs   = stereo_ports,
  .n_inputs = 2,
  .flags    = AETHER_NODE_SINK,
  .process  = audio_out_process,
};
