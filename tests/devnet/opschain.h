/*
 * The small chains of the operations' tests (ops-t.c, ops2-t.c): their
 * genesis accounts, the chain, and the checks around every operation: an
 * error must leave the state's encoding unchanged, and the invariants
 * (dn_chain_check) must hold after every success.
 */
#ifndef TAODEV_TESTS_OPSCHAIN_H
#define TAODEV_TESTS_OPSCHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "devnet/chain.h"
#include "devnet/ops.h"
#include "tests/tap.h"

#define TAO 1000000000ULL

/* Gives acc[0 .. n) the keys {key0 + i, 0, ..., 0} and no balance. */
void opschain_accounts(struct dn_genesis_account *acc, int n, uint8_t key0);

/* The chain of genesis g, NULL (with a diagnostic) when g fails. */
struct dn_chain *opschain_new(const struct dn_genesis *g);
/* Frees the chain and the encodings the checks keep. */
void opschain_free(struct dn_chain *c);

/* Encodes the state, for opschain_unchanged() to compare with. */
void opschain_snap(const struct dn_chain *c);
bool opschain_unchanged(const struct dn_chain *c);
/* One check: the invariants hold after `what`. */
void opschain_check(const struct dn_chain *c, const char *what);
/* Steps n blocks; a failing step ends them with a diagnostic. */
void opschain_step(struct dn_chain *c, int n);

/* The two checks, one TAP line each (SUCCEEDS two: the call, the
 * invariants), on the including file's chain `c` and error `e`: an
 * operation that must fail with `want` and change nothing, and one that
 * must succeed. */
#define FAILS(call, want, what)                                                               \
	do {                                                                                  \
		opschain_snap(c);                                                             \
		int rc_ = (call);                                                             \
		ok(rc_ == (want) && e.code == (want) && opschain_unchanged(c), "%s: %s (%s)", \
		   what, dn_ops_strerror(want), rc_ ? e.msg : "succeeded");                   \
	} while (0)

#define SUCCEEDS(call, what)                                                     \
	do {                                                                     \
		int rc_ = (call);                                                \
		ok(rc_ == 0, "%s%s%s", what, rc_ ? ": " : "", rc_ ? e.msg : ""); \
		opschain_check(c, what);                                         \
	} while (0)

#endif
