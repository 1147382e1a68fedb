/* Aether CLI: `aether dot FILE [-o OUT]`, a patch's graph in Graphviz DOT:
   nodes as boxes labelled with name and type (per-voice nodes doubled,
   with their number of voices), edges labelled
   "output -> input", macros as ellipses with dashed edges to the
   parameters they drive. PNG and SVG are drawn by Graphviz's `dot`. */

#include "cli.h"

#include "../src/nodes/registry.h"
#include "../src/patch/patch.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD "dot"

extern char** environ;

static const char* const usage =
  "Usage: aether dot FILE [-o OUT.png|OUT.svg|OUT.dot]\n"
  "\n"
  "Draw the graph of a patch: every node as a box with its name and type\n"
  "(a double box, with the number of voices, for per-voice nodes),\n"
  "every connection as an arrow labelled \"output -> input\", every macro\n"
  "mapping as a dashed arrow from the macro to the parameter it drives.\n"
  "Without -o, print the graph as Graphviz DOT text.\n"
  "\n"
  "  -o, --output OUT   write OUT.dot (DOT text), or OUT.png or OUT.svg\n"
  "                     (drawn by Graphviz's dot: apt-get install graphviz)\n"
  "  -h, --help         show this help\n"
  "\n"
  "Exit status: 0 done, 1 a bad patch or a file or Graphviz error, 2 bad\n"
  "arguments.\n";

/* Node types that are the plugin's own inputs and outputs. */
static bool
is_terminal(const AetherNodeType* const type)
{
  static const char* const names[] = {
    "AudioIn", "AudioOut", "MidiNote", "MidiCc"
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); ++i) {
    if (!strcmp(type->name, names[i])) {
      return true;
    }
  }
  return false;
}

static const char*
base_name(const char* const path)
{
  const char* const slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Write the DOT text of `patch`; names are [A-Za-z0-9_-], so they need no
   escaping inside quotes, nor does the file name once quotes are dropped. */
static void
write_dot(FILE* const              out,
          const AetherPatch* const patch,
          const char* const        path)
{
  fprintf(out, "digraph \"");
  for (const char* s = base_name(path); *s; ++s) {
    if (*s != '"' && *s != '\\') {
      fputc(*s, out);
    }
  }
  fprintf(out,
          "\" {\n"
          "\trankdir=LR;\n"
          "\tnode [shape=box, fontname=\"Helvetica\", fontsize=11];\n"
          "\tedge [fontname=\"Helvetica\", fontsize=9];\n");

  /* Per-voice nodes have a double border and say how many voices. */
  const uint32_t n      = aether_patch_n_nodes(patch);
  const uint32_t voices = aether_patch_voices(patch);
  for (uint32_t i = 0; i < n; ++i) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    fprintf(out,
            "\t\"%s\" [label=\"%s\\n%s",
            node->name,
            node->name,
            node->type->name);
    if (node->poly) {
      fprintf(out, " x%u\", peripheries=2", voices);
    } else {
      fputc('"', out);
    }
    fprintf(out,
            "%s];\n",
            is_terminal(node->type)
              ? ", style=\"rounded,filled\", fillcolor=\"#e3ecf5\""
              : "");
  }

  for (uint32_t i = 0; i < n; ++i) {
    const AetherPatchNode* const node = aether_patch_node(patch, i);
    for (uint32_t k = 0; k < node->type->n_inputs; ++k) {
      if (!(node->inputs_set & (1U << k))) {
        continue;
      }
      const AetherPatchInput* const in = &node->inputs[k];
      const AetherPatchNode* const  source =
        aether_patch_find(patch, in->source);
      const char* output = in->output;
      if (!*output && source && source->type->n_outputs) {
        output = source->type->outputs[0].name;
      }
      fprintf(out,
              "\t\"%s\" -> \"%s\" [label=\"%s -> %s\"];\n",
              in->source,
              node->name,
              output,
              node->type->inputs[k].name);
    }
  }

  bool macro_seen[AETHER_N_MACROS] = { false };
  for (uint32_t i = 0; i < aether_patch_n_macros(patch); ++i) {
    const AetherPatchMacro* const m = aether_patch_macro(patch, i);
    if (!macro_seen[m->macro]) {
      macro_seen[m->macro] = true;
      fprintf(out,
              "\t\"macro%u\" [shape=ellipse, label=\"macro %u\", "
              "style=filled, fillcolor=\"#f5ecd9\"];\n",
              m->macro + 1U,
              m->macro + 1U);
    }
    fprintf(out,
            "\t\"macro%u\" -> \"%s\" [style=dashed, label=\"%s\"];\n",
            m->macro + 1U,
            m->node,
            m->param);
  }
  fprintf(out, "}\n");
}

/* Draw with Graphviz: `dot -TFORMAT -o PATH`, DOT text on its stdin. */
static int
draw(const AetherPatch* const patch,
     const char* const        file,
     const char* const        format,
     const char* const        path)
{
  int fds[2];
  if (pipe(fds)) {
    return aether_cli_fail(CMD, "pipe: %s", strerror(errno));
  }
  char        type[16];
  char* const args[] = { (char*)"dot", type, (char*)"-o", (char*)path, NULL };
  snprintf(type, sizeof(type), "-T%s", format);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  pid_t     pid = 0;
  const int rc  = posix_spawnp(&pid, "dot", &actions, NULL, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (rc) {
    close(fds[1]);
    return aether_cli_fail(
      CMD,
      "%s: cannot run Graphviz's dot (%s): install graphviz, or leave out "
      "-o to print DOT text",
      path,
      rc == ENOENT ? "not installed" : strerror(rc));
  }

  FILE* const out = fdopen(fds[1], "w");
  if (out) {
    write_dot(out, patch, file);
    fclose(out);
  } else {
    close(fds[1]);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status)) {
    return aether_cli_fail(CMD, "%s: Graphviz's dot failed", path);
  }
  return AETHER_EXIT_OK;
}

int
aether_dot_main(const int argc, char** const argv)
{
  const char* file   = NULL;
  const char* output = NULL;
  for (int i = 1; i < argc; ++i) {
    const char*          v = NULL;
    const AetherOptMatch m =
      aether_cli_option(CMD, argc, argv, &i, "-o", "--output", &v);
    if (aether_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (m == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
    if (m == AETHER_OPT_MATCH) {
      output = v;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return aether_cli_usage(CMD, "unknown option %s", argv[i]);
    } else if (file) {
      return aether_cli_usage(CMD, "one patch file at a time");
    } else {
      file = argv[i];
    }
  }
  if (!file) {
    return aether_cli_usage(CMD, "give a patch file");
  }

  const char* const ext    = output ? strrchr(output, '.') : NULL;
  const char*       format = NULL;
  if (output) {
    if (ext && (!strcmp(ext, ".png") || !strcmp(ext, ".svg"))) {
      format = ext + 1;
    } else if (!ext || strcmp(ext, ".dot")) {
      return aether_cli_usage(
        CMD, "-o %s: the output must end in .png, .svg or .dot", output);
    }
  }

  AetherPatch* patch = NULL;
  AetherError  err;
  aether_error_clear(&err);
  if (aether_patch_read_file(file, &patch, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return AETHER_EXIT_FAILURE;
  }

  int status = AETHER_EXIT_OK;
  if (format) {
    status = draw(patch, file, format, output);
  } else if (output) {
    FILE* const out = fopen(output, "w");
    if (!out) {
      status = aether_cli_fail(CMD, "%s: %s", output, strerror(errno));
    } else {
      write_dot(out, patch, file);
      if (fclose(out)) {
        status = aether_cli_fail(CMD, "%s: %s", output, strerror(errno));
      }
    }
  } else {
    write_dot(stdout, patch, file);
  }
  aether_patch_free(patch);
  return status;
}
