/*
 * The operations an account performs on the chain state: the bodies of the
 * future extrinsics, without signatures, nonces or transaction fees (the
 * extrinsic layer adds those and calls these).
 *
 * Each is a pure function over struct dn_chain at its current block
 * (c->block is the block the operation executes in) and follows the
 * chain's dispatchable of the same name: the same checks in the same
 * order, the same error names (pallets/subtensor/src/macros/errors.rs,
 * pallet_balances / sp_runtime TokenError, pallet_subtensor_swap), the
 * same arithmetic. Accounts are given by public key, as the extrinsic
 * decodes them; an account the chain would create (a transfer's
 * destination, a new hotkey) is added to c's account table.
 *
 * Contract: 0 on success; on failure a negative DN_OPS_E* code, *err (may
 * be NULL) filled with the code and a message naming the values ("stake
 * 1000 rao is below the minimum 2001007"), and the state left exactly as
 * it was (every check runs, and every swap is computed on a copy of the
 * pool, before anything is written).
 *
 * The runtime's dispatch extensions that guard some calls before their
 * body (runtime/src/lib.rs DispatchExtension: pallets/subtensor/src/guards
 * CheckWeights, CheckRateLimits, CheckServingEndpoints) are part of the
 * operation: their checks run first, so their errors come first.
 *
 * Not reproduced (stated where it matters): subnet dissolution (a
 * register_network that must prune a subnet fails with DN_OPS_ENOTMODELLED
 * naming the subnet), childkeys, stake locks and conviction, timelocked
 * (CRv3/v4) weight commits, mechanisms other than 0, the transfer toggle,
 * NominatorMinRequiredStake (0 on the runtime, so clear_small_nomination
 * never acts), identities, symbols, axon TLS certificates and prometheus.
 */
#ifndef DN_OPS_H
#define DN_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"

/* ---- errors ------------------------------------------------------------ */

/* One code per chain error; dn_ops_strerror gives its chain name. */
enum {
	DN_OPS_EINVAL = -1, /* bad argument (NULL, a missing key): a caller bug */
	DN_OPS_EBADORIGIN = -2, /* BadOrigin */
	DN_OPS_ESUBNET = -3, /* SubnetNotExists */
	DN_OPS_ESUBTOKEN = -4, /* SubtokenDisabled */
	DN_OPS_EAMOUNTLOW = -5, /* AmountTooLow */
	DN_OPS_ESLIPPAGE = -6, /* SlippageTooHigh */
	DN_OPS_ESTAKEBALANCE = -7, /* NotEnoughBalanceToStake */
	DN_OPS_EHOTKEY = -8, /* HotKeyAccountNotExists */
	DN_OPS_ELIQUIDITY = -9, /* InsufficientLiquidity */
	DN_OPS_EBALANCE = -10, /* InsufficientBalance */
	DN_OPS_EWITHDRAW = -11, /* NotEnoughStakeToWithdraw */
	DN_OPS_ENONASSOC = -12, /* NonAssociatedColdKey */
	DN_OPS_ESAMENETUID = -13, /* SameNetuid */
	DN_OPS_EPRICELIMIT = -14, /* PriceLimitExceeded (swap) */
	DN_OPS_ERESERVES = -15, /* ReservesTooLow (swap) */
	DN_OPS_EINPUT = -16, /* SwapInputTooLarge (swap) */
	DN_OPS_EOUTOFBALANCE = -17, /* ReservesOutOfBalance (swap) */
	DN_OPS_EFUNDS = -18, /* FundsUnavailable (TokenError) */
	DN_OPS_EBELOWMIN = -19, /* BelowMinimum (TokenError): below the existential deposit */
	DN_OPS_ENOTEXPENDABLE = -20, /* NotExpendable (TokenError): keep-alive would reap */
	DN_OPS_ENETRATE = -21, /* NetworkTxRateLimitExceeded */
	DN_OPS_ESUBNETLIMIT = -22, /* SubnetLimitReached */
	DN_OPS_ELOCKCOST = -23, /* CannotAffordLockCost */
	DN_OPS_ENOTMODELLED = -24, /* taodev: the chain would do something not modelled */
	DN_OPS_EFIRSTEMISSION = -25, /* FirstEmissionBlockNumberAlreadySet */
	DN_OPS_ESTARTDELAY = -26, /* NeedWaitingMoreBlocksToStarCall */
	DN_OPS_EROOTREG = -27, /* RegistrationNotPermittedOnRootSubnet */
	DN_OPS_EREGDISABLED = -28, /* SubNetRegistrationDisabled */
	DN_OPS_EREGISTERED = -29, /* HotKeyAlreadyRegisteredInSubNet */
	DN_OPS_ENOUID = -30, /* NoNeuronIdAvailable */
	DN_OPS_EROOTWEIGHTS = -31, /* CanNotSetRootNetworkWeights */
	DN_OPS_EWEIGHTSIZE = -32, /* WeightVecNotEqualSize */
	DN_OPS_EUIDSLEN = -33, /* UidsLengthExceedUidsInSubNet */
	DN_OPS_ENOTREGISTERED = -34, /* HotKeyNotRegisteredInSubNet */
	DN_OPS_EWEIGHTSTAKE = -35, /* NotEnoughStakeToSetWeights */
	DN_OPS_EVERSIONKEY = -36, /* IncorrectWeightVersionKey */
	DN_OPS_EWEIGHTSFAST = -37, /* SettingWeightsTooFast */
	DN_OPS_EPERMIT = -38, /* NeuronNoValidatorPermit */
	DN_OPS_EDUPUIDS = -39, /* DuplicateUids */
	DN_OPS_EINVALIDUID = -40, /* UidVecContainInvalidOne */
	DN_OPS_EWEIGHTLEN = -41, /* WeightVecLengthIsLow */
	DN_OPS_EMAXWEIGHT = -42, /* MaxWeightExceeded */
	DN_OPS_ETAKELOW = -43, /* DelegateTakeTooLow */
	DN_OPS_ETAKEHIGH = -44, /* DelegateTakeTooHigh */
	DN_OPS_ETAKERATE = -45, /* DelegateTxRateLimitExceeded */
	DN_OPS_ELIQUIDALPHA = -46, /* LiquidAlphaDisabled */
	DN_OPS_EALPHAHIGH = -47, /* AlphaHighTooLow */
	DN_OPS_EALPHALOW = -48, /* AlphaLowOutOfRange */
	DN_OPS_ETEMPO = -49, /* TempoOutOfBounds */
	DN_OPS_EFROZEN = -50, /* AdminActionProhibitedDuringWeightsWindow */
	DN_OPS_EHPARAM = -51, /* taodev: unknown hyperparameter or value out of its type */
	DN_OPS_EMECHANISM = -52, /* MechanismDoesNotExist (the subnet does not exist) */
	DN_OPS_ENOTINNETWORK = -53, /* HotKeyNotRegisteredInNetwork (serving) */
	DN_OPS_EIPTYPE = -54, /* InvalidIpType */
	DN_OPS_EIPADDRESS = -55, /* InvalidIpAddress */
	DN_OPS_EPORT = -56, /* InvalidPort */
	DN_OPS_ESERVINGRATE = -57, /* ServingRateLimitExceeded */
	DN_OPS_ECRDISABLED = -58, /* CommitRevealDisabled */
	DN_OPS_ECOMMITFAST = -59, /* CommittingWeightsTooFast */
	DN_OPS_ETOOMANYCOMMITS = -60, /* TooManyUnrevealedCommits */
	DN_OPS_ENOCOMMIT = -61, /* NoWeightsCommitFound */
	DN_OPS_EHASHMISMATCH = -62, /* InvalidRevealCommitHashNotMatch (not reachable behind
				       the runtime's CheckWeights: see dn_ops_reveal_weights) */
	DN_OPS_EEXPIREDCOMMIT = -63, /* ExpiredWeightCommit (likewise) */
	DN_OPS_EREVEALEARLY = -64, /* RevealTooEarly */
	DN_OPS_ECODES = 64 /* how many codes */
};

/* The chain's name of a code ("Ok" for 0, "Unknown" otherwise). */
const char *dn_ops_strerror(int err);

/* What went wrong: the code and a message naming the values. */
struct dn_ops_err {
	int code;
	char msg[256];
};

/* ---- balances ---------------------------------------------------------- */

/* pallet_balances transfer_allow_death (keep_alive false) and
 * transfer_keep_alive (true) with the runtime's ExistentialDeposit (500
 * rao, c->p.existential_deposit). A zero amount or a transfer to oneself
 * does nothing. Errors: FundsUnavailable (amount above the free balance),
 * NotExpendable (keep-alive would leave less than the deposit),
 * BelowMinimum (a new or empty destination would get less than the
 * deposit). A sender left below the deposit is reaped: its dust leaves the
 * issuance (DustRemoval = (), as transfer_allow_death_update_ti records). */
int dn_ops_transfer(struct dn_chain *c, const uint8_t from[32], const uint8_t to[32],
		    uint64_t amount, bool keep_alive, struct dn_ops_err *err);

/* ---- stake (staking/add_stake.rs, remove_stake.rs, move_stake.rs) ------ */

/* do_add_stake: buys alpha with `tao` rao (fee to the block author) and
 * credits it to (hotkey, coldkey) on netuid; on root, TAO stake 1:1 with
 * the RootClaimed adjustment and the auto-claim index. *alpha_out (may be
 * NULL) gets the alpha staked. The coldkey keeps the existential deposit
 * (transfer_tao_to_subnet preserves it: the amount is capped at free -
 * ED). Errors: InsufficientLiquidity (tao above 1000 x SubnetTAO, a swap
 * the pool refuses, zero output), SubnetNotExists, SubtokenDisabled,
 * AmountTooLow (below min stake + its fee, or executing below min stake),
 * NotEnoughBalanceToStake, HotKeyAccountNotExists, InsufficientBalance,
 * and the swap's errors. */
int dn_ops_add_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
		     uint16_t netuid, uint64_t tao, uint64_t *alpha_out, struct dn_ops_err *err);

/* do_add_stake_limit: as dn_ops_add_stake with a limit price (rao per
 * alpha): the amount is capped at get_max_amount_add(limit); without
 * allow_partial a larger amount is SlippageTooHigh. */
int dn_ops_add_stake_limit(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			   uint16_t netuid, uint64_t tao, uint64_t limit_price, bool allow_partial,
			   uint64_t *alpha_out, struct dn_ops_err *err);

/* do_remove_stake: sells min(alpha, the coldkey's stake) for TAO paid to
 * the coldkey; the alpha fee is sold fee-free and its TAO paid to the
 * author. *tao_out (may be NULL) gets the TAO received. Errors:
 * SubtokenDisabled, InsufficientLiquidity, SubnetNotExists, AmountTooLow
 * (nothing to sell, or a partial unstake worth less than min stake),
 * HotKeyAccountNotExists, and the swap's errors. */
int dn_ops_remove_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			uint16_t netuid, uint64_t alpha, uint64_t *tao_out, struct dn_ops_err *err);

/* do_remove_stake_limit: with a limit price (rao per alpha) and
 * get_max_amount_remove; NotEnoughStakeToWithdraw above the stake,
 * SlippageTooHigh above the limit without allow_partial. */
int dn_ops_remove_stake_limit(struct dn_chain *c, const uint8_t coldkey[32],
			      const uint8_t hotkey[32], uint16_t netuid, uint64_t alpha,
			      uint64_t limit_price, bool allow_partial, uint64_t *tao_out,
			      struct dn_ops_err *err);

/* do_move_stake: min(alpha, stake) of the coldkey's stake from
 * (origin_hotkey, origin_netuid) to (dest_hotkey, dest_netuid). Same
 * subnet: a share transfer, no swap, worth at least min stake at the spot
 * price. Across subnets: sold (fee dropped when leaving root) then bought
 * (fee dropped otherwise) when the TAO reaches min stake. *tao_out (may be
 * NULL) gets the TAO value moved. Errors: SameNetuid, SubnetNotExists,
 * SubtokenDisabled, HotKeyAccountNotExists, NotEnoughStakeToWithdraw,
 * AmountTooLow, InsufficientLiquidity, and those of the two legs. */
int dn_ops_move_stake(struct dn_chain *c, const uint8_t coldkey[32],
		      const uint8_t origin_hotkey[32], const uint8_t dest_hotkey[32],
		      uint16_t origin_netuid, uint16_t dest_netuid, uint64_t alpha,
		      uint64_t *tao_out, struct dn_ops_err *err);

/* do_swap_stake: min(alpha, stake) of the coldkey's stake on the same
 * hotkey moved from origin_netuid to dest_netuid, as dn_ops_move_stake
 * across subnets (sold, then bought when the TAO reaches min stake). With
 * limit_price != 0, do_swap_stake_limit: limit_price is the price of the
 * origin's alpha in the destination's (rao per alpha, origin price /
 * destination price); the amount is capped at get_max_amount_move
 * (dn_pool_max_move) and, without allow_partial, an amount above that cap
 * is SlippageTooHigh. *alpha_out (may be NULL) gets the alpha received on
 * dest_netuid (0 when the TAO was below min stake and not restaked).
 * Errors: SameNetuid, SubnetNotExists, SubtokenDisabled,
 * HotKeyAccountNotExists, InsufficientLiquidity, AmountTooLow (worth not
 * above min stake), SlippageTooHigh, the swap's errors (the cap's
 * simulation included). */
int dn_ops_swap_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
		      uint16_t origin_netuid, uint16_t dest_netuid, uint64_t alpha,
		      uint64_t limit_price, bool allow_partial, uint64_t *alpha_out,
		      struct dn_ops_err *err);

/* ---- delegate take (staking/increase_take.rs, decrease_take.rs) -------- */

/* do_increase_take / do_decrease_take: the hotkey's owner sets its take
 * (fraction of 65535). Errors: HotKeyAccountNotExists, NonAssociatedColdKey,
 * DelegateTakeTooLow (not above / below the current take, or below
 * MinDelegateTake), DelegateTakeTooHigh (above MaxDelegateTake),
 * DelegateTxRateLimitExceeded (an increase within TxDelegateTakeRateLimit
 * blocks of the last change). */
int dn_ops_increase_take(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			 uint16_t take, struct dn_ops_err *err);
int dn_ops_decrease_take(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			 uint16_t take, struct dn_ops_err *err);

/* ---- subnets (subnets/subnet.rs, subnets/registration.rs) -------------- */

/* do_register_network (mechanism 1): pays the lock cost into a new subnet
 * at the lowest free netuid, seeds its pool at the median price, gives the
 * owner hotkey uid 0, leaves emission disabled and the subtoken off until
 * start_call. *netuid_out (may be NULL) gets the netuid. Errors:
 * NonAssociatedColdKey, NetworkTxRateLimitExceeded, SubnetLimitReached,
 * CannotAffordLockCost, taodev's NotModelled (a subnet would be
 * dissolved), InsufficientBalance (the deposit cannot be kept). */
int dn_ops_register_network(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			    uint16_t *netuid_out, struct dn_ops_err *err);

/* do_start_call: the owner starts emission (FirstEmissionBlockNumber =
 * block + 1, SubtokenEnabled). Errors: SubnetNotExists, BadOrigin,
 * FirstEmissionBlockNumberAlreadySet, NeedWaitingMoreBlocksToStarCall. */
int dn_ops_start_call(struct dn_chain *c, const uint8_t coldkey[32], uint16_t netuid,
		      struct dn_ops_err *err);

/* do_register (burned_register): pays Burn into the subnet, buys alpha
 * with it through the pool (fee left in the subnet account) and destroys
 * that alpha; appends a uid or replaces the one get_neuron_to_prune picks;
 * bumps the burn. *uid_out (may be NULL) gets the uid. Errors:
 * RegistrationNotPermittedOnRootSubnet, SubnetNotExists,
 * SubNetRegistrationDisabled, HotKeyAlreadyRegisteredInSubNet,
 * NotEnoughBalanceToStake, NonAssociatedColdKey, NoNeuronIdAvailable,
 * InsufficientBalance, and the swap's errors. */
int dn_ops_burned_register(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			   uint16_t netuid, uint16_t *uid_out, struct dn_ops_err *err);

/* ---- weights (subnets/weights.rs internal_set_weights) ----------------- */

/* do_set_weights by a registered hotkey: the guards (CheckWeights' min
 * stake, then CheckRateLimits' rate limit for a registered hotkey when
 * commit-reveal is off), then every check of internal_set_weights in its
 * order, the max-upscale transform, the row stored in the order given,
 * and LastUpdate = block unless commit-reveal is on (then the rate limit
 * is not checked either). The stake check (check_weights_min_stake)
 * exempts the subnet owner hotkey's uid. Errors: CanNotSetRootNetworkWeights,
 * WeightVecNotEqualSize, MechanismDoesNotExist, UidsLengthExceedUidsInSubNet,
 * HotKeyNotRegisteredInSubNet, NotEnoughStakeToSetWeights,
 * IncorrectWeightVersionKey, SettingWeightsTooFast, NeuronNoValidatorPermit,
 * DuplicateUids, UidVecContainInvalidOne, WeightVecLengthIsLow,
 * MaxWeightExceeded. */
int dn_ops_set_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
		       const uint16_t *uids, size_t nuids, const uint16_t *values, size_t nvalues,
		       uint64_t version_key, struct dn_ops_err *err);

/* ---- commit-reveal (subnets/weights.rs, hash commits) ------------------ */

/* The commit hash of a reveal: BlakeTwo256 of the SCALE encoding of
 * (hotkey, netuid, uids, values, salt, version_key), as the chain's
 * get_commit_hash computes it (netuid as the u16 NetUidStorageIndex of
 * mechanism 0, the vectors compact-length prefixed). */
void dn_ops_commit_hash(const uint8_t hotkey[32], uint16_t netuid, const uint16_t *uids,
			size_t nuids, const uint16_t *values, size_t nvalues, const uint16_t *salt,
			size_t nsalt, uint64_t version_key, uint8_t out[32]);

/* do_commit_weights: a registered hotkey appends a hash commit tagged with
 * the current epoch (SubnetEpochIndex, plus one when an epoch slot fires
 * this block) and the block to its WeightCommits queue, after dropping the
 * expired commits at the front (current epoch > commit epoch +
 * RevealPeriodEpochs); LastUpdate = block. Checks in the runtime's order:
 * CheckWeights' min stake (NotEnoughStakeToSetWeights), CheckRateLimits'
 * rate limit for a registered hotkey (CommittingWeightsTooFast), then
 * MechanismDoesNotExist, CommitRevealDisabled, HotKeyNotRegisteredInSubNet,
 * CommittingWeightsTooFast (WeightsSetRateLimit since LastUpdate),
 * TooManyUnrevealedCommits (10 left after the expired ones went). */
int dn_ops_commit_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
			  const uint8_t commit_hash[32], struct dn_ops_err *err);

/* do_reveal_weights: reveals a commit in its reveal epoch (exactly commit
 * epoch + RevealPeriodEpochs), drops it with every older one, then sets
 * the weights as internal_set_weights does (without its guards; LastUpdate
 * is left, commit-reveal being on). Checks in the runtime's order:
 * CheckWeights' min stake (NotEnoughStakeToSetWeights) and reveal check
 * (NoWeightsCommitFound when the hotkey has no queue or no commit of it has
 * the hash, expired ones included; RevealTooEarly when the first commit
 * with the hash is not in its reveal epoch: too early or expired), then
 * the body: CommitRevealDisabled and the set_weights errors. Behind that
 * guard the body's own ExpiredWeightCommit, InvalidRevealCommitHashNotMatch
 * (and its NoWeightsCommitFound and RevealTooEarly) cannot occur. */
int dn_ops_reveal_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
			  const uint16_t *uids, size_t nuids, const uint16_t *values,
			  size_t nvalues, const uint16_t *salt, size_t nsalt, uint64_t version_key,
			  struct dn_ops_err *err);

/* ---- serving (subnets/serving.rs) -------------------------------------- */

/* do_serve_axon by a registered hotkey (struct dn_axon is in subnet.h):
 * stores version, ip, port, ip_type, protocol and the placeholders with
 * block = now in the uid's axon (axon->block is ignored; no certificate).
 * Errors (validate_serve_axon, which CheckServingEndpoints also runs):
 * HotKeyNotRegisteredInNetwork (a missing subnet included), InvalidIpType
 * (not 4 or 6), InvalidIpAddress (IPv4 >= u32::MAX or 127.0.0.1, IPv6
 * u128::MAX or ::1; 0 is allowed), ServingRateLimitExceeded (fewer than
 * ServingRateLimit blocks since the last serve; 0 = no limit),
 * InvalidPort (port 0). */
int dn_ops_serve_axon(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
		      const struct dn_axon *axon, struct dn_ops_err *err);

/* ---- hyperparameters (admin-utils, utils/misc.rs) ---------------------- */

/* do_set_alpha_values (epoch/run_epoch.rs) by the subnet owner or sudo:
 * needs liquid alpha on; 65535/40 = 1638 <= alpha_low <= alpha_high.
 * Errors: SubnetNotExists, BadOrigin, LiquidAlphaDisabled, AlphaHighTooLow,
 * AlphaLowOutOfRange. */
int dn_ops_set_alpha_values(struct dn_chain *c, const uint8_t origin[32], uint16_t netuid,
			    uint16_t alpha_low, uint16_t alpha_high, struct dn_ops_err *err);

/* The hyperparameters a scenario sets. */
enum dn_hparam {
	DN_HP_TEMPO, /* owner: do_set_tempo (bounds, freeze window), cycle reset */
	DN_HP_EMISSION_ENABLED, /* sudo: sudo_set_subnet_emission_enabled */
	DN_HP_KAPPA, /* sudo */
	DN_HP_BONDS_MOVING_AVERAGE, /* owner */
	DN_HP_BONDS_PENALTY, /* owner */
	DN_HP_BONDS_RESET, /* owner */
	DN_HP_YUMA3, /* owner */
	DN_HP_LIQUID_ALPHA, /* owner */
	DN_HP_ALPHA_SIGMOID_STEEPNESS, /* owner (a signed value, as i16 bits) */
	DN_HP_MAX_ALLOWED_VALIDATORS, /* sudo, <= MaxAllowedUids */
	DN_HP_MAX_ALLOWED_UIDS, /* sudo, >= n */
	DN_HP_MIN_ALLOWED_WEIGHTS, /* owner */
	DN_HP_MAX_WEIGHTS_LIMIT, /* owner */
	DN_HP_IMMUNITY_PERIOD, /* owner */
	DN_HP_ACTIVITY_CUTOFF_MILLI, /* owner */
	DN_HP_COMMIT_REVEAL, /* owner */
	DN_HP_WEIGHTS_RATE_LIMIT, /* sudo */
	DN_HP_WEIGHTS_VERSION_KEY, /* owner */
	DN_HP_REGISTRATION_ALLOWED, /* sudo */
	DN_HP_MIN_BURN, /* owner */
	DN_HP_MAX_BURN, /* owner */
	DN_HP_BURN, /* sudo: the current Burn */
	DN_HP_STAKE_THRESHOLD, /* sudo, chain-wide (netuid ignored) */
	DN_HP_COUNT
};

/* The name of a hyperparameter ("tempo", "kappa", ...) and its lookup
 * (DN_HP_COUNT when unknown). */
const char *dn_hparam_name(enum dn_hparam h);
enum dn_hparam dn_hparam_by_name(const char *name);

/* The admin-utils setter of hyperparameter h: the subnet owner (or sudo)
 * for owner parameters, sudo for sudo ones. Values are checked against
 * their type and the chain's bounds. Errors: SubnetNotExists, BadOrigin,
 * TempoOutOfBounds, AdminActionProhibitedDuringWeightsWindow (tempo),
 * taodev's EHPARAM (unknown parameter, value out of range). The owner
 * rate limits and the admin freeze window of the other owner setters are
 * not reproduced. */
int dn_ops_set_hparam(struct dn_chain *c, const uint8_t origin[32], uint16_t netuid,
		      enum dn_hparam h, int64_t value, struct dn_ops_err *err);

#endif
