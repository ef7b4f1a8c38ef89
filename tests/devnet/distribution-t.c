/*
 * devnet/distribution and devnet/rootclaim: the chain's steps one by one
 * (fractions, inherited stake, parent/child split, alpha/root split),
 * takes at 0 and at the maximum, the owner's withheld incentive, the root
 * fallback, bad input, conservation of what was drained on random
 * subnets, and the root claim arithmetic and auto-claim indices.
 */
#include "devnet/distribution.h"
#include "devnet/rootclaim.h"
#include "tests/tap.h"

#include <string.h>

#define TAO 1000000000ULL
#define NONE DN_DIST_NONE

static uint64_t below(uint64_t n) { return n ? tap_rand() % n : 0; }

/* A small subnet: hotkeys with their stakes, uids, links. */
struct net {
	struct dn_dist_hotkey hk[8];
	struct dn_dist_link kids[8][4], pars[8][4];
	uint32_t uid[8];
	uint32_t autostake[8];
	struct dn_dist_subnet s;
};

static void net_init(struct net *t, uint32_t nh, uint32_t n)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t h = 0; h < 8; h++) {
		t->hk[h].coldkey = h;
		t->hk[h].children = t->kids[h];
		t->hk[h].parents = t->pars[h];
		t->autostake[h] = NONE;
	}
	for (uint32_t u = 0; u < n; u++)
		t->uid[u] = u;
	t->s = (struct dn_dist_subnet){
		.nhotkeys = nh,
		.hotkeys = t->hk,
		.ncoldkeys = 8,
		.autostake = t->autostake,
		.n = n,
		.uid_hotkey = t->uid,
		.owner_coldkey = NONE,
		.owner_hotkey = NONE,
	};
}

static void link(struct net *t, uint32_t parent, uint32_t child, uint64_t prop)
{
	t->kids[parent][t->hk[parent].nchildren++] = (struct dn_dist_link){child, prop};
	t->pars[child][t->hk[child].nparents++] = (struct dn_dist_link){parent, prop};
}

static uint64_t sum_kind(const struct dn_dist_result *r, enum dn_pay_kind k)
{
	uint64_t s = 0;
	for (size_t i = 0; i < r->npay; i++)
		if (r->pay[i].kind == k)
			s += r->pay[i].amount;
	return s;
}

static void test_fractions(void)
{
	is_i128(dn_dist_u64_fraction(UINT64_MAX), (dn_i128)1 << 32, "TaoWeight u64::MAX is 1.0");
	is_i128(dn_dist_u64_fraction(UINT64_MAX / 2), ((dn_i128)1 << 31) - 1,
		"u64::MAX / 2 truncates just below 0.5");
	is_i128(dn_dist_u16_fraction(65535), (dn_i128)1 << 32, "take 65535 is 1.0");
	is_i128(dn_dist_u16_fraction(11796), (dn_i128)(((dn_u128)11796 << 32) / 65535),
		"take 11796: truncated U96F32 quotient");
}

static void test_inherited(void)
{
	struct net t;
	net_init(&t, 3, 3);
	t.hk[0].alpha = 1000;
	t.hk[0].root = 3000;
	t.hk[1].alpha = 500;
	t.hk[1].root = 0;
	link(&t, 0, 1, UINT64_MAX);
	t.s.tao_weight = UINT64_MAX;
	is_int(dn_dist_inherited_alpha(&t.s, 0), 0, "a 100 % parent keeps no alpha weight");
	is_int(dn_dist_inherited_alpha(&t.s, 1), 1500, "the child inherits it");
	is_int(dn_dist_inherited_root(&t.s, 1), 3000, "and the parent's root stake");
	is_int(dn_dist_self_contribution(&t.s, 0), 0, "a 100 % parent contributes nothing itself");
	is_int(dn_dist_self_contribution(&t.s, 1), 500, "the child: its own alpha (no root)");
	struct net h;
	net_init(&h, 2, 2);
	h.hk[0].alpha = 1000;
	link(&h, 0, 1, UINT64_MAX / 2);
	is_int(dn_dist_inherited_alpha(&h.s, 0), 500,
	       "just under half to the child: the parent keeps 500.0000002, floored");
	is_int(dn_dist_inherited_alpha(&h.s, 1), 499, "the child inherits 499");
}

static void test_parent_child(void)
{
	struct net t;
	struct dn_dist_share sh[4];
	size_t n;
	uint64_t burned;
	net_init(&t, 2, 1);
	t.uid[0] = 1;
	t.hk[0].alpha = TAO; /* parent, another coldkey */
	link(&t, 0, 1, UINT64_MAX);
	t.hk[1].childkey_take = 6553; /* 10 % */
	is_int(dn_dist_parent_child(&t.s, 1, TAO, sh, &n, &burned), 0, "split ok");
	ok(n == 2 && sh[0].hotkey == 0 && sh[1].hotkey == 1, "one share per parent, then self");
	ok(sh[0].amount + sh[1].amount <= TAO && sh[0].amount + sh[1].amount >= TAO - 1,
	   "the split keeps the dividend (to a rao)");
	ok(sh[1].amount >= 99990000 && sh[1].amount <= 100000000,
	   "the child keeps its 10 %% childkey take");
	t.hk[0].coldkey = t.hk[1].coldkey; /* same coldkey: no take */
	dn_dist_parent_child(&t.s, 1, TAO, sh, &n, &burned);
	is_int(sh[0].amount, TAO, "same coldkey: the parent gets it all");
	t.hk[0].coldkey = 7;
	t.s.ck_burn = UINT64_MAX / 4;
	t.hk[1].childkey_take = 0;
	dn_dist_parent_child(&t.s, 1, TAO, sh, &n, &burned);
	ok(burned >= 249999999 && burned <= 250000000 && sh[0].amount + burned <= TAO,
	   "CK burn: a quarter of the parent's share recycled");
	is_int(dn_dist_parent_child(&t.s, 5, TAO, sh, &n, NULL), DN_DIST_EINVAL,
	       "hotkey out of range: EINVAL");
}

static void test_split(void)
{
	uint64_t a[3] = {1000, 0, 0}, rt[3] = {1000, 1000, 0};
	dn_u128 d[3] = {(dn_u128)600 << 32, (dn_u128)300 << 32, (dn_u128)100 << 32}, ao[3], ro[3];
	dn_dist_dividend_split(10000, 5000, (dn_u128)1 << 32, 3, a, rt, d, ao, ro);
	/* alpha parts 300, 0, 100 of 400; root parts 300, 300, 0 of 600 */
	is_i128(ao[0] >> 32, 7500, "alpha part 300 / 400 of the validator pool");
	is_i128(ao[1], 0, "no alpha stake: no alpha part");
	is_i128(ao[2] >> 32, 2500, "no stake at all: the whole dividend is alpha");
	is_i128(ro[0] >> 32, 2500, "root part 300 / 600 of the root pool");
	is_i128(ro[2], 0, "no root stake: no root part");
	dn_u128 z[3] = {0, 0, 0};
	dn_dist_dividend_split(10000, 5000, (dn_u128)1 << 32, 3, a, rt, z, ao, ro);
	ok(ao[0] == 0 && ro[0] == 0, "no dividend anywhere: nothing (0 / 0 is 0)");
}

static void test_takes_and_payments(void)
{
	struct net t;
	const struct dn_dist_result *r;
	struct dn_dist *ws = dn_dist_new();
	net_init(&t, 1, 1);
	t.hk[0].alpha = TAO;
	uint64_t srv[1] = {0}, val[1] = {TAO};
	struct dn_dist_drain dr = {400, 600, 0, 0};
	t.hk[0].take = 0;
	is_int(dn_dist_run(ws, &t.s, srv, val, &dr, &r, NULL), 0, "run ok");
	is_int(r->validator_pool, 1000, "no incentive: validators get server + validator");
	ok(r->alpha_take[0] == 0 && r->alpha_dividends[0] == 1000, "take 0: all to the nominators");
	t.hk[0].take = 65535;
	dn_dist_run(ws, &t.s, srv, val, &dr, &r, NULL);
	ok(r->alpha_take[0] == 1000 && r->alpha_dividends[0] == 0, "take 65535: all to the owner");
	t.hk[0].take = 11796;
	dn_dist_run(ws, &t.s, srv, val, &dr, &r, NULL);
	ok(r->alpha_take[0] == 179 && r->alpha_dividends[0] == 820,
	   "take 11796 of 1000: 179 staked, 820 to nominators (a rao of dust)");
	is_i128(r->undistributed, 1, "the dust is counted as undistributed");

	/* root dividends: a rate, or the fallback */
	t.hk[0].take = 0;
	t.hk[0].root = 4000;
	t.s.tao_weight = UINT64_MAX;
	struct dn_dist_drain d2 = {0, 0, 2000, 0};
	dn_dist_run(ws, &t.s, srv, val, &d2, &r, NULL);
	ok(!r->root_fallback[0] && r->claim_rate[0] == (dn_i128)1 << 31,
	   "2000 root alpha over 4000 root stake: rate 0.5");
	is_int(sum_kind(r, DN_PAY_ROOT_CLAIMABLE), 2000, "claimable amount");
	t.hk[0].root = 1999;
	dn_dist_run(ws, &t.s, srv, val, &d2, &r, NULL);
	ok(r->root_fallback[0] && sum_kind(r, DN_PAY_ROOT_FALLBACK) == 2000 &&
		   r->claim_rate[0] == 0,
	   "more root alpha than root stake: staked to the owner");
	is_int(r->root_alpha_dividends[0], 2000, "RootAlphaDividendsPerSubnet records it anyway");

	/* the owner: cut, withheld incentive (burn or recycle), auto-stake */
	net_init(&t, 4, 3);
	t.s.owner_coldkey = 0;
	t.s.owner_hotkey = 0;
	t.hk[2].coldkey = 0; /* a second hotkey of the owner coldkey, uid 2 */
	t.hk[3].coldkey = 1; /* hotkey 1's coldkey's other hotkey: auto-stake target */
	t.autostake[1] = 3;
	uint64_t s3[3] = {100, 200, 300}, v3[3] = {0, 0, 0};
	struct dn_dist_drain d3 = {600, 0, 0, 50};
	dn_dist_run(ws, &t.s, s3, v3, &d3, &r, NULL);
	is_int(sum_kind(r, DN_PAY_OWNER_CUT), 50, "owner cut to the owner hotkey");
	is_int(sum_kind(r, DN_PAY_INCENTIVE_BURN), 400, "owner hotkeys' incentive burned");
	ok(r->withheld[0] && !r->withheld[1] && r->withheld[2],
	   "owner hotkey and its sibling withheld");
	const struct dn_payment *inc = NULL;
	for (size_t i = 0; i < r->npay; i++)
		if (r->pay[i].kind == DN_PAY_INCENTIVE)
			inc = &r->pay[i];
	ok(inc && inc->hotkey == 3 && inc->coldkey == 1 && inc->amount == 200,
	   "the miner's incentive goes to its coldkey's auto-stake hotkey");
	is_i128(r->miner_burned, ((dn_i128)400 << 32) / 600, "MinerBurned = 400 / 600");
	t.s.recycle_owner_incentive = true;
	dn_dist_run(ws, &t.s, s3, v3, &d3, &r, NULL);
	ok(sum_kind(r, DN_PAY_INCENTIVE_RECYCLE) == 400 && r->recycled == 400 && r->burned == 0,
	   "RecycleOrBurn = Recycle: recycled instead");
	t.s.owner_hotkey = NONE;
	dn_dist_run(ws, &t.s, s3, v3, &d3, &r, NULL);
	ok(sum_kind(r, DN_PAY_OWNER_CUT) == 0 && r->undistributed == 50,
	   "no owner hotkey: the owner cut is not paid");

	/* bad input: an error, and the previous result untouched */
	size_t npay = r->npay;
	t.uid[1] = 0; /* two uids, one hotkey */
	struct dn_dist_err err;
	is_int(dn_dist_run(ws, &t.s, s3, v3, &d3, &r, &err), DN_DIST_EINVAL, "duplicate hotkey");
	ok(err.field && strcmp(err.field, "uid_hotkey") == 0 && err.index == 1,
	   "the error names it");
	is_int(r->npay, npay, "nothing written on error");
	t.uid[1] = 9;
	is_int(dn_dist_run(ws, &t.s, s3, v3, &d3, &r, &err), DN_DIST_EINVAL,
	       "uid hotkey out of range");
	dn_dist_free(ws);
}

/* Random subnets: what the payments list adds up to, and conservation. */
static void test_conservation(void)
{
	struct dn_dist *ws = dn_dist_new();
	int identity = 0, nonneg = 0, bounded = 0, listed = 0;
	const int rounds = 2000;
	for (int round = 0; round < rounds; round++) {
		struct net t;
		uint32_t nh = 1 + (uint32_t)below(8), n = (uint32_t)below(nh + 1);
		net_init(&t, nh, n);
		for (uint32_t h = 0; h < nh; h++) {
			t.hk[h].coldkey = (uint32_t)below(4);
			t.hk[h].alpha = below(4) ? below(1ULL << (below(50) + 1)) : 0;
			t.hk[h].root = below(3) ? below(1ULL << (below(50) + 1)) : 0;
			static const uint16_t takes[] = {0, 11796, 65535, 1, 32767};
			t.hk[h].take = below(2) ? takes[below(5)] : (uint16_t)below(65536);
			t.hk[h].childkey_take = below(2) ? 0 : (uint16_t)below(11797);
		}
		for (int l = (int)below(4); l > 0; l--) {
			uint32_t p = (uint32_t)below(nh), c = (uint32_t)below(nh);
			if (p != c && t.hk[p].nchildren < 4 && t.hk[c].nparents < 4)
				link(&t, p, c, below(2) ? UINT64_MAX : tap_rand());
		}
		/* uids over a random subset of the hotkeys */
		for (uint32_t u = 0; u < n; u++)
			t.uid[u] = u;
		for (uint32_t u = n; u > 1; u--) {
			uint32_t j = (uint32_t)below(u), x = t.uid[u - 1];
			t.uid[u - 1] = t.uid[j];
			t.uid[j] = x;
		}
		t.s.tao_weight = below(3) ? tap_rand() : (below(2) ? UINT64_MAX : 0);
		t.s.ck_burn = below(3) ? 0 : tap_rand();
		t.s.owner_coldkey = below(2) ? (uint32_t)below(4) : NONE;
		t.s.owner_hotkey = below(2) ? (uint32_t)below(nh) : NONE;
		t.s.recycle_owner_incentive = below(2);
		for (uint32_t c = 0; c < 4; c++)
			t.autostake[c] = below(4) ? NONE : (uint32_t)below(nh);
		struct dn_dist_drain d = {below(1ULL << 40), below(1ULL << 40), below(1ULL << 40),
					  below(1ULL << 30)};
		if (!below(5))
			d.root = 0;
		uint64_t srv[8] = {0}, val[8] = {0}, left = below(2) ? d.server : 0;
		for (uint32_t u = 0; u < n; u++) {
			srv[u] = below(left + 1);
			left -= srv[u];
			val[u] = below(4) ? below(1ULL << 40) : 0;
		}
		const struct dn_dist_result *r;
		if (dn_dist_run(ws, &t.s, srv, val, &d, &r, NULL) != 0)
			continue;
		dn_u128 staked =
			sum_kind(r, DN_PAY_OWNER_CUT) + (dn_u128)sum_kind(r, DN_PAY_INCENTIVE) +
			sum_kind(r, DN_PAY_ALPHA_TAKE) + sum_kind(r, DN_PAY_ALPHA_NOMINATORS) +
			sum_kind(r, DN_PAY_ROOT_TAKE) + sum_kind(r, DN_PAY_ROOT_FALLBACK);
		listed += staked == r->staked &&
			  (dn_u128)sum_kind(r, DN_PAY_ROOT_CLAIMABLE) == r->claimable &&
			  (dn_u128)sum_kind(r, DN_PAY_INCENTIVE_BURN) == r->burned &&
			  (dn_u128)sum_kind(r, DN_PAY_INCENTIVE_RECYCLE) == r->recycled &&
			  (dn_u128)sum_kind(r, DN_PAY_CK_BURN) == r->ck_burned;
		dn_i128 total = (dn_i128)(staked + r->claimable + r->burned + r->recycled);
		identity += total + r->undistributed == (dn_i128)r->drained;
		nonneg += r->undistributed >= 0;
		/* what may stay undistributed: unclaimed server emission, a pool
		 * with no receiver, the owner cut without owner, and dust: each
		 * hotkey's share of a pool is a U96F32 quotient (2^-32 of the
		 * pool), then take and rest are floored */
		dn_i128 allow = (dn_i128)nh * (4 + (dn_i128)(r->validator_pool >> 32) +
					       (dn_i128)(d.root >> 32) + 2);
		uint64_t isum = 0;
		for (uint32_t u = 0; u < n; u++)
			isum += srv[u];
		if (isum)
			allow += d.server - isum;
		dn_u128 adiv = 0, rdiv = 0;
		for (uint32_t h = 0; h < nh; h++) {
			adiv += r->alpha_div[h];
			rdiv += r->root_div[h];
		}
		if (adiv == 0)
			allow += r->validator_pool;
		if (rdiv == 0)
			allow += d.root;
		if (t.s.owner_coldkey == NONE || t.s.owner_hotkey == NONE)
			allow += d.owner_cut;
		bounded += r->undistributed <= allow;
		if (r->undistributed > allow)
			diag("round %d: undistributed %lld > allowed %lld", round,
			     (long long)r->undistributed, (long long)allow);
	}
	is_int(listed, rounds, "totals equal the sums of the payments, kind by kind");
	is_int(identity, rounds,
	       "staked + claimable + burned + recycled + undistributed = drained");
	is_int(nonneg, rounds, "never more paid than drained");
	is_int(bounded, rounds, "undistributed is only what has no receiver, plus rounding dust");
	dn_dist_free(ws);
}

static void test_rootclaim(void)
{
	bool fb;
	dn_i128 inc = dn_rootclaim_rate_increment(820000, 2000000, &fb);
	ok(!fb && inc == (((dn_i128)820000 << 32) / 2000000), "rate increment 0.41 (truncated)");
	dn_rootclaim_rate_increment(5, 4, &fb);
	ok(fb, "more alpha than root stake: fallback");
	ok(dn_rootclaim_rate_increment(0, 0, &fb) == 0 && !fb, "0 over 0: rate 0, no fallback");
	dn_i128 rate = dn_rootclaim_rate_add(0, (dn_i128)1 << 31); /* 0.5 */
	dn_i128 owed = dn_rootclaim_owed(rate, 3000000, 0);
	is_int(dn_rootclaim_owed_u64(owed), 1500000, "owed = rate * root stake");
	is_int(dn_rootclaim_amount(owed, 500000, false), 1500000, "above the threshold: claimed");
	is_int(dn_rootclaim_amount(dn_rootclaim_owed(rate, 900000, 0), 500000, false), 0,
	       "below the threshold: no-op");
	is_int(dn_rootclaim_amount(dn_rootclaim_owed(rate, 900000, 0), 500000, true), 450000,
	       "forced: claimed anyway");
	owed = dn_rootclaim_owed(rate, 1000, 900);
	is_int(dn_rootclaim_owed_u64(owed), 0, "claimed more than earned: owed 0");
	ok(owed < 0, "... the float owed is negative");
	dn_u128 claimed = dn_rootclaim_adjust_add(100, rate, 1001);
	is_int((intmax_t)claimed, 600, "adding stake raises RootClaimed by floor(rate * amount)");
	is_int((intmax_t)dn_rootclaim_adjust_remove(claimed, rate, 2000), 0,
	       "removing stake lowers it, saturating at 0");
	ok(dn_rootclaim_adjust_add(DN_U128_MAX - 1, rate, 100) == DN_U128_MAX, "saturating add");
	ok(dn_rootclaim_swaps(DN_CLAIM_SWAP, true) && !dn_rootclaim_swaps(DN_CLAIM_KEEP, false) &&
		   !dn_rootclaim_swaps(DN_CLAIM_KEEP_SUBNETS, true) &&
		   dn_rootclaim_swaps(DN_CLAIM_KEEP_SUBNETS, false),
	   "Swap, Keep, KeepSubnets");
	ok(DN_CLAIM_DEFAULT == DN_CLAIM_SWAP, "the default claim type is Swap");

	uint8_t hash[32];
	for (int i = 0; i < 32; i++)
		hash[i] = (uint8_t)(i * 37 + 11);
	uint64_t idx[40];
	size_t k = dn_rootclaim_indices(hash, 15, 15000, idx);
	bool sorted = true, range = true;
	for (size_t i = 0; i < k; i++) {
		sorted &= i == 0 || idx[i - 1] < idx[i];
		range &= idx[i] < 15000;
	}
	ok(k <= 15 && sorted && range, "indices: distinct, ascending, below n");
	is_int(dn_rootclaim_indices(hash, 0, 15000, idx), 0, "k = 0: none");
	ok(dn_rootclaim_indices(hash, 5, 0, idx) == 1 && idx[0] == 0,
	   "n = 0: index 0 (rem by 0 -> 0)");
	is_int(dn_rootclaim_indices(hash, 40, 3, idx) <= 3, 1, "n = 3: at most 3 distinct indices");
	memset(hash, 0xff, sizeof(hash));
	ok(dn_rootclaim_indices(hash, 3, 1000, idx) >= 1, "saturating sum of steps");
}

int main(void)
{
	tap_rand_seed(0x2545f4914f6cdd1dULL);
	tap_plan(68);
	test_fractions();
	test_inherited();
	test_parent_child();
	test_split();
	test_takes_and_payments();
	test_conservation();
	test_rootclaim();
	return tap_done();
}
