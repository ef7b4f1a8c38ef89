/*
 * tui/heatmap: the weights panel's matrix (64 validators x 256 miners,
 * u16, with honest, lazy and cartel validators and a consensus row) at
 * several sizes, zooms and modes, in shades and ASCII; the viewport
 * arithmetic; and properties on random matrices and viewports.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/tui/golden.h"
#include "tui/heatmap.h"

enum { R = 64, C = 256 };

static uint16_t weights[R * C];
static double consensus[C];
static int vuids[R];

/* Honest validators weight miners by quality (falling with the uid, with
 * noise), every ninth one is lazy (a few miners at full weight), the last
 * eight are a cartel voting for miners 200..211. Integer arithmetic only. */
static void make_weights(void)
{
	uint64_t s = 777;
	for (int r = 0; r < R; r++) {
		vuids[r] = r * 4;
		for (int c = 0; c < C; c++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			long noise = (long)((s >> 40) % 4000);
			long q = c < 180 ? 65535 - c * 300 : 0;
			long v = q - 8000 + noise * 4;
			if (r % 9 == 4)
				v = c % 37 == 0 ? 65535 : 0;
			if (r >= 56)
				v = c >= 200 && c < 212 ? 65535 : 0;
			weights[r * C + c] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
		}
	}
	for (int c = 0; c < C; c++) {
		long sum = 0;
		for (int r = 0; r < R; r++)
			sum += weights[r * C + c];
		consensus[c] = (double)sum / R / 65535;
	}
}

static void weights_map(struct tui_heatmap *hm)
{
	static struct tui_matrix m = {R, C, NULL, weights, 0};
	tui_heatmap_init(hm, &m);
	hm->row_ids = vuids;
	hm->row_name = "validator";
	hm->col_name = "miner";
	hm->extra = consensus;
}

static void render(const char *name, int w, int h, struct tui_heatmap *hm, bool fit,
		   bool allow_half, bool roles)
{
	for (int ascii = 0; ascii < 2; ascii++) {
		const struct tui_glyphs *g = ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		struct tui_canvas *c = tui_canvas_new(w, h);
		struct tui_view v = tui_canvas_view(c);
		struct tui_view in = tui_frame(&v, "weights: subnet 1", TUI_ROLE_BORDER);
		struct tui_heatmap copy = *hm;
		if (fit)
			tui_heatmap_fit(&copy, in.w, in.h, allow_half && !ascii);
		tui_heatmap_follow(&copy, in.w, in.h);
		is_int(tui_heatmap_draw(&in, &copy, g), 0, "the weights heatmap draws");
		char file[80];
		snprintf(file, sizeof(file), "heatmap-%s-%dx%d-%s", name, w, h,
			 ascii ? "ascii" : "utf8");
		golden(file, c, g, roles && !ascii);
		tui_canvas_free(c);
	}
}

static void test_goldens(void)
{
	struct tui_heatmap hm;
	weights_map(&hm);
	hm.cur_r = 5;
	hm.cur_c = 20;
	render("weights", 80, 24, &hm, true, false, true);
	render("weights", 200, 50, &hm, true, false, false);
	render("half", 200, 50, &hm, true, true, true);
	hm.agg = TUI_HEAT_MEAN;
	render("mean", 80, 24, &hm, true, false, false);

	weights_map(&hm);
	hm.cur_r = 10;
	hm.cur_c = 100;
	render("scrolled", 40, 10, &hm, false, false, true);
	hm.zoom_c = 3;
	hm.extra = NULL;
	render("zoomed", 40, 10, &hm, false, false, false);

	/* doubles with a stride, NaN, values outside 0..1, no labels */
	static const double small[3][8] = {
		{0, 0.1, 0.3, 0.55, 0.8, 1, 1.5, -2},
		{NAN, 0.05, 0, 0.49, 0.51, 0.99, 0.2, 9},
		{1, 1, 1, 0, 0, 0, NAN, 0.7},
	};
	struct tui_matrix m = {3, 6, &small[0][0], NULL, 8};
	tui_heatmap_init(&hm, &m);
	hm.labels = false;
	hm.status = false;
	hm.cur_r = -1;
	render("small", 12, 7, &hm, false, false, true);
}

static void test_viewport(void)
{
	struct tui_heatmap hm;
	weights_map(&hm);
	is_int(tui_heatmap_value(&hm, 56, 200) == 1.0, 1, "u16 65535 is 1");
	ok(isnan(tui_heatmap_value(&hm, R, 0)) && isnan(tui_heatmap_value(&hm, 0, -1)),
	   "values outside the matrix are NaN");
	int rows, cols;
	tui_heatmap_capacity(&hm, 80, 24, &rows, &cols);
	/* labels 1 line + rule and consensus 2 + status 1; row labels "cons " */
	is_int(rows, 20, "capacity: 20 rows in 24 lines");
	is_int(cols, 75, "capacity: 75 columns after the row labels");
	tui_heatmap_fit(&hm, 80, 24, false);
	is_int(hm.zoom_r * 100 + hm.zoom_c, 404, "fit zooms 4x4 for 64x256 in 80x24");
	tui_heatmap_fit(&hm, 80, 24, true);
	ok(hm.mode == TUI_HEAT_HALF && hm.zoom_r == 2, "with colours, half blocks halve the zoom");
	tui_heatmap_fit(&hm, 300, 80, true);
	ok(hm.mode == TUI_HEAT_SHADE && hm.zoom_r == 1 && hm.zoom_c == 1,
	   "at 300x80 everything fits at zoom 1, in shades");

	weights_map(&hm);
	hm.cur_r = 63;
	hm.cur_c = 255;
	tui_heatmap_follow(&hm, 80, 24);
	is_int(hm.row0, 44, "follow scrolls down to the last row");
	is_int(hm.col0, 181, "follow scrolls right to the last column");
	tui_heatmap_move(&hm, -100, 5);
	ok(hm.cur_r == 0 && hm.cur_c == 255, "move clamps the cursor to the matrix");
	tui_heatmap_follow(&hm, 80, 24);
	is_int(hm.row0, 0, "follow scrolls back up");
	hm.zoom_r = hm.zoom_c = 3;
	hm.cur_r = 40;
	hm.cur_c = 100;
	tui_heatmap_follow(&hm, 40, 12);
	ok(hm.row0 % 3 == 0 && hm.col0 % 3 == 0, "zoomed offsets are whole cells");
	tui_heatmap_capacity(&hm, 40, 12, &rows, &cols);
	ok(hm.row0 <= 40 && 40 < hm.row0 + rows && hm.col0 <= 100 && 100 < hm.col0 + cols,
	   "the cursor is in view after follow");

	struct tui_canvas *c = tui_canvas_new(20, 10);
	struct tui_view v = tui_canvas_view(c);
	hm.zoom_r = 0;
	is_int(tui_heatmap_draw(&v, &hm, &tui_glyphs_utf8), TUI_EINVAL, "zoom 0 is refused");
	hm.zoom_r = 1;
	hm.m.stride = 10;
	is_int(tui_heatmap_draw(&v, &hm, &tui_glyphs_utf8), TUI_EINVAL,
	       "a stride below the columns is refused");
	hm.m.stride = 0;
	hm.m.u16 = NULL;
	is_int(tui_heatmap_draw(&v, &hm, &tui_glyphs_utf8), TUI_EINVAL,
	       "a matrix without values is refused");
	tui_canvas_free(c);
}

static void test_properties(void)
{
	tap_rand_seed(0x4ea7);
	static double vals[300 * 300];
	static double extra[300];
	static int ids[300];
	bool inside = true, rect = true, ascii = true, cursor_seen = true;
	struct tui_canvas *c = tui_canvas_new(150, 60);
	for (int it = 0; it < 400; it++) {
		int rows = (int)(tap_rand() % 300), cols = (int)(tap_rand() % 300);
		if (tap_rand() % 5 == 0)
			rows = cols = 0;
		for (int i = 0; i < rows * cols; i++) {
			int k = (int)(tap_rand() % 10);
			vals[i] = k == 0   ? NAN
				  : k == 1 ? -1
				  : k == 2 ? 7
					   : (double)(tap_rand() % 1001) / 1000;
		}
		for (int i = 0; i < 300; i++) {
			extra[i] = (double)(tap_rand() % 1001) / 1000;
			ids[i] = (int)(tap_rand() % 2000000) - 1000000;
		}
		struct tui_matrix m = {rows, cols, vals, NULL, 0};
		struct tui_heatmap hm;
		tui_heatmap_init(&hm, &m);
		hm.row_ids = tap_rand() % 2 ? ids : NULL;
		hm.col_ids = tap_rand() % 2 ? ids : NULL;
		hm.extra = tap_rand() % 2 ? extra : NULL;
		hm.labels = tap_rand() % 4 != 0;
		hm.status = tap_rand() % 4 != 0;
		hm.mode = tap_rand() % 2 ? TUI_HEAT_HALF : TUI_HEAT_SHADE;
		hm.agg = tap_rand() % 2 ? TUI_HEAT_MEAN : TUI_HEAT_MAX;
		hm.zoom_r = 1 + (int)(tap_rand() % 12);
		hm.zoom_c = 1 + (int)(tap_rand() % 12);
		hm.row0 = (int)(tap_rand() % 700) - 200;
		hm.col0 = (int)(tap_rand() % 700) - 200;
		hm.cur_r = (int)(tap_rand() % 400) - 50;
		hm.cur_c = (int)(tap_rand() % 400) - 50;
		sentinel_fill(c);
		struct tui_view root = tui_canvas_view(c);
		struct tui_view v =
			tui_view_sub(&root, (int)(tap_rand() % 60) - 10, (int)(tap_rand() % 20) - 5,
				     (int)(tap_rand() % 160), (int)(tap_rand() % 66));
		bool follow = tap_rand() % 2;
		if (follow) {
			tui_heatmap_move(&hm, 0, 0);
			tui_heatmap_follow(&hm, v.w, v.h);
		}
		const struct tui_glyphs *g = tap_rand() % 2 ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		if (tui_heatmap_draw(&v, &hm, g) != 0)
			inside = false;
		if (!drawn_only_inside(c, &v, true))
			inside = false;
		char *t = tui_canvas_text(c, &tui_glyphs_utf8);
		if (!rendering_is_rectangular(t, c->width, c->height))
			rect = false;
		free(t);
		if (g == &tui_glyphs_ascii)
			for (int k = 0; k < c->width * c->height; k++)
				if (c->cells[k].cp >= 0x2580 && c->cells[k].cp != 0xa7)
					ascii = false;
		/* after follow, the cursor cell is drawn whenever the grid has room */
		if (follow && rows > 0 && cols > 0 && v.clip.w == v.w && v.clip.h == v.h) {
			int cr, cc;
			tui_heatmap_capacity(&hm, v.w, v.h, &cr, &cc);
			bool found = false;
			for (int k = 0; k < c->width * c->height; k++)
				if (c->cells[k].role == TUI_ROLE_CURSOR)
					found = true;
			if (cr > 0 && cc > 0 && !found) {
				cursor_seen = false;
				diag("iteration %d: cursor (%d,%d) not drawn", it, hm.cur_r,
				     hm.cur_c);
			}
		}
	}
	tui_canvas_free(c);
	ok(inside, "random heatmaps draw every cell of their view and nothing outside");
	ok(rect, "every rendering has exactly width cells per row");
	ok(ascii, "without blocks a heatmap draws no block glyph");
	ok(cursor_seen, "after follow the cursor is always on screen");
}

int main(void)
{
	tap_plan(48);
	make_weights();
	test_goldens();
	test_viewport();
	test_properties();
	return tap_done();
}
