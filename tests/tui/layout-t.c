/*
 * tui/layout: splitting by fixed sizes, percentages and flex weights with
 * minimums and maximums; properties on random splits; and goldens of a
 * whole panel (subnets and pools: header, table, price chart, emission
 * bars, footer) laid out at 80x24, 120x30 and 300x60, UTF-8 and ASCII.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/tui/golden.h"
#include "tui/chart.h"
#include "tui/layout.h"
#include "tui/table.h"

#define FIXED(n)                          \
	{                                 \
		TUI_SIZE_FIXED, (n), 0, 0 \
	}
#define PCT(n)                              \
	{                                   \
		TUI_SIZE_PERCENT, (n), 0, 0 \
	}
#define FLEX(n)                          \
	{                                \
		TUI_SIZE_FLEX, (n), 0, 0 \
	}

static bool rect_is(struct tui_rect r, int x, int y, int w, int h)
{
	return r.x == x && r.y == y && r.w == w && r.h == h;
}

static void test_split(void)
{
	struct tui_rect r = {0, 0, 80, 24}, out[4];
	struct tui_size a[] = {FIXED(20), FLEX(1), FLEX(2)};
	is_int(tui_layout_split(r, TUI_COLS, 1, a, 3, out), 3, "fixed and flex: three parts");
	ok(rect_is(out[0], 0, 0, 20, 24) && rect_is(out[1], 21, 0, 19, 24) &&
		   rect_is(out[2], 41, 0, 39, 24),
	   "flex shares what the fixed part and the gaps leave, 1:2");
	struct tui_size b[] = {PCT(50), PCT(50)};
	r.w = 81;
	tui_layout_split(r, TUI_COLS, 0, b, 2, out);
	ok(out[0].w == 40 && out[1].w == 41 && out[1].x == 40, "50%% + 50%% of 81 covers all 81");
	struct tui_size c[] = {{TUI_SIZE_FLEX, 1, 30, 0}, {TUI_SIZE_FLEX, 1, 30, 0}};
	r.w = 50;
	is_int(tui_layout_split(r, TUI_COLS, 0, c, 2, out), 1,
	       "two minimums of 30 in 50: one part");
	ok(out[0].w == 50 && out[1].w == 0 && out[1].x == 50,
	   "the last part is dropped, the first takes the room");
	struct tui_size d[] = {{TUI_SIZE_FLEX, 1, 0, 10}, FLEX(1)};
	r.w = 100;
	tui_layout_split(r, TUI_COLS, 0, d, 2, out);
	ok(out[0].w == 10 && out[1].w == 90, "a maximum caps a flex part, the rest goes on");
	struct tui_size e[] = {{TUI_SIZE_FIXED, 30, 20, 0}, {TUI_SIZE_PERCENT, 50, 10, 0}};
	r.w = 40;
	tui_layout_split(r, TUI_COLS, 0, e, 2, out);
	ok(out[0].w == 30 && out[1].w == 10,
	   "percentages shrink to their minimum before fixed sizes");
	r.w = 35;
	tui_layout_split(r, TUI_COLS, 0, e, 2, out);
	ok(out[0].w == 25 && out[1].w == 10, "... then fixed sizes shrink too");
	struct tui_size f[] = {FIXED(1), FLEX(1), FIXED(1)};
	r = (struct tui_rect){2, 3, 80, 24};
	tui_layout_split(r, TUI_ROWS, 0, f, 3, out);
	ok(rect_is(out[0], 2, 3, 80, 1) && rect_is(out[1], 2, 4, 80, 22) &&
		   rect_is(out[2], 2, 26, 80, 1),
	   "rows: header, body, footer");
	struct tui_size g[] = {FIXED(10), PCT(20)};
	tui_layout_split(r, TUI_COLS, 0, g, 2, out);
	ok(out[0].w == 10 && out[1].w == 16 && out[1].x + out[1].w == 28,
	   "without flex parts the rest of the room stays free");

	struct tui_size bad[] = {{TUI_SIZE_PERCENT, 101, 0, 0}};
	is_int(tui_layout_split(r, TUI_COLS, 0, bad, 1, out), TUI_EINVAL, "101%% is refused");
	struct tui_size bad2[] = {{TUI_SIZE_FLEX, 1, 10, 5}};
	is_int(tui_layout_split(r, TUI_COLS, 0, bad2, 1, out), TUI_EINVAL,
	       "max below min is refused");
	is_int(tui_layout_split(r, TUI_COLS, -1, a, 3, out), TUI_EINVAL,
	       "a negative gap is refused");
	is_int(tui_layout_split(r, TUI_COLS, 0, a, 0, out), TUI_EINVAL, "no parts is refused");
	struct tui_size bad3[] = {{(enum tui_size_kind)7, 1, 0, 0}};
	is_int(tui_layout_split(r, TUI_COLS, 0, bad3, 1, out), TUI_EINVAL,
	       "an unknown kind is refused");

	struct tui_rect in = tui_rect_inset((struct tui_rect){0, 0, 10, 3}, 1, 1);
	ok(rect_is(in, 1, 1, 8, 1), "inset by one cell");
	in = tui_rect_inset((struct tui_rect){0, 0, 1, 1}, 2, 2);
	ok(in.w == 0 && in.h == 0, "inset never goes below zero");
}

static void test_properties(void)
{
	tap_rand_seed(0x1a70);
	bool all = true;
	for (int it = 0; it < 5000 && all; it++) {
		int n = 1 + (int)(tap_rand() % 8);
		struct tui_size s[8];
		for (int i = 0; i < n; i++) {
			s[i].kind = (enum tui_size_kind)(tap_rand() % 3);
			s[i].value = (int)(tap_rand() % (s[i].kind == TUI_SIZE_PERCENT ? 101 : 60));
			s[i].min = (int)(tap_rand() % 20);
			s[i].max = tap_rand() % 3 ? 0 : s[i].min + (int)(tap_rand() % 40);
		}
		struct tui_rect r = {(int)(tap_rand() % 10), (int)(tap_rand() % 10),
				     (int)(tap_rand() % 310), (int)(tap_rand() % 90)};
		enum tui_dir dir = tap_rand() % 2 ? TUI_ROWS : TUI_COLS;
		int gap = (int)(tap_rand() % 3);
		struct tui_rect out[8];
		int k = tui_layout_split(r, dir, gap, s, n, out);
		int room = dir == TUI_ROWS ? r.h : r.w, start = dir == TUI_ROWS ? r.y : r.x;
		int prev_end = start;
		if (k < 0 || k > n)
			all = false;
		for (int i = 0; i < n && all; i++) {
			int pos = dir == TUI_ROWS ? out[i].y : out[i].x;
			int size = dir == TUI_ROWS ? out[i].h : out[i].w;
			int across = dir == TUI_ROWS ? out[i].w : out[i].h;
			if (across != (dir == TUI_ROWS ? r.w : r.h))
				all = false; /* parts span the whole other way */
			if (i < k) {
				if (size < s[i].min || (s[i].max > 0 && size > s[i].max))
					all = false; /* within min and max */
				if (pos < prev_end + (i > 0 ? gap : 0) - (i > 0 ? 0 : 0) ||
				    (i > 0 && pos != prev_end + gap))
					all = false; /* in order, gaps between */
				prev_end = pos + size;
			} else if (size != 0) {
				all = false; /* dropped parts are empty */
			}
			if (!all)
				diag("iteration %d, part %d: pos %d size %d (min %d max %d) k %d "
				     "room %d",
				     it, i, pos, size, s[i].min, s[i].max, k, room);
		}
		if (prev_end > start + room && k > 0) {
			all = false;
			diag("iteration %d: parts end at %d beyond %d", it, prev_end, start + room);
		}
	}
	ok(all, "random splits: parts in order within the room, within min and max, drops last");
}

/* ---- a whole panel: subnets and pools ---------------------------------- */

struct subnet {
	int netuid;
	const char *name;
	double price, moving, share;
	int64_t tao_in; /* rao */
};

static const struct subnet subnets[] = {
	{0, "root", 1.0, 1.0, 0, 5200000 * 1000000000LL},
	{1, "apex", 0.0412, 0.0398, 0.081, 91000 * 1000000000LL},
	{2, "omron", 0.0188, 0.0201, 0.052, 44000 * 1000000000LL},
	{3, "templar", 0.0097, 0.0090, 0.031, 23500 * 1000000000LL},
	{4, "targon", 0.1054, 0.0911, 0.164, 210000 * 1000000000LL},
	{5, "kaito", 0.0031, 0.0035, 0.006, 4100 * 1000000000LL},
	{8, "taoshi", 0.0533, 0.0544, 0.102, 120300 * 1000000000LL},
	{64, "chutes", 0.3321, 0.2974, 0.398, 801000 * 1000000000LL},
};
#define NSUB ((int)(sizeof(subnets) / sizeof(subnets[0])))

static void subnet_cell(void *ctx, size_t row, int col, struct tui_value *out)
{
	const struct subnet *s = &((const struct subnet *)ctx)[row];
	switch (col) {
	case 0: out->kind = TUI_VAL_INT, out->i = s->netuid; break;
	case 1: out->kind = TUI_VAL_TEXT, out->s = s->name; break;
	case 2: out->kind = TUI_VAL_REAL, out->d = s->price; break;
	case 3: out->kind = TUI_VAL_REAL, out->d = s->moving; break;
	case 4: out->kind = TUI_VAL_REAL, out->d = s->share; break;
	default: out->kind = TUI_VAL_INT, out->i = s->tao_in / 1000000000; break;
	}
}

static const struct tui_column subnet_cols[] = {
	{"NET", 3, 0, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_INT, 0, NULL},
	{"NAME", 4, 16, 1, 0, TUI_ALIGN_LEFT, TUI_FMT_TEXT, 0, NULL},
	{"PRICE", 6, 0, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	{"MOVING", 6, 0, 0, 2, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	{"EMISSION", 5, 0, 0, 1, TUI_ALIGN_RIGHT, TUI_FMT_PERCENT, 1, NULL},
	{"TAO IN", 5, 0, 0, 3, TUI_ALIGN_RIGHT, TUI_FMT_COMPACT, 3, NULL},
};

static void panel(struct tui_canvas *c, const struct tui_glyphs *g)
{
	enum { N = 120 };
	double price[N], moving[N];
	int64_t block[N];
	long p = 1000;
	for (int i = 0; i < N; i++) {
		p += (i * 7919 % 13) - 6 + (i < 70 ? 2 : -3);
		price[i] = (double)p / 10000;
		moving[i] = i ? moving[i - 1] + (price[i] - moving[i - 1]) / 16 : price[0];
		block[i] = 7200 + i * 10;
	}
	struct tui_view v = tui_canvas_view(c);
	struct tui_rect all = {0, 0, c->width, c->height}, rows[3];
	struct tui_size vert[] = {FIXED(1), {TUI_SIZE_FLEX, 1, 6, 0}, FIXED(1)};
	tui_layout_split(all, TUI_ROWS, 0, vert, 3, rows);
	struct tui_view head = tui_view_rect(&v, rows[0]);
	tui_fill(&head, 0, 0, head.w, 1, ' ', TUI_ROLE_TITLE, 0);
	tui_put_str(&head, 1, 0,
		    "taodev \xc2\xb7 subnets & pools \xc2\xb7 block 8390 \xc2\xb7 \xc3\x97"
		    "10",
		    TUI_ROLE_TITLE, 0);
	struct tui_view foot = tui_view_rect(&v, rows[2]);
	tui_put_str(&foot, 0, 0,
		    "q quit  ? help  Tab panel  \xe2\x86\x91\xe2\x86\x93 select  / filter",
		    TUI_ROLE_DIM, 0);

	/* wide: table | chart side by side; narrow: stacked */
	bool wide = rows[1].w >= 160;
	struct tui_rect parts[2];
	struct tui_size side[] = {{TUI_SIZE_PERCENT, 40, 30, 70}, {TUI_SIZE_FLEX, 1, 20, 0}};
	struct tui_size stack[] = {{TUI_SIZE_FIXED, NSUB + 3, 4, 0}, {TUI_SIZE_FLEX, 1, 6, 0}};
	tui_layout_split(rows[1], wide ? TUI_COLS : TUI_ROWS, 0, wide ? side : stack, 2, parts);

	struct tui_view tv = tui_view_rect(&v, parts[0]);
	struct tui_view tin = tui_frame(&tv, "subnets", TUI_ROLE_ACCENT);
	struct tui_rect tparts[2];
	struct tui_size tsplit[] = {{TUI_SIZE_FLEX, 1, 3, 0}, {TUI_SIZE_FIXED, NSUB + 1, 0, 0}};
	int nt = tui_layout_split((struct tui_rect){0, 0, tin.w, tin.h}, TUI_ROWS, 1, tsplit,
				  wide ? 2 : 1, tparts);
	struct tui_table *t = tui_table_new(subnet_cols, 6, subnet_cell, (void *)subnets);
	tui_table_set_rows(t, NSUB);
	tui_table_sort(t, 4, true);
	tui_table_select(t, 1);
	struct tui_view table_v = tui_view_rect(&tin, tparts[0]);
	tui_table_draw(&table_v, t);
	if (nt == 2 && tparts[1].h > 0) {
		/* emission shares as bars under the table when there is room */
		struct tui_view bars = tui_view_rect(&tin, tparts[1]);
		tui_put_str(&bars, 0, 0, "emission share", TUI_ROLE_HEADER, 0);
		for (int i = 1; i < NSUB; i++) {
			tui_put_field(&bars, 0, i, 8, subnets[i].name, TUI_ALIGN_LEFT, 0, 0);
			tui_bar_draw(&bars, 9, i, bars.w - 9, subnets[i].share / 0.4,
				     TUI_ROLE_ACCENT, g);
		}
	}
	tui_table_free(t);

	struct tui_view cv = tui_view_rect(&v, parts[1]);
	struct tui_view cin =
		tui_frame(&cv, "apex (netuid 1): price and moving price", TUI_ROLE_BORDER);
	struct tui_series ser[2] = {
		{"moving price", TUI_ROLE_SERIES2, N, moving, NULL, block, '.'},
		{"price (\xcf\x84/\xce\xb1)", TUI_ROLE_SERIES1, N, price, NULL, block, 0},
	};
	struct tui_chart ch = {0};
	ch.series = ser;
	ch.nseries = 2;
	ch.legend = ch.axes = true;
	tui_chart_draw(&cin, &ch, g);
}

static void test_panel_goldens(void)
{
	static const int sizes[][2] = {{80, 24}, {120, 30}, {300, 60}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int ascii = 0; ascii < 2; ascii++) {
			const struct tui_glyphs *g = ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
			struct tui_canvas *c = tui_canvas_new(sizes[i][0], sizes[i][1]);
			panel(c, g);
			char name[64];
			snprintf(name, sizeof(name), "panel-subnets-%dx%d-%s", c->width, c->height,
				 ascii ? "ascii" : "utf8");
			golden(name, c, g, !ascii && i == 0);
			char *text = tui_canvas_text(c, g);
			ok(rendering_is_rectangular(text, c->width, c->height) &&
				   (!ascii || rendering_is_ascii(text)),
			   "the panel renders %dx%d cells", c->width, c->height);
			free(text);
			tui_canvas_free(c);
		}
	}
}

int main(void)
{
	tap_plan(30);
	test_split();
	test_properties();
	test_panel_goldens();
	return tap_done();
}
