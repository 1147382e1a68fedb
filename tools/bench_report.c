/* bench_report.c: the results of `aether bench`: tables filled by the
   sections, printed as text tables or JSON (see bench_report.h). */

#include "bench_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static Row dummy_row; /* absorbs rows beyond MAX_ROWS */

/* Busy: more runnable work than 3/4 of the cores, other than us. */
static bool
bench_busy(const Bench* const b)
{
  return b->load1 > 0.75 * (double)b->cores + 1.0;
}

Table*
bench_table(Bench* const b, const char* const key, const char* const title)
{
  Table* const t =
    &b->tables[b->n_tables < MAX_TABLES ? b->n_tables++ : MAX_TABLES - 1U];
  t->key   = key;
  t->title = title;
  return t;
}

void
table_note(Table* const t, const char* const fmt, ...)
{
  const size_t used = strlen(t->note);
  va_list      args;
  va_start(args, fmt);
  vsnprintf(t->note + used, sizeof(t->note) - used, fmt, args);
  va_end(args);
}

Row*
table_row(Table* const t)
{
  if (t->n_rows == MAX_ROWS) {
    memset(&dummy_row, 0, sizeof(dummy_row));
    return &dummy_row;
  }
  return &t->rows[t->n_rows++];
}

static Val*
row_val(Row* const r, const char* const key, const ValKind kind, const int prec)
{
  Val* const v = &r->vals[r->n_vals < MAX_COLS ? r->n_vals++ : MAX_COLS - 1U];
  memset(v, 0, sizeof(*v));
  v->key  = key;
  v->kind = kind;
  v->prec = prec;
  return v;
}

void
row_text(Row* const r, const char* const key, const char* const fmt, ...)
{
  Val* const v = row_val(r, key, VAL_TEXT, 0);
  va_list    args;
  va_start(args, fmt);
  vsnprintf(v->text, sizeof(v->text), fmt, args);
  va_end(args);
}

void
row_num(Row* const r, const char* const key, const double x, const int prec)
{
  row_val(r, key, VAL_NUM, prec)->num = x;
}

void
row_stat(Row* const r, const char* const key, const Stat s, const int prec)
{
  row_val(r, key, VAL_STAT, prec)->stat = s;
}

void
bench_target(Bench* const      b,
             const char* const name,
             const char* const unit,
             const double      limit,
             const double      value)
{
  bench_target_key(b, name, NULL, unit, limit, value);
}

void
bench_target_key(Bench* const      b,
                 const char* const key,
                 const char* const label,
                 const char* const unit,
                 const double      limit,
                 const double      value)
{
  if (b->n_targets < MAX_TARGETS) {
    b->targets[b->n_targets++] = (Target){ key, label, unit, limit, value };
  }
}

/* ------------------------------------------------------------------------
   Output
   ------------------------------------------------------------------------ */

static void
format_val(const Val* const v, char* const buf, const size_t size)
{
  switch (v->kind) {
    case VAL_STAT:
      if (!isfinite(v->stat.median)) {
        snprintf(buf, size, "-");
      } else {
        snprintf(buf,
                 size,
                 "%.*f ±%.*f",
                 v->prec,
                 v->stat.median,
                 v->prec,
                 (v->stat.q3 - v->stat.q1) / 2.0);
      }
      break;
    case VAL_NUM:
      if (!isfinite(v->num)) {
        snprintf(buf, size, "-");
      } else {
        snprintf(buf, size, "%.*f", v->prec, v->num);
      }
      break;
    case VAL_TEXT:
      snprintf(buf, size, "%.*s", (int)sizeof(v->text), v->text);
      break;
  }
}

/* Display width of UTF-8 text (the ± sign is two bytes). */
static size_t
text_width(const char* const s)
{
  size_t w = 0;
  for (const char* c = s; *c; ++c) {
    w += ((unsigned char)*c & 0xC0U) != 0x80U;
  }
  return w;
}

static void
print_wrapped(const char* const text, const size_t width)
{
  const char* s = text;
  while (*s) {
    size_t len = strlen(s);
    if (len > width) {
      len = width;
      while (len && s[len] != ' ') {
        --len;
      }
      if (!len) {
        len = width;
      }
    }
    printf("  %.*s\n", (int)len, s);
    s += len;
    while (*s == ' ') {
      ++s;
    }
  }
}

static const Val*
row_find(const Row* const r, const char* const key)
{
  for (uint32_t c = 0; c < r->n_vals; ++c) {
    if (!strcmp(r->vals[c].key, key)) {
      return &r->vals[c];
    }
  }
  return NULL;
}

/* Columns: every key of every row, in order of first appearance. */
static uint32_t
table_columns(const Table* const t, const char** const keys)
{
  uint32_t n = 0;
  for (uint32_t r = 0; r < t->n_rows; ++r) {
    for (uint32_t c = 0; c < t->rows[r].n_vals; ++c) {
      const char* const key  = t->rows[r].vals[c].key;
      bool              seen = false;
      for (uint32_t k = 0; k < n && !seen; ++k) {
        seen = !strcmp(keys[k], key);
      }
      if (!seen && n < MAX_COLS) {
        keys[n++] = key;
      }
    }
  }
  return n;
}

static void
print_table(const Table* const t)
{
  const char*    keys[MAX_COLS];
  size_t         width[MAX_COLS];
  char           cell[96];
  const uint32_t n_cols = table_columns(t, keys);

  printf("\n%s\n", t->title);
  for (uint32_t c = 0; c < n_cols; ++c) {
    width[c] = strlen(keys[c]);
    for (uint32_t r = 0; r < t->n_rows; ++r) {
      const Val* const v = row_find(&t->rows[r], keys[c]);
      if (v) {
        format_val(v, cell, sizeof(cell));
        width[c] = text_width(cell) > width[c] ? text_width(cell) : width[c];
      }
    }
  }
  for (uint32_t c = 0; c < n_cols; ++c) {
    printf("  %*s", (int)width[c], keys[c]);
  }
  printf("\n");
  for (uint32_t r = 0; r < t->n_rows; ++r) {
    for (uint32_t c = 0; c < n_cols; ++c) {
      const Val* const v = row_find(&t->rows[r], keys[c]);
      snprintf(cell, sizeof(cell), "-");
      if (v) {
        format_val(v, cell, sizeof(cell));
      }
      printf("  %*s%s", (int)(width[c] - text_width(cell)), "", cell);
    }
    printf("\n");
  }
  if (t->note[0]) {
    print_wrapped(t->note, 76U);
  }
}

void
print_text(const Bench* const b)
{
  printf("Aether bench: %s; %u cores; %s; Linux %s\n",
         b->cpu,
         b->cores,
         b->caches,
         b->kernel);
  printf("Load average %s at the start, %s at the end; clock: %s\n",
         b->load[0],
         b->load[1],
         b->opt.cpu_time ? "thread CPU time" : "monotonic (wall)");
  if (bench_busy(b) && !b->opt.cpu_time) {
    printf("Warning: the machine is busy: wall-clock figures include the "
           "time other processes\ntake the core; --cpu-time counts this "
           "thread's time only.\n");
  }
  if (b->faust[0]) {
    printf("Outside references: Faust %s\n", b->faust);
  } else {
    printf("faust not installed: outside references skipped\n");
  }
  printf("%u repetitions of %.1f ms per figure; median ±half the "
         "interquartile range; 64-frame block at 48 kHz = %.0f ns deadline\n",
         b->opt.reps,
         b->opt.sample_ns * 1e-6,
         DEADLINE_NS);
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    print_table(&b->tables[i]);
  }
  if (b->n_targets) {
    printf("\nTargets\n");
    for (uint32_t i = 0; i < b->n_targets; ++i) {
      const Target* const g = &b->targets[i];
      char                what[160];
      if (g->label) {
        snprintf(what, sizeof(what), "%s [%s]", g->label, g->name);
      } else {
        snprintf(what, sizeof(what), "%s", g->name);
      }
      printf("  %-66s %10.3f %-2s (at most %g): %s\n",
             what,
             g->value,
             g->unit,
             g->limit,
             !isfinite(g->value)    ? "not measured"
             : g->value <= g->limit ? "met"
                                    : "MISSED");
    }
  }
}

static void
json_string(const char* const s)
{
  putchar('"');
  for (const char* c = s; *c; ++c) {
    if (*c == '"' || *c == '\\') {
      printf("\\%c", *c);
    } else if ((unsigned char)*c < 0x20U) {
      printf("\\u%04x", (unsigned)(unsigned char)*c);
    } else {
      putchar(*c);
    }
  }
  putchar('"');
}

static void
json_number(const double x)
{
  if (isfinite(x)) {
    printf("%.6g", x);
  } else {
    printf("null");
  }
}

static void
json_stat(const Stat* const s)
{
  printf("{\"median\": ");
  json_number(s->median);
  printf(", \"q1\": ");
  json_number(s->q1);
  printf(", \"q3\": ");
  json_number(s->q3);
  printf(", \"min\": ");
  json_number(s->min);
  printf(", \"max\": ");
  json_number(s->max);
  printf("}");
}

void
print_json(const Bench* const b)
{
  printf("{\n  \"machine\": {\"cpu\": ");
  json_string(b->cpu);
  printf(", \"cores\": %u, \"caches\": ", b->cores);
  json_string(b->caches);
  printf(", \"kernel\": ");
  json_string(b->kernel);
  printf(", \"load_start\": ");
  json_string(b->load[0]);
  printf(", \"load_end\": ");
  json_string(b->load[1]);
  printf(", \"busy\": %s", bench_busy(b) ? "true" : "false");
  printf(
    "},\n  \"settings\": {\"reps\": %u, \"clock\": \"%s\", \"sample_ms\": ",
    b->opt.reps,
    b->opt.cpu_time ? "thread_cputime" : "monotonic");
  json_number(b->opt.sample_ns * 1e-6);
  printf(", \"quick\": %s, \"block\": %u, \"rate\": %g},\n",
         b->opt.quick ? "true" : "false",
         BLOCK,
         RATE);
  printf("  \"faust\": ");
  if (b->faust[0]) {
    json_string(b->faust);
  } else {
    printf("null");
  }
  printf(",\n  \"deadline_ns\": ");
  json_number(DEADLINE_NS);
  printf(",\n  \"overhead_ns_per_node\": ");
  json_number(b->overhead_ns_per_node);
  printf(",\n  \"chain_1000_us_per_block\": ");
  json_number(b->chain_1000_us_per_block);
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    const Table* const t = &b->tables[i];
    printf(",\n  ");
    json_string(t->key);
    printf(": [");
    for (uint32_t r = 0; r < t->n_rows; ++r) {
      const Row* const row = &t->rows[r];
      printf("%s\n    {", r ? "," : "");
      for (uint32_t c = 0; c < row->n_vals; ++c) {
        const Val* const v = &row->vals[c];
        printf("%s", c ? ", " : "");
        json_string(v->key);
        printf(": ");
        if (v->kind == VAL_STAT) {
          json_stat(&v->stat);
        } else if (v->kind == VAL_NUM) {
          json_number(v->num);
        } else {
          json_string(v->text);
        }
      }
      printf("}");
    }
    printf("%s]", t->n_rows ? "\n  " : "");
  }
  printf(",\n  \"notes\": {");
  for (uint32_t i = 0; i < b->n_tables; ++i) {
    printf("%s\n    ", i ? "," : "");
    json_string(b->tables[i].key);
    printf(": ");
    json_string(b->tables[i].note);
  }
  printf("\n  },\n  \"targets\": [");
  for (uint32_t i = 0; i < b->n_targets; ++i) {
    const Target* const g = &b->targets[i];
    printf("%s\n    {\"name\": ", i ? "," : "");
    json_string(g->name);
    if (g->label) {
      printf(", \"label\": ");
      json_string(g->label);
    }
    printf(", \"unit\": ");
    json_string(g->unit);
    printf(", \"limit\": ");
    json_number(g->limit);
    printf(", \"value\": ");
    json_number(g->value);
    printf(", \"met\": %s}",
           !isfinite(g->value)    ? "null"
           : g->value <= g->limit ? "true"
                                  : "false");
  }
  printf("%s]\n}\n", b->n_targets ? "\n  " : "");
}
