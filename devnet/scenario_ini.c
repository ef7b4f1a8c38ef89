/*
 * The scenario loader: an INI file (libinih) into a struct dn_scenario,
 * driven by the parameter table of devnet/scenario_param.h. With
 * devnet/store.c it is one of the core's two doors to files, built into
 * devnet/libscenario.a so that libdevnet.a stays pure (tests/purity.test).
 *
 * libinih does the parsing; this file works around what it cannot say:
 *  - Its handler gets no line number. The text is fed to ini_parse_stream
 *    line by line by our reader, which counts them: the handler's line is
 *    the reader's last.
 *  - Lines longer than its buffer (INI_MAX_LINE) are split, and section
 *    names cut at 49 characters, silently. A scan before parsing rejects
 *    both with the line, and finds the section headers: libinih calls
 *    nothing for a header, so without it an empty section would vanish and
 *    a repeated one merge.
 *  - Continuation lines (indented, INI_ALLOW_MULTILINE) arrive as another
 *    call with the same key, like a repeated key. The reader knows whether
 *    the line was indented, which tells the two apart; continuations are
 *    joined with one space, for text values only.
 * Then the whole scenario is checked (references, counts, ranges that
 * depend on other keys). Errors are collected with their lines; any error
 * leaves the caller's scenario untouched.
 */
#include "devnet/scenario.h"
#include "devnet/scenario_param.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/keys.h"
#include "devnet/xalloc.h"

#define MAX_ERRORS 20 /* kept and shown; the rest are counted */
#define MAX_FILE (1 << 20) /* bytes: a scenario is a page or two */
#define MAX_LINE (INI_MAX_LINE - 1) /* bytes libinih reads as one line, NUL excluded */
#define MAX_SECTION 49 /* characters of a section name libinih keeps */

struct err_rec {
	int line;
	char msg[400];
};

/* One section header, found by the scan. */
struct sec {
	int line;
	enum dn_scn_section kind;
	char header[MAX_SECTION + 1]; /* "subnet.apex" */
	size_t index; /* of its part in the scenario's array */
	bool bad; /* the header is in error: its keys are skipped */
	int *keyline; /* [dn_scn_nparams]: where each key was set, 0 = not set */
};

struct ld {
	const char *file; /* the name errors start with */
	const char *text, *pos; /* the text and the reader's position */
	int line; /* lines handed to libinih */
	bool indented; /* the current line starts with a blank */
	bool overflow; /* a line did not fit libinih's buffer */
	int *header_at; /* [line]: section index + 1 of a header line, else 0 */
	int nlines;
	int cur; /* the current section, -1 before the first */
	char last_key[64]; /* the current section's last key ("" after a header) */
	bool last_bad; /* that key is in error: its continuations are skipped */
	const struct dn_scn_param *last_param; /* its parameter (NULL for [expect]) */
	size_t last_expect; /* [expect]: its assertion + 1, 0 = none */
	struct sec *secs;
	size_t nsecs;
	struct dn_scenario s;
	struct err_rec err[MAX_ERRORS];
	unsigned nerr, total;
};

static void fail(struct ld *L, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct ld *L, int line, const char *fmt, ...)
{
	L->total++;
	if (L->nerr >= MAX_ERRORS)
		return;
	struct err_rec *e = &L->err[L->nerr++];
	va_list ap;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static bool has_error_at(const struct ld *L, int line)
{
	for (unsigned i = 0; i < L->nerr; i++)
		if (L->err[i].line == line)
			return true;
	return false;
}

/* The section's structure, where its parameters' offsets apply. */
static void *sec_base(struct ld *L, const struct sec *sc)
{
	switch (sc->kind) {
	case DN_SCN_SEC_SCENARIO: return &L->s;
	case DN_SCN_SEC_CHAIN: return &L->s.params;
	case DN_SCN_SEC_ACCOUNT: return &L->s.accounts[sc->index];
	case DN_SCN_SEC_SUBNET: return &L->s.subnets[sc->index];
	case DN_SCN_SEC_VALIDATORS: return &L->s.validators[sc->index];
	case DN_SCN_SEC_MINERS: return &L->s.miners[sc->index];
	case DN_SCN_SEC_TRADERS: return &L->s.traders[sc->index];
	case DN_SCN_SEC_EXPECT:
	case DN_SCN_SEC_COUNT: break;
	}
	return NULL;
}

static size_t param_index(const struct dn_scn_param *p) { return (size_t)(p - dn_scn_params); }

/* ---- the scan: line lengths and section headers ------------------------ */

static bool is_dev_name(const char *name)
{
	for (size_t i = 0; dn_keys_dev_names[i]; i++)
		if (strcmp(dn_keys_dev_names[i], name) == 0)
			return true;
	return false;
}

static const char *part_name(struct ld *L, const struct sec *sc)
{
	switch (sc->kind) {
	case DN_SCN_SEC_ACCOUNT: return L->s.accounts[sc->index].name;
	case DN_SCN_SEC_SUBNET: return L->s.subnets[sc->index].name;
	case DN_SCN_SEC_VALIDATORS: return L->s.validators[sc->index].name;
	case DN_SCN_SEC_MINERS: return L->s.miners[sc->index].name;
	case DN_SCN_SEC_TRADERS: return L->s.traders[sc->index].name;
	default: return "";
	}
}

static bool shares_keys(enum dn_scn_section k)
{
	return k == DN_SCN_SEC_ACCOUNT || k == DN_SCN_SEC_VALIDATORS || k == DN_SCN_SEC_MINERS ||
	       k == DN_SCN_SEC_TRADERS;
}

/* Checks a named section's name against the others; true when it is new. */
static bool name_free(struct ld *L, int line, enum dn_scn_section kind, const char *header,
		      const char *name)
{
	if (shares_keys(kind) && kind != DN_SCN_SEC_ACCOUNT && is_dev_name(name)) {
		fail(L, line,
		     "[%s]: '%s' is a dev account's name (alice .. ferdie); give the group another "
		     "name",
		     header, name);
		return false;
	}
	if (shares_keys(kind) && strcmp(name, "subnet") == 0) {
		fail(L, line,
		     "[%s]: the name 'subnet' is reserved (subnet owners' keys derive from "
		     "//taodev//subnet//NAME)",
		     header);
		return false;
	}
	for (size_t i = 0; i < L->nsecs; i++) {
		const struct sec *o = &L->secs[i];
		if (o->bad || !dn_scn_sections[o->kind].named)
			continue;
		if (strcmp(part_name(L, o), name) != 0)
			continue;
		if (o->kind == kind) {
			fail(L, line, "duplicate section [%s] (first at line %d)", header, o->line);
			return false;
		}
		if (shares_keys(kind) && shares_keys(o->kind)) {
			fail(L, line,
			     "[%s]: the name '%s' is already [%s]'s (line %d); accounts and groups "
			     "share one namespace, their keys derive from //taodev//NAME",
			     header, name, o->header, o->line);
			return false;
		}
	}
	return true;
}

/* A new part of the section's kind, with its defaults; returns its index. */
static size_t new_part(struct ld *L, enum dn_scn_section kind, const char *name, int line)
{
	struct dn_scenario *s = &L->s;
	size_t i = 0;
	switch (kind) {
	case DN_SCN_SEC_ACCOUNT:
		i = s->naccounts++;
		s->accounts = xreallocarray(s->accounts, s->naccounts, sizeof(*s->accounts));
		dn_scn_account_init(&s->accounts[i]);
		memcpy(s->accounts[i].name, name, strlen(name) + 1);
		s->accounts[i].line = line;
		break;
	case DN_SCN_SEC_SUBNET:
		i = s->nsubnets++;
		s->subnets = xreallocarray(s->subnets, s->nsubnets, sizeof(*s->subnets));
		dn_scn_subnet_init(&s->subnets[i]);
		memcpy(s->subnets[i].name, name, strlen(name) + 1);
		s->subnets[i].line = line;
		break;
	case DN_SCN_SEC_VALIDATORS:
		i = s->nvalidators++;
		s->validators =
			xreallocarray(s->validators, s->nvalidators, sizeof(*s->validators));
		dn_scn_validators_init(&s->validators[i]);
		memcpy(s->validators[i].name, name, strlen(name) + 1);
		s->validators[i].line = line;
		break;
	case DN_SCN_SEC_MINERS:
		i = s->nminers++;
		s->miners = xreallocarray(s->miners, s->nminers, sizeof(*s->miners));
		dn_scn_miners_init(&s->miners[i]);
		memcpy(s->miners[i].name, name, strlen(name) + 1);
		s->miners[i].line = line;
		break;
	case DN_SCN_SEC_TRADERS:
		i = s->ntraders++;
		s->traders = xreallocarray(s->traders, s->ntraders, sizeof(*s->traders));
		dn_scn_traders_init(&s->traders[i]);
		memcpy(s->traders[i].name, name, strlen(name) + 1);
		s->traders[i].line = line;
		break;
	default: break;
	}
	return i;
}

static const char section_list[] = "[scenario], [chain], [account.NAME], [subnet.NAME], "
				   "[validators.NAME], [miners.NAME], [traders.NAME], [expect]";

/* A header line: q[0] is '[', n bytes to the end of the line. */
static void scan_header(struct ld *L, int line, const char *q, size_t n)
{
	struct sec sc = {.line = line, .kind = DN_SCN_SEC_COUNT, .bad = true};
	const char *close = memchr(q, ']', n);
	size_t len = close ? (size_t)(close - q - 1) : 0;

	if (!close) {
		fail(L, line, "section header without ']'");
	} else if (len > MAX_SECTION) {
		fail(L, line,
		     "section name of %zu characters: libinih cuts section names at %d, and "
		     "names are at most 31",
		     len, MAX_SECTION);
	} else {
		const char *rest = close + 1, *end = q + n;
		while (rest < end && isspace((unsigned char)*rest))
			rest++;
		memcpy(sc.header, q + 1, len);
		sc.header[len] = 0;
		const char *dot = memchr(sc.header, '.', len);
		size_t klen = dot ? (size_t)(dot - sc.header) : len;
		enum dn_scn_section kind = dn_scn_section_by_name(sc.header, klen);
		const char *name = dot ? dot + 1 : NULL;
		if (rest < end && *rest != ';' && *rest != '#')
			fail(L, line, "text after the section header [%s]", sc.header);
		else if (kind == DN_SCN_SEC_COUNT)
			fail(L, line, "unknown section [%s]; sections are %s", sc.header,
			     section_list);
		else if (dn_scn_sections[kind].named && !name)
			fail(L, line, "section [%s] needs a name: [%s.NAME]", sc.header, sc.header);
		else if (!dn_scn_sections[kind].named && name)
			fail(L, line, "section [%s] takes no name: write [%s]", sc.header,
			     dn_scn_sections[kind].name);
		else if (name && !dn_scn_name_ok(name, DN_SCN_NAME_MAX - 1))
			fail(L, line,
			     "bad name '%s' in [%s]: names are 1-31 characters of a-z, 0-9, _ "
			     "and -",
			     name, sc.header);
		else
			sc.kind = kind;
		if (sc.kind != DN_SCN_SEC_COUNT && !name) {
			for (size_t i = 0; i < L->nsecs; i++) {
				if (!L->secs[i].bad && L->secs[i].kind == kind) {
					fail(L, line, "duplicate section [%s] (first at line %d)",
					     sc.header, L->secs[i].line);
					sc.kind = DN_SCN_SEC_COUNT;
					break;
				}
			}
		} else if (sc.kind != DN_SCN_SEC_COUNT &&
			   !name_free(L, line, sc.kind, sc.header, name)) {
			sc.kind = DN_SCN_SEC_COUNT;
		}
		if (sc.kind != DN_SCN_SEC_COUNT) {
			sc.bad = false;
			if (name)
				sc.index = new_part(L, sc.kind, name, line);
		}
	}
	if (!sc.bad)
		sc.keyline = xcalloc(dn_scn_nparams, sizeof(int));
	L->secs = xreallocarray(L->secs, L->nsecs + 1, sizeof(*L->secs));
	L->secs[L->nsecs++] = sc;
	L->header_at[line] = (int)L->nsecs;
}

/* Line lengths and headers. false when a line is too long to parse. */
static bool scan(struct ld *L)
{
	const char *p = L->text;
	bool ok = true;
	int nlines = 0;
	for (const char *c = p; *c; c++)
		nlines += *c == '\n';
	L->header_at = xcalloc((size_t)nlines + 2, sizeof(int));
	for (int line = 1; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = p;
		if (line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			q += 3; /* a UTF-8 byte order mark, which libinih skips */
		if (n > MAX_LINE) {
			fail(L, line,
			     "line of %zu bytes: libinih reads at most %d bytes a line; continue "
			     "long values on indented lines",
			     n, MAX_LINE);
			ok = false;
		} else if (*q == '[') {
			scan_header(L, line, q, n - (size_t)(q - p));
		} else if (*q == ' ' || *q == '\t') {
			while (q < p + n && (*q == ' ' || *q == '\t'))
				q++;
			if (q < p + n && *q == '[')
				fail(L, line,
				     "indented '[': section headers start at the beginning of a "
				     "line, and continuation lines cannot start with '['");
		}
		L->nlines = line;
		p += n + (nl != NULL);
	}
	return ok;
}

/* ---- parsing ----------------------------------------------------------- */

static char *reader(char *str, int num, void *stream)
{
	struct ld *L = stream;
	if (!*L->pos || L->overflow)
		return NULL;
	const char *nl = strchr(L->pos, '\n');
	size_t n = nl ? (size_t)(nl - L->pos) : strlen(L->pos);
	L->line++;
	if (n + 1 > (size_t)num) { /* the scan allows INI_MAX_LINE; a library built
				      with less would split the line */
		fail(L, L->line, "line of %zu bytes: this libinih reads at most %d", n, num - 1);
		L->overflow = true;
		return NULL;
	}
	memcpy(str, L->pos, n);
	str[n] = 0;
	L->pos += n + (nl != NULL);
	L->indented = n > 0 && isspace((unsigned char)str[0]);
	if (L->line <= L->nlines && L->header_at[L->line]) {
		L->cur = L->header_at[L->line] - 1;
		L->last_key[0] = 0;
		L->last_bad = true;
	}
	return str;
}

/* What a parameter accepts, for error messages. */
static void expected(const struct dn_scn_param *p, char *buf, size_t len)
{
	char range[512];
	dn_scn_param_range(p, range, sizeof(range));
	switch (p->type) {
	case DN_SCN_UINT:
	case DN_SCN_INT:
		snprintf(buf, len, "an integer in %s%s%s%s", range, p->unit ? " (" : "",
			 p->unit ? p->unit : "", p->unit ? ")" : "");
		break;
	case DN_SCN_AMOUNT:
		snprintf(buf, len,
			 "%s as a decimal with up to 9 decimals (e.g. 20000 or 0.5) in %s",
			 dn_scn_param_type_name(p), range);
		break;
	case DN_SCN_FRACTION:
		snprintf(buf, len, "a fraction with up to 6 decimals (e.g. 0.05) in %s", range);
		break;
	case DN_SCN_FIXED:
		snprintf(buf, len, "a decimal with up to 9 decimals in %s", range);
		break;
	case DN_SCN_BOOL: snprintf(buf, len, "true/false, yes/no, on/off or 1/0"); break;
	case DN_SCN_ENUM: snprintf(buf, len, "one of: %s", range); break;
	case DN_SCN_NAME:
		snprintf(buf, len, "a name of 1-31 characters of a-z, 0-9, _ and -");
		break;
	default: snprintf(buf, len, "text"); break;
	}
}

static void unknown_key(struct ld *L, const struct sec *sc, int line, const char *key)
{
	char keys[600] = "";
	size_t n = 0, count = 0;
	for (size_t i = 0; i < dn_scn_nparams; i++)
		count += dn_scn_params[i].section == sc->kind;
	if (count <= 12) { /* a short list helps; the subnet's 40 keys would not */
		for (size_t i = 0; i < dn_scn_nparams && n < sizeof(keys); i++)
			if (dn_scn_params[i].section == sc->kind)
				n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s",
						      n ? ", " : "", dn_scn_params[i].key);
		fail(L, line, "unknown key '%s' in [%s]; its keys are: %s", key, sc->header, keys);
	} else {
		fail(L, line, "unknown key '%s' in [%s]; see 'taodev help scenario'", key,
		     sc->header);
	}
}

static void append_text(char **dst, const char *more)
{
	size_t a = *dst ? strlen(*dst) : 0, b = strlen(more);
	char *s = xrealloc(*dst, a + b + 2);
	if (a) /* "key =" then the value on indented lines: no leading blank */
		s[a++] = ' ';
	memcpy(s + a, more, b + 1);
	*dst = s;
}

static void continuation(struct ld *L, const struct sec *sc, int line, const char *value)
{
	if (L->last_bad)
		return; /* its key line was reported */
	if (strstr(value, " ;") || strstr(value, "\t;")) {
		/* libinih cuts a key line's value at " ;" but keeps it on a
		 * continuation line: refused, so that it means one thing */
		fail(L, line,
		     "[%s] %s: ' ;' on a continuation line, which libinih would keep as text "
		     "(on a key line it starts a comment); remove the blank before ';' or the "
		     "comment",
		     sc->header, L->last_key);
		L->last_bad = true;
		return;
	}
	if (L->last_expect) {
		append_text(&L->s.expects[L->last_expect - 1].sql, value);
	} else if (L->last_param && L->last_param->type == DN_SCN_TEXT) {
		char **f = (char **)((char *)sec_base(L, sc) + L->last_param->offset);
		append_text(f, value);
	} else {
		fail(L, line,
		     "[%s] %s: an indented line continues the value, but only text values "
		     "(description, [expect] SQL) may continue",
		     sc->header, L->last_key);
		L->last_bad = true;
	}
}

static void expect_key(struct ld *L, int line, const char *key, const char *value)
{
	struct dn_scenario *s = &L->s;
	if (!dn_scn_name_ok(key, DN_SCN_EXPECT_NAME_MAX)) {
		fail(L, line,
		     "bad assertion name '%s' in [expect]: names are 1-%d characters of a-z, 0-9, "
		     "_ and -",
		     key, DN_SCN_EXPECT_NAME_MAX);
		return;
	}
	for (size_t i = 0; i < s->nexpects; i++) {
		if (strcmp(s->expects[i].name, key) == 0) {
			fail(L, line, "duplicate key '%s' in [expect] (first at line %d)", key,
			     s->expects[i].line);
			return;
		}
	}
	s->expects = xreallocarray(s->expects, s->nexpects + 1, sizeof(*s->expects));
	struct dn_scn_expect *e = &s->expects[s->nexpects++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, key, strlen(key) + 1);
	e->sql = xstrdup(value);
	e->line = line;
	L->last_bad = false;
	L->last_expect = s->nexpects;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct ld *L = user;
	int line = L->line;
	(void)section; /* ours is L->cur, which also knows bad and empty sections */

	if (L->cur < 0) {
		fail(L, line, "'%s' is outside any section; a scenario starts with [scenario]",
		     key);
		return 1;
	}
	struct sec *sc = &L->secs[L->cur];
	if (L->indented && L->last_key[0] && strcmp(key, L->last_key) == 0) {
		if (!sc->bad)
			continuation(L, sc, line, value);
		return 1;
	}
	snprintf(L->last_key, sizeof(L->last_key), "%s", key);
	L->last_bad = true;
	L->last_param = NULL;
	L->last_expect = 0;
	if (sc->bad)
		return 1;
	if (sc->kind == DN_SCN_SEC_EXPECT) { /* an empty value may continue below */
		expect_key(L, line, key, value);
		return 1;
	}
	const struct dn_scn_param *p = dn_scn_param_find(sc->kind, key);
	if (!p) {
		unknown_key(L, sc, line, key);
		return 1;
	}
	if (!*value && p->type != DN_SCN_TEXT) {
		fail(L, line, "[%s] %s has no value", sc->header, key);
		return 1;
	}
	size_t idx = param_index(p);
	if (sc->keyline[idx]) {
		fail(L, line, "duplicate key '%s' in [%s] (first at line %d)", key, sc->header,
		     sc->keyline[idx]);
		return 1;
	}
	sc->keyline[idx] = line;
	int rc = dn_scn_param_parse(p, value, sec_base(L, sc));
	if (rc) {
		char want[700];
		expected(p, want, sizeof(want));
		fail(L, line, "[%s] %s = %.40s%s: %s; expected %s", sc->header, key, value,
		     strlen(value) > 40 ? "..." : "",
		     rc == DN_SCN_ERANGE ? "out of range" : "not a valid value", want);
		return 1;
	}
	L->last_bad = false;
	L->last_param = p;
	return 1;
}

/* ---- checks of the whole scenario -------------------------------------- */

static int key_line(const struct sec *sc, const char *key)
{
	const struct dn_scn_param *p = dn_scn_param_find(sc->kind, key);
	return p ? sc->keyline[param_index(p)] : 0;
}

/* The line of `key` if it was set, else the section's. */
static int where(const struct sec *sc, const char *key)
{
	int l = key_line(sc, key);
	return l ? l : sc->line;
}

static void check_keys(struct ld *L, const struct sec *sc)
{
	void *base = sec_base(L, sc);
	for (size_t i = 0; i < dn_scn_nparams; i++) {
		const struct dn_scn_param *p = &dn_scn_params[i];
		if (p->section != sc->kind)
			continue;
		if ((p->flags & DN_SCN_REQUIRED) && !sc->keyline[i]) {
			char want[700];
			expected(p, want, sizeof(want));
			fail(L, sc->line, "[%s] has no %s (required: %s)", sc->header, p->key,
			     want);
		}
		if (p->only_key && sc->keyline[i]) {
			const struct dn_scn_param *o = dn_scn_param_find(sc->kind, p->only_key);
			uint64_t v = dn_scn_param_get_uint(o, base);
			if (v != (uint64_t)p->only_value)
				fail(L, sc->keyline[i], "[%s] %s applies only with %s = %s, not %s",
				     sc->header, p->key, o->key, o->names[p->only_value],
				     v < o->nnames ? o->names[v] : "?");
		}
	}
}

static bool account_exists(const struct dn_scenario *s, const char *name)
{
	if (is_dev_name(name))
		return true;
	for (size_t i = 0; i < s->naccounts; i++)
		if (strcmp(s->accounts[i].name, name) == 0)
			return true;
	return false;
}

static void check_chain(struct ld *L, const struct sec *sc)
{
	const struct dn_chain_params *p = &L->s.params;
	if (p->min_take > p->max_take)
		fail(L, where(sc, "min_take"), "[chain] min_take = %u is above max_take = %u",
		     (unsigned)p->min_take, (unsigned)p->max_take);
	else if (p->default_take < p->min_take || p->default_take > p->max_take)
		fail(L, where(sc, "default_take"),
		     "[chain] default_take = %u is outside min_take .. max_take = %u .. %u",
		     (unsigned)p->default_take, (unsigned)p->min_take, (unsigned)p->max_take);
}

static void check_subnet(struct ld *L, const struct sec *sc, size_t nth)
{
	const struct dn_scn_subnet *n = &L->s.subnets[sc->index];
	const struct dn_subnet_hparams *hp = &n->hp;
	char a[32], b[32];

	if (n->owner[0] && !account_exists(&L->s, n->owner))
		fail(L, where(sc, "owner"),
		     "[%s] owner '%s' is neither a dev account (alice .. ferdie) nor an "
		     "[account.NAME]",
		     sc->header, n->owner);
	for (size_t i = 0; n->netuid && i < sc->index; i++) {
		if (L->s.subnets[i].netuid == n->netuid) {
			fail(L, where(sc, "netuid"),
			     "[%s] netuid %u is also [subnet.%s]'s (line %d)", sc->header,
			     (unsigned)n->netuid, L->s.subnets[i].name, L->s.subnets[i].line);
			break;
		}
	}
	if (nth == (size_t)L->s.params.lock.subnet_limit + 1)
		fail(L, sc->line, "[%s] is subnet number %zu, above [chain] subnet_limit = %u",
		     sc->header, nth, (unsigned)L->s.params.lock.subnet_limit);
	if (hp->burn.min_burn > hp->burn.max_burn) {
		dn_scn_format_decimal(hp->burn.min_burn, 9, a, sizeof(a));
		dn_scn_format_decimal(hp->burn.max_burn, 9, b, sizeof(b));
		fail(L, where(sc, "min_burn"), "[%s] min_burn = %s is above max_burn = %s",
		     sc->header, a, b);
	}
	if (hp->alpha_low > hp->alpha_high)
		fail(L, where(sc, "alpha_low"), "[%s] alpha_low = %u is above alpha_high = %u",
		     sc->header, (unsigned)hp->alpha_low, (unsigned)hp->alpha_high);
	/* the chain refuses more permits than uids; unset, the default 64 just
	 * leaves every uid a permit */
	if (key_line(sc, "max_allowed_validators") &&
	    hp->max_allowed_validators > hp->max_allowed_uids)
		fail(L, where(sc, "max_allowed_validators"),
		     "[%s] max_allowed_validators = %u is above max_allowed_uids = %u", sc->header,
		     (unsigned)hp->max_allowed_validators, (unsigned)hp->max_allowed_uids);
}

/* The group's subnet, NULL (reported) when it names none. */
static const struct dn_scn_subnet *group_subnet(struct ld *L, const struct sec *sc,
						const char *name)
{
	if (!name[0])
		return NULL; /* missing: reported as a required key */
	const struct dn_scn_subnet *n = dn_scenario_subnet(&L->s, name);
	if (!n)
		fail(L, where(sc, "subnet"),
		     "[%s] subnet '%s' is not a [subnet.NAME] of the scenario", sc->header, name);
	return n;
}

static void check_validators(struct ld *L, const struct sec *sc)
{
	const struct dn_scn_validators *v = &L->s.validators[sc->index];
	group_subnet(L, sc, v->subnet);
	if (v->behaviour == DN_VAL_CARTEL && !v->favours[0]) {
		fail(L, where(sc, "behaviour"),
		     "[%s] behaviour = cartel needs favours = a [miners.NAME] group", sc->header);
	} else if (v->behaviour == DN_VAL_CARTEL) {
		const struct dn_scn_miners *m = dn_scenario_miners(&L->s, v->favours);
		if (!m)
			fail(L, where(sc, "favours"),
			     "[%s] favours '%s' is not a [miners.NAME] group of the scenario",
			     sc->header, v->favours);
		else if (strcmp(m->subnet, v->subnet) != 0)
			fail(L, where(sc, "favours"),
			     "[%s] favours '%s', miners of subnet '%s', not of its subnet '%s'",
			     sc->header, v->favours, m->subnet, v->subnet);
	}
	if (v->behaviour == DN_VAL_LAZY && v->every < 2)
		fail(L, where(sc, "every"),
		     "[%s] behaviour = lazy needs every >= 2 (tempos); every = 1 is honest",
		     sc->header);
}

static void check_miners(struct ld *L, const struct sec *sc)
{
	const struct dn_scn_miners *m = &L->s.miners[sc->index];
	const struct dn_scn_subnet *n = group_subnet(L, sc, m->subnet);
	if (m->join_block && m->join_block >= L->s.blocks)
		fail(L, where(sc, "join_block"),
		     "[%s] join_block = %llu is not before the run's end ([scenario] blocks = "
		     "%llu)",
		     sc->header, (unsigned long long)m->join_block,
		     (unsigned long long)L->s.blocks);
	if (n && (m->join_block || m->model == DN_MINER_CHURNING) &&
	    m->balance < n->hp.burn.min_burn) {
		char a[32], b[32];
		dn_scn_format_decimal(m->balance, 9, a, sizeof(a));
		dn_scn_format_decimal(n->hp.burn.min_burn, 9, b, sizeof(b));
		fail(L, where(sc, "balance"),
		     "[%s] balance = %s TAO cannot pay a registration on subnet '%s' (min_burn = "
		     "%s TAO); %s members register during the run",
		     sc->header, a, n->name, b, m->join_block ? "late-joining" : "churning");
	}
}

static void check_traders(struct ld *L, const struct sec *sc)
{
	const struct dn_scn_traders *t = &L->s.traders[sc->index];
	const struct dn_scn_subnet *n = group_subnet(L, sc, t->subnet);
	if (t->behaviour == DN_TRADER_WHALE) {
		if (t->at >= L->s.blocks)
			fail(L, where(sc, "at"),
			     "[%s] at = %llu is not before the run's end ([scenario] blocks = "
			     "%llu)",
			     sc->header, (unsigned long long)t->at,
			     (unsigned long long)L->s.blocks);
		if (t->until && t->until <= t->at)
			fail(L, where(sc, "until"),
			     "[%s] until = %llu is not after at = %llu (0: never unstake)",
			     sc->header, (unsigned long long)t->until, (unsigned long long)t->at);
	}
	if (n && t->behaviour == DN_TRADER_EPOCH_SNIPER) {
		unsigned tempo = n->tempo ? n->tempo : L->s.params.sched.initial_tempo;
		if (t->lead >= tempo)
			fail(L, where(sc, "lead"),
			     "[%s] lead = %u is not below the tempo %u of subnet '%s'", sc->header,
			     t->lead, tempo, n->name);
	}
}

/* Neurons at genesis on each subnet: the owner's uid 0, every validator
 * (a self-dealer with its miner) and the miners not joining later. */
static void check_members(struct ld *L)
{
	size_t ns = L->s.nsubnets;
	uint64_t *members = xcalloc(ns ? ns : 1, sizeof(*members));
	bool *reported = xcalloc(ns ? ns : 1, sizeof(*reported));
	for (size_t i = 0; i < ns; i++)
		members[i] = 1;
	for (size_t i = 0; i < L->nsecs; i++) {
		const struct sec *sc = &L->secs[i];
		const char *subnet;
		uint64_t add;
		if (sc->bad)
			continue;
		if (sc->kind == DN_SCN_SEC_VALIDATORS) {
			const struct dn_scn_validators *v = &L->s.validators[sc->index];
			subnet = v->subnet;
			add = (uint64_t)v->count * (v->behaviour == DN_VAL_SELF_DEALER ? 2 : 1);
		} else if (sc->kind == DN_SCN_SEC_MINERS) {
			const struct dn_scn_miners *m = &L->s.miners[sc->index];
			subnet = m->subnet;
			add = m->join_block ? 0 : m->count;
		} else {
			continue;
		}
		const struct dn_scn_subnet *n = dn_scenario_subnet(&L->s, subnet);
		if (!n)
			continue;
		size_t k = (size_t)(n - L->s.subnets);
		members[k] += add;
		if (!reported[k] && members[k] > n->hp.max_allowed_uids) {
			reported[k] = true;
			fail(L, sc->line,
			     "[%s] makes %llu neurons at genesis on subnet '%s' (its owner's uid "
			     "0, "
			     "validators, self-dealers' miners, miners with join_block = 0), above "
			     "its "
			     "max_allowed_uids = %u",
			     sc->header, (unsigned long long)members[k], n->name,
			     (unsigned)n->hp.max_allowed_uids);
		}
	}
	free(members);
	free(reported);
}

/* Text values may start empty on their key line and continue below; one
 * that never does has no value. */
static void check_text(struct ld *L, const struct sec *sc)
{
	if (sc->kind == DN_SCN_SEC_EXPECT) {
		for (size_t i = 0; i < L->s.nexpects; i++)
			if (!L->s.expects[i].sql[0])
				fail(L, L->s.expects[i].line, "[expect] %s has no value",
				     L->s.expects[i].name);
		return;
	}
	for (size_t i = 0; i < dn_scn_nparams; i++) {
		const struct dn_scn_param *p = &dn_scn_params[i];
		if (p->section != sc->kind || p->type != DN_SCN_TEXT || !sc->keyline[i])
			continue;
		const char *t;
		memcpy(&t, (const char *)sec_base(L, sc) + p->offset, sizeof(t));
		if (t && !t[0])
			fail(L, sc->keyline[i], "[%s] %s has no value", sc->header, p->key);
	}
}

static void check(struct ld *L)
{
	bool have_scenario = false; /* a [scenario...] header, even a bad one */
	size_t nth_subnet = 0;
	for (size_t i = 0; i < L->nsecs; i++) {
		const struct sec *sc = &L->secs[i];
		have_scenario |= strncmp(sc->header, "scenario", 8) == 0;
		if (sc->bad)
			continue;
		if (sc->kind != DN_SCN_SEC_EXPECT)
			check_keys(L, sc);
		check_text(L, sc);
		switch (sc->kind) {
		case DN_SCN_SEC_CHAIN: check_chain(L, sc); break;
		case DN_SCN_SEC_SUBNET: check_subnet(L, sc, ++nth_subnet); break;
		case DN_SCN_SEC_VALIDATORS: check_validators(L, sc); break;
		case DN_SCN_SEC_MINERS: check_miners(L, sc); break;
		case DN_SCN_SEC_TRADERS: check_traders(L, sc); break;
		default: break;
		}
	}
	if (!have_scenario)
		fail(L, 1, "no [scenario] section: a scenario file needs one, with its name");
	check_members(L);
}

/* ---- results ----------------------------------------------------------- */

static int by_netuid(const void *a, const void *b)
{
	const struct dn_scn_subnet *x = a, *y = b;
	return (x->netuid > y->netuid) - (x->netuid < y->netuid);
}

static void report(struct ld *L, char *err, size_t errlen)
{
	size_t n = 0;
	if (!err || !errlen)
		return;
	err[0] = 0;
	/* by line, keeping the order of one line's errors (an insertion sort:
	 * qsort is not stable) */
	struct err_rec *e = xcalloc(L->nerr, sizeof(*e));
	for (unsigned i = 0; i < L->nerr; i++) {
		unsigned j = i;
		while (j > 0 && e[j - 1].line > L->err[i].line) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = L->err[i];
	}
	for (unsigned i = 0; i < L->nerr && n + 1 < errlen; i++) {
		int w = snprintf(err + n, errlen - n, "%s%s:%d: %s", i ? "\n" : "", L->file,
				 e[i].line, e[i].msg);
		n += w < 0 ? 0 : (size_t)w;
	}
	if (L->total > L->nerr && n + 1 < errlen)
		snprintf(err + n, errlen - n, "\n%s: %u more errors", L->file, L->total - L->nerr);
	free(e);
}

static void free_loader(struct ld *L)
{
	for (size_t i = 0; i < L->nsecs; i++)
		free(L->secs[i].keyline);
	free(L->secs);
	free(L->header_at);
}

int dn_scenario_load_string(const char *text, const char *name_for_errors, struct dn_scenario *out,
			    char *err, size_t errlen)
{
	struct ld L = {.file = name_for_errors ? name_for_errors : "scenario",
		       .text = text ? text : "",
		       .cur = -1,
		       .last_bad = true};
	L.pos = L.text;
	dn_scenario_init(&L.s);
	if (err && errlen)
		err[0] = 0;

	if (scan(&L)) {
		int rc = ini_parse_stream(reader, &L, handler, &L);
		if (rc > 0 && !has_error_at(&L, rc))
			fail(&L, rc,
			     "not a section header, key = value, comment or indented "
			     "continuation line");
		else if (rc < 0)
			fail(&L, L.line, "libinih failed (%d)", rc);
		check(&L);
	}
	if (L.total) {
		report(&L, err, errlen);
		dn_scenario_release(&L.s);
		free_loader(&L);
		return (int)L.total;
	}
	if (L.s.nsubnets > 1) /* qsort's base must not be NULL, even for 0 items */
		qsort(L.s.subnets, L.s.nsubnets, sizeof(*L.s.subnets), by_netuid);
	free_loader(&L);
	*out = L.s;
	return 0;
}

int dn_scenario_load_file(const char *path, struct dn_scenario *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return 1;
	}
	char *buf = xmalloc(MAX_FILE + 2);
	size_t n = fread(buf, 1, MAX_FILE + 1, f);
	int e = ferror(f) ? errno : 0;
	fclose(f);
	if (e || n > MAX_FILE) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path,
				 e ? strerror(e) : "larger than 1 MiB: not a scenario file");
		free(buf);
		return 1;
	}
	buf[n] = 0;
	const char *nul = memchr(buf, 0, n);
	if (nul) {
		int line = 1;
		for (const char *c = buf; c < nul; c++)
			line += *c == '\n';
		if (err && errlen)
			snprintf(err, errlen, "%s:%d: NUL byte: a scenario file is text", path,
				 line);
		free(buf);
		return 1;
	}
	int rc = dn_scenario_load_string(buf, path, out, err, errlen);
	free(buf);
	return rc;
}

int dn_scenario_load_default(struct dn_scenario *out, char *err, size_t errlen)
{
	return dn_scenario_load_string(dn_scenario_default_ini, "quickstart.ini", out, err, errlen);
}
