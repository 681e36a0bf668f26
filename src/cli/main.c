/* SPDX-License-Identifier: MIT */
/*
 * main.c: the `gigawatt` command. A thin client of libgigawatt: the command
 * line is run by gw_cli_invoke (invoke.c), the same entry the Python binding
 * calls, with reports on stdout and messages on stderr. Returns the exit
 * status (0 ok, 1 runtime failure, 2 usage or input error).
 */
#include "cli.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    return gw_cli_invoke(argc, argv, stdout, stderr, NULL);
}
