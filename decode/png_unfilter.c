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
 *
 * Speed (docs/PNG.md, RV32 instruction counts): Sub, Average and Paeth depend on the byte one
 * pixel to the left, so a chunk is undone one byte lane at a time (bytes k, k + bpp, ...): the
 * lane's a and c then live in registers rather than in per-lane arrays. Up has no such
 * dependency and is done four bytes at a time with a carry-free byte-wise add. For 8-bit RGB
 * and RGBA rows the decoder mostly takes the fused path at the end of this file instead, pixel
 * by pixel with the gray conversion.
 */
#include "decode/png_internal.h"

#include <string.h>

#include "decode/gray.h"

void ink_png_unfilter_begin_row(ink_png_unfilter *state, uint8_t filter, uint8_t bpp)
{
    state->filter = filter;
    state->bpp = bpp;
    memset(state->upper_left, 0, sizeof state->upper_left);
    state->gray_above = false;
}

/* One byte of each filter: x is the filtered byte; a, b, c as above. */
static inline uint32_t sub_byte(uint32_t x, uint32_t a)
{
    return (x + a) & 0xFFu;
}

static inline uint32_t average_byte(uint32_t x, uint32_t a, uint32_t b)
{
    return (x + ((a + b) >> 1)) & 0xFFu;
}

/*
 * Spec 9.4: the nearest of a, b, c to p = a + b - c, ties preferring a, then b. With lo and hi
 * the smaller and larger of a and b: when c <= lo, p - c = (a - c) + (b - c) is the largest
 * distance and the nearer of a and b to p is hi (a on a tie, which is then also hi); when
 * c >= hi, likewise lo; in between, with dh = hi - c and dl = c - lo (pc = |dh - dl|), hi if
 * 2 dl <= dh, lo if 2 dh <= dl (never both, dl > 0), else c. Comparisons only, two or three
 * per byte in photos, where most bytes take one of the first two branches; the two orders of a
 * and b are written out so that no min/max moves are needed (test_png_rows checks every a, b
 * and c against the spec's formula).
 */
static inline uint32_t paeth_between(uint32_t lo, uint32_t hi, uint32_t c)
{
    uint32_t dh = hi - c, dl = c - lo;
    return 2 * dl <= dh ? hi : 2 * dh <= dl ? lo : c;
}

static inline uint32_t paeth_byte(uint32_t x, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t predictor; /* written out for each order of a and b: no min/max moves */
    if (a >= b)
        predictor = c <= b ? a : c >= a ? b : paeth_between(b, a, c);
    else
        predictor = c <= a ? b : c >= b ? a : paeth_between(a, b, c);
    return (x + predictor) & 0xFFu;
}

/*
 * The lane functions undo `nbytes` bytes at `out` (the previous row, overwritten) from `src`.
 * A lane's first a is the byte one pixel to the left (out[k - bpp]), 0 at the row's start.
 * Each lane goes two bytes per step: with bpp a constant (the callers below inline them for 3
 * and 4, RGB8 and RGBA8) the second byte's offset is an immediate, the pointers advance once
 * per two bytes, and Paeth's c is the first byte's b without a register move.
 */
static inline __attribute__((always_inline)) void sub_lanes(uint8_t *out, const uint8_t *src,
                                                             uint32_t nbytes, uint32_t bpp,
                                                             bool row_start)
{
    const uint32_t lane_nbytes = nbytes / bpp; /* nbytes is a multiple of bpp */
    for (uint32_t k = 0; k < bpp && k < nbytes; k++) {
        uint32_t a = row_start ? 0u : out[(int32_t)k - (int32_t)bpp];
        const uint8_t *s = src + k;
        uint8_t *o = out + k;
        uint32_t count = lane_nbytes;
        for (; count >= 2; count -= 2, o += 2 * bpp, s += 2 * bpp) {
            a = sub_byte(s[0], a);
            o[0] = (uint8_t)a;
            a = sub_byte(s[bpp], a);
            o[bpp] = (uint8_t)a;
        }
        if (count > 0)
            *o = (uint8_t)sub_byte(*s, a);
    }
}

static inline __attribute__((always_inline)) void average_lanes(uint8_t *out,
                                                                 const uint8_t *src,
                                                                 uint32_t nbytes, uint32_t bpp,
                                                                 bool row_start)
{
    const uint32_t lane_nbytes = nbytes / bpp; /* nbytes is a multiple of bpp */
    for (uint32_t k = 0; k < bpp && k < nbytes; k++) {
        uint32_t a = row_start ? 0u : out[(int32_t)k - (int32_t)bpp];
        const uint8_t *s = src + k;
        uint8_t *o = out + k;
        uint32_t count = lane_nbytes;
        for (; count >= 2; count -= 2, o += 2 * bpp, s += 2 * bpp) {
            a = average_byte(s[0], a, o[0]);
            o[0] = (uint8_t)a;
            a = average_byte(s[bpp], a, o[bpp]);
            o[bpp] = (uint8_t)a;
        }
        if (count > 0)
            *o = (uint8_t)average_byte(*s, a, *o);
    }
}

static inline __attribute__((always_inline)) void paeth_lanes(uint8_t *out, const uint8_t *src,
                                                               uint32_t nbytes, uint32_t bpp,
                                                               bool row_start,
                                                               uint8_t *upper_left)
{
    const uint32_t lane_nbytes = nbytes / bpp; /* nbytes is a multiple of bpp */
    for (uint32_t k = 0; k < bpp && k < nbytes; k++) {
        uint32_t a = row_start ? 0u : out[(int32_t)k - (int32_t)bpp];
        uint32_t c = upper_left[k];
        const uint8_t *s = src + k;
        uint8_t *o = out + k;
        uint32_t count = lane_nbytes;
        /* Four bytes a step: with Paeth's few comparisons the loop's own instructions count. */
        for (; count >= 4; count -= 4, o += 4 * bpp, s += 4 * bpp) {
            uint32_t b0 = o[0], b1 = o[bpp], b2 = o[2 * bpp], b3 = o[3 * bpp];
            a = paeth_byte(s[0], a, b0, c);
            o[0] = (uint8_t)a;
            a = paeth_byte(s[bpp], a, b1, b0);
            o[bpp] = (uint8_t)a;
            a = paeth_byte(s[2 * bpp], a, b2, b1);
            o[2 * bpp] = (uint8_t)a;
            a = paeth_byte(s[3 * bpp], a, b3, b2);
            o[3 * bpp] = (uint8_t)a;
            c = b3;
        }
        for (; count >= 2; count -= 2, o += 2 * bpp, s += 2 * bpp) {
            uint32_t b0 = o[0], b1 = o[bpp];
            a = paeth_byte(s[0], a, b0, c);
            o[0] = (uint8_t)a;
            a = paeth_byte(s[bpp], a, b1, b0);
            o[bpp] = (uint8_t)a;
            c = b1;
        }
        if (count > 0) {
            uint32_t b = *o;
            *o = (uint8_t)paeth_byte(*s, a, b, c);
            c = b;
        }
        upper_left[k] = (uint8_t)c;
    }
}

/* The lane functions for one filter, inlined with bpp 3 and 4 as constants and once for any. */
static void sub_chunk(uint8_t *out, const uint8_t *src, uint32_t nbytes, uint32_t bpp,
                      bool row_start)
{
    if (bpp == 3)
        sub_lanes(out, src, nbytes, 3, row_start);
    else if (bpp == 4)
        sub_lanes(out, src, nbytes, 4, row_start);
    else
        sub_lanes(out, src, nbytes, bpp, row_start);
}

static void average_chunk(uint8_t *out, const uint8_t *src, uint32_t nbytes, uint32_t bpp,
                          bool row_start)
{
    if (bpp == 3)
        average_lanes(out, src, nbytes, 3, row_start);
    else if (bpp == 4)
        average_lanes(out, src, nbytes, 4, row_start);
    else
        average_lanes(out, src, nbytes, bpp, row_start);
}

static void paeth_chunk(uint8_t *out, const uint8_t *src, uint32_t nbytes, uint32_t bpp,
                        bool row_start, uint8_t *upper_left)
{
    if (bpp == 3)
        paeth_lanes(out, src, nbytes, 3, row_start, upper_left);
    else if (bpp == 4)
        paeth_lanes(out, src, nbytes, 4, row_start, upper_left);
    else
        paeth_lanes(out, src, nbytes, bpp, row_start, upper_left);
}

/*
 * out[i] += src[i] for every byte. When out and src sit at the same offset within a word (after
 * a few single bytes, both are aligned), four bytes at a time: the byte-wise sum of two words
 * without carries between bytes adds the low seven bits of each byte, then puts back the top
 * bits with an exclusive or (the carry out of bit 7 is what must be dropped); 13 RV32
 * instructions per word. Otherwise (the inflated row can start anywhere in a word) four single
 * bytes per step with immediate offsets, 19 per four bytes instead of 28 one at a time.
 */
/* A word that may alias the row bytes (GCC and Clang), for the aligned loop of up_bytes. */
typedef uint32_t __attribute__((may_alias)) aliased_word;

static void up_bytes(uint8_t *out, const uint8_t *src, uint32_t nbytes)
{
    if ((((uintptr_t)out ^ (uintptr_t)src) & 3u) == 0) {
        for (; nbytes > 0 && ((uintptr_t)out & 3u) != 0; nbytes--, out++, src++)
            *out = (uint8_t)(*out + *src);
        aliased_word *out_words = (aliased_word *)(void *)out;
        const aliased_word *src_words = (const aliased_word *)(const void *)src;
        for (; nbytes >= 4; nbytes -= 4) {
            uint32_t x = *out_words, y = *src_words++;
            *out_words++ = ((x & 0x7F7F7F7Fu) + (y & 0x7F7F7F7Fu)) ^ ((x ^ y) & 0x80808080u);
        }
        out = (uint8_t *)out_words;
        src = (const uint8_t *)src_words;
    } else {
        for (; nbytes >= 4; nbytes -= 4, out += 4, src += 4) {
            out[0] = (uint8_t)(out[0] + src[0]);
            out[1] = (uint8_t)(out[1] + src[1]);
            out[2] = (uint8_t)(out[2] + src[2]);
            out[3] = (uint8_t)(out[3] + src[3]);
        }
    }
    for (; nbytes > 0; nbytes--, out++, src++)
        *out = (uint8_t)(*out + *src);
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
    case 1: /* Sub */
        sub_chunk(out, src, nbytes, bpp, offset == 0);
        break;
    case 2: /* Up */
        up_bytes(out, src, nbytes);
        break;
    case 3: /* Average */
        average_chunk(out, src, nbytes, bpp, offset == 0);
        break;
    default: /* 4: Paeth */
        paeth_chunk(out, src, nbytes, bpp, offset == 0, state->upper_left);
        break;
    }
}

/* ---- unfiltering fused with the gray conversion (8-bit RGB and RGBA rows) ---- */

/* Measured on RV32 (docs/PNG.md): every filter pays fused, for RGB and RGBA (RGBA Paeth too:
 * the four channels' a and c, the gray weights and the compositing terms fit the registers with
 * Paeth's comparisons, no spills in the loop; None since session 6, with each row kind a
 * function of its own: the row copy and the gray pass loaded every byte twice). */
bool ink_png_unfilter_gray_applies(const ink_png_pixels *pixels, uint8_t filter)
{
    (void)filter; /* every filter, since None too */
    if (pixels->bit_depth != 8)
        return false;
    if (pixels->color_type == INK_PNG_COLOR_RGB && !pixels->has_trns)
        return true;
    return pixels->color_type == INK_PNG_COLOR_RGBA;
}

/*
 * Pixel by pixel, with each channel's a and c in registers (BPP and FILTER constants: inlined
 * for each of the ten row kinds below) and the pixel's gray computed while its bytes are in
 * registers: the separate gray pass would load them again. Same results as the lane functions
 * followed by ink_png_gray_row (test_png_rows compares both with the references).
 */
static inline __attribute__((always_inline)) void
gray_pixel(uint8_t *out, const uint8_t *src, uint8_t *gray, uint32_t a[4], uint32_t c[4],
           const uint32_t bpp, const unsigned filter, uint32_t bg_term, uint32_t rounding_minus_bg)
{
    uint32_t b0 = out[0], b1 = out[1], b2 = out[2], b3 = bpp == 4 ? out[3] : 0;
    if (filter == 0) {
        (void)b0;
        (void)b1;
        (void)b2;
        (void)b3;
        a[0] = src[0];
        a[1] = src[1];
        a[2] = src[2];
        if (bpp == 4)
            a[3] = src[3];
    } else if (filter == 2) {
        a[0] = sub_byte(src[0], b0);
        a[1] = sub_byte(src[1], b1);
        a[2] = sub_byte(src[2], b2);
        if (bpp == 4)
            a[3] = sub_byte(src[3], b3);
    } else if (filter == 1) {
        a[0] = sub_byte(src[0], a[0]);
        a[1] = sub_byte(src[1], a[1]);
        a[2] = sub_byte(src[2], a[2]);
        if (bpp == 4)
            a[3] = sub_byte(src[3], a[3]);
    } else if (filter == 3) {
        a[0] = average_byte(src[0], a[0], b0);
        a[1] = average_byte(src[1], a[1], b1);
        a[2] = average_byte(src[2], a[2], b2);
        if (bpp == 4)
            a[3] = average_byte(src[3], a[3], b3);
    } else {
        a[0] = paeth_byte(src[0], a[0], b0, c[0]);
        a[1] = paeth_byte(src[1], a[1], b1, c[1]);
        a[2] = paeth_byte(src[2], a[2], b2, c[2]);
        c[0] = b0;
        c[1] = b1;
        c[2] = b2;
        if (bpp == 4) {
            a[3] = paeth_byte(src[3], a[3], b3, c[3]);
            c[3] = b3;
        }
    }
    out[0] = (uint8_t)a[0];
    out[1] = (uint8_t)a[1];
    out[2] = (uint8_t)a[2];
    if (bpp == 3) {
        *gray = ink_gray_from_rgb(a[0], a[1], a[2]);
        return;
    }
    out[3] = (uint8_t)a[3];
    /* gray - bg straight from the weighted sum, bg folded into its rounding term (an arithmetic
     * shift: the difference can be negative; the sum as int32_t is modulo 2^32 with GCC and
     * Clang, exact since |sum| < 2^25), so the compositing needs no subtraction. No
     * opaque shortcut: with alpha 255 the composite is exactly the gray ((255 gray + 127) / 255),
     * and a multiply, an add and a divide cost what the shortcut's branch, add and jump back did,
     * one branch more for every pixel that is not opaque. */
    const int32_t gray_minus_bg =
        (int32_t)(INK_GRAY_WEIGHT_RED * a[0] + INK_GRAY_WEIGHT_GREEN * a[1] +
                  INK_GRAY_WEIGHT_BLUE * a[2] + rounding_minus_bg) >> 16;
    *gray = (uint8_t)((a[3] * (uint32_t)gray_minus_bg + bg_term) / 255u);
}

static inline __attribute__((always_inline)) void
unfilter_gray_pixels(uint8_t *out, const uint8_t *src, uint32_t npixels, const uint32_t bpp,
                     const unsigned filter, bool row_start, uint8_t *upper_left, uint8_t *gray,
                     uint32_t bg, uint32_t bg_term)
{
    uint32_t a[4] = {0, 0, 0, 0};
    if (!row_start) {
        a[0] = out[-(int32_t)bpp];
        a[1] = out[1 - (int32_t)bpp];
        a[2] = out[2 - (int32_t)bpp];
        if (bpp == 4)
            a[3] = out[-1];
    }
    uint32_t c[4] = {upper_left[0], upper_left[1], upper_left[2], upper_left[3]};
    const uint32_t rounding_minus_bg = 32768u - (bg << 16); /* modulo 2^32 */
    /* Four pixels a step for RGBA, two for RGB: the pointer steps are a tenth of a pixel's
     * instructions at one pixel a step. */
    const uint32_t step = bpp == 4 ? 4 : 2;
    for (; npixels >= step; npixels -= step, src += step * bpp, out += step * bpp, gray += step) {
        gray_pixel(out, src, gray, a, c, bpp, filter, bg_term, rounding_minus_bg);
        gray_pixel(out + bpp, src + bpp, gray + 1, a, c, bpp, filter, bg_term,
                   rounding_minus_bg);
        if (step == 4) {
            gray_pixel(out + 2 * bpp, src + 2 * bpp, gray + 2, a, c, bpp, filter, bg_term,
                       rounding_minus_bg);
            gray_pixel(out + 3 * bpp, src + 3 * bpp, gray + 3, a, c, bpp, filter, bg_term,
                       rounding_minus_bg);
        }
    }
    for (; npixels > 0; npixels--, src += bpp, out += bpp, gray++) /* at most step - 1 */
        gray_pixel(out, src, gray, a, c, bpp, filter, bg_term, rounding_minus_bg);
    if (filter == 4) {
        upper_left[0] = (uint8_t)c[0];
        upper_left[1] = (uint8_t)c[1];
        upper_left[2] = (uint8_t)c[2];
        upper_left[3] = (uint8_t)c[3];
    }
}

/*
 * The number of whole pixels from `src` on, among `nbytes`, whose bytes are all zero: single
 * bytes up to a word boundary, then aligned words, then single bytes.
 */
static inline __attribute__((always_inline)) uint32_t
zero_pixels_ahead(const uint8_t *src, uint32_t nbytes, const uint32_t bpp)
{
    const uint8_t *p = src, *const end = src + nbytes;
    for (; p < end && ((uintptr_t)p & 3u) != 0; p++)
        if (*p != 0)
            return (uint32_t)(p - src) / bpp;
    while ((size_t)(end - p) >= 4 && *(const aliased_word *)(const void *)p == 0)
        p += 4;
    while (p < end && *p == 0)
        p++;
    return (uint32_t)(p - src) / bpp;
}

/*
 * Up rows: with `gray_above` (ink_png_unfilter), a pixel whose filtered bytes are all zero is
 * the pixel above, already in the row and, converted, in `gray`: such pixels are skipped,
 * a run of them at a time (the corpus books' images, on white: 87-100 % of their Up rows'
 * pixels). Otherwise as the other row kinds, `step` pixels at a time.
 */
static inline __attribute__((always_inline)) void
up_gray_pixels(uint8_t *out, const uint8_t *src, uint32_t npixels, const uint32_t bpp,
               uint8_t *gray, uint32_t bg, uint32_t bg_term, bool gray_above)
{
    uint32_t a[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0}; /* unused by Up */
    const uint32_t rounding_minus_bg = 32768u - (bg << 16); /* modulo 2^32 */
    const uint32_t step = bpp == 4 ? 4 : 2;
    while (npixels >= step) {
        if (gray_above && (src[0] | src[1] | src[2] | (bpp == 4 ? src[3] : 0u)) == 0) {
            uint32_t skip = 1 + zero_pixels_ahead(src + bpp, (npixels - 1) * bpp, bpp);
            npixels -= skip;
            src += skip * bpp;
            out += skip * bpp;
            gray += skip;
            continue;
        }
        gray_pixel(out, src, gray, a, c, bpp, 2, bg_term, rounding_minus_bg);
        gray_pixel(out + bpp, src + bpp, gray + 1, a, c, bpp, 2, bg_term, rounding_minus_bg);
        if (step == 4) {
            gray_pixel(out + 2 * bpp, src + 2 * bpp, gray + 2, a, c, bpp, 2, bg_term,
                       rounding_minus_bg);
            gray_pixel(out + 3 * bpp, src + 3 * bpp, gray + 3, a, c, bpp, 2, bg_term,
                       rounding_minus_bg);
        }
        npixels -= step;
        src += step * bpp;
        out += step * bpp;
        gray += step;
    }
    for (; npixels > 0; npixels--, src += bpp, out += bpp, gray++) /* at most step - 1 */
        gray_pixel(out, src, gray, a, c, bpp, 2, bg_term, rounding_minus_bg);
}

/*
 * The ten row kinds (RGB8 and RGBA8 by None, Sub, Up, Average, Paeth), each a function of its own:
 * inlined into one function they shared its register allocation (a weight reloaded from the
 * stack every pixel) and its out-of-line Paeth branches sat beyond a conditional branch's reach
 * (a jump more). Called through a table by [bpp - 3][filter].
 */
typedef void gray_row_kind(uint8_t *out, const uint8_t *src, uint32_t npixels, bool row_start,
                           uint8_t *upper_left, uint8_t *gray, uint32_t bg, uint32_t bg_term,
                           bool gray_above);

#define GRAY_ROW_KIND(name, bpp, filter)                                                        \
    static void name(uint8_t *out, const uint8_t *src, uint32_t npixels, bool row_start,        \
                     uint8_t *upper_left, uint8_t *gray, uint32_t bg, uint32_t bg_term,         \
                     bool gray_above)                                                           \
    {                                                                                           \
        (void)gray_above;                                                                       \
        unfilter_gray_pixels(out, src, npixels, bpp, filter, row_start, upper_left, gray, bg,   \
                             bg_term);                                                          \
    }
#define GRAY_ROW_KIND_UP(name, bpp)                                                             \
    static void name(uint8_t *out, const uint8_t *src, uint32_t npixels, bool row_start,        \
                     uint8_t *upper_left, uint8_t *gray, uint32_t bg, uint32_t bg_term,         \
                     bool gray_above)                                                           \
    {                                                                                           \
        (void)row_start;                                                                        \
        (void)upper_left;                                                                       \
        up_gray_pixels(out, src, npixels, bpp, gray, bg, bg_term, gray_above);                  \
    }
GRAY_ROW_KIND(rgb_none_gray, 3, 0)
GRAY_ROW_KIND(rgba_none_gray, 4, 0)
GRAY_ROW_KIND(rgb_sub_gray, 3, 1)
GRAY_ROW_KIND_UP(rgb_up_gray, 3)
GRAY_ROW_KIND(rgb_average_gray, 3, 3)
GRAY_ROW_KIND(rgb_paeth_gray, 3, 4)
GRAY_ROW_KIND(rgba_sub_gray, 4, 1)
GRAY_ROW_KIND_UP(rgba_up_gray, 4)
GRAY_ROW_KIND(rgba_average_gray, 4, 3)
GRAY_ROW_KIND(rgba_paeth_gray, 4, 4)
#undef GRAY_ROW_KIND
#undef GRAY_ROW_KIND_UP

static gray_row_kind *const gray_row_kinds[2][5] = {
    {rgb_none_gray, rgb_sub_gray, rgb_up_gray, rgb_average_gray, rgb_paeth_gray},
    {rgba_none_gray, rgba_sub_gray, rgba_up_gray, rgba_average_gray, rgba_paeth_gray},
};

void ink_png_unfilter_gray_chunk(ink_png_unfilter *state, uint8_t *row, uint32_t offset,
                                 const uint8_t *src, uint32_t nbytes,
                                 const ink_png_pixels *pixels, uint8_t *gray)
{
    uint8_t *out = row + offset;
    if (!ink_png_unfilter_gray_applies(pixels, state->filter)) { /* not for the decoder's use */
        ink_png_unfilter_chunk(state, row, offset, src, nbytes);
        ink_png_gray_row(pixels, out, nbytes / state->bpp, gray, 1);
        return;
    }
    const uint32_t bg = pixels->background;
    gray_row_kinds[state->bpp - 3][state->filter](out, src, nbytes / state->bpp, offset == 0,
                                                       state->upper_left, gray, bg,
                                                       255u * bg + 127u, state->gray_above);
}
