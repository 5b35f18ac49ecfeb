/*
 * codec_libpng.c — the host PNG decoder: Debian's libpng behind ink_decoder.
 *
 * libpng expands every PNG to 8-bit gray, gray+alpha, RGB or RGBA (png_set_expand for palettes,
 * low bit depths and tRNS; png_set_scale_16 for 16-bit), and decode/gray.h's conversions do
 * the rest, exactly as the in-arena decoder does. Interlaced images are deinterlaced by libpng
 * into a heap frame (the host may use the heap); others stream row by row.
 */
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gray.h"
#include "host/codecs.h"

typedef struct libpng_context {
    const ink_source *source;
    ink_error source_error;
    char message[128];
    png_bytep frame; /* interlaced images only */
    png_bytep row;
    uint8_t *gray;
} libpng_context;

static void on_error(png_structp png, png_const_charp message)
{
    libpng_context *context = png_get_error_ptr(png);
    strncpy(context->message, message, sizeof context->message - 1);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static void read_data(png_structp png, png_bytep dst, size_t nbytes)
{
    libpng_context *context = png_get_io_ptr(png);
    ink_error error = ink_source_read_exact(context->source, dst, nbytes);
    if (error != INK_OK) {
        context->source_error = error == INK_ERR_BAD_DATA ? INK_OK : error;
        png_error(png, "unexpected end of file");
    }
}

static const char *describe(int color_type)
{
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
        return "PNG gray";
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        return "PNG gray+alpha";
    case PNG_COLOR_TYPE_PALETTE:
        return "PNG palette";
    case PNG_COLOR_TYPE_RGB:
        return "PNG RGB";
    default:
        return "PNG RGBA";
    }
}

/* True for a 1-bit gray image, or a palette of at most two entries that are black or white,
 * without transparency: such images are already what the display shows. */
static bool is_bilevel(png_structp png, png_infop info, int color_type, int bit_depth)
{
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        return false;
    if (color_type == PNG_COLOR_TYPE_GRAY)
        return bit_depth == 1;
    if (color_type != PNG_COLOR_TYPE_PALETTE)
        return false;
    png_colorp palette;
    int count = 0;
    if (!png_get_PLTE(png, info, &palette, &count) || count > 2)
        return false;
    for (int i = 0; i < count; i++) {
        int sum = palette[i].red + palette[i].green + palette[i].blue;
        if ((sum != 0 && sum != 3 * 255) || palette[i].red != palette[i].green ||
            palette[i].green != palette[i].blue)
            return false;
    }
    return true;
}

/* Expanded row (1 to 4 channels of 8 bits) -> gray over white. */
static void row_to_gray(const png_byte *row, int channels, png_uint_32 width, uint8_t *gray)
{
    for (png_uint_32 x = 0; x < width; x++) {
        const png_byte *p = row + (size_t)x * (size_t)channels;
        switch (channels) {
        case 1:
            gray[x] = p[0];
            break;
        case 2:
            gray[x] = ink_gray_over_background(p[0], p[1], INK_BACKGROUND_WHITE);
            break;
        case 3:
            gray[x] = ink_gray_from_rgb(p[0], p[1], p[2]);
            break;
        default:
            gray[x] = ink_gray_over_background(ink_gray_from_rgb(p[0], p[1], p[2]), p[3],
                                               INK_BACKGROUND_WHITE);
            break;
        }
    }
}

static ink_error decode_libpng(const ink_source *source, ink_arena *arena,
                               const ink_limits *limits, const ink_row_sink *sink,
                               ink_error_info *info)
{
    (void)arena;
    libpng_context *context = calloc(1, sizeof *context);
    if (!context)
        return ink_error_set(info, INK_ERR_NO_MEMORY, "libpng: out of memory");
    context->source = source;
    volatile ink_error result = INK_OK;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, on_error, on_warning);
    png_infop png_info = png ? png_create_info_struct(png) : NULL;
    if (!png_info) {
        result = ink_error_set(info, INK_ERR_NO_MEMORY, "libpng: out of memory");
        goto done;
    }
    if (setjmp(png_jmpbuf(png))) {
        if (context->source_error != INK_OK)
            result = ink_error_set(info, context->source_error, "PNG: cannot read the input");
        else if (result == INK_OK)
            result = ink_error_set(info, INK_ERR_BAD_DATA, "PNG: %s", context->message);
        goto done;
    }
    png_set_read_fn(png, context, read_data);
    png_read_info(png, png_info);
    png_uint_32 width, height;
    int bit_depth, color_type, interlace;
    png_get_IHDR(png, png_info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    result = ink_check_limits(limits, width, height, info);
    if (result != INK_OK)
        goto done;
    ink_image_info image = {width, height, INK_SCALE_MASK_FULL_ONLY,
                            is_bilevel(png, png_info, color_type, bit_depth),
                            describe(color_type), 0};
    unsigned scale_log2 = 0;
    result = sink->begin(sink->user, &image, &scale_log2);
    if (result != INK_OK)
        goto done;
    png_set_expand(png);
    png_set_scale_16(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, png_info);
    int channels = png_get_channels(png, png_info);
    size_t row_nbytes = png_get_rowbytes(png, png_info);
    context->gray = malloc(width);
    if (passes > 1)
        context->frame = malloc(row_nbytes * height);
    else
        context->row = malloc(row_nbytes);
    if (!context->gray || (passes > 1 ? !context->frame : !context->row)) {
        result = ink_error_set(info, INK_ERR_NO_MEMORY, "libpng: out of memory for %ux%u",
                               width, height);
        goto done;
    }
    if (passes > 1) {
        for (int pass = 0; pass < passes; pass++)
            for (png_uint_32 y = 0; y < height; y++)
                png_read_row(png, context->frame + row_nbytes * y, NULL);
    }
    for (png_uint_32 y = 0; y < height; y++) {
        png_bytep row = context->row;
        if (passes > 1)
            row = context->frame + row_nbytes * y;
        else
            png_read_row(png, row, NULL);
        row_to_gray(row, channels, width, context->gray);
        result = sink->row(sink->user, context->gray);
        if (result != INK_OK)
            goto done;
    }
    png_read_end(png, NULL);
done:
    png_destroy_read_struct(png ? &png : NULL, png_info ? &png_info : NULL, NULL);
    free(context->frame);
    free(context->row);
    free(context->gray);
    free(context);
    return result;
}

const ink_decoder ink_decoder_libpng = {"libpng", INK_FORMAT_PNG, decode_libpng};
