/*
 * The headless run loop behind `taodev sim`: one process, no sockets,
 * blocks as fast as the machine allows, history in a store.
 *
 * A run starts from the default genesis (scenarios come with the scenario
 * issue), authors block after block with the background traffic
 * (nodes/traffic.h), and records each block in the store (devnet/store.h)
 * in transactions committed at least every 100 ms, with a state snapshot
 * every `snapshot_every` blocks. Given the store of an earlier run, it
 * resumes: the latest snapshot is decoded, the blocks stored after it are
 * imported again (each state root checked), and the run goes on from the
 * last committed block to the same end, with the same state roots as an
 * uninterrupted run (the traffic depends only on the seed, the block and
 * the state). SIGINT and SIGTERM stop it after the current block, with
 * everything committed.
 */
#ifndef ND_RUNNER_H
#define ND_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

struct nd_run_opts {
	const char *db; /* store path, NULL = no store */
	uint64_t until; /* run until this block */
	uint64_t seed;
	bool seed_given; /* --seed: must match a resumed run's */
	bool json; /* JSON Lines of epoch summaries and a summary object */
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
};

/* 0 (ND_EXIT_OK), ND_EXIT_FAIL (the store refused a write, a stored block
 * does not replay) or ND_EXIT_USAGE (the store belongs to another run),
 * with the reason printed. */
int nd_run(const struct nd_run_opts *o, struct nd_run_result *res);

/* The state root as 64 hex digits. */
void nd_run_root_hex(const struct nd_run_result *res, char out[65]);

#endif
