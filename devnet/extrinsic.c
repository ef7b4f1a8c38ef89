/*
 * Signed extrinsics (see extrinsic.h).
 */
#include <sodium.h>
#include <string.h>

#include "devnet/extrinsic.h"
#include "devnet/xalloc.h"

const char *dn_extrinsic_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_XT_EBADPROOF:
		return "bad signature (BadProof): not signed by the signer for this chain's "
		       "genesis";
	case DN_XT_ESTALE: return "nonce already used (Stale)";
	case DN_XT_EFUTURE: return "nonce ahead of the account's (Future)";
	case DN_XT_ENOACCOUNT: return "the signer has no account (Payment)";
	case DN_XT_EDECODE: return "malformed extrinsic";
	default: return dn_codec_strerror(err);
	}
}

static const char *const call_names[DN_CALL_COUNT] = {
	[DN_CALL_TRANSFER] = "transfer_allow_death",
	[DN_CALL_TRANSFER_KEEP_ALIVE] = "transfer_keep_alive",
	[DN_CALL_ADD_STAKE] = "add_stake",
	[DN_CALL_ADD_STAKE_LIMIT] = "add_stake_limit",
	[DN_CALL_REMOVE_STAKE] = "remove_stake",
	[DN_CALL_REMOVE_STAKE_LIMIT] = "remove_stake_limit",
	[DN_CALL_MOVE_STAKE] = "move_stake",
	[DN_CALL_SWAP_STAKE] = "swap_stake",
	[DN_CALL_SWAP_STAKE_LIMIT] = "swap_stake_limit",
	[DN_CALL_INCREASE_TAKE] = "increase_take",
	[DN_CALL_DECREASE_TAKE] = "decrease_take",
	[DN_CALL_REGISTER_NETWORK] = "register_network",
	[DN_CALL_START_CALL] = "start_call",
	[DN_CALL_BURNED_REGISTER] = "burned_register",
	[DN_CALL_SERVE_AXON] = "serve_axon",
	[DN_CALL_SET_WEIGHTS] = "set_weights",
	[DN_CALL_COMMIT_WEIGHTS] = "commit_weights",
	[DN_CALL_REVEAL_WEIGHTS] = "reveal_weights",
	[DN_CALL_SET_HPARAM] = "set_hyperparameter",
	[DN_CALL_SET_ALPHA_VALUES] = "set_alpha_values",
};

const char *dn_call_name(enum dn_call_kind k)
{
	return (unsigned)k < DN_CALL_COUNT ? call_names[k] : "unknown";
}

enum dn_call_kind dn_call_by_name(const char *name)
{
	for (int k = 0; k < DN_CALL_COUNT; k++)
		if (strcmp(call_names[k], name) == 0)
			return (enum dn_call_kind)k;
	return DN_CALL_COUNT;
}

/* ---- vectors ----------------------------------------------------------- */

void dn_call_set_vec(uint16_t **vec, uint32_t *n, const uint16_t *v, size_t count)
{
	free(*vec);
	*vec = NULL;
	*n = (uint32_t)count;
	if (count) {
		*vec = xreallocarray(NULL, count, sizeof(uint16_t));
		memcpy(*vec, v, count * sizeof(uint16_t));
	}
}

void dn_call_release(struct dn_call *call)
{
	free(call->uids);
	free(call->values);
	free(call->salt);
	call->uids = call->values = call->salt = NULL;
	call->nuids = call->nvalues = call->nsalt = 0;
}

void dn_call_copy(struct dn_call *dst, const struct dn_call *src)
{
	*dst = *src;
	dst->uids = dst->values = dst->salt = NULL;
	dn_call_set_vec(&dst->uids, &dst->nuids, src->uids, src->nuids);
	dn_call_set_vec(&dst->values, &dst->nvalues, src->values, src->nvalues);
	dn_call_set_vec(&dst->salt, &dst->nsalt, src->salt, src->nsalt);
}

/* ---- encoding ---------------------------------------------------------- */

static void enc_vec(struct dn_enc *e, const uint16_t *v, uint32_t n)
{
	dn_enc_compact(e, n);
	for (uint32_t i = 0; i < n; i++)
		dn_enc_u16(e, v[i]);
}

static int dec_vec(struct dn_dec *d, uint16_t **v, uint32_t *n)
{
	uint64_t len;
	if (dn_dec_compact(d, DN_CALL_MAX_VEC, &len))
		return d->err;
	if (len * 2 > d->len - d->pos)
		return d->err = DN_CODEC_ETRUNC;
	*n = (uint32_t)len;
	*v = len ? xreallocarray(NULL, len, sizeof(uint16_t)) : NULL;
	for (uint64_t i = 0; i < len; i++)
		dn_dec_u16(d, &(*v)[i]);
	return d->err;
}

void dn_call_encode(const struct dn_call *x, struct dn_enc *e)
{
	dn_enc_u8(e, (uint8_t)x->kind);
	switch (x->kind) {
	case DN_CALL_TRANSFER:
	case DN_CALL_TRANSFER_KEEP_ALIVE:
		dn_enc_bytes(e, x->dest, 32);
		dn_enc_u64(e, x->amount);
		break;
	case DN_CALL_ADD_STAKE:
	case DN_CALL_REMOVE_STAKE:
		dn_enc_bytes(e, x->hotkey, 32);
		dn_enc_u16(e, x->netuid);
		dn_enc_u64(e, x->amount);
		break;
	case DN_CALL_ADD_STAKE_LIMIT:
	case DN_CALL_REMOVE_STAKE_LIMIT:
		dn_enc_bytes(e, x->hotkey, 32);
		dn_enc_u16(e, x->netuid);
		dn_enc_u64(e, x->amount);
		dn_enc_u64(e, x->limit_price);
		dn_enc_bool(e, x->allow_partial);
		break;
	case DN_CALL_MOVE_STAKE:
		dn_enc_bytes(e, x->hotkey, 32);
		dn_enc_bytes(e, x->hotkey2, 32);
		dn_enc_u16(e, x->netuid);
		dn_enc_u16(e, x->netuid2);
		dn_enc_u64(e, x->amount);
		break;
	case DN_CALL_SWAP_STAKE:
	case DN_CALL_SWAP_STAKE_LIMIT:
		dn_enc_bytes(e, x->hotkey, 32);
		dn_enc_u16(e, x->netuid);
		dn_enc_u16(e, x->netuid2);
		dn_enc_u64(e, x->amount);
		if (x->kind == DN_CALL_SWAP_STAKE_LIMIT) {
			dn_enc_u64(e, x->limit_price);
			dn_enc_bool(e, x->allow_partial);
		}
		break;
	case DN_CALL_INCREASE_TAKE:
	case DN_CALL_DECREASE_TAKE:
		dn_enc_bytes(e, x->hotkey, 32);
		dn_enc_u16(e, x->take);
		break;
	case DN_CALL_REGISTER_NETWORK: dn_enc_bytes(e, x->hotkey, 32); break;
	case DN_CALL_START_CALL: dn_enc_u16(e, x->netuid); break;
	case DN_CALL_BURNED_REGISTER:
		dn_enc_u16(e, x->netuid);
		dn_enc_bytes(e, x->hotkey, 32);
		break;
	case DN_CALL_SERVE_AXON:
		dn_enc_u16(e, x->netuid);
		dn_enc_u32(e, x->axon.version);
		dn_enc_u128(e, x->axon.ip);
		dn_enc_u16(e, x->axon.port);
		dn_enc_u8(e, x->axon.ip_type);
		dn_enc_u8(e, x->axon.protocol);
		break;
	case DN_CALL_SET_WEIGHTS:
		dn_enc_u16(e, x->netuid);
		enc_vec(e, x->uids, x->nuids);
		enc_vec(e, x->values, x->nvalues);
		dn_enc_u64(e, x->version_key);
		break;
	case DN_CALL_COMMIT_WEIGHTS:
		dn_enc_u16(e, x->netuid);
		dn_enc_bytes(e, x->hash, 32);
		break;
	case DN_CALL_REVEAL_WEIGHTS:
		dn_enc_u16(e, x->netuid);
		enc_vec(e, x->uids, x->nuids);
		enc_vec(e, x->values, x->nvalues);
		enc_vec(e, x->salt, x->nsalt);
		dn_enc_u64(e, x->version_key);
		break;
	case DN_CALL_SET_HPARAM:
		dn_enc_u16(e, x->netuid);
		dn_enc_u8(e, (uint8_t)x->hparam);
		dn_enc_u64(e, (uint64_t)x->value);
		break;
	case DN_CALL_SET_ALPHA_VALUES:
		dn_enc_u16(e, x->netuid);
		dn_enc_u16(e, x->alpha_low);
		dn_enc_u16(e, x->alpha_high);
		break;
	case DN_CALL_COUNT: break;
	}
}

int dn_call_decode(struct dn_dec *d, struct dn_call *x)
{
	memset(x, 0, sizeof(*x));
	uint8_t kind, u8;
	uint64_t u64;
	if (dn_dec_u8(d, &kind))
		return d->err;
	if (kind >= DN_CALL_COUNT)
		return d->err = DN_XT_EDECODE;
	x->kind = (enum dn_call_kind)kind;
	switch (x->kind) {
	case DN_CALL_TRANSFER:
	case DN_CALL_TRANSFER_KEEP_ALIVE:
		dn_dec_bytes(d, x->dest, 32);
		dn_dec_u64(d, &x->amount);
		break;
	case DN_CALL_ADD_STAKE:
	case DN_CALL_REMOVE_STAKE:
		dn_dec_bytes(d, x->hotkey, 32);
		dn_dec_u16(d, &x->netuid);
		dn_dec_u64(d, &x->amount);
		break;
	case DN_CALL_ADD_STAKE_LIMIT:
	case DN_CALL_REMOVE_STAKE_LIMIT:
		dn_dec_bytes(d, x->hotkey, 32);
		dn_dec_u16(d, &x->netuid);
		dn_dec_u64(d, &x->amount);
		dn_dec_u64(d, &x->limit_price);
		dn_dec_bool(d, &x->allow_partial);
		break;
	case DN_CALL_MOVE_STAKE:
		dn_dec_bytes(d, x->hotkey, 32);
		dn_dec_bytes(d, x->hotkey2, 32);
		dn_dec_u16(d, &x->netuid);
		dn_dec_u16(d, &x->netuid2);
		dn_dec_u64(d, &x->amount);
		break;
	case DN_CALL_SWAP_STAKE:
	case DN_CALL_SWAP_STAKE_LIMIT:
		dn_dec_bytes(d, x->hotkey, 32);
		dn_dec_u16(d, &x->netuid);
		dn_dec_u16(d, &x->netuid2);
		dn_dec_u64(d, &x->amount);
		if (x->kind == DN_CALL_SWAP_STAKE_LIMIT) {
			dn_dec_u64(d, &x->limit_price);
			dn_dec_bool(d, &x->allow_partial);
		}
		break;
	case DN_CALL_INCREASE_TAKE:
	case DN_CALL_DECREASE_TAKE:
		dn_dec_bytes(d, x->hotkey, 32);
		dn_dec_u16(d, &x->take);
		break;
	case DN_CALL_REGISTER_NETWORK: dn_dec_bytes(d, x->hotkey, 32); break;
	case DN_CALL_START_CALL: dn_dec_u16(d, &x->netuid); break;
	case DN_CALL_BURNED_REGISTER:
		dn_dec_u16(d, &x->netuid);
		dn_dec_bytes(d, x->hotkey, 32);
		break;
	case DN_CALL_SERVE_AXON:
		dn_dec_u16(d, &x->netuid);
		dn_dec_u32(d, &x->axon.version);
		dn_dec_u128(d, &x->axon.ip);
		dn_dec_u16(d, &x->axon.port);
		dn_dec_u8(d, &x->axon.ip_type);
		dn_dec_u8(d, &x->axon.protocol);
		break;
	case DN_CALL_SET_WEIGHTS:
		dn_dec_u16(d, &x->netuid);
		if (!d->err)
			dec_vec(d, &x->uids, &x->nuids);
		if (!d->err)
			dec_vec(d, &x->values, &x->nvalues);
		dn_dec_u64(d, &x->version_key);
		break;
	case DN_CALL_COMMIT_WEIGHTS:
		dn_dec_u16(d, &x->netuid);
		dn_dec_bytes(d, x->hash, 32);
		break;
	case DN_CALL_REVEAL_WEIGHTS:
		dn_dec_u16(d, &x->netuid);
		if (!d->err)
			dec_vec(d, &x->uids, &x->nuids);
		if (!d->err)
			dec_vec(d, &x->values, &x->nvalues);
		if (!d->err)
			dec_vec(d, &x->salt, &x->nsalt);
		dn_dec_u64(d, &x->version_key);
		break;
	case DN_CALL_SET_HPARAM:
		dn_dec_u16(d, &x->netuid);
		dn_dec_u8(d, &u8);
		dn_dec_u64(d, &u64);
		if (!d->err && u8 >= DN_HP_COUNT)
			d->err = DN_XT_EDECODE;
		x->hparam = (enum dn_hparam)u8;
		x->value = (int64_t)u64;
		break;
	case DN_CALL_SET_ALPHA_VALUES:
		dn_dec_u16(d, &x->netuid);
		dn_dec_u16(d, &x->alpha_low);
		dn_dec_u16(d, &x->alpha_high);
		break;
	case DN_CALL_COUNT: break;
	}
	if (d->err)
		dn_call_release(x);
	return d->err;
}

/* ---- extrinsics -------------------------------------------------------- */

void dn_extrinsic_release(struct dn_extrinsic *x) { dn_call_release(&x->call); }

void dn_extrinsic_copy(struct dn_extrinsic *dst, const struct dn_extrinsic *src)
{
	memcpy(dst->signer, src->signer, 32);
	dst->nonce = src->nonce;
	memcpy(dst->signature, src->signature, 64);
	dn_call_copy(&dst->call, &src->call);
}

/* sp_runtime SignedPayload: (call, extra, additional) encoded, hashed
 * with blake2_256 when longer than 256 bytes. Here extra is the nonce and
 * additional the genesis hash. */
void dn_extrinsic_payload(const struct dn_call *call, uint32_t nonce, const uint8_t genesis[32],
			  struct dn_enc *e)
{
	size_t start = e->len;
	dn_call_encode(call, e);
	dn_enc_u32(e, nonce);
	dn_enc_bytes(e, genesis, 32);
	if (e->len - start > 256) {
		uint8_t h[32];
		crypto_generichash(h, 32, e->buf + start, e->len - start, NULL, 0);
		e->len = start;
		dn_enc_bytes(e, h, 32);
	}
}

void dn_extrinsic_sign(struct dn_extrinsic *x, const struct dn_keypair *kp, uint32_t nonce,
		       const uint8_t genesis[32], const struct dn_call *call)
{
	struct dn_enc e;
	dn_enc_init(&e);
	dn_extrinsic_payload(call, nonce, genesis, &e);
	memcpy(x->signer, kp->public_key, 32);
	x->nonce = nonce;
	dn_keys_sign(kp, e.buf, e.len, x->signature);
	dn_enc_release(&e);
	dn_call_copy(&x->call, call);
}

void dn_extrinsic_encode(const struct dn_extrinsic *x, struct dn_enc *e)
{
	dn_enc_bytes(e, x->signer, 32);
	dn_enc_u32(e, x->nonce);
	dn_enc_bytes(e, x->signature, 64);
	dn_call_encode(&x->call, e);
}

int dn_extrinsic_decode(const uint8_t *p, size_t n, struct dn_extrinsic *x)
{
	memset(x, 0, sizeof(*x));
	if (n > DN_EXTRINSIC_MAX_SIZE)
		return DN_CODEC_ETOOBIG;
	struct dn_dec d;
	dn_dec_init(&d, p, n);
	dn_dec_bytes(&d, x->signer, 32);
	dn_dec_u32(&d, &x->nonce);
	dn_dec_bytes(&d, x->signature, 64);
	if (d.err)
		return d.err;
	int rc = dn_call_decode(&d, &x->call);
	if (!rc)
		rc = dn_dec_finish(&d);
	if (rc)
		dn_extrinsic_release(x);
	return rc;
}

void dn_extrinsic_hash(const struct dn_extrinsic *x, uint8_t out[32])
{
	struct dn_enc e;
	dn_enc_init(&e);
	dn_extrinsic_encode(x, &e);
	crypto_generichash(out, 32, e.buf, e.len, NULL, 0);
	dn_enc_release(&e);
}

static int xt_fail(struct dn_ops_err *err, int code, const char *detail)
{
	if (err) {
		err->code = code;
		size_t n = strlen(detail);
		if (n >= sizeof(err->msg))
			n = sizeof(err->msg) - 1;
		memcpy(err->msg, detail, n);
		err->msg[n] = 0;
	}
	return code;
}

int dn_extrinsic_validate(const struct dn_chain *c, const struct dn_extrinsic *x,
			  struct dn_ops_err *err)
{
	uint32_t a = dn_chain_account(c, x->signer);
	if (a == DN_CHAIN_NONE)
		return xt_fail(err, DN_XT_ENOACCOUNT, dn_extrinsic_strerror(DN_XT_ENOACCOUNT));
	/* frame_system CheckNonce: below is stale, above is future */
	if (x->nonce < c->acct[a].nonce)
		return xt_fail(err, DN_XT_ESTALE, dn_extrinsic_strerror(DN_XT_ESTALE));
	if (x->nonce > c->acct[a].nonce)
		return xt_fail(err, DN_XT_EFUTURE, dn_extrinsic_strerror(DN_XT_EFUTURE));
	struct dn_enc e;
	dn_enc_init(&e);
	dn_extrinsic_payload(&x->call, x->nonce, c->genesis_hash, &e);
	bool ok = dn_keys_verify(x->signer, e.buf, e.len, x->signature);
	dn_enc_release(&e);
	if (!ok)
		return xt_fail(err, DN_XT_EBADPROOF, dn_extrinsic_strerror(DN_XT_EBADPROOF));
	if (err)
		memset(err, 0, sizeof(*err));
	return 0;
}

int dn_call_dispatch(struct dn_chain *c, const uint8_t who[32], const struct dn_call *x,
		     struct dn_call_result *res, struct dn_ops_err *err)
{
	struct dn_call_result r = {0};
	int rc;
	switch (x->kind) {
	case DN_CALL_TRANSFER:
	case DN_CALL_TRANSFER_KEEP_ALIVE:
		rc = dn_ops_transfer(c, who, x->dest, x->amount,
				     x->kind == DN_CALL_TRANSFER_KEEP_ALIVE, err);
		break;
	case DN_CALL_ADD_STAKE:
		rc = dn_ops_add_stake(c, who, x->hotkey, x->netuid, x->amount, &r.alpha, err);
		break;
	case DN_CALL_ADD_STAKE_LIMIT:
		rc = dn_ops_add_stake_limit(c, who, x->hotkey, x->netuid, x->amount, x->limit_price,
					    x->allow_partial, &r.alpha, err);
		break;
	case DN_CALL_REMOVE_STAKE:
		rc = dn_ops_remove_stake(c, who, x->hotkey, x->netuid, x->amount, &r.tao, err);
		break;
	case DN_CALL_REMOVE_STAKE_LIMIT:
		rc = dn_ops_remove_stake_limit(c, who, x->hotkey, x->netuid, x->amount,
					       x->limit_price, x->allow_partial, &r.tao, err);
		break;
	case DN_CALL_MOVE_STAKE:
		rc = dn_ops_move_stake(c, who, x->hotkey, x->hotkey2, x->netuid, x->netuid2,
				       x->amount, &r.tao, err);
		break;
	case DN_CALL_SWAP_STAKE:
		rc = dn_ops_swap_stake(c, who, x->hotkey, x->netuid, x->netuid2, x->amount, 0,
				       false, &r.alpha, err);
		break;
	case DN_CALL_SWAP_STAKE_LIMIT:
		rc = dn_ops_swap_stake(c, who, x->hotkey, x->netuid, x->netuid2, x->amount,
				       x->limit_price, x->allow_partial, &r.alpha, err);
		break;
	case DN_CALL_INCREASE_TAKE:
		rc = dn_ops_increase_take(c, who, x->hotkey, x->take, err);
		break;
	case DN_CALL_DECREASE_TAKE:
		rc = dn_ops_decrease_take(c, who, x->hotkey, x->take, err);
		break;
	case DN_CALL_REGISTER_NETWORK:
		rc = dn_ops_register_network(c, who, x->hotkey, &r.netuid, err);
		break;
	case DN_CALL_START_CALL: rc = dn_ops_start_call(c, who, x->netuid, err); break;
	case DN_CALL_BURNED_REGISTER: {
		/* do_register charges the subnet's Burn as it stands */
		const struct dn_subnet *s = dn_chain_subnet(c, x->netuid);
		uint64_t burn = s ? s->burn.burn : 0;
		rc = dn_ops_burned_register(c, who, x->hotkey, x->netuid, &r.uid, err);
		if (rc == 0)
			r.tao = burn;
		break;
	}
	case DN_CALL_SERVE_AXON: rc = dn_ops_serve_axon(c, who, x->netuid, &x->axon, err); break;
	case DN_CALL_SET_WEIGHTS:
		rc = dn_ops_set_weights(c, who, x->netuid, x->uids, x->nuids, x->values, x->nvalues,
					x->version_key, err);
		break;
	case DN_CALL_COMMIT_WEIGHTS:
		rc = dn_ops_commit_weights(c, who, x->netuid, x->hash, err);
		break;
	case DN_CALL_REVEAL_WEIGHTS:
		rc = dn_ops_reveal_weights(c, who, x->netuid, x->uids, x->nuids, x->values,
					   x->nvalues, x->salt, x->nsalt, x->version_key, err);
		break;
	case DN_CALL_SET_HPARAM:
		rc = dn_ops_set_hparam(c, who, x->netuid, x->hparam, x->value, err);
		break;
	case DN_CALL_SET_ALPHA_VALUES:
		rc = dn_ops_set_alpha_values(c, who, x->netuid, x->alpha_low, x->alpha_high, err);
		break;
	default: rc = xt_fail(err, DN_XT_EDECODE, "unknown call"); break;
	}
	r.code = rc;
	if (res)
		*res = r;
	return rc;
}

int dn_extrinsic_apply(struct dn_chain *c, const struct dn_extrinsic *x, struct dn_call_result *res,
		       struct dn_ops_err *err)
{
	int rc = dn_extrinsic_validate(c, x, err);
	if (rc)
		return rc;
	/* the nonce is spent before dispatch: a failed call keeps it used */
	c->acct[dn_chain_account(c, x->signer)].nonce++;
	dn_call_dispatch(c, x->signer, &x->call, res, err);
	return 0;
}
