/*
 * Command dispatch and the small option-parsing helpers every subcommand
 * shares, so that all of them answer --help and bad options the same way.
 */
#include "nodes/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Only commands that work are listed. */
const struct nd_command *const nd_commands[] = {
	&nd_cmd_sim,	&nd_cmd_scenario, &nd_cmd_epoch,   &nd_cmd_verify, &nd_cmd_keys,
	&nd_cmd_export, &nd_cmd_bench,	  &nd_cmd_version, &nd_cmd_help,   NULL,
};

const struct nd_command *nd_command_find(const char *name)
{
	for (int i = 0; nd_commands[i]; i++)
		if (strcmp(nd_commands[i]->name, name) == 0)
			return nd_commands[i];
	return NULL;
}

void nd_error(const char *fmt, ...)
{
	va_list ap;
	fputs("taodev: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int nd_usage_error(const struct nd_command *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "taodev %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'taodev %s --help'.\n", cmd->name);
	return ND_EXIT_USAGE;
}

int nd_getopt(const struct nd_command *cmd, int argc, char **argv, const char *shortopts,
	      const struct option *longopts)
{
	static const struct option none[] = {{0, 0, 0, 0}};
	char spec[64];
	int c, idx = -1;

	snprintf(spec, sizeof(spec), ":h%s", shortopts ? shortopts : "");
	opterr = 0;
	/* --help is accepted by every command, whatever its own options */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(cmd->usage, stdout);
			return 'h';
		}
	}
	c = getopt_long(argc, argv, spec, longopts ? longopts : none, &idx);
	if (c == 'h') {
		fputs(cmd->usage, stdout);
		return 'h';
	}
	if (c == '?') {
		const char *arg = argv[optind - 1];
		if (optopt)
			nd_usage_error(cmd, "unknown option '-%c'", optopt);
		else
			nd_usage_error(cmd, "unknown option '%s'", arg);
		return '?';
	}
	if (c == ':') {
		nd_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	return c;
}

static void print_overview(FILE *f)
{
	fputs("usage: taodev COMMAND [OPTIONS] [ARGS]\n"
	      "\n"
	      "A local Bittensor devnet: the chain's Yuma consensus and dTAO rules,\n"
	      "bit for bit, at C speed.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (int i = 0; nd_commands[i]; i++)
		fprintf(f, "  %-10s %s\n", nd_commands[i]->name, nd_commands[i]->summary);
	fputs("\nRun 'taodev COMMAND --help' for the options of one command.\n", f);
}

int nd_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return ND_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0)
			return nd_cmd_help.run(argc - 1, argv + 1);
		print_overview(stdout);
		return ND_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return nd_cmd_version.run(1, (char *[]){(char *)"version", NULL});
	if (name[0] == '-') {
		fprintf(stderr, "taodev: unknown option '%s'\nTry 'taodev --help'.\n", name);
		return ND_EXIT_USAGE;
	}
	const struct nd_command *cmd = nd_command_find(name);
	if (!cmd) {
		fprintf(stderr, "taodev: '%s' is not a taodev command\nTry 'taodev help'.\n", name);
		return ND_EXIT_USAGE;
	}
	optind = 1;
	return cmd->run(argc - 1, argv + 1);
}
