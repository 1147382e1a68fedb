/* Aether CLI: `aether nodes`, every node type with its inputs, outputs and
   parameters (range, default, unit, smoothing), from the registry. With
   --markdown it prints docs/nodes.md, the reference the README links to; a
   test keeps that file equal to this output. */

#include "cli.h"

#include "../src/nodes/registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "nodes"
#define WIDTH 78

static const char* const usage =
  "Usage: aether nodes [--markdown] [-o FILE] [TYPE...]\n"
  "\n"
  "Describe every node type (or the TYPEs given, e.g. Filter Adsr): what it\n"
  "does, its inputs and outputs, and its parameters with their range,\n"
  "default, unit and smoothing time. This is read from the node registry\n"
  "the plugin is built from.\n"
  "\n"
  "  --markdown     print Markdown (docs/nodes.md is this output)\n"
  "  -o, --output   write to FILE instead of the standard output\n"
  "  -h, --help     show this help\n"
  "\n"
  "Exit status: 0 done, 1 the output could not be written, 2 bad arguments\n"
  "(an unknown TYPE).\n";

/* Numbers: the fewest decimals that read back as the same float, never an
   exponent ("440", "0.01", "-20000"). */
static const char*
number(const float value, char* const buf, const size_t size)
{
  for (int decimals = 0; decimals <= 12; ++decimals) {
    snprintf(buf, size, "%.*f", decimals, (double)value);
    if (strtof(buf, NULL) == value) {
      return buf;
    }
  }
  snprintf(buf, size, "%.9g", (double)value);
  return buf;
}

/* The range of a parameter as text: "0.1 to 20000 Hz", "sine, saw", ... */
static void
range_text(const AetherParamDesc* const p,
           const bool                   markdown,
           char* const                  buf,
           const size_t                 size)
{
  char lo[32];
  char hi[32];
  if (p->kind == AETHER_PARAM_ENUM && p->choices) {
    size_t len = 0;
    buf[0]     = '\0';
    for (int i = 0; i <= (int)p->max && len < size; ++i) {
      len += (size_t)snprintf(buf + len,
                              size - len,
                              markdown ? "%s`%s`" : "%s%s",
                              i ? ", " : "",
                              p->choices[i]);
    }
  } else if (p->kind == AETHER_PARAM_TOGGLE) {
    snprintf(buf, size, markdown ? "`false`, `true`" : "false, true");
  } else {
    snprintf(buf,
             size,
             "%s to %s%s",
             number(p->min, lo, sizeof(lo)),
             number(p->max, hi, sizeof(hi)),
             p->kind == AETHER_PARAM_INTEGER ? ", whole" : "");
  }
}

static void
default_text(const AetherParamDesc* const p,
             const bool                   markdown,
             char* const                  buf,
             const size_t                 size)
{
  const int i = (int)p->def;
  if (p->kind == AETHER_PARAM_ENUM && p->choices && i >= 0 &&
      i <= (int)p->max) {
    snprintf(buf, size, markdown ? "`%s`" : "%s", p->choices[i]);
  } else if (p->kind == AETHER_PARAM_TOGGLE) {
    snprintf(buf, size, markdown ? "`%s`" : "%s", i ? "true" : "false");
  } else {
    char n[32];
    snprintf(buf, size, "%s", number(p->def, n, sizeof(n)));
  }
}

static void
smooth_text(const AetherParamDesc* const p, char* const buf, const size_t size)
{
  char n[24];
  if (p->smooth > 0.0f) {
    snprintf(buf, size, "%s ms", number(p->smooth * 1000.0f, n, sizeof(n)));
  } else {
    snprintf(buf, size, "none");
  }
}

/* Text */

/* Print `text` wrapped at WIDTH, continuing a line at column `col` (0: a
   new line), every further line indented by `indent`. */
static void
wrap(FILE* const out, const char* text, const int indent, int col)
{
  while (*text) {
    while (*text == ' ') {
      ++text;
    }
    const size_t len = strcspn(text, " ");
    if (!len) {
      break;
    }
    if (col > indent && col + 1 + (int)len > WIDTH) {
      fputc('\n', out);
      col = 0;
    }
    if (col < indent) {
      col += fprintf(out, "%*s", indent - col, "");
    } else {
      col += fprintf(out, " ");
    }
    col += fprintf(out, "%.*s", (int)len, text);
    text += len;
  }
  fputc('\n', out);
}

static void
print_ports(FILE* const                 out,
            const char* const           title,
            const AetherPortDesc* const ports,
            const uint32_t              n)
{
  if (!n) {
    return;
  }
  fprintf(out, "  %s\n", title);
  for (uint32_t i = 0; i < n; ++i) {
    char line[512];
    snprintf(line,
             sizeof(line),
             "%s",
             ports[i].comment ? ports[i].comment : ports[i].label);
    const int col = fprintf(out, "    %s", ports[i].name);
    wrap(out, line, 16, col < 16 ? col : WIDTH);
  }
}

static void
print_type_text(FILE* const out, const AetherNodeType* const type)
{
  fprintf(out, "%s: %s\n", type->name, type->label);
  wrap(out, type->comment ? type->comment : "", 2, 0);
  print_ports(out, "inputs", type->inputs, type->n_inputs);
  print_ports(out, "outputs", type->outputs, type->n_outputs);
  if (type->n_params) {
    fprintf(out, "  parameters\n");
  }
  for (uint32_t i = 0; i < type->n_params; ++i) {
    const AetherParamDesc* const p = &type->params[i];
    char                         range[512];
    char                         def[64];
    char                         smooth[40];
    char                         line[1024];
    range_text(p, false, range, sizeof(range));
    default_text(p, false, def, sizeof(def));
    smooth_text(p, smooth, sizeof(smooth));
    snprintf(line,
             sizeof(line),
             "%s%s%s%s; default %s%s%s%s%s. %s",
             (p->kind == AETHER_PARAM_ENUM || p->kind == AETHER_PARAM_TOGGLE)
               ? "one of "
               : "",
             range,
             *p->unit ? " " : "",
             p->unit,
             def,
             *p->unit ? " " : "",
             p->unit,
             p->smooth > 0.0f ? "; ramps over " : "",
             p->smooth > 0.0f ? smooth : "",
             p->comment ? p->comment : "");
    const int col = fprintf(out, "    %s", p->name);
    wrap(out, line, 16, col < 16 ? col : WIDTH);
  }
  fputc('\n', out);
}

/* Markdown */

/* Write `text` for a table cell: '|' escaped, no line breaks. */
static void
cell(FILE* const out, const char* const text)
{
  for (const char* s = text ? text : ""; *s; ++s) {
    if (*s == '|') {
      fputs("\\|", out);
    } else {
      fputc(*s == '\n' ? ' ' : *s, out);
    }
  }
}

static void
print_ports_markdown(FILE* const                 out,
                     const char* const           title,
                     const AetherPortDesc* const ports,
                     const uint32_t              n)
{
  if (!n) {
    return;
  }
  fprintf(out, "| %s | what it carries |\n|---|---|\n", title);
  for (uint32_t i = 0; i < n; ++i) {
    fprintf(out, "| `%s` | ", ports[i].name);
    cell(out, ports[i].comment ? ports[i].comment : ports[i].label);
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

static void
print_type_markdown(FILE* const out, const AetherNodeType* const type)
{
  fprintf(out, "## %s\n\n**%s.** ", type->name, type->label);
  cell(out, type->comment);
  fputs("\n\n", out);
  print_ports_markdown(out, "input", type->inputs, type->n_inputs);
  print_ports_markdown(out, "output", type->outputs, type->n_outputs);
  if (type->n_params) {
    fputs("| parameter | range | default | unit | smoothing | what it does |\n"
          "|---|---|---|---|---|---|\n",
          out);
  }
  for (uint32_t i = 0; i < type->n_params; ++i) {
    const AetherParamDesc* const p = &type->params[i];
    char                         range[512];
    char                         def[64];
    char                         smooth[40];
    range_text(p, true, range, sizeof(range));
    default_text(p, true, def, sizeof(def));
    smooth_text(p, smooth, sizeof(smooth));
    fprintf(out, "| `%s` | %s | %s | ", p->name, range, def);
    cell(out, p->unit);
    fprintf(out, " | %s | ", smooth);
    cell(out, p->comment ? p->comment : p->label);
    fputs(" |\n", out);
  }
  if (type->n_params) {
    fputc('\n', out);
  }
}

static void
print_markdown_head(FILE* const out)
{
  fputs(
    "# Node reference\n"
    "\n"
    "<!-- Generated from the node registry by `aether nodes --markdown`"
    " (`ninja -C build nodes-doc` rewrites it); a test fails when it is"
    " out of date. Do not edit. -->\n"
    "\n"
    "Every node type Aether has, with its inputs, outputs and"
    " parameters. In a patch, a node is `node:NAME a ae:TYPE`, a"
    " parameter `ae:PARAM VALUE` and an input `ae:INPUT node:OTHER` or"
    " `ae:INPUT node:OTHER.OUTPUT` (see [the patch format](patch-format.md))."
    " A parameter's *smoothing* is the time a change takes to ramp to"
    " its new value, so moving it does not click.\n"
    "\n"
    "| type | what it is |\n"
    "|---|---|\n",
    out);
  for (uint32_t i = 0; i < aether_registry_count(); ++i) {
    const AetherNodeType* const type = aether_registry_get(i);
    char                        anchor[AETHER_MAX_NAME];
    size_t                      k = 0;
    for (const char* s = type->name; *s && k + 1U < sizeof(anchor); ++s) {
      anchor[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    }
    anchor[k] = '\0';
    fprintf(out, "| [%s](#%s) | ", type->name, anchor);
    cell(out, type->label);
    fputs(" |\n", out);
  }
  fputc('\n', out);
}

int
aether_nodes_main(const int argc, char** const argv)
{
  bool        markdown = false;
  const char* output   = NULL;
  int         n_types  = 0;
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
    } else if (!strcmp(argv[i], "--markdown")) {
      markdown = true;
    } else if (argv[i][0] == '-') {
      return aether_cli_usage(CMD, "unknown option %s", argv[i]);
    } else if (!aether_registry_find(argv[i])) {
      return aether_cli_usage(CMD,
                              "no node type \"%s\" (aether nodes lists "
                              "them; names are case sensitive)",
                              argv[i]);
    } else {
      ++n_types;
    }
  }

  FILE* const out = output ? fopen(output, "w") : stdout;
  if (!out) {
    return aether_cli_fail(CMD, "%s: %s", output, strerror(errno));
  }
  if (markdown && !n_types) {
    print_markdown_head(out);
  }
  for (uint32_t t = 0; t < aether_registry_count(); ++t) {
    const AetherNodeType* const type = aether_registry_get(t);
    bool                        want = !n_types;
    for (int i = 1; i < argc && !want; ++i) {
      want = !strcmp(argv[i], type->name);
    }
    if (want) {
      if (markdown) {
        print_type_markdown(out, type);
      } else {
        print_type_text(out, type);
      }
    }
  }

  if (output && fclose(out)) {
    return aether_cli_fail(CMD, "%s: %s", output, strerror(errno));
  }
  if (!output && fflush(stdout)) {
    return aether_cli_fail(CMD, "standard output: %s", strerror(errno));
  }
  return AETHER_EXIT_OK;
}
