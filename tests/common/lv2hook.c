/* Aether tests: the audio hook of the test hosts (see lv2hook.h). */

#include "lv2hook.h"

#include <stddef.h>

static void (*audio_hook)(int on);

void
lv2hook_set(void (*const hook)(int on))
{
  audio_hook = hook;
}

void
lv2hook_enter(void)
{
  if (audio_hook) {
    audio_hook(1);
  }
}

void
lv2hook_leave(void)
{
  if (audio_hook) {
    audio_hook(0);
  }
}
