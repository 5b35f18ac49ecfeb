/*
 * commands.h — the CLI's commands, one file each (host/cmd_<name>.c). Each takes the
 * arguments after its name (argv[0] is the command name) and returns an exit code (cli.h).
 */
#ifndef INK_HOST_COMMANDS_H
#define INK_HOST_COMMANDS_H

int ink_cmd_convert(int argc, char **argv);
int ink_cmd_decode(int argc, char **argv);
int ink_cmd_arena(int argc, char **argv);
int ink_cmd_layout(int argc, char **argv);
int ink_cmd_thumb(int argc, char **argv);
int ink_cmd_epub(int argc, char **argv);

#endif
