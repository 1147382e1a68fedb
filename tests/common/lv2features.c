/* Aether tests: the feature list a test host offers (see lv2features.h). */

#include "lv2features.h"

#include <stddef.h>
#include <stdint.h>

const LV2_Feature* const*
lv2features_init(Lv2Features* const         features,
                 LV2_URID_Map* const        map,
                 LV2_URID_Unmap* const      unmap,
                 LV2_Worker_Schedule* const schedule)
{
  features->map      = (LV2_Feature){ LV2_URID__map, map };
  features->unmap    = (LV2_Feature){ LV2_URID__unmap, unmap };
  features->schedule = (LV2_Feature){ LV2_WORKER__schedule, schedule };
  uint32_t n         = 0;
  if (map) {
    features->list[n++] = &features->map;
  }
  if (map && unmap) {
    features->list[n++] = &features->unmap;
  }
  if (schedule) {
    features->list[n++] = &features->schedule;
  }
  features->list[n] = NULL;
  return features->list;
}
