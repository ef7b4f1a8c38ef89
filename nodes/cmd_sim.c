/*
 * `taodev sim`: a headless devnet run of a scenario, blocks as fast as
 * the machine allows, history in an SQLite store, resumable, with the
 * scenario's assertions as the verdict (nodes/runner.h).
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
	"usage: taodev sim [SCENARIO.ini] [--blocks N] [--db FILE] [--seed S]\n"
	"                  [--json | --report tap|junit] [--snapshot-every N]\n"
	"\n"
	"Runs a scenario in one process without sockets, as fast as the machine\n"
	"allows: its genesis, its validators, miners and traders acting through\n"
	"signed extrinsics, every block applied and its state root computed. Without\n"
	"a scenario it runs the compiled-in fixtures/quickstart.ini ('taodev help\n"
	"scenario' documents the format). The history goes to an SQLite store\n"
	"(docs/store.md): FILE with --db, else a temporary one. Given the --db of an\n"
	"earlier run, sim resumes it from its last committed block (its scenario and\n"
	"seed are read from the store) and ends where an uninterrupted run would,\n"
	"with the same state root. At the end the scenario's assertions ([expect],\n"
	"SQL over the history) give the verdict. Ctrl-C stops after the current\n"
	"block, everything committed.\n"
	"\n"
	"Options:\n"
	"  --blocks N           run until block N (default: the scenario's length)\n"
	"  --db FILE            record the run in FILE (created if missing, resumed\n"
	"                       otherwise)\n"
	"  --seed S             the seed of the participants' choices (default: the\n"
	"                       scenario's; a resumed run keeps its own)\n"
	"  --json               JSON Lines on stdout: one object per epoch, then a\n"
	"                       summary (blocks, state_root, assertions, ...)\n"
	"  --report FORMAT      the assertions as 'tap' or 'junit' (XML) on stdout\n"
	"  --snapshot-every N   blocks between state snapshots in the store\n"
	"                       (default 1000)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 every assertion holds, 1 one fails (or the run failed),\n"
	"2 bad usage or input (the scenario's errors name file:line).\n";

enum report { REPORT_TABLE, REPORT_TAP, REPORT_JUNIT };

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

static void print_json_summary(const struct nd_run_result *res, const char *root)
{
	json_t *j =
		json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:f, s:b, s:I, s:o}", "event", "summary",
			  "scenario", res->scn.name, "blocks", (json_int_t)res->block, "state_root",
			  root, "resumed_from", (json_int_t)res->resumed_from, "produced",
			  (json_int_t)res->produced, "seconds", res->seconds, "interrupted",
			  res->interrupted, "failed", (json_int_t)res->failed, "assertions",
			  nd_expect_json(res->verdicts, res->nverdicts));
	char *s = json_dumps(j, JSON_COMPACT);
	if (s)
		puts(s);
	free(s);
	json_decref(j);
}

static void print_table(const struct nd_run_result *res, const char *root)
{
	double rate = res->seconds > 0 ? (double)res->produced / res->seconds : 0;
	printf("scenario %s", res->scn.name);
	if (res->resumed_from)
		printf(", resumed at block %" PRIu64, res->resumed_from);
	printf(": %" PRIu64 " blocks made in %.2f s (%.0f blocks/s)%s\n", res->produced,
	       res->seconds, rate, res->interrupted ? ", interrupted" : "");
	if (res->summary)
		fputs(res->summary, stdout);
	printf("block %" PRIu64 ", state root 0x%s\n", res->block, root);
	if (res->nverdicts)
		printf("assertions:\n");
	for (size_t i = 0; i < res->nverdicts; i++) {
		const struct nd_verdict *v = &res->verdicts[i];
		printf("  %-5s %s%s%s\n", nd_verdict_name(v->kind), v->expect->name,
		       v->detail[0] ? "  " : "", v->detail);
	}
	if (res->nverdicts)
		printf("%zu of %zu assertions hold\n", res->nverdicts - res->failed,
		       res->nverdicts);
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"blocks", required_argument, NULL, 'b'},
		{"db", required_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"report", required_argument, NULL, 'r'},
		{"snapshot-every", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct nd_run_opts o = {
		.snapshot_every = 1000,
		.commit_every = 0.1,
	};
	enum report report = REPORT_TABLE;
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
		case 'r':
			if (strcmp(optarg, "tap") == 0)
				report = REPORT_TAP;
			else if (strcmp(optarg, "junit") == 0)
				report = REPORT_JUNIT;
			else
				return nd_usage_error(&nd_cmd_sim,
						      "--report takes 'tap' or 'junit', not '%s'",
						      optarg);
			break;
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
	if (argc - optind > 1)
		return nd_usage_error(&nd_cmd_sim, "one scenario at a time");
	if (o.json && report != REPORT_TABLE)
		return nd_usage_error(&nd_cmd_sim, "--json and --report both write to stdout: "
						   "choose one");
	if (optind < argc)
		o.scenario = argv[optind];
	o.progress = !o.json && report == REPORT_TABLE && isatty(STDERR_FILENO);
	struct nd_run_result res;
	int status = nd_run(&o, &res);
	if (status != ND_EXIT_OK) {
		nd_run_result_release(&res);
		return status;
	}
	char root[65];
	nd_run_root_hex(&res, root);
	switch (report) {
	case REPORT_TABLE:
		if (o.json)
			print_json_summary(&res, root);
		else
			print_table(&res, root);
		break;
	case REPORT_TAP: nd_expect_tap(stdout, res.verdicts, res.nverdicts); break;
	case REPORT_JUNIT:
		nd_expect_junit(stdout, res.scn.name, o.scenario ? o.scenario : "quickstart.ini",
				res.verdicts, res.nverdicts, res.seconds);
		break;
	}
	status = res.interrupted || res.failed ? ND_EXIT_FAIL : ND_EXIT_OK;
	nd_run_result_release(&res);
	return status;
}

const struct nd_command nd_cmd_sim = {
	.name = "sim",
	.summary = "run a scenario headless, as fast as possible, with its assertions",
	.usage = usage,
	.run = run,
};
