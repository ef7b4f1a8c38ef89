/*
 * `taodev sim`: a headless devnet run, blocks as fast as the machine
 * allows, history in an SQLite store, resumable (nodes/runner.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nodes/cli.h"
#include "nodes/runner.h"

static const char usage[] =
	"usage: taodev sim [--blocks N] [--db FILE] [--seed S] [--json]\n"
	"                  [--snapshot-every N]\n"
	"\n"
	"Runs the devnet in one process without sockets, as fast as the machine\n"
	"allows: the built-in genesis (the localnet's dev accounts, four subnets)\n"
	"with background traffic from the dev accounts (transfers, stakes, weights),\n"
	"every block signed, applied and checked. With --db the history goes to an\n"
	"SQLite store (docs/store.md); given the store of an earlier run, sim\n"
	"resumes it from its last committed block and ends at the same state root\n"
	"as an uninterrupted run. Ctrl-C stops after the current block, everything\n"
	"committed.\n"
	"\n"
	"Options:\n"
	"  --blocks N           run until block N (default 1000)\n"
	"  --db FILE            record the run in FILE (created if missing, resumed\n"
	"                       otherwise)\n"
	"  --seed S             the traffic's seed (default 1; a resumed run keeps\n"
	"                       its own)\n"
	"  --json               JSON Lines: one object per epoch, then a summary\n"
	"                       object (blocks, state_root, resumed_from, seconds)\n"
	"  --snapshot-every N   blocks between state snapshots in the store\n"
	"                       (default 1000)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 done, 1 a failure (store, replay), 2 bad usage or input.\n";

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"blocks", required_argument, NULL, 'b'},
		{"db", required_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"snapshot-every", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct nd_run_opts o = {
		.until = 1000,
		.seed = 1,
		.snapshot_every = 1000,
		.commit_every = 0.1,
	};
	int c;
	while ((c = nd_getopt(&nd_cmd_sim, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'b':
			if (parse_u64(optarg, 1, UINT64_C(1) << 40, &o.until))
				return nd_usage_error(&nd_cmd_sim,
						      "--blocks takes a block number from 1 to "
						      "2^40, not '%s'",
						      optarg);
			break;
		case 'd': o.db = optarg; break;
		case 's':
			if (parse_u64(optarg, 0, UINT64_MAX, &o.seed))
				return nd_usage_error(&nd_cmd_sim,
						      "--seed takes an unsigned 64-bit number, "
						      "not '%s'",
						      optarg);
			o.seed_given = true;
			break;
		case 'j': o.json = true; break;
		case 'S':
			if (parse_u64(optarg, 1, 1000000, &o.snapshot_every))
				return nd_usage_error(&nd_cmd_sim,
						      "--snapshot-every takes a number from 1 to "
						      "1000000, not '%s'",
						      optarg);
			break;
		case 'h': return ND_EXIT_OK;
		default: return ND_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return nd_usage_error(&nd_cmd_sim,
				      "scenario files come with the scenario loader; "
				      "unexpected '%s'",
				      argv[optind]);
	o.progress = !o.json && isatty(STDERR_FILENO);
	struct nd_run_result res;
	int status = nd_run(&o, &res);
	if (status != ND_EXIT_OK)
		return status;
	char root[65];
	nd_run_root_hex(&res, root);
	double rate = res.seconds > 0 ? (double)res.produced / res.seconds : 0;
	if (o.json) {
		json_t *j = json_pack("{s:s, s:I, s:s, s:I, s:I, s:f, s:b, s:[]}", "event",
				      "summary", "blocks", (json_int_t)res.block, "state_root",
				      root, "resumed_from", (json_int_t)res.resumed_from,
				      "produced", (json_int_t)res.produced, "seconds", res.seconds,
				      "interrupted", res.interrupted, "assertions");
		char *s = json_dumps(j, JSON_COMPACT);
		if (s)
			puts(s);
		free(s);
		json_decref(j);
	} else {
		if (res.resumed_from)
			printf("resumed at block %" PRIu64 "\n", res.resumed_from);
		printf("block %" PRIu64 "%s: %" PRIu64 " blocks made in %.2f s (%.0f blocks/s)\n",
		       res.block, res.interrupted ? " (interrupted)" : "", res.produced,
		       res.seconds, rate);
		printf("state root 0x%s\n", root);
	}
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_sim = {
	.name = "sim",
	.summary = "run the devnet headless, as fast as possible (resumable)",
	.usage = usage,
	.run = run,
};
