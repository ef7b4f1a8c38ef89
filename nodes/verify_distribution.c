/*
 * Checkers for the dTAO records of the distribution of a subnet's emission
 * at its epoch, and of root dividends and their claim
 * (devnet/distribution.h, devnet/rootclaim.h, with devnet/epoch.h).
 *
 * The records come from the chain's unit tests (coinbase.rs, staking.rs,
 * claim_root.rs on the test runtime: owner cut 0, TaoWeight 0 unless set,
 * delegate take 11 796, childkey take 0). Most are small scenarios: a few
 * hotkeys staked on a subnet, one drain of pending emission through the
 * epoch and the distribution, sometimes a root claim. The checker rebuilds
 * each test's scenario in a small in-memory state (below: `struct sim`)
 * that applies the payments the way the chain does, with the share pools
 * (devnet/sharepool.h) for stakes and nominator dividends and the subnet
 * pool (devnet/pool.h) for Swap claims.
 */
#include "devnet/distribution.h"
#include "devnet/emission.h"
#include "devnet/epoch.h"
#include "devnet/pool.h"
#include "devnet/rootclaim.h"
#include "devnet/sharepool.h"
#include "nodes/verify.h"

#include <string.h>

/* ---- Keccak-256 (for the auto-claim record: its hash is keccak256 of a
 * literal). Keccak-f[1600], rate 136, the original 0x01 padding. ------- */

static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned keccak_rot[25] = {0,  1,	62, 28, 27, 36, 44, 6,	55, 20, 3,  10, 43,
					25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static uint64_t rotl64(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccak_f(uint64_t a[25])
{
	for (int round = 0; round < 24; round++) {
		uint64_t c[5], d[5], b[25];
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++)
			d[x] = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
		for (int i = 0; i < 25; i++)
			a[i] ^= d[i % 5];
		for (int x = 0; x < 5; x++)
			for (int y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] =
					rotl64(a[x + 5 * y], keccak_rot[x + 5 * y]);
		for (int x = 0; x < 5; x++)
			for (int y = 0; y < 5; y++)
				a[x + 5 * y] = b[x + 5 * y] ^
					       (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
		a[0] ^= keccak_rc[round];
	}
}

static void keccak256(const uint8_t *msg, size_t len, uint8_t out[32])
{
	uint64_t a[25] = {0};
	uint8_t block[136];
	for (;;) {
		size_t take = len < 136 ? len : 136;
		memset(block, 0, sizeof(block));
		memcpy(block, msg, take);
		bool last = take < 136;
		if (last) {
			block[take] ^= 0x01;
			block[135] ^= 0x80;
		}
		for (int i = 0; i < 17; i++) {
			uint64_t w = 0;
			for (int j = 7; j >= 0; j--)
				w = (w << 8) | block[8 * i + j];
			a[i] ^= w;
		}
		keccak_f(a);
		if (last)
			break;
		msg += take;
		len -= take;
	}
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(a[i / 8] >> (8 * (i % 8)));
}

/* ---- comparators ------------------------------------------------------- */

static int cmp_tol(struct nd_vout *o, const char *what, dn_i128 got, dn_i128 want, dn_i128 tol)
{
	dn_i128 d = got > want ? got - want : want - got;
	if (d <= tol)
		return 0;
	char g[42], w[42], t[42];
	o->mismatches++;
	nd_vout_printf(o, "%s: expected %s (tolerance %s), got %s", what, dn_i128_format(want, w),
		       dn_i128_format(tol, t), dn_i128_format(got, g));
	return 1;
}

/* The record's tolerance for `field`: a number applies to every field, a
 * dict names fields (absent -> 0). */
static uint64_t tol_of(struct nd_vrec *r, const char *field)
{
	json_t *t = json_object_get(r->json, "tolerance");
	if (json_is_integer(t))
		return (uint64_t)json_integer_value(t);
	if (json_is_real(t))
		return (uint64_t)json_real_value(t);
	if (json_is_object(t)) {
		json_t *v = json_object_get(t, field);
		if (json_is_integer(v))
			return (uint64_t)json_integer_value(v);
	}
	return 0;
}

static double tol_real(struct nd_vrec *r, const char *field)
{
	json_t *t = json_object_get(r->json, "tolerance");
	if (json_is_object(t)) {
		json_t *v = json_object_get(t, field);
		if (json_is_number(v))
			return json_number_value(v);
	}
	return json_is_number(t) ? json_number_value(t) : 0;
}

static int cmp_field(struct nd_vrec *r, struct nd_vout *o, const char *field, uint64_t got)
{
	char path[128];
	uint64_t want;
	snprintf(path, sizeof(path), "expected.%s", field);
	if (nd_vu64(r, path, &want))
		return 1;
	return cmp_tol(o, field, (dn_i128)got, (dn_i128)want, (dn_i128)tol_of(r, field));
}

static int cmp_real(struct nd_vrec *r, struct nd_vout *o, const char *field, double got)
{
	char path[128];
	snprintf(path, sizeof(path), "expected.%s", field);
	json_t *w = nd_vneed(r, path);
	if (!w)
		return 1;
	if (!json_is_number(w)) {
		nd_vbad(r, path, "expected a number");
		return 1;
	}
	double want = json_number_value(w), tol = tol_real(r, field);
	double d = got > want ? got - want : want - got;
	if (d <= tol)
		return 0;
	o->mismatches++;
	nd_vout_printf(o, "%s: expected %.9g (tolerance %g), got %.9g", field, want, tol, got);
	return 1;
}

static const char *test_fn(struct nd_vrec *r)
{
	const char *fn = nd_vstr(r, "test_fn");
	return fn ? fn : "";
}

static uint64_t opt_u64(struct nd_vrec *r, const char *path, uint64_t dflt)
{
	json_t *n = nd_vget(r->json, path);
	uint64_t v = dflt;
	if (n && !json_is_null(n))
		nd_vu64_node(r, n, path, &v);
	return v;
}

/* ---- a small chain state for the scenarios ----------------------------- */

#define SH 8 /* hotkeys */
#define SC 8 /* coldkeys */
#define SU 8 /* uids */
#define SL 2 /* links per hotkey */

#define MOCK_TAKE 11796 /* mock InitialDefaultDelegateTake */

struct sim {
	uint32_t nh, nc;
	struct dn_dist_hotkey hk[SH];
	struct dn_dist_link kids[SH][SL], pars[SH][SL];
	struct dn_sharepool sp[SH]; /* each hotkey's pool on the subnet (TotalHotkeyAlpha) */
	struct dn_safefloat share[SH][SC]; /* each coldkey's shares in it */
	uint64_t rt[SH][SC]; /* root stake of (hotkey, coldkey) */
	uint32_t autostake[SC];
	/* the subnet */
	uint32_t n;
	uint32_t uid_hk[SU];
	uint64_t reg[SU], lu[SU];
	bool permit[SU];
	struct dn_row16 w[SU], b[SU];
	uint32_t owner_ck, owner_hk;
	uint64_t tao_weight, ck_burn;
	struct dn_epoch_params ep;
	uint64_t block;
	/* root claim on this subnet */
	dn_i128 rate[SH];
	bool has_rate[SH];
	dn_u128 claimed[SH][SC];
	struct dn_pool pool; /* the subnet's pool, for Swap claims */
	/* the last epoch and distribution */
	struct dn_epoch *ews;
	struct dn_dist *dws;
	const struct dn_epoch_result *er;
	const struct dn_dist_result *dr;
	uint64_t recycled, burned;
};

/* A mock subnet made by add_network (stable, no owner) at block 1, or by
 * add_dynamic_network (owner hotkey registered as uid 0). */
static void sim_init(struct sim *s, uint16_t tempo)
{
	memset(s, 0, sizeof(*s));
	for (int c = 0; c < SC; c++)
		s->autostake[c] = DN_DIST_NONE;
	s->owner_ck = s->owner_hk = DN_DIST_NONE;
	dn_epoch_params_default(&s->ep);
	s->ep.tempo = tempo;
	s->ep.activity_cutoff = dn_epoch_activity_cutoff(13889, tempo);
	s->ep.tao_weight = 0;
	s->block = 1;
	s->ews = dn_epoch_new();
	s->dws = dn_dist_new();
}

static void sim_release(struct sim *s)
{
	for (int u = 0; u < SU; u++) {
		dn_row16_release(&s->w[u]);
		dn_row16_release(&s->b[u]);
	}
	dn_epoch_free(s->ews);
	dn_dist_free(s->dws);
}

static uint32_t sim_hotkey(struct sim *s, uint32_t coldkey)
{
	uint32_t h = s->nh++;
	s->hk[h].coldkey = coldkey;
	s->hk[h].take = MOCK_TAKE;
	s->hk[h].children = s->kids[h];
	s->hk[h].parents = s->pars[h];
	if (coldkey + 1 > s->nc)
		s->nc = coldkey + 1;
	return h;
}

static uint32_t sim_register(struct sim *s, uint32_t h)
{
	uint32_t u = s->n++;
	s->uid_hk[u] = h;
	s->reg[u] = s->block;
	s->lu[u] = s->block;
	return u;
}

/* add_dynamic_network: the owner hotkey takes uid 0. */
static uint32_t sim_owner(struct sim *s, uint32_t owner_ck)
{
	uint32_t h = sim_hotkey(s, owner_ck);
	s->owner_ck = owner_ck;
	s->owner_hk = h;
	s->ep.owner_uid = (int32_t)sim_register(s, h);
	return h;
}

static void sim_stake(struct sim *s, uint32_t h, uint32_t c, uint64_t amount)
{
	dn_sharepool_deposit(&s->sp[h], &s->share[h][c], amount);
	if (c + 1 > s->nc)
		s->nc = c + 1;
}

static void sim_child(struct sim *s, uint32_t parent, uint32_t child, uint64_t proportion)
{
	struct dn_dist_hotkey *p = &s->hk[parent], *c = &s->hk[child];
	s->kids[parent][p->nchildren++] = (struct dn_dist_link){child, proportion};
	s->pars[child][c->nparents++] = (struct dn_dist_link){parent, proportion};
}

static uint64_t root_total(const struct sim *s, uint32_t h)
{
	uint64_t t = 0;
	for (uint32_t c = 0; c < SC; c++)
		t += s->rt[h][c];
	return t;
}

static void sim_subnet(struct sim *s, struct dn_dist_subnet *d)
{
	for (uint32_t h = 0; h < s->nh; h++) {
		s->hk[h].alpha = s->sp[h].value;
		s->hk[h].root = root_total(s, h);
	}
	*d = (struct dn_dist_subnet){
		.nhotkeys = s->nh,
		.hotkeys = s->hk,
		.ncoldkeys = SC,
		.autostake = s->autostake,
		.n = s->n,
		.owner_coldkey = s->owner_ck,
		.owner_hotkey = s->owner_hk,
		.tao_weight = s->tao_weight,
		.ck_burn = s->ck_burn,
	};
	d->uid_hotkey = s->uid_hk;
}

/* get_stake_for_hotkey_and_coldkey_on_subnet: the coldkey's value in the
 * hotkey's share pool. */
static uint64_t stake_of(const struct sim *s, uint32_t h, uint32_t c)
{
	return dn_sharepool_value(&s->sp[h], &s->share[h][c]);
}

/* Value for all (increase_stake_for_hotkey_on_subnet): every holder gains
 * pro rata; with no holder only the total grows. */
static void sim_nominators(struct sim *s, uint32_t h, uint64_t amount)
{
	dn_sharepool_update_all(&s->sp[h], amount > INT64_MAX ? INT64_MAX : (int64_t)amount);
}

static void sim_apply(struct sim *s, const struct dn_dist_result *r)
{
	for (size_t i = 0; i < r->npay; i++) {
		const struct dn_payment *p = &r->pay[i];
		switch (p->kind) {
		case DN_PAY_OWNER_CUT:
		case DN_PAY_INCENTIVE:
		case DN_PAY_ALPHA_TAKE:
		case DN_PAY_ROOT_TAKE:
		case DN_PAY_ROOT_FALLBACK: sim_stake(s, p->hotkey, p->coldkey, p->amount); break;
		case DN_PAY_ALPHA_NOMINATORS: sim_nominators(s, p->hotkey, p->amount); break;
		case DN_PAY_ROOT_CLAIMABLE:
			s->rate[p->hotkey] = dn_rootclaim_rate_add(s->rate[p->hotkey], p->rate);
			s->has_rate[p->hotkey] = true;
			break;
		case DN_PAY_INCENTIVE_BURN: s->burned += p->amount; break;
		case DN_PAY_INCENTIVE_RECYCLE:
		case DN_PAY_CK_BURN: s->recycled += p->amount; break;
		}
	}
}

/* Runs the epoch on server + validator + root, then the distribution;
 * applies the payments and keeps what the chain persists (permits, bonds,
 * the last step block). Returns 0, or -1 after explaining in o. */
static int sim_drain(struct sim *s, struct nd_vout *o, uint64_t server, uint64_t validator,
		     uint64_t root, uint64_t owner_cut)
{
	struct dn_dist_subnet d;
	sim_subnet(s, &d);
	uint64_t alpha[SU], tao[SU];
	for (uint32_t u = 0; u < s->n; u++) {
		alpha[u] = dn_dist_inherited_alpha(&d, s->uid_hk[u]);
		tao[u] = dn_dist_inherited_root(&d, s->uid_hk[u]);
	}
	uint64_t e = server + validator + root; /* saturating in the chain; small here */
	struct dn_epoch_input in = {
		.n = s->n,
		.block = s->block,
		.alpha_stake = alpha,
		.tao_stake = tao,
		.block_at_registration = s->reg,
		.last_update = s->lu,
		.n_last_update = s->n,
		.validator_permit = s->permit,
		.weights = s->w,
		.bonds = s->b,
		.commit_block = NULL,
		.rao_emission = e,
	};
	s->ep.tao_weight = s->tao_weight;
	uint64_t zero[SU] = {0};
	const uint64_t *srv = zero, *val = zero;
	s->er = NULL;
	if (s->n > 0) {
		struct dn_epoch_err ee;
		int rc = dn_epoch_run(s->ews, &s->ep, &in, DN_EPOCH_SPARSE, &s->er, &ee);
		if (rc) {
			nd_vout_printf(o, "epoch failed: %s (%s)", dn_epoch_strerror(rc),
				       ee.field ? ee.field : "?");
			return -1;
		}
		srv = s->er->server_emission;
		val = s->er->validator_emission;
		for (uint32_t u = 0; u < s->n; u++)
			s->permit[u] = s->er->new_permit[u];
		dn_epoch_store_bonds(s->er, s->b);
	}
	struct dn_dist_drain dr = {server, validator, root, owner_cut};
	struct dn_dist_err err;
	int rc = dn_dist_run(s->dws, &d, srv, val, &dr, &s->dr, &err);
	if (rc) {
		nd_vout_printf(o, "distribution failed: %s (%s)", dn_dist_strerror(rc), err.field);
		return -1;
	}
	if (s->dr->undistributed < 0) {
		nd_vout_printf(o, "distribution paid more than it drained");
		return -1;
	}
	sim_apply(s, s->dr);
	s->ep.last_mechanism_step_block = s->block;
	return 0;
}

/* claim_root(coldkey, {netuid}): every hotkey with a rate on the subnet.
 * Returns 0, or -1 when a swap fails (the chain rolls the claim back). */
static int sim_claim(struct sim *s, uint32_t c, bool swap)
{
	for (uint32_t h = 0; h < s->nh; h++) {
		if (!s->has_rate[h])
			continue;
		dn_i128 owed = dn_rootclaim_owed(s->rate[h], s->rt[h][c], s->claimed[h][c]);
		uint64_t amount = dn_rootclaim_amount(owed, 500000, false);
		if (amount == 0)
			continue;
		if (swap) {
			/* swap_alpha_for_tao(netuid, owed, min_price, drop_fees) */
			struct dn_swap sw;
			if (dn_pool_swap(&s->pool, DN_SELL, amount,
					 dn_pool_limit_from_rao(DN_POOL_MIN_PRICE_RAO), true, &sw))
				return -1;
			s->rt[h][c] += sw.paid_out;
			s->claimed[h][c] =
				dn_rootclaim_adjust_add(s->claimed[h][c], s->rate[h], sw.paid_out);
		} else {
			sim_stake(s, h, c, amount);
		}
		s->claimed[h][c] = dn_rootclaim_claimed(s->claimed[h][c], amount);
	}
	return 0;
}

static void sim_root_add(struct sim *s, uint32_t h, uint32_t c, uint64_t amount)
{
	s->rt[h][c] += amount;
	if (s->has_rate[h])
		s->claimed[h][c] = dn_rootclaim_adjust_add(s->claimed[h][c], s->rate[h], amount);
}

static void sim_root_remove(struct sim *s, uint32_t h, uint32_t c, uint64_t amount)
{
	s->rt[h][c] -= amount;
	if (s->has_rate[h])
		s->claimed[h][c] = dn_rootclaim_adjust_remove(s->claimed[h][c], s->rate[h], amount);
}

static double i96_value(dn_i128 bits) { return dn_fx128_to_double(bits, 32); }

/* ---- distribution: drains of a stable subnet (coinbase.rs tests) ------- */

/* The pending amounts of a drain record: server, validator, root, owner
 * cut (absent -> 0). */
static void drain_inputs(struct nd_vrec *r, uint64_t *sv, uint64_t *vd, uint64_t *rt, uint64_t *oc)
{
	*sv = opt_u64(r, "inputs.server", 0);
	*vd = opt_u64(r, "inputs.validator", 0);
	*rt = opt_u64(r, "inputs.root", 0);
	*oc = opt_u64(r, "inputs.owner_cut", 0);
}

static uint64_t tao_weight_param(struct nd_vrec *r)
{
	return opt_u64(r, "params.tao_weight_u64", 0);
}

/* test_drain_base_with_subnet_with_*: one or two hotkeys of one coldkey,
 * registered (uids 0, 1) on an add_network subnet of tempo 1, with alpha
 * and root stake; one drain; the stakes after. */
static enum nd_vstatus drain_base(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t sv, vd, rt, oc;
	drain_inputs(r, &sv, &vd, &rt, &oc);
	uint64_t tw = tao_weight_param(r);
	json_t *dt = nd_vget(r->json, "params.delegate_take");
	uint64_t take = dt ? opt_u64(r, "params.delegate_take", MOCK_TAKE) : MOCK_TAKE;
	uint64_t *alpha = NULL, *root = NULL;
	size_t na = 0, nr = 0;
	uint64_t one;
	if (nd_vget(r->json, "inputs.stakes")) {
		nd_vu64_vec(r, "inputs.stakes", &alpha, &na);
	} else if (nd_vget(r->json, "inputs.alpha_stakes")) {
		nd_vu64_vec(r, "inputs.alpha_stakes", &alpha, &na);
		nd_vu64_vec(r, "inputs.root_stakes", &root, &nr);
	} else if (nd_vget(r->json, "inputs.alpha_stake")) {
		alpha = nd_valloc(r, 1, sizeof(uint64_t));
		root = nd_valloc(r, 1, sizeof(uint64_t));
		nd_vu64(r, "inputs.alpha_stake", alpha);
		nd_vu64(r, "inputs.root_stake", root);
		na = nr = 1;
	} else {
		nd_vu64(r, "inputs.stake", &one);
		alpha = &one;
		na = 1;
	}
	if (r->bad)
		return ND_V_FAIL;
	if (na < 1 || na > 2 || (root && nr != na)) {
		nd_vbad(r, "inputs", "one or two stakers, root stakes matching");
		return ND_V_FAIL;
	}
	/* the unregistered-staker test registers nobody */
	bool registered =
		strcmp(test_fn(r),
		       "test_drain_base_with_subnet_with_single_staker_not_registered") != 0;
	sim_init(&s, 1);
	s.tao_weight = tw;
	uint32_t cold = 0, h[2];
	for (size_t i = 0; i < na; i++) {
		h[i] = sim_hotkey(&s, cold);
		s.hk[h[i]].take = (uint16_t)take;
		if (registered)
			sim_register(&s, h[i]);
		sim_stake(&s, h[i], cold, alpha[i]);
		if (root)
			s.rt[h[i]][cold] = root[i];
	}
	int bad = 0;
	if (sim_drain(&s, o, sv, vd, rt, oc)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	if (nd_vget(r->json, "expected.stake_after"))
		bad += cmp_field(r, o, "stake_after", stake_of(&s, h[0], cold));
	if (nd_vget(r->json, "expected.alpha_stake_after"))
		bad += cmp_field(r, o, "alpha_stake_after", stake_of(&s, h[0], cold));
	if (nd_vget(r->json, "expected.root_stake_after"))
		bad += cmp_field(r, o, "root_stake_after", s.rt[h[0]][cold]);
	const char *list = nd_vget(r->json, "expected.stakes_after")	     ? "stakes_after"
			   : nd_vget(r->json, "expected.alpha_stakes_after") ? "alpha_stakes_after"
									     : NULL;
	if (list) {
		char path[64];
		uint64_t *want;
		size_t nw;
		snprintf(path, sizeof(path), "expected.%s", list);
		if (nd_vu64_vec(r, path, &want, &nw) == 0) {
			if (nw != na) {
				nd_vbad(r, path, "expected %zu entries", na);
			} else {
				for (size_t i = 0; i < na; i++) {
					char what[64];
					snprintf(what, sizeof(what), "%s[%zu]", list, i);
					bad += cmp_tol(o, what, (dn_i128)stake_of(&s, h[i], cold),
						       (dn_i128)want[i], (dn_i128)tol_of(r, list));
				}
			}
		}
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_drain_alpha_childkey_parentkey: an unregistered parent with 1 TAO
 * of alpha gives 100 % to a registered child that has no stake; the
 * parent hotkey has no Owner entry (its owner is the zero account, not
 * the child's coldkey), so the child keeps its childkey take. */
static enum nd_vstatus drain_childkey(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t sv, vd, rt, oc, parent_alpha, prop, ck_take;
	drain_inputs(r, &sv, &vd, &rt, &oc);
	nd_vu64(r, "inputs.parent_alpha", &parent_alpha);
	nd_vu64(r, "params.child_proportion_u64", &prop);
	nd_vu64(r, "params.childkey_take_u16", &ck_take);
	uint64_t ck_burn = opt_u64(r, "params.ck_burn", 0);
	if (r->bad)
		return ND_V_FAIL;
	sim_init(&s, 1);
	s.ck_burn = ck_burn;
	uint32_t zero_ck = 0, cold = 1;
	uint32_t parent = sim_hotkey(&s, zero_ck), child = sim_hotkey(&s, cold);
	sim_register(&s, child);
	sim_stake(&s, parent, cold, parent_alpha);
	sim_child(&s, parent, child, prop);
	s.hk[child].childkey_take = (uint16_t)(ck_take > UINT16_MAX ? UINT16_MAX : ck_take);
	int bad = 0;
	if (sim_drain(&s, o, sv, vd, rt, oc)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	bad += cmp_field(r, o, "parent_stake_after", s.sp[parent].value);
	bad += cmp_field(r, o, "child_stake_after", s.sp[child].value);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* The root-children tests: alice (coldkey 0) and bob (coldkey 1; the
 * stake-weight test uses one coldkey for both) each with root and alpha
 * stake, registered as uids 0 and 1 on an add_network subnet of tempo 1;
 * alice gives `prop` of her weight to bob. */
static void root_children(struct sim *s, uint64_t a_root, uint64_t a_alpha, uint64_t b_root,
			  uint64_t b_alpha, uint64_t prop, bool one_coldkey, uint32_t *alice,
			  uint32_t *bob)
{
	sim_init(s, 1);
	s->tao_weight = UINT64_MAX;
	uint32_t ca = 0, cb = one_coldkey ? 0 : 1;
	*alice = sim_hotkey(s, ca);
	*bob = sim_hotkey(s, cb);
	sim_register(s, *alice);
	sim_register(s, *bob);
	s->rt[*alice][ca] = a_root;
	s->rt[*bob][cb] = b_root;
	sim_stake(s, *alice, ca, a_alpha);
	sim_stake(s, *bob, cb, b_alpha);
	sim_child(s, *alice, *bob, prop);
	s->hk[*alice].take = 0;
	s->hk[*bob].take = 0;
}

/* test_get_root_children: inherited stakes and stake weights. */
static enum nd_vstatus root_children_weight(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t ar, aa, br, ba, prop;
	nd_vu64(r, "inputs.alice.root", &ar);
	nd_vu64(r, "inputs.alice.alpha", &aa);
	nd_vu64(r, "inputs.bob.root", &br);
	nd_vu64(r, "inputs.bob.alpha", &ba);
	nd_vu64(r, "inputs.alice_child_bob_proportion_u64", &prop);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t alice, bob;
	root_children(&s, ar, aa, br, ba, prop, true, &alice, &bob);
	s.tao_weight = tao_weight_param(r);
	struct dn_dist_subnet d;
	sim_subnet(&s, &d);
	uint64_t ia = dn_dist_inherited_alpha(&d, alice), ib = dn_dist_inherited_alpha(&d, bob);
	uint64_t ta = dn_dist_inherited_root(&d, alice), tb = dn_dist_inherited_root(&d, bob);
	/* get_stake_weights_for_hotkey_on_subnet: alpha + tw * tao in I64F64 */
	dn_i128 tw = (dn_i128)(dn_dist_u64_fraction(s.tao_weight) << 32); /* U96F32 -> I64F64 */
	dn_i128 wa =
		dn_i128_sat_add(dn_fx64_from_u64(ia), dn_fx64_sat_mul(dn_fx64_from_u64(ta), tw));
	dn_i128 wb =
		dn_i128_sat_add(dn_fx64_from_u64(ib), dn_fx64_sat_mul(dn_fx64_from_u64(tb), tw));
	int bad = cmp_field(r, o, "alice_inherited_alpha", ia);
	bad += cmp_field(r, o, "bob_inherited_alpha", ib);
	bad += cmp_field(r, o, "alice_tao_inherited", ta);
	bad += cmp_field(r, o, "bob_tao_inherited", tb);
	bad += cmp_field(r, o, "alice_total_weight", (uint64_t)(wa >> 64));
	bad += cmp_field(r, o, "bob_total_weight", (uint64_t)(wb >> 64));
	/* the weights must be whole numbers here (exact equality in the test) */
	if ((wa | wb) & (((dn_i128)1 << 64) - 1)) {
		nd_vout_printf(o, "total weights are not whole numbers");
		bad++;
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_get_root_children_drain: three drains; after the first each has
 * half, root stakes never move; with bob's childkey take at 100 % bob
 * makes all the alpha dividends. */
static enum nd_vstatus root_children_drain(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t ar, aa, br, ba, prop, take, sv, vd, rt, oc;
	nd_vu64(r, "inputs.alice.root", &ar);
	nd_vu64(r, "inputs.alice.alpha", &aa);
	nd_vu64(r, "inputs.bob.root", &br);
	nd_vu64(r, "inputs.bob.alpha", &ba);
	nd_vu64(r, "inputs.alice_child_bob_proportion_u64", &prop);
	nd_vu64(r, "inputs.childkey_take_bob", &take);
	drain_inputs(r, &sv, &vd, &rt, &oc);
	uint64_t w_alice_div, w_bob_div;
	nd_vu64(r, "expected.with_childkey_take_65535.AlphaDividendsPerSubnet_alice", &w_alice_div);
	nd_vu64(r, "expected.with_childkey_take_65535.AlphaDividendsPerSubnet_bob", &w_bob_div);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t alice, bob;
	root_children(&s, ar, aa, br, ba, prop, false, &alice, &bob);
	s.hk[bob].childkey_take = (uint16_t)take;
	int bad = 0;
	if (sim_drain(&s, o, sv, vd, rt, oc))
		goto fail;
	bad += cmp_field(r, o, "alice_alpha_after", s.sp[alice].value);
	bad += cmp_field(r, o, "bob_alpha_after", s.sp[bob].value);
	if (sim_drain(&s, o, sv, vd, rt, oc))
		goto fail;
	bad += cmp_tol(o, "alice root stake after two drains", (dn_i128)root_total(&s, alice),
		       (dn_i128)ar, 0);
	bad += cmp_tol(o, "bob root stake after two drains", (dn_i128)root_total(&s, bob),
		       (dn_i128)br, 0);
	s.hk[bob].childkey_take = UINT16_MAX;
	if (sim_drain(&s, o, sv, vd, rt, oc))
		goto fail;
	bad += cmp_tol(o, "with_childkey_take_65535.AlphaDividendsPerSubnet_alice",
		       (dn_i128)s.dr->alpha_dividends[alice], (dn_i128)w_alice_div, 0);
	bad += cmp_tol(o, "with_childkey_take_65535.AlphaDividendsPerSubnet_bob",
		       (dn_i128)s.dr->alpha_dividends[bob], (dn_i128)w_bob_div, 1);
	sim_release(&s);
	return bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

/* test_get_root_children_drain_half_proportion / _with_take /
 * _with_half_take: one drain, AlphaDividendsPerSubnet of each. */
static enum nd_vstatus root_children_dividends(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t root, alpha, prop, take, sv, vd, rt, oc;
	nd_vu64(r, "inputs.stakes_each.root", &root);
	nd_vu64(r, "inputs.stakes_each.alpha", &alpha);
	nd_vu64(r, "inputs.alice_child_bob_proportion_u64", &prop);
	nd_vu64(r, "inputs.childkey_take_bob", &take);
	drain_inputs(r, &sv, &vd, &rt, &oc);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t alice, bob;
	root_children(&s, root, alpha, root, alpha, prop, false, &alice, &bob);
	s.hk[bob].childkey_take = (uint16_t)take;
	int bad = 0;
	if (sim_drain(&s, o, sv, vd, rt, oc)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	bad += cmp_field(r, o, "AlphaDividendsPerSubnet_alice", s.dr->alpha_dividends[alice]);
	bad += cmp_field(r, o, "AlphaDividendsPerSubnet_bob", s.dr->alpha_dividends[bob]);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_distribute_emission_no_miners_all_drained: add_dynamic_network
 * (owner hotkey uid 0, no stake), one more hotkey with `stake` as uid 1;
 * its total stake after the drain. */
static enum nd_vstatus drain_no_miners(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t stake, sv, vd, rt, oc;
	nd_vu64(r, "inputs.stake", &stake);
	drain_inputs(r, &sv, &vd, &rt, &oc);
	if (r->bad)
		return ND_V_FAIL;
	sim_init(&s, 360);
	sim_owner(&s, 0);
	uint32_t h = sim_hotkey(&s, 1);
	sim_register(&s, h);
	sim_stake(&s, h, 1, stake);
	int bad = 0;
	if (sim_drain(&s, o, sv, vd, rt, oc)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	bad += cmp_field(r, o, "total_stake_after", s.sp[h].value);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_distribute_emission_zero_emission: add_dynamic_network (commit-
 * reveal off, tempo 2); a validator (uid 1, 1e14 alpha) and a miner (uid
 * 2); at block 50 a first epoch sets the permits, the validator sets
 * weights [0, 0, 1] over uids 0..2 (max-upscaled: 65535 on the miner),
 * then a drain of nothing: no stake moves, and the epoch still computes
 * incentive and dividends. */
static enum nd_vstatus drain_zero(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t want_delta;
	nd_vu64(r, "expected.stake_delta", &want_delta);
	if (r->bad)
		return ND_V_FAIL;
	sim_init(&s, 2);
	s.ep.commit_reveal = false;
	sim_owner(&s, 0);
	uint32_t val = sim_hotkey(&s, 1), miner = sim_hotkey(&s, 2);
	uint32_t uv = sim_register(&s, val);
	sim_register(&s, miner);
	sim_stake(&s, val, 1, 100000000000000ULL);
	s.block = 50;
	int bad = 0;
	if (sim_drain(&s, o, 0, 0, 0, 0))
		goto fail;
	s.ep.last_mechanism_step_block = 0; /* SubtensorModule::epoch does not record it */
	uint16_t wu[3] = {0, 1, 2}, wv[3] = {0, 0, 65535};
	dn_row16_set(&s.w[uv], wu, wv, 3);
	s.lu[uv] = 50;
	uint64_t before[SH];
	for (uint32_t h = 0; h < s.nh; h++)
		before[h] = s.sp[h].value;
	if (sim_drain(&s, o, 0, 0, 0, 0))
		goto fail;
	for (uint32_t h = 0; h < s.nh; h++)
		bad += cmp_tol(o, "stake_delta", (dn_i128)(s.sp[h].value - before[h]),
			       (dn_i128)want_delta, 0);
	uint64_t isum = 0, dsum = 0;
	for (uint32_t u = 0; u < s.n; u++) {
		isum += s.er->incentive[u];
		dsum += s.er->dividends[u];
	}
	if (isum == 0 || dsum == 0) {
		nd_vout_printf(o, "incentive_sum %llu, dividends_sum %llu: expected both > 0",
			       (unsigned long long)isum, (unsigned long long)dsum);
		bad++;
	}
	sim_release(&s);
	return bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

/* test_calculate_dividend_distribution_*: the function alone, with the
 * test's U96F32::from_num(tao_weight) literal. */
static enum nd_vstatus dividend_split(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t pv, pr, a[2], rs[2], dv[2];
	nd_vu64(r, "inputs.pending_validator_alpha", &pv);
	nd_vu64(r, "inputs.pending_root_alpha", &pr);
	json_t *tw = nd_vneed(r, "inputs.tao_weight");
	nd_vu64(r, "inputs.stake_map.hk0.alpha", &a[0]);
	nd_vu64(r, "inputs.stake_map.hk0.root", &rs[0]);
	nd_vu64(r, "inputs.stake_map.hk1.alpha", &a[1]);
	nd_vu64(r, "inputs.stake_map.hk1.root", &rs[1]);
	nd_vu64(r, "inputs.dividends.hk0", &dv[0]);
	nd_vu64(r, "inputs.dividends.hk1", &dv[1]);
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_number(tw)) {
		nd_vbad(r, "inputs.tao_weight", "expected a number");
		return ND_V_FAIL;
	}
	dn_u128 twf = (dn_u128)dn_fx128_from_f64(json_number_value(tw), 32);
	dn_u128 div[2] = {(dn_u128)dv[0] << 32, (dn_u128)dv[1] << 32}, ao[2], ro[2];
	dn_dist_dividend_split(pv, pr, twf, 2, a, rs, div, ao, ro);
	dn_u128 sa = ao[0] + ao[1], sr = ro[0] + ro[1];
	int bad = cmp_field(r, o, "sum_alpha_dividends", (uint64_t)(sa >> 32));
	bad += cmp_field(r, o, "sum_root_alpha_dividends", (uint64_t)(sr >> 32));
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* One hotkey with 1 rao of alpha, registered as uid 1 of an
 * add_dynamic_network subnet (owner uid 0): the calculate_* tests. */
static void one_hotkey(struct sim *s, uint32_t *h)
{
	sim_init(s, 360);
	sim_owner(s, 0);
	*h = sim_hotkey(s, 1);
	sim_register(s, *h);
	sim_stake(s, *h, 1, 1);
}

/* test_calculate_dividend_and_incentive_distribution(_all_to_validators):
 * (incentive, dividend) of one hotkey through the calculation, tw 0:
 * incentives + alpha dividends. */
static enum nd_vstatus dividend_and_incentive(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t inc, div, pv;
	nd_vu64(r, "inputs.hotkey_emission[0].incentive", &inc);
	nd_vu64(r, "inputs.hotkey_emission[0].dividend", &div);
	nd_vu64(r, "inputs.pending_validator_alpha", &pv);
	uint64_t pr = opt_u64(r, "inputs.pending_root_alpha", 0);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t h;
	one_hotkey(&s, &h);
	struct dn_dist_subnet d;
	sim_subnet(&s, &d);
	uint64_t srv[2] = {0, inc}, val[2] = {0, div};
	/* the test passes pending_validator_alpha as the validator pool */
	struct dn_dist_drain dr = {0, pv, pr, 0};
	const struct dn_dist_result *res;
	int rc = dn_dist_run(s.dws, &d, srv, val, &dr, &res, NULL);
	if (rc) {
		nd_vout_printf(o, "distribution failed: %s", dn_dist_strerror(rc));
		sim_release(&s);
		return ND_V_FAIL;
	}
	uint64_t itot = 0;
	dn_u128 atot = 0;
	for (uint32_t k = 0; k < s.nh; k++) {
		itot += res->incentive[k];
		atot += res->alpha_div[k];
	}
	int bad = cmp_field(r, o, "incentives_plus_dividends", itot + (uint64_t)(atot >> 32));
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_calculate_dividends_and_incentives(_only_*): incentives summed,
 * dividends after the (empty) parent/child split. */
static enum nd_vstatus dividends_and_incentives(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t inc, div;
	nd_vu64(r, "inputs.incentive", &inc);
	nd_vu64(r, "inputs.dividend", &div);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t h;
	one_hotkey(&s, &h);
	struct dn_dist_subnet d;
	sim_subnet(&s, &d);
	uint64_t srv[2] = {0, inc}, val[2] = {0, div};
	struct dn_dist_drain dr = {0, 0, 0, 0};
	const struct dn_dist_result *res;
	int rc = dn_dist_run(s.dws, &d, srv, val, &dr, &res, NULL);
	if (rc) {
		nd_vout_printf(o, "distribution failed: %s", dn_dist_strerror(rc));
		sim_release(&s);
		return ND_V_FAIL;
	}
	uint64_t itot = 0;
	dn_u128 dtot = 0;
	for (uint32_t k = 0; k < s.nh; k++) {
		itot += res->incentive[k];
		dtot += res->dividend[k];
	}
	uint64_t dsum = (uint64_t)(dtot >> 32);
	int bad = 0;
	if (nd_vget(r->json, "expected.sum"))
		bad += cmp_field(r, o, "sum", itot + dsum);
	if (nd_vget(r->json, "expected.dividends_total"))
		bad += cmp_field(r, o, "dividends_total", dsum);
	if (nd_vget(r->json, "expected.incentives_total"))
		bad += cmp_field(r, o, "incentives_total", itot);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* distribute_dividends_and_incentives alone, on an add_dynamic_network
 * subnet (owner coldkey 0, owner hotkey uid 0), with incentives only. */
static int pay_incentives(struct sim *s, struct nd_vout *o, const uint64_t *incentive,
			  const bool *has)
{
	struct dn_dist_subnet d;
	sim_subnet(s, &d);
	dn_u128 zero[SH] = {0};
	bool none[SH] = {0};
	const struct dn_dist_result *res;
	int rc = dn_dist_pay(s->dws, &d, 0, incentive, has, zero, zero, none, &res, NULL);
	if (rc) {
		nd_vout_printf(o, "distribution failed: %s", dn_dist_strerror(rc));
		return -1;
	}
	sim_apply(s, res);
	return 0;
}

/* test_incentive_to_subnet_owner_is_burned, ..._owners_hotkey_is_burned,
 * test_burn_key_sorting: the owner hotkey (uid 0) and hotkeys of the owner
 * coldkey holding uids earn nothing; another coldkey's hotkey (without a
 * uid) is paid. */
static enum nd_vstatus owner_incentive(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	json_t *inc = nd_vneed(r, "inputs.incentives");
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_object(inc) || json_object_size(inc) > SH - 1) {
		nd_vbad(r, "inputs.incentives", "expected an object of at most %d hotkeys", SH - 1);
		return ND_V_FAIL;
	}
	sim_init(&s, 360);
	uint32_t owner = sim_owner(&s, 0);
	uint64_t amounts[SH] = {0};
	bool has[SH] = {0};
	uint32_t idx[SH];
	const char *names[SH];
	size_t k = 0;
	const char *key;
	json_t *v;
	json_object_foreach(inc, key, v)
	{
		char path[160];
		snprintf(path, sizeof(path), "inputs.incentives.%s", key);
		uint64_t amount;
		if (nd_vu64_node(r, v, path, &amount))
			goto fail;
		uint32_t h;
		if (strcmp(key, "owner_hotkey") == 0) {
			h = owner;
		} else if (strncmp(key, "owner_", 6) == 0) {
			/* another hotkey of the owner coldkey, holding a uid */
			h = sim_hotkey(&s, 0);
			sim_register(&s, h);
		} else {
			h = sim_hotkey(&s, 1); /* another coldkey, no uid */
		}
		amounts[h] = amount;
		has[h] = true;
		idx[k] = h;
		names[k++] = key;
	}
	if (pay_incentives(&s, o, amounts, has))
		goto fail;
	int bad = 0;
	for (size_t i = 0; i < k; i++) {
		bool other = strncmp(names[i], "owner", 5) != 0;
		char what[200];
		snprintf(what, sizeof(what), "stake of %s", names[i]);
		if (other) {
			if (s.sp[idx[i]].value == 0) {
				nd_vout_printf(o, "%s: expected > 0, got 0", what);
				bad++;
			}
		} else {
			bad += cmp_tol(o, what, (dn_i128)s.sp[idx[i]].value, 0, 0);
		}
	}
	sim_release(&s);
	return bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

/* test_incentive_is_autostaked_to_owner_destination /
 * test_incentive_goes_to_hotkey_when_no_autostake_destination. */
static enum nd_vstatus autostake(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t inc;
	nd_vu64(r, "inputs.incentive", &inc);
	if (r->bad)
		return ND_V_FAIL;
	bool dest = nd_vget(r->json, "inputs.AutoStakeDestination") != NULL;
	sim_init(&s, 360);
	sim_owner(&s, 0);
	uint32_t miner = sim_hotkey(&s, 1), dhk = sim_hotkey(&s, 1);
	sim_register(&s, miner);
	sim_register(&s, dhk);
	if (dest)
		s.autostake[1] = dhk;
	uint64_t amounts[SH] = {0};
	bool has[SH] = {0};
	amounts[miner] = inc;
	has[miner] = true;
	int bad = 0;
	if (pay_incentives(&s, o, amounts, has)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	bad += cmp_field(r, o, "miner_hotkey_stake", s.sp[miner].value);
	if (dest)
		bad += cmp_field(r, o, "dest_hotkey_stake", s.sp[dhk].value);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_mining_emission_distribution_validator_valiminer_miner: three
 * coldkeys' hotkeys on an add_network subnet of tempo 10, 100 TAO staked
 * on uids 0 and 1, weights uid0 -> uid1 and uid1 -> uid2, permits [true,
 * true, false], kappa 13107, everything active; one epoch drains half to
 * miners, half to validators (the amount does not matter: 10 TAO here).
 * Each coldkey's gain against a quarter / half / quarter of the total. */
static enum nd_vstatus macro_split(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	sim_init(&s, 10);
	s.ep.kappa = 13107;
	s.ep.max_allowed_validators = 2;
	s.ep.activity_cutoff = UINT16_MAX;
	uint32_t hv = sim_hotkey(&s, 1), hvm = sim_hotkey(&s, 3), hm = sim_hotkey(&s, 5);
	sim_register(&s, hv);
	sim_register(&s, hvm);
	sim_register(&s, hm);
	for (uint32_t u = 0; u < 3; u++) {
		s.reg[u] = 1;
		s.lu[u] = 2;
	}
	s.permit[0] = s.permit[1] = true;
	sim_stake(&s, hv, 1, 100000000000ULL);
	sim_stake(&s, hvm, 3, 100000000000ULL);
	uint16_t u1 = 1, u2 = 2, full = 65535;
	dn_row16_set(&s.w[0], &u1, &full, 1);
	dn_row16_set(&s.w[1], &u2, &full, 1);
	s.block = 21;
	uint64_t before[3] = {stake_of(&s, hv, 1), stake_of(&s, hvm, 3), stake_of(&s, hm, 5)};
	if (sim_drain(&s, o, 5000000000ULL, 5000000000ULL, 0, 0)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	uint64_t gv = stake_of(&s, hv, 1) - before[0], gvm = stake_of(&s, hvm, 3) - before[1],
		 gm = stake_of(&s, hm, 5) - before[2];
	uint64_t total = gv + gvm + gm;
	if (total == 0 || gv == 0 || gm == 0) {
		nd_vout_printf(o, "emission not paid: validator %llu, valiminer %llu, miner %llu",
			       (unsigned long long)gv, (unsigned long long)gvm,
			       (unsigned long long)gm);
		sim_release(&s);
		return ND_V_FAIL;
	}
	int bad =
		cmp_tol(o, "validator emission (total / 4)", (dn_i128)gv, (dn_i128)(total / 4), 10);
	bad += cmp_tol(o, "valiminer emission (total / 2)", (dn_i128)gvm, (dn_i128)(total / 2), 10);
	bad += cmp_tol(o, "miner emission (total / 4)", (dn_i128)gm, (dn_i128)(total / 4), 10);
	double share[3] = {(double)gv / (double)total, (double)gvm / (double)total,
			   (double)gm / (double)total};
	const char *names[3] = {"validator_share", "valiminer_share", "miner_share"};
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "expected.%s", names[i]);
		json_t *w = nd_vneed(r, path);
		if (w && json_is_number(w) &&
		    (share[i] - json_number_value(w) > 1e-6 ||
		     json_number_value(w) - share[i] > 1e-6)) {
			nd_vout_printf(o, "%s: expected %g, got %.9f", names[i],
				       json_number_value(w), share[i]);
			bad++;
		}
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* The pool as the coinbase sees it (devnet/emission.h's interface): the
 * subnet's own balancer pool for the price; no injection and no chain buy
 * happen in this scenario (the TAO-side emission is disabled). */
static dn_u64f64 cb_price(void *ctx, const struct dn_emission_subnet *e)
{
	(void)ctx;
	return dn_pool_price(&e->pool);
}

static bool cb_adjust(void *ctx, struct dn_emission_subnet *e, uint64_t tao, uint64_t alpha)
{
	(void)ctx;
	(void)e;
	return tao == 0 && alpha == 0; /* nothing is injected in this scenario */
}

static int cb_buy(void *ctx, struct dn_emission_subnet *e, uint64_t tao, uint64_t *in,
		  uint64_t *out)
{
	(void)ctx;
	(void)e;
	(void)tao;
	(void)in;
	(void)out;
	return -1; /* no chain buy: the subnet's TAO-side emission is disabled */
}

/* Steps blocks from+1 .. to through the coinbase; a drained epoch goes
 * through the epoch and the distribution. Returns 0 or -1. */
static int run_blocks(struct sim *s, struct nd_vout *o, const struct dn_emission_params *ep,
		      struct dn_emission_state *st, struct dn_emission_subnet *sub, uint64_t from,
		      uint64_t to)
{
	struct dn_schedule_params sp;
	dn_schedule_params_mock(&sp);
	struct dn_emission_pool pool = {NULL, cb_price, cb_adjust, cb_buy};
	struct dn_emission_subnet *list[1] = {sub};
	for (uint64_t b = from + 1; b <= to; b++) {
		struct dn_emission_drained dr[1];
		struct dn_emission_result res;
		uint64_t credit = dn_emission_mint_block(ep, st);
		int rc = dn_emission_run_coinbase(ep, &sp, st, list, 1, b, credit, &pool, NULL, dr,
						  &res);
		if (rc) {
			nd_vout_printf(o, "block %llu: coinbase failed: %s", (unsigned long long)b,
				       dn_emission_strerror(rc));
			return -1;
		}
		if (dr[0].outcome == DN_SCHEDULE_RUN) {
			s->block = b;
			if (sim_drain(s, o, dr[0].server, dr[0].validator, dr[0].root,
				      dr[0].owner_cut))
				return -1;
			sub->sched.last_mechanism_step_block = b;
		}
	}
	return 0;
}

/* test_disabling_owner_cut_sends_subnet_emission_to_miners_and_validators:
 * add_dynamic_network at block 1 (owner hotkey uid 0, TAO-side emission
 * disabled, reserves 10^15 / 10^15), tempo 10 from block 1, a validator
 * (uid 1, 100 TAO of alpha) and a miner (uid 2); ten blocks of coinbase;
 * then owner cut 10 % but disabled, the validator's weight on the miner,
 * permits [false, true, false], kappa 13107; ten more blocks, the epoch at
 * block 21 distributing what the coinbase accrued. */
static enum nd_vstatus owner_cut_disabled(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t cut;
	nd_vu64(r, "params.SubnetOwnerCut_u16", &cut);
	if (r->bad)
		return ND_V_FAIL;
	struct sim s;
	sim_init(&s, 10);
	s.ep.commit_reveal = false;
	uint32_t owner = sim_owner(&s, 0), val = sim_hotkey(&s, 1), miner = sim_hotkey(&s, 2);
	uint32_t uv = sim_register(&s, val), um = sim_register(&s, miner);
	sim_stake(&s, val, 1, 100000000000ULL);
	struct dn_emission_params ep;
	dn_emission_params_mock(&ep);
	struct dn_emission_state st = {0};
	st.total_issuance = st.balances_issuance = 1000000000000ULL;
	struct dn_emission_subnet sub;
	dn_emission_subnet_init(&sub, &ep, 1, 10, 1);
	sub.sched.last_epoch_block = 1;
	sub.has_first_emission = true;
	sub.first_emission_block = 0;
	sub.subtoken_enabled = true;
	sub.emission_enabled = false;
	sub.pool.min_reserve = 100;
	sub.pool.tao = sub.pool.alpha_in = 1000000000000000ULL;
	sub.pool.alpha_out = 100000000000ULL;
	int bad = 0;
	if (run_blocks(&s, o, &ep, &st, &sub, 1, 11))
		goto fail;
	ep.subnet_owner_cut = (uint16_t)(cut > UINT16_MAX ? UINT16_MAX : cut);
	sub.owner_cut_enabled = false;
	uint16_t wu = (uint16_t)um, wv = 65535;
	dn_row16_set(&s.w[uv], &wu, &wv, 1);
	for (uint32_t u = 0; u < s.n; u++) {
		s.reg[u] = 1;
		s.lu[u] = 2;
		s.permit[u] = u == uv;
	}
	s.ep.kappa = 13107;
	s.ep.max_allowed_validators = 1;
	uint64_t before_owner = stake_of(&s, owner, 0), before_val = stake_of(&s, val, 1),
		 before_miner = stake_of(&s, miner, 2);
	if (run_blocks(&s, o, &ep, &st, &sub, 11, 21))
		goto fail;
	bad += cmp_field(r, o, "owner_stake_delta", stake_of(&s, owner, 0) - before_owner);
	bad += cmp_field(r, o, "PendingOwnerCut", sub.pending_owner_cut);
	if (stake_of(&s, val, 1) <= before_val || stake_of(&s, miner, 2) <= before_miner) {
		nd_vout_printf(
			o, "validator %llu -> %llu, miner %llu -> %llu: expected both to grow",
			(unsigned long long)before_val, (unsigned long long)stake_of(&s, val, 1),
			(unsigned long long)before_miner,
			(unsigned long long)stake_of(&s, miner, 2));
		bad++;
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

static const struct {
	const char *test_fn;
	nd_vcheck check;
} dist_tests[] = {
	{"test_drain_base_with_subnet_with_single_staker_registered", drain_base},
	{"test_drain_base_with_subnet_with_single_staker_not_registered", drain_base},
	{"test_drain_base_with_subnet_with_single_staker_registered_root_weight", drain_base},
	{"test_drain_base_with_subnet_with_two_stakers_registered", drain_base},
	{"test_drain_base_with_subnet_with_two_stakers_registered_and_root", drain_base},
	{"test_drain_base_with_subnet_with_two_stakers_registered_and_root_different_amounts",
	 drain_base},
	{"test_drain_base_with_subnet_with_two_stakers_registered_and_root_different_amounts_"
	 "half_tao_weight",
	 drain_base},
	{"test_drain_alpha_childkey_parentkey", drain_childkey},
	{"test_get_root_children", root_children_weight},
	{"test_get_root_children_drain", root_children_drain},
	{"test_get_root_children_drain_half_proportion", root_children_dividends},
	{"test_get_root_children_drain_with_take", root_children_dividends},
	{"test_get_root_children_drain_with_half_take", root_children_dividends},
	{"test_distribute_emission_no_miners_all_drained", drain_no_miners},
	{"test_distribute_emission_zero_emission", drain_zero},
	{"test_calculate_dividend_distribution_totals", dividend_split},
	{"test_calculate_dividend_distribution_total_only_tao", dividend_split},
	{"test_calculate_dividend_distribution_total_no_tao_weight", dividend_split},
	{"test_calculate_dividend_distribution_total_only_alpha", dividend_split},
	{"test_calculate_dividend_and_incentive_distribution", dividend_and_incentive},
	{"test_calculate_dividend_and_incentive_distribution_all_to_validators",
	 dividend_and_incentive},
	{"test_calculate_dividends_and_incentives", dividends_and_incentives},
	{"test_calculate_dividends_and_incentives_only_validators", dividends_and_incentives},
	{"test_calculate_dividends_and_incentives_only_miners", dividends_and_incentives},
	{"test_incentive_to_subnet_owner_is_burned", owner_incentive},
	{"test_incentive_to_subnet_owners_hotkey_is_burned", owner_incentive},
	{"test_burn_key_sorting", owner_incentive},
	{"test_incentive_is_autostaked_to_owner_destination", autostake},
	{"test_incentive_goes_to_hotkey_when_no_autostake_destination", autostake},
	{"test_mining_emission_distribution_validator_valiminer_miner", macro_split},
	{"test_disabling_owner_cut_sends_subnet_emission_to_miners_and_validators",
	 owner_cut_disabled},
};

static enum nd_vstatus check_distribution(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	for (size_t i = 0; i < sizeof(dist_tests) / sizeof(dist_tests[0]); i++)
		if (strcmp(fn, dist_tests[i].test_fn) == 0)
			return dist_tests[i].check(r, o);
	nd_vout_printf(o, "distribution record from test '%s': no scenario for it in taodev", fn);
	return ND_V_SKIP;
}

/* ---- root_claim -------------------------------------------------------- */

/* The claim_root.rs scenario: add_dynamic_network whose owner hotkey (uid
 * 0) is the validator, with 10 000 000 alpha of the owner coldkey and the
 * root stakes given; TaoWeight 1. */
static uint32_t claim_setup(struct sim *s)
{
	sim_init(s, 360);
	s->tao_weight = UINT64_MAX;
	uint32_t hk = sim_owner(s, 0);
	sim_stake(s, hk, 0, 10000000);
	return hk;
}

/* test_claim_root_with_drain_emissions: two rounds of drain + Keep claim. */
static enum nd_vstatus claim_keep_rounds(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t root, valstake, pending;
	nd_vu64(r, "inputs.root_stake", &root);
	nd_vu64(r, "inputs.validator_alpha_stake_owner", &valstake);
	nd_vu64(r, "inputs.pending_root_alpha", &pending);
	if (r->bad)
		return ND_V_FAIL;
	sim_init(&s, 360);
	s.tao_weight = UINT64_MAX;
	uint32_t hk = sim_owner(&s, 0), ck = 1;
	s.rt[hk][ck] = root;
	sim_stake(&s, hk, 0, valstake);
	int bad = 0;
	if (sim_drain(&s, o, 0, 0, pending, 0))
		goto fail;
	bad += cmp_field(r, o, "validator_owner_alpha_stake_after", stake_of(&s, hk, 0));
	bad += cmp_real(r, o, "RootClaimable_rate", i96_value(s.rate[hk]));
	sim_claim(&s, ck, false);
	bad += cmp_field(r, o, "claimed_alpha_stake", stake_of(&s, hk, ck));
	bad += cmp_tol(o, "RootClaimed = claimed stake", (dn_i128)s.claimed[hk][ck],
		       (dn_i128)stake_of(&s, hk, ck), 0);
	/* the test asserts RootClaimed == the claimed stake, itself within the
	 * claimed_alpha_stake tolerance of the formula */
	uint64_t want_claimed;
	if (nd_vu64(r, "expected.RootClaimed", &want_claimed) == 0)
		bad += cmp_tol(o, "RootClaimed", (dn_i128)s.claimed[hk][ck], (dn_i128)want_claimed,
			       (dn_i128)tol_of(r, "claimed_alpha_stake"));
	if (sim_drain(&s, o, 0, 0, pending, 0))
		goto fail;
	bad += cmp_real(r, o, "round2_rate", i96_value(s.rate[hk]));
	sim_claim(&s, ck, false);
	bad += cmp_field(r, o, "round2_claimed_total", stake_of(&s, hk, ck));
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

/* test_claim_root_adding_stake_(dis)proportionally_for_two_stakers: alice,
 * bob and another coldkey on root; one drain; alice and bob claim (Keep). */
static enum nd_vstatus claim_two_stakers(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t ra, rb, ro, pending;
	nd_vu64(r, "inputs.root_stakes.alice", &ra);
	nd_vu64(r, "inputs.root_stakes.bob", &rb);
	nd_vu64(r, "inputs.root_stakes.other", &ro);
	nd_vu64(r, "inputs.pending_root_alpha", &pending);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t hk = claim_setup(&s), alice = 1, bob = 2, other = 3;
	s.rt[hk][alice] = ra;
	s.rt[hk][bob] = rb;
	s.rt[hk][other] = ro;
	int bad = 0;
	if (sim_drain(&s, o, 0, 0, pending, 0)) {
		sim_release(&s);
		return ND_V_FAIL;
	}
	sim_claim(&s, alice, false);
	sim_claim(&s, bob, false);
	bad += cmp_field(r, o, "alice_alpha", stake_of(&s, hk, alice));
	json_t *wb = nd_vget(r->json, "expected.bob_alpha");
	if (json_is_string(wb)) {
		/* "2 * alice_alpha (exact)" */
		bad += cmp_tol(o, "bob_alpha (2 * alice_alpha)", (dn_i128)stake_of(&s, hk, bob),
			       2 * (dn_i128)stake_of(&s, hk, alice), 0);
	} else {
		bad += cmp_field(r, o, "bob_alpha", stake_of(&s, hk, bob));
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_claim_root_with_changed_stake: alice and bob on root; three rounds,
 * bob removing half of his root stake before the second and adding it
 * back before the third (root stake moves 1:1, RootClaimed adjusted). */
static enum nd_vstatus claim_changed_stake(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t ra, rb, pending;
	nd_vu64(r, "inputs.root_stakes.alice", &ra);
	nd_vu64(r, "inputs.root_stakes.bob", &rb);
	nd_vu64(r, "inputs.pending_root_alpha_each_round", &pending);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t hk = claim_setup(&s), alice = 1, bob = 2;
	s.rt[hk][alice] = ra;
	s.rt[hk][bob] = rb;
	int bad = 0;
	if (sim_drain(&s, o, 0, 0, pending, 0))
		goto fail;
	sim_claim(&s, alice, false);
	sim_claim(&s, bob, false);
	uint64_t a1 = stake_of(&s, hk, alice), b1 = stake_of(&s, hk, bob);
	bad += cmp_field(r, o, "round1_each", a1);
	bad += cmp_field(r, o, "round1_each", b1);
	sim_root_remove(&s, hk, bob, rb / 2);
	if (sim_drain(&s, o, 0, 0, pending, 0))
		goto fail;
	sim_claim(&s, alice, false);
	sim_claim(&s, bob, false);
	uint64_t a2 = stake_of(&s, hk, alice), b2 = stake_of(&s, hk, bob);
	bad += cmp_field(r, o, "round2_bob_delta", b2 - b1);
	bad += cmp_tol(o, "round2_alice_delta (2 * bob delta)", (dn_i128)(a2 - a1),
		       2 * (dn_i128)(b2 - b1), (dn_i128)tol_of(r, "round2_alice_delta"));
	sim_root_add(&s, hk, bob, rb / 2);
	if (sim_drain(&s, o, 0, 0, pending, 0))
		goto fail;
	sim_claim(&s, alice, false);
	sim_claim(&s, bob, false);
	bad += cmp_field(r, o, "round3_each_delta", stake_of(&s, hk, alice) - a2);
	bad += cmp_field(r, o, "round3_each_delta", stake_of(&s, hk, bob) - b2);
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
fail:
	sim_release(&s);
	return ND_V_FAIL;
}

/* test_claim_root_with_drain_emissions_and_swap_claim_type: three rounds
 * of drain + Swap claim on a pool of 50 TAO / 100 alpha. */
static enum nd_vstatus claim_swap(struct nd_vrec *r, struct nd_vout *o)
{
	struct sim s;
	uint64_t rc, ro, pending, tao, alpha;
	nd_vu64(r, "inputs.root_stakes.coldkey", &rc);
	nd_vu64(r, "inputs.root_stakes.other", &ro);
	nd_vu64(r, "inputs.pending_root_alpha_each_round", &pending);
	nd_vu64(r, "params.reserves.tao", &tao);
	nd_vu64(r, "params.reserves.alpha", &alpha);
	if (r->bad)
		return ND_V_FAIL;
	uint32_t hk = claim_setup(&s), ck = 1, other = 2;
	s.rt[hk][ck] = rc;
	s.rt[hk][other] = ro;
	dn_pool_init(&s.pool, true, tao, alpha, 100); /* mock SwapMinimumReserve */
	int bad = 0;
	uint64_t prev = rc;
	static const char *const fields[3] = {"root_stake_after_round1", "round2_delta",
					      "round3_delta"};
	for (int round = 0; round < 3; round++) {
		if (sim_drain(&s, o, 0, 0, pending, 0)) {
			sim_release(&s);
			return ND_V_FAIL;
		}
		if (sim_claim(&s, ck, true)) {
			nd_vout_printf(o, "round %d: the claim's swap failed", round + 1);
			sim_release(&s);
			return ND_V_FAIL;
		}
		uint64_t now = s.rt[hk][ck];
		bad += cmp_field(r, o, fields[round], round == 0 ? now : now - prev);
		prev = now;
	}
	sim_release(&s);
	return r->bad || bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_claim_root_default_mode_keep: RootClaimType's default. */
static enum nd_vstatus claim_default_type(struct nd_vrec *r, struct nd_vout *o)
{
	const char *want = nd_vstr(r, "expected.RootClaimType_default");
	if (!want) {
		nd_vbad(r, "expected.RootClaimType_default", "expected a string");
		return ND_V_FAIL;
	}
	enum dn_claim_type got = DN_CLAIM_DEFAULT;
	const char *name = got == DN_CLAIM_SWAP	  ? "Swap"
			   : got == DN_CLAIM_KEEP ? "Keep"
						  : "KeepSubnets";
	if (strcmp(name, want) != 0) {
		nd_vout_printf(o, "RootClaimType default: expected %s, got %s", want, name);
		return ND_V_FAIL;
	}
	return ND_V_PASS;
}

/* test_claim_root_threshold: RootClaimableThreshold's default. */
static enum nd_vstatus claim_threshold(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_rootclaim_params p;
	dn_rootclaim_params_default(&p);
	return cmp_field(r, o, "RootClaimableThreshold_default_rao", p.threshold) || r->bad
		       ? ND_V_FAIL
		       : ND_V_PASS;
}

/* test_claim_root_block_hash_indices: hash = keccak256(b"literal"). */
static enum nd_vstatus claim_indices(struct nd_vrec *r, struct nd_vout *o)
{
	const char *hs = nd_vstr(r, "inputs.hash");
	uint64_t k, n, *want;
	size_t nw;
	nd_vu64(r, "inputs.k", &k);
	nd_vu64(r, "inputs.n", &n);
	nd_vu64_vec(r, "expected.sorted_indices", &want, &nw);
	if (r->bad)
		return ND_V_FAIL;
	const char *pre = "keccak256(b\"";
	size_t lp = strlen(pre), lh = hs ? strlen(hs) : 0;
	if (!hs || lh < lp + 2 || strncmp(hs, pre, lp) != 0 || strcmp(hs + lh - 2, "\")") != 0) {
		nd_vbad(r, "inputs.hash", "expected keccak256(b\"...\")");
		return ND_V_FAIL;
	}
	if (k > 4096) {
		nd_vbad(r, "inputs.k", "more than 4096 indices");
		return ND_V_FAIL;
	}
	uint8_t hash[32];
	keccak256((const uint8_t *)hs + lp, lh - lp - 2, hash);
	uint64_t *got = nd_valloc(r, k ? k : 1, sizeof(uint64_t));
	size_t ng = dn_rootclaim_indices(hash, k, n, got);
	int64_t *g = nd_valloc(r, ng, sizeof(int64_t)), *w = nd_valloc(r, nw, sizeof(int64_t));
	for (size_t i = 0; i < ng; i++)
		g[i] = (int64_t)got[i];
	for (size_t i = 0; i < nw; i++)
		w[i] = (int64_t)want[i];
	return nd_vcmp_int_vec(o, "sorted_indices", g, ng, w, nw) ? ND_V_FAIL : ND_V_PASS;
}

static const struct {
	const char *test_fn;
	nd_vcheck check;
} claim_tests[] = {
	{"test_claim_root_with_drain_emissions", claim_keep_rounds},
	{"test_claim_root_adding_stake_proportionally_for_two_stakers", claim_two_stakers},
	{"test_claim_root_adding_stake_disproportionally_for_two_stakers", claim_two_stakers},
	{"test_claim_root_with_changed_stake", claim_changed_stake},
	{"test_claim_root_with_drain_emissions_and_swap_claim_type", claim_swap},
	{"test_claim_root_default_mode_keep", claim_default_type},
	{"test_claim_root_threshold", claim_threshold},
	{"test_claim_root_block_hash_indices", claim_indices},
};

static enum nd_vstatus check_root_claim(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	for (size_t i = 0; i < sizeof(claim_tests) / sizeof(claim_tests[0]); i++)
		if (strcmp(fn, claim_tests[i].test_fn) == 0)
			return claim_tests[i].check(r, o);
	nd_vout_printf(o, "root_claim record from test '%s': no scenario for it in taodev", fn);
	return ND_V_SKIP;
}

const struct nd_vkind nd_vkinds_distribution[] = {
	{"distribution", check_distribution, NULL},
	{"root_claim", check_root_claim, NULL},
	{NULL, NULL, NULL},
};
