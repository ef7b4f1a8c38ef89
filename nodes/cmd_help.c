/*
 * `taodev help [COMMAND | TOPIC]`: the list of commands, one command's
 * usage, or a topic. A topic takes precedence over a command of the same
 * name ('scenario': the file format; the command's usage stays at
 * 'taodev scenario --help').
 */
#include "nodes/cli.h"
#include "nodes/scenario_doc.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: taodev help [COMMAND]\n"
	"       taodev help scenario [--markdown]\n"
	"\n"
	"Without COMMAND, lists the commands; with it, prints its options\n"
	"(the same as 'taodev COMMAND --help').\n"
	"\n"
	"Topics:\n"
	"  scenario   the scenario file format: every section and key with its type,\n"
	"             range, default and meaning; --markdown prints it as the reference\n"
	"             of fixtures/README.md ('taodev scenario --help' is the command)\n";

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {{"markdown", no_argument, NULL, 'm'},
						 {0, 0, 0, 0}};
	bool markdown = false;
	int c;
	while ((c = nd_getopt(&nd_cmd_help, argc, argv, "", longopts)) != -1) {
		if (c != 'm')
			return c == 'h' ? ND_EXIT_OK : ND_EXIT_USAGE;
		markdown = true;
	}
	if (optind >= argc) {
		if (markdown)
			return nd_usage_error(&nd_cmd_help, "--markdown needs a topic");
		char *args[] = {(char *)"taodev", (char *)"--help", NULL};
		return nd_cli_main(2, args);
	}
	if (argc - optind > 1)
		return nd_usage_error(&nd_cmd_help, "expected one command name");
	if (strcmp(argv[optind], "scenario") == 0) {
		nd_scenario_print_help(stdout, markdown);
		return ND_EXIT_OK;
	}
	if (markdown)
		return nd_usage_error(&nd_cmd_help, "--markdown is for a topic (scenario)");
	const struct nd_command *cmd = nd_command_find(argv[optind]);
	if (!cmd)
		return nd_usage_error(&nd_cmd_help, "'%s' is not a taodev command", argv[optind]);
	fputs(cmd->usage, stdout);
	return ND_EXIT_OK;
}

const struct nd_command nd_cmd_help = {
	.name = "help",
	.summary = "show the commands, the options of one, or a topic (scenario)",
	.usage = usage,
	.run = run,
};
