/* Aether CLI: argument parsing and messages shared by the subcommands. */

#include "cli.h"

#include "host.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

/* Where the build put the tool and the bundle, and where `meson install`
   puts the bundle (given by meson). */
#ifndef AETHER_TOOLS_BUILD_DIR
#  define AETHER_TOOLS_BUILD_DIR ""
#endif
#ifndef AETHER_BUILD_LV2_PATH
#  define AETHER_BUILD_LV2_PATH ""
#endif
#ifndef AETHER_INSTALL_LV2_DIR
#  define AETHER_INSTALL_LV2_DIR "/usr/local/lib/lv2"
#endif

#define SYSTEM_LV2_DIR "/usr/lib/lv2"

bool
aether_cli_is_help(const char* const arg)
{
  return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

AetherOptMatch
aether_cli_option(const char* const  cmd,
                  const int          argc,
                  char** const       argv,
                  int* const         i,
                  const char* const  short_name,
                  const char* const  long_name,
                  const char** const value)
{
  const char* const arg = argv[*i];
  const size_t      len = strlen(long_name);
  if (!strncmp(arg, long_name, len) && arg[len] == '=') {
    *value = arg + len + 1;
    return AETHER_OPT_MATCH;
  }
  if (strcmp(arg, long_name) && (!short_name || strcmp(arg, short_name))) {
    return AETHER_OPT_NO_MATCH;
  }
  if (*i + 1 >= argc) {
    aether_cli_usage(cmd, "%s needs a value", arg);
    return AETHER_OPT_MISSING;
  }
  *value = argv[++*i];
  return AETHER_OPT_MATCH;
}

bool
aether_cli_parse_double(const char* const text, double* const value)
{
  char* end      = NULL;
  errno          = 0;
  const double v = strtod(text, &end);
  if (end == text || *end || errno || !isfinite(v)) {
    return false;
  }
  *value = v;
  return true;
}

bool
aether_cli_parse_uint(const char* const text,
                      const uint32_t    min,
                      const uint32_t    max,
                      uint32_t* const   value)
{
  char* end = NULL;
  errno     = 0;
  if (*text < '0' || *text > '9') {
    return false;
  }
  const unsigned long v = strtoul(text, &end, 10);
  if (*end || errno || v < min || v > max) {
    return false;
  }
  *value = (uint32_t)v;
  return true;
}

int
aether_cli_usage(const char* const cmd, const char* const fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "aether %s: ", cmd);
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n(see: aether %s --help)\n", cmd);
  va_end(args);
  return AETHER_EXIT_USAGE;
}

int
aether_cli_fail(const char* const cmd, const char* const fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "aether %s: ", cmd);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  return AETHER_EXIT_FAILURE;
}

/* True if this executable is the one in the build directory (then it uses
   the bundle built next to it). */
static bool
running_from_build(void)
{
  char          exe[4096];
  char          dir[4096];
  const ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1U);
  if (!*AETHER_TOOLS_BUILD_DIR || len <= 0 ||
      !realpath(AETHER_TOOLS_BUILD_DIR, dir)) {
    return false;
  }
  exe[len]             = '\0';
  const size_t dir_len = strlen(dir);
  return (size_t)len > dir_len && !strncmp(exe, dir, dir_len) &&
         exe[dir_len] == '/' && !strchr(exe + dir_len + 1, '/');
}

const char*
aether_cli_lv2_path(void)
{
  static char       path[8192];
  const char* const first =
    running_from_build() ? AETHER_BUILD_LV2_PATH : AETHER_INSTALL_LV2_DIR;
  if (!strcmp(first, SYSTEM_LV2_DIR)) {
    snprintf(path, sizeof(path), "%s", first);
  } else {
    snprintf(path, sizeof(path), "%s:%s", first, SYSTEM_LV2_DIR);
  }
  return aether_host_lv2_path(path);
}
