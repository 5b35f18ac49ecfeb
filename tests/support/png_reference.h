/*
 * png_reference.h — what the PNG tests share: libpng as the reference decoder (with the
 * conversions of decode/gray.h applied independently here), the in-arena decoder run into a
 * heap image, a libpng-based PNG writer for generated fixtures, and file helpers.
 */
#ifndef INK_TEST_PNG_REFERENCE_H
#define INK_TEST_PNG_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"

typedef struct ink_test_gray {
    uint32_t width, height;
    uint8_t *pixels; /* width * height, top row first (malloc) */
    bool is_bilevel;
} ink_test_gray;

void ink_test_gray_free(ink_test_gray *image);

/* libpng: png_set_expand, png_set_scale_16, interlace handling, png_read_end; then gray.h.
 * Returns false (and the message in `why`) when libpng refuses the file. */
bool ink_test_libpng_gray(const uint8_t *data, size_t nbytes, uint8_t background,
                          ink_test_gray *out, char *why, size_t why_nbytes);

/* The in-arena decoder from memory (seekable unless `no_seek`). */
ink_error ink_test_arena_png_gray(ink_arena *arena, const uint8_t *data, size_t nbytes,
                                  uint8_t background, bool no_seek, ink_test_gray *out,
                                  ink_error_info *info);

/* Reads a whole file (malloc); NULL on failure. */
uint8_t *ink_test_read_file(const char *path, size_t *nbytes);

/* A PNG to write: `rows` holds height rows of ceil(width * channels * depth / 8) bytes, packed
 * as PNG stores them (big-endian 16-bit samples). */
typedef struct ink_test_png_spec {
    uint32_t width, height;
    int color_type, bit_depth;
    bool interlaced;
    int filters;              /* PNG_ALL_FILTERS, PNG_FILTER_PAETH, ... (0: libpng default) */
    int compression_level;    /* -1: default */
    const uint8_t *rows;
    const uint8_t *palette;   /* palette_count RGB triples */
    int palette_count;
    const uint8_t *trns_alpha; /* palette tRNS */
    int trns_count;
    bool has_trns_color;      /* gray/RGB tRNS */
    uint16_t trns_color[3];
} ink_test_png_spec;

/* Encodes with libpng into a malloc'd buffer. */
uint8_t *ink_test_write_png(const ink_test_png_spec *spec, size_t *nbytes);

/* Deterministic pseudo-random bytes (xorshift), for fixture content. */
void ink_test_fill_random(uint8_t *bytes, size_t nbytes, uint32_t seed);

#endif
