/* Aether CLI: `aether COMMAND ...`, the entry point. Each subcommand lives
   in its own file; this one only dispatches and says what there is. */

#include "cli.h"

#ifdef AETHER_HAVE_BENCH
#  include "bench.h"
#endif

#include <stdio.h>
#include <string.h>

#ifndef AETHER_VERSION
#  define AETHER_VERSION "unknown"
#endif

typedef struct {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
} Command;

#ifndef AETHER_HAVE_SNAPSHOT
static int
snapshot_missing(const int argc, char** const argv)
{
  (void)argc;
  (void)argv;
  return aether_cli_fail("snapshot", "not built (this build has no cairo)");
}
#endif

#ifndef AETHER_HAVE_BENCH
static int
bench_missing(const int argc, char** const argv)
{
  (void)argc;
  (void)argv;
  return aether_cli_fail("bench",
                         "not built (this build has no tools/bench.c)");
}
#endif

static const Command commands[] = {
  { "render",
    "render audio through the plugin: a patch or preset, notes or a WAV",
    aether_render_main },
  { "check",
    "check patch files (errors as FILE:LINE:COL: message)",
    aether_check_main },
  { "dot", "draw a patch's graph (Graphviz DOT, PNG or SVG)", aether_dot_main },
  { "nodes",
    "every node type: inputs, outputs, parameters",
    aether_nodes_main },
  { "presets",
    "the presets of the effect and the instrument",
    aether_presets_main },
#ifdef AETHER_HAVE_SNAPSHOT
  { "snapshot",
    "draw a patch as the patch editor shows it (PNG)",
    aether_snapshot_main },
#else
  { "snapshot",
    "draw a patch as the patch editor shows it (not built)",
    snapshot_missing },
#endif
#ifdef AETHER_HAVE_BENCH
  { "bench", "measure the engine's speed", aether_bench_main },
#else
  { "bench", "measure the engine's speed (not built)", bench_missing },
#endif
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
print_usage(FILE* const out)
{
  fprintf(out,
          "Usage: aether COMMAND [ARGUMENTS]\n"
          "\n"
          "The command line of Aether, the modular LV2 effect and instrument.\n"
          "\n"
          "Commands:\n");
  for (size_t i = 0; i < N_COMMANDS; ++i) {
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  }
  fprintf(out,
          "\n"
          "aether COMMAND --help (or aether help COMMAND) tells more.\n"
          "  -h, --help      show this help\n"
          "  --version       show the version\n"
          "\n"
          "Exit status: 0 done, 1 failed, 2 bad arguments.\n");
}

static const Command*
find_command(const char* const name)
{
  for (size_t i = 0; i < N_COMMANDS; ++i) {
    if (!strcmp(commands[i].name, name)) {
      return &commands[i];
    }
  }
  return NULL;
}

int
main(int argc, char** argv)
{
  if (argc < 2) {
    print_usage(stderr);
    return AETHER_EXIT_USAGE;
  }
  const char* const arg = argv[1];
  if (aether_cli_is_help(arg)) {
    print_usage(stdout);
    return AETHER_EXIT_OK;
  }
  if (!strcmp(arg, "--version")) {
    printf("aether %s\n", AETHER_VERSION);
    return AETHER_EXIT_OK;
  }
  if (!strcmp(arg, "help")) {
    if (argc < 3) {
      print_usage(stdout);
      return AETHER_EXIT_OK;
    }
    const Command* const cmd = find_command(argv[2]);
    if (!cmd) {
      fprintf(stderr,
              "aether: no command \"%s\" (aether --help lists them)\n",
              argv[2]);
      return AETHER_EXIT_USAGE;
    }
    char  help[] = "--help";
    char* args[] = { argv[2], help, NULL };
    return cmd->run(2, args);
  }

  const Command* const cmd = find_command(arg);
  if (!cmd) {
    fprintf(
      stderr, "aether: no command \"%s\" (aether --help lists them)\n", arg);
    return AETHER_EXIT_USAGE;
  }
  return cmd->run(argc - 1, argv + 1);
}
