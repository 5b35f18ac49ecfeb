/*
 * framebuffer.c — drawing a BMP into the 800x480 1-bit framebuffer, and dumping it as a BMP.
 *
 * BMP layout (Microsoft's BITMAPINFOHEADER): 14-byte file header ("BM", size, reserved, pixel
 * offset), info header (size >= 40, width, height (negative = top-down), planes, bits per pixel,
 * compression, ..., colours used), palette of 4-byte B,G,R,0 entries, then rows padded to 4
 * bytes, bottom row first unless the height is negative.
 */
#include <string.h>

#include "decode/gray.h"
#include "firmware.h"

#define INK_BMP_FILE_HEADER_BYTES 14u
#define INK_BMP_INFO_HEADER_BYTES 40u
#define INK_BMP_MAX_DIMENSION 65535u
#define INK_BLIT_CHUNK_BYTES 64u

static uint32_t ink_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint16_t ink_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void ink_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void ink_fb_fill(uint8_t *fb, bool white)
{
    memset(fb, white ? 0xFF : 0x00, INK_BOARD_FB_BYTES);
}

static void ink_fb_set(uint8_t *fb, uint32_t x, uint32_t y, bool white)
{
    uint8_t *byte = fb + y * INK_BOARD_FB_STRIDE_BYTES + (x >> 3);
    uint8_t bit = (uint8_t)(0x80u >> (x & 7u));
    *byte = white ? (uint8_t)(*byte | bit) : (uint8_t)(*byte & ~bit);
}

/* Skips `nbytes` of the source by reading (the source need not seek). */
static ink_error ink_skip(const ink_source *source, uint32_t nbytes)
{
    uint8_t chunk[INK_BLIT_CHUNK_BYTES];
    while (nbytes > 0u) {
        uint32_t step = nbytes < sizeof chunk ? nbytes : (uint32_t)sizeof chunk;
        ink_error error = ink_source_read_exact(source, chunk, step);
        if (error != INK_OK) {
            return error;
        }
        nbytes -= step;
    }
    return INK_OK;
}

ink_error ink_fb_blit_bmp(uint8_t *fb, const ink_source *source, ink_fb_blit_info *out,
                          ink_error_info *info)
{
    uint8_t header[INK_BMP_FILE_HEADER_BYTES + INK_BMP_INFO_HEADER_BYTES];
    ink_error error = ink_source_read_exact(source, header, sizeof header);
    if (error != INK_OK) {
        return ink_error_set(info, error, "BMP: truncated header");
    }
    if (header[0] != 'B' || header[1] != 'M') {
        return ink_error_set(info, INK_ERR_BAD_DATA, "BMP: no 'BM' signature");
    }
    uint32_t pixel_offset = ink_le32(header + 10);
    uint32_t info_nbytes = ink_le32(header + 14);
    int32_t width = (int32_t)ink_le32(header + 18);
    int32_t height_signed = (int32_t)ink_le32(header + 22);
    uint32_t bpp = ink_le16(header + 28);
    uint32_t compression = ink_le32(header + 30);
    uint32_t colours_used = ink_le32(header + 46);
    if (info_nbytes < INK_BMP_INFO_HEADER_BYTES || info_nbytes > 1024u) {
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "BMP: info header of %lu bytes",
                             (unsigned long)info_nbytes);
    }
    if (bpp != 1u && bpp != 4u && bpp != 8u) {
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "BMP: %u bits per pixel",
                             (unsigned)bpp);
    }
    if (compression != 0u) {
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "BMP: compression %lu",
                             (unsigned long)compression);
    }
    bool top_down = height_signed < 0;
    uint32_t height = top_down ? (uint32_t)0 - (uint32_t)height_signed : (uint32_t)height_signed;
    if (width <= 0 || (uint32_t)width > INK_BMP_MAX_DIMENSION || height == 0u ||
        height > INK_BMP_MAX_DIMENSION) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "BMP: bad size %ld x %lu", (long)width,
                             (unsigned long)height);
    }
    uint32_t palette_max = 1u << bpp;
    uint32_t palette_count = colours_used == 0u ? palette_max : colours_used;
    if (palette_count > palette_max) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "BMP: %lu palette entries for %u bits",
                             (unsigned long)palette_count, (unsigned)bpp);
    }
    error = ink_skip(source, info_nbytes - INK_BMP_INFO_HEADER_BYTES);
    /* Palette: one "white?" flag per index; indices past the palette are black. */
    bool white[256];
    memset(white, 0, sizeof white);
    for (uint32_t i = 0; error == INK_OK && i < palette_count; i++) {
        uint8_t entry[4];
        error = ink_source_read_exact(source, entry, sizeof entry);
        white[i] = ink_gray_from_rgb(entry[2], entry[1], entry[0]) >= 128u;
    }
    uint32_t consumed = INK_BMP_FILE_HEADER_BYTES + info_nbytes + 4u * palette_count;
    if (error == INK_OK && pixel_offset < consumed) {
        return ink_error_set(info, INK_ERR_BAD_DATA, "BMP: pixel data at %lu overlaps the header",
                             (unsigned long)pixel_offset);
    }
    if (error == INK_OK) {
        error = ink_skip(source, pixel_offset - consumed);
    }
    if (error != INK_OK) {
        return ink_error_set(info, error, "BMP: truncated header or palette");
    }

    uint32_t stride = (((uint32_t)width * bpp + 31u) / 32u) * 4u;
    int32_t x0 = ((int32_t)INK_BOARD_DISPLAY_WIDTH - width) / 2;
    int32_t y0 = ((int32_t)INK_BOARD_DISPLAY_HEIGHT - (int32_t)height) / 2;
    uint32_t pixel_mask = (1u << bpp) - 1u;
    for (uint32_t file_row = 0; file_row < height; file_row++) {
        int32_t image_y = top_down ? (int32_t)file_row : (int32_t)(height - 1u - file_row);
        int32_t fb_y = y0 + image_y;
        bool visible = fb_y >= 0 && fb_y < (int32_t)INK_BOARD_DISPLAY_HEIGHT;
        uint32_t x = 0;
        for (uint32_t done = 0; done < stride;) {
            uint8_t chunk[INK_BLIT_CHUNK_BYTES];
            uint32_t step = stride - done < sizeof chunk ? stride - done : (uint32_t)sizeof chunk;
            error = ink_source_read_exact(source, chunk, step);
            if (error != INK_OK) {
                return ink_error_set(info, error, "BMP: truncated pixel data at row %lu",
                                     (unsigned long)file_row);
            }
            done += step;
            for (uint32_t i = 0; visible && i < step; i++) {
                for (uint32_t shift = 8u; shift > 0u && x < (uint32_t)width; x++) {
                    shift -= bpp;
                    uint32_t index = ((uint32_t)chunk[i] >> shift) & pixel_mask;
                    int32_t fb_x = x0 + (int32_t)x;
                    if (fb_x >= 0 && fb_x < (int32_t)INK_BOARD_DISPLAY_WIDTH) {
                        ink_fb_set(fb, (uint32_t)fb_x, (uint32_t)fb_y, white[index]);
                    }
                }
            }
        }
    }
    if (out != NULL) {
        *out = (ink_fb_blit_info){.width = (uint32_t)width, .height = height,
                                  .bits_per_pixel = bpp, .x0 = x0, .y0 = y0};
    }
    return INK_OK;
}

ink_error ink_fb_write_bmp(const uint8_t *fb, const ink_sink *sink, ink_error_info *info)
{
    uint8_t header[INK_BMP_FILE_HEADER_BYTES + INK_BMP_INFO_HEADER_BYTES + 8u];
    uint32_t pixel_offset = (uint32_t)sizeof header;
    memset(header, 0, sizeof header);
    header[0] = 'B';
    header[1] = 'M';
    ink_put_le32(header + 2, pixel_offset + INK_BOARD_FB_BYTES);
    ink_put_le32(header + 10, pixel_offset);
    ink_put_le32(header + 14, INK_BMP_INFO_HEADER_BYTES);
    ink_put_le32(header + 18, INK_BOARD_DISPLAY_WIDTH);
    ink_put_le32(header + 22, INK_BOARD_DISPLAY_HEIGHT); /* positive: bottom-up */
    header[26] = 1;                                      /* planes */
    header[28] = 1;                                      /* bits per pixel */
    ink_put_le32(header + 34, INK_BOARD_FB_BYTES);
    ink_put_le32(header + 38, 3780); /* 96 dpi in pixels per metre */
    ink_put_le32(header + 42, 3780);
    ink_put_le32(header + 46, 2);
    ink_put_le32(header + 50, 2);
    /* palette: index 0 black, index 1 white (the framebuffer's bit set = white) */
    header[58] = 0xFF;
    header[59] = 0xFF;
    header[60] = 0xFF;
    ink_error error = sink->write(sink->user, header, sizeof header);
    /* 100 bytes per row: already a multiple of 4, no padding. */
    for (uint32_t row = INK_BOARD_DISPLAY_HEIGHT; error == INK_OK && row > 0u; row--) {
        error = sink->write(sink->user, fb + (row - 1u) * INK_BOARD_FB_STRIDE_BYTES,
                            INK_BOARD_FB_STRIDE_BYTES);
    }
    if (error != INK_OK) {
        return ink_error_set(info, error, "writing the framebuffer BMP");
    }
    return INK_OK;
}
