/*
 * Charts for the dashboard: a line chart of one or more series (a
 * subnet's price and moving price over blocks) drawn with braille dots, 2x4
 * per cell, or, when the terminal has no braille, with ASCII strokes at 1x3
 * per cell (_ - ' and | for steep parts); plus horizontal bars (emission
 * shares) and sparklines (block emission history). Values are display
 * doubles: NaN and infinities are gaps, never drawn.
 *
 * A chart's view holds, top to bottom: a legend line, the plot with y-axis
 * labels on its left, the x axis with tick marks and the x labels (block
 * numbers). Parts that do not fit are left out: legend first, then the x
 * labels, then the axes. Ticks fall on round numbers (1, 2 or 5 times a
 * power of ten); y labels are compact (1.2k, 3.4M, 0.0012).
 */
#ifndef TUI_CHART_H
#define TUI_CHART_H

#include "tui/canvas.h"

struct tui_series {
	const char *name; /* legend label; NULL: not in the legend */
	int role; /* TUI_ROLE_SERIES1.. */
	size_t n; /* points */
	const double *y; /* n values, or NULL when yi is given */
	const int64_t *yi; /* n integer values (rao), used when y is NULL */
	const int64_t *x; /* n x positions (block numbers), ascending; NULL: 0, 1, ... */
	char mark; /* ASCII mode: draw every dot as this character; 0: strokes */
};

struct tui_chart {
	const struct tui_series *series;
	int nseries;
	bool fixed_y; /* use ymin..ymax instead of the data's range */
	double ymin, ymax;
	bool fixed_x; /* use xmin..xmax (the last N blocks) instead of the data's */
	int64_t xmin, xmax;
	bool legend; /* a legend line above the plot (named series only) */
	bool axes; /* y labels, x axis, x labels */
	const char *empty; /* shown when there is no finite point; NULL: "no data" */
};

/* Draws ch into the whole view v (every cell of it is written), dots of
 * braille when g->braille, ASCII strokes otherwise. Returns 0, or TUI_EINVAL
 * (NULL, nseries < 0, a series of n > 0 points without values, a fixed
 * range that is empty or not finite); nothing is drawn on error. */
int tui_chart_draw(const struct tui_view *v, const struct tui_chart *ch,
		   const struct tui_glyphs *g);

/* A horizontal bar of `fraction` (clamped to 0..1) of width cells from
 * (x, y): full blocks and an eighth-block tip with g->blocks, '#' cells
 * (rounded to the nearest cell) otherwise; the rest of the width is blank. */
void tui_bar_draw(const struct tui_view *v, int x, int y, int width, double fraction, int role,
		  const struct tui_glyphs *g);

/* A one-line sparkline of the last `width` values (older ones scroll off
 * the left) from (x, y), scaled from 0 (or the smallest value, when it is
 * negative) to the largest: ▁..█ with g->blocks, _.-=# otherwise; NaN is a
 * blank cell. */
void tui_spark_draw(const struct tui_view *v, int x, int y, int width, const double *values,
		    size_t n, int role, const struct tui_glyphs *g);

#endif
