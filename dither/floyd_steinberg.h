/*
 * floyd_steinberg.h — the 1-bit Floyd–Steinberg pixel and error row, shared by the ditherer's
 * row (dither/dither.c) and the converter's scaler walk that dithers each output pixel as it is
 * finished (decode/scale_dither.c). Internal to inkpipe: the rules are dither.h's.
 */
#ifndef INK_DITHER_FLOYD_STEINBERG_H
#define INK_DITHER_FLOYD_STEINBERG_H

#include <stdint.h>

#include "dither/dither.h"

#define INK_DITHER_ERROR_PAD 2u /* error row columns of padding on each side, so x-1 and x+2
                                   never need a test */

/* The gray values themselves as a domain table, so the fast paths need no test per pixel for
 * "no table" (512 bytes of read-only data). */
extern const uint16_t ink_dither_identity_domain[256];

/* What the Floyd–Steinberg rows (1-bit and 2-bit) carry from pixel to pixel, in registers,
 * in sixteenths of a domain unit like the error row. */
typedef struct fs_carry {
    int32_t ahead;        /* arriving at the next pixel in scan order, this row */
    int32_t below_behind; /* the next row's sum so far, in the column just passed */
    int32_t below_here;   /* ... and in this column */
} fs_carry;

/* The error row as the Floyd–Steinberg paths use it: one row of int32 sixteenths, in the same
 * bytes as the two int16 rows of Atkinson (index x + INK_DITHER_ERROR_PAD is column x); int32
 * because an entry, 3e + 5e + e, can pass int16 where the errors themselves do not. */
static inline int32_t *fs_error_row(const ink_ditherer *ditherer)
{
    return (int32_t *)(void *)ditherer->errors_this_row + INK_DITHER_ERROR_PAD;
}

/* One pixel of the 1-bit path, all in sixteenths: `from_above` is the error arriving from the
 * row above; `domain16`, `threshold16`, `black16` and `white16` are the pixel's domain value,
 * the threshold and the levels times 16. The value in sixteenths, 16 domain + n, is below 16
 * threshold exactly when domain + floor(n / 16) is below threshold, and minus 16 level it is
 * the error in sixteenths, 16e + (n & 15): e is its arithmetic shift, the fraction its low
 * bits, so 7e + fraction = error16 - 9e. Returns 1 for a black pixel (the callers pack the
 * complement). The level is a branch, not a mask: on RV32 the white pixel then costs one
 * subtraction and a branch, the black one two more (the bit and the other level), against five
 * for the mask arithmetic (minstret; an in-order core's branch miss costs a few cycles on top). */
static inline uint32_t fs_1bit_pixel(fs_carry *carry, int32_t domain16, int32_t from_above,
                                     int32_t threshold16, int32_t black16, int32_t white16,
                                     int32_t *below_behind)
{
    const int32_t value16 = domain16 + from_above + carry->ahead;
    int32_t error16 = value16 - white16;
    uint32_t dark = 0;
    if (value16 < threshold16) {
        error16 = value16 - black16;
        dark = 1;
    }
    const int32_t error = error16 >> 4;
    const int32_t twice = error + error, three = twice + error, five = three + twice;
    carry->ahead = error16 - five - twice - twice;
    *below_behind = carry->below_behind + three;
    carry->below_behind = carry->below_here + five;
    carry->below_here = error;
    return dark;
}

/* The end of a 1-bit or 2-bit Floyd–Steinberg row: the last pixel's below-behind sum completes
 * its column (`last_column`: width - 1 left to right, 0 right to left; its below-here share is
 * off the image), and the first pixel's behind-below share, which fell into the padding, is
 * dropped. The rows are not swapped: there is one. */
static inline void fs_end_row(int32_t *errors, int32_t width, int32_t last_column,
                              const fs_carry *carry)
{
    errors[last_column] = carry->below_behind;
    errors[-1] = 0;
    errors[width] = 0;
}

#endif
