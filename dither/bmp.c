/*
 * bmp.c — the streaming 1-bit and four-gray BMP writer (see bmp.h).
 */
#include "dither/bmp.h"

#include "dither/dither.h"

#include <string.h>

static void put_le16(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
}

static void put_le32(uint8_t *p, uint32_t value)
{
    put_le16(p, value & 0xFFFFu);
    put_le16(p + 2, value >> 16);
}

static uint32_t header_bytes(unsigned bits)
{
    return bits == 2 ? INK_BMP_HEADER_BYTES_GRAY4 : INK_BMP_HEADER_BYTES;
}

ink_error ink_bmp_begin(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                        uint32_t height, ink_error_info *info)
{
    return ink_bmp_begin_bits(writer, sink, width, height, 1, info);
}

ink_error ink_bmp_begin_bits(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                             uint32_t height, unsigned bits, ink_error_info *info)
{
    if (!writer || !sink || !sink->seek || width == 0 || height == 0 || height > INT32_MAX ||
        (bits != 1 && bits != 2))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "BMP writer: needs a seekable sink, a non-empty image, 1 or 2 bits");
    const uint32_t head_nbytes = header_bytes(bits);
    const uint32_t colours = bits == 2 ? 4u : 2u;
    uint64_t pixel_nbytes = (uint64_t)ink_bmp_stride(bits, width) * height;
    if (pixel_nbytes > UINT32_MAX - head_nbytes)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "BMP of %ux%u exceeds 4 GiB", width, height);
    uint8_t header[INK_BMP_HEADER_BYTES_GRAY4] = {0};
    header[0] = 'B';
    header[1] = 'M';
    put_le32(header + 2, (uint32_t)pixel_nbytes + head_nbytes); /* file size */
    put_le32(header + 10, head_nbytes);                         /* pixel data offset */
    put_le32(header + 14, 40);                                  /* info header size */
    put_le32(header + 18, width);
    put_le32(header + 22, height);             /* positive: bottom-up */
    put_le16(header + 26, 1);                  /* planes */
    put_le16(header + 28, bits == 2 ? 4 : 1);  /* bits per pixel */
    put_le32(header + 30, 0);                  /* BI_RGB */
    put_le32(header + 34, (uint32_t)pixel_nbytes);
    put_le32(header + 38, 8661); /* 220 dpi in pixels per metre, the X4's density */
    put_le32(header + 42, 8661);
    put_le32(header + 46, colours); /* palette entries */
    put_le32(header + 50, colours); /* important colours */
    /* palette entries (B, G, R, 0), evenly spaced from black to white */
    for (uint32_t k = 0; k < colours; k++) {
        uint8_t level = (uint8_t)(255u * k / (colours - 1u));
        header[54 + 4 * k] = header[55 + 4 * k] = header[56 + 4 * k] = level;
    }
    writer->sink = sink;
    writer->width = width;
    writer->height = height;
    writer->rows_written = 0;
    writer->bits = bits;
    ink_error error = sink->seek(sink->user, 0);
    if (error == INK_OK)
        error = sink->write(sink->user, header, head_nbytes);
    if (error != INK_OK)
        return ink_error_set(info, error, "BMP writer: cannot write the header");
    return INK_OK;
}

/* Writes a 2-bit packed row as 4-bit indices: each packed byte becomes two stored bytes. */
static ink_error write_widened(const ink_sink *sink, const uint8_t *packed, uint32_t width)
{
    uint8_t buffer[64];
    size_t packed_nbytes = ink_packed_bytes(2, width);
    size_t stored_nbytes = ((size_t)width + 1u) / 2u, out = 0;
    for (size_t i = 0; i < packed_nbytes; i++) {
        uint8_t b = packed[i];
        buffer[out++] = (uint8_t)(((b >> 6) & 3u) << 4 | ((b >> 4) & 3u));
        buffer[out++] = (uint8_t)(((b >> 2) & 3u) << 4 | (b & 3u));
        if (out == sizeof buffer || i + 1 == packed_nbytes) {
            size_t n = out;
            if (i + 1 == packed_nbytes) /* the last byte may hold fewer pixels */
                n = out - (packed_nbytes * 2u - stored_nbytes);
            ink_error error = sink->write(sink->user, buffer, n);
            if (error != INK_OK)
                return error;
            out = 0;
        }
    }
    return INK_OK;
}

ink_error ink_bmp_write_row(ink_bmp_writer *writer, const uint8_t *packed)
{
    if (writer->rows_written >= writer->height)
        return INK_ERR_BAD_STATE;
    const ink_sink *sink = writer->sink;
    size_t stride = ink_bmp_stride(writer->bits, writer->width);
    size_t data_nbytes = writer->bits == 2 ? ((size_t)writer->width + 1u) / 2u
                                           : ink_packed_row_bytes(writer->width);
    uint64_t stored_row = writer->height - 1u - writer->rows_written;
    ink_error error =
        sink->seek(sink->user, header_bytes(writer->bits) + stored_row * stride);
    if (error == INK_OK)
        error = writer->bits == 2 ? write_widened(sink, packed, writer->width)
                                  : sink->write(sink->user, packed, data_nbytes);
    static const uint8_t padding[3] = {0, 0, 0};
    if (error == INK_OK && stride > data_nbytes)
        error = sink->write(sink->user, padding, stride - data_nbytes);
    if (error == INK_OK)
        writer->rows_written++;
    return error;
}

ink_error ink_bmp_finish(const ink_bmp_writer *writer)
{
    return writer->rows_written == writer->height ? INK_OK : INK_ERR_BAD_STATE;
}
