/*
 * devnet/fixed: the chain's fixed-point semantics, case by case, and the
 * 128-bit paths against an independent slow model (bit-serial arithmetic on
 * magnitudes) over random operands.
 */
#include "devnet/fixed.h"
#include "tests/tap.h"

#include <string.h>

static dn_i128 rng128(void)
{
	dn_u128 v = ((dn_u128)tap_rand() << 64) | tap_rand();
	/* vary the magnitude so that small and large operands both occur */
	return (dn_i128)(v >> (tap_rand() % 127));
}

/* Slow model of floor((a * b) / 2^frac) for signed values, built from
 * schoolbook multiplication of 32-bit limbs (independent of fixed.c). */
static bool model_mul(dn_i128 a, dn_i128 b, unsigned frac, dn_i128 *out)
{
	bool neg = (a < 0) != (b < 0);
	dn_u128 ua = a < 0 ? -(dn_u128)a : (dn_u128)a, ub = b < 0 ? -(dn_u128)b : (dn_u128)b;
	uint32_t x[4], y[4];
	uint64_t p[9] = {0};
	for (int i = 0; i < 4; i++) {
		x[i] = (uint32_t)(ua >> (32 * i));
		y[i] = (uint32_t)(ub >> (32 * i));
	}
	for (int i = 0; i < 4; i++) {
		uint64_t carry = 0;
		for (int j = 0; j < 4; j++) {
			uint64_t t = (uint64_t)x[i] * y[j] + (p[i + j] & 0xffffffffu) + carry;
			p[i + j] = t & 0xffffffffu;
			carry = t >> 32;
		}
		p[i + 4] += carry;
	}
	/* 256-bit product in p[0..7] as 32-bit limbs; shift right by frac */
	unsigned limb = frac / 32;
	bool dropped = false;
	for (unsigned i = 0; i < limb; i++)
		dropped |= p[i] != 0;
	dn_u128 mag = 0;
	for (int i = 3; i >= 0; i--)
		mag = (mag << 32) | (uint32_t)p[limb + i];
	for (unsigned i = limb + 4; i < 8; i++)
		if (p[i])
			return false;
	if (neg && dropped)
		mag += 1;
	if (neg ? mag > (dn_u128)1 << 127 : mag >= (dn_u128)1 << 127)
		return false;
	*out = neg ? (dn_i128)(-mag) : (dn_i128)mag;
	return true;
}

static void test_i32f32(void)
{
	/* multiplication floors (toward -inf), division truncates (toward 0) */
	is_bits(dn_fx_mul(3, DN_FX_ONE / 2), 1, "mul floors a positive product");
	is_bits(dn_fx_mul(-3, DN_FX_ONE / 2), -2, "mul floors a negative product toward -inf");
	is_bits(dn_fx_safe_div(DN_FX_ONE, 3 * DN_FX_ONE), 1431655765, "1/3 truncates");
	is_bits(dn_fx_safe_div(-DN_FX_ONE, 3 * DN_FX_ONE), -1431655765,
		"-1/3 truncates toward zero");
	is_bits(dn_fx_safe_div(DN_FX_ONE, 0), 0, "safe_div by zero is 0");
	is_bits(dn_fx_safe_div(DN_FX_MAX, DN_FX_ONE / 2), 0,
		"safe_div overflow is 0, not saturated");
	is_bits(dn_fx_sat_div(DN_FX_MAX, DN_FX_ONE / 2), DN_FX_MAX, "saturating_div clamps");
	is_bits(dn_fx_sat_mul(DN_FX_MAX, 2 * DN_FX_ONE), DN_FX_MAX, "saturating_mul clamps high");
	is_bits(dn_fx_sat_mul(DN_FX_MAX, -2 * DN_FX_ONE), DN_FX_MIN,
		"saturating_mul clamps low on differing signs");
	is_bits(dn_fx_sat_add(DN_FX_MAX, 1), DN_FX_MAX, "saturating_add clamps");
	is_bits(dn_fx_sat_sub(DN_FX_MIN, 1), DN_FX_MIN, "saturating_sub clamps");
	dn_i32f32 r;
	ok(!dn_fx_checked_mul(DN_FX_MAX, 2 * DN_FX_ONE, &r), "checked_mul reports overflow");

	/* conversions */
	is_int(dn_fx_floor(-DN_FX_ONE - DN_FX_ONE / 2), -2, "to_num floors -1.5 to -2");
	is_int(dn_fx_to_u16(dn_fx_from_int(70000)), 65535, "to u16 saturates high");
	is_int(dn_fx_to_u16(-DN_FX_ONE), 0, "to u16 saturates negative to 0");
	is_int(dn_fx_to_u16_proportion(DN_FX_ONE / 2), 32767, "proportion 0.5 -> 32767");
	is_int(dn_fx_to_u16_proportion(DN_FX_ONE), 65535, "proportion 1 -> 65535");
	is_int(dn_fx_to_u16_proportion(DN_FX_ONE / 64), 1023, "proportion 1/64 -> 1023");
	is_bits(dn_fx_from_u16_proportion(65535), DN_FX_ONE, "u16 proportion 65535 -> 1");
	is_bits(dn_fx_from_u16_proportion(32767), 2147450879,
		"u16 proportion 32767 (kappa) truncates");
	is_bits(dn_fx_from_f32(0.1f), 429496736, "fixed(0.1) goes through f32");
	is_bits(dn_fx_from_f64(0.1), 429496730, "from_num(0.1f64) rounds to nearest");
	is_bits(dn_fx_from_f64(0x1p-33), 0, "a tie rounds to even (down)");
	is_bits(dn_fx_from_f64(3 * 0x1p-33), 2, "a tie rounds to even (up)");
	is_bits(dn_fx_from_f64(1e300), DN_FX_MAX, "from_num saturates");
	is_bits(dn_fx_round(DN_FX_ONE / 2), DN_FX_ONE, "round 0.5 -> 1 (away from zero)");
	is_bits(dn_fx_round(-DN_FX_ONE / 2), -DN_FX_ONE, "round -0.5 -> -1 (away from zero)");
	is_bits(dn_fx_round(DN_FX_ONE / 2 - 1), 0, "round just below 0.5 -> 0");
}

static void test_exp(void)
{
	dn_i32f32 r;
	ok(dn_fx_exp(0, &r) && r == DN_FX_ONE, "exp(0) = 1");
	ok(dn_fx_exp(DN_FX_ONE, &r) && r == (dn_i32f32)22802600 << 9,
	   "exp(1) is the crate's 23-bit constant e");
	is_bits(dn_fx_exp_safe(dn_fx_from_int(-20)), 8, "exp_safe(-20) = 8 bits");
	is_bits(dn_fx_exp_safe(DN_FX_MIN), 8, "exp_safe clamps -inf to -20");
	is_bits(dn_fx_exp_safe(dn_fx_from_int(20)), 2066907302758576256,
		"exp_safe(20) matches the crate's series");
	ok(!dn_fx_exp(dn_fx_from_int(30), &r), "exp(30) overflows I32F32");
	is_bits(dn_fx_sigmoid_safe(0, DN_FX_MAX, DN_FX_MAX), 8,
		"sigmoid_safe saturates its exponent");
}

/* The crate's exp as written, one division per term: the reference for
 * dn_fx_exp's unrolled, early-exit loop. */
static bool exp_reference(dn_i32f32 x, dn_i32f32 *out)
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
	dn_i32f32 ax = neg ? -x : x, result, term = ax;
	if (__builtin_add_overflow(ax, DN_FX_ONE, &result))
		return false;
	for (int64_t i = 2; i < 32; i++) {
		if (!dn_fx_checked_mul(term, ax, &term))
			return false;
		term = term / i;
		if (__builtin_add_overflow(result, term, &result))
			return false;
	}
	if (neg)
		return dn_fx_checked_div(DN_FX_ONE, result, out);
	*out = result;
	return true;
}

static void test_exp_reference(void)
{
	static const dn_i32f32 special[] = {0,
					    1,
					    -1,
					    DN_FX_ONE,
					    -DN_FX_ONE,
					    DN_FX_ONE + 1,
					    DN_FX_MAX,
					    DN_FX_MIN,
					    DN_FX_MIN + 1,
					    (dn_i32f32)20 << 32,
					    -((dn_i32f32)20 << 32),
					    (dn_i32f32)22 << 32};
	bool same = true;
	int n = 0;
	for (int t = 0; t < 200000 && same; t++, n++) {
		dn_i32f32 x;
		if (t < (int)(sizeof(special) / sizeof(special[0])))
			x = special[t];
		else if (t % 3 == 0) /* the sigmoid's range, [-20, 20] */
			x = (dn_i32f32)(tap_rand() % ((uint64_t)40 << 32)) - ((dn_i32f32)20 << 32);
		else if (t % 3 == 1) /* tiny arguments: the series stops early */
			x = (dn_i32f32)(tap_rand() % ((uint64_t)1 << (tap_rand() % 34))) *
			    (tap_rand() % 2 ? 1 : -1);
		else
			x = (dn_i32f32)tap_rand() >> (tap_rand() % 40);
		dn_i32f32 a = 0, b = 0;
		bool ra = dn_fx_exp(x, &a), rb = exp_reference(x, &b);
		same = ra == rb && (!ra || a == b);
		if (!same)
			diag("exp(%lld): %d %lld vs reference %d %lld", (long long)x, ra,
			     (long long)a, rb, (long long)b);
	}
	ok(same, "exp == the crate's one-division-per-term loop (%d arguments)", n);
}

static void test_128(void)
{
	dn_i128 r;
	/* I64F64: 1 / 21e15 as the stake normalisation sees a 1-rao stake */
	is_i128(dn_fx64_safe_div(dn_fx64_from_u64(1), dn_fx64_from_u64(21000000000000000ULL)), 878,
		"I64F64 1/21e15 = 878 bits");
	is_bits(dn_fx64_to_fx(878), 0, "which floors to 0 in I32F32");
	ok(!dn_fx128_checked_div(1, 0, 64, &r), "I64F64 division by zero is reported");
	ok(!dn_fx128_checked_div(DN_I128_MAX, 1, 64, &r), "I64F64 quotient overflow is reported");
	ok(dn_fx128_checked_mul(-3, (dn_i128)1 << 63, 64, &r) && r == -2,
	   "I64F64 mul floors negative products");
	is_i128(dn_fx64_sat_mul(DN_I128_MAX, (dn_i128)2 << 64), DN_I128_MAX,
		"I64F64 saturating_mul clamps");

	/* random products against the limb-by-limb model */
	int mul_ok = 0, div_ok = 0;
	const int rounds = 20000;
	for (int i = 0; i < rounds; i++) {
		dn_i128 a = rng128(), b = rng128(), got, want;
		if (tap_rand() & 1)
			a = -a;
		if (tap_rand() & 1)
			b = -b;
		unsigned frac = (tap_rand() & 1) ? 64 : 32;
		bool g = dn_fx128_checked_mul(a, b, frac, &got);
		bool w = model_mul(a, b, frac, &want);
		mul_ok += g == w && (!g || got == want);
		/* division, where a << frac fits in 127 bits: native division
		 * truncates toward zero exactly as the crate does */
		dn_i128 lim = (dn_i128)1 << (126 - frac);
		dn_i128 a2 = a % lim;
		if (b == 0) {
			div_ok += !dn_fx128_checked_div(a2, b, frac, &got);
			continue;
		}
		want = (a2 * ((dn_i128)1 << frac)) / b;
		div_ok += dn_fx128_checked_div(a2, b, frac, &got) && got == want;
	}
	is_int(mul_ok, rounds, "128-bit products equal the limb model (20000 random cases)");

	/* I32F32 division (divq fast path) against plain 128-bit arithmetic */
	int fx_ok = 0;
	for (int i = 0; i < rounds; i++) {
		dn_i32f32 a = (dn_i32f32)tap_rand() >> (tap_rand() % 64),
			  b = (dn_i32f32)tap_rand() >> (tap_rand() % 64);
		if (i == 0)
			a = DN_FX_MIN, b = -1;
		dn_i32f32 got;
		bool g = dn_fx_checked_div(a, b, &got);
		bool w = b != 0;
		dn_i128 q = w ? ((dn_i128)a * ((dn_i128)1 << 32)) / b : 0;
		w = w && q >= DN_FX_MIN && q <= DN_FX_MAX;
		fx_ok += g == w && (!g || got == q);
	}
	is_int(fx_ok, rounds, "I32F32 checked_div equals 128-bit division (20000 random cases)");
	is_int(div_ok, rounds, "128-bit quotients truncate correctly (20000 random cases)");
}

static void test_text(void)
{
	char buf[42];
	dn_i128 v;
	dn_u128 u;
	is_str(dn_i128_format(DN_I128_MIN, buf), "-170141183460469231731687303715884105728",
	       "format i128 min");
	ok(dn_i128_parse("-170141183460469231731687303715884105728", &v) == 0 && v == DN_I128_MIN,
	   "parse i128 min");
	ok(dn_i128_parse("170141183460469231731687303715884105728", &v) != 0,
	   "parse rejects i128 overflow");
	ok(dn_u128_parse("340282366920938463463374607431768211455", &u) == 0 && u == DN_U128_MAX,
	   "parse u128 max");
	ok(dn_u128_parse("12a", &u) != 0 && dn_u128_parse("", &u) != 0,
	   "parse rejects junk and empty text");
}

int main(void)
{
	tap_rand_seed(0x9e3779b97f4a7c15ULL);
	tap_plan(50);
	test_i32f32();
	test_exp();
	test_exp_reference();
	test_128();
	test_text();
	return tap_done();
}
