/*
 * jobs_thumb.c — "thumb IN OUT.bmp [--dither D]": a book's 120x180 cover thumbnail through the
 * thumbnail cache (thumbs/cache.h) on the flash file system.
 *
 *   1. look the book up in the cache (key: its path on the SD card);
 *   2. on a miss, convert its cover like `inkpipe thumb` (cover fit, upscaling, 120x180) into
 *      the thumbnail's packed rows, and put them in the cache (G4 or raw, atomic write, evict);
 *   3. read the thumbnail back from the cache (it must be a hit, with the same pixels) and
 *      write it to OUT.bmp on the SD card, as `inkpipe thumb --show` does.
 *
 * settings.ini may bound the cache: "thumb_max_entries = N" (default 256, as `inkpipe thumb`).
 *
 * Memory: the cache's work buffer (2,784 bytes) is a SCRATCH claim for each cache call; the
 * thumbnail's pixels (2,700 bytes) are a static, because the converter owns the arena while it
 * fills them.
 */
#include <string.h>

#include "decode/crc32.h"
#include "dither/bmp.h"
#include "firmware.h"
#include "thumbs/cache.h"

#define INK_THUMB_PIXEL_BYTES INK_THUMB_PIXELS_NBYTES(INK_THUMB_WIDTH, INK_THUMB_HEIGHT)
#define INK_THUMB_WORK_BYTES INK_THUMB_CACHE_WORK_BYTES(INK_THUMB_WIDTH, INK_THUMB_HEIGHT)

static uint8_t ink_thumb_pixels[INK_THUMB_PIXEL_BYTES];

/* ---- the cache's file system over the HAL's flash medium ---- */

typedef struct ink_flash_fs {
    ink_board_file file; /* the file being written */
    ink_sink sink;
    uint64_t clock;
} ink_flash_fs;

static ink_error ink_flash_create(void *user, const char *name)
{
    ink_flash_fs *fs = user;
    return ink_board_open_write(INK_BOARD_FLASH, name, &fs->file, &fs->sink, NULL);
}

static ink_error ink_flash_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_flash_fs *fs = user;
    return fs->sink.write(fs->sink.user, src, nbytes);
}

static ink_error ink_flash_commit(void *user)
{
    ink_flash_fs *fs = user;
    ink_board_close(&fs->file); /* the device's HAL fsyncs before it closes */
    return INK_OK;
}

static void ink_flash_discard(void *user)
{
    ink_flash_fs *fs = user;
    ink_board_close(&fs->file);
}

static ink_error ink_flash_rename(void *user, const char *from, const char *to)
{
    (void)user;
    return ink_board_rename(INK_BOARD_FLASH, from, to, NULL);
}

static ink_error ink_flash_read(void *user, const char *name, uint8_t *dst, size_t nbytes,
                                size_t *got)
{
    (void)user;
    ink_board_file file;
    ink_source source;
    *got = 0;
    if (ink_board_open_read(INK_BOARD_FLASH, name, &file, &source, NULL) != INK_OK) {
        return INK_OK; /* a missing file reads empty */
    }
    ink_error error = INK_OK;
    while (error == INK_OK && *got < nbytes) {
        size_t piece = 0;
        error = source.read(source.user, dst + *got, nbytes - *got, &piece);
        if (piece == 0u) {
            break;
        }
        *got += piece;
    }
    ink_board_close(&file);
    return error;
}

static ink_error ink_flash_remove(void *user, const char *name)
{
    (void)user;
    return ink_board_remove(INK_BOARD_FLASH, name, NULL);
}

typedef struct ink_flash_list_call {
    ink_thumb_fs_list_fn *fn;
    void *context;
} ink_flash_list_call;

static ink_error ink_flash_list_entry(void *user, const ink_board_dir_entry *entry)
{
    const ink_flash_list_call *call = user;
    ink_thumb_fs_entry thumb_entry = {entry->name, entry->nbytes, entry->sequence};
    return call->fn(call->context, &thumb_entry);
}

static ink_error ink_flash_list(void *user, ink_thumb_fs_list_fn *fn, void *context)
{
    (void)user;
    ink_flash_list_call call = {fn, context};
    return ink_board_list(INK_BOARD_FLASH, ink_flash_list_entry, &call, NULL);
}

static uint64_t ink_flash_now(void *user)
{
    ink_flash_fs *fs = user;
    return ++fs->clock;
}

/* touch is NULL: recency is the write order the HAL's listing reports, so eviction is
 * first-in first-out (cache.h allows it; a stamp per hit would cost a flash write per view). */
static ink_thumb_fs ink_flash_thumb_fs(ink_flash_fs *state)
{
    return (ink_thumb_fs){ink_flash_create, ink_flash_write,  ink_flash_commit, ink_flash_discard,
                          ink_flash_rename, ink_flash_read,   ink_flash_remove, ink_flash_list,
                          NULL,             ink_flash_now,    state};
}

/* ---- the converter's BMP, straight into the thumbnail's rows ----
 * The BMP writer seeks to each row (bottom-up, 4-byte padded) and writes it; this sink keeps
 * the packed bytes of each row, top-down, and drops the header and the padding. */

typedef struct ink_rows_sink {
    uint8_t *pixels;
    uint64_t position;
} ink_rows_sink;

static ink_error ink_rows_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_rows_sink *rows = user;
    const uint32_t stride = (uint32_t)ink_bmp_row_stride(INK_THUMB_WIDTH);
    const uint32_t row_nbytes = INK_THUMB_ROW_NBYTES(INK_THUMB_WIDTH);
    for (size_t i = 0; i < nbytes; i++, rows->position++) {
        if (rows->position < INK_BMP_HEADER_BYTES) {
            continue;
        }
        uint64_t at = rows->position - INK_BMP_HEADER_BYTES;
        uint64_t stored_row = at / stride;
        uint32_t column = (uint32_t)(at % stride);
        if (stored_row >= INK_THUMB_HEIGHT) {
            return INK_ERR_IO; /* larger than a thumbnail */
        }
        if (column < row_nbytes) {
            rows->pixels[(INK_THUMB_HEIGHT - 1u - stored_row) * row_nbytes + column] = src[i];
        }
    }
    return INK_OK;
}

static ink_error ink_rows_seek(void *user, uint64_t offset)
{
    ((ink_rows_sink *)user)->position = offset;
    return INK_OK;
}

/* ---- the job ---- */

/* One cache call with its work buffer claimed from SCRATCH: get (put_pixels NULL) or put. */
static ink_error ink_thumb_cache_call(ink_board_context *context, const char *key,
                                      bool put, ink_thumb_lookup *lookup,
                                      ink_thumb_put_result *put_result, ink_error_info *info)
{
    ink_claim work = {0};
    ink_error error = ink_arena_claim_range(context->arena, INK_REGION_SCRATCH, 0,
                                            INK_THUMB_WORK_BYTES, "thumbnail cache work", &work,
                                            info);
    if (error != INK_OK) {
        return error;
    }
    ink_flash_fs state;
    memset(&state, 0, sizeof state);
    state.file.handle = -1;
    ink_thumb_fs fs = ink_flash_thumb_fs(&state);
    ink_thumb_cache_config config = INK_THUMB_CACHE_CONFIG_DEFAULT;
    const char *max_entries = ink_board_setting(context->settings, "thumb_max_entries", NULL);
    if (max_entries != NULL) {
        uint32_t value = 0;
        for (; *max_entries >= '0' && *max_entries <= '9' && value < 100000u; max_entries++) {
            value = value * 10u + (uint32_t)(*max_entries - '0');
        }
        config.max_entries = value;
    }
    ink_thumb_cache cache;
    error = ink_thumb_cache_init(&cache, &fs, &config, work.bytes, work.nbytes, info);
    if (error == INK_OK && put) {
        error = ink_thumb_cache_put(&cache, key, strlen(key), ink_thumb_pixels,
                                    sizeof ink_thumb_pixels, put_result, info);
    } else if (error == INK_OK) {
        error = ink_thumb_cache_get(&cache, key, strlen(key), ink_thumb_pixels,
                                    sizeof ink_thumb_pixels, lookup, info);
    }
    (void)ink_arena_release(context->arena, &work);
    return error;
}

static ink_error ink_thumb_write_bmp(const char *path, ink_error_info *info)
{
    ink_board_file file;
    ink_sink sink;
    ink_error error = ink_board_open_write(INK_BOARD_SD, path, &file, &sink, info);
    if (error != INK_OK) {
        return error;
    }
    ink_bmp_writer writer;
    error = ink_bmp_begin(&writer, &sink, INK_THUMB_WIDTH, INK_THUMB_HEIGHT, info);
    const uint32_t row_nbytes = INK_THUMB_ROW_NBYTES(INK_THUMB_WIDTH);
    for (uint32_t y = 0; error == INK_OK && y < INK_THUMB_HEIGHT; y++) {
        error = ink_bmp_write_row(&writer, ink_thumb_pixels + y * row_nbytes);
    }
    if (error == INK_OK) {
        error = ink_bmp_finish(&writer);
    }
    ink_board_close(&file);
    return error != INK_OK ? ink_error_set(info, error, "writing %s", path) : INK_OK;
}

static void ink_word(char *text)
{
    for (; *text != '\0'; text++) {
        *text = *text == ' ' ? '_' : *text;
    }
}

ink_error ink_board_job_thumb(ink_board_context *context, char **words, uint32_t word_count,
                              ink_job_result *result, ink_error_info *info)
{
    const char *key = words[1];
    ink_convert_options options;
    ink_error error = ink_board_job_options(context, words, word_count, &options, info);
    if (error != INK_OK) {
        return error;
    }
    /* `inkpipe thumb`'s conversion: 120x180, cover fit, small covers upscaled. */
    options.box_width = INK_THUMB_WIDTH;
    options.box_height = INK_THUMB_HEIGHT;
    options.fit = INK_FIT_COVER;
    options.upscale = true;

    ink_thumb_lookup first = INK_THUMB_MISS_ABSENT;
    error = ink_thumb_cache_call(context, key, false, &first, NULL, info);
    ink_thumb_put_result put = {INK_THUMB_ENCODING_RAW, 0, 0};
    char cover[96] = "-";
    if (error == INK_OK && first != INK_THUMB_HIT) {
        ink_rows_sink rows = {ink_thumb_pixels, 0};
        ink_sink sink = {ink_rows_write, ink_rows_seek, &rows};
        ink_convert_result converted;
        memset(&converted, 0, sizeof converted);
        memset(ink_thumb_pixels, 0xFF, sizeof ink_thumb_pixels);
        error = ink_board_convert_cover(context, key, &sink, &options, &converted, cover,
                                        sizeof cover, info);
        result->width = converted.source_width;
        result->height = converted.source_height;
        result->scale_log2 = converted.scale_log2;
        if (error == INK_OK &&
            (converted.out_width != INK_THUMB_WIDTH || converted.out_height != INK_THUMB_HEIGHT)) {
            error = ink_error_set(info, INK_ERR_INTERNAL, "the converter made %lux%lu",
                                  (unsigned long)converted.out_width,
                                  (unsigned long)converted.out_height);
        }
        if (error == INK_OK) {
            error = ink_thumb_cache_call(context, key, true, NULL, &put, info);
        }
    }
    /* Read it back from the flash file system: a hit with the same pixels. */
    uint32_t made_crc = ink_crc32_update(0, ink_thumb_pixels, sizeof ink_thumb_pixels);
    ink_thumb_lookup again = INK_THUMB_MISS_ABSENT;
    if (error == INK_OK) {
        memset(ink_thumb_pixels, 0x55, sizeof ink_thumb_pixels);
        error = ink_thumb_cache_call(context, key, false, &again, NULL, info);
    }
    if (error == INK_OK && (again != INK_THUMB_HIT ||
                            ink_crc32_update(0, ink_thumb_pixels, sizeof ink_thumb_pixels) !=
                                made_crc)) {
        error = ink_error_set(info, INK_ERR_INTERNAL, "read back from the cache: %s%s",
                              ink_thumb_lookup_name(again),
                              again == INK_THUMB_HIT ? ", other pixels" : "");
    }
    if (error == INK_OK) {
        error = ink_thumb_write_bmp(words[2], info);
        result->out_width = INK_THUMB_WIDTH;
        result->out_height = INK_THUMB_HEIGHT;
    }
    char name[INK_THUMB_NAME_BYTES];
    ink_thumb_file_name(key, strlen(key), name);
    char lookup[32];
    (void)ink_format(lookup, sizeof lookup, "%s", ink_thumb_lookup_name(first));
    ink_word(lookup);
    ink_word(cover);
    (void)ink_format(result->extra, sizeof result->extra,
                     " lookup=%s file=%s thb_bytes=%lu encoding=%s evicted=%lu cover=%s", lookup,
                     name, (unsigned long)put.file_nbytes,
                     first == INK_THUMB_HIT                  ? "-"
                     : put.encoding == INK_THUMB_ENCODING_G4 ? "G4"
                                                             : "raw",
                     (unsigned long)put.evicted, cover);
    return error;
}
