/*
 * Checker for `mechanism_math` records: mechanism storage indices and the
 * emission split between a subnet's mechanisms (devnet/mechanism.h).
 */
#include "devnet/mechanism.h"
#include "nodes/verify.h"

#include <string.h>

static enum nd_vstatus split_emissions(struct nd_vrec *r, struct nd_vout *o)
{
	int64_t count;
	uint64_t alpha, *want;
	size_t nwant, nsplit = 0;
	int64_t *split64 = NULL;
	nd_vint(r, "inputs.mechanism_count", 0, DN_MAX_MECHANISMS, &count);
	nd_vu64(r, "inputs.alpha", &alpha);
	json_t *s = nd_vget(r->json, "inputs.emission_split_u16");
	if (s && !json_is_null(s))
		nd_vint_vec(r, "inputs.emission_split_u16", 0, UINT16_MAX, &split64, &nsplit);
	nd_vu64_vec(r, "expected.per_mechanism", &want, &nwant);
	if (r->bad)
		return ND_V_FAIL;
	uint16_t *split = nd_valloc(r, nsplit, sizeof(uint16_t));
	for (size_t i = 0; i < nsplit; i++)
		split[i] = (uint16_t)split64[i];
	uint64_t *got = nd_valloc(r, (size_t)count, sizeof(uint64_t));
	dn_mechanism_split_emissions(alpha, (unsigned)count, split64 ? split : NULL, nsplit, got);
	int64_t *g = nd_valloc(r, (size_t)count, sizeof(int64_t));
	int64_t *w = nd_valloc(r, nwant, sizeof(int64_t));
	for (size_t i = 0; i < (size_t)count; i++)
		g[i] = (int64_t)got[i];
	for (size_t i = 0; i < nwant; i++)
		w[i] = (int64_t)want[i];
	return nd_vcmp_int_vec(o, "per_mechanism", g, (size_t)count, w, nwant) ? ND_V_FAIL
									       : ND_V_PASS;
}

static enum nd_vstatus storage_index(struct nd_vrec *r, struct nd_vout *o)
{
	json_t *pairs = nd_vneed(r, "inputs.pairs_netuid_mecid");
	int64_t *want;
	size_t nwant;
	nd_vint_vec(r, "expected.index", 0, UINT16_MAX, &want, &nwant);
	if (r->bad)
		return ND_V_FAIL;
	if (!json_is_array(pairs) || json_array_size(pairs) != nwant) {
		nd_vbad(r, "inputs.pairs_netuid_mecid", "expected %zu [netuid, mecid] pairs",
			nwant);
		return ND_V_FAIL;
	}
	int64_t *got = nd_valloc(r, nwant, sizeof(int64_t));
	for (size_t i = 0; i < nwant; i++) {
		json_t *p = json_array_get(pairs, i);
		int64_t netuid, mecid;
		char path[96];
		snprintf(path, sizeof(path), "inputs.pairs_netuid_mecid[%zu]", i);
		if (!json_is_array(p) || json_array_size(p) != 2) {
			nd_vbad(r, path, "expected a [netuid, mecid] pair");
			return ND_V_FAIL;
		}
		if (nd_vint_node(r, json_array_get(p, 0), path, 0, UINT16_MAX, &netuid) ||
		    nd_vint_node(r, json_array_get(p, 1), path, 0, UINT8_MAX, &mecid))
			return ND_V_FAIL;
		got[i] = dn_mechanism_storage_index((uint16_t)netuid, (uint8_t)mecid);
	}
	return nd_vcmp_int_vec(o, "index", got, nwant, want, nwant) ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus from_index(struct nd_vrec *r, struct nd_vout *o)
{
	int64_t *idx, *want_netuid, *want_mecid;
	size_t n, nn, nm;
	nd_vint_vec(r, "inputs.index", 0, UINT16_MAX, &idx, &n);
	nd_vint_vec(r, "expected.netuid", 0, UINT16_MAX, &want_netuid, &nn);
	nd_vint_vec(r, "expected.mecid", 0, UINT8_MAX, &want_mecid, &nm);
	if (r->bad)
		return ND_V_FAIL;
	int64_t *netuid = nd_valloc(r, n, sizeof(int64_t));
	int64_t *mecid = nd_valloc(r, n, sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		uint16_t nu;
		uint8_t m;
		dn_mechanism_from_index((uint16_t)idx[i], &nu, &m);
		netuid[i] = nu;
		mecid[i] = m;
	}
	int bad = nd_vcmp_int_vec(o, "netuid", netuid, n, want_netuid, nn);
	bad += nd_vcmp_int_vec(o, "mecid", mecid, n, want_mecid, nm);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

static enum nd_vstatus index_constants(struct nd_vrec *r, struct nd_vout *o)
{
	int64_t subnets, mechs, product;
	nd_vint(r, "inputs.GLOBAL_MAX_SUBNET_COUNT", 0, INT32_MAX, &subnets);
	nd_vint(r, "inputs.MAX_MECHANISM_COUNT_PER_SUBNET", 0, INT32_MAX, &mechs);
	nd_vint(r, "expected.product", 0, INT64_MAX, &product);
	if (r->bad)
		return ND_V_FAIL;
	/* the inputs restate our constants; the product must hold for them */
	int bad = nd_vcmp_int(o, "GLOBAL_MAX_SUBNET_COUNT", DN_MAX_SUBNETS, subnets);
	bad += nd_vcmp_int(o, "MAX_MECHANISM_COUNT_PER_SUBNET", DN_MAX_MECHANISMS, mechs);
	bad += nd_vcmp_int(o, "product", (int64_t)DN_MAX_SUBNETS * DN_MAX_MECHANISMS, product);
	return bad ? ND_V_FAIL : ND_V_PASS;
}

static const struct {
	const char *prefix;
	enum nd_vstatus (*check)(struct nd_vrec *, struct nd_vout *);
} functions[] = {
	{"split_emissions", split_emissions},
	{"get_mechanism_storage_index", storage_index},
	{"get_netuid_and_subid", from_index},
	{"GLOBAL_MAX_SUBNET_COUNT * MAX_MECHANISM_COUNT_PER_SUBNET", index_constants},
};

enum nd_vstatus nd_verify_mechanism_math(struct nd_vrec *r, struct nd_vout *o)
{
	const char *fn = nd_vstr(r, "function");
	if (!fn) {
		nd_vbad(r, "function", "missing");
		return ND_V_FAIL;
	}
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (strncmp(fn, functions[i].prefix, strlen(functions[i].prefix)) == 0)
			return functions[i].check(r, o);
	nd_vout_printf(o, "function '%s' is not one taodev knows", fn);
	return ND_V_SKIP;
}
