/*
 * convert.c — the image -> 1-bit BMP pipeline (see convert.h).
 */
#include "decode/convert.h"

#include "dither/bmp.h"

#include <string.h>

typedef struct pipeline {
    ink_arena *arena;
    const ink_convert_options *options;
    const ink_sink *bmp_sink;
    ink_error_info *info;
    ink_convert_result result;
    ink_claim scaler_claim;
    ink_claim row_claim;
    ink_scaler scaler;
    ink_ditherer ditherer;
    uint8_t *packed_row;
    ink_bmp_writer bmp;
    bool started;
} pipeline;

/* Scaler output -> ditherer -> BMP row. */
static ink_error emit_output_row(void *user, const uint8_t *gray)
{
    pipeline *p = user;
    ink_dither_row(&p->ditherer, gray, p->packed_row);
    ink_error error = ink_bmp_write_row(&p->bmp, p->packed_row);
    if (error != INK_OK)
        return ink_error_set(p->info, error, "cannot write BMP row %u", p->bmp.rows_written);
    return INK_OK;
}

static ink_error pipeline_begin(void *user, const ink_image_info *image, unsigned *scale_log2)
{
    pipeline *p = user;
    const ink_convert_options *o = p->options;
    if (p->started)
        return ink_error_set(p->info, INK_ERR_INTERNAL, "decoder began twice");
    p->started = true;
    ink_error error = ink_check_limits(&o->limits, image->width, image->height, p->info);
    if (error != INK_OK)
        return error;
    ink_fit_geometry geometry;
    error = ink_fit_compute(image->width, image->height, o->box_width, o->box_height, o->fit,
                            o->upscale, &geometry);
    if (error != INK_OK)
        return ink_error_set(p->info, error, "cannot fit %ux%u into %ux%u", image->width,
                             image->height, o->box_width, o->box_height);
    if (geometry.out_width > INK_MAX_OUTPUT_WIDTH)
        return ink_error_set(p->info, INK_ERR_TOO_LARGE,
                             "output width %u exceeds the pipeline's maximum of %u",
                             geometry.out_width, INK_MAX_OUTPUT_WIDTH);
    unsigned k = ink_fit_choose_scale(image->width, image->height, image->scale_mask, &geometry);
    *scale_log2 = k;
    p->result.source_width = image->width;
    p->result.source_height = image->height;
    p->result.scale_log2 = k;
    p->result.out_width = geometry.out_width;
    p->result.out_height = geometry.out_height;
    p->result.format = image->format;

    size_t scaler_nbytes = ink_scaler_work_bytes(geometry.out_width);
    size_t dither_nbytes = ink_dither_work_bytes(o->dither, geometry.out_width);
    size_t packed_nbytes = ink_packed_row_bytes(geometry.out_width);
    error = ink_arena_claim_range(p->arena, INK_REGION_IMAGE2, 0, (uint32_t)scaler_nbytes,
                                  "scaler rows", &p->scaler_claim, p->info);
    if (error == INK_OK)
        error = ink_arena_claim_range(p->arena, INK_REGION_ROW, 0,
                                      (uint32_t)(dither_nbytes + packed_nbytes),
                                      "dither rows + packed row", &p->row_claim, p->info);
    if (error != INK_OK)
        return error;
    error = ink_scaler_init(&p->scaler, ink_scaled_size(image->width, k),
                            ink_scaled_size(image->height, k), &geometry, p->scaler_claim.bytes,
                            p->scaler_claim.nbytes, emit_output_row, p, p->info);
    if (error != INK_OK)
        return error;
    error = ink_dither_init(&p->ditherer, o->dither, geometry.out_width, p->row_claim.bytes,
                            dither_nbytes);
    if (error != INK_OK)
        return ink_error_set(p->info, error, "cannot set up dithering");
    p->packed_row = p->row_claim.bytes + dither_nbytes;
    return ink_bmp_begin(&p->bmp, p->bmp_sink, geometry.out_width, geometry.out_height, p->info);
}

static ink_error pipeline_row(void *user, const uint8_t *gray)
{
    pipeline *p = user;
    ink_error error = ink_scaler_push_row(&p->scaler, gray);
    if (error == INK_ERR_BAD_STATE)
        return ink_error_set(p->info, INK_ERR_INTERNAL, "decoder delivered more than %u rows",
                             p->scaler.in_height);
    return error;
}

ink_error ink_convert_image(const ink_decoder *decoder, const ink_source *source,
                            const ink_sink *bmp_sink, ink_arena *arena,
                            const ink_convert_options *options, ink_convert_result *result,
                            ink_error_info *info)
{
    if (!decoder || !source || !bmp_sink || !arena || !options)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "convert: missing argument");
    pipeline p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.options = options;
    p.bmp_sink = bmp_sink;
    p.info = info;
    const ink_row_sink sink = {pipeline_begin, pipeline_row, &p};
    ink_error error = decoder->decode(source, arena, &options->limits, &sink, info);
    if (error == INK_OK && !p.started)
        error = ink_error_set(info, INK_ERR_INTERNAL, "%s produced no image", decoder->name);
    if (error == INK_OK && !ink_scaler_done(&p.scaler))
        error = ink_error_set(info, INK_ERR_BAD_DATA, "%s delivered too few rows", decoder->name);
    if (error == INK_OK)
        error = ink_bmp_finish(&p.bmp);
    if (p.row_claim.bytes)
        ink_arena_release(arena, &p.row_claim);
    if (p.scaler_claim.bytes)
        ink_arena_release(arena, &p.scaler_claim);
    if (result)
        *result = p.result;
    return error;
}
