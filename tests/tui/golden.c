/*
 * Golden text comparison: see golden.h.
 */
#include "tests/tui/golden.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"

#define SENTINEL 0xa7 /* § */

static void strip_trailing(char *text)
{
	char *out = text, *line = text;
	while (*line) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		while (len > 0 && line[len - 1] == ' ')
			len--;
		memmove(out, line, len);
		out += len;
		if (!nl)
			break;
		*out++ = '\n';
		line = nl + 1;
	}
	*out = '\0';
}

char *golden_text(const struct tui_canvas *c, const struct tui_glyphs *g, bool roles)
{
	char *text = tui_canvas_text(c, g);
	strip_trailing(text);
	if (!roles)
		return text;
	char *map = tui_canvas_roles(c);
	strip_trailing(map);
	size_t a = strlen(text), b = strlen(map);
	static const char sep[] = "--- roles\n";
	char *all = malloc(a + sizeof(sep) + b);
	if (!all)
		abort();
	memcpy(all, text, a);
	memcpy(all + a, sep, sizeof(sep) - 1);
	memcpy(all + a + sizeof(sep) - 1, map, b + 1);
	free(text);
	free(map);
	return all;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	if (!buf)
		abort();
	buf[len] = '\0';
	return buf;
}

/* The n-th line (0-based) of text into out, or false past the end. */
static bool nth_line(const char *text, int n, char *out, size_t size)
{
	for (int i = 0; i < n; i++) {
		text = strchr(text, '\n');
		if (!text)
			return false;
		text++;
	}
	if (!*text)
		return false;
	size_t len = strcspn(text, "\n");
	if (len >= size)
		len = size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
	return true;
}

static void show_diff(const char *want, const char *got)
{
	char a[4096], b[4096];
	int shown = 0;
	for (int i = 0; shown < 40; i++) {
		bool ha = nth_line(want, i, a, sizeof(a)), hb = nth_line(got, i, b, sizeof(b));
		if (!ha && !hb)
			break;
		if (ha && hb && strcmp(a, b) == 0)
			continue;
		if (ha)
			diag("-%3d|%s", i + 1, a);
		if (hb)
			diag("+%3d|%s", i + 1, b);
		shown++;
	}
}

bool golden_at(const char *file, int line, const char *name, const struct tui_canvas *c,
	       const struct tui_glyphs *g, bool roles)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/tui/golden/%s.txt", top ? top : ".", name);
	char *got = golden_text(c, g, roles);
	if (getenv("TUI_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "wb");
		bool done = f && fputs(got, f) >= 0;
		if (f && fclose(f) != 0)
			done = false;
		free(got);
		return tap_ok(done, file, line, "golden %s (written)", name);
	}
	char *want = read_file(path);
	bool same = want && strcmp(want, got) == 0;
	tap_ok(same, file, line, "golden %s (%dx%d %s)", name, c->width, c->height,
	       g->utf8 ? "utf8" : "ascii");
	if (!want)
		diag("cannot read %s; write it with TUI_GOLDEN_UPDATE=1 and check it by eye", path);
	else if (!same) {
		diag("--- %s", path);
		diag("+++ rendered");
		show_diff(want, got);
	}
	free(want);
	free(got);
	return same;
}

bool rendering_is_rectangular(const char *text, int width, int height)
{
	int lines = 0, cells = 0;
	for (const char *p = text; *p;) {
		if (*p == '\n') {
			if (cells != width)
				return false;
			lines++;
			cells = 0;
			p++;
			continue;
		}
		uint32_t cp;
		int n = tui_utf8_decode(p, &cp);
		if (cp == '?' && *p != '?')
			return false; /* the renderer wrote something malformed */
		p += n;
		cells++;
	}
	return cells == 0 && lines == height;
}

bool rendering_is_ascii(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p != '\n' && (*p < 0x20 || *p > 0x7e))
			return false;
	return true;
}

void sentinel_fill(struct tui_canvas *c)
{
	struct tui_view v = tui_canvas_view(c);
	tui_fill(&v, 0, 0, c->width, c->height, SENTINEL, TUI_ROLE_BAD, 0);
}

bool drawn_only_inside(const struct tui_canvas *c, const struct tui_view *v, bool all_written)
{
	const struct tui_rect *k = &v->clip;
	for (int y = 0; y < c->height; y++) {
		for (int x = 0; x < c->width; x++) {
			const struct tui_cell *cell = &c->cells[y * c->width + x];
			bool inside = x >= k->x && y >= k->y && x < k->x + k->w && y < k->y + k->h;
			bool untouched = cell->cp == SENTINEL && cell->role == TUI_ROLE_BAD;
			if (!inside && !untouched)
				return false;
			if (inside && all_written && untouched)
				return false;
		}
	}
	return true;
}
