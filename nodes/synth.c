/*
 * Synthetic genesis (see synth.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"
#include "nodes/synth.h"

#define TAO 1000000000ULL

struct nd_synth {
	struct nd_synth_opts o;
	struct dn_genesis g;
	struct dn_genesis_account *accounts;
	struct dn_genesis_hotkey *hotkeys;
	struct dn_genesis_subnet *subnets;
	struct dn_subnet_hparams hp;
	struct dn_genesis_neuron *neurons;
	struct dn_genesis_stake *stakes;
	struct dn_genesis_weights *weights;
	uint16_t *uids, *values; /* the weight rows' storage */
	/* layout of the account table */
	uint32_t val_hot, val_cold, own_cold, own_hot, miner_cold, miner_hot;
};

/* splitmix64: the genesis' own deterministic draws */
static uint64_t draw(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void seed_of(uint64_t seed, uint32_t i, uint8_t out[32])
{
	uint8_t in[12 + 8 + 4];
	memcpy(in, "taodev-synth", 12);
	for (int k = 0; k < 8; k++)
		in[12 + k] = (uint8_t)(seed >> (8 * k));
	for (int k = 0; k < 4; k++)
		in[20 + k] = (uint8_t)(i >> (8 * k));
	crypto_generichash(out, 32, in, sizeof(in), NULL, 0);
}

void nd_synth_keypair(const struct nd_synth *s, uint32_t i, struct dn_keypair *kp)
{
	if (i < ND_SYNTH_DEV) {
		dn_keys_dev(dn_keys_dev_names[i], kp);
		return;
	}
	uint8_t seed[32];
	seed_of(s->o.seed, i, seed);
	dn_keys_from_seed(seed, kp);
	sodium_memzero(seed, sizeof(seed));
}

uint32_t nd_synth_validator_hotkey(const struct nd_synth *s, unsigned v) { return s->val_hot + v; }
uint32_t nd_synth_validator_coldkey(const struct nd_synth *s, unsigned v)
{
	return s->val_cold + v;
}

const struct dn_genesis *nd_synth_genesis(const struct nd_synth *s) { return &s->g; }

void nd_synth_free(struct nd_synth *s)
{
	if (!s)
		return;
	free(s->accounts);
	free(s->hotkeys);
	free(s->subnets);
	free(s->neurons);
	free(s->stakes);
	free(s->weights);
	free(s->uids);
	free(s->values);
	free(s);
}

struct nd_synth *nd_synth_new(const struct nd_synth_opts *o, char *err, size_t cap)
{
	if (o->subnets < 1 || o->subnets > 1024 || o->validators < 1 || o->validators > 64 ||
	    o->uids < o->validators + 2 || o->uids > 4096) {
		snprintf(err, cap,
			 "synthetic genesis: need 1..1024 subnets, 1..64 validators and "
			 "validators + 2 .. 4096 uids (got %u, %u, %u)",
			 o->subnets, o->validators, o->uids);
		return NULL;
	}
	struct nd_synth *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	unsigned S = o->subnets, V = o->validators, M = o->uids - 1 - V;
	s->val_hot = ND_SYNTH_DEV;
	s->val_cold = s->val_hot + V;
	s->own_cold = s->val_cold + V;
	s->own_hot = s->own_cold + S;
	s->miner_cold = s->own_hot + S;
	s->miner_hot = s->miner_cold + S;
	size_t na = (size_t)s->miner_hot + (size_t)S * M;
	size_t nh = (size_t)V + S + (size_t)S * M;
	uint64_t x = o->seed;

	s->accounts = xcalloc(na, sizeof(*s->accounts));
	for (uint32_t i = 0; i < na; i++) {
		struct dn_keypair kp;
		nd_synth_keypair(s, i, &kp);
		memcpy(s->accounts[i].key, kp.public_key, 32);
		sodium_memzero(&kp, sizeof(kp));
		if (i < ND_SYNTH_DEV)
			s->accounts[i].free = (i < 3 ? 1000000 : 2000) * TAO;
		else if (i >= s->val_cold && i < s->own_cold)
			s->accounts[i].free = 10000 * TAO; /* validators trade and stake */
		else if (i >= s->own_cold && i < s->own_hot)
			s->accounts[i].free = 1000 * TAO;
	}
	s->hotkeys = xcalloc(nh, sizeof(*s->hotkeys));
	size_t k = 0;
	for (unsigned v = 0; v < V; v++)
		s->hotkeys[k++] = (struct dn_genesis_hotkey){s->val_hot + v, s->val_cold + v, 0};
	for (unsigned n = 0; n < S; n++)
		s->hotkeys[k++] = (struct dn_genesis_hotkey){s->own_hot + n, s->own_cold + n, 0};
	for (unsigned n = 0; n < S; n++)
		for (unsigned m = 0; m < M; m++)
			s->hotkeys[k++] = (struct dn_genesis_hotkey){s->miner_hot + n * M + m,
								     s->miner_cold + n, 0};

	dn_subnet_hparams_default(&s->hp);
	s->hp.commit_reveal = false;
	s->hp.max_allowed_uids = (uint16_t)o->uids;
	s->hp.max_allowed_validators = (uint16_t)V;
	s->subnets = xcalloc(S, sizeof(*s->subnets));
	for (unsigned n = 0; n < S; n++) {
		/* prices between 0.002 and 0.1 TAO per alpha, pools of 2k-50k TAO */
		uint64_t tao = (2000 + draw(&x) % 48000) * TAO;
		uint64_t price_milli = 2 + draw(&x) % 98;
		uint64_t alpha = tao / price_milli * 1000;
		s->subnets[n] = (struct dn_genesis_subnet){
			.netuid = (uint16_t)(n + 1),
			.owner_coldkey = s->own_cold + n,
			.owner_hotkey = s->own_hot + n,
			.tempo = 0,
			.tao = tao,
			.alpha_in = alpha,
			.started = true,
			.emission_enabled = true,
			.moving_price = (dn_i96f32)(((dn_i128)price_milli << 32) / 1000),
			.hp = &s->hp,
		};
	}
	s->neurons = xcalloc((size_t)S * (V + M), sizeof(*s->neurons));
	k = 0;
	for (unsigned n = 0; n < S; n++) {
		for (unsigned v = 0; v < V; v++)
			s->neurons[k++] =
				(struct dn_genesis_neuron){(uint16_t)(n + 1), s->val_hot + v, true};
		for (unsigned m = 0; m < M; m++)
			s->neurons[k++] = (struct dn_genesis_neuron){
				(uint16_t)(n + 1), s->miner_hot + n * M + m, false};
	}
	size_t nn = k;
	/* stake: root TAO per validator, alpha per validator and subnet */
	s->stakes = xcalloc((size_t)V * (S + 1), sizeof(*s->stakes));
	k = 0;
	for (unsigned v = 0; v < V; v++)
		s->stakes[k++] = (struct dn_genesis_stake){s->val_hot + v, s->val_cold + v, 0,
							   (1000 + draw(&x) % 100000) * TAO};
	for (unsigned n = 0; n < S; n++)
		for (unsigned v = 0; v < V; v++)
			s->stakes[k++] = (struct dn_genesis_stake){s->val_hot + v, s->val_cold + v,
								   (uint16_t)(n + 1),
								   (100 + draw(&x) % 20000) * TAO};
	size_t ns = k;
	/* weights: every validator over every miner (uids V+1 .. V+M) */
	s->weights = xcalloc((size_t)S * V, sizeof(*s->weights));
	s->uids = xcalloc((size_t)S * V * M, sizeof(uint16_t));
	s->values = xcalloc((size_t)S * V * M, sizeof(uint16_t));
	k = 0;
	for (unsigned n = 0; n < S; n++)
		for (unsigned v = 0; v < V; v++) {
			uint16_t *u = s->uids + k * M, *w = s->values + k * M;
			for (unsigned m = 0; m < M; m++) {
				u[m] = (uint16_t)(1 + V + m);
				w[m] = (uint16_t)(1 + draw(&x) % 65535);
			}
			s->weights[k++] = (struct dn_genesis_weights){
				(uint16_t)(n + 1), s->val_hot + v, 1, M, u, w};
		}
	s->g = (struct dn_genesis){
		.params = NULL,
		.block = 0,
		.naccounts = na,
		.accounts = s->accounts,
		.sudo = 0,
		.nhotkeys = nh,
		.hotkeys = s->hotkeys,
		.nsubnets = S,
		.subnets = s->subnets,
		.nneurons = nn,
		.neurons = s->neurons,
		.nstakes = ns,
		.stakes = s->stakes,
		.nweights = k,
		.weights = s->weights,
	};
	return s;
}
