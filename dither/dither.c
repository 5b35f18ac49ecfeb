/*
 * dither.c — error-diffusion, ordered and threshold dithering (see dither.h for the exact
 * arithmetic).
 *
 * Two error rows suffice for Atkinson's three-row reach: while row y is dithered, the "this row"
 * buffer holds the error arriving at row y, and since each column is read before it is written,
 * column x of that same buffer then receives the error for (x, y+2). After the row the buffers
 * swap, so the one holding y+2 becomes "next". Floyd–Steinberg needs only one, of
 * int32 sixteenths in the same bytes (see floyd_steinberg_1bit_row).
 *
 * The error-diffusion rows (Floyd–Steinberg at 1 and 2 bits, Atkinson) are written for an
 * in-order core with few registers: carries in registers, whole bytes packed at a time.
 * Threshold and ordered share one 1-bit loop (compare_1bit_row) and the general packer at 2. All follow the same rules bit for bit
 * (tests/unit/test_dither.c checks each against a plain reference); docs/DITHER.md has costs.
 */
#include "dither/dither.h"
#include "dither/floyd_steinberg.h"

#include <stdbool.h>
#include <string.h>


/* The recursive Bayer matrix: M2 = {{0,2},{3,1}}, M2n = {{4M, 4M+2}, {4M+3, 4M+1}}. */
const uint8_t ink_bayer8[8][8] = {
    {0, 32, 8, 40, 2, 34, 10, 42},   {48, 16, 56, 24, 50, 18, 58, 26},
    {12, 44, 4, 36, 14, 46, 6, 38},  {60, 28, 52, 20, 62, 30, 54, 22},
    {3, 35, 11, 43, 1, 33, 9, 41},   {51, 19, 59, 27, 49, 17, 57, 25},
    {15, 47, 7, 39, 13, 45, 5, 37},  {63, 31, 55, 23, 61, 29, 53, 21},
};

const char *ink_dither_method_name(ink_dither_method method)
{
    switch (method) {
    case INK_DITHER_ATKINSON:
        return "atkinson";
    case INK_DITHER_FLOYD_STEINBERG:
        return "floyd-steinberg";
    case INK_DITHER_THRESHOLD:
        return "threshold";
    case INK_DITHER_ORDERED:
        return "ordered";
    }
    return "?";
}

size_t ink_dither_work_bytes(ink_dither_method method, uint32_t width)
{
    if (method == INK_DITHER_THRESHOLD || method == INK_DITHER_ORDERED)
        return 0;
    return 2u * ((size_t)width + 2u * INK_DITHER_ERROR_PAD) * sizeof(int16_t);
}

ink_error ink_dither_init(ink_ditherer *ditherer, ink_dither_method method, uint32_t width,
                          void *work, size_t work_nbytes)
{
    const ink_dither_levels plain = {NULL, {0, 255, 0, 0}, 2};
    return ink_dither_init_levels(ditherer, method, width, &plain, work, work_nbytes);
}

static bool levels_valid(const ink_dither_levels *levels)
{
    if (!levels || (levels->count != 2 && levels->count != 4))
        return false;
    for (unsigned k = 0; k < levels->count; k++) {
        if (levels->levels[k] > INK_DOMAIN_MAX)
            return false;
        if (k > 0 && levels->levels[k] <= levels->levels[k - 1])
            return false;
    }
    uint16_t low = levels->levels[0], high = levels->levels[levels->count - 1];
    if (!levels->lut)
        return low == 0 && high >= 255;
    for (unsigned g = 0; g < 256; g++)
        if (levels->lut[g] < low || levels->lut[g] > high)
            return false;
    return true;
}

ink_error ink_dither_init_levels(ink_ditherer *ditherer, ink_dither_method method,
                                 uint32_t width, const ink_dither_levels *levels, void *work,
                                 size_t work_nbytes)
{
    if (!ditherer || width == 0 || (unsigned)method >= INK_DITHER_METHOD_COUNT ||
        !levels_valid(levels))
        return INK_ERR_INVALID_ARGUMENT;
    size_t need = ink_dither_work_bytes(method, width);
    const uintptr_t alignment = method == INK_DITHER_FLOYD_STEINBERG ? 4u : 2u;
    if (need > 0 && (!work || work_nbytes < need || ((uintptr_t)work & (alignment - 1u)) != 0))
        return INK_ERR_INVALID_ARGUMENT;
    memset(ditherer, 0, sizeof *ditherer);
    ditherer->method = method;
    ditherer->width = width;
    ditherer->lut = levels->lut;
    ditherer->count = levels->count;
    ditherer->bits_per_pixel = levels->count == 2 ? 1 : 2;
    for (unsigned k = 0; k < levels->count; k++)
        ditherer->levels[k] = levels->levels[k];
    for (unsigned k = 0; k + 1u < levels->count; k++)
        ditherer->thresholds[k] =
            (uint16_t)((levels->levels[k] + levels->levels[k + 1] + 1u) / 2u);
    if (need > 0) {
        memset(work, 0, need);
        ditherer->errors_this_row = (int16_t *)work;
        ditherer->errors_next_row = ditherer->errors_this_row + width + 2u * INK_DITHER_ERROR_PAD;
    }
    return INK_OK;
}

static void swap_error_rows(ink_ditherer *ditherer)
{
    int16_t *swap = ditherer->errors_this_row;
    ditherer->errors_this_row = ditherer->errors_next_row;
    ditherer->errors_next_row = swap;
}

static inline int32_t domain_value(const ink_ditherer *d, uint8_t gray)
{
    return d->lut ? d->lut[gray] : gray;
}

/* The nearest level: the largest k with value >= thresholds[k-1]. */
static inline uint32_t quantise(const ink_ditherer *d, int32_t value)
{
    uint32_t k = 0;
    while (k + 1u < d->count && value >= (int32_t)d->thresholds[k])
        k++;
    return k;
}

/* Packs level indices into bytes as they come (left to right). */
typedef struct packer {
    uint32_t bits;
    uint32_t bpp;
    uint32_t per_byte_mask; /* pixels per byte - 1 */
} packer;

static inline void pack_pixel(packer *p, uint8_t *packed, uint32_t x, uint32_t level)
{
    p->bits = (p->bits << p->bpp) | level;
    if ((x & p->per_byte_mask) == p->per_byte_mask)
        packed[(x * p->bpp) >> 3] = (uint8_t)p->bits;
}

static inline void pack_finish(const packer *p, uint8_t *packed, uint32_t width)
{
    uint32_t rest = width & p->per_byte_mask;
    if (rest)
        packed[(width * p->bpp) >> 3] =
            (uint8_t)(p->bits << ((p->per_byte_mask + 1u - rest) * p->bpp));
}

static packer packer_for(const ink_ditherer *d)
{
    packer p = {0, d->bits_per_pixel, d->bits_per_pixel == 1 ? 7u : 3u};
    return p;
}

/* floyd_steinberg.h */
#define IDENTITY_4(n) (n), (n) + 1, (n) + 2, (n) + 3
#define IDENTITY_16(n) IDENTITY_4(n), IDENTITY_4((n) + 4), IDENTITY_4((n) + 8), IDENTITY_4((n) + 12)
#define IDENTITY_64(n)                                                                           \
    IDENTITY_16(n), IDENTITY_16((n) + 16), IDENTITY_16((n) + 32), IDENTITY_16((n) + 48)
const uint16_t ink_dither_identity_domain[256] = {IDENTITY_64(0), IDENTITY_64(64), IDENTITY_64(128),
                                              IDENTITY_64(192)};

/* The domain value a pixel is quantised at: its table value plus the whole units of the error
 * `n` (sixteenths) that arrives at it; floor by arithmetic shift (GCC's >> of a negative int is
 * arithmetic, on the board and the host). */
static inline int32_t fs_value(int32_t domain, int32_t n)
{
    return domain + (n >> 4);
}

/* Spreads one pixel's error e (whole units) in sixteenths: 7e plus the fraction of `n` the
 * pixel did not take ahead (carried), 3e completes the next row's column behind (written to
 * `below_behind`), 5e below and e below-ahead (carried). 3e, 5e and 7e by adding 2e: three adds
 * (RV32: no multiply, no shift beyond the one doubling). */
static inline void fs_diffuse(fs_carry *carry, int32_t error, int32_t n, int32_t *below_behind)
{
    const int32_t twice = error + error, three = twice + error, five = three + twice;
    carry->ahead = five + twice + (n & 15);
    *below_behind = carry->below_behind + three;
    carry->below_behind = carry->below_here + five;
    carry->below_here = error;
}

/* Floyd–Steinberg to 1-bit output, the default conversion's path: the rules of dither.h (the
 * unit test holds the output to a plain reference of them, bit for bit), arranged for a
 * register-poor in-order core. The error for the pixel ahead stays in a register, and one error
 * row serves for both rows: a column of the next row is complete once the scan has passed it
 * (its last share is the behind-below one of the pixel after it), and by then the column's
 * error for this row has been read, so the entry is overwritten in place, once, never read
 * back, and no clearing pass is needed. Bits are packed eight pixels at a time: left to right
 * a byte fills from bit 7 down, right to left from bit 0 up, with 1 for black, complemented
 * as the byte is stored. Each whole byte is one unrolled block of eight pixels at constant
 * offsets from pointers that move once per byte (on RV32 that leaves no index arithmetic or
 * loop test per pixel). */
static void floyd_steinberg_1bit_row(ink_ditherer *ditherer, const uint8_t *gray,
                                     uint8_t *packed)
{
    int32_t *errors = fs_error_row(ditherer); /* this row in, next row out */
    const int32_t width = (int32_t)ditherer->width;
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    const int32_t black16 = ditherer->levels[0] * 16, white16 = ditherer->levels[1] * 16;
    const int32_t threshold16 = ditherer->thresholds[0] * 16;
    fs_carry carry = {0, 0, 0};
#define FS_1BIT_PIXEL(g, e, x, step)                                                             \
    fs_1bit_pixel(&carry, lut[(g)[x]] * 16, (e)[x], threshold16, black16, white16,             \
                  &(e)[(x) - (step)])
    const int32_t whole_bytes = width >> 3, tail_pixels = width & 7;
    if ((ditherer->y & 1u) == 0) {
        const uint8_t *g = gray;
        int32_t *e = errors;
        for (int32_t byte = 0; byte < whole_bytes; byte++, g += 8, e += 8) {
            uint32_t bits = 0;
#pragma GCC unroll 8
            for (int32_t i = 0; i < 8; i++)
                bits |= FS_1BIT_PIXEL(g, e, i, 1) << (7 - i);
            packed[byte] = (uint8_t)~bits;
        }
        if (tail_pixels) {
            uint32_t bits = 0;
            for (int32_t i = 0; i < tail_pixels; i++)
                bits = (bits << 1) | FS_1BIT_PIXEL(g, e, i, 1);
            packed[whole_bytes] = (uint8_t)(~bits << (8 - tail_pixels));
        }
        fs_end_row(errors, width, width - 1, &carry);
    } else {
        /* g and e point at the first pixel of the byte being filled; its pixel i is bit 7 - i */
        const uint8_t *g = gray + whole_bytes * 8;
        int32_t *e = errors + whole_bytes * 8;
        if (tail_pixels) {
            uint32_t bits = 0;
            for (int32_t i = tail_pixels - 1; i >= 0; i--)
                bits |= FS_1BIT_PIXEL(g, e, i, -1) << (7 - i);
            packed[whole_bytes] = (uint8_t)(~bits & (0xFF00u >> tail_pixels));
        }
        for (int32_t byte = whole_bytes - 1; byte >= 0; byte--) {
            g -= 8;
            e -= 8;
            uint32_t bits = 0;
#pragma GCC unroll 8
            for (int32_t i = 7; i >= 0; i--)
                bits |= FS_1BIT_PIXEL(g, e, i, -1) << (7 - i);
            packed[byte] = (uint8_t)~bits;
        }
        fs_end_row(errors, width, 0, &carry);
    }
#undef FS_1BIT_PIXEL
}

/* One pixel of the 2-bit path: the level is the count of thresholds the value reaches. */
static inline uint32_t fs_2bit_pixel(fs_carry *carry, int32_t domain, int32_t n,
                                     int32_t threshold0, int32_t threshold1, int32_t threshold2,
                                     const uint16_t *levels, int32_t *below_behind)
{
    n += carry->ahead;
    const int32_t value = fs_value(domain, n);
    const uint32_t level = (uint32_t)(value >= threshold0) + (uint32_t)(value >= threshold1) +
                           (uint32_t)(value >= threshold2);
    fs_diffuse(carry, value - levels[level], n, below_behind);
    return level;
}

/* Floyd–Steinberg to 2-bit output (four levels): the 1-bit path's arrangement (one error row
 * overwritten in place, carries in registers, each whole byte one unrolled block at constant
 * offsets) with the level found by counting the thresholds the value reaches; four pixels per
 * byte, left to right from bits 7..6 down, right to left from bits 1..0 up. */
static void floyd_steinberg_2bit_row(ink_ditherer *ditherer, const uint8_t *gray,
                                     uint8_t *packed)
{
    int32_t *errors = fs_error_row(ditherer); /* this row in, next row out */
    const int32_t width = (int32_t)ditherer->width;
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    const uint16_t *levels = ditherer->levels;
    const int32_t threshold0 = ditherer->thresholds[0], threshold1 = ditherer->thresholds[1];
    const int32_t threshold2 = ditherer->thresholds[2];
    fs_carry carry = {0, 0, 0};
#define FS_2BIT_PIXEL(g, e, x, step)                                                             \
    fs_2bit_pixel(&carry, lut[(g)[x]], (e)[x], threshold0, threshold1, threshold2, levels,       \
                  &(e)[(x) - (step)])
    const int32_t whole_bytes = width >> 2, tail_pixels = width & 3;
    if ((ditherer->y & 1u) == 0) {
        const uint8_t *g = gray;
        int32_t *e = errors;
        for (int32_t byte = 0; byte < whole_bytes; byte++, g += 4, e += 4) {
            uint32_t bits = 0;
#pragma GCC unroll 4
            for (int32_t i = 0; i < 4; i++)
                bits = (bits << 2) | FS_2BIT_PIXEL(g, e, i, 1);
            packed[byte] = (uint8_t)bits;
        }
        if (tail_pixels) {
            uint32_t bits = 0;
            for (int32_t i = 0; i < tail_pixels; i++)
                bits = (bits << 2) | FS_2BIT_PIXEL(g, e, i, 1);
            packed[whole_bytes] = (uint8_t)(bits << (2 * (4 - tail_pixels)));
        }
        fs_end_row(errors, width, width - 1, &carry);
    } else {
        /* g and e point at the first pixel of the byte being filled; its pixel i is bits
         * 7 - 2i .. 6 - 2i */
        const uint8_t *g = gray + whole_bytes * 4;
        int32_t *e = errors + whole_bytes * 4;
        if (tail_pixels) {
            uint32_t bits = 0;
            for (int32_t i = tail_pixels - 1; i >= 0; i--)
                bits |= FS_2BIT_PIXEL(g, e, i, -1) << (6 - 2 * i);
            packed[whole_bytes] = (uint8_t)bits;
        }
        for (int32_t byte = whole_bytes - 1; byte >= 0; byte--) {
            g -= 4;
            e -= 4;
            uint32_t bits = 0;
#pragma GCC unroll 4
            for (int32_t i = 3; i >= 0; i--)
                bits |= FS_2BIT_PIXEL(g, e, i, -1) << (6 - 2 * i);
            packed[byte] = (uint8_t)bits;
        }
        fs_end_row(errors, width, 0, &carry);
    }
#undef FS_2BIT_PIXEL
}

/* What the Atkinson paths carry from pixel to pixel, in registers. */
typedef struct atkinson_carry {
    int32_t ahead1, ahead2;  /* error for (x+1, y) and (x+2, y) */
    int32_t share_behind;    /* the share of pixel x-1 */
    int32_t below_behind;    /* shares of x-2 and x-1 owed to (x-1, y+1); x's completes it */
} atkinson_carry;

/* Spreads one pixel's error: e / 8 (C's division, truncating toward zero: (e + 7) >> 3 for
 * negative e) to (x+1, y) and (x+2, y) (carried), to (x-1, y+1), which this completes in
 * `below_behind` (one read-modify-write, where the rules take three), to (x, y+1) and
 * (x+1, y+1) (carried), and to (x, y+2) in `below_below`. */
static inline void atkinson_diffuse(atkinson_carry *carry, int32_t error, int16_t *below_behind,
                                    int16_t *below_below)
{
    const int32_t share = (error + ((error >> 31) & 7)) >> 3;
    carry->ahead1 = carry->ahead2 + share;
    carry->ahead2 = share;
    *below_behind = (int16_t)(*below_behind + carry->below_behind + share);
    carry->below_behind = carry->share_behind + share;
    carry->share_behind = share;
    *below_below = (int16_t)share;
}

/* The end of an Atkinson row: (width-1, y+1) still owes the last two shares; (width, y+1) is
 * off the image, and so is (-1, y+1), which the first pixel wrote into the padding. */
static void atkinson_end_row(ink_ditherer *ditherer, const atkinson_carry *carry)
{
    int16_t *next_row = ditherer->errors_next_row + INK_DITHER_ERROR_PAD;
    const int32_t width = (int32_t)ditherer->width;
    next_row[width - 1] = (int16_t)(next_row[width - 1] + carry->below_behind);
    next_row[-1] = 0;
    next_row[width] = 0;
    swap_error_rows(ditherer);
}

/* Atkinson to 1-bit output: the rules of dither.h (held to the test's reference bit for bit)
 * with the row-ahead error in registers, each next-row entry updated once, and each whole byte
 * one unrolled block of eight pixels at constant offsets from pointers that move once per byte
 * (as the Floyd–Steinberg rows). */
static void atkinson_1bit_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    int16_t *this_row = ditherer->errors_this_row + INK_DITHER_ERROR_PAD;
    int16_t *next_row = ditherer->errors_next_row + INK_DITHER_ERROR_PAD;
    const int32_t width = (int32_t)ditherer->width;
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    const int32_t black = ditherer->levels[0], threshold = ditherer->thresholds[0];
    const int32_t span = ditherer->levels[1] - black;
    atkinson_carry carry = {0, 0, 0, 0};
#define ATKINSON_1BIT_PIXEL(g, e, n, x, bits)                                                    \
    do {                                                                                         \
        int32_t value = lut[(g)[x]] + (e)[x] + carry.ahead1;                                     \
        uint32_t white = value >= threshold;                                                     \
        atkinson_diffuse(&carry, value - black - (-(int32_t)white & span), &(n)[(x) - 1],        \
                         &(e)[x]);                                                               \
        bits = (bits << 1) | white;                                                              \
    } while (0)
    const int32_t whole_bytes = width >> 3, tail_pixels = width & 7;
    const uint8_t *g = gray;
    int16_t *e = this_row, *n = next_row;
    for (int32_t byte = 0; byte < whole_bytes; byte++, g += 8, e += 8, n += 8) {
        uint32_t bits = 0;
#pragma GCC unroll 8
        for (int32_t i = 0; i < 8; i++)
            ATKINSON_1BIT_PIXEL(g, e, n, i, bits);
        packed[byte] = (uint8_t)bits;
    }
    if (tail_pixels) {
        uint32_t bits = 0;
        for (int32_t i = 0; i < tail_pixels; i++)
            ATKINSON_1BIT_PIXEL(g, e, n, i, bits);
        packed[whole_bytes] = (uint8_t)(bits << (8 - tail_pixels));
    }
#undef ATKINSON_1BIT_PIXEL
    atkinson_end_row(ditherer, &carry);
}

/* Atkinson to 2-bit output: as the 1-bit row, with the level found by counting the thresholds
 * the value reaches, four pixels per byte (one unrolled block). */
static void atkinson_2bit_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    int16_t *this_row = ditherer->errors_this_row + INK_DITHER_ERROR_PAD;
    int16_t *next_row = ditherer->errors_next_row + INK_DITHER_ERROR_PAD;
    const int32_t width = (int32_t)ditherer->width;
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    const uint16_t *levels = ditherer->levels;
    const int32_t threshold0 = ditherer->thresholds[0], threshold1 = ditherer->thresholds[1];
    const int32_t threshold2 = ditherer->thresholds[2];
    atkinson_carry carry = {0, 0, 0, 0};
#define ATKINSON_2BIT_PIXEL(g, e, n, x, bits)                                                    \
    do {                                                                                         \
        int32_t value = lut[(g)[x]] + (e)[x] + carry.ahead1;                                     \
        uint32_t level = (uint32_t)(value >= threshold0) + (uint32_t)(value >= threshold1) +     \
                         (uint32_t)(value >= threshold2);                                        \
        atkinson_diffuse(&carry, value - levels[level], &(n)[(x) - 1], &(e)[x]);                 \
        bits = (bits << 2) | level;                                                              \
    } while (0)
    const int32_t whole_bytes = width >> 2, tail_pixels = width & 3;
    const uint8_t *g = gray;
    int16_t *e = this_row, *n = next_row;
    for (int32_t byte = 0; byte < whole_bytes; byte++, g += 4, e += 4, n += 4) {
        uint32_t bits = 0;
#pragma GCC unroll 4
        for (int32_t i = 0; i < 4; i++)
            ATKINSON_2BIT_PIXEL(g, e, n, i, bits);
        packed[byte] = (uint8_t)bits;
    }
    if (tail_pixels) {
        uint32_t bits = 0;
        for (int32_t i = 0; i < tail_pixels; i++)
            ATKINSON_2BIT_PIXEL(g, e, n, i, bits);
        packed[whole_bytes] = (uint8_t)(bits << (2 * (4 - tail_pixels)));
    }
#undef ATKINSON_2BIT_PIXEL
    atkinson_end_row(ditherer, &carry);
}

static void threshold_row(const ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    uint32_t width = ditherer->width;
    packer p = packer_for(ditherer);
    for (uint32_t x = 0; x < width; x++)
        pack_pixel(&p, packed, x, quantise(ditherer, domain_value(ditherer, gray[x])));
    pack_finish(&p, packed, width);
}

static void ordered_row(const ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    const uint32_t width = ditherer->width;
    const uint8_t *bayer_row = ink_bayer8[ditherer->y & 7u];
    const uint32_t top = ditherer->count - 1u;
    packer p = packer_for(ditherer);
    for (uint32_t x = 0; x < width; x++) {
        int32_t value = domain_value(ditherer, gray[x]);
        uint32_t k = 0;
        while (k + 1u < top && value >= (int32_t)ditherer->levels[k + 1])
            k++;
        int32_t low = ditherer->levels[k], span = ditherer->levels[k + 1] - low;
        int32_t threshold = (2 * bayer_row[x & 7u] + 1) * span;
        uint32_t level = (value - low) * 128 >= threshold ? k + 1u : k;
        pack_pixel(&p, packed, x, level);
    }
    pack_finish(&p, packed, width);
}

/* Threshold and ordered dithering to 1-bit output, as one loop: a pixel is white when its domain
 * value reaches its column's threshold, one per column of an 8-wide period, eight pixels packed
 * per byte. Threshold: every column's is thresholds[0]. Ordered: the rule
 * (v - low) * 128 >= (2b + 1) * span holds, for v >= low (every domain value is), exactly when
 * v >= low + ceil((2b + 1) * span / 128), which is worked out once per row. */
static void compare_1bit_row(const ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    const int32_t width = (int32_t)ditherer->width;
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    int32_t column_threshold[8];
    if (ditherer->method == INK_DITHER_ORDERED) {
        const uint8_t *bayer_row = ink_bayer8[ditherer->y & 7u];
        const int32_t low = ditherer->levels[0], span = ditherer->levels[1] - low;
        for (int32_t i = 0; i < 8; i++)
            column_threshold[i] = low + ((2 * bayer_row[i] + 1) * span + 127) / 128;
    } else {
        for (int32_t i = 0; i < 8; i++)
            column_threshold[i] = ditherer->thresholds[0];
    }
    const int32_t whole_bytes = width >> 3, tail_pixels = width & 7;
    int32_t x = 0;
    for (int32_t byte = 0; byte < whole_bytes; byte++, x += 8) {
        uint32_t bits = 0;
        for (int32_t i = 0; i < 8; i++)
            bits = (bits << 1) | (uint32_t)(lut[gray[x + i]] >= column_threshold[i]);
        packed[byte] = (uint8_t)bits;
    }
    if (tail_pixels) {
        uint32_t bits = 0;
        for (int32_t i = 0; i < tail_pixels; i++)
            bits = (bits << 1) | (uint32_t)(lut[gray[x + i]] >= column_threshold[i]);
        packed[whole_bytes] = (uint8_t)(bits << (8 - tail_pixels));
    }
}

void ink_dither_row(ink_ditherer *ditherer, const uint8_t *gray, uint8_t *packed)
{
    switch (ditherer->method) {
    case INK_DITHER_ATKINSON:
        if (ditherer->bits_per_pixel == 1)
            atkinson_1bit_row(ditherer, gray, packed);
        else
            atkinson_2bit_row(ditherer, gray, packed);
        break;
    case INK_DITHER_FLOYD_STEINBERG:
        if (ditherer->bits_per_pixel == 1)
            floyd_steinberg_1bit_row(ditherer, gray, packed);
        else
            floyd_steinberg_2bit_row(ditherer, gray, packed);
        break;
    case INK_DITHER_THRESHOLD:
        if (ditherer->bits_per_pixel == 1)
            compare_1bit_row(ditherer, gray, packed);
        else
            threshold_row(ditherer, gray, packed);
        break;
    case INK_DITHER_ORDERED:
        if (ditherer->bits_per_pixel == 1)
            compare_1bit_row(ditherer, gray, packed);
        else
            ordered_row(ditherer, gray, packed);
        break;
    }
    ditherer->y++;
}
