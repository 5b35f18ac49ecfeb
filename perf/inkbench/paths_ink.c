/*
 * paths_ink.c — inkpipe's own paths: decode only and the whole conversion, with the system
 * decoders (libjpeg-turbo, libpng) and with the in-arena ones, whichever this build has.
 *
 * Each call allocates its 81,920-byte arena on the heap (as the CLI does), so the heap peak of
 * an ink path is the arena plus whatever a system decoder mallocs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/convert.h"
#include "host/codecs.h"
#include "inkbench.h"

typedef struct gray_sink {
    uint32_t width;
    uint64_t rows;
    uint64_t check;
} gray_sink;

static ink_error gray_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    gray_sink *sink = user;
    *scale_log2 = 0;
    sink->width = info->width;
    return INK_OK;
}

static ink_error gray_row(void *user, const uint8_t *gray)
{
    gray_sink *sink = user;
    sink->check = sink->check * 31u + gray[0] + gray[sink->width - 1] + gray[sink->width / 2];
    sink->rows++;
    return INK_OK;
}

static ink_image_format format_of(const bench_item *item)
{
    return item->kind == BENCH_KIND_JPEG ? INK_FORMAT_JPEG : INK_FORMAT_PNG;
}

static bench_status failed(bench_outcome *out, const char *what, ink_error error,
                           const ink_error_info *info)
{
    snprintf(out->detail, sizeof out->detail, "%s error %d: %s", what, (int)error, info->detail);
    return error == INK_ERR_TOO_LARGE || error == INK_ERR_UNSUPPORTED ? BENCH_REFUSED
                                                                      : BENCH_FAILED;
}

static bench_status ink_decode(ink_codec_family family, const bench_item *item,
                               bench_outcome *out)
{
    const ink_decoder *decoder = ink_host_decoder_for(family, format_of(item));
    if (!decoder)
        return BENCH_NOT_AVAILABLE;
    void *memory = malloc(INK_ARENA_BYTES);
    ink_arena arena;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = ink_arena_init(&arena, memory, INK_ARENA_BYTES);
    gray_sink gray = {0, 0, 0};
    if (error == INK_OK) {
        ink_memory_source state;
        ink_source source = ink_memory_source_open(&state, item->data, item->nbytes);
        const ink_row_sink sink = {gray_begin, gray_row, &gray};
        error = decoder->decode(&source, &arena, NULL, &sink, &info);
    }
    free(memory);
    if (error != INK_OK)
        return failed(out, decoder->name, error, &info);
    out->width = gray.width;
    out->height = (uint32_t)gray.rows;
    out->out_nbytes = (uint64_t)gray.width * gray.rows;
    out->check = gray.check;
    return BENCH_OK;
}

/* The BMP goes to memory outside the heap count: it is the product, a file in real use. */
static uint8_t bmp_bytes[1u << 20];

static bench_status ink_convert(ink_codec_family family, const bench_item *item,
                                bench_outcome *out)
{
    const ink_decoder *decoder = ink_host_decoder_for(family, format_of(item));
    if (!decoder)
        return BENCH_NOT_AVAILABLE;
    void *memory = malloc(INK_ARENA_BYTES);
    ink_arena arena;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error error = ink_arena_init(&arena, memory, INK_ARENA_BYTES);
    ink_memory_sink bmp_state;
    ink_convert_result result;
    memset(&result, 0, sizeof result);
    if (error == INK_OK) {
        ink_memory_source state;
        ink_source source = ink_memory_source_open(&state, item->data, item->nbytes);
        ink_sink sink = ink_memory_sink_open(&bmp_state, bmp_bytes, sizeof bmp_bytes);
        ink_convert_options options = INK_CONVERT_OPTIONS_DEFAULT;
        options.dither = INK_DITHER_FLOYD_STEINBERG; /* as the ImageMagick/GraphicsMagick runs */
        error = ink_convert_image(decoder, &source, &sink, &arena, &options, &result, &info);
    }
    free(memory);
    if (error != INK_OK)
        return failed(out, decoder->name, error, &info);
    out->width = result.source_width;
    out->height = result.source_height;
    out->out_nbytes = bmp_state.length;
    out->check = bench_digest(bmp_bytes, bmp_state.length);
    snprintf(out->detail, sizeof out->detail, "scale 1/%u -> %ux%u", 1u << result.scale_log2,
             result.out_width, result.out_height);
    return BENCH_OK;
}

static bench_status system_decode(const bench_item *item, bench_outcome *out)
{
    return ink_decode(INK_CODEC_SYSTEM, item, out);
}

static bench_status arena_decode(const bench_item *item, bench_outcome *out)
{
    return ink_decode(INK_CODEC_ARENA, item, out);
}

static bench_status system_convert(const bench_item *item, bench_outcome *out)
{
    return ink_convert(INK_CODEC_SYSTEM, item, out);
}

static bench_status arena_convert(const bench_item *item, bench_outcome *out)
{
    return ink_convert(INK_CODEC_ARENA, item, out);
}

const bench_path bench_paths_ink[] = {
    {"ink-system", "decode", BENCH_KIND_JPEG | BENCH_KIND_PNG, system_decode},
    {"ink-arena", "decode", BENCH_KIND_JPEG | BENCH_KIND_PNG, arena_decode},
    {"ink-system", "convert", BENCH_KIND_JPEG | BENCH_KIND_PNG, system_convert},
    {"ink-arena", "convert", BENCH_KIND_JPEG | BENCH_KIND_PNG, arena_convert},
    {NULL, NULL, 0, NULL},
};
