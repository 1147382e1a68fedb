/* Aether tests: the lilv world of a test host's process (see
   lv2world.h). */

#include "lv2world.h"

#include <stddef.h>

static LilvWorld* world;

LilvWorld*
lv2world_get(void)
{
  if (!world) {
    world = lilv_world_new();
    lilv_world_load_all(world);
  }
  return world;
}

void
lv2world_free(void)
{
  lilv_world_free(world);
  world = NULL;
}

const LilvPlugin*
lv2world_plugin(const char* const uri)
{
  LilvWorld* const        w  = lv2world_get();
  LilvNode* const         pu = lilv_new_uri(w, uri);
  const LilvPlugin* const pl =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w), pu);
  lilv_node_free(pu);
  return pl;
}
