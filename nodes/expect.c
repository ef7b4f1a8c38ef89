/*
 * Scenario assertions (see expect.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nodes/expect.h"

const char *nd_verdict_name(enum nd_verdict_kind k)
{
	switch (k) {
	case ND_VERDICT_PASS: return "pass";
	case ND_VERDICT_FAIL: return "fail";
	default: return "error";
	}
}

struct first_row {
	bool seen, truth, null;
	char detail[512];
};

static void value_text(const struct dn_store_value *v, char *out, size_t cap)
{
	switch (v->type) {
	case DN_STORE_NULL: snprintf(out, cap, "NULL"); break;
	case DN_STORE_INT: snprintf(out, cap, "%" PRId64, v->i); break;
	case DN_STORE_REAL: snprintf(out, cap, "%.9g", v->r); break;
	case DN_STORE_TEXT: snprintf(out, cap, "%s", v->s); break;
	case DN_STORE_BLOB: snprintf(out, cap, "<%zu bytes>", v->n); break;
	}
}

static int on_row(void *ctx, int ncol, const char *const *names, const struct dn_store_value *vals)
{
	struct first_row *r = ctx;
	if (!vals)
		return 0; /* the header */
	r->seen = true;
	const struct dn_store_value *v = &vals[0];
	r->null = v->type == DN_STORE_NULL;
	r->truth =
		(v->type == DN_STORE_INT && v->i != 0) || (v->type == DN_STORE_REAL && v->r != 0);
	size_t len = 0;
	for (int i = 1; i < ncol && len + 1 < sizeof(r->detail); i++) {
		char val[128];
		value_text(&vals[i], val, sizeof(val));
		len += (size_t)snprintf(r->detail + len, sizeof(r->detail) - len, "%s%s=%s",
					i > 1 ? ", " : "", names[i], val);
	}
	return 1; /* the first row decides */
}

size_t nd_expect_eval(struct dn_store *st, const struct dn_scn_expect *e, size_t n,
		      struct nd_verdict *out)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct nd_verdict *v = &out[i];
		memset(v, 0, sizeof(*v));
		v->expect = &e[i];
		struct first_row r = {0};
		char err[400] = "";
		int rc = dn_store_query(st, e[i].sql, on_row, &r, err, sizeof(err));
		if (rc) {
			v->kind = ND_VERDICT_ERROR;
			snprintf(v->detail, sizeof(v->detail), "the query failed: %s",
				 err[0] ? err : dn_store_strerror(rc));
		} else if (!r.seen) {
			v->kind = ND_VERDICT_ERROR;
			snprintf(v->detail, sizeof(v->detail), "the query returned no row");
		} else if (r.null) {
			v->kind = ND_VERDICT_ERROR;
			snprintf(v->detail, sizeof(v->detail),
				 "the first column is NULL (no data?)%s%s", r.detail[0] ? ": " : "",
				 r.detail);
		} else {
			v->kind = r.truth ? ND_VERDICT_PASS : ND_VERDICT_FAIL;
			memcpy(v->detail, r.detail, sizeof(v->detail));
		}
		bad += v->kind != ND_VERDICT_PASS;
	}
	return bad;
}

void nd_expect_tap(FILE *f, const struct nd_verdict *v, size_t n)
{
	fprintf(f, "1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s %zu - %s\n", v[i].kind == ND_VERDICT_PASS ? "ok" : "not ok", i + 1,
			v[i].expect->name);
		if (v[i].kind != ND_VERDICT_PASS)
			fprintf(f, "#   %s (line %d)\n", nd_verdict_name(v[i].kind),
				v[i].expect->line);
		if (v[i].detail[0])
			fprintf(f, "#   %s\n", v[i].detail);
	}
}

/* XML text with the five entities escaped. */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

void nd_expect_junit(FILE *f, const char *suite, const char *file, const struct nd_verdict *v,
		     size_t n, double seconds)
{
	size_t failures = 0, errors = 0;
	for (size_t i = 0; i < n; i++) {
		failures += v[i].kind == ND_VERDICT_FAIL;
		errors += v[i].kind == ND_VERDICT_ERROR;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"", f);
	xml(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", n, failures,
		errors, seconds);
	for (size_t i = 0; i < n; i++) {
		fputs("    <testcase classname=\"", f);
		xml(f, suite);
		fputs("\" name=\"", f);
		xml(f, v[i].expect->name);
		fputs("\" file=\"", f);
		xml(f, file);
		fprintf(f, "\" line=\"%d\"", v[i].expect->line);
		if (v[i].kind == ND_VERDICT_PASS) {
			fputs("/>\n", f);
			continue;
		}
		fprintf(f, ">\n      <%s message=\"",
			v[i].kind == ND_VERDICT_FAIL ? "failure" : "error");
		xml(f, v[i].detail);
		fputs("\">", f);
		xml(f, v[i].expect->sql);
		fprintf(f, "</%s>\n    </testcase>\n",
			v[i].kind == ND_VERDICT_FAIL ? "failure" : "error");
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

json_t *nd_expect_json(const struct nd_verdict *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a,
				      json_pack("{s:s, s:s, s:i, s:s}", "name", v[i].expect->name,
						"verdict", nd_verdict_name(v[i].kind), "line",
						v[i].expect->line, "detail", v[i].detail));
	return a;
}
