/*
 * devnet/codec: SCALE encodings match Substrate's, and the decoder refuses
 * non-canonical, truncated and oversized input without reading past it.
 */
#include "devnet/codec.h"
#include "tests/tap.h"

#include <stdio.h>
#include <string.h>

static const char *hexof(const struct dn_enc *e)
{
	static char buf[128];
	buf[0] = '\0';
	for (size_t i = 0; i < e->len && 2 * i + 2 < sizeof(buf); i++)
		snprintf(buf + 2 * i, 3, "%02x", e->buf[i]);
	return buf;
}

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static int decode_compact(const char *h, uint64_t max, uint64_t *v)
{
	uint8_t b[32];
	struct dn_dec d;
	dn_dec_init(&d, b, unhex(h, b));
	dn_dec_compact(&d, max, v);
	return dn_dec_finish(&d);
}

int main(void)
{
	static const struct {
		uint64_t v;
		const char *hex;
	} compact[] = {
		{0, "00"},
		{1, "04"},
		{63, "fc"},
		{64, "0101"},
		{16383, "fdff"},
		{16384, "02000100"},
		{1073741823, "feffffff"},
		{1073741824, "0300000040"},
		{UINT64_MAX, "13ffffffffffffffff"},
	};
	const size_t nc = sizeof(compact) / sizeof(compact[0]);
	struct dn_enc e;
	uint64_t v;
	tap_plan((int)(2 * nc) + 13);
	dn_enc_init(&e);

	for (size_t i = 0; i < nc; i++) {
		char name[64];
		dn_enc_reset(&e);
		dn_enc_compact(&e, compact[i].v);
		snprintf(name, sizeof(name), "compact %llu encodes as %s",
			 (unsigned long long)compact[i].v, compact[i].hex);
		is_str(hexof(&e), compact[i].hex, name);
		snprintf(name, sizeof(name), "compact %s decodes", compact[i].hex);
		ok(decode_compact(compact[i].hex, UINT64_MAX, &v) == 0 && v == compact[i].v, "%s",
		   name);
	}

	dn_enc_reset(&e);
	dn_enc_u16(&e, 0x1234);
	dn_enc_u32(&e, 0xdeadbeef);
	dn_enc_u64(&e, 1);
	dn_enc_bool(&e, true);
	is_str(hexof(&e), "3412efbeadde010000000000000001",
	       "fixed-width integers are little endian");
	dn_enc_reset(&e);
	dn_enc_blob(&e, "abc", 3);
	is_str(hexof(&e), "0c616263", "a blob is its compact length and its bytes");

	ok(decode_compact("0100", UINT64_MAX, &v) == DN_CODEC_EBADENC,
	   "a small value in the 14-bit mode is not canonical");
	ok(decode_compact("0300000000", UINT64_MAX, &v) == DN_CODEC_EBADENC,
	   "a small value in big-integer mode is not canonical");
	ok(decode_compact("0700000040", UINT64_MAX, &v) == DN_CODEC_ETRUNC,
	   "a big integer missing a byte is truncated");
	ok(decode_compact("fdff", 100, &v) == DN_CODEC_ETOOBIG,
	   "a length above the limit is refused");
	ok(decode_compact("0400", UINT64_MAX, &v) == DN_CODEC_EBADENC,
	   "trailing bytes are refused");
	ok(decode_compact("", UINT64_MAX, &v) == DN_CODEC_ETRUNC, "empty input is truncated");

	uint8_t b[8];
	struct dn_dec d;
	const uint8_t *p;
	size_t n;
	bool flag;
	dn_dec_init(&d, b, unhex("10616263", b));
	ok(dn_dec_blob(&d, 100, &p, &n) == DN_CODEC_ETRUNC,
	   "a blob longer than the input is truncated");
	dn_dec_init(&d, b, unhex("02", b));
	ok(dn_dec_bool(&d, &flag) == DN_CODEC_EBADENC, "a bool other than 0 or 1 is refused");
	dn_dec_init(&d, b, unhex("0c616263", b));
	ok(dn_dec_blob(&d, 2, &p, &n) == DN_CODEC_ETOOBIG, "a blob above its limit is refused");
	uint16_t x16;
	dn_dec_init(&d, b, unhex("01", b));
	ok(dn_dec_u16(&d, &x16) == DN_CODEC_ETRUNC && dn_dec_finish(&d) == DN_CODEC_ETRUNC,
	   "an error sticks for later reads");

	/* round trip of many random records */
	int rt = 0;
	uint64_t s = 88172645463325252ULL;
	for (int i = 0; i < 10000; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		uint64_t a = s >> (s % 64);
		dn_u128 w = ((dn_u128)s << 64) | a;
		dn_enc_reset(&e);
		dn_enc_compact(&e, a);
		dn_enc_u128(&e, w);
		dn_enc_blob(&e, &a, (size_t)(s % 9));
		uint64_t ra;
		dn_u128 rw;
		dn_dec_init(&d, e.buf, e.len);
		dn_dec_compact(&d, UINT64_MAX, &ra);
		dn_dec_u128(&d, &rw);
		dn_dec_blob(&d, 8, &p, &n);
		rt += dn_dec_finish(&d) == 0 && ra == a && rw == w && n == s % 9 &&
		      memcmp(p, &a, n) == 0;
	}
	is_int(rt, 10000, "10000 random records round trip");
	dn_enc_release(&e);
	return tap_done();
}
