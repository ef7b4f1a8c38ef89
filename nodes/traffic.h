/*
 * Background traffic for a devnet on the default genesis: the dev
 * accounts transfer, stake and unstake, and the genesis validators set
 * weights now and then, all through signed extrinsics. What a block gets
 * is a pure function of the seed, the block number and the chain state
 * (nonces), so a resumed run submits exactly what an uninterrupted one
 * would have. (The scenario issue replaces this with behaviours.)
 */
#ifndef ND_TRAFFIC_H
#define ND_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/extrinsic.h"

#define ND_TRAFFIC_MAX 16 /* extrinsics per block at most */

struct nd_traffic;

/* NULL if a dev key cannot be derived (a bug). */
struct nd_traffic *nd_traffic_new(uint64_t seed);
void nd_traffic_free(struct nd_traffic *t);

/* Fills pool with block c->block + 1's extrinsics, signed for c; returns
 * how many (release each with dn_extrinsic_release). */
size_t nd_traffic_block(struct nd_traffic *t, const struct dn_chain *c,
			struct dn_extrinsic pool[ND_TRAFFIC_MAX]);

#endif
