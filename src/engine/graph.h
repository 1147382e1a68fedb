/* Aether: the editable graph, owned by the control side (never touched by
   the audio thread). Edits are checked and either applied whole or refused;
   aether_engine_commit() compiles the graph into a schedule. */

#ifndef AETHER_GRAPH_H
#define AETHER_GRAPH_H

#include "arena.h"
#include "node.h"
#include "status.h"

#include <stdbool.h>
#include <stdint.h>

/** Curve of a macro mapping. */
typedef enum {
  AETHER_CURVE_LINEAR,      /**< min + v * (max - min) */
  AETHER_CURVE_EXPONENTIAL, /**< min * (max / min)^v, for frequencies */
  AETHER_CURVE_SQUARE,      /**< min + v^2 * (max - min), for levels */
} AetherCurve;

/** A host macro control driving one node parameter. */
typedef struct {
  uint32_t     macro; /**< 0 .. AETHER_N_MACROS - 1 */
  AetherHandle node;  /**< target node */
  uint32_t     param; /**< parameter index of the node's type */
  float        min;   /**< value at macro 0 */
  float        max;   /**< value at macro 1 */
  AetherCurve  curve; /**< shape */
} AetherMacroMap;

/** A MIDI controller (a knob, the mod wheel) driving one node parameter:
    a value v of 0 .. 127 sets it to the curve at v / 127, from the event's
    frame (ramped by the parameter's smoothing). */
typedef struct {
  uint32_t     cc;      /**< controller number, 0 .. 127 */
  uint32_t     channel; /**< 1 .. 16, or 0 for every channel */
  AetherHandle node;    /**< target node */
  uint32_t     param;   /**< parameter index of the node's type */
  float        min;     /**< value at 0 */
  float        max;     /**< value at 127 */
  AetherCurve  curve;   /**< shape */
} AetherCcMap;

/** Maximum number of MIDI controller mappings in a graph. */
#define AETHER_MAX_CC_MAPS 64

/** Maximum number of macro mappings in a graph. */
#define AETHER_MAX_MACRO_MAPS 64

typedef struct AetherGraphImpl AetherGraph;

/** Create an empty graph for `rate` with all its memory (arena of
    AETHER_MAX_NODES). Returns NULL if out of memory. */
AetherGraph*
aether_graph_new(double rate);

/** Free a graph and every node instance it owns. Only for a graph that is
    not running in an engine (see aether_engine_free). */
void
aether_graph_free(AetherGraph* graph);

/** The sample rate the graph's nodes are prepared for. */
double
aether_graph_rate(const AetherGraph* graph);

/** Add a node of `type` called `name` (unique, 1 .. AETHER_MAX_NAME - 1
    characters of [A-Za-z0-9_-]), with default parameters. */
AetherStatus
aether_graph_add(AetherGraph*          graph,
                 const AetherNodeType* type,
                 const char*           name,
                 AetherHandle*         handle,
                 AetherError*          err);

/** Remove a node and every edge and macro mapping that touches it. */
AetherStatus
aether_graph_remove(AetherGraph* graph, AetherHandle node, AetherError* err);

/** Connect output `src_out` of `src` to input `dst_in` of `dst`, replacing
    what that input was connected to. Refused with AETHER_ERR_CYCLE (naming
    the nodes of the cycle) if that closes a loop without a delay node. */
AetherStatus
aether_graph_connect(AetherGraph* graph,
                     AetherHandle src,
                     uint32_t     src_out,
                     AetherHandle dst,
                     uint32_t     dst_in,
                     AetherError* err);

/** Disconnect input `dst_in` of `dst` (no error if it was unconnected). */
AetherStatus
aether_graph_disconnect(AetherGraph* graph,
                        AetherHandle dst,
                        uint32_t     dst_in,
                        AetherError* err);

/** Set parameter `param` of `node` (checked against its descriptor). On a
    running engine the change reaches the audio thread at the next commit;
    use aether_engine_set_param() for an immediate change. */
AetherStatus
aether_graph_set_param(AetherGraph* graph,
                       AetherHandle node,
                       uint32_t     param,
                       float        value,
                       AetherError* err);

/** Map host macro `map->macro` onto a parameter (replacing an existing map
    of the same macro to the same parameter). */
AetherStatus
aether_graph_map_macro(AetherGraph*          graph,
                       const AetherMacroMap* map,
                       AetherError*          err);

/** Number of macro mappings. */
uint32_t
aether_graph_n_macro_maps(const AetherGraph* graph);

/** Macro mapping `i` (0 .. n - 1), or NULL. */
const AetherMacroMap*
aether_graph_macro_map(const AetherGraph* graph, uint32_t i);

/** Remove the mapping of `macro` onto `param` of `node` (no error if there
    is none). */
AetherStatus
aether_graph_unmap_macro(AetherGraph* graph,
                         uint32_t     macro,
                         AetherHandle node,
                         uint32_t     param,
                         AetherError* err);

/** Set the number of voices (1 .. AETHER_MAX_VOICES) of the per-voice part
    of the graph: every node marked poly runs once per voice, notes are
    allocated to voices, and a shared node reading a per-voice output reads
    the sum of the voices. Takes effect at the next commit (a structural
    edit: instances are prepared off the audio thread). */
AetherStatus
aether_graph_set_voices(AetherGraph* graph, uint32_t voices, AetherError* err);

/** The number of voices (1 by default). */
uint32_t
aether_graph_voices(const AetherGraph* graph);

/** Mark a node as per-voice (`poly`) or shared. */
AetherStatus
aether_graph_set_poly(AetherGraph* graph,
                      AetherHandle node,
                      bool         poly,
                      AetherError* err);

/** True if `node` is per-voice. */
bool
aether_graph_poly(const AetherGraph* graph, AetherHandle node);

/** Set the position of `node` in the editor (finite coordinates). Layout
    is control-side data only: it is not compiled and changes no sound. */
AetherStatus
aether_graph_set_position(AetherGraph* graph,
                          AetherHandle node,
                          float        x,
                          float        y,
                          AetherError* err);

/** Remove the position of `node` (the editor lays it out itself). */
AetherStatus
aether_graph_clear_position(AetherGraph* graph,
                            AetherHandle node,
                            AetherError* err);

/** The position of `node` in `*x` and `*y` (either may be NULL): returns
    false if it has none (or the handle is stale). */
bool
aether_graph_position(const AetherGraph* graph,
                      AetherHandle       node,
                      float*             x,
                      float*             y);

/** Map MIDI controller `map->cc` (on `map->channel`) onto a parameter
    (replacing an existing map of the same controller and channel to the
    same parameter). Checked like a macro mapping. */
AetherStatus
aether_graph_map_cc(AetherGraph*       graph,
                    const AetherCcMap* map,
                    AetherError*       err);

/** Remove the mapping of controller `cc` on `channel` onto `param` of
    `node` (no error if there is none). */
AetherStatus
aether_graph_unmap_cc(AetherGraph* graph,
                      uint32_t     cc,
                      uint32_t     channel,
                      AetherHandle node,
                      uint32_t     param,
                      AetherError* err);

/** Number of MIDI controller mappings. */
uint32_t
aether_graph_n_cc_maps(const AetherGraph* graph);

/** MIDI controller mapping `i` (0 .. n - 1), or NULL. */
const AetherCcMap*
aether_graph_cc_map(const AetherGraph* graph, uint32_t i);

/** Remove every node and mapping. */
void
aether_graph_clear(AetherGraph* graph);

/** True if `node` refers to a live node. */
bool
aether_graph_contains(const AetherGraph* graph, AetherHandle node);

/** Find the node called `name`. */
AetherStatus
aether_graph_find(const AetherGraph* graph,
                  const char*        name,
                  AetherHandle*      node);

/** Number of live nodes. */
uint32_t
aether_graph_n_nodes(const AetherGraph* graph);

/** Number of connected inputs over all nodes. */
uint32_t
aether_graph_n_edges(const AetherGraph* graph);

/** Iterate over live nodes in arena order: start with *cursor = 0; returns
    false at the end. */
bool
aether_graph_next(const AetherGraph* graph,
                  uint32_t*          cursor,
                  AetherHandle*      node);

/** Type of a live node (NULL for a stale handle). */
const AetherNodeType*
aether_graph_node_type(const AetherGraph* graph, AetherHandle node);

/** Name of a live node (NULL for a stale handle). */
const char*
aether_graph_node_name(const AetherGraph* graph, AetherHandle node);

/** Current value of a parameter as set on the graph (NAN if invalid). */
float
aether_graph_param(const AetherGraph* graph, AetherHandle node, uint32_t param);

/** What input `dst_in` of `dst` is connected to: returns false if it is
    unconnected (or the handle is stale). */
bool
aether_graph_input(const AetherGraph* graph,
                   AetherHandle       dst,
                   uint32_t           dst_in,
                   AetherHandle*      src,
                   uint32_t*          src_out);

#endif /* AETHER_GRAPH_H */
