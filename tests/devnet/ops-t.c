/*
 * devnet/ops.c: every operation's success and its errors on a small chain;
 * an error must leave the state's encoding unchanged, and the invariants
 * (dn_chain_check) must hold after every operation and every block.
 */
#include "devnet/chain.h"
#include "devnet/ops.h"
#include "tests/devnet/opschain.h"
#include "tests/tap.h"

#include <string.h>

enum { ALICE, BOB, AUTHOR, HA, HB, CHARLIE, HC, HD, NACC };

static struct dn_genesis_account acc[NACC];
static struct dn_chain *c;
static struct dn_ops_err e;

static const uint8_t *K(int i) { return acc[i].key; }

static struct dn_chain *make_chain(void)
{
	static struct dn_chain_params p;
	dn_chain_params_default(&p);
	p.network_rate_limit = 10;
	opschain_accounts(acc, NACC, 0x10);
	acc[ALICE].free = 1000000 * TAO;
	acc[BOB].free = 10000 * TAO;
	acc[CHARLIE].free = 5 * TAO;
	static const struct dn_genesis_hotkey hk[] = {{HA, ALICE, 0}, {HB, BOB, 0}};
	static const struct dn_genesis_subnet sn[] = {
		{1, ALICE, HA, 0, 1000 * TAO, 1000 * TAO, true, true, 0, NULL},
		{2, BOB, HB, 0, 500 * TAO, 2000 * TAO, true, true, 0, NULL},
		{3, BOB, HB, 0, 1 * TAO, 1 * TAO, true, true, 0, NULL},
		{4, BOB, HB, 0, 100 * TAO, 100 * TAO, false, false, 0, NULL},
	};
	static const struct dn_genesis_stake st[] = {
		{HA, ALICE, 0, 1000 * TAO},
		{HA, ALICE, 1, 100 * TAO},
		{HB, BOB, 2, 50 * TAO},
	};
	struct dn_genesis g = {.params = &p,
			       .block = 1,
			       .naccounts = NACC,
			       .accounts = acc,
			       .sudo = ALICE,
			       .nhotkeys = 2,
			       .hotkeys = hk,
			       .nsubnets = 4,
			       .subnets = sn,
			       .nstakes = 3,
			       .stakes = st};
	return opschain_new(&g);
}

/* Steps n blocks; the invariants must hold after them. */
static void step(int n)
{
	opschain_step(c, n);
	opschain_check(c, "blocks");
}

static uint64_t fr(int i) { return c->acct[dn_chain_account(c, K(i))].free; }
static uint32_t A(int i) { return dn_chain_account(c, K(i)); }

static void test_errors_table(void)
{
	is_str(dn_ops_strerror(0), "Ok", "code 0 is Ok");
	is_str(dn_ops_strerror(DN_OPS_EAMOUNTLOW), "AmountTooLow", "AmountTooLow named");
	is_str(dn_ops_strerror(DN_OPS_EALPHALOW), "AlphaLowOutOfRange", "last chain code named");
	is_str(dn_ops_strerror(-999), "Unknown", "unknown code");
}

static void test_transfer(void)
{
	uint8_t fresh[32] = {0xEE};
	uint64_t a0 = fr(ALICE), b0 = fr(BOB);
	SUCCEEDS(dn_ops_transfer(c, K(ALICE), K(BOB), 5 * TAO, true, &e), "transfer 5 TAO");
	ok(fr(ALICE) == a0 - 5 * TAO && fr(BOB) == b0 + 5 * TAO, "balances moved");
	FAILS(dn_ops_transfer(c, K(CHARLIE), K(BOB), 6 * TAO, false, &e), DN_OPS_EFUNDS,
	      "transfer above the balance");
	FAILS(dn_ops_transfer(c, K(ALICE), fresh, 499, false, &e), DN_OPS_EBELOWMIN,
	      "transfer below the deposit to a new account");
	FAILS(dn_ops_transfer(c, K(CHARLIE), K(BOB), 5 * TAO - 100, true, &e),
	      DN_OPS_ENOTEXPENDABLE, "keep-alive transfer that would reap");
	SUCCEEDS(dn_ops_transfer(c, K(ALICE), fresh, 1000, false, &e), "transfer to a new account");
	ok(dn_chain_account(c, fresh) != DN_CHAIN_NONE &&
		   c->acct[dn_chain_account(c, fresh)].free == 1000,
	   "the new account exists with 1000 rao");
	uint64_t iss = c->est.total_issuance;
	SUCCEEDS(dn_ops_transfer(c, fresh, K(BOB), 700, false, &e), "transfer reaping the sender");
	ok(c->acct[dn_chain_account(c, fresh)].free == 0 && c->est.total_issuance == iss - 300,
	   "the reaped sender's 300 rao dust left the issuance");
}

static void test_add_remove(void)
{
	struct dn_subnet *s1 = dn_chain_subnet(c, 1);
	c->author = A(AUTHOR);
	dn_u64f64 p0 = dn_pool_price(&s1->em.pool);
	uint64_t au0 = fr(AUTHOR), b0 = fr(BOB), ts0 = c->est.total_stake, alpha = 0;
	SUCCEEDS(dn_ops_add_stake(c, K(BOB), K(HA), 1, 10 * TAO, &alpha, &e), "add_stake 10 TAO");
	dn_u64f64 p1 = dn_pool_price(&s1->em.pool);
	ok(p1 > p0, "a buy raises the price");
	ok(alpha > 0 && dn_stake_of(&c->stake, A(HA), A(BOB), 1) == alpha,
	   "the alpha bought is bob's stake");
	ok(fr(AUTHOR) > au0 && fr(AUTHOR) - au0 == 10 * TAO * 33 / 65535,
	   "the fee (%llu rao) went to the block author", (unsigned long long)(fr(AUTHOR) - au0));
	ok(fr(BOB) == b0 - 10 * TAO && c->est.total_stake == ts0 + 10 * TAO,
	   "bob paid 10 TAO and TotalStake grew by the gross amount");

	FAILS(dn_ops_add_stake(c, K(BOB), K(HA), 1, 1000, NULL, &e), DN_OPS_EAMOUNTLOW,
	      "stake below the minimum");
	ok(strstr(e.msg, "1000 rao") != NULL, "the message names the amount (%s)", e.msg);
	FAILS(dn_ops_add_stake(c, K(BOB), K(HA), 9, 10 * TAO, NULL, &e), DN_OPS_ESUBNET,
	      "stake on a missing subnet");
	FAILS(dn_ops_add_stake(c, K(BOB), K(HA), 4, 10 * TAO, NULL, &e), DN_OPS_ESUBTOKEN,
	      "stake before start_call");
	FAILS(dn_ops_add_stake(c, K(CHARLIE), K(HA), 1, 6 * TAO, NULL, &e), DN_OPS_ESTAKEBALANCE,
	      "stake above the balance");
	FAILS(dn_ops_add_stake(c, K(BOB), K(HC), 1, 10 * TAO, NULL, &e), DN_OPS_EHOTKEY,
	      "stake to a hotkey nobody owns");
	FAILS(dn_ops_add_stake(c, K(BOB), K(HB), 3, 1001 * TAO, NULL, &e), DN_OPS_ELIQUIDITY,
	      "stake above 1000 x SubnetTAO");
	FAILS(dn_ops_add_stake_limit(c, K(BOB), K(HA), 1, 10 * TAO, 1000, false, NULL, &e),
	      DN_OPS_EPRICELIMIT, "limit below the price");
	/* a limit 0.1 % above the price executes part of a large order */
	uint64_t lim = (uint64_t)(((p1 >> 32) * 1000000000ULL) >> 32) * 1001 / 1000;
	FAILS(dn_ops_add_stake_limit(c, K(BOB), K(HA), 1, 100 * TAO, lim, false, NULL, &e),
	      DN_OPS_ESLIPPAGE, "limit without partial fills");
	b0 = fr(BOB);
	SUCCEEDS(dn_ops_add_stake_limit(c, K(BOB), K(HA), 1, 100 * TAO, lim, true, &alpha, &e),
		 "partial add_stake_limit");
	ok(b0 - fr(BOB) < 100 * TAO && b0 > fr(BOB), "only part of the order ran (%llu rao)",
	   (unsigned long long)(b0 - fr(BOB)));

	/* remove */
	uint64_t st = dn_stake_of(&c->stake, A(HA), A(BOB), 1);
	p0 = dn_pool_price(&s1->em.pool);
	au0 = fr(AUTHOR);
	b0 = fr(BOB);
	uint64_t tao = 0;
	SUCCEEDS(dn_ops_remove_stake(c, K(BOB), K(HA), 1, st / 2, &tao, &e), "remove half");
	ok(dn_pool_price(&s1->em.pool) < p0, "a sell lowers the price");
	ok(fr(BOB) == b0 + tao && tao > 0, "bob received %llu rao", (unsigned long long)tao);
	ok(fr(AUTHOR) > au0, "the alpha fee's TAO went to the author");
	FAILS(dn_ops_remove_stake(c, K(BOB), K(HA), 1, 1000, NULL, &e), DN_OPS_EAMOUNTLOW,
	      "partial unstake below the minimum");
	FAILS(dn_ops_remove_stake(c, K(CHARLIE), K(HA), 1, 1000, NULL, &e), DN_OPS_EAMOUNTLOW,
	      "unstake without stake");
	FAILS(dn_ops_remove_stake(c, K(BOB), K(HA), 4, 1000, NULL, &e), DN_OPS_ESUBTOKEN,
	      "unstake before start_call");
	FAILS(dn_ops_remove_stake_limit(c, K(BOB), K(HA), 1, st, 1000, false, NULL, &e),
	      DN_OPS_EWITHDRAW, "limit unstake above the stake");
	step(3);
	SUCCEEDS(dn_ops_remove_stake(c, K(BOB), K(HA), 1, UINT64_MAX, NULL, &e),
		 "remove everything (amount capped at the stake)");
	ok(dn_stake_of(&c->stake, A(HA), A(BOB), 1) == 0, "bob has no stake left");

	/* without an author the alpha fee is burned */
	c->author = DN_CHAIN_NONE;
	SUCCEEDS(dn_ops_add_stake(c, K(BOB), K(HA), 1, 10 * TAO, NULL, &e),
		 "add_stake without an author");
	SUCCEEDS(dn_ops_remove_stake(c, K(BOB), K(HA), 1, UINT64_MAX, NULL, &e),
		 "remove_stake without an author");
	ok(s1->ledger.alpha_burned > 0, "the alpha fee was burned");
	c->author = A(AUTHOR);
}

static void test_root(void)
{
	uint64_t r0 = c->est.root_tao, b0 = fr(BOB), alpha = 0;
	SUCCEEDS(dn_ops_add_stake(c, K(BOB), K(HA), 0, 50 * TAO, &alpha, &e), "root stake");
	ok(alpha == 50 * TAO && c->est.root_tao == r0 + 50 * TAO && fr(BOB) == b0 - 50 * TAO,
	   "root stake is 1:1 with no fee");
	ok(c->stake.acct[A(BOB)].claim_index != DN_STAKE_NONE, "bob joined the auto-claim index");
	step(2);
	uint64_t have = dn_stake_of(&c->stake, A(HA), A(BOB), 0);
	SUCCEEDS(dn_ops_remove_stake(c, K(BOB), K(HA), 0, have, NULL, &e), "root unstake");
	ok(c->stake.acct[A(BOB)].claim_index == DN_STAKE_NONE, "bob left the auto-claim index");
}

static void test_move(void)
{
	uint64_t alpha = 0, tao = 0;
	SUCCEEDS(dn_ops_add_stake(c, K(BOB), K(HB), 2, 20 * TAO, &alpha, &e), "stake on 2");
	SUCCEEDS(dn_ops_move_stake(c, K(BOB), K(HB), K(HA), 2, 2, alpha / 2, &tao, &e),
		 "move within subnet 2");
	ok(dn_stake_of(&c->stake, A(HA), A(BOB), 2) == alpha / 2, "the alpha moved as is");
	FAILS(dn_ops_move_stake(c, K(BOB), K(HB), K(HB), 2, 2, 10, NULL, &e), DN_OPS_ESAMENETUID,
	      "move to itself");
	FAILS(dn_ops_move_stake(c, K(BOB), K(HB), K(HA), 2, 2, 10, NULL, &e), DN_OPS_EAMOUNTLOW,
	      "move worth less than min stake");
	FAILS(dn_ops_move_stake(c, K(BOB), K(HB), K(HC), 2, 1, alpha, NULL, &e), DN_OPS_EHOTKEY,
	      "move to an unowned hotkey");
	FAILS(dn_ops_move_stake(c, K(BOB), K(HB), K(HA), 2, 4, alpha, NULL, &e), DN_OPS_ESUBTOKEN,
	      "move to an unstarted subnet");
	uint64_t before1 = dn_stake_of(&c->stake, A(HA), A(BOB), 1);
	SUCCEEDS(dn_ops_move_stake(c, K(BOB), K(HB), K(HA), 2, 1, UINT64_MAX, &tao, &e),
		 "move across subnets");
	ok(dn_stake_of(&c->stake, A(HB), A(BOB), 2) == 0 &&
		   dn_stake_of(&c->stake, A(HA), A(BOB), 1) > before1,
	   "sold on 2, bought on 1 (%llu rao)", (unsigned long long)tao);
}

static void test_take(void)
{
	uint16_t t0 = dn_stake_take(&c->stake, A(HA));
	SUCCEEDS(dn_ops_decrease_take(c, K(ALICE), K(HA), 1000, &e), "decrease take");
	ok(dn_stake_take(&c->stake, A(HA)) == 1000, "take now 1000 (was %u)", t0);
	FAILS(dn_ops_decrease_take(c, K(ALICE), K(HA), 2000, &e), DN_OPS_ETAKELOW,
	      "decrease to a higher take");
	FAILS(dn_ops_increase_take(c, K(BOB), K(HA), 2000, &e), DN_OPS_ENONASSOC,
	      "someone else's hotkey");
	FAILS(dn_ops_increase_take(c, K(ALICE), K(HC), 2000, &e), DN_OPS_EHOTKEY,
	      "an unowned hotkey");
	FAILS(dn_ops_increase_take(c, K(ALICE), K(HA), 20000, &e), DN_OPS_ETAKEHIGH,
	      "take above the maximum");
	FAILS(dn_ops_increase_take(c, K(ALICE), K(HA), 2000, &e), DN_OPS_ETAKERATE,
	      "increase right after a change");
	c->p.take_rate_limit = 2;
	step(3);
	SUCCEEDS(dn_ops_increase_take(c, K(ALICE), K(HA), 2000, &e), "increase after the limit");
	FAILS(dn_ops_increase_take(c, K(ALICE), K(HA), 1500, &e), DN_OPS_ETAKELOW,
	      "increase to a lower take");
}

static void test_register_network(void)
{
	uint16_t net = 0;
	uint64_t a0 = fr(ALICE);
	FAILS(dn_ops_register_network(c, K(ALICE), K(HB), &net, &e), DN_OPS_ENONASSOC,
	      "register with someone else's hotkey");
	FAILS(dn_ops_register_network(c, K(CHARLIE), K(HD), &net, &e), DN_OPS_ELOCKCOST,
	      "register without the lock");
	SUCCEEDS(dn_ops_register_network(c, K(ALICE), K(HC), &net, &e), "register a subnet");
	uint64_t b1 = c->block;
	is_int(net, 5, "the lowest free netuid");
	is_int(a0 - fr(ALICE), 1000 * TAO, "the first lock costs the minimum 1000 TAO");
	struct dn_subnet *s = dn_chain_subnet(c, net);
	ok(s && s->n == 1 && s->hotkey[0] == A(HC) && s->owner_coldkey == A(ALICE),
	   "the owner hotkey holds uid 0");
	ok(s && !s->em.emission_enabled && !s->em.subtoken_enabled && s->em.pool.tao == 1000 * TAO,
	   "emission off, subtoken off, the lock in the pool");
	/* median of prices 1, 0.25, 1, 1 (subnets 1..4 after the trades:
	 * roughly); the seed divides by it */
	ok(s && s->em.pool.alpha_in > 0 && s->em.pool.alpha_out == 0, "seeded with alpha in");
	FAILS(dn_ops_register_network(c, K(ALICE), K(HD), &net, &e), DN_OPS_ENETRATE,
	      "a second registration within the rate limit");
	step(10);
	uint64_t now = c->block;
	uint64_t decay = (1000 * TAO / 100800) * (now - b1);
	a0 = fr(ALICE);
	SUCCEEDS(dn_ops_register_network(c, K(ALICE), K(HD), &net, &e), "register another");
	is_int(a0 - fr(ALICE), 2000 * TAO - decay, "the lock doubled, less its linear decay");

	FAILS(dn_ops_add_stake(c, K(BOB), K(HC), 5, 10 * TAO, NULL, &e), DN_OPS_ESUBTOKEN,
	      "stake on a new subnet before start_call");
	FAILS(dn_ops_start_call(c, K(BOB), 5, &e), DN_OPS_EBADORIGIN, "start_call by another");
	FAILS(dn_ops_start_call(c, K(BOB), 77, &e), DN_OPS_ESUBNET, "start_call on nothing");
	c->p.start_call_delay = 1000;
	FAILS(dn_ops_start_call(c, K(ALICE), 5, &e), DN_OPS_ESTARTDELAY, "start_call too early");
	c->p.start_call_delay = 0;
	SUCCEEDS(dn_ops_start_call(c, K(ALICE), 5, &e), "start_call");
	ok(dn_chain_subnet(c, 5)->em.first_emission_block == c->block + 1,
	   "emission starts next block");
	FAILS(dn_ops_start_call(c, K(ALICE), 5, &e), DN_OPS_EFIRSTEMISSION, "start_call twice");
	SUCCEEDS(dn_ops_add_stake(c, K(BOB), K(HC), 5, 10 * TAO, NULL, &e), "stake once started");
	step(3);
}

static void test_burned_register(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	uint8_t keys[8][32];
	s->hp.max_allowed_uids = 4;
	s->hp.prune.immunity_period = 0;
	s->hp.prune.min_non_immune = 0;
	FAILS(dn_ops_burned_register(c, K(BOB), K(HB), 0, NULL, &e), DN_OPS_EROOTREG,
	      "register on root");
	FAILS(dn_ops_burned_register(c, K(BOB), K(HB), 9, NULL, &e), DN_OPS_ESUBNET,
	      "register on nothing");
	FAILS(dn_ops_burned_register(c, K(BOB), K(HA), 1, NULL, &e), DN_OPS_EREGISTERED,
	      "register a registered hotkey");
	FAILS(dn_ops_burned_register(c, K(BOB), K(HC), 1, NULL, &e), DN_OPS_ENONASSOC,
	      "register alice's hotkey as bob");
	uint64_t burn = s->burn.burn;
	FAILS(dn_ops_burned_register(c, K(CHARLIE), K(HC), 1, NULL, &e), DN_OPS_ENONASSOC,
	      "charlie and alice's hotkey");
	for (int i = 0; i < 3; i++) {
		memset(keys[i], 0, 32);
		keys[i][0] = 0xA0;
		keys[i][1] = (uint8_t)i;
		uint16_t uid = 0;
		uint64_t tao0 = s->em.pool.tao, recycled = (uint64_t)s->ledger.alpha_recycled;
		burn = s->burn.burn;
		uint64_t b0 = fr(BOB);
		SUCCEEDS(dn_ops_burned_register(c, K(BOB), keys[i], 1, &uid, &e), "register a uid");
		is_int(uid, i + 1, "appended");
		ok(b0 - fr(BOB) == burn && s->em.pool.tao > tao0 &&
			   (uint64_t)s->ledger.alpha_recycled > recycled,
		   "paid the burn %llu; TAO into the pool, the alpha destroyed",
		   (unsigned long long)burn);
		ok(s->burn.burn ==
			   dn_burn_clamp(&s->hp.burn,
					 (uint64_t)(((dn_u128)burn * DN_BURN_MULT_1_26) >> 64)),
		   "the burn bumped x1.26");
	}
	s->emission[1] = 5;
	s->emission[2] = 1;
	s->emission[3] = 9;
	memset(keys[3], 0, 32);
	keys[3][0] = 0xA3;
	uint16_t uid = 0;
	SUCCEEDS(dn_ops_burned_register(c, K(BOB), keys[3], 1, &uid, &e),
		 "register on a full subnet");
	is_int(uid, 2, "replaced the lowest-emission uid");
	ok(s->hotkey[2] == dn_chain_account(c, keys[3]) && s->n == 4, "the new hotkey holds it");
	s->hp.prune.immunity_period = 5000;
	s->hp.prune.min_non_immune = 10;
	s->hp.prune.immune_owner_limit = 1;
	/* every uid immune: the best immune one is replaced */
	keys[4][0] = 0xA4;
	memset(keys[4] + 1, 0, 31);
	SUCCEEDS(dn_ops_burned_register(c, K(BOB), keys[4], 1, &uid, &e),
		 "register when every uid is immune");
	ok(uid != 0, "never the owner's uid 0");
	s->burn.burn = 100 * TAO;
	keys[5][0] = 0xA5;
	memset(keys[5] + 1, 0, 31);
	FAILS(dn_ops_burned_register(c, K(CHARLIE), keys[5], 1, NULL, &e), DN_OPS_ESTAKEBALANCE,
	      "register without the burn");
	s->em.registration_allowed = false;
	FAILS(dn_ops_burned_register(c, K(BOB), keys[5], 1, NULL, &e), DN_OPS_EREGDISABLED,
	      "register when disabled");
	s->em.registration_allowed = true;
	step(2);
}

static void test_set_weights(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	uint16_t uids[] = {1, 2, 3}, vals[] = {100, 200, 50}, dup[] = {1, 1}, bad[] = {1, 9};
	s->hp.commit_reveal = false;
	s->hp.weights_rate_limit = 5;
	s->hp.min_allowed_weights = 2;
	FAILS(dn_ops_set_weights(c, K(HA), 0, uids, 3, vals, 3, 0, &e), DN_OPS_EROOTWEIGHTS,
	      "weights on root");
	FAILS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 2, 0, &e), DN_OPS_EWEIGHTSIZE,
	      "uids and values of different lengths");
	FAILS(dn_ops_set_weights(c, K(HA), 9, uids, 3, vals, 3, 0, &e), DN_OPS_EMECHANISM,
	      "weights on nothing");
	FAILS(dn_ops_set_weights(c, K(HB), 1, uids, 3, vals, 3, 0, &e), DN_OPS_ENOTREGISTERED,
	      "an unregistered hotkey");
	s->hp.weights_version_key = 7;
	FAILS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 6, &e), DN_OPS_EVERSIONKEY,
	      "an old version key");
	c->p.stake_threshold = UINT64_MAX;
	const uint8_t *k1 = c->acct[s->hotkey[1]].key;
	FAILS(dn_ops_set_weights(c, k1, 1, uids, 3, vals, 3, 7, &e), DN_OPS_EWEIGHTSTAKE,
	      "stake below the threshold (guard first)");
	FAILS(dn_ops_set_weights(c, k1, 9, uids, 3, vals, 3, 7, &e), DN_OPS_EWEIGHTSTAKE,
	      "the guard's stake check comes before the body's checks");
	c->p.stake_threshold = 0;
	FAILS(dn_ops_set_weights(c, K(HA), 1, dup, 2, vals, 2, 7, &e), DN_OPS_EDUPUIDS,
	      "duplicate uids");
	FAILS(dn_ops_set_weights(c, K(HA), 1, bad, 2, vals, 2, 7, &e), DN_OPS_EINVALIDUID,
	      "a uid out of range");
	FAILS(dn_ops_set_weights(c, K(HA), 1, uids, 1, vals, 1, 7, &e), DN_OPS_EWEIGHTLEN,
	      "fewer weights than the minimum");
	s->hp.max_weights_limit = 30000;
	FAILS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 7, &e), DN_OPS_EMAXWEIGHT,
	      "a weight above the limit");
	s->hp.max_weights_limit = UINT16_MAX;
	SUCCEEDS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 7, &e), "set weights (owner)");
	const struct dn_row16 *row = &s->weights[0];
	ok(row->len == 3 && row->val[1] == 65535 && row->val[0] == 32768 && row->val[2] == 16384,
	   "max-upscaled in the order given (%u %u %u)", row->len ? row->val[0] : 0,
	   row->len > 1 ? row->val[1] : 0, row->len > 2 ? row->val[2] : 0);
	ok(s->last_update[0] == c->block, "LastUpdate is now");
	FAILS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 7, &e), DN_OPS_EWEIGHTSFAST,
	      "again within the rate limit");
	/* a uid without a permit (registration set its LastUpdate: wait) */
	step(6);
	uint32_t h1 = s->hotkey[1];
	FAILS(dn_ops_set_weights(c, c->acct[h1].key, 1, uids, 3, vals, 3, 7, &e), DN_OPS_EPERMIT,
	      "no validator permit");
	uint16_t me[] = {1}, one[] = {5};
	SUCCEEDS(dn_ops_set_weights(c, c->acct[h1].key, 1, me, 1, one, 1, 7, &e),
		 "a self-weight needs no permit");
	s->hp.commit_reveal = true;
	uint64_t lu = s->last_update[0];
	SUCCEEDS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 7, &e),
		 "commit-reveal skips the rate limit");
	ok(s->last_update[0] == lu, "and leaves LastUpdate");
	s->hp.commit_reveal = false;
	step(6);
	SUCCEEDS(dn_ops_set_weights(c, K(HA), 1, uids, 3, vals, 3, 7, &e), "after the rate limit");
}

static void test_hparams(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 2);
	FAILS(dn_ops_set_alpha_values(c, K(BOB), 2, 2000, 60000, &e), DN_OPS_ELIQUIDALPHA,
	      "alpha values with liquid alpha off");
	FAILS(dn_ops_set_hparam(c, K(CHARLIE), 2, DN_HP_LIQUID_ALPHA, 1, &e), DN_OPS_EBADORIGIN,
	      "a stranger sets a hyperparameter");
	SUCCEEDS(dn_ops_set_hparam(c, K(BOB), 2, DN_HP_LIQUID_ALPHA, 1, &e),
		 "owner: liquid alpha on");
	FAILS(dn_ops_set_alpha_values(c, K(CHARLIE), 2, 2000, 60000, &e), DN_OPS_EBADORIGIN,
	      "alpha values by a stranger");
	FAILS(dn_ops_set_alpha_values(c, K(BOB), 2, 1638, 1637, &e), DN_OPS_EALPHAHIGH,
	      "alpha_high below 1638");
	FAILS(dn_ops_set_alpha_values(c, K(BOB), 2, 1637, 60000, &e), DN_OPS_EALPHALOW,
	      "alpha_low below 1638");
	FAILS(dn_ops_set_alpha_values(c, K(BOB), 2, 60001, 60000, &e), DN_OPS_EALPHALOW,
	      "alpha_low above alpha_high");
	SUCCEEDS(dn_ops_set_alpha_values(c, K(BOB), 2, 1638, 65535, &e), "alpha values (owner)");
	SUCCEEDS(dn_ops_set_alpha_values(c, K(ALICE), 2, 2000, 2000, &e), "alpha values (sudo)");
	ok(s->hp.alpha_low == 2000 && s->hp.alpha_high == 2000, "stored");
	FAILS(dn_ops_set_hparam(c, K(BOB), 2, DN_HP_KAPPA, 100, &e), DN_OPS_EBADORIGIN,
	      "kappa is sudo's");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 2, DN_HP_KAPPA, 100, &e), "sudo sets kappa");
	FAILS(dn_ops_set_hparam(c, K(BOB), 2, DN_HP_TEMPO, 10, &e), DN_OPS_ETEMPO,
	      "owner tempo below the bound");
	FAILS(dn_ops_set_hparam(c, K(ALICE), 2, DN_HP_MAX_ALLOWED_UIDS, 0, &e), DN_OPS_EHPARAM,
	      "max uids out of range");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 2, DN_HP_TEMPO, 10, &e), "sudo sets tempo 10");
	ok(s->em.sched.tempo == 10, "tempo 10");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 4, DN_HP_EMISSION_ENABLED, 1, &e),
		 "sudo enables emission");
	ok(dn_chain_subnet(c, 4)->em.emission_enabled, "emission enabled");
	is_int(dn_hparam_by_name("kappa"), DN_HP_KAPPA, "lookup by name");
	step(12);
}

int main(void)
{
	tap_plan(192);
	c = make_chain();
	if (!c) {
		ok(false, "genesis");
		return tap_done();
	}
	step(1);
	test_errors_table();
	test_transfer();
	test_add_remove();
	test_root();
	test_move();
	test_take();
	test_register_network();
	test_burned_register();
	test_set_weights();
	test_hparams();
	opschain_free(c);
	return tap_done();
}
