/*
 * Stake: who owns which hotkey, how a hotkey's stake on each subnet is
 * shared between the coldkeys that nominate it, and what root stakers may
 * claim of the root dividends.
 *
 * This is the storage of subtensor's staking pallet parts (lib.rs Owner,
 * OwnedHotkeys, Delegates, StakingHotkeys, TotalHotkeyAlpha,
 * TotalHotkeySharesV2, AlphaV2, RootClaimable, RootClaimed, RootClaimType,
 * StakingColdkeysByIndex) with the chain's update rules
 * (staking/stake_utils.rs, staking/claim_root.rs). Each (hotkey, netuid)
 * is a share pool (devnet/sharepool.h); netuid 0 is root, whose stake is
 * TAO. Nothing here moves TAO or touches a subnet's reserves: the chain
 * (devnet/chain.c) pairs every stake change with its pool side.
 *
 * Accounts are the chain's account indices (uint32_t). Iteration is
 * deterministic: pools ascend by hotkey index within a netuid, holders by
 * coldkey index within a pool, claim rates by netuid, the other lists keep
 * the chain's insertion order. Storage grows on demand and aborts on
 * out-of-memory; no globals, no I/O.
 */
#ifndef DN_STAKE_H
#define DN_STAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"
#include "devnet/rootclaim.h"
#include "devnet/sharepool.h"

#define DN_STAKE_NONE UINT32_MAX /* no account */

#define DN_STAKE_EINVAL (-22) /* bad argument: NONE account, NULL */
#define DN_STAKE_EOWNER (-120) /* the hotkey belongs to another coldkey (NonAssociatedColdKey) */
#define DN_STAKE_ESTAKE (-110) /* withdrawal above the holder's stake (the chain ignores it) */
#define DN_STAKE_ERANGE (-34) /* an amount above i64::MAX (the chain's `as i64` would wrap) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_stake_strerror(int err);

/* One coldkey's shares in a pool. */
struct dn_stake_holder {
	uint32_t coldkey;
	struct dn_safefloat share; /* AlphaV2[(hotkey, coldkey, netuid)] */
};

/* One (hotkey, netuid) share pool. */
struct dn_stake_pool {
	uint32_t hotkey;
	struct dn_sharepool sp; /* sp.value: TotalHotkeyAlpha, rao (alpha; TAO on root) */
	uint32_t nholders, cap;
	struct dn_stake_holder *holders; /* ascending coldkey; no zero share */
};

/* Every pool of one netuid. */
struct dn_stake_net {
	size_t n, cap;
	struct dn_stake_pool *pools; /* ascending hotkey */
	uint64_t total; /* rao: the sum of the pools' values, kept as they change */
	uint64_t gen; /* not state: dn_stake.gen when last changed (devnet/stateroot.h) */
};

/* RootClaimable[hotkey][netuid]: root dividends per rao of root stake. */
struct dn_stake_rate {
	uint16_t netuid;
	dn_i128 rate; /* I96F32 bits */
};

/* What the stake storage keeps per account. */
struct dn_stake_account {
	/* as a hotkey */
	uint32_t owner; /* Owner: the coldkey, DN_STAKE_NONE = not a hotkey */
	uint16_t take; /* Delegates: delegate take, fraction of 65535 */
	uint32_t nrates, caprates;
	struct dn_stake_rate *rates; /* RootClaimable[hotkey], ascending netuid */
	/* as a coldkey */
	uint32_t nowned, capowned;
	uint32_t *owned; /* OwnedHotkeys, association order */
	uint32_t nstaking, capstaking;
	uint32_t *staking; /* StakingHotkeys: hotkeys it ever staked to, first-stake order */
	enum dn_claim_type claim_type; /* RootClaimType (KeepSubnets not stored yet) */
	uint32_t claim_index; /* its index in StakingColdkeysByIndex, NONE = not indexed */
	uint64_t gen; /* not state: dn_stake.gen when last changed (devnet/stateroot.h) */
};

/* RootClaimed[(netuid, hotkey, coldkey)]. */
struct dn_stake_claimed {
	uint32_t hotkey, coldkey;
	uint16_t netuid;
	dn_u128 claimed; /* alpha rao */
};

struct dn_stake {
	uint16_t default_take; /* DefaultDelegateTake: a hotkey's take until it sets one */
	size_t naccounts, capaccounts;
	struct dn_stake_account *acct; /* [naccounts]; grows to any index used */
	size_t nnets;
	struct dn_stake_net *nets; /* [nnets], indexed by netuid */
	size_t nclaimed, capclaimed;
	struct dn_stake_claimed *claimed; /* ascending (hotkey, coldkey, netuid) */
	size_t nclaimers, capclaimers;
	uint32_t *claimers; /* StakingColdkeysByIndex: coldkeys with root stake */
	/* not state: a change counter, bumped by every change and copied into
	 * what changed (accounts, nets; claims_gen for claimed and claimers),
	 * so that the state root rehashes only that */
	uint64_t gen, claims_gen;
	/* not state: per bucket of DN_STAKE_GEN_BUCKET accounts, the gen of
	 * its last changed account (the state root reads these, not every
	 * account's) */
	uint64_t *bucket_gen;
	size_t nbucket_gen;
};

#define DN_STAKE_GEN_BUCKET 256 /* accounts per bucket_gen entry */

/* Empty storage; default_take is the runtime's DefaultDelegateTake
 * (11 796). dn_stake_release frees everything (the struct can be
 * initialised again). */
void dn_stake_init(struct dn_stake *st, uint16_t default_take);
void dn_stake_release(struct dn_stake *st);

/* Make room for accounts 0 .. n-1 (new ones are not hotkeys, take the
 * default take, Swap claims). */
void dn_stake_reserve_accounts(struct dn_stake *st, size_t n);

/* ---- hotkeys ----------------------------------------------------------- */

/* subtensor create_account_if_non_existent: Owner[hotkey] = coldkey and
 * the hotkey joins OwnedHotkeys[coldkey]; nothing if it is already the
 * coldkey's. DN_STAKE_EOWNER if another coldkey owns it. */
int dn_stake_associate(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey);

/* Owner[hotkey], DN_STAKE_NONE when the hotkey has none. */
uint32_t dn_stake_owner(const struct dn_stake *st, uint32_t hotkey);

/* subtensor get_hotkey_take (Delegates, default DefaultDelegateTake) and
 * its setter (the range checks are the extrinsic's). */
uint16_t dn_stake_take(const struct dn_stake *st, uint32_t hotkey);
void dn_stake_set_take(struct dn_stake *st, uint32_t hotkey, uint16_t take);

/* ---- share pools ------------------------------------------------------- */

/* The pools of a netuid (NULL when none was ever used). */
const struct dn_stake_net *dn_stake_net(const struct dn_stake *st, uint16_t netuid);

/* The pool (hotkey, netuid), NULL when absent. */
const struct dn_stake_pool *dn_stake_pool(const struct dn_stake *st, uint32_t hotkey,
					  uint16_t netuid);

/* subtensor get_stake_for_hotkey_on_subnet: TotalHotkeyAlpha, rao. */
uint64_t dn_stake_hotkey(const struct dn_stake *st, uint32_t hotkey, uint16_t netuid);

/* subtensor get_stake_for_hotkey_and_coldkey_on_subnet: the coldkey's
 * value in the pool, value * share / denominator truncated. */
uint64_t dn_stake_of(const struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid);

/* The sum of every pool's value on a netuid (alpha rao; TAO on root). */
uint64_t dn_stake_net_total(const struct dn_stake *st, uint16_t netuid);

/* subtensor increase_stake_for_hotkey_and_coldkey_on_subnet: the coldkey
 * buys shares for `amount` (share pool update_value_for_one) and, for a
 * non-zero amount, the hotkey joins StakingHotkeys[coldkey]. Returns 0,
 * DN_STAKE_ERANGE or DN_STAKE_EINVAL (nothing changes). */
int dn_stake_deposit(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid,
		     uint64_t amount);

/* subtensor decrease_stake_for_hotkey_and_coldkey_on_subnet: sells the
 * coldkey's shares for `amount` when its value is at least that.
 * DN_STAKE_ESTAKE otherwise (the chain silently does nothing), or
 * DN_STAKE_ERANGE / DN_STAKE_EINVAL; on error nothing changes. A holder
 * left with a zero share is removed, as the chain removes zero entries. */
int dn_stake_withdraw(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid,
		      uint64_t amount);

/* subtensor increase_stake_for_hotkey_on_subnet: the pool's value grows
 * by `amount` (update_value_for_all), every holder gains pro rata. */
int dn_stake_add_all(struct dn_stake *st, uint32_t hotkey, uint16_t netuid, uint64_t amount);

/* ---- root claims ------------------------------------------------------- */

/* RootClaimable[hotkey][netuid]: true and *rate, or false (then *rate 0). */
bool dn_stake_rate(const struct dn_stake *st, uint32_t hotkey, uint16_t netuid, dn_i128 *rate);

/* The hotkey's claimable rates, ascending netuid (*n entries). */
const struct dn_stake_rate *dn_stake_rates(const struct dn_stake *st, uint32_t hotkey, size_t *n);

/* subtensor increase_root_claimable_for_hotkey_and_subnet, the storage
 * half: RootClaimable[hotkey][netuid] += increment (saturating). */
void dn_stake_rate_add(struct dn_stake *st, uint32_t hotkey, uint16_t netuid, dn_i128 increment);

/* RootClaimed[(netuid, hotkey, coldkey)] (0 when absent) and its setter. */
dn_u128 dn_stake_claimed(const struct dn_stake *st, uint16_t netuid, uint32_t hotkey,
			 uint32_t coldkey);
void dn_stake_set_claimed(struct dn_stake *st, uint16_t netuid, uint32_t hotkey, uint32_t coldkey,
			  dn_u128 claimed);

/* subtensor add_stake_adjust_root_claimed_for_hotkey_and_coldkey: after
 * `amount` TAO of root stake joins (hotkey, coldkey), RootClaimed grows by
 * rate * amount on every subnet the hotkey has a rate for, so the new stake
 * claims nothing earned before it came. */
void dn_stake_root_added(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint64_t amount);

/* subtensor remove_stake_adjust_root_claimed_for_hotkey_and_coldkey (root
 * netuid skipped, as the chain does). */
void dn_stake_root_removed(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint64_t amount);

/* RootClaimType of a coldkey and its setter. */
enum dn_claim_type dn_stake_claim_type(const struct dn_stake *st, uint32_t coldkey);
void dn_stake_set_claim_type(struct dn_stake *st, uint32_t coldkey, enum dn_claim_type type);

/* subtensor maybe_add_coldkey_index / maybe_remove_coldkey_index: the
 * staking-coldkey index the auto-claim draws from (removal moves the last
 * entry into the freed slot). */
void dn_stake_claimer_add(struct dn_stake *st, uint32_t coldkey);
void dn_stake_claimer_remove(struct dn_stake *st, uint32_t coldkey);

/* subtensor coldkey_has_root_stake: any StakingHotkeys entry with root
 * stake for the coldkey. */
bool dn_stake_has_root(const struct dn_stake *st, uint32_t coldkey);

/* The hotkeys a coldkey stakes to (StakingHotkeys) and owns
 * (OwnedHotkeys), in the chain's order; *n entries. */
const uint32_t *dn_stake_staking_hotkeys(const struct dn_stake *st, uint32_t coldkey, size_t *n);
const uint32_t *dn_stake_owned_hotkeys(const struct dn_stake *st, uint32_t coldkey, size_t *n);

#endif
