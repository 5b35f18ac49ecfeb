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
#include "decode/scale_internal.h"

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

size_t ink_scaler_plan_work_bytes(ink_scaler_plan plan, const ink_fit_geometry *geometry,
                                  bool out_row_apart)
{
    const size_t out_width = geometry->out_width;
    const size_t sum_count = plan == INK_SCALER_SOURCE_COLUMNS ? geometry->crop_width : out_width;
    const size_t out_row_nbytes = out_row_apart ? 0u : (out_width + 3u) & ~(size_t)3u;
    return sum_count * sizeof(uint32_t) + out_row_nbytes;
}

size_t ink_scaler_fastest_work_bytes(const ink_fit_geometry *geometry, bool out_row_apart,
                                     size_t limit)
{
    const size_t least = ink_scaler_plan_work_bytes(INK_SCALER_OUTPUT_COLUMNS, geometry,
                                                    out_row_apart);
    const size_t fastest = ink_scaler_plan_work_bytes(INK_SCALER_SOURCE_COLUMNS, geometry,
                                                      out_row_apart);
    /* a crop narrower than the output has source-column sums in the least memory */
    return fastest > least && fastest <= limit ? fastest : least;
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

ink_error ink_scaler_init(ink_scaler *scaler, uint32_t in_width, uint32_t in_height,
                          const ink_fit_geometry *geometry, void *work, size_t work_nbytes,
                          uint8_t *out_row, ink_scaler_emit_fn *emit, void *emit_user,
                          ink_error_info *info)
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
    /* Without a separate output row, it is the work memory's last rounded out_width bytes. */
    const size_t out_row_nbytes = out_row ? 0u : ((size_t)g->out_width + 3u) & ~(size_t)3u;
    const size_t least_nbytes =
        ink_scaler_plan_work_bytes(INK_SCALER_OUTPUT_COLUMNS, g, out_row != NULL);
    if (work_nbytes < least_nbytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "scaler: %zu work bytes, need %zu",
                             work_nbytes, least_nbytes);
    const size_t sums_nbytes = work_nbytes - out_row_nbytes;
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
    /* Exact sums (by source column when their memory is there, else by output column) when
     * an output pixel's whole sum, up to 255 * out_row_units * col_units, rounds within 32
     * bits; else sums by output column of 8.8 averages, whose total is at most
     * 65280 * out_row_units. */
    const uint64_t pixel_weight = (uint64_t)scaler->out_row_units * scaler->col_units;
    const bool exact_sums_fit = 511u * pixel_weight < (1ull << 33);
    if (!exact_sums_fit)
        scaler->plan = INK_SCALER_OUTPUT_COLUMN_AVERAGES;
    else if (sums_nbytes >= (size_t)g->crop_width * sizeof(uint32_t))
        scaler->plan = INK_SCALER_SOURCE_COLUMNS;
    else
        scaler->plan = INK_SCALER_OUTPUT_COLUMNS;
    uint32_t sum_count =
        scaler->plan == INK_SCALER_SOURCE_COLUMNS ? g->crop_width : g->out_width;
    scaler->out_divisor = scaler->plan == INK_SCALER_OUTPUT_COLUMN_AVERAGES
                              ? 256u * scaler->out_row_units
                              : (uint32_t)pixel_weight;
    scaler->out_reciprocal = (uint32_t)((1ull << 32) / scaler->out_divisor);
    scaler->accumulators = work;
    scaler->out_row = out_row ? out_row : (uint8_t *)work + (size_t)sum_count * sizeof(uint32_t);
    scaler->emit = emit;
    scaler->emit_user = emit_user;
    memset(scaler->accumulators, 0, (size_t)sum_count * sizeof(uint32_t));
    return INK_OK;
}

/* The walk across one source row by output column. Column j covers the units
 * [j * col_units, (j+1) * col_units) of the row; with P(u) the row's sum over its first u units
 * (whole pixels times px_units plus the covered part of the next pixel), the column's sum is
 * P(end) - P(start). Only whole pixels are walked, each once (`next` is the first not yet in
 * `whole_sum`); P is kept modulo 2^32, which the difference (at most 255 * col_units) does not
 * mind. The end pixel's share is read only when there is one: at the crop's right edge the
 * end falls on a pixel boundary and the pixel there is outside the row. */
typedef struct row_walk {
    uint32_t px_units, whole_px, rest_units, reciprocal; /* the scaler's, in registers */
    const uint8_t *next, *end_pixel;
    uint32_t offset, whole_sum, start_units;
} row_walk;

static inline row_walk row_walk_start(const ink_scaler *scaler, const uint8_t *source)
{
    row_walk w = {scaler->px_units, scaler->col_whole_px, scaler->col_rest_units,
                  scaler->col_reciprocal, source, source, 0, 0, 0};
    return w;
}

/* The next column's sum, in (source pixel units x source value). `one_whole` says that a column
 * spans one whole pixel plus a fraction (a reduction between 1 and 2, what the DCT prescale
 * leaves): the callers pass a constant, so the compiler makes a loop-free copy for that case.
 * With `averages`, the column's average in 8.8 fixed point instead (0..65280), below the exact
 * value by less than 1 or above by less than 1 (the reciprocal is rounded up; the sum times
 * 256 fits 32 bits since col_units <= 65535). */
static inline uint32_t row_walk_next(row_walk *w, const bool one_whole, const bool averages)
{
    const uint32_t px_units = w->px_units;
    const uint8_t *next = w->next;
    uint32_t offset = w->offset + w->rest_units;
    uint32_t whole_sum = w->whole_sum;
    const uint8_t *end_pixel = w->end_pixel + w->whole_px;
    if (offset >= px_units) {
        offset -= px_units;
        end_pixel++;
    }
    if (one_whole) {
        whole_sum += *next++;
        if (next < end_pixel)
            whole_sum += *next++;
    } else {
        for (; next < end_pixel; next++)
            whole_sum += *next;
    }
    uint32_t end_units = whole_sum * px_units;
    if (offset != 0)
        end_units += offset * *end_pixel;
    uint32_t column_sum = end_units - w->start_units;
    w->next = next;
    w->end_pixel = end_pixel;
    w->offset = offset;
    w->whole_sum = whole_sum;
    w->start_units = end_units;
    return averages ? multiply_high(column_sum << 8, w->reciprocal) : column_sum;
}

/* Sums by output column: adds one source row, weighted by `weight` row units, to every
 * column's sum (exact, or of 8.8 averages with `averages`). */
static inline void add_row_by_output_column_as(ink_scaler *scaler, const uint8_t *source,
                                               uint32_t weight, const bool one_whole,
                                               const bool averages)
{
    uint32_t *sum = scaler->accumulators;
    uint32_t *const sums_end = sum + scaler->geometry.out_width;
    row_walk w = row_walk_start(scaler, source);
    for (; sum < sums_end; sum++)
        *sum += row_walk_next(&w, one_whole, averages) * weight;
}

/* Completes the output row with `weight` row units of this source row, rounds each column's
 * sum / out_divisor to nearest, and restarts the sums with the `rest` units of this row that
 * belong to the next output row. */
static inline void finish_row_by_output_column_as(ink_scaler *scaler, const uint8_t *source,
                                                  uint32_t weight, uint32_t rest,
                                                  const bool one_whole, const bool averages)
{
    uint32_t *sum = scaler->accumulators;
    uint8_t *out = scaler->out_row;
    uint8_t *const out_end = out + scaler->geometry.out_width;
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    row_walk w = row_walk_start(scaler, source);
    for (; out < out_end; out++, sum++) {
        uint32_t column = row_walk_next(&w, one_whole, averages);
        uint32_t total = *sum + column * weight + half;
        /* floor(2^32 / divisor) makes the quotient low by at most 1: one correction. */
        uint32_t value = multiply_high(total, reciprocal);
        if (total - value * divisor >= divisor)
            value++;
        *out = (uint8_t)(averages && value > 255u ? 255u : value);
        *sum = column * rest;
    }
}

static void add_row_by_output_column(ink_scaler *scaler, const uint8_t *source, uint32_t weight)
{
    const bool one_whole = scaler->col_whole_px == 1;
    if (scaler->plan == INK_SCALER_OUTPUT_COLUMNS) {
        if (one_whole)
            add_row_by_output_column_as(scaler, source, weight, true, false);
        else
            add_row_by_output_column_as(scaler, source, weight, false, false);
    } else {
        if (one_whole)
            add_row_by_output_column_as(scaler, source, weight, true, true);
        else
            add_row_by_output_column_as(scaler, source, weight, false, true);
    }
}

static void finish_row_by_output_column(ink_scaler *scaler, const uint8_t *source,
                                        uint32_t weight, uint32_t rest)
{
    const bool one_whole = scaler->col_whole_px == 1;
    if (scaler->plan == INK_SCALER_OUTPUT_COLUMNS) {
        if (one_whole)
            finish_row_by_output_column_as(scaler, source, weight, rest, true, false);
        else
            finish_row_by_output_column_as(scaler, source, weight, rest, false, false);
    } else {
        if (one_whole)
            finish_row_by_output_column_as(scaler, source, weight, rest, true, true);
        else
            finish_row_by_output_column_as(scaler, source, weight, rest, false, true);
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

/* Completes the output row from the source columns' sums plus `weight` units of this row,
 * dividing each output pixel's sum by its whole weight (rounded to nearest; at most 255), and
 * restarts the sums with the row's `rest` units; for enlarging (reductions take
 * finish_row_reducing_as below). `exact` is a constant at each call. The walk of
 * row_walk_next over the sums, each completed once: `whole_sum` is the completed sum of the
 * pixels before the current column's end pixel, `value` that of the end pixel when the column
 * ends inside it (`holding`; the next columns' ends may fall inside it too when enlarging),
 * `next` the first pixel not yet completed. The last column ends on the crop's right edge,
 * on a pixel boundary: nothing past the row is read. */
static inline void finish_row_from_column_sums_as(ink_scaler *scaler, const uint8_t *source,
                                                  uint32_t weight, uint32_t rest,
                                                  const bool exact)
{
    uint8_t *out = scaler->out_row;
    uint8_t *const out_end = out + scaler->geometry.out_width;
    uint32_t *sum = scaler->accumulators; /* the sum of the pixel at `next` */
    const uint32_t px_units = scaler->px_units, whole_px = scaler->col_whole_px;
    const uint32_t rest_units = scaler->col_rest_units;
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    const uint8_t *next = source, *end_pixel = source;
    uint32_t offset = 0, whole_sum = 0, start_units = 0, value = 0;
    bool holding = false;
    for (; out < out_end; out++) {
        end_pixel += whole_px;
        offset += rest_units;
        if (offset >= px_units) {
            offset -= px_units;
            end_pixel++;
        }
        if (holding && next <= end_pixel) {
            whole_sum += value;
            holding = false;
        }
        for (; next < end_pixel; next++, sum++)
            whole_sum += complete_column(sum, next, weight, rest);
        uint32_t end_units = whole_sum * px_units;
        if (offset != 0) {
            if (!holding) {
                value = complete_column(sum++, next++, weight, rest);
                holding = true;
            }
            end_units += offset * value;
        }
        uint32_t total = end_units - start_units + half;
        start_units = end_units;
        *out = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
    }
}

/* finish_row_from_column_sums_as for a reduction (at least one whole source pixel per
 * column), written for the RV32 core; `one_whole` (a constant) for exactly one, a reduction
 * between 1 and 2, what the DCT prescale leaves: the common case. `value` is always the
 * completed sum of the pixel where the column starts: every column but the last ends inside or
 * at the edge of a pixel that exists, which is completed once and carried as the next column's
 * first; its share of this column is offset * value (zero when the column ends on its edge), so
 * there is no test per column beyond the one whole pixel more or not. A column's sum is
 * px_units times its pixels' sums, less the start pixel's share of the column before (`share`),
 * plus the end pixel's. The last column ends at the crop's right edge, on a pixel boundary: it
 * reads nothing past the row. */
static inline void finish_row_reducing_as(ink_scaler *scaler, const uint8_t *source,
                                          uint32_t weight, uint32_t rest, const bool one_whole,
                                          const bool exact)
{
    uint8_t *out = scaler->out_row;
    uint8_t *const out_last = out + scaler->geometry.out_width - 1u;
    uint32_t *sum = scaler->accumulators;
    const uint32_t px_units = scaler->px_units, rest_units = scaler->col_rest_units;
    const uint32_t more_px = scaler->col_whole_px - 1u; /* whole pixels after the first */
    const uint32_t divisor = scaler->out_divisor, reciprocal = scaler->out_reciprocal;
    const uint32_t half = divisor / 2u;
    uint32_t offset = 0, share = 0;
    uint32_t value = complete_column(sum, source, weight, rest);
    if (one_whole) {
        /* Blocks of eight columns, none the last, at constant offsets from `sum` and `source`
         * (the pixel where the block's column i starts is at sum + i), which move only for a
         * column's second pixel and by eight after the block, as in decode/scale_dither.c. */
        for (uint32_t blocks = (uint32_t)(out_last - out) / 8u; blocks > 0; blocks--) {
#pragma GCC unroll 8
            for (uint32_t i = 0; i < 8; i++) {
                uint32_t whole_sum = value;
                offset += rest_units;
                if (offset >= px_units) {
                    offset -= px_units;
                    sum++;
                    source++;
                    whole_sum += complete_column(sum + i, source + i, weight, rest);
                }
                uint32_t total = whole_sum * px_units - share + half;
                value = complete_column(sum + i + 1, source + i + 1, weight, rest);
                share = offset * value;
                total += share;
                out[i] = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
            }
            sum += 8;
            source += 8;
            out += 8;
        }
    }
    for (;;) {
        uint32_t whole_sum = value;
        sum++;
        source++;
        if (!one_whole)
            for (uint32_t k = 0; k < more_px; k++)
                whole_sum += complete_column(sum++, source++, weight, rest);
        offset += rest_units;
        if (offset >= px_units) {
            offset -= px_units;
            whole_sum += complete_column(sum++, source++, weight, rest);
        }
        uint32_t total = whole_sum * px_units - share + half;
        if (out == out_last) {
            *out = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
            return;
        }
        value = complete_column(sum, source, weight, rest);
        share = offset * value;
        total += share;
        *out++ = (uint8_t)divide_by_reciprocal(total, divisor, reciprocal, exact);
    }
}

static void finish_row_from_column_sums(ink_scaler *scaler, const uint8_t *source,
                                        uint32_t weight, uint32_t rest)
{
    const uint32_t whole_px = scaler->col_whole_px;
    const bool exact = scaler_division_exact(scaler);
    if (whole_px == 1 && !exact)
        finish_row_reducing_as(scaler, source, weight, rest, true, false);
    else if (whole_px == 1)
        finish_row_reducing_as(scaler, source, weight, rest, true, true);
    else if (whole_px > 1 && !exact)
        finish_row_reducing_as(scaler, source, weight, rest, false, false);
    else if (whole_px > 1)
        finish_row_reducing_as(scaler, source, weight, rest, false, true);
    else if (!exact)
        finish_row_from_column_sums_as(scaler, source, weight, rest, false);
    else
        finish_row_from_column_sums_as(scaler, source, weight, rest, true);
}

/* ink_scaler_push_row for a scaler that finishes its rows itself (`taken` false: its walk into
 * the output row, then `emit`) or hands them to `finish`; `taken` is a constant at each call,
 * so the scaler's own path compiles as if the hook were not there. */
static inline __attribute__((always_inline)) ink_error
push_row_as(ink_scaler *scaler, const uint8_t *row, const bool taken)
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
            const uint32_t weight = (uint32_t)(row_end - position);
            if (scaler->plan == INK_SCALER_SOURCE_COLUMNS)
                add_row_to_column_sums(scaler, source, weight);
            else
                add_row_by_output_column(scaler, source, weight);
            return INK_OK;
        }
        uint64_t rest = row_end - out_end;
        /* A rest of a whole output row or more (upscaling) is taken by the next iteration. */
        uint32_t weight = (uint32_t)(out_end - position);
        uint32_t next_weight = rest < out_units ? (uint32_t)rest : 0u;
        scaler->out_y++;
        ink_error error;
        if (taken) {
            error = scaler->finish(scaler->finish_user, scaler, source, weight, next_weight);
        } else {
            if (scaler->plan == INK_SCALER_SOURCE_COLUMNS)
                finish_row_from_column_sums(scaler, source, weight, next_weight);
            else
                finish_row_by_output_column(scaler, source, weight, next_weight);
            error = scaler->emit(scaler->emit_user, scaler->out_row);
        }
        if (error != INK_OK)
            return error;
        position = rest < out_units ? row_end : out_end;
    }
    return INK_OK;
}

/* The path with the rows taken over, a function of its own: inlined beside the scaler's own
 * path, GCC allocated that one's registers worse (0.25 RV32 instructions per output pixel). */
static __attribute__((noinline)) ink_error push_row_taken(ink_scaler *scaler,
                                                          const uint8_t *row)
{
    return push_row_as(scaler, row, true);
}

ink_error ink_scaler_push_row(ink_scaler *scaler, const uint8_t *row)
{
    if (scaler->finish)
        return push_row_taken(scaler, row);
    return push_row_as(scaler, row, false);
}

bool ink_scaler_take_rows(ink_scaler *scaler, ink_scaler_finish_fn *finish, void *user)
{
    if (scaler->plan != INK_SCALER_SOURCE_COLUMNS || scaler->col_whole_px == 0 || !finish)
        return false;
    scaler->finish = finish;
    scaler->finish_user = user;
    return true;
}

bool ink_scaler_done(const ink_scaler *scaler)
{
    return scaler->out_y == scaler->geometry.out_height;
}
