/*
 * A synthetic genesis of any size, for benchmarks and the mainnet-scale
 * scenario: the localnet's six dev accounts (funded as chain.h's default
 * genesis), `validators` validator hotkeys (each with its own coldkey)
 * registered on every subnet with root stake and alpha stake, and per
 * subnet an owner (coldkey and hotkey, uid 0) and miners filling it up to
 * `uids` (their hotkeys share one coldkey per subnet). Every subnet is
 * started with emission on, commit-reveal off (weights set directly), a
 * pool and a moving price drawn from the seed, and every validator's
 * weights over all miners set at genesis. Deterministic in the seed.
 *
 * Keys: account i's ed25519 seed is BLAKE2b-256("taodev-synth" || seed ||
 * i), so nd_synth_keypair gives any signer's key pair back.
 */
#ifndef ND_SYNTH_H
#define ND_SYNTH_H

#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/keys.h"

struct nd_synth_opts {
	unsigned subnets; /* besides root, 1 .. 1024 */
	unsigned uids; /* per subnet, >= validators + 2, <= 4096 */
	unsigned validators; /* <= 64 */
	uint64_t seed;
};

/* Account roles, by index. */
#define ND_SYNTH_DEV 6 /* accounts 0-5: alice .. ferdie */

struct nd_synth;

/* The genesis (owned by the returned struct: nd_synth_genesis). NULL
 * with a message in err (cap bytes) for options out of range. */
struct nd_synth *nd_synth_new(const struct nd_synth_opts *o, char *err, size_t cap);
void nd_synth_free(struct nd_synth *s);
const struct dn_genesis *nd_synth_genesis(const struct nd_synth *s);

/* The key pair of account index i of the genesis. */
void nd_synth_keypair(const struct nd_synth *s, uint32_t i, struct dn_keypair *kp);

/* Indices: validator v's hotkey and coldkey; subnet k's (0-based) owner
 * coldkey, and its miners' coldkey. */
uint32_t nd_synth_validator_hotkey(const struct nd_synth *s, unsigned v);
uint32_t nd_synth_validator_coldkey(const struct nd_synth *s, unsigned v);

#endif
