/*
 * scale_internal.h — the scaler's arithmetic shared by its own walks (decode/scale.c) and the
 * walk that dithers each output pixel as it is finished (decode/scale_dither.c).
 */
#ifndef INK_DECODE_SCALE_INTERNAL_H
#define INK_DECODE_SCALE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/scale.h"

/* The high word of a 32 x 32-bit product: one `mulhu` on RV32. */
static inline uint32_t multiply_high(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
}

/* The rounded quotient total / divisor, total = sum + floor(divisor / 2) <= 255.5 * divisor.
 * floor(2^32 / divisor) makes the quotient low by less than 255.5 * divisor / 2^32 (less than
 * 1): with `exact`, one correction step makes it exact. Without it, a quotient can come out one
 * low when the remainder is that small, so the output may be off the true average by
 * 0.5 + 1/(2 divisor) (the halving of an odd divisor) + 255.5 * divisor / 2^32: the callers
 * skip the correction only for 256 <= divisor <= 32768, where that stays below 0.5 + 1/256,
 * the scaler's bound — five instructions fewer per output pixel. */
#define INK_SCALER_NEARLY_EXACT_MIN 256u
#define INK_SCALER_NEARLY_EXACT_MAX 32768u
static inline uint32_t divide_by_reciprocal(uint32_t total, uint32_t divisor, uint32_t reciprocal,
                                            const bool exact)
{
    uint32_t value = multiply_high(total, reciprocal);
    if (exact && total - value * divisor >= divisor)
        value++;
    return value;
}

/* Whether the source-column walk needs the correction step (see divide_by_reciprocal). */
static inline bool scaler_division_exact(const ink_scaler *scaler)
{
    return scaler->out_divisor < INK_SCALER_NEARLY_EXACT_MIN ||
           scaler->out_divisor > INK_SCALER_NEARLY_EXACT_MAX;
}

/* A source column's sum completed with `weight` units of this row, and restarted with the row's
 * `rest` units (the walk never reads it again in this output row). */
static inline uint32_t complete_column(uint32_t *sum, const uint8_t *source, uint32_t weight,
                                       uint32_t rest)
{
    uint32_t pixel = *source;
    uint32_t value = *sum + pixel * weight;
    *sum = pixel * rest;
    return value;
}

#endif
