/*
 * Checkers for the epoch records of tests/vectors/epoch.json: whole epochs
 * (`epoch_scenario`), several mechanisms (`mechanism_scenario`,
 * `mechanism_relation`), the liquid-alpha relation (`relation`), the
 * epoch input guard (`consistency`) and the alpha-values setter's rules
 * (`validation`, through devnet/ops.h); also lists the math checkers.
 */
#include "devnet/chain.h"
#include "devnet/epoch.h"
#include "devnet/mathx.h"
#include "devnet/ops.h"
#include "nodes/epochcase.h"
#include "nodes/verify.h"

#include <stdio.h>
#include <string.h>

static enum nd_vstatus tally_status(struct nd_vrec *r, const struct nd_ecase_tally *t,
				    struct nd_vout *o)
{
	if (r->bad)
		return ND_V_FAIL;
	if (t->checked == 0) {
		nd_vout_printf(o, "no expectation to check");
		return ND_V_SKIP;
	}
	if (t->failed)
		nd_vout_printf(o, "%d of %d expectations failed", t->failed, t->checked);
	return t->failed ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus check_epoch_scenario(struct nd_vrec *r, struct nd_vout *o)
{
	struct nd_ecase_tally t = {0};
	nd_ecase_run(r, -1, NULL, o, &t);
	return tally_status(r, &t, o);
}

static enum nd_vstatus check_mechanism(struct nd_vrec *r, struct nd_vout *o)
{
	struct nd_ecase_tally t = {0};
	nd_mcase_run(r, o, &t);
	return tally_status(r, &t, o);
}

/* compute_bonds (dense) with liquid alpha on, alpha_low = alpha_high, is
 * the fixed-alpha EMA up to the alpha's u16 rounding. */
static enum nd_vstatus check_relation(struct nd_vrec *r, struct nd_vout *o)
{
	dn_i128 *w, *b, *cons, eps;
	size_t wr, wc, br, bc, nc;
	int64_t *alpha_u16;
	size_t na;
	uint64_t bma;
	nd_vfx_dense(r, "inputs.weights", ND_I32F32, &w, &wr, &wc);
	nd_vfx_dense(r, "inputs.bonds", ND_I32F32, &b, &br, &bc);
	nd_vfx_vec(r, "inputs.consensus", ND_I32F32, &cons, &nc);
	nd_vint_vec(r, "inputs.alpha_values_u16", 0, UINT16_MAX, &alpha_u16, &na);
	nd_vu64(r, "inputs.bonds_moving_average", &bma);
	nd_vtolerance(r, ND_I32F32, &eps);
	if (r->bad)
		return ND_V_FAIL;
	if (na != 2) {
		nd_vbad(r, "inputs.alpha_values_u16", "expected [alpha_low, alpha_high]");
		return ND_V_FAIL;
	}
	struct dn_mat W = {(uint32_t)wr, (uint32_t)wc, wr * wc, nd_valloc(r, wr * wc + 1, 8)};
	struct dn_mat B = {(uint32_t)br, (uint32_t)bc, br * bc, nd_valloc(r, br * bc + 1, 8)};
	dn_i32f32 *C = nd_valloc(r, nc, sizeof(dn_i32f32));
	for (size_t i = 0; i < wr * wc; i++)
		W.v[i] = (dn_i32f32)w[i];
	for (size_t i = 0; i < br * bc; i++)
		B.v[i] = (dn_i32f32)b[i];
	for (size_t i = 0; i < nc; i++)
		C[i] = (dn_i32f32)cons[i];
	size_t cap = (wr + br) * (wc + bc) + 1;
	struct dn_mat alphas = {0, 0, cap, nd_valloc(r, cap, 8)};
	struct dn_mat on = {0, 0, cap, nd_valloc(r, cap, 8)};
	struct dn_mat off = {0, 0, cap, nd_valloc(r, cap, 8)};
	struct dn_mx_liquid lp = {
		.alpha_low = dn_fx_from_u16_proportion((uint16_t)alpha_u16[0]),
		.alpha_high = dn_fx_from_u16_proportion((uint16_t)alpha_u16[1]),
		.steepness = dn_fx_from_int(1000),
	};
	if (dn_mx_liquid_alpha(&W, &B, C, nc, &lp, &alphas) ||
	    dn_mx_mat_ema_alpha(&W, &B, &alphas, &on) ||
	    dn_mx_mat_ema(&W, &B, dn_mx_ema_alpha_from_bma(bma), &off)) {
		nd_vout_printf(o, "a math helper ran out of space");
		return ND_V_FAIL;
	}
	if (on.rows != off.rows || on.cols != off.cols) {
		nd_vout_printf(o, "liquid %ux%u vs fixed %ux%u", on.rows, on.cols, off.rows,
			       off.cols);
		return ND_V_FAIL;
	}
	size_t n = (size_t)on.rows * on.cols;
	dn_i128 *g = nd_valloc(r, n, sizeof(dn_i128)), *x = nd_valloc(r, n, sizeof(dn_i128));
	for (size_t i = 0; i < n; i++) {
		g[i] = on.v[i];
		x[i] = off.v[i];
	}
	return nd_vcmp_fx_vec(o, "liquid vs fixed", ND_I32F32, g, n, x, n, eps) ? ND_V_FAIL
										: ND_V_PASS;
}

/* is_epoch_input_state_consistent over {"uid": hotkey} maps. */
static int consistent(struct nd_vrec *r, const char *path, bool *out)
{
	json_t *map = nd_vneed(r, path);
	const char *key;
	json_t *v;
	if (!map)
		return -1;
	if (!json_is_object(map))
		return nd_vbad(r, path, "expected an object of uid: hotkey");
	size_t n = json_object_size(map), k = 0;
	uint64_t *keys = nd_valloc(r, n, sizeof(uint64_t));
	json_object_foreach(map, key, v)
	{
		char p[192];
		snprintf(p, sizeof(p), "%s.%s", path, key);
		if (nd_vu64_node(r, v, p, &keys[k++]))
			return -1;
	}
	*out = dn_epoch_hotkeys_consistent(keys, n, sizeof(uint64_t));
	return 0;
}

static enum nd_vstatus check_consistency(struct nd_vrec *r, struct nd_vout *o)
{
	json_t *inputs = nd_vneed(r, "inputs");
	const char *key;
	json_t *v;
	int bad = 0;
	if (!inputs)
		return ND_V_FAIL;
	if (json_object_get(inputs, "keys_uid_to_hotkey")) {
		bool got, want;
		if (consistent(r, "inputs.keys_uid_to_hotkey", &got) ||
		    nd_vbool_node(r, nd_vneed(r, "expected.bool"), "expected.bool", &want))
			return ND_V_FAIL;
		return nd_vcmp_bool_vec(o, "consistent", &got, 1, &want, 1) ? ND_V_FAIL : ND_V_PASS;
	}
	/* one map per subnet: the check is per subnet */
	json_object_foreach(inputs, key, v)
	{
		char in[160], ex[160];
		bool got, want;
		snprintf(in, sizeof(in), "inputs.%s", key);
		snprintf(ex, sizeof(ex), "expected.%s", key);
		if (consistent(r, in, &got) || nd_vbool_node(r, nd_vneed(r, ex), ex, &want))
			return ND_V_FAIL;
		bad += nd_vcmp_bool_vec(o, key, &got, 1, &want, 1);
	}
	return bad ? ND_V_FAIL : ND_V_PASS;
}

/* One do_set_alpha_values case on a one-subnet chain: account 0 owns
 * subnet 1, account 1 is someone else, account 2 is sudo. Returns the
 * result as the vectors spell it ("Ok", "Err(Name)"). */
static void alpha_case(bool liquid, bool owner, uint16_t low, uint16_t high, char *out, size_t cap,
		       struct dn_chain **keep)
{
	struct dn_genesis_account acc[4] = {0};
	for (int i = 0; i < 4; i++) {
		acc[i].key[0] = (uint8_t)(i + 1);
		acc[i].free = 1000000000000ull;
	}
	struct dn_genesis_hotkey hk = {3, 0, 0};
	struct dn_subnet_hparams hp;
	dn_subnet_hparams_default(&hp);
	hp.liquid_alpha = liquid;
	struct dn_genesis_subnet sn = {1,    0,	   3, 0,  1000000000000ull, 1000000000000ull,
				       true, true, 0, &hp};
	struct dn_genesis g = {.block = 1,
			       .naccounts = 4,
			       .accounts = acc,
			       .sudo = 2,
			       .nhotkeys = 1,
			       .hotkeys = &hk,
			       .nsubnets = 1,
			       .subnets = &sn};
	struct dn_chain *c = dn_chain_new(&g, NULL);
	struct dn_ops_err e;
	int rc = c ? dn_ops_set_alpha_values(c, acc[owner ? 0 : 1].key, 1, low, high, &e)
		   : DN_OPS_EINVAL;
	if (rc == 0)
		snprintf(out, cap, "Ok");
	else
		snprintf(out, cap, "Err(%s)", dn_ops_strerror(rc));
	if (keep && rc == 0)
		*keep = c;
	else
		dn_chain_free(c);
}

/* do_set_alpha_values: each case's result kind, and the I32F32 values the
 * epoch reads back (get_alpha_values_32, truncating division) within the
 * record's f32 tolerance. */
static enum nd_vstatus check_validation(struct nd_vrec *r, struct nd_vout *o)
{
	json_t *cases = nd_vneed(r, "inputs.cases");
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_array(cases) || json_array_size(cases) == 0) {
		nd_vbad(r, "inputs.cases", "expected a non-empty array");
		return ND_V_FAIL;
	}
	int checked = 0;
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *k = json_array_get(cases, i);
		char path[64];
		snprintf(path, sizeof(path), "inputs.cases[%zu]", i);
		int64_t low, high;
		bool liquid = true;
		json_t *lq = json_object_get(k, "liquid_alpha_enabled");
		if (lq)
			nd_vbool_node(r, lq, path, &liquid);
		nd_vint_node(r, json_object_get(k, "alpha_low"), path, 0, UINT16_MAX, &low);
		nd_vint_node(r, json_object_get(k, "alpha_high"), path, 0, UINT16_MAX, &high);
		const char *want = json_string_value(json_object_get(k, "expect"));
		const char *caller = json_string_value(json_object_get(k, "caller"));
		if (!want)
			nd_vbad(r, path, "no 'expect'");
		if (r->bad)
			return ND_V_FAIL;
		bool owner = !(caller && strstr(caller, "not"));
		char got[96];
		struct dn_chain *c = NULL;
		alpha_case(liquid, owner, (uint16_t)low, (uint16_t)high, got, sizeof(got), &c);
		checked++;
		if (strcmp(got, want) != 0)
			nd_vout_printf(o, "case %zu (%d, %d): got %s, want %s\n", i, (int)low,
				       (int)high, got, want);
		if (c) { /* get_alpha_values_32 reads back what was stored */
			const struct dn_subnet *s = dn_chain_subnet(c, 1);
			double lo =
				(double)(((int64_t)s->hp.alpha_low << 32) / 65535) / 4294967296.0;
			double hi =
				(double)(((int64_t)s->hp.alpha_high << 32) / 65535) / 4294967296.0;
			double dl = lo - (float)((double)low / 65535.0);
			double dh = hi - (float)((double)high / 65535.0);
			if (dl > 1e-6 || dl < -1e-6 || dh > 1e-6 || dh < -1e-6)
				nd_vout_printf(o,
					       "case %zu: alpha values read back as %.9f, %.9f\n",
					       i, lo, hi);
			dn_chain_free(c);
		}
	}
	return o->len ? ND_V_FAIL : ND_V_PASS;
}

const struct nd_vkind nd_vkinds_epoch[] = {
	{"math", nd_verify_math, NULL},
	{"mechanism_math", nd_verify_mechanism_math, NULL},
	{"epoch_scenario", check_epoch_scenario, NULL},
	{"mechanism_scenario", check_mechanism, NULL},
	{"mechanism_relation", check_mechanism, NULL},
	{"relation", check_relation, NULL},
	{"consistency", check_consistency, NULL},
	{"validation", check_validation, NULL},
	{NULL, NULL, NULL},
};
