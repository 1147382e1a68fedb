/* Aether CLI: what the subcommands share: exit statuses, their entry
   points, argument parsing and messages. */

#ifndef AETHER_TOOLS_CLI_H
#define AETHER_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>

/** Exit statuses of every subcommand. */
typedef enum {
  AETHER_EXIT_OK      = 0, /**< done */
  AETHER_EXIT_FAILURE = 1, /**< a bad patch, a file, the plugin */
  AETHER_EXIT_USAGE   = 2, /**< bad arguments */
} AetherExit;

/** Result of matching an option. */
typedef enum {
  AETHER_OPT_NO_MATCH, /**< not this option */
  AETHER_OPT_MATCH,    /**< matched, `value` set (or a flag) */
  AETHER_OPT_MISSING,  /**< matched but its value is missing (said so) */
} AetherOptMatch;

/* Subcommands: `argv[0]` is the subcommand's name. */

/** `aether render`: render audio through the plugin. */
int
aether_render_main(int argc, char** argv);

/** `aether check`: validate patch files. */
int
aether_check_main(int argc, char** argv);

/** `aether dot`: a patch's graph as Graphviz. */
int
aether_dot_main(int argc, char** argv);

/** `aether nodes`: the node reference, from the registry. */
int
aether_nodes_main(int argc, char** argv);

/** `aether presets`: the presets the plugins have. */
int
aether_presets_main(int argc, char** argv);

/** `aether snapshot`: the patch editor's picture of a patch (PNG). */
int
aether_snapshot_main(int argc, char** argv);

/* Arguments */

/** True for "-h" and "--help". */
bool
aether_cli_is_help(const char* arg);

/** Match argv[*i] against an option taking a value: "-s VALUE" (if
    `short_name` is not NULL), "--long VALUE" or "--long=VALUE". On a match
    `*i` moves past the value. A missing value is reported for `cmd`. */
AetherOptMatch
aether_cli_option(const char*  cmd,
                  int          argc,
                  char**       argv,
                  int*         i,
                  const char*  short_name,
                  const char*  long_name,
                  const char** value);

/** Parse a finite number (the whole string). */
bool
aether_cli_parse_double(const char* text, double* value);

/** Parse a whole number from `min` to `max` (the whole string). */
bool
aether_cli_parse_uint(const char* text,
                      uint32_t    min,
                      uint32_t    max,
                      uint32_t*   value);

/* Messages (stderr) */

/** Print "aether CMD: MESSAGE" and a pointer to --help; return
    AETHER_EXIT_USAGE. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int
aether_cli_usage(const char* cmd, const char* fmt, ...);

/** Print "aether CMD: MESSAGE"; return AETHER_EXIT_FAILURE. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int
aether_cli_fail(const char* cmd, const char* fmt, ...);

/** The LV2_PATH to use: $LV2_PATH, else the build's bundle folder and
    /usr/lib/lv2. */
const char*
aether_cli_lv2_path(void);

#endif /* AETHER_TOOLS_CLI_H */
