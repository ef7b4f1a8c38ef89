/*
 * Root dividends and their claim (subtensor staking/claim_root.rs).
 *
 * Root stakers do not receive their share of a subnet's root dividends at
 * the epoch: the distribution (devnet/distribution.h) raises a per-hotkey
 * rate, RootClaimable[hotkey][netuid], in alpha per rao of root stake.
 * What a (hotkey, coldkey) may claim is rate * its root stake minus what
 * it already claimed, RootClaimed[(netuid, hotkey, coldkey)]; adding or
 * removing root stake moves RootClaimed by rate * amount so that stake
 * never claims what was earned before it came. A claim either keeps the
 * alpha (stakes it on the subnet under the same hotkey) or swaps it for
 * TAO through the subnet's pool and adds the TAO to the root stake.
 * Each block a few staking coldkeys claim automatically, chosen from the
 * parent block hash.
 *
 * Pure functions on the values the chain stores; the caller owns the
 * maps and performs the stake changes and the swap (devnet/pool.h).
 * Rates are I96F32 bits (signed, 32 fractional bits); RootClaimed is an
 * unsigned 128-bit integer of alpha rao.
 */
#ifndef DN_ROOTCLAIM_H
#define DN_ROOTCLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

/* Chain-wide claim parameters. */
struct dn_rootclaim_params {
	uint64_t threshold; /* alpha rao (RootClaimableThreshold, per subnet on the chain) */
	uint64_t num_root_claim; /* coldkeys auto-claimed per block (NumRootClaim) */
};

/* lib.rs defaults: threshold 500 000 rao, 5 coldkeys per block. */
void dn_rootclaim_params_default(struct dn_rootclaim_params *p);

/* What a coldkey does with claimed alpha (RootClaimType; default Swap). */
enum dn_claim_type {
	DN_CLAIM_SWAP, /* sell for TAO, add the TAO to the root stake */
	DN_CLAIM_KEEP, /* stake the alpha on the subnet under the same hotkey */
	DN_CLAIM_KEEP_SUBNETS, /* keep on the listed subnets, swap elsewhere */
};

/* A coldkey that never chose (lib.rs DefaultRootClaimType). */
#define DN_CLAIM_DEFAULT DN_CLAIM_SWAP

/* KeepSubnets resolved for one subnet: true = swap. */
bool dn_rootclaim_swaps(enum dn_claim_type type, bool subnet_listed);

/* subtensor increase_root_claimable_for_hotkey_and_subnet: the rate
 * increment for `amount` alpha over the hotkey's total root stake,
 * I96F32(amount) / I96F32(root_stake) (0 if the stake is 0). If amount >
 * root_stake the chain stakes the amount to the hotkey's owner instead:
 * then *fallback is true and the increment 0. */
dn_i128 dn_rootclaim_rate_increment(uint64_t amount, uint64_t root_stake, bool *fallback);

/* RootClaimable += increment (I96F32 saturating_add). */
dn_i128 dn_rootclaim_rate_add(dn_i128 rate, dn_i128 increment);

/* subtensor get_root_owed_for_hotkey_coldkey_float: rate * root_stake(h, c)
 * - I96F32(claimed), saturating (may be negative). */
dn_i128 dn_rootclaim_owed(dn_i128 rate, uint64_t root_stake, dn_u128 claimed);

/* ... and get_root_owed_for_hotkey_coldkey: negative -> 0, else floored. */
uint64_t dn_rootclaim_owed_u64(dn_i128 owed);

/* subtensor root_claim_on_subnet's decision: the amount to claim, or 0 for
 * a no-op (owed below the threshold unless `force`, or owed rounding to
 * 0). On a non-zero claim the caller then: Keep -> stake the amount on
 * the subnet under (hotkey, coldkey); Swap -> sell it fee-free for TAO,
 * add the TAO to (hotkey, coldkey)'s root stake and to SubnetTAO[0],
 * SubnetAlphaOut[0], TotalStake, and call dn_rootclaim_adjust_add for the
 * TAO on every subnet of RootClaimable[hotkey]; in both cases
 * RootClaimed[(netuid, hotkey, coldkey)] += amount (dn_rootclaim_claimed). */
uint64_t dn_rootclaim_amount(dn_i128 owed, uint64_t threshold, bool force);

/* RootClaimed += amount (u128 saturating). */
dn_u128 dn_rootclaim_claimed(dn_u128 claimed, uint64_t amount);

/* subtensor add_stake_adjust_root_claimed_for_hotkey_and_coldkey (one
 * subnet): claimed + floor(rate * amount) (u128, saturating; a negative
 * product adds 0). Applied for every subnet of RootClaimable[hotkey] when
 * root stake is added (stake, swap claim, transfer in). */
dn_u128 dn_rootclaim_adjust_add(dn_u128 claimed, dn_i128 rate, uint64_t amount);

/* subtensor remove_stake_adjust_root_claimed_for_hotkey_and_coldkey (one
 * subnet): claimed - floor(rate * amount), saturating at 0. The chain
 * skips netuid 0 here. */
dn_u128 dn_rootclaim_adjust_remove(dn_u128 claimed, dn_i128 rate, uint64_t amount);

/* subtensor block_hash_to_indices: the coldkey indices auto-claimed in a
 * block, from the parent block hash (32 bytes). start = big-endian u64 of
 * hash[0..8]; for i < k: step = big-endian u64 of hash[8i mod 32 ..], idx =
 * (last + step, saturating) mod n (0 when n = 0), last = idx. Writes the
 * distinct indices, ascending, to out (room for min(k, n ? n : 1)
 * entries; k entries always suffice) and returns their count. */
size_t dn_rootclaim_indices(const uint8_t hash[32], uint64_t k, uint64_t n, uint64_t *out);

#endif
