/* Aether LV2: state. save() stores the patch text inline (no file, so no
   dependence on makePath); restore() parses and applies it all-or-nothing.
   Both run on the control side under the plugin's lock. Restoring commits
   through the engine's ring, which is safe while run() is running, so the
   same path serves hosts with and without state:threadSafeRestore. */

#include "plugin.h"

#include <lv2/state/state.h>

#include <stdlib.h>
#include <string.h>

static LV2_State_Status
save(LV2_Handle const                instance,
     const LV2_State_Store_Function  store,
     const LV2_State_Handle          handle,
     const uint32_t                  flags,
     const LV2_Feature* const* const features)
{
  (void)flags;
  (void)features;
  AetherPlugin* const p = (AetherPlugin*)instance;
  if (!p->map) {
    return LV2_STATE_ERR_NO_FEATURE;
  }

  AetherError err;
  aether_error_clear(&err);
  char* const text = aether_plugin_patch_text(p, &err);
  if (!text) {
    return LV2_STATE_ERR_UNKNOWN;
  }
  const LV2_State_Status st = store(handle,
                                    p->uris.ae_patch,
                                    text,
                                    strlen(text) + 1U,
                                    p->uris.atom_String,
                                    LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
  free(text);
  return st;
}

static LV2_State_Status
restore(LV2_Handle const                  instance,
        const LV2_State_Retrieve_Function retrieve,
        const LV2_State_Handle            handle,
        const uint32_t                    flags,
        const LV2_Feature* const* const   features)
{
  (void)flags;
  (void)features;
  AetherPlugin* const p = (AetherPlugin*)instance;
  if (!p->map) {
    return LV2_STATE_ERR_NO_FEATURE;
  }

  size_t      size   = 0;
  uint32_t    type   = 0;
  uint32_t    vflags = 0;
  const char* text =
    (const char*)retrieve(handle, p->uris.ae_patch, &size, &type, &vflags);

  /* A corrupt state keeps the running patch and says why. */
  AetherError      err;
  LV2_State_Status st = LV2_STATE_SUCCESS;
  aether_error_clear(&err);
  if (!text) {
    st = LV2_STATE_ERR_NO_PROPERTY;
    aether_error(&err, AETHER_ERR_NOT_FOUND, "the saved state has no patch");
  } else if (type != p->uris.atom_String || !size || text[size - 1U] != '\0' ||
             strlen(text) != size - 1U) {
    st = LV2_STATE_ERR_BAD_TYPE;
    aether_error(&err, AETHER_ERR_BAD_VALUE, "the saved patch is not a string");
  } else if (aether_plugin_load_text(p, text, size - 1U, "state", &err)) {
    st = LV2_STATE_ERR_UNKNOWN;
  }

  pthread_mutex_lock(&p->lock);
  if (st) {
    aether_plugin_reply_status(p, 0U, "error: %s", err.message);
  } else {
    aether_plugin_reply_status(p, AETHER_REPLY_CHANGED, "ok");
  }
  pthread_mutex_unlock(&p->lock);
  return st;
}

static const LV2_State_Interface state_interface = { save, restore };

const void* const aether_plugin_state_interface = &state_interface;
