/*
 * Line charts, bars and sparklines: see chart.h.
 *
 * The plot is a grid of dots (2x4 per cell in braille, 1x3 in ASCII).
 * A value maps to a dot row so that the centre of the top cell row is the
 * top of the range and the centre of the bottom row its bottom: a y label
 * then sits exactly on its row. Segments between consecutive finite points
 * are clipped to the dot grid in floating point (Liang-Barsky) before they
 * are rasterised (Bresenham), so a point far outside a fixed range costs
 * nothing and still draws the right slope up to the edge.
 */
#include "tui/chart.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/format.h"

#define MAX_TICKS 64
#define LABEL_MAX 32

struct yrange {
	double lo, hi; /* finite, lo < hi */
};

struct xrange {
	double lo, hi; /* block numbers as doubles, lo < hi */
};

static double value_at(const struct tui_series *s, size_t i)
{
	return s->y ? s->y[i] : (double)s->yi[i];
}

static int64_t x_at(const struct tui_series *s, size_t i) { return s->x ? s->x[i] : (int64_t)i; }

/* 0 at lo, 1 at hi, without overflow for any finite lo < hi; kept within
 * +-1e6 so that far-away points stay finite. */
static double norm(const struct yrange *r, double v)
{
	double t = (v / 2 - r->lo / 2) / (r->hi / 2 - r->lo / 2);
	return t < -1e6 ? -1e6 : t > 1e6 ? 1e6 : t;
}

/* lo + t (hi - lo), without overflow */
static double denorm(const struct yrange *r, double t) { return r->lo * (1 - t) + r->hi * t; }

/* A double as int64, saturating (block numbers near the limits). */
static int64_t to_i64(double v)
{
	if (!(v > -9.2e18))
		return v != v ? 0 : INT64_MIN;
	if (v >= 9.2e18)
		return INT64_MAX;
	return (int64_t)llround(v);
}

static double nice_step(double raw)
{
	if (!(raw > 0) || !isfinite(raw))
		return 1;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* Widens a single value into a range around it. */
static void widen(double *lo, double *hi)
{
	if (*lo < *hi)
		return;
	double d = fabs(*lo) * 0.1;
	if (d == 0)
		d = 1;
	double l = *lo - d, h = *hi + d;
	*lo = isfinite(l) ? l : -DBL_MAX;
	*hi = isfinite(h) ? h : DBL_MAX;
}

/* ---- geometry ------------------------------------------------------------ */

struct geom {
	int legend_y; /* -1: no legend */
	int plot_x, plot_y, plot_w, plot_h; /* cells */
	bool axes, xlabels;
	int dot_w, dot_h; /* dots per cell */
	struct yrange yr;
	struct xrange xr;
	int nyt; /* y ticks */
	int ytick_row[MAX_TICKS];
	char ytick[MAX_TICKS][LABEL_MAX];
	int label_w;
};

static int ytick_row(const struct geom *gm, double v)
{
	if (gm->plot_h <= 1)
		return 0;
	double r = (1 - norm(&gm->yr, v)) * (gm->plot_h - 1);
	return (int)lround(r);
}

/* Labels for ticks `step` apart: one suffix and one number of decimals for
 * all ("1.0k 1.2k 1.4k"); outside k..E, or for values that are not ticks,
 * the fewest significant digits that tell them apart. */
static void tick_labels(char (*out)[LABEL_MAX], const double *vals, int n, double step, bool ticked)
{
	static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
	double m = 0;
	for (int i = 0; i < n; i++)
		m = fabs(vals[i]) > m ? fabs(vals[i]) : m;
	int k = 0;
	double scale = 1;
	while (m / scale >= 1000 && k < 6) {
		scale *= 1000;
		k++;
	}
	if (ticked && m / scale < 1000 && (m >= 1e-3 || m == 0)) {
		int d = (int)ceil(-log10(step / scale) - 1e-9);
		d = d < 0 ? 0 : d > 12 ? 12 : d;
		for (int i = 0; i < n; i++)
			snprintf(out[i], LABEL_MAX, "%.*f%s", d, vals[i] / scale, suffix[k]);
		return;
	}
	for (int sig = 2; sig <= 12; sig++) {
		bool distinct = true;
		for (int i = 0; i < n; i++) {
			tui_fmt_compact(out[i], LABEL_MAX, vals[i], sig);
			if (i > 0 && strcmp(out[i], out[i - 1]) == 0)
				distinct = false;
		}
		if (distinct)
			return;
	}
}

/* Round-number ticks for plot_h rows, one per row at most, formatted with
 * the fewest significant digits that tell them apart. */
static void y_ticks(struct geom *gm)
{
	const struct yrange *r = &gm->yr;
	double vals[MAX_TICKS];
	int n = 0, rows = gm->plot_h;
	int target = rows / 4 + 1;
	double step = nice_step(r->hi / target - r->lo / target);
	double k0 = ceil(r->lo / step), k1 = floor(r->hi / step);
	int last_row = -1;
	for (int it = 0; it < 4 * MAX_TICKS && k0 + it <= k1 && n < MAX_TICKS; it++) {
		double k = k0 + it, v = k * step;
		if (!isfinite(v) || (it > 0 && k == k0 + (it - 1)))
			break; /* beyond double precision */
		if (fabs(v) < step * 1e-9)
			v = 0; /* 0 rather than 1e-17 */
		int row = ytick_row(gm, v);
		if (row < 0 || row >= rows || row == last_row)
			continue;
		/* ticks run bottom-up in value, top-down in rows */
		gm->ytick_row[n] = row;
		vals[n++] = v;
		last_row = row;
	}
	bool ticked = n > 0;
	if (n == 0) {
		/* a range too narrow for any round number: label its ends */
		gm->ytick_row[n] = rows - 1;
		vals[n++] = denorm(r, rows > 1 ? 0 : 0.5);
		if (rows > 1) {
			gm->ytick_row[n] = 0;
			vals[n++] = r->hi;
		}
	}
	tick_labels(gm->ytick, vals, n, step, ticked);
	gm->nyt = n;
	gm->label_w = 0;
	for (int i = 0; i < n; i++) {
		int w = tui_str_width(gm->ytick[i]);
		if (w > gm->label_w)
			gm->label_w = w;
	}
}

static bool any_named(const struct tui_chart *ch)
{
	for (int s = 0; s < ch->nseries; s++)
		if (ch->series[s].name && ch->series[s].name[0])
			return true;
	return false;
}

static void layout(struct geom *gm, const struct tui_view *v, const struct tui_chart *ch)
{
	int W = v->w, H = v->h;
	bool legend = ch->legend && any_named(ch) && H >= 4;
	gm->legend_y = legend ? 0 : -1;
	int top = legend ? 1 : 0;

	gm->axes = ch->axes;
	gm->xlabels = ch->axes;
	gm->plot_y = top;
	if (gm->axes) {
		gm->plot_h = H - top - 2;
		if (gm->plot_h < 2) {
			gm->xlabels = false;
			gm->plot_h = H - top - 1;
		}
		if (gm->plot_h < 1)
			gm->axes = false;
	}
	if (gm->axes) {
		y_ticks(gm);
		gm->plot_x = gm->label_w + 1;
		gm->plot_w = W - gm->plot_x;
		if (gm->plot_w < 4)
			gm->axes = gm->xlabels = false;
	}
	if (!gm->axes) {
		gm->xlabels = false;
		gm->plot_x = 0;
		gm->plot_w = W;
		gm->plot_h = H - top;
		gm->nyt = 0;
	}
	if (gm->plot_w < 0)
		gm->plot_w = 0;
	if (gm->plot_h < 0)
		gm->plot_h = 0;
}

/* ---- dots ---------------------------------------------------------------- */

struct plot {
	struct tui_view v; /* the plot area */
	bool braille;
	int dw, dh; /* dots */
};

static const uint8_t braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

static unsigned ascii_mask(uint32_t cp)
{
	switch (cp) {
	case '\'': return 1;
	case '-': return 2;
	case '_': return 4;
	case '|': return 7;
	default: return 0;
	}
}

static uint32_t ascii_stroke(unsigned mask)
{
	switch (mask) {
	case 0: return ' ';
	case 1: return '\'';
	case 2: return '-';
	case 4: return '_';
	default: return '|';
	}
}

static void dot(const struct plot *p, int x, int y, int role, char mark)
{
	if (x < 0 || y < 0 || x >= p->dw || y >= p->dh)
		return;
	struct tui_cell *c;
	if (p->braille) {
		c = tui_view_cell(&p->v, x / 2, y / 4);
		if (!c)
			return;
		unsigned bits = c->cp >= 0x2800 && c->cp <= 0x28ff ? c->cp - 0x2800 : 0;
		c->cp = 0x2800 | bits | braille_bit[y % 4][x % 2];
	} else {
		c = tui_view_cell(&p->v, x, y / 3);
		if (!c)
			return;
		c->cp = mark ? (uint32_t)(unsigned char)mark
			     : ascii_stroke(ascii_mask(c->cp) | 1u << (y % 3));
	}
	c->role = (uint8_t)role;
	c->attr = 0;
}

/* Liang-Barsky: clips the segment to [0, w-1] x [0, h-1]; false when
 * nothing of it is inside. */
static bool clip(double *x0, double *y0, double *x1, double *y1, double w, double h)
{
	double t0 = 0, t1 = 1, dx = *x1 - *x0, dy = *y1 - *y0;
	double p[4] = {-dx, dx, -dy, dy};
	double q[4] = {*x0, w - 1 - *x0, *y0, h - 1 - *y0};
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return false;
			continue;
		}
		double t = q[i] / p[i];
		if (p[i] < 0) {
			if (t > t1)
				return false;
			if (t > t0)
				t0 = t;
		} else {
			if (t < t0)
				return false;
			if (t < t1)
				t1 = t;
		}
	}
	double ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
	*x1 = *x0 + t1 * dx;
	*y1 = *y0 + t1 * dy;
	*x0 = ax;
	*y0 = ay;
	return true;
}

static void segment(const struct plot *p, double fx0, double fy0, double fx1, double fy1, int role,
		    char mark)
{
	if (!clip(&fx0, &fy0, &fx1, &fy1, p->dw, p->dh))
		return;
	int x0 = (int)lround(fx0), y0 = (int)lround(fy0);
	int x1 = (int)lround(fx1), y1 = (int)lround(fy1);
	int dx = x1 > x0 ? x1 - x0 : x0 - x1, sx = x0 < x1 ? 1 : -1;
	int dy = y1 > y0 ? y0 - y1 : y1 - y0, sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;
	for (;;) {
		dot(p, x0, y0, role, mark);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

static double map_x(const struct geom *gm, const struct plot *p, double x)
{
	double f = (x - gm->xr.lo) / (gm->xr.hi - gm->xr.lo);
	if (f < -1e6)
		f = -1e6;
	if (f > 1e6)
		f = 1e6;
	return f * (p->dw - 1);
}

static double map_y(const struct geom *gm, const struct plot *p, double v)
{
	/* row centres: 1.5 dots in from the edges in braille, 1 in ASCII */
	double inset = p->braille ? 1.5 : 1;
	return inset + (1 - norm(&gm->yr, v)) * (p->dh - 2 * inset - 1);
}

static void draw_series(const struct geom *gm, const struct plot *p, const struct tui_series *s)
{
	bool have_prev = false;
	double px = 0, py = 0;
	for (size_t i = 0; i < s->n; i++) {
		double v = value_at(s, i);
		if (!isfinite(v)) {
			have_prev = false;
			continue;
		}
		double x = map_x(gm, p, (double)x_at(s, i)), y = map_y(gm, p, v);
		if (have_prev)
			segment(p, px, py, x, y, s->role, s->mark);
		else
			segment(p, x, y, x, y, s->role, s->mark);
		px = x;
		py = y;
		have_prev = true;
	}
}

/* ---- axes and legend ----------------------------------------------------- */

static void draw_y_axis(const struct tui_view *v, const struct geom *gm)
{
	int ax = gm->plot_x - 1;
	tui_fill(v, ax, gm->plot_y, 1, gm->plot_h, 0x2502, TUI_ROLE_AXIS, 0);
	for (int i = 0; i < gm->nyt; i++) {
		int y = gm->plot_y + gm->ytick_row[i];
		tui_put_field(v, 0, y, gm->label_w, gm->ytick[i], TUI_ALIGN_RIGHT, TUI_ROLE_AXIS,
			      0);
		tui_put_char(v, ax, y, 0x2524, TUI_ROLE_AXIS, 0);
	}
}

static void draw_x_axis(const struct tui_view *v, const struct geom *gm, const struct plot *p)
{
	int ay = gm->plot_y + gm->plot_h, ax = gm->plot_x - 1;
	tui_put_char(v, ax, ay, 0x2514, TUI_ROLE_AXIS, 0);
	tui_fill(v, gm->plot_x, ay, gm->plot_w, 1, 0x2500, TUI_ROLE_AXIS, 0);

	char lo[LABEL_MAX], hi[LABEL_MAX];
	int lw = tui_fmt_int(lo, sizeof(lo), to_i64(gm->xr.lo), false);
	int hw = tui_fmt_int(hi, sizeof(hi), to_i64(gm->xr.hi), false);
	int each = (lw > hw ? lw : hw) + 3;
	int target = gm->plot_w / each;
	if (target < 1)
		target = 1;
	double step = nice_step((gm->xr.hi - gm->xr.lo) / target);
	if (step < 1)
		step = 1;
	double k0 = ceil(gm->xr.lo / step), k1 = floor(gm->xr.hi / step);
	int next_free = 0; /* first column a label may use */
	for (int it = 0; it < MAX_TICKS && k0 + it <= k1; it++) {
		double k = k0 + it, xv = k * step;
		if (it > 0 && k == k0 + (it - 1))
			break; /* beyond double precision */
		double dx = map_x(gm, p, xv);
		int col = (int)(lround(dx) / (p->braille ? 2 : 1));
		if (col < 0 || col >= gm->plot_w)
			continue;
		char label[LABEL_MAX];
		int w = tui_fmt_int(label, sizeof(label), to_i64(xv), false);
		int cx = gm->plot_x + col;
		int start = cx - w / 2;
		if (start < 0)
			start = 0;
		if (start + w > v->w)
			start = v->w - w;
		if (start < next_free)
			continue;
		tui_put_char(v, cx, ay, 0x252c, TUI_ROLE_AXIS, 0);
		if (gm->xlabels)
			tui_put_str(v, start, ay + 1, label, TUI_ROLE_AXIS, 0);
		next_free = start + w + 2;
	}
}

static void draw_legend(const struct tui_view *v, const struct geom *gm, const struct tui_chart *ch,
			bool braille)
{
	int x = gm->plot_x;
	for (int s = 0; s < ch->nseries; s++) {
		const struct tui_series *se = &ch->series[s];
		if (!se->name || !se->name[0])
			continue;
		if (x > gm->plot_x)
			x += 2;
		uint32_t m = se->mark && !braille ? (uint32_t)(unsigned char)se->mark : 0x2500;
		tui_put_char(v, x++, gm->legend_y, m, se->role, 0);
		tui_put_char(v, x++, gm->legend_y, m, se->role, 0);
		x = tui_put_str(v, x + 1, gm->legend_y, se->name, TUI_ROLE_DEFAULT, 0);
	}
}

/* ---- the chart ----------------------------------------------------------- */

static int check(const struct tui_chart *ch)
{
	if (!ch || ch->nseries < 0 || (ch->nseries > 0 && !ch->series))
		return TUI_EINVAL;
	for (int s = 0; s < ch->nseries; s++) {
		const struct tui_series *se = &ch->series[s];
		if (se->n > 0 && !se->y && !se->yi)
			return TUI_EINVAL;
		if (se->role < 0 || se->role >= TUI_ROLE_COUNT)
			return TUI_EINVAL;
	}
	if (ch->fixed_y && !(isfinite(ch->ymin) && isfinite(ch->ymax) && ch->ymin < ch->ymax))
		return TUI_EINVAL;
	if (ch->fixed_x && ch->xmin >= ch->xmax)
		return TUI_EINVAL;
	return 0;
}

/* The data's ranges (within the fixed x window, if any); false: no finite
 * point. */
static bool data_range(const struct tui_chart *ch, struct yrange *yr, struct xrange *xr)
{
	bool any = false;
	double ylo = 0, yhi = 0;
	int64_t xlo = 0, xhi = 0;
	for (int s = 0; s < ch->nseries; s++) {
		const struct tui_series *se = &ch->series[s];
		for (size_t i = 0; i < se->n; i++) {
			double v = value_at(se, i);
			int64_t x = x_at(se, i);
			if (!isfinite(v) || (ch->fixed_x && (x < ch->xmin || x > ch->xmax)))
				continue;
			if (!any) {
				ylo = yhi = v;
				xlo = xhi = x;
				any = true;
				continue;
			}
			ylo = v < ylo ? v : ylo;
			yhi = v > yhi ? v : yhi;
			xlo = x < xlo ? x : xlo;
			xhi = x > xhi ? x : xhi;
		}
	}
	if (!any) {
		ylo = 0, yhi = 1;
		xlo = 0, xhi = 1;
	}
	widen(&ylo, &yhi);
	yr->lo = ylo;
	yr->hi = yhi;
	xr->lo = (double)xlo;
	xr->hi = (double)xhi;
	if (!(xr->lo < xr->hi)) {
		xr->lo -= 1;
		xr->hi += 1;
	}
	return any;
}

int tui_chart_draw(const struct tui_view *v, const struct tui_chart *ch, const struct tui_glyphs *g)
{
	int err = check(ch);
	if (err)
		return err;
	if (!v || !g)
		return TUI_EINVAL;
	tui_fill(v, 0, 0, v->w, v->h, ' ', TUI_ROLE_DEFAULT, 0);
	if (v->w <= 0 || v->h <= 0)
		return 0;

	struct geom gm;
	memset(&gm, 0, sizeof(gm));
	bool any = data_range(ch, &gm.yr, &gm.xr);
	if (ch->fixed_y) {
		gm.yr.lo = ch->ymin;
		gm.yr.hi = ch->ymax;
	}
	if (ch->fixed_x) {
		gm.xr.lo = (double)ch->xmin;
		gm.xr.hi = (double)ch->xmax;
	}
	layout(&gm, v, ch);

	struct plot p;
	p.v = tui_view_sub(v, gm.plot_x, gm.plot_y, gm.plot_w, gm.plot_h);
	p.braille = g->braille && g->utf8;
	p.dw = gm.plot_w * (p.braille ? 2 : 1);
	p.dh = gm.plot_h * (p.braille ? 4 : 3);

	if (gm.axes) {
		draw_y_axis(v, &gm);
		draw_x_axis(v, &gm, &p);
	}
	if (gm.legend_y >= 0)
		draw_legend(v, &gm, ch, p.braille);
	if (!any) {
		const char *msg = ch->empty ? ch->empty : "no data";
		int w = tui_str_width(msg);
		if (w > gm.plot_w)
			w = gm.plot_w;
		tui_put_field(&p.v, (gm.plot_w - w) / 2, gm.plot_h / 2, w, msg, TUI_ALIGN_LEFT,
			      TUI_ROLE_DIM, 0);
		return 0;
	}
	if (p.dw > 0 && p.dh > 0)
		for (int s = 0; s < ch->nseries; s++)
			draw_series(&gm, &p, &ch->series[s]);
	return 0;
}

/* ---- bars and sparklines ------------------------------------------------- */

void tui_bar_draw(const struct tui_view *v, int x, int y, int width, double fraction, int role,
		  const struct tui_glyphs *g)
{
	if (width <= 0)
		return;
	if (!(fraction > 0))
		fraction = 0; /* NaN included */
	if (fraction > 1)
		fraction = 1;
	tui_fill(v, x, y, width, 1, ' ', TUI_ROLE_DEFAULT, 0);
	if (g->blocks && g->utf8) {
		long eighths = lround(fraction * width * 8);
		int full = (int)(eighths / 8), rem = (int)(eighths % 8);
		tui_fill(v, x, y, full, 1, 0x2588, role, 0);
		if (rem)
			tui_put_char(v, x + full, y, 0x2590 - (uint32_t)rem, role, 0);
	} else {
		tui_fill(v, x, y, (int)lround(fraction * width), 1, '#', role, 0);
	}
}

void tui_spark_draw(const struct tui_view *v, int x, int y, int width, const double *values,
		    size_t n, int role, const struct tui_glyphs *g)
{
	static const char ascii[] = "_.-=#";
	if (width <= 0)
		return;
	tui_fill(v, x, y, width, 1, ' ', TUI_ROLE_DEFAULT, 0);
	if (!values || n == 0)
		return;
	size_t start = n > (size_t)width ? n - (size_t)width : 0;
	double lo = 0, hi = 0;
	bool any = false;
	for (size_t i = start; i < n; i++) {
		if (!isfinite(values[i]))
			continue;
		if (values[i] < lo)
			lo = values[i];
		if (!any || values[i] > hi)
			hi = values[i];
		any = true;
	}
	int levels = g->blocks && g->utf8 ? 8 : 5;
	int x0 = x + width - (int)(n - start);
	for (size_t i = start; i < n; i++) {
		double val = values[i];
		if (!isfinite(val))
			continue;
		int lv = 0;
		if (hi > lo) {
			struct yrange r = {lo, hi};
			lv = (int)lround(norm(&r, val) * (levels - 1));
		}
		lv = lv < 0 ? 0 : lv >= levels ? levels - 1 : lv;
		uint32_t cp = levels == 8 ? 0x2581 + (uint32_t)lv : (uint32_t)ascii[lv];
		tui_put_char(v, x0 + (int)(i - start), y, cp, role, 0);
	}
}
