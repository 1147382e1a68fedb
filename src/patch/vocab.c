/* Aether: the vocabulary of the patch format as Turtle, generated from the
   node registry (ttl/aether-vocab.ttl is this output; a test compares them).

   Every term gets rdfs:label and rdfs:comment. A name used in several roles
   (ae:min is a macro mapping property and a parameter of Macro; ae:square a
   curve and a waveform) is one resource: its roles and their comments are
   merged, and it is written once. The registry is checked on the way: every
   name must be a Turtle local name of [A-Za-z0-9_-] not starting with '-',
   no type may have a parameter and an input of the same name (the reader
   tells them apart by name), and none may use "poly", "x" or "y" (the
   properties ae:poly, ae:x and ae:y of every node). */

#include "buf.h"
#include "patch_impl.h"

#include "../nodes/registry.h"

#include <stdlib.h>
#include <string.h>

#define NS_LEN (sizeof(AETHER_PATCH_NS) - 1U)

#define STR_(x) #x
#define STR(x) STR_(x) /* a number macro as a string literal */

typedef enum {
  SECTION_CLASSES,    /**< core classes, in the order added */
  SECTION_TYPES,      /**< node types, in registry order */
  SECTION_PROPERTIES, /**< sorted by name */
  SECTION_VALUES,     /**< sorted by name */
  N_SECTIONS
} Section;

typedef enum {
  ROLE_CLASS    = 1U << 0U, /**< a rdfs:Class */
  ROLE_TYPE     = 1U << 1U, /**< a node type: rdfs:subClassOf ae:Node */
  ROLE_PROPERTY = 1U << 2U, /**< a rdf:Property */
  ROLE_CHOICE   = 1U << 3U, /**< a ae:Choice */
  ROLE_CURVE    = 1U << 4U, /**< a ae:Curve */
} Role;

typedef struct {
  const char* name;    /**< local name (static or registry storage) */
  const char* label;   /**< rdfs:label: of the first role */
  uint32_t    roles;   /**< Role bits */
  Section     section; /**< of the first role */
  PatchBuf    comment; /**< sentences of every role */
} Term;

typedef struct {
  Term*        terms;
  uint32_t     n_terms;
  uint32_t     cap_terms;
  PatchMap     index;
  AetherError* err;
} Vocab;

static const char*
term_name(const void* const ctx, const uint32_t i)
{
  return ((const Vocab*)ctx)->terms[i].name;
}

static bool
valid_local_name(const char* const name)
{
  return name && name[0] != '-' && patch_valid_name(name, strlen(name));
}

/* Add a role to the term `name` (created if new). `comment` is one or more
   sentences, appended to the term's. */
static AetherStatus
add(Vocab* const      v,
    const char* const name,
    const Section     section,
    const Role        role,
    const char* const label,
    const char* const comment)
{
  if (!valid_local_name(name)) {
    return aether_error(
      v->err,
      AETHER_ERR_BAD_ARG,
      "registry: \"%.64s\" is not a valid name ([A-Za-z0-9_-], "
      "1 to 63, not starting with '-')",
      name ? name : "(null)");
  }

  uint32_t t = patch_map_find(&v->index, name, strlen(name), term_name, v);
  if (t == PATCH_NONE) {
    if (v->n_terms == v->cap_terms) {
      const uint32_t cap   = v->cap_terms ? v->cap_terms * 2U : 64U;
      Term* const    terms = (Term*)realloc(v->terms, cap * sizeof(Term));
      if (!terms) {
        return aether_error(v->err, AETHER_ERR_NO_MEMORY, "out of memory");
      }
      v->terms     = terms;
      v->cap_terms = cap;
    }
    t = v->n_terms;
    if (patch_map_insert(&v->index, name, strlen(name), t)) {
      return aether_error(v->err, AETHER_ERR_NO_MEMORY, "out of memory");
    }
    const Term term = { name, label, 0U, section, { NULL, 0, 0, false } };
    v->terms[v->n_terms++] = term;
  }

  Term* const term = &v->terms[t];
  term->roles |= (uint32_t)role;
  if (term->comment.len) {
    patch_buf_puts(&term->comment, " ");
  }
  patch_buf_puts(&term->comment, comment);
  return term->comment.failed
           ? aether_error(v->err, AETHER_ERR_NO_MEMORY, "out of memory")
           : AETHER_SUCCESS;
}

static const char*
text_of(const PatchBuf* const b)
{
  return b->data ? b->data : "";
}

static AetherStatus
add_core(Vocab* const v)
{
  static const struct {
    const char* name;
    Section     section;
    Role        role;
    const char* label;
    const char* comment;
  } core[] = {
    { "Patch",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Patch",
      "A patch: the node graph, its parameter values and how the host's "
      "macro controls and MIDI controllers map onto it. A document describes "
      "one patch, usually <>, with ae:formatVersion, ae:voices and any "
      "number of ae:macro and ae:controller mappings; its nodes are the "
      "resources node:NAME (<urn:aether:node:NAME>) of the same document." },
    { "Node",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Node",
      "A processing node. A node is a resource node:NAME, NAME being 1 to 63 "
      "of A-Z a-z 0-9 _ -, with exactly one type (a subclass of ae:Node), "
      "its parameters as properties with numbers or choices, its inputs "
      "as properties naming a node output: node:NAME for the source's first "
      "output or node:NAME.OUTPUT for another, ae:poly true if it runs "
      "once per voice, and its position in the editor (ae:x, ae:y)." },
    { "MacroMapping",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Macro mapping",
      "The object of ae:macro, usually a blank node [ ... ]: host macro "
      "ae:index drives parameter ae:param of node ae:node between ae:min "
      "and ae:max along ae:curve." },
    { "ControllerMapping",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Controller mapping",
      "The object of ae:controller, usually a blank node [ ... ]: MIDI "
      "controller ae:cc (on ae:channel, or on every channel) drives "
      "parameter ae:param of node ae:node between ae:min at controller value "
      "0 and ae:max at 127 along ae:curve, from the event's frame." },
    { "Choice",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Choice",
      "A named value of an enumerated parameter, such as a waveform." },
    { "Curve",
      SECTION_CLASSES,
      ROLE_CLASS,
      "Curve",
      "The shape of a macro or controller mapping between ae:min and "
      "ae:max." },
    { "formatVersion",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "format version",
      "The version of the patch format the document is written in (an "
      "integer; this vocabulary is version 1). A patch without it is read "
      "as version 1; other versions are refused." },
    { "voices",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "voices",
      "The number of voices of the patch, 1 to " STR(
        AETHER_MAX_VOICES) " (default 1): every node with ae:poly true runs "
                           "once per voice and "
                           "each new MIDI note goes to a voice of its own (a "
                           "free one first, "
                           "else the one released longest ago, else the one "
                           "holding the oldest "
                           "note). With 1 voice, per-voice nodes play one note "
                           "at a time "
                           "(last-note priority)." },
    { "poly",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "per voice",
      "Node: true if the node runs once per voice of the patch (ae:voices), "
      "false (the default) if it is shared. A per-voice node reading a "
      "per-voice node reads the same voice, and reading a shared node reads "
      "its one signal; a shared node reading a per-voice node reads the sum "
      "of all voices. A per-voice ae:MidiNote plays the note of its voice." },
    { "x",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "x position",
      "Node: the horizontal position of the node's box in the editor, a "
      "number from -1000000 to 1000000 (growing to the right), given "
      "together with ae:y. Layout only: it changes nothing in the sound. A "
      "node without a position is placed by the editor's automatic layout." },
    { "y",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "y position",
      "Node: the vertical position of the node's box in the editor, a number "
      "from -1000000 to 1000000 (growing downwards), given together with "
      "ae:x. Layout only: it changes nothing in the sound." },
    { "macro",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "macro",
      "A macro mapping of the patch (an ae:MacroMapping)." },
    { "controller",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "MIDI controller",
      "A MIDI controller mapping of the patch (an ae:ControllerMapping)." },
    { "cc",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "controller number",
      "Controller mapping: which MIDI controller drives the parameter, 0 to "
      "127 (1 is the mod wheel, 11 expression, 74 brightness)." },
    { "channel",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "channel",
      "Controller mapping: the MIDI channel the mapping follows, 1 to 16, or "
      "0 (the default) for every channel." },
    { "index",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "macro index",
      "Macro mapping: which host macro control drives the parameter, 1 to "
      "8 (ports macro1 to macro8)." },
    { "node",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "node",
      "Macro or controller mapping: the node whose parameter it drives "
      "(node:NAME)." },
    { "param",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "parameter",
      "Macro or controller mapping: the parameter it drives (ae:NAME)." },
    { "min",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "minimum",
      "Macro or controller mapping: the parameter's value when the macro is "
      "at 0 or the controller at 0, inside the parameter's range (default: "
      "its lowest value)." },
    { "max",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "maximum",
      "Macro or controller mapping: the parameter's value when the macro is "
      "at 1 or the controller at 127, inside the parameter's range "
      "(default: its highest value)." },
    { "curve",
      SECTION_PROPERTIES,
      ROLE_PROPERTY,
      "curve",
      "Macro or controller mapping: the shape between ae:min and ae:max, an "
      "ae:Curve (default ae:linear)." },
    { "linear",
      SECTION_VALUES,
      ROLE_CURVE,
      "linear",
      "Curve: min + v * (max - min)." },
    { "exponential",
      SECTION_VALUES,
      ROLE_CURVE,
      "exponential",
      "Curve: min * (max / min)^v, even steps in pitch for frequencies; "
      "ae:min and ae:max must be above 0." },
    { "square",
      SECTION_VALUES,
      ROLE_CURVE,
      "square",
      "Curve: min + v^2 * (max - min), for levels." },
  };

  for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); ++i) {
    const AetherStatus st = add(v,
                                core[i].name,
                                core[i].section,
                                core[i].role,
                                core[i].label,
                                core[i].comment);
    if (st) {
      return st;
    }
  }
  return AETHER_SUCCESS;
}

static void
put_list(PatchBuf* const             b,
         const char* const           what,
         const AetherPortDesc* const ports,
         const uint32_t              n)
{
  if (!n) {
    return;
  }
  patch_buf_puts(b, " ");
  patch_buf_puts(b, what);
  patch_buf_puts(b, ": ");
  for (uint32_t i = 0; i < n; ++i) {
    patch_buf_puts(b, i ? ", " : "");
    patch_buf_puts(b, ports[i].name);
  }
  patch_buf_puts(b, ".");
}

/* Append `text` as a sentence ending in '.', or without its final '.'. */
static void
put_text(PatchBuf* const b, const char* const text, const bool period)
{
  size_t len = text ? strlen(text) : 0U;
  if (len && text[len - 1U] == '.') {
    --len;
  }
  patch_buf_put(b, text ? text : "", len);
  if (period) {
    patch_buf_puts(b, ".");
  }
}

static void
put_range(PatchBuf* const b, const AetherParamDesc* const d)
{
  patch_buf_puts(b, " (");
  switch (d->kind) {
    case AETHER_PARAM_TOGGLE:
      patch_buf_puts(b, "true or false, default ");
      patch_buf_puts(b, d->def != 0.0f ? "true" : "false");
      break;
    case AETHER_PARAM_ENUM:
      for (uint32_t c = 0; d->choices && c <= (uint32_t)d->max; ++c) {
        patch_buf_puts(b, c ? ", ae:" : "ae:");
        patch_buf_puts(b, d->choices[c]);
      }
      patch_buf_puts(b, "; default ae:");
      patch_buf_puts(b, d->choices ? d->choices[(uint32_t)d->def] : "?");
      break;
    case AETHER_PARAM_INTEGER:
      patch_buf_puts(b, "a whole number ");
      /* fall through */
    case AETHER_PARAM_CONTINUOUS:
      patch_buf_put_float(b, d->min);
      patch_buf_puts(b, " to ");
      patch_buf_put_float(b, d->max);
      if (d->unit && d->unit[0]) {
        patch_buf_puts(b, " ");
        patch_buf_puts(b, d->unit);
      }
      patch_buf_puts(b, ", default ");
      patch_buf_put_float(b, d->def);
      break;
  }
  patch_buf_puts(b, ").");
}

static AetherStatus
check_type(Vocab* const v, const AetherNodeType* const t)
{
  if (t->n_params > AETHER_MAX_PARAMS || t->n_inputs > AETHER_MAX_INPUTS ||
      t->n_outputs > AETHER_MAX_OUTPUTS) {
    return aether_error(v->err,
                        AETHER_ERR_BAD_ARG,
                        "registry: %s has too many parameters or ports",
                        t->name);
  }
  static const char* const reserved[] = { "poly", "x", "y" };
  for (size_t r = 0; r < sizeof(reserved) / sizeof(reserved[0]); ++r) {
    if (aether_node_type_param_index(t, reserved[r]) >= 0 ||
        aether_node_type_input_index(t, reserved[r]) >= 0) {
      return aether_error(v->err,
                          AETHER_ERR_BAD_ARG,
                          "registry: %s may not have a parameter or input "
                          "called \"%s\" (ae:poly, ae:x and ae:y are "
                          "properties of every node)",
                          t->name,
                          reserved[r]);
    }
  }
  for (uint32_t p = 0; p < t->n_params; ++p) {
    const AetherParamDesc* const d = &t->params[p];
    if (aether_node_type_input_index(t, d->name) >= 0) {
      return aether_error(v->err,
                          AETHER_ERR_BAD_ARG,
                          "registry: %s has a parameter and an input called "
                          "\"%s\"",
                          t->name,
                          d->name);
    }
    if (d->kind == AETHER_PARAM_ENUM && !d->choices) {
      return aether_error(v->err,
                          AETHER_ERR_BAD_ARG,
                          "registry: %s parameter %s is an enum without "
                          "choices",
                          t->name,
                          d->name);
    }
  }
  for (uint32_t o = 0; o < t->n_outputs; ++o) {
    if (!valid_local_name(t->outputs[o].name)) {
      return aether_error(v->err,
                          AETHER_ERR_BAD_ARG,
                          "registry: %s output \"%.64s\" is not a valid name",
                          t->name,
                          t->outputs[o].name);
    }
  }
  return AETHER_SUCCESS;
}

static AetherStatus
add_type(Vocab* const v, const AetherNodeType* const t)
{
  AetherStatus st = check_type(v, t);
  PatchBuf     s  = { NULL, 0, 0, false };
  if (st) {
    return st;
  }

  /* The type */
  put_text(&s, t->comment ? t->comment : t->label, true);
  if (t->flags & AETHER_NODE_DELAY) {
    patch_buf_puts(&s, " A delay: feedback loops may pass through it.");
  }
  if (t->n_params) {
    patch_buf_puts(&s, " Parameters: ");
    for (uint32_t p = 0; p < t->n_params; ++p) {
      patch_buf_puts(&s, p ? ", " : "");
      patch_buf_puts(&s, t->params[p].name);
    }
    patch_buf_puts(&s, ".");
  }
  put_list(&s, "Inputs", t->inputs, t->n_inputs);
  put_list(&s, "Outputs", t->outputs, t->n_outputs);
  st = s.failed
         ? AETHER_ERR_NO_MEMORY
         : add(v, t->name, SECTION_TYPES, ROLE_TYPE, t->label, text_of(&s));
  free(s.data);

  /* Its parameters and their choices */
  for (uint32_t p = 0; !st && p < t->n_params; ++p) {
    const AetherParamDesc* const d  = &t->params[p];
    PatchBuf                     ps = { NULL, 0, 0, false };
    patch_buf_puts(&ps, "Parameter of ae:");
    patch_buf_puts(&ps, t->name);
    patch_buf_puts(&ps, ": ");
    put_text(&ps, d->comment ? d->comment : d->label, false);
    put_range(&ps, d);
    st = ps.failed ? AETHER_ERR_NO_MEMORY
                   : add(v,
                         d->name,
                         SECTION_PROPERTIES,
                         ROLE_PROPERTY,
                         d->label,
                         text_of(&ps));
    free(ps.data);

    for (uint32_t c = 0;
         !st && d->kind == AETHER_PARAM_ENUM && c <= (uint32_t)d->max;
         ++c) {
      PatchBuf cs = { NULL, 0, 0, false };
      patch_buf_puts(&cs, "A value of ae:");
      patch_buf_puts(&cs, d->name);
      patch_buf_puts(&cs, " of ae:");
      patch_buf_puts(&cs, t->name);
      patch_buf_puts(&cs, ".");
      st = cs.failed ? AETHER_ERR_NO_MEMORY
                     : add(v,
                           d->choices[c],
                           SECTION_VALUES,
                           ROLE_CHOICE,
                           d->choices[c],
                           text_of(&cs));
      free(cs.data);
    }
  }

  /* Its inputs */
  for (uint32_t i = 0; !st && i < t->n_inputs; ++i) {
    const AetherPortDesc* const d  = &t->inputs[i];
    PatchBuf                    is = { NULL, 0, 0, false };
    patch_buf_puts(&is, "Input of ae:");
    patch_buf_puts(&is, t->name);
    patch_buf_puts(&is, ": ");
    put_text(&is, d->comment ? d->comment : d->label, true);
    patch_buf_puts(&is,
                   " Its value names a node output (node:NAME or "
                   "node:NAME.OUTPUT).");
    st = is.failed ? AETHER_ERR_NO_MEMORY
                   : add(v,
                         d->name,
                         SECTION_PROPERTIES,
                         ROLE_PROPERTY,
                         d->label,
                         text_of(&is));
    free(is.data);
  }

  return st == AETHER_ERR_NO_MEMORY ? aether_error(v->err, st, "out of memory")
                                    : st;
}

static void
put_string(PatchBuf* const b, const char* const s)
{
  patch_buf_puts(b, "\"");
  for (const char* c = s; *c; ++c) {
    switch (*c) {
      case '"':
        patch_buf_puts(b, "\\\"");
        break;
      case '\\':
        patch_buf_puts(b, "\\\\");
        break;
      case '\n':
        patch_buf_puts(b, "\\n");
        break;
      case '\r':
        patch_buf_puts(b, "\\r");
        break;
      case '\t':
        patch_buf_puts(b, "\\t");
        break;
      default:
        patch_buf_put(b, c, 1);
    }
  }
  patch_buf_puts(b, "\"");
}

static void
put_term(PatchBuf* const b, const Term* const t)
{
  static const struct {
    uint32_t    roles;
    const char* type;
  } types[] = {
    { ROLE_CLASS | ROLE_TYPE, "rdfs:Class" },
    { ROLE_PROPERTY, "rdf:Property" },
    { ROLE_CHOICE, "ae:Choice" },
    { ROLE_CURVE, "ae:Curve" },
  };

  patch_buf_puts(b, "\nae:");
  patch_buf_puts(b, t->name);
  patch_buf_puts(b, "\n\ta ");
  bool first = true;
  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
    if (t->roles & types[i].roles) {
      patch_buf_puts(b, first ? "" : " , ");
      patch_buf_puts(b, types[i].type);
      first = false;
    }
  }
  if (t->roles & ROLE_TYPE) {
    patch_buf_puts(b, " ;\n\trdfs:subClassOf ae:Node");
  }
  patch_buf_puts(b, " ;\n\trdfs:label ");
  put_string(b, t->label ? t->label : t->name);
  patch_buf_puts(b, " ;\n\trdfs:comment ");
  put_string(b, t->comment.data ? t->comment.data : "");
  patch_buf_puts(b, " .\n");
}

static int
compare_terms(const void* const a, const void* const b)
{
  return strcmp((*(const Term* const*)a)->name, (*(const Term* const*)b)->name);
}

static AetherStatus
write_vocab(const Vocab* const v, char** const text)
{
  static const char* const headings[N_SECTIONS] = {
    "Classes",
    "Node types",
    "Properties: parameters, inputs, the patch's",
    "Values: choices and curves"
  };

  const Term** const order =
    (const Term**)malloc(((size_t)v->n_terms + 1U) * sizeof(Term*));
  if (!order) {
    return aether_error(v->err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  PatchBuf b = { NULL, 0, 0, false };
  patch_buf_puts(
    &b,
    "# The Aether patch vocabulary.\n"
    "#\n"
    "# Generated by aether-vocab from the node registry: do not edit, run\n"
    "# `ninja -C BUILD patch-vocab` instead. A test fails when this file and\n"
    "# the registry disagree. The format is described in "
    "docs/patch-format.md.\n\n"
    "@prefix ae: <" AETHER_PATCH_NS "> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
    "<" AETHER_PATCH_NS ">\n"
    "\ta owl:Ontology ;\n"
    "\trdfs:label \"Aether\" ;\n"
    "\trdfs:comment \"The vocabulary of Aether patches: a patch is a Turtle "
    "document with one ae:Patch and its nodes node:NAME, where the prefix "
    "node: is <" AETHER_PATCH_NODE_NS ">.\" ;\n"
    "\towl:versionInfo \"");
  patch_buf_put_uint(&b, AETHER_PATCH_FORMAT_VERSION);
  patch_buf_puts(&b, "\" .\n");

  for (uint32_t s = 0; s < N_SECTIONS; ++s) {
    uint32_t n = 0;
    for (uint32_t t = 0; t < v->n_terms; ++t) {
      if (v->terms[t].section == (Section)s) {
        order[n++] = &v->terms[t];
      }
    }
    if (s == SECTION_PROPERTIES || s == SECTION_VALUES) {
      qsort(order, n, sizeof(*order), compare_terms);
    }
    patch_buf_puts(&b, "\n# ");
    patch_buf_puts(&b, headings[s]);
    patch_buf_puts(&b, "\n");
    for (uint32_t i = 0; i < n; ++i) {
      put_term(&b, order[i]);
    }
  }

  free(order);
  if (b.failed) {
    free(b.data);
    return aether_error(v->err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  *text = b.data;
  return AETHER_SUCCESS;
}

AetherStatus
aether_patch_vocabulary(char** const text, AetherError* const err)
{
  Vocab v;
  memset(&v, 0, sizeof(v));
  v.err = err;
  *text = NULL;

  AetherStatus st = add_core(&v);
  for (uint32_t i = 0; !st && i < aether_registry_count(); ++i) {
    const AetherNodeType* const t = aether_registry_get(i);
    const uint32_t              other =
      patch_map_find(&v.index, t->name, strlen(t->name), term_name, &v);
    if (other != PATCH_NONE && v.terms[other].section == SECTION_CLASSES) {
      st = aether_error(err,
                        AETHER_ERR_BAD_ARG,
                        "registry: a node type may not be called %s",
                        t->name);
    } else if (other != PATCH_NONE && (v.terms[other].roles & ROLE_TYPE)) {
      st = aether_error(err,
                        AETHER_ERR_DUPLICATE,
                        "registry: two node types are called %s",
                        t->name);
    } else {
      st = add_type(&v, t);
    }
  }
  if (!st) {
    st = write_vocab(&v, text);
  }

  for (uint32_t t = 0; t < v.n_terms; ++t) {
    free(v.terms[t].comment.data);
  }
  free(v.terms);
  patch_map_destroy(&v.index);
  return st;
}
