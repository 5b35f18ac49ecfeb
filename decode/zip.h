/*
 * zip.h — a zip archive reader for EPUB books: central directory walk, entries streamed out
 * through an ink_source, CRC-32 verified, hostile archives refused. No heap.
 *
 * Memory. The caller owns everything:
 *   - ink_zip (about 100 bytes) and ink_zip_entry (INK_ZIP_NAME_BYTES + ~60) anywhere;
 *   - an entry reader, ink_zip_reader, plus for a deflated entry the inflate state
 *     (INK_INFLATE_STATE_BYTES, SCRATCH in the converters), the 32 KB window (a PRIMARY claim)
 *     and an input buffer of any size (512 bytes or more reads well; DITHER or ROW).
 * The archive is read through a seekable ink_source (a file on the host, the SD card on the
 * board). The reader seeks before every read it makes, so a walk of the directory and an open
 * entry reader may share one source.
 *
 * What is accepted: single-disk archives without Zip64, entries stored (method 0) or deflated
 * (method 8), unencrypted. Zip64 archives and entries, encrypted entries and other methods are
 * refused with INK_ERR_UNSUPPORTED and a detail naming the feature; the directory listing still
 * shows such entries (with `encrypted` / `method` set) so a caller can report them.
 *
 * What is checked (every failure is INK_ERR_BAD_DATA with a detail unless noted):
 *   - the end-of-central-directory record lies in the last 65,557 bytes, its comment fits, and
 *     the central directory lies before it; the declared entry count fits the directory's bytes
 *     (46 bytes per entry at least), so no declared count makes a walk long;
 *   - every central record: signature, lengths within the directory, local header offset before
 *     the directory; local headers in strictly increasing offset order (every zip writer we
 *     know lists them in file order, and so do all corpus books; an archive that does not is
 *     refused), each entry's compressed data ending at or before the next local header, so
 *     entries never share or overlap bytes (the overlapping-file zip bomb is refused); all of
 *     this once, at ink_zip_open, in one pass;
 *   - at entry open: the local header's signature, method and name match the directory's; the
 *     data lies inside the archive and ends before the next entry;
 *   - while reading: a deflated entry must produce exactly its declared size (reading stops at
 *     the declared size; a stream that would go on is an error, not a longer file), its deflate
 *     stream must end exactly at its declared compressed size, and the CRC-32 of the bytes must
 *     equal the declared one. The last read before end-of-entry performs these checks, so a
 *     reader that returned `got == 0` with INK_OK has delivered verified bytes.
 *   - limits (ink_zip_limits): an entry whose declared size exceeds `max_entry_nbytes` is
 *     refused with INK_ERR_TOO_LARGE before any byte is inflated; an archive declaring more than
 *     `max_entries` entries is refused with INK_ERR_TOO_LARGE at open.
 *
 * Entry names are raw bytes from the archive (EPUBs use UTF-8). Never use one as a path: call
 * ink_zip_sanitize_name() to get a relative path that cannot leave an output folder.
 */
#ifndef INK_DECODE_ZIP_H
#define INK_DECODE_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"
#include "decode/inflate.h"

/* An entry name buffer: names up to 511 bytes are kept whole; longer ones are cut and flagged
 * `name_truncated` (such an entry can be listed and opened by its ink_zip_entry, not by name). */
#define INK_ZIP_NAME_BYTES 512u

typedef struct ink_zip_limits {
    uint64_t max_entry_nbytes; /* declared uncompressed size of one entry */
    uint32_t max_entries;      /* entries declared by the archive */
} ink_zip_limits;

/* 256 MB per entry, 65,535 entries (the most a non-Zip64 archive can declare). */
#define INK_ZIP_LIMITS_DEFAULT ((ink_zip_limits){268435456u, 65535u})

/* An open archive. Fields are read-only for callers. */
typedef struct ink_zip {
    ink_source source;
    uint64_t archive_nbytes;
    uint64_t directory_offset; /* first central directory record */
    uint64_t directory_nbytes;
    uint32_t entry_count;
    ink_zip_limits limits;
} ink_zip;

typedef struct ink_zip_entry {
    char name[INK_ZIP_NAME_BYTES]; /* NUL-terminated (an embedded NUL ends it early) */
    uint32_t name_nbytes;          /* the full length in the archive */
    bool name_truncated;
    bool is_directory; /* the name ends with '/' */
    bool encrypted;    /* general-purpose flag bit 0 */
    uint16_t method;   /* 0 stored, 8 deflated; others are refused at open */
    uint16_t flags;
    uint32_t crc32;
    uint64_t compressed_nbytes;
    uint64_t uncompressed_nbytes;
    uint64_t local_header_offset;
    uint64_t next_offset; /* where the next entry's local header (or the directory) starts */
    uint32_t index;       /* position in the central directory, 0-based */
} ink_zip_entry;

/* Opens the archive of `archive_nbytes` bytes readable through `source` (which must seek and
 * must stay valid while `zip` is used; it is copied). Finds and checks the end record and walks
 * the whole central directory once, checking every record as listed above. `limits` may be NULL
 * for INK_ZIP_LIMITS_DEFAULT. Errors: INK_ERR_BAD_DATA (not a zip, damaged, overlapping),
 * INK_ERR_UNSUPPORTED (Zip64, multi-disk), INK_ERR_TOO_LARGE (limits), INK_ERR_IO (source),
 * INK_ERR_INVALID_ARGUMENT (a source without seek). */
ink_error ink_zip_open(ink_zip *zip, const ink_source *source, uint64_t archive_nbytes,
                       const ink_zip_limits *limits, ink_error_info *info);

/* Reads the entry at `index` (0 .. entry_count-1, directory order) into `entry`. Walking from 0
 * upwards costs one directory pass in all (pass `cursor`: set *cursor = 0 before the first call
 * and keep it between calls; it remembers where the previous record ended). With cursor NULL
 * the walk starts over from the first record. Errors as ink_zip_open, INK_ERR_INVALID_ARGUMENT
 * for an index out of range. */
ink_error ink_zip_entry_at(const ink_zip *zip, uint32_t index, uint64_t *cursor,
                           ink_zip_entry *entry, ink_error_info *info);

/* Finds the entry named exactly `name` (`name_nbytes` bytes, case-sensitive, as stored).
 * Returns INK_OK and sets *found; *found false (and INK_OK) when there is no such entry. */
ink_error ink_zip_find(const ink_zip *zip, const char *name, size_t name_nbytes,
                       ink_zip_entry *entry, bool *found, ink_error_info *info);

/* Memory an entry reader uses (see the top of this file). `inflate_state` and `window` are
 * needed for deflated entries only and may be NULL for stored ones. */
typedef struct ink_zip_reader_memory {
    void *inflate_state;     /* INK_INFLATE_STATE_BYTES, 8-byte aligned */
    size_t inflate_state_nbytes;
    uint8_t *window;         /* INK_INFLATE_WINDOW_BYTES */
    uint8_t *input;          /* compressed input buffer */
    size_t input_nbytes;     /* at least 1 */
} ink_zip_reader_memory;

/* Reads one entry's bytes. A reader lives in caller memory; it holds no resources, so there is
 * nothing to close: drop it when done (or when abandoning an entry half read). */
typedef struct ink_zip_reader {
    const ink_zip *zip;
    ink_zip_entry entry;
    ink_inflate *inflate; /* NULL for a stored entry */
    uint8_t *input;
    size_t input_nbytes;
    size_t input_position, input_length; /* unread compressed bytes: input[position, length) */
    uint64_t archive_position;           /* next compressed byte to fetch from the archive */
    uint64_t compressed_left;            /* compressed bytes not yet fetched */
    uint64_t produced;                   /* entry bytes delivered so far */
    uint32_t crc;                        /* running CRC-32 of the delivered bytes */
    bool finished;                       /* every check passed; reads return 0 */
    ink_error failed;                    /* once set, every read returns it */
    ink_error_info info;                 /* the detail of `failed` */
} ink_zip_reader;

/* Checks `entry`'s local header and prepares to read it. Errors: INK_ERR_UNSUPPORTED
 * (encrypted, a method other than 0 and 8, Zip64), INK_ERR_TOO_LARGE (max_entry_nbytes),
 * INK_ERR_BAD_DATA (local header mismatch, data out of range), INK_ERR_INVALID_ARGUMENT (memory
 * missing or too small), INK_ERR_IO. */
ink_error ink_zip_reader_open(ink_zip_reader *reader, const ink_zip *zip,
                              const ink_zip_entry *entry, const ink_zip_reader_memory *memory,
                              ink_error_info *info);

/* Reads up to `nbytes` of the entry into `dst`; `*got` is 0 only at the end of the entry, after
 * the size and CRC checks have passed. Errors: INK_ERR_BAD_DATA (corrupt deflate data, sizes or
 * CRC that disagree, with the detail in `info` and in reader->info), INK_ERR_IO. After an error
 * every later read returns the same error. */
ink_error ink_zip_reader_read(ink_zip_reader *reader, uint8_t *dst, size_t nbytes, size_t *got,
                              ink_error_info *info);

/* The reader as a byte source (no seek). Its errors' details are in reader->info. */
ink_source ink_zip_reader_source(ink_zip_reader *reader);

/* Turns an entry name into a relative path safe to join under an output folder: separators
 * become '/', backslashes count as separators, empty, "." and ".." components are dropped (a
 * ".." never climbs), a leading '/' or drive letter ("C:") is removed, control characters and
 * ':' '*' '?' '"' '<' '>' '|' become '_'. Writes at most `out_nbytes - 1` bytes and a NUL.
 * Returns INK_OK, INK_ERR_TOO_LARGE if it did not fit (nothing useful written), or
 * INK_ERR_BAD_DATA if nothing remains (e.g. "../.."): the caller then names the file itself. */
ink_error ink_zip_sanitize_name(const char *name, size_t name_nbytes, char *out,
                                size_t out_nbytes);

#endif
