/*
 * dither.h — 8-bit gray rows to packed 1-bit rows: Atkinson, Floyd–Steinberg, threshold.
 *
 * Exact arithmetic (a reference implementation can reproduce it bit for bit):
 *   v = gray + diffused error; the pixel is white (bit 1) when v >= 128, and e = v - (0 or 255).
 *   Atkinson         q = e / 8 (C division, truncating toward zero) goes to each of
 *                    (x+1,y) (x+2,y) (x-1,y+1) (x,y+1) (x+1,y+1) (x,y+2); 2/8 of e is dropped,
 *                    which is what gives Atkinson its contrast.
 *   Floyd–Steinberg  serpentine: even rows left to right, odd rows right to left. With "ahead"
 *                    the next pixel in scan direction: 7e/16 to ahead on this row; 3e/16 to
 *                    behind, 5e/16 below, and e - 7e/16 - 3e/16 - 5e/16 to below-ahead on the
 *                    next row (each quotient truncating toward zero; no error is lost).
 *   threshold        white when gray >= 128.
 * Error that falls outside the image is dropped.
 *
 * Packed rows: bit 7 of byte 0 is pixel 0; 1 = white, 0 = black; bits past the width are 0.
 * Working memory: two rows of int16 errors, ink_dither_work_bytes(width) bytes of caller memory
 * (a ROW claim in the converter).
 */
#ifndef INK_DITHER_DITHER_H
#define INK_DITHER_DITHER_H

#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

typedef enum ink_dither_method {
    INK_DITHER_ATKINSON = 0,
    INK_DITHER_FLOYD_STEINBERG,
    INK_DITHER_THRESHOLD
} ink_dither_method;

/* Name used on the command line ("atkinson", "floyd-steinberg", "threshold"). */
const char *ink_dither_method_name(ink_dither_method method);

typedef struct ink_ditherer {
    ink_dither_method method;
    uint32_t width;
    int16_t *errors_this_row; /* width + 4 entries, index x + 2 is column x */
    int16_t *errors_next_row;
    uint32_t y;
} ink_ditherer;

/* Bytes of working memory for `width` pixels (0 for threshold). */
size_t ink_dither_work_bytes(ink_dither_method method, uint32_t width);

/* Bytes of one packed row: ceil(width / 8). */
static inline size_t ink_packed_row_bytes(uint32_t width)
{
    return ((size_t)width + 7u) / 8u;
}

/* Prepares a ditherer; `work` (2-aligned) holds ink_dither_work_bytes() bytes. */
ink_error ink_dither_init(ink_ditherer *ditherer, ink_dither_method method, uint32_t width,
                          void *work, size_t work_nbytes);

/* Dithers the next row: `gray` has `width` bytes, `packed` receives ink_packed_row_bytes(). */
void ink_dither_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed);

#endif
