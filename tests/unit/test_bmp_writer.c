/*
 * test_bmp_writer.c — the streaming BMP writer: header fields checked byte by byte against the
 * BMP format, rows stored bottom-up with zero padding, read back by the tests' own parser.
 * (tests/corpus/test_bmp_readers.sh opens the files in Pillow and ImageMagick.)
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "dither/bmp.h"
#include "dither/dither.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void header_fields_follow_the_format(void **state)
{
    (void)state;
    static uint8_t memory[4096];
    ink_memory_sink sink_state;
    ink_sink sink = ink_memory_sink_open(&sink_state, memory, sizeof memory);
    ink_bmp_writer writer;
    assert_int_equal(ink_bmp_begin(&writer, &sink, 33, 3, NULL), INK_OK);
    const uint8_t rows[3][5] = {{0xFF, 0, 0, 0, 0x80}, {0x01, 2, 3, 4, 0}, {0x80, 0, 0, 0, 0}};
    for (int y = 0; y < 3; y++)
        assert_int_equal(ink_bmp_write_row(&writer, rows[y]), INK_OK);
    assert_int_equal(ink_bmp_finish(&writer), INK_OK);
    /* 33 px -> 5 packed bytes -> stride 8; file = 62 + 3 * 8 */
    assert_int_equal(sink_state.length, 86);
    assert_memory_equal(memory, "BM", 2);
    assert_int_equal(le32(memory + 2), 86);
    assert_int_equal(le32(memory + 10), 62);
    assert_int_equal(le32(memory + 14), 40);
    assert_int_equal(le32(memory + 18), 33);
    assert_int_equal(le32(memory + 22), 3);
    assert_int_equal(memory[26], 1);
    assert_int_equal(memory[28], 1);
    assert_int_equal(le32(memory + 46), 2);
    const uint8_t palette[8] = {0, 0, 0, 0, 255, 255, 255, 0};
    assert_memory_equal(memory + 54, palette, 8);
    /* bottom-up: the last row written is stored first, padded with zeros */
    const uint8_t stored_first[8] = {0x80, 0, 0, 0, 0, 0, 0, 0};
    const uint8_t stored_last[8] = {0xFF, 0, 0, 0, 0x80, 0, 0, 0};
    assert_memory_equal(memory + 62, stored_first, 8);
    assert_memory_equal(memory + 62 + 16, stored_last, 8);
    ink_test_bitmap bitmap;
    assert_true(ink_test_parse_bmp(memory, sink_state.length, &bitmap));
    assert_int_equal(bitmap.pixels[0], 1);
    assert_int_equal(bitmap.pixels[32], 1);  /* row 0, pixel 32: bit 7 of byte 4 */
    assert_int_equal(bitmap.pixels[33 + 7], 1); /* row 1, pixel 7 */
    ink_test_bitmap_free(&bitmap);
}

static void misuse_and_full_sinks_are_errors(void **state)
{
    (void)state;
    static uint8_t memory[70];
    ink_memory_sink sink_state;
    ink_sink sink = ink_memory_sink_open(&sink_state, memory, sizeof memory);
    ink_bmp_writer writer;
    assert_int_equal(ink_bmp_begin(&writer, &sink, 0, 3, NULL), INK_ERR_INVALID_ARGUMENT);
    ink_sink no_seek = sink;
    no_seek.seek = NULL;
    assert_int_equal(ink_bmp_begin(&writer, &no_seek, 8, 3, NULL), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_bmp_begin(&writer, &sink, 8, 3, NULL), INK_OK);
    const uint8_t row[1] = {0x55};
    /* row 0 is stored last, at 62 + 2 * 4 = 70: past this 70-byte sink */
    assert_int_equal(ink_bmp_write_row(&writer, row), INK_ERR_IO);
    assert_int_equal(ink_bmp_finish(&writer), INK_ERR_BAD_STATE);
}

/* Four grays: 4-bit indices, four-entry palette, 2-bit packed rows widened to nibbles. Odd
 * widths leave a half byte; 200 pixels (100 stored bytes) cross the writer's 64-byte buffer. */
static void four_gray_rows_are_widened_to_nibbles(void **state)
{
    (void)state;
    const uint32_t widths[] = {1, 5, 37, 200};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        const uint32_t width = widths[w], height = 3;
        static uint8_t memory[4096];
        memset(memory, 0xEE, sizeof memory);
        ink_memory_sink sink_state;
        ink_sink sink = ink_memory_sink_open(&sink_state, memory, sizeof memory);
        ink_bmp_writer writer;
        assert_int_equal(ink_bmp_begin_bits(&writer, &sink, width, height, 2, NULL), INK_OK);
        uint8_t levels[3][200];
        for (uint32_t y = 0; y < height; y++) {
            uint8_t packed[64] = {0};
            for (uint32_t x = 0; x < width; x++) {
                levels[y][x] = (uint8_t)((x * 7 + y * 3 + x / 5) % 4);
                packed[x / 4] |= (uint8_t)(levels[y][x] << (6 - 2 * (x % 4)));
            }
            assert_int_equal(ink_bmp_write_row(&writer, packed), INK_OK);
        }
        assert_int_equal(ink_bmp_finish(&writer), INK_OK);
        /* stride: ceil(4 * width / 32) * 4 bytes */
        const uint32_t stride = (width * 4 + 31) / 32 * 4;
        assert_int_equal(sink_state.length, 70 + height * stride);
        assert_int_equal(le32(memory + 2), 70 + height * stride);
        assert_int_equal(le32(memory + 10), 70);
        assert_int_equal(memory[28], 4);
        assert_int_equal(le32(memory + 46), 4);
        const uint8_t palette[16] = {0, 0, 0, 0, 85, 85, 85, 0, 170, 170, 170, 0, 255, 255, 255, 0};
        assert_memory_equal(memory + 54, palette, 16);
        for (uint32_t y = 0; y < height; y++) {
            const uint8_t *stored = memory + 70 + (height - 1 - y) * stride;
            for (uint32_t x = 0; x < width; x++) {
                uint32_t nibble = x % 2 == 0 ? stored[x / 2] >> 4 : stored[x / 2] & 15u;
                if (nibble != levels[y][x])
                    fail_msg("width %u row %u pixel %u: %u, wrote %u", width, y, x, nibble,
                             levels[y][x]);
            }
            if (width % 2)
                assert_int_equal(stored[width / 2] & 15u, 0);
            for (uint32_t i = (width + 1) / 2; i < stride; i++)
                assert_int_equal(stored[i], 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_fields_follow_the_format),
        cmocka_unit_test(misuse_and_full_sinks_are_errors),
        cmocka_unit_test(four_gray_rows_are_widened_to_nibbles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
