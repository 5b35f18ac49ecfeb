/*
 * dither.h — 8-bit gray rows to packed 1-bit or 2-bit rows: Atkinson, Floyd–Steinberg, ordered
 * (Bayer 8×8), threshold; in the gray values themselves or in a display model's domain.
 *
 * The domain. Every pixel is first mapped to a domain value: v = lut[gray] when the caller gives
 * a 256-entry table (dither/tone.h builds one: tone curve, then linear light or the Yule–Nielsen
 * display model, in 0..INK_DOMAIN_WHITE), else v = gray. The output levels are domain values
 * too: levels[0] (black) < levels[1] < ... < levels[count-1] (white); count = 2 gives 1-bit
 * output, count = 4 gives 2-bit (four grays). ink_dither_init() is the plain case: no table,
 * levels {0, 255}, which is exactly inkpipe 0.1's arithmetic.
 *
 * Exact arithmetic (a reference implementation can reproduce it bit for bit):
 *   quantise(v)  the largest k with v >= t[k-1], where t[k] = (levels[k] + levels[k+1] + 1) / 2
 *                (k = 0 if v < t[0]); for levels {0, 255}: white when v >= 128.
 *   e = v - levels[k] (v includes the diffused error).
 *   Atkinson         q = e / 8 (C division, truncating toward zero) goes to each of
 *                    (x+1,y) (x+2,y) (x-1,y+1) (x,y+1) (x+1,y+1) (x,y+2); 2/8 of e is dropped,
 *                    which is what gives Atkinson its contrast.
 *   Floyd–Steinberg  serpentine: even rows left to right, odd rows right to left. Errors are
 *                    counted in sixteenths: with n the sixteenths arriving at the pixel, it is
 *                    quantised at v = domain value + floor(n / 16) and e = v - levels[k]; with
 *                    "ahead" the next pixel in scan direction, 7e + (n - 16 floor(n / 16)) (the
 *                    fraction this pixel did not take) go ahead on this row, 3e behind, 5e below
 *                    and e below-ahead on the next row. Nothing is rounded, so no error is lost
 *                    (inkpipe 0.1 to session 3 truncated each of 7e/16, 3e/16, 5e/16 toward
 *                    zero and gave the remainder to below-ahead: docs/DITHER.md says why it
 *                    changed).
 *   ordered          b = ink_bayer8[y & 7][x & 7] (0..63, the recursive Bayer matrix); k is the
 *                    largest level <= v (at most count-2); the pixel takes level k+1 when
 *                    (v - levels[k]) * 128 >= (2b + 1) * (levels[k+1] - levels[k]), else k.
 *                    No error, no working memory.
 *   threshold        k = quantise(v) with no error.
 * Error that falls outside the image is dropped.
 *
 * Packed rows: 1-bit: bit 7 of byte 0 is pixel 0; 1 = white, 0 = black. 2-bit: bits 7..6 of
 * byte 0 are pixel 0, holding the level index 0 (black) .. 3 (white). Bits past the width are 0.
 * Working memory: two rows of int16 errors (Atkinson) or, in the same bytes, one row of int32
 * sixteenths (Floyd–Steinberg): ink_dither_work_bytes(width) bytes of caller memory (a ROW
 * claim in the converter); the domain table is the caller's and must outlive the ditherer.
 * Domain values must stay <= INK_DOMAIN_MAX so the int16 errors cannot overflow.
 */
#ifndef INK_DITHER_DITHER_H
#define INK_DITHER_DITHER_H

#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

typedef enum ink_dither_method {
    INK_DITHER_ATKINSON = 0,
    INK_DITHER_FLOYD_STEINBERG,
    INK_DITHER_THRESHOLD,
    INK_DITHER_ORDERED
} ink_dither_method;

#define INK_DITHER_METHOD_COUNT 4u

/* Name used on the command line ("atkinson", "floyd-steinberg", "threshold", "ordered"). */
const char *ink_dither_method_name(ink_dither_method method);

/* The largest domain value a table or a level may hold. */
#define INK_DOMAIN_MAX 8191u

/* The 8×8 Bayer threshold matrix (values 0..63). */
extern const uint8_t ink_bayer8[8][8];

typedef struct ink_dither_levels {
    const uint16_t *lut; /* 256 entries, gray -> domain value; NULL: the gray value itself */
    uint16_t levels[4];  /* domain values of the output levels, black first, increasing */
    uint8_t count;       /* 2 (1-bit output) or 4 (2-bit output) */
} ink_dither_levels;

typedef struct ink_ditherer {
    ink_dither_method method;
    uint32_t width;
    int16_t *errors_this_row; /* width + 4 entries, index x + 2 is column x */
    int16_t *errors_next_row;
    uint32_t y;
    const uint16_t *lut;
    uint16_t levels[4];
    uint16_t thresholds[3];
    uint8_t count;
    uint8_t bits_per_pixel; /* 1 or 2 */
} ink_ditherer;

/* Bytes of working memory for `width` pixels (0 for threshold and ordered). */
size_t ink_dither_work_bytes(ink_dither_method method, uint32_t width);

/* Bytes of one packed 1-bit row: ceil(width / 8). */
static inline size_t ink_packed_row_bytes(uint32_t width)
{
    return ((size_t)width + 7u) / 8u;
}

/* Bytes of one packed row at 1 or 2 bits per pixel. */
static inline size_t ink_packed_bytes(unsigned bits_per_pixel, uint32_t width)
{
    return ((size_t)width * bits_per_pixel + 7u) / 8u;
}

/* Prepares a plain ditherer: gray values, levels {0, 255}, 1-bit output. `work` (2-aligned,
 * 4-aligned for Floyd–Steinberg) holds ink_dither_work_bytes() bytes. */
ink_error ink_dither_init(ink_ditherer *ditherer, ink_dither_method method, uint32_t width,
                          void *work, size_t work_nbytes);

/* Prepares a ditherer with a domain table and output levels (see above). Errors:
 * INK_ERR_INVALID_ARGUMENT for a count other than 2 or 4, levels not increasing or above
 * INK_DOMAIN_MAX, a table entry outside [levels[0], levels[count-1]], too little work memory
 * or work memory not aligned as ink_dither_init says. */
ink_error ink_dither_init_levels(ink_ditherer *ditherer, ink_dither_method method,
                                 uint32_t width, const ink_dither_levels *levels, void *work,
                                 size_t work_nbytes);

/* Dithers the next row: `gray` has `width` bytes, `packed` receives
 * ink_packed_bytes(ditherer->bits_per_pixel, width) bytes. */
void ink_dither_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed);

#endif
