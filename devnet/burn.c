/*
 * The neuron registration price: Q32 half-life decay, bump, clamps.
 */
#include "devnet/burn.h"

void dn_burn_params_default(struct dn_burn_params *p)
{
	p->min_burn = 500000; /* runtime SubtensorInitialMinBurn */
	p->max_burn = 100000000000ULL; /* runtime SubtensorInitialMaxBurn: 100 TAO */
	p->half_life = 360; /* lib.rs DefaultBurnHalfLife */
	p->increase_mult = DN_BURN_MULT_1_26; /* lib.rs DefaultBurnIncreaseMult */
}

/* subtensor utils/misc.rs mul_by_q32: u128 product, >> 32, min(u64::MAX). */
uint64_t dn_burn_mul_q32(uint64_t value, uint64_t factor_q32)
{
	dn_u128 shifted = ((dn_u128)value * factor_q32) >> 32;
	return shifted > UINT64_MAX ? UINT64_MAX : (uint64_t)shifted;
}

/* subtensor utils/misc.rs pow_q32: exponentiation by squaring in Q32. */
uint64_t dn_burn_pow_q32(uint64_t base_q32, uint16_t exp)
{
	uint64_t result = (uint64_t)1 << 32;
	uint64_t factor = base_q32;
	uint32_t power = exp;
	while (power > 0) {
		if (power & 1)
			result = dn_burn_mul_q32(result, factor);
		power >>= 1;
		if (power > 0)
			factor = dn_burn_mul_q32(factor, factor);
	}
	return result;
}

/* subtensor utils/misc.rs decay_factor_q32: binary search on [0, 2^32)
 * for the largest f whose half_life-th power stays <= 0.5. */
uint64_t dn_burn_decay_factor_q32(uint16_t half_life)
{
	if (half_life == 0)
		return (uint64_t)1 << 32;
	const uint64_t half = (uint64_t)1 << 31;
	uint64_t lo = 0, hi = (uint64_t)1 << 32;
	while (lo + 1 < hi) {
		uint64_t mid = lo + ((hi - lo) >> 1);
		if (dn_burn_pow_q32(mid, half_life) > half)
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

/* subtensor update_registration_prices_for_networks / bump_...: "Enforce
 * configured burn bounds", min first, then max. */
uint64_t dn_burn_clamp(const struct dn_burn_params *p, uint64_t burn)
{
	if (burn < p->min_burn)
		burn = p->min_burn;
	if (burn > p->max_burn)
		burn = p->max_burn;
	return burn;
}

/* subtensor subnets/registration.rs update_registration_prices_for_networks
 * (one subnet; the root-only interval reset is the scheduler's). */
void dn_burn_on_block(const struct dn_burn_params *p, uint64_t factor_q32, struct dn_burn_state *s,
		      uint64_t block)
{
	uint64_t burn = s->burn;
	if (p->half_life > 0 && block > 1)
		burn = dn_burn_mul_q32(burn, factor_q32);
	s->burn = dn_burn_clamp(p, burn);
	s->registrations_this_block = 0;
}

/* subtensor subnets/registration.rs bump_registration_price_after_registration:
 * U64F64(burn).saturating_mul(max(mult, 1)).saturating_to_num::<u64>(). */
uint64_t dn_burn_bumped(const struct dn_burn_params *p, uint64_t burn, bool root)
{
	if (root)
		return burn;
	dn_u64f64 mult = p->increase_mult < DN_BURN_MULT_ONE ? DN_BURN_MULT_ONE : p->increase_mult;
	dn_u128 prod = dn_ufx128_sat_mul((dn_u64f64)burn << 64, mult, 64) >> 64;
	uint64_t next = prod > UINT64_MAX ? UINT64_MAX : (uint64_t)prod;
	return dn_burn_clamp(p, next);
}

/* subtensor subnets/registration.rs do_register: pay get_burn, bump,
 * RegistrationsThisBlock += 1 (saturating), increase_rao_recycled. */
uint64_t dn_burn_register(const struct dn_burn_params *p, struct dn_burn_state *s, bool root)
{
	uint64_t paid = s->burn;
	s->burn = dn_burn_bumped(p, s->burn, root);
	if (s->registrations_this_block < UINT16_MAX)
		s->registrations_this_block++;
	s->recycled = s->recycled > UINT64_MAX - paid ? UINT64_MAX : s->recycled + paid;
	return paid;
}
