/*
 * The distribution of a subnet's emission at its epoch.
 *
 * When a subnet's epoch fires, the chain drains four pending amounts of
 * alpha (server, validator, root, owner cut), runs Yuma on server +
 * validator + root (devnet/epoch.h) and pays out what the epoch says each
 * hotkey earned (subtensor coinbase/run_coinbase.rs distribute_emission):
 *   - the owner cut is staked to the subnet owner's hotkey;
 *   - miner incentives are staked to each miner (or to its coldkey's
 *     auto-stake destination), except those of the owner's hotkeys, which
 *     are burned or recycled;
 *   - each validator dividend is split with the hotkey's parents
 *     (childkeys, childkey take, CK burn), then each receiving hotkey's
 *     share is split into an alpha part and a root part by its own alpha
 *     and TaoWeight-weighted root stake; the alpha parts are rescaled to
 *     the validator pool (validator, plus server when no miner earned), the
 *     root parts to the root pool;
 *   - from each part the hotkey's delegate take is staked to its owner;
 *     the rest of the alpha part goes to all its nominators (share-pool
 *     "value for all"), the rest of the root part becomes claimable by the
 *     hotkey's root stakers (devnet/rootclaim.h).
 *
 * This module computes all of that as a list of payments and per-hotkey
 * records; it changes no state. Applying the payments (share pools, alpha
 * issuance, RootClaimable) is the caller's job. All arithmetic is the
 * chain's U96F32 with its truncations; no floating point.
 *
 * Hotkeys and coldkeys are indices into the caller's tables (the chain's
 * BTreeMaps iterate in AccountId order: give hotkeys in that order to get
 * the payments in the chain's order; the amounts do not depend on it).
 */
#ifndef DN_DISTRIBUTION_H
#define DN_DISTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

#define DN_DIST_EINVAL (-22) /* bad argument: NULL table, index out of range */

/* "none" for a hotkey or coldkey index. */
#define DN_DIST_NONE UINT32_MAX

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_dist_strerror(int err);

/* What was wrong with an input: field is a static name, index the
 * offending entry (UINT32_MAX when not applicable). */
struct dn_dist_err {
	int code;
	const char *field;
	uint32_t index;
};

/* ---- inputs ------------------------------------------------------------ */

/* A childkey relation: `proportion` (u64 fraction of u64::MAX) of the
 * parent's stake weight on this subnet goes to the child. */
struct dn_dist_link {
	uint32_t hotkey; /* the other end: child (in children) or parent (in parents) */
	uint64_t proportion; /* u64 fraction */
};

/* What the distribution reads about one hotkey, before anything is paid. */
struct dn_dist_hotkey {
	uint32_t coldkey; /* Owner[hotkey] (index; compared for equality only) */
	uint64_t alpha; /* rao: TotalHotkeyAlpha on this subnet (all its stakers) */
	uint64_t root; /* rao: TotalHotkeyAlpha on root (TAO) */
	uint16_t take; /* Delegates (delegate take), u16 fraction */
	uint16_t childkey_take; /* ChildkeyTake on this subnet, u16 fraction */
	const struct dn_dist_link *children; /* ChildKeys on this subnet, stored order */
	uint32_t nchildren;
	const struct dn_dist_link *parents; /* ParentKeys on this subnet, stored order */
	uint32_t nparents;
};

/* The subnet, its keys and the chain-wide values the distribution reads. */
struct dn_dist_subnet {
	uint32_t nhotkeys;
	const struct dn_dist_hotkey *hotkeys; /* [nhotkeys] */
	uint32_t ncoldkeys;
	const uint32_t *autostake; /* [ncoldkeys] AutoStakeDestination on this subnet
				       (hotkey index or DN_DIST_NONE); NULL = none set */
	uint32_t n; /* SubnetworkN */
	const uint32_t *uid_hotkey; /* [n] Keys: hotkey of each uid (DN_DIST_NONE = none) */
	uint32_t owner_coldkey; /* SubnetOwner, DN_DIST_NONE = not stored (the chain then
				   reads the all-zero account: pass its index if a test uses it) */
	uint32_t owner_hotkey; /* SubnetOwnerHotkey, DN_DIST_NONE = not stored */
	uint64_t tao_weight; /* TaoWeight, u64 fraction */
	uint64_t ck_burn; /* CKBurn, u64 fraction */
	bool recycle_owner_incentive; /* RecycleOrBurn == Recycle (unset = burn) */
};

/* The four amounts drain_pending took (alpha rao). */
struct dn_dist_drain {
	uint64_t server; /* PendingServerEmission */
	uint64_t validator; /* PendingValidatorEmission */
	uint64_t root; /* PendingRootAlphaDivs */
	uint64_t owner_cut; /* PendingOwnerCut */
};

/* ---- outputs ----------------------------------------------------------- */

enum dn_pay_kind {
	DN_PAY_OWNER_CUT, /* stake (hotkey, coldkey) += amount: owner cut */
	DN_PAY_INCENTIVE, /* stake (hotkey = destination, coldkey = miner's owner) */
	DN_PAY_INCENTIVE_BURN, /* owner hotkey's incentive burned (issuance unchanged) */
	DN_PAY_INCENTIVE_RECYCLE, /* owner hotkey's incentive recycled (SubnetAlphaOut -=) */
	DN_PAY_CK_BURN, /* recycled: CK burn on a parent's share (SubnetAlphaOut -=) */
	DN_PAY_ALPHA_TAKE, /* stake (hotkey, its owner) += delegate take of alpha dividends */
	DN_PAY_ALPHA_NOMINATORS, /* hotkey's pool value += amount (every staker pro rata) */
	DN_PAY_ROOT_TAKE, /* stake (hotkey, its owner) += delegate take of root dividends */
	DN_PAY_ROOT_CLAIMABLE, /* RootClaimable[hotkey][netuid] += rate (I96F32 bits) */
	DN_PAY_ROOT_FALLBACK, /* stake (hotkey, its owner): root dividend above its root stake */
};

/* One thing to do to the state, in the chain's order. `amount` is alpha
 * rao; `rate` only for DN_PAY_ROOT_CLAIMABLE (amount is then the alpha it
 * stands for). hotkey/coldkey are DN_DIST_NONE where they do not apply. */
struct dn_payment {
	enum dn_pay_kind kind;
	uint32_t hotkey;
	uint32_t coldkey;
	uint64_t amount;
	dn_i128 rate; /* I96F32 bits */
};

/* Per-hotkey records of one distribution; arrays [nhotkeys]. */
struct dn_dist_result {
	uint32_t nhotkeys;
	/* calculate_dividends_and_incentives */
	uint64_t *incentive; /* summed server emission of the hotkey's uids */
	bool *has_incentive; /* key present in the incentives map (holds a uid) */
	bool *withheld; /* an owner hotkey: incentive burned or recycled */
	dn_u128 *dividend; /* U96F32: dividends after the parent/child split */
	bool *has_dividend; /* key present in the dividends map */
	/* calculate_dividend_distribution */
	dn_u128 *alpha_div; /* U96F32: share of the validator pool */
	dn_u128 *root_div; /* U96F32: share of the root pool */
	/* distribute_dividends_and_incentives */
	uint64_t *alpha_take; /* staked to (hotkey, owner) */
	uint64_t *alpha_dividends; /* AlphaDividendsPerSubnet: to the nominators */
	uint64_t *root_take; /* staked to (hotkey, owner) */
	uint64_t *root_alpha_dividends; /* RootAlphaDividendsPerSubnet: made claimable */
	dn_i128 *claim_rate; /* I96F32 increment of RootClaimable (0 on fallback) */
	bool *root_fallback; /* root part staked to the owner: above the root stake */

	/* the payments, in order */
	struct dn_payment *pay;
	size_t npay;

	/* totals (alpha rao) */
	uint64_t incentive_sum; /* Σ server emission: decides the validator pool */
	uint64_t validator_pool; /* validator, or validator + server if incentive_sum = 0 */
	uint64_t root_pool;
	dn_u128 miner_burned; /* U96F32: withheld / total incentive (MinerBurned) */
	dn_u128 drained; /* server + validator + root + owner cut */
	dn_u128 staked; /* owner cut, incentives, takes, nominators, fallback */
	dn_u128 claimable; /* alpha made claimable by root stakers */
	dn_u128 burned; /* withheld incentive, burned */
	dn_u128 recycled; /* withheld incentive, recycled */
	dn_u128 ck_burned; /* CK burn, recycled (see below) */
	dn_i128 undistributed; /* drained - staked - claimable - burned - recycled:
				  rounding dust and pools with no receiver */
};

/* Conservation: staked + claimable + burned + recycled + undistributed =
 * drained, with undistributed >= 0 whenever the epoch's server emission
 * does not exceed the server pool (the chain's epoch guarantees it). The
 * CK burn is apart [Q]: the chain recycles it (SubnetAlphaOut -=) out of a
 * parent's share of the epoch dividend, but that share only weighs the
 * rescaling, so the validator and root pools are still paid in full; the
 * recycled CK burn comes on top (CKBurn is 0 by default). */

/* ---- the chain's steps, one by one ------------------------------------- */

/* subtensor get_tao_weight / get_ck_burn: U96F32(v).safe_div(U96F32(u64::MAX)). */
dn_u128 dn_dist_u64_fraction(uint64_t v);

/* subtensor get_hotkey_take_float / childkey take: U96F32(v) / 65535. */
dn_u128 dn_dist_u16_fraction(uint16_t v);

/* subtensor get_inherited_for_hotkey_on_subnet and
 * get_tao_inherited_for_hotkey_on_subnet: the hotkey's own alpha (root)
 * stake, minus what it gives its children, plus what its parents give it,
 * in U96F32, floored. These feed the epoch's stake vectors. */
uint64_t dn_dist_inherited_alpha(const struct dn_dist_subnet *s, uint32_t hotkey);
uint64_t dn_dist_inherited_root(const struct dn_dist_subnet *s, uint32_t hotkey);

/* subtensor get_self_contribution: floor((alpha + root * tw) * (1 -
 * Σ child proportions)) as the chain computes it. */
uint64_t dn_dist_self_contribution(const struct dn_dist_subnet *s, uint32_t hotkey);

/* One receiver of a dividend after the parent/child split. */
struct dn_dist_share {
	uint32_t hotkey;
	uint64_t amount; /* alpha rao */
};

/* subtensor get_parent_child_dividends_distribution: splits `dividend` of
 * `hotkey` among its parents (pro rata to contribution) and itself. out
 * receives one entry per parent (stored order) then the hotkey itself: it
 * needs nparents + 1 entries; *nout is set. *ck_burned (may be NULL)
 * receives the CK burn recycled (floored per parent, as the chain does). */
int dn_dist_parent_child(const struct dn_dist_subnet *s, uint32_t hotkey, uint64_t dividend,
			 struct dn_dist_share *out, size_t *nout, uint64_t *ck_burned);

/* subtensor calculate_dividend_distribution for n hotkeys: dividend[i]
 * (U96F32) is split by alpha_stake[i] : tw * root_stake[i] into alpha and
 * root dividends, then each family rescaled to its pool. tao_weight is the
 * U96F32 TaoWeight (dn_dist_u64_fraction, or a test's literal). Writes
 * alpha_out[i], root_out[i] (U96F32). */
void dn_dist_dividend_split(uint64_t validator_pool, uint64_t root_pool, dn_u128 tao_weight,
			    size_t n, const uint64_t *alpha_stake, const uint64_t *root_stake,
			    const dn_u128 *dividend, dn_u128 *alpha_out, dn_u128 *root_out);

/* ---- the whole distribution -------------------------------------------- */

struct dn_dist;

/* A workspace (owns the result storage; grows as needed; aborts on
 * out-of-memory). dn_dist_free(NULL) is a no-op. */
struct dn_dist *dn_dist_new(void);
void dn_dist_free(struct dn_dist *ws);

/* subtensor distribute_emission after the epoch: `server` and `validator`
 * are the epoch's per-uid server and validator emission ([s->n] each,
 * epoch_with_mechanisms' aggregate), `drain` what was drained. Computes
 * every payment from the state before any of them (the chain reads all
 * stakes before paying). On success returns 0 and sets *out (valid until
 * the next run on ws). Errors: DN_DIST_EINVAL (NULL argument, a hotkey,
 * coldkey or link index out of range, two uids with one hotkey); then *err
 * (if not NULL) says which field, and nothing is written. */
int dn_dist_run(struct dn_dist *ws, const struct dn_dist_subnet *s, const uint64_t *server,
		const uint64_t *validator, const struct dn_dist_drain *drain,
		const struct dn_dist_result **out, struct dn_dist_err *err);

/* subtensor distribute_dividends_and_incentives alone, on maps the caller
 * gives ([s->nhotkeys] each; has_* say which keys the chain's maps hold):
 * the owner cut, the incentives (owner hotkeys withheld, auto-stake), the
 * alpha and root dividends (U96F32) with the delegate take. The result's
 * `drained` is then owner_cut plus every given amount floored to rao.
 * Errors as dn_dist_run. */
int dn_dist_pay(struct dn_dist *ws, const struct dn_dist_subnet *s, uint64_t owner_cut,
		const uint64_t *incentive, const bool *has_incentive, const dn_u128 *alpha_div,
		const dn_u128 *root_div, const bool *has_dividend,
		const struct dn_dist_result **out, struct dn_dist_err *err);

/* The hotkey indices whose miner incentive is withheld (get_owner_hotkeys):
 * the owner hotkey if it holds a uid, and every hotkey of the owner
 * coldkey that holds a uid, regardless of ImmuneOwnerUidsLimit. Sets
 * flags[h] for h < s->nhotkeys. */
void dn_dist_owner_hotkeys(const struct dn_dist_subnet *s, bool *flags);

#endif
