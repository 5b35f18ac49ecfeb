/*
 * jpeg.h — the in-arena JPEG decoder: baseline, extended sequential and progressive (gray, YCbCr;
 * band by band, docs/JPEG.md "Progressive") Huffman JPEG, 8-bit,
 * decoded to gray inside the 80 KB arena, with DCT-domain downscaling (1/1, 1/2, 1/4, 1/8).
 *
 * Implements decode/decoder.h. begin() is offered INK_SCALE_MASK_DCT; the sink picks the scale.
 *
 * Input: gray (1 component), YCbCr (3; only Y is reconstructed — chroma is entropy-decoded to keep
 * the bitstream in step and never dequantised or transformed), RGB (3, Adobe transform 0 or
 * component ids 'R','G','B'), CMYK and YCCK (4, Adobe-inverted as Photoshop writes them). Every
 * sampling factor 1..4 (integral ratios, as libjpeg), restart intervals, 1x1 to 65535x65535.
 *
 * Memory (docs/JPEG.md has the plan and the largest image per scale), all arena claims, all
 * released before decode() returns on every path:
 *   SCRATCH  INK_JPEG_STATE_BYTES       Huffman tables (4 with 9-bit lookahead), quantisation
 *                                       tables, frame/scan/entropy state
 *   DITHER   INK_JPEG_INPUT_BYTES       the input buffer: the source is read in blocks this big
 *            + INK_JPEG_TILE_BYTES      MCU tiles, only for RGB/CMYK/YCCK or luma upsampling
 *            + INK_JPEG_LOOKUP_BYTES    sequential files: the block decoder's Huffman lookahead
 *                                       and dequantisation tables (a separate claim)
 *   PRIMARY  stride x rows              one MCU row of gray output: stride = MCUs across x MCU
 *                                       width at the scale, rows = 8 * vmax / 2^scale; at most
 *                                       INK_REGION_PRIMARY_BYTES (2048 px x 16 rows at 1/1)
 *
 * Errors:
 *   INK_ERR_UNSUPPORTED  progressive RGB/CMYK/YCCK or with luma below chroma, arithmetic coding, lossless, hierarchical, 12-bit, DNL,
 *                        2 components, fractional sampling ratios, non-interleaved colour scans
 *   INK_ERR_BAD_DATA     malformed or truncated data, missing tables, bad markers
 *   INK_ERR_TOO_LARGE    over `limits`, or the chosen scale's MCU row exceeds PRIMARY (the
 *                        detail names the widest image that scale allows)
 *   plus whatever the source, the sink or the arena claims return.
 */
#ifndef INK_DECODE_JPEG_H
#define INK_DECODE_JPEG_H

#include "decode/decoder.h"

#define INK_JPEG_INPUT_BYTES 8192u
#define INK_JPEG_TILE_BYTES 4096u /* 4 components x 32 x 32 */
/* Combined Huffman lookahead tables (4 x 1024 x uint32) + dequantisation tables (4 x 80 x
 * 4 bytes), after the input buffer and tiles in DITHER. */
#define INK_JPEG_LOOKUP_BYTES 17664u

extern const ink_decoder ink_decoder_arena_jpeg;

/* Bytes of the SCRATCH claim (sizeof the decoder state, rounded up to INK_ARENA_ALIGN). */
extern const uint32_t INK_JPEG_STATE_BYTES;

#endif
