/*
 * bench_png.c — PNG to 8-bit gray, in-arena decoder against libpng (the host decoder behind
 * the same ink_decoder interface), libspng and lodepng, in one run so the ratios are fair.
 *
 *   bench_png [--iterations N] [--only arena|libpng|spng|lodepng] FILE.png...
 *
 * Every decoder produces the gray rows of decode/gray.h (spng and lodepng decode to RGBA8 and
 * the same conversion is applied), into a sink that only sums them. Files libpng refuses are
 * left out. Prints, per decoder, CPU time, megapixels per second and the ratio to libpng.
 * For instruction counts run it under callgrind with --only (perf/png_bench.sh does).
 */
#include <spng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena/arena.h"
#include "decode/gray.h"
#include "decode/png.h"
#include "host/codecs.h"

#ifdef INK_HAVE_LODEPNG
/* Debian builds liblodepng as C++: reach its C-style API through the mangled name. */
unsigned lodepng_decode32_cxx(unsigned char **out, unsigned *width, unsigned *height,
                              const unsigned char *in, size_t in_nbytes)
    __asm__("_Z16lodepng_decode32PPhPjS1_PKhm");
#endif

typedef struct input {
    const char *path;
    uint8_t *data;
    size_t nbytes;
    uint64_t pixels;
} input;

static uint64_t checksum;

static ink_error sum_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    *(uint32_t *)user = info->width;
    *scale_log2 = 0;
    return INK_OK;
}

static ink_error sum_row(void *user, const uint8_t *gray)
{
    uint32_t width = *(uint32_t *)user;
    for (uint32_t x = 0; x < width; x += 16)
        checksum += gray[x];
    return INK_OK;
}

static _Alignas(16) uint8_t arena_memory[INK_ARENA_BYTES];

static int run_ink_decoder(const ink_decoder *decoder, ink_arena *arena, const input *in)
{
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, in->data, in->nbytes);
    uint32_t width = 0;
    ink_row_sink sink = {sum_begin, sum_row, &width};
    ink_limits limits = {1u << 20, 1u << 20, 1ull << 32};
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = decoder->decode(&source, arena, &limits, &sink, &info);
    if (err != INK_OK)
        fprintf(stderr, "%s: %s: %s\n", decoder->name, in->path, info.detail);
    return err == INK_OK ? 0 : 1;
}

/* RGBA8 frame -> gray rows, as decode/gray.h does. */
static void rgba_to_gray_rows(const uint8_t *rgba, uint32_t width, uint32_t height, uint8_t *gray)
{
    for (uint32_t y = 0; y < height; y++) {
        const uint8_t *p = rgba + (size_t)y * width * 4;
        for (uint32_t x = 0; x < width; x++, p += 4)
            gray[x] = ink_gray_over_background(ink_gray_from_rgb(p[0], p[1], p[2]), p[3], 255);
        sum_row(&width, gray);
    }
}

int run_arena(const input *in);
int run_libpng(const input *in);
int run_spng(const input *in);
int run_lodepng(const input *in);

int run_arena(const input *in)
{
    static ink_arena arena;
    if (ink_arena_init(&arena, arena_memory, sizeof arena_memory) != INK_OK)
        return 1;
    return run_ink_decoder(&ink_decoder_arena_png, &arena, in);
}

int run_libpng(const input *in)
{
    return run_ink_decoder(&ink_decoder_libpng, NULL, in);
}

int run_spng(const input *in)
{
    spng_ctx *ctx = spng_ctx_new(0);
    spng_set_png_buffer(ctx, in->data, in->nbytes);
    size_t nbytes;
    struct spng_ihdr ihdr;
    int failed = spng_get_ihdr(ctx, &ihdr) || spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &nbytes);
    uint8_t *rgba = failed ? NULL : malloc(nbytes);
    uint8_t *gray = failed ? NULL : malloc(ihdr.width);
    if (!failed)
        failed = spng_decode_image(ctx, rgba, nbytes, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    if (!failed)
        rgba_to_gray_rows(rgba, ihdr.width, ihdr.height, gray);
    free(rgba);
    free(gray);
    spng_ctx_free(ctx);
    return failed ? 1 : 0;
}

int run_lodepng(const input *in)
{
#ifdef INK_HAVE_LODEPNG
    unsigned char *rgba = NULL;
    unsigned width = 0, height = 0;
    unsigned failed = lodepng_decode32_cxx(&rgba, &width, &height, in->data, in->nbytes);
    if (!failed) {
        uint8_t *gray = malloc(width);
        rgba_to_gray_rows(rgba, width, height, gray);
        free(gray);
    }
    free(rgba);
    return failed ? 1 : 0;
#else
    (void)in;
    return 1;
#endif
}

typedef struct contender {
    const char *name;
    int (*run)(const input *in);
} contender;

static double seconds_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int iterations = 3;
    const char *only = NULL;
    input *inputs = calloc((size_t)argc, sizeof *inputs);
    int count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = atoi(argv[++i]);
            continue;
        }
        if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
            continue;
        }
        FILE *file = fopen(argv[i], "rb");
        if (!file)
            continue;
        fseek(file, 0, SEEK_END);
        long size = ftell(file);
        fseek(file, 0, SEEK_SET);
        input *in = &inputs[count];
        in->path = argv[i];
        in->nbytes = (size_t)size;
        in->data = malloc(in->nbytes ? in->nbytes : 1);
        if (fread(in->data, 1, in->nbytes, file) != in->nbytes) {
            fclose(file);
            free(in->data);
            continue;
        }
        fclose(file);
        /* Keep what libpng decodes; count its pixels. */
        spng_ctx *ctx = spng_ctx_new(0);
        spng_set_png_buffer(ctx, in->data, in->nbytes);
        struct spng_ihdr ihdr;
        int bad = spng_get_ihdr(ctx, &ihdr);
        spng_ctx_free(ctx);
        if (bad || run_ink_decoder(&ink_decoder_libpng, NULL, in) != 0) {
            free(in->data);
            continue;
        }
        in->pixels = (uint64_t)ihdr.width * ihdr.height;
        count++;
    }
    uint64_t pixels = 0;
    for (int i = 0; i < count; i++)
        pixels += inputs[i].pixels;
    printf("%d PNG files, %.2f megapixels, %d iterations\n", count, (double)pixels / 1e6, iterations);

    const contender contenders[] = {
        {"libpng", run_libpng}, {"arena", run_arena}, {"spng", run_spng},
#ifdef INK_HAVE_LODEPNG
        {"lodepng", run_lodepng},
#endif
    };
    double libpng_seconds = 0;
    for (size_t c = 0; c < sizeof contenders / sizeof contenders[0]; c++) {
        if (only && strcmp(only, contenders[c].name) != 0)
            continue;
        int failures = 0;
        double start = seconds_now();
        for (int it = 0; it < iterations; it++)
            for (int i = 0; i < count; i++)
                failures += contenders[c].run(&inputs[i]);
        double seconds = (seconds_now() - start) / iterations;
        if (c == 0)
            libpng_seconds = seconds;
        printf("%-8s %8.1f ms  %7.1f Mpx/s  time/libpng %.2f  failures %d\n", contenders[c].name,
               seconds * 1e3, (double)pixels / seconds / 1e6,
               libpng_seconds > 0 ? seconds / libpng_seconds : 0.0, failures / iterations);
    }
    printf("checksum %llu\n", (unsigned long long)checksum);
    for (int i = 0; i < count; i++)
        free(inputs[i].data);
    free(inputs);
    return 0;
}
