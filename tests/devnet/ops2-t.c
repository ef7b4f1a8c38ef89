/*
 * devnet/ops.c, the operations added after ops-t.c: serve_axon, the hash
 * commit-reveal of weights, swap_stake (and swap_stake_limit), and the
 * weights guards (the owner's stake exemption). Every success is checked
 * against the state it wrote, every error leaves the state's encoding
 * unchanged, and the invariants (dn_chain_check) hold throughout.
 */
#include "devnet/chain.h"
#include "devnet/ops.h"
#include "devnet/pool.h"
#include "tests/devnet/opschain.h"
#include "tests/tap.h"

#include <string.h>

enum { ALICE, BOB, AUTHOR, HA, HB, HC, HD, NACC };

static struct dn_genesis_account acc[NACC];
static struct dn_chain *c;
static struct dn_ops_err e;

static const uint8_t *K(int i) { return acc[i].key; }
static uint32_t A(int i) { return dn_chain_account(c, K(i)); }
static uint64_t fr(int i) { return c->acct[A(i)].free; }

/* Subnets 1 and 2 (alice, owner hotkey HA), 3 not started; on 1, HB (a
 * validator) and HC (no permit), both bob's, hold uids 1 and 2. */
static struct dn_chain *make_chain(void)
{
	static struct dn_chain_params p;
	dn_chain_params_default(&p);
	opschain_accounts(acc, NACC, 0x20);
	acc[ALICE].free = 1000000 * TAO;
	acc[BOB].free = 10000 * TAO;
	static const struct dn_genesis_hotkey hk[] = {{HA, ALICE, 0}, {HB, BOB, 0}, {HC, BOB, 0}};
	static const struct dn_genesis_subnet sn[] = {
		{1, ALICE, HA, 0, 1000 * TAO, 1000 * TAO, true, true, 0, NULL},
		{2, ALICE, HA, 0, 500 * TAO, 2000 * TAO, true, true, 0, NULL},
		{3, ALICE, HA, 0, 100 * TAO, 100 * TAO, false, false, 0, NULL},
	};
	static const struct dn_genesis_neuron nr[] = {{1, HB, true}, {1, HC, false}};
	static const struct dn_genesis_stake st[] = {
		{HA, ALICE, 0, 1000 * TAO},
		{HA, ALICE, 1, 100 * TAO},
		{HB, BOB, 1, 50 * TAO},
		{HB, BOB, 2, 200 * TAO},
	};
	struct dn_genesis g = {.params = &p,
			       .block = 1,
			       .naccounts = NACC,
			       .accounts = acc,
			       .sudo = ALICE,
			       .nhotkeys = 3,
			       .hotkeys = hk,
			       .nsubnets = 3,
			       .subnets = sn,
			       .nneurons = 2,
			       .neurons = nr,
			       .nstakes = 4,
			       .stakes = st};
	return opschain_new(&g);
}

static uint64_t epoch_now(const struct dn_subnet *s)
{
	return dn_subnet_epoch_now(s, &c->p.sched, c->block);
}

/* Steps until the subnet's current epoch (with look-ahead) is `want`. */
static bool step_to_epoch(const struct dn_subnet *s, uint64_t want)
{
	for (int i = 0; i < 200 && epoch_now(s) < want; i++)
		opschain_step(c, 1);
	return epoch_now(s) == want;
}

static void test_names(void)
{
	is_str(dn_ops_strerror(DN_OPS_EMECHANISM), "MechanismDoesNotExist", "first new code named");
	is_str(dn_ops_strerror(DN_OPS_EREVEALEARLY), "RevealTooEarly", "last code named");
	is_str(dn_ops_strerror(-DN_OPS_ECODES - 1), "Unknown", "past the last code");
	is_str(dn_ops_strerror(DN_OPS_EIPADDRESS), "InvalidIpAddress", "InvalidIpAddress named");
}

static void test_commit_hash(void)
{
	uint8_t key[32], h[32];
	memset(key, 0x42, 32);
	const uint16_t uids[] = {0, 2, 1}, vals[] = {100, 65535, 7}, salt[] = {9, 8, 7, 6};
	dn_ops_commit_hash(key, 3, uids, 3, vals, 3, salt, 4, 12345, h);
	/* BLAKE2b-256 of the SCALE tuple, computed independently (Python
	 * hashlib over the hand-built encoding) */
	static const uint8_t want[32] = {0xf9, 0x03, 0x5f, 0xa3, 0xa2, 0x1b, 0xa9, 0x37,
					 0xed, 0x48, 0x2d, 0x8c, 0x92, 0x5f, 0xcd, 0x20,
					 0x37, 0x1e, 0x45, 0x34, 0x1a, 0x51, 0x3f, 0x3a,
					 0xd0, 0x37, 0x3c, 0x66, 0x12, 0x08, 0x42, 0xd3};
	ok(memcmp(h, want, 32) == 0, "get_commit_hash matches the reference");
	uint8_t h2[32];
	dn_ops_commit_hash(key, 3, uids, 3, vals, 3, salt, 3, 12345, h2);
	ok(memcmp(h, h2, 32) != 0, "the salt is hashed");
}

static void test_serve_axon(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	struct dn_axon ax = {.block = 999999,
			     .version = 7,
			     .ip = 0x08080808, /* 8.8.8.8 */
			     .port = 8091,
			     .ip_type = 4,
			     .protocol = 1,
			     .placeholder1 = 2,
			     .placeholder2 = 3};
	struct dn_axon bad = ax;
	FAILS(dn_ops_serve_axon(c, K(HD), 1, &ax, &e), DN_OPS_ENOTINNETWORK,
	      "serve from an unregistered hotkey");
	FAILS(dn_ops_serve_axon(c, K(HB), 9, &ax, &e), DN_OPS_ENOTINNETWORK,
	      "serve on a missing subnet");
	bad.ip_type = 5;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EIPTYPE, "ip type 5");
	bad = ax;
	bad.ip = 0xffffffffu;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EIPADDRESS, "IPv4 u32::MAX");
	bad.ip = 0x7f000001;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EIPADDRESS, "IPv4 localhost");
	bad.ip_type = 6;
	bad.ip = 1;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EIPADDRESS, "IPv6 ::1");
	bad.ip = ~(dn_u128)0;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EIPADDRESS, "IPv6 u128::MAX");
	bad = ax;
	bad.port = 0;
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), DN_OPS_EPORT, "port 0");

	SUCCEEDS(dn_ops_serve_axon(c, K(HB), 1, &ax, &e), "serve an axon");
	const struct dn_axon *a = &s->axon[1];
	ok(a->block == c->block && a->version == 7 && a->ip == 0x08080808 && a->port == 8091 &&
		   a->ip_type == 4 && a->protocol == 1 && a->placeholder1 == 2 &&
		   a->placeholder2 == 3,
	   "uid 1's axon stored with block = now (%llu)", (unsigned long long)a->block);
	ok(s->axon[0].ip_type == 0 && s->axon[2].block == 0, "the other uids have no axon");
	uint64_t served = c->block;
	opschain_step(c, 1);
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &ax, &e), DN_OPS_ESERVINGRATE,
	      "serve again within ServingRateLimit");
	opschain_step(c, (int)(served + s->hp.serving_rate_limit - c->block - 1));
	FAILS(dn_ops_serve_axon(c, K(HB), 1, &ax, &e), DN_OPS_ESERVINGRATE,
	      "one block before the limit");
	opschain_step(c, 1);
	bad = ax;
	bad.ip_type = 6;
	bad.ip = 0; /* allow_zero */
	bad.port = 443;
	SUCCEEDS(dn_ops_serve_axon(c, K(HB), 1, &bad, &e), "serve IPv6 0 once the limit passed");
	ok(a->block == c->block && a->ip_type == 6 && a->ip == 0 && a->port == 443,
	   "the axon replaced");
	s->hp.serving_rate_limit = 0;
	SUCCEEDS(dn_ops_serve_axon(c, K(HB), 1, &ax, &e), "no limit: serve in the same block");
	SUCCEEDS(dn_ops_serve_axon(c, K(HC), 1, &ax, &e), "uid 2 serves too");
	s->hp.serving_rate_limit = 50;
}

/* Bob's validator HB (uid 1) on subnet 1, tempo 10. */
static const uint16_t W_UIDS[] = {0, 1, 2}, W_VALS[] = {10, 20, 30};

static void commit_of(int hk, uint16_t salt0, const uint16_t *uids, size_t n, uint8_t h[32])
{
	const uint16_t salt[] = {salt0, 77};
	dn_ops_commit_hash(K(hk), 1, uids, n, W_VALS, n, salt, 2, 0, h);
}

static int reveal(int hk, uint16_t salt0, const uint16_t *uids, size_t n)
{
	const uint16_t salt[] = {salt0, 77};
	return dn_ops_reveal_weights(c, K(hk), 1, uids, n, W_VALS, n, salt, 2, 0, &e);
}

static void test_commit_reveal(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 1, DN_HP_TEMPO, 10, &e), "sudo: tempo 10");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 1, DN_HP_WEIGHTS_RATE_LIMIT, 5, &e),
		 "sudo: weights rate limit 5");
	ok(s->hp.commit_reveal, "commit-reveal is on by default");
	opschain_step(c, 7);
	uint8_t h[32];
	commit_of(HB, 1, W_UIDS, 3, h);
	uint32_t hb = A(HB);

	FAILS(dn_ops_commit_weights(c, K(HB), 9, h, &e), DN_OPS_EMECHANISM,
	      "commit on a missing subnet");
	FAILS(dn_ops_commit_weights(c, K(HD), 1, h, &e), DN_OPS_ENOTREGISTERED,
	      "commit from an unregistered hotkey");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 1, DN_HP_COMMIT_REVEAL, 0, &e),
		 "owner: commit-reveal off");
	FAILS(dn_ops_commit_weights(c, K(HB), 1, h, &e), DN_OPS_ECRDISABLED,
	      "commit with commit-reveal off");
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 1, DN_HP_COMMIT_REVEAL, 1, &e),
		 "owner: commit-reveal on");
	c->p.stake_threshold = 1000 * TAO;
	FAILS(dn_ops_commit_weights(c, K(HC), 1, h, &e), DN_OPS_EWEIGHTSTAKE,
	      "commit below the stake threshold");
	c->p.stake_threshold = 0;

	uint64_t e0 = epoch_now(s), b0 = c->block;
	ok(dn_subnet_commit_blocks(s, &c->p.sched, c->block) == NULL, "no commit: no mask");
	SUCCEEDS(dn_ops_commit_weights(c, K(HB), 1, h, &e), "commit");
	const struct dn_commit_queue *q = dn_subnet_commits(s, hb);
	ok(q && q->n == 1 && memcmp(q->c[0].hash, h, 32) == 0 && q->c[0].epoch == e0 &&
		   q->c[0].block == b0,
	   "WeightCommits holds (hash, epoch %llu, block %llu)", (unsigned long long)e0,
	   (unsigned long long)b0);
	ok(s->last_update[1] == b0, "LastUpdate is the commit block");
	const uint64_t *cb = dn_subnet_commit_blocks(s, &c->p.sched, c->block);
	ok(cb && cb[1] == b0 && cb[0] == UINT64_MAX && cb[2] == UINT64_MAX,
	   "the epoch's mask sees uid 1's commit block");
	FAILS(dn_ops_commit_weights(c, K(HB), 1, h, &e), DN_OPS_ECOMMITFAST,
	      "commit again within the rate limit");
	FAILS(reveal(HB, 1, W_UIDS, 3), DN_OPS_EREVEALEARLY, "reveal in the commit's epoch");
	FAILS(reveal(HB, 2, W_UIDS, 3), DN_OPS_ENOCOMMIT, "reveal with another salt");
	FAILS(reveal(HC, 1, W_UIDS, 3), DN_OPS_ENOCOMMIT, "reveal by a hotkey without commits");

	bool at = step_to_epoch(s, e0 + 1);
	ok(at, "stepped to the reveal epoch %llu (block %llu)", (unsigned long long)(e0 + 1),
	   (unsigned long long)c->block);
	s->hp.commit_reveal = false;
	FAILS(reveal(HB, 1, W_UIDS, 3), DN_OPS_ECRDISABLED, "reveal with commit-reveal off");
	s->hp.commit_reveal = true;
	c->p.stake_threshold = 1000 * TAO;
	FAILS(reveal(HB, 1, W_UIDS, 3), DN_OPS_EWEIGHTSTAKE, "reveal below the stake threshold");
	c->p.stake_threshold = 0;
	s->hp.weights_version_key = 5;
	FAILS(reveal(HB, 1, W_UIDS, 3), DN_OPS_EVERSIONKEY,
	      "a reveal whose weights fail set_weights' checks");
	s->hp.weights_version_key = 0;
	dn_row16_clear(&s->weights[1]);
	SUCCEEDS(reveal(HB, 1, W_UIDS, 3), "reveal in the reveal epoch");
	const struct dn_row16 *row = &s->weights[1];
	ok(row->len == 3 && row->uid[0] == 0 && row->uid[2] == 2 && row->val[0] == 21845 &&
		   row->val[1] == 43690 && row->val[2] == 65535,
	   "the revealed weights are set, max-upscaled");
	ok(dn_subnet_commits(s, hb) == NULL, "the emptied queue is removed");
	ok(s->last_update[1] == b0, "LastUpdate stays the commit block");
	FAILS(reveal(HB, 1, W_UIDS, 3), DN_OPS_ENOCOMMIT, "reveal twice");

	/* ten commits in one block (no rate limit), an eleventh refused */
	SUCCEEDS(dn_ops_set_hparam(c, K(ALICE), 1, DN_HP_WEIGHTS_RATE_LIMIT, 0, &e),
		 "sudo: no weights rate limit");
	static const uint16_t dup[] = {1, 1};
	int bad = 0;
	for (uint16_t i = 0; i < DN_SUBNET_MAX_COMMITS; i++) {
		if (i == 4)
			commit_of(HB, 100 + i, dup, 2, h);
		else
			commit_of(HB, 100 + i, W_UIDS, 3, h);
		bad += dn_ops_commit_weights(c, K(HB), 1, h, &e) != 0;
	}
	ok(bad == 0, "ten commits in one block");
	uint64_t e1 = dn_subnet_commits(s, hb)->c[0].epoch;
	commit_of(HB, 200, W_UIDS, 3, h);
	FAILS(dn_ops_commit_weights(c, K(HB), 1, h, &e), DN_OPS_ETOOMANYCOMMITS,
	      "an eleventh unrevealed commit");
	ok(step_to_epoch(s, e1 + 1), "stepped to their reveal epoch");
	SUCCEEDS(reveal(HB, 102, W_UIDS, 3), "reveal the third commit");
	q = dn_subnet_commits(s, hb);
	ok(q && q->n == 7, "it and the two older ones are gone (%u left)", q ? q->n : 0);
	FAILS(reveal(HB, 104, dup, 2), DN_OPS_EDUPUIDS,
	      "revealing duplicate uids fails and keeps the commits");
	SUCCEEDS(reveal(HB, 105, W_UIDS, 3), "reveal the sixth");
	q = dn_subnet_commits(s, hb);
	ok(q && q->n == 4, "four left");
	ok(step_to_epoch(s, e1 + 2), "stepped past their reveal epoch");
	FAILS(reveal(HB, 106, W_UIDS, 3), DN_OPS_EREVEALEARLY,
	      "an expired commit (the guard answers before ExpiredWeightCommit)");
	ok(dn_subnet_commit_blocks(s, &c->p.sched, c->block) == NULL, "expired: no mask");
	commit_of(HB, 300, W_UIDS, 3, h);
	SUCCEEDS(dn_ops_commit_weights(c, K(HB), 1, h, &e), "commit after the others expired");
	q = dn_subnet_commits(s, hb);
	ok(q && q->n == 1 && memcmp(q->c[0].hash, h, 32) == 0,
	   "the expired commits were dropped on the commit");
}

static void test_weights_guard(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	static const uint16_t uids[] = {1, 2}, vals[] = {1, 1};
	c->p.stake_threshold = UINT64_MAX;
	SUCCEEDS(dn_ops_set_weights(c, K(HA), 1, uids, 2, vals, 2, 0, &e),
		 "the owner hotkey sets weights whatever its stake");
	ok(s->weights[0].len == 2, "stored");
	FAILS(dn_ops_set_weights(c, K(HB), 1, uids, 2, vals, 2, 0, &e), DN_OPS_EWEIGHTSTAKE,
	      "a validator below the threshold");
	c->p.stake_threshold = 0;
	s->hp.commit_reveal = false;
	s->hp.weights_rate_limit = 100;
	s->last_update[1] = c->block;
	static const uint16_t dup[] = {1, 1};
	FAILS(dn_ops_set_weights(c, K(HB), 1, dup, 2, vals, 2, 0, &e), DN_OPS_EWEIGHTSFAST,
	      "the rate limit guard answers before the body's checks");
	s->hp.commit_reveal = true;
}

static uint64_t stake(int hk, int ck, uint16_t netuid)
{
	return dn_stake_of(&c->stake, A(hk), A(ck), netuid);
}

static void test_swap_stake(void)
{
	c->author = A(AUTHOR);
	uint64_t o0 = stake(HB, BOB, 2), d0 = stake(HB, BOB, 1), b0 = fr(BOB);
	uint64_t alpha = 0;
	SUCCEEDS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 1, 50 * TAO, 0, false, &alpha, &e),
		 "swap 50 alpha from subnet 2 to 1");
	uint64_t o1 = stake(HB, BOB, 2), d1 = stake(HB, BOB, 1);
	ok(o0 - o1 >= 50 * TAO - 1 && o0 - o1 <= 50 * TAO + 1,
	   "the origin stake fell by 50 alpha (%llu)", (unsigned long long)(o0 - o1));
	ok(alpha > 0 && d1 - d0 >= alpha - 1 && d1 - d0 <= alpha + 1,
	   "the destination stake grew by the alpha bought (%llu)", (unsigned long long)alpha);
	ok(fr(BOB) == b0, "the TAO went straight back into stake");

	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 2, TAO, 0, false, NULL, &e),
	      DN_OPS_ESAMENETUID, "swap to the same subnet");
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 9, TAO, 0, false, NULL, &e), DN_OPS_ESUBNET,
	      "swap to a missing subnet");
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 3, 10 * TAO, 0, false, NULL, &e),
	      DN_OPS_ESUBTOKEN, "swap to a subnet not started");
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HD), 2, 1, 10 * TAO, 0, false, NULL, &e),
	      DN_OPS_EHOTKEY, "swap on an unowned hotkey");
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 1, 1000, 0, false, NULL, &e),
	      DN_OPS_EAMOUNTLOW, "swap worth less than min stake");
	FAILS(dn_ops_swap_stake(c, K(ALICE), K(HB), 2, 1, 10 * TAO, 0, false, NULL, &e),
	      DN_OPS_EAMOUNTLOW, "swap by a coldkey without stake there");

	/* the limit: origin price / destination price, rao */
	const struct dn_pool *p1 = &dn_chain_subnet(c, 1)->em.pool;
	const struct dn_pool *p2 = &dn_chain_subnet(c, 2)->em.pool;
	dn_u128 ratio = ((dn_u128)dn_pool_price(p2) << 32) / (dn_pool_price(p1) >> 32);
	uint64_t cur = (uint64_t)((ratio * 1000000000u) >> 64);
	uint64_t lim = cur - cur / 100, max_amount = 0;
	int mrc = dn_pool_max_move(p2, p1, lim, &max_amount);
	ok(mrc == 0 && max_amount > 0 && max_amount < o1,
	   "a limit 1%% under the price ratio %llu caps the move at %llu alpha",
	   (unsigned long long)cur, (unsigned long long)max_amount);
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 1, o1, lim, false, NULL, &e), DN_OPS_ESLIPPAGE,
	      "swap_stake_limit above the cap");
	FAILS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 1, 10 * TAO, cur + cur / 10, false, NULL, &e),
	      DN_OPS_ESLIPPAGE, "a limit above the current ratio allows nothing");
	SUCCEEDS(dn_ops_swap_stake(c, K(BOB), K(HB), 2, 1, o1, lim, true, &alpha, &e),
		 "partial swap_stake_limit");
	uint64_t o2 = stake(HB, BOB, 2);
	ok(o1 - o2 >= max_amount - 1 && o1 - o2 <= max_amount + 1,
	   "exactly the cap moved (%llu of %llu)", (unsigned long long)(o1 - o2),
	   (unsigned long long)o1);

	/* leaving root: no fee on the sale, TAO stake 1:1 */
	uint64_t r0 = c->est.root_tao, a0 = stake(HA, ALICE, 1);
	SUCCEEDS(dn_ops_swap_stake(c, K(ALICE), K(HA), 0, 1, 10 * TAO, 0, false, &alpha, &e),
		 "swap root stake into subnet 1");
	ok(c->est.root_tao == r0 - 10 * TAO && stake(HA, ALICE, 1) - a0 >= alpha - 1,
	   "root stake fell by 10 TAO, %llu alpha bought", (unsigned long long)alpha);
	opschain_step(c, 3);
	opschain_check(c, "blocks after the swaps");
}

/* A replaced uid loses its axon (replace_neuron: Axons::remove). */
static void test_axon_cleared(void)
{
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	s->hp.max_allowed_uids = 3;
	s->hp.prune.immunity_period = 0;
	s->hp.prune.min_non_immune = 0;
	ok(s->axon[1].port && s->axon[2].port, "uids 1 and 2 serve");
	uint8_t key[32] = {0x77};
	uint16_t uid = 0;
	SUCCEEDS(dn_ops_burned_register(c, K(BOB), key, 1, &uid, &e), "register on a full subnet");
	ok(uid != 0 && s->axon[uid].block == 0 && s->axon[uid].port == 0 &&
		   s->axon[uid].ip_type == 0,
	   "the replaced uid %u has no axon", uid);
	ok(s->axon[3 - uid].port == 8091, "the other keeps its axon");
}

int main(void)
{
	tap_plan(109);
	c = make_chain();
	if (!c) {
		ok(false, "genesis");
		return tap_done();
	}
	opschain_step(c, 1);
	test_names();
	test_commit_hash();
	test_serve_axon();
	test_commit_reveal();
	test_weights_guard();
	test_swap_stake();
	test_axon_cleared();
	opschain_free(c);
	return tap_done();
}
