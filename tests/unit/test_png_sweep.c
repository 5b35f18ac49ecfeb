/*
 * test_png_sweep.c — deterministic truncation and bit-flip sweep over a few PNGs (generated
 * with libpng so the recipe is here): every prefix, every single-bit flip as is, and every
 * single-bit flip with the chunk's CRC repaired (so the corruption reaches inflate, the
 * filters and the chunk rules instead of stopping at the CRC check).
 *
 * For each mutant: the decoder must return (no crash, ASan/UBSan clean in sanitizer builds),
 * release its claims, emit exactly `height` rows when it succeeds, and agree with libpng:
 * when both accept, the pixels are equal; accept/reject disagreements are counted and must be
 * zero.
 */
#include "test_support.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decode/png.h"
#include "png_reference.h"

typedef struct sweep_stats {
    int mutants, both_ok, both_refused, only_libpng, only_arena, pixel_mismatch;
} sweep_stats;

static void check_mutant(const uint8_t *data, size_t nbytes, sweep_stats *stats, const char *what,
                         size_t where)
{
    ink_test_gray expected, got;
    char why[256];
    bool libpng_ok = ink_test_libpng_gray(data, nbytes, 255, &expected, why, sizeof why);
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_test_arena_png_gray(ink_test_arena(), data, nbytes, 255, false, &got, &info);
    assert_int_equal(ink_arena_live_claims(ink_test_arena()), 0);
    stats->mutants++;
    if (libpng_ok && err == INK_OK) {
        stats->both_ok++;
        if (got.width != expected.width || got.height != expected.height ||
            memcmp(got.pixels, expected.pixels, (size_t)got.width * got.height) != 0) {
            stats->pixel_mismatch++;
            fprintf(stderr, "%s at %zu: pixels differ from libpng\n", what, where);
        }
    } else if (!libpng_ok && err != INK_OK) {
        stats->both_refused++;
        assert_true(info.detail[0] != '\0');
    } else if (libpng_ok) {
        stats->only_libpng++;
        if (stats->only_libpng <= 5)
            fprintf(stderr, "%s at %zu: libpng accepts, arena refuses: %s\n", what, where, info.detail);
    } else {
        stats->only_arena++;
        if (stats->only_arena <= 5)
            fprintf(stderr, "%s at %zu: arena accepts, libpng refuses: %s\n", what, where, why);
    }
    if (libpng_ok)
        ink_test_gray_free(&expected);
    if (err == INK_OK)
        ink_test_gray_free(&got);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Recomputes the CRC of the chunk containing byte `offset`, if the chunk framing is intact. */
static void repair_crc(uint8_t *data, size_t nbytes, size_t offset)
{
    size_t position = 8;
    while (position + 12 <= nbytes) {
        uint32_t length = be32(data + position);
        if (length > nbytes - position - 12)
            return;
        size_t end = position + 8 + length;
        if (offset >= position + 4 && offset < end) {
            uint32_t crc = (uint32_t)crc32(0, data + position + 4, length + 4);
            data[end] = (uint8_t)(crc >> 24);
            data[end + 1] = (uint8_t)(crc >> 16);
            data[end + 2] = (uint8_t)(crc >> 8);
            data[end + 3] = (uint8_t)crc;
            return;
        }
        position = end + 4;
    }
}

static void sweep(const uint8_t *png, size_t nbytes, const char *name, int bit_step)
{
    sweep_stats stats = {0};
    uint8_t *copy = malloc(nbytes);
    for (size_t length = 0; length < nbytes; length++)
        check_mutant(png, length, &stats, "truncated", length);
    for (size_t offset = 0; offset < nbytes; offset++) {
        for (int bit = offset % (size_t)bit_step; bit < 8; bit += bit_step) {
            memcpy(copy, png, nbytes);
            copy[offset] ^= (uint8_t)(1u << bit);
            check_mutant(copy, nbytes, &stats, "flipped", offset);
            if (offset >= 8) {
                repair_crc(copy, nbytes, offset);
                check_mutant(copy, nbytes, &stats, "flipped+CRC", offset);
            }
        }
    }
    free(copy);
    fprintf(stderr,
            "%s (%zu bytes): %d mutants, %d both decode, %d both refuse, %d only libpng "
            "accepts, %d only arena accepts, %d pixel mismatches\n",
            name, nbytes, stats.mutants, stats.both_ok, stats.both_refused, stats.only_libpng,
            stats.only_arena, stats.pixel_mismatch);
    assert_int_equal(stats.pixel_mismatch, 0);
    assert_int_equal(stats.only_libpng, 0);
    assert_int_equal(stats.only_arena, 0);
}

static uint8_t *make_png(ink_test_png_spec spec, uint32_t seed, size_t *nbytes)
{
    int channels = spec.color_type == 2 ? 3 : spec.color_type == 4 ? 2 : spec.color_type == 6 ? 4 : 1;
    size_t row_nbytes = ((size_t)spec.width * channels * spec.bit_depth + 7) / 8;
    uint8_t *rows = malloc(row_nbytes * spec.height);
    ink_test_fill_random(rows, row_nbytes * spec.height, seed);
    for (size_t i = 0; i < row_nbytes * spec.height; i += 2)
        rows[i] = (uint8_t)(i / 3); /* half smooth, so every filter gets chosen */
    spec.rows = rows;
    uint8_t *png = ink_test_write_png(&spec, nbytes);
    free(rows);
    return png;
}

static void test_sweep_palette_trns_interlaced(void **state)
{
    (void)state;
    static const uint8_t palette[12] = {0, 0, 0, 255, 255, 255, 200, 30, 40, 10, 220, 90};
    static const uint8_t alpha[3] = {0, 128, 255};
    size_t nbytes;
    uint8_t *png = make_png((ink_test_png_spec){.width = 13, .height = 9, .color_type = 3,
                                                .bit_depth = 2, .interlaced = true,
                                                .filters = PNG_ALL_FILTERS, .compression_level = 9,
                                                .palette = palette, .palette_count = 4,
                                                .trns_alpha = alpha, .trns_count = 3},
                            1, &nbytes);
    sweep(png, nbytes, "palette 2-bit tRNS interlaced", 1);
    free(png);
}

static void test_sweep_rgba16(void **state)
{
    (void)state;
    size_t nbytes;
    uint8_t *png = make_png((ink_test_png_spec){.width = 11, .height = 7, .color_type = 6,
                                                .bit_depth = 16, .filters = PNG_ALL_FILTERS,
                                                .compression_level = 6},
                            2, &nbytes);
    sweep(png, nbytes, "RGBA 16-bit", 3);
    free(png);
}

static void test_sweep_gray_trns(void **state)
{
    (void)state;
    size_t nbytes;
    uint8_t *png = make_png((ink_test_png_spec){.width = 21, .height = 6, .color_type = 0,
                                                .bit_depth = 8, .filters = PNG_ALL_FILTERS,
                                                .compression_level = 1, .has_trns_color = true,
                                                .trns_color = {0, 0, 0}},
                            3, &nbytes);
    sweep(png, nbytes, "gray 8-bit tRNS", 2);
    free(png);
}

/* Real files with ancillary chunks (gAMA, cHRM, tEXt, sBIT, bKGD...) and tRNS, from PngSuite. */
static void test_sweep_pngsuite_files(void **state)
{
    (void)state;
    const char *shared = ink_test_shared_dir();
    if (!shared)
        skip();
    static const char *const names[] = {"tbbn3p08.png", "ccwn2c08.png", "basi0g01.png",
                                        "tp1n3p08.png", "cs3n2c16.png", "ct1n0g04.png"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/corpus/pngsuite/%s", shared, names[i]);
        size_t nbytes;
        uint8_t *png = ink_test_read_file(path, &nbytes);
        if (!png)
            skip();
        sweep(png, nbytes, names[i], 4);
        free(png);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_palette_trns_interlaced),
        cmocka_unit_test(test_sweep_rgba16),
        cmocka_unit_test(test_sweep_gray_trns),
        cmocka_unit_test(test_sweep_pngsuite_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
