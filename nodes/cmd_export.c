/*
 * `taodev export RUN.db --what ...`: a run's history (devnet/store.h) as
 * CSV or JSON Lines, for spreadsheets, pandas, jq. Each table is one
 * read-only query over the store's views (docs/store.md), so what export
 * writes is what an SQL user sees.
 */
#include "devnet/store.h"
#include "nodes/cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: taodev export RUN.db --what WHAT[,WHAT...] [--format csv|jsonl] [--out DIR]\n"
	"\n"
	"Writes the history of a run (the store 'taodev sim' keeps) as CSV or\n"
	"JSON Lines. WHAT is one of:\n"
	"  blocks      one row per block: hashes, author, extrinsic count, final flag,\n"
	"              the coinbase (credit, injected, bought, recycled) and issuance\n"
	"  pools       per block and emitting subnet: price, EMA price, reserves,\n"
	"              TAO and alpha emission, excess TAO, share of the block\n"
	"  epochs      per epoch run and uid: hotkey, stake, permit, active,\n"
	"              consensus, validator trust, incentive, dividends, emission\n"
	"  events      per block: epochs, their payments, root claims (detail as JSON)\n"
	"  extrinsics  per extrinsic: signer, call and arguments, outcome\n"
	"\n"
	"Options:\n"
	"  --what WHAT        the table(s) to write; several, comma-separated, need --out\n"
	"  --format F         csv (default: a header row, RFC 4180 quoting, LF line ends)\n"
	"                     or jsonl (one JSON object per row, numbers as numbers)\n"
	"  --out DIR          write DIR/WHAT.csv or DIR/WHAT.jsonl (DIR is created if\n"
	"                     missing) instead of standard output\n"
	"  -h, --help         show this help\n"
	"\n"
	"Amounts are rao (1 TAO = 10^9 rao); hashes and keys are 0x-prefixed hex,\n"
	"accounts SS58 addresses; epoch fractions are 0..1. The store is opened\n"
	"read-only: exporting a run that is still going is fine.\n"
	"\n"
	"Exit status: 0, 1 when reading or writing failed, 2 for bad usage or a\n"
	"file that is not a taodev store.\n";

static const struct {
	const char *name;
	const char *sql;
} tables[] = {
	{"blocks", "SELECT * FROM v_blocks ORDER BY number"},
	{"pools", "SELECT * FROM pools ORDER BY block, netuid"},
	{"epochs", "SELECT * FROM v_epochs ORDER BY block, netuid, uid"},
	{"events", "SELECT * FROM v_events ORDER BY block, seq"},
	{"extrinsics", "SELECT * FROM v_extrinsics ORDER BY block, idx"},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

struct writer {
	FILE *f;
	bool jsonl;
	const char *dest; /* for messages */
	char err[256];
};

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	fputs("0x", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static char *hex_string(const uint8_t *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	char *s = malloc(2 * n + 3);
	if (!s)
		return NULL;
	s[0] = '0';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = d[p[i] >> 4];
		s[3 + 2 * i] = d[p[i] & 15];
	}
	s[2 * n + 2] = 0;
	return s;
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, its
 * quotes doubled. */
static void csv_text(FILE *f, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		fwrite(s, 1, n, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* The shortest text that reads back as the same double. */
static void csv_real(FILE *f, double r)
{
	char buf[48];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, r);
		if (strtod(buf, NULL) == r)
			break;
	}
	fputs(buf, f);
}

static int csv_row(struct writer *w, int ncol, const char *const *names,
		   const struct dn_store_value *vals)
{
	for (int i = 0; i < ncol; i++) {
		if (i)
			fputc(',', w->f);
		if (!vals) {
			csv_text(w->f, names[i], strlen(names[i]));
			continue;
		}
		const struct dn_store_value *v = &vals[i];
		switch (v->type) {
		case DN_STORE_INT: fprintf(w->f, "%lld", (long long)v->i); break;
		case DN_STORE_REAL: csv_real(w->f, v->r); break;
		case DN_STORE_TEXT: csv_text(w->f, v->s, v->n); break;
		case DN_STORE_BLOB: hex(w->f, v->blob, v->n); break;
		default: break; /* NULL: an empty field */
		}
	}
	fputc('\n', w->f);
	return 0;
}

static json_t *json_value(const struct dn_store_value *v)
{
	switch (v->type) {
	case DN_STORE_INT: return json_integer((json_int_t)v->i);
	case DN_STORE_REAL:
		return isfinite(v->r) ? json_real(v->r) : json_null(); /* JSON has no inf */
	case DN_STORE_TEXT: return json_stringn(v->s, v->n);
	case DN_STORE_BLOB: {
		char *s = hex_string(v->blob, v->n);
		json_t *j = s ? json_string(s) : NULL;
		free(s);
		return j;
	}
	default: return json_null();
	}
}

static int jsonl_row(struct writer *w, int ncol, const char *const *names,
		     const struct dn_store_value *vals)
{
	if (!vals)
		return 0;
	json_t *o = json_object();
	for (int i = 0; i < ncol; i++) {
		json_t *j = json_value(&vals[i]);
		if (!j) {
			snprintf(w->err, sizeof(w->err), "column '%s': text is not valid UTF-8",
				 names[i]);
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, names[i], j);
	}
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!line) {
		snprintf(w->err, sizeof(w->err), "out of memory");
		return -1;
	}
	fputs(line, w->f);
	fputc('\n', w->f);
	free(line);
	return 0;
}

static int on_row(void *ctx, int ncol, const char *const *names, const struct dn_store_value *vals)
{
	struct writer *w = ctx;
	int rc = w->jsonl ? jsonl_row(w, ncol, names, vals) : csv_row(w, ncol, names, vals);
	if (rc == 0 && ferror(w->f)) {
		snprintf(w->err, sizeof(w->err), "write error: %s", strerror(errno));
		return -1;
	}
	return rc;
}

/* mkdir -p: every missing component of dir. */
static int make_dir(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n >= sizeof(path)) {
		nd_error("%s: path too long", dir);
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != 0)
			continue;
		char c = path[i];
		path[i] = 0;
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			nd_error("%s: cannot create: %s", path, strerror(errno));
			return -1;
		}
		path[i] = c;
	}
	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		nd_error("%s: not a directory", dir);
		return -1;
	}
	return 0;
}

/* Writes one table to f; 0 or ND_EXIT_FAIL after printing why. */
static int export_table(struct dn_store *st, size_t t, FILE *f, bool jsonl, const char *dest)
{
	struct writer w = {f, jsonl, dest, ""};
	char em[512];
	int rc = dn_store_query(st, tables[t].sql, on_row, &w, em, sizeof(em));
	if (rc) {
		if (w.err[0])
			nd_error("%s: %s", dest, w.err);
		else
			nd_error("%s", em);
		return ND_EXIT_FAIL;
	}
	if (fflush(f) != 0 || ferror(f)) {
		nd_error("%s: write error: %s", dest, strerror(errno));
		return ND_EXIT_FAIL;
	}
	return ND_EXIT_OK;
}

/* Parses "a,b,c" into want[NTABLES]; the count, or -1 after the usage
 * error. */
static int parse_what(const char *arg, bool want[NTABLES])
{
	int count = 0;
	const char *p = arg;
	memset(want, 0, NTABLES * sizeof(bool));
	for (;;) {
		size_t len = strcspn(p, ",");
		size_t t;
		for (t = 0; t < NTABLES; t++)
			if (strlen(tables[t].name) == len && strncmp(tables[t].name, p, len) == 0)
				break;
		if (t == NTABLES) {
			nd_usage_error(&nd_cmd_export,
				       "unknown --what '%.*s' (blocks, pools, epochs, events, "
				       "extrinsics)",
				       (int)len, p);
			return -1;
		}
		count += !want[t];
		want[t] = true;
		if (!p[len])
			break;
		p += len + 1;
	}
	return count;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"what", required_argument, NULL, 'w'},
		{"format", required_argument, NULL, 'f'},
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *what = NULL, *format = "csv", *out = NULL;
	int c;
	while ((c = nd_getopt(&nd_cmd_export, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'w': what = optarg; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'h': return ND_EXIT_OK;
		default: return ND_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return nd_usage_error(&nd_cmd_export,
				      argc - optind ? "one RUN.db only" : "missing RUN.db");
	if (!what)
		return nd_usage_error(&nd_cmd_export,
				      "missing --what (blocks, pools, epochs, events, extrinsics)");
	bool jsonl = strcmp(format, "jsonl") == 0;
	if (!jsonl && strcmp(format, "csv") != 0)
		return nd_usage_error(&nd_cmd_export, "unknown --format '%s' (csv, jsonl)", format);
	bool want[NTABLES];
	int nwant = parse_what(what, want);
	if (nwant < 0)
		return ND_EXIT_USAGE;
	if (nwant > 1 && !out)
		return nd_usage_error(&nd_cmd_export,
				      "several --what tables need --out DIR (one file each)");

	struct dn_store *st;
	char em[512];
	int rc = dn_store_open(argv[optind], DN_STORE_RDONLY, &st, em, sizeof(em));
	if (rc) {
		nd_error("%s", em);
		return rc == DN_STORE_EIO ? ND_EXIT_FAIL : ND_EXIT_USAGE;
	}
	int status = ND_EXIT_OK;
	if (out && make_dir(out) != 0)
		status = ND_EXIT_FAIL;
	for (size_t t = 0; t < NTABLES && status == ND_EXIT_OK; t++) {
		if (!want[t])
			continue;
		if (!out) {
			status = export_table(st, t, stdout, jsonl, "standard output");
			continue;
		}
		char path[4200];
		snprintf(path, sizeof(path), "%s/%s.%s", out, tables[t].name,
			 jsonl ? "jsonl" : "csv");
		FILE *f = fopen(path, "w");
		if (!f) {
			nd_error("%s: cannot create: %s", path, strerror(errno));
			status = ND_EXIT_FAIL;
			break;
		}
		status = export_table(st, t, f, jsonl, path);
		if (fclose(f) != 0 && status == ND_EXIT_OK) {
			nd_error("%s: write error: %s", path, strerror(errno));
			status = ND_EXIT_FAIL;
		}
	}
	dn_store_close(st);
	return status;
}

const struct nd_command nd_cmd_export = {
	.name = "export",
	.summary = "write a run's history (blocks, pools, epochs, events) as CSV or JSONL",
	.usage = usage,
	.run = run,
};
