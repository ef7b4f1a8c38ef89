/*
 * Fixed-point numbers with the real chain's exact semantics.
 *
 * subtensor computes consensus with the `substrate-fixed` crate (v0.6.0, a
 * fork of `fixed` 0.5). These are its types, stored as raw two's-complement
 * integers, and its operations with the same rounding:
 *   - multiplication: exact product, arithmetic shift right => floor;
 *   - division: (a << frac) / b with integer division => truncate toward 0;
 *   - checked_* report overflow and division by zero, saturating_* clamp;
 *   - subtensor's `safe_div` is checked_div with "none" mapped to 0, so an
 *     overflowing quotient is 0 too, not saturated;
 *   - fixed -> narrower fixed and fixed -> integer: floor.
 *
 * Everything on the hot path is an inline function on 64-bit or 128-bit
 * integers; the rare 256-bit intermediates (I64F64 and I96F32 products and
 * quotients) are computed exactly in fixed.c. No floating point here except
 * the two literal conversions at the bottom, which only tests, vectors and
 * scenario files use (never a consensus path).
 */
#ifndef DN_FIXED_H
#define DN_FIXED_H

#include <stdbool.h>
#include <stdint.h>

__extension__ typedef __int128 dn_i128;
__extension__ typedef unsigned __int128 dn_u128;

typedef int64_t dn_i32f32; /* value = bits / 2^32 */
typedef dn_i128 dn_i64f64; /* value = bits / 2^64 */
typedef dn_i128 dn_i96f32; /* value = bits / 2^32 */
typedef dn_u128 dn_u64f64; /* value = bits / 2^64 */
typedef dn_u128 dn_u96f32; /* value = bits / 2^32 */

#define DN_I128_MAX ((dn_i128)(((dn_u128)1 << 127) - 1))
#define DN_I128_MIN (-DN_I128_MAX - 1)
#define DN_U128_MAX (~(dn_u128)0)

#define DN_FX_ONE ((dn_i32f32)1 << 32)
#define DN_FX_MAX INT64_MAX
#define DN_FX_MIN INT64_MIN
#define DN_FX64_ONE ((dn_i64f64)1 << 64)

/* ---- I32F32 ------------------------------------------------------------ */

/* I32F32::from_num(integer), exact; integers outside +-2^31 saturate. */
static inline dn_i32f32 dn_fx_from_int(int64_t v)
{
	if (v >= ((int64_t)1 << 31))
		return DN_FX_MAX;
	if (v < -((int64_t)1 << 31))
		return DN_FX_MIN;
	return (dn_i32f32)((uint64_t)v << 32);
}

/* to_num::<i64>(): floor. */
static inline int64_t dn_fx_floor(dn_i32f32 x) { return x >> 32; }

static inline dn_i32f32 dn_fx_clamp128(dn_i128 v)
{
	if (v > DN_FX_MAX)
		return DN_FX_MAX;
	if (v < DN_FX_MIN)
		return DN_FX_MIN;
	return (dn_i32f32)v;
}

static inline dn_i32f32 dn_fx_sat_add(dn_i32f32 a, dn_i32f32 b)
{
	dn_i32f32 r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? DN_FX_MAX : DN_FX_MIN;
	return r;
}

static inline dn_i32f32 dn_fx_sat_sub(dn_i32f32 a, dn_i32f32 b)
{
	dn_i32f32 r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? DN_FX_MAX : DN_FX_MIN;
	return r;
}

/* `*` / checked_mul: floor of the exact product; false on overflow. */
static inline bool dn_fx_checked_mul(dn_i32f32 a, dn_i32f32 b, dn_i32f32 *out)
{
	dn_i128 p = ((dn_i128)a * b) >> 32;
	if (p > DN_FX_MAX || p < DN_FX_MIN)
		return false;
	*out = (dn_i32f32)p;
	return true;
}

/* `*` where the chain cannot overflow (operands are shares <= n). */
static inline dn_i32f32 dn_fx_mul(dn_i32f32 a, dn_i32f32 b)
{
	return (dn_i32f32)(((dn_i128)a * b) >> 32);
}

/* saturating_mul: clamps to MAX, or MIN when the signs differ. */
static inline dn_i32f32 dn_fx_sat_mul(dn_i32f32 a, dn_i32f32 b)
{
	return dn_fx_clamp128(((dn_i128)a * b) >> 32);
}

/* (hi:lo) / d for a 128-bit dividend whose quotient fits in 64 bits
 * (hi < d); false otherwise. One divq on x86-64: the epoch divides a lot,
 * and a generic 128-bit division costs several times more. */
static inline bool dn_udiv128_64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *q)
{
	if (hi >= d)
		return false;
#if defined(__x86_64__)
	uint64_t rem;
	__asm__("divq %4" : "=a"(*q), "=d"(rem) : "a"(lo), "d"(hi), "rm"(d) : "cc");
#else
	*q = (uint64_t)((((dn_u128)hi << 64) | lo) / d);
#endif
	return true;
}

/* checked_div: (a << 32) / b truncated toward zero; false on b == 0 or
 * overflow. Truncation toward zero is the quotient of the magnitudes. */
static inline bool dn_fx_checked_div(dn_i32f32 a, dn_i32f32 b, dn_i32f32 *out)
{
	if (b == 0)
		return false;
	uint64_t ua = a < 0 ? -(uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? -(uint64_t)b : (uint64_t)b, q;
	if (!dn_udiv128_64(ua >> 32, ua << 32, ub, &q))
		return false;
	if ((a < 0) != (b < 0)) {
		if (q > (uint64_t)1 << 63)
			return false;
		*out = (dn_i32f32)(0 - q);
	} else {
		if (q > (uint64_t)INT64_MAX)
			return false;
		*out = (dn_i32f32)q;
	}
	return true;
}

/* subtensor FixedExt::safe_div: checked_div, "none" (x/0 or overflow) -> 0. */
static inline dn_i32f32 dn_fx_safe_div(dn_i32f32 a, dn_i32f32 b)
{
	dn_i32f32 q;
	return dn_fx_checked_div(a, b, &q) ? q : 0;
}

/* saturating_div: clamp on overflow; x/0 clamps by the sign of x (the
 * crate panics there; callers never divide by zero with it). */
static inline dn_i32f32 dn_fx_sat_div(dn_i32f32 a, dn_i32f32 b)
{
	dn_i32f32 q;
	if (dn_fx_checked_div(a, b, &q))
		return q;
	if (a == 0)
		return 0;
	return (a < 0) != (b < 0) ? DN_FX_MIN : DN_FX_MAX;
}

/* Fixed / integer (`checked_div_int`): bits / d truncated toward zero. */
static inline dn_i32f32 dn_fx_div_int(dn_i32f32 a, int64_t d) { return d == 0 ? 0 : a / d; }

/* u16 -> fixed (weights and classic bonds are read as integers). */
static inline dn_i32f32 dn_fx_from_u16(uint16_t v) { return (dn_i32f32)v << 32; }

/* subtensor u16_proportion_to_fixed: I32F32(x) safe_div I32F32(65535). */
static inline dn_i32f32 dn_fx_from_u16_proportion(uint16_t v)
{
	return dn_fx_safe_div(dn_fx_from_u16(v), dn_fx_from_u16(65535));
}

/* to_num::<u16> with saturation: floor, negative -> 0, >= 65536 -> 65535. */
static inline uint16_t dn_fx_to_u16(dn_i32f32 x)
{
	int64_t v = x >> 32;
	if (v < 0)
		return 0;
	return v > 65535 ? 65535 : (uint16_t)v;
}

/* to_num::<u64> with saturation (floor, negative -> 0). */
static inline uint64_t dn_fx_to_u64(dn_i32f32 x) { return x < 0 ? 0 : (uint64_t)(x >> 32); }

/* subtensor fixed_proportion_to_u16: saturating_mul(x, 65535), floor to
 * u16 with saturation. So 0.5 -> 32767 and 1.0 -> 65535. */
static inline uint16_t dn_fx_to_u16_proportion(dn_i32f32 x)
{
	return dn_fx_to_u16(dn_fx_sat_mul(x, dn_fx_from_u16(65535)));
}

/* round(): nearest integer, ties away from zero (crate's `round`). */
static inline dn_i32f32 dn_fx_round(dn_i32f32 x)
{
	const dn_i32f32 half = (dn_i32f32)1 << 31;
	if (x >= 0)
		return x > DN_FX_MAX - half ? DN_FX_MAX & ~(DN_FX_ONE - 1)
					    : (x + half) & ~(DN_FX_ONE - 1);
	/* -(round(-x)) with the tie going away from zero */
	dn_i128 m = -(dn_i128)x;
	m = (m + half) & ~((dn_i128)DN_FX_ONE - 1);
	return dn_fx_clamp128(-m);
}

static inline dn_i32f32 dn_fx_min(dn_i32f32 a, dn_i32f32 b) { return a < b ? a : b; }
static inline dn_i32f32 dn_fx_max(dn_i32f32 a, dn_i32f32 b) { return a > b ? a : b; }

/* substrate_fixed::transcendental::exp on I32F32; false on overflow. exp(1)
 * is the crate's constant e truncated to 23 fractional bits. */
bool dn_fx_exp(dn_i32f32 x, dn_i32f32 *out);

/* subtensor exp_safe: clamp to [-20, 20]; on error 0 (x <= 0) or MAX. */
dn_i32f32 dn_fx_exp_safe(dn_i32f32 x);

/* subtensor sigmoid_safe(x, rho, kappa) = 1 / (1 + exp_safe(-rho*(x-kappa))),
 * every operation saturating. */
dn_i32f32 dn_fx_sigmoid_safe(dn_i32f32 x, dn_i32f32 rho, dn_i32f32 kappa);

/* ---- 128-bit types ----------------------------------------------------- */

/* I64F64 <-> I32F32 and integers. Narrowing floors and saturates. */
/* I64F64::saturating_from_num(u64): values >= 2^63 do not fit and clamp to
 * I64F64::MAX (a plain shift would wrap them negative). */
static inline dn_i64f64 dn_fx64_from_u64(uint64_t v)
{
	return v >> 63 ? DN_I128_MAX : (dn_i64f64)((dn_u128)v << 64);
}
static inline dn_i64f64 dn_fx64_from_fx(dn_i32f32 x) { return (dn_i64f64)x * ((dn_i128)1 << 32); }
static inline dn_i32f32 dn_fx64_to_fx(dn_i64f64 x) { return dn_fx_clamp128(x >> 32); }

static inline dn_i128 dn_i128_sat_add(dn_i128 a, dn_i128 b)
{
	dn_i128 r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? DN_I128_MAX : DN_I128_MIN;
	return r;
}

static inline dn_i128 dn_i128_sat_sub(dn_i128 a, dn_i128 b)
{
	dn_i128 r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? DN_I128_MAX : DN_I128_MIN;
	return r;
}

/* Signed 128-bit raw numbers with `frac` fractional bits (64 for I64F64,
 * 32 for I96F32): exact 256-bit intermediates. mul floors, div truncates
 * toward zero; false on overflow or division by zero. */
bool dn_fx128_checked_mul(dn_i128 a, dn_i128 b, unsigned frac, dn_i128 *out);
bool dn_fx128_checked_div(dn_i128 a, dn_i128 b, unsigned frac, dn_i128 *out);
dn_i128 dn_fx128_sat_mul(dn_i128 a, dn_i128 b, unsigned frac);

/* The same for unsigned 128-bit raw numbers (U64F64, U96F32). */
bool dn_ufx128_checked_mul(dn_u128 a, dn_u128 b, unsigned frac, dn_u128 *out);
bool dn_ufx128_checked_div(dn_u128 a, dn_u128 b, unsigned frac, dn_u128 *out);
dn_u128 dn_ufx128_sat_mul(dn_u128 a, dn_u128 b, unsigned frac);

static inline dn_i64f64 dn_fx64_safe_div(dn_i64f64 a, dn_i64f64 b)
{
	dn_i128 q;
	return dn_fx128_checked_div(a, b, 64, &q) ? q : 0;
}

static inline dn_i64f64 dn_fx64_sat_mul(dn_i64f64 a, dn_i64f64 b)
{
	return dn_fx128_sat_mul(a, b, 64);
}

/* ---- literals (tests, vectors, scenario files; never consensus) -------- */

/* from_num(f64): nearest representable value, ties to even, saturating;
 * NaN gives 0. `frac` is the number of fractional bits. */
dn_i32f32 dn_fx_from_f64(double v);
dn_i128 dn_fx128_from_f64(double v, unsigned frac);

/* The chain tests' fixed(x) helper: the literal goes through f32 first. */
static inline dn_i32f32 dn_fx_from_f32(float v) { return dn_fx_from_f64((double)v); }

/* For display only. */
double dn_fx_to_double(dn_i32f32 x);
double dn_fx128_to_double(dn_i128 x, unsigned frac);

/* Decimal text <-> raw 128-bit integers ("-12345"). Parsing is strict:
 * optional sign, digits only, no overflow; returns 0 or -1. Formatting
 * writes at most 41 bytes including the NUL into buf and returns it. */
int dn_i128_parse(const char *s, dn_i128 *out);
int dn_u128_parse(const char *s, dn_u128 *out);
char *dn_i128_format(dn_i128 v, char buf[static 42]);
char *dn_u128_format(dn_u128 v, char buf[static 42]);

#endif
