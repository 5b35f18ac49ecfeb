/*
 * scale.c — fit geometry and the streaming area-average scaler (see scale.h).
 *
 * Coordinates are kept exact by measuring both grids in a common unit: along x, one source
 * pixel is out_width units and one output pixel is crop_width units, so the crop is
 * crop_width * out_width units long on both grids and every overlap is an integer; likewise
 * along y with out_height and crop_height. The scaler divides each pair by its gcd, which keeps
 * its sums small enough for 32-bit arithmetic (the RV32 core has no 64-bit multiply).
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
    if (chosen == 0 && !(scale_mask & 1u) && (scale_mask & 0xEu)) {
        while (!(scale_mask & (1u << chosen)))
            chosen++; /* no offered scale reaches the output: the sharpest one that exists */
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

size_t ink_scaler_source_column_work_bytes(uint32_t crop_width, uint32_t out_width)
{
    return (size_t)crop_width * sizeof(uint32_t) + (((size_t)out_width + 3u) & ~(size_t)3u);
}

static uint32_t greatest_common_divisor(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The high word of a 32 x 32-bit product: one `mulhu` on RV32. */
static inline uint32_t multiply_high(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
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
    if (g->crop_width > INK_MAX_SCALER_SOURCE || g->crop_height > INK_MAX_SCALER_SOURCE ||
        g->out_height > INK_MAX_SCALER_SOURCE)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "scaler: %ux%u -> %ux%u is too large",
                             g->crop_width, g->crop_height, g->out_width, g->out_height);
    if (work_nbytes < ink_scaler_work_bytes(g->out_width))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "scaler: %zu work bytes, need %zu",
                             work_nbytes, ink_scaler_work_bytes(g->out_width));
    memset(scaler, 0, sizeof *scaler);
    scaler->in_width = in_width;
    scaler->in_height = in_height;
    scaler->geometry = *g;
    /* Along x a source pixel is out_width units and an output column crop_width units, both
     * divided by their gcd; doubled when a column would be one unit, so that its reciprocal
     * fits 32 bits. */
    uint32_t gx = greatest_common_divisor(g->crop_width, g->out_width);
    uint32_t x_scale = g->crop_width == gx ? 2u : 1u;
    scaler->px_units = g->out_width / gx * x_scale;
    scaler->col_units = g->crop_width / gx * x_scale;
    scaler->col_whole_px = scaler->col_units / scaler->px_units;
    scaler->col_rest_units = scaler->col_units % scaler->px_units;
    scaler->col_reciprocal = (uint32_t)(((1ull << 32) + scaler->col_units - 1) / scaler->col_units);
    uint32_t gy = greatest_common_divisor(g->crop_height, g->out_height);
    scaler->row_units = g->out_height / gy;
    scaler->out_row_units = g->crop_height / gy;
    /* Sums by source column when the memory is there and an output pixel's whole sum, up to
     * 255 * out_row_units * col_units, rounds within 32 bits; else sums by output column of
     * 8.8 averages, whose total is at most 65280 * out_row_units. */
    const uint64_t pixel_weight = (uint64_t)scaler->out_row_units * scaler->col_units;
    scaler->sums_by_source_column =
        work_nbytes >= ink_scaler_source_column_work_bytes(g->crop_width, g->out_width) &&
        511u * pixel_weight < (1ull << 33);
    uint32_t sum_count = scaler->sums_by_source_column ? g->crop_width : g->out_width;
    scaler->out_divisor = scaler->sums_by_source_column ? (uint32_t)pixel_weight
                                                        : 256u * scaler->out_row_units;
    scaler->out_reciprocal = (uint32_t)((1ull << 32) / scaler->out_divisor);
    scaler->accumulators = work;
    scaler->out_row = (uint8_t *)work + (size_t)sum_count * sizeof(uint32_t);
    scaler->emit = emit;
    scaler->emit_user = emit_user;
    memset(scaler->accumulators, 0, (size_t)sum_count * sizeof(uint32_t));
    return INK_OK;
}

/* The column averages of one source row, one at a time. Column j covers the units
 * [j * col_units, (j+1) * col_units) of the row; with P(u) the row's sum over its first u
 * units (whole pixels times px_units plus the covered part of the next pixel), the column's sum
 * is P(end) - P(start). Only whole pixels are walked; P is kept modulo 2^32, which the
 * difference (at most 255 * col_units) does not mind. */
typedef struct column_walk {
    const uint8_t *source;
    uint32_t px_units, whole_px, rest_units, reciprocal;
    uint32_t pixel;       /* the first pixel not yet in `whole_sum` */
    uint32_t offset;      /* units of `pixel` before the current column's end */
    uint32_t whole_sum;   /* sum of source[0 .. pixel) */
    uint32_t start_units; /* P at the current column's start */
} column_walk;

static inline column_walk column_walk_start(const ink_scaler *scaler, const uint8_t *source)
{
    column_walk w = {source, scaler->px_units, scaler->col_whole_px, scaler->col_rest_units,
                     scaler->col_reciprocal, 0, 0, 0, 0};
    return w;
}

/* The next column's average in 8.8 fixed point (0..65280), below the exact value by less
 * than 1 or above by less than 1 (the reciprocal is rounded up). `one_whole` says that a column
 * spans one whole pixel plus a fraction (a reduction between 1 and 2, what the DCT prescale
 * leaves): the callers pass a constant, so the compiler makes a loop-free copy for that case. */
static inline uint32_t column_walk_next(column_walk *w, const bool one_whole)
{
    uint32_t end_pixel = w->pixel + w->whole_px;
    uint32_t offset = w->offset + w->rest_units;
    uint32_t whole_sum = w->whole_sum;
    if (one_whole) {
        whole_sum += w->source[w->pixel];
        if (offset >= w->px_units) {
            offset -= w->px_units;
            whole_sum += w->source[end_pixel];
            end_pixel++;
        }
    } else {
        if (offset >= w->px_units) {
            offset -= w->px_units;
            end_pixel++;
        }
        for (uint32_t i = w->pixel; i < end_pixel; i++)
            whole_sum += w->source[i];
    }
    uint32_t end_units = whole_sum * w->px_units;
    /* The end pixel's partial share is read only when there is one: at the crop's right
     * edge the end falls on a pixel boundary and source[end_pixel] is outside the row. */
    if (offset != 0)
        end_units += offset * w->source[end_pixel];
    uint32_t column_sum = end_units - w->start_units;
    w->pixel = end_pixel;
    w->offset = offset;
    w->whole_sum = whole_sum;
    w->start_units = end_units;
    return multiply_high(column_sum << 8, w->reciprocal);
}

/* Adds one source row, weighted by `weight` row units, to every column's running sum. */
static void accumulate_row(ink_scaler *scaler, const uint8_t *source, uint32_t weight)
{
    uint32_t *accumulators = scaler->accumulators;
    const uint32_t out_width = scaler->geometry.out_width;
    column_walk w = column_walk_start(scaler, source);
    if (w.whole_px == 1) {
        for (uint32_t j = 0; j < out_width; j++)
            accumulators[j] += column_walk_next(&w, true) * weight;
    } else {
        for (uint32_t j = 0; j < out_width; j++)
            accumulators[j] += column_walk_next(&w, false) * weight;
    }
}

/* Completes the output row with `weight` row units of this source row, rounds each column's
 * sum / (256 * out_row_units) to nearest, and restarts the sums with the `rest` units of this
 * row that belong to the next output row. */
static void finish_row(ink_scaler *scaler, const uint8_t *source, uint32_t weight, uint32_t rest)
{
    uint32_t *accumulators = scaler->accumulators;
    uint8_t *out_row = scaler->out_row;
    const uint32_t out_width = scaler->geometry.out_width;
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    column_walk w = column_walk_start(scaler, source);
    const bool one_whole = w.whole_px == 1;
    for (uint32_t j = 0; j < out_width; j++) {
        uint32_t average = one_whole ? column_walk_next(&w, true) : column_walk_next(&w, false);
        uint32_t total = accumulators[j] + average * weight + half;
        /* floor(2^32 / divisor) makes the quotient low by at most 1: one correction. */
        uint32_t value = multiply_high(total, reciprocal);
        if (total - value * divisor >= divisor)
            value++;
        out_row[j] = (uint8_t)(value > 255u ? 255u : value);
        accumulators[j] = average * rest;
    }
}

/* Sums by source column: every source row is added, weighted, into its columns' sums; only
 * a completed output row walks across them, once. */
static void add_row_to_column_sums(ink_scaler *scaler, const uint8_t *source, uint32_t weight)
{
    uint32_t *sums = scaler->accumulators;
    const uint32_t crop_width = scaler->geometry.crop_width;
    uint32_t x = 0;
    for (; x + 4u <= crop_width; x += 4) { /* four at constant offsets: one pointer step */
        sums[x] += source[x] * weight;
        sums[x + 1] += source[x + 1] * weight;
        sums[x + 2] += source[x + 2] * weight;
        sums[x + 3] += source[x + 3] * weight;
    }
    for (; x < crop_width; x++)
        sums[x] += source[x] * weight;
}

/* The walk of column_walk over the source columns' sums, each with `weight` units of the
 * completing source row added; a column's sum is reset to the row's `rest` units once the walk
 * has taken it whole (it is never read again in this output row). */
typedef struct sum_walk {
    uint32_t *sums;
    const uint8_t *source;
    uint32_t weight, rest;
    uint32_t px_units, whole_px, rest_units;
    uint32_t pixel, offset, whole_sum, start_units; /* as in column_walk */
} sum_walk;

static inline uint32_t sum_walk_peek(const sum_walk *w, uint32_t i)
{
    return w->sums[i] + w->source[i] * w->weight;
}

static inline uint32_t sum_walk_take(sum_walk *w, uint32_t i)
{
    uint32_t value = w->sums[i] + w->source[i] * w->weight;
    w->sums[i] = w->source[i] * w->rest;
    return value;
}

/* The next output column's sum over its area, in (row units x column units) weights. */
static inline uint32_t sum_walk_next(sum_walk *w)
{
    uint32_t end_pixel = w->pixel + w->whole_px;
    uint32_t offset = w->offset + w->rest_units;
    uint32_t whole_sum = w->whole_sum;
    if (offset >= w->px_units) {
        offset -= w->px_units;
        end_pixel++;
    }
    for (uint32_t i = w->pixel; i < end_pixel; i++)
        whole_sum += sum_walk_take(w, i);
    uint32_t end_units = whole_sum * w->px_units;
    if (offset != 0)
        end_units += offset * sum_walk_peek(w, end_pixel);
    uint32_t column_sum = end_units - w->start_units;
    w->pixel = end_pixel;
    w->offset = offset;
    w->whole_sum = whole_sum;
    w->start_units = end_units;
    return column_sum;
}

/* The rounded quotient total / divisor, total = sum + floor(divisor / 2) <= 255.5 * divisor.
 * floor(2^32 / divisor) makes the quotient low by less than 255.5 * divisor / 2^32 (less than
 * 1): with `exact`, one correction step makes it exact. Without it, a quotient can come out one
 * low when the remainder is that small, so the output may be off the true average by
 * 0.5 + 1/(2 divisor) (the halving of an odd divisor) + 255.5 * divisor / 2^32: the callers
 * skip the correction only for 256 <= divisor <= 32768, where that stays below 0.5 + 1/256,
 * the scaler's bound — five instructions fewer per output pixel. */
#define INK_SCALER_NEARLY_EXACT_MIN 256u
#define INK_SCALER_NEARLY_EXACT_MAX 32768u
static inline uint32_t divide_by_reciprocal(uint32_t total, uint32_t divisor, uint32_t reciprocal,
                                            const bool exact)
{
    uint32_t value = multiply_high(total, reciprocal);
    if (exact && total - value * divisor >= divisor)
        value++;
    return value;
}

/* Completes the output row from the source columns' sums plus `weight` units of this row,
 * dividing each output pixel's sum by its whole weight (rounded to nearest; at most 255), and
 * restarts the sums with the row's `rest` units. `exact` is a constant at each call. */
static inline void finish_row_from_column_sums_as(ink_scaler *scaler, const uint8_t *source,
                                                  uint32_t weight, uint32_t rest,
                                                  const bool exact)
{
    uint8_t *out_row = scaler->out_row;
    const uint32_t out_width = scaler->geometry.out_width;
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    sum_walk w = {scaler->accumulators, source, weight, rest, scaler->px_units,
                  scaler->col_whole_px, scaler->col_rest_units, 0, 0, 0, 0};
    for (uint32_t j = 0; j < out_width; j++) {
        uint32_t total = sum_walk_next(&w) + half;
        out_row[j] = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
    }
}

/* A source column's sum completed with `weight` units of this row, and restarted with the row's
 * `rest` units (the walk never reads it again in this output row). */
static inline uint32_t complete_column(uint32_t *sum, const uint8_t *source, uint32_t weight,
                                       uint32_t rest)
{
    uint32_t pixel = *source;
    uint32_t value = *sum + pixel * weight;
    *sum = pixel * rest;
    return value;
}

/* finish_row_from_column_sums_as for one whole source pixel per column (a reduction between
 * 1 and 2, what the DCT prescale leaves: the common case), written for the RV32 core. `value`
 * is always the completed sum of the pixel where the column starts: every column but the last
 * ends inside or at the edge of a pixel that exists, which is completed once and carried as the
 * next column's first; its share of this column is offset * value (zero when the column ends on
 * its edge), so there is no test per column beyond the one whole pixel more or not. The last
 * column ends at the crop's right edge, on a pixel boundary: it reads nothing past the row. */
static inline void finish_row_one_whole_as(ink_scaler *scaler, const uint8_t *source,
                                           uint32_t weight, uint32_t rest, const bool exact)
{
    uint8_t *out = scaler->out_row;
    uint8_t *const out_last = out + scaler->geometry.out_width - 1u;
    uint32_t *sum = scaler->accumulators;
    const uint32_t px_units = scaler->px_units, rest_units = scaler->col_rest_units;
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    uint32_t offset = 0, whole_sum = 0, start_units = 0;
    uint32_t value = complete_column(sum, source, weight, rest);
    for (;;) {
        whole_sum += value;
        sum++;
        source++;
        offset += rest_units;
        if (offset >= px_units) {
            offset -= px_units;
            whole_sum += complete_column(sum++, source++, weight, rest);
        }
        uint32_t end_units = whole_sum * px_units;
        if (out == out_last) {
            *out = (uint8_t)divide_by_reciprocal(end_units - start_units + half, divisor,
                                                 reciprocal, exact);
            return;
        }
        value = complete_column(sum, source, weight, rest);
        end_units += offset * value;
        uint32_t total = end_units - start_units + half;
        start_units = end_units;
        *out++ = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
    }
}

static void finish_row_from_column_sums(ink_scaler *scaler, const uint8_t *source,
                                        uint32_t weight, uint32_t rest)
{
    const bool one_whole = scaler->col_whole_px == 1;
    const bool exact = scaler->out_divisor < INK_SCALER_NEARLY_EXACT_MIN ||
                       scaler->out_divisor > INK_SCALER_NEARLY_EXACT_MAX;
    if (one_whole && !exact)
        finish_row_one_whole_as(scaler, source, weight, rest, false);
    else if (one_whole)
        finish_row_one_whole_as(scaler, source, weight, rest, true);
    else if (!exact)
        finish_row_from_column_sums_as(scaler, source, weight, rest, false);
    else
        finish_row_from_column_sums_as(scaler, source, weight, rest, true);
}

ink_error ink_scaler_push_row(ink_scaler *scaler, const uint8_t *row)
{
    if (scaler->in_y >= scaler->in_height)
        return INK_ERR_BAD_STATE;
    const ink_fit_geometry *g = &scaler->geometry;
    uint32_t y = scaler->in_y++;
    if (y < g->crop_y || y - g->crop_y >= g->crop_height || scaler->out_y >= g->out_height)
        return INK_OK;
    /* Along y, a source row is row_units and an output row out_row_units (gcd-reduced). */
    const uint64_t row_units = scaler->row_units, out_units = scaler->out_row_units;
    uint64_t position = (uint64_t)(y - g->crop_y) * row_units;
    const uint64_t row_end = position + row_units;
    const uint8_t *source = row + g->crop_x;
    while (position < row_end && scaler->out_y < g->out_height) {
        uint64_t out_end = (uint64_t)(scaler->out_y + 1) * out_units;
        if (out_end > row_end) {
            if (scaler->sums_by_source_column)
                add_row_to_column_sums(scaler, source, (uint32_t)(row_end - position));
            else
                accumulate_row(scaler, source, (uint32_t)(row_end - position));
            return INK_OK;
        }
        uint64_t rest = row_end - out_end;
        /* A rest of a whole output row or more (upscaling) is taken by the next iteration. */
        uint32_t weight = (uint32_t)(out_end - position);
        uint32_t next_weight = rest < out_units ? (uint32_t)rest : 0u;
        if (scaler->sums_by_source_column)
            finish_row_from_column_sums(scaler, source, weight, next_weight);
        else
            finish_row(scaler, source, weight, next_weight);
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
