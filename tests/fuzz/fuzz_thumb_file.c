/*
 * fuzz_thumb_file.c — libFuzzer target for thumbnail files (.thb): the bytes are a whole file
 * as the cache would read it. Header parsing and payload decoding must never crash or write
 * outside the pixel buffer (sized exactly from the header, so ASan sees an overrun); a file
 * that decodes must rebuild to a file that decodes to the same pixels.
 *
 * Random bytes almost never carry valid CRCs, so each input is tried twice: as it is, and with
 * both CRCs recomputed, which lets the fuzzer reach the size checks and the G4 payload decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thumbs/checksum.h"
#include "thumbs/thumb_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_file(const uint8_t *data, size_t size)
{
    ink_thumb_header header;
    if (ink_thumb_header_parse(data, size, &header, NULL) != INK_OK)
        return;
    (void)ink_thumb_header_matches_path(&header, "/book.epub", 10);
    const size_t pixels_nbytes = INK_THUMB_PIXELS_NBYTES(header.width, header.height);
    const size_t work_nbytes = INK_THUMB_CODEC_WORK_BYTES(header.width);
    uint8_t *pixels = malloc(pixels_nbytes);
    uint8_t *work = malloc(work_nbytes);
    if (ink_thumb_payload_decode(&header, data, size, pixels, pixels_nbytes, work, work_nbytes,
                                 NULL) == INK_OK) {
        const size_t capacity = INK_THUMB_FILE_MAX_NBYTES(header.width, header.height);
        uint8_t *file = malloc(capacity);
        uint8_t *again = malloc(pixels_nbytes);
        size_t file_nbytes = 0;
        ink_thumb_header rebuilt;
        if (ink_thumb_file_build(pixels, header.width, header.height, "/book.epub", 10, file,
                                 capacity, work, work_nbytes, &file_nbytes, NULL,
                                 NULL) != INK_OK ||
            ink_thumb_header_parse(file, file_nbytes, &rebuilt, NULL) != INK_OK ||
            ink_thumb_payload_decode(&rebuilt, file, file_nbytes, again, pixels_nbytes, work,
                                     work_nbytes, NULL) != INK_OK ||
            memcmp(again, pixels, pixels_nbytes) != 0)
            abort();
        free(again);
        free(file);
    }
    free(work);
    free(pixels);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try_file(data, size);
    if (size >= INK_THUMB_HEADER_NBYTES) {
        uint8_t *fixed = malloc(size);
        memcpy(fixed, data, size);
        put_u32(fixed + 16, ink_crc32(0, fixed + 32, size - 32));
        put_u32(fixed + 28, ink_crc32(0, fixed, 28));
        try_file(fixed, size);
        free(fixed);
    }
    return 0;
}
