/*
 * jpeg_internal.h — what the in-arena JPEG decoder's files share (not a public contract).
 *
 *   jpeg_input.c    the input buffer (DITHER claim) and byte-level reads for marker segments
 *   jpeg_markers.c  marker parsing: SOF, DHT, DQT, DRI, APP0/APP14, SOS; refusals
 *   jpeg_huffman.c  Huffman tables, the bit reader, block entropy decoding, restart markers
 *   jpeg_idct.c     inverse DCTs producing 8x8, 4x4, 2x2 and 1x1 pixels per block
 *   jpeg_color.c    per-MCU conversion of component tiles to gray (RGB, CMYK, YCCK, upsampling)
 *   jpeg_decode.c   the decoder: claims, the sink handshake, the MCU-row driver
 *
 * All state lives in one struct (jpeg_state) placed in a SCRATCH claim, so the decoder's memory
 * is exactly its arena claims plus a few hundred bytes of C stack (IDCT workspace). The entropy
 * decoder's whole position is jpeg_bits + the DC predictors + the restart counter, which is what
 * a band-by-band progressive decoder (issue 12) needs to checkpoint and resume a scan.
 */
#ifndef INK_DECODE_JPEG_INTERNAL_H
#define INK_DECODE_JPEG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"
#include "arena/stream.h"
#include "decode/decoder.h"
#include "decode/jpeg.h"

#define JPEG_MAX_COMPONENTS 4u
#define JPEG_MAX_SAMPLING 4u
/* Huffman table slots: DC 0..3 then AC 0..3 (extended sequential allows four of each). */
#define JPEG_HUFFMAN_SLOTS 8u
/* Lookahead: the first FAST_BITS bits of the stream index a table that gives the symbol and code
 * length of every code that short. Four such tables fit in SCRATCH; a scan gets one per distinct
 * table it uses (in component order), and any further table decodes by the canonical path. */
#define JPEG_FAST_BITS 9u
#define JPEG_FAST_SLOTS 4u
/* The block decoder's combined lookahead (jpeg_huffman.c): the next JPEG_LOOKUP_BITS bits index a
 * table of uint32 entries giving, for a code and its value bits that short, the run, the total
 * length and the already sign-extended coefficient; for an AC code alone with 1..10 value bits
 * beyond, the run, the value size and the code length; for other codes, the symbol. One per
 * lookahead slot, in the DITHER claim (state->lookup), with the dequantisation tables of the
 * scan's components after them (state->dequant: JPEG_DEQUANT_ENTRIES per component). */
#define JPEG_LOOKUP_BITS 10u
#define JPEG_LOOKUP_BYTES (JPEG_FAST_SLOTS * (4u << JPEG_LOOKUP_BITS))
#define JPEG_DEQUANT_ENTRIES 80u /* 64 + 16: a run may point past 63 before it is refused */
#define JPEG_DEQUANT_BYTES (JPEG_MAX_COMPONENTS * JPEG_DEQUANT_ENTRIES * 4u) /* jpeg_dequant: 4 */

/* The bit buffer is a machine word: 32 bits on RV32 (at least 25 valid bits after a fill),
 * 64 on the host (at least 57). */
typedef size_t jpeg_bitbuf;
#define JPEG_BITBUF_BITS ((int)(sizeof(jpeg_bitbuf) * 8u))
/* The host's reader (27 bits a symbol, wide value entries) or the board's (16 bits, two-byte
 * refills, long value entries, empty-block patterns). A test may define it as 0 to run the
 * board's reader on the host (test_jpeg_accuracy_narrow.c). */
#ifndef JPEG_BITS_WIDE
#define JPEG_BITS_WIDE (SIZE_MAX > 0xFFFFFFFFu) /* also usable in #if */
#endif

/* The natural (row-major) index of the k-th coefficient in zigzag order; JPEG_ZIGZAG its values,
 * for a file-local copy whose entries the compiler can fold (jpeg_progressive.c). */
#define JPEG_ZIGZAG                                                                              \
    {0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,     \
     41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,     \
     30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63}
extern const uint8_t ink_jpeg_zigzag[64];

typedef struct jpeg_huffman_table {
    /* Canonical decoding: a code of length l is valid when code < maxcode_plus1[l]; its symbol
     * is values[value_index[l] + code - mincode[l]]. */
    uint32_t maxcode_plus1[16]; /* indexed by length - 1, as are the next two */
    uint16_t mincode[16];
    uint8_t value_index[16];
    uint8_t defined;
    uint8_t fast_slot; /* JPEG_FAST_SLOTS when the current scan gave it no lookahead table */
    uint8_t lookup_groups; /* its state->lookup table holds symbol groups (skip-only tables) */
    uint8_t values[256];
} jpeg_huffman_table;

/* One table as the block decoder uses it. */
typedef struct jpeg_entropy_table {
    const uint16_t *fast; /* (symbol << 8) | length, 0 = longer than JPEG_FAST_BITS */
    uint32_t fast_mask;   /* (1 << JPEG_FAST_BITS) - 1, or 0 with `fast` at a single 0 */
    const jpeg_huffman_table *canonical;
} jpeg_entropy_table;

typedef enum jpeg_colour {
    JPEG_GRAY = 0,
    JPEG_YCBCR,
    JPEG_RGB,
    JPEG_CMYK,
    JPEG_YCCK
} jpeg_colour;

typedef struct jpeg_input {
    const ink_source *source;
    uint8_t *buffer;
    size_t capacity;
    const uint8_t *next; /* next unread byte in buffer */
    const uint8_t *end;  /* end of the bytes read into buffer */
    uint64_t consumed;   /* bytes of the source before `buffer` */
    uint32_t reads;      /* source reads so far */
    bool at_end;         /* the source reported its end */
} jpeg_input;

/* The entropy decoder's bit position. Bits enter at the bottom of `buffer`; the `count` lowest
 * bits are unread, most significant first. When the data ends (a marker or the end of the input)
 * zeros are appended and counted in `pad_bits`: reading past real data shows as count < pad_bits. */
typedef struct jpeg_bits {
    jpeg_bitbuf buffer;
    int32_t count;
    int32_t pad_bits;
    int32_t marker; /* the marker that stopped the data (both bytes consumed), -1 for the end
                     * of input, 0 while the data goes on */
    ink_error io_error; /* a source error met while filling (reported at the next check) */
} jpeg_bits;

typedef struct jpeg_component {
    uint8_t id;
    uint8_t h, v;          /* sampling factors 1..4 */
    uint8_t quant_index;   /* 0..3 */
    uint8_t dc_table, ac_table; /* slots for the current scan */
    bool needed;           /* its pixels are needed for gray output */
    bool scanned;          /* a scan carrying it has been decoded (or skipped) */
    uint32_t blocks_x, blocks_y; /* the component's own block grid (non-interleaved scans) */
    int32_t dc_predictor;
    /* Output plan (needed components): IDCT size 8 >> idct_log2 ... as log2 of pixels per block
     * side, and how many times each sample is repeated to reach the MCU's pixel grid. */
    uint8_t block_log2;    /* 3 = 8x8, 2 = 4x4, 1 = 2x2, 0 = 1x1 */
    uint8_t repeat_x, repeat_y;
    uint8_t *tile;         /* its pixels for one MCU (tile path), in the DITHER claim */
    uint32_t tile_stride;
} jpeg_component;

typedef struct jpeg_frame {
    uint32_t width, height;
    uint8_t sof;           /* 0xC0 baseline or 0xC1 extended */
    uint8_t ncomponents;
    uint8_t hmax, vmax;
    uint32_t mcus_x, mcus_y;
    jpeg_colour colour;
    bool saw_jfif, saw_adobe;
    uint8_t adobe_transform;
    uint16_t restart_interval; /* in MCUs; 0 = none */
    jpeg_component components[JPEG_MAX_COMPONENTS];
} jpeg_frame;

typedef struct jpeg_scan {
    uint8_t ncomponents;
    uint8_t component_index[JPEG_MAX_COMPONENTS]; /* into frame.components, in scan order */
    uint8_t ss, se, ah, al;
} jpeg_scan;

/* The whole decoder; lives in a SCRATCH claim (its size is checked in jpeg_decode.c). */
/* One entry of a dequantisation table (by zigzag index): two halfwords, so the block decoder
 * takes each with one load (RV32: no shift and mask to split a word). */
typedef struct jpeg_dequant {
    uint16_t quantiser; /* 0 for positions the reduced transforms ignore */
    uint16_t offset;    /* the natural position, in bytes of int32 coefficients */
} jpeg_dequant;
_Static_assert(sizeof(jpeg_dequant) == 4, "JPEG_DEQUANT_BYTES counts 4 bytes an entry");

typedef struct jpeg_state {
    jpeg_huffman_table huffman[JPEG_HUFFMAN_SLOTS];
    uint16_t fast[JPEG_FAST_SLOTS][1u << JPEG_FAST_BITS];
    uint16_t no_fast[2]; /* the lookahead "table" of a table without a slot: always 0 */
    uint16_t quant[4][64]; /* zigzag order, as DQT gives them */
    uint8_t quant_defined[4];
    jpeg_frame frame;
    jpeg_scan scan;
    jpeg_input input;
    jpeg_bits bits;
    uint32_t restarts_left;  /* MCUs until the next restart marker */
    uint8_t next_restart;    /* 0..7: the RSTn expected next */
    uint8_t pending_marker;  /* a marker the bit reader consumed, for ink_jpeg_read_markers */
    bool have_frame;
    uint32_t *lookup;      /* JPEG_LOOKUP_BYTES in DITHER: combined lookahead per slot */
    jpeg_dequant *dequant; /* JPEG_DEQUANT_BYTES in DITHER: per scan component, by zigzag
                            * index k */
    int32_t coefficients[64];
} jpeg_state;

/* jpeg_input.c ----------------------------------------------------------------------------- */
void ink_jpeg_input_init(jpeg_input *input, const ink_source *source, uint8_t *buffer,
                         size_t capacity);
/* Refills the buffer (when empty). INK_OK with nothing read at the end of input. */
ink_error ink_jpeg_input_fill(jpeg_input *input, ink_error_info *info);
/* Marker-segment reads: the end of the input is INK_ERR_BAD_DATA naming `what`. */
ink_error ink_jpeg_input_byte(jpeg_input *input, uint8_t *out, const char *what,
                              ink_error_info *info);
ink_error ink_jpeg_input_u16(jpeg_input *input, uint16_t *out, const char *what,
                             ink_error_info *info);
ink_error ink_jpeg_input_skip(jpeg_input *input, uint32_t nbytes, const char *what,
                              ink_error_info *info);
/* Skips entropy-coded data (and RSTn) up to the next other marker, and reads that marker's code. */
ink_error ink_jpeg_input_next_marker(jpeg_input *input, uint8_t *marker, ink_error_info *info);

/* jpeg_markers.c --------------------------------------------------------------------------- */
/* Reads markers up to and including the next SOS (whose header it parses into state->scan).
 * `*marker` receives 0xDA, or 0xD9 if EOI came first. The first call also checks SOI. */
ink_error ink_jpeg_read_markers(jpeg_state *state, bool first, uint8_t *marker,
                                ink_error_info *info);
/* A static description like "JPEG baseline YCbCr 4:2:0". */
const char *ink_jpeg_describe(const jpeg_frame *frame);

/* jpeg_huffman.c --------------------------------------------------------------------------- */
/* Builds slot `slot` from a DHT's 16 counts and `nvalues` values. */
ink_error ink_jpeg_build_huffman(jpeg_huffman_table *table, const uint8_t counts[16],
                                 const uint8_t *values, uint32_t nvalues, ink_error_info *info);
/* Gives the tables the scan uses lookahead slots (needed components first), builds their
 * lookahead tables (state->fast, and state->lookup when set) and the scan components'
 * dequantisation tables (state->dequant, when set). */
void ink_jpeg_prepare_scan_tables(jpeg_state *state);
void ink_jpeg_bits_reset(jpeg_bits *bits);
/* Appends bytes until more than JPEG_BITBUF_BITS - 8 bits are buffered (zeros past the data). */
void ink_jpeg_bits_fill(jpeg_bits *bits, jpeg_input *input);

/* The inline readers' host refill (jpeg_huffman.c's block decoder, jpeg_progressive_huffman.c):
 * with a 64-bit buffer holding at most 31 unread bits and at least 8 readable bytes, as many
 * whole bytes as fit (4..7) in one big-endian load, when none of them is 0xFF (one word test;
 * FF 00 and markers are ink_jpeg_bits_fill's). `held` is the unread bit count minus `bias` (the
 * block decoder keeps its count biased). False, and nothing taken, when a byte is 0xFF or the
 * buffer is 32-bit: the caller's byte path follows. */
static inline __attribute__((always_inline)) bool ink_jpeg_refill_wide(jpeg_bitbuf *buffer,
                                                                       int32_t *held, int32_t bias,
                                                                       const uint8_t **next)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
    const uint8_t *p = *next;
    uint64_t word = (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
                    (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
                    (uint64_t)p[6] << 8 | p[7];
    unsigned take = (unsigned)(63 - bias - *held) >> 3;
    uint64_t fresh = word >> (64u - 8u * take);
    /* "has a zero byte" on ~fresh: its bytes above `take` are 0xFF, never zero. */
    uint64_t inverted = ~fresh;
    if (((inverted - 0x0101010101010101u) & ~inverted & 0x8080808080808080u) != 0)
        return false;
    *buffer = (*buffer << (8u * take)) | fresh;
    *held += (int32_t)(8u * take);
    *next = p + take;
    return true;
#else
    (void)buffer, (void)held, (void)bias, (void)next;
    return false;
#endif
}

/* The inline readers' refill, shared by the block decoder (jpeg_huffman.c, REFILL) and the
 * progressive one (jpeg_progressive_huffman.c, ENSURE). It works on the caller's locals `buffer`,
 * `next` and `limit`; `held` is its unread bit count minus `bias`. When fewer than `need` bits
 * are held: on RV32 two plain bytes in one step (the callers' `need` leaves at most 16 bits
 * unread there, so they fit the word), on the host ink_jpeg_refill_wide, else plain bytes one
 * at a time, and when that is still short the caller's `slow()` (ink_jpeg_bits_fill, for FF 00,
 * markers and the end of the input buffer). `limit` is JPEG_REFILL_LIMIT's, kept as an
 * address: on RV32 that of the last byte, so "two more bytes" is one compare. */
#define JPEG_LIMIT_BIAS (JPEG_BITS_WIDE ? 0u : 1u)
#define JPEG_REFILL_INLINE(held, bias, need, slow)                                                \
    do {                                                                                          \
        if ((held) < (int32_t)(need) - (bias)) {                                                  \
            if (!JPEG_BITS_WIDE && (uintptr_t)next < limit && next[0] != 0xFF &&                 \
                next[1] != 0xFF) {                                                                \
                buffer = (buffer << 16) | (uint32_t)next[0] << 8 | next[1];                       \
                (held) += 16;                                                                     \
                next += 2;                                                                        \
            } else if (JPEG_BITS_WIDE && limit - (uintptr_t)next >= 8u &&                        \
                       ink_jpeg_refill_wide(&buffer, &(held), (bias), &next)) {                   \
            } else {                                                                              \
                while ((held) <= JPEG_BITBUF_BITS - 8 - (bias) &&                                 \
                       (uintptr_t)next < limit + JPEG_LIMIT_BIAS && *next != 0xFF) {              \
                    buffer = (buffer << 8) | *next++;                                             \
                    (held) += 8;                                                                  \
                }                                                                                 \
                if ((held) < (int32_t)(need) - (bias))                                            \
                    slow();                                                                       \
            }                                                                                     \
        }                                                                                         \
    } while (0)
/* The refill's limit for a reader at `next` (input->next, as the caller holds it): the input's
 * end, or past a marker the position itself (the bytes after it are not this scan's data: the
 * inline refill sees an empty buffer and leaves the zero padding to ink_jpeg_bits_fill), minus
 * JPEG_LIMIT_BIAS. A macro: as an inline function GCC inlined the block decoder's callers
 * differently (RV32 and x86 code changed). */
#define JPEG_REFILL_LIMIT(bits, input, next)                                                      \
    ((uintptr_t)((bits)->marker != 0 ? (next) : (input)->end) - JPEG_LIMIT_BIAS)

/* How a block's coefficients are used. */
typedef enum jpeg_block_mode {
    JPEG_BLOCK_SKIP = 0, /* keep the bitstream in step only: chroma, or pixels not needed */
    JPEG_BLOCK_DC,       /* DC value only (1x1 output) */
    JPEG_BLOCK_FULL      /* dequantised coefficients into state->coefficients */
} jpeg_block_mode;

#define JPEG_FLAG_BIG 1u /* a dequantised coefficient reached +-1024 (clamped to +-2048) */
#define JPEG_FLAG_AC 2u  /* an AC coefficient was stored */
/* Bits 8..13 of *flags: an upper bound of the zigzag index of the last coefficient stored (0 for
 * a block with only DC), so the IDCT can skip what is known to be zero. */
#define JPEG_FLAG_LAST_SHIFT 8u
#define JPEG_FLAG_LAST(flags) (((flags) >> JPEG_FLAG_LAST_SHIFT) & 63u)
/* The only last indexes ink_jpeg_idct_block compares against (its tiers, jpeg_idct.c): a bound
 * from {9, 14, 20, 27, 63} at least the true last index picks the tier the true one picks. */
#define JPEG_LAST_LOW 9u          /* all in the top-left 4x4 */
#define JPEG_LAST_LOW_REDUCED 14u /* beyond the 4x4 only (4,0), (0,4): 4x4 and 2x2 ignore them */
#define JPEG_LAST_MID6 20u        /* zigzag 21 is (6,0), 27 (0,6): nothing in rows/columns 6, 7 */
#define JPEG_LAST_MID 27u         /* zigzag 28 is (0,7), 35 (7,0): nothing in row or column 7 */
/* And two more the 2x2 transforms tell apart (jpeg_idct.c). */
#define JPEG_LAST_2X2_NO_ROW7 34u     /* up to here nothing in row 7, only row 0 of column 7 */
#define JPEG_LAST_2X2_COLUMN7_TOP 41u /* zigzag 42 is (1,7): up to here column 7 only in row 0 */

/* What decoding a block of one scan component needs, looked up once per scan. */
typedef struct jpeg_block_coder {
    const uint32_t *dc_lookup, *ac_lookup; /* combined lookahead, or a one-entry "slow" table */
    uint32_t dc_mask, ac_mask;             /* byte-offset masks: (entries - 1) * 4 (0 with the
                                            * one-entry table) */
    const jpeg_huffman_table *dc_table, *ac_table;
    bool ac_groups;                        /* ac_lookup holds symbol groups (skip mode only) */
    const jpeg_dequant *dequant;           /* the component's row of state->dequant */
    int32_t *predictor;                    /* the component's DC predictor */
    /* RV32: an empty block (DC difference 0, then EOB) as one bit pattern of at most 16 bits,
     * so that a block without data is one compare (decode_block in jpeg_huffman.c). */
    uint32_t empty_code, empty_mask; /* the pattern and its mask; a code past the mask: none */
    int32_t empty_shift;             /* the pattern's length - SPARE_BIAS */
} jpeg_block_coder;
void ink_jpeg_block_coder_init(jpeg_state *state, unsigned scan_index, jpeg_block_coder *coder);
/* One block of an MCU as the MCU loop plans it (jpeg_decode.c). */
typedef struct jpeg_mcu_block {
    uint8_t *out;    /* its pixels in the current MCU; advanced by `step` after each MCU */
    uint32_t step;   /* 0 for tiles (reused every MCU) */
    uint32_t stride;
    const struct jpeg_block_coder *coder; /* its scan component's */
    uint8_t block_log2, mode; /* mode: a jpeg_block_mode */
} jpeg_mcu_block;
/* Decodes `nmcus` consecutive MCUs of `nblocks` blocks each (no restart marker among them;
 * needs state->lookup and state->dequant set up by ink_jpeg_prepare_scan_tables and the blocks'
 * coders by ink_jpeg_block_coder_init) and inverse-transforms the needed blocks into their `out`
 * (advanced by `step` after each), with the bit reader in registers throughout. A FULL block's
 * dequantised coefficients go in natural order into state->coefficients (all zero between
 * blocks: the IDCT clears what was stored), a DC block's into coefficients[0], with
 * JPEG_FLAG_* bits and the last index for ink_jpeg_idct_block. */
ink_error ink_jpeg_decode_mcus(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks,
                               uint32_t nmcus, ink_error_info *info);
/* At a restart boundary: drops the bit buffer, reads the expected RSTn, resets the predictors. */
ink_error ink_jpeg_process_restart(jpeg_state *state, ink_error_info *info);
/* True when the entropy decoder has consumed bits past the real data (truncated or corrupt). */
static inline bool ink_jpeg_bits_overrun(const jpeg_bits *bits)
{
    return bits->count < bits->pad_bits;
}

/* Output, shared by the baseline and progressive drivers: pushes up to `count` rows (`stride`
 * bytes apart from `rows`) to the sink, never past the image's `out_height`, and advances
 * *rows_done. */
static inline ink_error ink_jpeg_push_rows(const ink_row_sink *sink, const uint8_t *rows,
                                           size_t stride, uint32_t count, uint32_t *rows_done,
                                           uint32_t out_height)
{
    uint32_t left = out_height - *rows_done;
    if (count > left)
        count = left;
    for (uint32_t r = 0; r < count; r++) {
        ink_error error = sink->row(sink->user, rows + (size_t)r * stride);
        if (error != INK_OK)
            return error;
    }
    *rows_done += count;
    return INK_OK;
}

/* jpeg_idct.c ------------------------------------------------------------------------------ */
/* Inverse DCT of dequantised natural-order `coefficients` to (8 >> (3 - block_log2))^2 pixels
 * at `out` with `stride`. `big` selects the overflow-safe path. Zeroes the coefficients it read
 * (the whole block) so the next block starts clean. */
void ink_jpeg_idct_8x8(int32_t *coefficients, bool big, uint8_t *out, size_t stride);
/* The 8x8, 4x4 and 2x2 transforms are vectorised on 64-bit hosts (unless built with
 * -DINK_JPEG_SCALAR_IDCT); this is the scalar code the board runs (block_log2 3, 2 or 1), with
 * the same contract and the same pixels. */
void ink_jpeg_idct_scalar(int32_t *coefficients, unsigned block_log2, bool big, uint8_t *out,
                          size_t stride);
void ink_jpeg_idct_4x4(int32_t *coefficients, bool big, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2(int32_t *coefficients, bool big, uint8_t *out, size_t stride);
/* x86-64 with the SSE2 IDCT only (the build without INK_JPEG_SCALAR_IDCT or
 * INK_JPEG_VECTOR_IDCT): ink_jpeg_idct_8x8 of a block none of whose dequantised coefficients
 * reaches +-1024, given as int16 in natural order (16-byte aligned), which it does not clear. */
void ink_jpeg_idct_8x8_int16(const int16_t *coefficients, uint8_t *out, size_t stride);
/* What the baseline decoder calls: picks the transform for `block_log2` (3 = 8x8 .. 0 = 1x1)
 * from the block decoder's flags — flat for DC-only blocks, a half-size variant when every
 * coefficient is in the top-left 4x4 (last zigzag index <= 9; <= 14 for 4x4 and 2x2, which
 * ignore row and column 4), the clamping path for big ones —
 * and clears only the coefficients the block decode stored. Same pixels as the functions above. */
void ink_jpeg_idct_block(int32_t *coefficients, unsigned block_log2, uint32_t flags,
                         uint8_t *out, size_t stride);
/* Where the IDCT is scalar (32-bit targets such as the board, or -DINK_JPEG_SCALAR_IDCT): the
 * transforms ink_jpeg_idct_block picks for a block with AC terms that is not big, by its last
 * zigzag index: 8x8 at most JPEG_LAST_LOW or any; 4x4 at most JPEG_LAST_LOW_REDUCED,
 * JPEG_LAST_MID6, JPEG_LAST_MID or any; 2x2 at most JPEG_LAST_LOW_REDUCED, JPEG_LAST_MID, 34
 * (no row 7), 41 (only row 0 of column 7) or any. For a caller that knows the tier (the progressive emit: no flags, no dispatch); the same pixels and clearing as
 * ink_jpeg_idct_block with those flags. */
#if UINTPTR_MAX <= 0xFFFFFFFFu || defined(INK_JPEG_SCALAR_IDCT)
#define JPEG_IDCT_SCALAR_TIERS 1
void ink_jpeg_idct_8x8_low_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_8x8_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_4x4_low_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_4x4_mid6_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_4x4_mid_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_4x4_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2_low_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2_mid_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2_no_row7_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2_column7_top_tier(int32_t *coefficients, uint8_t *out, size_t stride);
void ink_jpeg_idct_2x2_tier(int32_t *coefficients, uint8_t *out, size_t stride);
/* A block with only its DC term (block_log2 1..3): ink_jpeg_idct_block without JPEG_FLAG_AC. */
void ink_jpeg_idct_flat_block(int32_t *coefficients, unsigned block_log2, uint8_t *out,
                              size_t stride);
#else
#define JPEG_IDCT_SCALAR_TIERS 0
#endif

/* jpeg_color.c ----------------------------------------------------------------------------- */
/* Converts the needed components' tiles of one MCU to gray at `out` (stride `stride`), for an
 * area of `width` x `height` pixels. */
void ink_jpeg_tiles_to_gray(const jpeg_frame *frame, uint8_t *out, size_t stride, uint32_t width,
                            uint32_t height);

#endif
