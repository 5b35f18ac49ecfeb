/*
 * test_support.h — helpers the unit tests share: finding the shared corpus, running commands,
 * and a deliberately plain BMP parser (written from the format, not from dither/bmp.c).
 */
#ifndef INK_TEST_SUPPORT_H
#define INK_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena/arena.h"

/* The shared corpus folder (env INK_SHARED_DIR, else ../shared beside the source tree), or
 * NULL when it is absent: tests that need it call skip(). */
const char *ink_test_shared_dir(void);

/* A fresh arena over static test memory, misuse traps off. */
ink_arena *ink_test_arena(void);

/* The tests' pseudo-random numbers: xorshift32 (Marsaglia), reproducible from a nonzero seed. */
uint32_t ink_test_random(uint32_t *state);

/* zlib's deflate of src into dst (deflateInit2 with these level, strategy, window bits: -15 raw
 * deflate, 15 the zlib wrapper, and memory level); the stream's length. The whole stream must
 * fit dst (the test fails otherwise). */
size_t ink_test_zlib_deflate(const uint8_t *src, size_t src_nbytes, uint8_t *dst,
                             size_t dst_nbytes, int level, int strategy, int window_bits,
                             int mem_level);

/* Runs a shell command; returns its exit status (or -1). */
int ink_test_run(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A decoded 1-bit BMP: pixels[y * width + x] is 0 (black) or 1 (white), top row first. */
typedef struct ink_test_bitmap {
    uint32_t width, height;
    uint8_t *pixels;
} ink_test_bitmap;

/* Parses a BITMAPINFOHEADER 1-bit BMP from memory; false if it is not a valid one. */
bool ink_test_parse_bmp(const uint8_t *data, size_t nbytes, ink_test_bitmap *out);
void ink_test_bitmap_free(ink_test_bitmap *bitmap);

#endif
