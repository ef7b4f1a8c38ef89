/*
 * Blocks (see block.h).
 */
#include <sodium.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/chain_impl.h"
#include "devnet/xalloc.h"

const char *dn_block_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_BLOCK_ENUMBER: return "not the next block number";
	case DN_BLOCK_EPARENT: return "parent is not the chain's head";
	case DN_BLOCK_EXTROOT: return "extrinsics root does not match";
	case DN_BLOCK_EXTRINSIC: return "invalid extrinsic";
	case DN_BLOCK_ESTATEROOT: return "state root differs";
	case DN_BLOCK_ESTATE: return "on_initialize failed";
	default: return dn_extrinsic_strerror(err);
	}
}

void dn_header_encode(const struct dn_header *h, struct dn_enc *e)
{
	dn_enc_u64(e, h->number);
	dn_enc_bytes(e, h->parent, 32);
	dn_enc_bytes(e, h->author, 32);
	dn_enc_bytes(e, h->state_root, 32);
	dn_enc_bytes(e, h->extrinsics_root, 32);
}

int dn_header_decode(struct dn_dec *d, struct dn_header *h)
{
	dn_dec_u64(d, &h->number);
	dn_dec_bytes(d, h->parent, 32);
	dn_dec_bytes(d, h->author, 32);
	dn_dec_bytes(d, h->state_root, 32);
	return dn_dec_bytes(d, h->extrinsics_root, 32);
}

void dn_header_hash(const struct dn_header *h, uint8_t out[32])
{
	uint8_t buf[DN_HEADER_SIZE];
	struct dn_enc e = {buf, 0, sizeof(buf)};
	dn_header_encode(h, &e);
	crypto_generichash(out, 32, buf, e.len, NULL, 0);
}

void dn_block_init(struct dn_block *b) { memset(b, 0, sizeof(*b)); }

void dn_block_release(struct dn_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		dn_extrinsic_release(&b->xt[i]);
	free(b->xt);
	memset(b, 0, sizeof(*b));
}

static void clear_xt(struct dn_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		dn_extrinsic_release(&b->xt[i]);
	b->n = 0;
}

/* A slot for one more extrinsic. */
static struct dn_extrinsic *slot(struct dn_block *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->xt = xreallocarray(b->xt, b->cap, sizeof(*b->xt));
	}
	return &b->xt[b->n++];
}

void dn_block_push(struct dn_block *b, const struct dn_extrinsic *x)
{
	dn_extrinsic_copy(slot(b), x);
}

void dn_block_encode(const struct dn_block *b, struct dn_enc *e)
{
	dn_header_encode(&b->h, e);
	dn_enc_compact(e, b->n);
	struct dn_enc x;
	dn_enc_init(&x);
	for (size_t i = 0; i < b->n; i++) {
		dn_enc_reset(&x);
		dn_extrinsic_encode(&b->xt[i], &x);
		dn_enc_blob(e, x.buf, x.len);
	}
	dn_enc_release(&x);
}

int dn_block_decode(const uint8_t *p, size_t n, struct dn_block *b)
{
	clear_xt(b);
	struct dn_dec d;
	dn_dec_init(&d, p, n);
	uint64_t count;
	dn_header_decode(&d, &b->h);
	if (dn_dec_compact(&d, DN_BLOCK_MAX_XT, &count))
		return d.err;
	/* each extrinsic takes at least its fixed part: refuse counts the
	 * input cannot hold before allocating for them */
	if (count > (d.len - d.pos) / 101)
		return DN_CODEC_ETRUNC;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *xp;
		size_t xn;
		int rc = dn_dec_blob(&d, DN_EXTRINSIC_MAX_SIZE, &xp, &xn);
		if (rc) {
			clear_xt(b);
			return rc;
		}
		struct dn_extrinsic x;
		rc = dn_extrinsic_decode(xp, xn, &x);
		if (rc) {
			clear_xt(b);
			return rc;
		}
		*slot(b) = x;
	}
	int rc = dn_dec_finish(&d);
	if (rc)
		clear_xt(b);
	return rc;
}

void dn_block_extrinsics_root(const struct dn_extrinsic *xt, size_t n, uint8_t out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	uint8_t cnt[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
	crypto_generichash_update(&h, cnt, 4);
	for (size_t i = 0; i < n; i++) {
		uint8_t d[32];
		dn_extrinsic_hash(&xt[i], d);
		crypto_generichash_update(&h, d, 32);
	}
	crypto_generichash_final(&h, out, 32);
}

void dn_block_genesis(struct dn_chain *c, struct dn_stateroot *r, struct dn_header *out)
{
	memset(out, 0, sizeof(*out));
	out->number = c->block;
	dn_stateroot_compute(r, c, out->state_root);
	dn_block_extrinsics_root(NULL, 0, out->extrinsics_root);
	dn_header_hash(out, c->genesis_hash);
	memcpy(c->head_hash, c->genesis_hash, 32);
}

/* System::initialize and on_initialize of block c->block + 1. */
static int begin(struct dn_chain *c, const uint8_t parent[32], const uint8_t author[32],
		 struct dn_block_events *ev, struct dn_chain_err *err)
{
	memcpy(c->parent_hash, parent, 32);
	c->author = dn_chain_account(c, author);
	int rc = dn_chain_initialize(c, ev, err);
	if (rc)
		err->code = DN_BLOCK_ESTATE;
	return rc ? DN_BLOCK_ESTATE : 0;
}

/* Applies one extrinsic; NULL ev records nothing. */
static int apply_xt(struct dn_chain *c, const struct dn_extrinsic *x, uint32_t index,
		    struct dn_block_events *ev, struct dn_ops_err *oe)
{
	struct dn_call_result res;
	int rc = dn_extrinsic_apply(c, x, &res, oe);
	if (rc || !ev)
		return rc;
	struct dn_xt_event *xe = dn_block_events_push_xt(ev);
	xe->index = index;
	xe->kind = (uint8_t)x->call.kind;
	xe->signer = dn_chain_account(c, x->signer);
	xe->code = res.code;
	xe->alpha = res.alpha;
	xe->tao = res.tao;
	xe->netuid = res.netuid;
	xe->uid = res.uid;
	if (res.code) {
		size_t n = strnlen(oe->msg, sizeof(oe->msg));
		if (n >= sizeof(xe->msg))
			n = sizeof(xe->msg) - 1;
		memcpy(xe->msg, oe->msg, n);
		xe->msg[n] = 0;
	}
	return 0;
}

static void finish(struct dn_chain *c, struct dn_stateroot *r, struct dn_header *h)
{
	dn_stateroot_compute(r, c, h->state_root);
}

int dn_block_build(struct dn_chain *c, struct dn_stateroot *r, const uint8_t author[32],
		   const struct dn_extrinsic *pool, size_t npool, struct dn_block *out,
		   size_t *skipped, struct dn_block_events *ev, struct dn_chain_err *err)
{
	struct dn_chain_err e0;
	if (!err)
		err = &e0;
	memset(err, 0, sizeof(*err));
	clear_xt(out);
	memset(&out->h, 0, sizeof(out->h));
	out->h.number = c->block + 1;
	memcpy(out->h.parent, c->head_hash, 32);
	memcpy(out->h.author, author, 32);
	int rc = begin(c, out->h.parent, author, ev, err);
	if (rc)
		return rc;
	size_t skip = 0;
	for (size_t i = 0; i < npool && out->n < DN_BLOCK_MAX_XT; i++) {
		struct dn_ops_err oe;
		if (apply_xt(c, &pool[i], (uint32_t)out->n, ev, &oe)) {
			skip++;
			continue;
		}
		dn_block_push(out, &pool[i]);
	}
	if (skipped)
		*skipped = skip;
	dn_block_extrinsics_root(out->xt, out->n, out->h.extrinsics_root);
	finish(c, r, &out->h);
	dn_header_hash(&out->h, c->head_hash);
	return 0;
}

int dn_block_import(struct dn_chain *c, struct dn_stateroot *r, const struct dn_block *b,
		    struct dn_block_events *ev, struct dn_chain_err *err)
{
	struct dn_chain_err e0;
	if (!err)
		err = &e0;
	memset(err, 0, sizeof(*err));
	if (b->h.number != c->block + 1) {
		dn_chain_fail(err, DN_BLOCK_ENUMBER, "block %u is not the next one (head %u)",
			      b->h.number, c->block);
		return DN_BLOCK_ENUMBER;
	}
	if (memcmp(b->h.parent, c->head_hash, 32) != 0) {
		char want[17], got[17]; /* the first 8 bytes in hex */
		sodium_bin2hex(want, sizeof(want), c->head_hash, 8);
		sodium_bin2hex(got, sizeof(got), b->h.parent, 8);
		dn_chain_fail(err, DN_BLOCK_EPARENT, "block %u: parent %s... is not the head %s...",
			      b->h.number, got, want);
		return DN_BLOCK_EPARENT;
	}
	uint8_t xr[32];
	dn_block_extrinsics_root(b->xt, b->n, xr);
	if (memcmp(xr, b->h.extrinsics_root, 32) != 0) {
		dn_chain_fail(err, DN_BLOCK_EXTROOT, "block %u: extrinsics root does not match",
			      b->h.number);
		return DN_BLOCK_EXTROOT;
	}
	int rc = begin(c, b->h.parent, b->h.author, ev, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < b->n; i++) {
		struct dn_ops_err oe;
		rc = apply_xt(c, &b->xt[i], (uint32_t)i, ev, &oe);
		if (rc) {
			dn_chain_fail(err, DN_BLOCK_EXTRINSIC, "block %u: extrinsic %u (%s): %s",
				      b->h.number, (uint64_t)i, dn_call_name(b->xt[i].call.kind),
				      oe.msg);
			return DN_BLOCK_EXTRINSIC;
		}
	}
	uint8_t root[32];
	dn_stateroot_compute(r, c, root);
	if (memcmp(root, b->h.state_root, 32) != 0) {
		char want[17], got[17]; /* the first 8 bytes in hex */
		sodium_bin2hex(want, sizeof(want), b->h.state_root, 8);
		sodium_bin2hex(got, sizeof(got), root, 8);
		dn_chain_fail(err, DN_BLOCK_ESTATEROOT,
			      "block %u: state root %s... differs from the header's %s...",
			      b->h.number, got, want);
		return DN_BLOCK_ESTATEROOT;
	}
	dn_header_hash(&b->h, c->head_hash);
	return 0;
}
