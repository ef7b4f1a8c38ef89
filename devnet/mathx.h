/*
 * The epoch's math helpers, bit for bit as the chain computes them.
 *
 * subtensor's Yuma epoch (pallets/subtensor/src/epoch/run_epoch.rs) is built
 * from the vector and matrix helpers of pallets/subtensor/src/epoch/math.rs,
 * plus a few pure helpers that live in run_epoch.rs itself (liquid alpha, the
 * EMA alpha from bonds_moving_average). This module reproduces each of them:
 * the same order of summation, the same saturating / checked / safe_div
 * choice per operation, the same rules for what is kept or dropped, and the
 * same answers on degenerate shapes (empty, ragged, mismatched lengths), as
 * far as our representations can express them. Each function names the chain
 * function it reproduces; the prefix is `dn_mx_` followed by the chain name.
 *
 * Representations
 *   - vectors: `dn_i32f32 *v, size_t n` (I64F64: `dn_i64f64 *`).
 *   - dense matrices: struct dn_mat, row-major, caller-owned storage.
 *   - sparse matrices: struct dn_sparse, CSR that keeps every row's entries
 *     in the order the chain holds them (order matters: weighted median,
 *     liquid alpha and the output order of several functions depend on it).
 *     Column indices are whatever the chain stored (u16 there); `cols` is the
 *     logical column count, i.e. the `columns` argument the chain passes to
 *     inplace_col_normalize_sparse, inplace_col_max_upscale_sparse,
 *     matmul_sparse, weighted_median_col_sparse and interpolate_sparse.
 *     Entries with col >= cols may exist; each function says what it does
 *     with them (mostly: ignored, exactly where the chain ignores them).
 *   - scratch memory comes from a caller-provided struct dn_arena. Every
 *     function that takes one gives its scratch back before returning (the
 *     arena's `used` is unchanged on return), so one arena sized with
 *     dn_mx_scratch_bytes() serves a whole epoch.
 *
 * Plain `.sum()` in the chain is the unchecked `+` of a release build, i.e.
 * wrapping two's-complement addition; we wrap too (it never wraps on epoch
 * data: shares are <= 1). Everything else saturates, checks or safe_divs
 * exactly where the chain does.
 *
 * No allocation happens inside the math functions; only dn_mat_init and
 * dn_sparse_init allocate (and abort on out-of-memory). No floating point,
 * no I/O, no globals.
 *
 * Errors: functions that can run out of space return 0 or DN_MX_ENOSPC
 * (the arena or an output's capacity is too small). On error the output's
 * contents are unspecified but its storage is intact.
 */
#ifndef DN_MATHX_H
#define DN_MATHX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

/* ---- error codes ------------------------------------------------------- */

#define DN_MX_ENOSPC (-28) /* arena or output capacity exhausted */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_mx_strerror(int err);

/* ---- scratch arena ----------------------------------------------------- */

/* A bump allocator over caller-provided memory. */
struct dn_arena {
	unsigned char *base;
	size_t size; /* bytes */
	size_t used; /* bytes */
};

/* Use `buf` (size bytes, caller-owned, outlives the arena) as scratch. */
void dn_arena_init(struct dn_arena *a, void *buf, size_t size);

/* Forget every allocation. */
void dn_arena_reset(struct dn_arena *a);

/* `n` bytes aligned to 16, uninitialised; NULL when the arena is full (the
 * arena is then unchanged). n == 0 returns a valid non-NULL pointer. */
void *dn_arena_alloc(struct dn_arena *a, size_t n);

/* Save / restore the fill level (stack discipline). */
static inline size_t dn_arena_mark(const struct dn_arena *a) { return a->used; }
static inline void dn_arena_rewind(struct dn_arena *a, size_t mark) { a->used = mark; }

/* Upper bound of the scratch bytes any dn_mx_* function needs for matrices
 * of at most `rows` rows, `cols` logical columns and `nnz` entries per
 * sparse operand (vector operands at most max(rows, cols) long). */
size_t dn_mx_scratch_bytes(uint32_t rows, uint32_t cols, size_t nnz);

/* ---- dense matrix ------------------------------------------------------ */

/* Row-major rows x cols; element (i, j) is v[i * cols + j]. `cap` is how
 * many elements v can hold; functions writing a dense output set rows/cols
 * and return DN_MX_ENOSPC when rows * cols would exceed cap. The chain's
 * `vec![vec![]]` (one empty row) is rows = 1, cols = 0. */
struct dn_mat {
	uint32_t rows, cols;
	size_t cap; /* elements */
	dn_i32f32 *v;
};

/* Allocate a zeroed rows x cols matrix (cap = rows * cols); aborts on OOM. */
void dn_mat_init(struct dn_mat *m, uint32_t rows, uint32_t cols);
void dn_mat_release(struct dn_mat *m);

static inline dn_i32f32 *dn_mat_row(const struct dn_mat *m, uint32_t i)
{
	return m->v + (size_t)i * m->cols;
}

/* Copy src into dst (shape included); DN_MX_ENOSPC if dst->cap is short. */
int dn_mat_copy(struct dn_mat *dst, const struct dn_mat *src);

/* ---- sparse matrix (CSR, chain order) ---------------------------------- */

/* Row i's entries are col[k], val[k] for start[i] <= k < start[i + 1], in
 * the chain's order (not necessarily sorted, duplicates possible). `rcap`
 * is the number of rows `start` can describe (it has rcap + 1 slots) and
 * `cap` the number of entries col/val can hold. */
struct dn_sparse {
	uint32_t rows, cols;
	uint32_t cap; /* entries */
	uint32_t rcap; /* rows */
	uint32_t *start; /* rcap + 1 offsets */
	uint32_t *col;
	dn_i32f32 *val;
};

/* Allocate room for `rows` rows and `cap` entries; the matrix starts as
 * rows x cols with every row empty. Aborts on out-of-memory. */
void dn_sparse_init(struct dn_sparse *m, uint32_t rows, uint32_t cols, uint32_t cap);
void dn_sparse_release(struct dn_sparse *m);

static inline uint32_t dn_sparse_nnz(const struct dn_sparse *m) { return m->start[m->rows]; }
static inline uint32_t dn_sparse_row_len(const struct dn_sparse *m, uint32_t i)
{
	return m->start[i + 1] - m->start[i];
}

/* Builder: reset to 0 rows (cols = `cols`), then for each row push its
 * entries in order and close it with dn_sparse_end_row. push returns
 * DN_MX_ENOSPC when the entry or row capacity is exhausted, end_row when
 * the row capacity is. Entries are not checked (col >= cols is allowed and
 * kept: the chain can hold such entries too). */
void dn_sparse_reset(struct dn_sparse *m, uint32_t cols);
int dn_sparse_push(struct dn_sparse *m, uint32_t col, dn_i32f32 val);
int dn_sparse_end_row(struct dn_sparse *m);

/* Append one whole row (n entries). 0 or DN_MX_ENOSPC. */
int dn_sparse_append_row(struct dn_sparse *m, const uint32_t *col, const dn_i32f32 *val,
			 uint32_t n);

/* Copy src into dst (shape and order). 0 or DN_MX_ENOSPC. */
int dn_sparse_copy(struct dn_sparse *dst, const struct dn_sparse *src);

/* ---- exact division by an invariant divisor ---------------------------- */

/* floor(n / d) for every n < 2^63 and one divisor d >= 2, with a multiply
 * instead of a division instruction: Granlund and Montgomery's "division by
 * invariant integers using multiplication" (PLDI 1994, theorem 4.2) for
 * N = 63-bit numerators. With l = ceil(log2 d) and m = ceil(2^(63+l) / d),
 * 2^(63+l) <= m d <= 2^(63+l) + 2^l, which makes floor(n m / 2^(63+l)) =
 * floor(n / d) for all n < 2^63 (exact, not an approximation); m is in
 * [2^63, 2^64), so the quotient is the high word of the 64 x 64-bit
 * product n m shifted right by l - 1. Used where many numerators share one
 * divisor (row and column sums); tests/devnet/mathx-t checks it against
 * the hardware division. */
struct dn_mx_udiv {
	uint64_t magic;
	unsigned shift;
};

/* Set up division by d; d must be >= 2. */
void dn_mx_udiv_init(struct dn_mx_udiv *u, uint64_t d);

/* floor(n / d) for n < 2^63. */
static inline uint64_t dn_mx_udiv(const struct dn_mx_udiv *u, uint64_t n)
{
	return (uint64_t)(((dn_u128)u->magic * n) >> 64) >> u->shift;
}

/* ======================================================================
 * Conversions (the scalar ones not already in fixed.h)
 *
 * fixed.h has: fixed_to_u16 = dn_fx_to_u16, fixed_to_u64 = dn_fx_to_u64,
 * u16_to_fixed = dn_fx_from_u16, u16_proportion_to_fixed =
 * dn_fx_from_u16_proportion, fixed_proportion_to_u16 =
 * dn_fx_to_u16_proportion, fixed64_to_fixed32 = dn_fx64_to_fx,
 * fixed32_to_fixed64 = dn_fx64_from_fx, exp_safe = dn_fx_exp_safe,
 * sigmoid_safe = dn_fx_sigmoid_safe.
 * ====================================================================== */

/* subtensor math.rs fixed64_to_u64: I64F64 saturating_to_num::<u64>
 * (floor; negative -> 0). */
uint64_t dn_mx_fixed64_to_u64(dn_i64f64 x);

/* I96F32 saturating_to_num::<u64> (floor; negative -> 0, > u64::MAX ->
 * u64::MAX). */
uint64_t dn_mx_fixed96_to_u64(dn_i96f32 x);

/* subtensor math.rs fixed_to_fixed_u16_proportion: x safe_div 65535. */
dn_i32f32 dn_mx_fixed_to_fixed_u16_proportion(dn_i32f32 x);

/* I64F64::saturating_from_num(u64): values >= 2^63 clamp to I64F64::MAX. */
dn_i64f64 dn_mx_fixed64_from_u64(uint64_t v);

/* Vector forms: out[i] = f(x[i]) for i < n; out must not overlap x. */
void dn_mx_vec_fixed64_to_fixed32(const dn_i64f64 *x, size_t n, dn_i32f32 *out);
void dn_mx_vec_fixed32_to_fixed64(const dn_i32f32 *x, size_t n, dn_i64f64 *out);
void dn_mx_vec_fixed64_to_u64(const dn_i64f64 *x, size_t n, uint64_t *out);
void dn_mx_vec_fixed32_to_u64(const dn_i32f32 *x, size_t n, uint64_t *out);
void dn_mx_vec_fixed_proportions_to_u16(const dn_i32f32 *x, size_t n, uint16_t *out);

/* run_epoch.rs, epoch emission: floor(I96F32(share) saturating_mul
 * I96F32(rao)) as u64 (saturating). */
uint64_t dn_mx_share_to_rao(dn_i32f32 share, uint64_t rao);

/* run_epoch.rs compute_ema_bonds_normal(_sparse) / compute_disabled_liquid_
 * alpha: a = I64F64(bma) / I64F64(1_000_000) (truncating; safe_div and
 * saturating_div agree here), alpha = 1 saturating_sub I32F32(a) (floor).
 * 900_000 -> 429496730 bits (0.1). */
dn_i32f32 dn_mx_ema_alpha_from_bma(uint64_t bonds_moving_average);

/* run_epoch.rs get_float_kappa / get_float_bonds_penalty: u16 / 65535. */
static inline dn_i32f32 dn_mx_u16_ratio(uint16_t v) { return dn_fx_from_u16_proportion(v); }

/* ======================================================================
 * Vectors
 * ====================================================================== */

/* math.rs sum: plain (wrapping) sum in order; 0 for n == 0. */
dn_i32f32 dn_mx_sum(const dn_i32f32 *x, size_t n);

/* math.rs is_zero: sum(x) == 0 (the wrapping sum, not "all zero"). */
bool dn_mx_is_zero(const dn_i32f32 *x, size_t n);

/* math.rs checked_sum for u64 / u16 items: false on overflow, sum 0 for
 * n == 0. */
bool dn_mx_checked_sum_u64(const uint64_t *x, size_t n, uint64_t *out);
bool dn_mx_checked_sum_u16(const uint16_t *x, size_t n, uint16_t *out);

/* math.rs normalize: out[i] = x[i] safe_div sum(x), or a plain copy when the
 * sum is 0. out may alias x. */
void dn_mx_normalize(const dn_i32f32 *x, size_t n, dn_i32f32 *out);

/* math.rs inplace_normalize (same rule, in place). */
void dn_mx_inplace_normalize(dn_i32f32 *x, size_t n);

/* math.rs inplace_normalize_using_sum: divide by the given sum unless 0. */
void dn_mx_inplace_normalize_using_sum(dn_i32f32 *x, size_t n, dn_i32f32 sum);

/* math.rs inplace_normalize_64: I64F64, wrapping sum, safe_div, sum 0 ->
 * unchanged. */
void dn_mx_inplace_normalize_64(dn_i64f64 *x, size_t n);

/* run_epoch.rs stake step: inplace_normalize_64(x) then
 * vec_fixed64_to_fixed32 into out (x is modified). */
void dn_mx_stake_normalize_64(dn_i64f64 *x, size_t n, dn_i32f32 *out);

/* math.rs vecdiv: out[i] = x[i] safe_div y[i] (missing y -> 0 -> 0).
 * Returns nx (the output length). out may alias x. */
size_t dn_mx_vecdiv(const dn_i32f32 *x, size_t nx, const dn_i32f32 *y, size_t ny, dn_i32f32 *out);

/* math.rs vec_mul: out[i] = checked_mul(a[i], b[i]) or 0 on overflow, for
 * i < min(na, nb). Returns min(na, nb). out may alias a or b. */
size_t dn_mx_vec_mul(const dn_i32f32 *a, size_t na, const dn_i32f32 *b, size_t nb, dn_i32f32 *out);

/* math.rs clamp_value: max(min(value, high), low). */
static inline dn_i32f32 dn_mx_clamp_value(dn_i32f32 value, dn_i32f32 low, dn_i32f32 high)
{
	dn_i32f32 v = value < high ? value : high;
	return v > low ? v : low;
}

/* math.rs is_topk: out[i] true unless i is among the n - k smallest
 * (stable ascending sort: ties clear the lower index first); n < k -> all
 * true. Scratch: n uint32. 0 or DN_MX_ENOSPC. */
int dn_mx_is_topk(const dn_i32f32 *x, size_t n, size_t k, bool *out, struct dn_arena *a);

/* math.rs is_topk_nonzero: like is_topk but starting from x[i] != 0 (so zero
 * entries are never in, even when n < k). */
int dn_mx_is_topk_nonzero(const dn_i32f32 *x, size_t n, size_t k, bool *out, struct dn_arena *a);

/* math.rs vec_max_upscale_to_u16: scale so the max becomes 65535, with the
 * chain's three branches (max 0, max > 32768, otherwise) and round() ties
 * away from zero. out has n entries. */
void dn_mx_vec_max_upscale_to_u16(const dn_i32f32 *x, size_t n, uint16_t *out);

/* math.rs vec_u16_max_upscale_to_u16 (set_weights' transform). out may alias
 * x. */
void dn_mx_vec_u16_max_upscale_to_u16(const uint16_t *x, size_t n, uint16_t *out);

/* math.rs check_vec_max_limited: normalised max <= max_limit / 65535
 * (true for n == 0). */
bool dn_mx_check_vec_max_limited(const uint16_t *x, size_t n, uint16_t max_limit);

/* math.rs inplace_mask_vector: mask[i] (true when i >= mlen) zeroes v[i];
 * ⚠ an empty mask (mlen == 0) leaves v unchanged. */
void dn_mx_inplace_mask_vector(const bool *mask, size_t mlen, dn_i32f32 *v, size_t n);

/* ======================================================================
 * Weighted median
 * ====================================================================== */

/* math.rs weighted_median: the chain's deterministic quickselect. The pivot
 * is the middle element (index len/2) of the current, unsorted partition;
 * elements equal to the pivot go to neither side; lower/upper stake sums
 * saturate; a missing stake/score index reads 0. `idx` (nidx entries,
 * indices into stake/score) is the initial partition. Returns 0 when
 * nstake != nscore (the chain logs and returns 0). Same answer as the
 * chain's loop, in O(n) expected and O(n log n) worst case whenever the
 * stakes are >= 0 and nothing saturates (always the case in the epoch: see
 * mathx.c); otherwise it runs the chain's loop itself. Scratch:
 * 2 * nidx I32F32 + 3 * nidx uint32 + 6 * nidx I32F32. 0 or DN_MX_ENOSPC. */
int dn_mx_weighted_median(const dn_i32f32 *stake, size_t nstake, const dn_i32f32 *score,
			  size_t nscore, const uint32_t *idx, size_t nidx, dn_i32f32 minority,
			  dn_i32f32 partition_lo, dn_i32f32 partition_hi, struct dn_arena *a,
			  dn_i32f32 *median);

/* math.rs weighted_median_col: per column of the dense score matrix
 * (columns = score->cols, 0 if score->rows == 0), over the rows r < nstake
 * with stake[r] > 0 (a row missing from `score` contributes stake 0 and
 * score 0); their stakes are re-normalised, minority = sum - majority
 * (saturating). out gets score->cols entries (columns without participants
 * stay 0). Scratch: O(nstake). 0 or DN_MX_ENOSPC. */
int dn_mx_weighted_median_col(const dn_i32f32 *stake, size_t nstake, const struct dn_mat *score,
			      dn_i32f32 majority, dn_i32f32 *out, struct dn_arena *a);

/* math.rs weighted_median_col_sparse: columns = score->cols. Rows with
 * stake > 0 participate (walking stake and score rows together, stopping at
 * the shorter); absent entries are score 0; a duplicated column in a row:
 * the last one wins; col >= cols ignored. out gets score->cols entries.
 * Scratch: O(cols + nnz + nstake). 0 or DN_MX_ENOSPC. */
int dn_mx_weighted_median_col_sparse(const dn_i32f32 *stake, size_t nstake,
				     const struct dn_sparse *score, dn_i32f32 majority,
				     dn_i32f32 *out, struct dn_arena *a);

/* ======================================================================
 * Dense matrices
 * ====================================================================== */

/* math.rs inplace_row_normalize: rows with (plain) sum > 0 divided by it. */
void dn_mx_inplace_row_normalize(struct dn_mat *m);

/* math.rs inplace_row_normalize_64 on a row-major rows x cols I64F64 array. */
void dn_mx_inplace_row_normalize_64(dn_i64f64 *x, uint32_t rows, uint32_t cols);

/* math.rs row_sum: out[i] = plain row sum. Returns the length: 0 when
 * cols == 0 (chain: first row empty -> []), else rows. */
size_t dn_mx_row_sum(const struct dn_mat *m, dn_i32f32 *out);

/* math.rs inplace_col_normalize: saturating column sums; columns with sum
 * 0 unchanged; safe_div. */
void dn_mx_inplace_col_normalize(struct dn_mat *m);

/* math.rs inplace_col_max_upscale: column max (starting from 0), entries
 * safe_div the max where it is non-zero. */
void dn_mx_inplace_col_max_upscale(struct dn_mat *m);

/* math.rs inplace_col_clip: m[i][j] = min(m[i][j], thr[j]) for j < nthr. */
void dn_mx_inplace_col_clip(struct dn_mat *m, const dn_i32f32 *thr, size_t nthr);

/* math.rs inplace_mask_matrix: mask is row-major mrows x mcols; mask true,
 * or (i, j) outside the mask, zeroes m[i][j]; ⚠ no-op when the mask has no
 * rows or mcols == 0. */
void dn_mx_inplace_mask_matrix(const bool *mask, uint32_t mrows, uint32_t mcols, struct dn_mat *m);

/* math.rs inplace_mask_rows: rows with mask[i] (true when i >= mlen) zeroed. */
void dn_mx_inplace_mask_rows(const bool *mask, size_t mlen, struct dn_mat *m);

/* math.rs inplace_mask_cols: columns with mask[j] (true when j >= mlen)
 * zeroed (⚠ an empty mask zeroes everything). */
void dn_mx_inplace_mask_cols(const bool *mask, size_t mlen, struct dn_mat *m);

/* math.rs inplace_mask_diag: zero the diagonal; no-op unless square and
 * non-empty. */
void dn_mx_inplace_mask_diag(struct dn_mat *m);

/* math.rs inplace_mask_diag_except_index: same, but (except, except) keeps
 * its value. */
void dn_mx_inplace_mask_diag_except_index(struct dn_mat *m, uint32_t except);

/* math.rs row_hadamard: out[i][j] = v[i] saturating_mul m[i][j] for
 * i < min(rows, nv); an empty matrix (rows == 0 or cols == 0) gives 1 x 0.
 * out must not alias m unless out == m (then in place). 0 or DN_MX_ENOSPC. */
int dn_mx_row_hadamard(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, struct dn_mat *out);

/* math.rs mat_vec_mul: out[i][j] = vec_mul(row i, v), so out is rows x
 * min(cols, nv); an empty matrix gives 1 x 0. out may be m. 0 or
 * DN_MX_ENOSPC. */
int dn_mx_mat_vec_mul(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, struct dn_mat *out);

/* math.rs matmul: out[j] = sat-sum over rows i (in order) of
 * v[i] sat_mul m[i][j] (v missing -> 0). Returns cols (0 if rows == 0). */
size_t dn_mx_matmul(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, dn_i32f32 *out);

/* math.rs matmul_transpose: out[i] = sat-sum over j < min(cols, nv) of
 * m[i][j] sat_mul v[j]. Returns rows (0 if rows == 0 or cols == 0). */
size_t dn_mx_matmul_transpose(const struct dn_mat *m, const dn_i32f32 *v, size_t nv,
			      dn_i32f32 *out);

/* math.rs interpolate: ratio == 0 -> copy of a, ratio == 1 -> copy of b;
 * empty a -> 1 x 0; else a's shape with a + ratio * (b - a) (saturating)
 * over the common rows / columns and 0 elsewhere. out must not alias a or
 * b. 0 or DN_MX_ENOSPC. */
int dn_mx_interpolate(const struct dn_mat *a, const struct dn_mat *b, dn_i32f32 ratio,
		      struct dn_mat *out);

/* math.rs mat_ema: alpha * new + (1 - alpha) * old (each product saturating,
 * then saturating add) over min(rows) x min(cols); an empty `new` gives
 * 1 x 0. out may be new. 0 or DN_MX_ENOSPC. */
int dn_mx_mat_ema(const struct dn_mat *new_, const struct dn_mat *old, dn_i32f32 alpha,
		  struct dn_mat *out);

/* math.rs mat_ema_alpha: per-entry alpha, min(1, (1 - a) * old +
 * max(a * new, 0)). Empty new -> 1 x 0; row counts differ -> copy of old;
 * column counts differ -> copy of new. out must not alias the inputs. 0 or
 * DN_MX_ENOSPC. */
int dn_mx_mat_ema_alpha(const struct dn_mat *new_, const struct dn_mat *old,
			const struct dn_mat *alpha, struct dn_mat *out);

/* ======================================================================
 * Sparse matrices
 *
 * "(src, ..., out)" functions: out may be src itself (in place), otherwise
 * it needs rcap >= src->rows and cap >= dn_sparse_nnz(src) unless said
 * otherwise. The output keeps src->cols.
 * ====================================================================== */

/* math.rs inplace_row_normalize_sparse: rows with plain sum > 0 divided. */
void dn_mx_inplace_row_normalize_sparse(struct dn_sparse *m);

/* math.rs row_sum_sparse: out[i] = plain sum of row i. Returns rows. */
size_t dn_mx_row_sum_sparse(const struct dn_sparse *m, dn_i32f32 *out);

/* math.rs inplace_col_normalize_sparse: saturating column sums over
 * col < cols; entries of a column with non-zero sum safe_div it; col >= cols
 * untouched. Scratch: 64 bytes per column. 0 or DN_MX_ENOSPC. */
int dn_mx_inplace_col_normalize_sparse(struct dn_sparse *m, struct dn_arena *a);

/* math.rs inplace_col_max_upscale_sparse: column max (from 0) over col <
 * cols; entries safe_div a non-zero max (explicit zeros stay). Scratch:
 * 64 bytes per column. 0 or DN_MX_ENOSPC. */
int dn_mx_inplace_col_max_upscale_sparse(struct dn_sparse *m, struct dn_arena *a);

/* math.rs mask_rows_sparse: rows with mask[i] (true when i >= mlen) become
 * empty. */
int dn_mx_mask_rows_sparse(const bool *mask, size_t mlen, const struct dn_sparse *src,
			   struct dn_sparse *out);

/* math.rs mask_diag_sparse: drop (i, i). */
int dn_mx_mask_diag_sparse(const struct dn_sparse *src, struct dn_sparse *out);

/* math.rs mask_diag_sparse_except_index: drop (i, i) except (e, e). */
int dn_mx_mask_diag_sparse_except_index(const struct dn_sparse *src, uint32_t except,
					struct dn_sparse *out);

/* Mask predicate of the two vec-mask functions: true drops the entry. */
typedef bool (*dn_mx_mask_fn)(uint64_t a, uint64_t b, void *ctx);

/* math.rs vec_mask_sparse_matrix: drop (i, j) when fn(first[i], second[j])
 * (either read as 0 when out of range). Used for outdated weights
 * (updated <= registered) and commit-reveal (commit < registered). */
int dn_mx_vec_mask_sparse_matrix(const struct dn_sparse *src, const uint64_t *first, size_t nfirst,
				 const uint64_t *second, size_t nsecond, dn_mx_mask_fn fn,
				 void *ctx, struct dn_sparse *out);

/* math.rs scalar_vec_mask_sparse_matrix: drop (i, j) when
 * fn(scalar, vector[j]) (0 when out of range). Used for the recently-
 * registered bonds mask (last_tempo <= registered). */
int dn_mx_scalar_vec_mask_sparse_matrix(const struct dn_sparse *src, uint64_t scalar,
					const uint64_t *vector, size_t nvector, dn_mx_mask_fn fn,
					void *ctx, struct dn_sparse *out);

/* Ready-made predicates: a <= b, a < b. */
bool dn_mx_mask_le(uint64_t a, uint64_t b, void *ctx);
bool dn_mx_mask_lt(uint64_t a, uint64_t b, void *ctx);

/* math.rs row_hadamard_sparse: val saturating_mul v[i]; every entry kept;
 * ⚠ the output has only min(rows, nv) rows. */
int dn_mx_row_hadamard_sparse(const struct dn_sparse *src, const dn_i32f32 *v, size_t nv,
			      struct dn_sparse *out);

/* math.rs mat_vec_mul_sparse: val saturating_mul v[j] for j < nv; entries
 * with j >= nv or a zero product are dropped. */
int dn_mx_mat_vec_mul_sparse(const struct dn_sparse *src, const dn_i32f32 *v, size_t nv,
			     struct dn_sparse *out);

/* math.rs col_clip_sparse: thr = t[j] (0 when j >= nthr); val > thr ->
 * thr if thr > 0, else the entry is dropped; otherwise kept. */
int dn_mx_col_clip_sparse(const struct dn_sparse *src, const dn_i32f32 *thr, size_t nthr,
			  struct dn_sparse *out);

/* math.rs matmul_sparse: out[j], j < cols = sat-sum over rows (in order)
 * of v[i] sat_mul val (v missing -> 0). Returns cols. */
size_t dn_mx_matmul_sparse(const struct dn_sparse *m, const dn_i32f32 *v, size_t nv,
			   dn_i32f32 *out);

/* math.rs matmul_transpose_sparse: out[i] = sat-sum in row order of
 * v[j] sat_mul val (v missing -> 0). Returns rows. */
size_t dn_mx_matmul_transpose_sparse(const struct dn_sparse *m, const dn_i32f32 *v, size_t nv,
				     dn_i32f32 *out);

/* math.rs interpolate_sparse, columns = a->cols: ratio == 0 -> copy of a,
 * ratio == 1 -> copy of b, a->rows != b->rows -> copy of b; otherwise each
 * row densified (duplicates: last wins; col >= columns ignored), a + ratio *
 * (b - a) saturating, entries > 0 emitted in column order. out must not
 * alias a or b; needs rcap >= a->rows (or b's for the copies) and cap >=
 * nnz(a) + nnz(b). Scratch: 2 * columns I32F32 + columns uint32 + bytes. */
int dn_mx_interpolate_sparse(const struct dn_sparse *a, const struct dn_sparse *b, dn_i32f32 ratio,
			     struct dn_sparse *out, struct dn_arena *ar);

/* math.rs mat_ema_sparse: per row, accumulate alpha * new then (1 - alpha) *
 * old (saturating, duplicates add up) into a dense row of width
 * ⚠ new->rows (the chain assumes square; col >= new->rows is ignored), emit
 * entries > 0 in column order. Rows = new->rows (old's missing rows: no
 * decay term). out must not alias; cap >= nnz(new) + nnz(old). Scratch:
 * 13 bytes per row of new. 0 or DN_MX_ENOSPC. */
int dn_mx_mat_ema_sparse(const struct dn_sparse *new_, const struct dn_sparse *old, dn_i32f32 alpha,
			 struct dn_sparse *out, struct dn_arena *ar);

/* math.rs mat_ema_alpha_sparse: alpha is dense (rows x width). Shapes
 * (row counts) differ -> copy of new. Per row: decayed[j] = (1 - a_ij) *
 * old_ij for old entries j < width (assignment: duplicates, last wins);
 * then for each new entry in new's order with j < width: min(1, decayed[j]
 * + max(0, a_ij * new_ij)), emitted if > 0. ⚠ old entries with no new entry
 * vanish. out must not alias; cap >= nnz(new). Scratch: width I32F32.
 * 0 or DN_MX_ENOSPC. */
int dn_mx_mat_ema_alpha_sparse(const struct dn_sparse *new_, const struct dn_sparse *old,
			       const struct dn_mat *alpha, struct dn_sparse *out,
			       struct dn_arena *ar);

/* ======================================================================
 * Liquid alpha (run_epoch.rs; pure math, used by compute_bonds[_sparse])
 * ====================================================================== */

/* Parameters: alpha_low / alpha_high = AlphaValues / 65535 (truncating),
 * steepness = I32F32(AlphaSigmoidSteepness). */
struct dn_mx_liquid {
	dn_i32f32 alpha_low, alpha_high;
	dn_i32f32 steepness;
};

/* run_epoch.rs alpha_sigmoid: diff = clamp(w - c, 0, 1) if w >= b else
 * clamp(b - w, 0, 1); sig = 1 sat_div (1 + exp_safe((k sat_div -100) *
 * (diff - 0.5))); clamp(lo + sig * (hi - lo), lo, hi). */
dn_i32f32 dn_mx_alpha_sigmoid(dn_i32f32 consensus, dn_i32f32 weight, dn_i32f32 bond,
			      const struct dn_mx_liquid *p);

/* alpha_sigmoid's second half: the rate for the combined difference diff
 * (w - c clamped to [0, 1] if w >= b, else b - w clamped), which is all it
 * depends on, so callers may memoise it. */
dn_i32f32 dn_mx_liquid_rate(dn_i32f32 diff, const struct dn_mx_liquid *p);

/* run_epoch.rs compute_liquid_alpha_values (dense): rows = min(w, b rows),
 * row i has min(w cols, b cols, nc) entries; w->rows != b->rows -> 0 x 0.
 * 0 or DN_MX_ENOSPC. */
int dn_mx_liquid_alpha(const struct dn_mat *w, const struct dn_mat *b, const dn_i32f32 *c,
		       size_t nc, const struct dn_mx_liquid *p, struct dn_mat *out);

/* run_epoch.rs compute_liquid_alpha_values_sparse: w->rows != b->rows ->
 * 0 x 0; else min(rows) x nc, looking up (i, j) by the chain's forward walk
 * over each row (⚠ which assumes column-sorted rows: on an unsorted row an
 * entry can be skipped and read as 0; a duplicated column reads the first).
 * Scratch: a small memo of sigmoid results. 0 or DN_MX_ENOSPC. */
int dn_mx_liquid_alpha_sparse(const struct dn_sparse *w, const struct dn_sparse *b,
			      const dn_i32f32 *c, size_t nc, const struct dn_mx_liquid *p,
			      struct dn_mat *out, struct dn_arena *ar);

#endif
