/*
 * The command line: git-style subcommands from one table.
 *
 * Each subcommand is a `struct nd_command` defined in its own
 * nodes/cmd_<name>.c; nodes/cli.c lists them once. Exit statuses are the
 * same everywhere: 0 success, 1 a check failed (vectors, assertions),
 * 2 bad usage or bad input.
 */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <getopt.h>
#include <stdbool.h>

enum { ND_EXIT_OK = 0, ND_EXIT_FAIL = 1, ND_EXIT_USAGE = 2 };

struct nd_command {
	const char *name;
	const char *summary; /* one line for `taodev help` */
	const char *usage; /* the whole `taodev NAME --help` text */
	/* argv[0] is the command name; returns the exit status */
	int (*run)(int argc, char **argv);
};

/* Entry point of the binary: dispatches argv[1]. */
int nd_cli_main(int argc, char **argv);

/* The commands (one nodes/cmd_<name>.c each), and their table. */
extern const struct nd_command nd_cmd_help, nd_cmd_version, nd_cmd_verify, nd_cmd_epoch,
	nd_cmd_bench, nd_cmd_keys, nd_cmd_sim, nd_cmd_export, nd_cmd_scenario;

/* The command table, NULL-terminated. */
extern const struct nd_command *const nd_commands[];

/* Looks a command up by name; NULL when there is none. */
const struct nd_command *nd_command_find(const char *name);

/* getopt_long for a subcommand: like getopt_long, but `--help`/`-h` print
 * the command's usage and return 'h', and an unknown option or a missing
 * argument prints one line naming it plus a hint and returns '?'.
 * `shortopts` should start with ':' is added for you. */
int nd_getopt(const struct nd_command *cmd, int argc, char **argv, const char *shortopts,
	      const struct option *longopts);

/* Prints "taodev CMD: message" and the --help hint to stderr; returns
 * ND_EXIT_USAGE so callers can `return nd_usage_error(...)`. */
int nd_usage_error(const struct nd_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints "taodev: message" to stderr (input errors: put "file:line: "
 * first). */
void nd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
