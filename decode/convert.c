/*
 * convert.c — the image -> 1-bit (or four-gray) BMP pipeline (see convert.h).
 */
#include "decode/convert.h"

#include "decode/scale_dither.h"
#include "dither/bmp.h"

#include <string.h>

#define DOMAIN_LUT_BYTES (256u * sizeof(uint16_t))
#define HISTOGRAM_BYTES (256u * sizeof(uint32_t))

typedef struct pipeline {
    ink_arena *arena;
    const ink_convert_options *options;
    ink_tone tone; /* the options' tone, with auto levels applied */
    const ink_sink *bmp_sink;
    ink_error_info *info;
    ink_convert_result result;
    ink_claim scaler_claim;
    ink_claim row_claim;
    ink_scaler scaler;
    ink_ditherer ditherer;
    const uint16_t *domain16; /* the fused walk's table (ink_scale_dither_table) */
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

/* A completed output row, scaled and dithered in one walk (decode/scale_dither.h) -> BMP row. */
static ink_error finish_output_row(void *user, ink_scaler *scaler, const uint8_t *source,
                                   uint32_t weight, uint32_t rest)
{
    pipeline *p = user;
    ink_scale_dither_row(scaler, &p->ditherer, p->domain16, source, weight, rest, p->packed_row);
    ink_error error = ink_bmp_write_row(&p->bmp, p->packed_row);
    if (error != INK_OK)
        return ink_error_set(p->info, error, "cannot write BMP row %u", p->bmp.rows_written);
    return INK_OK;
}

/* The ditherer's domain: bilevel sources keep their coverage (no table); otherwise the tone
 * curve composed with the display model, in `lut`. */
static void choose_levels(const pipeline *p, bool bilevel, uint16_t *lut,
                          ink_dither_levels *levels)
{
    const ink_convert_options *o = p->options;
    const unsigned count = o->bits == 2 ? 4u : 2u;
    levels->count = (uint8_t)count;
    levels->lut = NULL;
    for (unsigned k = 0; k < count; k++)
        levels->levels[k] = (uint16_t)(255u * k / (count - 1u));
    if (bilevel || (o->dot_gain_x10 == 0 && ink_tone_is_identity(&p->tone)))
        return;
    (void)ink_tone_build_lut(&p->tone, o->dot_gain_x10, lut); /* checked in convert_image */
    levels->lut = lut;
    for (unsigned k = 0; k < count; k++)
        levels->levels[k] = ink_display_domain(o->dot_gain_x10, (uint8_t)levels->levels[k]);
}

/* The scales worth choosing: those offered that the decoder can also deliver in its memory. */
static uint8_t ink_offered_scales(const ink_image_info *image)
{
    return image->fits_mask ? (uint8_t)(image->scale_mask & image->fits_mask) : image->scale_mask;
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
    unsigned k = ink_fit_choose_scale(image->width, image->height, ink_offered_scales(image), &geometry);
    *scale_log2 = k;
    p->result.source_width = image->width;
    p->result.source_height = image->height;
    p->result.scale_log2 = k;
    p->result.out_width = geometry.out_width;
    p->result.out_height = geometry.out_height;
    p->result.format = image->format;
    p->result.bilevel = image->is_bilevel;
    p->result.passed_through = image->is_bilevel && k == 0 &&
                               geometry.out_width == image->width &&
                               geometry.out_height == image->height;
    p->result.black_point = p->tone.black_point;
    p->result.white_point = p->tone.white_point;

    const unsigned bits = o->bits == 2 ? 2u : 1u;
    const ink_dither_method method = p->result.passed_through ? INK_DITHER_THRESHOLD : o->dither;
    /* ROW: dither rows, packed row, tone table and, when it fits there, the scaler's output
     * row, which leaves IMAGE2 to the scaler's sums, for the fastest plan that fits (scale.h). */
    size_t dither_nbytes = ink_dither_work_bytes(method, geometry.out_width);
    size_t packed_nbytes = (ink_packed_bytes(bits, geometry.out_width) + 1u) & ~(size_t)1u;
    size_t row_nbytes = dither_nbytes + packed_nbytes + DOMAIN_LUT_BYTES;
    const bool out_row_in_row_region = row_nbytes + geometry.out_width <= INK_REGION_ROW_BYTES;
    if (out_row_in_row_region)
        row_nbytes += geometry.out_width;
    const size_t scaler_nbytes =
        ink_scaler_fastest_work_bytes(&geometry, out_row_in_row_region, INK_REGION_IMAGE2_BYTES);
    error = ink_arena_claim_range(p->arena, INK_REGION_IMAGE2, 0, (uint32_t)scaler_nbytes,
                                  "scaler sums", &p->scaler_claim, p->info);
    if (error == INK_OK)
        error = ink_arena_claim_range(p->arena, INK_REGION_ROW, 0, (uint32_t)row_nbytes,
                                      "dither rows + packed row + tone table (+ scaled row)",
                                      &p->row_claim, p->info);
    if (error != INK_OK)
        return error;
    uint8_t *scaled_row = out_row_in_row_region
                              ? p->row_claim.bytes + dither_nbytes + packed_nbytes +
                                    DOMAIN_LUT_BYTES
                              : NULL;
    error = ink_scaler_init(&p->scaler, ink_scaled_size(image->width, k),
                            ink_scaled_size(image->height, k), &geometry, p->scaler_claim.bytes,
                            p->scaler_claim.nbytes, scaled_row, emit_output_row, p, p->info);
    if (error != INK_OK)
        return error;
    uint16_t *lut = (uint16_t *)(void *)(p->row_claim.bytes + dither_nbytes + packed_nbytes);
    ink_dither_levels levels;
    choose_levels(p, image->is_bilevel, lut, &levels);
    error = ink_dither_init_levels(&p->ditherer, method, geometry.out_width, &levels,
                                   p->row_claim.bytes, dither_nbytes);
    if (error != INK_OK)
        return ink_error_set(p->info, error, "cannot set up dithering");
    p->packed_row = p->row_claim.bytes + dither_nbytes;
    /* Scaled and dithered in one walk when the pair allows it; the domain table, in ROW, then
     * becomes the walk's (in sixteenths, rewritten in place: ink_dither_row is not called). */
    if (ink_scale_dither_fits(&p->scaler, &p->ditherer) &&
        ink_scale_dither_table(&p->ditherer, lut)) {
        p->domain16 = lut;
        (void)ink_scaler_take_rows(&p->scaler, finish_output_row, p);
    }
    return ink_bmp_begin_bits(&p->bmp, p->bmp_sink, geometry.out_width, geometry.out_height,
                              bits, p->info);
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

/* The prescan for auto levels: a histogram of the decoder's rows at a coarse scale. */
typedef struct prescan {
    const ink_convert_options *options;
    uint32_t *histogram;
    uint32_t width;
    bool bilevel;
    bool started;
} prescan;

static ink_error prescan_begin(void *user, const ink_image_info *image, unsigned *scale_log2)
{
    prescan *s = user;
    s->started = true;
    s->bilevel = image->is_bilevel;
    if (s->bilevel)
        return INK_ERR_BAD_STATE; /* nothing to measure: stop the decoder */
    /* The scale the real pass will use: the histogram then has at least the output's
     * resolution, so its tails are at least as long as the output's and the clipping it
     * allows is an upper bound for the output. */
    ink_fit_geometry geometry;
    ink_error error = ink_fit_compute(image->width, image->height, s->options->box_width,
                                      s->options->box_height, s->options->fit,
                                      s->options->upscale, &geometry);
    if (error != INK_OK)
        return error;
    unsigned k = ink_fit_choose_scale(image->width, image->height, ink_offered_scales(image), &geometry);
    *scale_log2 = k;
    s->width = ink_scaled_size(image->width, k);
    return INK_OK;
}

static ink_error prescan_row(void *user, const uint8_t *gray)
{
    prescan *s = user;
    for (uint32_t x = 0; x < s->width; x++)
        s->histogram[gray[x]]++;
    return INK_OK;
}

static ink_error auto_levels(const ink_decoder *decoder, const ink_source *source,
                             ink_arena *arena, const ink_convert_options *options,
                             ink_tone *tone, ink_error_info *info)
{
    if (!source->seek)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "auto levels reads the image twice: the source must seek");
    ink_claim claim;
    ink_error error = ink_arena_claim_range(arena, INK_REGION_ROW, 0, HISTOGRAM_BYTES,
                                            "auto levels histogram", &claim, info);
    if (error != INK_OK)
        return error;
    prescan s = {options, (uint32_t *)(void *)claim.bytes, 0, false, false};
    memset(s.histogram, 0, HISTOGRAM_BYTES);
    const ink_row_sink sink = {prescan_begin, prescan_row, &s};
    error = decoder->decode(source, arena, &options->limits, &sink, info);
    if (s.bilevel) {
        error = INK_OK; /* the real pass will pass it through */
        ink_error_clear(info);
    } else if (error == INK_OK) {
        ink_tone_auto_levels(s.histogram, INK_AUTO_LEVELS_CLIP_PER_MILLE, tone);
    }
    ink_arena_release(arena, &claim);
    if (error == INK_OK && source->seek(source->user, 0) != INK_OK)
        error = ink_error_set(info, INK_ERR_IO, "cannot rewind the source after the prescan");
    return error;
}

ink_error ink_convert_image(const ink_decoder *decoder, const ink_source *source,
                            const ink_sink *bmp_sink, ink_arena *arena,
                            const ink_convert_options *options, ink_convert_result *result,
                            ink_error_info *info)
{
    if (!decoder || !source || !bmp_sink || !arena || !options)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "convert: missing argument");
    if ((options->bits != 1 && options->bits != 2) || !ink_tone_valid(&options->tone) ||
        (options->dot_gain_x10 != 0 && (options->dot_gain_x10 < INK_DOT_GAIN_MIN_X10 ||
                                        options->dot_gain_x10 > INK_DOT_GAIN_MAX_X10)) ||
        (unsigned)options->dither >= INK_DITHER_METHOD_COUNT)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "convert: bits, tone, dot gain or dither method out of range");
    pipeline p;
    memset(&p, 0, sizeof p);
    p.arena = arena;
    p.options = options;
    p.tone = options->tone;
    p.bmp_sink = bmp_sink;
    p.info = info;
    ink_error error = INK_OK;
    if (options->auto_levels)
        error = auto_levels(decoder, source, arena, options, &p.tone, info);
    const ink_row_sink sink = {pipeline_begin, pipeline_row, &p};
    if (error == INK_OK)
        error = decoder->decode(source, arena, &options->limits, &sink, info);
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
