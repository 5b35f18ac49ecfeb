/*
 * fuzz_jpeg.c — libFuzzer target for the in-arena JPEG decoder.
 *
 * The input is the file as is (seeds are real JPEGs); its length modulo 4 picks the DCT scale
 * the sink asks for, so every IDCT is reached as the fuzzer grows and shrinks inputs. Each run must return cleanly, release every claim and never push more rows than the
 * scaled image has; ASan/UBSan catch everything else.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/jpeg.h"

typedef struct fuzz_sink {
    unsigned scale_log2;
    uint32_t width, height, rows;
    uint8_t checksum;
} fuzz_sink;

static ink_error fuzz_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    fuzz_sink *sink = user;
    *scale_log2 = sink->scale_log2;
    sink->width = ink_scaled_size(info->width, sink->scale_log2);
    sink->height = ink_scaled_size(info->height, sink->scale_log2);
    /* Keep runs fast: refuse what would take long, as a caller's limits would. */
    return (uint64_t)sink->width * sink->height > (1u << 22) ? INK_ERR_TOO_LARGE : INK_OK;
}

static ink_error fuzz_row(void *user, const uint8_t *gray)
{
    fuzz_sink *sink = user;
    if (sink->rows >= sink->height)
        abort();
    for (uint32_t x = 0; x < sink->width; x++)
        sink->checksum ^= gray[x]; /* every byte of the row must be readable */
    sink->rows++;
    return INK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static _Alignas(8) uint8_t memory[INK_ARENA_BYTES];
    ink_arena arena;
    if (ink_arena_init(&arena, memory, sizeof memory) != INK_OK)
        abort();
    arena.trap_on_misuse = false;
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, data, size);
    fuzz_sink sink = {(unsigned)(size & 3u), 0, 0, 0, 0};
    ink_row_sink row_sink = {fuzz_begin, fuzz_row, &sink};
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, &info);
    if (ink_arena_live_claims(&arena) != 0)
        abort();
    if (error == INK_OK && sink.rows != sink.height)
        abort();
    return 0;
}
