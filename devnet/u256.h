/*
 * 256-bit unsigned intermediates for the 128-bit fixed-point types: the
 * exact product of two u128 and the division of such a product by a u128.
 * Shared by fixed.c, pool.c and sharepool.c.
 */
#ifndef DN_U256_H
#define DN_U256_H

#include <stdbool.h>

#include "devnet/fixed.h"

struct dn_u256 {
	dn_u128 hi, lo;
};

static inline struct dn_u256 dn_u256_of(dn_u128 v) { return (struct dn_u256){0, v}; }

/* The exact product a * b. */
struct dn_u256 dn_u256_mul(dn_u128 a, dn_u128 b);

/* x >> s for 0 < s < 128; *inexact tells whether 1 bits were dropped. */
struct dn_u256 dn_u256_shr(struct dn_u256 x, unsigned s, bool *inexact);

/* n / d (truncating) for n.hi < d, so that the quotient fits in 128 bits;
 * the remainder goes to *rem when rem is not NULL. */
dn_u128 dn_u256_div128(struct dn_u256 n, dn_u128 d, dn_u128 *rem);

#endif
