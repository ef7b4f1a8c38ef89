/*
 * The canonical encoding read back (see chain.h dn_chain_decode): the
 * exact inverse of chain_encode.c, field by field in its order, into a
 * chain built the way dn_chain_new builds one.
 *
 * A snapshot may come from anywhere, so every count is checked against
 * the bytes left before anything is allocated (each record has a minimum
 * size), every account index against the account table, every list that
 * the state keeps sorted for its lookups against its order; bools and
 * enums must hold one of their values. The first failure is reported with
 * the record, the field and the byte offset; the partly built chain is
 * freed. Conservation is not checked here: that is dn_chain_check's.
 */
#include "devnet/chain.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/chain_impl.h"
#include "devnet/codec.h"
#include "devnet/xalloc.h"

/* The reader: a decoder, the record being read (for messages) and the
 * first failure. */
struct rd {
	struct dn_dec d;
	struct dn_chain_err *err;
	bool failed;
	const char *what; /* record kind: "globals", "account", "subnet", ... */
	uint64_t index; /* which one */
	bool indexed;
	int64_t netuid; /* the subnet a neuron belongs to, -1 outside neurons */
};

static void at(struct rd *r, const char *what, uint64_t index, bool indexed)
{
	r->what = what;
	r->index = index;
	r->indexed = indexed;
	r->netuid = -1;
}

/* Records the first failure: "<record> [index]: <field>: <why> at byte N". */
static bool bad(struct rd *r, const char *field, const char *why)
{
	if (!r->failed) {
		r->failed = true;
		if (r->netuid >= 0)
			dn_chain_fail(r->err, DN_CHAIN_EINVAL,
				      "subnet %u uid %u: %s: %s at byte %u", (uint64_t)r->netuid,
				      r->index, field, why, (uint64_t)r->d.pos);
		else if (r->indexed)
			dn_chain_fail(r->err, DN_CHAIN_EINVAL, "%s %u: %s: %s at byte %u", r->what,
				      r->index, field, why, (uint64_t)r->d.pos);
		else
			dn_chain_fail(r->err, DN_CHAIN_EINVAL, "%s: %s: %s at byte %u", r->what,
				      field, why, (uint64_t)r->d.pos);
	}
	return false;
}

static bool got(struct rd *r, int rc, const char *field)
{
	if (r->failed)
		return false;
	if (rc) {
		const char *why = rc == DN_CODEC_ETRUNC	   ? "truncated"
				  : rc == DN_CODEC_EBADENC ? "not a canonical value"
							   : dn_codec_strerror(rc);
		return bad(r, field, why);
	}
	return true;
}

static bool u8(struct rd *r, uint8_t *v, const char *f) { return got(r, dn_dec_u8(&r->d, v), f); }
static bool u16(struct rd *r, uint16_t *v, const char *f)
{
	return got(r, dn_dec_u16(&r->d, v), f);
}
static bool u32(struct rd *r, uint32_t *v, const char *f)
{
	return got(r, dn_dec_u32(&r->d, v), f);
}
static bool u64(struct rd *r, uint64_t *v, const char *f)
{
	return got(r, dn_dec_u64(&r->d, v), f);
}
static bool u128(struct rd *r, dn_u128 *v, const char *f)
{
	return got(r, dn_dec_u128(&r->d, v), f);
}
static bool i128(struct rd *r, dn_i128 *v, const char *f)
{
	dn_u128 x = 0;
	bool ok = u128(r, &x, f);
	*v = (dn_i128)x;
	return ok;
}
static bool i64(struct rd *r, int64_t *v, const char *f)
{
	uint64_t x = 0;
	bool ok = u64(r, &x, f);
	*v = (int64_t)x;
	return ok;
}
static bool flag(struct rd *r, bool *v, const char *f) { return got(r, dn_dec_bool(&r->d, v), f); }
static bool bytes(struct rd *r, void *out, size_t n, const char *f)
{
	return got(r, dn_dec_bytes(&r->d, out, n), f);
}

/* A count of records of at least `min` bytes each: it must be <= max and
 * fit in the bytes left, so nothing is allocated the input cannot back. */
static bool count(struct rd *r, uint64_t max, size_t min, uint64_t *n, const char *f)
{
	if (!got(r, dn_dec_compact(&r->d, max, n), f))
		return false;
	size_t left = r->d.len - r->d.pos;
	if (*n > left / min)
		return bad(r, f, "a count larger than the bytes left can hold");
	return true;
}

/* An account index: below n, or DN_CHAIN_NONE when none_ok. */
static bool account(struct rd *r, uint32_t *v, size_t n, bool none_ok, const char *f)
{
	if (!u32(r, v, f))
		return false;
	if (*v == DN_CHAIN_NONE ? !none_ok : *v >= n)
		return bad(r, f, "account index out of range");
	return true;
}

static bool safefloat(struct rd *r, struct dn_safefloat *v, const char *f)
{
	if (!u128(r, &v->mantissa, f) || !i64(r, &v->exponent, f))
		return false;
	if (v->mantissa > DN_SAFEFLOAT_MAX) /* SafeFloat::new keeps it <= 10^21 */
		return bad(r, f, "mantissa above 10^21");
	return true;
}

/* ---- globals ----------------------------------------------------------- */

static bool dec_params(struct rd *r, struct dn_chain_params *p)
{
	struct dn_emission_params *m = &p->em;
	return u64(r, &m->total_supply, "total_supply") && u64(r, &m->half_supply, "half_supply") &&
	       u64(r, &m->default_block_emission, "default_block_emission") &&
	       u64(r, &m->max_tao_issuance, "max_tao_issuance") &&
	       u16(r, &m->subnet_owner_cut, "subnet_owner_cut") &&
	       u64(r, &m->tao_weight, "tao_weight") && i128(r, &m->moving_alpha, "moving_alpha") &&
	       u64(r, &m->ema_price_halving_blocks, "ema_price_halving_blocks") &&
	       u8(r, &p->sched.max_epochs_per_block, "max_epochs_per_block") &&
	       u16(r, &p->sched.admin_freeze_window, "admin_freeze_window") &&
	       u16(r, &p->sched.min_tempo, "min_tempo") &&
	       u16(r, &p->sched.max_tempo, "max_tempo") &&
	       u16(r, &p->sched.initial_tempo, "initial_tempo") &&
	       u64(r, &p->lock.min_lock, "min_lock") &&
	       u64(r, &p->lock.reduction_interval, "lock reduction_interval") &&
	       u64(r, &p->lock.immunity_period, "lock immunity_period") &&
	       u16(r, &p->lock.subnet_limit, "subnet_limit") &&
	       u64(r, &p->claim.threshold, "claim threshold") &&
	       u64(r, &p->claim.num_root_claim, "num_root_claim") &&
	       u64(r, &p->stake_threshold, "stake_threshold") &&
	       u16(r, &p->default_take, "default_take") && u16(r, &p->min_take, "min_take") &&
	       u16(r, &p->max_take, "max_take") && u64(r, &p->min_stake, "min_stake") &&
	       u64(r, &p->existential_deposit, "existential_deposit") &&
	       u64(r, &p->min_reserve, "min_reserve") &&
	       u64(r, &p->start_call_delay, "start_call_delay") &&
	       u64(r, &p->network_rate_limit, "network_rate_limit") &&
	       u64(r, &p->take_rate_limit, "take_rate_limit");
}

/* What the globals carry besides the chain's own fields. */
struct counts {
	uint64_t naccounts, nstake, nnets, nsubnets;
	uint16_t default_take;
};

/* Minimum encoded sizes, for the counts' checks. */
#define MIN_BALANCE 52 /* key, free, nonce, last_take_block */
#define MIN_STAKE_ACCOUNT 14 /* owner, take, three empty lists, claim type and index */
#define MIN_NET 9 /* total, empty pool list */
#define MIN_POOL 37 /* hotkey, value, denominator, empty holder list */
#define MIN_HOLDER 28 /* coldkey, share */
#define MIN_CLAIMED 26 /* hotkey, coldkey, netuid, claimed */
#define MIN_SUBNET 512 /* a head alone is 534 bytes */
#define MIN_NEURON 76 /* fixed fields, two empty rows, the axon */
#define MIN_QUEUE 53 /* hotkey, count, one commit */

static bool dec_globals(struct rd *r, struct dn_chain *t, struct counts *k)
{
	at(r, "globals", 0, false);
	struct dn_emission_result *l = &t->last;
	uint64_t emitting = 0;
	bool ok =
		dec_params(r, &t->p) && u64(r, &t->block, "block") &&
		bytes(r, t->parent_hash, 32, "parent_hash") && u32(r, &t->sudo, "sudo") &&
		u32(r, &t->author, "author") && u64(r, &t->est.total_issuance, "total_issuance") &&
		u64(r, &t->est.balances_issuance, "balances_issuance") &&
		u64(r, &t->est.total_stake, "total_stake") &&
		u64(r, &t->est.root_tao, "root_tao") &&
		u64(r, &t->est.block_emission, "block_emission") &&
		u64(r, &t->lock.last_lock, "last_lock") &&
		u64(r, &t->lock.last_lock_block, "last_lock_block") &&
		count(r, (uint64_t)DN_CHAIN_NONE - 1, MIN_BALANCE, &k->naccounts, "naccounts") &&
		u16(r, &k->default_take, "stake default_take") &&
		count(r, k->naccounts, MIN_STAKE_ACCOUNT, &k->nstake, "stake naccounts") &&
		count(r, (uint64_t)UINT16_MAX + 1, MIN_NET, &k->nnets, "stake nnets") &&
		count(r, DN_MAX_SUBNETS, MIN_SUBNET, &k->nsubnets, "nsubnets") &&
		u64(r, &t->genesis_issuance, "genesis_issuance") && u128(r, &t->minted, "minted") &&
		u128(r, &t->recycled, "recycled") && u128(r, &t->stranded, "stranded") &&
		u64(r, &t->stake_excess, "stake_excess") && u64(r, &l->credit, "last credit") &&
		u64(r, &l->injected_tao, "last injected_tao") &&
		u64(r, &l->bought_tao, "last bought_tao") &&
		u64(r, &l->stranded, "last stranded") && u64(r, &l->recycled, "last recycled") &&
		flag(r, &l->root_sell, "last root_sell") && u64(r, &emitting, "last emitting") &&
		u32(r, &l->epochs_run, "last epochs_run");
	if (!ok)
		return false;
	l->emitting = (size_t)emitting;
	if (t->sudo != DN_CHAIN_NONE && t->sudo >= k->naccounts)
		return bad(r, "sudo", "account index out of range");
	if (t->author != DN_CHAIN_NONE && t->author >= k->naccounts)
		return bad(r, "author", "account index out of range");
	if (k->nsubnets == 0)
		return bad(r, "nsubnets", "no root subnet");
	return true;
}

/* ---- accounts ---------------------------------------------------------- */

/* c->index: the accounts sorted by key (a merge sort, keys unique). */
static bool build_index(struct rd *r, struct dn_chain *c)
{
	size_t n = c->naccounts;
	uint32_t *a = c->index, *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = memcmp(c->acct[a[j]].key, c->acct[a[i]].key, 32) < 0
						   ? a[j++]
						   : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
	free(tmp);
	at(r, "account", 0, true);
	for (size_t i = 1; i < n; i++)
		if (memcmp(c->acct[a[i - 1]].key, c->acct[a[i]].key, 32) == 0) {
			r->index = a[i];
			return bad(r, "key", "a duplicate key");
		}
	return true;
}

/* A list of n account indices into a fresh array (NULL when empty). */
static bool dec_accounts(struct rd *r, uint32_t **out, uint32_t *cap, uint64_t n, size_t na,
			 const char *f)
{
	if (n == 0)
		return true;
	*out = xcalloc(n, sizeof(**out));
	*cap = (uint32_t)n;
	for (uint64_t k = 0; k < n; k++)
		if (!account(r, &(*out)[k], na, false, f))
			return false;
	return true;
}

static bool dec_stake_account(struct rd *r, struct dn_stake_account *a, size_t na)
{
	uint64_t n;
	if (!account(r, &a->owner, na, true, "owner") || !u16(r, &a->take, "take") ||
	    !count(r, UINT32_MAX, 18, &n, "nrates"))
		return false;
	if (n) {
		a->rates = xcalloc(n, sizeof(*a->rates));
		a->caprates = (uint32_t)n;
	}
	for (uint64_t k = 0; k < n; k++) {
		if (!u16(r, &a->rates[k].netuid, "rate netuid") ||
		    !i128(r, &a->rates[k].rate, "rate"))
			return false;
		a->nrates = (uint32_t)k + 1;
		if (k > 0 && a->rates[k - 1].netuid >= a->rates[k].netuid)
			return bad(r, "rate netuid", "rates not in ascending netuid");
	}
	if (!count(r, UINT32_MAX, 4, &n, "nowned") ||
	    !dec_accounts(r, &a->owned, &a->capowned, n, na, "owned hotkey"))
		return false;
	a->nowned = (uint32_t)n;
	if (!count(r, UINT32_MAX, 4, &n, "nstaking") ||
	    !dec_accounts(r, &a->staking, &a->capstaking, n, na, "staking hotkey"))
		return false;
	a->nstaking = (uint32_t)n;
	uint8_t type;
	if (!u8(r, &type, "claim_type") || !u32(r, &a->claim_index, "claim_index"))
		return false;
	if (type > DN_CLAIM_KEEP_SUBNETS)
		return bad(r, "claim_type", "not a RootClaimType");
	a->claim_type = (enum dn_claim_type)type;
	return true;
}

/* Owner and OwnedHotkeys agree: each owned hotkey names its coldkey as
 * owner, once, and every owned hotkey is listed. */
static bool check_owners(struct rd *r, const struct dn_stake *st)
{
	size_t n = st->naccounts, owners = 0, listed = 0;
	bool *seen = xcalloc(n ? n : 1, sizeof(*seen));
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		if (st->acct[i].owner != DN_STAKE_NONE)
			owners++;
		for (uint32_t k = 0; k < st->acct[i].nowned && ok; k++) {
			uint32_t h = st->acct[i].owned[k];
			listed++;
			if (h >= n || st->acct[h].owner != i || seen[h]) {
				at(r, "account", i, true);
				ok = bad(r, "owned hotkey", "not owned by this coldkey, or twice");
			} else {
				seen[h] = true;
			}
		}
	}
	free(seen);
	if (ok && owners != listed) {
		at(r, "stake", 0, false);
		return bad(r, "owner", "a hotkey's owner does not list it");
	}
	return ok;
}

static bool dec_all_accounts(struct rd *r, struct dn_chain *c, const struct counts *k)
{
	size_t na = (size_t)k->naccounts, ns = (size_t)k->nstake;
	if (na) {
		c->acct = xcalloc(na, sizeof(*c->acct));
		c->index = xcalloc(na, sizeof(*c->index));
	}
	c->capaccounts = na;
	c->stake.default_take = k->default_take;
	dn_stake_reserve_accounts(&c->stake, ns);
	for (size_t i = 0; i < na; i++) {
		at(r, "account", i, true);
		struct dn_account *a = &c->acct[i];
		if (!bytes(r, a->key, 32, "key") || !u64(r, &a->free, "free") ||
		    !u32(r, &a->nonce, "nonce") || !u64(r, &a->last_take_block, "last_take_block"))
			return false;
		c->naccounts = i + 1;
		if (i < ns && !dec_stake_account(r, &c->stake.acct[i], na))
			return false;
	}
	return build_index(r, c) && check_owners(r, &c->stake);
}

/* ---- stake ------------------------------------------------------------- */

static bool dec_net(struct rd *r, struct dn_stake *st, size_t netuid, size_t na)
{
	struct dn_stake_net *net = &st->nets[netuid];
	at(r, "stake net", netuid, true);
	uint64_t n;
	if (!u64(r, &net->total, "total") || !count(r, UINT32_MAX, MIN_POOL, &n, "npools"))
		return false;
	net->gen = ++st->gen;
	if (n == 0)
		return true;
	net->pools = xcalloc(n, sizeof(*net->pools));
	net->n = net->cap = (size_t)n;
	for (size_t k = 0; k < n; k++) {
		struct dn_stake_pool *p = &net->pools[k];
		uint64_t nh;
		if (!account(r, &p->hotkey, na, false, "pool hotkey") ||
		    !u64(r, &p->sp.value, "pool value") ||
		    !safefloat(r, &p->sp.denom, "pool denominator") ||
		    !count(r, UINT32_MAX, MIN_HOLDER, &nh, "nholders"))
			return false;
		if (k > 0 && net->pools[k - 1].hotkey >= p->hotkey)
			return bad(r, "pool hotkey", "pools not in ascending hotkey");
		if (nh) {
			p->holders = xcalloc(nh, sizeof(*p->holders));
			p->nholders = p->cap = (uint32_t)nh;
		}
		for (uint32_t i = 0; i < nh; i++) {
			struct dn_stake_holder *h = &p->holders[i];
			if (!account(r, &h->coldkey, na, false, "holder coldkey") ||
			    !safefloat(r, &h->share, "holder share"))
				return false;
			if (i > 0 && p->holders[i - 1].coldkey >= h->coldkey)
				return bad(r, "holder coldkey", "holders not in ascending coldkey");
		}
	}
	return true;
}

static bool dec_claims(struct rd *r, struct dn_stake *st, size_t na)
{
	at(r, "root claims", 0, false);
	uint64_t n;
	if (!count(r, SIZE_MAX, MIN_CLAIMED, &n, "nclaimed"))
		return false;
	if (n) {
		st->claimed = xcalloc(n, sizeof(*st->claimed));
		st->nclaimed = st->capclaimed = (size_t)n;
	}
	for (size_t i = 0; i < n; i++) {
		struct dn_stake_claimed *e = &st->claimed[i], *p = e - 1;
		if (!account(r, &e->hotkey, na, false, "claimed hotkey") ||
		    !account(r, &e->coldkey, na, false, "claimed coldkey") ||
		    !u16(r, &e->netuid, "claimed netuid") || !u128(r, &e->claimed, "claimed"))
			return false;
		if (i > 0 && (p->hotkey > e->hotkey ||
			      (p->hotkey == e->hotkey &&
			       (p->coldkey > e->coldkey ||
				(p->coldkey == e->coldkey && p->netuid >= e->netuid)))))
			return bad(r, "claimed",
				   "entries not in ascending (hotkey, coldkey, netuid)");
	}
	if (!count(r, SIZE_MAX, 4, &n, "nclaimers"))
		return false;
	if (n) {
		st->claimers = xcalloc(n, sizeof(*st->claimers));
		st->nclaimers = st->capclaimers = (size_t)n;
	}
	/* StakingColdkeysByIndex and each coldkey's index agree both ways */
	for (size_t i = 0; i < n; i++) {
		uint32_t a;
		if (!account(r, &a, st->naccounts, false, "claimer"))
			return false;
		if (st->acct[a].claim_index != (uint32_t)i)
			return bad(r, "claimer", "its claim_index does not point back");
		st->claimers[i] = a;
	}
	size_t indexed = 0;
	for (size_t i = 0; i < st->naccounts; i++)
		indexed += st->acct[i].claim_index != DN_STAKE_NONE;
	if (indexed != n)
		return bad(r, "claim_index", "an account's claim index names no claimer");
	st->claims_gen = ++st->gen;
	return true;
}

/* ---- subnets ----------------------------------------------------------- */

static bool dec_pool(struct rd *r, struct dn_pool *p)
{
	return u64(r, &p->tao, "SubnetTAO") && u64(r, &p->alpha_in, "SubnetAlphaIn") &&
	       u64(r, &p->alpha_out, "SubnetAlphaOut") && u64(r, &p->w_quote, "pool w_quote") &&
	       u16(r, &p->fee_rate, "pool fee_rate") &&
	       flag(r, &p->initialized, "pool initialized") &&
	       flag(r, &p->dynamic, "pool dynamic") && u64(r, &p->min_reserve, "pool min_reserve");
}

static bool dec_emission(struct rd *r, struct dn_emission_subnet *s)
{
	struct dn_schedule *sc = &s->sched;
	return u16(r, &s->netuid, "emission netuid") &&
	       flag(r, &s->has_first_emission, "has_first_emission") &&
	       u64(r, &s->first_emission_block, "first_emission_block") &&
	       flag(r, &s->subtoken_enabled, "subtoken_enabled") &&
	       flag(r, &s->registration_allowed, "registration_allowed") &&
	       flag(r, &s->emission_enabled, "emission_enabled") &&
	       flag(r, &s->owner_cut_enabled, "owner_cut_enabled") && dec_pool(r, &s->pool) &&
	       u64(r, &s->protocol_alpha, "protocol_alpha") &&
	       i128(r, &s->moving_price, "moving_price") &&
	       u128(r, &s->miner_burned, "miner_burned") &&
	       u64(r, &s->ema_halving_blocks, "ema_halving_blocks") &&
	       u64(r, &s->pending_server, "pending_server") &&
	       u64(r, &s->pending_validator, "pending_validator") &&
	       u64(r, &s->pending_root, "pending_root") &&
	       u64(r, &s->pending_owner_cut, "pending_owner_cut") &&
	       u64(r, &s->alpha_out_emission, "alpha_out_emission") &&
	       u64(r, &s->alpha_in_emission, "alpha_in_emission") &&
	       u64(r, &s->tao_in_emission, "tao_in_emission") &&
	       u64(r, &s->excess_tao, "excess_tao") &&
	       u64(r, &s->alpha_recycled, "alpha_recycled") &&
	       u128(r, &s->root_prop, "root_prop") && u16(r, &sc->tempo, "tempo") &&
	       u64(r, &sc->last_epoch_block, "last_epoch_block") &&
	       u64(r, &sc->pending_epoch_at, "pending_epoch_at") &&
	       u64(r, &sc->blocks_since_last_step, "blocks_since_last_step") &&
	       u64(r, &sc->epoch_index, "epoch_index") &&
	       u64(r, &sc->last_mechanism_step_block, "last_mechanism_step_block");
}

static bool dec_hparams(struct rd *r, struct dn_subnet_hparams *h)
{
	uint16_t steep = 0;
	bool ok = u16(r, &h->kappa, "kappa") && u16(r, &h->bonds_penalty, "bonds_penalty") &&
		  u64(r, &h->bonds_moving_average, "bonds_moving_average") &&
		  flag(r, &h->bonds_reset, "bonds_reset") && flag(r, &h->yuma3, "yuma3") &&
		  flag(r, &h->liquid_alpha, "liquid_alpha") && u16(r, &h->alpha_low, "alpha_low") &&
		  u16(r, &h->alpha_high, "alpha_high") &&
		  u16(r, &steep, "alpha_sigmoid_steepness") &&
		  u16(r, &h->max_allowed_validators, "max_allowed_validators") &&
		  u16(r, &h->max_allowed_uids, "max_allowed_uids") &&
		  u16(r, &h->min_allowed_weights, "min_allowed_weights") &&
		  u16(r, &h->max_weights_limit, "max_weights_limit") &&
		  u32(r, &h->activity_cutoff_factor_milli, "activity_cutoff_factor_milli") &&
		  flag(r, &h->commit_reveal, "commit_reveal") &&
		  u16(r, &h->commit_reveal_version, "commit_reveal_version") &&
		  u64(r, &h->reveal_period_epochs, "reveal_period_epochs") &&
		  u64(r, &h->weights_rate_limit, "weights_rate_limit") &&
		  u64(r, &h->weights_version_key, "weights_version_key") &&
		  u64(r, &h->serving_rate_limit, "serving_rate_limit") &&
		  u64(r, &h->burn.min_burn, "min_burn") && u64(r, &h->burn.max_burn, "max_burn") &&
		  u16(r, &h->burn.half_life, "burn half_life") &&
		  u128(r, &h->burn.increase_mult, "burn increase_mult") &&
		  u16(r, &h->prune.immunity_period, "immunity_period") &&
		  u16(r, &h->prune.min_non_immune, "min_non_immune") &&
		  u16(r, &h->prune.immune_owner_limit, "immune_owner_limit") &&
		  flag(r, &h->recycle_owner_incentive, "recycle_owner_incentive") &&
		  u64(r, &h->root_claim_threshold, "root_claim_threshold");
	h->alpha_sigmoid_steepness = (int16_t)steep;
	return ok;
}

static bool dec_head(struct rd *r, struct dn_subnet *s, size_t na)
{
	struct dn_subnet_ledger *l = &s->ledger;
	uint16_t netuid = s->netuid;
	bool ok = u16(r, &s->netuid, "netuid") &&
		  account(r, &s->owner_coldkey, na, true, "owner_coldkey") &&
		  account(r, &s->owner_hotkey, na, true, "owner_hotkey") &&
		  u64(r, &s->registered_at, "registered_at") && u64(r, &s->locked, "locked") &&
		  dec_emission(r, &s->em) && dec_hparams(r, &s->hp) &&
		  u64(r, &s->burn.burn, "Burn") &&
		  u16(r, &s->burn.registrations_this_block, "registrations_this_block") &&
		  u64(r, &s->burn.recycled, "RAORecycledForRegistration") &&
		  u64(r, &s->burn_factor_q32, "burn_factor_q32") &&
		  u64(r, &l->alpha_genesis, "alpha_genesis") &&
		  u128(r, &l->alpha_minted, "alpha_minted") &&
		  u128(r, &l->alpha_recycled, "alpha_recycled") &&
		  u128(r, &l->alpha_burned, "alpha_burned") &&
		  i128(r, &l->claimable, "claimable") &&
		  u128(r, &l->dust_coinbase, "dust_coinbase") &&
		  i128(r, &l->dust_other, "dust_other") &&
		  u64(r, &l->blocks_emitted, "blocks_emitted") && u64(r, &l->epochs, "epochs") &&
		  u64(r, &l->claim_slack, "claim_slack");
	if (!ok)
		return false;
	if (s->netuid != netuid || s->em.netuid != netuid)
		return bad(r, "netuid", "differs from the subnet's");
	return true;
}

static bool dec_row(struct rd *r, struct dn_row16 *row, uint32_t n, const char *f)
{
	uint64_t len;
	if (!count(r, UINT32_MAX, 4, &len, f))
		return false;
	dn_row16_reserve(row, (uint32_t)len);
	for (uint32_t k = 0; k < len; k++) {
		if (!u16(r, &row->uid[k], f) || !u16(r, &row->val[k], f))
			return false;
		if (row->uid[k] >= n)
			return bad(r, f, "an entry names a uid >= n");
	}
	row->len = (uint32_t)len;
	return true;
}

static bool dec_axon(struct rd *r, struct dn_axon *a)
{
	if (!u64(r, &a->block, "axon block") || !u32(r, &a->version, "axon version") ||
	    !u128(r, &a->ip, "axon ip") || !u16(r, &a->port, "axon port") ||
	    !u8(r, &a->ip_type, "axon ip_type") || !u8(r, &a->protocol, "axon protocol") ||
	    !u8(r, &a->placeholder1, "axon placeholder1") ||
	    !u8(r, &a->placeholder2, "axon placeholder2"))
		return false;
	if (a->ip_type != 0 && a->ip_type != 4 && a->ip_type != 6)
		return bad(r, "axon ip_type", "neither 0 (none), 4 nor 6");
	return true;
}

static bool dec_commits(struct rd *r, struct dn_subnet *s, size_t na)
{
	uint64_t n;
	if (!count(r, UINT32_MAX, MIN_QUEUE, &n, "ncommits"))
		return false;
	if (n == 0)
		return true;
	s->commits = xcalloc(n, sizeof(*s->commits));
	s->capcommits = (uint32_t)n;
	for (uint32_t i = 0; i < n; i++) {
		struct dn_commit_queue *q = &s->commits[i];
		uint64_t m;
		if (!account(r, &q->hotkey, na, false, "commit hotkey") ||
		    !count(r, DN_SUBNET_MAX_COMMITS, 48, &m, "commit count"))
			return false;
		s->ncommits = i + 1;
		if (i > 0 && s->commits[i - 1].hotkey >= q->hotkey)
			return bad(r, "commit hotkey", "queues not in ascending hotkey");
		if (m == 0)
			return bad(r, "commit count", "an empty queue is not stored");
		q->n = (uint32_t)m;
		for (uint32_t k = 0; k < m; k++)
			if (!bytes(r, q->c[k].hash, 32, "commit hash") ||
			    !u64(r, &q->c[k].epoch, "commit epoch") ||
			    !u64(r, &q->c[k].block, "commit block"))
				return false;
	}
	return true;
}

/* seen[hotkey] == stamp marks a hotkey holding a uid on this subnet. */
static bool dec_neurons(struct rd *r, struct dn_subnet *s, size_t na, uint32_t *seen,
			uint32_t stamp)
{
	uint64_t n;
	if (!count(r, s->hp.max_allowed_uids, MIN_NEURON, &n, "n (above MaxAllowedUids?)"))
		return false;
	uint32_t nn = (uint32_t)n;
	dn_subnet_reserve(s, nn);
	for (uint32_t u = 0; u < nn; u++) {
		r->index = u;
		r->netuid = s->netuid;
		uint32_t h;
		if (!account(r, &h, na, false, "hotkey"))
			return false;
		if (seen[h] == stamp)
			return bad(r, "hotkey", "holds two uids");
		seen[h] = stamp;
		s->hotkey[u] = h;
		if (!u64(r, &s->registered_at_uid[u], "BlockAtRegistration") ||
		    !u64(r, &s->last_update[u], "LastUpdate") ||
		    !flag(r, &s->permit[u], "ValidatorPermit") ||
		    !dec_row(r, &s->weights[u], nn, "weights") ||
		    !dec_row(r, &s->bonds[u], nn, "bonds") ||
		    !u16(r, &s->stake_weight[u], "StakeWeight") ||
		    !u16(r, &s->consensus[u], "Consensus") ||
		    !u16(r, &s->incentive[u], "Incentive") ||
		    !u16(r, &s->dividends[u], "Dividends") ||
		    !u16(r, &s->validator_trust[u], "ValidatorTrust") ||
		    !flag(r, &s->active[u], "Active") || !u64(r, &s->emission[u], "Emission") ||
		    !dec_axon(r, &s->axon[u]))
			return false;
	}
	s->n = nn;
	at(r, "subnet", s->netuid, true);
	return dec_commits(r, s, na);
}

static bool dec_subnets(struct rd *r, struct dn_chain *c, const struct counts *k)
{
	size_t na = c->naccounts;
	uint32_t *seen = xcalloc(na ? na : 1, sizeof(*seen));
	bool ok = true;
	for (size_t i = 0; i < k->nsubnets && ok; i++) {
		/* the netuid first, to create the subnet and check the order */
		at(r, "subnet", i, true);
		size_t pos = r->d.pos;
		uint16_t netuid;
		if (!u16(r, &netuid, "netuid")) {
			ok = false;
			break;
		}
		r->d.pos = pos;
		if ((i == 0 && netuid != 0) || netuid >= DN_MAX_SUBNETS ||
		    (i > 0 && c->subnets[i - 1]->netuid >= netuid)) {
			ok = bad(r, "netuid", "subnets not ascending from root (0)");
			break;
		}
		struct dn_subnet *s =
			dn_subnet_new(netuid, 0, c->block, &c->p.em, NULL, c->p.min_reserve);
		dn_chain_add_subnet(c, s);
		at(r, "subnet", netuid, true);
		ok = dec_head(r, s, na) && dec_neurons(r, s, na, seen, (uint32_t)i + 1);
		dn_subnet_touch(s);
	}
	free(seen);
	return ok;
}

/* ---- the whole state --------------------------------------------------- */

struct dn_chain *dn_chain_decode(const uint8_t *p, size_t n, struct dn_chain_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	if (!p && n) {
		dn_chain_fail(err, DN_CHAIN_EINVAL, "no input");
		return NULL;
	}
	struct rd r = {.err = err};
	dn_dec_init(&r.d, p, n);
	struct dn_chain t;
	memset(&t, 0, sizeof(t));
	struct counts k;
	if (!dec_globals(&r, &t, &k))
		return NULL;

	/* the chain as dn_chain_new makes one (scratch, stake storage), then
	 * the decoded state in place of its empty genesis */
	struct dn_genesis g = {.params = &t.p, .block = t.block, .sudo = DN_CHAIN_NONE};
	struct dn_chain *c = dn_chain_new(&g, err);
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->nsubnets; i++)
		dn_subnet_free(c->subnets[i]);
	c->nsubnets = 0;
	memcpy(c->parent_hash, t.parent_hash, 32);
	c->sudo = t.sudo;
	c->author = t.author;
	c->est = t.est;
	c->lock = t.lock;
	c->genesis_issuance = t.genesis_issuance;
	c->minted = t.minted;
	c->recycled = t.recycled;
	c->stranded = t.stranded;
	c->stake_excess = t.stake_excess;
	c->last = t.last;

	bool ok = dec_all_accounts(&r, c, &k);
	if (ok && k.nnets) {
		c->stake.nets = xcalloc(k.nnets, sizeof(*c->stake.nets));
		c->stake.nnets = (size_t)k.nnets;
	}
	for (size_t i = 0; ok && i < k.nnets; i++)
		ok = dec_net(&r, &c->stake, i, c->naccounts);
	ok = ok && dec_claims(&r, &c->stake, c->naccounts) && dec_subnets(&r, c, &k);
	if (ok && dn_dec_finish(&r.d)) {
		at(&r, "state", 0, false);
		ok = bad(&r, "end", "trailing bytes");
	}
	if (!ok) {
		dn_chain_free(c);
		return NULL;
	}
	return c;
}
