/*
 * devnet/emission: block emission and its halvings at the exact issuance
 * thresholds, the 21M caps, the split across subnets (zero prices, burn
 * weighting, disabled subnets), the root-sell flag, pending accumulators
 * and their drain, the moving-price EMA, and conservation of what one
 * block mints: credit = injected + bought + stranded + recycled, with the
 * issuance and the pools agreeing.
 *
 * The pool here is a stand-in (constant product at weight 1/2, every
 * injection accepted) so that these tests depend on this module only;
 * taodev verify runs the chain's vectors against the real pool.
 */
#include "devnet/emission.h"
#include "tests/tap.h"

#include <stdio.h>

#define TAO 1000000000ull
#define ONE96 ((dn_u128)1 << 32)
#define ONE64 ((dn_u128)1 << 64)

/* ---- stand-in pool ----------------------------------------------------- */

struct toy {
	int buys, adjusts;
	bool refuse_adjust, refuse_buy;
};

static dn_u64f64 toy_price(void *ctx, const struct dn_emission_subnet *s)
{
	(void)ctx;
	dn_u128 q;
	return dn_ufx128_checked_div((dn_u128)s->pool.tao << 64, (dn_u128)s->pool.alpha_in << 64,
				     64, &q)
		       ? q
		       : 0;
}

static bool toy_adjust(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t alpha)
{
	struct toy *t = ctx;
	(void)s, (void)tao, (void)alpha;
	t->adjusts++;
	return !t->refuse_adjust;
}

static int toy_buy(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t *in,
		   uint64_t *out)
{
	struct toy *t = ctx;
	t->buys++;
	if (t->refuse_buy)
		return -1;
	*in = tao;
	*out = (uint64_t)((dn_u128)s->pool.alpha_in * tao / ((dn_u128)s->pool.tao + tao));
	/* the buy moves the reserves (swap_tao_for_alpha) */
	s->pool.tao += *in;
	s->pool.alpha_in -= *out;
	s->pool.alpha_out += *out;
	return 0;
}

static struct toy toy_ctx;
static const struct dn_emission_pool toy = {&toy_ctx, toy_price, toy_adjust, toy_buy};

/* ---- helpers ----------------------------------------------------------- */

static struct dn_emission_params P;
static struct dn_schedule_params SP;

static void subnet(struct dn_emission_subnet *s, uint16_t netuid, uint16_t mech, uint64_t tao,
		   uint64_t alpha_in, double ema)
{
	dn_emission_subnet_init(s, &P, netuid, 360, 1);
	s->pool.dynamic = mech == 1;
	s->has_first_emission = true;
	s->first_emission_block = 1;
	s->subtoken_enabled = true;
	s->pool.tao = tao;
	s->pool.alpha_in = alpha_in;
	s->moving_price = dn_fx128_from_f64(ema, 32);
}

static double u64f64(dn_u128 x)
{
	return (double)(x >> 64) + (double)(uint64_t)x / 18446744073709551616.0;
}
static double u96(dn_u128 x) { return (double)(x >> 32) + (double)(uint32_t)x / 4294967296.0; }

/* ---- block emission ---------------------------------------------------- */

static void test_log2(void)
{
	dn_i96f32 r = 0;
	ok(dn_emission_log2(ONE96, &r) == 0 && r == 0, "log2(1) = 0");
	ok(dn_emission_log2(8 * ONE96, &r) == 0 && r == 3 * (dn_i128)ONE96, "log2(8) = 3 exactly");
	ok(dn_emission_log2(ONE96 / 2, &r) == 0 && r == -(dn_i128)ONE96, "log2(0.5) = -1");
	ok(dn_emission_log2(3 * ONE96, &r) == 0 && r > 0 &&
		   dn_fx128_to_double(r, 32) - 1.584962500721156 < 1e-9 &&
		   1.584962500721156 - dn_fx128_to_double(r, 32) < 3e-9,
	   "log2(3) to 32 fraction bits");
	is_int(dn_emission_log2(0, &r), DN_EMISSION_EDOM, "log2(0) is an error");
	/* x = 4 - 2^-32: the halving rounds up onto 2 and then exactly 1, so the
	 * crate returns the integer 2 */
	ok(dn_emission_log2(4 * ONE96 - 1, &r) == 0 && r == 2 * (dn_i128)ONE96,
	   "log2(4 - 2^-32) = 2: the crate's round-half-up halving");
}

static void test_halvings(void)
{
	is_int(dn_emission_block_emission(&P, 0), 1000000000, "1 TAO per block at issuance 0");
	/* thresholds 21e15 * (1 - 2^-k), integers for k <= 15 */
	int good = 0, total = 0;
	for (int k = 1; k <= 15; k++) {
		uint64_t t = 21000000000000000ull - (21000000000000000ull >> k);
		uint64_t at = dn_emission_block_emission(&P, t);
		uint64_t before = dn_emission_block_emission(&P, t - 1);
		total += 2;
		good += at == 1000000000ull >> k;
		good += before == 1000000000ull >> (k - 1);
		if (k <= 5) {
			char name[96];
			snprintf(name, sizeof(name), "halving %d at issuance %llu: %llu rao", k,
				 (unsigned long long)t, (unsigned long long)(1000000000ull >> k));
			is_int(at, 1000000000ull >> k, name);
			snprintf(name, sizeof(name),
				 "one rao below threshold %d: the previous rate", k);
			is_int(before, 1000000000ull >> (k - 1), name);
		}
	}
	is_int(good, total, "every threshold k = 1..15 halves exactly at its issuance");
	is_int(dn_emission_block_emission(&P, 21000000000000000ull), 0, "no emission at 21M");
	is_int(dn_emission_block_emission(&P, 21000000000000000ull - 1), 0,
	       "1 rao below 21M: 1e9 / 2^32 floors to 0");
	is_int(dn_emission_block_emission(&P, UINT64_MAX), 0, "no emission above 21M");
}

static void test_mint(void)
{
	struct dn_emission_state st = {.total_issuance = 7, .balances_issuance = 100};
	is_int(dn_emission_mint(&P, &st, 123), 123, "mint 123");
	ok(st.total_issuance == 130 && st.balances_issuance == 223, "both issuance counters grow");
	st.balances_issuance = 21000000000000000ull - 5;
	is_int(dn_emission_mint(&P, &st, TAO), 5, "minting stops at 21M");
	is_int(st.balances_issuance, 21000000000000000ll, "balances issuance is exactly 21M");
	is_int(dn_emission_mint(&P, &st, TAO), 0, "nothing to mint at 21M");

	struct dn_emission_state s2 = {.total_issuance = 10500000000000000ull,
				       .balances_issuance = 10500000000000000ull};
	is_int(dn_emission_mint_block(&P, &s2), 500000000, "block reward 0.5 TAO past 10.5M");
	is_int(s2.block_emission, 500000000, "BlockEmission records it");
}

/* ---- shares and flag --------------------------------------------------- */

static void test_shares(void)
{
	struct dn_emission_subnet a, b, c;
	struct dn_emission_subnet *l[3] = {&a, &b, &c};
	dn_u64f64 sh[3];
	subnet(&a, 1, 1, TAO, TAO, 0.1);
	subnet(&b, 2, 1, TAO, TAO, 0.2);
	subnet(&c, 3, 1, TAO, TAO, 0.1);
	dn_emission_shares(l, 3, sh);
	ok(u64f64(sh[1]) > 0.49999999 && u64f64(sh[1]) < 0.5 + 1e-9 && sh[0] == sh[2],
	   "shares proportional to EMA prices: 1/4, 1/2, 1/4");
	a.moving_price = b.moving_price = c.moving_price = 0;
	dn_emission_shares(l, 3, sh);
	ok(sh[0] == 0 && sh[1] == 0 && sh[2] == 0, "all EMA prices zero: all shares zero");

	subnet(&a, 1, 1, TAO, TAO, 1.0);
	subnet(&b, 2, 1, TAO, TAO, 1.0);
	a.miner_burned = ONE96 / 2;
	dn_emission_shares(l, 2, sh);
	ok(u64f64(sh[0]) > 0.3333333 && u64f64(sh[0]) < 0.3333334 && u64f64(sh[1]) > 0.6666666,
	   "miner burn 0.5 weights the share: 1/3, 2/3");
	a.miner_burned = 3 * ONE96; /* clamped to 1 */
	b.miner_burned = ONE96;
	dn_emission_shares(l, 2, sh);
	ok(sh[0] == ONE64 / 2 && sh[1] == ONE64 / 2,
	   "every subnet fully burned: fall back to the price shares");

	subnet(&a, 1, 0, 0, 0, 0);
	subnet(&b, 2, 0, 0, 0, 0);
	subnet(&c, 3, 0, 0, 0, 0);
	b.emission_enabled = false;
	dn_u96f32 e[3];
	dn_emission_split(l, 3, (dn_u128)3333333 << 32, e);
	ok(e[1] == 0 && u96(e[0]) > 1666664 && u96(e[0]) < 1666667 && e[0] == e[2],
	   "a disabled subnet's share is spread over the enabled ones");
	ok(dn_emission_root_sell_flag(l, 1) == false, "one stable subnet: sum 1 is not > 1");
	ok(dn_emission_root_sell_flag(l, 2) == true, "two stable subnets: root sells");
}

/* ---- the coinbase ------------------------------------------------------ */

static uint64_t sum_tao(struct dn_emission_subnet *const *l, size_t n)
{
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += l[i]->pool.tao;
	return t;
}

static void test_conservation(void)
{
	/* three dynamic subnets at different prices, one young (cap not
	 * binding), one mature (alpha issuance large: chain buys), one
	 * emission-disabled; TaoWeight 0.18 and some root stake */
	struct dn_emission_params p = P;
	p.tao_weight = 3320413933267719290ull;
	struct dn_emission_subnet a, b, c;
	struct dn_emission_subnet *l[3] = {&a, &b, &c};
	subnet(&a, 1, 1, 100 * TAO, 100 * TAO, 0.3);
	subnet(&b, 4, 1, 500 * TAO, 5000000 * TAO, 0.2);
	b.pool.alpha_out = 4000000 * TAO;
	subnet(&c, 9, 1, 10 * TAO, 40 * TAO, 0.25);
	c.emission_enabled = false;
	struct dn_emission_state st = {.total_issuance = 6000000 * TAO,
				       .balances_issuance = 6000000 * TAO,
				       .root_tao = 1000000 * TAO};
	uint64_t ti0 = st.total_issuance, tao0 = sum_tao(l, 3), stake0 = st.total_stake;
	uint64_t out0 = a.pool.alpha_out + b.pool.alpha_out + c.pool.alpha_out;
	struct dn_emission_result r;
	struct dn_emission_drained d[3];
	ok(dn_emission_block_step(&p, &SP, &st, l, 3, 100, &toy, NULL, d, &r) == 0, "block step");
	is_int(r.credit, TAO, "1 TAO minted");
	is_int(r.credit, r.injected_tao + r.bought_tao + r.stranded + r.recycled,
	       "credit = injected + bought + stranded + recycled");
	is_int(st.total_issuance - ti0, r.credit - r.recycled,
	       "TotalIssuance grew by what was kept");
	is_int(sum_tao(l, 3) - tao0, r.injected_tao + r.bought_tao,
	       "the pools hold what was spent");
	is_int(st.total_stake - stake0, r.injected_tao + r.bought_tao, "TotalStake too");
	ok(r.recycled <= 2, "only rounding is recycled");
	ok(b.excess_tao > 0 && b.protocol_alpha > 0, "the mature subnet buys alpha");
	ok(c.tao_in_emission == 0 && c.alpha_in_emission == 0 && c.alpha_out_emission == TAO,
	   "the disabled subnet gets no TAO but mints its alpha");
	/* alpha: every subnet minted its block emission; root alpha recycled
	 * or pending, plus the chain buy's alpha */
	uint64_t minted = a.alpha_out_emission + b.alpha_out_emission + c.alpha_out_emission;
	uint64_t pend = 0;
	for (int i = 0; i < 3; i++)
		pend += l[i]->pending_server + l[i]->pending_validator + l[i]->pending_root +
			l[i]->pending_owner_cut;
	ok(r.root_sell == false, "sum of EMA prices 0.75: no root sell");
	uint64_t recycled_alpha = out0 + minted + b.protocol_alpha + a.protocol_alpha +
				  c.protocol_alpha -
				  (a.pool.alpha_out + b.pool.alpha_out + c.pool.alpha_out);
	ok(pend + recycled_alpha <= minted && minted - (pend + recycled_alpha) <= 9,
	   "alpha out = pending + recycled root alpha (within flooring)");
	ok(a.moving_price > dn_fx128_from_f64(0.3, 32) - 2 && a.root_prop > 0,
	   "prices updated after the coinbase");
}

/* The curve over the whole supply: never rising, always 1e9 >> k. */
static void test_curve_shape(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, prev = UINT64_MAX;
	int monotone = 1, shaped = 1;
	for (uint64_t i = 0; i < 4096; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift: test inputs only */
		uint64_t issuance = i * (21000000000000000ull / 4096) + x % 1000000000000ull;
		uint64_t e = dn_emission_block_emission(&P, issuance);
		monotone &= e <= prev;
		prev = e;
		int k = 0;
		while (k < 40 && (1000000000ull >> k) != e)
			k++;
		shaped &= k < 40;
	}
	ok(monotone, "block emission never rises with issuance");
	ok(shaped, "block emission is always floor(1e9 / 2^k)");
}

/* Blocks across the first halving: issuance-driven, and over all blocks
 * what was minted and kept is what the pools received. */
static void test_blocks_across_halving(void)
{
	struct dn_emission_subnet a, b, c;
	struct dn_emission_subnet *l[3] = {&a, &b, &c};
	subnet(&a, 1, 0, 0, 0, 1);
	subnet(&b, 2, 1, 1000 * TAO, 4000 * TAO, 0.25);
	subnet(&c, 3, 0, 0, 0, 1);
	struct dn_emission_state st = {.total_issuance = 10500000000000000ull - 1500000000ull};
	st.balances_issuance = st.total_issuance;
	uint64_t ti0 = st.total_issuance, tao0 = sum_tao(l, 3), kept = 0, credits[4];
	struct dn_emission_result r;
	int errs = 0;
	for (int i = 0; i < 4; i++) {
		errs += dn_emission_block_step(&P, &SP, &st, l, 3, 100 + (uint64_t)i, &toy, NULL,
					       NULL, &r) != 0;
		credits[i] = r.credit;
		kept += r.credit - r.recycled;
	}
	ok(errs == 0 && credits[0] == TAO && credits[1] == TAO && credits[2] == TAO / 2 &&
		   credits[3] == TAO / 2,
	   "1, 1, then 0.5 TAO per block once issuance reaches 10.5M: %llu %llu %llu %llu",
	   (unsigned long long)credits[0], (unsigned long long)credits[1],
	   (unsigned long long)credits[2], (unsigned long long)credits[3]);
	is_int(st.total_issuance - ti0, kept, "issuance grew by what the blocks kept");
	is_int(sum_tao(l, 3) - tao0, kept, "and the pools hold exactly that");
}

static void test_zero_and_none(void)
{
	struct dn_emission_subnet a, b;
	struct dn_emission_subnet *l[2] = {&a, &b};
	subnet(&a, 1, 1, TAO, TAO, 0);
	subnet(&b, 2, 1, TAO, TAO, 0);
	struct dn_emission_state st = {0};
	struct dn_emission_result r;
	ok(dn_emission_block_step(&P, &SP, &st, l, 2, 5, &toy, NULL, NULL, &r) == 0,
	   "zero-price block");
	ok(r.recycled == TAO && st.total_issuance == 0 && a.pool.alpha_in == TAO &&
		   b.pool.tao == TAO,
	   "zero EMA prices: the whole reward is recycled, issuance does not grow");
	ok(a.alpha_out_emission == TAO && a.pending_server == TAO / 2,
	   "zero-price subnets still mint their alpha");
	/* a tiny EMA after one block: alpha 3e-6 * 100/(100+201600) of price 1
	 * is below 2^-32, so the EMA stays 0 (spec 18.13) */
	is_int(a.moving_price, 0, "a new subnet's EMA stays exactly 0 at first");

	a.has_first_emission = b.has_first_emission = false;
	ok(dn_emission_block_step(&P, &SP, &st, l, 2, 6, &toy, NULL, NULL, &r) == 0 &&
		   r.emitting == 0 && r.recycled == TAO && a.alpha_out_emission == TAO,
	   "no emitting subnet: all recycled, no new alpha");
	ok(a.pending_server == TAO / 2, "and nothing new pending before start_call");
}

static void test_pending(void)
{
	struct dn_emission_params p = P;
	p.subnet_owner_cut = 65535 / 10;
	p.tao_weight = UINT64_MAX;
	struct dn_emission_subnet a;
	struct dn_emission_subnet *l[1] = {&a};
	subnet(&a, 1, 1, 1, 1, 2.0);
	a.pool.alpha_out = 2 * TAO;
	a.sched.tempo = 10000;
	struct dn_emission_state st = {.root_tao = TAO};
	struct dn_emission_result r;
	ok(dn_emission_run_coinbase(&p, &SP, &st, l, 1, 12, 0, &toy, NULL, NULL, &r) == 0 &&
		   r.root_sell,
	   "EMA 2: root sells");
	uint64_t cut = a.pending_owner_cut;
	is_int(cut, 99992370, "owner cut 6553/65535 of 1 alpha");
	uint64_t rest = TAO - cut;
	ok(a.pending_server == rest / 2 || a.pending_server + 1 == rest / 2,
	   "server: half of the rest");
	/* root proportion with the issuance after minting: 1e9/(1e9+3e9+1) */
	ok(a.pending_root + 2 >= rest / 8 && a.pending_root <= rest / 8,
	   "root alpha: root_prop (0.25) of the validators' half: %llu",
	   (unsigned long long)a.pending_root);
	ok(a.pending_validator + a.pending_root + 2 >= rest - a.pending_server &&
		   a.pending_validator + a.pending_root <= rest - a.pending_server,
	   "validator = half - root alpha: %llu", (unsigned long long)a.pending_validator);

	/* drain: tempo 10, LastEpochBlock 0; the block in which the epoch runs
	 * includes that block's emission */
	struct dn_emission_subnet b;
	struct dn_emission_subnet *m[1] = {&b};
	subnet(&b, 3, 0, TAO, TAO, 1);
	b.sched = (struct dn_schedule){.tempo = 10, .last_epoch_block = 0};
	struct dn_emission_drained d;
	uint64_t acc = 0;
	for (uint64_t blk = 1; blk <= 10; blk++) {
		ok(dn_emission_run_coinbase(&P, &SP, &st, m, 1, blk, 0, &toy, NULL, &d, &r) == 0,
		   "coinbase block %llu", (unsigned long long)blk);
		if (d.outcome != DN_SCHEDULE_RUN)
			acc = b.pending_server;
	}
	ok(d.outcome == DN_SCHEDULE_RUN && d.server == acc + TAO / 2 && b.pending_server == 0,
	   "drained at block 10 with block 10's emission, accumulators zeroed");
	is_int(d.server + d.validator + d.root + d.owner_cut, 10 * TAO,
	       "ten blocks of alpha drained (owner cut 0, root stake without weight)");
}

static void test_deferral_keeps_pending(void)
{
	struct dn_schedule_params sp = SP;
	sp.max_epochs_per_block = 1;
	struct dn_emission_subnet a, b;
	struct dn_emission_subnet *l[2] = {&a, &b};
	subnet(&a, 1, 0, TAO, TAO, 1);
	subnet(&b, 2, 0, TAO, TAO, 1);
	a.sched = b.sched = (struct dn_schedule){.tempo = 5, .last_epoch_block = 0};
	struct dn_emission_state st = {0};
	struct dn_emission_result r;
	struct dn_emission_drained d[2];
	dn_emission_run_coinbase(&P, &sp, &st, l, 2, 5, 0, &toy, NULL, d, &r);
	ok(d[0].outcome == DN_SCHEDULE_RUN && d[1].outcome == DN_SCHEDULE_DEFERRED &&
		   b.pending_server == TAO / 2 && b.sched.pending_epoch_at == 6,
	   "the cap defers subnet 2; its pending emission stays");
	dn_emission_run_coinbase(&P, &sp, &st, l, 2, 6, 0, &toy, NULL, d, &r);
	ok(d[0].outcome == DN_SCHEDULE_IDLE && d[1].outcome == DN_SCHEDULE_RUN &&
		   d[1].server == TAO,
	   "next block it runs with both blocks' emission");
}

static void test_ema(void)
{
	/* subtensor test_coinbase_moving_prices: alpha 0.1, 28 days after
	 * start_call, 14 updates from 0 at price 1 -> 0.512325 */
	struct dn_emission_params p = P;
	p.moving_alpha = dn_fx128_from_f64(0.1, 32);
	struct dn_emission_subnet a;
	subnet(&a, 1, 1, 1000000, 1000000, 0);
	for (int i = 0; i < 14; i++)
		dn_emission_update_moving_price(&p, &a, 7200 * 28, ONE64);
	double v = dn_fx128_to_double(a.moving_price, 32);
	ok(v > 0.512325 - 0.001 && v < 0.512325 + 0.001, "14 EMA updates: %.6f ~ 0.512325", v);
	struct dn_emission_subnet b;
	subnet(&b, 2, 1, 1000000, 1000000, 0);
	p.moving_alpha = (dn_i128)ONE96;
	dn_emission_update_moving_price(&p, &b, 7200000, 5 * ONE64);
	ok(b.moving_price <= (dn_i128)ONE96, "the spot price is capped at 1 before averaging");
	p.moving_alpha = (dn_i128)ONE96 / 2;
	b.first_emission_block = 500;
	b.moving_price = 0;
	dn_emission_update_moving_price(&p, &b, 510, ONE64);
	v = dn_fx128_to_double(b.moving_price, 32);
	ok(v > 2.72e-5 && v < 2.74e-5, "the ramp: alpha * 11 / (11 + 201600)");
}

static void test_einval(void)
{
	struct dn_emission_subnet a, b;
	struct dn_emission_subnet *l[2] = {&b, &a};
	subnet(&a, 1, 0, TAO, TAO, 1);
	subnet(&b, 2, 0, TAO, TAO, 1);
	struct dn_emission_state st = {.total_issuance = 5};
	struct dn_emission_result r;
	is_int(dn_emission_block_step(&P, &SP, &st, l, 2, 5, &toy, NULL, NULL, &r),
	       DN_EMISSION_EINVAL, "unsorted netuids are refused");
	ok(st.total_issuance == 5 && a.pool.alpha_out == 0, "and nothing changed");
	struct dn_emission_pool nopool = {0};
	struct dn_emission_subnet *m[1] = {&a};
	is_int(dn_emission_block_step(&P, &SP, &st, m, 1, 5, &nopool, NULL, NULL, &r),
	       DN_EMISSION_EINVAL, "a pool without functions is refused");
	a.netuid = 0;
	is_int(dn_emission_run_coinbase(&P, &SP, &st, m, 1, 5, 0, &toy, NULL, NULL, &r),
	       DN_EMISSION_EINVAL, "root is refused");
}

/* A refused injection keeps the TAO in the credit (recycled) and a failed
 * buy strands its TAO outside the pool, as the chain does. */
static void test_refusals(void)
{
	struct dn_emission_params p = P;
	p.tao_weight = UINT64_MAX;
	struct dn_emission_subnet a;
	struct dn_emission_subnet *l[1] = {&a};
	subnet(&a, 1, 1, 1000, TAO, 1);
	struct dn_emission_state st = {.root_tao = 1000000000 * TAO};
	struct dn_emission_result r;
	toy_ctx.refuse_adjust = true;
	toy_ctx.refuse_buy = true;
	dn_emission_run_coinbase(&p, &SP, &st, l, 1, 5, 1000000, &toy, NULL, NULL, &r);
	toy_ctx.refuse_adjust = toy_ctx.refuse_buy = false;
	ok(r.injected_tao == 0 && r.stranded > 0 && a.pool.alpha_in == TAO &&
		   r.credit == r.stranded + r.recycled,
	   "refused injection recycled, failed chain buy stranded");
}

int main(void)
{
	dn_emission_params_mock(&P);
	dn_schedule_params_mock(&SP);
	tap_plan(6 + 14 + 7 + 7 + 13 + 2 + 3 + 6 + 17 + 2 + 3 + 4 + 1);
	test_log2();
	test_halvings();
	test_mint();
	test_shares();
	test_conservation();
	test_curve_shape();
	test_blocks_across_halving();
	test_zero_and_none();
	test_pending();
	test_deferral_keeps_pending();
	test_ema();
	test_einval();
	test_refusals();
	return tap_done();
}
