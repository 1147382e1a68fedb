/* bench_report.h: the results of `aether bench`: tables of rows, notes and
   targets, with the machine they were measured on, printed as text tables
   or JSON. */

#ifndef AETHER_TOOLS_BENCH_REPORT_H
#define AETHER_TOOLS_BENCH_REPORT_H

#include "bench_core.h"

#include <stdbool.h>
#include <stdint.h>

#define MAX_COLS 16U
#define MAX_ROWS 40U
#define MAX_TABLES 12U
#define MAX_TARGETS 16U

typedef enum { VAL_STAT, VAL_NUM, VAL_TEXT } ValKind;

/** One cell: a statistic, a number or text. */
typedef struct {
  const char* key;  /**< JSON key and column heading */
  ValKind     kind; /**< which field holds the value */
  int         prec; /**< decimals in the table */
  Stat        stat;
  double      num;
  char        text[72];
} Val;

/** One line of a table: its cells, in column order. */
typedef struct {
  Val      vals[MAX_COLS];
  uint32_t n_vals;
} Row;

/** One table: a JSON array of rows, and a note that says what they are. */
typedef struct {
  const char* key;   /**< JSON key */
  const char* title; /**< heading in the text output */
  char        note[2048];
  Row         rows[MAX_ROWS];
  uint32_t    n_rows;
} Table;

/** A figure with a limit it should stay under. */
typedef struct {
  const char* name;  /**< what is measured (or a short key) */
  const char* label; /**< what a short key measures, or NULL */
  const char* unit;  /**< of limit and value */
  double      limit; /**< met when value <= limit */
  double      value; /**< NAN: not measured */
} Target;

/** A run of the bench: its options, results and machine. */
typedef struct {
  Options  opt;
  Table    tables[MAX_TABLES];
  uint32_t n_tables;
  Target   targets[MAX_TARGETS];
  uint32_t n_targets;
  double   overhead_ns_per_node;    /**< 1000-node chain, above its kernel */
  double   chain_1000_us_per_block; /**< 1000-node chain through the engine */
  char     cpu[128];
  char     caches[128];
  char     kernel[128];
  char     load[2][64]; /**< load average at the start and the end */
  char     faust[64];   /**< faust version of the references, "": none */
  double   load1;       /**< 1-minute load average at the start */
  uint32_t cores;
  bool     failed; /**< a measurement could not be set up */
} Bench;

/** A new table (the last one again once there are MAX_TABLES). */
Table*
bench_table(Bench* b, const char* key, const char* title);

/** Add a target: `value` measured against `limit`. */
void
bench_target(Bench*      b,
             const char* name,
             const char* unit,
             double      limit,
             double      value);

/** Add a target with a short key as its name (e.g. synth32_vs_faust) and
    a label saying what it measures. `value` NAN: not measured (null). */
void
bench_target_key(Bench*      b,
                 const char* key,
                 const char* label,
                 const char* unit,
                 double      limit,
                 double      value);

/** Append printf-formatted text to the table's note. */
void
table_note(Table* t, const char* fmt, ...);

/** A new row (beyond MAX_ROWS, a scratch row that is not kept). */
Row*
table_row(Table* t);

/** Add a text cell, printf-formatted. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void
row_text(Row* r, const char* key, const char* fmt, ...);

/** Add a number cell with `prec` decimals in the table. */
void
row_num(Row* r, const char* key, double x, int prec);

/** Add a statistic cell: median ±half the interquartile range in the
    table, every figure in JSON. */
void
row_stat(Row* r, const char* key, Stat s, int prec);

/** Print the machine, the settings, every table and the targets. */
void
print_text(const Bench* b);

/** Print everything as one JSON object. */
void
print_json(const Bench* b);

#endif /* AETHER_TOOLS_BENCH_REPORT_H */
