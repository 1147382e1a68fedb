/* Aether tests: a plugin's state of one property (see lv2state.h). */

#include "lv2state.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  LV2_URID key;
  char*    text;
} SaveContext;

static LV2_State_Status
store(LV2_State_Handle  handle,
      const uint32_t    key,
      const void* const value,
      const size_t      size,
      const uint32_t    type,
      const uint32_t    flags)
{
  (void)type;
  (void)flags;
  SaveContext* const ctx = (SaveContext*)handle;
  if (key != ctx->key) {
    return LV2_STATE_SUCCESS;
  }
  free(ctx->text);
  ctx->text = (char*)malloc(size + 1U);
  if (!ctx->text) {
    return LV2_STATE_ERR_UNKNOWN;
  }
  memcpy(ctx->text, value, size);
  ctx->text[size] = '\0';
  return LV2_STATE_SUCCESS;
}

char*
lv2state_save_text(const LV2_State_Interface* const iface,
                   LV2_Handle const                 handle,
                   const LV2_URID                   key,
                   const uint32_t                   flags,
                   const LV2_Feature* const* const  features,
                   LV2_State_Status* const          status)
{
  SaveContext            ctx = { key, NULL };
  const LV2_State_Status st =
    iface ? iface->save(handle, store, &ctx, flags, features)
          : LV2_STATE_ERR_NO_FEATURE;
  if (status) {
    *status = st;
  }
  if (st) {
    free(ctx.text);
    return NULL;
  }
  return ctx.text;
}

typedef struct {
  LV2_URID    key;
  const void* value;
  size_t      size;
  LV2_URID    type;
} RestoreContext;

static const void*
retrieve(LV2_State_Handle handle,
         const uint32_t   key,
         size_t* const    size,
         uint32_t* const  type,
         uint32_t* const  flags)
{
  const RestoreContext* const ctx = (const RestoreContext*)handle;
  if (key != ctx->key || !ctx->value) {
    return NULL;
  }
  *size  = ctx->size;
  *type  = ctx->type;
  *flags = LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE;
  return ctx->value;
}

LV2_State_Status
lv2state_restore_value(const LV2_State_Interface* const iface,
                       LV2_Handle const                 handle,
                       const LV2_URID                   key,
                       const void* const                value,
                       const size_t                     size,
                       const LV2_URID                   type,
                       const LV2_Feature* const* const  features)
{
  RestoreContext ctx = { key, value, size, type };
  return iface ? iface->restore(handle, retrieve, &ctx, 0, features)
               : LV2_STATE_ERR_NO_FEATURE;
}
