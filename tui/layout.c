/*
 * Rectangle splitting: see layout.h.
 */
#include "tui/layout.h"

#include <stdlib.h>

#define MAX_PARTS 256

static int clamp_size(int v, const struct tui_size *s)
{
	if (s->max > 0 && v > s->max)
		v = s->max;
	return v < s->min ? s->min : v;
}

static bool valid(const struct tui_size *s)
{
	if (s->value < 0 || s->min < 0 || s->max < 0 || (s->max > 0 && s->max < s->min))
		return false;
	switch (s->kind) {
	case TUI_SIZE_FIXED:
	case TUI_SIZE_FLEX: return true;
	case TUI_SIZE_PERCENT: return s->value <= 100;
	default: return false;
	}
}

/* Shares `rest` among the shown flex parts by weight, each within its
 * minimum and maximum; the caller made sure the minimums fit. */
static void share_flex(const struct tui_size *sz, const bool *shown, int n, int rest, int *size)
{
	bool pool[MAX_PARTS];
	for (int i = 0; i < n; i++)
		pool[i] = shown[i] && sz[i].kind == TUI_SIZE_FLEX;
	for (;;) {
		long weight = 0;
		for (int i = 0; i < n; i++)
			if (pool[i])
				weight += sz[i].value;
		if (weight == 0) {
			/* no weight left: everything still pooled stays at its minimum */
			for (int i = 0; i < n; i++)
				if (pool[i])
					size[i] = sz[i].min;
			return;
		}
		/* cumulative rounding: the shares always add up to rest */
		long cum = 0;
		int fix_min = -1, fix_max = -1, prev = 0;
		for (int i = 0; i < n; i++) {
			if (!pool[i])
				continue;
			cum += sz[i].value;
			int end = (int)((long long)rest * cum / weight);
			size[i] = end - prev;
			prev = end;
			if (size[i] < sz[i].min && fix_min < 0)
				fix_min = i;
			if (sz[i].max > 0 && size[i] > sz[i].max && fix_max < 0)
				fix_max = i;
		}
		/* a part below its minimum first: it takes more than its share,
		 * which only lowers the others' (a capped part would raise them) */
		int fix = fix_min >= 0 ? fix_min : fix_max;
		if (fix < 0)
			return;
		size[fix] = clamp_size(size[fix], &sz[fix]);
		rest -= size[fix];
		pool[fix] = false;
	}
}

int tui_layout_split(struct tui_rect r, enum tui_dir dir, int gap, const struct tui_size *sizes,
		     int n, struct tui_rect *out)
{
	if (!sizes || !out || n < 1 || n > MAX_PARTS || gap < 0 || r.w < 0 || r.h < 0 ||
	    (dir != TUI_ROWS && dir != TUI_COLS))
		return TUI_EINVAL;
	for (int i = 0; i < n; i++)
		if (!valid(&sizes[i]))
			return TUI_EINVAL;

	int room = dir == TUI_ROWS ? r.h : r.w;
	bool shown[MAX_PARTS];
	int size[MAX_PARTS];
	int k = n;
	for (int i = 0; i < n; i++)
		shown[i] = true;

	for (;;) {
		long avail = (long)room - (long)gap * (k > 0 ? k - 1 : 0);
		if (avail < 0)
			avail = 0;
		long used = 0, flexmin = 0, pcum = 0, pprev = 0;
		for (int i = 0; i < n; i++) {
			if (!shown[i])
				continue;
			const struct tui_size *s = &sizes[i];
			if (s->kind == TUI_SIZE_FIXED) {
				size[i] = clamp_size(s->value, s);
			} else if (s->kind == TUI_SIZE_PERCENT) {
				pcum += s->value;
				long end = avail * pcum / 100;
				size[i] = clamp_size((int)(end - pprev), s);
				pprev = end;
			} else {
				size[i] = s->min;
				flexmin += s->min;
				continue;
			}
			used += size[i];
		}
		long deficit = used + flexmin - avail;
		/* shrink percentages, then fixed sizes, last first, to their minimums */
		for (int pass = 0; pass < 2 && deficit > 0; pass++) {
			enum tui_size_kind kind = pass == 0 ? TUI_SIZE_PERCENT : TUI_SIZE_FIXED;
			for (int i = n - 1; i >= 0 && deficit > 0; i--) {
				if (!shown[i] || sizes[i].kind != kind)
					continue;
				long give = size[i] - sizes[i].min;
				if (give > deficit)
					give = deficit;
				size[i] -= (int)give;
				deficit -= give;
			}
		}
		if (deficit <= 0) {
			share_flex(sizes, shown, n, (int)(avail - used), size);
			break;
		}
		/* still too big: drop the last part shown and try again */
		for (int i = n - 1; i >= 0; i--) {
			if (shown[i]) {
				shown[i] = false;
				k--;
				break;
			}
		}
		if (k == 0)
			break;
	}

	int pos = dir == TUI_ROWS ? r.y : r.x, end = pos, first = 1;
	for (int i = 0; i < n; i++) {
		if (!shown[i])
			continue;
		if (!first)
			pos += gap;
		first = 0;
		out[i] = dir == TUI_ROWS ? (struct tui_rect){r.x, pos, r.w, size[i]}
					 : (struct tui_rect){pos, r.y, size[i], r.h};
		pos += size[i];
		end = pos;
	}
	for (int i = 0; i < n; i++)
		if (!shown[i])
			out[i] = dir == TUI_ROWS ? (struct tui_rect){r.x, end, r.w, 0}
						 : (struct tui_rect){end, r.y, 0, r.h};
	return k;
}

struct tui_rect tui_rect_inset(struct tui_rect r, int dx, int dy)
{
	struct tui_rect o = {r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy};
	if (o.w < 0)
		o.w = 0;
	if (o.h < 0)
		o.h = 0;
	return o;
}
