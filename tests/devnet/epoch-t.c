/*
 * devnet/epoch: what the reference vectors do not pin down. The sparse
 * epoch against the dense one on random subnets (the chain's
 * test_512_graph_random_weights property, for classic Yuma and for Yuma3
 * where the two agree), bad input rejected without writing anything, the
 * zero-weights emergency split, the owner's exemptions, workspace reuse
 * across subnet sizes, mechanisms and their aggregation, the duplicate-
 * hotkey guard, and two workspaces running in parallel threads.
 */
#include "devnet/epoch.h"
#include "devnet/mathx.h"
#include "tests/tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- scaffolding ------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r) { return tap_rand_next(&r->s); }

static uint32_t rnd_below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rnd(r) % n) : 0; }

/* A subnet's stored state, as the chain state would hold it. */
struct subnet {
	uint32_t n;
	uint64_t block;
	uint64_t *alpha, *tao, *reg, *lu, *commit;
	size_t nlu;
	bool *permit;
	struct dn_row16 *w, *b;
	struct dn_epoch_params p;
};

static void subnet_init(struct subnet *s, uint32_t n)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->block = 1;
	size_t m = n ? n : 1;
	s->alpha = calloc(m, sizeof(uint64_t));
	s->tao = calloc(m, sizeof(uint64_t));
	s->reg = calloc(m, sizeof(uint64_t));
	s->lu = calloc(m + 3, sizeof(uint64_t)); /* room for a longer last_update */
	s->commit = calloc(m, sizeof(uint64_t));
	s->nlu = n;
	s->permit = calloc(m, sizeof(bool));
	s->w = calloc(m, sizeof(struct dn_row16));
	s->b = calloc(m, sizeof(struct dn_row16));
	for (uint32_t i = 0; i < n; i++)
		s->commit[i] = UINT64_MAX;
	dn_epoch_params_default(&s->p);
	s->p.commit_reveal = false;
}

static void subnet_free(struct subnet *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		dn_row16_release(&s->w[i]);
		dn_row16_release(&s->b[i]);
	}
	free(s->alpha);
	free(s->tao);
	free(s->reg);
	free(s->lu);
	free(s->commit);
	free(s->permit);
	free(s->w);
	free(s->b);
}

static void subnet_copy(struct subnet *d, const struct subnet *s)
{
	subnet_init(d, s->n);
	size_t m = s->n ? s->n : 1;
	d->block = s->block;
	d->nlu = s->nlu;
	d->p = s->p;
	memcpy(d->alpha, s->alpha, m * sizeof(uint64_t));
	memcpy(d->tao, s->tao, m * sizeof(uint64_t));
	memcpy(d->reg, s->reg, m * sizeof(uint64_t));
	memcpy(d->lu, s->lu, (m + 3) * sizeof(uint64_t));
	memcpy(d->commit, s->commit, m * sizeof(uint64_t));
	memcpy(d->permit, s->permit, m * sizeof(bool));
	for (uint32_t i = 0; i < s->n; i++) {
		dn_row16_copy(&d->w[i], &s->w[i]);
		dn_row16_copy(&d->b[i], &s->b[i]);
	}
}

static struct dn_epoch_input subnet_input(const struct subnet *s, uint64_t rao)
{
	struct dn_epoch_input in = {
		.n = s->n,
		.block = s->block,
		.alpha_stake = s->alpha,
		.tao_stake = s->tao,
		.block_at_registration = s->reg,
		.last_update = s->lu,
		.n_last_update = s->nlu,
		.validator_permit = s->permit,
		.weights = s->w,
		.bonds = s->b,
		.commit_block = s->commit,
		.rao_emission = rao,
	};
	return in;
}

/* Persist like the chain: permits and bonds rows. */
static void subnet_persist(struct subnet *s, const struct dn_epoch_result *r)
{
	memcpy(s->permit, r->new_permit, s->n * sizeof(bool));
	dn_epoch_store_bonds(r, s->b);
}

/* set_weights: values max-upscaled (the chain's storage transform). */
static void set_weights(struct subnet *s, uint32_t uid, const uint16_t *dests,
			const uint16_t *values, uint32_t len)
{
	uint16_t stored[1024];
	dn_mx_vec_u16_max_upscale_to_u16(values, len, stored);
	dn_row16_set(&s->w[uid], dests, stored, len);
	s->lu[uid] = s->block;
}

static int run(struct dn_epoch *ws, struct subnet *s, enum dn_epoch_variant v, uint64_t rao,
	       const struct dn_epoch_result **out)
{
	struct dn_epoch_input in = subnet_input(s, rao);
	int rc = dn_epoch_run(ws, &s->p, &in, v, out, NULL);
	if (rc == 0)
		subnet_persist(s, *out);
	return rc;
}

/* Whether two results agree on every per-uid output (and the I32F32
 * intermediates); names the first difference. */
static bool same_outputs(const struct dn_epoch_result *a, const struct dn_epoch_result *b,
			 bool intermediates)
{
	if (a->n != b->n) {
		diag("n differs: %u vs %u", a->n, b->n);
		return false;
	}
	for (uint32_t i = 0; i < a->n; i++) {
#define SAME(f)                                                                 \
	if (a->f[i] != b->f[i]) {                                               \
		diag("%s[%u] differs: %lld vs %lld", #f, i, (long long)a->f[i], \
		     (long long)b->f[i]);                                       \
		return false;                                                   \
	}
		SAME(stake_weight)
		SAME(consensus)
		SAME(incentive)
		SAME(dividends)
		SAME(validator_trust)
		SAME(active)
		SAME(new_permit)
		SAME(server_emission)
		SAME(validator_emission)
		SAME(emission)
		if (intermediates) {
			SAME(stake)
			SAME(old_permit)
			SAME(stake_fx)
			SAME(active_stake)
			SAME(consensus_fx)
			SAME(validator_trust_fx)
			SAME(incentive_fx)
			SAME(dividends_fx)
			SAME(bond_write)
		}
#undef SAME
	}
	return true;
}

/* Whether the stored bonds read back the same (an absent entry reads 0). */
static bool same_bonds(const struct subnet *a, const struct subnet *b)
{
	for (uint32_t i = 0; i < a->n; i++)
		for (uint32_t j = 0; j < a->n; j++) {
			uint16_t x, y;
			dn_row16_get(&a->b[i], (uint16_t)j, &x);
			dn_row16_get(&b->b[i], (uint16_t)j, &y);
			if (x != y) {
				diag("bond %u->%u differs: %u vs %u", i, j, x, y);
				return false;
			}
		}
	return true;
}

/* Whether two results are identical, bonds CSR included. */
static bool same_result(const struct dn_epoch_result *a, const struct dn_epoch_result *b)
{
	if (!same_outputs(a, b, true))
		return false;
	if (a->variant != b->variant)
		return false;
	for (uint32_t i = 0; i <= a->n; i++)
		if (a->bond_start[i] != b->bond_start[i])
			return false;
	for (uint32_t k = 0; k < a->bond_start[a->n]; k++)
		if (a->bond_uid[k] != b->bond_uid[k] || a->bond_val[k] != b->bond_val[k])
			return false;
	return true;
}

/* ---- rows -------------------------------------------------------------- */

static void test_rows(void)
{
	struct dn_row16 r;
	dn_row16_init(&r);
	ok(r.len == 0 && r.cap == 0 && r.uid == NULL, "a new row is empty without storage");
	const uint16_t u[] = {5, 2, 5, 9}, v[] = {10, 0, 30, 40};
	dn_row16_set(&r, u, v, 4);
	uint16_t x = 7;
	ok(r.len == 4 && dn_row16_get(&r, 5, &x) && x == 10,
	   "set keeps the order; get finds the first entry");
	ok(!dn_row16_get(&r, 3, &x) && x == 0, "an absent uid reads as 0");
	ok(dn_row16_get(&r, 2, &x) && x == 0, "an explicit zero is found");
	is_int(dn_row16_set_value_of(&r, 5, 0), 2, "set_value_of changes every entry for the uid");
	ok(r.len == 4 && r.val[0] == 0 && r.val[2] == 0 && r.val[3] == 40,
	   "set_value_of keeps the entries (replacement zeroes, not removes)");
	is_int(dn_row16_remove_uid(&r, 5), 2, "remove_uid removes every entry for the uid");
	ok(r.len == 2 && r.uid[0] == 2 && r.uid[1] == 9 && r.val[1] == 40,
	   "remove_uid keeps the others in order");
	for (uint16_t k = 0; k < 100; k++)
		dn_row16_push(&r, k, (uint16_t)(k * 3));
	ok(r.len == 102 && r.cap >= 102 && r.uid[101] == 99 && r.val[101] == 297,
	   "push grows the row");
	struct dn_row16 c;
	dn_row16_init(&c);
	dn_row16_copy(&c, &r);
	ok(c.len == r.len && memcmp(c.uid, r.uid, r.len * 2) == 0 &&
		   memcmp(c.val, r.val, r.len * 2) == 0,
	   "copy");
	dn_row16_clear(&r);
	ok(r.len == 0 && r.cap >= 102, "clear keeps the storage");
	dn_row16_release(&r);
	dn_row16_release(&c);
	ok(r.uid == NULL && r.cap == 0, "release frees");
}

/* ---- parameters -------------------------------------------------------- */

static void test_params(void)
{
	is_int(dn_epoch_activity_cutoff(13889, 360), 5000,
	       "cutoff: 13889 per mille of tempo 360 = 5000");
	is_int(dn_epoch_activity_cutoff(13889, 1), 13, "cutoff at tempo 1 = 13");
	is_int(dn_epoch_activity_cutoff(0, 360), 1, "cutoff is at least 1");
	is_int(dn_epoch_activity_cutoff(UINT32_MAX, 65535),
	       (int64_t)((uint64_t)UINT32_MAX * 65535 / 1000), "cutoff does not overflow");
	struct dn_epoch_params p;
	dn_epoch_params_default(&p);
	ok(p.tempo == 360 && p.activity_cutoff == 5000 && p.kappa == 32767 &&
		   p.bonds_penalty == 65535 && p.bonds_moving_average == 900000 && p.yuma3 &&
		   !p.liquid_alpha && p.alpha_low == 45875 && p.alpha_high == 58982 &&
		   p.alpha_sigmoid_steepness == 1000 && p.max_allowed_validators == 64 &&
		   p.owner_uid == -1 && p.commit_reveal && p.tao_weight == 971718665099567868ull,
	   "defaults are a new subnet's on the production runtime");
	ok(strcmp(dn_epoch_strerror(0), "ok") == 0 &&
		   strcmp(dn_epoch_strerror(DN_EPOCH_ERANGE), "ok") != 0 &&
		   strcmp(dn_epoch_strerror(12345), "unknown error") == 0,
	   "strerror");
}

/* ---- sparse == dense on random graphs ----------------------------------- */

/* The chain's test_512_graph_random_weights shape: n uids, nval
 * validators (interleaved or first), stake on validators only, random
 * weights from every validator to the servers, optionally servers'
 * self-weights (masked: no permit). One sparse epoch assigns permits,
 * then each epoch re-weights some validators. `positive` makes every
 * weight > 0 (no missing entries, where Yuma3 liquid alpha agrees). */
struct graph {
	uint32_t n, nval;
	bool interleave, server_self, yuma3, liquid, positive;
	uint16_t penalty;
	uint32_t epochs;
	uint64_t seed;
};

static bool is_validator(const struct graph *g, uint32_t i)
{
	if (g->interleave)
		return i % (g->n / g->nval) == 0 && i / (g->n / g->nval) < g->nval;
	return i < g->nval;
}

static void random_weights(struct rng *r, const struct graph *g, struct subnet *s, uint32_t i)
{
	uint16_t dests[1024], vals[1024];
	uint32_t len = 0;
	uint64_t sum = 0;
	uint32_t raw[1024];
	for (uint32_t j = 0; j < g->n; j++) {
		if (is_validator(g, j))
			continue;
		uint32_t x = rnd_below(r, 1000);
		if (g->positive)
			x += 1;
		else if (rnd_below(r, 4) == 0)
			x = 0; /* explicit zeros */
		dests[len] = (uint16_t)j;
		raw[len++] = x;
		sum += x;
	}
	/* the test normalises to a sum of about u16::MAX before set_weights */
	for (uint32_t k = 0; k < len; k++) {
		uint64_t v = sum ? (uint64_t)raw[k] * 65535 / sum : 0;
		vals[k] = (uint16_t)(g->positive && v == 0 ? 1 : v);
	}
	set_weights(s, i, dests, vals, len);
}

static bool graph_case(const struct graph *g)
{
	struct rng r = {g->seed};
	struct subnet s;
	subnet_init(&s, g->n);
	s.p.yuma3 = g->yuma3;
	s.p.liquid_alpha = g->liquid;
	s.p.bonds_penalty = g->penalty;
	s.p.max_allowed_validators = (uint16_t)g->nval;
	s.p.tempo = 1;
	s.p.activity_cutoff = 5000;
	for (uint32_t i = 0; i < g->n; i++) {
		s.alpha[i] =
			is_validator(g, i) ? 1000000000ull + rnd_below(&r, 1000) * 1000000ull : 0;
		s.reg[i] = 0;
		s.lu[i] = 0;
	}
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *rs = NULL, *rd = NULL;
	bool good = run(ws, &s, DN_EPOCH_SPARSE, 1000000000, &rs) == 0; /* permits */
	s.block = 2;
	for (uint32_t i = 0; i < g->n; i++) {
		if (is_validator(g, i))
			random_weights(&r, g, &s, i);
		else if (g->server_self) {
			uint16_t self = (uint16_t)i, v = 65535;
			set_weights(&s, i, &self, &v, 1);
		}
	}
	struct subnet d;
	subnet_copy(&d, &s);
	struct dn_epoch *wd = dn_epoch_new();
	for (uint32_t e = 0; e < g->epochs && good; e++) {
		good = run(ws, &s, DN_EPOCH_SPARSE, 1000000000, &rs) == 0 &&
		       run(wd, &d, DN_EPOCH_DENSE, 1000000000, &rd) == 0;
		good = good && same_outputs(rs, rd, false) && same_bonds(&s, &d);
		/* not vacuous: something was paid and bonded */
		bool paid = false, bonded = false;
		for (uint32_t i = 0; good && i < g->n; i++) {
			paid |= rs->dividends[i] > 0 && rs->incentive[rs->n - 1 - i] > 0;
			bonded |= s.b[i].len > 0;
		}
		if (good && !(paid && bonded))
			diag("vacuous graph case");
		good = good && paid && bonded;
		/* next epoch: a few validators change their weights */
		s.p.last_mechanism_step_block = s.block;
		d.p.last_mechanism_step_block = d.block;
		s.block++;
		d.block++;
		for (uint32_t i = 0; i < g->n; i++)
			if (is_validator(g, i) && rnd_below(&r, 3) == 0) {
				uint64_t keep = r.s;
				random_weights(&r, g, &s, i);
				r.s = keep;
				random_weights(&r, g, &d, i);
			}
	}
	if (!good)
		diag("graph n=%u nval=%u interleave=%d self=%d yuma3=%d liquid=%d penalty=%u", g->n,
		     g->nval, g->interleave, g->server_self, g->yuma3, g->liquid, g->penalty);
	dn_epoch_free(ws);
	dn_epoch_free(wd);
	subnet_free(&s);
	subnet_free(&d);
	return good;
}

static void test_sparse_equals_dense(void)
{
	static const uint16_t penalties[] = {0, 32767, 65535};
	/* the chain's own shape: 512 uids, 64 validators, classic */
	for (int il = 0; il < 2; il++)
		for (int ss = 0; ss < 2; ss++) {
			struct graph g = {.n = 512,
					  .nval = 64,
					  .interleave = il,
					  .server_self = ss,
					  .penalty = penalties[(il * 2 + ss) % 3],
					  .epochs = 1,
					  .seed = 0x512u + (uint64_t)il * 2 + ss};
			ok(graph_case(&g),
			   "classic 512x512 (interleave %d, server self %d, penalty %u): "
			   "sparse == dense",
			   il, ss, g.penalty);
		}
	/* smaller graphs over several epochs (bonds carried over) */
	for (int k = 0; k < 3; k++) {
		struct graph g = {.n = 48 + 16 * k,
				  .nval = 8 + 4 * k,
				  .interleave = k == 1,
				  .server_self = true,
				  .penalty = penalties[k],
				  .epochs = 4,
				  .seed = 0xc1a55u + k};
		ok(graph_case(&g), "classic n=%u, 4 epochs, penalty %u: sparse == dense", g.n,
		   g.penalty);
	}
	for (int k = 0; k < 3; k++) {
		struct graph g = {.n = 40 + 8 * k,
				  .nval = 6 + 2 * k,
				  .interleave = k == 2,
				  .yuma3 = true,
				  .penalty = penalties[k],
				  .epochs = 4,
				  .seed = 0x3a3au + k};
		ok(graph_case(&g), "Yuma3 n=%u, 4 epochs, penalty %u: sparse == dense", g.n,
		   g.penalty);
	}
	struct graph g = {.n = 40,
			  .nval = 8,
			  .yuma3 = true,
			  .liquid = true,
			  .positive = true,
			  .penalty = 0,
			  .epochs = 4,
			  .seed = 0x11c1d};
	ok(graph_case(&g), "Yuma3 liquid alpha, no missing weight entries: sparse == dense");
}

/* ---- bad input --------------------------------------------------------- */

struct snapshot {
	uint32_t n;
	uint64_t em[16], se[16];
	uint16_t inc[16];
	uint32_t bstart[17];
};

static void snap(struct snapshot *sn, const struct dn_epoch_result *r)
{
	sn->n = r->n;
	memcpy(sn->em, r->emission, r->n * sizeof(uint64_t));
	memcpy(sn->se, r->server_emission, r->n * sizeof(uint64_t));
	memcpy(sn->inc, r->incentive, r->n * sizeof(uint16_t));
	memcpy(sn->bstart, r->bond_start, (r->n + 1) * sizeof(uint32_t));
}

static bool snap_same(const struct snapshot *sn, const struct dn_epoch_result *r)
{
	return sn->n == r->n && memcmp(sn->em, r->emission, r->n * sizeof(uint64_t)) == 0 &&
	       memcmp(sn->se, r->server_emission, r->n * sizeof(uint64_t)) == 0 &&
	       memcmp(sn->inc, r->incentive, r->n * sizeof(uint16_t)) == 0 &&
	       memcmp(sn->bstart, r->bond_start, (r->n + 1) * sizeof(uint32_t)) == 0;
}

/* A small healthy subnet: 2 validators weighting 2 servers. */
static void small_subnet(struct subnet *s)
{
	subnet_init(s, 4);
	s->p.yuma3 = false;
	s->block = 10;
	for (uint32_t i = 0; i < 4; i++) {
		s->alpha[i] = i < 2 ? 1000 * (i + 1) : 0;
		s->reg[i] = 1;
		s->lu[i] = 5;
		s->permit[i] = i < 2;
	}
	const uint16_t d[] = {2, 3}, v[] = {65535, 32767};
	dn_row16_set(&s->w[0], d, v, 2);
	dn_row16_set(&s->w[1], d, v, 2);
}

/* Where the two differ (spec §4.10b): with liquid alpha, the sparse EMA
 * only emits entries present in the weights row, so a bond whose weight
 * entry disappeared is deleted, while the dense EMA decays it. */
static void test_liquid_missing_entry(void)
{
	struct subnet s;
	small_subnet(&s);
	s.p.yuma3 = true;
	s.p.liquid_alpha = true;
	s.p.tempo = 1;
	s.p.activity_cutoff = 5000;
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *r;
	bool good = run(ws, &s, DN_EPOCH_SPARSE, 1000000, &r) == 0;
	uint16_t b03 = 0;
	good = good && dn_row16_get(&s.b[0], 3, &b03) && b03 > 0;
	s.p.last_mechanism_step_block = s.block;
	s.block++;
	const uint16_t d[] = {2}, v[] = {65535};
	set_weights(&s, 0, d, v, 1);
	struct subnet t;
	subnet_copy(&t, &s);
	uint16_t sb = 1, db = 0;
	good = good && run(ws, &s, DN_EPOCH_SPARSE, 1000000, &r) == 0 &&
	       run(ws, &t, DN_EPOCH_DENSE, 1000000, &r) == 0;
	dn_row16_get(&s.b[0], 3, &sb);
	dn_row16_get(&t.b[0], 3, &db);
	ok(good && sb == 0 && db > 0 && db < b03,
	   "liquid alpha, weight entry gone: sparse deletes the bond (%u), dense decays it (%u -> "
	   "%u)",
	   sb, b03, db);
	dn_epoch_free(ws);
	subnet_free(&s);
	subnet_free(&t);
}

static void test_bad_input(void)
{
	struct subnet s;
	small_subnet(&s);
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *res = NULL, *out;
	struct dn_epoch_input in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &res, NULL) == 0 &&
		   res->server_emission[2] > 0,
	   "a healthy epoch runs");
	struct snapshot sn;
	snap(&sn, res);
	const struct dn_epoch_result *const sentinel = (const void *)&sn;
	struct dn_epoch_err err;
	int rc;

	/* a weights entry naming uid n */
	dn_row16_push(&s.w[1], 4, 100);
	in = subnet_input(&s, 1000000);
	out = sentinel;
	memset(&err, 0, sizeof(err));
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	is_int(rc, DN_EPOCH_ERANGE, "a weights uid >= n is rejected (ERANGE)");
	ok(err.code == DN_EPOCH_ERANGE && err.field && strcmp(err.field, "weights") == 0 &&
		   err.row == 1 && err.entry == 2 && err.value == 4,
	   "the error names the field, row, entry and value");
	ok(out == sentinel && snap_same(&sn, res),
	   "nothing written: out and the last result unchanged");
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_DENSE, &out, &err);
	ok(rc == DN_EPOCH_ERANGE && out == sentinel && snap_same(&sn, res),
	   "the dense epoch rejects it too");
	s.w[1].len = 2;

	/* a bonds entry far out of range, on an unpermitted row */
	dn_row16_push(&s.b[3], 65535, 1);
	in = subnet_input(&s, 1000000);
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	ok(rc == DN_EPOCH_ERANGE && strcmp(err.field, "bonds") == 0 && err.row == 3 &&
		   err.value == 65535 && out == sentinel && snap_same(&sn, res),
	   "a bonds uid >= n is rejected on any row");
	dn_row16_clear(&s.b[3]);

	/* malformed rows and arrays */
	uint32_t cap = s.w[0].cap;
	s.w[0].len = cap + 1;
	in = subnet_input(&s, 1000000);
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	ok(rc == DN_EPOCH_EINVAL && strcmp(err.field, "weights") == 0 && err.row == 0 &&
		   out == sentinel,
	   "a row with len > cap is rejected (EINVAL)");
	s.w[0].len = 2;
	in = subnet_input(&s, 1000000);
	in.alpha_stake = NULL;
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	ok(rc == DN_EPOCH_EINVAL && strcmp(err.field, "alpha_stake") == 0 && out == sentinel,
	   "a missing stake array is rejected");
	in = subnet_input(&s, 1000000);
	in.last_update = NULL;
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	ok(rc == DN_EPOCH_EINVAL && strcmp(err.field, "last_update") == 0 && out == sentinel,
	   "a missing last_update with a length is rejected");
	in = subnet_input(&s, 1000000);
	in.n = 70000;
	rc = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &out, &err);
	ok(rc == DN_EPOCH_EINVAL && strcmp(err.field, "n") == 0 && err.value == 70000 &&
		   out == sentinel,
	   "n > 65535 is rejected");
	in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(ws, NULL, &in, DN_EPOCH_SPARSE, &out, &err) == DN_EPOCH_EINVAL &&
		   dn_epoch_run(ws, &s.p, NULL, DN_EPOCH_SPARSE, &out, &err) == DN_EPOCH_EINVAL &&
		   dn_epoch_run(ws, &s.p, &in, (enum dn_epoch_variant)7, &out, &err) ==
			   DN_EPOCH_EINVAL &&
		   dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, NULL, NULL) == DN_EPOCH_EINVAL &&
		   out == sentinel,
	   "NULL params, input, out and a bad variant are rejected");
	ok(snap_same(&sn, res), "after all that the last good result is intact");

	/* mechanisms: count out of range, an error in the second mechanism */
	struct dn_epoch_mech_input m[2] = {
		{.last_update = s.lu, .n_last_update = 4, .weights = s.w, .bonds = s.b},
		{.last_update = s.lu, .n_last_update = 4, .weights = s.w, .bonds = s.b},
	};
	const struct dn_epoch_mech_result *mr = NULL, *mout = (const void *)&sn;
	ok(dn_epoch_run_mechanisms(ws, &s.p, &in, m, 0, NULL, 0, &mout, &err) == DN_EPOCH_EINVAL &&
		   dn_epoch_run_mechanisms(ws, &s.p, &in, m, DN_MAX_MECHANISMS + 1, NULL, 0, &mout,
					   &err) == DN_EPOCH_EINVAL &&
		   mout == (const void *)&sn,
	   "a mechanism count of 0 or > 16 is rejected");
	ok(dn_epoch_run_mechanisms(ws, &s.p, &in, m, 2, NULL, 0, &mr, &err) == 0,
	   "two mechanisms run");
	uint64_t agg0 = mr->server_emission[2];
	struct dn_row16 bad[4];
	memcpy(bad, s.b, sizeof(bad));
	const uint16_t bu[] = {9}, bv[] = {1};
	struct dn_row16 badrow = {.len = 1, .cap = 1, .uid = (uint16_t *)bu, .val = (uint16_t *)bv};
	bad[2] = badrow;
	m[1].bonds = bad;
	mout = (const void *)&sn;
	rc = dn_epoch_run_mechanisms(ws, &s.p, &in, m, 2, NULL, 0, &mout, &err);
	ok(rc == DN_EPOCH_ERANGE && err.mech == 1 && err.row == 2 &&
		   strcmp(err.field, "bonds") == 0,
	   "an error in mechanism 1 names the mechanism");
	ok(mout == (const void *)&sn && mr->server_emission[2] == agg0,
	   "nothing written: the last mechanism result is intact");
	dn_epoch_free(ws);
	subnet_free(&s);
}

/* ---- emergency split --------------------------------------------------- */

static void test_zero_weights(void)
{
	/* no weights at all: incentive and dividends are 0, so validators get
	 * everything in proportion to active stake (mechanism.rs test
	 * epoch_mechanism_emergency_mode_distributes_by_stake) */
	struct subnet s;
	subnet_init(&s, 4);
	static const uint64_t st[] = {10, 30, 60, 0};
	for (uint32_t i = 0; i < 4; i++) {
		s.alpha[i] = st[i];
		s.reg[i] = 1;
		s.lu[i] = 1;
		s.permit[i] = i < 3;
	}
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *r;
	struct dn_epoch_input in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0, "emergency epoch runs");
	uint64_t srv = 0, val = 0;
	bool close = true;
	for (uint32_t i = 0; i < 4; i++) {
		srv += r->server_emission[i];
		val += r->validator_emission[i];
		uint64_t want = st[i] * 10000;
		close &= r->validator_emission[i] + 2 >= want &&
			 r->validator_emission[i] <= want + 2 &&
			 r->emission[i] == r->validator_emission[i];
	}
	ok(srv == 0, "no server emission without weights");
	ok(close && val + 3 >= 1000000 && val <= 1000000,
	   "validator emission follows active stake");

	/* nobody active: the plain normalised stake decides */
	s.block = 1 + s.p.activity_cutoff + 1;
	s.permit[0] = false; /* also without permit: still paid by stake */
	in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 && !r->active[0] &&
		   r->active_stake[1] == 0,
	   "all inactive: active stake is zero");
	close = true;
	for (uint32_t i = 0; i < 4; i++)
		close &= r->validator_emission[i] + 2 >= st[i] * 10000 &&
			 r->validator_emission[i] <= st[i] * 10000 + 2;
	ok(close && r->validator_emission[0] > 0,
	   "then validator emission follows the stake itself");
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_DENSE, &r, NULL) == 0 &&
		   r->validator_emission[0] > 0 && r->server_emission[1] == 0,
	   "the dense epoch does the same");
	dn_epoch_free(ws);
	subnet_free(&s);
}

/* ---- the owner --------------------------------------------------------- */

static void test_owner(void)
{
	/* stake threshold: the owner uid is exempt (sparse only) and always
	 * has a permit, both the one used and the new one */
	struct subnet s;
	subnet_init(&s, 4);
	static const uint64_t st[] = {5000, 6000, 10, 10};
	for (uint32_t i = 0; i < 4; i++) {
		s.alpha[i] = st[i];
		s.reg[i] = 1;
		s.lu[i] = 1;
	}
	s.p.stake_threshold = 1000;
	s.p.owner_uid = 3;
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *r;
	struct dn_epoch_input in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0, "owner epoch runs");
	ok(r->stake_fx[2] == 0 && r->stake_fx[3] > 0 && r->stake[3] == 10,
	   "below the threshold: stake 0, except the owner's");
	ok(r->old_permit[3] && !r->old_permit[2] && r->new_permit[3] && !r->new_permit[2],
	   "the owner's permit is forced (stored and new)");
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_DENSE, &r, NULL) == 0 && r->stake_fx[3] == 0 &&
		   !r->old_permit[3] && !r->new_permit[3],
	   "the dense epoch has no owner exemption");

	/* self-weight: the owner keeps its own (test_can_set_self_weight_as_
	 * subnet_owner); others lose theirs */
	subnet_free(&s);
	subnet_init(&s, 3);
	s.block = 2;
	s.alpha[0] = 5000000000000ull;
	s.alpha[2] = 100;
	s.permit[0] = true;
	s.permit[2] = true;
	s.lu[0] = 2;
	s.lu[2] = 2;
	s.reg[0] = s.reg[1] = s.reg[2] = 1;
	s.p.owner_uid = 0;
	const uint16_t d[] = {0, 1}, v[] = {32767, 32767}, d2[] = {2}, v2[] = {65535};
	dn_row16_set(&s.w[0], d, v, 2);
	dn_row16_set(&s.w[2], d2, v2, 1); /* uid 2's self-weight */
	in = subnet_input(&s, 1000000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 &&
		   r->server_emission[0] > 0 && r->server_emission[0] == r->server_emission[1] &&
		   r->incentive[2] == 0,
	   "sparse: the owner's self-weight counts, another's does not");
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_DENSE, &r, NULL) == 0 &&
		   r->server_emission[0] == 0 && r->server_emission[1] > 0,
	   "dense: every self-weight is masked");
	/* an owner uid outside the subnet acts as none */
	s.p.owner_uid = 7;
	in = subnet_input(&s, 1000000000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 &&
		   r->server_emission[0] == 0,
	   "an owner uid >= n acts as no owner");
	dn_epoch_free(ws);
	subnet_free(&s);
}

/* ---- workspace reuse --------------------------------------------------- */

/* A random subnet with some of everything: stake on a few uids, weights
 * and bonds rows, registrations, last updates of any length. */
static void random_subnet(struct subnet *s, struct rng *r, uint32_t n)
{
	subnet_init(s, n);
	s->block = 100 + rnd_below(r, 50);
	s->p.yuma3 = rnd_below(r, 2);
	s->p.liquid_alpha = rnd_below(r, 2);
	s->p.bonds_penalty = (uint16_t)rnd_below(r, 65536);
	s->p.max_allowed_validators = (uint16_t)(1 + rnd_below(r, n + 2));
	s->p.tempo = 10;
	s->p.activity_cutoff = 30;
	s->p.last_mechanism_step_block = rnd_below(r, 2) ? s->block - 10 : 0;
	s->p.commit_reveal = rnd_below(r, 2);
	s->p.owner_uid = rnd_below(r, 3) ? -1 : (int32_t)rnd_below(r, n + 1);
	s->p.tao_weight = rnd(r);
	s->nlu = rnd_below(r, n + 3);
	for (uint32_t i = 0; i < n; i++) {
		s->alpha[i] = rnd_below(r, 3) ? rnd(r) % 1000000000000ull : 0;
		s->tao[i] = rnd_below(r, 4) ? 0 : rnd(r) % 1000000000000ull;
		s->reg[i] = rnd_below(r, 120);
		s->lu[i] = s->block - rnd_below(r, 60);
		s->permit[i] = rnd_below(r, 2);
		s->commit[i] = rnd_below(r, 3) ? UINT64_MAX : rnd_below(r, 150);
		uint32_t len = rnd_below(r, n + 1);
		for (uint32_t k = 0; k < len; k++)
			dn_row16_push(&s->w[i], (uint16_t)rnd_below(r, n), (uint16_t)rnd(r));
		len = rnd_below(r, n + 1);
		for (uint32_t k = 0; k < len; k++)
			dn_row16_push(&s->b[i], (uint16_t)rnd_below(r, n), (uint16_t)rnd(r));
	}
}

static void test_reuse(void)
{
	static const uint32_t sizes[] = {7, 33, 3, 64, 1, 0, 20, 64, 2};
	struct rng r = {0x5eed};
	struct dn_epoch *shared = dn_epoch_new();
	bool all = true;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct subnet s;
		random_subnet(&s, &r, sizes[k]);
		enum dn_epoch_variant v = k % 3 == 1 ? DN_EPOCH_DENSE : DN_EPOCH_SPARSE;
		struct dn_epoch_input in = subnet_input(&s, 1000000000 + k);
		const struct dn_epoch_result *a, *b;
		struct dn_epoch *fresh = dn_epoch_new();
		bool same = dn_epoch_run(shared, &s.p, &in, v, &a, NULL) == 0 &&
			    dn_epoch_run(fresh, &s.p, &in, v, &b, NULL) == 0 && same_result(a, b);
		if (!same)
			diag("size %u variant %d differs", sizes[k], v);
		all &= same;
		dn_epoch_free(fresh);
		subnet_free(&s);
	}
	ok(all, "one workspace over subnets of changing sizes == a fresh workspace each time");
	/* an empty subnet */
	struct subnet s;
	subnet_init(&s, 0);
	struct dn_epoch_input in = subnet_input(&s, 5);
	const struct dn_epoch_result *a;
	ok(dn_epoch_run(shared, &s.p, &in, DN_EPOCH_SPARSE, &a, NULL) == 0 && a->n == 0 &&
		   a->bond_start[0] == 0,
	   "an empty subnet runs");
	subnet_free(&s);
	dn_epoch_free(shared);
	dn_epoch_free(NULL);
	ok(true, "dn_epoch_free(NULL) is a no-op");
}

/* ---- last_update of another length ------------------------------------- */

static void test_last_update_length(void)
{
	struct subnet s;
	small_subnet(&s);
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *r;
	/* shorter: padded with 0, so uid 1 counts as updated at block 0 */
	s.nlu = 1;
	s.block = s.p.activity_cutoff; /* 0 + cutoff >= block: uid 1 active */
	struct dn_epoch_input in = subnet_input(&s, 1000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 && r->active[1] &&
		   r->active[0],
	   "a short last_update is padded with 0 (active while block <= cutoff)");
	s.block = s.p.activity_cutoff + 1;
	in = subnet_input(&s, 1000);
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 && !r->active[1] &&
		   r->active[0] && r->incentive[2] > 0,
	   "and inactive after; its weights are outdated (0 <= registration)");
	uint64_t longer[9] = {5, 5, 5, 5, 5, 5, 5, 5, 5};
	in = subnet_input(&s, 1000);
	in.last_update = longer;
	in.n_last_update = 9;
	s.block = 10;
	in.block = 10;
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &r, NULL) == 0 && r->active[1] &&
		   r->incentive[2] > 0,
	   "a longer last_update is fine");
	dn_epoch_free(ws);
	subnet_free(&s);
}

/* ---- bonds persistence ------------------------------------------------- */

static void test_store_bonds(void)
{
	struct subnet s;
	small_subnet(&s);
	/* uid 2: no permit ever, but holds a stale bonds row; uid 1: loses
	 * its permit (max 1 validator) */
	s.p.max_allowed_validators = 1;
	const uint16_t d[] = {3}, v[] = {777};
	dn_row16_set(&s.b[2], d, v, 1);
	struct dn_epoch *ws = dn_epoch_new();
	const struct dn_epoch_result *r;
	struct subnet dd;
	subnet_copy(&dd, &s);
	ok(run(ws, &s, DN_EPOCH_SPARSE, 1000000, &r) == 0 && r->new_permit[1] && !r->new_permit[0],
	   "the larger stake keeps the single permit");
	ok(s.b[1].len > 0 && s.b[0].len == 0 && s.b[2].len == 0 && s.b[3].len == 0,
	   "sparse: EMA row for the new permit, every other row emptied");
	ok(run(ws, &dd, DN_EPOCH_DENSE, 1000000, &r) == 0 && !r->bond_write[2] &&
		   !r->bond_write[3] && r->bond_write[0] && r->bond_write[1],
	   "dense: rows with neither permit are not rewritten");
	ok(dd.b[1].len == 4 && dd.b[0].len == 0 && dd.b[2].len == 1 && dd.b[2].val[0] == 777,
	   "dense: full row for the new permit, empty for the lost one, stale row kept");
	const uint16_t *bu, *bv;
	uint32_t len = dn_epoch_result_bond_row(r, 1, &bu, &bv);
	ok(len == 4 && bu[0] == 0 && bu[3] == 3 && bv[2] == 65535, "bond_row gives the CSR row");
	dn_epoch_free(ws);
	subnet_free(&s);
	subnet_free(&dd);
}

/* ---- commit-reveal ----------------------------------------------------- */

static void test_commit_reveal(void)
{
	/* uid 3 registered at block 4. uid 0 committed at block 3, before
	 * uid 3 existed: its weight to 3 is dropped (sparse, commit-reveal
	 * on). uid 1 committed at block 4: not before, kept. */
	struct subnet s;
	small_subnet(&s);
	s.reg[3] = 4;
	s.commit[0] = 3;
	s.commit[1] = 4;
	s.p.commit_reveal = true;
	struct dn_epoch *wa = dn_epoch_new(), *wb = dn_epoch_new();
	const struct dn_epoch_result *a, *b;
	struct dn_epoch_input in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(wa, &s.p, &in, DN_EPOCH_SPARSE, &a, NULL) == 0 && a->incentive[3] > 0,
	   "commit-reveal epoch runs; uid 3 still has uid 1's weight");
	struct subnet t;
	subnet_copy(&t, &s);
	t.p.commit_reveal = false;
	const uint16_t d[] = {2}, v[] = {65535};
	dn_row16_set(&t.w[0], d, v, 1);
	in = subnet_input(&t, 1000000);
	ok(dn_epoch_run(wb, &t.p, &in, DN_EPOCH_SPARSE, &b, NULL) == 0 && same_outputs(a, b, true),
	   "the mask == removing the entry from uid 0's row");
	s.p.commit_reveal = false;
	in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(wb, &s.p, &in, DN_EPOCH_SPARSE, &b, NULL) == 0 &&
		   b->incentive[3] > a->incentive[3],
	   "with commit-reveal off commits are ignored");
	s.p.commit_reveal = true;
	in.commit_block = NULL;
	ok(dn_epoch_run(wa, &s.p, &in, DN_EPOCH_SPARSE, &a, NULL) == 0 && same_outputs(a, b, true),
	   "commit_block NULL means no commits");
	in = subnet_input(&s, 1000000);
	ok(dn_epoch_run(wa, &s.p, &in, DN_EPOCH_DENSE, &a, NULL) == 0 &&
		   dn_epoch_run(wb, &s.p, &in, DN_EPOCH_SPARSE, &b, NULL) == 0 &&
		   a->incentive[3] > b->incentive[3],
	   "the dense epoch has no commit-reveal mask");
	dn_epoch_free(wa);
	dn_epoch_free(wb);
	subnet_free(&s);
	subnet_free(&t);
}

/* ---- mechanisms -------------------------------------------------------- */

static dn_u128 u64f64_div(uint64_t a, uint64_t b)
{
	/* floor(a * 2^64 / b): long division, bit by bit */
	dn_u128 q = 0, rem = a % b;
	for (int k = 0; k < 64; k++) {
		rem <<= 1;
		q <<= 1;
		if (rem >= b) {
			rem -= b;
			q |= 1;
		}
	}
	q += (dn_u128)(a / b) << 64;
	return q;
}

static void test_mechanisms(void)
{
	struct rng r = {0x3ec4};
	struct subnet s;
	random_subnet(&s, &r, 24);
	s.p.yuma3 = true;
	struct dn_epoch *ws = dn_epoch_new();
	struct dn_epoch_input in = subnet_input(&s, 987654321);
	const struct dn_epoch_result *single;
	ok(dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &single, NULL) == 0, "single epoch");
	/* keep a copy: the mechanism run reuses the slot */
	struct dn_epoch *wone = dn_epoch_new();
	const struct dn_epoch_result *one;
	dn_epoch_run(wone, &s.p, &in, DN_EPOCH_SPARSE, &one, NULL);

	struct dn_epoch_mech_input m[2] = {
		{.last_update = s.lu,
		 .n_last_update = s.nlu,
		 .weights = s.w,
		 .bonds = s.b,
		 .commit_block = s.commit},
	};
	const struct dn_epoch_mech_result *g;
	ok(dn_epoch_run_mechanisms(ws, &s.p, &in, m, 1, NULL, 0, &g, NULL) == 0 && g->count == 1 &&
		   g->mech_emission[0] == 987654321 && g->mech_weight[0] == (dn_u128)1 << 64,
	   "one mechanism gets everything with weight 1");
	ok(same_result(g->mech[0], one), "one mechanism == the plain epoch");
	bool agg = true;
	for (uint32_t i = 0; i < 24; i++)
		agg &= g->server_emission[i] == one->server_emission[i] &&
		       g->validator_emission[i] == one->validator_emission[i] &&
		       g->emission[i] == one->emission[i] && g->dividends[i] == one->dividends[i] &&
		       g->incentive[i] == one->incentive[i] &&
		       g->consensus[i] == one->consensus[i] &&
		       g->stake_weight[i] == one->stake_weight[i] &&
		       g->validator_trust[i] == one->validator_trust[i] &&
		       g->active[i] == one->active[i] && g->new_permit[i] == one->new_permit[i] &&
		       g->stake[i] == one->stake[i];
	ok(agg, "and its aggregate is that epoch's output");

	/* two mechanisms with a split: the second has other weights */
	struct subnet t;
	random_subnet(&t, &r, 24);
	m[1] = (struct dn_epoch_mech_input){.last_update = t.lu,
					    .n_last_update = t.nlu,
					    .weights = t.w,
					    .bonds = t.b,
					    .commit_block = t.commit};
	const uint16_t split[] = {16383, 49152};
	ok(dn_epoch_run_mechanisms(ws, &s.p, &in, m, 2, split, 2, &g, NULL) == 0 && g->count == 2,
	   "two mechanisms run");
	ok(g->mech_emission[0] + g->mech_emission[1] == 987654321 &&
		   g->mech_emission[1] == (uint64_t)((dn_u128)987654321 * 49152 / 65535),
	   "the emission is split, remainder to mechanism 0");
	ok(g->mech_weight[0] == u64f64_div(g->mech_emission[0], 987654321) &&
		   g->mech_weight[1] == u64f64_div(g->mech_emission[1], 987654321),
	   "mechanism weights are U64F64 share / total");
	/* mechanism 1 alone, on its own workspace, with its share */
	struct dn_epoch *wm = dn_epoch_new();
	struct dn_epoch_input in1 = in;
	in1.last_update = t.lu;
	in1.n_last_update = t.nlu;
	in1.weights = t.w;
	in1.bonds = t.b;
	in1.commit_block = t.commit;
	in1.rao_emission = g->mech_emission[1];
	const struct dn_epoch_result *r1;
	dn_epoch_run(wm, &s.p, &in1, DN_EPOCH_SPARSE, &r1, NULL);
	ok(same_result(g->mech[1], r1), "mechanism 1 == its own epoch with its share");
	bool sums = true, weighted = true, ors = true, inc = true;
	for (uint32_t i = 0; i < 24; i++) {
		const struct dn_epoch_result *a = g->mech[0], *b = g->mech[1];
		sums &= g->server_emission[i] == a->server_emission[i] + b->server_emission[i] &&
			g->validator_emission[i] ==
				a->validator_emission[i] + b->validator_emission[i] &&
			g->stake[i] == a->stake[i] + b->stake[i];
		/* floor(floor(v0 * w0) + v1 * w1) in exact 128-bit arithmetic */
		dn_u128 w0 = g->mech_weight[0], w1 = g->mech_weight[1];
		uint64_t d0 = (uint64_t)(((dn_u128)a->dividends[i] * w0) >> 64);
		uint64_t d =
			(uint64_t)((((dn_u128)d0 << 64) + (dn_u128)b->dividends[i] * w1) >> 64);
		uint64_t c0 = (uint64_t)(((dn_u128)a->consensus[i] * w0) >> 64);
		uint64_t c =
			(uint64_t)((((dn_u128)c0 << 64) + (dn_u128)b->consensus[i] * w1) >> 64);
		weighted &= g->dividends[i] == d && g->consensus[i] == c;
		ors &= g->active[i] == (a->active[i] || b->active[i]) &&
		       g->new_permit[i] == (a->new_permit[i] || b->new_permit[i]);
		inc &= g->incentive[i] == (uint16_t)(((dn_u128)a->incentive[i] * w0) >> 64);
	}
	ok(sums, "server and validator emission and stake are summed");
	ok(weighted, "u16 terms are weighted sums, floored at each step");
	ok(ors, "active and permits are OR-ed");
	ok(inc, "the aggregate incentive is mechanism 0's, weighted, only");

	/* zero emission: mechanism 0 gets weight 1, the others 0 */
	in.rao_emission = 0;
	ok(dn_epoch_run_mechanisms(ws, &s.p, &in, m, 2, NULL, 0, &g, NULL) == 0 &&
		   g->mech_weight[0] == (dn_u128)1 << 64 && g->mech_weight[1] == 0,
	   "zero emission: weights 1 and 0");
	dn_epoch_free(ws);
	dn_epoch_free(wone);
	dn_epoch_free(wm);
	subnet_free(&s);
	subnet_free(&t);
}

/* ---- hotkey guard ------------------------------------------------------ */

static void test_consistency(void)
{
	const uint64_t none[1] = {0}, unique[3] = {1, 2, 3}, dup[2] = {42, 42},
		       late[5] = {7, 8, 9, 10, 8};
	ok(dn_epoch_hotkeys_consistent(none, 0, 8), "no keys: consistent");
	ok(dn_epoch_hotkeys_consistent(unique, 3, 8), "unique hotkeys: consistent");
	ok(!dn_epoch_hotkeys_consistent(dup, 2, 8), "a duplicate hotkey: inconsistent");
	ok(!dn_epoch_hotkeys_consistent(late, 5, 8), "a duplicate far apart: inconsistent");
	unsigned char keys[3][32];
	memset(keys, 0xab, sizeof(keys));
	keys[0][31] = 1;
	keys[1][31] = 2;
	keys[2][31] = 3;
	ok(dn_epoch_hotkeys_consistent(keys, 3, 32), "32-byte keys differing in the last byte");
	keys[2][31] = 1;
	ok(!dn_epoch_hotkeys_consistent(keys, 3, 32), "32-byte duplicate keys");
}

/* ---- threads ----------------------------------------------------------- */

struct job {
	struct subnet s;
	const struct dn_epoch_result *ref;
	bool same;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct dn_epoch *ws = dn_epoch_new();
	j->same = true;
	for (int k = 0; k < 20; k++) {
		const struct dn_epoch_result *r;
		struct dn_epoch_input in = subnet_input(&j->s, 123456789);
		j->same &= dn_epoch_run(ws, &j->s.p, &in, k % 2 ? DN_EPOCH_DENSE : DN_EPOCH_SPARSE,
					&r, NULL) == 0;
		if (k % 2 == 0)
			j->same &= same_result(r, j->ref);
	}
	dn_epoch_free(ws);
	return NULL;
}

static void test_threads(void)
{
	struct rng r = {0x7777};
	struct job jobs[2];
	struct dn_epoch *refws[2];
	for (int k = 0; k < 2; k++) {
		random_subnet(&jobs[k].s, &r, 40 + 10 * k);
		refws[k] = dn_epoch_new();
		struct dn_epoch_input in = subnet_input(&jobs[k].s, 123456789);
		dn_epoch_run(refws[k], &jobs[k].s.p, &in, DN_EPOCH_SPARSE, &jobs[k].ref, NULL);
	}
	pthread_t t[2];
	bool started = true;
	for (int k = 0; k < 2; k++)
		started &= pthread_create(&t[k], NULL, worker, &jobs[k]) == 0;
	for (int k = 0; k < 2 && started; k++)
		pthread_join(t[k], NULL);
	ok(started && jobs[0].same && jobs[1].same,
	   "two workspaces in two threads give the reference results");
	for (int k = 0; k < 2; k++) {
		dn_epoch_free(refws[k]);
		subnet_free(&jobs[k].s);
	}
}

int main(void)
{
	tap_plan(95);
	test_rows();
	test_params();
	test_sparse_equals_dense();
	test_bad_input();
	test_liquid_missing_entry();
	test_zero_weights();
	test_owner();
	test_reuse();
	test_last_update_length();
	test_store_bonds();
	test_commit_reveal();
	test_mechanisms();
	test_consistency();
	test_threads();
	return tap_done();
}
