/*
 * Share pools and SafeFloat: see sharepool.h. The chain computes in
 * sp_core::U256; the values here stay far below 2^256 (products of two
 * mantissas < 2^140), so a pair of u128 with saturating add/sub, a
 * 128 x 128 product and a bitwise long division by a u128 are enough.
 */
#include "devnet/sharepool.h"

#include <stddef.h>

#include "devnet/u256.h"

#define SF_MAX_EXP 21 /* SAFE_FLOAT_MAX_EXP */
#define SF_MIN ((DN_SAFEFLOAT_MAX) / 10) /* normalised mantissas are above this */

static bool u256_is_zero(struct dn_u256 a) { return a.hi == 0 && a.lo == 0; }

static int u256_cmp(struct dn_u256 a, struct dn_u256 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* saturating_add / saturating_sub */
static struct dn_u256 u256_add(struct dn_u256 a, struct dn_u256 b)
{
	struct dn_u256 r;
	r.lo = a.lo + b.lo;
	if (__builtin_add_overflow(a.hi, b.hi, &r.hi) ||
	    __builtin_add_overflow(r.hi, (dn_u128)(r.lo < a.lo), &r.hi))
		return (struct dn_u256){DN_U128_MAX, DN_U128_MAX};
	return r;
}

static struct dn_u256 u256_sub(struct dn_u256 a, struct dn_u256 b)
{
	if (u256_cmp(a, b) <= 0)
		return dn_u256_of(0);
	struct dn_u256 r = {a.hi - b.hi, a.lo - b.lo};
	r.hi -= a.lo < b.lo;
	return r;
}

/* a / d (d != 0), truncated: restoring division over all 256 bits */
static struct dn_u256 u256_div(struct dn_u256 a, dn_u128 d)
{
	if (a.hi == 0)
		return dn_u256_of(a.lo / d);
	struct dn_u256 q = {0, 0};
	dn_u128 r = 0;
	for (int i = 255; i >= 0; i--) {
		dn_u128 bit = i >= 128 ? (a.hi >> (i - 128)) & 1 : (a.lo >> i) & 1;
		bool carry = (r >> 127) != 0;
		r = (r << 1) | bit;
		if (carry || r >= d) {
			r -= d;
			if (i >= 128)
				q.hi |= (dn_u128)1 << (i - 128);
			else
				q.lo |= (dn_u128)1 << i;
		}
	}
	return q;
}

/* a * 10 (no overflow for the mantissas here) */
static struct dn_u256 u256_mul10(struct dn_u256 a)
{
	struct dn_u256 hi = dn_u256_mul(a.hi, 10), lo = dn_u256_mul(a.lo, 10);
	return (struct dn_u256){hi.lo + lo.hi, lo.lo};
}

/* share-pool cappow10: 10^e, capped at 10^22 for e > 22 */
static dn_u128 cappow10(uint64_t e)
{
	if (e > SF_MAX_EXP + 1)
		return DN_SAFEFLOAT_MAX * 10;
	dn_u128 r = 1;
	while (e--)
		r *= 10;
	return r;
}

const char *dn_share_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_SHARE_EINVAL: return "invalid argument";
	case DN_SHARE_ERANGE: return "amount above i64::MAX";
	case DN_SHARE_ESTAKE: return "not enough stake to withdraw";
	default: return "unknown share pool error";
	}
}

/* ---- SafeFloat --------------------------------------------------------- */

/* SafeFloat::normalize: mantissa into (10^20, 10^21], false on exponent
 * overflow */
static bool normalize(struct dn_u256 m, int64_t e, struct dn_safefloat *out)
{
	if (u256_is_zero(m)) {
		out->mantissa = 0;
		out->exponent = 0;
		return true;
	}
	const struct dn_u256 max = dn_u256_of(DN_SAFEFLOAT_MAX), min = dn_u256_of(SF_MIN);
	while (u256_cmp(m, max) > 0) {
		if (e == INT64_MAX)
			return false;
		m = u256_div(m, 10);
		e++;
	}
	while (u256_cmp(m, min) <= 0) {
		if (e == INT64_MIN)
			return false;
		m = u256_mul10(m);
		e--;
	}
	out->mantissa = m.lo;
	out->exponent = e;
	return true;
}

bool dn_safefloat_new(dn_u128 mantissa, int64_t exponent, struct dn_safefloat *out)
{
	struct dn_safefloat r;
	if (mantissa > DN_SAFEFLOAT_MAX || !normalize(dn_u256_of(mantissa), exponent, &r))
		return false;
	*out = r;
	return true;
}

/* From<u64>: new(v, 0).unwrap_or_default() */
struct dn_safefloat dn_safefloat_from_u64(uint64_t v)
{
	struct dn_safefloat r = {0, 0};
	dn_safefloat_new(v, 0, &r);
	return r;
}

/* From<&SafeFloat> for u64 */
uint64_t dn_safefloat_to_u64(const struct dn_safefloat *a)
{
	if (a->exponent == 0)
		return a->mantissa > UINT64_MAX ? UINT64_MAX : (uint64_t)a->mantissa;
	uint64_t mag =
		a->exponent < 0 ? (uint64_t)0 - (uint64_t)a->exponent : (uint64_t)a->exponent;
	dn_u128 scale = cappow10(mag);
	struct dn_u256 q;
	if (a->exponent > 0)
		q = dn_u256_mul(a->mantissa, scale); /* < 2^256: never saturates */
	else
		q = dn_u256_of(a->mantissa / scale);
	if (q.hi || q.lo > UINT64_MAX)
		return UINT64_MAX;
	return (uint64_t)q.lo;
}

/* SafeFloat::div: m1 * 10^21 / m2, exponent e1 - e2 - 21 */
bool dn_safefloat_div(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out)
{
	dn_i128 e = (dn_i128)a->exponent - b->exponent - SF_MAX_EXP;
	if (e > INT64_MAX || e < INT64_MIN || b->mantissa == 0)
		return false;
	struct dn_safefloat r;
	if (!normalize(u256_div(dn_u256_mul(a->mantissa, DN_SAFEFLOAT_MAX), b->mantissa),
		       (int64_t)e, &r))
		return false;
	*out = r;
	return true;
}

/* SafeFloat::add / sub: align to the larger exponent by dividing the other
 * mantissa by cappow10(difference), then add / saturating-subtract */
static bool addsub(const struct dn_safefloat *a, const struct dn_safefloat *b, bool sub,
		   struct dn_safefloat *out)
{
	struct dn_u256 m1, m2;
	int64_t e;
	if (a->exponent >= b->exponent) {
		uint64_t diff = (uint64_t)((dn_i128)a->exponent - b->exponent);
		m1 = dn_u256_of(a->mantissa);
		m2 = dn_u256_of(b->mantissa / cappow10(diff));
		e = a->exponent;
	} else {
		uint64_t diff = (uint64_t)((dn_i128)b->exponent - a->exponent);
		m1 = dn_u256_of(a->mantissa / cappow10(diff));
		m2 = dn_u256_of(b->mantissa);
		e = b->exponent;
	}
	struct dn_safefloat r;
	if (!normalize(sub ? u256_sub(m1, m2) : u256_add(m1, m2), e, &r))
		return false;
	*out = r;
	return true;
}

bool dn_safefloat_add(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out)
{
	if (dn_safefloat_is_zero(a)) {
		*out = *b;
		return true;
	}
	if (dn_safefloat_is_zero(b)) {
		*out = *a;
		return true;
	}
	return addsub(a, b, false, out);
}

bool dn_safefloat_sub(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out)
{
	if (dn_safefloat_is_zero(a)) {
		if (!dn_safefloat_is_zero(b))
			return false;
		*out = (struct dn_safefloat){0, 0};
		return true;
	}
	if (dn_safefloat_is_zero(b)) {
		*out = *a;
		return true;
	}
	return addsub(a, b, true, out);
}

/* SafeFloat::mul_div: a.m * b.m / c.m, exponent a.e + b.e - c.e (checked) */
bool dn_safefloat_mul_div(const struct dn_safefloat *a, const struct dn_safefloat *b,
			  const struct dn_safefloat *c, struct dn_safefloat *out)
{
	int64_t e;
	if (c->mantissa == 0 || __builtin_add_overflow(a->exponent, b->exponent, &e) ||
	    __builtin_sub_overflow(e, c->exponent, &e))
		return false;
	struct dn_safefloat r;
	if (!normalize(u256_div(dn_u256_mul(a->mantissa, b->mantissa), c->mantissa), e, &r))
		return false;
	*out = r;
	return true;
}

/* SafeFloat::gt */
bool dn_safefloat_gt(const struct dn_safefloat *a, const struct dn_safefloat *b)
{
	if (a->exponent == b->exponent)
		return a->mantissa > b->mantissa;
	if (a->exponent > b->exponent) {
		if ((dn_i128)a->exponent - b->exponent > 1)
			return true;
		return u256_cmp(dn_u256_mul(a->mantissa, 10), dn_u256_of(b->mantissa)) > 0;
	}
	if ((dn_i128)b->exponent - a->exponent > 1)
		return false;
	return u256_cmp(dn_u256_of(a->mantissa), dn_u256_mul(b->mantissa, 10)) > 0;
}

/* From<U64F64>: SafeFloat(int) + SafeFloat(frac) / SafeFloat(2^64) */
struct dn_safefloat dn_safefloat_from_u64f64(dn_u64f64 v)
{
	struct dn_safefloat zero = {0, 0}, ip = zero, fnum = zero, two64 = zero, frac = zero,
			    r = zero;
	if (v == 0)
		return zero;
	dn_safefloat_new(v >> 64, 0, &ip);
	dn_safefloat_new((uint64_t)v, 0, &fnum);
	dn_safefloat_new((dn_u128)1 << 64, 0, &two64);
	if (!dn_safefloat_div(&fnum, &two64, &frac))
		frac = zero;
	if (!dn_safefloat_add(&ip, &frac, &r))
		r = zero;
	return r;
}

/* ---- the share pool ---------------------------------------------------- */

/* SharePool::get_value_from_shares */
uint64_t dn_sharepool_value(const struct dn_sharepool *sp, const struct dn_safefloat *share)
{
	struct dn_safefloat v = dn_safefloat_from_u64(sp->value), r = {0, 0};
	if (!dn_safefloat_mul_div(&v, share, &sp->denom, &r))
		return 0;
	return dn_safefloat_to_u64(&r);
}

/* SharePool::update_value_for_all */
void dn_sharepool_update_all(struct dn_sharepool *sp, int64_t update)
{
	uint64_t mag = update < 0 ? (uint64_t)0 - (uint64_t)update : (uint64_t)update;
	if (update >= 0)
		sp->value = sp->value > UINT64_MAX - mag ? UINT64_MAX : sp->value + mag;
	else
		sp->value = sp->value > mag ? sp->value - mag : 0;
}

/* SharePool::get_shares_per_update: |update| * denominator / value */
static struct dn_safefloat shares_per_update(const struct dn_sharepool *sp, int64_t update)
{
	uint64_t mag = update < 0 ? (uint64_t)0 - (uint64_t)update : (uint64_t)update;
	struct dn_safefloat value = dn_safefloat_from_u64(sp->value);
	struct dn_safefloat u = dn_safefloat_from_u64(mag), r = {0, 0};
	if (!dn_safefloat_mul_div(&u, &sp->denom, &value, &r))
		r = (struct dn_safefloat){0, 0};
	return r;
}

bool dn_sharepool_sim_update(const struct dn_sharepool *sp, int64_t update)
{
	if (sp->denom.mantissa == 0)
		return true;
	struct dn_safefloat spu = shares_per_update(sp, update);
	return !dn_safefloat_is_zero(&spu);
}

/* SharePool::update_value_for_one */
void dn_sharepool_update_one(struct dn_sharepool *sp, struct dn_safefloat *share, int64_t update)
{
	if (dn_safefloat_is_zero(&sp->denom)) {
		/* the first holder gets all: shares = |update| */
		uint64_t mag = update < 0 ? (uint64_t)0 - (uint64_t)update : (uint64_t)update;
		sp->denom = dn_safefloat_from_u64(mag);
		*share = sp->denom;
	} else {
		struct dn_safefloat spu = shares_per_update(sp, update);
		struct dn_safefloat denom = sp->denom, cur = *share;
		/* an overflow keeps the old value (logged by the chain) */
		if (update > 0) {
			dn_safefloat_add(&sp->denom, &spu, &denom);
			dn_safefloat_add(share, &spu, &cur);
		} else {
			dn_safefloat_sub(&sp->denom, &spu, &denom);
			dn_safefloat_sub(share, &spu, &cur);
		}
		sp->denom = denom;
		*share = cur;
	}
	dn_sharepool_update_all(sp, update);
}

int dn_sharepool_deposit(struct dn_sharepool *sp, struct dn_safefloat *share, uint64_t amount)
{
	if (!sp || !share)
		return DN_SHARE_EINVAL;
	if (amount > (uint64_t)INT64_MAX)
		return DN_SHARE_ERANGE;
	dn_sharepool_update_one(sp, share, (int64_t)amount);
	return 0;
}

int dn_sharepool_withdraw(struct dn_sharepool *sp, struct dn_safefloat *share, uint64_t amount)
{
	if (!sp || !share)
		return DN_SHARE_EINVAL;
	if (amount > (uint64_t)INT64_MAX)
		return DN_SHARE_ERANGE;
	if (dn_sharepool_value(sp, share) < amount)
		return DN_SHARE_ESTAKE;
	dn_sharepool_update_one(sp, share, -(int64_t)amount);
	return 0;
}
