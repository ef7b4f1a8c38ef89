/*
 * Golden text for the dashboard's widget tests (nvtop's habit): a canvas is
 * rendered to text (trailing spaces dropped from each line), optionally
 * followed by its role map, and compared with tests/tui/golden/NAME.txt.
 * A mismatch prints the differing lines as a diff. To accept a deliberate
 * change, run the tests with TUI_GOLDEN_UPDATE=1, look at the files, and
 * keep them. Also the properties every rendering must have.
 */
#ifndef TAODEV_TESTS_TUI_GOLDEN_H
#define TAODEV_TESTS_TUI_GOLDEN_H

#include <stdbool.h>

#include "tui/canvas.h"

bool golden_at(const char *file, int line, const char *name, const struct tui_canvas *c,
	       const struct tui_glyphs *g, bool roles);
#define golden(name, c, g, roles) golden_at(__FILE__, __LINE__, (name), (c), (g), (roles))

/* The canvas as text (trailing spaces kept), for printing while writing tests. */
char *golden_text(const struct tui_canvas *c, const struct tui_glyphs *g, bool roles);

/* True when text has exactly height lines of exactly width code points. */
bool rendering_is_rectangular(const char *text, int width, int height);

/* True when text is printable ASCII and newlines only. */
bool rendering_is_ascii(const char *text);

/* Fills the canvas with a sentinel cell ('§' in TUI_ROLE_BAD). */
void sentinel_fill(struct tui_canvas *c);

/* After drawing into v: true when every cell outside v's clip still holds
 * the sentinel and (when all_written) no cell inside does. */
bool drawn_only_inside(const struct tui_canvas *c, const struct tui_view *v, bool all_written);

#endif
