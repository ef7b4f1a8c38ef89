/*
 * The distribution of a subnet's emission at its epoch
 * (subtensor coinbase/run_coinbase.rs, staking/stake_utils.rs,
 * staking/claim_root.rs), in the chain's U96F32 arithmetic.
 */
#include "devnet/distribution.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

const char *dn_dist_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_DIST_EINVAL: return "invalid argument";
	default: return "unknown error";
	}
}

/* ---- U96F32 (unsigned, 32 fractional bits) ------------------------------ */

typedef dn_u128 u96f32;

#define U96_ONE ((u96f32)1 << 32)

static inline u96f32 u96(uint64_t v) { return (u96f32)v << 32; }

static inline u96f32 u96_mul(u96f32 a, u96f32 b) { return dn_ufx128_sat_mul(a, b, 32); }

static inline u96f32 u96_add(u96f32 a, u96f32 b)
{
	u96f32 r = a + b;
	return r < a ? DN_U128_MAX : r;
}

static inline u96f32 u96_sub(u96f32 a, u96f32 b) { return a > b ? a - b : 0; }

/* checked_div(..).unwrap_or(0), which is also safe_div */
static inline u96f32 u96_div0(u96f32 a, u96f32 b)
{
	u96f32 q;
	return dn_ufx128_checked_div(a, b, 32, &q) ? q : 0;
}

/* saturating_to_num::<u64>() (floor) */
static inline uint64_t u96_to_u64(u96f32 a)
{
	dn_u128 v = a >> 32;
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static inline uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* subtensor staking/stake_utils.rs get_tao_weight, get_ck_burn. */
dn_u128 dn_dist_u64_fraction(uint64_t v) { return u96_div0(u96(v), u96(UINT64_MAX)); }

/* subtensor staking/helpers.rs get_hotkey_take_float (and the childkey take
 * in get_parent_child_dividends_distribution). */
dn_u128 dn_dist_u16_fraction(uint16_t v) { return u96_div0(u96(v), u96(UINT16_MAX)); }

/* ---- inherited stake and contributions --------------------------------- */

/* subtensor get_inherited_for_hotkey_on_subnet /
 * get_tao_inherited_for_hotkey_on_subnet, on the alpha (root = false) or
 * root (root = true) stake. */
static uint64_t inherited(const struct dn_dist_subnet *s, uint32_t hotkey, bool root)
{
	const struct dn_dist_hotkey *h = &s->hotkeys[hotkey];
	u96f32 initial = u96(root ? h->root : h->alpha);
	u96f32 to_children = 0, from_parents = 0;
	for (uint32_t i = 0; i < h->nchildren; i++)
		to_children =
			u96_add(to_children,
				u96_mul(initial, dn_dist_u64_fraction(h->children[i].proportion)));
	for (uint32_t i = 0; i < h->nparents; i++) {
		const struct dn_dist_hotkey *p = &s->hotkeys[h->parents[i].hotkey];
		u96f32 stake = u96(root ? p->root : p->alpha);
		from_parents =
			u96_add(from_parents,
				u96_mul(stake, dn_dist_u64_fraction(h->parents[i].proportion)));
	}
	return u96_to_u64(u96_add(u96_sub(initial, to_children), from_parents));
}

uint64_t dn_dist_inherited_alpha(const struct dn_dist_subnet *s, uint32_t hotkey)
{
	return inherited(s, hotkey, false);
}

uint64_t dn_dist_inherited_root(const struct dn_dist_subnet *s, uint32_t hotkey)
{
	return inherited(s, hotkey, true);
}

/* subtensor coinbase/run_coinbase.rs get_self_contribution. */
uint64_t dn_dist_self_contribution(const struct dn_dist_subnet *s, uint32_t hotkey)
{
	const struct dn_dist_hotkey *h = &s->hotkeys[hotkey];
	u96f32 remaining = U96_ONE;
	for (uint32_t i = 0; i < h->nchildren; i++)
		remaining = u96_sub(remaining, dn_dist_u64_fraction(h->children[i].proportion));
	u96f32 tw = dn_dist_u64_fraction(s->tao_weight);
	u96f32 alpha_c = u96_mul(u96(h->alpha), remaining);
	u96f32 root_c = u96_mul(u96_mul(u96(h->root), remaining), tw);
	return u96_to_u64(u96_add(alpha_c, root_c));
}

/* subtensor coinbase/run_coinbase.rs get_parent_child_dividends_distribution. */
int dn_dist_parent_child(const struct dn_dist_subnet *s, uint32_t hotkey, uint64_t dividend,
			 struct dn_dist_share *out, size_t *nout, uint64_t *ck_burned)
{
	if (!s || !out || !nout || hotkey >= s->nhotkeys)
		return DN_DIST_EINVAL;
	const struct dn_dist_hotkey *h = &s->hotkeys[hotkey];
	for (uint32_t i = 0; i < h->nparents; i++)
		if (h->parents[i].hotkey >= s->nhotkeys)
			return DN_DIST_EINVAL;
	u96f32 validating = u96(dividend), remaining = validating;
	u96f32 burn_prop = dn_dist_u64_fraction(s->ck_burn);
	u96f32 take_prop = dn_dist_u16_fraction(h->childkey_take);
	u96f32 tw = dn_dist_u64_fraction(s->tao_weight);
	u96f32 total_child_take = 0;
	uint64_t burned = 0;
	/* the self contribution counts in the total, floored to u64 first */
	u96f32 total = u96(dn_dist_self_contribution(s, hotkey));
	for (uint32_t i = 0; i < h->nparents; i++) {
		const struct dn_dist_hotkey *p = &s->hotkeys[h->parents[i].hotkey];
		u96f32 prop = dn_dist_u64_fraction(h->parents[i].proportion);
		u96f32 c = u96_add(u96_mul(u96(p->alpha), prop),
				   u96_mul(u96_mul(u96(p->root), prop), tw));
		total = u96_add(total, c);
	}
	size_t k = 0;
	for (uint32_t i = 0; i < h->nparents; i++) {
		const struct dn_dist_hotkey *p = &s->hotkeys[h->parents[i].hotkey];
		u96f32 prop = dn_dist_u64_fraction(h->parents[i].proportion);
		u96f32 c = u96_add(u96_mul(u96(p->alpha), prop),
				   u96_mul(u96_mul(u96(p->root), prop), tw));
		u96f32 emission = u96_mul(validating, u96_div0(c, total));
		remaining = u96_sub(remaining, emission);
		if (p->coldkey != h->coldkey) {
			/* a foreign coldkey loses the CK burn and the childkey take */
			u96f32 burn = u96_mul(burn_prop, emission);
			u96f32 take = u96_mul(take_prop, emission);
			emission = u96_sub(u96_sub(emission, burn), take);
			total_child_take = u96_add(total_child_take, take);
			burned = sat_add_u64(burned, u96_to_u64(burn));
		}
		out[k].hotkey = h->parents[i].hotkey;
		out[k].amount = u96_to_u64(emission);
		k++;
	}
	out[k].hotkey = hotkey;
	out[k].amount = u96_to_u64(u96_add(remaining, total_child_take));
	*nout = k + 1;
	if (ck_burned)
		*ck_burned = burned;
	return 0;
}

/* subtensor coinbase/run_coinbase.rs calculate_dividend_distribution. */
void dn_dist_dividend_split(uint64_t validator_pool, uint64_t root_pool, dn_u128 tao_weight,
			    size_t n, const uint64_t *alpha_stake, const uint64_t *root_stake,
			    const dn_u128 *dividend, dn_u128 *alpha_out, dn_u128 *root_out)
{
	u96f32 total_root = 0, total_alpha = 0;
	for (size_t i = 0; i < n; i++) {
		u96f32 root_alpha = u96_mul(u96(root_stake[i]), tao_weight);
		u96f32 total = u96_add(u96(alpha_stake[i]), root_alpha);
		u96f32 root_prop = u96_div0(root_alpha, total);
		u96f32 root_divs = u96_mul(dividend[i], root_prop);
		u96f32 alpha_divs = u96_sub(dividend[i], root_divs);
		/* held temporarily in the outputs */
		alpha_out[i] = alpha_divs;
		root_out[i] = root_divs;
		total_alpha = u96_add(total_alpha, alpha_divs);
		total_root = u96_add(total_root, root_divs);
	}
	for (size_t i = 0; i < n; i++) {
		root_out[i] = u96_mul(u96(root_pool), u96_div0(root_out[i], total_root));
		alpha_out[i] = u96_mul(u96(validator_pool), u96_div0(alpha_out[i], total_alpha));
	}
}

/* subtensor coinbase/run_coinbase.rs get_owner_hotkeys: membership only
 * (its ordering matters for nothing the distribution does). */
void dn_dist_owner_hotkeys(const struct dn_dist_subnet *s, bool *flags)
{
	memset(flags, 0, sizeof(bool) * s->nhotkeys);
	for (uint32_t u = 0; u < s->n; u++) {
		uint32_t h = s->uid_hotkey[u];
		if (h >= s->nhotkeys)
			continue;
		if ((s->owner_coldkey != DN_DIST_NONE &&
		     s->hotkeys[h].coldkey == s->owner_coldkey) ||
		    h == s->owner_hotkey)
			flags[h] = true;
	}
}

/* ---- workspace --------------------------------------------------------- */

struct dn_dist {
	struct dn_dist_result r;
	uint32_t cap; /* hotkeys the per-hotkey arrays hold */
	size_t paycap;
	struct dn_dist_share *shares;
	size_t sharecap;
	uint64_t *stake_a, *stake_r; /* dividend_split's inputs, compacted */
	dn_u128 *div_c, *alpha_c, *root_c;
	uint32_t *idx;
	bool *seen; /* check_subnet's scratch */
};

struct dn_dist *dn_dist_new(void) { return xcalloc(1, sizeof(struct dn_dist)); }

void dn_dist_free(struct dn_dist *ws)
{
	if (!ws)
		return;
	struct dn_dist_result *r = &ws->r;
	free(r->incentive);
	free(r->has_incentive);
	free(r->withheld);
	free(r->dividend);
	free(r->has_dividend);
	free(r->alpha_div);
	free(r->root_div);
	free(r->alpha_take);
	free(r->alpha_dividends);
	free(r->root_take);
	free(r->root_alpha_dividends);
	free(r->claim_rate);
	free(r->root_fallback);
	free(r->pay);
	free(ws->shares);
	free(ws->stake_a);
	free(ws->stake_r);
	free(ws->div_c);
	free(ws->alpha_c);
	free(ws->root_c);
	free(ws->idx);
	free(ws->seen);
	free(ws);
}

#define GROW(p, n) ((p) = xreallocarray((p), (n) ? (n) : 1, sizeof(*(p))))

static void reserve(struct dn_dist *ws, uint32_t nh, size_t maxparents)
{
	struct dn_dist_result *r = &ws->r;
	if (nh > ws->cap) {
		GROW(r->incentive, nh);
		GROW(r->has_incentive, nh);
		GROW(r->withheld, nh);
		GROW(r->dividend, nh);
		GROW(r->has_dividend, nh);
		GROW(r->alpha_div, nh);
		GROW(r->root_div, nh);
		GROW(r->alpha_take, nh);
		GROW(r->alpha_dividends, nh);
		GROW(r->root_take, nh);
		GROW(r->root_alpha_dividends, nh);
		GROW(r->claim_rate, nh);
		GROW(r->root_fallback, nh);
		GROW(ws->stake_a, nh);
		GROW(ws->stake_r, nh);
		GROW(ws->div_c, nh);
		GROW(ws->alpha_c, nh);
		GROW(ws->root_c, nh);
		GROW(ws->idx, nh);
		GROW(ws->seen, nh);
		ws->cap = nh;
	}
	if (maxparents + 1 > ws->sharecap) {
		ws->sharecap = maxparents + 1;
		GROW(ws->shares, ws->sharecap);
	}
}

static void pay(struct dn_dist *ws, enum dn_pay_kind kind, uint32_t hotkey, uint32_t coldkey,
		uint64_t amount, dn_i128 rate)
{
	struct dn_dist_result *r = &ws->r;
	if (amount == 0 && kind != DN_PAY_ROOT_CLAIMABLE)
		return; /* increasing a stake by 0 changes nothing */
	if (r->npay == ws->paycap) {
		ws->paycap = ws->paycap ? 2 * ws->paycap : 64;
		GROW(r->pay, ws->paycap);
	}
	r->pay[r->npay++] = (struct dn_payment){kind, hotkey, coldkey, amount, rate};
}

static int bad(struct dn_dist_err *err, const char *field, uint32_t index)
{
	if (err) {
		err->code = DN_DIST_EINVAL;
		err->field = field;
		err->index = index;
	}
	return DN_DIST_EINVAL;
}

/* Every index the run follows must be in range, and no two uids may share
 * a hotkey (the chain skips such an epoch: is_epoch_input_state_consistent). */
static int check_subnet(struct dn_dist *ws, const struct dn_dist_subnet *s, struct dn_dist_err *err)
{
	size_t maxparents = 0;
	if (!s || (s->n && !s->uid_hotkey) || (s->nhotkeys && !s->hotkeys))
		return bad(err, "argument", UINT32_MAX);
	if (s->owner_hotkey != DN_DIST_NONE && s->owner_hotkey >= s->nhotkeys)
		return bad(err, "owner_hotkey", s->owner_hotkey);
	for (uint32_t h = 0; h < s->nhotkeys; h++) {
		const struct dn_dist_hotkey *k = &s->hotkeys[h];
		if ((k->nchildren && !k->children) || (k->nparents && !k->parents))
			return bad(err, "hotkeys.links", h);
		for (uint32_t i = 0; i < k->nchildren; i++)
			if (k->children[i].hotkey >= s->nhotkeys)
				return bad(err, "hotkeys.children", h);
		for (uint32_t i = 0; i < k->nparents; i++)
			if (k->parents[i].hotkey >= s->nhotkeys)
				return bad(err, "hotkeys.parents", h);
		if (k->nparents > maxparents)
			maxparents = k->nparents;
	}
	if (s->autostake)
		for (uint32_t c = 0; c < s->ncoldkeys; c++)
			if (s->autostake[c] != DN_DIST_NONE && s->autostake[c] >= s->nhotkeys)
				return bad(err, "autostake", c);
	reserve(ws, s->nhotkeys, maxparents);
	bool *seen = ws->seen;
	memset(seen, 0, sizeof(bool) * s->nhotkeys);
	for (uint32_t u = 0; u < s->n; u++) {
		uint32_t h = s->uid_hotkey[u];
		if (h == DN_DIST_NONE)
			continue;
		if (h >= s->nhotkeys || seen[h])
			return bad(err, "uid_hotkey", u);
		seen[h] = true;
	}
	return 0;
}

static void clear_result(struct dn_dist_result *r, uint32_t nh)
{
	r->nhotkeys = nh;
	r->npay = 0;
	memset(r->incentive, 0, sizeof(uint64_t) * nh);
	memset(r->has_incentive, 0, sizeof(bool) * nh);
	memset(r->dividend, 0, sizeof(dn_u128) * nh);
	memset(r->has_dividend, 0, sizeof(bool) * nh);
	memset(r->alpha_div, 0, sizeof(dn_u128) * nh);
	memset(r->root_div, 0, sizeof(dn_u128) * nh);
	memset(r->alpha_take, 0, sizeof(uint64_t) * nh);
	memset(r->alpha_dividends, 0, sizeof(uint64_t) * nh);
	memset(r->root_take, 0, sizeof(uint64_t) * nh);
	memset(r->root_alpha_dividends, 0, sizeof(uint64_t) * nh);
	memset(r->claim_rate, 0, sizeof(dn_i128) * nh);
	memset(r->root_fallback, 0, sizeof(bool) * nh);
	r->incentive_sum = r->validator_pool = r->root_pool = 0;
	r->miner_burned = 0;
	r->staked = r->claimable = r->burned = r->recycled = r->ck_burned = 0;
}

/* subtensor coinbase/run_coinbase.rs distribute_dividends_and_incentives on
 * the maps held in ws->r (incentive, alpha_div, root_div and their key
 * flags); adds to the totals already there. */
static void pay_all(struct dn_dist *ws, const struct dn_dist_subnet *s, uint64_t owner_cut)
{
	struct dn_dist_result *r = &ws->r;
	uint32_t nh = s->nhotkeys;

	/* 1. the owner cut, if the subnet has both an owner coldkey and an
	 * owner hotkey (lease and auto-lock hooks are not modelled) */
	if (s->owner_coldkey != DN_DIST_NONE && s->owner_hotkey != DN_DIST_NONE) {
		pay(ws, DN_PAY_OWNER_CUT, s->owner_hotkey, s->owner_coldkey, owner_cut, 0);
		r->staked += owner_cut;
	}

	/* 2. incentives: the owner's hotkeys' are withheld (burned unless the
	 * subnet says recycle), the others staked to the auto-stake
	 * destination of the miner's coldkey or to the miner itself */
	dn_dist_owner_hotkeys(s, r->withheld);
	uint64_t total_inc = 0, withheld = 0;
	for (uint32_t h = 0; h < nh; h++) {
		if (!r->has_incentive[h]) {
			r->withheld[h] = false;
			continue;
		}
		uint64_t inc = r->incentive[h];
		uint32_t ck = s->hotkeys[h].coldkey;
		total_inc = sat_add_u64(total_inc, inc);
		if (r->withheld[h]) {
			withheld = sat_add_u64(withheld, inc);
			if (s->recycle_owner_incentive) {
				pay(ws, DN_PAY_INCENTIVE_RECYCLE, h, DN_DIST_NONE, inc, 0);
				r->recycled += inc;
			} else {
				pay(ws, DN_PAY_INCENTIVE_BURN, h, DN_DIST_NONE, inc, 0);
				r->burned += inc;
			}
			continue;
		}
		uint32_t dest = h;
		if (s->autostake && ck < s->ncoldkeys && s->autostake[ck] != DN_DIST_NONE)
			dest = s->autostake[ck];
		pay(ws, DN_PAY_INCENTIVE, dest, ck, inc, 0);
		r->staked += inc;
	}
	/* MinerBurned: the withheld share of this epoch's miner emission */
	r->miner_burned = u96_div0(u96(withheld), u96(total_inc));

	/* 3. alpha dividends: the delegate take to the hotkey's owner, the
	 * rest to all its stakers */
	for (uint32_t h = 0; h < nh; h++) {
		if (!r->has_dividend[h])
			continue;
		const struct dn_dist_hotkey *k = &s->hotkeys[h];
		u96f32 take = u96_mul(dn_dist_u16_fraction(k->take), r->alpha_div[h]);
		u96f32 rest = u96_sub(r->alpha_div[h], take);
		r->alpha_take[h] = u96_to_u64(take);
		r->alpha_dividends[h] = u96_to_u64(rest);
		pay(ws, DN_PAY_ALPHA_TAKE, h, k->coldkey, r->alpha_take[h], 0);
		pay(ws, DN_PAY_ALPHA_NOMINATORS, h, DN_DIST_NONE, r->alpha_dividends[h], 0);
		r->staked += r->alpha_take[h];
		r->staked += r->alpha_dividends[h];
	}

	/* 4. root alpha dividends: the same take in alpha, the rest claimable
	 * by the hotkey's root stakers (increase_root_claimable_for_hotkey_
	 * and_subnet: a rate per rao of root stake, or, if the amount exceeds
	 * the root stake, staked to the owner) */
	for (uint32_t h = 0; h < nh; h++) {
		if (!r->has_dividend[h])
			continue;
		const struct dn_dist_hotkey *k = &s->hotkeys[h];
		u96f32 take = u96_mul(dn_dist_u16_fraction(k->take), r->root_div[h]);
		u96f32 rest = u96_sub(r->root_div[h], take);
		uint64_t amount = u96_to_u64(rest);
		r->root_take[h] = u96_to_u64(take);
		pay(ws, DN_PAY_ROOT_TAKE, h, k->coldkey, r->root_take[h], 0);
		r->staked += r->root_take[h];
		if (amount > k->root) {
			r->root_fallback[h] = true;
			pay(ws, DN_PAY_ROOT_FALLBACK, h, k->coldkey, amount, 0);
			r->staked += amount;
		} else {
			dn_i128 rate;
			if (!dn_fx128_checked_div((dn_i128)amount << 32, (dn_i128)k->root << 32, 32,
						  &rate))
				rate = 0;
			r->claim_rate[h] = rate;
			pay(ws, DN_PAY_ROOT_CLAIMABLE, h, DN_DIST_NONE, amount, rate);
			r->claimable += amount;
		}
		r->root_alpha_dividends[h] = amount;
	}
	r->undistributed =
		(dn_i128)r->drained - (dn_i128)(r->staked + r->claimable + r->burned + r->recycled);
}

/* subtensor coinbase/run_coinbase.rs distribute_emission (after the epoch)
 * and calculate_dividend_and_incentive_distribution, then the payments. */
int dn_dist_run(struct dn_dist *ws, const struct dn_dist_subnet *s, const uint64_t *server,
		const uint64_t *validator, const struct dn_dist_drain *drain,
		const struct dn_dist_result **out, struct dn_dist_err *err)
{
	if (!ws || !out || !drain || (s && s->n && (!server || !validator)))
		return bad(err, "argument", UINT32_MAX);
	int rc = check_subnet(ws, s, err);
	if (rc)
		return rc;
	struct dn_dist_result *r = &ws->r;
	uint32_t nh = s->nhotkeys;
	clear_result(r, nh);

	/* calculate_dividends_and_incentives: incentives summed per hotkey,
	 * every dividend split between parents and the hotkey (the CK burn
	 * is recycled right there) */
	uint64_t incentive_sum = 0;
	for (uint32_t u = 0; u < s->n; u++) {
		uint32_t h = s->uid_hotkey[u];
		if (h == DN_DIST_NONE)
			continue;
		incentive_sum = sat_add_u64(incentive_sum, server[u]);
		r->incentive[h] = sat_add_u64(r->incentive[h], server[u]);
		r->has_incentive[h] = true;
		size_t ns;
		uint64_t ck;
		dn_dist_parent_child(s, h, validator[u], ws->shares, &ns, &ck);
		for (size_t i = 0; i < ns; i++) {
			uint32_t p = ws->shares[i].hotkey;
			r->dividend[p] = u96_add(r->dividend[p], u96(ws->shares[i].amount));
			r->has_dividend[p] = true;
		}
		if (ck) {
			pay(ws, DN_PAY_CK_BURN, h, DN_DIST_NONE, ck, 0);
			r->ck_burned += ck;
		}
	}

	/* distribute_emission: "If the incentive is 0, then Alpha Validators
	 * get both the server and validator alpha" */
	r->incentive_sum = incentive_sum;
	r->validator_pool = incentive_sum != 0 ? drain->validator
					       : sat_add_u64(drain->validator, drain->server);
	r->root_pool = drain->root;

	/* calculate_dividend_distribution over the dividend keys, with each
	 * key's own stake (get_stake_map) */
	size_t nd = 0;
	for (uint32_t h = 0; h < nh; h++) {
		if (!r->has_dividend[h])
			continue;
		ws->idx[nd] = h;
		ws->stake_a[nd] = s->hotkeys[h].alpha;
		ws->stake_r[nd] = s->hotkeys[h].root;
		ws->div_c[nd] = r->dividend[h];
		nd++;
	}
	dn_dist_dividend_split(r->validator_pool, r->root_pool, dn_dist_u64_fraction(s->tao_weight),
			       nd, ws->stake_a, ws->stake_r, ws->div_c, ws->alpha_c, ws->root_c);
	for (size_t i = 0; i < nd; i++) {
		r->alpha_div[ws->idx[i]] = ws->alpha_c[i];
		r->root_div[ws->idx[i]] = ws->root_c[i];
	}

	r->drained = (dn_u128)drain->server + drain->validator + drain->root + drain->owner_cut;
	pay_all(ws, s, drain->owner_cut);
	*out = r;
	return 0;
}

/* subtensor coinbase/run_coinbase.rs distribute_dividends_and_incentives
 * on maps the caller gives. */
int dn_dist_pay(struct dn_dist *ws, const struct dn_dist_subnet *s, uint64_t owner_cut,
		const uint64_t *incentive, const bool *has_incentive, const dn_u128 *alpha_div,
		const dn_u128 *root_div, const bool *has_dividend,
		const struct dn_dist_result **out, struct dn_dist_err *err)
{
	if (!ws || !out ||
	    (s && s->nhotkeys &&
	     (!incentive || !has_incentive || !alpha_div || !root_div || !has_dividend)))
		return bad(err, "argument", UINT32_MAX);
	int rc = check_subnet(ws, s, err);
	if (rc)
		return rc;
	struct dn_dist_result *r = &ws->r;
	uint32_t nh = s->nhotkeys;
	clear_result(r, nh);
	dn_u128 drained = owner_cut;
	for (uint32_t h = 0; h < nh; h++) {
		r->has_incentive[h] = has_incentive[h];
		r->incentive[h] = has_incentive[h] ? incentive[h] : 0;
		r->has_dividend[h] = has_dividend[h];
		r->alpha_div[h] = has_dividend[h] ? alpha_div[h] : 0;
		r->root_div[h] = has_dividend[h] ? root_div[h] : 0;
		drained += r->incentive[h];
		drained += u96_to_u64(r->alpha_div[h]);
		drained += u96_to_u64(r->root_div[h]);
	}
	r->drained = drained;
	pay_all(ws, s, owner_cut);
	*out = r;
	return 0;
}
