/*
 * The subnet pool: see pool.h. U64F64 arithmetic follows substrate-fixed
 * (products floor, quotients truncate, safe_div gives 0 on a zero divisor
 * or overflow); powers come from devnet/bigpow.c.
 */
#include "devnet/pool.h"

#include <stddef.h>

#include "devnet/bigpow.h"
#include "devnet/u256.h"

/* ---- small helpers ----------------------------------------------------- */

#define U64_MAX UINT64_MAX
#define FX_ONE ((dn_u64f64)1 << 64)

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > U64_MAX - b ? U64_MAX : a + b; }
static uint64_t sat_sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? U64_MAX : r;
}
static dn_u128 sat_add128(dn_u128 a, dn_u128 b)
{
	return a > DN_U128_MAX - b ? DN_U128_MAX : a + b;
}
static dn_u128 sat_mul128(dn_u128 a, dn_u128 b)
{
	dn_u128 r;
	return __builtin_mul_overflow(a, b, &r) ? DN_U128_MAX : r;
}

/* U64F64::saturating_from_num(u64) */
static dn_u64f64 fx(uint64_t v) { return (dn_u64f64)v << 64; }
/* safe_div: checked_div, None -> 0 */
static dn_u64f64 fx_div(dn_u64f64 a, dn_u64f64 b)
{
	dn_u128 q;
	return dn_ufx128_checked_div(a, b, 64, &q) ? q : 0;
}
static dn_u64f64 fx_mul(dn_u64f64 a, dn_u64f64 b) { return dn_ufx128_sat_mul(a, b, 64); }
static dn_u64f64 fx_sub(dn_u64f64 a, dn_u64f64 b) { return a > b ? a - b : 0; }
static dn_u64f64 fx_add(dn_u64f64 a, dn_u64f64 b) { return sat_add128(a, b); }
/* saturating_to_num::<u64>: floor (a U64F64 integer part always fits) */
static uint64_t fx_u64(dn_u64f64 a) { return (uint64_t)(a >> 64); }

const char *dn_pool_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_POOL_EINVAL: return "invalid argument";
	case DN_POOL_ERESERVES: return "reserves too low (ReservesTooLow)";
	case DN_POOL_ELIMIT: return "price limit exceeded (PriceLimitExceeded)";
	case DN_POOL_EINPUT: return "swap input above 1000 x the input reserve (SwapInputTooLarge)";
	case DN_POOL_ELIQUIDITY: return "output above the reserve (InsufficientLiquidity)";
	case DN_POOL_EBALANCE: return "weights out of [0.01, 0.99] (ReservesOutOfBalance)";
	default: return "unknown pool error";
	}
}

/* ---- Perquintill ------------------------------------------------------- */

/* sp_arithmetic PerThing::from_rational -> from_rational_with_rounding(Down):
 * ACCURACY.multiply_rational(p, q), exact, error (q == 0, p > q) -> one() */
uint64_t dn_perquintill_from_rational(dn_u128 p, dn_u128 q)
{
	if (q == 0 || p > q)
		return DN_PERQUINTILL;
	return (uint64_t)dn_u256_div128(dn_u256_mul(p, DN_PERQUINTILL), q, NULL);
}

/* balancer.rs mul_perquintill_round: (value * parts + ACCURACY / 2) /
 * ACCURACY in U256, min(u128::MAX) */
dn_u128 dn_perquintill_mul_round(uint64_t parts, dn_u128 value)
{
	struct dn_u256 n = dn_u256_mul(value, parts);
	dn_u128 lo = n.lo + DN_PERQUINTILL / 2;
	n.hi += lo < n.lo;
	n.lo = lo;
	if (n.hi >= DN_PERQUINTILL)
		return DN_U128_MAX;
	return dn_u256_div128(n, DN_PERQUINTILL, NULL);
}

/* ---- balancer ---------------------------------------------------------- */

static uint64_t base_weight(uint64_t w_quote) { return sat_sub(DN_PERQUINTILL, w_quote); }

/* balancer.rs check_constraints */
bool dn_balancer_weight_ok(uint64_t w_quote)
{
	return base_weight(w_quote) >= DN_POOL_MIN_WEIGHT && w_quote >= DN_POOL_MIN_WEIGHT;
}

/* balancer.rs calculate_price: w1.safe_div(w2).saturating_mul(y.safe_div(x)) */
dn_u64f64 dn_balancer_price(uint64_t w_quote, uint64_t alpha, uint64_t tao)
{
	return fx_mul(fx_div(fx(base_weight(w_quote)), fx(w_quote)), fx_div(fx(tao), fx(alpha)));
}

/* balancer.rs exp_scaled: pow_ratio_scaled(x, x + dx, w1, w2, 256, 10^18)
 * (w2, w1 for quote_base), to_u64 or 0, / 10^18, min(1) when dx >= 0 */
dn_u64f64 dn_balancer_exp_scaled(uint64_t w_quote, uint64_t x, uint64_t dx, bool dx_negative,
				 bool base_quote)
{
	uint64_t xd = dx_negative ? sat_sub(x, dx) : sat_add(x, dx);
	if (xd == 0)
		return 0;
	uint64_t w1 = base_weight(w_quote), w2 = w_quote, r;
	if (dn_pow_ratio_scaled(x, xd, base_quote ? w1 : w2, base_quote ? w2 : w1, 256,
				DN_PERQUINTILL, &r) != DN_POW_OK)
		return 0;
	dn_u64f64 e = fx_div(fx(r), fx(DN_PERQUINTILL));
	if ((!dx_negative || dx == 0) && e > FX_ONE)
		e = FX_ONE;
	return e;
}

/* swap_step.rs convert_deltas (TAO in): alpha * (1 - exp_quote_base(tao, dy)) */
uint64_t dn_balancer_tao_to_alpha(uint64_t w_quote, uint64_t tao, uint64_t alpha, uint64_t dtao)
{
	dn_u64f64 e = dn_balancer_exp_scaled(w_quote, tao, dtao, false, false);
	return fx_u64(fx_mul(fx(alpha), fx_sub(FX_ONE, e)));
}

/* swap_step.rs convert_deltas (alpha in): tao * (1 - exp_base_quote(alpha, dx)) */
uint64_t dn_balancer_alpha_to_tao(uint64_t w_quote, uint64_t tao, uint64_t alpha, uint64_t dalpha)
{
	dn_u64f64 e = dn_balancer_exp_scaled(w_quote, alpha, dalpha, false, true);
	return fx_u64(fx_mul(fx(tao), fx_sub(FX_ONE, e)));
}

/* balancer.rs calculate_{quote,base}_delta_in: reserve * ((num / den)^(w /
 * ACCURACY) - 1), the power at precision 1024; a result above u64::MAX
 * saturates to u64::MAX / 10^18 (the limit-price quirk), a negative or
 * None one is 0 */
static uint64_t delta_in(uint64_t w, dn_u64f64 num, dn_u64f64 den, uint64_t reserve)
{
	uint64_t r = 0;
	dn_u64f64 e;
	switch (dn_pow_ratio_scaled(num, den, w, DN_PERQUINTILL, 1024, DN_PERQUINTILL, &r)) {
	case DN_POW_NONE: return 0;
	case DN_POW_OK: e = fx(r); break;
	case DN_POW_ABOVE: e = fx(U64_MAX); break;
	default: e = 0; break;
	}
	return fx_u64(fx_mul(fx(reserve), fx_sub(fx_div(e, fx(DN_PERQUINTILL)), FX_ONE)));
}

uint64_t dn_balancer_quote_delta_in(uint64_t w_quote, dn_u64f64 price, dn_u64f64 target,
				    uint64_t tao)
{
	return delta_in(base_weight(w_quote), target, price, tao);
}

uint64_t dn_balancer_base_delta_in(uint64_t w_quote, dn_u64f64 price, dn_u64f64 target,
				   uint64_t alpha)
{
	return delta_in(w_quote, price, target, alpha);
}

/* balancer.rs get_base_needed_for_quote: alpha * (exp_scaled(tao, -dy,
 * quote_base) - 1) */
uint64_t dn_balancer_base_needed_for_quote(uint64_t w_quote, uint64_t tao, uint64_t alpha,
					   uint64_t dtao)
{
	dn_u64f64 e = dn_balancer_exp_scaled(w_quote, tao, dtao, true, false);
	return fx_u64(fx_mul(fx(alpha), fx_sub(e, FX_ONE)));
}

/* balancer.rs update_weights_for_added_liquidity */
int dn_balancer_add_liquidity(uint64_t *w_quote, uint64_t tao, uint64_t alpha, uint64_t dtao,
			      uint64_t dalpha)
{
	if (!w_quote)
		return DN_POOL_EINVAL;
	dn_u128 new_tao = (dn_u128)tao + dtao, new_alpha = (dn_u128)alpha + dalpha;
	dn_u128 q1 = dn_perquintill_mul_round(base_weight(*w_quote), sat_mul128(tao, new_alpha));
	dn_u128 q2 = dn_perquintill_mul_round(*w_quote, sat_mul128(alpha, new_tao));
	dn_u128 sum = sat_add128(q1, q2);
	uint64_t w = sum ? dn_perquintill_from_rational(q2, sum) : DN_POOL_HALF_WEIGHT;
	/* set_quote_weight: rejected outside the bounds, weight kept */
	if (!dn_balancer_weight_ok(w))
		return DN_POOL_EBALANCE;
	*w_quote = w;
	return 0;
}

/* ---- the pool ---------------------------------------------------------- */

void dn_pool_init(struct dn_pool *p, bool dynamic, uint64_t tao, uint64_t alpha_in,
		  uint64_t min_reserve)
{
	p->tao = tao;
	p->alpha_in = alpha_in;
	p->alpha_out = 0;
	p->w_quote = DN_POOL_HALF_WEIGHT; /* SwapBalancer's default */
	p->fee_rate = DN_POOL_FEE_RATE;
	p->initialized = false;
	p->dynamic = dynamic;
	p->min_reserve = min_reserve;
}

/* impls.rs current_price: mechanism 1 -> balancer (0 without alpha), else 1 */
dn_u64f64 dn_pool_price(const struct dn_pool *p)
{
	if (!p->dynamic)
		return FX_ONE;
	if (p->alpha_in == 0)
		return 0;
	return dn_balancer_price(p->w_quote, p->alpha_in, p->tao);
}

/* impls.rs maybe_initialize_palswap */
int dn_pool_initialize(struct dn_pool *p, const dn_u64f64 *price)
{
	if (!p)
		return DN_POOL_EINVAL;
	if (p->initialized)
		return 0;
	uint64_t w = DN_POOL_HALF_WEIGHT;
	if (price) {
		/* w_quote = y / (p x + y), p x = int(p) * x + floor(x * frac(p)) */
		dn_u128 px_high = (dn_u128)fx_u64(*price) * p->alpha_in;
		dn_u128 px_low = fx_u64(fx_mul(fx(p->alpha_in), *price & (FX_ONE - 1)));
		dn_u128 sum = sat_add128(sat_add128(px_high, px_low), p->tao);
		if (sum == 0)
			return DN_POOL_EBALANCE;
		w = dn_perquintill_from_rational(p->tao, sum);
	}
	if (!dn_balancer_weight_ok(w))
		return DN_POOL_EBALANCE;
	p->w_quote = w;
	p->initialized = true;
	return 0;
}

/* migrations/migrate_swapv3_to_balancer.rs: price = sqrt^2 (saturating),
 * on failure insert Balancer::default() and mark initialised */
void dn_pool_migrate_v3(struct dn_pool *p, dn_u64f64 sqrt_price)
{
	dn_u64f64 price = fx_mul(sqrt_price, sqrt_price);
	if (dn_pool_initialize(p, &price) != 0) {
		p->w_quote = DN_POOL_HALF_WEIGHT;
		p->initialized = true;
	}
}

/* impls.rs calculate_fee_amount */
uint64_t dn_pool_fee(const struct dn_pool *p, uint64_t amount, bool drop_fees)
{
	if (drop_fees || !p->dynamic)
		return 0;
	dn_u64f64 rate = fx_div(fx(p->fee_rate), fx(UINT16_MAX));
	return fx_u64(fx_mul(fx(amount), rate));
}

/* impls.rs SwapEngine::swap: U64F64(limit) / 10^9 */
dn_u64f64 dn_pool_limit_from_rao(uint64_t rao) { return fx_div(fx(rao), fx(1000000000)); }

/* The reserve moves of subtensor swap_tao_for_alpha / swap_alpha_for_tao:
 * SwapResult::paid_{in,out}_reserve_delta_i64 clamp to the i64 range. */
static void apply(struct dn_pool *p, enum dn_order o, const struct dn_swap *s)
{
	const uint64_t i64max = (uint64_t)INT64_MAX, i64min_abs = (uint64_t)1 << 63;
	if (o == DN_BUY) {
		p->alpha_in =
			sat_sub(p->alpha_in, s->paid_out < i64min_abs ? s->paid_out : i64min_abs);
		p->alpha_out = sat_add(p->alpha_out, s->paid_out);
		p->tao = sat_add(p->tao, s->paid_in < i64max ? s->paid_in : i64max);
	} else {
		uint64_t din = s->paid_in < i64max ? s->paid_in : i64max;
		p->alpha_in = sat_add(p->alpha_in, din);
		p->alpha_out = sat_sub(p->alpha_out, din);
		p->tao = sat_sub(p->tao, s->paid_out < i64min_abs ? s->paid_out : i64min_abs);
	}
}

/* The fee of the limit path (swap_step.rs determine_action):
 * dy * (rate / (65535 - rate)) */
static uint64_t limit_fee(const struct dn_pool *p, uint64_t din, bool drop_fees)
{
	dn_u64f64 rate = drop_fees ? 0 : fx(p->fee_rate);
	return fx_u64(fx_mul(fx(din), fx_div(rate, fx_sub(fx(UINT16_MAX), rate))));
}

/* impls.rs do_swap (simulated) for a dynamic pool: the input cap, then
 * swap_inner (reserve check, lazy initialisation, limit check) and one
 * BasicSwapStep. *w is the weight the swap ran with. */
static int swap_dynamic(const struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
			bool drop_fees, struct dn_swap *s, uint64_t *w)
{
	bool buy = o == DN_BUY;
	uint64_t fee = dn_pool_fee(p, amount, drop_fees);
	uint64_t net = amount - fee;
	/* ensure_swap_input_within_reserve_limit */
	if (net > sat_mul(buy ? p->tao : p->alpha_in, DN_POOL_INPUT_CAP))
		return DN_POOL_EINPUT;
	/* swap_inner: the output reserve must reach MinimumReserve */
	if ((buy ? p->alpha_in : p->tao) < p->min_reserve)
		return DN_POOL_ERESERVES;
	/* maybe_initialize_palswap(None): 0.5 unless already initialised */
	*w = p->initialized ? p->w_quote : DN_POOL_HALF_WEIGHT;
	dn_u64f64 price = p->alpha_in ? dn_balancer_price(*w, p->alpha_in, p->tao) : 0;
	/* Order::is_beyond_price_limit */
	if (buy ? !(price < limit) : !(price > limit))
		return DN_POOL_ELIMIT;

	/* BasicSwapStep: price_target with the full amount, then either the
	 * full amount or the amount that reaches the limit (fee recomputed).
	 * The chain converts the chosen amount again; for the full amount
	 * that is the conversion already made (a pure function), reused. */
	uint64_t din, out;
	if (buy) {
		uint64_t dx = dn_balancer_tao_to_alpha(*w, p->tao, p->alpha_in, net);
		dn_u64f64 target =
			dn_balancer_price(*w, sat_sub(p->alpha_in, dx), sat_add(p->tao, net));
		if (target <= limit) {
			din = net;
		} else {
			din = dn_balancer_quote_delta_in(*w, price, limit, p->tao);
			fee = limit_fee(p, din, drop_fees);
		}
		out = din == net ? dx : dn_balancer_tao_to_alpha(*w, p->tao, p->alpha_in, din);
	} else {
		uint64_t dy = dn_balancer_alpha_to_tao(*w, p->tao, p->alpha_in, net);
		dn_u64f64 target =
			dn_balancer_price(*w, sat_add(p->alpha_in, net), sat_sub(p->tao, dy));
		if (target >= limit) {
			din = net;
		} else {
			din = dn_balancer_base_delta_in(*w, price, limit, p->alpha_in);
			fee = limit_fee(p, din, drop_fees);
		}
		out = din == net ? dy : dn_balancer_alpha_to_tao(*w, p->tao, p->alpha_in, din);
	}
	/* process_swap: something in, nothing out */
	if (din != 0 && out == 0)
		return DN_POOL_ERESERVES;
	s->paid_in = din;
	s->paid_out = out;
	s->fee = fee;
	s->fee_to_author = din != 0 ? fee : 0;
	s->refund = sat_sub(amount, sat_add(din, fee));
	return 0;
}

/* One swap, not applied: the result and the pool it would leave. */
static int swap_eval(const struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
		     bool drop_fees, struct dn_swap *s, struct dn_pool *after)
{
	if (!p || !s || (o != DN_BUY && o != DN_SELL) || p->fee_rate > DN_POOL_MAX_FEE_RATE)
		return DN_POOL_EINVAL;
	*after = *p;
	if (!p->dynamic) {
		/* swap_tao_for_alpha / swap_alpha_for_tao, stable branch: 1:1 */
		s->paid_in = s->paid_out = amount;
		s->fee = s->fee_to_author = s->refund = 0;
	} else {
		uint64_t w;
		int rc = swap_dynamic(p, o, amount, limit, drop_fees, s, &w);
		if (rc)
			return rc;
		after->w_quote = w;
		after->initialized = true;
	}
	apply(after, o, s);
	s->price_after = dn_pool_price(after);
	return 0;
}

int dn_pool_quote(const struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
		  bool drop_fees, struct dn_swap *out)
{
	struct dn_pool after;
	struct dn_swap s;
	int rc = swap_eval(p, o, amount, limit, drop_fees, &s, &after);
	if (rc == 0)
		*out = s;
	return rc;
}

/* impls.rs sim_swap: the order's default price limit, fees on */
int dn_pool_sim_swap(const struct dn_pool *p, enum dn_order o, uint64_t amount, struct dn_swap *out)
{
	uint64_t rao = o == DN_BUY ? DN_POOL_MAX_PRICE_RAO : DN_POOL_MIN_PRICE_RAO;
	return dn_pool_quote(p, o, amount, dn_pool_limit_from_rao(rao), false, out);
}

int dn_pool_swap(struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
		 bool drop_fees, struct dn_swap *out)
{
	struct dn_pool after;
	struct dn_swap s;
	int rc = swap_eval(p, o, amount, limit, drop_fees, &s, &after);
	if (rc)
		return rc;
	/* do_swap refuses an output above the reserve (InsufficientLiquidity).
	 * taodev also refuses an output equal to it: a pool emptied by one
	 * swap has no price left. The chain would let that through, but only
	 * at extreme weights with inputs far above the TAO supply
	 * (convert_deltas never gives more than the reserve), which no devnet
	 * can reach; the pool is left untouched either way. */
	if (p->dynamic && s.paid_out >= (o == DN_BUY ? p->alpha_in : p->tao) && s.paid_out > 0)
		return DN_POOL_ELIQUIDITY;
	*p = after;
	if (out)
		*out = s;
	return 0;
}

/* subtensor add_stake.rs get_max_amount_add */
int dn_pool_max_add(const struct dn_pool *p, uint64_t limit_rao, uint64_t *out)
{
	if (!p || !out)
		return DN_POOL_EINVAL;
	if (!p->dynamic) {
		*out = limit_rao >= 1000000000 ? U64_MAX : 0;
		return 0;
	}
	struct dn_swap s;
	int rc = dn_pool_quote(p, DN_BUY, sat_mul(p->tao, DN_POOL_INPUT_CAP),
			       dn_pool_limit_from_rao(limit_rao), false, &s);
	if (rc)
		return rc;
	*out = sat_add(s.paid_in, s.fee);
	return 0;
}

/* subtensor remove_stake.rs get_max_amount_remove */
int dn_pool_max_remove(const struct dn_pool *p, uint64_t limit_rao, uint64_t *out)
{
	if (!p || !out)
		return DN_POOL_EINVAL;
	if (!p->dynamic) {
		*out = limit_rao <= 1000000000 ? U64_MAX : 0;
		return 0;
	}
	struct dn_swap s;
	int rc = dn_pool_quote(p, DN_SELL, sat_mul(p->alpha_in, DN_POOL_INPUT_CAP),
			       dn_pool_limit_from_rao(limit_rao), false, &s);
	if (rc)
		return rc;
	*out = sat_add(s.paid_in, s.fee);
	return 0;
}

/* subtensor move_stake.rs get_max_amount_move */
int dn_pool_max_move(const struct dn_pool *from, const struct dn_pool *to, uint64_t limit_rao,
		     uint64_t *out)
{
	if (!from || !to || !out)
		return DN_POOL_EINVAL;
	const dn_u64f64 tao = fx(1000000000);
	if (!from->dynamic && !to->dynamic) {
		*out = limit_rao > 1000000000 ? 0 : U64_MAX;
		return 0;
	}
	if (!from->dynamic) {
		if (limit_rao == 0) {
			*out = U64_MAX;
			return 0;
		}
		/* the destination price is the inverse of the limit */
		uint64_t dest = fx_u64(fx_mul(fx_div(tao, fx(limit_rao)), tao));
		return dn_pool_max_add(to, dest, out);
	}
	if (!to->dynamic)
		return dn_pool_max_remove(from, limit_rao, out);

	uint64_t t1 = from->tao, t2 = to->tao, x1 = from->alpha_in, x2 = to->alpha_in;
	if (t1 == 0 || t2 == 0 || x1 == 0 || x2 == 0) {
		*out = 0;
		return 0;
	}
	dn_u64f64 limit = dn_pool_limit_from_rao(limit_rao);
	dn_u64f64 current = fx_div(dn_pool_price(from), dn_pool_price(to));
	if (limit > current) {
		*out = 0;
		return 0;
	}
	if (limit_rao == 0) {
		*out = U64_MAX;
		return 0;
	}
	dn_u64f64 sum = fx_add(fx(t2), fx(t1));
	dn_u64f64 t1_share = fx_div(fx(t1), sum), t2_share = fx_div(fx(t2), sum);
	*out = fx_u64(fx_sub(fx_div(fx_mul(fx(x2), t1_share), limit), fx_mul(fx(x1), t2_share)));
	return 0;
}

/* impls.rs adjust_protocol_liquidity (the weight half) */
int dn_pool_adjust_liquidity(struct dn_pool *p, uint64_t tao, uint64_t alpha)
{
	if (!p)
		return DN_POOL_EINVAL;
	return dn_balancer_add_liquidity(&p->w_quote, p->tao, p->alpha_in, tao, alpha);
}

int dn_pool_inject(struct dn_pool *p, uint64_t dtao, uint64_t dalpha)
{
	int rc = dn_pool_adjust_liquidity(p, dtao, dalpha);
	if (rc)
		return rc;
	/* run_coinbase inject_and_maybe_swap: SubnetAlphaIn and SubnetTAO grow */
	p->alpha_in = sat_add(p->alpha_in, dalpha);
	p->tao = sat_add(p->tao, dtao);
	return 0;
}

/* impls.rs get_alpha_amount_for_tao */
uint64_t dn_pool_alpha_for_tao(const struct dn_pool *p, uint64_t tao)
{
	if (!p->dynamic)
		return tao;
	return fx_u64(fx_div(fx(tao), dn_pool_price(p)));
}
