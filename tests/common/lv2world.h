/* Aether tests: the lilv world of a test host's process (LV2_PATH), loaded
   once, and the plugins in it. */

#ifndef AETHER_TEST_LV2WORLD_H
#define AETHER_TEST_LV2WORLD_H

#include <lilv/lilv.h>

/** The world, loaded on the first call. Not thread-safe: call it first
    from one thread. */
LilvWorld*
lv2world_get(void);

/** Free the world (a later lv2world_get() loads a new one). */
void
lv2world_free(void);

/** The plugin `uri` of the world, or NULL. */
const LilvPlugin*
lv2world_plugin(const char* uri);

#endif /* AETHER_TEST_LV2WORLD_H */
