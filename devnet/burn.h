/*
 * The neuron registration price of a subnet (its "burn").
 *
 * Registering a UID costs the subnet's current Burn in TAO. The price moves
 * two ways, as subtensor's subnets/registration.rs and utils/misc.rs move
 * it: every block (after block 1) it decays by a Q32 factor f with
 * f^half_life = 1/2, and every successful registration multiplies it at
 * once by BurnIncreaseMult (at least 1); both results are clamped to
 * [MinBurn, MaxBurn]. What the paid TAO buys (alpha bought through the pool
 * and destroyed) is the pool's business, not this module's.
 *
 * Pure integer arithmetic; no allocation.
 */
#ifndef DN_BURN_H
#define DN_BURN_H

#include <stdbool.h>
#include <stdint.h>

#include "devnet/fixed.h"

/* U64F64 bits of BurnIncreaseMult's default U64F64::from_num(1.26): the
 * binary64 literal 1.26 converted exactly. */
#define DN_BURN_MULT_1_26 (((dn_u64f64)1 << 64) | ((dn_u64f64)0x428f5c28f5c29 << 12))
#define DN_BURN_MULT_ONE ((dn_u64f64)1 << 64)

/* A subnet's burn hyperparameters. */
struct dn_burn_params {
	uint64_t min_burn; /* rao (MinBurn) */
	uint64_t max_burn; /* rao (MaxBurn) */
	uint16_t half_life; /* blocks (BurnHalfLife); 0 = no decay */
	dn_u64f64 increase_mult; /* U64F64 (BurnIncreaseMult); below 1 acts as 1 */
};

/* The values of a subnet created on the production runtime: MinBurn
 * 500 000 rao, MaxBurn 100 TAO (runtime/src/lib.rs SubtensorInitialMinBurn,
 * SubtensorInitialMaxBurn), half-life 360 blocks and multiplier 1.26
 * (pallets/subtensor/src/lib.rs DefaultBurnHalfLife, DefaultBurnIncreaseMult). */
void dn_burn_params_default(struct dn_burn_params *p);

/* A new subnet's starting price: 1 TAO (lib.rs DefaultNeuronBurnCost, set by
 * init_new_network). */
#define DN_BURN_INITIAL 1000000000ULL

/* A subnet's registration price state. */
struct dn_burn_state {
	uint64_t burn; /* rao (Burn) */
	uint16_t registrations_this_block; /* RegistrationsThisBlock */
	uint64_t recycled; /* rao (RAORecycledForRegistration): burns paid so far */
};

/* subtensor mul_by_q32: floor(value * factor / 2^32), clamped to u64. */
uint64_t dn_burn_mul_q32(uint64_t value, uint64_t factor_q32);

/* subtensor pow_q32: base^exp in Q32 by square-and-multiply, each product
 * through dn_burn_mul_q32 (so truncating and clamped). */
uint64_t dn_burn_pow_q32(uint64_t base_q32, uint16_t exp);

/* subtensor decay_factor_q32: the largest Q32 f in [0, 2^32) with
 * pow_q32(f, half_life) <= 2^31, by binary search; 2^32 (1.0) for
 * half_life 0. At most 32 steps of at most 32 multiplications. */
uint64_t dn_burn_decay_factor_q32(uint16_t half_life);

/* Clamp to [min, max] the chain's way: raise to min first, then lower to
 * max (so max wins when min > max). */
uint64_t dn_burn_clamp(const struct dn_burn_params *p, uint64_t burn);

/* subtensor update_registration_prices_for_networks, for one subnet at
 * block `block`: if half_life > 0 and block > 1, burn = mul_q32(burn, f);
 * then the clamp (applied every block, even without decay); and
 * RegistrationsThisBlock = 0. factor_q32 must be
 * dn_burn_decay_factor_q32(p->half_life) (callers cache it). */
void dn_burn_on_block(const struct dn_burn_params *p, uint64_t factor_q32, struct dn_burn_state *s,
		      uint64_t block);

/* subtensor bump_registration_price_after_registration: burn =
 * clamp(floor(U64F64(burn) * max(mult, 1))), saturating. The root subnet
 * (root = true) does not bump: its burn is returned unchanged. */
uint64_t dn_burn_bumped(const struct dn_burn_params *p, uint64_t burn, bool root);

/* The bookkeeping of one successful registration on subnet (do_register
 * steps 5, 10, 11): returns the price paid (the burn before the bump),
 * bumps the burn, counts the registration and adds the price to
 * `recycled` (saturating). The caller has checked that the coldkey can
 * pay and that a UID is available, and moves the TAO through the pool. */
uint64_t dn_burn_register(const struct dn_burn_params *p, struct dn_burn_state *s, bool root);

#endif
