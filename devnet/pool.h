/*
 * A subnet's pool: the weighted ("balancer") AMM between TAO and the
 * subnet's alpha, as the chain runs it since January 2026 (subtensor
 * pallets/swap: balancer.rs, swap_step.rs, impls.rs; the reserve updates
 * and limit-price helpers in pallets/subtensor/src/staking).
 *
 * The reserves are y = TAO (SubnetTAO, the "quote") and x = alpha
 * (SubnetAlphaIn, the "base"); the pallet keeps one weight, the quote
 * weight w_q as a Perquintill (parts of 10^18), with w_b = 1 - w_q. The
 * price is (w_b / w_q) * (y / x) TAO per alpha in U64F64; with w_q = 0.5
 * the pool is constant product. A buy (TAO -> alpha) of net input dy gives
 * floor(x * (1 - (y / (y + dy))^(w_q / w_b))), a sell symmetrically; the
 * power is safe_bigmath's integer routine (devnet/bigpow.h), floored to
 * 10^-18, which is why the limit-price helpers saturate (spec dtao.md
 * section 11.4). Fees are taken from the input and go to the block author,
 * never to the pool.
 *
 * Everything is integer or U64F64 with the chain's truncation; nothing here
 * allocates beyond bigpow's scratch, and a failing call changes nothing.
 * Registration seeding (SubnetTAO and SubnetAlphaIn at the median price)
 * is devnet/registry.h's dn_pool_seed; this module starts from its reserves.
 */
#ifndef DN_POOL_H
#define DN_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "devnet/fixed.h"

/* ---- error codes ------------------------------------------------------- */
/* Each names the chain error it reproduces (pallet_subtensor_swap::Error). */

#define DN_POOL_EINVAL (-22) /* bad argument: NULL pointer, unknown order, fee rate > max */
#define DN_POOL_ERESERVES \
	(-101) /* ReservesTooLow: the output reserve is below the minimum
				    reserve (an empty pool included), or a non-zero input
				    would give zero output */
#define DN_POOL_ELIMIT \
	(-102) /* PriceLimitExceeded: the limit price is not beyond the current
				 price (buy: price < limit; sell: price > limit) */
#define DN_POOL_EINPUT \
	(-103) /* SwapInputTooLarge: input net of fee above 1000 x the input
				 reserve */
#define DN_POOL_ELIQUIDITY (-104) /* InsufficientLiquidity: output above the output reserve */
#define DN_POOL_EBALANCE \
	(-105) /* ReservesOutOfBalance: a weight would leave [0.01, 0.99], or
				   initialising from a price with both reserves zero */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_pool_strerror(int err);

/* ---- constants --------------------------------------------------------- */

#define DN_PERQUINTILL 1000000000000000000ull /* Perquintill ACCURACY: 1.0 */
#define DN_POOL_MIN_WEIGHT (DN_PERQUINTILL / 100) /* balancer.rs MIN_WEIGHT (0.01) */
#define DN_POOL_HALF_WEIGHT (DN_PERQUINTILL / 2) /* Balancer::default() quote weight */
#define DN_POOL_FEE_RATE 33 /* DefaultFeeRate, parts of 65535 (~0.05 %) */
#define DN_POOL_MAX_FEE_RATE 10000 /* runtime SwapMaxFeeRate */
#define DN_POOL_MIN_RESERVE 1000000ull /* runtime SwapMinimumReserve, rao (mock: 100) */
#define DN_POOL_MIN_PRICE_RAO 1000ull /* min_price_inner: sells' default limit, rao/alpha */
#define DN_POOL_MAX_PRICE_RAO 1000000000000000ull /* max_price_inner: buys' default limit */
#define DN_POOL_INPUT_CAP 1000ull /* MAX_SWAP_INPUT_RESERVE_MULTIPLIER */

/* ---- Perquintill (sp_arithmetic) --------------------------------------- */

/* Perquintill::from_rational(p, q) for u128 p, q: floor(10^18 * p / q),
 * exactly; q == 0 or p > q gives 1.0 (the crate's error -> one()). */
uint64_t dn_perquintill_from_rational(dn_u128 p, dn_u128 q);

/* balancer.rs mul_perquintill_round: round-half-up of value * parts /
 * 10^18 in 256-bit arithmetic, capped at u128::MAX. */
dn_u128 dn_perquintill_mul_round(uint64_t parts, dn_u128 value);

/* ---- balancer maths (pure; w_quote in Perquintill parts) --------------- */

/* Balancer::check_constraints: both weights >= 0.01. */
bool dn_balancer_weight_ok(uint64_t w_quote);

/* Balancer::calculate_price(x = alpha, y = tao): (w_b / w_q) * (y / x) in
 * U64F64, each division safe_div (0 on x == 0 or overflow), the product
 * saturating. */
dn_u64f64 dn_balancer_price(uint64_t w_quote, uint64_t alpha, uint64_t tao);

/* Balancer::exp_scaled: (x / (x +- dx))^e in U64F64, e = w_b / w_q when
 * base_quote, else w_q / w_b. x +- dx saturates at 0 and u64::MAX; a zero
 * denominator or a power that does not fit u64 once scaled by 10^18 gives
 * 0; for a non-negative dx the result is capped at 1. */
dn_u64f64 dn_balancer_exp_scaled(uint64_t w_quote, uint64_t x, uint64_t dx, bool dx_negative,
				 bool base_quote);

/* convert_deltas without fee: alpha out for dtao TAO in, floor(alpha * (1 -
 * exp_quote_base(tao, dtao))), and TAO out for dalpha alpha in. */
uint64_t dn_balancer_tao_to_alpha(uint64_t w_quote, uint64_t tao, uint64_t alpha, uint64_t dtao);
uint64_t dn_balancer_alpha_to_tao(uint64_t w_quote, uint64_t tao, uint64_t alpha, uint64_t dalpha);

/* calculate_quote_delta_in: TAO to add to move the price from `price` up
 * to `target`, floor(tao * ((target / price)^w_b - 1)), the power floored
 * to 10^-18 and saturated at (2^64 - 1) / 10^18 (the section 11.4 quirk);
 * 0 when target <= price or price == 0. calculate_base_delta_in: alpha to
 * add to move it down, floor(alpha * ((price / target)^w_q - 1)). */
uint64_t dn_balancer_quote_delta_in(uint64_t w_quote, dn_u64f64 price, dn_u64f64 target,
				    uint64_t tao);
uint64_t dn_balancer_base_delta_in(uint64_t w_quote, dn_u64f64 price, dn_u64f64 target,
				   uint64_t alpha);

/* get_base_needed_for_quote: alpha to sell for dtao TAO out,
 * floor(alpha * ((tao / (tao - dtao))^(w_q / w_b) - 1)), saturating. */
uint64_t dn_balancer_base_needed_for_quote(uint64_t w_quote, uint64_t tao, uint64_t alpha,
					   uint64_t dtao);

/* update_weights_for_added_liquidity: the quote weight that keeps the
 * price when dtao TAO and dalpha alpha join reserves tao and alpha:
 * q1 = round(w_b * tao * (alpha + dalpha)), q2 = round(w_q * alpha *
 * (tao + dtao)), w_q' = q2 / (q1 + q2) (0.5 when both are 0). Returns 0,
 * or DN_POOL_EBALANCE when w_q' leaves [0.01, 0.99] (*w_quote unchanged),
 * or DN_POOL_EINVAL (NULL). */
int dn_balancer_add_liquidity(uint64_t *w_quote, uint64_t tao, uint64_t alpha, uint64_t dtao,
			      uint64_t dalpha);

/* ---- a subnet's pool --------------------------------------------------- */

struct dn_pool {
	uint64_t tao; /* rao (SubnetTAO): the TAO reserve */
	uint64_t alpha_in; /* rao (SubnetAlphaIn): the alpha reserve */
	uint64_t alpha_out; /* rao (SubnetAlphaOut): alpha held outside the pool */
	uint64_t w_quote; /* Perquintill parts (SwapBalancer): the TAO weight */
	uint16_t fee_rate; /* parts of 65535 (FeeRate) */
	bool initialized; /* PalSwapInitialized: set by the first swap */
	bool dynamic; /* SubnetMechanism == 1; false: root or stable, price 1, swaps 1:1 */
	uint64_t min_reserve; /* rao (MinimumReserve): the output reserve a swap needs */
};

/* A pool as register_network leaves it: reserves from registry.h's seed,
 * no alpha outstanding, weight 0.5, default fee, not yet initialised (the
 * first swap initialises it, overwriting the weight with 0.5: spec section
 * 11.6). dynamic = false for root (netuid 0) and stable subnets. */
void dn_pool_init(struct dn_pool *p, bool dynamic, uint64_t tao, uint64_t alpha_in,
		  uint64_t min_reserve);

/* Pallet::current_price: the balancer price for a dynamic pool (0 when
 * the alpha reserve is 0), 1.0 otherwise. */
dn_u64f64 dn_pool_price(const struct dn_pool *p);

/* maybe_initialize_palswap: nothing when already initialised; otherwise
 * w_q = 0.5, or with a price w_q = y / (p * x + y) (p * x in two parts,
 * integer and fraction, as the chain does), and initialized = true.
 * Returns 0, DN_POOL_EBALANCE (both reserves 0 with a price, or a weight
 * outside [0.01, 0.99]: nothing changes) or DN_POOL_EINVAL. */
int dn_pool_initialize(struct dn_pool *p, const dn_u64f64 *price);

/* migrate_swapv3_to_balancer for one subnet: initialise from the v3 price
 * sqrt_price^2 and fall back to w_q = 0.5 (initialised) when that fails. */
void dn_pool_migrate_v3(struct dn_pool *p, dn_u64f64 sqrt_price);

/* calculate_fee_amount: floor(amount * (fee_rate / 65535)) in U64F64;
 * 0 with drop_fees or for a non-dynamic pool. */
uint64_t dn_pool_fee(const struct dn_pool *p, uint64_t amount, bool drop_fees);

/* A user's limit in rao per alpha as the swap reads it:
 * U64F64(rao) / 10^9. */
dn_u64f64 dn_pool_limit_from_rao(uint64_t rao);

enum dn_order {
	DN_BUY, /* GetAlphaForTao: TAO in, alpha out */
	DN_SELL, /* GetTaoForAlpha: alpha in, TAO out */
};

/* The outcome of one swap, in the chain's SwapResult terms. */
struct dn_swap {
	uint64_t paid_in; /* amount_paid_in: input that enters the pool, fee excluded */
	uint64_t paid_out; /* amount_paid_out */
	uint64_t fee; /* fee_paid, in the input token */
	uint64_t fee_to_author; /* fee_to_block_author: the fee, or 0 when nothing executed */
	uint64_t refund; /* amount - paid_in - fee: input left unused by the limit */
	dn_u64f64 price_after; /* the pool's price once the reserves have moved */
};

/* do_swap with simulate = true: the swap a dynamic pool would execute for
 * `amount` of input with `limit` (TAO per alpha) and the fee unless
 * drop_fees; nothing changes. A non-dynamic pool swaps 1:1 with no fee and
 * no checks (swap_tao_for_alpha's stable branch). Returns 0, or
 * DN_POOL_EINPUT, DN_POOL_ERESERVES, DN_POOL_ELIMIT, DN_POOL_EINVAL. The
 * limit path recomputes the fee as dy * rate / (65535 - rate), and a limit
 * far from the price saturates (section 11.4). */
int dn_pool_quote(const struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
		  bool drop_fees, struct dn_swap *out);

/* SwapHandler::sim_swap: dn_pool_quote with the order's default limit
 * (buy: 10^15 rao, sell: 1000 rao) and the fee. */
int dn_pool_sim_swap(const struct dn_pool *p, enum dn_order o, uint64_t amount,
		     struct dn_swap *out);

/* Executes the swap and moves the reserves as swap_tao_for_alpha /
 * swap_alpha_for_tao do: a buy adds paid_in to tao, takes paid_out from
 * alpha_in and adds it to alpha_out; a sell the reverse (each reserve delta
 * clamped to the i64 range first, every update saturating). The fee stays
 * out of the reserves: the caller pays it to the block author (for an
 * alpha fee, the chain sells it fee-free with drop_fees into this pool
 * first). Marks the pool initialised. Errors as dn_pool_quote, plus
 * DN_POOL_ELIQUIDITY; on error nothing changes. */
int dn_pool_swap(struct dn_pool *p, enum dn_order o, uint64_t amount, dn_u64f64 limit,
		 bool drop_fees, struct dn_swap *out);

/* get_max_amount_add: TAO (fee included) that a buy can spend before the
 * price reaches limit_rao, found by simulating a buy of 1000 x the TAO
 * reserve; root/stable pools: u64::MAX when limit_rao >= 10^9, else 0.
 * get_max_amount_remove: the same for a sell of 1000 x the alpha reserve;
 * root/stable: u64::MAX when limit_rao <= 10^9, else 0. Errors: those of
 * the simulated swap (DN_POOL_ELIMIT, DN_POOL_ERESERVES, ...) and
 * DN_POOL_EINVAL; *out is written only on success. */
int dn_pool_max_add(const struct dn_pool *p, uint64_t limit_rao, uint64_t *out);
int dn_pool_max_remove(const struct dn_pool *p, uint64_t limit_rao, uint64_t *out);

/* get_max_amount_move from `from` to `to` with limit_rao the price of
 * `from` in units of `to` (rao): both root/stable -> u64::MAX or 0 around
 * 1.0; stable -> dynamic -> dn_pool_max_add at 10^18 / limit; dynamic ->
 * stable -> dn_pool_max_remove; both dynamic -> the closed form
 * x2 * t1/(t1+t2) / L - x1 * t2/(t1+t2) in U64F64, 0 when a reserve is 0 or
 * the limit is above the current relative price, u64::MAX when it is 0. */
int dn_pool_max_move(const struct dn_pool *from, const struct dn_pool *to, uint64_t limit_rao,
		     uint64_t *out);

/* adjust_protocol_liquidity, weights only: dn_balancer_add_liquidity on
 * the current reserves. 0: the caller then adds tao and alpha to the
 * reserves (the coinbase may swap in between, with the new weight and the
 * old reserves); DN_POOL_EBALANCE: nothing may be injected, the weight is
 * unchanged. */
int dn_pool_adjust_liquidity(struct dn_pool *p, uint64_t tao, uint64_t alpha);

/* Price-neutral injection in one go: dn_pool_adjust_liquidity, then
 * tao += dtao and alpha_in += dalpha (saturating). On error nothing
 * changes. */
int dn_pool_inject(struct dn_pool *p, uint64_t dtao, uint64_t dalpha);

/* get_alpha_amount_for_tao: alpha worth `tao` at the current price, no
 * slippage (U64F64 tao / price, 0 at price 0); 1:1 for a non-dynamic pool. */
uint64_t dn_pool_alpha_for_tao(const struct dn_pool *p, uint64_t tao);

#endif
