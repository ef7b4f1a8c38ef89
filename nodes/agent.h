/*
 * The participants of a scenario (devnet/scenario.h) acting on the chain:
 * validators set or commit and reveal weights, miners join and churn,
 * traders stake and unstake, all through signed extrinsics; the chain
 * decides what they earn.
 *
 * Agents are stateless: what they submit for block b is a pure function
 * of the scenario, the seed, b and the chain state after block b - 1.
 * Their draws come from nodes/rng.h seeded by dn_scenario_hash of (seed,
 * block, group, member, purpose); what they committed is derived again
 * from the commit's block when they reveal. So a run resumed from any
 * snapshot, with new agents, submits what an uninterrupted run would
 * have. (struct nd_agents only caches derivations: key pairs of churned
 * hotkeys, the uid a hotkey held last.)
 *
 * Behaviours (the validators' and miners' quality model is scenario.h's):
 *  validators  act once per window of `every` tempos, at a block offset
 *              drawn per validator (so they do not all submit together),
 *              at the window's first block the subnet's weights_rate_limit
 *              allows (LastUpdate + limit); a window where LastUpdate
 *              already moved is done. Weights cover every uid of the
 *              subnet (0 for non-miners). honest and lazy: noisy
 *              observations of quality; stale: never again after its
 *              genesis weights (unless it had none: then its first
 *              window); copier: the subnet's Consensus of the last epoch;
 *              cartel: 65535 to each live miner of `favours`; self-dealer:
 *              registers its own miner (//NAME//i//miner) at its first
 *              window, then 65535 on it alone (honest until it holds a uid).
 *  commit-reveal  (hp.commit_reveal on): the window commits instead, the
 *              hash of (weights, salt) with the salt drawn from (seed,
 *              validator, commit block). At the first block of the reveal
 *              epoch (the block whose on_initialize consumes the epoch
 *              slot, so the chain sees commit epoch + RevealPeriodEpochs;
 *              with RevealPeriodEpochs 0 the block after the commit) each
 *              of its commits in WeightCommits is revealed: the
 *              weights are derived again at the commit's block over the
 *              uids whose hotkey registered before it (BlockAtRegistration),
 *              trying the subnet's size at the commit and, for one uid
 *              replaced since, the values its old hotkey could have had,
 *              until the hash matches (otherwise the commit is left to
 *              expire). A copier reveals in that block too, from the state
 *              before the epoch runs: the Consensus it committed is still
 *              there, so it copies one epoch stale (with RevealPeriodEpochs
 *              above 1 it cannot, and its commits expire).
 *  miners      joiners (join_block > 0) all submit burned_register at
 *              join_block; churning groups register a new hotkey every
 *              churn_every blocks (scenario.h).
 *  traders     random: every `every` blocks (offset per member) stake 5-50%
 *              of the budget or unstake 10-100% of the stake; whale: stake
 *              the budget at `at`, unstake everything at `until`; epoch
 *              sniper: stake the budget `lead` blocks before the subnet's
 *              next epoch (dn_schedule_next_epoch_start) and unstake
 *              everything in the block after the epoch ran
 *              (LastMechansimStepBlock). Traders delegate to the hotkey the
 *              world gives them (stake_to). Stakes never take the
 *              existential deposit; "everything" is remove_stake of
 *              u64::MAX (the chain sells min(amount, stake), so an epoch
 *              that paid in the same block's on_initialize is included).
 * Within a block the order is: reveals, weights and commits, registrations,
 * trades (so a commit sees the uids its weights were computed on).
 */
#ifndef ND_AGENT_H
#define ND_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/extrinsic.h"
#include "devnet/scenario.h"

struct nd_agents;

/* s and w must outlive the agents. */
struct nd_agents *nd_agents_new(const struct dn_scenario *s, const struct dn_scenario_world *w,
				uint64_t seed);
void nd_agents_free(struct nd_agents *a);

/* Block c->block + 1's extrinsics, signed for c (c->genesis_hash), into
 * *pool (grown as needed; *cap its capacity; free it with free()). Nonces
 * are the account's plus those it already has in this block. Returns how
 * many; release each with dn_extrinsic_release. */
size_t nd_agents_block(struct nd_agents *a, const struct dn_chain *c, struct dn_extrinsic **pool,
		       size_t *cap);

#endif
