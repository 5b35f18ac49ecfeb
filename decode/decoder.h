/*
 * decoder.h — the one interface every image decoder implements: bytes in, 8-bit gray rows out.
 *
 * A decoder reads its header from an ink_source, tells the row sink the image's size and the
 * DCT scales it can produce (sink->begin), lets the sink choose one, then pushes the rows of the
 * scaled image top to bottom (sink->row), exactly ink_scaled_size(height, scale_log2) of them,
 * each ink_scaled_size(width, scale_log2) gray bytes wide. It never holds a frame.
 *
 * Gray means: for colour input, Y = (19595 R + 38470 G + 7471 B + 32768) >> 16 (ITU-R BT.601
 * weights, the ones libjpeg uses for JPEG's Y); alpha is composited over a white background;
 * 16-bit samples are reduced to 8 bits as libpng's png_set_scale_16 does. The exact
 * conversions are in decode/gray.h and are the same for every decoder, host or in-arena.
 *
 * In-arena decoders take every byte they use from arena claims and release them before
 * returning (on success and on error). Host decoders (libjpeg-turbo, libpng) may use the heap.
 */
#ifndef INK_DECODE_DECODER_H
#define INK_DECODE_DECODER_H

#include <stdbool.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"
#include "arena/stream.h"

typedef enum ink_image_format {
    INK_FORMAT_UNKNOWN = 0,
    INK_FORMAT_JPEG,
    INK_FORMAT_PNG
} ink_image_format;

/* Recognises JPEG (FF D8 FF) and PNG (the 8-byte signature) from the first bytes. */
ink_image_format ink_sniff_format(const uint8_t *head, size_t nbytes);

/* Limits a caller sets to refuse hostile or merely enormous images before decoding them. */
typedef struct ink_limits {
    uint32_t max_width;
    uint32_t max_height;
    uint64_t max_pixels; /* width * height */
} ink_limits;

/* 65535 x 65535 (the JPEG maximum) and at most 256 megapixels. */
#define INK_LIMITS_DEFAULT ((ink_limits){65535u, 65535u, 268435456u})

/* Returns INK_ERR_TOO_LARGE (with a detail naming the limit) when width/height break `limits`,
 * INK_ERR_BAD_DATA when either is zero. `limits` may be NULL for the defaults. */
ink_error ink_check_limits(const ink_limits *limits, uint32_t width, uint32_t height,
                           ink_error_info *info);

/* Scales a decoder may offer: bit k set means 1/2^k (k = 0..3, i.e. 1/1, 1/2, 1/4, 1/8). */
#define INK_SCALE_MASK_FULL_ONLY 0x1u
#define INK_SCALE_MASK_DCT 0xFu

/* ceil(size / 2^scale_log2): the scaled dimension, as libjpeg computes it. */
static inline uint32_t ink_scaled_size(uint32_t size, unsigned scale_log2)
{
    return (uint32_t)(((uint64_t)size + ((1u << scale_log2) - 1u)) >> scale_log2);
}

typedef struct ink_image_info {
    uint32_t width;      /* full-resolution size */
    uint32_t height;
    uint8_t scale_mask;  /* INK_SCALE_MASK_* */
    bool is_bilevel;     /* every pixel is 0 or 255 (1-bit gray, two-colour palette) */
    const char *format;  /* static description, e.g. "JPEG baseline 4:2:0", "PNG RGBA 8-bit" */
    uint8_t fits_mask;   /* the offered scales the decoder can deliver in its arena claims (0: all
                          * of them); a sink may still choose another and get INK_ERR_TOO_LARGE */
} ink_image_info;

typedef struct ink_row_sink {
    /* Called once, before any row. Must set *scale_log2 to a scale whose bit is in
     * info->scale_mask (it arrives as 0). An error stops the decoder, which returns it. */
    ink_error (*begin)(void *user, const ink_image_info *info, unsigned *scale_log2);
    /* Called once per row of the scaled image, top to bottom. `gray` is valid only during the
     * call, and is the decoder's to read again afterwards (the PNG decoder's Up rows reuse the
     * gray of the row above): the sink only reads it. An error stops the decoder, which
     * returns it. */
    ink_error (*row)(void *user, const uint8_t *gray);
    void *user;
} ink_row_sink;

typedef struct ink_decoder {
    const char *name;            /* "libjpeg-turbo", "arena-jpeg", ... */
    ink_image_format format;
    /* Decodes the whole image from `source`, pushing rows into `sink`. `arena` is where an
     * in-arena decoder claims its memory (host decoders ignore it); `limits` may be NULL. */
    ink_error (*decode)(const ink_source *source, ink_arena *arena, const ink_limits *limits,
                        const ink_row_sink *sink, ink_error_info *info);
} ink_decoder;

#endif
