/*
 * A heatmap of a matrix: the weights panel's validator x miner weights (or
 * bonds), 0..1 or u16, with the consensus row beneath. Each cell shows a
 * value by shading (" ░▒▓█", or " .:-=+*#%@" in ASCII) and by a heat role
 * (TUI_ROLE_HEAT0..7) that the terminal colours; a zero is blank and NaN
 * ("no value") a dim '·' ('`' in ASCII). When rows are many and colours available, half
 * blocks put two rows in a cell (▀ with the upper row's role in front and
 * the lower one's behind).
 *
 * The viewport is the heatmap's state: the first row and column shown, a
 * zoom (items per cell each way, aggregated by max or mean) and a cursor;
 * tui_heatmap_follow keeps the cursor in sight. Layout in a view, top to
 * bottom: column labels (uids every few cells), one line per cell row with
 * its row label on the left, then, if there is an extra row, a rule and the
 * extra row (consensus), then a status line with the cursor's ids, value and
 * the zoom. What does not fit is left out (status, then labels).
 */
#ifndef TUI_HEATMAP_H
#define TUI_HEATMAP_H

#include "tui/canvas.h"

struct tui_matrix {
	int rows, cols;
	const double *v; /* row-major values in 0..1 (clamped; NaN = no value), or NULL */
	const uint16_t *u16; /* used when v is NULL: u16 / 65535 (the chain's weights) */
	size_t stride; /* elements from one row to the next; 0: cols */
};

enum tui_heat_agg {
	TUI_HEAT_MAX, /* a zoomed cell shows the largest of its items */
	TUI_HEAT_MEAN, /* ... or their mean (NaN items left out) */
};

enum tui_heat_mode {
	TUI_HEAT_SHADE, /* one row per cell: shading and colour (monochrome safe) */
	TUI_HEAT_HALF, /* two rows per cell: half blocks coloured fore and back (colour only) */
};

struct tui_heatmap {
	struct tui_matrix m;
	const int *row_ids, *col_ids; /* labels (uids) per row and column; NULL: the index */
	const char *row_name, *col_name; /* status line nouns; NULL: "row", "col" */
	const double *extra; /* m.cols values below a rule (consensus); NULL: none */
	const char *extra_label; /* the extra row's label; NULL: "cons" */
	int row0, col0; /* first item shown */
	int zoom_r, zoom_c; /* items per cell, >= 1 */
	enum tui_heat_agg agg;
	enum tui_heat_mode mode;
	int cur_r, cur_c; /* cursor item; -1 = no cursor */
	bool labels; /* row and column labels */
	bool status; /* the status line */
};

/* Sets hm to show m from its top-left corner at zoom 1, max aggregation,
 * shading, cursor on item (0, 0), labels and status line on. */
void tui_heatmap_init(struct tui_heatmap *hm, const struct tui_matrix *m);

/* The value of item (r, c), clamped to 0..1; NaN outside the matrix or
 * for "no value". */
double tui_heatmap_value(const struct tui_heatmap *hm, int r, int c);

/* How many items fit in a view of w x h cells at the current zoom
 * (rows first, columns second); 0 when nothing fits. */
void tui_heatmap_capacity(const struct tui_heatmap *hm, int w, int h, int *rows, int *cols);

/* Chooses the smallest zoom (each way) at which the whole matrix fits a
 * w x h view, and scrolls to the top-left corner. Shading, unless
 * allow_half (the terminal has colours) and half blocks need less zoom. */
void tui_heatmap_fit(struct tui_heatmap *hm, int w, int h, bool allow_half);

/* Moves the cursor by (dr, dc) items, clamped to the matrix. */
void tui_heatmap_move(struct tui_heatmap *hm, int dr, int dc);

/* Clamps zoom, cursor and scroll offsets, then scrolls just enough (a
 * whole cell at a time) for the cursor to be visible in a w x h view. */
void tui_heatmap_follow(struct tui_heatmap *hm, int w, int h);

/* Draws hm into the whole view v (every cell written) with shades when
 * g->blocks and ASCII otherwise. Returns 0, or TUI_EINVAL (NULL, negative
 * sizes, no values for a non-empty matrix, zoom < 1, stride < cols, unknown
 * mode or aggregation); nothing is drawn on error. */
int tui_heatmap_draw(const struct tui_view *v, const struct tui_heatmap *hm,
		     const struct tui_glyphs *g);

#endif
