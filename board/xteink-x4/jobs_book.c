/*
 * jobs_book.c — the jobs on EPUB books: "book" (every JPEG and PNG and the cover to BMPs, the
 * way `inkpipe epub --codec arena` does it) and "inflate" (the in-arena inflate's instruction
 * count per output byte over a book's entries).
 *
 * The open book and the entry being decoded are statics (about 3 KB of .bss, in the RAM
 * report's "other"): they live across the converter's calls, which use up to ~4 KB of the
 * 8 KB stack themselves, and the arena is the converter's while an image is decoded.
 */
#include <stdio.h>
#include <string.h>

#include "board_cpu.h"
#include "firmware.h"

static ink_board_book ink_book;
static ink_board_entry ink_book_entry;

/* Appends `text` to `out` (of `out_nbytes`) with space, '%', '"' and control bytes
 * percent-encoded, so an entry name is one word of a result line. */
static void ink_append_encoded(char *out, size_t out_nbytes, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t length = strlen(out);
    for (const unsigned char *c = (const unsigned char *)text; *c != 0u; c++) {
        bool plain = *c > 0x20u && *c != '%' && *c != '"' && *c != 0x7Fu;
        if (length + (plain ? 1u : 3u) + 1u > out_nbytes) {
            break;
        }
        if (plain) {
            out[length++] = (char)*c;
        } else {
            out[length++] = '%';
            out[length++] = hex[*c >> 4];
            out[length++] = hex[*c & 15u];
        }
    }
    out[length] = '\0';
}

/* "DIR/NNN-name.bmp": NNN the manifest index (unique, so no collisions to resolve; the SD card
 * stand-in cannot make folders, so the archive's folders are not mirrored), `name` the entry's
 * file name without its extension, cut to 40 bytes, bytes other than [A-Za-z0-9._-] as '_'. */
static ink_error ink_book_output_name(const char *dir, uint32_t index, const char *path,
                                      char out[INK_BOARD_PATH_BYTES], ink_error_info *info)
{
    const char *name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(name, '.');
    size_t name_nbytes = dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name);
    name_nbytes = name_nbytes < 40u ? name_nbytes : 40u;
    int n = snprintf(out, INK_BOARD_PATH_BYTES, "%s/%03lu-%.*s.bmp", dir, (unsigned long)index,
                     (int)name_nbytes, name);
    if (n < 0 || (size_t)n >= INK_BOARD_PATH_BYTES) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "output folder too long: %s", dir);
    }
    char *c = out + strlen(dir) + 1u;
    for (; *c != '\0'; c++) {
        bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-';
        *c = keep ? *c : '_';
    }
    return INK_OK;
}

/* Converts the entry `path` to `out`; prints its "result book-image" line. */
static ink_error ink_book_image(ink_board_context *context, const char *path, const char *out,
                                const ink_convert_options *options, const char *role,
                                uint32_t *stack_max)
{
    ink_error_info info;
    ink_error_clear(&info);
    ink_job_result result = {.op = "book-image", .in = path, .out = out};
    ink_board_stack_paint();
    uint64_t start = ink_board_instret();
    ink_source source;
    ink_error error = ink_board_entry_open(&ink_book, path, context->arena, &ink_book_entry,
                                           &source, &info);
    const ink_decoder *decoder = NULL;
    if (error == INK_OK) {
        decoder = ink_board_sniff(ink_book_entry.head, ink_book_entry.head_nbytes, &info);
        error = decoder != NULL ? INK_OK : INK_ERR_UNSUPPORTED;
    }
    if (error == INK_OK) {
        error = ink_board_convert_to(context, decoder, &source, out, options, &result, &info);
    }
    if (error == INK_OK) {
        error = ink_board_entry_finish(&ink_book_entry, &info);
        if (error != INK_OK) {
            (void)ink_board_remove(INK_BOARD_SD, out, NULL);
        }
    }
    ink_board_entry_close(&ink_book_entry);
    result.instret = ink_board_instret() - start;
    result.stack_nbytes = ink_board_stack_high_water();
    *stack_max = result.stack_nbytes > *stack_max ? result.stack_nbytes : *stack_max;
    int n = snprintf(result.extra, sizeof result.extra,
                     " role=%s entry_method=%s entry_bytes=%llu inflate_instret=%llu entry=", role,
                     ink_book_entry.deflated ? "deflated" : "stored",
                     (unsigned long long)ink_book_entry.entry.uncompressed_nbytes,
                     (unsigned long long)ink_book_entry.inflate_instret);
    if (n > 0) {
        ink_append_encoded(result.extra, sizeof result.extra, path);
    }
    result.in = "-"; /* the entry is the last field: its name may be long */
    ink_board_job_print(&result, error, &info);
    return error;
}

ink_error ink_board_job_book(ink_board_context *context, char **words, uint32_t word_count,
                             ink_job_result *result, ink_error_info *info)
{
    const char *dir = words[2];
    ink_convert_options options;
    ink_error error = ink_board_job_options(context, words, word_count, &options, info);
    if (error != INK_OK) {
        return error;
    }
    /* The cover fills the screen, as `inkpipe epub`'s default --cover-fit cover. */
    ink_convert_options cover_options = options;
    cover_options.box_width = INK_DISPLAY_WIDTH;
    cover_options.box_height = INK_DISPLAY_HEIGHT;
    cover_options.fit = INK_FIT_COVER;
    cover_options.upscale = true;

    error = ink_board_book_open(&ink_book, words[1], context->arena, info);
    if (error != INK_OK) {
        return error;
    }
    uint32_t stack_max = ink_board_stack_high_water();
    uint32_t converted = 0;
    uint32_t skipped = 0;
    uint32_t failed = 0;
    for (;;) {
        ink_epub_item item;
        bool end = false;
        error = ink_board_book_next(&ink_book, &item, &end, info);
        if (error != INK_OK || end) {
            break;
        }
        ink_epub_media media = ink_epub_media_of(item.media_type);
        if (!ink_epub_media_is_image(media)) {
            continue;
        }
        char out[INK_BOARD_PATH_BYTES];
        if (!ink_epub_media_is_raster(media) || item.path_status != INK_EPUB_HREF_OK ||
            ink_book_output_name(dir, item.index, item.path, out, NULL) != INK_OK) {
            skipped++; /* GIF, WebP, SVG; hrefs that leave the archive */
            continue;
        }
        if (ink_book_image(context, item.path, out, &options, "image", &stack_max) == INK_OK) {
            converted++;
        } else {
            failed++;
        }
    }
    bool cover_ok = false;
    if (error == INK_OK && ink_book.cover_via != INK_EPUB_COVER_NONE) {
        char out[INK_BOARD_PATH_BYTES];
        int n = snprintf(out, sizeof out, "%s/cover.bmp", dir);
        cover_ok = n > 0 && (size_t)n < sizeof out &&
                   ink_book_image(context, ink_book.cover_path, out, &cover_options, "cover",
                                  &stack_max) == INK_OK;
        failed += cover_ok ? 0u : 1u;
    }
    int n = snprintf(result->extra, sizeof result->extra,
                     " items=%lu images=%lu converted=%lu skipped=%lu failed=%lu cover_via=%s "
                     "cover=",
                     (unsigned long)ink_book.item_count, (unsigned long)ink_book.image_count,
                     (unsigned long)converted, (unsigned long)skipped, (unsigned long)failed,
                     ink_epub_cover_via_name(ink_book.cover_via));
    if (n > 0) {
        ink_append_encoded(result->extra, sizeof result->extra,
                           ink_book.cover_via != INK_EPUB_COVER_NONE ? ink_book.cover_path : "-");
    }
    result->stack_nbytes = stack_max;
    ink_board_book_close(&ink_book);
    if (error == INK_OK && failed > 0u) {
        error = ink_error_set(info, INK_ERR_BAD_DATA, "%lu of the book's images failed",
                              (unsigned long)failed);
    }
    return error;
}

static bool ink_is_epub(const char *path)
{
    size_t n = strlen(path);
    return n >= 5u && (strcmp(path + n - 5u, ".epub") == 0 || strcmp(path + n - 5u, ".EPUB") == 0);
}

ink_error ink_board_convert_cover(ink_board_context *context, const char *path,
                                  const ink_sink *sink, const ink_convert_options *options,
                                  ink_convert_result *converted, char *cover_path,
                                  size_t cover_path_nbytes, ink_error_info *info)
{
    ink_board_file file;
    ink_source source;
    ink_error error;
    bool book = ink_is_epub(path);
    const char *shown = path;
    if (book) {
        error = ink_board_book_open(&ink_book, path, context->arena, info);
        if (error == INK_OK && ink_book.cover_via == INK_EPUB_COVER_NONE) {
            ink_board_book_close(&ink_book);
            return ink_error_set(info, INK_ERR_UNSUPPORTED, "%s has no usable cover", path);
        }
        if (error == INK_OK) {
            shown = ink_book.cover_path;
            error = ink_board_entry_open(&ink_book, ink_book.cover_path, context->arena,
                                         &ink_book_entry, &source, info);
        }
    } else {
        error = ink_board_open_read(INK_BOARD_SD, path, &file, &source, info);
        ink_book_entry.head_nbytes = 0;
        if (error == INK_OK) {
            error = source.read(source.user, ink_book_entry.head, sizeof ink_book_entry.head,
                                &ink_book_entry.head_nbytes);
        }
        if (error == INK_OK) {
            error = source.seek(source.user, 0);
        }
    }
    const ink_decoder *decoder = NULL;
    if (error == INK_OK) {
        decoder = ink_board_sniff(ink_book_entry.head, ink_book_entry.head_nbytes, info);
        error = decoder != NULL ? INK_OK : INK_ERR_UNSUPPORTED;
    }
    if (error == INK_OK) {
        error = ink_convert_image(decoder, &source, sink, context->arena, options, converted,
                                  info);
    }
    (void)ink_format(cover_path, cover_path_nbytes, "%s", shown);
    if (book) {
        if (error == INK_OK) {
            error = ink_board_entry_finish(&ink_book_entry, info);
        }
        ink_board_entry_close(&ink_book_entry);
        ink_board_book_close(&ink_book);
    } else {
        ink_board_close(&file);
    }
    return error;
}

/* ---- inflate: instructions per output byte ---- */

typedef struct ink_inflate_count {
    uint64_t instret; /* in ink_inflate_run only */
    uint64_t out_nbytes;
} ink_inflate_count;

/* Inflates one deflated entry into `out` (overwritten, discarded), counting only
 * ink_inflate_run's instructions. */
static ink_error ink_inflate_entry(const ink_zip *zip, ink_claim *claims,
                                   ink_inflate_count *count, ink_error_info *info)
{
    ink_zip_reader *reader = &ink_book_entry.reader;
    uint32_t half = claims[2].nbytes / 2u;
    uint8_t *in = claims[2].bytes;
    uint8_t *out = claims[2].bytes + half;
    ink_zip_reader_memory memory = {claims[1].bytes, claims[1].nbytes, claims[0].bytes, in, half};
    /* The reader checks the local header and finds the data; its inflate is not used. */
    ink_error error = ink_zip_reader_open(reader, zip, &ink_book_entry.entry, &memory, info);
    ink_inflate *inflate = NULL;
    if (error == INK_OK) {
        error = ink_inflate_init(&inflate, claims[1].bytes, claims[1].nbytes, claims[0].bytes,
                                 INK_INFLATE_RAW);
    }
    uint64_t position = reader->archive_position;
    uint64_t left = reader->compressed_left;
    ink_inflate_io io = {NULL, 0, NULL, 0};
    while (error == INK_OK && !ink_inflate_finished(inflate)) {
        if (io.in_nbytes == 0u) {
            if (left == 0u) {
                return ink_error_set(info, INK_ERR_BAD_DATA, "deflate stream truncated");
            }
            size_t want = left < half ? (size_t)left : half;
            error = zip->source.seek(zip->source.user, position);
            if (error == INK_OK) {
                error = ink_source_read_exact(&zip->source, in, want);
            }
            position += want;
            left -= want;
            io.in = in;
            io.in_nbytes = want;
        }
        io.out = out;
        io.out_nbytes = half;
        uint64_t start = ink_board_instret();
        if (error == INK_OK) {
            error = ink_inflate_run(inflate, &io, info);
        }
        count->instret += ink_board_instret() - start;
    }
    if (error == INK_OK && ink_inflate_total_out(inflate) != ink_book_entry.entry.uncompressed_nbytes) {
        error = ink_error_set(info, INK_ERR_BAD_DATA, "inflated %llu bytes, declared %llu",
                              (unsigned long long)ink_inflate_total_out(inflate),
                              (unsigned long long)ink_book_entry.entry.uncompressed_nbytes);
    }
    if (error == INK_OK) {
        count->out_nbytes = ink_inflate_total_out(inflate);
    }
    return error;
}

ink_error ink_board_job_inflate(ink_board_context *context, const char *path,
                                ink_job_result *result, ink_error_info *info)
{
    ink_board_file file;
    ink_source source;
    ink_zip zip;
    ink_error error = ink_board_open_read(INK_BOARD_SD, path, &file, &source, info);
    if (error != INK_OK) {
        return error;
    }
    error = ink_zip_open(&zip, &source, file.length, NULL, info);
    ink_claim claims[3];
    memset(claims, 0, sizeof claims);
    if (error == INK_OK) {
        error = ink_arena_claim_region(context->arena, INK_REGION_PRIMARY, "inflate window",
                                       &claims[0], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_range(context->arena, INK_REGION_SCRATCH, 0,
                                      (uint32_t)INK_INFLATE_STATE_BYTES, "inflate state",
                                      &claims[1], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_region(context->arena, INK_REGION_DITHER,
                                       "inflate input and output", &claims[2], info);
    }
    ink_inflate_count total = {0, 0};
    uint32_t entries = 0;
    uint64_t cursor = 0;
    for (uint32_t i = 0; error == INK_OK && i < zip.entry_count; i++) {
        error = ink_zip_entry_at(&zip, i, &cursor, &ink_book_entry.entry, info);
        if (error != INK_OK || ink_book_entry.entry.method != 8u ||
            ink_book_entry.entry.encrypted) {
            continue;
        }
        ink_inflate_count count = {0, 0};
        ink_error_info entry_info;
        ink_error_clear(&entry_info);
        ink_error entry_error = ink_inflate_entry(&zip, claims, &count, &entry_info);
        ink_job_result line = {.op = "inflate-entry", .in = "-", .out = "-",
                               .instret = count.instret};
        (void)snprintf(line.extra, sizeof line.extra, " bytes=%llu compressed=%llu entry=",
                       (unsigned long long)count.out_nbytes,
                       (unsigned long long)ink_book_entry.entry.compressed_nbytes);
        ink_append_encoded(line.extra, sizeof line.extra, ink_book_entry.entry.name);
        ink_board_job_print(&line, entry_error, &entry_info);
        if (entry_error == INK_OK) {
            entries++;
            total.instret += count.instret;
            total.out_nbytes += count.out_nbytes;
        } else {
            error = ink_error_set(info, entry_error, "entry %s: %s", ink_book_entry.entry.name,
                                  entry_info.detail);
        }
    }
    for (uint32_t i = 0; i < 3u; i++) {
        if (claims[i].bytes != NULL) {
            (void)ink_arena_release(context->arena, &claims[i]);
        }
    }
    ink_board_close(&file);
    uint64_t per_byte_x100 = total.out_nbytes != 0u ? total.instret * 100u / total.out_nbytes : 0u;
    (void)snprintf(result->extra, sizeof result->extra,
                   " entries=%lu bytes=%llu inflate_instret=%llu per_byte=%llu.%02llu",
                   (unsigned long)entries, (unsigned long long)total.out_nbytes,
                   (unsigned long long)total.instret, (unsigned long long)(per_byte_x100 / 100u),
                   (unsigned long long)(per_byte_x100 % 100u));
    return error;
}
