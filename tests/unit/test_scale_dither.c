/*
 * test_scale_dither.c — the scaler's walk fused with 1-bit Floyd–Steinberg
 * (decode/scale_dither.h) against the two stages apart: the scaler's own output row dithered by
 * ink_dither_row (each held to its own brute-force reference in test_scale.c and
 * test_dither.c). Every packed row must be the same bit for bit.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/scale.h"
#include "decode/scale_dither.h"
#include "dither/dither.h"
#include "dither/tone.h"

static uint32_t random_state = 12345u;

static uint32_t next_random(void)
{
    random_state = random_state * 1664525u + 1013904223u;
    return random_state >> 8;
}

/* A photo-like image: smooth gradients plus noise, some flat runs of black and white. */
static uint8_t *make_image(uint32_t width, uint32_t height)
{
    uint8_t *image = malloc((size_t)width * height);
    for (uint32_t y = 0; y < height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            int32_t v = (int32_t)((x * 255u) / width + (y * 97u) / height) % 300 - 20;
            v += (int32_t)(next_random() % 41u) - 20;
            image[(size_t)y * width + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    return image;
}

typedef struct packed_rows {
    ink_ditherer *ditherer;
    const uint16_t *domain16;
    uint8_t *rows;
    size_t row_nbytes;
    uint32_t count;
} packed_rows;

/* The two stages apart: the scaler's output row, dithered. */
static ink_error dither_scaled_row(void *user, const uint8_t *row)
{
    packed_rows *p = user;
    ink_dither_row(p->ditherer, row, p->rows + p->count * p->row_nbytes);
    p->count++;
    return INK_OK;
}

/* Fused: the scaler hands each completed row to the walk that dithers as it goes. */
static ink_error scale_and_dither_row(void *user, ink_scaler *scaler, const uint8_t *source,
                                      uint32_t weight, uint32_t rest)
{
    packed_rows *p = user;
    ink_scale_dither_row(scaler, p->ditherer, p->domain16, source, weight, rest,
                         p->rows + p->count * p->row_nbytes);
    p->count++;
    return INK_OK;
}

/* Scales and dithers `image` by `g` both ways with `levels`; returns false (checking nothing)
 * when the pair cannot run fused (see ink_scale_dither_fits). */
static bool check_fused_against_apart(const uint8_t *image, uint32_t width, uint32_t height,
                                      const ink_fit_geometry *g, const ink_dither_levels *levels)
{
    const size_t work_nbytes =
        ink_scaler_plan_work_bytes(INK_SCALER_SOURCE_COLUMNS, g, false) +
        ink_scaler_plan_work_bytes(INK_SCALER_OUTPUT_COLUMNS, g, false);
    const size_t row_nbytes = ink_packed_row_bytes(g->out_width);
    const size_t error_nbytes = ink_dither_work_bytes(INK_DITHER_FLOYD_STEINBERG, g->out_width);
    uint8_t *out[2];
    bool fused_ran = true;
    for (int fused = 0; fused < 2; fused++) {
        uint32_t *work = malloc(work_nbytes);
        uint32_t *errors = malloc(error_nbytes);
        out[fused] = calloc(g->out_height, row_nbytes);
        ink_ditherer ditherer;
        assert_int_equal(ink_dither_init_levels(&ditherer, INK_DITHER_FLOYD_STEINBERG,
                                                g->out_width, levels, errors, error_nbytes),
                         INK_OK);
        uint16_t domain16[256];
        packed_rows p = {&ditherer, domain16, out[fused], row_nbytes, 0};
        ink_scaler scaler;
        assert_int_equal(ink_scaler_init(&scaler, width, height, g, work, work_nbytes, NULL,
                                         dither_scaled_row, &p, NULL),
                         INK_OK);
        if (fused) {
            fused_ran = ink_scale_dither_fits(&scaler, &ditherer) &&
                        ink_scale_dither_table(&ditherer, domain16);
            if (fused_ran)
                assert_true(ink_scaler_take_rows(&scaler, scale_and_dither_row, &p));
        }
        for (uint32_t y = 0; y < height; y++)
            assert_int_equal(ink_scaler_push_row(&scaler, image + (size_t)y * width), INK_OK);
        assert_true(ink_scaler_done(&scaler));
        assert_int_equal(p.count, g->out_height);
        free(work);
        free(errors);
    }
    if (fused_ran && memcmp(out[0], out[1], g->out_height * row_nbytes) != 0) {
        for (uint32_t y = 0; y < g->out_height; y++) {
            if (memcmp(out[0] + y * row_nbytes, out[1] + y * row_nbytes, row_nbytes) != 0) {
                print_error("crop %ux%u at (%u, %u) -> %ux%u: row %u differs\n", g->crop_width,
                            g->crop_height, g->crop_x, g->crop_y, g->out_width, g->out_height,
                            y);
                break;
            }
        }
        fail();
    }
    free(out[0]);
    free(out[1]);
    return fused_ran;
}

/* The table and levels of the default conversion (dot gain 2), the gray values themselves,
 * and a table whose black level is not 0. */
static void make_levels(int kind, uint16_t lut[256], ink_dither_levels *levels)
{
    memset(levels, 0, sizeof *levels);
    levels->count = 2;
    if (kind == 0) {
        levels->levels[1] = 255;
        return;
    }
    for (unsigned v = 0; v < 256; v++)
        lut[v] = kind == 1 ? ink_display_domain(20, (uint8_t)v) : (uint16_t)(300u + v * 14u);
    levels->lut = lut;
    levels->levels[0] = lut[0];
    levels->levels[1] = lut[255];
}

static void fused_matches_apart_on_display_fit_reductions(void **state)
{
    (void)state;
    /* Reductions between 1 and 2 (one whole source pixel per column: what the DCT prescale
     * leaves), output widths of every remainder mod 8 and of one byte or less. */
    static const uint32_t sizes[][4] = {
        {600, 789, 480, 631}, {613, 800, 480, 627}, {960, 1200, 640, 800}, {1023, 77, 800, 61},
        {9, 9, 8, 8},         {7, 5, 5, 4},         {3, 3, 2, 2},          {17, 40, 9, 31},
        {100, 30, 99, 29},    {64, 64, 57, 33},     {5, 900, 3, 601},      {850, 1200, 799, 3},
    };
    uint16_t lut[256];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *image = make_image(sizes[i][0], sizes[i][1]);
        ink_fit_geometry g = {0, 0, sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3]};
        for (int kind = 0; kind < 3; kind++) {
            ink_dither_levels levels;
            make_levels(kind, lut, &levels);
            assert_true(check_fused_against_apart(image, sizes[i][0], sizes[i][1], &g, &levels));
        }
        free(image);
    }
}

static void fused_matches_apart_on_random_geometry(void **state)
{
    (void)state;
    /* Random crops and reductions from 1 to 6 (divisors inside and outside the range where
     * the scaler skips its correction step): fused below 2, apart above, the same either way. */
    uint16_t lut[256];
    uint32_t fused_count = 0;
    for (int trial = 0; trial < 400; trial++) {
        const uint32_t width = 1u + next_random() % 1100u, height = 1u + next_random() % 300u;
        uint8_t *image = make_image(width, height);
        ink_fit_geometry g;
        g.crop_x = next_random() % width;
        g.crop_y = next_random() % height;
        g.crop_width = 1u + next_random() % (width - g.crop_x);
        g.crop_height = 1u + next_random() % (height - g.crop_y);
        const uint32_t reduction_x100 = 100u + next_random() % 500u;
        g.out_width = 1u + (g.crop_width * 100u) / reduction_x100;
        if (g.out_width > g.crop_width)
            g.out_width = g.crop_width;
        if (g.out_width > INK_MAX_OUTPUT_WIDTH)
            g.out_width = INK_MAX_OUTPUT_WIDTH;
        g.out_height = 1u + next_random() % (g.crop_height + g.crop_height / 2u);
        ink_dither_levels levels;
        make_levels(trial % 3, lut, &levels);
        fused_count += check_fused_against_apart(image, width, height, &g, &levels);
        free(image);
    }
    printf("fused on %u of 400 random geometries\n", fused_count);
    assert_true(fused_count > 50 && fused_count < 350);
}

/* A scaler from a square source of `side` to `geometry` and a Floyd–Steinberg ditherer of its
 * output width: does the fused walk take them? */
static bool fused_takes(ink_scaler *scaler, ink_ditherer *ditherer, uint32_t side,
                        const ink_fit_geometry *geometry, uint32_t *work, size_t work_bytes,
                        int32_t *errors, size_t errors_bytes)
{
    assert_int_equal(ink_scaler_init(scaler, side, side, geometry, work, work_bytes, NULL,
                                     dither_scaled_row, NULL, NULL),
                     INK_OK);
    assert_int_equal(ink_dither_init(ditherer, INK_DITHER_FLOYD_STEINBERG, geometry->out_width,
                                     errors, errors_bytes),
                     INK_OK);
    return ink_scale_dither_fits(scaler, ditherer);
}

static void fused_only_where_it_applies(void **state)
{
    (void)state;
    uint32_t work[64];
    int32_t errors[64];
    ink_scaler scaler;
    ink_ditherer ditherer;
    const ink_fit_geometry enlarge = {0, 0, 10, 10, 20, 20};
    assert_false(fused_takes(&scaler, &ditherer, 10, &enlarge, work, sizeof work, errors,
                             sizeof errors)); /* enlarging */
    assert_false(ink_scaler_take_rows(&scaler, scale_and_dither_row, NULL));
    const ink_fit_geometry halve = {0, 0, 20, 20, 10, 10};
    assert_false(fused_takes(&scaler, &ditherer, 20, &halve, work, sizeof work, errors,
                             sizeof errors)); /* two whole pixels a column */
    const ink_fit_geometry reduce = {0, 0, 20, 20, 13, 13};
    assert_true(fused_takes(&scaler, &ditherer, 20, &reduce, work, sizeof work, errors,
                            sizeof errors));
    uint16_t lut[256], domain16[256];
    for (unsigned g = 0; g < 256; g++)
        lut[g] = (uint16_t)(g * 16u); /* up to 4080: 16 times it still fits 16 bits */
    ink_dither_levels levels = {lut, {0, 4080, 0, 0}, 2};
    assert_int_equal(ink_dither_init_levels(&ditherer, INK_DITHER_FLOYD_STEINBERG, 13, &levels,
                                            errors, sizeof errors),
                     INK_OK);
    assert_true(ink_scale_dither_table(&ditherer, domain16));
    assert_int_equal(domain16[255], 4080u * 16u);
    lut[255] = levels.levels[1] = INK_DOMAIN_WHITE + 1u; /* 16 times it would not */
    assert_int_equal(ink_dither_init_levels(&ditherer, INK_DITHER_FLOYD_STEINBERG, 13, &levels,
                                            errors, sizeof errors),
                     INK_OK);
    assert_false(ink_scale_dither_table(&ditherer, domain16));
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_ATKINSON, 13, errors, sizeof errors),
                     INK_OK);
    assert_false(ink_scale_dither_fits(&scaler, &ditherer));
    /* sums by output column: too little memory for one sum per source column */
    assert_int_equal(ink_scaler_init(&scaler, 20, 20, &reduce, work, 13 * sizeof(uint32_t) + 16,
                                     NULL, dither_scaled_row, NULL, NULL),
                     INK_OK);
    assert_int_equal(ink_dither_init(&ditherer, INK_DITHER_FLOYD_STEINBERG, 13, errors,
                                     sizeof errors),
                     INK_OK);
    assert_false(ink_scale_dither_fits(&scaler, &ditherer));
    assert_false(ink_scaler_take_rows(&scaler, scale_and_dither_row, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fused_matches_apart_on_display_fit_reductions),
        cmocka_unit_test(fused_matches_apart_on_random_geometry),
        cmocka_unit_test(fused_only_where_it_applies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
