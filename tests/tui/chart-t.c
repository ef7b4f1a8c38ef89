/*
 * tui/chart: the price chart at several sizes in braille and ASCII, the
 * odd inputs (no data, one point, a constant, gaps, huge ranges, a fixed
 * range with points outside it, integer series), bars and sparklines; and
 * properties on random inputs.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/tui/golden.h"
#include "tui/chart.h"

enum { N = 300 };

struct history {
	double price[N], moving[N];
	int64_t block[N];
};

/* A subnet's price: a random walk that rises then falls (integer
 * arithmetic, so every machine draws the same), every third block, and its
 * moving price (an EMA, as the chain's is). */
static void make_history(struct history *h)
{
	uint64_t s = 12345;
	long p = 1000000000;
	for (int i = 0; i < N; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		long d = (long)((s >> 33) % 2001) - 1000;
		p += d * 20000 + (i < 150 ? 3000000 : -2000000);
		h->price[i] = (double)p / 1e9;
		h->block[i] = 1000 + 3 * i;
		h->moving[i] = i == 0 ? h->price[0]
				      : h->moving[i - 1] + (h->price[i] - h->moving[i - 1]) * 0.05;
	}
}

static struct tui_chart price_chart(const struct history *h, struct tui_series *ser)
{
	ser[0] = (struct tui_series){"moving price", TUI_ROLE_SERIES2, N,  h->moving,
				     NULL,	     h->block,	       '.'};
	ser[1] = (struct tui_series){
		"price (\xcf\x84/\xce\xb1)", TUI_ROLE_SERIES1, N, h->price, NULL, h->block, 0};
	struct tui_chart ch = {0};
	ch.series = ser;
	ch.nseries = 2;
	ch.legend = ch.axes = true;
	return ch;
}

static void test_price_goldens(void)
{
	static struct history h;
	make_history(&h);
	struct tui_series ser[2];
	struct tui_chart ch = price_chart(&h, ser);
	static const int sizes[][2] = {{40, 10}, {80, 24}, {200, 50}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int ascii = 0; ascii < 2; ascii++) {
			const struct tui_glyphs *g = ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
			struct tui_canvas *c = tui_canvas_new(sizes[i][0], sizes[i][1]);
			struct tui_view v = tui_canvas_view(c);
			struct tui_view in = tui_frame(&v, "subnet 1 price", TUI_ROLE_BORDER);
			is_int(tui_chart_draw(&in, &ch, g), 0, "the price chart draws");
			char name[64];
			snprintf(name, sizeof(name), "chart-price-%dx%d-%s", c->width, c->height,
				 ascii ? "ascii" : "utf8");
			golden(name, c, g, !ascii && i < 2);
			tui_canvas_free(c);
		}
	}
	/* a Linux console: blocks and lines but no braille */
	struct tui_glyphs console = {true, true, true, false};
	struct tui_canvas *c = tui_canvas_new(60, 16);
	struct tui_view v = tui_canvas_view(c);
	ch.fixed_x = true;
	ch.xmin = 1300;
	ch.xmax = 1600;
	is_int(tui_chart_draw(&v, &ch, &console), 0, "a fixed x window draws");
	golden("chart-window-60x16-console", c, &console, false);
	tui_canvas_free(c);
}

/* One small chart of one series, framed with a title naming the case. */
static int draw_case(const char *name, const double *y, const int64_t *yi, size_t n, bool fixed,
		     double lo, double hi, const struct tui_glyphs *g)
{
	struct tui_series s = {"value", TUI_ROLE_SERIES1, n, y, yi, NULL, 0};
	struct tui_chart ch = {0};
	ch.series = &s;
	ch.nseries = 1;
	ch.axes = true;
	ch.fixed_y = fixed;
	ch.ymin = lo;
	ch.ymax = hi;
	struct tui_canvas *c = tui_canvas_new(40, 9);
	struct tui_view v = tui_canvas_view(c);
	struct tui_view in = tui_frame(&v, name, TUI_ROLE_BORDER);
	int rc = tui_chart_draw(&in, &ch, g);
	char file[64];
	snprintf(file, sizeof(file), "chart-%s-40x9-%s", name, g->utf8 ? "utf8" : "ascii");
	golden(file, c, g, false);
	tui_canvas_free(c);
	return rc;
}

static void test_odd_inputs(void)
{
	const struct tui_glyphs *u = &tui_glyphs_utf8, *a = &tui_glyphs_ascii;
	is_int(draw_case("empty", NULL, NULL, 0, false, 0, 0, u), 0,
	       "no points: axes and 'no data'");
	double one = 42.5;
	is_int(draw_case("one", &one, NULL, 1, false, 0, 0, u), 0, "one point is one dot");
	double flat[20];
	for (int i = 0; i < 20; i++)
		flat[i] = 0.25;
	is_int(draw_case("constant", flat, NULL, 20, false, 0, 0, u), 0,
	       "a constant series is a flat line mid-height");
	is_int(draw_case("constant", flat, NULL, 20, false, 0, 0, a), 0, "... also in ASCII");
	double gaps[30];
	for (int i = 0; i < 30; i++)
		gaps[i] = i % 10 == 4 ? NAN : i % 10 == 5 ? INFINITY : i % 10 == 6 ? -INFINITY : i;
	is_int(draw_case("gaps", gaps, NULL, 30, false, 0, 0, u), 0,
	       "NaN and infinities are gaps in the line");
	double huge[4] = {-DBL_MAX, 1e300, -1e-300, DBL_MAX};
	is_int(draw_case("huge", huge, NULL, 4, false, 0, 0, u), 0, "a range of 2 x DBL_MAX draws");
	double tiny[3] = {1e6, 1e6 + 0.001, 1e6 + 0.002};
	is_int(draw_case("narrow", tiny, NULL, 3, false, 0, 0, u), 0,
	       "a range narrow next to its values gets distinct labels");
	double out[5] = {0.5, 5, -3, 0.5, 1e300};
	is_int(draw_case("clipped", out, NULL, 5, true, 0, 1, u), 0,
	       "points outside a fixed range clip at the edges");
	is_int(draw_case("clipped", out, NULL, 5, true, 0, 1, a), 0, "... also in ASCII");
	int64_t rao[6] = {INT64_MIN, 0, 1000000000, 5000000000, INT64_MAX, 0};
	is_int(draw_case("int64", NULL, rao, 6, false, 0, 0, u), 0,
	       "integer series draw, extremes too");

	struct tui_chart bad = {0};
	struct tui_series s = {"x", TUI_ROLE_SERIES1, 3, NULL, NULL, NULL, 0};
	bad.series = &s;
	bad.nseries = 1;
	struct tui_canvas *c = tui_canvas_new(10, 5);
	struct tui_view v = tui_canvas_view(c);
	is_int(tui_chart_draw(&v, &bad, u), TUI_EINVAL, "a series without values is refused");
	s.y = flat;
	bad.fixed_y = true;
	bad.ymin = bad.ymax = 1;
	is_int(tui_chart_draw(&v, &bad, u), TUI_EINVAL, "an empty fixed range is refused");
	bad.ymax = INFINITY;
	is_int(tui_chart_draw(&v, &bad, u), TUI_EINVAL, "an infinite fixed range is refused");
	bad.fixed_y = false;
	bad.fixed_x = true;
	bad.xmin = bad.xmax = 7;
	is_int(tui_chart_draw(&v, &bad, u), TUI_EINVAL, "an empty x window is refused");
	bad.fixed_x = false;
	bad.nseries = -1;
	is_int(tui_chart_draw(&v, &bad, u), TUI_EINVAL, "a negative series count is refused");
	tui_canvas_free(c);
}

static void test_bars_sparks(void)
{
	static const double shares[] = {0.62, 0.21, 0.125, 0.04, 0.005, 0, NAN, 1.7};
	static const char *const names[] = {"root", "apex",  "omron", "tao5",
					    "six",  "seven", "nan",   "over"};
	double hist[100];
	for (int i = 0; i < 100; i++)
		hist[i] = (i * 37 % 23) + (i > 60 ? 10 : 0) - (i == 80 ? 50 : 0);
	hist[90] = NAN;
	for (int ascii = 0; ascii < 2; ascii++) {
		const struct tui_glyphs *g = ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		struct tui_canvas *c = tui_canvas_new(40, 10);
		struct tui_view v = tui_canvas_view(c);
		for (int i = 0; i < 8; i++) {
			tui_put_str(&v, 0, i, names[i], TUI_ROLE_DEFAULT, 0);
			tui_bar_draw(&v, 6, i, 20, shares[i], TUI_ROLE_ACCENT, g);
		}
		tui_spark_draw(&v, 0, 8, 40, hist, 100, TUI_ROLE_SERIES1, g);
		tui_spark_draw(&v, 0, 9, 40, hist, 12, TUI_ROLE_SERIES2, g);
		golden(ascii ? "chart-bars-40x10-ascii" : "chart-bars-40x10-utf8", c, g, false);
		tui_canvas_free(c);
	}
}

static double random_value(void)
{
	switch (tap_rand() % 12) {
	case 0: return NAN;
	case 1: return INFINITY;
	case 2: return -INFINITY;
	case 3: return (tap_rand() & 1 ? 1 : -1) * DBL_MAX;
	case 4: return ldexp((double)(tap_rand() % 1000), (int)(tap_rand() % 2000) - 1000);
	case 5: return 0;
	case 6: return 1e-300;
	default: return (double)(int64_t)(tap_rand() % 2000001) / 1000.0 - 1000;
	}
}

static void test_properties(void)
{
	tap_rand_seed(0xc4a27);
	enum { PTS = 400 };
	static double y[4][PTS];
	static int64_t yi[PTS], x[4][PTS];
	bool inside = true, rect = true, ascii = true, rc_ok = true;
	struct tui_canvas *c = tui_canvas_new(140, 50);
	for (int it = 0; it < 600; it++) {
		struct tui_series ser[4];
		int ns = (int)(tap_rand() % 5);
		for (int s = 0; s < ns; s++) {
			size_t n = tap_rand() % 4 == 0 ? tap_rand() % 3 : tap_rand() % PTS;
			int64_t xv = tap_rand() % 3 == 0
					     ? INT64_MAX - (int64_t)(tap_rand() % 1000000)
					     : (int64_t)(tap_rand() % 100000) - 50000;
			bool constant = tap_rand() % 8 == 0;
			for (size_t i = 0; i < n; i++) {
				y[s][i] = constant ? 3.0 : random_value();
				yi[i] = (int64_t)tap_rand();
				x[s][i] = xv;
				if (xv < INT64_MAX - 1000)
					xv += (int64_t)(tap_rand() % 1000);
			}
			bool ints = tap_rand() % 5 == 0;
			ser[s] = (struct tui_series){tap_rand() % 2 ? "s" : NULL,
						     TUI_ROLE_SERIES1 + s,
						     n,
						     ints ? NULL : y[s],
						     ints ? yi : NULL,
						     tap_rand() % 2 ? x[s] : NULL,
						     tap_rand() % 3 == 0 ? '*' : 0};
		}
		struct tui_chart ch = {0};
		ch.series = ser;
		ch.nseries = ns;
		ch.legend = tap_rand() % 2;
		ch.axes = tap_rand() % 4 != 0;
		if (tap_rand() % 4 == 0) {
			ch.fixed_y = true;
			ch.ymin = random_value();
			ch.ymax = ch.ymin + fabs(random_value());
		}
		if (tap_rand() % 4 == 0) {
			ch.fixed_x = true;
			ch.xmin = (int64_t)(tap_rand() % 100000) - 50000;
			ch.xmax = ch.xmin + 1 + (int64_t)(tap_rand() % 100000);
		}
		sentinel_fill(c);
		struct tui_view root = tui_canvas_view(c);
		struct tui_view v =
			tui_view_sub(&root, (int)(tap_rand() % 60) - 10, (int)(tap_rand() % 20) - 5,
				     (int)(tap_rand() % 150), (int)(tap_rand() % 56));
		const struct tui_glyphs *g = tap_rand() % 2 ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		int rc = tui_chart_draw(&v, &ch, g);
		bool valid = !(ch.fixed_y &&
			       !(isfinite(ch.ymin) && isfinite(ch.ymax) && ch.ymin < ch.ymax));
		if ((rc == 0) != valid) {
			rc_ok = false;
			diag("iteration %d: rc %d", it, rc);
		}
		if (!drawn_only_inside(c, &v, rc == 0))
			inside = false;
		char *t = tui_canvas_text(c, &tui_glyphs_utf8);
		if (!rendering_is_rectangular(t, c->width, c->height))
			rect = false;
		free(t);
		if (g == &tui_glyphs_ascii) {
			/* lines map exactly to - | +; braille and shades must not appear */
			for (int k = 0; k < c->width * c->height; k++)
				if (c->cells[k].cp >= 0x2580 && c->cells[k].cp != 0xa7)
					ascii = false;
		}
	}
	tui_canvas_free(c);
	ok(rc_ok, "random charts draw, except with an invalid fixed range");
	ok(inside, "a chart writes every cell of its view and nothing outside it");
	ok(rect, "every rendering has exactly width cells per row");
	ok(ascii, "without braille a chart draws no braille or block glyph");

	/* bars and sparklines: the same clipping on random input */
	bool bars = true;
	c = tui_canvas_new(50, 6);
	for (int it = 0; it < 500; it++) {
		sentinel_fill(c);
		struct tui_view root = tui_canvas_view(c);
		struct tui_view v = tui_view_sub(&root, (int)(tap_rand() % 20) - 5, 1,
						 (int)(tap_rand() % 60), 3);
		const struct tui_glyphs *g = tap_rand() % 2 ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		tui_bar_draw(&v, (int)(tap_rand() % 10) - 3, 0, (int)(tap_rand() % 70),
			     random_value(), TUI_ROLE_ACCENT, g);
		for (int i = 0; i < PTS; i++)
			y[0][i] = random_value();
		tui_spark_draw(&v, (int)(tap_rand() % 10) - 3, 1, (int)(tap_rand() % 70), y[0],
			       tap_rand() % PTS, TUI_ROLE_SERIES1, g);
		if (!drawn_only_inside(c, &v, false))
			bars = false;
	}
	tui_canvas_free(c);
	ok(bars, "random bars and sparklines stay inside their view");
}

int main(void)
{
	tap_plan(46);
	test_price_goldens();
	test_odd_inputs();
	test_bars_sparks();
	test_properties();
	return tap_done();
}
