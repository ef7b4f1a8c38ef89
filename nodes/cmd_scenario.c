/*
 * `taodev scenario check FILE...` and `taodev scenario show [FILE]`: load
 * scenario files as `taodev sim` will, and say what is wrong with them
 * (FILE:LINE: message) or what they hold.
 */
#include "devnet/scenario.h"
#include "nodes/cli.h"
#include "nodes/scenario_doc.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: taodev scenario check FILE...\n"
	"       taodev scenario show [FILE]\n"
	"\n"
	"check  loads each scenario file and prints a one-line summary of it; errors\n"
	"       are printed as FILE:LINE: message, and the status is then 2\n"
	"show   prints the scenario in FILE (without FILE, the built-in default,\n"
	"       fixtures/quickstart.ini) as it is loaded: every section with every\n"
	"       key, defaults included\n"
	"\n"
	"The format: 'taodev help scenario' and fixtures/README.md.\n";

#define ERRLEN 8192

static const char *plural(unsigned long n) { return n == 1 ? "" : "s"; }

static void summary(const char *path, const struct dn_scenario *s)
{
	unsigned long nv = 0, nm = 0, nt = 0;
	for (size_t i = 0; i < s->nvalidators; i++)
		nv += s->validators[i].count;
	for (size_t i = 0; i < s->nminers; i++)
		nm += s->miners[i].count;
	for (size_t i = 0; i < s->ntraders; i++)
		nt += s->traders[i].count;
	printf("%s: ok: scenario %s, %llu blocks, %zu account%s, %zu subnet%s, %lu validator%s, "
	       "%lu miner%s, %lu trader%s, %zu assertion%s\n",
	       path, s->name, (unsigned long long)s->blocks, s->naccounts, plural(s->naccounts),
	       s->nsubnets, plural(s->nsubnets), nv, plural(nv), nm, plural(nm), nt, plural(nt),
	       s->nexpects, plural(s->nexpects));
}

static int check(int argc, char **argv)
{
	static char err[ERRLEN];
	int status = ND_EXIT_OK;
	for (int i = 0; i < argc; i++) {
		struct dn_scenario s;
		if (dn_scenario_load_file(argv[i], &s, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			status = ND_EXIT_USAGE;
			continue;
		}
		summary(argv[i], &s);
		dn_scenario_release(&s);
	}
	return status;
}

static int show(const char *path)
{
	static char err[ERRLEN];
	struct dn_scenario s;
	int rc = path ? dn_scenario_load_file(path, &s, err, sizeof(err))
		      : dn_scenario_load_default(&s, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return ND_EXIT_USAGE;
	}
	nd_scenario_print(stdout, &s);
	dn_scenario_release(&s);
	return ND_EXIT_OK;
}

static int run(int argc, char **argv)
{
	int c;
	while ((c = nd_getopt(&nd_cmd_scenario, argc, argv, "", NULL)) != -1)
		return c == 'h' ? ND_EXIT_OK : ND_EXIT_USAGE;
	if (optind >= argc)
		return nd_usage_error(&nd_cmd_scenario,
				      "expected 'check FILE...' or 'show [FILE]'");
	const char *verb = argv[optind++];
	if (strcmp(verb, "check") == 0) {
		if (optind >= argc)
			return nd_usage_error(&nd_cmd_scenario, "check: expected a FILE");
		return check(argc - optind, argv + optind);
	}
	if (strcmp(verb, "show") == 0) {
		if (argc - optind > 1)
			return nd_usage_error(&nd_cmd_scenario, "show: expected one FILE at most");
		return show(optind < argc ? argv[optind] : NULL);
	}
	return nd_usage_error(&nd_cmd_scenario, "'%s' is not 'check' or 'show'", verb);
}

const struct nd_command nd_cmd_scenario = {
	.name = "scenario",
	.summary = "check a scenario file, or show one as loaded",
	.usage = usage,
	.run = run,
};
