/*
 * bmp.h — streaming writer of 1-bit BMP files (BITMAPINFOHEADER, two-entry palette) and of
 * four-gray BMP files (4 bits per pixel, four-entry palette).
 *
 * Layout: 14-byte file header, 40-byte info header, palette, then rows of
 * ink_bmp_stride(bits, width) bytes (MSB first, zero padding to 4 bytes), stored bottom-up as
 * almost every reader expects.
 *   1-bit  palette {0: black, 1: white}, 1 bit per pixel, 62-byte header.
 *   2-bit  palette {0: black, 1: gray 85, 2: gray 170, 3: white}; BMP has no 2-bit depth that
 *          readers agree on, so pixels are stored as 4-bit indices (biBitCount 4,
 *          biClrUsed 4), 70-byte header. Rows arrive packed at 2 bits per pixel (dither.h's
 *          format) and are widened while written, through a small buffer on the stack. Rows arrive top to bottom; the writer seeks the
 * sink to each row's place, so the sink must support seek. The header is written first and is
 * complete from the start (no size patched at the end).
 */
#ifndef INK_DITHER_BMP_H
#define INK_DITHER_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"

#define INK_BMP_HEADER_BYTES 62u      /* 1-bit */
#define INK_BMP_HEADER_BYTES_GRAY4 70u /* 2-bit (four grays, stored at 4 bpp) */

/* Bytes of one stored row: ceil(width / 32) * 4. */
static inline size_t ink_bmp_row_stride(uint32_t width)
{
    return (((size_t)width + 31u) / 32u) * 4u;
}

/* Bytes of one stored row for 1-bit or 2-bit output (2-bit is stored at 4 bpp). */
static inline size_t ink_bmp_stride(unsigned bits, uint32_t width)
{
    return bits == 2 ? (((size_t)width * 4u + 31u) / 32u) * 4u : ink_bmp_row_stride(width);
}

typedef struct ink_bmp_writer {
    const ink_sink *sink;
    uint32_t width;
    uint32_t height;
    uint32_t rows_written;
    unsigned bits; /* 1 or 2 */
} ink_bmp_writer;

/* Writes the headers of a `width` x `height` 1-bit BMP to `sink` (which must outlive the
 * writer and support seek). Errors: INK_ERR_INVALID_ARGUMENT (zero size, no seek),
 * INK_ERR_TOO_LARGE (file over 4 GiB), the sink's error. */
ink_error ink_bmp_begin(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                        uint32_t height, ink_error_info *info);

/* Like ink_bmp_begin, for `bits` = 1 (two-entry palette) or 2 (four grays, stored at 4 bpp). */
ink_error ink_bmp_begin_bits(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                             uint32_t height, unsigned bits, ink_error_info *info);

/* Writes the next row, top first: `packed` holds ink_packed_bytes(bits, width) bytes
 * (dither.h's format). */
ink_error ink_bmp_write_row(ink_bmp_writer *writer, const uint8_t *packed);

/* INK_OK when all `height` rows were written, INK_ERR_BAD_STATE otherwise. */
ink_error ink_bmp_finish(const ink_bmp_writer *writer);

#endif
