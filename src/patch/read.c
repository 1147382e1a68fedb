/* Aether: reading a patch: serd turns Turtle into statements, which are
   collected (interned, grouped by subject, each with its place in the text)
   and then interpreted into a description, which is validated whole.

   serd 0.30 gives statements no position, so the reader feeds serd one byte
   at a time and knows where serd is when a statement arrives: just after its
   object. The object's own text is found right before that point, so every
   statement has the line and column where its value starts. */

#include "patch_impl.h"

#include <serd/serd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NS_LEN (sizeof(AETHER_PATCH_NS) - 1U)
#define NODE_NS_LEN (sizeof(AETHER_PATCH_NODE_NS) - 1U)

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_XSD "http://www.w3.org/2001/XMLSchema#"
#define RDF_TYPE NS_RDF "type"

/* The base of relative IRIs (<> is the patch) unless the text sets @base:
   outside urn:aether:, so no relative IRI can name a term. */
#define DOCUMENT_BASE "file:///patch.ttl"

/* Most statements in one document: far above what MAX_NODES nodes need,
   and a bound on memory for hostile input. */
#define MAX_STATEMENTS (1U << 20U)

typedef enum { OBJ_IRI, OBJ_BLANK, OBJ_LITERAL } ObjectKind;

typedef struct {
  uint32_t       subject;  /**< index into subjects */
  uint32_t       pred;     /**< pool offset: expanded IRI */
  uint32_t       obj;      /**< pool offset: IRI, "_:id" or lexical form */
  uint32_t       datatype; /**< pool offset of a literal's datatype or NONE */
  uint32_t       next;     /**< next statement of the same subject or NONE */
  uint8_t        kind;     /**< ObjectKind */
  uint8_t        lang;     /**< literal with a language tag */
  AetherPatchPos pos;      /**< where the object starts */
  AetherPatchPos ppos;     /**< where the predicate starts */
} Statement;

typedef struct {
  uint32_t key;   /**< pool offset: IRI or "_:id" */
  uint32_t first; /**< first statement */
  uint32_t last;  /**< last statement */
  bool     used;  /**< a macro description that ae:macro refers to */
} Subject;

typedef struct {
  const char*  text; /**< the document */
  size_t       len;  /**< its length */
  size_t       fed;  /**< bytes given to serd */
  const char*  file; /**< for messages, or NULL */
  AetherError* err;  /**< the caller's */
  AetherStatus st;   /**< first error, kept in err */

  size_t   cur_off;  /**< a position cursor moving forward */
  uint32_t cur_line; /**< its line */
  uint32_t cur_col;  /**< its column */

  SerdEnv*   env;
  char*      pool; /**< interned strings, each terminated */
  size_t     pool_len;
  size_t     pool_cap;
  PatchMap   strings;  /**< pool offset of each string */
  PatchMap   by_key;   /**< subject key -> subject index */
  Statement* stmts;
  uint32_t   n_stmts;
  uint32_t   cap_stmts;
  Subject*   subjects;
  uint32_t   n_subjects;
  uint32_t   cap_subjects;
} Reader;

/* Positions */

static AetherPatchPos
pos_at(Reader* const r, size_t offset)
{
  if (offset > r->len) {
    offset = r->len;
  }
  if (offset < r->cur_off) { /* rare: start over */
    r->cur_off  = 0;
    r->cur_line = 1;
    r->cur_col  = 1;
  }
  while (r->cur_off < offset) {
    const uint8_t c = (uint8_t)r->text[r->cur_off++];
    if (c == '\n') {
      ++r->cur_line;
      r->cur_col = 1;
    } else if ((c & 0xC0U) != 0x80U) {
      ++r->cur_col; /* count characters, not UTF-8 continuation bytes */
    }
  }
  const AetherPatchPos pos = { r->cur_line, r->cur_col };
  return pos;
}

static bool
text_is(const Reader* const r,
        const size_t        end,
        const char* const   str,
        const size_t        len)
{
  return end >= len && end <= r->len && !memcmp(r->text + end - len, str, len);
}

/* Where a quoted literal with the value `buf` (`n` bytes) ends at `end`. */
static bool
quoted_start(const Reader* const r,
             const size_t        end,
             const char* const   buf,
             const size_t        n,
             size_t* const       start)
{
  if (end < n + 2U || end > r->len) {
    return false;
  }
  const char q = r->text[end - 1U];
  if ((q != '"' && q != '\'') || r->text[end - n - 2U] != q ||
      !text_is(r, end - 1U, buf, n)) {
    return false;
  }
  *start = end - n - 2U;
  return true;
}

/* Where the text of `node` starts, given that it ends at `end`. A literal
   may be a bare number or boolean, or quoted with a datatype or language. */
static bool
token_start(const Reader* const   r,
            const size_t          end,
            const SerdNode* const node,
            const SerdNode* const datatype,
            const SerdNode* const lang,
            size_t* const         start)
{
  const char* const buf = (const char*)node->buf;
  const size_t      n   = node->n_bytes;

  switch (node->type) {
    case SERD_URI:
      if (text_is(r, end, ">", 1) && text_is(r, end - 1U, buf, n) &&
          text_is(r, end - 1U - n, "<", 1)) {
        *start = end - n - 2U;
        return true;
      }
      return false;
    case SERD_LITERAL: {
      if (text_is(r, end, buf, n)) { /* a number or boolean */
        *start = end - n;
        return true;
      }
      size_t e = end; /* the end of the quoted part */
      if (lang && lang->buf) {
        const size_t ln = lang->n_bytes;
        if (!text_is(r, e, (const char*)lang->buf, ln) ||
            !text_is(r, e - ln, "@", 1)) {
          return false;
        }
        e -= ln + 1U;
      } else if (datatype && datatype->buf) {
        const size_t dn = datatype->n_bytes;
        const bool   iri = datatype->type == SERD_URI;
        const size_t tn  = dn + (iri ? 2U : 0U);
        if (!text_is(r, e - (iri ? 1U : 0U), (const char*)datatype->buf, dn) ||
            (iri && (!text_is(r, e, ">", 1) || !text_is(r, e - 1U - dn, "<", 1))) ||
            !text_is(r, e - tn, "^^", 2)) {
          return false;
        }
        e -= tn + 2U;
      }
      return quoted_start(r, e, buf, n, start);
    }
    case SERD_BLANK:
      for (size_t i = end; i > 0; --i) { /* back to "[" over white space */
        const char c = r->text[i - 1U];
        if (c == '[') {
          *start = i - 1U;
          return true;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          break;
        }
      }
      return false;
    default:
      if (text_is(r, end, buf, n)) {
        *start = end - n;
        return true;
      }
      return false;
  }
}

/* Where the object of the statement serd has just read starts. serd has
   fed itself one byte past the object (or reached the end). */
static size_t
object_start(const Reader* const   r,
             const SerdNode* const object,
             const SerdNode* const datatype,
             const SerdNode* const lang)
{
  const size_t peek  = r->fed ? r->fed - 1U : 0U;
  size_t       start = peek;
  if (!token_start(r, peek, object, datatype, lang, &start) &&
      !token_start(r, r->fed, object, datatype, lang, &start) &&
      !(peek && token_start(r, peek - 1U, object, datatype, lang, &start))) {
    start = peek; /* unusual spelling: the end of the value */
  }
  return start;
}

/* Where the predicate before the object at `object` starts: right before
   it across white space, else (comments between, "a") the object's place. */
static size_t
predicate_start(const Reader* const   r,
                const size_t          object,
                const SerdNode* const predicate)
{
  size_t end = object;
  while (end > 0 && (r->text[end - 1U] == ' ' || r->text[end - 1U] == '\t' ||
                     r->text[end - 1U] == '\n' || r->text[end - 1U] == '\r')) {
    --end;
  }
  size_t start = object;
  return token_start(r, end, predicate, NULL, NULL, &start) ? start : object;
}

/* Where the text of `node` last occurs before serd's place (a subject or
   predicate with an error), else serd's place. Only for messages. */
static AetherPatchPos
node_pos(Reader* const r, const SerdNode* const node)
{
  const size_t end  = r->fed;
  const size_t n    = node->n_bytes;
  const size_t low  = end > 65536U ? end - 65536U : 0U;
  for (size_t i = end >= n ? end - n + 1U : 0U; n && i-- > low;) {
    if (!memcmp(r->text + i, node->buf, n)) {
      return pos_at(r, i);
    }
  }
  return pos_at(r, r->fed ? r->fed - 1U : 0U);
}

/* Errors */

static SerdStatus
fail(Reader* const r, const AetherStatus st)
{
  if (!r->st) {
    r->st = st;
  }
  return SERD_ERR_UNKNOWN;
}

static SerdStatus
on_error(void* const handle, const SerdError* const error)
{
  Reader* const r = (Reader*)handle;
  if (r->st) {
    return SERD_SUCCESS; /* keep the first error */
  }

  char    msg[256];
  va_list args;
  va_copy(args, *error->args);
  vsnprintf(msg, sizeof(msg), error->fmt, args);
  va_end(args);
  size_t len = strlen(msg);
  while (len && (msg[len - 1U] == '\n' || msg[len - 1U] == '\r')) {
    msg[--len] = '\0';
  }

  const AetherPatchPos pos = pos_at(r, r->fed ? r->fed - 1U : 0U);
  r->st = patch_error(r->err, AETHER_ERR_SYNTAX, r->file, pos,
                      "syntax error: %s", msg);
  return SERD_SUCCESS;
}

/* The string pool */

static const char*
pool_key(const void* const ctx, const uint32_t offset)
{
  return ((const Reader*)ctx)->pool + offset;
}

static const char*
subject_key(const void* const ctx, const uint32_t i)
{
  const Reader* const r = (const Reader*)ctx;
  return r->pool + r->subjects[i].key;
}

/* Intern the concatenation of `a` and `b`: its pool offset, or NONE. */
static uint32_t
intern(Reader* const     r,
       const char* const a,
       const size_t      na,
       const char* const b,
       const size_t      nb)
{
  const size_t len = na + nb;
  char         small[256];
  char*        key = small;
  if (len >= sizeof(small) && !(key = (char*)malloc(len + 1U))) {
    return PATCH_NONE;
  }
  memcpy(key, a, na);
  if (nb) {
    memcpy(key + na, b, nb);
  }
  key[len] = '\0';

  uint32_t off = patch_map_find(&r->strings, key, len, pool_key, r);
  if (off == PATCH_NONE) {
    if (r->pool_len + len + 1U > r->pool_cap) {
      size_t cap = r->pool_cap ? r->pool_cap : 4096U;
      while (cap < r->pool_len + len + 1U) {
        cap *= 2U;
      }
      char* const pool = cap < UINT32_MAX ? (char*)realloc(r->pool, cap) : NULL;
      if (!pool) {
        goto done;
      }
      r->pool     = pool;
      r->pool_cap = cap;
    }
    memcpy(r->pool + r->pool_len, key, len + 1U);
    if (patch_map_insert(&r->strings, key, len, (uint32_t)r->pool_len)) {
      goto done;
    }
    off = (uint32_t)r->pool_len;
    r->pool_len += len + 1U;
  }

done:
  if (key != small) {
    free(key);
  }
  return off;
}

/* Intern the full form of an IRI, prefixed name or blank node. Sets r->st
   on error (undefined prefix, out of memory). */
static uint32_t
intern_node(Reader* const r, const SerdNode* const node)
{
  const char* const buf = (const char*)node->buf;
  uint32_t          off = PATCH_NONE;

  if (node->type == SERD_BLANK) {
    off = intern(r, "_:", 2, buf, node->n_bytes);
  } else if (node->type == SERD_CURIE) {
    /* serd 0.30 keeps the "." that ends a statement in a prefixed name
       right before it ("node:osc1."); no prefixed name ends with ".". */
    SerdNode curie = *node;
    if (curie.n_bytes && buf[curie.n_bytes - 1U] == '.') {
      --curie.n_bytes;
    }
    SerdChunk prefix = { NULL, 0 };
    SerdChunk suffix = { NULL, 0 };
    if (serd_env_expand(r->env, &curie, &prefix, &suffix)) {
      char              q[PATCH_QUOTE_SIZE];
      const char* const colon = (const char*)memchr(buf, ':', curie.n_bytes);
      const size_t      n = colon ? (size_t)(colon - buf) + 1U : curie.n_bytes;
      fail(r, patch_error(r->err, AETHER_ERR_SYNTAX, r->file,
                          node_pos(r, &curie),
                          "syntax error: undefined prefix \"%s\" (add "
                          "@prefix for it)",
                          patch_quote(q, buf, n)));
      return PATCH_NONE;
    }
    off = intern(r, (const char*)prefix.buf, prefix.len,
                 (const char*)suffix.buf, suffix.len);
  } else if (serd_uri_string_has_scheme(node->buf)) {
    off = intern(r, buf, node->n_bytes, "", 0);
  } else {
    SerdNode full = serd_env_expand_node(r->env, node);
    if (full.buf) {
      off = intern(r, (const char*)full.buf, full.n_bytes, "", 0);
      serd_node_free(&full);
    } else {
      off = intern(r, buf, node->n_bytes, "", 0);
    }
  }

  if (off == PATCH_NONE) {
    fail(r, aether_error(r->err, AETHER_ERR_NO_MEMORY, "out of memory"));
  }
  return off;
}

/* serd sinks */

static SerdStatus
on_base(void* const handle, const SerdNode* const uri)
{
  Reader* const r = (Reader*)handle;
  return serd_env_set_base_uri(r->env, uri);
}

static SerdStatus
on_prefix(void* const handle, const SerdNode* const name,
          const SerdNode* const uri)
{
  Reader* const r = (Reader*)handle;
  return serd_env_set_prefix(r->env, name, uri);
}

static uint32_t
subject_index(Reader* const r, const uint32_t key)
{
  const char* const k   = r->pool + key;
  const size_t      len = strlen(k);
  uint32_t          s   = patch_map_find(&r->by_key, k, len, subject_key, r);
  if (s != PATCH_NONE) {
    return s;
  }

  if (r->n_subjects == r->cap_subjects) {
    const uint32_t cap  = r->cap_subjects ? r->cap_subjects * 2U : 64U;
    Subject* const subs =
      (Subject*)realloc(r->subjects, (size_t)cap * sizeof(Subject));
    if (!subs) {
      return PATCH_NONE;
    }
    r->subjects     = subs;
    r->cap_subjects = cap;
  }
  s = r->n_subjects;
  if (patch_map_insert(&r->by_key, k, len, s)) {
    return PATCH_NONE;
  }
  const Subject sub = { key, PATCH_NONE, PATCH_NONE, false };
  r->subjects[r->n_subjects++] = sub;
  return s;
}

static SerdStatus
on_statement(void* const              handle,
             const SerdStatementFlags flags,
             const SerdNode* const    graph,
             const SerdNode* const    subject,
             const SerdNode* const    predicate,
             const SerdNode* const    object,
             const SerdNode* const    datatype,
             const SerdNode* const    lang)
{
  (void)flags;
  (void)graph;
  Reader* const r = (Reader*)handle;
  if (r->st) {
    return SERD_ERR_UNKNOWN;
  }
  if (r->n_stmts >= MAX_STATEMENTS) {
    return fail(r, patch_error(r->err, AETHER_ERR_FULL, r->file,
                               pos_at(r, object_start(r, object, datatype,
                                                      lang)),
                               "too many statements (at most %u)",
                               MAX_STATEMENTS));
  }

  /* Positions in increasing order: the cursor only moves forward. */
  Statement    st;
  const size_t start = object_start(r, object, datatype, lang);
  st.ppos            = pos_at(r, predicate_start(r, start, predicate));
  st.pos             = pos_at(r, start);
  st.next     = PATCH_NONE;
  st.datatype = PATCH_NONE;
  st.lang     = lang && lang->n_bytes;
  st.kind     = object->type == SERD_LITERAL ? OBJ_LITERAL
                : object->type == SERD_BLANK ? OBJ_BLANK
                                             : OBJ_IRI;

  const uint32_t key = intern_node(r, subject);
  if (key == PATCH_NONE ||
      (st.pred = intern_node(r, predicate)) == PATCH_NONE ||
      (st.obj = object->type == SERD_LITERAL
                  ? intern(r, (const char*)object->buf, object->n_bytes, "", 0)
                  : intern_node(r, object)) == PATCH_NONE ||
      (datatype && datatype->buf &&
       (st.datatype = intern_node(r, datatype)) == PATCH_NONE) ||
      (st.subject = subject_index(r, key)) == PATCH_NONE) {
    /* An undefined prefix has been reported; else out of memory. */
    return r->st ? SERD_ERR_UNKNOWN
                 : fail(r, aether_error(r->err, AETHER_ERR_NO_MEMORY,
                                        "out of memory"));
  }
  if (r->n_stmts == r->cap_stmts) {
    const uint32_t   cap = r->cap_stmts ? r->cap_stmts * 2U : 256U;
    Statement* const stmts =
      (Statement*)realloc(r->stmts, (size_t)cap * sizeof(Statement));
    if (!stmts) {
      return fail(r,
                  aether_error(r->err, AETHER_ERR_NO_MEMORY, "out of memory"));
    }
    r->stmts     = stmts;
    r->cap_stmts = cap;
  }

  const uint32_t i   = r->n_stmts++;
  Subject* const sub = &r->subjects[st.subject];
  r->stmts[i]        = st;
  if (sub->last == PATCH_NONE) {
    sub->first = i;
  } else {
    r->stmts[sub->last].next = i;
  }
  sub->last = i;
  return SERD_SUCCESS;
}

static size_t
source_read(void* const buf, const size_t size, const size_t nmemb,
            void* const stream)
{
  Reader* const r = (Reader*)stream;
  size_t        n = size * nmemb;
  if (n > r->len - r->fed) {
    n = r->len - r->fed;
  }
  memcpy(buf, r->text + r->fed, n);
  r->fed += n;
  return size ? n / size : 0;
}

static int
source_error(void* const stream)
{
  (void)stream;
  return 0;
}

/* Interpretation */

static const char*
str(const Reader* const r, const uint32_t offset)
{
  return r->pool + offset;
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
is_type(const Reader* const r, const Statement* const st)
{
  return !strcmp(str(r, st->pred), RDF_TYPE) && st->kind == OBJ_IRI;
}

static bool
is_patch_type(const Reader* const r, const Statement* const st)
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
object_value(Reader* const          r,
             const Statement* const st,
             const char* const      what,
             AetherPatchValue* const value)
{
  const char* const obj = str(r, st->obj);
  const char* const dt  = st->datatype == PATCH_NONE ? NULL : str(r, st->datatype);
  char              q[PATCH_QUOTE_SIZE];

  value->number = 0.0;
  value->string = obj;
  if (st->kind == OBJ_IRI) {
    value->kind = AETHER_PATCH_IRI;
    return AETHER_SUCCESS;
  }
  if (st->kind == OBJ_BLANK) {
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                       "%s: a blank node is not a value", what);
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
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                       "%s: \"%s\" is not a boolean", what,
                       patch_quote(q, obj, strlen(obj)));
  }
  if (!is_numeric_type(dt)) {
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                       "%s: unsupported datatype <%s> (use a plain number)",
                       what, patch_quote(q, dt, strlen(dt)));
  }
  if (!patch_parse_number(obj, &value->number)) {
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                       "%s: \"%s\" is not a number", what,
                       patch_quote(q, obj, strlen(obj)));
  }
  return AETHER_SUCCESS;
}

/* The object of `st` as written, for messages. */
static const char*
describe_object(const Reader* const    r,
                const Statement* const st,
                char* const            buf)
{
  const AetherPatchValue value = {
    st->kind == OBJ_IRI ? AETHER_PATCH_IRI : AETHER_PATCH_STRING, 0.0,
    str(r, st->obj)
  };
  if (st->kind == OBJ_BLANK) {
    memcpy(buf, "[ ]", 4);
    return buf;
  }
  return patch_describe(buf, PATCH_DESCRIBE_SIZE, &value);
}

static AetherStatus
read_node(Reader* const r, AetherPatch* const patch, const uint32_t s)
{
  const Subject* const sub  = &r->subjects[s];
  const char* const    name = str(r, sub->key) + NODE_NS_LEN;
  const Statement*     decl = NULL;

  /* The type first: it says which properties are parameters and inputs. */
  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->stmts[i].next) {
    const Statement* const st = &r->stmts[i];
    if (!is_type(r, st) || !in_ns(str(r, st->obj))) {
      continue;
    }
    if (decl) {
      return patch_error(r->err, AETHER_ERR_DUPLICATE, r->file, st->pos,
                         "duplicate node \"%s\" (first declared at %u:%u)",
                         name, decl->pos.line, decl->pos.col);
    }
    decl = st;
  }
  if (!decl) {
    char q[PATCH_QUOTE_SIZE];
    return patch_error(r->err, AETHER_ERR_UNKNOWN_TYPE, r->file,
                       r->stmts[sub->first].pos,
                       "node \"%s\" has no type (add: a ae:TypeName)",
                       patch_quote(q, name, strlen(name)));
  }

  AetherPatchNode node;
  AetherStatus    st = patch_node_init_at(&node, name, strlen(name),
                                          str(r, decl->obj), r->file,
                                          decl->pos, r->err);
  if (st) {
    return st;
  }

  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->stmts[i].next) {
    const Statement* const s2   = &r->stmts[i];
    const char* const      pred = str(r, s2->pred);
    if (is_type(r, s2) || !in_ns(pred)) {
      continue; /* other vocabularies (rdfs:comment...) are left alone */
    }

    char what[AETHER_MAX_NAME * 2 + 32];
    char q[PATCH_QUOTE_SIZE];
    snprintf(what, sizeof(what), "node \"%s\" (%s): ae:%s", node.name,
             node.type->name, patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));

    AetherPatchValue value;
    if ((st = object_value(r, s2, what, &value)) ||
        (st = patch_node_set_at(&node, pred, &value, r->file, s2->ppos,
                                s2->pos, r->err))) {
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
macro_number(Reader* const          r,
             const Statement* const st,
             const char* const      what,
             double* const          number)
{
  AetherPatchValue value;
  AetherStatus     s = object_value(r, st, what, &value);
  if (s) {
    return s;
  }
  if (value.kind != AETHER_PATCH_NUMBER) {
    char v[PATCH_DESCRIBE_SIZE];
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                       "%s needs a number, not %s", what,
                       patch_describe(v, sizeof(v), &value));
  }
  *number = value.number;
  return AETHER_SUCCESS;
}

static AetherStatus
read_macro(Reader* const          r,
           AetherPatch* const     patch,
           const Statement* const ref,
           MacroDefaults* const   defaults)
{
  char q[PATCH_QUOTE_SIZE];
  if (ref->kind != OBJ_BLANK) {
    return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, ref->pos,
                       "ae:macro needs a description [ ae:index ... ]");
  }

  const char* const key = str(r, ref->obj);
  const uint32_t    s   = patch_map_find(&r->by_key, key, strlen(key),
                                         subject_key, r);
  AetherPatchMacro  mac;
  memset(&mac, 0, sizeof(mac));
  mac.pos   = ref->pos;
  mac.curve = AETHER_CURVE_LINEAR;

  uint32_t seen = 0;
  enum { INDEX = 1, NODE = 2, PARAM = 4, MIN = 8, MAX = 16, CURVE = 32 };
  static const char* const props[] = { "index", "node", "param",
                                       "min",   "max",  "curve" };

  for (uint32_t i = s == PATCH_NONE ? PATCH_NONE : r->subjects[s].first;
       i != PATCH_NONE;
       i = r->stmts[i].next) {
    const Statement* const st   = &r->stmts[i];
    const char* const      pred = str(r, st->pred);
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
      return patch_error(r->err, AETHER_ERR_BAD_PARAM, r->file, st->ppos,
                         "macro mapping: unknown property ae:%s (ae:index, "
                         "ae:node, ae:param, ae:min, ae:max, ae:curve)",
                         patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));
    }
    if (seen & bit) {
      return patch_error(r->err, AETHER_ERR_DUPLICATE, r->file, st->ppos,
                         "macro mapping: ae:%s is given twice", pred + NS_LEN);
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
        if ((rc = macro_number(r, st, what, &d))) {
          return rc;
        }
        if (d < 1.0 || d > AETHER_N_MACROS || d != (double)(uint32_t)d) {
          return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                             "macro mapping: ae:index %g is not a macro (1 "
                             "to %u)",
                             d, (unsigned)AETHER_N_MACROS);
        }
        mac.macro = (uint32_t)d - 1U;
        break;
      case NODE:
        if (st->kind != OBJ_IRI || !is_node_iri(obj) ||
            !patch_valid_name(obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN))) {
          return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                             "macro mapping: ae:node needs a node (node:NAME), "
                             "not %s",
                             describe_object(r, st, v));
        }
        memcpy(mac.node, obj + NODE_NS_LEN, strlen(obj + NODE_NS_LEN) + 1U);
        break;
      case PARAM: {
        const char* const name =
          st->kind == OBJ_IRI && in_ns(obj) ? obj + NS_LEN : obj;
        if (st->kind == OBJ_BLANK || (st->kind == OBJ_IRI && name == obj) ||
            strlen(name) >= AETHER_MAX_NAME) {
          return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                             "macro mapping: ae:param needs a parameter "
                             "(ae:NAME), not %s",
                             describe_object(r, st, v));
        }
        memcpy(mac.param, name, strlen(name) + 1U);
        break;
      }
      case MIN:
      case MAX:
        if ((rc = macro_number(r, st, what, &d))) {
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
          st->kind == OBJ_IRI && in_ns(obj) ? obj + NS_LEN : obj;
        if (st->kind == OBJ_BLANK || (st->kind == OBJ_IRI && name == obj) ||
            !patch_curve_find(name, strlen(name), &mac.curve)) {
          return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                             "macro mapping: unknown curve %s (ae:linear, "
                             "ae:exponential, ae:square)",
                             describe_object(r, st, v));
        }
      }
    }
  }

  if ((seen & (INDEX | NODE | PARAM)) != (INDEX | NODE | PARAM)) {
    return patch_error(r->err, AETHER_ERR_BAD_ARG, r->file, ref->pos,
                       "macro mapping needs ae:index, ae:node and ae:param");
  }
  if (s != PATCH_NONE) {
    r->subjects[s].used = true;
  }
  const AetherStatus st = aether_patch_add_macro(patch, &mac, r->err);
  if (!st) {
    defaults[patch->n_macros - 1U].has_min = seen & MIN;
    defaults[patch->n_macros - 1U].has_max = seen & MAX;
  }
  return st;
}

static AetherStatus
read_patch(Reader* const r, AetherPatch* const patch, const uint32_t s,
           MacroDefaults* const defaults)
{
  const Statement* version = NULL;
  for (uint32_t i = r->subjects[s].first; i != PATCH_NONE;
       i = r->stmts[i].next) {
    const Statement* const st   = &r->stmts[i];
    const char* const      pred = str(r, st->pred);
    const char* const      obj  = str(r, st->obj);
    AetherStatus           rc   = AETHER_SUCCESS;
    char                   q[PATCH_QUOTE_SIZE];

    if (is_type(r, st)) {
      if (in_ns(obj) && strcmp(obj + NS_LEN, "Patch")) {
        return patch_error(r->err, AETHER_ERR_BAD_VALUE, r->file, st->pos,
                           "the patch cannot also be an ae:%s",
                           patch_quote(q, obj + NS_LEN, strlen(obj + NS_LEN)));
      }
    } else if (!in_ns(pred)) {
      continue;
    } else if (!strcmp(pred + NS_LEN, "formatVersion")) {
      double d = 0.0;
      if (version) {
        return patch_error(r->err, AETHER_ERR_DUPLICATE, r->file, st->ppos,
                           "ae:formatVersion is given twice");
      }
      version = st;
      if ((rc = macro_number(r, st, "ae:formatVersion", &d))) {
        return rc;
      }
      if (d != AETHER_PATCH_FORMAT_VERSION) {
        return patch_error(r->err, AETHER_ERR_UNSUPPORTED, r->file, st->pos,
                           "unsupported ae:formatVersion %g (this version of "
                           "Aether reads %d)",
                           d, AETHER_PATCH_FORMAT_VERSION);
      }
    } else if (!strcmp(pred + NS_LEN, "macro")) {
      if ((rc = read_macro(r, patch, st, defaults))) {
        return rc;
      }
    } else {
      return patch_error(r->err, AETHER_ERR_BAD_PARAM, r->file, st->ppos,
                         "the patch: unknown property ae:%s (ae:formatVersion, "
                         "ae:macro)",
                         patch_quote(q, pred + NS_LEN, strlen(pred + NS_LEN)));
    }
  }
  return AETHER_SUCCESS;
}

/* A subject that is neither the patch nor a node may be anything in other
   vocabularies (an LV2 preset around the patch), but not use ours. */
static AetherStatus
check_other(Reader* const r, const uint32_t s)
{
  const Subject* const sub = &r->subjects[s];
  const char* const    key = str(r, sub->key);
  for (uint32_t i = sub->first; i != PATCH_NONE; i = r->stmts[i].next) {
    const Statement* const st = &r->stmts[i];
    if (!in_ns(str(r, st->pred)) &&
        !(is_type(r, st) && in_ns(str(r, st->obj)))) {
      continue;
    }

    char q[PATCH_QUOTE_SIZE];
    if (key[0] == '_') {
      return patch_error(r->err, AETHER_ERR_BAD_ARG, r->file, st->pos,
                         "a blank node uses the Aether vocabulary but is not "
                         "a macro mapping of the patch (ae:macro [ ... ])");
    }
    if (in_ns(key)) {
      return patch_error(r->err, AETHER_ERR_BAD_ARG, r->file, st->pos,
                         "<%s> is not a node: nodes are node:NAME "
                         "(<" AETHER_PATCH_NODE_NS "NAME>)",
                         patch_quote(q, key, strlen(key)));
    }
    return patch_error(r->err, AETHER_ERR_BAD_ARG, r->file, st->pos,
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
    const int p = node ? aether_node_type_param_index(node->type, mac->param)
                       : -1;
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

static AetherStatus
interpret(Reader* const r, AetherPatch* const patch)
{
  /* The patch resource, and first of all its format version. */
  uint32_t         patch_subject = PATCH_NONE;
  const Statement* patch_decl    = NULL;
  for (uint32_t i = 0; i < r->n_stmts; ++i) {
    const Statement* const st = &r->stmts[i];
    if (!is_patch_type(r, st) || st->subject == patch_subject) {
      continue;
    }
    if (patch_decl) {
      return patch_error(r->err, AETHER_ERR_DUPLICATE, r->file, st->pos,
                         "a second ae:Patch (the first is at %u:%u)",
                         patch_decl->pos.line, patch_decl->pos.col);
    }
    patch_subject = st->subject;
    patch_decl    = st;
  }

  MacroDefaults defaults[AETHER_MAX_MACRO_MAPS];
  AetherStatus  st = AETHER_SUCCESS;
  if (patch_subject != PATCH_NONE &&
      (st = read_patch(r, patch, patch_subject, defaults))) {
    return st;
  }

  for (uint32_t s = 0; s < r->n_subjects; ++s) {
    const char* const key = str(r, r->subjects[s].key);
    if (s != patch_subject && is_node_iri(key)) {
      bool ours = false;
      for (uint32_t i = r->subjects[s].first; i != PATCH_NONE && !ours;
           i = r->stmts[i].next) {
        const Statement* const x = &r->stmts[i];
        ours = in_ns(str(r, x->pred)) || (is_type(r, x) && in_ns(str(r, x->obj)));
      }
      if (ours && (st = read_node(r, patch, s))) {
        return st;
      }
    }
  }

  for (uint32_t s = 0; s < r->n_subjects; ++s) {
    const char* const key = str(r, r->subjects[s].key);
    if (s != patch_subject && !is_node_iri(key) && !r->subjects[s].used &&
        (st = check_other(r, s))) {
      return st;
    }
  }

  fill_macro_defaults(patch, defaults);
  return AETHER_SUCCESS;
}

/* Entry points */

static AetherStatus
check_text(const char* const text, const size_t len, const char* const file,
           AetherError* const err)
{
  if (len > AETHER_PATCH_MAX_SIZE) {
    const AetherPatchPos nowhere = { 0, 0 };
    return patch_error(err, AETHER_ERR_FULL, file, nowhere,
                       "patch too large (%zu bytes, at most %u)", len,
                       AETHER_PATCH_MAX_SIZE);
  }

  const char* const nul = len ? (const char*)memchr(text, '\0', len) : NULL;
  if (nul) {
    AetherPatchPos pos = { 1, 1 };
    for (const char* c = text; c < nul; ++c) {
      if (*c == '\n') {
        ++pos.line;
        pos.col = 1;
      } else if (((uint8_t)*c & 0xC0U) != 0x80U) {
        ++pos.col;
      }
    }
    return patch_error(err, AETHER_ERR_SYNTAX, file, pos,
                       "syntax error: NUL byte in text");
  }
  return AETHER_SUCCESS;
}

static void
reader_destroy(Reader* const r)
{
  serd_env_free(r->env);
  patch_map_destroy(&r->strings);
  patch_map_destroy(&r->by_key);
  free(r->pool);
  free(r->stmts);
  free(r->subjects);
}

AetherStatus
aether_patch_parse(const char* const   text,
                   const size_t        len,
                   const char* const   filename,
                   AetherPatch** const out,
                   AetherError* const  err)
{
  *out            = NULL;
  AetherStatus st = check_text(text, len, filename, err);
  if (st) {
    return st;
  }

  Reader r;
  memset(&r, 0, sizeof(r));
  r.text     = text;
  r.len      = len;
  r.file     = filename;
  r.err      = err;
  r.cur_line = 1;
  r.cur_col  = 1;

  const SerdNode base =
    serd_node_from_string(SERD_URI, (const uint8_t*)DOCUMENT_BASE);
  AetherPatch* const patch  = aether_patch_new();
  SerdReader* const  reader = serd_reader_new(
    SERD_TURTLE, &r, NULL, on_base, on_prefix, on_statement, NULL);
  if (!patch || !reader || !(r.env = serd_env_new(&base)) ||
      patch_set_filename(patch, filename)) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
    goto done;
  }

  serd_reader_set_strict(reader, true);
  serd_reader_set_error_sink(reader, on_error, &r);
  const SerdStatus sst = serd_reader_read_source(
    reader, source_read, source_error, &r,
    (const uint8_t*)(filename ? filename : "patch"), 1);
  if (r.st) {
    st = r.st;
  } else if (sst > SERD_FAILURE) {
    st = patch_error(err, AETHER_ERR_SYNTAX, filename,
                     pos_at(&r, r.fed ? r.fed - 1U : 0U), "syntax error: %s",
                     (const char*)serd_strerror(sst));
  } else if (!(st = interpret(&r, patch))) {
    st = aether_patch_validate(patch, err);
  }

done:
  serd_reader_free(reader);
  reader_destroy(&r);
  if (st) {
    aether_patch_free(patch);
    return st;
  }
  *out = patch;
  return AETHER_SUCCESS;
}

static AetherStatus
file_error(const char* const path, const int code, AetherError* const err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  switch (code) {
    case ENOENT:
      return patch_error(err, AETHER_ERR_NOT_FOUND, path, nowhere,
                         "no such file");
    case EACCES:
      return patch_error(err, AETHER_ERR_IO, path, nowhere,
                         "permission denied");
    case EISDIR:
      return patch_error(err, AETHER_ERR_IO, path, nowhere,
                         "is a directory, not a patch file");
    case ENOTDIR:
      return patch_error(err, AETHER_ERR_NOT_FOUND, path, nowhere,
                         "a parent is not a directory");
    default:
      break;
  }
  return patch_error(err, AETHER_ERR_IO, path, nowhere,
                     "cannot be read (error %d)", code);
}

AetherStatus
aether_patch_read_file(const char* const   path,
                       AetherPatch** const out,
                       AetherError* const  err)
{
  const AetherPatchPos nowhere = { 0, 0 };
  *out                         = NULL;

  FILE* const f = fopen(path, "rb");
  if (!f) {
    return file_error(path, errno, err);
  }

  struct stat info;
  if (fstat(fileno(f), &info)) {
    const int code = errno;
    fclose(f);
    return file_error(path, code, err);
  }
  if (S_ISDIR(info.st_mode)) {
    fclose(f);
    return file_error(path, EISDIR, err);
  }
  if (!S_ISREG(info.st_mode)) {
    fclose(f);
    return patch_error(err, AETHER_ERR_IO, path, nowhere,
                       "not a regular file");
  }
  if (info.st_size > (off_t)AETHER_PATCH_MAX_SIZE) {
    fclose(f);
    return patch_error(err, AETHER_ERR_FULL, path, nowhere,
                       "file too large (%lld bytes, at most %u)",
                       (long long)info.st_size, AETHER_PATCH_MAX_SIZE);
  }

  /* Read one byte more than expected to notice a file that grew. */
  const size_t size = (size_t)info.st_size;
  char* const  text = (char*)malloc(size + 1U);
  if (!text) {
    fclose(f);
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }
  const size_t n    = fread(text, 1, size + 1U, f);
  const int    code = ferror(f) ? errno : 0;
  fclose(f);
  if (code || n > size) {
    free(text);
    return code ? file_error(path, code, err)
                : patch_error(err, AETHER_ERR_IO, path, nowhere,
                              "changed while being read");
  }

  const AetherStatus st = aether_patch_parse(text, n, path, out, err);
  free(text);
  return st;
}
