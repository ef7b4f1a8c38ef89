/*
 * The per-block emission economy (see emission.h): subtensor's coinbase in
 * the chain's own fixed point. Each function below names the chain
 * function it reproduces; the comments say where the chain's order of
 * operations or rounding is the point.
 */
#include "devnet/emission.h"

/* ---- fixed-point helpers (substrate-fixed semantics) ------------------- */

#define U96_ONE ((dn_u128)1 << 32) /* U96F32 / I96F32 1.0 */
#define U96_HALF ((dn_u128)1 << 31) /* U96F32::saturating_from_num(0.5), exact */
#define U64F64_ONE ((dn_u128)1 << 64) /* U64F64 1.0 */

static uint64_t sat_add64(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static uint64_t sat_sub64(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }

static dn_u128 usat_add(dn_u128 a, dn_u128 b)
{
	dn_u128 r;
	return __builtin_add_overflow(a, b, &r) ? DN_U128_MAX : r;
}

static dn_u128 usat_sub(dn_u128 a, dn_u128 b) { return a > b ? a - b : 0; }

/* U96F32::saturating_from_num(u64): exact. */
static dn_u96f32 u96_from_u64(uint64_t v) { return (dn_u128)v << 32; }

/* U96F32::saturating_to_num::<u64>(): floor, clamped to u64. */
static uint64_t u96_to_u64(dn_u96f32 x)
{
	x >>= 32;
	return x > UINT64_MAX ? UINT64_MAX : (uint64_t)x;
}

static dn_u96f32 u96_mul(dn_u96f32 a, dn_u96f32 b) { return dn_ufx128_sat_mul(a, b, 32); }

/* U96F32 checked_div / safe_div: 0 on division by zero or overflow. */
static dn_u96f32 u96_div0(dn_u96f32 a, dn_u96f32 b)
{
	dn_u128 q;
	return dn_ufx128_checked_div(a, b, 32, &q) ? q : 0;
}

static dn_u64f64 u64f64_mul(dn_u64f64 a, dn_u64f64 b) { return dn_ufx128_sat_mul(a, b, 64); }

/* U64F64 checked_div / safe_div: 0 on division by zero or overflow. */
static dn_u64f64 u64f64_div0(dn_u64f64 a, dn_u64f64 b)
{
	dn_u128 q;
	return dn_ufx128_checked_div(a, b, 64, &q) ? q : 0;
}

/* U64F64::saturating_from_num(U96F32): 32 more fraction bits, clamped. */
static dn_u64f64 u64f64_from_u96(dn_u96f32 x) { return x >> 96 ? DN_U128_MAX : x << 32; }

/* U96F32::saturating_from_num(U64F64): the extra fraction bits floored. */
static dn_u96f32 u96_from_u64f64(dn_u64f64 x) { return x >> 32; }

/* U64F64::saturating_from_num(I96F32): negative -> 0, clamped above. */
static dn_u64f64 u64f64_from_i96(dn_i96f32 x)
{
	if (x < 0)
		return 0;
	dn_u128 u = (dn_u128)x;
	return u >> 96 ? DN_U128_MAX : u << 32;
}

/* I96F32::saturating_from_num(U64F64): floored to 32 fraction bits; every
 * U64F64 fits. */
static dn_i96f32 i96_from_u64f64(dn_u64f64 x) { return (dn_i96f32)(x >> 32); }

/* ---- errors and parameters --------------------------------------------- */

const char *dn_emission_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_EMISSION_EINVAL: return "invalid argument";
	case DN_EMISSION_EDOM: return "logarithm of a value <= 0";
	case DN_EMISSION_ERANGE: return "fixed-point overflow (the chain's Err)";
	default: return "unknown error";
	}
}

/* subtensor lib.rs (TotalSupply, DefaultBlockEmission, DefaultMovingAlpha),
 * block_emission.rs (10.5e15), tao.rs (MAX_TAO_ISSUANCE), runtime/src/lib.rs
 * (SubtensorInitialSubnetOwnerCut 11 796, SubtensorInitialTaoWeight,
 * InitialEmaPriceHalvingPeriod 201 600). */
void dn_emission_params_default(struct dn_emission_params *p)
{
	p->total_supply = 21000000000000000ULL;
	p->half_supply = 10500000000000000ULL;
	p->default_block_emission = 1000000000ULL;
	p->max_tao_issuance = 21000000000000000ULL;
	p->subnet_owner_cut = 11796;
	p->tao_weight = 971718665099567868ULL;
	/* I96F32::saturating_from_num(0.000003): 0.000003 * 2^32 =
	 * 12884.901888 rounds to 12885 */
	p->moving_alpha = 12885;
	p->ema_price_halving_blocks = 201600;
}

/* subtensor tests/mock.rs: InitialSubnetOwnerCut 0, TaoWeight 0. */
void dn_emission_params_mock(struct dn_emission_params *p)
{
	dn_emission_params_default(p);
	p->subnet_owner_cut = 0;
	p->tao_weight = 0;
}

/* subtensor init_new_network (and the storage defaults it relies on). */
void dn_emission_subnet_init(struct dn_emission_subnet *s, const struct dn_emission_params *p,
			     uint16_t netuid, uint16_t tempo, uint64_t now)
{
	*s = (struct dn_emission_subnet){0};
	s->netuid = netuid;
	dn_pool_init(&s->pool, true, 0, 0, DN_POOL_MIN_RESERVE);
	s->registration_allowed = true;
	s->emission_enabled = true;
	s->owner_cut_enabled = true;
	s->ema_halving_blocks = p->ema_price_halving_blocks;
	dn_schedule_init(&s->sched, netuid, tempo, now);
}

/* ---- the balancer pool as the coinbase's pool -------------------------- */

static dn_u64f64 balancer_price(void *ctx, const struct dn_emission_subnet *s)
{
	(void)ctx;
	return dn_pool_price(&s->pool);
}

/* swap pallet adjust_protocol_liquidity: the weights only. */
static bool balancer_adjust(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t alpha)
{
	(void)ctx;
	return dn_pool_adjust_liquidity(&s->pool, tao, alpha) == 0;
}

/* subtensor swap_tao_for_alpha(netuid, tao, max_price, drop_fees = true). */
static int balancer_buy(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t *paid_in,
			uint64_t *paid_out)
{
	(void)ctx;
	struct dn_swap sw;
	int rc = dn_pool_swap(&s->pool, DN_BUY, tao, dn_pool_limit_from_rao(DN_POOL_MAX_PRICE_RAO),
			      true, &sw);
	if (rc)
		return rc;
	*paid_in = sw.paid_in;
	*paid_out = sw.paid_out;
	return 0;
}

const struct dn_emission_pool dn_emission_balancer = {NULL, balancer_price, balancer_adjust,
						      balancer_buy};

/* ---- block emission ---------------------------------------------------- */

/* substrate_fixed transcendental::log2_inner for I96F32, operand >= 1. The
 * result counts halvings in raw units first (one raw bit per halving), is
 * returned as an integer if the halvings land exactly on 1, else gains one
 * fraction bit per squaring. rs() halves rounding half up. */
static dn_i96f32 log2_inner(dn_i96f32 x)
{
	const dn_i96f32 one = (dn_i96f32)U96_ONE, two = one * 2;
	dn_i128 result = 0;
	while (x >= two) {
		result += 1;
		x = (x >> 1) + (x & 1);
	}
	if (x == one)
		return result * one; /* D::from_num(result): an integer */
	for (int i = 0; i < 32; i++) {
		x = (x * x) >> 32; /* x < 2, so x * x < 2^66: no overflow */
		result <<= 1;
		if (x >= two) {
			result |= 1;
			x = (x >> 1) + (x & 1);
		}
	}
	return result;
}

/* substrate_fixed transcendental::log2 (S = D = I96F32). */
int dn_emission_log2(dn_i96f32 x, dn_i96f32 *out)
{
	const dn_i96f32 one = (dn_i96f32)U96_ONE;
	if (x <= 0)
		return DN_EMISSION_EDOM;
	if (x < one) {
		dn_i128 inv;
		if (!dn_fx128_checked_div(one, x, 32, &inv))
			return DN_EMISSION_ERANGE;
		*out = -log2_inner(inv);
		return 0;
	}
	*out = log2_inner(x);
	return 0;
}

/* subtensor get_block_emission_for_issuance (block_emission.rs), every step
 * in I96F32 with the chain's checked / saturating variants. */
int dn_emission_block_emission_checked(const struct dn_emission_params *p, uint64_t issuance,
				       uint64_t *out)
{
	const dn_i96f32 one = (dn_i96f32)U96_ONE, two = one * 2;
	dn_i96f32 ti = (dn_i96f32)u96_from_u64(issuance);
	if (ti >= (dn_i96f32)u96_from_u64(p->total_supply)) {
		*out = 0;
		return 0;
	}
	/* 1 / (1 - I / (2.0 * 10_500_000_000_000_000.0)) */
	dn_i96f32 denom = dn_fx128_sat_mul(two, (dn_i96f32)u96_from_u64(p->half_supply), 32);
	dn_i96f32 q, d, r, residual;
	if (!dn_fx128_checked_div(ti, denom, 32, &q))
		return DN_EMISSION_ERANGE;
	if (__builtin_sub_overflow(one, q, &d))
		return DN_EMISSION_ERANGE;
	if (!dn_fx128_checked_div(one, d, 32, &r))
		return DN_EMISSION_ERANGE;
	if (dn_emission_log2(r, &residual) != 0)
		return DN_EMISSION_ERANGE;
	/* floor, then saturating_to_num::<u64> (negative -> 0) */
	dn_i128 k = residual >> 32;
	uint64_t kk = k < 0 ? 0 : k > (dn_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)k;
	/* multiplier = 2^k by repeated saturating doubling */
	dn_i96f32 mult = one;
	for (uint64_t i = 0; i < kk && mult != DN_I128_MAX; i++)
		mult = dn_fx128_sat_mul(mult, two, 32);
	dn_i96f32 pct;
	if (!dn_fx128_checked_div(one, mult, 32, &pct))
		pct = 0; /* safe_div */
	dn_i96f32 em =
		dn_fx128_sat_mul(pct, (dn_i96f32)u96_from_u64(p->default_block_emission), 32);
	*out = u96_to_u64(em < 0 ? 0 : (dn_u96f32)em);
	return 0;
}

uint64_t dn_emission_block_emission(const struct dn_emission_params *p, uint64_t issuance)
{
	uint64_t v;
	return dn_emission_block_emission_checked(p, issuance, &v) == 0 ? v : 0;
}

/* subtensor mint_tao (tao.rs): never past MAX_TAO_ISSUANCE of the balances
 * pallet's issuance. */
uint64_t dn_emission_mint(const struct dn_emission_params *p, struct dn_emission_state *st,
			  uint64_t amount)
{
	uint64_t room = sat_sub64(p->max_tao_issuance, st->balances_issuance);
	uint64_t minted = amount < room ? amount : room;
	st->total_issuance = sat_add64(st->total_issuance, minted);
	st->balances_issuance = sat_add64(st->balances_issuance, minted);
	return minted;
}

/* subtensor get_block_emission / calculate_block_emission: BlockEmission is
 * written whenever the curve is evaluated successfully. */
uint64_t dn_emission_mint_block(const struct dn_emission_params *p, struct dn_emission_state *st)
{
	uint64_t e;
	if (dn_emission_block_emission_checked(p, st->total_issuance, &e) != 0)
		return 0;
	st->block_emission = e;
	return e ? dn_emission_mint(p, st, e) : 0;
}

/* subtensor recycle_credit: the dropped credit also leaves the balances
 * pallet's issuance. */
void dn_emission_recycle(struct dn_emission_state *st, uint64_t amount)
{
	st->total_issuance = sat_sub64(st->total_issuance, amount);
	st->balances_issuance = sat_sub64(st->balances_issuance, amount);
}

/* ---- subnets, prices, shares ------------------------------------------- */

/* subtensor get_subnets_to_emit_to. */
bool dn_emission_is_emitting(const struct dn_emission_subnet *s)
{
	return s->netuid != 0 && s->has_first_emission && s->subtoken_enabled &&
	       s->registration_allowed;
}

/* subtensor get_moving_alpha_price. */
dn_u64f64 dn_emission_moving_price(const struct dn_emission_subnet *s)
{
	if (!s->pool.dynamic || s->netuid == 0)
		return U64F64_ONE;
	return u64f64_from_i96(s->moving_price);
}

/* swap pallet current_price: stable subnets 1, no alpha reserve 0. */
dn_u64f64 dn_emission_price(const struct dn_emission_pool *pool, const struct dn_emission_subnet *s)
{
	if (!s->pool.dynamic)
		return U64F64_ONE;
	if (s->pool.alpha_in == 0)
		return 0;
	return pool->price(pool->ctx, s);
}

/* subtensor get_tao_weight. */
dn_u96f32 dn_emission_tao_weight(const struct dn_emission_params *p)
{
	return u96_div0(u96_from_u64(p->tao_weight), u96_from_u64(UINT64_MAX));
}

/* subtensor root_proportion (block_step.rs). */
dn_u96f32 dn_emission_root_proportion(const struct dn_emission_params *p,
				      const struct dn_emission_state *st,
				      const struct dn_emission_subnet *s)
{
	dn_u96f32 issuance = u96_from_u64(sat_add64(s->pool.alpha_in, s->pool.alpha_out));
	dn_u96f32 tw = u96_mul(u96_from_u64(st->root_tao), dn_emission_tao_weight(p));
	return u96_div0(tw, usat_add(tw, issuance));
}

/* The sums get_shares and get_subnet_block_emissions need; each subnet's
 * share is then recomputed from its own state (subnet_share), which gives
 * the chain's values without per-subnet storage. */
struct split_totals {
	dn_u64f64 moving; /* sum of moving prices (get_shares_price_ema) */
	dn_u64f64 weight; /* sum of burn-weighted shares (get_shares) */
	dn_u64f64 enabled; /* sum of final shares of enabled subnets */
	bool has_disabled;
};

/* (1 - min(MinerBurned, 1)) as U64F64 (get_shares). */
static dn_u64f64 burn_factor(const struct dn_emission_subnet *s)
{
	dn_u64f64 burned = u64f64_from_u96(s->miner_burned);
	if (burned > U64F64_ONE)
		burned = U64F64_ONE;
	return usat_sub(U64F64_ONE, burned);
}

/* subtensor get_shares_price_ema for one subnet. */
static dn_u64f64 price_share(const struct split_totals *t, const struct dn_emission_subnet *s)
{
	return u64f64_div0(dn_emission_moving_price(s), t->moving);
}

/* subtensor get_shares for one subnet. */
static dn_u64f64 subnet_share(const struct split_totals *t, const struct dn_emission_subnet *s)
{
	dn_u64f64 ps = price_share(t, s);
	if (t->weight > 0)
		return u64f64_div0(u64f64_mul(ps, burn_factor(s)), t->weight);
	/* every weight 0: the unweighted price shares */
	return ps;
}

/* Totals over the subnets em[i] with (filter ? dn_emission_is_emitting : all). */
static void split_totals_of(struct dn_emission_subnet *const *em, size_t n, bool filter,
			    struct split_totals *t)
{
	*t = (struct split_totals){0};
	for (size_t i = 0; i < n; i++)
		if (!filter || dn_emission_is_emitting(em[i]))
			t->moving = usat_add(t->moving, dn_emission_moving_price(em[i]));
	for (size_t i = 0; i < n; i++)
		if (!filter || dn_emission_is_emitting(em[i]))
			t->weight = usat_add(t->weight,
					     u64f64_mul(price_share(t, em[i]), burn_factor(em[i])));
	for (size_t i = 0; i < n; i++) {
		if (filter && !dn_emission_is_emitting(em[i]))
			continue;
		if (em[i]->emission_enabled)
			t->enabled = usat_add(t->enabled, subnet_share(t, em[i]));
		else
			t->has_disabled = true;
	}
}

/* subtensor get_subnet_block_emissions for one subnet. */
static dn_u96f32 subnet_tao_emission(const struct split_totals *t,
				     const struct dn_emission_subnet *s, dn_u96f32 block_emission)
{
	dn_u64f64 share = subnet_share(t, s);
	if (t->has_disabled)
		share = s->emission_enabled && t->enabled > 0 ? u64f64_div0(share, t->enabled) : 0;
	dn_u64f64 e = u64f64_mul(u64f64_from_u96(block_emission), share);
	return u96_from_u64f64(e);
}

void dn_emission_shares(struct dn_emission_subnet *const *em, size_t n, dn_u64f64 *share)
{
	struct split_totals t;
	split_totals_of(em, n, false, &t);
	for (size_t i = 0; i < n; i++)
		share[i] = subnet_share(&t, em[i]);
}

void dn_emission_split(struct dn_emission_subnet *const *em, size_t n, dn_u96f32 block_emission,
		       dn_u96f32 *out)
{
	struct split_totals t;
	split_totals_of(em, n, false, &t);
	for (size_t i = 0; i < n; i++)
		out[i] = subnet_tao_emission(&t, em[i], block_emission);
}

/* subtensor get_network_root_sell_flag: strictly above 1. */
static bool root_sell_of(struct dn_emission_subnet *const *em, size_t n, bool filter)
{
	dn_u64f64 sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!filter || dn_emission_is_emitting(em[i]))
			sum = usat_add(sum, dn_emission_moving_price(em[i]));
	return sum > U64F64_ONE;
}

bool dn_emission_root_sell_flag(struct dn_emission_subnet *const *em, size_t n)
{
	return root_sell_of(em, n, false);
}

/* ---- terms, injection, alpha out --------------------------------------- */

/* subtensor get_subnet_terms, for one subnet. */
void dn_emission_terms(const struct dn_emission_params *p, struct dn_emission_state *st,
		       const struct dn_emission_subnet *s, const struct dn_emission_pool *pool,
		       dn_u96f32 tao_emission, struct dn_emission_terms *t)
{
	uint64_t issuance = sat_add64(s->pool.alpha_in, s->pool.alpha_out);
	uint64_t alpha_em = 0;
	if (dn_emission_block_emission_checked(p, issuance, &alpha_em) == 0)
		st->block_emission = alpha_em; /* the chain writes BlockEmission here too */
	else
		alpha_em = 0;
	t->alpha_emission = alpha_em;
	t->tao_emission = tao_emission;
	t->alpha_out = u96_from_u64(alpha_em);
	t->price = u96_from_u64f64(dn_emission_price(pool, s));
	t->tao_in = tao_emission;
	t->alpha_in = u96_div0(tao_emission, t->price); /* safe_div_or(price, 0) */
	/* injection cap: root_proportion * alpha emission */
	t->root_prop = dn_emission_root_proportion(p, st, s);
	t->cap = u96_mul(t->root_prop, t->alpha_out);
	if (t->alpha_in > t->cap) {
		t->alpha_in = t->cap;
		t->tao_in = u96_mul(t->alpha_in, t->price);
	}
	t->excess = usat_sub(tao_emission, t->tao_in);
}

/* subtensor swap_tao_for_alpha(netuid, tao, max_price, drop_fees = true):
 * dynamic subnets buy through the pool, which moves the reserves; stable
 * ones swap 1:1, booked here. TotalStake grows by the requested TAO. */
static bool chain_buy(struct dn_emission_state *st, struct dn_emission_subnet *s,
		      const struct dn_emission_pool *pool, uint64_t tao, uint64_t *paid_in,
		      uint64_t *paid_out)
{
	if (s->pool.dynamic) {
		if (pool->buy(pool->ctx, s, tao, paid_in, paid_out) != 0)
			return false;
	} else {
		*paid_in = tao;
		*paid_out = tao;
		s->pool.alpha_in = sat_sub64(s->pool.alpha_in, *paid_out);
		s->pool.alpha_out = sat_add64(s->pool.alpha_out, *paid_out);
		s->pool.tao = sat_add64(s->pool.tao, *paid_in);
	}
	st->total_stake = sat_add64(st->total_stake, tao);
	return true;
}

/* subtensor inject_and_maybe_swap, the body of its loop for one subnet.
 * The pool is re-weighted for the planned deposit with the reserves before
 * the chain buy; the buy then trades against those reserves; the deposit
 * lands last. */
void dn_emission_inject(struct dn_emission_state *st, struct dn_emission_subnet *s,
			const struct dn_emission_pool *pool, const struct dn_emission_terms *t,
			uint64_t *credit, struct dn_emission_result *res)
{
	uint64_t tao_in = u96_to_u64(t->tao_in);
	uint64_t alpha_in = u96_to_u64(t->alpha_in);
	uint64_t swap = u96_to_u64(t->excess);

	bool accepted = pool->adjust(pool->ctx, s, tao_in, alpha_in);
	uint64_t act_tao = accepted ? tao_in : 0, act_alpha = accepted ? alpha_in : 0;

	s->excess_tao = 0;
	s->tao_in_emission = 0;

	if (swap > 0 && *credit >= swap) { /* spend_tao refuses to overspend */
		*credit -= swap;
		uint64_t in, out;
		if (chain_buy(st, s, pool, swap, &in, &out)) {
			s->protocol_alpha = sat_add64(s->protocol_alpha, out);
			s->excess_tao = in;
			res->bought_tao = sat_add64(res->bought_tao, swap);
		} else {
			/* the TAO already sits in the subnet account */
			res->stranded = sat_add64(res->stranded, swap);
		}
	}

	s->alpha_in_emission = act_alpha;
	s->pool.alpha_in = sat_add64(s->pool.alpha_in, act_alpha);

	if (act_tao != 0 && *credit >= act_tao) {
		*credit -= act_tao;
		s->tao_in_emission = act_tao;
		s->pool.tao = sat_add64(s->pool.tao, act_tao);
		st->total_stake = sat_add64(st->total_stake, act_tao);
		res->injected_tao = sat_add64(res->injected_tao, act_tao);
	}
}

/* subtensor emit_to_subnets, step 3, for one subnet: alpha out minted in
 * full, owner cut, root alpha with the root proportion of the updated
 * issuance, server and validator halves. */
static void emit_alpha(const struct dn_emission_params *p, const struct dn_emission_state *st,
		       struct dn_emission_subnet *s, const struct dn_emission_terms *t,
		       bool root_sell)
{
	dn_u96f32 alpha_out = t->alpha_out;
	uint64_t created = u96_to_u64(alpha_out);
	s->alpha_out_emission = created;
	s->alpha_recycled = 0;
	s->pool.alpha_out = sat_add64(s->pool.alpha_out, created);

	if (s->owner_cut_enabled) {
		/* get_float_subnet_owner_cut: U96F32(cut) / U96F32(65535) */
		dn_u96f32 pct = u96_div0(u96_from_u64(p->subnet_owner_cut), u96_from_u64(65535));
		dn_u96f32 cut = u96_mul(alpha_out, pct);
		alpha_out = usat_sub(alpha_out, cut);
		s->pending_owner_cut = sat_add64(s->pending_owner_cut, u96_to_u64(cut));
	}

	/* recomputed: this block's alpha in and out are now in the issuance */
	dn_u96f32 rp = dn_emission_root_proportion(p, st, s);
	dn_u96f32 root_alpha = u96_mul(u96_mul(rp, alpha_out), U96_HALF);
	dn_u96f32 server = u96_mul(alpha_out, U96_HALF);
	dn_u96f32 validator = usat_sub(usat_sub(alpha_out, server), root_alpha);

	s->pending_server = sat_add64(s->pending_server, u96_to_u64(server));
	s->pending_validator = sat_add64(s->pending_validator, u96_to_u64(validator));
	if (root_sell) {
		s->pending_root = sat_add64(s->pending_root, u96_to_u64(root_alpha));
	} else { /* recycle_subnet_alpha: validators do not get it back */
		uint64_t r = u96_to_u64(root_alpha);
		s->alpha_recycled = r < s->pool.alpha_out ? r : s->pool.alpha_out;
		s->pool.alpha_out = sat_sub64(s->pool.alpha_out, r);
	}
}

static bool pool_ok(const struct dn_emission_pool *pool)
{
	return pool && pool->price && pool->adjust && pool->buy;
}

/* A list the coinbase accepts: non-NULL, no root, strictly ascending. */
static bool list_ok(struct dn_emission_subnet *const *s, size_t n)
{
	if (n > 0 && !s)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!s[i] || s[i]->netuid == 0)
			return false;
		if (i > 0 && s[i - 1]->netuid >= s[i]->netuid)
			return false;
	}
	return true;
}

/* The three passes of emit_to_subnets (terms, inject, alpha) touch only
 * their own subnet, the credit and TotalStake, so running them subnet by
 * subnet in netuid order gives the chain's results, credit included. */
static void emit_one(const struct dn_emission_params *p, struct dn_emission_state *st,
		     struct dn_emission_subnet *s, const struct dn_emission_pool *pool,
		     dn_u96f32 tao_emission, bool root_sell, uint64_t *credit,
		     struct dn_emission_result *res)
{
	struct dn_emission_terms t;
	dn_emission_terms(p, st, s, pool, tao_emission, &t);
	dn_emission_inject(st, s, pool, &t, credit, res);
	emit_alpha(p, st, s, &t, root_sell);
}

/* The end of inject_and_maybe_swap: what is left of the credit. */
static void recycle_rest(struct dn_emission_state *st, uint64_t credit,
			 struct dn_emission_result *res)
{
	if (credit) {
		dn_emission_recycle(st, credit);
		res->recycled = sat_add64(res->recycled, credit);
	}
}

int dn_emission_emit_to_subnets(const struct dn_emission_params *p, struct dn_emission_state *st,
				struct dn_emission_subnet *const *em, size_t n,
				const dn_u96f32 *tao_emission, const struct dn_emission_pool *pool,
				bool root_sell, uint64_t credit, struct dn_emission_result *res)
{
	if (!p || !st || !res || !pool_ok(pool) || !list_ok(em, n) || (n > 0 && !tao_emission))
		return DN_EMISSION_EINVAL;
	for (size_t i = 0; i < n; i++)
		emit_one(p, st, em[i], pool, tao_emission[i], root_sell, &credit, res);
	recycle_rest(st, credit, res);
	return 0;
}

/* subtensor drain_pending (run_coinbase.rs). */
int dn_emission_drain_pending(const struct dn_schedule_params *sp,
			      struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			      const bool *consistent, struct dn_emission_drained *drained)
{
	if (!sp || !list_ok(s, n))
		return DN_EMISSION_EINVAL;
	uint32_t run = 0;
	for (size_t i = 0; i < n; i++) {
		struct dn_emission_subnet *x = s[i];
		bool ok = !consistent || consistent[i];
		enum dn_schedule_outcome o = dn_schedule_tick(sp, &x->sched, block, ok, &run);
		struct dn_emission_drained d = {.outcome = o};
		if (o == DN_SCHEDULE_RUN) {
			d.server = x->pending_server;
			d.validator = x->pending_validator;
			d.root = x->pending_root;
			d.owner_cut = x->pending_owner_cut;
			x->pending_server = x->pending_validator = 0;
			x->pending_root = x->pending_owner_cut = 0;
		}
		if (drained)
			drained[i] = d;
	}
	return (int)run;
}

/* subtensor run_coinbase: steps 1-5 (the distribution of step 6 is the
 * caller's). */
int dn_emission_run_coinbase(const struct dn_emission_params *p,
			     const struct dn_schedule_params *sp, struct dn_emission_state *st,
			     struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			     uint64_t credit, const struct dn_emission_pool *pool,
			     const bool *consistent, struct dn_emission_drained *drained,
			     struct dn_emission_result *res)
{
	if (!p || !sp || !st || !res || !pool_ok(pool) || !list_ok(s, n))
		return DN_EMISSION_EINVAL;
	*res = (struct dn_emission_result){.credit = credit};

	/* shares and the root-sell flag from the EMA prices before this block */
	struct split_totals t;
	split_totals_of(s, n, true, &t);
	res->root_sell = root_sell_of(s, n, true);
	dn_u96f32 block_emission = u96_from_u64(credit);

	for (size_t i = 0; i < n; i++) {
		if (!dn_emission_is_emitting(s[i]))
			continue;
		res->emitting++;
		dn_u96f32 tao_emission = subnet_tao_emission(&t, s[i], block_emission);
		emit_one(p, st, s[i], pool, tao_emission, res->root_sell, &credit, res);
	}
	recycle_rest(st, credit, res);

	/* drain_pending: every non-root subnet, emitting or not */
	res->epochs_run = (uint32_t)dn_emission_drain_pending(sp, s, n, block, consistent, drained);
	return 0;
}

/* subtensor update_moving_price (staking/stake_utils.rs). */
void dn_emission_update_moving_price(const struct dn_emission_params *p,
				     struct dn_emission_subnet *s, uint64_t block, dn_u64f64 price)
{
	/* the block of start_call: FirstEmissionBlockNumber - 1 (None -> 0) */
	uint64_t start = sat_sub64(s->has_first_emission ? s->first_emission_block : 0, 1);
	dn_u64f64 b = (dn_u128)sat_sub64(block, start) << 64;
	dn_u64f64 h = (dn_u128)s->ema_halving_blocks << 64;
	dn_u64f64 ma = u64f64_from_i96(p->moving_alpha);
	dn_u64f64 alpha = u64f64_mul(ma, u64f64_div0(b, usat_add(b, h)));
	dn_u64f64 one_minus = usat_sub(U64F64_ONE, alpha);
	dn_u64f64 capped = price < U64F64_ONE ? price : U64F64_ONE;
	dn_u64f64 cur = u64f64_mul(alpha, capped);
	dn_u64f64 moving = u64f64_mul(one_minus, dn_emission_moving_price(s));
	s->moving_price = i96_from_u64f64(usat_add(cur, moving));
}

/* subtensor update_moving_prices and update_root_prop (block_step.rs). */
int dn_emission_update_prices(const struct dn_emission_params *p,
			      const struct dn_emission_state *st,
			      struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			      const struct dn_emission_pool *pool)
{
	if (!p || !st || !pool_ok(pool) || !list_ok(s, n))
		return DN_EMISSION_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (dn_emission_is_emitting(s[i]))
			dn_emission_update_moving_price(p, s[i], block,
							dn_emission_price(pool, s[i]));
	for (size_t i = 0; i < n; i++)
		if (dn_emission_is_emitting(s[i]))
			s[i]->root_prop = dn_emission_root_proportion(p, st, s[i]);
	return 0;
}

/* subtensor block_step, steps 2, 4 (without distribution), 5 and 6. */
int dn_emission_block_step(const struct dn_emission_params *p, const struct dn_schedule_params *sp,
			   struct dn_emission_state *st, struct dn_emission_subnet *const *s,
			   size_t n, uint64_t block, const struct dn_emission_pool *pool,
			   const bool *consistent, struct dn_emission_drained *drained,
			   struct dn_emission_result *res)
{
	if (!p || !sp || !st || !res || !pool_ok(pool) || !list_ok(s, n))
		return DN_EMISSION_EINVAL;
	uint64_t credit = dn_emission_mint_block(p, st);
	int err = dn_emission_run_coinbase(p, sp, st, s, n, block, credit, pool, consistent,
					   drained, res);
	if (err == 0)
		err = dn_emission_update_prices(p, st, s, n, block, pool);
	return err;
}
