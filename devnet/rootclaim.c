/*
 * Root dividends and their claim (subtensor staking/claim_root.rs).
 */
#include "devnet/rootclaim.h"

void dn_rootclaim_params_default(struct dn_rootclaim_params *p)
{
	p->threshold = 500000; /* lib.rs DefaultMinRootClaimAmount (RootClaimableThreshold) */
	p->num_root_claim = 5; /* lib.rs DefaultNumRootClaim */
}

/* subtensor root_claim_on_subnet: KeepSubnets { subnets } => swap unless listed. */
bool dn_rootclaim_swaps(enum dn_claim_type type, bool subnet_listed)
{
	switch (type) {
	case DN_CLAIM_KEEP: return false;
	case DN_CLAIM_KEEP_SUBNETS: return !subnet_listed;
	case DN_CLAIM_SWAP:
	default: return true;
	}
}

/* I96F32::saturating_from_num of an unsigned integer: values at or above
 * 2^95 clamp to I96F32::MAX. */
static dn_i128 i96_from_u128(dn_u128 v)
{
	if (v >> 95)
		return DN_I128_MAX;
	return (dn_i128)(v << 32);
}

/* subtensor increase_root_claimable_for_hotkey_and_subnet. */
dn_i128 dn_rootclaim_rate_increment(uint64_t amount, uint64_t root_stake, bool *fallback)
{
	/* "Unlikely to happen": the amount goes to the owner's stake */
	*fallback = amount > root_stake;
	if (*fallback)
		return 0;
	dn_i128 q;
	if (!dn_fx128_checked_div(i96_from_u128(amount), i96_from_u128(root_stake), 32, &q))
		q = 0;
	return q;
}

dn_i128 dn_rootclaim_rate_add(dn_i128 rate, dn_i128 increment)
{
	return dn_i128_sat_add(rate, increment);
}

/* subtensor get_root_claimable_for_hotkey_coldkey and
 * get_root_owed_for_hotkey_coldkey_float. */
dn_i128 dn_rootclaim_owed(dn_i128 rate, uint64_t root_stake, dn_u128 claimed)
{
	dn_i128 claimable = dn_fx128_sat_mul(rate, i96_from_u128(root_stake), 32);
	return dn_i128_sat_sub(claimable, i96_from_u128(claimed));
}

/* subtensor get_root_owed_for_hotkey_coldkey: negative -> 0,
 * saturating_to_num::<u64>() otherwise. */
uint64_t dn_rootclaim_owed_u64(dn_i128 owed)
{
	if (owed < 0)
		return 0;
	dn_i128 v = owed >> 32;
	return v > (dn_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* subtensor root_claim_on_subnet: below RootClaimableThreshold (unless
 * ignore_minimum_condition) or zero after flooring -> no-op. */
uint64_t dn_rootclaim_amount(dn_i128 owed, uint64_t threshold, bool force)
{
	if (!force && owed < i96_from_u128(threshold))
		return 0;
	return dn_rootclaim_owed_u64(owed);
}

dn_u128 dn_rootclaim_claimed(dn_u128 claimed, uint64_t amount)
{
	dn_u128 r = claimed + amount;
	return r < claimed ? DN_U128_MAX : r;
}

/* rate.saturating_mul(I96F32::from(amount)).saturating_to_num::<u128>() */
static dn_u128 rate_times(dn_i128 rate, uint64_t amount)
{
	dn_i128 p = dn_fx128_sat_mul(rate, (dn_i128)amount << 32, 32);
	return p < 0 ? 0 : (dn_u128)(p >> 32);
}

/* subtensor add_stake_adjust_root_claimed_for_hotkey_and_coldkey. */
dn_u128 dn_rootclaim_adjust_add(dn_u128 claimed, dn_i128 rate, uint64_t amount)
{
	dn_u128 d = rate_times(rate, amount);
	return claimed > DN_U128_MAX - d ? DN_U128_MAX : claimed + d;
}

/* subtensor remove_stake_adjust_root_claimed_for_hotkey_and_coldkey. */
dn_u128 dn_rootclaim_adjust_remove(dn_u128 claimed, dn_i128 rate, uint64_t amount)
{
	dn_u128 d = rate_times(rate, amount);
	return claimed > d ? claimed - d : 0;
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* subtensor staking/claim_root.rs block_hash_to_indices: the indices go
 * into a BTreeSet, so the result is distinct and ascending. */
size_t dn_rootclaim_indices(const uint8_t hash[32], uint64_t k, uint64_t n, uint64_t *out)
{
	size_t count = 0;
	uint64_t last = be64(hash);
	for (uint64_t i = 0; i < k; i++) {
		uint64_t step = be64(hash + (size_t)((i * 8) % 32));
		uint64_t sum = last > UINT64_MAX - step ? UINT64_MAX : last + step;
		uint64_t idx = n ? sum % n : 0;
		/* insert into the sorted set */
		size_t pos = 0;
		while (pos < count && out[pos] < idx)
			pos++;
		if (pos == count || out[pos] != idx) {
			for (size_t j = count; j > pos; j--)
				out[j] = out[j - 1];
			out[pos] = idx;
			count++;
		}
		last = idx;
	}
	return count;
}
