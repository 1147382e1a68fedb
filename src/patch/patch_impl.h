/* Aether: internals shared by the files of src/patch/ (not installed, not
   included from outside this directory). */

#ifndef AETHER_PATCH_IMPL_H
#define AETHER_PATCH_IMPL_H

#include "patch.h"
#include "strmap.h"

#include <stddef.h>
#include <stdint.h>

/** No node, no index. */
#define PATCH_NONE UINT32_MAX

/** Longest user text quoted in a message, in bytes. */
#define PATCH_QUOTE_MAX 48

/** Size of a buffer for patch_quote(). */
#define PATCH_QUOTE_SIZE (PATCH_QUOTE_MAX + 8)

/** Size of a buffer for patch_format_float(). */
#define PATCH_NUMBER_SIZE 80

struct AetherPatchImpl {
  AetherPatchNode*      nodes;   /**< document order */
  uint32_t              n_nodes; /**< nodes in use */
  uint32_t              cap;     /**< nodes allocated */
  PatchMap              names;   /**< node name -> index */
  AetherPatchMacro      macros[AETHER_MAX_MACRO_MAPS];
  uint32_t              n_macros;
  AetherPatchController controllers[AETHER_MAX_CC_MAPS];
  uint32_t              n_controllers;
  uint32_t              voices; /**< of the per-voice nodes, 1 .. MAX_VOICES */
  char*                 filename; /**< for messages, or NULL */
};

/** A description with every reference resolved (validate.c). */
typedef struct {
  uint32_t* src;   /**< [node * AETHER_MAX_INPUTS]: source or NONE */
  uint8_t*  out;   /**< [node * AETHER_MAX_INPUTS]: source output */
  uint32_t* order; /**< nodes, each after its non-delay sources */
  uint32_t  macro_node[AETHER_MAX_MACRO_MAPS];  /**< target node */
  uint32_t  macro_param[AETHER_MAX_MACRO_MAPS]; /**< target parameter */
  uint32_t  ctl_node[AETHER_MAX_CC_MAPS];       /**< of each controller */
  uint32_t  ctl_param[AETHER_MAX_CC_MAPS];      /**< of each controller */
} PatchResolved;

/** Validate `patch` and resolve its references into `res` (freed with
    patch_resolved_free(), also on error). */
AetherStatus
patch_resolve(const AetherPatch* patch, PatchResolved* res, AetherError* err);

/** Free what patch_resolve() allocated. */
void
patch_resolved_free(PatchResolved* res);

/** Set `err` to `status` with a message prefixed by "FILE:LINE:COL: " (the
    parts that are known), and return `status`. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
AetherStatus
patch_error(AetherError*   err,
            AetherStatus   status,
            const char*    file,
            AetherPatchPos pos,
            const char*    fmt,
            ...);

/** Copy at most PATCH_QUOTE_MAX bytes of `str` (`len` bytes) into `dst` of
    PATCH_QUOTE_SIZE bytes for a message, control characters replaced and
    "..." appended when cut. Returns `dst`. */
const char*
patch_quote(char* dst, const char* str, size_t len);

/** Write `value` as it would be written in a patch, for messages: ae:NAME,
    node:NAME, <IRI>, "string" or a number. Returns `buf`. */
const char*
patch_describe(char* buf, size_t size, const AetherPatchValue* value);

/** Size of a buffer for patch_describe(). */
#define PATCH_DESCRIBE_SIZE (PATCH_QUOTE_SIZE + 8)

/** The candidate closest to `word` by edit distance if it is a plausible
    typo, else NULL. `at(ctx, i)` returns candidate `i` of `n`. */
const char*
patch_suggest(const char* word,
              const void* ctx,
              uint32_t    n,
              const char* (*at)(const void* ctx, uint32_t i));

/** True if `name` (`len` bytes) is a valid node name. */
bool
patch_valid_name(const char* name, size_t len);

/** Parse a Turtle numeric lexical form (integer, decimal or double),
    locale-independently. Returns false if `str` is not entirely one. */
bool
patch_parse_number(const char* str, double* value);

/** Write `value` (finite) into `buf` (PATCH_NUMBER_SIZE bytes) as the
    shortest Turtle integer or decimal that patch_parse_number() reads back
    as the same float. Never uses an exponent. */
void
patch_format_float(char* buf, float value);

/** aether_patch_node_set() with the places of the property and of its
    value for messages. */
AetherStatus
patch_node_set_at(AetherPatchNode*        node,
                  const char*             property,
                  const AetherPatchValue* value,
                  const char*             file,
                  AetherPatchPos          prop_pos,
                  AetherPatchPos          pos,
                  AetherError*            err);

/** aether_patch_node_set_poly() with the places of the property and of its
    value for messages. */
AetherStatus
patch_node_set_poly_at(AetherPatchNode*        node,
                       const AetherPatchValue* value,
                       const char*             file,
                       AetherPatchPos          prop_pos,
                       AetherPatchPos          pos,
                       AetherError*            err);

/** aether_patch_node_init() with the place of the statement for messages. */
AetherStatus
patch_node_init_at(AetherPatchNode* node,
                   const char*      name,
                   size_t           name_len,
                   const char*      type,
                   const char*      file,
                   AetherPatchPos   pos,
                   AetherError*     err);

/** Set `err` to AETHER_ERR_BAD_VALUE: `value` is not valid for parameter
    `desc` of `node` (out of range, not whole, not a choice). */
AetherStatus
patch_bad_value(const AetherPatchNode* node,
                const AetherParamDesc* desc,
                double                 value,
                const char*            file,
                AetherPatchPos         pos,
                AetherError*           err);

/** Index of node `name` in `patch`, or PATCH_NONE. */
uint32_t
patch_find_index(const AetherPatch* patch, const char* name);

/** Set the file name used in messages about `patch` (NULL: none). */
AetherStatus
patch_set_filename(AetherPatch* patch, const char* filename);

/** Parse a node reference "NAME" or "NAME.OUTPUT" (no namespace) into
    bounded name and output strings. Returns false if malformed. */
bool
patch_split_ref(const char* ref, size_t len, char* name, char* output);

/** Name of a curve ("linear", "exponential", "square"). */
const char*
patch_curve_name(AetherCurve curve);

/** Find a curve by name: returns false if there is none. */
bool
patch_curve_find(const char* name, size_t len, AetherCurve* curve);

#endif /* AETHER_PATCH_IMPL_H */
