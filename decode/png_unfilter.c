/*
 * png_unfilter.c — undoes the five PNG filters (PNG spec, clause 9) in place.
 *
 * The row buffer holds the previous row; the current row's filtered bytes arrive in chunks
 * and overwrite it left to right. At byte i, the filters need
 *   a = current row, one pixel left   -> row[i - bpp], already overwritten: exactly right
 *   b = previous row, same position   -> row[i], not yet overwritten: exactly right
 *   c = previous row, one pixel left  -> overwritten, so kept aside: upper_left[] holds the
 *       previous row's bytes of the pixel before the one being written, across chunks too.
 * So one row buffer does the work of the usual two.
 */
#include "decode/png_internal.h"

#include <string.h>

void ink_png_unfilter_begin_row(ink_png_unfilter *state, uint8_t filter, uint8_t bpp)
{
    state->filter = filter;
    state->bpp = bpp;
    memset(state->upper_left, 0, sizeof state->upper_left);
}

static inline uint8_t paeth(uint32_t a, uint32_t b, uint32_t c)
{
    /* Spec 9.4: the predictor nearest to p = a + b - c; ties prefer a, then b. */
    int32_t pa = (int32_t)b - (int32_t)c;
    int32_t pb = (int32_t)a - (int32_t)c;
    int32_t pc = pa + pb;
    pa = pa < 0 ? -pa : pa;
    pb = pb < 0 ? -pb : pb;
    pc = pc < 0 ? -pc : pc;
    if (pa <= pb && pa <= pc)
        return (uint8_t)a;
    return (uint8_t)(pb <= pc ? b : c);
}

/* Paeth with a compile-time pixel size, so the per-byte loop unrolls. */
static inline void paeth_pixels(uint8_t *restrict row, uint32_t offset, const uint8_t *restrict src,
                                uint32_t nbytes, unsigned bpp, uint8_t *upper_left)
{
    uint8_t left[8], up_left[8];
    for (unsigned k = 0; k < bpp; k++) {
        left[k] = offset >= bpp ? row[offset - bpp + k] : 0;
        up_left[k] = upper_left[k];
    }
    uint8_t *out = row + offset;
    for (uint32_t i = 0; i < nbytes; i += bpp) {
        for (unsigned k = 0; k < bpp; k++) {
            uint8_t up = out[i + k];
            uint8_t value = (uint8_t)(src[i + k] + paeth(left[k], up, up_left[k]));
            out[i + k] = value;
            left[k] = value;
            up_left[k] = up;
        }
    }
    memcpy(upper_left, up_left, bpp);
}

void ink_png_unfilter_chunk(ink_png_unfilter *state, uint8_t *row, uint32_t offset,
                            const uint8_t *src, uint32_t nbytes)
{
    const uint32_t bpp = state->bpp;
    uint8_t *out = row + offset;
    switch (state->filter) {
    case 0: /* None */
        memcpy(out, src, nbytes);
        break;
    case 1: { /* Sub */
        uint32_t i = 0;
        if (offset == 0) {
            for (; i < bpp && i < nbytes; i++)
                out[i] = src[i];
        }
        for (; i < nbytes; i++)
            out[i] = (uint8_t)(src[i] + out[(int32_t)i - (int32_t)bpp]);
        break;
    }
    case 2: /* Up */
        for (uint32_t i = 0; i < nbytes; i++)
            out[i] = (uint8_t)(out[i] + src[i]);
        break;
    case 3: { /* Average */
        uint32_t i = 0;
        if (offset == 0) {
            for (; i < bpp && i < nbytes; i++)
                out[i] = (uint8_t)(src[i] + (out[i] >> 1));
        }
        for (; i < nbytes; i++)
            out[i] = (uint8_t)(src[i] + ((out[(int32_t)i - (int32_t)bpp] + out[i]) >> 1));
        break;
    }
    default: /* 4: Paeth */
        switch (bpp) {
        case 1: paeth_pixels(row, offset, src, nbytes, 1, state->upper_left); break;
        case 2: paeth_pixels(row, offset, src, nbytes, 2, state->upper_left); break;
        case 3: paeth_pixels(row, offset, src, nbytes, 3, state->upper_left); break;
        case 4: paeth_pixels(row, offset, src, nbytes, 4, state->upper_left); break;
        case 6: paeth_pixels(row, offset, src, nbytes, 6, state->upper_left); break;
        default: paeth_pixels(row, offset, src, nbytes, 8, state->upper_left); break;
        }
        break;
    }
}
