/*
 * The chain's invariants and its canonical encoding (see chain.h). Every
 * identity below is derived from where the rules put TAO and alpha; each
 * failure message names the identity, where it failed and by how much.
 */
#include <stdlib.h>
#include <string.h>

#include "devnet/chain.h"
#include "devnet/chain_impl.h"
#include "devnet/codec.h"
#include "devnet/xalloc.h"

#define FAIL(...) dn_chain_fail(err, DN_CHAIN_ECHECK, __VA_ARGS__)

static dn_i128 diff(dn_u128 a, dn_u128 b) { return (dn_i128)a - (dn_i128)b; }

static bool pending_any(const struct dn_emission_subnet *e)
{
	return e->pending_server || e->pending_validator || e->pending_root || e->pending_owner_cut;
}

/* ---- TAO --------------------------------------------------------------- */

static void check_tao(const struct dn_chain *c, struct dn_chain_err *err)
{
	const struct dn_emission_state *st = &c->est;
	if (st->total_issuance != st->balances_issuance)
		FAIL("TotalIssuance %u != balances issuance %u (off by %I)", st->total_issuance,
		     st->balances_issuance, diff(st->total_issuance, st->balances_issuance));

	/* flow: the only ways TAO appears or leaves are the mint and the recycle */
	dn_u128 flow = (dn_u128)c->genesis_issuance + c->minted - c->recycled;
	if (flow != st->total_issuance)
		FAIL("TotalIssuance %u != genesis %u + minted %U - recycled %U (off by %I)",
		     st->total_issuance, c->genesis_issuance, c->minted, c->recycled,
		     diff(st->total_issuance, flow));

	/* stock: every TAO sits somewhere */
	dn_u128 free = 0, pools = 0;
	for (size_t i = 0; i < c->naccounts; i++)
		free += c->acct[i].free;
	for (size_t i = 1; i < c->nsubnets; i++)
		pools += c->subnets[i]->em.pool.tao;
	dn_u128 stock = free + st->root_tao + pools + c->stranded;
	if (stock != st->balances_issuance)
		FAIL("issuance %u != free %U + root stake %u + SubnetTAO %U + stranded %U (off by "
		     "%I)",
		     st->balances_issuance, free, st->root_tao, pools, c->stranded,
		     diff(st->balances_issuance, stock));

	dn_u128 staked = st->root_tao + pools + c->stake_excess;
	if ((dn_u128)st->total_stake != staked)
		FAIL("TotalStake %u != root stake %u + SubnetTAO %U + buy fees %u (off by %I)",
		     st->total_stake, st->root_tao, pools, c->stake_excess,
		     diff(st->total_stake, staked));

	uint64_t root_pools = dn_stake_net_total(&c->stake, 0);
	if (root_pools != st->root_tao)
		FAIL("SubnetTAO[root] %u != root share pools %u (off by %I)", st->root_tao,
		     root_pools, diff(st->root_tao, root_pools));

	const struct dn_emission_result *r = &c->last;
	dn_u128 spent = (dn_u128)r->injected_tao + r->bought_tao + r->stranded + r->recycled;
	if (spent != r->credit)
		FAIL("block %u: credit %u != injected %u + bought %u + stranded %u + recycled %u",
		     c->block, r->credit, r->injected_tao, r->bought_tao, r->stranded, r->recycled);
}

/* ---- alpha ------------------------------------------------------------- */

/* Σ owed to root stakers per netuid (owed[netuid], also the number of
 * (hotkey, coldkey) pairs in npairs[netuid]), for netuids < nnet. */
static void root_owed(const struct dn_chain *c, size_t nnet, dn_u128 *owed, uint64_t *npairs)
{
	const struct dn_stake_net *root = dn_stake_net(&c->stake, 0);
	if (!root)
		return;
	for (size_t k = 0; k < root->n; k++) {
		const struct dn_stake_pool *p = &root->pools[k];
		size_t nr;
		const struct dn_stake_rate *rt = dn_stake_rates(&c->stake, p->hotkey, &nr);
		for (size_t j = 0; j < nr; j++) {
			if (rt[j].netuid >= nnet)
				continue;
			for (uint32_t i = 0; i < p->nholders; i++) {
				uint32_t ck = p->holders[i].coldkey;
				uint64_t stake = dn_sharepool_value(&p->sp, &p->holders[i].share);
				dn_u128 cl =
					dn_stake_claimed(&c->stake, rt[j].netuid, p->hotkey, ck);
				owed[rt[j].netuid] += dn_rootclaim_owed_u64(
					dn_rootclaim_owed(rt[j].rate, stake, cl));
				npairs[rt[j].netuid]++;
			}
		}
	}
}

static void check_alpha(const struct dn_chain *c, const struct dn_subnet *s, dn_u128 owed,
			uint64_t npairs, struct dn_chain_err *err)
{
	const struct dn_emission_subnet *e = &s->em;
	const struct dn_subnet_ledger *l = &s->ledger;
	uint64_t net = s->netuid;

	/* issuance: swaps move alpha between in and out; only minting and
	 * recycling change the sum */
	dn_i128 issued =
		(dn_i128)l->alpha_genesis + (dn_i128)l->alpha_minted - (dn_i128)l->alpha_recycled;
	dn_i128 have = (dn_i128)e->pool.alpha_in + e->pool.alpha_out;
	if (have != issued)
		FAIL("subnet %u: alpha in %u + out %u != genesis %u + minted %U - recycled %U (off "
		     "by %I)",
		     net, e->pool.alpha_in, e->pool.alpha_out, l->alpha_genesis, l->alpha_minted,
		     l->alpha_recycled, have - issued);

	/* holdings: who holds the outstanding alpha */
	dn_i128 stakes = dn_stake_net_total(&c->stake, s->netuid);
	dn_i128 pending = (dn_i128)e->pending_server + e->pending_validator + e->pending_root +
			  e->pending_owner_cut;
	dn_i128 held = stakes + pending + (dn_i128)e->protocol_alpha + l->claimable +
		       (dn_i128)l->alpha_burned + (dn_i128)l->dust_coinbase + l->dust_other;
	if ((dn_i128)e->pool.alpha_out != held)
		FAIL("subnet %u: SubnetAlphaOut %u != stakes %I + pending %I + protocol %u + "
		     "claimable %I + burned %U + dust %U + %I (off by %I)",
		     net, e->pool.alpha_out, stakes, pending, e->protocol_alpha, l->claimable,
		     l->alpha_burned, l->dust_coinbase, l->dust_other,
		     (dn_i128)e->pool.alpha_out - held);

	if (l->dust_coinbase > (dn_u128)3 * l->blocks_emitted)
		FAIL("subnet %u: coinbase dust %U above 3 rao x %u emitting blocks", net,
		     l->dust_coinbase, l->blocks_emitted);
	if (l->dust_other < 0)
		FAIL("subnet %u: the distributions paid %I more than they drained", net,
		     -l->dust_other);
	if (l->claimable < 0)
		FAIL("subnet %u: root stakers claimed %I more than was set aside", net,
		     -l->claimable);
	dn_i128 bound = l->claimable + (dn_i128)npairs + (dn_i128)l->claim_slack;
	if ((dn_i128)owed > bound)
		FAIL("subnet %u: root stakers are owed %U, above the %I set aside (+ %u pairs + %u "
		     "rounding)",
		     net, owed, l->claimable, npairs, l->claim_slack);
}

/* ---- stake ------------------------------------------------------------- */

static void check_stake(const struct dn_chain *c, struct dn_chain_err *err)
{
	const struct dn_stake *st = &c->stake;
	for (size_t n = 0; n < st->nnets; n++) {
		const struct dn_stake_net *net = &st->nets[n];
		dn_u128 sum = 0;
		for (size_t k = 0; k < net->n; k++) {
			const struct dn_stake_pool *p = &net->pools[k];
			sum += p->sp.value;
			if (k > 0 && net->pools[k - 1].hotkey >= p->hotkey)
				FAIL("netuid %u: pools out of order at hotkey %u", (uint64_t)n,
				     (uint64_t)p->hotkey);
			if ((p->sp.value || p->nholders) &&
			    dn_stake_owner(st, p->hotkey) == DN_STAKE_NONE)
				FAIL("netuid %u: hotkey %u holds stake but has no owner",
				     (uint64_t)n, (uint64_t)p->hotkey);
			if (p->nholders == 0)
				continue;
			dn_u128 held = 0;
			for (uint32_t i = 0; i < p->nholders; i++) {
				held += dn_sharepool_value(&p->sp, &p->holders[i].share);
				if (i > 0 && p->holders[i - 1].coldkey >= p->holders[i].coldkey)
					FAIL("netuid %u: hotkey %u: holders out of order",
					     (uint64_t)n, (uint64_t)p->hotkey);
			}
			dn_i128 d = diff(held, p->sp.value);
			if (d > (dn_i128)p->nholders || -d > (dn_i128)p->nholders)
				FAIL("netuid %u: hotkey %u: holders' stakes %U != pool value %u "
				     "(off "
				     "by %I, %u holders)",
				     (uint64_t)n, (uint64_t)p->hotkey, held, p->sp.value, d,
				     (uint64_t)p->nholders);
		}
		if (sum != net->total)
			FAIL("netuid %u: kept stake total %u != pools' sum %U", (uint64_t)n,
			     net->total, sum);
	}
	for (size_t i = 0; i < st->nclaimers; i++)
		if (st->claimers[i] >= st->naccounts ||
		    st->acct[st->claimers[i]].claim_index != (uint32_t)i)
			FAIL("staking coldkey index %u is inconsistent", (uint64_t)i);
}

/* ---- structure --------------------------------------------------------- */

static void check_structure(const struct dn_chain *c, struct dn_chain_err *err)
{
	for (size_t i = 0; i < c->naccounts; i++) {
		if (c->index[i] >= c->naccounts)
			FAIL("account index entry %u out of range", (uint64_t)i);
		else if (i > 0 &&
			 memcmp(c->acct[c->index[i - 1]].key, c->acct[c->index[i]].key, 32) >= 0)
			FAIL("account index not strictly sorted at %u", (uint64_t)i);
	}
	if (c->nsubnets == 0 || c->subnets[0]->netuid != 0) {
		FAIL("the root subnet is missing");
		return;
	}
	const struct dn_subnet *root = c->subnets[0];
	if (root->em.pool.tao || root->em.pool.alpha_in || root->em.pool.alpha_out ||
	    pending_any(&root->em))
		FAIL("the root subnet's pool or pending emission is not empty");

	uint32_t *seen = xcalloc(c->naccounts ? c->naccounts : 1, sizeof(uint32_t));
	for (size_t i = 0; i < c->nsubnets; i++) {
		const struct dn_subnet *s = c->subnets[i];
		uint64_t net = s->netuid;
		if (i > 0 && c->subnets[i - 1]->netuid >= s->netuid)
			FAIL("subnets out of order at netuid %u", net);
		if (s->n > s->hp.max_allowed_uids)
			FAIL("subnet %u: %u uids above MaxAllowedUids %u", net, (uint64_t)s->n,
			     (uint64_t)s->hp.max_allowed_uids);
		for (uint32_t u = 0; u < s->n; u++) {
			uint32_t h = s->hotkey[u];
			if (h >= c->naccounts) {
				FAIL("subnet %u: uid %u: hotkey out of range", net, (uint64_t)u);
				continue;
			}
			if (seen[h] == (uint32_t)i + 1)
				FAIL("subnet %u: hotkey %u holds two uids", net, (uint64_t)h);
			seen[h] = (uint32_t)i + 1;
			if (dn_stake_owner(&c->stake, h) == DN_STAKE_NONE)
				FAIL("subnet %u: uid %u's hotkey has no owner", net, (uint64_t)u);
			const struct dn_row16 *rows[2] = {&s->weights[u], &s->bonds[u]};
			for (int k = 0; k < 2; k++)
				for (uint32_t j = 0; j < rows[k]->len; j++)
					if (rows[k]->uid[j] >= s->n)
						FAIL("subnet %u: uid %u: %s entry names uid %u >= "
						     "n",
						     net, (uint64_t)u, k ? "bonds" : "weights",
						     (uint64_t)rows[k]->uid[j]);
		}
		/* WeightCommits: one non-empty queue of at most 10 per hotkey,
		 * ascending (the lookups bisect) */
		for (uint32_t k = 0; k < s->ncommits; k++) {
			const struct dn_commit_queue *q = &s->commits[k];
			if (q->hotkey >= c->naccounts ||
			    (k > 0 && s->commits[k - 1].hotkey >= q->hotkey))
				FAIL("subnet %u: commit queue %u: hotkey out of range or order",
				     net, (uint64_t)k);
			if (q->n == 0 || q->n > DN_SUBNET_MAX_COMMITS)
				FAIL("subnet %u: commit queue %u holds %u commits", net,
				     (uint64_t)k, (uint64_t)q->n);
		}
		if (i == 0)
			continue;
		const struct dn_schedule *sc = &s->em.sched;
		if (sc->tempo && sc->pending_epoch_at == 0 &&
		    c->block - sc->last_epoch_block >= sc->tempo &&
		    c->block >= sc->last_epoch_block)
			FAIL("subnet %u: epoch overdue: last %u, tempo %u, block %u", net,
			     sc->last_epoch_block, (uint64_t)sc->tempo, c->block);
		if (s->em.pool.dynamic && !dn_balancer_weight_ok(s->em.pool.w_quote))
			FAIL("subnet %u: pool quote weight %u outside [0.01, 0.99]", net,
			     s->em.pool.w_quote);
	}
	free(seen);
}

int dn_chain_check(const struct dn_chain *c, struct dn_chain_err *err)
{
	struct dn_chain_err local;
	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	check_tao(c, err);
	check_stake(c, err);
	check_structure(c, err);
	uint16_t top = c->nsubnets ? c->subnets[c->nsubnets - 1]->netuid : 0;
	size_t nnet = (size_t)top + 1;
	dn_u128 *owed = xcalloc(nnet, sizeof(*owed));
	uint64_t *npairs = xcalloc(nnet, sizeof(*npairs));
	root_owed(c, nnet, owed, npairs);
	for (size_t i = 1; i < c->nsubnets; i++) {
		const struct dn_subnet *s = c->subnets[i];
		check_alpha(c, s, owed[s->netuid], npairs[s->netuid], err);
	}
	free(owed);
	free(npairs);
	return err->count ? DN_CHAIN_ECHECK : 0;
}
