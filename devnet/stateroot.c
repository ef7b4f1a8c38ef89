/*
 * The state root with its cache of part digests (see stateroot.h).
 */
#include <sodium.h>
#include <string.h>

#include "devnet/codec.h"
#include "devnet/stateroot.h"
#include "devnet/xalloc.h"

#define NONE_GEN UINT64_MAX /* a counter value never seen: hash again */

_Static_assert(DN_STATEROOT_BUCKET == DN_STAKE_GEN_BUCKET,
	       "account buckets and the stake's change buckets must agree");

static const char domain[] = "taodev/state-root/1";

struct acct_bucket {
	uint64_t stake_gen; /* the stake records' bucket counter (dn_stake.bucket_gen) */
	size_t nacct, nstake; /* records held when hashed */
	uint8_t digest[32];
};

/* A subnet's neurons: a digest per neuron and one for the weight commits,
 * combined into the part's digest. */
struct subnet_entry {
	uint16_t netuid;
	const struct dn_subnet *s;
	uint64_t gen, commits_gen;
	uint32_t n, cap;
	uint64_t *uid_gen; /* [cap] s->uid_gen when hashed */
	uint8_t (*uid_digest)[32]; /* [cap] */
	uint8_t commits_digest[32];
	uint8_t digest[32];
};

struct dn_stateroot {
	struct dn_enc enc;
	/* accounts: a copy of the balance records last hashed, and buckets */
	struct dn_account *acct_copy;
	size_t ncopy, capcopy;
	struct acct_bucket *buckets;
	size_t nbuckets;
	/* stake nets by netuid */
	uint64_t *net_gen;
	uint8_t (*net_digest)[32];
	size_t nnets;
	/* subnets in order, heads hashed always, neurons cached */
	struct subnet_entry *sn;
	size_t nsn;
	/* every digest of the root, in order */
	uint8_t (*leaves)[32];
	size_t cap_leaves;
	struct dn_stateroot_stats stats;
};

struct dn_stateroot *dn_stateroot_new(void)
{
	struct dn_stateroot *r = xcalloc(1, sizeof(*r));
	dn_enc_init(&r->enc);
	return r;
}

void dn_stateroot_free(struct dn_stateroot *r)
{
	if (!r)
		return;
	dn_enc_release(&r->enc);
	free(r->acct_copy);
	free(r->buckets);
	free(r->net_gen);
	free(r->net_digest);
	for (size_t i = 0; i < r->nsn; i++) {
		free(r->sn[i].uid_gen);
		free(r->sn[i].uid_digest);
	}
	free(r->sn);
	free(r->leaves);
	free(r);
}

const struct dn_stateroot_stats *dn_stateroot_stats(const struct dn_stateroot *r)
{
	return &r->stats;
}

/* Hashes what enc holds into out. */
static void digest(struct dn_stateroot_stats *st, const struct dn_enc *e, uint8_t out[32])
{
	crypto_generichash(out, 32, e->buf, e->len, NULL, 0);
	st->rehashed++;
	st->bytes += e->len;
}

static void hash_accounts(struct dn_enc *e, struct dn_stateroot_stats *st, const struct dn_chain *c,
			  size_t b, uint8_t out[32])
{
	size_t lo = b * DN_STATEROOT_BUCKET, hi = lo + DN_STATEROOT_BUCKET;
	size_t na = dn_chain_encode_naccounts(c);
	if (hi > na)
		hi = na;
	dn_enc_reset(e);
	for (size_t i = lo; i < hi; i++)
		dn_chain_encode_account(c, i, e);
	digest(st, e, out);
}

static void hash_net(struct dn_enc *e, struct dn_stateroot_stats *st, const struct dn_chain *c,
		     size_t n, uint8_t out[32])
{
	dn_enc_reset(e);
	dn_chain_encode_stake_net(c, n, e);
	digest(st, e, out);
}

static void hash_part(struct dn_enc *e, struct dn_stateroot_stats *st, const struct dn_chain *c,
		      const struct dn_subnet *s,
		      void (*part)(const struct dn_chain *, struct dn_enc *),
		      void (*spart)(const struct dn_subnet *, struct dn_enc *), uint8_t out[32])
{
	dn_enc_reset(e);
	if (part)
		part(c, e);
	else
		spart(s, e);
	digest(st, e, out);
}

static void hash_neuron(struct dn_enc *e, struct dn_stateroot_stats *st, const struct dn_subnet *s,
			uint32_t u, uint8_t out[32])
{
	dn_enc_reset(e);
	dn_chain_encode_neuron(s, u, e);
	digest(st, e, out);
}

/* The neurons part: BLAKE2b-256 of n (u32 LE), each neuron's digest and
 * the commits' digest. */
static void neurons_digest(uint32_t n, uint8_t (*uid_digest)[32], const uint8_t commits[32],
			   uint8_t out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	uint8_t cnt[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
	crypto_generichash_update(&h, cnt, 4);
	crypto_generichash_update(&h, (const uint8_t *)uid_digest, (size_t)n * 32);
	crypto_generichash_update(&h, commits, 32);
	crypto_generichash_final(&h, out, 32);
}

static void hash_neurons_full(struct dn_enc *e, struct dn_stateroot_stats *st,
			      const struct dn_subnet *s, uint8_t out[32])
{
	uint8_t(*d)[32] = xreallocarray(NULL, s->n ? s->n : 1, 32);
	for (uint32_t u = 0; u < s->n; u++)
		hash_neuron(e, st, s, u, d[u]);
	uint8_t commits[32];
	hash_part(e, st, NULL, s, NULL, dn_chain_encode_subnet_commits, commits);
	neurons_digest(s->n, d, commits, out);
	free(d);
}

/* The root over the leaves. */
static void combine(uint8_t (*leaves)[32], size_t n, uint8_t root[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const uint8_t *)domain, sizeof(domain) - 1);
	uint8_t cnt[8];
	for (int i = 0; i < 8; i++)
		cnt[i] = (uint8_t)((uint64_t)n >> (8 * i));
	crypto_generichash_update(&h, cnt, sizeof(cnt));
	crypto_generichash_update(&h, (const uint8_t *)leaves, n * 32);
	crypto_generichash_final(&h, root, 32);
}

static size_t nbuckets_of(const struct dn_chain *c)
{
	return (dn_chain_encode_naccounts(c) + DN_STATEROOT_BUCKET - 1) / DN_STATEROOT_BUCKET;
}

static size_t nleaves_of(const struct dn_chain *c)
{
	return 1 + nbuckets_of(c) + c->stake.nnets + 1 + 2 * c->nsubnets;
}

void dn_stateroot_full(const struct dn_chain *c, uint8_t root[32])
{
	struct dn_enc e;
	dn_enc_init(&e);
	struct dn_stateroot_stats st = {0};
	size_t n = nleaves_of(c), k = 0;
	uint8_t(*leaves)[32] = xreallocarray(NULL, n, 32);
	hash_part(&e, &st, c, NULL, dn_chain_encode_globals, NULL, leaves[k++]);
	for (size_t b = 0; b < nbuckets_of(c); b++)
		hash_accounts(&e, &st, c, b, leaves[k++]);
	for (size_t i = 0; i < c->stake.nnets; i++)
		hash_net(&e, &st, c, i, leaves[k++]);
	hash_part(&e, &st, c, NULL, dn_chain_encode_claims, NULL, leaves[k++]);
	for (size_t i = 0; i < c->nsubnets; i++) {
		hash_part(&e, &st, c, c->subnets[i], NULL, dn_chain_encode_subnet_head,
			  leaves[k++]);
		hash_neurons_full(&e, &st, c->subnets[i], leaves[k++]);
	}
	combine(leaves, n, root);
	free(leaves);
	dn_enc_release(&e);
}

/* Has any account record of bucket b changed since it was hashed? */
static bool bucket_changed(struct dn_stateroot *r, const struct dn_chain *c, size_t b,
			   uint64_t *stake_gen)
{
	size_t lo = b * DN_STATEROOT_BUCKET, hi = lo + DN_STATEROOT_BUCKET;
	size_t ha = hi < c->naccounts ? hi : c->naccounts;
	size_t hs = hi < c->stake.naccounts ? hi : c->stake.naccounts;
	/* the bucket's last stake change (stake.c keeps it per bucket) */
	uint64_t g = b < c->stake.nbucket_gen ? c->stake.bucket_gen[b] : 0;
	*stake_gen = g;
	const struct acct_bucket *k = &r->buckets[b];
	size_t nacct = ha > lo ? ha - lo : 0, nstake = hs > lo ? hs - lo : 0;
	if (k->nacct != nacct || k->nstake != nstake || k->stake_gen != g)
		return true;
	return nacct && memcmp(r->acct_copy + lo, c->acct + lo, nacct * sizeof(*c->acct)) != 0;
}

void dn_stateroot_compute(struct dn_stateroot *r, const struct dn_chain *c, uint8_t root[32])
{
	struct dn_stateroot_stats *st = &r->stats;
	*st = (struct dn_stateroot_stats){0};
	size_t n = nleaves_of(c), k = 0;
	if (n > r->cap_leaves) {
		r->leaves = xreallocarray(r->leaves, n, 32);
		r->cap_leaves = n;
	}
	st->parts = n;
	hash_part(&r->enc, st, c, NULL, dn_chain_encode_globals, NULL, r->leaves[k++]);

	/* accounts */
	size_t nb = nbuckets_of(c);
	if (nb > r->nbuckets) {
		r->buckets = xreallocarray(r->buckets, nb, sizeof(*r->buckets));
		for (size_t b = r->nbuckets; b < nb; b++)
			r->buckets[b] = (struct acct_bucket){.nacct = SIZE_MAX};
		r->nbuckets = nb;
	}
	if (c->naccounts > r->capcopy) {
		r->acct_copy = xreallocarray(r->acct_copy, c->naccounts, sizeof(*c->acct));
		r->capcopy = c->naccounts;
	}
	for (size_t b = 0; b < nb; b++) {
		struct acct_bucket *bk = &r->buckets[b];
		uint64_t g;
		if (bucket_changed(r, c, b, &g)) {
			size_t lo = b * DN_STATEROOT_BUCKET, hi = lo + DN_STATEROOT_BUCKET;
			size_t ha = hi < c->naccounts ? hi : c->naccounts;
			size_t hs = hi < c->stake.naccounts ? hi : c->stake.naccounts;
			hash_accounts(&r->enc, st, c, b, bk->digest);
			bk->stake_gen = g;
			bk->nacct = ha > lo ? ha - lo : 0;
			bk->nstake = hs > lo ? hs - lo : 0;
			if (bk->nacct)
				memcpy(r->acct_copy + lo, c->acct + lo,
				       bk->nacct * sizeof(*c->acct));
		}
		memcpy(r->leaves[k++], bk->digest, 32);
	}

	/* stake nets */
	if (c->stake.nnets > r->nnets) {
		r->net_gen = xreallocarray(r->net_gen, c->stake.nnets, sizeof(*r->net_gen));
		r->net_digest = xreallocarray(r->net_digest, c->stake.nnets, 32);
		for (size_t i = r->nnets; i < c->stake.nnets; i++)
			r->net_gen[i] = NONE_GEN;
		r->nnets = c->stake.nnets;
	}
	for (size_t i = 0; i < c->stake.nnets; i++) {
		if (r->net_gen[i] != c->stake.nets[i].gen) {
			hash_net(&r->enc, st, c, i, r->net_digest[i]);
			r->net_gen[i] = c->stake.nets[i].gen;
		}
		memcpy(r->leaves[k++], r->net_digest[i], 32);
	}
	hash_part(&r->enc, st, c, NULL, dn_chain_encode_claims, NULL, r->leaves[k++]);

	/* subnets: heads always, neurons by their change counters */
	if (c->nsubnets != r->nsn) {
		for (size_t i = 0; i < r->nsn; i++) {
			free(r->sn[i].uid_gen);
			free(r->sn[i].uid_digest);
		}
		r->sn = xreallocarray(r->sn, c->nsubnets ? c->nsubnets : 1, sizeof(*r->sn));
		memset(r->sn, 0, c->nsubnets * sizeof(*r->sn));
		r->nsn = c->nsubnets;
	}
	for (size_t i = 0; i < c->nsubnets; i++) {
		const struct dn_subnet *s = c->subnets[i];
		struct subnet_entry *se = &r->sn[i];
		hash_part(&r->enc, st, c, s, NULL, dn_chain_encode_subnet_head, r->leaves[k++]);
		bool all =
			se->s != s || se->netuid != s->netuid || se->gen != s->gen || se->n != s->n;
		if (s->n > se->cap) {
			se->uid_gen = xreallocarray(se->uid_gen, s->n, sizeof(*se->uid_gen));
			se->uid_digest = xreallocarray(se->uid_digest, s->n, 32);
			se->cap = s->n;
		}
		bool changed = all;
		for (uint32_t u = 0; u < s->n; u++) {
			if (!all && se->uid_gen[u] == s->uid_gen[u])
				continue;
			hash_neuron(&r->enc, st, s, u, se->uid_digest[u]);
			se->uid_gen[u] = s->uid_gen[u];
			changed = true;
		}
		if (all || se->commits_gen != s->commits_gen) {
			hash_part(&r->enc, st, c, s, NULL, dn_chain_encode_subnet_commits,
				  se->commits_digest);
			se->commits_gen = s->commits_gen;
			changed = true;
		}
		if (changed)
			neurons_digest(s->n, se->uid_digest, se->commits_digest, se->digest);
		se->netuid = s->netuid;
		se->s = s;
		se->gen = s->gen;
		se->n = s->n;
		memcpy(r->leaves[k++], se->digest, 32);
	}
	combine(r->leaves, n, root);
}
