/*
 * The decoders' fuzz target on every `make check` (the libFuzzer build is
 * --enable-fuzz): valid seeds of each kind — extrinsics of every call, a
 * block, a chain state after some blocks — must decode and re-encode
 * identically, and thousands of deterministic mutations of them (bit
 * flips, truncations, insertions, copied ranges, huge lengths) must be
 * refused or decode canonically, never crash (the ASan build checks the
 * memory). FUZZ_CORPUS_OUT=DIR writes the seeds as a starting corpus.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/extrinsic.h"
#include "devnet/stateroot.h"
#include "tests/fuzz/decode.h"
#include "tests/tap.h"

#define TAO 1000000000ULL

struct seed {
	uint8_t *p;
	size_t n;
};

static struct seed seeds[64];
static size_t nseeds;

static void add_seed(int target, const struct dn_enc *e)
{
	struct seed *s = &seeds[nseeds++];
	s->n = e->len + 1;
	s->p = malloc(s->n);
	s->p[0] = (uint8_t)target;
	memcpy(s->p + 1, e->buf, e->len);
}

static uint64_t rng = 2026;

static uint64_t rnd(uint64_t n) { return tap_rand_next(&rng) % n; }

/* One mutation of src into buf (returns the length). */
static size_t mutate(const struct seed *s, uint8_t *buf, size_t cap)
{
	size_t n = s->n < cap ? s->n : cap;
	memcpy(buf, s->p, n);
	switch (rnd(6)) {
	case 0: /* flip a few bits past the selector */
		for (int k = 1 + (int)rnd(4); k > 0 && n > 1; k--)
			buf[1 + rnd(n - 1)] ^= (uint8_t)(1u << rnd(8));
		break;
	case 1: /* truncate */ n = 1 + rnd(n); break;
	case 2: /* insert random bytes */
		if (n + 8 <= cap) {
			size_t at = 1 + rnd(n);
			memmove(buf + at + 8, buf + at, n - at);
			for (int k = 0; k < 8; k++)
				buf[at + k] = (uint8_t)rnd(256);
			n += 8;
		}
		break;
	case 3: /* copy a range over another */
		if (n > 17) {
			size_t from = 1 + rnd(n - 16), to = 1 + rnd(n - 16);
			memmove(buf + to, buf + from, 16);
		}
		break;
	case 4: /* a huge compact length somewhere */
		if (n > 6) {
			size_t at = 1 + rnd(n - 5);
			buf[at] = 0x03; /* big-integer mode, 4 bytes follow */
			memset(buf + at + 1, 0xff, 4);
		}
		break;
	default: /* a random byte */
		if (n > 1)
			buf[1 + rnd(n - 1)] = (uint8_t)rnd(256);
		break;
	}
	return n;
}

static void make_seeds(void)
{
	struct dn_genesis *g = dn_genesis_default_new();
	struct dn_chain *c = dn_chain_new(g, NULL);
	dn_genesis_default_free(g);
	struct dn_stateroot *r = dn_stateroot_new();
	struct dn_header h;
	dn_block_genesis(c, r, &h);
	struct dn_keypair alice, va;
	dn_keys_dev("alice", &alice);
	dn_keys_dev("alice//validator", &va);

	struct dn_enc e;
	dn_enc_init(&e);
	struct dn_extrinsic pool[DN_CALL_COUNT];
	uint16_t uids[3] = {4, 5, 6}, vals[3] = {1, 2, 3};
	for (int k = 0; k < DN_CALL_COUNT; k++) {
		struct dn_call call = {.kind = (enum dn_call_kind)k, .netuid = 1, .netuid2 = 2};
		call.amount = TAO;
		memcpy(call.dest, va.public_key, 32);
		memcpy(call.hotkey, va.public_key, 32);
		memcpy(call.hotkey2, va.public_key, 32);
		dn_call_set_vec(&call.uids, &call.nuids, uids, 3);
		dn_call_set_vec(&call.values, &call.nvalues, vals, 3);
		dn_call_set_vec(&call.salt, &call.nsalt, vals, 2);
		dn_extrinsic_sign(&pool[k], &alice, (uint32_t)k, c->genesis_hash, &call);
		dn_call_release(&call);
		dn_enc_reset(&e);
		dn_extrinsic_encode(&pool[k], &e);
		add_seed(FUZZ_EXTRINSIC, &e);
	}
	struct dn_block b;
	dn_block_init(&b);
	dn_block_build(c, r, alice.public_key, pool, DN_CALL_COUNT, &b, NULL, NULL, NULL);
	for (int i = 0; i < 30; i++)
		dn_block_build(c, r, alice.public_key, NULL, 0, &b, NULL, NULL, NULL);
	for (int k = 0; k < DN_CALL_COUNT; k++)
		dn_block_push(&b, &pool[k]);
	dn_enc_reset(&e);
	dn_block_encode(&b, &e);
	add_seed(FUZZ_BLOCK, &e);
	dn_enc_reset(&e);
	dn_chain_encode(c, &e);
	add_seed(FUZZ_STATE, &e);

	for (int k = 0; k < DN_CALL_COUNT; k++)
		dn_extrinsic_release(&pool[k]);
	dn_block_release(&b);
	dn_enc_release(&e);
	dn_stateroot_free(r);
	dn_chain_free(c);
}

static void write_corpus(const char *dir)
{
	for (size_t i = 0; i < nseeds; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/seed-%02zu", dir, i);
		FILE *f = fopen(path, "wb");
		if (!f)
			continue;
		fwrite(seeds[i].p, 1, seeds[i].n, f);
		fclose(f);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	make_seeds();
	const char *out = getenv("FUZZ_CORPUS_OUT");
	if (out)
		write_corpus(out);

	unsigned decoded[FUZZ_TARGETS] = {0}, count[FUZZ_TARGETS] = {0};
	for (size_t i = 0; i < nseeds; i++) {
		count[seeds[i].p[0]]++;
		decoded[seeds[i].p[0]] += (unsigned)fuzz_decode_one(seeds[i].p, seeds[i].n);
	}
	static const char *const names[FUZZ_TARGETS] = {"extrinsic", "block", "state"};
	for (int t = 0; t < FUZZ_TARGETS; t++)
		ok(count[t] > 0 && decoded[t] == count[t], "every %s seed decodes canonically (%u)",
		   names[t], count[t]);

	unsigned runs[FUZZ_TARGETS] = {0}, refused[FUZZ_TARGETS] = {0};
	size_t cap = 0;
	for (size_t i = 0; i < nseeds; i++)
		cap = seeds[i].n + 64 > cap ? seeds[i].n + 64 : cap;
	uint8_t *buf = malloc(cap);
	for (size_t i = 0; i < nseeds; i++) {
		int t = seeds[i].p[0];
		int m = t == FUZZ_EXTRINSIC ? 600 : 4000;
		for (int k = 0; k < m; k++) {
			size_t n = mutate(&seeds[i], buf, cap);
			runs[t]++;
			refused[t] += fuzz_decode_one(buf, n) == 0;
		}
	}
	free(buf);
	for (int t = 0; t < FUZZ_TARGETS; t++)
		ok(refused[t] > runs[t] / 4 && refused[t] <= runs[t],
		   "%u %s mutations ran without a crash, %u refused", runs[t], names[t],
		   refused[t]);
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].p);
	return tap_done();
}
