/* Aether: numbers in patches. Reading and writing are locale-independent
   (a host may have set a locale with a decimal comma), and the writer checks
   every number with the reader's own function, so any float round-trips
   exactly by construction. */

#include "patch_impl.h"

#include <serd/serd.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool
is_digit(const char c)
{
  return c >= '0' && c <= '9';
}

/* Check the Turtle grammar of INTEGER, DECIMAL and DOUBLE. */
static bool
is_numeric_lexical(const char* s)
{
  if (*s == '+' || *s == '-') {
    ++s;
  }

  size_t int_digits = 0;
  while (is_digit(*s)) {
    ++s;
    ++int_digits;
  }

  size_t frac_digits = 0;
  if (*s == '.') {
    ++s;
    while (is_digit(*s)) {
      ++s;
      ++frac_digits;
    }
  }
  if (!int_digits && !frac_digits) {
    return false;
  }

  if (*s == 'e' || *s == 'E') {
    ++s;
    if (*s == '+' || *s == '-') {
      ++s;
    }
    if (!is_digit(*s)) {
      return false;
    }
    while (is_digit(*s)) {
      ++s;
    }
  }
  return !*s;
}

bool
patch_parse_number(const char* const str, double* const value)
{
  if (!is_numeric_lexical(str)) {
    return false;
  }
  *value = serd_strtod(str, NULL);
  return true;
}

static float
read_back(const char* const str)
{
  double d = 0.0;
  patch_parse_number(str, &d);
  return (float)d;
}

/* Write the `n` significant `digits` of 0.d1d2... * 10^(exp10 + 1) in
   positional notation. */
static void
positional(char* const       buf,
           const bool        negative,
           const char* const digits,
           const int         n,
           const int         exp10)
{
  char* p = buf;
  if (negative) {
    *p++ = '-';
  }

  if (exp10 >= n - 1) { /* a whole number */
    memcpy(p, digits, (size_t)n);
    p += n;
    for (int i = 0; i < exp10 - (n - 1); ++i) {
      *p++ = '0';
    }
  } else if (exp10 >= 0) { /* digits, point, digits */
    memcpy(p, digits, (size_t)exp10 + 1U);
    p += exp10 + 1;
    *p++ = '.';
    memcpy(p, digits + exp10 + 1, (size_t)(n - exp10 - 1));
    p += n - exp10 - 1;
  } else { /* 0.000digits */
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -exp10 - 1; ++i) {
      *p++ = '0';
    }
    memcpy(p, digits, (size_t)n);
    p += n;
  }
  *p = '\0';
}

void
patch_format_float(char* const buf, const float value)
{
  if (value == 0.0f || !isfinite(value)) {
    memcpy(buf, "0", 2);
    return;
  }

  /* The fewest significant digits that read back as the same float. 17
     digits are the exact double, which always does. */
  for (int precision = 1; precision <= 17; ++precision) {
    char sci[48];
    snprintf(sci, sizeof(sci), "%.*e", precision - 1, (double)value);

    /* Take the digits and the exponent, skipping whatever the locale uses
       as a decimal point. */
    char        digits[24];
    int         n        = 0;
    const char* s        = sci;
    const bool  negative = *s == '-';
    if (negative) {
      ++s;
    }
    for (; *s && *s != 'e' && *s != 'E'; ++s) {
      if (is_digit(*s) && n < (int)sizeof(digits)) {
        digits[n++] = *s;
      }
    }
    int exp10 = 0;
    if (*s) {
      sscanf(s + 1, "%d", &exp10);
    }
    while (n > 1 && digits[n - 1] == '0') {
      --n; /* 1.0e+01 is 1e+01 */
    }

    positional(buf, negative, digits, n, exp10);
    if (read_back(buf) == value) {
      return;
    }
  }
}
