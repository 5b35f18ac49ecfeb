/*
 * png_write.c — the small PNG encoder (see png_write.h).
 */
#include "host/png_write.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_be32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)(value >> 24);
    p[1] = (uint8_t)(value >> 16);
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)value;
}

/* Writes one chunk at `out`: length, type, data, CRC of type + data. Returns its size. */
static size_t put_chunk(uint8_t *out, const char type[4], const uint8_t *data, uint32_t nbytes)
{
    put_be32(out, nbytes);
    memcpy(out + 4, type, 4);
    if (nbytes)
        memcpy(out + 8, data, nbytes);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, out + 4, 4u + nbytes);
    put_be32(out + 8 + nbytes, (uint32_t)crc);
    return 12u + nbytes;
}

bool ink_png_write_gray8(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t **png,
                         size_t *png_nbytes)
{
    if (!pixels || !png || !png_nbytes || width == 0 || height == 0 || width > 0x7FFFFFFFu ||
        height > 0x7FFFFFFFu || (uint64_t)(width + 1u) * height > 0x7FFFFFFFu)
        return false;
    size_t raw_nbytes = ((size_t)width + 1u) * height;
    uint8_t *raw = malloc(raw_nbytes);
    uLongf packed_nbytes = compressBound((uLong)raw_nbytes);
    uint8_t *packed = malloc(packed_nbytes);
    uint8_t *out = NULL;
    bool ok = false;
    if (!raw || !packed)
        goto done;
    for (uint32_t y = 0; y < height; y++) {
        raw[(size_t)y * (width + 1u)] = 0; /* filter: none */
        memcpy(raw + (size_t)y * (width + 1u) + 1, pixels + (size_t)y * width, width);
    }
    if (compress2(packed, &packed_nbytes, raw, (uLong)raw_nbytes, 9) != Z_OK)
        goto done;
    out = malloc(8 + 25 + 12 + packed_nbytes + 12);
    if (!out)
        goto done;
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    memcpy(out, signature, 8);
    uint8_t header[13];
    put_be32(header, width);
    put_be32(header + 4, height);
    header[8] = 8;  /* bit depth */
    header[9] = 0;  /* gray */
    header[10] = 0; /* deflate */
    header[11] = 0; /* adaptive filtering */
    header[12] = 0; /* no interlace */
    size_t at = 8;
    at += put_chunk(out + at, "IHDR", header, sizeof header);
    at += put_chunk(out + at, "IDAT", packed, (uint32_t)packed_nbytes);
    at += put_chunk(out + at, "IEND", NULL, 0);
    *png = out;
    *png_nbytes = at;
    out = NULL;
    ok = true;
done:
    free(raw);
    free(packed);
    free(out);
    return ok;
}
