/*
 * devnet/chain: the composed chain state and its block step. The default
 * genesis runs 2 000 blocks with every invariant checked after every block
 * while a twin chain stays byte-identical; epochs fire exactly when an
 * independent model of the schedule says; the split follows the EMA prices
 * and MinerBurned; the block reward halves at the issuance threshold;
 * dividends, incentives, owner cut and root claims reach stakes; a subnet
 * with emission disabled gets no TAO; a fresh chain recycles its reward;
 * a lone subnet pays no root dividends; bad genesis and broken state are
 * reported.
 */
#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/keys.h"
#include "tests/tap.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAO 1000000000ULL
#define NONE DN_CHAIN_NONE

/* I96F32 bits of pct / 100. */
static dn_i96f32 ema_pct(unsigned pct) { return (dn_i96f32)(((dn_u128)pct << 32) / 100); }

/* ---- a genesis builder ------------------------------------------------- */

struct gb {
	struct dn_chain_params p;
	struct dn_genesis g;
	struct dn_genesis_account acc[256];
	struct dn_genesis_hotkey hk[256];
	struct dn_genesis_subnet sn[32];
	struct dn_genesis_neuron ne[256];
	struct dn_genesis_stake st[256];
	struct dn_genesis_weights w[64];
	uint16_t wu[64][16], wv[64][16];
};

static void gb_init(struct gb *b, uint64_t block)
{
	memset(b, 0, sizeof(*b));
	dn_chain_params_default(&b->p);
	b->g = (struct dn_genesis){.params = &b->p, .block = block, .sudo = NONE};
	b->g.accounts = b->acc;
	b->g.hotkeys = b->hk;
	b->g.subnets = b->sn;
	b->g.neurons = b->ne;
	b->g.stakes = b->st;
	b->g.weights = b->w;
}

static uint32_t gb_account(struct gb *b, uint64_t free)
{
	uint32_t a = (uint32_t)b->g.naccounts++;
	b->acc[a].key[0] = 0xa0;
	b->acc[a].key[1] = (uint8_t)(a >> 8);
	b->acc[a].key[2] = (uint8_t)a;
	b->acc[a].key[31] = (uint8_t)(a * 37); /* AccountId order != index order */
	b->acc[a].key[0] ^= (uint8_t)(a * 101);
	b->acc[a].free = free;
	return a;
}

static uint32_t gb_hotkey(struct gb *b, uint32_t coldkey)
{
	uint32_t h = gb_account(b, 0);
	b->hk[b->g.nhotkeys++] = (struct dn_genesis_hotkey){h, coldkey, 0};
	return h;
}

/* A started subnet with an owner hotkey (uid 0); returns the owner hotkey. */
static uint32_t gb_subnet(struct gb *b, uint16_t netuid, uint32_t owner, uint16_t tempo,
			  uint64_t tao, uint64_t alpha_in, unsigned ema, bool started, bool enabled)
{
	uint32_t oh = gb_hotkey(b, owner);
	b->sn[b->g.nsubnets++] = (struct dn_genesis_subnet){
		netuid, owner, oh, tempo, tao, alpha_in, started, enabled, ema_pct(ema), NULL};
	return oh;
}

static void gb_neuron(struct gb *b, uint16_t netuid, uint32_t hotkey, bool permit)
{
	b->ne[b->g.nneurons++] = (struct dn_genesis_neuron){netuid, hotkey, permit};
}

static void gb_stake(struct gb *b, uint32_t hotkey, uint32_t coldkey, uint16_t netuid,
		     uint64_t amount)
{
	b->st[b->g.nstakes++] = (struct dn_genesis_stake){hotkey, coldkey, netuid, amount};
}

static void gb_weights(struct gb *b, uint16_t netuid, uint32_t hotkey, uint64_t block, uint32_t n,
		       const uint16_t *uids, const uint16_t *vals)
{
	size_t i = b->g.nweights++;
	memcpy(b->wu[i], uids, n * sizeof(uint16_t));
	memcpy(b->wv[i], vals, n * sizeof(uint16_t));
	b->w[i] = (struct dn_genesis_weights){netuid, hotkey, block, n, b->wu[i], b->wv[i]};
}

/* A subnet with `nv` validators (permits, alpha stake) weighing `nm`
 * miners; returns the first validator hotkey (the others follow). */
static uint32_t gb_economy(struct gb *b, uint16_t netuid, uint32_t owner, uint32_t nv, uint32_t nm,
			   uint64_t block)
{
	uint32_t first = 0;
	uint32_t hv[8], hm[8];
	for (uint32_t i = 0; i < nv; i++) {
		hv[i] = gb_hotkey(b, owner);
		if (i == 0)
			first = hv[i];
		gb_neuron(b, netuid, hv[i], true);
		gb_stake(b, hv[i], owner, netuid, (1000 + 100 * i) * TAO);
	}
	for (uint32_t i = 0; i < nm; i++) {
		uint32_t ck = gb_account(b, TAO);
		hm[i] = gb_hotkey(b, ck);
		gb_neuron(b, netuid, hm[i], false);
	}
	for (uint32_t i = 0; i < nv; i++) {
		uint16_t uids[8], vals[8];
		for (uint32_t m = 0; m < nm; m++) {
			uids[m] = (uint16_t)(1 + nv + m);
			vals[m] = (uint16_t)(1000 + 7919 * ((i + 3 * m) % 7));
		}
		gb_weights(b, netuid, hv[i], block + 1, nm, uids, vals);
	}
	return first;
}

static struct dn_chain *gb_chain(struct gb *b)
{
	struct dn_chain_err err;
	struct dn_chain *c = dn_chain_new(&b->g, &err);
	if (!c)
		diag("genesis refused: %s", err.msg);
	return c;
}

static struct dn_chain *default_chain(void)
{
	struct dn_genesis *g = dn_genesis_default_new();
	struct dn_chain_err err;
	struct dn_chain *c = dn_chain_new(g, &err);
	dn_genesis_default_free(g);
	if (!c)
		diag("default genesis refused: %s", err.msg);
	return c;
}

/* ---- the default genesis ----------------------------------------------- */

static void test_default_genesis(void)
{
	struct dn_chain *c = default_chain();
	ok(c != NULL, "the default genesis builds");
	if (!c) {
		skip(6, "no chain");
		return;
	}
	struct dn_keypair kp;
	const char *names[] = {"alice", "bob", "charlie", "dave", "eve", "ferdie"};
	int good = 0;
	for (int i = 0; i < 6; i++) {
		dn_keys_dev(names[i], &kp);
		uint32_t a = dn_chain_account(c, kp.public_key);
		good += a != NONE && c->acct[a].free == (i < 3 ? 1000000 : 2000) * TAO;
	}
	is_int(good, 6, "alice, bob, charlie hold 1 000 000 TAO, dave, eve, ferdie 2 000");
	dn_keys_dev("alice", &kp);
	ok(c->sudo == dn_chain_account(c, kp.public_key), "alice is sudo");
	ok(c->nsubnets == 5 && c->subnets[0]->netuid == 0 && dn_chain_subnet(c, 4) != NULL,
	   "root and subnets 1..4 exist");
	struct dn_subnet *s4 = dn_chain_subnet(c, 4);
	ok(s4 && !s4->em.emission_enabled && s4->em.subtoken_enabled,
	   "subnet 4 is started with its TAO-side emission disabled");
	struct dn_chain_err err;
	int rc = dn_chain_check(c, &err);
	ok(rc == 0, "the genesis keeps every invariant%s%s", rc ? ": " : "", rc ? err.msg : "");
	ok(c->est.total_issuance == c->genesis_issuance &&
		   c->est.total_stake == c->est.root_tao + dn_chain_subnet(c, 1)->em.pool.tao +
						 dn_chain_subnet(c, 2)->em.pool.tao +
						 dn_chain_subnet(c, 3)->em.pool.tao +
						 s4->em.pool.tao,
	   "issuance and TotalStake add up at genesis");
	dn_chain_free(c);
}

/* 2 000 blocks, dn_chain_check after each, a twin chain byte-identical at
 * each, and what the events say adds up. */
static void test_default_run(void)
{
	struct dn_chain *a = default_chain(), *b = default_chain();
	if (!a || !b) {
		skip(8, "no chain");
		return;
	}
	struct dn_block_events ev, evb;
	dn_block_events_init(&ev);
	dn_block_events_init(&evb);
	struct dn_enc ea, eb;
	dn_enc_init(&ea);
	dn_enc_init(&eb);
	struct dn_chain_err err;
	int step_bad = 0, check_bad = 0, twin_bad = 0, credit_bad = 0;
	uint64_t epochs = 0, claims = 0, dist_bad = 0;
	uint64_t issuance0 = a->est.total_issuance;
	for (int i = 0; i < 2000; i++) {
		if (dn_chain_step(a, &ev, &err) || dn_chain_step(b, &evb, NULL)) {
			if (!step_bad++)
				diag("block %d: step failed: %s", i + 1, err.msg);
			break;
		}
		if (dn_chain_check(a, &err) && !check_bad++)
			diag("block %llu: %s (%u failures)", (unsigned long long)a->block, err.msg,
			     err.count);
		dn_enc_reset(&ea);
		dn_enc_reset(&eb);
		dn_chain_encode(a, &ea);
		dn_chain_encode(b, &eb);
		if ((ea.len != eb.len || memcmp(ea.buf, eb.buf, ea.len) != 0) && !twin_bad++)
			diag("block %llu: the twin chains differ", (unsigned long long)a->block);
		const struct dn_emission_result *r = &ev.coinbase;
		if (r->credit != r->injected_tao + r->bought_tao + r->stranded + r->recycled)
			credit_bad++;
		for (size_t k = 0; k < ev.nepochs; k++) {
			const struct dn_epoch_event *e = &ev.epochs[k];
			if (e->outcome != DN_SCHEDULE_RUN)
				continue;
			epochs++;
			uint64_t drained = e->server + e->validator + e->root + e->owner_cut;
			if ((int64_t)(drained - e->staked - e->claimable - e->burned -
				      e->recycled) != e->undistributed ||
			    e->undistributed < 0)
				dist_bad++;
		}
		claims += ev.nclaims;
	}
	is_int(step_bad, 0, "2 000 blocks of the default genesis step without error");
	is_int(check_bad, 0, "every invariant holds after every block");
	is_int(twin_bad, 0, "two chains from one genesis stay byte-identical at every block");
	is_int(credit_bad, 0,
	       "every block spends its credit: injected + bought + stranded + recycled");
	is_int(dist_bad, 0, "every distribution pays what it drained, up to non-negative dust");
	is_int((int64_t)epochs, 4 * 5, "each of the 4 subnets ran 5 epochs (tempo 360)");
	ok(claims > 0, "root stakers auto-claimed (%llu claims)", (unsigned long long)claims);
	ok(a->est.total_issuance > issuance0 + 1999 * TAO &&
		   a->est.total_issuance <= issuance0 + 2000 * TAO,
	   "issuance grew by the 2 000 block rewards, less rounding recycled");
	dn_enc_release(&ea);
	dn_enc_release(&eb);
	dn_block_events_release(&ev);
	dn_block_events_release(&evb);
	dn_chain_free(a);
	dn_chain_free(b);
}

/* The encoding is not vacuous: changing any of a few fields changes it. */
static void test_encoding(void)
{
	struct dn_chain *c = default_chain();
	if (!c) {
		skip(1, "no chain");
		return;
	}
	struct dn_enc e0, e1;
	dn_enc_init(&e0);
	dn_enc_init(&e1);
	dn_chain_encode(c, &e0);
	struct dn_subnet *s = dn_chain_subnet(c, 2);
	int differ = 0;
	for (int k = 0; k < 5; k++) {
		switch (k) {
		case 0: c->acct[3].free++; break;
		case 1: s->em.pool.w_quote++; break;
		case 2: s->weights[1].val[0]++; break;
		case 3: c->stake.nets[1].pools[0].holders[0].share.exponent++; break;
		case 4: s->ledger.dust_other++; break;
		}
		dn_enc_reset(&e1);
		dn_chain_encode(c, &e1);
		differ += e1.len != e0.len || memcmp(e1.buf, e0.buf, e0.len) != 0;
		switch (k) {
		case 0: c->acct[3].free--; break;
		case 1: s->em.pool.w_quote--; break;
		case 2: s->weights[1].val[0]--; break;
		case 3: c->stake.nets[1].pools[0].holders[0].share.exponent--; break;
		case 4: s->ledger.dust_other--; break;
		}
	}
	is_int(differ, 5,
	       "a balance, a pool weight, a weight, a share, a ledger entry: each changes the "
	       "encoding");
	dn_enc_release(&e0);
	dn_enc_release(&e1);
	dn_chain_free(c);
}

/* ---- the schedule ------------------------------------------------------ */

/* An independent model of should_run_epoch / drain_pending. */
struct model {
	uint16_t netuid, tempo;
	uint64_t last, pending, since;
};

static void test_schedule(void)
{
	struct gb b;
	gb_init(&b, 100);
	uint32_t owner = gb_account(&b, 10 * TAO);
	/* netuids and tempos: 1, 11 and 21 share tempo 10 and stagger 1, so
	 * they come due together and the cap of 2 defers 21; the others have
	 * odd tempos and staggers */
	const uint16_t nets[] = {1, 4, 5, 7, 11, 12, 21};
	const uint16_t tempos[] = {10, 20, 7, 13, 10, 360, 10};
	enum { NN = sizeof(nets) / sizeof(nets[0]) };
	for (int i = 0; i < NN; i++)
		gb_subnet(&b, nets[i], owner, tempos[i], 1000 * TAO, 1000 * TAO, 10, true, true);
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(6, "no chain");
		return;
	}
	struct model m[NN];
	for (int i = 0; i < NN; i++)
		m[i] = (struct model){nets[i], tempos[i], 100 - nets[i] % tempos[i], 0, 0};
	ok(c->p.sched.max_epochs_per_block == 2, "production MaxEpochsPerBlock is 2");
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	int mismatch = 0, deferred = 0, ran = 0, check_bad = 0;
	bool saw_defer_then_run = false;
	uint64_t last_defer = 0;
	struct dn_chain_err err;
	for (int k = 0; k < 800; k++) {
		uint64_t blk = c->block + 1;
		/* the model's expectation */
		enum dn_schedule_outcome want[NN];
		uint32_t run = 0;
		for (int i = 0; i < NN; i++) {
			m[i].since++;
			bool due = (m[i].pending > 0 && blk >= m[i].pending) ||
				   m[i].since > 50400 || blk - m[i].last >= m[i].tempo;
			want[i] = DN_SCHEDULE_IDLE;
			if (!due)
				continue;
			if (run >= 2) {
				m[i].pending = blk + 1;
				want[i] = DN_SCHEDULE_DEFERRED;
				continue;
			}
			want[i] = DN_SCHEDULE_RUN;
			run++;
			m[i].since = 0;
			m[i].last = blk;
			m[i].pending = 0;
		}
		if (dn_chain_step(c, &ev, &err)) {
			diag("step failed: %s", err.msg);
			mismatch++;
			break;
		}
		if (dn_chain_check(c, &err) && !check_bad++)
			diag("block %llu: %s", (unsigned long long)c->block, err.msg);
		/* what happened */
		for (int i = 0; i < NN; i++) {
			enum dn_schedule_outcome got = DN_SCHEDULE_IDLE;
			for (size_t e = 0; e < ev.nepochs; e++)
				if (ev.epochs[e].netuid == nets[i])
					got = ev.epochs[e].outcome;
			if (got != want[i] && !mismatch++)
				diag("block %llu subnet %u: got outcome %d, the schedule says %d",
				     (unsigned long long)blk, nets[i], got, want[i]);
			deferred += got == DN_SCHEDULE_DEFERRED;
			ran += got == DN_SCHEDULE_RUN;
			if (nets[i] == 21 && got == DN_SCHEDULE_DEFERRED)
				last_defer = blk;
			if (nets[i] == 21 && got == DN_SCHEDULE_RUN && last_defer == blk - 1)
				saw_defer_then_run = true;
			struct dn_subnet *s = dn_chain_subnet(c, nets[i]);
			if (got == DN_SCHEDULE_RUN &&
			    s->em.sched.last_mechanism_step_block != blk && !mismatch++)
				diag("subnet %u: LastMechansimStepBlock %llu after the epoch at "
				     "%llu",
				     nets[i],
				     (unsigned long long)s->em.sched.last_mechanism_step_block,
				     (unsigned long long)blk);
		}
	}
	is_int(mismatch, 0, "800 blocks: every epoch runs, defers or idles as the schedule says");
	ok(deferred > 0 && saw_defer_then_run,
	   "the per-block cap defers (%d times) and the deferred epoch runs next block", deferred);
	ok(ran > 200, "epochs ran (%d)", ran);
	is_int(check_bad, 0, "the invariants hold throughout");
	/* the stagger: subnet 12 with tempo 360 first fires at 100 - 12 + 360 */
	struct dn_subnet *s12 = dn_chain_subnet(c, 12);
	ok(s12->em.sched.epoch_index == 2 && s12->em.sched.last_epoch_block == 808,
	   "subnet 12 (tempo 360, stagger 12) fired at 448 and 808");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* ---- split and halving ------------------------------------------------- */

/* Three emitting subnets at EMA 0.5, 0.3, 0.2 plus a disabled one; the
 * genesis issuance 2.5 TAO below the first halving threshold. */
static void test_split_and_halving(void)
{
	struct gb b;
	gb_init(&b, 0);
	uint32_t owner = gb_account(&b, 0);
	const unsigned ema[] = {50, 30, 20, 40};
	for (uint16_t n = 1; n <= 4; n++)
		gb_subnet(&b, n, owner, 360, 5000 * TAO, 5000 * TAO, ema[n - 1], true, n != 4);
	/* fill the issuance up to 10.5e15 - 2.5e9 with a free balance */
	uint64_t pools = 4 * 5000 * TAO, threshold = 10500000ULL * TAO;
	b.acc[owner].free = threshold - pools - 2500000000ULL;
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(6, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	int credit_bad = 0, split_bad = 0, halved = 0, full = 0, disabled_tao = 0, check_bad = 0;
	struct dn_chain_err err;
	for (int k = 0; k < 40; k++) {
		uint64_t before = c->est.total_issuance;
		/* the shares the coinbase should use: the EMA prices before the block */
		dn_u128 m[4], sum = 0;
		for (int i = 0; i < 3; i++) {
			m[i] = dn_emission_moving_price(&c->subnets[i + 1]->em);
			sum += m[i];
		}
		if (dn_chain_step(c, &ev, &err)) {
			diag("step: %s", err.msg);
			break;
		}
		if (dn_chain_check(c, &err) && !check_bad++)
			diag("block %llu: %s", (unsigned long long)c->block, err.msg);
		uint64_t want = before >= threshold ? TAO / 2 : TAO;
		credit_bad += ev.credit != want;
		halved += ev.credit == TAO / 2;
		full += ev.credit == TAO;
		for (size_t e = 0; e < ev.nemission; e++) {
			const struct dn_emission_event *x = &ev.emission[e];
			if (x->netuid == 4) {
				disabled_tao += x->tao_in + x->excess_tao != 0;
				continue;
			}
			/* T_i = credit * m_i / sum, floored twice at most */
			double share = (double)(m[x->netuid - 1] >> 32) / (double)(sum >> 32);
			double got = (double)(x->tao_in + x->excess_tao);
			double expect = (double)ev.credit * share;
			if (got > expect + 2 || got < expect - 3) {
				if (!split_bad++)
					diag("block %llu subnet %u: %g TAO rao, expected %g",
					     (unsigned long long)c->block, x->netuid, got, expect);
			}
		}
	}
	is_int(credit_bad, 0, "each block mints 1 TAO below 10.5M issued and 0.5 TAO from there");
	ok(full >= 3 && halved >= 30, "the reward halved after %d full blocks", full);
	is_int(split_bad, 0, "each subnet's TAO is its EMA-price share of the block (±3 rao)");
	is_int(disabled_tao, 0, "the emission-disabled subnet receives no TAO");
	is_int(check_bad, 0, "the invariants hold across the halving");
	ok(ev.nemission == 4, "all four subnets emit alpha");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* MinerBurned: the owner hotkey's incentive is withheld and lowers the
 * subnet's next shares. */
static void test_miner_burned(void)
{
	struct gb b;
	gb_init(&b, 0);
	uint32_t o1 = gb_account(&b, 0), o2 = gb_account(&b, 0);
	uint32_t oh1 = gb_subnet(&b, 1, o1, 10, 5000 * TAO, 5000 * TAO, 50, true, true);
	gb_subnet(&b, 2, o2, 10, 5000 * TAO, 5000 * TAO, 50, true, true);
	(void)oh1;
	/* subnet 1: its validator puts half its weight on the owner's uid 0 */
	uint32_t v1 = gb_hotkey(&b, o1), m1 = gb_hotkey(&b, gb_account(&b, 0));
	gb_neuron(&b, 1, v1, true);
	gb_neuron(&b, 1, m1, false);
	gb_stake(&b, v1, o1, 1, 1000 * TAO);
	const uint16_t u1[] = {0, 2}, w1[] = {30000, 30000};
	gb_weights(&b, 1, v1, 1, 2, u1, w1);
	/* subnet 2: an honest validator and miner */
	uint32_t v2 = gb_hotkey(&b, o2), m2 = gb_hotkey(&b, gb_account(&b, 0));
	gb_neuron(&b, 2, v2, true);
	gb_neuron(&b, 2, m2, false);
	gb_stake(&b, v2, o2, 2, 1000 * TAO);
	const uint16_t u2[] = {2}, w2[] = {65535};
	gb_weights(&b, 2, v2, 1, 1, u2, w2);
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(3, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	uint64_t t1_before = 0, t2_before = 0, t1_after = 0, t2_after = 0;
	uint64_t burned = 0;
	for (int k = 0; k < 12 && dn_chain_step(c, &ev, &err) == 0; k++) {
		for (size_t e = 0; e < ev.nemission; e++) {
			uint64_t t = ev.emission[e].tao_in + ev.emission[e].excess_tao;
			if (c->block == 5)
				*(ev.emission[e].netuid == 1 ? &t1_before : &t2_before) = t;
			if (c->block == 12)
				*(ev.emission[e].netuid == 1 ? &t1_after : &t2_after) = t;
		}
		for (size_t e = 0; e < ev.nepochs; e++)
			if (ev.epochs[e].netuid == 1)
				burned += ev.epochs[e].burned;
	}
	struct dn_subnet *s1 = dn_chain_subnet(c, 1);
	ok(burned > 0 && s1->em.miner_burned > 0 && s1->em.miner_burned < ((dn_u128)1 << 32),
	   "the owner hotkey's incentive is burned and MinerBurned stored (%.3f)",
	   (double)s1->em.miner_burned / 4294967296.0);
	ok(t1_before > 0 && t1_before + 3 >= t2_before && t1_before <= t2_before + 3,
	   "before the epoch, equal EMA prices split the block evenly");
	/* shares 0.5 (1 - mb) and 0.5, renormalised */
	double mb = (double)s1->em.miner_burned / 4294967296.0;
	double want = 1e9 * (1 - mb) / (2 - mb);
	ok((double)t1_after > want - 3 && (double)t1_after < want + 3 && t2_after > t1_after,
	   "after it, subnet 1's share is cut by (1 - MinerBurned): %llu vs %llu rao",
	   (unsigned long long)t1_after, (unsigned long long)t2_after);
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* ---- dividends, incentives, owner cut, root claims ----------------------- */

static void test_payouts(void)
{
	struct dn_chain *c = default_chain();
	if (!c) {
		skip(7, "no chain");
		return;
	}
	struct dn_subnet *s = dn_chain_subnet(c, 1);
	uint16_t net = s->netuid;
	/* hotkeys by uid: 0 owner, 1..3 validators, 4..7 miners */
	uint64_t before[8], rate_before;
	dn_i128 r0;
	for (uint32_t u = 0; u < 8; u++)
		before[u] = dn_stake_hotkey(&c->stake, s->hotkey[u], net);
	rate_before = dn_stake_rate(&c->stake, s->hotkey[1], net, &r0);
	uint32_t ferdie = c->subnets[1]->owner_coldkey + 5; /* alice + 5 */
	uint64_t nom_before = dn_stake_of(&c->stake, s->hotkey[2], ferdie, net);
	uint64_t total_before = dn_stake_net_total(&c->stake, net);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	const struct dn_epoch_event *ep = NULL;
	while (c->block < 360 && dn_chain_step(c, &ev, &err) == 0)
		;
	for (size_t e = 0; e < ev.nepochs; e++)
		if (ev.epochs[e].netuid == net)
			ep = &ev.epochs[e];
	ok(ep && ep->outcome == DN_SCHEDULE_RUN && c->block == 360,
	   "subnet 1's epoch runs at block 360");
	if (!ep) {
		skip(6, "no epoch");
		goto out;
	}
	int miners_paid = 0;
	for (uint32_t u = 4; u < 8; u++)
		miners_paid += dn_stake_hotkey(&c->stake, s->hotkey[u], net) > before[u];
	is_int(miners_paid, 4, "every miner's incentive reached its stake");
	int vals_paid = 0;
	for (uint32_t u = 1; u < 4; u++)
		vals_paid += dn_stake_hotkey(&c->stake, s->hotkey[u], net) > before[u];
	is_int(vals_paid, 3, "every validator's dividends reached its stake");
	ok(dn_stake_hotkey(&c->stake, s->hotkey[0], net) - before[0] >= ep->owner_cut,
	   "the owner cut (%llu) reached the owner hotkey", (unsigned long long)ep->owner_cut);
	ok(dn_stake_of(&c->stake, s->hotkey[2], ferdie, net) > nom_before,
	   "a nominator of a validator gained pro rata");
	ok(dn_stake_net_total(&c->stake, net) - total_before == ep->staked,
	   "the subnet's stakes grew by exactly what the distribution staked");
	dn_i128 r1;
	dn_stake_rate(&c->stake, s->hotkey[1], net, &r1);
	ok(ep->claimable > 0 && r1 > r0 && !rate_before,
	   "root dividends became a claimable rate for the root-staked validator");
out:
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* Root claims: Swap turns claimed alpha into root stake. */
static void test_root_claims(void)
{
	struct dn_chain *c = default_chain();
	if (!c) {
		skip(3, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	uint64_t swaps = 0, tao = 0, alpha = 0, root0 = c->est.root_tao;
	int stake_bad = 0;
	while (c->block < 1200 && dn_chain_step(c, &ev, &err) == 0) {
		for (size_t i = 0; i < ev.nclaims; i++) {
			const struct dn_claim_event *ce = &ev.claims[i];
			swaps += ce->swap;
			tao += ce->tao;
			alpha += ce->alpha;
		}
		if (ev.claim_failures)
			stake_bad++;
	}
	ok(swaps > 0 && tao > 0 && alpha > 0,
	   "claims swapped %llu alpha for %llu rao of root stake", (unsigned long long)alpha,
	   (unsigned long long)tao);
	ok(c->est.root_tao == root0 + tao, "SubnetTAO[root] grew by exactly the swapped TAO");
	is_int(stake_bad, 0, "no claim failed");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* Subnet 4 of the default genesis: emission disabled, no TAO ever. */
static void test_disabled_subnet(void)
{
	struct dn_chain *c = default_chain();
	if (!c) {
		skip(2, "no chain");
		return;
	}
	struct dn_subnet *s = dn_chain_subnet(c, 4);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	int got_tao = 0, grew = 0;
	uint64_t alpha0 = s->em.pool.alpha_out;
	for (int k = 0; k < 500 && dn_chain_step(c, &ev, &err) == 0; k++) {
		uint64_t tao = s->em.pool.tao;
		for (size_t e = 0; e < ev.nemission; e++)
			if (ev.emission[e].netuid == 4)
				got_tao += ev.emission[e].tao_in || ev.emission[e].excess_tao;
		grew += s->em.pool.tao > tao;
	}
	ok(got_tao == 0 && grew == 0, "500 blocks: the disabled subnet got no TAO");
	ok(s->em.pool.alpha_out > alpha0 && s->em.protocol_alpha == 0,
	   "but it minted alpha out and bought nothing");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* ---- a fresh chain ------------------------------------------------------ */

/* dtao.md 18.13: while no subnet can take TAO the reward is minted and
 * recycled at once; a started subnet at price 1 has a zero EMA for ~16
 * blocks. */
static void test_fresh_chain(void)
{
	struct gb b;
	gb_init(&b, 0);
	uint32_t o = gb_account(&b, 100 * TAO);
	gb_subnet(&b, 1, o, 360, 1000 * TAO, 1000 * TAO, 0, false, true); /* not started */
	gb_subnet(&b, 2, o, 360, 1000 * TAO, 1000 * TAO, 0, true, false); /* emission off */
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(5, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	uint64_t i0 = c->est.total_issuance;
	int all_recycled = 0, check_bad = 0;
	for (int k = 0; k < 100 && dn_chain_step(c, &ev, &err) == 0; k++) {
		all_recycled += ev.coinbase.recycled == TAO && ev.credit == TAO;
		check_bad += dn_chain_check(c, NULL) != 0;
	}
	ok(all_recycled == 100 && c->est.total_issuance == i0 && c->recycled == 100 * TAO,
	   "no subnet can take TAO: 100 rewards minted and recycled, issuance unchanged");
	is_int(check_bad, 0, "the invariants hold");
	dn_chain_free(c);

	/* a started, enabled subnet at price 1 and EMA 0 */
	gb_init(&b, 0);
	o = gb_account(&b, 100 * TAO);
	gb_subnet(&b, 1, o, 360, 1000 * TAO, 1000 * TAO, 0, true, true);
	c = gb_chain(&b);
	if (!c) {
		skip(3, "no chain");
		return;
	}
	i0 = c->est.total_issuance;
	uint64_t first_kept = 0, first_ema = 0;
	for (int k = 0; k < 60 && dn_chain_step(c, &ev, &err) == 0; k++) {
		if (!first_kept && c->est.total_issuance > i0)
			first_kept = c->block;
		if (!first_ema && c->subnets[1]->em.moving_price > 0)
			first_ema = c->block;
	}
	ok(first_ema >= 14 && first_ema <= 18,
	   "the EMA of a new subnet at price 1 leaves 0 after ~16 blocks (block %llu)",
	   (unsigned long long)first_ema);
	ok(first_kept == first_ema + 1,
	   "the reward is recycled until the block after the EMA becomes positive (%llu)",
	   (unsigned long long)first_kept);
	ok(dn_chain_check(c, NULL) == 0, "and the invariants hold");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* dtao.md 18.14: one subnet, EMA capped at 1, so no root sell: the root
 * share of alpha is recycled and no root dividend is paid. */
static void test_single_subnet(void)
{
	struct gb b;
	gb_init(&b, 0);
	uint32_t o = gb_account(&b, 100 * TAO);
	gb_subnet(&b, 1, o, 10, 1000 * TAO, 100 * TAO, 100, true, true);
	uint32_t v = gb_economy(&b, 1, o, 2, 3, 0);
	gb_stake(&b, v, o, 0, 10000 * TAO);
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(3, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	uint64_t claimable = 0, recycled = 0;
	int check_bad = 0;
	for (int k = 0; k < 100 && dn_chain_step(c, &ev, &err) == 0; k++) {
		for (size_t e = 0; e < ev.nepochs; e++)
			claimable += ev.epochs[e].claimable;
		for (size_t e = 0; e < ev.nemission; e++)
			recycled += ev.emission[e].alpha_recycled;
		check_bad += dn_chain_check(c, NULL) != 0;
		if (ev.coinbase.root_sell)
			break;
	}
	ok(!ev.coinbase.root_sell && c->block == 100, "100 blocks without the root-sell flag");
	ok(claimable == 0 && recycled > 0 && c->subnets[1]->em.pending_root == 0,
	   "root alpha recycled (%llu), no root dividends", (unsigned long long)recycled);
	is_int(check_bad, 0, "the invariants hold");
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* ---- many subnets ------------------------------------------------------- */

static void test_many_subnets(void)
{
	static struct gb b;
	gb_init(&b, 50);
	uint32_t o = gb_account(&b, 100 * TAO);
	for (uint16_t n = 1; n <= 24; n++) {
		gb_subnet(&b, n, o, (uint16_t)(5 + n % 4), (100 + n) * TAO, 300 * TAO, 10 + n, true,
			  n % 5 != 0);
		uint32_t v = gb_economy(&b, n, o, 2, 3, 50);
		if (n % 3 == 0)
			gb_stake(&b, v, o, 0, (1000 + n) * TAO);
	}
	struct dn_chain *c = gb_chain(&b);
	if (!c) {
		skip(2, "no chain");
		return;
	}
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_chain_err err;
	int check_bad = 0, deferred = 0;
	for (int k = 0; k < 300; k++) {
		if (dn_chain_step(c, &ev, &err)) {
			diag("step: %s", err.msg);
			check_bad++;
			break;
		}
		for (size_t e = 0; e < ev.nepochs; e++)
			deferred += ev.epochs[e].outcome == DN_SCHEDULE_DEFERRED;
		if (dn_chain_check(c, &err) && !check_bad++)
			diag("block %llu: %s", (unsigned long long)c->block, err.msg);
	}
	is_int(check_bad, 0,
	       "24 subnets with tempos 5..8, 300 blocks: every invariant after every block");
	ok(deferred > 0, "the per-block cap deferred epochs (%d)", deferred);
	dn_block_events_release(&ev);
	dn_chain_free(c);
}

/* ---- errors ------------------------------------------------------------- */

static void test_bad_genesis(void)
{
	struct gb b;
	struct dn_chain_err err;
	gb_init(&b, 0);
	gb_account(&b, 1);
	gb_account(&b, 1);
	memcpy(b.acc[1].key, b.acc[0].key, 32);
	ok(dn_chain_new(&b.g, &err) == NULL && err.code == DN_CHAIN_EINVAL &&
		   strstr(err.msg, "duplicate key"),
	   "a duplicate account key is refused: %s", err.msg);

	gb_init(&b, 0);
	uint32_t o = gb_account(&b, 1);
	gb_subnet(&b, 2, o, 10, TAO, TAO, 0, true, true);
	gb_subnet(&b, 1, o, 10, TAO, TAO, 0, true, true);
	ok(dn_chain_new(&b.g, &err) == NULL && strstr(err.msg, "out of order"),
	   "subnets out of order are refused: %s", err.msg);

	gb_init(&b, 0);
	o = gb_account(&b, 1);
	uint32_t other = gb_account(&b, 1);
	uint32_t h = gb_subnet(&b, 1, o, 10, TAO, TAO, 0, true, true);
	gb_stake(&b, h, other, 1, TAO);
	b.hk[b.g.nhotkeys++] = (struct dn_genesis_hotkey){h, other, 0};
	ok(dn_chain_new(&b.g, &err) == NULL && strstr(err.msg, "another coldkey"),
	   "a hotkey owned twice is refused: %s", err.msg);
}

/* The checks catch what they claim to: each breakage is named. */
static void test_check_catches(void)
{
	struct dn_chain *c = default_chain();
	if (!c) {
		skip(4, "no chain");
		return;
	}
	struct dn_chain_err err;
	c->acct[2].free += 7;
	ok(dn_chain_check(c, &err) == DN_CHAIN_ECHECK && strstr(err.msg, "free") &&
		   strstr(err.msg, "off by -7"),
	   "TAO from nowhere: %s", err.msg);
	c->acct[2].free -= 7;

	dn_stake_deposit(&c->stake, c->subnets[2]->hotkey[1], 3, 2, 5);
	ok(dn_chain_check(c, &err) == DN_CHAIN_ECHECK && strstr(err.msg, "subnet 2") &&
		   strstr(err.msg, "off by -5"),
	   "alpha staked without being issued: %s", err.msg);
	dn_stake_withdraw(&c->stake, c->subnets[2]->hotkey[1], 3, 2, 5);
	int rc = dn_chain_check(c, &err);
	ok(rc == 0, "undone, the state checks again%s%s", rc ? ": " : "", rc ? err.msg : "");

	c->subnets[3]->em.pool.alpha_in += 11;
	ok(dn_chain_check(c, &err) == DN_CHAIN_ECHECK && strstr(err.msg, "subnet 3: alpha in") &&
		   strstr(err.msg, "off by 11"),
	   "alpha minted into a pool: %s", err.msg);
	c->subnets[3]->em.pool.alpha_in -= 11;
	dn_chain_free(c);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	tap_plan(7 + 8 + 1 + 6 + 6 + 3 + 7 + 3 + 2 + 5 + 3 + 2 + 3 + 4);
	test_default_genesis();
	test_default_run();
	test_encoding();
	test_schedule();
	test_split_and_halving();
	test_miner_burned();
	test_payouts();
	test_root_claims();
	test_disabled_subnet();
	test_fresh_chain();
	test_single_subnet();
	test_many_subnets();
	test_bad_genesis();
	test_check_catches();
	return tap_done();
}
