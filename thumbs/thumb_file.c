/*
 * thumb_file.c — building and checking thumbnail files. See thumb_file.h for the layout.
 */
#include "thumbs/thumb_file.h"

#include <string.h>

#include "thumbs/checksum.h"

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    put_u16(p, v & 0xFFFFu);
    put_u16(p + 2, v >> 16);
}

static uint32_t get_u16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static uint32_t get_u32(const uint8_t *p)
{
    return get_u16(p) | (get_u16(p + 2) << 16);
}

/* The pixels' bits past the width in the last byte of a row. */
static uint8_t padding_mask(uint32_t width)
{
    return (uint8_t)(width % 8u ? 0xFFu >> (width % 8u) : 0u);
}

/* Writes into a fixed buffer; refuses (INK_ERR_TOO_LARGE) what does not fit, which is how the
 * builder learns that G4 would not be smaller than raw. */
typedef struct bounded_sink {
    uint8_t *data;
    size_t capacity;
    size_t nbytes;
} bounded_sink;

static ink_error bounded_sink_write(void *user, const uint8_t *src, size_t nbytes)
{
    bounded_sink *sink = user;
    if (nbytes > sink->capacity - sink->nbytes)
        return INK_ERR_TOO_LARGE;
    memcpy(sink->data + sink->nbytes, src, nbytes);
    sink->nbytes += nbytes;
    return INK_OK;
}

static bool size_ok(uint32_t width, uint32_t height)
{
    return width >= 1u && width <= INK_THUMB_MAX_SIDE && height >= 1u &&
           height <= INK_THUMB_MAX_SIDE;
}

/* G4-codes the pixels (inverted: the thumbnail's 1 is white, G4's 1 is black) into at most
 * `capacity` bytes. INK_ERR_TOO_LARGE when they do not fit. */
static ink_error encode_g4(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t *out,
                           size_t capacity, uint8_t *work, size_t *out_nbytes,
                           ink_error_info *info)
{
    const uint32_t stride = INK_THUMB_ROW_NBYTES(width);
    bounded_sink state = {out, capacity, 0};
    ink_sink sink = {bounded_sink_write, NULL, &state};
    uint8_t *inverted = work + INK_G4_WORK_BYTES_FOR(width);
    ink_g4_encoder encoder;
    ink_error_info ignored; /* running out of room is an answer here, not an error */
    ink_error_clear(&ignored);
    ink_error err = ink_g4_encoder_init(&encoder, width, work, INK_G4_WORK_BYTES_FOR(width),
                                        &sink, &ignored);
    for (uint32_t y = 0; err == INK_OK && y < height; y++) {
        for (uint32_t i = 0; i < stride; i++)
            inverted[i] = (uint8_t)~pixels[(size_t)y * stride + i];
        err = ink_g4_encode_row(&encoder, inverted, stride, &ignored);
    }
    if (err == INK_OK)
        err = ink_g4_encoder_finish(&encoder, NULL, &ignored);
    if (err == INK_OK)
        *out_nbytes = state.nbytes;
    else if (err != INK_ERR_TOO_LARGE)
        return ink_error_set(info, err, "thumbnail: %s", ignored.detail);
    return err;
}

ink_error ink_thumb_file_build(const uint8_t *pixels, uint32_t width, uint32_t height,
                               const char *path, size_t path_nbytes, uint8_t *file,
                               size_t file_capacity, void *work, size_t work_nbytes,
                               size_t *file_nbytes, ink_thumb_encoding *encoding,
                               ink_error_info *info)
{
    if (!pixels || !file || !file_nbytes || (!path && path_nbytes) || !size_ok(width, height))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumbnail: bad arguments (size %ux%u)", (unsigned)width,
                             (unsigned)height);
    const uint32_t raw_nbytes = INK_THUMB_PIXELS_NBYTES(width, height);
    if (file_capacity < INK_THUMB_HEADER_NBYTES + raw_nbytes || !work ||
        work_nbytes < INK_THUMB_CODEC_WORK_BYTES(width) || path_nbytes > UINT32_MAX)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumbnail: file buffer %zu or work %zu bytes too small",
                             file_capacity, work_nbytes);
    uint8_t *payload = file + INK_THUMB_HEADER_NBYTES;
    size_t payload_nbytes = 0;
    ink_thumb_encoding chosen = INK_THUMB_ENCODING_G4;
    ink_error err = encode_g4(pixels, width, height, payload, raw_nbytes - 1u, work,
                              &payload_nbytes, info);
    if (err == INK_ERR_TOO_LARGE) {
        chosen = INK_THUMB_ENCODING_RAW;
        payload_nbytes = raw_nbytes;
        const uint8_t mask = (uint8_t)~padding_mask(width);
        const uint32_t stride = INK_THUMB_ROW_NBYTES(width);
        memcpy(payload, pixels, raw_nbytes);
        for (uint32_t y = 0; y < height; y++) /* store the padding as 0 whatever came in */
            payload[(size_t)y * stride + stride - 1u] &= mask;
    } else if (err != INK_OK) {
        return err;
    }
    memcpy(file, INK_THUMB_MAGIC, 4);
    file[4] = (uint8_t)INK_THUMB_VERSION;
    file[5] = (uint8_t)chosen;
    put_u16(file + 6, INK_THUMB_HEADER_NBYTES);
    put_u16(file + 8, width);
    put_u16(file + 10, height);
    put_u32(file + 12, (uint32_t)payload_nbytes);
    put_u32(file + 16, ink_crc32(0, payload, payload_nbytes));
    put_u32(file + 20, (uint32_t)path_nbytes);
    put_u32(file + 24, ink_crc32(0, path, path_nbytes));
    put_u32(file + 28, ink_crc32(0, file, 28));
    *file_nbytes = INK_THUMB_HEADER_NBYTES + payload_nbytes;
    if (encoding)
        *encoding = chosen;
    return INK_OK;
}

ink_error ink_thumb_header_parse(const uint8_t *file, size_t file_nbytes,
                                 ink_thumb_header *header, ink_error_info *info)
{
    if (!header || (!file && file_nbytes))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "thumbnail: no header or file");
    if (file_nbytes < INK_THUMB_HEADER_NBYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "thumbnail: %zu bytes, shorter than the header", file_nbytes);
    if (memcmp(file, INK_THUMB_MAGIC, 4) != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: no ITHB magic");
    if (get_u32(file + 28) != ink_crc32(0, file, 28))
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: header CRC mismatch");
    header->version = file[4];
    header->encoding = (ink_thumb_encoding)file[5];
    header->width = get_u16(file + 8);
    header->height = get_u16(file + 10);
    header->payload_nbytes = get_u32(file + 12);
    header->payload_crc32 = get_u32(file + 16);
    header->path_nbytes = get_u32(file + 20);
    header->path_crc32 = get_u32(file + 24);
    if (header->version != INK_THUMB_VERSION)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "thumbnail: version %u",
                             (unsigned)header->version);
    if (get_u16(file + 6) != INK_THUMB_HEADER_NBYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: header size %u",
                             (unsigned)get_u16(file + 6));
    if (file[5] > INK_THUMB_ENCODING_G4)
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: unknown encoding %u",
                             (unsigned)file[5]);
    if (!size_ok(header->width, header->height))
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: size %ux%u out of range",
                             (unsigned)header->width, (unsigned)header->height);
    const uint32_t raw_nbytes = INK_THUMB_PIXELS_NBYTES(header->width, header->height);
    if (header->encoding == INK_THUMB_ENCODING_RAW ? header->payload_nbytes != raw_nbytes
                                                   : header->payload_nbytes >= raw_nbytes)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "thumbnail: payload of %u bytes for %ux%u %s",
                             (unsigned)header->payload_nbytes, (unsigned)header->width,
                             (unsigned)header->height,
                             header->encoding == INK_THUMB_ENCODING_RAW ? "raw" : "G4");
    if (file_nbytes - INK_THUMB_HEADER_NBYTES != header->payload_nbytes)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "thumbnail: %zu bytes, the header says %u", file_nbytes,
                             (unsigned)(INK_THUMB_HEADER_NBYTES + header->payload_nbytes));
    return INK_OK;
}

bool ink_thumb_header_matches_path(const ink_thumb_header *header, const char *path,
                                   size_t path_nbytes)
{
    return header && (path || !path_nbytes) && header->path_nbytes == path_nbytes &&
           header->path_crc32 == ink_crc32(0, path, path_nbytes);
}

ink_error ink_thumb_payload_decode(const ink_thumb_header *header, const uint8_t *file,
                                   size_t file_nbytes, uint8_t *pixels, size_t pixels_nbytes,
                                   void *work, size_t work_nbytes, ink_error_info *info)
{
    if (!header || !file || !pixels || !size_ok(header->width, header->height) ||
        file_nbytes != INK_THUMB_HEADER_NBYTES + (size_t)header->payload_nbytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "thumbnail: bad arguments");
    const uint32_t width = header->width, height = header->height;
    const uint32_t stride = INK_THUMB_ROW_NBYTES(width);
    if (pixels_nbytes < INK_THUMB_PIXELS_NBYTES(width, height))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumbnail: %ux%u needs %u pixel bytes, have %zu", (unsigned)width,
                             (unsigned)height, (unsigned)INK_THUMB_PIXELS_NBYTES(width, height),
                             pixels_nbytes);
    const uint8_t *payload = file + INK_THUMB_HEADER_NBYTES;
    if (ink_crc32(0, payload, header->payload_nbytes) != header->payload_crc32)
        return ink_error_set(info, INK_ERR_BAD_DATA, "thumbnail: payload CRC mismatch");
    const uint8_t keep = (uint8_t)~padding_mask(width);
    if (header->encoding == INK_THUMB_ENCODING_RAW) {
        memcpy(pixels, payload, INK_THUMB_PIXELS_NBYTES(width, height));
        for (uint32_t y = 0; y < height; y++)
            pixels[(size_t)y * stride + stride - 1u] &= keep;
        return INK_OK;
    }
    if (!work || work_nbytes < INK_G4_WORK_BYTES_FOR(width))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "thumbnail: G4 work of %zu bytes too small", work_nbytes);
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, payload, header->payload_nbytes);
    ink_g4_decoder decoder;
    ink_error err = ink_g4_decoder_init(&decoder, width, height, work, work_nbytes, &source,
                                        info);
    for (uint32_t y = 0; err == INK_OK && y < height; y++) {
        uint8_t *row = pixels + (size_t)y * stride;
        err = ink_g4_decode_row(&decoder, row, stride, info);
        for (uint32_t i = 0; err == INK_OK && i < stride; i++)
            row[i] = (uint8_t)~row[i];
        if (err == INK_OK)
            row[stride - 1u] &= keep;
    }
    if (err == INK_OK)
        err = ink_g4_decoder_finish(&decoder, info);
    return err;
}
