/*
 * A scenario's assertions ([expect]): each is a read-only SQL query over
 * the run's history (devnet/store.h, docs/store.md) whose first row's
 * first column must be true (a non-zero number); the row's other columns
 * are shown with the verdict, so a query can say what it saw. A query
 * that fails to run, returns no row, or returns NULL is an error, which
 * counts as a failure.
 */
#ifndef ND_EXPECT_H
#define ND_EXPECT_H

#include <jansson.h>
#include <stdio.h>

#include "devnet/scenario.h"
#include "devnet/store.h"

enum nd_verdict_kind { ND_VERDICT_PASS, ND_VERDICT_FAIL, ND_VERDICT_ERROR };

struct nd_verdict {
	const struct dn_scn_expect *expect;
	enum nd_verdict_kind kind;
	char detail[512]; /* the other columns ("name=value, ..."), or the error */
};

/* Evaluates every assertion; out has n entries. Returns how many did not
 * pass. */
size_t nd_expect_eval(struct dn_store *st, const struct dn_scn_expect *e, size_t n,
		      struct nd_verdict *out);

const char *nd_verdict_name(enum nd_verdict_kind k); /* "pass", "fail", "error" */

/* Reports: TAP (one point per assertion), JUnit XML (one testsuite named
 * after the scenario), and a JSON array of {name, verdict, line, detail}. */
void nd_expect_tap(FILE *f, const struct nd_verdict *v, size_t n);
void nd_expect_junit(FILE *f, const char *suite, const char *file, const struct nd_verdict *v,
		     size_t n, double seconds);
json_t *nd_expect_json(const struct nd_verdict *v, size_t n);

#endif
