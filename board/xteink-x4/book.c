/*
 * book.c — EPUB books on the board: the manifest and the cover (decode/epub.h) read with the
 * in-arena inflate, and image entries opened the design's way (firmware.h has the memory plan).
 *
 * The manifest file (INK_BOOK_MANIFEST_FILE on the SD card) holds one record per item, in
 * manifest order:
 *   byte 0      the href's ink_epub_href_status
 *   byte 1      0
 *   bytes 2-9   the byte lengths of id, href, media type and path (16-bit little-endian)
 *   then        the four strings, each followed by a NUL
 * Strings are cut to the record buffer's fields (id 127, href 511, media type 95, path 511
 * bytes: the epub layer's own limits, so a cut never changes what the cover search compares).
 * The cover search reads records by index (their offsets in IMAGE2); the image walk reads them
 * in order.
 */
#include <string.h>

#include "board_cpu.h"
#include "firmware.h"

#define INK_BOOK_XML_BUFFER_BYTES 16384u /* as the host's inkpipe epub: the longest tag fits */
#define INK_BOOK_ZIP_INPUT_BYTES 4096u
#define INK_BOOK_RECORD_HEAD_BYTES 10u

static const uint16_t ink_record_caps[4] = {INK_EPUB_ID_BYTES - 1u, INK_EPUB_PATH_BYTES - 1u,
                                            INK_EPUB_MEDIA_TYPE_BYTES - 1u,
                                            INK_EPUB_PATH_BYTES - 1u};
_Static_assert(INK_BOOK_RECORD_HEAD_BYTES + INK_EPUB_ID_BYTES + 2u * INK_EPUB_PATH_BYTES +
                       INK_EPUB_MEDIA_TYPE_BYTES <=
                   INK_BOOK_RECORD_BYTES,
               "a manifest record fits its buffer");

/* What the index phase keeps in DITHER's upper half. */
typedef struct ink_book_index {
    ink_xml xml;
    ink_epub_package package;
    ink_epub_cover cover;
    ink_zip_reader reader; /* the entry open_entry() opened */
    ink_zip_entry entry;
    char opf_path[INK_EPUB_PATH_BYTES];
    char record[INK_BOOK_RECORD_BYTES];  /* item_at's strings */
    ink_board_file manifest;             /* written while the OPF is parsed, then read */
    ink_sink manifest_sink;
    ink_source manifest_source;
    uint32_t manifest_nbytes;
    uint32_t *offsets;                   /* IMAGE2 */
    ink_board_book *book;
    ink_zip_reader_memory zip_memory;
} ink_book_index;

_Static_assert(sizeof(ink_book_index) <= INK_REGION_DITHER_BYTES - INK_BOOK_XML_BUFFER_BYTES,
               "the index phase's state fits in DITHER beside the XML buffer");
_Static_assert(INK_BOOK_MAX_ITEMS * 4u <= INK_REGION_IMAGE2_BYTES, "the offsets fit IMAGE2");

static void ink_put_le16(uint8_t *p, size_t value)
{
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
}

/* ---- the manifest file ---- */

static ink_error ink_book_keep_item(void *user, const ink_epub_item *item, ink_error_info *info)
{
    ink_book_index *index = user;
    if (index->book->item_count == INK_BOOK_MAX_ITEMS) {
        return ink_error_set(info, INK_ERR_TOO_LARGE, "more than %u manifest items",
                             (unsigned)INK_BOOK_MAX_ITEMS);
    }
    const char *strings[4] = {item->id, item->href, item->media_type, item->path};
    uint8_t *record = (uint8_t *)index->record;
    size_t length = INK_BOOK_RECORD_HEAD_BYTES;
    record[0] = (uint8_t)item->path_status;
    record[1] = 0;
    for (uint32_t i = 0; i < 4u; i++) {
        size_t n = strlen(strings[i]);
        n = n < ink_record_caps[i] ? n : ink_record_caps[i];
        ink_put_le16(record + 2u + 2u * i, n);
        memcpy(record + length, strings[i], n);
        record[length + n] = 0;
        length += n + 1u;
    }
    index->offsets[index->book->item_count++] = index->manifest_nbytes;
    index->manifest_nbytes += (uint32_t)length;
    if (ink_epub_media_is_image(ink_epub_media_of(item->media_type))) {
        index->book->image_count++;
    }
    ink_error error = index->manifest_sink.write(index->manifest_sink.user, record, length);
    return error != INK_OK ? ink_error_set(info, error, "writing the manifest file") : INK_OK;
}

/* Reads the record at `offset` of the open manifest into `record` and points `item` at it. */
static ink_error ink_book_read_record(const ink_source *source, uint32_t offset, char *record,
                                      uint32_t index, ink_epub_item *item, ink_error_info *info)
{
    uint8_t *bytes = (uint8_t *)record;
    ink_error error = source->seek(source->user, offset);
    if (error == INK_OK) {
        error = ink_source_read_exact(source, bytes, INK_BOOK_RECORD_HEAD_BYTES);
    }
    size_t length = 0;
    for (uint32_t i = 0; error == INK_OK && i < 4u; i++) {
        size_t n = (size_t)bytes[2u + 2u * i] | (size_t)bytes[3u + 2u * i] << 8;
        if (n > ink_record_caps[i]) {
            return ink_error_set(info, INK_ERR_INTERNAL, "manifest record %u damaged", index);
        }
        length += n + 1u;
    }
    if (error == INK_OK) {
        error = ink_source_read_exact(source, bytes + INK_BOOK_RECORD_HEAD_BYTES, length);
    }
    if (error != INK_OK) {
        return ink_error_set(info, error, "reading manifest record %u", index);
    }
    const char *strings[4];
    const char *cursor = record + INK_BOOK_RECORD_HEAD_BYTES;
    for (uint32_t i = 0; i < 4u; i++) {
        strings[i] = cursor;
        cursor += strlen(cursor) + 1u;
    }
    *item = (ink_epub_item){index,      strings[0], strings[1], strings[2], "",
                            strings[3], (ink_epub_href_status)bytes[0]};
    return INK_OK;
}

/* ---- ink_epub_book callbacks ---- */

static ink_error ink_book_item_at(void *user, uint32_t index, ink_epub_item *item,
                                  ink_error_info *info)
{
    ink_book_index *state = user;
    if (index >= state->book->item_count) {
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "item %u of %u", index,
                             state->book->item_count);
    }
    return ink_book_read_record(&state->manifest_source, state->offsets[index], state->record,
                                index, item, info);
}

static ink_error ink_book_open_entry(void *user, const char *path, ink_source *source,
                                     bool *found, ink_error_info *info)
{
    ink_book_index *state = user;
    ink_error error = ink_zip_find(&state->book->zip, path, strlen(path), &state->entry, found,
                                   info);
    if (error != INK_OK || !*found) {
        return error;
    }
    error = ink_zip_reader_open(&state->reader, &state->book->zip, &state->entry,
                                &state->zip_memory, info);
    if (error == INK_OK) {
        *source = ink_zip_reader_source(&state->reader);
    }
    return error;
}

static void ink_book_close_entry(void *user)
{
    (void)user; /* a zip reader holds nothing */
}

static ink_error ink_book_open_required(ink_book_index *state, const char *path,
                                        ink_source *source, ink_error_info *info)
{
    bool found = false;
    ink_error error = ink_book_open_entry(state, path, source, &found, info);
    if (error == INK_OK && !found) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "not an EPUB: %s is missing", path);
    }
    return error;
}

/* ---- the book ---- */

/* container.xml, the OPF (to the manifest file) and the cover search, with `claims` held. */
static ink_error ink_book_index_run(ink_board_book *book, ink_claim *claims,
                                    ink_error_info *info)
{
    ink_book_index *state = (ink_book_index *)(void *)(claims[3].bytes + INK_BOOK_XML_BUFFER_BYTES);
    memset(state, 0, sizeof *state);
    state->book = book;
    state->offsets = (uint32_t *)(void *)claims[4].bytes;
    state->zip_memory = (ink_zip_reader_memory){claims[1].bytes, claims[1].nbytes,
                                                claims[0].bytes, claims[2].bytes,
                                                claims[2].nbytes};
    ink_epub_reader_memory memory = {&state->xml, claims[3].bytes, INK_BOOK_XML_BUFFER_BYTES};
    ink_source source;
    ink_error error = ink_book_open_required(state, "META-INF/container.xml", &source, info);
    if (error == INK_OK) {
        error = ink_epub_read_container(&source, &memory, state->opf_path,
                                        sizeof state->opf_path, info);
    }
    if (error == INK_OK) {
        error = ink_book_open_required(state, state->opf_path, &source, info);
    }
    if (error != INK_OK) {
        return error;
    }
    error = ink_board_open_write(INK_BOARD_SD, INK_BOOK_MANIFEST_FILE, &state->manifest,
                                 &state->manifest_sink, info);
    if (error != INK_OK) {
        return error;
    }
    error = ink_epub_parse_package(&source, state->opf_path, &memory, &state->package,
                                   ink_book_keep_item, state, info);
    ink_board_close(&state->manifest);
    if (error == INK_OK) {
        error = ink_board_open_read(INK_BOARD_SD, INK_BOOK_MANIFEST_FILE, &state->manifest,
                                    &state->manifest_source, info);
    }
    if (error != INK_OK) {
        return error;
    }
    ink_epub_book access = {book->item_count, ink_book_item_at, ink_book_open_entry,
                            ink_book_close_entry, state};
    error = ink_epub_find_cover(&state->package, &access, &memory, &state->cover, info);
    ink_board_close(&state->manifest);
    if (error == INK_OK) {
        book->cover_via = state->cover.via;
        memcpy(book->cover_path, state->cover.image_path, sizeof book->cover_path);
    }
    return error;
}

ink_error ink_board_book_open(ink_board_book *book, const char *path, ink_arena *arena,
                              ink_error_info *info)
{
    memset(book, 0, sizeof *book);
    ink_error error = ink_board_open_read(INK_BOARD_SD, path, &book->file, &book->source, info);
    if (error != INK_OK) {
        return error;
    }
    error = ink_zip_open(&book->zip, &book->source, book->file.length, NULL, info);
    ink_claim claims[5];
    memset(claims, 0, sizeof claims);
    if (error == INK_OK) {
        error = ink_arena_claim_region(arena, INK_REGION_PRIMARY, "book inflate window",
                                       &claims[0], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_range(arena, INK_REGION_SCRATCH, 0,
                                      (uint32_t)INK_INFLATE_STATE_BYTES, "book inflate state",
                                      &claims[1], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_range(arena, INK_REGION_ROW, 0, INK_BOOK_ZIP_INPUT_BYTES,
                                      "book zip input", &claims[2], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_region(arena, INK_REGION_DITHER, "book xml buffer and state",
                                       &claims[3], info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_region(arena, INK_REGION_IMAGE2, "book manifest offsets",
                                       &claims[4], info);
    }
    if (error == INK_OK) {
        error = ink_book_index_run(book, claims, info);
    }
    for (uint32_t i = 0; i < 5u; i++) {
        if (claims[i].bytes != NULL) {
            (void)ink_arena_release(arena, &claims[i]);
        }
    }
    if (error != INK_OK) {
        ink_board_book_close(book);
    }
    return error;
}

ink_error ink_board_book_next(ink_board_book *book, ink_epub_item *item, bool *end,
                              ink_error_info *info)
{
    *end = book->next_index >= book->item_count;
    if (*end) {
        return INK_OK;
    }
    ink_board_file file;
    ink_source source;
    ink_error error = ink_board_open_read(INK_BOARD_SD, INK_BOOK_MANIFEST_FILE, &file, &source,
                                          info);
    if (error == INK_OK) {
        error = ink_book_read_record(&source, book->next_offset, book->record, book->next_index,
                                     item, info);
    }
    ink_board_close(&file);
    if (error == INK_OK) {
        book->next_index++;
        book->next_offset = file.position; /* just past the record */
    }
    return error;
}

void ink_board_book_close(ink_board_book *book)
{
    ink_board_close(&book->file);
    (void)ink_board_remove(INK_BOARD_SD, INK_BOOK_MANIFEST_FILE, NULL);
}

/* ---- image entries ---- */

/* Inflates the entry to the temporary file; the arena's claims are released before return. */
static ink_error ink_entry_inflate(ink_board_book *book, ink_arena *arena, ink_board_entry *entry,
                                   ink_error_info *info)
{
    ink_claim window = {0};
    ink_claim state = {0};
    ink_claim buffers = {0};
    ink_board_file out;
    ink_sink sink;
    ink_error error = ink_arena_claim_region(arena, INK_REGION_PRIMARY, "zip inflate window",
                                             &window, info);
    if (error == INK_OK) {
        error = ink_arena_claim_range(arena, INK_REGION_SCRATCH, 0,
                                      (uint32_t)INK_INFLATE_STATE_BYTES, "zip inflate state",
                                      &state, info);
    }
    if (error == INK_OK) {
        error = ink_arena_claim_region(arena, INK_REGION_DITHER, "zip input and output",
                                       &buffers, info);
    }
    if (error == INK_OK) {
        error = ink_board_open_write(INK_BOARD_SD, INK_BOOK_INFLATE_FILE, &out, &sink, info);
    }
    if (error == INK_OK) {
        /* DITHER's first half takes compressed input, the second inflated output. */
        uint32_t half = buffers.nbytes / 2u;
        ink_zip_reader_memory memory = {state.bytes, state.nbytes, window.bytes, buffers.bytes,
                                        half};
        error = ink_zip_reader_open(&entry->reader, &book->zip, &entry->entry, &memory, info);
        while (error == INK_OK) {
            size_t got = 0;
            error = ink_zip_reader_read(&entry->reader, buffers.bytes + half, half, &got, info);
            if (error != INK_OK || got == 0u) {
                break;
            }
            error = sink.write(sink.user, buffers.bytes + half, got);
            if (error != INK_OK) {
                (void)ink_error_set(info, error, "writing %s", INK_BOOK_INFLATE_FILE);
            }
        }
        ink_board_close(&out);
    }
    ink_claim *claims[3] = {&window, &state, &buffers};
    for (uint32_t i = 0; i < 3u; i++) {
        if (claims[i]->bytes != NULL) {
            (void)ink_arena_release(arena, claims[i]);
        }
    }
    return error;
}

ink_error ink_board_entry_open(ink_board_book *book, const char *path, ink_arena *arena,
                               ink_board_entry *entry, ink_source *source, ink_error_info *info)
{
    entry->temporary.handle = -1;
    entry->deflated = false;
    entry->inflate_instret = 0;
    entry->head_nbytes = 0;
    bool found = false;
    ink_error error = ink_zip_find(&book->zip, path, strlen(path), &entry->entry, &found, info);
    if (error == INK_OK && !found) {
        error = ink_error_set(info, INK_ERR_BAD_DATA, "%s is not in the archive", path);
    }
    if (error != INK_OK) {
        return error;
    }
    if (entry->entry.method == 0u) {
        /* Stored: decoded in place, straight from the archive's bytes. */
        ink_zip_reader_memory memory = {NULL, 0, NULL, entry->input, sizeof entry->input};
        error = ink_zip_reader_open(&entry->reader, &book->zip, &entry->entry, &memory, info);
        if (error == INK_OK) {
            error = ink_zip_reader_read(&entry->reader, entry->head, sizeof entry->head,
                                        &entry->head_nbytes, info);
        }
        if (error == INK_OK) { /* again from the start: the reader cannot seek */
            error = ink_zip_reader_open(&entry->reader, &book->zip, &entry->entry, &memory, info);
        }
        if (error == INK_OK) {
            *source = ink_zip_reader_source(&entry->reader);
        }
        return error;
    }
    entry->deflated = true;
    uint64_t start = ink_board_instret();
    error = ink_entry_inflate(book, arena, entry, info);
    entry->inflate_instret = ink_board_instret() - start;
    if (error == INK_OK) {
        error = ink_board_open_read(INK_BOARD_SD, INK_BOOK_INFLATE_FILE, &entry->temporary,
                                    source, info);
    }
    if (error == INK_OK) {
        error = source->read(source->user, entry->head, sizeof entry->head, &entry->head_nbytes);
    }
    if (error == INK_OK) {
        error = source->seek(source->user, 0);
    }
    return error == INK_OK ? INK_OK : ink_error_set(info, error, "reading the inflated entry");
}

ink_error ink_board_entry_finish(ink_board_entry *entry, ink_error_info *info)
{
    if (entry->deflated) {
        return INK_OK; /* inflated to its end (size and CRC checked) before decoding */
    }
    uint8_t rest[64];
    size_t got = 1;
    ink_error error = INK_OK;
    while (error == INK_OK && got != 0u) {
        error = ink_zip_reader_read(&entry->reader, rest, sizeof rest, &got, info);
    }
    return error;
}

void ink_board_entry_close(ink_board_entry *entry)
{
    if (entry->temporary.handle >= 0) {
        ink_board_close(&entry->temporary);
    }
    if (entry->deflated) {
        (void)ink_board_remove(INK_BOARD_SD, INK_BOOK_INFLATE_FILE, NULL);
    }
}
