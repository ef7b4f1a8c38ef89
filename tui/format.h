/*
 * Numbers for narrow places: chart axes, table columns, status lines.
 * Display only (floats are fine in tui/); pure, no locale: the decimal
 * point is always '.', so golden tests read the same everywhere. Each
 * function works like snprintf: it returns the length of the whole text
 * and writes at most n bytes, NUL included.
 */
#ifndef TUI_FORMAT_H
#define TUI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* sig significant digits (clamped to 1..15), trailing zeros dropped, and a
 * suffix k M G T P E for thousands: 1234 -> "1.23k" (3), 3.4e6 -> "3.4M",
 * 0.0012 -> "0.0012", 1.2e-5 -> "1.2e-5", 2e21 -> "2e21"; NaN "nan",
 * infinities "inf" and "-inf", 0 "0". */
int tui_fmt_compact(char *buf, size_t n, double v, int sig);

/* An integer, with thousands separated by ',' when group is set:
 * 1234567 -> "1,234,567". */
int tui_fmt_int(char *buf, size_t n, int64_t v, bool group);

/* A fixed number of decimals (clamped to 0..17): 0.12345, 3 -> "0.123";
 * NaN "nan", infinities "inf" and "-inf". */
int tui_fmt_fixed(char *buf, size_t n, double v, int decimals);

#endif
