/*
 * jpeg_color.c — one MCU's component tiles to gray, for the cases the luma fast path cannot
 * take: RGB, CMYK, YCCK, and luma that must be upsampled (a luma component sampled below the
 * frame's maximum). Each component's tile holds its pixels for the MCU; a sample covers
 * repeat_x x repeat_y output pixels (box upsampling).
 *
 * The conversions are decode/gray.h's; YCCK first goes YCC -> RGB with libjpeg's fixed-point
 * coefficients (16-bit: 1.402, 0.34414, 0.71414, 1.772) so that the result equals libjpeg's
 * CMYK output converted by ink_gray_from_adobe_cmyk.
 */
#include "decode/gray.h"
#include "decode/jpeg_internal.h"

/* floor(value / 65536) for value > -2^24, without shifting a negative number. */
static inline int32_t shift16(int32_t value)
{
    return ((value + (1 << 24)) >> 16) - 256;
}

static inline int32_t clamp255(int32_t value)
{
    return value < 0 ? 0 : value > 255 ? 255 : value;
}

void ink_jpeg_tiles_to_gray(const jpeg_frame *frame, uint8_t *out, size_t stride, uint32_t width,
                            uint32_t height)
{
    const jpeg_component *c = frame->components;
    unsigned ncomponents = frame->colour == JPEG_GRAY || frame->colour == JPEG_YCBCR ? 1u
                           : frame->colour == JPEG_RGB                              ? 3u
                                                                                    : 4u;
    uint8_t line[JPEG_MAX_COMPONENTS][8 * JPEG_MAX_SAMPLING];
    for (uint32_t y = 0; y < height; y++, out += stride) {
        const uint8_t *row[JPEG_MAX_COMPONENTS];
        for (unsigned i = 0; i < ncomponents; i++) {
            const uint8_t *src = c[i].tile + (size_t)(y / c[i].repeat_y) * c[i].tile_stride;
            if (c[i].repeat_x == 1) {
                row[i] = src;
                continue;
            }
            for (uint32_t x = 0, sx = 0; x < width; sx++)
                for (unsigned r = 0; r < c[i].repeat_x && x < width; r++)
                    line[i][x++] = src[sx];
            row[i] = line[i];
        }
        switch (frame->colour) {
        case JPEG_GRAY:
        case JPEG_YCBCR:
            for (uint32_t x = 0; x < width; x++)
                out[x] = row[0][x];
            break;
        case JPEG_RGB:
            for (uint32_t x = 0; x < width; x++)
                out[x] = ink_gray_from_rgb(row[0][x], row[1][x], row[2][x]);
            break;
        case JPEG_CMYK:
            for (uint32_t x = 0; x < width; x++)
                out[x] = ink_gray_from_adobe_cmyk(row[0][x], row[1][x], row[2][x], row[3][x]);
            break;
        case JPEG_YCCK:
            for (uint32_t x = 0; x < width; x++) {
                int32_t luma = row[0][x], cb = (int32_t)row[1][x] - 128,
                        cr = (int32_t)row[2][x] - 128;
                int32_t red = luma + shift16(91881 * cr + 32768);
                int32_t green = luma + shift16(-22554 * cb - 46802 * cr + 32768);
                int32_t blue = luma + shift16(116130 * cb + 32768);
                out[x] = ink_gray_from_adobe_cmyk((uint32_t)clamp255(255 - red),
                                                  (uint32_t)clamp255(255 - green),
                                                  (uint32_t)clamp255(255 - blue), row[3][x]);
            }
            break;
        }
    }
}
