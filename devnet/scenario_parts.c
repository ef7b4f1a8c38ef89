/*
 * The parts of a scenario: the behaviour names the INI files use, the
 * defaults of an empty scenario and of each part, release and lookups.
 * The defaults here are the ones `taodev help scenario` shows (it reads
 * them from freshly initialised parts).
 */
#include "devnet/scenario.h"
#include "devnet/scenario_param.h"

#include <stdlib.h>
#include <string.h>

const char *const dn_validator_behaviour_names[DN_VAL_COUNT] = {
	[DN_VAL_HONEST] = "honest", [DN_VAL_LAZY] = "lazy",
	[DN_VAL_STALE] = "stale",   [DN_VAL_COPIER] = "copier",
	[DN_VAL_CARTEL] = "cartel", [DN_VAL_SELF_DEALER] = "self_dealer",
};

const char *const dn_miner_model_names[DN_MINER_COUNT] = {
	[DN_MINER_CONSTANT] = "constant",
	[DN_MINER_DRIFTING] = "drifting",
	[DN_MINER_CHURNING] = "churning",
};

const char *const dn_trader_behaviour_names[DN_TRADER_COUNT] = {
	[DN_TRADER_RANDOM] = "random",
	[DN_TRADER_WHALE] = "whale",
	[DN_TRADER_EPOCH_SNIPER] = "epoch_sniper",
};

const char *const dn_stake_spread_names[DN_SPREAD_COUNT] = {
	[DN_SPREAD_EQUAL] = "equal",
	[DN_SPREAD_LINEAR] = "linear",
	[DN_SPREAD_PARETO] = "pareto",
};

unsigned dn_scenario_lookup(const char *const *names, unsigned n, const char *name)
{
	for (unsigned i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return n;
}

#define TAO 1000000000ULL /* rao */

void dn_scenario_init(struct dn_scenario *s)
{
	memset(s, 0, sizeof(*s));
	s->seed = 1;
	s->blocks = 1000;
	dn_chain_params_default(&s->params);
}

void dn_scenario_release(struct dn_scenario *s)
{
	free(s->description);
	for (size_t i = 0; i < s->nexpects; i++)
		free(s->expects[i].sql);
	free(s->accounts);
	free(s->subnets);
	free(s->validators);
	free(s->miners);
	free(s->traders);
	free(s->expects);
	dn_scenario_init(s);
}

const struct dn_scn_subnet *dn_scenario_subnet(const struct dn_scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->nsubnets; i++)
		if (strcmp(s->subnets[i].name, name) == 0)
			return &s->subnets[i];
	return NULL;
}

const struct dn_scn_miners *dn_scenario_miners(const struct dn_scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->nminers; i++)
		if (strcmp(s->miners[i].name, name) == 0)
			return &s->miners[i];
	return NULL;
}

/* ---- defaults of the parts --------------------------------------------- */

void dn_scn_account_init(struct dn_scn_account *a) { memset(a, 0, sizeof(*a)); }

void dn_scn_subnet_init(struct dn_scn_subnet *s)
{
	memset(s, 0, sizeof(*s));
	/* a scenario's subnets run from the first block: started, with their
	 * TAO-side emission on (register_network would leave it off) */
	s->started = true;
	s->emission_enabled = true;
	dn_subnet_hparams_default(&s->hp);
}

void dn_scn_validators_init(struct dn_scn_validators *v)
{
	memset(v, 0, sizeof(*v));
	v->stake = 1000 * TAO;
	v->spread = DN_SPREAD_EQUAL;
	v->behaviour = DN_VAL_HONEST;
	v->every = 1;
}

void dn_scn_miners_init(struct dn_scn_miners *m)
{
	memset(m, 0, sizeof(*m));
	m->model = DN_MINER_CONSTANT;
	m->quality_ppm = 500000;
	m->drift_ppm = 10000;
	m->churn_every = 100;
}

void dn_scn_traders_init(struct dn_scn_traders *t)
{
	memset(t, 0, sizeof(*t));
	t->behaviour = DN_TRADER_RANDOM;
	t->budget = 100 * TAO;
	t->every = 10;
	t->lead = 5;
}
