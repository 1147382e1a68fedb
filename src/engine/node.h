/* Aether: the node interface. A node type is one small vtable; every DSP node
   (src/nodes/) implements it and the engine knows nothing else about it. */

#ifndef AETHER_NODE_H
#define AETHER_NODE_H

#include "constants.h"
#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** How a parameter's value is interpreted. */
typedef enum {
  AETHER_PARAM_CONTINUOUS, /**< any float in [min, max] */
  AETHER_PARAM_INTEGER,    /**< a whole number in [min, max] */
  AETHER_PARAM_TOGGLE,     /**< 0 or 1 */
  AETHER_PARAM_ENUM,       /**< index into `choices`, 0 .. max */
} AetherParamKind;

/** Description of one node parameter. */
typedef struct {
  const char*     name;   /**< symbol used in patches, e.g. "cutoff" */
  const char*     label;  /**< human label, e.g. "Cutoff" */
  const char*     unit;   /**< "Hz", "s", "dB", "st", "" */
  float           min;    /**< lowest value */
  float           max;    /**< highest value */
  float           def;    /**< default value */
  float           smooth; /**< linear ramp time on change, seconds; 0: step */
  AetherParamKind kind;   /**< interpretation */
  const char* const* choices; /**< enum value names (max + 1 of them) */
  const char*        comment; /**< one sentence for the docs */
} AetherParamDesc;

/** Description of one input or output port of a node. */
typedef struct {
  const char* name;    /**< symbol used in patches, e.g. "in", "fm", "left" */
  const char* label;   /**< human label */
  const char* comment; /**< one sentence for the docs, may be NULL */
} AetherPortDesc;

/** A MIDI message delivered to nodes at the start of a sub-block. */
typedef struct {
  uint8_t data[3]; /**< status, data1, data2 */
  uint8_t size;    /**< 1 .. 3 */
} AetherMidiEvent;

/** What the engine tells every node about the current sub-block. Owned by
    the engine; valid during one process() call. */
typedef struct {
  double       rate;                    /**< sample rate in Hz */
  uint64_t     frame;                   /**< absolute frame of this sub-block */
  const float* host_in[2];              /**< host audio inputs at this block */
  float*       host_out[2];             /**< host audio outputs (summed into) */
  float        macros[AETHER_N_MACROS]; /**< host macro values, 0 .. 1 */
  const AetherMidiEvent* midi;          /**< MIDI events at the block start */
  uint32_t               n_midi;        /**< number of events in `midi` */
  /** Per-voice MIDI: the engine's voice allocator gives each voice the
      events meant for it (its notes; controllers go to every voice). */
  const AetherMidiEvent* voice_midi[AETHER_MAX_VOICES];
  uint32_t               n_voice_midi[AETHER_MAX_VOICES];
} AetherContext;

/** Everything one node call sees. Pointers are resolved when the schedule is
    compiled; buffers are AETHER_BUFFER_SIZE floats, AETHER_ALIGN aligned.
    The arrays hold exactly the type's n_inputs, n_outputs and n_params
    entries (packed, so a schedule stays small and cache-resident). */
typedef struct {
  const AetherContext* ctx;       /**< block context */
  const float* const*  in;        /**< inputs, silence if unconnected */
  float* const*        out;       /**< outputs, never aliasing an input */
  const float* const*  param;     /**< per-sample parameter values */
  uint32_t             moving;    /**< bit i: param i changes in this block */
  uint32_t             connected; /**< bit i: input i is connected */
  uint32_t             voice;     /**< per-voice node: voice + 1; else 0 */
  bool                 feedback;  /**< delay node closing a feedback loop */
} AetherProcessArgs;

/** Node type flags. */
typedef enum {
  /** Output depends only on past input: edges into the node do not count for
      cycle detection, so feedback loops may pass through it. Such a type
      implements `write` (consume inputs) and `process` (produce outputs
      without reading inputs). In a loop, `process` runs before its inputs
      are computed and `write` after, and `args->feedback` is true: the node
      must then delay by at least AETHER_BUFFER_SIZE frames. */
  AETHER_NODE_DELAY = 1U << 0U,

  /** Writes to the host output (ctx->host_out): what such a node depends on
      is "the path to an output" for declicking edits. */
  AETHER_NODE_SINK = 1U << 1U,

  /** Output 0 is input 0 times parameter 0 (per sample while it moves,
      else its first value), one float multiply per sample, whenever the
      other inputs are unconnected. The engine may then run a chain of such
      nodes as one step (same multiplies in the same order: bit-identical)
      without calling `process`. */
  AETHER_NODE_SCALE = 1U << 2U,
} AetherNodeFlags;

/** The vector registers a batch kernel (AetherNodeType.process_voices) may
    use; the value is how many floats one holds. */
typedef enum {
  AETHER_SIMD_SCALAR = 1, /**< none: one voice at a time, as `process` */
  AETHER_SIMD_SSE2   = 4, /**< 128-bit (SSE2, the x86-64 baseline) */
  AETHER_SIMD_AVX2   = 8, /**< 256-bit (AVX2, without FMA) */
} AetherSimd;

/** A node type: descriptors plus a small vtable. */
typedef struct {
  const char* name;    /**< type name, the local name in urn:aether: */
  const char* label;   /**< human label */
  const char* comment; /**< one or two sentences for the docs */

  const AetherPortDesc*  inputs;    /**< input ports */
  uint32_t               n_inputs;  /**< 0 .. AETHER_MAX_INPUTS */
  const AetherPortDesc*  outputs;   /**< output ports */
  uint32_t               n_outputs; /**< 0 .. AETHER_MAX_OUTPUTS */
  const AetherParamDesc* params;    /**< parameters */
  uint32_t               n_params;  /**< 0 .. AETHER_MAX_PARAMS */

  size_t   size;  /**< bytes of instance state, zeroed before init */
  uint32_t flags; /**< AetherNodeFlags */

  /** Bit i: input i is recorded and played back later (a delay line, a
      reverb tank, a grain buffer). When an edit that changes the output
      adds an instance of the type, these inputs are ramped in after the
      declick, so the abrupt start of the signal is not played back at full
      level one delay time later. Control inputs (a delay time, a pitch, a
      gate) are never in it: they would glide from 0. */
  uint32_t stored;

  /** Prepare a zeroed instance for `rate`; may allocate. Off the audio
      thread. NULL: nothing to prepare. */
  AetherStatus (*init)(void* self, double rate);

  /** Free what init allocated. Off the audio thread. May be NULL. */
  void (*cleanup)(void* self);

  /** Clear DSP state (filter memory, phase, delay lines) keeping
      allocations. Real-time safe. May be NULL. */
  void (*reset)(void* self);

  /** Compute `n` (1 .. AETHER_BUFFER_SIZE) frames. Real-time safe. */
  void (*process)(void* self, const AetherProcessArgs* args, uint32_t n);

  /** Delay types only: consume `n` frames of input. Real-time safe. */
  void (*write)(void* self, const AetherProcessArgs* args, uint32_t n);

  /** Per-voice types may run the voices of one node together: process
      `n_voices` instances (`selves[v]`, with the arguments `process` would
      get, `args[v]`, for voices 0 .. n_voices - 1), several voices side by
      side in SIMD registers of at most the level `simd` (the engine never
      asks for more than the CPU runs). The result, outputs and state, must
      be bit-identical to `process` called for each voice in voice order,
      whatever `simd`: the same IEEE operations per voice, and a voice's
      inputs read before a later voice's outputs are written (the compiler
      reuses buffers in step order, so a voice's output may share the
      buffer of an earlier voice's input or unread output). Real-time safe.
      May be NULL: the voices run one by one. */
  void (*process_voices)(void* const*                    selves,
                         const AetherProcessArgs* const* args,
                         uint32_t                        n_voices,
                         uint32_t                        n,
                         AetherSimd                      simd);

  /** Random types: take a seed (non-zero) and use it from the next reset.
      The engine derives it from the node's name and voice, so a patch
      sounds the same on every load and two nodes are uncorrelated. Off the
      audio thread. May be NULL. */
  void (*seed)(void* self, uint32_t seed);
} AetherNodeType;

/** Return the index of the parameter called `name`, or -1. */
int
aether_node_type_param_index(const AetherNodeType* type, const char* name);

/** Return the index of the input called `name`, or -1. */
int
aether_node_type_input_index(const AetherNodeType* type, const char* name);

/** Return the index of the output called `name`, or -1. */
int
aether_node_type_output_index(const AetherNodeType* type, const char* name);

/** Write why `value` is not valid for parameter `desc` of node `node`
    into `buf`, e.g. "g.gain: 9 is out of range (0 to 4)": the one wording
    every path uses. No allocation. */
void
aether_param_explain(const AetherParamDesc* desc,
                     const char*            node,
                     float                  value,
                     char*                  buf,
                     size_t                 size);

/** Check that `value` is valid for `desc` (finite, in range, whole for
    integer, toggle and enum kinds). */
AetherStatus
aether_param_check(const AetherParamDesc* desc, float value);

#endif /* AETHER_NODE_H */
