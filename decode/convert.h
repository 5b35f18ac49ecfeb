/*
 * convert.h — one image to one 1-bit BMP: decoder -> scaler -> ditherer -> BMP writer.
 *
 * The converter wires the stages and owns the memory plan of one conversion (docs/MEMORY.md):
 *   decoder   whatever it claims of PRIMARY, DITHER and SCRATCH (in-arena decoders only)
 *   scaler    an IMAGE2 claim: out_width uint32 accumulators + one output row (5 B per pixel)
 *   ditherer  a ROW claim: two int16 error rows + the packed output row
 * so an output up to INK_MAX_OUTPUT_WIDTH (800) pixels wide always fits, whatever the decoder.
 * Every claim is released before ink_convert_image returns, on success and on error.
 */
#ifndef INK_DECODE_CONVERT_H
#define INK_DECODE_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/decoder.h"
#include "decode/scale.h"
#include "dither/dither.h"

/* The Xteink X4's screen in portrait. */
#define INK_DISPLAY_WIDTH 480u
#define INK_DISPLAY_HEIGHT 800u

typedef struct ink_convert_options {
    uint32_t box_width;  /* the output must fit this box (see scale.h for the fit rules) */
    uint32_t box_height;
    ink_fit fit;
    bool upscale;
    ink_dither_method dither;
    ink_limits limits;
} ink_convert_options;

#define INK_CONVERT_OPTIONS_DEFAULT                                                            \
    ((ink_convert_options){INK_DISPLAY_WIDTH, INK_DISPLAY_HEIGHT, INK_FIT_CONTAIN, false,      \
                           INK_DITHER_ATKINSON, INK_LIMITS_DEFAULT})

typedef struct ink_convert_result {
    uint32_t source_width, source_height;
    unsigned scale_log2; /* the DCT scale the decoder used: 1/2^scale_log2 */
    uint32_t out_width, out_height;
    const char *format;  /* the decoder's description of the source */
} ink_convert_result;

/* Decodes `source` with `decoder` and writes the BMP to `bmp_sink` (seekable). `result` may be
 * NULL. Errors: the decoder's, the sink's, INK_ERR_TOO_LARGE for an output wider than
 * INK_MAX_OUTPUT_WIDTH, INK_ERR_REGION_BUSY if the arena's ROW or IMAGE2 is held by someone
 * else, INK_ERR_BAD_DATA if the decoder delivered too few rows. */
ink_error ink_convert_image(const ink_decoder *decoder, const ink_source *source,
                            const ink_sink *bmp_sink, ink_arena *arena,
                            const ink_convert_options *options, ink_convert_result *result,
                            ink_error_info *info);

#endif
