/*
 * test_jpeg_refusals.c — the cases where the firmware peers fail (issue 4), and every refusal.
 *
 * Peers, as measured on the issue: JPEGDEC crashes on colour progressive and on 4:1:1, reports
 * success with an empty image for arithmetic coding, and turns CMYK and RGB into wrong grays;
 * TJpgDec's fast modes wrap IDCT over/undershoot into white specks. Here each case is generated
 * and the in-arena decoder must either match libjpeg-turbo or refuse with a clear, specific
 * error (and no rows pushed, no claim left behind).
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
#include "jpeg_testing.h"
#include "test_support.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

static uint8_t *make(int space, int h0, int v0, int quality, bool progressive, bool arithmetic,
                     uint32_t width, uint32_t height, size_t *nbytes)
{
    jt_compress_options options = {space,       {h0, 1, 1, 1}, {v0, 1, 1, 1}, quality, 0,
                                   arithmetic, progressive};
    uint8_t *data = jt_compress(width, height, 3, &options, nbytes);
    assert_non_null(data);
    return data;
}

/* Decodes at 1/1 and checks it matches libjpeg within 2. */
static void assert_matches_libjpeg(const uint8_t *data, size_t nbytes)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    jt_image ours, reference;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = jt_arena_decode(data, nbytes, 0, &arena, &ours, &info);
    if (error != INK_OK)
        fail_msg("decode failed: %s (%s)", ink_strerror(error), info.detail);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    assert_true(jt_reference_decode(data, nbytes, 0, &reference, NULL, 0));
    assert_int_equal(ours.width, reference.width);
    assert_int_equal(ours.height, reference.height);
    assert_in_range(jt_max_abs_diff(&ours, &reference), 0, 2);
    jt_image_free(&ours);
    jt_image_free(&reference);
}

/* Decodes and expects `code` with `words` in the detail, and no image. */
static void assert_refused(const uint8_t *data, size_t nbytes, ink_error code, const char *words)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    jt_image ours;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = jt_arena_decode(data, nbytes, 0, &arena, &ours, &info);
    if (error != code || !strstr(info.detail, words))
        fail_msg("expected %s with '%s', got %s: '%s'", ink_strerror(code), words,
                 ink_strerror(error), info.detail);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    assert_null(ours.gray);
}

/* A copy of the JPEG without the segments of `marker`. */
static uint8_t *without_segments(const uint8_t *d, size_t n, uint8_t marker, size_t *out_nbytes)
{
    uint8_t *out = malloc(n);
    size_t o = 0, i = 2;
    memcpy(out, d, 2);
    o = 2;
    while (i + 4 <= n && !(d[i] == 0xFF && d[i + 1] == 0xDA)) {
        size_t length = 2 + (((size_t)d[i + 2] << 8) | d[i + 3]);
        if (d[i + 1] != marker) {
            memcpy(out + o, d + i, length);
            o += length;
        }
        i += length;
    }
    memcpy(out + o, d + i, n - i);
    *out_nbytes = o + n - i;
    return out;
}

static size_t find_marker(const uint8_t *d, size_t n, uint8_t marker)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (d[i] == 0xFF && d[i + 1] == marker)
            return i;
    fail_msg("marker 0x%x not found", marker);
    return 0;
}

static void test_colour_progressive_is_refused_clearly(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 85, true, false, 320, 240, &n);
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "progressive JPEG");
    free(data);
    data = make(JCS_GRAYSCALE, 1, 1, 85, true, false, 33, 17, &n);
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "progressive JPEG");
    free(data);
}

static void test_411_decodes_like_libjpeg(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 4, 1, 85, false, false, 643, 481, &n);
    assert_matches_libjpeg(data, n);
    free(data);
}

static void test_arithmetic_is_refused_not_blank(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 85, false, true, 200, 120, &n);
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "arithmetic");
    free(data);
}

/* CMYK / RGB give the grays of the colours, not of the first channel. */
static void test_cmyk_and_rgb_give_true_grays(void **unused)
{
    (void)unused;
    static const int spaces[] = {JCS_CMYK, JCS_YCCK, JCS_RGB};
    for (size_t i = 0; i < 3; i++) {
        size_t n;
        uint8_t *data = make(spaces[i], 1, 1, 90, false, false, 161, 97, &n);
        assert_matches_libjpeg(data, n);
        free(data);
    }
}

/* Sharp black/white bars overshoot in the IDCT; libjpeg clamps, so must we (no white specks in
 * black areas, no black specks in white). */
static void test_overshoot_is_clamped_not_wrapped(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 95, false, false, 256, 256, &n);
    jt_image reference, ours;
    assert_true(jt_reference_decode(data, n, 0, &reference, NULL, 0));
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    assert_int_equal(jt_arena_decode(data, n, 0, &arena, &ours, NULL), INK_OK);
    unsigned clamped = 0, specks = 0;
    for (size_t i = 0; i < (size_t)reference.width * reference.height; i++) {
        clamped += reference.gray[i] == 0 || reference.gray[i] == 255;
        specks += (reference.gray[i] < 32 && ours.gray[i] > 224) ||
                  (reference.gray[i] > 224 && ours.gray[i] < 32);
    }
    assert_true(clamped > 100); /* the picture does exercise the clamp */
    assert_int_equal(specks, 0);
    assert_in_range(jt_max_abs_diff(&ours, &reference), 0, 2);
    jt_image_free(&ours);
    jt_image_free(&reference);
    free(data);
}

static void test_other_processes_are_refused(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 85, false, false, 64, 64, &n);
    size_t sof = find_marker(data, n, 0xC0);
    data[sof + 1] = 0xC3;
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "lossless");
    data[sof + 1] = 0xC5;
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "hierarchical");
    data[sof + 1] = 0xCA;
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "arithmetic");
    data[sof + 1] = 0xC0;
    data[sof + 4] = 12; /* sample precision */
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "12-bit");
    data[sof + 4] = 8;
    data[sof + 5] = 0; /* height 0: defined by a DNL marker */
    data[sof + 6] = 0;
    assert_refused(data, n, INK_ERR_UNSUPPORTED, "DNL");
    free(data);
}

static void test_missing_tables_are_refused(void **unused)
{
    (void)unused;
    size_t n, m;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 85, false, false, 64, 64, &n);
    uint8_t *no_huffman = without_segments(data, n, 0xC4, &m);
    assert_refused(no_huffman, m, INK_ERR_BAD_DATA, "Huffman table");
    free(no_huffman);
    uint8_t *no_quant = without_segments(data, n, 0xDB, &m);
    assert_refused(no_quant, m, INK_ERR_BAD_DATA, "quantisation table");
    free(no_quant);
    free(data);
}

static void test_truncated_data_is_refused(void **unused)
{
    (void)unused;
    size_t n;
    uint8_t *data = make(JCS_YCbCr, 2, 2, 85, false, false, 200, 150, &n);
    size_t sos = find_marker(data, n, 0xDA);
    assert_refused(data, sos + (n - sos) * 6 / 10, INK_ERR_BAD_DATA, "truncated");
    assert_refused(data, sos + 6, INK_ERR_BAD_DATA, "truncated");
    assert_refused(data, 100, INK_ERR_BAD_DATA, "truncated");
    /* A complete scan with EOI missing still decodes, as libjpeg does. */
    assert_matches_libjpeg(data, n - 2);
    free(data);
    static const uint8_t not_jpeg[] = {0x89, 'P', 'N', 'G', 0, 0};
    assert_refused(not_jpeg, sizeof not_jpeg, INK_ERR_BAD_DATA, "not a JPEG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colour_progressive_is_refused_clearly),
        cmocka_unit_test(test_411_decodes_like_libjpeg),
        cmocka_unit_test(test_arithmetic_is_refused_not_blank),
        cmocka_unit_test(test_cmyk_and_rgb_give_true_grays),
        cmocka_unit_test(test_overshoot_is_clamped_not_wrapped),
        cmocka_unit_test(test_other_processes_are_refused),
        cmocka_unit_test(test_missing_tables_are_refused),
        cmocka_unit_test(test_truncated_data_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
