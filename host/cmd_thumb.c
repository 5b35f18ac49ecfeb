/*
 * cmd_thumb.c — `inkpipe thumb`: make or reuse a book's cover thumbnail in a cache folder, and
 * show a cached thumbnail as a BMP.
 *
 *   inkpipe thumb BOOK.epub|IMAGE --cache DIR [--dither M] [--codec C]
 *                 [--max-entries N] [--max-bytes N]
 *   inkpipe thumb --show FILE.thb -o OUT.bmp
 *
 * The cache key is the book's absolute path (realpath), so `a.epub` and `./a.epub` share one
 * entry. The cover image comes from thumb_cover_open(): for an image file it is the file itself;
 * for an EPUB it is the cover the EPUB reader detects, once that work lands (until then an EPUB
 * is refused with a clear message). The image is converted like `inkpipe convert --fit cover
 * --upscale --size 120x180`, into a memory BMP, whose rows are the thumbnail's packed pixels.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dither/bmp.h"
#include "host/cli.h"
#include "host/commands.h"
#include "host/thumb_fs.h"
#include "thumbs/cache.h"

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static bool has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

/* Opens the image that is the book's cover. The EPUB cover lookup plugs in here. */
static bool thumb_cover_open(const char *book_path, ink_codec_family codec, ink_cli_input *input)
{
    if (has_suffix(book_path, ".epub")) {
        fprintf(stderr, "inkpipe: %s: EPUB cover detection is not available yet; "
                        "pass the cover image instead\n", book_path);
        return false;
    }
    return ink_cli_open_input(input, book_path, codec);
}

/* Decodes, scales (cover, 120x180, upscaling small covers) and dithers the cover into packed
 * rows (thumb_file.h's format). Returns an exit code. */
static int thumb_make_pixels(const char *book_path, const ink_cli_convert_options *cli_options,
                             uint8_t *pixels)
{
    ink_cli_input input;
    if (!thumb_cover_open(book_path, cli_options->codec, &input))
        return INK_EXIT_FAILURE;
    ink_convert_options options = cli_options->convert;
    options.box_width = INK_THUMB_WIDTH;
    options.box_height = INK_THUMB_HEIGHT;
    options.fit = INK_FIT_COVER;
    options.upscale = true;

    const size_t stride = ink_bmp_row_stride(INK_THUMB_WIDTH);
    static uint8_t bmp[INK_BMP_HEADER_BYTES + 16u * INK_THUMB_HEIGHT];
    _Static_assert(INK_THUMB_WIDTH <= 128u, "the BMP buffer holds rows of 16 bytes");
    ink_memory_sink bmp_state;
    ink_sink bmp_sink = ink_memory_sink_open(&bmp_state, bmp, sizeof bmp);
    ink_arena *arena = ink_cli_arena_new();
    if (!arena) {
        ink_cli_close_input(&input);
        fprintf(stderr, "inkpipe: out of memory\n");
        return INK_EXIT_FAILURE;
    }
    ink_error_info info;
    ink_error_clear(&info);
    ink_convert_result result;
    ink_error err = ink_convert_image(input.decoder, &input.source, &bmp_sink, arena, &options,
                                      &result, &info);
    ink_cli_arena_free(arena);
    ink_cli_close_input(&input);
    if (err != INK_OK)
        return ink_cli_input_error(book_path, err, &info);
    if (result.out_width != INK_THUMB_WIDTH || result.out_height != INK_THUMB_HEIGHT) {
        fprintf(stderr, "inkpipe: %s: the converter made %ux%u, not %ux%u\n", book_path,
                result.out_width, result.out_height, INK_THUMB_WIDTH, INK_THUMB_HEIGHT);
        return INK_EXIT_FAILURE;
    }
    /* BMP rows are stored bottom-up, each padded to 4 bytes; the packed bits are the same
     * (palette 0 black, 1 white). */
    const size_t row_nbytes = INK_THUMB_ROW_NBYTES(INK_THUMB_WIDTH);
    for (uint32_t y = 0; y < INK_THUMB_HEIGHT; y++)
        memcpy(pixels + y * row_nbytes,
               bmp + INK_BMP_HEADER_BYTES + (size_t)(INK_THUMB_HEIGHT - 1u - y) * stride,
               row_nbytes);
    return INK_EXIT_OK;
}

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

static int thumb_make(const char *book_path, const char *cache_root,
                      const ink_cli_convert_options *options, uint64_t max_entries,
                      uint64_t max_nbytes)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char resolved[PATH_MAX];
    const char *key = realpath(book_path, resolved) ? resolved : book_path;

    ink_host_thumb_fs host_fs;
    ink_thumb_fs fs;
    if (!ink_host_thumb_fs_open(&host_fs, cache_root, &fs)) {
        fprintf(stderr, "inkpipe: %s: cannot open the cache: %s\n", cache_root, strerror(errno));
        return INK_EXIT_FAILURE;
    }
    ink_thumb_cache_config config = INK_THUMB_CACHE_CONFIG_DEFAULT;
    config.max_entries = max_entries > UINT32_MAX ? UINT32_MAX : (uint32_t)max_entries;
    config.max_nbytes = max_nbytes;
    static uint8_t work[INK_THUMB_CACHE_WORK_BYTES(INK_THUMB_WIDTH, INK_THUMB_HEIGHT)];
    static uint8_t pixels[INK_THUMB_PIXELS_NBYTES(INK_THUMB_WIDTH, INK_THUMB_HEIGHT)];
    ink_thumb_cache cache;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_thumb_cache_init(&cache, &fs, &config, work, sizeof work, &info);
    ink_thumb_lookup lookup = INK_THUMB_MISS_ABSENT;
    if (err == INK_OK)
        err = ink_thumb_cache_get(&cache, key, strlen(key), pixels, sizeof pixels, &lookup,
                                  &info);
    if (err != INK_OK) {
        ink_host_thumb_fs_close(&host_fs);
        return ink_cli_input_error(cache_root, err, &info);
    }
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name(key, strlen(key), name);
    char *file_path = ink_host_thumb_fs_path(&host_fs, name);
    int status = INK_EXIT_OK;
    if (lookup == INK_THUMB_HIT) {
        printf("hit %s -> %s (%.1f ms)\n", key, file_path ? file_path : name,
               elapsed_ms(&start));
    } else {
        const char *why = ink_thumb_lookup_name(lookup);
        status = thumb_make_pixels(book_path, options, pixels);
        if (status == INK_EXIT_OK) {
            ink_thumb_put_result result;
            ink_error_clear(&info);
            err = ink_thumb_cache_put(&cache, key, strlen(key), pixels, sizeof pixels, &result,
                                      &info);
            if (err != INK_OK) {
                status = ink_cli_input_error(cache_root, err, &info);
            } else {
                printf("%s %s -> %s: %s %zu bytes (raw %u), %u evicted (%.1f ms)\n", why, key,
                       file_path ? file_path : name,
                       result.encoding == INK_THUMB_ENCODING_G4 ? "G4" : "raw",
                       result.file_nbytes,
                       (unsigned)INK_THUMB_FILE_MAX_NBYTES(INK_THUMB_WIDTH, INK_THUMB_HEIGHT),
                       (unsigned)result.evicted, elapsed_ms(&start));
            }
        }
    }
    free(file_path);
    ink_host_thumb_fs_close(&host_fs);
    return status;
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
    return thumb_make(book_path, cache_root, &options, max_entries, max_nbytes);
}
