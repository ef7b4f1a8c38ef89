/*
 * `taodev verify`: runs reference-vector files and reports TAP.
 *
 * A vector file is a JSON object with a `vectors` array of records; each
 * record has a `kind` and, depending on it, `function`, `inputs`,
 * `expected`, `tolerance` ... (tests/vectors/README-*.md). One checker per
 * kind lives in nodes/verify_<family>.c and is listed in verify.c's table;
 * a kind without a checker is reported as skipped with the reason. Fields a
 * checker does not know are metadata and are ignored.
 */
#ifndef ND_VERIFY_H
#define ND_VERIFY_H

#include <stdio.h>

#include "nodes/vecjson.h"

enum nd_vstatus { ND_V_PASS, ND_V_FAIL, ND_V_SKIP };

/* A checker reads its inputs from r (errors: r->bad and r->err), computes,
 * and compares; mismatches (or the skip reason) are explained in o. */
typedef enum nd_vstatus (*nd_vcheck)(struct nd_vrec *r, struct nd_vout *o);

/* One record kind and its checker (NULL: skipped, with `reason`). Each
 * family of checkers (nodes/verify_<family>.c) exports a table of these,
 * ended by an entry whose kind is NULL; verify.c searches them all. */
struct nd_vkind {
	const char *kind;
	nd_vcheck check;
	const char *reason;
};

extern const struct nd_vkind nd_vkinds_epoch[]; /* verify_epoch.c */
extern const struct nd_vkind nd_vkinds_pool[]; /* verify_pool.c */
extern const struct nd_vkind nd_vkinds_emission[]; /* verify_emission.c */
extern const struct nd_vkind nd_vkinds_registry[]; /* verify_registry.c */
extern const struct nd_vkind nd_vkinds_distribution[]; /* verify_distribution.c */

struct nd_verify_opts {
	const char *kind; /* only records of this kind, or NULL */
	const char *match; /* only records whose label contains this, or NULL */
	FILE *out; /* TAP stream */
};

struct nd_verify_totals {
	int run, passed, failed, skipped, bad;
};

/* Runs every record of one file, numbering TAP points after t->run.
 * Returns 0, or -1 when the file cannot be read as a vector file (the
 * error is printed to stderr and counted in t->bad). */
int nd_verify_file(const char *path, const struct nd_verify_opts *opts, struct nd_verify_totals *t);

/* Checkers shared by the epoch family (verify_math.c, verify_mechanism.c). */
enum nd_vstatus nd_verify_math(struct nd_vrec *r, struct nd_vout *o);
enum nd_vstatus nd_verify_mechanism_math(struct nd_vrec *r, struct nd_vout *o);

#endif
