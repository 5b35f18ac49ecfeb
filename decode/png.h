/*
 * png.h — the in-arena PNG decoder: every PNG (all colour types and bit depths, tRNS, Adam7)
 * to 8-bit gray rows, inside the arena's PRIMARY, DITHER and SCRATCH regions.
 *
 * Output: the gray of decode/gray.h, bit for bit what libpng gives with png_set_expand (palette
 * and tRNS to RGBA, low bit depths to 8), png_set_scale_16, then the gray.h conversions:
 * RGB -> gray with ink_gray_from_rgb, alpha composited over the background with
 * ink_gray_over_background (white unless ink_png_options.background says otherwise).
 * The sink's begin() is offered INK_SCALE_MASK_FULL_ONLY. info->is_bilevel is set when every
 * pixel can only be 0 or 255 (1-bit gray, black/white palettes, with the background applied).
 *
 * Memory (docs/PNG.md has the plan and its arithmetic). While decode runs it claims
 *   PRIMARY  the whole region: the inflate 32 KB window, which the image data is inflated
 *            into and read from in place;
 *   SCRATCH  from offset 0, the inflate state (INK_INFLATE_STATE_BYTES rounded up to 8);
 *   DITHER   from offset 0, ink_png_plan().dither_nbytes: a 1 KB read buffer, one row buffer
 *            (rows are unfiltered in place over the previous row), a 1 KB carry (a pixel split
 *            by the window's end; 8 bytes of it are used), and the gray output (one row, or for
 *            Adam7 a band of even rows);
 * and releases them all before returning, on success and on error. ROW and IMAGE2 are never
 * touched. The decoder's own context is on the stack: about 1.7 KB at its peak on x86-64 (the
 * PLTE/tRNS tables while the header is read), about 1.1 KB while rows are decoded.
 *
 * Limits: a row must satisfy  1024 + align8(row_nbytes) + 1024 + align8(width) <= 32768: at most
 * 6144 px for RGBA 8-bit, 7680 for RGB 8-bit, 15360 for gray 8-bit; wider is INK_ERR_TOO_LARGE
 * with the limit in the detail. The caller's ink_limits apply too.
 *
 * Adam7: decoded band by band; each band holds as many even rows (passes 1-6) as fit in DITHER
 * and the stream is inflated again for every band (seeking back to the first IDAT). A file that
 * needs more than one band therefore needs a seekable source (else INK_ERR_UNSUPPORTED), and
 * one whose passes would inflate more than 1 GiB in total is INK_ERR_TOO_LARGE.
 *
 * Errors: INK_ERR_BAD_DATA (signature, chunk order or lengths, a critical chunk's CRC, unknown
 * critical chunk, zlib data, not enough image data, ...), INK_ERR_UNSUPPORTED,
 * INK_ERR_TOO_LARGE, the arena's claim errors, the source's and sink's own errors.
 * Ancillary chunks with a bad CRC are ignored, and data after the last row is not used, as
 * libpng does (docs/PNG.md lists the accept/reject rules).
 */
#ifndef INK_DECODE_PNG_H
#define INK_DECODE_PNG_H

#include <stdbool.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"
#include "arena/stream.h"
#include "decode/decoder.h"

/* The decoder with the default options (white background). */
extern const ink_decoder ink_decoder_arena_png;

typedef struct ink_png_options {
    uint8_t background; /* gray that transparency is composited over; INK_BACKGROUND_WHITE */
} ink_png_options;

#define INK_PNG_OPTIONS_DEFAULT ((ink_png_options){255u})

/* As ink_decoder_arena_png.decode, with options (NULL: the defaults). */
ink_error ink_png_decode(const ink_source *source, ink_arena *arena, const ink_limits *limits,
                         const ink_png_options *options, const ink_row_sink *sink,
                         ink_error_info *info);

/* The memory plan for an image, computed before decoding (the same arithmetic decode uses). */
typedef struct ink_png_plan {
    uint32_t row_nbytes;      /* bytes of one full-width filtered row, filter byte excluded */
    uint32_t dither_nbytes;   /* bytes claimed from DITHER's start */
    uint32_t carry_nbytes;    /* the carry: a pixel split by the inflate window's end (1 KB) */
    uint32_t band_rows;       /* output rows per inflate pass (the height when not interlaced) */
    uint32_t stream_passes;   /* times the IDAT stream is inflated (1 when not interlaced) */
} ink_png_plan;

/* Returns INK_OK and the plan, or INK_ERR_TOO_LARGE (detail names the limit) when a row does
 * not fit, or INK_ERR_BAD_DATA for an invalid colour type / bit depth combination. */
ink_error ink_png_plan_for(uint32_t width, uint32_t height, uint8_t color_type, uint8_t bit_depth,
                           bool interlaced, ink_png_plan *plan, ink_error_info *info);

#endif
