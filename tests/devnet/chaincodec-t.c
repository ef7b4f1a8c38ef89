/*
 * devnet/chain_decode.c against chain_encode.c: the default genesis and a
 * chain after 300 blocks of operations (axons, weight commits and reveals,
 * stake swaps, registrations, new accounts) decode to a chain that checks,
 * re-encodes to the same bytes and steps on exactly as the original; every
 * truncation, a trailing byte, a huge count are refused; random byte flips
 * either decode to what re-encodes to the flipped bytes or are refused,
 * never crash.
 */
#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/ops.h"
#include "tests/tap.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TAO 1000000000ULL

/* Default genesis account indices (chain_genesis.c). */
enum { ALICE, BOB, CHARLIE, DAVE, EVE, FERDIE, OWN1, OWN2, OWN3, OWN4, VA, VB, VC };

static void encode(const struct dn_chain *c, struct dn_enc *e)
{
	dn_enc_reset(e);
	dn_chain_encode(c, e);
}

static bool same(const struct dn_enc *a, const struct dn_enc *b)
{
	return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

static struct dn_chain *default_chain(void)
{
	struct dn_genesis *g = dn_genesis_default_new();
	struct dn_chain_err err;
	struct dn_chain *c = dn_chain_new(g, &err);
	dn_genesis_default_free(g);
	if (!c)
		diag("default genesis refused: %s", err.msg);
	return c;
}

static bool step(struct dn_chain *c)
{
	struct dn_chain_err err;
	if (dn_chain_step(c, NULL, &err)) {
		diag("step: %s", err.msg);
		return false;
	}
	return true;
}

/* decode(enc) checks and re-encodes to enc; the decoded chain is returned. */
static struct dn_chain *round_trip(const struct dn_enc *enc, const char *what)
{
	struct dn_chain_err err;
	struct dn_chain *d = dn_chain_decode(enc->buf, enc->len, &err);
	ok(d != NULL, "%s decodes (%zu bytes)%s%s", what, enc->len, d ? "" : ": ",
	   d ? "" : err.msg);
	if (!d)
		return NULL;
	int rc = dn_chain_check(d, &err);
	ok(rc == 0, "%s: the decoded chain keeps every invariant%s%s", what, rc ? ": " : "",
	   rc ? err.msg : "");
	struct dn_enc again;
	dn_enc_init(&again);
	dn_chain_encode(d, &again);
	ok(same(enc, &again), "%s: re-encodes to the same bytes", what);
	dn_enc_release(&again);
	return d;
}

static const uint8_t *key(const struct dn_chain *c, uint32_t a) { return c->acct[a].key; }

static uint8_t *copy_of(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

/* A new key not in the genesis. */
static void fresh_key(uint8_t k[32], uint8_t tag)
{
	memset(k, 0, 32);
	k[0] = 0xF0;
	k[1] = tag;
}

/* 300 blocks with operations of every kind; returns false on a failed op. */
static bool busy_chain(struct dn_chain *c)
{
	struct dn_ops_err e;
	bool good = true;
	static const uint16_t uids[] = {4, 5, 6, 7}, vals[] = {100, 200, 300, 400},
			      salt[] = {1, 2, 3};
	uint8_t hash[32], k1[32], k2[32], k3[32];
	fresh_key(k1, 1);
	fresh_key(k2, 2);
	fresh_key(k3, 3);
	good &= dn_ops_set_hparam(c, key(c, ALICE), 1, DN_HP_TEMPO, 10, &e) == 0;
	good &= dn_ops_set_hparam(c, key(c, ALICE), 1, DN_HP_WEIGHTS_RATE_LIMIT, 0, &e) == 0;
	c->author = FERDIE;
	bool committed = false;
	for (int b = 0; b < 300 && good; b++) {
		good &= step(c);
		struct dn_subnet *s1 = dn_chain_subnet(c, 1);
		int rc = 0;
		switch (b) {
		case 3: {
			struct dn_axon ax = {
				.version = 1, .ip = 0x0a000001, .port = 9000, .ip_type = 4};
			rc = dn_ops_serve_axon(c, key(c, VA), 1, &ax, &e);
			break;
		}
		case 5:
			dn_ops_commit_hash(key(c, VA), 1, uids, 4, vals, 4, salt, 3, 0, hash);
			rc = dn_ops_commit_weights(c, key(c, VA), 1, hash, &e);
			committed = rc == 0;
			break;
		case 20:
			rc = dn_ops_add_stake(c, key(c, BOB), key(c, VB), 2, 100 * TAO, NULL, &e);
			break;
		case 30:
			rc = dn_ops_swap_stake(c, key(c, BOB), key(c, VB), 2, 1, 500 * TAO, 0,
					       false, NULL, &e);
			break;
		case 40: rc = dn_ops_transfer(c, key(c, ALICE), k1, 10 * TAO, true, &e); break;
		case 50: rc = dn_ops_burned_register(c, key(c, EVE), k2, 3, NULL, &e); break;
		case 60: rc = dn_ops_register_network(c, key(c, CHARLIE), k3, NULL, &e); break;
		case 70:
			rc = dn_ops_add_stake(c, key(c, ALICE), key(c, VA), 0, 1000 * TAO, NULL,
					      &e);
			break;
		case 80:
			rc = dn_ops_swap_stake(c, key(c, ALICE), key(c, VA), 0, 3, 200 * TAO, 0,
					       false, NULL, &e);
			break;
		case 120:
			rc = dn_ops_remove_stake(c, key(c, BOB), key(c, VB), 1, 100 * TAO, NULL,
						 &e);
			break;
		case 290: /* left unrevealed in the snapshot */
			dn_ops_commit_hash(key(c, VB), 1, uids, 4, vals, 4, salt, 2, 0, hash);
			rc = dn_ops_commit_weights(c, key(c, VB), 1, hash, &e);
			break;
		default: break;
		}
		if (committed) {
			const struct dn_commit_queue *q = dn_subnet_commits(s1, VA);
			if (q && dn_subnet_reveal_epoch(s1, &c->p.sched, c->block, q->c[0].epoch)) {
				rc = dn_ops_reveal_weights(c, key(c, VA), 1, uids, 4, vals, 4, salt,
							   3, 0, &e);
				committed = false;
			}
		}
		if (rc) {
			diag("block %d: %s", b, e.msg);
			good = false;
		}
	}
	return good && !committed;
}

static void test_default(void)
{
	struct dn_chain *c = default_chain();
	struct dn_enc enc;
	dn_enc_init(&enc);
	encode(c, &enc);
	struct dn_chain *d = round_trip(&enc, "the default genesis");
	dn_chain_free(d);
	dn_chain_free(c);
	dn_enc_release(&enc);
}

static struct dn_enc snapshot; /* of the busy chain, for the malformed tests */

static void test_busy(void)
{
	struct dn_chain *c = default_chain();
	ok(busy_chain(c), "300 blocks with serve, commit, reveal, stake swaps, registrations");
	const struct dn_subnet *s1 = dn_chain_subnet(c, 1);
	ok(s1->axon[1].port == 9000 && dn_subnet_commits(s1, VB) != NULL && c->nsubnets == 6 &&
		   s1->weights[1].len == 4,
	   "the state holds an axon, a pending commit, a revealed row, a new subnet");
	encode(c, &snapshot);
	struct dn_chain *d = round_trip(&snapshot, "the busy chain");
	if (!d) {
		dn_chain_free(c);
		return;
	}
	ok(d->naccounts == c->naccounts && dn_chain_account(d, key(c, ALICE)) == ALICE &&
		   dn_chain_account(d, c->acct[c->naccounts - 1].key) == c->naccounts - 1,
	   "the account index is rebuilt");
	bool steps = true, equal = true;
	struct dn_enc a, b;
	dn_enc_init(&a);
	dn_enc_init(&b);
	for (int i = 0; i < 50 && steps; i++) {
		steps = step(c) && step(d);
		encode(c, &a);
		encode(d, &b);
		equal &= same(&a, &b);
	}
	ok(steps && equal, "the original and the decoded chain step 50 blocks identically");
	struct dn_chain_err err;
	ok(dn_chain_check(d, &err) == 0, "the decoded chain still checks");
	dn_enc_release(&a);
	dn_enc_release(&b);
	dn_chain_free(d);
	dn_chain_free(c);
}

static void test_truncations(void)
{
	size_t n = snapshot.len, tried = 0, refused = 0;
	struct dn_chain_err err;
	/* every prefix (up to 16 KiB; beyond, the first and last 4 KiB and a
	 * stride between) */
	size_t stride = n > 16384 ? (n - 8192) / 4096 + 1 : 1;
	for (size_t k = 0; k < n; k += (k < 4096 || k + 4096 >= n) ? 1 : stride) {
		uint8_t *p = copy_of(snapshot.buf, k);
		struct dn_chain *d = dn_chain_decode(p, k, &err);
		tried++;
		refused += d == NULL && err.code == DN_CHAIN_EINVAL;
		dn_chain_free(d);
		free(p);
	}
	ok(refused == tried, "%zu of %zu truncations of %zu bytes refused", refused, tried, n);
	uint8_t *p = copy_of(snapshot.buf, n + 1);
	p[n] = 0;
	struct dn_chain *d = dn_chain_decode(p, n + 1, &err);
	ok(d == NULL && strstr(err.msg, "trailing"), "a trailing byte is refused (%s)", err.msg);
	dn_chain_free(d);
	free(p);
	d = dn_chain_decode(NULL, 0, &err);
	ok(d == NULL && err.code == DN_CHAIN_EINVAL, "empty input is refused (%s)", err.msg);
}

/* The account count sits after the parameters (179 bytes) and block,
 * parent hash, sudo, author, issuance and lock fields (104 bytes). */
#define NACCOUNTS_AT 283

static void test_huge_count(void)
{
	struct dn_chain_err err;
	uint8_t first = snapshot.buf[NACCOUNTS_AT];
	ok((first & 3) == 0 && (first >> 2) > 19, "the account count is at byte %u (%u accounts)",
	   NACCOUNTS_AT, first >> 2);
	/* 2^29 accounts in four bytes, the rest as it was */
	size_t n = snapshot.len + 3;
	uint8_t *p = malloc(n);
	memcpy(p, snapshot.buf, NACCOUNTS_AT);
	uint32_t v = (1u << 29) << 2 | 2;
	for (int i = 0; i < 4; i++)
		p[NACCOUNTS_AT + i] = (uint8_t)(v >> (8 * i));
	memcpy(p + NACCOUNTS_AT + 4, snapshot.buf + NACCOUNTS_AT + 1,
	       snapshot.len - NACCOUNTS_AT - 1);
	struct dn_chain *d = dn_chain_decode(p, n, &err);
	ok(d == NULL && strstr(err.msg, "naccounts"),
	   "2^29 accounts in a %zu-byte input are refused before allocating (%s)", n, err.msg);
	dn_chain_free(d);
	free(p);
}

static void test_flips(void)
{
	size_t n = snapshot.len, decoded = 0, refused = 0, wrong = 0;
	uint8_t *p = malloc(n);
	struct dn_enc again;
	dn_enc_init(&again);
	tap_rand_seed(0xC0DEC);
	for (int i = 0; i < 3000; i++) {
		memcpy(p, snapshot.buf, n);
		int flips = 1 + (int)(tap_rand() % 3);
		for (int f = 0; f < flips; f++)
			p[tap_rand() % n] ^= (uint8_t)(1 + tap_rand() % 255);
		struct dn_chain_err err;
		struct dn_chain *d = dn_chain_decode(p, n, &err);
		if (!d) {
			refused += err.code == DN_CHAIN_EINVAL && err.msg[0];
			continue;
		}
		decoded++;
		encode(d, &again);
		wrong += again.len != n || memcmp(again.buf, p, n) != 0;
		dn_chain_free(d);
	}
	ok(wrong == 0 && decoded + refused == 3000,
	   "3000 random flips: %zu decoded to what re-encodes to them, %zu refused", decoded,
	   refused);
	dn_enc_release(&again);
	free(p);
}

int main(void)
{
	if (sodium_init() < 0) {
		tap_plan(1);
		ok(false, "sodium_init");
		return tap_done();
	}
	tap_plan(17);
	dn_enc_init(&snapshot);
	test_default();
	test_busy();
	test_truncations();
	test_huge_count();
	test_flips();
	dn_enc_release(&snapshot);
	return tap_done();
}
