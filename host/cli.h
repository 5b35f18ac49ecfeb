/*
 * cli.h — what the CLI commands share: option parsing for conversions, error reporting,
 * opening an input image and picking its decoder, and the per-worker arena.
 *
 * Exit codes: 0 success, 1 a bad or unsupported input (or a failed write), 2 a usage error.
 */
#ifndef INK_HOST_CLI_H
#define INK_HOST_CLI_H

#include <stdbool.h>

#include "arena/arena.h"
#include "decode/convert.h"
#include "host/codecs.h"
#include "host/file_io.h"

#define INK_EXIT_OK 0
#define INK_EXIT_FAILURE 1
#define INK_EXIT_USAGE 2

typedef struct ink_cli_convert_options {
    ink_convert_options convert;
    ink_codec_family codec;
} ink_cli_convert_options;

void ink_cli_convert_options_default(ink_cli_convert_options *options);

/* If argv[*index] is one of convert's options (--size, --fit, --upscale, --dither, --codec,
 * --bits, --contrast, --brightness, --gamma, --levels, --auto-levels, --dot-gain, --linear,
 * --encoded; host/main.c's usage text describes them),
 * consumes it (and its value) and returns 1; returns 0 if it is not one of them; prints a
 * one-line error and returns -1 for a bad value or a missing one. */
int ink_cli_parse_convert_option(int argc, char **argv, int *index,
                                 ink_cli_convert_options *options);

/* Usage errors: "inkpipe COMMAND: message" on stderr; returns INK_EXIT_USAGE. */
int ink_cli_usage_error(const char *command, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Input errors: "inkpipe: PATH: reason[: detail]" on stderr; returns INK_EXIT_FAILURE. */
int ink_cli_input_error(const char *path, ink_error code, const ink_error_info *info);

/* Parses "WxH" into two non-zero numbers. */
bool ink_cli_parse_size(const char *text, uint32_t *width, uint32_t *height);

/* Opens `path` as a seekable source, sniffs its format and picks the decoder of `codec`.
 * On failure prints the reason and returns false. */
typedef struct ink_cli_input {
    ink_file_source file;
    ink_memory_source memory;
    uint8_t *owned_data; /* a memory input's bytes, freed by ink_cli_close_input */
    ink_source source;
    const ink_decoder *decoder;
    ink_image_format format;
} ink_cli_input;
bool ink_cli_open_input(ink_cli_input *input, const char *path, ink_codec_family codec);
/* The same over `data` (heap memory the input takes over and frees); `label` names it in
 * messages. */
bool ink_cli_open_memory_input(ink_cli_input *input, const char *label, uint8_t *data,
                               size_t nbytes, ink_codec_family codec);
void ink_cli_close_input(ink_cli_input *input);

/* One input file converted into one output file: the input opened with its decoder, an arena,
 * and the output's temporary file. ink_cli_job_open prints why it failed and returns false;
 * ink_cli_job_finish closes the input and arena, then commits the output when `error` is
 * INK_OK (else removes it and prints the error) and returns the exit code. */
typedef struct ink_cli_job {
    const char *in_path, *out_path;
    ink_cli_input input;
    ink_arena *arena;
    ink_output_file output;
    ink_sink sink;
} ink_cli_job;
bool ink_cli_job_open(ink_cli_job *job, const char *in_path, const char *out_path,
                      ink_codec_family codec);
int ink_cli_job_finish(ink_cli_job *job, ink_error error, const ink_error_info *info);

/* An arena on the heap (one per worker); ink_cli_arena_free releases it. */
ink_arena *ink_cli_arena_new(void);
void ink_cli_arena_free(ink_arena *arena);

#endif
