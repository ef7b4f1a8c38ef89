/*
 * A subnet's epoch schedule: when its Yuma epoch runs.
 *
 * subtensor's dynamic-tempo scheduler (coinbase/run_coinbase.rs
 * should_run_epoch / drain_pending / epochs_deferred_this_block,
 * coinbase/tempo_control.rs, utils/misc.rs, subnets/subnet.rs
 * init_new_network). Each non-root subnet keeps a Tempo and the anchor of
 * its last epoch; an epoch is due `tempo` blocks after the last one, or at
 * an owner-triggered block, or when the subnet went MAX_TEMPO blocks
 * without a successful epoch. At most MaxEpochsPerBlock epochs run in one
 * block; further due subnets are deferred to the next block.
 *
 * Pure functions over caller-owned structs: no allocation, no globals.
 * The emission module (devnet/emission.h) embeds one struct dn_schedule per
 * subnet and drives dn_schedule_tick() from its drain pass.
 */
#ifndef DN_SCHEDULE_H
#define DN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- error codes (the chain's dispatch errors) ------------------------- */

#define DN_SCHEDULE_EINVAL (-22) /* bad argument (NULL) */
#define DN_SCHEDULE_ETEMPO (-34) /* TempoOutOfBounds */
#define DN_SCHEDULE_EFROZEN (-16) /* AdminActionProhibitedDuringWeightsWindow */
#define DN_SCHEDULE_ECOMMITREVEAL (-1) /* DynamicTempoBlockedByCommitReveal */
#define DN_SCHEDULE_EPENDING (-17) /* EpochTriggerAlreadyPending */
#define DN_SCHEDULE_EIMMINENT (-11) /* AutoEpochAlreadyImminent */

/* The chain's name of a code ("ok" for 0, "unknown error" otherwise). */
const char *dn_schedule_strerror(int err);

/* ---- parameters and state ---------------------------------------------- */

struct dn_schedule_params {
	uint8_t max_epochs_per_block; /* MaxEpochsPerBlock: runtime 2, mock and fast-runtime 32 */
	uint16_t admin_freeze_window; /* blocks (AdminFreezeWindow, lib.rs default 10) */
	uint16_t min_tempo; /* blocks: MIN_TEMPO 360, lower bound of the owner's set_tempo */
	uint16_t max_tempo; /* blocks: MAX_TEMPO 50 400, upper bound of set_tempo and the
			       BlocksSinceLastStep safety net of should_run_epoch */
	uint16_t initial_tempo; /* blocks: InitialTempo, runtime 360 (fast-runtime 10) */
};

/* Production runtime values: 2, 10, 360, 50 400, 360. */
void dn_schedule_params_default(struct dn_schedule_params *p);
/* The chain's test mock (tests/mock.rs): MaxEpochsPerBlock 32, the rest as the runtime. */
void dn_schedule_params_mock(struct dn_schedule_params *p);

/* One subnet's scheduler storage. */
struct dn_schedule {
	uint16_t tempo; /* blocks (Tempo); 0 = the epoch never runs */
	uint64_t last_epoch_block; /* block of the last consumed epoch slot (LastEpochBlock) */
	uint64_t pending_epoch_at; /* block of a triggered or deferred epoch, 0 = none
				      (PendingEpochAt) */
	uint64_t blocks_since_last_step; /* blocks since the last successful epoch
					    (BlocksSinceLastStep) */
	uint64_t epoch_index; /* consumed epoch slots (SubnetEpochIndex) */
	uint64_t last_mechanism_step_block; /* block of the last distribution
					       (LastMechansimStepBlock): written by the
					       caller after it distributes, never here */
};

/* subtensor init_new_network: tempo, and the per-netuid stagger
 * LastEpochBlock = now - (netuid mod max(tempo, 1)) (saturating at 0); the
 * other fields 0. */
void dn_schedule_init(struct dn_schedule *s, uint16_t netuid, uint16_t tempo, uint64_t now);

/* ---- queries ----------------------------------------------------------- */

/* subtensor should_run_epoch: false for tempo 0; true when a pending epoch
 * is due (pending > 0 and block >= pending), or BlocksSinceLastStep >
 * max_tempo, or block - LastEpochBlock >= tempo (saturating). */
bool dn_schedule_should_run(const struct dn_schedule_params *p, const struct dn_schedule *s,
			    uint64_t block);

/* subtensor blocks_until_next_auto_epoch(netuid, tempo, block):
 * (LastEpochBlock + tempo) - block, both saturating; UINT64_MAX for tempo 0.
 * The chain passes tempo separately; so does this. */
uint64_t dn_schedule_blocks_until_next_auto_epoch(const struct dn_schedule *s, uint16_t tempo,
						  uint64_t block);

/* subtensor get_next_epoch_start_block: false for tempo 0 (None); else
 * true and *out = min(LastEpochBlock + tempo, PendingEpochAt if > 0). */
bool dn_schedule_next_epoch_start(const struct dn_schedule *s, uint64_t *out);

/* subtensor is_in_admin_freeze_window: false for tempo 0; true while a
 * pending epoch lies ahead (pending > block), or when fewer than
 * AdminFreezeWindow blocks remain before the next automatic epoch. */
bool dn_schedule_in_freeze_window(const struct dn_schedule_params *p, const struct dn_schedule *s,
				  uint64_t block);

/* ---- changes ----------------------------------------------------------- */

/* subtensor apply_tempo_with_cycle_reset (root's sudo_set_tempo and the
 * owner path after its checks): Tempo = tempo, LastEpochBlock = now. */
void dn_schedule_apply_tempo(struct dn_schedule *s, uint16_t tempo, uint64_t now);

/* subtensor do_set_tempo, the owner's checks then the cycle reset:
 * DN_SCHEDULE_ETEMPO unless min_tempo <= tempo <= max_tempo,
 * DN_SCHEDULE_EFROZEN inside the admin freeze window. The rate limit is
 * the caller's (it lives with the transaction rate limits). On error
 * nothing changes. */
int dn_schedule_set_tempo(const struct dn_schedule_params *p, struct dn_schedule *s, uint16_t tempo,
			  uint64_t now);

/* subtensor do_trigger_epoch (owner): DN_SCHEDULE_ECOMMITREVEAL when
 * commit-reveal is on, DN_SCHEDULE_EPENDING when an epoch is already
 * pending, DN_SCHEDULE_EIMMINENT when the automatic epoch is fewer than
 * AdminFreezeWindow blocks away (checked in that order); else
 * PendingEpochAt = now + AdminFreezeWindow (saturating) and *fires_at (if
 * not NULL) says so. The rate limit is the caller's. On error nothing
 * changes. */
int dn_schedule_trigger_epoch(const struct dn_schedule_params *p, struct dn_schedule *s,
			      bool commit_reveal, uint64_t now, uint64_t *fires_at);

/* ---- the per-block pass ------------------------------------------------ */

enum dn_schedule_outcome {
	DN_SCHEDULE_IDLE, /* not due */
	DN_SCHEDULE_RUN, /* due and run: drain the pending emission, distribute */
	DN_SCHEDULE_SKIPPED, /* due, slot consumed, but the input state is inconsistent:
				the pending emission keeps accumulating */
	DN_SCHEDULE_DEFERRED, /* due beyond the per-block cap: PendingEpochAt = block + 1 */
};

/* One subnet's step of subtensor drain_pending at `block`. Call it for
 * every non-root subnet in ascending netuid order, with one *epochs_run
 * counter per block starting at 0. BlocksSinceLastStep += 1; if due: when
 * *epochs_run >= max_epochs_per_block the epoch is deferred to block + 1;
 * otherwise the slot is consumed (LastEpochBlock = block, PendingEpochAt =
 * 0, SubnetEpochIndex += 1) and, when `consistent` (the chain's
 * is_epoch_input_state_consistent: no hotkey twice in the subnet), the
 * epoch runs: BlocksSinceLastStep = 0 and *epochs_run += 1. */
enum dn_schedule_outcome dn_schedule_tick(const struct dn_schedule_params *p, struct dn_schedule *s,
					  uint64_t block, bool consistent, uint32_t *epochs_run);

/* subtensor epochs_deferred_this_block: without changing anything, which
 * of the n subnets s[i] (ascending netuid; consistent[i], NULL = all
 * consistent) are due at `block` but beyond the per-block cap. Sets
 * deferred[i] (if deferred is not NULL) and returns how many. The chain
 * asks this before the drain pass, to hold back the commit-reveal reveals
 * of deferred subnets. */
size_t dn_schedule_deferred(const struct dn_schedule_params *p, const struct dn_schedule *const *s,
			    size_t n, uint64_t block, const bool *consistent, bool *deferred);

#endif
