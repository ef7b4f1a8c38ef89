/*
 * The per-block emission economy: block emission and halving, the split of
 * the block's TAO across subnets, each subnet's pool injection and alpha
 * emission, the owner cut, the root share of alpha, the pending
 * accumulators an epoch drains, and the moving-price EMA the split reads.
 *
 * This is subtensor's coinbase (pallets/subtensor/src/coinbase/:
 * block_emission.rs, subnet_emissions.rs, run_coinbase.rs, tao.rs,
 * alpha.rs, block_step.rs; staking/stake_utils.rs update_moving_price),
 * bit for bit: the same substrate-fixed types (I96F32, U96F32, U64F64),
 * the same order of operations, the same truncations. A block is
 *
 *   credit = dn_emission_mint_block()          mint the block emission
 *   dn_emission_run_coinbase()                 split, inject, alpha out, pending,
 *                                              then the epoch schedule and drain
 *   (the caller distributes each drained subnet's pending emission)
 *   dn_emission_update_prices()                moving-price EMA and RootProp
 *
 * and dn_emission_block_step() does the three in order for a caller that
 * does not distribute (tests, vectors).
 *
 * Each subnet embeds its pool (devnet/pool.h struct dn_pool), the one and
 * only copy of its reserves: SubnetTAO, SubnetAlphaIn, SubnetAlphaOut and
 * the mechanism (dynamic or stable). The coinbase asks the pool, through
 * struct dn_emission_pool, for a dynamic subnet's price, for the
 * price-neutral re-weighting of a planned injection, and for a fee-free
 * buy of alpha with TAO; dn_emission_balancer is the real balancer pool,
 * tests may substitute their own. Injections and minted alpha are booked
 * here, on the embedded pool's reserves, as the chain's subtensor pallet
 * books them.
 *
 * No allocation, no globals, no I/O; state is caller-owned.
 */
#ifndef DN_EMISSION_H
#define DN_EMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"
#include "devnet/pool.h"
#include "devnet/schedule.h"

/* ---- error codes ------------------------------------------------------- */

#define DN_EMISSION_EINVAL (-22) /* bad argument: NULL, root or unsorted netuids, no pool */
#define DN_EMISSION_EDOM (-33) /* log2 of a value <= 0 */
#define DN_EMISSION_ERANGE (-34) /* a fixed-point step overflowed (the chain's Err) */

/* Static text for a code ("ok" for 0). */
const char *dn_emission_strerror(int err);

/* ---- parameters -------------------------------------------------------- */

/* Every constant of the coinbase. Production defaults from
 * dn_emission_params_default(); the chain's test mock differs in owner cut
 * and TaoWeight (dn_emission_params_mock()). */
struct dn_emission_params {
	uint64_t total_supply; /* rao: TotalSupply (lib.rs), 21e15; no block emission at or
				  above it */
	uint64_t half_supply; /* rao: block_emission.rs's literal 10.5e15; the curve is
				 log2(1 / (1 - I / (2 * half_supply))) */
	uint64_t default_block_emission; /* rao: DefaultBlockEmission (lib.rs), 1e9 */
	uint64_t max_tao_issuance; /* rao: MAX_TAO_ISSUANCE (tao.rs), 21e15: the mint cap */
	uint16_t subnet_owner_cut; /* fraction of 65535: SubnetOwnerCut, runtime 11 796 */
	uint64_t tao_weight; /* fraction of 2^64 - 1: TaoWeight, runtime 971 718 665 099 567 868 */
	dn_i96f32 moving_alpha; /* I96F32 bits: SubnetMovingAlpha (DefaultMovingAlpha
				   0.000003, nearest I96F32: 12 885) */
	uint64_t ema_price_halving_blocks; /* blocks: InitialEmaPriceHalvingPeriod 201 600, the
					      default EMAPriceHalvingBlocks of a new subnet */
};

/* Production runtime (spec dtao.md §16). */
void dn_emission_params_default(struct dn_emission_params *p);
/* The chain's test mock (tests/mock.rs): owner cut 0, TaoWeight 0. */
void dn_emission_params_mock(struct dn_emission_params *p);

/* ---- state ------------------------------------------------------------- */

/* Chain-wide counters the coinbase reads and writes. */
struct dn_emission_state {
	uint64_t total_issuance; /* rao: the subtensor pallet's TotalIssuance (halvings read
				    it; recycling lowers it) */
	uint64_t balances_issuance; /* rao: the balances pallet's total issuance (the mint
				       cap reads it) */
	uint64_t total_stake; /* rao: TotalStake */
	uint64_t root_tao; /* rao: SubnetTAO[root], the total root stake */
	uint64_t block_emission; /* rao: BlockEmission, the last value the emission
				    curve computed (display; see dn_emission_block_emission) */
};

/* One non-root subnet, as the coinbase sees it. */
struct dn_emission_subnet {
	uint16_t netuid;

	/* eligibility (get_subnets_to_emit_to) and flags */
	bool has_first_emission; /* FirstEmissionBlockNumber is Some (start_call done) */
	uint64_t first_emission_block; /* block (FirstEmissionBlockNumber) */
	bool subtoken_enabled; /* SubtokenEnabled */
	bool registration_allowed; /* NetworkRegistrationAllowed */
	bool emission_enabled; /* SubnetEmissionEnabled: TAO side of the emission */
	bool owner_cut_enabled; /* OwnerCutEnabled */

	/* The subnet's pool, the single owner of its reserves and supply:
	 * pool.tao (SubnetTAO), pool.alpha_in (SubnetAlphaIn), pool.alpha_out
	 * (SubnetAlphaOut, outstanding alpha), pool.dynamic (SubnetMechanism
	 * == 1; false: stable, price 1, EMA 1, swaps 1:1), weights, fee. */
	struct dn_pool pool;
	uint64_t protocol_alpha; /* rao: SubnetProtocolAlpha, alpha the chain bought */

	/* prices */
	dn_i96f32 moving_price; /* I96F32 bits: SubnetMovingPrice (EMA of min(price, 1)) */
	dn_u96f32 miner_burned; /* U96F32 bits: MinerBurned, share of the last epoch's
				   miner incentive withheld (0..1) */
	uint64_t ema_halving_blocks; /* blocks: EMAPriceHalvingBlocks */

	/* pending emission, alpha rao, drained by the subnet's epoch */
	uint64_t pending_server; /* PendingServerEmission */
	uint64_t pending_validator; /* PendingValidatorEmission */
	uint64_t pending_root; /* PendingRootAlphaDivs */
	uint64_t pending_owner_cut; /* PendingOwnerCut */

	/* per-block records, rao */
	uint64_t alpha_out_emission; /* SubnetAlphaOutEmission */
	uint64_t alpha_in_emission; /* SubnetAlphaInEmission */
	uint64_t tao_in_emission; /* SubnetTaoInEmission */
	uint64_t excess_tao; /* SubnetExcessTao: TAO of this block's chain buy */
	uint64_t alpha_recycled; /* root alpha recycled this block (no root sell); taodev's
				    record, the chain keeps none */
	dn_u96f32 root_prop; /* U96F32 bits: RootProp (informational) */

	struct dn_schedule sched; /* the epoch schedule */
};

/* A subnet as subtensor init_new_network leaves it: schedule with the
 * stagger, registration allowed, emission and owner cut enabled,
 * EMAPriceHalvingBlocks from p, an empty dynamic pool (dn_pool_init with
 * the runtime's MinimumReserve), no start_call yet (no first emission
 * block, subtoken disabled), everything else 0. The chain's
 * register_network then disables the TAO-side emission and seeds the
 * pool: that is the registry's business. */
void dn_emission_subnet_init(struct dn_emission_subnet *s, const struct dn_emission_params *p,
			     uint16_t netuid, uint16_t tempo, uint64_t now);

/* ---- the pool ---------------------------------------------------------- */

/* What the coinbase needs from the subnet AMM, on the subnet's embedded
 * pool (s->pool). dn_emission_balancer is the real thing (devnet/pool.h);
 * tests may pass a stand-in. */
struct dn_emission_pool {
	void *ctx;
	/* swap pallet current_alpha_price of a dynamic subnet (only called for
	 * a dynamic pool with s->pool.alpha_in > 0): U64F64 bits, (w_b / w_q) *
	 * (y / x). Changes nothing. */
	dn_u64f64 (*price)(void *ctx, const struct dn_emission_subnet *s);
	/* swap pallet adjust_protocol_liquidity, for every emitting subnet
	 * (stable ones too, as the chain does): re-weight the pool so that
	 * depositing (tao, alpha) on top of the current reserves keeps the
	 * price (update_weights_for_added_liquidity). true: accepted, the
	 * weights are updated (the reserves are not: the coinbase adds the
	 * deposit itself); false: the new weight would leave its bounds,
	 * nothing changes and nothing is injected. */
	bool (*adjust)(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t alpha);
	/* subtensor swap_tao_for_alpha on a dynamic subnet: buy alpha with
	 * `tao` TAO, no fee, no price limit (max_price, drop_fees = true), and
	 * move the reserves as it does (pool.tao += paid_in, pool.alpha_in -=
	 * paid_out, pool.alpha_out += paid_out). 0 and *paid_in (TAO entering
	 * the reserve), *paid_out (alpha leaving it); negative on failure,
	 * nothing changed. */
	int (*buy)(void *ctx, struct dn_emission_subnet *s, uint64_t tao, uint64_t *paid_in,
		   uint64_t *paid_out);
};

/* The subnet's own balancer pool: dn_pool_price, dn_pool_adjust_liquidity
 * and dn_pool_swap (DN_BUY at the maximum price, fees dropped) on s->pool.
 * ctx is unused. */
extern const struct dn_emission_pool dn_emission_balancer;

/* ---- block emission ---------------------------------------------------- */

/* substrate_fixed::transcendental::log2 on I96F32: the integer part by
 * halving with round-half-up, then 32 fraction bits by squaring.
 * DN_EMISSION_EDOM for x <= 0. */
int dn_emission_log2(dn_i96f32 x, dn_i96f32 *out);

/* subtensor get_block_emission_for_issuance: 0 at or above TotalSupply,
 * else floor(DefaultBlockEmission / 2^k), k = floor(log2(1 / (1 - I / (2 *
 * half_supply)))) in I96F32. Halves exactly when issuance reaches 10.5e15,
 * 15.75e15, 18.375e15, ... (truncation at 32 fraction bits included). Used
 * for TAO (TotalIssuance) and each subnet's alpha (alpha_in + alpha_out).
 * Returns 0, or DN_EMISSION_ERANGE when the chain's computation fails
 * (only with a half_supply below total_supply's half). */
int dn_emission_block_emission_checked(const struct dn_emission_params *p, uint64_t issuance,
				       uint64_t *out);

/* The same with the chain's unwrap_or(0). */
uint64_t dn_emission_block_emission(const struct dn_emission_params *p, uint64_t issuance);

/* subtensor mint_tao: mints min(amount, max_tao_issuance -
 * balances_issuance) (saturating), adds it to both issuance counters and
 * returns it: the credit the coinbase must spend. */
uint64_t dn_emission_mint(const struct dn_emission_params *p, struct dn_emission_state *st,
			  uint64_t amount);

/* subtensor get_block_emission: the block emission of TotalIssuance
 * (recorded in st->block_emission), minted if not 0; returns the credit. */
uint64_t dn_emission_mint_block(const struct dn_emission_params *p, struct dn_emission_state *st);

/* subtensor recycle_credit (unspent credit): both issuance counters fall
 * by amount (saturating). */
void dn_emission_recycle(struct dn_emission_state *st, uint64_t amount);

/* ---- subnets and shares ------------------------------------------------ */

/* subtensor get_subnets_to_emit_to, for one subnet: start_call done,
 * subtoken enabled, registration allowed (root is never passed in). */
bool dn_emission_is_emitting(const struct dn_emission_subnet *s);

/* subtensor get_moving_alpha_price: 1.0 for a stable subnet, else the
 * stored I96F32 EMA as U64F64 (negative -> 0). */
dn_u64f64 dn_emission_moving_price(const struct dn_emission_subnet *s);

/* swap current_alpha_price as the coinbase reads it: 1.0 for a stable
 * subnet, 0 for a dynamic one without alpha reserve, else pool->price. */
dn_u64f64 dn_emission_price(const struct dn_emission_pool *pool,
			    const struct dn_emission_subnet *s);

/* subtensor get_tao_weight: U96F32(TaoWeight) / U96F32(u64::MAX). */
dn_u96f32 dn_emission_tao_weight(const struct dn_emission_params *p);

/* subtensor root_proportion: tw*R / (tw*R + A) in U96F32, tw*R =
 * R * tao_weight, A = alpha_in + alpha_out; 0 if the quotient fails. */
dn_u96f32 dn_emission_root_proportion(const struct dn_emission_params *p,
				      const struct dn_emission_state *st,
				      const struct dn_emission_subnet *s);

/* subtensor get_shares over the emitting subnets em[0..n): EMA price
 * shares m_i / sum m (U64F64, 0 when the sum is 0), weighted by (1 -
 * min(MinerBurned, 1)) and renormalised, or unweighted when every weight is
 * 0. share has n entries. */
void dn_emission_shares(struct dn_emission_subnet *const *em, size_t n, dn_u64f64 *share);

/* subtensor get_subnet_block_emissions: T_i = block_emission * s_i (U64F64
 * product, floored to U96F32), where shares of emission-disabled subnets
 * are 0 and the others renormalised over the enabled ones when any is
 * disabled. out has n entries (U96F32 bits). */
void dn_emission_split(struct dn_emission_subnet *const *em, size_t n, dn_u96f32 block_emission,
		       dn_u96f32 *out);

/* subtensor get_network_root_sell_flag: sum of moving prices > 1. */
bool dn_emission_root_sell_flag(struct dn_emission_subnet *const *em, size_t n);

/* ---- per-subnet terms -------------------------------------------------- */

/* A subnet's terms for one block, U96F32 bits (get_subnet_terms). */
struct dn_emission_terms {
	dn_u96f32 tao_emission; /* T: the subnet's TAO share of the block */
	dn_u96f32 price; /* spot price, floored to U96F32 */
	dn_u96f32 root_prop; /* root proportion before injection */
	dn_u96f32 cap; /* injection cap root_prop * alpha emission */
	dn_u96f32 tao_in; /* TAO to inject */
	dn_u96f32 alpha_in; /* alpha to inject: T / price, capped */
	dn_u96f32 alpha_out; /* the alpha block emission (always minted in full) */
	dn_u96f32 excess; /* T - tao_in: TAO for a chain buy */
	uint64_t alpha_emission; /* rao: block emission of the subnet's alpha issuance */
};

/* subtensor get_subnet_terms for one subnet and its T (U96F32 bits);
 * records the alpha emission in st->block_emission as the chain does. */
void dn_emission_terms(const struct dn_emission_params *p, struct dn_emission_state *st,
		       const struct dn_emission_subnet *s, const struct dn_emission_pool *pool,
		       dn_u96f32 tao_emission, struct dn_emission_terms *t);

/* ---- the coinbase ------------------------------------------------------ */

/* What one coinbase did with the block's credit, rao. Conservation:
 * credit = injected_tao + bought_tao + stranded + recycled. */
struct dn_emission_result {
	uint64_t credit; /* TAO minted for this block */
	uint64_t injected_tao; /* added to pools by injection */
	uint64_t bought_tao; /* spent on chain buys (excess TAO), entered pools */
	uint64_t stranded; /* spent on a chain buy the pool refused: the chain leaves it in
			      the subnet account, outside SubnetTAO */
	uint64_t recycled; /* unspent, removed from TotalIssuance */
	bool root_sell; /* the root-sell flag of this block */
	size_t emitting; /* number of emitting subnets */
	uint32_t epochs_run; /* epochs that ran (drained) this block */
};

/* What a subnet's epoch drained this block (run_coinbase step 5). */
struct dn_emission_drained {
	enum dn_schedule_outcome outcome; /* DN_SCHEDULE_RUN: the four amounts are to be
					     distributed */
	uint64_t server, validator, root, owner_cut; /* alpha rao */
};

/* subtensor inject_and_maybe_swap, the body of its loop for one subnet
 * with terms t: pool->adjust for the planned deposit (floor of tao_in and
 * alpha_in), then a chain buy with floor(excess) TAO if the credit covers
 * it (no fee, no limit, against the reserves before the deposit; the
 * bought alpha becomes protocol alpha), then alpha_in and, if the credit
 * covers it, tao_in join the reserves. Spends from *credit and adds to
 * *res; the caller recycles what is left of the credit after the last
 * subnet (dn_emission_recycle). Sets the per-block records. */
void dn_emission_inject(struct dn_emission_state *st, struct dn_emission_subnet *s,
			const struct dn_emission_pool *pool, const struct dn_emission_terms *t,
			uint64_t *credit, struct dn_emission_result *res);

/* subtensor emit_to_subnets for the emitting subnets em[0..n) (ascending
 * netuid) with their TAO shares tao_emission[0..n) (U96F32 bits) and the
 * block's credit: all terms first, then inject_and_maybe_swap (pool
 * re-weighting, chain buy of the excess, alpha and TAO injection, the
 * unspent credit recycled), then per subnet: alpha out minted, owner cut,
 * root alpha (to PendingRootAlphaDivs if root_sell, else recycled), server
 * and validator halves to pending. Adds to *res (credit excluded).
 * DN_EMISSION_EINVAL (nothing changed) for NULL arguments, an unsorted list
 * or netuid 0. */
int dn_emission_emit_to_subnets(const struct dn_emission_params *p, struct dn_emission_state *st,
				struct dn_emission_subnet *const *em, size_t n,
				const dn_u96f32 *tao_emission, const struct dn_emission_pool *pool,
				bool root_sell, uint64_t credit, struct dn_emission_result *res);

/* subtensor run_coinbase, without the distribution: for the non-root
 * subnets s[0..n) (ascending netuid), select the emitting ones, split the
 * credit by EMA price, compute the root-sell flag, emit_to_subnets, then
 * drain_pending at `block`: every subnet's schedule ticks (sp), and a
 * subnet whose epoch runs has its four pending amounts moved to
 * drained[i] (drained has n entries, or is NULL to drop them;
 * consistent[i] is the chain's is_epoch_input_state_consistent, NULL = all
 * true). The caller then
 * distributes each drained subnet and sets its
 * sched.last_mechanism_step_block = block. *res is overwritten.
 * DN_EMISSION_EINVAL (nothing changed) as dn_emission_emit_to_subnets. */
int dn_emission_run_coinbase(const struct dn_emission_params *p,
			     const struct dn_schedule_params *sp, struct dn_emission_state *st,
			     struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			     uint64_t credit, const struct dn_emission_pool *pool,
			     const bool *consistent, struct dn_emission_drained *drained,
			     struct dn_emission_result *res);

/* subtensor drain_pending at `block` for the non-root subnets s[0..n)
 * (ascending netuid): each schedule ticks (dn_schedule_tick with
 * consistent[i], NULL = all true) and a subnet whose epoch runs has its
 * four pending amounts moved to drained[i] (drained: n entries, or NULL
 * to drop them). Returns the number of epochs run, or DN_EMISSION_EINVAL
 * (nothing changed) for NULL arguments or a bad list. */
int dn_emission_drain_pending(const struct dn_schedule_params *sp,
			      struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			      const bool *consistent, struct dn_emission_drained *drained);

/* subtensor update_moving_price for one subnet at `block`, with the spot
 * price `price` (U64F64 bits): b = block - (first emission block - 1), a =
 * moving_alpha * b / (b + halving) in U64F64, EMA = a * min(price, 1) +
 * (1 - a) * moving_price, stored as I96F32. */
void dn_emission_update_moving_price(const struct dn_emission_params *p,
				     struct dn_emission_subnet *s, uint64_t block, dn_u64f64 price);

/* subtensor block_step steps 5 and 6 for the emitting subnets among
 * s[0..n): update_moving_price with the pool's current price, then RootProp
 * = root_proportion. DN_EMISSION_EINVAL (nothing changed) for NULL
 * arguments. */
int dn_emission_update_prices(const struct dn_emission_params *p,
			      const struct dn_emission_state *st,
			      struct dn_emission_subnet *const *s, size_t n, uint64_t block,
			      const struct dn_emission_pool *pool);

/* The emission part of subtensor block_step at `block` for a caller that
 * does not distribute: mint the block emission, run the coinbase (drained
 * amounts go to drained[], which may be NULL to drop them), update the
 * prices. Errors as dn_emission_run_coinbase, checked before anything
 * changes. */
int dn_emission_block_step(const struct dn_emission_params *p, const struct dn_schedule_params *sp,
			   struct dn_emission_state *st, struct dn_emission_subnet *const *s,
			   size_t n, uint64_t block, const struct dn_emission_pool *pool,
			   const bool *consistent, struct dn_emission_drained *drained,
			   struct dn_emission_result *res);

#endif
