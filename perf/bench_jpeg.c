/*
 * bench_jpeg.c — one JPEG decode by one decoder, for perf/jpeg_bench.sh.
 *
 *   bench_jpeg arena|libjpeg|stb SCALE FILE [REPEATS]
 *
 * SCALE is 1, 2, 4, 8 or "fit" (the DCT scale the converter picks for a 480x800 screen: the
 * smallest image still at least the contain-fit size). Decodes to 8-bit gray: in-arena decoder
 * (luma only), libjpeg-turbo (JCS_GRAYSCALE, JDCT_ISLOW, DCT scaling, SIMD), stb_image (full
 * decode to one channel; it cannot scale). Prints the best wall time of REPEATS runs (default 1)
 * and a checksum. Under callgrind, collect only bench_decode (--toggle-collect=bench_decode).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jpeglib.h>
#include <stb/stb_image.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/jpeg.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

typedef struct bench_sink {
    unsigned scale_log2;
    uint32_t width;
    uint32_t checksum;
} bench_sink;

static ink_error bench_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    bench_sink *sink = user;
    *scale_log2 = sink->scale_log2;
    sink->width = ink_scaled_size(info->width, sink->scale_log2);
    return INK_OK;
}

static ink_error bench_row(void *user, const uint8_t *gray)
{
    bench_sink *sink = user;
    sink->checksum = sink->checksum * 31u + gray[0] + gray[sink->width - 1];
    return INK_OK;
}

/* Source calls of the last arena decode: each read (and each seek before one) is an SD
 * transaction on the board (about 2 ms each). */
static unsigned source_reads, source_seeks;

typedef struct counting_source {
    ink_source inner;
} counting_source;

/* One read for the count, whatever its size; the copy out of memory in pieces of at most 8 KB:
 * glibc copies bigger blocks with rep movsb, which callgrind counts as an instruction a byte
 * (ten times its vector loop's count for the same bytes), so a decoder reading more at a time
 * would look slower for a copy that is not its work (on the device the SD controller moves the
 * bytes). */
#define COPY_PIECE_BYTES 8192u
static ink_error counting_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    counting_source *s = user;
    source_reads++;
    *got = 0;
    while (*got < nbytes) {
        size_t piece = nbytes - *got < COPY_PIECE_BYTES ? nbytes - *got : COPY_PIECE_BYTES;
        size_t piece_got = 0;
        ink_error error = s->inner.read(s->inner.user, dst + *got, piece, &piece_got);
        *got += piece_got;
        if (error != INK_OK || piece_got < piece)
            return error;
    }
    return INK_OK;
}

static ink_error counting_seek(void *user, uint64_t offset)
{
    counting_source *s = user;
    source_seeks++;
    return s->inner.seek(s->inner.user, offset);
}

static uint32_t decode_arena(const uint8_t *data, size_t n, unsigned scale_log2)
{
    ink_arena arena;
    ink_arena_init(&arena, arena_memory, sizeof arena_memory);
    ink_memory_source memory;
    counting_source counting = {ink_memory_source_open(&memory, data, n)};
    ink_source source = {counting_read, counting_seek, &counting};
    source_reads = source_seeks = 0;
    bench_sink sink = {scale_log2, 0, 0};
    ink_row_sink row_sink = {bench_begin, bench_row, &sink};
    ink_error_info info;
    ink_error_clear(&info);
    if (ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, &info) != INK_OK) {
        fprintf(stderr, "arena: %s\n", info.detail);
        exit(1);
    }
    return sink.checksum;
}

static uint32_t decode_libjpeg(const uint8_t *data, size_t n, unsigned scale_log2)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr errors;
    cinfo.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_GRAYSCALE;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.scale_num = 1;
    cinfo.scale_denom = 1u << scale_log2;
    jpeg_start_decompress(&cinfo);
    uint8_t *row = malloc(cinfo.output_width);
    uint32_t checksum = 0;
    while (cinfo.output_scanline < cinfo.output_height) {
        jpeg_read_scanlines(&cinfo, &row, 1);
        checksum = checksum * 31u + row[0] + row[cinfo.output_width - 1];
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return checksum;
}

static uint32_t decode_stb(const uint8_t *data, size_t n)
{
    int width, height, channels;
    uint8_t *pixels = stbi_load_from_memory(data, (int)n, &width, &height, &channels, 1);
    if (!pixels) {
        fprintf(stderr, "stb: %s\n", stbi_failure_reason());
        exit(1);
    }
    uint32_t checksum = pixels[0] + pixels[(size_t)width * height - 1];
    stbi_image_free(pixels);
    return checksum;
}

uint32_t bench_decode(int decoder, const uint8_t *data, size_t n, unsigned scale_log2);

__attribute__((noinline)) uint32_t bench_decode(int decoder, const uint8_t *data, size_t n,
                                                unsigned scale_log2)
{
    return decoder == 0 ? decode_arena(data, n, scale_log2)
           : decoder == 1 ? decode_libjpeg(data, n, scale_log2)
                          : decode_stb(data, n);
}

/* The converter's choice for a 480x800 box: largest 2^k <= 1 / contain-fit factor. */
static unsigned fit_scale(const uint8_t *data, size_t n)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr errors;
    cinfo.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)n);
    jpeg_read_header(&cinfo, TRUE);
    uint64_t w = cinfo.image_width, h = cinfo.image_height;
    jpeg_destroy_decompress(&cinfo);
    /* The contain-fit factor is f = max(w / 480, h / 800); the scaled image covers the fit size
     * while 2^k <= f, i.e. while w >= 480 * 2^k or h >= 800 * 2^k. */
    unsigned k = 0;
    while (k < 3 && (w >= (480u << (k + 1)) || h >= (800u << (k + 1))))
        k++;
    return k;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_jpeg arena|libjpeg|stb 1|2|4|8|fit FILE [REPEATS]\n");
        return 2;
    }
    int decoder = strcmp(argv[1], "arena") == 0 ? 0 : strcmp(argv[1], "libjpeg") == 0 ? 1 : 2;
    FILE *file = fopen(argv[3], "rb");
    if (!file)
        return 1;
    fseek(file, 0, SEEK_END);
    size_t n = (size_t)ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(n);
    if (fread(data, 1, n, file) != n)
        return 1;
    fclose(file);
    unsigned scale_log2 = 0;
    if (strcmp(argv[2], "fit") == 0)
        scale_log2 = fit_scale(data, n);
    else
        while ((1u << scale_log2) < (unsigned)atoi(argv[2]) && scale_log2 < 3)
            scale_log2++;
    int repeats = argc > 4 ? atoi(argv[4]) : 1;
    double best = 1e30;
    uint32_t checksum = 0;
    for (int r = 0; r < repeats; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        checksum = bench_decode(decoder, data, n, scale_log2);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (seconds < best)
            best = seconds;
    }
    printf("%s scale 1/%u best %.3f ms checksum %08x", argv[1], 1u << scale_log2, best * 1e3,
           checksum);
    if (decoder == 0)
        printf(" reads %u seeks %u", source_reads, source_seeks);
    printf("\n");
    free(data);
    return 0;
}
