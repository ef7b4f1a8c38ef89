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

/* Restoring division, one bit at a time over the low word. */
dn_u128 dn_u256_div128(struct dn_u256 n, dn_u128 d, dn_u128 *rem)
{
	dn_u128 r = n.hi, q = 0;
	if (n.hi == 0) {
		if (rem)
			*rem = n.lo % d;
		return n.lo / d;
	}
	for (int i = 127; i >= 0; i--) {
		bool carry = (r >> 127) != 0;
		r = (r << 1) | ((n.lo >> i) & 1);
		q <<= 1;
		if (carry || r >= d) {
			r -= d;
			q |= 1;
		}
	}
	if (rem)
		*rem = r;
	return q;
}
