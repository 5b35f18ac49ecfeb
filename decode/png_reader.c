/*
 * png_reader.c — buffered reads from an ink_source and PNG chunk framing.
 *
 * A chunk is: 4-byte big-endian length, 4-byte type, data, 4-byte CRC over type and data.
 * The reader keeps the running CRC of the current chunk as its data is read, peeked or
 * skipped, so every byte of every chunk is checked exactly once, whatever consumes it.
 */
#include "decode/png_internal.h"

#include <string.h>

#include "decode/crc32.h"

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void ink_png_reader_init(ink_png_reader *reader, const ink_source *source, uint8_t *buffer,
                         uint32_t buffer_nbytes)
{
    memset(reader, 0, sizeof *reader);
    reader->source = source;
    reader->buffer = buffer;
    reader->buffer_nbytes = buffer_nbytes;
}

/* Refills the buffer when it is empty. Returns INK_OK with length == position at the end of
 * the input. */
static ink_error refill(ink_png_reader *reader, ink_error_info *info)
{
    if (reader->position < reader->length)
        return INK_OK;
    reader->buffer_offset += reader->length;
    reader->position = 0;
    reader->length = 0;
    size_t got = 0;
    ink_error err = reader->source->read(reader->source->user, reader->buffer,
                                         reader->buffer_nbytes, &got);
    if (err != INK_OK)
        return ink_error_set(info, err, "PNG: reading the source failed");
    if (got > reader->buffer_nbytes)
        return ink_error_set(info, INK_ERR_IO, "PNG: the source returned more than asked");
    reader->length = (uint32_t)got;
    return INK_OK;
}

ink_error ink_png_reader_seek(ink_png_reader *reader, uint64_t offset, ink_error_info *info)
{
    if (!reader->source->seek)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "PNG: the source cannot seek");
    ink_error err = reader->source->seek(reader->source->user, offset);
    if (err != INK_OK)
        return ink_error_set(info, err, "PNG: seeking the source failed");
    reader->buffer_offset = offset;
    reader->position = 0;
    reader->length = 0;
    reader->chunk_left = 0;
    return INK_OK;
}

ink_error ink_png_reader_read(ink_png_reader *reader, uint8_t *dst, uint32_t nbytes,
                              ink_error_info *info)
{
    while (nbytes > 0) {
        ink_error err = refill(reader, info);
        if (err != INK_OK)
            return err;
        uint32_t available = reader->length - reader->position;
        if (available == 0)
            return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: truncated (unexpected end of input)");
        uint32_t n = available < nbytes ? available : nbytes;
        memcpy(dst, reader->buffer + reader->position, n);
        reader->position += n;
        dst += n;
        nbytes -= n;
    }
    return INK_OK;
}

static bool is_letter(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

ink_error ink_png_chunk_begin(ink_png_reader *reader, ink_error_info *info)
{
    reader->chunk_offset = reader->buffer_offset + reader->position;
    uint8_t head[8];
    ink_error err = ink_png_reader_read(reader, head, 8, info);
    if (err != INK_OK)
        return err;
    uint32_t length = load_be32(head);
    if (length > INK_PNG_MAX_CHUNK_NBYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: chunk length %lu exceeds 2^31-1",
                             (unsigned long)length);
    for (int i = 4; i < 8; i++) {
        if (!is_letter(head[i]))
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "PNG: invalid chunk type (bytes %x %x %x %x)", head[4], head[5],
                                 head[6], head[7]);
    }
    reader->chunk_type = load_be32(head + 4);
    reader->chunk_left = length;
    reader->chunk_crc = ink_crc32_update(0, head + 4, 4);
    return INK_OK;
}

ink_error ink_png_chunk_peek(ink_png_reader *reader, const uint8_t **bytes, uint32_t *nbytes,
                             ink_error_info *info)
{
    *bytes = NULL;
    *nbytes = 0;
    if (reader->chunk_left == 0)
        return INK_OK;
    ink_error err = refill(reader, info);
    if (err != INK_OK)
        return err;
    uint32_t available = reader->length - reader->position;
    if (available == 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "PNG: truncated inside a chunk");
    *bytes = reader->buffer + reader->position;
    *nbytes = available < reader->chunk_left ? available : reader->chunk_left;
    return INK_OK;
}

ink_error ink_png_chunk_peek_at_least(ink_png_reader *reader, uint32_t min_nbytes,
                                      const uint8_t **bytes, uint32_t *nbytes,
                                      ink_error_info *info)
{
    uint32_t buffered = reader->length - reader->position;
    if (buffered > 0 && buffered < min_nbytes && buffered < reader->chunk_left &&
        reader->position > 0) {
        memmove(reader->buffer, reader->buffer + reader->position, buffered);
        reader->buffer_offset += reader->position;
        reader->position = 0;
        reader->length = buffered;
        size_t got = 0;
        ink_error err = reader->source->read(reader->source->user, reader->buffer + buffered,
                                             reader->buffer_nbytes - buffered, &got);
        if (err != INK_OK)
            return ink_error_set(info, err, "PNG: reading the source failed");
        if (got > reader->buffer_nbytes - buffered)
            return ink_error_set(info, INK_ERR_IO, "PNG: the source returned more than asked");
        reader->length += (uint32_t)got;
    }
    return ink_png_chunk_peek(reader, bytes, nbytes, info);
}

void ink_png_chunk_consume(ink_png_reader *reader, uint32_t nbytes)
{
    reader->chunk_crc = ink_crc32_update(reader->chunk_crc, reader->buffer + reader->position, nbytes);
    reader->position += nbytes;
    reader->chunk_left -= nbytes;
}

ink_error ink_png_chunk_read(ink_png_reader *reader, uint8_t *dst, uint32_t nbytes,
                             ink_error_info *info)
{
    if (nbytes > reader->chunk_left)
        return ink_error_set(info, INK_ERR_INTERNAL, "PNG: read past the chunk's end");
    while (nbytes > 0) {
        const uint8_t *bytes;
        uint32_t available;
        ink_error err = ink_png_chunk_peek(reader, &bytes, &available, info);
        if (err != INK_OK)
            return err;
        uint32_t n = available < nbytes ? available : nbytes;
        /* analyzer-ok: -fanalyzer thinks `bytes` may be NULL (peek's empty-chunk result), but
         * 0 < nbytes <= chunk_left holds on every pass, so peek returned data or an error. */
        memcpy(dst, bytes, n);
        ink_png_chunk_consume(reader, n);
        dst += n;
        nbytes -= n;
    }
    return INK_OK;
}

ink_error ink_png_chunk_end(ink_png_reader *reader, bool *crc_ok, ink_error_info *info)
{
    while (reader->chunk_left > 0) {
        const uint8_t *bytes;
        uint32_t available;
        ink_error err = ink_png_chunk_peek(reader, &bytes, &available, info);
        if (err != INK_OK)
            return err;
        ink_png_chunk_consume(reader, available);
    }
    uint8_t stored[4];
    ink_error err = ink_png_reader_read(reader, stored, 4, info);
    if (err != INK_OK)
        return err;
    *crc_ok = load_be32(stored) == reader->chunk_crc;
    return INK_OK;
}
