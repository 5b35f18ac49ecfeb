/*
 * bmp.c — the streaming 1-bit BMP writer (see bmp.h).
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

ink_error ink_bmp_begin(ink_bmp_writer *writer, const ink_sink *sink, uint32_t width,
                        uint32_t height, ink_error_info *info)
{
    if (!writer || !sink || !sink->seek || width == 0 || height == 0 || height > INT32_MAX)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "BMP writer: needs a seekable sink and a non-empty image");
    uint64_t pixel_nbytes = (uint64_t)ink_bmp_row_stride(width) * height;
    if (pixel_nbytes > UINT32_MAX - INK_BMP_HEADER_BYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "BMP of %ux%u exceeds 4 GiB", width, height);
    uint8_t header[INK_BMP_HEADER_BYTES] = {0};
    header[0] = 'B';
    header[1] = 'M';
    put_le32(header + 2, (uint32_t)pixel_nbytes + INK_BMP_HEADER_BYTES); /* file size */
    put_le32(header + 10, INK_BMP_HEADER_BYTES);                          /* pixel data offset */
    put_le32(header + 14, 40);                                            /* info header size */
    put_le32(header + 18, width);
    put_le32(header + 22, height); /* positive: bottom-up */
    put_le16(header + 26, 1);      /* planes */
    put_le16(header + 28, 1);      /* bits per pixel */
    put_le32(header + 30, 0);      /* BI_RGB */
    put_le32(header + 34, (uint32_t)pixel_nbytes);
    put_le32(header + 38, 8661);   /* 220 dpi in pixels per metre, the X4's density */
    put_le32(header + 42, 8661);
    put_le32(header + 46, 2);      /* palette entries */
    put_le32(header + 50, 2);      /* important colours */
    /* palette entry 0 = black (B, G, R, 0) stays zero; entry 1 = white */
    header[58] = header[59] = header[60] = 0xFF;
    writer->sink = sink;
    writer->width = width;
    writer->height = height;
    writer->rows_written = 0;
    ink_error error = sink->seek(sink->user, 0);
    if (error == INK_OK)
        error = sink->write(sink->user, header, sizeof header);
    if (error != INK_OK)
        return ink_error_set(info, error, "BMP writer: cannot write the header");
    return INK_OK;
}

ink_error ink_bmp_write_row(ink_bmp_writer *writer, const uint8_t *packed)
{
    if (writer->rows_written >= writer->height)
        return INK_ERR_BAD_STATE;
    const ink_sink *sink = writer->sink;
    size_t stride = ink_bmp_row_stride(writer->width);
    size_t packed_nbytes = ink_packed_row_bytes(writer->width);
    uint64_t stored_row = writer->height - 1u - writer->rows_written;
    ink_error error = sink->seek(sink->user, INK_BMP_HEADER_BYTES + stored_row * stride);
    if (error == INK_OK)
        error = sink->write(sink->user, packed, packed_nbytes);
    static const uint8_t padding[3] = {0, 0, 0};
    if (error == INK_OK && stride > packed_nbytes)
        error = sink->write(sink->user, padding, stride - packed_nbytes);
    if (error == INK_OK)
        writer->rows_written++;
    return error;
}

ink_error ink_bmp_finish(const ink_bmp_writer *writer)
{
    return writer->rows_written == writer->height ? INK_OK : INK_ERR_BAD_STATE;
}
