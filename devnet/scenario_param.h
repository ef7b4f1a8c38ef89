/*
 * The scenario parameter table: every section and key a scenario file
 * can hold, with its type, range, default and help, and where its value
 * goes in the structures of devnet/scenario.h. It is the one source of
 * the loader (devnet/scenario_ini.c), `taodev help scenario` and the
 * generated reference of fixtures/README.md, so the three cannot drift.
 *
 * Values are parsed and formatted here, without stdio (this is the pure
 * core): amounts are decimal TAO or alpha with up to 9 decimals stored as
 * rao, fractions are decimals in [0, 1] with up to 6 decimals stored as
 * parts per million, chain fractions of 65535 (kappa, takes, ...) are the
 * raw integers the chain stores, fixed-point values (prices, multipliers)
 * are decimals with up to 9 decimals stored as the chain's fixed-point
 * bits.
 */
#ifndef DN_SCENARIO_PARAM_H
#define DN_SCENARIO_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/scenario.h"

enum dn_scn_section {
	DN_SCN_SEC_SCENARIO, /* [scenario]: struct dn_scenario */
	DN_SCN_SEC_CHAIN, /* [chain]: struct dn_chain_params */
	DN_SCN_SEC_ACCOUNT, /* [account.NAME]: struct dn_scn_account */
	DN_SCN_SEC_SUBNET, /* [subnet.NAME]: struct dn_scn_subnet */
	DN_SCN_SEC_VALIDATORS, /* [validators.NAME]: struct dn_scn_validators */
	DN_SCN_SEC_MINERS, /* [miners.NAME]: struct dn_scn_miners */
	DN_SCN_SEC_TRADERS, /* [traders.NAME]: struct dn_scn_traders */
	DN_SCN_SEC_EXPECT, /* [expect]: NAME = SQL, struct dn_scn_expect */
	DN_SCN_SEC_COUNT
};

struct dn_scn_section_info {
	const char *name; /* "subnet": the header is [subnet] or [subnet.NAME] */
	bool named; /* [name.NAME], one per NAME; else a single [name] */
	bool required; /* the file must have it */
	const char *help;
};

extern const struct dn_scn_section_info dn_scn_sections[DN_SCN_SEC_COUNT];

enum dn_scn_type {
	DN_SCN_UINT, /* unsigned integer (field of 1, 2, 4 or 8 bytes) */
	DN_SCN_INT, /* signed integer (field of 2, 4 or 8 bytes) */
	DN_SCN_AMOUNT, /* decimal TAO or alpha, up to 9 decimals: rao in a uint64_t */
	DN_SCN_FRACTION, /* decimal in [0, 1], up to 6 decimals: parts per million, uint32_t */
	DN_SCN_FIXED, /* decimal, up to 9 decimals: fixed-point bits (frac_bits), 16 bytes */
	DN_SCN_BOOL, /* true/false, yes/no, on/off, 1/0: bool */
	DN_SCN_ENUM, /* one of names[]: the enum, stored as an int */
	DN_SCN_NAME, /* [a-z0-9_-], 1-31 characters: char[DN_SCN_NAME_MAX] (a reference) */
	DN_SCN_TEXT, /* free text, continuation lines allowed: an owned char * */
	DN_SCN_SQL, /* [expect]'s values (not a field: the loader keeps them) */
	DN_SCN_TYPE_COUNT
};

#define DN_SCN_REQUIRED 1u /* no default: the section must set it */

struct dn_scn_param {
	enum dn_scn_section section;
	const char *key; /* snake_case; "NAME" for [expect]'s free keys */
	enum dn_scn_type type;
	uint8_t size; /* bytes of the field */
	uint8_t frac_bits; /* DN_SCN_FIXED: 32 (I96F32) or 64 (U64F64) */
	uint16_t flags;
	size_t offset; /* of the field in the section's structure */
	/* accepted range, in the stored unit (rao, ppm, integer; for
	 * DN_SCN_FIXED in units of 1e-9; for DN_SCN_INT as int64_t) */
	uint64_t min, max;
	const char *const *names; /* DN_SCN_ENUM: the names, indexed by value */
	unsigned nnames;
	const char *unit; /* shown with the type: "blocks", "TAO", "of 65535", ... */
	/* the key applies only when key `only_key` of the same section (an
	 * enum) has the value `only_value`: set otherwise, it is an error */
	const char *only_key;
	int only_value;
	const char *help;
};

extern const struct dn_scn_param dn_scn_params[];
extern const size_t dn_scn_nparams;

/* [expect]'s assertion names: [a-z0-9_-], 1-48 characters (libinih keeps
 * 49 characters of a key for its continuation lines). */
#define DN_SCN_EXPECT_NAME_MAX 48

/* The parameter of `key` in `section`, NULL when there is none. */
const struct dn_scn_param *dn_scn_param_find(enum dn_scn_section section, const char *key);

/* The section kind of a header's first part ("subnet"), DN_SCN_SEC_COUNT
 * when unknown. */
enum dn_scn_section dn_scn_section_by_name(const char *name, size_t len);

/* Names of accounts, subnets and groups: [a-z0-9_-], 1 .. max_len. */
bool dn_scn_name_ok(const char *name, size_t max_len);

/* Defaults of one part (the name left empty, required keys zero), for the
 * named sections; for [scenario] and [chain] dn_scenario_init's. */
void dn_scn_account_init(struct dn_scn_account *a);
void dn_scn_subnet_init(struct dn_scn_subnet *s);
void dn_scn_validators_init(struct dn_scn_validators *v);
void dn_scn_miners_init(struct dn_scn_miners *m);
void dn_scn_traders_init(struct dn_scn_traders *t);

/* ---- values ------------------------------------------------------------ */

#define DN_SCN_ESYNTAX (-1) /* not a value of the parameter's type */
#define DN_SCN_ERANGE (-2) /* a value, outside the parameter's range */

/* Parses `text` as the parameter's value and stores it in its field of
 * `base` (the section's structure; for DN_SCN_TEXT a new owned string,
 * the old one freed). 0, DN_SCN_ESYNTAX or DN_SCN_ERANGE; on error the
 * field is unchanged. DN_SCN_SQL is not stored (DN_SCN_ESYNTAX). */
int dn_scn_param_parse(const struct dn_scn_param *p, const char *text, void *base);

/* The field's value in `base` as the file would write it (NUL
 * terminated, cut to len); "" for an empty name or text. */
void dn_scn_param_format(const struct dn_scn_param *p, const void *base, char *buf, size_t len);

/* The value's type as the help shows it: "integer", "TAO", "fraction",
 * "bool", ... */
const char *dn_scn_param_type_name(const struct dn_scn_param *p);

/* What the parameter accepts, e.g. "0 .. 65535", "0 .. 21000000",
 * "honest, lazy, stale", "true/false": for the help and error messages. */
void dn_scn_param_range(const struct dn_scn_param *p, char *buf, size_t len);

/* Reads an enum or unsigned field (for only_key conditions and checks). */
uint64_t dn_scn_param_get_uint(const struct dn_scn_param *p, const void *base);

/* Parses a decimal with at most `decimals` digits after the point into
 * value * 10^decimals ("20000", "0.5"; no sign, exponent or separators).
 * 0, DN_SCN_ESYNTAX, or DN_SCN_ERANGE when it does not fit a uint64_t. */
int dn_scn_parse_decimal(const char *text, unsigned decimals, uint64_t *out);

/* Formats v / 10^decimals without trailing zeros ("20000", "0.5"). */
void dn_scn_format_decimal(uint64_t v, unsigned decimals, char *buf, size_t len);

#endif
