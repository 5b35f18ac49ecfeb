/*
 * scale_dither.c — the scaler's finishing walk with 1-bit Floyd–Steinberg (see scale_dither.h).
 *
 * The walk is finish_row_reducing_as of decode/scale.c for one whole source pixel per column
 * (a reduction between 1 and 2, what the DCT prescale leaves), one column at a time, in either
 * direction (`step` +1 or -1, a constant at each call): `value` is always the completed sum of
 * the source pixel where the next column starts, completed once and carried; the last column
 * ends on the crop's edge, on a pixel boundary, and reads nothing past it. A column's sum is
 * taken directly rather than as a difference of running sums: px_units times its pixels' sums,
 * less the start pixel's share of the column before, plus the end pixel's share (one
 * instruction fewer a column; the same exact sum). Each column's
 * rounded average goes straight through the domain table into the Floyd–Steinberg pixel of
 * dither/floyd_steinberg.h. Whole bytes are unrolled blocks of eight columns, as the ditherer's
 * own rows; the byte holding the last column is a loop that knows which column is last.
 */
#include "decode/scale_dither.h"

#include "decode/scale_internal.h"
#include "dither/floyd_steinberg.h"

bool ink_scale_dither_fits(const ink_scaler *scaler, const ink_ditherer *ditherer)
{
    return scaler->plan == INK_SCALER_SOURCE_COLUMNS && scaler->col_whole_px == 1 &&
           ditherer->method == INK_DITHER_FLOYD_STEINBERG && ditherer->bits_per_pixel == 1 &&
           ditherer->width == scaler->geometry.out_width;
}

/* What the walk carries from column to column (locals once inlined). */
typedef struct column_walk {
    uint32_t *sum;          /* the sum of the pixel at `source` */
    const uint8_t *source;  /* the last source pixel completed, less the block's columns passed
                               (walk_next_column) */
    uint32_t offset;        /* units of the pixel at `source` inside the column just finished */
    uint32_t share;         /* offset * value: that pixel's share of the column just finished */
    uint32_t value;         /* the completed sum of the pixel at `source`, where the next column
                               starts */
} column_walk;

/* The image's constants, read once per row (through the scaler GCC would reload them after
 * every store to the sums, which may alias them). */
typedef struct walk_constants {
    uint32_t px_units, rest_units;
    uint32_t weight, rest;                  /* this source row's units: finished row, next row */
    uint32_t divisor, reciprocal, half;
} walk_constants;

typedef struct fs_levels {
    const uint16_t *domain16; /* ink_scale_dither_table */
    int32_t threshold16, black16, white16;
} fs_levels;

/* The next column's rounded average (0..255). `column` (a constant in the unrolled blocks, 0
 * elsewhere) is its place in the block: the pixel where it starts is at sum + step * column,
 * so the pointers move only for the whole pixel some columns have besides (and by the block's
 * width after it), not twice a column. With `last`, the column ends on the crop's edge: no
 * pixel after it is read. */
static inline uint32_t walk_next_column(column_walk *w, const walk_constants *k,
                                        const bool exact, const int32_t step, const bool last,
                                        const int32_t column)
{
    uint32_t *sum = w->sum;
    const uint8_t *source = w->source;
    uint32_t whole_sum = w->value; /* the pixels wholly or partly in the column, but the end one */
    uint32_t offset = w->offset + k->rest_units;
    if (offset >= k->px_units) {
        offset -= k->px_units;
        sum += step;
        source += step;
        whole_sum += complete_column(sum + step * column, source + step * column, k->weight,
                                     k->rest);
    }
    /* whole_sum weighs px_units a pixel, less the start pixel's share of the column before */
    uint32_t total = whole_sum * k->px_units - w->share + k->half;
    if (!last) {
        w->value = complete_column(sum + step * (column + 1), source + step * (column + 1),
                                   k->weight, k->rest);
        w->share = offset * w->value;
        total += w->share;
    }
    w->sum = sum;
    w->source = source;
    w->offset = offset;
    return divide_by_reciprocal(total, k->divisor, k->reciprocal, exact);
}

/* One output pixel: scaled, then dithered at column `e` of the error row (the behind-below
 * share goes to e - step). Returns 1 for black. */
static inline uint32_t scale_dither_pixel(column_walk *w, const walk_constants *k,
                                          fs_carry *carry, const fs_levels *l, int32_t *e,
                                          const bool exact, const int32_t step, const bool last,
                                          const int32_t column)
{
    const uint32_t gray = walk_next_column(w, k, exact, step, last, column);
    return fs_1bit_pixel(carry, l->domain16[gray], *e, l->threshold16, l->black16, l->white16,
                         e - step);
}

/* A column outside the unrolled blocks: its place is 0, and the pointers move past it. */
static inline uint32_t scale_dither_single_pixel(column_walk *w, const walk_constants *k,
                                                 fs_carry *carry, const fs_levels *l, int32_t *e,
                                                 const bool exact, const int32_t step,
                                                 const bool last)
{
    const uint32_t dark = scale_dither_pixel(w, k, carry, l, e, exact, step, last, 0);
    if (!last) {
        w->sum += step;
        w->source += step;
    }
    return dark;
}

/* Always inlined: each of the four calls below is its own copy with `exact` and `step`
 * constant (left to GCC, fewer than eight callers got one generic copy with both as variables,
 * 1.8 instructions per output pixel slower). */
static inline __attribute__((always_inline)) void
scale_dither_row_as(ink_scaler *scaler, ink_ditherer *ditherer, const uint16_t *domain16,
                    const uint8_t *source, uint32_t weight, uint32_t rest, uint8_t *packed,
                    const bool exact, const int32_t step)
{
    const int32_t width = (int32_t)scaler->geometry.out_width;
    const walk_constants k = {scaler->px_units,     scaler->col_rest_units, weight,
                              rest,                 scaler->out_divisor,    scaler->out_reciprocal,
                              scaler->out_divisor / 2u};
    const fs_levels l = {domain16, ditherer->thresholds[0] * 16, ditherer->levels[0] * 16,
                         ditherer->levels[1] * 16};
    column_walk w = {scaler->accumulators, source, 0, 0, 0};
    if (step < 0) { /* the walk starts at the crop's right edge */
        w.sum += scaler->geometry.crop_width - 1u;
        w.source += scaler->geometry.crop_width - 1u;
    }
    w.value = complete_column(w.sum, w.source, weight, rest);
    int32_t *errors = fs_error_row(ditherer);
    fs_carry carry = {0, 0, 0};
    const int32_t last_byte = (width - 1) >> 3, last_byte_pixels = width - 8 * last_byte;
    const uint32_t last_byte_mask = 0xFF00u >> last_byte_pixels;
#define SCALE_DITHER_PIXEL(e, last)                                                              \
    scale_dither_single_pixel(&w, &k, &carry, &l, (e), exact, step, (last))
#define SCALE_DITHER_BLOCK_PIXEL(e, column)                                                      \
    scale_dither_pixel(&w, &k, &carry, &l, (e), exact, step, false, (column))
    if (step > 0) {
        int32_t *e = errors;
        for (int32_t byte = 0; byte < last_byte; byte++, e += 8) {
            uint32_t bits = 0;
#pragma GCC unroll 8
            for (int32_t i = 0; i < 8; i++)
                bits |= SCALE_DITHER_BLOCK_PIXEL(e + i, i) << (7 - i);
            packed[byte] = (uint8_t)~bits;
            w.sum += 8;
            w.source += 8;
        }
        uint32_t bits = 0;
        for (int32_t i = 0; i < last_byte_pixels; i++)
            bits |= SCALE_DITHER_PIXEL(e + i, i == last_byte_pixels - 1) << (7 - i);
        packed[last_byte] = (uint8_t)(~bits & last_byte_mask);
        fs_end_row(errors, width, width - 1, &carry);
    } else {
        uint32_t bits = 0;
        for (int32_t x = width - 1; x >= 8 * last_byte; x--)
            bits |= SCALE_DITHER_PIXEL(errors + x, x == 0) << (7 - (x & 7));
        packed[last_byte] = (uint8_t)(~bits & last_byte_mask);
        for (int32_t byte = last_byte - 1; byte >= 1; byte--) {
            int32_t *e = errors + 8 * byte + 7; /* the block's first pixel in walk order */
            bits = 0;
#pragma GCC unroll 8
            for (int32_t i = 0; i < 8; i++)
                bits |= SCALE_DITHER_BLOCK_PIXEL(e - i, i) << i;
            packed[byte] = (uint8_t)~bits;
            w.sum -= 8;
            w.source -= 8;
        }
        if (last_byte >= 1) {
            bits = 0;
            for (int32_t x = 7; x >= 0; x--)
                bits |= SCALE_DITHER_PIXEL(errors + x, x == 0) << (7 - x);
            packed[0] = (uint8_t)~bits;
        }
        fs_end_row(errors, width, 0, &carry);
    }
#undef SCALE_DITHER_PIXEL
#undef SCALE_DITHER_BLOCK_PIXEL
}

bool ink_scale_dither_table(const ink_ditherer *ditherer, uint16_t domain16[256])
{
    const uint16_t *lut = ditherer->lut ? ditherer->lut : ink_dither_identity_domain;
    for (unsigned g = 0; g < 256; g++)
        if (lut[g] > INK_DOMAIN_WHITE)
            return false;
    for (unsigned g = 0; g < 256; g++)
        domain16[g] = (uint16_t)(lut[g] * 16u);
    return true;
}

void ink_scale_dither_row(ink_scaler *scaler, ink_ditherer *ditherer,
                          const uint16_t domain16[256], const uint8_t *source, uint32_t weight,
                          uint32_t rest, uint8_t *packed)
{
    const bool exact = scaler_division_exact(scaler);
    const bool left_to_right = (ditherer->y & 1u) == 0;
    if (!exact && left_to_right)
        scale_dither_row_as(scaler, ditherer, domain16, source, weight, rest, packed, false, 1);
    else if (!exact)
        scale_dither_row_as(scaler, ditherer, domain16, source, weight, rest, packed, false, -1);
    else if (left_to_right)
        scale_dither_row_as(scaler, ditherer, domain16, source, weight, rest, packed, true, 1);
    else
        scale_dither_row_as(scaler, ditherer, domain16, source, weight, rest, packed, true, -1);
    ditherer->y++;
}
