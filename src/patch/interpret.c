/* Aether: the meaning of a patch document: its statements (already read,
   grouped by subject) become the patch's voice count, nodes, parameters,
   inputs, and macro and MIDI controller mappings. Whatever uses the
   urn:aether: vocabulary must make sense; statements of other vocabularies
   are left alone. */

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
  if (node.layout_set && node.layout_set != AETHER_PATCH_XY) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_ARG,
                       r->file,
                       decl->pos,
                       "node \"%s\" (%s): ae:%s without ae:%s (a position "
                       "needs both)",
                       node.name,
                       node.type->name,
                       node.layout_set == AETHER_PATCH_X ? "x" : "y",
                       node.layout_set == AETHER_PATCH_X ? "y" : "x");
  }
  return aether_patch_add_node(patch, &node, r->err);
}

/* Mappings whose ae:min or ae:max is not given take the parameter's range
   once every node is known. */
typedef struct {
  bool has_min;
  bool has_max;
} RangeGiven;

typedef struct {
  RangeGiven macros[AETHER_MAX_MACRO_MAPS];
  RangeGiven controllers[AETHER_MAX_CC_MAPS];
} MappingRanges;

/* The properties of a mapping, as bits; a macro is named by ae:index, a
   controller by ae:cc and ae:channel, and both have the rest. */
enum {
  MAP_INDEX   = 1U << 0U,
  MAP_CC      = 1U << 1U,
  MAP_CHANNEL = 1U << 2U,
  MAP_NODE    = 1U << 3U,
  MAP_PARAM   = 1U << 4U,
  MAP_MIN     = 1U << 5U,
  MAP_MAX     = 1U << 6U,
  MAP_CURVE   = 1U << 7U,
};

static const char* const map_props[] = { "index", "cc",  "channel", "node",
                                         "param", "min", "max",     "curve" };

#define N_MAP_PROPS (sizeof(map_props) / sizeof(map_props[0]))

/* What tells one kind of mapping from the other. */
typedef struct {
  const char* what;     /**< "macro mapping", for messages */
  const char* bare;     /**< the message when it is not a [ ... ] */
  const char* listed;   /**< its properties, for messages */
  const char* needed;   /**< its required properties, for messages */
  uint32_t    allowed;  /**< its properties */
  uint32_t    required; /**< those it needs */
} MappingKind;

static const MappingKind macro_kind = {
  "macro mapping",
  "ae:macro needs a description [ ae:index ... ]",
  "ae:index, ae:node, ae:param, ae:min, ae:max, ae:curve",
  "ae:index, ae:node and ae:param",
  MAP_INDEX | MAP_NODE | MAP_PARAM | MAP_MIN | MAP_MAX | MAP_CURVE,
  MAP_INDEX | MAP_NODE | MAP_PARAM,
};

static const MappingKind controller_kind = {
  "controller mapping",
  "ae:controller needs a description [ ae:cc ... ]",
  "ae:cc, ae:channel, ae:node, ae:param, ae:min, ae:max, ae:curve",
  "ae:cc, ae:node and ae:param",
  MAP_CC | MAP_CHANNEL | MAP_NODE | MAP_PARAM | MAP_MIN | MAP_MAX | MAP_CURVE,
  MAP_CC | MAP_NODE | MAP_PARAM,
};

/* A mapping of either kind as read: `number` is the macro (0 .. 7) or the
   controller, `channel` the controller's channel. */
typedef struct {
  uint32_t       number;
  uint32_t       channel;
  char           node[AETHER_MAX_NAME];
  char           param[AETHER_MAX_NAME];
  float          min;
  float          max;
  AetherCurve    curve;
  AetherPatchPos pos;
  uint32_t       seen; /**< MAP_* bits given */
} Mapping;

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

/* A whole number from `lo` to `hi`. */
static bool
whole_in(const double d, const double lo, const double hi)
{
  return d >= lo && d <= hi && d == (double)(uint32_t)d;
}

/* The name of an ae: IRI or of a plain string naming one (ae:param and
   ae:curve take both), or NULL. */
static const char*
ae_name(const Interp* const r, const PatchStatement* const st)
{
  const char* const obj = str(r, st->obj);
  if (st->kind == PATCH_OBJ_BLANK) {
    return NULL;
  }
  if (st->kind == PATCH_OBJ_IRI) {
    return in_ns(obj) ? obj + NS_LEN : NULL;
  }
  return obj;
}

/* One property `bit` of a mapping from statement `st`. */
static AetherStatus
read_mapping_property(Interp* const               r,
                      const MappingKind* const    kind,
                      const PatchStatement* const st,
                      const uint32_t              bit,
                      Mapping* const              map)
{
  const char* const pred = str(r, st->pred) + NS_LEN;
  const char* const obj  = str(r, st->obj);
  const char* const name = ae_name(r, st);
  char              what[48];
  char              v[PATCH_DESCRIBE_SIZE];
  double            d  = 0.0;
  AetherStatus      rc = AETHER_SUCCESS;
  snprintf(what, sizeof(what), "%s: ae:%s", kind->what, pred);

  switch (bit) {
    case MAP_INDEX:
      if ((rc = number_value(r, st, what, &d))) {
        return rc;
      }
      if (!whole_in(d, 1.0, AETHER_N_MACROS)) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "macro mapping: ae:index %g is not a macro (1 to "
                           "%u)",
                           d,
                           (unsigned)AETHER_N_MACROS);
      }
      map->number = (uint32_t)d - 1U;
      return AETHER_SUCCESS;
    case MAP_CC:
      if ((rc = number_value(r, st, what, &d))) {
        return rc;
      }
      if (!whole_in(d, 0.0, 127.0)) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "controller mapping: ae:cc %g is not a controller "
                           "(0 to 127)",
                           d);
      }
      map->number = (uint32_t)d;
      return AETHER_SUCCESS;
    case MAP_CHANNEL:
      if ((rc = number_value(r, st, what, &d))) {
        return rc;
      }
      if (!whole_in(d, 0.0, 16.0)) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "controller mapping: ae:channel %g is not a channel "
                           "(1 to 16, or 0 for every channel)",
                           d);
      }
      map->channel = (uint32_t)d;
      return AETHER_SUCCESS;
    case MAP_NODE:
      if (st->kind != PATCH_OBJ_IRI || !is_node_iri(obj) ||
          !patch_valid_name(obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN))) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "%s: ae:node needs a node (node:NAME), not %s",
                           kind->what,
                           describe_object(r, st, v));
      }
      memcpy(map->node, obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN) + 1U);
      return AETHER_SUCCESS;
    case MAP_PARAM:
      if (!name || strlen(name) >= AETHER_MAX_NAME) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "%s: ae:param needs a parameter (ae:NAME), not %s",
                           kind->what,
                           describe_object(r, st, v));
      }
      memcpy(map->param, name, strlen(name) + 1U);
      return AETHER_SUCCESS;
    case MAP_MIN:
    case MAP_MAX:
      if ((rc = number_value(r, st, what, &d))) {
        return rc;
      }
      *(bit == MAP_MIN ? &map->min : &map->max) = (float)d;
      return AETHER_SUCCESS;
    default:
      if (!name || !patch_curve_find(name, strlen(name), &map->curve)) {
        return patch_error(r->err,
                           AETHER_ERR_BAD_VALUE,
                           r->file,
                           st->pos,
                           "%s: unknown curve %s (ae:linear, ae:exponential, "
                           "ae:square)",
                           kind->what,
                           describe_object(r, st, v));
      }
      return AETHER_SUCCESS;
  }
}

/* The description [ ... ] that `ref` (an ae:macro or ae:controller of the
   patch) refers to. */
static AetherStatus
read_mapping(Interp* const               r,
             const MappingKind* const    kind,
             const PatchStatement* const ref,
             Mapping* const              map)
{
  char q[PATCH_QUOTE_SIZE];
  if (ref->kind != PATCH_OBJ_BLANK) {
    return patch_error(
      r->err, AETHER_ERR_BAD_VALUE, r->file, ref->pos, "%s", kind->bare);
  }

  const char* const key = str(r, ref->obj);
  const uint32_t    s   = patch_statements_subject(r->doc, key);
  memset(map, 0, sizeof(*map));
  map->pos   = ref->pos;
  map->curve = AETHER_CURVE_LINEAR;

  for (uint32_t i = s == PATCH_NONE ? PATCH_NONE : r->doc->subjects[s].first;
       i != PATCH_NONE;
       i = r->doc->stmts[i].next) {
    const PatchStatement* const st   = &r->doc->stmts[i];
    const char* const           pred = str(r, st->pred);
    if (!in_ns(pred)) {
      continue;
    }

    uint32_t bit = 0;
    for (uint32_t p = 0; p < N_MAP_PROPS; ++p) {
      if (!strcmp(pred + NS_LEN, map_props[p])) {
        bit = (1U << p) & kind->allowed;
      }
    }
    if (!bit) {
      return patch_error(r->err,
                         AETHER_ERR_BAD_PARAM,
                         r->file,
                         st->ppos,
                         "%s: unknown property ae:%s (%s)",
                         kind->what,
                         patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)),
                         kind->listed);
    }
    if (map->seen & bit) {
      return patch_error(r->err,
                         AETHER_ERR_DUPLICATE,
                         r->file,
                         st->ppos,
                         "%s: ae:%s is given twice",
                         kind->what,
                         pred + NS_LEN);
    }
    map->seen |= bit;

    const AetherStatus rc = read_mapping_property(r, kind, st, bit, map);
    if (rc) {
      return rc;
    }
  }

  if ((map->seen & kind->required) != kind->required) {
    return patch_error(r->err,
                       AETHER_ERR_BAD_ARG,
                       r->file,
                       ref->pos,
                       "%s needs %s",
                       kind->what,
                       kind->needed);
  }
  if (s != PATCH_NONE) {
    r->doc->subjects[s].used = true;
  }
  return AETHER_SUCCESS;
}

static AetherStatus
read_macro(Interp* const               r,
           AetherPatch* const          patch,
           const PatchStatement* const ref,
           MappingRanges* const        ranges)
{
  Mapping      map;
  AetherStatus st = read_mapping(r, &macro_kind, ref, &map);
  if (st) {
    return st;
  }

  AetherPatchMacro mac;
  memset(&mac, 0, sizeof(mac));
  mac.macro = map.number;
  memcpy(mac.node, map.node, sizeof(mac.node));
  memcpy(mac.param, map.param, sizeof(mac.param));
  mac.min   = map.min;
  mac.max   = map.max;
  mac.curve = map.curve;
  mac.pos   = map.pos;
  if (!(st = aether_patch_add_macro(patch, &mac, r->err))) {
    RangeGiven* const given = &ranges->macros[patch->n_macros - 1U];
    given->has_min          = map.seen & MAP_MIN;
    given->has_max          = map.seen & MAP_MAX;
  }
  return st;
}

static AetherStatus
read_controller(Interp* const               r,
                AetherPatch* const          patch,
                const PatchStatement* const ref,
                MappingRanges* const        ranges)
{
  Mapping      map;
  AetherStatus st = read_mapping(r, &controller_kind, ref, &map);
  if (st) {
    return st;
  }

  AetherPatchController ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.cc      = map.number;
  ctl.channel = map.channel;
  memcpy(ctl.node, map.node, sizeof(ctl.node));
  memcpy(ctl.param, map.param, sizeof(ctl.param));
  ctl.min   = map.min;
  ctl.max   = map.max;
  ctl.curve = map.curve;
  ctl.pos   = map.pos;
  if (!(st = aether_patch_add_controller(patch, &ctl, r->err))) {
    RangeGiven* const given = &ranges->controllers[patch->n_controllers - 1U];
    given->has_min          = map.seen & MAP_MIN;
    given->has_max          = map.seen & MAP_MAX;
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
           MappingRanges* const ranges)
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
      if ((rc = read_macro(r, patch, st, ranges))) {
        return rc;
      }
    } else if (!strcmp(pred + NS_LEN, "controller")) {
      if ((rc = read_controller(r, patch, st, ranges))) {
        return rc;
      }
    } else {
      return patch_error(r->err,
                         AETHER_ERR_BAD_PARAM,
                         r->file,
                         st->ppos,
                         "the patch: unknown property ae:%s (ae:formatVersion, "
                         "ae:voices, ae:macro, ae:controller)",
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
                         "a mapping of the patch (ae:macro [ ... ] or "
                         "ae:controller [ ... ])");
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

/* The parameter's lowest or highest value where a mapping of `node`'s
   `param` gives no ae:min or ae:max. */
static void
fill_range(const AetherPatch* const patch,
           const char* const        node_name,
           const char* const        param,
           const RangeGiven* const  given,
           float* const             min,
           float* const             max)
{
  const AetherPatchNode* const node = aether_patch_find(patch, node_name);
  const int p = node ? aether_node_type_param_index(node->type, param) : -1;
  if (p >= 0) {
    if (!given->has_min) {
      *min = node->type->params[p].min;
    }
    if (!given->has_max) {
      *max = node->type->params[p].max;
    }
  }
}

static void
fill_ranges(AetherPatch* const patch, const MappingRanges* const ranges)
{
  for (uint32_t m = 0; m < patch->n_macros; ++m) {
    AetherPatchMacro* const mac = &patch->macros[m];
    fill_range(
      patch, mac->node, mac->param, &ranges->macros[m], &mac->min, &mac->max);
  }
  for (uint32_t c = 0; c < patch->n_controllers; ++c) {
    AetherPatchController* const ctl = &patch->controllers[c];
    fill_range(patch,
               ctl->node,
               ctl->param,
               &ranges->controllers[c],
               &ctl->min,
               &ctl->max);
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

  MappingRanges ranges;
  AetherStatus  st = AETHER_SUCCESS;
  memset(&ranges, 0, sizeof(ranges));
  if (patch_subject != PATCH_NONE &&
      (st = read_patch(r, patch, patch_subject, &ranges))) {
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

  fill_ranges(patch, &ranges);
  return AETHER_SUCCESS;
}
