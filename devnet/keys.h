/*
 * Keys: ed25519 key pairs (libsodium), Substrate hard derivation, SS58
 * addresses, and the deterministic dev accounts.
 *
 * The chain's localnet uses sr25519; taodev signs with ed25519, so its
 * addresses differ from the ones the chain shows for the same names. They
 * are however exactly Substrate's ed25519 keys: the dev account "alice" is
 * `subkey inspect --scheme ed25519 //Alice` (the dev phrase's seed, then
 * the hard junction //Alice), so any Substrate tool can reproduce them.
 *
 * Pure functions: no randomness here (a new random key is made by the
 * caller from its own entropy). libsodium must be initialised once by the
 * program (sodium_init) before these are used.
 */
#ifndef DN_KEYS_H
#define DN_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DN_SS58_PREFIX 42 /* Substrate's generic prefix, as the localnet uses */
#define DN_SS58_MAX 64 /* bytes for an encoded address, NUL included */
#define DN_KEYS_ENOENT (-2) /* no dev account by that name */
#define DN_KEYS_EINVAL (-22) /* malformed address or junction */

struct dn_keypair {
	uint8_t public_key[32];
	uint8_t secret_key[64]; /* libsodium layout: seed then public key */
};

/* The key pair of a 32-byte ed25519 seed. */
void dn_keys_from_seed(const uint8_t seed[32], struct dn_keypair *kp);

/* Substrate's ed25519 hard derivation: seed' = BLAKE2b-256(SCALE(
 * ("Ed25519HDKD", seed, chain_code))), the chain code being the SCALE
 * encoding of the junction (a number: u64 little endian; otherwise the
 * string) padded to 32 bytes, or its BLAKE2b-256 when longer. */
int dn_keys_derive_hard(const uint8_t seed[32], const char *junction, uint8_t out[32]);

/* The dev accounts of the chain's localnet, by lowercase name: alice, bob,
 * charlie, dave, eve, ferdie, and keys derived from them by hard
 * junctions: "alice//stash" is //Alice//stash, "alice//validator" the
 * default genesis' validator hotkey. Returns 0 or DN_KEYS_ENOENT (unknown
 * name, empty or malformed junction). */
int dn_keys_dev(const char *name, struct dn_keypair *kp);

/* A key from the dev phrase by Substrate secret URI of hard junctions:
 * "//Alice" is alice, "//Alice//validator" alice//validator, and any
 * other path ("//taodev//honest//3") a key anyone can re-derive with
 * `subkey inspect --scheme ed25519 //taodev//honest//3`. Returns 0 or
 * DN_KEYS_ENOENT (not starting with //, empty or malformed junction). */
int dn_keys_uri(const char *uri, struct dn_keypair *kp);

/* The dev account names, NULL-terminated, in the localnet's order. */
extern const char *const dn_keys_dev_names[];

/* Detached ed25519 signatures. */
void dn_keys_sign(const struct dn_keypair *kp, const uint8_t *msg, size_t len, uint8_t sig[64]);
bool dn_keys_verify(const uint8_t public_key[32], const uint8_t *msg, size_t len,
		    const uint8_t sig[64]);

/* SS58: base58(prefix || public key || checksum), the checksum being the
 * first two bytes of BLAKE2b-512("SS58PRE" || prefix || key). Prefixes
 * below 64 take one byte, below 16384 two. encode returns 0 or
 * DN_KEYS_EINVAL (prefix too large, buffer too small); decode returns 0 or
 * DN_KEYS_EINVAL (bad character, length, or checksum). */
int dn_ss58_encode(const uint8_t public_key[32], uint16_t prefix, char *out, size_t outlen);
int dn_ss58_decode(const char *address, uint16_t *prefix, uint8_t public_key[32]);

#endif
