/*
 * Share pools: how a hotkey's stake on a subnet is split between the
 * coldkeys that nominate it (subtensor primitives/share-pool, used through
 * staking/stake_utils.rs HotkeyAlphaSharePoolDataOperations).
 *
 * A pool holds a value in rao (TotalHotkeyAlpha) and a denominator (the
 * total of the shares, TotalHotkeySharesV2); each coldkey holds shares
 * (AlphaV2). A coldkey's stake is value * share / denominator. Staking or
 * unstaking an amount moves the coldkey's shares and the denominator by
 * amount * denominator / value and the value by the amount; emissions
 * raise the value only, so every holder gains pro rata. The first stake
 * into an empty pool gets shares equal to its amount.
 *
 * Shares and the denominator are SafeFloat: a decimal floating-point
 * number with a u128 mantissa normalised into (10^20, 10^21] and an i64
 * exponent, all its arithmetic exact in 256 bits then truncated, which is
 * reproduced here bit for bit. The caller stores the shares (one struct dn_safefloat per
 * coldkey) and passes the one it updates; a zero share means "no entry",
 * as the chain removes zero entries.
 */
#ifndef DN_SHAREPOOL_H
#define DN_SHAREPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "devnet/fixed.h"

#define DN_SHARE_EINVAL (-22) /* bad argument: NULL pointer */
#define DN_SHARE_ERANGE (-34) /* amount above i64::MAX (the chain's `as i64` would wrap) */
#define DN_SHARE_ESTAKE (-110) /* withdrawal above the holder's value (the chain ignores it) */

/* Static text for a code returned by this module ("ok" for 0). */
const char *dn_share_strerror(int err);

/* share-pool SafeFloat: mantissa * 10^exponent, mantissa 0 (zero, exponent
 * 0) or in (10^20, 10^21]. */
struct dn_safefloat {
	dn_u128 mantissa;
	int64_t exponent;
};

#define DN_SAFEFLOAT_MAX ((dn_u128)1000000000000000000ull * 1000u) /* 10^21 */

/* SafeFloat::new: normalises; false (nothing written) when mantissa >
 * 10^21 or the exponent overflows. */
bool dn_safefloat_new(dn_u128 mantissa, int64_t exponent, struct dn_safefloat *out);
/* From<u64>: exact. */
struct dn_safefloat dn_safefloat_from_u64(uint64_t v);
/* From<&SafeFloat> for u64: truncated, saturating at u64::MAX. */
uint64_t dn_safefloat_to_u64(const struct dn_safefloat *a);
/* From<U64F64>: int + frac / 2^64 in SafeFloat arithmetic. */
struct dn_safefloat dn_safefloat_from_u64f64(dn_u64f64 v);
/* add, sub, div (a / b), mul_div (a * b / c): false (out untouched) where
 * the chain returns None: an exponent overflow, a zero divisor, or sub on
 * a zero a with non-zero b. sub saturates the mantissa at 0. */
bool dn_safefloat_add(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out);
bool dn_safefloat_sub(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out);
bool dn_safefloat_div(const struct dn_safefloat *a, const struct dn_safefloat *b,
		      struct dn_safefloat *out);
bool dn_safefloat_mul_div(const struct dn_safefloat *a, const struct dn_safefloat *b,
			  const struct dn_safefloat *c, struct dn_safefloat *out);
/* SafeFloat::gt: a > b for normalised values. */
bool dn_safefloat_gt(const struct dn_safefloat *a, const struct dn_safefloat *b);
static inline bool dn_safefloat_is_zero(const struct dn_safefloat *a) { return a->mantissa == 0; }

/* One hotkey's pool on one subnet. Zero-initialise for an empty pool. */
struct dn_sharepool {
	uint64_t value; /* rao (TotalHotkeyAlpha): the stake all holders share */
	struct dn_safefloat denom; /* TotalHotkeySharesV2: the sum of the shares */
};

/* get_value / get_value_from_shares: value * share / denominator,
 * truncated; 0 for a zero denominator. */
uint64_t dn_sharepool_value(const struct dn_sharepool *sp, const struct dn_safefloat *share);

/* update_value_for_all: value += update, saturating at 0 and u64::MAX
 * (emissions to every holder; unstaking the hotkey's own total). */
void dn_sharepool_update_all(struct dn_sharepool *sp, int64_t update);

/* update_value_for_one: the holder's shares and the denominator move by
 * |update| * denominator / value (an empty pool: both become |update|),
 * then the value by update. A SafeFloat overflow keeps the old share or
 * denominator, as the chain does (logged there). */
void dn_sharepool_update_one(struct dn_sharepool *sp, struct dn_safefloat *share, int64_t update);

/* sim_update_value_for_one: false when a non-empty pool would give zero
 * shares for `update` (the stake is too small to register). */
bool dn_sharepool_sim_update(const struct dn_sharepool *sp, int64_t update);

/* increase_stake_for_hotkey_and_coldkey_on_subnet: update_one(+amount).
 * Returns 0, DN_SHARE_ERANGE or DN_SHARE_EINVAL (nothing changes). */
int dn_sharepool_deposit(struct dn_sharepool *sp, struct dn_safefloat *share, uint64_t amount);

/* decrease_stake_for_hotkey_and_coldkey_on_subnet: update_one(-amount)
 * when the holder's value is at least amount. Returns 0, DN_SHARE_ESTAKE
 * (value below amount: the chain does nothing silently), DN_SHARE_ERANGE
 * or DN_SHARE_EINVAL; on error nothing changes. */
int dn_sharepool_withdraw(struct dn_sharepool *sp, struct dn_safefloat *share, uint64_t amount);

#endif
