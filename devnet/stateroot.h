/*
 * The state root: one BLAKE2b-256 digest of the whole chain state that any
 * node recomputes after a block and compares with the header's.
 *
 * The state is cut into parts (chain.h's dn_chain_encode_* : the globals,
 * accounts in buckets of DN_STATEROOT_BUCKET, one stake net per netuid,
 * the root claims, each subnet's head and neurons). Each part's digest is
 * BLAKE2b-256 of its canonical encoding; the root is BLAKE2b-256 of a
 * domain tag, the number of parts and their digests in order. A cache
 * (struct dn_stateroot) keeps the digests and rehashes only the parts that
 * changed: subnet neurons and stake records by their change counters
 * (dn_subnet.gen, dn_stake.gen), account balances by comparison with a
 * copy; the small parts (globals, subnet heads, claims) are hashed every
 * time. dn_stateroot_full computes the same root from scratch, without a
 * cache: the tests compare the two after random blocks.
 *
 * Assumes subnets are never dissolved and re-registered under the same
 * netuid within one cache's life (taodev does not dissolve subnets).
 */
#ifndef DN_STATEROOT_H
#define DN_STATEROOT_H

#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"

#define DN_STATEROOT_BUCKET 256 /* accounts per part */

struct dn_stateroot;

/* What the last dn_stateroot_compute did. */
struct dn_stateroot_stats {
	size_t parts; /* digests in the root */
	size_t rehashed; /* parts hashed again */
	uint64_t bytes; /* bytes encoded and hashed */
};

struct dn_stateroot *dn_stateroot_new(void);
void dn_stateroot_free(struct dn_stateroot *r);

/* The root of c's state, reusing what the cache knows. One cache follows
 * one chain (another chain needs its own cache, or a fresh one). */
void dn_stateroot_compute(struct dn_stateroot *r, const struct dn_chain *c, uint8_t root[32]);
const struct dn_stateroot_stats *dn_stateroot_stats(const struct dn_stateroot *r);

/* The same root, everything hashed. */
void dn_stateroot_full(const struct dn_chain *c, uint8_t root[32]);

#endif
