/*
 * The table view model: see table.h.
 *
 * Every change (new rows, sort, filter) rebuilds the list of rows shown in
 * one pass over the data: each cell is formatted once to test the filter
 * and to measure the columns' natural widths, the sort column's values are
 * copied as keys, and a merge sort (stable by construction) orders them.
 * Drawing asks the callback again only for the rows on screen.
 */
#include "tui/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/format.h"

#define MAX_COLS 64
#define TEXT_MAX 256

struct key {
	enum tui_value_kind kind;
	int64_t i;
	double d;
	char *s;
};

struct tui_table {
	const struct tui_column *cols;
	int ncols;
	tui_cell_fn cell;
	void *ctx;
	size_t nrows;
	int sort_col; /* -1: data order */
	bool desc;
	char *needle; /* NULL: no filter */
	size_t *order; /* data rows shown, in order */
	size_t norder;
	int natural[MAX_COLS]; /* widest text per column among the rows shown */
	long sel_pos; /* position among the rows shown; -1: none */
	long sel_row; /* its data row, followed across rebuilds; -1: none */
	long top; /* first position drawn */
};

/* ---- values and text ----------------------------------------------------- */

static void get(const struct tui_table *t, size_t row, int col, struct tui_value *v)
{
	memset(v, 0, sizeof(*v));
	t->cell(t->ctx, row, col, v);
	if (v->kind == TUI_VAL_TEXT && (!v->s || !v->s[0]))
		v->kind = TUI_VAL_NONE; /* empty text is an empty cell: it sorts last */
	if (v->kind == TUI_VAL_REAL && isnan(v->d))
		v->kind = TUI_VAL_NONE;
	if (v->kind != TUI_VAL_INT && v->kind != TUI_VAL_REAL && v->kind != TUI_VAL_TEXT)
		v->kind = TUI_VAL_NONE;
}

static bool numeric(const struct tui_value *v)
{
	return v->kind == TUI_VAL_INT || v->kind == TUI_VAL_REAL;
}

static double as_double(const struct tui_value *v)
{
	return v->kind == TUI_VAL_INT ? (double)v->i : v->d;
}

static void format(const struct tui_table *t, int col, const struct tui_value *v, char *buf,
		   size_t n)
{
	const struct tui_column *c = &t->cols[col];
	buf[0] = '\0';
	if (v->kind == TUI_VAL_NONE)
		return;
	if (c->format) {
		c->format(v, buf, n, t->ctx);
		return;
	}
	if (v->kind == TUI_VAL_TEXT) {
		snprintf(buf, n, "%s", v->s);
		return;
	}
	double d = as_double(v);
	switch (c->fmt) {
	case TUI_FMT_INT:
		if (v->kind == TUI_VAL_INT)
			tui_fmt_int(buf, n, v->i, true);
		else if (isfinite(d) && fabs(d) < 9e18)
			tui_fmt_int(buf, n, (int64_t)llround(d), true);
		else
			tui_fmt_compact(buf, n, d, 3);
		break;
	case TUI_FMT_FIXED: tui_fmt_fixed(buf, n, d, c->decimals); break;
	case TUI_FMT_COMPACT: tui_fmt_compact(buf, n, d, c->decimals ? c->decimals : 3); break;
	case TUI_FMT_PERCENT: {
		size_t len = (size_t)tui_fmt_fixed(buf, n, d * 100, c->decimals);
		if (len + 1 < n && isfinite(d))
			buf[len] = '%', buf[len + 1] = '\0';
		break;
	}
	default:
		if (v->kind == TUI_VAL_INT)
			snprintf(buf, n, "%lld", (long long)v->i);
		else
			snprintf(buf, n, "%g", d);
		break;
	}
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       lower((unsigned char)hay[i]) == lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static int strcmp_ci(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
		if (x != y || !x)
			return x - y;
	}
}

/* ---- order --------------------------------------------------------------- */

/* Empty values last in both directions; numbers before text. */
static int compare(const struct key *a, const struct key *b, bool desc)
{
	bool an = a->kind == TUI_VAL_NONE, bn = b->kind == TUI_VAL_NONE;
	if (an || bn)
		return an - bn;
	bool at = a->kind == TUI_VAL_TEXT, bt = b->kind == TUI_VAL_TEXT;
	if (at != bt)
		return at - bt;
	int r;
	if (at) {
		r = strcmp_ci(a->s, b->s);
		if (r == 0)
			r = strcmp(a->s, b->s);
	} else if (a->kind == TUI_VAL_INT && b->kind == TUI_VAL_INT) {
		r = (a->i > b->i) - (a->i < b->i);
	} else {
		double x = a->kind == TUI_VAL_INT ? (double)a->i : a->d;
		double y = b->kind == TUI_VAL_INT ? (double)b->i : b->d;
		r = (x > y) - (x < y);
	}
	r = r > 0 ? 1 : r < 0 ? -1 : 0;
	return desc ? -r : r;
}

/* Bottom-up merge sort of idx (positions into keys): stable. */
static void merge_sort(size_t *idx, size_t n, const struct key *keys, bool desc)
{
	size_t *tmp = tui_xreallocarray(NULL, n, sizeof(*tmp));
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = compare(&keys[idx[j]], &keys[idx[i]], desc) < 0
						   ? idx[j++]
						   : idx[i++];
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		memcpy(idx, tmp, n * sizeof(*idx));
	}
	free(tmp);
}

static void rebuild(struct tui_table *t)
{
	char buf[TEXT_MAX];
	struct tui_value v;
	t->order = tui_xreallocarray(t->order, t->nrows, sizeof(*t->order));
	t->norder = 0;
	for (int c = 0; c < t->ncols; c++)
		t->natural[c] = 0;
	int *w = tui_xreallocarray(NULL, (size_t)t->ncols, sizeof(int));
	for (size_t r = 0; r < t->nrows; r++) {
		bool match = !t->needle;
		for (int c = 0; c < t->ncols; c++) {
			get(t, r, c, &v);
			format(t, c, &v, buf, sizeof(buf));
			w[c] = tui_str_width(buf);
			if (!match && contains_ci(buf, t->needle))
				match = true;
		}
		if (!match)
			continue;
		t->order[t->norder++] = r;
		for (int c = 0; c < t->ncols; c++)
			if (w[c] > t->natural[c])
				t->natural[c] = w[c];
	}
	free(w);

	if (t->sort_col >= 0 && t->norder > 1) {
		struct key *keys = tui_xcalloc(t->norder, sizeof(*keys));
		size_t *idx = tui_xreallocarray(NULL, t->norder, sizeof(*idx));
		for (size_t p = 0; p < t->norder; p++) {
			get(t, t->order[p], t->sort_col, &v);
			keys[p].kind = v.kind;
			keys[p].i = v.i;
			keys[p].d = v.d;
			keys[p].s = v.kind == TUI_VAL_TEXT ? tui_xstrdup(v.s) : NULL;
			idx[p] = p;
		}
		merge_sort(idx, t->norder, keys, t->desc);
		size_t *sorted = tui_xreallocarray(NULL, t->norder, sizeof(*sorted));
		for (size_t p = 0; p < t->norder; p++)
			sorted[p] = t->order[idx[p]];
		memcpy(t->order, sorted, t->norder * sizeof(*sorted));
		free(sorted);
		for (size_t p = 0; p < t->norder; p++)
			free(keys[p].s);
		free(keys);
		free(idx);
	}

	/* the selection follows its row, or stays where it was */
	long pos = -1;
	if (t->sel_row >= 0)
		for (size_t p = 0; p < t->norder; p++)
			if ((long)t->order[p] == t->sel_row)
				pos = (long)p;
	if (pos < 0)
		pos = t->sel_pos < 0 ? 0 : t->sel_pos;
	tui_table_select(t, pos);
}

/* ---- public model -------------------------------------------------------- */

struct tui_table *tui_table_new(const struct tui_column *cols, int ncols, tui_cell_fn cell,
				void *ctx)
{
	if (!cols || !cell || ncols < 1 || ncols > MAX_COLS)
		return NULL;
	struct tui_table *t = tui_xcalloc(1, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->cell = cell;
	t->ctx = ctx;
	t->sort_col = -1;
	t->sel_pos = t->sel_row = -1;
	return t;
}

void tui_table_free(struct tui_table *t)
{
	if (!t)
		return;
	free(t->order);
	free(t->needle);
	free(t);
}

void tui_table_set_rows(struct tui_table *t, size_t nrows)
{
	t->nrows = nrows;
	if (t->sel_row >= (long)nrows)
		t->sel_row = -1;
	rebuild(t);
}

int tui_table_sort(struct tui_table *t, int col, bool desc)
{
	if (col < -1 || col >= t->ncols)
		return TUI_EINVAL;
	t->sort_col = col;
	t->desc = desc;
	rebuild(t);
	return 0;
}

int tui_table_sort_col(const struct tui_table *t, bool *desc)
{
	if (desc)
		*desc = t->desc;
	return t->sort_col;
}

void tui_table_filter(struct tui_table *t, const char *needle)
{
	free(t->needle);
	t->needle = needle && *needle ? tui_xstrdup(needle) : NULL;
	rebuild(t);
}

size_t tui_table_count(const struct tui_table *t) { return t->norder; }

long tui_table_row(const struct tui_table *t, size_t pos)
{
	return pos < t->norder ? (long)t->order[pos] : -1;
}

void tui_table_select(struct tui_table *t, long pos)
{
	if (t->norder == 0) {
		t->sel_pos = -1;
		return;
	}
	if (pos < 0)
		pos = 0;
	if (pos >= (long)t->norder)
		pos = (long)t->norder - 1;
	t->sel_pos = pos;
	t->sel_row = (long)t->order[pos];
}

void tui_table_move(struct tui_table *t, long delta)
{
	long p = t->sel_pos < 0 ? 0 : t->sel_pos;
	/* saturate rather than overflow on huge page moves */
	if (delta > 0 && p > (long)t->norder - delta)
		p = (long)t->norder;
	else if (delta < 0 && p < -delta)
		p = 0;
	else
		p += delta;
	tui_table_select(t, p);
}

long tui_table_selected_pos(const struct tui_table *t) { return t->norder ? t->sel_pos : -1; }

long tui_table_selected(const struct tui_table *t)
{
	return t->norder && t->sel_pos >= 0 ? (long)t->order[t->sel_pos] : -1;
}

long tui_table_pos_at(const struct tui_table *t, int y)
{
	if (y < 1)
		return -1;
	long pos = t->top + y - 1;
	return pos < (long)t->norder ? pos : -1;
}

/* ---- layout -------------------------------------------------------------- */

static int floor_width(const struct tui_column *c) { return c->min > 0 ? c->min : 1; }

static int title_width(const struct tui_table *t, int c)
{
	return tui_str_width(t->cols[c].title ? t->cols[c].title : "") + (c == t->sort_col);
}

int tui_table_layout(const struct tui_table *t, int width, int *widths)
{
	int n = t->ncols, want[MAX_COLS];
	bool shown[MAX_COLS];
	int k = n;
	if (width < 0)
		width = 0;
	for (int c = 0; c < n; c++) {
		const struct tui_column *col = &t->cols[c];
		int w = title_width(t, c);
		if (t->natural[c] > w)
			w = t->natural[c];
		if (col->max > 0 && w > col->max)
			w = col->max;
		if (w < col->min)
			w = col->min;
		want[c] = w;
		shown[c] = true;
	}
	/* Drop columns, highest priority number first (rightmost on ties),
	 * until the others fit at their wanted widths, flex columns counted at
	 * their minimum: better fewer columns than every column cut. */
	for (;;) {
		long need = k > 0 ? k - 1 : 0;
		for (int c = 0; c < n; c++)
			if (shown[c])
				need += t->cols[c].flex > 0 ? floor_width(&t->cols[c]) : want[c];
		if (need <= width || k <= 1)
			break;
		int drop = -1;
		for (int c = 0; c < n; c++)
			if (shown[c] && t->cols[c].priority > 0 &&
			    (drop < 0 || t->cols[c].priority >= t->cols[drop].priority))
				drop = c;
		if (drop < 0)
			break; /* only priority-0 columns left: they shrink instead */
		shown[drop] = false;
		k--;
	}
	long total = k > 0 ? k - 1 : 0;
	for (int c = 0; c < n; c++)
		if (shown[c])
			total += want[c];
	/* shrink towards the minimums: flex columns first, then the others,
	 * least important (highest priority number, rightmost) first */
	for (int pass = 0; pass < 2 && total > width; pass++) {
		while (total > width) {
			int pick = -1;
			for (int c = 0; c < n; c++) {
				bool flex = t->cols[c].flex > 0;
				if (!shown[c] || want[c] <= floor_width(&t->cols[c]) ||
				    (pass == 0) != flex)
					continue;
				if (pick < 0 || t->cols[c].priority >= t->cols[pick].priority)
					pick = c;
			}
			if (pick < 0)
				break;
			long give = want[pick] - floor_width(&t->cols[pick]);
			if (give > total - width)
				give = total - width;
			want[pick] -= (int)give;
			total -= give;
		}
	}
	/* still too wide: drop priority-0 columns from the right, keeping one */
	for (int c = n - 1; c >= 0 && total > width && k > 1; c--) {
		if (!shown[c])
			continue;
		shown[c] = false;
		total -= want[c] + 1;
		k--;
	}
	if (total > width) {
		/* one column wider than everything: cut it to the width */
		for (int c = 0; c < n; c++)
			if (shown[c])
				want[c] = width;
		total = width;
	}
	/* spare room to flex columns, by weight, within their maximums */
	long spare = width - total;
	while (spare > 0) {
		long weight = 0;
		for (int c = 0; c < n; c++)
			if (shown[c] && t->cols[c].flex > 0 &&
			    (t->cols[c].max == 0 || want[c] < t->cols[c].max))
				weight += t->cols[c].flex;
		if (weight == 0)
			break;
		long given = 0, cum = 0, prev = 0;
		for (int c = 0; c < n; c++) {
			if (!shown[c] || t->cols[c].flex <= 0 ||
			    (t->cols[c].max > 0 && want[c] >= t->cols[c].max))
				continue;
			cum += t->cols[c].flex;
			long end = spare * cum / weight, add = end - prev;
			prev = end;
			if (t->cols[c].max > 0 && want[c] + add > t->cols[c].max)
				add = t->cols[c].max - want[c];
			want[c] += (int)add;
			given += add;
		}
		if (given == 0)
			break;
		spare -= given;
	}
	for (int c = 0; c < n; c++)
		widths[c] = shown[c] ? want[c] : 0;
	return k;
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_value(const struct tui_view *v, const struct tui_table *t, int col, int x, int y,
		       int w, const struct tui_value *val, int role)
{
	char buf[TEXT_MAX];
	format(t, col, val, buf, sizeof(buf));
	const struct tui_column *c = &t->cols[col];
	if (tui_str_width(buf) > w && numeric(val) && !c->format) {
		/* a number is never cut: shorter forms, then '#' */
		for (int sig = 3; sig >= 1 && tui_str_width(buf) > w; sig--)
			tui_fmt_compact(buf, sizeof(buf), as_double(val), sig);
		if (tui_str_width(buf) > w) {
			tui_fill(v, x, y, w, 1, '#', role, 0);
			return;
		}
	}
	tui_put_field(v, x, y, w, buf, c->align, role, 0);
}

int tui_table_draw(const struct tui_view *v, struct tui_table *t)
{
	if (!v || !t)
		return TUI_EINVAL;
	int widths[MAX_COLS];
	tui_fill(v, 0, 0, v->w, v->h, ' ', TUI_ROLE_DEFAULT, 0);
	if (v->w <= 0 || v->h <= 0)
		return 0;
	tui_table_layout(t, v->w, widths);

	/* header */
	tui_fill(v, 0, 0, v->w, 1, ' ', TUI_ROLE_HEADER, 0);
	int x = 0;
	for (int c = 0; c < t->ncols; c++) {
		if (!widths[c])
			continue;
		char title[TEXT_MAX];
		const char *arrow = c != t->sort_col ? "" : t->desc ? "\u25bc" : "\u25b2";
		snprintf(title, sizeof(title), "%s%s", t->cols[c].title ? t->cols[c].title : "",
			 arrow);
		tui_put_field(v, x, 0, widths[c], title, t->cols[c].align, TUI_ROLE_HEADER, 0);
		x += widths[c] + 1;
	}

	/* rows: scroll so that the selection shows */
	long lines = v->h - 1;
	if (t->sel_pos >= 0 && lines > 0) {
		if (t->sel_pos < t->top)
			t->top = t->sel_pos;
		if (t->sel_pos >= t->top + lines)
			t->top = t->sel_pos - lines + 1;
	}
	if (t->top > (long)t->norder - lines)
		t->top = (long)t->norder - lines;
	if (t->top < 0)
		t->top = 0;
	if (t->norder == 0 && v->h > 1) {
		char msg[TEXT_MAX];
		if (t->needle)
			snprintf(msg, sizeof(msg), "no row matches '%s'", t->needle);
		else
			snprintf(msg, sizeof(msg), "no rows");
		tui_put_field(v, 0, 1, v->w, msg, TUI_ALIGN_LEFT, TUI_ROLE_DIM, 0);
		return 0;
	}
	for (long y = 1; y <= lines; y++) {
		long pos = t->top + y - 1;
		if (pos >= (long)t->norder)
			break;
		bool sel = pos == t->sel_pos;
		if (sel)
			tui_fill(v, 0, (int)y, v->w, 1, ' ', TUI_ROLE_SELECTION, 0);
		x = 0;
		for (int c = 0; c < t->ncols; c++) {
			if (!widths[c])
				continue;
			struct tui_value val;
			get(t, t->order[pos], c, &val);
			int role = sel					       ? TUI_ROLE_SELECTION
				   : val.role > 0 && val.role < TUI_ROLE_COUNT ? val.role
									       : TUI_ROLE_DEFAULT;
			draw_value(v, t, c, x, (int)y, widths[c], &val, role);
			x += widths[c] + 1;
		}
	}
	return 0;
}
