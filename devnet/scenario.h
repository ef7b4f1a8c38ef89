/*
 * A scenario: what a devnet run starts from and what happens in it, as a
 * plain C structure. devnet/scenario_ini.c reads it from an INI file
 * (libinih; its parameter table is the one source for the loader, `taodev
 * help scenario` and fixtures/README.md); devnet/scenario.c turns it into
 * a genesis; nodes/agent.c makes its participants act; the run's
 * assertions are SQL over the run's history (devnet/store.h).
 *
 * Names: every account, subnet and group has a name ([a-z0-9_-], 1-31
 * characters). Keys are Substrate ed25519 keys from the dev phrase
 * (devnet/keys.h dn_keys_uri), so anyone can re-derive them:
 *   dev accounts            alice .. ferdie  (//Alice ..)
 *   account NAME            //taodev//NAME
 *   subnet NAME's owner     hotkey //taodev//subnet//NAME//owner, coldkey
 *                           the subnet's `owner` account
 *   group NAME, member i    coldkey //taodev//NAME//i, hotkey
 *                           //taodev//NAME//i//hot
 * Amounts are in rao (the INI file writes TAO with up to 9 decimals).
 */
#ifndef DN_SCENARIO_H
#define DN_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/keys.h"
#include "devnet/subnet.h"

#define DN_SCN_NAME_MAX 32 /* names, NUL included */

/* ---- participants' behaviours ------------------------------------------ */

enum dn_validator_behaviour {
	DN_VAL_HONEST, /* every `every` tempos: weights from a noisy observation of quality */
	DN_VAL_LAZY, /* honest, but only every `every` tempos (every > 1) */
	DN_VAL_STALE, /* sets weights once, at its first chance, never again */
	DN_VAL_COPIER, /* sets last epoch's consensus (s->consensus) as its weights */
	DN_VAL_CARTEL, /* all its weight to the miners of group `favours` */
	DN_VAL_SELF_DEALER, /* all its weight to its own miner (it registers one) */
	DN_VAL_COUNT
};

enum dn_miner_model {
	DN_MINER_CONSTANT, /* quality fixed at quality +- spread */
	DN_MINER_DRIFTING, /* a random walk of step `drift` per tempo, in [0, 1] */
	DN_MINER_CHURNING, /* every `churn_every` blocks one member re-registers a new hotkey */
	DN_MINER_COUNT
};

enum dn_trader_behaviour {
	DN_TRADER_RANDOM, /* every `every` blocks a random stake or unstake within budget */
	DN_TRADER_WHALE, /* stakes `budget` at block `at`, unstakes it all at `until` (0 never) */
	DN_TRADER_EPOCH_SNIPER, /* stakes `budget` `lead` blocks before each epoch of its
				   subnet, unstakes right after */
	DN_TRADER_COUNT
};

enum dn_stake_spread {
	DN_SPREAD_EQUAL, /* every member `stake` */
	DN_SPREAD_LINEAR, /* member i of n gets stake * 2 (n - i) / (n + 1): same total */
	DN_SPREAD_PARETO, /* member i gets stake * n * w_i, w_i proportional to 1 / (i + 1) */
	DN_SPREAD_COUNT
};

/* The names used in INI files, indexed by the enums; lookups return the
 * enum's COUNT when unknown. */
extern const char *const dn_validator_behaviour_names[DN_VAL_COUNT];
extern const char *const dn_miner_model_names[DN_MINER_COUNT];
extern const char *const dn_trader_behaviour_names[DN_TRADER_COUNT];
extern const char *const dn_stake_spread_names[DN_SPREAD_COUNT];

/* ---- the parts --------------------------------------------------------- */

struct dn_scn_account {
	char name[DN_SCN_NAME_MAX];
	uint64_t balance; /* rao */
	int line; /* where it was defined (0 = built in) */
};

struct dn_scn_subnet {
	char name[DN_SCN_NAME_MAX];
	uint16_t netuid; /* 1 .. 1023, unique, ascending once loaded */
	char owner[DN_SCN_NAME_MAX]; /* an account (dev or scenario) */
	uint16_t tempo; /* 0 = the chain's initial tempo */
	uint64_t pool_tao, pool_alpha; /* rao: SubnetTAO and SubnetAlphaIn at genesis */
	dn_i96f32 moving_price; /* I96F32 bits; 0 = the pool's price */
	bool started; /* start_call done at genesis */
	bool emission_enabled;
	struct dn_subnet_hparams hp; /* dn_subnet_hparams_default, then the file's keys */
	int line;
};

struct dn_scn_validators {
	char name[DN_SCN_NAME_MAX];
	char subnet[DN_SCN_NAME_MAX];
	unsigned count; /* 1 .. 256 */
	uint64_t stake; /* rao of alpha per member (before the spread) */
	enum dn_stake_spread spread;
	uint64_t root_stake; /* rao of TAO on root per member */
	enum dn_validator_behaviour behaviour;
	unsigned every; /* tempos between weight settings, >= 1 */
	uint32_t noise_ppm; /* observation noise, parts per million of quality */
	char favours[DN_SCN_NAME_MAX]; /* cartel: a miners group */
	int line;
};

struct dn_scn_miners {
	char name[DN_SCN_NAME_MAX];
	char subnet[DN_SCN_NAME_MAX];
	unsigned count; /* 1 .. 4096 */
	enum dn_miner_model model;
	uint32_t quality_ppm, spread_ppm, drift_ppm; /* parts per million */
	uint64_t churn_every; /* blocks (churning) */
	uint64_t join_block; /* 0 = registered at genesis; else burned_register then
				(all at once: a registration flood) */
	uint64_t balance; /* rao each member's coldkey holds (to pay registrations) */
	int line;
};

struct dn_scn_traders {
	char name[DN_SCN_NAME_MAX];
	char subnet[DN_SCN_NAME_MAX];
	unsigned count; /* 1 .. 256 */
	enum dn_trader_behaviour behaviour;
	uint64_t budget; /* rao of TAO each */
	uint64_t at, until; /* blocks (whale) */
	unsigned every; /* blocks between trades (random) */
	unsigned lead; /* blocks before an epoch (sniper) */
	int line;
};

/* One assertion: a read-only SQL query over the run's history whose
 * single row's first column must be true (non-zero); its other columns,
 * if any, are shown with the verdict. */
struct dn_scn_expect {
	char name[64];
	char *sql; /* owned */
	int line;
};

struct dn_scenario {
	char name[DN_SCN_NAME_MAX];
	char *description; /* owned, may be NULL */
	uint64_t seed;
	uint64_t blocks; /* the run's length */
	struct dn_chain_params params; /* dn_chain_params_default, then [chain] keys */
	size_t naccounts, nsubnets, nvalidators, nminers, ntraders, nexpects;
	struct dn_scn_account *accounts;
	struct dn_scn_subnet *subnets;
	struct dn_scn_validators *validators; /* groups */
	struct dn_scn_miners *miners;
	struct dn_scn_traders *traders;
	struct dn_scn_expect *expects;
};

void dn_scenario_init(struct dn_scenario *s); /* defaults, no parts */
void dn_scenario_release(struct dn_scenario *s);

/* Lookups by name (NULL when absent). */
const struct dn_scn_subnet *dn_scenario_subnet(const struct dn_scenario *s, const char *name);
const struct dn_scn_miners *dn_scenario_miners(const struct dn_scenario *s, const char *name);

/* The index of `name` in names[0 .. n-1] (one of the tables above), n
 * (the enum's COUNT) when unknown. */
unsigned dn_scenario_lookup(const char *const *names, unsigned n, const char *name);

/* ---- loading (devnet/scenario_ini.c, in devnet/libscenario.a) ----------
 *
 * The INI format is fixtures/README.md's (`taodev help scenario`); the
 * parameter table behind it is devnet/scenario_param.h. Loading is strict:
 * unknown sections and keys, bad or out-of-range values, duplicates,
 * missing required keys, unknown references and impossible scenarios are
 * errors. They are written to err as lines "NAME:LINE: message" (NAME the
 * path or name_for_errors; the first errors in line order, then how many
 * more), and the functions return their number (> 0): *out is then left
 * untouched. On success they return 0 and overwrite *out (which needs no
 * dn_scenario_init; release it with dn_scenario_release). A file that
 * cannot be read gives "PATH: reason" and 1. */
int dn_scenario_load_file(const char *path, struct dn_scenario *out, char *err, size_t errlen);
int dn_scenario_load_string(const char *text, const char *name_for_errors, struct dn_scenario *out,
			    char *err, size_t errlen);

/* The default scenario, fixtures/quickstart.ini compiled in (NUL
 * terminated), and its loading under the name "quickstart.ini". */
extern const char dn_scenario_default_ini[];
int dn_scenario_load_default(struct dn_scenario *out, char *err, size_t errlen);

/* ---- the genesis and the world (devnet/scenario.c, in libdevnet.a) -----
 *
 * dn_scenario_genesis turns a scenario into a chain genesis and the
 * "world": which account, key pair, uid and netuid each participant has,
 * what nodes/agent.c needs to make them act. Pure (no I/O, no floating
 * point): the same scenario gives the same genesis everywhere.
 *
 * Keys besides the top comment's:
 *   churning miner i's hotkey of generation g >= 1  //taodev//NAME//i//hot//g
 *   self-dealing validator i's own miner hotkey     //taodev//NAME//i//miner
 * Genesis accounts, in this order: the six dev accounts (the localnet's
 * balances: alice, bob, charlie 1 000 000 TAO, dave, eve, ferdie 2 000; a
 * scenario account named like one sets its balance instead); the other
 * scenario accounts; per subnet (scenario order) its owner hotkey; per
 * validators group and member the coldkey then the hotkey; the miners
 * likewise; per traders member its coldkey. Balances: validators' coldkeys
 * nothing, except self-dealers' (their subnet's MaxBurn + 1 TAO, enough for
 * one registration at any price); miners' coldkeys `balance`; traders'
 * coldkeys `budget`; hotkeys nothing.
 * Registered at genesis, per subnet in this order: the owner hotkey (uid 0),
 * every validator (ValidatorPermit set, alpha stake by the spread rule from
 * its own coldkey, root_stake on root), the miners of groups with
 * join_block 0 (their hotkeys owned by their coldkeys). Late joiners'
 * hotkeys are accounts without an owner until they register. Rounding of
 * the spread rules goes to member 0, so a group's alpha stake totals
 * count x stake exactly.
 * Weights at block 1 (so the first epoch has data): every validator except
 * copiers, over every genesis uid of its subnet: a cartel's to its
 * favoured miners, the others' an honest observation (dn_scenario_weight).
 * Sudo: alice. Parameters: s->params.
 *
 * The miners' quality model (parts per million, integer arithmetic):
 *   base(i, g)  = quality + spread x u, u uniform in [-1, 1] drawn from
 *                 (seed, group, i, g): a churned hotkey draws afresh;
 *   constant    q = base;
 *   drifting    q = base + drift x W(t), folded into [0, 1] (reflected),
 *               t = block / tempo the tempo index and W(t) a +-1 random
 *               walk whose steps are the bits of hashes of (seed, group, i,
 *               t / 64): W(t) is the popcounts of t / 64 hashes, so any
 *               block's quality costs O(t / 64) and needs no history;
 *   churning    every churn_every blocks (after join_block) one member,
 *               round robin (member g mod count for generation g = block /
 *               churn_every), registers a new hotkey; only the member's
 *               latest generation does work (older hotkeys have quality 0).
 * A validator observes q x (1 + noise x z), z ~ N(0, 1) approximated by
 * four uniforms drawn from (seed, validator, hotkey, block), clamped to
 * [0, 1] and scaled to u16.
 */

/* What a hotkey is in a scenario. */
enum dn_scn_role {
	DN_SCN_NOBODY, /* not a scenario key */
	DN_SCN_OWNER, /* a subnet's owner hotkey (group = subnet index) */
	DN_SCN_VALIDATOR, /* group = validators index, member */
	DN_SCN_MINER, /* group = miners index, member, gen (0 = the genesis hotkey) */
	DN_SCN_OWN_MINER, /* a self-dealer's miner: group = validators index, member */
};

struct dn_scn_ident {
	enum dn_scn_role role;
	uint32_t group, member;
	uint64_t gen;
};

/* One participant: account indices (in the genesis and so in the chain)
 * and key pairs. Traders have no hotkey (DN_CHAIN_NONE, zero keys). */
struct dn_scn_member {
	uint32_t coldkey, hotkey;
	struct dn_keypair cold, hot;
};

struct dn_scn_group {
	size_t subnet; /* index in s->subnets */
	uint16_t netuid;
	unsigned count;
	struct dn_scn_member *m; /* [count] */
	struct dn_keypair *own; /* self-dealers: [count] their miners' keys; else NULL */
	uint32_t *stake_to; /* traders: [count] the hotkey (account) each stakes on: the
			       validators of its subnet round robin, else its owner hotkey */
	size_t favours; /* cartels: index in s->miners, SIZE_MAX otherwise */
};

struct dn_scenario_world {
	struct dn_genesis g; /* points into the world's storage */
	struct dn_chain_params params;
	size_t nsubnets; /* as s->nsubnets, in the scenario's order */
	uint16_t *netuid; /* [nsubnets] */
	uint16_t *tempo; /* [nsubnets] the tempo at genesis (0 resolved) */
	uint32_t *owner_coldkey, *owner_hotkey; /* [nsubnets] accounts */
	uint32_t *account; /* [s->naccounts] the accounts of the scenario's accounts */
	size_t nvalidators, nminers, ntraders;
	struct dn_scn_group *validators, *miners, *traders; /* as s->validators, ... */
	void *store; /* the genesis' arrays */
};

/* Builds the genesis and world of s (whose parts must be consistent: names
 * that resolve, counts in range); *out is owned by the caller and needs s
 * only while it is built. The genesis is checked by making a chain of it.
 * Returns 0, or -1 with a message naming the part in err. Needs libsodium
 * initialised (keys). 128 subnets of 256 uids (33 000 members, 66 000
 * keys) take about a second, almost all of it ed25519 key generation. */
int dn_scenario_genesis(const struct dn_scenario *s, struct dn_scenario_world **out, char *err,
			size_t errlen);
void dn_scenario_world_free(struct dn_scenario_world *w);

/* A 64-bit hash of five words (splitmix64 rounds): the draws of the
 * quality model, the observation noise and nodes/agent.c's decisions. */
uint64_t dn_scenario_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* The generation of miners member i whose hotkey does the work at block
 * `block` (0 = the genesis hotkey; always 0 unless churning). */
uint64_t dn_scenario_live_gen(const struct dn_scn_miners *m, unsigned member, uint64_t block);

/* Whether a churning group re-registers at `block`: *member and *gen. */
bool dn_scenario_churn_at(const struct dn_scn_miners *m, uint64_t block, unsigned *member,
			  uint64_t *gen);

/* The true quality (ppm) of miners group `group`'s member i, hotkey
 * generation gen, at `block`: 0 for a generation that is not live. */
uint32_t dn_scenario_quality(const struct dn_scenario *s, const struct dn_scenario_world *w,
			     uint64_t seed, size_t group, unsigned member, uint64_t gen,
			     uint64_t block);

/* The weight (u16) validator `member` of validators group `group`, acting
 * as `as`, gives a hotkey of identity id when it looks at block `block`:
 * cartel 65535 to the favoured group's live miners, self-dealer 65535 to
 * its own miner, anything else (honest, lazy, stale; copiers copy instead)
 * the noisy observation of the hotkey's quality (0 for non-miners). */
uint16_t dn_scenario_weight(const struct dn_scenario *s, const struct dn_scenario_world *w,
			    uint64_t seed, size_t group, unsigned member,
			    enum dn_validator_behaviour as, const struct dn_scn_ident *id,
			    uint64_t block);

#endif
