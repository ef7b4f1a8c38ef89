/*
 * The canonical binary encoding of taodev's blocks, extrinsics and state:
 * SCALE, as Substrate encodes (fixed-width integers little endian, compact
 * integers for lengths, length-prefixed byte strings). One encoding serves
 * hashing (the state root, block and extrinsic hashes), the store and the
 * wire, so a value has exactly one encoding: the decoder rejects anything
 * non-canonical (a compact integer in a longer mode than needed), truncated,
 * or longer than the caller's limit, and never reads out of bounds.
 */
#ifndef DN_CODEC_H
#define DN_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devnet/fixed.h"

#define DN_CODEC_ETRUNC (-61) /* input ends inside a value */
#define DN_CODEC_EBADENC (-74) /* not the canonical encoding of a value */
#define DN_CODEC_ETOOBIG (-27) /* a length above the caller's limit */

/* A growable output buffer (aborts on out-of-memory). */
struct dn_enc {
	uint8_t *buf;
	size_t len, cap;
};

void dn_enc_init(struct dn_enc *e);
void dn_enc_release(struct dn_enc *e);
static inline void dn_enc_reset(struct dn_enc *e) { e->len = 0; }

void dn_enc_bytes(struct dn_enc *e, const void *p, size_t n); /* raw, no length */
/* Appends n bytes for the caller to fill; the pointer is valid until the
 * next append. */
uint8_t *dn_enc_reserve(struct dn_enc *e, size_t n);
void dn_enc_u8(struct dn_enc *e, uint8_t v);
void dn_enc_bool(struct dn_enc *e, bool v);
void dn_enc_u16(struct dn_enc *e, uint16_t v);
void dn_enc_u32(struct dn_enc *e, uint32_t v);
void dn_enc_u64(struct dn_enc *e, uint64_t v);
void dn_enc_u128(struct dn_enc *e, dn_u128 v);
void dn_enc_compact(struct dn_enc *e, uint64_t v); /* SCALE Compact<u64> */
void dn_enc_blob(struct dn_enc *e, const void *p, size_t n); /* compact length + bytes */

/* A reader over n bytes. Every read returns 0 or a negative code; after
 * the first error every later read fails with the same code, so a decoder
 * can read a whole record and check once (dn_dec_finish also insists that
 * every byte was consumed). */
struct dn_dec {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

void dn_dec_init(struct dn_dec *d, const void *p, size_t n);
int dn_dec_bytes(struct dn_dec *d, void *out, size_t n);
int dn_dec_u8(struct dn_dec *d, uint8_t *v);
int dn_dec_bool(struct dn_dec *d, bool *v); /* only 0 or 1 */
int dn_dec_u16(struct dn_dec *d, uint16_t *v);
int dn_dec_u32(struct dn_dec *d, uint32_t *v);
int dn_dec_u64(struct dn_dec *d, uint64_t *v);
int dn_dec_u128(struct dn_dec *d, dn_u128 *v);
/* A compact integer no larger than max. */
int dn_dec_compact(struct dn_dec *d, uint64_t max, uint64_t *v);
/* A length-prefixed byte string of at most max bytes: *p points into the
 * input (no copy). */
int dn_dec_blob(struct dn_dec *d, size_t max, const uint8_t **p, size_t *n);
/* 0 when no error occurred and every byte was read, else the error
 * (DN_CODEC_EBADENC for trailing bytes). */
int dn_dec_finish(struct dn_dec *d);

const char *dn_codec_strerror(int err);

#endif
