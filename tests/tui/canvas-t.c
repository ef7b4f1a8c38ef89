/*
 * tui/canvas: UTF-8, the glyph set and its ASCII stand-ins, clipping,
 * views, fields, frames, rendering; goldens of a framed composition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/tui/golden.h"
#include "tui/canvas.h"

static uint32_t decode1(const char *s, int *used)
{
	uint32_t cp;
	*used = tui_utf8_decode(s, &cp);
	return cp;
}

static void test_utf8(void)
{
	int n;
	is_int(decode1("A", &n), 'A', "ASCII decodes to itself");
	is_int(decode1("\xcf\x84", &n), 0x3c4, "tau decodes (2 bytes)");
	is_int(n, 2, "tau uses 2 bytes");
	is_int(decode1("\xe2\xa3\xbf", &n), 0x28ff, "braille decodes (3 bytes)");
	is_int(decode1("\xe4\xb8\xad", &n), '?', "a wide CJK glyph becomes '?'");
	is_int(n, 3, "... consuming its whole sequence");
	is_int(decode1("\xf0\x9f\x98\x80", &n), '?', "an emoji becomes '?'");
	is_int(n, 4, "... consuming 4 bytes");
	is_int(decode1("\xcc\x81", &n), '?', "a combining accent becomes '?'");
	is_int(decode1("\xc0\xaf", &n), '?', "an overlong '/' is malformed");
	is_int(n, 1, "... consuming one byte");
	is_int(decode1("\xed\xa0\x80", &n), '?', "a surrogate is malformed");
	is_int(decode1("\xe2\x94", &n), '?', "a sequence cut by NUL is malformed");
	is_int(n, 1, "... and decoding stops before the NUL");
	is_int(decode1("\x07", &n), '?', "a control character becomes '?'");
	is_int(tui_str_width("a\xcf\x84\xe2\x94\x80\xe4\xb8\xad\xff"), 5,
	       "width counts one cell per code point, '?' included");

	char out[4];
	bool round = true;
	for (uint32_t cp = 0x20; cp < 0x3000; cp++) {
		if (!tui_glyph_ok(cp))
			continue;
		char z[5] = {0};
		int k = tui_utf8_encode(cp, out);
		memcpy(z, out, (size_t)k);
		uint32_t back;
		if (tui_utf8_decode(z, &back) != k || back != cp)
			round = false;
	}
	ok(round, "every drawable glyph encodes and decodes back");
	is_int(tui_utf8_encode(0xd800, out), 0, "a surrogate does not encode");
}

static void test_ascii_fallbacks(void)
{
	bool all = true;
	for (uint32_t cp = 0; cp < 0x3000; cp++) {
		uint32_t a = tui_glyph_ascii(cp);
		if (a < 0x20 || a > 0x7e)
			all = false;
	}
	ok(all, "every code point has a printable ASCII stand-in");
	is_int(tui_glyph_ascii(0x2500), '-', "─ is -");
	is_int(tui_glyph_ascii(0x2551), '|', "║ is |");
	is_int(tui_glyph_ascii(0x253c), '+', "┼ is +");
	is_int(tui_glyph_ascii(0x256d), '+', "╭ is +");
	is_int(tui_glyph_ascii(0x2588), '#', "█ is #");
	is_int(tui_glyph_ascii(0x2591), '.', "░ is .");
	is_int(tui_glyph_ascii(0x2800), ' ', "an empty braille cell is blank");
	is_int(tui_glyph_ascii(0x2809), '\'', "braille dots up top are '");
	is_int(tui_glyph_ascii(0x28c0), '.', "braille dots at the bottom are .");
	is_int(tui_glyph_ascii(0x28ff), ':', "a full braille cell is :");
	is_int(tui_glyph_ascii(0x3c4), 't', "τ is t");
	is_int(tui_glyph_ascii(0x25bc), 'v', "▼ is v");
	is_int(tui_glyph_ascii(0x2026), '~', "… is ~");

	struct tui_glyphs console = {true, true, true, false}; /* Linux console: no braille */
	is_int(tui_glyph_map(&console, 0x28ff), ':', "braille falls back where braille is missing");
	is_int(tui_glyph_map(&console, 0x2588), 0x2588, "... while blocks stay");
	is_int(tui_glyph_map(&tui_glyphs_ascii, 0x3c4), 't', "an ASCII terminal gets t for τ");
	is_int(tui_glyph_map(&tui_glyphs_utf8, 0x3c4), 0x3c4, "a UTF-8 terminal gets τ");
}

static void test_roles(void)
{
	bool named = true, codes_unique = true;
	for (int r = 0; r < TUI_ROLE_COUNT; r++) {
		const struct tui_role_info *a = tui_role_info(r);
		if (!a || !a->name || !a->code)
			named = false;
		for (int s = 0; a && s < r; s++)
			if (tui_role_info(s)->code == a->code)
				codes_unique = false;
	}
	ok(named, "every role has a name and a code");
	ok(codes_unique, "role codes are distinct");
	ok(tui_role_info(TUI_ROLE_COUNT) == NULL && tui_role_info(-1) == NULL,
	   "roles out of range have no entry");
	ok(tui_role_info(TUI_ROLE_SELECTION)->attr & TUI_ATTR_REVERSE,
	   "the selection stays visible without colour (reverse)");
	is_str(tui_strerror(TUI_EINVAL), "invalid argument", "error codes have messages");
}

static void test_canvas(void)
{
	ok(tui_canvas_new(-1, 5) == NULL, "a negative size is refused");
	ok(tui_canvas_new(TUI_CANVAS_MAX + 1, 1) == NULL, "an oversized canvas is refused");
	struct tui_canvas *c = tui_canvas_new(0, 0);
	ok(c != NULL, "an empty canvas exists");
	char *t = tui_canvas_text(c, &tui_glyphs_utf8);
	is_str(t, "", "... and renders to nothing");
	free(t);
	is_int(tui_canvas_resize(c, 12, 3), 0, "a canvas resizes");
	is_int(tui_canvas_resize(c, 12, -3), TUI_EINVAL, "... but not to a negative size");
	struct tui_view v = tui_canvas_view(c);
	int end = tui_put_str(&v, -2, 0, "abcdefghijklmnop", TUI_ROLE_TITLE, 0);
	is_int(end, 14, "put_str returns the column after the text, clipped or not");
	tui_put_str(&v, 0, 1, "\xcf\x84=\xe4\xb8\xad!", TUI_ROLE_DEFAULT, 0);
	struct tui_view s = tui_view_sub(&v, 3, 2, 4, 5);
	tui_put_str(&s, -1, 0, "XYZWVU", TUI_ROLE_ACCENT, 0);
	tui_put_str(&s, 0, 1, "under", TUI_ROLE_ACCENT, 0);
	t = tui_canvas_text(c, &tui_glyphs_utf8);
	is_str(t, "cdefghijklmn\n\xcf\x84=?!        \n   YZWV     \n",
	       "text is clipped to the canvas and to the sub-view, undrawables are '?'");
	free(t);
	t = tui_canvas_text(c, &tui_glyphs_ascii);
	is_str(t, "cdefghijklmn\nt=?!        \n   YZWV     \n", "the ASCII rendering maps τ");
	free(t);
	t = tui_canvas_roles(c);
	is_str(t, "tttttttttttt\n            \n   aaaa     \n", "the role map shows roles");
	free(t);
	ok(tui_view_cell(&s, 4, 0) == NULL && tui_view_cell(&s, 0, 0) != NULL,
	   "view_cell answers NULL outside the clip");

	tui_canvas_clear(c);
	tui_put_field(&v, 0, 0, 5, "abcdefgh", TUI_ALIGN_LEFT, 0, 0);
	tui_put_field(&v, 6, 0, 6, "ab", TUI_ALIGN_RIGHT, 0, 0);
	tui_put_field(&v, 0, 1, 6, "ab", TUI_ALIGN_CENTER, 0, 0);
	tui_put_field(&v, 6, 1, 1, "ab", TUI_ALIGN_LEFT, 0, 0);
	t = tui_canvas_text(c, &tui_glyphs_utf8);
	is_str(t, "abcd\xe2\x80\xa6     ab\n  ab  \xe2\x80\xa6     \n            \n",
	       "fields align, pad, and cut with an ellipsis");
	free(t);
	tui_canvas_free(c);
}

/* A framed composition at several sizes: frames with titles, nested views,
 * rules, a role palette. */
static void compose(struct tui_canvas *c)
{
	struct tui_view v = tui_canvas_view(c);
	struct tui_view in = tui_frame(&v, "taodev \xe2\x80\x94 overview", TUI_ROLE_BORDER);
	tui_put_str(&in, 1, 0,
		    "block 1234  speed \xc3\x97"
		    "100  \xcf\x84 issued 7.2M",
		    TUI_ROLE_DEFAULT, 0);
	struct tui_view left = tui_view_sub(&in, 0, 1, in.w / 2, in.h - 1);
	struct tui_view right = tui_view_sub(&in, in.w / 2, 1, in.w - in.w / 2, in.h - 1);
	struct tui_view l = tui_frame(&left, "nodes", TUI_ROLE_BORDER);
	struct tui_view r = tui_frame(&right, "a very long title that cannot fit", TUI_ROLE_ACCENT);
	static const char *const names[] = {"alice", "bob", "charlie"};
	static const int health[] = {TUI_ROLE_GOOD, TUI_ROLE_WARN, TUI_ROLE_BAD};
	for (int i = 0; i < 3; i++) {
		tui_put_char(&l, 0, i, 0x25cf, health[i], 0);
		tui_put_str(&l, 2, i, names[i], TUI_ROLE_DEFAULT, 0);
	}
	tui_fill(&r, 0, 1, r.w, 1, 0x2500, TUI_ROLE_BORDER, 0);
	tui_put_str(&r, 0, 0,
		    "\xe2\x96\xb2 up \xe2\x96\xbc down \xe2\x80\xa2 \xe2\x89\x88 \xc2\xb7",
		    TUI_ROLE_DIM, 0);
	tui_put_str(&r, 0, 2,
		    "\xe2\x96\x91\xe2\x96\x92\xe2\x96\x93\xe2\x96\x88 \xe2\xa3\xbf\xe2\xa0\x81",
		    TUI_ROLE_HEAT5, 0);
}

static void test_goldens(void)
{
	static const int sizes[][2] = {{40, 10}, {80, 24}, {20, 6}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct tui_canvas *c = tui_canvas_new(sizes[i][0], sizes[i][1]);
		compose(c);
		char name[64];
		snprintf(name, sizeof(name), "canvas-frames-%dx%d-utf8", c->width, c->height);
		golden(name, c, &tui_glyphs_utf8, i == 0);
		snprintf(name, sizeof(name), "canvas-frames-%dx%d-ascii", c->width, c->height);
		golden(name, c, &tui_glyphs_ascii, false);
		tui_canvas_free(c);
	}
}

static void test_properties(void)
{
	tap_rand_seed(0xca57a5);
	bool inside = true, rect = true, ascii = true;
	struct tui_canvas *c = tui_canvas_new(60, 20);
	for (int it = 0; it < 2000; it++) {
		sentinel_fill(c);
		struct tui_view root = tui_canvas_view(c);
		int x = (int)(tap_rand() % 80) - 10, y = (int)(tap_rand() % 30) - 5;
		int w = (int)(tap_rand() % 70) - 5, h = (int)(tap_rand() % 25) - 3;
		struct tui_view v = tui_view_sub(&root, x, y, w, h);
		char s[32];
		for (size_t k = 0; k + 1 < sizeof(s); k++)
			s[k] = (char)(tap_rand() % 255 + 1);
		s[sizeof(s) - 1] = '\0';
		int px = (int)(tap_rand() % 100) - 50, py = (int)(tap_rand() % 30) - 10;
		tui_put_str(&v, px, py, s, (int)(tap_rand() % 40), 0);
		tui_put_field(&v, px, py + 1, (int)(tap_rand() % 40) - 5, s, TUI_ALIGN_CENTER, 0,
			      0);
		tui_fill(&v, px, py, (int)(tap_rand() % 40), (int)(tap_rand() % 10),
			 tap_rand() % 0x3000, TUI_ROLE_DIM, 0);
		tui_box(&v, (int)(tap_rand() % 10) - 3, (int)(tap_rand() % 10) - 3,
			(int)(tap_rand() % 70), (int)(tap_rand() % 25), s, TUI_ROLE_BORDER);
		if (!drawn_only_inside(c, &v, false))
			inside = false;
		char *t = tui_canvas_text(c, &tui_glyphs_utf8);
		if (!rendering_is_rectangular(t, c->width, c->height))
			rect = false;
		free(t);
		t = tui_canvas_text(c, &tui_glyphs_ascii);
		if (!rendering_is_ascii(t) || !rendering_is_rectangular(t, c->width, c->height))
			ascii = false;
		free(t);
	}
	tui_canvas_free(c);
	ok(inside, "random text, fields, fills and boxes never land outside the clip");
	ok(rect, "every UTF-8 rendering has exactly width cells per row");
	ok(ascii, "every ASCII rendering is printable ASCII, width cells per row");
}

int main(void)
{
	tap_plan(62);
	test_utf8();
	test_ascii_fallbacks();
	test_roles();
	test_canvas();
	test_goldens();
	test_properties();
	return tap_done();
}
