/*
 * A table view model: the metagraph (btcli's columns), the subnets and the
 * nodes. Rows are not copied: a callback gives the value of (row, column)
 * on demand. The model keeps the order (stable sort by any column, numbers
 * as numbers and text case-insensitively; empty values last either way), a
 * filter (case-insensitive substring of any column's text), the selection
 * (which follows its row through sorting, filtering and new data) and the
 * scroll position.
 *
 * Layout to a width: each column wants the width of its title and of its
 * widest text, within its min and max; when the room is short, the columns
 * with the highest priority number go first, then columns shrink towards
 * their minimum (text is cut with '…', numbers fall back to a compact form
 * or '#'); spare room goes to flex columns. Drawing: a header line (the
 * sorted column marked ▲ or ▼), then the rows, the selected one in
 * TUI_ROLE_SELECTION across the whole width.
 */
#ifndef TUI_TABLE_H
#define TUI_TABLE_H

#include "tui/canvas.h"

enum tui_value_kind { TUI_VAL_NONE, TUI_VAL_INT, TUI_VAL_REAL, TUI_VAL_TEXT };

/* One cell's value, filled in by the row callback. */
struct tui_value {
	enum tui_value_kind kind; /* NONE: empty cell */
	int64_t i; /* INT */
	double d; /* REAL (NaN shows as empty and sorts last) */
	const char *s; /* TEXT; only read before the callback is called again */
	int role; /* 0: the default; else a role for this cell (TUI_ROLE_BAD for a zero) */
};

enum tui_fmt {
	TUI_FMT_TEXT, /* text as given; numbers as %g */
	TUI_FMT_INT, /* integers, thousands grouped with ',' */
	TUI_FMT_FIXED, /* `decimals` decimals */
	TUI_FMT_COMPACT, /* tui_fmt_compact with `decimals` significant digits (0: 3) */
	TUI_FMT_PERCENT, /* value x 100 with `decimals` decimals and '%' */
};

struct tui_table;

/* Formats v into buf (n bytes) for a column with a custom format. */
typedef void (*tui_format_fn)(const struct tui_value *v, char *buf, size_t n, void *ctx);

struct tui_column {
	const char *title;
	int min, max; /* display cells; max 0: no limit */
	int flex; /* weight in sharing spare width; 0: never wider than needed */
	int priority; /* 0: always shown; higher numbers are dropped first when narrow */
	enum tui_align align;
	enum tui_fmt fmt;
	int decimals; /* FIXED and PERCENT decimals, COMPACT significant digits */
	tui_format_fn format; /* overrides fmt when set */
};

/* Fills *out with the value of (row, col); out is zeroed before each call. */
typedef void (*tui_cell_fn)(void *ctx, size_t row, int col, struct tui_value *out);

/* A table of ncols columns (cols is borrowed and must outlive the table)
 * over rows given by cell(ctx, ...), initially with no rows: call
 * tui_table_set_rows. NULL when an argument is invalid (NULL, ncols < 1 or
 * above 64). The caller frees it with tui_table_free. */
struct tui_table *tui_table_new(const struct tui_column *cols, int ncols, tui_cell_fn cell,
				void *ctx);
void tui_table_free(struct tui_table *t);

/* The data changed and has nrows rows: re-reads every row, re-applies sort
 * and filter; the selection stays on the same row index when it still shows,
 * otherwise on the nearest position. */
void tui_table_set_rows(struct tui_table *t, size_t nrows);

/* Sorts by column col (descending when desc), stable; col -1 restores the
 * data's order. 0 or TUI_EINVAL (col out of range). */
int tui_table_sort(struct tui_table *t, int col, bool desc);

/* The sort column (-1: none) and direction. */
int tui_table_sort_col(const struct tui_table *t, bool *desc);

/* Shows only rows where some column's text contains needle, ignoring ASCII
 * case; NULL or "" shows all. The needle is copied. */
void tui_table_filter(struct tui_table *t, const char *needle);

/* Rows shown (after the filter). */
size_t tui_table_count(const struct tui_table *t);

/* The data row shown at position pos (0 = first shown), or -1. */
long tui_table_row(const struct tui_table *t, size_t pos);

/* Selects the row shown at position pos (clamped); no-op without rows. */
void tui_table_select(struct tui_table *t, long pos);

/* Moves the selection by delta rows shown (clamped). */
void tui_table_move(struct tui_table *t, long delta);

/* The selected row's position among the rows shown, and its data row;
 * -1 when nothing is shown. */
long tui_table_selected_pos(const struct tui_table *t);
long tui_table_selected(const struct tui_table *t);

/* The position of the row drawn at line y of the table's last drawing
 * (line 0 is the header), or -1: for mouse clicks. */
long tui_table_pos_at(const struct tui_table *t, int y);

/* Column widths for a total width: widths[i] is 0 for a dropped column.
 * Returns the number of columns shown. */
int tui_table_layout(const struct tui_table *t, int width, int *widths);

/* Draws the table into the whole view v (every cell written), scrolling so
 * that the selection is visible. 0, or TUI_EINVAL (NULL). */
int tui_table_draw(const struct tui_view *v, struct tui_table *t);

#endif
