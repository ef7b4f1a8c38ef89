/*
 * The participants of a scenario (see agent.h).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/ops.h"
#include "devnet/xalloc.h"
#include "nodes/agent.h"
#include "nodes/rng.h"

#define SALT_LEN 8

/* What each draw is for (dn_scenario_hash's words; scenario.c uses 1-4). */
enum { P_WINDOW = 101, P_SALT, P_TRADE_OFF, P_TRADE };

/* The identity of a key, by public key (open addressing). */
struct ident_slot {
	bool used;
	uint8_t key[32];
	struct dn_scn_ident id;
};

struct nd_agents {
	const struct dn_scenario *s;
	const struct dn_scenario_world *w;
	uint64_t seed;
	size_t tcap, tn;
	struct ident_slot *tab;
	uint64_t *churn_done; /* per miners group: generations in tab up to this one */
	uint32_t **vuid, **ouid; /* per validators member: hints of its and its miner's uid */
	uint64_t **whash; /* per validators member: its window draw (window_block) */
	/* identities found by ident_of, by account index of chain idc_chain
	 * (indices are stable: accounts are only appended); cleared when the
	 * table changes */
	struct dn_scn_ident *idc;
	bool *idc_ok;
	size_t idc_cap;
	const struct dn_chain *idc_chain;
	/* the block being built */
	const struct dn_chain *c;
	uint64_t b;
	struct dn_extrinsic *pool;
	size_t n, cap;
	uint32_t *signer, *used; /* accounts that signed in this block, and how often */
	size_t nsigners, capsigners;
	uint16_t *uids, *vals, *cand; /* vectors (capacity vcap) */
	size_t vcap;
};

/* ---- identities ---------------------------------------------------------- */

static size_t slot_of(const struct nd_agents *a, const uint8_t key[32])
{
	uint64_t h;
	memcpy(&h, key, sizeof(h)); /* public keys are uniform */
	size_t i = (size_t)h & (a->tcap - 1);
	while (a->tab[i].used && memcmp(a->tab[i].key, key, 32) != 0)
		i = (i + 1) & (a->tcap - 1);
	return i;
}

static void tab_put(struct nd_agents *a, const uint8_t key[32], struct dn_scn_ident id)
{
	if (2 * (a->tn + 1) > a->tcap) {
		struct ident_slot *old = a->tab;
		size_t oldcap = a->tcap;
		a->tcap = a->tcap ? 2 * a->tcap : 1024;
		a->tab = xcalloc(a->tcap, sizeof(*a->tab));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				a->tab[slot_of(a, old[i].key)] = old[i];
		free(old);
	}
	size_t i = slot_of(a, key);
	if (a->idc_cap)
		memset(a->idc_ok, 0, a->idc_cap * sizeof(*a->idc_ok));
	if (!a->tab[i].used)
		a->tn++;
	a->tab[i].used = true;
	memcpy(a->tab[i].key, key, 32);
	a->tab[i].id = id;
}

/* The key pair of churning member i's hotkey of generation g. */
static void churn_key(const struct nd_agents *a, size_t group, unsigned i, uint64_t g,
		      struct dn_keypair *kp)
{
	char num[24], tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + g % 10);
		g /= 10;
	} while (g);
	for (int k = 0; k < n; k++)
		num[k] = tmp[n - 1 - k];
	num[n] = 0;
	uint8_t seed[32];
	/* //taodev//NAME//i//hot//g: one hard junction below the hotkey */
	dn_keys_derive_hard(a->w->miners[group].m[i].hot.secret_key, num, seed);
	dn_keys_from_seed(seed, kp);
	sodium_memzero(seed, sizeof(seed));
}

/* Adds the churned hotkeys of subnet `subnet`'s groups registered by
 * block b; whether any was new. */
static bool derive_churn(struct nd_agents *a, size_t subnet, uint64_t b)
{
	bool added = false;
	for (size_t g = 0; g < a->s->nminers; g++) {
		const struct dn_scn_miners *m = &a->s->miners[g];
		if (a->w->miners[g].subnet != subnet || m->model != DN_MINER_CHURNING ||
		    m->churn_every == 0)
			continue;
		uint64_t upto = b / m->churn_every;
		for (uint64_t gen = a->churn_done[g] + 1; gen <= upto; gen++) {
			if (gen * m->churn_every <= m->join_block)
				continue;
			struct dn_keypair kp;
			unsigned member = (unsigned)(gen % m->count);
			churn_key(a, g, member, gen, &kp);
			tab_put(a, kp.public_key,
				(struct dn_scn_ident){DN_SCN_MINER, (uint32_t)g, member, gen});
			sodium_memzero(&kp, sizeof(kp));
			added = true;
		}
		if (upto > a->churn_done[g])
			a->churn_done[g] = upto;
	}
	return added;
}

static const struct dn_scn_ident nobody = {DN_SCN_NOBODY, 0, 0, 0};

/* Who holds account `acct` (a hotkey on subnet `subnet`). */
static const struct dn_scn_ident *ident_of(struct nd_agents *a, uint32_t acct, size_t subnet)
{
	if (a->idc_chain != a->c) {
		if (a->idc_cap)
			memset(a->idc_ok, 0, a->idc_cap * sizeof(*a->idc_ok));
		a->idc_chain = a->c;
	}
	if (acct < a->idc_cap && a->idc_ok[acct])
		return &a->idc[acct];
	const uint8_t *key = a->c->acct[acct].key;
	size_t i = slot_of(a, key);
	if (!a->tab[i].used && derive_churn(a, subnet, a->b))
		i = slot_of(a, key);
	if (!a->tab[i].used)
		return &nobody; /* not cached: a later churn may name it */
	if (acct >= a->idc_cap) {
		size_t cap = a->c->naccounts > acct ? a->c->naccounts : (size_t)acct + 1;
		cap += cap / 2;
		a->idc = xreallocarray(a->idc, cap, sizeof(*a->idc));
		a->idc_ok = xreallocarray(a->idc_ok, cap, sizeof(*a->idc_ok));
		memset(a->idc_ok + a->idc_cap, 0, (cap - a->idc_cap) * sizeof(*a->idc_ok));
		a->idc_cap = cap;
	}
	a->idc[acct] = a->tab[i].id;
	a->idc_ok[acct] = true;
	return &a->idc[acct];
}

/* ---- life cycle ------------------------------------------------------------ */

struct nd_agents *nd_agents_new(const struct dn_scenario *s, const struct dn_scenario_world *w,
				uint64_t seed)
{
	struct nd_agents *a = xcalloc(1, sizeof(*a));
	a->s = s;
	a->w = w;
	a->seed = seed;
	a->churn_done = xcalloc(s->nminers ? s->nminers : 1, sizeof(uint64_t));
	a->vuid = xcalloc(s->nvalidators ? s->nvalidators : 1, sizeof(*a->vuid));
	a->ouid = xcalloc(s->nvalidators ? s->nvalidators : 1, sizeof(*a->ouid));
	a->whash = xcalloc(s->nvalidators ? s->nvalidators : 1, sizeof(*a->whash));
	for (size_t i = 0; i < w->nsubnets; i++)
		tab_put(a, w->g.accounts[w->owner_hotkey[i]].key,
			(struct dn_scn_ident){DN_SCN_OWNER, (uint32_t)i, 0, 0});
	for (size_t g = 0; g < s->nvalidators; g++) {
		const struct dn_scn_group *vg = &w->validators[g];
		a->vuid[g] = xcalloc(vg->count, sizeof(uint32_t));
		a->ouid[g] = xcalloc(vg->count, sizeof(uint32_t));
		a->whash[g] = xcalloc(vg->count ? vg->count : 1, sizeof(uint64_t));
		for (unsigned k = 0; k < vg->count; k++)
			a->whash[g][k] = dn_scenario_hash(seed, P_WINDOW, g, k, 0);
		for (unsigned k = 0; k < vg->count; k++) {
			tab_put(a, vg->m[k].hot.public_key,
				(struct dn_scn_ident){DN_SCN_VALIDATOR, (uint32_t)g, k, 0});
			if (vg->own)
				tab_put(a, vg->own[k].public_key,
					(struct dn_scn_ident){DN_SCN_OWN_MINER, (uint32_t)g, k, 0});
		}
	}
	for (size_t g = 0; g < s->nminers; g++)
		for (unsigned k = 0; k < w->miners[g].count; k++)
			tab_put(a, w->miners[g].m[k].hot.public_key,
				(struct dn_scn_ident){DN_SCN_MINER, (uint32_t)g, k, 0});
	return a;
}

void nd_agents_free(struct nd_agents *a)
{
	if (!a)
		return;
	for (size_t g = 0; g < a->s->nvalidators; g++) {
		free(a->vuid[g]);
		free(a->ouid[g]);
		free(a->whash[g]);
	}
	free(a->whash);
	free(a->idc);
	free(a->idc_ok);
	free(a->vuid);
	free(a->ouid);
	free(a->churn_done);
	free(a->tab);
	free(a->signer);
	free(a->used);
	free(a->uids);
	free(a->vals);
	free(a->cand);
	free(a);
}

/* ---- the block's extrinsics ----------------------------------------------- */

/* Signs call as kp with the account's next nonce in this block; nothing
 * when the signer has no account (the chain would refuse it). */
static void submit(struct nd_agents *a, const struct dn_keypair *kp, const struct dn_call *call)
{
	uint32_t acct = dn_chain_account(a->c, kp->public_key);
	if (acct == DN_CHAIN_NONE)
		return;
	size_t k = 0;
	while (k < a->nsigners && a->signer[k] != acct)
		k++;
	if (k == a->nsigners) {
		if (a->nsigners == a->capsigners) {
			a->capsigners = a->capsigners ? 2 * a->capsigners : 64;
			a->signer = xrealloc(a->signer, a->capsigners * sizeof(uint32_t));
			a->used = xrealloc(a->used, a->capsigners * sizeof(uint32_t));
		}
		a->signer[k] = acct;
		a->used[k] = 0;
		a->nsigners++;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->pool = xrealloc(a->pool, a->cap * sizeof(*a->pool));
	}
	struct dn_extrinsic *x = &a->pool[a->n++];
	memset(x, 0, sizeof(*x));
	dn_extrinsic_sign(x, kp, a->c->acct[acct].nonce + a->used[k]++, a->c->genesis_hash, call);
}

static void vectors(struct nd_agents *a, size_t n)
{
	if (n <= a->vcap)
		return;
	a->vcap = n;
	a->uids = xrealloc(a->uids, n * sizeof(uint16_t));
	a->vals = xrealloc(a->vals, n * sizeof(uint16_t));
	a->cand = xrealloc(a->cand, (n + 2) * sizeof(uint16_t));
}

/* The uid of account acct on sub, -1 for none; *hint remembers it. */
static int32_t uid_hint(const struct dn_subnet *sub, uint32_t acct, uint32_t *hint)
{
	if (acct == DN_CHAIN_NONE)
		return -1;
	if (*hint < sub->n && sub->hotkey[*hint] == acct)
		return (int32_t)*hint;
	int32_t u = dn_subnet_uid(sub, acct);
	if (u >= 0)
		*hint = (uint32_t)u;
	return u;
}

/* ---- validators ------------------------------------------------------------ */

/* The uid of self-dealer (g, k)'s miner on sub, -1 when it holds none. */
static int32_t own_uid(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k)
{
	const struct dn_scn_group *vg = &a->w->validators[g];
	if (!vg->own)
		return -1;
	return uid_hint(sub, dn_chain_account(a->c, vg->own[k].public_key), &a->ouid[g][k]);
}

/* How validator (g, k) acts at block `at` given the state: a self-dealer
 * whose miner holds a uid registered before `at` deals, else is honest. */
static enum dn_validator_behaviour acting_as(struct nd_agents *a, const struct dn_subnet *sub,
					     size_t g, unsigned k, uint64_t at)
{
	enum dn_validator_behaviour as = a->s->validators[g].behaviour;
	if (as == DN_VAL_SELF_DEALER) {
		int32_t u = own_uid(a, sub, g, k);
		return u >= 0 && sub->registered_at_uid[u] < at ? DN_VAL_SELF_DEALER
								: DN_VAL_HONEST;
	}
	return as;
}

/* The weight of uid u (its current hotkey) for validator (g, k) looking
 * at block `at`. */
static uint16_t weight_of(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k,
			  enum dn_validator_behaviour as, uint32_t u, uint64_t at)
{
	if (as == DN_VAL_COPIER)
		return sub->consensus[u];
	const struct dn_scn_ident *id = ident_of(a, sub->hotkey[u], a->w->validators[g].subnet);
	return dn_scenario_weight(a->s, a->w, a->seed, g, k, as, id, at);
}

static void salt_of(const struct nd_agents *a, size_t g, unsigned k, uint64_t block,
		    uint16_t salt[SALT_LEN])
{
	uint64_t h = dn_scenario_hash(a->seed, P_SALT, g, k, block);
	for (int i = 0; i < SALT_LEN; i++) {
		if (i % 4 == 0 && i)
			h = dn_scenario_hash(h, P_SALT, g, k, (uint64_t)i);
		salt[i] = (uint16_t)(h >> (16 * (i % 4)));
	}
}

static void commit_hash(const struct dn_keypair *hot, uint16_t netuid, const uint16_t *uids,
			const uint16_t *vals, size_t n, const uint16_t *salt, uint64_t version,
			uint8_t out[32])
{
	dn_ops_commit_hash(hot->public_key, netuid, uids, n, vals, n, salt, SALT_LEN, version, out);
}

/* Reveals validator (g, k)'s commits whose reveal epoch begins at this
 * block. */
static void reveal(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k)
{
	const struct dn_scn_group *vg = &a->w->validators[g];
	const struct dn_scn_member *m = &vg->m[k];
	const struct dn_commit_queue *q = dn_subnet_commits(sub, m->hotkey);
	if (!q)
		return;
	/* current_epoch_with_lookahead as the reveal will see it: an epoch
	 * slot that fires this block counts (dn_subnet_epoch_now) */
	bool first = dn_schedule_should_run(&a->c->p.sched, &sub->em.sched, a->b);
	uint64_t epoch = sub->em.sched.epoch_index + first;
	uint32_t n = sub->n;
	vectors(a, n);
	for (uint32_t j = 0; j < q->n; j++) {
		const struct dn_weight_commit *wc = &q->c[j];
		uint64_t period = sub->hp.reveal_period_epochs;
		/* the first block of the reveal epoch; with RevealPeriodEpochs 0
		 * (reveal in the commit's epoch) the block after the commit */
		if (wc->epoch + period != epoch || (!first && (period || a->b != wc->block + 1)))
			continue;
		uint64_t bc = wc->block;
		enum dn_validator_behaviour as = acting_as(a, sub, g, k, bc);
		uint16_t salt[SALT_LEN];
		salt_of(a, g, k, bc, salt);
		uint64_t version = sub->hp.weights_version_key;
		/* uids registered at or after the commit may have changed hands:
		 * the trailing ones were appended (or replaced), the others
		 * replaced */
		uint32_t tail = 0;
		while (tail < n && sub->registered_at_uid[n - 1 - tail] >= bc)
			tail++;
		bool found = false;
		for (uint32_t nc = n - tail; nc <= n && !found; nc++) {
			uint32_t replaced = UINT32_MAX, nrep = 0;
			for (uint32_t u = 0; u < nc; u++) {
				a->uids[u] = (uint16_t)u;
				if (sub->registered_at_uid[u] >= bc) {
					replaced = u;
					nrep++;
					a->vals[u] = 0;
					continue;
				}
				a->vals[u] = weight_of(a, sub, g, k, as, u, bc);
			}
			if (nrep > 1 || (nrep == 1 && as == DN_VAL_COPIER))
				continue;
			/* the values the old hotkey of a replaced uid could have had:
			 * 0, 65535 (cartel, self-dealer) or a live miner's */
			size_t ncand = 0;
			a->cand[ncand++] = 0;
			if (nrep == 1) {
				a->cand[ncand++] = 65535;
				for (size_t mg = 0; mg < a->s->nminers; mg++) {
					if (a->w->miners[mg].subnet != vg->subnet)
						continue;
					for (unsigned i = 0; i < a->w->miners[mg].count; i++) {
						struct dn_scn_ident id = {
							DN_SCN_MINER, (uint32_t)mg, i,
							dn_scenario_live_gen(&a->s->miners[mg], i,
									     bc)};
						uint16_t v = dn_scenario_weight(a->s, a->w, a->seed,
										g, k, as, &id, bc);
						bool dup = false;
						for (size_t c = 0; c < ncand && !dup; c++)
							dup = a->cand[c] == v;
						if (!dup) {
							vectors(a, ncand + 1);
							a->cand[ncand++] = v;
						}
					}
				}
			}
			for (size_t c = 0; c < ncand && !found; c++) {
				if (nrep == 1)
					a->vals[replaced] = a->cand[c];
				uint8_t h[32];
				commit_hash(&m->hot, vg->netuid, a->uids, a->vals, nc, salt,
					    version, h);
				found = memcmp(h, wc->hash, 32) == 0;
				if (found) {
					struct dn_call call = {.kind = DN_CALL_REVEAL_WEIGHTS,
							       .netuid = vg->netuid,
							       .version_key = version};
					dn_call_set_vec(&call.uids, &call.nuids, a->uids, nc);
					dn_call_set_vec(&call.values, &call.nvalues, a->vals, nc);
					dn_call_set_vec(&call.salt, &call.nsalt, salt, SALT_LEN);
					submit(a, &m->hot, &call);
					dn_call_release(&call);
				}
			}
		}
	}
}

/* Whether validator (g, k) acts at this block: its window (every x tempo
 * blocks, offset drawn per validator) has begun, LastUpdate has not moved
 * in it, and this is the first block the rate limit allows. *window gets
 * the window's index, *start its first block. */
static bool window_block(const struct nd_agents *a, const struct dn_subnet *sub, size_t g,
			 unsigned k, uint64_t lu, uint64_t *window, uint64_t *start)
{
	uint64_t tempo = sub->em.sched.tempo;
	if (tempo == 0)
		return false;
	unsigned every = a->s->validators[g].every ? a->s->validators[g].every : 1;
	uint64_t period = every * tempo;
	uint64_t h = a->whash[g][k]; /* dn_scenario_hash(a->seed, P_WINDOW, g, k, 0) */
	uint64_t base = (h >> 32) % every * tempo + (h & 0xffffffffULL) % tempo;
	if (a->b < base)
		return false;
	*window = (a->b - base) / period;
	*start = base + *window * period;
	if (lu >= *start)
		return false;
	uint64_t rl = sub->hp.weights_rate_limit, first = *start;
	if (lu != 0 && lu + rl > first) /* check_rate_limit: LastUpdate 0 passes */
		first = lu + rl;
	if (first >= *start + period)
		return false;
	return a->b == first;
}

/* Whether validator (g, k) acts at this block (window_block, or for a
 * self-dealer also the block after its miner registered, in the same
 * window); *me gets its uid, *window the window's index. */
static bool turn(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k,
		 int32_t *me, uint64_t *window)
{
	const struct dn_scn_member *m = &a->w->validators[g].m[k];
	*me = uid_hint(sub, m->hotkey, &a->vuid[g][k]);
	if (*me < 0)
		return false;
	uint64_t lu = sub->last_update[*me], start = 0;
	*window = 0;
	if (window_block(a, sub, g, k, lu, window, &start))
		return true;
	if (a->s->validators[g].behaviour != DN_VAL_SELF_DEALER || a->b <= start || lu >= start)
		return false;
	int32_t own = own_uid(a, sub, g, k);
	return own >= 0 && sub->registered_at_uid[own] == a->b - 1;
}

static void weights(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k)
{
	const struct dn_scn_validators *v = &a->s->validators[g];
	const struct dn_scn_group *vg = &a->w->validators[g];
	const struct dn_scn_member *m = &vg->m[k];
	int32_t me;
	uint64_t window;
	if (!turn(a, sub, g, k, &me, &window))
		return;
	if (v->behaviour == DN_VAL_STALE && (window > 0 || sub->weights[me].len > 0))
		return; /* its genesis weights were its one chance */
	if (v->behaviour == DN_VAL_SELF_DEALER && window == 0 && own_uid(a, sub, g, k) < 0)
		return; /* it registers its miner (self_dealer) and deals once it holds a uid */
	enum dn_validator_behaviour as = acting_as(a, sub, g, k, a->b);
	uint32_t n = sub->n;
	vectors(a, n);
	bool any = false;
	for (uint32_t u = 0; u < n; u++) {
		a->uids[u] = (uint16_t)u;
		a->vals[u] = weight_of(a, sub, g, k, as, u, a->b);
		any = any || a->vals[u];
	}
	if (!any)
		return; /* nothing seen (or no consensus to copy yet) */
	uint64_t version = sub->hp.weights_version_key;
	if (sub->hp.commit_reveal) {
		uint16_t salt[SALT_LEN];
		salt_of(a, g, k, a->b, salt);
		struct dn_call call = {.kind = DN_CALL_COMMIT_WEIGHTS, .netuid = vg->netuid};
		commit_hash(&m->hot, vg->netuid, a->uids, a->vals, n, salt, version, call.hash);
		submit(a, &m->hot, &call);
		return;
	}
	struct dn_call call = {
		.kind = DN_CALL_SET_WEIGHTS, .netuid = vg->netuid, .version_key = version};
	dn_call_set_vec(&call.uids, &call.nuids, a->uids, n);
	dn_call_set_vec(&call.values, &call.nvalues, a->vals, n);
	submit(a, &m->hot, &call);
	dn_call_release(&call);
}

/* A self-dealer registers its own miner at its first window. */
static void self_dealer(struct nd_agents *a, const struct dn_subnet *sub, size_t g, unsigned k)
{
	const struct dn_scn_group *vg = &a->w->validators[g];
	int32_t me;
	uint64_t window;
	if (!turn(a, sub, g, k, &me, &window) || window != 0 || own_uid(a, sub, g, k) >= 0)
		return;
	struct dn_call call = {.kind = DN_CALL_BURNED_REGISTER, .netuid = vg->netuid};
	memcpy(call.hotkey, vg->own[k].public_key, 32);
	submit(a, &vg->m[k].cold, &call);
}

/* ---- miners ---------------------------------------------------------------- */

static void register_hotkey(struct nd_agents *a, const struct dn_scn_group *mg,
			    const struct dn_keypair *cold, const uint8_t hotkey[32])
{
	struct dn_call call = {.kind = DN_CALL_BURNED_REGISTER, .netuid = mg->netuid};
	memcpy(call.hotkey, hotkey, 32);
	submit(a, cold, &call);
}

static void miners(struct nd_agents *a, size_t g)
{
	const struct dn_scn_miners *m = &a->s->miners[g];
	const struct dn_scn_group *mg = &a->w->miners[g];
	if (m->join_block && a->b == m->join_block) /* everyone at once: a flood */
		for (unsigned i = 0; i < mg->count; i++)
			register_hotkey(a, mg, &mg->m[i].cold, mg->m[i].hot.public_key);
	unsigned member;
	uint64_t gen;
	if (dn_scenario_churn_at(m, a->b, &member, &gen)) {
		struct dn_keypair kp;
		churn_key(a, g, member, gen, &kp);
		register_hotkey(a, mg, &mg->m[member].cold, kp.public_key);
		sodium_memzero(&kp, sizeof(kp));
	}
}

/* ---- traders ---------------------------------------------------------------
 *
 * "Everything" is remove_stake of u64::MAX: the chain sells min(amount,
 * stake), so what an epoch paid in this block's on_initialize goes too. */

static void stake_call(struct nd_agents *a, const struct dn_scn_group *tg, unsigned k,
		       enum dn_call_kind kind, uint64_t amount)
{
	if (amount == 0)
		return;
	struct dn_call call = {.kind = kind, .netuid = tg->netuid, .amount = amount};
	memcpy(call.hotkey, a->w->g.accounts[tg->stake_to[k]].key, 32);
	submit(a, &tg->m[k].cold, &call);
}

static void traders(struct nd_agents *a, size_t g)
{
	const struct dn_scn_traders *t = &a->s->traders[g];
	const struct dn_scn_group *tg = &a->w->traders[g];
	const struct dn_chain *c = a->c;
	const struct dn_subnet *sub = dn_chain_subnet(c, tg->netuid);
	if (!sub)
		return;
	for (unsigned k = 0; k < tg->count; k++) {
		uint32_t cold = tg->m[k].coldkey, hot = tg->stake_to[k];
		uint64_t free = c->acct[cold].free, ed = c->p.existential_deposit;
		uint64_t spendable = free > ed ? free - ed : 0;
		if (spendable > t->budget)
			spendable = t->budget;
		uint64_t stake = dn_stake_of(&c->stake, hot, cold, tg->netuid);
		switch (t->behaviour) {
		case DN_TRADER_RANDOM: {
			uint64_t every = t->every ? t->every : 1;
			if (a->b % every != dn_scenario_hash(a->seed, P_TRADE_OFF, g, k, 0) % every)
				break;
			struct nd_rng r;
			nd_rng_seed(&r, dn_scenario_hash(a->seed, a->b, g, k, P_TRADE));
			if (stake == 0 || nd_rng_below(&r, 2) == 0) {
				uint64_t pct = 5 + nd_rng_below(&r, 46);
				uint64_t amount = (uint64_t)((dn_u128)t->budget * pct / 100);
				stake_call(a, tg, k, DN_CALL_ADD_STAKE,
					   amount < spendable ? amount : spendable);
			} else {
				uint64_t pct = 10 + nd_rng_below(&r, 91);
				uint64_t amount = (uint64_t)((dn_u128)stake * pct / 100);
				if (pct > 90) /* and sometimes everything */
					amount = UINT64_MAX;
				stake_call(a, tg, k, DN_CALL_REMOVE_STAKE, amount);
			}
			break;
		}
		case DN_TRADER_WHALE:
			if (a->b == t->at)
				stake_call(a, tg, k, DN_CALL_ADD_STAKE, spendable);
			if (t->until && a->b == t->until && stake)
				stake_call(a, tg, k, DN_CALL_REMOVE_STAKE, UINT64_MAX);
			break;
		case DN_TRADER_EPOCH_SNIPER: {
			uint64_t next, lead = t->lead ? t->lead : 1;
			/* the epoch distributed in the last block: out */
			if (stake && c->block > 0 &&
			    sub->em.sched.last_mechanism_step_block == c->block)
				stake_call(a, tg, k, DN_CALL_REMOVE_STAKE, UINT64_MAX);
			else if (dn_schedule_next_epoch_start(&sub->em.sched, &next) &&
				 next >= lead && a->b == next - lead)
				stake_call(a, tg, k, DN_CALL_ADD_STAKE, spendable);
			break;
		}
		case DN_TRADER_COUNT: break;
		}
	}
}

size_t nd_agents_block(struct nd_agents *a, const struct dn_chain *c, struct dn_extrinsic **pool,
		       size_t *cap)
{
	const struct dn_scenario *s = a->s;
	a->c = c;
	a->b = c->block + 1;
	a->pool = *pool;
	a->cap = *cap;
	a->n = 0;
	a->nsigners = 0;
	/* reveals first: each is derived from the state its commit saw */
	for (size_t g = 0; g < s->nvalidators; g++) {
		const struct dn_subnet *sub = dn_chain_subnet(c, a->w->validators[g].netuid);
		if (sub && sub->hp.commit_reveal)
			for (unsigned k = 0; k < a->w->validators[g].count; k++)
				reveal(a, sub, g, k);
	}
	for (size_t g = 0; g < s->nvalidators; g++) {
		const struct dn_subnet *sub = dn_chain_subnet(c, a->w->validators[g].netuid);
		if (sub)
			for (unsigned k = 0; k < a->w->validators[g].count; k++)
				weights(a, sub, g, k);
	}
	for (size_t g = 0; g < s->nvalidators; g++) {
		const struct dn_subnet *sub = dn_chain_subnet(c, a->w->validators[g].netuid);
		if (sub && s->validators[g].behaviour == DN_VAL_SELF_DEALER)
			for (unsigned k = 0; k < a->w->validators[g].count; k++)
				self_dealer(a, sub, g, k);
	}
	for (size_t g = 0; g < s->nminers; g++)
		miners(a, g);
	for (size_t g = 0; g < s->ntraders; g++)
		traders(a, g);
	*pool = a->pool;
	*cap = a->cap;
	a->c = NULL;
	return a->n;
}
