/*
 * Background traffic (see traffic.h).
 */
#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"
#include "nodes/rng.h"
#include "nodes/traffic.h"

#define TAO 1000000000ULL

static const char *const coldkeys[] = {"alice", "bob", "charlie", "dave", "eve", "ferdie"};
static const char *const validators[] = {"alice//validator", "bob//validator",
					 "charlie//validator"};
#define NCOLD 6
#define NVAL 3
#define WEIGHTS_EVERY 50 /* blocks between a validator's weight updates */

struct nd_traffic {
	uint64_t seed;
	struct dn_keypair cold[NCOLD], val[NVAL];
};

struct nd_traffic *nd_traffic_new(uint64_t seed)
{
	struct nd_traffic *t = xcalloc(1, sizeof(*t));
	t->seed = seed;
	for (int i = 0; i < NCOLD; i++)
		if (dn_keys_dev(coldkeys[i], &t->cold[i]))
			goto fail;
	for (int i = 0; i < NVAL; i++)
		if (dn_keys_dev(validators[i], &t->val[i]))
			goto fail;
	return t;
fail:
	free(t);
	return NULL;
}

void nd_traffic_free(struct nd_traffic *t) { free(t); }

struct batch {
	const struct dn_chain *c;
	struct dn_extrinsic *pool;
	size_t n;
	uint32_t used[NCOLD + NVAL]; /* nonces taken within the block */
};

static void push(struct batch *b, const struct dn_keypair *kp, int slot, const struct dn_call *call)
{
	uint32_t a = dn_chain_account(b->c, kp->public_key);
	if (a == DN_CHAIN_NONE || b->n >= ND_TRAFFIC_MAX)
		return;
	dn_extrinsic_sign(&b->pool[b->n++], kp, b->c->acct[a].nonce + b->used[slot]++,
			  b->c->genesis_hash, call);
}

size_t nd_traffic_block(struct nd_traffic *t, const struct dn_chain *c,
			struct dn_extrinsic pool[ND_TRAFFIC_MAX])
{
	uint64_t block = c->block + 1;
	struct nd_rng r;
	nd_rng_seed(&r, t->seed ^ (block * 0x9e3779b97f4a7c15ULL));
	struct batch b = {.c = c, .pool = pool};
	struct dn_call call;

	if (nd_rng_below(&r, 2) == 0) { /* a transfer between dev accounts */
		int from = (int)nd_rng_below(&r, NCOLD), to = (int)nd_rng_below(&r, NCOLD);
		call = (struct dn_call){.kind = DN_CALL_TRANSFER_KEEP_ALIVE,
					.amount = (1 + nd_rng_below(&r, 100)) * TAO / 10};
		memcpy(call.dest, t->cold[to].public_key, 32);
		push(&b, &t->cold[from], from, &call);
	}
	if (nd_rng_below(&r, 3) == 0) { /* stake to a validator */
		int who = (int)nd_rng_below(&r, 3), v = (int)nd_rng_below(&r, NVAL);
		call = (struct dn_call){.kind = DN_CALL_ADD_STAKE,
					.netuid = (uint16_t)(1 + nd_rng_below(&r, 4)),
					.amount = (1 + nd_rng_below(&r, 100)) * TAO};
		memcpy(call.hotkey, t->val[v].public_key, 32);
		push(&b, &t->cold[who], who, &call);
	}
	if (nd_rng_below(&r, 4) == 0) { /* and unstake some */
		int who = (int)nd_rng_below(&r, 3), v = (int)nd_rng_below(&r, NVAL);
		call = (struct dn_call){.kind = DN_CALL_REMOVE_STAKE,
					.netuid = (uint16_t)(1 + nd_rng_below(&r, 4)),
					.amount = (1 + nd_rng_below(&r, 50)) * TAO};
		memcpy(call.hotkey, t->val[v].public_key, 32);
		push(&b, &t->cold[who], who, &call);
	}
	/* validators refresh their weights over the miners of subnets 1-3 */
	for (int v = 0; v < NVAL; v++) {
		if ((block + (uint64_t)v * 17) % WEIGHTS_EVERY != 0)
			continue;
		for (uint16_t netuid = 1; netuid <= 3; netuid++) {
			const struct dn_subnet *s = dn_chain_subnet(c, netuid);
			if (!s || s->n < 2)
				continue;
			uint16_t uids[64], vals[64];
			uint32_t n = 0;
			for (uint32_t u = 0; u < s->n && n < 64; u++) {
				uids[n] = (uint16_t)u;
				vals[n++] = (uint16_t)nd_rng_below(&r, 65536);
			}
			call = (struct dn_call){.kind = DN_CALL_SET_WEIGHTS, .netuid = netuid};
			dn_call_set_vec(&call.uids, &call.nuids, uids, n);
			dn_call_set_vec(&call.values, &call.nvalues, vals, n);
			push(&b, &t->val[v], NCOLD + v, &call);
			dn_call_release(&call);
		}
	}
	return b.n;
}
