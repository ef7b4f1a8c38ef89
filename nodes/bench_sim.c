/*
 * `taodev bench sim`: a simulated day (7,200 blocks) of
 * fixtures/mainnet-scale.ini (128 subnets x 256 uids, 64 validators each)
 * through the same runner as `taodev sim`, with the store on: simulated
 * blocks per second, seconds per simulated day, and where the time went.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nodes/bench.h"
#include "nodes/cli.h"
#include "nodes/runner.h"

#define DAY 7200 /* blocks: 24 h of 12 s blocks */

int nd_bench_sim(const struct nd_bench_opts *o)
{
	const char *path = o->scenario ? o->scenario : "fixtures/mainnet-scale.ini";
	if (access(path, R_OK) != 0) {
		nd_error("bench sim: cannot read %s (run from the repository's top directory, or "
			 "name a scenario: taodev bench sim --scenario FILE)",
			 path);
		return ND_EXIT_USAGE;
	}
	struct nd_run_opts ro = {
		.scenario = path,
		.until = o->blocks_given ? (uint64_t)o->blocks : DAY,
		.snapshot_every = 1000,
		.commit_every = 0.1,
		.progress = !o->json && isatty(STDERR_FILENO),
	};
	struct nd_run_result res;
	int status = nd_run(&ro, &res);
	if (status != ND_EXIT_OK) {
		nd_run_result_release(&res);
		return status;
	}
	double run = res.t_agents + res.t_blocks + res.t_store;
	double bps = run > 0 ? (double)res.produced / run : 0;
	double day = bps > 0 ? DAY / bps : 0;
	if (o->json) {
		json_t *j = json_pack(
			"{s:s, s:I, s:f, s:f, s:f, s:{s:f, s:f, s:f, s:f}, s:f, s:I}", "scenario",
			res.scn.name, "blocks", (json_int_t)res.produced, "blocks_per_s", bps,
			"s_per_day", day, "setup_s", res.t_setup, "seconds", "agents", res.t_agents,
			"blocks", res.t_blocks, "store", res.t_store, "assertions", res.t_expect,
			"ms_per_block", run > 0 ? 1e3 * run / (double)res.produced : 0,
			"assertions_failed", (json_int_t)res.failed);
		char *text = json_dumps(j, JSON_INDENT(2));
		if (text)
			puts(text);
		free(text);
		json_decref(j);
	} else {
		double n = (double)res.produced;
		printf("%s: %llu blocks, setup %.2f s (scenario, genesis keys, store)\n\n",
		       res.scn.name, (unsigned long long)res.produced, res.t_setup);
		printf("%-34s %10s %12s %8s\n", "where the time went", "seconds", "ms/block",
		       "share");
		const char *names[3] = {"agents (choose, sign extrinsics)",
					"blocks (apply, verify, root)", "store (SQLite, commits)"};
		double t[3] = {res.t_agents, res.t_blocks, res.t_store};
		for (int i = 0; i < 3; i++)
			printf("%-34s %10.2f %12.3f %7.1f%%\n", names[i], t[i], 1e3 * t[i] / n,
			       run > 0 ? 100 * t[i] / run : 0);
		printf("%-34s %10.2f %12.3f\n", "total", run, 1e3 * run / n);
		printf("\nsimulated blocks per second: %.1f\nseconds per simulated day (%d "
		       "blocks): %.1f\n",
		       bps, DAY, day);
		printf("assertions: %zu of %zu hold (%.2f s)\n", res.nverdicts - res.failed,
		       res.nverdicts, res.t_expect);
	}
	nd_run_result_release(&res);
	return ND_EXIT_OK;
}
