/*
 * test_dither.c — dithering against independent expectations:
 *   - a plain reference implementation (whole-image error arrays, written from the rules in
 *     dither.h, sharing no code with dither.c) matches Atkinson and Floyd–Steinberg bit for bit;
 *   - constant grays come out with the right fraction of white pixels;
 *   - the blurred output of a gradient tracks the gradient;
 *   - threshold and packing conventions.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/convert.h"
#include "dither/dither.h"
#include "dither/tone.h"
#include <math.h>

/* The Bayer matrix by its recursive definition: M1 = {0}; M2n = {{4M, 4M+2}, {4M+3, 4M+1}}. */
static int bayer(int x, int y)
{
    int value = 0;
    for (int bit = 1; bit <= 4; bit <<= 1) { /* the finest 2x2 step is the most significant */
        int bx = (x & bit) != 0, by = (y & bit) != 0;
        int quadrant = by ? (bx ? 1 : 3) : (bx ? 2 : 0);
        value = value * 4 + quadrant;
    }
    return value;
}

/* A domain: table (NULL = the gray itself) and levels. */
typedef struct domain {
    const uint16_t *lut;
    int levels[4];
    int count;
} domain;

static const domain plain_domain = {NULL, {0, 255, 0, 0}, 2};

/* Nearest level: compare with the midpoints, rounding the midpoint up. */
static int reference_quantise(const domain *d, int value)
{
    int k = 0;
    for (int j = 1; j < d->count; j++)
        if (value >= (d->levels[j - 1] + d->levels[j] + 1) / 2)
            k = j;
    return k;
}

/* Reference: errors for the whole image, int, indices checked explicitly. Returns level
 * indices (0/1 for 1-bit output). */
static void reference_dither_domain(ink_dither_method method, const domain *d,
                                    const uint8_t *gray, int width, int height, uint8_t *out)
{
    int *error = calloc((size_t)width * (size_t)height, sizeof *error);
#define ADD(xx, yy, amount)                                                                      \
    do {                                                                                         \
        if ((xx) >= 0 && (xx) < width && (yy) < height)                                          \
            error[(yy) * width + (xx)] += (amount);                                              \
    } while (0)
    for (int y = 0; y < height; y++) {
        bool reverse = method == INK_DITHER_FLOYD_STEINBERG && (y % 2 == 1);
        for (int n = 0; n < width; n++) {
            int x = reverse ? width - 1 - n : n;
            int input = d->lut ? d->lut[gray[y * width + x]] : gray[y * width + x];
            int value = input + error[y * width + x];
            int passed_on = 0; /* Floyd–Steinberg: the sixteenths the pixel does not take */
            if (method == INK_DITHER_FLOYD_STEINBERG) {
                int sixteenths = error[y * width + x];
                int whole = sixteenths >= 0 ? sixteenths / 16 : -((15 - sixteenths) / 16);
                passed_on = sixteenths - 16 * whole; /* 0..15 */
                value = input + whole;
            }
            int k;
            if (method == INK_DITHER_THRESHOLD) {
                k = reference_quantise(d, input);
            } else if (method == INK_DITHER_ORDERED) {
                /* the fraction of the way from the level below to the one above, against the
                 * Bayer threshold (b + 1/2) / 64 */
                int low = 0;
                while (low + 2 < d->count && input >= d->levels[low + 1])
                    low++;
                double fraction = (double)(input - d->levels[low]) /
                                  (double)(d->levels[low + 1] - d->levels[low]);
                k = fraction >= (bayer(x, y) + 0.5) / 64.0 ? low + 1 : low;
            } else {
                k = reference_quantise(d, value);
            }
            out[y * width + x] = (uint8_t)k;
            int e = value - d->levels[k];
            if (method == INK_DITHER_ATKINSON) {
                int q = e / 8;
                ADD(x + 1, y, q);
                ADD(x + 2, y, q);
                ADD(x - 1, y + 1, q);
                ADD(x, y + 1, q);
                ADD(x + 1, y + 1, q);
                ADD(x, y + 2, q);
            } else if (method == INK_DITHER_FLOYD_STEINBERG) {
                int dx = reverse ? -1 : 1; /* in sixteenths */
                ADD(x + dx, y, 7 * e + passed_on);
                ADD(x - dx, y + 1, 3 * e);
                ADD(x, y + 1, 5 * e);
                ADD(x + dx, y + 1, e);
            }
        }
    }
#undef ADD
    free(error);
}

/* Runs inkpipe's ditherer over a whole image and unpacks the level indices. */
static void inkpipe_dither_domain(ink_dither_method method, const domain *d, const uint8_t *gray,
                                  int width, int height, uint8_t *out)
{
    size_t work_nbytes = ink_dither_work_bytes(method, (uint32_t)width);
    void *work = malloc(work_nbytes + 2);
    uint8_t packed[1024];
    ink_ditherer ditherer;
    ink_dither_levels levels = {d->lut, {0}, (uint8_t)d->count};
    for (int k = 0; k < d->count; k++)
        levels.levels[k] = (uint16_t)d->levels[k];
    assert_int_equal(ink_dither_init_levels(&ditherer, method, (uint32_t)width, &levels, work,
                                            work_nbytes),
                     INK_OK);
    const int bpp = d->count == 2 ? 1 : 2, per_byte = 8 / bpp;
    for (int y = 0; y < height; y++) {
        memset(packed, 0xAA, sizeof packed);
        ink_dither_row(&ditherer, gray + (size_t)y * (size_t)width, packed);
        for (int x = 0; x < width; x++)
            out[y * width + x] =
                (packed[x / per_byte] >> (8 - bpp * (x % per_byte + 1))) & ((1 << bpp) - 1);
        /* bits past the width are zero */
        if (width % per_byte)
            assert_int_equal(packed[width / per_byte] & (0xFF >> (bpp * (width % per_byte))), 0);
    }
    free(work);
}

static void inkpipe_dither(ink_dither_method method, const uint8_t *gray, int width, int height,
                           uint8_t *white)
{
    inkpipe_dither_domain(method, &plain_domain, gray, width, height, white);
}

static double srgb_decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static uint32_t random_state = 12345;
static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

static void matches_reference_in(ink_dither_method method, const domain *d)
{
    const int sizes[][2] = {{1, 1}, {1, 9}, {7, 3}, {8, 8}, {9, 5}, {33, 17}, {480, 64}, {800, 12}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int width = sizes[s][0], height = sizes[s][1];
        size_t n = (size_t)width * (size_t)height;
        uint8_t *gray = malloc(n), *expected = malloc(n), *actual = malloc(n);
        for (int pattern = 0; pattern < 3; pattern++) {
            for (size_t i = 0; i < n; i++) {
                int x = (int)(i % (size_t)width), y = (int)(i / (size_t)width);
                gray[i] = pattern == 0   ? (uint8_t)next_random()
                          : pattern == 1 ? (uint8_t)(x * 255 / (width > 1 ? width - 1 : 1))
                                         : (uint8_t)((x ^ y) & 1 ? 250 : 5);
            }
            reference_dither_domain(method, d, gray, width, height, expected);
            inkpipe_dither_domain(method, d, gray, width, height, actual);
            assert_memory_equal(expected, actual, n);
        }
        free(gray);
        free(expected);
        free(actual);
    }
}

/* Domains to check every method in: plain 1-bit; plain 2-bit; a 12-bit table (a made-up
 * convex curve, like linear light: the reference does not care where the table came from) with
 * 1-bit and with uneven 2-bit levels. */
static void matches_reference(ink_dither_method method)
{
    static uint16_t table[256];
    for (int g = 0; g < 256; g++)
        table[g] = (uint16_t)((g * g * 4095 + 32512) / 65025);
    const domain domains[] = {
        plain_domain,
        {NULL, {0, 85, 170, 255}, 4},
        {table, {0, 4095, 0, 0}, 2},
        {table, {0, 465, 1860, 4095}, 4},
    };
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++)
        matches_reference_in(method, &domains[i]);
}

static void atkinson_matches_reference_bit_for_bit(void **state)
{
    (void)state;
    matches_reference(INK_DITHER_ATKINSON);
}

static void floyd_steinberg_matches_reference_bit_for_bit(void **state)
{
    (void)state;
    matches_reference(INK_DITHER_FLOYD_STEINBERG);
}

/* Random images of every width up to 40 and random widths up to the widest output (800), in
 * the domains the converter really uses: the default table (dot gain 2, no tone) with its
 * levels as convert.c picks them, a toned table, a table whose black level is not 0, and plain
 * grays; 1-bit or 2-bit. Each is checked against the reference above, so the fast rows
 * (Floyd–Steinberg in both scan directions, Atkinson, threshold and ordered at 1 bit; every
 * partial last byte) must reproduce the rules exactly. */
static void matches_reference_at_random_widths(ink_dither_method method, int bits)
{
    static uint16_t default_table[256], toned_table[256], raised_table[256];
    assert_int_equal(ink_tone_build_lut(&INK_TONE_NONE, INK_DEFAULT_DOT_GAIN_X10, default_table),
                     INK_OK);
    const ink_tone toned = {60, -30, 140, 12, 240};
    assert_int_equal(ink_tone_build_lut(&toned, 15, toned_table), INK_OK);
    for (int g = 0; g < 256; g++)
        raised_table[g] = (uint16_t)(300 + g * 11);
    const domain one_bit[4] = {
        {default_table, {default_table[0], default_table[255], 0, 0}, 2},
        {toned_table, {toned_table[0], toned_table[255], 0, 0}, 2},
        {raised_table, {300, 300 + 255 * 11, 0, 0}, 2},
        plain_domain,
    };
    const domain two_bit[4] = {
        {default_table,
         {default_table[0], default_table[85], default_table[170], default_table[255]},
         4},
        {toned_table, {toned_table[0], 900, 2000, toned_table[255]}, 4},
        {raised_table, {300, 301, 2000, 300 + 255 * 11}, 4},
        {NULL, {0, 85, 170, 255}, 4},
    };
    const domain *domains = bits == 1 ? one_bit : two_bit;
    for (int trial = 0; trial < 120; trial++) {
        const int width = trial < 40 ? trial + 1 : 1 + (int)(next_random() % 800u);
        const int height = 1 + (int)(next_random() % 10u); /* every Bayer row too */
        const domain *d = &domains[trial % 4];
        size_t n = (size_t)width * (size_t)height;
        uint8_t *gray = malloc(n), *expected = malloc(n), *actual = malloc(n);
        /* noise over a random base, so long runs of one colour and busy stretches both occur */
        const uint32_t base = next_random() % 256u, amplitude = 1u + next_random() % 256u;
        for (size_t i = 0; i < n; i++) {
            int32_t v =
                (int32_t)base + (int32_t)(next_random() % amplitude) - (int32_t)amplitude / 2;
            gray[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
        reference_dither_domain(method, d, gray, width, height, expected);
        inkpipe_dither_domain(method, d, gray, width, height, actual);
        for (size_t i = 0; i < n; i++)
            if (expected[i] != actual[i])
                fail_msg("%s %d-bit, trial %d, %dx%d, domain %d: pixel (%zu,%zu) is %d, "
                         "reference %d",
                         ink_dither_method_name(method), bits, trial, width, height, trial % 4,
                         i % (size_t)width, i / (size_t)width, actual[i], expected[i]);
        free(gray);
        free(expected);
        free(actual);
    }
}

static void floyd_steinberg_1bit_matches_reference_at_random_widths(void **state)
{
    (void)state;
    matches_reference_at_random_widths(INK_DITHER_FLOYD_STEINBERG, 1);
}

static void floyd_steinberg_2bit_matches_reference_at_random_widths(void **state)
{
    (void)state;
    matches_reference_at_random_widths(INK_DITHER_FLOYD_STEINBERG, 2);
}

static void atkinson_1bit_matches_reference_at_random_widths(void **state)
{
    (void)state;
    matches_reference_at_random_widths(INK_DITHER_ATKINSON, 1);
}

static void atkinson_2bit_matches_reference_at_random_widths(void **state)
{
    (void)state;
    matches_reference_at_random_widths(INK_DITHER_ATKINSON, 2);
}

static void threshold_and_ordered_1bit_match_reference_at_random_widths(void **state)
{
    (void)state;
    matches_reference_at_random_widths(INK_DITHER_THRESHOLD, 1);
    matches_reference_at_random_widths(INK_DITHER_ORDERED, 1);
}

static void threshold_matches_reference_bit_for_bit(void **state)
{
    (void)state;
    matches_reference(INK_DITHER_THRESHOLD);
}

static void ordered_matches_reference_bit_for_bit(void **state)
{
    (void)state;
    matches_reference(INK_DITHER_ORDERED);
}

/* The recursive definition above and the library's table agree. */
static void bayer_table_is_the_recursive_matrix(void **state)
{
    (void)state;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++)
            assert_int_equal(ink_bayer8[y][x], bayer(x, y));
}

static double white_fraction(ink_dither_method method, uint8_t level, int width, int height)
{
    size_t n = (size_t)width * (size_t)height;
    uint8_t *gray = malloc(n), *white = malloc(n);
    memset(gray, level, n);
    inkpipe_dither(method, gray, width, height, white);
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += white[i];
    free(gray);
    free(white);
    return (double)count / (double)n;
}

/* Floyd–Steinberg loses no error: every constant gray keeps its mean within 1%. */
static void floyd_steinberg_keeps_every_constant_gray(void **state)
{
    (void)state;
    for (int level = 0; level <= 255; level++) {
        double fraction = white_fraction(INK_DITHER_FLOYD_STEINBERG, (uint8_t)level, 256, 256);
        double expected = level / 255.0;
        if (fraction < expected - 0.01 || fraction > expected + 0.01)
            fail_msg("gray %d: %.4f white, expected %.4f", level, fraction, expected);
    }
}

/* Atkinson drops a quarter of the error by design: that is its contrast, and it bends the
 * tone curve (measured: gray 64 gives 17% white, not 25%). What must hold is the shape: black
 * and white stay pure, mid-gray is half white, the curve is monotonic and symmetric. Exact tone
 * is Floyd–Steinberg's job (above); docs/DITHER.md says so to users. */
static void atkinson_tone_curve_is_monotonic_and_symmetric(void **state)
{
    (void)state;
    double curve[256];
    for (int level = 0; level <= 255; level++)
        curve[level] = white_fraction(INK_DITHER_ATKINSON, (uint8_t)level, 128, 128);
    assert_true(curve[0] == 0.0 && curve[255] == 1.0);
    assert_true(curve[128] > 0.49 && curve[128] < 0.51);
    for (int level = 1; level <= 255; level++)
        if (curve[level] < curve[level - 1] - 0.005)
            fail_msg("gray %d: %.4f white after %.4f", level, curve[level], curve[level - 1]);
    for (int level = 0; level <= 255; level++)
        if (curve[level] + curve[255 - level] < 0.985 || curve[level] + curve[255 - level] > 1.015)
            fail_msg("gray %d and %d are not symmetric: %.4f + %.4f", level, 255 - level,
                     curve[level], curve[255 - level]);
}

/* A horizontal ramp, dithered, then averaged over 16x16 blocks, must stay within 3% of the
 * ramp's own block average for Floyd–Steinberg, and within Atkinson's tone bend (14%) for it. */
static void blurred_gradient_tracks_the_input(void **state)
{
    (void)state;
    const int width = 512, height = 128, block = 16;
    uint8_t *gray = malloc((size_t)width * height), *white = malloc((size_t)width * height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            gray[y * width + x] = (uint8_t)(x * 255 / (width - 1));
    const ink_dither_method methods[] = {INK_DITHER_FLOYD_STEINBERG, INK_DITHER_ATKINSON};
    const double tolerance[] = {0.03, 0.14};
    for (int m = 0; m < 2; m++) {
        inkpipe_dither(methods[m], gray, width, height, white);
        for (int by = 0; by < height / block; by++) {
            for (int bx = 0; bx < width / block; bx++) {
                double in = 0, out = 0;
                for (int y = by * block; y < (by + 1) * block; y++)
                    for (int x = bx * block; x < (bx + 1) * block; x++) {
                        in += gray[y * width + x] / 255.0;
                        out += white[y * width + x];
                    }
                in /= block * block;
                out /= block * block;
                if (out < in - tolerance[m] || out > in + tolerance[m])
                    fail_msg("%s block (%d,%d): output %.3f, input %.3f",
                             ink_dither_method_name(methods[m]), bx, by, out, in);
            }
        }
    }
    free(gray);
    free(white);
}

/* A horizontal ramp over all 256 grays (2 columns each), dithered through the display model's
 * table: in every 8-pixel-wide band (full height) the brightness the model predicts,
 * (white fraction)^n, must be within 0.02 of the band's mean linear light (sRGB decode of
 * the source, computed here in floating point). Checked for the default settings and for
 * each error-diffusion and ordered method at n = 2 (e-paper) and n = 1 (linear light). */
static void ramp_keeps_band_brightness(ink_dither_method method, uint32_t n_x10)
{
    const int width = 512, height = 256, band = 8;
    uint8_t *gray = malloc((size_t)width * height), *white = malloc((size_t)width * height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            gray[y * width + x] = (uint8_t)(x / 2);
    static uint16_t lut[256];
    ink_tone tone = INK_TONE_NONE;
    assert_int_equal(ink_tone_build_lut(&tone, n_x10, lut), INK_OK);
    const domain d = {lut, {0, INK_DOMAIN_WHITE, 0, 0}, 2};
    inkpipe_dither_domain(method, &d, gray, width, height, white);
    double worst = 0;
    for (int b = 0; b < width / band; b++) {
        double source = 0, covered = 0;
        for (int y = 0; y < height; y++)
            for (int x = b * band; x < (b + 1) * band; x++) {
                source += srgb_decode(gray[y * width + x] / 255.0);
                covered += white[y * width + x];
            }
        source /= band * height;
        covered /= band * height;
        double shown = pow(covered, n_x10 / 10.0);
        if (fabs(shown - source) > worst)
            worst = fabs(shown - source);
        if (fabs(shown - source) > 0.02)
            fail_msg("%s, n = %.1f, band %d (grays %d..%d): shows %.4f, source %.4f",
                     ink_dither_method_name(method), n_x10 / 10.0, b, b * band / 2,
                     (b + 1) * band / 2 - 1, shown, source);
    }
    print_message("%s, n = %.1f: worst band error %.4f\n", ink_dither_method_name(method),
                  n_x10 / 10.0, worst);
    free(gray);
    free(white);
}

static void default_settings_keep_a_ramp_within_two_percent(void **state)
{
    (void)state;
    ramp_keeps_band_brightness(INK_DEFAULT_DITHER, INK_DEFAULT_DOT_GAIN_X10);
}

static void floyd_steinberg_and_ordered_keep_a_ramp_in_both_models(void **state)
{
    (void)state;
    ramp_keeps_band_brightness(INK_DITHER_FLOYD_STEINBERG, 20);
    ramp_keeps_band_brightness(INK_DITHER_FLOYD_STEINBERG, 10);
    ramp_keeps_band_brightness(INK_DITHER_ORDERED, 20);
    ramp_keeps_band_brightness(INK_DITHER_ORDERED, 10);
}

/* With levels {0, 255} and no table, Atkinson's tone bend (above) keeps it from this test; it
 * is measured, not asserted, so that docs/DITHER.md's figure has a source. */
static void atkinson_ramp_error_is_reported(void **state)
{
    (void)state;
    const int width = 512, height = 256, band = 8;
    uint8_t *gray = malloc((size_t)width * height), *white = malloc((size_t)width * height);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            gray[y * width + x] = (uint8_t)(x / 2);
    static uint16_t lut[256];
    ink_tone tone = INK_TONE_NONE;
    assert_int_equal(ink_tone_build_lut(&tone, 20, lut), INK_OK);
    const domain d = {lut, {0, INK_DOMAIN_WHITE, 0, 0}, 2};
    inkpipe_dither_domain(INK_DITHER_ATKINSON, &d, gray, width, height, white);
    double worst = 0;
    int worst_band = 0;
    for (int b = 0; b < width / band; b++) {
        double source = 0, covered = 0;
        for (int y = 0; y < height; y++)
            for (int x = b * band; x < (b + 1) * band; x++) {
                source += srgb_decode(gray[y * width + x] / 255.0);
                covered += white[y * width + x];
            }
        double shown = pow(covered / (band * height), 2.0);
        source /= band * height;
        if (fabs(shown - source) > worst) {
            worst = fabs(shown - source);
            worst_band = b;
        }
    }
    print_message("atkinson, n = 2.0: worst band error %.4f at grays %d..%d\n", worst,
                  worst_band * 4, worst_band * 4 + 3);
    assert_true(worst > 0.0);
    free(gray);
    free(white);
}

static void packing_is_msb_first_with_white_as_one(void **state)
{
    (void)state;
    const uint8_t gray[10] = {255, 0, 0, 0, 0, 0, 0, 255, 255, 0};
    uint8_t packed[2] = {0xFF, 0xFF};
    ink_ditherer ditherer;
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_THRESHOLD, 10, NULL, 0), INK_OK);
    ink_dither_row(&ditherer, gray, packed);
    assert_int_equal(packed[0], 0x81);
    assert_int_equal(packed[1], 0x80);
}

static void init_checks_its_arguments(void **state)
{
    (void)state;
    ink_ditherer ditherer;
    _Alignas(4) uint16_t work[64];
    assert_int_equal(ink_dither_work_bytes(INK_DITHER_ATKINSON, 10), 2 * 14 * 2);
    /* Floyd–Steinberg's one int32 row of sixteenths fills the same bytes, 4-aligned */
    assert_int_equal(ink_dither_work_bytes(INK_DITHER_FLOYD_STEINBERG, 10), 14 * 4);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_FLOYD_STEINBERG, 10, work + 1, 56),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_ATKINSON, 10, work + 1, 56), INK_OK);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_FLOYD_STEINBERG, 10, work, 56), INK_OK);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_ATKINSON, 10, work, 55),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_ATKINSON, 0, work, sizeof work),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_ATKINSON, 10, work, 56), INK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(atkinson_matches_reference_bit_for_bit),
        cmocka_unit_test(floyd_steinberg_matches_reference_bit_for_bit),
        cmocka_unit_test(floyd_steinberg_1bit_matches_reference_at_random_widths),
        cmocka_unit_test(floyd_steinberg_2bit_matches_reference_at_random_widths),
        cmocka_unit_test(atkinson_1bit_matches_reference_at_random_widths),
        cmocka_unit_test(atkinson_2bit_matches_reference_at_random_widths),
        cmocka_unit_test(threshold_and_ordered_1bit_match_reference_at_random_widths),
        cmocka_unit_test(threshold_matches_reference_bit_for_bit),
        cmocka_unit_test(ordered_matches_reference_bit_for_bit),
        cmocka_unit_test(bayer_table_is_the_recursive_matrix),
        cmocka_unit_test(floyd_steinberg_keeps_every_constant_gray),
        cmocka_unit_test(atkinson_tone_curve_is_monotonic_and_symmetric),
        cmocka_unit_test(blurred_gradient_tracks_the_input),
        cmocka_unit_test(default_settings_keep_a_ramp_within_two_percent),
        cmocka_unit_test(floyd_steinberg_and_ordered_keep_a_ramp_in_both_models),
        cmocka_unit_test(atkinson_ramp_error_is_reported),
        cmocka_unit_test(packing_is_msb_first_with_white_as_one),
        cmocka_unit_test(init_checks_its_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
