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
 * That is sparse_general. What dn_epoch_run uses for the sparse epoch is
 * sparse_fused, the same computation with several of the chain's passes
 * over the matrices done in one, exact divisions by invariant divisors,
 * 64-bit products where the operands are known to be in [0, 1], and AVX2
 * versions of the dense loops; it falls back to sparse_general for the
 * inputs it does not handle (see "Sparse epoch, fused kernels").
 * tests/devnet/epochfast-t compares the two on random subnets.
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

/* AVX2 kernels for the dense loops of the fused epoch, chosen at run time;
 * the scalar loops are the portable version and give the same bits. */
#if defined(__x86_64__) && defined(__GNUC__)
#define EPOCH_AVX2 1
#include <cpuid.h>
#include <immintrin.h>
#endif

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

/* safe_div by one divisor b of many numerators (see qdiv_do): b, and
 * for b >= 2 its invariant-division constants. */
struct qdiv {
	struct dn_mx_udiv u;
	uint64_t lim; /* numerators below it take the invariant division */
	dn_i32f32 b;
};

#define MEMO_BITS 9 /* liquid alpha memo: 512 slots */

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

	/* fused sparse kernels (sparse_fused) */
	uint32_t *part; /* n: row i's participant number in the median, or UINT32_MAX */
	dn_i32f32 *mst; /* n: participants' stake */
	uint32_t *med_s; /* med_stride(n): median stake */
	uint32_t *med_x, *med_w, *med_x2, *med_w2; /* n + 8: radix selection pairs */
	uint32_t *med_t; /* med_tcap: participants' weights, transposed */
	size_t med_tcap;
	uint64_t hist[256]; /* radix selection: stake per bucket */
	uint32_t head[256]; /* radix selection: last pair of each bucket */
	uint32_t *med_nxt; /* med_stride(n): the pair before, same bucket */
	dn_i32f32 *csum, *csum2; /* n: column sums / maxima */
	uint64_t *vsum; /* n: classic bonds u16 column sums */
	struct qdiv *cq, *cq2; /* n: column divisors */
	uint32_t *rcol; /* n: one row of weights for bonds */
	dn_i32f32 *rval;
	bool *rdense; /* n: Yuma3 EMA row i is stored dense */
	dn_i32f32 *dbond; /* n: one liquid-alpha bonds row by column, kept all zero */
	uint64_t *vmag, *vsh, *vihm; /* n: dividends' column divisors for the vector loop */
	int64_t *vlim;
	bool vector; /* use the AVX2 kernels (the CPU has them, unless turned off) */
	dn_i32f32 memo_key[1 << MEMO_BITS], memo_val[1 << MEMO_BITS];
	bool memo_used[1 << MEMO_BITS];

	/* math scratch */
	unsigned char *abuf;
	size_t asize;
	struct dn_arena arena;
};

/* Whether the CPU runs AVX2 and the OS saves its registers (cpuid leaf 1:
 * AVX and OSXSAVE, XCR0: SSE and AVX state; leaf 7: AVX2). */
static bool cpu_avx2(void)
{
#ifdef EPOCH_AVX2
	unsigned a, b, c, d, lo, hi;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return false;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 6) != 6)
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
#else
	return false;
#endif
}

struct dn_epoch *dn_epoch_new(void)
{
	struct dn_epoch *ws = xcalloc(1, sizeof(struct dn_epoch));
	ws->vector = cpu_avx2();
	return ws;
}

bool dn_epoch_set_vector(struct dn_epoch *ws, bool on)
{
	ws->vector = on && cpu_avx2();
	return ws->vector;
}

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
	free(ws->part);
	free(ws->mst);
	free(ws->med_s);
	free(ws->med_x);
	free(ws->med_w);
	free(ws->med_nxt);
	free(ws->med_x2);
	free(ws->med_w2);
	free(ws->med_t);
	free(ws->csum);
	free(ws->csum2);
	free(ws->vsum);
	free(ws->cq);
	free(ws->cq2);
	free(ws->rcol);
	free(ws->rval);
	free(ws->rdense);
	free(ws->dbond);
	free(ws->vmag);
	free(ws->vsh);
	free(ws->vihm);
	free(ws->vlim);
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

/* What a run needs: uids, stored entries, variant, liquid alpha, and a
 * bound on the median's participants (uids with a stored permit, plus the
 * owner). */
struct need {
	uint32_t n;
	uint32_t nnz_w, nnz_b; /* largest over the mechanisms of the run */
	uint32_t kmax;
	bool dense, liquid;
};

/* The fused consensus transposes the participants' weights into a dense
 * kp x n array when it has at most this many entries (16 MiB). */
#define MED_T_MAX ((size_t)1 << 22)

/* The column stride of that array for k participants: k rounded up to 16
 * u32 (whole cache lines), an odd number of lines, so that the columns a
 * row is written to spread over the cache sets (a power-of-two stride puts
 * them all in a few). */
static size_t med_stride(size_t k)
{
	size_t kp = (k + 15) & ~(size_t)15;
	return (kp / 16) % 2 ? kp : kp + 16;
}

/* Bound on the participants of the median: uids whose weights can count
 * (a stored permit, or the owner's forced one). */
static uint32_t max_participants(const struct dn_epoch_params *p, const struct dn_epoch_input *in)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < in->n; i++)
		k += in->validator_permit[i] || (int64_t)i == p->owner_uid;
	return k;
}

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
		GROW(ws->part, n);
		GROW(ws->mst, n);
		GROW(ws->med_s, med_stride(n));
		GROW(ws->med_x, med_stride(n));
		GROW(ws->med_w, med_stride(n));
		GROW(ws->med_nxt, med_stride(n));
		GROW(ws->med_x2, med_stride(n));
		GROW(ws->med_w2, med_stride(n));
		GROW(ws->csum, n);
		GROW(ws->csum2, n);
		GROW(ws->vsum, n);
		GROW(ws->cq, n);
		GROW(ws->cq2, n);
		GROW(ws->rcol, n);
		GROW(ws->rval, n);
		GROW(ws->rdense, n);
		GROW(ws->dbond, n);
		GROW(ws->vmag, n);
		GROW(ws->vsh, n);
		GROW(ws->vihm, n);
		GROW(ws->vlim, n);
		ws->ncap = n;
	}
	/* sparse entry bounds: W and its clip hold at most the stored weights,
	 * the interpolation at most W + clip, the EMA its two inputs */
	uint32_t wcap = nd->nnz_w, bcap = nd->nnz_b;
	uint64_t e64 = 2 * ((uint64_t)wcap + bcap);
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
		size_t kp = med_stride(nd->kmax), tn = kp * n;
		if (tn <= MED_T_MAX && (tn > ws->med_tcap || ws->med_t == NULL)) {
			GROW(ws->med_t, tn);
			ws->med_tcap = tn;
		}
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

/* Whether some uid[k] >= n (1 <= n <= 65535). Four u16 lanes at a time.
 * For n <= 32768: a lane x < 2^15 gets bit 15 in x + (2^15 - n) iff x >= n,
 * without a carry out of the lane; a lane with bit 15 of its own is
 * >= n already, and whatever its carry does to the next lane, the word is
 * caught by that bit. Larger n: spread into 32-bit slots, x + (65536 - n)
 * carries into bit 16 iff x >= n. */
static bool any_uid_ge(const uint16_t *uid, uint32_t len, uint32_t n)
{
	uint64_t hit = 0;
	uint32_t i = 0;
	bool any;
	if (n <= 32768) {
		const uint64_t k = (uint64_t)(32768 - n) * 0x0001000100010001ull;
		for (; i + 8 <= len; i += 8) {
			uint64_t w0, w1;
			memcpy(&w0, uid + i, sizeof(w0));
			memcpy(&w1, uid + i + 4, sizeof(w1));
			hit |= w0 | (w0 + k) | w1 | (w1 + k);
		}
		any = (hit & 0x8000800080008000ull) != 0;
	} else {
		const uint64_t lanes = 0x0000ffff0000ffffull, carry = 0x0001000000010000ull;
		const uint64_t k = (uint64_t)(65536 - n) * 0x0000000100000001ull;
		for (; i + 4 <= len; i += 4) {
			uint64_t w;
			memcpy(&w, uid + i, sizeof(w));
			hit |= ((w & lanes) + k) | (((w >> 16) & lanes) + k);
		}
		any = (hit & carry) != 0;
	}
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
		/* 0 * tw = 0 exactly: skip the 256-bit product */
		dn_i64f64 total = dn_i128_sat_add(alpha, tao == 0 ? 0 : dn_fx64_sat_mul(tao, tw));
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

/* The chain's steps from the weights to the bonds output, one helper per
 * step: the general path, for inputs the fused kernels do not handle. */
static int sparse_general(struct dn_epoch *ws, const struct run *u)
{
	struct dn_epoch_result *r = u->r;
	struct dn_arena *ar = &ws->arena;
	uint32_t n = u->n;
	const struct dn_epoch_params *p = u->p;

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
 * Sparse epoch, fused kernels
 *
 * The same steps as sparse_general, in fewer passes over the matrices:
 *   1. fused_load_weights: get_weights_sparse, the four masks and
 *      inplace_row_normalize_sparse, one row at a time, plus a transposed
 *      copy of the participants' rows for the consensus;
 *   2. fused_consensus: weighted_median_col_sparse on that copy, by radix
 *      selection (the closed form the helper uses);
 *   3. per row: col_clip_sparse, row_sum_sparse (validator trust),
 *      matmul_sparse (ranks) and interpolate_sparse (weights for bonds),
 *      then the bonds: Yuma3 builds the EMA row (mat_ema_sparse, or with
 *      liquid alpha compute_liquid_alpha_values_sparse and
 *      mat_ema_alpha_sparse) and its column sums; classic builds the
 *      bonds delta and its column sums;
 *   4. the column-normalised products: Yuma3 dividends (col-normalise,
 *      mat_vec_mul_sparse, row_sum_sparse in one pass, with the stored
 *      bonds rows); classic EMA, dividends and the max-upscaled bonds.
 * A Yuma3 EMA row whose two input rows have n entries or more is kept
 * dense (all n columns; the chain's own dense accumulator), others as a
 * merge of the two rows. The dense loops have AVX2 versions (four 64-bit
 * lanes) used when the CPU has them: each lane does the scalar loop's
 * operations, and the tests run both.
 *
 * Every kernel computes each value with the chain's operations in the
 * chain's order, or in an order that cannot matter (sums that cannot
 * saturate or wrap); what changes is only when values are computed, and
 * which intermediates are never stored. Where that relies on a property
 * of the input, the property is checked:
 *   F1  every weights row has strictly increasing columns after the masks:
 *       then each row is already in column order, the order in which
 *       interpolate_sparse and mat_ema_sparse emit their entries, and a
 *       two-row merge computes what their dense accumulators compute;
 *   F2  every weights row's u16 sum is < 2^31: the chain's row sum does not
 *       wrap, so every normalised weight is in [0, 1] (see below);
 *   F3  every bonds row has strictly increasing columns after the mask
 *       (for the merges and the liquid-alpha lookups; the dense
 *       accumulator needs no order).
 * F1 and F2 are checked while loading, F3 where it is used; if one fails,
 * sparse_fused returns FALLBACK and the general path runs from the start.
 * Values the kernels multiply are then all >= 0 (weights, consensus,
 * stakes, incentive, bonds, liquid rates), and all in [0, 1] (mul_le1).
 * ====================================================================== */

#define FALLBACK 1 /* sparse_fused: run sparse_general instead */

/* saturating_mul (dn_fx_sat_mul) for a, b in [0, 1] (0 <= raw <= 2^32):
 * the floor of the exact product, which is at most 2^64, so the result is
 * at most 1 and can neither saturate nor be negative. Weights under F2,
 * clipped and interpolated weights (at most the weight), the consensus (a
 * weight), stakes, incentive, bonds, EMA rates and the normalised values
 * are all in [0, 1]. */
static inline dn_i32f32 mul_le1(dn_i32f32 a, dn_i32f32 b)
{
	return (dn_i32f32)(((dn_u128)(uint64_t)a * (uint64_t)b) >> 32);
}

/* fixed_proportion_to_u16 of x in [0, 1]: x * 65535 < 2^48 is exact and
 * at most 65535 after the floor, so neither product saturates. */
static inline uint16_t to_u16_le1(dn_i32f32 x) { return (uint16_t)(((uint64_t)x * 65535u) >> 32); }

/* safe_div(a, b) of many a >= 0 by one b (a column sum or max). For
 * a < 2^31 and b >= 2 the quotient floor(a 2^32 / b) is one invariant
 * division of a 2^32 < 2^63, and it is < 2^62, so the chain's overflow
 * check cannot fire; anything else takes dn_fx_safe_div. */
static void qdiv_init(struct qdiv *q, dn_i32f32 b)
{
	q->b = b;
	q->lim = b >= 2 ? (uint64_t)1 << 31 : 0;
	if (q->lim)
		dn_mx_udiv_init(&q->u, (uint64_t)b);
}

static inline dn_i32f32 qdiv_do(const struct qdiv *q, dn_i32f32 a)
{
	if ((uint64_t)a < q->lim)
		return (dn_i32f32)dn_mx_udiv(&q->u, (uint64_t)a << 32);
	return dn_fx_safe_div(a, q->b);
}

#ifdef EPOCH_AVX2
/*
 * AVX2 versions of the dense loops: four columns per step, the same
 * operations on each lane as the scalar loop, in 64-bit lanes.
 *
 * mul_le1 on four lanes for a factor a < 2^32 (the same in every lane)
 * and b in [0, 1]: b = bh 2^32 + bl with bh in {0, 1} (bl = 0 when bh =
 * 1), so floor(a b / 2^32) = floor(a bl / 2^32) + bh a, and a bl is one
 * 32 x 32 -> 64-bit product (vpmuludq takes each lane's low 32 bits).
 */
__attribute__((target("avx2"))) static inline __m256i mul_le1_x4(__m256i a, __m256i b)
{
	return _mm256_add_epi64(_mm256_srli_epi64(_mm256_mul_epu32(a, b), 32),
				_mm256_mul_epu32(_mm256_srli_epi64(b, 32), a));
}

__attribute__((target("avx2"))) static inline int64_t hsum_x4(__m256i v)
{
	__m128i t = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	return _mm_cvtsi128_si64(t) + _mm_extract_epi64(t, 1);
}

#endif

/* ---- weights ---------------------------------------------------------- */

/* The participants of weighted_median_col_sparse: rows with active stake
 * > 0, numbered in row order. Their weights rows go to ws->med_t, column
 * c at med_t[c * kp ...], kp = med_stride(k) (the padding is score 0,
 * stake 0; the median reads the first k rounded up to 8). `dense` is false
 * when med_t is too small (then the helper computes the consensus). */
struct med {
	uint32_t k, kp;
	bool dense;
	int64_t minority, total;
};

/* A weight in [0, 1] as a u32: 1 (2^32) becomes 2^32 - 1. Under F2 no
 * other weight is 2^32 - 1: floor(v 2^32 / S) >= 2^32 - 1 needs v >=
 * S (1 - 2^-32), i.e. v = S (as S < 2^32), and that is 2^32 exactly. So
 * the code keeps the order of the weights and decodes back exactly. */
static inline uint32_t med_enc(dn_i32f32 x) { return (uint32_t)(x - (x >> 32)); }
static inline dn_i32f32 med_dec(uint32_t y) { return (dn_i32f32)y + (y == UINT32_MAX); }

/* One stored row through the masks: the kept entries' columns and u16
 * values (as integers) from col / val on; returns how many, *sum their
 * u16 sum. Branch-free: a dropped entry is written and overwritten.
 * `check_reg`: some registration block is >= lim (else only the
 * diagonal can be dropped). */
static inline __attribute__((always_inline)) uint32_t
load_row_m(const struct dn_row16 *row, const uint64_t *restrict reg, uint64_t lim, uint32_t self,
	   uint32_t *restrict col, dn_i32f32 *restrict val, uint64_t *sum, bool check_reg)
{
	const uint16_t *restrict uid = row->uid, *restrict v16 = row->val;
	uint32_t k = 0;
	uint64_t s = 0;
#pragma GCC unroll 2
	for (uint32_t e = 0; e < row->len; e++) {
		uint32_t j = uid[e];
		uint64_t v = v16[e], keep = (uint64_t)(j != self);
		if (check_reg)
			keep &= (uint64_t)(reg[j] < lim);
		col[k] = j;
		val[k] = (dn_i32f32)v;
		k += (uint32_t)keep;
		s += v & (0 - keep);
	}
	*sum = s;
	return k;
}

/*
 * Normalise a row of m u16 values with sum S, 2 <= S < 2^31 (see
 * fused_load_weights); t != NULL: also into the participant's slots of
 * med_t, t[col * kp]. Returns whether the columns strictly increase (F1).
 */
static bool norm_row(const uint32_t *restrict col, dn_i32f32 *restrict val, uint32_t m,
		     uint64_t sum, uint32_t *restrict t, size_t kp)
{
	struct dn_mx_udiv d;
	dn_mx_udiv_init(&d, sum);
	uint32_t bad = 0, next = 0;
	if (t == NULL) {
		for (uint32_t q = 0; q < m; q++) {
			val[q] = (dn_i32f32)dn_mx_udiv(&d, (uint64_t)val[q] << 32);
			bad |= col[q] < next;
			next = col[q] + 1;
		}
		return bad == 0;
	}
#pragma GCC unroll 2
	for (uint32_t q = 0; q < m; q++) {
		uint32_t j = col[q];
		dn_i32f32 x = (dn_i32f32)dn_mx_udiv(&d, (uint64_t)val[q] << 32);
		val[q] = x;
		t[(size_t)j * kp] = med_enc(x);
		bad |= j < next;
		next = j + 1;
	}
	return bad == 0;
}

#ifdef EPOCH_AVX2
/*
 * load_row_m, the normalisation and the med_t slots of a row without the
 * registration test (only the diagonal entry `self` can be dropped; above
 * 65535 nothing is), on AVX2, reading only the stored row (nothing just
 * written is read back: a narrow load of a wide store stalls):
 *   A: where self is (a row that repeats it is not in column order, and
 *      goes to the scalar loops), the u16 sum without it, and whether the
 *      stored columns strictly increase (then so do the kept ones: F1);
 *      sixteen entries per step, the u16 sums in 32-bit lanes (at most
 *      4096 steps of 65535 each for rows of at most 65536 entries);
 *   B: four entries per step, widened, x = floor(v 2^32 / S) as
 *      dn_mx_udiv does (the high word of (v 2^32) m is v mh + floor(v ml /
 *      2^32) for m = mh 2^32 + ml, two 32 x 32-bit products, v < 2^16),
 *      stored, and written into the participant's med_t slots from the
 *      registers; the step holding self goes one entry at a time.
 * Returns false, having written nothing, when the row needs the scalar
 * path: a repeated self, columns not increasing, or a sum outside
 * [2, 2^31). Else *m is the kept count.
 */
__attribute__((target("avx2"))) static bool
load_norm_avx2(const struct dn_row16 *row, uint32_t self, uint32_t *restrict col,
	       dn_i32f32 *restrict val, uint32_t *restrict t, size_t kp, uint32_t *m)
{
	const uint16_t *restrict uid = row->uid, *restrict v16 = row->val;
	uint32_t len = row->len, pself = UINT32_MAX, bad = 0, e = 0;
	uint64_t sum = 0;
	if (len > 65536)
		return false; /* then the 32-bit lane sums below could wrap */
	/* sixteen at a time: u16 compared signed after flipping the top bit */
	const __m256i flip = _mm256_set1_epi16((short)0x8000);
	const __m256i vself = _mm256_set1_epi16((short)(uint16_t)self);
	__m256i acc = _mm256_setzero_si256(), order = _mm256_setzero_si256();
	for (; e + 17 <= len; e += 16) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(uid + e));
		__m256i b = _mm256_loadu_si256((const __m256i *)(uid + e + 1));
		order = _mm256_or_si256(order, _mm256_cmpgt_epi16(_mm256_xor_si256(a, flip),
								  _mm256_xor_si256(b, flip)));
		order = _mm256_or_si256(order, _mm256_cmpeq_epi16(a, b));
		if (self <= 65535 &&
		    !_mm256_testz_si256(_mm256_cmpeq_epi16(a, vself), _mm256_cmpeq_epi16(a, vself)))
			for (uint32_t c = e; c < e + 16; c++)
				if (uid[c] == self)
					pself = pself == UINT32_MAX ? c : UINT32_MAX - 1;
		__m256i v = _mm256_loadu_si256((const __m256i *)(v16 + e));
		acc = _mm256_add_epi32(
			acc,
			_mm256_add_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(v)),
					 _mm256_cvtepu16_epi32(_mm256_extracti128_si256(v, 1))));
	}
	bad = !_mm256_testz_si256(order, order);
	uint32_t lanes[8];
	_mm256_storeu_si256((__m256i *)lanes, acc);
	for (int c = 0; c < 8; c++)
		sum += lanes[c];
	for (; e < len; e++) {
		sum += v16[e];
		bad |= e > 0 && uid[e] <= uid[e - 1];
		if (uid[e] == self)
			pself = pself == UINT32_MAX ? e : UINT32_MAX - 1;
	}
	if (pself < len)
		sum -= v16[pself];
	if (bad || pself == UINT32_MAX - 1 || sum < 2 || sum >= ((uint64_t)1 << 31))
		return false;
	struct dn_mx_udiv d;
	dn_mx_udiv_init(&d, sum);
	const __m256i mag = _mm256_set1_epi64x((int64_t)d.magic);
	const __m256i mhi = _mm256_srli_epi64(mag, 32);
	const __m128i shift = _mm_cvtsi32_si128((int)d.shift);
	const __m128i vkp = _mm_set1_epi32((int)kp);
	uint32_t k = 0;
	e = 0;
	while (e < len) {
		if (e + 4 <= len && (pself < e || pself >= e + 4)) {
			__m128i u = _mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(uid + e)));
			__m256i v =
				_mm256_cvtepu16_epi64(_mm_loadl_epi64((const __m128i *)(v16 + e)));
			__m256i x =
				_mm256_add_epi64(_mm256_srli_epi64(_mm256_mul_epu32(v, mag), 32),
						 _mm256_mul_epu32(v, mhi));
			x = _mm256_srl_epi64(x, shift);
			_mm_storeu_si128((__m128i *)(col + k), u);
			_mm256_storeu_si256((__m256i *)(val + k), x);
			if (t) {
				__m256i enc = _mm256_sub_epi64(x, _mm256_srli_epi64(x, 32));
				__m128i lo = _mm256_castsi256_si128(enc);
				__m128i hi = _mm256_extracti128_si256(enc, 1);
				__m128i at = _mm_mullo_epi32(u, vkp);
				t[(uint32_t)_mm_cvtsi128_si32(at)] =
					(uint32_t)_mm_cvtsi128_si32(lo);
				t[(uint32_t)_mm_extract_epi32(at, 1)] =
					(uint32_t)_mm_extract_epi32(lo, 2);
				t[(uint32_t)_mm_extract_epi32(at, 2)] =
					(uint32_t)_mm_cvtsi128_si32(hi);
				t[(uint32_t)_mm_extract_epi32(at, 3)] =
					(uint32_t)_mm_extract_epi32(hi, 2);
			}
			k += 4;
			e += 4;
			continue;
		}
		if (e != pself) {
			dn_i32f32 x = (dn_i32f32)dn_mx_udiv(&d, (uint64_t)v16[e] << 32);
			col[k] = uid[e];
			val[k++] = x;
			if (t)
				t[(size_t)uid[e] * kp] = med_enc(x);
		}
		e++;
	}
	*m = k;
	return true;
}
#endif

/*
 * get_weights_sparse, mask_rows_sparse, mask_diag_sparse[_except_index],
 * vec_mask_sparse_matrix (outdated; commit-reveal) and
 * inplace_row_normalize_sparse, row by row. The masks are filters that
 * keep the order (see sparse_load_weights); the two block comparisons
 * last_update[i] <= reg[j] and commit[i] < reg[j] are one: reg[j] >= lim
 * with lim = min(last_update[i], commit[i] + 1).
 *
 * Normalisation: the chain sums the kept v 2^32 with a wrapping `+` and,
 * if the sum is > 0, divides each entry by it (safe_div). With the u16
 * sum S < 2^31 (F2) the sum is S 2^32 and the quotient is floor(v 2^64 /
 * (S 2^32)) = floor(v 2^32 / S) <= 2^32: an invariant division by S for
 * S >= 2, v 2^32 for S = 1, and nothing to do for S = 0. A larger row is
 * normalised by the chain's formula itself and F2 fails.
 *
 * A participant's normalised row is also written into med_t (med_enc).
 * Rows where only the diagonal can be dropped take load_norm_avx2 when
 * the vector kernels are on (the usual case). Returns whether F1 and F2
 * hold.
 */
static bool fused_load_weights(struct dn_epoch *ws, const struct run *u, const struct med *md)
{
	const uint64_t *reg = u->in->block_at_registration;
	const uint64_t *cb = u->p->commit_reveal ? u->m->commit_block : NULL;
	struct dn_sparse *w = &ws->w;
	uint32_t *col = w->col, *start = w->start;
	dn_i32f32 *val = w->val;
	bool good = true;
	uint32_t k = 0;
	uint64_t regmax = 0;
	for (uint32_t j = 0; j < u->n; j++)
		regmax = reg[j] > regmax ? reg[j] : regmax;
	if (md->dense)
		memset(ws->med_t, 0, sizeof(uint32_t) * (size_t)md->kp * u->n);
	for (uint32_t i = 0; i < u->n; i++) {
		start[i] = k;
		if (ws->forbid[i])
			continue;
		uint64_t lim = ws->lu[i], sum;
		if (cb && cb[i] < lim)
			lim = cb[i] + 1;
		uint32_t self = (int64_t)i == u->owner ? UINT32_MAX : i, m;
		const struct dn_row16 *row = &u->m->weights[i];
		uint32_t p = ws->part[i];
		uint32_t *t = md->dense && p != UINT32_MAX ? ws->med_t + p : NULL;
#ifdef EPOCH_AVX2
		if (ws->vector && regmax < lim &&
		    (uint64_t)md->kp * u->n <= UINT32_MAX && /* med_t offsets in 32 bits */
		    load_norm_avx2(row, self, col + k, val + k, t, md->kp, &m)) {
			k += m;
			continue;
		}
#endif
		if (regmax >= lim)
			m = load_row_m(row, reg, lim, self, col + k, val + k, &sum, true);
		else
			m = load_row_m(row, reg, lim, self, col + k, val + k, &sum, false);
		if (sum >= ((uint64_t)1 << 31)) {
			/* the chain's formula as it is; F2 fails */
			good = false;
			dn_i32f32 s = (dn_i32f32)(sum << 32);
			for (uint32_t q = k; q < k + m; q++) {
				dn_i32f32 a = (dn_i32f32)((uint64_t)val[q] << 32);
				val[q] = s > 0 ? dn_fx_safe_div(a, s) : a;
			}
		} else if (sum >= 2) {
			good &= norm_row(col + k, val + k, m, sum, t, md->kp);
		} else {
			uint32_t next = 0;
			for (uint32_t q = k; q < k + m; q++) {
				val[q] = (dn_i32f32)((uint64_t)val[q] << 32);
				if (t)
					t[(size_t)col[q] * md->kp] = med_enc(val[q]);
				good &= col[q] >= next;
				next = col[q] + 1;
			}
		}
		k += m;
	}
	start[u->n] = k;
	w->rows = u->n;
	w->cols = u->n;
	return good;
}

/* ---- consensus -------------------------------------------------------- */

/*
 * weighted_median_col_sparse's set-up (colmed_prepare in mathx.c): the
 * participants, their stake re-normalised (inplace_normalize), its sum
 * and minority = sum - kappa (saturating). The helper then answers every
 * column with the closed form of the chain's search (mathx.c, "Closed
 * form"): the first score v, ascending, with stake(score <= v) > minority,
 * else the largest score; it checks that the state is consistent, and so
 * do we (if not, the helper runs). For k >= 2 every re-normalised stake is
 * < 2^32 (another participant has a positive stake), so it fits a u32.
 */
static bool median_prepare(struct dn_epoch *ws, const struct run *u, dn_i32f32 majority,
			   struct med *md)
{
	const dn_i32f32 *a = u->r->active_stake;
	uint32_t k = 0;
	for (uint32_t i = 0; i < u->n; i++) {
		ws->part[i] = a[i] > 0 ? k : UINT32_MAX;
		if (a[i] > 0)
			ws->mst[k++] = a[i];
	}
	md->k = k;
	md->kp = (uint32_t)med_stride(k);
	md->dense = false;
	if (k == 0 || (size_t)md->kp * u->n > ws->med_tcap)
		return false;
	dn_mx_inplace_normalize(ws->mst, k);
	dn_i32f32 sum = dn_mx_sum(ws->mst, k);
	dn_i128 t = 0;
	for (uint32_t p = 0; p < k; p++) {
		if (ws->mst[p] < 0 || (k >= 2 && ws->mst[p] > (dn_i32f32)UINT32_MAX))
			return false;
		t += ws->mst[p];
		ws->med_s[p] = (uint32_t)ws->mst[p];
	}
	for (uint32_t p = k; p < md->kp; p++)
		ws->med_s[p] = 0;
	if (t > DN_FX_MAX || t != sum)
		return false;
	md->minority = dn_fx_sat_sub(sum, majority);
	md->total = (int64_t)t;
	md->dense = true;
	return true;
}

/* The first value v of the m pairs (x, s), ascending, with s(x <= v) >
 * target, for m <= 16 (insertion sort, then a scan). */
static uint32_t select_small(const uint32_t *x, const uint32_t *s, uint32_t m, uint64_t target)
{
	uint32_t vx[16], vs[16];
	for (uint32_t i = 0; i < m; i++) {
		uint32_t j = i;
		for (; j > 0 && vx[j - 1] > x[i]; j--) {
			vx[j] = vx[j - 1];
			vs[j] = vs[j - 1];
		}
		vx[j] = x[i];
		vs[j] = s[i];
	}
	uint64_t c = 0;
	for (uint32_t i = 0; i + 1 < m; i++) {
		c += vs[i];
		if (c > target && vx[i + 1] != vx[i])
			return vx[i];
	}
	return vx[m - 1];
}

/* One radix-selection step on m pairs (x, s), all < 2^hi: the stake per
 * bucket of the next `bits` bits below hi, and the bucket b where the
 * cumulative stake passes *target (which becomes the target within b).
 * Each bucket's pairs are chained (head, nxt) so that b's pairs can be
 * collected without another pass. Returns b; *sh is the new hi. */
static uint32_t radix_step(const uint32_t *restrict x, const uint32_t *restrict s, uint32_t m,
			   uint64_t *target, unsigned hi, unsigned *sh, struct dn_epoch *ws)
{
	unsigned bits = m > 128 ? 8 : m > 32 ? 5 : 4;
	unsigned shift = hi > bits ? hi - bits : 0;
	uint32_t nb = (uint32_t)1 << (hi - shift), mask = nb - 1;
	uint64_t *restrict hist = ws->hist;
	uint32_t *restrict head = ws->head, *restrict nxt = ws->med_nxt;
	memset(hist, 0, sizeof(uint64_t) * nb);
	memset(head, 0xff, sizeof(uint32_t) * nb);
#pragma GCC unroll 2
	for (uint32_t p = 0; p < m; p++) {
		uint32_t bk = (x[p] >> shift) & mask;
		hist[bk] += s[p];
		nxt[p] = head[bk];
		head[bk] = p;
	}
	uint32_t b = 0;
	uint64_t t = *target;
	while (hist[b] <= t)
		t -= hist[b++];
	*target = t;
	*sh = shift;
	return b;
}

/*
 * The first value v of the m pairs (x, s), ascending, with s(x <= v) >
 * target, given target < s(all), all values < 2^hi: radix selection. A
 * step finds the bucket of the top bits where the cumulative stake passes
 * the target; its pairs (copied to bx, bs) are what is left, with the
 * target reduced by the stake below the bucket, and they agree on every
 * bit from the new hi up. A bucket of the last bits holds one value; a
 * few pairs are finished by sorting.
 */
static uint32_t select_radix(const uint32_t *x, const uint32_t *s, uint32_t m, uint64_t target,
			     unsigned hi, struct dn_epoch *ws)
{
	for (int level = 0;; level++) {
		if (m <= 16)
			return select_small(x, s, m, target);
		unsigned sh;
		uint32_t b = radix_step(x, s, m, &target, hi, &sh, ws);
		if (sh == 0)
			return x[ws->head[b]]; /* the bucket holds one value */
		/* collect bucket b into the buffer pair x is not in */
		uint32_t *bx = level % 2 ? ws->med_x2 : ws->med_x;
		uint32_t *bs = level % 2 ? ws->med_w2 : ws->med_w;
		uint32_t c = 0;
		for (uint32_t p = ws->head[b]; p != UINT32_MAX; p = ws->med_nxt[p]) {
			bx[c] = x[p];
			bs[c++] = s[p];
		}
		x = bx;
		s = bs;
		m = c;
		hi = sh;
	}
}

/* weighted_median_col_sparse on med_t: one column (kp scores) at a time,
 * with the helper's cases in its order: one participant, then target >=
 * total (the largest score; the padding scores 0 are never larger), a
 * negative target (the smallest score: every cumulative stake is > it;
 * over the k real scores), otherwise the selection. The padding does not
 * change the selection: it adds stake 0 at score 0, so s(x <= v) is the
 * same for every v, and a target >= 0 is passed at 0 only if a real score
 * 0 holds stake. */
static void fused_consensus(struct dn_epoch *ws, const struct run *u, const struct med *md)
{
	dn_i32f32 *out = u->r->consensus_fx;
	uint32_t k = md->k, stride = md->kp, kp = (k + 7) & ~7u; /* scores read per column */
	int64_t target = md->minority;
	for (uint32_t c = 0; c < u->n; c++) {
		const uint32_t *x = ws->med_t + (size_t)c * stride;
		uint32_t v = x[0];
		if (k == 1) {
			v = x[0];
		} else if (target >= md->total) {
			for (uint32_t p = 1; p < kp; p++)
				v = x[p] > v ? x[p] : v;
		} else if (target < 0) {
			for (uint32_t p = 1; p < k; p++)
				v = x[p] < v ? x[p] : v;
		} else {
			uint32_t mx = 0, m1 = 0, m2 = 0, m3 = 0; /* kp: a multiple of 8 */
			for (uint32_t p = 0; p < kp; p += 4) {
				mx |= x[p];
				m1 |= x[p + 1];
				m2 |= x[p + 2];
				m3 |= x[p + 3];
			}
			mx |= m1 | m2 | m3;
			v = mx == 0 ? 0
				    : select_radix(x, ws->med_s, kp, (uint64_t)target,
						   32 - (unsigned)__builtin_clz(mx), ws);
		}
		out[c] = med_dec(v);
	}
}

/* ---- per row: clip, trust, ranks, weights for bonds -------------------- */

/* How weights_for_bonds is made from W and the clipped W. */
enum wb_mode { WB_WEIGHTS, WB_CLIPPED, WB_INTERPOLATE };

/*
 * Row i of col_clip_sparse (clipped = min(w, C_j); an entry clipped to
 * C_j <= 0 is dropped), of row_sum_sparse over it (validator trust, a
 * wrapping sum), its matmul_sparse contribution to the ranks (rows in
 * order, so each rank gets the chain's sequence of saturating adds), and
 * row i of weights_for_bonds into ws->rcol / ws->rval: W itself, the
 * clipped row, or interpolate_sparse's a + ratio (b - a) over the union
 * of the two rows' columns, which is W's columns (the clipped row is a
 * part of it; a dropped entry reads 0), emitted when > 0, in column order
 * (F1). Returns the length of the weights-for-bonds row.
 */
static inline __attribute__((always_inline)) uint32_t clip_row_mode(struct dn_epoch *ws,
								    const struct run *u, uint32_t i,
								    enum wb_mode mode,
								    dn_i32f32 ratio)
{
	const struct dn_sparse *w = &ws->w;
	const dn_i32f32 *cons = u->r->consensus_fx;
	dn_i32f32 *ranks = u->r->incentive_fx, s = u->r->active_stake[i];
	uint32_t *rcol = ws->rcol;
	dn_i32f32 *rval = ws->rval;
	uint64_t trust = 0;
	uint32_t nb = 0;
	for (uint32_t q = w->start[i]; q < w->start[i + 1]; q++) {
		uint32_t j = w->col[q];
		dn_i32f32 x = w->val[q], th = cons[j];
		/* branch-free: whether x is clipped is a coin toss */
		dn_i32f32 y = x < th ? x : th;
		uint64_t keep = (uint64_t)(x <= th) | (uint64_t)(th > 0);
		dn_i32f32 yk = (dn_i32f32)((uint64_t)y & (0 - keep)); /* dropped: 0 */
		trust += (uint64_t)yk;
		/* a dropped entry adds 0 (the chain skips it; acc + 0 = acc) */
		ranks[j] = dn_fx_sat_add(ranks[j], mul_le1(s, yk));
		rcol[nb] = j;
		if (mode == WB_WEIGHTS) {
			rval[nb++] = x;
		} else if (mode == WB_CLIPPED) {
			rval[nb] = y;
			nb += (uint32_t)keep;
		} else {
			dn_i32f32 wb = dn_fx_sat_add(x, dn_fx_sat_mul(ratio, dn_fx_sat_sub(yk, x)));
			rval[nb] = wb;
			nb += wb > 0;
		}
	}
	u->r->validator_trust_fx[i] = (dn_i32f32)trust;
	return nb;
}

static uint32_t clip_row(struct dn_epoch *ws, const struct run *u, uint32_t i, enum wb_mode mode,
			 dn_i32f32 ratio)
{
	switch (mode) {
	case WB_WEIGHTS: return clip_row_mode(ws, u, i, WB_WEIGHTS, 0);
	case WB_CLIPPED: return clip_row_mode(ws, u, i, WB_CLIPPED, 0);
	default: return clip_row_mode(ws, u, i, WB_INTERPOLATE, ratio);
	}
}

/*
 * Row i's clip, trust and ranks as clip_row, and its weights-for-bonds
 * row for the Yuma3 EMA without liquid alpha. There an absent
 * weights-for-bonds entry and a zero one are the same (alpha * 0 = 0 is
 * added, and only sums > 0 are kept), and so is a dropped clipped entry
 * and a zero one (it adds 0 to the trust and the ranks). The consensus is
 * a weight or 0, so C_j >= 0, and a weight is >= 0: an entry is dropped
 * only when C_j = 0, so its clipped value is min(x, C_j) = 0 either way.
 * So the clipped value is y = min(x, C_j), and the weights-for-bonds value
 * W (x), the clipped row (y) or the interpolation x + ratio (y - x), which
 * is in [y, x] (absent when 0).
 *
 * `erow` NULL: the values go to ws->rval (for the merge). Else erow is the
 * dense EMA row (see ema_row_dense): alpha * value goes to erow[j] and to
 * the column sums.
 */
static inline __attribute__((always_inline)) void
clip_row_wb(struct dn_epoch *ws, const struct run *u, uint32_t i, enum wb_mode mode,
	    dn_i32f32 ratio, dn_i32f32 alpha, dn_i32f32 *restrict erow)
{
	const struct dn_sparse *w = &ws->w;
	uint32_t b = w->start[i], m = w->start[i + 1] - b;
	const uint32_t *restrict col = w->col + b;
	const dn_i32f32 *restrict val = w->val + b, *restrict cons = u->r->consensus_fx;
	dn_i32f32 *restrict ranks = u->r->incentive_fx, *restrict wb = ws->rval;
	dn_i32f32 *restrict csum = ws->csum, s = u->r->active_stake[i];
	uint64_t trust = 0;
#pragma GCC unroll 2
	for (uint32_t q = 0; q < m; q++) {
		uint32_t j = col[q];
		dn_i32f32 x = val[q], th = cons[j];
		dn_i32f32 y = x < th ? x : th;
		trust += (uint64_t)y;
		ranks[j] += mul_le1(s, y);
		dn_i32f32 v = mode == WB_WEIGHTS ? x : y;
		if (mode == WB_INTERPOLATE)
			v = dn_fx_sat_add(x, dn_fx_sat_mul(ratio, dn_fx_sat_sub(y, x)));
		if (erow) {
			dn_i32f32 a = mul_le1(alpha, v);
			erow[j] = a;
			csum[j] += a;
		} else {
			wb[q] = v;
		}
	}
	u->r->validator_trust_fx[i] = (dn_i32f32)trust;
}

/* The first entry at or after e of a stored bonds row that the
 * recently-registered mask keeps, or len. */
static inline uint32_t bond_kept(const uint16_t *restrict uid, const bool *restrict recent,
				 uint32_t e, uint32_t len)
{
	while (e < len && recent[uid[e]])
		e++;
	return e;
}

/*
 * Yuma3 without liquid alpha, row i: get_bonds_sparse_fixed_proportion,
 * the recently-registered mask and mat_ema_sparse, alpha wb + (1 - alpha)
 * b over the union of the two rows, kept when > 0, in column order. Both
 * rows are in column order (F1; F3, checked here: a bonds column that
 * does not increase past the last column visited sets `bad`), so walking
 * them together visits the union in column order and gives each column
 * the chain's dense accumulator value: alpha wb (0 without an entry) plus
 * (1 - alpha) b (0 without one). All terms are in [0, 1] and alpha + (1 -
 * alpha) = 1: nothing saturates. Writes EMA row i from ema->start[i] on
 * (an entry is written at k always and kept by advancing k when > 0) and
 * adds it to the column sums: the chain's saturating adds in row order,
 * plain here since a column sum is at most n <= 65535 (no saturation).
 * `masked`: some column is recently registered (else no entry is
 * skipped). Returns false when F3 fails.
 */
static inline __attribute__((always_inline)) bool
ema_row_yuma3_m(struct dn_epoch *ws, const struct run *u, uint32_t i, dn_i32f32 alpha, bool masked)
{
	const struct dn_sparse *w = &ws->w;
	uint32_t b = w->start[i], m = w->start[i + 1] - b;
	const uint32_t *restrict col = w->col + b;
	const dn_i32f32 *restrict wb = ws->rval;
	const struct dn_row16 *row = &u->m->bonds[i];
	const uint16_t *restrict buid = row->uid, *restrict bval = row->val;
	const bool *restrict recent = ws->recent;
	struct dn_sparse *ema = &ws->ema;
	uint32_t *restrict ecol = ema->col;
	dn_i32f32 *restrict eval = ema->val, *restrict csum = ws->csum;
	dn_i32f32 oma = ONE - alpha;
	uint32_t len = row->len, k = ema->start[i], bad = 0, next = 0, q = 0, e = 0;
	if (masked)
		e = bond_kept(buid, recent, 0, len);
	while (q < m || e < len) {
		uint32_t j = q < m ? col[q] : UINT32_MAX, jb = e < len ? buid[e] : UINT32_MAX;
		uint32_t c = j < jb ? j : jb;
		dn_i32f32 acc = 0;
		if (j == c)
			acc = mul_le1(alpha, wb[q++]);
		if (jb == c) {
			acc += mul_le1(oma, u16_proportion(bval[e]));
			bad |= jb < next;
			e = masked ? bond_kept(buid, recent, e + 1, len) : e + 1;
		}
		next = c + 1;
		ecol[k] = c;
		eval[k] = acc;
		k += acc > 0;
		csum[c] += acc;
	}
	ema->start[i + 1] = k;
	return bad == 0;
}

static bool ema_row_yuma3(struct dn_epoch *ws, const struct run *u, uint32_t i, dn_i32f32 alpha,
			  bool masked)
{
	return masked ? ema_row_yuma3_m(ws, u, i, alpha, true)
		      : ema_row_yuma3_m(ws, u, i, alpha, false);
}

/*
 * The same EMA row by the chain's other method, the dense accumulator
 * (what mat_ema_sparse does for rows not in column order), for rows whose
 * two rows together have at least n entries: the EMA row is kept dense,
 * all n columns, at ema->val[ema->start[i]...] (ws->rdense[i]; a zero
 * there is no entry). clip_row_wb put alpha wb at the weights-for-bonds
 * columns; here the bonds row adds (1 - alpha) b at its columns (a
 * repeated column adds up, as in the chain). Every addition also goes to
 * the column sums: no sum saturates (see sparse_fused), so the order of
 * the additions does not matter, and the zeros add nothing.
 */
static inline __attribute__((always_inline)) void
ema_row_dense_m(struct dn_epoch *ws, const struct run *u, uint32_t i, dn_i32f32 alpha,
		dn_i32f32 *restrict erow, bool masked)
{
	const struct dn_row16 *row = &u->m->bonds[i];
	const uint16_t *restrict buid = row->uid, *restrict bval = row->val;
	const bool *restrict recent = ws->recent;
	dn_i32f32 *restrict csum = ws->csum, oma = ONE - alpha;
#pragma GCC unroll 2
	for (uint32_t e = 0; e < row->len; e++) {
		uint32_t jb = buid[e];
		dn_i32f32 b = mul_le1(oma, u16_proportion(bval[e]));
		if (masked)
			b = recent[jb] ? 0 : b;
		erow[jb] += b;
		csum[jb] += b;
	}
}

#ifdef EPOCH_AVX2
/*
 * clip_row_wb's dense loop (modes W and clipped) on AVX2: where four
 * entries have four consecutive columns (under F1 the columns increase,
 * so col[q + 3] = col[q] + 3 says so), they go as one step, reading and
 * writing cons, ranks, erow and csum at those columns; other entries one
 * at a time as in the scalar loop. Needs s < 2^32 and alpha < 2^32 (for
 * mul_le1_x4). Returns the trust.
 */
__attribute__((target("avx2"))) static uint64_t
clip_dense_avx2(const uint32_t *restrict col, const dn_i32f32 *restrict val, uint32_t m,
		const dn_i32f32 *restrict cons, dn_i32f32 *restrict ranks, dn_i32f32 *restrict erow,
		dn_i32f32 *restrict csum, dn_i32f32 s, dn_i32f32 alpha, bool clipped)
{
	const __m256i vs = _mm256_set1_epi64x(s), va = _mm256_set1_epi64x(alpha);
	__m256i tr = _mm256_setzero_si256();
	uint64_t trust = 0;
	uint32_t q = 0;
	while (q < m) {
		uint32_t j = col[q];
		if (q + 4 <= m && col[q + 3] - j == 3) {
			__m256i x = _mm256_loadu_si256((const __m256i *)(val + q));
			__m256i th = _mm256_loadu_si256((const __m256i *)(cons + j));
			__m256i y = _mm256_blendv_epi8(x, th, _mm256_cmpgt_epi64(x, th));
			tr = _mm256_add_epi64(tr, y);
			__m256i *pr = (__m256i *)(ranks + j), *pc = (__m256i *)(csum + j);
			_mm256_storeu_si256(
				pr, _mm256_add_epi64(_mm256_loadu_si256(pr), mul_le1_x4(vs, y)));
			__m256i a = mul_le1_x4(va, clipped ? y : x);
			_mm256_storeu_si256((__m256i *)(erow + j), a);
			_mm256_storeu_si256(pc, _mm256_add_epi64(_mm256_loadu_si256(pc), a));
			q += 4;
			continue;
		}
		dn_i32f32 x = val[q], th = cons[j];
		dn_i32f32 y = x < th ? x : th;
		trust += (uint64_t)y;
		ranks[j] += mul_le1(s, y);
		dn_i32f32 a = mul_le1(alpha, clipped ? y : x);
		erow[j] = a;
		csum[j] += a;
		q++;
	}
	return trust + (uint64_t)hsum_x4(tr);
}

/*
 * ema_row_dense_m's loop without the mask on AVX2: four bonds entries with
 * the columns j, j + 1, j + 2, j + 3 (checked as one 64-bit compare of the
 * four u16) go as one step; others one at a time. u16_proportion(v) =
 * v 65537 + (v == 65535) is a 32 x 32-bit product plus 1 for 65535. Needs
 * oma = 1 - alpha < 2^32.
 */
__attribute__((target("avx2"))) static void
bonds_dense_avx2(const uint16_t *restrict buid, const uint16_t *restrict bval, uint32_t len,
		 dn_i32f32 oma, dn_i32f32 *restrict erow, dn_i32f32 *restrict csum)
{
	const __m256i vo = _mm256_set1_epi64x(oma), k65537 = _mm256_set1_epi64x(65537);
	const __m256i kmax = _mm256_set1_epi64x(65535);
	uint32_t e = 0;
	while (e < len) {
		uint32_t j = buid[e];
		uint64_t w;
		if (e + 4 <= len) {
			memcpy(&w, buid + e, sizeof(w));
			if (w == j * 0x0001000100010001ull + 0x0003000200010000ull) {
				__m256i v = _mm256_cvtepu16_epi64(
					_mm_loadl_epi64((const __m128i *)(bval + e)));
				__m256i prop = _mm256_add_epi64(
					_mm256_mul_epu32(v, k65537),
					_mm256_srli_epi64(_mm256_cmpeq_epi64(v, kmax), 63));
				__m256i b = mul_le1_x4(vo, prop);
				__m256i *pe = (__m256i *)(erow + j), *pc = (__m256i *)(csum + j);
				_mm256_storeu_si256(pe,
						    _mm256_add_epi64(_mm256_loadu_si256(pe), b));
				_mm256_storeu_si256(pc,
						    _mm256_add_epi64(_mm256_loadu_si256(pc), b));
				e += 4;
				continue;
			}
		}
		dn_i32f32 b = mul_le1(oma, u16_proportion(bval[e]));
		erow[j] += b;
		csum[j] += b;
		e++;
	}
}
#endif

/* clip_row_wb then ema_row_dense_m, or clip_row_wb for the merge, with
 * the mode and the mask as constants. */
static inline __attribute__((always_inline)) void
yuma3_row_m(struct dn_epoch *ws, const struct run *u, uint32_t i, enum wb_mode mode,
	    dn_i32f32 ratio, dn_i32f32 alpha, dn_i32f32 *erow, bool masked)
{
#ifdef EPOCH_AVX2
	dn_i32f32 s = u->r->active_stake[i];
	if (erow && ws->vector && mode != WB_INTERPOLATE && s < ONE && alpha > 0 && alpha < ONE) {
		const struct dn_sparse *w = &ws->w;
		uint32_t b = w->start[i], m = w->start[i + 1] - b;
		u->r->validator_trust_fx[i] = (dn_i32f32)clip_dense_avx2(
			w->col + b, w->val + b, m, u->r->consensus_fx, u->r->incentive_fx, erow,
			ws->csum, s, alpha, mode == WB_CLIPPED);
		const struct dn_row16 *row = &u->m->bonds[i];
		if (masked)
			ema_row_dense_m(ws, u, i, alpha, erow, true);
		else
			bonds_dense_avx2(row->uid, row->val, row->len, ONE - alpha, erow, ws->csum);
		return;
	}
#endif
	clip_row_wb(ws, u, i, mode, ratio, alpha, erow);
	if (erow)
		ema_row_dense_m(ws, u, i, alpha, erow, masked);
}

/* Row i of the Yuma3 bonds without liquid alpha: clip_row_wb, then the
 * EMA row by the dense accumulator when the two rows have at least n
 * entries together (then the dense row takes no more room than they do),
 * else by the merge (which needs F3). Returns false when F3 fails. */
static bool yuma3_row(struct dn_epoch *ws, const struct run *u, uint32_t i, enum wb_mode mode,
		      dn_i32f32 ratio, dn_i32f32 alpha, bool masked)
{
	struct dn_sparse *ema = &ws->ema;
	uint32_t m = ws->w.start[i + 1] - ws->w.start[i], n = u->n;
	ws->rdense[i] = (uint64_t)m + u->m->bonds[i].len >= n;
	if (!ws->rdense[i]) {
		switch (mode) {
		case WB_WEIGHTS: yuma3_row_m(ws, u, i, WB_WEIGHTS, 0, alpha, NULL, false); break;
		case WB_CLIPPED: yuma3_row_m(ws, u, i, WB_CLIPPED, 0, alpha, NULL, false); break;
		default: yuma3_row_m(ws, u, i, WB_INTERPOLATE, ratio, alpha, NULL, false); break;
		}
		return ema_row_yuma3(ws, u, i, alpha, masked);
	}
	dn_i32f32 *erow = ema->val + ema->start[i];
	memset(erow, 0, sizeof(dn_i32f32) * n);
	if (masked) {
		switch (mode) {
		case WB_WEIGHTS: yuma3_row_m(ws, u, i, WB_WEIGHTS, 0, alpha, erow, true); break;
		case WB_CLIPPED: yuma3_row_m(ws, u, i, WB_CLIPPED, 0, alpha, erow, true); break;
		default: yuma3_row_m(ws, u, i, WB_INTERPOLATE, ratio, alpha, erow, true); break;
		}
	} else {
		switch (mode) {
		case WB_WEIGHTS: yuma3_row_m(ws, u, i, WB_WEIGHTS, 0, alpha, erow, false); break;
		case WB_CLIPPED: yuma3_row_m(ws, u, i, WB_CLIPPED, 0, alpha, erow, false); break;
		default: yuma3_row_m(ws, u, i, WB_INTERPOLATE, ratio, alpha, erow, false); break;
		}
	}
	ema->start[i + 1] = ema->start[i] + n;
	return true;
}

/* A small direct-mapped memo of dn_mx_liquid_rate (it costs an exp); the
 * same function as mathx.c's liquid alpha memo. */
static dn_i32f32 memo_rate(struct dn_epoch *ws, dn_i32f32 diff, const struct dn_mx_liquid *p)
{
	uint64_t h = ((uint64_t)diff * 0x9e3779b97f4a7c15ull) >> (64 - MEMO_BITS);
	if (ws->memo_used[h] && ws->memo_key[h] == diff)
		return ws->memo_val[h];
	ws->memo_used[h] = true;
	ws->memo_key[h] = diff;
	ws->memo_val[h] = dn_mx_liquid_rate(diff, p);
	return ws->memo_val[h];
}

/*
 * Yuma3 with liquid alpha, row i: the bonds row as above,
 * compute_liquid_alpha_values_sparse and mat_ema_alpha_sparse. The rate of
 * (i, j) is alpha_sigmoid(C_j, wb, b) with wb and b looked up by the
 * chain's forward walks, which on rows in column order (F1, F3) find
 * exactly the entry of column j or read 0. mat_ema_alpha_sparse only emits
 * columns of the weights-for-bonds row (a bond without one vanishes), each
 * min(1, (1 - a) b + max(0, a wb)) with (1 - a) b = 0 when there is no
 * bond; so the rates are only needed there, and the bonds row is only
 * looked up by column (and checked for F3).
 */
static bool ema_row_liquid(struct dn_epoch *ws, const struct run *u, uint32_t i, uint32_t nb,
			   const struct dn_mx_liquid *lq, dn_i32f32 rate0, uint32_t *bk)
{
	const struct dn_row16 *row = &u->m->bonds[i];
	const uint16_t *restrict buid = row->uid, *restrict bval = row->val;
	const bool *restrict recent = ws->recent;
	const uint32_t *restrict rcol = ws->rcol;
	const dn_i32f32 *restrict cons = u->r->consensus_fx;
	dn_i32f32 *restrict bd = ws->dbond, *restrict rv = ws->rval;
	uint32_t len = row->len, next = 0, bad = 0;
	/* the kept bonds by column (ws->dbond is all zero between rows); in
	 * column order (F3) each column has at most one */
	for (uint32_t e = 0; e < len; e++) {
		uint32_t jb = buid[e];
		if (recent[jb])
			continue;
		bad |= jb < next;
		next = jb + 1;
		bd[jb] = u16_proportion(bval[e]);
	}
	/* alpha_sigmoid's difference and the EMA, all terms in [0, 1]: the
	 * saturating subtractions are exact and clamping to [0, 1] is max(.,
	 * 0); (1 - a) b + a w is at most 1 + 1. No bond reads 0, as in the
	 * chain's walk, and its (1 - a) * 0 is 0. The rate of difference 0
	 * (the usual one) is rate0; the EMA values replace ws->rval's. */
	for (uint32_t pa = 0; pa < nb; pa++) {
		uint32_t j = rcol[pa];
		dn_i32f32 wv = rv[pa], bv = bd[j];
		dn_i32f32 diff = wv >= bv ? wv - cons[j] : bv - wv;
		dn_i32f32 a = diff > 0 ? memo_rate(ws, diff, lq) : rate0;
		dn_i32f32 y = mul_le1(ONE - a, bv) + mul_le1(a, wv);
		rv[pa] = y < ONE ? y : ONE;
	}
	for (uint32_t e = 0; e < len; e++)
		bd[buid[e]] = 0;
	/* the entries > 0 */
	struct dn_sparse *ema = &ws->ema;
	uint32_t *restrict ecol = ema->col;
	dn_i32f32 *restrict eval = ema->val, *restrict csum = ws->csum;
	uint32_t k = ema->start[i];
	for (uint32_t pa = 0; pa < nb; pa++) {
		uint32_t j = rcol[pa];
		dn_i32f32 y = rv[pa];
		ecol[k] = j;
		eval[k] = y;
		k += y > 0;
		csum[j] += y;
	}
	if (u->r->new_permit[i]) {
		uint16_t *restrict su = u->r->bond_uid, *restrict sv = u->r->bond_val;
		uint32_t o = *bk;
		for (uint32_t q = ema->start[i]; q < k; q++) {
			su[o] = (uint16_t)ecol[q];
			sv[o++] = to_u16_le1(eval[q]);
		}
		*bk = o;
	}
	ema->start[i + 1] = k;
	return bad == 0;
}

#ifdef EPOCH_AVX2
/*
 * dividends_yuma3's dense-row sum on AVX2, four columns per step. A step
 * whose four entries are all below their column's limit (2^31, or 0 when
 * the column sum is < 2) divides as qdiv_do: the high word of (e 2^32) m is
 * e mh + floor(e ml / 2^32) for m = mh 2^32 + ml, two 32 x 32-bit
 * products, then the column's shift. Then mul_le1(q, I_j) with both in
 * [0, 1]: floor(ql Il / 2^32) + qh Il + (I_j = 1 ? q : 0). Other steps go
 * through qdiv_do. The sum wraps, in any order.
 */
__attribute__((target("avx2"))) static uint64_t dividends_dense_avx2(const dn_i32f32 *restrict row,
								     uint32_t n,
								     const struct dn_epoch *ws,
								     const dn_i32f32 *restrict inc)
{
	const uint64_t *restrict mag = ws->vmag, *restrict sh = ws->vsh, *restrict ihm = ws->vihm;
	const int64_t *restrict lim = ws->vlim;
	__m256i acc = _mm256_setzero_si256();
	uint64_t sum = 0;
	uint32_t j = 0;
	for (; j + 4 <= n; j += 4) {
		__m256i e = _mm256_loadu_si256((const __m256i *)(row + j));
		__m256i ok = _mm256_cmpgt_epi64(_mm256_loadu_si256((const __m256i *)(lim + j)), e);
		if (_mm256_movemask_epi8(ok) != -1) {
			for (uint32_t c = j; c < j + 4; c++)
				sum += (uint64_t)mul_le1(qdiv_do(&ws->cq[c], row[c]), inc[c]);
			continue;
		}
		__m256i m = _mm256_loadu_si256((const __m256i *)(mag + j));
		__m256i q = _mm256_add_epi64(_mm256_srli_epi64(_mm256_mul_epu32(e, m), 32),
					     _mm256_mul_epu32(e, _mm256_srli_epi64(m, 32)));
		q = _mm256_srlv_epi64(q, _mm256_loadu_si256((const __m256i *)(sh + j)));
		__m256i in = _mm256_loadu_si256((const __m256i *)(inc + j));
		__m256i p = _mm256_add_epi64(_mm256_srli_epi64(_mm256_mul_epu32(q, in), 32),
					     _mm256_mul_epu32(_mm256_srli_epi64(q, 32), in));
		p = _mm256_add_epi64(
			p, _mm256_and_si256(q, _mm256_loadu_si256((const __m256i *)(ihm + j))));
		acc = _mm256_add_epi64(acc, p);
	}
	for (; j < n; j++)
		sum += (uint64_t)mul_le1(qdiv_do(&ws->cq[j], row[j]), inc[j]);
	return sum + (uint64_t)hsum_x4(acc);
}
#endif

#ifdef EPOCH_AVX2
/*
 * The stored bonds row of a dense EMA row on AVX2 (the scalar loop in
 * dividends_yuma3): four columns whose four values are all > 0 are four
 * entries, their u16 = to_u16_le1(min(x, 1)) = mul_le1(65535, min(x, 1))
 * on four lanes, packed; other steps one column at a time. Returns the
 * number of entries written at su / sv.
 */
__attribute__((target("avx2"))) static uint32_t store_dense_avx2(const dn_i32f32 *restrict row,
								 uint32_t n, uint16_t *restrict su,
								 uint16_t *restrict sv)
{
	const __m256i one = _mm256_set1_epi64x(ONE), k65535 = _mm256_set1_epi64x(65535);
	const __m256i zero = _mm256_setzero_si256();
	const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
	uint32_t o = 0, j = 0;
	for (; j + 4 <= n; j += 4) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(row + j));
		if (_mm256_movemask_epi8(_mm256_cmpgt_epi64(x, zero)) == -1) {
			__m256i xc = _mm256_blendv_epi8(x, one, _mm256_cmpgt_epi64(x, one));
			__m256i v = _mm256_permutevar8x32_epi32(mul_le1_x4(k65535, xc), even);
			__m128i lo = _mm256_castsi256_si128(v);
			uint64_t ids = j * 0x0001000100010001ull + 0x0003000200010000ull;
			memcpy(su + o, &ids, sizeof(ids));
			_mm_storel_epi64((__m128i *)(sv + o), _mm_packus_epi32(lo, lo));
			o += 4;
			continue;
		}
		for (uint32_t c = j; c < j + 4; c++) {
			dn_i32f32 y = row[c];
			su[o] = (uint16_t)c;
			sv[o] = to_u16_le1(y < ONE ? y : ONE);
			o += y > 0;
		}
	}
	for (; j < n; j++) {
		dn_i32f32 y = row[j];
		su[o] = (uint16_t)j;
		sv[o] = to_u16_le1(y < ONE ? y : ONE);
		o += y > 0;
	}
	return o;
}
#endif

/*
 * Yuma3 dividends: inplace_col_normalize_sparse(copy of the EMA),
 * mat_vec_mul_sparse by the incentive and row_sum_sparse, in one pass:
 * T_i = wrapping sum over row i of sat_mul(e / csum_j, I_j) (the products
 * mat_vec_mul_sparse drops are 0 and do not change the sum). A column
 * with entries has a sum > 0 (entries are > 0), so every entry is
 * divided; a zero of a dense row is no entry and adds nothing (0 / b = 0,
 * also for b = 0 where safe_div gives 0 and the chain has nothing to
 * divide). Then vec_mul with the active stake (checked_mul) and
 * inplace_normalize. `out`: also write the stored bonds rows of the new
 * permits (fixed_proportion_to_u16 of the EMA entries; a dense row's
 * zeros are no entries, and its entries can pass 1 when a bonds row
 * repeats a column, while the merged rows' cannot: for x >= 1 the stored
 * value is 65535, which is also that of 1).
 */
static void dividends_yuma3(struct dn_epoch *ws, const struct run *u, bool out)
{
	const struct dn_sparse *ema = &ws->ema;
	const uint32_t *restrict col = ema->col;
	const dn_i32f32 *restrict val = ema->val;
	struct qdiv *restrict cq = ws->cq;
	const dn_i32f32 *restrict inc = u->r->incentive_fx;
	dn_i32f32 *restrict t = ws->t;
	struct dn_epoch_result *r = u->r;
	uint16_t *restrict su = r->bond_uid, *restrict sv = r->bond_val;
	uint32_t n = u->n, o = 0;
	for (uint32_t j = 0; j < n; j++) {
		qdiv_init(&cq[j], ws->csum[j]);
		ws->vmag[j] = cq[j].u.magic;
		ws->vsh[j] = cq[j].u.shift;
		ws->vlim[j] = (int64_t)cq[j].lim;
		ws->vihm[j] = inc[j] == ONE ? UINT64_MAX : 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t sum = 0;
		uint32_t b = ema->start[i], e = ema->start[i + 1];
		bool store = out && r->new_permit[i];
		if (out)
			r->bond_start[i] = o;
#ifdef EPOCH_AVX2
		if (ws->rdense[i] && ws->vector) {
			const dn_i32f32 *restrict row = val + b;
			sum = dividends_dense_avx2(row, n, ws, inc);
			if (store)
				o += store_dense_avx2(row, n, su + o, sv + o);
			t[i] = (dn_i32f32)sum;
			continue;
		}
#endif
		if (ws->rdense[i]) {
			const dn_i32f32 *restrict row = val + b;
			if (store) {
#pragma GCC unroll 2
				for (uint32_t j = 0; j < n; j++) {
					dn_i32f32 x = row[j];
					sum += (uint64_t)mul_le1(qdiv_do(&cq[j], x), inc[j]);
					su[o] = (uint16_t)j;
					sv[o] = to_u16_le1(x < ONE ? x : ONE);
					o += x > 0;
				}
			} else {
#pragma GCC unroll 2
				for (uint32_t j = 0; j < n; j++)
					sum += (uint64_t)mul_le1(qdiv_do(&cq[j], row[j]), inc[j]);
			}
		} else {
			for (uint32_t q = b; q < e; q++)
				sum += (uint64_t)mul_le1(qdiv_do(&cq[col[q]], val[q]), inc[col[q]]);
			if (store)
				for (uint32_t q = b; q < e; q++) {
					su[o] = (uint16_t)col[q];
					sv[o++] = to_u16_le1(val[q]);
				}
		}
		t[i] = (dn_i32f32)sum;
	}
	if (out)
		r->bond_start[n] = o;
	dn_mx_vec_mul(ws->t, n, u->r->active_stake, n, u->r->dividends_fx);
	dn_mx_inplace_normalize(u->r->dividends_fx, n);
}

/* ---- classic ------------------------------------------------------------ */

/*
 * get_bonds_sparse (u16 as integer I32F32), the recently-registered mask
 * and the column sums of inplace_col_normalize_sparse, in one pass over
 * the stored rows; checks F3. The bonds are v 2^32 with v a u16, so a
 * column's saturating sum (rows in order) is V 2^32 with V the u16 sum
 * while V < 2^31, and clamps at MAX (never to come down: the entries are
 * >= 0) otherwise. Normalising an entry is then safe_div(v 2^32, V 2^32)
 * = floor(v 2^32 / V), kept in ws->cq2 as an invariant division by V
 * (lim != 0 marks it; b is the chain's column sum).
 */
static bool classic_bond_sums(struct dn_epoch *ws, const struct run *u)
{
	uint32_t n = u->n;
	bool good = true;
	uint64_t *sum = ws->vsum;
	memset(sum, 0, sizeof(uint64_t) * n);
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_row16 *row = &u->m->bonds[i];
		int64_t prev = -1;
		for (uint32_t e = 0; e < row->len; e++) {
			uint32_t j = row->uid[e];
			if (ws->recent[j])
				continue;
			good &= (int64_t)j > prev;
			prev = j;
			sum[j] += row->val[e];
		}
	}
	for (uint32_t j = 0; j < n; j++) {
		struct qdiv *q = &ws->cq2[j];
		q->b = sum[j] >= ((uint64_t)1 << 31) ? DN_FX_MAX : (dn_i32f32)(sum[j] << 32);
		q->lim = sum[j] >= 2 && sum[j] < ((uint64_t)1 << 31);
		if (q->lim)
			dn_mx_udiv_init(&q->u, sum[j]);
	}
	return good;
}

/* A classic bond entry v normalised by its column (see classic_bond_sums):
 * floor(v 2^32 / V) for 2 <= V < 2^31; for V <= 1 or the clamped sum the
 * chain's safe_div, which for a sum of 0 (then v = 0) also gives 0 = v. */
static inline dn_i32f32 bond_norm(const struct qdiv *q, uint16_t v)
{
	if (q->lim)
		return (dn_i32f32)dn_mx_udiv(&q->u, (uint64_t)v << 32);
	return dn_fx_safe_div((dn_i32f32)((uint64_t)v << 32), q->b);
}

/* Classic, row i: clip_row_wb's values (the weights-for-bonds value per
 * weights entry, 0 where weights_for_bonds has none: in classic Yuma a zero
 * delta entry and an absent one give the same EMA, alpha * 0 = 0, and add
 * nothing to the column sums), then the bonds delta row_hadamard_sparse
 * (weights for bonds, active stake) into ws->x and its column sums into
 * ws->csum (rows in order; the values are in [0, 1], so no sum of them
 * saturates, see sparse_fused). */
static void delta_row_classic(struct dn_epoch *ws, const struct run *u, uint32_t i,
			      enum wb_mode mode, dn_i32f32 ratio)
{
	switch (mode) {
	case WB_WEIGHTS: clip_row_wb(ws, u, i, WB_WEIGHTS, 0, 0, NULL); break;
	case WB_CLIPPED: clip_row_wb(ws, u, i, WB_CLIPPED, 0, 0, NULL); break;
	default: clip_row_wb(ws, u, i, WB_INTERPOLATE, ratio, 0, NULL); break;
	}
	const struct dn_sparse *w = &ws->w;
	struct dn_sparse *x = &ws->x;
	uint32_t b = w->start[i], m = w->start[i + 1] - b, k = x->start[i];
	const uint32_t *restrict col = w->col + b;
	const dn_i32f32 *restrict wb = ws->rval;
	uint32_t *restrict xcol = x->col;
	dn_i32f32 *restrict xval = x->val, *restrict csum = ws->csum, s = u->r->active_stake[i];
	for (uint32_t q = 0; q < m; q++) {
		dn_i32f32 d = mul_le1(wb[q], s);
		xcol[k + q] = col[q];
		xval[k + q] = d;
		csum[col[q]] += d;
	}
	x->start[i + 1] = k + m;
}

/*
 * Classic EMA: inplace_col_normalize_sparse of the delta (ws->csum) and of
 * the bonds (ws->cq2), then mat_ema_sparse: alpha d + (1 - alpha) b over
 * the union of the two rows, emitted when > 0, in column order (merge of
 * rows in column order: F1 for the delta, which has the columns of the
 * weights row, F3 for the bonds, checked by classic_bond_sums), and the
 * EMA column sums into ws->csum2. A delta column with sum 0 has only zero
 * entries, which safe_div(0, 0) = 0 leaves as they are. Normalised values
 * are in [0, 1] and alpha + (1 - alpha) = 1: the sums do not saturate.
 */
static void ema_classic(struct dn_epoch *ws, const struct run *u, dn_i32f32 alpha)
{
	const struct dn_sparse *x = &ws->x;
	struct dn_sparse *ema = &ws->ema;
	const uint32_t *restrict xcol = x->col;
	const dn_i32f32 *restrict xval = x->val;
	const bool *restrict recent = ws->recent;
	const struct qdiv *restrict cq = ws->cq, *restrict cq2 = ws->cq2;
	uint32_t *restrict ecol = ema->col;
	dn_i32f32 *restrict eval = ema->val, *restrict csum2 = ws->csum2, oma = ONE - alpha;
	uint32_t n = u->n, k = 0;
	for (uint32_t j = 0; j < n; j++)
		qdiv_init(&ws->cq[j], ws->csum[j]);
	memset(ws->csum2, 0, sizeof(dn_i32f32) * n);
	for (uint32_t i = 0; i < n; i++) {
		const struct dn_row16 *row = &u->m->bonds[i];
		const uint16_t *restrict buid = row->uid, *restrict bval = row->val;
		uint32_t pa = x->start[i], ea = x->start[i + 1], len = row->len;
		uint32_t e = bond_kept(buid, recent, 0, len);
		ema->start[i] = k;
		while (pa < ea || e < len) {
			uint32_t j = pa < ea ? xcol[pa] : UINT32_MAX,
				 jb = e < len ? buid[e] : UINT32_MAX;
			uint32_t c = j < jb ? j : jb;
			dn_i32f32 acc = 0;
			if (j == c)
				acc = mul_le1(alpha, qdiv_do(&cq[c], xval[pa++]));
			if (jb == c) {
				acc += mul_le1(oma, bond_norm(&cq2[c], bval[e]));
				e = bond_kept(buid, recent, e + 1, len);
			}
			ecol[k] = c;
			eval[k] = acc;
			k += acc > 0;
			csum2[c] += acc;
		}
	}
	ema->start[n] = k;
	ema->rows = n;
	ema->cols = n;
}

/*
 * Classic dividends and bonds output: inplace_col_normalize_sparse of the
 * EMA (ws->csum2: every column with entries has a sum > 0), then
 * matmul_transpose_sparse by the incentive (row order; a row sum of
 * products in [0, 1] does not saturate) and the column max of
 * inplace_col_max_upscale_sparse in the same pass; then the upscale and
 * fixed_proportion_to_u16 of the rows that are stored (new permits; the
 * other rows' upscaled values are never used). Every value is in [0, 1].
 */
static void dividends_classic(struct dn_epoch *ws, const struct run *u)
{
	struct dn_sparse *ema = &ws->ema;
	struct dn_epoch_result *r = u->r;
	const uint32_t *restrict ecol = ema->col;
	dn_i32f32 *restrict eval = ema->val, *restrict cmax = ws->csum;
	const dn_i32f32 *restrict inc = r->incentive_fx;
	const struct qdiv *restrict cq = ws->cq;
	uint32_t n = u->n;
	for (uint32_t j = 0; j < n; j++) {
		qdiv_init(&ws->cq[j], ws->csum2[j]);
		ws->csum[j] = 0; /* the column max */
	}
	for (uint32_t i = 0; i < n; i++) {
		dn_i32f32 d = 0;
		for (uint32_t q = ema->start[i]; q < ema->start[i + 1]; q++) {
			uint32_t j = ecol[q];
			dn_i32f32 e = qdiv_do(&cq[j], eval[q]);
			eval[q] = e;
			d += mul_le1(inc[j], e);
			cmax[j] = e > cmax[j] ? e : cmax[j];
		}
		r->dividends_fx[i] = d;
	}
	dn_mx_inplace_normalize(r->dividends_fx, n);
	for (uint32_t j = 0; j < n; j++)
		qdiv_init(&ws->cq[j], ws->csum[j]);
	uint16_t *restrict su = r->bond_uid, *restrict sv = r->bond_val;
	uint32_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		r->bond_start[i] = o;
		r->bond_write[i] = true;
		if (!r->new_permit[i])
			continue;
		for (uint32_t q = ema->start[i]; q < ema->start[i + 1]; q++) {
			uint32_t j = ecol[q];
			dn_i32f32 e = eval[q];
			if (cmax[j] != 0)
				e = qdiv_do(&cq[j], e);
			su[o] = (uint16_t)j;
			sv[o++] = to_u16_le1(e);
		}
	}
	r->bond_start[n] = o;
}

/* ---- the fused epoch ---------------------------------------------------- */

/* epoch_mechanism from the weights to the bonds output, fused; FALLBACK
 * when F1, F2 or F3 fails (nothing of the result is final then). */
static int sparse_fused(struct dn_epoch *ws, const struct run *u)
{
	struct dn_epoch_result *r = u->r;
	const struct dn_epoch_params *p = u->p;
	uint32_t n = u->n;
	dn_i32f32 kappa = dn_mx_u16_ratio(p->kappa);

	struct med md = {0};
	median_prepare(ws, u, kappa, &md);
	if (!fused_load_weights(ws, u, &md))
		return FALLBACK;
	if (md.dense)
		fused_consensus(ws, u, &md);
	else
		TRY(dn_mx_weighted_median_col_sparse(r->active_stake, n, &ws->w, kappa,
						     r->consensus_fx, &ws->arena));

	dn_i32f32 penalty = dn_mx_u16_ratio(p->bonds_penalty);
	enum wb_mode mode = penalty == 0     ? WB_WEIGHTS
			    : penalty == ONE ? WB_CLIPPED
					     : WB_INTERPOLATE;
	uint64_t lt = last_tempo(u);
	bool masked = false;
	for (uint32_t j = 0; j < n; j++) {
		ws->recent[j] = lt <= u->in->block_at_registration[j];
		masked |= ws->recent[j];
		ws->csum[j] = 0;
	}
	memset(r->incentive_fx, 0, sizeof(dn_i32f32) * n);
	dn_i32f32 alpha = dn_mx_ema_alpha_from_bma(p->bonds_moving_average);

	if (alpha < 0 || alpha > ONE)
		return FALLBACK; /* bonds_moving_average > 10^6: not in [0, 1] */
	/* with fewer than 2^30 entries, a sum of entries in [0, 1] stays below
	 * 2^62: the chain's saturating sums never saturate */
	uint64_t entries = ws->w.start[n];
	for (uint32_t i = 0; i < n; i++)
		entries += u->m->bonds[i].len;
	if (entries >= ((uint64_t)1 << 30))
		return FALLBACK;

	if (p->yuma3) {
		bool liquid = use_liquid(u), good = true;
		struct dn_mx_liquid lq = liquid_params(p);
		dn_i32f32 rate0 = liquid ? dn_mx_liquid_rate(0, &lq) : 0;
		if (liquid) {
			memset(ws->memo_used, 0, sizeof(ws->memo_used));
			memset(ws->dbond, 0, sizeof(dn_i32f32) * n);
		}
		uint32_t bk = 0;
		ws->ema.start[0] = 0;
		for (uint32_t i = 0; i < n && good; i++) {
			r->bond_start[i] = bk;
			r->bond_write[i] = true;
			if (liquid) {
				ws->rdense[i] = false;
				uint32_t nb = clip_row(ws, u, i, mode, penalty);
				good = ema_row_liquid(ws, u, i, nb, &lq, rate0, &bk);
			} else {
				good = yuma3_row(ws, u, i, mode, penalty, alpha, masked);
			}
		}
		if (!good)
			return FALLBACK;
		r->bond_start[n] = bk;
		ws->ema.rows = n;
		ws->ema.cols = n;
		dn_mx_inplace_normalize(r->incentive_fx, n);
		dividends_yuma3(ws, u, !liquid);
	} else {
		if (!classic_bond_sums(ws, u))
			return FALLBACK;
		ws->x.start[0] = 0;
		for (uint32_t i = 0; i < n; i++)
			delta_row_classic(ws, u, i, mode, penalty);
		ws->x.rows = n;
		ws->x.cols = n;
		dn_mx_inplace_normalize(r->incentive_fx, n);
		ema_classic(ws, u, alpha);
		dividends_classic(ws, u);
	}
	return 0;
}

static int epoch_sparse(struct dn_epoch *ws, const struct run *u)
{
	step_activity(ws, u);
	step_stake(ws, u, true);
	TRY(step_permits(ws, u, true));
	step_active_stake(ws, u);
	int rc = sparse_fused(ws, u);
	if (rc == FALLBACK)
		rc = sparse_general(ws, u);
	if (rc != 0)
		return rc;
	step_emission(ws, u);
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
	nd.kmax = in->n ? max_participants(params, in) : 0;
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
	nd.kmax = in->n ? max_participants(params, in) : 0;
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* subtensor run_epoch.rs is_epoch_input_state_consistent */
bool dn_epoch_hotkeys_consistent(const void *keys, size_t n, size_t key_size)
{
	const unsigned char *k = keys;
	if (key_size == 0)
		return n <= 1;
	if (key_size == sizeof(uint32_t) && n > 16) {
		/* account indices (the chain asks every due subnet each block):
		 * sorted, a duplicate sits next to its twin; O(n log n) */
		uint32_t *v = xreallocarray(NULL, n, sizeof(uint32_t));
		memcpy(v, keys, n * sizeof(uint32_t));
		qsort(v, n, sizeof(uint32_t), cmp_u32);
		bool ok = true;
		for (size_t i = 1; i < n && ok; i++)
			ok = v[i] != v[i - 1];
		free(v);
		return ok;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (memcmp(k + i * key_size, k + j * key_size, key_size) == 0)
				return false;
	return true;
}
