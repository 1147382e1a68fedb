/* bench_machine.c: the machine `aether bench` runs on (see
   bench_machine.h). */

#include "bench_machine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

void
read_machine(Bench* const b)
{
  snprintf(b->cpu, sizeof(b->cpu), "unknown CPU");
  FILE* f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof(line), f)) {
      const char* const colon = strchr(line, ':');
      if (!strncmp(line, "model name", 10U) && colon) {
        snprintf(b->cpu, sizeof(b->cpu), "%s", colon + 2);
        b->cpu[strcspn(b->cpu, "\n")] = '\0';
        break;
      }
    }
    fclose(f);
  }

  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  b->cores         = cores > 0 ? (uint32_t)cores : 0U;

  /* Cache sizes of cpu0: "L1d 32K L2 1024K ..." */
  size_t used = 0;
  for (uint32_t i = 0; i < 8U && used < sizeof(b->caches); ++i) {
    char              path[128];
    char              level[16] = "";
    char              type[32]  = "";
    char              size[32]  = "";
    const char* const names[3]  = { "level", "type", "size" };
    char* const       dests[3]  = { level, type, size };
    bool              ok        = true;
    for (uint32_t k = 0; k < 3U && ok; ++k) {
      snprintf(path,
               sizeof(path),
               "/sys/devices/system/cpu/cpu0/cache/index%u/%s",
               i,
               names[k]);
      FILE* const cf = fopen(path, "r");
      ok             = cf && fgets(dests[k], 16, cf);
      if (cf) {
        fclose(cf);
      }
      dests[k][strcspn(dests[k], "\n")] = '\0';
    }
    if (!ok || !strcmp(type, "Instruction")) {
      continue;
    }
    used += (size_t)snprintf(b->caches + used,
                             sizeof(b->caches) - used,
                             "%sL%s%s %s",
                             used ? ", " : "",
                             level,
                             !strcmp(type, "Data") ? "d" : "",
                             size);
  }
  if (!used) {
    snprintf(b->caches, sizeof(b->caches), "caches unknown");
  }

  struct utsname u;
  snprintf(b->kernel, sizeof(b->kernel), "%s", uname(&u) ? "?" : u.release);
}

double
read_load(char* const buf, const size_t size)
{
  FILE* const f = fopen("/proc/loadavg", "r");
  float       l[3];
  double      load1 = NAN;
  if (f && fscanf(f, "%f %f %f", &l[0], &l[1], &l[2]) == 3) {
    snprintf(buf, size, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    load1 = l[0];
  } else {
    snprintf(buf, size, "unknown");
  }
  if (f) {
    fclose(f);
  }
  return load1;
}
