/*
 * The operations accounts perform on the chain state (see ops.h): stake,
 * transfers, subnet and neuron registration, weights and their hash
 * commit-reveal, axons, takes and the hyperparameter setters, each the
 * body of a subtensor dispatchable behind the runtime's dispatch guards.
 *
 * Every operation is written in two phases: the checks, in the chain's
 * order, computing every swap on a copy of the pool (struct dn_pool is a
 * value); then the writes, which cannot fail. That is how "nothing changes
 * on error" holds without a journal.
 *
 * TAO bookkeeping against chain.h's invariants: a buy takes `tao` from the
 * coldkey, the pool gets paid_in, the author the fee, and what the swap
 * left unused stays in the subnet account (c->stranded); the chain adds
 * the gross amount to TotalStake, so the difference goes to
 * c->stake_excess. A sell's alpha fee is itself sold fee-free into the
 * pool for the author, or burned (held by no one: ledger.alpha_burned)
 * when the block has no author.
 */
#include "devnet/ops.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/chain_impl.h"
#include "devnet/codec.h"
#include "devnet/mathx.h"
#include "devnet/pool.h"
#include "devnet/xalloc.h"

static const char *const names[DN_OPS_ECODES + 1] = {
	"Ok",
	"InvalidArgument",
	"BadOrigin",
	"SubnetNotExists",
	"SubtokenDisabled",
	"AmountTooLow",
	"SlippageTooHigh",
	"NotEnoughBalanceToStake",
	"HotKeyAccountNotExists",
	"InsufficientLiquidity",
	"InsufficientBalance",
	"NotEnoughStakeToWithdraw",
	"NonAssociatedColdKey",
	"SameNetuid",
	"PriceLimitExceeded",
	"ReservesTooLow",
	"SwapInputTooLarge",
	"ReservesOutOfBalance",
	"FundsUnavailable",
	"BelowMinimum",
	"NotExpendable",
	"NetworkTxRateLimitExceeded",
	"SubnetLimitReached",
	"CannotAffordLockCost",
	"NotModelled",
	"FirstEmissionBlockNumberAlreadySet",
	"NeedWaitingMoreBlocksToStarCall",
	"RegistrationNotPermittedOnRootSubnet",
	"SubNetRegistrationDisabled",
	"HotKeyAlreadyRegisteredInSubNet",
	"NoNeuronIdAvailable",
	"CanNotSetRootNetworkWeights",
	"WeightVecNotEqualSize",
	"UidsLengthExceedUidsInSubNet",
	"HotKeyNotRegisteredInSubNet",
	"NotEnoughStakeToSetWeights",
	"IncorrectWeightVersionKey",
	"SettingWeightsTooFast",
	"NeuronNoValidatorPermit",
	"DuplicateUids",
	"UidVecContainInvalidOne",
	"WeightVecLengthIsLow",
	"MaxWeightExceeded",
	"DelegateTakeTooLow",
	"DelegateTakeTooHigh",
	"DelegateTxRateLimitExceeded",
	"LiquidAlphaDisabled",
	"AlphaHighTooLow",
	"AlphaLowOutOfRange",
	"TempoOutOfBounds",
	"AdminActionProhibitedDuringWeightsWindow",
	"InvalidHyperparameter",
	"MechanismDoesNotExist",
	"HotKeyNotRegisteredInNetwork",
	"InvalidIpType",
	"InvalidIpAddress",
	"InvalidPort",
	"ServingRateLimitExceeded",
	"CommitRevealDisabled",
	"CommittingWeightsTooFast",
	"TooManyUnrevealedCommits",
	"NoWeightsCommitFound",
	"InvalidRevealCommitHashNotMatch",
	"ExpiredWeightCommit",
	"RevealTooEarly",
};

const char *dn_ops_strerror(int err)
{
	if (err > 0 || err < -DN_OPS_ECODES)
		return "Unknown";
	return names[-err];
}

/* Fills *err with code and "Name: message"; returns code. */
static int fail(struct dn_ops_err *err, int code, const char *fmt, ...)
{
	if (err) {
		err->code = code;
		const char *name = dn_ops_strerror(code);
		size_t k = strlen(name);
		memcpy(err->msg, name, k);
		err->msg[k++] = ':';
		err->msg[k++] = ' ';
		va_list ap;
		va_start(ap, fmt);
		dn_chain_vfmt(err->msg + k, sizeof(err->msg) - k, fmt, ap);
		va_end(ap);
	}
	return code;
}

static void ok(struct dn_ops_err *err)
{
	if (err) {
		err->code = 0;
		memcpy(err->msg, "Ok", 3);
	}
}

/* The chain's swap errors (pallet_subtensor_swap::Error). */
static int pool_fail(struct dn_ops_err *err, int rc, uint16_t netuid)
{
	int code;
	switch (rc) {
	case DN_POOL_ELIMIT: code = DN_OPS_EPRICELIMIT; break;
	case DN_POOL_ERESERVES: code = DN_OPS_ERESERVES; break;
	case DN_POOL_EINPUT: code = DN_OPS_EINPUT; break;
	case DN_POOL_EBALANCE: code = DN_OPS_EOUTOFBALANCE; break;
	case DN_POOL_ELIQUIDITY: code = DN_OPS_ELIQUIDITY; break;
	default: code = DN_OPS_EINVAL; break;
	}
	return fail(err, code, "subnet %u: the swap fails (%s)", (uint64_t)netuid,
		    dn_pool_strerror(rc));
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
static uint64_t sat_sub(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }
static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	dn_u128 p = (dn_u128)a * b;
	return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

/* ---- accounts ---------------------------------------------------------- */

static uint64_t free_of(const struct dn_chain *c, uint32_t a)
{
	return a == DN_CHAIN_NONE ? 0 : c->acct[a].free;
}

/* reducible_balance(Preserve): what may leave while keeping the deposit. */
static uint64_t keep_alive_of(const struct dn_chain *c, uint32_t a)
{
	return sat_sub(free_of(c, a), c->p.existential_deposit);
}

/* The account of key, added with nothing when new (the chain creates
 * accounts on first use). */
static uint32_t ensure_account(struct dn_chain *c, const uint8_t key[32])
{
	uint32_t a = dn_chain_account(c, key);
	return a != DN_CHAIN_NONE ? a : dn_chain_add_account(c, key, 0);
}

static bool is_hotkey(const struct dn_chain *c, uint32_t hot)
{
	return hot != DN_CHAIN_NONE && dn_stake_owner(&c->stake, hot) != DN_STAKE_NONE;
}

/* SubtokenEnabled; root is enabled (migrate_set_subtoken_enabled). */
static bool subtoken_on(const struct dn_subnet *s)
{
	return s->netuid == 0 || s->em.subtoken_enabled;
}

/* ---- balances ---------------------------------------------------------- */

/* pallet_balances fungible transfer; DustRemoval = () burns a reaped
 * sender's dust, which transfer_allow_death_update_ti takes off
 * TotalIssuance too. */
int dn_ops_transfer(struct dn_chain *c, const uint8_t from[32], const uint8_t to[32],
		    uint64_t amount, bool keep_alive, struct dn_ops_err *err)
{
	if (!c || !from || !to)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t f = dn_chain_account(c, from), t = dn_chain_account(c, to);
	uint64_t ed = c->p.existential_deposit;
	if (amount == 0 || memcmp(from, to, 32) == 0) {
		ok(err);
		return 0;
	}
	uint64_t have = free_of(c, f);
	if (amount > have)
		return fail(err, DN_OPS_EFUNDS, "transfer of %u rao above the free balance %u",
			    amount, have);
	if (keep_alive && have - amount < ed)
		return fail(
			err, DN_OPS_ENOTEXPENDABLE,
			"keep-alive transfer of %u rao leaves %u, below the existential deposit "
			"%u",
			amount, have - amount, ed);
	if (free_of(c, t) == 0 && amount < ed)
		return fail(err, DN_OPS_EBELOWMIN,
			    "transfer of %u rao to an empty account is below the existential "
			    "deposit %u",
			    amount, ed);
	t = ensure_account(c, to);
	c->acct[f].free -= amount;
	c->acct[t].free += amount;
	uint64_t left = c->acct[f].free;
	if (left > 0 && left < ed) { /* reaped: the dust leaves the issuance */
		c->acct[f].free = 0;
		c->est.total_issuance -= left;
		c->est.balances_issuance -= left;
		c->recycled += left;
	}
	ok(err);
	return 0;
}

/* ---- the two legs of every stake change -------------------------------- */

/* A buy (stake_into_subnet) computed, not applied. */
struct buy {
	struct dn_subnet *s;
	uint64_t tao; /* rao leaving the coldkey (transfer_tao_to_subnet) */
	struct dn_pool pool; /* the pool after the swap */
	struct dn_swap sw;
};

/* movable: what the coldkey may move and keep the deposit */
static int plan_buy(struct dn_subnet *s, uint64_t movable, uint64_t tao, dn_u64f64 limit,
		    bool drop_fees, struct buy *b, struct dn_ops_err *err)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	/* transfer_tao_to_subnet: Preservation::Preserve */
	b->tao = tao < movable ? tao : movable;
	if (b->tao == 0)
		return fail(err, DN_OPS_EBALANCE,
			    "the coldkey can move 0 of %u rao and keep the existential deposit",
			    tao);
	if (s->netuid == 0) { /* mechanism 0: 1:1, no fee */
		b->sw.paid_in = b->sw.paid_out = b->tao;
	} else {
		b->pool = s->em.pool;
		int rc = dn_pool_swap(&b->pool, DN_BUY, b->tao, limit, drop_fees, &b->sw);
		if (rc)
			return pool_fail(err, rc, s->netuid);
	}
	if (b->sw.paid_out == 0)
		return fail(err, DN_OPS_EAMOUNTLOW, "%u rao buys no alpha on subnet %u", b->tao,
			    (uint64_t)s->netuid);
	if (b->sw.paid_out > (uint64_t)INT64_MAX)
		return fail(err, DN_OPS_ELIQUIDITY, "%u alpha does not fit the share pool",
			    b->sw.paid_out);
	return 0;
}

/* The TAO a buy moved: coldkey -> pool, author, subnet account. */
static void pay_buy(struct dn_chain *c, uint32_t cold, const struct buy *b)
{
	c->acct[cold].free -= b->tao;
	c->est.total_stake = sat_add(c->est.total_stake, b->tao);
	if (b->s->netuid == 0) {
		c->est.root_tao += b->tao;
		return;
	}
	b->s->em.pool = b->pool;
	c->stake_excess += b->tao - b->sw.paid_in;
	uint64_t kept = b->tao - b->sw.paid_in - b->sw.fee_to_author;
	if (c->author != DN_CHAIN_NONE)
		c->acct[c->author].free += b->sw.fee_to_author;
	else /* burn_tao: to the burn account */
		kept += b->sw.fee_to_author;
	c->stranded += kept;
}

static void apply_buy(struct dn_chain *c, uint32_t hot, uint32_t cold, const struct buy *b)
{
	pay_buy(c, cold, b);
	uint16_t netuid = b->s->netuid;
	dn_stake_deposit(&c->stake, hot, cold, netuid, b->sw.paid_out);
	if (netuid == 0) {
		dn_stake_root_added(&c->stake, hot, cold, b->sw.paid_out);
		dn_stake_claimer_add(&c->stake, cold);
	}
}

/* A sell (unstake_from_subnet) computed, not applied. */
struct sell {
	struct dn_subnet *s;
	uint64_t alpha;
	struct dn_pool pool;
	struct dn_swap sw; /* the sale */
	struct dn_swap bb; /* the author's fee sold fee-free (author set, fee > 0) */
	bool bb_done;
};

static int plan_sell(const struct dn_chain *c, struct dn_subnet *s, uint64_t alpha, dn_u64f64 limit,
		     bool drop_fees, struct sell *p, struct dn_ops_err *err)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->alpha = alpha;
	if (s->netuid == 0) {
		p->sw.paid_in = p->sw.paid_out = alpha;
		return 0;
	}
	p->pool = s->em.pool;
	int rc = dn_pool_swap(&p->pool, DN_SELL, alpha, limit, drop_fees, &p->sw);
	if (rc)
		return pool_fail(err, rc, s->netuid);
	if (c->author != DN_CHAIN_NONE && p->sw.fee_to_author > 0) {
		rc = dn_pool_swap(&p->pool, DN_SELL, p->sw.fee_to_author,
				  dn_pool_limit_from_rao(DN_POOL_MIN_PRICE_RAO), true, &p->bb);
		if (rc)
			return pool_fail(err, rc, s->netuid);
		p->bb_done = true;
	}
	return 0;
}

static void apply_sell(struct dn_chain *c, uint32_t hot, uint32_t cold, const struct sell *p)
{
	uint16_t netuid = p->s->netuid;
	dn_stake_withdraw(&c->stake, hot, cold, netuid, p->alpha);
	uint64_t used = p->sw.paid_in + p->sw.fee;
	if (p->alpha > used) /* the limit left some: back to the stake */
		dn_stake_deposit(&c->stake, hot, cold, netuid, p->alpha - used);
	c->acct[cold].free += p->sw.paid_out;
	c->est.total_stake = sat_sub(c->est.total_stake, p->sw.paid_out);
	if (netuid == 0) {
		c->est.root_tao -= p->sw.paid_out;
		dn_stake_root_removed(&c->stake, hot, cold, p->alpha);
		if (!dn_stake_has_root(&c->stake, cold))
			dn_stake_claimer_remove(&c->stake, cold);
		return;
	}
	p->s->em.pool = p->pool;
	uint64_t fee_left = p->sw.fee; /* alpha still counted in SubnetAlphaOut */
	if (p->bb_done) {
		c->acct[c->author].free += p->bb.paid_out;
		c->est.total_stake = sat_sub(c->est.total_stake, p->bb.paid_out);
		fee_left -= p->bb.paid_in;
	}
	/* burn_subnet_alpha: issuance unchanged, held by no one */
	p->s->ledger.alpha_burned += fee_left;
}

/* ---- add_stake --------------------------------------------------------- */

/* ensure_add_stake_input_within_swap_limit */
static int add_cap(const struct dn_subnet *s, uint64_t tao, struct dn_ops_err *err)
{
	if (s && s->netuid != 0 && s->em.pool.dynamic) {
		uint64_t cap = sat_mul(s->em.pool.tao, DN_POOL_INPUT_CAP);
		if (tao > cap)
			return fail(err, DN_OPS_ELIQUIDITY,
				    "stake %u rao above 1000 x SubnetTAO = %u on subnet %u", tao,
				    cap, (uint64_t)s->netuid);
	}
	return 0;
}

/* validate_add_stake; *stake is clamped to max_amount with allow_partial. */
static int validate_add(const struct dn_chain *c, uint32_t cold, uint32_t hot,
			const struct dn_subnet *s, uint16_t netuid, uint64_t *stake,
			uint64_t max_amount, bool allow_partial, struct dn_ops_err *err)
{
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	if (!subtoken_on(s))
		return fail(err, DN_OPS_ESUBTOKEN, "subnet %u has not started (start_call)",
			    (uint64_t)netuid);
	uint64_t min_stake = c->p.min_stake;
	uint64_t min_amount = min_stake;
	struct dn_swap sw;
	if (netuid != 0) {
		uint64_t fee = dn_pool_sim_swap(&s->em.pool, DN_BUY, min_stake, &sw) == 0
				       ? sw.fee
				       : dn_pool_fee(&s->em.pool, min_stake, false);
		min_amount = sat_add(min_stake, fee);
	}
	if (*stake < min_amount)
		return fail(err, DN_OPS_EAMOUNTLOW,
			    "stake %u rao is below the minimum %u (min stake %u + its fee)", *stake,
			    min_amount, min_stake);
	if (!allow_partial && *stake > max_amount)
		return fail(err, DN_OPS_ESLIPPAGE,
			    "stake %u rao above the %u the limit price allows", *stake, max_amount);
	if (*stake > max_amount)
		*stake = max_amount;
	if (*stake > free_of(c, cold))
		return fail(err, DN_OPS_ESTAKEBALANCE, "stake %u rao above the free balance %u",
			    *stake, free_of(c, cold));
	if (!is_hotkey(c, hot))
		return fail(err, DN_OPS_EHOTKEY, "the hotkey has no owner");
	if (netuid == 0) {
		sw.paid_in = sw.paid_out = *stake;
	} else if (dn_pool_sim_swap(&s->em.pool, DN_BUY, *stake, &sw)) {
		return fail(err, DN_OPS_ELIQUIDITY, "subnet %u cannot swap %u rao",
			    (uint64_t)netuid, *stake);
	}
	if (sw.paid_in < min_stake)
		return fail(err, DN_OPS_EAMOUNTLOW,
			    "the swap executes %u rao, below the minimum stake %u", sw.paid_in,
			    min_stake);
	if (sw.paid_out == 0)
		return fail(err, DN_OPS_ELIQUIDITY, "%u rao buys no alpha on subnet %u", *stake,
			    (uint64_t)netuid);
	return 0;
}

static int add_stake(struct dn_chain *c, const uint8_t ck[32], const uint8_t hk[32],
		     uint16_t netuid, uint64_t tao, bool limited, uint64_t limit_price,
		     bool allow_partial, uint64_t *alpha_out, struct dn_ops_err *err)
{
	if (!c || !ck || !hk)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t cold = dn_chain_account(c, ck), hot = dn_chain_account(c, hk);
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	int rc = add_cap(s, tao, err);
	if (rc)
		return rc;
	uint64_t max_amount = tao, possible = tao;
	uint64_t limit_rao = limited ? limit_price : DN_POOL_MAX_PRICE_RAO;
	if (limited) {
		if (!s)
			return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist",
				    (uint64_t)netuid);
		const struct dn_pool *pool = &s->em.pool;
		struct dn_pool root_pool;
		if (netuid == 0) { /* root: no slippage */
			dn_pool_init(&root_pool, false, 0, 0, c->p.min_reserve);
			pool = &root_pool;
		}
		rc = dn_pool_max_add(pool, limit_price, &max_amount);
		if (rc)
			return pool_fail(err, rc, netuid);
		if (possible > max_amount)
			possible = max_amount;
	}
	uint64_t checked = tao;
	rc = validate_add(c, cold, hot, s, netuid, &checked, max_amount, allow_partial, err);
	if (rc)
		return rc;
	struct buy b;
	rc = plan_buy(s, keep_alive_of(c, cold), possible, dn_pool_limit_from_rao(limit_rao), false,
		      &b, err);
	if (rc)
		return rc;
	apply_buy(c, hot, cold, &b);
	if (alpha_out)
		*alpha_out = b.sw.paid_out;
	ok(err);
	return 0;
}

/* subtensor do_add_stake */
int dn_ops_add_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
		     uint16_t netuid, uint64_t tao, uint64_t *alpha_out, struct dn_ops_err *err)
{
	return add_stake(c, coldkey, hotkey, netuid, tao, false, 0, false, alpha_out, err);
}

/* subtensor do_add_stake_limit */
int dn_ops_add_stake_limit(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			   uint16_t netuid, uint64_t tao, uint64_t limit_price, bool allow_partial,
			   uint64_t *alpha_out, struct dn_ops_err *err)
{
	return add_stake(c, coldkey, hotkey, netuid, tao, true, limit_price, allow_partial,
			 alpha_out, err);
}

/* ---- remove_stake ------------------------------------------------------ */

/* validate_remove_stake */
static int validate_remove(const struct dn_chain *c, uint32_t cold, uint32_t hot,
			   const struct dn_subnet *s, uint16_t netuid, uint64_t alpha,
			   uint64_t max_amount, bool allow_partial, struct dn_ops_err *err)
{
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	if (alpha == 0)
		return fail(err, DN_OPS_EAMOUNTLOW, "nothing to unstake on subnet %u",
			    (uint64_t)netuid);
	uint64_t have = (hot == DN_CHAIN_NONE || cold == DN_CHAIN_NONE)
				? 0
				: dn_stake_of(&c->stake, hot, cold, netuid);
	if (alpha > have)
		return fail(err, DN_OPS_EWITHDRAW, "unstake %u above the stake %u on subnet %u",
			    alpha, have, (uint64_t)netuid);
	struct dn_swap sw;
	if (netuid == 0)
		sw.paid_out = alpha;
	else if (dn_pool_sim_swap(&s->em.pool, DN_SELL, alpha, &sw))
		return fail(err, DN_OPS_ELIQUIDITY, "subnet %u cannot swap %u alpha",
			    (uint64_t)netuid, alpha);
	if (have - alpha != 0 && sw.paid_out < c->p.min_stake)
		return fail(err, DN_OPS_EAMOUNTLOW,
			    "a partial unstake worth %u rao is below the minimum stake %u",
			    sw.paid_out, c->p.min_stake);
	if (!allow_partial && alpha > max_amount)
		return fail(err, DN_OPS_ESLIPPAGE, "unstake %u above the %u the limit price allows",
			    alpha, max_amount);
	if (!is_hotkey(c, hot))
		return fail(err, DN_OPS_EHOTKEY, "the hotkey has no owner");
	return 0;
}

/* ensure_remove_stake_input_within_swap_limit */
static int remove_cap(const struct dn_subnet *s, uint64_t alpha, struct dn_ops_err *err)
{
	if (s && s->netuid != 0 && s->em.pool.dynamic) {
		uint64_t cap = sat_mul(s->em.pool.alpha_in, DN_POOL_INPUT_CAP);
		if (alpha > cap)
			return fail(err, DN_OPS_ELIQUIDITY,
				    "unstake %u above 1000 x SubnetAlphaIn = %u on subnet %u",
				    alpha, cap, (uint64_t)s->netuid);
	}
	return 0;
}

/* subtensor do_remove_stake */
int dn_ops_remove_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			uint16_t netuid, uint64_t alpha, uint64_t *tao_out, struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t cold = dn_chain_account(c, coldkey), hot = dn_chain_account(c, hotkey);
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	/* ensure_subtoken_enabled reads a storage default for a missing subnet */
	if (!s || !subtoken_on(s))
		return fail(err, DN_OPS_ESUBTOKEN, "subnet %u has not started", (uint64_t)netuid);
	uint64_t have = (hot == DN_CHAIN_NONE || cold == DN_CHAIN_NONE)
				? 0
				: dn_stake_of(&c->stake, hot, cold, netuid);
	if (alpha > have)
		alpha = have;
	int rc = remove_cap(s, alpha, err);
	if (!rc)
		rc = validate_remove(c, cold, hot, s, netuid, alpha, alpha, false, err);
	struct sell p;
	if (!rc)
		rc = plan_sell(c, s, alpha, dn_pool_limit_from_rao(DN_POOL_MIN_PRICE_RAO), false,
			       &p, err);
	if (rc)
		return rc;
	apply_sell(c, hot, cold, &p);
	if (tao_out)
		*tao_out = p.sw.paid_out;
	ok(err);
	return 0;
}

/* subtensor do_remove_stake_limit */
int dn_ops_remove_stake_limit(struct dn_chain *c, const uint8_t coldkey[32],
			      const uint8_t hotkey[32], uint16_t netuid, uint64_t alpha,
			      uint64_t limit_price, bool allow_partial, uint64_t *tao_out,
			      struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t cold = dn_chain_account(c, coldkey), hot = dn_chain_account(c, hotkey);
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	int rc = remove_cap(s, alpha, err);
	if (rc)
		return rc;
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	uint64_t max_amount;
	struct dn_pool root_pool;
	const struct dn_pool *pool = &s->em.pool;
	if (netuid == 0) {
		dn_pool_init(&root_pool, false, 0, 0, c->p.min_reserve);
		pool = &root_pool;
	}
	rc = dn_pool_max_remove(pool, limit_price, &max_amount);
	if (rc)
		return pool_fail(err, rc, netuid);
	uint64_t possible = alpha < max_amount ? alpha : max_amount;
	rc = validate_remove(c, cold, hot, s, netuid, alpha, max_amount, allow_partial, err);
	struct sell p;
	if (!rc)
		rc = plan_sell(c, s, possible, dn_pool_limit_from_rao(limit_price), false, &p, err);
	if (rc)
		return rc;
	apply_sell(c, hot, cold, &p);
	if (tao_out)
		*tao_out = p.sw.paid_out;
	ok(err);
	return 0;
}

/* ---- move_stake -------------------------------------------------------- */

/* transfer_stake_within_subnet's tao_equivalent: price * alpha, saturating. */
static uint64_t spot_value(const struct dn_subnet *s, uint64_t alpha)
{
	dn_u64f64 price = s->netuid == 0 ? (dn_u64f64)1 << 64 : dn_pool_price(&s->em.pool);
	dn_u128 hi = (price >> 64) * alpha;
	dn_u128 lo = ((price & UINT64_MAX) * (dn_u128)alpha) >> 64;
	dn_u128 v = hi + lo;
	return (hi > UINT64_MAX || v > UINT64_MAX) ? UINT64_MAX : (uint64_t)v;
}

/* A netuid's pool as get_max_amount_move reads it: root, stable or a
 * missing subnet (SubnetMechanism's default 0) have no slippage. */
static const struct dn_pool *move_pool(const struct dn_chain *c, const struct dn_subnet *s,
				       struct dn_pool *stable)
{
	if (s && s->netuid != 0)
		return &s->em.pool;
	dn_pool_init(stable, false, 0, 0, c->p.min_reserve);
	return stable;
}

/* Where a stake transition goes and what it gives. */
struct move {
	uint16_t origin_netuid, dest_netuid;
	uint64_t alpha; /* asked for */
	bool limited; /* do_swap_stake_limit: max_amount and allow_partial apply */
	uint64_t limit_price; /* rao, origin price / destination price */
	bool allow_partial;
	uint64_t tao; /* out: TAO value moved */
	uint64_t alpha_bought; /* out: alpha received on the destination (across subnets) */
};

/* subtensor transition_stake_internal with the same coldkey on both sides
 * (do_move_stake, do_swap_stake, do_swap_stake_limit; staking/
 * move_stake.rs), validate_stake_transition (staking/stake_utils.rs)
 * included */
static int transition(struct dn_chain *c, const uint8_t coldkey[32],
		      const uint8_t origin_hotkey[32], const uint8_t dest_hotkey[32],
		      struct move *m, struct dn_ops_err *err)
{
	uint16_t origin_netuid = m->origin_netuid, dest_netuid = m->dest_netuid;
	uint32_t cold = dn_chain_account(c, coldkey);
	uint32_t oh = dn_chain_account(c, origin_hotkey), dh = dn_chain_account(c, dest_hotkey);
	struct dn_subnet *os = dn_chain_subnet(c, origin_netuid);
	struct dn_subnet *ds = dn_chain_subnet(c, dest_netuid);
	/* alpha_amount capped at the stake available */
	uint64_t have = (oh == DN_CHAIN_NONE || cold == DN_CHAIN_NONE)
				? 0
				: dn_stake_of(&c->stake, oh, cold, origin_netuid);
	uint64_t alpha = m->alpha < have ? m->alpha : have;
	bool cross = origin_netuid != dest_netuid;

	/* the cap the limit price allows (get_max_amount_move), before the
	 * validation as the chain computes it */
	uint64_t max_amount = alpha;
	if (cross && m->limited) {
		struct dn_pool sf, st;
		int rc = dn_pool_max_move(move_pool(c, os, &sf), move_pool(c, ds, &st),
					  m->limit_price, &max_amount);
		if (rc)
			return pool_fail(err, rc, origin_netuid);
	}

	/* validate_stake_transition */
	if (memcmp(origin_hotkey, dest_hotkey, 32) == 0 && !cross)
		return fail(err, DN_OPS_ESAMENETUID, "moving stake to itself on subnet %u",
			    (uint64_t)origin_netuid);
	if (!os || !ds)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist",
			    (uint64_t)(os ? dest_netuid : origin_netuid));
	if (!subtoken_on(os) || !subtoken_on(ds))
		return fail(err, DN_OPS_ESUBTOKEN, "subnet %u has not started",
			    (uint64_t)(subtoken_on(os) ? dest_netuid : origin_netuid));
	if (!is_hotkey(c, oh) || !is_hotkey(c, dh))
		return fail(err, DN_OPS_EHOTKEY, "the %s hotkey has no owner",
			    is_hotkey(c, oh) ? "destination" : "origin");
	if (alpha > have)
		return fail(err, DN_OPS_EWITHDRAW, "moving %u alpha above the stake %u", alpha,
			    have);
	if (cross) {
		struct dn_swap sw;
		if (origin_netuid == 0)
			sw.paid_out = alpha;
		else if (dn_pool_sim_swap(&os->em.pool, DN_SELL, alpha, &sw))
			return fail(err, DN_OPS_ELIQUIDITY, "subnet %u cannot swap %u alpha",
				    (uint64_t)origin_netuid, alpha);
		if (sw.paid_out <= c->p.min_stake)
			return fail(err, DN_OPS_EAMOUNTLOW,
				    "moving %u alpha is worth %u rao, not above the minimum stake "
				    "%u",
				    alpha, sw.paid_out, c->p.min_stake);
		if (m->limited && !m->allow_partial && alpha > max_amount)
			return fail(err, DN_OPS_ESLIPPAGE,
				    "moving %u alpha above the %u the limit price allows", alpha,
				    max_amount);
	}
	uint64_t amount = alpha < max_amount ? alpha : max_amount;

	if (!cross) { /* transfer_stake_within_subnet */
		uint64_t value = spot_value(os, amount);
		if (value < c->p.min_stake)
			return fail(err, DN_OPS_EAMOUNTLOW,
				    "moving %u alpha is worth %u rao, below the minimum stake %u",
				    amount, value, c->p.min_stake);
		dn_stake_withdraw(&c->stake, oh, cold, origin_netuid, amount);
		if (origin_netuid == 0)
			dn_stake_root_removed(&c->stake, oh, cold, amount);
		dn_stake_deposit(&c->stake, dh, cold, origin_netuid, amount);
		if (origin_netuid == 0)
			dn_stake_root_added(&c->stake, dh, cold, amount);
		m->tao = value;
		m->alpha_bought = 0;
		return 0;
	}

	/* sell on the origin (fee dropped when leaving root), buy on the
	 * destination (fee dropped otherwise); both computed first */
	bool drop_origin = origin_netuid == 0;
	struct sell p;
	int rc = plan_sell(c, os, amount, dn_pool_limit_from_rao(DN_POOL_MIN_PRICE_RAO),
			   drop_origin, &p, err);
	if (rc)
		return rc;
	uint64_t tao = p.sw.paid_out;
	struct buy b;
	bool buying = tao >= c->p.min_stake;
	if (buying) {
		/* the buy sees the coldkey after the sale and the destination
		 * pool (a different subnet: untouched by the sale) */
		uint64_t movable =
			sat_sub(sat_add(free_of(c, cold), tao), c->p.existential_deposit);
		rc = plan_buy(ds, movable, tao, dn_pool_limit_from_rao(DN_POOL_MAX_PRICE_RAO),
			      !drop_origin, &b, err);
		if (rc)
			return rc;
	}
	apply_sell(c, oh, cold, &p);
	if (buying)
		apply_buy(c, dh, cold, &b);
	m->tao = tao;
	m->alpha_bought = buying ? b.sw.paid_out : 0;
	return 0;
}

/* subtensor do_move_stake */
int dn_ops_move_stake(struct dn_chain *c, const uint8_t coldkey[32],
		      const uint8_t origin_hotkey[32], const uint8_t dest_hotkey[32],
		      uint16_t origin_netuid, uint16_t dest_netuid, uint64_t alpha,
		      uint64_t *tao_out, struct dn_ops_err *err)
{
	if (!c || !coldkey || !origin_hotkey || !dest_hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	struct move m = {
		.origin_netuid = origin_netuid, .dest_netuid = dest_netuid, .alpha = alpha};
	int rc = transition(c, coldkey, origin_hotkey, dest_hotkey, &m, err);
	if (rc)
		return rc;
	if (tao_out)
		*tao_out = m.tao;
	ok(err);
	return 0;
}

/* subtensor do_swap_stake and do_swap_stake_limit */
int dn_ops_swap_stake(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
		      uint16_t origin_netuid, uint16_t dest_netuid, uint64_t alpha,
		      uint64_t limit_price, bool allow_partial, uint64_t *alpha_out,
		      struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	struct move m = {.origin_netuid = origin_netuid,
			 .dest_netuid = dest_netuid,
			 .alpha = alpha,
			 .limited = limit_price != 0,
			 .limit_price = limit_price,
			 .allow_partial = allow_partial};
	int rc = transition(c, coldkey, hotkey, hotkey, &m, err);
	if (rc)
		return rc;
	if (alpha_out)
		*alpha_out = m.alpha_bought;
	ok(err);
	return 0;
}

/* ---- delegate take ----------------------------------------------------- */

/* What both take setters start with: the keys resolved, do_take_checks
 * (the hotkey exists and belongs to the coldkey), the current take. */
static int take_begin(const struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
		      uint32_t *hot, uint16_t *cur, struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t cold = dn_chain_account(c, coldkey);
	*hot = dn_chain_account(c, hotkey);
	if (!is_hotkey(c, *hot))
		return fail(err, DN_OPS_EHOTKEY, "the hotkey has no owner");
	if (dn_stake_owner(&c->stake, *hot) != cold)
		return fail(err, DN_OPS_ENONASSOC, "the hotkey belongs to another coldkey");
	*cur = dn_stake_take(&c->stake, *hot);
	return 0;
}

/* subtensor do_increase_take; the rate limit is exceeds_tx_delegate_take_rate_limit */
int dn_ops_increase_take(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			 uint16_t take, struct dn_ops_err *err)
{
	uint32_t hot;
	uint16_t cur;
	int rc = take_begin(c, coldkey, hotkey, &hot, &cur, err);
	if (rc)
		return rc;
	if (take <= cur)
		return fail(err, DN_OPS_ETAKELOW, "take %u is not above the current %u",
			    (uint64_t)take, (uint64_t)cur);
	if (take > c->p.max_take)
		return fail(err, DN_OPS_ETAKEHIGH, "take %u above the maximum %u", (uint64_t)take,
			    (uint64_t)c->p.max_take);
	uint64_t last = c->acct[hot].last_take_block, limit = c->p.take_rate_limit;
	if (limit != 0 && last != 0 && c->block - last <= limit)
		return fail(err, DN_OPS_ETAKERATE,
			    "take raised at block %u, %u blocks ago; the limit is %u", last,
			    c->block - last, limit);
	c->acct[hot].last_take_block = c->block;
	dn_stake_set_take(&c->stake, hot, take);
	ok(err);
	return 0;
}

/* subtensor do_decrease_take */
int dn_ops_decrease_take(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			 uint16_t take, struct dn_ops_err *err)
{
	uint32_t hot;
	uint16_t cur;
	int rc = take_begin(c, coldkey, hotkey, &hot, &cur, err);
	if (rc)
		return rc;
	if (take >= cur)
		return fail(err, DN_OPS_ETAKELOW, "take %u is not below the current %u",
			    (uint64_t)take, (uint64_t)cur);
	if (take < c->p.min_take)
		return fail(err, DN_OPS_ETAKELOW, "take %u below the minimum %u", (uint64_t)take,
			    (uint64_t)c->p.min_take);
	dn_stake_set_take(&c->stake, hot, take);
	c->acct[hot].last_take_block = c->block;
	ok(err);
	return 0;
}

/* ---- register_network, start_call -------------------------------------- */

/* subtensor do_register_network (subnets/subnet.rs) */
int dn_ops_register_network(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			    uint16_t *netuid_out, struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	uint32_t cold = dn_chain_account(c, coldkey), hot = dn_chain_account(c, hotkey);
	uint64_t now = c->block;
	if (is_hotkey(c, hot) && dn_stake_owner(&c->stake, hot) != cold)
		return fail(err, DN_OPS_ENONASSOC, "the hotkey belongs to another coldkey");
	/* TransactionType::RegisterNetwork: NetworkLastLockBlock, chain-wide */
	uint64_t last = c->lock.last_lock_block;
	if (last != 0 && now - last < c->p.network_rate_limit)
		return fail(err, DN_OPS_ENETRATE,
			    "a subnet was registered at block %u; the next may be at %u", last,
			    last + c->p.network_rate_limit);

	size_t n = c->nsubnets - 1;
	struct dn_prune_subnet *ps = xcalloc(n ? n : 1, sizeof(*ps));
	dn_u64f64 *prices = xcalloc(n ? n : 1, sizeof(*prices));
	for (size_t i = 0; i < n; i++) {
		const struct dn_subnet *s = c->subnets[i + 1];
		dn_i96f32 m = s->em.moving_price;
		ps[i] = (struct dn_prune_subnet){s->netuid, true, s->registered_at,
						 m < 0 ? 0 : (dn_u64f64)m << 32};
		prices[i] = dn_pool_price(&s->em.pool);
	}
	bool prune = false;
	uint16_t victim = 0;
	int rc = 0;
	if (!dn_subnet_slot(&c->p.lock, ps, n, now, &prune, &victim))
		rc = fail(err, DN_OPS_ESUBNETLIMIT, "%u subnets reach the limit %u, none prunable",
			  (uint64_t)n, (uint64_t)c->p.lock.subnet_limit);
	uint64_t emission = dn_emission_block_emission(&c->p.em, c->est.total_issuance);
	uint64_t lock = dn_lock_cost(&c->p.lock, &c->lock, now, emission);
	if (!rc && lock > free_of(c, cold))
		rc = fail(err, DN_OPS_ELOCKCOST, "lock cost %u rao above the free balance %u", lock,
			  free_of(c, cold));
	if (!rc && prune)
		rc = fail(err, DN_OPS_ENOTMODELLED,
			  "registering needs subnet %u dissolved, which taodev does not model",
			  (uint64_t)victim);
	uint64_t paid = lock < keep_alive_of(c, cold) ? lock : keep_alive_of(c, cold);
	if (!rc && paid == 0)
		rc = fail(err, DN_OPS_EBALANCE,
			  "the coldkey can pay 0 of %u rao and keep the existential deposit", lock);
	if (!rc && paid < c->p.lock.min_lock)
		rc = fail(err, DN_OPS_ENOTMODELLED,
			  "lock paid %u below the minimum %u: the chain would seed the pool with "
			  "TAO nobody paid",
			  paid, c->p.lock.min_lock);
	uint16_t netuid = 1;
	for (size_t i = 1; i < c->nsubnets && c->subnets[i]->netuid == netuid; i++)
		netuid++;
	if (!rc && netuid >= DN_MAX_SUBNETS)
		rc = fail(err, DN_OPS_ESUBNETLIMIT, "no netuid below %u is free",
			  (uint64_t)DN_MAX_SUBNETS);
	dn_u64f64 median = dn_median_price(prices, n);
	free(prices);
	free(ps);
	if (rc)
		return rc;

	/* init_new_network with DefaultTempo, then the seeding */
	struct dn_pool_seed seed;
	dn_pool_seed(c->p.lock.min_lock, paid, median, &seed);
	struct dn_subnet *s = dn_subnet_new(netuid, c->p.sched.initial_tempo, now, &c->p.em, NULL,
					    c->p.min_reserve);
	dn_chain_add_subnet(c, s);
	c->acct[cold].free -= paid;
	dn_lock_record(&c->lock, paid, now);
	hot = ensure_account(c, hotkey);
	dn_stake_associate(&c->stake, hot, cold);
	dn_subnet_append(s, hot, now);
	s->registered_at = now;
	s->em.pool.tao = seed.tao;
	s->em.pool.alpha_in = seed.alpha_in;
	s->em.pool.alpha_out = 0;
	s->owner_coldkey = cold;
	s->owner_hotkey = hot;
	s->locked = paid;
	s->burn.recycled = seed.recycled;
	s->ledger.alpha_genesis = seed.alpha_in;
	c->est.total_stake = sat_add(c->est.total_stake, seed.tao);
	s->em.emission_enabled = false; /* until sudo_set_subnet_emission_enabled */
	if (netuid_out)
		*netuid_out = netuid;
	ok(err);
	return 0;
}

/* subtensor do_start_call */
int dn_ops_start_call(struct dn_chain *c, const uint8_t coldkey[32], uint16_t netuid,
		      struct dn_ops_err *err)
{
	if (!c || !coldkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	uint32_t cold = dn_chain_account(c, coldkey);
	if (cold == DN_CHAIN_NONE || cold != s->owner_coldkey)
		return fail(err, DN_OPS_EBADORIGIN, "only subnet %u's owner may start it",
			    (uint64_t)netuid);
	if (s->em.has_first_emission)
		return fail(err, DN_OPS_EFIRSTEMISSION, "subnet %u started at block %u",
			    (uint64_t)netuid, s->em.first_emission_block);
	uint64_t at = sat_add(s->registered_at, c->p.start_call_delay);
	if (c->block < at)
		return fail(err, DN_OPS_ESTARTDELAY, "subnet %u may start at block %u, now %u",
			    (uint64_t)netuid, at, c->block);
	s->em.has_first_emission = true;
	s->em.first_emission_block = c->block + 1;
	s->em.subtoken_enabled = true;
	ok(err);
	return 0;
}

/* ---- burned_register --------------------------------------------------- */

/* get_neuron_to_prune over the subnet's neurons; false when none. */
static bool neuron_to_prune(const struct dn_chain *c, const struct dn_subnet *s, uint16_t *out)
{
	uint16_t n = (uint16_t)s->n;
	struct dn_prune_uid *u = xcalloc(n ? n : 1, sizeof(*u));
	for (uint16_t i = 0; i < n; i++)
		u[i] = (struct dn_prune_uid){s->emission[i], s->registered_at_uid[i], true,
					     s->owner_coldkey != DN_SUBNET_NONE &&
						     dn_stake_owner(&c->stake, s->hotkey[i]) ==
							     s->owner_coldkey};
	int32_t owner_uid =
		s->owner_hotkey == DN_SUBNET_NONE ? -1 : dn_subnet_uid(s, s->owner_hotkey);
	bool found = dn_neuron_to_prune(&s->hp.prune, u, n, owner_uid, c->block, out);
	free(u);
	return found;
}

/* subtensor do_register (burned_register, subnets/registration.rs) */
int dn_ops_burned_register(struct dn_chain *c, const uint8_t coldkey[32], const uint8_t hotkey[32],
			   uint16_t netuid, uint16_t *uid_out, struct dn_ops_err *err)
{
	if (!c || !coldkey || !hotkey)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	if (netuid == 0)
		return fail(err, DN_OPS_EROOTREG, "no burned registration on root");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	if (!s->em.registration_allowed)
		return fail(err, DN_OPS_EREGDISABLED, "registration is off on subnet %u",
			    (uint64_t)netuid);
	uint32_t cold = dn_chain_account(c, coldkey), hot = dn_chain_account(c, hotkey);
	if (hot != DN_CHAIN_NONE && dn_subnet_uid(s, hot) >= 0)
		return fail(err, DN_OPS_EREGISTERED, "the hotkey holds uid %u on subnet %u",
			    (uint64_t)dn_subnet_uid(s, hot), (uint64_t)netuid);
	uint64_t cost = s->burn.burn;
	if (cost > free_of(c, cold))
		return fail(err, DN_OPS_ESTAKEBALANCE, "burn %u rao above the free balance %u",
			    cost, free_of(c, cold));
	if (is_hotkey(c, hot) && dn_stake_owner(&c->stake, hot) != cold)
		return fail(err, DN_OPS_ENONASSOC, "the hotkey belongs to another coldkey");
	if (s->hp.max_allowed_uids == 0)
		return fail(err, DN_OPS_ENOUID, "subnet %u allows no uid", (uint64_t)netuid);
	uint16_t victim = 0;
	bool full = s->n >= s->hp.max_allowed_uids;
	if (full && !neuron_to_prune(c, s, &victim))
		return fail(err, DN_OPS_ENOUID, "subnet %u is full and no uid can be replaced",
			    (uint64_t)netuid);
	/* the burn buys alpha through the pool (fee kept in the subnet account) */
	struct buy b;
	memset(&b, 0, sizeof(b));
	b.s = s;
	b.pool = s->em.pool;
	if (cost > 0) {
		b.tao = cost < keep_alive_of(c, cold) ? cost : keep_alive_of(c, cold);
		if (b.tao == 0)
			return fail(err, DN_OPS_EBALANCE,
				    "the coldkey can pay 0 of %u rao and keep the existential "
				    "deposit",
				    cost);
		int rc = dn_pool_swap(&b.pool, DN_BUY, b.tao,
				      dn_pool_limit_from_rao(DN_POOL_MAX_PRICE_RAO), false, &b.sw);
		if (rc)
			return pool_fail(err, rc, netuid);
	}

	c->acct[cold].free -= b.tao;
	c->est.total_stake = sat_add(c->est.total_stake, b.tao);
	s->em.pool = b.pool;
	c->stake_excess += b.tao - b.sw.paid_in;
	c->stranded += b.tao - b.sw.paid_in; /* the fee is not sent to the author here */
	/* the bought alpha is destroyed (SubnetAlphaOut -= burned_alpha) */
	s->em.pool.alpha_out -= b.sw.paid_out;
	s->ledger.alpha_recycled += b.sw.paid_out;

	hot = ensure_account(c, hotkey);
	dn_stake_associate(&c->stake, hot, cold);
	uint16_t uid;
	if (!full) {
		uid = (uint16_t)dn_subnet_append(s, hot, c->block);
	} else {
		uid = victim;
		dn_subnet_replace(s, uid, hot, c->block);
	}
	dn_burn_register(&s->hp.burn, &s->burn, false);
	if (uid_out)
		*uid_out = uid;
	ok(err);
	return 0;
}

/* ---- weights (subnets/weights.rs) ------------------------------------- */

static bool self_weight(uint16_t uid, const uint16_t *uids, size_t nuids, size_t nvalues)
{
	return nvalues == 1 && nuids > 0 && uids[0] == uid;
}

/* The uid of a hotkey on a subnet, -1 when it holds none (Uids). */
static int32_t uid_of(const struct dn_subnet *s, uint32_t hot)
{
	return s && hot != DN_CHAIN_NONE ? dn_subnet_uid(s, hot) : -1;
}

/* get_owner_uid: the uid of SubnetOwnerHotkey, -1 when none. */
static int32_t owner_uid_of(const struct dn_subnet *s)
{
	return s && s->owner_hotkey != DN_SUBNET_NONE ? dn_subnet_uid(s, s->owner_hotkey) : -1;
}

/* lib.rs check_weights_min_stake: the owner hotkey's uid is exempt; else
 * alpha + TaoWeight x root stake (get_stake_weights_for_hotkey_on_subnet,
 * no childkeys) >= StakeThreshold. */
static int min_stake_check(const struct dn_chain *c, const struct dn_subnet *s, uint32_t hot,
			   uint16_t netuid, struct dn_ops_err *err)
{
	int32_t me = uid_of(s, hot);
	if (me >= 0 && me == owner_uid_of(s))
		return 0;
	dn_u128 weight = 0;
	if (hot != DN_CHAIN_NONE)
		weight = (dn_u128)dn_stake_hotkey(&c->stake, hot, netuid) +
			 (((dn_u128)dn_stake_hotkey(&c->stake, hot, 0) * c->p.em.tao_weight) >> 64);
	if (weight < c->p.stake_threshold)
		return fail(err, DN_OPS_EWEIGHTSTAKE, "stake weight %U below the threshold %u",
			    weight, c->p.stake_threshold);
	return 0;
}

/* check_rate_limit: LastUpdate 0 (never) passes, else WeightsSetRateLimit
 * blocks since it (saturating). */
static int rate_check(const struct dn_chain *c, const struct dn_subnet *s, uint16_t uid, int code,
		      struct dn_ops_err *err)
{
	uint64_t last = s->last_update[uid], limit = s->hp.weights_rate_limit;
	if (last != 0 && sat_sub(c->block, last) < limit)
		return fail(err, code,
			    "uid %u set or committed weights at block %u; the next may be at %u",
			    (uint64_t)uid, last, sat_add(last, limit));
	return 0;
}

/* The row internal_set_weights stores, computed by its checks. */
struct weights_plan {
	struct dn_subnet *s;
	uint16_t uid;
	uint32_t n;
	const uint16_t *uids;
	uint16_t *up; /* max-upscaled values (owned) */
};

/* internal_set_weights (mechanism 0), the checks in the chain's order */
static int plan_weights(const struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
			const uint16_t *uids, size_t nuids, const uint16_t *values, size_t nvalues,
			uint64_t version_key, struct weights_plan *w, struct dn_ops_err *err)
{
	memset(w, 0, sizeof(*w));
	if (netuid == 0)
		return fail(err, DN_OPS_EROOTWEIGHTS, "no weights on root");
	if (nuids != nvalues)
		return fail(err, DN_OPS_EWEIGHTSIZE, "%u uids but %u values", (uint64_t)nuids,
			    (uint64_t)nvalues);
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	if (!s) /* ensure_mechanism_exists */
		return fail(err, DN_OPS_EMECHANISM, "subnet %u does not exist", (uint64_t)netuid);
	if (nuids > s->n)
		return fail(err, DN_OPS_EUIDSLEN, "%u uids on a subnet of %u", (uint64_t)nuids,
			    (uint64_t)s->n);
	uint32_t hot = dn_chain_account(c, hotkey);
	int32_t me = uid_of(s, hot);
	if (me < 0)
		return fail(err, DN_OPS_ENOTREGISTERED, "the hotkey holds no uid on subnet %u",
			    (uint64_t)netuid);
	int rc = min_stake_check(c, s, hot, netuid, err);
	if (rc)
		return rc;
	uint64_t key = s->hp.weights_version_key;
	if (key != 0 && version_key < key)
		return fail(err, DN_OPS_EVERSIONKEY, "version key %u below the subnet's %u",
			    version_key, key);
	uint16_t uid = (uint16_t)me;
	if (!s->hp.commit_reveal) {
		rc = rate_check(c, s, uid, DN_OPS_EWEIGHTSFAST, err);
		if (rc)
			return rc;
	}
	bool self = self_weight(uid, uids, nuids, nvalues);
	if (!self && owner_uid_of(s) != me && !s->permit[uid])
		return fail(err, DN_OPS_EPERMIT, "uid %u has no validator permit", (uint64_t)uid);
	/* the first uid seen before (a bitmap of the u16 uids: O(n), not O(n^2)) */
	uint64_t seen[65536 / 64];
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < nuids; i++) {
		uint64_t bit = 1ULL << (uids[i] & 63);
		if (seen[uids[i] >> 6] & bit)
			return fail(err, DN_OPS_EDUPUIDS, "uid %u appears twice",
				    (uint64_t)uids[i]);
		seen[uids[i] >> 6] |= bit;
	}
	for (size_t i = 0; i < nuids; i++)
		if (uids[i] >= s->n)
			return fail(err, DN_OPS_EINVALIDUID, "uid %u does not exist (n = %u)",
				    (uint64_t)uids[i], (uint64_t)s->n);
	size_t min_allowed = s->hp.min_allowed_weights < s->n ? s->hp.min_allowed_weights : s->n;
	if (!self && nvalues < min_allowed)
		return fail(err, DN_OPS_EWEIGHTLEN, "%u weights, fewer than the minimum %u",
			    (uint64_t)nvalues, (uint64_t)min_allowed);
	uint16_t *up = xcalloc(nvalues ? nvalues : 1, sizeof(*up));
	dn_mx_vec_u16_max_upscale_to_u16(values, nvalues, up);
	if (!self && s->hp.max_weights_limit != UINT16_MAX &&
	    !dn_mx_check_vec_max_limited(up, nvalues, s->hp.max_weights_limit)) {
		free(up);
		return fail(err, DN_OPS_EMAXWEIGHT, "a weight exceeds the limit %u of 65535",
			    (uint64_t)s->hp.max_weights_limit);
	}
	*w = (struct weights_plan){s, uid, (uint32_t)nuids, uids, up};
	return 0;
}

/* internal_set_weights' writes: Weights, and LastUpdate unless commit-reveal */
static void write_weights(const struct dn_chain *c, struct weights_plan *w)
{
	struct dn_subnet *s = w->s;
	dn_subnet_touch_uid(s, w->uid);
	dn_row16_set(&s->weights[w->uid], w->uids, w->up, w->n);
	if (!s->hp.commit_reveal)
		s->last_update[w->uid] = c->block;
	free(w->up);
	w->up = NULL;
}

/* subtensor do_set_weights behind the guards (CheckWeights min stake,
 * CheckRateLimits' rate limit when commit-reveal is off) */
int dn_ops_set_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
		       const uint16_t *uids, size_t nuids, const uint16_t *values, size_t nvalues,
		       uint64_t version_key, struct dn_ops_err *err)
{
	if (!c || !hotkey || (nuids && !uids) || (nvalues && !values))
		return fail(err, DN_OPS_EINVAL, "no chain, key or vector");
	const struct dn_subnet *s = dn_chain_subnet(c, netuid);
	uint32_t hot = dn_chain_account(c, hotkey);
	int rc = min_stake_check(c, s, hot, netuid, err);
	int32_t me = uid_of(s, hot);
	if (!rc && me >= 0 && !s->hp.commit_reveal)
		rc = rate_check(c, s, (uint16_t)me, DN_OPS_EWEIGHTSFAST, err);
	struct weights_plan w;
	if (!rc)
		rc = plan_weights(c, hotkey, netuid, uids, nuids, values, nvalues, version_key, &w,
				  err);
	if (rc)
		return rc;
	write_weights(c, &w);
	ok(err);
	return 0;
}

/* ---- commit-reveal (hash commits, subnets/weights.rs) ------------------ */

/* get_commit_hash: BlakeTwo256::hash_of(&(who, netuid_index, uids, values,
 * salt, version_key)), SCALE: the account's 32 bytes, u16, three Vec<u16>
 * (compact length, little-endian u16s), u64 */
void dn_ops_commit_hash(const uint8_t hotkey[32], uint16_t netuid, const uint16_t *uids,
			size_t nuids, const uint16_t *values, size_t nvalues, const uint16_t *salt,
			size_t nsalt, uint64_t version_key, uint8_t out[32])
{
	struct dn_enc e;
	dn_enc_init(&e);
	dn_enc_bytes(&e, hotkey, 32);
	dn_enc_u16(&e, netuid);
	const uint16_t *vec[3] = {uids, values, salt};
	size_t len[3] = {nuids, nvalues, nsalt};
	for (int k = 0; k < 3; k++) {
		dn_enc_compact(&e, len[k]);
		for (size_t i = 0; i < len[k]; i++)
			dn_enc_u16(&e, vec[k][i]);
	}
	dn_enc_u64(&e, version_key);
	crypto_generichash(out, 32, e.buf, e.len, NULL, 0);
	dn_enc_release(&e);
}

/* subtensor do_commit_weights (internal_commit_weights) behind the guards
 * (CheckWeights min stake, CheckRateLimits for commit_weights) */
int dn_ops_commit_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
			  const uint8_t commit_hash[32], struct dn_ops_err *err)
{
	if (!c || !hotkey || !commit_hash)
		return fail(err, DN_OPS_EINVAL, "no chain, key or hash");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	uint32_t hot = dn_chain_account(c, hotkey);
	int32_t me = uid_of(s, hot);
	int rc = min_stake_check(c, s, hot, netuid, err);
	if (!rc && me >= 0)
		rc = rate_check(c, s, (uint16_t)me, DN_OPS_ECOMMITFAST, err);
	if (rc)
		return rc;
	/* the body */
	if (!s)
		return fail(err, DN_OPS_EMECHANISM, "subnet %u does not exist", (uint64_t)netuid);
	if (!s->hp.commit_reveal)
		return fail(err, DN_OPS_ECRDISABLED, "commit-reveal is off on subnet %u",
			    (uint64_t)netuid);
	if (me < 0)
		return fail(err, DN_OPS_ENOTREGISTERED, "the hotkey holds no uid on subnet %u",
			    (uint64_t)netuid);
	uint16_t uid = (uint16_t)me;
	rc = rate_check(c, s, uid, DN_OPS_ECOMMITFAST, err);
	if (rc)
		return rc;
	uint64_t epoch = dn_subnet_epoch_now(s, &c->p.sched, c->block);
	struct dn_weight_commit q[DN_SUBNET_MAX_COMMITS + 1];
	uint32_t n = 0, first = 0;
	const struct dn_commit_queue *old = dn_subnet_commits(s, hot);
	if (old) {
		/* the expired commits at the front go */
		while (first < old->n &&
		       dn_subnet_commit_expired(s, &c->p.sched, c->block, old->c[first].epoch))
			first++;
		n = old->n - first;
		memcpy(q, old->c + first, n * sizeof(*q));
	}
	if (n >= DN_SUBNET_MAX_COMMITS)
		return fail(err, DN_OPS_ETOOMANYCOMMITS,
			    "the hotkey has %u unrevealed commits on subnet %u", (uint64_t)n,
			    (uint64_t)netuid);
	memcpy(q[n].hash, commit_hash, 32);
	q[n].epoch = epoch;
	q[n].block = c->block;
	dn_subnet_set_commits(s, hot, q, n + 1);
	dn_subnet_touch_uid(s, (uint32_t)uid);
	s->last_update[uid] = c->block;
	ok(err);
	return 0;
}

/* The position of the first commit with this hash in c[0 .. n-1], -1. */
static int find_hash(const struct dn_weight_commit *c, uint32_t n, const uint8_t hash[32])
{
	for (uint32_t k = 0; k < n; k++)
		if (memcmp(c[k].hash, hash, 32) == 0)
			return (int)k;
	return -1;
}

/* subtensor do_reveal_weights (internal_reveal_weights) behind the guards
 * (CheckWeights min stake and check_reveal) */
int dn_ops_reveal_weights(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
			  const uint16_t *uids, size_t nuids, const uint16_t *values,
			  size_t nvalues, const uint16_t *salt, size_t nsalt, uint64_t version_key,
			  struct dn_ops_err *err)
{
	if (!c || !hotkey || (nuids && !uids) || (nvalues && !values) || (nsalt && !salt))
		return fail(err, DN_OPS_EINVAL, "no chain, key or vector");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	uint32_t hot = dn_chain_account(c, hotkey);
	const struct dn_schedule_params *sp = &c->p.sched;
	int rc = min_stake_check(c, s, hot, netuid, err);
	if (rc)
		return rc;
	uint8_t hash[32];
	dn_ops_commit_hash(hotkey, netuid, uids, nuids, values, nvalues, salt, nsalt, version_key,
			   hash);
	/* CheckWeights check_reveal: the first commit with the hash, expired
	 * ones included */
	const struct dn_commit_queue *old =
		s && hot != DN_CHAIN_NONE ? dn_subnet_commits(s, hot) : NULL;
	if (!old)
		return fail(err, DN_OPS_ENOCOMMIT, "the hotkey has no commit on subnet %u",
			    (uint64_t)netuid);
	int at = find_hash(old->c, old->n, hash);
	if (at < 0)
		return fail(err, DN_OPS_ENOCOMMIT, "no commit of the hotkey matches the reveal");
	if (!dn_subnet_reveal_epoch(s, sp, c->block, old->c[at].epoch))
		return fail(err, DN_OPS_EREVEALEARLY,
			    "the commit of epoch %u reveals in epoch %u, not %u", old->c[at].epoch,
			    sat_add(old->c[at].epoch, s->hp.reveal_period_epochs),
			    dn_subnet_epoch_now(s, sp, c->block));

	/* the body: behind the guard its own search finds the same commit
	 * (the first with the hash, unexpired since it is in its reveal
	 * epoch, and the expired ones it drops are a prefix before it), so
	 * its NoWeightsCommitFound, ExpiredWeightCommit,
	 * InvalidRevealCommitHashNotMatch and RevealTooEarly cannot occur */
	if (!s->hp.commit_reveal)
		return fail(err, DN_OPS_ECRDISABLED, "commit-reveal is off on subnet %u",
			    (uint64_t)netuid);
	struct weights_plan w;
	rc = plan_weights(c, hotkey, netuid, uids, nuids, values, nvalues, version_key, &w, err);
	if (rc)
		return rc;
	/* the expired ones and every commit up to the revealed one go; an
	 * empty queue is removed */
	uint32_t keep = (uint32_t)at + 1;
	struct dn_weight_commit q[DN_SUBNET_MAX_COMMITS];
	uint32_t n = old->n - keep;
	memcpy(q, old->c + keep, n * sizeof(*q));
	dn_subnet_set_commits(s, hot, q, n);
	write_weights(c, &w);
	ok(err);
	return 0;
}

/* ---- serving (subnets/serving.rs) -------------------------------------- */

/* is_valid_ip_address with allow_zero (validate_serve_axon passes true) */
static bool valid_ip(uint8_t ip_type, dn_u128 ip)
{
	if (ip_type == 4 && (ip >= UINT32_MAX || ip == 0x7f000001)) /* localhost */
		return false;
	if (ip_type == 6 && (ip == ~(dn_u128)0 || ip == 1)) /* ::1 */
		return false;
	return true;
}

/* subtensor do_serve_axon (validate_serve_axon, validate_axon_data) */
int dn_ops_serve_axon(struct dn_chain *c, const uint8_t hotkey[32], uint16_t netuid,
		      const struct dn_axon *axon, struct dn_ops_err *err)
{
	if (!c || !hotkey || !axon)
		return fail(err, DN_OPS_EINVAL, "no chain, key or axon");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	int32_t me = uid_of(s, dn_chain_account(c, hotkey));
	if (me < 0)
		return fail(err, DN_OPS_ENOTINNETWORK, "the hotkey holds no uid on subnet %u",
			    (uint64_t)netuid);
	if (axon->ip_type != 4 && axon->ip_type != 6) /* is_valid_ip_type */
		return fail(err, DN_OPS_EIPTYPE, "ip type %u is neither 4 nor 6",
			    (uint64_t)axon->ip_type);
	if (!valid_ip(axon->ip_type, axon->ip))
		return fail(err, DN_OPS_EIPADDRESS, "ip %U is not a valid IPv%u address", axon->ip,
			    (uint64_t)axon->ip_type);
	/* axon_passes_rate_limit */
	struct dn_axon *a = &s->axon[me];
	uint64_t limit = s->hp.serving_rate_limit, last = a->block;
	if (limit != 0 && last != 0 && sat_sub(c->block, last) < limit)
		return fail(err, DN_OPS_ESERVINGRATE,
			    "uid %u served at block %u; the next may be at %u", (uint64_t)me, last,
			    sat_add(last, limit));
	if (axon->port == 0) /* validate_axon_data */
		return fail(err, DN_OPS_EPORT, "port 0");
	dn_subnet_touch_uid(s, me);
	*a = *axon;
	a->block = c->block;
	ok(err);
	return 0;
}

/* ---- hyperparameters --------------------------------------------------- */

/* ensure_subnet_owner_or_root (owner_ok) or ensure_root */
static int origin_check(const struct dn_chain *c, const uint8_t origin[32],
			const struct dn_subnet *s, bool owner_ok, struct dn_ops_err *err)
{
	uint32_t a = dn_chain_account(c, origin);
	if (a != DN_CHAIN_NONE && a == c->sudo)
		return 0;
	if (owner_ok && a != DN_CHAIN_NONE && a == s->owner_coldkey)
		return 0;
	return fail(err, DN_OPS_EBADORIGIN, "%s of subnet %u only",
		    owner_ok ? "the owner or sudo" : "sudo", (uint64_t)s->netuid);
}

/* subtensor do_set_alpha_values (epoch/run_epoch.rs) */
int dn_ops_set_alpha_values(struct dn_chain *c, const uint8_t origin[32], uint16_t netuid,
			    uint16_t alpha_low, uint16_t alpha_high, struct dn_ops_err *err)
{
	if (!c || !origin)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	int rc = origin_check(c, origin, s, true, err);
	if (rc)
		return rc;
	if (!s->hp.liquid_alpha)
		return fail(err, DN_OPS_ELIQUIDALPHA, "liquid alpha is off on subnet %u",
			    (uint64_t)netuid);
	const uint16_t min_alpha = 65535 / 40; /* 1638 */
	if (alpha_high < min_alpha)
		return fail(err, DN_OPS_EALPHAHIGH, "alpha_high %u below %u", (uint64_t)alpha_high,
			    (uint64_t)min_alpha);
	if (alpha_low < min_alpha || alpha_low > alpha_high)
		return fail(err, DN_OPS_EALPHALOW, "alpha_low %u outside [%u, alpha_high %u]",
			    (uint64_t)alpha_low, (uint64_t)min_alpha, (uint64_t)alpha_high);
	s->hp.alpha_low = alpha_low;
	s->hp.alpha_high = alpha_high;
	ok(err);
	return 0;
}

static const struct {
	const char *name;
	bool owner; /* the owner may set it (else sudo only) */
	int64_t min, max;
} hparams[DN_HP_COUNT] = {
	[DN_HP_TEMPO] = {"tempo", true, 0, UINT16_MAX},
	[DN_HP_EMISSION_ENABLED] = {"emission_enabled", false, 0, 1},
	[DN_HP_KAPPA] = {"kappa", false, 0, UINT16_MAX},
	[DN_HP_BONDS_MOVING_AVERAGE] = {"bonds_moving_average", true, 0, 999999},
	[DN_HP_BONDS_PENALTY] = {"bonds_penalty", true, 0, UINT16_MAX},
	[DN_HP_BONDS_RESET] = {"bonds_reset", true, 0, 1},
	[DN_HP_YUMA3] = {"yuma3", true, 0, 1},
	[DN_HP_LIQUID_ALPHA] = {"liquid_alpha", true, 0, 1},
	[DN_HP_ALPHA_SIGMOID_STEEPNESS] = {"alpha_sigmoid_steepness", true, INT16_MIN, INT16_MAX},
	[DN_HP_MAX_ALLOWED_VALIDATORS] = {"max_allowed_validators", false, 0, UINT16_MAX},
	[DN_HP_MAX_ALLOWED_UIDS] = {"max_allowed_uids", false, 1, UINT16_MAX},
	[DN_HP_MIN_ALLOWED_WEIGHTS] = {"min_allowed_weights", true, 0, UINT16_MAX},
	[DN_HP_MAX_WEIGHTS_LIMIT] = {"max_weights_limit", true, 0, UINT16_MAX},
	[DN_HP_IMMUNITY_PERIOD] = {"immunity_period", true, 0, UINT16_MAX},
	[DN_HP_ACTIVITY_CUTOFF_MILLI] = {"activity_cutoff_factor_milli", true, 0, UINT32_MAX},
	[DN_HP_COMMIT_REVEAL] = {"commit_reveal", true, 0, 1},
	[DN_HP_WEIGHTS_RATE_LIMIT] = {"weights_rate_limit", false, 0, INT64_MAX},
	[DN_HP_WEIGHTS_VERSION_KEY] = {"weights_version_key", true, 0, INT64_MAX},
	[DN_HP_REGISTRATION_ALLOWED] = {"registration_allowed", false, 0, 1},
	[DN_HP_MIN_BURN] = {"min_burn", true, 0, INT64_MAX},
	[DN_HP_MAX_BURN] = {"max_burn", true, 0, INT64_MAX},
	[DN_HP_BURN] = {"burn", false, 0, INT64_MAX},
	[DN_HP_STAKE_THRESHOLD] = {"stake_threshold", false, 0, INT64_MAX},
};

const char *dn_hparam_name(enum dn_hparam h)
{
	return (unsigned)h < DN_HP_COUNT ? hparams[h].name : "unknown";
}

enum dn_hparam dn_hparam_by_name(const char *name)
{
	for (int h = 0; name && h < DN_HP_COUNT; h++)
		if (strcmp(hparams[h].name, name) == 0)
			return (enum dn_hparam)h;
	return DN_HP_COUNT;
}

/* admin-utils sudo_set_* (pallets/admin-utils/src/lib.rs) */
int dn_ops_set_hparam(struct dn_chain *c, const uint8_t origin[32], uint16_t netuid,
		      enum dn_hparam h, int64_t value, struct dn_ops_err *err)
{
	if (!c || !origin)
		return fail(err, DN_OPS_EINVAL, "no chain or key");
	if ((unsigned)h >= DN_HP_COUNT)
		return fail(err, DN_OPS_EHPARAM, "unknown hyperparameter %d", (int64_t)h);
	struct dn_subnet *s = dn_chain_subnet(c, netuid);
	if (!s)
		return fail(err, DN_OPS_ESUBNET, "subnet %u does not exist", (uint64_t)netuid);
	int rc = origin_check(c, origin, s, hparams[h].owner, err);
	if (rc)
		return rc;
	if (value < hparams[h].min || value > hparams[h].max)
		return fail(err, DN_OPS_EHPARAM, "'%s' = %d outside [%d, %d]", hparams[h].name,
			    value, hparams[h].min, hparams[h].max);
	uint32_t who = dn_chain_account(c, origin);
	struct dn_subnet_hparams *hp = &s->hp;
	switch (h) {
	case DN_HP_TEMPO:
		if (who == c->sudo) { /* sudo_set_tempo: no bounds, cycle reset */
			dn_schedule_apply_tempo(&s->em.sched, (uint16_t)value, c->block);
			break;
		}
		rc = dn_schedule_set_tempo(&c->p.sched, &s->em.sched, (uint16_t)value, c->block);
		if (rc == DN_SCHEDULE_ETEMPO)
			return fail(err, DN_OPS_ETEMPO, "tempo %d outside [%u, %u]", value,
				    (uint64_t)c->p.sched.min_tempo, (uint64_t)c->p.sched.max_tempo);
		if (rc)
			return fail(err, DN_OPS_EFROZEN,
				    "subnet %u is in the admin freeze window before its epoch",
				    (uint64_t)netuid);
		break;
	case DN_HP_EMISSION_ENABLED: s->em.emission_enabled = value; break;
	case DN_HP_KAPPA: hp->kappa = (uint16_t)value; break;
	case DN_HP_BONDS_MOVING_AVERAGE: hp->bonds_moving_average = (uint64_t)value; break;
	case DN_HP_BONDS_PENALTY: hp->bonds_penalty = (uint16_t)value; break;
	case DN_HP_BONDS_RESET: hp->bonds_reset = value; break;
	case DN_HP_YUMA3: hp->yuma3 = value; break;
	case DN_HP_LIQUID_ALPHA: hp->liquid_alpha = value; break;
	case DN_HP_ALPHA_SIGMOID_STEEPNESS: hp->alpha_sigmoid_steepness = (int16_t)value; break;
	case DN_HP_MAX_ALLOWED_VALIDATORS:
		if (value > hp->max_allowed_uids) /* MaxValidatorsLargerThanMaxUIds */
			return fail(err, DN_OPS_EHPARAM, "%d validators above %u uids", value,
				    (uint64_t)hp->max_allowed_uids);
		hp->max_allowed_validators = (uint16_t)value;
		break;
	case DN_HP_MAX_ALLOWED_UIDS:
		if (value < (int64_t)s->n) /* MaxAllowedUidsLessThanCurrentUids */
			return fail(err, DN_OPS_EHPARAM, "%d uids below the %u registered", value,
				    (uint64_t)s->n);
		hp->max_allowed_uids = (uint16_t)value;
		break;
	case DN_HP_MIN_ALLOWED_WEIGHTS: hp->min_allowed_weights = (uint16_t)value; break;
	case DN_HP_MAX_WEIGHTS_LIMIT: hp->max_weights_limit = (uint16_t)value; break;
	case DN_HP_IMMUNITY_PERIOD: hp->prune.immunity_period = (uint16_t)value; break;
	case DN_HP_ACTIVITY_CUTOFF_MILLI: hp->activity_cutoff_factor_milli = (uint32_t)value; break;
	case DN_HP_COMMIT_REVEAL: hp->commit_reveal = value; break;
	case DN_HP_WEIGHTS_RATE_LIMIT: hp->weights_rate_limit = (uint64_t)value; break;
	case DN_HP_WEIGHTS_VERSION_KEY: hp->weights_version_key = (uint64_t)value; break;
	case DN_HP_REGISTRATION_ALLOWED: s->em.registration_allowed = value; break;
	case DN_HP_MIN_BURN: hp->burn.min_burn = (uint64_t)value; break;
	case DN_HP_MAX_BURN: hp->burn.max_burn = (uint64_t)value; break;
	case DN_HP_BURN: s->burn.burn = (uint64_t)value; break;
	case DN_HP_STAKE_THRESHOLD: c->p.stake_threshold = (uint64_t)value; break;
	case DN_HP_COUNT: break;
	}
	ok(err);
	return 0;
}
