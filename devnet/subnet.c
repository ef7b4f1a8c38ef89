/*
 * One subnet's storage (see subnet.h): creation with init_new_network's
 * values, neuron arrays, and persisting an epoch's outputs.
 */
#include "devnet/subnet.h"

#include <stdlib.h>
#include <string.h>

#include "devnet/xalloc.h"

const char *dn_subnet_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case DN_SUBNET_EINVAL: return "invalid argument";
	case DN_SUBNET_EFULL: return "the subnet is full";
	case DN_SUBNET_EEXIST: return "the hotkey is already registered on the subnet";
	default: return "unknown error";
	}
}

/* runtime/src/lib.rs (SubtensorInitial*: Kappa 32 767, BondsMovingAverage
 * 900 000, BondsPenalty 65 535, AlphaSigmoidSteepness 1 000, AlphaHigh
 * 58 982, AlphaLow 45 875), pallets/subtensor/src/lib.rs (Default*:
 * ActivityCutoffFactorMilli 13 889, CommitRevealWeightsEnabled, version 4,
 * RevealPeriodEpochs 1, WeightsSetRateLimit 100, MaxWeightsLimit u16::MAX,
 * RootClaimableThreshold 500 000), and subnets/subnet.rs init_new_network
 * (MaxAllowedUids 256, MaxAllowedValidators 64, MinAllowedWeights 1,
 * ImmunityPeriod 5 000, Yuma3 on). */
void dn_subnet_hparams_default(struct dn_subnet_hparams *hp)
{
	*hp = (struct dn_subnet_hparams){
		.kappa = 32767,
		.bonds_penalty = 65535,
		.bonds_moving_average = 900000,
		.bonds_reset = false,
		.yuma3 = true,
		.liquid_alpha = false,
		.alpha_low = 45875,
		.alpha_high = 58982,
		.alpha_sigmoid_steepness = 1000,
		.max_allowed_validators = 64,
		.max_allowed_uids = 256,
		.min_allowed_weights = 1,
		.max_weights_limit = 65535,
		.activity_cutoff_factor_milli = 13889,
		.commit_reveal = true,
		.commit_reveal_version = 4,
		.reveal_period_epochs = 1,
		.weights_rate_limit = 100,
		.weights_version_key = 0,
		.serving_rate_limit = 50,
		.recycle_owner_incentive = false,
		.root_claim_threshold = 500000,
	};
	dn_burn_params_default(&hp->burn);
	dn_prune_params_default(&hp->prune);
}

/* subtensor init_new_network */
struct dn_subnet *dn_subnet_new(uint16_t netuid, uint16_t tempo, uint64_t now,
				const struct dn_emission_params *ep,
				const struct dn_subnet_hparams *hp, uint64_t min_reserve)
{
	struct dn_subnet *s = xcalloc(1, sizeof(*s));
	s->netuid = netuid;
	s->owner_coldkey = s->owner_hotkey = DN_SUBNET_NONE;
	s->registered_at = now;
	dn_emission_subnet_init(&s->em, ep, netuid, tempo, now);
	dn_pool_init(&s->em.pool, netuid != 0, 0, 0, min_reserve);
	if (hp)
		s->hp = *hp;
	else
		dn_subnet_hparams_default(&s->hp);
	s->burn.burn = DN_BURN_INITIAL; /* set_burn(DefaultNeuronBurnCost) */
	s->burn_factor_q32 = dn_burn_decay_factor_q32(s->hp.burn.half_life);
	s->ews = dn_epoch_new();
	return s;
}

void dn_subnet_free(struct dn_subnet *s)
{
	if (!s)
		return;
	for (uint32_t u = 0; u < s->cap; u++) {
		dn_row16_release(&s->weights[u]);
		dn_row16_release(&s->bonds[u]);
	}
	free(s->hotkey);
	free(s->registered_at_uid);
	free(s->last_update);
	free(s->permit);
	free(s->weights);
	free(s->bonds);
	free(s->stake_weight);
	free(s->consensus);
	free(s->incentive);
	free(s->dividends);
	free(s->validator_trust);
	free(s->active);
	free(s->emission);
	free(s->axon);
	free(s->uid_gen);
	free(s->commits);
	free(s->commit_ws);
	dn_epoch_free(s->ews);
	free(s);
}

int32_t dn_subnet_uid(const struct dn_subnet *s, uint32_t hotkey)
{
	for (uint32_t u = 0; u < s->n; u++)
		if (s->hotkey[u] == hotkey)
			return (int32_t)u;
	return -1;
}

#define GROW(p, c) (p) = xreallocarray((p), (c), sizeof(*(p)))

void dn_subnet_reserve(struct dn_subnet *s, uint32_t need)
{
	if (need <= s->cap)
		return;
	uint32_t c = s->cap ? s->cap : 8;
	while (c < need)
		c *= 2;
	GROW(s->hotkey, c);
	GROW(s->registered_at_uid, c);
	GROW(s->last_update, c);
	GROW(s->permit, c);
	GROW(s->weights, c);
	GROW(s->bonds, c);
	GROW(s->stake_weight, c);
	GROW(s->consensus, c);
	GROW(s->incentive, c);
	GROW(s->dividends, c);
	GROW(s->validator_trust, c);
	GROW(s->active, c);
	GROW(s->emission, c);
	GROW(s->axon, c);
	GROW(s->commit_ws, c);
	GROW(s->uid_gen, c);
	for (uint32_t u = s->cap; u < c; u++) {
		dn_row16_init(&s->weights[u]);
		dn_row16_init(&s->bonds[u]);
		s->uid_gen[u] = 0;
	}
	s->cap = c;
}

/* subtensor clear_neuron, the per-uid part */
static void clear_outputs(struct dn_subnet *s, uint32_t u)
{
	s->permit[u] = false;
	s->stake_weight[u] = s->consensus[u] = s->incentive[u] = 0;
	s->dividends[u] = s->validator_trust[u] = 0;
	s->emission[u] = 0;
	memset(&s->axon[u], 0, sizeof(s->axon[u])); /* replace_neuron: Axons::remove */
}

/* subtensor append_neuron */
int dn_subnet_append(struct dn_subnet *s, uint32_t hotkey, uint64_t now)
{
	if (hotkey == DN_SUBNET_NONE)
		return DN_SUBNET_EINVAL;
	if (dn_subnet_uid(s, hotkey) >= 0)
		return DN_SUBNET_EEXIST;
	dn_subnet_touch(s);
	if (s->n >= s->hp.max_allowed_uids)
		return DN_SUBNET_EFULL;
	dn_subnet_reserve(s, s->n + 1);
	uint32_t u = s->n++;
	s->hotkey[u] = hotkey;
	s->registered_at_uid[u] = now;
	s->last_update[u] = now;
	dn_row16_clear(&s->weights[u]);
	dn_row16_clear(&s->bonds[u]);
	clear_outputs(s, u);
	s->active[u] = true;
	return (int)u;
}

/* subtensor replace_neuron and clear_neuron */
int dn_subnet_replace(struct dn_subnet *s, uint16_t uid, uint32_t hotkey, uint64_t now)
{
	if (uid >= s->n || hotkey == DN_SUBNET_NONE)
		return DN_SUBNET_EINVAL;
	dn_subnet_touch(s);
	int32_t at = dn_subnet_uid(s, hotkey);
	if (at >= 0)
		return at == uid ? 0 : DN_SUBNET_EEXIST;
	s->hotkey[uid] = hotkey;
	s->registered_at_uid[uid] = now;
	s->active[uid] = true;
	clear_outputs(s, uid);
	dn_row16_clear(&s->bonds[uid]);
	dn_row16_clear(&s->weights[uid]);
	for (uint32_t u = 0; u < s->n; u++)
		dn_row16_set_value_of(&s->weights[u], uid, 0);
	s->last_update[uid] = now;
	return 0;
}

void dn_subnet_epoch_params(const struct dn_subnet *s, uint64_t stake_threshold,
			    uint64_t tao_weight, struct dn_epoch_params *out)
{
	const struct dn_subnet_hparams *hp = &s->hp;
	uint16_t tempo = s->em.sched.tempo;
	int32_t owner_uid =
		s->owner_hotkey == DN_SUBNET_NONE ? -1 : dn_subnet_uid(s, s->owner_hotkey);
	*out = (struct dn_epoch_params){
		.tempo = tempo,
		.activity_cutoff =
			dn_epoch_activity_cutoff(hp->activity_cutoff_factor_milli, tempo),
		.kappa = hp->kappa,
		.bonds_penalty = hp->bonds_penalty,
		.bonds_moving_average = hp->bonds_moving_average,
		.yuma3 = hp->yuma3,
		.liquid_alpha = hp->liquid_alpha,
		.alpha_low = hp->alpha_low,
		.alpha_high = hp->alpha_high,
		.alpha_sigmoid_steepness = hp->alpha_sigmoid_steepness,
		.max_allowed_validators = hp->max_allowed_validators,
		.stake_threshold = stake_threshold,
		.owner_uid = owner_uid,
		.last_mechanism_step_block = s->em.sched.last_mechanism_step_block,
		.commit_reveal = hp->commit_reveal,
		.tao_weight = tao_weight,
	};
}

/* subtensor persist_netuid_epoch_terms + persist_mechanism_epoch_terms */
void dn_subnet_store_epoch(struct dn_subnet *s, const struct dn_epoch_mech_result *r)
{
	uint32_t n = r->n < s->n ? r->n : s->n;
	dn_subnet_touch(s);
	for (uint32_t u = 0; u < n; u++) {
		s->active[u] = r->active[u];
		s->emission[u] = r->emission[u];
		s->stake_weight[u] = r->stake_weight[u];
		s->consensus[u] = r->consensus[u];
		s->dividends[u] = r->dividends[u];
		s->validator_trust[u] = r->validator_trust[u];
		s->permit[u] = r->new_permit[u];
		s->incentive[u] = r->mech[0]->incentive[u];
	}
	dn_epoch_store_bonds(r->mech[0], s->bonds);
}

/* ---- weight commits ---------------------------------------------------- */

/* Index of the first queue whose hotkey is >= hotkey. */
static uint32_t commit_pos(const struct dn_subnet *s, uint32_t hotkey)
{
	uint32_t lo = 0, hi = s->ncommits;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->commits[mid].hotkey < hotkey)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct dn_commit_queue *dn_subnet_commits(const struct dn_subnet *s, uint32_t hotkey)
{
	uint32_t i = commit_pos(s, hotkey);
	return i < s->ncommits && s->commits[i].hotkey == hotkey ? &s->commits[i] : NULL;
}

/* WeightCommits::insert / remove of one (netuid, hotkey) entry */
void dn_subnet_set_commits(struct dn_subnet *s, uint32_t hotkey, const struct dn_weight_commit *c,
			   uint32_t n)
{
	if (n > DN_SUBNET_MAX_COMMITS)
		n = DN_SUBNET_MAX_COMMITS;
	dn_subnet_touch_commits(s);
	uint32_t i = commit_pos(s, hotkey);
	bool present = i < s->ncommits && s->commits[i].hotkey == hotkey;
	if (n == 0) {
		if (present) {
			memmove(s->commits + i, s->commits + i + 1,
				(s->ncommits - i - 1) * sizeof(*s->commits));
			s->ncommits--;
		}
		return;
	}
	if (!present) {
		if (s->ncommits == s->capcommits) {
			s->capcommits = s->capcommits ? 2 * s->capcommits : 4;
			GROW(s->commits, s->capcommits);
		}
		memmove(s->commits + i + 1, s->commits + i,
			(s->ncommits - i) * sizeof(*s->commits));
		s->ncommits++;
	}
	struct dn_commit_queue *q = &s->commits[i];
	memset(q, 0, sizeof(*q));
	q->hotkey = hotkey;
	q->n = n;
	memmove(q->c, c, n * sizeof(*c));
}

/* weights.rs current_epoch_with_lookahead */
uint64_t dn_subnet_epoch_now(const struct dn_subnet *s, const struct dn_schedule_params *p,
			     uint64_t block)
{
	uint64_t base = s->em.sched.epoch_index;
	if (dn_schedule_should_run(p, &s->em.sched, block) && base < UINT64_MAX)
		return base + 1;
	return base;
}

static uint64_t reveal_epoch_of(const struct dn_subnet *s, uint64_t commit_epoch)
{
	uint64_t period = s->hp.reveal_period_epochs; /* get_reveal_period */
	return commit_epoch > UINT64_MAX - period ? UINT64_MAX : commit_epoch + period;
}

/* weights.rs is_commit_expired */
bool dn_subnet_commit_expired(const struct dn_subnet *s, const struct dn_schedule_params *p,
			      uint64_t block, uint64_t commit_epoch)
{
	return dn_subnet_epoch_now(s, p, block) > reveal_epoch_of(s, commit_epoch);
}

/* weights.rs is_reveal_block_range */
bool dn_subnet_reveal_epoch(const struct dn_subnet *s, const struct dn_schedule_params *p,
			    uint64_t block, uint64_t commit_epoch)
{
	return dn_subnet_epoch_now(s, p, block) == reveal_epoch_of(s, commit_epoch);
}

/* epoch/run_epoch.rs, the v2 part of the commit-reveal mask: per hotkey
 * the first unexpired commit of its queue, min over the uid */
const uint64_t *dn_subnet_commit_blocks(struct dn_subnet *s, const struct dn_schedule_params *p,
					uint64_t block)
{
	bool any = false;
	for (uint32_t u = 0; u < s->n; u++)
		s->commit_ws[u] = UINT64_MAX;
	for (uint32_t i = 0; i < s->ncommits; i++) {
		const struct dn_commit_queue *q = &s->commits[i];
		int32_t uid = dn_subnet_uid(s, q->hotkey);
		for (uint32_t k = 0; k < q->n; k++) {
			if (dn_subnet_commit_expired(s, p, block, q->c[k].epoch))
				continue;
			if (uid >= 0 && q->c[k].block < s->commit_ws[uid]) {
				s->commit_ws[uid] = q->c[k].block;
				any = true;
			}
			break; /* earliest active found */
		}
	}
	return any ? s->commit_ws : NULL;
}
