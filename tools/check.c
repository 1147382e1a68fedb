/* Aether CLI: `aether check FILE...`, patch validation with the patch
   module's own messages (FILE:LINE:COL: message). */

#include "cli.h"

#include "../src/patch/patch.h"

#include <stdio.h>
#include <string.h>

#define CMD "check"

static const char* const usage =
  "Usage: aether check FILE...\n"
  "\n"
  "Check patch files as the plugin reads them: Turtle syntax, node types,\n"
  "parameters and their ranges, connections, loops, macro mappings. Prints\n"
  "\"FILE: ok (N nodes)\" for a good file, and each error as\n"
  "\"FILE:LINE:COL: message\" (on stderr).\n"
  "\n"
  "  -h, --help   show this help\n"
  "\n"
  "Exit status: 0 all good, 1 a file has an error, 2 bad arguments.\n";

int
aether_check_main(const int argc, char** const argv)
{
  int n_files = 0;
  for (int i = 1; i < argc; ++i) {
    if (aether_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (!strcmp(argv[i], "--")) {
      n_files += argc - i - 1;
      break;
    }
    if (argv[i][0] == '-' && argv[i][1]) {
      return aether_cli_usage(CMD, "unknown option %s", argv[i]);
    }
    ++n_files;
  }
  if (!n_files) {
    return aether_cli_usage(CMD, "give one or more patch files");
  }

  int  status   = AETHER_EXIT_OK;
  bool past_opt = false;
  for (int i = 1; i < argc; ++i) {
    if (!past_opt && !strcmp(argv[i], "--")) {
      past_opt = true;
      continue;
    }
    AetherPatch* patch = NULL;
    AetherError  err;
    aether_error_clear(&err);
    if (aether_patch_read_file(argv[i], &patch, &err)) {
      fprintf(stderr, "%s\n", err.message);
      status = AETHER_EXIT_FAILURE;
      continue;
    }
    const uint32_t n = aether_patch_n_nodes(patch);
    printf("%s: ok (%u node%s)\n", argv[i], n, n == 1U ? "" : "s");
    aether_patch_free(patch);
  }
  return status;
}
