/*
 * fuzz_png.c — libFuzzer target for the in-arena PNG decoder.
 *
 * Each input is decoded twice from memory, once seekable and once not, into a sink that checks
 * the row contract (begin once, exactly `height` rows after it). The arena is filled with a
 * pattern first and ROW and IMAGE2 are claimed as the pipeline would: afterwards those regions
 * must be intact and the decoder's claims released. Limits keep a single input's work bounded
 * (Adam7 re-inflates the stream once per band).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena/arena.h"
#include "decode/png.h"

typedef struct check_sink {
    uint32_t width, height, rows;
    int began;
} check_sink;

static ink_error on_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    check_sink *sink = user;
    if (sink->began++ || *scale_log2 != 0 || info->scale_mask != INK_SCALE_MASK_FULL_ONLY)
        abort();
    sink->width = info->width;
    sink->height = info->height;
    return INK_OK;
}

static ink_error on_row(void *user, const uint8_t *gray)
{
    check_sink *sink = user;
    if (!sink->began || sink->rows >= sink->height)
        abort();
    volatile uint8_t sum = 0;
    for (uint32_t x = 0; x < sink->width; x++)
        sum ^= gray[x]; /* touches the whole row: ASan checks it is readable */
    (void)sum;
    sink->rows++;
    return INK_OK;
}

static _Alignas(16) uint8_t memory[INK_ARENA_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int seekable = 0; seekable < 2; seekable++) {
        ink_arena arena;
        if (ink_arena_init(&arena, memory, sizeof memory) != INK_OK)
            abort();
        arena.trap_on_misuse = false;
        memset(memory, 0x5A, sizeof memory);
        ink_claim row, image2;
        if (ink_arena_claim_region(&arena, INK_REGION_ROW, "fuzz row", &row, NULL) != INK_OK ||
            ink_arena_claim_region(&arena, INK_REGION_IMAGE2, "fuzz image2", &image2, NULL) != INK_OK)
            abort();
        ink_memory_source state;
        ink_source source = ink_memory_source_open(&state, data, size);
        if (!seekable)
            source.seek = NULL;
        check_sink checker = {0, 0, 0, 0};
        ink_row_sink sink = {on_begin, on_row, &checker};
        ink_limits limits = {4096u, 4096u, 1u << 20};
        ink_error_info info;
        ink_error_clear(&info);
        ink_error err = ink_png_decode(&source, &arena, &limits, NULL, &sink, &info);
        if (err == INK_OK && checker.rows != checker.height)
            abort();
        if (err != INK_OK && info.detail[0] == '\0')
            abort();
        if (ink_arena_live_claims(&arena) != 2)
            abort();
        for (uint32_t i = 0; i < INK_REGION_ROW_BYTES; i++)
            if (memory[INK_REGION_ROW_OFFSET + i] != 0x5A)
                abort();
        for (uint32_t i = 0; i < INK_REGION_IMAGE2_BYTES; i++)
            if (memory[INK_REGION_IMAGE2_OFFSET + i] != 0x5A)
                abort();
        ink_arena_release(&arena, &row);
        ink_arena_release(&arena, &image2);
    }
    return 0;
}
