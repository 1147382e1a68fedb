/* Aether tests: a plugin's state of one property (the patch text), saved
   and restored straight through its state interface, without files. */

#ifndef AETHER_TEST_LV2STATE_H
#define AETHER_TEST_LV2STATE_H

#include <lv2/core/lv2.h>
#include <lv2/state/state.h>
#include <lv2/urid/urid.h>

#include <stddef.h>
#include <stdint.h>

/** Save the state of `handle` through `iface` (NULL: no state, an error)
    with `flags` and `features`. Returns the last value stored under `key`
    as a NUL-terminated copy (malloc'ed) or NULL on an error or when none
    was stored; the status in `status` (may be NULL). */
char*
lv2state_save_text(const LV2_State_Interface* iface,
                   LV2_Handle                 handle,
                   LV2_URID                   key,
                   uint32_t                   flags,
                   const LV2_Feature* const*  features,
                   LV2_State_Status*          status);

/** Restore into `handle` through `iface` (NULL: no state, an error) a
    state whose only property is `key`: `size` bytes at `value` (NULL: the
    state is empty) of atom type `type`, plain old data and portable. */
LV2_State_Status
lv2state_restore_value(const LV2_State_Interface* iface,
                       LV2_Handle                 handle,
                       LV2_URID                   key,
                       const void*                value,
                       size_t                     size,
                       LV2_URID                   type,
                       const LV2_Feature* const*  features);

#endif /* AETHER_TEST_LV2STATE_H */
