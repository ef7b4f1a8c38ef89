/*
 * The scenario parameter table and its values (see scenario_param.h).
 *
 * Adding a key: one row below (and, if it needs one, a check in
 * devnet/scenario_ini.c); `taodev help scenario` and fixtures/README.md's
 * reference follow (tests/scenario-doc.test fails until the README is
 * regenerated with `make update-fixtures-readme`).
 */
#include "devnet/scenario_param.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/fixed.h"
#include "devnet/xalloc.h"

#define TAO 1000000000ULL /* rao */
#define SUPPLY (21000000ULL * TAO) /* TotalSupply: no amount can be above it */
#define MILLION 1000000ULL
#define BILLION 1000000000ULL

#define NAMES(t) .names = t, .nnames = sizeof(t) / sizeof(t[0])
#define FIELD(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

const struct dn_scn_section_info dn_scn_sections[DN_SCN_SEC_COUNT] = {
	[DN_SCN_SEC_SCENARIO] = {"scenario", false, true, "The run: its name, length and seed."},
	[DN_SCN_SEC_CHAIN] = {"chain", false, false,
			      "Chain-wide parameters (optional): the production runtime's values "
			      "unless set."},
	[DN_SCN_SEC_ACCOUNT] = {"account", true, false,
				"An account of the scenario, key //taodev//NAME, with a free "
				"balance. The dev accounts alice, bob, charlie, dave, eve and "
				"ferdie always exist (keys //Alice ..); [account.alice] sets "
				"alice's balance."},
	[DN_SCN_SEC_SUBNET] = {"subnet", true, false,
			       "A subnet registered at genesis: its owner (whose hotkey "
			       "//taodev//subnet//NAME//owner holds uid 0), pool and "
			       "hyperparameters (subtensor's defaults for a new subnet unless "
			       "set)."},
	[DN_SCN_SEC_VALIDATORS] = {"validators", true, false,
				   "A group of `count` validators on a subnet, registered and "
				   "staked at genesis (member i: coldkey //taodev//NAME//i, hotkey "
				   "//taodev//NAME//i//hot)."},
	[DN_SCN_SEC_MINERS] = {"miners", true, false,
			       "A group of `count` miners on a subnet and the model of their "
			       "quality, which the honest validators observe."},
	[DN_SCN_SEC_TRADERS] = {"traders", true, false,
				"A group of `count` accounts that stake and unstake TAO on a "
				"subnet's pool during the run."},
	[DN_SCN_SEC_EXPECT] = {"expect", false, false,
			       "Assertions checked at the end of the run: NAME = SQL, a read-only "
			       "query over the run's history (docs/store.md) whose first row's "
			       "first column must be true (non-zero); its other columns are shown "
			       "with the verdict. No row, NULL or an SQL error fails."},
};

/* ---- the table --------------------------------------------------------- */

#define SCN(key_, type_, member, ...)                                       \
	{                                                                   \
		.section = DN_SCN_SEC_SCENARIO, .key = key_, .type = type_, \
		FIELD(struct dn_scenario, member), __VA_ARGS__              \
	}
#define CHN(key_, type_, member, ...)                                    \
	{                                                                \
		.section = DN_SCN_SEC_CHAIN, .key = key_, .type = type_, \
		FIELD(struct dn_chain_params, member), __VA_ARGS__       \
	}
#define ACC(key_, type_, member, ...)                                      \
	{                                                                  \
		.section = DN_SCN_SEC_ACCOUNT, .key = key_, .type = type_, \
		FIELD(struct dn_scn_account, member), __VA_ARGS__          \
	}
#define SUB(key_, type_, member, ...)                                     \
	{                                                                 \
		.section = DN_SCN_SEC_SUBNET, .key = key_, .type = type_, \
		FIELD(struct dn_scn_subnet, member), __VA_ARGS__          \
	}
#define VAL(key_, type_, member, ...)                                         \
	{                                                                     \
		.section = DN_SCN_SEC_VALIDATORS, .key = key_, .type = type_, \
		FIELD(struct dn_scn_validators, member), __VA_ARGS__          \
	}
#define MNR(key_, type_, member, ...)                                     \
	{                                                                 \
		.section = DN_SCN_SEC_MINERS, .key = key_, .type = type_, \
		FIELD(struct dn_scn_miners, member), __VA_ARGS__          \
	}
#define TRD(key_, type_, member, ...)                                      \
	{                                                                  \
		.section = DN_SCN_SEC_TRADERS, .key = key_, .type = type_, \
		FIELD(struct dn_scn_traders, member), __VA_ARGS__          \
	}

#define REQ .flags = DN_SCN_REQUIRED
#define RANGE(a, b) .min = (uint64_t)(a), .max = (uint64_t)(b)
#define U16 RANGE(0, UINT16_MAX)
#define U32 RANGE(0, UINT32_MAX)
#define FRAC16 U16, .unit = "of 65535"
#define BLOCKS(a, b) RANGE(a, b), .unit = "blocks"
#define AMOUNT_TAO RANGE(0, SUPPLY), .unit = "TAO"
#define AMOUNT_ALPHA RANGE(0, SUPPLY), .unit = "alpha"
#define FRACTION RANGE(0, MILLION)

const struct dn_scn_param dn_scn_params[] = {
	/* [scenario] */
	SCN("name", DN_SCN_NAME, name, REQ,
	    .help = "The scenario's name: shown by the runner, stored with the run."),
	SCN("description", DN_SCN_TEXT, description,
	    .help = "What the scenario shows, in a sentence or two."),
	SCN("seed", DN_SCN_UINT, seed, RANGE(0, UINT64_MAX),
	    .help = "Seed of every random choice the participants make: the same seed, the "
		    "same run."),
	SCN("blocks", DN_SCN_UINT, blocks, BLOCKS(1, 100000000), .help = "The run's length."),

	/* [chain] */
	CHN("block_emission", DN_SCN_AMOUNT, em.default_block_emission, RANGE(0, 1000 * TAO),
	    .unit = "TAO",
	    .help = "TAO minted per block before the halvings (DefaultBlockEmission)."),
	CHN("subnet_owner_cut", DN_SCN_UINT, em.subnet_owner_cut, FRAC16,
	    .help = "Share of each subnet's alpha emission paid to its owner (SubnetOwnerCut)."),
	CHN("tao_weight", DN_SCN_UINT, em.tao_weight, RANGE(0, UINT64_MAX), .unit = "of 2^64 - 1",
	    .help = "Weight of root (TAO) stake against alpha stake (TaoWeight)."),
	CHN("ema_price_halving_blocks", DN_SCN_UINT, em.ema_price_halving_blocks,
	    BLOCKS(0, UINT32_MAX),
	    .help = "Halving period of the subnets' moving price (EMAPriceHalvingBlocks)."),
	CHN("max_epochs_per_block", DN_SCN_UINT, sched.max_epochs_per_block, RANGE(1, 255),
	    .help = "Epochs run in one block at most; the others wait (MaxEpochsPerBlock)."),
	CHN("admin_freeze_window", DN_SCN_UINT, sched.admin_freeze_window, BLOCKS(0, UINT16_MAX),
	    .help = "Blocks before an epoch in which owners cannot change hyperparameters "
		    "(AdminFreezeWindow)."),
	CHN("initial_tempo", DN_SCN_UINT, sched.initial_tempo, BLOCKS(1, 50400),
	    .help = "Tempo of a subnet that sets none (InitialTempo)."),
	CHN("network_min_lock", DN_SCN_AMOUNT, lock.min_lock, AMOUNT_TAO,
	    .help = "Lowest cost of registering a subnet (NetworkMinLockCost)."),
	CHN("network_lock_reduction_interval", DN_SCN_UINT, lock.reduction_interval,
	    BLOCKS(0, UINT32_MAX),
	    .help = "Blocks over which the subnet lock cost decays back "
		    "(NetworkLockReductionInterval)."),
	CHN("network_immunity_period", DN_SCN_UINT, lock.immunity_period, BLOCKS(0, UINT32_MAX),
	    .help = "Blocks a new subnet cannot be pruned (NetworkImmunityPeriod)."),
	CHN("subnet_limit", DN_SCN_UINT, lock.subnet_limit, RANGE(1, 1023),
	    .help = "Non-root subnets at most (SubnetLimit); the scenario's count against it."),
	CHN("num_root_claim", DN_SCN_UINT, claim.num_root_claim, RANGE(0, 1000),
	    .help = "Coldkeys whose root dividends are claimed automatically per block "
		    "(NumRootClaim)."),
	CHN("stake_threshold", DN_SCN_AMOUNT, stake_threshold, AMOUNT_TAO,
	    .help = "Stake weight a validator needs for a permit (StakeThreshold)."),
	CHN("default_take", DN_SCN_UINT, default_take, FRAC16,
	    .help = "Delegate take of a new hotkey (DefaultDelegateTake), within the min and "
		    "max take."),
	CHN("min_take", DN_SCN_UINT, min_take, FRAC16,
	    .help = "Lowest delegate take (MinDelegateTake)."),
	CHN("max_take", DN_SCN_UINT, max_take, FRAC16,
	    .help = "Highest delegate take (MaxDelegateTake)."),
	CHN("min_stake", DN_SCN_AMOUNT, min_stake, AMOUNT_TAO,
	    .help = "Smallest stake operation (DefaultMinStake)."),
	CHN("existential_deposit", DN_SCN_AMOUNT, existential_deposit, RANGE(0, 1000 * TAO),
	    .unit = "TAO",
	    .help = "Balance below which an account is reaped (ExistentialDeposit)."),
	CHN("start_call_delay", DN_SCN_UINT, start_call_delay, BLOCKS(0, UINT32_MAX),
	    .help = "Blocks after registration before a subnet's owner may start it "
		    "(StartCallDelay)."),
	CHN("network_rate_limit", DN_SCN_UINT, network_rate_limit, BLOCKS(0, UINT32_MAX),
	    .help = "Blocks between two subnet registrations (NetworkRateLimit)."),
	CHN("take_rate_limit", DN_SCN_UINT, take_rate_limit, BLOCKS(0, UINT32_MAX),
	    .help = "Blocks between two take increases of a hotkey (TxDelegateTakeRateLimit)."),

	/* [account.NAME] */
	ACC("balance", DN_SCN_AMOUNT, balance, REQ, AMOUNT_TAO, .help = "Free balance at genesis."),

	/* [subnet.NAME] */
	SUB("netuid", DN_SCN_UINT, netuid, REQ, RANGE(1, 1023),
	    .help = "The subnet's netuid, unique in the scenario."),
	SUB("owner", DN_SCN_NAME, owner, REQ,
	    .help = "The owner's coldkey: a dev account or an [account.NAME]."),
	SUB("tempo", DN_SCN_UINT, tempo, BLOCKS(0, 50400),
	    .help = "Blocks between epochs (Tempo); 0: the chain's initial_tempo."),
	SUB("pool_tao", DN_SCN_AMOUNT, pool_tao, REQ, RANGE(TAO / 1000, SUPPLY), .unit = "TAO",
	    .help = "TAO reserve of the pool at genesis (SubnetTAO)."),
	SUB("pool_alpha", DN_SCN_AMOUNT, pool_alpha, REQ, RANGE(TAO / 1000, SUPPLY),
	    .unit = "alpha", .help = "Alpha reserve of the pool at genesis (SubnetAlphaIn)."),
	SUB("moving_price", DN_SCN_FIXED, moving_price, .frac_bits = 32, RANGE(0, MILLION *BILLION),
	    .unit = "TAO per alpha",
	    .help = "The price EMA to start from (SubnetMovingPrice); 0: the pool's price."),
	SUB("started", DN_SCN_BOOL, started,
	    .help = "start_call done at genesis: the subnet emits from the first block."),
	SUB("emission_enabled", DN_SCN_BOOL, emission_enabled,
	    .help = "The subnet gets its TAO-side emission (SubnetEmissionEnabled)."),
	SUB("kappa", DN_SCN_UINT, hp.kappa, FRAC16,
	    .help = "Consensus majority (Kappa): 32767 is one half."),
	SUB("bonds_penalty", DN_SCN_UINT, hp.bonds_penalty, FRAC16,
	    .help = "Penalty on bonds for weight above consensus (BondsPenalty): 65535 clips bonds "
		    "at "
		    "consensus, 0 none."),
	SUB("bonds_moving_average", DN_SCN_UINT, hp.bonds_moving_average, RANGE(0, 999999),
	    .unit = "per million", .help = "Bonds EMA's memory (BondsMovingAverage)."),
	SUB("bonds_reset", DN_SCN_BOOL, hp.bonds_reset,
	    .help = "Bonds to a miner reset when it is replaced (BondsResetOn)."),
	SUB("yuma3", DN_SCN_BOOL, hp.yuma3, .help = "Yuma consensus 3 (Yuma3On)."),
	SUB("liquid_alpha", DN_SCN_BOOL, hp.liquid_alpha,
	    .help = "Per-bond EMA speeds between alpha_low and alpha_high (LiquidAlphaOn)."),
	SUB("alpha_low", DN_SCN_UINT, hp.alpha_low, RANGE(65535 / 40, UINT16_MAX),
	    .unit = "of 65535", .help = "Liquid alpha's lowest EMA speed, at most alpha_high."),
	SUB("alpha_high", DN_SCN_UINT, hp.alpha_high, RANGE(65535 / 40, UINT16_MAX),
	    .unit = "of 65535", .help = "Liquid alpha's highest EMA speed."),
	SUB("alpha_sigmoid_steepness", DN_SCN_INT, hp.alpha_sigmoid_steepness,
	    RANGE(INT16_MIN, INT16_MAX), .help = "Liquid alpha's sigmoid (AlphaSigmoidSteepness)."),
	SUB("max_allowed_validators", DN_SCN_UINT, hp.max_allowed_validators, RANGE(0, 4096),
	    .help = "Validator permits (MaxAllowedValidators), at most max_allowed_uids."),
	SUB("max_allowed_uids", DN_SCN_UINT, hp.max_allowed_uids, RANGE(1, 4096),
	    .help = "Neurons at most (MaxAllowedUids): the owner's uid 0, the validators and the "
		    "miners registered at genesis must fit."),
	SUB("min_allowed_weights", DN_SCN_UINT, hp.min_allowed_weights, U16,
	    .help = "Fewest weights a set_weights may carry (MinAllowedWeights)."),
	SUB("max_weights_limit", DN_SCN_UINT, hp.max_weights_limit, FRAC16,
	    .help = "Largest single weight after normalisation (MaxWeightsLimit)."),
	SUB("activity_cutoff_factor_milli", DN_SCN_UINT, hp.activity_cutoff_factor_milli, U32,
	    .unit = "per mille of tempo",
	    .help = "Validators idle longer than this are inactive (ActivityCutoffFactorMilli)."),
	SUB("commit_reveal", DN_SCN_BOOL, hp.commit_reveal,
	    .help = "Weights are committed, then revealed (CommitRevealWeightsEnabled)."),
	SUB("commit_reveal_version", DN_SCN_UINT, hp.commit_reveal_version, U16,
	    .help = "CommitRevealWeightsVersion."),
	SUB("reveal_period_epochs", DN_SCN_UINT, hp.reveal_period_epochs, RANGE(1, 100),
	    .help = "Epochs between a commit and its reveal (RevealPeriodEpochs)."),
	SUB("weights_rate_limit", DN_SCN_UINT, hp.weights_rate_limit, BLOCKS(0, INT64_MAX),
	    .help = "Blocks between two weight settings of a neuron (WeightsSetRateLimit)."),
	SUB("weights_version_key", DN_SCN_UINT, hp.weights_version_key, RANGE(0, INT64_MAX),
	    .help = "Lowest version key set_weights accepts (WeightsVersionKey)."),
	SUB("serving_rate_limit", DN_SCN_UINT, hp.serving_rate_limit, BLOCKS(0, INT64_MAX),
	    .help = "Blocks between two axon updates (ServingRateLimit)."),
	SUB("min_burn", DN_SCN_AMOUNT, hp.burn.min_burn, AMOUNT_TAO,
	    .help = "Lowest registration price (MinBurn), at most max_burn."),
	SUB("max_burn", DN_SCN_AMOUNT, hp.burn.max_burn, AMOUNT_TAO,
	    .help = "Highest registration price (MaxBurn)."),
	SUB("burn_half_life", DN_SCN_UINT, hp.burn.half_life, BLOCKS(0, UINT16_MAX),
	    .help = "Half-life of the registration price's decay (BurnHalfLife); 0: none."),
	SUB("burn_increase_mult", DN_SCN_FIXED, hp.burn.increase_mult, .frac_bits = 64,
	    RANGE(0, 1000 * BILLION),
	    .help = "Registration price factor per registration (BurnIncreaseMult); below 1 "
		    "acts as 1."),
	SUB("immunity_period", DN_SCN_UINT, hp.prune.immunity_period, BLOCKS(0, UINT16_MAX),
	    .help = "Blocks a new neuron cannot be pruned (ImmunityPeriod)."),
	SUB("min_non_immune_uids", DN_SCN_UINT, hp.prune.min_non_immune, U16,
	    .help = "Non-immune uids kept before an immune one is pruned (MinNonImmuneUids)."),
	SUB("immune_owner_uids_limit", DN_SCN_UINT, hp.prune.immune_owner_limit, U16,
	    .help = "Owner hotkeys' uids never pruned (ImmuneOwnerUidsLimit)."),
	SUB("recycle_owner_incentive", DN_SCN_BOOL, hp.recycle_owner_incentive,
	    .help = "The owner hotkeys' incentive is recycled, not burned (RecycleOrBurn)."),
	SUB("root_claim_threshold", DN_SCN_AMOUNT, hp.root_claim_threshold, AMOUNT_ALPHA,
	    .help = "Root dividends below this are not claimed (RootClaimableThreshold)."),

	/* [validators.NAME] */
	VAL("subnet", DN_SCN_NAME, subnet, REQ, .help = "The [subnet.NAME] they validate."),
	VAL("count", DN_SCN_UINT, count, REQ, RANGE(1, 256), .help = "Members."),
	VAL("stake", DN_SCN_AMOUNT, stake, AMOUNT_ALPHA,
	    .help = "Alpha staked on each member at genesis, before the spread."),
	VAL("spread", DN_SCN_ENUM, spread, NAMES(dn_stake_spread_names),
	    .help = "How stake is shared: equal; linear (member i of n gets 2 (n - i) / (n + 1) "
		    "times stake); pareto (proportional to 1 / (i + 1)). Same total."),
	VAL("root_stake", DN_SCN_AMOUNT, root_stake, AMOUNT_TAO,
	    .help = "TAO staked on root by each member at genesis."),
	VAL("behaviour", DN_SCN_ENUM, behaviour, NAMES(dn_validator_behaviour_names),
	    .help = "honest: weights from a noisy view of the miners' quality; lazy: honest "
		    "every `every` tempos; stale: sets weights once; copier: copies last "
		    "epoch's consensus; cartel: all weight to the `favours` miners; "
		    "self_dealer: all weight to a miner of its own."),
	VAL("every", DN_SCN_UINT, every, RANGE(1, 1000), .unit = "tempos",
	    .help = "Tempos between weight settings (lazy: at least 2)."),
	VAL("noise", DN_SCN_FRACTION, noise_ppm, FRACTION,
	    .help = "Observation noise, a fraction of the quality."),
	VAL("favours", DN_SCN_NAME, favours, .only_key = "behaviour", .only_value = DN_VAL_CARTEL,
	    .help = "Cartel: the [miners.NAME] group, on the same subnet, getting all its weight "
		    "(required with behaviour = cartel)."),

	/* [miners.NAME] */
	MNR("subnet", DN_SCN_NAME, subnet, REQ, .help = "The [subnet.NAME] they mine."),
	MNR("count", DN_SCN_UINT, count, REQ, RANGE(1, 4096), .help = "Members."),
	MNR("model", DN_SCN_ENUM, model, NAMES(dn_miner_model_names),
	    .help = "constant: quality +- spread, fixed; drifting: a random walk of step "
		    "`drift` per tempo; churning: every `churn_every` blocks a member "
		    "re-registers with a new hotkey."),
	MNR("quality", DN_SCN_FRACTION, quality_ppm, FRACTION, .help = "Mean quality."),
	MNR("spread", DN_SCN_FRACTION, spread_ppm, FRACTION,
	    .help = "Members' qualities spread over quality +- spread (clamped to [0, 1])."),
	MNR("drift", DN_SCN_FRACTION, drift_ppm, FRACTION, .only_key = "model",
	    .only_value = DN_MINER_DRIFTING, .help = "Step of the random walk per tempo."),
	MNR("churn_every", DN_SCN_UINT, churn_every, BLOCKS(1, UINT32_MAX), .only_key = "model",
	    .only_value = DN_MINER_CHURNING, .help = "Blocks between re-registrations."),
	MNR("join_block", DN_SCN_UINT, join_block, BLOCKS(0, 100000000),
	    .help = "0: registered at genesis; else all members burn-register at this block, "
		    "before the run's end (a registration flood)."),
	MNR("balance", DN_SCN_AMOUNT, balance, AMOUNT_TAO,
	    .help = "Free balance of each member's coldkey, to pay registrations (churning and "
		    "late joiners need at least the subnet's min_burn)."),

	/* [traders.NAME] */
	TRD("subnet", DN_SCN_NAME, subnet, REQ, .help = "The [subnet.NAME] whose pool they trade."),
	TRD("count", DN_SCN_UINT, count, REQ, RANGE(1, 256), .help = "Members."),
	TRD("behaviour", DN_SCN_ENUM, behaviour, NAMES(dn_trader_behaviour_names),
	    .help = "random: a random stake or unstake every `every` blocks; whale: stakes its "
		    "budget at block `at`, unstakes it at `until`; epoch_sniper: stakes `lead` "
		    "blocks before each epoch, unstakes right after."),
	TRD("budget", DN_SCN_AMOUNT, budget, AMOUNT_TAO,
	    .help = "TAO each member holds to trade with."),
	TRD("at", DN_SCN_UINT, at, BLOCKS(0, 100000000), .only_key = "behaviour",
	    .only_value = DN_TRADER_WHALE,
	    .help = "Block of the whale's stake, before the run's end."),
	TRD("until", DN_SCN_UINT, until, BLOCKS(0, 100000000), .only_key = "behaviour",
	    .only_value = DN_TRADER_WHALE,
	    .help = "Block of the whale's unstake, after `at`; 0: never."),
	TRD("every", DN_SCN_UINT, every, BLOCKS(1, 100000), .only_key = "behaviour",
	    .only_value = DN_TRADER_RANDOM, .help = "Blocks between trades."),
	TRD("lead", DN_SCN_UINT, lead, BLOCKS(1, 50400), .only_key = "behaviour",
	    .only_value = DN_TRADER_EPOCH_SNIPER,
	    .help = "Blocks before each epoch the sniper stakes, below the subnet's tempo."),

	/* [expect] */
	{.section = DN_SCN_SEC_EXPECT,
	 .key = "NAME",
	 .type = DN_SCN_SQL,
	 .help = "An assertion named NAME ([a-z0-9_-], 1-48 characters): SQL whose first "
		 "row's first column must be true."},
};

const size_t dn_scn_nparams = sizeof(dn_scn_params) / sizeof(dn_scn_params[0]);

const struct dn_scn_param *dn_scn_param_find(enum dn_scn_section section, const char *key)
{
	for (size_t i = 0; i < dn_scn_nparams; i++)
		if (dn_scn_params[i].section == section && dn_scn_params[i].type != DN_SCN_SQL &&
		    strcmp(dn_scn_params[i].key, key) == 0)
			return &dn_scn_params[i];
	return NULL;
}

enum dn_scn_section dn_scn_section_by_name(const char *name, size_t len)
{
	for (int i = 0; i < DN_SCN_SEC_COUNT; i++)
		if (strlen(dn_scn_sections[i].name) == len &&
		    memcmp(dn_scn_sections[i].name, name, len) == 0)
			return (enum dn_scn_section)i;
	return DN_SCN_SEC_COUNT;
}

bool dn_scn_name_ok(const char *name, size_t max_len)
{
	size_t n = 0;
	for (; name[n]; n++) {
		char c = name[n];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return n >= 1 && n <= max_len;
}

/* ---- a bounded string builder (devnet has no stdio) -------------------- */

struct sbuf {
	char *p;
	size_t len, n;
};

static void sb_put(struct sbuf *b, const char *s)
{
	while (*s && b->n + 1 < b->len)
		b->p[b->n++] = *s++;
	if (b->len)
		b->p[b->n] = 0;
}

static void sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp) - 1;
	tmp[n] = 0;
	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(b, tmp + n);
}

static void sb_i64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sb_put(b, "-");
		sb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(b, (uint64_t)v);
	}
}

static void sb_dec(struct sbuf *b, uint64_t v, unsigned decimals)
{
	uint64_t scale = 1;
	for (unsigned i = 0; i < decimals; i++)
		scale *= 10;
	sb_u64(b, v / scale);
	uint64_t frac = v % scale;
	if (!frac)
		return;
	char digits[24];
	unsigned n = decimals;
	digits[n] = 0;
	for (unsigned i = n; i-- > 0;) {
		digits[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = 0;
	sb_put(b, ".");
	sb_put(b, digits);
}

void dn_scn_format_decimal(uint64_t v, unsigned decimals, char *buf, size_t len)
{
	struct sbuf b = {buf, len, 0};
	if (len)
		buf[0] = 0;
	sb_dec(&b, v, decimals);
}

/* ---- fields ------------------------------------------------------------ */

static uint64_t get_u(const void *field, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)field;
	case 2: {
		uint16_t v;
		memcpy(&v, field, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, field, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, field, 8);
		return v;
	}
	}
}

static void put_u(void *field, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;
	switch (size) {
	case 1: memcpy(field, &u8, 1); break;
	case 2: memcpy(field, &u16, 2); break;
	case 4: memcpy(field, &u32, 4); break;
	default: memcpy(field, &v, 8); break;
	}
}

static int64_t get_i(const void *field, size_t size)
{
	switch (size) {
	case 2: {
		int16_t v;
		memcpy(&v, field, 2);
		return v;
	}
	case 4: {
		int32_t v;
		memcpy(&v, field, 4);
		return v;
	}
	default: {
		int64_t v;
		memcpy(&v, field, 8);
		return v;
	}
	}
}

static void put_i(void *field, size_t size, int64_t v)
{
	int16_t i16 = (int16_t)v;
	int32_t i32 = (int32_t)v;
	switch (size) {
	case 2: memcpy(field, &i16, 2); break;
	case 4: memcpy(field, &i32, 4); break;
	default: memcpy(field, &v, 8); break;
	}
}

uint64_t dn_scn_param_get_uint(const struct dn_scn_param *p, const void *base)
{
	const uint8_t *f = (const uint8_t *)base + p->offset;
	if (p->type == DN_SCN_ENUM) {
		int v;
		memcpy(&v, f, sizeof(v));
		return (uint64_t)v;
	}
	if (p->type == DN_SCN_BOOL)
		return *(const bool *)f;
	return get_u(f, p->size);
}

/* ---- parsing ----------------------------------------------------------- */

int dn_scn_parse_decimal(const char *text, unsigned decimals, uint64_t *out)
{
	const char *s = text;
	dn_u128 v = 0;
	unsigned seen = 0;
	bool overflow = false;
	if (!(*s >= '0' && *s <= '9'))
		return DN_SCN_ESYNTAX;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT64_MAX)
			overflow = true, v = UINT64_MAX;
	}
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return DN_SCN_ESYNTAX;
		for (; *s >= '0' && *s <= '9'; s++, seen++) {
			if (seen >= decimals)
				return DN_SCN_ESYNTAX;
			v = v * 10 + (unsigned)(*s - '0');
			if (v > UINT64_MAX)
				overflow = true, v = UINT64_MAX;
		}
	}
	if (*s)
		return DN_SCN_ESYNTAX;
	for (; seen < decimals; seen++) {
		v *= 10;
		if (v > UINT64_MAX)
			overflow = true, v = UINT64_MAX;
	}
	if (overflow)
		return DN_SCN_ERANGE;
	*out = (uint64_t)v;
	return 0;
}

static int parse_int(const char *text, int64_t *out)
{
	bool neg = text[0] == '-';
	uint64_t m;
	int rc = dn_scn_parse_decimal(text + neg, 0, &m);
	if (rc)
		return rc;
	if (m > (uint64_t)INT64_MAX + neg)
		return DN_SCN_ERANGE;
	*out = neg ? (int64_t)(0 - m) : (int64_t)m;
	return 0;
}

static int parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(text, yes[i]) == 0)
			return *out = true, 0;
		if (strcmp(text, no[i]) == 0)
			return *out = false, 0;
	}
	return DN_SCN_ESYNTAX;
}

/* Decimal units of 1e-9 to fixed-point bits, rounded to nearest. */
static dn_u128 nano_to_fixed(uint64_t nano, unsigned frac_bits)
{
	return (((dn_u128)nano << frac_bits) + BILLION / 2) / BILLION;
}

static uint64_t fixed_to_nano(dn_u128 bits, unsigned frac_bits)
{
	dn_u128 one = (dn_u128)1 << frac_bits;
	dn_u128 whole = bits >> frac_bits, frac = bits & (one - 1);
	dn_u128 nano = whole * BILLION + (frac * BILLION + one / 2) / one;
	return nano > UINT64_MAX ? UINT64_MAX : (uint64_t)nano;
}

int dn_scn_param_parse(const struct dn_scn_param *p, const char *text, void *base)
{
	uint8_t *f = (uint8_t *)base + p->offset;
	uint64_t u;
	int64_t i;
	bool b;
	int rc;

	switch (p->type) {
	case DN_SCN_UINT:
	case DN_SCN_AMOUNT:
	case DN_SCN_FRACTION:
	case DN_SCN_FIXED:
		rc = dn_scn_parse_decimal(text,
					  p->type == DN_SCN_AMOUNT || p->type == DN_SCN_FIXED ? 9
					  : p->type == DN_SCN_FRACTION			      ? 6
											      : 0,
					  &u);
		if (rc)
			return rc;
		if (u < p->min || u > p->max)
			return DN_SCN_ERANGE;
		if (p->type == DN_SCN_FIXED) {
			dn_u128 bits = nano_to_fixed(u, p->frac_bits);
			memcpy(f, &bits, sizeof(bits));
		} else {
			put_u(f, p->size, u);
		}
		return 0;
	case DN_SCN_INT:
		rc = parse_int(text, &i);
		if (rc)
			return rc;
		if (i < (int64_t)p->min || i > (int64_t)p->max)
			return DN_SCN_ERANGE;
		put_i(f, p->size, i);
		return 0;
	case DN_SCN_BOOL:
		if (parse_bool(text, &b))
			return DN_SCN_ESYNTAX;
		*(bool *)f = b;
		return 0;
	case DN_SCN_ENUM: {
		unsigned k = dn_scenario_lookup(p->names, p->nnames, text);
		if (k == p->nnames)
			return DN_SCN_ESYNTAX;
		int v = (int)k;
		memcpy(f, &v, sizeof(v));
		return 0;
	}
	case DN_SCN_NAME:
		if (!dn_scn_name_ok(text, p->size - 1))
			return DN_SCN_ESYNTAX;
		memcpy(f, text, strlen(text) + 1);
		return 0;
	case DN_SCN_TEXT: {
		char *old;
		memcpy(&old, f, sizeof(old));
		char *s = xstrdup(text);
		memcpy(f, &s, sizeof(s));
		free(old);
		return 0;
	}
	case DN_SCN_SQL:
	case DN_SCN_TYPE_COUNT: break;
	}
	return DN_SCN_ESYNTAX;
}

/* ---- formatting -------------------------------------------------------- */

void dn_scn_param_format(const struct dn_scn_param *p, const void *base, char *buf, size_t len)
{
	const uint8_t *f = (const uint8_t *)base + p->offset;
	struct sbuf b = {buf, len, 0};
	if (len)
		buf[0] = 0;
	switch (p->type) {
	case DN_SCN_UINT: sb_u64(&b, get_u(f, p->size)); break;
	case DN_SCN_INT: sb_i64(&b, get_i(f, p->size)); break;
	case DN_SCN_AMOUNT: sb_dec(&b, get_u(f, p->size), 9); break;
	case DN_SCN_FRACTION: sb_dec(&b, get_u(f, p->size), 6); break;
	case DN_SCN_FIXED: {
		dn_u128 bits;
		memcpy(&bits, f, sizeof(bits));
		sb_dec(&b, fixed_to_nano(bits, p->frac_bits), 9);
		break;
	}
	case DN_SCN_BOOL: sb_put(&b, *(const bool *)f ? "true" : "false"); break;
	case DN_SCN_ENUM: {
		uint64_t v = dn_scn_param_get_uint(p, base);
		sb_put(&b, v < p->nnames ? p->names[v] : "?");
		break;
	}
	case DN_SCN_NAME: sb_put(&b, (const char *)f); break;
	case DN_SCN_TEXT: {
		const char *s;
		memcpy(&s, f, sizeof(s));
		sb_put(&b, s ? s : "");
		break;
	}
	case DN_SCN_SQL:
	case DN_SCN_TYPE_COUNT: break;
	}
}

const char *dn_scn_param_type_name(const struct dn_scn_param *p)
{
	switch (p->type) {
	case DN_SCN_UINT:
	case DN_SCN_INT: return "integer";
	case DN_SCN_AMOUNT: return p->unit ? p->unit : "TAO";
	case DN_SCN_FRACTION: return "fraction";
	case DN_SCN_FIXED: return "decimal";
	case DN_SCN_BOOL: return "bool";
	case DN_SCN_ENUM: return "choice";
	case DN_SCN_NAME: return "name";
	case DN_SCN_TEXT: return "text";
	case DN_SCN_SQL: return "SQL";
	case DN_SCN_TYPE_COUNT: break;
	}
	return "?";
}

void dn_scn_param_range(const struct dn_scn_param *p, char *buf, size_t len)
{
	struct sbuf b = {buf, len, 0};
	unsigned decimals = p->type == DN_SCN_FRACTION ? 6 : 9;
	if (len)
		buf[0] = 0;
	switch (p->type) {
	case DN_SCN_UINT:
		sb_u64(&b, p->min);
		sb_put(&b, " .. ");
		sb_u64(&b, p->max);
		break;
	case DN_SCN_INT:
		sb_i64(&b, (int64_t)p->min);
		sb_put(&b, " .. ");
		sb_i64(&b, (int64_t)p->max);
		break;
	case DN_SCN_AMOUNT:
	case DN_SCN_FRACTION:
	case DN_SCN_FIXED:
		sb_dec(&b, p->min, decimals);
		sb_put(&b, " .. ");
		sb_dec(&b, p->max, decimals);
		break;
	case DN_SCN_BOOL: sb_put(&b, "true/false"); break;
	case DN_SCN_ENUM:
		for (unsigned i = 0; i < p->nnames; i++) {
			sb_put(&b, i ? ", " : "");
			sb_put(&b, p->names[i]);
		}
		break;
	case DN_SCN_NAME: sb_put(&b, "[a-z0-9_-]{1,31}"); break;
	case DN_SCN_TEXT: sb_put(&b, "any"); break;
	case DN_SCN_SQL: sb_put(&b, "read-only SQL"); break;
	case DN_SCN_TYPE_COUNT: break;
	}
}
