/*
 * devnet/scenario_ini.c and scenario_param.c: fixtures/quickstart.ini
 * loads with the values it writes and the defaults it leaves; TAO,
 * fractions and fixed-point decimals parse exactly; continuation lines
 * join; every class of error is reported at its line and changes nothing.
 */
#include "devnet/scenario.h"
#include "devnet/scenario_param.h"
#include "tests/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAO 1000000000ULL

static char err[8192];

static int load(const char *text, struct dn_scenario *s)
{
	return dn_scenario_load_string(text, "t.ini", s, err, sizeof(err));
}

/* ---- quickstart -------------------------------------------------------- */

static void quickstart(void)
{
	struct dn_scenario s, d;
	char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/fixtures/quickstart.ini", top ? top : ".");

	int rc = dn_scenario_load_file(path, &s, err, sizeof(err));
	if (!ok(rc == 0, "fixtures/quickstart.ini loads"))
		diag("%s", err);
	if (rc) {
		skip(35, "quickstart did not load");
		return;
	}
	is_str(s.name, "quickstart", "scenario name");
	ok(s.description && strstr(s.description, "three subnets"), "description");
	is_int((intmax_t)s.seed, 1, "seed");
	is_int((intmax_t)s.blocks, 1500, "blocks");
	is_int((intmax_t)s.naccounts, 1, "one account");
	is_str(s.accounts[0].name, "treasury", "the treasury");
	is_int((intmax_t)s.accounts[0].balance, (intmax_t)(50000 * TAO), "its balance in rao");

	is_int((intmax_t)s.nsubnets, 3, "three subnets");
	ok(s.subnets[0].netuid == 1 && s.subnets[1].netuid == 2 && s.subnets[2].netuid == 3,
	   "netuids 1, 2, 3");
	is_str(s.subnets[0].name, "apex", "subnet 1 is apex");
	is_str(s.subnets[1].owner, "bob", "beta's owner");
	is_int(s.subnets[2].tempo, 150, "gamma's tempo");
	is_int((intmax_t)s.subnets[0].pool_tao, (intmax_t)(20000 * TAO), "apex pool_tao in rao");
	is_int((intmax_t)s.subnets[2].pool_alpha, (intmax_t)(300000 * TAO),
	       "gamma pool_alpha in rao");
	ok(!s.subnets[0].hp.commit_reveal && s.subnets[0].hp.yuma3, "apex: hyperparameters set");
	ok(s.subnets[2].hp.liquid_alpha && !s.subnets[0].hp.liquid_alpha, "liquid_alpha on gamma");
	struct dn_subnet_hparams hp;
	dn_subnet_hparams_default(&hp);
	ok(s.subnets[1].hp.kappa == hp.kappa && s.subnets[1].hp.max_allowed_uids == 256 &&
		   s.subnets[1].hp.burn.min_burn == hp.burn.min_burn &&
		   s.subnets[1].hp.prune.immunity_period == hp.prune.immunity_period,
	   "beta: the defaults kept");
	ok(s.subnets[0].started && s.subnets[0].emission_enabled && !s.subnets[0].moving_price,
	   "subnets started, emitting, price from the pool");

	is_int((intmax_t)s.nvalidators, 3, "three validator groups");
	const struct dn_scn_validators *v = &s.validators[0];
	ok(strcmp(v->name, "apex-honest") == 0 && strcmp(v->subnet, "apex") == 0 && v->count == 4,
	   "apex-honest: 4 on apex");
	ok(v->stake == 20000 * TAO && v->root_stake == 10000 * TAO && v->spread == DN_SPREAD_LINEAR,
	   "apex-honest: stake, root stake, linear spread");
	ok(v->behaviour == DN_VAL_HONEST && v->noise_ppm == 50000 && v->every == 1,
	   "apex-honest: honest, noise 0.05 = 50000 ppm, every 1");
	is_int(s.validators[2].noise_ppm, 0, "gamma-honest: noise default 0");

	is_int((intmax_t)s.nminers, 4, "four miner groups");
	const struct dn_scn_miners *m = dn_scenario_miners(&s, "apex-weak");
	ok(m && m->model == DN_MINER_DRIFTING && m->quality_ppm == 300000 && m->drift_ppm == 20000,
	   "apex-weak: drifting from 0.3 by 0.02");
	m = dn_scenario_miners(&s, "gamma-all");
	ok(m && m->model == DN_MINER_CHURNING && m->churn_every == 200 && m->balance == 100 * TAO,
	   "gamma-all: churning every 200 blocks, 100 TAO each");
	ok(dn_scenario_miners(&s, "nobody") == NULL, "an unknown miners group");
	ok(dn_scenario_subnet(&s, "beta") == &s.subnets[1], "subnet lookup");

	is_int((intmax_t)s.ntraders, 1, "one traders group");
	ok(s.traders[0].behaviour == DN_TRADER_RANDOM && s.traders[0].budget == 2000 * TAO &&
		   s.traders[0].every == 5 && s.traders[0].count == 4,
	   "market: 4 random traders, 2000 TAO, every 5 blocks");

	is_int((intmax_t)s.nexpects, 2, "two assertions");
	is_str(s.expects[1].name, "issuance_grows", "assertion name");
	is_str(s.expects[1].sql, "SELECT max(total_issuance) > min(total_issuance) FROM v_issuance",
	       "assertion SQL");

	rc = dn_scenario_load_default(&d, err, sizeof(err));
	ok(rc == 0 && strcmp(d.name, s.name) == 0 && d.nminers == s.nminers &&
		   d.subnets[2].pool_tao == s.subnets[2].pool_tao &&
		   strcmp(d.expects[0].sql, s.expects[0].sql) == 0,
	   "the built-in default is quickstart.ini");
	if (!rc)
		dn_scenario_release(&d);
	dn_scenario_release(&s);
	ok(s.nsubnets == 0 && s.subnets == NULL && s.description == NULL, "release empties it");
}

/* ---- values ------------------------------------------------------------ */

static void decimals(void)
{
	uint64_t v = 0;
	static const struct {
		const char *text;
		int rc;
		uint64_t rao;
	} cases[] = {
		{"20000", 0, 20000 * TAO},
		{"0.5", 0, 500000000},
		{"0.000000001", 0, 1},
		{"1.000000000", 0, TAO},
		{"007", 0, 7 * TAO},
		{"18446744073.709551615", 0, UINT64_MAX},
		{"18446744073.709551616", DN_SCN_ERANGE, 0},
		{"99999999999999999999999", DN_SCN_ERANGE, 0},
		{"0.0000000001", DN_SCN_ESYNTAX, 0},
		{"1e3", DN_SCN_ESYNTAX, 0},
		{"-1", DN_SCN_ESYNTAX, 0},
		{"+1", DN_SCN_ESYNTAX, 0},
		{"1.", DN_SCN_ESYNTAX, 0},
		{".5", DN_SCN_ESYNTAX, 0},
		{"1,000", DN_SCN_ESYNTAX, 0},
		{"1_000", DN_SCN_ESYNTAX, 0},
		{"", DN_SCN_ESYNTAX, 0},
		{"0x10", DN_SCN_ESYNTAX, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		int rc = dn_scn_parse_decimal(cases[i].text, 9, &v);
		ok(rc == cases[i].rc && (rc || v == cases[i].rao), "TAO '%s' -> %d %llu",
		   cases[i].text, cases[i].rc, (unsigned long long)cases[i].rao);
	}
	char buf[32];
	dn_scn_format_decimal(1500000001, 9, buf, sizeof(buf));
	is_str(buf, "1.500000001", "format 1.500000001 TAO");
	dn_scn_format_decimal(20000 * TAO, 9, buf, sizeof(buf));
	is_str(buf, "20000", "format 20000 TAO without decimals");
	dn_scn_format_decimal(50000, 6, buf, sizeof(buf));
	is_str(buf, "0.05", "format 50000 ppm as 0.05");

	/* through the table: fractions, bools, enums, fixed point, signed */
	struct dn_scn_miners m;
	struct dn_scn_subnet n;
	struct dn_scn_validators val;
	dn_scn_miners_init(&m);
	dn_scn_subnet_init(&n);
	dn_scn_validators_init(&val);
	const struct dn_scn_param *q = dn_scn_param_find(DN_SCN_SEC_MINERS, "quality");
	ok(dn_scn_param_parse(q, "0.123456", &m) == 0 && m.quality_ppm == 123456,
	   "fraction 0.123456 -> 123456 ppm");
	ok(dn_scn_param_parse(q, "1", &m) == 0 && m.quality_ppm == 1000000, "fraction 1");
	ok(dn_scn_param_parse(q, "1.000001", &m) == DN_SCN_ERANGE && m.quality_ppm == 1000000,
	   "fraction above 1: range, unchanged");
	ok(dn_scn_param_parse(q, "0.1234567", &m) == DN_SCN_ESYNTAX, "fraction: 7 decimals");
	const struct dn_scn_param *b = dn_scn_param_find(DN_SCN_SEC_SUBNET, "yuma3");
	int bools = 0;
	static const char *const tv[] = {"true", "yes", "on", "1"}, *const fv[] = {"false", "no",
										   "off", "0"};
	for (int i = 0; i < 4; i++) {
		bools += dn_scn_param_parse(b, fv[i], &n) == 0 && !n.hp.yuma3;
		bools += dn_scn_param_parse(b, tv[i], &n) == 0 && n.hp.yuma3;
	}
	is_int(bools, 8, "bools: true/false, yes/no, on/off, 1/0");
	ok(dn_scn_param_parse(b, "True", &n) == DN_SCN_ESYNTAX, "bools are lowercase");
	const struct dn_scn_param *e = dn_scn_param_find(DN_SCN_SEC_VALIDATORS, "behaviour");
	ok(dn_scn_param_parse(e, "self_dealer", &val) == 0 && val.behaviour == DN_VAL_SELF_DEALER,
	   "enum by name");
	ok(dn_scn_param_parse(e, "saint", &val) == DN_SCN_ESYNTAX &&
		   val.behaviour == DN_VAL_SELF_DEALER,
	   "unknown enum name");
	const struct dn_scn_param *mp = dn_scn_param_find(DN_SCN_SEC_SUBNET, "moving_price");
	ok(dn_scn_param_parse(mp, "0.5", &n) == 0 && n.moving_price == (dn_i96f32)1 << 31,
	   "moving_price 0.5 -> I96F32 2^31");
	dn_scn_param_format(mp, &n, buf, sizeof(buf));
	is_str(buf, "0.5", "and back");
	const struct dn_scn_param *st =
		dn_scn_param_find(DN_SCN_SEC_SUBNET, "alpha_sigmoid_steepness");
	ok(dn_scn_param_parse(st, "-32768", &n) == 0 && n.hp.alpha_sigmoid_steepness == -32768,
	   "signed: -32768");
	ok(dn_scn_param_parse(st, "32768", &n) == DN_SCN_ERANGE, "signed: 32768 out of range");
	dn_scn_param_format(st, &n, buf, sizeof(buf));
	is_str(buf, "-32768", "signed formats back");
	const struct dn_scn_param *k = dn_scn_param_find(DN_SCN_SEC_SUBNET, "kappa");
	ok(dn_scn_param_parse(k, "65535", &n) == 0 && n.hp.kappa == 65535 &&
		   dn_scn_param_parse(k, "65536", &n) == DN_SCN_ERANGE,
	   "kappa: a raw u16 fraction");
	ok(dn_scn_param_find(DN_SCN_SEC_SUBNET, "frobnicate") == NULL, "no such key");
}

/* ---- whole files ------------------------------------------------------- */

#define BASE                                                                             \
	"[scenario]\nname = t\n\n[subnet.a]\nnetuid = 1\nowner = alice\npool_tao = 10\n" \
	"pool_alpha = 100\n"

static void files(void)
{
	struct dn_scenario s;
	int rc = load(BASE "description = x\n", &s);
	ok(rc && strstr(err, "t.ini:9: unknown key 'description' in [subnet.a]"),
	   "a key of another section is unknown here");

	rc = load("[scenario]\nname = t\ndescription = first line\n"
		  "  second line\n\tthird line\n"
		  "[expect]\nq = SELECT 1\n  ; a comment between\n"
		  "    AND x = 'y'\n\n  AND 2\nr = SELECT 2\ns =\n\tSELECT 3\n",
		  &s);
	if (!ok(rc == 0, "continuation lines load"))
		diag("%s", err);
	if (!rc) {
		is_str(s.description, "first line second line third line",
		       "description: joined with spaces");
		is_str(s.expects[0].sql, "SELECT 1 AND x = 'y' AND 2",
		       "SQL: joined over comments and blank lines, '=' kept");
		is_str(s.expects[1].sql, "SELECT 2", "the next key starts a new value");
		is_str(s.expects[2].sql, "SELECT 3", "a value may start on the next line");
		dn_scenario_release(&s);
	} else {
		skip(4, "did not load");
	}

	rc = load(BASE "[subnet.b]\nnetuid = 3\nowner = bob\npool_tao = 1\npool_alpha = 1\n"
		       "[account.alice]\nbalance = 5\n",
		  &s);
	ok(rc == 0 && s.nsubnets == 2 && s.naccounts == 1 && s.accounts[0].balance == 5 * TAO,
	   "a dev account's balance can be set");
	if (!rc)
		dn_scenario_release(&s);

	rc = load("[scenario]\nname = t\n[subnet.z]\nnetuid = 9\nowner = bob\npool_tao = 1\n"
		  "pool_alpha = 1\n[subnet.y]\nnetuid = 2\nowner = bob\npool_tao = 1\n"
		  "pool_alpha = 1\n[subnet.x]\nnetuid = 5\nowner = bob\npool_tao = 1\n"
		  "pool_alpha = 1\n",
		  &s);
	ok(rc == 0 && s.subnets[0].netuid == 2 && s.subnets[1].netuid == 5 &&
		   s.subnets[2].netuid == 9 && s.subnets[2].line == 3,
	   "subnets come sorted by netuid, with their lines");
	if (!rc)
		dn_scenario_release(&s);

	/* errors leave *out untouched */
	memset(&s, 0xa5, sizeof(s));
	rc = load(BASE "kappa = 70000\n", &s);
	unsigned char sentinel[sizeof(s)];
	memset(sentinel, 0xa5, sizeof(sentinel));
	ok(rc == 1 && memcmp(&s, sentinel, sizeof(s)) == 0, "an error changes nothing");

	/* several errors: all reported, in line order */
	rc = load("[scenario]\nname = t\nseed = x\n[subnet.a]\nnetuid = 0\nowner = nobody\n"
		  "pool_tao = 1\npool_alpha = 1\nyuma3 = maybe\n",
		  &s);
	ok(rc == 4 && strstr(err, "t.ini:3: ") && strstr(err, "t.ini:5: ") &&
		   strstr(err, "t.ini:6: ") && strstr(err, "t.ini:9: ") &&
		   strstr(err, "t.ini:3: ") < strstr(err, "t.ini:5: ") &&
		   strstr(err, "t.ini:6: ") < strstr(err, "t.ini:9: "),
	   "four errors, in line order");
	if (rc != 4)
		diag("%s", err);

	rc = dn_scenario_load_file("/nonexistent/x.ini", &s, err, sizeof(err));
	ok(rc == 1 && strstr(err, "/nonexistent/x.ini: No such file"), "a missing file");
}

/* One bad scenario per error class: the line and words of the first error. */
static void errors(void)
{
	char long_line[400], long_section[200];
	snprintf(long_line, sizeof(long_line), BASE "[expect]\nq = SELECT %0200d\n", 1);
	snprintf(long_section, sizeof(long_section), BASE "[miners.%060d]\nsubnet = a\ncount = 1\n",
		 0);
	const struct {
		const char *what, *text;
		int line;
		const char *words;
	} cases[] = {
		{"unknown section", BASE "[subnets.b]\n", 9, "unknown section [subnets.b]"},
		{"unknown key", BASE "kapa = 1\n", 9, "unknown key 'kapa' in [subnet.a]"},
		{"bad number", BASE "tempo = 1e3\n", 9,
		 "[subnet.a] tempo = 1e3: not a valid value"},
		{"bad TAO", BASE "min_burn = 1.0000000001\n", 9, "up to 9 decimals"},
		{"out of range", BASE "kappa = 65536\n", 9,
		 "out of range; expected an integer in 0 .. 65535"},
		{"bad bool", BASE "yuma3 = maybe\n", 9, "true/false, yes/no, on/off or 1/0"},
		{"bad enum", BASE "[validators.v]\nsubnet = a\ncount = 1\nbehaviour = saint\n", 12,
		 "one of: honest, lazy, stale, copier, cartel, self_dealer"},
		{"bad name", BASE "[miners.Big]\n", 9, "bad name 'Big'"},
		{"duplicate section", BASE "[subnet.a]\n", 9,
		 "duplicate section [subnet.a] (first at line 4)"},
		{"duplicate singleton", BASE "[scenario]\n", 9,
		 "duplicate section [scenario] (first at line 1)"},
		{"duplicate key", BASE "netuid = 2\n", 9,
		 "duplicate key 'netuid' in [subnet.a] (first at line 5)"},
		{"duplicate assertion", BASE "[expect]\nq = SELECT 1\nq = SELECT 2\n", 11,
		 "duplicate key 'q'"},
		{"group name shared",
		 BASE "[miners.m]\nsubnet = a\ncount = 1\n[traders.m]\nsubnet = a\ncount = 1\n", 12,
		 "one namespace"},
		{"duplicate netuid",
		 BASE "[subnet.b]\nnetuid = 1\nowner = bob\npool_tao = 1\npool_alpha = 1\n", 10,
		 "netuid 1 is also [subnet.a]'s (line 4)"},
		{"missing required key", BASE "[miners.m]\nsubnet = a\n", 9,
		 "[miners.m] has no count"},
		{"missing [scenario]",
		 "[subnet.a]\nnetuid = 1\nowner = alice\npool_tao = 1\npool_alpha = 1\n", 1,
		 "no [scenario] section"},
		{"unknown subnet", BASE "[miners.m]\nsubnet = b\ncount = 1\n", 10,
		 "subnet 'b' is not a [subnet.NAME]"},
		{"unknown owner",
		 "[scenario]\nname = t\n[subnet.a]\nnetuid = 1\nowner = zed\npool_tao = "
		 "1\npool_alpha = 1\n",
		 5, "owner 'zed' is neither a dev account"},
		{"unknown favours",
		 BASE "[validators.v]\nsubnet = a\ncount = 1\nbehaviour = cartel\nfavours = m\n",
		 13, "favours 'm' is not a [miners.NAME]"},
		{"cartel without favours",
		 BASE "[validators.v]\nsubnet = a\ncount = 1\nbehaviour = cartel\n", 12,
		 "needs favours"},
		{"key that does not apply", BASE "[miners.m]\nsubnet = a\ncount = 1\ndrift = 0.1\n",
		 12, "drift applies only with model = drifting, not constant"},
		{"too many members",
		 BASE "max_allowed_uids = 8\n[validators.v]\nsubnet = a\ncount = "
		      "3\n[miners.m]\nsubnet = a\ncount = 5\n",
		 13, "9 neurons at genesis on subnet 'a'"},
		{"min_burn above max_burn", BASE "min_burn = 5\nmax_burn = 4\n", 9,
		 "min_burn = 5 is above max_burn = 4"},
		{"join after the end",
		 BASE "[miners.m]\nsubnet = a\ncount = 1\njoin_block = 1000\nbalance = 1\n", 12,
		 "join_block = 1000 is not before the run's end"},
		{"churners cannot pay",
		 BASE "[miners.m]\nsubnet = a\ncount = 1\nmodel = churning\n", 9,
		 "cannot pay a registration"},
		{"lazy every 1", BASE "[validators.v]\nsubnet = a\ncount = 1\nbehaviour = lazy\n",
		 9, "lazy needs every >= 2"},
		{"sniper lead",
		 BASE "tempo = 10\n[traders.t]\nsubnet = a\ncount = 1\nbehaviour = "
		      "epoch_sniper\nlead = 10\n",
		 14, "lead = 10 is not below the tempo 10"},
		{"group named like a dev account", BASE "[miners.alice]\n", 9,
		 "dev account's name"},
		{"empty value", BASE "tempo =\n", 9, "tempo has no value"},
		{"empty SQL", BASE "[expect]\nq =\n; nothing follows\n", 10,
		 "[expect] q has no value"},
		{"empty text", "[scenario]\nname = t\ndescription =\n", 3,
		 "description has no value"},
		{"key outside a section", "name = t\n[scenario]\nname = t\n", 1,
		 "outside any section"},
		{"syntax", BASE "just words\n", 9, "not a section header, key = value"},
		{"text after a header", BASE "[miners.m] x\n", 9, "text after the section header"},
		{"continued number", BASE "tempo = 1\n  2\n", 10, "only text values"},
		{"comment on a continuation", "[scenario]\nname = t\ndescription = a\n  b ; c\n", 4,
		 "' ;' on a continuation line"},
		{"overlong line", long_line, 10, "line of 211 bytes: libinih reads at most 199"},
		{"overlong section name", long_section, 9, "libinih cuts section names at 49"},
		{"indented header", BASE "  [miners.m]\n", 9, "indented '['"},
		{"bad assertion name", BASE "[expect]\nNot-Lower = SELECT 1\n", 10,
		 "bad assertion name"},
		{"unnamed group", BASE "[miners]\n", 9, "needs a name: [miners.NAME]"},
		{"named singleton", BASE "[chain.x]\n", 9, "takes no name"},
		{"takes", BASE "[chain]\nmin_take = 10\nmax_take = 5\n", 10,
		 "min_take = 10 is above max_take = 5"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dn_scenario s;
		char want[64];
		int rc = load(cases[i].text, &s);
		snprintf(want, sizeof(want), "t.ini:%d: ", cases[i].line);
		bool good = rc > 0 && strncmp(err, want, strlen(want)) == 0 &&
			    strstr(err, cases[i].words);
		if (!ok(good, "%s: %s...", cases[i].what, want))
			diag("got %d: %s", rc, err);
		if (!rc)
			dn_scenario_release(&s);
	}
}

int main(void)
{
	tap_plan(36 + 36 + 11 + 43);
	quickstart();
	decimals();
	files();
	errors();
	return tap_done();
}
