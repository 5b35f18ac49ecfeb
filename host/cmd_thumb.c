/*
 * cmd_thumb.c — `inkpipe thumb BOOK.epub|IMAGE --cache DIR` makes or reuses a cover thumbnail
 * (host/thumb_make.c); `inkpipe thumb --show FILE.thb -o OUT.bmp` turns a cached thumbnail
 * back into a BMP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dither/bmp.h"
#include "host/cli.h"
#include "host/commands.h"
#include "host/thumb_make.h"
#include "thumbs/thumb_file.h"

static int thumb_show(const char *thb_path, const char *out_path)
{
    unsigned char *file = NULL;
    size_t file_nbytes = 0;
    if (!ink_read_file(thb_path, &file, &file_nbytes)) {
        fprintf(stderr, "inkpipe: %s: cannot read: %s\n", thb_path, strerror(errno));
        return INK_EXIT_FAILURE;
    }
    ink_error_info info;
    ink_error_clear(&info);
    ink_thumb_header header;
    ink_error err = ink_thumb_header_parse(file, file_nbytes, &header, &info);
    uint8_t *pixels = NULL, *work = NULL;
    if (err == INK_OK) {
        pixels = malloc(INK_THUMB_PIXELS_NBYTES(header.width, header.height));
        work = malloc(INK_THUMB_CODEC_WORK_BYTES(header.width));
        err = pixels && work ? ink_thumb_payload_decode(
                                   &header, file, file_nbytes, pixels,
                                   INK_THUMB_PIXELS_NBYTES(header.width, header.height), work,
                                   INK_THUMB_CODEC_WORK_BYTES(header.width), &info)
                             : ink_error_set(&info, INK_ERR_NO_MEMORY, "out of memory");
    }
    free(file);
    free(work);
    if (err != INK_OK) {
        free(pixels);
        return ink_cli_input_error(thb_path, err, &info);
    }
    ink_output_file output;
    ink_sink sink;
    if (!ink_output_file_open(&output, out_path, &sink)) {
        fprintf(stderr, "inkpipe: %s: cannot create: %s\n", out_path, strerror(errno));
        free(pixels);
        return INK_EXIT_FAILURE;
    }
    ink_bmp_writer writer;
    err = ink_bmp_begin(&writer, &sink, header.width, header.height, &info);
    const size_t row_nbytes = INK_THUMB_ROW_NBYTES(header.width);
    for (uint32_t y = 0; err == INK_OK && y < header.height; y++)
        err = ink_bmp_write_row(&writer, pixels + y * row_nbytes);
    if (err == INK_OK)
        err = ink_bmp_finish(&writer);
    free(pixels);
    if (err != INK_OK) {
        ink_output_file_abort(&output);
        return ink_cli_input_error(out_path, err, &info);
    }
    if (!ink_output_file_commit(&output)) {
        fprintf(stderr, "inkpipe: %s: cannot write: %s\n", out_path, strerror(errno));
        return INK_EXIT_FAILURE;
    }
    printf("%s: %ux%u %s, %zu bytes (raw %u) -> %s\n", thb_path, header.width, header.height,
           header.encoding == INK_THUMB_ENCODING_G4 ? "G4" : "raw", file_nbytes,
           (unsigned)INK_THUMB_FILE_MAX_NBYTES(header.width, header.height), out_path);
    return INK_EXIT_OK;
}

static bool parse_count(const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || !end || *end || text[0] == '-' || text[0] == '\0')
        return false;
    *out = value;
    return true;
}

int ink_cmd_thumb(int argc, char **argv)
{
    ink_cli_convert_options options;
    ink_cli_convert_options_default(&options);
    const char *book_path = NULL, *cache_root = NULL, *show_path = NULL, *out_path = NULL;
    uint64_t max_entries = 256, max_nbytes = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--dither") == 0 || strcmp(arg, "--codec") == 0) {
            if (ink_cli_parse_convert_option(argc, argv, &i, &options) < 0)
                return INK_EXIT_USAGE;
        } else if (strcmp(arg, "--cache") == 0 || strcmp(arg, "--show") == 0 ||
                   strcmp(arg, "-o") == 0 || strcmp(arg, "--max-entries") == 0 ||
                   strcmp(arg, "--max-bytes") == 0) {
            if (++i >= argc)
                return ink_cli_usage_error("thumb", "%s needs a value", arg);
            if (strcmp(arg, "--cache") == 0)
                cache_root = argv[i];
            else if (strcmp(arg, "--show") == 0)
                show_path = argv[i];
            else if (strcmp(arg, "-o") == 0)
                out_path = argv[i];
            else if (!parse_count(argv[i], strcmp(arg, "--max-entries") == 0 ? &max_entries
                                                                             : &max_nbytes))
                return ink_cli_usage_error("thumb", "%s takes a number, not '%s'", arg,
                                           argv[i]);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return ink_cli_usage_error("thumb", "unknown option '%s'", arg);
        } else if (!book_path) {
            book_path = arg;
        } else {
            return ink_cli_usage_error("thumb", "one book only ('%s' is extra)", arg);
        }
    }
    if (show_path) {
        if (!out_path || book_path || cache_root)
            return ink_cli_usage_error("thumb", "--show FILE.thb needs -o OUT.bmp, nothing else");
        return thumb_show(show_path, out_path);
    }
    if (!book_path || !cache_root || out_path)
        return ink_cli_usage_error("thumb", "needs BOOK.epub|IMAGE --cache DIR");
    return ink_thumb_make(book_path, cache_root, &options, max_entries, max_nbytes);
}
