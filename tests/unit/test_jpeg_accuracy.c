/*
 * test_jpeg_accuracy.c — the in-arena JPEG decoder against libjpeg-turbo's own output.
 *
 * Reference: libjpeg-turbo (JDCT_ISLOW, scale_num/scale_denom) decoding the same bytes to
 * JCS_GRAYSCALE, or to JCS_RGB / JCS_CMYK converted with decode/gray.h's formulas.
 * Limits (issue 4): at 1/1 max |difference| <= 2; at 1/2, 1/4, 1/8 PSNR >= 40 dB.
 *
 * Inputs: every baseline/extended-sequential JPEG inside the corpus EPUBs (extracted with
 * python3's zipfile), and fixtures made here with cjpeg, jpegtran, ImageMagick and libjpeg's
 * compressor: every common sampling factor and several unusual ones, restart intervals 1 and 7,
 * gray, RGB, CMYK, YCCK, odd sizes down to 1x1, quality 10..100.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jpeglib.h>

#include "arena/arena.h"
#include "jpeg_testing.h"
#include "test_support.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

/* The documented PRIMARY budget: one MCU row at the scale must fit in 32768 bytes. */
static bool fits_primary(const jt_sof_info *sof, unsigned scale_log2)
{
    uint64_t mcu_width = (uint64_t)(8u * sof->hmax) >> scale_log2;
    uint64_t mcus = (sof->width + 8u * sof->hmax - 1u) / (8u * sof->hmax);
    uint64_t rows = sof->ncomponents == 1 ? (8u >> scale_log2) : ((8u * sof->vmax) >> scale_log2);
    return mcus * mcu_width * rows <= 32768u;
}

typedef struct tally {
    unsigned images, decodes, failures;
    int worst_full_diff;
    double worst_psnr;
} tally;

/* Compares every scale; `full_scale` false skips the 1/1 diff limit (documented deviation). */
static void compare_all_scales(const char *name, const uint8_t *data, size_t nbytes,
                               bool full_scale, tally *t)
{
    jt_sof_info sof = jt_find_sof(data, nbytes);
    t->images++;
    for (unsigned scale = 0; scale < 4; scale++) {
        jt_image reference, ours;
        char why[256] = "";
        if (!jt_reference_decode(data, nbytes, scale, &reference, why, sizeof why)) {
            print_error("%s: libjpeg refuses it (%s)\n", name, why);
            t->failures++;
            continue;
        }
        ink_arena arena;
        assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
        ink_error_info info;
        ink_error_clear(&info);
        ink_error error = jt_arena_decode(data, nbytes, scale, &arena, &ours, &info);
        assert_int_equal(ink_arena_live_claims(&arena), 0);
        t->decodes++;
        if (error == INK_ERR_TOO_LARGE && !fits_primary(&sof, scale)) {
            jt_image_free(&reference);
            continue; /* refused as documented: the MCU row does not fit PRIMARY */
        }
        if (error != INK_OK) {
            print_error("%s 1/%u: %s (%s)\n", name, 1u << scale, ink_strerror(error), info.detail);
            t->failures++;
            jt_image_free(&reference);
            continue;
        }
        if (ours.width != reference.width || ours.height != reference.height) {
            print_error("%s 1/%u: size %ux%u, libjpeg %ux%u\n", name, 1u << scale, ours.width,
                        ours.height, reference.width, reference.height);
            t->failures++;
        } else if (scale == 0 && !full_scale) {
            /* Box vs libjpeg's triangle upsampling of a subsampled colour component: close,
             * not within 2 (docs/JPEG.md, "Known deviations"). */
            double psnr = jt_psnr(&ours, &reference);
            if (psnr < 24.0) {
                print_error("%s 1/1 (box-upsampled): PSNR %.2f dB < 24\n", name, psnr);
                t->failures++;
            }
        } else if (scale == 0) {
            int diff = jt_max_abs_diff(&ours, &reference);
            if (full_scale && diff > t->worst_full_diff)
                t->worst_full_diff = diff;
            if (full_scale && diff > 2) {
                print_error("%s 1/1: max abs diff %d > 2\n", name, diff);
                t->failures++;
            }
        } else {
            double psnr = jt_psnr(&ours, &reference);
            if (psnr < t->worst_psnr)
                t->worst_psnr = psnr;
            if (psnr < 40.0) {
                print_error("%s 1/%u: PSNR %.2f dB < 40\n", name, 1u << scale, psnr);
                t->failures++;
            }
        }
        jt_image_free(&ours);
        jt_image_free(&reference);
    }
}

static void test_corpus_baseline_jpegs(void **unused)
{
    (void)unused;
    const char *shared = ink_test_shared_dir();
    if (!shared) {
        print_message("corpus not found (INK_SHARED_DIR); skipping\n");
        skip();
    }
    char dir[512];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    assert_true(jt_extract_corpus_jpegs(shared, dir, false));
    DIR *folder = opendir(dir);
    assert_non_null(folder);
    tally t = {0, 0, 0, 0, 99.0};
    unsigned skipped_progressive = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        size_t nbytes;
        uint8_t *data = jt_read_file(path, &nbytes);
        assert_non_null(data);
        jt_sof_info sof = jt_find_sof(data, nbytes);
        if (sof.marker == 0xC0 || sof.marker == 0xC1)
            compare_all_scales(entry->d_name, data, nbytes, true, &t);
        else
            skipped_progressive++;
        free(data);
    }
    closedir(folder);
    jt_remove_tree(dir);
    print_message("corpus: %u baseline JPEGs, %u decodes, worst 1/1 diff %d, worst reduced PSNR "
                  "%.1f dB, %u not baseline (other tests)\n",
                  t.images, t.decodes, t.worst_full_diff, t.worst_psnr, skipped_progressive);
    assert_true(t.images > 0);
    assert_int_equal(t.failures, 0);
}

typedef struct tool_fixture {
    const char *name;
    const char *command; /* %1$s = source PPM, %2$s = output JPEG */
    bool full_scale;     /* false: libjpeg upsamples luma "fancily" at 1/1 (see docs/JPEG.md) */
} tool_fixture;

static const tool_fixture tool_fixtures[] = {
    {"cjpeg 4:4:4", "cjpeg -sample 1x1 -outfile %2$s %1$s", true},
    {"cjpeg 4:2:2", "cjpeg -sample 2x1 -outfile %2$s %1$s", true},
    {"cjpeg 4:2:0", "cjpeg -sample 2x2 -outfile %2$s %1$s", true},
    {"cjpeg 4:1:1", "cjpeg -sample 4x1 -outfile %2$s %1$s", true},
    {"cjpeg 4:4:0", "cjpeg -sample 1x2 -outfile %2$s %1$s", true},
    {"cjpeg 1x4", "cjpeg -sample 1x4 -outfile %2$s %1$s", true},
    {"cjpeg 4x2", "cjpeg -sample 4x2 -outfile %2$s %1$s", true},
    {"cjpeg 2x4", "cjpeg -sample 2x4 -outfile %2$s %1$s", true},
    {"cjpeg 3x1", "cjpeg -sample 3x1 -outfile %2$s %1$s", true},
    {"cjpeg 3x2", "cjpeg -sample 3x2 -outfile %2$s %1$s", true},
    {"cjpeg chroma 2x2 over luma 1x1", "cjpeg -sample 1x1,2x2,2x2 -outfile %2$s %1$s", false},
    {"cjpeg chroma 2x1,1x2", "cjpeg -sample 2x2,2x1,1x2 -outfile %2$s %1$s", true},
    {"cjpeg gray", "cjpeg -grayscale -outfile %2$s %1$s", true},
    {"cjpeg gray 4x4", "cjpeg -grayscale -sample 4x4 -outfile %2$s %1$s", true},
    {"cjpeg gray restart 1", "cjpeg -grayscale -restart 1B -outfile %2$s %1$s", true},
    {"cjpeg rgb", "cjpeg -rgb -outfile %2$s %1$s", true},
    {"cjpeg rgb restart 7", "cjpeg -rgb -restart 7B -quality 95 -outfile %2$s %1$s", true},
    /* One AC table for blocks of two sizes: at 1/8 the 2x2-sampled component's blocks are DC
     * only and the others' are FULL (the table has no group entries then). */
    {"cjpeg rgb 2x2,1x1,1x1", "cjpeg -rgb -sample 2x2,1x1,1x1 -outfile %2$s %1$s", false},
    {"cjpeg restart 1", "cjpeg -restart 1B -outfile %2$s %1$s", true},
    {"cjpeg restart 7", "cjpeg -restart 7B -outfile %2$s %1$s", true},
    {"cjpeg 4:1:1 restart 7", "cjpeg -sample 4x1 -restart 7B -outfile %2$s %1$s", true},
    {"cjpeg restart 1 row", "cjpeg -restart 1 -outfile %2$s %1$s", true},
    {"cjpeg optimize", "cjpeg -optimize -quality 60 -outfile %2$s %1$s", true},
    {"cjpeg q10 extended", "cjpeg -quality 10 -outfile %2$s %1$s", true},
    {"cjpeg q20", "cjpeg -quality 20 -outfile %2$s %1$s", true},
    {"cjpeg q30", "cjpeg -quality 30 -outfile %2$s %1$s", true},
    {"cjpeg q40", "cjpeg -quality 40 -outfile %2$s %1$s", true},
    {"cjpeg q50", "cjpeg -quality 50 -outfile %2$s %1$s", true},
    {"cjpeg q60", "cjpeg -quality 60 -outfile %2$s %1$s", true},
    {"cjpeg q70", "cjpeg -quality 70 -outfile %2$s %1$s", true},
    {"cjpeg q80", "cjpeg -quality 80 -outfile %2$s %1$s", true},
    {"cjpeg q90", "cjpeg -quality 90 -outfile %2$s %1$s", true},
    {"cjpeg q100", "cjpeg -quality 100 -sample 1x1 -outfile %2$s %1$s", true},
    {"cjpeg q100 4:2:0", "cjpeg -quality 100 -outfile %2$s %1$s", true},
    {"jpegtran restart 1", "cjpeg %1$s | jpegtran -restart 1B -outfile %2$s", true},
    {"jpegtran optimize restart 7", "cjpeg %1$s | jpegtran -optimize -restart 7B -outfile %2$s",
     true},
    {"jpegtran grayscale", "cjpeg -sample 2x2 %1$s | jpegtran -grayscale -outfile %2$s", true},
    {"jpegtran rotate 90", "cjpeg -sample 2x1 %1$s | jpegtran -rotate 90 -outfile %2$s", true},
    /* ImageMagick writes Adobe YCCK with 2x2 Y and K, 1x1 Cb and Cr. */
    {"convert CMYK (YCCK 2x2)", "convert %1$s -colorspace CMYK -quality 85 %2$s", false},
    {"convert CMYK 1x1", "convert %1$s -colorspace CMYK -sampling-factor 1x1 %2$s", true},
    {"convert 4:2:2", "convert %1$s -sampling-factor 2x1 -quality 70 %2$s", true},
    {"convert gray", "convert %1$s -colorspace Gray -quality 90 %2$s", true},
};

static const uint32_t fixture_sizes[][2] = {{1, 1}, {17, 33}, {67, 45}, {130, 9}};

static void test_tool_fixtures(void **unused)
{
    (void)unused;
    char dir[512], ppm[640], out[640], command[2048];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    tally t = {0, 0, 0, 0, 99.0};
    for (size_t s = 0; s < sizeof fixture_sizes / sizeof fixture_sizes[0]; s++) {
        uint32_t w = fixture_sizes[s][0], h = fixture_sizes[s][1];
        snprintf(ppm, sizeof ppm, "%s/source_%ux%u.ppm", dir, w, h);
        assert_true(jt_write_test_ppm(ppm, w, h, (uint32_t)s + 1u));
        for (size_t f = 0; f < sizeof tool_fixtures / sizeof tool_fixtures[0]; f++) {
            snprintf(out, sizeof out, "%s/fixture.jpg", dir);
            snprintf(command, sizeof command, tool_fixtures[f].command, ppm, out);
            size_t nbytes;
            uint8_t *data = jt_make_fixture(command, out, &nbytes);
            if (!data) {
                print_error("fixture command failed: %s\n", command);
                t.failures++;
                continue;
            }
            char name[256];
            snprintf(name, sizeof name, "%s %ux%u", tool_fixtures[f].name, w, h);
            compare_all_scales(name, data, nbytes, tool_fixtures[f].full_scale, &t);
            free(data);
        }
        remove(ppm);
    }
    jt_remove_tree(dir);
    print_message("tool fixtures: %u images, %u decodes, worst 1/1 diff %d, worst PSNR %.1f dB\n",
                  t.images, t.decodes, t.worst_full_diff, t.worst_psnr);
    assert_int_equal(t.failures, 0);
}

/* Random baseline files (session 11): what the fixed fixtures do not combine. Sizes up to
 * 400x300 (every remainder of an MCU, across and down), luma sampled 1..4 by 1..4 (at most 10
 * blocks an MCU, as libjpeg allows) over 1x1 chroma, or gray; qualities 5..100 (below 25 the
 * tables need 16 bits: SOF1); optimised tables or not; restart intervals in MCUs or rows. */
static void test_random_baseline(void **unused)
{
    (void)unused;
    char dir[512], ppm[640], out[640], command[2048];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    snprintf(ppm, sizeof ppm, "%s/source.ppm", dir);
    snprintf(out, sizeof out, "%s/fixture.jpg", dir);
    tally t = {0, 0, 0, 0, 99.0};
    uint32_t random = 2611u;
#define RANDOM_BELOW(n) ((random = random * 1103515245u + 12345u), (random >> 8) % (n))
    for (unsigned i = 0; i < 200; i++) {
        uint32_t w = 1u + RANDOM_BELOW(400), h = 1u + RANDOM_BELOW(300);
        unsigned sh, sv;
        do {
            sh = 1u + RANDOM_BELOW(4);
            sv = 1u + RANDOM_BELOW(4);
        } while (sh * sv + 2u > 10u);
        bool gray = RANDOM_BELOW(4) == 0;
        unsigned quality = 5u + RANDOM_BELOW(96);
        char restart[32] = "";
        unsigned r = RANDOM_BELOW(4);
        if (r == 1)
            snprintf(restart, sizeof restart, "-restart %uB", 1u + RANDOM_BELOW(12));
        else if (r == 2)
            snprintf(restart, sizeof restart, "-restart %u", 1u + RANDOM_BELOW(3));
        const char *optimize = RANDOM_BELOW(2) ? "-optimize" : "";
        assert_true(jt_write_test_ppm(ppm, w, h, 100u + i));
        snprintf(command, sizeof command,
                 "cjpeg %s -sample %ux%u -quality %u %s %s -outfile %s %s",
                 gray ? "-grayscale" : "", sh, sv, quality, restart, optimize, out, ppm);
        char name[256];
        snprintf(name, sizeof name, "random %u: %ux%u %s %ux%u q%u %s %s", i, w, h,
                 gray ? "gray" : "YCbCr", sh, sv, quality, restart, optimize);
        size_t nbytes;
        uint8_t *data = jt_make_fixture(command, out, &nbytes);
        if (!data) {
            print_error("%s: cjpeg failed\n", name);
            t.failures++;
            continue;
        }
        compare_all_scales(name, data, nbytes, true, &t);
        free(data);
    }
#undef RANDOM_BELOW
    jt_remove_tree(dir);
    print_message("random baseline: %u images, %u decodes, worst 1/1 diff %d, worst PSNR %.1f dB\n",
                  t.images, t.decodes, t.worst_full_diff, t.worst_psnr);
    assert_int_equal(t.failures, 0);
}

/* What the tools cannot make: YCCK, CMYK with restarts, RGB ids, Adobe transforms. */
static void test_libjpeg_fixtures(void **unused)
{
    (void)unused;
    static const struct {
        const char *name;
        jt_compress_options options;
        bool full_scale;
    } cases[] = {
        {"YCCK", {JCS_YCCK, {1, 1, 1, 1}, {1, 1, 1, 1}, 90, 0, false, false}, true},
        {"YCCK restart 7", {JCS_YCCK, {1, 1, 1, 1}, {1, 1, 1, 1}, 75, 7, false, false}, true},
        {"YCCK 2x2 luma and K", {JCS_YCCK, {2, 1, 1, 2}, {2, 1, 1, 2}, 85, 0, false, false},
         false},
        {"CMYK", {JCS_CMYK, {1, 1, 1, 1}, {1, 1, 1, 1}, 90, 0, false, false}, true},
        {"CMYK restart 1", {JCS_CMYK, {1, 1, 1, 1}, {1, 1, 1, 1}, 50, 1, false, false}, true},
        {"RGB", {JCS_RGB, {1, 1, 1}, {1, 1, 1}, 85, 0, false, false}, true},
        {"RGB 2x2 green", {JCS_RGB, {1, 2, 1}, {1, 2, 1}, 85, 0, false, false}, false},
        {"YCbCr 4x1 restart 3", {JCS_YCbCr, {4, 1, 1}, {1, 1, 1}, 80, 3, false, false}, true},
        {"YCbCr 4x2 q100", {JCS_YCbCr, {4, 1, 1}, {2, 1, 1}, 100, 0, false, false}, true},
        {"gray q5", {JCS_GRAYSCALE, {1}, {1}, 5, 0, false, false}, true},
    };
    static const uint32_t sizes[][2] = {{1, 1}, {17, 33}, {97, 61}};
    tally t = {0, 0, 0, 0, 99.0};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t nbytes;
            uint8_t *data = jt_compress(sizes[s][0], sizes[s][1], (uint32_t)(c + 7 * s),
                                        &cases[c].options, &nbytes);
            assert_non_null(data);
            char name[128];
            snprintf(name, sizeof name, "%s %ux%u", cases[c].name, sizes[s][0], sizes[s][1]);
            compare_all_scales(name, data, nbytes, cases[c].full_scale, &t);
            free(data);
        }
    }
    print_message("libjpeg fixtures: %u images, worst 1/1 diff %d, worst PSNR %.1f dB\n", t.images,
                  t.worst_full_diff, t.worst_psnr);
    assert_int_equal(t.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_baseline_jpegs),
        cmocka_unit_test(test_tool_fixtures),
        cmocka_unit_test(test_libjpeg_fixtures),
        cmocka_unit_test(test_random_baseline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
