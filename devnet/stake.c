/*
 * Stake storage (see stake.h): sorted arrays with binary search, grown on
 * demand. Each function names the subtensor function or storage item it
 * reproduces.
 */
#include "devnet/stake.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

const char *dn_stake_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_STAKE_EINVAL: return "invalid argument";
	case DN_STAKE_EOWNER: return "the hotkey belongs to another coldkey";
	case DN_STAKE_ESTAKE: return "not enough stake";
	case DN_STAKE_ERANGE: return "amount above i64::MAX";
	default: return "unknown error";
	}
}

/* Grow *p (n used, *cap allocated, elements of size sz) to hold one more. */
static void *grow(void *p, size_t n, uint32_t *cap, size_t sz)
{
	if (n < *cap)
		return p;
	uint32_t c = *cap ? *cap * 2 : 4;
	*cap = c;
	return xreallocarray(p, c, sz);
}

static void *grow_sz(void *p, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 16;
	*cap = c;
	return xreallocarray(p, c, sz);
}

void dn_stake_init(struct dn_stake *st, uint16_t default_take)
{
	memset(st, 0, sizeof(*st));
	st->default_take = default_take;
}

void dn_stake_release(struct dn_stake *st)
{
	for (size_t i = 0; i < st->naccounts; i++) {
		free(st->acct[i].rates);
		free(st->acct[i].owned);
		free(st->acct[i].staking);
	}
	free(st->acct);
	for (size_t i = 0; i < st->nnets; i++) {
		for (size_t k = 0; k < st->nets[i].n; k++)
			free(st->nets[i].pools[k].holders);
		free(st->nets[i].pools);
	}
	free(st->nets);
	free(st->claimed);
	free(st->claimers);
	free(st->bucket_gen);
	memset(st, 0, sizeof(*st));
}

void dn_stake_reserve_accounts(struct dn_stake *st, size_t n)
{
	if (n <= st->naccounts)
		return;
	if (n > st->capaccounts) {
		size_t c = st->capaccounts ? st->capaccounts : 16;
		while (c < n)
			c *= 2;
		st->acct = xreallocarray(st->acct, c, sizeof(*st->acct));
		st->capaccounts = c;
	}
	size_t nb = (n + DN_STAKE_GEN_BUCKET - 1) / DN_STAKE_GEN_BUCKET;
	if (nb > st->nbucket_gen) {
		st->bucket_gen = xreallocarray(st->bucket_gen, nb, sizeof(*st->bucket_gen));
		memset(st->bucket_gen + st->nbucket_gen, 0,
		       (nb - st->nbucket_gen) * sizeof(*st->bucket_gen));
		st->nbucket_gen = nb;
	}
	for (size_t i = st->naccounts; i < n; i++)
		st->acct[i] = (struct dn_stake_account){
			.gen = st->bucket_gen[i / DN_STAKE_GEN_BUCKET] = ++st->gen,
			.owner = DN_STAKE_NONE,
			.take = st->default_take,
			.claim_type = DN_CLAIM_DEFAULT,
			.claim_index = DN_STAKE_NONE,
		};
	st->naccounts = n;
}

/* The account for writing (marked changed). */
static struct dn_stake_account *acct(struct dn_stake *st, uint32_t a)
{
	dn_stake_reserve_accounts(st, (size_t)a + 1);
	st->acct[a].gen = st->bucket_gen[a / DN_STAKE_GEN_BUCKET] = ++st->gen;
	return &st->acct[a];
}

static const struct dn_stake_account *acct_c(const struct dn_stake *st, uint32_t a)
{
	return a < st->naccounts ? &st->acct[a] : NULL;
}

/* ---- hotkeys ----------------------------------------------------------- */

/* subtensor create_account_if_non_existent */
int dn_stake_associate(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey)
{
	if (hotkey == DN_STAKE_NONE || coldkey == DN_STAKE_NONE)
		return DN_STAKE_EINVAL;
	struct dn_stake_account *h = acct(st, hotkey);
	if (h->owner == coldkey)
		return 0;
	if (h->owner != DN_STAKE_NONE)
		return DN_STAKE_EOWNER;
	h->owner = coldkey;
	struct dn_stake_account *c = acct(st, coldkey);
	c->owned = grow(c->owned, c->nowned, &c->capowned, sizeof(uint32_t));
	c->owned[c->nowned++] = hotkey;
	return 0;
}

uint32_t dn_stake_owner(const struct dn_stake *st, uint32_t hotkey)
{
	const struct dn_stake_account *h = acct_c(st, hotkey);
	return h ? h->owner : DN_STAKE_NONE;
}

/* subtensor get_hotkey_take: Delegates with its DefaultDelegateTake */
uint16_t dn_stake_take(const struct dn_stake *st, uint32_t hotkey)
{
	const struct dn_stake_account *h = acct_c(st, hotkey);
	return h ? h->take : st->default_take;
}

void dn_stake_set_take(struct dn_stake *st, uint32_t hotkey, uint16_t take)
{
	if (hotkey != DN_STAKE_NONE)
		acct(st, hotkey)->take = take;
}

/* ---- share pools ------------------------------------------------------- */

const struct dn_stake_net *dn_stake_net(const struct dn_stake *st, uint16_t netuid)
{
	return netuid < st->nnets ? &st->nets[netuid] : NULL;
}

static struct dn_stake_net *net_of(struct dn_stake *st, uint16_t netuid)
{
	if (netuid >= st->nnets) {
		size_t n = (size_t)netuid + 1;
		st->nets = xreallocarray(st->nets, n, sizeof(*st->nets));
		memset(st->nets + st->nnets, 0, (n - st->nnets) * sizeof(*st->nets));
		st->nnets = n;
	}
	return &st->nets[netuid];
}

/* Index of the first pool with hotkey >= h. */
static size_t pool_pos(const struct dn_stake_net *net, uint32_t h)
{
	size_t lo = 0, hi = net->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (net->pools[mid].hotkey < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct dn_stake_pool *dn_stake_pool(const struct dn_stake *st, uint32_t hotkey,
					  uint16_t netuid)
{
	const struct dn_stake_net *net = dn_stake_net(st, netuid);
	if (!net)
		return NULL;
	size_t i = pool_pos(net, hotkey);
	return i < net->n && net->pools[i].hotkey == hotkey ? &net->pools[i] : NULL;
}

static struct dn_stake_pool *pool_get(struct dn_stake *st, uint32_t hotkey, uint16_t netuid)
{
	struct dn_stake_net *net = net_of(st, netuid);
	size_t i = pool_pos(net, hotkey);
	if (i < net->n && net->pools[i].hotkey == hotkey)
		return &net->pools[i];
	net->pools = grow_sz(net->pools, net->n, &net->cap, sizeof(*net->pools));
	memmove(net->pools + i + 1, net->pools + i, (net->n - i) * sizeof(*net->pools));
	net->pools[i] = (struct dn_stake_pool){.hotkey = hotkey};
	net->n++;
	net->gen = ++st->gen;
	return &net->pools[i];
}

static size_t holder_pos(const struct dn_stake_pool *p, uint32_t c)
{
	size_t lo = 0, hi = p->nholders;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->holders[mid].coldkey < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct dn_stake_holder *holder_c(const struct dn_stake_pool *p, uint32_t c)
{
	size_t i = holder_pos(p, c);
	return i < p->nholders && p->holders[i].coldkey == c ? &p->holders[i] : NULL;
}

uint64_t dn_stake_hotkey(const struct dn_stake *st, uint32_t hotkey, uint16_t netuid)
{
	const struct dn_stake_pool *p = dn_stake_pool(st, hotkey, netuid);
	return p ? p->sp.value : 0;
}

/* get_stake_for_hotkey_and_coldkey_on_subnet: try_get_value of the share
 * pool (no share entry: 0) */
uint64_t dn_stake_of(const struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid)
{
	const struct dn_stake_pool *p = dn_stake_pool(st, hotkey, netuid);
	const struct dn_stake_holder *h = p ? holder_c(p, coldkey) : NULL;
	return h ? dn_sharepool_value(&p->sp, &h->share) : 0;
}

uint64_t dn_stake_net_total(const struct dn_stake *st, uint16_t netuid)
{
	const struct dn_stake_net *net = dn_stake_net(st, netuid);
	return net ? net->total : 0;
}

/* Keep net->total equal to the sum of the pools' values across a change
 * of one pool from `before` to its current value. */
/* Every change of a net's pools ends here: keeps the total, marks the net. */
static void retotal(struct dn_stake *st, struct dn_stake_net *net, uint64_t before, uint64_t after)
{
	net->total = net->total - before + after;
	net->gen = ++st->gen;
}

static void staking_push(struct dn_stake *st, uint32_t coldkey, uint32_t hotkey)
{
	struct dn_stake_account *c = acct(st, coldkey);
	for (uint32_t i = 0; i < c->nstaking; i++)
		if (c->staking[i] == hotkey)
			return;
	c->staking = grow(c->staking, c->nstaking, &c->capstaking, sizeof(uint32_t));
	c->staking[c->nstaking++] = hotkey;
}

/* increase_stake_for_hotkey_and_coldkey_on_subnet */
int dn_stake_deposit(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid,
		     uint64_t amount)
{
	if (hotkey == DN_STAKE_NONE || coldkey == DN_STAKE_NONE)
		return DN_STAKE_EINVAL;
	if (amount > (uint64_t)INT64_MAX)
		return DN_STAKE_ERANGE;
	if (amount != 0)
		staking_push(st, coldkey, hotkey);
	acct(st, hotkey);
	struct dn_stake_pool *p = pool_get(st, hotkey, netuid);
	size_t i = holder_pos(p, coldkey);
	struct dn_safefloat share = {0, 0};
	bool present = i < p->nholders && p->holders[i].coldkey == coldkey;
	if (present)
		share = p->holders[i].share;
	uint64_t before = p->sp.value;
	dn_sharepool_deposit(&p->sp, &share, amount);
	retotal(st, &st->nets[netuid], before, p->sp.value);
	if (present) {
		p->holders[i].share = share;
	} else if (!dn_safefloat_is_zero(&share)) {
		p->holders = grow(p->holders, p->nholders, &p->cap, sizeof(*p->holders));
		memmove(p->holders + i + 1, p->holders + i,
			(p->nholders - i) * sizeof(*p->holders));
		p->holders[i] = (struct dn_stake_holder){coldkey, share};
		p->nholders++;
	}
	return 0;
}

/* decrease_stake_for_hotkey_and_coldkey_on_subnet */
int dn_stake_withdraw(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint16_t netuid,
		      uint64_t amount)
{
	if (hotkey == DN_STAKE_NONE || coldkey == DN_STAKE_NONE)
		return DN_STAKE_EINVAL;
	if (amount > (uint64_t)INT64_MAX)
		return DN_STAKE_ERANGE;
	if (netuid >= st->nnets)
		return amount ? DN_STAKE_ESTAKE : 0;
	struct dn_stake_net *net = &st->nets[netuid];
	size_t k = pool_pos(net, hotkey);
	if (k >= net->n || net->pools[k].hotkey != hotkey)
		return amount ? DN_STAKE_ESTAKE : 0;
	struct dn_stake_pool *p = &net->pools[k];
	size_t i = holder_pos(p, coldkey);
	if (i >= p->nholders || p->holders[i].coldkey != coldkey)
		return amount ? DN_STAKE_ESTAKE : 0;
	uint64_t before = p->sp.value;
	int rc = dn_sharepool_withdraw(&p->sp, &p->holders[i].share, amount);
	if (rc)
		return rc == DN_SHARE_ESTAKE ? DN_STAKE_ESTAKE : DN_STAKE_ERANGE;
	retotal(st, net, before, p->sp.value);
	if (dn_safefloat_is_zero(&p->holders[i].share)) {
		memmove(p->holders + i, p->holders + i + 1,
			(p->nholders - i - 1) * sizeof(*p->holders));
		p->nholders--;
	}
	return 0;
}

/* increase_stake_for_hotkey_on_subnet: update_value_for_all(amount as i64) */
int dn_stake_add_all(struct dn_stake *st, uint32_t hotkey, uint16_t netuid, uint64_t amount)
{
	if (hotkey == DN_STAKE_NONE)
		return DN_STAKE_EINVAL;
	if (amount > (uint64_t)INT64_MAX)
		return DN_STAKE_ERANGE;
	acct(st, hotkey);
	struct dn_stake_pool *p = pool_get(st, hotkey, netuid);
	uint64_t before = p->sp.value;
	dn_sharepool_update_all(&p->sp, (int64_t)amount);
	retotal(st, &st->nets[netuid], before, p->sp.value);
	return 0;
}

/* ---- root claims ------------------------------------------------------- */

static size_t rate_pos(const struct dn_stake_account *h, uint16_t netuid)
{
	size_t i = 0;
	while (i < h->nrates && h->rates[i].netuid < netuid)
		i++;
	return i;
}

bool dn_stake_rate(const struct dn_stake *st, uint32_t hotkey, uint16_t netuid, dn_i128 *rate)
{
	const struct dn_stake_account *h = acct_c(st, hotkey);
	*rate = 0;
	if (!h)
		return false;
	size_t i = rate_pos(h, netuid);
	if (i < h->nrates && h->rates[i].netuid == netuid) {
		*rate = h->rates[i].rate;
		return true;
	}
	return false;
}

const struct dn_stake_rate *dn_stake_rates(const struct dn_stake *st, uint32_t hotkey, size_t *n)
{
	const struct dn_stake_account *h = acct_c(st, hotkey);
	*n = h ? h->nrates : 0;
	return h ? h->rates : NULL;
}

/* RootClaimable::mutate: entry and_modify(saturating_add) or_insert */
void dn_stake_rate_add(struct dn_stake *st, uint32_t hotkey, uint16_t netuid, dn_i128 increment)
{
	struct dn_stake_account *h = acct(st, hotkey);
	size_t i = rate_pos(h, netuid);
	if (i < h->nrates && h->rates[i].netuid == netuid) {
		h->rates[i].rate = dn_rootclaim_rate_add(h->rates[i].rate, increment);
		return;
	}
	h->rates = grow(h->rates, h->nrates, &h->caprates, sizeof(*h->rates));
	memmove(h->rates + i + 1, h->rates + i, (h->nrates - i) * sizeof(*h->rates));
	h->rates[i] = (struct dn_stake_rate){netuid, increment};
	h->nrates++;
}

static int claimed_cmp(const struct dn_stake_claimed *e, uint32_t h, uint32_t c, uint16_t n)
{
	if (e->hotkey != h)
		return e->hotkey < h ? -1 : 1;
	if (e->coldkey != c)
		return e->coldkey < c ? -1 : 1;
	if (e->netuid != n)
		return e->netuid < n ? -1 : 1;
	return 0;
}

static size_t claimed_pos(const struct dn_stake *st, uint32_t h, uint32_t c, uint16_t n)
{
	size_t lo = 0, hi = st->nclaimed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (claimed_cmp(&st->claimed[mid], h, c, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

dn_u128 dn_stake_claimed(const struct dn_stake *st, uint16_t netuid, uint32_t hotkey,
			 uint32_t coldkey)
{
	size_t i = claimed_pos(st, hotkey, coldkey, netuid);
	if (i < st->nclaimed && claimed_cmp(&st->claimed[i], hotkey, coldkey, netuid) == 0)
		return st->claimed[i].claimed;
	return 0;
}

void dn_stake_set_claimed(struct dn_stake *st, uint16_t netuid, uint32_t hotkey, uint32_t coldkey,
			  dn_u128 claimed)
{
	st->claims_gen = ++st->gen;
	size_t i = claimed_pos(st, hotkey, coldkey, netuid);
	if (i < st->nclaimed && claimed_cmp(&st->claimed[i], hotkey, coldkey, netuid) == 0) {
		st->claimed[i].claimed = claimed;
		return;
	}
	st->claimed = grow_sz(st->claimed, st->nclaimed, &st->capclaimed, sizeof(*st->claimed));
	memmove(st->claimed + i + 1, st->claimed + i, (st->nclaimed - i) * sizeof(*st->claimed));
	st->claimed[i] = (struct dn_stake_claimed){hotkey, coldkey, netuid, claimed};
	st->nclaimed++;
}

/* add_stake_adjust_root_claimed_for_hotkey_and_coldkey */
void dn_stake_root_added(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint64_t amount)
{
	size_t n;
	const struct dn_stake_rate *r = dn_stake_rates(st, hotkey, &n);
	for (size_t i = 0; i < n; i++) {
		uint16_t netuid = r[i].netuid;
		dn_u128 c = dn_stake_claimed(st, netuid, hotkey, coldkey);
		dn_stake_set_claimed(st, netuid, hotkey, coldkey,
				     dn_rootclaim_adjust_add(c, r[i].rate, amount));
	}
}

/* remove_stake_adjust_root_claimed_for_hotkey_and_coldkey */
void dn_stake_root_removed(struct dn_stake *st, uint32_t hotkey, uint32_t coldkey, uint64_t amount)
{
	size_t n;
	const struct dn_stake_rate *r = dn_stake_rates(st, hotkey, &n);
	for (size_t i = 0; i < n; i++) {
		uint16_t netuid = r[i].netuid;
		if (netuid == 0)
			continue;
		dn_u128 c = dn_stake_claimed(st, netuid, hotkey, coldkey);
		dn_stake_set_claimed(st, netuid, hotkey, coldkey,
				     dn_rootclaim_adjust_remove(c, r[i].rate, amount));
	}
}

enum dn_claim_type dn_stake_claim_type(const struct dn_stake *st, uint32_t coldkey)
{
	const struct dn_stake_account *c = acct_c(st, coldkey);
	return c ? c->claim_type : DN_CLAIM_DEFAULT;
}

void dn_stake_set_claim_type(struct dn_stake *st, uint32_t coldkey, enum dn_claim_type type)
{
	acct(st, coldkey)->claim_type = type;
}

/* maybe_add_coldkey_index */
void dn_stake_claimer_add(struct dn_stake *st, uint32_t coldkey)
{
	struct dn_stake_account *c = acct(st, coldkey);
	if (c->claim_index != DN_STAKE_NONE)
		return;
	st->claims_gen = ++st->gen;
	st->claimers = grow_sz(st->claimers, st->nclaimers, &st->capclaimers, sizeof(uint32_t));
	c->claim_index = (uint32_t)st->nclaimers;
	st->claimers[st->nclaimers++] = coldkey;
}

/* maybe_remove_coldkey_index: the last entry fills the hole */
void dn_stake_claimer_remove(struct dn_stake *st, uint32_t coldkey)
{
	if (coldkey >= st->naccounts || st->acct[coldkey].claim_index == DN_STAKE_NONE)
		return;
	uint32_t idx = st->acct[coldkey].claim_index;
	uint32_t last = (uint32_t)st->nclaimers - 1;
	st->claims_gen = ++st->gen;
	if (idx != last) {
		uint32_t moved = st->claimers[last];
		st->claimers[idx] = moved;
		acct(st, moved)->claim_index = idx;
	}
	acct(st, coldkey)->claim_index = DN_STAKE_NONE;
	st->nclaimers--;
}

/* coldkey_has_root_stake */
bool dn_stake_has_root(const struct dn_stake *st, uint32_t coldkey)
{
	size_t n;
	const uint32_t *h = dn_stake_staking_hotkeys(st, coldkey, &n);
	for (size_t i = 0; i < n; i++)
		if (dn_stake_of(st, h[i], coldkey, 0) != 0)
			return true;
	return false;
}

const uint32_t *dn_stake_staking_hotkeys(const struct dn_stake *st, uint32_t coldkey, size_t *n)
{
	const struct dn_stake_account *c = acct_c(st, coldkey);
	*n = c ? c->nstaking : 0;
	return c ? c->staking : NULL;
}

const uint32_t *dn_stake_owned_hotkeys(const struct dn_stake *st, uint32_t coldkey, size_t *n)
{
	const struct dn_stake_account *c = acct_c(st, coldkey);
	*n = c ? c->nowned : 0;
	return c ? c->owned : NULL;
}
