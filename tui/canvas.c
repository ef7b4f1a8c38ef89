/*
 * The cell canvas: see canvas.h. Also the role table, the glyph set with
 * its ASCII stand-ins, and UTF-8 decoding for everything in tui/.
 */
#include "tui/canvas.h"

#include <stdlib.h>
#include <string.h>

const char *tui_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case TUI_EINVAL: return "invalid argument";
	case TUI_ERANGE: return "out of range";
	default: return "unknown error";
	}
}

/* ---- allocation ---------------------------------------------------------- */

void *tui_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		abort();
	return p;
}

void *tui_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		abort();
	size_t bytes = n * size;
	p = realloc(p, bytes ? bytes : 1);
	if (!p)
		abort();
	return p;
}

char *tui_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = tui_xreallocarray(NULL, n, 1);
	memcpy(p, s, n);
	return p;
}

/* ---- roles --------------------------------------------------------------- */

/* 8-colour numbers are curses' COLOR_* (0 black, 1 red, 2 green, 3 yellow,
 * 4 blue, 5 magenta, 6 cyan, 7 white); 256-colour ones xterm's palette. The
 * heat ramp runs dark blue, teal, green, yellow, orange, red. */
static const struct tui_role_info roles[TUI_ROLE_COUNT] = {
	[TUI_ROLE_DEFAULT] = {"default", ' ', -1, -1, 0, 0},
	[TUI_ROLE_DIM] = {"dim", 'd', -1, 244, TUI_ATTR_DIM, 0},
	[TUI_ROLE_TITLE] = {"title", 't', 6, 81, TUI_ATTR_BOLD, 0},
	[TUI_ROLE_BORDER] = {"border", 'b', 4, 60, 0, 0},
	[TUI_ROLE_HEADER] = {"header", 'h', 3, 187, TUI_ATTR_BOLD, TUI_ATTR_UNDERLINE},
	[TUI_ROLE_AXIS] = {"axis", 'x', -1, 245, 0, 0},
	[TUI_ROLE_ACCENT] = {"accent", 'a', 3, 214, TUI_ATTR_BOLD, 0},
	[TUI_ROLE_GOOD] = {"good", 'g', 2, 77, 0, 0},
	[TUI_ROLE_WARN] = {"warn", 'w', 3, 220, 0, TUI_ATTR_BOLD},
	[TUI_ROLE_BAD] = {"bad", 'e', 1, 196, TUI_ATTR_BOLD, TUI_ATTR_UNDERLINE},
	[TUI_ROLE_SELECTION] = {"selection", 's', 6, 31, TUI_ATTR_REVERSE, 0},
	[TUI_ROLE_CURSOR] = {"cursor", 'c', 3, 226, TUI_ATTR_REVERSE | TUI_ATTR_BOLD, 0},
	[TUI_ROLE_SERIES1] = {"series1", '1', 6, 45, 0, 0},
	[TUI_ROLE_SERIES2] = {"series2", '2', 3, 214, 0, TUI_ATTR_BOLD},
	[TUI_ROLE_SERIES3] = {"series3", '3', 5, 170, 0, TUI_ATTR_UNDERLINE},
	[TUI_ROLE_SERIES4] = {"series4", '4', 2, 78, 0, TUI_ATTR_DIM},
	[TUI_ROLE_HEAT0] = {"heat0", 'A', -1, 236, 0, TUI_ATTR_DIM},
	[TUI_ROLE_HEAT1] = {"heat1", 'B', 4, 17, 0, TUI_ATTR_DIM},
	[TUI_ROLE_HEAT2] = {"heat2", 'C', 4, 25, 0, TUI_ATTR_DIM},
	[TUI_ROLE_HEAT3] = {"heat3", 'D', 6, 31, 0, 0},
	[TUI_ROLE_HEAT4] = {"heat4", 'E', 2, 71, 0, 0},
	[TUI_ROLE_HEAT5] = {"heat5", 'F', 3, 184, 0, 0},
	[TUI_ROLE_HEAT6] = {"heat6", 'G', 3, 208, 0, TUI_ATTR_BOLD},
	[TUI_ROLE_HEAT7] = {"heat7", 'H', 1, 196, 0, TUI_ATTR_BOLD},
};

const struct tui_role_info *tui_role_info(int role)
{
	if (role < 0 || role >= TUI_ROLE_COUNT)
		return NULL;
	return &roles[role];
}

/* ---- glyphs -------------------------------------------------------------- */

const struct tui_glyphs tui_glyphs_utf8 = {true, true, true, true};
const struct tui_glyphs tui_glyphs_ascii = {false, false, false, false};

bool tui_glyph_ok(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 0x20 && cp < 0x7f;
	return (cp >= 0xa0 && cp <= 0x24f && cp != 0xad) || /* Latin-1, Latin Extended A/B */
	       (cp >= 0x370 && cp <= 0x3ff) || /* Greek */
	       (cp >= 0x2010 && cp <= 0x2027) || /* dashes, quotes, bullets, ellipsis */
	       (cp >= 0x2030 && cp <= 0x205e) || /* per mille, primes, more punctuation */
	       (cp >= 0x20a0 && cp <= 0x20bf) || /* currency */
	       (cp >= 0x2190 && cp <= 0x22ff) || /* arrows, mathematical operators */
	       (cp >= 0x2500 && cp <= 0x25ff) || /* box drawing, blocks, geometric shapes */
	       (cp >= 0x2800 && cp <= 0x28ff); /* braille */
}

static uint32_t box_ascii(uint32_t cp)
{
	static const uint16_t horiz[] = {0x2500, 0x2501, 0x2504, 0x2505, 0x2508,
					 0x2509, 0x254c, 0x254d, 0x2550, 0x2574,
					 0x2576, 0x2578, 0x257a, 0x257c, 0x257e};
	static const uint16_t vert[] = {0x2502, 0x2503, 0x2506, 0x2507, 0x250a,
					0x250b, 0x254e, 0x254f, 0x2551, 0x2575,
					0x2577, 0x2579, 0x257b, 0x257d, 0x257f};
	for (size_t i = 0; i < sizeof(horiz) / sizeof(horiz[0]); i++) {
		if (cp == horiz[i])
			return '-';
		if (cp == vert[i])
			return '|';
	}
	switch (cp) {
	case 0x2571: return '/';
	case 0x2572: return '\\';
	case 0x2573: return 'X';
	default: return '+';
	}
}

static uint32_t block_ascii(uint32_t cp)
{
	/* U+2580..U+259F: halves, eighths, shades, quadrants */
	static const char map[] = "\"____===" /* ▀ ▁ ▂ ▃ ▄ ▅ ▆ ▇ */
				  "####||||" /* █ ▉ ▊ ▋ ▌ ▍ ▎ ▏ */
				  "|.:%\"|.." /* ▐ ░ ▒ ▓ ▔ ▕ ▖ ▗ */
				  "'#:##':#"; /* ▘ ▙ ▚ ▛ ▜ ▝ ▞ ▟ */
	return (uint8_t)map[cp - 0x2580];
}

static uint32_t shape_ascii(uint32_t cp)
{
	switch (cp) {
	case 0x25a0:
	case 0x25ae: return '#';
	case 0x25a1:
	case 0x25cb:
	case 0x25ef: return 'o';
	case 0x25b2:
	case 0x25b3:
	case 0x25b4:
	case 0x25b5: return '^';
	case 0x25b6:
	case 0x25b7:
	case 0x25b8:
	case 0x25b9:
	case 0x25ba:
	case 0x25bb: return '>';
	case 0x25bc:
	case 0x25bd:
	case 0x25be:
	case 0x25bf: return 'v';
	case 0x25c0:
	case 0x25c1:
	case 0x25c2:
	case 0x25c3:
	case 0x25c4:
	case 0x25c5: return '<';
	default: return '*';
	}
}

static uint32_t braille_ascii(uint32_t cp)
{
	unsigned dots = cp - 0x2800;
	bool upper = dots & 0x1b, lower = dots & 0xe4; /* dots 1 2 4 5 / 3 6 7 8 */
	return upper && lower ? ':' : upper ? '\'' : lower ? '.' : ' ';
}

uint32_t tui_glyph_ascii(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 0x20 && cp < 0x7f ? cp : '?';
	if (cp >= 0x2500 && cp <= 0x257f)
		return box_ascii(cp);
	if (cp >= 0x2580 && cp <= 0x259f)
		return block_ascii(cp);
	if (cp >= 0x25a0 && cp <= 0x25ff)
		return shape_ascii(cp);
	if (cp >= 0x2800 && cp <= 0x28ff)
		return braille_ascii(cp);
	switch (cp) {
	case 0xa0: return ' ';
	case 0xab: return '<';
	case 0xbb: return '>';
	case 0xb0: return 'o';
	case 0xb5:
	case 0x3bc: return 'u'; /* µ μ */
	case 0xb7: return '.';
	case 0xd7: return 'x';
	case 0x3b1: return 'a'; /* α */
	case 0x3b2: return 'b'; /* β */
	case 0x3b3: return 'g'; /* γ */
	case 0x3b4: return 'd'; /* δ */
	case 0x3b5: return 'e'; /* ε */
	case 0x3bb: return 'l'; /* λ */
	case 0x3c0: return 'p'; /* π */
	case 0x3c1: return 'r'; /* ρ (rao) */
	case 0x3c3: return 's'; /* σ */
	case 0x3c4: return 't'; /* τ */
	case 0x3c9: return 'w'; /* ω */
	case 0x394: return 'D'; /* Δ */
	case 0x3a3: return 'S'; /* Σ */
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015: return '-';
	case 0x2018:
	case 0x2019: return '\'';
	case 0x201c:
	case 0x201d: return '"';
	case 0x2022: return '*';
	case 0x2026: return '~'; /* … */
	case 0x2030: return '%';
	case 0x2190: return '<';
	case 0x2191: return '^';
	case 0x2192: return '>';
	case 0x2193: return 'v';
	case 0x2194: return '-';
	case 0x2195: return '|';
	case 0x2212: return '-';
	case 0x2248: return '~';
	case 0x2260: return '#';
	case 0x2264: return '<';
	case 0x2265: return '>';
	default: return '?';
	}
}

uint32_t tui_glyph_map(const struct tui_glyphs *g, uint32_t cp)
{
	if (cp < 0x80 || !tui_glyph_ok(cp))
		return tui_glyph_ascii(cp);
	if (!g->utf8)
		return tui_glyph_ascii(cp);
	if (cp >= 0x2500 && cp <= 0x257f && !g->lines)
		return tui_glyph_ascii(cp);
	if (cp >= 0x2580 && cp <= 0x259f && !g->blocks)
		return tui_glyph_ascii(cp);
	if (cp >= 0x2800 && cp <= 0x28ff && !g->braille)
		return tui_glyph_ascii(cp);
	return cp;
}

/* ---- UTF-8 --------------------------------------------------------------- */

int tui_utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char b = u[0];
	int n;
	uint32_t c;

	if (b < 0x80) {
		*cp = tui_glyph_ok(b) ? b : '?';
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		c = b & 0x0f;
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		c = b & 0x07;
	} else {
		*cp = '?';
		return 1;
	}
	for (int i = 1; i < n; i++) {
		/* a NUL fails this test, so decoding never reads past the string */
		if ((u[i] & 0xc0) != 0x80) {
			*cp = '?';
			return 1;
		}
		c = c << 6 | (u[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff)) {
		*cp = '?';
		return 1;
	}
	*cp = tui_glyph_ok(c) ? c : '?';
	return n;
}

int tui_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

int tui_str_width(const char *s)
{
	int w = 0;
	uint32_t cp;
	while (*s) {
		s += tui_utf8_decode(s, &cp);
		w++;
	}
	return w;
}

/* ---- canvas -------------------------------------------------------------- */

static const struct tui_cell blank = {' ', TUI_ROLE_DEFAULT, TUI_ROLE_DEFAULT, 0, 0};

static bool size_ok(int width, int height)
{
	return width >= 0 && height >= 0 && width <= TUI_CANVAS_MAX && height <= TUI_CANVAS_MAX;
}

struct tui_canvas *tui_canvas_new(int width, int height)
{
	if (!size_ok(width, height))
		return NULL;
	struct tui_canvas *c = tui_xcalloc(1, sizeof(*c));
	if (tui_canvas_resize(c, width, height) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

void tui_canvas_free(struct tui_canvas *c)
{
	if (!c)
		return;
	free(c->cells);
	free(c);
}

int tui_canvas_resize(struct tui_canvas *c, int width, int height)
{
	if (!c || !size_ok(width, height))
		return TUI_EINVAL;
	c->cells = tui_xreallocarray(c->cells, (size_t)width * (size_t)height, sizeof(*c->cells));
	c->width = width;
	c->height = height;
	tui_canvas_clear(c);
	return 0;
}

void tui_canvas_clear(struct tui_canvas *c)
{
	size_t n = (size_t)c->width * (size_t)c->height;
	for (size_t i = 0; i < n; i++)
		c->cells[i] = blank;
}

struct tui_view tui_canvas_view(struct tui_canvas *c)
{
	struct tui_view v = {c, 0, 0, c->width, c->height, {0, 0, c->width, c->height}};
	return v;
}

static struct tui_rect intersect(struct tui_rect a, struct tui_rect b)
{
	long x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	long x1 = (long)a.x + a.w < (long)b.x + b.w ? (long)a.x + a.w : (long)b.x + b.w;
	long y1 = (long)a.y + a.h < (long)b.y + b.h ? (long)a.y + a.h : (long)b.y + b.h;
	struct tui_rect r = {(int)x0, (int)y0, 0, 0};
	if (x1 > x0 && y1 > y0) {
		r.w = (int)(x1 - x0);
		r.h = (int)(y1 - y0);
	}
	return r;
}

/* Keeps coordinates well inside int so sums never overflow. */
static int clampi(long v, long lo, long hi) { return (int)(v < lo ? lo : v > hi ? hi : v); }

struct tui_view tui_view_sub(const struct tui_view *v, int x, int y, int w, int h)
{
	struct tui_view s = *v;
	s.x = clampi((long)v->x + x, -(1L << 24), 1L << 24);
	s.y = clampi((long)v->y + y, -(1L << 24), 1L << 24);
	s.w = clampi(w, 0, 1L << 24);
	s.h = clampi(h, 0, 1L << 24);
	s.clip = intersect(v->clip, (struct tui_rect){s.x, s.y, s.w, s.h});
	return s;
}

struct tui_view tui_view_rect(const struct tui_view *v, struct tui_rect r)
{
	return tui_view_sub(v, r.x, r.y, r.w, r.h);
}

struct tui_cell *tui_view_cell(const struct tui_view *v, int x, int y)
{
	long cx = (long)v->x + x, cy = (long)v->y + y;
	const struct tui_rect *k = &v->clip;
	if (cx < k->x || cy < k->y || cx >= (long)k->x + k->w || cy >= (long)k->y + k->h)
		return NULL;
	return &v->canvas->cells[cy * v->canvas->width + cx];
}

/* ---- drawing ------------------------------------------------------------- */

void tui_put_char(const struct tui_view *v, int x, int y, uint32_t cp, int role, int attr)
{
	struct tui_cell *c = tui_view_cell(v, x, y);
	if (!c)
		return;
	c->cp = tui_glyph_ok(cp) ? cp : '?';
	c->role = (uint8_t)(role >= 0 && role < TUI_ROLE_COUNT ? role : TUI_ROLE_DEFAULT);
	c->bg = TUI_ROLE_DEFAULT;
	c->attr = (uint8_t)attr;
}

void tui_put_cell(const struct tui_view *v, int x, int y, const struct tui_cell *cell)
{
	struct tui_cell *c = tui_view_cell(v, x, y);
	if (!c)
		return;
	*c = *cell;
	if (!tui_glyph_ok(c->cp))
		c->cp = '?';
	if (c->role >= TUI_ROLE_COUNT)
		c->role = TUI_ROLE_DEFAULT;
	if (c->bg >= TUI_ROLE_COUNT)
		c->bg = TUI_ROLE_DEFAULT;
}

int tui_put_str(const struct tui_view *v, int x, int y, const char *s, int role, int attr)
{
	uint32_t cp;
	while (*s) {
		s += tui_utf8_decode(s, &cp);
		tui_put_char(v, x++, y, cp, role, attr);
	}
	return x;
}

void tui_put_field(const struct tui_view *v, int x, int y, int width, const char *s,
		   enum tui_align align, int role, int attr)
{
	if (width <= 0)
		return;
	int sw = tui_str_width(s);
	tui_fill(v, x, y, width, 1, ' ', role, attr);
	if (sw <= width) {
		int pad = align == TUI_ALIGN_RIGHT    ? width - sw
			  : align == TUI_ALIGN_CENTER ? (width - sw) / 2
						      : 0;
		tui_put_str(v, x + pad, y, s, role, attr);
		return;
	}
	uint32_t cp;
	for (int i = 0; i < width - 1; i++) {
		s += tui_utf8_decode(s, &cp);
		tui_put_char(v, x + i, y, cp, role, attr);
	}
	tui_put_char(v, x + width - 1, y, 0x2026, role, attr);
}

void tui_fill(const struct tui_view *v, int x, int y, int w, int h, uint32_t cp, int role, int attr)
{
	struct tui_view s = tui_view_sub(v, x, y, w, h);
	struct tui_cell cell = {tui_glyph_ok(cp) ? cp : '?',
				(uint8_t)(role >= 0 && role < TUI_ROLE_COUNT ? role : 0),
				TUI_ROLE_DEFAULT, (uint8_t)attr, 0};
	for (int r = 0; r < s.clip.h; r++) {
		struct tui_cell *row = &v->canvas->cells[(s.clip.y + r) * v->canvas->width];
		for (int c = 0; c < s.clip.w; c++)
			row[s.clip.x + c] = cell;
	}
}

void tui_restyle(const struct tui_view *v, int x, int y, int w, int h, int role, int attr)
{
	struct tui_view s = tui_view_sub(v, x, y, w, h);
	uint8_t ro = (uint8_t)(role >= 0 && role < TUI_ROLE_COUNT ? role : 0);
	for (int r = 0; r < s.clip.h; r++) {
		struct tui_cell *row = &v->canvas->cells[(s.clip.y + r) * v->canvas->width];
		for (int c = 0; c < s.clip.w; c++) {
			row[s.clip.x + c].role = ro;
			row[s.clip.x + c].bg = TUI_ROLE_DEFAULT;
			row[s.clip.x + c].attr = (uint8_t)attr;
		}
	}
}

void tui_box(const struct tui_view *v, int x, int y, int w, int h, const char *title, int role)
{
	if (w < 2 || h < 2)
		return;
	tui_fill(v, x + 1, y, w - 2, 1, 0x2500, role, 0);
	tui_fill(v, x + 1, y + h - 1, w - 2, 1, 0x2500, role, 0);
	tui_fill(v, x, y + 1, 1, h - 2, 0x2502, role, 0);
	tui_fill(v, x + w - 1, y + 1, 1, h - 2, 0x2502, role, 0);
	tui_put_char(v, x, y, 0x250c, role, 0);
	tui_put_char(v, x + w - 1, y, 0x2510, role, 0);
	tui_put_char(v, x, y + h - 1, 0x2514, role, 0);
	tui_put_char(v, x + w - 1, y + h - 1, 0x2518, role, 0);
	/* "┌─ title ─┐": the title needs 5 cells around it at least */
	if (title && *title && w >= 6) {
		int room = w - 5, tw = tui_str_width(title);
		int n = tw < room ? tw : room;
		tui_put_char(v, x + 2, y, ' ', TUI_ROLE_TITLE, 0);
		tui_put_field(v, x + 3, y, n, title, TUI_ALIGN_LEFT, TUI_ROLE_TITLE, 0);
		if (x + 3 + n < x + w - 1)
			tui_put_char(v, x + 3 + n, y, ' ', TUI_ROLE_TITLE, 0);
	}
}

struct tui_view tui_frame(const struct tui_view *v, const char *title, int role)
{
	tui_box(v, 0, 0, v->w, v->h, title, role);
	return tui_view_sub(v, 1, 1, v->w - 2, v->h - 2);
}

/* ---- rendering ----------------------------------------------------------- */

char *tui_canvas_text(const struct tui_canvas *c, const struct tui_glyphs *g)
{
	size_t cap = (size_t)c->width * (size_t)c->height * 4 + (size_t)c->height + 1;
	char *out = tui_xreallocarray(NULL, cap, 1), *p = out;
	for (int y = 0; y < c->height; y++) {
		for (int x = 0; x < c->width; x++) {
			uint32_t cp = tui_glyph_map(g, c->cells[y * c->width + x].cp);
			int n = tui_utf8_encode(cp, p);
			if (n == 0)
				*p = '?', n = 1;
			p += n;
		}
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

char *tui_canvas_roles(const struct tui_canvas *c)
{
	size_t cap = (size_t)c->width * (size_t)c->height + (size_t)c->height + 1;
	char *out = tui_xreallocarray(NULL, cap, 1), *p = out;
	for (int y = 0; y < c->height; y++) {
		for (int x = 0; x < c->width; x++) {
			int role = c->cells[y * c->width + x].role;
			*p++ = role < TUI_ROLE_COUNT ? roles[role].code : '?';
		}
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}
