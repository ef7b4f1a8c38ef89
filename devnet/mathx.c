/*
 * The epoch's math helpers (subtensor pallets/subtensor/src/epoch/math.rs
 * and the pure parts of run_epoch.rs), bit for bit. See mathx.h for the
 * contracts; this file keeps the chain's order of operations and its
 * saturating / checked / safe_div choice per operation. Inner loops use
 * 64-bit arithmetic where it provably gives the same bits.
 */
#include "devnet/mathx.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

#define ONE DN_FX_ONE
#define U16MAX_FX ((dn_i32f32)65535 << 32)

/* ---- small exact helpers ------------------------------------------------ */

/* The release-build `+` of a plain `.sum()`: two's-complement wrap. */
static inline dn_i64f64 wadd128(dn_i64f64 a, dn_i64f64 b)
{
	return (dn_i64f64)((dn_u128)a + (dn_u128)b);
}

static dn_i32f32 wsum(const dn_i32f32 *x, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (uint64_t)x[i];
	return (dn_i32f32)s;
}

/* Hot helpers that must inline into the per-entry loops. */
#define HOT static inline __attribute__((always_inline))

/* FixedExt::safe_div. When |a| < 2^31 the numerator a * 2^32 fits in 63
 * bits, so the 64-bit quotient is exact and cannot overflow. */
HOT dn_i32f32 sdiv(dn_i32f32 a, dn_i32f32 b)
{
	if (b != 0 && a > -((dn_i32f32)1 << 31) && a < ((dn_i32f32)1 << 31))
		return (a * ((dn_i32f32)1 << 32)) / b;
	return dn_fx_safe_div(a, b);
}

/*
 * Exact unsigned division by an invariant divisor (Granlund-Montgomery,
 * in libdivide's formulation): a multiply-high and a shift instead of a
 * hardware division, giving floor(n / d) for every 64-bit n.
 */
struct udiv {
	uint64_t magic;
	unsigned shift;
	int kind; /* 0: multiply-shift, 1: with the 65th bit, 2: power of 2 */
};

static void udiv_gen(struct udiv *u, uint64_t d)
{
	unsigned l = 63u - (unsigned)__builtin_clzll(d);
	u->shift = l;
	if ((d & (d - 1)) == 0) {
		u->kind = 2;
		u->magic = 0;
		return;
	}
	dn_u128 num = (dn_u128)1 << (64 + l);
	uint64_t m = (uint64_t)(num / d), rem = (uint64_t)(num % d);
	if (d - rem < ((uint64_t)1 << l)) {
		u->kind = 0;
	} else {
		uint64_t twice = rem + rem;
		m += m;
		if (twice >= d || twice < rem)
			m += 1;
		u->kind = 1;
	}
	u->magic = m + 1;
}

HOT uint64_t udiv_do(const struct udiv *u, uint64_t n)
{
	if (u->kind == 2)
		return n >> u->shift;
	uint64_t q = (uint64_t)(((dn_u128)u->magic * n) >> 64);
	if (u->kind == 0)
		return q >> u->shift;
	return (((n - q) >> 1) + q) >> u->shift;
}

/* The invariant division of mathx.h: l = ceil(log2 d), m = ceil(2^(63+l)
 * / d), shift l - 1 (l >= 1 as d >= 2). 2^(63+l) / d is in [2^63, 2^64)
 * because 2^(l-1) < d <= 2^l. */
void dn_mx_udiv_init(struct dn_mx_udiv *u, uint64_t d)
{
	unsigned l = 64u - (unsigned)__builtin_clzll(d - 1);
	/* 2^(63+l) = (2^(l-1) : 0) with 2^(l-1) < d: one 128/64 division; the
	 * remainder is -m d mod 2^64 */
	uint64_t m = 0;
	dn_udiv128_64((uint64_t)1 << (l - 1), 0, d, &m);
	u->magic = m + (m * d != 0);
	u->shift = l - 1;
}

/*
 * safe_div of many numerators by one divisor b, bit for bit as sdiv, for
 * the normalisations. With 0 <= a and b > 0 the quotient is floor(a 2^32 /
 * b): when a < 2^32 the numerator fits in 64 bits and one invariant
 * division by b does it; when b has tz >= 8 trailing zeros (u16 weights
 * held as integers have 32) and 2^tz divides a, floor(a 2^32 / b) =
 * floor((a / 2^tz) 2^32 / (b / 2^tz)) often fits too. Everything else goes
 * to sdiv.
 */
struct fdiv {
	dn_i32f32 b;
	unsigned tz; /* 0 when the reduced divisor is not set up */
	uint64_t mask;
	struct udiv full, red;
};

static void fdiv_init(struct fdiv *f, dn_i32f32 b)
{
	f->b = b;
	f->tz = 0;
	if (b <= 0)
		return;
	udiv_gen(&f->full, (uint64_t)b);
	unsigned tz = (unsigned)__builtin_ctzll((uint64_t)b);
	f->tz = tz < 8 ? 0 : tz > 32 ? 32 : tz;
	f->mask = ((uint64_t)1 << f->tz) - 1;
	if (f->tz)
		udiv_gen(&f->red, (uint64_t)b >> f->tz);
}

HOT dn_i32f32 fdiv_q(uint64_t q) { return q > (uint64_t)INT64_MAX ? 0 : (dn_i32f32)q; }

HOT dn_i32f32 fdiv_do(const struct fdiv *f, dn_i32f32 a)
{
	if (f->b > 0 && a >= 0) {
		uint64_t ua = (uint64_t)a;
		if (ua < ((uint64_t)1 << 32))
			return fdiv_q(udiv_do(&f->full, ua << 32));
		if (f->tz && (ua & f->mask) == 0 && (ua >> f->tz) < ((uint64_t)1 << 32))
			return fdiv_q(udiv_do(&f->red, (ua >> f->tz) << 32));
	}
	return sdiv(a, f->b);
}

static inline dn_i32f32 smul(dn_i32f32 a, dn_i32f32 b) { return dn_fx_sat_mul(a, b); }
static inline dn_i32f32 sadd(dn_i32f32 a, dn_i32f32 b) { return dn_fx_sat_add(a, b); }
static inline dn_i32f32 ssub(dn_i32f32 a, dn_i32f32 b) { return dn_fx_sat_sub(a, b); }

/* get_safe(slice, idx): out of range reads 0. */
static inline dn_i32f32 get0(const dn_i32f32 *x, size_t n, size_t i) { return i < n ? x[i] : 0; }

/* ---- errors ------------------------------------------------------------- */

const char *dn_mx_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_MX_ENOSPC: return "scratch arena or output capacity exhausted";
	default: return "unknown error";
	}
}

/* ---- arena --------------------------------------------------------------- */

void dn_arena_init(struct dn_arena *a, void *buf, size_t size)
{
	a->base = buf;
	a->size = buf ? size : 0;
	a->used = 0;
}

void dn_arena_reset(struct dn_arena *a) { a->used = 0; }

void *dn_arena_alloc(struct dn_arena *a, size_t n)
{
	if (a->base == NULL)
		return NULL;
	uintptr_t p = (uintptr_t)(a->base + a->used);
	size_t pad = (size_t)((16 - (p & 15)) & 15);
	if (pad > a->size - a->used || n > a->size - a->used - pad)
		return NULL;
	void *r = a->base + a->used + pad;
	a->used += pad + n;
	return r;
}

#define ARENA_NEW(a, type, n) ((type *)dn_arena_alloc((a), sizeof(type) * (size_t)(n)))

size_t dn_mx_scratch_bytes(uint32_t rows, uint32_t cols, size_t nnz)
{
	size_t r = (rows > cols ? rows : cols) + (size_t)1;
	/* the largest single user is weighted_median_col_sparse: per vector
	 * element 8 + 8 + 4 (stake, column buffer, iota), per column 4, per
	 * entry 12, plus weighted_median's lists; liquid alpha's memo is
	 * 8.7 KB; every allocation may pad by 15 bytes. */
	return 96 * r + 64 * (size_t)cols + 16 * nnz + 16384;
}

/* ---- allocation of matrices (out of memory aborts in xcalloc) ---------- */

void dn_mat_init(struct dn_mat *m, uint32_t rows, uint32_t cols)
{
	m->rows = rows;
	m->cols = cols;
	m->cap = (size_t)rows * cols;
	m->v = xcalloc(m->cap, sizeof(dn_i32f32));
}

void dn_mat_release(struct dn_mat *m)
{
	free(m->v);
	m->v = NULL;
	m->rows = m->cols = 0;
	m->cap = 0;
}

static int mat_shape(struct dn_mat *m, uint32_t rows, uint32_t cols)
{
	if ((size_t)rows * cols > m->cap)
		return DN_MX_ENOSPC;
	m->rows = rows;
	m->cols = cols;
	return 0;
}

int dn_mat_copy(struct dn_mat *dst, const struct dn_mat *src)
{
	if (dst == src)
		return 0;
	if (mat_shape(dst, src->rows, src->cols))
		return DN_MX_ENOSPC;
	if ((size_t)src->rows * src->cols != 0)
		memmove(dst->v, src->v, sizeof(dn_i32f32) * src->rows * src->cols);
	return 0;
}

void dn_sparse_init(struct dn_sparse *m, uint32_t rows, uint32_t cols, uint32_t cap)
{
	m->rows = rows;
	m->cols = cols;
	m->cap = cap;
	m->rcap = rows;
	m->start = xcalloc((size_t)rows + 1, sizeof(uint32_t));
	m->col = xcalloc(cap, sizeof(uint32_t));
	m->val = xcalloc(cap, sizeof(dn_i32f32));
}

void dn_sparse_release(struct dn_sparse *m)
{
	free(m->start);
	free(m->col);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* While building, start[rows + 1] (when rows < rcap) is the end of the
 * open row, i.e. the number of entries pushed so far. */
void dn_sparse_reset(struct dn_sparse *m, uint32_t cols)
{
	m->rows = 0;
	m->cols = cols;
	m->start[0] = 0;
	if (m->rcap > 0)
		m->start[1] = 0;
}

int dn_sparse_push(struct dn_sparse *m, uint32_t col, dn_i32f32 val)
{
	if (m->rows >= m->rcap)
		return DN_MX_ENOSPC;
	uint32_t k = m->start[m->rows + 1];
	if (k >= m->cap)
		return DN_MX_ENOSPC;
	m->col[k] = col;
	m->val[k] = val;
	m->start[m->rows + 1] = k + 1;
	return 0;
}

int dn_sparse_end_row(struct dn_sparse *m)
{
	if (m->rows >= m->rcap)
		return DN_MX_ENOSPC;
	m->rows++;
	if (m->rows < m->rcap)
		m->start[m->rows + 1] = m->start[m->rows];
	return 0;
}

int dn_sparse_append_row(struct dn_sparse *m, const uint32_t *col, const dn_i32f32 *val, uint32_t n)
{
	if (m->rows >= m->rcap || m->cap - m->start[m->rows + 1] < n)
		return DN_MX_ENOSPC;
	for (uint32_t k = 0; k < n; k++)
		dn_sparse_push(m, col[k], val[k]);
	return dn_sparse_end_row(m);
}

int dn_sparse_copy(struct dn_sparse *dst, const struct dn_sparse *src)
{
	if (dst == src)
		return 0;
	uint32_t nnz = dn_sparse_nnz(src);
	if (dst->rcap < src->rows || dst->cap < nnz)
		return DN_MX_ENOSPC;
	memmove(dst->start, src->start, sizeof(uint32_t) * ((size_t)src->rows + 1));
	if (nnz) {
		memmove(dst->col, src->col, sizeof(uint32_t) * nnz);
		memmove(dst->val, src->val, sizeof(dn_i32f32) * nnz);
	}
	dst->rows = src->rows;
	dst->cols = src->cols;
	return 0;
}

/* Output of a "(src, ..., out)" function: out == src is in place (every
 * write index <= the read index), otherwise out needs the room. */
static int sparse_out_check(const struct dn_sparse *src, const struct dn_sparse *out, uint32_t rows)
{
	if (out == src)
		return 0;
	if (out->rcap < rows || out->cap < dn_sparse_nnz(src))
		return DN_MX_ENOSPC;
	return 0;
}

/* ======================================================================
 * Conversions
 * ====================================================================== */

/* subtensor math.rs fixed64_to_u64 */
uint64_t dn_mx_fixed64_to_u64(dn_i64f64 x) { return x < 0 ? 0 : (uint64_t)(x >> 64); }

/* I96F32 saturating_to_num::<u64> (run_epoch.rs emission, test_math_to_num) */
uint64_t dn_mx_fixed96_to_u64(dn_i96f32 x)
{
	if (x < 0)
		return 0;
	dn_i128 v = x >> 32;
	return v > (dn_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* subtensor math.rs fixed_to_fixed_u16_proportion */
dn_i32f32 dn_mx_fixed_to_fixed_u16_proportion(dn_i32f32 x) { return sdiv(x, U16MAX_FX); }

/* I64F64::saturating_from_num(u64) */
dn_i64f64 dn_mx_fixed64_from_u64(uint64_t v)
{
	if (v >= (uint64_t)1 << 63)
		return DN_I128_MAX;
	return (dn_i64f64)v * ((dn_i128)1 << 64);
}

/* subtensor math.rs vec_fixed64_to_fixed32 */
void dn_mx_vec_fixed64_to_fixed32(const dn_i64f64 *x, size_t n, dn_i32f32 *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = dn_fx64_to_fx(x[i]);
}

/* subtensor math.rs vec_fixed32_to_fixed64 */
void dn_mx_vec_fixed32_to_fixed64(const dn_i32f32 *x, size_t n, dn_i64f64 *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = dn_fx64_from_fx(x[i]);
}

/* subtensor math.rs vec_fixed64_to_u64 */
void dn_mx_vec_fixed64_to_u64(const dn_i64f64 *x, size_t n, uint64_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = dn_mx_fixed64_to_u64(x[i]);
}

/* subtensor math.rs vec_fixed32_to_u64 */
void dn_mx_vec_fixed32_to_u64(const dn_i32f32 *x, size_t n, uint64_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = dn_fx_to_u64(x[i]);
}

/* subtensor math.rs vec_fixed_proportions_to_u16 */
void dn_mx_vec_fixed_proportions_to_u16(const dn_i32f32 *x, size_t n, uint16_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = dn_fx_to_u16_proportion(x[i]);
}

/* run_epoch.rs: I96F32(share).saturating_mul(I96F32(rao)).saturating_to_num
 * ::<u64>(). The I96F32 product's raw bits are share * rao (rao has no
 * fraction), which is < 2^127, so it never saturates; flooring to an
 * integer is >> 32. */
uint64_t dn_mx_share_to_rao(dn_i32f32 share, uint64_t rao)
{
	if (share <= 0)
		return 0;
	dn_u128 p = ((dn_u128)(uint64_t)share * rao) >> 32;
	return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

/* run_epoch.rs compute_ema_bonds_normal_sparse / compute_disabled_liquid_alpha */
dn_i32f32 dn_mx_ema_alpha_from_bma(uint64_t bma)
{
	dn_i64f64 a =
		dn_fx64_safe_div(dn_mx_fixed64_from_u64(bma), dn_mx_fixed64_from_u64(1000000));
	return ssub(ONE, dn_fx64_to_fx(a));
}

/* ======================================================================
 * Vectors
 * ====================================================================== */

/* subtensor math.rs sum */
dn_i32f32 dn_mx_sum(const dn_i32f32 *x, size_t n) { return wsum(x, n); }

/* subtensor math.rs is_zero */
bool dn_mx_is_zero(const dn_i32f32 *x, size_t n) { return wsum(x, n) == 0; }

/* subtensor math.rs checked_sum */
bool dn_mx_checked_sum_u64(const uint64_t *x, size_t n, uint64_t *out)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(s, x[i], &s))
			return false;
	*out = s;
	return true;
}

bool dn_mx_checked_sum_u16(const uint16_t *x, size_t n, uint16_t *out)
{
	uint16_t s = 0;
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(s, x[i], &s))
			return false;
	*out = s;
	return true;
}

/* subtensor math.rs normalize */
void dn_mx_normalize(const dn_i32f32 *x, size_t n, dn_i32f32 *out)
{
	dn_i32f32 s = wsum(x, n);
	struct fdiv f;
	fdiv_init(&f, s);
	for (size_t i = 0; i < n; i++)
		out[i] = s != 0 ? fdiv_do(&f, x[i]) : x[i];
}

/* subtensor math.rs inplace_normalize */
void dn_mx_inplace_normalize(dn_i32f32 *x, size_t n)
{
	dn_mx_inplace_normalize_using_sum(x, n, wsum(x, n));
}

/* subtensor math.rs inplace_normalize_using_sum */
void dn_mx_inplace_normalize_using_sum(dn_i32f32 *x, size_t n, dn_i32f32 sum)
{
	if (sum == 0)
		return;
	struct fdiv f;
	fdiv_init(&f, sum);
	for (size_t i = 0; i < n; i++)
		x[i] = fdiv_do(&f, x[i]);
}

/* One step of Knuth's division with 64-bit digits: the 3-digit (u2:u1:u0)
 * by the normalised 2-digit v = (v1:v0) (top bit of v1 set), where
 * (u2:u1) < v. Returns the quotient digit, *rem the 128-bit remainder. */
static uint64_t knuth_step(uint64_t u2, uint64_t u1, uint64_t u0, dn_u128 v, dn_u128 *rem)
{
	uint64_t v1 = (uint64_t)(v >> 64), v0 = (uint64_t)v;
	dn_u128 num = ((dn_u128)u2 << 64) | u1;
	dn_u128 qhat = num / v1, rhat = num % v1;
	while ((qhat >> 64) != 0 || qhat * v0 > ((rhat << 64) | u0)) {
		qhat--;
		rhat += v1;
		if ((rhat >> 64) != 0)
			break;
	}
	/* (u2:u1:u0) - qhat * v, three digits with borrow */
	dn_u128 t0 = qhat * v0;
	dn_u128 t1 = qhat * v1 + (t0 >> 64);
	dn_u128 ul = ((dn_u128)u1 << 64) | u0, pl = (t1 << 64) | (uint64_t)t0;
	dn_u128 rl = ul - pl;
	uint64_t p2 = (uint64_t)(t1 >> 64);
	bool negative = (dn_u128)u2 < (dn_u128)p2 + (ul < pl);
	if (negative) { /* qhat was one too large: add v back */
		qhat--;
		rl += v;
	}
	*rem = rl;
	return (uint64_t)qhat;
}

/* floor(a * 2^64 / b) for b > 0; false if it needs more than 127 bits. */
static bool udiv_shl64(dn_u128 a, dn_u128 b, dn_u128 *q)
{
	uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64);
	if (b1 == 0) {
		uint64_t b0 = (uint64_t)b;
		if (a1 >= b0)
			return false;
		dn_u128 hi = ((dn_u128)a1 << 64) | a0;
		uint64_t q1 = (uint64_t)(hi / b0), r1 = (uint64_t)(hi % b0);
		uint64_t q0 = (uint64_t)(((dn_u128)r1 << 64) / b0);
		*q = ((dn_u128)q1 << 64) | q0;
		return (*q >> 127) == 0;
	}
	int s = __builtin_clzll(b1);
	dn_u128 v = b << s;
	uint64_t u3 = s ? a1 >> (64 - s) : 0;
	uint64_t u2 = (a1 << s) | (s ? a0 >> (64 - s) : 0);
	uint64_t u1 = a0 << s;
	dn_u128 r;
	uint64_t q1 = knuth_step(u3, u2, u1, v, &r);
	uint64_t q0 = knuth_step((uint64_t)(r >> 64), (uint64_t)r, 0, v, &r);
	*q = ((dn_u128)q1 << 64) | q0;
	return (*q >> 127) == 0;
}

/* FixedExt::safe_div on I64F64, with a 64-bit-digit long division for the
 * usual non-negative operands (fixed.c's general path is bit-serial). */
static dn_i64f64 sdiv64(dn_i64f64 a, dn_i64f64 b)
{
	dn_u128 q;
	if (a == 0)
		return 0; /* 0 / b = 0, and safe_div(0, 0) = 0 */
	if (a >= 0 && b > 0)
		return udiv_shl64((dn_u128)a, (dn_u128)b, &q) ? (dn_i64f64)q : 0;
	return dn_fx64_safe_div(a, b);
}

/* subtensor math.rs inplace_normalize_64 */
void dn_mx_inplace_normalize_64(dn_i64f64 *x, size_t n)
{
	dn_i64f64 s = 0;
	for (size_t i = 0; i < n; i++)
		s = wadd128(s, x[i]);
	if (s == 0)
		return;
	for (size_t i = 0; i < n; i++)
		x[i] = sdiv64(x[i], s);
}

/* run_epoch.rs: inplace_normalize_64(filtered_stake), then
 * vec_fixed64_to_fixed32 */
void dn_mx_stake_normalize_64(dn_i64f64 *x, size_t n, dn_i32f32 *out)
{
	dn_mx_inplace_normalize_64(x, n);
	dn_mx_vec_fixed64_to_fixed32(x, n, out);
}

/* subtensor math.rs vecdiv */
size_t dn_mx_vecdiv(const dn_i32f32 *x, size_t nx, const dn_i32f32 *y, size_t ny, dn_i32f32 *out)
{
	for (size_t i = 0; i < nx; i++)
		out[i] = sdiv(x[i], get0(y, ny, i));
	return nx;
}

/* subtensor math.rs vec_mul: checked_mul, overflow -> 0 */
size_t dn_mx_vec_mul(const dn_i32f32 *a, size_t na, const dn_i32f32 *b, size_t nb, dn_i32f32 *out)
{
	size_t n = na < nb ? na : nb;
	for (size_t i = 0; i < n; i++) {
		dn_i32f32 r;
		out[i] = dn_fx_checked_mul(a[i], b[i], &r) ? r : 0;
	}
	return n;
}

/* ---- index sorting (heapsort: O(n log n), no recursion) ---------------- */

/* Order of index p before q: by key, then by index (so the order is the
 * one a stable ascending sort by key gives). */
static inline bool key_less(const dn_i32f32 *key, uint32_t p, uint32_t q)
{
	return key[p] < key[q] || (key[p] == key[q] && p < q);
}

static void sift_down(uint32_t *ix, size_t root, size_t n, const dn_i32f32 *key)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && key_less(key, ix[c], ix[c + 1]))
			c++;
		if (!key_less(key, ix[root], ix[c]))
			return;
		uint32_t t = ix[root];
		ix[root] = ix[c];
		ix[c] = t;
		root = c;
	}
}

static void sort_by_key(uint32_t *ix, size_t n, const dn_i32f32 *key)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(ix, i, n, key);
	for (size_t end = n; end > 1; end--) {
		uint32_t t = ix[0];
		ix[0] = ix[end - 1];
		ix[end - 1] = t;
		sift_down(ix, 0, end - 1, key);
	}
}

/* Sort small sets of column indices ascending (insertion sort; callers
 * use it only for short lists). */
static void sort_u32_small(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* subtensor math.rs is_topk / is_topk_nonzero: clear the first n - k of a
 * stable ascending sort */
static int topk_clear(const dn_i32f32 *x, size_t n, size_t k, bool *out, struct dn_arena *a)
{
	if (n <= k)
		return 0; /* n < k: nothing cleared; n == k: the first 0 */
	size_t mark = dn_arena_mark(a);
	uint32_t *ix = ARENA_NEW(a, uint32_t, n);
	if (ix == NULL)
		return DN_MX_ENOSPC;
	for (size_t i = 0; i < n; i++)
		ix[i] = (uint32_t)i;
	sort_by_key(ix, n, x);
	for (size_t i = 0; i < n - k; i++)
		out[ix[i]] = false;
	dn_arena_rewind(a, mark);
	return 0;
}

/* subtensor math.rs is_topk */
int dn_mx_is_topk(const dn_i32f32 *x, size_t n, size_t k, bool *out, struct dn_arena *a)
{
	for (size_t i = 0; i < n; i++)
		out[i] = true;
	return topk_clear(x, n, k, out, a);
}

/* subtensor math.rs is_topk_nonzero. With no negative value and at most
 * k non-zero ones, the n - k smallest of the sort are zeros, already
 * false: nothing to sort (the usual stake vector). */
int dn_mx_is_topk_nonzero(const dn_i32f32 *x, size_t n, size_t k, bool *out, struct dn_arena *a)
{
	size_t nonzero = 0;
	bool negative = false;
	for (size_t i = 0; i < n; i++) {
		out[i] = x[i] != 0;
		nonzero += out[i];
		negative |= x[i] < 0;
	}
	if (!negative && nonzero <= k)
		return 0;
	return topk_clear(x, n, k, out, a);
}

/* ---- max upscale ---------------------------------------------------------- */

/* One element of subtensor math.rs vec_max_upscale_to_u16, given the max. */
static uint16_t upscale_one(dn_i32f32 e, dn_i32f32 max)
{
	if (max == 0)
		return dn_fx_to_u16(smul(e, U16MAX_FX));
	if (max > ((dn_i32f32)32768 << 32))
		return dn_fx_to_u16(dn_fx_round(smul(e, sdiv(U16MAX_FX, max))));
	return dn_fx_to_u16(dn_fx_round(sdiv(smul(e, U16MAX_FX), max)));
}

/* subtensor math.rs vec_max_upscale_to_u16 (the empty case yields nothing) */
void dn_mx_vec_max_upscale_to_u16(const dn_i32f32 *x, size_t n, uint16_t *out)
{
	if (n == 0)
		return;
	dn_i32f32 max = x[0];
	for (size_t i = 1; i < n; i++)
		max = x[i] > max ? x[i] : max;
	for (size_t i = 0; i < n; i++)
		out[i] = upscale_one(x[i], max);
}

/* subtensor math.rs vec_u16_max_upscale_to_u16 */
void dn_mx_vec_u16_max_upscale_to_u16(const uint16_t *x, size_t n, uint16_t *out)
{
	if (n == 0)
		return;
	uint16_t max = x[0];
	for (size_t i = 1; i < n; i++)
		max = x[i] > max ? x[i] : max;
	for (size_t i = 0; i < n; i++)
		out[i] = upscale_one(dn_fx_from_u16(x[i]), dn_fx_from_u16(max));
}

/* subtensor math.rs check_vec_max_limited */
bool dn_mx_check_vec_max_limited(const uint16_t *x, size_t n, uint16_t max_limit)
{
	if (n == 0)
		return true;
	dn_i32f32 limit = dn_fx_from_u16_proportion(max_limit);
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += (uint64_t)dn_fx_from_u16(x[i]);
	dn_i32f32 sum = (dn_i32f32)s, max = DN_FX_MIN;
	for (size_t i = 0; i < n; i++) {
		dn_i32f32 v = dn_fx_from_u16(x[i]);
		if (sum != 0)
			v = sdiv(v, sum);
		max = v > max ? v : max;
	}
	return max <= limit;
}

/* subtensor math.rs inplace_mask_vector */
void dn_mx_inplace_mask_vector(const bool *mask, size_t mlen, dn_i32f32 *v, size_t n)
{
	if (mlen == 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (i >= mlen || mask[i])
			v[i] = 0;
}

/* ======================================================================
 * Weighted median
 * ====================================================================== */

/*
 * Closed form of the chain's search from a consistent state.
 *
 * Call the state (lo, hi, cur) consistent when every stake in cur is >= 0,
 * hi = lo + stake(cur) exactly and lo + stake(cur) fits, so that no
 * saturating operation of the chain's loop can saturate. Let the distinct
 * scores of cur be v_0 < ... < v_t-1 and c_k = lo + stake(score <= v_k).
 * With pivot v_k the chain goes lower iff k > 0 and minority < c_k-1, goes
 * upper iff k < t-1 and c_k <= minority, and returns v_k otherwise; both
 * moves keep the state consistent and the c values unchanged. c is
 * non-decreasing, so exactly one k returns: the first with c_k > minority,
 * else the last, whatever the pivots. The column medians start consistent
 * (lo = 0, hi = the stake sum); a caller-given (lo, hi) becomes consistent
 * after the chain's first step. From there we select that k directly (a
 * weighted quickselect), instead of running the chain's middle-pivot
 * search, which is quadratic on some inputs.
 */

/* Three buffers of (score, stake) pairs for the selection. */
struct wsel {
	dn_i32f32 *s[3], *w[3];
};

static int wsel_init(struct wsel *x, size_t n, struct dn_arena *a)
{
	for (int b = 0; b < 3; b++) {
		x->s[b] = ARENA_NEW(a, dn_i32f32, n);
		x->w[b] = ARENA_NEW(a, dn_i32f32, n);
		if (x->s[b] == NULL || x->w[b] == NULL)
			return DN_MX_ENOSPC;
	}
	return 0;
}

static void pair_sift(dn_i32f32 *s, dn_i32f32 *w, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && s[c] < s[c + 1])
			c++;
		if (s[root] >= s[c])
			return;
		dn_i32f32 t = s[root];
		s[root] = s[c];
		s[c] = t;
		t = w[root];
		w[root] = w[c];
		w[c] = t;
		root = c;
	}
}

/* The selection by sorting: the guaranteed O(n log n) fallback. */
static dn_i32f32 wsel_sorted(dn_i32f32 *s, dn_i32f32 *w, size_t n, int64_t target)
{
	for (size_t i = n / 2; i-- > 0;)
		pair_sift(s, w, i, n);
	for (size_t end = n; end > 1; end--) {
		dn_i32f32 t = s[0];
		s[0] = s[end - 1];
		s[end - 1] = t;
		t = w[0];
		w[0] = w[end - 1];
		w[end - 1] = t;
		pair_sift(s, w, 0, end - 1);
	}
	int64_t c = 0;
	for (size_t k = 0; k < n;) {
		dn_i32f32 v = s[k];
		for (; k < n && s[k] == v; k++)
			c += w[k];
		if (c > target || k == n)
			return v;
	}
	return 0;
}

static inline dn_i32f32 med3(dn_i32f32 a, dn_i32f32 b, dn_i32f32 c)
{
	if (a > b) {
		dn_i32f32 t = a;
		a = b;
		b = t;
	}
	return c <= a ? a : c >= b ? b : c;
}

/* Three-way partition around p, branch-free (write both sides, advance
 * one): scores below p to (ls, lw), above to (us, uw), with the stake sums
 * of the lower and the equal part. */
struct part {
	size_t nl, nu;
	int64_t wl, we;
};

static void partition3(const dn_i32f32 *restrict s, const dn_i32f32 *restrict w, size_t n,
		       dn_i32f32 p, dn_i32f32 *restrict ls, dn_i32f32 *restrict lw,
		       dn_i32f32 *restrict us, dn_i32f32 *restrict uw, struct part *out)
{
	size_t nl = 0, nu = 0;
	int64_t wl = 0, we = 0;
	for (size_t k = 0; k < n; k++) {
		dn_i32f32 v = s[k], m = w[k];
		int64_t lt = (v < p), gt = (v > p);
		ls[nl] = v;
		lw[nl] = m;
		nl += (size_t)lt;
		us[nu] = v;
		uw[nu] = m;
		nu += (size_t)gt;
		wl += m & -lt;
		we += m & -(1 - lt - gt);
	}
	out->nl = nl;
	out->nu = nu;
	out->wl = wl;
	out->we = we;
}

/* The first score v (ascending) with stake(score <= v) > target, else the
 * largest score, over the n pairs (s0[k], w0[k]). Stakes are >= 0 and their
 * sum `total` fits in 63 bits. The pairs are read in place: they are
 * either outside x (src0 = -1) or x's buffer src0. */
static dn_i32f32 wsel_answer(struct wsel *x, const dn_i32f32 *s0, const dn_i32f32 *w0, int src0,
			     size_t n, dn_i128 target128, int64_t total)
{
	if (target128 >= total) {
		dn_i32f32 mx = s0[0];
		for (size_t k = 1; k < n; k++)
			mx = s0[k] > mx ? s0[k] : mx;
		return mx;
	}
	int64_t target = target128 < 0 ? -1 : (int64_t)target128;
	size_t work = 0, limit = 8 * n + 64;
	const dn_i32f32 *s = s0, *w = w0;
	int src = src0;
	for (;;) {
		if (n == 1)
			return s[0];
		if (work > limit) {
			if (src < 0) {
				memcpy(x->s[0], s, sizeof(dn_i32f32) * n);
				memcpy(x->w[0], w, sizeof(dn_i32f32) * n);
				src = 0;
			}
			return wsel_sorted(x->s[src], x->w[src], n, target);
		}
		work += n;
		dn_i32f32 p = med3(s[0], s[n / 2], s[n - 1]);
		int l = src < 0 ? 0 : (src + 1) % 3, u = src < 0 ? 1 : (src + 2) % 3;
		struct part pt;
		partition3(s, w, n, p, x->s[l], x->w[l], x->s[u], x->w[u], &pt);
		size_t nl = pt.nl, nu = pt.nu;
		int64_t wl = pt.wl, we = pt.we;
		if (wl > target && nl > 0) {
			src = l;
			n = nl;
		} else if (wl + we > target || nu == 0) {
			return p;
		} else {
			target -= wl + we;
			src = u;
			n = nu;
		}
		s = x->s[src];
		w = x->w[src];
	}
}

/* Whether state (lo, hi, cur) is consistent; *total = stake(cur). */
static bool median_consistent(const dn_i32f32 *st, const uint32_t *cur, size_t n, dn_i32f32 lo,
			      dn_i32f32 hi, int64_t *total)
{
	dn_i128 t = 0;
	for (size_t k = 0; k < n; k++) {
		if (st[cur[k]] < 0)
			return false;
		t += st[cur[k]];
	}
	*total = (int64_t)(t <= DN_FX_MAX ? t : 0);
	return t <= DN_FX_MAX && (dn_i128)lo + t <= DN_FX_MAX && (dn_i128)hi - lo == t;
}

/*
 * subtensor math.rs weighted_median, on dense local arrays sc/st (the
 * caller resolved get_safe), starting from partition cur[0..cnt). `cur`,
 * `lower`, `upper` each hold cnt indices; x has room for cnt pairs.
 */
static dn_i32f32 median_run(const dn_i32f32 *sc, const dn_i32f32 *st, uint32_t *cur,
			    uint32_t *lower, uint32_t *upper, size_t cnt, dn_i32f32 minority,
			    dn_i32f32 lo, dn_i32f32 hi, struct wsel *x)
{
	const size_t limit = cnt;
	size_t iter = 0;
	for (;;) {
		if (cnt == 0)
			return 0;
		if (cnt == 1)
			return sc[cur[0]];
		int64_t total;
		/* consistent at the start, or after the first step */
		if (iter < 2 && median_consistent(st, cur, cnt, lo, hi, &total)) {
			for (size_t k = 0; k < cnt; k++) {
				x->s[0][k] = sc[cur[k]];
				x->w[0][k] = st[cur[k]];
			}
			return wsel_answer(x, x->s[0], x->w[0], 0, cnt, (dn_i128)minority - lo,
					   total);
		}
		dn_i32f32 pivot = sc[cur[cnt / 2]];
		dn_i32f32 lo_stake = 0, hi_stake = 0;
		size_t nl = 0, nu = 0;
		for (size_t k = 0; k < cnt; k++) {
			uint32_t i = cur[k];
			dn_i32f32 s = sc[i];
			if (s == pivot)
				continue;
			if (s < pivot) {
				lo_stake = sadd(lo_stake, st[i]);
				lower[nl++] = i;
			} else {
				hi_stake = sadd(hi_stake, st[i]);
				upper[nu++] = i;
			}
		}
		uint32_t *t = cur;
		if (minority < sadd(lo, lo_stake) && nl > 0) {
			hi = sadd(lo, lo_stake);
			cur = lower;
			lower = t;
			cnt = nl;
		} else if (ssub(hi, hi_stake) <= minority && nu > 0) {
			lo = ssub(hi, hi_stake);
			cur = upper;
			upper = t;
			cnt = nu;
		} else {
			return pivot;
		}
		/* the chain's safety limit (unreachable: cur shrinks every step) */
		if (++iter > limit)
			return 0;
	}
}

/* subtensor math.rs weighted_median */
int dn_mx_weighted_median(const dn_i32f32 *stake, size_t nstake, const dn_i32f32 *score,
			  size_t nscore, const uint32_t *idx, size_t nidx, dn_i32f32 minority,
			  dn_i32f32 partition_lo, dn_i32f32 partition_hi, struct dn_arena *a,
			  dn_i32f32 *median)
{
	*median = 0;
	if (nstake != nscore || nidx == 0)
		return 0;
	size_t mark = dn_arena_mark(a);
	dn_i32f32 *sc = ARENA_NEW(a, dn_i32f32, nidx);
	dn_i32f32 *st = ARENA_NEW(a, dn_i32f32, nidx);
	uint32_t *cur = ARENA_NEW(a, uint32_t, nidx);
	uint32_t *lower = ARENA_NEW(a, uint32_t, nidx);
	uint32_t *upper = ARENA_NEW(a, uint32_t, nidx);
	struct wsel x;
	if (!sc || !st || !cur || !lower || !upper || wsel_init(&x, nidx, a)) {
		dn_arena_rewind(a, mark);
		return DN_MX_ENOSPC;
	}
	/* local copies by partition position: duplicate indices become
	 * separate elements with equal values, as in the chain */
	for (size_t k = 0; k < nidx; k++) {
		sc[k] = get0(score, nscore, idx[k]);
		st[k] = get0(stake, nstake, idx[k]);
		cur[k] = (uint32_t)k;
	}
	*median = median_run(sc, st, cur, lower, upper, nidx, minority, partition_lo, partition_hi,
			     &x);
	dn_arena_rewind(a, mark);
	return 0;
}

/* Shared part of the two column medians: the participants' normalised
 * stake and a buffer the caller fills with one column's scores. */
struct colmed {
	dn_i32f32 *stake; /* k participants, normalised */
	dn_i32f32 *buf; /* k scores of the current column */
	uint32_t *cur, *lower, *upper;
	struct wsel x;
	size_t k;
	dn_i32f32 sum, minority;
	bool closed; /* the state (0, sum) is consistent */
	int64_t total;
};

static int colmed_init(struct colmed *m, size_t k, struct dn_arena *a)
{
	m->k = k;
	m->stake = ARENA_NEW(a, dn_i32f32, k);
	m->buf = ARENA_NEW(a, dn_i32f32, k);
	m->cur = ARENA_NEW(a, uint32_t, k);
	m->lower = ARENA_NEW(a, uint32_t, k);
	m->upper = ARENA_NEW(a, uint32_t, k);
	if (!m->stake || !m->buf || !m->cur || !m->lower || !m->upper || wsel_init(&m->x, k, a))
		return DN_MX_ENOSPC;
	return 0;
}

/* inplace_normalize(use_stake), stake_sum, minority = sum - majority */
static void colmed_prepare(struct colmed *m, dn_i32f32 majority)
{
	dn_mx_inplace_normalize(m->stake, m->k);
	m->sum = wsum(m->stake, m->k);
	m->minority = ssub(m->sum, majority);
	for (size_t i = 0; i < m->k; i++)
		m->cur[i] = (uint32_t)i;
	m->closed = median_consistent(m->stake, m->cur, m->k, 0, m->sum, &m->total);
}

/* weighted_median(use_stake, column, 0..k, minority, 0, stake_sum) */
static dn_i32f32 colmed_run(struct colmed *m)
{
	if (m->k == 1)
		return m->buf[0];
	if (m->closed)
		return wsel_answer(&m->x, m->buf, m->stake, -1, m->k, m->minority, m->total);
	for (size_t i = 0; i < m->k; i++)
		m->cur[i] = (uint32_t)i;
	return median_run(m->buf, m->stake, m->cur, m->lower, m->upper, m->k, m->minority, 0,
			  m->sum, &m->x);
}

/* subtensor math.rs weighted_median_col */
int dn_mx_weighted_median_col(const dn_i32f32 *stake, size_t nstake, const struct dn_mat *score,
			      dn_i32f32 majority, dn_i32f32 *out, struct dn_arena *a)
{
	uint32_t columns = score->rows ? score->cols : 0;
	for (uint32_t c = 0; c < columns; c++)
		out[c] = 0;
	size_t k = 0;
	for (size_t r = 0; r < nstake; r++)
		k += stake[r] > 0;
	if (columns == 0 || k == 0)
		return 0;

	size_t mark = dn_arena_mark(a);
	struct colmed m;
	int64_t *row = ARENA_NEW(a, int64_t, k); /* score row or -1 if missing */
	if (row == NULL || colmed_init(&m, k, a)) {
		dn_arena_rewind(a, mark);
		return DN_MX_ENOSPC;
	}
	/* a positive-stake row beyond the score matrix pushes stake 0 and
	 * score 0 (the chain's "missing row") */
	size_t p = 0;
	for (size_t r = 0; r < nstake; r++) {
		if (stake[r] <= 0)
			continue;
		bool have = r < score->rows;
		m.stake[p] = have ? stake[r] : 0;
		row[p++] = have ? (int64_t)r : -1;
	}
	colmed_prepare(&m, majority);
	for (uint32_t c = 0; c < columns; c++) {
		for (size_t i = 0; i < k; i++)
			m.buf[i] = row[i] < 0 ? 0 : dn_mat_row(score, (uint32_t)row[i])[c];
		out[c] = colmed_run(&m);
	}
	dn_arena_rewind(a, mark);
	return 0;
}

/* subtensor math.rs weighted_median_col_sparse. The score matrix is
 * transposed by counting sort (each column's entries stay in row order, so
 * a duplicated (row, column) resolves to the last one when scattered). */
int dn_mx_weighted_median_col_sparse(const dn_i32f32 *stake, size_t nstake,
				     const struct dn_sparse *score, dn_i32f32 majority,
				     dn_i32f32 *out, struct dn_arena *a)
{
	uint32_t columns = score->cols;
	for (uint32_t c = 0; c < columns; c++)
		out[c] = 0;
	size_t k = 0;
	for (size_t r = 0; r < nstake; r++)
		k += stake[r] > 0;
	if (columns == 0 || k == 0)
		return 0;

	size_t mark = dn_arena_mark(a);
	size_t rows = nstake < score->rows ? nstake : score->rows;
	uint32_t nnz = score->start[rows];
	struct colmed m;
	uint32_t *cp = ARENA_NEW(a, uint32_t, (size_t)columns + 1);
	uint32_t *pos = ARENA_NEW(a, uint32_t, nnz);
	dn_i32f32 *val = ARENA_NEW(a, dn_i32f32, nnz);
	if (!cp || !pos || !val || colmed_init(&m, k, a)) {
		dn_arena_rewind(a, mark);
		return DN_MX_ENOSPC;
	}
	size_t p = 0;
	for (size_t r = 0; r < nstake; r++)
		if (stake[r] > 0)
			m.stake[p++] = stake[r];
	colmed_prepare(&m, majority);

	memset(cp, 0, sizeof(uint32_t) * ((size_t)columns + 1));
	for (size_t r = 0; r < rows; r++) {
		if (stake[r] <= 0)
			continue;
		for (uint32_t e = score->start[r]; e < score->start[r + 1]; e++)
			if (score->col[e] < columns)
				cp[score->col[e] + 1]++;
	}
	for (uint32_t c = 0; c < columns; c++)
		cp[c + 1] += cp[c];
	p = 0;
	for (size_t r = 0; r < rows; r++) {
		if (stake[r] <= 0)
			continue;
		for (uint32_t e = score->start[r]; e < score->start[r + 1]; e++) {
			uint32_t c = score->col[e];
			if (c >= columns)
				continue;
			pos[cp[c]] = (uint32_t)p;
			val[cp[c]++] = score->val[e];
		}
		p++;
	}
	/* cp[c] is now the end of column c, i.e. the start of column c + 1 */
	memset(m.buf, 0, sizeof(dn_i32f32) * k);
	for (uint32_t c = 0; c < columns; c++) {
		uint32_t b = c ? cp[c - 1] : 0, e = cp[c];
		if (b == e)
			continue; /* all scores 0: the median is 0 */
		for (uint32_t q = b; q < e; q++)
			m.buf[pos[q]] = val[q];
		out[c] = colmed_run(&m);
		for (uint32_t q = b; q < e; q++)
			m.buf[pos[q]] = 0;
	}
	dn_arena_rewind(a, mark);
	return 0;
}

/* ======================================================================
 * Dense matrices
 * ====================================================================== */

/* subtensor math.rs inplace_row_normalize */
void dn_mx_inplace_row_normalize(struct dn_mat *m)
{
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 *r = dn_mat_row(m, i), s = wsum(r, m->cols);
		if (s > 0)
			dn_mx_inplace_normalize_using_sum(r, m->cols, s);
	}
}

/* subtensor math.rs inplace_row_normalize_64 */
void dn_mx_inplace_row_normalize_64(dn_i64f64 *x, uint32_t rows, uint32_t cols)
{
	for (uint32_t i = 0; i < rows; i++) {
		dn_i64f64 *r = x + (size_t)i * cols, s = 0;
		for (uint32_t j = 0; j < cols; j++)
			s = wadd128(s, r[j]);
		if (s > 0)
			for (uint32_t j = 0; j < cols; j++)
				r[j] = sdiv64(r[j], s);
	}
}

/* subtensor math.rs row_sum */
size_t dn_mx_row_sum(const struct dn_mat *m, dn_i32f32 *out)
{
	if (m->cols == 0)
		return 0;
	for (uint32_t i = 0; i < m->rows; i++)
		out[i] = wsum(dn_mat_row(m, i), m->cols);
	return m->rows;
}

/* subtensor math.rs inplace_col_normalize */
void dn_mx_inplace_col_normalize(struct dn_mat *m)
{
	if (m->rows == 0 || m->cols == 0)
		return;
	/* columns are independent: sum one (saturating, row order), divide it */
	for (uint32_t j = 0; j < m->cols; j++) {
		dn_i32f32 s = 0;
		for (uint32_t i = 0; i < m->rows; i++)
			s = sadd(s, dn_mat_row(m, i)[j]);
		struct fdiv f;
		fdiv_init(&f, s);
		if (s != 0)
			for (uint32_t i = 0; i < m->rows; i++)
				dn_mat_row(m, i)[j] = fdiv_do(&f, dn_mat_row(m, i)[j]);
	}
}

/* subtensor math.rs inplace_col_max_upscale */
void dn_mx_inplace_col_max_upscale(struct dn_mat *m)
{
	if (m->rows == 0 || m->cols == 0)
		return;
	for (uint32_t j = 0; j < m->cols; j++) {
		dn_i32f32 mx = 0;
		for (uint32_t i = 0; i < m->rows; i++)
			if (mx < dn_mat_row(m, i)[j])
				mx = dn_mat_row(m, i)[j];
		struct fdiv f;
		fdiv_init(&f, mx);
		if (mx != 0)
			for (uint32_t i = 0; i < m->rows; i++)
				dn_mat_row(m, i)[j] = fdiv_do(&f, dn_mat_row(m, i)[j]);
	}
}

/* subtensor math.rs inplace_col_clip */
void dn_mx_inplace_col_clip(struct dn_mat *m, const dn_i32f32 *thr, size_t nthr)
{
	uint32_t w = m->cols < nthr ? m->cols : (uint32_t)nthr;
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 *r = dn_mat_row(m, i);
		for (uint32_t j = 0; j < w; j++)
			r[j] = thr[j] < r[j] ? thr[j] : r[j];
	}
}

/* subtensor math.rs inplace_mask_matrix */
void dn_mx_inplace_mask_matrix(const bool *mask, uint32_t mrows, uint32_t mcols, struct dn_mat *m)
{
	if (mrows == 0 || mcols == 0)
		return;
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 *r = dn_mat_row(m, i);
		for (uint32_t j = 0; j < m->cols; j++)
			if (i >= mrows || j >= mcols || mask[(size_t)i * mcols + j])
				r[j] = 0;
	}
}

/* subtensor math.rs inplace_mask_rows */
void dn_mx_inplace_mask_rows(const bool *mask, size_t mlen, struct dn_mat *m)
{
	for (uint32_t i = 0; i < m->rows; i++)
		if (i >= mlen || mask[i])
			memset(dn_mat_row(m, i), 0, sizeof(dn_i32f32) * m->cols);
}

/* subtensor math.rs inplace_mask_cols */
void dn_mx_inplace_mask_cols(const bool *mask, size_t mlen, struct dn_mat *m)
{
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 *r = dn_mat_row(m, i);
		for (uint32_t j = 0; j < m->cols; j++)
			if (j >= mlen || mask[j])
				r[j] = 0;
	}
}

/* subtensor math.rs inplace_mask_diag */
void dn_mx_inplace_mask_diag(struct dn_mat *m)
{
	if (m->rows == 0 || m->cols == 0 || m->rows != m->cols)
		return;
	for (uint32_t i = 0; i < m->rows; i++)
		dn_mat_row(m, i)[i] = 0;
}

/* subtensor math.rs inplace_mask_diag_except_index */
void dn_mx_inplace_mask_diag_except_index(struct dn_mat *m, uint32_t except)
{
	if (m->rows == 0 || m->cols == 0 || m->rows != m->cols)
		return;
	bool have = except < m->rows;
	dn_i32f32 keep = have ? dn_mat_row(m, except)[except] : 0;
	dn_mx_inplace_mask_diag(m);
	if (have)
		dn_mat_row(m, except)[except] = keep;
}

/* subtensor math.rs row_hadamard */
int dn_mx_row_hadamard(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, struct dn_mat *out)
{
	if (m->rows == 0 || m->cols == 0)
		return mat_shape(out, 1, 0);
	uint32_t rows = m->rows < nv ? m->rows : (uint32_t)nv, cols = m->cols;
	if ((size_t)rows * cols > out->cap)
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		const dn_i32f32 *r = dn_mat_row(m, i);
		dn_i32f32 *o = out->v + (size_t)i * cols;
		for (uint32_t j = 0; j < cols; j++)
			o[j] = smul(v[i], r[j]);
	}
	return mat_shape(out, rows, cols);
}

/* subtensor math.rs mat_vec_mul (each row through vec_mul: checked_mul) */
int dn_mx_mat_vec_mul(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, struct dn_mat *out)
{
	if (m->rows == 0 || m->cols == 0)
		return mat_shape(out, 1, 0);
	uint32_t rows = m->rows, cols = m->cols < nv ? m->cols : (uint32_t)nv, mcols = m->cols;
	if ((size_t)rows * cols > out->cap)
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++)
		dn_mx_vec_mul(m->v + (size_t)i * mcols, cols, v, cols, out->v + (size_t)i * cols);
	return mat_shape(out, rows, cols);
}

/* subtensor math.rs matmul: rows in order, saturating adds */
size_t dn_mx_matmul(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, dn_i32f32 *out)
{
	if (m->rows == 0 || m->cols == 0)
		return 0;
	for (uint32_t j = 0; j < m->cols; j++)
		out[j] = 0;
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 s = get0(v, nv, i);
		if (s == 0)
			continue; /* acc + 0 * x == acc */
		const dn_i32f32 *r = dn_mat_row(m, i);
		for (uint32_t j = 0; j < m->cols; j++)
			out[j] = sadd(out[j], smul(s, r[j]));
	}
	return m->cols;
}

/* subtensor math.rs matmul_transpose */
size_t dn_mx_matmul_transpose(const struct dn_mat *m, const dn_i32f32 *v, size_t nv, dn_i32f32 *out)
{
	if (m->rows == 0 || m->cols == 0)
		return 0;
	uint32_t w = m->cols < nv ? m->cols : (uint32_t)nv;
	for (uint32_t i = 0; i < m->rows; i++) {
		const dn_i32f32 *r = dn_mat_row(m, i);
		dn_i32f32 s = 0;
		for (uint32_t j = 0; j < w; j++)
			s = sadd(s, smul(r[j], v[j]));
		out[i] = s;
	}
	return m->rows;
}

/* subtensor math.rs interpolate */
int dn_mx_interpolate(const struct dn_mat *a, const struct dn_mat *b, dn_i32f32 ratio,
		      struct dn_mat *out)
{
	if (ratio == 0)
		return dn_mat_copy(out, a);
	if (ratio == ONE)
		return dn_mat_copy(out, b);
	if (a->rows == 0 || a->cols == 0)
		return mat_shape(out, 1, 0);
	if (mat_shape(out, a->rows, a->cols))
		return DN_MX_ENOSPC;
	uint32_t rows = a->rows < b->rows ? a->rows : b->rows;
	uint32_t cols = a->cols < b->cols ? a->cols : b->cols;
	memset(out->v, 0, sizeof(dn_i32f32) * a->rows * a->cols);
	for (uint32_t i = 0; i < rows; i++) {
		const dn_i32f32 *r1 = dn_mat_row(a, i), *r2 = dn_mat_row(b, i);
		dn_i32f32 *o = dn_mat_row(out, i);
		for (uint32_t j = 0; j < cols; j++)
			o[j] = sadd(r1[j], smul(ratio, ssub(r2[j], r1[j])));
	}
	return 0;
}

/* subtensor math.rs mat_ema */
int dn_mx_mat_ema(const struct dn_mat *new_, const struct dn_mat *old, dn_i32f32 alpha,
		  struct dn_mat *out)
{
	if (new_->rows == 0 || new_->cols == 0)
		return mat_shape(out, 1, 0);
	dn_i32f32 oma = ssub(ONE, alpha);
	uint32_t rows = new_->rows < old->rows ? new_->rows : old->rows;
	uint32_t cols = new_->cols < old->cols ? new_->cols : old->cols;
	if ((size_t)rows * cols > out->cap)
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		const dn_i32f32 *n = dn_mat_row(new_, i), *o = dn_mat_row(old, i);
		dn_i32f32 *r = out->v + (size_t)i * cols;
		for (uint32_t j = 0; j < cols; j++)
			r[j] = sadd(smul(alpha, n[j]), smul(oma, o[j]));
	}
	return mat_shape(out, rows, cols);
}

/* subtensor math.rs mat_ema_alpha */
int dn_mx_mat_ema_alpha(const struct dn_mat *new_, const struct dn_mat *old,
			const struct dn_mat *alpha, struct dn_mat *out)
{
	if (new_->rows == 0 || new_->cols == 0)
		return mat_shape(out, 1, 0);
	if (new_->rows != old->rows || new_->rows != alpha->rows)
		return dn_mat_copy(out, old);
	if (new_->cols != old->cols || new_->cols != alpha->cols)
		return dn_mat_copy(out, new_);
	if (mat_shape(out, new_->rows, new_->cols))
		return DN_MX_ENOSPC;
	size_t n = (size_t)new_->rows * new_->cols;
	for (size_t k = 0; k < n; k++) {
		dn_i32f32 a = alpha->v[k];
		dn_i32f32 decayed = smul(ssub(ONE, a), old->v[k]);
		dn_i32f32 inc = dn_fx_max(smul(a, new_->v[k]), 0);
		out->v[k] = dn_fx_min(sadd(decayed, inc), ONE);
	}
	return 0;
}

/* ======================================================================
 * Sparse matrices
 * ====================================================================== */

/* subtensor math.rs inplace_row_normalize_sparse */
void dn_mx_inplace_row_normalize_sparse(struct dn_sparse *m)
{
	for (uint32_t i = 0; i < m->rows; i++) {
		uint32_t b = m->start[i], e = m->start[i + 1];
		dn_i32f32 s = wsum(m->val + b, e - b);
		if (s > 0)
			dn_mx_inplace_normalize_using_sum(m->val + b, e - b, s);
	}
}

/* subtensor math.rs row_sum_sparse */
size_t dn_mx_row_sum_sparse(const struct dn_sparse *m, dn_i32f32 *out)
{
	for (uint32_t i = 0; i < m->rows; i++)
		out[i] = wsum(m->val + m->start[i], m->start[i + 1] - m->start[i]);
	return m->rows;
}

/* Divide every entry with col < cols by its column's divisor d[col]
 * (skipped where d is 0), as safe_div; fd holds cols divisors' state. */
static void col_divide(struct dn_sparse *m, const dn_i32f32 *d, struct fdiv *fd)
{
	uint32_t columns = m->cols, nnz = dn_sparse_nnz(m);
	for (uint32_t j = 0; j < columns; j++)
		fdiv_init(&fd[j], d[j]);
	for (uint32_t k = 0; k < nnz; k++) {
		uint32_t j = m->col[k];
		if (j < columns && d[j] != 0)
			m->val[k] = fdiv_do(&fd[j], m->val[k]);
	}
}

/* subtensor math.rs inplace_col_normalize_sparse */
int dn_mx_inplace_col_normalize_sparse(struct dn_sparse *m, struct dn_arena *a)
{
	uint32_t columns = m->cols, nnz = dn_sparse_nnz(m);
	size_t mark = dn_arena_mark(a);
	dn_i32f32 *sum = ARENA_NEW(a, dn_i32f32, columns);
	struct fdiv *fd = ARENA_NEW(a, struct fdiv, columns);
	if (sum == NULL || fd == NULL) {
		dn_arena_rewind(a, mark);
		return DN_MX_ENOSPC;
	}
	memset(sum, 0, sizeof(dn_i32f32) * columns);
	for (uint32_t k = 0; k < nnz; k++)
		if (m->col[k] < columns)
			sum[m->col[k]] = sadd(sum[m->col[k]], m->val[k]);
	col_divide(m, sum, fd);
	dn_arena_rewind(a, mark);
	return 0;
}

/* subtensor math.rs inplace_col_max_upscale_sparse */
int dn_mx_inplace_col_max_upscale_sparse(struct dn_sparse *m, struct dn_arena *a)
{
	uint32_t columns = m->cols, nnz = dn_sparse_nnz(m);
	size_t mark = dn_arena_mark(a);
	dn_i32f32 *mx = ARENA_NEW(a, dn_i32f32, columns);
	struct fdiv *fd = ARENA_NEW(a, struct fdiv, columns);
	if (mx == NULL || fd == NULL) {
		dn_arena_rewind(a, mark);
		return DN_MX_ENOSPC;
	}
	memset(mx, 0, sizeof(dn_i32f32) * columns);
	for (uint32_t k = 0; k < nnz; k++)
		if (m->col[k] < columns && mx[m->col[k]] < m->val[k])
			mx[m->col[k]] = m->val[k];
	col_divide(m, mx, fd);
	dn_arena_rewind(a, mark);
	return 0;
}

/*
 * The "(src, ..., out)" functions walk src row by row and write the kept
 * entries compactly from w on. Row i is read from [b, e) after start[i + 1]
 * has been read and before start[i] is written; with out == src, w <= k
 * always, so nothing unread is overwritten.
 */

/* Write (j, x) at w and advance only when kept: branch-free filtering. The
 * slot w is <= the read slot, inside the capacity either way. */
static inline uint32_t emit(struct dn_sparse *out, uint32_t w, uint32_t j, dn_i32f32 x, bool keep)
{
	out->col[w] = j;
	out->val[w] = x;
	return w + (keep ? 1u : 0u);
}

static void sparse_done(const struct dn_sparse *src, struct dn_sparse *out, uint32_t rows,
			uint32_t w)
{
	out->start[rows] = w;
	out->cols = src->cols;
	out->rows = rows;
}

/* subtensor math.rs mask_rows_sparse */
int dn_mx_mask_rows_sparse(const bool *mask, size_t mlen, const struct dn_sparse *src,
			   struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		bool keep = i < mlen && !mask[i];
		out->start[i] = w;
		for (uint32_t k = b; k < e && keep; k++)
			w = emit(out, w, src->col[k], src->val[k], true);
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

/* subtensor math.rs mask_diag_sparse */
int dn_mx_mask_diag_sparse(const struct dn_sparse *src, struct dn_sparse *out)
{
	return dn_mx_mask_diag_sparse_except_index(src, UINT32_MAX, out);
}

/* subtensor math.rs mask_diag_sparse_except_index (and mask_diag_sparse
 * with no exception) */
int dn_mx_mask_diag_sparse_except_index(const struct dn_sparse *src, uint32_t except,
					struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++) {
			uint32_t j = src->col[k];
			w = emit(out, w, j, src->val[k], j != i || i == except);
		}
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

static inline uint64_t get0u(const uint64_t *v, size_t n, size_t i) { return i < n ? v[i] : 0; }

/* subtensor math.rs vec_mask_sparse_matrix. The two predicates the epoch
 * uses are recognised and inlined. */
int dn_mx_vec_mask_sparse_matrix(const struct dn_sparse *src, const uint64_t *first, size_t nfirst,
				 const uint64_t *second, size_t nsecond, dn_mx_mask_fn fn,
				 void *ctx, struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	int op = fn == dn_mx_mask_le ? 1 : fn == dn_mx_mask_lt ? 2 : 0;
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		uint64_t fv = get0u(first, nfirst, i);
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++) {
			uint32_t j = src->col[k];
			uint64_t sv = get0u(second, nsecond, j);
			bool drop = op == 1 ? fv <= sv : op == 2 ? fv < sv : fn(fv, sv, ctx);
			w = emit(out, w, j, src->val[k], !drop);
		}
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

/* subtensor math.rs scalar_vec_mask_sparse_matrix */
int dn_mx_scalar_vec_mask_sparse_matrix(const struct dn_sparse *src, uint64_t scalar,
					const uint64_t *vector, size_t nvector, dn_mx_mask_fn fn,
					void *ctx, struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	int op = fn == dn_mx_mask_le ? 1 : fn == dn_mx_mask_lt ? 2 : 0;
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++) {
			uint32_t j = src->col[k];
			uint64_t sv = get0u(vector, nvector, j);
			bool drop = op == 1   ? scalar <= sv
				    : op == 2 ? scalar < sv
					      : fn(scalar, sv, ctx);
			w = emit(out, w, j, src->val[k], !drop);
		}
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

bool dn_mx_mask_le(uint64_t a, uint64_t b, void *ctx)
{
	(void)ctx;
	return a <= b;
}

bool dn_mx_mask_lt(uint64_t a, uint64_t b, void *ctx)
{
	(void)ctx;
	return a < b;
}

/* subtensor math.rs row_hadamard_sparse: rows past the vector are cut */
int dn_mx_row_hadamard_sparse(const struct dn_sparse *src, const dn_i32f32 *v, size_t nv,
			      struct dn_sparse *out)
{
	uint32_t rows = src->rows < nv ? src->rows : (uint32_t)nv, w = 0, b = src->start[0];
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++)
			w = emit(out, w, src->col[k], smul(src->val[k], v[i]), true);
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

/* subtensor math.rs mat_vec_mul_sparse. A column past the vector reads 0,
 * so its product is 0 and dropped, as the chain drops it. */
int dn_mx_mat_vec_mul_sparse(const struct dn_sparse *src, const dn_i32f32 *v, size_t nv,
			     struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++) {
			uint32_t j = src->col[k];
			dn_i32f32 y = smul(src->val[k], get0(v, nv, j));
			w = emit(out, w, j, y, y != 0);
		}
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

/* subtensor math.rs col_clip_sparse */
int dn_mx_col_clip_sparse(const struct dn_sparse *src, const dn_i32f32 *thr, size_t nthr,
			  struct dn_sparse *out)
{
	uint32_t rows = src->rows, w = 0, b = src->start[0];
	if (sparse_out_check(src, out, rows))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < rows; i++) {
		uint32_t e = src->start[i + 1];
		out->start[i] = w;
		for (uint32_t k = b; k < e; k++) {
			uint32_t j = src->col[k];
			dn_i32f32 x = src->val[k], th = get0(thr, nthr, j);
			bool clip = th < x; /* clipped to a threshold <= 0: dropped */
			w = emit(out, w, j, clip ? th : x, !clip || th > 0);
		}
		b = e;
	}
	sparse_done(src, out, rows, w);
	return 0;
}

/* subtensor math.rs matmul_sparse */
size_t dn_mx_matmul_sparse(const struct dn_sparse *m, const dn_i32f32 *v, size_t nv, dn_i32f32 *out)
{
	uint32_t columns = m->cols;
	for (uint32_t j = 0; j < columns; j++)
		out[j] = 0;
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 s = get0(v, nv, i);
		if (s == 0)
			continue; /* acc + 0 * x == acc */
		for (uint32_t k = m->start[i]; k < m->start[i + 1]; k++)
			if (m->col[k] < columns)
				out[m->col[k]] = sadd(out[m->col[k]], smul(s, m->val[k]));
	}
	return columns;
}

/* subtensor math.rs matmul_transpose_sparse */
size_t dn_mx_matmul_transpose_sparse(const struct dn_sparse *m, const dn_i32f32 *v, size_t nv,
				     dn_i32f32 *out)
{
	for (uint32_t i = 0; i < m->rows; i++) {
		dn_i32f32 s = 0;
		for (uint32_t k = m->start[i]; k < m->start[i + 1]; k++)
			s = sadd(s, smul(get0(v, nv, m->col[k]), m->val[k]));
		out[i] = s;
	}
	return m->rows;
}

/* ---- densified rows emitted in column order ------------------------------ */

/* A dense row of width `width` with a list of the touched columns, so a row
 * costs O(entries) (plus a sort or a width scan) rather than O(width). */
struct dense_row {
	dn_i32f32 *a, *b; /* values, zero when untouched */
	unsigned char *seen;
	uint32_t *touched;
	uint32_t nt, width;
};

static int dense_row_init(struct dense_row *d, uint32_t width, bool two, struct dn_arena *ar)
{
	d->width = width;
	d->nt = 0;
	d->a = ARENA_NEW(ar, dn_i32f32, width);
	d->b = two ? ARENA_NEW(ar, dn_i32f32, width) : NULL;
	d->seen = ARENA_NEW(ar, unsigned char, width);
	d->touched = ARENA_NEW(ar, uint32_t, width);
	if (!d->a || (two && !d->b) || !d->seen || !d->touched)
		return DN_MX_ENOSPC;
	memset(d->a, 0, sizeof(dn_i32f32) * width);
	if (two)
		memset(d->b, 0, sizeof(dn_i32f32) * width);
	memset(d->seen, 0, width);
	return 0;
}

static inline void dense_row_touch(struct dense_row *d, uint32_t j)
{
	if (!d->seen[j]) {
		d->seen[j] = 1;
		d->touched[d->nt++] = j;
	}
}

/* Put the touched columns in ascending order: a short list is sorted, a
 * long one is rebuilt by scanning the width. */
static void dense_row_order(struct dense_row *d)
{
	if ((size_t)d->nt * d->nt <= 4 * (size_t)d->width || d->nt <= 8) {
		sort_u32_small(d->touched, d->nt);
		return;
	}
	uint32_t n = 0;
	for (uint32_t j = 0; j < d->width; j++)
		if (d->seen[j])
			d->touched[n++] = j;
}

static void dense_row_clear(struct dense_row *d)
{
	for (uint32_t t = 0; t < d->nt; t++) {
		uint32_t j = d->touched[t];
		d->a[j] = 0;
		if (d->b)
			d->b[j] = 0;
		d->seen[j] = 0;
	}
	d->nt = 0;
}

/* Whether row i's columns are strictly increasing (then the rows can be
 * merged directly, without a dense scratch row). */
static bool row_sorted(const struct dn_sparse *m, uint32_t i)
{
	for (uint32_t k = m->start[i] + 1; k < m->start[i + 1]; k++)
		if (m->col[k] <= m->col[k - 1])
			return false;
	return true;
}

/* Column of the entry at k, or "none" past the end or at col >= width. */
static inline uint32_t col_at(const struct dn_sparse *m, uint32_t k, uint32_t end, uint32_t width)
{
	return k < end && m->col[k] < width ? m->col[k] : UINT32_MAX;
}

/* subtensor math.rs interpolate_sparse */
int dn_mx_interpolate_sparse(const struct dn_sparse *a, const struct dn_sparse *b, dn_i32f32 ratio,
			     struct dn_sparse *out, struct dn_arena *ar)
{
	if (ratio == 0)
		return dn_sparse_copy(out, a);
	if (ratio == ONE || a->rows != b->rows)
		return dn_sparse_copy(out, b);
	uint32_t columns = a->cols, rows = a->rows;
	if (out->rcap < rows)
		return DN_MX_ENOSPC;
	size_t mark = dn_arena_mark(ar);
	struct dense_row d;
	if (dense_row_init(&d, columns, true, ar)) {
		dn_arena_rewind(ar, mark);
		return DN_MX_ENOSPC;
	}
	int err = 0;
	uint32_t w = 0;
	for (uint32_t i = 0; i < rows && !err; i++) {
		out->start[i] = w;
		if (row_sorted(a, i) && row_sorted(b, i)) {
			/* the same values in the same order, by merging */
			uint32_t pa = a->start[i], ea = a->start[i + 1];
			uint32_t pb = b->start[i], eb = b->start[i + 1];
			for (;;) {
				uint32_t ja = col_at(a, pa, ea, columns),
					 jb = col_at(b, pb, eb, columns);
				uint32_t j = ja < jb ? ja : jb;
				if (j == UINT32_MAX)
					break;
				dn_i32f32 v1 = ja == j ? a->val[pa++] : 0;
				dn_i32f32 v2 = jb == j ? b->val[pb++] : 0;
				dn_i32f32 y = sadd(v1, smul(ratio, ssub(v2, v1)));
				if (y > 0) {
					if (w >= out->cap) {
						err = DN_MX_ENOSPC;
						break;
					}
					out->col[w] = j;
					out->val[w++] = y;
				}
			}
			continue;
		}
		for (uint32_t k = a->start[i]; k < a->start[i + 1]; k++)
			if (a->col[k] < columns) {
				dense_row_touch(&d, a->col[k]);
				d.a[a->col[k]] = a->val[k];
			}
		for (uint32_t k = b->start[i]; k < b->start[i + 1]; k++)
			if (b->col[k] < columns) {
				dense_row_touch(&d, b->col[k]);
				d.b[b->col[k]] = b->val[k];
			}
		/* untouched columns give 0 + ratio * 0 = 0: never emitted */
		dense_row_order(&d);
		for (uint32_t t = 0; t < d.nt; t++) {
			uint32_t j = d.touched[t];
			dn_i32f32 v1 = d.a[j], v2 = d.b[j];
			dn_i32f32 y = sadd(v1, smul(ratio, ssub(v2, v1)));
			if (y > 0) {
				if (w >= out->cap) {
					err = DN_MX_ENOSPC;
					break;
				}
				out->col[w] = j;
				out->val[w++] = y;
			}
		}
		dense_row_clear(&d);
	}
	if (!err) {
		out->start[rows] = w;
		out->rows = rows;
		out->cols = columns;
	}
	dn_arena_rewind(ar, mark);
	return err;
}

/* subtensor math.rs mat_ema_sparse */
int dn_mx_mat_ema_sparse(const struct dn_sparse *new_, const struct dn_sparse *old, dn_i32f32 alpha,
			 struct dn_sparse *out, struct dn_arena *ar)
{
	/* ⚠ the accumulator width is the row count ("assume square") */
	uint32_t n = new_->rows;
	if (out->rcap < n)
		return DN_MX_ENOSPC;
	dn_i32f32 oma = ssub(ONE, alpha);
	size_t mark = dn_arena_mark(ar);
	struct dense_row d;
	if (dense_row_init(&d, n, false, ar)) {
		dn_arena_rewind(ar, mark);
		return DN_MX_ENOSPC;
	}
	int err = 0;
	uint32_t w = 0;
	for (uint32_t i = 0; i < n && !err; i++) {
		out->start[i] = w;
		bool has_old = i < old->rows;
		if (row_sorted(new_, i) && (!has_old || row_sorted(old, i))) {
			/* merge: acc = sat_add(sat_add(0, alpha*new), (1-alpha)*old) */
			uint32_t pa = new_->start[i], ea = new_->start[i + 1];
			uint32_t pb = has_old ? old->start[i] : 0,
				 eb = has_old ? old->start[i + 1] : 0;
			for (;;) {
				uint32_t ja = col_at(new_, pa, ea, n), jb = col_at(old, pb, eb, n);
				uint32_t j = ja < jb ? ja : jb;
				if (j == UINT32_MAX)
					break;
				dn_i32f32 acc = ja == j ? smul(alpha, new_->val[pa++]) : 0;
				if (jb == j)
					acc = sadd(acc, smul(oma, old->val[pb++]));
				if (acc > 0) {
					if (w >= out->cap) {
						err = DN_MX_ENOSPC;
						break;
					}
					out->col[w] = j;
					out->val[w++] = acc;
				}
			}
			continue;
		}
		for (uint32_t k = new_->start[i]; k < new_->start[i + 1]; k++) {
			uint32_t j = new_->col[k];
			if (j < n) {
				dense_row_touch(&d, j);
				d.a[j] = sadd(d.a[j], smul(alpha, new_->val[k]));
			}
		}
		if (i < old->rows)
			for (uint32_t k = old->start[i]; k < old->start[i + 1]; k++) {
				uint32_t j = old->col[k];
				if (j < n) {
					dense_row_touch(&d, j);
					d.a[j] = sadd(d.a[j], smul(oma, old->val[k]));
				}
			}
		dense_row_order(&d);
		for (uint32_t t = 0; t < d.nt; t++) {
			uint32_t j = d.touched[t];
			if (d.a[j] > 0) {
				if (w >= out->cap) {
					err = DN_MX_ENOSPC;
					break;
				}
				out->col[w] = j;
				out->val[w++] = d.a[j];
			}
		}
		dense_row_clear(&d);
	}
	if (!err) {
		out->start[n] = w;
		out->rows = n;
		out->cols = new_->cols;
	}
	dn_arena_rewind(ar, mark);
	return err;
}

/* subtensor math.rs mat_ema_alpha_sparse */
int dn_mx_mat_ema_alpha_sparse(const struct dn_sparse *new_, const struct dn_sparse *old,
			       const struct dn_mat *alpha, struct dn_sparse *out,
			       struct dn_arena *ar)
{
	if (new_->rows != old->rows || new_->rows != alpha->rows)
		return dn_sparse_copy(out, new_);
	uint32_t rows = new_->rows, width = alpha->cols;
	if (out->rcap < rows)
		return DN_MX_ENOSPC;
	size_t mark = dn_arena_mark(ar);
	dn_i32f32 *decayed = ARENA_NEW(ar, dn_i32f32, width);
	if (decayed == NULL)
		return DN_MX_ENOSPC;
	memset(decayed, 0, sizeof(dn_i32f32) * width);
	int err = 0;
	uint32_t w = 0;
	for (uint32_t i = 0; i < rows && !err; i++) {
		const dn_i32f32 *ar_i = dn_mat_row(alpha, i);
		out->start[i] = w;
		for (uint32_t k = old->start[i]; k < old->start[i + 1]; k++) {
			uint32_t j = old->col[k];
			if (j < width)
				decayed[j] = smul(ssub(ONE, ar_i[j]), old->val[k]);
		}
		for (uint32_t k = new_->start[i]; k < new_->start[i + 1]; k++) {
			uint32_t j = new_->col[k];
			if (j >= width)
				continue;
			dn_i32f32 inc = dn_fx_max(smul(ar_i[j], new_->val[k]), 0);
			dn_i32f32 y = dn_fx_min(sadd(decayed[j], inc), ONE);
			if (y > 0) {
				if (w >= out->cap) {
					err = DN_MX_ENOSPC;
					break;
				}
				out->col[w] = j;
				out->val[w++] = y;
			}
		}
		for (uint32_t k = old->start[i]; k < old->start[i + 1]; k++)
			if (old->col[k] < width)
				decayed[old->col[k]] = 0;
	}
	if (!err) {
		out->start[rows] = w;
		out->rows = rows;
		out->cols = new_->cols;
	}
	dn_arena_rewind(ar, mark);
	return err;
}

/* ======================================================================
 * Liquid alpha
 * ====================================================================== */

/* run_epoch.rs alpha_sigmoid, first half: the combined difference. */
static dn_i32f32 liquid_diff(dn_i32f32 c, dn_i32f32 w, dn_i32f32 b)
{
	dn_i32f32 buy = dn_mx_clamp_value(ssub(w, c), 0, ONE);
	dn_i32f32 sell = dn_mx_clamp_value(ssub(b, w), 0, ONE);
	return w >= b ? buy : sell;
}

/* run_epoch.rs alpha_sigmoid, second half: depends on the difference only. */
static dn_i32f32 liquid_alpha_of(dn_i32f32 diff, const struct dn_mx_liquid *p)
{
	const dn_i32f32 half = (dn_i32f32)1 << 31;
	dn_i32f32 z = smul(dn_fx_sat_div(p->steepness, dn_fx_from_int(-100)), ssub(diff, half));
	dn_i32f32 sig = dn_fx_sat_div(ONE, sadd(ONE, dn_fx_exp_safe(z)));
	dn_i32f32 alpha = sadd(p->alpha_low, smul(sig, ssub(p->alpha_high, p->alpha_low)));
	return dn_mx_clamp_value(alpha, p->alpha_low, p->alpha_high);
}

dn_i32f32 dn_mx_liquid_rate(dn_i32f32 diff, const struct dn_mx_liquid *p)
{
	return liquid_alpha_of(diff, p);
}

/* run_epoch.rs alpha_sigmoid */
dn_i32f32 dn_mx_alpha_sigmoid(dn_i32f32 consensus, dn_i32f32 weight, dn_i32f32 bond,
			      const struct dn_mx_liquid *p)
{
	return liquid_alpha_of(liquid_diff(consensus, weight, bond), p);
}

/* run_epoch.rs compute_liquid_alpha_values */
int dn_mx_liquid_alpha(const struct dn_mat *w, const struct dn_mat *b, const dn_i32f32 *c,
		       size_t nc, const struct dn_mx_liquid *p, struct dn_mat *out)
{
	if (w->rows != b->rows)
		return mat_shape(out, 0, 0);
	uint32_t cols = w->cols < b->cols ? w->cols : b->cols;
	cols = cols < nc ? cols : (uint32_t)nc;
	if (mat_shape(out, w->rows, cols))
		return DN_MX_ENOSPC;
	for (uint32_t i = 0; i < w->rows; i++)
		for (uint32_t j = 0; j < cols; j++)
			dn_mat_row(out, i)[j] = dn_mx_alpha_sigmoid(c[j], dn_mat_row(w, i)[j],
								    dn_mat_row(b, i)[j], p);
	return 0;
}

/* A direct-mapped memo of liquid_alpha_of (the sigmoid costs an exp). */
#define MEMO_SLOTS 512
struct memo {
	dn_i32f32 key[MEMO_SLOTS], val[MEMO_SLOTS];
	bool used[MEMO_SLOTS];
};

static dn_i32f32 memo_alpha(struct memo *m, dn_i32f32 diff, const struct dn_mx_liquid *p)
{
	if (m == NULL)
		return liquid_alpha_of(diff, p);
	uint64_t h = ((uint64_t)diff * 0x9e3779b97f4a7c15ull) >> 55; /* 9 bits */
	if (m->used[h] && m->key[h] == diff)
		return m->val[h];
	m->used[h] = true;
	m->key[h] = diff;
	m->val[h] = liquid_alpha_of(diff, p);
	return m->val[h];
}

/* The chain's peekable walk: skip entries with column < j, read the value
 * if the next one is exactly j, never consume it. */
static dn_i32f32 walk_lookup(const struct dn_sparse *m, uint32_t *k, uint32_t end, uint32_t j)
{
	while (*k < end) {
		uint32_t c = m->col[*k];
		if (c < j) {
			(*k)++;
			continue;
		}
		return c == j ? m->val[*k] : 0;
	}
	return 0;
}

/* run_epoch.rs compute_liquid_alpha_values_sparse */
int dn_mx_liquid_alpha_sparse(const struct dn_sparse *w, const struct dn_sparse *b,
			      const dn_i32f32 *c, size_t nc, const struct dn_mx_liquid *p,
			      struct dn_mat *out, struct dn_arena *ar)
{
	if (w->rows != b->rows)
		return mat_shape(out, 0, 0);
	if (mat_shape(out, w->rows, (uint32_t)nc))
		return DN_MX_ENOSPC;
	size_t mark = dn_arena_mark(ar);
	struct memo *memo = ARENA_NEW(ar, struct memo, 1);
	if (memo)
		memset(memo->used, 0, sizeof(memo->used));
	for (uint32_t i = 0; i < w->rows; i++) {
		uint32_t wk = w->start[i], we = w->start[i + 1];
		uint32_t bk = b->start[i], be = b->start[i + 1];
		dn_i32f32 *o = dn_mat_row(out, i);
		for (uint32_t j = 0; j < nc; j++) {
			dn_i32f32 wv = walk_lookup(w, &wk, we, j);
			dn_i32f32 bv = walk_lookup(b, &bk, be, j);
			o[j] = memo_alpha(memo, liquid_diff(c[j], wv, bv), p);
		}
	}
	dn_arena_rewind(ar, mark);
	return 0;
}
