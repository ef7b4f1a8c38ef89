/*
 * Heatmaps: see heatmap.h.
 */
#include "tui/heatmap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"

static const char ascii_ramp[] = " .:-=+*#%@"; /* 9 levels above zero */
static const uint32_t shade_ramp[] = {' ', 0x2591, 0x2592, 0x2593, 0x2588}; /* 4 levels */

void tui_heatmap_init(struct tui_heatmap *hm, const struct tui_matrix *m)
{
	memset(hm, 0, sizeof(*hm));
	hm->m = *m;
	hm->zoom_r = hm->zoom_c = 1;
	hm->agg = TUI_HEAT_MAX;
	hm->mode = TUI_HEAT_SHADE;
	hm->labels = hm->status = true;
}

static size_t stride_of(const struct tui_matrix *m)
{
	return m->stride ? m->stride : (size_t)m->cols;
}

double tui_heatmap_value(const struct tui_heatmap *hm, int r, int c)
{
	const struct tui_matrix *m = &hm->m;
	if (r < 0 || c < 0 || r >= m->rows || c >= m->cols)
		return NAN;
	size_t i = (size_t)r * stride_of(m) + (size_t)c;
	double v;
	if (m->v)
		v = m->v[i];
	else if (m->u16)
		v = m->u16[i] / 65535.0;
	else
		return NAN;
	if (isnan(v))
		return NAN;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* ---- geometry ------------------------------------------------------------ */

struct geo {
	bool labels, extra, status;
	int label_w; /* row labels and their gap */
	int grid_x, grid_y, grid_w, grid_h; /* cells */
	int rule_y, extra_y, status_y; /* -1: absent */
	int rpc, cpc; /* items per text row and per cell column */
};

static int digits(long v)
{
	char b[24];
	return snprintf(b, sizeof(b), "%ld", v);
}

static int id_of(const int *ids, int i) { return ids ? ids[i] : i; }

static void geometry(const struct tui_heatmap *hm, int w, int h, struct geo *g)
{
	memset(g, 0, sizeof(*g));
	int zr = hm->zoom_r > 0 ? hm->zoom_r : 1, zc = hm->zoom_c > 0 ? hm->zoom_c : 1;
	g->rpc = zr * (hm->mode == TUI_HEAT_HALF ? 2 : 1);
	g->cpc = zc;
	g->labels = hm->labels;
	g->extra = hm->extra != NULL;
	g->status = hm->status;

	int lw = 1;
	for (int r = 0; r < hm->m.rows; r++) {
		int d = digits(id_of(hm->row_ids, r));
		lw = d > lw ? d : lw;
	}
	if (g->extra) {
		int d = tui_str_width(hm->extra_label ? hm->extra_label : "cons");
		lw = d > lw ? d : lw;
	}
	for (int pass = 0; pass < 4; pass++) {
		int fixed = (g->labels ? 1 : 0) + (g->extra ? 2 : 0) + (g->status ? 1 : 0);
		g->label_w = g->labels ? lw + 1 : 0;
		g->grid_h = h - fixed;
		g->grid_w = w - g->label_w;
		if (g->grid_h >= 1 && g->grid_w >= 1)
			break;
		/* too small: give up the status line, then labels, then the extra row */
		if (g->status)
			g->status = false;
		else if (g->labels)
			g->labels = false;
		else
			g->extra = false;
	}
	if (g->grid_h < 0)
		g->grid_h = 0;
	if (g->grid_w < 0)
		g->grid_w = 0;
	g->grid_x = g->label_w;
	g->grid_y = g->labels ? 1 : 0;
	g->rule_y = g->extra ? g->grid_y + g->grid_h : -1;
	g->extra_y = g->extra ? g->rule_y + 1 : -1;
	g->status_y = g->status ? g->grid_y + g->grid_h + (g->extra ? 2 : 0) : -1;
}

void tui_heatmap_capacity(const struct tui_heatmap *hm, int w, int h, int *rows, int *cols)
{
	struct geo g;
	geometry(hm, w, h, &g);
	*rows = g.grid_h * g.rpc;
	*cols = g.grid_w * g.cpc;
}

static int zoom_for(int items, int cells)
{
	return cells > 0 && items > cells ? (items + cells - 1) / cells : 1;
}

void tui_heatmap_fit(struct tui_heatmap *hm, int w, int h, bool allow_half)
{
	struct geo g;
	hm->mode = TUI_HEAT_SHADE;
	geometry(hm, w, h, &g);
	hm->zoom_r = zoom_for(hm->m.rows, g.grid_h);
	hm->zoom_c = zoom_for(hm->m.cols, g.grid_w);
	if (allow_half && zoom_for(hm->m.rows, g.grid_h * 2) < hm->zoom_r) {
		hm->mode = TUI_HEAT_HALF;
		hm->zoom_r = zoom_for(hm->m.rows, g.grid_h * 2);
	}
	hm->row0 = hm->col0 = 0;
}

void tui_heatmap_move(struct tui_heatmap *hm, int dr, int dc)
{
	long r = (long)hm->cur_r + dr, c = (long)hm->cur_c + dc;
	hm->cur_r = (int)(r < 0 ? 0 : r >= hm->m.rows ? hm->m.rows - 1 : r);
	hm->cur_c = (int)(c < 0 ? 0 : c >= hm->m.cols ? hm->m.cols - 1 : c);
	if (hm->cur_r < 0)
		hm->cur_r = 0;
	if (hm->cur_c < 0)
		hm->cur_c = 0;
}

/* Scroll offset: a multiple of unit, cursor (if >= 0) within cap items of
 * it, never past the last whole cell. */
static int scroll(int off, int cursor, int n, int unit, int cap)
{
	if (cap <= 0)
		return 0;
	off = off < 0 ? 0 : off / unit * unit;
	if (cursor >= 0) {
		int cell = cursor / unit * unit;
		if (cell < off)
			off = cell;
		else if (cursor >= off + cap)
			off = cell + unit - cap;
	}
	int cells = (n + unit - 1) / unit;
	int last = cells * unit - cap;
	if (off > last)
		off = last;
	if (off < 0)
		off = 0;
	return off / unit * unit;
}

void tui_heatmap_follow(struct tui_heatmap *hm, int w, int h)
{
	if (hm->zoom_r < 1)
		hm->zoom_r = 1;
	if (hm->zoom_c < 1)
		hm->zoom_c = 1;
	if (hm->cur_r >= 0 && hm->cur_c >= 0)
		tui_heatmap_move(hm, 0, 0);
	struct geo g;
	geometry(hm, w, h, &g);
	int cr = hm->cur_r >= 0 && hm->cur_c >= 0 ? hm->cur_r : -1;
	int cc = hm->cur_r >= 0 && hm->cur_c >= 0 ? hm->cur_c : -1;
	/* half blocks scroll by half a text row: one zoomed row of items */
	hm->row0 = scroll(hm->row0, cr, hm->m.rows, hm->zoom_r, g.grid_h * g.rpc);
	hm->col0 = scroll(hm->col0, cc, hm->m.cols, hm->zoom_c, g.grid_w * g.cpc);
}

/* ---- drawing ------------------------------------------------------------- */

/* Aggregates items [r0, r0+nr) x [c0, c0+nc); false when the block lies
 * outside the matrix. *out is NaN when no item has a value. */
static bool aggregate(const struct tui_heatmap *hm, int r0, int nr, int c0, int nc, double *out)
{
	const struct tui_matrix *m = &hm->m;
	if (r0 >= m->rows || c0 >= m->cols || r0 < 0 || c0 < 0)
		return false;
	int r1 = r0 + nr > m->rows ? m->rows : r0 + nr;
	int c1 = c0 + nc > m->cols ? m->cols : c0 + nc;
	double acc = 0;
	int n = 0;
	for (int r = r0; r < r1; r++) {
		for (int c = c0; c < c1; c++) {
			double v = tui_heatmap_value(hm, r, c);
			if (isnan(v))
				continue;
			if (hm->agg == TUI_HEAT_MAX)
				acc = n == 0 || v > acc ? v : acc;
			else
				acc += v;
			n++;
		}
	}
	*out = n == 0 ? NAN : hm->agg == TUI_HEAT_MEAN ? acc / n : acc;
	return true;
}

/* Like aggregate, for the extra row. */
static bool aggregate_extra(const struct tui_heatmap *hm, int c0, int nc, double *out)
{
	if (c0 < 0 || c0 >= hm->m.cols)
		return false;
	int c1 = c0 + nc > hm->m.cols ? hm->m.cols : c0 + nc;
	double acc = 0;
	int n = 0;
	for (int c = c0; c < c1; c++) {
		double v = hm->extra[c];
		if (isnan(v))
			continue;
		v = v < 0 ? 0 : v > 1 ? 1 : v;
		if (hm->agg == TUI_HEAT_MAX)
			acc = n == 0 || v > acc ? v : acc;
		else
			acc += v;
		n++;
	}
	*out = n == 0 ? NAN : hm->agg == TUI_HEAT_MEAN ? acc / n : acc;
	return true;
}

static int heat_level(double v)
{
	if (!(v > 0))
		return 0;
	int l = (int)ceil(v * (TUI_HEAT_LEVELS - 1));
	return l < 1 ? 1 : l > TUI_HEAT_LEVELS - 1 ? TUI_HEAT_LEVELS - 1 : l;
}

/* One shaded cell for value v (NaN: no value). */
static struct tui_cell shade_cell(double v, bool blocks)
{
	struct tui_cell c = {' ', TUI_ROLE_HEAT0, TUI_ROLE_DEFAULT, 0, 0};
	if (isnan(v)) {
		c.cp = blocks ? 0xb7 : '`';
		c.role = TUI_ROLE_DIM;
		return c;
	}
	if (!(v > 0))
		return c;
	c.role = (uint8_t)(TUI_ROLE_HEAT0 + heat_level(v));
	if (blocks) {
		int i = (int)ceil(v * 4);
		c.cp = shade_ramp[i < 1 ? 1 : i > 4 ? 4 : i];
	} else {
		int i = (int)ceil(v * 9);
		c.cp = (uint8_t)ascii_ramp[i < 1 ? 1 : i > 9 ? 9 : i];
	}
	return c;
}

/* Two rows in one cell: ▀ / ▄ with fore and back roles, or ' . : in ASCII. */
static struct tui_cell half_cell(bool has_top, double top, bool has_bot, double bot, bool blocks)
{
	struct tui_cell c = {' ', TUI_ROLE_HEAT0, TUI_ROLE_DEFAULT, 0, 0};
	bool t = has_top && top > 0, b = has_bot && bot > 0;
	int lt = t ? heat_level(top) : 0, lb = b ? heat_level(bot) : 0;
	if (!t && !b)
		return c;
	if (blocks) {
		c.cp = t ? 0x2580 : 0x2584;
		c.role = (uint8_t)(TUI_ROLE_HEAT0 + (t ? lt : lb));
		if (t && b)
			c.bg = (uint8_t)(TUI_ROLE_HEAT0 + lb);
	} else {
		c.cp = t && b ? ':' : t ? '\'' : '.';
		c.role = (uint8_t)(TUI_ROLE_HEAT0 + (lt > lb ? lt : lb));
	}
	return c;
}

static bool check(const struct tui_heatmap *hm)
{
	const struct tui_matrix *m = &hm->m;
	if (m->rows < 0 || m->cols < 0 || hm->zoom_r < 1 || hm->zoom_c < 1)
		return false;
	if ((long)m->rows * m->cols > 0 && !m->v && !m->u16)
		return false;
	if (m->stride && m->stride < (size_t)m->cols)
		return false;
	if (hm->agg != TUI_HEAT_MAX && hm->agg != TUI_HEAT_MEAN)
		return false;
	return hm->mode == TUI_HEAT_SHADE || hm->mode == TUI_HEAT_HALF;
}

static void draw_col_labels(const struct tui_view *v, const struct tui_heatmap *hm,
			    const struct geo *g, int col0)
{
	int lw = 1;
	for (int c = 0; c < hm->m.cols; c++) {
		int d = digits(id_of(hm->col_ids, c));
		lw = d > lw ? d : lw;
	}
	/* label every `step` cells, step a round number leaving a gap */
	int step = 1;
	for (int s = 1; step <= lw; s *= 10) {
		if (s > lw)
			step = s;
		else if (2 * s > lw)
			step = 2 * s;
		else if (5 * s > lw)
			step = 5 * s;
	}
	int first_cell = col0 / g->cpc;
	for (int j = 0; j < g->grid_w; j++) {
		int cell = first_cell + j, item = cell * g->cpc;
		if (item >= hm->m.cols)
			break;
		if (cell % step != 0)
			continue;
		char b[24];
		snprintf(b, sizeof(b), "%d", id_of(hm->col_ids, item));
		int w = tui_str_width(b);
		if (j + w > g->grid_w)
			break;
		tui_put_str(v, g->grid_x + j, 0, b, TUI_ROLE_AXIS, 0);
	}
}

static void draw_status(const struct tui_view *v, const struct tui_heatmap *hm, const struct geo *g,
			int row0, int col0, int cap_r, int cap_c)
{
	char left[160] = "", right[96];
	if (hm->cur_r >= 0 && hm->cur_c >= 0 && hm->cur_r < hm->m.rows && hm->cur_c < hm->m.cols) {
		double val = tui_heatmap_value(hm, hm->cur_r, hm->cur_c);
		char num[32];
		if (isnan(val))
			snprintf(num, sizeof(num), "no value");
		else
			tui_fmt_fixed(num, sizeof(num), val, 4);
		snprintf(left, sizeof(left), "%s %d \u2192 %s %d: %s",
			 hm->row_name ? hm->row_name : "row", id_of(hm->row_ids, hm->cur_r),
			 hm->col_name ? hm->col_name : "col", id_of(hm->col_ids, hm->cur_c), num);
		if (!hm->m.v && hm->m.u16) {
			size_t n = strlen(left);
			snprintf(left + n, sizeof(left) - n, " (%u)",
				 (unsigned)hm->m.u16[(size_t)hm->cur_r * stride_of(&hm->m) +
						     (size_t)hm->cur_c]);
		}
	}
	int lr = row0 + cap_r > hm->m.rows ? hm->m.rows : row0 + cap_r;
	int lc = col0 + cap_c > hm->m.cols ? hm->m.cols : col0 + cap_c;
	int n = 0;
	right[0] = '\0';
	if (hm->zoom_r > 1 || hm->zoom_c > 1)
		n = snprintf(right, sizeof(right), "zoom %d\u00d7%d %s", hm->zoom_r, hm->zoom_c,
			     hm->agg == TUI_HEAT_MAX ? "max" : "mean");
	/* where the view is, when it does not show everything */
	if (row0 > 0 || col0 > 0 || lr < hm->m.rows || lc < hm->m.cols)
		snprintf(right + n, sizeof(right) - (size_t)n, "%srows %d-%d/%d cols %d-%d/%d",
			 n ? "  " : "", lr > row0 ? row0 : 0, lr > row0 ? lr - 1 : 0, hm->m.rows,
			 lc > col0 ? col0 : 0, lc > col0 ? lc - 1 : 0, hm->m.cols);
	int lw = tui_str_width(left), rw = tui_str_width(right);
	tui_put_field(v, 0, g->status_y, v->w, left, TUI_ALIGN_LEFT, TUI_ROLE_DEFAULT, 0);
	if (lw + 2 + rw <= v->w)
		tui_put_str(v, v->w - rw, g->status_y, right, TUI_ROLE_DIM, 0);
}

int tui_heatmap_draw(const struct tui_view *v, const struct tui_heatmap *hm,
		     const struct tui_glyphs *g)
{
	if (!v || !hm || !g || !check(hm))
		return TUI_EINVAL;
	tui_fill(v, 0, 0, v->w, v->h, ' ', TUI_ROLE_DEFAULT, 0);
	if (v->w <= 0 || v->h <= 0)
		return 0;
	struct geo geo;
	geometry(hm, v->w, v->h, &geo);
	bool blocks = g->blocks && g->utf8;
	bool half = hm->mode == TUI_HEAT_HALF;
	int zr = hm->zoom_r, zc = hm->zoom_c;
	int cap_r = geo.grid_h * geo.rpc, cap_c = geo.grid_w * geo.cpc;
	/* the offsets as follow would leave them, without moving to the cursor */
	int row0 = scroll(hm->row0, -1, hm->m.rows, zr, cap_r);
	int col0 = scroll(hm->col0, -1, hm->m.cols, zc, cap_c);
	bool cursor = hm->cur_r >= 0 && hm->cur_c >= 0 && hm->cur_r < hm->m.rows &&
		      hm->cur_c < hm->m.cols;

	if (geo.labels)
		draw_col_labels(v, hm, &geo, col0);
	for (int y = 0; y < geo.grid_h; y++) {
		int r = row0 + y * geo.rpc;
		if (r >= hm->m.rows)
			break;
		if (geo.labels) {
			char b[24];
			snprintf(b, sizeof(b), "%d", id_of(hm->row_ids, r));
			bool here = cursor && hm->cur_r >= r && hm->cur_r < r + geo.rpc;
			tui_put_field(v, 0, geo.grid_y + y, geo.label_w - 1, b, TUI_ALIGN_RIGHT,
				      here ? TUI_ROLE_ACCENT : TUI_ROLE_AXIS, 0);
		}
		for (int x = 0; x < geo.grid_w; x++) {
			int c = col0 + x * zc;
			if (c >= hm->m.cols)
				break;
			struct tui_cell cell;
			double top, bot = NAN;
			bool ht = aggregate(hm, r, zr, c, zc, &top);
			if (half) {
				bool hb = aggregate(hm, r + zr, zr, c, zc, &bot);
				cell = half_cell(ht, top, hb, bot, blocks);
			} else {
				cell = shade_cell(top, blocks);
			}
			if (cursor && hm->cur_r >= r && hm->cur_r < r + geo.rpc && hm->cur_c >= c &&
			    hm->cur_c < c + zc) {
				cell.role = TUI_ROLE_CURSOR;
				cell.bg = TUI_ROLE_DEFAULT;
			}
			tui_put_cell(v, geo.grid_x + x, geo.grid_y + y, &cell);
		}
	}
	if (geo.extra) {
		tui_fill(v, 0, geo.rule_y, v->w, 1, 0x2500, TUI_ROLE_BORDER, 0);
		if (geo.labels)
			tui_put_field(v, 0, geo.extra_y, geo.label_w - 1,
				      hm->extra_label ? hm->extra_label : "cons", TUI_ALIGN_RIGHT,
				      TUI_ROLE_AXIS, 0);
		for (int x = 0; x < geo.grid_w; x++) {
			double val;
			if (!aggregate_extra(hm, col0 + x * zc, zc, &val))
				break;
			struct tui_cell cell = shade_cell(val, blocks);
			tui_put_cell(v, geo.grid_x + x, geo.extra_y, &cell);
		}
	}
	if (geo.status)
		draw_status(v, hm, &geo, row0, col0, cap_r, cap_c);
	return 0;
}
