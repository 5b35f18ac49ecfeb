/*
 * thumb_file.h — the bytes of one thumbnail file (.thb): a 32-byte header and the payload.
 *
 * Pixels (what callers hand in and get back): packed 1-bit rows exactly as dither/dither.h
 * makes them: ceil(width / 8) bytes a row, no padding between rows, bit 7 of byte 0 is pixel 0,
 * 1 = WHITE, bits past the width 0. A 120 x 180 thumbnail is 2,700 bytes.
 *
 * File layout (all integers little-endian; docs/THUMBS.md has the reasoning):
 *
 *   offset  bytes  field
 *        0      4  magic "ITHB"
 *        4      1  version (1)
 *        5      1  encoding: 0 raw (the pixels as above), 1 G4 (ITU-T T.6, 1 = black, EOFB)
 *        6      2  header size (32)
 *        8      2  width
 *       10      2  height
 *       12      4  payload size in bytes
 *       16      4  CRC-32 of the payload
 *       20      4  byte length of the book path the thumbnail belongs to
 *       24      4  CRC-32 of that path (the second hash: the file's name is its FNV-1a 32)
 *       28      4  CRC-32 of bytes 0..27
 *       32      .  payload; the file ends exactly where the payload does
 *
 * G4 is stored only when it is strictly smaller than the raw pixels, so a payload is never
 * larger than width x height / 8 rounded up per row.
 *
 * Pure functions over caller memory, no allocation. Work memory for the codec:
 * INK_THUMB_CODEC_WORK_BYTES(width) (the G4 lines plus one inverted row).
 */
#ifndef INK_THUMBS_THUMB_FILE_H
#define INK_THUMBS_THUMB_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "thumbs/g4.h"

/* The home screen's thumbnail. */
#define INK_THUMB_WIDTH 120u
#define INK_THUMB_HEIGHT 180u

/* The largest thumbnail a file may describe (a board reads a whole file into SCRATCH). */
#define INK_THUMB_MAX_SIDE 1024u

#define INK_THUMB_MAGIC "ITHB"
#define INK_THUMB_VERSION 1u
#define INK_THUMB_HEADER_NBYTES 32u

#define INK_THUMB_ROW_NBYTES(width) (((uint32_t)(width) + 7u) / 8u)
#define INK_THUMB_PIXELS_NBYTES(width, height) (INK_THUMB_ROW_NBYTES(width) * (uint32_t)(height))
/* The longest valid file: header and raw pixels. */
#define INK_THUMB_FILE_MAX_NBYTES(width, height)                                                \
    (INK_THUMB_HEADER_NBYTES + INK_THUMB_PIXELS_NBYTES(width, height))
#define INK_THUMB_CODEC_WORK_BYTES(width) (INK_G4_WORK_BYTES_FOR(width) + INK_THUMB_ROW_NBYTES(width))

typedef enum ink_thumb_encoding {
    INK_THUMB_ENCODING_RAW = 0,
    INK_THUMB_ENCODING_G4 = 1
} ink_thumb_encoding;

typedef struct ink_thumb_header {
    uint32_t version;
    ink_thumb_encoding encoding;
    uint32_t width;
    uint32_t height;
    uint32_t payload_nbytes;
    uint32_t payload_crc32;
    uint32_t path_nbytes;
    uint32_t path_crc32;
} ink_thumb_header;

/* Writes the file for `pixels` (INK_THUMB_PIXELS_NBYTES(width, height) bytes) of the book
 * `path` (`path_nbytes` bytes, any bytes) into `file`, whose capacity must be at least
 * INK_THUMB_FILE_MAX_NBYTES(width, height). Stores G4 when smaller than raw. `*file_nbytes`
 * receives the length, `encoding` (may be NULL) the choice.
 * Errors: INK_ERR_INVALID_ARGUMENT (sizes out of 1..INK_THUMB_MAX_SIDE, buffers too small). */
ink_error ink_thumb_file_build(const uint8_t *pixels, uint32_t width, uint32_t height,
                               const char *path, size_t path_nbytes, uint8_t *file,
                               size_t file_capacity, void *work, size_t work_nbytes,
                               size_t *file_nbytes, ink_thumb_encoding *encoding,
                               ink_error_info *info);

/* Reads and checks the header of the `file_nbytes` bytes at `file`: magic, version, header size
 * and CRC, encoding, sizes within 1..INK_THUMB_MAX_SIDE, payload size (raw: exactly the pixels;
 * G4: less) and the file's length (exactly header + payload). Does not check the payload CRC.
 * Errors: INK_ERR_BAD_DATA with the first thing that is wrong, INK_ERR_UNSUPPORTED for another
 * version. */
ink_error ink_thumb_header_parse(const uint8_t *file, size_t file_nbytes,
                                 ink_thumb_header *header, ink_error_info *info);

/* True when `header` was written for this book path (same length and same CRC-32). */
bool ink_thumb_header_matches_path(const ink_thumb_header *header, const char *path,
                                   size_t path_nbytes);

/* Checks the payload's CRC and decodes it into `pixels` (`pixels_nbytes` >=
 * INK_THUMB_PIXELS_NBYTES(header's size)). `file`/`file_nbytes` must be what
 * ink_thumb_header_parse accepted. On error the pixels are unspecified.
 * Errors: INK_ERR_BAD_DATA (CRC, G4 stream), INK_ERR_INVALID_ARGUMENT (buffers too small). */
ink_error ink_thumb_payload_decode(const ink_thumb_header *header, const uint8_t *file,
                                   size_t file_nbytes, uint8_t *pixels, size_t pixels_nbytes,
                                   void *work, size_t work_nbytes, ink_error_info *info);

#endif
