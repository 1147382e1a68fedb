/* Aether LV2: state. save() stores the patch text inline (no file, so no
   dependence on makePath); restore() parses and applies it all-or-nothing.
   Both run on the control side under the plugin's lock. Restoring commits
   through the engine's ring, which is safe while run() is running, so the
   same path serves hosts with and without state:threadSafeRestore. */

#include "plugin.h"

#include <lv2/core/lv2_util.h>
#include <lv2/state/state.h>

#include <stdlib.h>
#include <string.h>

/* `path` through the host's state:mapPath (to the abstract form for a
   save, back to an absolute one for a restore), as a string of ours
   (malloc'ed): the host's is given back with its state:freePath. */
static char*
map_path(const LV2_Feature* const* const features,
         const char* const               path,
         const bool                      absolute)
{
  LV2_State_Map_Path*  map  = NULL;
  LV2_State_Free_Path* done = NULL;
  lv2_features_query(features,
                     LV2_STATE__mapPath,
                     &map,
                     false,
                     LV2_STATE__freePath,
                     &done,
                     false,
                     NULL);
  char* const mapped = !map       ? NULL
                       : absolute ? map->absolute_path(map->handle, path)
                                  : map->abstract_path(map->handle, path);
  char* const copy   = strdup(mapped ? mapped : path);
  if (mapped && done) {
    done->free_path(done->handle, mapped);
  } else {
    free(mapped);
  }
  return copy;
}

static LV2_State_Status
save(LV2_Handle const                instance,
     const LV2_State_Store_Function  store,
     const LV2_State_Handle          handle,
     const uint32_t                  flags,
     const LV2_Feature* const* const features)
{
  (void)flags;
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
  LV2_State_Status st = store(handle,
                              p->uris.ae_patch,
                              text,
                              strlen(text) + 1U,
                              p->uris.atom_String,
                              LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE);
  free(text);

  /* The file the patch came from, only so that a host re-sending it after
     restoring this state does not replace the state (see restore). */
  pthread_mutex_lock(&p->lock);
  char* const file = p->last_file ? strdup(p->last_file) : NULL;
  pthread_mutex_unlock(&p->lock);
  char* const path = file ? map_path(features, file, false) : NULL;
  if (!st && path) {
    st = store(handle,
               p->uris.ae_patchFile,
               path,
               strlen(path) + 1U,
               p->uris.atom_Path,
               LV2_STATE_IS_POD);
  }
  free(path);
  free(file);
  return st;
}

/* The patch text of a saved state, liberally: a string with or without its
   terminating NUL (Carla gives strlen), never read past `size`. A NUL
   inside is refused by the parser. */
static bool
saved_text(const AetherPlugin* const p,
           const char* const         text,
           const size_t              size,
           const uint32_t            type,
           size_t* const             len)
{
  if (type != p->uris.atom_String) {
    return false;
  }
  *len = (size && text[size - 1U] == '\0') ? size - 1U : size;
  return true;
}

/* The file the saved patch came from, made absolute again (malloc'ed). */
static char*
saved_file(const AetherPlugin* const         p,
           const LV2_State_Retrieve_Function retrieve,
           const LV2_State_Handle            handle,
           const LV2_Feature* const* const   features)
{
  size_t      size  = 0;
  uint32_t    type  = 0;
  uint32_t    flags = 0;
  const char* value =
    (const char*)retrieve(handle, p->uris.ae_patchFile, &size, &type, &flags);
  if (!value || type != p->uris.atom_Path || !size ||
      value[size - 1U] != '\0' || strlen(value) != size - 1U) {
    return NULL;
  }
  return map_path(features, value, true);
}

static LV2_State_Status
restore(LV2_Handle const                  instance,
        const LV2_State_Retrieve_Function retrieve,
        const LV2_State_Handle            handle,
        const uint32_t                    flags,
        const LV2_Feature* const* const   features)
{
  (void)flags;
  AetherPlugin* const p = (AetherPlugin*)instance;
  if (!p->map) {
    return LV2_STATE_ERR_NO_FEATURE;
  }

  size_t      size   = 0;
  uint32_t    type   = 0;
  uint32_t    vflags = 0;
  const char* text =
    (const char*)retrieve(handle, p->uris.ae_patch, &size, &type, &vflags);

  /* A state of port values only (jalv restores the plugin's default state
     so at start; a host's own presets) keeps the running patch, quietly. */
  if (!text) {
    return LV2_STATE_SUCCESS;
  }

  /* A corrupt state keeps the running patch and says why. */
  AetherError      err;
  LV2_State_Status st  = LV2_STATE_SUCCESS;
  size_t           len = 0;
  aether_error_clear(&err);
  if (!saved_text(p, text, size, type, &len)) {
    st = LV2_STATE_ERR_BAD_TYPE;
    aether_error(&err, AETHER_ERR_BAD_VALUE, "the saved patch is not a string");
  } else if (aether_plugin_text_blank(text, len)) {
    st = LV2_STATE_ERR_BAD_TYPE;
    aether_error(&err, AETHER_ERR_BAD_VALUE, "the saved patch is empty");
  } else if (aether_plugin_load_text(p, text, len, "state", &err)) {
    st = LV2_STATE_ERR_UNKNOWN;
  }

  char* const file = st ? NULL : saved_file(p, retrieve, handle, features);
  pthread_mutex_lock(&p->lock);
  if (st) {
    aether_plugin_reply_status(p, 0U, "error: %s", err.message);
  } else {
    /* The host's own state coming back changes nothing the host does not
       know: no StateChanged. A file the state replaced is stale. */
    aether_plugin_remember_file(p, file ? file : p->last_file, true);
    aether_plugin_reply_status(p, 0U, "ok");
  }
  pthread_mutex_unlock(&p->lock);
  free(file);
  return st;
}

static const LV2_State_Interface state_interface = { save, restore };

const void* const aether_plugin_state_interface = &state_interface;
