/*
 * taodev: one binary, git-style subcommands (see nodes/cli.c).
 */
#include "nodes/cli.h"

int main(int argc, char **argv) { return nd_cli_main(argc, argv); }
