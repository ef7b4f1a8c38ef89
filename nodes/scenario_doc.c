/*
 * The scenario format's reference and a scenario's INI text, printed from
 * the parameter table (see scenario_doc.h). The defaults shown are read
 * from freshly initialised parts, so they are the loader's.
 */
#include "nodes/scenario_doc.h"

#include <string.h>

#include "devnet/scenario_param.h"

/* The value types, in the order the reference explains them. */
static const struct {
	const char *name, *text;
} types[] = {
	{"integer", "Decimal digits (a minus sign only where the range is negative). \"of "
		    "65535\" marks a chain fraction, written as the integer the chain stores "
		    "(32767 is one half); \"of 2^64 - 1\" likewise."},
	{"TAO, alpha", "An amount with up to 9 decimals (20000, 0.5; no exponent or "
		       "separators), stored in rao (1 TAO = 10^9 rao)."},
	{"fraction", "A decimal in [0, 1] with up to 6 decimals (0.05), stored in parts per "
		     "million."},
	{"decimal", "A decimal with up to 9 decimals, stored as the chain's fixed-point "
		    "number (I96F32 or U64F64)."},
	{"bool", "true/false, yes/no, on/off or 1/0."},
	{"choice", "One of the names listed in the range."},
	{"name", "1-31 characters of a-z, 0-9, _ and -: a section's name or a reference to "
		 "one."},
	{"text", "Anything; may continue on indented lines (joined with one space)."},
	{"SQL", "A read-only query; may continue on indented lines (joined with one "
		"space)."},
};

/* The defaults of every section's structure. */
struct defaults {
	struct dn_scenario s;
	struct dn_scn_account a;
	struct dn_scn_subnet n;
	struct dn_scn_validators v;
	struct dn_scn_miners m;
	struct dn_scn_traders t;
};

static const void *default_base(const struct defaults *d, enum dn_scn_section k)
{
	switch (k) {
	case DN_SCN_SEC_SCENARIO: return &d->s;
	case DN_SCN_SEC_CHAIN: return &d->s.params;
	case DN_SCN_SEC_ACCOUNT: return &d->a;
	case DN_SCN_SEC_SUBNET: return &d->n;
	case DN_SCN_SEC_VALIDATORS: return &d->v;
	case DN_SCN_SEC_MINERS: return &d->m;
	case DN_SCN_SEC_TRADERS: return &d->t;
	default: return NULL;
	}
}

static void defaults_init(struct defaults *d)
{
	dn_scenario_init(&d->s);
	dn_scn_account_init(&d->a);
	dn_scn_subnet_init(&d->n);
	dn_scn_validators_init(&d->v);
	dn_scn_miners_init(&d->m);
	dn_scn_traders_init(&d->t);
}

static void header_text(enum dn_scn_section k, char *buf, size_t len)
{
	snprintf(buf, len, "[%s%s]", dn_scn_sections[k].name,
		 dn_scn_sections[k].named ? ".NAME" : "");
}

static void type_text(const struct dn_scn_param *p, char *buf, size_t len)
{
	if (p->unit && p->type != DN_SCN_AMOUNT)
		snprintf(buf, len, "%s (%s)", dn_scn_param_type_name(p), p->unit);
	else
		snprintf(buf, len, "%s", dn_scn_param_type_name(p));
}

static void default_text(const struct dn_scn_param *p, const struct defaults *d, char *buf,
			 size_t len)
{
	const void *base = default_base(d, p->section);
	if (p->flags & DN_SCN_REQUIRED)
		snprintf(buf, len, "required");
	else if (!base)
		snprintf(buf, len, "-");
	else {
		dn_scn_param_format(p, base, buf, len);
		if (!buf[0])
			snprintf(buf, len, "none");
	}
}

/* The help with the key's condition, if any. */
static void help_text(const struct dn_scn_param *p, char *buf, size_t len)
{
	if (p->only_key) {
		const struct dn_scn_param *o = dn_scn_param_find(p->section, p->only_key);
		snprintf(buf, len, "%s Only with %s = %s.", p->help, o->key,
			 o->names[p->only_value]);
	} else {
		snprintf(buf, len, "%s", p->help);
	}
}

/* Prints text wrapped at 100 columns, each line indented by `indent`. */
static void wrap(FILE *f, const char *text, int indent)
{
	const int width = 100;
	const char *s = text;
	while (*s) {
		int room = width - indent, n = (int)strlen(s);
		if (n > room) {
			n = room;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(f, "%*s%.*s\n", indent, "", n, s);
		s += n;
		while (*s == ' ')
			s++;
	}
}

static void help_plain(FILE *f, const struct defaults *d)
{
	char hdr[64], type[64], range[512], def[64], help[1024];
	fputs("Scenario files: what a devnet run starts from, who acts in it and what must hold\n"
	      "at its end, as an INI file (fixtures/README.md; the default is\n"
	      "fixtures/quickstart.ini). Check one with 'taodev scenario check FILE'.\n"
	      "\n"
	      "Lines are '[section]', 'key = value', comments starting with ';' or '#', and\n"
	      "indented continuation lines of text values. A line holds at most 199 bytes.\n"
	      "\n"
	      "Values:\n",
	      f);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fprintf(f, "  %s\n", types[i].name);
		wrap(f, types[i].text, 6);
	}
	for (int k = 0; k < DN_SCN_SEC_COUNT; k++) {
		header_text((enum dn_scn_section)k, hdr, sizeof(hdr));
		fprintf(f, "\n%s%s\n", hdr, dn_scn_sections[k].required ? " (required)" : "");
		wrap(f, dn_scn_sections[k].help, 2);
		for (size_t i = 0; i < dn_scn_nparams; i++) {
			const struct dn_scn_param *p = &dn_scn_params[i];
			if (p->section != (enum dn_scn_section)k)
				continue;
			type_text(p, type, sizeof(type));
			dn_scn_param_range(p, range, sizeof(range));
			default_text(p, d, def, sizeof(def));
			help_text(p, help, sizeof(help));
			fprintf(f, "  %s: %s, %s; %s%s\n", p->key, type, range,
				strcmp(def, "required") == 0 ? "" : "default ", def);
			wrap(f, help, 6);
		}
	}
}

/* Markdown table cells: '|' would end the cell. */
static void cell(FILE *f, const char *s)
{
	fputs("| ", f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc(' ', f);
}

/* A cell in a code span: ranges and values are literal text (names hold
 * underscores, which markdown would read as emphasis). */
static void code_cell(FILE *f, const char *s)
{
	char buf[600];
	snprintf(buf, sizeof(buf), "`%s`", s);
	cell(f, buf);
}

static void help_markdown(FILE *f, const struct defaults *d)
{
	char hdr[64], type[64], range[512], def[64], help[1024], key[64];
	fputs("\nGenerated by `taodev help scenario --markdown` from the loader's parameter table\n"
	      "(`devnet/scenario_param.c`); `make update-fixtures-readme` rewrites it.\n"
	      "\n"
	      "### Values\n"
	      "\n"
	      "| Type | Written as |\n"
	      "| --- | --- |\n",
	      f);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		cell(f, types[i].name);
		cell(f, types[i].text);
		fputs("|\n", f);
	}
	for (int k = 0; k < DN_SCN_SEC_COUNT; k++) {
		header_text((enum dn_scn_section)k, hdr, sizeof(hdr));
		fprintf(f, "\n### `%s`%s\n\n%s\n\n", hdr,
			dn_scn_sections[k].required ? " (required)" : "", dn_scn_sections[k].help);
		fputs("| Key | Type | Range | Default | Meaning |\n"
		      "| --- | --- | --- | --- | --- |\n",
		      f);
		for (size_t i = 0; i < dn_scn_nparams; i++) {
			const struct dn_scn_param *p = &dn_scn_params[i];
			if (p->section != (enum dn_scn_section)k)
				continue;
			snprintf(key, sizeof(key), "`%s`", p->key);
			type_text(p, type, sizeof(type));
			dn_scn_param_range(p, range, sizeof(range));
			default_text(p, d, def, sizeof(def));
			help_text(p, help, sizeof(help));
			cell(f, key);
			cell(f, type);
			code_cell(f, range);
			if (p->flags & DN_SCN_REQUIRED || strcmp(def, "none") == 0 ||
			    strcmp(def, "-") == 0)
				cell(f, def);
			else
				code_cell(f, def);
			cell(f, help);
			fputs("|\n", f);
		}
	}
	fputc('\n', f); /* a blank line ends the last table before the end marker */
}

void nd_scenario_print_help(FILE *f, bool markdown)
{
	struct defaults d;
	defaults_init(&d);
	if (markdown)
		help_markdown(f, &d);
	else
		help_plain(f, &d);
}

/* ---- a scenario as INI ------------------------------------------------- */

/* `key = value`, continued on indented lines at spaces so that no line
 * passes 100 columns (libinih reads 199 bytes at most); a line break never
 * lands before a word starting with a character that would make the
 * continuation a comment or a header. */
static void print_long(FILE *f, const char *key, const char *value)
{
	int col = fprintf(f, "%s = ", key);
	const char *s = value;
	while (*s) {
		const char *e = strchr(s, ' ');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool first = s == value;
		if (!first && col + 1 + (int)n > 100 && !strchr(";#[", *s)) {
			fputs("\n\t", f);
			col = 8;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, n, f);
		col += (int)n;
		s += n;
		while (*s == ' ')
			s++;
	}
	fputc('\n', f);
}

static void print_section(FILE *f, enum dn_scn_section k, const char *name, const void *base)
{
	char value[512];
	if (name)
		fprintf(f, "\n[%s.%s]\n", dn_scn_sections[k].name, name);
	else
		fprintf(f, "\n[%s]\n", dn_scn_sections[k].name);
	for (size_t i = 0; i < dn_scn_nparams; i++) {
		const struct dn_scn_param *p = &dn_scn_params[i];
		if (p->section != k)
			continue;
		if (p->only_key) { /* a key that does not apply would not load back */
			const struct dn_scn_param *o = dn_scn_param_find(k, p->only_key);
			if (dn_scn_param_get_uint(o, base) != (uint64_t)p->only_value)
				continue;
		}
		if (p->type == DN_SCN_TEXT) {
			const char *t;
			memcpy(&t, (const char *)base + p->offset, sizeof(t));
			if (t && *t)
				print_long(f, p->key, t);
			continue;
		}
		dn_scn_param_format(p, base, value, sizeof(value));
		if (value[0]) /* an empty name: an optional reference not set */
			fprintf(f, "%s = %s\n", p->key, value);
	}
}

void nd_scenario_print(FILE *f, const struct dn_scenario *s)
{
	fprintf(f, "; scenario %s as loaded: every key with its value, defaults included\n",
		s->name);
	print_section(f, DN_SCN_SEC_SCENARIO, NULL, s);
	print_section(f, DN_SCN_SEC_CHAIN, NULL, &s->params);
	for (size_t i = 0; i < s->naccounts; i++)
		print_section(f, DN_SCN_SEC_ACCOUNT, s->accounts[i].name, &s->accounts[i]);
	for (size_t i = 0; i < s->nsubnets; i++)
		print_section(f, DN_SCN_SEC_SUBNET, s->subnets[i].name, &s->subnets[i]);
	for (size_t i = 0; i < s->nvalidators; i++)
		print_section(f, DN_SCN_SEC_VALIDATORS, s->validators[i].name, &s->validators[i]);
	for (size_t i = 0; i < s->nminers; i++)
		print_section(f, DN_SCN_SEC_MINERS, s->miners[i].name, &s->miners[i]);
	for (size_t i = 0; i < s->ntraders; i++)
		print_section(f, DN_SCN_SEC_TRADERS, s->traders[i].name, &s->traders[i]);
	if (s->nexpects) {
		fputs("\n[expect]\n", f);
		for (size_t i = 0; i < s->nexpects; i++)
			print_long(f, s->expects[i].name, s->expects[i].sql);
	}
}
