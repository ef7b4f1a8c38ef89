/*
 * 256-bit unsigned intermediates (see u256.h).
 */
#include "devnet/u256.h"

struct dn_u256 dn_u256_mul(dn_u128 a, dn_u128 b)
{
	uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
	uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
	dn_u128 p00 = (dn_u128)a0 * b0, p01 = (dn_u128)a0 * b1;
	dn_u128 p10 = (dn_u128)a1 * b0, p11 = (dn_u128)a1 * b1;
	dn_u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
	struct dn_u256 r;
	r.lo = (mid << 64) | (uint64_t)p00;
	r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	return r;
}

struct dn_u256 dn_u256_shr(struct dn_u256 x, unsigned s, bool *inexact)
{
	struct dn_u256 r;
	*inexact = (x.lo & (((dn_u128)1 << s) - 1)) != 0;
	r.lo = (x.lo >> s) | (x.hi << (128 - s));
	r.hi = x.hi >> s;
	return r;
}

/* Two limbs of quotient by schoolbook division in base 2^64 (Knuth, TAOCP
 * vol. 2, 4.3.1, algorithm D): a divisor below 2^64 takes two hardware
 * divisions; a larger one is normalised (top bit set) and each quotient
 * limb estimated from the top limbs, corrected at most twice by the test
 * against the second divisor limb, and once more, rarely, by adding back. */
dn_u128 dn_u256_div128(struct dn_u256 n, dn_u128 d, dn_u128 *rem)
{
	if (n.hi == 0) {
		if (rem)
			*rem = n.lo % d;
		return n.lo / d;
	}
	if (d >> 64 == 0) {
		/* n.hi < d < 2^64: each step divides a u128 below d * 2^64 */
		uint64_t dd = (uint64_t)d;
		dn_u128 a = (n.hi << 64) | (uint64_t)(n.lo >> 64);
		uint64_t q1 = (uint64_t)(a / dd), r1 = (uint64_t)(a % dd);
		dn_u128 b = ((dn_u128)r1 << 64) | (uint64_t)n.lo;
		uint64_t q0 = (uint64_t)(b / dd);
		if (rem)
			*rem = (uint64_t)(b % dd);
		return ((dn_u128)q1 << 64) | q0;
	}
	unsigned s = (unsigned)__builtin_clzll((uint64_t)(d >> 64));
	dn_u128 v = d << s;
	uint64_t v1 = (uint64_t)(v >> 64), v0 = (uint64_t)v;
	/* u = n * 2^s in four limbs; n.hi < d keeps u's top two below v */
	dn_u128 uh = s ? (n.hi << s) | (n.lo >> (128 - s)) : n.hi, ul = n.lo << s;
	uint64_t u[4] = {(uint64_t)ul, (uint64_t)(ul >> 64), (uint64_t)uh, (uint64_t)(uh >> 64)};
	uint64_t q[2];
	for (int j = 1; j >= 0; j--) {
		/* estimate from u[j+2] u[j+1] / v1; u[j+2] <= v1 */
		dn_u128 top = ((dn_u128)u[j + 2] << 64) | u[j + 1];
		dn_u128 qhat, rhat;
		if (u[j + 2] == v1) {
			qhat = UINT64_MAX;
			rhat = top - qhat * v1; /* u[j+1] + v1 */
		} else {
			qhat = top / v1;
			rhat = top % v1;
		}
		while (rhat >> 64 == 0 && qhat * v0 > ((rhat << 64) | u[j])) {
			qhat--;
			rhat += v1;
		}
		/* u[j .. j+2] -= qhat * v */
		dn_u128 p0 = qhat * v0, p1 = qhat * v1 + (p0 >> 64);
		uint64_t t0 = u[j] - (uint64_t)p0;
		uint64_t b = u[j] < (uint64_t)p0;
		uint64_t t1 = u[j + 1] - (uint64_t)p1 - b;
		b = u[j + 1] < (uint64_t)p1 || (u[j + 1] - (uint64_t)p1) < b;
		uint64_t hi = (uint64_t)(p1 >> 64);
		uint64_t t2 = u[j + 2] - hi - b;
		bool neg = u[j + 2] < hi || (u[j + 2] - hi) < b;
		if (neg) {
			/* qhat was one too many: add v back */
			qhat--;
			dn_u128 lo = ((dn_u128)t1 << 64 | t0) + v;
			t2 += lo < v; /* the carry cancels the borrow */
			t0 = (uint64_t)lo;
			t1 = (uint64_t)(lo >> 64);
		}
		u[j] = t0;
		u[j + 1] = t1;
		u[j + 2] = t2;
		q[j] = (uint64_t)qhat;
	}
	if (rem)
		*rem = (((dn_u128)u[1] << 64) | u[0]) >> s;
	return ((dn_u128)q[1] << 64) | q[0];
}
