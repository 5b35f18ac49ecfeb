/*
 * thumb_make.c — a book's 120x180 cover thumbnail, made once and then reused from the cache.
 *
 * The cache key is the book's real path. On a miss the cover image is converted like
 * `inkpipe convert --fit cover --upscale --size 120x180` into a memory BMP, whose rows are the
 * thumbnail's packed pixels, and stored (thumbs/cache.h: atomic, CRC-checked, bounded).
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
#include "host/epub_book.h"
#include "host/thumb_make.h"
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

/* Opens the image that is the book's cover: the image file itself, or the cover the EPUB
 * layer finds in a book (read into memory with the in-arena inflate). */
static bool thumb_cover_open(const char *book_path, ink_codec_family codec, ink_cli_input *input)
{
    if (!has_suffix(book_path, ".epub"))
        return ink_cli_open_input(input, book_path, codec);
    epub_book book;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = epub_book_open(&book, book_path, &info);
    if (err != INK_OK) {
        ink_cli_input_error(book_path, err, &info);
        return false;
    }
    if (book.cover.via == INK_EPUB_COVER_NONE) {
        fprintf(stderr, "inkpipe: %s: no usable cover%s%s\n", book_path,
                book.cover.note[0] ? ": " : "", book.cover.note);
        epub_book_close(&book);
        return false;
    }
    ink_zip_entry entry;
    bool found = false;
    uint8_t *data = NULL;
    size_t nbytes = 0;
    err = ink_zip_find(&book.zip, book.cover.image_path, strlen(book.cover.image_path), &entry,
                       &found, &info);
    if (err == INK_OK && !found)
        err = ink_error_set(&info, INK_ERR_BAD_DATA, "the cover %s is not in the archive",
                            book.cover.image_path);
    if (err == INK_OK)
        err = epub_read_entry(&book.zip, &entry, &data, &nbytes, &info);
    epub_book_close(&book);
    if (err != INK_OK) {
        ink_cli_input_error(book_path, err, &info);
        return false;
    }
    return ink_cli_open_memory_input(input, book_path, data, nbytes, codec);
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

int ink_thumb_make(const char *book_path, const char *cache_root,
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

