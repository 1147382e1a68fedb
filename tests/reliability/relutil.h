/* Aether reliability tests: what several test programs share: a test
   signal, the replies of a host tallied, shipped patch files. */

#ifndef AETHER_TEST_RELUTIL_H
#define AETHER_TEST_RELUTIL_H

#include "rhost.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REL_FX "urn:aether:fx"
#define REL_SYNTH "urn:aether:synth"
#define REL_RATE 48000.0

/** Replies of a host, tallied. Statuses are also kept in order. */
typedef struct {
  uint32_t n_status;   /**< every status */
  uint32_t n_ok;       /**< statuses "ok" */
  uint32_t n_errors;   /**< statuses starting "error: " */
  uint32_t n_warnings; /**< statuses starting "warning: " */
  uint32_t n_acks;     /**< parameter acknowledgements */
  uint32_t n_patches;  /**< patch texts */
  uint32_t n_changed;  /**< state:StateChanged */
  uint32_t n_other;    /**< anything else */
  char     last[RHOST_TEXT];
  char**   statuses;
  uint32_t n_kept;
  uint32_t capacity;
} RelLog;

/** A deterministic stereo test signal: a 220 Hz sine (0.4) on the left,
    white noise (0.2) on the right. */
void
rel_input(float* left, float* right, uint32_t n, uint32_t seed);

/** Take every reply of `host` into `log`. */
void
rel_log_drain(RHost* host, RelLog* log);

/** Number of kept statuses containing `text`. */
uint32_t
rel_log_count(const RelLog* log, const char* text);

/** Forget everything (keeps the memory). */
void
rel_log_clear(RelLog* log);

/** Free the kept statuses. */
void
rel_log_free(RelLog* log);

/** The source tree (AETHER_SOURCE_ROOT, else "."). */
const char*
rel_source_root(void);

/** Read a whole file into a new NUL-terminated string, or NULL. */
char*
rel_read_file(const char* path, size_t* len);

/** Paths of every shipped patch (patches/, ttl/presets/, ttl/defaults/),
    NULL-terminated; free with rel_free_list(). */
char**
rel_shipped_patches(void);

/** Free a NULL-terminated list of strings. */
void
rel_free_list(char** list);

/** A deterministic 32-bit PRNG step (xorshift32; state non-zero). */
uint32_t
rel_rand(uint32_t* state);

/** A uniform integer in [0, n). */
uint32_t
rel_rand_below(uint32_t* state, uint32_t n);

/** A uniform float in [lo, hi). */
float
rel_rand_float(uint32_t* state, float lo, float hi);

/** Print a message on one line, e.g. "Set subject=<urn:aether:node:g>
    property=<urn:aether:gain> value=0.5" (for traces). */
void
rel_print_atom(RHost* host, const LV2_Atom* atom, FILE* stream);

/** Kinds of random edits. */
typedef enum {
  REL_EDIT_PUT,     /**< patch:Put of a node of a random type */
  REL_EDIT_DELETE,  /**< patch:Delete of a node */
  REL_EDIT_CONNECT, /**< patch:Set of an input to a node */
  REL_EDIT_PARAM,   /**< patch:Set of a parameter (float) */
  REL_EDIT_GET,     /**< patch:Get of the patch or the status */
  REL_EDIT_MIDI,    /**< a MIDI message */
} RelEditKind;

/** Build a random edit on nodes "r0" .. "r(n_names - 1)" and the output
    "out". Mostly valid, some not (unknown names, out-of-range values,
    cycles): every path of the plugin gets its share. */
const LV2_Atom*
rel_random_edit(RHostMsg*    msg,
                uint32_t*    seed,
                uint32_t     n_names,
                RelEditKind* kind);

#endif /* AETHER_TEST_RELUTIL_H */
