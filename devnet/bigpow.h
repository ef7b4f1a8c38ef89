/*
 * The chain's big-integer power: safe_bigmath's SafeInt::pow_ratio_scaled
 * (crate safe-bigmath 0.4.1, rev 013c4998, the one subtensor pins), which
 * the balancer pool uses for every swap and limit price (devnet/pool.h).
 *
 * It computes floor((bn / bd)^(en / ed) * scale) two ways, and the pool's
 * results depend on which one runs, so both are reproduced exactly:
 *   - exact: when en/ed, reduced by their gcd, has both terms <= 1024, the
 *     largest r with r^ed * bd^en <= bn^en * scale^ed (an integer root);
 *   - fallback: otherwise, ln and exp by Taylor series in binary fixed
 *     point (max(precision, 32, bits(scale) + 8) bits plus 24 guard bits),
 *     with the crate's stopping rules and iteration cap, floors and
 *     half-away-from-zero rounding. Far from 1 the cap cuts the series
 *     short and the result is garbage (huge or negative); the callers only
 *     ask whether it fits a u64, so that is what this returns.
 * Both are usually answered from a short run of the series with an error
 * bound, which gives the same result at a fraction of the cost (a chain
 * buy's power takes about a microsecond); see bigpow.c. Nothing is kept
 * between calls but ln(2) at each precision, per thread. Thread-safe.
 */
#ifndef DN_BIGPOW_H
#define DN_BIGPOW_H

#include <stdint.h>

#include "devnet/fixed.h"

/* How the SafeInt result looks to the chain, which only ever calls
 * to_u64() on it and, when that fails, compares it with u64::MAX. */
enum dn_pow_status {
	DN_POW_OK, /* 0 <= result <= u64::MAX, in *value */
	DN_POW_ABOVE, /* result > u64::MAX */
	DN_POW_NEGATIVE, /* result < 0 (only the fallback can give it) */
	DN_POW_NONE, /* None: bd == 0 or ed == 0 */
};

/* SafeInt::pow_ratio_scaled(bn, bd, en, ed, precision, scale). bn == 0
 * gives 0 and en == 0 gives `scale` (both DN_POW_OK), as the crate does.
 * *value is written only with DN_POW_OK. */
enum dn_pow_status dn_pow_ratio_scaled(dn_u128 bn, dn_u128 bd, uint64_t en, uint64_t ed,
				       uint32_t precision, uint64_t scale, uint64_t *value);

#endif
