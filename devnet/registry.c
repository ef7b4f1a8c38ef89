/*
 * Subnet lock cost, pool seeding at the median price, immunity, UID and
 * subnet pruning.
 */
#include "devnet/registry.h"

#include <stdlib.h>

const char *dn_registry_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_REGISTRY_EINVAL: return "invalid argument";
	default: return "unknown error";
	}
}

void dn_lock_params_default(struct dn_lock_params *p)
{
	p->min_lock = 1000000000000ULL; /* runtime SubtensorInitialMinLockCost: 1 000 TAO */
	p->reduction_interval =
		14 * 7200; /* runtime SubtensorInitialNetworkLockReductionInterval */
	p->immunity_period = 1296000; /* runtime SubtensorInitialNetworkImmunity */
	p->subnet_limit = 128; /* lib.rs DefaultSubnetLimit */
}

/* I64F64 -> u64 with saturation (saturating_to_num::<u64>: floor,
 * negative -> 0). */
static uint64_t fx64_to_u64(dn_i64f64 x)
{
	if (x < 0)
		return 0;
	dn_i128 v = x >> 64;
	return v > (dn_i128)UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* subtensor coinbase/root.rs get_lock_reduction_interval: I64F64 interval
 * times I64F64 (block_emission / 1e9), floored to u64. */
uint64_t dn_lock_reduction_interval(uint64_t interval, uint64_t block_emission)
{
	dn_i64f64 iv = dn_fx64_from_u64(interval);
	dn_i64f64 be = dn_fx64_from_u64(block_emission);
	dn_i64f64 halving;
	if (!dn_fx128_checked_div(be, dn_fx64_from_u64(1000000000), 64, &halving))
		halving = 0;
	return fx64_to_u64(dn_fx128_sat_mul(iv, halving, 64));
}

static uint64_t sat_mul_u64(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* subtensor coinbase/root.rs get_network_lock_cost. */
uint64_t dn_lock_cost(const struct dn_lock_params *p, const struct dn_lock_state *s, uint64_t now,
		      uint64_t block_emission)
{
	uint64_t interval = dn_lock_reduction_interval(p->reduction_interval, block_emission);
	uint64_t mult = s->last_lock_block == 0 ? 1 : 2;
	uint64_t elapsed = now > s->last_lock_block ? now - s->last_lock_block : 0;
	/* u64 safe_div: x / 0 = 0 */
	uint64_t per_block = interval ? s->last_lock / interval : 0;
	uint64_t decay = sat_mul_u64(per_block, elapsed);
	uint64_t doubled = sat_mul_u64(s->last_lock, mult);
	uint64_t cost = doubled > decay ? doubled - decay : 0;
	return cost < p->min_lock ? p->min_lock : cost;
}

/* subtensor subnets/subnet.rs do_register_network step 11. */
void dn_lock_record(struct dn_lock_state *s, uint64_t paid, uint64_t now)
{
	s->last_lock = paid;
	s->last_lock_block = now;
}

static int cmp_u128(const void *a, const void *b)
{
	dn_u128 x = *(const dn_u128 *)a, y = *(const dn_u128 *)b;
	return x < y ? -1 : x > y;
}

/* subtensor staking/stake_utils.rs get_median_subnet_alpha_price: the
 * sorted multiset's values at indices (count-1)/2 and count/2. */
dn_u64f64 dn_median_price(dn_u64f64 *prices, size_t n)
{
	const dn_u64f64 one = (dn_u64f64)1 << 64;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (prices[i] > 0)
			prices[m++] = prices[i];
	if (m == 0)
		return one;
	qsort(prices, m, sizeof(prices[0]), cmp_u128);
	size_t lower = (m - 1) / 2, upper = m / 2;
	if (lower == upper)
		return prices[upper];
	dn_u128 sum = prices[lower] + prices[upper];
	if (sum < prices[lower])
		sum = DN_U128_MAX; /* saturating_add */
	/* U64F64 safe_div by 2: (sum << 64) / (2 << 64) = sum / 2 */
	return sum / 2;
}

/* subtensor subnets/subnet.rs do_register_network: "Keep the locked TAO in
 * the pool instead of recycling the excess". */
int dn_pool_seed(uint64_t min_lock, uint64_t lock_paid, dn_u64f64 median, struct dn_pool_seed *out)
{
	if (!out)
		return DN_REGISTRY_EINVAL;
	uint64_t tao = lock_paid >= min_lock ? lock_paid : min_lock;
	dn_u64f64 alpha;
	/* U64F64(tao).safe_div(median).saturating_floor().saturating_to_num::<u64>() */
	if (!dn_ufx128_checked_div((dn_u64f64)tao << 64, median, 64, &alpha))
		alpha = 0;
	out->tao = tao;
	out->alpha_in = (uint64_t)(alpha >> 64);
	out->alpha_out = 0;
	out->locked = lock_paid;
	out->recycled = lock_paid > tao ? lock_paid - tao : 0;
	out->total_stake_added = tao;
	return 0;
}

void dn_prune_params_default(struct dn_prune_params *p)
{
	p->immunity_period = 5000; /* subnets/subnet.rs init_new_network */
	p->min_non_immune = 10; /* lib.rs DefaultMinNonImmuneUids */
	p->immune_owner_limit = 1; /* lib.rs DefaultImmuneOwnerUidsLimit */
}

/* subtensor utils/misc.rs get_neuron_is_immune. */
bool dn_neuron_immune(uint64_t now, uint64_t registered_at, uint16_t immunity_period)
{
	uint64_t age = now > registered_at ? now - registered_at : 0;
	return age < immunity_period;
}

/* Position of an owner-coldkey uid in get_immune_owner_tuples' sort
 * (BlockAtRegistration, then uid, ascending). */
static size_t owner_rank(const struct dn_prune_uid *uids, uint16_t n, uint16_t u)
{
	size_t r = 0;
	for (uint16_t v = 0; v < n; v++) {
		if (v == u || !uids[v].has_hotkey || !uids[v].owner_coldkey)
			continue;
		uint64_t bv = uids[v].registered_at, bu = uids[u].registered_at;
		r += bv < bu || (bv == bu && v < u);
	}
	return r;
}

static bool owner_valid(const struct dn_prune_uid *uids, uint16_t n, int32_t owner_uid)
{
	return owner_uid >= 0 && owner_uid < n && uids[owner_uid].has_hotkey;
}

/* Membership in subtensor get_immune_owner_tuples (subnets/registration.rs):
 * the owner coldkey's uids sorted, truncated to the limit; the owner
 * hotkey's uid inserted first if absent, then truncated to the limit
 * again (which drops the last of the others). */
static bool owner_immortal(const struct dn_prune_params *p, const struct dn_prune_uid *uids,
			   uint16_t n, int32_t owner_uid, uint16_t u)
{
	size_t limit = p->immune_owner_limit;
	if (limit == 0 || !uids[u].has_hotkey)
		return false;
	bool in_list = uids[u].owner_coldkey && owner_rank(uids, n, u) < limit;
	if (!owner_valid(uids, n, owner_uid))
		return in_list;
	if (uids[owner_uid].owner_coldkey && owner_rank(uids, n, (uint16_t)owner_uid) < limit)
		return in_list; /* the owner was already kept: list unchanged */
	if ((int32_t)u == owner_uid)
		return true;
	return uids[u].owner_coldkey && owner_rank(uids, n, u) + 1 < limit;
}

size_t dn_immune_owner_uids(const struct dn_prune_params *p, const struct dn_prune_uid *uids,
			    uint16_t n, int32_t owner_uid, uint16_t *out)
{
	size_t k = 0;
	bool owner = owner_valid(uids, n, owner_uid) &&
		     owner_immortal(p, uids, n, owner_uid, (uint16_t)owner_uid);
	bool owner_first =
		owner && !(uids[owner_uid].owner_coldkey &&
			   owner_rank(uids, n, (uint16_t)owner_uid) < p->immune_owner_limit);
	if (owner_first)
		out[k++] = (uint16_t)owner_uid;
	/* the kept owner-coldkey uids in sort order: rank 0, 1, ... */
	for (size_t rank = 0; rank < p->immune_owner_limit && k < p->immune_owner_limit; rank++) {
		bool found = false;
		for (uint16_t u = 0; u < n && !found; u++) {
			if (!uids[u].has_hotkey || !uids[u].owner_coldkey ||
			    owner_rank(uids, n, u) != rank)
				continue;
			found = true;
			if (!(owner_first && (int32_t)u == owner_uid) &&
			    owner_immortal(p, uids, n, owner_uid, u))
				out[k++] = u;
		}
		if (!found)
			break;
	}
	return k;
}

/* get_neuron_to_prune's "consider": lower emission, then earlier
 * registration, then lower uid. */
static bool prune_better(const struct dn_prune_uid *uids, uint16_t a, int32_t best)
{
	if (best < 0)
		return true;
	const struct dn_prune_uid *x = &uids[a], *y = &uids[best];
	if (x->emission != y->emission)
		return x->emission < y->emission;
	if (x->registered_at != y->registered_at)
		return x->registered_at < y->registered_at;
	return a < best;
}

/* subtensor subnets/registration.rs get_neuron_to_prune. */
bool dn_neuron_to_prune(const struct dn_prune_params *p, const struct dn_prune_uid *uids,
			uint16_t n, int32_t owner_uid, uint64_t now, uint16_t *out)
{
	if (n == 0)
		return false;
	uint16_t free_count = 0;
	int32_t best_free = -1, best_immune = -1;
	for (uint16_t u = 0; u < n; u++) {
		if (!uids[u].has_hotkey)
			continue;
		/* "Skip owner-immortal hotkeys entirely" */
		if ((uids[u].owner_coldkey || (int32_t)u == owner_uid) &&
		    owner_immortal(p, uids, n, owner_uid, u))
			continue;
		if (dn_neuron_immune(now, uids[u].registered_at, p->immunity_period)) {
			if (prune_better(uids, u, best_immune))
				best_immune = u;
		} else {
			if (free_count < UINT16_MAX)
				free_count++;
			if (prune_better(uids, u, best_free))
				best_free = u;
		}
	}
	/* "Safety floor for non-immortal & non-immune UIDs" */
	if (free_count > p->min_non_immune && best_free >= 0) {
		*out = (uint16_t)best_free;
		return true;
	}
	if (best_immune < 0)
		return false;
	*out = (uint16_t)best_immune;
	return true;
}

/* The order of NetworksAdded's keys: Identity hasher over the SCALE (LE)
 * encoding of the u16 netuid. */
static unsigned storage_order(uint16_t netuid) { return ((netuid & 0xffu) << 8) | (netuid >> 8); }

/* subtensor coinbase/root.rs get_network_to_prune. */
bool dn_subnet_to_prune(const struct dn_prune_subnet *s, size_t n, uint64_t now,
			uint64_t immunity_period, uint16_t *out)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].added || s[i].netuid == 0)
			continue;
		uint64_t until = s[i].registered_at > UINT64_MAX - immunity_period
					 ? UINT64_MAX
					 : s[i].registered_at + immunity_period;
		if (now < until)
			continue;
		if (best == SIZE_MAX) {
			best = i;
			continue;
		}
		const struct dn_prune_subnet *b = &s[best];
		if (s[i].ema_price != b->ema_price) {
			if (s[i].ema_price < b->ema_price)
				best = i;
		} else if (s[i].registered_at != b->registered_at) {
			if (s[i].registered_at < b->registered_at)
				best = i;
		} else if (storage_order(s[i].netuid) < storage_order(b->netuid)) {
			best = i;
		}
	}
	if (best == SIZE_MAX)
		return false;
	*out = s[best].netuid;
	return true;
}

/* subtensor subnets/subnet.rs do_register_network step 5. */
bool dn_subnet_slot(const struct dn_lock_params *p, const struct dn_prune_subnet *s, size_t n,
		    uint64_t now, bool *prune, uint16_t *out)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += s[i].added && s[i].netuid != 0;
	*prune = false;
	if ((uint16_t)count < p->subnet_limit)
		return true;
	if (!dn_subnet_to_prune(s, n, now, p->immunity_period, out))
		return false;
	*prune = true;
	return true;
}
