/*
 * cli.c — shared pieces of the CLI commands (see cli.h).
 */
#include "host/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ink_cli_convert_options_default(ink_cli_convert_options *options)
{
    options->convert = INK_CONVERT_OPTIONS_DEFAULT;
    options->codec = INK_CODEC_SYSTEM;
}

int ink_cli_usage_error(const char *command, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "inkpipe %s: ", command);
    vfprintf(stderr, format, args);
    fprintf(stderr, " (see 'inkpipe --help')\n");
    va_end(args);
    return INK_EXIT_USAGE;
}

int ink_cli_input_error(const char *path, ink_error code, const ink_error_info *info)
{
    if (info && info->detail[0])
        fprintf(stderr, "inkpipe: %s: %s: %s\n", path, ink_strerror(code), info->detail);
    else
        fprintf(stderr, "inkpipe: %s: %s\n", path, ink_strerror(code));
    return INK_EXIT_FAILURE;
}

bool ink_cli_parse_size(const char *text, uint32_t *width, uint32_t *height)
{
    char *end;
    errno = 0;
    unsigned long w = strtoul(text, &end, 10);
    if (end == text || *end != 'x' || errno)
        return false;
    const char *second = end + 1;
    unsigned long h = strtoul(second, &end, 10);
    if (end == second || *end != '\0' || errno || w == 0 || h == 0 || w > 65535 || h > 65535)
        return false;
    *width = (uint32_t)w;
    *height = (uint32_t)h;
    return true;
}

static const char *option_value(int argc, char **argv, int *index)
{
    if (*index + 1 >= argc)
        return NULL;
    return argv[++*index];
}

/* Parses a decimal number in [low, high] and returns it times `scale`, rounded. */
static bool parse_scaled(const char *text, double low, double high, double scale, long *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !(value >= low && value <= high))
        return false;
    *out = (long)(value * scale + (value >= 0 ? 0.5 : -0.5));
    return true;
}

static int bad_value(const char *name, const char *expected, const char *value)
{
    ink_cli_usage_error("option", "%s takes %s, not '%s'", name, expected, value);
    return -1;
}

int ink_cli_parse_convert_option(int argc, char **argv, int *index,
                                 ink_cli_convert_options *options)
{
    const char *name = argv[*index];
    const char *value;
    ink_convert_options *c = &options->convert;
    if (strcmp(name, "--upscale") == 0) {
        c->upscale = true;
        return 1;
    }
    if (strcmp(name, "--auto-levels") == 0) {
        c->auto_levels = true;
        return 1;
    }
    if (strcmp(name, "--linear") == 0) {
        c->dot_gain_x10 = 10;
        return 1;
    }
    if (strcmp(name, "--encoded") == 0) {
        c->dot_gain_x10 = 0;
        return 1;
    }
    static const char *const valued[] = {"--size",     "--fit",      "--dither",   "--codec",
                                         "--bits",     "--contrast", "--brightness", "--gamma",
                                         "--dot-gain", "--levels"};
    size_t which = 0;
    while (which < sizeof valued / sizeof valued[0] && strcmp(name, valued[which]) != 0)
        which++;
    if (which == sizeof valued / sizeof valued[0])
        return 0;
    if (!(value = option_value(argc, argv, index))) {
        ink_cli_usage_error("option", "%s needs a value", name);
        return -1;
    }
    long number;
    if (strcmp(name, "--size") == 0) {
        if (!ink_cli_parse_size(value, &c->box_width, &c->box_height))
            return bad_value(name, "WIDTHxHEIGHT, e.g. 480x800", value);
        if (c->box_width > INK_MAX_OUTPUT_WIDTH) {
            ink_cli_usage_error("option", "--size width %u exceeds the maximum of %u",
                                c->box_width, INK_MAX_OUTPUT_WIDTH);
            return -1;
        }
    } else if (strcmp(name, "--fit") == 0) {
        if (strcmp(value, "contain") == 0)
            c->fit = INK_FIT_CONTAIN;
        else if (strcmp(value, "cover") == 0)
            c->fit = INK_FIT_COVER;
        else
            return bad_value(name, "contain or cover", value);
    } else if (strcmp(name, "--dither") == 0) {
        unsigned i = 0;
        while (i < INK_DITHER_METHOD_COUNT &&
               strcmp(value, ink_dither_method_name((ink_dither_method)i)) != 0)
            i++;
        if (strcmp(value, "bayer") == 0 || strcmp(value, "fs") == 0)
            i = strcmp(value, "bayer") == 0 ? INK_DITHER_ORDERED : INK_DITHER_FLOYD_STEINBERG;
        if (i == INK_DITHER_METHOD_COUNT)
            return bad_value(name, "atkinson, floyd-steinberg, ordered or threshold", value);
        c->dither = (ink_dither_method)i;
    } else if (strcmp(name, "--bits") == 0) {
        if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0)
            return bad_value(name, "1 (black and white) or 2 (four grays)", value);
        c->bits = (unsigned)(value[0] - '0');
    } else if (strcmp(name, "--contrast") == 0 || strcmp(name, "--brightness") == 0) {
        if (!parse_scaled(value, -100, 100, 1, &number))
            return bad_value(name, "a number from -100 to 100", value);
        if (name[2] == 'c')
            c->tone.contrast_pct = (int16_t)number;
        else
            c->tone.brightness_pct = (int16_t)number;
    } else if (strcmp(name, "--gamma") == 0) {
        if (!parse_scaled(value, 0.5, 4.0, 100, &number))
            return bad_value(name, "a number from 0.5 to 4 (1 = unchanged)", value);
        c->tone.gamma_x100 = (uint16_t)number;
    } else if (strcmp(name, "--dot-gain") == 0) {
        if (!parse_scaled(value, 1.0, 4.0, 10, &number))
            return bad_value(name, "a number from 1 (ideal display) to 4; e-paper is about 2",
                             value);
        c->dot_gain_x10 = (uint8_t)number;
    } else if (strcmp(name, "--levels") == 0) {
        unsigned black, white;
        char tail;
        if (sscanf(value, "%u:%u%c", &black, &white, &tail) != 2 || white > 255 ||
            black >= white)
            return bad_value(name, "BLACK:WHITE with 0 <= BLACK < WHITE <= 255", value);
        c->tone.black_point = (uint8_t)black;
        c->tone.white_point = (uint8_t)white;
    } else {
        if (strcmp(value, "system") == 0)
            options->codec = INK_CODEC_SYSTEM;
        else if (strcmp(value, "arena") == 0)
            options->codec = INK_CODEC_ARENA;
        else
            return bad_value(name, "system or arena", value);
    }
    return 1;
}

static const char *format_name(ink_image_format format)
{
    return format == INK_FORMAT_JPEG ? "JPEG" : format == INK_FORMAT_PNG ? "PNG" : "unknown";
}

/* Picks the decoder of `codec` for the format sniffed from `head`; prints why not. */
static bool pick_decoder(ink_cli_input *input, const char *label, const uint8_t *head,
                         size_t nbytes, ink_codec_family codec)
{
    input->format = ink_sniff_format(head, nbytes);
    if (input->format == INK_FORMAT_UNKNOWN) {
        fprintf(stderr, "inkpipe: %s: unsupported: not a JPEG or PNG file\n", label);
        return false;
    }
    input->decoder = ink_host_decoder_for(codec, input->format);
    if (!input->decoder) {
        fprintf(stderr, "inkpipe: %s: unsupported: no %s decoder for %s in this build\n", label,
                codec == INK_CODEC_ARENA ? "in-arena" : "system", format_name(input->format));
        return false;
    }
    return true;
}

bool ink_cli_open_input(ink_cli_input *input, const char *path, ink_codec_family codec)
{
    memset(input, 0, sizeof *input);
    if (!ink_file_source_open(&input->file, path, &input->source)) {
        fprintf(stderr, "inkpipe: %s: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    uint8_t head[8] = {0};
    size_t got = fread(head, 1, sizeof head, input->file.file);
    if (!pick_decoder(input, path, head, got, codec)) {
        ink_cli_close_input(input);
        return false;
    }
    if (input->source.seek(input->source.user, 0) != INK_OK) {
        fprintf(stderr, "inkpipe: %s: cannot seek\n", path);
        ink_cli_close_input(input);
        return false;
    }
    return true;
}

bool ink_cli_open_memory_input(ink_cli_input *input, const char *label, uint8_t *data,
                               size_t nbytes, ink_codec_family codec)
{
    memset(input, 0, sizeof *input);
    input->owned_data = data;
    input->source = ink_memory_source_open(&input->memory, data, nbytes);
    if (!pick_decoder(input, label, data, nbytes, codec)) {
        ink_cli_close_input(input);
        return false;
    }
    return true;
}

void ink_cli_close_input(ink_cli_input *input)
{
    ink_file_source_close(&input->file);
    free(input->owned_data);
    input->owned_data = NULL;
}

bool ink_cli_job_open(ink_cli_job *job, const char *in_path, const char *out_path,
                      ink_codec_family codec)
{
    memset(job, 0, sizeof *job);
    job->in_path = in_path;
    job->out_path = out_path;
    if (!ink_cli_open_input(&job->input, in_path, codec))
        return false;
    job->arena = ink_cli_arena_new();
    if (!job->arena || !ink_output_file_open(&job->output, out_path, &job->sink)) {
        fprintf(stderr, "inkpipe: %s: cannot create: %s\n", out_path, strerror(errno));
        ink_cli_arena_free(job->arena);
        ink_cli_close_input(&job->input);
        return false;
    }
    return true;
}

int ink_cli_job_finish(ink_cli_job *job, ink_error error, const ink_error_info *info)
{
    ink_cli_close_input(&job->input);
    ink_cli_arena_free(job->arena);
    job->arena = NULL;
    if (error != INK_OK) {
        int write_errno = job->output.write_errno;
        ink_output_file_abort(&job->output);
        if (write_errno != 0) { /* the output failed (a full disk), not the input */
            fprintf(stderr, "inkpipe: %s: cannot write: %s\n", job->out_path,
                    strerror(write_errno));
            return INK_EXIT_FAILURE;
        }
        return ink_cli_input_error(job->in_path, error, info);
    }
    if (!ink_output_file_commit(&job->output)) {
        fprintf(stderr, "inkpipe: %s: cannot write: %s\n", job->out_path, strerror(errno));
        return INK_EXIT_FAILURE;
    }
    return INK_EXIT_OK;
}

typedef struct heap_arena {
    ink_arena arena;
    _Alignas(16) uint8_t memory[INK_ARENA_BYTES];
} heap_arena;

ink_arena *ink_cli_arena_new(void)
{
    heap_arena *block = aligned_alloc(16, sizeof(heap_arena));
    if (!block)
        return NULL;
    if (ink_arena_init(&block->arena, block->memory, sizeof block->memory) != INK_OK) {
        free(block);
        return NULL;
    }
    return &block->arena;
}

void ink_cli_arena_free(ink_arena *arena)
{
    free(arena); /* the arena is the first member of its heap_arena block */
}
