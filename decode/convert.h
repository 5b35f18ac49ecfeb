/*
 * convert.h — one image to one 1-bit (or four-gray) BMP:
 * decoder -> scaler -> tone + ditherer -> BMP writer.
 *
 * The converter wires the stages and owns the memory plan of one conversion (docs/MEMORY.md):
 *   decoder   whatever it claims of PRIMARY, DITHER and SCRATCH (in-arena decoders only)
 *   scaler    an IMAGE2 claim: crop_width uint32 source-column sums + one output row when
 *             that fits the 4 KB (the faster plan), else out_width uint32 output-column sums +
 *             one output row (5 B per output pixel)
 *   ditherer  a ROW claim: two int16 error rows + the packed output row + the 256-entry uint16
 *             table (tone curve composed with the display model, dither/tone.h): 3,928 bytes
 *             at 800 pixels, 2-bit
 * so an output up to INK_MAX_OUTPUT_WIDTH (800) pixels wide always fits, whatever the decoder.
 * With auto_levels the source is decoded twice: first at the scale the real pass will use,
 * into a 256-entry histogram (a 1 KB ROW claim, released before the real pass), then normally;
 * the source must be able to seek. Time: one more decode (docs/DITHER.md has the figures).
 * Images the decoder reports as bilevel skip the tone controls and the display model: at their
 * own size they are thresholded (so they come out unchanged); when scaled, the area averages
 * (which are coverage fractions, not encoded light) are dithered as they are.
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
#include "dither/tone.h"

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
    unsigned bits;        /* 1 (black and white) or 2 (four grays) */
    uint8_t dot_gain_x10; /* display model: Yule–Nielsen n in tenths, 10 = dither in linear
                             light; 0 = dither the encoded grays as they are (inkpipe 0.1) */
    ink_tone tone;        /* applied to the scaler's output (tone.h) */
    bool auto_levels;     /* sets tone.black_point / white_point from a histogram prescan */
} ink_convert_options;

/* The defaults (docs/DITHER.md says why): see INK_DEFAULT_DITHER and INK_DEFAULT_DOT_GAIN_X10. */
#define INK_DEFAULT_DITHER INK_DITHER_FLOYD_STEINBERG
#define INK_DEFAULT_DOT_GAIN_X10 20u

#define INK_CONVERT_OPTIONS_DEFAULT                                                            \
    ((ink_convert_options){INK_DISPLAY_WIDTH, INK_DISPLAY_HEIGHT, INK_FIT_CONTAIN, false,      \
                           INK_DEFAULT_DITHER, INK_LIMITS_DEFAULT, 1u,                         \
                           INK_DEFAULT_DOT_GAIN_X10, INK_TONE_NONE, false})

/* Per mille of the pixels auto_levels lets clip at each end. */
#define INK_AUTO_LEVELS_CLIP_PER_MILLE 1u

typedef struct ink_convert_result {
    uint32_t source_width, source_height;
    unsigned scale_log2; /* the DCT scale the decoder used: 1/2^scale_log2 */
    uint32_t out_width, out_height;
    const char *format;  /* the decoder's description of the source */
    bool bilevel;        /* the source was bilevel: no tone, no display model */
    bool passed_through; /* ... and at its own size: thresholded, pixels unchanged */
    uint8_t black_point, white_point; /* the levels used (auto_levels or the options') */
} ink_convert_result;

/* Decodes `source` with `decoder` and writes the BMP to `bmp_sink` (seekable). `result` may be
 * NULL. Errors: the decoder's, the sink's, INK_ERR_TOO_LARGE for an output wider than
 * INK_MAX_OUTPUT_WIDTH, INK_ERR_INVALID_ARGUMENT for bad tone/model/bits options or
 * auto_levels on a source that cannot seek, INK_ERR_REGION_BUSY if the arena's ROW or IMAGE2 is held by someone
 * else, INK_ERR_BAD_DATA if the decoder delivered too few rows. */
ink_error ink_convert_image(const ink_decoder *decoder, const ink_source *source,
                            const ink_sink *bmp_sink, ink_arena *arena,
                            const ink_convert_options *options, ink_convert_result *result,
                            ink_error_info *info);

#endif
