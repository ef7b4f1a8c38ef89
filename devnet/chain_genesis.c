/*
 * The built-in default genesis (see chain.h): the localnet's dev accounts
 * and a small economy of four subnets. Its hotkeys are Substrate ed25519
 * hard derivations of the dev accounts (//Alice//validator, ...), so
 * `subkey inspect --scheme ed25519 //Alice//validator` shows the same key.
 */
#include <stdlib.h>
#include <string.h>

#include "devnet/chain.h"
#include "devnet/keys.h"
#include "devnet/xalloc.h"

#define TAO 1000000000ULL

/* Coldkeys: the dev accounts, in the localnet's order. */
enum { ALICE, BOB, CHARLIE, DAVE, EVE, FERDIE, NCOLD };

/* Hotkeys: a dev account's hard junction. */
static const struct {
	int coldkey;
	const char *junction;
} hotkey_defs[] = {
	{ALICE, "owner"}, /* 6: owner hotkey of subnet 1 */
	{BOB, "owner"}, /* 7: subnet 2 */
	{CHARLIE, "owner"}, /* 8: subnet 3 */
	{DAVE, "owner"}, /* 9: subnet 4 */
	{ALICE, "validator"}, /* 10 */
	{BOB, "validator"}, /* 11 */
	{CHARLIE, "validator"}, /* 12 */
	{DAVE, "miner1"}, /* 13 */
	{DAVE, "miner2"}, /* 14 */
	{EVE, "miner1"}, /* 15 */
	{EVE, "miner2"}, /* 16 */
	{FERDIE, "miner1"}, /* 17 */
	{FERDIE, "miner2"}, /* 18 */
};

#define NHOT (sizeof(hotkey_defs) / sizeof(hotkey_defs[0]))
enum { OWN1 = NCOLD, OWN2, OWN3, OWN4, VA, VB, VC, M_D1, M_D2, M_E1, M_E2, M_F1, M_F2 };

/* I96F32 bits of p / 100. */
#define PRICE(pct) ((dn_i96f32)(((dn_u128)(pct) << 32) / 100))

static const struct dn_genesis_subnet subnets[] = {
	{1, ALICE, OWN1, 0, 10000 * TAO, 12500 * TAO, true, true, PRICE(80), NULL},
	{2, BOB, OWN2, 0, 4000 * TAO, 8000 * TAO, true, true, PRICE(50), NULL},
	{3, CHARLIE, OWN3, 0, 2000 * TAO, 8000 * TAO, true, true, PRICE(25), NULL},
	/* as register_network and start_call leave a new subnet: TAO-side
	 * emission off until root enables it, EMA price 0 */
	{4, DAVE, OWN4, 0, 1000 * TAO, 1000 * TAO, true, false, 0, NULL},
};

static const struct dn_genesis_neuron neurons[] = {
	{1, VA, true},	  {1, VB, true},    {1, VC, true},    {1, M_D1, false}, {1, M_E1, false},
	{1, M_F1, false}, {1, M_D2, false}, {2, VB, true},    {2, VA, true},	{2, VC, true},
	{2, M_E1, false}, {2, M_E2, false}, {2, M_F1, false}, {2, M_F2, false}, {3, VC, true},
	{3, VA, true},	  {3, M_D1, false}, {3, M_D2, false}, {3, M_F2, false}, {4, VA, true},
	{4, M_E2, false},
};

static const struct dn_genesis_stake stakes[] = {
	/* root (TAO) */
	{VA, ALICE, 0, 100000 * TAO},
	{VB, BOB, 0, 50000 * TAO},
	{VC, CHARLIE, 0, 25000 * TAO},
	{VA, EVE, 0, 500 * TAO},
	/* alpha */
	{VA, ALICE, 1, 3000 * TAO},
	{VB, BOB, 1, 2000 * TAO},
	{VC, CHARLIE, 1, 1000 * TAO},
	{VB, FERDIE, 1, 100 * TAO},
	{OWN1, ALICE, 1, 500 * TAO},
	{VB, BOB, 2, 3000 * TAO},
	{VA, ALICE, 2, 1500 * TAO},
	{VC, CHARLIE, 2, 500 * TAO},
	{OWN2, BOB, 2, 300 * TAO},
	{VC, CHARLIE, 3, 2500 * TAO},
	{VA, ALICE, 3, 800 * TAO},
	{OWN3, CHARLIE, 3, 200 * TAO},
	{VC, DAVE, 3, 50 * TAO},
	{VA, ALICE, 4, 100 * TAO},
};

/* Rows: each validator weighs the miners differently (targets are uids). */
static const uint16_t s1_uids[] = {4, 5, 6, 7}, s2_uids[] = {4, 5, 6, 7}, s3_uids[] = {3, 4, 5},
		      s4_uids[] = {2};
static const uint16_t s1_va[] = {40000, 30000, 20000, 10000},
		      s1_vb[] = {35000, 35000, 15000, 15000},
		      s1_vc[] = {10000, 20000, 30000, 40000};
static const uint16_t s2_vb[] = {50000, 20000, 20000, 10000},
		      s2_va[] = {30000, 30000, 30000, 10000}, s2_vc[] = {5000, 5000, 50000, 5000};
static const uint16_t s3_vc[] = {40000, 30000, 30000}, s3_va[] = {20000, 60000, 20000};
static const uint16_t s4_va[] = {65535};

/* Set in block 1, after the genesis registrations. */
static const struct dn_genesis_weights weights[] = {
	{1, VA, 1, 4, s1_uids, s1_va}, {1, VB, 1, 4, s1_uids, s1_vb}, {1, VC, 1, 4, s1_uids, s1_vc},
	{2, VB, 1, 4, s2_uids, s2_vb}, {2, VA, 1, 4, s2_uids, s2_va}, {2, VC, 1, 4, s2_uids, s2_vc},
	{3, VC, 1, 3, s3_uids, s3_vc}, {3, VA, 1, 3, s3_uids, s3_va}, {4, VA, 1, 1, s4_uids, s4_va},
};

/* The genesis and the storage it points into. */
struct genesis_default {
	struct dn_genesis g; /* first: dn_genesis_default_free casts back */
	struct dn_genesis_account accounts[NCOLD + NHOT];
	struct dn_genesis_hotkey hotkeys[NHOT];
};

struct dn_genesis *dn_genesis_default_new(void)
{
	struct genesis_default *d = xcalloc(1, sizeof(*d));
	struct dn_keypair cold[NCOLD];
	for (int i = 0; i < NCOLD; i++) {
		dn_keys_dev(dn_keys_dev_names[i], &cold[i]);
		memcpy(d->accounts[i].key, cold[i].public_key, 32);
		/* the localnet: alice, bob, charlie 1 000 000 TAO; dave, eve,
		 * ferdie 2 000 */
		d->accounts[i].free = (i < DAVE ? 1000000 : 2000) * TAO;
	}
	for (size_t i = 0; i < NHOT; i++) {
		uint8_t seed[32];
		struct dn_keypair kp;
		/* the secret key starts with the seed (libsodium's layout) */
		dn_keys_derive_hard(cold[hotkey_defs[i].coldkey].secret_key,
				    hotkey_defs[i].junction, seed);
		dn_keys_from_seed(seed, &kp);
		memcpy(d->accounts[NCOLD + i].key, kp.public_key, 32);
		d->accounts[NCOLD + i].free = 0;
		d->hotkeys[i] = (struct dn_genesis_hotkey){(uint32_t)(NCOLD + i),
							   (uint32_t)hotkey_defs[i].coldkey, 0};
		memset(&kp, 0, sizeof(kp));
		memset(seed, 0, sizeof(seed));
	}
	memset(cold, 0, sizeof(cold));
	d->g = (struct dn_genesis){
		.params = NULL,
		.block = 0,
		.naccounts = NCOLD + NHOT,
		.accounts = d->accounts,
		.sudo = ALICE,
		.nhotkeys = NHOT,
		.hotkeys = d->hotkeys,
		.nsubnets = sizeof(subnets) / sizeof(subnets[0]),
		.subnets = subnets,
		.nneurons = sizeof(neurons) / sizeof(neurons[0]),
		.neurons = neurons,
		.nstakes = sizeof(stakes) / sizeof(stakes[0]),
		.stakes = stakes,
		.nweights = sizeof(weights) / sizeof(weights[0]),
		.weights = weights,
	};
	return &d->g;
}

void dn_genesis_default_free(struct dn_genesis *g) { free((struct genesis_default *)g); }
