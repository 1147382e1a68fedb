/* Aether: a Turtle document as statements with places, read with serd.

   serd 0.30 gives statements no position, so the reader feeds serd one byte
   at a time and knows where serd is when a statement arrives: just after its
   object. The object's own text is found right before that point, and the
   predicate's before it, so every statement has the line and column where
   its property and its value start. Strings are interned: a document of
   10000 nodes repeats a few dozen property names. */

#include "statements.h"

#include "patch_impl.h"

#include <serd/serd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The base of relative IRIs (<> is the patch) unless the text sets @base:
   outside urn:aether:, so no relative IRI can name a term. */
#define DOCUMENT_BASE "file:///patch.ttl"

/* Most statements in one document: far above what MAX_NODES nodes need,
   and a bound on memory for hostile input. */
#define MAX_STATEMENTS (1U << 20U)

typedef struct {
  const char*      text;     /**< the document */
  size_t           len;      /**< its length */
  size_t           fed;      /**< bytes given to serd */
  const char*      file;     /**< for messages, or NULL */
  AetherError*     err;      /**< the caller's */
  AetherStatus     st;       /**< first error, kept in err */
  size_t           cur_off;  /**< a position cursor, mostly moving forward */
  uint32_t         cur_line; /**< its line */
  uint32_t         cur_col;  /**< its column */
  SerdEnv*         env;      /**< prefixes and base */
  PatchStatements* doc;      /**< what is read */
} Reader;

/* Positions */

static AetherPatchPos
pos_at(Reader* const r, size_t offset)
{
  if (offset > r->len) {
    offset = r->len;
  }
  if (offset < r->cur_off) { /* rare: step back, recount the column */
    while (r->cur_off > offset) {
      r->cur_line -= r->text[--r->cur_off] == '\n';
    }
    size_t start = offset;
    while (start > 0 && r->text[start - 1U] != '\n') {
      --start;
    }
    r->cur_col = 1;
    for (size_t i = start; i < offset; ++i) {
      r->cur_col += ((uint8_t)r->text[i] & 0xC0U) != 0x80U;
    }
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
        const size_t dn  = datatype->n_bytes;
        const bool   iri = datatype->type == SERD_URI;
        const size_t tn  = dn + (iri ? 2U : 0U);
        if (!text_is(r, e - (iri ? 1U : 0U), (const char*)datatype->buf, dn) ||
            (iri &&
             (!text_is(r, e, ">", 1) || !text_is(r, e - 1U - dn, "<", 1))) ||
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
  const size_t end = r->fed;
  const size_t n   = node->n_bytes;
  const size_t low = end > 65536U ? end - 65536U : 0U;
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
  r->st                    = patch_error(
    r->err, AETHER_ERR_SYNTAX, r->file, pos, "syntax error: %s", msg);
  return SERD_SUCCESS;
}

/* The string pool */

static const char*
pool_key(const void* const ctx, const uint32_t offset)
{
  return ((const PatchStatements*)ctx)->pool + offset;
}

static const char*
subject_key(const void* const ctx, const uint32_t i)
{
  const PatchStatements* const doc = (const PatchStatements*)ctx;
  return doc->pool + doc->subjects[i].key;
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

  uint32_t off = patch_map_find(&r->doc->strings, key, len, pool_key, r->doc);
  if (off == PATCH_NONE) {
    if (r->doc->pool_len + len + 1U > r->doc->pool_cap) {
      size_t cap = r->doc->pool_cap ? r->doc->pool_cap : 4096U;
      while (cap < r->doc->pool_len + len + 1U) {
        cap *= 2U;
      }
      char* const pool =
        cap < UINT32_MAX ? (char*)realloc(r->doc->pool, cap) : NULL;
      if (!pool) {
        goto done;
      }
      r->doc->pool     = pool;
      r->doc->pool_cap = cap;
    }
    memcpy(r->doc->pool + r->doc->pool_len, key, len + 1U);
    if (patch_map_insert(
          &r->doc->strings, key, len, (uint32_t)r->doc->pool_len)) {
      goto done;
    }
    off = (uint32_t)r->doc->pool_len;
    r->doc->pool_len += len + 1U;
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
      fail(r,
           patch_error(r->err,
                       AETHER_ERR_SYNTAX,
                       r->file,
                       node_pos(r, &curie),
                       "syntax error: undefined prefix \"%s\" (add "
                       "@prefix for it)",
                       patch_quote(q, buf, n)));
      return PATCH_NONE;
    }
    off = intern(r,
                 (const char*)prefix.buf,
                 prefix.len,
                 (const char*)suffix.buf,
                 suffix.len);
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
on_prefix(void* const           handle,
          const SerdNode* const name,
          const SerdNode* const uri)
{
  Reader* const r = (Reader*)handle;
  return serd_env_set_prefix(r->env, name, uri);
}

static uint32_t
subject_index(Reader* const r, const uint32_t key)
{
  const char* const k   = r->doc->pool + key;
  const size_t      len = strlen(k);
  uint32_t s = patch_map_find(&r->doc->by_key, k, len, subject_key, r->doc);
  if (s != PATCH_NONE) {
    return s;
  }

  if (r->doc->n_subjects == r->doc->cap_subjects) {
    const uint32_t cap = r->doc->cap_subjects ? r->doc->cap_subjects * 2U : 64U;
    PatchSubject* const subs = (PatchSubject*)realloc(
      r->doc->subjects, (size_t)cap * sizeof(PatchSubject));
    if (!subs) {
      return PATCH_NONE;
    }
    r->doc->subjects     = subs;
    r->doc->cap_subjects = cap;
  }
  s = r->doc->n_subjects;
  if (patch_map_insert(&r->doc->by_key, k, len, s)) {
    return PATCH_NONE;
  }
  const PatchSubject sub = { key, PATCH_NONE, PATCH_NONE, false };
  r->doc->subjects[r->doc->n_subjects++] = sub;
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
  if (r->doc->n_stmts >= MAX_STATEMENTS) {
    return fail(r,
                patch_error(r->err,
                            AETHER_ERR_FULL,
                            r->file,
                            pos_at(r, object_start(r, object, datatype, lang)),
                            "too many statements (at most %u)",
                            MAX_STATEMENTS));
  }

  /* Positions in increasing order: the cursor only moves forward. */
  PatchStatement st;
  const size_t   start = object_start(r, object, datatype, lang);
  st.ppos              = pos_at(r, predicate_start(r, start, predicate));
  st.pos               = pos_at(r, start);
  st.next              = PATCH_NONE;
  st.datatype          = PATCH_NONE;
  st.lang              = lang && lang->n_bytes;
  st.kind              = object->type == SERD_LITERAL ? PATCH_OBJ_LITERAL
                         : object->type == SERD_BLANK ? PATCH_OBJ_BLANK
                                                      : PATCH_OBJ_IRI;

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
                 : fail(r,
                        aether_error(
                          r->err, AETHER_ERR_NO_MEMORY, "out of memory"));
  }
  if (r->doc->n_stmts == r->doc->cap_stmts) {
    const uint32_t cap = r->doc->cap_stmts ? r->doc->cap_stmts * 2U : 256U;
    PatchStatement* const stmts = (PatchStatement*)realloc(
      r->doc->stmts, (size_t)cap * sizeof(PatchStatement));
    if (!stmts) {
      return fail(r,
                  aether_error(r->err, AETHER_ERR_NO_MEMORY, "out of memory"));
    }
    r->doc->stmts     = stmts;
    r->doc->cap_stmts = cap;
  }

  const uint32_t      i   = r->doc->n_stmts++;
  PatchSubject* const sub = &r->doc->subjects[st.subject];
  r->doc->stmts[i]        = st;
  if (sub->last == PATCH_NONE) {
    sub->first = i;
  } else {
    r->doc->stmts[sub->last].next = i;
  }
  sub->last = i;
  return SERD_SUCCESS;
}

static size_t
source_read(void* const  buf,
            const size_t size,
            const size_t nmemb,
            void* const  stream)
{
  Reader* const r = (Reader*)stream;
  size_t        n = size * nmemb;
  if (n > r->len - r->fed) {
    n = r->len - r->fed;
  }
  if (n) {
    memcpy(buf, r->text + r->fed, n);
    r->fed += n;
  }
  return size ? n / size : 0;
}

static int
source_error(void* const stream)
{
  (void)stream;
  return 0;
}

/* Reading */

uint32_t
patch_statements_subject(const PatchStatements* const doc,
                         const char* const            key)
{
  return patch_map_find(&doc->by_key, key, strlen(key), subject_key, doc);
}

void
patch_statements_destroy(PatchStatements* const doc)
{
  patch_map_destroy(&doc->strings);
  patch_map_destroy(&doc->by_key);
  free(doc->pool);
  free(doc->stmts);
  free(doc->subjects);
  memset(doc, 0, sizeof(*doc));
}

AetherStatus
patch_statements_read(PatchStatements* const doc,
                      const char* const      text,
                      const size_t           len,
                      const char* const      file,
                      AetherError* const     err)
{
  Reader r;
  memset(&r, 0, sizeof(r));
  memset(doc, 0, sizeof(*doc));
  r.text     = text;
  r.len      = len;
  r.file     = file;
  r.err      = err;
  r.cur_line = 1;
  r.cur_col  = 1;
  r.doc      = doc;

  const SerdNode base =
    serd_node_from_string(SERD_URI, (const uint8_t*)DOCUMENT_BASE);
  SerdReader* const reader = serd_reader_new(
    SERD_TURTLE, &r, NULL, on_base, on_prefix, on_statement, NULL);
  AetherStatus st = AETHER_SUCCESS;
  if (!reader || !(r.env = serd_env_new(&base))) {
    st = aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  } else {
    serd_reader_set_strict(reader, true);
    serd_reader_set_error_sink(reader, on_error, &r);
    const SerdStatus sst =
      serd_reader_read_source(reader,
                              source_read,
                              source_error,
                              &r,
                              (const uint8_t*)(file ? file : "patch"),
                              1);
    if (r.st) {
      st = r.st;
    } else if (sst > SERD_FAILURE) {
      st = patch_error(err,
                       AETHER_ERR_SYNTAX,
                       file,
                       pos_at(&r, r.fed ? r.fed - 1U : 0U),
                       "syntax error: %s",
                       (const char*)serd_strerror(sst));
    }
  }
  serd_reader_free(reader);
  serd_env_free(r.env);
  return st;
}
