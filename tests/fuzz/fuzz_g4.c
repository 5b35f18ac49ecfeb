/*
 * fuzz_g4.c — libFuzzer target for the T.6 decoder.
 *
 * Input: 2 bytes width (big-endian, taken modulo 2048, plus 1), 1 byte height (plus 1), then the
 * G4 stream. The decoder must never crash, hang or write outside its row and work buffers (the
 * buffers are exactly sized so ASan sees any overrun). When a stream decodes, the pixels are
 * re-encoded and decoded again and must come back identical: the decoder and encoder agree on
 * every image the decoder accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena/stream.h"
#include "thumbs/g4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_sink {
    uint8_t *data;
    size_t nbytes, capacity;
} fuzz_sink;

static ink_error fuzz_sink_write(void *user, const uint8_t *src, size_t nbytes)
{
    fuzz_sink *sink = user;
    if (nbytes > sink->capacity - sink->nbytes)
        return INK_ERR_IO;
    memcpy(sink->data + sink->nbytes, src, nbytes);
    sink->nbytes += nbytes;
    return INK_OK;
}

static ink_error fuzz_source_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    ink_memory_source *state = user;
    size_t left = state->nbytes - state->position;
    *got = nbytes < left ? nbytes : left;
    memcpy(dst, state->data + state->position, *got);
    state->position += *got;
    return INK_OK;
}

static ink_error decode_all(const uint8_t *stream, size_t nbytes, uint32_t width,
                            uint32_t height, uint8_t *pixels)
{
    ink_memory_source state = {stream, nbytes, 0};
    ink_source source = {fuzz_source_read, NULL, &state};
    uint32_t stride = INK_G4_ROW_NBYTES(width);
    uint8_t *work = malloc(INK_G4_WORK_BYTES_FOR(width));
    ink_g4_decoder decoder;
    ink_error err = ink_g4_decoder_init(&decoder, width, height, work,
                                        INK_G4_WORK_BYTES_FOR(width), &source, NULL);
    for (uint32_t y = 0; err == INK_OK && y < height; y++) {
        uint8_t *row = malloc(stride); /* exactly one row: ASan catches any overrun */
        err = ink_g4_decode_row(&decoder, row, stride, NULL);
        if (err == INK_OK)
            memcpy(pixels + (size_t)y * stride, row, stride);
        free(row);
    }
    if (err == INK_OK)
        err = ink_g4_decoder_finish(&decoder, NULL);
    free(work);
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    uint32_t width = ((((uint32_t)data[0] << 8) | data[1]) % 2048u) + 1u;
    uint32_t height = (uint32_t)data[2] + 1u;
    uint32_t stride = INK_G4_ROW_NBYTES(width);
    size_t pixels_nbytes = (size_t)stride * height;
    uint8_t *pixels = malloc(pixels_nbytes);
    if (decode_all(data + 3, size - 3, width, height, pixels) == INK_OK) {
        /* Worst case of T.6: a horizontal code of two 13-bit runs per 2 pixels, well under
         * 16 bits a pixel; plus EOFB. */
        fuzz_sink sink_state = {malloc(pixels_nbytes * 2u + 16u), 0, pixels_nbytes * 2u + 16u};
        ink_sink sink = {fuzz_sink_write, NULL, &sink_state};
        uint8_t *work = malloc(INK_G4_WORK_BYTES_FOR(width));
        ink_g4_encoder encoder;
        ink_error err = ink_g4_encoder_init(&encoder, width, work, INK_G4_WORK_BYTES_FOR(width),
                                            &sink, NULL);
        for (uint32_t y = 0; err == INK_OK && y < height; y++)
            err = ink_g4_encode_row(&encoder, pixels + (size_t)y * stride, stride, NULL);
        if (err == INK_OK)
            err = ink_g4_encoder_finish(&encoder, NULL, NULL);
        if (err != INK_OK)
            abort();
        uint8_t *again = malloc(pixels_nbytes);
        if (decode_all(sink_state.data, sink_state.nbytes, width, height, again) != INK_OK ||
            memcmp(again, pixels, pixels_nbytes) != 0)
            abort();
        free(again);
        free(work);
        free(sink_state.data);
    }
    free(pixels);
    return 0;
}
