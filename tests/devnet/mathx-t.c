/*
 * devnet/mathx: what the reference vectors do not pin down. Degenerate
 * shapes, zero sums, overflow, ties, unsorted and duplicated sparse entries,
 * columns past `cols`, capacity and arena exhaustion; then differential
 * checks on random inputs from a fixed-seed xorshift generator: every sparse
 * function against its dense twin (sorted and shuffled rows), the fast
 * weighted median and top-k against straight ports of the chain's code, and
 * the fast divisions (invariant-divisor I32F32, long-division I64F64)
 * against fixed.h's safe_div.
 */
#include "devnet/mathx.h"
#include "devnet/xalloc.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>

#define FX(x) ((dn_i32f32)(x)*DN_FX_ONE)
#define HALF ((dn_i32f32)1 << 31)

/* ---- test scaffolding ---------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd_below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rnd(r) % n) : 0; }

/* a non-negative fixed value in [0, 1] (half of them 0 when sparse) */
static dn_i32f32 rnd_share(struct rng *r, bool sparse)
{
	if (sparse && rnd(r) % 2)
		return 0;
	switch (rnd(r) % 4) {
	case 0: return (dn_i32f32)(rnd(r) % 8) << 29; /* coarse: many ties */
	default: return (dn_i32f32)(rnd(r) % ((uint64_t)DN_FX_ONE + 1));
	}
}

static unsigned char arena_buf[1 << 22];

/* Dense matrix -> sparse with the non-zero entries in column order. */
static void to_sparse(const struct dn_mat *m, struct dn_sparse *s)
{
	dn_sparse_init(s, m->rows, m->cols, m->rows * m->cols + 1);
	dn_sparse_reset(s, m->cols);
	for (uint32_t i = 0; i < m->rows; i++) {
		for (uint32_t j = 0; j < m->cols; j++)
			if (dn_mat_row(m, i)[j] != 0)
				dn_sparse_push(s, j, dn_mat_row(m, i)[j]);
		dn_sparse_end_row(s);
	}
}

/* Sparse -> dense rows x cols (entries with col >= cols ignored, a later
 * duplicate overwrites). */
static void to_dense(const struct dn_sparse *s, uint32_t rows, uint32_t cols, dn_i32f32 *out)
{
	memset(out, 0, sizeof(dn_i32f32) * rows * cols);
	for (uint32_t i = 0; i < s->rows && i < rows; i++)
		for (uint32_t k = s->start[i]; k < s->start[i + 1]; k++)
			if (s->col[k] < cols)
				out[(size_t)i * cols + s->col[k]] = s->val[k];
}

static bool same_vec(const dn_i32f32 *a, const dn_i32f32 *b, size_t n)
{
	return n == 0 || memcmp(a, b, sizeof(dn_i32f32) * n) == 0;
}

/* A dense matrix's content equals a sparse one's (densified). */
static bool same_mat_sparse(const struct dn_mat *d, const struct dn_sparse *s)
{
	dn_i32f32 *t = xmalloc(sizeof(dn_i32f32) * d->rows * d->cols + 1);
	to_dense(s, d->rows, d->cols, t);
	bool ok = s->rows == d->rows && same_vec(t, d->v, (size_t)d->rows * d->cols);
	free(t);
	return ok;
}

/* Shuffle each row's entries (the chain's order is whatever was stored). */
static void shuffle_rows(struct dn_sparse *s, struct rng *r)
{
	for (uint32_t i = 0; i < s->rows; i++) {
		uint32_t b = s->start[i], n = s->start[i + 1] - b;
		for (uint32_t k = n; k > 1; k--) {
			uint32_t q = rnd_below(r, k), c = s->col[b + k - 1];
			dn_i32f32 v = s->val[b + k - 1];
			s->col[b + k - 1] = s->col[b + q];
			s->val[b + k - 1] = s->val[b + q];
			s->col[b + q] = c;
			s->val[b + q] = v;
		}
	}
}

static void rnd_mat(struct rng *r, struct dn_mat *m, uint32_t rows, uint32_t cols, bool sparse)
{
	dn_mat_init(m, rows, cols);
	for (size_t k = 0; k < (size_t)rows * cols; k++)
		m->v[k] = rnd_share(r, sparse);
}

static void build(struct dn_sparse *s, uint32_t rows, uint32_t cols, uint32_t cap,
		  const uint32_t *len, const uint32_t *col, const dn_i32f32 *val)
{
	dn_sparse_init(s, rows, cols, cap);
	dn_sparse_reset(s, cols);
	uint32_t k = 0;
	for (uint32_t i = 0; i < rows; i++) {
		dn_sparse_append_row(s, col ? col + k : NULL, val ? val + k : NULL, len[i]);
		k += len[i];
	}
}

static bool row_is(const struct dn_sparse *s, uint32_t i, uint32_t n, const uint32_t *col,
		   const dn_i32f32 *val)
{
	if (dn_sparse_row_len(s, i) != n)
		return false;
	for (uint32_t k = 0; k < n; k++)
		if (s->col[s->start[i] + k] != col[k] || s->val[s->start[i] + k] != val[k])
			return false;
	return true;
}

/* ---- straight ports of the chain's code, as references ------------------- */

/* math.rs weighted_median, literally (allocating, quadratic worst case). */
static dn_i32f32 ref_median(const dn_i32f32 *stake, const dn_i32f32 *score, const uint32_t *idx,
			    size_t n, dn_i32f32 minority, dn_i32f32 lo, dn_i32f32 hi)
{
	uint32_t *cur = xmalloc(4 * n + 4), *lower = xmalloc(4 * n + 4),
		 *upper = xmalloc(4 * n + 4);
	size_t cnt = n, iter = 0;
	dn_i32f32 res = 0;
	memcpy(cur, idx, 4 * n);
	for (;;) {
		if (cnt == 0) {
			res = 0;
			break;
		}
		if (cnt == 1) {
			res = score[cur[0]];
			break;
		}
		dn_i32f32 pivot = score[cur[cnt / 2]], ls = 0, hs = 0;
		size_t nl = 0, nu = 0;
		for (size_t k = 0; k < cnt; k++) {
			dn_i32f32 s = score[cur[k]];
			if (s == pivot)
				continue;
			if (s < pivot) {
				ls = dn_fx_sat_add(ls, stake[cur[k]]);
				lower[nl++] = cur[k];
			} else {
				hs = dn_fx_sat_add(hs, stake[cur[k]]);
				upper[nu++] = cur[k];
			}
		}
		if (minority < dn_fx_sat_add(lo, ls) && nl) {
			memcpy(cur, lower, 4 * nl);
			cnt = nl;
			hi = dn_fx_sat_add(lo, ls);
		} else if (dn_fx_sat_sub(hi, hs) <= minority && nu) {
			memcpy(cur, upper, 4 * nu);
			cnt = nu;
			lo = dn_fx_sat_sub(hi, hs);
		} else {
			res = pivot;
			break;
		}
		if (++iter > n) {
			res = 0;
			break;
		}
	}
	free(cur);
	free(lower);
	free(upper);
	return res;
}

/* is_topk by counting ranks of a stable ascending sort. */
static void ref_topk(const dn_i32f32 *x, size_t n, size_t k, bool *out)
{
	for (size_t i = 0; i < n; i++) {
		size_t rank = 0;
		for (size_t j = 0; j < n; j++)
			rank += x[j] < x[i] || (x[j] == x[i] && j < i);
		out[i] = n < k || rank >= n - k;
	}
}

/* ======================================================================
 * Unit checks
 * ====================================================================== */

static void t_arena(void)
{
	unsigned char buf[100];
	struct dn_arena a;
	dn_arena_init(&a, buf, sizeof(buf));
	void *p = dn_arena_alloc(&a, 10);
	ok(p != NULL && ((uintptr_t)p & 15) == 0, "arena: allocation is 16-aligned");
	size_t m = dn_arena_mark(&a);
	ok(dn_arena_alloc(&a, 1000) == NULL && dn_arena_mark(&a) == m,
	   "arena: an allocation that does not fit returns NULL and changes nothing");
	ok(dn_arena_alloc(&a, 0) != NULL, "arena: a zero-byte allocation succeeds");
	dn_arena_rewind(&a, m);
	is_int((intmax_t)dn_arena_mark(&a), (intmax_t)m, "arena: rewind restores the mark");
	dn_arena_reset(&a);
	is_int((intmax_t)a.used, 0, "arena: reset empties it");
	struct dn_arena none;
	dn_arena_init(&none, NULL, 123);
	ok(dn_arena_alloc(&none, 1) == NULL, "arena: no buffer, no memory");
	ok(strcmp(dn_mx_strerror(DN_MX_ENOSPC), dn_mx_strerror(0)) != 0, "strerror names ENOSPC");
}

static void t_builder(void)
{
	struct dn_sparse s;
	dn_sparse_init(&s, 2, 5, 3);
	is_int(s.rows, 2, "sparse_init: starts with its rows, all empty");
	is_int(dn_sparse_nnz(&s), 0, "sparse_init: no entries");
	dn_sparse_reset(&s, 5);
	is_int(dn_sparse_push(&s, 7, FX(1)), 0,
	       "push: col >= cols is accepted (the chain holds such entries)");
	dn_sparse_push(&s, 1, FX(2));
	dn_sparse_end_row(&s);
	dn_sparse_push(&s, 0, FX(3));
	is_int(dn_sparse_push(&s, 0, FX(4)), DN_MX_ENOSPC, "push: entry capacity exhausted");
	dn_sparse_end_row(&s);
	is_int(dn_sparse_end_row(&s), DN_MX_ENOSPC, "end_row: row capacity exhausted");
	is_int(dn_sparse_push(&s, 0, 0), DN_MX_ENOSPC, "push: no open row left");
	ok(s.rows == 2 && dn_sparse_row_len(&s, 0) == 2 && dn_sparse_row_len(&s, 1) == 1,
	   "builder keeps rows and order");
	struct dn_sparse t;
	dn_sparse_init(&t, 2, 5, 2);
	is_int(dn_sparse_copy(&t, &s), DN_MX_ENOSPC, "copy: destination too small");
	dn_sparse_release(&t);
	dn_sparse_init(&t, 2, 0, 3);
	uint32_t c[3] = {7, 1, 0};
	dn_i32f32 v[3] = {FX(1), FX(2), FX(3)};
	ok(dn_sparse_copy(&t, &s) == 0 && t.cols == 5 && row_is(&t, 0, 2, c, v) &&
		   row_is(&t, 1, 1, c + 2, v + 2),
	   "copy: same shape and order");
	dn_sparse_reset(&t, 5);
	is_int(dn_sparse_append_row(&t, c, v, 4), DN_MX_ENOSPC, "append_row: too many entries");
	dn_sparse_release(&t);
	dn_sparse_release(&s);

	struct dn_mat m, o;
	dn_mat_init(&m, 2, 3);
	dn_mat_init(&o, 1, 3);
	is_int(dn_mat_copy(&o, &m), DN_MX_ENOSPC, "mat_copy: destination too small");
	dn_mat_release(&o);
	dn_mat_release(&m);
}

static void t_conversions(void)
{
	is_i128(dn_mx_fixed64_from_u64(UINT64_MAX), DN_I128_MAX,
		"I64F64 from u64 >= 2^63 saturates");
	is_i128(dn_mx_fixed64_from_u64(5), (dn_i128)5 << 64, "I64F64 from u64");
	is_int((intmax_t)dn_mx_fixed64_to_u64(-1), 0,
	       "fixed64_to_u64: negative fraction floors to 0");
	ok(dn_mx_fixed96_to_u64(DN_I128_MAX) == UINT64_MAX, "I96F32 -> u64 saturates high");
	is_int((intmax_t)dn_mx_fixed96_to_u64(-((dn_i128)1 << 40)), 0,
	       "I96F32 -> u64: negative is 0");
	is_bits(dn_mx_ema_alpha_from_bma(900000), 429496730, "alpha(bma 900000) = 0.1 (f64 bits)");
	is_bits(dn_mx_ema_alpha_from_bma(0), DN_FX_ONE, "alpha(bma 0) = 1");
	is_bits(dn_mx_ema_alpha_from_bma(1000000), 0, "alpha(bma 1e6) = 0");
	is_bits(dn_mx_ema_alpha_from_bma(2000000), -DN_FX_ONE,
		"alpha(bma 2e6) = -1 (saturating_sub, no clamp)");
	/* share -> rao against the general I96F32 path */
	struct rng r = {42};
	bool same = true;
	for (int i = 0; i < 2000; i++) {
		dn_i32f32 s = (dn_i32f32)(rnd(&r) >> (rnd(&r) % 64));
		if (i % 7 == 0)
			s = -s;
		uint64_t rao = rnd(&r) >> (rnd(&r) % 64);
		dn_i128 p = dn_fx128_sat_mul(s, (dn_i128)rao << 32, 32);
		same &= dn_mx_share_to_rao(s, rao) == dn_mx_fixed96_to_u64(p);
	}
	ok(same, "share_to_rao equals I96F32 saturating_mul then to u64 (2000 random)");
	uint16_t c16;
	uint16_t big[2] = {65535, 1};
	ok(!dn_mx_checked_sum_u16(big, 2, &c16), "checked_sum u16 overflow -> none");
	uint64_t c64 = 7;
	ok(dn_mx_checked_sum_u64(NULL, 0, &c64) && c64 == 0, "checked_sum of nothing is 0");
	is_bits(dn_mx_fixed_to_fixed_u16_proportion(FX(65535)), DN_FX_ONE,
		"65535 as proportion is 1");
}

static void t_vectors(void)
{
	dn_i32f32 z[3] = {0, 0, 0}, o[3];
	dn_mx_normalize(z, 3, o);
	ok(same_vec(o, z, 3), "normalize: zero sum returns the input");
	dn_i32f32 w[2] = {DN_FX_MAX, 1};
	is_bits(dn_mx_sum(w, 2), DN_FX_MIN, "sum wraps like the release build's plain +");
	ok(!dn_mx_is_zero(w, 2), "is_zero looks at the (wrapped) sum");
	dn_i32f32 cancel[2] = {FX(1), -FX(1)};
	ok(dn_mx_is_zero(cancel, 2), "is_zero is true when entries cancel");
	dn_i32f32 ns[2] = {FX(1), -FX(1)};
	dn_mx_inplace_normalize(ns, 2);
	ok(ns[0] == FX(1) && ns[1] == -FX(1), "inplace_normalize: zero sum leaves it");
	dn_i32f32 s64[1] = {FX(3)};
	dn_mx_inplace_normalize_using_sum(s64, 1, 0);
	is_bits(s64[0], FX(3), "normalize_using_sum(0) is a no-op");

	/* safe_div: x/0 -> 0 and overflow -> 0 */
	dn_i32f32 x[4] = {FX(1), FX(1 << 20), FX(-3), FX(5)}, y[3] = {0, 1, FX(2)}, q[4];
	size_t n = dn_mx_vecdiv(x, 4, y, 3, q);
	ok(n == 4 && q[0] == 0 && q[1] == 0 && q[2] == FX(-3) / 2 && q[3] == 0,
	   "vecdiv: /0 -> 0, overflow -> 0, truncation toward zero, missing y -> 0");
	dn_i32f32 a[3] = {FX(1 << 20), FX(2), FX(3)}, b[2] = {FX(1 << 20), -HALF}, p[3];
	n = dn_mx_vec_mul(a, 3, b, 2, p);
	ok(n == 2 && p[0] == 0 && p[1] == -FX(1), "vec_mul: overflow -> 0, length min(a, b)");

	/* top-k ties: the stable ascending sort clears lower indices first */
	dn_i32f32 t[5] = {FX(1), FX(1), FX(1), FX(1), 0};
	bool kk[5];
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	dn_mx_is_topk(t, 5, 2, kk, &ar);
	ok(!kk[0] && !kk[1] && kk[2] && kk[3] && !kk[4], "is_topk: ties favour higher indices");
	dn_mx_is_topk(t, 5, 9, kk, &ar);
	ok(kk[0] && kk[4], "is_topk: n < k keeps everything");
	dn_mx_is_topk_nonzero(t, 5, 9, kk, &ar);
	ok(kk[0] && !kk[4], "is_topk_nonzero: n < k still drops zeros");
	dn_mx_is_topk_nonzero(t, 5, 0, kk, &ar);
	ok(!kk[0] && !kk[1] && !kk[2] && !kk[3], "is_topk_nonzero: k = 0 clears all");
	struct dn_arena tiny;
	unsigned char tb[8];
	dn_arena_init(&tiny, tb, sizeof(tb));
	is_int(dn_mx_is_topk(t, 5, 2, kk, &tiny), DN_MX_ENOSPC, "is_topk: arena exhausted");
	is_int((intmax_t)ar.used, 0, "is_topk gives its scratch back");

	/* masks */
	dn_i32f32 v[3] = {FX(1), FX(2), FX(3)};
	bool m1[1] = {false};
	dn_mx_inplace_mask_vector(NULL, 0, v, 3);
	ok(v[0] && v[1] && v[2], "inplace_mask_vector: an empty mask does nothing");
	dn_mx_inplace_mask_vector(m1, 1, v, 3);
	ok(v[0] == FX(1) && v[1] == 0 && v[2] == 0,
	   "inplace_mask_vector: beyond the mask is masked");

	/* max-upscale branches */
	dn_i32f32 up[3] = {0, HALF, DN_FX_ONE};
	uint16_t u[3];
	dn_mx_vec_max_upscale_to_u16(up, 3, u);
	ok(u[0] == 0 && u[1] == 32768 && u[2] == 65535,
	   "vec_max_upscale: 0.5 of max rounds to 32768");
	dn_i32f32 huge[2] = {FX(40000), FX(20000)};
	dn_mx_vec_max_upscale_to_u16(huge, 2, u);
	ok(u[0] == 65535 && u[1] == 32767,
	   "vec_max_upscale: max > 32768 multiplies by the truncated 65535/max (half rounds down)");
	dn_i32f32 zeros[2] = {0, -FX(1)};
	dn_mx_vec_max_upscale_to_u16(zeros, 2, u);
	ok(u[0] == 0 && u[1] == 0, "vec_max_upscale: max 0 branch, negatives -> 0");
	uint16_t w16[3] = {1, 1, 2}, o16[3];
	dn_mx_vec_u16_max_upscale_to_u16(w16, 3, o16);
	ok(o16[0] == 32768 && o16[2] == 65535, "vec_u16_max_upscale: ties round away from zero");
	uint16_t lim[2] = {1, 1};
	ok(dn_mx_check_vec_max_limited(lim, 2, 32768) &&
		   !dn_mx_check_vec_max_limited(lim, 2, 32767),
	   "check_vec_max_limited: 0.5 vs limits 32768 / 32767");
	uint16_t zl[2] = {0, 0};
	ok(dn_mx_check_vec_max_limited(zl, 2, 0), "check_vec_max_limited: all zero passes limit 0");
}

static void t_median(void)
{
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	dn_i32f32 st[4] = {HALF / 2, HALF / 2, HALF / 2, HALF / 2};
	dn_i32f32 sc[4] = {FX(3), FX(1), FX(4), FX(2)};
	uint32_t idx[4] = {0, 1, 2, 3};
	dn_i32f32 med;
	dn_mx_weighted_median(st, 4, sc, 3, idx, 4, 0, 0, DN_FX_ONE, &ar, &med);
	is_bits(med, 0, "weighted_median: stake/score length mismatch -> 0");
	dn_mx_weighted_median(st, 4, sc, 4, idx, 4, -DN_FX_ONE, 0, DN_FX_ONE, &ar, &med);
	is_bits(med, FX(1), "weighted_median: negative minority -> the minimum");
	dn_mx_weighted_median(st, 4, sc, 4, idx, 4, FX(2), 0, DN_FX_ONE, &ar, &med);
	is_bits(med, FX(4), "weighted_median: minority above the total -> the maximum");
	dn_mx_weighted_median(st, 4, sc, 4, idx, 0, HALF, 0, DN_FX_ONE, &ar, &med);
	is_bits(med, 0, "weighted_median: empty partition -> 0");
	uint32_t far[2] = {1, 9};
	dn_mx_weighted_median(st, 4, sc, 4, far, 2, DN_FX_ONE / 8, 0, DN_FX_ONE, &ar, &med);
	is_bits(med, 0, "weighted_median: out-of-range index reads score 0 (and is the pivot)");
	dn_mx_weighted_median(st, 4, sc, 4, far, 2, HALF + HALF / 2, 0, DN_FX_ONE, &ar, &med);
	is_bits(med, FX(1), "weighted_median: bounds are the caller's (hi - upper <= minority)");
	struct dn_arena tiny;
	unsigned char tb[16];
	dn_arena_init(&tiny, tb, sizeof(tb));
	is_int(dn_mx_weighted_median(st, 4, sc, 4, idx, 4, HALF, 0, DN_FX_ONE, &tiny, &med),
	       DN_MX_ENOSPC, "weighted_median: arena exhausted");
	is_int((intmax_t)ar.used, 0, "weighted_median gives its scratch back");

	/* column median, sparse: unsorted rows, duplicates (last wins),
	 * columns past cols ignored, more stake rows than score rows */
	dn_i32f32 stake[4] = {FX(1), FX(1), 0, FX(1)};
	uint32_t len[2] = {3, 2}, col[5] = {1, 0, 1, 5, 0};
	dn_i32f32 val[5] = {FX(1), HALF, HALF / 2, FX(1), HALF / 2};
	struct dn_sparse s;
	build(&s, 2, 2, 5, len, col, val);
	dn_i32f32 out[2];
	dn_mx_weighted_median_col_sparse(stake, 4, &s, HALF, out, &ar);
	/* participants: rows 0, 1, 3 (equal stake); column 0 = {1/2, 1/4, 0},
	 * column 1 = {1/4 (dup: last), 0, 0} */
	ok(out[0] == HALF / 2 && out[1] == 0,
	   "weighted_median_col_sparse: dup last wins, col >= cols ignored");
	struct dn_mat d;
	dn_mat_init(&d, 2, 2);
	dn_mat_row(&d, 0)[0] = HALF;
	dn_mat_row(&d, 0)[1] = HALF / 2;
	dn_mat_row(&d, 1)[0] = HALF / 2;
	dn_i32f32 dout[2];
	dn_mx_weighted_median_col(stake, 4, &d, HALF, dout, &ar);
	/* ⚠ the dense twin differs here: a positive-stake row missing from the
	 * matrix joins with stake 0 (sparse: its own stake, score 0) */
	ok(dout[0] == HALF && dout[1] == HALF / 2,
	   "weighted_median_col: a row past the matrix joins with stake 0 and score 0");
	dn_mat_release(&d);
	is_int(dn_mx_weighted_median_col_sparse(stake, 4, &s, HALF, out, &tiny), DN_MX_ENOSPC,
	       "weighted_median_col_sparse: arena exhausted");
	dn_sparse_release(&s);
}

static void t_dense(void)
{
	struct dn_mat m, o;
	dn_mat_init(&m, 2, 3);
	dn_mat_init(&o, 2, 3);
	for (int k = 0; k < 6; k++)
		m.v[k] = FX(k + 1);
	bool mk[1] = {false};
	dn_mx_inplace_mask_matrix(NULL, 0, 0, &m);
	ok(m.v[5] == FX(6), "inplace_mask_matrix: an empty mask does nothing");
	dn_mx_inplace_mask_matrix(mk, 1, 1, &m);
	ok(m.v[0] == FX(1) && m.v[1] == 0 && m.v[3] == 0,
	   "inplace_mask_matrix: outside the mask is masked");
	for (int k = 0; k < 6; k++)
		m.v[k] = FX(k + 1);
	dn_mx_inplace_mask_cols(NULL, 0, &m);
	ok(m.v[0] == 0 && m.v[5] == 0, "inplace_mask_cols: an empty mask masks everything");
	for (int k = 0; k < 6; k++)
		m.v[k] = FX(k + 1);
	dn_mx_inplace_mask_diag(&m);
	ok(m.v[0] == FX(1) && m.v[4] == FX(5), "inplace_mask_diag: non-square is a no-op");
	dn_mx_inplace_mask_diag_except_index(&m, 0);
	ok(m.v[0] == FX(1), "inplace_mask_diag_except_index: non-square is a no-op");
	dn_i32f32 v[1] = {FX(2)};
	ok(dn_mx_row_hadamard(&m, v, 1, &o) == 0 && o.rows == 1 && o.cols == 3 && o.v[2] == FX(6),
	   "row_hadamard: rows = min(rows, len(v))");
	ok(dn_mx_mat_vec_mul(&m, v, 1, &o) == 0 && o.rows == 2 && o.cols == 1 && o.v[1] == FX(8),
	   "mat_vec_mul: cols = min(cols, len(v))");
	struct dn_mat e = {0, 0, 0, NULL};
	ok(dn_mx_row_hadamard(&e, v, 1, &o) == 0 && o.rows == 1 && o.cols == 0,
	   "row_hadamard: empty matrix gives one empty row");
	dn_i32f32 out[3];
	is_int((intmax_t)dn_mx_matmul(&e, v, 1, out), 0, "matmul: empty -> []");
	struct dn_mat r0 = {3, 0, 0, NULL};
	is_int((intmax_t)dn_mx_row_sum(&r0, out), 0, "row_sum: rows of width 0 -> []");
	struct dn_mat small;
	dn_mat_init(&small, 1, 1);
	is_int(dn_mx_interpolate(&m, &m, HALF, &small), DN_MX_ENOSPC,
	       "interpolate: output too small");
	is_int(dn_mx_mat_vec_mul(&m, out, 3, &small), DN_MX_ENOSPC,
	       "mat_vec_mul: output too small");
	dn_mat_release(&small);

	/* interpolate: a's shape, zeros outside the common part */
	struct dn_mat b, r;
	dn_mat_init(&b, 1, 2);
	dn_mat_init(&r, 2, 3);
	b.v[0] = 0;
	b.v[1] = 0;
	for (int k = 0; k < 6; k++)
		m.v[k] = FX(2);
	dn_mx_interpolate(&m, &b, HALF, &r);
	ok(r.rows == 2 && r.cols == 3 && r.v[0] == FX(1) && r.v[2] == 0 && r.v[3] == 0,
	   "interpolate: result is a's shape, outside b's shape 0");
	dn_mx_interpolate(&m, &b, 0, &r);
	ok(r.rows == 2 && r.v[5] == FX(2), "interpolate: ratio 0 copies a");
	dn_mx_interpolate(&m, &b, DN_FX_ONE, &r);
	ok(r.rows == 1 && r.cols == 2, "interpolate: ratio 1 copies b");
	/* mat_ema_alpha shape rules */
	struct dn_mat al;
	dn_mat_init(&al, 2, 3);
	dn_mx_mat_ema_alpha(&m, &b, &al, &r);
	ok(r.rows == 1 && r.cols == 2, "mat_ema_alpha: row counts differ -> old");
	dn_mat_release(&al);
	dn_mat_init(&al, 2, 2);
	dn_mx_mat_ema_alpha(&m, &m, &al, &r);
	ok(r.rows == 2 && r.cols == 3 && r.v[0] == FX(2), "mat_ema_alpha: widths differ -> new");
	dn_mx_mat_ema(&m, &b, HALF, &r);
	ok(r.rows == 1 && r.cols == 2 && r.v[0] == FX(1), "mat_ema: min(rows) x min(cols)");
	dn_mat_release(&al);
	dn_mat_release(&b);
	dn_mat_release(&r);
	dn_mat_release(&m);
	dn_mat_release(&o);
}

static void t_sparse(void)
{
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	struct dn_sparse s, o;
	/* row 0: unsorted, with a duplicate and a column past cols */
	uint32_t len[2] = {4, 1}, col[5] = {2, 0, 2, 9, 1};
	dn_i32f32 val[5] = {FX(1), FX(2), FX(3), FX(4), FX(5)};
	build(&s, 2, 3, 5, len, col, val);
	dn_sparse_init(&o, 2, 3, 16);

	dn_i32f32 thr[2] = {FX(1), 0};
	dn_mx_col_clip_sparse(&s, thr, 2, &o);
	{
		uint32_t c0[1] = {0};
		dn_i32f32 v0[1] = {FX(1)};
		ok(row_is(&o, 0, 1, c0, v0) && dn_sparse_row_len(&o, 1) == 0,
		   "col_clip_sparse: clipped to thr > 0, dropped for thr <= 0 and col >= len(thr)");
	}
	dn_i32f32 vv[3] = {FX(1), FX(1), 0};
	dn_mx_mat_vec_mul_sparse(&s, vv, 3, &o);
	{
		uint32_t c0[1] = {0};
		dn_i32f32 v0[1] = {FX(2)};
		uint32_t c1[1] = {1};
		dn_i32f32 v1[1] = {FX(5)};
		ok(row_is(&o, 0, 1, c0, v0) && row_is(&o, 1, 1, c1, v1),
		   "mat_vec_mul_sparse: zero products and col >= len(v) dropped");
	}
	dn_mx_row_hadamard_sparse(&s, vv, 1, &o);
	ok(o.rows == 1 && dn_sparse_row_len(&o, 0) == 4,
	   "row_hadamard_sparse: rows = min(rows, len(v))");

	/* interpolate_sparse: column order out, dup last wins, col >= cols
	 * ignored */
	struct dn_sparse e;
	uint32_t elen[2] = {0, 0};
	build(&e, 2, 3, 1, elen, NULL, NULL);
	dn_mx_interpolate_sparse(&s, &e, HALF, &o, &ar);
	{
		uint32_t c0[2] = {0, 2};
		dn_i32f32 v0[2] = {FX(1), HALF * 3};
		ok(row_is(&o, 0, 2, c0, v0),
		   "interpolate_sparse: column order, duplicates: last wins");
	}
	struct dn_sparse one;
	uint32_t olen[1] = {0};
	build(&one, 1, 3, 1, olen, NULL, NULL);
	dn_mx_interpolate_sparse(&s, &one, HALF, &o, &ar);
	ok(o.rows == 1, "interpolate_sparse: row counts differ -> b");
	struct dn_sparse tiny;
	dn_sparse_init(&tiny, 2, 3, 1);
	is_int(dn_mx_interpolate_sparse(&s, &e, HALF, &tiny, &ar), DN_MX_ENOSPC,
	       "interpolate_sparse: output capacity exhausted");
	is_int((intmax_t)ar.used, 0, "interpolate_sparse gives its scratch back on error");

	/* mat_ema_sparse: width is the row count; duplicates accumulate */
	dn_mx_mat_ema_sparse(&s, &e, HALF, &o, &ar);
	{
		uint32_t c0[1] = {0};
		dn_i32f32 v0[1] = {FX(1)};
		ok(row_is(&o, 0, 1, c0, v0),
		   "mat_ema_sparse: col >= rows ignored ('assume square')");
	}
	struct dn_sparse sq;
	uint32_t qlen[2] = {2, 0}, qcol[2] = {1, 1};
	dn_i32f32 qval[2] = {FX(1), FX(1)};
	build(&sq, 2, 2, 2, qlen, qcol, qval);
	dn_mx_mat_ema_sparse(&sq, &e, HALF, &o, &ar);
	{
		uint32_t c0[1] = {1};
		dn_i32f32 v0[1] = {FX(1)};
		ok(row_is(&o, 0, 1, c0, v0), "mat_ema_sparse: duplicate entries add up");
	}
	is_int(dn_mx_mat_ema_sparse(&s, &e, HALF, &tiny, &ar), DN_MX_ENOSPC,
	       "mat_ema_sparse: output capacity exhausted");
	/* mat_ema_alpha_sparse: an old entry without a new entry vanishes */
	struct dn_mat al;
	dn_mat_init(&al, 2, 2);
	for (int k = 0; k < 4; k++)
		al.v[k] = HALF;
	dn_mx_mat_ema_alpha_sparse(&e, &sq, &al, &o, &ar);
	ok(o.rows == 2 && dn_sparse_nnz(&o) == 0,
	   "mat_ema_alpha_sparse: bonds without weights are deleted");
	dn_mx_mat_ema_alpha_sparse(&sq, &sq, &al, &o, &ar);
	{
		uint32_t c0[2] = {1, 1};
		dn_i32f32 v0[2] = {FX(1), FX(1)};
		ok(row_is(&o, 0, 2, c0, v0),
		   "mat_ema_alpha_sparse: new's order, duplicates kept, min(1)");
	}
	dn_mx_mat_ema_alpha_sparse(&sq, &one, &al, &o, &ar);
	ok(o.rows == 2 && dn_sparse_nnz(&o) == 2, "mat_ema_alpha_sparse: shape mismatch -> new");
	dn_mat_release(&al);

	/* in-place filters */
	dn_mx_mask_diag_sparse_except_index(&sq, 9, &sq);
	ok(dn_sparse_row_len(&sq, 0) == 2, "mask_diag_sparse_except_index in place");
	bool rm[1] = {false};
	dn_mx_mask_rows_sparse(rm, 1, &s, &s);
	ok(dn_sparse_row_len(&s, 0) == 4 && dn_sparse_row_len(&s, 1) == 0,
	   "mask_rows_sparse: rows past the mask are masked (in place)");
	uint64_t lu[1] = {5}, reg[3] = {5, 4, 6};
	dn_mx_vec_mask_sparse_matrix(&s, lu, 1, reg, 3, dn_mx_mask_le, NULL, &s);
	{
		uint32_t c0[1] = {9};
		dn_i32f32 v0[1] = {FX(4)};
		ok(row_is(&s, 0, 1, c0, v0),
		   "vec_mask_sparse_matrix: updated <= registered dropped, past vector reads 0");
	}
	dn_mx_scalar_vec_mask_sparse_matrix(&s, 0, reg, 3, dn_mx_mask_le, NULL, &s);
	ok(dn_sparse_row_len(&s, 0) == 0, "scalar_vec_mask_sparse_matrix: 0 <= 0 past the vector");
	is_int(dn_mx_mask_diag_sparse(&sq, &tiny), DN_MX_ENOSPC, "filters: output too small");

	/* column functions ignore col >= cols */
	dn_i32f32 cv[3] = {FX(1), FX(1), FX(1)}, cout[3];
	uint32_t clen[1] = {2}, ccol[2] = {0, 7};
	dn_i32f32 cval[2] = {FX(2), FX(2)};
	struct dn_sparse c;
	build(&c, 1, 1, 2, clen, ccol, cval);
	dn_mx_inplace_col_normalize_sparse(&c, &ar);
	ok(c.val[0] == FX(1) && c.val[1] == FX(2),
	   "inplace_col_normalize_sparse: col >= cols untouched");
	c.val[0] = FX(2);
	dn_mx_inplace_col_max_upscale_sparse(&c, &ar);
	ok(c.val[0] == FX(1) && c.val[1] == FX(2),
	   "inplace_col_max_upscale_sparse: col >= cols untouched");
	ok(dn_mx_matmul_sparse(&c, cv, 3, cout) == 1 && cout[0] == FX(1),
	   "matmul_sparse: col >= cols ignored");
	ok(dn_mx_matmul_transpose_sparse(&c, cv, 3, cout) == 1 && cout[0] == FX(1),
	   "matmul_transpose_sparse: v past its length reads 0");
	struct dn_arena tb;
	dn_arena_init(&tb, NULL, 0);
	is_int(dn_mx_inplace_col_normalize_sparse(&c, &tb), DN_MX_ENOSPC,
	       "col_normalize_sparse: arena exhausted");

	/* liquid alpha: the chain's walk assumes sorted rows */
	struct dn_mx_liquid lp = {dn_fx_from_u16_proportion(45875),
				  dn_fx_from_u16_proportion(58982), FX(1000)};
	uint32_t wlen[1] = {2}, wcol[2] = {1, 0};
	dn_i32f32 wval[2] = {FX(1), FX(1)};
	struct dn_sparse ws, bs;
	uint32_t blen[1] = {0};
	build(&ws, 1, 2, 2, wlen, wcol, wval);
	build(&bs, 1, 2, 1, blen, NULL, NULL);
	dn_i32f32 cons[2] = {0, 0};
	struct dn_mat alpha;
	dn_mat_init(&alpha, 1, 2);
	dn_mx_liquid_alpha_sparse(&ws, &bs, cons, 2, &lp, &alpha, &ar);
	ok(alpha.v[0] == dn_mx_alpha_sigmoid(0, 0, 0, &lp) &&
		   alpha.v[1] == dn_mx_alpha_sigmoid(0, FX(1), 0, &lp),
	   "liquid_alpha_sparse: unsorted row hides (0, 0) (read as 0)");
	ok(lp.alpha_low < alpha.v[0] && alpha.v[0] < alpha.v[1] && alpha.v[1] < lp.alpha_high,
	   "alpha_sigmoid: within (low, high), rising with the difference");
	dn_mat_release(&alpha);
	dn_sparse_release(&ws);
	dn_sparse_release(&bs);

	dn_sparse_release(&c);
	dn_sparse_release(&tiny);
	dn_sparse_release(&sq);
	dn_sparse_release(&one);
	dn_sparse_release(&e);
	dn_sparse_release(&o);
	dn_sparse_release(&s);
}

/* ======================================================================
 * Differential checks
 * ====================================================================== */

#define TRIALS 300

static void t_diff_median(void)
{
	struct rng r = {0x1234};
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	bool same = true;
	int fast = 0;
	for (int t = 0; t < 3000 && same; t++) {
		size_t n = 1 + rnd_below(&r, t < 2000 ? 40 : 400);
		dn_i32f32 *st = xmalloc(8 * n), *sc = xmalloc(8 * n);
		uint32_t *idx = xmalloc(4 * n);
		int order = (int)rnd_below(&r, 5);
		for (size_t i = 0; i < n; i++) {
			st[i] = rnd_below(&r, 8) == 0 ? 0 : (dn_i32f32)rnd_below(&r, 1u << 26);
			sc[i] = (dn_i32f32)rnd_below(&r, t % 3 ? 1u << 31 : 7) << (t % 3 ? 0 : 29);
			idx[i] = (uint32_t)i;
		}
		/* orders that make the chain's middle pivot walk slowly */
		for (size_t i = 0; i < n && order; i++) {
			dn_i32f32 base = (dn_i32f32)(order == 1	  ? i
						     : order == 2 ? n - i
						     : order == 3 ? (i % 2 ? i : n + i)
								  : 0);
			if (order < 4)
				sc[i] = base << 20;
		}
		dn_i32f32 sum = dn_mx_sum(st, n);
		dn_i32f32 minority = (dn_i32f32)rnd_below(&r, (uint32_t)(sum >> 6) + 1) << 6;
		if (t % 11 == 0)
			minority = -minority;
		dn_i32f32 lo = 0, hi = sum;
		if (t % 13 == 0) { /* inconsistent bounds, as a caller may pass */
			lo = (dn_i32f32)rnd_below(&r, 1u << 30);
			hi = (dn_i32f32)rnd_below(&r, 1u << 31);
		}
		dn_i32f32 got, want = ref_median(st, sc, idx, n, minority, lo, hi);
		dn_mx_weighted_median(st, n, sc, n, idx, n, minority, lo, hi, &ar, &got);
		same &= got == want;
		fast += n > 64 && order;
		if (!same)
			diag("median mismatch: n=%zu order=%d trial=%d", n, order, t);
		free(st);
		free(sc);
		free(idx);
	}
	ok(same,
	   "weighted_median == literal port of the chain (3000 random, %d adversarial orders)",
	   fast);

	/* saturating stakes (closed form must not apply) */
	dn_i32f32 st[6] = {DN_FX_MAX, DN_FX_MAX, 5, -DN_FX_ONE, DN_FX_MAX, 1};
	dn_i32f32 sc[6] = {FX(1), FX(2), FX(3), FX(4), FX(5), FX(6)};
	uint32_t idx[6] = {0, 1, 2, 3, 4, 5};
	bool s2 = true;
	for (int m = -3; m <= 3; m++) {
		dn_i32f32 minority = (dn_i32f32)m * ((dn_i32f32)1 << 61), got;
		dn_mx_weighted_median(st, 6, sc, 6, idx, 6, minority, DN_FX_MIN, DN_FX_MAX, &ar,
				      &got);
		s2 &= got == ref_median(st, sc, idx, 6, minority, DN_FX_MIN, DN_FX_MAX);
	}
	ok(s2, "weighted_median == port with saturating and negative stakes");
}

static void t_diff_topk(void)
{
	struct rng r = {99};
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	bool same = true;
	for (int t = 0; t < TRIALS; t++) {
		size_t n = rnd_below(&r, 70), k = rnd_below(&r, 80);
		dn_i32f32 x[70];
		bool a[70], b[70];
		for (size_t i = 0; i < n; i++)
			x[i] = (dn_i32f32)rnd_below(&r, 5) << 30;
		dn_mx_is_topk(x, n, k, a, &ar);
		ref_topk(x, n, k, b);
		same &= n == 0 || memcmp(a, b, n) == 0;
	}
	ok(same, "is_topk == stable-rank reference (%d random with ties)", TRIALS);
}

/* One random trial of the sparse/dense twins. */
struct twin {
	struct dn_mat d;
	struct dn_sparse s;
};

static void twin_init(struct twin *tw, struct rng *r, uint32_t rows, uint32_t cols)
{
	rnd_mat(r, &tw->d, rows, cols, true);
	to_sparse(&tw->d, &tw->s);
}

static void twin_release(struct twin *tw)
{
	dn_mat_release(&tw->d);
	dn_sparse_release(&tw->s);
}

static void t_diff_sparse_dense(void)
{
	struct rng r = {0xfeed};
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	enum {
		ROWN,
		COLN,
		COLMAX,
		ROWSUM,
		MATMUL,
		MATMULT,
		HADAMARD,
		MATVEC,
		CLIP,
		DIAG,
		DIAGX,
		MROWS,
		INTERP,
		EMA,
		EMAALPHA,
		MEDIAN,
		LIQUID,
		NCHECK
	};
	static const char *names[NCHECK] = {"inplace_row_normalize",
					    "inplace_col_normalize",
					    "inplace_col_max_upscale",
					    "row_sum",
					    "matmul",
					    "matmul_transpose",
					    "row_hadamard",
					    "mat_vec_mul",
					    "inplace_col_clip / col_clip_sparse",
					    "inplace_mask_diag",
					    "inplace_mask_diag_except_index",
					    "inplace_mask_rows",
					    "interpolate",
					    "mat_ema",
					    "mat_ema_alpha",
					    "weighted_median_col",
					    "liquid_alpha"};
	bool same[NCHECK];
	for (int c = 0; c < NCHECK; c++)
		same[c] = true;

	for (int t = 0; t < TRIALS; t++) {
		uint32_t rows = rnd_below(&r, 9), cols = 1 + rnd_below(&r, 9);
		uint32_t n = rows > cols ? rows : cols;
		struct twin a, b;
		twin_init(&a, &r, rows, cols);
		twin_init(&b, &r, rows, cols);
		dn_i32f32 *v = xmalloc(8 * n + 8), *o1 = xmalloc(8 * n + 8),
			  *o2 = xmalloc(8 * n + 8);
		for (uint32_t i = 0; i < n; i++)
			v[i] = rnd_share(&r, t % 2);
		size_t nv = rnd_below(&r, n + 2);
		if (nv > n)
			nv = n;
		struct dn_mat od;
		struct dn_sparse os;
		dn_mat_init(&od, rows + 1, cols + 1);
		dn_sparse_init(&os, rows + 1, cols, 2 * rows * cols + 2);

		dn_mx_inplace_row_normalize(&a.d);
		dn_mx_inplace_row_normalize_sparse(&a.s);
		same[ROWN] &= same_mat_sparse(&a.d, &a.s);
		dn_mx_inplace_col_normalize(&b.d);
		dn_mx_inplace_col_normalize_sparse(&b.s, &ar);
		same[COLN] &= same_mat_sparse(&b.d, &b.s);

		size_t k1 = dn_mx_row_sum(&a.d, o1), k2 = dn_mx_row_sum_sparse(&a.s, o2);
		same[ROWSUM] &= k1 == k2 && same_vec(o1, o2, k1);
		k1 = dn_mx_matmul(&a.d, v, nv, o1);
		k2 = dn_mx_matmul_sparse(&a.s, v, nv, o2);
		same[MATMUL] &= (rows == 0 ? k1 == 0 : k1 == k2) && same_vec(o1, o2, k1);
		k1 = dn_mx_matmul_transpose(&a.d, v, nv, o1);
		k2 = dn_mx_matmul_transpose_sparse(&a.s, v, nv, o2);
		same[MATMULT] &= k1 == k2 && same_vec(o1, o2, k1);

		if (rows > 0) {
			dn_mx_row_hadamard(&a.d, v, nv, &od);
			dn_mx_row_hadamard_sparse(&a.s, v, nv, &os);
			same[HADAMARD] &=
				nv == 0 ? od.rows == 0 && os.rows == 0 : same_mat_sparse(&od, &os);
			if (nv > 0) {
				dn_mx_mat_vec_mul(&a.d, v, nv, &od);
				dn_mx_mat_vec_mul_sparse(&a.s, v, nv, &os);
				same[MATVEC] &= same_mat_sparse(&od, &os);
			}
		}

		/* clip: thresholds >= 0 (the sparse drop of thr <= 0 equals the
		 * dense 0 there) */
		dn_mx_col_clip_sparse(&a.s, v, nv, &os);
		dn_mat_copy(&od, &a.d);
		dn_i32f32 *thr = xmalloc(8 * cols + 8);
		for (uint32_t j = 0; j < cols; j++)
			thr[j] = j < nv ? v[j] : 0;
		dn_mx_inplace_col_clip(&od, thr, cols);
		same[CLIP] &= same_mat_sparse(&od, &os);
		free(thr);

		/* interpolate (same shapes, ratio in [0, 1]) */
		dn_i32f32 ratio = t % 5 == 0 ? 0 : t % 5 == 1 ? DN_FX_ONE : rnd_share(&r, false);
		if (rows > 0) {
			dn_mx_interpolate(&a.d, &b.d, ratio, &od);
			dn_mx_interpolate_sparse(&a.s, &b.s, ratio, &os, &ar);
			same[INTERP] &= same_mat_sparse(&od, &os);
			/* unsorted rows take the densified path: same result, still
			 * emitted in column order (ratio 0 / 1 copy the order) */
			struct dn_sparse sa, sb;
			dn_sparse_init(&sa, rows, cols, dn_sparse_nnz(&a.s) + 1);
			dn_sparse_init(&sb, rows, cols, dn_sparse_nnz(&b.s) + 1);
			dn_sparse_copy(&sa, &a.s);
			dn_sparse_copy(&sb, &b.s);
			shuffle_rows(&sa, &r);
			shuffle_rows(&sb, &r);
			dn_mx_interpolate_sparse(&sa, &sb, ratio, &os, &ar);
			bool sorted = true;
			for (uint32_t i = 0; i < os.rows; i++)
				for (uint32_t k = os.start[i] + 1; k < os.start[i + 1]; k++)
					sorted &= os.col[k] > os.col[k - 1];
			same[INTERP] &= same_mat_sparse(&od, &os) &&
					(sorted || ratio == 0 || ratio == DN_FX_ONE);
			dn_sparse_release(&sa);
			dn_sparse_release(&sb);
		}

		dn_mx_inplace_col_max_upscale(&b.d);
		dn_mx_inplace_col_max_upscale_sparse(&b.s, &ar);
		same[COLMAX] &= same_mat_sparse(&b.d, &b.s);

		/* weighted_median_col over a random stake vector */
		dn_i32f32 *stake = xmalloc(8 * rows + 8);
		for (uint32_t i = 0; i < rows; i++)
			stake[i] = rnd_share(&r, true);
		{
			dn_i32f32 maj = rnd_share(&r, false);
			dn_mx_weighted_median_col(stake, rows, &a.d, maj, o1, &ar);
			dn_mx_weighted_median_col_sparse(stake, rows, &a.s, maj, o2, &ar);
			same[MEDIAN] &= rows == 0 || same_vec(o1, o2, cols);
		}
		free(stake);

		twin_release(&a);
		twin_release(&b);
		dn_mat_release(&od);
		dn_sparse_release(&os);
		free(v);
		free(o1);
		free(o2);
	}

	/* square matrices: diagonal masks, mat_ema, mat_ema_alpha, liquid */
	for (int t = 0; t < TRIALS; t++) {
		uint32_t n = 1 + rnd_below(&r, 9);
		struct twin a, b;
		twin_init(&a, &r, n, n);
		twin_init(&b, &r, n, n);
		struct dn_mat od, al;
		struct dn_sparse os;
		dn_mat_init(&od, n, n);
		dn_mat_init(&al, n, n);
		dn_sparse_init(&os, n, n, 2 * n * n + 2);
		uint32_t ex = rnd_below(&r, n + 1);

		dn_mat_copy(&od, &a.d);
		dn_mx_inplace_mask_diag(&od);
		dn_mx_mask_diag_sparse(&a.s, &os);
		same[DIAG] &= same_mat_sparse(&od, &os);
		dn_mat_copy(&od, &a.d);
		dn_mx_inplace_mask_diag_except_index(&od, ex);
		dn_mx_mask_diag_sparse_except_index(&a.s, ex, &os);
		same[DIAGX] &= same_mat_sparse(&od, &os);

		bool *mask = xmalloc(n);
		size_t ml = rnd_below(&r, n + 1);
		for (uint32_t i = 0; i < n; i++)
			mask[i] = rnd(&r) % 2;
		dn_mat_copy(&od, &a.d);
		dn_mx_inplace_mask_rows(mask, ml, &od);
		dn_mx_mask_rows_sparse(mask, ml, &a.s, &os);
		same[MROWS] &= same_mat_sparse(&od, &os);
		free(mask);

		dn_i32f32 alpha = rnd_share(&r, false);
		dn_mx_mat_ema(&a.d, &b.d, alpha, &od);
		dn_mx_mat_ema_sparse(&a.s, &b.s, alpha, &os, &ar);
		same[EMA] &= same_mat_sparse(&od, &os);
		{ /* unsorted rows: the densified path */
			struct dn_sparse sa, sb;
			dn_sparse_init(&sa, n, n, dn_sparse_nnz(&a.s) + 1);
			dn_sparse_init(&sb, n, n, dn_sparse_nnz(&b.s) + 1);
			dn_sparse_copy(&sa, &a.s);
			dn_sparse_copy(&sb, &b.s);
			shuffle_rows(&sa, &r);
			shuffle_rows(&sb, &r);
			dn_mx_mat_ema_sparse(&sa, &sb, alpha, &os, &ar);
			same[EMA] &= same_mat_sparse(&od, &os);
			dn_sparse_release(&sa);
			dn_sparse_release(&sb);
		}

		/* mat_ema_alpha: new fully populated (the sparse version deletes
		 * bonds whose weight entry is missing), alpha in (0, 1] */
		for (size_t k = 0; k < (size_t)n * n; k++) {
			a.d.v[k] = 1 + rnd_share(&r, false);
			al.v[k] = 1 + rnd_share(&r, false) / 2;
		}
		dn_sparse_release(&a.s);
		to_sparse(&a.d, &a.s);
		dn_mx_mat_ema_alpha(&a.d, &b.d, &al, &od);
		dn_mx_mat_ema_alpha_sparse(&a.s, &b.s, &al, &os, &ar);
		same[EMAALPHA] &= same_mat_sparse(&od, &os);

		/* liquid alpha on sorted rows */
		struct dn_mx_liquid lp = {rnd_share(&r, false) / 2, 0,
					  (dn_i32f32)rnd_below(&r, 2000) << 32};
		lp.alpha_high = lp.alpha_low + rnd_share(&r, false) / 2;
		dn_i32f32 *cons = xmalloc(8 * n);
		for (uint32_t j = 0; j < n; j++)
			cons[j] = rnd_share(&r, true);
		struct dn_mat l1, l2;
		dn_mat_init(&l1, n, n);
		dn_mat_init(&l2, n, n);
		dn_mx_liquid_alpha(&a.d, &b.d, cons, n, &lp, &l1);
		dn_mx_liquid_alpha_sparse(&a.s, &b.s, cons, n, &lp, &l2, &ar);
		same[LIQUID] &= l1.rows == l2.rows && l1.cols == l2.cols &&
				same_vec(l1.v, l2.v, (size_t)n * n);
		dn_mat_release(&l1);
		dn_mat_release(&l2);
		free(cons);

		twin_release(&a);
		twin_release(&b);
		dn_mat_release(&od);
		dn_mat_release(&al);
		dn_sparse_release(&os);
	}
	for (int c = 0; c < NCHECK; c++)
		ok(same[c], "%s: sparse == dense on %d random matrices", names[c], TRIALS);
	is_int((intmax_t)ar.used, 0, "every function gave its scratch back");
}

/* inplace_normalize_64's long division against fixed.h's bit-serial one. */
static void t_diff_normalize_64(void)
{
	struct rng r = {0xabcdef};
	bool same = true;
	for (int t = 0; t < 20000 && same; t++) {
		dn_i64f64 x[4], ref[4], sum = 0;
		size_t n = 1 + rnd_below(&r, 4);
		for (size_t i = 0; i < n; i++) {
			dn_u128 v = ((dn_u128)rnd(&r) << 64) | rnd(&r);
			x[i] = (dn_i64f64)(v >> (1 + rnd_below(&r, 127)));
			if (t % 17 == 0 && i == 0)
				x[i] = -x[i];
			sum = (dn_i64f64)((dn_u128)sum + (dn_u128)x[i]);
		}
		for (size_t i = 0; i < n; i++)
			ref[i] = sum == 0 ? x[i] : dn_fx64_safe_div(x[i], sum);
		dn_mx_inplace_normalize_64(x, n);
		same &= memcmp(x, ref, sizeof(dn_i64f64) * n) == 0;
	}
	ok(same, "inplace_normalize_64 == fixed.h safe_div (20000 random, all magnitudes)");
	/* row form, with single-digit and two-digit divisors */
	dn_i64f64 m[6] = {(dn_i64f64)3 << 64,	     1, 2,
			  ((dn_i64f64)1 << 100) + 7, 5, (dn_i64f64)1 << 120};
	dn_i64f64 ref[6];
	for (int i = 0; i < 2; i++) {
		dn_i64f64 s = m[3 * i] + m[3 * i + 1] + m[3 * i + 2];
		for (int j = 0; j < 3; j++)
			ref[3 * i + j] = dn_fx64_safe_div(m[3 * i + j], s);
	}
	dn_mx_inplace_row_normalize_64(m, 2, 3);
	ok(memcmp(m, ref, sizeof(m)) == 0, "inplace_row_normalize_64 == fixed.h safe_div");
	dn_i64f64 big[2] = {(dn_i64f64)1 << 100, -((dn_i64f64)1 << 100) + 5};
	dn_mx_inplace_normalize_64(big, 2);
	ok(big[0] == 0 && big[1] == 0,
	   "inplace_normalize_64: an overflowing quotient is 0 (safe_div)");
}

/* A value of one of the magnitudes the epoch meets, or an odd one. */
static dn_i32f32 rnd_mag(struct rng *r)
{
	switch (rnd(r) % 8) {
	case 0: return (dn_i32f32)(rnd(r) % 65536) << 32; /* u16 weight as integer */
	case 1: return (dn_i32f32)(rnd(r) % ((uint64_t)1 << 32)); /* share <= 1 */
	case 2: return (dn_i32f32)(rnd(r) % 1000); /* tiny */
	case 3: return (dn_i32f32)(rnd(r) >> (1 + rnd(r) % 63));
	case 4: return -(dn_i32f32)(rnd(r) >> (1 + rnd(r) % 63));
	case 5: return ((dn_i32f32)(rnd(r) % 64) << 32) + (dn_i32f32)(rnd(r) % 16) * HALF;
	case 6: return DN_FX_ONE;
	default: return (dn_i32f32)(rnd(r) % 5) << 31;
	}
}

/* The normalisations divide by invariant divisors with multiply-shift;
 * they must equal fixed.h's safe_div element by element. */
static void t_diff_division(void)
{
	struct rng r = {0x5eed};
	struct dn_arena ar;
	dn_arena_init(&ar, arena_buf, sizeof(arena_buf));
	bool vec = true, col = true, colmax = true;
	for (int t = 0; t < 20000; t++) {
		dn_i32f32 x[6], ref[6];
		size_t n = 1 + rnd_below(&r, 6);
		int mode = (int)rnd_below(&r, 3); /* same class, mixed, sparse */
		dn_i32f32 seed = rnd_mag(&r);
		for (size_t i = 0; i < n; i++)
			x[i] = mode == 0   ? (dn_i32f32)((uint64_t)seed +
							 rnd_below(&r, 3) * (uint64_t)(seed / 2))
			       : mode == 1 ? rnd_mag(&r)
					   : (rnd(&r) % 2 ? 0 : rnd_mag(&r));
		dn_i32f32 s = dn_mx_sum(x, n);
		for (size_t i = 0; i < n; i++)
			ref[i] = s == 0 ? x[i] : dn_fx_safe_div(x[i], s);
		dn_mx_inplace_normalize(x, n);
		vec &= same_vec(x, ref, n);
	}
	ok(vec, "inplace_normalize == per-element safe_div (20000 random, all magnitudes)");

	/* the invariant division alone: random divisors and numerators */
	bool inv = true;
	for (int t = 0; t < 20000; t++) {
		dn_i32f32 d = t % 3 ? (dn_i32f32)(rnd(&r) >> rnd_below(&r, 64)) : rnd_mag(&r), x[8],
			  ref[8];
		for (int i = 0; i < 8; i++) {
			x[i] = i < 4 ? (dn_i32f32)(rnd(&r) >> (32 + rnd_below(&r, 32)))
				     : rnd_mag(&r);
			ref[i] = d == 0 ? x[i] : dn_fx_safe_div(x[i], d);
		}
		dn_mx_inplace_normalize_using_sum(x, 8, d);
		inv &= same_vec(x, ref, 8);
	}
	ok(inv, "inplace_normalize_using_sum == safe_div for 20000 random divisors");

	/* columns, against safe_div, on inputs kept aside */
	for (int t = 0; t < 5000; t++) {
		uint32_t n = 1 + rnd_below(&r, 6);
		dn_i32f32 in[6], sum = 0, mx = 0;
		struct dn_sparse a, b;
		dn_sparse_init(&a, n, 1, n);
		dn_sparse_init(&b, n, 1, n);
		dn_sparse_reset(&a, 1);
		for (uint32_t i = 0; i < n; i++) {
			in[i] = rnd_mag(&r);
			dn_sparse_push(&a, 0, in[i]);
			dn_sparse_end_row(&a);
			sum = dn_fx_sat_add(sum, in[i]);
			mx = mx < in[i] ? in[i] : mx;
		}
		dn_sparse_copy(&b, &a);
		dn_mx_inplace_col_normalize_sparse(&a, &ar);
		dn_mx_inplace_col_max_upscale_sparse(&b, &ar);
		for (uint32_t i = 0; i < n; i++) {
			col &= a.val[i] == (sum == 0 ? in[i] : dn_fx_safe_div(in[i], sum));
			colmax &= b.val[i] == (mx == 0 ? in[i] : dn_fx_safe_div(in[i], mx));
		}
		dn_sparse_release(&a);
		dn_sparse_release(&b);
	}
	ok(col, "inplace_col_normalize_sparse == safe_div by the saturating column sum");
	ok(colmax, "inplace_col_max_upscale_sparse == safe_div by the column max");
}

/* dn_mx_udiv (multiply-high and shift) against the hardware division:
 * divisors of every size (powers of two, their neighbours, 2, 3, the
 * largest), numerators of every size below 2^63 and the ones next to a
 * multiple of the divisor, where a wrong magic number shows first. */
static void t_udiv(void)
{
	struct rng r = {0xd1715};
	static const uint64_t special[] = {2,
					   3,
					   5,
					   7,
					   65535,
					   65537,
					   ((uint64_t)1 << 31) - 1,
					   (uint64_t)1 << 32,
					   ((uint64_t)1 << 32) + 1,
					   ((uint64_t)1 << 62) + 1,
					   ((uint64_t)1 << 63) - 1,
					   (uint64_t)1 << 63,
					   UINT64_MAX};
	const uint64_t top = ((uint64_t)1 << 63) - 1;
	bool good = true;
	uint64_t checks = 0;
	for (int t = 0; t < 40000 && good; t++) {
		uint64_t d;
		if (t < (int)(sizeof(special) / sizeof(special[0])))
			d = special[t];
		else if (t % 4 == 0)
			d = ((uint64_t)1 << rnd_below(&r, 64)) + rnd_below(&r, 3) - 1;
		else
			d = rnd(&r) >> rnd_below(&r, 63);
		if (d < 2)
			d = 2;
		struct dn_mx_udiv u;
		dn_mx_udiv_init(&u, d);
		for (int k = 0; k < 24; k++) {
			uint64_t x;
			switch (k % 6) {
			case 0: x = rnd(&r) & top; break;
			case 1: x = (rnd(&r) & top) >> rnd_below(&r, 63); break;
			case 2: x = top - rnd_below(&r, 4); break;
			case 3: x = rnd_below(&r, 4); break;
			default: { /* next to a multiple of d */
				uint64_t q = (rnd(&r) & top) / d;
				x = q * d + (k % 2 ? 0 : d - 1);
				x = x > top ? top : x;
			}
			}
			good &= dn_mx_udiv(&u, x) == x / d;
			checks++;
		}
	}
	ok(good, "invariant division == hardware division (%llu pairs, n < 2^63, d >= 2)",
	   (unsigned long long)checks);
}

/* Every function fits in dn_mx_scratch_bytes() for its sizes. */
static void t_scratch_bound(void)
{
	struct rng r = {7};
	bool fits = true;
	static unsigned char buf[1 << 20];
	for (int t = 0; t < 60; t++) {
		uint32_t n = 1 + rnd_below(&r, 300);
		struct twin a, b;
		twin_init(&a, &r, n, n);
		twin_init(&b, &r, n, n);
		size_t nnz = dn_sparse_nnz(&a.s) > dn_sparse_nnz(&b.s) ? dn_sparse_nnz(&a.s)
								       : dn_sparse_nnz(&b.s);
		size_t need = dn_mx_scratch_bytes(n, n, nnz);
		if (need > sizeof(buf)) {
			fits = false;
			break;
		}
		struct dn_arena ar;
		dn_arena_init(&ar, buf, need);
		dn_i32f32 *st = xmalloc(8 * n), *out = xmalloc(8 * n);
		uint32_t *idx = xmalloc(4 * n);
		bool *bo = xmalloc(n);
		for (uint32_t i = 0; i < n; i++) {
			st[i] = 1 + rnd_share(&r, false);
			idx[i] = i;
		}
		struct dn_sparse os;
		struct dn_mat al;
		dn_sparse_init(&os, n, n, 2 * n * n);
		dn_mat_init(&al, n, n);
		dn_i32f32 med;
		fits &= dn_mx_weighted_median(st, n, st, n, idx, n, HALF, 0, DN_FX_ONE, &ar,
					      &med) == 0;
		fits &= dn_mx_weighted_median_col(st, n, &a.d, HALF, out, &ar) == 0;
		fits &= dn_mx_weighted_median_col_sparse(st, n, &a.s, HALF, out, &ar) == 0;
		fits &= dn_mx_is_topk(st, n, n / 2, bo, &ar) == 0;
		fits &= dn_mx_interpolate_sparse(&a.s, &b.s, HALF, &os, &ar) == 0;
		fits &= dn_mx_mat_ema_sparse(&a.s, &b.s, HALF, &os, &ar) == 0;
		fits &= dn_mx_mat_ema_alpha_sparse(&a.s, &b.s, &a.d, &os, &ar) == 0;
		fits &= dn_mx_inplace_col_normalize_sparse(&b.s, &ar) == 0;
		fits &= dn_mx_inplace_col_max_upscale_sparse(&b.s, &ar) == 0;
		fits &= ar.used == 0;
		dn_sparse_release(&os);
		dn_mat_release(&al);
		free(st);
		free(out);
		free(idx);
		free(bo);
		twin_release(&a);
		twin_release(&b);
	}
	ok(fits, "dn_mx_scratch_bytes() is enough for every function (60 random sizes up to 300)");
}

int main(void)
{
	tap_plan(137);
	t_arena();
	t_builder();
	t_conversions();
	t_vectors();
	t_median();
	t_dense();
	t_sparse();
	t_diff_median();
	t_diff_topk();
	t_diff_normalize_64();
	t_diff_division();
	t_udiv();
	t_diff_sparse_dense();
	t_scratch_bound();
	return tap_done();
}
