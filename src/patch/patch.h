/* Aether: the patch format. A patch (the node graph, its parameter values and
   how host macros and MIDI controllers map onto it) is one Turtle document
   in the urn:aether: vocabulary (see docs/patch-format.md). This module
   reads it with serd into a description, validates the description against
   the node registry, writes descriptions back as canonical Turtle, and
   applies them to an engine graph all-or-nothing.

   Nothing here prints: every error is an AetherError whose message names the
   place ("FILE:LINE:COL: "), the node and the property. */

#ifndef AETHER_PATCH_H
#define AETHER_PATCH_H

#include "../engine/constants.h"
#include "../engine/graph.h"
#include "../engine/node.h"
#include "../engine/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The namespace of the vocabulary (prefix `ae:`). */
#define AETHER_PATCH_NS "urn:aether:"

/** The namespace of node resources (prefix `node:`): `node:NAME`. */
#define AETHER_PATCH_NODE_NS "urn:aether:node:"

/** The format version this library reads and writes (`ae:formatVersion`). */
#define AETHER_PATCH_FORMAT_VERSION 1

/** Largest patch text accepted, in bytes (files and strings alike). */
#define AETHER_PATCH_MAX_SIZE (16U * 1024U * 1024U)

/** A place in a patch document. */
typedef struct {
  uint32_t line; /**< 1-based line, 0 when unknown (not from a document) */
  uint32_t col;  /**< 1-based column in characters, 0 when unknown */
} AetherPatchPos;

/** What one input of a node is connected to. */
typedef struct {
  char           source[AETHER_MAX_NAME]; /**< source node name */
  char           output[AETHER_MAX_NAME]; /**< its output; "": the first */
  AetherPatchPos pos;                     /**< where the input is given */
} AetherPatchInput;

/** Largest magnitude of a node position (`ae:x`, `ae:y`). */
#define AETHER_PATCH_MAX_COORD 1000000.0

/** `layout_set` bits of a node: which of its position's coordinates are
    given. */
typedef enum {
  AETHER_PATCH_X  = 1U << 0U, /**< `ae:x` given */
  AETHER_PATCH_Y  = 1U << 1U, /**< `ae:y` given */
  AETHER_PATCH_XY = AETHER_PATCH_X | AETHER_PATCH_Y,
} AetherPatchLayoutBits;

/** One node of a patch description. Parameters not given hold their
    defaults; inputs not given are unconnected; a node is shared (runs once)
    unless `poly` is set. Its position in the editor (`ae:x`, `ae:y`) is
    data for the editor only: it changes nothing in the sound. */
typedef struct {
  char                  name[AETHER_MAX_NAME]; /**< [A-Za-z0-9_-]{1,63} */
  const AetherNodeType* type;                  /**< registry type */
  uint32_t              params_set;            /**< bit i: params[i] given */
  uint32_t              inputs_set;            /**< bit i: inputs[i] given */
  float                 params[AETHER_MAX_PARAMS]; /**< values (defaults) */
  AetherPatchInput      inputs[AETHER_MAX_INPUTS]; /**< valid if inputs_set */
  AetherPatchPos        pos;                       /**< where the type is */
  bool                  poly;       /**< per voice (`ae:poly true`) */
  bool                  poly_set;   /**< `ae:poly` given (reading only) */
  float                 x;          /**< position (`ae:x`), if given */
  float                 y;          /**< position (`ae:y`), if given */
  uint32_t              layout_set; /**< AetherPatchLayoutBits given */
} AetherPatchNode;

/** A host macro (ports macro1..macro8) driving one node parameter. */
typedef struct {
  uint32_t       macro;                  /**< 0 .. 7 (`ae:index` 1 .. 8) */
  char           node[AETHER_MAX_NAME];  /**< target node name */
  char           param[AETHER_MAX_NAME]; /**< target parameter name */
  float          min;                    /**< value at macro 0 */
  float          max;                    /**< value at macro 1 */
  AetherCurve    curve;                  /**< shape between min and max */
  AetherPatchPos pos;                    /**< where the mapping is */
} AetherPatchMacro;

/** A MIDI controller (the mod wheel, a knob: `ae:controller`) driving one
    node parameter: a controller value v of 0 .. 127 sets it to the curve
    between min and max at v / 127. */
typedef struct {
  uint32_t       cc;                     /**< controller number, 0 .. 127 */
  uint32_t       channel;                /**< 1 .. 16, or 0: every channel */
  char           node[AETHER_MAX_NAME];  /**< target node name */
  char           param[AETHER_MAX_NAME]; /**< target parameter name */
  float          min;                    /**< value at controller value 0 */
  float          max;                    /**< value at controller value 127 */
  AetherCurve    curve;                  /**< shape between min and max */
  AetherPatchPos pos;                    /**< where the mapping is */
} AetherPatchController;

/** Kind of a property value given to aether_patch_node_set(). */
typedef enum {
  AETHER_PATCH_NUMBER, /**< any numeric literal; booleans are 0 and 1 */
  AETHER_PATCH_IRI,    /**< an absolute IRI, e.g. "urn:aether:saw" */
  AETHER_PATCH_STRING, /**< a plain string literal, e.g. "saw" */
} AetherPatchValueKind;

/** A property value, as read from Turtle or from an LV2 atom. */
typedef struct {
  AetherPatchValueKind kind;   /**< which field is meaningful */
  double               number; /**< AETHER_PATCH_NUMBER */
  const char*          string; /**< AETHER_PATCH_IRI, _STRING (terminated) */
} AetherPatchValue;

/** A patch description: nodes in document order, macro and MIDI controller
    mappings, and the number of voices of its per-voice nodes. */
typedef struct AetherPatchImpl AetherPatch;

/* Descriptions */

/** Create an empty patch description. Returns NULL if out of memory. */
AetherPatch*
aether_patch_new(void);

/** Free a patch description (NULL is allowed). */
void
aether_patch_free(AetherPatch* patch);

/** Number of nodes. */
uint32_t
aether_patch_n_nodes(const AetherPatch* patch);

/** Node `i` (0 .. n - 1) in document order, or NULL. */
const AetherPatchNode*
aether_patch_node(const AetherPatch* patch, uint32_t i);

/** The node called `name`, or NULL (a hash lookup). */
const AetherPatchNode*
aether_patch_find(const AetherPatch* patch, const char* name);

/** Number of macro mappings. */
uint32_t
aether_patch_n_macros(const AetherPatch* patch);

/** Macro mapping `i` (0 .. n - 1), or NULL. */
const AetherPatchMacro*
aether_patch_macro(const AetherPatch* patch, uint32_t i);

/** Number of MIDI controller mappings. */
uint32_t
aether_patch_n_controllers(const AetherPatch* patch);

/** MIDI controller mapping `i` (0 .. n - 1), or NULL. */
const AetherPatchController*
aether_patch_controller(const AetherPatch* patch, uint32_t i);

/** Number of voices of the per-voice (`poly`) nodes, 1 to AETHER_MAX_VOICES
    (`ae:voices`; 1 by default). */
uint32_t
aether_patch_voices(const AetherPatch* patch);

/** Set the number of voices: refused (AETHER_ERR_BAD_VALUE) outside 1 to
    AETHER_MAX_VOICES. */
AetherStatus
aether_patch_set_voices(AetherPatch* patch, uint32_t voices, AetherError* err);

/** Append a copy of `node` (set up with aether_patch_node_init()). Refused
    if its name is taken (AETHER_ERR_DUPLICATE) or the patch has
    AETHER_MAX_NODES nodes (AETHER_ERR_FULL). References are checked by
    aether_patch_validate(). */
AetherStatus
aether_patch_add_node(AetherPatch*           patch,
                      const AetherPatchNode* node,
                      AetherError*           err);

/** Append a copy of a macro mapping (AETHER_ERR_FULL beyond
    AETHER_MAX_MACRO_MAPS). Checked by aether_patch_validate(). */
AetherStatus
aether_patch_add_macro(AetherPatch*            patch,
                       const AetherPatchMacro* macro,
                       AetherError*            err);

/** Append a copy of a MIDI controller mapping (AETHER_ERR_FULL beyond
    AETHER_MAX_CC_MAPS). Checked by aether_patch_validate(). */
AetherStatus
aether_patch_add_controller(AetherPatch*                 patch,
                            const AetherPatchController* controller,
                            AetherError*                 err);

/** Make `*out` a copy of `patch` (voices, nodes, macro and controller
    mappings) with the node called `node->name` replaced by `node` in its
    place, or `node` appended if there is none. When the node's type
    changes, the mappings onto it are left out (its parameters are not the
    same ones); otherwise they are kept. The copy is not validated:
    aether_patch_apply() checks it whole. On error `*out` is NULL. */
AetherStatus
aether_patch_replace_node(const AetherPatch*     patch,
                          const AetherPatchNode* node,
                          AetherPatch**          out,
                          AetherError*           err);

/** Check a description as a whole: every input names an existing node and
    output, every macro and controller mapping an existing node and
    parameter with a range inside the parameter's (mapped once per macro,
    or per controller and channel), values are in range, and there is no
    cycle that passes through no delay node. aether_patch_parse() has done
    this already. */
AetherStatus
aether_patch_validate(const AetherPatch* patch, AetherError* err);

/** True if two descriptions describe the same graph: the same voice count,
    the same nodes (by name) of the same types, per voice or shared alike,
    with the same parameter values, connections and positions, and the same
    macro and controller mappings in any order. */
bool
aether_patch_equal(const AetherPatch* a, const AetherPatch* b);

/* One node (the plugin builds these from patch:Put messages) */

/** Set up `node` as a node called `name` of type `type`, with default
    parameters and no inputs. `name` may be a node IRI (urn:aether:node:NAME)
    or a bare name; `type` a type IRI (urn:aether:Filter) or a bare type
    name. */
AetherStatus
aether_patch_node_init(AetherPatchNode* node,
                       const char*      name,
                       const char*      type,
                       AetherError*     err);

/** Set one property of `node`, interpreted as the reader does: `property`
    (an IRI in urn:aether: or a bare name) is a parameter if the node's type
    has such a parameter, else an input if it has such an input. Parameters
    take numbers, or for enums a choice IRI (urn:aether:saw) or string
    ("saw"); inputs take a node IRI (urn:aether:node:NAME or
    urn:aether:node:NAME.OUTPUT). `ae:x` and `ae:y`, the node's position in
    the editor, take a number of magnitude at most AETHER_PATCH_MAX_COORD.
    A property given twice is refused. On success exactly one bit of
    `params_set`, `inputs_set` or `layout_set` is new: `ae:poly` is refused
    here (AETHER_ERR_BAD_PARAM), see aether_patch_node_set_poly(). */
AetherStatus
aether_patch_node_set(AetherPatchNode*        node,
                      const char*             property,
                      const AetherPatchValue* value,
                      AetherError*            err);

/** Set `ae:poly` of `node`, as the reader does: true (or 1) makes it run
    once per voice, false (or 0) shared; anything else, or a second
    `ae:poly`, is refused. */
AetherStatus
aether_patch_node_set_poly(AetherPatchNode*        node,
                           const AetherPatchValue* value,
                           AetherError*            err);

/* Reading and writing Turtle */

/** Parse and validate a patch from `len` bytes of Turtle (need not be
    terminated). `filename` (may be NULL) is only used in messages. On
    error, `*out` is NULL and `err` says where and why. */
AetherStatus
aether_patch_parse(const char*   text,
                   size_t        len,
                   const char*   filename,
                   AetherPatch** out,
                   AetherError*  err);

/** Read, parse and validate the patch file at `path` (a regular file of at
    most AETHER_PATCH_MAX_SIZE bytes), a plain path or a local `file://` URI
    (`file:///abs/path` or `file://localhost/abs/path`, percent-decoded).
    Never blocks on a FIFO or a device: anything but a regular file is
    refused before it is read. */
AetherStatus
aether_patch_read_file(const char* path, AetherPatch** out, AetherError* err);

/** Write a valid description as canonical Turtle into a new string (free it
    with free()): the same description always gives the same bytes. */
AetherStatus
aether_patch_to_turtle(const AetherPatch* patch, char** text, AetherError* err);

/** Write the vocabulary (every class, property and value name the format
    uses, from the node registry) as Turtle into a new string (free()). This
    is ttl/aether-vocab.ttl. */
AetherStatus
aether_patch_vocabulary(char** text, AetherError* err);

/* Engine graphs (need the engine runtime: patch_dep) */

/** Describe a graph: its voice count, every node with all its parameters,
    its connections and whether it is per voice, and the macro and MIDI
    controller mappings. */
AetherStatus
aether_patch_from_graph(const AetherGraph* graph,
                        AetherPatch**      out,
                        AetherError*       err);

/** Write a graph as canonical Turtle into a new string (free it with
    free()): aether_patch_from_graph() then aether_patch_to_turtle(). */
AetherStatus
aether_patch_write(const AetherGraph* graph, char** text, AetherError* err);

/** Make `graph` equal to `patch`. Nodes with the same name and type in both
    are kept (the same instance: their DSP state continues), others are
    removed or added; every parameter is set (defaults where the patch gives
    none), every input, macro and controller mapping, per-voice flag and the
    voice count are made as described (mappings the patch does not have are
    unmapped), and so are the nodes' positions (none where the patch gives
    none). Everything is checked before the graph is touched: on any error
    the graph is unchanged. */
AetherStatus
aether_patch_apply(const AetherPatch* patch,
                   AetherGraph*       graph,
                   AetherError*       err);

/** Put one node into `graph`: add it, or update the node of that name
    (which must have the same type), so that its parameters, inputs and
    per-voice flag are exactly as described (defaults, unconnected, shared
    where not given). The coordinates of its position that are given are
    set; one not given is kept (0 for a node that had no position). Checked
    whole first, including cycles: on error the graph is unchanged. */
AetherStatus
aether_patch_put_node(AetherGraph*           graph,
                      const AetherPatchNode* node,
                      AetherError*           err);

/** Remove the node called `name` (a bare name or node IRI) with its edges
    and its macro and controller mappings. */
AetherStatus
aether_patch_delete_node(AetherGraph* graph,
                         const char*  name,
                         AetherError* err);

#endif /* AETHER_PATCH_H */
