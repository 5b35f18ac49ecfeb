/*
 * png_reference.c — see png_reference.h. The reference path uses libpng's own transforms and
 * writes the gray conversions out from decode/gray.h's formulas, so it shares no pixel code
 * with decode/png_*.c.
 */
#include "png_reference.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/png.h"

void ink_test_gray_free(ink_test_gray *image)
{
    free(image->pixels);
    memset(image, 0, sizeof *image);
}

typedef struct memory_reader {
    const uint8_t *data;
    size_t nbytes, position;
    char *why;
    size_t why_nbytes;
} memory_reader;

static void reader_error(png_structp png, png_const_charp message)
{
    memory_reader *reader = png_get_error_ptr(png);
    snprintf(reader->why, reader->why_nbytes, "%s", message);
    png_longjmp(png, 1);
}

static void reader_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static void reader_read(png_structp png, png_bytep dst, size_t nbytes)
{
    memory_reader *reader = png_get_io_ptr(png);
    if (reader->nbytes - reader->position < nbytes)
        png_error(png, "Read Error: end of data");
    memcpy(dst, reader->data + reader->position, nbytes);
    reader->position += nbytes;
}

/* decode/gray.h's formulas, restated. */
static uint8_t ref_rgb(unsigned r, unsigned g, unsigned b)
{
    return (uint8_t)((19595u * r + 38470u * g + 7471u * b + 32768u) >> 16);
}

static uint8_t ref_over(unsigned gray, unsigned alpha, unsigned background)
{
    return (uint8_t)((gray * alpha + background * (255u - alpha) + 127u) / 255u);
}

bool ink_test_libpng_gray(const uint8_t *data, size_t nbytes, uint8_t background,
                          ink_test_gray *out, char *why, size_t why_nbytes)
{
    memset(out, 0, sizeof *out);
    char scratch[8];
    memory_reader reader = {data, nbytes, 0, why ? why : scratch, why ? why_nbytes : sizeof scratch};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, reader_error,
                                             reader_warning);
    png_infop info = png_create_info_struct(png);
    png_bytep volatile frame = NULL;
    png_bytepp volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(frame);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return false;
    }
    png_set_read_fn(png, &reader, reader_read);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int channels = png_get_channels(png, info);
    size_t row_nbytes = png_get_rowbytes(png, info);
    frame = malloc(row_nbytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    for (png_uint_32 y = 0; y < height; y++)
        rows[y] = frame + row_nbytes * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    out->width = width;
    out->height = height;
    out->pixels = malloc((size_t)width * height);
    for (png_uint_32 y = 0; y < height; y++) {
        const png_byte *row = rows[y];
        uint8_t *gray = out->pixels + (size_t)y * width;
        for (png_uint_32 x = 0; x < width; x++) {
            const png_byte *p = row + (size_t)x * channels;
            switch (channels) {
            case 1: gray[x] = p[0]; break;
            case 2: gray[x] = ref_over(p[0], p[1], background); break;
            case 3: gray[x] = ref_rgb(p[0], p[1], p[2]); break;
            default: gray[x] = ref_over(ref_rgb(p[0], p[1], p[2]), p[3], background); break;
            }
        }
    }
    free(frame);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return true;
}

typedef struct collect_sink {
    ink_test_gray *image;
    uint32_t rows_seen;
    bool began;
} collect_sink;

static ink_error collect_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    collect_sink *sink = user;
    if (sink->began || info->scale_mask != INK_SCALE_MASK_FULL_ONLY || *scale_log2 != 0)
        return INK_ERR_BAD_STATE;
    sink->began = true;
    sink->image->width = info->width;
    sink->image->height = info->height;
    sink->image->is_bilevel = info->is_bilevel;
    sink->image->pixels = malloc((size_t)info->width * info->height);
    return sink->image->pixels ? INK_OK : INK_ERR_NO_MEMORY;
}

static ink_error collect_row(void *user, const uint8_t *gray)
{
    collect_sink *sink = user;
    if (!sink->began || sink->rows_seen >= sink->image->height)
        return INK_ERR_BAD_STATE;
    memcpy(sink->image->pixels + (size_t)sink->rows_seen * sink->image->width, gray,
           sink->image->width);
    sink->rows_seen++;
    return INK_OK;
}

ink_error ink_test_arena_png_gray(ink_arena *arena, const uint8_t *data, size_t nbytes,
                                  uint8_t background, bool no_seek, ink_test_gray *out,
                                  ink_error_info *info)
{
    memset(out, 0, sizeof *out);
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, data, nbytes);
    if (no_seek)
        source.seek = NULL;
    collect_sink collector = {out, 0, false};
    ink_row_sink sink = {collect_begin, collect_row, &collector};
    ink_png_options options = {background};
    ink_error err = ink_png_decode(&source, arena, NULL, &options, &sink, info);
    if (err == INK_OK && collector.rows_seen != out->height)
        err = ink_error_set(info, INK_ERR_INTERNAL, "test: %u rows of %u", collector.rows_seen,
                            out->height);
    if (err != INK_OK)
        ink_test_gray_free(out);
    return err;
}

uint8_t *ink_test_read_file(const char *path, size_t *nbytes)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    if (data && fread(data, 1, (size_t)size, file) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *nbytes = (size_t)size;
    return data;
}

typedef struct memory_writer {
    uint8_t *data;
    size_t nbytes, capacity;
} memory_writer;

static void writer_write(png_structp png, png_bytep src, size_t nbytes)
{
    memory_writer *writer = png_get_io_ptr(png);
    if (writer->nbytes + nbytes > writer->capacity) {
        size_t capacity = (writer->capacity + nbytes) * 2;
        uint8_t *bigger = realloc(writer->data, capacity);
        if (!bigger)
            png_error(png, "out of memory");
        writer->data = bigger;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->nbytes, src, nbytes);
    writer->nbytes += nbytes;
}

static void writer_flush(png_structp png)
{
    (void)png;
}

uint8_t *ink_test_write_png(const ink_test_png_spec *spec, size_t *nbytes)
{
    memory_writer writer = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_bytepp volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(writer.data);
        png_destroy_write_struct(&png, &info);
        return NULL;
    }
    png_set_write_fn(png, &writer, writer_write, writer_flush);
    png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                 spec->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (spec->palette_count > 0)
        png_set_PLTE(png, info, (png_const_colorp)spec->palette, spec->palette_count);
    if (spec->trns_count > 0)
        png_set_tRNS(png, info, spec->trns_alpha, spec->trns_count, NULL);
    if (spec->has_trns_color) {
        png_color_16 color = {0, spec->trns_color[0], spec->trns_color[1], spec->trns_color[2],
                              spec->trns_color[0]};
        png_set_tRNS(png, info, NULL, 0, &color);
    }
    if (spec->filters)
        png_set_filter(png, 0, spec->filters);
    if (spec->compression_level >= 0)
        png_set_compression_level(png, spec->compression_level);
    png_write_info(png, info);
    size_t row_nbytes = ((size_t)spec->width * (size_t)png_get_channels(png, info) *
                             (size_t)spec->bit_depth + 7) / 8;
    rows = malloc(sizeof(png_bytep) * spec->height);
    for (uint32_t y = 0; y < spec->height; y++)
        rows[y] = (png_bytep)spec->rows + row_nbytes * y;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *nbytes = writer.nbytes;
    return writer.data;
}

void ink_test_fill_random(uint8_t *bytes, size_t nbytes, uint32_t seed)
{
    uint32_t state = seed ? seed : 0x9E3779B9u;
    for (size_t i = 0; i < nbytes; i++) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes[i] = (uint8_t)(state >> 24);
    }
}
