/* Aether tests: talk to the LD_PRELOAD real-time trap (tests/rtshim.c). */

#include "rtcheck.h"

#include <dlfcn.h>
#include <string.h>

int
rtcheck_load(RtCheck* const check)
{
  void* sym = dlsym(RTLD_DEFAULT, "rtshim_set_audio");
  memcpy(&check->set_audio, &sym, sizeof(sym));
  sym = dlsym(RTLD_DEFAULT, "rtshim_hits");
  memcpy(&check->hits, &sym, sizeof(sym));
  sym = dlsym(RTLD_DEFAULT, "rtshim_first_hit");
  memcpy(&check->first_hit, &sym, sizeof(sym));
  sym = dlsym(RTLD_DEFAULT, "rtshim_reset");
  memcpy(&check->reset, &sym, sizeof(sym));
  return check->set_audio && check->hits && check->first_hit && check->reset;
}
