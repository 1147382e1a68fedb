/* Aether CLI: `aether presets`, the presets of the plugins as the LV2
   world sees them (what `aether render --preset NAME` accepts). */

#include "cli.h"
#include "host.h"

#include <stdio.h>
#include <string.h>

#define CMD "presets"

static const char* const usage =
  "Usage: aether presets [--plugin fx|synth]\n"
  "\n"
  "List the presets of the effect and the instrument (or of one of them),\n"
  "one a line: the NAME that aether render --preset takes, then its label.\n"
  "\n"
  "  --plugin fx|synth   only this plugin's presets\n"
  "  -h, --help          show this help\n"
  "\n"
  "Environment: LV2_PATH (see aether render --help).\n"
  "Exit status: 0 done, 1 the plugin was not found, 2 bad arguments.\n";

static void
print_line(void* const ctx, const char* const name, const char* const label)
{
  (void)ctx;
  printf("%-24s %s\n", name, label);
}

int
aether_presets_main(const int argc, char** const argv)
{
  const char* plugin = NULL;
  for (int i = 1; i < argc; ++i) {
    const char*          v = NULL;
    const AetherOptMatch m =
      aether_cli_option(CMD, argc, argv, &i, NULL, "--plugin", &v);
    if (aether_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (m == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (m == AETHER_OPT_NO_MATCH) {
      return argv[i][0] == '-'
               ? aether_cli_usage(CMD, "unknown option %s", argv[i])
               : aether_cli_usage(CMD, "unexpected argument %s", argv[i]);
    }
    if (strcmp(v, "fx") && strcmp(v, "synth")) {
      return aether_cli_usage(
        CMD, "--plugin %s: the plugins are fx and synth", v);
    }
    plugin = v;
  }

  static const char* const names[] = { "fx", "synth" };
  for (int k = 0; k < 2; ++k) {
    if (plugin && strcmp(plugin, names[k])) {
      continue;
    }
    char uri[32];
    snprintf(uri, sizeof(uri), "urn:aether:%s", names[k]);
    AetherError err;
    aether_error_clear(&err);
    if (aether_host_list_presets(
          aether_cli_lv2_path(), uri, print_line, NULL, &err)) {
      return aether_cli_fail(CMD, "%s", err.message);
    }
  }
  return AETHER_EXIT_OK;
}
