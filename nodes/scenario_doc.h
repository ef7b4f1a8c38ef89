/*
 * Scenarios on paper: the format's reference and a loaded scenario, both
 * printed from devnet/scenario_param.h's table (so the help, the README's
 * reference and `taodev scenario show` always say what the loader does).
 */
#ifndef ND_SCENARIO_DOC_H
#define ND_SCENARIO_DOC_H

#include <stdbool.h>
#include <stdio.h>

#include "devnet/scenario.h"

/* Every section and key with its type, range, default and help:
 * `taodev help scenario`, or with markdown the reference section of
 * fixtures/README.md (tests/scenario-doc.test keeps the two equal). */
void nd_scenario_print_help(FILE *f, bool markdown);

/* A loaded scenario as an INI file, every key with its value, defaults
 * included (`taodev scenario show`); it loads back to the same scenario.
 * Long text is continued on indented lines. */
void nd_scenario_print(FILE *f, const struct dn_scenario *s);

#endif
