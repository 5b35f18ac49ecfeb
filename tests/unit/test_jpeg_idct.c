/*
 * test_jpeg_idct.c — the host's fast IDCTs give the scalar (board) transforms' pixels.
 *
 * decode/jpeg_idct.c has the 8x8 islow, 4x4 and 2x2 transforms in scalar code (the board's,
 * and every build with -DINK_JPEG_SCALAR_IDCT) and, on 64-bit hosts, one of two faster forms:
 * SSE2 on 16-bit lanes with pmaddwd on x86-64 (blocks that are not big), GCC vectors of eight
 * int32 lanes on AArch64. The scalar
 * ones are checked against libjpeg-turbo by test_jpeg_accuracy; here the build's fast form and
 * the scalar one run on the same blocks at every size — random dense and sparse ones, the
 * extreme sign patterns of the overflow bound, the clamping ("big") path with coefficients at
 * +-2048 — and must give identical pixels and leave the block cleared. ink_jpeg_idct_block
 * (which picks flat, sparse and fast variants from the block decoder's flags) is checked
 * against the scalar transform the same way, and on x86-64 the SSE2 8x8 of int16 input
 * (ink_jpeg_idct_8x8_int16, the progressive decoder's dense 1/1 blocks) with blocks not big.
 *
 * The file is compiled twice: test_jpeg_idct tests decode/jpeg_idct.c as this build compiles
 * it (SSE2 on 16-bit lanes on x86-64, GCC vectors on AArch64), test_jpeg_idct_vector includes
 * this file with TEST_VECTOR_IDCT set, which compiles the GCC-vector form whatever the target,
 * test_jpeg_idct_scalar with TEST_SCALAR_IDCT set, which runs the dispatch test on the scalar
 * (board) tiers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* The test's own copy of the transforms (they take the place of the library's). */
#ifdef TEST_VECTOR_IDCT
#define INK_JPEG_VECTOR_IDCT 1
#endif
#ifdef TEST_SCALAR_IDCT
#define INK_JPEG_SCALAR_IDCT 1
#endif
#include "decode/jpeg_idct.c"

static uint32_t random_state = 12345u;

static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

/* `limit`: |coefficient| <= limit; `density`: out of 256, how many positions are nonzero. */
static void random_block(int32_t block[64], int32_t limit, uint32_t density)
{
    for (unsigned i = 0; i < 64; i++) {
        block[i] = 0;
        if (i == 0 || next_random() % 256u < density)
            block[i] = (int32_t)(next_random() % (uint32_t)(2 * limit + 1)) - limit;
    }
}

typedef void idct_fn(int32_t *coefficients, bool big, uint8_t *out, size_t stride);
static idct_fn *const public_idct[4] = {NULL, ink_jpeg_idct_2x2, ink_jpeg_idct_4x4,
                                        ink_jpeg_idct_8x8};

static void assert_same_pixels(const int32_t block[64], bool big)
{
    for (unsigned log2 = 1; log2 <= 3; log2++) {
        int32_t a[64], b[64];
        uint8_t pixels_a[8 * 11], pixels_b[8 * 11];
        memcpy(a, block, sizeof a);
        memcpy(b, block, sizeof b);
        memset(pixels_a, 0xAA, sizeof pixels_a);
        memset(pixels_b, 0xAA, sizeof pixels_b);
        public_idct[log2](a, big, pixels_a, 11);
        ink_jpeg_idct_scalar(b, log2, big, pixels_b, 11);
        assert_memory_equal(pixels_a, pixels_b, sizeof pixels_a);
        for (unsigned i = 0; i < 64; i++) {
            assert_int_equal(a[i], 0);
            assert_int_equal(b[i], 0);
        }
#if JPEG_SSE2_IDCT
        /* The progressive decoder's int16 input (dense 1/1 blocks, none big). */
        if (log2 == 3 && !big) {
            _Alignas(16) int16_t c[64];
            for (unsigned i = 0; i < 64; i++)
                c[i] = (int16_t)block[i];
            memset(pixels_a, 0xAA, sizeof pixels_a);
            ink_jpeg_idct_8x8_int16(c, pixels_a, 11);
            assert_memory_equal(pixels_a, pixels_b, sizeof pixels_a);
        }
#endif
    }
}

static void test_random_blocks(void **unused)
{
    (void)unused;
    static const uint32_t densities[] = {4, 32, 128, 256};
    for (unsigned d = 0; d < 4; d++) {
        for (unsigned n = 0; n < 20000; n++) {
            int32_t block[64];
            random_block(block, 1023, densities[d]);
            assert_same_pixels(block, false);
            random_block(block, 2048, densities[d]);
            assert_same_pixels(block, true);
        }
    }
}

/* Every coefficient at the bound with random signs: the largest intermediates either way. */
static void test_extreme_blocks(void **unused)
{
    (void)unused;
    for (unsigned n = 0; n < 20000; n++) {
        int32_t block[64];
        uint32_t signs = next_random() ^ (next_random() << 16), more = next_random();
        for (unsigned i = 0; i < 64; i++) {
            uint32_t bit = i < 32 ? (signs >> i) & 1u : (more >> (i - 32u) % 24u) & 1u;
            block[i] = bit ? -1024 : 1023;
        }
        assert_same_pixels(block, false);
        /* +1024 is not big for the progressive decoder (the baseline one flags it). */
        for (unsigned i = 0; i < 64; i++)
            block[i] = block[i] < 0 ? -1024 : 1024;
        assert_same_pixels(block, false);
        for (unsigned i = 0; i < 64; i++)
            block[i] = block[i] < 0 ? -2048 : 2048;
        assert_same_pixels(block, true);
    }
}

/* ink_jpeg_idct_block as the baseline decoder calls it: flags from the block's contents, and
 * at 4x4 and 2x2 none of the rows/columns those ignore (their quantisers are 0 there). */
static void test_block_dispatch(void **unused)
{
    (void)unused;
    static const uint32_t ignored[4] = {0, 0x54u, 0x10u, 0};
    for (unsigned n = 0; n < 60000; n++) {
        unsigned log2 = 1u + n % 3u;
        int32_t block[64] = {0}, a[64], b[64];
        unsigned last = next_random() % 64u;
        for (unsigned k = 0; k <= last; k++) {
            unsigned i = ink_jpeg_zigzag[k];
            bool drop = ((ignored[log2] >> (i & 7u)) & 1u) || ((ignored[log2] >> (i >> 3)) & 1u);
            if (!drop && (k == 0 || k == last || next_random() % 4u == 0))
                block[i] = (int32_t)(next_random() % 2047u) - 1023;
        }
        uint32_t flags = last > 0 ? JPEG_FLAG_AC | (last << JPEG_FLAG_LAST_SHIFT) : 0;
        uint8_t pixels_a[64], pixels_b[64];
        memset(pixels_a, 0xAA, sizeof pixels_a);
        memset(pixels_b, 0xAA, sizeof pixels_b);
        memcpy(a, block, sizeof a);
        memcpy(b, block, sizeof b);
        ink_jpeg_idct_block(a, log2, flags, pixels_a, 8);
        ink_jpeg_idct_scalar(b, log2, false, pixels_b, 8);
        assert_memory_equal(pixels_a, pixels_b, sizeof pixels_a);
        for (unsigned i = 0; i < 64; i++)
            assert_int_equal(a[i], 0);
    }
}

int main(void)
{
#ifdef TEST_SCALAR_IDCT
    /* Only the dispatch: the public transforms are the scalar ones here. */
    const struct CMUnitTest scalar_tests[] = {
        cmocka_unit_test(test_block_dispatch),
    };
    return cmocka_run_group_tests(scalar_tests, NULL, NULL);
#endif
#ifdef TEST_VECTOR_IDCT
    if (!JPEG_VECTOR_IDCT) {
#else
    if (!JPEG_VECTOR_IDCT && !JPEG_SSE2_IDCT) {
#endif
        printf("SKIP: no fast IDCT in this build (compiler or target)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_blocks),
        cmocka_unit_test(test_extreme_blocks),
        cmocka_unit_test(test_block_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
