/*
 * png_internal.h — what the files of the in-arena PNG decoder share. Not a public contract:
 * only decode/png*.c and their unit tests include it.
 *
 *   png_reader.c    buffered reads from the source, chunk framing, CRC checks (decode/crc32.h)
 *   png_header.c    signature, IHDR/PLTE/tRNS and the chunk-order rules, the trailer to IEND
 *   png_unfilter.c  the five filters, undone in place over the previous row
 *   png_gray.c      raw pixels of every colour type and depth -> 8-bit gray (decode/gray.h)
 *   png.c           the memory plan, the row loop, Adam7 bands, the ink_decoder
 */
#ifndef INK_DECODE_PNG_INTERNAL_H
#define INK_DECODE_PNG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"

#define INK_PNG_COLOR_GRAY 0u
#define INK_PNG_COLOR_RGB 2u
#define INK_PNG_COLOR_PALETTE 3u
#define INK_PNG_COLOR_GRAY_ALPHA 4u
#define INK_PNG_COLOR_RGBA 6u

#define INK_PNG_CHUNK_IHDR 0x49484452u
#define INK_PNG_CHUNK_PLTE 0x504C5445u
#define INK_PNG_CHUNK_IDAT 0x49444154u
#define INK_PNG_CHUNK_IEND 0x49454E44u
#define INK_PNG_CHUNK_TRNS 0x74524E53u

/* Largest chunk length the PNG spec allows (2^31 - 1). */
#define INK_PNG_MAX_CHUNK_NBYTES 0x7FFFFFFFu

/* ---- reader and chunk framing (png_reader.c) ---- */

typedef struct ink_png_reader {
    const ink_source *source;
    uint8_t *buffer;        /* caller memory (a SCRATCH claim) */
    uint32_t buffer_nbytes;
    uint32_t position;      /* unread bytes are buffer[position, length) */
    uint32_t length;
    uint64_t buffer_offset; /* source offset of buffer[0] */
    /* The chunk being read. */
    uint32_t chunk_type;
    uint32_t chunk_left;    /* data bytes not yet read */
    uint32_t chunk_crc;     /* running CRC over type and data read so far */
    uint64_t chunk_offset;  /* source offset of the chunk's length field */
} ink_png_reader;

void ink_png_reader_init(ink_png_reader *reader, const ink_source *source, uint8_t *buffer,
                         uint32_t buffer_nbytes);
/* Moves to an absolute source offset (needs source->seek). */
ink_error ink_png_reader_seek(ink_png_reader *reader, uint64_t offset, ink_error_info *info);
/* Reads exactly n bytes outside any chunk (the signature). */
ink_error ink_png_reader_read(ink_png_reader *reader, uint8_t *dst, uint32_t nbytes,
                              ink_error_info *info);

/* Reads a chunk's length and type, checks them (length <= 2^31-1, type of four ASCII letters)
 * and starts its CRC. */
ink_error ink_png_chunk_begin(ink_png_reader *reader, ink_error_info *info);
/* Reads `nbytes` (at most chunk_left) of the chunk's data. */
ink_error ink_png_chunk_read(ink_png_reader *reader, uint8_t *dst, uint32_t nbytes,
                             ink_error_info *info);
/* Points *bytes at up to chunk_left buffered data bytes (reading more if none are buffered);
 * *nbytes is 0 only when chunk_left is 0. ink_png_chunk_consume() then takes n of them. */
ink_error ink_png_chunk_peek(ink_png_reader *reader, const uint8_t **bytes, uint32_t *nbytes,
                             ink_error_info *info);
void ink_png_chunk_consume(ink_png_reader *reader, uint32_t nbytes);
/* ink_png_chunk_peek, but first, when fewer than `min_nbytes` data bytes are buffered and the
 * chunk has more, moves them to the buffer's front and reads more behind them: *nbytes is then
 * at least min(min_nbytes, chunk_left) unless the source ends. */
ink_error ink_png_chunk_peek_at_least(ink_png_reader *reader, uint32_t min_nbytes,
                                      const uint8_t **bytes, uint32_t *nbytes,
                                      ink_error_info *info);
/* Skips the rest of the data and reads the stored CRC; *crc_ok says whether it matched. */
ink_error ink_png_chunk_end(ink_png_reader *reader, bool *crc_ok, ink_error_info *info);

static inline bool ink_png_chunk_is_critical(uint32_t type)
{
    return (type & 0x20000000u) == 0; /* bit 5 of the first letter: uppercase = critical */
}

/* ---- pixels to gray (png_gray.c) ---- */

typedef struct ink_png_pixels {
    uint8_t color_type;
    uint8_t bit_depth;
    uint8_t channels;
    uint8_t bits_per_pixel;
    uint8_t filter_bpp;     /* bytes per complete pixel, at least 1 (the filters' unit) */
    uint8_t background;
    bool has_trns;          /* gray or RGB tRNS (palette tRNS is folded into lut) */
    uint16_t trns[3];       /* gray, or R G B, at the image's bit depth, as stored */
    /* palette and gray of 1-8 bits: sample -> final gray (alpha already composited) */
    uint8_t lut[256];
} ink_png_pixels;

/* Checks the colour type / depth pair (INK_ERR_BAD_DATA otherwise) and sets up `pixels`
 * without transparency; palette entries all black until ink_png_pixels_set_palette(). */
ink_error ink_png_pixels_init(ink_png_pixels *pixels, uint8_t color_type, uint8_t bit_depth,
                              uint8_t background, ink_error_info *info);
/* Palette images: `gray[i]` (the RGB->gray of entry i, for i < count) and `alpha[i]` (from tRNS,
 * 255 for i >= alpha_count) become lut[]. Entries past `count` stay black and opaque, as
 * libpng's zero-filled 256-entry palette makes them. */
void ink_png_pixels_set_palette(ink_png_pixels *pixels, const uint8_t *gray, uint32_t count,
                                const uint8_t *alpha, uint32_t alpha_count);
/* Gray or RGB tRNS: samples equal to `values` (masked to the bit depth as libpng does) are
 * fully transparent. */
void ink_png_pixels_set_trns(ink_png_pixels *pixels, const uint16_t values[3]);
/* True when every possible output is 0 or 255. */
bool ink_png_pixels_bilevel(const ink_png_pixels *pixels);
/* Bytes of a row of `width` pixels (filter byte excluded); 0 when over 2^32 - 1. */
uint64_t ink_png_row_nbytes(const ink_png_pixels *pixels, uint32_t width);
/* Converts `npixels` unfiltered pixels at `raw` to gray at gray[0], gray[stride], ... */
void ink_png_gray_row(const ink_png_pixels *pixels, const uint8_t *raw, uint32_t npixels,
                      uint8_t *gray, uint32_t gray_stride);

/* ---- filters (png_unfilter.c) ---- */

typedef struct ink_png_unfilter {
    uint8_t filter;          /* 0..4 */
    uint8_t bpp;             /* filter_bpp, 1..8 */
    uint8_t upper_left[8];   /* the previous row's bytes of the pixel left of the next chunk */
    /* Set by the caller after begin_row (which clears it) when the gray output of
     * ink_png_unfilter_gray_chunk already holds the gray of the previous row's pixels (the
     * decoder's gray row, into which the row above was converted): an Up row's pixel whose
     * filtered bytes are all zero is then the pixel above, and its row bytes and gray are left
     * as they are. */
    bool gray_above;
} ink_png_unfilter;

/* Starts a row with filter type `filter` (the caller has checked it is 0..4). */
void ink_png_unfilter_begin_row(ink_png_unfilter *state, uint8_t filter, uint8_t bpp);
/* `row` holds the unfiltered current row in [0, offset) and the previous row (zeros for a
 * pass's first row) in [offset, row end). Undoes the filter on the `nbytes` filtered bytes at
 * `src`, writing row[offset, offset + nbytes). `offset` and `nbytes` are multiples of bpp. */
void ink_png_unfilter_chunk(ink_png_unfilter *state, uint8_t *row, uint32_t offset,
                            const uint8_t *src, uint32_t nbytes);

/*
 * Unfiltering fused with the gray conversion, for the rows where it pays (non-interlaced):
 * 8-bit RGB without tRNS and 8-bit RGBA, every filter; every other case goes through
 * ink_png_unfilter_chunk and ink_png_gray_row.
 * Does what ink_png_unfilter_chunk does and also writes the chunk's pixels' gray to
 * gray[0..nbytes/bpp).
 */
bool ink_png_unfilter_gray_applies(const ink_png_pixels *pixels, uint8_t filter);
void ink_png_unfilter_gray_chunk(ink_png_unfilter *state, uint8_t *row, uint32_t offset,
                                 const uint8_t *src, uint32_t nbytes,
                                 const ink_png_pixels *pixels, uint8_t *gray);

/*
 * ink_gray_over_background (gray * a + bg * (255 - a) + 127) / 255, rearranged as
 * (a * (gray - bg) + 255 * bg + 127) / 255 with `bg_term` = 255 * bg + 127: one multiply
 * instead of two. The same integer: a * (gray - bg) wraps modulo 2^32 when gray < bg, and the
 * sum, the true non-negative numerator, comes out exact (test_png_rows checks every gray and
 * alpha against the division).
 */
static inline uint8_t ink_png_over_background(uint32_t gray, uint32_t alpha, uint32_t bg,
                                              uint32_t bg_term)
{
    return (uint8_t)((alpha * (gray - bg) + bg_term) / 255u);
}

/* ---- header and trailer chunks (png_header.c) ---- */

typedef struct ink_png_header {
    uint32_t width;
    uint32_t height;
    bool interlaced;
    ink_png_pixels pixels;
    uint64_t first_idat_offset; /* source offset of the first IDAT's length field */
} ink_png_header;

/* Reads the signature and the chunks up to the first IDAT, whose data the reader is then at. */
ink_error ink_png_read_header(ink_png_reader *reader, uint8_t background, ink_png_header *header,
                              ink_error_info *info);
/* After the image data: skips the rest of the IDAT chunks (the reader is inside one, or just
 * after the last one when `between_chunks`) and reads chunks up to IEND with the
 * after-IDAT rules. */
ink_error ink_png_read_trailer(ink_png_reader *reader, const ink_png_header *header,
                               bool between_chunks, ink_error_info *info);

/* A static description such as "PNG RGBA 8-bit interlaced". */
const char *ink_png_format_name(uint8_t color_type, uint8_t bit_depth, bool interlaced);

#endif
