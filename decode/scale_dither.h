/*
 * scale_dither.h — the scaler's finishing walk and 1-bit Floyd–Steinberg in one pass: each
 * output pixel is dithered as the walk across the column sums finishes it, so the scaled row is
 * never stored and read back (the default conversion's path; decode/convert.c installs it with
 * ink_scaler_take_rows).
 *
 * The output is the same bit for bit as the scaler's output row passed to ink_dither_row: the
 * walk computes each output pixel's exact sum and divides it as the scaler does, and on the
 * ditherer's right-to-left rows it runs mirrored, from the crop's right edge (the column and
 * pixel boundaries of a row mirrored are those of the mirrored row, and every sum is exact
 * whichever end it starts from).
 */
#ifndef INK_DECODE_SCALE_DITHER_H
#define INK_DECODE_SCALE_DITHER_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/scale.h"
#include "dither/dither.h"
#include "dither/tone.h"

/* True when the pair can run fused: the scaler sums by source column and reduces by between 1
 * and 2 (one whole source pixel per output column, what the DCT prescale leaves; larger
 * reductions and enlarging keep the two stages apart), the ditherer is 1-bit Floyd–Steinberg,
 * both as wide as the output. */
bool ink_scale_dither_fits(const ink_scaler *scaler, const ink_ditherer *ditherer);

/* Writes the fused walk's domain table: 16 times the ditherer's domain value of each gray (its
 * table's, or the gray itself), so that the walk needs no shift per pixel. `domain16` may be
 * the ditherer's own table, rewritten in place; then only ink_scale_dither_row may dither with
 * that ditherer from here on. Returns false, writing nothing, when a domain value passes
 * INK_DOMAIN_WHITE (16 times it would not fit 16 bits). */
bool ink_scale_dither_table(const ink_ditherer *ditherer, uint16_t domain16[256]);

/* Completes the scaler's next output row from its column sums and `weight` row units of
 * `source` (the completing source row from the crop's left edge; `rest` of its units go to the
 * next output row, and the sums restart with them), dithers it and writes the packed row to
 * `packed` (ceil(width / 8) bytes). For pairs ink_scale_dither_fits() accepts, with the table
 * ink_scale_dither_table() wrote for the ditherer. */
void ink_scale_dither_row(ink_scaler *scaler, ink_ditherer *ditherer,
                          const uint16_t domain16[256], const uint8_t *source, uint32_t weight,
                          uint32_t rest, uint8_t *packed);

#endif
