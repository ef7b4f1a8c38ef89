/*
 * What chain.c, chain_check.c and chain_genesis.c share and nobody else
 * should call: the error-record formatter and the raw insertions that
 * genesis and (later) extrinsics build on. Not part of chain.h's contract.
 */
#ifndef DN_CHAIN_IMPL_H
#define DN_CHAIN_IMPL_H

#include <stdarg.h>

#include "devnet/chain.h"

/* Formats into out[cap] (devnet has no stdio): %s a string, %u a
 * uint64_t, %d an int64_t, %U a dn_u128, %I a dn_i128, %% a percent. */
void dn_chain_vfmt(char *out, size_t cap, const char *fmt, va_list ap);

/* Records a failure in err (may be NULL): the first message is kept with
 * its code, every failure is counted. */
void dn_chain_fail(struct dn_chain_err *err, int code, const char *fmt, ...);

/* Adds an account with a new key (the caller checked) and its free
 * balance; returns its index. Issuance is the caller's business. */
uint32_t dn_chain_add_account(struct dn_chain *c, const uint8_t key[32], uint64_t free);

/* Inserts a subnet with a new netuid, keeping them ascending. */
void dn_chain_add_subnet(struct dn_chain *c, struct dn_subnet *s);

#endif
