/*
 * What the `taodev bench` subcommands share: options and timing helpers.
 */
#ifndef ND_BENCH_H
#define ND_BENCH_H

#include <stdbool.h>

struct nd_bench_opts {
	bool json;
	int runs; /* timed runs per case */
	double seconds; /* length of one run */
	long blocks; /* blocks per phase (chain) */
	long subnets; /* subnets (chain) */
	bool blocks_given; /* --blocks was given */
	const char *scenario; /* --scenario (sim) */
};

double nd_bench_now(void); /* monotonic seconds */
int nd_bench_cmp_double(const void *a, const void *b); /* for qsort */

/* `taodev bench chain` (bench_chain.c). */
int nd_bench_chain(const struct nd_bench_opts *o);

/* `taodev bench sim` (bench_sim.c). */
int nd_bench_sim(const struct nd_bench_opts *o);

#endif
