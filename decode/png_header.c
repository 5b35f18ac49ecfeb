/*
 * png_header.c — the chunks around the image data, with libpng's accept/reject rules.
 *
 * Before the first IDAT:
 *   - the 8-byte signature, then IHDR first, 13 bytes, valid fields, CRC correct;
 *   - PLTE at most once, 1..256 entries of 3 bytes; required before IDAT for palette images
 *     (an error there); ignored for gray (libpng: benign) and for RGB (a suggestion only);
 *   - tRNS: used when well-formed and its CRC matches, ignored otherwise (libpng treats all
 *     of those as benign and drops the chunk);
 *   - any critical chunk with a bad CRC, a second IHDR, IEND, or an unknown critical chunk is
 *     an error; unknown ancillary chunks are skipped (their CRC is computed but, as libpng
 *     does by default, a mismatch only drops the chunk).
 * After the image data: further IDATs are skipped (libpng: "too many IDATs", benign), a
 * second PLTE in a palette image is an error, unknown critical chunks are errors, and the file
 * must reach IEND.
 */
#include "decode/png_internal.h"

#include <string.h>

#include "decode/gray.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Four printable letters of a chunk type, for error details. */
static void type_name(uint32_t type, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = (char)((type >> (24 - 8 * i)) & 0xFFu);
    out[4] = '\0';
}

static ink_error skip_chunk(ink_png_reader *reader, ink_error_info *info)
{
    bool crc_ok;
    ink_error err = ink_png_chunk_end(reader, &crc_ok, info);
    if (err != INK_OK)
        return err;
    if (!crc_ok && ink_png_chunk_is_critical(reader->chunk_type)) {
        char name[5];
        type_name(reader->chunk_type, name);
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: CRC mismatch in critical chunk %s",
                             name);
    }
    return INK_OK;
}

static ink_error unknown_critical(const ink_png_reader *reader, ink_error_info *info)
{
    char name[5];
    type_name(reader->chunk_type, name);
    return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: unknown critical chunk %s", name);
}

static ink_error read_ihdr(ink_png_reader *reader, uint8_t background, ink_png_header *header,
                           ink_error_info *info)
{
    ink_error err = ink_png_chunk_begin(reader, info);
    if (err != INK_OK)
        return err;
    if (reader->chunk_type != INK_PNG_CHUNK_IHDR) {
        char name[5];
        type_name(reader->chunk_type, name);
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: first chunk is %s, not IHDR", name);
    }
    if (reader->chunk_left != 13)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: IHDR of %lu bytes, not 13",
                             (unsigned long)reader->chunk_left);
    uint8_t data[13];
    err = ink_png_chunk_read(reader, data, 13, info);
    if (err != INK_OK)
        return err;
    err = skip_chunk(reader, info);
    if (err != INK_OK)
        return err;
    header->width = load_be32(data);
    header->height = load_be32(data + 4);
    if (header->width == 0 || header->height == 0 || header->width > INK_PNG_MAX_CHUNK_NBYTES ||
        header->height > INK_PNG_MAX_CHUNK_NBYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: invalid image size %lux%lu in IHDR",
                             (unsigned long)header->width, (unsigned long)header->height);
    if (data[10] != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: unknown compression method %u",
                             data[10]);
    if (data[11] != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: unknown filter method %u", data[11]);
    if (data[12] > 1)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: unknown interlace method %u",
                             data[12]);
    header->interlaced = data[12] == 1;
    return ink_png_pixels_init(&header->pixels, data[9], data[8], background, info);
}

static uint32_t load_be16(const uint8_t *p)
{
    return ((uint32_t)p[0] << 8) | p[1];
}

ink_error ink_png_read_header(ink_png_reader *reader, uint8_t background, ink_png_header *header,
                              ink_error_info *info)
{
    memset(header, 0, sizeof *header);
    uint8_t signature[8];
    ink_error err = ink_png_reader_read(reader, signature, 8, info);
    if (err != INK_OK)
        return err;
    if (memcmp(signature, png_signature, 8) != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: bad signature");
    err = read_ihdr(reader, background, header, info);
    if (err != INK_OK)
        return err;

    ink_png_pixels *pixels = &header->pixels;
    const bool palette = pixels->color_type == INK_PNG_COLOR_PALETTE;
    /* PLTE entries as gray (RGB -> gray, as libpng's expanded RGB would give) and tRNS alphas.
     * These 512 bytes are the bulk of the decoder's stack use. */
    uint8_t palette_gray[256], palette_alpha[256];
    uint32_t palette_count = 0, alpha_count = 0;
    bool seen_plte = false, seen_trns = false;
    for (;;) {
        err = ink_png_chunk_begin(reader, info);
        if (err != INK_OK)
            return err;
        const uint32_t type = reader->chunk_type;
        const uint32_t length = reader->chunk_left;
        if (type == INK_PNG_CHUNK_IDAT) {
            if (palette && !seen_plte)
                return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: palette image without PLTE");
            if (palette)
                ink_png_pixels_set_palette(pixels, palette_gray, palette_count, palette_alpha,
                                           alpha_count);
            header->first_idat_offset = reader->chunk_offset;
            return INK_OK;
        }
        if (type == INK_PNG_CHUNK_IHDR)
            return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: second IHDR");
        if (type == INK_PNG_CHUNK_IEND)
            return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: no IDAT before IEND");
        if (type == INK_PNG_CHUNK_PLTE) {
            if (seen_plte)
                return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: second PLTE");
            bool valid = length > 0 && length <= 768 && length % 3 == 0;
            if (!palette || !valid) {
                if (palette)
                    return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: PLTE of %lu bytes",
                                         (unsigned long)length);
                err = skip_chunk(reader, info); /* gray: ignored; RGB: only a suggestion */
                if (err != INK_OK)
                    return err;
                continue;
            }
            seen_plte = true;
            palette_count = length / 3;
            for (uint32_t i = 0; i < palette_count; i++) {
                uint8_t rgb[3];
                err = ink_png_chunk_read(reader, rgb, 3, info);
                if (err != INK_OK)
                    return err;
                palette_gray[i] = ink_gray_from_rgb(rgb[0], rgb[1], rgb[2]);
            }
            /* Indices beyond 2^depth cannot occur; entries beyond them are unused. */
            err = skip_chunk(reader, info);
            if (err != INK_OK)
                return err;
            continue;
        }
        if (type == INK_PNG_CHUNK_TRNS) {
            bool usable;
            switch (pixels->color_type) {
            case INK_PNG_COLOR_GRAY: usable = length == 2; break;
            case INK_PNG_COLOR_RGB: usable = length == 6; break;
            case INK_PNG_COLOR_PALETTE:
                usable = seen_plte && length > 0 && length <= palette_count;
                break;
            default: usable = false; break; /* already has alpha */
            }
            if (seen_trns || !usable) {
                err = skip_chunk(reader, info);
                if (err != INK_OK)
                    return err;
                continue;
            }
            uint8_t data[256];
            err = ink_png_chunk_read(reader, data, length, info);
            if (err != INK_OK)
                return err;
            bool crc_ok;
            err = ink_png_chunk_end(reader, &crc_ok, info);
            if (err != INK_OK)
                return err;
            if (!crc_ok)
                continue; /* ancillary: dropped, as libpng does */
            seen_trns = true;
            if (palette) {
                memcpy(palette_alpha, data, length);
                alpha_count = length;
            } else {
                uint16_t values[3] = {(uint16_t)load_be16(data), 0, 0};
                if (length == 6) {
                    values[1] = (uint16_t)load_be16(data + 2);
                    values[2] = (uint16_t)load_be16(data + 4);
                }
                ink_png_pixels_set_trns(pixels, values);
            }
            continue;
        }
        if (ink_png_chunk_is_critical(type))
            return unknown_critical(reader, info);
        err = skip_chunk(reader, info);
        if (err != INK_OK)
            return err;
    }
}

ink_error ink_png_read_trailer(ink_png_reader *reader, const ink_png_header *header,
                               bool between_chunks, ink_error_info *info)
{
    ink_error err;
    if (between_chunks) {
        err = ink_png_chunk_begin(reader, info);
        if (err != INK_OK)
            return err;
    }
    for (;;) {
        const uint32_t type = reader->chunk_type;
        if (type == INK_PNG_CHUNK_IHDR)
            return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: IHDR after the image data");
        if (type == INK_PNG_CHUNK_PLTE && header->pixels.color_type == INK_PNG_COLOR_PALETTE)
            return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: second PLTE");
        if (type != INK_PNG_CHUNK_IDAT && type != INK_PNG_CHUNK_PLTE &&
            type != INK_PNG_CHUNK_IEND && ink_png_chunk_is_critical(type))
            return unknown_critical(reader, info);
        err = skip_chunk(reader, info);
        if (err != INK_OK)
            return err;
        if (type == INK_PNG_CHUNK_IEND)
            return INK_OK;
        err = ink_png_chunk_begin(reader, info);
        if (err != INK_OK)
            return err;
    }
}

const char *ink_png_format_name(uint8_t color_type, uint8_t bit_depth, bool interlaced)
{
    /* [colour type][depth index][interlaced]; depth index 0..4 = 1, 2, 4, 8, 16 bits. */
    static const char *const names[7][5][2] = {
        [0] = {{"PNG gray 1-bit", "PNG gray 1-bit interlaced"},
               {"PNG gray 2-bit", "PNG gray 2-bit interlaced"},
               {"PNG gray 4-bit", "PNG gray 4-bit interlaced"},
               {"PNG gray 8-bit", "PNG gray 8-bit interlaced"},
               {"PNG gray 16-bit", "PNG gray 16-bit interlaced"}},
        [2] = {[3] = {"PNG RGB 8-bit", "PNG RGB 8-bit interlaced"},
               [4] = {"PNG RGB 16-bit", "PNG RGB 16-bit interlaced"}},
        [3] = {{"PNG palette 1-bit", "PNG palette 1-bit interlaced"},
               {"PNG palette 2-bit", "PNG palette 2-bit interlaced"},
               {"PNG palette 4-bit", "PNG palette 4-bit interlaced"},
               {"PNG palette 8-bit", "PNG palette 8-bit interlaced"}},
        [4] = {[3] = {"PNG gray+alpha 8-bit", "PNG gray+alpha 8-bit interlaced"},
               [4] = {"PNG gray+alpha 16-bit", "PNG gray+alpha 16-bit interlaced"}},
        [6] = {[3] = {"PNG RGBA 8-bit", "PNG RGBA 8-bit interlaced"},
               [4] = {"PNG RGBA 16-bit", "PNG RGBA 16-bit interlaced"}},
    };
    unsigned depth_index = bit_depth == 1 ? 0 : bit_depth == 2 ? 1 : bit_depth == 4 ? 2
                         : bit_depth == 8 ? 3 : 4;
    const char *name = color_type < 7 ? names[color_type][depth_index][interlaced ? 1 : 0] : NULL;
    return name ? name : "PNG";
}
