/*
 * scale.h — fitting an image into a box, and the streaming area-average scaler.
 *
 * Geometry. ink_fit_compute() decides, from the source size and the display box, which part of
 * the source is used (the crop) and the output size:
 *   contain  the whole image, as large as fits the box, aspect kept (rounded to the nearest
 *            pixel, at least 1); never larger than the source unless `upscale`.
 *   cover    the box filled, the source centre-cropped to the box's aspect; without `upscale`
 *            a source smaller than the box gives the crop at its own size.
 * ink_fit_choose_scale() then picks the DCT scale (the smallest reduction that still leaves the
 * crop at least as large as the output) and maps the crop onto the scaled image.
 *
 * Scaling. Each output pixel is the area average of the source pixels it covers (box filter
 * over fractional coverage, in integer arithmetic): the output row r covers source rows
 * [r*ch/H, (r+1)*ch/H) of the crop, likewise for columns. Both axes are measured in units
 * reduced by gcd(crop, out), so a source pixel weighs px_units and an output column col_units.
 * Three plans: the first when its memory is given, the last only when an output pixel's whole
 * sum would not fit 32 bits:
 *   sums by source column  each source row is added, weighted by its vertical coverage, into
 *            crop_width uint32 column sums; a completed output row walks across them once and
 *            divides each output pixel's sum by its whole weight (out_row_units * col_units)
 *            with a 32-bit reciprocal, rounding to nearest (exact, or within 1/256 of exact for
 *            divisors in [256, 32768], where the correction step is skipped).
 *   sums by output column  each source row is walked once, its exact sum over each output
 *            column's area (in units) added, weighted, into out_width uint32 sums, which a
 *            completed row divides exactly and rounds. Any crop width.
 *   averages by output column  as the second, but each column's sum reduced to an 8.8
 *            fixed-point average first (a 32-bit reciprocal multiply, error below 1/256), so
 *            the sums stay below 65280 * out_row_units < 2^32 whatever the reduction.
 * Either way every output pixel is within 0.5 + 1/256 of the exact area average.
 * Source rows arrive one at a time (ink_scaler_push_row); each finished output row is handed
 * to the `emit` callback. The scaler holds one row of sums and one output row in caller
 * memory, the output row either at the end of the work memory or apart (the converter puts it
 * in ROW when it fits there, leaving IMAGE2 to the sums); ink_scaler_fastest_work_bytes() says
 * how much memory the fastest plan that fits a limit takes.
 * The crop may be at most INK_MAX_SCALER_SOURCE pixels on a side.
 */
#ifndef INK_DECODE_SCALE_H
#define INK_DECODE_SCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

/* The widest output the pipeline produces: the X4's screen in landscape. Its working rows fit
 * the IMAGE2 (scaler) and ROW (dither, BMP) regions; docs/MEMORY.md has the arithmetic. */
#define INK_MAX_OUTPUT_WIDTH 800u

/* The largest crop side the scaler takes: keeps every fixed-point sum inside 32 bits. */
#define INK_MAX_SCALER_SOURCE 65535u

typedef enum ink_fit {
    INK_FIT_CONTAIN = 0,
    INK_FIT_COVER
} ink_fit;

typedef struct ink_fit_geometry {
    uint32_t crop_x, crop_y, crop_width, crop_height; /* in source pixels */
    uint32_t out_width, out_height;
} ink_fit_geometry;

/* Computes the crop and output size for a `source_width` x `source_height` image in a
 * `box_width` x `box_height` box. Errors: INK_ERR_INVALID_ARGUMENT for a zero size. */
ink_error ink_fit_compute(uint32_t source_width, uint32_t source_height, uint32_t box_width,
                          uint32_t box_height, ink_fit fit, bool upscale,
                          ink_fit_geometry *geometry);

/* Picks the largest k (scale 1/2^k) whose bit is in `scale_mask` such that the crop reduced by
 * 2^k is still at least the output size in both directions (k = 0 if none; if the mask lacks
 * bit 0 — the decoder cannot deliver full size, e.g. a progressive JPEG too wide for its band —
 * the smallest k in the mask: the sharpest scale there is, which the scaler enlarges), and rewrites
 * `geometry`'s crop in the coordinates of the ceil(size / 2^k) scaled image. Returns k. */
unsigned ink_fit_choose_scale(uint32_t source_width, uint32_t source_height, uint8_t scale_mask,
                              ink_fit_geometry *geometry);

typedef ink_error ink_scaler_emit_fn(void *user, const uint8_t *row);

typedef enum ink_scaler_plan {
    INK_SCALER_SOURCE_COLUMNS = 0,   /* exact sums by source column */
    INK_SCALER_OUTPUT_COLUMNS,       /* exact sums by output column */
    INK_SCALER_OUTPUT_COLUMN_AVERAGES /* sums by output column of 8.8 averages */
} ink_scaler_plan;

typedef struct ink_scaler ink_scaler;

/* Takes over a completed output row of the plan by source column (ink_scaler_take_rows). */
typedef ink_error ink_scaler_finish_fn(void *user, ink_scaler *scaler, const uint8_t *source,
                                       uint32_t weight, uint32_t rest);

struct ink_scaler {
    uint32_t in_width, in_height;
    ink_fit_geometry geometry;
    ink_scaler_plan plan;     /* the fastest plan whose memory is given (see above) */
    uint32_t *accumulators;   /* crop_width source-column sums, or out_width output-column sums
                                 (exact, or of 8.8 averages), weighted by row coverage */
    uint8_t *out_row;         /* out_width */
    uint32_t px_units;        /* along x: one source pixel ...                        */
    uint32_t col_units;       /* ... and one output column, in gcd-reduced units       */
    uint32_t col_whole_px;    /* col_units / px_units                                 */
    uint32_t col_rest_units;  /* col_units % px_units                                 */
    uint32_t col_reciprocal;  /* ceil(2^32 / col_units) (col_units >= 2)              */
    uint32_t row_units;       /* along y: one source row ...                          */
    uint32_t out_row_units;   /* ... and one output row, in gcd-reduced units          */
    uint32_t out_divisor;     /* an output pixel's whole weight: out_row_units * col_units,
                                 or 256 * out_row_units for sums of 8.8 averages          */
    uint32_t out_reciprocal;  /* floor(2^32 / out_divisor)                            */
    uint32_t in_y;            /* next source row to arrive */
    uint32_t out_y;           /* next output row to finish */
    ink_scaler_emit_fn *emit;
    void *emit_user;
    ink_scaler_finish_fn *finish; /* NULL: the scaler's own walk, then `emit` */
    void *finish_user;
};

/* The work memory of each plan for `geometry` (the crop's width in the coordinates the scaler
 * is given), with the output row in it (`out_row_apart` false) or not. */
size_t ink_scaler_plan_work_bytes(ink_scaler_plan plan, const ink_fit_geometry *geometry,
                                  bool out_row_apart);

/* The work memory of the fastest plan whose memory is at most `limit`, or the least (sums by
 * output column) when none is. */
size_t ink_scaler_fastest_work_bytes(const ink_fit_geometry *geometry, bool out_row_apart,
                                     size_t limit);

/* Prepares to scale an `in_width` x `in_height` image by `geometry` (crop inside the image,
 * out_width <= INK_MAX_OUTPUT_WIDTH). `work` (4-aligned) holds the sums and, when `out_row` is
 * NULL, the output row (else `out_row` holds out_width bytes of the caller's): at least
 * ink_scaler_plan_work_bytes(INK_SCALER_OUTPUT_COLUMNS, ...); the scaler takes the fastest
 * plan whose memory is there and whose sums fit 32 bits.
 * Errors: INK_ERR_INVALID_ARGUMENT, INK_ERR_TOO_LARGE (output wider than the maximum, or a
 * crop side above INK_MAX_SCALER_SOURCE). */
ink_error ink_scaler_init(ink_scaler *scaler, uint32_t in_width, uint32_t in_height,
                          const ink_fit_geometry *geometry, void *work, size_t work_nbytes,
                          uint8_t *out_row, ink_scaler_emit_fn *emit, void *emit_user,
                          ink_error_info *info);

/* Hands each completed output row to `finish` instead of the scaler's own walk and `emit`:
 * `finish(user, scaler, source, weight, rest)` gets the source row that completes it (from the
 * crop's left edge), of which `weight` row units belong to the finished row and `rest` to the
 * next, and must complete the column sums with it and restart them as the scaler would
 * (decode/scale_dither.h does, dithering each output pixel as it is finished). Only for the plan
 * by source column when reducing (at least one whole source pixel per output column); returns
 * false and changes nothing otherwise. */
bool ink_scaler_take_rows(ink_scaler *scaler, ink_scaler_finish_fn *finish, void *user);

/* Takes the next source row (in_width bytes). Rows outside the crop are skipped; each finished
 * output row is emitted before this returns. Returns the first error `emit` returned, or
 * INK_ERR_BAD_STATE after in_height rows. */
ink_error ink_scaler_push_row(ink_scaler *scaler, const uint8_t *row);

/* True once every output row has been emitted. */
bool ink_scaler_done(const ink_scaler *scaler);

#endif
