/*
 * scale.c — fit geometry and the streaming area-average scaler (see scale.h).
 *
 * Coordinates are kept exact by measuring both grids in a common unit: along x, one source
 * pixel is out_width units and one output pixel is crop_width units, so the crop is
 * crop_width * out_width units long on both grids and every overlap is an integer.
 */
#include "decode/scale.h"

#include <string.h>

static uint32_t rounded_ratio(uint64_t numerator, uint64_t denominator)
{
    uint64_t value = (2 * numerator + denominator) / (2 * denominator);
    return value == 0 ? 1u : (uint32_t)value;
}

ink_error ink_fit_compute(uint32_t source_width, uint32_t source_height, uint32_t box_width,
                          uint32_t box_height, ink_fit fit, bool upscale,
                          ink_fit_geometry *geometry)
{
    if (!geometry || source_width == 0 || source_height == 0 || box_width == 0 ||
        box_height == 0)
        return INK_ERR_INVALID_ARGUMENT;
    const uint64_t sw = source_width, sh = source_height, bw = box_width, bh = box_height;
    const bool wider_than_box = sw * bh > sh * bw;
    ink_fit_geometry g = {0, 0, source_width, source_height, 0, 0};
    if (fit == INK_FIT_CONTAIN) {
        if (!upscale && sw <= bw && sh <= bh) {
            g.out_width = source_width;
            g.out_height = source_height;
        } else if (wider_than_box) {
            g.out_width = box_width;
            g.out_height = rounded_ratio(sh * bw, sw);
        } else {
            g.out_height = box_height;
            g.out_width = rounded_ratio(sw * bh, sh);
        }
    } else {
        if (wider_than_box) {
            g.crop_width = rounded_ratio(sh * bw, bh);
            if (g.crop_width > source_width)
                g.crop_width = source_width;
            g.crop_x = (source_width - g.crop_width) / 2;
        } else {
            g.crop_height = rounded_ratio(sw * bh, bw);
            if (g.crop_height > source_height)
                g.crop_height = source_height;
            g.crop_y = (source_height - g.crop_height) / 2;
        }
        if (!upscale && (g.crop_width < box_width || g.crop_height < box_height)) {
            g.out_width = g.crop_width;
            g.out_height = g.crop_height;
        } else {
            g.out_width = box_width;
            g.out_height = box_height;
        }
    }
    *geometry = g;
    return INK_OK;
}

/* Maps a crop interval [start, start + length) of a `size` axis onto its ceil(size / 2^k)
 * scaled version, keeping it non-empty and inside. */
static void map_crop_axis(uint32_t size, uint32_t scaled_size, uint32_t *start, uint32_t *length)
{
    uint32_t scaled_start = (uint32_t)((uint64_t)*start * scaled_size / size);
    uint32_t scaled_length = rounded_ratio((uint64_t)*length * scaled_size, size);
    if (scaled_start >= scaled_size)
        scaled_start = scaled_size - 1;
    if (scaled_length > scaled_size - scaled_start)
        scaled_length = scaled_size - scaled_start;
    *start = scaled_start;
    *length = scaled_length;
}

unsigned ink_fit_choose_scale(uint32_t source_width, uint32_t source_height, uint8_t scale_mask,
                              ink_fit_geometry *geometry)
{
    unsigned chosen = 0;
    for (unsigned k = 3; k > 0; k--) {
        if ((scale_mask & (1u << k)) && (geometry->crop_width >> k) >= geometry->out_width &&
            (geometry->crop_height >> k) >= geometry->out_height) {
            chosen = k;
            break;
        }
    }
    if (chosen > 0) {
        uint32_t scaled_width = (uint32_t)(((uint64_t)source_width + (1u << chosen) - 1) >> chosen);
        uint32_t scaled_height =
            (uint32_t)(((uint64_t)source_height + (1u << chosen) - 1) >> chosen);
        map_crop_axis(source_width, scaled_width, &geometry->crop_x, &geometry->crop_width);
        map_crop_axis(source_height, scaled_height, &geometry->crop_y, &geometry->crop_height);
    }
    return chosen;
}

size_t ink_scaler_work_bytes(uint32_t out_width)
{
    size_t accumulator_nbytes = (size_t)out_width * sizeof(uint32_t);
    return accumulator_nbytes + (((size_t)out_width + 3u) & ~(size_t)3u);
}

ink_error ink_scaler_init(ink_scaler *scaler, uint32_t in_width, uint32_t in_height,
                          const ink_fit_geometry *geometry, void *work, size_t work_nbytes,
                          ink_scaler_emit_fn *emit, void *emit_user, ink_error_info *info)
{
    const ink_fit_geometry *g = geometry;
    if (!scaler || !g || !work || !emit || in_width == 0 || in_height == 0 ||
        g->crop_width == 0 || g->crop_height == 0 || g->crop_x >= in_width ||
        g->crop_y >= in_height || g->crop_width > in_width - g->crop_x ||
        g->crop_height > in_height - g->crop_y || g->out_width == 0 || g->out_height == 0 ||
        ((uintptr_t)work & 3u) != 0)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "scaler: inconsistent geometry");
    if (g->out_width > INK_MAX_OUTPUT_WIDTH)
        return ink_error_set(info, INK_ERR_TOO_LARGE,
                             "output width %u exceeds the pipeline's maximum of %u", g->out_width,
                             INK_MAX_OUTPUT_WIDTH);
    if (work_nbytes < ink_scaler_work_bytes(g->out_width))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "scaler: %zu work bytes, need %zu",
                             work_nbytes, ink_scaler_work_bytes(g->out_width));
    memset(scaler, 0, sizeof *scaler);
    scaler->in_width = in_width;
    scaler->in_height = in_height;
    scaler->geometry = *g;
    scaler->accumulators = work;
    scaler->out_row = (uint8_t *)work + (size_t)g->out_width * sizeof(uint32_t);
    scaler->x_reciprocal = (1ull << 40) / g->crop_width;
    scaler->y_reciprocal = ((1ull << 32) + g->crop_height / 2) / g->crop_height;
    scaler->emit = emit;
    scaler->emit_user = emit_user;
    memset(scaler->accumulators, 0, (size_t)g->out_width * sizeof(uint32_t));
    return INK_OK;
}

/* One horizontal pass over the crop of a source row. For each output column j it computes
 * h = the row's area average over column j, in 8.8 fixed point, then either
 *   adds h * weight to the accumulator (finish == false), or
 *   completes the output row: out[j] = (accumulator + h * weight) / (crop_height * 256),
 *   and restarts the accumulator with h * rest, the part of this source row that belongs to the
 *   next output row. */
static void horizontal_pass(ink_scaler *scaler, const uint8_t *source, uint32_t weight,
                            uint32_t rest, bool finish)
{
    const uint32_t crop_width = scaler->geometry.crop_width;
    const uint32_t out_width = scaler->geometry.out_width;
    const uint64_t x_reciprocal = scaler->x_reciprocal;
    const uint64_t y_reciprocal = scaler->y_reciprocal;
    uint32_t *accumulators = scaler->accumulators;
    uint8_t *out_row = scaler->out_row;
    uint32_t position = 0, in_end = out_width, out_end = crop_width, i = 0;
    for (uint32_t j = 0; j < out_width; j++) {
        uint32_t sum = 0;
        while (in_end <= out_end) {
            sum += source[i] * (in_end - position);
            position = in_end;
            i++;
            in_end += out_width;
        }
        if (position < out_end) {
            sum += source[i] * (out_end - position);
            position = out_end;
        }
        out_end += crop_width;
        uint32_t average = (uint32_t)(((uint64_t)sum * x_reciprocal) >> 32);
        if (!finish) {
            accumulators[j] += average * weight;
        } else {
            uint32_t total = accumulators[j] + average * weight;
            uint32_t value = (uint32_t)(((uint64_t)total * y_reciprocal + (1ull << 39)) >> 40);
            out_row[j] = (uint8_t)(value > 255u ? 255u : value);
            accumulators[j] = average * rest;
        }
    }
}

ink_error ink_scaler_push_row(ink_scaler *scaler, const uint8_t *row)
{
    if (scaler->in_y >= scaler->in_height)
        return INK_ERR_BAD_STATE;
    const ink_fit_geometry *g = &scaler->geometry;
    uint32_t y = scaler->in_y++;
    if (y < g->crop_y || y - g->crop_y >= g->crop_height || scaler->out_y >= g->out_height)
        return INK_OK;
    /* Along y, a source row is out_height units and an output row crop_height units. */
    const uint64_t row_units = g->out_height, out_units = g->crop_height;
    uint64_t position = (uint64_t)(y - g->crop_y) * row_units;
    const uint64_t row_end = position + row_units;
    const uint8_t *source = row + g->crop_x;
    while (position < row_end && scaler->out_y < g->out_height) {
        uint64_t out_end = (uint64_t)(scaler->out_y + 1) * out_units;
        if (out_end > row_end) {
            horizontal_pass(scaler, source, (uint32_t)(row_end - position), 0, false);
            return INK_OK;
        }
        uint64_t rest = row_end - out_end;
        /* A rest of a whole output row or more (upscaling) is taken by the next iteration. */
        horizontal_pass(scaler, source, (uint32_t)(out_end - position),
                        rest < out_units ? (uint32_t)rest : 0u, true);
        scaler->out_y++;
        ink_error error = scaler->emit(scaler->emit_user, scaler->out_row);
        if (error != INK_OK)
            return error;
        position = rest < out_units ? row_end : out_end;
    }
    return INK_OK;
}

bool ink_scaler_done(const ink_scaler *scaler)
{
    return scaler->out_y == scaler->geometry.out_height;
}
