/*
 * zip.c — the zip reader of zip.h: end record, central directory, local headers, entry readers.
 *
 * Record layouts are those of PKWARE's APPNOTE (sections 4.3.7 local file header, 4.3.12
 * central directory header, 4.3.16 end of central directory record); offsets below are from
 * the start of each record. Everything the archive says is checked before it is used as an
 * offset or a size; all arithmetic is in uint64_t on values that are at most 32 bits wide, so
 * sums cannot overflow.
 */
#include "decode/zip.h"

#include <string.h>

#include "decode/crc32.h"

#define LOCAL_SIGNATURE 0x04034B50u
#define CENTRAL_SIGNATURE 0x02014B50u
#define END_SIGNATURE 0x06054B50u
#define ZIP64_LOCATOR_SIGNATURE 0x07064B50u
#define LOCAL_HEADER_BYTES 30u
#define CENTRAL_HEADER_BYTES 46u
#define END_RECORD_BYTES 22u
#define MAX_COMMENT_BYTES 65535u
#define FLAG_ENCRYPTED 0x0001u

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* Reads exactly `nbytes` at `offset`; the caller has checked the range lies in the archive. */
static ink_error read_at(const ink_zip *zip, uint64_t offset, uint8_t *dst, size_t nbytes,
                         ink_error_info *info)
{
    ink_error error = zip->source.seek(zip->source.user, offset);
    if (error == INK_OK)
        error = ink_source_read_exact(&zip->source, dst, nbytes);
    if (error == INK_ERR_BAD_DATA)
        return ink_error_set(info, error, "zip: archive ends early (reading %zu bytes at %llu)",
                             nbytes, (unsigned long long)offset);
    if (error != INK_OK)
        return ink_error_set(info, error, "zip: cannot read the archive at byte %llu",
                             (unsigned long long)offset);
    return INK_OK;
}

/* Finds the end record: the last signature in the final 65,557 bytes whose comment runs exactly
 * to the end of the archive. Scans backwards a chunk at a time with a small stack buffer. */
static ink_error find_end_record(const ink_zip *zip, uint64_t *end_offset, ink_error_info *info)
{
    uint8_t chunk[512];
    uint64_t size = zip->archive_nbytes;
    uint64_t lowest = size > END_RECORD_BYTES + MAX_COMMENT_BYTES
                          ? size - END_RECORD_BYTES - MAX_COMMENT_BYTES
                          : 0;
    uint64_t candidate = size - END_RECORD_BYTES; /* highest possible start */
    for (;;) {
        /* Chunk covers candidates [low, candidate], i.e. bytes [low, candidate + 4). */
        uint64_t low = candidate - lowest > sizeof chunk - 4 ? candidate - (sizeof chunk - 4)
                                                             : lowest;
        size_t nbytes = (size_t)(candidate + 4 - low);
        ink_error error = read_at(zip, low, chunk, nbytes, info);
        if (error != INK_OK)
            return error;
        for (size_t i = nbytes - 4 + 1; i-- > 0;) {
            if (le32(chunk + i) != END_SIGNATURE)
                continue;
            uint8_t record[END_RECORD_BYTES];
            error = read_at(zip, low + i, record, sizeof record, info);
            if (error != INK_OK)
                return error;
            if (low + i + END_RECORD_BYTES + le16(record + 20) == size) {
                *end_offset = low + i;
                return INK_OK;
            }
        }
        if (low == lowest)
            break;
        candidate = low - 1;
    }
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "zip: no end-of-central-directory record (not a zip archive?)");
}

/* Parses the central record at absolute `offset` (which lies inside the directory). Fills
 * `entry` (may be NULL: lengths and checks only) and the record's size. `lowest_local` is the
 * first byte its local header may start at (ordering and overlap check). */
static ink_error parse_central_record(const ink_zip *zip, uint64_t offset, uint32_t index,
                                      ink_zip_entry *entry, uint64_t *record_nbytes,
                                      uint64_t *local_offset, uint64_t *data_end,
                                      ink_error_info *info)
{
    uint64_t directory_end = zip->directory_offset + zip->directory_nbytes;
    uint8_t h[CENTRAL_HEADER_BYTES];
    if (offset + CENTRAL_HEADER_BYTES > directory_end)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: central directory ends inside record %u", index);
    ink_error error = read_at(zip, offset, h, sizeof h, info);
    if (error != INK_OK)
        return error;
    if (le32(h) != CENTRAL_SIGNATURE)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: central directory record %u has a bad signature", index);
    uint32_t name_nbytes = le16(h + 28), extra_nbytes = le16(h + 30), comment_nbytes = le16(h + 32);
    uint64_t total = (uint64_t)CENTRAL_HEADER_BYTES + name_nbytes + extra_nbytes + comment_nbytes;
    if (offset + total > directory_end)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: central directory record %u runs past the directory", index);
    uint32_t compressed = le32(h + 20), uncompressed = le32(h + 24), local = le32(h + 42);
    if (compressed == 0xFFFFFFFFu || uncompressed == 0xFFFFFFFFu || local == 0xFFFFFFFFu)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "zip: entry %u is a Zip64 entry", index);
    if (le16(h + 34) != 0)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "zip: entry %u starts on another disk (multi-disk archive)", index);
    uint64_t end = (uint64_t)local + LOCAL_HEADER_BYTES + name_nbytes + compressed;
    if (end > zip->directory_offset)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: entry %u (local header at %u, %u bytes) lies outside the "
                             "archive's data",
                             index, local, compressed);
    *record_nbytes = total;
    *local_offset = local;
    *data_end = end;
    if (!entry)
        return INK_OK;

    memset(entry, 0, sizeof *entry);
    entry->name_nbytes = name_nbytes;
    entry->name_truncated = name_nbytes > INK_ZIP_NAME_BYTES - 1;
    size_t kept = entry->name_truncated ? INK_ZIP_NAME_BYTES - 1 : name_nbytes;
    error = read_at(zip, offset + CENTRAL_HEADER_BYTES, (uint8_t *)entry->name, kept, info);
    if (error != INK_OK)
        return error;
    entry->name[kept] = '\0';
    entry->is_directory = name_nbytes > 0 && !entry->name_truncated &&
                          entry->name[name_nbytes - 1] == '/';
    entry->flags = (uint16_t)le16(h + 8);
    entry->encrypted = (entry->flags & FLAG_ENCRYPTED) != 0;
    entry->method = (uint16_t)le16(h + 10);
    entry->crc32 = le32(h + 16);
    entry->compressed_nbytes = compressed;
    entry->uncompressed_nbytes = uncompressed;
    entry->local_header_offset = local;
    entry->index = index;
    /* The next entry's local header (checked to be in order at open), or the directory. */
    entry->next_offset = zip->directory_offset;
    if (index + 1 < zip->entry_count) {
        uint8_t next[4];
        if (offset + total + CENTRAL_HEADER_BYTES > directory_end)
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "zip: central directory ends inside record %u", index + 1);
        error = read_at(zip, offset + total + 42, next, sizeof next, info);
        if (error != INK_OK)
            return error;
        entry->next_offset = le32(next);
    }
    return INK_OK;
}

ink_error ink_zip_open(ink_zip *zip, const ink_source *source, uint64_t archive_nbytes,
                       const ink_zip_limits *limits, ink_error_info *info)
{
    if (!zip || !source || !source->read || !source->seek)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "zip: the archive must be a seekable source");
    memset(zip, 0, sizeof *zip);
    zip->source = *source;
    zip->archive_nbytes = archive_nbytes;
    zip->limits = limits ? *limits : INK_ZIP_LIMITS_DEFAULT;
    if (archive_nbytes < END_RECORD_BYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: %llu bytes is too small for a zip archive",
                             (unsigned long long)archive_nbytes);

    uint64_t end_offset = 0;
    ink_error error = find_end_record(zip, &end_offset, info);
    if (error != INK_OK)
        return error;
    uint8_t end[END_RECORD_BYTES];
    error = read_at(zip, end_offset, end, sizeof end, info);
    if (error != INK_OK)
        return error;
    if (end_offset >= 20) {
        uint8_t locator[4];
        error = read_at(zip, end_offset - 20, locator, sizeof locator, info);
        if (error != INK_OK)
            return error;
        if (le32(locator) == ZIP64_LOCATOR_SIGNATURE)
            return ink_error_set(info, INK_ERR_UNSUPPORTED, "zip: Zip64 archive");
    }
    uint32_t disk = le16(end + 4), directory_disk = le16(end + 6);
    uint32_t entries_here = le16(end + 8), entries = le16(end + 10);
    uint32_t directory_nbytes = le32(end + 12), directory_offset = le32(end + 16);
    /* 0xFFFF entries is a legal count on its own; with Zip64 the locator above is present. */
    if (directory_nbytes == 0xFFFFFFFFu || directory_offset == 0xFFFFFFFFu)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "zip: Zip64 archive");
    if (disk != 0 || directory_disk != 0 || entries_here != entries)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "zip: multi-disk archive");
    if ((uint64_t)directory_offset + directory_nbytes > end_offset)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: central directory (%u bytes at %u) overlaps its end record "
                             "at %llu",
                             directory_nbytes, directory_offset, (unsigned long long)end_offset);
    if (entries > zip->limits.max_entries)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "zip: %u entries exceed the limit of %u", entries,
                             zip->limits.max_entries);
    if ((uint64_t)entries * CENTRAL_HEADER_BYTES > directory_nbytes)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: %u entries cannot fit a %u-byte central directory", entries,
                             directory_nbytes);
    zip->directory_offset = directory_offset;
    zip->directory_nbytes = directory_nbytes;
    zip->entry_count = entries;

    /* One pass over every record: each is well-formed and local headers come in file order,
     * each entry's data ending before the next header starts. */
    uint64_t offset = directory_offset, lowest_local = 0;
    for (uint32_t i = 0; i < entries; i++) {
        uint64_t record_nbytes, local, data_end;
        error = parse_central_record(zip, offset, i, NULL, &record_nbytes, &local, &data_end,
                                     info);
        if (error != INK_OK)
            return error;
        if (local < lowest_local)
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "zip: entry %u's local header at %llu overlaps the previous "
                                 "entry or is out of file order",
                                 i, (unsigned long long)local);
        lowest_local = data_end;
        offset += record_nbytes;
    }
    return INK_OK;
}

/* Cursor: the record index in the high bits, its offset from the directory's start low. */
#define CURSOR_INDEX(c) ((uint32_t)((c) >> 32))
#define CURSOR_OFFSET(c) ((c) & 0xFFFFFFFFu)

ink_error ink_zip_entry_at(const ink_zip *zip, uint32_t index, uint64_t *cursor,
                           ink_zip_entry *entry, ink_error_info *info)
{
    if (!zip || !entry || index >= zip->entry_count)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "zip: no entry %u", index);
    uint32_t at = 0;
    uint64_t offset = 0;
    if (cursor && CURSOR_INDEX(*cursor) <= index && CURSOR_OFFSET(*cursor) < zip->directory_nbytes) {
        at = CURSOR_INDEX(*cursor);
        offset = CURSOR_OFFSET(*cursor);
    }
    uint64_t record_nbytes, local, data_end;
    for (; at < index; at++) {
        ink_error error = parse_central_record(zip, zip->directory_offset + offset, at, NULL,
                                               &record_nbytes, &local, &data_end, info);
        if (error != INK_OK)
            return error;
        offset += record_nbytes;
    }
    ink_error error = parse_central_record(zip, zip->directory_offset + offset, index, entry,
                                           &record_nbytes, &local, &data_end, info);
    if (error != INK_OK)
        return error;
    if (cursor)
        *cursor = ((uint64_t)(index + 1) << 32) | (offset + record_nbytes);
    return INK_OK;
}

ink_error ink_zip_find(const ink_zip *zip, const char *name, size_t name_nbytes,
                       ink_zip_entry *entry, bool *found, ink_error_info *info)
{
    if (!zip || !name || !entry || !found)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "zip: find needs a name and entry");
    *found = false;
    if (name_nbytes > INK_ZIP_NAME_BYTES - 1)
        return INK_OK; /* such names are kept truncated: never matched by name */
    uint64_t offset = zip->directory_offset;
    for (uint32_t i = 0; i < zip->entry_count; i++) {
        uint8_t h[CENTRAL_HEADER_BYTES];
        ink_error error = read_at(zip, offset, h, sizeof h, info);
        if (error != INK_OK)
            return error;
        uint64_t record_nbytes = (uint64_t)CENTRAL_HEADER_BYTES + le16(h + 28) + le16(h + 30) +
                                 le16(h + 32);
        if (le16(h + 28) == name_nbytes) {
            uint64_t local, data_end;
            error = parse_central_record(zip, offset, i, entry, &record_nbytes, &local, &data_end,
                                         info);
            if (error != INK_OK)
                return error;
            if (memcmp(entry->name, name, name_nbytes) == 0) {
                *found = true;
                return INK_OK;
            }
        }
        offset += record_nbytes;
    }
    memset(entry, 0, sizeof *entry);
    return INK_OK;
}

/* ---- entry readers ------------------------------------------------------------------------ */

static ink_error reader_fail(ink_zip_reader *reader, ink_error_info *info)
{
    reader->failed = reader->info.code != INK_OK ? reader->info.code : INK_ERR_INTERNAL;
    return ink_error_set(info, reader->failed, "%s", reader->info.detail);
}

ink_error ink_zip_reader_open(ink_zip_reader *reader, const ink_zip *zip,
                              const ink_zip_entry *entry, const ink_zip_reader_memory *memory,
                              ink_error_info *info)
{
    if (!reader || !zip || !entry || !memory || !memory->input || memory->input_nbytes == 0)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "zip: reader needs an entry and an input buffer");
    memset(reader, 0, sizeof *reader);
    reader->zip = zip;
    reader->entry = *entry;
    reader->input = memory->input;
    reader->input_nbytes = memory->input_nbytes;
    if (entry->encrypted)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "zip: %s is encrypted", entry->name);
    if (entry->method != 0 && entry->method != 8)
        return ink_error_set(info, INK_ERR_UNSUPPORTED,
                             "zip: %s uses compression method %u (only stored and deflated are "
                             "supported)",
                             entry->name, (unsigned)entry->method);
    if (entry->uncompressed_nbytes > zip->limits.max_entry_nbytes)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "zip: %s declares %llu bytes, over the limit of %llu", entry->name,
                             (unsigned long long)entry->uncompressed_nbytes,
                             (unsigned long long)zip->limits.max_entry_nbytes);

    uint8_t h[LOCAL_HEADER_BYTES];
    ink_error error = read_at(zip, entry->local_header_offset, h, sizeof h, info);
    if (error != INK_OK)
        return error;
    if (le32(h) != LOCAL_SIGNATURE)
        return ink_error_set(info, INK_ERR_BAD_DATA, "zip: %s: bad local header signature",
                             entry->name);
    if (le16(h + 8) != entry->method || (le16(h + 6) & FLAG_ENCRYPTED) != 0 ||
        le16(h + 26) != entry->name_nbytes)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: %s: local header disagrees with the central directory",
                             entry->name);
    /* The name, compared in pieces against the kept part of the directory's copy. */
    uint64_t name_offset = entry->local_header_offset + LOCAL_HEADER_BYTES;
    size_t kept = entry->name_truncated ? INK_ZIP_NAME_BYTES - 1 : entry->name_nbytes;
    for (size_t done = 0; done < kept;) {
        uint8_t piece[64];
        size_t n = kept - done < sizeof piece ? kept - done : sizeof piece;
        error = read_at(zip, name_offset + done, piece, n, info);
        if (error != INK_OK)
            return error;
        if (memcmp(piece, entry->name + done, n) != 0)
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "zip: %s: local header names another file", entry->name);
        done += n;
    }
    uint64_t data_offset = name_offset + entry->name_nbytes + le16(h + 28);
    if (data_offset + entry->compressed_nbytes > entry->next_offset)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: %s: data (%llu bytes at %llu) overlaps the next entry",
                             entry->name, (unsigned long long)entry->compressed_nbytes,
                             (unsigned long long)data_offset);
    if (entry->method == 0 && entry->compressed_nbytes != entry->uncompressed_nbytes)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "zip: %s: stored entry with different sizes (%llu and %llu)",
                             entry->name, (unsigned long long)entry->compressed_nbytes,
                             (unsigned long long)entry->uncompressed_nbytes);
    if (entry->method == 8) {
        if (!memory->inflate_state || !memory->window)
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                                 "zip: a deflated entry needs inflate memory");
        error = ink_inflate_init(&reader->inflate, memory->inflate_state,
                                 memory->inflate_state_nbytes, memory->window, INK_INFLATE_RAW);
        if (error != INK_OK)
            return ink_error_set(info, error, "zip: inflate memory too small or misaligned");
    }
    reader->archive_position = data_offset;
    reader->compressed_left = entry->compressed_nbytes;
    return INK_OK;
}

/* Fetches more compressed bytes into the (empty) input buffer. */
static ink_error reader_fill(ink_zip_reader *reader)
{
    size_t n = reader->input_nbytes;
    if (n > reader->compressed_left)
        n = (size_t)reader->compressed_left;
    ink_error error = read_at(reader->zip, reader->archive_position, reader->input, n,
                              &reader->info);
    if (error != INK_OK)
        return error;
    reader->archive_position += n;
    reader->compressed_left -= n;
    reader->input_position = 0;
    reader->input_length = n;
    return INK_OK;
}

static ink_error reader_finish(ink_zip_reader *reader)
{
    if (reader->crc != reader->entry.crc32)
        return ink_error_set(&reader->info, INK_ERR_BAD_DATA,
                             "zip: %s: CRC-32 mismatch (computed %x, declared %x)",
                             reader->entry.name, reader->crc, reader->entry.crc32);
    reader->finished = true;
    return INK_OK;
}

static ink_error read_stored(ink_zip_reader *reader, uint8_t *dst, size_t nbytes, size_t *got)
{
    if (reader->compressed_left == 0)
        return reader_finish(reader);
    size_t n = nbytes;
    if (n > reader->compressed_left)
        n = (size_t)reader->compressed_left;
    ink_error error = read_at(reader->zip, reader->archive_position, dst, n, &reader->info);
    if (error != INK_OK)
        return error;
    reader->archive_position += n;
    reader->compressed_left -= n;
    reader->produced += n;
    reader->crc = ink_crc32_update(reader->crc, dst, n);
    *got = n;
    return INK_OK;
}

static ink_error read_deflated(ink_zip_reader *reader, uint8_t *dst, size_t nbytes, size_t *got)
{
    const ink_zip_entry *entry = &reader->entry;
    for (;;) {
        if (reader->input_position == reader->input_length && reader->compressed_left > 0) {
            ink_error error = reader_fill(reader);
            if (error != INK_OK)
                return error;
        }
        uint64_t room = entry->uncompressed_nbytes - reader->produced;
        /* At the declared size, a one-byte probe tells a stream that ends (only its
         * end-of-block code is left) from one that would write past the declared size. */
        uint8_t probe;
        bool probing = room == 0;
        ink_inflate_io io = {reader->input + reader->input_position,
                             reader->input_length - reader->input_position,
                             probing ? &probe : dst,
                             probing ? 1 : (nbytes < room ? nbytes : (size_t)room)};
        size_t in_before = io.in_nbytes, out_before = io.out_nbytes;
        ink_error error = ink_inflate_run(reader->inflate, &io, &reader->info);
        if (error != INK_OK)
            return error;
        size_t made = out_before - io.out_nbytes;
        reader->input_position += in_before - io.in_nbytes;
        if (probing && made > 0)
            return ink_error_set(&reader->info, INK_ERR_BAD_DATA,
                                 "zip: %s inflates to more than its declared %llu bytes",
                                 entry->name, (unsigned long long)entry->uncompressed_nbytes);
        reader->produced += made;
        reader->crc = ink_crc32_update(reader->crc, dst, made);
        bool input_left = reader->input_position < reader->input_length ||
                          reader->compressed_left > 0;
        if (ink_inflate_finished(reader->inflate)) {
            if (reader->produced != entry->uncompressed_nbytes)
                return ink_error_set(&reader->info, INK_ERR_BAD_DATA,
                                     "zip: %s inflates to %llu bytes, not the declared %llu",
                                     entry->name, (unsigned long long)reader->produced,
                                     (unsigned long long)entry->uncompressed_nbytes);
            if (input_left)
                return ink_error_set(&reader->info, INK_ERR_BAD_DATA,
                                     "zip: %s: deflate stream ends before its %llu compressed "
                                     "bytes do",
                                     entry->name, (unsigned long long)entry->compressed_nbytes);
            if (made > 0) {
                *got = made; /* the checks run on the next read, which returns 0 */
                return INK_OK;
            }
            return reader_finish(reader);
        }
        if (made > 0) {
            *got = made;
            return INK_OK;
        }
        if (!input_left)
            return ink_error_set(&reader->info, INK_ERR_BAD_DATA,
                                 "zip: %s: deflate data ends early (truncated or wrong "
                                 "compressed size)",
                                 entry->name);
    }
}

ink_error ink_zip_reader_read(ink_zip_reader *reader, uint8_t *dst, size_t nbytes, size_t *got,
                              ink_error_info *info)
{
    if (got)
        *got = 0;
    if (!reader || !got || (!dst && nbytes))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "zip: read needs a buffer");
    if (reader->failed != INK_OK)
        return ink_error_set(info, reader->failed, "%s", reader->info.detail);
    if (reader->finished || nbytes == 0)
        return INK_OK;
    ink_error error = reader->inflate ? read_deflated(reader, dst, nbytes, got)
                                      : read_stored(reader, dst, nbytes, got);
    if (error != INK_OK)
        return reader_fail(reader, info);
    return INK_OK;
}

static ink_error reader_source_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    return ink_zip_reader_read(user, dst, nbytes, got, NULL);
}

ink_source ink_zip_reader_source(ink_zip_reader *reader)
{
    return (ink_source){reader_source_read, NULL, reader};
}

/* ---- names ------------------------------------------------------------------------------- */

static bool is_separator(char c)
{
    return c == '/' || c == '\\';
}

ink_error ink_zip_sanitize_name(const char *name, size_t name_nbytes, char *out,
                                size_t out_nbytes)
{
    if (!out || out_nbytes == 0 || (!name && name_nbytes))
        return INK_ERR_INVALID_ARGUMENT;
    out[0] = '\0';
    size_t i = 0, written = 0;
    /* A drive letter ("C:") names a root on Windows: drop it like a leading '/'. */
    if (name_nbytes >= 2 && name[1] == ':' &&
        ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        i = 2;
    while (i < name_nbytes) {
        while (i < name_nbytes && is_separator(name[i]))
            i++;
        size_t start = i;
        while (i < name_nbytes && !is_separator(name[i]))
            i++;
        size_t len = i - start;
        if (len == 0 || (len == 1 && name[start] == '.') ||
            (len == 2 && name[start] == '.' && name[start + 1] == '.'))
            continue;
        size_t need = len + (written > 0 ? 1 : 0);
        if (written + need + 1 > out_nbytes) {
            out[0] = '\0';
            return INK_ERR_TOO_LARGE;
        }
        if (written > 0)
            out[written++] = '/';
        for (size_t k = start; k < i; k++) {
            unsigned char c = (unsigned char)name[k];
            bool bad = c < 0x20 || c == 0x7F || c == ':' || c == '*' || c == '?' || c == '"' ||
                       c == '<' || c == '>' || c == '|';
            out[written++] = bad ? '_' : (char)c;
        }
        out[written] = '\0';
    }
    return written > 0 ? INK_OK : INK_ERR_BAD_DATA;
}
