/*
 * safe_bigmath's pow_ratio_scaled (see bigpow.h) on a small signed
 * big-integer type: sign and magnitude, 64-bit limbs, schoolbook
 * multiplication. Only what the crate's algorithm needs is here: add,
 * subtract, multiply, shifts and divisions by a power of two or a u64,
 * all with the crate's (num-bigint's) floor semantics.
 *
 * Every chain buy comes through here, every block, so the crate's answer
 * is reached with less work, never a different one:
 *  - the series path first runs the same series at about 100 bits instead
 *    of 280 (or 1 048); a proven bound on how far either run lies from
 *    the true power nearly always pins the crate's result down
 *    (pow_certified), and otherwise the crate's run decides; the exact
 *    path, whose result is the true power's floor, is answered the same
 *    way before its root search;
 *  - ln1p, where a series spends its time, runs on fixed-width two's
 *    complement limbs kept in registers (ln1p_fixed), and the rounding
 *    test of the stopping rule, which can never decide, is skipped;
 *  - numbers start in a buffer of their own and reach the heap only when
 *    they outgrow it; a division by a u64 uses a precomputed reciprocal;
 *    ln(2) at k bits is kept per thread.
 */
#include "devnet/bigpow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/u256.h"
#include "devnet/xalloc.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <x86intrin.h>
#endif

/* Limbs a number holds before it needs the heap: the series at the pool's
 * precisions (k = 280 and 1 048 bits, products of twice that) fit. */
#define BIG_INLINE 40

/* Not to be copied by value: d may point into in[]. */
struct big {
	uint64_t *d; /* limbs, least significant first; d[n-1] != 0 */
	size_t n, cap;
	bool neg; /* false for zero */
	uint64_t in[BIG_INLINE];
};

static void big_init(struct big *a)
{
	a->d = a->in;
	a->n = 0;
	a->cap = BIG_INLINE;
	a->neg = false;
}

static void big_release(struct big *a)
{
	if (a->d != a->in)
		free(a->d);
}

/* Room for n limbs, the current ones kept. */
static void big_grow(struct big *a, size_t n)
{
	if (n <= a->cap)
		return;
	size_t cap = a->cap * 2 > n ? a->cap * 2 : n;
	if (a->d == a->in) {
		uint64_t *d = xreallocarray(NULL, cap, sizeof(uint64_t));
		memcpy(d, a->in, a->n * sizeof(uint64_t));
		a->d = d;
	} else {
		a->d = xreallocarray(a->d, cap, sizeof(uint64_t));
	}
	a->cap = cap;
}

static void big_trim(struct big *a)
{
	while (a->n && a->d[a->n - 1] == 0)
		a->n--;
	if (a->n == 0)
		a->neg = false;
}

static void big_set_u128(struct big *a, dn_u128 v)
{
	a->d[0] = (uint64_t)v; /* cap >= 2 always */
	a->d[1] = (uint64_t)(v >> 64);
	a->n = 2;
	a->neg = false;
	big_trim(a);
}

/* 2^k */
static void big_set_pow2(struct big *a, size_t k)
{
	size_t w = k / 64;
	big_grow(a, w + 1);
	memset(a->d, 0, (w + 1) * sizeof(uint64_t));
	a->d[w] = (uint64_t)1 << (k % 64);
	a->n = w + 1;
	a->neg = false;
}

static void big_copy(struct big *r, const struct big *a)
{
	if (r == a)
		return;
	big_grow(r, a->n);
	if (a->n)
		memcpy(r->d, a->d, a->n * sizeof(uint64_t));
	r->n = a->n;
	r->neg = a->neg;
}

static void big_swap(struct big **a, struct big **b)
{
	struct big *t = *a;
	*a = *b;
	*b = t;
}

static size_t big_bits(const struct big *a)
{
	if (a->n == 0)
		return 0;
	return (a->n - 1) * 64 + (64 - (size_t)__builtin_clzll(a->d[a->n - 1]));
}

static int mag_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (size_t i = a->n; i-- > 0;)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* |r| = |a| + |b|; r may be a or b. */
static void mag_add(struct big *r, const struct big *a, const struct big *b)
{
	if (a->n < b->n) {
		const struct big *t = a;
		a = b;
		b = t;
	}
	size_t an = a->n, bn = b->n;
	big_grow(r, an + 1);
	uint64_t carry = 0;
	size_t i = 0;
	for (; i < bn; i++) {
		dn_u128 s = (dn_u128)a->d[i] + b->d[i] + carry;
		r->d[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	for (; i < an; i++) {
		uint64_t s = a->d[i] + carry;
		carry = s < carry;
		r->d[i] = s;
	}
	r->d[an] = carry;
	r->n = an + carry;
}

/* |r| = |a| - |b| with |a| >= |b|; r may be a or b. */
static void mag_sub(struct big *r, const struct big *a, const struct big *b)
{
	size_t an = a->n, bn = b->n;
	big_grow(r, an);
	uint64_t borrow = 0;
	size_t i = 0;
	for (; i < bn; i++) {
		uint64_t ai = a->d[i], bi = b->d[i];
		uint64_t d = ai - bi - borrow;
		borrow = (ai < bi) || (ai - bi < borrow);
		r->d[i] = d;
	}
	for (; i < an; i++) {
		uint64_t ai = a->d[i];
		r->d[i] = ai - borrow;
		borrow = ai < borrow;
	}
	r->n = an;
}

/* r = a + b, with b's sign flipped when `flip`; r may be a or b. */
static void big_addsub(struct big *r, const struct big *a, const struct big *b, bool flip)
{
	bool bneg = b->neg != flip && b->n != 0;
	bool aneg = a->neg;
	if (aneg == bneg) {
		mag_add(r, a, b);
		r->neg = aneg;
	} else if (mag_cmp(a, b) >= 0) {
		mag_sub(r, a, b);
		r->neg = aneg;
	} else {
		mag_sub(r, b, a);
		r->neg = bneg;
	}
	big_trim(r);
}

static void big_add(struct big *r, const struct big *a, const struct big *b)
{
	big_addsub(r, a, b, false);
}

static void big_sub(struct big *r, const struct big *a, const struct big *b)
{
	big_addsub(r, a, b, true);
}

/* r[0 .. an + bn) = a * b (magnitudes); r is neither a nor b. */
static void mul_limbs(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *b, size_t bn)
{
	uint64_t carry = 0, b0 = b[0];
	for (size_t i = 0; i < an; i++) {
		dn_u128 t = (dn_u128)a[i] * b0 + carry;
		r[i] = (uint64_t)t;
		carry = (uint64_t)(t >> 64);
	}
	r[an] = carry;
	for (size_t j = 1; j < bn; j++) {
		uint64_t bj = b[j];
		uint64_t *rj = r + j;
		carry = 0;
		for (size_t i = 0; i < an; i++) {
			dn_u128 t = (dn_u128)a[i] * bj + rj[i] + carry;
			rj[i] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		rj[an] = carry;
	}
}

/* r = a * b; r must be neither a nor b. */
static void big_mul(struct big *r, const struct big *a, const struct big *b)
{
	if (a->n == 0 || b->n == 0) {
		r->n = 0;
		r->neg = false;
		return;
	}
	size_t n = a->n + b->n;
	big_grow(r, n);
	if (a->n < b->n)
		mul_limbs(r->d, b->d, b->n, a->d, a->n);
	else
		mul_limbs(r->d, a->d, a->n, b->d, b->n);
	r->n = n;
	r->neg = a->neg != b->neg;
	big_trim(r);
}

/* r = a * m; r may be a. */
static void big_mul_u64(struct big *r, const struct big *a, uint64_t m)
{
	size_t n = a->n;
	big_grow(r, n + 1);
	uint64_t carry = 0;
	for (size_t i = 0; i < n; i++) {
		dn_u128 t = (dn_u128)a->d[i] * m + carry;
		r->d[i] = (uint64_t)t;
		carry = (uint64_t)(t >> 64);
	}
	r->d[n] = carry;
	r->n = n + 1;
	r->neg = a->neg;
	big_trim(r);
}

/* |r| += 1, r made negative: the floor of a negative quotient that
 * dropped a remainder. */
static void big_inc_mag(struct big *r)
{
	big_grow(r, r->n + 1);
	size_t i = 0;
	while (i < r->n && ++r->d[i] == 0)
		i++;
	if (i == r->n)
		r->d[r->n++] = 1;
	r->neg = true;
}

/* r = a * 2^k; r may be a. */
static void big_shl(struct big *r, const struct big *a, size_t k)
{
	size_t w = k / 64, s = k % 64, n = a->n;
	if (n == 0) {
		r->n = 0;
		r->neg = false;
		return;
	}
	bool neg = a->neg;
	big_grow(r, n + w + 1);
	uint64_t *d = r->d; /* a->d too when r == a */
	const uint64_t *src = a->d;
	d[n + w] = s ? src[n - 1] >> (64 - s) : 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t lo = (s && i > 0) ? src[i - 1] >> (64 - s) : 0;
		d[i + w] = (src[i] << s) | lo;
	}
	memset(d, 0, w * sizeof(uint64_t));
	r->n = n + w + 1;
	r->neg = neg;
	big_trim(r);
}

/* r = floor(a / 2^k) (an arithmetic shift: negative values round down);
 * r may be a. */
static void big_shr_floor(struct big *r, const struct big *a, size_t k)
{
	size_t w = k / 64, s = k % 64, n = a->n;
	bool neg = a->neg, dropped = false;
	if (w >= n) {
		dropped = n != 0;
		r->n = 0;
	} else {
		for (size_t i = 0; i < w && !dropped; i++)
			dropped = a->d[i] != 0;
		if (s && (a->d[w] & (((uint64_t)1 << s) - 1)))
			dropped = true;
		big_grow(r, n - w);
		const uint64_t *src = a->d + w;
		size_t m = n - w;
		if (s) {
			for (size_t i = 0; i + 1 < m; i++)
				r->d[i] = (src[i] >> s) | (src[i + 1] << (64 - s));
			r->d[m - 1] = src[m - 1] >> s;
		} else {
			memmove(r->d, src, m * sizeof(uint64_t));
		}
		r->n = m;
	}
	r->neg = neg;
	big_trim(r);
	if (neg && dropped) {
		/* floor of a negative quotient: one more in magnitude */
		big_inc_mag(r);
	}
}

/* r = floor(a * x / 2^k) for an x whose lowest xz limbs are zero (xz * 64
 * <= k): those limbs are left out of the product, which is then shifted
 * by k - 64 xz. p is scratch; r may be a, neither may be p. */
static void big_mul_shr(struct big *r, const struct big *a, const struct big *x, size_t xz,
			size_t k, struct big *p)
{
	if (a->n == 0 || x->n == 0) {
		r->n = 0;
		r->neg = false;
		return;
	}
	const uint64_t *xd = x->d + xz;
	size_t xn = x->n - xz, n = a->n + xn;
	big_grow(p, n);
	if (xn <= a->n)
		mul_limbs(p->d, a->d, a->n, xd, xn);
	else
		mul_limbs(p->d, xd, xn, a->d, a->n);
	p->n = n;
	p->neg = a->neg != x->neg;
	big_trim(p);
	big_shr_floor(r, p, k - 64 * xz);
}

/* Low limbs of x that are zero, at most k / 64: what big_mul_shr may skip. */
static size_t low_zero_limbs(const struct big *x, size_t k)
{
	size_t z = 0;
	while (z < x->n && z < k / 64 && x->d[z] == 0)
		z++;
	return z;
}

/* Division of a 128-bit number by a u64 known in advance (Moller and
 * Granlund, "Improved division by invariant integers", 2011, algorithm 4):
 * d shifted left by l to have its top bit set, v its reciprocal. */
struct divisor {
	uint64_t d, v;
	unsigned l;
};

static void divisor_init(struct divisor *dv, uint64_t d)
{
	dv->l = (unsigned)__builtin_clzll(d);
	dv->d = d << dv->l;
	/* v = floor((2^128 - 1) / d) - 2^64 = floor(((2^64 - 1 - d) * 2^64 +
	 * 2^64 - 1) / d), a quotient below 2^64: one hardware division */
#if defined(__x86_64__) && defined(__GNUC__)
	uint64_t q, r;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "0"(UINT64_MAX), "1"(~dv->d), "rm"(dv->d));
	dv->v = q;
#else
	dv->v = (uint64_t)((((dn_u128)~dv->d << 64) | UINT64_MAX) / dv->d);
#endif
}

/* (u1 * 2^64 + u0) / d for u1 < d (normalised); the remainder to *r. */
static uint64_t div_2by1(const struct divisor *dv, uint64_t u1, uint64_t u0, uint64_t *r)
{
	dn_u128 vu = (dn_u128)dv->v * u1;
	uint64_t q0 = (uint64_t)vu + u0;
	uint64_t q1 = (uint64_t)(vu >> 64) + u1 + (q0 < u0) + 1;
	uint64_t rem = u0 - q1 * dv->d;
	/* the first correction is a coin toss: no branch */
	uint64_t mask = -(uint64_t)(rem > q0);
	q1 += mask;
	rem += mask & dv->d;
	if (__builtin_expect(rem >= dv->d, 0)) {
		q1++;
		rem -= dv->d;
	}
	*r = rem;
	return q1;
}

/* r = floor(a / d), d > 0; r may be a. */
static void big_divfloor(struct big *r, const struct big *a, const struct divisor *dv)
{
	size_t n = a->n;
	bool neg = a->neg;
	big_grow(r, n ? n : 1);
	/* divide a * 2^l by d * 2^l: the same quotient, the remainder
	 * shifted by l */
	unsigned l = dv->l;
	uint64_t rem = 0;
	if (l) {
		rem = n ? a->d[n - 1] >> (64 - l) : 0;
		for (size_t i = n; i-- > 0;) {
			uint64_t u0 = (a->d[i] << l) | (i ? a->d[i - 1] >> (64 - l) : 0);
			r->d[i] = div_2by1(dv, rem, u0, &rem);
		}
	} else {
		for (size_t i = n; i-- > 0;)
			r->d[i] = div_2by1(dv, rem, a->d[i], &rem);
	}
	r->n = n;
	r->neg = neg;
	big_trim(r);
	if (neg && rem)
		big_inc_mag(r);
}

static void big_divfloor_u64(struct big *r, const struct big *a, uint64_t d)
{
	struct divisor dv;
	divisor_init(&dv, d);
	big_divfloor(r, a, &dv);
}

/* safe_bigmath round_to_precision(a, 2^g), 0 < g < 64: truncated division,
 * then one more in magnitude when the remainder is at least half, i.e.
 * magnitude (|a| + 2^(g-1)) >> g with the sign kept. r must not be a. */
static void big_round(struct big *r, const struct big *a, size_t g)
{
	size_t n = a->n;
	big_grow(r, n + 1);
	uint64_t carry = (uint64_t)1 << (g - 1), prev = 0;
	/* (|a| + 2^(g-1)) >> g, one limb behind the carry */
	for (size_t i = 0; i < n; i++) {
		uint64_t v = a->d[i] + carry;
		carry = v < carry;
		if (i)
			r->d[i - 1] = (prev >> g) | (v << (64 - g));
		prev = v;
	}
	if (n) {
		r->d[n - 1] = (prev >> g) | (carry << (64 - g));
		r->n = n;
	} else {
		r->n = 0;
	}
	r->neg = a->neg;
	big_trim(r);
}

/* r = |a|^e (e >= 1); r must not be a; t and sq are scratch. */
static void big_pow(struct big *r, const struct big *a, uint32_t e, struct big *t, struct big *sq)
{
	/* the result may end up in any of r, t, sq: copy it back at the end */
	struct big *res = r, *tmp = t, *s = sq;
	big_set_u128(res, 1);
	big_copy(s, a);
	s->neg = false;
	for (;;) {
		if (e & 1) {
			big_mul(tmp, res, s);
			big_swap(&tmp, &res);
		}
		e >>= 1;
		if (!e)
			break;
		big_mul(tmp, s, s);
		big_swap(&tmp, &s);
	}
	big_copy(r, res);
}

/* ---- the crate's series ------------------------------------------------ */

struct series {
	size_t k; /* internal fractional bits: scale = 2^k */
	size_t g; /* guard bits: guard factor = 2^g */
	uint32_t max_iters;
	struct big term, tmp;
};

/*
 * The series' stopping rule, once per term: stop when the term is below
 * the guard factor (|t| < 2^g) or when the sum rounded to 2^g has not
 * moved. The second never decides: a term of 2^g or more moves the sum's
 * magnitude by at least 2^g, or flips its sign with the two magnitudes
 * summing to 2^g or more, and either way the rounded sum changes (to
 * round equal, two values of one sign must lie in one bucket of width
 * 2^g, and of opposite signs must both round to 0, i.e. lie below
 * 2^(g-1)). So only the first test is made, and nothing is rounded.
 */

/* a + b + *c and a - b - *c, the carry or borrow out to *c */
#if defined(__x86_64__) && defined(__GNUC__)
static inline uint64_t addc(uint64_t a, uint64_t b, unsigned char *c)
{
	unsigned long long r;
	*c = _addcarry_u64(*c, a, b, &r);
	return r;
}

static inline uint64_t subb(uint64_t a, uint64_t b, unsigned char *c)
{
	unsigned long long r;
	*c = _subborrow_u64(*c, a, b, &r);
	return r;
}
#else
static inline uint64_t addc(uint64_t a, uint64_t b, unsigned char *c)
{
	dn_u128 s = (dn_u128)a + b + *c;
	*c = (unsigned char)(s >> 64);
	return (uint64_t)s;
}

static inline uint64_t subb(uint64_t a, uint64_t b, unsigned char *c)
{
	dn_u128 s = (dn_u128)a - b - *c;
	*c = (unsigned char)(s >> 64 != 0);
	return (uint64_t)s;
}
#endif

/*
 * ln1p_fixed: ln(1 + x/2^k) * 2^k by the alternating Taylor series, for
 * |x| <= 2^(k-1) (all its callers):
 *	t_1 = x, t_n = floor(t_(n-1) * x / 2^k), s_n = floor(t_n / n),
 *	result = x - s_2 + s_3 - ...,
 * stopping before adding s_n at t_n = 0 or s_n = 0, after adding it at
 * |s_n| < 2^g, and after n = max_iters.
 *
 * This runs a few hundred times per power, so it is computed in a form
 * that gives the same integers with less work:
 *   - x / 2^k = X / 2^(64 S) with X = |x| 2^(64 S - k) an integer (S the
 *     fewest limbs for which it is: x's low zero bits allow it), so the
 *     division by 2^k is dropping S limbs of t * X, and X is a limb or two
 *     (x is a mantissa of at most 128 bits shifted up);
 *   - fixed-width two's complement, where floors come for free: dropping
 *     limbs floors, floor(-P / 2^(64 S)) = ~floor(P / 2^(64 S)) + (1 when
 *     P's dropped limbs are all zero), and floor(t / n) = ~floor(~t / n)
 *     for t < 0;
 *   - the terms only shrink (|x| / 2^k <= 1/2), so a term lives in W limbs,
 *     W dropping as they do (keeping two sign bits, so that no later term
 *     can overflow); each W up to 6 has its own unrolled copy of the loop;
 *   - the sum stays below 2^k in magnitude (about 1.4 |x|) in R limbs; its
 *     limbs from W up only take carries and borrows, counted on the side.
 */
struct ln1p_state {
	const uint64_t *x; /* X, xn limbs */
	size_t xn;
	uint64_t xmask; /* all ones when x < 0 */
	size_t S; /* limbs dropped from t * X */
	uint64_t *t; /* the term */
	uint64_t *q; /* |floor(t / n)| - (1 when t < 0) */
	uint64_t *p; /* the product, W + xn limbs, sign-extended to S + W */
	uint64_t *r; /* the sum, R limbs */
	size_t R;
	uint32_t n, max_iters;
	uint64_t guard; /* 2^g */
};

/* Terms from st->n on while they need W limbs. True when the series has
 * stopped; false when the term now fits W - 1 limbs. The carries and
 * borrows out of the sum's low W limbs go to *hi. */
static inline __attribute__((always_inline)) bool ln1p_run(struct ln1p_state *st, const size_t W,
							   int64_t *hi)
{
	uint64_t *t = st->t, *q = st->q, *p = st->p, *r = st->r;
	const uint64_t *x = st->x;
	const size_t xn = st->xn, S = st->S;
	for (; st->n <= st->max_iters; st->n++) {
		uint32_t n = st->n;
		/* p = t * X, t read as unsigned, then corrected to the
		 * signed product (minus X 2^(64 W) when t < 0) */
		uint64_t tmask = -(t[W - 1] >> 63);
		uint64_t mc = 0;
#pragma GCC unroll 8
		for (size_t i = 0; i < W; i++) {
			dn_u128 v = (dn_u128)t[i] * x[0] + mc;
			p[i] = (uint64_t)v;
			mc = (uint64_t)(v >> 64);
		}
		p[W] = mc;
		for (size_t j = 1; j < xn; j++) {
			mc = 0;
#pragma GCC unroll 8
			for (size_t i = 0; i < W; i++) {
				dn_u128 v = (dn_u128)t[i] * x[j] + p[i + j] + mc;
				p[i + j] = (uint64_t)v;
				mc = (uint64_t)(v >> 64);
			}
			p[W + j] = mc;
		}
		unsigned char c = 0;
		for (size_t j = 0; j < xn; j++)
			p[W + j] = subb(p[W + j], x[j] & tmask, &c);
		for (size_t i = W + xn; i < S + W; i++)
			p[i] = -(p[W + xn - 1] >> 63);
		/* t_n = floor(+-p / 2^(64 S)) */
		uint64_t any = 0;
		if (!st->xmask) {
#pragma GCC unroll 8
			for (size_t i = 0; i < W; i++) {
				t[i] = p[i + S];
				any |= t[i];
			}
		} else {
			uint64_t low = 0;
			for (size_t i = 0; i < S; i++)
				low |= p[i];
#pragma GCC unroll 8
			for (size_t i = 0; i < W; i++) {
				t[i] = ~p[i + S];
				any |= t[i];
			}
			if (__builtin_expect(!low, 0)) {
				c = 1;
				any = 0;
				for (size_t i = 0; i < W; i++) {
					t[i] = addc(t[i], 0, &c);
					any |= t[i];
				}
			}
		}
		if (!any)
			return true;
		/* s_n = floor(t_n / n): the quotient of ~t_n when negative,
		 * complemented; n < 2^12, so the normalising shift l > 0 */
		uint64_t m = -(t[W - 1] >> 63);
		struct divisor dv;
		divisor_init(&dv, n);
		const unsigned l = dv.l;
		uint64_t rem = (t[W - 1] ^ m) >> (64 - l), qhigh = 0;
#pragma GCC unroll 8
		for (size_t i = W - 1; i > 0; i--) {
			uint64_t u0 = ((t[i] ^ m) << l) | ((t[i - 1] ^ m) >> (64 - l));
			q[i] = div_2by1(&dv, rem, u0, &rem);
			qhigh |= q[i];
		}
		q[0] = div_2by1(&dv, rem, (t[0] ^ m) << l, &rem);
		if (!m && !(qhigh | q[0]))
			return true; /* s_n = 0 (a negative t_n gives -1 or less) */
		/* the sum += s_n for odd n, -= for even n; s_n is q ^ m */
		uint64_t smask = n % 2 == 0 ? UINT64_MAX : 0;
		uint64_t flip = m ^ smask;
		c = (unsigned char)(smask & 1);
#pragma GCC unroll 8
		for (size_t i = 0; i < W; i++)
			r[i] = addc(r[i], q[i] ^ flip, &c);
		/* above W: + c + flip, flip being 0 or -1 */
		*hi += (int64_t)c - (int64_t)(flip & 1);
		/* |s_n| < 2^g: q < 2^g, or ~q + 1 < 2^g */
		if (!qhigh && q[0] < st->guard - (m & 1)) {
			st->n++;
			return true;
		}
		if (W > 1 && t[W - 1] == m && ((t[W - 2] ^ m) >> 62) == 0) {
			st->n++;
			return false;
		}
	}
	return true;
}

/* The common shape, X one limb and S = 1 (x from a mantissa of 64 bits or
 * less, so every chain buy), with the term and the sum's low limbs in
 * registers. The same steps as ln1p_run. */
#define LN1P_WMAX 6
static inline __attribute__((always_inline)) bool ln1p_run1(struct ln1p_state *st, const size_t W,
							    int64_t *hi)
{
	uint64_t t[LN1P_WMAX], q[LN1P_WMAX], r[LN1P_WMAX];
	const uint64_t X = st->x[0], xmask = st->xmask, guard = st->guard;
	const uint32_t max_iters = st->max_iters;
	uint32_t n = st->n;
	bool done = true;
#pragma GCC unroll 8
	for (size_t i = 0; i < W; i++) {
		t[i] = st->t[i];
		r[i] = st->r[i];
	}
	for (; n <= max_iters; n++) {
		/* t_n = floor(+-(t * X) / 2^64) */
		uint64_t tmask = -(t[W - 1] >> 63), mc = 0, low = 0, any = 0;
#pragma GCC unroll 8
		for (size_t i = 0; i < W; i++) {
			dn_u128 v = (dn_u128)t[i] * X + mc;
			if (i == 0)
				low = (uint64_t)v;
			else
				t[i - 1] = (uint64_t)v ^ xmask;
			mc = (uint64_t)(v >> 64);
		}
		t[W - 1] = (mc - (X & tmask)) ^ xmask;
		if (__builtin_expect(xmask && !low, 0)) {
			unsigned char c = 1;
			for (size_t i = 0; i < W; i++)
				t[i] = addc(t[i], 0, &c);
		}
#pragma GCC unroll 8
		for (size_t i = 0; i < W; i++)
			any |= t[i];
		if (!any)
			break;
		/* s_n = floor(t_n / n) */
		uint64_t m = -(t[W - 1] >> 63);
		struct divisor dv;
		divisor_init(&dv, n);
		const unsigned l = dv.l;
		uint64_t rem = (t[W - 1] ^ m) >> (64 - l), qhigh = 0;
#pragma GCC unroll 8
		for (size_t i = W - 1; i > 0; i--) {
			uint64_t u0 = ((t[i] ^ m) << l) | ((t[i - 1] ^ m) >> (64 - l));
			q[i] = div_2by1(&dv, rem, u0, &rem);
			qhigh |= q[i];
		}
		q[0] = div_2by1(&dv, rem, (t[0] ^ m) << l, &rem);
		if (!m && !(qhigh | q[0]))
			break;
		uint64_t smask = n % 2 == 0 ? UINT64_MAX : 0;
		uint64_t flip = m ^ smask;
		unsigned char c = (unsigned char)(smask & 1);
#pragma GCC unroll 8
		for (size_t i = 0; i < W; i++)
			r[i] = addc(r[i], q[i] ^ flip, &c);
		*hi += (int64_t)c - (int64_t)(flip & 1);
		if (!qhigh && q[0] < guard - (m & 1))
			break;
		if (W > 1 && t[W - 1] == m && ((t[W - 2] ^ m) >> 62) == 0) {
			n++;
			done = false;
			break;
		}
	}
	st->n = n;
#pragma GCC unroll 8
	for (size_t i = 0; i < W; i++) {
		st->t[i] = t[i];
		st->r[i] = r[i];
	}
	return done;
}

static bool ln1p_run_w(struct ln1p_state *st, size_t W)
{
	int64_t hi = 0;
	bool done;
	if (st->xn == 1 && st->S == 1 && W <= LN1P_WMAX) {
		switch (W) {
		case 1: done = ln1p_run1(st, 1, &hi); break;
		case 2: done = ln1p_run1(st, 2, &hi); break;
		case 3: done = ln1p_run1(st, 3, &hi); break;
		case 4: done = ln1p_run1(st, 4, &hi); break;
		case 5: done = ln1p_run1(st, 5, &hi); break;
		default: done = ln1p_run1(st, 6, &hi); break;
		}
	} else {
		switch (W) {
		case 1: done = ln1p_run(st, 1, &hi); break;
		case 2: done = ln1p_run(st, 2, &hi); break;
		case 3: done = ln1p_run(st, 3, &hi); break;
		case 4: done = ln1p_run(st, 4, &hi); break;
		case 5: done = ln1p_run(st, 5, &hi); break;
		case 6: done = ln1p_run(st, 6, &hi); break;
		default: done = ln1p_run(st, W, &hi); break;
		}
	}
	/* the carries and borrows into the sum's limbs from W up */
	uint64_t ext = hi < 0 ? UINT64_MAX : 0;
	unsigned char c = 0;
	st->r[W] = addc(st->r[W], (uint64_t)hi, &c);
	for (size_t i = W + 1; i < st->R; i++)
		st->r[i] = addc(st->r[i], ext, &c);
	return done;
}

/* Two's complement a[0 .. n) of sign `neg` and magnitude m[0 .. mn),
 * mn <= n. */
static void twos_from_mag(uint64_t *a, size_t n, const uint64_t *m, size_t mn, bool neg)
{
	uint64_t mask = neg ? UINT64_MAX : 0, carry = neg;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = ((i < mn ? m[i] : 0) ^ mask) + carry;
		carry = v < carry;
		a[i] = v;
	}
}

static void ln1p_fixed(struct series *s, struct big *result, const struct big *x)
{
	if (x->n == 0) {
		big_copy(result, x); /* t_2 = 0 */
		return;
	}
	struct ln1p_state st;
	size_t k = s->k, tz = 0;
	while (x->d[tz / 64] == 0)
		tz += 64;
	tz += (size_t)__builtin_ctzll(x->d[tz / 64]);
	/* X = |x| 2^(64 S - k), S = ceil((k - tz) / 64) >= 1 (tz < k) */
	size_t S = (k - tz + 63) / 64;
	size_t W = (big_bits(x) + 2 + 63) / 64; /* |t| < 2^(64 W - 2) */
	size_t R = k / 64 + 2; /* |sum| < 2^k, and room for the carries at W */
	if (R < W + 1)
		R = W + 1;
	size_t xcap = x->n + S + 1, pn = (S > x->n ? S : x->n) + W + xcap + 1;
	size_t need = xcap + 2 * W + pn + R;
	uint64_t stack[256];
	uint64_t *mem = need <= sizeof(stack) / sizeof(stack[0])
				? stack
				: xreallocarray(NULL, need, sizeof(uint64_t));
	uint64_t *xs = mem;
	st.t = mem + xcap;
	st.q = st.t + W;
	st.p = st.q + W;
	st.r = st.p + pn;
	/* X: |x| shifted by 64 S - k, left or right */
	struct big xv;
	big_init(&xv);
	if (64 * S >= k)
		big_shl(&xv, x, 64 * S - k);
	else
		big_shr_floor(&xv, x, k - 64 * S);
	memcpy(xs, xv.d, xv.n * sizeof(uint64_t));
	st.x = xs;
	st.xn = xv.n;
	big_release(&xv);
	st.xmask = x->neg ? UINT64_MAX : 0;
	st.S = S;
	st.n = 2;
	st.max_iters = s->max_iters;
	st.guard = (uint64_t)1 << s->g;
	st.R = R;
	twos_from_mag(st.t, W, x->d, x->n, x->neg);
	twos_from_mag(st.r, R, x->d, x->n, x->neg);
	while (!ln1p_run_w(&st, W))
		W--;
	/* back to sign and magnitude */
	bool neg = st.r[R - 1] >> 63;
	big_grow(result, R);
	twos_from_mag(result->d, R, st.r, R, neg);
	result->n = R;
	result->neg = neg;
	big_trim(result);
	if (mem != stack)
		free(mem);
}

/* exp_fixed: exp(x/2^k) * 2^k by the Taylor series. The crate divides by
 * scale * n at once; floor(floor(a / 2^k) / n) is the same number. */
static void exp_fixed(struct series *s, struct big *result, const struct big *x)
{
	size_t xz = low_zero_limbs(x, s->k);
	struct divisor dv;
	big_set_pow2(&s->term, s->k);
	big_copy(result, &s->term);
	for (uint32_t n = 1; n <= s->max_iters; n++) {
		big_mul_shr(&s->term, &s->term, x, xz, s->k, &s->tmp);
		divisor_init(&dv, n);
		big_divfloor(&s->term, &s->term, &dv);
		if (s->term.n == 0)
			break;
		big_add(result, result, &s->term);
		if (big_bits(&s->term) <= s->g)
			break;
	}
}

/* ln_biguint: ln(v) * 2^k from a mantissa normalised into [0.75, 1.5),
 * v = m 2^shift; returns the shift. */
static size_t ln_big(struct series *s, struct big *result, dn_u128 v, const struct big *ln_two)
{
	struct big m, x;
	big_init(&m);
	big_init(&x);
	size_t shift = 127 - (size_t)(v >> 64 ? __builtin_clzll((uint64_t)(v >> 64))
					      : 64 + __builtin_clzll((uint64_t)v));
	big_set_u128(&m, v);
	big_shl(&m, &m, s->k);
	big_shr_floor(&m, &m, shift);
	/* m >= scale + scale / 2: bits k and k - 1 both set (m < 2^(k+1)) */
	size_t w = s->k / 64, b = s->k % 64;
	size_t w1 = (s->k - 1) / 64, b1 = (s->k - 1) % 64;
	if (m.n > w && (m.d[w] >> b & 1) && (m.d[w1] >> b1 & 1)) {
		big_shr_floor(&m, &m, 1);
		shift++;
	}
	big_set_pow2(&x, s->k);
	big_sub(&x, &m, &x);
	ln1p_fixed(s, result, &x);
	big_mul_u64(&m, ln_two, (uint64_t)shift);
	big_add(result, result, &m);
	big_release(&m);
	big_release(&x);
	return shift;
}

/* ln(2) * 2^k as the crate computes it, -ln1p_fixed(-2^(k-1)): the same
 * for every call with this k, so each thread keeps the last few. */
#define LN2_CACHE_LIMBS 24
static _Thread_local struct {
	size_t k; /* 0: empty */
	size_t n;
	uint64_t d[LN2_CACHE_LIMBS];
} ln2_cache[4];
static _Thread_local unsigned ln2_next;

static void ln_two_of(struct series *s, struct big *ln_two, struct big *x)
{
	for (unsigned i = 0; i < 4; i++) {
		if (ln2_cache[i].k == s->k) {
			big_grow(ln_two, ln2_cache[i].n);
			memcpy(ln_two->d, ln2_cache[i].d, ln2_cache[i].n * sizeof(uint64_t));
			ln_two->n = ln2_cache[i].n;
			ln_two->neg = false;
			return;
		}
	}
	big_set_pow2(x, s->k - 1);
	x->neg = true; /* -(scale >> 1) */
	ln1p_fixed(s, ln_two, x); /* ln(1/2) */
	ln_two->neg = !ln_two->neg && ln_two->n != 0;
	if (ln_two->n <= LN2_CACHE_LIMBS && !ln_two->neg) {
		unsigned i = ln2_next++ % 4;
		ln2_cache[i].k = s->k;
		ln2_cache[i].n = ln_two->n;
		memcpy(ln2_cache[i].d, ln_two->d, ln_two->n * sizeof(uint64_t));
	}
}

static enum dn_pow_status classify(const struct big *a, uint64_t *value)
{
	if (a->neg)
		return DN_POW_NEGATIVE;
	if (a->n > 1)
		return DN_POW_ABOVE;
	*value = a->n ? a->d[0] : 0;
	return DN_POW_OK;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

static size_t bits_u64(uint64_t v) { return v ? 64 - (size_t)__builtin_clzll(v) : 0; }

/* The exact path: floor((num / den)^(1/q)), the largest r with
 * r^q * den <= num. The crate finds it by doubling then bisection from 0;
 * any search for the same largest r gives the same number, so this one
 * starts from bounds read off the bit lengths, and stops early once r is
 * known to exceed u64::MAX (all the callers can tell apart). */
static enum dn_pow_status nth_root(const struct big *num, const struct big *den, uint32_t q,
				   uint64_t *value)
{
	enum dn_pow_status st = DN_POW_OK;
	struct big mid, p, t, sq, prod;
	big_init(&mid);
	big_init(&p);
	big_init(&t);
	big_init(&sq);
	big_init(&prod);
	if (num->n == 0) {
		*value = 0;
		goto out;
	}
	/* r >= 2^64 iff den * 2^(64 q) <= num */
	big_shl(&prod, den, (size_t)64 * q);
	if (mag_cmp(&prod, num) <= 0) {
		st = DN_POW_ABOVE;
		goto out;
	}
	/* num / den lies in (2^(bn-bd-1), 2^(bn-bd+1)) */
	long long bn = (long long)big_bits(num), bd = (long long)big_bits(den);
	dn_u128 lo = 0, hi;
	if (bn - bd - 1 >= 0)
		lo = (dn_u128)1 << ((bn - bd - 1) / q);
	long long up = bn - bd + 1 <= 0 ? 0 : (bn - bd + 1 + q - 1) / q;
	hi = up >= 64 ? (dn_u128)1 << 64 : (dn_u128)1 << up;
	while (lo < hi) {
		dn_u128 m = (lo + hi + 1) >> 1;
		big_set_u128(&mid, m);
		big_pow(&p, &mid, q, &t, &sq);
		big_mul(&prod, &p, den);
		if (mag_cmp(&prod, num) <= 0)
			lo = m;
		else
			hi = m - 1;
	}
	*value = (uint64_t)lo; /* lo < 2^64: the check above */
out:
	big_release(&mid);
	big_release(&p);
	big_release(&t);
	big_release(&sq);
	big_release(&prod);
	return st;
}

/* The exact path with en = ed = 1 (a 0.5 pool weight): the largest r with
 * r * bd <= bn * scale is floor(bn * scale / bd), in 256 bits. */
static enum dn_pow_status ratio_scaled(dn_u128 bn, dn_u128 bd, uint64_t scale, uint64_t *value)
{
	struct dn_u256 num = dn_u256_mul(bn, scale);
	/* r >= 2^64 iff bd * 2^64 <= num */
	struct dn_u256 top = {bd >> 64, bd << 64};
	if (top.hi < num.hi || (top.hi == num.hi && top.lo <= num.lo))
		return DN_POW_ABOVE;
	*value = (uint64_t)dn_u256_div128(num, bd, NULL);
	return DN_POW_OK;
}

/* ---- the series path -------------------------------------------------- */

static void series_init(struct series *s, size_t req)
{
	s->g = 24;
	s->k = req + s->g;
	s->max_iters = (uint32_t)(s->k + 128 < 4096 ? s->k + 128 : 4096);
	big_init(&s->term);
	big_init(&s->tmp);
}

static void series_release(struct series *s)
{
	big_release(&s->term);
	big_release(&s->tmp);
}

/* The crate's fallback at req bits (k = req + 24, g = 24): x = floor((ln bn
 * - ln bd) en / ed) and E = round(exp(x) / 2^g), all at 2^k, the result
 * being floor(E * scale / 2^req). *dsig = |shift(bn) - shift(bd)|. */
static void series_pow(size_t req, dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed, struct big *e,
		       struct big *x, size_t *dsig)
{
	struct series s;
	struct big ln_two, ln_num, ln_den;
	series_init(&s, req);
	big_init(&ln_two);
	big_init(&ln_num);
	big_init(&ln_den);
	ln_two_of(&s, &ln_two, x);
	size_t sn = ln_big(&s, &ln_num, bn, &ln_two);
	size_t sd = ln_big(&s, &ln_den, bd, &ln_two);
	big_sub(x, &ln_num, &ln_den);
	big_mul_u64(x, x, en);
	big_divfloor_u64(x, x, ed);
	exp_fixed(&s, &ln_num, x);
	big_round(e, &ln_num, s.g);
	*dsig = sn > sd ? sn - sd : sd - sn;
	series_release(&s);
	big_release(&ln_two);
	big_release(&ln_num);
	big_release(&ln_den);
}

/*
 * How far the crate's E may lie from the true T = (bn / bd)^(en / ed), in
 * units of 2^-req, when |ln(T)| and the computed |x| / 2^k are both at
 * most c (c <= 10), r >= en / ed, k = req + 24 <= 3968 (so that the
 * iteration cap is M = k + 128) and k at least the bit length of bn and
 * bd (so that their mantissas are exact). In ulps u = 2^-k, with t_n, s_n
 * and T_n the crate's terms:
 *  - ln1p, |xi| <= 1/2: each floor errs by less than 1 and is then
 *    multiplied by |xi| <= 1/2, so |t_n - xi^n| < 2, |s_n - xi^n / n| < 2;
 *    the tail after a stop is below 2^g + 2 (at |s_N| < 2^g the next terms
 *    at least halve), 4 (at t_N = 0 or s_N = 0) or 1 (at the cap, as
 *    |xi|^M 2^k <= 2^(k - M) < 1): A = 2^g + 2M + 4 in all;
 *  - ln(v) = ln1p(m / 2^k - 1) + shift ln2, the mantissa exact, so the
 *    difference errs by at most (2 + dsig) A, and x, floored after the
 *    multiplication by en / ed, by err_x = (2 + dsig) A r + 1;
 *  - exp: T_n = T_(n-1) chi / n - (less than 2), so the term errors obey
 *    |e_n| <= |e_(n-1)| c / n + 2, hence |e_n| <= 2 e^c; no stop comes
 *    before n >= 2c (the terms are above 2^(k-1) until then), so the tail
 *    is below 2^g + 4 e^c (+ 1 for a cap never reached): the sum errs by
 *    at most 2 (M + 3) e^c + 2^g + 1, plus e^c err_x from x's error;
 *  - E = round(S / 2^g) adds 1/2.
 * Over 2^g: (2 (M + 3) + err_x) e^c / 2^g + 1.5 and a little, computed
 * with ceil(e^c) from a table, in 128 bits (r <= 2^20).
 */
static const uint32_t exp_ceil[] = {1, 3, 8, 21, 55, 149, 404, 1097, 2981, 8104, 22027};

static dn_u128 series_error(size_t req, size_t c, size_t dsig, uint64_t r)
{
	size_t k = req + 24, M = k + 128;
	dn_u128 A = ((dn_u128)1 << 24) + 2 * (dn_u128)M + 4;
	dn_u128 err_x = (dn_u128)(2 + dsig) * A * r + 1;
	dn_u128 num = ((dn_u128)2 * (M + 3) + err_x) * exp_ceil[c] + 1;
	return (num >> 24) + 3;
}

/* The least precision of a certifying run: k = 104 (req 80), which leaves
 * a chain buy's 10^18-scaled result about 2^-15 of slack. */
#define CERT_REQ 80

/*
 * The crate's result without running its series at full precision. The
 * same series at creq < req bits gives E' with |E' / 2^creq - T| below the
 * bound above, the crate's E / 2^req is as close to T, so E lies in a
 * known interval; when floor(E * scale / 2^req) is the same at both ends
 * of it, or at least 2^64 at both, that is the answer (DN_POW_OK, or
 * DN_POW_ABOVE). The exact path (req = 0) gives floor(T * scale) itself,
 * so there only E' errs. Returns DN_POW_NONE when undecided: T * scale
 * within about 2^-15 of an integer (for a pool's swap), or the bound's
 * conditions unmet; the caller then tries more bits or the crate's way.
 */
static enum dn_pow_status pow_certified(dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed,
					size_t creq, size_t req, uint64_t scale, uint64_t *value)
{
	enum dn_pow_status st = DN_POW_NONE;
	uint64_t r = en / ed + (en % ed != 0);
	if (r > (uint64_t)1 << 20)
		return st;
	struct big x, e, lo, hi;
	size_t dsig;
	big_init(&x);
	big_init(&e);
	big_init(&lo);
	big_init(&hi);
	series_pow(creq, bn, bd, en, ed, &e, &x, &dsig);
	/* c = floor(|x'| / 2^k') + 2: above the crate's |x| / 2^k and |ln T|,
	 * as both runs' errors on x are far below 1 */
	x.neg = false;
	big_shr_floor(&x, &x, creq + 24);
	if (x.n > 1 || (x.n && x.d[0] > 8) || e.neg)
		goto out;
	size_t c = (x.n ? (size_t)x.d[0] : 0) + 2;
	/* both errors at 2^-creq, the crate's rounded up by the + 2 */
	dn_u128 delta = series_error(creq, c, dsig, r) + 2;
	if (req && req - creq < 128)
		delta += series_error(req, c, dsig, r) >> (req - creq);
	/* lo, hi = floor((E' -+ delta) scale / 2^creq) */
	big_set_u128(&x, delta);
	big_sub(&lo, &e, &x);
	big_add(&hi, &e, &x);
	if (lo.neg)
		goto out;
	big_mul_u64(&lo, &lo, scale);
	big_shr_floor(&lo, &lo, creq);
	big_mul_u64(&hi, &hi, scale);
	big_shr_floor(&hi, &hi, creq);
	if (lo.n > 1) {
		st = DN_POW_ABOVE;
	} else if (hi.n <= 1 && (lo.n ? lo.d[0] : 0) == (hi.n ? hi.d[0] : 0)) {
		*value = lo.n ? lo.d[0] : 0;
		st = DN_POW_OK;
	}
out:
	big_release(&x);
	big_release(&e);
	big_release(&lo);
	big_release(&hi);
	return st;
}

/* pow_certified at the fewest bits that keep bn's and bd's mantissas exact
 * (at least CERT_REQ + 24), then 64 more, as long as that is below req
 * (and the crate's iteration cap is k + 128). */
static enum dn_pow_status pow_fast(dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed, size_t req,
				   uint64_t scale, uint64_t *value)
{
	dn_u128 top = bn > bd ? bn : bd;
	size_t bits = top >> 64 ? 128 - (size_t)__builtin_clzll((uint64_t)(top >> 64))
				: 64 - (size_t)__builtin_clzll((uint64_t)top);
	size_t creq = bits > CERT_REQ + 24 ? bits - 24 : CERT_REQ;
	enum dn_pow_status st = DN_POW_NONE;
	if (req + 24 > 3968)
		return st;
	for (int i = 0; i < 2 && st == DN_POW_NONE && (!req || creq < req); i++, creq += 64)
		st = pow_certified(bn, bd, en, ed, creq, req, scale, value);
	return st;
}

enum dn_pow_status dn_pow_ratio_scaled(dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed,
				       uint32_t precision, uint64_t scale, uint64_t *value)
{
	if (bd == 0 || ed == 0)
		return DN_POW_NONE;
	if (bn == 0) {
		*value = 0;
		return DN_POW_OK;
	}
	/* en == 0 is the crate's own shortcut; bn == bd gives the scale on
	 * both paths (the root of scale^ed, or exp(0) = 1 exactly) */
	if (en == 0 || bn == bd) {
		*value = scale;
		return DN_POW_OK;
	}
	uint64_t g = gcd_u64(en, ed);
	if (g > 1) {
		en /= g;
		ed /= g;
	}

	enum dn_pow_status st;
	if (en == 1 && ed == 1)
		return ratio_scaled(bn, bd, scale, value);
	if (en <= 1024 && ed <= 1024) {
		/* exact: root of bn^en * scale^ed / bd^en of degree ed, which is
		 * floor(T * scale) */
		st = pow_fast(bn, bd, en, ed, 0, scale, value);
		if (st != DN_POW_NONE)
			return st;
		struct big num, den, b, t, sq;
		big_init(&num);
		big_init(&den);
		big_init(&b);
		big_init(&t);
		big_init(&sq);
		big_set_u128(&b, bn);
		big_pow(&num, &b, (uint32_t)en, &t, &sq);
		big_set_u128(&b, scale);
		big_pow(&den, &b, (uint32_t)ed, &t, &sq); /* scale^ed, for now */
		big_mul(&t, &num, &den);
		big_copy(&num, &t);
		big_set_u128(&b, bd);
		big_pow(&den, &b, (uint32_t)en, &t, &sq);
		st = nth_root(&num, &den, (uint32_t)ed, value);
		big_release(&num);
		big_release(&den);
		big_release(&b);
		big_release(&t);
		big_release(&sq);
		return st;
	}

	/* fallback: exp(ln(bn / bd) * en / ed) in fixed point */
	size_t sb = bits_u64(scale) + 8;
	size_t req = precision > 32 ? precision : 32;
	if (sb > req)
		req = sb;
	st = pow_fast(bn, bd, en, ed, req, scale, value);
	if (st != DN_POW_NONE)
		return st;
	struct big x, e;
	size_t dsig;
	big_init(&x);
	big_init(&e);
	series_pow(req, bn, bd, en, ed, &e, &x, &dsig);
	big_mul_u64(&e, &e, scale);
	big_shr_floor(&e, &e, req);
	st = classify(&e, value);
	big_release(&x);
	big_release(&e);
	return st;
}
