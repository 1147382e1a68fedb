/* Aether tests: the feature list a test host offers a plugin: urid:map and
   urid:unmap, work:schedule, each optional. */

#ifndef AETHER_TEST_LV2FEATURES_H
#define AETHER_TEST_LV2FEATURES_H

#include <lv2/core/lv2.h>
#include <lv2/urid/urid.h>
#include <lv2/worker/worker.h>

/** The features and their NULL-terminated list (`list`). */
typedef struct {
  LV2_Feature        map;
  LV2_Feature        unmap;
  LV2_Feature        schedule;
  const LV2_Feature* list[4];
} Lv2Features;

/** Offer urid:map and urid:unmap (when `map` and `unmap` are not NULL),
    then work:schedule (when `schedule` is not NULL). Returns the list. */
const LV2_Feature* const*
lv2features_init(Lv2Features*         features,
                 LV2_URID_Map*        map,
                 LV2_URID_Unmap*      unmap,
                 LV2_Worker_Schedule* schedule);

#endif /* AETHER_TEST_LV2FEATURES_H */
