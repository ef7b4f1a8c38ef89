/*
 * Blocks: a header and signed extrinsics, their canonical encoding and
 * hashes, and the two ways a block meets the chain: built by its author
 * or imported by every other node.
 *
 * header = number:u64 parent[32] author[32] state_root[32]
 *          extrinsics_root[32]                      (SCALE, fixed 136 bytes)
 * block  = header, compact count, each extrinsic as a compact-length blob
 * The block hash is BLAKE2b-256 of the header's encoding; the extrinsics
 * root is BLAKE2b-256 of the count (u32 LE) and the extrinsics' hashes.
 *
 * Applying block b to a chain at block b - 1 (Substrate's order):
 *  1. System::initialize: parent_hash = the header's parent, the author
 *     takes the block's fees;
 *  2. on_initialize (dn_chain_initialize: burn decay, emission, coinbase,
 *     epochs, EMA prices, root claims: dtao.md section 1);
 *  3. the extrinsics in order (dn_extrinsic_apply): a valid one whose call
 *     fails is an event, an invalid one (signature, nonce, signer) makes
 *     the whole block invalid;
 *  4. the state root (devnet/stateroot.h) of the state after the block.
 * The state keeps the parent's hash, not the block's own (the header holds
 * the state root); c->head_hash records the block's hash for the next.
 *
 * Rollback: a block refused after step 1 (an invalid extrinsic, a state
 * root that differs) leaves the chain partly applied; the caller must
 * reload the state (devnet/store.h, or dn_chain_decode of a copy).
 */
#ifndef DN_BLOCK_H
#define DN_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/extrinsic.h"
#include "devnet/stateroot.h"

#define DN_BLOCK_MAX_XT 65536 /* extrinsics per block */
#define DN_HEADER_SIZE 136

/* Errors; codes at or above DN_BLOCK_EAPPLIED mean the chain was changed. */
#define DN_BLOCK_ENUMBER (-401) /* not the next block number */
#define DN_BLOCK_EPARENT (-402) /* its parent is not the chain's head */
#define DN_BLOCK_EXTROOT (-403) /* the extrinsics root does not match */
#define DN_BLOCK_EXTRINSIC (-404) /* an invalid extrinsic (chain partly applied) */
#define DN_BLOCK_ESTATEROOT (-405) /* the state root differs (chain applied) */
#define DN_BLOCK_ESTATE (-406) /* on_initialize failed (a bug; chain partly applied) */

const char *dn_block_strerror(int err);

struct dn_header {
	uint64_t number;
	uint8_t parent[32];
	uint8_t author[32]; /* public key */
	uint8_t state_root[32];
	uint8_t extrinsics_root[32];
};

struct dn_block {
	struct dn_header h;
	size_t n, cap;
	struct dn_extrinsic *xt; /* owned */
};

void dn_header_encode(const struct dn_header *h, struct dn_enc *e);
int dn_header_decode(struct dn_dec *d, struct dn_header *h);
void dn_header_hash(const struct dn_header *h, uint8_t out[32]);

void dn_block_init(struct dn_block *b);
void dn_block_release(struct dn_block *b);
/* Appends a copy of x. */
void dn_block_push(struct dn_block *b, const struct dn_extrinsic *x);

void dn_block_encode(const struct dn_block *b, struct dn_enc *e);
/* Decodes exactly n bytes into b (initialised; its old extrinsics are
 * released). 0 or a DN_CODEC_* / DN_XT_EDECODE code, b then empty. */
int dn_block_decode(const uint8_t *p, size_t n, struct dn_block *b);

void dn_block_extrinsics_root(const struct dn_extrinsic *xt, size_t n, uint8_t out[32]);

/* The genesis header of a chain just made (number = its block, zero
 * parent and author, its state root, the empty extrinsics root); sets
 * c->genesis_hash and c->head_hash to its hash. */
void dn_block_genesis(struct dn_chain *c, struct dn_stateroot *r, struct dn_header *out);

/* The author's side: block c->block + 1 with the valid extrinsics of
 * pool[npool] in order (invalid ones are left out and counted in
 * *skipped, may be NULL), applied to c; out receives the block with its
 * header. ev (may be NULL) receives the events. 0 or DN_BLOCK_ESTATE. */
int dn_block_build(struct dn_chain *c, struct dn_stateroot *r, const uint8_t author[32],
		   const struct dn_extrinsic *pool, size_t npool, struct dn_block *out,
		   size_t *skipped, struct dn_block_events *ev, struct dn_chain_err *err);

/* Every other node: checks the number, parent and extrinsics root
 * (nothing changed when they fail), applies the block, and compares the
 * state root. 0 or a DN_BLOCK_* code with *err naming what differed. */
int dn_block_import(struct dn_chain *c, struct dn_stateroot *r, const struct dn_block *b,
		    struct dn_block_events *ev, struct dn_chain_err *err);

#endif
