/*
 * Yuma consensus for one subnet: the chain's epoch.
 *
 * Given what the chain stores about a subnet (stake, weights and bonds
 * rows, registration and last-update blocks, the previous epoch's validator
 * permits, hyperparameters), one epoch computes consensus, validator trust,
 * incentive, dividends, new validator permits, the bonds to store and the
 * per-uid emission of `rao_emission`, bit for bit as subtensor's
 * pallets/subtensor/src/epoch/run_epoch.rs does:
 *   - DN_EPOCH_SPARSE reproduces `epoch_mechanism` (what the chain runs);
 *   - DN_EPOCH_DENSE reproduces `epoch_dense_mechanism` (test-only on the
 *     chain; kept to check the sparse path and for the vectors).
 * dn_epoch_run_mechanisms() reproduces subnets/mechanism.rs
 * `epoch_with_mechanisms` (several incentive mechanisms per subnet).
 *
 * The epoch reads its inputs and never changes them: persisting the outputs
 * (permits, bonds rows, the u16 vectors) is the caller's job, helped by
 * dn_epoch_store_bonds(). All arithmetic is the chain's fixed point (see
 * fixed.h, mathx.h); no floating point, no I/O, no globals.
 *
 * Memory: a workspace (struct dn_epoch) owns all scratch and all output
 * storage. It grows only at the start of a run, when the subnet is larger
 * (more uids or more row entries) than any it ran before; the computation
 * itself never allocates. A workspace serves one thread at a time; separate
 * workspaces can run in parallel threads.
 */
#ifndef DN_EPOCH_H
#define DN_EPOCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"
#include "devnet/mechanism.h"

/* ---- error codes ------------------------------------------------------- */

#define DN_EPOCH_EINVAL (-22) /* bad argument: NULL array, n > 65535, bad row, bad count */
#define DN_EPOCH_ERANGE (-34) /* a weights or bonds entry names a uid >= n */
#define DN_EPOCH_EINTERNAL (-5) /* a math helper failed (a bug in sizing) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_epoch_strerror(int err);

/* What was wrong with an input, for the caller to format into a message:
 * field is a static name ("weights", "bonds", "alpha_stake", ...), row the
 * uid of the offending row, entry the position inside it, value the
 * offending value; UINT32_MAX / 0 when not applicable. */
struct dn_epoch_err {
	int code;
	const char *field;
	uint32_t mech; /* mechanism index (dn_epoch_run_mechanisms), else 0 */
	uint32_t row;
	uint32_t entry;
	uint64_t value;
};

/* ---- stored rows ------------------------------------------------------- */

/* One stored weights or bonds row, as the chain stores it:
 * Vec<(u16 uid, u16 value)> in the order given (not sorted; a weights row
 * may hold explicit zeros). uid[k], val[k] for k < len; cap = allocated
 * entries. Caller-owned (chain state); an all-zero struct is a valid empty
 * row. */
struct dn_row16 {
	uint32_t len, cap;
	uint16_t *uid;
	uint16_t *val;
};

/* Empty row without storage / free the storage (the row becomes empty). */
void dn_row16_init(struct dn_row16 *r);
void dn_row16_release(struct dn_row16 *r);

/* len = 0, storage kept. */
static inline void dn_row16_clear(struct dn_row16 *r) { r->len = 0; }

/* Make room for cap entries (never shrinks); aborts on out-of-memory. */
void dn_row16_reserve(struct dn_row16 *r, uint32_t cap);

/* Replace the row by n entries (uid[k], val[k]) in that order. */
void dn_row16_set(struct dn_row16 *r, const uint16_t *uid, const uint16_t *val, uint32_t n);

/* Append one entry. */
void dn_row16_push(struct dn_row16 *r, uint16_t uid, uint16_t val);

/* dst := src (dst keeps or grows its own storage). */
void dn_row16_copy(struct dn_row16 *dst, const struct dn_row16 *src);

/* Value of the first entry for `uid`: true and *val, or false (then *val,
 * if val != NULL, is 0: the chain reads an absent bond as 0). */
bool dn_row16_get(const struct dn_row16 *r, uint16_t uid, uint16_t *val);

/* Set the value of every entry for `uid` to v, entries kept (the chain's
 * neuron replacement zeroes other validators' weights to the replaced uid).
 * Returns how many entries changed. */
uint32_t dn_row16_set_value_of(struct dn_row16 *r, uint16_t uid, uint16_t v);

/* Remove every entry for `uid`, keeping the order of the others
 * (subtensor do_reset_bonds). Returns how many were removed. */
uint32_t dn_row16_remove_uid(struct dn_row16 *r, uint16_t uid);

/* ---- parameters and inputs --------------------------------------------- */

enum dn_epoch_variant {
	DN_EPOCH_SPARSE, /* subtensor epoch_mechanism (production) */
	DN_EPOCH_DENSE, /* subtensor epoch_dense_mechanism (test-only) */
};

/* Hyperparameters of the subnet, as the epoch reads them. */
struct dn_epoch_params {
	uint16_t tempo; /* blocks (Tempo) */
	uint64_t activity_cutoff; /* blocks; see dn_epoch_activity_cutoff() */
	uint16_t kappa; /* fraction of 65535 (Kappa) */
	uint16_t bonds_penalty; /* fraction of 65535 (BondsPenalty) */
	uint64_t bonds_moving_average; /* per million (BondsMovingAverage) */
	bool yuma3; /* Yuma3On */
	bool liquid_alpha; /* LiquidAlphaOn */
	uint16_t alpha_low, alpha_high; /* fractions of 65535 (AlphaValues) */
	int16_t alpha_sigmoid_steepness; /* AlphaSigmoidSteepness */
	uint16_t max_allowed_validators; /* MaxAllowedValidators */
	uint64_t stake_threshold; /* rao (global StakeThreshold) */
	int32_t owner_uid; /* uid of SubnetOwnerHotkey; -1 = none; >= n acts as none */
	uint64_t last_mechanism_step_block; /* block (LastMechansimStepBlock); 0 = never */
	bool commit_reveal; /* CommitRevealWeightsEnabled */
	uint64_t tao_weight; /* fraction of u64::MAX (global TaoWeight) */
};

/* The values a subnet created on the production runtime starts with
 * (runtime defaults overridden by init_new_network; spec §12): tempo 360,
 * cutoff 5000, kappa 32767, bonds penalty 65535, bma 900000, Yuma3 on,
 * liquid alpha off, alpha (45875, 58982), steepness 1000, 64 validators,
 * threshold 0, no owner, lms 0, commit-reveal on, TaoWeight
 * 971718665099567868. */
void dn_epoch_params_default(struct dn_epoch_params *p);

/* subtensor get_activity_cutoff_blocks: max(1, factor_milli * tempo / 1000)
 * (u64, saturating multiply). */
uint64_t dn_epoch_activity_cutoff(uint32_t factor_milli, uint16_t tempo);

/* One (mechanism) epoch's view of the chain state. Arrays marked [n] have n
 * entries; the epoch only reads them. */
struct dn_epoch_input {
	uint32_t n; /* SubnetworkN, <= 65535 */
	uint64_t block; /* current block */
	const uint64_t *alpha_stake; /* [n] rao: inherited alpha of each uid's hotkey */
	const uint64_t *tao_stake; /* [n] rao: inherited root TAO; NULL = all 0 */
	const uint64_t *block_at_registration; /* [n] blocks (0 for a uid without hotkey) */
	const uint64_t *last_update; /* [n_last_update] blocks (LastUpdate) */
	size_t n_last_update; /* may differ from n: shorter is padded with 0 as
					    the chain's get_last_update does, longer is kept */
	const bool *validator_permit; /* [n] stored permits (previous epoch) */
	const struct dn_row16 *weights; /* [n] stored weights rows */
	const struct dn_row16 *bonds; /* [n] stored bonds rows */
	const uint64_t *commit_block; /* [n] earliest unexpired commit block, UINT64_MAX =
					    none; NULL = no commits at all. Only read when
					    params->commit_reveal (sparse only) */
	uint64_t rao_emission; /* alpha rao to distribute */
};

/* ---- results ----------------------------------------------------------- */

/* One epoch's outputs; every array has n entries unless said otherwise.
 * Owned by the workspace, valid until its next run or dn_epoch_free(). */
struct dn_epoch_result {
	uint32_t n;
	enum dn_epoch_variant variant;

	/* stored u16 outputs: fixed_proportion_to_u16 of the I32F32 values */
	uint16_t *stake_weight; /* StakeWeight (of S) */
	uint16_t *consensus; /* Consensus */
	uint16_t *incentive; /* Incentive (per mechanism) */
	uint16_t *dividends; /* Dividends */
	uint16_t *validator_trust; /* ValidatorTrust */
	bool *active; /* Active: last_update + cutoff >= block */
	bool *new_permit; /* ValidatorPermit to store */
	bool *old_permit; /* permits this epoch used (stored ones; sparse: owner forced) */

	/* emission, rao */
	uint64_t *server_emission; /* to miners (incentive share) */
	uint64_t *validator_emission; /* to validators (dividend share) */
	uint64_t *emission; /* combined, stored in Emission */
	uint64_t *stake; /* raw total stake (alpha + tw * tao), floor, sat. */

	/* I32F32 intermediates, for display and tests */
	dn_i32f32 *stake_fx; /* S: normalised stake after the threshold */
	dn_i32f32 *active_stake; /* A: S masked by activity and old permit, renormalised */
	dn_i32f32 *consensus_fx; /* C: stake-weighted median per column */
	dn_i32f32 *validator_trust_fx;
	dn_i32f32 *incentive_fx; /* I: normalised ranks */
	dn_i32f32 *dividends_fx; /* D */

	/* Bonds rows to store, CSR: row i is bond_uid[k], bond_val[k] for
	 * bond_start[i] <= k < bond_start[i + 1] (bond_start has n + 1
	 * entries). bond_write[i] says whether the chain rewrites row i:
	 *   new permit          -> the EMA row as u16 (classic: column max
	 *                          upscaled; Yuma3: the EMA itself), write
	 *   old permit only     -> empty row, write
	 *   neither, sparse     -> empty row, write (the chain's sparse epoch
	 *                          rewrites every row)
	 *   neither, dense      -> bond_write[i] false: keep the stored row.
	 * Sparse rows hold the entries the EMA kept (> 0 before conversion,
	 * so possibly a stored 0), in column order; dense rows hold every
	 * column 0..n-1, zeros included, as epoch_dense stores them. */
	uint32_t *bond_start;
	uint16_t *bond_uid;
	uint16_t *bond_val;
	bool *bond_write;
};

/* Row i of the bonds to store: sets *uid, *val and returns the length. */
uint32_t dn_epoch_result_bond_row(const struct dn_epoch_result *r, uint32_t i, const uint16_t **uid,
				  const uint16_t **val);

/* Persist the bonds like the chain: for every i < r->n with bond_write[i],
 * rows[i] := row i of r. rows has r->n entries (grown as needed). */
void dn_epoch_store_bonds(const struct dn_epoch_result *r, struct dn_row16 *rows);

/* ---- workspace and the epoch ------------------------------------------ */

struct dn_epoch;

/* A workspace with no storage yet (it grows on first use); aborts on
 * out-of-memory. dn_epoch_free(NULL) is a no-op. */
struct dn_epoch *dn_epoch_new(void);
void dn_epoch_free(struct dn_epoch *ws);

/* Whether the workspace may use the CPU's vector instructions (x86-64
 * AVX2) for the dense loops of the sparse epoch; by default it does when
 * the CPU has them. The results are the same bits either way (tests run
 * both). Returns whether they are now in use. */
bool dn_epoch_set_vector(struct dn_epoch *ws, bool on);

/* Run one epoch. On success returns 0 and sets *out to the workspace's
 * result (valid until the next run on ws). On bad input returns
 * DN_EPOCH_EINVAL (NULL ws/params/input/out or a required [n] array, n >
 * 65535, a row with len > cap or NULL arrays while len > 0) or
 * DN_EPOCH_ERANGE (a weights or bonds entry with uid >= n; the chain would
 * silently drop it, so in taodev it is a state bug), fills *err if err is
 * not NULL, and writes nothing else: *out and the previous result are left
 * as they were. DN_EPOCH_EINTERNAL (a math helper ran out of the room the
 * workspace sized for it: a bug) leaves the previous result invalid.
 * Memory: sparse, O(n + stored entries) (plus n x n for liquid alpha's
 * per-entry rates, as the chain computes them); dense, several n x n
 * matrices. */
int dn_epoch_run(struct dn_epoch *ws, const struct dn_epoch_params *params,
		 const struct dn_epoch_input *in, enum dn_epoch_variant variant,
		 const struct dn_epoch_result **out, struct dn_epoch_err *err);

/* ---- mechanisms -------------------------------------------------------- */

/* What differs between the mechanisms of one subnet (each [n] unless
 * said otherwise); stake, registration, permits and hyperparameters are
 * shared. */
struct dn_epoch_mech_input {
	const uint64_t *last_update; /* [n_last_update], as in dn_epoch_input */
	size_t n_last_update;
	const struct dn_row16 *weights; /* [n] */
	const struct dn_row16 *bonds; /* [n] */
	const uint64_t *commit_block; /* [n] or NULL */
};

/* epoch_with_mechanisms' outputs: the per-mechanism results and the
 * per-uid aggregate (arrays [n]). Valid until the next run on ws. */
struct dn_epoch_mech_result {
	uint32_t n;
	unsigned count;
	uint64_t mech_emission[DN_MAX_MECHANISMS]; /* split_emissions of rao_emission */
	dn_u64f64 mech_weight[DN_MAX_MECHANISMS]; /* U64F64 share_m / total (w_0 = 1 if
						      total = 0) */
	const struct dn_epoch_result *mech[DN_MAX_MECHANISMS]; /* per-mechanism results:
								   Incentive and Bonds are
								   stored from these */
	/* aggregate, as persist_netuid_epoch_terms stores it */
	uint64_t *server_emission; /* summed (saturating) */
	uint64_t *validator_emission; /* summed (saturating) */
	uint64_t *emission; /* sum of floor(U64F64 e_m * w_m), floored each step */
	uint64_t *stake; /* summed over mechanisms (the chain does so) */
	uint16_t *stake_weight; /* weighted u16 terms: acc = floor(acc + v_m * w_m) */
	uint16_t *consensus;
	uint16_t *dividends;
	uint16_t *validator_trust;
	uint16_t *incentive; /* ⚠ mechanism 0 only: floor(I_0 * w_0) (the chain never adds
				later mechanisms' incentive; it is not persisted either) */
	bool *active; /* OR over mechanisms */
	bool *new_permit; /* OR over mechanisms */
};

/* Run `count` (1..DN_MAX_MECHANISMS) sparse mechanism epochs sharing
 * in->n, block, stakes, registration and permits (in->last_update,
 * weights, bonds and commit_block are ignored: they come from mech[m]),
 * each with its share of in->rao_emission by dn_mechanism_split_emissions
 * (split = MechanismEmissionSplit, NULL = even), then aggregate as
 * epoch_with_mechanisms. Every mechanism reads the same stored permits.
 * Errors as dn_epoch_run (err->mech names the mechanism); every input is
 * checked before anything is computed, so on error nothing is written. */
int dn_epoch_run_mechanisms(struct dn_epoch *ws, const struct dn_epoch_params *params,
			    const struct dn_epoch_input *in, const struct dn_epoch_mech_input *mech,
			    unsigned count, const uint16_t *split, size_t nsplit,
			    const struct dn_epoch_mech_result **out, struct dn_epoch_err *err);

/* ---- input guard ------------------------------------------------------- */

/* subtensor is_epoch_input_state_consistent: false when two uids of the
 * subnet share a hotkey. keys holds n keys of key_size bytes each (e.g.
 * 32-byte account ids, or uint64_t ids with key_size 8), compared
 * bytewise. O(n^2) compares, no allocation. */
bool dn_epoch_hotkeys_consistent(const void *keys, size_t n, size_t key_size);

#endif
