/*
 * devnet/extrinsic, devnet/block, devnet/stateroot: signed extrinsics and
 * their encoding, signatures (forged, replayed, wrong genesis), blocks
 * built by an author and imported by another node, the state root after
 * random blocks (incremental equals from scratch), the invariants after
 * every block, and determinism (two runs, same roots at every block).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/extrinsic.h"
#include "devnet/stateroot.h"
#include "tests/tap.h"

#define TAO 1000000000ULL

/* the signers: the dev accounts and the default genesis' hotkeys */
static const char *const signer_names[] = {
	"alice",
	"bob",
	"charlie",
	"dave",
	"eve",
	"ferdie",
	"alice//validator",
	"bob//validator",
	"charlie//validator",
	"dave//miner1",
	"eve//miner1",
	"ferdie//miner1",
};
#define NSIGNERS (sizeof(signer_names) / sizeof(signer_names[0]))
static struct dn_keypair kp[NSIGNERS];
enum { ALICE, BOB, CHARLIE, DAVE, EVE, FERDIE, VA, VB, VC, M1, M2, M3 };

/* A node: a chain with its root cache. */
struct node {
	struct dn_chain *c;
	struct dn_stateroot *r;
	struct dn_header genesis;
};

static void node_init(struct node *n)
{
	struct dn_genesis *g = dn_genesis_default_new();
	struct dn_chain_err err;
	n->c = dn_chain_new(g, &err);
	dn_genesis_default_free(g);
	n->r = dn_stateroot_new();
	dn_block_genesis(n->c, n->r, &n->genesis);
}

static void node_free(struct node *n)
{
	dn_chain_free(n->c);
	dn_stateroot_free(n->r);
}

static uint32_t nonce_of(const struct dn_chain *c, int who)
{
	uint32_t a = dn_chain_account(c, kp[who].public_key);
	return a == DN_CHAIN_NONE ? 0 : c->acct[a].nonce;
}

static uint64_t free_of(const struct dn_chain *c, const uint8_t key[32])
{
	uint32_t a = dn_chain_account(c, key);
	return a == DN_CHAIN_NONE ? 0 : c->acct[a].free;
}

static void sign(struct dn_extrinsic *x, const struct dn_chain *c, int who,
		 const struct dn_call *call)
{
	dn_extrinsic_sign(x, &kp[who], nonce_of(c, who), c->genesis_hash, call);
}

static bool same_state(const struct dn_chain *a, const struct dn_chain *b)
{
	struct dn_enc ea, eb;
	dn_enc_init(&ea);
	dn_enc_init(&eb);
	dn_chain_encode(a, &ea);
	dn_chain_encode(b, &eb);
	bool same = ea.len == eb.len && memcmp(ea.buf, eb.buf, ea.len) == 0;
	dn_enc_release(&ea);
	dn_enc_release(&eb);
	return same;
}

/* ---- a random call of every kind ---------------------------------------- */

static uint64_t rng = 42;
static uint64_t rnd(uint64_t n) { return n ? tap_rand_next(&rng) % n : 0; }

static void random_vec(uint16_t **v, uint32_t *n, uint32_t len, uint32_t mod)
{
	uint16_t tmp[16];
	for (uint32_t i = 0; i < len; i++)
		tmp[i] = (uint16_t)rnd(mod);
	dn_call_set_vec(v, n, tmp, len);
}

/* A call the chain may accept or refuse (random subnets and amounts). */
static void random_call(struct dn_call *x, int *who)
{
	memset(x, 0, sizeof(*x));
	x->kind = (enum dn_call_kind)rnd(DN_CALL_COUNT);
	int cold = (int)rnd(6), hot = VA + (int)rnd(6);
	*who = cold;
	memcpy(x->dest, kp[rnd(NSIGNERS)].public_key, 32);
	memcpy(x->hotkey, kp[hot].public_key, 32);
	memcpy(x->hotkey2, kp[VA + rnd(3)].public_key, 32);
	x->netuid = (uint16_t)rnd(5);
	x->netuid2 = (uint16_t)rnd(5);
	x->amount = rnd(4) == 0 ? rnd(1000) : rnd(50 * TAO);
	x->limit_price = rnd(2 * TAO);
	x->allow_partial = rnd(2);
	x->take = (uint16_t)rnd(12000);
	x->axon = (struct dn_axon){.version = 1,
				   .ip = 0x7f000001,
				   .port = (uint16_t)(8000 + rnd(100)),
				   .ip_type = 4,
				   .protocol = 4};
	x->version_key = 0;
	for (int i = 0; i < 32; i++)
		x->hash[i] = (uint8_t)rnd(256);
	x->hparam = (enum dn_hparam)rnd(DN_HP_COUNT);
	x->value = (int64_t)rnd(1000);
	x->alpha_low = (uint16_t)(1638 + rnd(20000));
	x->alpha_high = (uint16_t)(x->alpha_low + rnd(20000));
	uint32_t len = 1 + (uint32_t)rnd(8);
	random_vec(&x->uids, &x->nuids, len, 8);
	random_vec(&x->values, &x->nvalues, len, 65536);
	random_vec(&x->salt, &x->nsalt, (uint32_t)rnd(4), 65536);
	switch (x->kind) {
	case DN_CALL_SERVE_AXON:
	case DN_CALL_SET_WEIGHTS:
	case DN_CALL_COMMIT_WEIGHTS:
	case DN_CALL_REVEAL_WEIGHTS:
		*who = hot; /* signed by the hotkey */
		break;
	case DN_CALL_SET_HPARAM:
	case DN_CALL_SET_ALPHA_VALUES:
		*who = (int)rnd(4); /* an owner or sudo, or not */
		break;
	default: break;
	}
}

/* ---- tests ------------------------------------------------------------- */

static void test_call_encoding(void)
{
	int exact = 0, trunc_ok = 0, trailing_ok = 0, total = 0;
	struct dn_enc e, e2;
	dn_enc_init(&e);
	dn_enc_init(&e2);
	bool seen[DN_CALL_COUNT] = {0};
	for (int i = 0; i < 400; i++) {
		struct dn_extrinsic x = {0}, y;
		int who;
		random_call(&x.call, &who);
		seen[x.call.kind] = true;
		x.nonce = (uint32_t)rnd(1000);
		memcpy(x.signer, kp[who].public_key, 32);
		dn_enc_reset(&e);
		dn_extrinsic_encode(&x, &e);
		total++;
		if (dn_extrinsic_decode(e.buf, e.len, &y) == 0) {
			dn_enc_reset(&e2);
			dn_extrinsic_encode(&y, &e2);
			exact += e2.len == e.len && memcmp(e.buf, e2.buf, e.len) == 0;
			dn_extrinsic_release(&y);
		}
		/* every proper prefix is refused */
		bool all = true;
		for (size_t n = 0; n < e.len; n++) {
			if (dn_extrinsic_decode(e.buf, n, &y) == 0) {
				all = false;
				dn_extrinsic_release(&y);
			}
		}
		trunc_ok += all;
		dn_enc_u8(&e, 0);
		if (dn_extrinsic_decode(e.buf, e.len, &y) != 0)
			trailing_ok++;
		else
			dn_extrinsic_release(&y);
		dn_extrinsic_release(&x);
	}
	int kinds = 0;
	for (int k = 0; k < DN_CALL_COUNT; k++)
		kinds += seen[k];
	is_int(kinds, DN_CALL_COUNT, "the random extrinsics cover every call kind");
	is_int(exact, total, "every extrinsic decodes to one that re-encodes identically");
	is_int(trunc_ok, total, "every truncation of every extrinsic is refused");
	is_int(trailing_ok, total, "a trailing byte is refused");
	uint8_t bad[101 + 1] = {0};
	bad[100] = DN_CALL_COUNT;
	struct dn_extrinsic y;
	is_int(dn_extrinsic_decode(bad, 101, &y), DN_XT_EDECODE, "an unknown call kind is refused");
	/* a vector longer than the limit */
	dn_enc_reset(&e);
	dn_enc_bytes(&e, bad, 100);
	dn_enc_u8(&e, DN_CALL_SET_WEIGHTS);
	dn_enc_u16(&e, 1);
	dn_enc_compact(&e, DN_CALL_MAX_VEC + 1);
	is_int(dn_extrinsic_decode(e.buf, e.len, &y), DN_CODEC_ETOOBIG,
	       "a vector above the limit is refused before reading it");
	dn_enc_release(&e);
	dn_enc_release(&e2);
}

static void test_signatures(void)
{
	struct node n;
	node_init(&n);
	struct dn_chain *c = n.c;
	struct dn_ops_err err;
	struct dn_call_result res;
	struct dn_call call = {.kind = DN_CALL_TRANSFER, .amount = 5 * TAO};
	memcpy(call.dest, kp[DAVE].public_key, 32);
	uint64_t dave0 = free_of(c, kp[DAVE].public_key);

	struct dn_extrinsic x;
	sign(&x, c, ALICE, &call);
	is_int(dn_extrinsic_apply(c, &x, &res, &err), 0, "a signed transfer is valid");
	is_int(res.code, 0, "and dispatches");
	is_int((int64_t)(free_of(c, kp[DAVE].public_key) - dave0), (int64_t)(5 * TAO),
	       "dave received 5 TAO");
	is_int(nonce_of(c, ALICE), 1, "alice's nonce moved to 1");

	struct dn_enc before;
	dn_enc_init(&before);
	dn_chain_encode(c, &before);
	struct dn_enc now;
	dn_enc_init(&now);
#define UNCHANGED(what)                                                                \
	do {                                                                           \
		dn_enc_reset(&now);                                                    \
		dn_chain_encode(c, &now);                                              \
		ok(now.len == before.len && memcmp(now.buf, before.buf, now.len) == 0, \
		   "%s changes nothing", what);                                        \
	} while (0)

	is_int(dn_extrinsic_apply(c, &x, &res, &err), DN_XT_ESTALE, "a replay is stale");
	UNCHANGED("a replay");

	struct dn_extrinsic f;
	dn_extrinsic_sign(&f, &kp[ALICE], 5, c->genesis_hash, &call);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_EFUTURE,
	       "a nonce ahead of the account's is future");
	UNCHANGED("a future nonce");
	dn_extrinsic_release(&f);

	sign(&f, c, ALICE, &call);
	f.signature[7] ^= 1;
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_EBADPROOF, "a forged signature fails");
	UNCHANGED("a forged signature");
	f.signature[7] ^= 1;
	f.call.amount++;
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_EBADPROOF,
	       "a changed amount breaks the signature");
	f.call.amount--;
	memcpy(f.signer, kp[BOB].public_key, 32);
	f.nonce = nonce_of(c, BOB);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_EBADPROOF,
	       "alice's signature does not pass as bob's");
	dn_extrinsic_release(&f);

	uint8_t other[32];
	memcpy(other, c->genesis_hash, 32);
	other[0] ^= 0xff;
	dn_extrinsic_sign(&f, &kp[ALICE], nonce_of(c, ALICE), other, &call);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_EBADPROOF,
	       "an extrinsic signed for another genesis fails");
	UNCHANGED("another genesis' extrinsic");
	dn_extrinsic_release(&f);

	struct dn_keypair mallory;
	uint8_t seed[32] = {7};
	dn_keys_from_seed(seed, &mallory);
	dn_extrinsic_sign(&f, &mallory, 0, c->genesis_hash, &call);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), DN_XT_ENOACCOUNT,
	       "an unknown signer has no account");
	UNCHANGED("an unknown signer");
	dn_extrinsic_release(&f);

	/* a valid extrinsic whose call fails: the nonce is spent */
	struct dn_call bad = {.kind = DN_CALL_ADD_STAKE, .netuid = 77, .amount = TAO};
	memcpy(bad.hotkey, kp[VA].public_key, 32);
	sign(&f, c, ALICE, &bad);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), 0, "a call on a missing subnet is valid");
	is_str(dn_ops_strerror(res.code), "SubnetNotExists", "and fails with the chain's error");
	is_int(nonce_of(c, ALICE), 2, "its nonce is spent");
	dn_extrinsic_release(&f);

	/* the payload is hashed above 256 bytes, and still verifies */
	struct dn_call big = {.kind = DN_CALL_SET_WEIGHTS, .netuid = 1};
	uint16_t u[100], v[100];
	for (int i = 0; i < 100; i++)
		u[i] = (uint16_t)i, v[i] = 1;
	dn_call_set_vec(&big.uids, &big.nuids, u, 100);
	dn_call_set_vec(&big.values, &big.nvalues, v, 100);
	struct dn_enc pl;
	dn_enc_init(&pl);
	dn_extrinsic_payload(&big, 0, c->genesis_hash, &pl);
	is_int((int64_t)pl.len, 32, "a long payload is signed as its BLAKE2b-256");
	dn_enc_release(&pl);
	sign(&f, c, VA, &big);
	is_int(dn_extrinsic_apply(c, &f, &res, &err), 0, "a long extrinsic verifies");
	dn_extrinsic_release(&f);
	dn_call_release(&big);

	dn_extrinsic_release(&x);
	dn_enc_release(&before);
	dn_enc_release(&now);
	node_free(&n);
}

static void test_blocks(void)
{
	struct node a, b;
	node_init(&a);
	node_init(&b);
	ok(memcmp(a.c->genesis_hash, b.c->genesis_hash, 32) == 0,
	   "two nodes of the same genesis agree on its hash");
	uint32_t va = dn_chain_account(a.c, kp[VA].public_key);
	ok(va != DN_CHAIN_NONE &&
		   dn_stake_owner(&a.c->stake, va) == dn_chain_account(a.c, kp[ALICE].public_key),
	   "alice//validator is the genesis' validator hotkey owned by alice");

	struct dn_extrinsic pool[3];
	struct dn_call t = {.kind = DN_CALL_TRANSFER, .amount = 7 * TAO};
	memcpy(t.dest, kp[EVE].public_key, 32);
	sign(&pool[0], a.c, BOB, &t);
	struct dn_call s = {.kind = DN_CALL_ADD_STAKE, .netuid = 1, .amount = 100 * TAO};
	memcpy(s.hotkey, kp[VA].public_key, 32);
	sign(&pool[1], a.c, ALICE, &s);
	sign(&pool[2], a.c, BOB, &t); /* bob's nonce 0 again: the author drops it */

	struct dn_block blk, dec;
	dn_block_init(&blk);
	dn_block_init(&dec);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	size_t skipped;
	struct dn_chain_err err;
	is_int(dn_block_build(a.c, a.r, kp[CHARLIE].public_key, pool, 3, &blk, &skipped, &ev, &err),
	       0, "the author builds block 1");
	is_int((int64_t)blk.n, 2, "with the two valid extrinsics");
	is_int((int64_t)skipped, 1, "leaving out the replay");
	is_int((int64_t)ev.nxt, 2, "two extrinsic events");
	ok(ev.nxt == 2 && ev.xt[1].code == 0 && ev.xt[1].alpha > 0, "the stake bought alpha");

	struct dn_enc e;
	dn_enc_init(&e);
	dn_block_encode(&blk, &e);
	is_int(dn_block_decode(e.buf, e.len, &dec), 0, "the block decodes");
	struct dn_enc e2;
	dn_enc_init(&e2);
	dn_block_encode(&dec, &e2);
	ok(e.len == e2.len && memcmp(e.buf, e2.buf, e.len) == 0, "and re-encodes identically");
	bool trunc = true;
	for (size_t k = 0; k < e.len; k += 1 + k / 16)
		if (dn_block_decode(e.buf, k, &dec) == 0)
			trunc = false;
	ok(trunc, "truncated blocks are refused");
	dn_block_decode(e.buf, e.len, &dec);

	/* the other node refuses doctored blocks before touching its state */
	struct dn_block bad;
	dn_block_init(&bad);
	dn_block_decode(e.buf, e.len, &bad);
	bad.h.number = 2;
	is_int(dn_block_import(b.c, b.r, &bad, NULL, &err), DN_BLOCK_ENUMBER, "a wrong number");
	bad.h.number = 1;
	bad.h.parent[3] ^= 1;
	is_int(dn_block_import(b.c, b.r, &bad, NULL, &err), DN_BLOCK_EPARENT, "a wrong parent");
	bad.h.parent[3] ^= 1;
	bad.xt[0].call.amount++;
	is_int(dn_block_import(b.c, b.r, &bad, NULL, &err), DN_BLOCK_EXTROOT,
	       "a changed extrinsic no longer matches the extrinsics root");
	struct node fresh;
	node_init(&fresh);
	ok(same_state(b.c, fresh.c), "and none of these changed the importer's state");
	node_free(&fresh);

	is_int(dn_block_import(b.c, b.r, &dec, NULL, &err), 0, "the other node imports block 1");
	ok(memcmp(a.c->head_hash, b.c->head_hash, 32) == 0 && same_state(a.c, b.c),
	   "and reaches the same state and head");

	/* block 2 with a doctored state root */
	dn_block_build(a.c, a.r, kp[CHARLIE].public_key, NULL, 0, &blk, NULL, NULL, &err);
	struct node c2;
	node_init(&c2);
	dn_block_import(c2.c, c2.r, &dec, NULL, &err);
	struct dn_block b2;
	dn_block_init(&b2);
	dn_enc_reset(&e);
	dn_block_encode(&blk, &e);
	dn_block_decode(e.buf, e.len, &b2);
	b2.h.state_root[0] ^= 1;
	is_int(dn_block_import(c2.c, c2.r, &b2, NULL, &err), DN_BLOCK_ESTATEROOT,
	       "a block whose state root differs is refused");
	ok(strstr(err.msg, "differs") != NULL, "naming both roots: %s", err.msg);
	b2.h.state_root[0] ^= 1;
	is_int(dn_block_import(b.c, b.r, &b2, NULL, &err), 0, "the true block 2 imports");
	/* an invalid extrinsic inside a block: replay bob's transfer */
	struct dn_block b3;
	dn_block_init(&b3);
	b3.h.number = 3;
	memcpy(b3.h.parent, b.c->head_hash, 32);
	dn_block_push(&b3, &pool[0]);
	dn_block_extrinsics_root(b3.xt, b3.n, b3.h.extrinsics_root);
	is_int(dn_block_import(b.c, b.r, &b3, NULL, &err), DN_BLOCK_EXTRINSIC,
	       "a block holding a replayed extrinsic is invalid");
	ok(strstr(err.msg, "Stale") != NULL, "the error says why: %s", err.msg);

	for (int i = 0; i < 3; i++)
		dn_extrinsic_release(&pool[i]);
	dn_block_release(&blk);
	dn_block_release(&dec);
	dn_block_release(&bad);
	dn_block_release(&b2);
	dn_block_release(&b3);
	dn_block_events_release(&ev);
	dn_enc_release(&e);
	dn_enc_release(&e2);
	node_free(&a);
	node_free(&b);
	node_free(&c2);
}

/* Runs nblocks random blocks from the default genesis; roots[i] gets the
 * state root of block i + 1. Checks along the way (counted in *bad_*). */
struct run_stats {
	unsigned root_mismatch, check_fail, import_fail, ok_calls, failed_calls;
	unsigned epochs;
};

static void random_run(uint64_t seed, int nblocks, uint8_t (*roots)[32], bool follow,
		       struct run_stats *rs)
{
	rng = seed;
	struct node a, b;
	node_init(&a);
	if (follow)
		node_init(&b);
	struct dn_block blk;
	dn_block_init(&blk);
	struct dn_block_events ev;
	dn_block_events_init(&ev);
	struct dn_extrinsic pool[12];
	for (int k = 0; k < nblocks; k++) {
		size_t n = rnd(4) == 0 ? 0 : rnd(12);
		uint32_t bump[NSIGNERS] = {0};
		for (size_t i = 0; i < n; i++) {
			int who;
			struct dn_call call;
			random_call(&call, &who);
			dn_extrinsic_sign(&pool[i], &kp[who], nonce_of(a.c, who) + bump[who],
					  a.c->genesis_hash, &call);
			bump[who]++;
			dn_call_release(&call);
		}
		struct dn_chain_err err;
		dn_block_build(a.c, a.r, kp[k % 3].public_key, pool, n, &blk, NULL, &ev, &err);
		for (size_t i = 0; i < n; i++)
			dn_extrinsic_release(&pool[i]);
		for (size_t i = 0; i < ev.nxt; i++) {
			if (ev.xt[i].code)
				rs->failed_calls++;
			else
				rs->ok_calls++;
		}
		for (size_t i = 0; i < ev.nepochs; i++)
			rs->epochs += ev.epochs[i].outcome == DN_SCHEDULE_RUN;
		uint8_t full[32];
		dn_stateroot_full(a.c, full);
		if (memcmp(full, blk.h.state_root, 32) != 0)
			rs->root_mismatch++;
		memcpy(roots[k], blk.h.state_root, 32);
		if (dn_chain_check(a.c, &err) != 0) {
			if (rs->check_fail++ == 0)
				diag("block %d: %s", k + 1, err.msg);
		}
		if (follow && dn_block_import(b.c, b.r, &blk, NULL, &err) != 0) {
			if (rs->import_fail++ == 0)
				diag("import of block %d: %s", k + 1, err.msg);
		}
	}
	dn_block_release(&blk);
	dn_block_events_release(&ev);
	node_free(&a);
	if (follow)
		node_free(&b);
}

static void test_random_blocks(void)
{
	enum { N = 400 };
	static uint8_t r1[N][32], r2[N][32];
	struct run_stats s1 = {0}, s2 = {0};
	random_run(7, N, r1, true, &s1);
	is_int(s1.root_mismatch, 0, "the cached state root equals the full one after every block");
	is_int(s1.check_fail, 0, "the dTAO invariants hold after every block");
	is_int(s1.import_fail, 0, "a second node imports every block with the same state root");
	ok(s1.ok_calls > 100 && s1.failed_calls > 100,
	   "random extrinsics both succeed (%u) and fail (%u)", s1.ok_calls, s1.failed_calls);
	ok(s1.epochs > 0, "epochs ran (%u)", s1.epochs);
	random_run(7, N, r2, false, &s2);
	ok(memcmp(r1, r2, sizeof(r1)) == 0, "a second run gives the same root at every block");
	bool distinct = true;
	for (int i = 1; i < N; i++)
		if (memcmp(r1[i], r1[i - 1], 32) == 0)
			distinct = false;
	ok(distinct, "the root changes with every block");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	for (size_t i = 0; i < NSIGNERS; i++)
		if (dn_keys_dev(signer_names[i], &kp[i]) != 0)
			return 1;
	test_call_encoding();
	test_signatures();
	test_blocks();
	test_random_blocks();
	return tap_done();
}
