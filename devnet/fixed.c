/*
 * Fixed-point arithmetic: the parts too large to inline. 256-bit products
 * and quotients for the 128-bit types, the crate's exp(), and the literal
 * conversions used by tests and input files.
 */
#include "devnet/fixed.h"

#include <math.h>

#include "devnet/u256.h"

static dn_u128 uabs(dn_i128 v) { return v < 0 ? -(dn_u128)v : (dn_u128)v; }

/* ---- signed 128-bit fixed ---------------------------------------------- */

/* Exact product, floor: for a negative result, a dropped fraction makes the
 * magnitude one larger. Returns the result as a signed magnitude pair. */
static bool mul_signed(dn_i128 a, dn_i128 b, unsigned frac, bool *neg, dn_u128 *mag)
{
	bool inexact;
	struct dn_u256 p = dn_u256_shr(dn_u256_mul(uabs(a), uabs(b)), frac, &inexact);
	*neg = (a < 0) != (b < 0) && (p.hi || p.lo || inexact);
	if (p.hi)
		return false;
	*mag = p.lo;
	if (*neg && inexact) {
		if (*mag == DN_U128_MAX)
			return false;
		*mag += 1;
	}
	return true;
}

static bool fit_signed(bool neg, dn_u128 mag, dn_i128 *out)
{
	if (neg) {
		if (mag > (dn_u128)1 << 127)
			return false;
		*out = (dn_i128)(-mag);
	} else {
		if (mag >= (dn_u128)1 << 127)
			return false;
		*out = (dn_i128)mag;
	}
	return true;
}

bool dn_fx128_checked_mul(dn_i128 a, dn_i128 b, unsigned frac, dn_i128 *out)
{
	bool neg;
	dn_u128 mag;
	return mul_signed(a, b, frac, &neg, &mag) && fit_signed(neg, mag, out);
}

dn_i128 dn_fx128_sat_mul(dn_i128 a, dn_i128 b, unsigned frac)
{
	dn_i128 r;
	if (dn_fx128_checked_mul(a, b, frac, &r))
		return r;
	return (a < 0) != (b < 0) ? DN_I128_MIN : DN_I128_MAX;
}

bool dn_fx128_checked_div(dn_i128 a, dn_i128 b, unsigned frac, dn_i128 *out)
{
	if (b == 0)
		return false;
	dn_u128 ua = uabs(a), ub = uabs(b), rem;
	/* (ua << frac) as a 256-bit number */
	dn_u128 n_hi = ua >> (128 - frac), n_lo = ua << frac;
	if (n_hi >= ub)
		return false; /* quotient needs more than 128 bits */
	dn_u128 q = dn_u256_div128((struct dn_u256){n_hi, n_lo}, ub, &rem);
	/* truncation toward zero: the magnitude quotient is already that */
	return fit_signed((a < 0) != (b < 0) && q != 0, q, out);
}

/* ---- unsigned 128-bit fixed -------------------------------------------- */

bool dn_ufx128_checked_mul(dn_u128 a, dn_u128 b, unsigned frac, dn_u128 *out)
{
	bool inexact;
	struct dn_u256 p = dn_u256_shr(dn_u256_mul(a, b), frac, &inexact);
	if (p.hi)
		return false;
	*out = p.lo;
	return true;
}

dn_u128 dn_ufx128_sat_mul(dn_u128 a, dn_u128 b, unsigned frac)
{
	dn_u128 r;
	return dn_ufx128_checked_mul(a, b, frac, &r) ? r : DN_U128_MAX;
}

bool dn_ufx128_checked_div(dn_u128 a, dn_u128 b, unsigned frac, dn_u128 *out)
{
	if (b == 0)
		return false;
	dn_u128 n_hi = a >> (128 - frac), n_lo = a << frac, rem;
	if (n_hi >= b)
		return false;
	*out = dn_u256_div128((struct dn_u256){n_hi, n_lo}, b, &rem);
	return true;
}

/* ---- exp / sigmoid ----------------------------------------------------- */

/* substrate_fixed::transcendental::exp: Taylor series with 30 terms, each
 * term floored by the multiplication and truncated by the division, every
 * step checked. exp(1) is special-cased to the crate's constant e, stored
 * with 23 fractional bits (22802600 / 2^23).
 *
 * Speed, same bits: the loop is unrolled, so each division is by a
 * constant (a multiply and shift); the terms are >= 0 (|x| and the floor
 * of a product of non-negatives), so the unsigned division is the
 * truncating one; and once a term is 0 every later one is 0 too
 * (0 * |x| = 0, 0 / i = 0, adding 0 cannot overflow), so the rest of the
 * series changes nothing and is skipped. */
bool dn_fx_exp(dn_i32f32 x, dn_i32f32 *out)
{
	if (x == 0) {
		*out = DN_FX_ONE;
		return true;
	}
	if (x == DN_FX_ONE) {
		*out = (dn_i32f32)22802600 << 9;
		return true;
	}
	bool neg = x < 0;
	if (x == DN_FX_MIN)
		return false;
	dn_i32f32 ax = neg ? -x : x;
	dn_i32f32 result, term = ax;
	if (__builtin_add_overflow(ax, DN_FX_ONE, &result))
		return false;
#pragma GCC unroll 30
	for (uint64_t i = 2; i < 32; i++) {
		if (!dn_fx_checked_mul(term, ax, &term))
			return false;
		term = (dn_i32f32)((uint64_t)term / i);
		if (__builtin_add_overflow(result, term, &result))
			return false;
		if (term == 0)
			break;
	}
	if (neg)
		return dn_fx_checked_div(DN_FX_ONE, result, out);
	*out = result;
	return true;
}

/* subtensor epoch/math.rs exp_safe */
dn_i32f32 dn_fx_exp_safe(dn_i32f32 x)
{
	const dn_i32f32 lo = dn_fx_from_int(-20), hi = dn_fx_from_int(20);
	dn_i32f32 s = x < lo ? lo : (x > hi ? hi : x), r;
	if (dn_fx_exp(s, &r))
		return r;
	return s <= 0 ? 0 : DN_FX_MAX;
}

/* subtensor epoch/math.rs sigmoid_safe */
dn_i32f32 dn_fx_sigmoid_safe(dn_i32f32 x, dn_i32f32 rho, dn_i32f32 kappa)
{
	dn_i32f32 offset = dn_fx_sat_sub(x, kappa);
	dn_i32f32 neg_rho = dn_fx_sat_mul(rho, -DN_FX_ONE);
	dn_i32f32 e = dn_fx_exp_safe(dn_fx_sat_mul(neg_rho, offset));
	return dn_fx_safe_div(DN_FX_ONE, dn_fx_sat_add(e, DN_FX_ONE));
}

/* ---- literals ---------------------------------------------------------- */

dn_i128 dn_fx128_from_f64(double v, unsigned frac)
{
	if (isnan(v))
		return 0;
	/* v * 2^frac is exact in binary floating point; rint rounds to nearest
	 * with ties to even under the default rounding mode. */
	double s = rint(ldexp(v, (int)frac));
	if (s >= 0x1p127)
		return DN_I128_MAX;
	if (s < -0x1p127)
		return DN_I128_MIN;
	/* convert through magnitude: |s| < 2^127 is an integer here */
	double m = fabs(s);
	dn_u128 hi = (dn_u128)(m / 0x1p64), lo = (dn_u128)(m - (double)hi * 0x1p64);
	dn_u128 mag = (hi << 64) + lo;
	return s < 0 ? -(dn_i128)mag : (dn_i128)mag;
}

dn_i32f32 dn_fx_from_f64(double v) { return dn_fx_clamp128(dn_fx128_from_f64(v, 32)); }

double dn_fx_to_double(dn_i32f32 x) { return ldexp((double)x, -32); }

double dn_fx128_to_double(dn_i128 x, unsigned frac)
{
	double hi = (double)(x >> 64), lo = (double)(uint64_t)x;
	return ldexp(hi * 0x1p64 + lo, -(int)frac);
}

int dn_u128_parse(const char *s, dn_u128 *out)
{
	dn_u128 v = 0;
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (v > (DN_U128_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int dn_i128_parse(const char *s, dn_i128 *out)
{
	bool neg = *s == '-';
	dn_u128 mag;
	if (*s == '-' || *s == '+')
		s++;
	if (dn_u128_parse(s, &mag) != 0)
		return -1;
	if (neg ? mag > (dn_u128)1 << 127 : mag >= (dn_u128)1 << 127)
		return -1;
	*out = neg ? (dn_i128)(-mag) : (dn_i128)mag;
	return 0;
}

static void format_digits(dn_u128 v, char *buf)
{
	char tmp[42];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

char *dn_u128_format(dn_u128 v, char buf[static 42])
{
	format_digits(v, buf);
	return buf;
}

char *dn_i128_format(dn_i128 v, char buf[static 42])
{
	if (v < 0) {
		buf[0] = '-';
		format_digits(-(dn_u128)v, buf + 1);
		return buf;
	}
	format_digits((dn_u128)v, buf);
	return buf;
}
