/*
 * tui/table: the metagraph (btcli's columns) at several widths, sorted and
 * filtered, with the selection; layout rules (priorities, minimums, flex);
 * stable sorting and filtering on random data; and the drawing properties.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/tui/golden.h"
#include "tui/format.h"
#include "tui/table.h"

enum { NEURONS = 64 };

struct neuron {
	int uid;
	char hotkey[49], coldkey[49];
	int64_t stake; /* rao */
	double trust, vtrust, consensus, incentive, dividends;
	int64_t emission; /* rao per epoch */
	int updated; /* blocks ago */
	bool active, permit;
};

static struct neuron neurons[NEURONS];

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static void make_neurons(void)
{
	uint64_t s = 4242;
	for (int i = 0; i < NEURONS; i++) {
		struct neuron *n = &neurons[i];
		n->uid = i;
		n->hotkey[0] = n->coldkey[0] = '5';
		for (int k = 1; k < 48; k++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			n->hotkey[k] = b58[(s >> 33) % 58];
			n->coldkey[k] = b58[(s >> 45) % 58];
		}
		n->hotkey[48] = n->coldkey[48] = '\0';
		bool validator = i % 8 == 0;
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned r = (unsigned)(s >> 33);
		n->stake = validator ? (int64_t)(r % 900000 + 1000) * 1000000000
				     : (int64_t)(r % 5000) * 1000000;
		n->permit = validator;
		n->trust = validator ? 0 : (double)(r % 1000) / 1000;
		n->vtrust = validator ? (double)(r % 997) / 1000 : 0;
		n->consensus = validator ? 0 : (double)(r % 613) / 1000;
		n->incentive = validator || i % 7 == 3 ? 0 : (double)(r % 101) / 2000;
		n->dividends = validator ? (double)(r % 89) / 500 : 0;
		n->emission = (int64_t)((n->incentive + n->dividends) * 1e9 * 0.41);
		n->updated = (int)(r % 2000);
		n->active = n->updated < 1000;
	}
}

enum {
	COL_UID,
	COL_HOTKEY,
	COL_STAKE,
	COL_TRUST,
	COL_VTRUST,
	COL_CONS,
	COL_INCENT,
	COL_DIVS,
	COL_EMIT,
	COL_UPDATED,
	COL_ACTIVE,
	COL_PERMIT,
	COL_COLDKEY,
	NCOLS
};

static void tao(const struct tui_value *v, char *buf, size_t n, void *ctx)
{
	(void)ctx;
	/* rao as TAO with 2 decimals and grouped thousands */
	char whole[40];
	tui_fmt_int(whole, sizeof(whole), v->i / 1000000000, true);
	snprintf(buf, n, "%s.%02d", whole, (int)(v->i % 1000000000 / 10000000));
}

static const struct tui_column columns[NCOLS] = {
	[COL_UID] = {"UID", 3, 5, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_INT, 0, NULL},
	[COL_HOTKEY] = {"HOTKEY", 8, 48, 2, 1, TUI_ALIGN_LEFT, TUI_FMT_TEXT, 0, NULL},
	[COL_STAKE] = {"STAKE(\xcf\x84)", 8, 0, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_INT, 0, tao},
	[COL_TRUST] = {"TRUST", 5, 0, 0, 3, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	[COL_VTRUST] = {"V_TRUST", 5, 0, 0, 4, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	[COL_CONS] = {"CONSENSUS", 5, 0, 0, 3, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	[COL_INCENT] = {"INCENTIVE", 5, 0, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	[COL_DIVS] = {"DIVIDENDS", 5, 0, 0, 2, TUI_ALIGN_RIGHT, TUI_FMT_FIXED, 4, NULL},
	[COL_EMIT] = {"EMISSION(\xcf\x81)", 6, 0, 0, 2, TUI_ALIGN_RIGHT, TUI_FMT_COMPACT, 3, NULL},
	[COL_UPDATED] = {"UPDATED", 4, 0, 0, 5, TUI_ALIGN_RIGHT, TUI_FMT_INT, 0, NULL},
	[COL_ACTIVE] = {"ACTIVE", 1, 0, 0, 6, TUI_ALIGN_CENTER, TUI_FMT_TEXT, 0, NULL},
	[COL_PERMIT] = {"VPERMIT", 1, 0, 0, 5, TUI_ALIGN_CENTER, TUI_FMT_TEXT, 0, NULL},
	[COL_COLDKEY] = {"COLDKEY", 8, 48, 1, 7, TUI_ALIGN_LEFT, TUI_FMT_TEXT, 0, NULL},
};

static void neuron_cell(void *ctx, size_t row, int col, struct tui_value *out)
{
	const struct neuron *n = &((const struct neuron *)ctx)[row];
	switch (col) {
	case COL_UID: out->kind = TUI_VAL_INT, out->i = n->uid; break;
	case COL_HOTKEY: out->kind = TUI_VAL_TEXT, out->s = n->hotkey; break;
	case COL_COLDKEY: out->kind = TUI_VAL_TEXT, out->s = n->coldkey; break;
	case COL_STAKE: out->kind = TUI_VAL_INT, out->i = n->stake; break;
	case COL_TRUST: out->kind = TUI_VAL_REAL, out->d = n->trust; break;
	case COL_VTRUST: out->kind = TUI_VAL_REAL, out->d = n->vtrust; break;
	case COL_CONS: out->kind = TUI_VAL_REAL, out->d = n->consensus; break;
	case COL_INCENT:
		out->kind = TUI_VAL_REAL, out->d = n->incentive;
		if (!n->permit && n->incentive == 0)
			out->role = TUI_ROLE_BAD; /* a miner earning nothing */
		break;
	case COL_DIVS: out->kind = TUI_VAL_REAL, out->d = n->dividends; break;
	case COL_EMIT: out->kind = TUI_VAL_INT, out->i = n->emission; break;
	case COL_UPDATED:
		out->kind = TUI_VAL_INT, out->i = n->updated;
		if (n->updated >= 1000)
			out->role = TUI_ROLE_WARN;
		break;
	case COL_ACTIVE: out->kind = TUI_VAL_TEXT, out->s = n->active ? "*" : ""; break;
	case COL_PERMIT: out->kind = TUI_VAL_TEXT, out->s = n->permit ? "*" : ""; break;
	}
}

static void draw_golden(const char *name, struct tui_table *t, int w, int h, bool roles)
{
	for (int ascii = 0; ascii < 2; ascii++) {
		const struct tui_glyphs *g = ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
		struct tui_canvas *c = tui_canvas_new(w, h);
		struct tui_view v = tui_canvas_view(c);
		struct tui_view in = tui_frame(&v, "metagraph: subnet 1", TUI_ROLE_BORDER);
		is_int(tui_table_draw(&in, t), 0, "the metagraph draws");
		char file[80];
		snprintf(file, sizeof(file), "table-%s-%dx%d-%s", name, w, h,
			 ascii ? "ascii" : "utf8");
		golden(file, c, g, roles && !ascii);
		tui_canvas_free(c);
	}
}

static void test_goldens(void)
{
	struct tui_table *t = tui_table_new(columns, NCOLS, neuron_cell, neurons);
	tui_table_set_rows(t, NEURONS);
	tui_table_select(t, 3);
	draw_golden("metagraph", t, 80, 24, true);
	draw_golden("metagraph", t, 40, 10, false);
	draw_golden("metagraph", t, 200, 50, false);
	is_int(tui_table_sort(t, COL_STAKE, true), 0, "sort by stake, descending");
	tui_table_select(t, 30);
	draw_golden("stake", t, 80, 24, true);
	tui_table_filter(t, "5h");
	draw_golden("filter", t, 120, 16, true);
	tui_table_filter(t, "no such key");
	draw_golden("nomatch", t, 60, 6, false);
	tui_table_free(t);
}

static void test_model(void)
{
	struct tui_table *t = tui_table_new(columns, NCOLS, neuron_cell, neurons);
	ok(tui_table_new(columns, 0, neuron_cell, neurons) == NULL, "no columns is refused");
	ok(tui_table_new(columns, NCOLS, NULL, neurons) == NULL, "no callback is refused");
	is_int(tui_table_selected(t), -1, "no rows, no selection");
	tui_table_set_rows(t, NEURONS);
	is_int(tui_table_count(t), NEURONS, "every row shows");
	is_int(tui_table_selected(t), 0, "the first row is selected");
	tui_table_select(t, 17);
	tui_table_sort(t, COL_STAKE, true);
	is_int(tui_table_selected(t), 17, "the selection follows its row through a sort");
	bool desc;
	is_int(tui_table_sort_col(t, &desc), COL_STAKE, "the sort column is known");
	ok(desc, "... and its direction");
	bool sorted = true;
	for (size_t p = 1; p < tui_table_count(t); p++)
		if (neurons[tui_table_row(t, p - 1)].stake < neurons[tui_table_row(t, p)].stake)
			sorted = false;
	ok(sorted, "rows are in descending stake");
	tui_table_sort(t, COL_PERMIT, false);
	bool stable = true;
	for (size_t p = 1; p < tui_table_count(t); p++) {
		long a = tui_table_row(t, p - 1), b = tui_table_row(t, p);
		if (neurons[a].permit == neurons[b].permit && a > b)
			stable = false;
	}
	ok(stable, "ties keep the previous order (stable, on the data's order)");
	ok(!neurons[tui_table_row(t, tui_table_count(t) - 1)].permit,
	   "empty text sorts last even ascending");
	is_int(tui_table_sort(t, NCOLS, false), TUI_EINVAL, "a column out of range is refused");
	tui_table_sort(t, -1, false);
	is_int(tui_table_row(t, 5), 5, "column -1 restores the data's order");

	tui_table_select(t, 40);
	tui_table_filter(t, neurons[40].hotkey + 10);
	is_int(tui_table_count(t), 1, "a filter on a hotkey's middle finds its row");
	is_int(tui_table_selected(t), 40, "... and keeps it selected");
	tui_table_filter(t, "");
	is_int(tui_table_count(t), NEURONS, "an empty filter shows all");
	tui_table_move(t, 1000);
	is_int(tui_table_selected_pos(t), NEURONS - 1, "moving past the end stops at the last row");
	tui_table_move(t, -5);
	is_int(tui_table_selected_pos(t), NEURONS - 6, "moving up");
	tui_table_move(t, -(1L << 62));
	is_int(tui_table_selected_pos(t), 0, "a huge move saturates at the top");

	struct tui_canvas *c = tui_canvas_new(80, 10);
	struct tui_view v = tui_canvas_view(c);
	tui_table_select(t, 50);
	tui_table_draw(&v, t);
	is_int(tui_table_pos_at(t, 9), 50,
	       "the selection is drawn on the last line after scrolling");
	is_int(tui_table_pos_at(t, 0), -1, "the header line is no row");
	tui_canvas_free(c);

	int w[NCOLS];
	int shown = tui_table_layout(t, 80, w);
	int used = shown - 1;
	for (int i = 0; i < NCOLS; i++)
		used += w[i];
	ok(used <= 80, "the layout fits 80 columns (%d used)", used);
	ok(w[COL_UID] && w[COL_STAKE] && w[COL_INCENT], "priority-0 columns stay at 80");
	ok(!w[COL_COLDKEY], "the coldkey goes first when narrow");
	shown = tui_table_layout(t, 20, w);
	ok(w[COL_UID] && w[COL_STAKE] && w[COL_INCENT] && shown == 3,
	   "at 20 columns only the priority-0 columns remain");
	shown = tui_table_layout(t, 400, w);
	ok(shown == NCOLS && w[COL_HOTKEY] == 48 && w[COL_COLDKEY] == 48,
	   "at 400 columns all show and flex columns reach their maximum");
	tui_table_free(t);
}

/* Random tables: a stable sort agrees with a reference insertion sort,
 * the filter with a reference scan, and drawing stays in its view. */
struct rnd {
	int64_t num[300];
	double real[300];
	char text[300][12];
};

static void rnd_cell(void *ctx, size_t row, int col, struct tui_value *out)
{
	const struct rnd *r = ctx;
	switch (col) {
	case 0: out->kind = TUI_VAL_INT, out->i = r->num[row]; break;
	case 1:
		out->kind = isnan(r->real[row]) && row % 2 ? TUI_VAL_NONE : TUI_VAL_REAL;
		out->d = r->real[row];
		break;
	default: out->kind = TUI_VAL_TEXT, out->s = r->text[row]; break;
	}
}

static const struct tui_column rnd_cols[3] = {
	{"N", 1, 0, 0, 0, TUI_ALIGN_RIGHT, TUI_FMT_INT, 0, NULL},
	{"REAL", 4, 10, 1, 1, TUI_ALIGN_RIGHT, TUI_FMT_COMPACT, 3, NULL},
	{"TEXT", 2, 0, 2, 2, TUI_ALIGN_LEFT, TUI_FMT_TEXT, 0, NULL},
};

static int ref_cmp(const struct rnd *r, int col, size_t a, size_t b)
{
	if (col == 0)
		return (r->num[a] > r->num[b]) - (r->num[a] < r->num[b]);
	if (col == 1) {
		bool na = isnan(r->real[a]), nb = isnan(r->real[b]);
		if (na || nb)
			return na - nb; /* NaN last, either direction: handled by caller */
		return (r->real[a] > r->real[b]) - (r->real[a] < r->real[b]);
	}
	bool ea = !r->text[a][0], eb = !r->text[b][0];
	if (ea || eb)
		return ea - eb;
	int x = strcasecmp(r->text[a], r->text[b]);
	return x ? x : strcmp(r->text[a], r->text[b]);
}

static void test_properties(void)
{
	tap_rand_seed(0x7ab1e);
	static struct rnd r;
	bool sort_ok = true, filter_ok = true, inside = true, rect = true, sel_ok = true;
	struct tui_canvas *c = tui_canvas_new(120, 40);
	for (int it = 0; it < 300; it++) {
		size_t n = tap_rand() % 300;
		for (size_t i = 0; i < n; i++) {
			r.num[i] = (int64_t)(tap_rand() % 7) - 3;
			if (tap_rand() % 50 == 0)
				r.num[i] = tap_rand() % 2 ? INT64_MAX : INT64_MIN;
			r.real[i] = tap_rand() % 6 == 0 ? NAN : (double)(tap_rand() % 5) / 4;
			int len = (int)(tap_rand() % 11);
			for (int k = 0; k < len; k++)
				r.text[i][k] = "aAbB\xcf\x84 "[tap_rand() % 7];
			r.text[i][len] = '\0';
		}
		struct tui_table *t = tui_table_new(rnd_cols, 3, rnd_cell, &r);
		tui_table_set_rows(t, n);
		int col = (int)(tap_rand() % 3);
		bool desc = tap_rand() % 2;
		tui_table_sort(t, col, desc);
		for (size_t p = 1; p < tui_table_count(t); p++) {
			size_t a = (size_t)tui_table_row(t, p - 1), b = (size_t)tui_table_row(t, p);
			int k = ref_cmp(&r, col, a, b);
			/* empty values: NaN reals, empty text */
			bool nan_a = (col == 1 && isnan(r.real[a])) || (col == 2 && !r.text[a][0]);
			bool nan_b = (col == 1 && isnan(r.real[b])) || (col == 2 && !r.text[b][0]);
			if (nan_a && !nan_b)
				sort_ok = false; /* empty before a value */
			else if (!nan_a && !nan_b && (desc ? k < 0 : k > 0))
				sort_ok = false;
			else if ((k == 0 || (nan_a && nan_b)) && a > b)
				sort_ok = false; /* ties in data order */
		}
		char needle[3] = {"aAb "[tap_rand() % 4], "aAb1"[tap_rand() % 4], '\0'};
		if (tap_rand() % 2)
			needle[1] = '\0';
		tui_table_filter(t, needle);
		size_t want = 0;
		for (size_t i = 0; i < n; i++) {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)r.num[i]);
			bool hit = strcasestr(r.text[i], needle) || strcasestr(num, needle);
			want += hit;
		}
		/* the REAL column's text ("0.25", "nan"...) can match digits only */
		if (needle[0] != '1' && needle[1] != '1' && tui_table_count(t) != want)
			filter_ok = false;
		tui_table_move(t, (long)(tap_rand() % 600) - 300);
		long sp = tui_table_selected_pos(t);
		if (tui_table_count(t) ? sp < 0 || sp >= (long)tui_table_count(t) : sp != -1)
			sel_ok = false;
		sentinel_fill(c);
		struct tui_view root = tui_canvas_view(c);
		struct tui_view v =
			tui_view_sub(&root, (int)(tap_rand() % 40) - 10, (int)(tap_rand() % 20) - 5,
				     (int)(tap_rand() % 130), (int)(tap_rand() % 45));
		tui_table_draw(&v, t);
		if (!drawn_only_inside(c, &v, true))
			inside = false;
		char *text = tui_canvas_text(c, &tui_glyphs_utf8);
		if (!rendering_is_rectangular(text, c->width, c->height))
			rect = false;
		free(text);
		tui_table_free(t);
	}
	tui_canvas_free(c);
	ok(sort_ok, "random sorts are ordered, stable, empty values last");
	ok(filter_ok, "random filters find the rows a plain scan finds");
	ok(sel_ok, "the selection always stays on a row shown");
	ok(inside, "random tables draw every cell of their view and nothing outside");
	ok(rect, "every rendering has exactly width cells per row");
}

int main(void)
{
	tap_plan(56);
	make_neurons();
	test_goldens();
	test_model();
	test_properties();
	return tap_done();
}
