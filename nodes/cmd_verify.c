/*
 * `taodev verify FILE.json...`: checks taodev's numbers against reference
 * vectors taken from the chain's own tests, and prints TAP.
 */
#include "nodes/cli.h"
#include "nodes/verify.h"

#include <stdio.h>

static const char usage[] =
	"usage: taodev verify [--kind KIND] [--match TEXT] FILE.json...\n"
	"\n"
	"Runs every record of the reference-vector files (tests/vectors/*.json, or\n"
	"any file in that format) and prints TAP: one test point per record, named\n"
	"by its id and name; 'not ok' with expected and got (raw bits and value) on\n"
	"a mismatch; '# SKIP reason' for a record kind taodev does not run yet.\n"
	"\n"
	"Options:\n"
	"  --kind KIND    only records of this kind (e.g. math, epoch_scenario)\n"
	"  --match TEXT   only records whose id or name contains TEXT\n"
	"  -h, --help     show this help\n"
	"\n"
	"Exit status: 0 when nothing failed, 1 when a record failed, 2 for an\n"
	"unreadable file, malformed JSON or a malformed record (the error names\n"
	"the record and the field).\n";

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"kind", required_argument, NULL, 'k'},
		{"match", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	struct nd_verify_opts opts = {.out = stdout};
	struct nd_verify_totals t = {0};
	int c;

	while ((c = nd_getopt(&nd_cmd_verify, argc, argv, "", longopts)) != -1) {
		switch (c) {
		case 'k': opts.kind = optarg; break;
		case 'm': opts.match = optarg; break;
		case 'h': return ND_EXIT_OK;
		default: return ND_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return nd_usage_error(&nd_cmd_verify, "no vector file given");
	for (int i = optind; i < argc; i++)
		nd_verify_file(argv[i], &opts, &t);
	printf("1..%d\n", t.run);
	printf("# %d passed, %d failed, %d skipped, %d malformed\n", t.passed, t.failed, t.skipped,
	       t.bad);
	if (t.bad)
		return ND_EXIT_USAGE;
	return t.failed ? ND_EXIT_FAIL : ND_EXIT_OK;
}

const struct nd_command nd_cmd_verify = {
	.name = "verify",
	.summary = "check taodev's numbers against the chain's reference vectors",
	.usage = usage,
	.run = run,
};
