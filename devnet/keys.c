/*
 * Keys: ed25519 through libsodium, Substrate's hard derivation and SS58.
 */
#include "devnet/keys.h"

#include <sodium.h>
#include <string.h>

/* The mini secret of Substrate's dev phrase ("bottom drive obey lake
 * curtain smoke basket hold race lonely fit walk"), from which the localnet
 * derives //Alice, //Bob, ... (sp_core DEV_PHRASE). */
static const uint8_t dev_seed[32] = {
	0xfa, 0xc7, 0x95, 0x9d, 0xbf, 0xe7, 0x2f, 0x05, 0x2e, 0x5a, 0x0c,
	0x3c, 0x8d, 0x65, 0x30, 0xf2, 0x02, 0xb0, 0x2f, 0xd8, 0xf9, 0xf5,
	0xca, 0x35, 0x80, 0xec, 0x8d, 0xeb, 0x77, 0x97, 0x47, 0x9e,
};

const char *const dn_keys_dev_names[] = {"alice", "bob", "charlie", "dave", "eve", "ferdie", NULL};

void dn_keys_from_seed(const uint8_t seed[32], struct dn_keypair *kp)
{
	crypto_sign_seed_keypair(kp->public_key, kp->secret_key, seed);
}

/* SCALE compact encoding of a length (the modes a junction can need). */
static size_t compact_len(size_t n, uint8_t out[4])
{
	if (n < 64) {
		out[0] = (uint8_t)(n << 2);
		return 1;
	}
	if (n < 16384) {
		out[0] = (uint8_t)((n << 2) | 1);
		out[1] = (uint8_t)(n >> 6);
		return 2;
	}
	uint32_t v = (uint32_t)(n << 2) | 2;
	memcpy(out, &v, 4); /* little endian on every supported target */
	return 4;
}

/* sp_core DeriveJunction: a decimal number is its u64 (little endian),
 * anything else its SCALE string encoding; then padded or hashed to 32. */
static int chain_code(const char *junction, uint8_t cc[32])
{
	uint8_t enc[4 + 256];
	size_t n = strlen(junction), len;
	bool number = n > 0 && n <= 20;
	uint64_t v = 0;
	for (size_t i = 0; number && i < n; i++) {
		if (junction[i] < '0' || junction[i] > '9' ||
		    v > (UINT64_MAX - (uint64_t)(junction[i] - '0')) / 10)
			number = false;
		else
			v = v * 10 + (uint64_t)(junction[i] - '0');
	}
	if (number) {
		for (int i = 0; i < 8; i++)
			enc[i] = (uint8_t)(v >> (8 * i));
		len = 8;
	} else {
		if (n > 256)
			return DN_KEYS_EINVAL;
		len = compact_len(n, enc);
		memcpy(enc + len, junction, n);
		len += n;
	}
	memset(cc, 0, 32);
	if (len > 32)
		crypto_generichash(cc, 32, enc, len, NULL, 0);
	else
		memcpy(cc, enc, len);
	return 0;
}

/* sp_core::ed25519 derive_hard_junction */
int dn_keys_derive_hard(const uint8_t seed[32], const char *junction, uint8_t out[32])
{
	static const char tag[] = "Ed25519HDKD";
	uint8_t buf[1 + sizeof(tag) - 1 + 64];
	size_t k = 0;
	buf[k++] = (uint8_t)((sizeof(tag) - 1) << 2);
	memcpy(buf + k, tag, sizeof(tag) - 1);
	k += sizeof(tag) - 1;
	memcpy(buf + k, seed, 32);
	if (chain_code(junction, buf + k + 32) != 0)
		return DN_KEYS_EINVAL;
	crypto_generichash(out, 32, buf, sizeof(buf), NULL, 0);
	return 0;
}

int dn_keys_uri(const char *uri, struct dn_keypair *kp)
{
	if (strncmp(uri, "//", 2) != 0)
		return DN_KEYS_ENOENT;
	uint8_t seed[32];
	memcpy(seed, dev_seed, 32);
	/* every hard junction in turn: //Alice//validator//1 */
	int rc = 0;
	const char *slash = uri;
	while (slash && rc == 0) {
		const char *j = slash + 2, *next = strstr(j, "//");
		size_t len = next ? (size_t)(next - j) : strlen(j);
		char junction[64];
		if (len == 0 || len >= sizeof(junction) || memchr(j, '/', len)) {
			rc = DN_KEYS_ENOENT;
			break;
		}
		memcpy(junction, j, len);
		junction[len] = 0;
		rc = dn_keys_derive_hard(seed, junction, seed) ? DN_KEYS_ENOENT : 0;
		slash = next;
	}
	if (rc == 0)
		dn_keys_from_seed(seed, kp);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

int dn_keys_dev(const char *name, struct dn_keypair *kp)
{
	const char *slash = strstr(name, "//");
	size_t n = slash ? (size_t)(slash - name) : strlen(name);
	int idx = -1;
	for (int i = 0; dn_keys_dev_names[i]; i++)
		if (strlen(dn_keys_dev_names[i]) == n &&
		    strncmp(dn_keys_dev_names[i], name, n) == 0)
			idx = i;
	if (idx < 0)
		return DN_KEYS_ENOENT;
	/* the localnet's junctions are capitalised: alice is //Alice */
	char uri[160];
	size_t rest = slash ? strlen(slash) : 0;
	if (n + rest + 3 > sizeof(uri))
		return DN_KEYS_ENOENT;
	uri[0] = '/';
	uri[1] = '/';
	memcpy(uri + 2, dn_keys_dev_names[idx], n);
	uri[2] = (char)(uri[2] - 'a' + 'A');
	memcpy(uri + 2 + n, slash ? slash : "", rest + 1);
	return dn_keys_uri(uri, kp);
}

void dn_keys_sign(const struct dn_keypair *kp, const uint8_t *msg, size_t len, uint8_t sig[64])
{
	crypto_sign_detached(sig, NULL, msg, len, kp->secret_key);
}

bool dn_keys_verify(const uint8_t public_key[32], const uint8_t *msg, size_t len,
		    const uint8_t sig[64])
{
	return crypto_sign_verify_detached(sig, msg, len, public_key) == 0;
}

/* ---- SS58 -------------------------------------------------------------- */

static const char b58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static void ss58_checksum(const uint8_t *payload, size_t len, uint8_t out[2])
{
	uint8_t h[64];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 64);
	crypto_generichash_update(&st, (const uint8_t *)"SS58PRE", 7);
	crypto_generichash_update(&st, payload, len);
	crypto_generichash_final(&st, h, 64);
	out[0] = h[0];
	out[1] = h[1];
}

/* The prefix bytes: one below 64; two below 16384 in Substrate's layout. */
static size_t prefix_bytes(uint16_t prefix, uint8_t out[2])
{
	if (prefix < 64) {
		out[0] = (uint8_t)prefix;
		return 1;
	}
	out[0] = (uint8_t)(((prefix & 0xfc) >> 2) | 0x40);
	out[1] = (uint8_t)((prefix >> 8) | ((prefix & 0x03) << 6));
	return 2;
}

int dn_ss58_encode(const uint8_t public_key[32], uint16_t prefix, char *out, size_t outlen)
{
	uint8_t raw[2 + 32 + 2], digits[64];
	size_t n, nd = 0, zeros = 0;
	if (prefix >= 16384)
		return DN_KEYS_EINVAL;
	n = prefix_bytes(prefix, raw);
	memcpy(raw + n, public_key, 32);
	ss58_checksum(raw, n + 32, raw + n + 32);
	n += 34;
	while (zeros < n && raw[zeros] == 0)
		zeros++;
	/* base 256 -> base 58, least significant digit first */
	for (size_t i = zeros; i < n; i++) {
		unsigned carry = raw[i];
		for (size_t j = 0; j < nd; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		while (carry) {
			digits[nd++] = (uint8_t)(carry % 58);
			carry /= 58;
		}
	}
	if (zeros + nd + 1 > outlen)
		return DN_KEYS_EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < zeros; i++)
		out[o++] = '1';
	while (nd)
		out[o++] = b58[digits[--nd]];
	out[o] = '\0';
	return 0;
}

int dn_ss58_decode(const char *address, uint16_t *prefix, uint8_t public_key[32])
{
	uint8_t raw[40];
	size_t nr = 0, len = strlen(address), zeros = 0;
	if (len == 0 || len > 60)
		return DN_KEYS_EINVAL;
	while (address[zeros] == '1')
		zeros++;
	for (size_t i = zeros; i < len; i++) {
		const char *p = strchr(b58, address[i]);
		if (!p || !*p)
			return DN_KEYS_EINVAL;
		unsigned carry = (unsigned)(p - b58);
		for (size_t j = 0; j < nr; j++) {
			carry += (unsigned)raw[j] * 58;
			raw[j] = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry) {
			if (nr == sizeof(raw))
				return DN_KEYS_EINVAL;
			raw[nr++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	/* raw holds the value least significant byte first; add leading zeros */
	uint8_t be[40];
	size_t n = zeros + nr;
	if (n > sizeof(be))
		return DN_KEYS_EINVAL;
	memset(be, 0, zeros);
	for (size_t i = 0; i < nr; i++)
		be[zeros + i] = raw[nr - 1 - i];
	size_t pl = (be[0] & 0x40) ? 2 : 1;
	if (n != pl + 34)
		return DN_KEYS_EINVAL;
	uint8_t sum[2];
	ss58_checksum(be, pl + 32, sum);
	if (sum[0] != be[pl + 32] || sum[1] != be[pl + 33])
		return DN_KEYS_EINVAL;
	if (pl == 1) {
		*prefix = be[0];
	} else {
		uint16_t lower = (uint16_t)(((be[0] << 2) | (be[1] >> 6)) & 0xff);
		uint16_t upper = be[1] & 0x3f;
		*prefix = (uint16_t)(lower | (upper << 8));
	}
	memcpy(public_key, be + pl, 32);
	return 0;
}
