/*
 * test_scale.c — fit geometry on hand-worked cases, and the streaming scaler against a
 * brute-force area average computed in floating point.
 */
#include "test_support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/scale.h"

static void contain_keeps_aspect_and_never_enlarges(void **state)
{
    (void)state;
    ink_fit_geometry g;
    assert_int_equal(ink_fit_compute(2000, 3000, 480, 800, INK_FIT_CONTAIN, false, &g), INK_OK);
    /* 2000/3000 is wider than 480/800: width-bound, height 3000 * 480 / 2000 = 720 */
    assert_int_equal(g.out_width, 480);
    assert_int_equal(g.out_height, 720);
    assert_int_equal(g.crop_width, 2000);
    assert_int_equal(ink_fit_compute(1000, 4000, 480, 800, INK_FIT_CONTAIN, false, &g), INK_OK);
    assert_int_equal(g.out_height, 800);
    assert_int_equal(g.out_width, 200);
    assert_int_equal(ink_fit_compute(70, 46, 480, 800, INK_FIT_CONTAIN, false, &g), INK_OK);
    assert_int_equal(g.out_width, 70);
    assert_int_equal(g.out_height, 46);
    assert_int_equal(ink_fit_compute(70, 46, 480, 800, INK_FIT_CONTAIN, true, &g), INK_OK);
    assert_int_equal(g.out_width, 480);
    assert_int_equal(g.out_height, 315); /* 46 * 480 / 70 = 315.43 */
    /* extreme aspect: never zero */
    assert_int_equal(ink_fit_compute(65535, 1, 480, 800, INK_FIT_CONTAIN, false, &g), INK_OK);
    assert_int_equal(g.out_width, 480);
    assert_int_equal(g.out_height, 1);
}

static void cover_crops_the_centre(void **state)
{
    (void)state;
    ink_fit_geometry g;
    assert_int_equal(ink_fit_compute(1600, 1600, 480, 800, INK_FIT_COVER, false, &g), INK_OK);
    /* square source, tall box: crop width 1600 * 480 / 800 = 960, centred at (1600-960)/2 */
    assert_int_equal(g.crop_width, 960);
    assert_int_equal(g.crop_height, 1600);
    assert_int_equal(g.crop_x, 320);
    assert_int_equal(g.crop_y, 0);
    assert_int_equal(g.out_width, 480);
    assert_int_equal(g.out_height, 800);
    assert_int_equal(ink_fit_compute(100, 1000, 120, 180, INK_FIT_COVER, false, &g), INK_OK);
    /* tall source: crop height 100 * 180 / 120 = 150, centred */
    assert_int_equal(g.crop_height, 150);
    assert_int_equal(g.crop_y, 425);
    assert_int_equal(g.out_width, 100); /* smaller than the box and no upscale */
    assert_int_equal(g.out_height, 150);
}

static void scale_choice_keeps_enough_pixels(void **state)
{
    (void)state;
    ink_fit_geometry g;
    ink_fit_compute(4000, 3000, 480, 800, INK_FIT_CONTAIN, false, &g); /* -> 480x360 */
    assert_int_equal(ink_fit_choose_scale(4000, 3000, 0xF, &g), 3); /* 500x375 >= 480x360 */
    assert_int_equal(g.crop_width, 500);
    assert_int_equal(g.crop_height, 375);
    ink_fit_compute(1920, 1080, 480, 800, INK_FIT_CONTAIN, false, &g); /* -> 480x270 */
    assert_int_equal(ink_fit_choose_scale(1920, 1080, 0xF, &g), 2);    /* 480x270 exactly */
    ink_fit_compute(1920, 1080, 480, 800, INK_FIT_CONTAIN, false, &g);
    assert_int_equal(ink_fit_choose_scale(1920, 1080, 0x1, &g), 0); /* PNG: full only */
    assert_int_equal(g.crop_width, 1920);
    ink_fit_compute(1000, 1000, 480, 800, INK_FIT_COVER, false, &g); /* crop 600x1000 */
    assert_int_equal(ink_fit_choose_scale(1000, 1000, 0xF, &g), 0);   /* 300 < 480 at 1/2 */
    /* A decoder that cannot deliver the scale the output needs (a progressive JPEG too wide for
     * its band at 1/1 and 1/2): the sharpest scale it can, enlarged by the scaler. */
    ink_fit_compute(1737, 1031, 480, 800, INK_FIT_CONTAIN, false, &g); /* -> 480x285 */
    assert_int_equal(ink_fit_choose_scale(1737, 1031, 0xC, &g), 2);   /* 435x258 < 480x285 */
    assert_int_equal(g.crop_width, 435);
    assert_int_equal(g.crop_height, 258);
    ink_fit_compute(1737, 1031, 480, 800, INK_FIT_CONTAIN, false, &g);
    assert_int_equal(ink_fit_choose_scale(1737, 1031, 0xE, &g), 1);   /* 1/2 fits and suffices */
    ink_fit_compute(1737, 1031, 480, 800, INK_FIT_CONTAIN, false, &g);
    assert_int_equal(ink_fit_choose_scale(1737, 1031, 0x8, &g), 3);   /* only 1/8 fits */
}

typedef struct collected {
    uint8_t *rows;
    uint32_t width;
    uint32_t count;
} collected;

static ink_error collect_row(void *user, const uint8_t *row)
{
    collected *c = user;
    memcpy(c->rows + (size_t)c->count * c->width, row, c->width);
    c->count++;
    return INK_OK;
}

/* The area average of the crop over output pixel (ox, oy), in doubles. */
static double reference_pixel(const uint8_t *image, uint32_t width, const ink_fit_geometry *g,
                              uint32_t ox, uint32_t oy)
{
    double sx = (double)g->crop_width / g->out_width, sy = (double)g->crop_height / g->out_height;
    double x0 = ox * sx, x1 = (ox + 1) * sx, y0 = oy * sy, y1 = (oy + 1) * sy;
    double sum = 0, area = 0;
    for (uint32_t y = (uint32_t)floor(y0); y < g->crop_height && y < y1; y++) {
        double hy = fmin(y1, y + 1.0) - fmax(y0, (double)y);
        if (hy <= 0)
            continue;
        for (uint32_t x = (uint32_t)floor(x0); x < g->crop_width && x < x1; x++) {
            double hx = fmin(x1, x + 1.0) - fmax(x0, (double)x);
            if (hx <= 0)
                continue;
            sum += hx * hy * image[(size_t)(g->crop_y + y) * width + g->crop_x + x];
            area += hx * hy;
        }
    }
    return sum / area;
}

/* Scales a generated image by `g` with `work_nbytes` of work memory and checks every output
 * pixel against the brute-force average: within 0.5 (rounding) + 1/256 (the 8.8 averages of
 * the output-column plan). */
static void check_scaler_plan(const uint8_t *image, uint32_t width, uint32_t height,
                              ink_fit_geometry g, size_t work_nbytes, bool by_source_column)
{
    uint32_t *work = malloc(work_nbytes);
    ink_scaler scaler;
    collected c = {malloc((size_t)g.out_width * g.out_height), g.out_width, 0};
    assert_int_equal(ink_scaler_init(&scaler, width, height, &g, work, work_nbytes, collect_row,
                                     &c, NULL),
                     INK_OK);
    assert_int_equal(scaler.sums_by_source_column, by_source_column);
    /* each row in a buffer of its own exact size, so that a read past its end is one for the
     * sanitizers (the walk's last column must end on the crop's edge) */
    uint8_t *row = malloc(width);
    for (uint32_t y = 0; y < height; y++) {
        memcpy(row, image + (size_t)y * width, width);
        assert_int_equal(ink_scaler_push_row(&scaler, row), INK_OK);
    }
    free(row);
    assert_true(ink_scaler_done(&scaler));
    assert_int_equal(c.count, g.out_height);
    assert_int_equal(ink_scaler_push_row(&scaler, image), INK_ERR_BAD_STATE);
    for (uint32_t oy = 0; oy < g.out_height; oy++)
        for (uint32_t ox = 0; ox < g.out_width; ox++) {
            double expected = reference_pixel(image, width, &g, ox, oy);
            int actual = c.rows[(size_t)oy * g.out_width + ox];
            if (fabs(actual - expected) > 0.5 + 1.0 / 256)
                fail_msg("%ux%u -> %ux%u (%s): pixel (%u,%u) is %d, area average %.3f", width,
                         height, g.out_width, g.out_height,
                         by_source_column ? "source-column sums" : "output-column sums", ox, oy,
                         actual, expected);
        }
    free(c.rows);
    free(work);
}

/* Both plans: sums by output column (the least memory) and by source column. */
static void check_scaler_plans(uint32_t width, uint32_t height, ink_fit_geometry g, unsigned seed,
                               bool sums_fit_32_bits)
{
    uint8_t *image = malloc((size_t)width * height);
    uint32_t r = seed;
    for (size_t i = 0; i < (size_t)width * height; i++) {
        r = r * 1664525u + 1013904223u;
        /* a mix of noise and structure, so averaging errors show */
        image[i] = (uint8_t)((i % width) * 7 + (r >> 28) * 9);
    }
    size_t least = ink_scaler_work_bytes(g.out_width);
    size_t source_columns = ink_scaler_source_column_work_bytes(g.crop_width, g.out_width);
    if (source_columns > least)
        check_scaler_plan(image, width, height, g, least, false);
    check_scaler_plan(image, width, height, g, source_columns + least, sums_fit_32_bits);
    free(image);
}

static void check_scaler(uint32_t width, uint32_t height, ink_fit_geometry g, unsigned seed)
{
    check_scaler_plans(width, height, g, seed, true);
}

static void scaler_matches_the_area_average(void **state)
{
    (void)state;
    const uint32_t cases[][2][2] = {
        {{640, 480}, {480, 360}}, {{1000, 37}, {480, 18}}, {{17, 33}, {5, 9}},
        {{500, 375}, {480, 360}}, {{3, 3}, {1, 1}},        {{1, 1}, {1, 1}},
        {{481, 801}, {480, 800}}, {{2000, 13}, {800, 5}},  {{9, 700}, {3, 233}},
        /* coprime sizes (no common unit to reduce by) and long spans per column */
        {{600, 789}, {480, 631}}, {{4999, 7}, {797, 3}},   {{13, 3001}, {7, 799}},
        {{1, 9}, {1, 2}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ink_fit_geometry g = {0, 0, cases[i][0][0], cases[i][0][1], cases[i][1][0],
                              cases[i][1][1]};
        check_scaler(cases[i][0][0], cases[i][0][1], g, (unsigned)i);
    }
}

static void scaler_upscales_and_crops(void **state)
{
    (void)state;
    ink_fit_geometry up = {0, 0, 7, 5, 480, 315};
    check_scaler(7, 5, up, 1);
    ink_fit_geometry mixed = {0, 0, 30, 400, 100, 90}; /* wider, shorter */
    check_scaler(30, 400, mixed, 2);
    ink_fit_geometry crop = {10, 20, 60, 100, 48, 80};
    check_scaler(80, 130, crop, 3);
    ink_fit_geometry one_pixel_wide = {0, 0, 1, 3, 800, 7};
    check_scaler(1, 3, one_pixel_wide, 4);
    ink_fit_geometry exact_halves = {0, 0, 2, 2, 800, 5};
    check_scaler(2, 2, exact_halves, 5);
}

/* 4999x3371 -> 3x5: coprime on both axes, so an output pixel's whole weight is
 * 4999 * 3371 units (> 2^32 / 255.5): the scaler must keep to output-column sums of 8.8
 * averages even with the memory for source-column sums. */
static void scaler_falls_back_when_sums_would_overflow(void **state)
{
    (void)state;
    ink_fit_geometry g = {0, 0, 4999, 3371, 3, 5};
    check_scaler_plans(4999, 3371, g, 6, false);
}

static void scaler_refuses_bad_geometry(void **state)
{
    (void)state;
    static uint32_t work[1200];
    ink_scaler scaler;
    collected c = {NULL, 0, 0};
    ink_fit_geometry too_wide = {0, 0, 1000, 10, 801, 10};
    assert_int_equal(ink_scaler_init(&scaler, 1000, 10, &too_wide, work, sizeof work, collect_row,
                                     &c, NULL),
                     INK_ERR_TOO_LARGE);
    ink_fit_geometry outside = {5, 0, 100, 10, 50, 5};
    assert_int_equal(ink_scaler_init(&scaler, 100, 10, &outside, work, sizeof work, collect_row,
                                     &c, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    ink_fit_geometry fine = {0, 0, 100, 10, 50, 5};
    assert_int_equal(ink_scaler_init(&scaler, 100, 10, &fine, work, 50 * 5 - 1, collect_row, &c,
                                     NULL),
                     INK_ERR_INVALID_ARGUMENT);
    /* the largest output fits in IMAGE2 */
    assert_true(ink_scaler_work_bytes(INK_MAX_OUTPUT_WIDTH) <= 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contain_keeps_aspect_and_never_enlarges),
        cmocka_unit_test(cover_crops_the_centre),
        cmocka_unit_test(scale_choice_keeps_enough_pixels),
        cmocka_unit_test(scaler_matches_the_area_average),
        cmocka_unit_test(scaler_upscales_and_crops),
        cmocka_unit_test(scaler_falls_back_when_sums_would_overflow),
        cmocka_unit_test(scaler_refuses_bad_geometry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
