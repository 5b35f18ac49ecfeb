/*
 * test_tone.c — the fixed-point tone curves and display model against the formulas of
 * dither/tone.h evaluated here in double precision with libm, and auto levels against a
 * brute-force reading of its rule and hand-worked histograms.
 */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dither/tone.h"

static double srgb_decode(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double tone_formula(const ink_tone *t, int gray)
{
    double v = (double)(gray - t->black_point) / (double)(t->white_point - t->black_point);
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    v = pow(v, 100.0 / t->gamma_x100);
    double b = 0.75 * t->brightness_pct / 100.0, c = 0.75 * t->contrast_pct / 100.0;
    v = v + b * v * (1 - v);
    v = v + c * v * (1 - v) * (2 * v - 1);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static void log2_and_exp2_match_libm(void **state)
{
    (void)state;
    for (uint64_t x = 1; x < (1ull << 50); x = x * 3 + 1) {
        double got = ink_log2_q16(x) / 65536.0;
        if (fabs(got - log2((double)x)) > 1.0 / 16384)
            fail_msg("log2(%llu): %.6f, libm %.6f", (unsigned long long)x, got,
                     log2((double)x));
    }
    for (int32_t y = -20 * 65536; y <= 15 * 65536; y += 1237) {
        double want = exp2(y / 65536.0) * 65536.0;
        double got = ink_exp2_q16(y);
        if (fabs(got - want) > 1.0 + want * 2e-5)
            fail_msg("exp2(%.5f): %.2f, libm %.2f", y / 65536.0, got, want);
    }
}

static void display_domain_matches_the_model(void **state)
{
    (void)state;
    const uint32_t models[] = {10, 12, 15, 20, 22, 25, 30, 40};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
        for (int g = 0; g < 256; g++) {
            double want = 4095.0 * pow(srgb_decode(g / 255.0), 10.0 / models[m]);
            int got = ink_display_domain(models[m], (uint8_t)g);
            if (fabs(got - want) > 1.0)
                fail_msg("n = %.1f, gray %d: %d, formula %.3f", models[m] / 10.0, g, got, want);
        }
    }
    /* n_x10 = 0: the encoded gray itself, at 12 bits */
    for (int g = 0; g < 256; g++)
        assert_int_equal(ink_display_domain(0, (uint8_t)g), (g * 4095 * 2 + 255) / 510);
}

/* Every table ink_tone_build_lut gives is entry for entry ink_display_domain_q16 of the tone
 * curve, including the default one (dot gain 2, no curve), which it copies from a constant. */
static void lut_is_the_display_domain_of_the_tone_curve(void **state)
{
    (void)state;
    const uint32_t models[] = {0, 10, 19, 20, 21, 40};
    const ink_tone tones[] = {INK_TONE_NONE, {40, 0, 100, 0, 255}, {0, 0, 100, 10, 240}};
    for (size_t t = 0; t < sizeof tones / sizeof tones[0]; t++) {
        for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
            uint16_t lut[256];
            assert_int_equal(ink_tone_build_lut(&tones[t], models[m], lut), INK_OK);
            for (int g = 0; g < 256; g++)
                assert_int_equal(lut[g], ink_display_domain_q16(models[m],
                                                                ink_tone_q16(&tones[t],
                                                                             (uint8_t)g)));
        }
    }
}

static void tone_curves_match_the_formulas(void **state)
{
    (void)state;
    const ink_tone tones[] = {
        INK_TONE_NONE,          {50, 0, 100, 0, 255},   {-50, 0, 100, 0, 255},
        {100, 0, 100, 0, 255},  {-100, 0, 100, 0, 255}, {0, 60, 100, 0, 255},
        {0, -100, 100, 0, 255}, {0, 0, 50, 0, 255},     {0, 0, 250, 0, 255},
        {0, 0, 50, 0, 255},     {0, 0, 400, 0, 255},    {0, 0, 100, 30, 220},
        {30, -20, 140, 12, 250}, {-100, 100, 400, 254, 255},
    };
    for (size_t t = 0; t < sizeof tones / sizeof tones[0]; t++) {
        assert_true(ink_tone_valid(&tones[t]));
        for (int g = 0; g < 256; g++) {
            double want = tone_formula(&tones[t], g);
            double got = ink_tone_q16(&tones[t], (uint8_t)g) / 65536.0;
            if (fabs(got - want) > 2e-4)
                fail_msg("tone %zu, gray %d: %.6f, formula %.6f", t, g, got, want);
            int got8 = ink_tone_apply(&tones[t], (uint8_t)g);
            if (abs(got8 - (int)floor(want * 255 + 0.5)) > 1)
                fail_msg("tone %zu, gray %d: 8-bit %d, formula %.3f", t, g, got8, want * 255);
        }
    }
    /* identity */
    const ink_tone none = INK_TONE_NONE;
    assert_true(ink_tone_is_identity(&none));
    for (int g = 0; g < 256; g++)
        assert_int_equal(ink_tone_apply(&none, (uint8_t)g), g);
}

/* The controls' promise: none of them clips. At their extremes (gamma 0.5 and 4), the
 * grays next to black and white still reach the ditherer as neither pure black nor pure white
 * at n = 2, and every table is monotonic. */
static void controls_never_clip_the_ends(void **state)
{
    (void)state;
    const ink_tone tones[] = {
        {100, 0, 100, 0, 255}, {-100, 0, 100, 0, 255}, {0, 100, 100, 0, 255},
        {0, -100, 100, 0, 255}, {0, 0, 50, 0, 255},    {0, 0, 400, 0, 255},
        {100, -100, 50, 0, 255}, {100, 100, 200, 0, 255},
    };
    uint16_t lut[256];
    for (size_t t = 0; t < sizeof tones / sizeof tones[0]; t++) {
        assert_int_equal(ink_tone_build_lut(&tones[t], 20, lut), INK_OK);
        assert_int_equal(lut[0], 0);
        assert_int_equal(lut[255], INK_DOMAIN_WHITE);
        if (lut[1] == 0 || lut[254] == INK_DOMAIN_WHITE)
            fail_msg("tone %zu clips: lut[1] = %u, lut[254] = %u", t, lut[1], lut[254]);
        for (int g = 1; g < 256; g++)
            assert_true(lut[g] >= lut[g - 1]);
    }
}

static void lut_arguments_are_checked(void **state)
{
    (void)state;
    uint16_t lut[256];
    ink_tone tone = INK_TONE_NONE;
    assert_int_equal(ink_tone_build_lut(&tone, 9, lut), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_tone_build_lut(&tone, 41, lut), INK_ERR_INVALID_ARGUMENT);
    tone.gamma_x100 = 49;
    assert_int_equal(ink_tone_build_lut(&tone, 20, lut), INK_ERR_INVALID_ARGUMENT);
    tone = INK_TONE_NONE;
    tone.black_point = 200;
    tone.white_point = 200;
    assert_int_equal(ink_tone_build_lut(&tone, 20, lut), INK_ERR_INVALID_ARGUMENT);
    tone = INK_TONE_NONE;
    tone.contrast_pct = 101;
    assert_false(ink_tone_valid(&tone));
}

/* Hand-worked: 1000 pixels, 10 on each gray 50..149; 0.1% = 1 pixel may clip. Black point 49
 * (nothing at or below), white point 150; 101 apart is more than double contrast, so both move
 * out by 27: 13 down, 14 up. */
static void auto_levels_hand_worked(void **state)
{
    (void)state;
    uint32_t histogram[256] = {0};
    for (int g = 50; g < 150; g++)
        histogram[g] = 10;
    ink_tone tone = INK_TONE_NONE;
    ink_tone_auto_levels(histogram, 1, &tone);
    assert_int_equal(tone.black_point, 36);
    assert_int_equal(tone.white_point, 164);
    /* a full-range image keeps its ends */
    memset(histogram, 0, sizeof histogram);
    histogram[0] = histogram[255] = 500;
    histogram[128] = 10;
    tone = INK_TONE_NONE;
    ink_tone_auto_levels(histogram, 1, &tone);
    assert_int_equal(tone.black_point, 0);
    assert_int_equal(tone.white_point, 255);
    /* empty: unchanged */
    memset(histogram, 0, sizeof histogram);
    tone.black_point = 7;
    tone.white_point = 200;
    ink_tone_auto_levels(histogram, 1, &tone);
    assert_int_equal(tone.black_point, 7);
    assert_int_equal(tone.white_point, 200);
}

/* Random histograms: the chosen points clip at most the allowed share at each end unless the
 * contrast cap moved them, and are the extreme points that do (checked by counting). */
static void auto_levels_clip_at_most_the_allowed_share(void **state)
{
    (void)state;
    uint32_t seed = 99;
    for (int trial = 0; trial < 2000; trial++) {
        uint32_t histogram[256] = {0};
        int low = 0, high = 0;
        while (high - low < 2) {
            seed = seed * 1103515245u + 12345u;
            low = (int)((seed >> 8) % 256);
            seed = seed * 1103515245u + 12345u;
            high = (int)((seed >> 8) % 257);
        }
        uint64_t total = 0;
        for (int g = low; g < high; g++) {
            seed = seed * 1103515245u + 12345u;
            histogram[g] = (seed >> 16) % 50;
            total += histogram[g];
        }
        ink_tone tone = INK_TONE_NONE;
        ink_tone_auto_levels(histogram, 5, &tone);
        if (total == 0)
            continue;
        assert_true(tone.white_point - tone.black_point >= 128);
        uint64_t limit = total * 5 / 1000, below = 0, above = 0;
        for (int g = 0; g <= tone.black_point; g++)
            below += histogram[g];
        for (int g = tone.white_point; g < 256; g++)
            above += histogram[g];
        bool capped = false;
        /* without the cap: recompute the uncapped points by brute force */
        int black = 0, white = 255;
        for (int g = 0; g < 255; g++) {
            uint64_t count = 0;
            for (int h = 0; h <= g; h++)
                count += histogram[h];
            if (count <= limit)
                black = g;
            else
                break;
        }
        for (int g = 255; g > 0; g--) {
            uint64_t count = 0;
            for (int h = g; h < 256; h++)
                count += histogram[h];
            if (count <= limit)
                white = g;
            else
                break;
        }
        capped = white - black < 128;
        if (!capped) {
            assert_int_equal(tone.black_point, black);
            assert_int_equal(tone.white_point, white);
            /* (a point left at 0 or 255 clips nothing: those pixels are black or white already) */
            assert_true(tone.black_point == 0 || below <= limit);
            assert_true(tone.white_point == 255 || above <= limit);
        } else {
            assert_true(tone.black_point <= black && tone.white_point >= white);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log2_and_exp2_match_libm),
        cmocka_unit_test(display_domain_matches_the_model),
        cmocka_unit_test(lut_is_the_display_domain_of_the_tone_curve),
        cmocka_unit_test(tone_curves_match_the_formulas),
        cmocka_unit_test(controls_never_clip_the_ends),
        cmocka_unit_test(lut_arguments_are_checked),
        cmocka_unit_test(auto_levels_hand_worked),
        cmocka_unit_test(auto_levels_clip_at_most_the_allowed_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
