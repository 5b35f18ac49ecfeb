/*
 * test_png_generated.c — the in-arena PNG decoder on PNGs this test writes with libpng:
 * every colour type and depth, interlaced or not, every filter, tRNS of each kind, odd sizes,
 * large and wide images, the width limit, Adam7 in several bands, 1x1 and 1x65535; the memory
 * plan's worst cases with the arena filled with a pattern outside the decoder's claims.
 * Expected pixels always come from libpng (png_reference.c).
 */
#include "test_support.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/inflate.h"
#include "decode/png.h"
#include "png_reference.h"

/* Random rows for a spec; palette indices are kept below palette_count. */
static uint8_t *make_rows(const ink_test_png_spec *spec, uint32_t seed)
{
    int channels = spec->color_type == 2 ? 3 : spec->color_type == 4 ? 2 : spec->color_type == 6 ? 4 : 1;
    size_t row_nbytes = ((size_t)spec->width * channels * spec->bit_depth + 7) / 8;
    size_t nbytes = row_nbytes * spec->height;
    uint8_t *rows = malloc(nbytes ? nbytes : 1);
    ink_test_fill_random(rows, nbytes, seed);
    /* Smooth runs so that filters and compression see realistic data, not only noise. */
    for (size_t i = 0; i < nbytes; i++) {
        if ((i / 97) % 3 == 0)
            rows[i] = (uint8_t)(i * 7 / 5);
    }
    if (spec->color_type == PNG_COLOR_TYPE_PALETTE) {
        for (uint32_t y = 0; y < spec->height; y++) {
            for (uint32_t x = 0; x < spec->width; x++) {
                uint8_t *row = rows + row_nbytes * y;
                unsigned depth = (unsigned)spec->bit_depth, per_byte = 8 / depth;
                unsigned shift = 8 - depth * (x % per_byte + 1);
                unsigned mask = ((1u << depth) - 1) << shift;
                unsigned value = ((row[x / per_byte] & mask) >> shift) % (unsigned)spec->palette_count;
                row[x / per_byte] = (uint8_t)((row[x / per_byte] & ~mask) | (value << shift));
            }
        }
    }
    return rows;
}

static int compare(const uint8_t *png, size_t nbytes, uint8_t background, bool no_seek,
                   const char *label)
{
    ink_test_gray expected, got;
    char why[256];
    if (!ink_test_libpng_gray(png, nbytes, background, &expected, why, sizeof why)) {
        fprintf(stderr, "%s: libpng refuses its own output: %s\n", label, why);
        return 1;
    }
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_test_arena_png_gray(ink_test_arena(), png, nbytes, background, no_seek,
                                            &got, &info);
    int failures = 0;
    if (err != INK_OK) {
        fprintf(stderr, "%s: %s\n", label, info.detail);
        failures = 1;
    } else {
        if (got.width != expected.width || got.height != expected.height ||
            memcmp(got.pixels, expected.pixels, (size_t)got.width * got.height) != 0) {
            fprintf(stderr, "%s: pixels differ from libpng\n", label);
            failures = 1;
        }
        ink_test_gray_free(&got);
    }
    ink_test_gray_free(&expected);
    if (ink_arena_live_claims(ink_test_arena()) != 0) {
        fprintf(stderr, "%s: claims left live\n", label);
        failures++;
    }
    return failures;
}

static const uint8_t test_palette[256 * 3] = {
    0, 0, 0, 255, 255, 255, 200, 30, 40, 10, 220, 90, 60, 70, 250, 128, 128, 128,
    255, 255, 0, 0, 255, 255, 17, 34, 51, 240, 120, 60, 1, 2, 3, 99, 199, 9,
    250, 250, 250, 5, 5, 5, 33, 66, 99, 77, 88, 11,
};
static const uint8_t test_alpha[16] = {0, 255, 128, 1, 254, 60, 200, 30, 0, 255, 17, 250};

static void test_every_type_depth_interlace_and_filter(void **state)
{
    (void)state;
    static const struct { int color_type, depth; } types[] = {
        {0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4},
        {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16},
    };
    static const uint32_t sizes[][2] = {{1, 1}, {2, 1}, {1, 2}, {7, 5}, {33, 17}, {257, 131}};
    static const int filters[] = {PNG_FILTER_NONE, PNG_FILTER_SUB, PNG_FILTER_UP,
                                  PNG_FILTER_AVG, PNG_FILTER_PAETH, PNG_ALL_FILTERS};
    int failures = 0, count = 0;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            for (int interlaced = 0; interlaced < 2; interlaced++) {
                for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
                    for (int trns = 0; trns < 2; trns++) {
                        if (trns && (types[t].color_type == 4 || types[t].color_type == 6))
                            continue;
                        ink_test_png_spec spec = {
                            .width = sizes[s][0], .height = sizes[s][1],
                            .color_type = types[t].color_type, .bit_depth = types[t].depth,
                            .interlaced = interlaced, .filters = filters[f],
                            .compression_level = (int)(f % 10),
                        };
                        if (spec.color_type == 3) {
                            spec.palette = test_palette;
                            spec.palette_count = 1 << (spec.bit_depth < 4 ? spec.bit_depth : 4);
                            if (trns) {
                                spec.trns_alpha = test_alpha;
                                spec.trns_count = spec.palette_count > 2 ? spec.palette_count - 1 : 1;
                            }
                        }
                        uint8_t *rows = make_rows(&spec, (uint32_t)(t * 1000 + s * 10 + f + 1));
                        spec.rows = rows;
                        if (trns && spec.color_type != 3) {
                            /* Make the first pixel's value the transparent one. */
                            spec.has_trns_color = true;
                            unsigned d = (unsigned)spec.bit_depth;
                            for (int c = 0; c < 3; c++) {
                                int k = spec.color_type == 2 ? c : 0; /* gray: sample 0 */
                                if (d == 16)
                                    spec.trns_color[c] = (uint16_t)(rows[2 * k] << 8 | rows[2 * k + 1]);
                                else if (d == 8)
                                    spec.trns_color[c] = rows[k];
                                else
                                    spec.trns_color[c] = (uint16_t)(rows[0] >> (8 - d));
                            }
                        }
                        size_t nbytes;
                        uint8_t *png = ink_test_write_png(&spec, &nbytes);
                        assert_non_null(png);
                        char label[128];
                        snprintf(label, sizeof label, "type %d depth %d %ux%u %s filter %d%s",
                                 spec.color_type, spec.bit_depth, spec.width, spec.height,
                                 interlaced ? "interlaced" : "", filters[f], trns ? " tRNS" : "");
                        failures += compare(png, nbytes, 255, false, label);
                        if (trns || spec.color_type >= 4)
                            failures += compare(png, nbytes, 90, false, label);
                        free(png);
                        free(rows);
                        count++;
                    }
                }
            }
        }
    }
    fprintf(stderr, "%d generated PNGs, %d failures\n", count, failures);
    assert_int_equal(failures, 0);
}

/* Encodes `spec` with random rows and compares; returns the PNG through *out if asked. */
static int generate_and_compare(ink_test_png_spec spec, uint32_t seed, bool no_seek,
                                const char *label)
{
    uint8_t *rows = make_rows(&spec, seed);
    spec.rows = rows;
    size_t nbytes;
    uint8_t *png = ink_test_write_png(&spec, &nbytes);
    assert_non_null(png);
    int failures = compare(png, nbytes, 255, no_seek, label);
    free(png);
    free(rows);
    return failures;
}

static void test_large_wide_tall_and_tiny(void **state)
{
    (void)state;
    int failures = 0;
    failures += generate_and_compare((ink_test_png_spec){.width = 1600, .height = 1200, .color_type = 2,
                                                         .bit_depth = 8, .compression_level = -1},
                                     1, true, "1600x1200 RGB");
    failures += generate_and_compare((ink_test_png_spec){.width = 4096, .height = 48, .color_type = 6,
                                                         .bit_depth = 8, .compression_level = -1},
                                     2, true, "4096 RGBA");
    failures += generate_and_compare((ink_test_png_spec){.width = 6144, .height = 9, .color_type = 6,
                                                         .bit_depth = 8, .compression_level = 1},
                                     3, true, "6144 RGBA (the limit)");
    failures += generate_and_compare((ink_test_png_spec){.width = 3413, .height = 5, .color_type = 6,
                                                         .bit_depth = 16, .compression_level = 1},
                                     4, true, "3413 RGBA16 (the limit)");
    failures += generate_and_compare((ink_test_png_spec){.width = 15360, .height = 3, .color_type = 0,
                                                         .bit_depth = 8, .compression_level = 1},
                                     5, true, "15360 gray8 (the limit)");
    failures += generate_and_compare((ink_test_png_spec){.width = 1, .height = 65535, .color_type = 0,
                                                         .bit_depth = 16, .compression_level = -1},
                                     6, true, "1x65535 gray16");
    failures += generate_and_compare((ink_test_png_spec){.width = 1, .height = 65535, .color_type = 6,
                                                         .bit_depth = 8, .interlaced = true,
                                                         .compression_level = -1},
                                     7, false, "1x65535 RGBA interlaced (2 bands)");
    failures += generate_and_compare((ink_test_png_spec){.width = 1, .height = 1, .color_type = 3,
                                                         .bit_depth = 1, .palette = test_palette,
                                                         .palette_count = 2, .compression_level = -1},
                                     8, true, "1x1 palette");
    assert_int_equal(failures, 0);
}

static void test_adam7_in_bands_matches_libpng(void **state)
{
    (void)state;
    /* 4096-wide RGBA interlaced: 3 even rows per band, so 45 rows take 8 passes over the data. */
    ink_png_plan plan;
    assert_int_equal(ink_png_plan_for(4096, 45, 6, 8, true, &plan, NULL), INK_OK);
    assert_int_equal(plan.band_rows, 6);
    assert_int_equal(plan.stream_passes, 8);
    int failures = 0;
    failures += generate_and_compare((ink_test_png_spec){.width = 4096, .height = 45, .color_type = 6,
                                                         .bit_depth = 8, .interlaced = true,
                                                         .compression_level = 1},
                                     11, false, "4096x45 RGBA interlaced");
    failures += generate_and_compare((ink_test_png_spec){.width = 2999, .height = 301, .color_type = 2,
                                                         .bit_depth = 16, .interlaced = true,
                                                         .compression_level = 1},
                                     12, false, "2999x301 RGB16 interlaced");
    failures += generate_and_compare((ink_test_png_spec){.width = 6144, .height = 20, .color_type = 4,
                                                         .bit_depth = 16, .interlaced = true,
                                                         .compression_level = 1},
                                     13, false, "6144x20 GA16 interlaced");
    assert_int_equal(failures, 0);

    /* Several bands need a source that can seek; without one the error says why, up front. */
    ink_test_png_spec spec = {.width = 4096, .height = 45, .color_type = 6, .bit_depth = 8,
                              .interlaced = true, .compression_level = 1};
    uint8_t *rows = make_rows(&spec, 11);
    spec.rows = rows;
    size_t nbytes;
    uint8_t *png = ink_test_write_png(&spec, &nbytes);
    ink_test_gray got;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_test_arena_png_gray(ink_test_arena(), png, nbytes, 255, true, &got, &info),
                     INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "cannot seek"));
    free(png);
    free(rows);
}

static void test_too_wide_names_the_limit(void **state)
{
    (void)state;
    ink_png_plan plan;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_png_plan_for(6145, 1, 6, 8, false, &plan, &info), INK_ERR_TOO_LARGE);
    assert_non_null(strstr(info.detail, "6144 px"));
    ink_error_clear(&info);
    assert_int_equal(ink_png_plan_for(6144, 1, 6, 8, false, &plan, &info), INK_OK);
    assert_true(plan.dither_nbytes <= INK_REGION_DITHER_BYTES);

    /* And through the decoder, from a real file. */
    ink_test_png_spec spec = {.width = 6145, .height = 2, .color_type = 6, .bit_depth = 8,
                              .compression_level = 1};
    uint8_t *rows = make_rows(&spec, 21);
    spec.rows = rows;
    size_t nbytes;
    uint8_t *png = ink_test_write_png(&spec, &nbytes);
    ink_test_gray got;
    ink_error_clear(&info);
    assert_int_equal(ink_test_arena_png_gray(ink_test_arena(), png, nbytes, 255, false, &got, &info),
                     INK_ERR_TOO_LARGE);
    fprintf(stderr, "too wide: %s\n", info.detail);
    assert_non_null(strstr(info.detail, "6144 px"));
    assert_int_equal(ink_arena_live_claims(ink_test_arena()), 0);
    free(png);
    free(rows);
}

/* Fills the whole arena with a pattern, has ROW and IMAGE2 claimed by "the pipeline", decodes,
 * then checks every byte outside the decoder's documented claims still holds the pattern. */
static void check_pattern_outside_claims(ink_test_png_spec spec, uint32_t seed)
{
    uint8_t *rows = make_rows(&spec, seed);
    spec.rows = rows;
    size_t nbytes;
    uint8_t *png = ink_test_write_png(&spec, &nbytes);
    assert_non_null(png);
    ink_png_plan plan;
    assert_int_equal(ink_png_plan_for(spec.width, spec.height, (uint8_t)spec.color_type,
                                      (uint8_t)spec.bit_depth, spec.interlaced, &plan, NULL),
                     INK_OK);
    ink_arena *arena = ink_test_arena();
    memset(arena->base, 0xA5, INK_ARENA_BYTES);
    ink_claim row_claim, image2_claim;
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_ROW, "test pipeline row", &row_claim, NULL), INK_OK);
    assert_int_equal(ink_arena_claim_region(arena, INK_REGION_IMAGE2, "test pipeline image2", &image2_claim, NULL), INK_OK);

    ink_test_gray expected, got;
    assert_true(ink_test_libpng_gray(png, nbytes, 255, &expected, NULL, 0));
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_test_arena_png_gray(arena, png, nbytes, 255, false, &got, &info);
    if (err != INK_OK)
        fprintf(stderr, "%s\n", info.detail);
    assert_int_equal(err, INK_OK);
    assert_memory_equal(got.pixels, expected.pixels, (size_t)got.width * got.height);
    assert_int_equal(ink_arena_live_claims(arena), 2);
    ink_arena_release(arena, &row_claim);
    ink_arena_release(arena, &image2_claim);

    /* The decoder may write PRIMARY, SCRATCH[0, align8(state)), DITHER[0, dither_nbytes). */
    uint32_t scratch_used = (uint32_t)((INK_INFLATE_STATE_BYTES + 7u) & ~7u);
    for (uint32_t offset = 0; offset < INK_ARENA_BYTES; offset++) {
        bool claimed =
            offset < INK_REGION_PRIMARY_BYTES ||
            (offset >= INK_REGION_DITHER_OFFSET && offset < INK_REGION_DITHER_OFFSET + plan.dither_nbytes) ||
            (offset >= INK_REGION_SCRATCH_OFFSET && offset < INK_REGION_SCRATCH_OFFSET + scratch_used);
        if (!claimed && arena->base[offset] != 0xA5)
            fail_msg("arena byte %u (outside the decoder's claims) changed", offset);
    }
    ink_test_gray_free(&got);
    ink_test_gray_free(&expected);
    free(png);
    free(rows);
}

static void test_worst_cases_stay_inside_the_plan(void **state)
{
    (void)state;
    /* The widest RGBA 8-bit row, non-interlaced and interlaced; a small image (small plan). */
    check_pattern_outside_claims((ink_test_png_spec){.width = 6144, .height = 7, .color_type = 6,
                                                     .bit_depth = 8, .compression_level = 1}, 31);
    check_pattern_outside_claims((ink_test_png_spec){.width = 6144, .height = 9, .color_type = 6,
                                                     .bit_depth = 8, .interlaced = true,
                                                     .compression_level = 1}, 32);
    check_pattern_outside_claims((ink_test_png_spec){.width = 4096, .height = 33, .color_type = 6,
                                                     .bit_depth = 8, .interlaced = true,
                                                     .compression_level = 1}, 33);
    check_pattern_outside_claims((ink_test_png_spec){.width = 13, .height = 11, .color_type = 0,
                                                     .bit_depth = 2, .compression_level = 9}, 34);
}

static ink_error bilevel_of(const ink_test_png_spec *spec_in, bool *bilevel)
{
    ink_test_png_spec spec = *spec_in;
    uint8_t *rows = make_rows(&spec, 41);
    spec.rows = rows;
    size_t nbytes;
    uint8_t *png = ink_test_write_png(&spec, &nbytes);
    ink_test_gray got;
    ink_error err = ink_test_arena_png_gray(ink_test_arena(), png, nbytes, 255, false, &got, NULL);
    if (err == INK_OK) {
        *bilevel = got.is_bilevel;
        /* The flag must be true to the pixels. */
        for (size_t i = 0; *bilevel && i < (size_t)got.width * got.height; i++)
            assert_true(got.pixels[i] == 0 || got.pixels[i] == 255);
        ink_test_gray_free(&got);
    }
    free(png);
    free(rows);
    return err;
}

static void test_bilevel_flag(void **state)
{
    (void)state;
    static const uint8_t black_white[6] = {0, 0, 0, 255, 255, 255};
    static const uint8_t black_red[6] = {0, 0, 0, 255, 0, 0};
    bool bilevel = false;
    assert_int_equal(bilevel_of(&(ink_test_png_spec){.width = 9, .height = 4, .color_type = 0,
                                                     .bit_depth = 1, .compression_level = -1},
                                &bilevel), INK_OK);
    assert_true(bilevel);
    assert_int_equal(bilevel_of(&(ink_test_png_spec){.width = 9, .height = 4, .color_type = 3,
                                                     .bit_depth = 1, .palette = black_white,
                                                     .palette_count = 2, .compression_level = -1},
                                &bilevel), INK_OK);
    assert_true(bilevel);
    assert_int_equal(bilevel_of(&(ink_test_png_spec){.width = 9, .height = 4, .color_type = 3,
                                                     .bit_depth = 1, .palette = black_red,
                                                     .palette_count = 2, .compression_level = -1},
                                &bilevel), INK_OK);
    assert_false(bilevel);
    assert_int_equal(bilevel_of(&(ink_test_png_spec){.width = 9, .height = 4, .color_type = 0,
                                                     .bit_depth = 2, .compression_level = -1},
                                &bilevel), INK_OK);
    assert_false(bilevel);
    assert_int_equal(bilevel_of(&(ink_test_png_spec){.width = 9, .height = 4, .color_type = 2,
                                                     .bit_depth = 8, .compression_level = -1},
                                &bilevel), INK_OK);
    assert_false(bilevel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_type_depth_interlace_and_filter),
        cmocka_unit_test(test_large_wide_tall_and_tiny),
        cmocka_unit_test(test_adam7_in_bands_matches_libpng),
        cmocka_unit_test(test_too_wide_names_the_limit),
        cmocka_unit_test(test_worst_cases_stay_inside_the_plan),
        cmocka_unit_test(test_bilevel_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
