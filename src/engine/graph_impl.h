/* Aether: the graph's internals, shared by graph.c, compile.c and engine.c. */

#ifndef AETHER_GRAPH_IMPL_H
#define AETHER_GRAPH_IMPL_H

#include "arena.h"
#include "graph.h"
#include "instance.h"

#include <stdbool.h>
#include <stdint.h>

/** An edge seen from its source: which input of which node reads it. */
typedef struct {
  uint32_t node;  /**< consumer slot */
  uint32_t input; /**< consumer input index */
} GraphConsumer;

/** One slot of the graph. */
typedef struct {
  AetherInstance*       inst;                       /**< NULL if free */
  const AetherNodeType* type;                       /**< node type */
  AetherHandle          src[AETHER_MAX_INPUTS];     /**< generation 0: none */
  uint8_t               src_out[AETHER_MAX_INPUTS]; /**< source output */
  float                 params[AETHER_MAX_PARAMS];  /**< values on the graph */
  uint32_t              param_dirty; /**< changed since the last commit */
  uint32_t              sent;        /**< bit v: voice v's instance was sent */
  bool                  poly;        /**< runs once per voice */
  bool                  placed;      /**< has a position (x, y) */
  float                 x;           /**< position in the editor */
  float                 y;           /**< position in the editor */
  /** Instances of voices 1 .. n - 1 (voice 0 is `inst`), made at commit. */
  AetherInstance* voice_inst[AETHER_MAX_VOICES];
  GraphConsumer*  consumers; /**< edges out of this node */
  uint32_t        n_consumers;
  uint32_t        cap_consumers;
  char            name[AETHER_MAX_NAME];
} GraphNode;

struct AetherGraphImpl {
  double           rate;
  AetherArena      arena;
  GraphNode*       nodes;     /**< arena capacity slots */
  uint32_t*        names;     /**< hash: slot + 1, 0 empty, ~0 deleted */
  uint32_t         name_cap;  /**< power of two */
  uint32_t         name_used; /**< live + deleted entries */
  uint32_t         voices;    /**< 1 .. AETHER_MAX_VOICES */
  AetherMacroMap   maps[AETHER_MAX_MACRO_MAPS];
  AetherCcMap      cc_maps[AETHER_MAX_CC_MAPS];
  uint32_t         n_cc_maps;
  uint32_t         n_maps;
  AetherInstance** graveyard; /**< removed, maybe still playing */
  uint32_t         n_graveyard;
  uint32_t         cap_graveyard;
  uint64_t         next_serial;
  uint32_t         n_edges;
  uint32_t*        mark;   /**< scratch for searches, per slot */
  uint32_t*        parent; /**< scratch for searches, per slot */
  uint32_t*        stack;  /**< scratch for searches */
  uint32_t         epoch;  /**< current mark value */
};

/** The live node behind `h`, or NULL. */
static inline GraphNode*
aether_graph_node(const AetherGraph* const graph, const AetherHandle h)
{
  return aether_arena_valid(&graph->arena, h) ? &graph->nodes[h.index] : NULL;
}

/** True if arena slot `s` holds a node: reads the 4-byte generation, not the
    node, so scans of a large arena stay cheap. */
static inline bool
aether_graph_slot_live(const AetherGraph* const graph, const uint32_t s)
{
  return graph->arena.generation[s] & 1U;
}

/** True if `h` is a connected source handle. */
static inline bool
aether_graph_edge_set(const AetherHandle h)
{
  return h.generation != 0;
}

/** Free (or bury, if the audio thread may run them) the voice instances of
    `n` from voice `keep` on (keep >= 1: voice 0 is the node's own). */
AetherStatus
aether_graph_drop_voices(AetherGraph* graph, GraphNode* n, uint32_t keep);

#endif /* AETHER_GRAPH_IMPL_H */
