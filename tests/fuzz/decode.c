/*
 * The decoders' fuzz target (see decode.h).
 */
#include <stdlib.h>
#include <string.h>

#include "devnet/block.h"
#include "devnet/chain.h"
#include "devnet/codec.h"
#include "devnet/extrinsic.h"
#include "tests/fuzz/decode.h"

static void same_or_die(const struct dn_enc *e, const uint8_t *p, size_t n)
{
	if (e->len != n || memcmp(e->buf, p, n) != 0)
		abort(); /* decoded, but not canonical */
}

int fuzz_decode_one(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	struct dn_enc e;
	dn_enc_init(&e);
	int decoded = 0;
	switch (data[0] % FUZZ_TARGETS) {
	case FUZZ_EXTRINSIC: {
		struct dn_extrinsic x;
		if (dn_extrinsic_decode(p, n, &x) == 0) {
			dn_extrinsic_encode(&x, &e);
			same_or_die(&e, p, n);
			dn_extrinsic_release(&x);
			decoded = 1;
		}
		break;
	}
	case FUZZ_BLOCK: {
		struct dn_block b;
		dn_block_init(&b);
		if (dn_block_decode(p, n, &b) == 0) {
			dn_block_encode(&b, &e);
			same_or_die(&e, p, n);
			decoded = 1;
		}
		dn_block_release(&b);
		break;
	}
	case FUZZ_STATE: {
		struct dn_chain_err err;
		struct dn_chain *c = dn_chain_decode(p, n, &err);
		if (c) {
			dn_chain_encode(c, &e);
			same_or_die(&e, p, n);
			dn_chain_free(c);
			decoded = 1;
		}
		break;
	}
	}
	dn_enc_release(&e);
	return decoded;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decode_one(data, size);
	return 0;
}
