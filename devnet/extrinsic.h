/*
 * Signed extrinsics: the calls an account can make, their canonical
 * encoding, ed25519 signatures, and their application to the chain.
 *
 * An extrinsic is (signer, nonce, call, signature). The signature covers
 * the signed payload as Substrate builds it: the call's encoding, the
 * signer's nonce (u32 LE) and the genesis hash, the whole hashed with
 * BLAKE2b-256 first when longer than 256 bytes. So an extrinsic is only
 * valid on the chain of that genesis, once, at that nonce: a forged one
 * fails the signature, a replayed one meets a moved nonce.
 *
 * Applying one (dn_extrinsic_apply) first validates it (the signer is a
 * known account, the nonce is the account's, the signature holds): an
 * invalid extrinsic changes nothing and makes a block that holds it
 * invalid. A valid one bumps the nonce, then dispatches the call to
 * devnet/ops.h; the call may still fail with the chain's error (the nonce
 * stays used, as the chain keeps a failed dispatch's nonce and fee).
 * taodev charges no transaction fees.
 *
 * Encoding (SCALE, devnet/codec.h):
 *   extrinsic = signer[32] nonce:u32 signature[64] call
 *   call      = kind:u8, then the kind's fields in the order of struct
 *               dn_call's comments; vectors as compact length + u16 LE each
 * The decoder rejects unknown kinds, vectors above DN_CALL_MAX_VEC, bad
 * bools, trailing bytes and truncation.
 */
#ifndef DN_EXTRINSIC_H
#define DN_EXTRINSIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/keys.h"
#include "devnet/ops.h"

#define DN_CALL_MAX_VEC 4096 /* uids, values or salt per call */
#define DN_EXTRINSIC_MAX_SIZE (32 + 4 + 64 + 1 + 64 + 3 * (5 + 2 * DN_CALL_MAX_VEC) + 64)

/* Validity errors: the extrinsic is refused and changes nothing
 * (sp_runtime's TransactionValidityError names in the comments). */
#define DN_XT_EBADPROOF (-301) /* InvalidTransaction::BadProof: wrong signature or genesis */
#define DN_XT_ESTALE (-302) /* InvalidTransaction::Stale: nonce already used */
#define DN_XT_EFUTURE (-303) /* InvalidTransaction::Future: nonce ahead of the account's */
#define DN_XT_ENOACCOUNT \
	(-304) /* InvalidTransaction::Payment: the signer has no account (on the chain it
		  could not pay the fee) */
#define DN_XT_EDECODE (-305) /* malformed encoding */

const char *dn_extrinsic_strerror(int err);

enum dn_call_kind {
	DN_CALL_TRANSFER, /* Balances::transfer_allow_death(dest, amount) */
	DN_CALL_TRANSFER_KEEP_ALIVE, /* Balances::transfer_keep_alive(dest, amount) */
	DN_CALL_ADD_STAKE, /* (hotkey, netuid, amount) */
	DN_CALL_ADD_STAKE_LIMIT, /* (hotkey, netuid, amount, limit_price, allow_partial) */
	DN_CALL_REMOVE_STAKE, /* (hotkey, netuid, amount) */
	DN_CALL_REMOVE_STAKE_LIMIT, /* (hotkey, netuid, amount, limit_price, allow_partial) */
	DN_CALL_MOVE_STAKE, /* (hotkey, hotkey2, netuid, netuid2, amount) */
	DN_CALL_SWAP_STAKE, /* (hotkey, netuid, netuid2, amount) */
	DN_CALL_SWAP_STAKE_LIMIT, /* (hotkey, netuid, netuid2, amount, limit_price,
				     allow_partial) */
	DN_CALL_INCREASE_TAKE, /* (hotkey, take) */
	DN_CALL_DECREASE_TAKE, /* (hotkey, take) */
	DN_CALL_REGISTER_NETWORK, /* (hotkey) */
	DN_CALL_START_CALL, /* (netuid) */
	DN_CALL_BURNED_REGISTER, /* (netuid, hotkey) */
	DN_CALL_SERVE_AXON, /* (netuid, axon: version:u32 ip:u128 port:u16 ip_type:u8
			       protocol:u8) signed by the hotkey */
	DN_CALL_SET_WEIGHTS, /* (netuid, uids, values, version_key) signed by the hotkey */
	DN_CALL_COMMIT_WEIGHTS, /* (netuid, hash) signed by the hotkey */
	DN_CALL_REVEAL_WEIGHTS, /* (netuid, uids, values, salt, version_key) */
	DN_CALL_SET_HPARAM, /* (netuid, hparam:u8, value:i64) owner or sudo */
	DN_CALL_SET_ALPHA_VALUES, /* (netuid, alpha_low, alpha_high) */
	DN_CALL_COUNT
};

/* The call's name, as the chain's dispatchable ("add_stake", ...), and
 * the lookup by name (DN_CALL_COUNT when unknown). */
const char *dn_call_name(enum dn_call_kind k);
enum dn_call_kind dn_call_by_name(const char *name);

/* One call; only the fields of its kind are meaningful (and encoded). */
struct dn_call {
	enum dn_call_kind kind;
	uint8_t dest[32]; /* transfer destination */
	uint8_t hotkey[32], hotkey2[32]; /* hotkey2: move_stake's destination */
	uint16_t netuid, netuid2; /* netuid2: move/swap destination */
	uint64_t amount; /* rao (TAO or alpha) */
	uint64_t limit_price; /* rao per alpha */
	bool allow_partial;
	uint16_t take;
	struct dn_axon axon; /* block is set by the chain */
	uint64_t version_key;
	uint8_t hash[32]; /* commit hash */
	enum dn_hparam hparam;
	int64_t value;
	uint16_t alpha_low, alpha_high;
	uint32_t nuids, nvalues, nsalt; /* at most DN_CALL_MAX_VEC */
	uint16_t *uids, *values, *salt; /* owned by the call */
};

/* Frees the call's vectors (the struct itself is the caller's). */
void dn_call_release(struct dn_call *call);
/* Copies the vectors: dst owns its own. */
void dn_call_copy(struct dn_call *dst, const struct dn_call *src);
/* Sets a vector of the call (copies n values). */
void dn_call_set_vec(uint16_t **vec, uint32_t *n, const uint16_t *v, size_t count);

void dn_call_encode(const struct dn_call *call, struct dn_enc *e);
/* Decodes one call from d (no trailing-byte check). */
int dn_call_decode(struct dn_dec *d, struct dn_call *call);

struct dn_extrinsic {
	uint8_t signer[32];
	uint32_t nonce;
	uint8_t signature[64];
	struct dn_call call;
};

void dn_extrinsic_release(struct dn_extrinsic *x);
void dn_extrinsic_copy(struct dn_extrinsic *dst, const struct dn_extrinsic *src);

/* The payload a signer signs (appended to e). */
void dn_extrinsic_payload(const struct dn_call *call, uint32_t nonce, const uint8_t genesis[32],
			  struct dn_enc *e);

/* Fills x (signer, nonce, signature) for call, which is copied. */
void dn_extrinsic_sign(struct dn_extrinsic *x, const struct dn_keypair *kp, uint32_t nonce,
		       const uint8_t genesis[32], const struct dn_call *call);

void dn_extrinsic_encode(const struct dn_extrinsic *x, struct dn_enc *e);
/* Decodes exactly n bytes; x owns its vectors afterwards (release it).
 * Returns 0 or a DN_CODEC_* / DN_XT_EDECODE error; x is then empty. */
int dn_extrinsic_decode(const uint8_t *p, size_t n, struct dn_extrinsic *x);

/* BLAKE2b-256 of the extrinsic's encoding. */
void dn_extrinsic_hash(const struct dn_extrinsic *x, uint8_t out[32]);

/* Whether x may be applied now to c: the signer's account exists, the
 * nonce is its nonce, and the signature holds for c's genesis hash. 0 or
 * a DN_XT_* error with *err filled. Changes nothing. */
int dn_extrinsic_validate(const struct dn_chain *c, const struct dn_extrinsic *x,
			  struct dn_ops_err *err);

/* What the dispatch gave back (one of these, by kind). */
struct dn_call_result {
	int code; /* 0 or the DN_OPS_* error of the dispatch */
	uint64_t alpha; /* staked or received (add_stake*, swap_stake*) */
	uint64_t tao; /* received (remove_stake*), moved (move_stake) or burned
			 (burned_register) */
	uint16_t netuid; /* register_network */
	uint16_t uid; /* burned_register */
};

/* Validates x (DN_XT_* error and nothing changed when invalid), then bumps
 * the nonce and dispatches. Returns 0 when the extrinsic was valid: the
 * dispatch's own outcome is in *res (and its message in *err). */
int dn_extrinsic_apply(struct dn_chain *c, const struct dn_extrinsic *x, struct dn_call_result *res,
		       struct dn_ops_err *err);

/* Dispatches a call as signer (no signature or nonce): what RPC's sudo
 * helpers and tests use. Returns the DN_OPS_* code. */
int dn_call_dispatch(struct dn_chain *c, const uint8_t signer[32], const struct dn_call *call,
		     struct dn_call_result *res, struct dn_ops_err *err);

#endif
