/*
 * test_png_rows.c — the PNG decoder's per-row stages against brute-force references written
 * from the specifications, on random rows:
 *   - unfiltering (PNG spec clause 9: None, Sub, Up, Average, Paeth) for every filter, every
 *     bytes-per-pixel from 1 to 8, short and long rows, a zero or random previous row, and the
 *     row arriving in chunks cut at every pixel boundary (png_unfilter.c keeps state between);
 *   - conversion to gray for every colour type and depth (decode/gray.h's definitions, alpha
 *     composited with a division, 16 bits scaled as round(v * 255 / 65535)).
 * The whole-image tests (test_png_generated, test_png_pngsuite) compare with libpng; these
 * pin each stage down separately, so a fast path that is wrong only for some bpp, chunk cut or
 * sample value shows up here with the row that breaks it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/png_internal.h"
#include "test_support.h"

#define MAX_ROW_NBYTES (8u * 200u)

/* Random bytes, often repeating or near the extremes, so Paeth's ties and 0/255 wrap happen. */
static void fill_bytes(uint8_t *dst, size_t nbytes, uint32_t *seed)
{
    for (size_t i = 0; i < nbytes; i++) {
        uint32_t r = ink_test_random(seed);
        switch (r % 4) {
        case 0:
            dst[i] = i > 0 ? dst[i - 1] : 0;
            break;
        case 1:
            dst[i] = (r >> 8) & 1 ? 255 : 0;
            break;
        default:
            dst[i] = (uint8_t)(r >> 24);
        }
    }
}

/* A filtered row and the row above it (all zero for an image's first row, as PNG defines). */
static void fill_row_pair(uint8_t *filtered, uint8_t *previous, size_t nbytes, int first_row,
                          uint32_t *seed)
{
    fill_bytes(filtered, nbytes, seed);
    if (first_row)
        memset(previous, 0, nbytes);
    else
        fill_bytes(previous, nbytes, seed);
}

/* ---- unfiltering ---------------------------------------------------------------------------- */

/* Clause 9.2-9.4 as written: x is the filtered byte, a the reconstructed byte one pixel left,
 * b the previous row's byte above, c the previous row's byte above a (0 outside the row). */
static void reference_unfilter(uint8_t filter, uint32_t bpp, const uint8_t *filtered,
                               const uint8_t *previous, uint8_t *current, uint32_t nbytes)
{
    for (uint32_t i = 0; i < nbytes; i++) {
        int a = i >= bpp ? current[i - bpp] : 0;
        int b = previous[i];
        int c = i >= bpp ? previous[i - bpp] : 0;
        int predictor;
        switch (filter) {
        case 0:
            predictor = 0;
            break;
        case 1:
            predictor = a;
            break;
        case 2:
            predictor = b;
            break;
        case 3:
            predictor = (a + b) / 2;
            break;
        default: {
            int p = a + b - c;
            int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
            predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        }
        current[i] = (uint8_t)(filtered[i] + predictor);
    }
}

/* Changes filtered[i] (an RGBA row's alpha byte) so that the row decodes to 255 there. */
static void filter_to_opaque(uint8_t filter, uint8_t *filtered, const uint8_t *previous,
                             uint8_t *scratch, uint32_t i)
{
    reference_unfilter(filter, 4, filtered, previous, scratch, i + 1);
    filtered[i] = (uint8_t)(filtered[i] + 255 - scratch[i]);
}

/* Runs png_unfilter.c over the row in chunks ending at `cuts` (byte offsets, ascending). */
static void ours_unfilter(uint8_t filter, uint32_t bpp, const uint8_t *filtered,
                          const uint8_t *previous, uint8_t *row, uint32_t nbytes,
                          const uint32_t *cuts, size_t ncuts)
{
    memcpy(row, previous, nbytes);
    ink_png_unfilter state;
    ink_png_unfilter_begin_row(&state, filter, (uint8_t)bpp);
    uint32_t offset = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        uint32_t end = k < ncuts ? cuts[k] : nbytes;
        if (end <= offset)
            continue;
        ink_png_unfilter_chunk(&state, row, offset, filtered + offset, end - offset);
        offset = end;
    }
}

static void test_unfilter_matches_the_spec(void **unused)
{
    (void)unused;
    static const uint32_t npixels_list[] = {1, 2, 3, 4, 5, 7, 8, 13, 64, 200};
    uint8_t filtered[MAX_ROW_NBYTES], previous[MAX_ROW_NBYTES];
    uint8_t expected[MAX_ROW_NBYTES], got[MAX_ROW_NBYTES];
    _Alignas(4) uint8_t shifted[MAX_ROW_NBYTES + 4];
    uint32_t cuts[MAX_ROW_NBYTES];
    uint32_t seed = 2026;
    for (uint8_t filter = 0; filter <= 4; filter++)
        for (uint32_t bpp = 1; bpp <= 8; bpp++)
            for (size_t n = 0; n < sizeof npixels_list / sizeof npixels_list[0]; n++)
                for (int first_row = 0; first_row <= 1; first_row++) {
                    const uint32_t npixels = npixels_list[n], nbytes = npixels * bpp;
                    fill_row_pair(filtered, previous, nbytes, first_row, &seed);
                    reference_unfilter(filter, bpp, filtered, previous, expected, nbytes);
                    /* Whole, then two chunks cut at every pixel boundary (up to 64 pixels),
                     * then one pixel per chunk. */
                    ours_unfilter(filter, bpp, filtered, previous, got, nbytes, NULL, 0);
                    if (memcmp(got, expected, nbytes) != 0)
                        fail_msg("filter %u bpp %u %u px: whole row differs", filter, bpp,
                                 npixels);
                    for (uint32_t cut = bpp; cut < nbytes && cut <= 64 * bpp; cut += bpp) {
                        ours_unfilter(filter, bpp, filtered, previous, got, nbytes, &cut, 1);
                        if (memcmp(got, expected, nbytes) != 0)
                            fail_msg("filter %u bpp %u %u px: cut at byte %u differs", filter,
                                     bpp, npixels, cut);
                    }
                    /* The filtered bytes at every offset within a word from the row's (Up
                     * takes words only when the two offsets agree). */
                    for (uint32_t shift = 1; shift < 4; shift++) {
                        memcpy(shifted + shift, filtered, nbytes);
                        ours_unfilter(filter, bpp, shifted + shift, previous, got, nbytes, NULL,
                                      0);
                        if (memcmp(got, expected, nbytes) != 0)
                            fail_msg("filter %u bpp %u %u px: filtered bytes %u bytes off differ",
                                     filter, bpp, npixels, shift);
                    }
                    for (uint32_t p = 1; p < npixels; p++)
                        cuts[p - 1] = p * bpp;
                    ours_unfilter(filter, bpp, filtered, previous, got, nbytes, cuts,
                                  npixels - 1);
                    if (memcmp(got, expected, nbytes) != 0)
                        fail_msg("filter %u bpp %u %u px: pixel chunks differ", filter, bpp,
                                 npixels);
                }
}

/* Paeth's predictor for every a, b and c: a two-byte row (bpp 1) whose first byte decodes to a
 * (its predictor is the byte above it, c) and whose second byte, filtered as 0, decodes to the
 * predictor of a, b and c. */
static void test_paeth_every_a_b_c(void **unused)
{
    (void)unused;
    for (int a = 0; a < 256; a++)
        for (int b = 0; b < 256; b++)
            for (int c = 0; c < 256; c++) {
                uint8_t row[2] = {(uint8_t)c, (uint8_t)b};
                const uint8_t filtered[2] = {(uint8_t)(a - c), 0};
                ink_png_unfilter state;
                ink_png_unfilter_begin_row(&state, 4, 1);
                ink_png_unfilter_chunk(&state, row, 0, filtered, 2);
                int p = a + b - c;
                int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
                int predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                if (row[0] != a || row[1] != predictor)
                    fail_msg("Paeth a %d b %d c %d: %u, expected %d", a, b, c, row[1],
                             predictor);
            }
}

/* ---- conversion to gray --------------------------------------------------------------------- */

static uint32_t scale_16_to_8(uint32_t v)
{
    return (v * 255u + 32767u) / 65535u;
}

static uint32_t sample_at(const uint8_t *raw, uint32_t index, uint32_t depth)
{
    if (depth == 16)
        return (uint32_t)raw[2 * index] << 8 | raw[2 * index + 1];
    if (depth == 8)
        return raw[index];
    uint32_t bit = index * depth; /* most significant bits first */
    return (raw[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
}

/* The gray of pixel x, from the definitions in decode/gray.h and the PNG spec (no tRNS). */
static uint8_t reference_gray(uint8_t color_type, uint32_t depth, const uint8_t *raw, uint32_t x,
                              uint32_t background)
{
    uint32_t channels = color_type == INK_PNG_COLOR_RGB          ? 3
                        : color_type == INK_PNG_COLOR_RGBA       ? 4
                        : color_type == INK_PNG_COLOR_GRAY_ALPHA ? 2
                                                                 : 1;
    uint32_t s[4] = {0, 0, 0, 0};
    for (uint32_t k = 0; k < channels; k++) {
        s[k] = sample_at(raw, x * channels + k, depth);
        if (depth == 16)
            s[k] = scale_16_to_8(s[k]);
        else if (depth < 8)
            s[k] = s[k] * 255u / ((1u << depth) - 1u);
    }
    uint32_t gray, alpha = 255;
    if (channels >= 3)
        gray = (19595u * s[0] + 38470u * s[1] + 7471u * s[2] + 32768u) >> 16;
    else
        gray = s[0];
    if (channels == 4)
        alpha = s[3];
    if (channels == 2)
        alpha = s[1];
    return (uint8_t)((gray * alpha + background * (255u - alpha) + 127u) / 255u);
}

static void test_gray_matches_the_definitions(void **unused)
{
    (void)unused;
    static const struct {
        uint8_t color_type, depth;
    } formats[] = {
        {INK_PNG_COLOR_GRAY, 1},       {INK_PNG_COLOR_GRAY, 2},       {INK_PNG_COLOR_GRAY, 4},
        {INK_PNG_COLOR_GRAY, 8},       {INK_PNG_COLOR_GRAY, 16},      {INK_PNG_COLOR_RGB, 8},
        {INK_PNG_COLOR_RGB, 16},       {INK_PNG_COLOR_GRAY_ALPHA, 8}, {INK_PNG_COLOR_GRAY_ALPHA, 16},
        {INK_PNG_COLOR_RGBA, 8},       {INK_PNG_COLOR_RGBA, 16},
    };
    static const uint32_t npixels_list[] = {1, 2, 3, 7, 8, 9, 31, 200};
    static const uint8_t backgrounds[] = {255, 0, 128};
    uint8_t raw[MAX_ROW_NBYTES], gray[2 * 200];
    uint32_t seed = 7;
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++)
        for (size_t g = 0; g < sizeof backgrounds; g++)
            for (size_t n = 0; n < sizeof npixels_list / sizeof npixels_list[0]; n++)
                for (uint32_t stride = 1; stride <= 2; stride++) {
                    ink_png_pixels pixels;
                    ink_error_info info;
                    ink_error_clear(&info);
                    assert_int_equal(ink_png_pixels_init(&pixels, formats[f].color_type,
                                                         formats[f].depth, backgrounds[g], &info),
                                     INK_OK);
                    const uint32_t npixels = npixels_list[n];
                    const uint64_t nbytes = ink_png_row_nbytes(&pixels, npixels);
                    assert_true(nbytes <= sizeof raw);
                    fill_bytes(raw, (size_t)nbytes, &seed);
                    memset(gray, 0xEE, sizeof gray);
                    ink_png_gray_row(&pixels, raw, npixels, gray, stride);
                    for (uint32_t x = 0; x < npixels; x++) {
                        uint8_t expected = reference_gray(formats[f].color_type, formats[f].depth,
                                                          raw, x, backgrounds[g]);
                        if (gray[x * stride] != expected)
                            fail_msg("type %u depth %u background %u: pixel %u of %u is %u, "
                                     "expected %u",
                                     formats[f].color_type, formats[f].depth, backgrounds[g], x,
                                     npixels, gray[x * stride], expected);
                        if (stride == 2 && gray[x * stride + 1] != 0xEE)
                            fail_msg("type %u depth %u: wrote between strided pixels",
                                     formats[f].color_type, formats[f].depth);
                    }
                }
}

/* Every 8-bit value of every channel once: the rounding of the weights and of compositing. */
static void test_gray_every_rgba8_value(void **unused)
{
    (void)unused;
    ink_png_pixels pixels;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_png_pixels_init(&pixels, INK_PNG_COLOR_RGBA, 8, 255, &info), INK_OK);
    uint8_t raw[4 * 256], gray[256];
    for (uint32_t alpha = 0; alpha < 256; alpha++)
        for (uint32_t channel = 0; channel < 3; channel++) {
            for (uint32_t v = 0; v < 256; v++) {
                raw[4 * v + 0] = (uint8_t)(channel == 0 ? v : 255 - v);
                raw[4 * v + 1] = (uint8_t)(channel == 1 ? v : v / 2);
                raw[4 * v + 2] = (uint8_t)(channel == 2 ? v : 3 * v);
                raw[4 * v + 3] = (uint8_t)alpha;
            }
            ink_png_gray_row(&pixels, raw, 256, gray, 1);
            for (uint32_t v = 0; v < 256; v++)
                if (gray[v] != reference_gray(INK_PNG_COLOR_RGBA, 8, raw, v, 255))
                    fail_msg("RGBA %u %u %u %u", raw[4 * v], raw[4 * v + 1], raw[4 * v + 2],
                             alpha);
        }
}

/* The fused unfilter + gray path (RGB8 and RGBA8 rows) against the two references: the row's
 * bytes and its gray, for every filter, whole rows and chunks cut at every pixel, three
 * backgrounds, alpha bytes that are often 255 (opaque: the composite must give the gray
 * exactly) and often not. And with gray_above (the gray output holding the previous row's
 * gray, as the decoder's does): filtered rows with runs of all-zero pixels, single zero pixels
 * and pixels with only some bytes zero, which Up rows must skip or convert accordingly. */
static void test_fused_unfilter_gray_matches(void **unused)
{
    (void)unused;
    static const uint32_t npixels_list[] = {1, 2, 3, 5, 17, 64};
    static const uint8_t backgrounds[] = {255, 0, 128};
    uint8_t filtered[MAX_ROW_NBYTES], previous[MAX_ROW_NBYTES], expected[MAX_ROW_NBYTES];
    uint8_t row[MAX_ROW_NBYTES], gray[200], expected_gray[200];
    uint32_t seed = 99;
    for (uint32_t bpp = 3; bpp <= 4; bpp++)
        for (uint8_t filter = 0; filter <= 4; filter++)
            for (size_t g = 0; g < sizeof backgrounds; g++)
                for (size_t n = 0; n < sizeof npixels_list / sizeof npixels_list[0]; n++)
                    for (int first_row = 0; first_row <= 1; first_row++)
                    for (int gray_above = 0; gray_above <= 1; gray_above++) {
                        const uint8_t color_type =
                            bpp == 3 ? INK_PNG_COLOR_RGB : INK_PNG_COLOR_RGBA;
                        ink_png_pixels pixels;
                        ink_error_info info;
                        ink_error_clear(&info);
                        assert_int_equal(ink_png_pixels_init(&pixels, color_type, 8,
                                                             backgrounds[g], &info),
                                         INK_OK);
                        const uint32_t npixels = npixels_list[n], nbytes = npixels * bpp;
                        fill_row_pair(filtered, previous, nbytes, first_row, &seed);
                        /* Pixels 0-4 of every 11 all zero, pixel 6 zero but for its last
                         * byte, pixel 8 zero. */
                        for (uint32_t x = 0; gray_above && x < npixels; x++) {
                            uint32_t k = x % 11;
                            if (k < 5 || k == 8)
                                memset(filtered + x * bpp, 0, bpp);
                            else if (k == 6)
                                memset(filtered + x * bpp, 0, bpp - 1);
                        }
                        for (uint32_t x = 0; bpp == 4 && x < npixels; x += 3)
                            filter_to_opaque(filter, filtered, previous, expected, 4 * x + 3);
                        reference_unfilter(filter, bpp, filtered, previous, expected, nbytes);
                        for (uint32_t x = 0; x < npixels; x++)
                            expected_gray[x] = reference_gray(color_type, 8, expected, x,
                                                              backgrounds[g]);
                        /* cut = 0: the whole row; else chunks of `cut` pixels */
                        for (uint32_t cut = 0; cut <= npixels; cut++) {
                            memcpy(row, previous, nbytes);
                            memset(gray, 0xEE, sizeof gray);
                            for (uint32_t x = 0; gray_above && x < npixels; x++)
                                gray[x] = reference_gray(color_type, 8, previous, x,
                                                         backgrounds[g]);
                            ink_png_unfilter state;
                            ink_png_unfilter_begin_row(&state, filter, (uint8_t)bpp);
                            state.gray_above = gray_above != 0;
                            const uint32_t step = cut == 0 ? nbytes : cut * bpp;
                            for (uint32_t offset = 0; offset < nbytes; offset += step) {
                                uint32_t len = nbytes - offset < step ? nbytes - offset : step;
                                ink_png_unfilter_gray_chunk(&state, row, offset, filtered + offset,
                                                            len, &pixels, gray + offset / bpp);
                            }
                            if (memcmp(row, expected, nbytes) != 0 ||
                                memcmp(gray, expected_gray, npixels) != 0 ||
                                gray[npixels] != 0xEE)
                                fail_msg("fused bpp %u filter %u background %u, %u px, chunks "
                                         "of %u px, gray above %d: differs",
                                         bpp, filter, backgrounds[g], npixels, cut, gray_above);
                        }
                    }
}

/* Every gray x every alpha x every background, gray+alpha 8: the compositing as a whole. */
static void test_gray_every_gray_alpha8_value_and_background(void **unused)
{
    (void)unused;
    uint8_t raw[2 * 256], gray[256];
    for (uint32_t background = 0; background < 256; background++) {
        ink_png_pixels pixels;
        ink_error_info info;
        ink_error_clear(&info);
        assert_int_equal(ink_png_pixels_init(&pixels, INK_PNG_COLOR_GRAY_ALPHA, 8,
                                             (uint8_t)background, &info),
                         INK_OK);
        for (uint32_t alpha = 0; alpha < 256; alpha++) {
            for (uint32_t v = 0; v < 256; v++) {
                raw[2 * v] = (uint8_t)v;
                raw[2 * v + 1] = (uint8_t)alpha;
            }
            ink_png_gray_row(&pixels, raw, 256, gray, 1);
            for (uint32_t v = 0; v < 256; v++)
                if (gray[v] != reference_gray(INK_PNG_COLOR_GRAY_ALPHA, 8, raw, v, background))
                    fail_msg("gray %u alpha %u over %u: %u", v, alpha, background, gray[v]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unfilter_matches_the_spec),
        cmocka_unit_test(test_paeth_every_a_b_c),
        cmocka_unit_test(test_gray_matches_the_definitions),
        cmocka_unit_test(test_gray_every_rgba8_value),
        cmocka_unit_test(test_gray_every_gray_alpha8_value_and_background),
        cmocka_unit_test(test_fused_unfilter_gray_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
