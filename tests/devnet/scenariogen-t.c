/*
 * devnet/scenario.c: the genesis of a hand-built scenario (accounts and
 * their balances in rao, keys that are the documented derivations, subnets
 * in netuid order with their pools, tempos and hyperparameters, neurons,
 * stakes by the spread rules, weights at block 1, a chain that checks),
 * the world's mapping, the refusals, and the quality model. With
 * TAODEV_SCALE=1 it also times 128 subnets x 256 uids.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devnet/chain.h"
#include "devnet/keys.h"
#include "devnet/scenario.h"
#include "tests/tap.h"

#define TAO 1000000000ULL

static struct dn_scn_account accounts[2];
static struct dn_scn_subnet subnets[2];
static struct dn_scn_validators validators[6];
static struct dn_scn_miners miners[4];
static struct dn_scn_traders traders[1];

static void name(char *dst, const char *src) { memcpy(dst, src, strlen(src) + 1); }

static struct dn_scn_validators *val(int i, const char *n, const char *subnet, unsigned count,
				     uint64_t stake, enum dn_stake_spread spread,
				     enum dn_validator_behaviour b)
{
	struct dn_scn_validators *v = &validators[i];
	memset(v, 0, sizeof(*v));
	name(v->name, n);
	name(v->subnet, subnet);
	v->count = count;
	v->stake = stake;
	v->spread = spread;
	v->behaviour = b;
	v->every = 1;
	v->noise_ppm = 50000;
	return v;
}

static struct dn_scn_miners *min(int i, const char *n, const char *subnet, unsigned count,
				 enum dn_miner_model model, uint32_t q, uint32_t spread)
{
	struct dn_scn_miners *m = &miners[i];
	memset(m, 0, sizeof(*m));
	name(m->name, n);
	name(m->subnet, subnet);
	m->count = count;
	m->model = model;
	m->quality_ppm = q;
	m->spread_ppm = spread;
	return m;
}

/* Two subnets out of netuid order, six validators groups (one of each
 * behaviour), constant, late, churning and drifting miners, traders. */
static void build(struct dn_scenario *s)
{
	memset(s, 0, sizeof(*s));
	name(s->name, "gen");
	s->seed = 7;
	s->blocks = 100;
	dn_chain_params_default(&s->params);
	name(accounts[0].name, "treasury");
	accounts[0].balance = 50000 * TAO;
	name(accounts[1].name, "bob"); /* a dev account: sets its balance */
	accounts[1].balance = 7 * TAO;

	memset(subnets, 0, sizeof(subnets));
	struct dn_scn_subnet *apex = &subnets[0], *beta = &subnets[1];
	name(apex->name, "apex");
	apex->netuid = 3;
	name(apex->owner, "alice");
	apex->tempo = 99;
	apex->pool_tao = 20000 * TAO;
	apex->pool_alpha = 400000 * TAO;
	apex->started = apex->emission_enabled = true;
	dn_subnet_hparams_default(&apex->hp);
	apex->hp.commit_reveal = false;
	apex->hp.kappa = 1234;
	apex->hp.max_allowed_uids = 64;
	name(beta->name, "beta");
	beta->netuid = 1;
	name(beta->owner, "treasury");
	beta->pool_tao = 8000 * TAO;
	beta->pool_alpha = 400000 * TAO;
	beta->moving_price = (dn_i96f32)1 << 30; /* 0.25 */
	beta->started = true;
	dn_subnet_hparams_default(&beta->hp);

	val(0, "v-lin", "apex", 4, 1000 * TAO, DN_SPREAD_LINEAR, DN_VAL_HONEST)->root_stake =
		100 * TAO;
	val(1, "v-par", "beta", 5, 300 * TAO, DN_SPREAD_PARETO, DN_VAL_LAZY)->every = 2;
	val(2, "v-eq", "beta", 2, 200 * TAO, DN_SPREAD_EQUAL, DN_VAL_STALE);
	name(val(3, "cartel", "apex", 2, 50 * TAO, DN_SPREAD_EQUAL, DN_VAL_CARTEL)->favours,
	     "m-good");
	val(4, "copier", "beta", 1, 10 * TAO, DN_SPREAD_EQUAL, DN_VAL_COPIER);
	val(5, "selfd", "apex", 1, 10 * TAO, DN_SPREAD_EQUAL, DN_VAL_SELF_DEALER);

	min(0, "m-good", "apex", 8, DN_MINER_CONSTANT, 800000, 100000);
	struct dn_scn_miners *late = min(1, "m-late", "apex", 3, DN_MINER_CONSTANT, 500000, 0);
	late->join_block = 50;
	late->balance = 5 * TAO;
	struct dn_scn_miners *churn = min(2, "m-beta", "beta", 6, DN_MINER_CHURNING, 600000, 0);
	churn->churn_every = 40;
	churn->balance = 10 * TAO;
	min(3, "m-drift", "beta", 2, DN_MINER_DRIFTING, 500000, 0)->drift_ppm = 20000;

	memset(traders, 0, sizeof(traders));
	name(traders[0].name, "tr");
	name(traders[0].subnet, "apex");
	traders[0].count = 2;
	traders[0].budget = 300 * TAO;

	s->naccounts = 2;
	s->accounts = accounts;
	s->nsubnets = 2;
	s->subnets = subnets;
	s->nvalidators = 6;
	s->validators = validators;
	s->nminers = 4;
	s->miners = miners;
	s->ntraders = 1;
	s->traders = traders;
}

static bool same_key(const uint8_t key[32], const char *uri)
{
	struct dn_keypair kp;
	if (dn_keys_uri(uri, &kp) != 0)
		return false;
	return memcmp(key, kp.public_key, 32) == 0;
}

static uint64_t free_of(const struct dn_chain *c, uint32_t a) { return c->acct[a].free; }

static void test_genesis(void)
{
	struct dn_scenario s;
	build(&s);
	struct dn_scenario_world *w;
	char err[256];
	int rc = dn_scenario_genesis(&s, &w, err, sizeof(err));
	if (!ok(rc == 0, "the genesis is built"))
		diag("%s", err);
	if (rc)
		return;
	/* dev 6 + treasury + 2 owner hotkeys + validators 2 x 15 + miners 2 x 19 + traders 2 */
	is_int((intmax_t)w->g.naccounts, 6 + 1 + 2 + 30 + 38 + 2, "account count");
	struct dn_chain_err cerr;
	struct dn_chain *c = dn_chain_new(&w->g, &cerr);
	if (!ok(c != NULL, "the chain accepts the genesis"))
		diag("%s", cerr.msg);
	if (!c) {
		dn_scenario_world_free(w);
		return;
	}
	is_int(dn_chain_check(c, &cerr), 0, "dn_chain_check passes");
	is_int(c->sudo, 0, "alice is sudo");

	/* balances */
	is_int((intmax_t)free_of(c, 0), (intmax_t)(1000000 * TAO), "alice 1 000 000 TAO");
	is_int((intmax_t)free_of(c, 1), (intmax_t)(7 * TAO), "bob's balance set by the scenario");
	is_int((intmax_t)free_of(c, 3), (intmax_t)(2000 * TAO), "dave 2 000 TAO");
	is_int((intmax_t)free_of(c, w->account[0]), (intmax_t)(50000 * TAO), "treasury");
	is_int(w->account[1], 1, "the account named bob is bob");
	ok(same_key(c->acct[w->account[0]].key, "//taodev//treasury"), "treasury's key");
	ok(same_key(c->acct[0].key, "//Alice"), "alice's key");
	bool cold0 = true, hot0 = true;
	for (size_t g = 0; g < 5; g++)
		for (unsigned k = 0; k < w->validators[g].count; k++) {
			cold0 = cold0 && free_of(c, w->validators[g].m[k].coldkey) == 0;
			hot0 = hot0 && free_of(c, w->validators[g].m[k].hotkey) == 0;
		}
	ok(cold0 && hot0, "validators' coldkeys and hotkeys hold nothing");
	is_int((intmax_t)free_of(c, w->validators[5].m[0].coldkey),
	       (intmax_t)(subnets[0].hp.burn.max_burn + TAO), "a self-dealer can pay MaxBurn");
	is_int((intmax_t)free_of(c, w->miners[1].m[2].coldkey), (intmax_t)(5 * TAO),
	       "miners' coldkeys hold their balance");
	is_int((intmax_t)free_of(c, w->miners[0].m[0].coldkey), 0, "a zero miner balance");
	is_int((intmax_t)free_of(c, w->traders[0].m[1].coldkey), (intmax_t)(300 * TAO),
	       "traders' coldkeys hold their budget");

	/* keys */
	ok(same_key(c->acct[w->owner_hotkey[0]].key, "//taodev//subnet//apex//owner"),
	   "owner hotkey //taodev//subnet//NAME//owner");
	ok(same_key(w->validators[0].m[2].cold.public_key, "//taodev//v-lin//2") &&
		   same_key(w->validators[0].m[2].hot.public_key, "//taodev//v-lin//2//hot"),
	   "validator keys //taodev//GROUP//i and //hot");
	ok(same_key(c->acct[w->miners[2].m[5].hotkey].key, "//taodev//m-beta//5//hot") &&
		   same_key(c->acct[w->miners[2].m[5].coldkey].key, "//taodev//m-beta//5"),
	   "miner accounts are the derived keys");
	ok(same_key(c->acct[w->traders[0].m[1].coldkey].key, "//taodev//tr//1"), "trader key");
	ok(w->traders[0].m[1].hotkey == DN_CHAIN_NONE, "traders have no hotkey");
	ok(same_key(w->validators[5].own[0].public_key, "//taodev//selfd//0//miner"),
	   "a self-dealer's miner //taodev//GROUP//i//miner");
	ok(memcmp(w->miners[0].m[3].hot.secret_key + 32, w->miners[0].m[3].hot.public_key, 32) == 0,
	   "key pairs are whole (secret key ends with the public key)");

	/* subnets */
	is_int((intmax_t)c->nsubnets, 3, "root and two subnets");
	ok(c->subnets[1]->netuid == 1 && c->subnets[2]->netuid == 3, "netuids ascend");
	is_int(w->netuid[0], 3, "world: apex is netuid 3");
	is_int(w->netuid[1], 1, "world: beta is netuid 1");
	const struct dn_subnet *sa = dn_chain_subnet(c, 3), *sb = dn_chain_subnet(c, 1);
	is_int(sa->em.sched.tempo, 99, "apex tempo");
	is_int(sb->em.sched.tempo, s.params.sched.initial_tempo, "tempo 0 = the initial tempo");
	is_int(sa->hp.kappa, 1234, "hyperparameters applied (kappa)");
	ok(!sa->hp.commit_reveal && sb->hp.commit_reveal, "commit_reveal per subnet");
	is_int(sa->hp.max_allowed_uids, 64, "max_allowed_uids");
	is_int((intmax_t)sa->em.pool.tao, (intmax_t)(20000 * TAO), "pool TAO");
	is_int((intmax_t)sa->em.pool.alpha_in, (intmax_t)(400000 * TAO), "pool alpha");
	is_i128(sa->em.moving_price, ((dn_i128)20000 << 32) / 400000,
		"moving price 0 = the pool's price");
	is_i128(sb->em.moving_price, (dn_i128)1 << 30, "a given moving price");
	ok(sa->em.subtoken_enabled && sa->em.emission_enabled, "apex started, emission on");
	ok(sb->em.subtoken_enabled && !sb->em.emission_enabled, "beta started, emission off");
	is_int(sa->owner_coldkey, 0, "apex owned by alice");
	is_int(sb->owner_coldkey, w->account[0], "beta owned by treasury");

	/* neurons: owner, validators, genesis miners */
	is_int(sa->n, 1 + 4 + 2 + 1 + 8, "apex neurons (late joiners not yet)");
	is_int(sb->n, 1 + 5 + 2 + 1 + 6 + 2, "beta neurons");
	is_int(sa->hotkey[0], w->owner_hotkey[0], "the owner hotkey holds uid 0");
	is_int(sa->hotkey[1], w->validators[0].m[0].hotkey, "validators follow");
	ok(sa->permit[1] && sa->permit[7] && !sa->permit[8] && !sa->permit[0],
	   "permits for validators only");
	ok(dn_subnet_uid(sa, w->miners[1].m[0].hotkey) < 0 &&
		   dn_stake_owner(&c->stake, w->miners[1].m[0].hotkey) == DN_STAKE_NONE,
	   "late joiners: accounts without owner or uid");
	ok(dn_stake_owner(&c->stake, w->miners[0].m[0].hotkey) == w->miners[0].m[0].coldkey,
	   "genesis miners' hotkeys are owned by their coldkeys");

	/* stakes by the spread rules */
	uint64_t lin[4] = {1600, 1200, 800, 400}, sum = 0;
	bool lin_ok = true;
	for (int k = 0; k < 4; k++) {
		const struct dn_scn_member *m = &w->validators[0].m[k];
		lin_ok = lin_ok && dn_stake_of(&c->stake, m->hotkey, m->coldkey, 3) == lin[k] * TAO;
		lin_ok = lin_ok && dn_stake_of(&c->stake, m->hotkey, m->coldkey, 0) == 100 * TAO;
	}
	ok(lin_ok, "linear: 2 (n - i) / (n + 1) x stake, and root stake");
	bool desc = true;
	uint64_t prev = UINT64_MAX;
	for (int k = 0; k < 5; k++) {
		const struct dn_scn_member *m = &w->validators[1].m[k];
		uint64_t a = dn_stake_of(&c->stake, m->hotkey, m->coldkey, 1);
		desc = desc && a < prev;
		prev = a;
		sum += a;
	}
	is_int((intmax_t)sum, (intmax_t)(5 * 300 * TAO), "pareto: the group's total is n x stake");
	ok(desc, "pareto: decreasing");
	{
		const struct dn_scn_member *m0 = &w->validators[1].m[0],
					   *m1 = &w->validators[1].m[1];
		uint64_t a0 = dn_stake_of(&c->stake, m0->hotkey, m0->coldkey, 1);
		uint64_t a1 = dn_stake_of(&c->stake, m1->hotkey, m1->coldkey, 1);
		ok(a0 / 1000 == 2 * a1 / 1000 || a0 / 1000 == 2 * a1 / 1000 + 1,
		   "pareto: member 0 twice member 1 (%llu, %llu)", (unsigned long long)a0,
		   (unsigned long long)a1);
	}
	{
		const struct dn_scn_member *m = &w->validators[2].m[1];
		is_int((intmax_t)dn_stake_of(&c->stake, m->hotkey, m->coldkey, 1),
		       (intmax_t)(200 * TAO), "equal");
	}

	/* weights at block 1 */
	int32_t lin0 = dn_subnet_uid(sa, w->validators[0].m[0].hotkey);
	int32_t cart = dn_subnet_uid(sa, w->validators[3].m[1].hotkey);
	int32_t cop = dn_subnet_uid(sb, w->validators[4].m[0].hotkey);
	int32_t stale = dn_subnet_uid(sb, w->validators[2].m[0].hotkey);
	is_int(sa->last_update[lin0], 1, "weights set at block 1");
	is_int(sa->weights[lin0].len, sa->n, "over every uid");
	bool good_seen = true;
	for (uint32_t k = 0; k < sa->weights[lin0].len; k++) {
		uint16_t u = sa->weights[lin0].uid[k], v = sa->weights[lin0].val[k];
		bool good = u >= 8;
		good_seen = good_seen && (good ? v > 0 : v == 0);
	}
	ok(good_seen, "honest: miners weighted, validators and owner not");
	bool cartel_ok = sa->weights[cart].len > 0;
	for (uint32_t k = 0; k < sa->weights[cart].len; k++)
		cartel_ok = cartel_ok &&
			    sa->weights[cart].val[k] == (sa->weights[cart].uid[k] >= 8 ? 65535 : 0);
	ok(cartel_ok, "cartel: all to the favoured miners, equally");
	is_int(sb->weights[cop].len, 0, "the copier starts without weights");
	ok(sb->weights[stale].len > 0, "stale validators start with weights");
	bool drift_seen = false;
	int32_t d0 = dn_subnet_uid(sb, w->miners[3].m[0].hotkey);
	for (uint32_t k = 0; k < sb->weights[stale].len; k++)
		drift_seen = drift_seen ||
			     (sb->weights[stale].uid[k] == d0 && sb->weights[stale].val[k] > 0);
	ok(drift_seen, "drifting miners are seen");

	/* the world's mapping */
	ok(w->traders[0].stake_to[0] == w->validators[0].m[0].hotkey &&
		   w->traders[0].stake_to[1] == w->validators[0].m[1].hotkey,
	   "traders delegate to their subnet's validators, round robin");
	ok(w->validators[3].favours == 0 && w->validators[0].favours == SIZE_MAX,
	   "a cartel's favoured group");
	ok(w->validators[5].own && !w->validators[0].own, "only self-dealers have own miners");
	bool idx = true;
	for (size_t g = 0; g < 4; g++)
		for (unsigned k = 0; k < w->miners[g].count; k++)
			idx = idx && memcmp(c->acct[w->miners[g].m[k].hotkey].key,
					    w->miners[g].m[k].hot.public_key, 32) == 0;
	ok(idx, "world account indices are the chain's");
	dn_chain_free(c);
	dn_scenario_world_free(w);
}

static void refused(struct dn_scenario *s, const char *want, const char *what)
{
	struct dn_scenario_world *w = NULL;
	char err[256] = "";
	int rc = dn_scenario_genesis(s, &w, err, sizeof(err));
	ok(rc == -1 && !w && strstr(err, want), "refused: %s (%s)", what, err);
	dn_scenario_world_free(w);
}

static void test_refusals(void)
{
	struct dn_scenario s;
	build(&s);
	name(subnets[0].owner, "nobody");
	refused(&s, "owner nobody", "unknown owner");
	build(&s);
	subnets[1].netuid = 3;
	refused(&s, "share netuid 3", "duplicate netuid");
	build(&s);
	subnets[0].hp.max_allowed_uids = 10;
	refused(&s, "above its 10 uids", "too many neurons");
	build(&s);
	name(validators[3].favours, "m-beta");
	refused(&s, "another subnet", "a cartel favouring another subnet's miners");
	build(&s);
	name(miners[3].name, "v-lin");
	refused(&s, "taken", "a group name used twice");
	build(&s);
	name(traders[0].subnet, "gamma");
	refused(&s, "no subnet gamma", "unknown subnet");
	build(&s);
	accounts[0].balance = 30000000 * TAO; /* above the 21M supply */
	refused(&s, "genesis is refused", "the chain's own rules (issuance)");
}

static void test_quality(void)
{
	struct dn_scenario s;
	build(&s);
	struct dn_scenario_world *w;
	char err[256];
	if (dn_scenario_genesis(&s, &w, err, sizeof(err))) {
		ok(false, "genesis: %s", err);
		return;
	}
	bool in = true;
	for (unsigned k = 0; k < 8; k++) {
		uint32_t q = dn_scenario_quality(&s, w, 7, 0, k, 0, 1000);
		in = in && q >= 700000 && q <= 900000 &&
		     q == dn_scenario_quality(&s, w, 7, 0, k, 0, 5);
	}
	ok(in, "constant: fixed, within quality +- spread");
	/* drifting: tempo 360 on beta; one step of 0.02 per tempo, in [0, 1] */
	bool steps = true, moved = false;
	uint32_t q0 = dn_scenario_quality(&s, w, 7, 3, 0, 0, 0), prev = q0;
	for (uint64_t t = 1; t < 400; t++) {
		uint32_t q = dn_scenario_quality(&s, w, 7, 3, 0, 0, t * 360);
		int64_t d = (int64_t)q - (int64_t)prev;
		steps = steps && q <= 1000000 &&
			(d == 20000 || d == -20000 || q == 0 || q == 1000000 || prev == 0 ||
			 prev == 1000000 || (d > -20000 && d < 20000));
		moved = moved || q != q0;
		prev = q;
		if (dn_scenario_quality(&s, w, 7, 3, 0, 0, t * 360 + 359) != q)
			steps = false; /* constant within a tempo */
	}
	ok(steps && moved, "drifting: steps of at most drift per tempo, in [0, 1]");
	uint32_t far = dn_scenario_quality(&s, w, 7, 3, 1, 0, 1000000 * 360ULL);
	ok(far <= 1000000, "drifting: a million tempos in (%u ppm)", far);
	/* churning every 40 blocks over 6 members */
	unsigned member;
	uint64_t gen;
	ok(!dn_scenario_churn_at(&s.miners[2], 39, &member, &gen), "no churn off the period");
	ok(dn_scenario_churn_at(&s.miners[2], 80, &member, &gen) && member == 2 && gen == 2,
	   "block 80: member 2, generation 2");
	is_int((intmax_t)dn_scenario_live_gen(&s.miners[2], 2, 79), 0, "gen 0 live before");
	is_int((intmax_t)dn_scenario_live_gen(&s.miners[2], 2, 80), 2, "gen 2 live from 80");
	is_int((intmax_t)dn_scenario_live_gen(&s.miners[2], 2, 80 + 6 * 40), 8,
	       "then gen 8 (one turn later)");
	ok(dn_scenario_quality(&s, w, 7, 2, 2, 0, 100) == 0 &&
		   dn_scenario_quality(&s, w, 7, 2, 2, 2, 100) == 600000,
	   "an old hotkey does no work, the new one does");
	ok(dn_scenario_churn_at(&s.miners[1], 50, &member, &gen) == false,
	   "constant miners do not churn");
	dn_scenario_world_free(w);
}

/* 128 subnets x 256 uids: 6 validators and 249 miners each. */
static void test_scale(void)
{
	if (!getenv("TAODEV_SCALE")) {
		skip(1, "TAODEV_SCALE not set: the mainnet-size genesis is not timed");
		return;
	}
	enum { NS = 128 };
	struct dn_scenario s;
	memset(&s, 0, sizeof(s));
	name(s.name, "scale");
	dn_chain_params_default(&s.params);
	struct dn_scn_subnet *sn = calloc(NS, sizeof(*sn));
	struct dn_scn_validators *v = calloc(NS, sizeof(*v));
	struct dn_scn_miners *m = calloc(NS, sizeof(*m));
	for (int i = 0; i < NS; i++) {
		char n[32] = "sn", *p = n + 2;
		int x = i;
		do {
			*p++ = (char)('a' + x % 26);
			x /= 26;
		} while (x);
		*p = 0;
		name(sn[i].name, n);
		sn[i].netuid = (uint16_t)(i + 1);
		name(sn[i].owner, "alice");
		sn[i].pool_tao = 1000 * TAO;
		sn[i].pool_alpha = 10000 * TAO;
		sn[i].started = sn[i].emission_enabled = true;
		dn_subnet_hparams_default(&sn[i].hp);
		name(v[i].subnet, n);
		name(m[i].subnet, n);
		n[0] = 'v';
		name(v[i].name, n);
		n[0] = 'm';
		name(m[i].name, n);
		v[i].count = 6;
		v[i].stake = 1000 * TAO;
		v[i].every = 1;
		m[i].count = 249;
		m[i].quality_ppm = 500000;
		m[i].spread_ppm = 400000;
	}
	s.nsubnets = s.nvalidators = s.nminers = NS;
	s.subnets = sn;
	s.validators = v;
	s.miners = m;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct dn_scenario_world *w;
	char err[256];
	int rc = dn_scenario_genesis(&s, &w, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(rc == 0 && w->g.naccounts == 6 + NS + 2 * NS * 255,
	   "128 x 256: %zu accounts, %zu neurons in %.2f s", rc ? 0 : w->g.naccounts,
	   rc ? 0 : w->g.nneurons, sec);
	if (rc)
		diag("%s", err);
	dn_scenario_world_free(rc ? NULL : w);
	free(sn);
	free(v);
	free(m);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_genesis();
	test_refusals();
	test_quality();
	test_scale();
	return tap_done();
}
