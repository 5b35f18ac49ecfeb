/*
 * png_gray.c — unfiltered PNG pixels of every colour type and bit depth to 8-bit gray.
 *
 * The result equals libpng's png_set_expand + png_set_scale_16 followed by decode/gray.h:
 *   - gray of 1/2/4 bits expands to 8 by replication (v * 255 / (2^depth - 1));
 *   - a gray or RGB tRNS makes samples equal to it (masked to the bit depth, as libpng's
 *     png_do_expand masks it) fully transparent, all others opaque;
 *   - palette entries take their alpha from tRNS (255 past its end); indices past the palette
 *     read as black, as libpng's zero-filled 256-entry palette gives;
 *   - 16-bit samples go to 8 with ink_gray_from_16 (png_set_scale_16) before anything else;
 *   - RGB goes to gray with ink_gray_from_rgb, then alpha over the background with
 *     ink_gray_over_background.
 * Palette and gray of up to 8 bits are one table lookup per pixel (lut[]), built once.
 */
#include "decode/png_internal.h"

#include <string.h>

#include "decode/gray.h"

ink_error ink_png_pixels_init(ink_png_pixels *pixels, uint8_t color_type, uint8_t bit_depth,
                              uint8_t background, ink_error_info *info)
{
    memset(pixels, 0, sizeof *pixels);
    uint8_t channels;
    bool depth_ok;
    switch (color_type) {
    case INK_PNG_COLOR_GRAY:
        channels = 1;
        depth_ok = bit_depth == 1 || bit_depth == 2 || bit_depth == 4 || bit_depth == 8 ||
                   bit_depth == 16;
        break;
    case INK_PNG_COLOR_PALETTE:
        channels = 1;
        depth_ok = bit_depth == 1 || bit_depth == 2 || bit_depth == 4 || bit_depth == 8;
        break;
    case INK_PNG_COLOR_RGB:
        channels = 3;
        depth_ok = bit_depth == 8 || bit_depth == 16;
        break;
    case INK_PNG_COLOR_GRAY_ALPHA:
        channels = 2;
        depth_ok = bit_depth == 8 || bit_depth == 16;
        break;
    case INK_PNG_COLOR_RGBA:
        channels = 4;
        depth_ok = bit_depth == 8 || bit_depth == 16;
        break;
    default:
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: invalid colour type %u", color_type);
    }
    if (!depth_ok)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "PNG: invalid bit depth %u for colour type %u", bit_depth, color_type);
    pixels->color_type = color_type;
    pixels->bit_depth = bit_depth;
    pixels->channels = channels;
    pixels->bits_per_pixel = (uint8_t)(channels * bit_depth);
    pixels->filter_bpp = (uint8_t)(pixels->bits_per_pixel < 8 ? 1 : pixels->bits_per_pixel / 8);
    pixels->background = background;
    if (color_type == INK_PNG_COLOR_GRAY && bit_depth <= 8) {
        uint32_t max = (1u << bit_depth) - 1u;
        for (uint32_t v = 0; v <= max; v++)
            pixels->lut[v] = (uint8_t)(v * 255u / max);
    }
    return INK_OK;
}

void ink_png_pixels_set_palette(ink_png_pixels *pixels, const uint8_t *gray, uint32_t count,
                                const uint8_t *alpha, uint32_t alpha_count)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t g = i < count ? gray[i] : 0;
        uint32_t a = i < alpha_count ? alpha[i] : 255;
        pixels->lut[i] = ink_gray_over_background(g, a, pixels->background);
    }
}

void ink_png_pixels_set_trns(ink_png_pixels *pixels, const uint16_t values[3])
{
    uint32_t mask = pixels->bit_depth == 16 ? 0xFFFFu : (1u << pixels->bit_depth) - 1u;
    pixels->has_trns = true;
    for (int i = 0; i < 3; i++)
        pixels->trns[i] = (uint16_t)(values[i] & mask);
    if (pixels->color_type == INK_PNG_COLOR_GRAY && pixels->bit_depth <= 8) {
        pixels->lut[pixels->trns[0]] = pixels->background; /* alpha 0: the background */
        pixels->has_trns = false;                            /* folded into lut */
    }
}

bool ink_png_pixels_bilevel(const ink_png_pixels *pixels)
{
    if (pixels->bit_depth > 8 ||
        (pixels->color_type != INK_PNG_COLOR_GRAY && pixels->color_type != INK_PNG_COLOR_PALETTE))
        return false;
    uint32_t count = 1u << pixels->bit_depth;
    for (uint32_t i = 0; i < count; i++) {
        if (pixels->lut[i] != 0 && pixels->lut[i] != 255)
            return false;
    }
    return true;
}

uint64_t ink_png_row_nbytes(const ink_png_pixels *pixels, uint32_t width)
{
    uint64_t bits = (uint64_t)width * pixels->bits_per_pixel;
    uint64_t nbytes = (bits + 7u) / 8u;
    return nbytes > 0xFFFFFFFFu ? 0 : nbytes;
}

static inline uint32_t be16(const uint8_t *p)
{
    return ((uint32_t)p[0] << 8) | p[1];
}

static void indexed_row(const ink_png_pixels *pixels, const uint8_t *raw, uint32_t npixels,
                        uint8_t *gray, uint32_t stride)
{
    const uint8_t *lut = pixels->lut;
    unsigned depth = pixels->bit_depth;
    if (depth == 8) {
        for (uint32_t x = 0; x < npixels; x++)
            gray[x * stride] = lut[raw[x]];
        return;
    }
    unsigned per_byte = 8u / depth;
    unsigned mask = (1u << depth) - 1u;
    uint32_t x = 0;
    for (; x + per_byte <= npixels; x += per_byte) {
        unsigned byte = *raw++;
        for (unsigned k = 0; k < per_byte; k++)
            gray[(x + k) * stride] = lut[(byte >> (8u - depth * (k + 1u))) & mask];
    }
    if (x < npixels) {
        unsigned byte = *raw;
        for (unsigned k = 0; x < npixels; k++, x++)
            gray[x * stride] = lut[(byte >> (8u - depth * (k + 1u))) & mask];
    }
}

void ink_png_gray_row(const ink_png_pixels *pixels, const uint8_t *raw, uint32_t npixels,
                      uint8_t *gray, uint32_t stride)
{
    const uint32_t bg = pixels->background;
    const uint32_t bg_term = 255u * bg + 127u;
    const bool trns = pixels->has_trns;
    uint32_t x;
    if (pixels->bit_depth <= 8 &&
        (pixels->color_type == INK_PNG_COLOR_GRAY || pixels->color_type == INK_PNG_COLOR_PALETTE)) {
        indexed_row(pixels, raw, npixels, gray, stride);
        return;
    }
    switch (pixels->color_type * 32u + pixels->bit_depth) {
    case INK_PNG_COLOR_GRAY * 32u + 16u:
        for (x = 0; x < npixels; x++, raw += 2) {
            uint32_t v = be16(raw);
            gray[x * stride] = (trns && v == pixels->trns[0]) ? (uint8_t)bg : ink_gray_from_16(v);
        }
        break;
    case INK_PNG_COLOR_RGB * 32u + 8u:
        if (!trns) {
            for (x = 0; x < npixels; x++, raw += 3)
                gray[x * stride] = ink_gray_from_rgb(raw[0], raw[1], raw[2]);
            break;
        }
        for (x = 0; x < npixels; x++, raw += 3) {
            bool clear = raw[0] == pixels->trns[0] && raw[1] == pixels->trns[1] &&
                         raw[2] == pixels->trns[2];
            gray[x * stride] = clear ? (uint8_t)bg : ink_gray_from_rgb(raw[0], raw[1], raw[2]);
        }
        break;
    case INK_PNG_COLOR_RGB * 32u + 16u:
        for (x = 0; x < npixels; x++, raw += 6) {
            uint32_t r = be16(raw), g = be16(raw + 2), b = be16(raw + 4);
            bool clear = trns && r == pixels->trns[0] && g == pixels->trns[1] &&
                         b == pixels->trns[2];
            gray[x * stride] = clear ? (uint8_t)bg
                                     : ink_gray_from_rgb(ink_gray_from_16(r), ink_gray_from_16(g),
                                                         ink_gray_from_16(b));
        }
        break;
    case INK_PNG_COLOR_GRAY_ALPHA * 32u + 8u:
        for (uint8_t *out = gray, *end = gray + (size_t)npixels * stride; out != end;
             out += stride, raw += 2)
            *out = ink_png_over_background(raw[0], raw[1], bg, bg_term);
        break;
    case INK_PNG_COLOR_GRAY_ALPHA * 32u + 16u:
        for (x = 0; x < npixels; x++, raw += 4)
            gray[x * stride] = ink_gray_over_background(ink_gray_from_16(be16(raw)),
                                                        ink_gray_from_16(be16(raw + 2)), bg);
        break;
    case INK_PNG_COLOR_RGBA * 32u + 8u:
        for (uint8_t *out = gray, *end = gray + (size_t)npixels * stride; out != end;
             out += stride, raw += 4) {
            uint32_t a = raw[3];
            uint32_t y = ink_gray_from_rgb(raw[0], raw[1], raw[2]);
            *out = a == 255u ? (uint8_t)y : ink_png_over_background(y, a, bg, bg_term);
        }
        break;
    default: /* RGBA 16 */
        for (x = 0; x < npixels; x++, raw += 8) {
            uint32_t y = ink_gray_from_rgb(ink_gray_from_16(be16(raw)),
                                           ink_gray_from_16(be16(raw + 2)),
                                           ink_gray_from_16(be16(raw + 4)));
            gray[x * stride] = ink_gray_over_background(y, ink_gray_from_16(be16(raw + 6)), bg);
        }
        break;
    }
}
