/*
 * SCALE encoding and strict decoding (see codec.h).
 */
#include "devnet/codec.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

void dn_enc_init(struct dn_enc *e) { memset(e, 0, sizeof(*e)); }

void dn_enc_release(struct dn_enc *e)
{
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

uint8_t *dn_enc_reserve(struct dn_enc *e, size_t n)
{
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 64;
		while (cap < e->len + n)
			cap *= 2;
		e->buf = xrealloc(e->buf, cap);
		e->cap = cap;
	}
	uint8_t *p = e->buf + e->len;
	e->len += n;
	return p;
}

void dn_enc_bytes(struct dn_enc *e, const void *p, size_t n)
{
	uint8_t *d = dn_enc_reserve(e, n);
	if (n)
		memcpy(d, p, n);
}

/* little endian, whatever the host */
static void enc_le(struct dn_enc *e, uint64_t v, int width)
{
	uint8_t b[8];
	for (int i = 0; i < width; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	dn_enc_bytes(e, b, (size_t)width);
}

void dn_enc_u8(struct dn_enc *e, uint8_t v) { dn_enc_bytes(e, &v, 1); }
void dn_enc_bool(struct dn_enc *e, bool v) { dn_enc_u8(e, v ? 1 : 0); }
void dn_enc_u16(struct dn_enc *e, uint16_t v) { enc_le(e, v, 2); }
void dn_enc_u32(struct dn_enc *e, uint32_t v) { enc_le(e, v, 4); }
void dn_enc_u64(struct dn_enc *e, uint64_t v) { enc_le(e, v, 8); }

void dn_enc_u128(struct dn_enc *e, dn_u128 v)
{
	enc_le(e, (uint64_t)v, 8);
	enc_le(e, (uint64_t)(v >> 64), 8);
}

/* SCALE compact: two low bits give the mode (0: 6-bit, 1: 14-bit, 2:
 * 30-bit, 3: big integer with (bytes - 4) in the upper six bits). */
void dn_enc_compact(struct dn_enc *e, uint64_t v)
{
	if (v < (1u << 6)) {
		dn_enc_u8(e, (uint8_t)(v << 2));
	} else if (v < (1u << 14)) {
		dn_enc_u16(e, (uint16_t)((v << 2) | 1));
	} else if (v < (1u << 30)) {
		dn_enc_u32(e, (uint32_t)((v << 2) | 2));
	} else {
		int bytes = 4;
		while (bytes < 8 && (v >> (8 * bytes)) != 0)
			bytes++;
		dn_enc_u8(e, (uint8_t)(((bytes - 4) << 2) | 3));
		enc_le(e, v, bytes);
	}
}

void dn_enc_blob(struct dn_enc *e, const void *p, size_t n)
{
	dn_enc_compact(e, n);
	dn_enc_bytes(e, p, n);
}

/* ---- decoding ---------------------------------------------------------- */

void dn_dec_init(struct dn_dec *d, const void *p, size_t n)
{
	d->p = p;
	d->len = n;
	d->pos = 0;
	d->err = 0;
}

static int fail(struct dn_dec *d, int err)
{
	if (!d->err)
		d->err = err;
	return d->err;
}

int dn_dec_bytes(struct dn_dec *d, void *out, size_t n)
{
	if (d->err)
		return d->err;
	if (n > d->len - d->pos)
		return fail(d, DN_CODEC_ETRUNC);
	if (n)
		memcpy(out, d->p + d->pos, n);
	d->pos += n;
	return 0;
}

static int dec_le(struct dn_dec *d, uint64_t *v, int width)
{
	uint8_t b[8];
	if (dn_dec_bytes(d, b, (size_t)width))
		return d->err;
	*v = 0;
	for (int i = 0; i < width; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return 0;
}

int dn_dec_u8(struct dn_dec *d, uint8_t *v) { return dn_dec_bytes(d, v, 1); }

int dn_dec_bool(struct dn_dec *d, bool *v)
{
	uint8_t b;
	if (dn_dec_u8(d, &b))
		return d->err;
	if (b > 1)
		return fail(d, DN_CODEC_EBADENC);
	*v = b == 1;
	return 0;
}

int dn_dec_u16(struct dn_dec *d, uint16_t *v)
{
	uint64_t x;
	if (dec_le(d, &x, 2))
		return d->err;
	*v = (uint16_t)x;
	return 0;
}

int dn_dec_u32(struct dn_dec *d, uint32_t *v)
{
	uint64_t x;
	if (dec_le(d, &x, 4))
		return d->err;
	*v = (uint32_t)x;
	return 0;
}

int dn_dec_u64(struct dn_dec *d, uint64_t *v) { return dec_le(d, v, 8); }

int dn_dec_u128(struct dn_dec *d, dn_u128 *v)
{
	uint64_t lo, hi;
	if (dec_le(d, &lo, 8) || dec_le(d, &hi, 8))
		return d->err;
	*v = ((dn_u128)hi << 64) | lo;
	return 0;
}

int dn_dec_compact(struct dn_dec *d, uint64_t max, uint64_t *v)
{
	uint8_t first;
	uint64_t x;
	if (dn_dec_u8(d, &first))
		return d->err;
	switch (first & 3) {
	case 0: x = first >> 2; break;
	case 1:
		d->pos--;
		if (dec_le(d, &x, 2))
			return d->err;
		x >>= 2;
		if (x < (1u << 6))
			return fail(d, DN_CODEC_EBADENC);
		break;
	case 2:
		d->pos--;
		if (dec_le(d, &x, 4))
			return d->err;
		x >>= 2;
		if (x < (1u << 14))
			return fail(d, DN_CODEC_EBADENC);
		break;
	default: {
		int bytes = (first >> 2) + 4;
		if (bytes > 8)
			return fail(d, DN_CODEC_ETOOBIG);
		if (dec_le(d, &x, bytes))
			return d->err;
		/* canonical: above the 30-bit mode and no zero top byte */
		if (x < (1u << 30) || (x >> (8 * (bytes - 1))) == 0)
			return fail(d, DN_CODEC_EBADENC);
	}
	}
	if (x > max)
		return fail(d, DN_CODEC_ETOOBIG);
	*v = x;
	return 0;
}

int dn_dec_blob(struct dn_dec *d, size_t max, const uint8_t **p, size_t *n)
{
	uint64_t len;
	if (dn_dec_compact(d, max, &len))
		return d->err;
	if (len > d->len - d->pos)
		return fail(d, DN_CODEC_ETRUNC);
	*p = d->p + d->pos;
	*n = (size_t)len;
	d->pos += (size_t)len;
	return 0;
}

int dn_dec_finish(struct dn_dec *d)
{
	if (d->err)
		return d->err;
	return d->pos == d->len ? 0 : fail(d, DN_CODEC_EBADENC);
}

const char *dn_codec_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_CODEC_ETRUNC: return "input ends inside a value";
	case DN_CODEC_EBADENC: return "not a canonical encoding";
	case DN_CODEC_ETOOBIG: return "length above the limit";
	}
	return "unknown codec error";
}
