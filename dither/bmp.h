/*
 * bmp.h — streaming writer of 1-bit BMP files (BITMAPINFOHEADER, two-entry palette).
 *
 * Layout: 14-byte file header, 40-byte info header, palette {0: black, 1: white}, then rows of
 * ink_bmp_row_stride(width) bytes (packed bits, MSB first, zero padding to 4 bytes), stored
 * bottom-up as almost every reader expects. Rows arrive top to bottom; the writer seeks the
 * sink to each row's place, so the sink must support seek. The header is written first and is
 * complete from the start (no size patched at the end).
 */
#ifndef INK_DITHER_BMP_H
#define INK_DITHER_BMP_H

#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"

#define INK_BMP_HEADER_BYTES 62u

/* Bytes of one stored row: ceil(width / 32) * 4. */
static inline size_t ink_bmp_row_stride(uint32_t width)
{
    return (((size_t)width + 31u) / 32u) * 4u;
}

typedef struct ink_bmp_writer {
    const ink_sink *sink;
    uint32_t width;
    uint32_t height;
    uint32_t rows_written;
} ink_bmp_writer;

/* Writes the headers of a `width` x `height` 1-bit BMP to `sink` (which must outlive the
 * writer and support seek). Errors: INK_ERR_INVALID_ARGUMENT (zero size, no seek),
 * INK_ERR_TOO_LARGE (file over 4 GiB), the sink's error. */
ink_error ink_bmp_begin(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                        uint32_t height, ink_error_info *info);

/* Writes the next row, top first: `packed` holds ceil(width / 8) bytes (dither.h's format). */
ink_error ink_bmp_write_row(ink_bmp_writer *writer, const uint8_t *packed);

/* INK_OK when all `height` rows were written, INK_ERR_BAD_STATE otherwise. */
ink_error ink_bmp_finish(const ink_bmp_writer *writer);

#endif
