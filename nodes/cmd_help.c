/*
 * `taodev help [COMMAND]`: the list of commands, or one command's usage.
 */
#include "nodes/cli.h"

#include <stdio.h>

static const char usage[] = "usage: taodev help [COMMAND]\n"
			    "\n"
			    "Without COMMAND, lists the commands; with it, prints its options\n"
			    "(the same as 'taodev COMMAND --help').\n";

static int run(int argc, char **argv)
{
	int c;
	while ((c = nd_getopt(&nd_cmd_help, argc, argv, "", NULL)) != -1)
		return c == 'h' ? ND_EXIT_OK : ND_EXIT_USAGE;
	if (optind >= argc) {
		char *args[] = {(char *)"taodev", (char *)"--help", NULL};
		return nd_cli_main(2, args);
	}
	if (argc - optind > 1)
		return nd_usage_error(&nd_cmd_help, "expected one command name");
	const struct nd_command *cmd = nd_command_find(argv[optind]);
	if (!cmd)
		return nd_usage_error(&nd_cmd_help, "'%s' is not a taodev command", argv[optind]);
	fputs(cmd->usage, stdout);
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_help = {
	.name = "help",
	.summary = "show the commands, or the options of one",
	.usage = usage,
	.run = run,
};
