/*
 * test_jpeg_idct.c — the host's vector 8x8 IDCT gives the scalar (board) transform's pixels.
 *
 * decode/jpeg_idct.c has two 8x8 islow transforms: scalar (the board's, and every build with
 * -DINK_JPEG_SCALAR_IDCT) and, on 64-bit hosts, GCC vectors doing eight columns/rows at once.
 * The scalar one is checked against libjpeg-turbo by test_jpeg_accuracy; here both run on the
 * same blocks — random dense and sparse ones, the extreme sign patterns of the overflow bound,
 * the clamping ("big") path with coefficients at +-2048 — and must give identical pixels and
 * leave the block cleared. ink_jpeg_idct_block (which picks flat, sparse and vector variants from
 * the block decoder's flags) is checked against the scalar transform the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/jpeg_internal.h"

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

static void assert_same_pixels(const int32_t block[64], bool big)
{
    int32_t a[64], b[64];
    uint8_t pixels_a[8 * 11], pixels_b[8 * 11];
    memcpy(a, block, sizeof a);
    memcpy(b, block, sizeof b);
    memset(pixels_a, 0xAA, sizeof pixels_a);
    memset(pixels_b, 0xAA, sizeof pixels_b);
    ink_jpeg_idct_8x8(a, big, pixels_a, 11);
    ink_jpeg_idct_8x8_scalar(b, big, pixels_b, 11);
    assert_memory_equal(pixels_a, pixels_b, sizeof pixels_a);
    for (unsigned i = 0; i < 64; i++) {
        assert_int_equal(a[i], 0);
        assert_int_equal(b[i], 0);
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
        for (unsigned i = 0; i < 64; i++)
            block[i] = block[i] < 0 ? -2048 : 2048;
        assert_same_pixels(block, true);
    }
}

/* ink_jpeg_idct_block as the baseline decoder calls it: flags from the block's contents. */
static void test_block_dispatch(void **unused)
{
    (void)unused;
    for (unsigned n = 0; n < 40000; n++) {
        int32_t block[64] = {0}, a[64], b[64];
        unsigned last = next_random() % 64u;
        for (unsigned k = 0; k <= last; k++)
            if (k == 0 || k == last || next_random() % 4u == 0)
                block[ink_jpeg_zigzag[k]] = (int32_t)(next_random() % 2047u) - 1023;
        uint32_t flags = last > 0 ? JPEG_FLAG_AC | (last << JPEG_FLAG_LAST_SHIFT) : 0;
        uint8_t pixels_a[64], pixels_b[64];
        memcpy(a, block, sizeof a);
        memcpy(b, block, sizeof b);
        ink_jpeg_idct_block(a, 3, flags, pixels_a, 8);
        ink_jpeg_idct_8x8_scalar(b, false, pixels_b, 8);
        assert_memory_equal(pixels_a, pixels_b, sizeof pixels_a);
        for (unsigned i = 0; i < 64; i++)
            assert_int_equal(a[i], 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_blocks),
        cmocka_unit_test(test_extreme_blocks),
        cmocka_unit_test(test_block_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
