/*
 * A scenario's genesis and world (see scenario.h): the accounts and their
 * keys, the subnets with their pools and hyperparameters, the neurons,
 * stakes and weights a run starts from, and the quality model that the
 * genesis' weights and nodes/agent.c's validators share.
 *
 * Keys are derived once, with each junction's seed reused down the path
 * (//taodev, then //taodev//NAME, then //taodev//NAME//i, ...): what costs
 * is the ed25519 key generation of each key pair, about 15 us.
 */
#include "devnet/scenario.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/chain_impl.h"
#include "devnet/xalloc.h"

#define TAO 1000000000ULL
#define PPM 1000000
#define NDEV 6

/* What each draw is for: the first word hashed after the seed. */
enum { H_BASE = 1, H_DRIFT, H_NOISE, H_NOISE2 };

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		dn_chain_vfmt(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- draws --------------------------------------------------------------- */

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t dn_scenario_hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	const uint64_t golden = 0x9e3779b97f4a7c15ULL;
	uint64_t h = mix(seed + golden);
	h = mix((h ^ a) + golden);
	h = mix((h ^ b) + golden);
	h = mix((h ^ c) + golden);
	return mix((h ^ d) + golden);
}

/* (no __builtin_popcountll: it may need libgcc, which the core avoids) */
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* ---- the quality model --------------------------------------------------- */

uint64_t dn_scenario_live_gen(const struct dn_scn_miners *m, unsigned member, uint64_t block)
{
	if (m->model != DN_MINER_CHURNING || m->churn_every == 0 || member >= m->count)
		return 0;
	uint64_t big = block / m->churn_every; /* the latest generation */
	if (big < member)
		return 0;
	uint64_t g = member + (big - member) / m->count * m->count;
	/* generation g registers at block g x churn_every, after the join */
	if (g == 0 || g * m->churn_every <= m->join_block)
		return 0;
	return g;
}

bool dn_scenario_churn_at(const struct dn_scn_miners *m, uint64_t block, unsigned *member,
			  uint64_t *gen)
{
	if (m->model != DN_MINER_CHURNING || m->churn_every == 0 || m->count == 0 || block == 0 ||
	    block % m->churn_every != 0 || block <= m->join_block)
		return false;
	*gen = block / m->churn_every;
	*member = (unsigned)(*gen % m->count);
	return true;
}

static int64_t clamp_ppm(int64_t q) { return q < 0 ? 0 : q > PPM ? PPM : q; }

/* W(t): t steps of +-1, 64 per hash (its bits), so O(t / 64). */
static int64_t walk(uint64_t seed, size_t group, unsigned member, uint64_t t)
{
	int64_t w = 0;
	uint64_t full = t / 64;
	for (uint64_t j = 0; j < full; j++)
		w += 2 * (int64_t)popcount64(dn_scenario_hash(seed, H_DRIFT, group, member, j)) -
		     64;
	unsigned rest = (unsigned)(t % 64);
	if (rest) {
		uint64_t h = dn_scenario_hash(seed, H_DRIFT, group, member, full);
		w += 2 * (int64_t)popcount64(h & ((1ULL << rest) - 1)) - rest;
	}
	return w;
}

/* A walk reflected at 0 and 1: x folded into [0, PPM]. */
static int64_t fold(int64_t x)
{
	int64_t r = x % (2 * PPM);
	if (r < 0)
		r += 2 * PPM;
	return r > PPM ? 2 * PPM - r : r;
}

uint32_t dn_scenario_quality(const struct dn_scenario *s, const struct dn_scenario_world *w,
			     uint64_t seed, size_t group, unsigned member, uint64_t gen,
			     uint64_t block)
{
	const struct dn_scn_miners *m = &s->miners[group];
	if (gen != dn_scenario_live_gen(m, member, block))
		return 0;
	uint64_t h = dn_scenario_hash(seed, H_BASE, group, member, gen);
	int64_t u = (int64_t)(h % (2 * PPM + 1)) - PPM; /* uniform in [-1, 1], ppm */
	int64_t q = clamp_ppm((int64_t)m->quality_ppm + (int64_t)m->spread_ppm * u / PPM);
	if (m->model == DN_MINER_DRIFTING) {
		uint16_t tempo = w->tempo[w->miners[group].subnet];
		uint64_t t = tempo ? block / tempo : 0;
		q = fold(q + (int64_t)m->drift_ppm * walk(seed, group, member, t));
	}
	return (uint32_t)q;
}

/* z ~ N(0, 1) in ppm: four 16-bit uniforms (Irwin-Hall), centred and
 * scaled by their standard deviation (2 x sum - 4 x 65535 has sd 75 673). */
static int64_t gaussian_ppm(uint64_t h)
{
	int64_t sum = 0;
	for (int k = 0; k < 4; k++)
		sum += (int64_t)((h >> (16 * k)) & 0xffff);
	return (2 * sum - 4 * 65535) * PPM / 75673;
}

uint16_t dn_scenario_weight(const struct dn_scenario *s, const struct dn_scenario_world *w,
			    uint64_t seed, size_t group, unsigned member,
			    enum dn_validator_behaviour as, const struct dn_scn_ident *id,
			    uint64_t block)
{
	if (as == DN_VAL_CARTEL) {
		size_t f = w->validators[group].favours;
		return id->role == DN_SCN_MINER && id->group == f &&
				       id->gen == dn_scenario_live_gen(&s->miners[f], id->member,
								       block)
			       ? 65535
			       : 0;
	}
	if (as == DN_VAL_SELF_DEALER)
		return id->role == DN_SCN_OWN_MINER && id->group == group && id->member == member
			       ? 65535
			       : 0;
	if (id->role != DN_SCN_MINER)
		return 0; /* validators, owners, sham miners and strangers do no work */
	uint32_t q = dn_scenario_quality(s, w, seed, id->group, id->member, id->gen, block);
	if (q == 0)
		return 0;
	uint64_t h = dn_scenario_hash(seed, H_NOISE, group, member, block);
	h = dn_scenario_hash(h, H_NOISE2, id->group, id->member, id->gen);
	dn_i128 noise = (dn_i128)q * s->validators[group].noise_ppm * gaussian_ppm(h);
	int64_t obs = clamp_ppm((int64_t)q + (int64_t)(noise / ((dn_i128)PPM * PPM)));
	return (uint16_t)((obs * 65535 + PPM / 2) / PPM);
}

/* ---- lookups --------------------------------------------------------------- */

static size_t find_subnet(const struct dn_scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nsubnets; i++)
		if (strcmp(s->subnets[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

static size_t find_miners(const struct dn_scenario *s, const char *name)
{
	for (size_t i = 0; i < s->nminers; i++)
		if (strcmp(s->miners[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

static int dev_index(const char *name)
{
	for (int i = 0; i < NDEV; i++)
		if (strcmp(dn_keys_dev_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- keys ------------------------------------------------------------------ */

static void utoa(uint64_t v, char out[24])
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

/* The seed of a key pair (libsodium's secret key starts with it). */
static const uint8_t *seed_of(const struct dn_keypair *kp) { return kp->secret_key; }

static void key_at(const uint8_t parent[32], const char *junction, struct dn_keypair *kp)
{
	uint8_t seed[32];
	dn_keys_derive_hard(parent, junction, seed);
	dn_keys_from_seed(seed, kp);
	sodium_memzero(seed, sizeof(seed));
}

/* Member i of the group whose seed is gseed: coldkey //...//i, hotkey
 * //...//i//hot (when hot is not NULL). */
static void member_keys(const uint8_t gseed[32], unsigned i, struct dn_keypair *cold,
			struct dn_keypair *hot)
{
	char num[24];
	utoa(i, num);
	key_at(gseed, num, cold);
	if (hot)
		key_at(seed_of(cold), "hot", hot);
}

/* ---- the world ------------------------------------------------------------- */

struct store {
	struct dn_genesis_account *accounts;
	struct dn_genesis_hotkey *hotkeys;
	struct dn_genesis_subnet *subnets;
	struct dn_subnet_hparams *hp;
	struct dn_genesis_neuron *neurons;
	struct dn_genesis_stake *stakes;
	struct dn_genesis_weights *weights;
	uint16_t *wuids, *wvalues;
};

static void free_groups(struct dn_scn_group *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++) {
		if (g[i].m)
			sodium_memzero(g[i].m, g[i].count * sizeof(*g[i].m));
		if (g[i].own)
			sodium_memzero(g[i].own, g[i].count * sizeof(*g[i].own));
		free(g[i].m);
		free(g[i].own);
		free(g[i].stake_to);
	}
	free(g);
}

void dn_scenario_world_free(struct dn_scenario_world *w)
{
	if (!w)
		return;
	struct store *st = w->store;
	if (st) {
		free(st->accounts);
		free(st->hotkeys);
		free(st->subnets);
		free(st->hp);
		free(st->neurons);
		free(st->stakes);
		free(st->weights);
		free(st->wuids);
		free(st->wvalues);
		free(st);
	}
	free(w->netuid);
	free(w->tempo);
	free(w->owner_coldkey);
	free(w->owner_hotkey);
	free(w->account);
	free_groups(w->validators, w->nvalidators);
	free_groups(w->miners, w->nminers);
	free_groups(w->traders, w->ntraders);
	free(w);
}

/* Checks what the genesis relies on; 0 or -1 with the message. */
static int check(const struct dn_scenario *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nsubnets; i++) {
		const struct dn_scn_subnet *sn = &s->subnets[i];
		if (sn->netuid == 0 || sn->netuid >= DN_MAX_SUBNETS)
			return fail(err, errlen, "subnet %s: netuid %u outside 1 .. %u", sn->name,
				    (uint64_t)sn->netuid, (uint64_t)DN_MAX_SUBNETS - 1);
		for (size_t k = 0; k < i; k++)
			if (s->subnets[k].netuid == sn->netuid)
				return fail(err, errlen, "subnets %s and %s share netuid %u",
					    s->subnets[k].name, sn->name, (uint64_t)sn->netuid);
		if (dev_index(sn->owner) < 0) {
			size_t k = 0;
			while (k < s->naccounts && strcmp(s->accounts[k].name, sn->owner) != 0)
				k++;
			if (k == s->naccounts)
				return fail(err, errlen, "subnet %s: owner %s is no account",
					    sn->name, sn->owner);
		}
		if (sn->pool_alpha == 0 && sn->pool_tao != 0 && sn->moving_price == 0)
			return fail(err, errlen,
				    "subnet %s: a pool of TAO without alpha has no price",
				    sn->name);
	}
	/* group names derive keys: one name, one group */
	const char *names[3] = {"validators", "miners", "traders"};
	size_t counts[3] = {s->nvalidators, s->nminers, s->ntraders};
	for (int kind = 0; kind < 3; kind++)
		for (size_t i = 0; i < counts[kind]; i++) {
			const char *name = kind == 0   ? s->validators[i].name
					   : kind == 1 ? s->miners[i].name
						       : s->traders[i].name;
			const char *subnet = kind == 0	 ? s->validators[i].subnet
					     : kind == 1 ? s->miners[i].subnet
							 : s->traders[i].subnet;
			unsigned count = kind == 0   ? s->validators[i].count
					 : kind == 1 ? s->miners[i].count
						     : s->traders[i].count;
			if (find_subnet(s, subnet) == SIZE_MAX)
				return fail(err, errlen, "%s %s: no subnet %s", names[kind], name,
					    subnet);
			if (count == 0 || count > 4096)
				return fail(err, errlen, "%s %s: count %u outside 1 .. 4096",
					    names[kind], name, (uint64_t)count);
			for (int k2 = 0; k2 <= kind; k2++)
				for (size_t j = 0; j < (k2 == kind ? i : counts[k2]); j++) {
					const char *other = k2 == 0   ? s->validators[j].name
							    : k2 == 1 ? s->miners[j].name
								      : s->traders[j].name;
					if (strcmp(other, name) == 0)
						return fail(err, errlen,
							    "%s %s: the name is taken by %s %s",
							    names[kind], name, names[k2], other);
				}
		}
	for (size_t i = 0; i < s->nvalidators; i++) {
		const struct dn_scn_validators *v = &s->validators[i];
		if (v->behaviour != DN_VAL_CARTEL)
			continue;
		size_t f = find_miners(s, v->favours);
		if (f == SIZE_MAX)
			return fail(err, errlen, "validators %s: favours %s, no miners group",
				    v->name, v->favours);
		if (strcmp(s->miners[f].subnet, v->subnet) != 0)
			return fail(err, errlen,
				    "validators %s: favours %s, miners of another subnet (%s)",
				    v->name, v->favours, s->miners[f].subnet);
	}
	return 0;
}

/* Group i's alpha stakes by its spread rule, summing to count x stake
 * (rounding to member 0); -1 when an amount does not fit 64 bits. */
static int spread(const struct dn_scn_validators *v, uint64_t *out)
{
	unsigned n = v->count;
	dn_u128 total = (dn_u128)v->stake * n, sum = 0, wsum = 0;
	for (unsigned k = 0; k < n; k++) /* pareto: w_i = 2^40 / (i + 1), normalised */
		wsum += ((dn_u128)1 << 40) / (k + 1);
	for (unsigned i = 0; i < n; i++) {
		dn_u128 a = v->stake;
		if (v->spread == DN_SPREAD_LINEAR)
			a = (dn_u128)v->stake * 2 * (n - i) / (n + 1);
		else if (v->spread == DN_SPREAD_PARETO)
			a = total * (((dn_u128)1 << 40) / (i + 1)) / wsum;
		if (a > UINT64_MAX)
			return -1;
		out[i] = (uint64_t)a;
		sum += a;
	}
	if ((dn_u128)out[0] + (total - sum) > UINT64_MAX)
		return -1;
	out[0] += (uint64_t)(total - sum);
	return 0;
}

/* Builds the members of one group: accounts from *next on (two per member
 * when hot, else one), keys, balances. */
static void make_members(struct dn_scn_group *g, const uint8_t taodev[32], const char *name,
			 unsigned count, bool hot, uint64_t balance, bool own,
			 struct dn_genesis_account *acc, uint32_t *next)
{
	uint8_t gseed[32];
	dn_keys_derive_hard(taodev, name, gseed);
	g->count = count;
	g->m = xcalloc(count, sizeof(*g->m));
	if (own)
		g->own = xcalloc(count, sizeof(*g->own));
	for (unsigned i = 0; i < count; i++) {
		struct dn_scn_member *m = &g->m[i];
		member_keys(gseed, i, &m->cold, hot ? &m->hot : NULL);
		m->coldkey = (*next)++;
		memcpy(acc[m->coldkey].key, m->cold.public_key, 32);
		acc[m->coldkey].free = balance;
		m->hotkey = DN_CHAIN_NONE;
		if (hot) {
			m->hotkey = (*next)++;
			memcpy(acc[m->hotkey].key, m->hot.public_key, 32);
		}
		if (own)
			key_at(seed_of(&m->cold), "miner", &g->own[i]);
	}
	sodium_memzero(gseed, sizeof(gseed));
}

/* Per subnet (scenario index): its genesis neurons' identities by uid. */
struct roster {
	uint32_t n, cap;
	struct dn_scn_ident *id;
};

static void roster_push(struct roster *r, enum dn_scn_role role, size_t group, unsigned member)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->id = xrealloc(r->id, r->cap * sizeof(*r->id));
	}
	r->id[r->n++] = (struct dn_scn_ident){role, (uint32_t)group, member, 0};
}

static int build(const struct dn_scenario *s, struct dn_scenario_world *w, struct store *st,
		 char *err, size_t errlen)
{
	size_t S = s->nsubnets;
	/* ---- accounts and keys ---- */
	size_t na = NDEV + S;
	for (size_t i = 0; i < s->naccounts; i++)
		na += dev_index(s->accounts[i].name) < 0;
	for (size_t i = 0; i < s->nvalidators; i++)
		na += 2 * (size_t)s->validators[i].count;
	for (size_t i = 0; i < s->nminers; i++)
		na += 2 * (size_t)s->miners[i].count;
	for (size_t i = 0; i < s->ntraders; i++)
		na += s->traders[i].count;
	if (na >= DN_CHAIN_NONE)
		return fail(err, errlen, "%u accounts: too many", (uint64_t)na);
	struct dn_genesis_account *acc = st->accounts = xcalloc(na, sizeof(*acc));
	uint32_t next = 0;
	for (int i = 0; i < NDEV; i++) {
		struct dn_keypair kp;
		dn_keys_dev(dn_keys_dev_names[i], &kp);
		memcpy(acc[next].key, kp.public_key, 32);
		/* the localnet's balances (chain_genesis.c) */
		acc[next++].free = (i < 3 ? 1000000 : 2000) * TAO;
		sodium_memzero(&kp, sizeof(kp));
	}
	struct dn_keypair kp;
	dn_keys_uri("//taodev", &kp);
	uint8_t taodev[32], subnet_seed[32];
	memcpy(taodev, seed_of(&kp), 32);
	w->account = xcalloc(s->naccounts ? s->naccounts : 1, sizeof(*w->account));
	for (size_t i = 0; i < s->naccounts; i++) {
		int dev = dev_index(s->accounts[i].name);
		if (dev >= 0) {
			w->account[i] = (uint32_t)dev;
			acc[dev].free = s->accounts[i].balance;
			continue;
		}
		key_at(taodev, s->accounts[i].name, &kp);
		memcpy(acc[next].key, kp.public_key, 32);
		acc[next].free = s->accounts[i].balance;
		w->account[i] = next++;
	}
	dn_keys_derive_hard(taodev, "subnet", subnet_seed);
	w->owner_hotkey = xcalloc(S ? S : 1, sizeof(uint32_t));
	w->owner_coldkey = xcalloc(S ? S : 1, sizeof(uint32_t));
	w->netuid = xcalloc(S ? S : 1, sizeof(uint16_t));
	w->tempo = xcalloc(S ? S : 1, sizeof(uint16_t));
	for (size_t i = 0; i < S; i++) {
		const struct dn_scn_subnet *sn = &s->subnets[i];
		uint8_t nseed[32];
		dn_keys_derive_hard(subnet_seed, sn->name, nseed);
		key_at(nseed, "owner", &kp);
		memcpy(acc[next].key, kp.public_key, 32);
		w->owner_hotkey[i] = next++;
		int dev = dev_index(sn->owner);
		for (size_t k = 0; dev < 0 && k < s->naccounts; k++)
			if (strcmp(s->accounts[k].name, sn->owner) == 0)
				w->owner_coldkey[i] = w->account[k];
		if (dev >= 0)
			w->owner_coldkey[i] = (uint32_t)dev;
		w->netuid[i] = sn->netuid;
		w->tempo[i] = sn->tempo ? sn->tempo : s->params.sched.initial_tempo;
	}
	sodium_memzero(&kp, sizeof(kp));

	w->validators = xcalloc(s->nvalidators ? s->nvalidators : 1, sizeof(*w->validators));
	w->miners = xcalloc(s->nminers ? s->nminers : 1, sizeof(*w->miners));
	w->traders = xcalloc(s->ntraders ? s->ntraders : 1, sizeof(*w->traders));
	w->nvalidators = s->nvalidators;
	w->nminers = s->nminers;
	w->ntraders = s->ntraders;
	for (size_t i = 0; i < s->nvalidators; i++) {
		const struct dn_scn_validators *v = &s->validators[i];
		struct dn_scn_group *g = &w->validators[i];
		g->subnet = find_subnet(s, v->subnet);
		g->netuid = w->netuid[g->subnet];
		bool self = v->behaviour == DN_VAL_SELF_DEALER;
		/* a self-dealer pays one registration, at any price */
		uint64_t pocket = self ? s->subnets[g->subnet].hp.burn.max_burn + TAO : 0;
		make_members(g, taodev, v->name, v->count, true, pocket, self, acc, &next);
		g->favours = v->behaviour == DN_VAL_CARTEL ? find_miners(s, v->favours) : SIZE_MAX;
	}
	for (size_t i = 0; i < s->nminers; i++) {
		const struct dn_scn_miners *m = &s->miners[i];
		struct dn_scn_group *g = &w->miners[i];
		g->subnet = find_subnet(s, m->subnet);
		g->netuid = w->netuid[g->subnet];
		g->favours = SIZE_MAX;
		make_members(g, taodev, m->name, m->count, true, m->balance, false, acc, &next);
	}
	for (size_t i = 0; i < s->ntraders; i++) {
		const struct dn_scn_traders *t = &s->traders[i];
		struct dn_scn_group *g = &w->traders[i];
		g->subnet = find_subnet(s, t->subnet);
		g->netuid = w->netuid[g->subnet];
		g->favours = SIZE_MAX;
		make_members(g, taodev, t->name, t->count, false, t->budget, false, acc, &next);
	}
	sodium_memzero(taodev, sizeof(taodev));
	sodium_memzero(subnet_seed, sizeof(subnet_seed));

	/* ---- hotkeys, subnets (ascending netuid), neurons ---- */
	size_t nhot = 0, nneur = 0, nstake = 0;
	for (size_t i = 0; i < s->nvalidators; i++)
		nhot += s->validators[i].count;
	for (size_t i = 0; i < s->nminers; i++)
		nhot += s->miners[i].count;
	st->hotkeys = xcalloc(nhot ? nhot : 1, sizeof(*st->hotkeys));
	st->neurons = xcalloc(nhot ? nhot : 1, sizeof(*st->neurons));
	st->stakes = xcalloc(2 * nhot + 1, sizeof(*st->stakes));
	nhot = 0;
	struct roster *ros = xcalloc(S ? S : 1, sizeof(*ros));
	for (size_t i = 0; i < S; i++)
		roster_push(&ros[i], DN_SCN_OWNER, i, 0);
	int rc = 0;
	for (size_t i = 0; i < s->nvalidators && !rc; i++) {
		const struct dn_scn_validators *v = &s->validators[i];
		struct dn_scn_group *g = &w->validators[i];
		uint64_t *amount = xcalloc(v->count, sizeof(*amount));
		if (spread(v, amount))
			rc = fail(err, errlen, "validators %s: stake does not fit 64 bits",
				  v->name);
		for (unsigned k = 0; k < v->count && !rc; k++) {
			const struct dn_scn_member *m = &g->m[k];
			st->hotkeys[nhot++] = (struct dn_genesis_hotkey){m->hotkey, m->coldkey, 0};
			st->neurons[nneur++] =
				(struct dn_genesis_neuron){g->netuid, m->hotkey, true};
			roster_push(&ros[g->subnet], DN_SCN_VALIDATOR, i, k);
			if (amount[k])
				st->stakes[nstake++] = (struct dn_genesis_stake){
					m->hotkey, m->coldkey, g->netuid, amount[k]};
			if (v->root_stake)
				st->stakes[nstake++] = (struct dn_genesis_stake){
					m->hotkey, m->coldkey, 0, v->root_stake};
		}
		free(amount);
	}
	for (size_t i = 0; i < s->nminers && !rc; i++) {
		const struct dn_scn_group *g = &w->miners[i];
		if (s->miners[i].join_block)
			continue; /* they register themselves */
		for (unsigned k = 0; k < g->count; k++) {
			const struct dn_scn_member *m = &g->m[k];
			st->hotkeys[nhot++] = (struct dn_genesis_hotkey){m->hotkey, m->coldkey, 0};
			st->neurons[nneur++] =
				(struct dn_genesis_neuron){g->netuid, m->hotkey, false};
			roster_push(&ros[g->subnet], DN_SCN_MINER, i, k);
		}
	}
	for (size_t i = 0; i < S && !rc; i++)
		if (ros[i].n > s->subnets[i].hp.max_allowed_uids)
			rc = fail(err, errlen,
				  "subnet %s: %u neurons at genesis, above its %u uids",
				  s->subnets[i].name, (uint64_t)ros[i].n,
				  (uint64_t)s->subnets[i].hp.max_allowed_uids);

	size_t *order = xcalloc(S ? S : 1, sizeof(*order));
	for (size_t i = 0; i < S; i++) { /* insertion sort by netuid: genesis order */
		size_t k = i;
		while (k > 0 && w->netuid[order[k - 1]] > w->netuid[i]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	st->subnets = xcalloc(S ? S : 1, sizeof(*st->subnets));
	st->hp = xcalloc(S ? S : 1, sizeof(*st->hp));
	for (size_t j = 0; j < S; j++) {
		size_t i = order[j];
		const struct dn_scn_subnet *sn = &s->subnets[i];
		st->hp[j] = sn->hp;
		dn_i96f32 price = sn->moving_price;
		if (price == 0 && sn->pool_alpha) /* the pool's spot price, tao / alpha */
			price = (dn_i96f32)(((dn_u128)sn->pool_tao << 32) / sn->pool_alpha);
		st->subnets[j] = (struct dn_genesis_subnet){
			.netuid = sn->netuid,
			.owner_coldkey = w->owner_coldkey[i],
			.owner_hotkey = w->owner_hotkey[i],
			.tempo = w->tempo[i],
			.tao = sn->pool_tao,
			.alpha_in = sn->pool_alpha,
			.started = sn->started,
			.emission_enabled = sn->emission_enabled,
			.moving_price = price,
			.hp = &st->hp[j],
		};
	}
	free(order);

	/* ---- weights at block 1: each validator over its subnet's uids ---- */
	size_t nrows = 0, ncells = 0;
	for (size_t i = 0; i < s->nvalidators; i++)
		if (s->validators[i].behaviour != DN_VAL_COPIER) {
			nrows += s->validators[i].count;
			ncells += (size_t)s->validators[i].count * ros[w->validators[i].subnet].n;
		}
	st->weights = xcalloc(nrows ? nrows : 1, sizeof(*st->weights));
	st->wuids = xcalloc(ncells ? ncells : 1, sizeof(uint16_t));
	st->wvalues = xcalloc(ncells ? ncells : 1, sizeof(uint16_t));
	size_t nw = 0, used = 0;
	for (size_t i = 0; i < s->nvalidators && !rc; i++) {
		const struct dn_scn_validators *v = &s->validators[i];
		const struct dn_scn_group *g = &w->validators[i];
		if (v->behaviour == DN_VAL_COPIER)
			continue; /* nothing to copy yet */
		/* a self-dealer has no miner yet: it starts honest */
		enum dn_validator_behaviour as =
			v->behaviour == DN_VAL_CARTEL ? DN_VAL_CARTEL : DN_VAL_HONEST;
		const struct roster *r = &ros[g->subnet];
		for (unsigned k = 0; k < v->count; k++) {
			uint16_t *u = st->wuids + used, *val = st->wvalues + used;
			bool any = false;
			for (uint32_t uid = 0; uid < r->n; uid++) {
				u[uid] = (uint16_t)uid;
				val[uid] =
					dn_scenario_weight(s, w, s->seed, i, k, as, &r->id[uid], 1);
				any = any || val[uid];
			}
			if (!any)
				continue;
			st->weights[nw++] = (struct dn_genesis_weights){
				g->netuid, g->m[k].hotkey, 1, r->n, u, val};
			used += r->n;
		}
	}
	for (size_t i = 0; i < S; i++)
		free(ros[i].id);
	free(ros);

	/* ---- traders delegate to their subnet's validators, round robin ---- */
	for (size_t i = 0; i < s->ntraders; i++) {
		struct dn_scn_group *g = &w->traders[i];
		g->stake_to = xcalloc(g->count, sizeof(uint32_t));
		size_t nval = 0;
		for (size_t v = 0; v < s->nvalidators; v++)
			if (w->validators[v].subnet == g->subnet)
				nval += w->validators[v].count;
		for (unsigned k = 0; k < g->count; k++) {
			g->stake_to[k] = w->owner_hotkey[g->subnet];
			size_t want = nval ? k % nval : 0;
			for (size_t v = 0; nval && v < s->nvalidators; v++) {
				const struct dn_scn_group *vg = &w->validators[v];
				if (vg->subnet != g->subnet)
					continue;
				if (want < vg->count) {
					g->stake_to[k] = vg->m[want].hotkey;
					break;
				}
				want -= vg->count;
			}
		}
	}

	w->params = s->params;
	w->g = (struct dn_genesis){
		.params = &w->params,
		.block = 0,
		.naccounts = na,
		.accounts = acc,
		.sudo = 0, /* alice */
		.nhotkeys = nhot,
		.hotkeys = st->hotkeys,
		.nsubnets = S,
		.subnets = st->subnets,
		.nneurons = nneur,
		.neurons = st->neurons,
		.nstakes = nstake,
		.stakes = st->stakes,
		.nweights = nw,
		.weights = st->weights,
	};
	return rc;
}

int dn_scenario_genesis(const struct dn_scenario *s, struct dn_scenario_world **out, char *err,
			size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (check(s, err, errlen))
		return -1;
	struct dn_scenario_world *w = xcalloc(1, sizeof(*w));
	struct store *st = xcalloc(1, sizeof(*st));
	w->store = st;
	if (build(s, w, st, err, errlen)) {
		dn_scenario_world_free(w);
		return -1;
	}
	/* the chain's own genesis rules (issuance, duplicate keys, ...) */
	struct dn_chain_err cerr;
	struct dn_chain *c = dn_chain_new(&w->g, &cerr);
	if (!c) {
		fail(err, errlen, "scenario %s: the genesis is refused: %s", s->name, cerr.msg);
		dn_scenario_world_free(w);
		return -1;
	}
	dn_chain_free(c);
	*out = w;
	return 0;
}
