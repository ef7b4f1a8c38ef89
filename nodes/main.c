/*
 * taodev: one binary, git-style subcommands (see nodes/cli.c).
 */
#include "nodes/cli.h"

#include <sodium.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	/* once per process, before any key or hash is used */
	if (sodium_init() < 0) {
		fputs("taodev: libsodium failed to initialise\n", stderr);
		return 1;
	}
	return nd_cli_main(argc, argv);
}
