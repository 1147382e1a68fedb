/* Aether: a Turtle document as statements, each with its place in the
   text, grouped by subject: what serd reads, before it means anything. */

#ifndef AETHER_PATCH_STATEMENTS_H
#define AETHER_PATCH_STATEMENTS_H

#include "patch.h"
#include "strmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What the object of a statement is. */
typedef enum {
  PATCH_OBJ_IRI,
  PATCH_OBJ_BLANK,
  PATCH_OBJ_LITERAL
} PatchObjectKind;

/** One statement: strings are offsets into the pool. */
typedef struct {
  uint32_t       subject;  /**< index into subjects */
  uint32_t       pred;     /**< pool offset: expanded IRI */
  uint32_t       obj;      /**< pool offset: IRI, "_:id" or lexical form */
  uint32_t       datatype; /**< pool offset of a literal's datatype or NONE */
  uint32_t       next;     /**< next statement of the same subject or NONE */
  uint8_t        kind;     /**< PatchObjectKind */
  uint8_t        lang;     /**< literal with a language tag */
  AetherPatchPos pos;      /**< where the object starts */
  AetherPatchPos ppos;     /**< where the predicate starts */
} PatchStatement;

/** A subject and its statements, in document order. */
typedef struct {
  uint32_t key;   /**< pool offset: IRI or "_:id" */
  uint32_t first; /**< first statement */
  uint32_t last;  /**< last statement */
  bool     used;  /**< a mapping that ae:macro or ae:controller names */
} PatchSubject;

/** The statements of a document. */
typedef struct {
  char*           pool;     /**< interned strings, each terminated */
  size_t          pool_len; /**< bytes used */
  size_t          pool_cap; /**< bytes allocated */
  PatchMap        strings;  /**< pool offset of each string */
  PatchMap        by_key;   /**< subject key -> subject index */
  PatchStatement* stmts;    /**< in document order */
  uint32_t        n_stmts;
  uint32_t        cap_stmts;
  PatchSubject*   subjects; /**< in order of first appearance */
  uint32_t        n_subjects;
  uint32_t        cap_subjects;
} PatchStatements;

/** Read `len` bytes of Turtle into `doc` (zeroed first; destroy it also on
    error). Syntax errors and undefined prefixes are AETHER_ERR_SYNTAX with
    the place in `file` (may be NULL). */
AetherStatus
patch_statements_read(PatchStatements* doc,
                      const char*      text,
                      size_t           len,
                      const char*      file,
                      AetherError*     err);

/** Free what `doc` holds. */
void
patch_statements_destroy(PatchStatements* doc);

/** The string at pool offset `offset`. */
static inline const char*
patch_statements_str(const PatchStatements* const doc, const uint32_t offset)
{
  return doc->pool + offset;
}

/** The index of the subject `key` (an IRI or "_:id"), or UINT32_MAX. */
uint32_t
patch_statements_subject(const PatchStatements* doc, const char* key);

/** Interpret the statements of a document into `patch` (interpret.c):
    nodes, parameters, inputs, macro and controller mappings. References
    between nodes are checked afterwards by aether_patch_validate(). */
AetherStatus
patch_interpret(PatchStatements* doc,
                const char*      file,
                AetherPatch*     patch,
                AetherError*     err);

#endif /* AETHER_PATCH_STATEMENTS_H */
