/* Aether: the meaning of a patch document: its statements (already read,
   grouped by subject) become the patch's voice count, nodes, parameters,
   inputs and macro mappings. Whatever uses the urn:aether: vocabulary must
   make sense; statements of other vocabularies are left alone. */

#include "patch_impl.h"
#include "statements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_LEN (sizeof(AETHER_PATCH_NS) - 1U)
#define NODE_NS_LEN (sizeof(AETHER_PATCH_NODE_NS) - 1U)

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_XSD "http://www.w3.org/2001/XMLSchema#"
#define RDF_TYPE NS_RDF "type"

typedef struct {
  PatchStatements* doc;  /**< the statements */
  const char*      file; /**< for messages, or NULL */
  AetherError*     err;  /**< the caller's */
} Interp;

static const char*
str(const Interp* const r, const uint32_t offset)
{
  return patch_statements_str(r->doc, offset);
}

static bool
in_ns(const char* const iri)
{
  return !strncmp(iri, AETHER_PATCH_NS, NS_LEN);
}

static bool
is_node_iri(const char* const iri)
{
  return !strncmp(iri, AETHER_PATCH_NODE_NS, NODE_NS_LEN);
}

static bool
is_type(const Interp* const r, const PatchStatement* const st)
{
  return !strcmp(str(r, st->pred), RDF_TYPE) && st->kind == PATCH_OBJ_IRI;
}

static bool
is_patch_type(const Interp* const r, const PatchStatement* const st)
{
  return is_type(r, st) && !strcmp(str(r, st->obj), AETHER_PATCH_NS "Patch");
}

static bool
is_numeric_type(const char* const dt)
{
  static const char* const types[] = {
    NS_XSD "integer", NS_XSD "decimal", NS_XSD "double", NS_XSD "float",
    NS_XSD "int",     NS_XSD "long",    NS_XSD "short",  NS_XSD "byte",
  };
  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
    if (!strcmp(dt, types[i])) {
      return true;
    }
  }
  return false;
}

/* Turn the object of `st` into a value; `what` names the property. */
static AetherStatus
object_value(Interp* const               r,
             const PatchStatement* const st,
             const char* const           what,
             AetherPatchValue* const     value)
{
  const char* const obj = str(r, st->obj);
  const char* const dt =
    st->datatype == PATCH_NONE ? NULL : str(r, st->datatype);
  char q[PATCH_QUOTE_SIZE];

  value->number = 0.0;
  value->string = obj;
  if (st->kind == PATCH_OBJ_IRI) {
    value->kind = AETHER_PATCH_IRI;
    return AETHER_SUCCESS;
  }
  if (st->kind == PATCH_OBJ_BLANK) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "%s: a blank node is not a value",
                       what);
  }
  if (st->lang || !dt || !strcmp(dt, NS_XSD "string")) {
    value->kind = AETHER_PATCH_STRING;
    return AETHER_SUCCESS;
  }

  value->kind = AETHER_PATCH_NUMBER;
  if (!strcmp(dt, NS_XSD "boolean")) {
    if (!strcmp(obj, "true") || !strcmp(obj, "1")) {
      value->number = 1.0;
      return AETHER_SUCCESS;
    }
    if (!strcmp(obj, "false") || !strcmp(obj, "0")) {
      return AETHER_SUCCESS;
    }
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "%s: \"%s\" is not a boolean",
                       what,
                       patch_quote(q, obj, strlen(obj)));
  }
  if (!is_numeric_type(dt)) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "%s: unsupported datatype <%s> (use a plain number)",
                       what,
                       patch_quote(q, dt, strlen(dt)));
  }
  if (!patch_parse_number(obj, &value->number)) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "%s: \"%s\" is not a number",
                       what,
                       patch_quote(q, obj, strlen(obj)));
  }
  return AETHER_SUCCESS;
}

/* The object of `st` as written, for messages. */
static const char*
describe_object(const Interp* const         r,
                const PatchStatement* const st,
                char* const                 buf)
{
  const AetherPatchValue value = { st->kind == PATCH_OBJ_IRI
                                     ? AETHER_PATCH_IRI
                                     : AETHER_PATCH_STRING,
                                   0.0,
                                   str(r, st->obj) };
  if (st->kind == PATCH_OBJ_BLANK) {
    memcpy(buf, "[ ]", 4);
    return buf;
  }
  return patch_describe(buf, PATCH_DESCRIBE_SIZE, &value);
}

static AetherStatus
read_node(Interp* const r, AetherPatch* const patch, const uint32_t s)
{
  const PatchSubject* const sub  = &r->doc->subjects[s];
  const char* const         name = str(r, sub->key) + NODE_NS_LEN;
  const PatchStatement*     decl = NULL;

  /* The type first: it says which properties are parameters and inputs. */
  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->doc->stmts[i].next) {
    const PatchStatement* const st = &r->doc->stmts[i];
    if (!is_type(r, st) || !in_ns(str(r, st->obj))) {
      continue;
    }
    if (decl) {
      return patch_error(r->err,
                         AETHER_ERR_DUPLICATE,
                         r->file,
                         st->pos,
                         "duplicate node \"%s\" (first declared at %u:%u)",
                         name,
                         decl->pos.line,
                         decl->pos.col);
    }
    decl = st;
  }
  if (!decl) {
    char q[PATCH_QUOTE_SIZE];
    return patch_error(r->err,
                       AETHER_ERR_UNKNOWN_TYPE,
                       r->file,
                       r->doc->stmts[sub->first].pos,
                       "node \"%s\" has no type (add: a ae:TypeName)",
                       patch_quote(q, name, strlen(name)));
  }

  AetherPatchNode node;
  AetherStatus    st = patch_node_init_at(
    &node, name, strlen(name), str(r, decl->obj), r->file, decl->pos, r->err);
  if (st) {
    return st;
  }

  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->doc->stmts[i].next) {
    const PatchStatement* const s2   = &r->doc->stmts[i];
    const char* const           pred = str(r, s2->pred);
    if (is_type(r, s2) || !in_ns(pred)) {
      continue; /* other vocabularies (rdfs:comment...) are left alone */
    }

    char what[AETHER_MAX_NAME * 2 + 32];
    char q[PATCH_QUOTE_SIZE];
    snprintf(what,
             sizeof(what),
             "node \"%s\" (%s): ae:%s",
             node.name,
             node.type->name,
             patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));

    AetherPatchValue value;
    if ((st = object_value(r, s2, what, &value))) {
      return st;
    }
    st = strcmp(pred + NS_LEN, "poly")
           ? patch_node_set_at(
               &node, pred, &value, r->file, s2->ppos, s2->pos, r->err)
           : patch_node_set_poly_at(
               &node, &value, r->file, s2->ppos, s2->pos, r->err);
    if (st) {
      return st;
    }
  }
  return aether_patch_add_node(patch, &node, r->err);
}

/* Macro mappings whose ae:min or ae:max is not given take the parameter's
   range once every node is known. */
typedef struct {
  bool has_min;
  bool has_max;
} MacroDefaults;

static AetherStatus
number_value(Interp* const               r,
             const PatchStatement* const st,
             const char* const           what,
             double* const               number)
{
  AetherPatchValue value;
  AetherStatus     s = object_value(r, st, what, &value);
  if (s) {
    return s;
  }
  if (value.kind != AETHER_PATCH_NUMBER) {
    char v[PATCH_DESCRIBE_SIZE];
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "%s needs a number, not %s",
                       what,
                       patch_describe(v, sizeof(v), &value));
  }
  *number = value.number;
  return AETHER_SUCCESS;
}

static AetherStatus
read_macro(Interp* const               r,
           AetherPatch* const          patch,
           const PatchStatement* const ref,
           MacroDefaults* const        defaults)
{
  char q[PATCH_QUOTE_SIZE];
  if (ref->kind != PATCH_OBJ_BLANK) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       ref->pos,
                       "ae:macro needs a description [ ae:index ... ]");
  }

  const char* const key = str(r, ref->obj);
  const uint32_t    s   = patch_statements_subject(r->doc, key);
  AetherPatchMacro  mac;
  memset(&mac, 0, sizeof(mac));
  mac.pos   = ref->pos;
  mac.curve = AETHER_CURVE_LINEAR;

  uint32_t seen = 0;
  enum { INDEX = 1, NODE = 2, PARAM = 4, MIN = 8, MAX = 16, CURVE = 32 };
  static const char* const props[] = { "index", "node", "param",
                                       "min",   "max",  "curve" };

  for (uint32_t i = s == PATCH_NONE ? PATCH_NONE : r->doc->subjects[s].first;
       i != PATCH_NONE;
       i = r->doc->stmts[i].next) {
    const PatchStatement* const st   = &r->doc->stmts[i];
    const char* const           pred = str(r, st->pred);
    if (!in_ns(pred)) {
      continue;
    }

    uint32_t bit = 0;
    for (uint32_t p = 0; p < 6U; ++p) {
      if (!strcmp(pred + NS_LEN, props[p])) {
        bit = 1U << p;
      }
    }
    if (!bit) {
      return patch_error(r->err,
                         AETHER_ERR_BAD_PARAM,
                         r->file,
                         st->ppos,
                         "macro mapping: unknown property ae:%s (ae:index, "
                         "ae:node, ae:param, ae:min, ae:max, ae:curve)",
                         patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));
    }
    if (seen & bit) {
      return patch_error(r->err,
                         AETHER_ERR_DUPLICATE,
                         r->file,
                         st->ppos,
                         "macro mapping: ae:%s is given twice",
                         pred + NS_LEN);
    }
    seen |= bit;

    char what[48];
    char v[PATCH_DESCRIBE_SIZE];
    snprintf(what, sizeof(what), "macro mapping: ae:%s", pred + NS_LEN);

    const char* const obj = str(r, st->obj);
    AetherStatus      rc  = AETHER_SUCCESS;
    double            d   = 0.0;
    switch (bit) {
      case INDEX:
        if ((rc = number_value(r, st, what, &d))) {
          return rc;
        }
        if (d < 1.0 || d > AETHER_N_MACROS || d != (double)(uint32_t)d) {
          return patch_error(r->err,
                             AETHER_ERR_BAD_VALUE,
                             r->file,
                             st->pos,
                             "macro mapping: ae:index %g is not a macro (1 "
                             "to %u)",
                             d,
                             (unsigned)AETHER_N_MACROS);
        }
        mac.macro = (uint32_t)d - 1U;
        break;
      case NODE:
        if (st->kind != PATCH_OBJ_IRI || !is_node_iri(obj) ||
            !patch_valid_name(obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN))) {
          return patch_error(r->err,
                             AETHER_ERR_BAD_VALUE,
                             r->file,
                             st->pos,
                             "macro mapping: ae:node needs a node (node:NAME), "
                             "not %s",
                             describe_object(r, st, v));
        }
        memcpy(mac.node, obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN) + 1U);
        break;
      case PARAM: {
        const char* const name =
          st->kind == PATCH_OBJ_IRI && in_ns(obj) ? obj + NS_LEN : obj;
        if (st->kind == PATCH_OBJ_BLANK ||
            (st->kind == PATCH_OBJ_IRI && name == obj) ||
            strlen(name) >= AETHER_MAX_NAME) {
          return patch_error(r->err,
                             AETHER_ERR_BAD_VALUE,
                             r->file,
                             st->pos,
                             "macro mapping: ae:param needs a parameter "
                             "(ae:NAME), not %s",
                             describe_object(r, st, v));
        }
        memcpy(mac.param, name, strlen(name) + 1U);
        break;
      }
      case MIN:
      case MAX:
        if ((rc = number_value(r, st, what, &d))) {
          return rc;
        }
        if (bit == MIN) {
          mac.min = (float)d;
        } else {
          mac.max = (float)d;
        }
        break;
      default: {
        const char* const name =
          st->kind == PATCH_OBJ_IRI && in_ns(obj) ? obj + NS_LEN : obj;
        if (st->kind == PATCH_OBJ_BLANK ||
            (st->kind == PATCH_OBJ_IRI && name == obj) ||
            !patch_curve_find(name, strlen(name), &mac.curve)) {
          return patch_error(r->err,
                             AETHER_ERR_BAD_VALUE,
                             r->file,
                             st->pos,
                             "macro mapping: unknown curve %s (ae:linear, "
                             "ae:exponential, ae:square)",
                             describe_object(r, st, v));
        }
      }
    }
  }

  if ((seen & (INDEX | NODE | PARAM)) != (INDEX | NODE | PARAM)) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_ARG,
                       r->file,
                       ref->pos,
                       "macro mapping needs ae:index, ae:node and ae:param");
  }
  if (s != PATCH_NONE) {
    r->doc->subjects[s].used = true;
  }
  const AetherStatus st = aether_patch_add_macro(patch, &mac, r->err);
  if (!st) {
    defaults[patch->n_macros - 1U].has_min = seen & MIN;
    defaults[patch->n_macros - 1U].has_max = seen & MAX;
  }
  return st;
}

/* `ae:voices`: the number of voices of the per-voice nodes. */
static AetherStatus
read_voices(Interp* const                r,
            AetherPatch* const           patch,
            const PatchStatement* const  st,
            const PatchStatement** const seen)
{
  double       d  = 0.0;
  AetherStatus rc = AETHER_SUCCESS;
  if (*seen) {
    return patch_error(r->err,
                       AETHER_ERR_DUPLICATE,
                       r->file,
                       st->ppos,
                       "ae:voices is given twice");
  }
  *seen = st;
  if ((rc = number_value(r, st, "ae:voices", &d))) {
    return rc;
  }
  if (!(d >= 1.0 && d <= AETHER_MAX_VOICES) || d != (double)(uint32_t)d) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_VALUE,
                       r->file,
                       st->pos,
                       "ae:voices %g is not a whole number from 1 to %u",
                       d,
                       (unsigned)AETHER_MAX_VOICES);
  }
  patch->voices = (uint32_t)d;
  return AETHER_SUCCESS;
}

static AetherStatus
read_patch(Interp* const        r,
           AetherPatch* const   patch,
           const uint32_t       s,
           MacroDefaults* const defaults)
{
  /* The version first: a document of another version is not read on. */
  const PatchStatement* version = NULL;
  for (uint32_t i = r->doc->subjects[s].first; i != PATCH_NONE;
       i          = r->doc->stmts[i].next) {
    const PatchStatement* const st   = &r->doc->stmts[i];
    const char* const           pred = str(r, st->pred);
    AetherStatus                rc   = AETHER_SUCCESS;
    double                      d    = 0.0;
    if (strcmp(pred, AETHER_PATCH_NS "formatVersion")) {
      continue;
    }
    if (version) {
      return patch_error(r->err,
                         AETHER_ERR_DUPLICATE,
                         r->file,
                         st->ppos,
                         "ae:formatVersion is given twice");
    }
    version = st;
    if ((rc = number_value(r, st, "ae:formatVersion", &d))) {
      return rc;
    }
    if (d != AETHER_PATCH_FORMAT_VERSION) {
      return patch_error(r->err,
                         AETHER_ERR_UNSUPPORTED,
                         r->file,
                         st->pos,
                         "unsupported ae:formatVersion %g (this version of "
                         "Aether reads %d)",
                         d,
                         AETHER_PATCH_FORMAT_VERSION);
    }
  }

  const PatchStatement* voices = NULL;
  for (uint32_t i = r->doc->subjects[s].first; i != PATCH_NONE;
       i          = r->doc->stmts[i].next) {
    const PatchStatement* const st   = &r->doc->stmts[i];
    const char* const           pred = str(r, st->pred);
    const char* const           obj  = str(r, st->obj);
    AetherStatus                rc   = AETHER_SUCCESS;
    char                        q[PATCH_QUOTE_SIZE];

    if (is_type(r, st)) {
      if (in_ns(obj) && strcmp(obj + NS_LEN, "Patch")) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "the patch cannot also be an ae:%s",
                           patch_quote(q, obj + NS_LEN, strlen(obj + NS_LEN)));
      }
    } else if (!in_ns(pred)) {
      continue;
    } else if (!strcmp(pred + NS_LEN, "formatVersion")) {
      continue; /* read above */
    } else if (!strcmp(pred + NS_LEN, "voices")) {
      if ((rc = read_voices(r, patch, st, &voices))) {
        return rc;
      }
    } else if (!strcmp(pred + NS_LEN, "macro")) {
      if ((rc = read_macro(r, patch, st, defaults))) {
        return rc;
      }
    } else {
      return patch_error(r->err,
                         AETHER_ERR_BAD_PARAM,
                         r->file,
                         st->ppos,
                         "the patch: unknown property ae:%s (ae:formatVersion, "
                         "ae:voices, ae:macro)",
                         patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));
    }
  }
  return AETHER_SUCCESS;
}

/* A subject that is neither the patch nor a node may be anything in other
   vocabularies (an LV2 preset around the patch), but not use ours. */
static AetherStatus
check_other(Interp* const r, const uint32_t s)
{
  const PatchSubject* const sub = &r->doc->subjects[s];
  const char* const         key = str(r, sub->key);
  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->doc->stmts[i].next) {
    const PatchStatement* const st = &r->doc->stmts[i];
    if (!in_ns(str(r, st->pred)) &&
        !(is_type(r, st) && in_ns(str(r, st->obj)))) {
      continue;
    }

    char q[PATCH_QUOTE_SIZE];
    if (key[0] == '_') {
      return patch_error(r->err,
                         AETHER_ERR_BAD_ARG,
                         r->file,
                         st->pos,
                         "a blank node uses the Aether vocabulary but is not "
                         "a macro mapping of the patch (ae:macro [ ... ])");
    }
    if (in_ns(key)) {
      return patch_error(r->err,
                         AETHER_ERR_BAD_ARG,
                         r->file,
                         st->pos,
                         "<%s> is not a node: nodes are node:NAME "
                         "(<" AETHER_PATCH_NODE_NS "NAME>)",
                         patch_quote(q, key, strlen(key)));
    }
    return patch_error(r->err,
                       AETHER_ERR_BAD_ARG,
                       r->file,
                       st->pos,
                       "<%s> uses the Aether vocabulary but is neither the "
                       "patch (a ae:Patch) nor a node (node:NAME)",
                       patch_quote(q, key, strlen(key)));
  }
  return AETHER_SUCCESS;
}

static void
fill_macro_defaults(AetherPatch* const patch, const MacroDefaults* defaults)
{
  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    AetherPatchMacro* const      mac  = &patch->macros[m];
    const AetherPatchNode* const node = aether_patch_find(patch, mac->node);
    const int                    p =
      node ? aether_node_type_param_index(node->type, mac->param) : -1;
    if (p >= 0) {
      if (!defaults[m].has_min) {
        mac->min = node->type->params[p].min;
      }
      if (!defaults[m].has_max) {
        mac->max = node->type->params[p].max;
      }
    }
  }
}

AetherStatus
patch_interpret(PatchStatements* const doc,
                const char* const      file,
                AetherPatch* const     patch,
                AetherError* const     err)
{
  Interp        interp = { doc, file, err };
  Interp* const r      = &interp;

  /* The patch resource (at most one), read first: its format version says
     how to read the rest. */
  uint32_t              patch_subject = PATCH_NONE;
  const PatchStatement* patch_decl    = NULL;
  for (uint32_t i = 0; i < r->doc->n_stmts; ++i) {
    const PatchStatement* const x = &r->doc->stmts[i];
    if (!is_patch_type(r, x) || x->subject == patch_subject) {
      continue;
    }
    if (patch_decl) {
      return patch_error(r->err,
                         AETHER_ERR_DUPLICATE,
                         r->file,
                         x->pos,
                         "a second ae:Patch (the first is at %u:%u)",
                         patch_decl->pos.line,
                         patch_decl->pos.col);
    }
    patch_subject = x->subject;
    patch_decl    = x;
  }

  MacroDefaults defaults[AETHER_MAX_MACRO_MAPS];
  AetherStatus  st = AETHER_SUCCESS;
  if (patch_subject != PATCH_NONE &&
      (st = read_patch(r, patch, patch_subject, defaults))) {
    return st;
  }

  /* Nodes: subjects node:NAME that use the vocabulary. */
  for (uint32_t s = 0; s < r->doc->n_subjects; ++s) {
    const char* const key = str(r, r->doc->subjects[s].key);
    if (s != patch_subject && is_node_iri(key)) {
      bool ours = false;
      for (uint32_t i = r->doc->subjects[s].first; i != PATCH_NONE && !ours;
           i          = r->doc->stmts[i].next) {
        const PatchStatement* const x = &r->doc->stmts[i];
        ours =
          in_ns(str(r, x->pred)) || (is_type(r, x) && in_ns(str(r, x->obj)));
      }
      if (ours && (st = read_node(r, patch, s))) {
        return st;
      }
    }
  }

  /* Anything else must not use the vocabulary. */
  for (uint32_t s = 0; s < r->doc->n_subjects; ++s) {
    const char* const key = str(r, r->doc->subjects[s].key);
    if (s != patch_subject && !is_node_iri(key) && !r->doc->subjects[s].used &&
        (st = check_other(r, s))) {
      return st;
    }
  }

  fill_macro_defaults(patch, defaults);
  return AETHER_SUCCESS;
}
