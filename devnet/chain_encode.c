/*
 * The canonical encoding of the whole chain state (see chain.h): every
 * field, in a fixed order, with devnet/codec.h's SCALE primitives. Two
 * chains are in the same state exactly when their encodings are equal;
 * the state root (devnet/stateroot.h) hashes the same parts. Scratch
 * (workspaces) and change counters are not state and are not encoded. A
 * field added to a state struct must be added here and in chain_decode.c.
 */
#include "devnet/chain.h"
#include "devnet/codec.h"

static void enc_i128(struct dn_enc *e, dn_i128 v) { dn_enc_u128(e, (dn_u128)v); }
static void enc_i64(struct dn_enc *e, int64_t v) { dn_enc_u64(e, (uint64_t)v); }

static void enc_safefloat(struct dn_enc *e, const struct dn_safefloat *f)
{
	dn_enc_u128(e, f->mantissa);
	enc_i64(e, f->exponent);
}

static void enc_params(struct dn_enc *e, const struct dn_chain_params *p)
{
	const struct dn_emission_params *m = &p->em;
	dn_enc_u64(e, m->total_supply);
	dn_enc_u64(e, m->half_supply);
	dn_enc_u64(e, m->default_block_emission);
	dn_enc_u64(e, m->max_tao_issuance);
	dn_enc_u16(e, m->subnet_owner_cut);
	dn_enc_u64(e, m->tao_weight);
	enc_i128(e, m->moving_alpha);
	dn_enc_u64(e, m->ema_price_halving_blocks);
	dn_enc_u8(e, p->sched.max_epochs_per_block);
	dn_enc_u16(e, p->sched.admin_freeze_window);
	dn_enc_u16(e, p->sched.min_tempo);
	dn_enc_u16(e, p->sched.max_tempo);
	dn_enc_u16(e, p->sched.initial_tempo);
	dn_enc_u64(e, p->lock.min_lock);
	dn_enc_u64(e, p->lock.reduction_interval);
	dn_enc_u64(e, p->lock.immunity_period);
	dn_enc_u16(e, p->lock.subnet_limit);
	dn_enc_u64(e, p->claim.threshold);
	dn_enc_u64(e, p->claim.num_root_claim);
	dn_enc_u64(e, p->stake_threshold);
	dn_enc_u16(e, p->default_take);
	dn_enc_u16(e, p->min_take);
	dn_enc_u16(e, p->max_take);
	dn_enc_u64(e, p->min_stake);
	dn_enc_u64(e, p->existential_deposit);
	dn_enc_u64(e, p->min_reserve);
	dn_enc_u64(e, p->start_call_delay);
	dn_enc_u64(e, p->network_rate_limit);
	dn_enc_u64(e, p->take_rate_limit);
}

static void enc_stake_account(struct dn_enc *e, const struct dn_stake_account *a)
{
	dn_enc_u32(e, a->owner);
	dn_enc_u16(e, a->take);
	dn_enc_compact(e, a->nrates);
	for (uint32_t k = 0; k < a->nrates; k++) {
		dn_enc_u16(e, a->rates[k].netuid);
		enc_i128(e, a->rates[k].rate);
	}
	dn_enc_compact(e, a->nowned);
	for (uint32_t k = 0; k < a->nowned; k++)
		dn_enc_u32(e, a->owned[k]);
	dn_enc_compact(e, a->nstaking);
	for (uint32_t k = 0; k < a->nstaking; k++)
		dn_enc_u32(e, a->staking[k]);
	dn_enc_u8(e, (uint8_t)a->claim_type);
	dn_enc_u32(e, a->claim_index);
}

void dn_chain_encode_stake_net(const struct dn_chain *c, size_t netuid, struct dn_enc *e)
{
	const struct dn_stake_net *net = &c->stake.nets[netuid];
	dn_enc_u64(e, net->total);
	dn_enc_compact(e, net->n);
	for (size_t k = 0; k < net->n; k++) {
		const struct dn_stake_pool *p = &net->pools[k];
		dn_enc_u32(e, p->hotkey);
		dn_enc_u64(e, p->sp.value);
		enc_safefloat(e, &p->sp.denom);
		dn_enc_compact(e, p->nholders);
		for (uint32_t i = 0; i < p->nholders; i++) {
			dn_enc_u32(e, p->holders[i].coldkey);
			enc_safefloat(e, &p->holders[i].share);
		}
	}
}

void dn_chain_encode_claims(const struct dn_chain *c, struct dn_enc *e)
{
	const struct dn_stake *st = &c->stake;
	dn_enc_compact(e, st->nclaimed);
	for (size_t i = 0; i < st->nclaimed; i++) {
		dn_enc_u32(e, st->claimed[i].hotkey);
		dn_enc_u32(e, st->claimed[i].coldkey);
		dn_enc_u16(e, st->claimed[i].netuid);
		dn_enc_u128(e, st->claimed[i].claimed);
	}
	dn_enc_compact(e, st->nclaimers);
	for (size_t i = 0; i < st->nclaimers; i++)
		dn_enc_u32(e, st->claimers[i]);
}

static void enc_pool(struct dn_enc *e, const struct dn_pool *p)
{
	dn_enc_u64(e, p->tao);
	dn_enc_u64(e, p->alpha_in);
	dn_enc_u64(e, p->alpha_out);
	dn_enc_u64(e, p->w_quote);
	dn_enc_u16(e, p->fee_rate);
	dn_enc_bool(e, p->initialized);
	dn_enc_bool(e, p->dynamic);
	dn_enc_u64(e, p->min_reserve);
}

static void enc_emission(struct dn_enc *e, const struct dn_emission_subnet *s)
{
	dn_enc_u16(e, s->netuid);
	dn_enc_bool(e, s->has_first_emission);
	dn_enc_u64(e, s->first_emission_block);
	dn_enc_bool(e, s->subtoken_enabled);
	dn_enc_bool(e, s->registration_allowed);
	dn_enc_bool(e, s->emission_enabled);
	dn_enc_bool(e, s->owner_cut_enabled);
	enc_pool(e, &s->pool);
	dn_enc_u64(e, s->protocol_alpha);
	enc_i128(e, s->moving_price);
	dn_enc_u128(e, s->miner_burned);
	dn_enc_u64(e, s->ema_halving_blocks);
	dn_enc_u64(e, s->pending_server);
	dn_enc_u64(e, s->pending_validator);
	dn_enc_u64(e, s->pending_root);
	dn_enc_u64(e, s->pending_owner_cut);
	dn_enc_u64(e, s->alpha_out_emission);
	dn_enc_u64(e, s->alpha_in_emission);
	dn_enc_u64(e, s->tao_in_emission);
	dn_enc_u64(e, s->excess_tao);
	dn_enc_u64(e, s->alpha_recycled);
	dn_enc_u128(e, s->root_prop);
	dn_enc_u16(e, s->sched.tempo);
	dn_enc_u64(e, s->sched.last_epoch_block);
	dn_enc_u64(e, s->sched.pending_epoch_at);
	dn_enc_u64(e, s->sched.blocks_since_last_step);
	dn_enc_u64(e, s->sched.epoch_index);
	dn_enc_u64(e, s->sched.last_mechanism_step_block);
}

static void enc_hparams(struct dn_enc *e, const struct dn_subnet_hparams *h)
{
	dn_enc_u16(e, h->kappa);
	dn_enc_u16(e, h->bonds_penalty);
	dn_enc_u64(e, h->bonds_moving_average);
	dn_enc_bool(e, h->bonds_reset);
	dn_enc_bool(e, h->yuma3);
	dn_enc_bool(e, h->liquid_alpha);
	dn_enc_u16(e, h->alpha_low);
	dn_enc_u16(e, h->alpha_high);
	dn_enc_u16(e, (uint16_t)h->alpha_sigmoid_steepness);
	dn_enc_u16(e, h->max_allowed_validators);
	dn_enc_u16(e, h->max_allowed_uids);
	dn_enc_u16(e, h->min_allowed_weights);
	dn_enc_u16(e, h->max_weights_limit);
	dn_enc_u32(e, h->activity_cutoff_factor_milli);
	dn_enc_bool(e, h->commit_reveal);
	dn_enc_u16(e, h->commit_reveal_version);
	dn_enc_u64(e, h->reveal_period_epochs);
	dn_enc_u64(e, h->weights_rate_limit);
	dn_enc_u64(e, h->weights_version_key);
	dn_enc_u64(e, h->serving_rate_limit);
	dn_enc_u64(e, h->burn.min_burn);
	dn_enc_u64(e, h->burn.max_burn);
	dn_enc_u16(e, h->burn.half_life);
	dn_enc_u128(e, h->burn.increase_mult);
	dn_enc_u16(e, h->prune.immunity_period);
	dn_enc_u16(e, h->prune.min_non_immune);
	dn_enc_u16(e, h->prune.immune_owner_limit);
	dn_enc_bool(e, h->recycle_owner_incentive);
	dn_enc_u64(e, h->root_claim_threshold);
}

static void enc_row(struct dn_enc *e, const struct dn_row16 *r)
{
	dn_enc_compact(e, r->len);
	uint8_t *p = dn_enc_reserve(e, (size_t)r->len * 4);
	for (uint32_t k = 0; k < r->len; k++, p += 4) {
		p[0] = (uint8_t)r->uid[k];
		p[1] = (uint8_t)(r->uid[k] >> 8);
		p[2] = (uint8_t)r->val[k];
		p[3] = (uint8_t)(r->val[k] >> 8);
	}
}

void dn_chain_encode_subnet_head(const struct dn_subnet *s, struct dn_enc *e)
{
	dn_enc_u16(e, s->netuid);
	dn_enc_u32(e, s->owner_coldkey);
	dn_enc_u32(e, s->owner_hotkey);
	dn_enc_u64(e, s->registered_at);
	dn_enc_u64(e, s->locked);
	enc_emission(e, &s->em);
	enc_hparams(e, &s->hp);
	dn_enc_u64(e, s->burn.burn);
	dn_enc_u16(e, s->burn.registrations_this_block);
	dn_enc_u64(e, s->burn.recycled);
	dn_enc_u64(e, s->burn_factor_q32);
	const struct dn_subnet_ledger *l = &s->ledger;
	dn_enc_u64(e, l->alpha_genesis);
	dn_enc_u128(e, l->alpha_minted);
	dn_enc_u128(e, l->alpha_recycled);
	dn_enc_u128(e, l->alpha_burned);
	enc_i128(e, l->claimable);
	dn_enc_u128(e, l->dust_coinbase);
	enc_i128(e, l->dust_other);
	dn_enc_u64(e, l->blocks_emitted);
	dn_enc_u64(e, l->epochs);
	dn_enc_u64(e, l->claim_slack);
}

void dn_chain_encode_neuron(const struct dn_subnet *s, uint32_t u, struct dn_enc *e)
{
	dn_enc_u32(e, s->hotkey[u]);
	dn_enc_u64(e, s->registered_at_uid[u]);
	dn_enc_u64(e, s->last_update[u]);
	dn_enc_bool(e, s->permit[u]);
	enc_row(e, &s->weights[u]);
	enc_row(e, &s->bonds[u]);
	dn_enc_u16(e, s->stake_weight[u]);
	dn_enc_u16(e, s->consensus[u]);
	dn_enc_u16(e, s->incentive[u]);
	dn_enc_u16(e, s->dividends[u]);
	dn_enc_u16(e, s->validator_trust[u]);
	dn_enc_bool(e, s->active[u]);
	dn_enc_u64(e, s->emission[u]);
	const struct dn_axon *a = &s->axon[u];
	dn_enc_u64(e, a->block);
	dn_enc_u32(e, a->version);
	dn_enc_u128(e, a->ip);
	dn_enc_u16(e, a->port);
	dn_enc_u8(e, a->ip_type);
	dn_enc_u8(e, a->protocol);
	dn_enc_u8(e, a->placeholder1);
	dn_enc_u8(e, a->placeholder2);
}

void dn_chain_encode_subnet_commits(const struct dn_subnet *s, struct dn_enc *e)
{
	dn_enc_compact(e, s->ncommits);
	for (uint32_t i = 0; i < s->ncommits; i++) {
		const struct dn_commit_queue *q = &s->commits[i];
		dn_enc_u32(e, q->hotkey);
		dn_enc_compact(e, q->n);
		for (uint32_t k = 0; k < q->n; k++) {
			dn_enc_bytes(e, q->c[k].hash, 32);
			dn_enc_u64(e, q->c[k].epoch);
			dn_enc_u64(e, q->c[k].block);
		}
	}
}

void dn_chain_encode_subnet_neurons(const struct dn_subnet *s, struct dn_enc *e)
{
	dn_enc_compact(e, s->n);
	for (uint32_t u = 0; u < s->n; u++)
		dn_chain_encode_neuron(s, u, e);
	dn_chain_encode_subnet_commits(s, e);
}

void dn_chain_encode_account(const struct dn_chain *c, size_t i, struct dn_enc *e)
{
	if (i < c->naccounts) {
		dn_enc_bytes(e, c->acct[i].key, 32);
		dn_enc_u64(e, c->acct[i].free);
		dn_enc_u32(e, c->acct[i].nonce);
		dn_enc_u64(e, c->acct[i].last_take_block);
	}
	if (i < c->stake.naccounts)
		enc_stake_account(e, &c->stake.acct[i]);
}

void dn_chain_encode_globals(const struct dn_chain *c, struct dn_enc *e)
{
	enc_params(e, &c->p);
	dn_enc_u64(e, c->block);
	dn_enc_bytes(e, c->parent_hash, 32);
	dn_enc_u32(e, c->sudo);
	dn_enc_u32(e, c->author);
	dn_enc_u64(e, c->est.total_issuance);
	dn_enc_u64(e, c->est.balances_issuance);
	dn_enc_u64(e, c->est.total_stake);
	dn_enc_u64(e, c->est.root_tao);
	dn_enc_u64(e, c->est.block_emission);
	dn_enc_u64(e, c->lock.last_lock);
	dn_enc_u64(e, c->lock.last_lock_block);
	dn_enc_compact(e, c->naccounts);
	dn_enc_u16(e, c->stake.default_take);
	dn_enc_compact(e, c->stake.naccounts);
	dn_enc_compact(e, c->stake.nnets);
	dn_enc_compact(e, c->nsubnets);
	dn_enc_u64(e, c->genesis_issuance);
	dn_enc_u128(e, c->minted);
	dn_enc_u128(e, c->recycled);
	dn_enc_u128(e, c->stranded);
	dn_enc_u64(e, c->stake_excess);
	const struct dn_emission_result *r = &c->last;
	dn_enc_u64(e, r->credit);
	dn_enc_u64(e, r->injected_tao);
	dn_enc_u64(e, r->bought_tao);
	dn_enc_u64(e, r->stranded);
	dn_enc_u64(e, r->recycled);
	dn_enc_bool(e, r->root_sell);
	dn_enc_u64(e, r->emitting);
	dn_enc_u32(e, r->epochs_run);
}

void dn_chain_encode(const struct dn_chain *c, struct dn_enc *e)
{
	dn_chain_encode_globals(c, e);
	size_t na = dn_chain_encode_naccounts(c);
	for (size_t i = 0; i < na; i++)
		dn_chain_encode_account(c, i, e);
	for (size_t n = 0; n < c->stake.nnets; n++)
		dn_chain_encode_stake_net(c, n, e);
	dn_chain_encode_claims(c, e);
	for (size_t i = 0; i < c->nsubnets; i++) {
		dn_chain_encode_subnet_head(c->subnets[i], e);
		dn_chain_encode_subnet_neurons(c->subnets[i], e);
	}
}
