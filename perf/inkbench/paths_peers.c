/*
 * paths_peers.c — the decoders inkpipe is measured against, each through its ordinary
 * whole-image API from memory (the way their users call them), to its cheapest 8-bit output:
 *
 *   stb_image  stbi_load_from_memory(..., 1): 8-bit gray (stb converts), JPEG and PNG
 *   libspng    spng_decode_image: G8 for gray PNGs of <= 8 bits, RGB8 for RGB, else RGBA8
 *   lodepng    lodepng_decode_memory with the same choice of output
 *
 * libspng and lodepng do not convert colour to gray; inkpipe's paths do (decode/gray.h), so
 * the comparison slightly favours them on colour images.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inkbench.h"

#ifdef INKBENCH_HAVE_STB
#include <stb/stb_image.h>
#endif
#ifdef INKBENCH_HAVE_SPNG
#include <spng.h>
#endif
#ifdef INKBENCH_HAVE_LODEPNG
/* lodepng_shim.cpp: Debian's liblodepng has C++ linkage. Colour types as LodePNGColorType. */
unsigned inkbench_lodepng_decode(unsigned char **out, unsigned *width, unsigned *height,
                                 const unsigned char *in, size_t in_nbytes, int color_type);
const char *inkbench_lodepng_error_text(unsigned code);
#endif

typedef enum peer_output { PEER_G8, PEER_RGB8, PEER_RGBA8 } peer_output;

static peer_output png_output_for(const bench_item *item)
{
    uint8_t color_type = 6, bit_depth = 8;
    bench_png_header(item, &color_type, &bit_depth);
    if (color_type == 0 && bit_depth <= 8)
        return PEER_G8;
    if (color_type == 2)
        return PEER_RGB8;
    return PEER_RGBA8;
}

#ifdef INKBENCH_HAVE_STB
static bench_status stb_peer_decode(const bench_item *item, bench_outcome *out)
{
    int width = 0, height = 0, channels = 0;
    stbi_uc *pixels =
        stbi_load_from_memory(item->data, (int)item->nbytes, &width, &height, &channels, 1);
    if (!pixels) {
        snprintf(out->detail, sizeof out->detail, "stb_image: %s", stbi_failure_reason());
        return BENCH_FAILED;
    }
    out->width = (uint32_t)width;
    out->height = (uint32_t)height;
    out->out_nbytes = (uint64_t)width * (uint64_t)height;
    out->check = bench_digest(pixels, (size_t)out->out_nbytes);
    stbi_image_free(pixels);
    return BENCH_OK;
}
#endif

#ifdef INKBENCH_HAVE_SPNG
static bench_status spng_peer_decode(const bench_item *item, bench_outcome *out)
{
    static const int formats[] = {SPNG_FMT_G8, SPNG_FMT_RGB8, SPNG_FMT_RGBA8};
    int format = formats[png_output_for(item)];
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx)
        return BENCH_FAILED;
    struct spng_ihdr ihdr;
    size_t nbytes = 0;
    unsigned char *pixels = NULL;
    int error = spng_set_png_buffer(ctx, item->data, item->nbytes);
    if (!error)
        error = spng_get_ihdr(ctx, &ihdr);
    if (!error)
        error = spng_decoded_image_size(ctx, format, &nbytes);
    if (!error) {
        pixels = malloc(nbytes);
        error = pixels ? spng_decode_image(ctx, pixels, nbytes, format, SPNG_DECODE_TRNS)
                       : SPNG_EMEM;
    }
    spng_ctx_free(ctx);
    if (error) {
        free(pixels);
        snprintf(out->detail, sizeof out->detail, "libspng: %s", spng_strerror(error));
        return BENCH_FAILED;
    }
    out->width = ihdr.width;
    out->height = ihdr.height;
    out->out_nbytes = nbytes;
    out->check = bench_digest(pixels, nbytes);
    free(pixels);
    return BENCH_OK;
}
#endif

#ifdef INKBENCH_HAVE_LODEPNG
static bench_status lodepng_peer_decode(const bench_item *item, bench_outcome *out)
{
    static const int types[] = {0, 2, 6}; /* LCT_GREY, LCT_RGB, LCT_RGBA */
    static const unsigned channels[] = {1, 3, 4};
    peer_output output = png_output_for(item);
    unsigned char *pixels = NULL;
    unsigned width = 0, height = 0;
    unsigned error = inkbench_lodepng_decode(&pixels, &width, &height, item->data, item->nbytes,
                                             types[output]);
    if (error) {
        free(pixels);
        snprintf(out->detail, sizeof out->detail, "lodepng: %s", inkbench_lodepng_error_text(error));
        return BENCH_FAILED;
    }
    out->width = width;
    out->height = height;
    out->out_nbytes = (uint64_t)width * height * channels[output];
    out->check = bench_digest(pixels, (size_t)out->out_nbytes);
    free(pixels);
    return BENCH_OK;
}
#endif

const bench_path bench_paths_peers[] = {
#ifdef INKBENCH_HAVE_STB
    {"stb_image", "decode", BENCH_KIND_JPEG | BENCH_KIND_PNG, stb_peer_decode},
#endif
#ifdef INKBENCH_HAVE_SPNG
    {"libspng", "decode", BENCH_KIND_PNG, spng_peer_decode},
#endif
#ifdef INKBENCH_HAVE_LODEPNG
    {"lodepng", "decode", BENCH_KIND_PNG, lodepng_peer_decode},
#endif
    {NULL, NULL, 0, NULL},
};
