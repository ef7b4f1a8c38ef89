/*
 * Splitting a rectangle into rows or columns: the panels' arithmetic from
 * 80x24 up to 300 columns. Each part asks for a fixed size, a percentage of
 * the room or a flex weight of what is left, with a minimum and a maximum;
 * when the room is short, flex parts shrink first, then percentages, then
 * fixed sizes, each down to its minimum, and parts that still do not fit are
 * dropped from the end (given size 0). Pure integer arithmetic.
 */
#ifndef TUI_LAYOUT_H
#define TUI_LAYOUT_H

#include "tui/canvas.h"

enum tui_size_kind {
	TUI_SIZE_FIXED, /* value cells */
	TUI_SIZE_PERCENT, /* value percent of the room (gaps excluded) */
	TUI_SIZE_FLEX, /* value = weight of a share of what fixed and percent parts leave */
};

struct tui_size {
	enum tui_size_kind kind;
	int value;
	int min; /* cells; the part is dropped rather than made smaller */
	int max; /* cells; 0 = no limit */
};

enum tui_dir {
	TUI_ROWS, /* parts stacked top to bottom (splits the height) */
	TUI_COLS, /* parts side by side, left to right (splits the width) */
};

/* Splits r into n parts in direction dir, gap cells between neighbours,
 * writing n rectangles to out (dropped parts get size 0 at the end of the
 * last part shown). Space no part claims (no flex part, or all at their
 * maximum) is left at the end. Returns the number of parts shown (>= 0), or
 * TUI_EINVAL (NULL, n < 1, negative size or gap, value out of range,
 * unknown kind, max below min). */
int tui_layout_split(struct tui_rect r, enum tui_dir dir, int gap, const struct tui_size *sizes,
		     int n, struct tui_rect *out);

/* r shrunk by dx cells left and right and dy cells top and bottom (never
 * below size 0). */
struct tui_rect tui_rect_inset(struct tui_rect r, int dx, int dy);

#endif
