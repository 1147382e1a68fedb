/* Aether: the engine's fixed limits (the seed's values, see seed-notes.md). */

#ifndef AETHER_CONSTANTS_H
#define AETHER_CONSTANTS_H

/** Samples per sub-block: 64 frames is 1.33 ms at 48 kHz. */
#define AETHER_BUFFER_SIZE 64

/** Maximum number of audio inputs of one node. */
#define AETHER_MAX_INPUTS 8

/** Maximum number of outputs of one node (stereo, pitch/gate/velocity...). */
#define AETHER_MAX_OUTPUTS 8

/** Maximum number of parameters of one node. */
#define AETHER_MAX_PARAMS 16

/** Capacity of the node arena, allocated when a graph is created. */
#define AETHER_MAX_NODES 10240

/** Capacity of the buffer pool (MAX_NODES * 2). */
#define AETHER_MAX_BUFFERS 20480

/** Commands drained per sub-block: bounds the audio thread's mutation cost. */
#define AETHER_MAX_COMMANDS_PER_TICK 32

/** Capacity of the SPSC command ring (a power of two). */
#define AETHER_COMMAND_RING_CAPACITY 1024

/** Most voices the per-voice part of a patch can have. */
#define AETHER_MAX_VOICES 32

/** Number of host macro controls (ports macro1..macro8). */
#define AETHER_N_MACROS 8

/** Maximum length of a node name, including the terminating zero. */
#define AETHER_MAX_NAME 64

/** Maximum MIDI events delivered to nodes in one sub-block. */
#define AETHER_MAX_MIDI_EVENTS 256

/** Alignment of audio buffers and node state, in bytes (a cache line). */
#define AETHER_ALIGN 64

#endif /* AETHER_CONSTANTS_H */
