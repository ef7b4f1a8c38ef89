/*
 * devnet/keys: dev accounts equal Substrate's ed25519 //Alice keys, SS58
 * round trips and rejects bad addresses, signatures verify and forgeries
 * do not.
 */
#include "devnet/keys.h"
#include "tests/tap.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int main(void)
{
	struct dn_keypair alice, bob, again;
	char h[65], addr[DN_SS58_MAX];
	uint8_t pk[32], sig[64];
	uint16_t prefix = 0;
	const uint8_t msg[] = "transfer 1 TAO to bob";

	if (sodium_init() < 0)
		return 1;
	tap_plan(16);

	ok(dn_keys_dev("alice", &alice) == 0, "alice is a dev account");
	hex(alice.public_key, 32, h);
	/* sp_keyring Ed25519Keyring::Alice */
	is_str(h, "88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee",
	       "alice is Substrate's ed25519 //Alice");
	dn_keys_dev("bob", &bob);
	hex(bob.public_key, 32, h);
	is_str(h, "d17c2d7823ebf260fd138f2d7e27d114c0145d968b5ff5006125f2414fadae69",
	       "bob is Substrate's ed25519 //Bob");
	dn_keys_dev("alice", &again);
	ok(memcmp(again.secret_key, alice.secret_key, 64) == 0, "dev keys are deterministic");
	ok(dn_keys_dev("alice//stash", &again) == 0 &&
		   memcmp(again.public_key, alice.public_key, 32) != 0,
	   "alice//stash is another key");
	ok(dn_keys_dev("mallory", &again) == DN_KEYS_ENOENT, "an unknown dev name is refused");
	ok(dn_keys_dev("alice//", &again) == DN_KEYS_ENOENT &&
		   dn_keys_dev("alice//a/b", &again) == DN_KEYS_ENOENT,
	   "an empty or malformed junction is refused");

	ok(dn_ss58_encode(alice.public_key, DN_SS58_PREFIX, addr, sizeof(addr)) == 0,
	   "encode alice's address");
	is_str(addr, "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu",
	       "alice's SS58 address (prefix 42)");
	ok(dn_ss58_decode(addr, &prefix, pk) == 0 && prefix == 42 &&
		   memcmp(pk, alice.public_key, 32) == 0,
	   "decode gives back the prefix and key");
	addr[10] = addr[10] == 'a' ? 'b' : 'a';
	ok(dn_ss58_decode(addr, &prefix, pk) == DN_KEYS_EINVAL,
	   "a changed character fails the checksum");
	ok(dn_ss58_decode("5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTp0", &prefix, pk) ==
		   DN_KEYS_EINVAL,
	   "a character outside base58 is refused");
	char two[DN_SS58_MAX];
	ok(dn_ss58_encode(bob.public_key, 1000, two, sizeof(two)) == 0 &&
		   dn_ss58_decode(two, &prefix, pk) == 0 && prefix == 1000 &&
		   memcmp(pk, bob.public_key, 32) == 0,
	   "two-byte prefixes round trip");

	dn_keys_sign(&alice, msg, sizeof(msg), sig);
	ok(dn_keys_verify(alice.public_key, msg, sizeof(msg), sig), "alice's signature verifies");
	ok(!dn_keys_verify(bob.public_key, msg, sizeof(msg), sig), "it does not verify as bob's");
	sig[0] ^= 1;
	ok(!dn_keys_verify(alice.public_key, msg, sizeof(msg), sig), "a forged signature fails");
	return tap_done();
}
