/*
 * One subnet: its owner, hyperparameters, pool and emission record (devnet/
 * emission.h's struct dn_emission_subnet, whose embedded pool is the only
 * copy of the reserves), epoch schedule, registration price, neurons and
 * what its last epoch stored, plus the ledger of alpha nobody holds that
 * devnet/chain.c's invariants need.
 *
 * subtensor keeps these as separate storage maps keyed by netuid
 * (lib.rs: Tempo, Kappa, ..., Keys, BlockAtRegistration, LastUpdate,
 * ValidatorPermit, Weights, Bonds, Incentive, Dividends, ...); here they
 * are one struct per subnet, neurons as parallel arrays indexed by uid
 * (what the epoch reads). Registration rules (burn, pruning) and the
 * extrinsics live in devnet/chain.c; this module only stores and
 * initialises, with the values subnets/subnet.rs init_new_network writes.
 *
 * Memory: dn_subnet_new / dn_subnet_free; neuron arrays grow on demand and
 * abort on out-of-memory. Accounts are the chain's account indices.
 */
#ifndef DN_SUBNET_H
#define DN_SUBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/burn.h"
#include "devnet/emission.h"
#include "devnet/epoch.h"
#include "devnet/fixed.h"
#include "devnet/registry.h"

#define DN_SUBNET_NONE UINT32_MAX /* no account */

/* weights.rs internal_commit_weights: a hotkey keeps at most 10 unrevealed
 * commits (commits.len() < 10 before a push). */
#define DN_SUBNET_MAX_COMMITS 10

#define DN_SUBNET_EINVAL (-22) /* bad argument */
#define DN_SUBNET_EFULL (-28) /* n reached MaxAllowedUids (the caller prunes first) */
#define DN_SUBNET_EEXIST \
	(-17) /* the hotkey already holds a uid (HotKeyAlreadyRegisteredInSubNet) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_subnet_strerror(int err);

/* Hyperparameters: everything the epoch, the burn, the pruning rule and
 * the extrinsics read per subnet. Tempo, the EMA halving period and the
 * emission flags live in the emission record (struct dn_subnet.em). */
struct dn_subnet_hparams {
	/* epoch (lib.rs and runtime defaults, init_new_network overrides) */
	uint16_t kappa; /* fraction of 65535 (Kappa), 32 767 */
	uint16_t bonds_penalty; /* fraction of 65535 (BondsPenalty), 65 535 */
	uint64_t bonds_moving_average; /* per million (BondsMovingAverage), 900 000 */
	bool bonds_reset; /* BondsResetOn, false */
	bool yuma3; /* Yuma3On: true for a new subnet */
	bool liquid_alpha; /* LiquidAlphaOn, false */
	uint16_t alpha_low, alpha_high; /* fractions of 65535 (AlphaValues), 45 875 / 58 982 */
	int16_t alpha_sigmoid_steepness; /* AlphaSigmoidSteepness, 1 000 */
	uint16_t max_allowed_validators; /* MaxAllowedValidators: 64 for a new subnet */
	uint16_t max_allowed_uids; /* MaxAllowedUids: 256 */
	uint16_t min_allowed_weights; /* MinAllowedWeights: 1 for a new subnet */
	uint16_t max_weights_limit; /* MaxWeightsLimit, 65 535 = no limit */
	uint32_t activity_cutoff_factor_milli; /* per mille of tempo
						  (ActivityCutoffFactorMilli), 13 889 */
	/* weights */
	bool commit_reveal; /* CommitRevealWeightsEnabled, true */
	uint16_t commit_reveal_version; /* CommitRevealWeightsVersion, 4 */
	uint64_t reveal_period_epochs; /* RevealPeriodEpochs, 1 */
	uint64_t weights_rate_limit; /* blocks (WeightsSetRateLimit), 100 */
	uint64_t weights_version_key; /* WeightsVersionKey, 0 */
	uint64_t serving_rate_limit; /* blocks (ServingRateLimit), 50 */
	/* registration */
	struct dn_burn_params burn; /* MinBurn, MaxBurn, BurnHalfLife, BurnIncreaseMult */
	struct dn_prune_params prune; /* ImmunityPeriod 5 000, MinNonImmuneUids,
					 ImmuneOwnerUidsLimit */
	/* distribution and claims */
	bool recycle_owner_incentive; /* RecycleOrBurn == Recycle (unset: burn) */
	uint64_t root_claim_threshold; /* alpha rao (RootClaimableThreshold), 500 000 */
};

/* The production values a subnet starts with (runtime/src/lib.rs,
 * pallets/subtensor/src/lib.rs defaults, overridden by init_new_network:
 * 256 uids, 64 validators, min weights 1, immunity 5 000, Yuma3 on). */
void dn_subnet_hparams_default(struct dn_subnet_hparams *hp);

/* Alpha that SubnetAlphaOut counts but nobody holds, and the counters that
 * let devnet/chain.c check alpha conservation (all alpha rao). */
struct dn_subnet_ledger {
	uint64_t alpha_genesis; /* alpha issuance (in + out) the subnet started with */
	dn_u128 alpha_minted; /* every alpha_in_emission + alpha_out_emission */
	dn_u128 alpha_recycled; /* recycled: root alpha without root sell, owner incentive
				   under Recycle, CK burn (SubnetAlphaOut -=) */
	dn_u128 alpha_burned; /* owner hotkeys' incentive burned: issuance unchanged,
				 held by no one */
	dn_i128 claimable; /* made claimable by root stakers, minus what they claimed */
	dn_u128 dust_coinbase; /* rounding the coinbase left in SubnetAlphaOut (< 4 a block) */
	dn_i128 dust_other; /* distribution dust (undistributed, minus CK burn) and claim
			       refunds left in SubnetAlphaOut */
	uint64_t blocks_emitted; /* blocks this subnet was in the emitting set */
	uint64_t epochs; /* distributions run */
	uint64_t claim_slack; /* root stake additions to claimers of this subnet's dividends:
				 each may raise what they are owed by under one rao */
};

/* An axon as the chain stores it (AxonInfo, subnets/serving.rs); all zero
 * until the neuron serves one (get_axon_info's default). */
struct dn_axon {
	uint64_t block; /* when served */
	uint32_t version;
	dn_u128 ip; /* IPv4 in the low 32 bits, or IPv6 */
	uint16_t port;
	uint8_t ip_type; /* 4 or 6 (0: never served) */
	uint8_t protocol;
	uint8_t placeholder1, placeholder2;
};

/* One hash commit: a WeightCommits entry (hash, commit_epoch, commit_block,
 * 0) of weights.rs internal_commit_weights (the fourth field is a legacy
 * bound the chain leaves at 0, not kept here). */
struct dn_weight_commit {
	uint8_t hash[32]; /* BlakeTwo256 of the reveal (get_commit_hash) */
	uint64_t epoch; /* current_epoch_with_lookahead at the commit */
	uint64_t block; /* the commit's block */
};

/* WeightCommits[(netuid, hotkey)]: one hotkey's unrevealed commits, oldest
 * first. Keyed by the hotkey, not the uid: the chain keeps them when the
 * uid is replaced. */
struct dn_commit_queue {
	uint32_t hotkey; /* account */
	uint32_t n; /* 1 .. DN_SUBNET_MAX_COMMITS (an empty queue is removed) */
	struct dn_weight_commit c[DN_SUBNET_MAX_COMMITS];
};

struct dn_subnet {
	uint16_t netuid;
	uint32_t owner_coldkey; /* SubnetOwner (account), NONE = not stored */
	uint32_t owner_hotkey; /* SubnetOwnerHotkey (account), NONE = not stored */
	uint64_t registered_at; /* block (NetworkRegisteredAt) */
	uint64_t locked; /* rao (SubnetLocked) */

	struct dn_emission_subnet em; /* pool and reserves, EMA, pending, flags, schedule */
	struct dn_subnet_hparams hp;
	struct dn_burn_state burn; /* Burn, RegistrationsThisBlock, RAORecycledForRegistration */
	uint64_t burn_factor_q32; /* dn_burn_decay_factor_q32(hp.burn.half_life), cached */

	/* neurons, [n] each (capacity cap) */
	uint32_t n, cap;
	uint32_t *hotkey; /* Keys: account of each uid */
	uint64_t *registered_at_uid; /* blocks (BlockAtRegistration) */
	uint64_t *last_update; /* blocks (LastUpdate, mechanism 0) */
	bool *permit; /* ValidatorPermit: stored by the last epoch */
	struct dn_row16 *weights; /* Weights (mechanism 0) */
	struct dn_row16 *bonds; /* Bonds (mechanism 0) */
	/* what the last epoch stored */
	uint16_t *stake_weight; /* StakeWeight */
	uint16_t *consensus; /* Consensus */
	uint16_t *incentive; /* Incentive (mechanism 0) */
	uint16_t *dividends; /* Dividends */
	uint16_t *validator_trust; /* ValidatorTrust */
	bool *active; /* Active */
	uint64_t *emission; /* rao (Emission): combined per-uid emission */
	struct dn_axon *axon; /* Axons[(netuid, hotkey)]: the chain removes a uid's axon
				 when the uid is replaced, so it lives with the uid */

	/* WeightCommits of this subnet (mechanism 0), ascending hotkey */
	uint32_t ncommits, capcommits;
	struct dn_commit_queue *commits;
	uint64_t *commit_ws; /* [cap] not state: dn_subnet_commit_blocks' output */

	struct dn_subnet_ledger ledger;
	struct dn_epoch *ews; /* the epoch's workspace (no state) */
	/* not state: change counters, so that the state root rehashes only
	 * what changed (devnet/stateroot.h): gen for changes of any or all
	 * neurons, uid_gen[u] for one neuron, commits_gen for WeightCommits */
	uint64_t gen, commits_gen;
	uint64_t *uid_gen; /* [cap] */
};

/* Marks the neurons changed: whoever writes neuron fields of several uids
 * (or changes n) calls it; dn_subnet_touch_uid when only uid u changed
 * (its weights row, last update or axon); dn_subnet_touch_commits for the
 * weight commits. */
static inline void dn_subnet_touch(struct dn_subnet *s) { s->gen++; }
static inline void dn_subnet_touch_uid(struct dn_subnet *s, uint32_t u) { s->uid_gen[u]++; }
static inline void dn_subnet_touch_commits(struct dn_subnet *s) { s->commits_gen++; }

/* subtensor init_new_network(netuid, tempo) at block `now`, for a subnet
 * about to be registered: n = 0, the schedule with its stagger, the
 * defaults above (hp NULL) or hp, Burn = 1 TAO, emission record from
 * dn_emission_subnet_init (an empty dynamic pool with min_reserve) except
 * netuid 0, whose pool is stable (the root has no AMM; its SubnetTAO is
 * the chain's root stake, see chain.h). Owner fields NONE. */
struct dn_subnet *dn_subnet_new(uint16_t netuid, uint16_t tempo, uint64_t now,
				const struct dn_emission_params *ep,
				const struct dn_subnet_hparams *hp, uint64_t min_reserve);
void dn_subnet_free(struct dn_subnet *s);

/* The uid of a hotkey, -1 when it holds none (Uids). O(n). */
int32_t dn_subnet_uid(const struct dn_subnet *s, uint32_t hotkey);

/* subtensor append_neuron at block `now`: uid n with the hotkey,
 * registration and last-update blocks `now`, no permit, empty rows, zero
 * outputs, no axon. Returns the uid, DN_SUBNET_EFULL at MaxAllowedUids, or
 * DN_SUBNET_EEXIST when the hotkey already holds a uid. */
int dn_subnet_append(struct dn_subnet *s, uint32_t hotkey, uint64_t now);

/* subtensor replace_neuron of uid by a new hotkey at block `now`: the
 * uid's rows, outputs and axon cleared (the old hotkey's weight commits
 * stay, as the chain's WeightCommits do), registration and last update `now`,
 * every other row's weight to it zeroed (entries kept). Returns 0 or
 * DN_SUBNET_EINVAL (uid out of range) / DN_SUBNET_EEXIST. */
int dn_subnet_replace(struct dn_subnet *s, uint16_t uid, uint32_t hotkey, uint64_t now);

/* Room for n neurons (capacity only; n unchanged). */
void dn_subnet_reserve(struct dn_subnet *s, uint32_t n);

/* ---- weight commits (subnets/weights.rs) ------------------------------- */

/* The hotkey's queue, NULL when it has no unrevealed commit. */
const struct dn_commit_queue *dn_subnet_commits(const struct dn_subnet *s, uint32_t hotkey);

/* Replaces the hotkey's queue by c[0 .. n-1] (n <= DN_SUBNET_MAX_COMMITS;
 * n = 0 removes it, as the chain removes an emptied entry). */
void dn_subnet_set_commits(struct dn_subnet *s, uint32_t hotkey, const struct dn_weight_commit *c,
			   uint32_t n);

/* current_epoch_with_lookahead at block `block`: SubnetEpochIndex, plus one
 * when should_run_epoch (an epoch slot fires this block). */
uint64_t dn_subnet_epoch_now(const struct dn_subnet *s, const struct dn_schedule_params *p,
			     uint64_t block);

/* is_commit_expired: the current epoch is past commit_epoch +
 * RevealPeriodEpochs (saturating). */
bool dn_subnet_commit_expired(const struct dn_subnet *s, const struct dn_schedule_params *p,
			      uint64_t block, uint64_t commit_epoch);

/* is_reveal_block_range: the current epoch is exactly commit_epoch +
 * RevealPeriodEpochs (saturating). */
bool dn_subnet_reveal_epoch(const struct dn_subnet *s, const struct dn_schedule_params *p,
			    uint64_t block, uint64_t commit_epoch);

/* The epoch's commit-reveal column mask input (epoch/run_epoch.rs): per
 * uid, the block of its hotkey's earliest unexpired commit, UINT64_MAX for
 * none; NULL when no uid has one. Call it where the epoch runs (after the
 * slot was consumed: SubnetEpochIndex already counts it). The array is
 * the subnet's workspace, valid until the next call or change of n. */
const uint64_t *dn_subnet_commit_blocks(struct dn_subnet *s, const struct dn_schedule_params *p,
					uint64_t block);

/* The epoch parameters of this subnet: hyperparameters, tempo, cutoff,
 * owner uid, LastMechansimStepBlock, with the chain-wide stake threshold
 * and TaoWeight. */
void dn_subnet_epoch_params(const struct dn_subnet *s, uint64_t stake_threshold,
			    uint64_t tao_weight, struct dn_epoch_params *out);

/* subtensor persist_netuid_epoch_terms and persist_mechanism_epoch_terms
 * for one mechanism: permits, the u16 vectors, Active, Emission and the
 * bonds rows from r (r->n == s->n). */
void dn_subnet_store_epoch(struct dn_subnet *s, const struct dn_epoch_mech_result *r);

#endif
