/*
 * test_jpeg_sweep.c — hostile-input and memory tests of the in-arena JPEG decoder.
 *
 *  - truncation sweep: every prefix of several fixtures (gray, 4:2:2, YCCK, 4:1:1, RGB);
 *  - bit-flip sweep: deterministic single- and multi-bit flips all over each file;
 *    each run (tests/support/jpeg_sweep.c) must return (ASan/UBSan builds catch bad accesses), release every claim, never
 *    push more rows than the image has, and succeed only with a full image;
 *  - arena pattern: the whole arena is filled with a pattern, a decode runs, and every byte
 *    outside the claims the decoder held (recorded from the arena while rows arrive) must still
 *    hold the pattern;
 *  - worst case: the widest image each scale allows (docs/JPEG.md) decodes inside the arena, and
 *    one MCU wider is refused with INK_ERR_TOO_LARGE naming the limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>

#include "arena/arena.h"
#include "decode/jpeg.h"
#include "jpeg_sweep.h"
#include "jpeg_testing.h"

#define NFIXTURES 5u

static uint8_t *fixture(unsigned which, size_t *nbytes)
{
    static const jt_compress_options options[] = {
        {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 80, 7, false, false},
        {JCS_GRAYSCALE, {1}, {1}, 60, 0, false, false},
        {JCS_YCCK, {1, 1, 1, 1}, {1, 1, 1, 1}, 70, 1, false, false},
        {JCS_YCbCr, {4, 1, 1}, {1, 1, 1}, 95, 0, false, false},
        {JCS_RGB, {1, 2, 1}, {1, 2, 1}, 50, 0, false, false},
    };
    static const uint32_t sizes[][2] = {{48, 40}, {37, 29}, {24, 17}, {70, 9}, {21, 20}};
    return jt_compress(sizes[which][0], sizes[which][1], which, &options[which], nbytes);
}

static void test_truncation_sweep(void **unused)
{
    (void)unused;
    static jt_sweep sweep; /* scale 1/1 */
    jt_sweep_counts total = jt_sweep_truncations_of(&sweep, fixture, NFIXTURES);
    /* Only a prefix that still holds the whole scan (EOI cut) may decode. */
    assert_int_equal(total.decoded_short, 0);
    print_message("truncation sweep: %u runs, %u refused\n", total.runs, total.refused);
}

static void test_bit_flip_sweep(void **unused)
{
    (void)unused;
    static jt_sweep sweep; /* scale 1/1 */
    jt_sweep_counts total = jt_sweep_bit_flips_of(&sweep, fixture, NFIXTURES, 12345);
    print_message("bit-flip sweep: %u runs, %u refused\n", total.runs, total.refused);
    assert_true(total.refused > 0);
}

static void test_arena_outside_claims_is_untouched(void **unused)
{
    (void)unused;
    static jt_sweep sweep;
    for (unsigned f = 0; f < NFIXTURES; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        assert_non_null(data);
        jt_sweep_check_arena_outside_claims(&sweep, data, n);
        free(data);
    }
}

/* The documented limits (docs/JPEG.md): one MCU row in the 32768-byte PRIMARY region.
 * 4:2:0 (16-row MCUs): 2048 px at 1/1, 8192 at 1/2, 32768 at 1/4; 4:4:4 at 1/4 and any
 * sampling at 1/8 reach 65535 (tested at 65500, libjpeg's encoder limit). */
static void test_worst_case_fits(void **unused)
{
    (void)unused;
    static const struct {
        uint32_t width, height;
        int h, v;
        unsigned scale_log2;
        bool fits;
    } cases[] = {
        {2048, 16, 2, 2, 0, true},  {2049, 16, 2, 2, 0, false}, {4096, 8, 1, 1, 0, true},
        {4097, 8, 1, 1, 0, false},  {8192, 16, 2, 2, 1, true},  {8193, 16, 2, 2, 1, false},
        {32768, 16, 2, 2, 2, true}, {32769, 16, 2, 2, 2, false}, {65500, 8, 1, 1, 2, true},
        {65500, 16, 2, 2, 3, true}, {65500, 32, 1, 4, 3, true},  {1024, 32, 1, 4, 0, true},
        {1025, 32, 1, 4, 0, false},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        jt_compress_options options = {JCS_YCbCr, {cases[c].h, 1, 1}, {cases[c].v, 1, 1},
                                       50, 0, false, false};
        size_t n;
        uint8_t *data = jt_compress(cases[c].width, cases[c].height, 1, &options, &n);
        assert_non_null(data);
        static jt_sweep sweep;
        sweep.scale_log2 = cases[c].scale_log2;
        ink_error error = jt_sweep_run(&sweep, data, n);
        if (cases[c].fits) {
            if (error != INK_OK)
                fail_msg("%ux%u %dx%d at 1/%u: %s", cases[c].width, cases[c].height, cases[c].h,
                         cases[c].v, 1u << cases[c].scale_log2, sweep.info.detail);
        } else {
            assert_int_equal(error, INK_ERR_TOO_LARGE);
            assert_non_null(strstr(sweep.info.detail, "PRIMARY"));
            assert_int_equal(sweep.rows, 0);
        }
        free(data);
    }
    /* The SCRATCH claim is the state, which fits by construction (and is checked here). */
    assert_true(INK_JPEG_STATE_BYTES <= INK_REGION_SCRATCH_BYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_bit_flip_sweep),
        cmocka_unit_test(test_arena_outside_claims_is_untouched),
        cmocka_unit_test(test_worst_case_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
