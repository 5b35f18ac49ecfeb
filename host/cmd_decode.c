/*
 * cmd_decode.c — `inkpipe decode IN -o OUT.pgm [--scale 1|2|4|8] [--codec system|arena]`:
 * a decoder's 8-bit gray output before scaling and dithering, as a binary PGM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli.h"
#include "host/commands.h"

typedef struct pgm_writer {
    const ink_sink *sink;
    unsigned scale_log2;
    uint32_t width;
    ink_error_info *info;
} pgm_writer;

static ink_error pgm_begin(void *user, const ink_image_info *image, unsigned *scale_log2)
{
    pgm_writer *pgm = user;
    if (!(image->scale_mask & (1u << pgm->scale_log2)))
        return ink_error_set(pgm->info, INK_ERR_UNSUPPORTED, "%s cannot be decoded at scale 1/%u",
                             image->format, 1u << pgm->scale_log2);
    *scale_log2 = pgm->scale_log2;
    pgm->width = ink_scaled_size(image->width, pgm->scale_log2);
    char header[64];
    int length = snprintf(header, sizeof header, "P5\n%u %u\n255\n", pgm->width,
                          ink_scaled_size(image->height, pgm->scale_log2));
    return pgm->sink->write(pgm->sink->user, (const uint8_t *)header, (size_t)length);
}

static ink_error pgm_row(void *user, const uint8_t *gray)
{
    pgm_writer *pgm = user;
    return pgm->sink->write(pgm->sink->user, gray, pgm->width);
}

int ink_cmd_decode(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL;
    unsigned scale_log2 = 0;
    ink_codec_family codec = INK_CODEC_SYSTEM;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("decode", "-o needs a file name");
            out_path = argv[i];
        } else if (strcmp(argv[i], "--scale") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("decode", "--scale needs 1, 2, 4 or 8");
            const char *v = argv[i];
            if (strcmp(v, "1") && strcmp(v, "2") && strcmp(v, "4") && strcmp(v, "8"))
                return ink_cli_usage_error("decode", "--scale takes 1, 2, 4 or 8, not '%s'", v);
            scale_log2 = v[0] == '1' ? 0u : v[0] == '2' ? 1u : v[0] == '4' ? 2u : 3u;
        } else if (strcmp(argv[i], "--codec") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("decode", "--codec needs system or arena");
            if (strcmp(argv[i], "system") == 0)
                codec = INK_CODEC_SYSTEM;
            else if (strcmp(argv[i], "arena") == 0)
                codec = INK_CODEC_ARENA;
            else
                return ink_cli_usage_error("decode", "--codec takes system or arena, not '%s'",
                                           argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return ink_cli_usage_error("decode", "unknown option '%s'", argv[i]);
        } else if (!in_path) {
            in_path = argv[i];
        } else {
            return ink_cli_usage_error("decode", "one input only ('%s' is extra)", argv[i]);
        }
    }
    if (!in_path || !out_path)
        return ink_cli_usage_error("decode", "needs an input and -o OUT.pgm");

    ink_cli_job job;
    if (!ink_cli_job_open(&job, in_path, out_path, codec))
        return INK_EXIT_FAILURE;
    ink_error_info info;
    ink_error_clear(&info);
    pgm_writer pgm = {&job.sink, scale_log2, 0, &info};
    const ink_row_sink rows = {pgm_begin, pgm_row, &pgm};
    ink_error error = job.input.decoder->decode(&job.input.source, job.arena, NULL, &rows, &info);
    return ink_cli_job_finish(&job, error, &info);
}
