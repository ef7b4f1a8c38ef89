/*
 * Checkers for the dTAO records of block emission, the split across
 * subnets, per-subnet terms and pool injection, pending emission, the
 * epoch drain and schedule, and the moving-price EMA (devnet/emission.h,
 * devnet/schedule.h), plus the `scheduler` record of epoch.json.
 *
 * The records come from the chain's unit tests on the test runtime
 * (pallets/subtensor/src/tests/mock.rs: owner cut 0, TaoWeight 0,
 * MaxEpochsPerBlock 32, network min lock 100 TAO, swap MinimumReserve
 * 100), so the mock parameters are the defaults here. Most records
 * describe their scenario in words: the checker rebuilds the test's
 * scenario from its test_fn (a small "world" of subnets with real pools,
 * devnet/pool.h) and reads every number it can from the record. Test
 * helpers reproduced: add_network (a stable subnet, first emission block 1,
 * subtoken on), add_dynamic_network (register_network: pool seeded with
 * the 100 TAO mock lock at price 1, TAO-side emission disabled, first
 * emission block 0), setup_reserves, set_full_injection_root_stake (root
 * stake 1e18 rao, TaoWeight u64::MAX), new_test_ext(1) (block 1, issuance
 * 0). What the emission cannot influence (neurons, stakes, weights) is
 * left out; each scenario says what it leaves out.
 */
#include "devnet/emission.h"
#include "devnet/pool.h"
#include "nodes/verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MOCK_MIN_LOCK 100000000000ULL /* NetworkMinLockCost (mock) */
#define MOCK_MIN_RESERVE 100ULL /* SwapMinimumReserve (mock) */
#define FULL_ROOT_STAKE 1000000000000000000ULL /* set_full_injection_root_stake */
#define U96_ONE ((dn_u128)1 << 32)
#define U64F64_ONE ((dn_u128)1 << 64)

/* ---- reading ----------------------------------------------------------- */

static const char *test_fn(struct nd_vrec *r)
{
	const char *fn = nd_vstr(r, "test_fn");
	return fn ? fn : "";
}

static uint64_t need_u64(struct nd_vrec *r, const char *path)
{
	uint64_t v = 0;
	nd_vu64(r, path, &v);
	return v;
}

/* An optional unsigned integer (absent or null: dflt). */
static uint64_t opt_u64(struct nd_vrec *r, const char *path, uint64_t dflt)
{
	json_t *n = nd_vget(r->json, path);
	if (!n || json_is_null(n))
		return dflt;
	uint64_t v = dflt;
	nd_vu64_node(r, n, path, &v);
	return v;
}

/* A JSON number as binary64 (literals the chain writes as f64). */
static double need_num(struct nd_vrec *r, const char *path)
{
	json_t *n = nd_vneed(r, path);
	if (n && !json_is_number(n)) {
		nd_vbad(r, path, "expected a number");
		return 0;
	}
	return n ? json_number_value(n) : 0;
}

static double opt_num(struct nd_vrec *r, const char *path, double dflt)
{
	json_t *n = nd_vget(r->json, path);
	return n && json_is_number(n) ? json_number_value(n) : dflt;
}

static bool opt_bool(struct nd_vrec *r, const char *path, bool dflt)
{
	json_t *n = nd_vget(r->json, path);
	return n && json_is_boolean(n) ? json_is_true(n) : dflt;
}

/* Element i of a number array, as binary64. */
static double num_at(struct nd_vrec *r, const char *path, size_t i)
{
	char p[128];
	snprintf(p, sizeof(p), "%s[%zu]", path, i);
	return need_num(r, p);
}

static uint64_t u64_at(struct nd_vrec *r, const char *path, size_t i)
{
	char p[128];
	snprintf(p, sizeof(p), "%s[%zu]", path, i);
	return need_u64(r, p);
}

static double u96_val(dn_u96f32 x) { return dn_fx128_to_double((dn_i128)x, 32); }
static double u64f64_val(dn_u64f64 x)
{
	return (double)(uint64_t)(x >> 64) + (double)(uint64_t)x / 18446744073709551616.0;
}

/* I96F32::from_num(f64) / U64F64::from_num(f64): nearest, as the tests write them. */
static dn_i96f32 i96(double v) { return dn_fx128_from_f64(v, 32); }
static dn_u64f64 u64f64(double v) { return (dn_u64f64)dn_fx128_from_f64(v, 64); }

/* ---- comparing --------------------------------------------------------- */

static int cmp_u64(struct nd_vout *o, const char *what, uint64_t got, uint64_t want)
{
	return nd_vcmp_int(o, what, (dn_i128)got, (dn_i128)want);
}

/* |got - want| <= tol, integers. */
static int cmp_near(struct nd_vout *o, const char *what, uint64_t got, uint64_t want, uint64_t tol)
{
	uint64_t d = got > want ? got - want : want - got;
	if (d <= tol)
		return 0;
	nd_vout_printf(o, "%s: got %llu, expected %llu within %llu", what, (unsigned long long)got,
		       (unsigned long long)want, (unsigned long long)tol);
	return 1;
}

/* |got - want| <= tol, values (the tests' assert_abs_diff_eq on f64). */
static int cmp_val(struct nd_vout *o, const char *what, double got, double want, double tol)
{
	if (fabs(got - want) <= tol)
		return 0;
	nd_vout_printf(o, "%s: got %.12g, expected %.12g within %g", what, got, want, tol);
	return 1;
}

static int check(struct nd_vout *o, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int check(struct nd_vout *o, bool cond, const char *fmt, ...)
{
	if (cond)
		return 0;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nd_vout_printf(o, "%s", msg);
	return 1;
}

static enum nd_vstatus verdict(struct nd_vrec *r, int bad)
{
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus no_scenario(struct nd_vrec *r, struct nd_vout *o)
{
	nd_vout_printf(o, "no scenario for test_fn '%s' in verify_emission.c", test_fn(r));
	return ND_V_SKIP;
}

/* ---- a small chain: subnets with pools --------------------------------- */

enum { MAXN = 40 };

struct world {
	struct dn_emission_params p;
	struct dn_schedule_params sp;
	struct dn_emission_state st;
	struct dn_emission_subnet sn[MAXN];
	struct dn_emission_subnet *l[MAXN]; /* ascending netuid */
	size_t n;
	uint64_t block;
	struct dn_emission_pool ops;
};

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	dn_emission_params_mock(&w->p);
	dn_schedule_params_mock(&w->sp);
	w->block = 1; /* new_test_ext(1) */
	w->ops = dn_emission_balancer;
}

static struct dn_emission_subnet *new_subnet(struct world *w, uint16_t netuid, uint16_t tempo,
					     uint16_t mechanism)
{
	struct dn_emission_subnet *s = &w->sn[w->n];
	dn_emission_subnet_init(s, &w->p, netuid, tempo, w->block);
	dn_pool_init(&s->pool, mechanism == 1, 0, 0, MOCK_MIN_RESERVE);
	w->l[w->n++] = s;
	return s;
}

/* mock add_network: a stable subnet, emitting from block 1. */
static struct dn_emission_subnet *add_network(struct world *w, uint16_t netuid, uint16_t tempo)
{
	struct dn_emission_subnet *s = new_subnet(w, netuid, tempo, 0);
	s->has_first_emission = true;
	s->first_emission_block = 1;
	s->subtoken_enabled = true;
	return s;
}

/* mock add_dynamic_network: register_network with the mock's 100 TAO lock
 * (added to issuance first), pool seeded at price 1, TAO-side emission
 * disabled, then start_call-like flags (first emission block 0). */
static struct dn_emission_subnet *add_dynamic(struct world *w)
{
	uint16_t netuid = (uint16_t)(w->n + 1);
	struct dn_emission_subnet *s = new_subnet(w, netuid, 360, 1);
	w->st.total_issuance += MOCK_MIN_LOCK;
	w->st.balances_issuance += MOCK_MIN_LOCK;
	s->pool.tao = MOCK_MIN_LOCK;
	s->pool.alpha_in = MOCK_MIN_LOCK;
	w->st.total_stake += MOCK_MIN_LOCK;
	s->emission_enabled = false;
	s->has_first_emission = true;
	s->first_emission_block = 0;
	s->subtoken_enabled = true;
	return s;
}

static void full_root(struct world *w)
{
	w->st.root_tao = FULL_ROOT_STAKE;
	w->p.tao_weight = UINT64_MAX;
}

/* SubtensorModule::run_coinbase(credit) at the current block. */
static int run_coinbase(struct world *w, uint64_t credit, struct dn_emission_result *res)
{
	struct dn_emission_result tmp;
	return dn_emission_run_coinbase(&w->p, &w->sp, &w->st, w->l, w->n, w->block, credit,
					&w->ops, NULL, NULL, res ? res : &tmp);
}

/* mock step_block: the next block's block_step (emission part). */
static int step_block(struct world *w, struct dn_emission_drained *drained)
{
	struct dn_emission_result res;
	w->block++;
	return dn_emission_block_step(&w->p, &w->sp, &w->st, w->l, w->n, w->block, &w->ops, NULL,
				      drained, &res);
}

static uint64_t mint(struct world *w, uint64_t amount)
{
	return dn_emission_mint(&w->p, &w->st, amount);
}

/* ---- block_emission ---------------------------------------------------- */

/* test_owner_cut_base: a stable subnet that never drains; owner cut 0 then
 * 100 % of the 1 alpha block emission. */
static enum nd_vstatus owner_cut_base(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t cut1 = need_u64(r, "inputs.run1_owner_cut_u16");
	uint64_t cut2 = need_u64(r, "inputs.run2_owner_cut_u16");
	uint64_t want1 = need_u64(r, "expected.pending_owner_cut_after_run1");
	uint64_t want2 = need_u64(r, "expected.pending_owner_cut_after_run2");
	uint64_t tao = need_u64(r, "params.reserves.tao"),
		 alpha = need_u64(r, "params.reserves.alpha_in");
	if (r->bad || cut1 > 65535 || cut2 > 65535)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_network(&w, 1, 1);
	s->pool.tao = tao;
	s->pool.alpha_in = alpha;
	s->sched.tempo = (uint16_t)opt_u64(r, "params.tempo", 10000);
	w.p.subnet_owner_cut = (uint16_t)cut1;
	int bad = run_coinbase(&w, mint(&w, 0), NULL) != 0;
	bad += cmp_u64(o, "PendingOwnerCut after run 1", s->pending_owner_cut, want1);
	w.p.subnet_owner_cut = (uint16_t)cut2;
	bad += run_coinbase(&w, mint(&w, 0), NULL) != 0;
	bad += cmp_u64(o, "PendingOwnerCut after run 2", s->pending_owner_cut, want2);
	return verdict(r, bad);
}

/* Two dynamic subnets priced far below their EMA (1 and 2): the injection
 * is capped at root_prop * alpha emission, the rest of the TAO buys alpha. */
static void cap_trigger_world(struct nd_vrec *r, struct world *w)
{
	world_init(w);
	uint64_t tao = need_u64(r, "inputs.tao_reserve"),
		 alpha = need_u64(r, "inputs.alpha_in_reserve");
	for (uint16_t i = 1; i <= 2; i++) {
		struct dn_emission_subnet *s = add_network(w, i, 1);
		s->pool.dynamic = true;
		s->pool.tao = tao;
		s->pool.alpha_in = alpha;
		s->moving_price = i96(num_at(r, "inputs.ema_prices", i - 1u));
	}
}

/* test_coinbase_alpha_issuance_with_cap_trigger. */
static enum nd_vstatus cap_trigger(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	cap_trigger_world(r, &w);
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	uint64_t want_em = need_u64(r, "expected.SubnetAlphaOutEmission_each");
	uint64_t lt = need_u64(r, "expected.SubnetAlphaIn_after_lt");
	uint64_t root = need_u64(r, "params.root_stake_tao");
	w.p.tao_weight = need_u64(r, "params.tao_weight_u64");
	if (r->bad)
		return ND_V_FAIL;
	w.st.root_tao = root;
	int bad = run_coinbase(&w, mint(&w, e), NULL) != 0;
	for (size_t i = 0; i < 2; i++) {
		bad += cmp_u64(o, "SubnetAlphaOutEmission", w.sn[i].alpha_out_emission, want_em);
		bad += check(o, w.sn[i].pool.alpha_in < lt,
			     "subnet %zu: SubnetAlphaIn %llu not < %llu", i + 1,
			     (unsigned long long)w.sn[i].pool.alpha_in, (unsigned long long)lt);
		bad += check(o, w.sn[i].alpha_in_emission < want_em,
			     "subnet %zu: alpha injection %llu not capped below the emission",
			     i + 1, (unsigned long long)w.sn[i].alpha_in_emission);
	}
	return verdict(r, bad);
}

/* test_coinbase_alpha_issuance_with_cap_trigger_and_block_emission: alpha
 * issuance at 21M, TaoWeight 0: no alpha minted, all TAO buys alpha. */
static enum nd_vstatus cap_trigger_21m(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	cap_trigger_world(r, &w);
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	uint64_t out0 = need_u64(r, "inputs.SubnetAlphaOut_before");
	if (r->bad)
		return ND_V_FAIL;
	dn_u64f64 before[2];
	for (size_t i = 0; i < 2; i++) {
		w.sn[i].first_emission_block = 0;
		dn_pool_initialize(&w.sn[i].pool, NULL);
		before[i] = dn_emission_price(&w.ops, &w.sn[i]);
		w.sn[i].pool.alpha_out = out0;
	}
	int bad = run_coinbase(&w, mint(&w, e), NULL) != 0;
	bool some_protocol = false;
	for (size_t i = 0; i < 2; i++) {
		struct dn_emission_subnet *s = &w.sn[i];
		some_protocol |= s->protocol_alpha > 0;
		bad += cmp_u64(o, "SubnetAlphaOut = 21e15 + SubnetProtocolAlpha", s->pool.alpha_out,
			       out0 + s->protocol_alpha);
		bad += check(o, s->pool.alpha_in < need_u64(r, "inputs.alpha_in_reserve"),
			     "subnet %zu: SubnetAlphaIn did not fall", i + 1);
		bad += check(o, dn_emission_price(&w.ops, s) > before[i],
			     "subnet %zu: price did not rise", i + 1);
	}
	bad += check(o, some_protocol, "no protocol alpha bought");
	return verdict(r, bad);
}

static enum nd_vstatus check_block_emission(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strcmp(fn, "test_owner_cut_base"))
		return owner_cut_base(r, o);
	if (!strcmp(fn, "test_coinbase_alpha_issuance_with_cap_trigger"))
		return cap_trigger(r, o);
	if (!strcmp(fn, "test_coinbase_alpha_issuance_with_cap_trigger_and_block_emission"))
		return cap_trigger_21m(r, o);
	return no_scenario(r, o);
}

/* ---- tao_issuance ------------------------------------------------------ */

static enum nd_vstatus check_tao_issuance(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_emission_params p;
	dn_emission_params_mock(&p);
	int bad = 0;
	if (nd_vget(r->json, "inputs.amount")) {
		/* test_mint_tao_increases_total_issuance_in_balances_and_subtensor */
		uint64_t amount = need_u64(r, "inputs.amount");
		uint64_t credit = need_u64(r, "expected.credit");
		uint64_t d1 = need_u64(r, "expected.balances_issuance_delta");
		uint64_t d2 = need_u64(r, "expected.subtensor_TotalIssuance_delta");
		if (r->bad)
			return ND_V_FAIL;
		struct dn_emission_state st = {.total_issuance = 5000, .balances_issuance = 7000};
		bad += cmp_u64(o, "credit", dn_emission_mint(&p, &st, amount), credit);
		bad += cmp_u64(o, "balances issuance delta", st.balances_issuance - 7000, d1);
		bad += cmp_u64(o, "TotalIssuance delta", st.total_issuance - 5000, d2);
		return verdict(r, bad);
	}
	/* test_mint_tao_respects_max_issuance_cap_in_balances: requested =
	 * room + 1000 for several balances issuances */
	uint64_t cap = need_u64(r, "params.MAX_TAO_ISSUANCE");
	if (r->bad)
		return ND_V_FAIL;
	p.max_tao_issuance = cap;
	static const uint64_t starts[] = {0, 1000000000ULL, 10500000000000000ULL,
					  20999999999999000ULL};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		struct dn_emission_state st = {.balances_issuance = starts[i]};
		uint64_t room = cap - starts[i];
		bad += cmp_u64(o, "credit = 21e15 - issuance",
			       dn_emission_mint(&p, &st, room + 1000), room);
		bad += cmp_u64(o, "balances issuance after", st.balances_issuance, cap);
	}
	return verdict(r, bad);
}

/* ---- subnet_emission_split --------------------------------------------- */

/* test_coinbase_tao_issuance_base: one dynamic subnet, emission enabled, EMA 1. */
static enum nd_vstatus tao_issuance_base(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	uint64_t d_tao = need_u64(r, "expected.SubnetTAO_delta");
	uint64_t d_ti = need_u64(r, "expected.TotalIssuance_delta");
	uint64_t d_ts = need_u64(r, "expected.TotalStake_delta");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	s->emission_enabled = true;
	s->moving_price = (dn_i96f32)U96_ONE;
	full_root(&w);
	uint64_t ti = w.st.total_issuance, tao = s->pool.tao, ts = w.st.total_stake;
	int bad = run_coinbase(&w, mint(&w, e), NULL) != 0;
	bad += cmp_u64(o, "SubnetTAO delta", s->pool.tao - tao, d_tao);
	bad += cmp_u64(o, "TotalIssuance delta", w.st.total_issuance - ti, d_ti);
	bad += cmp_u64(o, "TotalStake delta", w.st.total_stake - ts, d_ts);
	return verdict(r, bad);
}

/* test_coinbase_tao_issuance_base_low: one stable subnet, no root stake:
 * the 1 rao is a 1:1 chain buy. */
static enum nd_vstatus tao_issuance_low(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	uint64_t want_tao = need_u64(r, "expected.SubnetTAO");
	uint64_t want_ti = need_u64(r, "expected.TotalIssuance");
	uint64_t want_ts = need_u64(r, "expected.TotalStake");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	uint64_t credit = mint(&w, e);
	struct dn_emission_subnet *s = add_network(&w, 1, 1);
	int bad = run_coinbase(&w, credit, NULL) != 0;
	bad += cmp_u64(o, "SubnetTAO", s->pool.tao, want_tao);
	bad += cmp_u64(o, "TotalIssuance", w.st.total_issuance, want_ti);
	bad += cmp_u64(o, "TotalStake", w.st.total_stake, want_ts);
	return verdict(r, bad);
}

/* test_coinbase_tao_issuance_multiple and
 * test_coinbase_disabled_subnet_emission_redistributes_tao_to_enabled_subnets:
 * three stable subnets (EMA 1), no root stake, optional disabled flags. */
static enum nd_vstatus tao_issuance_three(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	bool disabled = nd_vget(r->json, "params.SubnetEmissionEnabled") != NULL;
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	for (uint16_t i = 1; i <= 3; i++) {
		struct dn_emission_subnet *s = add_network(&w, i, 1);
		char path[64];
		snprintf(path, sizeof(path), "params.SubnetEmissionEnabled[%u]", i - 1u);
		if (disabled)
			s->emission_enabled = opt_bool(r, path, true);
	}
	int bad = 0;
	if (disabled) {
		/* get_subnet_block_emissions and get_subnet_terms first */
		dn_u96f32 te[3];
		dn_emission_split(w.l, 3, (dn_u96f32)e << 32, te);
		double tol = opt_num(r, "tolerance.subnet_emissions", 0);
		for (size_t i = 0; i < 3; i++)
			bad += cmp_val(o, "subnet emission", u96_val(te[i]),
				       (double)u64_at(r, "expected.subnet_emissions", i), tol);
		struct dn_emission_terms t;
		dn_emission_terms(&w.p, &w.st, &w.sn[1], &w.ops, te[1], &t);
		bad += cmp_u64(o, "alpha_in of the disabled subnet", (uint64_t)(t.alpha_in >> 32),
			       need_u64(r, "expected.alpha_in_subnet2"));
		bad += cmp_u64(o, "excess TAO of the disabled subnet", (uint64_t)(t.excess >> 32),
			       need_u64(r, "expected.excess_tao_subnet2"));
		bad += check(o, t.alpha_out > 0, "alpha_out of the disabled subnet is 0");
	}
	uint64_t ti = w.st.total_issuance, ts = w.st.total_stake;
	bad += run_coinbase(&w, mint(&w, e), NULL) != 0;
	if (disabled) {
		uint64_t tol = opt_u64(r, "tolerance.SubnetTAO_after", 0);
		for (size_t i = 0; i < 3; i++)
			bad += cmp_near(o, "SubnetTAO", w.sn[i].pool.tao,
					u64_at(r, "expected.SubnetTAO_after", i), tol);
		uint64_t ttol = opt_u64(r, "tolerance.TotalIssuance_delta", 0);
		bad += cmp_near(o, "TotalIssuance delta", w.st.total_issuance - ti,
				need_u64(r, "expected.TotalIssuance_delta"), ttol);
		bad += cmp_near(o, "TotalStake delta", w.st.total_stake - ts,
				need_u64(r, "expected.TotalIssuance_delta"), ttol);
	} else {
		uint64_t each = need_u64(r, "expected.SubnetTAO_each");
		uint64_t tol = opt_u64(r, "tolerance.SubnetTAO_each", 0);
		for (size_t i = 0; i < 3; i++)
			bad += cmp_near(o, "SubnetTAO", w.sn[i].pool.tao, each, tol);
		bad += cmp_near(o, "TotalIssuance", w.st.total_issuance,
				need_u64(r, "expected.TotalIssuance"),
				opt_u64(r, "tolerance.TotalIssuance", 0));
		bad += cmp_near(o, "TotalStake", w.st.total_stake,
				need_u64(r, "expected.TotalStake"),
				opt_u64(r, "tolerance.TotalStake", 0));
	}
	return verdict(r, bad);
}

/* test_sudo_set_subnet_emission_enabled_multiple_subnets_multiple_toggles:
 * three stable subnets, full root stake, four runs with enabled flags. */
static enum nd_vstatus emission_toggles(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t e = need_u64(r, "inputs.tao_block_emission_each_run");
	uint64_t tol = 2;
	json_t *runs = nd_vneed(r, "inputs.enabled_flags_per_run");
	if (r->bad || !json_is_array(runs))
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	for (uint16_t i = 1; i <= 3; i++)
		add_network(&w, i, 1);
	full_root(&w);
	int bad = 0;
	for (size_t k = 0; k < json_array_size(runs); k++) {
		char path[96];
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "inputs.enabled_flags_per_run[%zu][%zu]", k,
				 i);
			w.sn[i].emission_enabled = need_u64(r, path) != 0;
			/* the test seeds stale per-block values before toggling */
			w.sn[i].tao_in_emission = w.sn[i].alpha_in_emission = 123;
			w.sn[i].excess_tao = 123;
		}
		bad += run_coinbase(&w, mint(&w, e), NULL) != 0;
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path),
				 "expected.SubnetTaoInEmission_per_run[%zu][%zu]", k, i);
			uint64_t want = need_u64(r, path);
			bad += cmp_near(o, "SubnetTaoInEmission", w.sn[i].tao_in_emission, want,
					tol);
			bad += check(o, (w.sn[i].alpha_in_emission == 0) == (want == 0),
				     "run %zu subnet %zu: SubnetAlphaInEmission %llu", k, i + 1,
				     (unsigned long long)w.sn[i].alpha_in_emission);
			bad += check(o, w.sn[i].alpha_out_emission > 0,
				     "run %zu subnet %zu: no alpha out", k, i + 1);
			if (!w.sn[i].emission_enabled)
				bad += cmp_u64(o, "SubnetExcessTao of a disabled subnet",
					       w.sn[i].excess_tao,
					       need_u64(r, "expected.SubnetExcessTao_of_disabled"));
		}
	}
	return verdict(r, bad);
}

/* test_coinbase_tao_issuance_different_prices: two dynamic pools at 0.1
 * and 0.2, EMA 0.1 and 0.2, full root stake. */
static enum nd_vstatus different_prices(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	uint64_t credit = mint(&w, e);
	for (uint16_t i = 1; i <= 2; i++) {
		struct dn_emission_subnet *s = add_network(&w, i, 1);
		char path[64];
		snprintf(path, sizeof(path), "inputs.reserves[%u].tao", i - 1u);
		s->pool.tao = need_u64(r, path);
		snprintf(path, sizeof(path), "inputs.reserves[%u].alpha", i - 1u);
		s->pool.alpha_in = need_u64(r, path);
		dn_pool_initialize(&w.sn[i - 1].pool, NULL);
		s->pool.dynamic = true;
		s->moving_price = i96(num_at(r, "inputs.ema_prices", i - 1u));
	}
	full_root(&w);
	int bad = run_coinbase(&w, credit, NULL) != 0;
	uint64_t tol = opt_u64(r, "tolerance.SubnetTAO_after", 0);
	for (size_t i = 0; i < 2; i++)
		bad += cmp_near(o, "SubnetTAO", w.sn[i].pool.tao,
				u64_at(r, "expected.SubnetTAO_after", i), tol);
	bad += cmp_near(o, "TotalIssuance", w.st.total_issuance,
			need_u64(r, "expected.TotalIssuance"),
			opt_u64(r, "tolerance.TotalIssuance", 0));
	bad += cmp_near(o, "TotalStake", w.st.total_stake, need_u64(r, "expected.TotalStake"),
			opt_u64(r, "tolerance.TotalStake", 0));
	return verdict(r, bad);
}

/* get_shares_ignores_root_prop_storage_when_prices_and_burns_match: the
 * shares read EMA prices and MinerBurned only (RootProp is no input). */
static enum nd_vstatus shares_equal(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	world_init(&w);
	json_t *prices = nd_vneed(r, "inputs.ema_prices");
	if (r->bad || !json_is_array(prices) || json_array_size(prices) > MAXN)
		return ND_V_FAIL;
	size_t n = json_array_size(prices);
	for (size_t i = 0; i < n; i++) {
		struct dn_emission_subnet *s = add_network(&w, (uint16_t)(i + 1), 360);
		s->pool.dynamic = true;
		s->moving_price = i96(num_at(r, "inputs.ema_prices", i));
		s->miner_burned =
			(dn_u96f32)dn_fx128_from_f64(num_at(r, "inputs.miner_burned", i), 32);
	}
	dn_u64f64 sh[MAXN];
	dn_emission_shares(w.l, n, sh);
	double tol = opt_num(r, "tolerance", 0);
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += cmp_val(o, "share", u64f64_val(sh[i]), num_at(r, "expected.shares", i), tol);
	return verdict(r, bad);
}

/* Two subnets with reserves, run one coinbase, compare SubnetAlphaIn:
 * test_zero_shares_zero_emission (dynamic, EMA 0),
 * test_coinbase_alpha_issuance_base (stable, full root stake),
 * test_coinbase_alpha_issuance_different (dynamic, EMA 1 and 2, full root). */
static enum nd_vstatus alpha_in_after(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	bool zero = !strcmp(fn, "test_zero_shares_zero_emission");
	bool stable = !strcmp(fn, "test_coinbase_alpha_issuance_base");
	uint64_t e = need_u64(r, "inputs.tao_block_emission");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	uint64_t credit = zero ? 0 : mint(&w, e);
	for (uint16_t i = 1; i <= 2; i++) {
		struct dn_emission_subnet *s = zero ? add_dynamic(&w) : add_network(&w, i, 1);
		char pt[64], pa[64];
		if (nd_vget(r->json, "inputs.reserves_each")) {
			snprintf(pt, sizeof(pt), "inputs.reserves_each.tao");
			snprintf(pa, sizeof(pa), "inputs.reserves_each.alpha");
		} else {
			snprintf(pt, sizeof(pt), "inputs.reserves[%u].tao", i - 1u);
			snprintf(pa, sizeof(pa), "inputs.reserves[%u].alpha", i - 1u);
		}
		s->pool.tao = need_u64(r, pt);
		s->pool.alpha_in = need_u64(r, pa);
		if (!stable) {
			s->pool.dynamic = true;
			s->moving_price = i96(num_at(r, "inputs.ema_prices", i - 1u));
		}
	}
	if (zero)
		credit = mint(&w, e); /* minted after the registrations */
	else
		full_root(&w);
	int bad = run_coinbase(&w, credit, NULL) != 0;
	for (size_t i = 0; i < 2; i++)
		bad += cmp_u64(o, "SubnetAlphaIn", w.sn[i].pool.alpha_in,
			       u64_at(r, "expected.SubnetAlphaIn_after", i));
	return verdict(r, bad);
}

static enum nd_vstatus check_split(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strcmp(fn, "test_coinbase_tao_issuance_base"))
		return tao_issuance_base(r, o);
	if (!strcmp(fn, "test_coinbase_tao_issuance_base_low"))
		return tao_issuance_low(r, o);
	if (!strcmp(fn, "test_coinbase_tao_issuance_multiple") ||
	    !strcmp(fn, "test_coinbase_disabled_subnet_emission_redistributes_tao_to_enabled_"
			"subnets"))
		return tao_issuance_three(r, o);
	if (!strcmp(fn, "test_sudo_set_subnet_emission_enabled_multiple_subnets_multiple_toggles"))
		return emission_toggles(r, o);
	if (!strcmp(fn, "test_coinbase_tao_issuance_different_prices"))
		return different_prices(r, o);
	if (!strcmp(fn, "get_shares_ignores_root_prop_storage_when_prices_and_burns_match"))
		return shares_equal(r, o);
	if (!strcmp(fn, "test_zero_shares_zero_emission") ||
	    !strcmp(fn, "test_coinbase_alpha_issuance_base") ||
	    !strcmp(fn, "test_coinbase_alpha_issuance_different"))
		return alpha_in_after(r, o);
	return no_scenario(r, o);
}

/* test_coinbase_subnets_with_no_reg_get_no_emission. */
static enum nd_vstatus check_eligibility(struct nd_vrec *r, struct nd_vout *o)
{
	int bad = 0;
	for (int c = 1; c <= 2; c++) {
		char path[64];
		struct world w;
		world_init(&w);
		size_t emitting = 0;
		for (size_t i = 0; i < 2; i++) {
			struct dn_emission_subnet *s = add_dynamic(&w);
			snprintf(path, sizeof(path), "inputs.case%d.reg_allowed[%zu]", c, i);
			s->registration_allowed = opt_bool(r, path, true);
			emitting += dn_emission_is_emitting(s);
		}
		snprintf(path, sizeof(path), "expected.case%d_emitting", c);
		bad += cmp_u64(o, path, emitting, need_u64(r, path));
		if (c == 2)
			bad += check(o, !dn_emission_is_emitting(&w.sn[0]),
				     "the subnet with registration disallowed emits");
	}
	return verdict(r, bad);
}

/* ---- subnet_terms, root_proportion ------------------------------------- */

/* A dynamic subnet from add_dynamic_network with full root stake. */
static struct dn_emission_subnet *terms_world(struct world *w)
{
	world_init(w);
	struct dn_emission_subnet *s = add_dynamic(w);
	full_root(w);
	return s;
}

/* test_get_subnet_terms_alpha_emissions_cap: price 1, alpha issuance of the
 * mock pool seed; uncapped then capped exactly at root_prop * emission. */
static enum nd_vstatus terms_cap(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t t1 = need_u64(r, "inputs.tao_emission_case1");
	uint64_t t2 = need_u64(r, "inputs.tao_emission_case2");
	uint64_t want1 = need_u64(r, "expected.alpha_in_case1");
	double rp_eval = need_num(r, "expected.root_prop_evaluated");
	double a2_eval = need_num(r, "expected.alpha_in_case2_evaluated");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	struct dn_emission_subnet *s = terms_world(&w);
	int bad = cmp_u64(o, "alpha issuance", s->pool.alpha_in + s->pool.alpha_out,
			  need_u64(r, "params.alpha_issuance"));
	struct dn_emission_terms t;
	dn_emission_terms(&w.p, &w.st, s, &w.ops, (dn_u96f32)t1 << 32, &t);
	bad += nd_vcmp_int(o, "alpha_in case 1 (U96F32 bits)", (dn_i128)t.alpha_in,
			   (dn_i128)((dn_u128)want1 << 32));
	dn_u96f32 cap = t.cap;
	dn_emission_terms(&w.p, &w.st, s, &w.ops, (dn_u96f32)t2 << 32, &t);
	bad += nd_vcmp_int(o, "alpha_in case 2 = root_prop * alpha_emission (bits)",
			   (dn_i128)t.alpha_in, (dn_i128)cap);
	bad += cmp_val(o, "root_prop", u96_val(t.root_prop), rp_eval, 1e-9);
	/* the evaluated value is exact arithmetic; the chain's root_prop is
	 * floored to 2^-32 before the product */
	bad += cmp_val(o, "alpha_in case 2", u96_val(t.alpha_in), a2_eval,
		       (double)t.alpha_emission / 4294967296.0);
	bad += cmp_u64(o, "alpha block emission", t.alpha_emission,
		       need_u64(r, "params.alpha_block_emission"));
	return verdict(r, bad);
}

/* test_coinbase_subnet_terms_with_alpha_in_gt_alpha_emission: price set to
 * 0.01 through the reserves, T = alpha_emission * 0.01 + 0.01. */
static enum nd_vstatus terms_gt(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	struct dn_emission_subnet *s = terms_world(&w);
	s->pool.tao = 1000000000000000ULL; /* setup_reserves, then overwritten */
	s->pool.alpha_in = 1000000000000000ULL;
	dn_pool_initialize(&w.sn[0].pool, NULL);
	dn_u64f64 price_set = u64f64(0.01);
	dn_u96f32 price_fixed = price_set >> 32;
	uint64_t alpha_em = dn_emission_block_emission(&w.p, s->pool.alpha_in + s->pool.alpha_out);
	dn_u96f32 te = dn_ufx128_sat_mul((dn_u96f32)alpha_em << 32, price_fixed, 32) +
		       (dn_u96f32)dn_fx128_from_f64(0.01, 32);
	uint64_t tao = need_u64(r, "params.reserves.tao");
	if (r->bad)
		return ND_V_FAIL;
	dn_u128 q = 0;
	dn_ufx128_checked_div((dn_u128)tao << 64, price_set, 64, &q);
	s->pool.tao = tao;
	s->pool.alpha_in = (uint64_t)(q >> 64);
	int bad = cmp_val(o, "spot price", u64f64_val(dn_emission_price(&w.ops, s)),
			  need_num(r, "params.spot_price"), 0.001);
	struct dn_emission_terms t;
	dn_emission_terms(&w.p, &w.st, s, &w.ops, te, &t);
	/* the test's own quantities, with the alpha emission before the reserves
	 * changed (the issuance it reads) */
	dn_u96f32 cap = dn_ufx128_sat_mul(dn_emission_root_proportion(&w.p, &w.st, s),
					  (dn_u96f32)alpha_em << 32, 32);
	dn_u128 raw = 0;
	dn_ufx128_checked_div(te, price_fixed, 32, &raw);
	bad += check(o, raw > cap, "T / price %.3f is not above the cap %.3f", u96_val(raw),
		     u96_val(cap));
	bad += cmp_val(o, "alpha_out", u96_val(t.alpha_out), (double)alpha_em, 0.01);
	bad += cmp_val(o, "alpha_in", u96_val(t.alpha_in), u96_val(cap), u96_val(cap) / 1000);
	bad += cmp_val(o, "tao_in", u96_val(t.tao_in),
		       u96_val(dn_ufx128_sat_mul(t.alpha_in, price_fixed, 32)), 0.01);
	bad += cmp_val(o, "excess_tao", u96_val(t.excess), u96_val(te) - u96_val(t.tao_in), 0.01);
	bad += cmp_val(o, "alpha_out vs expected", u96_val(t.alpha_out),
		       need_num(r, "expected.alpha_out"), 0.01);
	return verdict(r, bad);
}

/* test_coinbase_subnet_terms_with_alpha_in_lte_alpha_emission: price 1. */
static enum nd_vstatus terms_lte(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t te = need_u64(r, "inputs.tao_emission");
	uint64_t tao = need_u64(r, "params.reserves.tao"),
		 alpha = need_u64(r, "params.reserves.alpha");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	struct dn_emission_subnet *s = terms_world(&w);
	s->pool.tao = tao;
	s->pool.alpha_in = alpha;
	dn_pool_initialize(&w.sn[0].pool, NULL);
	struct dn_emission_terms t;
	dn_emission_terms(&w.p, &w.st, s, &w.ops, (dn_u96f32)te << 32, &t);
	int bad = check(o, t.alpha_in < t.cap, "T / price is not below the cap");
	bad += cmp_val(o, "alpha_out", u96_val(t.alpha_out), need_num(r, "expected.alpha_out"),
		       opt_num(r, "tolerance.alpha_out", 0));
	bad += cmp_val(o, "alpha_in", u96_val(t.alpha_in), need_num(r, "expected.alpha_in"),
		       opt_num(r, "tolerance.alpha_in", 0));
	bad += cmp_val(o, "tao_in", u96_val(t.tao_in), need_num(r, "expected.tao_in"),
		       opt_num(r, "tolerance.tao_in", 0));
	bad += cmp_val(o, "excess_tao", u96_val(t.excess), need_num(r, "expected.excess_tao"),
		       opt_num(r, "tolerance.excess_tao", 0));
	return verdict(r, bad);
}

static enum nd_vstatus check_terms(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strcmp(fn, "test_get_subnet_terms_alpha_emissions_cap"))
		return terms_cap(r, o);
	if (!strcmp(fn, "test_coinbase_subnet_terms_with_alpha_in_gt_alpha_emission"))
		return terms_gt(r, o);
	if (!strcmp(fn, "test_coinbase_subnet_terms_with_alpha_in_lte_alpha_emission"))
		return terms_lte(r, o);
	return no_scenario(r, o);
}

/* test_root_proportion: the chain's function against the test's formula
 * tw * R / (tw * R + A) in U96F32, bit for bit, and the evaluated value. */
static enum nd_vstatus check_root_proportion(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	w.st.root_tao = need_u64(r, "inputs.root_SubnetTAO");
	w.p.tao_weight = need_u64(r, "inputs.tao_weight_u64");
	s->pool.alpha_in = need_u64(r, "inputs.alpha_issuance");
	double eval = need_num(r, "expected.evaluated");
	if (r->bad)
		return ND_V_FAIL;
	dn_u96f32 got = dn_emission_root_proportion(&w.p, &w.st, s);
	dn_u96f32 tw = dn_emission_tao_weight(&w.p);
	dn_u96f32 num = dn_ufx128_sat_mul(tw, (dn_u96f32)w.st.root_tao << 32, 32), want = 0;
	dn_ufx128_checked_div(num, num + ((dn_u96f32)s->pool.alpha_in << 32), 32, &want);
	int bad = nd_vcmp_int(o, "root_proportion (U96F32 bits)", (dn_i128)got, (dn_i128)want);
	bad += cmp_val(o, "root_proportion", u96_val(got), eval, 1e-9);
	return verdict(r, bad);
}

/* ---- pool_injection ---------------------------------------------------- */

/* test_coinbase_inject_and_maybe_swap_does_not_skew_reserves: inject
 * (123 TAO, 456 alpha) and buy with 789 100 TAO; the reserve ratio stays
 * the price. */
static enum nd_vstatus inject_no_skew(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	s->pool.tao = need_u64(r, "params.reserves.tao");
	s->pool.alpha_in = need_u64(r, "params.reserves.alpha");
	uint64_t tin = need_u64(r, "inputs.tao_in"), ain = need_u64(r, "inputs.alpha_in");
	uint64_t ex = need_u64(r, "inputs.excess_tao");
	double tol = opt_num(r, "tolerance", 0);
	if (r->bad)
		return ND_V_FAIL;
	dn_pool_initialize(&w.sn[0].pool, NULL);
	struct dn_emission_terms t = {.tao_in = (dn_u96f32)tin << 32,
				      .alpha_in = (dn_u96f32)ain << 32,
				      .excess = (dn_u96f32)ex << 32};
	struct dn_emission_result res = {0};
	uint64_t credit = mint(&w, tin + ex);
	dn_emission_inject(&w.st, s, &w.ops, &t, &credit, &res);
	dn_emission_recycle(&w.st, credit);
	dn_u128 ratio = 0;
	dn_ufx128_checked_div((dn_u96f32)s->pool.alpha_in << 32, (dn_u96f32)s->pool.tao << 32, 32,
			      &ratio);
	double price = u64f64_val(dn_emission_price(&w.ops, s));
	int bad = cmp_val(o, "alpha reserve / TAO reserve vs price", u96_val(ratio), price, tol);
	bad += check(o, res.bought_tao == ex && res.injected_tao == tin,
		     "spent %llu on the buy and %llu on injection",
		     (unsigned long long)res.bought_tao, (unsigned long long)res.injected_tao);
	return verdict(r, bad);
}

/* test_adjust_protocol_liquidity_happy: the pool's price-neutral
 * re-weighting for one deposit; the chain test's f64 checks. */
static enum nd_vstatus adjust_happy(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t tao = need_u64(r, "inputs.tao_reserve"),
		 alpha = need_u64(r, "inputs.alpha_reserve");
	uint64_t dt = need_u64(r, "inputs.tao_delta"), da = need_u64(r, "inputs.alpha_delta");
	double want_price = need_num(r, "expected.price_after");
	double want_w = need_num(r, "expected.w_quote_after");
	if (r->bad)
		return ND_V_FAIL;
	uint64_t w = DN_POOL_HALF_WEIGHT;
	double before = u64f64_val(dn_balancer_price(w, alpha, tao));
	int bad = check(o, dn_balancer_add_liquidity(&w, tao, alpha, dt, da) == 0,
			"the re-weighting was refused");
	double after = u64f64_val(dn_balancer_price(w, alpha + da, tao + dt));
	double gw = (double)w / 1e18;
	bad += cmp_val(o, "price after", after, before, before / 1e12);
	bad += cmp_val(o, "price after (record)", after, want_price, want_price / 1e12);
	bad += cmp_val(o, "quote weight", gw - 0.5, want_w - 0.5, want_w / 1e12);
	return verdict(r, bad);
}

/* test_adjust_protocol_liquidity_zero_alpha: the chain test's grid. */
static enum nd_vstatus adjust_zero_alpha(struct nd_vrec *r, struct nd_vout *o)
{
	static const uint64_t grid[][2] = {
		{0, 0},
		{0, 1},
		{1, 0},
		{1, 1},
		{0, 10},
		{10, 0},
		{10, 10},
		{0, 100},
		{100, 0},
		{100, 100},
		{0, 1000},
		{1000, 0},
		{1000, 1000},
		{1000000, 0},
		{0, 1000000},
		{1000000, 1000000},
		{1000000000, 0},
		{0, 1000000000},
		{1000000000, 1000000000},
		{1000000000000, 0},
		{0, 1000000000000},
		{1000000000000, 1000000000000},
		{1, 2},
		{2, 1},
		{10, 20},
		{20, 10},
		{100, 200},
		{200, 100},
		{1000, 2000},
		{2000, 1000},
		{1000000, 2000000},
		{2000000, 1000000},
		{1000000000, 2000000000},
		{2000000000, 1000000000},
		{1000000000000, 2000000000000},
		{2000000000000, 1000000000000},
		{1234567, 2432765},
		{1234567, 2432765890},
	};
	uint64_t tao = need_u64(r, "inputs.tao_reserve"),
		 alpha = need_u64(r, "inputs.alpha_reserve");
	double want_w = need_num(r, "expected.w_quote_after");
	if (r->bad)
		return ND_V_FAIL;
	int bad = 0;
	for (size_t i = 0; i < sizeof(grid) / sizeof(grid[0]); i++) {
		uint64_t w = DN_POOL_HALF_WEIGHT, dt = grid[i][0], da = grid[i][1];
		bad += check(o, dn_balancer_price(w, alpha, tao) == 0, "price before is not 0");
		dn_balancer_add_liquidity(&w, tao, alpha, dt, da);
		bad += cmp_val(o, "quote weight", (double)w / 1e18, want_w, 0);
		double after = u64f64_val(dn_balancer_price(w, alpha + da, tao + dt));
		double want = alpha + da == 0 ? 0 : (double)(tao + dt) / (double)(alpha + da);
		bad += cmp_val(o, "price after", after, want, 0);
	}
	return verdict(r, bad);
}

static enum nd_vstatus check_injection(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strcmp(fn, "test_coinbase_inject_and_maybe_swap_does_not_skew_reserves"))
		return inject_no_skew(r, o);
	if (!strcmp(fn, "test_adjust_protocol_liquidity_happy"))
		return adjust_happy(r, o);
	if (!strcmp(fn, "test_adjust_protocol_liquidity_zero_alpha"))
		return adjust_zero_alpha(r, o);
	return no_scenario(r, o);
}

/* ---- pending_emission_split -------------------------------------------- */

/* test_coinbase_emit_to_subnets_with{,_no}_root_sell: emit_to_subnets on
 * one dynamic subnet with owner cut 6553, deep reserves, no root stake. */
static enum nd_vstatus emit_owner_cut(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t te = need_u64(r, "inputs.tao_emission");
	uint64_t cut = need_u64(r, "params.SubnetOwnerCut_u16");
	bool flag = opt_bool(r, "params.root_sell_flag", false);
	uint64_t tol = opt_u64(r, "tolerance", 0);
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	s->pool.tao = need_u64(r, "params.reserves.tao");
	s->pool.alpha_in = need_u64(r, "params.reserves.alpha");
	w.st.root_tao = need_u64(r, "params.root_SubnetTAO");
	if (r->bad || cut > 65535)
		return ND_V_FAIL;
	w.p.subnet_owner_cut = (uint16_t)cut;
	dn_pool_initialize(&w.sn[0].pool, NULL);
	/* the test's expectations, in its own fixed point */
	dn_u96f32 alpha_em =
		(dn_u96f32)dn_emission_block_emission(&w.p, s->pool.alpha_in + s->pool.alpha_out)
		<< 32;
	dn_u96f32 pct = 0;
	dn_ufx128_checked_div((dn_u96f32)cut << 32, (dn_u96f32)65535 << 32, 32, &pct);
	dn_u96f32 cut_exp = dn_ufx128_sat_mul(pct, alpha_em, 32);
	dn_u96f32 dte = (dn_u96f32)te << 32;
	struct dn_emission_result res = {0};
	uint64_t credit = mint(&w, te);
	struct dn_emission_subnet *l[1] = {s};
	int bad = dn_emission_emit_to_subnets(&w.p, &w.st, l, 1, &dte, &w.ops, flag, credit, &res);
	dn_u96f32 rp = dn_emission_root_proportion(&w.p, &w.st, s);
	uint64_t root_exp = (uint64_t)(dn_ufx128_sat_mul(rp, alpha_em, 32) >> 32);
	dn_u96f32 half = 0;
	dn_ufx128_checked_div(alpha_em - cut_exp, (dn_u96f32)2 << 32, 32, &half);
	uint64_t server_exp = (uint64_t)(half >> 32);
	dn_u96f32 val = half > ((dn_u96f32)root_exp << 32) ? half - ((dn_u96f32)root_exp << 32) : 0;
	bad += cmp_near(o, "PendingOwnerCut", s->pending_owner_cut, (uint64_t)(cut_exp >> 32), tol);
	bad += cmp_near(o, "PendingRootAlphaDivs", s->pending_root, flag ? root_exp : 0, tol);
	bad += cmp_near(o, "PendingServerEmission", s->pending_server, server_exp, tol);
	bad += cmp_near(o, "PendingValidatorEmission", s->pending_validator, (uint64_t)(val >> 32),
			tol);
	/* records with literal numbers */
	static const char *const lit[][2] = {
		{"expected.PendingOwnerCut", "PendingOwnerCut (record)"},
		{"expected.PendingRootAlphaDivs", "PendingRootAlphaDivs (record)"},
		{"expected.PendingServerEmission", "PendingServerEmission (record)"},
		{"expected.PendingValidatorEmission", "PendingValidatorEmission (record)"},
	};
	const uint64_t got[] = {s->pending_owner_cut, s->pending_root, s->pending_server,
				s->pending_validator};
	for (size_t i = 0; i < 4; i++) {
		json_t *n = nd_vget(r->json, lit[i][0]);
		if (n && json_is_integer(n))
			bad += cmp_near(o, lit[i][1], got[i], need_u64(r, lit[i][0]), tol);
	}
	return verdict(r, bad);
}

/* test_pending_emission: three coinbase runs with no TAO: tempo 1 at
 * blocks 10 and 12 (drained: the distribution does not change the alpha
 * supply: the owner's incentive is burned, dividends are staked), root
 * stake 1e9 from the second run, then tempo 10000, TaoWeight 1, EMA 2: the
 * root proportion 1e9 / (1e9 + 3e9 + 1) of the validators' half. */
static enum nd_vstatus pending_quarter(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t root = need_u64(r, "params.root_SubnetTAO");
	uint64_t tol = opt_u64(r, "tolerance", 0);
	uint64_t w_server = need_u64(r, "expected.PendingServerEmission");
	uint64_t w_val = need_u64(r, "expected.PendingValidatorEmission");
	uint64_t w_root = need_u64(r, "expected.PendingRootAlphaDivs");
	if (r->bad)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	s->sched.tempo = 1;
	s->pool.tao = 1000000;
	s->pool.alpha_in = 1;
	s->sched.last_epoch_block = 0;
	w.block = 10;
	int bad = run_coinbase(&w, mint(&w, 0), NULL) != 0;
	w.st.root_tao = root;
	w.block = 12;
	bad += run_coinbase(&w, mint(&w, 0), NULL) != 0;
	s->sched.tempo = 10000;
	w.p.tao_weight = need_u64(r, "params.tao_weight_u64");
	s->moving_price = i96(opt_num(r, "params.ema_price", 2.0));
	struct dn_emission_subnet *l[1] = {s};
	bad += check(o, dn_emission_root_sell_flag(l, 1), "root sell flag is off");
	bad += run_coinbase(&w, mint(&w, 0), NULL) != 0;
	bad += cmp_near(o, "PendingServerEmission", s->pending_server, w_server, tol);
	bad += cmp_near(o, "PendingValidatorEmission", s->pending_validator, w_val, tol);
	bad += cmp_near(o, "PendingRootAlphaDivs", s->pending_root, w_root, tol);
	return verdict(r, bad);
}

/* test_mining_emission_distribution_with_no_root_sell, its pending part:
 * a dynamic subnet (tempo 10, owner cut 6553) whose alpha reserve is then
 * set to 1e18 rao (above 21M: its alpha block emission is 0) and root
 * stake 200 TAO at TaoWeight 0.1. After a clean epoch, 9 blocks accumulate
 * per_block * 9 * 0.5 * 0.9. The test's neurons and stakes move neither
 * the alpha issuance's side of 21M nor the schedule, so they are left out.
 * The miner's emission over the next epoch is at most the drained server
 * pot (miners are paid from it and nothing else): it is checked as a
 * bound when that bound decides the record, else the record is skipped
 * for the distribution family. */
static enum nd_vstatus pending_miner_pot(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t cut = need_u64(r, "params.SubnetOwnerCut_u16");
	uint64_t tempo = need_u64(r, "params.tempo");
	uint64_t tol_s = opt_u64(r, "tolerance.PendingServerEmission", 0);
	uint64_t tol_m = opt_u64(r, "tolerance.miner_emission_over_epoch", 0);
	uint64_t blocks = need_u64(r, "inputs.blocks_accumulated");
	if (r->bad || cut > 65535 || tempo == 0 || tempo > 65535)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_network(&w, 1, (uint16_t)tempo);
	s->pool.dynamic = true;
	s->pool.tao = 1000000000000000ULL;
	s->pool.alpha_in = 1000000000000000ULL;
	int bad = 0;
	for (uint64_t i = 0; i < tempo; i++)
		bad += step_block(&w, NULL) != 0;
	w.p.subnet_owner_cut = (uint16_t)cut;
	for (uint64_t i = 0; i < tempo; i++)
		bad += step_block(&w, NULL) != 0;
	w.st.root_tao += 200000000000ULL;
	w.p.tao_weight = UINT64_MAX / 10;
	s->pool.alpha_in = 1000000000000000000ULL;
	struct dn_emission_subnet *l[1] = {s};
	bad += check(o, !dn_emission_root_sell_flag(l, 1), "root sell flag is on");
	for (uint64_t i = 0; i < tempo; i++)
		bad += step_block(&w, NULL) != 0;
	uint64_t per_block = dn_emission_block_emission(&w.p, s->pool.alpha_in + s->pool.alpha_out);
	bad += step_block(&w, NULL) != 0;
	bad += cmp_u64(o, "PendingRootAlphaDivs", s->pending_root, 0);
	bad += step_block(&w, NULL) != 0;
	/* step_epochs(1) */
	uint64_t idx = s->sched.epoch_index;
	for (int guard = 0; s->sched.epoch_index == idx && guard < 100000; guard++)
		bad += step_block(&w, NULL) != 0;
	for (uint64_t i = 0; i < blocks; i++)
		bad += step_block(&w, NULL) != 0;
	/* U96F32(per_block) * 9 * 0.5 * 0.90, as the test writes it */
	dn_u96f32 x = dn_ufx128_sat_mul((dn_u96f32)per_block << 32, (dn_u96f32)blocks << 32, 32);
	x = dn_ufx128_sat_mul(x, (dn_u96f32)dn_fx128_from_f64(0.5, 32), 32);
	x = dn_ufx128_sat_mul(x, (dn_u96f32)dn_fx128_from_f64(0.90, 32), 32);
	bad += cmp_near(o, "PendingServerEmission", s->pending_server, (uint64_t)(x >> 32), tol_s);
	struct dn_emission_drained d;
	bad += step_block(&w, &d) != 0;
	bad += check(o, d.outcome == DN_SCHEDULE_RUN && s->sched.blocks_since_last_step == 0,
		     "the epoch did not run after tempo blocks");
	/* miner emission over the epoch: in [0, drained server pot]; the
	 * test's expectation is incentive_share * per_block * tempo * 0.45 with
	 * incentive_share <= 1 */
	uint64_t hi_exp = per_block * tempo * 45 / 100;
	if (bad || r->bad)
		return ND_V_FAIL;
	if (d.server <= tol_m && hi_exp <= tol_m) /* both in [0, tol] */
		return ND_V_PASS;
	nd_vout_printf(o,
		       "pending part passes; the miner's share of a %llu-rao server pot needs "
		       "the distribution (Yuma incentive)",
		       (unsigned long long)d.server);
	return ND_V_SKIP;
}

/* test_pending_emission_start_call_not_done: no FirstEmissionBlockNumber:
 * the subnet is not emitting and nothing becomes pending. */
static enum nd_vstatus pending_not_started(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t tempo = need_u64(r, "params.tempo");
	uint64_t blocks = need_u64(r, "inputs.blocks");
	if (r->bad || tempo > 65535)
		return ND_V_FAIL;
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	s->has_first_emission = false;
	s->sched.tempo = (uint16_t)tempo;
	int bad = 0;
	for (uint64_t i = 0; i < tempo; i++)
		bad += step_block(&w, NULL) != 0;
	w.p.subnet_owner_cut = 65535 / 10;
	w.st.root_tao += 200000000000ULL;
	w.p.tao_weight = UINT64_MAX / 10;
	s->pool.tao = 10000000000ULL;
	s->pool.alpha_in = 1000000000ULL;
	s->moving_price = i96(opt_num(r, "params.ema_price", 2.0));
	struct dn_emission_subnet *l[1] = {s};
	bad += check(o, dn_emission_root_sell_flag(l, 1), "root sell flag is off");
	for (uint64_t i = 0; i < blocks; i++)
		bad += step_block(&w, NULL) != 0;
	bad += cmp_u64(o, "PendingServerEmission", s->pending_server,
		       need_u64(r, "expected.PendingServerEmission"));
	bad += cmp_u64(o, "PendingValidatorEmission", s->pending_validator,
		       need_u64(r, "expected.PendingValidatorEmission"));
	bad += cmp_u64(o, "PendingRootAlphaDivs", s->pending_root,
		       need_u64(r, "expected.PendingRootAlphaDivs"));
	return verdict(r, bad);
}

static enum nd_vstatus check_pending(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strcmp(fn, "test_coinbase_emit_to_subnets_with_no_root_sell") ||
	    !strcmp(fn, "test_coinbase_emit_to_subnets_with_root_sell"))
		return emit_owner_cut(r, o);
	if (!strcmp(fn, "test_pending_emission"))
		return pending_quarter(r, o);
	if (!strcmp(fn, "test_mining_emission_distribution_with_no_root_sell"))
		return pending_miner_pot(r, o);
	if (!strcmp(fn, "test_pending_emission_start_call_not_done"))
		return pending_not_started(r, o);
	return no_scenario(r, o);
}

/* ---- epoch_drain ------------------------------------------------------- */

/* drain_pending on one subnet from add_dynamic_network with the record's
 * tempo, LastEpochBlock and pending amounts. */
static enum nd_vstatus check_drain(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	world_init(&w);
	struct dn_emission_subnet *s = add_dynamic(&w);
	uint64_t block = need_u64(r, "inputs.block");
	if (nd_vget(r->json, "params.tempo"))
		s->sched.tempo = (uint16_t)need_u64(r, "params.tempo");
	if (nd_vget(r->json, "params.LastEpochBlock"))
		s->sched.last_epoch_block = need_u64(r, "params.LastEpochBlock");
	s->pending_server = opt_u64(r, "inputs.PendingServerEmission", 0);
	s->pending_validator = opt_u64(r, "inputs.PendingValidatorEmission", 0);
	s->pending_root = opt_u64(r, "inputs.PendingRootAlphaDivs", 0);
	s->pending_owner_cut = opt_u64(r, "inputs.PendingOwnerCut", 0);
	s->sched.blocks_since_last_step = opt_u64(r, "inputs.BlocksSinceLastStep", 0);
	s->sched.last_mechanism_step_block = opt_u64(r, "inputs.LastMechansimStepBlock", 0);
	if (r->bad)
		return ND_V_FAIL;
	uint64_t bsls = s->sched.blocks_since_last_step;
	bool due = dn_schedule_should_run(&w.sp, &s->sched, block);
	struct dn_emission_drained d;
	int bad = dn_emission_drain_pending(&w.sp, w.l, 1, block, NULL, &d) < 0;
	json_t *n;
	if ((n = nd_vget(r->json, "expected.should_run_epoch")))
		bad += check(o, due == json_is_true(n), "should_run_epoch is %d", due);
	if ((n = nd_vget(r->json, "inputs.epoch_due")))
		bad += check(o, due == json_is_true(n), "should_run_epoch is %d", due);
	if (nd_vget(r->json, "expected.returned_tuple")) {
		const uint64_t got[] = {d.server, d.validator, d.root, d.owner_cut};
		const uint64_t after[] = {s->pending_server, s->pending_validator, s->pending_root,
					  s->pending_owner_cut};
		for (size_t i = 0; i < 4; i++) {
			bad += cmp_u64(o, "drained", got[i],
				       u64_at(r, "expected.returned_tuple", i));
			bad += cmp_u64(o, "pending after", after[i],
				       u64_at(r, "expected.pending_after", i));
		}
	}
	if (nd_vget(r->json, "expected.BlocksSinceLastStep_after"))
		bad += cmp_u64(o, "BlocksSinceLastStep", s->sched.blocks_since_last_step,
			       need_u64(r, "expected.BlocksSinceLastStep_after"));
	if (nd_vget(r->json, "expected.LastMechansimStepBlock_after"))
		bad += cmp_u64(o, "LastMechansimStepBlock", s->sched.last_mechanism_step_block,
			       need_u64(r, "expected.LastMechansimStepBlock_after"));
	if (nd_vget(r->json, "expected.BlocksSinceLastStep_delta"))
		bad += cmp_u64(o, "BlocksSinceLastStep delta",
			       s->sched.blocks_since_last_step - bsls,
			       need_u64(r, "expected.BlocksSinceLastStep_delta"));
	return verdict(r, bad);
}

/* ---- epoch_schedule ---------------------------------------------------- */

/* tempo_control.rs setup_subnet: add_network(1, 360) at block 1 with the
 * admin freeze window 0. */
static struct dn_emission_subnet *tempo_subnet(struct world *w)
{
	world_init(w);
	w->sp.admin_freeze_window = 0;
	return add_network(w, 1, w->sp.initial_tempo);
}

static enum nd_vstatus schedule_next_start(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	struct dn_emission_subnet *s = tempo_subnet(&w);
	int bad = 0;
	if (nd_vget(r->json, "inputs.new_tempo")) {
		/* get_next_epoch_start_block_reflects_set_tempo_cycle_reset */
		w.block = need_u64(r, "inputs.block"); /* run_to_block */
		uint64_t t = need_u64(r, "inputs.new_tempo");
		if (r->bad || t > 65535)
			return ND_V_FAIL;
		int err = dn_schedule_set_tempo(&w.sp, &s->sched, (uint16_t)t, w.block);
		bad += check(o, err == 0, "set_tempo: %s", dn_schedule_strerror(err));
	} else {
		uint64_t t = need_u64(r, "inputs.tempo");
		if (r->bad || t > 65535)
			return ND_V_FAIL;
		s->sched.tempo = (uint16_t)t;
		s->sched.last_epoch_block =
			opt_u64(r, "inputs.LastEpochBlock", s->sched.last_epoch_block);
		s->sched.pending_epoch_at = opt_u64(r, "inputs.PendingEpochAt", 0);
	}
	uint64_t next = 0;
	bool some = dn_schedule_next_epoch_start(&s->sched, &next);
	json_t *want = nd_vneed(r, "expected.next_epoch_start_block");
	if (r->bad)
		return ND_V_FAIL;
	if (json_is_null(want))
		bad += check(o, !some, "next epoch start is %llu, expected none",
			     (unsigned long long)next);
	else
		bad += check(o, some, "no next epoch start") +
		       cmp_u64(o, "next_epoch_start_block", next,
			       need_u64(r, "expected.next_epoch_start_block"));
	return verdict(r, bad);
}

static enum nd_vstatus schedule_trigger(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	struct dn_emission_subnet *s = tempo_subnet(&w);
	bool cr = opt_bool(r, "inputs.commit_reveal", opt_bool(r, "params.commit_reveal", false));
	w.sp.admin_freeze_window = (uint16_t)opt_u64(r, "inputs.AdminFreezeWindow", 5);
	if (nd_vget(r->json, "inputs.tempo"))
		s->sched.tempo = (uint16_t)need_u64(r, "inputs.tempo");
	if (nd_vget(r->json, "inputs.LastEpochBlock"))
		s->sched.last_epoch_block = need_u64(r, "inputs.LastEpochBlock");
	json_t *blk = nd_vget(r->json, "inputs.block");
	if (blk && json_is_integer(blk))
		w.block = need_u64(r, "inputs.block");
	if (r->bad)
		return ND_V_FAIL;
	uint64_t fires = 0;
	int err = dn_schedule_trigger_epoch(&w.sp, &s->sched, cr, w.block, &fires);
	int bad = 0;
	const char *want_err = nd_vstr(r, "expected.error");
	if (want_err) {
		bad += check(o, strcmp(dn_schedule_strerror(err), want_err) == 0,
			     "error %s, expected %s", dn_schedule_strerror(err), want_err);
		if (nd_vget(r->json, "expected.remaining"))
			bad += cmp_u64(o, "remaining",
				       dn_schedule_blocks_until_next_auto_epoch(
					       &s->sched, s->sched.tempo, w.block),
				       need_u64(r, "expected.remaining"));
		bad += cmp_u64(o, "PendingEpochAt", s->sched.pending_epoch_at,
			       need_u64(r, "expected.PendingEpochAt"));
	} else {
		/* "now + window" */
		bad += check(o, err == 0, "trigger: %s", dn_schedule_strerror(err));
		bad += cmp_u64(o, "PendingEpochAt", s->sched.pending_epoch_at,
			       w.block + w.sp.admin_freeze_window);
	}
	return verdict(r, bad);
}

/* test_epochs_deferred_this_block_respects_cap: cap + 2 subnets (tempo
 * 100) all due through PendingEpochAt = 1. */
static enum nd_vstatus schedule_deferred(struct nd_vrec *r, struct nd_vout *o)
{
	struct world w;
	world_init(&w);
	uint64_t cap = opt_u64(r, "params.MaxEpochsPerBlock", 32);
	if (cap + 2 > MAXN || cap > 255)
		return ND_V_FAIL;
	w.sp.max_epochs_per_block = (uint8_t)cap;
	const struct dn_schedule *ss[MAXN];
	for (uint16_t i = 0; i < cap + 2; i++) {
		struct dn_emission_subnet *s = add_network(&w, (uint16_t)(i + 1), 100);
		s->sched.pending_epoch_at = 1;
		ss[i] = &s->sched;
	}
	bool deferred[MAXN];
	size_t count = dn_schedule_deferred(&w.sp, ss, (size_t)cap + 2, w.block, NULL, deferred);
	int bad = cmp_u64(o, "deferred", count, need_u64(r, "expected.deferred_count"));
	for (size_t i = 0; i < cap + 2; i++)
		if (deferred[i])
			bad += check(o, dn_schedule_should_run(&w.sp, ss[i], w.block),
				     "a deferred subnet is not due");
	return verdict(r, bad);
}

static enum nd_vstatus check_schedule(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	if (!strncmp(fn, "do_trigger_epoch_", 17))
		return schedule_trigger(r, o);
	if (!strncmp(fn, "get_next_epoch_start_block_", 27))
		return schedule_next_start(r, o);
	if (!strcmp(fn, "test_epochs_deferred_this_block_respects_cap"))
		return schedule_deferred(r, o);
	if (!nd_vget(r->json, "expected.blocks_until_next_auto_epoch"))
		return no_scenario(r, o);
	/* emission.rs tests: blocks_until_next_auto_epoch(tempo, block) */
	uint64_t tempo = need_u64(r, "inputs.tempo");
	struct dn_schedule s = {.last_epoch_block = opt_u64(r, "inputs.LastEpochBlock", 0)};
	uint64_t block = need_u64(r, "inputs.block");
	uint64_t want = need_u64(r, "expected.blocks_until_next_auto_epoch");
	if (r->bad || tempo > 65535)
		return ND_V_FAIL;
	s.tempo = (uint16_t)tempo;
	return verdict(r,
		       cmp_u64(o, "blocks_until_next_auto_epoch",
			       dn_schedule_blocks_until_next_auto_epoch(&s, s.tempo, block), want));
}

/* ---- moving_price_ema -------------------------------------------------- */

/* update_moving_price once from ema_start at `block`, spot price from the
 * record (the tests' 1e6 / 1e6 reserves give exactly 1.0). */
static enum nd_vstatus check_ema(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_emission_params p;
	dn_emission_params_mock(&p);
	struct dn_emission_subnet s;
	dn_emission_subnet_init(&s, &p, 1, 1, 1);
	p.moving_alpha = i96(need_num(r, "inputs.SubnetMovingAlpha"));
	s.ema_halving_blocks =
		opt_u64(r, "params.EMAPriceHalvingBlocks", p.ema_price_halving_blocks);
	s.has_first_emission = true;
	s.first_emission_block = nd_vget(r->json, "inputs.FirstEmissionBlockNumber")
					 ? need_u64(r, "inputs.FirstEmissionBlockNumber")
					 : need_u64(r, "params.FirstEmissionBlockNumber");
	s.moving_price = i96(need_num(r, "inputs.ema_start"));
	uint64_t block = need_u64(r, "inputs.block");
	dn_u64f64 price = u64f64(need_num(r, "params.spot_price"));
	if (r->bad)
		return ND_V_FAIL;
	dn_emission_update_moving_price(&p, &s, block, price);
	double got = dn_fx128_to_double(s.moving_price, 32);
	int bad = 0;
	if (nd_vget(r->json, "expected.ema_after"))
		bad += cmp_val(o, "EMA", got, need_num(r, "expected.ema_after"),
			       opt_num(r, "tolerance", 0));
	if (nd_vget(r->json, "expected.ema_after_lt"))
		bad += check(o, got < need_num(r, "expected.ema_after_lt"), "EMA %.9g not below %g",
			     got, need_num(r, "expected.ema_after_lt"));
	if (nd_vget(r->json, "expected.evaluated"))
		bad += cmp_val(o, "EMA (evaluated formula)", got, need_num(r, "expected.evaluated"),
			       1e-9);
	return verdict(r, bad);
}

/* ---- scheduler (epoch.json) -------------------------------------------- */

/* test_blocks_since_last_step: steps "step N blocks", "step N" or "step
 * blocks_until_next_auto_epoch + K" from the subnet's creation block. */
static enum nd_vstatus check_scheduler(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_schedule_params sp;
	dn_schedule_params_mock(&sp);
	uint64_t netuid = need_u64(r, "inputs.netuid"), tempo = need_u64(r, "inputs.tempo");
	uint64_t block = need_u64(r, "inputs.network_added_at_block");
	json_t *steps = nd_vneed(r, "inputs.steps");
	if (r->bad || netuid > 65535 || tempo > 65535 || !json_is_array(steps))
		return ND_V_FAIL;
	struct dn_schedule s;
	dn_schedule_init(&s, (uint16_t)netuid, (uint16_t)tempo, block);
	int bad = 0;
	for (size_t k = 0; k < json_array_size(steps); k++) {
		const char *t = json_string_value(json_array_get(steps, k));
		unsigned long long n = 0, add = 0;
		if (t && sscanf(t, "step blocks_until_next_auto_epoch + %llu", &add) == 1)
			n = dn_schedule_blocks_until_next_auto_epoch(&s, s.tempo, block) + add;
		else if (!t || sscanf(t, "step %llu", &n) != 1) {
			nd_vbad(r, "inputs.steps", "step %zu: cannot read '%s'", k, t ? t : "?");
			return ND_V_FAIL;
		}
		for (unsigned long long i = 0; i < n; i++) {
			uint32_t run = 0;
			dn_schedule_tick(&sp, &s, ++block, true, &run);
		}
		bad += cmp_u64(o, "BlocksSinceLastStep", s.blocks_since_last_step,
			       u64_at(r, "expected.blocks_since_last_step_after_each", k));
	}
	return verdict(r, bad);
}

const struct nd_vkind nd_vkinds_emission[] = {
	{"block_emission", check_block_emission, NULL},
	{"tao_issuance", check_tao_issuance, NULL},
	{"subnet_emission_split", check_split, NULL},
	{"subnet_eligibility", check_eligibility, NULL},
	{"subnet_terms", check_terms, NULL},
	{"root_proportion", check_root_proportion, NULL},
	{"pool_injection", check_injection, NULL},
	{"pending_emission_split", check_pending, NULL},
	{"epoch_drain", check_drain, NULL},
	{"epoch_schedule", check_schedule, NULL},
	{"moving_price_ema", check_ema, NULL},
	{"scheduler", check_scheduler, NULL},
	{NULL, NULL, NULL},
};
