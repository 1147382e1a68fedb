/* Aether tests: what one event of the plugin's notify port says: a status,
   an acknowledged parameter, the patch text, a state change, something
   else, or an object whose properties do not fit inside it. */

#ifndef AETHER_TEST_LV2NOTIFY_H
#define AETHER_TEST_LV2NOTIFY_H

#include "lv2urid.h"

#include <lv2/atom/atom.h>

#include <stdint.h>

/** What a notify event says. */
typedef enum {
  LV2NOTIFY_STATUS,        /**< patch:Set of ae:status to a string */
  LV2NOTIFY_ACK,           /**< patch:Set with a subject (a node's) */
  LV2NOTIFY_PATCH,         /**< patch:Set of ae:patch to a string */
  LV2NOTIFY_STATE_CHANGED, /**< state:StateChanged */
  LV2NOTIFY_VOICES,        /**< patch:Set of ae:voices to an Int */
  LV2NOTIFY_OTHER,         /**< anything else */
  LV2NOTIFY_MALFORMED,     /**< an object with a property outside it */
} Lv2NotifyKind;

/** Read the event body `atom` (whole inside its sequence) with `uris`.
    For a status or a patch, `*text` is the string (inside the atom), else
    NULL; for a voice count, `*number` is it, else 0. Does not allocate. */
Lv2NotifyKind
lv2notify_read(const Lv2Uris*  uris,
               const LV2_Atom* atom,
               const char**    text,
               int32_t*        number);

#endif /* AETHER_TEST_LV2NOTIFY_H */
