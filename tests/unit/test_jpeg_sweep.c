/*
 * test_jpeg_sweep.c — hostile-input and memory tests of the in-arena JPEG decoder.
 *
 *  - truncation sweep: every prefix length (stepped on large files) of several fixtures;
 *  - bit-flip sweep: deterministic single- and multi-bit flips all over each file;
 *    each run must return (ASan/UBSan builds catch bad accesses), release every claim, never
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
#include "arena/stream.h"
#include "decode/jpeg.h"
#include "jpeg_testing.h"
#include "test_support.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

typedef struct sweep_sink {
    uint32_t width, height, rows;
    bool too_many;
    ink_arena *arena;
    bool record;
    uint8_t claimed[INK_ARENA_BYTES]; /* 1 where a live claim was seen */
} sweep_sink;

static void record_claims(sweep_sink *sink)
{
    for (unsigned i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
        const ink_claim_record *claim = &sink->arena->claims[i];
        if (claim->live)
            memset(sink->claimed + claim->offset, 1, claim->nbytes);
    }
}

static ink_error sweep_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    sweep_sink *sink = user;
    *scale_log2 = 0;
    sink->width = info->width;
    sink->height = info->height;
    return INK_OK;
}

static ink_error sweep_row(void *user, const uint8_t *gray)
{
    sweep_sink *sink = user;
    (void)gray;
    if (sink->record)
        record_claims(sink);
    if (++sink->rows > sink->height)
        sink->too_many = true;
    return INK_OK;
}

static ink_error run(const uint8_t *data, size_t nbytes, sweep_sink *sink)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    arena.trap_on_misuse = false;
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, nbytes);
    sink->arena = &arena;
    sink->rows = 0;
    sink->height = 0;
    sink->too_many = false;
    ink_row_sink row_sink = {sweep_begin, sweep_row, sink};
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, &info);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    assert_false(sink->too_many);
    if (error == INK_OK)
        assert_int_equal(sink->rows, sink->height);
    else
        assert_true(info.detail[0] != '\0'); /* every refusal explains itself */
    return error;
}

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
    static sweep_sink sink;
    unsigned runs = 0, failures = 0;
    for (unsigned f = 0; f < 5; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        assert_non_null(data);
        assert_int_equal(run(data, n, &sink), INK_OK);
        for (size_t length = 0; length < n; length++) {
            uint8_t *copy = malloc(length ? length : 1);
            memcpy(copy, data, length);
            /* A prefix that still holds the whole scan (only EOI cut) may decode. */
            ink_error error = run(copy, length, &sink);
            if (error != INK_OK)
                failures++;
            else
                assert_true(length >= n - 2);
            runs++;
            free(copy);
        }
        free(data);
    }
    print_message("truncation sweep: %u runs, %u refused\n", runs, failures);
}

static void test_bit_flip_sweep(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    unsigned runs = 0, errors = 0;
    uint32_t random = 12345;
    for (unsigned f = 0; f < 5; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        uint8_t *copy = malloc(n);
        for (size_t i = 0; i < n; i++) {
            for (unsigned bit = 0; bit < 8; bit += 3) {
                memcpy(copy, data, n);
                copy[i] ^= (uint8_t)(1u << bit);
                errors += run(copy, n, &sink) != INK_OK;
                runs++;
            }
            /* Plus a burst of random flips nearby. */
            memcpy(copy, data, n);
            for (unsigned k = 0; k < 4; k++) {
                random = random * 1103515245u + 12345u;
                size_t at = (i + (random >> 16) % 16u) % n;
                copy[at] ^= (uint8_t)(random >> 8);
            }
            errors += run(copy, n, &sink) != INK_OK;
            runs++;
        }
        free(copy);
        free(data);
    }
    print_message("bit-flip sweep: %u runs, %u refused\n", runs, errors);
    assert_true(errors > 0);
}

static void test_arena_outside_claims_is_untouched(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    for (unsigned f = 0; f < 5; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        memset(&sink, 0, sizeof sink);
        sink.record = true;
        for (size_t i = 0; i < INK_ARENA_BYTES; i++)
            arena_memory[i] = (uint8_t)(0xA5 ^ (i * 31u));
        /* run() initialises the arena over arena_memory; init must not write the memory. */
        ink_arena arena;
        assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
        for (size_t i = 0; i < INK_ARENA_BYTES; i++)
            arena_memory[i] = (uint8_t)(0xA5 ^ (i * 31u));
        assert_int_equal(run(data, n, &sink), INK_OK);
        unsigned claimed = 0, changed = 0;
        for (size_t i = 0; i < INK_ARENA_BYTES; i++) {
            if (sink.claimed[i]) {
                claimed++;
                continue;
            }
            changed += arena_memory[i] != (uint8_t)(0xA5 ^ (i * 31u));
        }
        assert_true(claimed > 0);
        assert_int_equal(changed, 0);
        free(data);
    }
}

typedef struct scale_sink {
    unsigned scale_log2;
    uint32_t rows;
} scale_sink;

static ink_error scale_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    (void)info;
    *scale_log2 = ((scale_sink *)user)->scale_log2;
    return INK_OK;
}

static ink_error scale_row(void *user, const uint8_t *gray)
{
    (void)gray;
    ((scale_sink *)user)->rows++;
    return INK_OK;
}

static ink_error decode_at(const uint8_t *data, size_t n, unsigned scale_log2, uint32_t *rows,
                           ink_error_info *info)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, n);
    scale_sink sink = {scale_log2, 0};
    ink_row_sink row_sink = {scale_begin, scale_row, &sink};
    ink_error_clear(info);
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, info);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    *rows = sink.rows;
    return error;
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
        uint32_t rows;
        ink_error_info info;
        ink_error error = decode_at(data, n, cases[c].scale_log2, &rows, &info);
        if (cases[c].fits) {
            if (error != INK_OK)
                fail_msg("%ux%u %dx%d at 1/%u: %s", cases[c].width, cases[c].height, cases[c].h,
                         cases[c].v, 1u << cases[c].scale_log2, info.detail);
            assert_int_equal(rows, ink_scaled_size(cases[c].height, cases[c].scale_log2));
        } else {
            assert_int_equal(error, INK_ERR_TOO_LARGE);
            assert_non_null(strstr(info.detail, "PRIMARY"));
            assert_int_equal(rows, 0);
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
