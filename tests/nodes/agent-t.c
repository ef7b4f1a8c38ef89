/*
 * nodes/agent.c: a scenario's participants acting through signed
 * extrinsics in blocks built with dn_block_build from the world's genesis.
 * One scenario of four subnets exercises every behaviour:
 *   a (netuid 1)  honest, lazy, copier and stale validators; good, weak,
 *                 drifting and late miners; a whale, a sniper and random
 *                 traders;
 *   b (netuid 2)  a registration flood and churning miners;
 *   c (netuid 4)  commit-reveal: honest, copier, cartel and self-dealer;
 *   d (netuid 5)  commit-reveal on a full subnet (churn replaces uids).
 * Checked: every extrinsic valid (nonces), the invariants after every
 * block, what each behaviour does, determinism (two runs, same roots),
 * and statelessness (a run resumed from a decoded snapshot with new
 * agents gives the same roots).
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/mathx.h"
#include "devnet/scenario.h"
#include "devnet/stateroot.h"
#include "nodes/agent.h"
#include "tests/tap.h"

#define TAO 1000000000ULL
#define BLOCKS 300
#define HALF 150

/* ---- the scenario ------------------------------------------------------- */

static struct dn_scn_subnet subnets[4];
static struct dn_scn_validators vals[10];
static struct dn_scn_miners mins[12];
static struct dn_scn_traders trds[3];
static size_t nv, nm, nt;

enum { A, B, C, D }; /* subnet indices */
/* validators groups */
enum {
	A_HONEST,
	A_LAZY,
	A_COPIER,
	A_STALE,
	B_HONEST,
	C_HONEST,
	C_COPIER,
	C_CARTEL,
	C_SELF,
	D_HONEST
};
/* miners groups */
enum {
	A_GOOD,
	A_WEAK,
	A_DRIFT,
	A_LATE,
	B_BASE,
	B_FLOOD,
	B_CHURN,
	C_GOOD,
	C_WEAK,
	C_CHURN,
	D_M,
	D_CHURN
};
enum { WHALE, SNIPER, RANDOM };

static void cpy(char *dst, const char *src) { memcpy(dst, src, strlen(src) + 1); }

static void subnet(int i, const char *name, uint16_t netuid, uint16_t tempo, uint64_t tao,
		   uint64_t alpha, bool cr)
{
	struct dn_scn_subnet *s = &subnets[i];
	memset(s, 0, sizeof(*s));
	cpy(s->name, name);
	s->netuid = netuid;
	cpy(s->owner, "alice");
	s->tempo = tempo;
	s->pool_tao = tao * TAO;
	s->pool_alpha = alpha * TAO;
	s->started = s->emission_enabled = true;
	dn_subnet_hparams_default(&s->hp);
	s->hp.commit_reveal = cr;
	s->hp.weights_rate_limit = 5;
}

static struct dn_scn_validators *val(const char *name, const char *sub, unsigned count,
				     uint64_t stake, enum dn_validator_behaviour b)
{
	struct dn_scn_validators *v = &vals[nv++];
	memset(v, 0, sizeof(*v));
	cpy(v->name, name);
	cpy(v->subnet, sub);
	v->count = count;
	v->stake = stake * TAO;
	v->spread = DN_SPREAD_LINEAR;
	v->behaviour = b;
	v->every = 1;
	v->noise_ppm = 50000;
	return v;
}

static struct dn_scn_miners *min(const char *name, const char *sub, unsigned count,
				 enum dn_miner_model model, uint32_t q, uint32_t spread)
{
	struct dn_scn_miners *m = &mins[nm++];
	memset(m, 0, sizeof(*m));
	cpy(m->name, name);
	cpy(m->subnet, sub);
	m->count = count;
	m->model = model;
	m->quality_ppm = q;
	m->spread_ppm = spread;
	return m;
}

static struct dn_scn_traders *trd(const char *name, unsigned count, enum dn_trader_behaviour b,
				  uint64_t budget)
{
	struct dn_scn_traders *t = &trds[nt++];
	memset(t, 0, sizeof(*t));
	cpy(t->name, name);
	cpy(t->subnet, "a");
	t->count = count;
	t->behaviour = b;
	t->budget = budget * TAO;
	return t;
}

static void build(struct dn_scenario *s)
{
	memset(s, 0, sizeof(*s));
	nv = nm = nt = 0;
	cpy(s->name, "agents");
	s->seed = 11;
	s->blocks = BLOCKS;
	dn_chain_params_default(&s->params);
	subnet(A, "a", 1, 20, 10000, 100000, false);
	subnet(B, "b", 2, 30, 5000, 100000, false);
	subnet(C, "c", 4, 20, 5000, 50000, true);
	subnet(D, "d", 5, 20, 5000, 50000, true);
	subnets[D].hp.max_allowed_uids = 12; /* its genesis neurons: churn replaces */
	subnets[D].hp.prune.min_non_immune = 0;

	val("a-honest", "a", 3, 2000, DN_VAL_HONEST);
	val("a-lazy", "a", 1, 500, DN_VAL_LAZY)->every = 3;
	val("a-copier", "a", 1, 300, DN_VAL_COPIER);
	val("a-stale", "a", 1, 300, DN_VAL_STALE);
	val("b-honest", "b", 2, 1000, DN_VAL_HONEST);
	val("c-honest", "c", 3, 1000, DN_VAL_HONEST);
	val("c-copier", "c", 1, 300, DN_VAL_COPIER);
	cpy(val("c-cartel", "c", 1, 300, DN_VAL_CARTEL)->favours, "c-good");
	val("c-self", "c", 1, 300, DN_VAL_SELF_DEALER);
	val("d-honest", "d", 3, 1000, DN_VAL_HONEST);

	min("a-good", "a", 5, DN_MINER_CONSTANT, 900000, 50000);
	min("a-weak", "a", 5, DN_MINER_CONSTANT, 150000, 50000);
	min("a-drift", "a", 3, DN_MINER_DRIFTING, 500000, 0)->drift_ppm = 50000;
	struct dn_scn_miners *m = min("a-late", "a", 3, DN_MINER_CONSTANT, 500000, 0);
	m->join_block = 30;
	m->balance = 10 * TAO;
	min("b-base", "b", 4, DN_MINER_CONSTANT, 600000, 0);
	m = min("b-flood", "b", 12, DN_MINER_CONSTANT, 500000, 0);
	m->join_block = 10;
	m->balance = 2 * TAO;
	m = min("b-churn", "b", 3, DN_MINER_CHURNING, 900000, 0);
	m->churn_every = 10;
	m->balance = 2000 * TAO;
	min("c-good", "c", 4, DN_MINER_CONSTANT, 850000, 0);
	min("c-weak", "c", 4, DN_MINER_CONSTANT, 200000, 0);
	m = min("c-churn", "c", 2, DN_MINER_CHURNING, 700000, 0);
	m->churn_every = 15;
	m->balance = 2000 * TAO;
	min("d-m", "d", 6, DN_MINER_CONSTANT, 500000, 400000);
	m = min("d-churn", "d", 2, DN_MINER_CHURNING, 800000, 0);
	m->churn_every = 12;
	m->balance = 2000 * TAO;

	struct dn_scn_traders *t = trd("whale", 1, DN_TRADER_WHALE, 1000);
	t->at = 40;
	t->until = 120;
	trd("sniper", 1, DN_TRADER_EPOCH_SNIPER, 200)->lead = 3;
	trd("random", 2, DN_TRADER_RANDOM, 100)->every = 7;

	s->nsubnets = 4;
	s->subnets = subnets;
	s->nvalidators = nv;
	s->validators = vals;
	s->nminers = nm;
	s->miners = mins;
	s->ntraders = nt;
	s->traders = trds;
}

/* ---- a run ---------------------------------------------------------------- */

struct run {
	const struct dn_scenario *s;
	struct dn_scenario_world *w;
	struct dn_chain *c;
	struct dn_stateroot *r;
	struct nd_agents *a;
	struct dn_extrinsic *pool;
	size_t cap;
	struct dn_block blk;
	struct dn_block_events ev;
	size_t skipped, xts, failed;
	bool check_failed;
};

static bool run_start(struct run *R, const struct dn_scenario *s)
{
	memset(R, 0, sizeof(*R));
	R->s = s;
	char err[256];
	if (dn_scenario_genesis(s, &R->w, err, sizeof(err))) {
		diag("genesis: %s", err);
		return false;
	}
	struct dn_chain_err cerr;
	R->c = dn_chain_new(&R->w->g, &cerr);
	if (!R->c) {
		diag("chain: %s", cerr.msg);
		return false;
	}
	R->r = dn_stateroot_new();
	struct dn_header h;
	dn_block_genesis(R->c, R->r, &h);
	R->a = nd_agents_new(s, R->w, s->seed);
	dn_block_init(&R->blk);
	dn_block_events_init(&R->ev);
	return true;
}

static void run_free(struct run *R)
{
	nd_agents_free(R->a);
	free(R->pool);
	dn_block_release(&R->blk);
	dn_block_events_release(&R->ev);
	dn_chain_free(R->c);
	dn_stateroot_free(R->r);
	dn_scenario_world_free(R->w);
}

/* One block; its state root into root. */
static bool run_block(struct run *R, uint8_t root[32])
{
	size_t n = nd_agents_block(R->a, R->c, &R->pool, &R->cap), skipped = 0;
	struct dn_chain_err err;
	int rc = dn_block_build(R->c, R->r, R->w->g.accounts[0].key, R->pool, n, &R->blk, &skipped,
				&R->ev, &err);
	for (size_t i = 0; i < n; i++)
		dn_extrinsic_release(&R->pool[i]);
	if (rc) {
		diag("block %llu: %s", (unsigned long long)R->c->block + 1, err.msg);
		return false;
	}
	R->skipped += skipped;
	R->xts += n;
	for (size_t i = 0; i < R->ev.nxt; i++)
		R->failed += R->ev.xt[i].code != 0;
	if (dn_chain_check(R->c, &err)) {
		if (!R->check_failed)
			diag("block %llu: %s", (unsigned long long)R->c->block, err.msg);
		R->check_failed = true;
	}
	memcpy(root, R->blk.h.state_root, 32);
	return true;
}

/* ---- lookups -------------------------------------------------------------- */

static const struct dn_subnet *sub(const struct run *R, int i)
{
	return dn_chain_subnet(R->c, R->w->netuid[i]);
}

static int32_t uid_of(const struct dn_subnet *s, uint32_t acct)
{
	return acct == DN_CHAIN_NONE ? -1 : dn_subnet_uid(s, acct);
}

static uint32_t acct_of_uri(const struct dn_chain *c, const char *uri)
{
	struct dn_keypair kp;
	if (dn_keys_uri(uri, &kp))
		return DN_CHAIN_NONE;
	return dn_chain_account(c, kp.public_key);
}

/* The miners group and member of a genesis miner hotkey, -1 if none. */
static int miner_of(const struct run *R, uint32_t acct, unsigned *member)
{
	for (size_t g = 0; g < R->s->nminers; g++)
		for (unsigned k = 0; k < R->w->miners[g].count; k++)
			if (R->w->miners[g].m[k].hotkey == acct) {
				*member = k;
				return (int)g;
			}
	return -1;
}

static uint64_t stake_of(const struct run *R, int t, unsigned k)
{
	const struct dn_scn_group *g = &R->w->traders[t];
	return dn_stake_of(&R->c->stake, g->stake_to[k], g->m[k].coldkey, g->netuid);
}

/* Whether event x is by group g's member hotkey (hot) or coldkey. */
static int member_of(const struct dn_scn_group *g, uint32_t signer, bool hot)
{
	for (unsigned k = 0; k < g->count; k++)
		if ((hot ? g->m[k].hotkey : g->m[k].coldkey) == signer)
			return (int)k;
	return -1;
}

static double pearson(const double *x, const double *y, int n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
	for (int i = 0; i < n; i++) {
		mx += x[i] / n;
		my += y[i] / n;
	}
	for (int i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}

/* Whether row == the max-upscale of v[0 .. n-1] over uids 0 .. n-1. */
static bool row_is_upscaled(const struct dn_row16 *row, const uint16_t *v, uint32_t n)
{
	uint16_t up[64];
	if (n > 64 || row->len != n)
		return false;
	dn_mx_vec_u16_max_upscale_to_u16(v, n, up);
	for (uint32_t k = 0; k < n; k++)
		if (row->uid[k] != k || row->val[k] != up[k])
			return false;
	return true;
}

/* ---- the main run ------------------------------------------------------- */

struct obs {
	/* a */
	int copier_sets, copier_same, lazy_sets, honest_sets, stale_sets;
	uint64_t whale[BLOCKS + 1], sniper[BLOCKS + 1];
	bool epoch_a[BLOCKS + 2];
	int random_add, random_remove;
	bool late_before, late_at;
	/* b */
	uint64_t burn_before, burn_after;
	int flood_ok, flood_fail, flood_fail_balance;
	bool churn_key_ok;
	/* c */
	int c_commits, c_reveals, c_reveal_fail, copier_c_reveals, copier_c_same;
	uint16_t copier_c_cons[64];
	uint32_t copier_c_n;
	int self_reg;
	/* d */
	int d_reveals, d_reveals_after_replace;
	uint64_t d_commit_block[3];
	uint64_t d_last_reg;
	int a_failed;
};

static void observe(struct run *R, struct obs *o, const uint16_t *cons_a, uint32_t na,
		    const uint16_t *cons_c, uint32_t nc, uint64_t burn_b)
{
	uint64_t b = R->c->block;
	const struct dn_scenario_world *w = R->w;
	for (size_t i = 0; i < R->ev.nepochs; i++)
		if (R->ev.epochs[i].netuid == 1 && R->ev.epochs[i].outcome == DN_SCHEDULE_RUN)
			o->epoch_a[b] = true;
	for (size_t i = 0; i < R->ev.nxt; i++) {
		const struct dn_xt_event *x = &R->ev.xt[i];
		int k;
		if (x->code && (member_of(&w->validators[A_HONEST], x->signer, true) >= 0 ||
				member_of(&w->traders[WHALE], x->signer, false) >= 0 ||
				member_of(&w->traders[SNIPER], x->signer, false) >= 0 ||
				member_of(&w->validators[A_COPIER], x->signer, true) >= 0)) {
			o->a_failed++;
			diag("block %llu: %s failed: %s", (unsigned long long)b,
			     dn_call_name(x->kind), x->msg);
		}
		if (x->kind == DN_CALL_SET_WEIGHTS && x->code == 0) {
			if (member_of(&w->validators[A_COPIER], x->signer, true) >= 0) {
				const struct dn_subnet *s = sub(R, A);
				int32_t u = uid_of(s, x->signer);
				o->copier_sets++;
				o->copier_same += row_is_upscaled(&s->weights[u], cons_a, na);
			}
			o->lazy_sets += member_of(&w->validators[A_LAZY], x->signer, true) >= 0;
			o->honest_sets += member_of(&w->validators[A_HONEST], x->signer, true) == 0;
			o->stale_sets += member_of(&w->validators[A_STALE], x->signer, true) >= 0;
		}
		if ((x->kind == DN_CALL_ADD_STAKE || x->kind == DN_CALL_REMOVE_STAKE) &&
		    x->code == 0 && member_of(&w->traders[RANDOM], x->signer, false) >= 0) {
			o->random_add += x->kind == DN_CALL_ADD_STAKE;
			o->random_remove += x->kind == DN_CALL_REMOVE_STAKE;
		}
		if (x->kind == DN_CALL_BURNED_REGISTER &&
		    member_of(&w->miners[B_FLOOD], x->signer, false) >= 0) {
			o->flood_ok += x->code == 0;
			o->flood_fail += x->code != 0;
			o->flood_fail_balance += x->code == DN_OPS_ESTAKEBALANCE;
		}
		if (x->kind == DN_CALL_BURNED_REGISTER && x->code == 0 &&
		    member_of(&w->validators[C_SELF], x->signer, false) >= 0)
			o->self_reg++;
		if (x->kind == DN_CALL_BURNED_REGISTER && x->code == 0 &&
		    (member_of(&w->miners[D_CHURN], x->signer, false) >= 0))
			o->d_last_reg = b;
		bool in_c = member_of(&w->validators[C_HONEST], x->signer, true) >= 0 ||
			    member_of(&w->validators[C_COPIER], x->signer, true) >= 0 ||
			    member_of(&w->validators[C_CARTEL], x->signer, true) >= 0 ||
			    member_of(&w->validators[C_SELF], x->signer, true) >= 0;
		bool copier_c = member_of(&w->validators[C_COPIER], x->signer, true) >= 0;
		if (x->kind == DN_CALL_COMMIT_WEIGHTS && in_c) {
			o->c_commits += x->code == 0;
			if (copier_c && x->code == 0) {
				memcpy(o->copier_c_cons, cons_c, nc * sizeof(uint16_t));
				o->copier_c_n = nc;
			}
		}
		if (x->kind == DN_CALL_REVEAL_WEIGHTS && in_c) {
			o->c_reveals += x->code == 0;
			o->c_reveal_fail += x->code != 0;
			if (x->code)
				diag("block %llu: reveal failed: %s", (unsigned long long)b,
				     x->msg);
			if (copier_c && x->code == 0) {
				const struct dn_subnet *s = sub(R, C);
				o->copier_c_reveals++;
				o->copier_c_same +=
					row_is_upscaled(&s->weights[uid_of(s, x->signer)],
							o->copier_c_cons, o->copier_c_n);
			}
		}
		k = member_of(&w->validators[D_HONEST], x->signer, true);
		if (k >= 0 && x->code == 0 && x->kind == DN_CALL_COMMIT_WEIGHTS)
			o->d_commit_block[k] = b;
		if (k >= 0 && x->code == 0 && x->kind == DN_CALL_REVEAL_WEIGHTS) {
			o->d_reveals++;
			/* a churned hotkey replaced a uid between commit and reveal */
			o->d_reveals_after_replace +=
				o->d_last_reg >= o->d_commit_block[k] && sub(R, D)->n == 12;
		}
	}
	o->whale[b] = stake_of(R, WHALE, 0);
	o->sniper[b] = stake_of(R, SNIPER, 0);
	const struct dn_subnet *sa = sub(R, A);
	if (b == 29 || b == 30) {
		bool all = true, none = true;
		for (unsigned k = 0; k < 3; k++) {
			int32_t u = uid_of(sa, w->miners[A_LATE].m[k].hotkey);
			all = all && u >= 0 && sa->registered_at_uid[u] == 30;
			none = none && u < 0;
		}
		if (b == 29)
			o->late_before = none;
		else
			o->late_at = all;
	}
	if (b == 10) {
		o->burn_before = burn_b;
		o->burn_after = sub(R, B)->burn.burn;
	}
	if (b == 20) { /* generation 2 of b-churn: member 2 */
		uint32_t hk = acct_of_uri(R->c, "//taodev//b-churn//2//hot//2");
		int32_t u = uid_of(sub(R, B), hk);
		o->churn_key_ok = u >= 0 && sub(R, B)->registered_at_uid[u] == 20;
	}
}

static void snapshot(const struct dn_subnet *s, uint16_t *v, uint32_t *n)
{
	*n = s->n < 64 ? s->n : 64;
	memcpy(v, s->consensus, *n * sizeof(uint16_t));
}

static void checks_a(struct run *R, struct obs *o)
{
	const struct dn_subnet *sa = sub(R, A);
	const struct dn_scenario_world *w = R->w;
	/* honest validators rank miners by quality */
	bool corr_ok = true;
	for (unsigned k = 0; k < 3; k++) {
		int32_t me = uid_of(sa, w->validators[A_HONEST].m[k].hotkey);
		const struct dn_row16 *row = &sa->weights[me];
		uint64_t lu = sa->last_update[me];
		double x[64], y[64];
		int n = 0;
		for (uint32_t e = 0; e < row->len && n < 64; e++) {
			unsigned member;
			int g = miner_of(R, sa->hotkey[row->uid[e]], &member);
			if (g < 0)
				continue;
			x[n] = row->val[e];
			y[n++] = dn_scenario_quality(R->s, w, R->s->seed, (size_t)g, member, 0, lu);
		}
		double r = pearson(x, y, n);
		if (r < 0.9 || n < 13 || lu < 250)
			corr_ok = false;
		diag("a-honest %u: weights at block %llu over %d miners, r = %.3f", k,
		     (unsigned long long)lu, n, r);
	}
	ok(corr_ok, "honest validators' weights follow the miners' quality (r > 0.9)");
	double good = 0, weak = 0;
	for (unsigned k = 0; k < 5; k++) {
		good += sa->incentive[uid_of(sa, w->miners[A_GOOD].m[k].hotkey)];
		weak += sa->incentive[uid_of(sa, w->miners[A_WEAK].m[k].hotkey)];
	}
	ok(good > 2 * weak && good > 0,
	   "good miners earn more incentive than weak ones (%.0f, %.0f)", good / 5, weak / 5);
	ok(o->copier_sets >= 5 && o->copier_same == o->copier_sets,
	   "the copier's weights are the last consensus (%d of %d)", o->copier_same,
	   o->copier_sets);
	int32_t st = uid_of(sa, w->validators[A_STALE].m[0].hotkey);
	ok(o->stale_sets == 0 && sa->last_update[st] == 1,
	   "the stale validator's last update stays at block 1");
	ok(o->lazy_sets >= 2 && o->honest_sets >= 3 * o->lazy_sets - 1,
	   "lazy sets weights every third tempo (%d times, honest %d)", o->lazy_sets,
	   o->honest_sets);
	bool whale = true;
	for (uint64_t b = 1; b <= BLOCKS; b++)
		whale = whale && ((b >= 40 && b < 120) == (o->whale[b] > 0));
	ok(whale, "the whale's stake is there from block 40 until block 120");
	ok(o->late_before && o->late_at, "late joiners register at their join block");
	/* the sniper: in `lead` blocks before an epoch of its subnet, out after */
	int cycles = 0;
	bool sniper = true;
	for (uint64_t b = 1; b <= BLOCKS; b++) {
		bool in = o->sniper[b] > 0 && o->sniper[b - 1] == 0;
		bool out = o->sniper[b] == 0 && o->sniper[b - 1] > 0;
		if (in) {
			cycles++;
			sniper = sniper && b + 3 <= BLOCKS && o->epoch_a[b + 3] &&
				 (b + 4 > BLOCKS || o->sniper[b + 4] == 0) && o->sniper[b + 3] > 0;
		}
		if (out)
			sniper = sniper && b >= 1 && o->epoch_a[b - 1];
	}
	ok(sniper && cycles >= 5,
	   "the sniper stakes 3 blocks before each epoch, unstakes after (%d)", cycles);
	ok(o->random_add > 0 && o->random_remove > 0, "random traders stake (%d) and unstake (%d)",
	   o->random_add, o->random_remove);
	is_int(o->a_failed, 0, "no call of a's validators or whale/sniper fails");
}

static void checks_b(struct run *R, struct obs *o)
{
	ok(o->burn_after > o->burn_before, "the flood raises the burn (%llu -> %llu rao)",
	   (unsigned long long)o->burn_before, (unsigned long long)o->burn_after);
	ok(o->flood_ok >= 1 && o->flood_fail >= 1 && o->flood_fail_balance == o->flood_fail,
	   "a flood of 12: %d register, %d fail with NotEnoughBalanceToStake", o->flood_ok,
	   o->flood_fail);
	ok(o->churn_key_ok, "churn: block 20 registers //taodev//b-churn//2//hot//2");
	/* an honest validator weighs only the live generation of each member */
	const struct dn_subnet *sb = sub(R, B);
	int32_t me = uid_of(sb, R->w->validators[B_HONEST].m[0].hotkey);
	uint64_t lu = sb->last_update[me];
	bool live_ok = true;
	int live = 0, dead = 0;
	for (unsigned m = 0; m < 3; m++)
		for (uint64_t gen = 0; gen <= BLOCKS / 10; gen++) {
			char uri[80];
			if (gen)
				snprintf(uri, sizeof(uri), "//taodev//b-churn//%u//hot//%llu", m,
					 (unsigned long long)gen);
			else
				snprintf(uri, sizeof(uri), "//taodev//b-churn//%u//hot", m);
			int32_t u = uid_of(sb, acct_of_uri(R->c, uri));
			if (u < 0 || sb->registered_at_uid[u] >= lu)
				continue;
			uint16_t v = 0;
			for (uint32_t e = 0; e < sb->weights[me].len; e++)
				if (sb->weights[me].uid[e] == u)
					v = sb->weights[me].val[e];
			bool is_live = gen == dn_scenario_live_gen(&R->s->miners[B_CHURN], m, lu);
			live_ok = live_ok && (is_live ? v > 0 : v == 0);
			live += is_live;
			dead += !is_live;
		}
	ok(live_ok && live >= 2 && dead >= 10,
	   "churned hotkeys: weight only for the live ones (%d live, %d old)", live, dead);
}

static void checks_c(struct run *R, struct obs *o)
{
	const struct dn_subnet *sc = sub(R, C);
	const struct dn_scenario_world *w = R->w;
	ok(o->c_commits >= 40 && o->c_reveals >= o->c_commits - 12 && o->c_reveal_fail == 0,
	   "commit-reveal: %d commits, %d revealed, %d failed", o->c_commits, o->c_reveals,
	   o->c_reveal_fail);
	ok(o->copier_c_reveals >= 5 && o->copier_c_same == o->copier_c_reveals,
	   "the copier reveals the consensus it saw at its commit (%d of %d)", o->copier_c_same,
	   o->copier_c_reveals);
	int32_t cart = uid_of(sc, w->validators[C_CARTEL].m[0].hotkey);
	bool cartel = sc->weights[cart].len > 0;
	for (uint32_t e = 0; e < sc->weights[cart].len; e++) {
		unsigned member;
		int g = miner_of(R, sc->hotkey[sc->weights[cart].uid[e]], &member);
		cartel = cartel && (sc->weights[cart].val[e] > 0) == (g == C_GOOD);
	}
	ok(cartel, "the cartel's revealed weights go to its favoured miners only");
	struct dn_keypair own = w->validators[C_SELF].own[0];
	int32_t ou = uid_of(sc, dn_chain_account(R->c, own.public_key));
	int32_t sd = uid_of(sc, w->validators[C_SELF].m[0].hotkey);
	bool dealing = ou >= 0 && sc->weights[sd].len > 0;
	for (uint32_t e = 0; e < sc->weights[sd].len; e++)
		dealing = dealing && (sc->weights[sd].val[e] > 0) == (sc->weights[sd].uid[e] == ou);
	ok(o->self_reg == 1 && dealing, "the self-dealer registers its miner and weighs it alone");
	ok(o->d_reveals >= 10 && o->d_reveals_after_replace >= 1,
	   "full subnet: %d reveals, %d after a uid was replaced since the commit", o->d_reveals,
	   o->d_reveals_after_replace);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	struct dn_scenario s;
	build(&s);
	static uint8_t roots[BLOCKS + 1][32], roots2[BLOCKS + 1][32];
	struct run R;
	if (!run_start(&R, &s)) {
		ok(false, "the scenario starts");
		return tap_done();
	}
	static struct obs o;
	bool built = true;
	for (uint64_t b = 1; b <= BLOCKS && built; b++) {
		uint16_t ca[64], cc[64];
		uint32_t na, nc;
		snapshot(sub(&R, A), ca, &na);
		snapshot(sub(&R, C), cc, &nc);
		uint64_t burn_b = sub(&R, B)->burn.burn;
		built = run_block(&R, roots[b]);
		if (built)
			observe(&R, &o, ca, na, cc, nc, burn_b);
	}
	ok(built, "%d blocks built", BLOCKS);
	ok(R.skipped == 0, "every extrinsic is valid: %zu submitted, %zu refused", R.xts,
	   R.skipped);
	ok(!R.check_failed, "the invariants hold after every block");
	diag("%zu extrinsics, %zu dispatches failed", R.xts, R.failed);
	checks_a(&R, &o);
	checks_b(&R, &o);
	checks_c(&R, &o);
	run_free(&R);

	/* determinism: a second run from a fresh genesis */
	struct run R2;
	bool same = run_start(&R2, &s);
	for (uint64_t b = 1; b <= BLOCKS && same; b++)
		same = run_block(&R2, roots2[b]) && memcmp(roots[b], roots2[b], 32) == 0;
	ok(same, "a second run gives the same state root at every block");
	run_free(&R2);

	/* statelessness: stop at HALF, encode, decode, new agents, go on */
	struct run R3;
	same = run_start(&R3, &s);
	for (uint64_t b = 1; b <= HALF && same; b++)
		same = run_block(&R3, roots2[b]);
	if (same) {
		struct dn_enc e;
		dn_enc_init(&e);
		dn_chain_encode(R3.c, &e);
		struct dn_chain_err err;
		struct dn_chain *c = dn_chain_decode(e.buf, e.len, &err);
		dn_enc_release(&e);
		same = c != NULL;
		if (c) {
			memcpy(c->genesis_hash, R3.c->genesis_hash, 32);
			memcpy(c->head_hash, R3.c->head_hash, 32);
			dn_chain_free(R3.c);
			R3.c = c;
			dn_stateroot_free(R3.r);
			R3.r = dn_stateroot_new();
			uint8_t root[32];
			dn_stateroot_compute(R3.r, c, root);
			same = memcmp(root, roots[HALF], 32) == 0;
			nd_agents_free(R3.a);
			R3.a = nd_agents_new(&s, R3.w, s.seed);
		}
	}
	for (uint64_t b = HALF + 1; b <= BLOCKS && same; b++)
		same = run_block(&R3, roots2[b]) && memcmp(roots[b], roots2[b], 32) == 0;
	ok(same, "resumed at block %d from a decoded state with new agents: the same roots", HALF);
	run_free(&R3);
	return tap_done();
}
