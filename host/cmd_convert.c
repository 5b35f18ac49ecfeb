/*
 * cmd_convert.c — `inkpipe convert IN -o OUT.bmp [options]`: one image to one 1-bit (or four-gray) BMP.
 */
#include <stdio.h>
#include <string.h>

#include "host/cli.h"
#include "host/commands.h"

int ink_cmd_convert(int argc, char **argv)
{
    ink_cli_convert_options options;
    ink_cli_convert_options_default(&options);
    const char *in_path = NULL, *out_path = NULL;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        int parsed = ink_cli_parse_convert_option(argc, argv, &i, &options);
        if (parsed < 0)
            return INK_EXIT_USAGE;
        if (parsed > 0)
            continue;
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("convert", "-o needs a file name");
            out_path = argv[i];
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            verbose = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return ink_cli_usage_error("convert", "unknown option '%s'", argv[i]);
        } else if (!in_path) {
            in_path = argv[i];
        } else {
            return ink_cli_usage_error("convert", "one input only ('%s' is extra)", argv[i]);
        }
    }
    if (!in_path || !out_path)
        return ink_cli_usage_error("convert", "needs an input and -o OUT.bmp");

    ink_cli_job job;
    if (!ink_cli_job_open(&job, in_path, out_path, options.codec))
        return INK_EXIT_FAILURE;
    const char *decoder_name = job.input.decoder->name;
    ink_error_info info;
    ink_error_clear(&info);
    ink_convert_result result;
    ink_error error = ink_convert_image(job.input.decoder, &job.input.source, &job.sink,
                                        job.arena, &options.convert, &result, &info);
    int status = ink_cli_job_finish(&job, error, &info);
    if (status == INK_EXIT_OK && verbose)
        printf("%s: %s %ux%u, %s, scale 1/%u -> %ux%u %s, %s, levels %u:%u%s\n", in_path,
               result.format, result.source_width, result.source_height, decoder_name,
               1u << result.scale_log2, result.out_width, result.out_height, out_path,
               ink_dither_method_name(result.passed_through ? INK_DITHER_THRESHOLD
                                                            : options.convert.dither),
               result.black_point, result.white_point,
               result.passed_through ? ", bilevel: passed through"
               : result.bilevel      ? ", bilevel: scaled, dithered without tone"
                                     : "");
    return status;
}
