/*
 * The whole chain state and its per-block step.
 *
 * struct dn_chain holds everything a block can change: parameters, the
 * block number, the issuance counters, accounts (32-byte public keys with
 * free balances and nonces), stake (devnet/stake.h), and the subnets
 * (devnet/subnet.h), root (netuid 0) included. dn_chain_step applies one
 * block's on_initialize the way subtensor's block_step does
 * (pallets/subtensor/src/coinbase/block_step.rs, spec dtao.md section 1):
 * registration prices decay, the block emission is minted, the coinbase
 * splits it across subnets, injects, emits alpha and fills the pending
 * accumulators, the due subnets drain within the per-block cap and run
 * their Yuma epochs and distributions, the price EMAs move, and a few
 * coldkeys auto-claim their root dividends. Extrinsics come later; this
 * module is their state.
 *
 * dn_chain_check verifies the conservation identities of TAO and of each
 * subnet's alpha that every block must keep (see there). It is cheap
 * enough to call after every block in tests.
 *
 * Functional core: given a state and a block it always gives the same next
 * state; no I/O, clock, randomness or floating point. Memory: the creator
 * frees (dn_chain_new / dn_chain_free); views are read-only; storage grows
 * on demand and aborts on out-of-memory.
 *
 * Where taodev departs from the chain (stated where it happens): the root
 * subnet has no pool (SubnetTAO[root] is est.root_tao, SubnetAlphaOut of
 * root is not kept); commit-reveal reveals, childkeys, leases, conviction
 * and auto-stake destinations are not modelled yet; the auto-claim draws
 * from parent_hash, which the block layer sets (until then dn_chain_step
 * advances it as a BLAKE2b-256 hash chain).
 */
#ifndef DN_CHAIN_H
#define DN_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/distribution.h"
#include "devnet/emission.h"
#include "devnet/registry.h"
#include "devnet/rootclaim.h"
#include "devnet/schedule.h"
#include "devnet/stake.h"
#include "devnet/subnet.h"

/* ---- errors ------------------------------------------------------------ */

#define DN_CHAIN_EINVAL (-22) /* bad argument or genesis */
#define DN_CHAIN_ESTATE \
	(-5) /* a module refused the state (epoch, distribution): a bug;
				the block is partly applied and the chain is unusable */
#define DN_CHAIN_ECHECK (-200) /* an invariant does not hold (dn_chain_check) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_chain_strerror(int err);

/* What went wrong: the first failure's message (which identity or input,
 * where, by how much) and how many failures were found in all. */
struct dn_chain_err {
	int code;
	unsigned count;
	char msg[256];
};

#define DN_CHAIN_NONE UINT32_MAX /* no account */

/* ---- parameters -------------------------------------------------------- */

/* Chain-wide constants and storage values (production defaults from
 * dn_chain_params_default). */
struct dn_chain_params {
	struct dn_emission_params em; /* block emission, owner cut, TaoWeight, EMA */
	struct dn_schedule_params sched; /* MaxEpochsPerBlock, tempo bounds, freeze window */
	struct dn_lock_params lock; /* subnet lock cost, limit, immunity */
	struct dn_rootclaim_params claim; /* NumRootClaim (the threshold is per subnet) */
	uint64_t stake_threshold; /* rao (StakeThreshold), 0 */
	uint16_t default_take; /* DefaultDelegateTake, 11 796 */
	uint16_t min_take, max_take; /* MinDelegateTake 0, MaxDelegateTake 11 796 */
	uint64_t min_stake; /* rao (DefaultMinStake), 2 000 000 */
	uint64_t existential_deposit; /* rao (runtime EXISTENTIAL_DEPOSIT), 500 */
	uint64_t min_reserve; /* rao (swap MinimumReserve), 1 000 000 */
	uint64_t start_call_delay; /* blocks (StartCallDelay), 0 */
	uint64_t network_rate_limit; /* blocks (NetworkRateLimit), 7 200 */
	uint64_t take_rate_limit; /* blocks (TxDelegateTakeRateLimit), 216 000 */
};

/* The production runtime (runtime/src/lib.rs, pallets/subtensor/src/lib.rs). */
void dn_chain_params_default(struct dn_chain_params *p);

/* ---- genesis ----------------------------------------------------------- */

/* A genesis is a snapshot: balances, pools and stakes are given as they
 * are, nothing is charged; the issuance is their sum. Accounts, hotkeys
 * and owners are indices into `accounts`. */
struct dn_genesis_account {
	uint8_t key[32]; /* ed25519 public key */
	uint64_t free; /* rao */
};

struct dn_genesis_hotkey {
	uint32_t hotkey, coldkey; /* Owner[hotkey] = coldkey */
	uint16_t take; /* Delegates; 0 = the default take */
};

struct dn_genesis_subnet {
	uint16_t netuid; /* 1 .. DN_MAX_SUBNETS - 1, ascending in the genesis */
	uint32_t owner_coldkey, owner_hotkey; /* owner_hotkey gets uid 0 */
	uint16_t tempo; /* 0 = the parameters' initial tempo */
	uint64_t tao; /* rao: SubnetTAO (the pool's TAO reserve; also SubnetLocked) */
	uint64_t alpha_in; /* rao: SubnetAlphaIn */
	bool started; /* start_call done before genesis: FirstEmissionBlockNumber = block,
			 SubtokenEnabled */
	bool emission_enabled; /* SubnetEmissionEnabled (register_network leaves it off) */
	dn_i96f32 moving_price; /* I96F32 bits: SubnetMovingPrice to start from */
	const struct dn_subnet_hparams *hp; /* NULL = dn_subnet_hparams_default */
};

/* A neuron registered at genesis (appended in the order given, after the
 * owner's uid 0). */
struct dn_genesis_neuron {
	uint16_t netuid;
	uint32_t hotkey;
	bool permit; /* ValidatorPermit from an earlier epoch */
};

/* Stake held at genesis: alpha on a subnet, TAO on root (netuid 0). */
struct dn_genesis_stake {
	uint32_t hotkey, coldkey;
	uint16_t netuid;
	uint64_t amount; /* rao */
};

/* Weights a neuron set before genesis, at block `block` (its LastUpdate,
 * which must be after the targets' registration for the epoch to use
 * them). Targets are uids; values are stored as given (u16). */
struct dn_genesis_weights {
	uint16_t netuid;
	uint32_t hotkey; /* the setter, a registered neuron */
	uint64_t block;
	uint32_t n;
	const uint16_t *uids, *values;
};

struct dn_genesis {
	const struct dn_chain_params *params; /* NULL = dn_chain_params_default */
	uint64_t block; /* the genesis state's block number; the first step applies block + 1 */
	size_t naccounts;
	const struct dn_genesis_account *accounts;
	uint32_t sudo; /* account index, DN_CHAIN_NONE = none */
	size_t nhotkeys;
	const struct dn_genesis_hotkey *hotkeys;
	size_t nsubnets;
	const struct dn_genesis_subnet *subnets;
	size_t nneurons;
	const struct dn_genesis_neuron *neurons;
	size_t nstakes;
	const struct dn_genesis_stake *stakes;
	size_t nweights;
	const struct dn_genesis_weights *weights;
};

/* The built-in default genesis, the localnet's accounts plus a small
 * economy to watch: alice, bob and charlie with 1 000 000 TAO, dave, eve
 * and ferdie with 2 000 (ed25519 dev keys, devnet/keys.h; hotkeys derived
 * from them, e.g. //Alice//validator), alice sudo; four subnets (owners
 * alice, bob, charlie, dave) with validators and miners registered,
 * weights set, alpha and root stake, pools at different prices and EMA
 * prices summing above 1 (so root dividends flow); subnet 4 is started
 * but its TAO-side emission is disabled, as register_network leaves a new
 * subnet. The returned genesis owns its arrays; free it with
 * dn_genesis_default_free once the chain is made. Needs libsodium
 * initialised (sodium_init) for the keys. */
struct dn_genesis *dn_genesis_default_new(void);
void dn_genesis_default_free(struct dn_genesis *g);

/* ---- the state --------------------------------------------------------- */

struct dn_account {
	uint8_t key[32]; /* ed25519 public key (AccountId) */
	uint64_t free; /* rao: free balance */
	uint32_t nonce; /* extrinsics sent */
	uint64_t last_take_block; /* block (LastTxBlockDelegateTake) of this hotkey, 0 = never */
};

struct dn_chain_scratch; /* per-block working storage (no state) */

struct dn_chain {
	struct dn_chain_params p;
	uint64_t block; /* the last block applied (the genesis' number before any) */
	uint8_t parent_hash[32]; /* the hash of block `block`: the auto-claim reads it */
	uint32_t sudo; /* account index (Sudo key), DN_CHAIN_NONE = none */
	uint32_t author; /* account index of the current block's author (AuthorshipProvider):
			    swap fees go there; DN_CHAIN_NONE = none (TAO fees then go to the
			    burn account, counted in `stranded`; alpha fees are burned) */

	/* issuance and stake counters: est.total_issuance (TotalIssuance),
	 * est.balances_issuance (the balances pallet's), est.total_stake
	 * (TotalStake), est.root_tao (SubnetTAO[root], the total root stake),
	 * est.block_emission (BlockEmission) */
	struct dn_emission_state est;
	struct dn_lock_state lock; /* NetworkLastLockCost, NetworkLastLockBlock */

	/* accounts, by index; `index` lists them by key for lookup */
	size_t naccounts, capaccounts;
	struct dn_account *acct;
	uint32_t *index;

	struct dn_stake stake;

	/* subnets by ascending netuid; subnets[0] is root */
	size_t nsubnets, capsubnets;
	struct dn_subnet **subnets;

	/* TAO counters for the invariants, rao */
	uint64_t genesis_issuance; /* TotalIssuance at genesis */
	dn_u128 minted; /* every block's credit */
	dn_u128 recycled; /* unspent credit recycled */
	dn_u128 stranded; /* TAO in accounts nobody spends, outside SubnetTAO: credit spent on
			     chain buys the pool refused, registration swap fees and limit
			     refunds left in subnet accounts, fees sent to the burn account */
	uint64_t stake_excess; /* rao: TotalStake above root stake + SubnetTAO (the chain's
				  swap_tao_for_alpha counts the gross input, fee included) */
	struct dn_emission_result last; /* the last block's coinbase */

	struct dn_chain_scratch *scratch;

	/* not state (a header holds the state root, so the state cannot hold
	 * the header's hash): set by the block layer (devnet/block.h) */
	uint8_t genesis_hash[32]; /* the genesis block's hash: what signatures commit to */
	uint8_t head_hash[32]; /* the hash of block `block` */
};

/* A chain in the genesis state. Returns NULL and fills *err (if not NULL)
 * with DN_CHAIN_EINVAL and a message naming the offending entry for a bad
 * genesis (an index out of range, a duplicate key, a hotkey owned twice,
 * a subnet out of order, ...). */
struct dn_chain *dn_chain_new(const struct dn_genesis *g, struct dn_chain_err *err);
void dn_chain_free(struct dn_chain *c);

/* ---- lookups ----------------------------------------------------------- */

/* The account index of a public key, DN_CHAIN_NONE when unknown. */
uint32_t dn_chain_account(const struct dn_chain *c, const uint8_t key[32]);

/* The subnet with this netuid, NULL when it does not exist. */
struct dn_subnet *dn_chain_subnet(const struct dn_chain *c, uint16_t netuid);

/* ---- one block --------------------------------------------------------- */

/* One emitting subnet's share of a block. */
struct dn_emission_event {
	uint16_t netuid;
	uint64_t tao_in; /* rao: SubnetTaoInEmission, injected */
	uint64_t excess_tao; /* rao: SubnetExcessTao, spent on a chain buy */
	uint64_t alpha_in; /* SubnetAlphaInEmission, injected */
	uint64_t alpha_out; /* SubnetAlphaOutEmission, minted outstanding */
	uint64_t alpha_recycled; /* root alpha recycled (no root sell) */
	uint64_t protocol_bought; /* alpha the chain buy added to SubnetProtocolAlpha */
	dn_u64f64 price; /* spot price after the block */
	dn_i96f32 moving_price; /* EMA after the block */
};

/* A subnet whose epoch came due this block. */
struct dn_epoch_event {
	uint16_t netuid;
	enum dn_schedule_outcome outcome; /* RUN, SKIPPED or DEFERRED */
	uint64_t server, validator, root, owner_cut; /* alpha drained (RUN) */
	/* the distribution (RUN) */
	uint64_t incentive_sum; /* Σ server emission of the epoch */
	uint64_t validator_pool, root_pool;
	uint64_t staked; /* owner cut, incentives, takes, nominators, fallback */
	uint64_t claimable; /* made claimable by root stakers */
	uint64_t burned, recycled; /* owner incentive withheld, CK burn included in recycled */
	int64_t undistributed; /* dust left in SubnetAlphaOut */
	dn_u96f32 miner_burned; /* MinerBurned stored */
	size_t first_pay, npay; /* its payments in dn_block_events.pay */
};

/* One payment of a distribution, with account indices. */
struct dn_pay_event {
	uint16_t netuid;
	enum dn_pay_kind kind;
	uint32_t hotkey, coldkey; /* DN_CHAIN_NONE where it does not apply */
	uint64_t amount; /* alpha rao */
};

/* One root claim. */
struct dn_claim_event {
	uint32_t coldkey, hotkey;
	uint16_t netuid;
	bool swap; /* sold for TAO (root stake), else kept as alpha stake */
	uint64_t alpha; /* claimed */
	uint64_t tao; /* rao: what the swap paid into root stake */
};

/* One extrinsic's outcome (devnet/extrinsic.h dispatches them). */
struct dn_xt_event {
	uint32_t index; /* in the block */
	uint8_t kind; /* enum dn_call_kind */
	uint32_t signer; /* account index */
	int code; /* 0 or the DN_OPS_* error of the call */
	uint64_t alpha, tao; /* what the call staked, received or moved */
	uint16_t netuid, uid; /* register_network's netuid, burned_register's uid */
	char msg[160]; /* the error's message */
};

/* What one block did. Caller-owned; arrays grow as needed and are reused
 * from block to block (init once, release once). */
struct dn_block_events {
	uint64_t block;
	uint64_t credit; /* rao minted */
	struct dn_emission_result coinbase;
	size_t nemission, capemission;
	struct dn_emission_event *emission; /* emitting subnets, ascending */
	size_t nepochs, capepochs;
	struct dn_epoch_event *epochs; /* due subnets, ascending */
	size_t npay, cappay;
	struct dn_pay_event *pay;
	size_t nclaims, capclaims;
	struct dn_claim_event *claims;
	unsigned claim_failures; /* coldkeys whose claim failed and was rolled back */
	size_t nxt, capxt;
	struct dn_xt_event *xt; /* the block's extrinsics, in order */
};

void dn_block_events_init(struct dn_block_events *ev);
void dn_block_events_release(struct dn_block_events *ev);
/* Appends a zeroed extrinsic event. */
struct dn_xt_event *dn_block_events_push_xt(struct dn_block_events *ev);

/* Applies block c->block + 1's on_initialize (spec dtao.md section 1):
 *  1. registration prices decay on every subnet (root included);
 *  2. the block emission is minted (TotalIssuance grows, capped);
 *  3. (commit-reveal reveals: not modelled yet);
 *  4. the coinbase: emitting set, price-EMA shares, terms, injection and
 *     chain buys, alpha out, owner cut, root alpha, pending; unspent credit
 *     recycled; every subnet's schedule ticks, due ones drain within
 *     MaxEpochsPerBlock and, in ascending netuid, run Yuma and distribute
 *     (stakes, alpha issuance, RootClaimable, MinerBurned;
 *     LastMechansimStepBlock = now);
 *  5-6. price EMAs and RootProp of the emitting subnets;
 *  8. NumRootClaim coldkeys drawn from parent_hash claim their root
 *     dividends (a coldkey whose claim fails is rolled back, as the chain's
 *     transaction is).
 * c->block becomes the new block's number, the block the extrinsics then
 * execute in; parent_hash (the hash of the block before, which the block
 * layer sets: devnet/block.h) and author are read, not changed. ev (may
 * be NULL) receives what happened. Returns 0, or DN_CHAIN_ESTATE with *err
 * filled (a bug: the state is inconsistent).
 */
int dn_chain_initialize(struct dn_chain *c, struct dn_block_events *ev, struct dn_chain_err *err);

/* A block without a block layer, for tests and benchmarks:
 * dn_chain_initialize, then parent_hash moves on as a stand-in hash chain
 * (BLAKE2b-256 of itself and the block number). */
int dn_chain_step(struct dn_chain *c, struct dn_block_events *ev, struct dn_chain_err *err);

/* ---- invariants -------------------------------------------------------- */

/* Checks the state's conservation identities; 0, or DN_CHAIN_ECHECK with
 * the first failure in *err (which identity, where, by how much) and the
 * number of failures. In words:
 *  TAO
 *   - TotalIssuance equals the balances pallet's issuance;
 *   - issuance = genesis issuance + every credit minted - every credit
 *     recycled (the only ways TAO appears or leaves);
 *   - issuance = free balances + root stake (SubnetTAO[root]) + every
 *     subnet's SubnetTAO + the TAO stranded in subnet accounts by refused
 *     chain buys (where every TAO is);
 *   - TotalStake = SubnetTAO[root] + every subnet's SubnetTAO + the buy fees
 *     and refunds the chain counts in it (stake_excess);
 *   - SubnetTAO[root] = the sum of the root share pools' values;
 *   - the last coinbase spent its credit: credit = injected + bought +
 *     stranded + recycled.
 *  alpha, per subnet
 *   - issuance: SubnetAlphaIn + SubnetAlphaOut = genesis alpha + alpha
 *     minted (in and out) - alpha recycled;
 *   - holdings: SubnetAlphaOut = the subnet's share pools' values + the
 *     four pending accumulators + SubnetProtocolAlpha + alpha claimable by
 *     root stakers + burned owner incentive + coinbase rounding dust +
 *     distribution dust;
 *   - the coinbase dust stays below 4 rao per emitting block, the
 *     distribution dust is not negative, the claimable alpha is not
 *     negative and covers what the root stakers are owed (rate x root
 *     stake - claimed, summed) up to one rao per staker;
 *  stake
 *   - each net's kept total equals the sum of its pools' values; each
 *     pool's holders' values sum to its value within one rao per holder;
 *   - every staked hotkey has an owner;
 *  structure
 *   - accounts are indexed by key, sorted and unique; subnets ascend with
 *     root first; neurons hold distinct hotkeys, rows name uids < n; weight
 *     commit queues ascend by hotkey and hold 1 to 10 commits;
 *   - the schedule: no subnet is overdue (an epoch that came due either ran
 *     or is pending for the next block); the pools' weights lie in [0.01,
 *     0.99]; the root subnet's pool stays empty. */
int dn_chain_check(const struct dn_chain *c, struct dn_chain_err *err);

/* ---- canonical encoding ------------------------------------------------ */

struct dn_enc;

/* Appends the canonical encoding of the whole state (devnet/codec.h's
 * SCALE) to e: two chains are in the same state exactly when their
 * encodings are equal. It is the concatenation of the parts below, in
 * this order: the globals; every account (0 .. dn_chain_encode_naccounts);
 * every stake net (0 .. stake.nnets); the root claims; every subnet's head
 * then neurons. The globals carry the counts, so the parts need no
 * framing. */
void dn_chain_encode(const struct dn_chain *c, struct dn_enc *e);

/* The parts, for the state root (devnet/stateroot.h), which hashes each
 * and rehashes only what changed. */
void dn_chain_encode_globals(const struct dn_chain *c, struct dn_enc *e);
/* Account i: its balance record (i < naccounts) and its stake record
 * (i < stake.naccounts). */
void dn_chain_encode_account(const struct dn_chain *c, size_t i, struct dn_enc *e);
void dn_chain_encode_stake_net(const struct dn_chain *c, size_t netuid, struct dn_enc *e);
void dn_chain_encode_claims(const struct dn_chain *c, struct dn_enc *e);
void dn_chain_encode_subnet_head(const struct dn_subnet *s, struct dn_enc *e);
void dn_chain_encode_subnet_neurons(const struct dn_subnet *s, struct dn_enc *e);
/* The neurons part is n, each neuron, then the weight commits: */
void dn_chain_encode_neuron(const struct dn_subnet *s, uint32_t u, struct dn_enc *e);
void dn_chain_encode_subnet_commits(const struct dn_subnet *s, struct dn_enc *e);

/* How many account records the encoding holds. */
static inline size_t dn_chain_encode_naccounts(const struct dn_chain *c)
{
	return c->naccounts > c->stake.naccounts ? c->naccounts : c->stake.naccounts;
}

/* The state dn_chain_encode wrote (a snapshot to resume from): a chain
 * built as dn_chain_new builds one (account index, capacities, scratch and
 * workspaces; change counters and the block layer's hashes fresh), whose
 * encoding is p[0 .. n-1] again. Malformed input (truncated, trailing
 * bytes, a count larger than the bytes left could hold, a bool or enum out
 * of range, an account index >= naccounts, netuids not ascending from root,
 * neurons or pools out of order, ...) gives NULL with *err (if not NULL)
 * filled: DN_CHAIN_EINVAL and a message naming the field and its offset.
 * Never reads outside p, never allocates more than the input could
 * describe. The invariants are not checked (dn_chain_check does that). */
struct dn_chain *dn_chain_decode(const uint8_t *p, size_t n, struct dn_chain_err *err);

#endif
