/* Aether tests: the URID table of the test hosts (see lv2urid.h). */

#include "lv2urid.h"

#include <lv2/atom/atom.h>
#include <lv2/patch/patch.h>
#include <lv2/state/state.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct Lv2UridsImpl {
  pthread_mutex_t lock;
  char**          uris;     /* uris[id - 1], written once under the lock */
  uint32_t        capacity; /* length of uris */
  atomic_uint     n_uris;   /* published count (release after the entry) */
  LV2_URID_Map    map;
  LV2_URID_Unmap  unmap;
};

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char* const uri)
{
  return lv2urid_map((Lv2Urids*)handle, uri);
}

static const char*
unmap_uri(LV2_URID_Unmap_Handle handle, const LV2_URID urid)
{
  return lv2urid_unmap((const Lv2Urids*)handle, urid);
}

Lv2Urids*
lv2urid_new(const uint32_t capacity)
{
  Lv2Urids* const urids = (Lv2Urids*)calloc(1, sizeof(Lv2Urids));
  if (!urids) {
    return NULL;
  }
  urids->uris = (char**)calloc(capacity ? capacity : 1U, sizeof(char*));
  if (!urids->uris) {
    free(urids);
    return NULL;
  }
  pthread_mutex_init(&urids->lock, NULL);
  urids->capacity = capacity;
  atomic_init(&urids->n_uris, 0U);
  urids->map   = (LV2_URID_Map){ urids, map_uri };
  urids->unmap = (LV2_URID_Unmap){ urids, unmap_uri };
  return urids;
}

void
lv2urid_free(Lv2Urids* const urids)
{
  if (!urids) {
    return;
  }
  const uint32_t n = atomic_load(&urids->n_uris);
  for (uint32_t i = 0; i < n; ++i) {
    free(urids->uris[i]);
  }
  pthread_mutex_destroy(&urids->lock);
  free(urids->uris);
  free(urids);
}

LV2_URID
lv2urid_map(Lv2Urids* const urids, const char* const uri)
{
  pthread_mutex_lock(&urids->lock);
  const uint32_t n = atomic_load_explicit(&urids->n_uris, memory_order_relaxed);
  LV2_URID       id = 0;
  for (uint32_t i = 0; i < n && !id; ++i) {
    if (!strcmp(urids->uris[i], uri)) {
      id = i + 1U;
    }
  }
  if (!id && n < urids->capacity && (urids->uris[n] = strdup(uri))) {
    atomic_store_explicit(&urids->n_uris, n + 1U, memory_order_release);
    id = n + 1U;
  }
  pthread_mutex_unlock(&urids->lock);
  return id;
}

const char*
lv2urid_unmap(const Lv2Urids* const urids, const LV2_URID urid)
{
  const uint32_t n =
    atomic_load_explicit(&((Lv2Urids*)urids)->n_uris, memory_order_acquire);
  return (urid && urid <= n) ? urids->uris[urid - 1U] : NULL;
}

LV2_URID_Map*
lv2urid_as_map(Lv2Urids* const urids)
{
  return &urids->map;
}

LV2_URID_Unmap*
lv2urid_as_unmap(Lv2Urids* const urids)
{
  return &urids->unmap;
}

void
lv2urid_init_uris(Lv2Uris* const uris, LV2_URID_Map* const map)
{
  LV2_URID_Map_Handle h    = map->handle;
  uris->atom_Blank         = map->map(h, LV2_ATOM__Blank);
  uris->atom_Object        = map->map(h, LV2_ATOM__Object);
  uris->atom_Sequence      = map->map(h, LV2_ATOM__Sequence);
  uris->atom_String        = map->map(h, LV2_ATOM__String);
  uris->atom_Int           = map->map(h, LV2_ATOM__Int);
  uris->atom_URID          = map->map(h, LV2_ATOM__URID);
  uris->patch_Set          = map->map(h, LV2_PATCH__Set);
  uris->patch_property     = map->map(h, LV2_PATCH__property);
  uris->patch_subject      = map->map(h, LV2_PATCH__subject);
  uris->patch_value        = map->map(h, LV2_PATCH__value);
  uris->state_StateChanged = map->map(h, LV2_STATE__StateChanged);
  uris->ae_patch           = map->map(h, "urn:aether:patch");
  uris->ae_status          = map->map(h, "urn:aether:status");
  uris->ae_voices          = map->map(h, "urn:aether:voices");
}
