/*
 * devnet/sharepool: SafeFloat's normalisation and conversions, and the
 * share pool's accounting: first stake, round trips, pro-rata emissions,
 * refused withdrawals, and holders never owning more than the pool.
 */
#include "devnet/sharepool.h"
#include "tests/tap.h"

#include <string.h>

/* a value in [lo, hi] on a roughly logarithmic scale */
static uint64_t rng_range(uint64_t lo, uint64_t hi)
{
	unsigned bits = (unsigned)(tap_rand() % 63) + 1;
	uint64_t v = tap_rand() & (((uint64_t)1 << bits) - 1);
	return lo + v % (hi - lo + 1);
}

#define E21 ((dn_u128)1000000000000000000ull * 1000u)

static bool sf_is(const struct dn_safefloat *a, dn_u128 m, int64_t e)
{
	return a->mantissa == m && a->exponent == e;
}

static void test_safefloat(void)
{
	struct dn_safefloat a = {0, 0}, b = {0, 0}, c = {0, 0};
	ok(dn_safefloat_new(1, 0, &a) && sf_is(&a, E21, -21), "1 normalises to 1e21 x 10^-21");
	ok(dn_safefloat_new(1000, 0, &a) && sf_is(&a, E21, -18), "1000 to 1e21 x 10^-18");
	ok(dn_safefloat_new(E21 / 10, 0, &a) && sf_is(&a, E21, -1),
	   "1e20 is not above the lower bound: 1e21 x 10^-1");
	ok(dn_safefloat_new(E21, 0, &a) && sf_is(&a, E21, 0), "1e21 is kept");
	ok(!dn_safefloat_new(E21 + 1, 0, &a) && sf_is(&a, E21, 0),
	   "a mantissa above 1e21 is refused and nothing is written");
	ok(dn_safefloat_new(0, 7, &a) && sf_is(&a, 0, 0), "zero is 0 x 10^0");
	ok(!dn_safefloat_new(1, INT64_MIN + 3, &a), "an exponent underflow is refused");

	a = dn_safefloat_from_u64(UINT64_MAX);
	ok(dn_safefloat_to_u64(&a) == UINT64_MAX, "u64::MAX survives the round trip");
	dn_safefloat_new(E21, 40, &a);
	ok(dn_safefloat_to_u64(&a) == UINT64_MAX, "a huge value saturates at u64::MAX");
	dn_safefloat_new(E21, -40, &a);
	is_int((int64_t)dn_safefloat_to_u64(&a), 0, "a tiny value truncates to 0");
	a = dn_safefloat_from_u64f64(((dn_u64f64)3 << 64) | ((dn_u64f64)1 << 63));
	is_int((int64_t)dn_safefloat_to_u64(&a), 3, "U64F64 3.5 converts and truncates to 3");

	a = dn_safefloat_from_u64(7);
	b = dn_safefloat_from_u64(3);
	ok(dn_safefloat_gt(&a, &b) && !dn_safefloat_gt(&b, &a) && !dn_safefloat_gt(&a, &a),
	   "gt orders values");
	struct dn_safefloat zero = {0, 0};
	ok(!dn_safefloat_sub(&zero, &b, &c), "zero minus something is None");
	ok(dn_safefloat_sub(&b, &a, &c) && dn_safefloat_is_zero(&c),
	   "a smaller minus a larger saturates at zero");
	ok(!dn_safefloat_div(&a, &zero, &c) && !dn_safefloat_mul_div(&a, &b, &zero, &c),
	   "division by zero is None");
	ok(dn_safefloat_mul_div(&a, &b, &b, &c) && dn_safefloat_to_u64(&c) == 7, "a * b / b is a");
}

/* zero denominator, first stake, pro-rata */
static void test_basics(void)
{
	struct dn_sharepool sp;
	struct dn_safefloat k1 = {0, 0}, k2 = {0, 0};
	memset(&sp, 0, sizeof(sp));
	is_int((int64_t)dn_sharepool_value(&sp, &k1), 0, "an empty pool is worth nothing");

	is_int(dn_sharepool_deposit(&sp, &k1, 1000), 0, "the first stake is accepted");
	ok(dn_safefloat_to_u64(&k1) == 1000 && dn_safefloat_to_u64(&sp.denom) == 1000 &&
		   sp.value == 1000,
	   "the first stake gets shares equal to its amount");
	dn_sharepool_deposit(&sp, &k2, 3000);
	dn_sharepool_update_all(&sp, 4000);
	is_int((int64_t)dn_sharepool_value(&sp, &k1), 2000, "an emission is shared pro rata (1/4)");
	is_int((int64_t)dn_sharepool_value(&sp, &k2), 6000, "an emission is shared pro rata (3/4)");
	dn_sharepool_update_all(&sp, -100000);
	is_int((int64_t)sp.value, 0, "the value saturates at 0");
	dn_sharepool_update_all(&sp, INT64_MAX);
	dn_sharepool_update_all(&sp, INT64_MAX);
	dn_sharepool_update_all(&sp, INT64_MAX);
	ok(sp.value == UINT64_MAX, "the value saturates at u64::MAX");
}

static bool same(const struct dn_sharepool *a, const struct dn_safefloat *sa,
		 const struct dn_sharepool *b, const struct dn_safefloat *sb)
{
	return a->value == b->value && a->denom.mantissa == b->denom.mantissa &&
	       a->denom.exponent == b->denom.exponent && sa->mantissa == sb->mantissa &&
	       sa->exponent == sb->exponent;
}

static void test_refusals(void)
{
	struct dn_sharepool sp = {0, {0, 0}}, before;
	struct dn_safefloat k = {0, 0}, kb;
	dn_sharepool_deposit(&sp, &k, 5000);
	before = sp;
	kb = k;
	is_int(dn_sharepool_withdraw(&sp, &k, 5001), DN_SHARE_ESTAKE,
	       "withdrawing more than the holder's value is refused");
	ok(same(&sp, &k, &before, &kb), "... and changes nothing");
	is_int(dn_sharepool_deposit(&sp, &k, (uint64_t)INT64_MAX + 1), DN_SHARE_ERANGE,
	       "an amount above i64::MAX is refused");
	ok(same(&sp, &k, &before, &kb), "... and changes nothing");
	is_int(dn_sharepool_withdraw(NULL, &k, 1), DN_SHARE_EINVAL, "a NULL pool is EINVAL");
	is_int(dn_sharepool_withdraw(&sp, &k, 5000), 0, "withdrawing everything is accepted");
	ok(sp.value == 0 && dn_safefloat_is_zero(&k) && dn_safefloat_is_zero(&sp.denom),
	   "... and empties the pool");
	ok(dn_sharepool_sim_update(&sp, 1), "anything registers in an empty pool");
	struct dn_sharepool big = {UINT64_MAX, {0, 0}};
	big.denom = dn_safefloat_from_u64(1);
	ok(dn_sharepool_sim_update(&big, 1) && !dn_sharepool_sim_update(&big, 0),
	   "in a non-empty pool 1 rao still registers shares (SafeFloat keeps 1/2^64), 0 does not");
}

/* the staking2.rs property, and round trips under emissions */
static void test_round_trips(void)
{
	int bad = 0;
	for (int i = 0; i < 300; i++) {
		struct dn_sharepool sp = {0, {0, 0}};
		struct dn_safefloat k = {0, 0};
		uint64_t stake = rng_range(1, 21000000000000000ull);
		uint64_t unstake = rng_range(0, stake);
		dn_sharepool_deposit(&sp, &k, stake);
		if (dn_sharepool_withdraw(&sp, &k, unstake) != 0 ||
		    dn_sharepool_value(&sp, &k) != stake - unstake)
			bad++;
	}
	ok(bad == 0, "stake then unstake leaves exactly stake - unstake");

	/* two holders and emissions: a deposit then a withdrawal of the same
	 * amount returns the holder's value within a rao, and the other
	 * holder's value does not move by more than a rao either */
	bad = 0;
	int inflation = 0;
	for (int i = 0; i < 300; i++) {
		struct dn_sharepool sp = {0, {0, 0}};
		struct dn_safefloat k1 = {0, 0}, k2 = {0, 0};
		dn_sharepool_deposit(&sp, &k1, rng_range(1, 1000000000000000ull));
		dn_sharepool_deposit(&sp, &k2, rng_range(1, 1000000000000000ull));
		dn_sharepool_update_all(&sp, (int64_t)rng_range(0, 1000000000000000ull));
		uint64_t v1 = dn_sharepool_value(&sp, &k1), v2 = dn_sharepool_value(&sp, &k2);
		uint64_t x = rng_range(1, 1000000000000000ull);
		dn_sharepool_deposit(&sp, &k1, x);
		uint64_t mid = dn_sharepool_value(&sp, &k1);
		uint64_t w = mid < v1 + x ? mid : v1 + x;
		w = w > x ? x : w;
		dn_sharepool_withdraw(&sp, &k1, w);
		uint64_t a1 = dn_sharepool_value(&sp, &k1), a2 = dn_sharepool_value(&sp, &k2);
		if (a1 + 1 < v1 || a1 > v1 + 1 || a2 + 1 < v2 || a2 > v2 + 1)
			bad++;
		if (a1 + a2 > sp.value)
			inflation++;
	}
	ok(bad == 0, "deposit then withdraw of the same amount is neutral within a rao");
	ok(inflation == 0, "holders never own more than the pool's value");
}

/* test_denom_high_precision: 1 rao each, a huge emission, almost
 * everything unstaked, another emission, then 1000 alpha each */
static void test_precision(void)
{
	struct dn_sharepool sp = {0, {0, 0}};
	struct dn_safefloat k1 = {0, 0}, k2 = {0, 0};
	dn_sharepool_update_one(&sp, &k1, 1);
	dn_sharepool_update_one(&sp, &k2, 1);
	dn_sharepool_update_all(&sp, 999999999999998);
	dn_sharepool_update_one(&sp, &k1, -499999999999990);
	dn_sharepool_update_one(&sp, &k2, -499999999999990);
	dn_sharepool_update_all(&sp, 999999999999980);
	dn_sharepool_update_one(&sp, &k1, 1000000000000);
	dn_sharepool_update_one(&sp, &k2, 1000000000000);
	uint64_t v1 = dn_sharepool_value(&sp, &k1), v2 = dn_sharepool_value(&sp, &k2);
	ok(v1 >= 500999999999999 && v1 <= 501000000000001 && v2 >= 500999999999999 &&
		   v2 <= 501000000000001,
	   "10 rao left of 5e14 keep their share through another emission (%llu, %llu)",
	   (unsigned long long)v1, (unsigned long long)v2);
}

int main(void)
{
	tap_rand_seed(0x9e3779b97f4a7c15ULL);
	tap_plan(36);
	test_safefloat();
	test_basics();
	test_refusals();
	test_round_trips();
	test_precision();
	return tap_done();
}
