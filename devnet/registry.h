/*
 * Subnet and neuron registration economics, apart from the neuron burn
 * price (devnet/burn.h): the subnet lock cost, the seeding of a new
 * subnet's pool at the median alpha price, immunity, which UID a full
 * subnet replaces, and which subnet is pruned when the subnet limit is
 * reached.
 *
 * Everything here is a pure function of the values the chain reads
 * (subtensor coinbase/root.rs, subnets/subnet.rs, subnets/registration.rs,
 * staking/stake_utils.rs). The caller owns the state and passes what it
 * needs: spot and EMA prices come from the pools (devnet/pool.h), the TAO
 * block emission from devnet/emission.h. Every constant is a parameter
 * with the production default; the chain tests' mock uses other values.
 */
#ifndef DN_REGISTRY_H
#define DN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

#define DN_REGISTRY_EINVAL (-22) /* bad argument (NULL pointer where data is needed) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_registry_strerror(int err);

/* ---- subnet lock cost -------------------------------------------------- */

/* Chain-wide subnet registration parameters. */
struct dn_lock_params {
	uint64_t min_lock; /* rao (NetworkMinLockCost) */
	uint64_t reduction_interval; /* blocks (NetworkLockReductionInterval) */
	uint64_t immunity_period; /* blocks (NetworkImmunityPeriod) */
	uint16_t subnet_limit; /* non-root subnets (SubnetLimit) */
};

/* Production runtime values: min lock 1 000 TAO, reduction interval
 * 100 800 blocks, immunity 1 296 000 blocks (runtime/src/lib.rs
 * SubtensorInitialMinLockCost, ...LockReductionInterval, ...NetworkImmunity),
 * subnet limit 128 (lib.rs DefaultSubnetLimit). Mainnet migrations later
 * set the interval to 57 600 and the immunity to 864 000. */
void dn_lock_params_default(struct dn_lock_params *p);

/* The chain-wide lock state: what the last registration paid and when. */
struct dn_lock_state {
	uint64_t last_lock; /* rao (NetworkLastLockCost) */
	uint64_t last_lock_block; /* block (NetworkLastLockBlock); 0 = never */
};

/* subtensor get_lock_reduction_interval: floor(interval * (block_emission
 * / 1e9)) in I64F64, so the interval shrinks with each TAO halving.
 * block_emission is the current TAO block emission in rao. */
uint64_t dn_lock_reduction_interval(uint64_t interval, uint64_t block_emission);

/* subtensor get_network_lock_cost, recomputed on demand at block `now`:
 * max(min_lock, last_lock * (last_lock_block ? 2 : 1) - (last_lock /
 * R_eff) * (now - last_lock_block)), every step saturating, R_eff =
 * dn_lock_reduction_interval (a zero R_eff gives no decay). */
uint64_t dn_lock_cost(const struct dn_lock_params *p, const struct dn_lock_state *s, uint64_t now,
		      uint64_t block_emission);

/* After a registration paid `paid` at block `now` (do_register_network
 * set_network_last_lock / _block). */
void dn_lock_record(struct dn_lock_state *s, uint64_t paid, uint64_t now);

/* ---- pool seeding at the median price ---------------------------------- */

/* subtensor get_median_subnet_alpha_price over the spot prices (U64F64 TAO
 * per alpha) of the existing non-root subnets; the caller leaves out root
 * and subnets not added, this function ignores prices <= 0. No price ->
 * 1.0; an odd count -> the middle one; an even count -> (lower + upper) / 2
 * (saturating add, truncating division). Sorts `prices` in place. */
dn_u64f64 dn_median_price(dn_u64f64 *prices, size_t n);

/* What register_network writes for the new subnet's pool. */
struct dn_pool_seed {
	uint64_t tao; /* rao (SubnetTAO) = max(lock paid, min lock) */
	uint64_t alpha_in; /* rao (SubnetAlphaIn) = floor(tao / median) */
	uint64_t alpha_out; /* rao (SubnetAlphaOut) = 0: the owner gets no alpha */
	uint64_t locked; /* rao (SubnetLocked) = lock paid */
	uint64_t recycled; /* rao (RAORecycledForRegistration) = paid - tao (saturating): 0 */
	uint64_t total_stake_added; /* rao added to TotalStake = tao */
};

/* subtensor do_register_network's pool seeding: SubnetTAO = max(lock_paid,
 * min_lock); SubnetAlphaIn = U64F64(tao).safe_div(median) floored (0 when
 * the quotient overflows or median is 0); nothing recycled since the lock
 * stays in the pool. Returns 0 or DN_REGISTRY_EINVAL (out == NULL). */
int dn_pool_seed(uint64_t min_lock, uint64_t lock_paid, dn_u64f64 median, struct dn_pool_seed *out);

/* ---- immunity and UID pruning ------------------------------------------ */

/* A subnet's neuron pruning parameters. */
struct dn_prune_params {
	uint16_t immunity_period; /* blocks (ImmunityPeriod) */
	uint16_t min_non_immune; /* MinNonImmuneUids */
	uint16_t immune_owner_limit; /* ImmuneOwnerUidsLimit */
};

/* A new subnet's values: immunity 5 000 (set by init_new_network), 10 and 1
 * (lib.rs DefaultMinNonImmuneUids, DefaultImmuneOwnerUidsLimit). */
void dn_prune_params_default(struct dn_prune_params *p);

/* subtensor get_neuron_is_immune: now - registered_at (saturating) <
 * immunity_period. */
bool dn_neuron_immune(uint64_t now, uint64_t registered_at, uint16_t immunity_period);

/* What the pruning rule reads about one UID. */
struct dn_prune_uid {
	uint64_t emission; /* rao (Emission of the last epoch) */
	uint64_t registered_at; /* block (BlockAtRegistration) */
	bool has_hotkey; /* Keys holds a hotkey for the uid (else it is skipped) */
	bool owner_coldkey; /* the hotkey is one of the subnet owner coldkey's
			       (OwnedHotkeys[SubnetOwner]) */
};

/* subtensor get_immune_owner_uids: the owner coldkey's UIDs sorted by
 * (registration block, uid) ascending, the first `immune_owner_limit`
 * kept, then the owner hotkey's uid (owner_uid, -1 = none / not
 * registered) put first if missing and the list cut to the limit again.
 * Writes at most immune_owner_limit uids to out and returns the count.
 * out needs room for min(n + 1, limit) entries. */
size_t dn_immune_owner_uids(const struct dn_prune_params *p, const struct dn_prune_uid *uids,
			    uint16_t n, int32_t owner_uid, uint16_t *out);

/* subtensor get_neuron_to_prune at block `now`: skip uids without a hotkey
 * and the owner-immortal ones (dn_immune_owner_uids); among the rest the
 * best candidate has the lowest emission, then the earliest registration,
 * then the lowest uid. A non-immune candidate is taken only if more than
 * min_non_immune non-immune uids exist; otherwise the best immune one.
 * Returns true and *out, or false when no uid can be replaced
 * (NoNeuronIdAvailable). */
bool dn_neuron_to_prune(const struct dn_prune_params *p, const struct dn_prune_uid *uids,
			uint16_t n, int32_t owner_uid, uint64_t now, uint16_t *out);

/* ---- subnet pruning ---------------------------------------------------- */

/* What the subnet pruning rule reads about one subnet. */
struct dn_prune_subnet {
	uint16_t netuid;
	bool added; /* NetworksAdded */
	uint64_t registered_at; /* block (NetworkRegisteredAt) */
	dn_u64f64 ema_price; /* SubnetMovingPrice (get_moving_alpha_price) */
};

/* subtensor get_network_to_prune at block `now`: among added non-root
 * subnets past their immunity (now >= registered_at + immunity, saturating),
 * the lowest EMA price; ties -> earliest registration; equal on both -> the
 * first in storage order (NetworksAdded's Identity-hashed u16 key: low
 * byte, then high byte). Returns true and *out, or false when none. */
bool dn_subnet_to_prune(const struct dn_prune_subnet *s, size_t n, uint64_t now,
			uint64_t immunity_period, uint16_t *out);

/* do_register_network step 5: count the added non-root subnets; at or over
 * the limit a subnet must be pruned first (then *prune is true and *out
 * names it) or the registration fails (returns false: SubnetLimitReached). */
bool dn_subnet_slot(const struct dn_lock_params *p, const struct dn_prune_subnet *s, size_t n,
		    uint64_t now, bool *prune, uint16_t *out);

#endif
