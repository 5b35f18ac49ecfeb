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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_fields_follow_the_format),
        cmocka_unit_test(misuse_and_full_sinks_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
