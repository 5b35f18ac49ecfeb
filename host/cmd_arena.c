/*
 * cmd_arena.c — `inkpipe arena`: the arena's layout and status report.
 */
#include <stdio.h>

#include "host/cli.h"
#include "host/commands.h"

static void print_line(void *user, const char *line)
{
    fprintf((FILE *)user, "%s\n", line);
}

int ink_cmd_arena(int argc, char **argv)
{
    if (argc > 1)
        return ink_cli_usage_error("arena", "takes no arguments ('%s')", argv[1]);
    ink_arena *arena = ink_cli_arena_new();
    if (!arena) {
        fprintf(stderr, "inkpipe: out of memory\n");
        return INK_EXIT_FAILURE;
    }
    ink_arena_status(arena, print_line, stdout);
    ink_cli_arena_free(arena);
    return INK_EXIT_OK;
}
