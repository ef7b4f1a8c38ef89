/*
 * Yuma consensus epoch: see epoch.h.
 *
 * The sparse path follows subtensor's `epoch_mechanism` step by step and the
 * dense path `epoch_dense_mechanism`, both in
 * pallets/subtensor/src/epoch/run_epoch.rs, with the helpers of math.rs as
 * reproduced in mathx.c, called in the chain's order. The only liberty
 * taken: the sparse weights are loaded and filtered in one pass (the chain
 * loads them, then applies four masks one after the other; every mask is a
 * filter that keeps the order, so one pass with all four conditions gives
 * the same rows), and likewise the bonds with the recently-registered mask.
 *
 * Memory: the workspace holds every buffer, sized at the start of a run
 * from n and the number of stored row entries (ensure_*). After that the
 * computation only uses what is there; a math helper reporting
 * DN_MX_ENOSPC would be a sizing bug and surfaces as DN_EPOCH_EINTERNAL.
 */
#include "devnet/epoch.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/mathx.h"
#include "devnet/xalloc.h"

#define ONE DN_FX_ONE

/* ======================================================================
 * Rows
 * ====================================================================== */

void dn_row16_init(struct dn_row16 *r) { memset(r, 0, sizeof(*r)); }

void dn_row16_release(struct dn_row16 *r)
{
	free(r->uid);
	free(r->val);
	memset(r, 0, sizeof(*r));
}

void dn_row16_reserve(struct dn_row16 *r, uint32_t cap)
{
	if (cap <= r->cap)
		return;
	r->uid = xreallocarray(r->uid, cap, sizeof(uint16_t));
	r->val = xreallocarray(r->val, cap, sizeof(uint16_t));
	r->cap = cap;
}

void dn_row16_set(struct dn_row16 *r, const uint16_t *uid, const uint16_t *val, uint32_t n)
{
	dn_row16_reserve(r, n);
	if (n) {
		memmove(r->uid, uid, sizeof(uint16_t) * n);
		memmove(r->val, val, sizeof(uint16_t) * n);
	}
	r->len = n;
}

void dn_row16_push(struct dn_row16 *r, uint16_t uid, uint16_t val)
{
	if (r->len == r->cap)
		dn_row16_reserve(r, r->cap < 8 ? 8 : r->cap * 2);
	r->uid[r->len] = uid;
	r->val[r->len++] = val;
}

void dn_row16_copy(struct dn_row16 *dst, const struct dn_row16 *src)
{
	if (dst != src)
		dn_row16_set(dst, src->uid, src->val, src->len);
}

bool dn_row16_get(const struct dn_row16 *r, uint16_t uid, uint16_t *val)
{
	for (uint32_t k = 0; k < r->len; k++)
		if (r->uid[k] == uid) {
			if (val)
				*val = r->val[k];
			return true;
		}
	if (val)
		*val = 0;
	return false;
}

uint32_t dn_row16_set_value_of(struct dn_row16 *r, uint16_t uid, uint16_t v)
{
	uint32_t c = 0;
	for (uint32_t k = 0; k < r->len; k++)
		if (r->uid[k] == uid) {
			r->val[k] = v;
			c++;
		}
	return c;
}

uint32_t dn_row16_remove_uid(struct dn_row16 *r, uint16_t uid)
{
	uint32_t w = 0;
	for (uint32_t k = 0; k < r->len; k++)
		if (r->uid[k] != uid) {
			r->uid[w] = r->uid[k];
			r->val[w++] = r->val[k];
		}
	uint32_t removed = r->len - w;
	r->len = w;
	return removed;
}

/* ======================================================================
 * Parameters, errors
 * ====================================================================== */

const char *dn_epoch_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_EPOCH_EINVAL: return "invalid epoch input";
	case DN_EPOCH_ERANGE: return "row entry names a uid outside the subnet";
	case DN_EPOCH_EINTERNAL: return "internal error in the epoch math";
	default: return "unknown error";
	}
}

void dn_epoch_params_default(struct dn_epoch_params *p)
{
	memset(p, 0, sizeof(*p));
	p->tempo = 360; /* runtime INITIAL_SUBNET_TEMPO */
	p->activity_cutoff = dn_epoch_activity_cutoff(13889, 360); /* 5000 */
	p->kappa = 32767;
	p->bonds_penalty = 65535;
	p->bonds_moving_average = 900000;
	p->yuma3 = true; /* init_new_network */
	p->liquid_alpha = false;
	p->alpha_low = 45875;
	p->alpha_high = 58982;
	p->alpha_sigmoid_steepness = 1000;
	p->max_allowed_validators = 64; /* init_new_network */
	p->stake_threshold = 0;
	p->owner_uid = -1;
	p->last_mechanism_step_block = 0;
	p->commit_reveal = true;
	p->tao_weight = 971718665099567868ull;
}

/* subtensor utils/misc.rs get_activity_cutoff_blocks */
uint64_t dn_epoch_activity_cutoff(uint32_t factor_milli, uint16_t tempo)
{
	uint64_t c = ((uint64_t)factor_milli * tempo) / 1000; /* cannot overflow u64 */
	return c < 1 ? 1 : c;
}

/* ======================================================================
 * Workspace
 * ====================================================================== */

/* Storage behind one dn_epoch_result. */
struct slot {
	struct dn_epoch_result r;
	uint32_t ncap; /* uids */
	size_t bcap; /* bond entries */
};

struct dn_epoch {
	/* result slots: slot 0 serves dn_epoch_run, slot m mechanism m */
	struct slot slot[DN_MAX_MECHANISMS];
	struct dn_epoch_mech_result agg;
	uint32_t agg_ncap;

	/* per-uid scratch */
	uint32_t ncap;
	uint64_t *lu; /* last_update padded to n (first n entries) */
	bool *inactive; /* n */
	bool *forbid; /* n: !old permit */
	bool *recent; /* n: recently registered (dense bond column mask) */
	dn_i64f64 *stake64; /* n */
	dn_i32f32 *t; /* n: Yuma3 total bonds per validator */
	dn_i32f32 *comb; /* n: combined emission score */
	dn_i32f32 *srv; /* n: normalised server emission */
	dn_i32f32 *val; /* n: normalised validator emission */

	/* sparse matrices (rows = n): weights, clipped weights, weights for
	 * bonds (interpolated), bonds, a work matrix, EMA bonds */
	struct dn_sparse w, cl, wb, b, x, ema;
	struct dn_mat alpha; /* liquid alpha, n x n, grown only when used */

	/* dense matrices (epoch_dense), n x n, grown only when used */
	size_t dcap; /* elements of each */
	struct dn_mat dw, dcl, dwb, db, dx, dema;
	bool *dmask; /* n x n outdated mask */

	/* math scratch */
	unsigned char *abuf;
	size_t asize;
	struct dn_arena arena;
};

struct dn_epoch *dn_epoch_new(void) { return xcalloc(1, sizeof(struct dn_epoch)); }

static void slot_release(struct slot *s)
{
	struct dn_epoch_result *r = &s->r;
	free(r->stake_weight);
	free(r->consensus);
	free(r->incentive);
	free(r->dividends);
	free(r->validator_trust);
	free(r->active);
	free(r->new_permit);
	free(r->old_permit);
	free(r->server_emission);
	free(r->validator_emission);
	free(r->emission);
	free(r->stake);
	free(r->stake_fx);
	free(r->active_stake);
	free(r->consensus_fx);
	free(r->validator_trust_fx);
	free(r->incentive_fx);
	free(r->dividends_fx);
	free(r->bond_start);
	free(r->bond_uid);
	free(r->bond_val);
	free(r->bond_write);
}

static void sparse_free(struct dn_sparse *m)
{
	if (m->start)
		dn_sparse_release(m);
}

static void mat_free(struct dn_mat *m)
{
	free(m->v);
	m->v = NULL;
}

void dn_epoch_free(struct dn_epoch *ws)
{
	if (ws == NULL)
		return;
	for (unsigned m = 0; m < DN_MAX_MECHANISMS; m++)
		slot_release(&ws->slot[m]);
	struct dn_epoch_mech_result *g = &ws->agg;
	free(g->server_emission);
	free(g->validator_emission);
	free(g->emission);
	free(g->stake);
	free(g->stake_weight);
	free(g->consensus);
	free(g->dividends);
	free(g->validator_trust);
	free(g->incentive);
	free(g->active);
	free(g->new_permit);
	free(ws->lu);
	free(ws->inactive);
	free(ws->forbid);
	free(ws->recent);
	free(ws->stake64);
	free(ws->t);
	free(ws->comb);
	free(ws->srv);
	free(ws->val);
	sparse_free(&ws->w);
	sparse_free(&ws->cl);
	sparse_free(&ws->wb);
	sparse_free(&ws->b);
	sparse_free(&ws->x);
	sparse_free(&ws->ema);
	mat_free(&ws->alpha);
	mat_free(&ws->dw);
	mat_free(&ws->dcl);
	mat_free(&ws->dwb);
	mat_free(&ws->db);
	mat_free(&ws->dx);
	mat_free(&ws->dema);
	free(ws->dmask);
	free(ws->abuf);
	free(ws);
}

#define GROW(p, n) ((p) = xreallocarray((p), (n) ? (n) : 1, sizeof(*(p))))

/* Room for n uids and `bonds` bond entries in a result slot. */
static void slot_ensure(struct slot *s, uint32_t n, size_t bonds)
{
	struct dn_epoch_result *r = &s->r;
	if (n > s->ncap || s->r.stake_weight == NULL) {
		GROW(r->stake_weight, n);
		GROW(r->consensus, n);
		GROW(r->incentive, n);
		GROW(r->dividends, n);
		GROW(r->validator_trust, n);
		GROW(r->active, n);
		GROW(r->new_permit, n);
		GROW(r->old_permit, n);
		GROW(r->server_emission, n);
		GROW(r->validator_emission, n);
		GROW(r->emission, n);
		GROW(r->stake, n);
		GROW(r->stake_fx, n);
		GROW(r->active_stake, n);
		GROW(r->consensus_fx, n);
		GROW(r->validator_trust_fx, n);
		GROW(r->incentive_fx, n);
		GROW(r->dividends_fx, n);
		r->bond_start = xreallocarray(r->bond_start, (size_t)n + 1, sizeof(uint32_t));
		GROW(r->bond_write, n);
		s->ncap = n;
	}
	if (bonds > s->bcap || r->bond_uid == NULL) {
		GROW(r->bond_uid, bonds);
		GROW(r->bond_val, bonds);
		s->bcap = bonds;
	}
}

static void sparse_ensure(struct dn_sparse *m, uint32_t rows, uint32_t cap)
{
	if (m->start && m->rcap >= rows && m->cap >= cap)
		return;
	if (m->start) {
		rows = rows > m->rcap ? rows : m->rcap;
		cap = cap > m->cap ? cap : m->cap;
		dn_sparse_release(m);
	}
	dn_sparse_init(m, rows, rows, cap);
}

/* Room for `elems` elements; the shape is set by each use. */
static void mat_ensure(struct dn_mat *m, size_t elems)
{
	if (m->v && m->cap >= elems)
		return;
	free(m->v);
	m->v = xreallocarray(NULL, elems ? elems : 1, sizeof(dn_i32f32));
	m->cap = elems;
	m->rows = m->cols = 0;
}

/* What a run needs: uids, stored entries, variant, liquid alpha. */
struct need {
	uint32_t n;
	uint32_t nnz_w, nnz_b; /* largest over the mechanisms of the run */
	bool dense, liquid;
};

/* Grow every buffer a run of this size needs (the only allocation). */
static void ensure(struct dn_epoch *ws, const struct need *nd, unsigned slots)
{
	uint32_t n = nd->n;
	if (n > ws->ncap || ws->lu == NULL) {
		GROW(ws->lu, n);
		GROW(ws->inactive, n);
		GROW(ws->forbid, n);
		GROW(ws->recent, n);
		GROW(ws->stake64, n);
		GROW(ws->t, n);
		GROW(ws->comb, n);
		GROW(ws->srv, n);
		GROW(ws->val, n);
		ws->ncap = n;
	}
	/* sparse entry bounds: W and its clip hold at most the stored weights,
	 * the interpolation at most W + clip, the EMA its two inputs */
	uint32_t wcap = nd->nnz_w, bcap = nd->nnz_b;
	uint64_t e64 = 2 * (uint64_t)wcap + bcap;
	uint32_t ecap = e64 > UINT32_MAX ? UINT32_MAX : (uint32_t)e64;
	size_t bonds_out = ecap;
	size_t dn2 = (size_t)n * n;
	if (nd->dense)
		bonds_out = dn2;
	for (unsigned s = 0; s < slots; s++)
		slot_ensure(&ws->slot[s], n, bonds_out);

	if (!nd->dense) {
		sparse_ensure(&ws->w, n, wcap);
		sparse_ensure(&ws->cl, n, wcap);
		sparse_ensure(&ws->wb, n, 2 * wcap);
		sparse_ensure(&ws->b, n, bcap);
		sparse_ensure(&ws->x, n, ecap);
		sparse_ensure(&ws->ema, n, ecap);
		if (nd->liquid)
			mat_ensure(&ws->alpha, dn2);
	} else {
		mat_ensure(&ws->dw, dn2);
		mat_ensure(&ws->dcl, dn2);
		mat_ensure(&ws->dwb, dn2);
		mat_ensure(&ws->db, dn2);
		mat_ensure(&ws->dx, dn2);
		mat_ensure(&ws->dema, dn2);
		if (nd->liquid)
			mat_ensure(&ws->alpha, dn2);
		if (dn2 > ws->dcap || ws->dmask == NULL) {
			GROW(ws->dmask, dn2);
			ws->dcap = dn2;
		}
	}
	size_t scratch = dn_mx_scratch_bytes(n, n, nd->dense ? dn2 : ecap);
	if (scratch > ws->asize || ws->abuf == NULL) {
		free(ws->abuf);
		ws->abuf = xmalloc(scratch);
		ws->asize = scratch;
	}
	dn_arena_init(&ws->arena, ws->abuf, ws->asize);
}

/* ======================================================================
 * Input checks
 * ====================================================================== */

static int fail(struct dn_epoch_err *err, int code, const char *field, uint32_t mech, uint32_t row,
		uint32_t entry, uint64_t value)
{
	if (err) {
		err->code = code;
		err->field = field;
		err->mech = mech;
		err->row = row;
		err->entry = entry;
		err->value = value;
	}
	return code;
}

/* Whether some uid[k] >= n (1 <= n <= 65535). Four u16 lanes at a time:
 * spread into 32-bit slots, x + (65536 - n) carries into bit 16 iff
 * x >= n. */
static bool any_uid_ge(const uint16_t *uid, uint32_t len, uint32_t n)
{
	const uint64_t lanes = 0x0000ffff0000ffffull, carry = 0x0001000000010000ull;
	const uint64_t k = (uint64_t)(65536 - n) * 0x0000000100000001ull;
	uint64_t hit = 0;
	uint32_t i = 0;
	for (; i + 4 <= len; i += 4) {
		uint64_t w;
		memcpy(&w, uid + i, sizeof(w));
		hit |= ((w & lanes) + k) | (((w >> 16) & lanes) + k);
	}
	bool any = (hit & carry) != 0;
	for (; i < len; i++)
		any |= uid[i] >= n;
	return any;
}

/* Rows [n]: well formed, every uid < n. Counts the entries into *nnz. */
static int check_rows(const struct dn_row16 *rows, uint32_t n, const char *field, uint32_t mech,
		      uint32_t *nnz, struct dn_epoch_err *err)
{
	uint64_t total = 0;
	if (rows == NULL && n > 0)
		return fail(err, DN_EPOCH_EINVAL, field, mech, UINT32_MAX, UINT32_MAX, 0);
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_row16 *r = &rows[i];
		if (r->len > r->cap || (r->len > 0 && (r->uid == NULL || r->val == NULL)))
			return fail(err, DN_EPOCH_EINVAL, field, mech, i, UINT32_MAX, r->len);
		/* a fast test first, the offending entry only on failure */
		if (any_uid_ge(r->uid, r->len, n))
			for (uint32_t k = 0; k < r->len; k++)
				if (r->uid[k] >= n)
					return fail(err, DN_EPOCH_ERANGE, field, mech, i, k,
						    r->uid[k]);
		total += r->len;
	}
	if (total > UINT32_MAX / 2)
		return fail(err, DN_EPOCH_EINVAL, field, mech, UINT32_MAX, UINT32_MAX, total);
	*nnz = (uint32_t)total;
	return 0;
}

/* The shared part of an input (everything except rows and last_update). */
static int check_shared(const struct dn_epoch_params *p, const struct dn_epoch_input *in,
			struct dn_epoch_err *err)
{
	if (p == NULL)
		return fail(err, DN_EPOCH_EINVAL, "params", 0, UINT32_MAX, UINT32_MAX, 0);
	if (in == NULL)
		return fail(err, DN_EPOCH_EINVAL, "input", 0, UINT32_MAX, UINT32_MAX, 0);
	if (in->n > 65535)
		return fail(err, DN_EPOCH_EINVAL, "n", 0, UINT32_MAX, UINT32_MAX, in->n);
	if (in->n == 0)
		return 0;
	if (in->alpha_stake == NULL)
		return fail(err, DN_EPOCH_EINVAL, "alpha_stake", 0, UINT32_MAX, UINT32_MAX, 0);
	if (in->block_at_registration == NULL)
		return fail(err, DN_EPOCH_EINVAL, "block_at_registration", 0, UINT32_MAX,
			    UINT32_MAX, 0);
	if (in->validator_permit == NULL)
		return fail(err, DN_EPOCH_EINVAL, "validator_permit", 0, UINT32_MAX, UINT32_MAX, 0);
	return 0;
}

static int check_mech(const struct dn_epoch_mech_input *m, uint32_t n, uint32_t mech,
		      uint32_t *nnz_w, uint32_t *nnz_b, struct dn_epoch_err *err)
{
	if (m->last_update == NULL && m->n_last_update > 0)
		return fail(err, DN_EPOCH_EINVAL, "last_update", mech, UINT32_MAX, UINT32_MAX,
			    m->n_last_update);
	int rc = check_rows(m->weights, n, "weights", mech, nnz_w, err);
	if (rc == 0)
		rc = check_rows(m->bonds, n, "bonds", mech, nnz_b, err);
	return rc;
}

/* ======================================================================
 * The epoch: shared steps
 * ====================================================================== */

/* What one run reads: the shared input plus one mechanism's rows. */
struct run {
	const struct dn_epoch_params *p;
	const struct dn_epoch_input *in;
	const struct dn_epoch_mech_input *m;
	struct dn_epoch_result *r;
	uint32_t n;
	int64_t owner; /* -1 = none */
};

/* run_epoch.rs: last_update (get_last_update pads it to n with 0), the
 * inactive mask `updated + activity_cutoff < current_block` (saturating),
 * and its negation, the stored Active vector. */
static void step_activity(struct dn_epoch *ws, const struct run *u)
{
	const struct dn_epoch_mech_input *m = u->m;
	for (uint32_t i = 0; i < u->n; i++) {
		uint64_t lu = i < m->n_last_update ? m->last_update[i] : 0;
		uint64_t until = lu > UINT64_MAX - u->p->activity_cutoff
					 ? UINT64_MAX
					 : lu + u->p->activity_cutoff;
		ws->lu[i] = lu;
		ws->inactive[i] = until < u->in->block;
		u->r->active[i] = !ws->inactive[i];
	}
}

/* stake_utils.rs get_stake_weights_for_network, then run_epoch.rs "Stake":
 * total = alpha + tao * tao_weight (I64F64, saturating), the threshold
 * filter (sparse: except the owner uid), inplace_normalize_64 and the
 * floor to I32F32 (S). Also the raw stake output (saturating_to_num u64 of
 * the unfiltered total). */
static void step_stake(struct dn_epoch *ws, const struct run *u, bool owner_exempt)
{
	const struct dn_epoch_input *in = u->in;
	/* get_tao_weight: U96F32(TaoWeight) safe_div U96F32(u64::MAX); then
	 * I64F64::saturating_from_num of it, exact (32 more fraction bits) */
	dn_u128 tw96;
	if (!dn_ufx128_checked_div((dn_u128)u->p->tao_weight << 32, (dn_u128)UINT64_MAX << 32, 32,
				   &tw96))
		tw96 = 0;
	dn_i64f64 tw = (dn_i64f64)(tw96 << 32);
	for (uint32_t i = 0; i < u->n; i++) {
		dn_i64f64 alpha = dn_mx_fixed64_from_u64(in->alpha_stake[i]);
		dn_i64f64 tao = dn_mx_fixed64_from_u64(in->tao_stake ? in->tao_stake[i] : 0);
		dn_i64f64 total = dn_i128_sat_add(alpha, dn_fx64_sat_mul(tao, tw));
		u->r->stake[i] = dn_mx_fixed64_to_u64(total);
		bool exempt = owner_exempt && (int64_t)i == u->owner;
		if (!exempt && dn_mx_fixed64_to_u64(total) < u->p->stake_threshold)
			total = 0;
		ws->stake64[i] = total;
	}
	dn_mx_stake_normalize_64(ws->stake64, u->n, u->r->stake_fx);
}

/* run_epoch.rs "Validator permits": the stored permits (sparse: owner
 * forced true) decide this epoch; the new ones are is_topk_nonzero(S,
 * max_allowed_validators) (sparse: owner forced true). */
static int step_permits(struct dn_epoch *ws, const struct run *u, bool owner_forced)
{
	struct dn_epoch_result *r = u->r;
	for (uint32_t i = 0; i < u->n; i++)
		r->old_permit[i] = u->in->validator_permit[i];
	if (owner_forced && u->owner >= 0 && u->owner < u->n)
		r->old_permit[u->owner] = true;
	for (uint32_t i = 0; i < u->n; i++)
		ws->forbid[i] = !r->old_permit[i];
	if (dn_mx_is_topk_nonzero(r->stake_fx, u->n, u->p->max_allowed_validators, r->new_permit,
				  &ws->arena))
		return DN_EPOCH_EINTERNAL;
	if (owner_forced && u->owner >= 0 && u->owner < u->n)
		r->new_permit[u->owner] = true;
	return 0;
}

/* run_epoch.rs "Active Stake": S, inactive masked, non-validators masked,
 * inplace_normalize. */
static void step_active_stake(struct dn_epoch *ws, const struct run *u)
{
	dn_i32f32 *a = u->r->active_stake;
	memcpy(a, u->r->stake_fx, sizeof(dn_i32f32) * u->n);
	dn_mx_inplace_mask_vector(ws->inactive, u->n, a, u->n);
	dn_mx_inplace_mask_vector(ws->forbid, u->n, a, u->n);
	dn_mx_inplace_normalize(a, u->n);
}

/* run_epoch.rs "last_tempo" of the recently-registered bonds mask: the
 * block after the previous successful epoch (LastMechansimStepBlock + 1),
 * or current_block - tempo (saturating) if there was none. */
static uint64_t last_tempo(const struct run *u)
{
	uint64_t lms = u->p->last_mechanism_step_block;
	if (lms == 0)
		return u->in->block > u->p->tempo ? u->in->block - u->p->tempo : 0;
	return lms == UINT64_MAX ? UINT64_MAX : lms + 1;
}

/* run_epoch.rs "Emission": combined = I + D (saturating), its plain sum,
 * server = I / sum, validator = D / sum (normalize_using_sum), combined
 * normalised; if the sum is 0 (no usable weights) validators and the
 * combined emission follow the active stake, or the stake if there is no
 * active stake. Each share times rao_emission in I96F32, floored to u64.
 * Then the u16 outputs (fixed_proportion_to_u16). */
static void step_emission(struct dn_epoch *ws, const struct run *u)
{
	struct dn_epoch_result *r = u->r;
	uint32_t n = u->n;
	for (uint32_t i = 0; i < n; i++)
		ws->comb[i] = dn_fx_sat_add(r->incentive_fx[i], r->dividends_fx[i]);
	dn_i32f32 sum = dn_mx_sum(ws->comb, n);
	memcpy(ws->srv, r->incentive_fx, sizeof(dn_i32f32) * n);
	memcpy(ws->val, r->dividends_fx, sizeof(dn_i32f32) * n);
	dn_mx_inplace_normalize_using_sum(ws->srv, n, sum);
	dn_mx_inplace_normalize_using_sum(ws->val, n, sum);
	dn_mx_inplace_normalize(ws->comb, n);
	if (sum == 0) {
		const dn_i32f32 *src =
			dn_mx_is_zero(r->active_stake, n) ? r->stake_fx : r->active_stake;
		memcpy(ws->val, src, sizeof(dn_i32f32) * n);
		memcpy(ws->comb, src, sizeof(dn_i32f32) * n);
	}
	uint64_t rao = u->in->rao_emission;
	for (uint32_t i = 0; i < n; i++) {
		r->server_emission[i] = dn_mx_share_to_rao(ws->srv[i], rao);
		r->validator_emission[i] = dn_mx_share_to_rao(ws->val[i], rao);
		r->emission[i] = dn_mx_share_to_rao(ws->comb[i], rao);
	}
	dn_mx_vec_fixed_proportions_to_u16(r->stake_fx, n, r->stake_weight);
	dn_mx_vec_fixed_proportions_to_u16(r->consensus_fx, n, r->consensus);
	dn_mx_vec_fixed_proportions_to_u16(r->incentive_fx, n, r->incentive);
	dn_mx_vec_fixed_proportions_to_u16(r->dividends_fx, n, r->dividends);
	dn_mx_vec_fixed_proportions_to_u16(r->validator_trust_fx, n, r->validator_trust);
}

static struct dn_mx_liquid liquid_params(const struct dn_epoch_params *p)
{
	/* run_epoch.rs get_alpha_values_32 and get_alpha_sigmoid_steepness */
	struct dn_mx_liquid l = {
		.alpha_low = dn_fx_from_u16_proportion(p->alpha_low),
		.alpha_high = dn_fx_from_u16_proportion(p->alpha_high),
		.steepness = dn_fx_from_int(p->alpha_sigmoid_steepness),
	};
	return l;
}

/* compute_bonds(_sparse)'s condition for liquid alpha: LiquidAlphaOn, a
 * non-empty consensus with a non-zero value. */
static bool use_liquid(const struct run *u)
{
	if (!u->p->liquid_alpha)
		return false;
	for (uint32_t j = 0; j < u->n; j++)
		if (u->r->consensus_fx[j] != 0)
			return true;
	return false;
}

/* ======================================================================
 * Sparse epoch (run_epoch.rs epoch_mechanism)
 * ====================================================================== */

#define TRY(expr)                                  \
	do {                                       \
		if ((expr) != 0)                   \
			return DN_EPOCH_EINTERNAL; \
	} while (0)

/* get_weights_sparse (entries j < n as integer I32F32, stored order), then
 * mask_rows_sparse (rows without old permit), mask_diag_sparse[_except_
 * index] (self-weights, except the owner's), vec_mask_sparse_matrix
 * (outdated: last_update[i] <= block_at_registration[j]) and, with
 * commit-reveal, vec_mask_sparse_matrix (commit_block[i] <
 * block_at_registration[j]); all filters, done in one pass. */
static void sparse_load_weights(struct dn_epoch *ws, const struct run *u)
{
	const uint64_t *reg = u->in->block_at_registration;
	const uint64_t *cb = u->p->commit_reveal ? u->m->commit_block : NULL;
	struct dn_sparse *w = &ws->w;
	uint32_t k = 0;
	for (uint32_t i = 0; i < u->n; i++) {
		w->start[i] = k;
		if (ws->forbid[i])
			continue;
		const struct dn_row16 *row = &u->m->weights[i];
		uint64_t lu = ws->lu[i], c = cb ? cb[i] : UINT64_MAX;
		bool keep_self = (int64_t)i == u->owner;
		for (uint32_t e = 0; e < row->len; e++) {
			uint32_t j = row->uid[e];
			if (j == i && !keep_self)
				continue;
			if (lu <= reg[j])
				continue;
			if (c < reg[j])
				continue;
			w->col[k] = j;
			w->val[k++] = dn_fx_from_u16(row->val[e]);
		}
	}
	w->start[u->n] = k;
	w->rows = u->n;
	w->cols = u->n;
}

/* math.rs fixed_to_fixed_u16_proportion(u16_to_fixed(v)) =
 * I32F32(v) safe_div I32F32(65535) = floor(v * 2^64 / (65535 * 2^32)) =
 * floor(v * 2^32 / 65535): the bits of dn_fx_from_u16_proportion. As
 * 2^32 = 65535 * 65537 + 1, that is v * 65537 + floor(v / 65535), and
 * v / 65535 is 1 for v = 65535 only: no division at all. */
static inline dn_i32f32 u16_proportion(uint16_t v)
{
	return (dn_i32f32)((uint64_t)v * 65537u + (v == 65535));
}

/* get_bonds_sparse (u16_to_fixed; Yuma3: get_bonds_sparse_fixed_proportion,
 * u16 / 65535) then scalar_vec_mask_sparse_matrix (recently registered:
 * last_tempo <= block_at_registration[j]). */
static void sparse_load_bonds(struct dn_epoch *ws, const struct run *u, bool proportion)
{
	const uint64_t *reg = u->in->block_at_registration;
	uint64_t lt = last_tempo(u);
	struct dn_sparse *b = &ws->b;
	uint32_t k = 0;
	for (uint32_t i = 0; i < u->n; i++) {
		b->start[i] = k;
		const struct dn_row16 *row = &u->m->bonds[i];
		for (uint32_t e = 0; e < row->len; e++) {
			uint32_t j = row->uid[e];
			if (lt <= reg[j])
				continue;
			b->col[k] = j;
			b->val[k++] = proportion ? u16_proportion(row->val[e])
						 : dn_fx_from_u16(row->val[e]);
		}
	}
	b->start[u->n] = k;
	b->rows = u->n;
	b->cols = u->n;
}

/* math.rs fixed_proportion_to_u16 (= dn_fx_to_u16_proportion): for
 * 0 <= x < 2^47 the saturating product x * 65535 is exact in 64 bits. */
static inline uint16_t to_u16_proportion(dn_i32f32 x)
{
	if (x >= 0 && x < ((dn_i32f32)1 << 47)) {
		uint64_t v = ((uint64_t)x * 65535u) >> 32;
		return v > 65535 ? 65535 : (uint16_t)v;
	}
	return dn_fx_to_u16_proportion(x);
}

static int epoch_sparse(struct dn_epoch *ws, const struct run *u)
{
	struct dn_epoch_result *r = u->r;
	struct dn_arena *ar = &ws->arena;
	uint32_t n = u->n;
	const struct dn_epoch_params *p = u->p;

	step_activity(ws, u);
	step_stake(ws, u, true);
	TRY(step_permits(ws, u, true));
	step_active_stake(ws, u);

	/* Weights: load + masks, then inplace_row_normalize_sparse */
	sparse_load_weights(ws, u);
	dn_mx_inplace_row_normalize_sparse(&ws->w);

	/* Consensus: weighted_median_col_sparse(active_stake, weights, n, kappa) */
	TRY(dn_mx_weighted_median_col_sparse(r->active_stake, n, &ws->w, dn_mx_u16_ratio(p->kappa),
					     r->consensus_fx, ar));
	/* col_clip_sparse, validator trust = row_sum_sparse(clipped) */
	TRY(dn_mx_col_clip_sparse(&ws->w, r->consensus_fx, n, &ws->cl));
	dn_mx_row_sum_sparse(&ws->cl, r->validator_trust_fx);

	/* Ranks = matmul_sparse(clipped, active_stake, n); incentive = normalised */
	dn_mx_matmul_sparse(&ws->cl, r->active_stake, n, r->incentive_fx);
	dn_mx_inplace_normalize(r->incentive_fx, n);

	/* weights_for_bonds = interpolate_sparse(weights, clipped, n, penalty);
	 * ratio 0 and 1 are the chain's plain copies, used here in place */
	dn_i32f32 penalty = dn_mx_u16_ratio(p->bonds_penalty);
	const struct dn_sparse *wb = &ws->wb;
	if (penalty == 0)
		wb = &ws->w;
	else if (penalty == ONE)
		wb = &ws->cl;
	else
		TRY(dn_mx_interpolate_sparse(&ws->w, &ws->cl, penalty, &ws->wb, ar));

	struct dn_sparse *ema = &ws->ema, *x = &ws->x;
	if (p->yuma3) {
		sparse_load_bonds(ws, u, true);
		/* compute_bonds_sparse */
		if (use_liquid(u)) {
			struct dn_mx_liquid lq = liquid_params(p);
			TRY(dn_mx_liquid_alpha_sparse(wb, &ws->b, r->consensus_fx, n, &lq,
						      &ws->alpha, ar));
			TRY(dn_mx_mat_ema_alpha_sparse(wb, &ws->b, &ws->alpha, ema, ar));
		} else {
			TRY(dn_mx_mat_ema_sparse(wb, &ws->b,
						 dn_mx_ema_alpha_from_bma(p->bonds_moving_average),
						 ema, ar));
		}
		/* ema_bonds_norm = inplace_col_normalize_sparse(copy, n);
		 * total_bonds_per_validator = row_sum_sparse(mat_vec_mul_sparse(
		 * norm, incentive)); dividends = vec_mul(total, active_stake),
		 * inplace_normalize */
		TRY(dn_sparse_copy(x, ema));
		x->cols = n;
		TRY(dn_mx_inplace_col_normalize_sparse(x, ar));
		TRY(dn_mx_mat_vec_mul_sparse(x, r->incentive_fx, n, x));
		dn_mx_row_sum_sparse(x, ws->t);
		dn_mx_vec_mul(ws->t, x->rows, r->active_stake, n, r->dividends_fx);
		dn_mx_inplace_normalize(r->dividends_fx, n);
	} else {
		/* B: masked, inplace_col_normalize_sparse */
		sparse_load_bonds(ws, u, false);
		TRY(dn_mx_inplace_col_normalize_sparse(&ws->b, ar));
		/* bonds_delta = row_hadamard_sparse(weights_for_bonds, active
		 * stake), inplace_col_normalize_sparse */
		TRY(dn_mx_row_hadamard_sparse(wb, r->active_stake, n, x));
		x->cols = n;
		TRY(dn_mx_inplace_col_normalize_sparse(x, ar));
		/* compute_ema_bonds_normal_sparse, inplace_col_normalize_sparse */
		TRY(dn_mx_mat_ema_sparse(
			x, &ws->b, dn_mx_ema_alpha_from_bma(p->bonds_moving_average), ema, ar));
		ema->cols = n;
		TRY(dn_mx_inplace_col_normalize_sparse(ema, ar));
		/* dividends = matmul_transpose_sparse(ema, incentive), normalised */
		dn_mx_matmul_transpose_sparse(ema, r->incentive_fx, n, r->dividends_fx);
		dn_mx_inplace_normalize(r->dividends_fx, n);
		/* inplace_col_max_upscale_sparse for storage */
		TRY(dn_mx_inplace_col_max_upscale_sparse(ema, ar));
	}

	step_emission(ws, u);

	/* Bonds output: new permit -> the EMA row as u16, otherwise an empty
	 * row (old permit: "only overwrite the intersection"; neither: the
	 * default empty term). Every row is rewritten. */
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		r->bond_start[i] = (uint32_t)k;
		r->bond_write[i] = true;
		if (!r->new_permit[i] || i >= ema->rows)
			continue;
		for (uint32_t e = ema->start[i]; e < ema->start[i + 1]; e++) {
			r->bond_uid[k] = (uint16_t)ema->col[e];
			r->bond_val[k++] = to_u16_proportion(ema->val[e]);
		}
	}
	r->bond_start[n] = (uint32_t)k;
	return 0;
}

/* ======================================================================
 * Dense epoch (run_epoch.rs epoch_dense_mechanism)
 * ====================================================================== */

static void mat_shape_zero(struct dn_mat *m, uint32_t n)
{
	m->rows = n;
	m->cols = n;
	memset(m->v, 0, sizeof(dn_i32f32) * (size_t)n * n);
}

static int epoch_dense(struct dn_epoch *ws, const struct run *u)
{
	struct dn_epoch_result *r = u->r;
	struct dn_arena *ar = &ws->arena;
	uint32_t n = u->n;
	const struct dn_epoch_params *p = u->p;
	const uint64_t *reg = u->in->block_at_registration;

	step_activity(ws, u);
	/* dense: no owner exemption from the threshold, no forced permits */
	step_stake(ws, u, false);
	TRY(step_permits(ws, u, false));
	step_active_stake(ws, u);

	/* get_weights: n x n, entries j < n as integers (a repeated column:
	 * the last one) */
	struct dn_mat *w = &ws->dw;
	mat_shape_zero(w, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_row16 *row = &u->m->weights[i];
		for (uint32_t e = 0; e < row->len; e++)
			dn_mat_row(w, i)[row->uid[e]] = dn_fx_from_u16(row->val[e]);
	}
	dn_mx_inplace_mask_rows(ws->forbid, n, w);
	if (u->owner >= 0 && u->owner <= 65535)
		dn_mx_inplace_mask_diag_except_index(w, (uint32_t)u->owner);
	else
		dn_mx_inplace_mask_diag(w);
	dn_mx_inplace_mask_diag(w); /* the chain masks the diagonal twice */
	/* outdated[i][j] = last_update[i] <= block_at_registration[j] */
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < n; j++)
			ws->dmask[(size_t)i * n + j] = ws->lu[i] <= reg[j];
	dn_mx_inplace_mask_matrix(ws->dmask, n, n, w);
	dn_mx_inplace_row_normalize(w);

	/* consensus, clipped weights, validator trust */
	TRY(dn_mx_weighted_median_col(r->active_stake, n, w, dn_mx_u16_ratio(p->kappa),
				      r->consensus_fx, ar));
	struct dn_mat *cl = &ws->dcl;
	TRY(dn_mat_copy(cl, w));
	dn_mx_inplace_col_clip(cl, r->consensus_fx, n);
	memset(r->validator_trust_fx, 0, sizeof(dn_i32f32) * n);
	dn_mx_row_sum(cl, r->validator_trust_fx);

	/* ranks = matmul(clipped, active_stake), incentive = normalised */
	memset(r->incentive_fx, 0, sizeof(dn_i32f32) * n);
	dn_mx_matmul(cl, r->active_stake, n, r->incentive_fx);
	dn_mx_inplace_normalize(r->incentive_fx, n);

	/* weights_for_bonds = interpolate(weights, clipped, penalty) */
	dn_i32f32 penalty = dn_mx_u16_ratio(p->bonds_penalty);
	const struct dn_mat *wb = &ws->dwb;
	if (penalty == 0)
		wb = w;
	else if (penalty == ONE)
		wb = cl;
	else
		TRY(dn_mx_interpolate(w, cl, penalty, &ws->dwb));

	/* bonds: n x n (j < n, a repeated column: the last one), recently
	 * registered columns masked */
	uint64_t lt = last_tempo(u);
	for (uint32_t j = 0; j < n; j++)
		ws->recent[j] = lt <= reg[j];
	struct dn_mat *b = &ws->db, *x = &ws->dx, *ema = &ws->dema;
	mat_shape_zero(b, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_row16 *row = &u->m->bonds[i];
		for (uint32_t e = 0; e < row->len; e++)
			dn_mat_row(b, i)[row->uid[e]] = dn_fx_from_u16(row->val[e]);
	}
	memset(r->dividends_fx, 0, sizeof(dn_i32f32) * n);
	if (p->yuma3) {
		/* get_bonds_fixed_proportion, inplace_mask_cols */
		for (size_t q = 0; q < (size_t)n * n; q++)
			b->v[q] = dn_mx_fixed_to_fixed_u16_proportion(b->v[q]);
		dn_mx_inplace_mask_cols(ws->recent, n, b);
		/* compute_bonds */
		if (use_liquid(u)) {
			struct dn_mx_liquid lq = liquid_params(p);
			TRY(dn_mx_liquid_alpha(wb, b, r->consensus_fx, n, &lq, &ws->alpha));
			TRY(dn_mx_mat_ema_alpha(wb, b, &ws->alpha, ema));
		} else {
			TRY(dn_mx_mat_ema(wb, b, dn_mx_ema_alpha_from_bma(p->bonds_moving_average),
					  ema));
		}
		/* dividends = normalise(vec_mul(row_sum(mat_vec_mul(col-normalised
		 * ema, incentive)), active_stake)) */
		TRY(dn_mat_copy(x, ema));
		dn_mx_inplace_col_normalize(x);
		TRY(dn_mx_mat_vec_mul(x, r->incentive_fx, n, x));
		memset(ws->t, 0, sizeof(dn_i32f32) * n);
		size_t nt = dn_mx_row_sum(x, ws->t);
		dn_mx_vec_mul(ws->t, nt, r->active_stake, n, r->dividends_fx);
		dn_mx_inplace_normalize(r->dividends_fx, n);
	} else {
		dn_mx_inplace_mask_cols(ws->recent, n, b);
		dn_mx_inplace_col_normalize(b);
		TRY(dn_mx_row_hadamard(wb, r->active_stake, n, x));
		dn_mx_inplace_col_normalize(x);
		/* compute_ema_bonds_normal, inplace_col_normalize */
		TRY(dn_mx_mat_ema(x, b, dn_mx_ema_alpha_from_bma(p->bonds_moving_average), ema));
		dn_mx_inplace_col_normalize(ema);
		dn_mx_matmul_transpose(ema, r->incentive_fx, n, r->dividends_fx);
		dn_mx_inplace_normalize(r->dividends_fx, n);
		dn_mx_inplace_col_max_upscale(ema);
	}

	step_emission(ws, u);

	/* Bonds output: new permit -> the whole row (0..n) as u16, zeros
	 * included; old permit only -> empty; neither -> not rewritten. */
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		r->bond_start[i] = (uint32_t)k;
		r->bond_write[i] = r->new_permit[i] || r->old_permit[i];
		if (!r->new_permit[i] || i >= ema->rows)
			continue;
		for (uint32_t j = 0; j < n && j < ema->cols; j++) {
			r->bond_uid[k] = (uint16_t)j;
			r->bond_val[k++] = dn_fx_to_u16_proportion(dn_mat_row(ema, i)[j]);
		}
	}
	r->bond_start[n] = (uint32_t)k;
	return 0;
}

/* ======================================================================
 * Entry points
 * ====================================================================== */

static int run_one(struct dn_epoch *ws, const struct dn_epoch_params *p,
		   const struct dn_epoch_input *in, const struct dn_epoch_mech_input *m,
		   enum dn_epoch_variant variant, struct slot *s)
{
	struct run u = {
		.p = p,
		.in = in,
		.m = m,
		.r = &s->r,
		.n = in->n,
		.owner = p->owner_uid < 0 ? -1 : p->owner_uid,
	};
	s->r.n = in->n;
	s->r.variant = variant;
	dn_arena_reset(&ws->arena);
	if (in->n == 0) {
		s->r.bond_start[0] = 0;
		return 0;
	}
	return variant == DN_EPOCH_DENSE ? epoch_dense(ws, &u) : epoch_sparse(ws, &u);
}

int dn_epoch_run(struct dn_epoch *ws, const struct dn_epoch_params *params,
		 const struct dn_epoch_input *in, enum dn_epoch_variant variant,
		 const struct dn_epoch_result **out, struct dn_epoch_err *err)
{
	if (ws == NULL || out == NULL)
		return fail(err, DN_EPOCH_EINVAL, ws ? "out" : "workspace", 0, UINT32_MAX,
			    UINT32_MAX, 0);
	if (variant != DN_EPOCH_SPARSE && variant != DN_EPOCH_DENSE)
		return fail(err, DN_EPOCH_EINVAL, "variant", 0, UINT32_MAX, UINT32_MAX,
			    (uint64_t)variant);
	int rc = check_shared(params, in, err);
	if (rc)
		return rc;
	struct dn_epoch_mech_input m = {
		.last_update = in->last_update,
		.n_last_update = in->n_last_update,
		.weights = in->weights,
		.bonds = in->bonds,
		.commit_block = in->commit_block,
	};
	struct need nd = {.n = in->n, .dense = variant == DN_EPOCH_DENSE};
	rc = check_mech(&m, in->n, 0, &nd.nnz_w, &nd.nnz_b, err);
	if (rc)
		return rc;
	nd.liquid = params->yuma3 && params->liquid_alpha;
	ensure(ws, &nd, 1);
	rc = run_one(ws, params, in, &m, variant, &ws->slot[0]);
	if (rc)
		return fail(err, rc, "epoch", 0, UINT32_MAX, UINT32_MAX, 0);
	*out = &ws->slot[0].r;
	return 0;
}

/* mechanism.rs weighted_acc_u16 / weighted_acc_alpha:
 * U64F64(existing) saturating_add U64F64(added) saturating_mul weight,
 * saturating_to_num (floor). */
static dn_u128 weighted_acc(uint64_t existing, uint64_t added, dn_u64f64 weight)
{
	dn_u128 a = (dn_u128)existing << 64;
	dn_u128 b = dn_ufx128_sat_mul((dn_u128)added << 64, weight, 64);
	dn_u128 s = a + b;
	if (s < a)
		s = DN_U128_MAX;
	return s >> 64;
}

static uint16_t weighted_acc_u16(uint16_t existing, uint16_t added, dn_u64f64 weight)
{
	dn_u128 v = weighted_acc(existing, added, weight);
	return v > 65535 ? 65535 : (uint16_t)v;
}

static uint64_t weighted_acc_u64(uint64_t existing, uint64_t added, dn_u64f64 weight)
{
	dn_u128 v = weighted_acc(existing, added, weight);
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void agg_ensure(struct dn_epoch *ws, uint32_t n)
{
	struct dn_epoch_mech_result *g = &ws->agg;
	if (n <= ws->agg_ncap && g->server_emission)
		return;
	GROW(g->server_emission, n);
	GROW(g->validator_emission, n);
	GROW(g->emission, n);
	GROW(g->stake, n);
	GROW(g->stake_weight, n);
	GROW(g->consensus, n);
	GROW(g->dividends, n);
	GROW(g->validator_trust, n);
	GROW(g->incentive, n);
	GROW(g->active, n);
	GROW(g->new_permit, n);
	ws->agg_ncap = n;
}

/* subtensor subnets/mechanism.rs epoch_with_mechanisms */
int dn_epoch_run_mechanisms(struct dn_epoch *ws, const struct dn_epoch_params *params,
			    const struct dn_epoch_input *in, const struct dn_epoch_mech_input *mech,
			    unsigned count, const uint16_t *split, size_t nsplit,
			    const struct dn_epoch_mech_result **out, struct dn_epoch_err *err)
{
	if (ws == NULL || out == NULL)
		return fail(err, DN_EPOCH_EINVAL, ws ? "out" : "workspace", 0, UINT32_MAX,
			    UINT32_MAX, 0);
	if (count == 0 || count > DN_MAX_MECHANISMS || mech == NULL)
		return fail(err, DN_EPOCH_EINVAL, "mechanism count", 0, UINT32_MAX, UINT32_MAX,
			    count);
	if (split == NULL && nsplit > 0)
		return fail(err, DN_EPOCH_EINVAL, "split", 0, UINT32_MAX, UINT32_MAX, nsplit);
	int rc = check_shared(params, in, err);
	if (rc)
		return rc;
	struct need nd = {.n = in->n};
	for (unsigned m = 0; m < count; m++) {
		uint32_t nw, nb;
		rc = check_mech(&mech[m], in->n, m, &nw, &nb, err);
		if (rc)
			return rc;
		nd.nnz_w = nw > nd.nnz_w ? nw : nd.nnz_w;
		nd.nnz_b = nb > nd.nnz_b ? nb : nd.nnz_b;
	}
	nd.liquid = params->yuma3 && params->liquid_alpha;
	ensure(ws, &nd, count);
	agg_ensure(ws, in->n);

	struct dn_epoch_mech_result *g = &ws->agg;
	uint32_t n = in->n;
	g->n = n;
	g->count = count;
	dn_mechanism_split_emissions(in->rao_emission, count, split, nsplit, g->mech_emission);
	for (unsigned m = 0; m < count; m++) {
		/* each mechanism's epoch gets its share of the emission */
		struct dn_epoch_input im = *in;
		im.rao_emission = g->mech_emission[m];
		rc = run_one(ws, params, &im, &mech[m], DN_EPOCH_SPARSE, &ws->slot[m]);
		if (rc)
			return fail(err, rc, "epoch", m, UINT32_MAX, UINT32_MAX, 0);
		g->mech[m] = &ws->slot[m].r;
		/* sub_weight = U64F64(sub_emission) safe_div_or U64F64(rao),
		 * default 1 for mechanism 0 and 0 for the others */
		dn_u64f64 wgt;
		if (!dn_ufx128_checked_div((dn_u128)g->mech_emission[m] << 64,
					   (dn_u128)in->rao_emission << 64, 64, &wgt))
			wgt = m == 0 ? (dn_u128)1 << 64 : 0;
		g->mech_weight[m] = wgt;
	}
	for (unsigned m = count; m < DN_MAX_MECHANISMS; m++) {
		g->mech[m] = NULL;
		g->mech_emission[m] = 0;
		g->mech_weight[m] = 0;
	}

	/* the fold: the first mechanism inserts (weighted from 0), later ones
	 * add; incentive only ever comes from the insert */
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_epoch_result *r = g->mech[0];
		dn_u64f64 w0 = g->mech_weight[0];
		g->dividends[i] = weighted_acc_u16(0, r->dividends[i], w0);
		g->incentive[i] = weighted_acc_u16(0, r->incentive[i], w0);
		g->validator_emission[i] = r->validator_emission[i];
		g->server_emission[i] = r->server_emission[i];
		g->stake_weight[i] = weighted_acc_u16(0, r->stake_weight[i], w0);
		g->active[i] = r->active[i];
		g->emission[i] = weighted_acc_u64(0, r->emission[i], w0);
		g->consensus[i] = weighted_acc_u16(0, r->consensus[i], w0);
		g->validator_trust[i] = weighted_acc_u16(0, r->validator_trust[i], w0);
		g->new_permit[i] = r->new_permit[i];
		g->stake[i] = r->stake[i];
		for (unsigned m = 1; m < count; m++) {
			r = g->mech[m];
			dn_u64f64 wm = g->mech_weight[m];
			g->validator_emission[i] =
				sat_add_u64(g->validator_emission[i], r->validator_emission[i]);
			g->server_emission[i] =
				sat_add_u64(g->server_emission[i], r->server_emission[i]);
			g->dividends[i] = weighted_acc_u16(g->dividends[i], r->dividends[i], wm);
			g->stake_weight[i] =
				weighted_acc_u16(g->stake_weight[i], r->stake_weight[i], wm);
			g->active[i] = g->active[i] || r->active[i];
			g->emission[i] = weighted_acc_u64(g->emission[i], r->emission[i], wm);
			g->consensus[i] = weighted_acc_u16(g->consensus[i], r->consensus[i], wm);
			g->validator_trust[i] =
				weighted_acc_u16(g->validator_trust[i], r->validator_trust[i], wm);
			g->new_permit[i] = g->new_permit[i] || r->new_permit[i];
			g->stake[i] = sat_add_u64(g->stake[i], r->stake[i]);
		}
	}
	*out = g;
	return 0;
}

uint32_t dn_epoch_result_bond_row(const struct dn_epoch_result *r, uint32_t i, const uint16_t **uid,
				  const uint16_t **val)
{
	uint32_t b = r->bond_start[i];
	*uid = r->bond_uid + b;
	*val = r->bond_val + b;
	return r->bond_start[i + 1] - b;
}

void dn_epoch_store_bonds(const struct dn_epoch_result *r, struct dn_row16 *rows)
{
	for (uint32_t i = 0; i < r->n; i++) {
		if (!r->bond_write[i])
			continue;
		const uint16_t *uid, *val;
		uint32_t len = dn_epoch_result_bond_row(r, i, &uid, &val);
		dn_row16_set(&rows[i], uid, val, len);
	}
}

/* subtensor run_epoch.rs is_epoch_input_state_consistent */
bool dn_epoch_hotkeys_consistent(const void *keys, size_t n, size_t key_size)
{
	const unsigned char *k = keys;
	if (key_size == 0)
		return n <= 1;
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (memcmp(k + i * key_size, k + j * key_size, key_size) == 0)
				return false;
	return true;
}
