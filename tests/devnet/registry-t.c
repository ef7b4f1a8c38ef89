/*
 * devnet/burn and devnet/registry: the neuron burn price (Q32 half-life
 * decay over many blocks, bump, clamps), the subnet lock cost (doubling,
 * linear decay, minimum, halving of the interval), the median price and
 * pool seeding, immunity, and which UID or subnet is pruned.
 */
#include "devnet/burn.h"
#include "devnet/registry.h"
#include "tests/tap.h"

#include <string.h>

#define TAO 1000000000ULL

static struct dn_burn_params params(uint64_t min, uint64_t max, uint16_t hl, uint64_t mult)
{
	struct dn_burn_params p = {min, max, hl, (dn_u64f64)mult << 64};
	return p;
}

/* x with x^n = 1/2, by bisection on binary64 (an independent estimate) */
static double root_of_half(unsigned n)
{
	double lo = 0, hi = 1;
	for (int it = 0; it < 200; it++) {
		double mid = (lo + hi) / 2, p = 1;
		for (unsigned i = 0; i < n; i++)
			p *= mid;
		if (p > 0.5)
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

static double absd(double x) { return x < 0 ? -x : x; }

static void test_decay_factor(void)
{
	/* the defining property, for every half-life of the chain's tests */
	static const uint16_t hls[] = {1, 2, 3, 4, 5, 7, 8, 64, 360, 1000, 4096, 65535};
	int good = 0;
	for (size_t i = 0; i < sizeof(hls) / sizeof(hls[0]); i++) {
		uint64_t f = dn_burn_decay_factor_q32(hls[i]);
		bool at_most_half = dn_burn_pow_q32(f, hls[i]) <= (1ULL << 31);
		bool next_above = dn_burn_pow_q32(f + 1, hls[i]) > (1ULL << 31);
		double exact = root_of_half(hls[i]) * 4294967296.0;
		/* truncating powers make f a little larger than the exact root */
		bool near = (double)f >= exact - 2 && (double)f <= exact + hls[i] + 2;
		good += at_most_half && next_above && near;
		if (!(at_most_half && next_above && near))
			diag("half-life %u: f %llu, exact %.1f", hls[i], (unsigned long long)f,
			     exact);
	}
	is_int(good, 12, "decay factor: largest f with f^hl <= 1/2, near 2^32 * 2^(-1/hl)");
	is_int(dn_burn_decay_factor_q32(0), 1LL << 32, "half-life 0: factor 1.0 (no decay)");
	is_int(dn_burn_decay_factor_q32(1), 1LL << 31, "half-life 1: factor exactly 1/2");
	is_int(dn_burn_decay_factor_q32(360), 4286705684LL,
	       "half-life 360: the chain test's factor");
	is_int(dn_burn_mul_q32(UINT64_MAX, UINT64_MAX) == UINT64_MAX, 1,
	       "mul_q32 clamps to u64::MAX");
}

static void test_decay_many_blocks(void)
{
	/* hl 360 from 10 TAO: the chain test's reference model values */
	struct dn_burn_params p = params(0, UINT64_MAX, 360, 1);
	uint64_t f = dn_burn_decay_factor_q32(p.half_life);
	struct dn_burn_state s = {10 * TAO, 0, 0};
	bool monotone = true;
	uint64_t prev = s.burn, at360 = 0, at1000 = 0;
	for (uint64_t b = 2; b <= 5001; b++) {
		dn_burn_on_block(&p, f, &s, b);
		monotone &= s.burn <= prev;
		prev = s.burn;
		if (b == 361)
			at360 = s.burn;
		if (b == 1001)
			at1000 = s.burn;
	}
	ok(monotone, "decay never raises the price");
	is_int(at360, 4999999840LL, "after one half-life (360 blocks): 4 999 999 840");
	is_int(at1000, 1458161054LL, "after 1000 blocks: 1 458 161 054");
	is_int(s.burn, 658959, "after 5000 blocks: 658 959");

	/* after k half-lives the price is within 0.01 % of 2^-k while large */
	struct dn_burn_params q = params(0, UINT64_MAX, 64, 1);
	uint64_t fq = dn_burn_decay_factor_q32(64);
	struct dn_burn_state t = {1ULL << 50, 0, 0};
	int close_count = 0;
	for (int k = 1; k <= 10; k++) {
		for (int i = 0; i < 64; i++)
			dn_burn_on_block(&q, fq, &t, 100);
		double want = (double)(1ULL << (50 - k));
		close_count += absd((double)t.burn - want) <= want * 1e-4;
	}
	is_int(close_count, 10, "ten half-lives of 64 blocks halve the price ten times");

	/* block 1 (genesis' successor) does not decay; the clamp still applies */
	struct dn_burn_params c = params(100, 1000, 1, 1);
	struct dn_burn_state u = {5000, 7, 0};
	dn_burn_on_block(&c, dn_burn_decay_factor_q32(1), &u, 1);
	is_int(u.burn, 1000, "block 1: no decay, but clamped to MaxBurn");
	is_int(u.registrations_this_block, 0, "every block resets RegistrationsThisBlock");
	struct dn_burn_params z = params(100, 1000, 0, 1);
	u.burn = 50;
	dn_burn_on_block(&z, dn_burn_decay_factor_q32(0), &u, 10);
	is_int(u.burn, 100, "half-life 0: no decay, but raised to MinBurn");
}

static void test_clamps_and_bump(void)
{
	struct dn_burn_params p = params(100000, 150000, 1, 2);
	is_int(dn_burn_clamp(&p, 1), 100000, "below MinBurn -> MinBurn");
	is_int(dn_burn_clamp(&p, 200000), 150000, "above MaxBurn -> MaxBurn");
	struct dn_burn_params inv = params(500, 100, 1, 1);
	is_int(dn_burn_clamp(&inv, 50), 100, "MinBurn > MaxBurn: the max is applied last");
	is_int(dn_burn_bumped(&p, 100000, false), 150000, "bump x2 capped at MaxBurn");
	struct dn_burn_params big = params(0, UINT64_MAX, 0, 3);
	is_int(dn_burn_bumped(&big, 1000, false), 3000, "bump x3");
	ok(dn_burn_bumped(&big, UINT64_MAX / 2, false) == UINT64_MAX, "bump saturates at u64::MAX");
	struct dn_burn_params frac = params(0, UINT64_MAX, 0, 0);
	frac.increase_mult = DN_BURN_MULT_1_26;
	is_int(dn_burn_bumped(&frac, 1000000000, false), 1260000000LL, "bump x1.26 (U64F64)");
	frac.increase_mult = (dn_u64f64)1 << 63; /* 0.5 acts as 1 */
	is_int(dn_burn_bumped(&frac, 777, false), 777, "a multiplier below 1 acts as 1");
	is_int(dn_burn_bumped(&big, 1000, true), 1000, "root does not bump");
	struct dn_burn_state s = {0, 0, 0};
	struct dn_burn_params m = params(100000, UINT64_MAX, 0, 1);
	is_int(dn_burn_register(&m, &s, false), 0, "the first registration pays the stored 0");
	is_int(s.burn, 100000, "then the bump clamps it up to MinBurn");
	dn_burn_register(&m, &s, false);
	is_int(s.recycled, 100000, "RAORecycledForRegistration sums what was paid");
	is_int(s.registrations_this_block, 2, "registrations counted");
	struct dn_burn_params d;
	dn_burn_params_default(&d);
	ok(d.min_burn == 500000 && d.max_burn == 100 * TAO && d.half_life == 360,
	   "production burn defaults");
}

static void test_lock_cost(void)
{
	struct dn_lock_params p;
	dn_lock_params_default(&p);
	p.min_lock = 100 * TAO;
	p.reduction_interval = 1000;
	struct dn_lock_state s = {100 * TAO, 0};
	is_int(dn_lock_cost(&p, &s, 50, TAO), 100 * TAO, "never registered: last lock x1");
	dn_lock_record(&s, 1000 * TAO, 100);
	is_int(dn_lock_cost(&p, &s, 100, TAO), 2000 * TAO, "just registered: the price doubles");
	is_int(dn_lock_cost(&p, &s, 600, TAO), 1500 * TAO, "half an interval later: -25 %");
	is_int(dn_lock_cost(&p, &s, 1100, TAO), 1000 * TAO, "one interval: back to the last lock");
	is_int(dn_lock_cost(&p, &s, 2100, TAO), 100 * TAO, "two intervals: down to the minimum");
	is_int(dn_lock_cost(&p, &s, 1u << 30, TAO), 100 * TAO, "long after: the minimum");
	is_int(dn_lock_cost(&p, &s, 600, TAO / 2), 1000 * TAO,
	       "halved emission halves the interval: twice as fast");
	is_int(dn_lock_reduction_interval(1000, TAO / 2), 500, "R_eff = interval * emission / 1e9");
	is_int(dn_lock_reduction_interval(100800, 0), 0, "no emission: R_eff 0");
	is_int(dn_lock_cost(&p, &s, 600, 0), 2000 * TAO, "R_eff 0: no decay");
	struct dn_lock_state fut = {1000 * TAO, 500};
	is_int(dn_lock_cost(&p, &fut, 50, TAO), 2000 * TAO,
	       "last lock block in the future: elapsed saturates to 0");
	struct dn_lock_state huge = {UINT64_MAX, 1};
	is_int(dn_lock_cost(&p, &huge, 1, TAO) == UINT64_MAX, 1, "x2 saturates");
}

static void test_median_and_seed(void)
{
	dn_u64f64 one = (dn_u64f64)1 << 64;
	dn_u64f64 a[4] = {7 * one, 2 * one, 5 * one};
	ok(dn_median_price(NULL, 0) == one, "no price: 1.0");
	ok(dn_median_price(a, 3) == 5 * one, "odd count: the middle");
	dn_u64f64 b[3] = {5 * one, 0, 2 * one};
	ok(dn_median_price(b, 3) == 7 * one / 2, "even count (zero ignored): the mean, 3.5");
	dn_u64f64 c[4] = {3 * one, 1 * one, 3 * one, 1 * one};
	ok(dn_median_price(c, 4) == 2 * one, "repeated prices");
	dn_u64f64 d[2] = {DN_U128_MAX, DN_U128_MAX};
	ok(dn_median_price(d, 2) == DN_U128_MAX / 2, "the sum saturates before halving");

	struct dn_pool_seed s;
	is_int(dn_pool_seed(100 * TAO, 40 * TAO, one, &s), 0, "seed ok");
	ok(s.tao == 100 * TAO && s.alpha_in == 100 * TAO && s.locked == 40 * TAO && !s.recycled &&
		   !s.alpha_out,
	   "a lock below the minimum: the pool gets the minimum, at price 1");
	dn_pool_seed(100 * TAO, 300 * TAO, 2 * one, &s);
	ok(s.tao == 300 * TAO && s.alpha_in == 150 * TAO && s.total_stake_added == 300 * TAO,
	   "the whole lock stays in the pool, alpha at the median price");
	dn_pool_seed(100 * TAO, 300 * TAO, 1, &s);
	is_int(s.alpha_in, 0, "a quotient beyond U64F64 is 0 (safe_div)");
	dn_pool_seed(100 * TAO, 350 * TAO, 7 * one / 2, &s);
	is_int(s.alpha_in, 100 * TAO, "median 3.5: floor(350 / 3.5)");
	is_int(dn_pool_seed(1, 1, one, NULL), DN_REGISTRY_EINVAL, "NULL output: EINVAL");
}

static void test_uid_pruning(void)
{
	struct dn_prune_params p = {2, 0, 0};
	ok(!dn_neuron_immune(12, 10, 2) && dn_neuron_immune(11, 10, 2),
	   "immune while now - registered < period");
	ok(dn_neuron_immune(5, 10, 2), "registered in the future: age 0, immune");

	/* ties: emission, then registration, then uid */
	struct dn_prune_uid u[4] = {{100, 5, true, false},
				    {50, 7, true, false},
				    {50, 6, true, false},
				    {50, 6, true, false}};
	uint16_t got = 99;
	ok(dn_neuron_to_prune(&p, u, 4, -1, 100, &got) && got == 2,
	   "lowest emission, then earliest registration, then lowest uid");
	u[2].has_hotkey = false;
	ok(dn_neuron_to_prune(&p, u, 4, -1, 100, &got) && got == 3,
	   "a uid without hotkey is skipped");
	u[2].has_hotkey = true;

	/* immune fallback and the non-immune floor */
	struct dn_prune_params q = {10, 1, 0};
	struct dn_prune_uid v[3] = {
		{0, 95, true, false}, {5, 10, true, false}, {9, 20, true, false}};
	ok(dn_neuron_to_prune(&q, v, 3, -1, 100, &got) && got == 1,
	   "two non-immune > MinNonImmuneUids 1: the best non-immune");
	q.min_non_immune = 2;
	ok(dn_neuron_to_prune(&q, v, 3, -1, 100, &got) && got == 0,
	   "non-immune count at the floor: the best immune instead");
	struct dn_prune_uid w[1] = {{0, 1, true, false}};
	ok(!dn_neuron_to_prune(&q, w, 1, -1, 100, &got), "floor reached and nobody immune: none");
	ok(!dn_neuron_to_prune(&q, w, 0, -1, 100, &got), "empty subnet: none");

	/* owner immortality: uid 0 owner hotkey, 1 and 3 other owner hotkeys
	 * (registered 3 and 2), uid 2 someone else; all non-immune */
	struct dn_prune_params o = {1, 0, 0};
	struct dn_prune_uid x[4] = {
		{0, 9, true, true}, {0, 3, true, true}, {7, 1, true, false}, {0, 2, true, true}};
	ok(dn_neuron_to_prune(&o, x, 4, 0, 100, &got) && got == 3,
	   "limit 0: nobody immortal, lowest emission then earliest registration");
	o.immune_owner_limit = 1;
	ok(dn_neuron_to_prune(&o, x, 4, 0, 100, &got) && got == 3,
	   "limit 1: only the owner hotkey");
	o.immune_owner_limit = 2;
	ok(dn_neuron_to_prune(&o, x, 4, 0, 100, &got) && got == 1,
	   "limit 2: the owner and the earliest other owner hotkey (uid 3)");
	o.immune_owner_limit = 3;
	ok(dn_neuron_to_prune(&o, x, 4, 0, 100, &got) && got == 2,
	   "limit 3: every owner hotkey, the other coldkey's uid goes");
	uint16_t list[4];
	size_t k = dn_immune_owner_uids(&o, x, 4, 0, list);
	ok(k == 3 && list[0] == 3 && list[1] == 1 && list[2] == 0,
	   "immune owner uids by registration; an owner inside the limit keeps its place");
	o.immune_owner_limit = 2;
	k = dn_immune_owner_uids(&o, x, 4, -1, list);
	ok(k == 2 && list[0] == 3 && list[1] == 1,
	   "no owner hotkey: the earliest owner-coldkey uids");
	/* the owner hotkey registered earliest among them is kept in place */
	x[0].registered_at = 1;
	k = dn_immune_owner_uids(&o, x, 4, 0, list);
	ok(k == 2 && list[0] == 0 && list[1] == 3, "the owner already kept: list unchanged");
	x[0].owner_coldkey = false; /* an owner hotkey of another coldkey */
	k = dn_immune_owner_uids(&o, x, 4, 0, list);
	ok(k == 2 && list[0] == 0 && list[1] == 3,
	   "an owner hotkey outside the coldkey: put first");
}

static void test_subnet_pruning(void)
{
	dn_u64f64 one = (dn_u64f64)1 << 64;
	const uint64_t imm = 1000;
	struct dn_prune_subnet s[5] = {
		{0, true, 0, 0}, /* root: never */
		{1, true, 0, 7 * one}, /* tie on price and registration */
		{256, true, 0, 7 * one}, /* ... earlier in storage order (low byte 0) */
		{3, false, 0, 1 * one}, /* not added */
		{4, true, 500, 1 * one}, /* cheapest, immune until 1500 */
	};
	uint16_t got = 0;
	ok(dn_subnet_to_prune(s, 5, 1499, imm, &got) && got == 256,
	   "immune excluded; price tie and same block: storage order (256 before 1)");
	ok(dn_subnet_to_prune(s, 5, 1500, imm, &got) && got == 4,
	   "immunity over at registration + period: the lowest EMA price");
	s[1].registered_at = 0;
	s[2].registered_at = 1;
	ok(dn_subnet_to_prune(s, 5, 1499, imm, &got) && got == 1,
	   "price tie: earlier registration");
	ok(!dn_subnet_to_prune(s, 5, 999, imm, &got), "everyone immune: none");
	ok(!dn_subnet_to_prune(s, 0, 999, imm, &got), "no subnet: none");

	struct dn_lock_params p;
	dn_lock_params_default(&p);
	p.subnet_limit = 3;
	p.immunity_period = imm;
	bool prune = true;
	ok(dn_subnet_slot(&p, s, 5, 2000, &prune, &got) && prune && got == 4,
	   "at the limit (3 non-root subnets): prune the cheapest");
	p.subnet_limit = 4;
	ok(dn_subnet_slot(&p, s, 5, 2000, &prune, &got) && !prune, "under the limit: no pruning");
	p.subnet_limit = 2;
	ok(!dn_subnet_slot(&p, s, 5, 10, &prune, &got), "full and all immune: SubnetLimitReached");
}

int main(void)
{
	tap_plan(74);
	test_decay_factor();
	test_decay_many_blocks();
	test_clamps_and_bump();
	test_lock_cost();
	test_median_and_seed();
	test_uid_pruning();
	test_subnet_pruning();
	return tap_done();
}
