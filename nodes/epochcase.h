/*
 * Epoch cases: a subnet's epoch state and a list of steps, in the JSON
 * format of the reference vectors' `epoch_scenario` records (see
 * docs/epoch-case.md). Used by `taodev verify` (the chain's own scenarios)
 * and by `taodev epoch` (cases a teacher writes).
 *
 * A case has `hyperparams`, an `initial_state` (n, block, stake, weights,
 * bonds, ...) and `steps`: epoch, advance_block, set_weights,
 * set_weights_each, add_stake, replace_neuron, set_hyperparam,
 * set_last_update, reset_bonds. An epoch step runs dn_epoch_run, persists
 * like the chain (permits, bonds rows) and checks its `expect` entries.
 *
 * The whole case is checked for bad input before anything runs; errors
 * name the field ("steps[4].uid: 9 is out of range [0, 7]").
 */
#ifndef ND_EPOCHCASE_H
#define ND_EPOCHCASE_H

#include <stdbool.h>

#include "devnet/epoch.h"
#include "nodes/vecjson.h"

struct nd_ecase;

/* Called after each epoch step with the state's outputs. `step` is the
 * step index, `epoch` counts the epoch steps from 0. */
struct nd_ecase_hooks {
	void (*on_epoch)(void *ctx, const struct nd_ecase *c, size_t step, unsigned epoch,
			 const struct dn_epoch_result *res);
	void *ctx;
};

/* Expectation tally of one run. */
struct nd_ecase_tally {
	int checked, failed;
};

/* Runs the case of record r once per variant it names ("variant" or
 * "variants"; sparse when it names none), or once with variant `only`
 * when only >= 0.
 * Mismatches are explained in o, prefixed by variant and step. Returns 0,
 * or -1 on bad input (r->bad, r->err). */
int nd_ecase_run(struct nd_vrec *r, int only, const struct nd_ecase_hooks *hooks, struct nd_vout *o,
		 struct nd_ecase_tally *tally);

/* Read access for hooks. */
uint32_t nd_ecase_n(const struct nd_ecase *c);
uint64_t nd_ecase_block(const struct nd_ecase *c);
enum dn_epoch_variant nd_ecase_variant(const struct nd_ecase *c);
const struct dn_row16 *nd_ecase_bonds(const struct nd_ecase *c); /* [n], after persisting */
const struct dn_row16 *nd_ecase_weights(const struct nd_ecase *c);
const struct dn_epoch_params *nd_ecase_params(const struct nd_ecase *c);

/* Mechanism records (`mechanism_scenario`, `mechanism_relation`): one
 * subnet state shared by several mechanisms, each with its own weights and
 * last update, run by dn_epoch_run_mechanisms (or one mechanism alone for
 * `run_single_mechanism`), then `expect` entries (with "mech") and, for
 * relation records, the aggregation invariants of epoch_with_mechanisms. */
int nd_mcase_run(struct nd_vrec *r, struct nd_vout *o, struct nd_ecase_tally *tally);

#endif
