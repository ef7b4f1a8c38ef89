/*
 * safe_bigmath's pow_ratio_scaled (see bigpow.h) on a small signed
 * big-integer type: sign and magnitude, 64-bit limbs, schoolbook
 * multiplication. Only what the crate's algorithm needs is here: add,
 * subtract, multiply, shifts and divisions by a power of two or a u64,
 * all with the crate's (num-bigint's) floor semantics.
 */
#include "devnet/bigpow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

struct big {
	uint64_t *d; /* limbs, least significant first; d[n-1] != 0 */
	size_t n, cap;
	bool neg; /* false for zero */
};

static void big_init(struct big *a)
{
	a->d = NULL;
	a->n = a->cap = 0;
	a->neg = false;
}

static void big_release(struct big *a) { free(a->d); }

static void big_grow(struct big *a, size_t n)
{
	if (n <= a->cap)
		return;
	size_t cap = a->cap * 2 > n ? a->cap * 2 : n;
	a->d = xreallocarray(a->d, cap, sizeof(uint64_t));
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
	big_grow(a, 2);
	a->d[0] = (uint64_t)v;
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

static void big_swap(struct big *a, struct big *b)
{
	struct big t = *a;
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

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	int c = mag_cmp(a, b);
	return a->neg ? -c : c;
}

/* |r| = |a| + |b|; r may be a or b. */
static void mag_add(struct big *r, const struct big *a, const struct big *b)
{
	size_t an = a->n, bn = b->n, n = an > bn ? an : bn;
	big_grow(r, n + 1);
	uint64_t carry = 0;
	for (size_t i = 0; i < n; i++) {
		dn_u128 s = (dn_u128)(i < an ? a->d[i] : 0) + (i < bn ? b->d[i] : 0) + carry;
		r->d[i] = (uint64_t)s;
		carry = (uint64_t)(s >> 64);
	}
	r->d[n] = carry;
	r->n = n + 1;
}

/* |r| = |a| - |b| with |a| >= |b|; r may be a or b. */
static void mag_sub(struct big *r, const struct big *a, const struct big *b)
{
	size_t an = a->n, bn = b->n;
	big_grow(r, an);
	uint64_t borrow = 0;
	for (size_t i = 0; i < an; i++) {
		uint64_t bi = i < bn ? b->d[i] : 0;
		uint64_t ai = a->d[i];
		uint64_t d = ai - bi - borrow;
		borrow = (ai < bi) || (ai - bi < borrow);
		r->d[i] = d;
	}
	r->n = an;
}

/* r = a + (bneg ? -|b| : |b|) with b's sign flipped when `flip`. */
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
	memset(r->d, 0, n * sizeof(uint64_t));
	for (size_t i = 0; i < a->n; i++) {
		uint64_t carry = 0, ai = a->d[i];
		for (size_t j = 0; j < b->n; j++) {
			dn_u128 t = (dn_u128)ai * b->d[j] + r->d[i + j] + carry;
			r->d[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		r->d[i + b->n] = carry;
	}
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
		for (size_t i = 0; i < n - w; i++) {
			uint64_t hi = (s && i + w + 1 < n) ? a->d[i + w + 1] << (64 - s) : 0;
			r->d[i] = (a->d[i + w] >> s) | hi;
		}
		r->n = n - w;
	}
	r->neg = neg;
	big_trim(r);
	if (neg && dropped) {
		/* floor of a negative quotient: one more in magnitude */
		big_inc_mag(r);
	}
}

/* r = floor(a / d), d > 0; r may be a. */
static void big_divfloor_u64(struct big *r, const struct big *a, uint64_t d)
{
	size_t n = a->n;
	bool neg = a->neg;
	big_grow(r, n ? n : 1);
	uint64_t rem = 0;
	for (size_t i = n; i-- > 0;) {
		dn_u128 cur = ((dn_u128)rem << 64) | a->d[i];
		r->d[i] = (uint64_t)(cur / d);
		rem = (uint64_t)(cur % d);
	}
	r->n = n;
	r->neg = neg;
	big_trim(r);
	if (neg && rem)
		big_inc_mag(r);
}

/* safe_bigmath round_to_precision(a, 2^g), g < 64: truncated division,
 * then one more in magnitude when the remainder is at least half, i.e.
 * magnitude (|a| + 2^(g-1)) >> g with the sign kept. r may be a. */
static void big_round(struct big *r, const struct big *a, size_t g)
{
	bool neg = a->neg;
	size_t n = a->n;
	big_grow(r, n + 1);
	uint64_t carry = (uint64_t)1 << (g - 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = a->d[i] + carry;
		carry = v < carry;
		r->d[i] = v;
	}
	r->d[n] = carry;
	r->n = n + 1;
	r->neg = false;
	big_trim(r);
	big_shr_floor(r, r, g);
	r->neg = neg && r->n != 0;
}

/* |a| < 2^k */
static bool mag_below_pow2(const struct big *a, size_t k) { return big_bits(a) <= k; }

/* r = |a|^e (e >= 1); r must not be a; t is scratch. */
static void big_pow(struct big *r, const struct big *a, uint32_t e, struct big *t, struct big *sq)
{
	big_set_u128(r, 1);
	big_copy(sq, a);
	sq->neg = false;
	for (;;) {
		if (e & 1) {
			big_mul(t, r, sq);
			big_swap(t, r);
		}
		e >>= 1;
		if (!e)
			break;
		big_mul(t, sq, sq);
		big_swap(t, sq);
	}
}

/* ---- the crate's series ------------------------------------------------ */

struct series {
	size_t k; /* internal fractional bits: scale = 2^k */
	size_t g; /* guard bits: guard factor = 2^g */
	uint32_t max_iters;
	struct big term, tmp, next, rounded, prev;
};

/* ln1p_fixed: ln(1 + x/2^k) * 2^k by the alternating Taylor series. */
static void ln1p_fixed(struct series *s, struct big *result, const struct big *x)
{
	big_copy(&s->term, x);
	big_copy(result, x);
	big_round(&s->prev, result, s->g);
	for (uint32_t n = 2; n <= s->max_iters; n++) {
		big_mul(&s->tmp, &s->term, x);
		big_shr_floor(&s->term, &s->tmp, s->k);
		if (s->term.n == 0)
			break;
		big_divfloor_u64(&s->next, &s->term, n);
		if (s->next.n == 0)
			break;
		if (n % 2 == 0)
			big_sub(result, result, &s->next);
		else
			big_add(result, result, &s->next);
		big_round(&s->rounded, result, s->g);
		if (mag_below_pow2(&s->next, s->g) || big_cmp(&s->rounded, &s->prev) == 0)
			break;
		big_swap(&s->rounded, &s->prev);
	}
}

/* exp_fixed: exp(x/2^k) * 2^k by the Taylor series. The crate divides by
 * scale * n at once; floor(floor(a / 2^k) / n) is the same number. */
static void exp_fixed(struct series *s, struct big *result, const struct big *x)
{
	big_set_pow2(&s->term, s->k);
	big_copy(result, &s->term);
	big_round(&s->prev, result, s->g);
	for (uint32_t n = 1; n <= s->max_iters; n++) {
		big_mul(&s->tmp, &s->term, x);
		big_shr_floor(&s->term, &s->tmp, s->k);
		big_divfloor_u64(&s->term, &s->term, n);
		if (s->term.n == 0)
			break;
		big_add(result, result, &s->term);
		big_round(&s->rounded, result, s->g);
		if (mag_below_pow2(&s->term, s->g) || big_cmp(&s->rounded, &s->prev) == 0)
			break;
		big_swap(&s->rounded, &s->prev);
	}
}

/* ln_biguint: ln(v) * 2^k from a mantissa normalised into [0.75, 1.5). */
static void ln_big(struct series *s, struct big *result, dn_u128 v, const struct big *ln_two)
{
	struct big m, one_half, x;
	big_init(&m);
	big_init(&one_half);
	big_init(&x);
	size_t shift = 127 - (size_t)(v >> 64 ? __builtin_clzll((uint64_t)(v >> 64))
					      : 64 + __builtin_clzll((uint64_t)v));
	big_set_u128(&m, v);
	big_shl(&m, &m, s->k);
	big_shr_floor(&m, &m, shift);
	/* scale + scale / 2 */
	big_set_pow2(&one_half, s->k);
	big_set_pow2(&x, s->k - 1);
	big_add(&one_half, &one_half, &x);
	if (mag_cmp(&m, &one_half) >= 0) {
		big_shr_floor(&m, &m, 1);
		shift++;
	}
	big_set_pow2(&x, s->k);
	big_sub(&x, &m, &x);
	ln1p_fixed(s, result, &x);
	big_mul_u64(&m, ln_two, (uint64_t)shift);
	big_add(result, result, &m);
	big_release(&m);
	big_release(&one_half);
	big_release(&x);
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

enum dn_pow_status dn_pow_ratio_scaled(dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed,
				       uint32_t precision, uint64_t scale, uint64_t *value)
{
	if (bd == 0 || ed == 0)
		return DN_POW_NONE;
	if (bn == 0) {
		*value = 0;
		return DN_POW_OK;
	}
	if (en == 0) {
		*value = scale;
		return DN_POW_OK;
	}
	uint64_t g = gcd_u64(en, ed);
	if (g > 1) {
		en /= g;
		ed /= g;
	}

	enum dn_pow_status st;
	if (en <= 1024 && ed <= 1024) {
		/* exact: root of bn^en * scale^ed / bd^en of degree ed */
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
		big_swap(&t, &num);
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
	struct series s;
	s.g = 24;
	s.k = req + s.g;
	s.max_iters = (uint32_t)(s.k + 128 < 4096 ? s.k + 128 : 4096);
	big_init(&s.term);
	big_init(&s.tmp);
	big_init(&s.next);
	big_init(&s.rounded);
	big_init(&s.prev);
	struct big ln_two, x, ln_num, ln_den, e;
	big_init(&ln_two);
	big_init(&x);
	big_init(&ln_num);
	big_init(&ln_den);
	big_init(&e);

	big_set_pow2(&x, s.k - 1);
	x.neg = true; /* -(scale >> 1) */
	ln1p_fixed(&s, &ln_two, &x); /* ln(1/2) */
	ln_two.neg = !ln_two.neg && ln_two.n != 0;

	ln_big(&s, &ln_num, bn, &ln_two);
	ln_big(&s, &ln_den, bd, &ln_two);
	big_sub(&x, &ln_num, &ln_den);
	big_mul_u64(&x, &x, en);
	big_divfloor_u64(&x, &x, ed);
	exp_fixed(&s, &e, &x);
	big_round(&e, &e, s.g);
	big_mul_u64(&e, &e, scale);
	big_shr_floor(&e, &e, req);
	st = classify(&e, value);

	big_release(&s.term);
	big_release(&s.tmp);
	big_release(&s.next);
	big_release(&s.rounded);
	big_release(&s.prev);
	big_release(&ln_two);
	big_release(&x);
	big_release(&ln_num);
	big_release(&ln_den);
	big_release(&e);
	return st;
}
