/*
 * devnet/epoch, fused sparse path: differential tests.
 *
 * dn_epoch_run(DN_EPOCH_SPARSE) computes the chain's epoch_mechanism with
 * fused kernels (epoch.c, "Sparse epoch, fused kernels") and falls back to
 * the chain's steps one by one when an input is outside what the kernels
 * handle. Here a reference epoch is written again from scratch as the
 * straightforward composition of the mathx helpers, one chain step per
 * helper call in run_epoch.rs's order (the chain's four weight masks as
 * four mask calls, every normalisation, clip, product and EMA as its own
 * helper), and both are run on thousands of random subnets: sizes 1 to
 * 300, dense and sparse rows, unsorted rows, repeated columns, explicit
 * zeros, rows whose u16 sum passes 2^31, inactive and unpermitted
 * validators, the owner, commit-reveal masks, recently registered columns,
 * every bonds penalty and moving average, kappa at its extremes, classic
 * and Yuma3 with and without liquid alpha, each over several epochs with
 * the bonds persisted. Every output and intermediate must agree bit for
 * bit, the stored bonds rows included.
 */
#include "devnet/epoch.h"
#include "devnet/mathx.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

#define ONE DN_FX_ONE

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r) { return tap_rand_next(&r->s); }

static uint32_t rnd_below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rnd(r) % n) : 0; }

/* ---- the reference epoch ----------------------------------------------- */

struct ref {
	uint32_t n;
	uint16_t *stake_weight, *consensus, *incentive, *dividends, *validator_trust;
	bool *active, *new_permit, *old_permit;
	uint64_t *server_emission, *validator_emission, *emission, *stake;
	dn_i32f32 *stake_fx, *active_stake, *consensus_fx, *validator_trust_fx, *incentive_fx,
		*dividends_fx;
	uint32_t *bond_start;
	uint16_t *bond_uid, *bond_val;
};

static void *zalloc(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static void ref_init(struct ref *f, uint32_t n, size_t bonds)
{
	f->n = n;
	f->stake_weight = zalloc(n, 2);
	f->consensus = zalloc(n, 2);
	f->incentive = zalloc(n, 2);
	f->dividends = zalloc(n, 2);
	f->validator_trust = zalloc(n, 2);
	f->active = zalloc(n, 1);
	f->new_permit = zalloc(n, 1);
	f->old_permit = zalloc(n, 1);
	f->server_emission = zalloc(n, 8);
	f->validator_emission = zalloc(n, 8);
	f->emission = zalloc(n, 8);
	f->stake = zalloc(n, 8);
	f->stake_fx = zalloc(n, 8);
	f->active_stake = zalloc(n, 8);
	f->consensus_fx = zalloc(n, 8);
	f->validator_trust_fx = zalloc(n, 8);
	f->incentive_fx = zalloc(n, 8);
	f->dividends_fx = zalloc(n, 8);
	f->bond_start = zalloc((size_t)n + 1, 4);
	f->bond_uid = zalloc(bonds, 2);
	f->bond_val = zalloc(bonds, 2);
}

static void ref_free(struct ref *f)
{
	free(f->stake_weight);
	free(f->consensus);
	free(f->incentive);
	free(f->dividends);
	free(f->validator_trust);
	free(f->active);
	free(f->new_permit);
	free(f->old_permit);
	free(f->server_emission);
	free(f->validator_emission);
	free(f->emission);
	free(f->stake);
	free(f->stake_fx);
	free(f->active_stake);
	free(f->consensus_fx);
	free(f->validator_trust_fx);
	free(f->incentive_fx);
	free(f->dividends_fx);
	free(f->bond_start);
	free(f->bond_uid);
	free(f->bond_val);
}

/* get_weights_sparse / get_bonds_sparse: rows as stored, entries as
 * u16_to_fixed (or, Yuma3 bonds, fixed_to_fixed_u16_proportion of it). */
static void load_rows(const struct dn_row16 *rows, uint32_t n, bool proportion, struct dn_sparse *m)
{
	dn_sparse_reset(m, n);
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t e = 0; e < rows[i].len; e++) {
			dn_i32f32 v = dn_fx_from_u16(rows[i].val[e]);
			if (proportion)
				v = dn_mx_fixed_to_fixed_u16_proportion(v);
			dn_sparse_push(m, rows[i].uid[e], v);
		}
		dn_sparse_end_row(m);
	}
}

/* The work matrices of one reference run. */
struct mats {
	struct dn_sparse a, b, w, cl, wb, bonds, x, ema;
	struct dn_mat alpha;
	struct dn_arena ar;
	void *buf;
};

static void mats_init(struct mats *m, uint32_t n, uint32_t cap)
{
	struct dn_sparse *all[] = {&m->a, &m->b, &m->w, &m->cl, &m->wb, &m->bonds, &m->x, &m->ema};
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		dn_sparse_init(all[k], n, n, cap);
	dn_mat_init(&m->alpha, n, n);
	size_t bytes = dn_mx_scratch_bytes(n, n, cap);
	m->buf = malloc(bytes);
	dn_arena_init(&m->ar, m->buf, bytes);
}

static void mats_free(struct mats *m)
{
	struct dn_sparse *all[] = {&m->a, &m->b, &m->w, &m->cl, &m->wb, &m->bonds, &m->x, &m->ema};
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		dn_sparse_release(all[k]);
	dn_mat_release(&m->alpha);
	free(m->buf);
}

#define CHECK(expr)                        \
	do {                               \
		if ((expr) != 0) {         \
			diag("%s", #expr); \
			return false;      \
		}                          \
	} while (0)

/* run_epoch.rs epoch_mechanism, one helper per step. */
static bool ref_epoch(const struct dn_epoch_params *p, const struct dn_epoch_input *in,
		      struct ref *f)
{
	uint32_t n = in->n;
	uint64_t nnz = 0;
	for (uint32_t i = 0; i < n; i++)
		nnz += in->weights[i].len + in->bonds[i].len;
	struct mats m;
	mats_init(&m, n, (uint32_t)(2 * nnz + 1));
	struct dn_arena *ar = &m.ar;
	int64_t owner = p->owner_uid < 0 || p->owner_uid >= (int64_t)n ? -1 : p->owner_uid;
	uint64_t *lu = zalloc(n, 8);
	bool *inactive = zalloc(n, 1), *forbid = zalloc(n, 1);
	dn_i64f64 *st64 = zalloc(n, 16);
	dn_i32f32 *t = zalloc(n, 8), *comb = zalloc(n, 8), *srv = zalloc(n, 8), *val = zalloc(n, 8);

	/* activity */
	for (uint32_t i = 0; i < n; i++) {
		lu[i] = i < in->n_last_update ? in->last_update[i] : 0;
		uint64_t until = lu[i] > UINT64_MAX - p->activity_cutoff
					 ? UINT64_MAX
					 : lu[i] + p->activity_cutoff;
		inactive[i] = until < in->block;
		f->active[i] = !inactive[i];
	}
	/* stake: alpha + tao * tao_weight, threshold (owner exempt), normalise */
	dn_u128 tw96;
	if (!dn_ufx128_checked_div((dn_u128)p->tao_weight << 32, (dn_u128)UINT64_MAX << 32, 32,
				   &tw96))
		tw96 = 0;
	dn_i64f64 tw = (dn_i64f64)(tw96 << 32);
	for (uint32_t i = 0; i < n; i++) {
		dn_i64f64 tot = dn_i128_sat_add(
			dn_mx_fixed64_from_u64(in->alpha_stake[i]),
			dn_fx64_sat_mul(
				dn_mx_fixed64_from_u64(in->tao_stake ? in->tao_stake[i] : 0), tw));
		f->stake[i] = dn_mx_fixed64_to_u64(tot);
		if ((int64_t)i != owner && dn_mx_fixed64_to_u64(tot) < p->stake_threshold)
			tot = 0;
		st64[i] = tot;
	}
	dn_mx_inplace_normalize_64(st64, n);
	dn_mx_vec_fixed64_to_fixed32(st64, n, f->stake_fx);
	/* permits */
	for (uint32_t i = 0; i < n; i++)
		f->old_permit[i] = in->validator_permit[i] || (int64_t)i == owner;
	for (uint32_t i = 0; i < n; i++)
		forbid[i] = !f->old_permit[i];
	CHECK(dn_mx_is_topk_nonzero(f->stake_fx, n, p->max_allowed_validators, f->new_permit, ar));
	if (owner >= 0)
		f->new_permit[owner] = true;
	/* active stake */
	memcpy(f->active_stake, f->stake_fx, sizeof(dn_i32f32) * n);
	dn_mx_inplace_mask_vector(inactive, n, f->active_stake, n);
	dn_mx_inplace_mask_vector(forbid, n, f->active_stake, n);
	dn_mx_inplace_normalize(f->active_stake, n);

	/* weights: four masks, then the row normalisation */
	load_rows(in->weights, n, false, &m.a);
	CHECK(dn_mx_mask_rows_sparse(forbid, n, &m.a, &m.b));
	if (owner >= 0)
		CHECK(dn_mx_mask_diag_sparse_except_index(&m.b, (uint32_t)owner, &m.a));
	else
		CHECK(dn_mx_mask_diag_sparse(&m.b, &m.a));
	CHECK(dn_mx_vec_mask_sparse_matrix(&m.a, lu, n, in->block_at_registration, n, dn_mx_mask_le,
					   NULL, &m.w));
	if (p->commit_reveal && in->commit_block) {
		CHECK(dn_sparse_copy(&m.b, &m.w));
		CHECK(dn_mx_vec_mask_sparse_matrix(&m.b, in->commit_block, n,
						   in->block_at_registration, n, dn_mx_mask_lt,
						   NULL, &m.w));
	}
	dn_mx_inplace_row_normalize_sparse(&m.w);

	/* consensus, clip, trust, ranks, incentive */
	CHECK(dn_mx_weighted_median_col_sparse(f->active_stake, n, &m.w, dn_mx_u16_ratio(p->kappa),
					       f->consensus_fx, ar));
	CHECK(dn_mx_col_clip_sparse(&m.w, f->consensus_fx, n, &m.cl));
	dn_mx_row_sum_sparse(&m.cl, f->validator_trust_fx);
	dn_mx_matmul_sparse(&m.cl, f->active_stake, n, f->incentive_fx);
	dn_mx_inplace_normalize(f->incentive_fx, n);
	CHECK(dn_mx_interpolate_sparse(&m.w, &m.cl, dn_mx_u16_ratio(p->bonds_penalty), &m.wb, ar));

	/* bonds */
	uint64_t lms = p->last_mechanism_step_block;
	uint64_t lt = lms == 0		  ? (in->block > p->tempo ? in->block - p->tempo : 0)
		      : lms == UINT64_MAX ? UINT64_MAX
					  : lms + 1;
	dn_i32f32 ema_alpha = dn_mx_ema_alpha_from_bma(p->bonds_moving_average);
	load_rows(in->bonds, n, p->yuma3, &m.a);
	CHECK(dn_mx_scalar_vec_mask_sparse_matrix(&m.a, lt, in->block_at_registration, n,
						  dn_mx_mask_le, NULL, &m.bonds));
	if (p->yuma3) {
		bool liquid = false;
		for (uint32_t j = 0; j < n && p->liquid_alpha; j++)
			liquid |= f->consensus_fx[j] != 0;
		if (liquid) {
			struct dn_mx_liquid lq = {
				.alpha_low = dn_fx_from_u16_proportion(p->alpha_low),
				.alpha_high = dn_fx_from_u16_proportion(p->alpha_high),
				.steepness = dn_fx_from_int(p->alpha_sigmoid_steepness),
			};
			CHECK(dn_mx_liquid_alpha_sparse(&m.wb, &m.bonds, f->consensus_fx, n, &lq,
							&m.alpha, ar));
			CHECK(dn_mx_mat_ema_alpha_sparse(&m.wb, &m.bonds, &m.alpha, &m.ema, ar));
		} else {
			CHECK(dn_mx_mat_ema_sparse(&m.wb, &m.bonds, ema_alpha, &m.ema, ar));
		}
		CHECK(dn_sparse_copy(&m.x, &m.ema));
		m.x.cols = n;
		CHECK(dn_mx_inplace_col_normalize_sparse(&m.x, ar));
		CHECK(dn_mx_mat_vec_mul_sparse(&m.x, f->incentive_fx, n, &m.a));
		dn_mx_row_sum_sparse(&m.a, t);
		dn_mx_vec_mul(t, m.a.rows, f->active_stake, n, f->dividends_fx);
		dn_mx_inplace_normalize(f->dividends_fx, n);
	} else {
		m.bonds.cols = n;
		CHECK(dn_mx_inplace_col_normalize_sparse(&m.bonds, ar));
		CHECK(dn_mx_row_hadamard_sparse(&m.wb, f->active_stake, n, &m.x));
		m.x.cols = n;
		CHECK(dn_mx_inplace_col_normalize_sparse(&m.x, ar));
		CHECK(dn_mx_mat_ema_sparse(&m.x, &m.bonds, ema_alpha, &m.ema, ar));
		m.ema.cols = n;
		CHECK(dn_mx_inplace_col_normalize_sparse(&m.ema, ar));
		dn_mx_matmul_transpose_sparse(&m.ema, f->incentive_fx, n, f->dividends_fx);
		dn_mx_inplace_normalize(f->dividends_fx, n);
		CHECK(dn_mx_inplace_col_max_upscale_sparse(&m.ema, ar));
	}

	/* emission */
	for (uint32_t i = 0; i < n; i++)
		comb[i] = dn_fx_sat_add(f->incentive_fx[i], f->dividends_fx[i]);
	dn_i32f32 sum = dn_mx_sum(comb, n);
	memcpy(srv, f->incentive_fx, sizeof(dn_i32f32) * n);
	memcpy(val, f->dividends_fx, sizeof(dn_i32f32) * n);
	dn_mx_inplace_normalize_using_sum(srv, n, sum);
	dn_mx_inplace_normalize_using_sum(val, n, sum);
	dn_mx_inplace_normalize(comb, n);
	if (sum == 0) {
		const dn_i32f32 *src =
			dn_mx_is_zero(f->active_stake, n) ? f->stake_fx : f->active_stake;
		memcpy(val, src, sizeof(dn_i32f32) * n);
		memcpy(comb, src, sizeof(dn_i32f32) * n);
	}
	for (uint32_t i = 0; i < n; i++) {
		f->server_emission[i] = dn_mx_share_to_rao(srv[i], in->rao_emission);
		f->validator_emission[i] = dn_mx_share_to_rao(val[i], in->rao_emission);
		f->emission[i] = dn_mx_share_to_rao(comb[i], in->rao_emission);
	}
	dn_mx_vec_fixed_proportions_to_u16(f->stake_fx, n, f->stake_weight);
	dn_mx_vec_fixed_proportions_to_u16(f->consensus_fx, n, f->consensus);
	dn_mx_vec_fixed_proportions_to_u16(f->incentive_fx, n, f->incentive);
	dn_mx_vec_fixed_proportions_to_u16(f->dividends_fx, n, f->dividends);
	dn_mx_vec_fixed_proportions_to_u16(f->validator_trust_fx, n, f->validator_trust);

	/* stored bonds: the EMA row of a new permit, else empty */
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		f->bond_start[i] = k;
		if (!f->new_permit[i] || i >= m.ema.rows)
			continue;
		for (uint32_t e = m.ema.start[i]; e < m.ema.start[i + 1]; e++) {
			f->bond_uid[k] = (uint16_t)m.ema.col[e];
			f->bond_val[k++] = dn_fx_to_u16_proportion(m.ema.val[e]);
		}
	}
	f->bond_start[n] = k;

	mats_free(&m);
	free(lu);
	free(inactive);
	free(forbid);
	free(st64);
	free(t);
	free(comb);
	free(srv);
	free(val);
	return true;
}

/* Every output, intermediate and stored bond of the fused run against the
 * reference; names the first difference. */
static bool same(const struct dn_epoch_result *a, const struct ref *f)
{
	if (a->n != f->n) {
		diag("n differs");
		return false;
	}
	for (uint32_t i = 0; i < a->n; i++) {
#define SAME(x)                                                                           \
	if (a->x[i] != f->x[i]) {                                                         \
		diag("%s[%u] differs: %lld vs reference %lld", #x, i, (long long)a->x[i], \
		     (long long)f->x[i]);                                                 \
		return false;                                                             \
	}
		SAME(stake_weight)
		SAME(consensus)
		SAME(incentive)
		SAME(dividends)
		SAME(validator_trust)
		SAME(active)
		SAME(new_permit)
		SAME(old_permit)
		SAME(server_emission)
		SAME(validator_emission)
		SAME(emission)
		SAME(stake)
		SAME(stake_fx)
		SAME(active_stake)
		SAME(consensus_fx)
		SAME(validator_trust_fx)
		SAME(incentive_fx)
		SAME(dividends_fx)
#undef SAME
		if (!a->bond_write[i]) {
			diag("bond_write[%u] is false", i);
			return false;
		}
	}
	for (uint32_t i = 0; i <= a->n; i++)
		if (a->bond_start[i] != f->bond_start[i]) {
			diag("bond_start[%u] differs: %u vs reference %u", i, a->bond_start[i],
			     f->bond_start[i]);
			return false;
		}
	for (uint32_t k = 0; k < a->bond_start[a->n]; k++)
		if (a->bond_uid[k] != f->bond_uid[k] || a->bond_val[k] != f->bond_val[k]) {
			diag("stored bond entry %u differs: (%u, %u) vs reference (%u, %u)", k,
			     a->bond_uid[k], a->bond_val[k], f->bond_uid[k], f->bond_val[k]);
			return false;
		}
	return true;
}

/* ---- random subnets ------------------------------------------------------ */

struct subnet {
	uint32_t n;
	uint64_t block;
	uint64_t *alpha, *tao, *reg, *lu, *commit;
	size_t nlu;
	bool *permit;
	struct dn_row16 *w, *b;
	struct dn_epoch_params p;
};

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

/* Shapes of a random row. */
enum row_kind {
	ROW_DENSE, /* every column in order (the benchmark's shape) */
	ROW_SPARSE, /* a sorted random subset */
	ROW_UNSORTED, /* a random subset, shuffled */
	ROW_DUPS, /* random columns, repeats possible */
	ROW_KINDS
};

static uint16_t rnd_value(struct rng *r, bool zeros)
{
	switch (rnd_below(r, zeros ? 8 : 7)) {
	case 0: return 65535;
	case 1: return (uint16_t)rnd_below(r, 4);
	case 7: return 0;
	default: return (uint16_t)rnd(r);
	}
}

static void rnd_row(struct rng *r, struct dn_row16 *row, uint32_t n, enum row_kind kind, bool zeros)
{
	dn_row16_clear(row);
	uint32_t keep = 1 + rnd_below(r, 100); /* per cent of the columns */
	switch (kind) {
	case ROW_DENSE:
		for (uint32_t j = 0; j < n; j++)
			dn_row16_push(row, (uint16_t)j, rnd_value(r, zeros));
		break;
	case ROW_SPARSE:
	case ROW_UNSORTED:
		for (uint32_t j = 0; j < n; j++)
			if (rnd_below(r, 100) < keep)
				dn_row16_push(row, (uint16_t)j, rnd_value(r, zeros));
		if (kind == ROW_UNSORTED)
			for (uint32_t k = row->len; k > 1; k--) {
				uint32_t q = rnd_below(r, k);
				uint16_t tu = row->uid[k - 1], tv = row->val[k - 1];
				row->uid[k - 1] = row->uid[q];
				row->val[k - 1] = row->val[q];
				row->uid[q] = tu;
				row->val[q] = tv;
			}
		break;
	default: {
		uint32_t len = rnd_below(r, 2 * n + 2);
		for (uint32_t k = 0; k < len; k++)
			dn_row16_push(row, (uint16_t)rnd_below(r, n), rnd_value(r, zeros));
		break;
	}
	}
}

/* How likely the odd shapes are in one subnet (per cent of rows). */
struct mix {
	uint32_t dense, unsorted, dups;
};

static enum row_kind pick_kind(struct rng *r, const struct mix *mx)
{
	uint32_t x = rnd_below(r, 100);
	if (x < mx->dups)
		return ROW_DUPS;
	if (x < mx->dups + mx->unsorted)
		return ROW_UNSORTED;
	if (x < mx->dups + mx->unsorted + mx->dense)
		return ROW_DENSE;
	return ROW_SPARSE;
}

static void random_subnet(struct subnet *s, struct rng *r, uint32_t n, const struct mix *mx)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->alpha = zalloc(n, 8);
	s->tao = zalloc(n, 8);
	s->reg = zalloc(n, 8);
	s->lu = zalloc(n + 3, 8);
	s->commit = zalloc(n, 8);
	s->permit = zalloc(n, 1);
	s->w = zalloc(n, sizeof(struct dn_row16));
	s->b = zalloc(n, sizeof(struct dn_row16));
	struct dn_epoch_params *p = &s->p;
	dn_epoch_params_default(p);
	s->block = 1000 + rnd_below(r, 100);
	p->yuma3 = rnd_below(r, 3) != 0;
	p->liquid_alpha = rnd_below(r, 3) == 0;
	static const uint16_t penalties[] = {0, 65535, 65535, 32767, 1};
	p->bonds_penalty = rnd_below(r, 4) ? penalties[rnd_below(r, 5)] : (uint16_t)rnd(r);
	static const uint64_t bmas[] = {900000, 975000, 0, 1000000, 1500000, 500000};
	p->bonds_moving_average = bmas[rnd_below(r, 6)];
	static const uint16_t kappas[] = {32767, 32767, 0, 65535, 1000};
	p->kappa = kappas[rnd_below(r, 5)];
	p->alpha_low = (uint16_t)(1638 + rnd_below(r, 40000));
	p->alpha_high = (uint16_t)(p->alpha_low + rnd_below(r, 65536 - p->alpha_low));
	p->alpha_sigmoid_steepness = (int16_t)(rnd_below(r, 4) ? 1000 : rnd_below(r, 30000));
	p->max_allowed_validators = (uint16_t)(1 + rnd_below(r, n + 2));
	p->tempo = 10;
	p->activity_cutoff = 300;
	p->last_mechanism_step_block = rnd_below(r, 2) ? s->block - 1 - rnd_below(r, 20) : 0;
	p->commit_reveal = rnd_below(r, 3) == 0;
	p->owner_uid = rnd_below(r, 3) ? -1 : (int32_t)rnd_below(r, n + 1);
	p->stake_threshold = rnd_below(r, 4) ? 0 : rnd(r) % 1000000000000ull;
	p->tao_weight = rnd(r);
	/* registration: most long ago, some recent (masked columns) */
	bool recent = rnd_below(r, 3) == 0;
	uint32_t nval = 1 + rnd_below(r, n);
	s->nlu = rnd_below(r, 8) ? n : rnd_below(r, n + 3);
	for (uint32_t i = 0; i < n; i++) {
		s->reg[i] = recent && rnd_below(r, 8) == 0 ? s->block - rnd_below(r, 30)
							   : rnd_below(r, 500);
		s->lu[i] = rnd_below(r, 10) ? s->block - rnd_below(r, 50) : rnd_below(r, 1000);
		s->commit[i] = rnd_below(r, 4) ? UINT64_MAX : s->block - rnd_below(r, 600);
		bool val = i < nval ? rnd_below(r, 8) != 0 : rnd_below(r, 10) == 0;
		s->alpha[i] = val ? 1000000000ull * (1 + rnd_below(r, 100000)) : rnd_below(r, 1000);
		s->tao[i] = rnd_below(r, 4) ? 0 : rnd(r) % 1000000000000ull;
		s->permit[i] = val ? rnd_below(r, 10) != 0 : rnd_below(r, 10) == 0;
		if (val || rnd_below(r, 10) == 0)
			rnd_row(r, &s->w[i], n, pick_kind(r, mx), rnd_below(r, 2));
		if (rnd_below(r, 3) == 0) /* first epoch: some random bonds */
			rnd_row(r, &s->b[i], n, pick_kind(r, mx), true);
	}
}

static struct dn_epoch_input subnet_input(const struct subnet *s)
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
		.rao_emission = 1000000000ull * (1 + s->block % 1000),
	};
	return in;
}

/* Run `epochs` epochs of one subnet through both, persisting the fused
 * run's permits and bonds between them (the reference's are checked equal
 * first), and re-weighting a few validators each time. Returns false at
 * the first difference. */
static bool run_case(struct rng *r, struct dn_epoch *ws, uint32_t n, const struct mix *mx,
		     uint32_t epochs)
{
	struct subnet s;
	random_subnet(&s, r, n, mx);
	bool good = true;
	for (uint32_t e = 0; e < epochs && good; e++) {
		struct dn_epoch_input in = subnet_input(&s);
		const struct dn_epoch_result *res;
		size_t bonds = 1;
		for (uint32_t i = 0; i < n; i++)
			bonds += 2 * ((size_t)s.w[i].len + s.b[i].len);
		struct ref f;
		ref_init(&f, n, bonds);
		good = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &res, NULL) == 0;
		good = good && ref_epoch(&s.p, &in, &f) && same(res, &f);
		if (!good)
			diag("n=%u epoch %u yuma3=%d liquid=%d penalty=%u bma=%llu kappa=%u "
			     "owner=%d commit_reveal=%d lms=%llu",
			     n, e, s.p.yuma3, s.p.liquid_alpha, s.p.bonds_penalty,
			     (unsigned long long)s.p.bonds_moving_average, s.p.kappa, s.p.owner_uid,
			     s.p.commit_reveal, (unsigned long long)s.p.last_mechanism_step_block);
		if (good) {
			memcpy(s.permit, res->new_permit, n * sizeof(bool));
			dn_epoch_store_bonds(res, s.b);
		}
		ref_free(&f);
		/* next epoch: a few validators set weights again */
		s.p.last_mechanism_step_block = s.block;
		s.block += 1 + rnd_below(r, 5);
		for (uint32_t i = 0; i < n; i++)
			if (rnd_below(r, 4) == 0) {
				rnd_row(r, &s.w[i], n, pick_kind(r, mx), rnd_below(r, 2));
				s.lu[i] = s.block;
			}
	}
	subnet_free(&s);
	return good;
}

/* ---- tests ------------------------------------------------------------- */

static bool uid_ok(const struct dn_row16 *row, uint32_t n)
{
	for (uint32_t k = 0; k < row->len; k++)
		if (row->uid[k] >= n)
			return false;
	return true;
}

static uint32_t first_bad(const struct dn_row16 *row, uint32_t n)
{
	for (uint32_t k = 0; k < row->len; k++)
		if (row->uid[k] >= n)
			return k;
	return UINT32_MAX;
}

static void t_random(const char *what, uint64_t seed, uint32_t cases, uint32_t nmax,
		     const struct mix *mx, uint32_t epochs, bool vector)
{
	struct rng r = {seed};
	struct dn_epoch *ws = dn_epoch_new();
	bool on = dn_epoch_set_vector(ws, vector);
	uint32_t done = 0;
	bool good = true;
	for (uint32_t c = 0; c < cases && good; c++) {
		uint32_t n = 1 + rnd_below(&r, nmax);
		good = run_case(&r, ws, n, mx, epochs);
		done += good;
	}
	ok(good, "%s: %u random subnets x %u epochs, fused (%s) == reference", what, done, epochs,
	   on ? "vector kernels" : "scalar kernels");
	dn_epoch_free(ws);
}

/* Rows whose u16 sum passes 2^31 (F2): the row sum wraps in the chain. */
static void t_big_rows(void)
{
	struct rng r = {0xb16};
	struct dn_epoch *ws = dn_epoch_new();
	bool good = true;
	for (uint32_t c = 0; c < 6 && good; c++) {
		struct mix mx = {.dense = 100};
		struct subnet s;
		uint32_t n = 3 + rnd_below(&r, 5);
		random_subnet(&s, &r, n, &mx);
		/* validator 0: 40000 entries of 65535 to column 1 or 2 */
		s.permit[0] = true;
		s.alpha[0] = 1000000000000ull;
		s.lu[0] = s.block;
		s.reg[1] = s.reg[2] = 0;
		dn_row16_clear(&s.w[0]);
		for (uint32_t k = 0; k < 40000; k++)
			dn_row16_push(&s.w[0], (uint16_t)(1 + k % 2), 65535);
		struct dn_epoch_input in = subnet_input(&s);
		const struct dn_epoch_result *res;
		struct ref f;
		ref_init(&f, n, 200000);
		good = dn_epoch_run(ws, &s.p, &in, DN_EPOCH_SPARSE, &res, NULL) == 0 &&
		       ref_epoch(&s.p, &in, &f) && same(res, &f);
		ref_free(&f);
		subnet_free(&s);
	}
	ok(good, "rows with a u16 sum >= 2^31 (the chain's wrapping sum): fused == reference");
	dn_epoch_free(ws);
}

/* The input check: a weights or bonds uid >= n is found wherever it is in
 * the row (both word-at-a-time tests, n on either side of 32768, and the
 * tail), and reported with its row and entry. */
static void t_uid_range(void)
{
	struct rng r = {0x0b5};
	static const uint32_t sizes[] = {1, 2, 3, 255, 256, 32767, 32768, 32769, 40000, 65535};
	bool good = true;
	uint32_t cases = 0;
	struct dn_epoch *ws = dn_epoch_new();
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]) && good; z++) {
		uint32_t n = sizes[z];
		uint64_t *zero = zalloc(n, 8);
		bool *permit = zalloc(n, 1);
		struct dn_row16 *w = zalloc(n, sizeof(struct dn_row16));
		struct dn_row16 *b = zalloc(n, sizeof(struct dn_row16));
		struct dn_epoch_params p;
		dn_epoch_params_default(&p);
		for (int t = 0; t < 60 && good; t++) {
			uint32_t row = rnd_below(&r, n), len = 1 + rnd_below(&r, 40),
				 bad = UINT32_MAX;
			struct dn_row16 *target = t % 2 ? &b[row] : &w[row];
			dn_row16_clear(target);
			for (uint32_t k = 0; k < len; k++) {
				uint32_t uid = rnd_below(&r, n);
				if (t % 3 == 0 && k == len - 1 - rnd_below(&r, len))
					uid = n + rnd_below(&r, 65536 - n), bad = k;
				if (uid > 65535) /* n = 65535: no uid is out of range */
					uid = 65535;
				dn_row16_push(target, (uint16_t)uid, 1);
			}
			if (uid_ok(target, n))
				bad = UINT32_MAX;
			struct dn_epoch_input in = {
				.n = n,
				.block = 10,
				.alpha_stake = zero,
				.block_at_registration = zero,
				.last_update = zero,
				.n_last_update = n,
				.validator_permit = permit,
				.weights = w,
				.bonds = b,
			};
			const struct dn_epoch_result *res;
			struct dn_epoch_err err;
			int rc = dn_epoch_run(ws, &p, &in, DN_EPOCH_SPARSE, &res, &err);
			if (bad == UINT32_MAX)
				good = rc == 0;
			else
				good = rc == DN_EPOCH_ERANGE && err.row == row &&
				       err.entry == first_bad(target, n);
			if (!good)
				diag("n=%u row=%u len=%u bad=%u rc=%d", n, row, len, bad, rc);
			dn_row16_clear(target);
			cases++;
		}
		for (uint32_t i = 0; i < n; i++) {
			dn_row16_release(&w[i]);
			dn_row16_release(&b[i]);
		}
		free(zero);
		free(permit);
		free(w);
		free(b);
	}
	dn_epoch_free(ws);
	ok(good, "a uid >= n is found and located in %u rows (n from 1 to 65535)", cases);
}

int main(void)
{
	tap_plan(14);
	struct mix plain = {.dense = 50};
	struct mix dense = {.dense = 100};
	struct mix odd = {.dense = 30, .unsorted = 15, .dups = 10};
	struct mix rare = {.dense = 60, .unsorted = 1, .dups = 1};
	for (int v = 0; v < 2; v++) {
		t_random("small, mostly sorted rows", 0x5a11, 1500, 12, &plain, 3, v);
		t_random("medium, dense rows", 0xde45e, 300, 80, &dense, 3, v);
		t_random("medium, sorted rows", 0x50f7ed, 500, 120, &plain, 3, v);
		t_random("unsorted rows and repeated columns", 0x0dd, 700, 60, &odd, 3, v);
		t_random("up to 300 uids, a rare odd row", 0x300, 120, 300, &rare, 2, v);
		t_random("single uids and pairs", 0x1, 400, 2, &odd, 4, v);
	}
	t_big_rows();
	t_uid_range();
	return tap_done();
}
