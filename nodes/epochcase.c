/*
 * Epoch cases: parse, run, persist and check (see epochcase.h).
 *
 * Steps are interpreted straight from the JSON. Each case runs twice: a dry
 * pass that reads and checks every field (so bad input is reported before
 * any output), then the real pass.
 */
#include "nodes/epochcase.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "devnet/mathx.h"
#include "devnet/xalloc.h"

enum { MAX_UIDS = 65535, MAX_CAPTURES = 32 };

/* Hyperparameters of a case: what the epoch reads, plus the two values the
 * activity cutoff and bonds reset derive from. */
struct hparams {
	struct dn_epoch_params p;
	uint32_t cutoff_factor_milli; /* ActivityCutoffFactorMilli */
	bool bonds_reset_on; /* BondsResetOn */
};

struct capture {
	char name[32];
	dn_i128 value;
};

struct nd_ecase {
	struct nd_vrec *r;
	struct nd_vout *o;
	struct nd_ecase_tally *tally;
	bool dry; /* checking pass: read everything, compute nothing */
	enum dn_epoch_variant variant, epoch_variant;
	struct hparams hp;
	uint32_t n;
	uint64_t block;
	uint64_t *stake, *reg, *last_update, *commit;
	size_t n_last_update;
	bool *permit;
	struct dn_row16 *weights, *bonds;
	struct dn_epoch *ws;
	const struct dn_epoch_result *res;
	struct capture captures[MAX_CAPTURES];
	int ncaptures;
	char where[96]; /* "sparse, step 6" for messages */
};

uint32_t nd_ecase_n(const struct nd_ecase *c) { return c->n; }
uint64_t nd_ecase_block(const struct nd_ecase *c) { return c->block; }
enum dn_epoch_variant nd_ecase_variant(const struct nd_ecase *c) { return c->epoch_variant; }
const struct dn_row16 *nd_ecase_bonds(const struct nd_ecase *c) { return c->bonds; }
const struct dn_row16 *nd_ecase_weights(const struct nd_ecase *c) { return c->weights; }
const struct dn_epoch_params *nd_ecase_params(const struct nd_ecase *c) { return &c->hp.p; }

/* ---- hyperparameters --------------------------------------------------- */

enum ptype { P_U16, P_U32, P_U64, P_I16, P_BOOL, P_OWNER, P_ALPHA };

/* Every hyperparameter a case may set, by its name in the vectors. */
static const struct param {
	const char *name;
	enum ptype type;
	size_t off;
} params[] = {
	{"tempo", P_U16, offsetof(struct hparams, p.tempo)},
	{"activity_cutoff_factor_milli", P_U32, offsetof(struct hparams, cutoff_factor_milli)},
	{"kappa", P_U16, offsetof(struct hparams, p.kappa)},
	{"bonds_penalty", P_U16, offsetof(struct hparams, p.bonds_penalty)},
	{"bonds_moving_average", P_U64, offsetof(struct hparams, p.bonds_moving_average)},
	{"yuma3", P_BOOL, offsetof(struct hparams, p.yuma3)},
	{"liquid_alpha", P_BOOL, offsetof(struct hparams, p.liquid_alpha)},
	{"alpha_values", P_ALPHA, offsetof(struct hparams, p.alpha_low)},
	{"alpha_sigmoid_steepness", P_I16, offsetof(struct hparams, p.alpha_sigmoid_steepness)},
	{"max_allowed_validators", P_U16, offsetof(struct hparams, p.max_allowed_validators)},
	{"stake_threshold", P_U64, offsetof(struct hparams, p.stake_threshold)},
	{"owner_uid", P_OWNER, offsetof(struct hparams, p.owner_uid)},
	{"last_mechanism_step_block", P_U64, offsetof(struct hparams, p.last_mechanism_step_block)},
	{"commit_reveal", P_BOOL, offsetof(struct hparams, p.commit_reveal)},
	{"tao_weight", P_U64, offsetof(struct hparams, p.tao_weight)},
	{"bonds_reset_on", P_BOOL, offsetof(struct hparams, bonds_reset_on)},
};

static const struct param *find_param(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

/* Reads one hyperparameter value at path into hp. */
static int set_param(struct nd_vrec *r, struct hparams *hp, const struct param *pm, json_t *v,
		     const char *path)
{
	char *base = (char *)hp + pm->off;
	int64_t x;
	uint64_t u;
	bool b;
	switch (pm->type) {
	case P_U16:
		if (nd_vint_node(r, v, path, 0, UINT16_MAX, &x))
			return -1;
		*(uint16_t *)(void *)base = (uint16_t)x;
		return 0;
	case P_U32:
		if (nd_vint_node(r, v, path, 0, UINT32_MAX, &x))
			return -1;
		*(uint32_t *)(void *)base = (uint32_t)x;
		return 0;
	case P_U64:
		if (nd_vu64_node(r, v, path, &u))
			return -1;
		*(uint64_t *)(void *)base = u;
		return 0;
	case P_I16:
		if (nd_vint_node(r, v, path, INT16_MIN, INT16_MAX, &x))
			return -1;
		*(int16_t *)(void *)base = (int16_t)x;
		return 0;
	case P_BOOL:
		if (nd_vbool_node(r, v, path, &b))
			return -1;
		*(bool *)(void *)base = b;
		return 0;
	case P_OWNER:
		if (json_is_null(v)) {
			*(int32_t *)(void *)base = -1;
			return 0;
		}
		if (nd_vint_node(r, v, path, 0, MAX_UIDS - 1, &x))
			return -1;
		*(int32_t *)(void *)base = (int32_t)x;
		return 0;
	case P_ALPHA: {
		int64_t lo, hi;
		char p0[160], p1[160];
		snprintf(p0, sizeof(p0), "%s[0]", path);
		snprintf(p1, sizeof(p1), "%s[1]", path);
		if (!json_is_array(v) || json_array_size(v) != 2)
			return nd_vbad(r, path, "expected [alpha_low, alpha_high]");
		if (nd_vint_node(r, json_array_get(v, 0), p0, 0, UINT16_MAX, &lo) ||
		    nd_vint_node(r, json_array_get(v, 1), p1, 0, UINT16_MAX, &hi))
			return -1;
		hp->p.alpha_low = (uint16_t)lo;
		hp->p.alpha_high = (uint16_t)hi;
		return 0;
	}
	}
	return -1;
}

/* Applies every key of the object at path (unknown keys are errors when
 * strict, metadata otherwise). */
static int set_params(struct nd_vrec *r, struct hparams *hp, const char *path, bool strict)
{
	json_t *obj = nd_vneed(r, path);
	const char *key;
	json_t *v;
	if (!obj)
		return -1;
	if (!json_is_object(obj))
		return nd_vbad(r, path, "expected an object of hyperparameters");
	json_object_foreach(obj, key, v)
	{
		char p[192];
		const struct param *pm = find_param(key);
		snprintf(p, sizeof(p), "%s.%s", path, key);
		if (!pm) {
			if (strict)
				return nd_vbad(r, p, "unknown hyperparameter");
			continue;
		}
		if (set_param(r, hp, pm, v, p))
			return -1;
	}
	hp->p.activity_cutoff = dn_epoch_activity_cutoff(hp->cutoff_factor_milli, hp->p.tempo);
	return 0;
}

/* A new subnet's values on the production runtime, but with commit-reveal
 * off and TaoWeight 0 (cases have no commits and no root stake); the
 * vectors state every value they depend on. */
static void params_init(struct hparams *hp)
{
	dn_epoch_params_default(&hp->p);
	hp->p.tao_weight = 0;
	hp->p.commit_reveal = false;
	hp->cutoff_factor_milli = 13889;
	hp->bonds_reset_on = false;
	hp->p.activity_cutoff = dn_epoch_activity_cutoff(hp->cutoff_factor_milli, hp->p.tempo);
}

/* ---- state ------------------------------------------------------------- */

static void state_release(struct nd_ecase *c)
{
	for (uint32_t i = 0; c->weights && i < c->n; i++) {
		dn_row16_release(&c->weights[i]);
		dn_row16_release(&c->bonds[i]);
	}
	free(c->weights);
	free(c->bonds);
	free(c->stake);
	free(c->reg);
	free(c->last_update);
	free(c->commit);
	free(c->permit);
	dn_epoch_free(c->ws);
}

/* Reads {"uid": [[dest, value], ...], ...} into rows. */
static int read_rows(struct nd_ecase *c, const char *path, struct dn_row16 *rows)
{
	json_t *obj = nd_vget(c->r->json, path);
	const char *key;
	json_t *row;
	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return nd_vbad(c->r, path, "expected an object of rows by uid");
	json_object_foreach(obj, key, row)
	{
		char p[192];
		dn_u128 uid;
		snprintf(p, sizeof(p), "%s.%s", path, key);
		if (dn_u128_parse(key, &uid) != 0 || uid >= c->n)
			return nd_vbad(c->r, p, "the key must be a uid below n = %u", c->n);
		if (!json_is_array(row))
			return nd_vbad(c->r, p, "expected a row of [uid, value] pairs");
		struct dn_row16 *dst = &rows[uid];
		dn_row16_clear(dst);
		for (size_t k = 0; k < json_array_size(row); k++) {
			json_t *pair = json_array_get(row, k);
			char q[224];
			int64_t j, v;
			snprintf(q, sizeof(q), "%s[%zu]", p, k);
			if (!json_is_array(pair) || json_array_size(pair) != 2)
				return nd_vbad(c->r, q, "expected a [uid, value] pair");
			if (nd_vint_node(c->r, json_array_get(pair, 0), q, 0, c->n - 1, &j) ||
			    nd_vint_node(c->r, json_array_get(pair, 1), q, 0, UINT16_MAX, &v))
				return -1;
			dn_row16_push(dst, (uint16_t)j, (uint16_t)v);
		}
	}
	return 0;
}

/* A u64 vector of exactly n entries (null entries -> `null_value`). */
static int read_u64s(struct nd_ecase *c, const char *path, uint64_t *out, uint64_t null_value)
{
	json_t *a = nd_vneed(c->r, path);
	if (!a)
		return -1;
	if (!json_is_array(a) || json_array_size(a) != c->n)
		return nd_vbad(c->r, path, "expected an array of n = %u entries", c->n);
	for (uint32_t i = 0; i < c->n; i++) {
		char p[160];
		json_t *v = json_array_get(a, i);
		snprintf(p, sizeof(p), "%s[%u]", path, i);
		if (json_is_null(v))
			out[i] = null_value;
		else if (nd_vu64_node(c->r, v, p, &out[i]))
			return -1;
	}
	return 0;
}

static int read_last_update(struct nd_ecase *c, const char *path)
{
	uint64_t *v;
	size_t n;
	if (nd_vu64_vec(c->r, path, &v, &n))
		return -1;
	free(c->last_update);
	c->last_update = xcalloc(n ? n : 1, sizeof(uint64_t));
	memcpy(c->last_update, v, n * sizeof(uint64_t));
	c->n_last_update = n;
	return 0;
}

/* Builds the state from `hyperparams` and `initial_state`. */
static int state_init(struct nd_ecase *c)
{
	struct nd_vrec *r = c->r;
	int64_t n;
	params_init(&c->hp);
	if (set_params(r, &c->hp, "hyperparams", false))
		return -1;
	if (nd_vint(r, "initial_state.n", 0, MAX_UIDS, &n) ||
	    nd_vu64(r, "initial_state.block", &c->block))
		return -1;
	c->n = (uint32_t)n;
	size_t cnt = c->n ? c->n : 1;
	c->stake = xcalloc(cnt, sizeof(uint64_t));
	c->reg = xcalloc(cnt, sizeof(uint64_t));
	c->permit = xcalloc(cnt, sizeof(bool));
	c->weights = xcalloc(cnt, sizeof(struct dn_row16));
	c->bonds = xcalloc(cnt, sizeof(struct dn_row16));
	if (read_u64s(c, "initial_state.stake", c->stake, 0) ||
	    read_u64s(c, "initial_state.block_at_registration", c->reg, 0) ||
	    read_last_update(c, "initial_state.last_update"))
		return -1;
	bool *permit;
	size_t np;
	if (nd_vbool_vec(r, "initial_state.validator_permit", &permit, &np))
		return -1;
	if (np != c->n)
		return nd_vbad(r, "initial_state.validator_permit",
			       "expected an array of n = %u entries", c->n);
	memcpy(c->permit, permit, np * sizeof(bool));
	if (nd_vget(r->json, "initial_state.commit_blocks")) {
		c->commit = xcalloc(cnt, sizeof(uint64_t));
		if (read_u64s(c, "initial_state.commit_blocks", c->commit, UINT64_MAX))
			return -1;
	}
	if (read_rows(c, "initial_state.weights", c->weights) ||
	    read_rows(c, "initial_state.bonds", c->bonds))
		return -1;
	c->ws = dn_epoch_new();
	return 0;
}

/* ---- steps ------------------------------------------------------------- */

static int uid_at(struct nd_ecase *c, const char *path, uint32_t *uid)
{
	int64_t v;
	if (nd_vint(c->r, path, 0, (int64_t)c->n - 1, &v))
		return -1;
	*uid = (uint32_t)v;
	return 0;
}

/* last_update[uid] = block, growing the vector when it is shorter. */
static void touch_last_update(struct nd_ecase *c, uint32_t uid)
{
	if (uid >= c->n_last_update) {
		c->last_update = xreallocarray(c->last_update, uid + 1, sizeof(uint64_t));
		memset(c->last_update + c->n_last_update, 0,
		       (uid + 1 - c->n_last_update) * sizeof(uint64_t));
		c->n_last_update = uid + 1;
	}
	c->last_update[uid] = c->block;
}

/* subtensor set_weights storage: max-upscaled u16 values, in the order
 * given, zeros kept; last_update stamped unless commit-reveal is on. */
static int store_weights(struct nd_ecase *c, const char *path, uint32_t uid, const uint16_t *dests,
			 const uint16_t *values, size_t n)
{
	uint16_t *stored = nd_valloc(c->r, n, sizeof(uint16_t));
	dn_mx_vec_u16_max_upscale_to_u16(values, n, stored);
	char p[160];
	snprintf(p, sizeof(p), "%s.stored", path);
	if (nd_vget(c->r->json, p)) {
		int64_t *want;
		size_t nw;
		if (nd_vint_vec(c->r, p, 0, UINT16_MAX, &want, &nw))
			return -1;
		int64_t *got = nd_valloc(c->r, n, sizeof(int64_t));
		for (size_t k = 0; k < n; k++)
			got[k] = stored[k];
		if (!c->dry) {
			char what[192];
			snprintf(what, sizeof(what), "%s: %s", c->where, p);
			c->tally->checked++;
			if (nd_vcmp_int_vec(c->o, what, got, n, want, nw))
				c->tally->failed++;
		}
	}
	if (c->dry)
		return 0;
	dn_row16_set(&c->weights[uid], dests, stored, (uint32_t)n);
	if (!c->hp.p.commit_reveal)
		touch_last_update(c, uid);
	return 0;
}

static int step_set_weights(struct nd_ecase *c, const char *path)
{
	char p[160];
	uint32_t uid;
	int64_t *dests, *values;
	size_t nd, nv;
	snprintf(p, sizeof(p), "%s.uid", path);
	if (uid_at(c, p, &uid))
		return -1;
	snprintf(p, sizeof(p), "%s.dests", path);
	if (nd_vint_vec(c->r, p, 0, (int64_t)c->n - 1, &dests, &nd))
		return -1;
	snprintf(p, sizeof(p), "%s.values", path);
	if (nd_vint_vec(c->r, p, 0, UINT16_MAX, &values, &nv))
		return -1;
	if (nd != nv)
		return nd_vbad(c->r, p, "%zu values for %zu dests", nv, nd);
	uint16_t *d16 = nd_valloc(c->r, nd, sizeof(uint16_t));
	uint16_t *v16 = nd_valloc(c->r, nd, sizeof(uint16_t));
	for (size_t k = 0; k < nd; k++) {
		d16[k] = (uint16_t)dests[k];
		v16[k] = (uint16_t)values[k];
	}
	return store_weights(c, path, uid, d16, v16, nd);
}

static int step_set_weights_each(struct nd_ecase *c, const char *path)
{
	char p[160];
	int64_t *uids, *dests = NULL, value;
	size_t nu, nd = 0;
	snprintf(p, sizeof(p), "%s.uids", path);
	if (nd_vint_vec(c->r, p, 0, (int64_t)c->n - 1, &uids, &nu))
		return -1;
	snprintf(p, sizeof(p), "%s.value_each", path);
	if (nd_vint(c->r, p, 0, UINT16_MAX, &value))
		return -1;
	snprintf(p, sizeof(p), "%s.dests", path);
	json_t *d = nd_vneed(c->r, p);
	bool self = json_is_string(d) && strcmp(json_string_value(d), "self") == 0;
	if (!self && nd_vint_vec(c->r, p, 0, (int64_t)c->n - 1, &dests, &nd))
		return -1;
	size_t width = self ? 1 : nd;
	uint16_t *d16 = nd_valloc(c->r, width, sizeof(uint16_t));
	uint16_t *v16 = nd_valloc(c->r, width, sizeof(uint16_t));
	for (size_t i = 0; i < nu; i++) {
		for (size_t k = 0; k < width; k++) {
			d16[k] = (uint16_t)(self ? uids[i] : dests[k]);
			v16[k] = (uint16_t)value;
		}
		if (store_weights(c, path, (uint32_t)uids[i], d16, v16, width))
			return -1;
	}
	return 0;
}

/* A new hotkey takes the uid (subtensor subnets/uids.rs replace_neuron):
 * registration and last update stamped, its rows removed, other
 * validators' weights to it zeroed (entries kept), permit cleared. */
static int step_replace_neuron(struct nd_ecase *c, const char *path)
{
	char p[160];
	uint32_t uid;
	uint64_t stake;
	snprintf(p, sizeof(p), "%s.uid", path);
	if (uid_at(c, p, &uid))
		return -1;
	snprintf(p, sizeof(p), "%s.stake", path);
	if (nd_vu64(c->r, p, &stake))
		return -1;
	if (c->dry)
		return 0;
	c->reg[uid] = c->block;
	touch_last_update(c, uid);
	dn_row16_clear(&c->weights[uid]);
	dn_row16_clear(&c->bonds[uid]);
	for (uint32_t i = 0; i < c->n; i++)
		if (i != uid)
			dn_row16_set_value_of(&c->weights[i], (uint16_t)uid, 0);
	c->permit[uid] = false;
	c->stake[uid] = stake;
	if (c->commit)
		c->commit[uid] = UINT64_MAX;
	return 0;
}

static int step_simple(struct nd_ecase *c, const char *op, const char *path)
{
	char p[160];
	uint32_t uid;
	uint64_t v;
	if (strcmp(op, "advance_block") == 0) {
		snprintf(p, sizeof(p), "%s.to", path);
		if (nd_vu64(c->r, p, &v))
			return -1;
		if (!c->dry)
			c->block = v;
		return 0;
	}
	if (strcmp(op, "add_stake") == 0) {
		snprintf(p, sizeof(p), "%s.uid", path);
		if (uid_at(c, p, &uid))
			return -1;
		snprintf(p, sizeof(p), "%s.amount", path);
		if (nd_vu64(c->r, p, &v))
			return -1;
		if (!c->dry)
			c->stake[uid] =
				c->stake[uid] > UINT64_MAX - v ? UINT64_MAX : c->stake[uid] + v;
		return 0;
	}
	if (strcmp(op, "set_last_update") == 0) {
		snprintf(p, sizeof(p), "%s.last_update", path);
		if (c->dry) {
			uint64_t *tmp;
			size_t n;
			return nd_vu64_vec(c->r, p, &tmp, &n);
		}
		return read_last_update(c, p);
	}
	if (strcmp(op, "reset_bonds") == 0) {
		/* subtensor do_reset_bonds: only when BondsResetOn */
		snprintf(p, sizeof(p), "%s.uid", path);
		if (uid_at(c, p, &uid))
			return -1;
		if (!c->dry && c->hp.bonds_reset_on)
			for (uint32_t i = 0; i < c->n; i++)
				dn_row16_remove_uid(&c->bonds[i], (uint16_t)uid);
		return 0;
	}
	if (strcmp(op, "set_hyperparam") == 0) {
		struct hparams hp = c->hp;
		snprintf(p, sizeof(p), "%s.set", path);
		if (set_params(c->r, &hp, p, true))
			return -1;
		if (!c->dry)
			c->hp = hp;
		return 0;
	}
	return nd_vbad(c->r, path, "unknown op '%s'", op);
}

/* ---- expectations ------------------------------------------------------ */

static dn_i128 *capture_slot(struct nd_ecase *c, const char *name, bool create)
{
	for (int i = 0; i < c->ncaptures; i++)
		if (strcmp(c->captures[i].name, name) == 0)
			return &c->captures[i].value;
	if (!create || c->ncaptures == MAX_CAPTURES)
		return NULL;
	struct capture *k = &c->captures[c->ncaptures++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	return &k->value;
}

static uint16_t stored_bond(const struct nd_ecase *c, uint32_t i, uint32_t j)
{
	uint16_t v = 0;
	if (i < c->n)
		dn_row16_get(&c->bonds[i], (uint16_t)j, &v);
	return v;
}

/* Quantities an expectation may name. */
static const char *const quantities[] = {
	"dividends_u16",      "incentive_u16",
	"consensus_u16",      "validator_trust_u16",
	"stake_weight_u16",   "emission",
	"server_emission",    "validator_emission",
	"validator_permit",   "dividend_proportion_bits",
	"bond_u16",	      "bond_proportion_bits",
	"total_emission_sum",
};

static bool known_quantity(const char *what)
{
	for (size_t k = 0; k < sizeof(quantities) / sizeof(quantities[0]); k++)
		if (strcmp(quantities[k], what) == 0)
			return true;
	return false;
}

/* The observed value of `what` for (uid) or (i, j); false if unknown. */
static bool observe(const struct nd_ecase *c, const char *what, uint32_t uid, uint32_t i,
		    uint32_t j, dn_i128 *out)
{
	const struct dn_epoch_result *r = c->res;
	static const struct {
		const char *name;
		size_t off;
	} u16s[] = {
		{"dividends_u16", offsetof(struct dn_epoch_result, dividends)},
		{"incentive_u16", offsetof(struct dn_epoch_result, incentive)},
		{"consensus_u16", offsetof(struct dn_epoch_result, consensus)},
		{"validator_trust_u16", offsetof(struct dn_epoch_result, validator_trust)},
		{"stake_weight_u16", offsetof(struct dn_epoch_result, stake_weight)},
	};
	static const struct {
		const char *name;
		size_t off;
	} u64s[] = {
		{"emission", offsetof(struct dn_epoch_result, emission)},
		{"server_emission", offsetof(struct dn_epoch_result, server_emission)},
		{"validator_emission", offsetof(struct dn_epoch_result, validator_emission)},
	};
	for (size_t k = 0; k < sizeof(u16s) / sizeof(u16s[0]); k++)
		if (strcmp(what, u16s[k].name) == 0) {
			const uint16_t *v =
				*(uint16_t *const *)(const void *)((const char *)r + u16s[k].off);
			*out = v[uid];
			return true;
		}
	for (size_t k = 0; k < sizeof(u64s) / sizeof(u64s[0]); k++)
		if (strcmp(what, u64s[k].name) == 0) {
			const uint64_t *v =
				*(uint64_t *const *)(const void *)((const char *)r + u64s[k].off);
			*out = v[uid];
			return true;
		}
	if (strcmp(what, "validator_permit") == 0)
		*out = r->new_permit[uid];
	else if (strcmp(what, "dividend_proportion_bits") == 0)
		*out = dn_fx_from_u16_proportion(r->dividends[uid]);
	else if (strcmp(what, "bond_u16") == 0)
		*out = stored_bond(c, i, j);
	else if (strcmp(what, "bond_proportion_bits") == 0)
		*out = dn_fx_from_u16_proportion(stored_bond(c, i, j));
	else if (strcmp(what, "total_emission_sum") == 0) {
		*out = 0;
		for (uint32_t k = 0; k < r->n; k++)
			*out += (dn_i128)r->server_emission[k] + r->validator_emission[k];
	} else
		return false;
	return true;
}

/* Reads a number that may be an integer, a boolean or a decimal string. */
static int read_value(struct nd_vrec *r, const char *path, dn_i128 *out)
{
	json_t *v = nd_vneed(r, path);
	if (!v)
		return -1;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	dn_u128 u;
	if (json_is_string(v) && dn_u128_parse(json_string_value(v), &u) == 0 &&
	    u <= (dn_u128)DN_I128_MAX) {
		*out = (dn_i128)u;
		return 0;
	}
	int64_t x;
	if (nd_vint(r, path, INT64_MIN, INT64_MAX, &x))
		return -1;
	*out = x;
	return 0;
}

/* Checks one expectation entry at path against `got`. */
static int check_one(struct nd_ecase *c, const char *path, const char *what, const char *label,
		     dn_i128 got)
{
	struct nd_vrec *r = c->r;
	char p[224], name[256];
	const char *cmp = NULL;
	dn_i128 want = 0, tol = 0;
	bool fail = false;

	snprintf(p, sizeof(p), "%s.cmp", path);
	cmp = nd_vstr(r, p);
	if (!cmp)
		cmp = "eq";
	snprintf(name, sizeof(name), "%s: %s %s", c->where, what, label);
	if (strcmp(cmp, "eq") == 0 || strcmp(cmp, "gt") == 0) {
		snprintf(p, sizeof(p), "%s.value", path);
		if (read_value(r, p, &want))
			return -1;
	} else if (strcmp(cmp, "abs_le") == 0) {
		snprintf(p, sizeof(p), "%s.value", path);
		if (read_value(r, p, &want))
			return -1;
		snprintf(p, sizeof(p), "%s.tol", path);
		if (read_value(r, p, &tol))
			return -1;
	} else if (strcmp(cmp, "abs_le_bits") == 0) {
		snprintf(p, sizeof(p), "%s.value_bits", path);
		if (read_value(r, p, &want))
			return -1;
		snprintf(p, sizeof(p), "%s.tol_bits", path);
		if (read_value(r, p, &tol))
			return -1;
	} else if (strcmp(cmp, "ge_captured") == 0 || strcmp(cmp, "le_captured") == 0 ||
		   strcmp(cmp, "eq_captured") == 0) {
		snprintf(p, sizeof(p), "%s.ref", path);
		const char *ref = nd_vstr(r, p);
		if (!ref)
			return nd_vbad(r, p, "missing (the name of a captured value)");
		dn_i128 *slot = capture_slot(c, ref, false);
		if (!slot && !c->dry)
			return nd_vbad(r, p, "nothing was captured as '%s' before", ref);
		want = slot ? *slot : 0;
	} else if (strcmp(cmp, "none") != 0) {
		snprintf(p, sizeof(p), "%s.cmp", path);
		return nd_vbad(r, p, "unknown comparison '%s'", cmp);
	}
	snprintf(p, sizeof(p), "%s.capture", path);
	const char *cap = nd_vstr(r, p);
	if (c->dry)
		return 0;
	if (cap) {
		dn_i128 *slot = capture_slot(c, cap, true);
		if (!slot)
			return nd_vbad(r, p, "too many captured values");
		*slot = got;
	}
	if (strcmp(cmp, "none") == 0)
		return 0;
	dn_i128 d = got > want ? got - want : want - got;
	if (strcmp(cmp, "eq") == 0 || strcmp(cmp, "eq_captured") == 0)
		fail = got != want;
	else if (strcmp(cmp, "gt") == 0)
		fail = !(got > want);
	else if (strcmp(cmp, "abs_le") == 0 || strcmp(cmp, "abs_le_bits") == 0)
		fail = d > tol;
	else if (strcmp(cmp, "ge_captured") == 0)
		fail = !(got >= want);
	else if (strcmp(cmp, "le_captured") == 0)
		fail = !(got <= want);
	c->tally->checked++;
	if (fail) {
		char g[42], w[42], t[42];
		c->tally->failed++;
		nd_vout_printf(c->o, "%s: expected %s %s%s%s, got %s", name, cmp,
			       dn_i128_format(want, w), tol ? " tol " : "",
			       tol ? dn_i128_format(tol, t) : "", dn_i128_format(got, g));
	}
	return 0;
}

/* The `expect` list of an epoch step. */
static int check_expectations(struct nd_ecase *c, const char *path)
{
	struct nd_vrec *r = c->r;
	json_t *list = nd_vget(r->json, path);
	if (!list)
		return 0;
	if (!json_is_array(list))
		return nd_vbad(r, path, "expected a list of expectations");
	for (size_t k = 0; k < json_array_size(list); k++) {
		char e[160], p[192];
		snprintf(e, sizeof(e), "%s[%zu]", path, k);
		snprintf(p, sizeof(p), "%s.what", e);
		const char *what = nd_vstr(r, p);
		if (!what)
			return nd_vbad(r, p, "missing");
		if (!known_quantity(what))
			return nd_vbad(r, p, "unknown quantity '%s'", what);
		bool pair = strncmp(what, "bond_", 5) == 0;
		/* one check, or one per uid of a "uids" list */
		snprintf(p, sizeof(p), "%s.uids", e);
		int64_t *uids = NULL;
		size_t nu = 1;
		if (nd_vget(r->json, p) && nd_vint_vec(r, p, 0, (int64_t)c->n - 1, &uids, &nu))
			return -1;
		snprintf(p, sizeof(p), "%s.i_from_uid", e);
		bool i_from_uid = json_is_true(nd_vget(r->json, p));
		for (size_t u = 0; u < nu; u++) {
			int64_t uid = 0, i = 0, j = 0;
			char label[64];
			if (pair) {
				snprintf(p, sizeof(p), "%s.i", e);
				if (!(uids && i_from_uid) &&
				    nd_vint(r, p, 0, (int64_t)c->n - 1, &i))
					return -1;
				snprintf(p, sizeof(p), "%s.j", e);
				if (!(uids && !i_from_uid) &&
				    nd_vint(r, p, 0, (int64_t)c->n - 1, &j))
					return -1;
				if (uids && i_from_uid)
					i = uids[u];
				else if (uids)
					j = uids[u];
				snprintf(label, sizeof(label), "[%lld][%lld]", (long long)i,
					 (long long)j);
			} else if (strcmp(what, "total_emission_sum") != 0) {
				snprintf(p, sizeof(p), "%s.uid", e);
				if (uids)
					uid = uids[u];
				else if (nd_vint(r, p, 0, (int64_t)c->n - 1, &uid))
					return -1;
				snprintf(label, sizeof(label), "[uid %lld]", (long long)uid);
			} else {
				label[0] = '\0';
			}
			dn_i128 got = 0;
			if (!c->dry)
				observe(c, what, (uint32_t)uid, (uint32_t)i, (uint32_t)j, &got);
			if (check_one(c, e, what, label, got))
				return -1;
		}
	}
	return 0;
}

/* ---- the epoch step ---------------------------------------------------- */

static int step_epoch(struct nd_ecase *c, const char *path, size_t index, unsigned epoch,
		      const struct nd_ecase_hooks *hooks)
{
	char p[160];
	uint64_t emission;
	snprintf(p, sizeof(p), "%s.emission", path);
	if (nd_vu64(c->r, p, &emission))
		return -1;
	c->epoch_variant = c->variant;
	snprintf(p, sizeof(p), "%s.variant", path);
	const char *v = nd_vstr(c->r, p);
	if (v && strcmp(v, "dense") == 0)
		c->epoch_variant = DN_EPOCH_DENSE;
	else if (v && strcmp(v, "sparse") == 0)
		c->epoch_variant = DN_EPOCH_SPARSE;
	else if (v)
		return nd_vbad(c->r, p, "expected \"sparse\" or \"dense\"");
	if (!c->dry) {
		struct dn_epoch_input in = {
			.n = c->n,
			.block = c->block,
			.alpha_stake = c->stake,
			.block_at_registration = c->reg,
			.last_update = c->last_update,
			.n_last_update = c->n_last_update,
			.validator_permit = c->permit,
			.weights = c->weights,
			.bonds = c->bonds,
			.commit_block = c->commit,
			.rao_emission = emission,
		};
		struct dn_epoch_err err = {0};
		int rc = dn_epoch_run(c->ws, &c->hp.p, &in, c->epoch_variant, &c->res, &err);
		if (rc)
			return nd_vbad(c->r, path, "the epoch rejected its input: %s (%s, row %u)",
				       dn_epoch_strerror(rc), err.field ? err.field : "?", err.row);
		/* persist like the chain: new permits, bonds rows */
		memcpy(c->permit, c->res->new_permit, c->n * sizeof(bool));
		dn_epoch_store_bonds(c->res, c->bonds);
		if (hooks && hooks->on_epoch)
			hooks->on_epoch(hooks->ctx, c, index, epoch, c->res);
	}
	snprintf(p, sizeof(p), "%s.expect", path);
	return check_expectations(c, p);
}

static int run_steps(struct nd_ecase *c, const struct nd_ecase_hooks *hooks)
{
	json_t *steps = nd_vneed(c->r, "steps");
	unsigned epochs = 0;
	if (!steps)
		return -1;
	if (!json_is_array(steps))
		return nd_vbad(c->r, "steps", "expected a list of steps");
	for (size_t k = 0; k < json_array_size(steps); k++) {
		char path[64], p[80];
		snprintf(path, sizeof(path), "steps[%zu]", k);
		snprintf(p, sizeof(p), "%s.op", path);
		const char *op = nd_vstr(c->r, p);
		snprintf(c->where, sizeof(c->where), "%s, step %zu",
			 c->variant == DN_EPOCH_DENSE ? "dense" : "sparse", k);
		int rc;
		if (!op)
			return nd_vbad(c->r, p, "missing (epoch, set_weights, advance_block, ...)");
		if (strcmp(op, "epoch") == 0)
			rc = step_epoch(c, path, k, epochs++, hooks);
		else if (strcmp(op, "set_weights") == 0)
			rc = step_set_weights(c, path);
		else if (strcmp(op, "set_weights_each") == 0)
			rc = step_set_weights_each(c, path);
		else if (strcmp(op, "replace_neuron") == 0)
			rc = step_replace_neuron(c, path);
		else
			rc = step_simple(c, op, path);
		if (rc)
			return -1;
	}
	return 0;
}

static int run_once(struct nd_vrec *r, enum dn_epoch_variant v, bool dry,
		    const struct nd_ecase_hooks *hooks, struct nd_vout *o,
		    struct nd_ecase_tally *tally)
{
	struct nd_ecase c = {.r = r, .o = o, .tally = tally, .dry = dry, .variant = v};
	int rc = state_init(&c);
	if (rc == 0)
		rc = run_steps(&c, hooks);
	state_release(&c);
	return rc;
}

int nd_ecase_run(struct nd_vrec *r, int only, const struct nd_ecase_hooks *hooks, struct nd_vout *o,
		 struct nd_ecase_tally *tally)
{
	enum dn_epoch_variant variants[2];
	int nv = 0;
	json_t *list = nd_vget(r->json, "variants");
	const char *one = nd_vstr(r, "variant");
	if (json_is_array(list)) {
		for (size_t k = 0; k < json_array_size(list) && nv < 2; k++) {
			const char *s = json_string_value(json_array_get(list, k));
			if (!s || (strcmp(s, "sparse") != 0 && strcmp(s, "dense") != 0))
				return nd_vbad(r, "variants",
					       "expected \"sparse\" and/or \"dense\"");
			variants[nv++] = strcmp(s, "dense") == 0 ? DN_EPOCH_DENSE : DN_EPOCH_SPARSE;
		}
	} else if (one) {
		if (strcmp(one, "sparse") != 0 && strcmp(one, "dense") != 0)
			return nd_vbad(r, "variant", "expected \"sparse\" or \"dense\"");
		variants[nv++] = strcmp(one, "dense") == 0 ? DN_EPOCH_DENSE : DN_EPOCH_SPARSE;
	} else {
		variants[nv++] = DN_EPOCH_SPARSE;
	}
	if (only >= 0) { /* the caller's choice wins over the record's */
		variants[0] = (enum dn_epoch_variant)only;
		nv = 1;
	}
	struct nd_ecase_tally scratch = {0};
	if (run_once(r, variants[0], true, NULL, o, &scratch))
		return -1;
	for (int k = 0; k < nv; k++) {
		if (run_once(r, variants[k], false, hooks, o, tally))
			return -1;
	}
	return 0;
}

/* ---- mechanism cases --------------------------------------------------- */

struct mcase {
	struct nd_ecase base; /* shared state: n, block, stake, reg, permit */
	unsigned count;
	struct dn_epoch_mech_input mech[DN_MAX_MECHANISMS];
	struct dn_row16 *mweights[DN_MAX_MECHANISMS], *mbonds[DN_MAX_MECHANISMS];
	uint64_t *mlast[DN_MAX_MECHANISMS];
};

static void mcase_release(struct mcase *m)
{
	for (unsigned k = 0; k < m->count; k++) {
		for (uint32_t i = 0; i < m->base.n; i++) {
			dn_row16_release(&m->mweights[k][i]);
			dn_row16_release(&m->mbonds[k][i]);
		}
		free(m->mweights[k]);
		free(m->mbonds[k]);
		free(m->mlast[k]);
	}
	state_release(&m->base);
}

static int mcase_init(struct mcase *m)
{
	struct nd_ecase *c = &m->base;
	struct nd_vrec *r = c->r;
	int64_t n;
	params_init(&c->hp);
	if (set_params(r, &c->hp, "hyperparams", false))
		return -1;
	if (nd_vint(r, "shared_state.n", 0, MAX_UIDS, &n) ||
	    nd_vu64(r, "shared_state.block", &c->block))
		return -1;
	c->n = (uint32_t)n;
	size_t cnt = c->n ? c->n : 1;
	c->stake = xcalloc(cnt, sizeof(uint64_t));
	c->reg = xcalloc(cnt, sizeof(uint64_t));
	c->permit = xcalloc(cnt, sizeof(bool));
	if (read_u64s(c, "shared_state.stake", c->stake, 0) ||
	    read_u64s(c, "shared_state.block_at_registration", c->reg, 0))
		return -1;
	bool *permit;
	size_t np;
	if (nd_vbool_vec(r, "shared_state.validator_permit", &permit, &np))
		return -1;
	if (np != c->n)
		return nd_vbad(r, "shared_state.validator_permit",
			       "expected an array of n = %u entries", c->n);
	memcpy(c->permit, permit, np * sizeof(bool));
	json_t *list = nd_vneed(r, "mechanisms");
	if (!list)
		return -1;
	if (!json_is_array(list) || json_array_size(list) < 1 ||
	    json_array_size(list) > DN_MAX_MECHANISMS)
		return nd_vbad(r, "mechanisms", "expected a list of 1 to %u mechanisms",
			       DN_MAX_MECHANISMS);
	for (unsigned k = 0; k < json_array_size(list); k++) {
		char p[96];
		uint64_t *lu;
		size_t nlu;
		m->mweights[k] = xcalloc(cnt, sizeof(struct dn_row16));
		m->mbonds[k] = xcalloc(cnt, sizeof(struct dn_row16));
		m->count = k + 1;
		snprintf(p, sizeof(p), "mechanisms[%u].weights", k);
		if (read_rows(c, p, m->mweights[k]))
			return -1;
		snprintf(p, sizeof(p), "mechanisms[%u].bonds", k);
		if (read_rows(c, p, m->mbonds[k]))
			return -1;
		snprintf(p, sizeof(p), "mechanisms[%u].last_update", k);
		if (nd_vu64_vec(r, p, &lu, &nlu))
			return -1;
		m->mlast[k] = xcalloc(nlu ? nlu : 1, sizeof(uint64_t));
		memcpy(m->mlast[k], lu, nlu * sizeof(uint64_t));
		m->mech[k] = (struct dn_epoch_mech_input){
			.last_update = m->mlast[k],
			.n_last_update = nlu,
			.weights = m->mweights[k],
			.bonds = m->mbonds[k],
		};
	}
	c->ws = dn_epoch_new();
	return 0;
}

/* The value of a per-mechanism quantity; false if unknown. */
static bool mobserve(const struct dn_epoch_result *r, const char *what, uint32_t uid, dn_i128 *out)
{
	if (strcmp(what, "incentive_u16") == 0)
		*out = r->incentive[uid];
	else if (strcmp(what, "dividends_u16") == 0)
		*out = r->dividends[uid];
	else if (strcmp(what, "server_emission") == 0)
		*out = r->server_emission[uid];
	else if (strcmp(what, "validator_emission") == 0)
		*out = r->validator_emission[uid];
	else if (strcmp(what, "emission") == 0)
		*out = r->emission[uid];
	else if (strcmp(what, "incentive_len") == 0)
		*out = r->n;
	else
		return false;
	return true;
}

/* bond_row_u16: the stored row equals [[uid, value], ...] exactly. */
static int check_bond_row(struct nd_ecase *c, const char *e, const struct dn_epoch_result *res,
			  uint32_t uid, unsigned mech)
{
	char p[192];
	snprintf(p, sizeof(p), "%s.value", e);
	json_t *want = nd_vneed(c->r, p);
	if (!want)
		return -1;
	if (!json_is_array(want))
		return nd_vbad(c->r, p, "expected a row of [uid, value] pairs");
	const uint16_t *gu, *gv;
	uint32_t len = dn_epoch_result_bond_row(res, uid, &gu, &gv);
	bool same = len == json_array_size(want);
	for (uint32_t k = 0; same && k < len; k++) {
		json_t *pair = json_array_get(want, k);
		int64_t wu, wv;
		char q[224];
		snprintf(q, sizeof(q), "%s[%u]", p, k);
		if (!json_is_array(pair) || json_array_size(pair) != 2)
			return nd_vbad(c->r, q, "expected a [uid, value] pair");
		if (nd_vint_node(c->r, json_array_get(pair, 0), q, 0, UINT16_MAX, &wu) ||
		    nd_vint_node(c->r, json_array_get(pair, 1), q, 0, UINT16_MAX, &wv))
			return -1;
		same = gu[k] == wu && gv[k] == wv;
	}
	c->tally->checked++;
	if (!same) {
		c->tally->failed++;
		nd_vout_printf(c->o, "mechanism %u: bond row of uid %u differs (%u entries)", mech,
			       uid, len);
	}
	return 0;
}

/* The aggregation rules of epoch_with_mechanisms (relation records). */
static void check_aggregation(struct nd_ecase *c, const struct dn_epoch_mech_result *mr)
{
	int bad = 0;
	for (uint32_t i = 0; i < mr->n; i++) {
		uint64_t se = 0, ve = 0;
		bool act = false, perm = false;
		for (unsigned m = 0; m < mr->count; m++) {
			se += mr->mech[m]->server_emission[i];
			ve += mr->mech[m]->validator_emission[i];
			act |= mr->mech[m]->active[i];
			perm |= mr->mech[m]->new_permit[i];
		}
		bad += se != mr->server_emission[i] || ve != mr->validator_emission[i];
		bad += act != mr->active[i] || perm != mr->new_permit[i];
	}
	c->tally->checked++;
	if (bad) {
		c->tally->failed++;
		nd_vout_printf(c->o, "aggregate: %d uids break the sum/OR rules", bad);
	}
	/* derived_split.per_mechanism, when given, is split_emissions' answer */
	json_t *split = nd_vget(c->r->json, "derived_split.per_mechanism");
	if (json_is_array(split)) {
		uint64_t *want;
		size_t nw;
		if (nd_vu64_vec(c->r, "derived_split.per_mechanism", &want, &nw))
			return;
		int64_t *g = nd_valloc(c->r, mr->count, sizeof(int64_t));
		int64_t *w = nd_valloc(c->r, nw, sizeof(int64_t));
		for (unsigned m = 0; m < mr->count; m++)
			g[m] = (int64_t)mr->mech_emission[m];
		for (size_t m = 0; m < nw; m++)
			w[m] = (int64_t)want[m];
		c->tally->checked++;
		if (nd_vcmp_int_vec(c->o, "split", g, mr->count, w, nw))
			c->tally->failed++;
	}
}

int nd_mcase_run(struct nd_vrec *r, struct nd_vout *o, struct nd_ecase_tally *tally)
{
	struct mcase m = {.base = {.r = r, .o = o, .tally = tally}};
	struct nd_ecase *c = &m.base;
	uint64_t emission;
	int rc = -1;
	if (mcase_init(&m) || nd_vu64(r, "emission", &emission))
		goto out;
	uint16_t *split = NULL;
	size_t nsplit = 0;
	json_t *sj = nd_vget(r->json, "emission_split_u16");
	if (sj && !json_is_null(sj)) {
		int64_t *s64;
		if (nd_vint_vec(r, "emission_split_u16", 0, UINT16_MAX, &s64, &nsplit))
			goto out;
		split = nd_valloc(r, nsplit, sizeof(uint16_t));
		for (size_t k = 0; k < nsplit; k++)
			split[k] = (uint16_t)s64[k];
	}
	struct dn_epoch_input in = {
		.n = c->n,
		.block = c->block,
		.alpha_stake = c->stake,
		.block_at_registration = c->reg,
		.validator_permit = c->permit,
		.rao_emission = emission,
	};
	struct dn_epoch_err err = {0};
	const struct dn_epoch_result *single = NULL;
	const struct dn_epoch_mech_result *mr = NULL;
	if (nd_vget(r->json, "run_single_mechanism")) {
		/* epoch_mechanism for one mechanism with the whole emission */
		in.last_update = m.mech[0].last_update;
		in.n_last_update = m.mech[0].n_last_update;
		in.weights = m.mech[0].weights;
		in.bonds = m.mech[0].bonds;
		rc = dn_epoch_run(c->ws, &c->hp.p, &in, DN_EPOCH_SPARSE, &single, &err);
	} else {
		rc = dn_epoch_run_mechanisms(c->ws, &c->hp.p, &in, m.mech, m.count, split, nsplit,
					     &mr, &err);
	}
	if (rc) {
		nd_vbad(r, "mechanisms", "the epoch rejected its input: %s (%s, row %u)",
			dn_epoch_strerror(rc), err.field ? err.field : "?", err.row);
		rc = -1;
		goto out;
	}
	json_t *list = nd_vget(r->json, "expect");
	for (size_t k = 0; json_is_array(list) && k < json_array_size(list); k++) {
		char e[64], p[96];
		int64_t mech = 0, uid = 0;
		snprintf(e, sizeof(e), "expect[%zu]", k);
		snprintf(p, sizeof(p), "%s.what", e);
		const char *what = nd_vstr(r, p);
		if (!what) {
			nd_vbad(r, p, "missing");
			rc = -1;
			goto out;
		}
		snprintf(p, sizeof(p), "%s.mech", e);
		if (nd_vint(r, p, 0, (int64_t)(single ? 0 : m.count - 1), &mech))
			goto fail;
		snprintf(p, sizeof(p), "%s.uid", e);
		json_t *u = nd_vget(r->json, p);
		if (u && !json_is_null(u) && nd_vint(r, p, 0, (int64_t)c->n - 1, &uid))
			goto fail;
		const struct dn_epoch_result *res = single ? single : mr->mech[mech];
		snprintf(c->where, sizeof(c->where), "mechanism %lld", (long long)mech);
		if (strcmp(what, "bond_row_u16") == 0) {
			if (check_bond_row(c, e, res, (uint32_t)uid, (unsigned)mech))
				goto fail;
			continue;
		}
		dn_i128 got;
		if (!mobserve(res, what, (uint32_t)uid, &got)) {
			snprintf(p, sizeof(p), "%s.what", e);
			nd_vbad(r, p, "unknown quantity '%s'", what);
			goto fail;
		}
		char label[32];
		snprintf(label, sizeof(label), "[uid %lld]", (long long)uid);
		if (check_one(c, e, what, label, got))
			goto fail;
	}
	if (mr && nd_vget(r->json, "relations"))
		check_aggregation(c, mr);
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	mcase_release(&m);
	return r->bad ? -1 : rc;
}
