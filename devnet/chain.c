/*
 * The chain state and its per-block step (see chain.h): creation from a
 * genesis, account lookup, and dn_chain_step, which composes the pure
 * modules (burn, emission, schedule, epoch, distribution, root claim) into
 * subtensor's block_step and books what they decide into the state:
 * stakes, reserves, issuance, and the ledger chain_check.c verifies.
 * chain_check.c holds the invariants, chain_encode.c the canonical
 * encoding, chain_genesis.c the built-in genesis (one file each to keep
 * this one about the step).
 */
#include "devnet/chain.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/chain_impl.h"
#include "devnet/xalloc.h"

const char *dn_chain_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_CHAIN_EINVAL: return "invalid argument";
	case DN_CHAIN_ESTATE: return "inconsistent state";
	case DN_CHAIN_ECHECK: return "invariant violated";
	default: return "unknown error";
	}
}

/* runtime/src/lib.rs and pallets/subtensor/src/lib.rs production values
 * (spec dtao.md section 16). */
void dn_chain_params_default(struct dn_chain_params *p)
{
	memset(p, 0, sizeof(*p));
	dn_emission_params_default(&p->em);
	dn_schedule_params_default(&p->sched);
	dn_lock_params_default(&p->lock);
	dn_rootclaim_params_default(&p->claim);
	p->stake_threshold = 0; /* DefaultStakeThreshold */
	p->default_take = 11796; /* SubtensorInitialDefaultTake */
	p->min_take = 0; /* SubtensorInitialMinDelegateTake */
	p->max_take = 11796; /* DefaultDelegateTake as MaxDelegateTake */
	p->min_stake = 2000000; /* SubtensorInitialMinStake */
	p->existential_deposit = 500; /* EXISTENTIAL_DEPOSIT */
	p->min_reserve = DN_POOL_MIN_RESERVE; /* SwapMinimumReserve */
	p->start_call_delay = 0; /* InitialStartCallDelay */
	p->network_rate_limit = 7200; /* SubtensorInitialNetworkRateLimit */
	p->take_rate_limit = 216000; /* SubtensorInitialTxDelegateTakeRateLimit */
}

/* ---- the error record -------------------------------------------------- */

/* Decimal digits of v into buf (at least 40 bytes); returns the length. */
static size_t fmt_u128(dn_u128 v, char *buf)
{
	char tmp[40];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* A tiny formatter (devnet has no stdio): %s a string, %u a uint64_t, %d
 * an int64_t, %U a dn_u128, %I a dn_i128, %% a percent sign. */
void dn_chain_vfmt(char *out, size_t cap, const char *fmt, va_list ap)
{
	size_t n = 0;
	char num[48];
	if (!cap)
		return;
	for (const char *f = fmt; *f && n + 1 < cap; f++) {
		const char *piece = NULL;
		size_t len = 0;
		if (*f != '%' || !f[1]) {
			out[n++] = *f;
			continue;
		}
		f++;
		switch (*f) {
		case 's':
			piece = va_arg(ap, const char *);
			piece = piece ? piece : "(null)";
			len = strlen(piece);
			break;
		case 'u':
			len = fmt_u128(va_arg(ap, uint64_t), num);
			piece = num;
			break;
		case 'U':
			len = fmt_u128(va_arg(ap, dn_u128), num);
			piece = num;
			break;
		case 'd':
		case 'I': {
			dn_i128 v = *f == 'd' ? (dn_i128)va_arg(ap, int64_t) : va_arg(ap, dn_i128);
			dn_u128 m = v < 0 ? (dn_u128)0 - (dn_u128)v : (dn_u128)v;
			num[0] = '-';
			len = fmt_u128(m, num + (v < 0)) + (v < 0);
			piece = num;
			break;
		}
		default:
			num[0] = *f;
			len = 1;
			piece = num;
			break;
		}
		for (size_t i = 0; i < len && n + 1 < cap; i++)
			out[n++] = piece[i];
	}
	out[n] = 0;
}

/* Records a failure: the first one's message is kept, all are counted. */
void dn_chain_fail(struct dn_chain_err *err, int code, const char *fmt, ...)
{
	if (!err)
		return;
	if (err->count++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		dn_chain_vfmt(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
}

/* ---- accounts ---------------------------------------------------------- */

static int key_cmp(const uint8_t *a, const uint8_t *b) { return memcmp(a, b, 32); }

/* Position in c->index of the first account whose key is >= key. */
static size_t index_pos(const struct dn_chain *c, const uint8_t key[32])
{
	size_t lo = 0, hi = c->naccounts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(c->acct[c->index[mid]].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t dn_chain_account(const struct dn_chain *c, const uint8_t key[32])
{
	size_t i = index_pos(c, key);
	if (i < c->naccounts && key_cmp(c->acct[c->index[i]].key, key) == 0)
		return c->index[i];
	return DN_CHAIN_NONE;
}

/* Adds an account (the key must be new); returns its index. */
uint32_t dn_chain_add_account(struct dn_chain *c, const uint8_t key[32], uint64_t free)
{
	if (c->naccounts == c->capaccounts) {
		c->capaccounts = c->capaccounts ? 2 * c->capaccounts : 64;
		c->acct = xreallocarray(c->acct, c->capaccounts, sizeof(*c->acct));
		c->index = xreallocarray(c->index, c->capaccounts, sizeof(*c->index));
	}
	uint32_t a = (uint32_t)c->naccounts;
	size_t i = index_pos(c, key);
	memmove(c->index + i + 1, c->index + i, (c->naccounts - i) * sizeof(*c->index));
	c->index[i] = a;
	memcpy(c->acct[a].key, key, 32);
	c->acct[a].free = free;
	c->acct[a].nonce = 0;
	c->acct[a].last_take_block = 0;
	c->naccounts++;
	dn_stake_reserve_accounts(&c->stake, c->naccounts);
	return a;
}

/* ---- subnets ----------------------------------------------------------- */

struct dn_subnet *dn_chain_subnet(const struct dn_chain *c, uint16_t netuid)
{
	size_t lo = 0, hi = c->nsubnets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->subnets[mid]->netuid < netuid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nsubnets && c->subnets[lo]->netuid == netuid ? c->subnets[lo] : NULL;
}

/* Inserts a subnet keeping the netuids ascending (the netuid must be new). */
void dn_chain_add_subnet(struct dn_chain *c, struct dn_subnet *s)
{
	if (c->nsubnets == c->capsubnets) {
		c->capsubnets = c->capsubnets ? 2 * c->capsubnets : 8;
		c->subnets = xreallocarray(c->subnets, c->capsubnets, sizeof(*c->subnets));
	}
	size_t i = c->nsubnets;
	while (i > 0 && c->subnets[i - 1]->netuid > s->netuid) {
		c->subnets[i] = c->subnets[i - 1];
		i--;
	}
	c->subnets[i] = s;
	c->nsubnets++;
}

/* ---- scratch ----------------------------------------------------------- */

struct hk_entry {
	const uint8_t *key;
	uint32_t acct;
	uint32_t uid; /* UINT32_MAX for the owner hotkey without a uid */
};

/* Working storage of one block: no state, reused from block to block. */
struct dn_chain_scratch {
	size_t capsub;
	struct dn_emission_subnet **em; /* the non-root subnets' emission records */
	struct dn_subnet **sn; /* and their subnets */
	bool *consistent, *emitting;
	struct dn_emission_drained *drained;
	uint64_t *pending_before, *protocol_before;

	/* one distribution */
	size_t caphk;
	struct hk_entry *hk;
	struct dn_dist_hotkey *dh;
	uint32_t *local_of_uid;
	uint64_t *alpha, *tao, *zero;
	struct dn_dist *dws;

	/* root claims */
	size_t capclaim;
	uint32_t *hks; /* the coldkey's staking hotkeys */
	struct dn_sharepool *rsp; /* per staking hotkey: its root pool (dry run) */
	struct dn_safefloat *rshare; /* and the coldkey's share in it */
	size_t *first_rate; /* per staking hotkey: its first entry in cl */
	size_t capcl;
	dn_u128 *cl; /* RootClaimed per (hotkey, rate) (dry run) */
	size_t cappools, npools;
	struct dn_pool *pools; /* subnet pools touched (dry run) */
	uint16_t *pool_netuid;
};

static struct dn_chain_scratch *scratch_new(void)
{
	struct dn_chain_scratch *x = xcalloc(1, sizeof(*x));
	x->dws = dn_dist_new();
	return x;
}

static void scratch_free(struct dn_chain_scratch *x)
{
	if (!x)
		return;
	free(x->em);
	free(x->sn);
	free(x->consistent);
	free(x->emitting);
	free(x->drained);
	free(x->pending_before);
	free(x->protocol_before);
	free(x->hk);
	free(x->dh);
	free(x->local_of_uid);
	free(x->alpha);
	free(x->tao);
	free(x->zero);
	dn_dist_free(x->dws);
	free(x->hks);
	free(x->rsp);
	free(x->rshare);
	free(x->first_rate);
	free(x->cl);
	free(x->pools);
	free(x->pool_netuid);
	free(x);
}

#define GROW(p, c) (p) = xreallocarray((p), (c), sizeof(*(p)))

static void scratch_subnets(struct dn_chain_scratch *x, size_t n)
{
	if (n <= x->capsub)
		return;
	size_t c = x->capsub ? x->capsub : 8;
	while (c < n)
		c *= 2;
	GROW(x->em, c);
	GROW(x->sn, c);
	GROW(x->consistent, c);
	GROW(x->emitting, c);
	GROW(x->drained, c);
	GROW(x->pending_before, c);
	GROW(x->protocol_before, c);
	x->capsub = c;
}

static void scratch_hotkeys(struct dn_chain_scratch *x, size_t n)
{
	if (n <= x->caphk)
		return;
	size_t c = x->caphk ? x->caphk : 64;
	while (c < n)
		c *= 2;
	GROW(x->hk, c);
	GROW(x->dh, c);
	GROW(x->local_of_uid, c);
	GROW(x->alpha, c);
	GROW(x->tao, c);
	x->zero = xreallocarray(x->zero, c, sizeof(*x->zero));
	memset(x->zero, 0, c * sizeof(*x->zero));
	x->caphk = c;
}

/* ---- lifecycle --------------------------------------------------------- */

void dn_chain_free(struct dn_chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsubnets; i++)
		dn_subnet_free(c->subnets[i]);
	free(c->subnets);
	free(c->acct);
	free(c->index);
	dn_stake_release(&c->stake);
	scratch_free(c->scratch);
	free(c);
}

static struct dn_chain *chain_alloc(const struct dn_chain_params *p, uint64_t block)
{
	struct dn_chain *c = xcalloc(1, sizeof(*c));
	if (p)
		c->p = *p;
	else
		dn_chain_params_default(&c->p);
	c->block = block;
	c->sudo = DN_CHAIN_NONE;
	c->author = DN_CHAIN_NONE;
	dn_stake_init(&c->stake, c->p.default_take);
	c->scratch = scratch_new();
	return c;
}

/* The root network as the chain's genesis builds it (macros/genesis.rs):
 * tempo 100, 64 uids and validators, no weight minimum, registration
 * open; no pool (its SubnetTAO is est.root_tao). */
static struct dn_subnet *root_new(struct dn_chain *c)
{
	struct dn_subnet_hparams hp;
	dn_subnet_hparams_default(&hp);
	hp.max_allowed_uids = 64;
	hp.max_allowed_validators = 64;
	hp.min_allowed_weights = 0;
	struct dn_subnet *r = dn_subnet_new(0, 100, c->block, &c->p.em, &hp, c->p.min_reserve);
	r->owner_coldkey = c->sudo;
	return r;
}

#define GFAIL(...)                                                \
	do {                                                      \
		dn_chain_fail(err, DN_CHAIN_EINVAL, __VA_ARGS__); \
		goto fail;                                        \
	} while (0)

struct dn_chain *dn_chain_new(const struct dn_genesis *g, struct dn_chain_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	if (!g) {
		dn_chain_fail(err, DN_CHAIN_EINVAL, "no genesis");
		return NULL;
	}
	struct dn_chain *c = chain_alloc(g->params, g->block);
	size_t na = g->naccounts;

	for (size_t i = 0; i < na; i++) {
		if (dn_chain_account(c, g->accounts[i].key) != DN_CHAIN_NONE)
			GFAIL("genesis account %u: duplicate key", (uint64_t)i);
		dn_chain_add_account(c, g->accounts[i].key, g->accounts[i].free);
	}
	if (g->sudo != DN_CHAIN_NONE && g->sudo >= na)
		GFAIL("genesis sudo %u: no such account", (uint64_t)g->sudo);
	c->sudo = g->sudo;

	for (size_t i = 0; i < g->nhotkeys; i++) {
		const struct dn_genesis_hotkey *h = &g->hotkeys[i];
		if (h->hotkey >= na || h->coldkey >= na)
			GFAIL("genesis hotkey %u: account out of range", (uint64_t)i);
		if (dn_stake_associate(&c->stake, h->hotkey, h->coldkey))
			GFAIL("genesis hotkey %u: already owned by another coldkey", (uint64_t)i);
		if (h->take)
			dn_stake_set_take(&c->stake, h->hotkey, h->take);
	}

	dn_chain_add_subnet(c, root_new(c));
	for (size_t i = 0; i < g->nsubnets; i++) {
		const struct dn_genesis_subnet *gs = &g->subnets[i];
		if (gs->netuid == 0 || gs->netuid >= DN_MAX_SUBNETS ||
		    (i > 0 && gs->netuid <= g->subnets[i - 1].netuid))
			GFAIL("genesis subnet %u: netuid %u out of order or range", (uint64_t)i,
			      (uint64_t)gs->netuid);
		if (gs->owner_coldkey >= na || gs->owner_hotkey >= na)
			GFAIL("genesis subnet %u: owner out of range", (uint64_t)gs->netuid);
		if (dn_stake_associate(&c->stake, gs->owner_hotkey, gs->owner_coldkey))
			GFAIL("genesis subnet %u: owner hotkey belongs to another coldkey",
			      (uint64_t)gs->netuid);
		uint16_t tempo = gs->tempo ? gs->tempo : c->p.sched.initial_tempo;
		struct dn_subnet *s = dn_subnet_new(gs->netuid, tempo, c->block, &c->p.em, gs->hp,
						    c->p.min_reserve);
		dn_chain_add_subnet(c, s);
		s->owner_coldkey = gs->owner_coldkey;
		s->owner_hotkey = gs->owner_hotkey;
		s->locked = gs->tao;
		s->em.pool.tao = gs->tao;
		s->em.pool.alpha_in = gs->alpha_in;
		s->em.emission_enabled = gs->emission_enabled;
		s->em.moving_price = gs->moving_price;
		if (gs->started) { /* do_start_call one block before genesis */
			s->em.has_first_emission = true;
			s->em.first_emission_block = c->block;
			s->em.subtoken_enabled = true;
		}
		dn_subnet_append(s, gs->owner_hotkey, c->block);
	}

	for (size_t i = 0; i < g->nneurons; i++) {
		const struct dn_genesis_neuron *gn = &g->neurons[i];
		struct dn_subnet *s = gn->netuid ? dn_chain_subnet(c, gn->netuid) : NULL;
		if (!s)
			GFAIL("genesis neuron %u: no subnet %u", (uint64_t)i, (uint64_t)gn->netuid);
		if (gn->hotkey >= na || dn_stake_owner(&c->stake, gn->hotkey) == DN_STAKE_NONE)
			GFAIL("genesis neuron %u: the hotkey has no owner", (uint64_t)i);
		int uid = dn_subnet_append(s, gn->hotkey, c->block);
		if (uid < 0)
			GFAIL("genesis neuron %u: %s", (uint64_t)i, dn_subnet_strerror(uid));
		s->permit[uid] = gn->permit;
		dn_subnet_touch(s);
	}

	for (size_t i = 0; i < g->nstakes; i++) {
		const struct dn_genesis_stake *gk = &g->stakes[i];
		struct dn_subnet *s = dn_chain_subnet(c, gk->netuid);
		if (!s)
			GFAIL("genesis stake %u: no subnet %u", (uint64_t)i, (uint64_t)gk->netuid);
		if (gk->hotkey >= na || gk->coldkey >= na ||
		    dn_stake_owner(&c->stake, gk->hotkey) == DN_STAKE_NONE)
			GFAIL("genesis stake %u: unknown or unowned hotkey", (uint64_t)i);
		if (dn_stake_deposit(&c->stake, gk->hotkey, gk->coldkey, gk->netuid, gk->amount))
			GFAIL("genesis stake %u: amount out of range", (uint64_t)i);
		if (gk->netuid == 0) {
			c->est.root_tao += gk->amount;
			if (gk->amount)
				dn_stake_claimer_add(&c->stake, gk->coldkey);
		} else {
			s->em.pool.alpha_out += gk->amount;
		}
	}

	for (size_t i = 0; i < g->nweights; i++) {
		const struct dn_genesis_weights *gw = &g->weights[i];
		struct dn_subnet *s = dn_chain_subnet(c, gw->netuid);
		int32_t uid = s ? dn_subnet_uid(s, gw->hotkey) : -1;
		if (uid < 0)
			GFAIL("genesis weights %u: the setter holds no uid on subnet %u",
			      (uint64_t)i, (uint64_t)gw->netuid);
		for (uint32_t k = 0; k < gw->n; k++)
			if (gw->uids[k] >= s->n)
				GFAIL("genesis weights %u: uid %u out of range", (uint64_t)i,
				      (uint64_t)gw->uids[k]);
		dn_subnet_touch(s);
		dn_row16_set(&s->weights[uid], gw->uids, gw->values, gw->n);
		s->last_update[uid] = gw->block;
	}

	/* issuance = everything that exists (the runtime's genesis sets
	 * TotalIssuance from the balances issuance) */
	dn_u128 total = c->est.root_tao;
	for (size_t i = 0; i < c->naccounts; i++)
		total += c->acct[i].free;
	c->est.total_stake = c->est.root_tao;
	for (size_t i = 1; i < c->nsubnets; i++) {
		struct dn_subnet *s = c->subnets[i];
		total += s->em.pool.tao;
		c->est.total_stake += s->em.pool.tao;
		s->ledger.alpha_genesis = s->em.pool.alpha_in + s->em.pool.alpha_out;
	}
	if (total > c->p.em.total_supply)
		GFAIL("genesis issuance %U above the total supply", total);
	c->est.total_issuance = c->est.balances_issuance = (uint64_t)total;
	c->genesis_issuance = (uint64_t)total;
	c->est.block_emission = dn_emission_block_emission(&c->p.em, c->est.total_issuance);
	return c;
fail:
	dn_chain_free(c);
	return NULL;
}

/* ---- events ------------------------------------------------------------ */

void dn_block_events_init(struct dn_block_events *ev) { memset(ev, 0, sizeof(*ev)); }

void dn_block_events_release(struct dn_block_events *ev)
{
	free(ev->emission);
	free(ev->epochs);
	free(ev->pay);
	free(ev->claims);
	free(ev->xt);
	memset(ev, 0, sizeof(*ev));
}

#define PUSH(arr, n, cap) \
	(((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 16, GROW(arr, cap), 0) : 0), &(arr)[(n)++])

static void events_reset(struct dn_block_events *ev, uint64_t block)
{
	ev->block = block;
	ev->credit = 0;
	memset(&ev->coinbase, 0, sizeof(ev->coinbase));
	ev->nemission = ev->nepochs = ev->npay = ev->nclaims = ev->nxt = 0;
	ev->claim_failures = 0;
}

/* ---- arithmetic helpers ------------------------------------------------ */

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t pending_sum(const struct dn_emission_subnet *e)
{
	return e->pending_server + e->pending_validator + e->pending_root + e->pending_owner_cut;
}

/* ---- the distribution of one subnet ------------------------------------ */

static int hk_cmp(const void *a, const void *b)
{
	return memcmp(((const struct hk_entry *)a)->key, ((const struct hk_entry *)b)->key, 32);
}

/* subtensor SubnetAlphaOut -= amount (recycle_subnet_alpha). */
static void recycle_alpha(struct dn_subnet *s, uint64_t amount)
{
	uint64_t r = amount < s->em.pool.alpha_out ? amount : s->em.pool.alpha_out;
	s->em.pool.alpha_out -= r;
	s->ledger.alpha_recycled += r;
}

/* subtensor distribute_emission for subnet s at block b with what
 * drain_pending took: the epoch (epoch_with_mechanisms, one mechanism)
 * on server + validator + root, its outputs persisted, then the
 * distribution's payments applied. */
static int distribute(struct dn_chain *c, struct dn_subnet *s, const struct dn_emission_drained *d,
		      uint64_t b, struct dn_block_events *ev, struct dn_epoch_event *ee,
		      struct dn_chain_err *err)
{
	struct dn_chain_scratch *x = c->scratch;
	uint32_t n = s->n;
	scratch_hotkeys(x, (size_t)n + 1);

	/* the hotkeys the distribution reads, in AccountId order (the chain's
	 * BTreeMaps): every uid's, and the owner hotkey for the owner cut */
	size_t nh = 0;
	for (uint32_t u = 0; u < n; u++)
		x->hk[nh++] = (struct hk_entry){c->acct[s->hotkey[u]].key, s->hotkey[u], u};
	if (s->owner_hotkey != DN_SUBNET_NONE && dn_subnet_uid(s, s->owner_hotkey) < 0)
		x->hk[nh++] = (struct hk_entry){c->acct[s->owner_hotkey].key, s->owner_hotkey,
						UINT32_MAX};
	qsort(x->hk, nh, sizeof(*x->hk), hk_cmp);
	uint32_t owner_local = DN_DIST_NONE;
	for (size_t i = 0; i < nh; i++) {
		uint32_t a = x->hk[i].acct;
		if (x->hk[i].uid != UINT32_MAX)
			x->local_of_uid[x->hk[i].uid] = (uint32_t)i;
		if (a == s->owner_hotkey)
			owner_local = (uint32_t)i;
		x->dh[i] = (struct dn_dist_hotkey){
			.coldkey = dn_stake_owner(&c->stake, a),
			.alpha = dn_stake_hotkey(&c->stake, a, s->netuid),
			.root = dn_stake_hotkey(&c->stake, a, 0),
			.take = dn_stake_take(&c->stake, a),
		};
	}
	struct dn_dist_subnet ds = {
		.nhotkeys = (uint32_t)nh,
		.hotkeys = x->dh,
		.ncoldkeys = (uint32_t)c->naccounts,
		.autostake = NULL,
		.n = n,
		.uid_hotkey = x->local_of_uid,
		.owner_coldkey = s->owner_coldkey,
		.owner_hotkey = owner_local,
		.tao_weight = c->p.em.tao_weight,
		.ck_burn = 0,
		.recycle_owner_incentive = s->hp.recycle_owner_incentive,
	};

	/* the epoch on everything but the owner cut */
	uint64_t rao = sat_add(sat_add(d->server, d->validator), d->root);
	const uint64_t *srv = x->zero, *val = x->zero;
	if (n > 0) {
		for (uint32_t u = 0; u < n; u++) {
			x->alpha[u] = dn_dist_inherited_alpha(&ds, x->local_of_uid[u]);
			x->tao[u] = dn_dist_inherited_root(&ds, x->local_of_uid[u]);
		}
		struct dn_epoch_params ep;
		dn_subnet_epoch_params(s, c->p.stake_threshold, c->p.em.tao_weight, &ep);
		/* run_epoch.rs: commit-reveal masks weights set after a pending commit */
		const uint64_t *commits = dn_subnet_commit_blocks(s, &c->p.sched, b);
		struct dn_epoch_input in = {
			.n = n,
			.block = b,
			.alpha_stake = x->alpha,
			.tao_stake = x->tao,
			.block_at_registration = s->registered_at_uid,
			.last_update = s->last_update,
			.n_last_update = n,
			.validator_permit = s->permit,
			.weights = s->weights,
			.bonds = s->bonds,
			.commit_block = commits,
			.rao_emission = rao,
		};
		struct dn_epoch_mech_input mech = {s->last_update, n, s->weights, s->bonds,
						   commits};
		const struct dn_epoch_mech_result *mr;
		struct dn_epoch_err eerr = {0};
		int rc = dn_epoch_run_mechanisms(s->ews, &ep, &in, &mech, 1, NULL, 0, &mr, &eerr);
		if (rc) {
			dn_chain_fail(
				err, DN_CHAIN_ESTATE,
				"block %u: subnet %u: epoch refused its input: %s (%s, row %u)", b,
				(uint64_t)s->netuid, dn_epoch_strerror(rc),
				eerr.field ? eerr.field : "?", (uint64_t)eerr.row);
			return DN_CHAIN_ESTATE;
		}
		dn_subnet_store_epoch(s, mr);
		srv = mr->server_emission;
		val = mr->validator_emission;
	}

	struct dn_dist_drain drain = {d->server, d->validator, d->root, d->owner_cut};
	const struct dn_dist_result *r;
	struct dn_dist_err derr = {0};
	int rc = dn_dist_run(x->dws, &ds, srv, val, &drain, &r, &derr);
	if (rc) {
		dn_chain_fail(err, DN_CHAIN_ESTATE,
			      "block %u: subnet %u: distribution refused its input: %s (%s %u)", b,
			      (uint64_t)s->netuid, dn_dist_strerror(rc),
			      derr.field ? derr.field : "?", (uint64_t)derr.index);
		return DN_CHAIN_ESTATE;
	}

	/* apply the payments in the chain's order */
	dn_u128 drained = (dn_u128)d->server + d->validator + d->root + d->owner_cut;
	dn_u128 staked = 0, claimable = 0, burned = 0, recycled = 0, ck = 0;
	if (ee)
		ee->first_pay = ev->npay;
	for (size_t i = 0; i < r->npay; i++) {
		const struct dn_payment *p = &r->pay[i];
		uint32_t h = p->hotkey == DN_DIST_NONE ? DN_CHAIN_NONE : x->hk[p->hotkey].acct;
		switch (p->kind) {
		case DN_PAY_OWNER_CUT:
		case DN_PAY_INCENTIVE:
		case DN_PAY_ALPHA_TAKE:
		case DN_PAY_ROOT_TAKE:
		case DN_PAY_ROOT_FALLBACK: /* increase_stake_for_hotkey_and_coldkey_on_subnet */
			dn_stake_deposit(&c->stake, h, p->coldkey, s->netuid, p->amount);
			staked += p->amount;
			break;
		case DN_PAY_ALPHA_NOMINATORS: /* increase_stake_for_hotkey_on_subnet */
			dn_stake_add_all(&c->stake, h, s->netuid, p->amount);
			staked += p->amount;
			break;
		case DN_PAY_ROOT_CLAIMABLE: /* increase_root_claimable_for_hotkey_and_subnet */
			dn_stake_rate_add(&c->stake, h, s->netuid, p->rate);
			claimable += p->amount;
			break;
		case DN_PAY_INCENTIVE_BURN: /* burn_subnet_alpha: issuance unchanged */
			burned += p->amount;
			break;
		case DN_PAY_INCENTIVE_RECYCLE: /* recycle_subnet_alpha */
			recycle_alpha(s, p->amount);
			recycled += p->amount;
			break;
		case DN_PAY_CK_BURN:
			recycle_alpha(s, p->amount);
			ck += p->amount;
			break;
		}
		if (ev) {
			struct dn_pay_event *pe = PUSH(ev->pay, ev->npay, ev->cappay);
			*pe = (struct dn_pay_event){
				s->netuid, p->kind, h,
				p->coldkey == DN_DIST_NONE ? DN_CHAIN_NONE : p->coldkey, p->amount};
		}
	}
	/* what nobody received stays in SubnetAlphaOut; the CK burn was taken
	 * from SubnetAlphaOut on top of the paid pools (distribution.h) */
	dn_i128 dust = (dn_i128)drained - (dn_i128)(staked + claimable + burned + recycled);
	s->ledger.dust_other += dust - (dn_i128)ck;
	s->ledger.claimable += (dn_i128)claimable;
	s->ledger.alpha_burned += burned;
	s->ledger.epochs++;
	s->em.miner_burned = r->miner_burned; /* MinerBurned, read by the next shares */

	if (ee) {
		ee->npay = ev->npay - ee->first_pay;
		ee->incentive_sum = r->incentive_sum;
		ee->validator_pool = r->validator_pool;
		ee->root_pool = r->root_pool;
		ee->staked = (uint64_t)staked;
		ee->claimable = (uint64_t)claimable;
		ee->burned = (uint64_t)burned;
		ee->recycled = (uint64_t)(recycled + ck);
		ee->undistributed = (int64_t)dust;
		ee->miner_burned = r->miner_burned;
	}
	return 0;
}

/* ---- root claims ------------------------------------------------------- */

/* A pool copy for the dry run of a claim, by netuid. */
static struct dn_pool *dry_pool(struct dn_chain_scratch *x, const struct dn_subnet *s)
{
	for (size_t i = 0; i < x->npools; i++)
		if (x->pool_netuid[i] == s->netuid)
			return &x->pools[i];
	if (x->npools == x->cappools) {
		x->cappools = x->cappools ? 2 * x->cappools : 16;
		GROW(x->pools, x->cappools);
		GROW(x->pool_netuid, x->cappools);
	}
	x->pool_netuid[x->npools] = s->netuid;
	x->pools[x->npools] = s->em.pool;
	return &x->pools[x->npools++];
}

/* subtensor do_root_claim(coldkey, None): for each hotkey the coldkey
 * stakes to (StakingHotkeys order), root_claim_all: for each subnet of
 * RootClaimable[hotkey] (ascending), root_claim_on_subnet with the
 * coldkey's claim type. The chain runs it in a transaction: one failing
 * swap rolls the whole coldkey back. Here a dry run on copies (root
 * pools, RootClaimed, subnet pools) finds out first; dry = true changes
 * nothing in the state and returns whether the real run would succeed. */
static bool claim_coldkey(struct dn_chain *c, uint32_t ck, bool dry, struct dn_block_events *ev)
{
	struct dn_chain_scratch *x = c->scratch;
	enum dn_claim_type type = dn_stake_claim_type(&c->stake, ck);
	size_t nh;
	const uint32_t *list = dn_stake_staking_hotkeys(&c->stake, ck, &nh);
	if (nh > x->capclaim) {
		x->capclaim = nh;
		GROW(x->hks, nh);
		GROW(x->rsp, nh);
		GROW(x->rshare, nh);
		GROW(x->first_rate, nh);
	}
	/* a copy: the stake changes below must not move what we iterate */
	uint32_t *hks = x->hks;
	if (nh)
		memcpy(hks, list, nh * sizeof(*hks));

	if (dry) {
		size_t total = 0;
		for (size_t k = 0; k < nh; k++) {
			size_t nr;
			dn_stake_rates(&c->stake, hks[k], &nr);
			x->first_rate[k] = total;
			total += nr;
		}
		if (total > x->capcl) {
			x->capcl = total;
			GROW(x->cl, total);
		}
		x->npools = 0;
		for (size_t k = 0; k < nh; k++) {
			const struct dn_stake_pool *rp = dn_stake_pool(&c->stake, hks[k], 0);
			x->rsp[k] = rp ? rp->sp : (struct dn_sharepool){0};
			x->rshare[k] = (struct dn_safefloat){0, 0};
			for (uint32_t i = 0; rp && i < rp->nholders; i++)
				if (rp->holders[i].coldkey == ck)
					x->rshare[k] = rp->holders[i].share;
			size_t nr;
			const struct dn_stake_rate *rt = dn_stake_rates(&c->stake, hks[k], &nr);
			for (size_t j = 0; j < nr; j++)
				x->cl[x->first_rate[k] + j] =
					dn_stake_claimed(&c->stake, rt[j].netuid, hks[k], ck);
		}
	}

	for (size_t k = 0; k < nh; k++) {
		uint32_t h = hks[k];
		size_t nr;
		const struct dn_stake_rate *rt = dn_stake_rates(&c->stake, h, &nr);
		for (size_t j = 0; j < nr; j++) {
			struct dn_subnet *s = dn_chain_subnet(c, rt[j].netuid);
			if (!s || s->netuid == 0)
				continue;
			dn_i128 rate = rt[j].rate;
			uint64_t stake = dry ? dn_sharepool_value(&x->rsp[k], &x->rshare[k])
					     : dn_stake_of(&c->stake, h, ck, 0);
			dn_u128 claimed = dry ? x->cl[x->first_rate[k] + j]
					      : dn_stake_claimed(&c->stake, s->netuid, h, ck);
			dn_i128 owed = dn_rootclaim_owed(rate, stake, claimed);
			uint64_t amount =
				dn_rootclaim_amount(owed, s->hp.root_claim_threshold, false);
			if (amount == 0)
				continue;
			bool swap = dn_rootclaim_swaps(type, false);
			uint64_t tao = 0;
			if (swap) {
				/* swap_alpha_for_tao(netuid, owed, min_price, drop_fees) */
				struct dn_pool *pool = dry ? dry_pool(x, s) : &s->em.pool;
				struct dn_swap sw;
				if (dn_pool_swap(pool, DN_SELL, amount,
						 dn_pool_limit_from_rao(DN_POOL_MIN_PRICE_RAO),
						 true, &sw) != 0)
					return false; /* the transaction rolls back */
				tao = sw.paid_out;
				if (dry) {
					dn_sharepool_deposit(&x->rsp[k], &x->rshare[k], tao);
					for (size_t i = 0; i < nr; i++)
						x->cl[x->first_rate[k] + i] =
							dn_rootclaim_adjust_add(
								x->cl[x->first_rate[k] + i],
								rt[i].rate, tao);
				} else {
					/* the alpha left SubnetAlphaOut (paid_in; a refund stays
					 * there, unowned), the TAO moved to the root account:
					 * TotalStake -= then += tao */
					s->ledger.dust_other += (dn_i128)(amount - sw.paid_in);
					c->est.root_tao = sat_add(c->est.root_tao, tao);
					dn_stake_deposit(&c->stake, h, ck, 0, tao);
					dn_stake_root_added(&c->stake, h, ck, tao);
					for (size_t i = 0; i < nr; i++) {
						struct dn_subnet *o =
							dn_chain_subnet(c, rt[i].netuid);
						if (o)
							o->ledger.claim_slack++;
					}
				}
			} else if (!dry) {
				dn_stake_deposit(&c->stake, h, ck, s->netuid, amount);
			}
			if (dry) {
				x->cl[x->first_rate[k] + j] =
					dn_rootclaim_claimed(x->cl[x->first_rate[k] + j], amount);
				continue;
			}
			s->ledger.claimable -= (dn_i128)amount;
			dn_stake_set_claimed(
				&c->stake, s->netuid, h, ck,
				dn_rootclaim_claimed(dn_stake_claimed(&c->stake, s->netuid, h, ck),
						     amount));
			if (ev) {
				struct dn_claim_event *ce =
					PUSH(ev->claims, ev->nclaims, ev->capclaims);
				*ce = (struct dn_claim_event){ck, h, s->netuid, swap, amount, tao};
			}
		}
	}
	return true;
}

/* subtensor run_auto_claim_root_divs(parent hash). */
static void auto_claim(struct dn_chain *c, struct dn_block_events *ev)
{
	uint64_t k = c->p.claim.num_root_claim, n = c->stake.nclaimers;
	if (k == 0 || n == 0)
		return;
	uint64_t idx[64];
	if (k > 64)
		k = 64;
	size_t m = dn_rootclaim_indices(c->parent_hash, k, n, idx);
	for (size_t i = 0; i < m; i++) {
		if (idx[i] >= c->stake.nclaimers)
			continue;
		uint32_t ck = c->stake.claimers[idx[i]];
		if (claim_coldkey(c, ck, true, NULL))
			claim_coldkey(c, ck, false, ev);
		else if (ev)
			ev->claim_failures++;
	}
}

/* ---- the block --------------------------------------------------------- */

/* The stand-in block hash: BLAKE2b-256(parent hash || block number LE). */
static void next_hash(struct dn_chain *c)
{
	uint8_t in[40];
	memcpy(in, c->parent_hash, 32);
	for (int i = 0; i < 8; i++)
		in[32 + i] = (uint8_t)(c->block >> (8 * i));
	crypto_generichash(c->parent_hash, 32, in, sizeof(in), NULL, 0);
}

struct dn_xt_event *dn_block_events_push_xt(struct dn_block_events *ev)
{
	struct dn_xt_event *x = PUSH(ev->xt, ev->nxt, ev->capxt);
	memset(x, 0, sizeof(*x));
	return x;
}

int dn_chain_step(struct dn_chain *c, struct dn_block_events *ev, struct dn_chain_err *err)
{
	int rc = dn_chain_initialize(c, ev, err);
	if (rc == 0)
		next_hash(c);
	return rc;
}

int dn_chain_initialize(struct dn_chain *c, struct dn_block_events *ev, struct dn_chain_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	struct dn_chain_scratch *x = c->scratch;
	uint64_t b = c->block + 1;
	if (ev)
		events_reset(ev, b);

	/* 1. update_registration_prices_for_networks: every subnet, root too */
	for (size_t i = 0; i < c->nsubnets; i++) {
		struct dn_subnet *s = c->subnets[i];
		dn_burn_on_block(&s->hp.burn, s->burn_factor_q32, &s->burn, b);
	}

	/* 2. get_block_emission: mint this block's credit */
	uint64_t credit = dn_emission_mint_block(&c->p.em, &c->est);

	/* 4. run_coinbase over the non-root subnets, ascending netuid */
	size_t n = c->nsubnets - 1;
	scratch_subnets(x, n + 1);
	for (size_t i = 0; i < n; i++) {
		struct dn_subnet *s = c->subnets[i + 1];
		x->sn[i] = s;
		x->em[i] = &s->em;
		x->emitting[i] = dn_emission_is_emitting(&s->em);
		x->pending_before[i] = pending_sum(&s->em);
		x->protocol_before[i] = s->em.protocol_alpha;
		/* is_epoch_input_state_consistent, asked only of due subnets
		 * (BlocksSinceLastStep counts this block already when asked) */
		struct dn_schedule sc = s->em.sched;
		sc.blocks_since_last_step++;
		x->consistent[i] = !dn_schedule_should_run(&c->p.sched, &sc, b) ||
				   dn_epoch_hotkeys_consistent(s->hotkey, s->n, sizeof(uint32_t));
	}
	struct dn_emission_result res;
	int rc = dn_emission_run_coinbase(&c->p.em, &c->p.sched, &c->est, x->em, n, b, credit,
					  &dn_emission_balancer, x->consistent, x->drained, &res);
	if (rc) {
		dn_chain_fail(err, DN_CHAIN_ESTATE, "block %u: coinbase refused: %s", b,
			      dn_emission_strerror(rc));
		return DN_CHAIN_ESTATE;
	}
	c->minted += res.credit;
	c->recycled += res.recycled;
	c->stranded += res.stranded;
	c->last = res;
	if (ev) {
		ev->credit = credit;
		ev->coinbase = res;
	}

	/* the ledger of what the coinbase minted, recycled and left as dust */
	for (size_t i = 0; i < n; i++) {
		struct dn_subnet *s = x->sn[i];
		struct dn_emission_subnet *e = &s->em;
		if (!x->emitting[i])
			continue;
		const struct dn_emission_drained *d = &x->drained[i];
		uint64_t drained = d->outcome == DN_SCHEDULE_RUN
					   ? d->server + d->validator + d->root + d->owner_cut
					   : 0;
		uint64_t added = pending_sum(e) + drained - x->pending_before[i];
		s->ledger.alpha_minted += (dn_u128)e->alpha_in_emission + e->alpha_out_emission;
		s->ledger.alpha_recycled += e->alpha_recycled;
		s->ledger.dust_coinbase += e->alpha_out_emission - e->alpha_recycled - added;
		s->ledger.blocks_emitted++;
	}

	/* 4.6 distribute_emissions_to_subnets, ascending netuid */
	for (size_t i = 0; i < n; i++) {
		struct dn_subnet *s = x->sn[i];
		const struct dn_emission_drained *d = &x->drained[i];
		struct dn_epoch_event *ee = NULL;
		if (ev && d->outcome != DN_SCHEDULE_IDLE) {
			ee = PUSH(ev->epochs, ev->nepochs, ev->capepochs);
			*ee = (struct dn_epoch_event){.netuid = s->netuid, .outcome = d->outcome};
		}
		if (d->outcome != DN_SCHEDULE_RUN)
			continue;
		if (ee) {
			ee->server = d->server;
			ee->validator = d->validator;
			ee->root = d->root;
			ee->owner_cut = d->owner_cut;
		}
		rc = distribute(c, s, d, b, ev, ee, err);
		if (rc)
			return rc;
		s->em.sched.last_mechanism_step_block = b; /* LastMechansimStepBlock */
	}

	/* 5, 6. update_moving_prices, update_root_prop */
	dn_emission_update_prices(&c->p.em, &c->est, x->em, n, b, &dn_emission_balancer);

	if (ev)
		for (size_t i = 0; i < n; i++) {
			struct dn_subnet *s = x->sn[i];
			if (!x->emitting[i])
				continue;
			struct dn_emission_event *me =
				PUSH(ev->emission, ev->nemission, ev->capemission);
			*me = (struct dn_emission_event){
				.netuid = s->netuid,
				.tao_in = s->em.tao_in_emission,
				.excess_tao = s->em.excess_tao,
				.alpha_in = s->em.alpha_in_emission,
				.alpha_out = s->em.alpha_out_emission,
				.alpha_recycled = s->em.alpha_recycled,
				.protocol_bought = s->em.protocol_alpha - x->protocol_before[i],
				.price = dn_emission_price(&dn_emission_balancer, &s->em),
				.moving_price = s->em.moving_price,
			};
		}

	/* 8. run_auto_claim_root_divs(parent hash) */
	auto_claim(c, ev);

	c->block = b;
	return 0;
}
