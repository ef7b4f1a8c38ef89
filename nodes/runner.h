/*
 * The headless run loop behind `taodev sim`: one process, no sockets,
 * blocks as fast as the machine allows, history in a store.
 *
 * A run starts from a scenario's genesis (devnet/scenario.h; the
 * compiled-in fixtures/quickstart.ini by default), lets its participants
 * act (nodes/agent.h) block after block, and records each block in the
 * store (devnet/store.h) in transactions committed at least every 100 ms,
 * with a state snapshot every `snapshot_every` blocks. At the end the
 * scenario's assertions run as SQL over the history (nodes/expect.h; a
 * run without --db keeps its history in a temporary store).
 *
 * Given the store of an earlier run, it resumes: the scenario text and
 * seed stored with the run are used again, the latest snapshot is
 * decoded, the blocks stored after it are imported again (each state root
 * checked), and the run goes on from the last committed block, with the
 * same state roots as an uninterrupted run (the agents are stateless).
 * SIGINT and SIGTERM stop it after the current block, everything
 * committed.
 */
#ifndef ND_RUNNER_H
#define ND_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devnet/scenario.h"
#include "nodes/expect.h"

struct nd_run_opts {
	const char *scenario; /* INI path, NULL = the compiled-in default */
	const char *db; /* store path, NULL = a temporary store (kept only for the assertions) */
	uint64_t until; /* run until this block; 0 = the scenario's length */
	uint64_t seed;
	bool seed_given; /* --seed: overrides the scenario's (must match a resumed run's) */
	bool json; /* JSON Lines of epoch summaries on stdout */
	bool progress; /* a progress line on stderr */
	uint64_t snapshot_every; /* blocks between state snapshots */
	double commit_every; /* seconds between commits */
};

struct nd_run_result {
	uint64_t block; /* the last block */
	uint8_t state_root[32];
	uint64_t resumed_from; /* the block a resume started at, 0 = a fresh run */
	uint64_t produced; /* blocks authored by this process */
	double seconds;
	bool interrupted;
	struct dn_scenario scn; /* the scenario run (release with nd_run_result_release) */
	size_t nverdicts;
	struct nd_verdict *verdicts; /* one per assertion, evaluated at the end */
	size_t failed; /* assertions that did not pass */
	char *summary; /* the per-subnet and per-group table (malloc'ed) */
	/* where the time went, seconds */
	double t_setup; /* scenario, genesis (keys), store, resume */
	double t_agents; /* the participants' extrinsics (signing included) */
	double t_blocks; /* dn_block_build: on_initialize, extrinsics, state root */
	double t_store; /* recording blocks, snapshots and commits */
	double t_expect; /* the assertions */
};

/* 0 (ND_EXIT_OK: the run went to its end; the assertions' verdicts are in
 * res), ND_EXIT_FAIL (the store refused a write, a stored block does not
 * replay) or ND_EXIT_USAGE (a bad scenario, a store of another run), with
 * the reason printed. */
int nd_run(const struct nd_run_opts *o, struct nd_run_result *res);
void nd_run_result_release(struct nd_run_result *res);

/* The state root as 64 hex digits. */
void nd_run_root_hex(const struct nd_run_result *res, char out[65]);

#endif
