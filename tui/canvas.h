/*
 * The dashboard's cell canvas: a width x height grid of cells, each one
 * code point with a semantic colour role and attributes. Panels and widgets
 * draw into views (clipped rectangles of a canvas); the one curses file
 * copies the canvas to the terminal, and the tests render it to text and
 * compare it with golden files. Pure: no curses, no I/O, no globals.
 *
 * Glyphs: taodev draws single-width characters only: ASCII, Latin-1 and
 * Latin Extended-A/B, Greek (τ, α), general punctuation (…, •), arrows,
 * mathematical operators (≈, ≥), box drawing, block elements, geometric
 * shapes (▲, ▼) and braille. Anything else, and malformed UTF-8, is stored
 * as '?'. Every glyph has an ASCII fallback (tui_glyph_ascii); the caller
 * picks what the terminal can draw from the locale (struct tui_glyphs) and
 * maps each cell through tui_glyph_map when it paints.
 *
 * Colours are never named here: a cell carries a role (TUI_ROLE_TITLE,
 * TUI_ROLE_HEAT3, ...) and the terminal layer turns roles into colour pairs,
 * or into attributes alone under NO_COLOR (tui_role_info's table).
 *
 * Painting, the one curses file's job: for each cell, the glyph
 * tui_glyph_map(caps, cell.cp) (caps from the locale's codeset: UTF-8 or
 * not, braille in the font or not); the colour pair for (cell.role,
 * cell.bg) made from tui_role_info's color8 or color256 (bg 0 = the
 * terminal's default background; half-block heatmaps use it), plus
 * info.attr and cell.attr; with NO_COLOR or a monochrome terminal no
 * colour at all, and info.mono added instead. Only changed cells need
 * sending: keep the previous canvas and compare.
 */
#ifndef TUI_CANVAS_H
#define TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- error codes ------------------------------------------------------- */
#define TUI_EINVAL (-22) /* bad argument: NULL, negative size, unknown enum, column out of range */
#define TUI_ERANGE (-34) /* a size or value beyond what the widget accepts */

/* A message for a TUI_E* code ("invalid argument"), "unknown error" otherwise. */
const char *tui_strerror(int err);

/* ---- roles and attributes ---------------------------------------------- */
enum tui_role {
	TUI_ROLE_DEFAULT, /* ordinary text */
	TUI_ROLE_DIM, /* secondary text, placeholders ("no data") */
	TUI_ROLE_TITLE, /* panel titles */
	TUI_ROLE_BORDER, /* frames and rules */
	TUI_ROLE_HEADER, /* table headers */
	TUI_ROLE_AXIS, /* chart axes and their labels */
	TUI_ROLE_ACCENT, /* what the eye should find first: a focused frame, the cursor's labels */
	TUI_ROLE_GOOD, /* healthy, rising, final */
	TUI_ROLE_WARN, /* lagging, outdated */
	TUI_ROLE_BAD, /* errors, zero incentive, a dead node */
	TUI_ROLE_SELECTION, /* the selected table row */
	TUI_ROLE_CURSOR, /* the heatmap cell under the cursor */
	TUI_ROLE_SERIES1, /* chart series 1..4 */
	TUI_ROLE_SERIES2,
	TUI_ROLE_SERIES3,
	TUI_ROLE_SERIES4,
	TUI_ROLE_HEAT0, /* heat levels, 0 = nothing .. TUI_HEAT_LEVELS-1 = the most */
	TUI_ROLE_HEAT1,
	TUI_ROLE_HEAT2,
	TUI_ROLE_HEAT3,
	TUI_ROLE_HEAT4,
	TUI_ROLE_HEAT5,
	TUI_ROLE_HEAT6,
	TUI_ROLE_HEAT7,
	TUI_ROLE_COUNT
};
#define TUI_SERIES_ROLES 4
#define TUI_HEAT_LEVELS 8

enum {
	TUI_ATTR_BOLD = 1,
	TUI_ATTR_REVERSE = 2,
	TUI_ATTR_UNDERLINE = 4,
	TUI_ATTR_DIM = 8,
};

/* What the terminal layer needs about a role: its name (for a theme file or
 * a debug dump), the one-character code used by tui_canvas_roles, a colour
 * on 8- and 256-colour terminals (curses colour numbers, -1 = the terminal's
 * default) and the attributes that stand for it when there is no colour
 * (NO_COLOR, monochrome), so a selected row stays visible. */
struct tui_role_info {
	const char *name;
	char code;
	short color8;
	short color256;
	uint8_t attr; /* TUI_ATTR_* added in colour and in monochrome */
	uint8_t mono; /* TUI_ATTR_* added only without colour */
};

/* The role's entry in the const table, or NULL when role is out of range. */
const struct tui_role_info *tui_role_info(int role);

/* ---- glyph capabilities ------------------------------------------------- */
/* What the terminal can draw, chosen by the caller (from nl_langinfo(CODESET)
 * and the terminal's font); tui_glyphs_utf8 and tui_glyphs_ascii are the two
 * usual answers. Widgets whose ASCII form differs in kind (braille charts,
 * shaded heatmaps) take it as an argument; everything else is mapped cell by
 * cell with tui_glyph_map. */
struct tui_glyphs {
	bool utf8; /* any glyph of the set above; false: ASCII only */
	bool lines; /* box drawing U+2500..U+257F */
	bool blocks; /* block elements U+2580..U+259F (shades, halves, eighths) */
	bool braille; /* braille patterns U+2800..U+28FF */
};
extern const struct tui_glyphs tui_glyphs_utf8; /* everything */
extern const struct tui_glyphs tui_glyphs_ascii; /* nothing but ASCII */

/* True when cp is one of the single-width glyphs taodev draws. */
bool tui_glyph_ok(uint32_t cp);

/* The printable ASCII stand-in for a glyph: box drawing becomes - | +,
 * shades . : # @, braille ' . : by where its dots are, arrows < > ^ v,
 * τ t, α a, ρ r, … ~; ASCII maps to itself and anything unknown to '?'. */
uint32_t tui_glyph_ascii(uint32_t cp);

/* The glyph a terminal with capabilities g shows for cp: cp itself when it
 * can draw it, its ASCII stand-in otherwise. */
uint32_t tui_glyph_map(const struct tui_glyphs *g, uint32_t cp);

/* ---- UTF-8 --------------------------------------------------------------- */
/* Decodes one code point from s (which must not be at its NUL) into *cp and
 * returns the bytes used (1..4). Malformed or overlong sequences, surrogates
 * and glyphs outside the drawable set give '?' (one byte consumed for a
 * malformed sequence, the whole sequence for an undrawable glyph). */
int tui_utf8_decode(const char *s, uint32_t *cp);

/* Encodes cp into out (no NUL); returns 1..4, or 0 for an invalid cp. */
int tui_utf8_encode(uint32_t cp, char out[4]);

/* Display cells s takes when put: one per code point, '?' included. */
int tui_str_width(const char *s);

/* ---- canvas and views ---------------------------------------------------- */
struct tui_cell {
	uint32_t cp; /* code point, always one display cell */
	uint8_t role; /* enum tui_role of the glyph */
	uint8_t bg; /* enum tui_role whose colour fills the background; DEFAULT = none */
	uint8_t attr; /* TUI_ATTR_* */
	uint8_t pad;
};

#define TUI_CANVAS_MAX 4096 /* cells, each way */

struct tui_canvas {
	int width, height; /* cells */
	struct tui_cell *cells; /* height rows of width cells */
};

struct tui_rect {
	int x, y, w, h; /* cells */
};

/* A rectangle of a canvas to draw in: coordinates given to the drawing
 * calls are relative to (x, y), and nothing lands outside clip (canvas
 * coordinates, always inside the canvas). w and h are the size a widget
 * lays itself out in. Views are values: copy them freely; they stay valid
 * until the canvas is resized or freed. */
struct tui_view {
	struct tui_canvas *canvas;
	int x, y; /* origin, canvas coordinates */
	int w, h; /* size, cells */
	struct tui_rect clip; /* canvas coordinates */
};

/* A canvas of blank default cells; NULL when a size is negative or above
 * TUI_CANVAS_MAX. The caller frees it with tui_canvas_free. */
struct tui_canvas *tui_canvas_new(int width, int height);
void tui_canvas_free(struct tui_canvas *c);

/* Changes the size and blanks every cell: 0, or TUI_EINVAL (bad size; the
 * canvas is unchanged). Views taken before are invalid afterwards. */
int tui_canvas_resize(struct tui_canvas *c, int width, int height);

/* Blanks every cell (space, default role, no attributes). */
void tui_canvas_clear(struct tui_canvas *c);

/* The whole canvas as a view. */
struct tui_view tui_canvas_view(struct tui_canvas *c);

/* The part (x, y, w, h) of v, relative to v's origin, clipped by v's clip.
 * Negative sizes count as 0. */
struct tui_view tui_view_sub(const struct tui_view *v, int x, int y, int w, int h);
struct tui_view tui_view_rect(const struct tui_view *v, struct tui_rect r);

/* The cell at (x, y) of v, or NULL when it is clipped away. */
struct tui_cell *tui_view_cell(const struct tui_view *v, int x, int y);

/* ---- drawing (all clipped to the view; nothing fails) ------------------- */
/* Puts one glyph (undrawable code points become '?'). */
void tui_put_char(const struct tui_view *v, int x, int y, uint32_t cp, int role, int attr);

/* Puts a whole cell, background role included. */
void tui_put_cell(const struct tui_view *v, int x, int y, const struct tui_cell *cell);

/* Puts UTF-8 text from (x, y) on one line, one cell per code point, and
 * returns the column after it (x + its width, clipped or not). Control
 * characters show as '?'. */
int tui_put_str(const struct tui_view *v, int x, int y, const char *s, int role, int attr);

enum tui_align { TUI_ALIGN_LEFT, TUI_ALIGN_RIGHT, TUI_ALIGN_CENTER };

/* Puts text in exactly width cells from (x, y): aligned, padded with
 * spaces, or cut with '…' in the last cell when it is too long. */
void tui_put_field(const struct tui_view *v, int x, int y, int width, const char *s,
		   enum tui_align align, int role, int attr);

/* Fills the rectangle (x, y, w, h) of v with one glyph. */
void tui_fill(const struct tui_view *v, int x, int y, int w, int h, uint32_t cp, int role,
	      int attr);

/* Changes role and attributes of the cells of a rectangle, keeping glyphs
 * (a selection bar, a cursor). */
void tui_restyle(const struct tui_view *v, int x, int y, int w, int h, int role, int attr);

/* Draws a frame of box lines around (x, y, w, h) with an optional title in
 * its top edge ("┌─ Title ───┐"); title in TUI_ROLE_TITLE, lines in role.
 * Does nothing when w or h is below 2. */
void tui_box(const struct tui_view *v, int x, int y, int w, int h, const char *title, int role);

/* Frames the whole view (tui_box) and returns the view inside the frame. */
struct tui_view tui_frame(const struct tui_view *v, const char *title, int role);

/* ---- rendering ----------------------------------------------------------- */
/* The canvas as text: height lines of exactly width glyphs, each ending
 * in '\n', every glyph mapped through tui_glyph_map(g). NUL-terminated;
 * the caller frees it. */
char *tui_canvas_text(const struct tui_canvas *c, const struct tui_glyphs *g);

/* The canvas's roles as text of the same shape, one tui_role_info code per
 * cell (' ' for TUI_ROLE_DEFAULT): what golden tests compare colours with. */
char *tui_canvas_roles(const struct tui_canvas *c);

/* ---- allocation (out of memory aborts; used across tui/) ---------------- */
void *tui_xcalloc(size_t n, size_t size);
void *tui_xreallocarray(void *p, size_t n, size_t size);
char *tui_xstrdup(const char *s);

#endif
