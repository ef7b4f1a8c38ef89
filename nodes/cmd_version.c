/*
 * `taodev version`: what this binary is and which chain rules it follows.
 */
#include "config.h"
#include "nodes/cli.h"

#include <stdio.h>

static const char usage[] =
	"usage: taodev version\n"
	"\n"
	"Prints taodev's version, the opentensor/subtensor commit whose consensus\n"
	"and tokenomics rules it reproduces, and the libraries it was built with.\n";

static int run(int argc, char **argv)
{
	int c;
	while ((c = nd_getopt(&nd_cmd_version, argc, argv, "", NULL)) != -1)
		return c == 'h' ? ND_EXIT_OK : ND_EXIT_USAGE;
	if (optind < argc)
		return nd_usage_error(&nd_cmd_version, "unexpected argument '%s'", argv[optind]);
	printf("taodev %s\n", PACKAGE_VERSION);
	printf("chain rules: opentensor/subtensor %s\n", TAODEV_CHAIN_COMMIT);
	printf("libraries: %s\n", TAODEV_LIB_VERSIONS);
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_version = {
	.name = "version",
	.summary = "show the version, the chain commit followed, library versions",
	.usage = usage,
	.run = run,
};
