/*
 * gray.h — the pixel conversions to 8-bit gray that every decoder shares, host or in-arena.
 *
 * They are defined once here so that two decoders of the same file produce the same bytes:
 *
 *   RGB -> gray   Y = (19595 R + 38470 G + 7471 B + 32768) >> 16. These are the ITU-R BT.601
 *                 weights 0.299, 0.587, 0.114 in 16-bit fixed point, exactly libjpeg's
 *                 rgb_gray_convert, so a JPEG's own Y channel and an RGB image agree.
 *   alpha         composited over a background (white unless the caller says otherwise):
 *                 out = (gray * a + background * (255 - a) + 127) / 255, applied after the
 *                 RGB -> gray step.
 *   16 -> 8 bits  round(v * 255 / 65535), computed as libpng's png_set_scale_16 does.
 *   Adobe CMYK    JPEG CMYK as Adobe writes it (inverted): R = C*K/255, G = M*K/255,
 *                 B = Y*K/255 (each rounded: (x*k + 127) / 255), then RGB -> gray.
 */
#ifndef INK_DECODE_GRAY_H
#define INK_DECODE_GRAY_H

#include <stdint.h>

#define INK_GRAY_WEIGHT_RED 19595u
#define INK_GRAY_WEIGHT_GREEN 38470u
#define INK_GRAY_WEIGHT_BLUE 7471u
#define INK_BACKGROUND_WHITE 255u

static inline uint8_t ink_gray_from_rgb(uint32_t red, uint32_t green, uint32_t blue)
{
    return (uint8_t)((INK_GRAY_WEIGHT_RED * red + INK_GRAY_WEIGHT_GREEN * green +
                      INK_GRAY_WEIGHT_BLUE * blue + 32768u) >> 16);
}

static inline uint8_t ink_gray_over_background(uint32_t gray, uint32_t alpha, uint32_t background)
{
    return (uint8_t)((gray * alpha + background * (255u - alpha) + 127u) / 255u);
}

/* Equal to libpng's png_do_scale_16_to_8: v8 = v16 >> 8 corrected by the rounding term. */
static inline uint8_t ink_gray_from_16(uint32_t sample16)
{
    uint32_t high = sample16 >> 8;
    uint32_t low = sample16 & 0xFFu;
    int32_t corrected = (int32_t)high + ((((int32_t)low - (int32_t)high + 128) * 65535) >> 24);
    return (uint8_t)corrected;
}

static inline uint8_t ink_gray_from_adobe_cmyk(uint32_t cyan, uint32_t magenta, uint32_t yellow,
                                               uint32_t black)
{
    return ink_gray_from_rgb((cyan * black + 127u) / 255u, (magenta * black + 127u) / 255u,
                             (yellow * black + 127u) / 255u);
}

#endif
