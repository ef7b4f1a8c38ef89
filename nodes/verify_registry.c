/*
 * Checkers for the dTAO records of subnet and neuron registration: lock
 * cost, pool seeding at the median price, neuron burn, UID and subnet
 * pruning (devnet/burn.h, devnet/registry.h).
 *
 * The records come from the chain's unit tests, which run on the test
 * runtime (pallets/subtensor/src/tests/mock.rs): its constants are the
 * defaults here (min burn 500 000, max burn 1 TAO, min lock 100 TAO, lock
 * reduction interval 2, TAO block emission 1 TAO). Some records describe
 * their scenario in words; the checker rebuilds the test's scenario from
 * its test_fn and says so in a comment.
 */
#include "devnet/burn.h"
#include "devnet/registry.h"
#include "nodes/verify.h"

#include <string.h>

/* test runtime (mock.rs) values */
#define MOCK_MIN_BURN 500000ULL
#define MOCK_MAX_BURN 1000000000ULL
#define MOCK_MIN_LOCK 100000000000ULL
#define MOCK_LOCK_INTERVAL 2ULL
#define MOCK_BLOCK_EMISSION 1000000000ULL
#define MOCK_NETWORK_IMMUNITY 1296000ULL

/* ---- small readers and comparators ------------------------------------- */

/* An optional unsigned integer: the first of `paths` present, else dflt. */
static uint64_t opt_u64(struct nd_vrec *r, const char *const *paths, uint64_t dflt)
{
	for (; *paths; paths++) {
		json_t *n = nd_vget(r->json, *paths);
		if (n && !json_is_null(n)) {
			uint64_t v = dflt;
			nd_vu64_node(r, n, *paths, &v);
			return v;
		}
	}
	return dflt;
}

static const char *test_fn(struct nd_vrec *r)
{
	const char *fn = nd_vstr(r, "test_fn");
	return fn ? fn : "";
}

/* A U64F64 multiplier given as an integer (the records' `mult`). */
static dn_u64f64 u64f64_int(uint64_t v) { return (dn_u64f64)v << 64; }

static int cmp_u64(struct nd_vout *o, const char *what, uint64_t got, uint64_t want)
{
	return nd_vcmp_int(o, what, (dn_i128)got, (dn_i128)want);
}

/* ---- neuron_burn ------------------------------------------------------- */

static void burn_params(struct nd_vrec *r, struct dn_burn_params *p)
{
	static const char *const minp[] = {"inputs.min_burn", "params.min_burn", NULL};
	static const char *const maxp[] = {"inputs.max_burn", "params.max_burn", NULL};
	static const char *const hlp[] = {"inputs.BurnHalfLife", "params.BurnHalfLife", NULL};
	static const char *const multp[] = {"inputs.BurnIncreaseMult", "inputs.mult", NULL};
	p->min_burn = opt_u64(r, minp, MOCK_MIN_BURN);
	p->max_burn = opt_u64(r, maxp, MOCK_MAX_BURN);
	uint64_t hl = opt_u64(r, hlp, 0);
	if (hl > UINT16_MAX)
		nd_vbad(r, "inputs.BurnHalfLife", "%llu does not fit in u16",
			(unsigned long long)hl);
	p->half_life = (uint16_t)hl;
	p->increase_mult = u64f64_int(opt_u64(r, multp, 1));
}

/* test_init_new_network_registration_defaults: what init_new_network and
 * the storage defaults give a new subnet. */
static enum nd_vstatus burn_defaults(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t hl, burn;
	json_t *mult = nd_vneed(r, "expected.BurnIncreaseMult");
	nd_vu64(r, "expected.BurnHalfLife", &hl);
	nd_vu64(r, "expected.Burn", &burn);
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_number(mult)) {
		nd_vbad(r, "expected.BurnIncreaseMult", "expected a number");
		return ND_V_FAIL;
	}
	struct dn_burn_params p;
	dn_burn_params_default(&p);
	/* the chain's default is U64F64::from_num(1.26): the binary64 literal */
	dn_i128 want_mult = dn_fx128_from_f64(json_number_value(mult), 64);
	int bad = cmp_u64(o, "BurnHalfLife", p.half_life, hl);
	bad += nd_vcmp_int(o, "BurnIncreaseMult (U64F64 bits)", (dn_i128)p.increase_mult,
			   want_mult);
	bad += cmp_u64(o, "Burn", DN_BURN_INITIAL, burn);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* Runs `blocks` block steps from block `from` + 1 on. */
static void burn_blocks(const struct dn_burn_params *p, struct dn_burn_state *s, uint64_t from,
			uint64_t blocks)
{
	uint64_t f = dn_burn_decay_factor_q32(p->half_life);
	for (uint64_t b = 1; b <= blocks; b++)
		dn_burn_on_block(p, f, s, from + b);
}

/* test_burn_decay: a registration doubles the price, the next block
 * decays it once (hl 1000). */
static enum nd_vstatus burn_decay(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, after_reg, next;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	nd_vu64(r, "expected.burn_after_registration", &after_reg);
	nd_vu64(r, "expected.burn_next_block", &next);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_burn_state s = {burn, 0, 0};
	dn_burn_register(&p, &s, false);
	int bad = cmp_u64(o, "burn_after_registration", s.burn, after_reg);
	burn_blocks(&p, &s, 1, 1);
	bad += cmp_u64(o, "burn_next_block", s.burn, next);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_burn_halves_every_half_life: decay only. */
static enum nd_vstatus burn_halves(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, two, four;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	nd_vu64(r, "expected.burn_after_2_blocks", &two);
	nd_vu64(r, "expected.burn_after_4_blocks", &four);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_burn_state s = {burn, 0, 0};
	burn_blocks(&p, &s, 1, 2);
	int bad = cmp_u64(o, "burn_after_2_blocks", s.burn, two);
	burn_blocks(&p, &s, 3, 2);
	bad += cmp_u64(o, "burn_after_4_blocks", s.burn, four);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_burn_min_and_max_clamps_prevent_zero_stuck_and_cap_bump: block,
 * registration, block, block. */
static enum nd_vstatus burn_clamps(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, w1, w2, w3, w4;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	nd_vu64(r, "expected.after_1_block", &w1);
	nd_vu64(r, "expected.after_registration", &w2);
	nd_vu64(r, "expected.after_next_block", &w3);
	nd_vu64(r, "expected.after_another_block", &w4);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_burn_state s = {burn, 0, 0};
	burn_blocks(&p, &s, 1, 1);
	int bad = cmp_u64(o, "after_1_block", s.burn, w1);
	dn_burn_register(&p, &s, false);
	bad += cmp_u64(o, "after_registration", s.burn, w2);
	burn_blocks(&p, &s, 2, 1);
	bad += cmp_u64(o, "after_next_block", s.burn, w3);
	burn_blocks(&p, &s, 3, 1);
	bad += cmp_u64(o, "after_another_block", s.burn, w4);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_bump_registration_price_after_registration_applies_multiplier_immediately */
static enum nd_vstatus burn_bump(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, want;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	nd_vu64(r, "expected.burn", &want);
	if (r->bad)
		return ND_V_FAIL;
	return cmp_u64(o, "burn", dn_burn_bumped(&p, burn, false), want) ? ND_V_FAIL : ND_V_PASS;
}

/* test_update_registration_prices_for_networks_runs_on_next_block_step */
static enum nd_vstatus burn_one_block(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, regs, want, want_regs;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	nd_vu64(r, "inputs.RegistrationsThisBlock", &regs);
	nd_vu64(r, "expected.burn_next_block", &want);
	nd_vu64(r, "expected.RegistrationsThisBlock_next_block", &want_regs);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_burn_state s = {burn, (uint16_t)(regs > UINT16_MAX ? UINT16_MAX : regs), 0};
	burn_blocks(&p, &s, 1, 1);
	int bad = cmp_u64(o, "burn_next_block", s.burn, want);
	bad += cmp_u64(o, "RegistrationsThisBlock_next_block", s.registrations_this_block,
		       want_regs);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_registration_increases_recycled_rao_per_subnet: a relation
 * (recycled = burn1 + burn2, each read before its registration); checked
 * with a registration, a block, and another registration. */
static enum nd_vstatus burn_recycled(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn;
	burn_params(r, &p);
	nd_vu64(r, "inputs.burn", &burn);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_burn_state s = {burn, 0, 0};
	uint64_t b1 = s.burn, paid1 = dn_burn_register(&p, &s, false);
	burn_blocks(&p, &s, 1, 1);
	uint64_t b2 = s.burn, paid2 = dn_burn_register(&p, &s, false);
	int bad = cmp_u64(o, "burn paid by registration 1", paid1, b1);
	bad += cmp_u64(o, "burn paid by registration 2", paid2, b2);
	bad += cmp_u64(o, "RAORecycledForRegistration", s.recycled, b1 + b2);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_update_registration_prices_for_networks_many_half_lives_over_
 * thousands_of_blocks: the decay factor and the price after n blocks. */
static enum nd_vstatus burn_many_blocks(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, factor;
	static const char *const startp[] = {"params.start_block", NULL};
	burn_params(r, &p);
	nd_vu64(r, "inputs.initial_burn", &burn);
	nd_vu64(r, "expected.decay_factor_q32", &factor);
	json_t *map = nd_vneed(r, "expected.burn_after_n_blocks");
	uint64_t start = opt_u64(r, startp, 1);
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_object(map)) {
		nd_vbad(r, "expected.burn_after_n_blocks", "expected an object");
		return ND_V_FAIL;
	}
	/* the checkpoints, ascending */
	size_t n = json_object_size(map), k = 0;
	uint64_t *at = nd_valloc(r, n, sizeof(uint64_t)), *want = nd_valloc(r, n, sizeof(uint64_t));
	const char *key;
	json_t *v;
	json_object_foreach(map, key, v)
	{
		char path[128];
		snprintf(path, sizeof(path), "expected.burn_after_n_blocks.%s", key);
		char *end;
		unsigned long long b = strtoull(key, &end, 10);
		if (*key == '\0' || *end != '\0') {
			nd_vbad(r, path, "the key is not a block count");
			return ND_V_FAIL;
		}
		if (nd_vu64_node(r, v, path, &want[k]))
			return ND_V_FAIL;
		at[k++] = b;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && at[j - 1] > at[j]; j--) {
			uint64_t t = at[j];
			at[j] = at[j - 1];
			at[j - 1] = t;
			t = want[j];
			want[j] = want[j - 1];
			want[j - 1] = t;
		}
	uint64_t f = dn_burn_decay_factor_q32(p.half_life);
	int bad = cmp_u64(o, "decay_factor_q32", f, factor);
	struct dn_burn_state s = {burn, 0, 0};
	uint64_t done = 0;
	for (size_t i = 0; i < n; i++) {
		for (; done < at[i]; done++)
			dn_burn_on_block(&p, f, &s, start + done + 1);
		char what[64];
		snprintf(what, sizeof(what), "burn after %llu blocks", (unsigned long long)at[i]);
		bad += cmp_u64(o, what, s.burn, want[i]);
	}
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_burned_register_immediately_bumps_price_many_multipliers_and_same_
 * block_registrations: registrations in one block, no decay. */
static enum nd_vstatus burn_same_block(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_burn_params p;
	uint64_t burn, regs, after, recycled, subnet_n;
	uint64_t *paid_want;
	size_t npaid;
	burn_params(r, &p);
	p.half_life = 0;
	nd_vu64(r, "inputs.initial_burn", &burn);
	nd_vu64(r, "inputs.registrations", &regs);
	nd_vu64_vec(r, "expected.burn_paid_sequence", &paid_want, &npaid);
	nd_vu64(r, "expected.burn_after_last", &after);
	nd_vu64(r, "expected.RAORecycledForRegistration", &recycled);
	nd_vu64(r, "expected.SubnetworkN", &subnet_n);
	if (r->bad)
		return ND_V_FAIL;
	if (regs > 65535) {
		nd_vbad(r, "inputs.registrations", "more than 65535 registrations");
		return ND_V_FAIL;
	}
	struct dn_burn_state s = {burn, 0, 0};
	int64_t *got = nd_valloc(r, regs, sizeof(int64_t));
	int64_t *want = nd_valloc(r, npaid, sizeof(int64_t));
	for (size_t i = 0; i < npaid; i++)
		want[i] = (int64_t)paid_want[i];
	for (uint64_t i = 0; i < regs; i++)
		got[i] = (int64_t)dn_burn_register(&p, &s, false);
	int bad = nd_vcmp_int_vec(o, "burn_paid_sequence", got, regs, want, npaid);
	bad += cmp_u64(o, "burn_after_last", s.burn, after);
	bad += cmp_u64(o, "RAORecycledForRegistration", s.recycled, recycled);
	/* every registration appends a uid (the subnet is far from full) */
	bad += cmp_u64(o, "SubnetworkN", regs, subnet_n);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

static const struct {
	const char *test_fn;
	nd_vcheck check;
} burn_tests[] = {
	{"test_init_new_network_registration_defaults", burn_defaults},
	{"test_burn_decay", burn_decay},
	{"test_burn_halves_every_half_life", burn_halves},
	{"test_burn_min_and_max_clamps_prevent_zero_stuck_and_cap_bump", burn_clamps},
	{"test_bump_registration_price_after_registration_applies_multiplier_immediately",
	 burn_bump},
	{"test_update_registration_prices_for_networks_runs_on_next_block_step", burn_one_block},
	{"test_registration_increases_recycled_rao_per_subnet", burn_recycled},
	{"test_update_registration_prices_for_networks_many_half_lives_over_thousands_of_blocks",
	 burn_many_blocks},
	{"test_burned_register_immediately_bumps_price_many_multipliers_and_same_block_"
	 "registrations",
	 burn_same_block},
};

static enum nd_vstatus dispatch(struct nd_vrec *r, struct nd_vout *o, const char *kind,
				const char *const *names, const nd_vcheck *checks, size_t n)
{
	const char *fn = test_fn(r);
	for (size_t i = 0; i < n; i++)
		if (strcmp(fn, names[i]) == 0)
			return checks[i](r, o);
	nd_vout_printf(o, "%s record from test '%s': no scenario for it in taodev", kind, fn);
	return ND_V_SKIP;
}

static enum nd_vstatus check_neuron_burn(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = test_fn(r);
	for (size_t i = 0; i < sizeof(burn_tests) / sizeof(burn_tests[0]); i++)
		if (strcmp(fn, burn_tests[i].test_fn) == 0)
			return burn_tests[i].check(r, o);
	nd_vout_printf(o, "neuron_burn record from test '%s': no scenario for it in taodev", fn);
	return ND_V_SKIP;
}

/* ---- neuron_pruning ---------------------------------------------------- */

static void prune_params(struct nd_vrec *r, struct dn_prune_params *p)
{
	static const char *const imm[] = {"params.ImmunityPeriod", NULL};
	static const char *const mni[] = {"params.MinNonImmuneUids", NULL};
	static const char *const lim[] = {"inputs.ImmuneOwnerUidsLimit",
					  "params.ImmuneOwnerUidsLimit", NULL};
	dn_prune_params_default(p);
	uint64_t v = opt_u64(r, imm, p->immunity_period);
	p->immunity_period = (uint16_t)(v > UINT16_MAX ? UINT16_MAX : v);
	v = opt_u64(r, mni, p->min_non_immune);
	p->min_non_immune = (uint16_t)(v > UINT16_MAX ? UINT16_MAX : v);
	v = opt_u64(r, lim, p->immune_owner_limit);
	p->immune_owner_limit = (uint16_t)(v > UINT16_MAX ? UINT16_MAX : v);
}

/* test_registration_get_uid_to_prune_{all,none}_in_immunity_period: plain
 * uids (no owner among them), reg_blocks and emission given. */
static enum nd_vstatus prune_plain(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_prune_params p;
	uint64_t now, want, *reg, *em;
	size_t nreg, nem;
	prune_params(r, &p);
	nd_vu64(r, "inputs.current_block", &now);
	nd_vu64_vec(r, "inputs.reg_blocks", &reg, &nreg);
	nd_vu64_vec(r, "inputs.emission", &em, &nem);
	nd_vu64(r, "expected.uid_to_prune", &want);
	if (r->bad)
		return ND_V_FAIL;
	if (nreg != nem || nreg > 65535) {
		nd_vbad(r, "inputs.emission", "expected one entry per uid (%zu)", nreg);
		return ND_V_FAIL;
	}
	struct dn_prune_uid *u = nd_valloc(r, nreg, sizeof(*u));
	for (size_t i = 0; i < nreg; i++)
		u[i] = (struct dn_prune_uid){em[i], reg[i], true, false};
	uint16_t got;
	if (!dn_neuron_to_prune(&p, u, (uint16_t)nreg, -1, now, &got)) {
		nd_vout_printf(o, "uid_to_prune: expected %llu, got none",
			       (unsigned long long)want);
		return ND_V_FAIL;
	}
	return cmp_u64(o, "uid_to_prune", got, want) ? ND_V_FAIL : ND_V_PASS;
}

/* test_registration_get_uid_to_prune_owner_immortality(_all_immune): uid 0
 * is the subnet owner hotkey, uid 1 a second hotkey of the owner coldkey,
 * uid 2 someone else's. The first test registers uid 1 at block 1 and uid
 * 2 at block 2 and steps 10 blocks past an immunity of 1 (all non-immune);
 * the second sets reg_blocks and stays inside an immunity of 100 at block
 * 21. Where a record names the roles (inputs.uids) they are read from it. */
static enum nd_vstatus prune_owner(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_prune_params p;
	uint64_t want, *em, *reg = NULL;
	size_t nem, nreg = 0;
	prune_params(r, &p);
	nd_vu64_vec(r, "inputs.emission", &em, &nem);
	nd_vu64(r, "expected.uid_to_prune", &want);
	if (nd_vget(r->json, "inputs.reg_blocks"))
		nd_vu64_vec(r, "inputs.reg_blocks", &reg, &nreg);
	if (r->bad)
		return ND_V_FAIL;
	if (nem != 3 || (reg && nreg != 3)) {
		nd_vbad(r, "inputs.emission", "the owner-immortality scenario has 3 uids");
		return ND_V_FAIL;
	}
	struct dn_prune_uid u[3] = {
		{em[0], 1, true, true}, /* owner hotkey */
		{em[1], 1, true, true}, /* owner's second hotkey */
		{em[2], 2, true, false}, /* another coldkey's */
	};
	int32_t owner = 0;
	json_t *roles = nd_vget(r->json, "inputs.uids");
	if (roles && json_is_object(roles)) {
		owner = -1;
		for (int i = 0; i < 3; i++) {
			char k[4];
			snprintf(k, sizeof(k), "%d", i);
			const char *s = json_string_value(json_object_get(roles, k));
			if (!s) {
				nd_vbad(r, "inputs.uids", "uid %d has no role", i);
				return ND_V_FAIL;
			}
			bool other = strncmp(s, "non-owner", 9) == 0;
			u[i].owner_coldkey = !other && strstr(s, "owner") != NULL;
			if (!other && strstr(s, "owner hotkey"))
				owner = i;
			const char *b = strstr(s, "reg block ");
			if (b)
				u[i].registered_at = strtoull(b + 10, NULL, 10);
		}
	}
	uint64_t now;
	if (reg) {
		for (int i = 0; i < 3; i++)
			u[i].registered_at = reg[i];
		now = 21; /* step_block(20) from block 1 */
	} else {
		now = 12; /* step_block(10) from block 2 */
	}
	uint16_t got;
	if (!dn_neuron_to_prune(&p, u, 3, owner, now, &got)) {
		nd_vout_printf(o, "uid_to_prune: expected %llu, got none",
			       (unsigned long long)want);
		return ND_V_FAIL;
	}
	return cmp_u64(o, "uid_to_prune", got, want) ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus check_neuron_pruning(struct nd_vrec *r, struct nd_vout *o)
{
	static const char *const names[] = {
		"test_registration_get_uid_to_prune_all_in_immunity_period",
		"test_registration_get_uid_to_prune_none_in_immunity_period",
		"test_registration_get_uid_to_prune_owner_immortality",
		"test_registration_get_uid_to_prune_owner_immortality_all_immune",
	};
	static const nd_vcheck checks[] = {prune_plain, prune_plain, prune_owner, prune_owner};
	return dispatch(r, o, "neuron_pruning", names, checks, 4);
}

/* ---- network_lock ------------------------------------------------------ */

static void lock_params(struct nd_vrec *r, struct dn_lock_params *p)
{
	static const char *const minp[] = {"inputs.NetworkMinLockCost", "params.NetworkMinLockCost",
					   NULL};
	static const char *const ivp[] = {"inputs.NetworkLockReductionInterval_set",
					  "params.NetworkLockReductionInterval", NULL};
	dn_lock_params_default(p);
	p->min_lock = opt_u64(r, minp, MOCK_MIN_LOCK);
	p->reduction_interval = opt_u64(r, ivp, MOCK_LOCK_INTERVAL);
	p->immunity_period = MOCK_NETWORK_IMMUNITY;
}

static uint64_t block_emission(struct nd_vrec *r)
{
	static const char *const bep[] = {"params.tao_block_emission", NULL};
	return opt_u64(r, bep, MOCK_BLOCK_EMISSION);
}

/* test_migrate_network_lock_reduction_interval_and_decay: the migration
 * sets LastLock and puts LastLockBlock 50 400 blocks in the future; the
 * elapsed time saturates to 0, so the cost is 2 * LastLock. (The
 * migration's own NetworkRegistrationStartBlock write is not this
 * module's.) */
static enum nd_vstatus lock_future_block(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_lock_params p;
	uint64_t last, want;
	lock_params(r, &p);
	nd_vu64(r, "inputs.LastLock_set", &last);
	nd_vu64(r, "expected.lock_cost", &want);
	if (r->bad)
		return ND_V_FAIL;
	const uint64_t now = 1;
	struct dn_lock_state s = {last, now + 50400};
	uint64_t got = dn_lock_cost(&p, &s, now, block_emission(r));
	return cmp_u64(o, "lock_cost", got, want) ? ND_V_FAIL : ND_V_PASS;
}

/* test_migrate_network_lock_cost_2500_sets_price_and_decay */
static enum nd_vstatus lock_one_block(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_lock_params p;
	uint64_t last, now_want, next_want;
	lock_params(r, &p);
	nd_vu64(r, "inputs.LastLock_set", &last);
	nd_vu64(r, "expected.lock_cost_now", &now_want);
	nd_vu64(r, "expected.lock_cost_after_1_block_evaluated_with_R_eff_2", &next_want);
	if (r->bad)
		return ND_V_FAIL;
	const uint64_t now = 1;
	struct dn_lock_state s = {last, now};
	uint64_t be = block_emission(r);
	int bad = cmp_u64(o, "lock_cost_now", dn_lock_cost(&p, &s, now, be), now_want);
	bad += cmp_u64(o, "lock_cost_after_1_block", dn_lock_cost(&p, &s, now + 1, be), next_want);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* test_register_subnet_low_lock_cost / _high_lock_cost: a relation. With
 * NetworkLastLockCost = min lock and no registration yet (LastLockBlock
 * 0), the first subnet pays min lock; the pool gets SubnetTAO = alpha in =
 * the lock (median price 1, no other subnet). */
static enum nd_vstatus lock_seed_relation(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_lock_params p;
	uint64_t last;
	lock_params(r, &p);
	nd_vu64(r, "inputs.NetworkLastLockCost", &last);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_lock_state s = {last, 0};
	uint64_t lock = dn_lock_cost(&p, &s, 1, block_emission(r));
	struct dn_pool_seed seed;
	dn_pool_seed(p.min_lock, lock, dn_median_price(NULL, 0), &seed);
	int bad = cmp_u64(o, "SubnetTAO (= lock_cost)", seed.tao, lock);
	bad += cmp_u64(o, "SubnetAlphaIn (= lock_cost)", seed.alpha_in, lock);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* register_network_seeds_first_subnet_from_fallback_price_one_and_keeps_
 * lock_in_pool: a relation on the first subnet of a fresh mock chain. */
static enum nd_vstatus lock_first_subnet(struct nd_vrec *r, struct nd_vout *o)
{
	struct dn_lock_params p;
	lock_params(r, &p);
	if (r->bad)
		return ND_V_FAIL;
	struct dn_lock_state s = {p.min_lock, 0}; /* NetworkLastLockCost defaults to the min */
	uint64_t lock = dn_lock_cost(&p, &s, 1, block_emission(r));
	dn_u64f64 median = dn_median_price(NULL, 0);
	struct dn_pool_seed seed;
	dn_pool_seed(p.min_lock, lock, median, &seed);
	int bad = nd_vcmp_int(o, "median_price (U64F64 bits)", (dn_i128)median, (dn_i128)1 << 64);
	uint64_t tao_want = lock > p.min_lock ? lock : p.min_lock;
	bad += cmp_u64(o, "SubnetTAO (= max(lock, min_lock))", seed.tao, tao_want);
	bad += cmp_u64(o, "SubnetAlphaIn (= SubnetTAO)", seed.alpha_in, seed.tao);
	bad += cmp_u64(o, "SubnetAlphaOut", seed.alpha_out, 0);
	bad += cmp_u64(o, "RAORecycledForRegistration", seed.recycled, 0);
	bad += cmp_u64(o, "SubnetLocked (= lock)", seed.locked, lock);
	/* price after = tao / alpha_in = 1 */
	bad += cmp_u64(o, "price_after tao - alpha_in", seed.tao - seed.alpha_in, 0);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* median_subnet_alpha_price_* and register_network_seeds_new_subnet_from_
 * even_median_snapshot: the median of the eligible spot prices (integers
 * in the records: reserves 500/100 and 200/100 give 5 and 2). */
static enum nd_vstatus lock_median(struct nd_vrec *r, struct nd_vout *o)
{
	uint64_t *prices;
	size_t n;
	json_t *want = nd_vneed(r, "expected.median");
	nd_vu64_vec(r, "inputs.eligible_spot_prices", &prices, &n);
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_number(want)) {
		nd_vbad(r, "expected.median", "expected a number");
		return ND_V_FAIL;
	}
	dn_u64f64 *px = nd_valloc(r, n, sizeof(dn_u64f64));
	for (size_t i = 0; i < n; i++)
		px[i] = (dn_u64f64)prices[i] << 64;
	dn_u64f64 got = dn_median_price(px, n);
	dn_i128 w = dn_fx128_from_f64(json_number_value(want), 64);
	return nd_vcmp_int(o, "median (U64F64 bits)", (dn_i128)got, w) ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus check_network_lock(struct nd_vrec *r, struct nd_vout *o)
{
	static const char *const names[] = {
		"test_migrate_network_lock_reduction_interval_and_decay",
		"test_migrate_network_lock_cost_2500_sets_price_and_decay",
		"test_register_subnet_low_lock_cost",
		"test_register_subnet_high_lock_cost",
		"register_network_seeds_first_subnet_from_fallback_price_one_and_keeps_lock_in_"
		"pool",
		"median_subnet_alpha_price_returns_one_when_no_eligible_subnet_prices",
		"median_subnet_alpha_price_returns_middle_value_for_odd_unsorted_prices",
		"median_subnet_alpha_price_averages_even_prices_and_ignores_root_zero_and_unadded",
		"register_network_seeds_new_subnet_from_even_median_snapshot",
	};
	static const nd_vcheck checks[] = {
		lock_future_block,  lock_one_block,    lock_seed_relation,
		lock_seed_relation, lock_first_subnet, lock_median,
		lock_median,	    lock_median,       lock_median,
	};
	return dispatch(r, o, "network_lock", names, checks, sizeof(checks) / sizeof(checks[0]));
}

/* ---- subnet_pruning ---------------------------------------------------- */

/* The tests of coinbase/root.rs get_network_to_prune (tests/networks.rs),
 * rebuilt: subnets n1 (netuid 1) and n2 (netuid 2) registered through
 * add_dynamic_network at the tests' blocks, EMA prices as given. */
static enum nd_vstatus check_subnet_pruning(struct nd_vrec *r, struct nd_vout *o)
{
	static const char *const immp[] = {"params.NetworkImmunityPeriod", NULL};
	uint64_t imm = opt_u64(r, immp, MOCK_NETWORK_IMMUNITY);
	const char *fn = test_fn(r);
	json_t *want = nd_vneed(r, "expected.network_to_prune");
	if (r->bad)
		return ND_V_FAIL;
	struct dn_prune_subnet s[2] = {{1, true, 0, 0}, {2, true, 0, 0}};
	size_t n = 2;
	uint64_t now;
	uint64_t ema1 = 0, ema2 = 0;
	if (nd_vget(r->json, "inputs.ema")) {
		nd_vu64(r, "inputs.ema.n1", &ema1);
		nd_vu64(r, "inputs.ema.n2", &ema2);
	}
	if (r->bad)
		return ND_V_FAIL;
	s[0].ema_price = (dn_u64f64)ema1 << 64;
	s[1].ema_price = (dn_u64f64)ema2 << 64;
	if (strcmp(fn, "prune_selects_network_with_lowest_price") == 0) {
		now = imm + 10;
	} else if (strcmp(fn, "prune_ignores_immune_network_even_if_lower_price") == 0) {
		s[1].registered_at = imm + 5; /* n2 registered inside the window */
		now = imm + 10;
	} else if (strcmp(fn, "prune_tie_on_price_earlier_registration_wins") == 0) {
		s[1].registered_at = 1;
		now = imm + 20;
	} else if (strcmp(fn, "prune_none_when_all_networks_immune") == 0) {
		now = 0;
	} else if (strcmp(fn, "prune_none_with_no_networks") == 0) {
		n = 0;
		now = 0;
	} else {
		nd_vout_printf(o, "subnet_pruning record from test '%s': no scenario for it", fn);
		return ND_V_SKIP;
	}
	uint16_t got;
	bool found = dn_subnet_to_prune(s, n, now, imm, &got);
	if (json_is_null(want)) {
		if (found) {
			nd_vout_printf(o, "network_to_prune: expected none, got netuid %u", got);
			return ND_V_FAIL;
		}
		return ND_V_PASS;
	}
	const char *w = json_string_value(want);
	if (!w || (strcmp(w, "n1") != 0 && strcmp(w, "n2") != 0)) {
		nd_vbad(r, "expected.network_to_prune", "expected \"n1\", \"n2\" or null");
		return ND_V_FAIL;
	}
	uint16_t wn = w[1] == '1' ? 1 : 2;
	if (!found) {
		nd_vout_printf(o, "network_to_prune: expected %s, got none", w);
		return ND_V_FAIL;
	}
	return cmp_u64(o, "network_to_prune (netuid)", got, wn) ? ND_V_FAIL : ND_V_PASS;
}

const struct nd_vkind nd_vkinds_registry[] = {
	{"neuron_burn", check_neuron_burn, NULL},
	{"neuron_pruning", check_neuron_pruning, NULL},
	{"network_lock", check_network_lock, NULL},
	{"subnet_pruning", check_subnet_pruning, NULL},
	{NULL, NULL, NULL},
};
