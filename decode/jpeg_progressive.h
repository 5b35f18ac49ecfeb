/*
 * jpeg_progressive.h — what the progressive JPEG files share (not a public contract).
 *
 *   jpeg_progressive.c          the band driver: memory plan, the walk over the file that records
 *                               the luma scans (and decodes band 0 of each on the way), per-scan
 *                               checkpoints and input buffers, resuming each scan band by band
 *   jpeg_progressive_emit.c     a finished band's output: dequantisation, the inverse DCT, rows
 *   jpeg_progressive_huffman.c  DC first/refine and AC first/refine block decoding with EOB runs
 *                               (T.81 G.1.2), on the shared bit reader of jpeg_huffman.c
 *   jpeg_progressive_slices.c   the input slices of the later bands, sized per scan
 *
 * A band's block holds only what the chosen DCT scale uses: the coefficients of the kept set (in
 * a small natural-order square, `keep_slot` maps a zigzag index to its slot, or for one not kept
 * to a spare slot in the block's padding that nothing reads)
 * and, except at 1/8, a 64-bit mask of the zigzag positions already nonzero — all an AC
 * refinement scan needs to stay in step for coefficients that are not kept.
 */
#ifndef INK_DECODE_JPEG_PROGRESSIVE_H
#define INK_DECODE_JPEG_PROGRESSIVE_H

#include "decode/jpeg_internal.h"

/* The 64-bit position masks are taken a machine word at a time: one word on a 64-bit host, two
 * 32-bit halves on RV32, where 64-bit arithmetic costs two or three instructions an operation
 * and a variable 64-bit shift a branch. INK_JPEG_PROG_WORD_BITS=32 forces halves on the host:
 * test_jpeg_progressive_word32 and test_jpeg_progressive_sweep_word32 run the host tests on
 * them. */
#if (defined(INK_JPEG_PROG_WORD_BITS) && INK_JPEG_PROG_WORD_BITS == 32) ||                      \
    UINTPTR_MAX <= 0xFFFFFFFFu
typedef uint32_t jpeg_prog_word;
#else
typedef uint64_t jpeg_prog_word;
#endif
#define JPEG_PROG_WORD_BITS ((unsigned)sizeof(jpeg_prog_word) * 8u)
#define JPEG_PROG_WORDS (64u / JPEG_PROG_WORD_BITS)

/* Word `w` of a 64-bit mask, and a word put back in place. */
static inline jpeg_prog_word jpeg_prog_word_of(uint64_t mask, unsigned w)
{
    return JPEG_PROG_WORDS == 1 ? (jpeg_prog_word)mask
                                : (jpeg_prog_word)(w != 0 ? mask >> 32 : mask);
}
static inline uint64_t jpeg_prog_word_to(jpeg_prog_word bits, unsigned w)
{
    return JPEG_PROG_WORDS == 1 || w == 0 ? (uint64_t)bits : (uint64_t)bits << 32;
}

/* Tables by bit: where a word's set bits are visited, a table indexed by the bit's position in
 * the word takes its place, indexed by an "at" that is the position on a host (count trailing
 * zeros) and, without such an instruction (RV32IMC has none and libgcc's __ctzsi2 is a call),
 * the bit's de Bruijn hash (the top 5 bits of the one-bit word times 0x077CB531 differ for
 * every bit), which saves the hash-to-position lookup. */
#if (defined(__riscv) && !defined(__riscv_zbb)) ||                                                \
    (defined(INK_JPEG_PROG_WORD_BITS) && INK_JPEG_PROG_WORD_BITS == 32)
#define JPEG_PROG_BIT_HASHED 1
#else
#define JPEG_PROG_BIT_HASHED 0
#endif
static inline unsigned jpeg_prog_bit_hash(uint32_t one_bit)
{
    return (one_bit * 0x077CB531u) >> 27;
}
extern const uint8_t jpeg_prog_bit_index[32]; /* hash -> position */

/* The "at" of a one-bit word, of the lowest set bit of a nonzero word, and an at's position
 * (test_jpeg_progressive checks the hashed ones for every bit). */
static inline unsigned jpeg_prog_one_bit_at(jpeg_prog_word bit)
{
#if JPEG_PROG_BIT_HASHED
    return jpeg_prog_bit_hash((uint32_t)bit);
#else
    return JPEG_PROG_WORDS == 1 ? (unsigned)__builtin_ctzll(bit) : (unsigned)__builtin_ctz(bit);
#endif
}
static inline unsigned jpeg_prog_lowest_at(jpeg_prog_word word)
{
#if JPEG_PROG_BIT_HASHED
    return jpeg_prog_bit_hash((uint32_t)(word & (0u - word)));
#else
    return jpeg_prog_one_bit_at(word);
#endif
}
static inline unsigned jpeg_prog_position_of(unsigned at)
{
    return JPEG_PROG_BIT_HASHED ? jpeg_prog_bit_index[at] : at;
}

/* Entries of first_offset: AC first reaches position 63 + 16 before it tests. */
#define JPEG_PROG_FIRST_OFFSETS 80u

/* What the block decoders need of a scan besides the bit reader. */
typedef struct jpeg_prog_block_params {
    uint8_t ss, se, al;
    uint8_t coefficients_offset; /* bytes before a block's coefficients: 8 (its mask) or 0 */
    uint8_t spare_slot;          /* the slot of the coefficients not kept */
    const uint8_t *keep_slot;    /* zigzag index -> slot in the block's coefficients (both as
                                  * jpeg_prog_slot_ref gives it) */
    const uint8_t *keep_by_bit;  /* the same by word and "at" (JPEG_PROG_WORD_BITS a word),
                                  * then at JPEG_PROG_CORRECT_BY_BIT the correction form */
    const uint8_t *first_offset; /* AC first: zigzag index -> byte offset of its coefficient in
                                  * the block, 0 if not kept (JPEG_PROG_FIRST_OFFSETS entries,
                                  * 64-byte aligned) */
    bool first_stores_all;       /* every position has a slot there (the spare for one not kept) */
} jpeg_prog_block_params;

/* keep_by_bit's second half, by word and "at" as the first: the entry of a kept position, 0 for
 * one not kept (no AC position is in slot 0, the DC's), so that a refinement's correction bit
 * tests its coefficient's entry against 0 at the same base as the first half: no register for
 * the spare slot. */
#define JPEG_PROG_CORRECT_BY_BIT 64u

/* How keep_slot and keep_by_bit hold a slot: with 32-bit mask words (RV32) its byte offset in
 * the block's coefficients, so that a store or a correction needs no scaling; on a 64-bit host
 * the slot itself (the address mode scales it, and the byte offsets cost x86 3 %). The spare
 * slot of 1/1 and 1/8, 0xFF (PROG_NO_SLOT), stays itself. */
#define JPEG_PROG_SLOT_REF_BYTES (JPEG_PROG_WORDS == 2)
static inline unsigned jpeg_prog_slot_ref(unsigned slot)
{
    return JPEG_PROG_SLOT_REF_BYTES && slot != 0xFFu ? slot * (unsigned)sizeof(int16_t) : slot;
}

/* A run of blocks of one component with no restart marker inside: `count` blocks, the first at
 * `block` in the band and each next `stride` bytes on. block NULL: decode and discard (chroma
 * blocks of an interleaved DC scan; DC scans only). */
typedef struct jpeg_prog_run {
    uint8_t *block;
    uint32_t stride;
    uint32_t count;
} jpeg_prog_run;

/* The block decoders, one per scan type, over a run. DC values are stored shifted by Al; the
 * stored values are quantised (dequantised only when the band is transformed), clamped to
 * int16. `predictor` is the component's DC predictor, `eobrun` the scan's pending end-of-band
 * run; both carry over from one run to the next. On an error the reader's position is saved
 * and the error names what was wrong (INK_ERR_BAD_DATA). */
ink_error ink_jpeg_prog_dc_first_run(jpeg_state *state, const jpeg_entropy_table *dc,
                                     const jpeg_prog_block_params *params, int32_t *predictor,
                                     const jpeg_prog_run *run, ink_error_info *info);
ink_error ink_jpeg_prog_dc_refine_run(jpeg_state *state, const jpeg_prog_block_params *params,
                                      const jpeg_prog_run *run, ink_error_info *info);
ink_error ink_jpeg_prog_ac_first_run(jpeg_state *state, const jpeg_entropy_table *ac,
                                     const jpeg_prog_block_params *params, uint32_t *eobrun,
                                     const jpeg_prog_run *run, ink_error_info *info);
ink_error ink_jpeg_prog_ac_refine_run(jpeg_state *state, const jpeg_entropy_table *ac,
                                      const jpeg_prog_block_params *params, uint32_t *eobrun,
                                      const jpeg_prog_run *run, ink_error_info *info);

/* An interleaved DC scan's MCU (at most 10 blocks, T.81 B.2.3): per block in scan order, where
 * its coefficients go from the MCU's base in the band (-1: a chroma block, decoded and dropped),
 * its DC table's lookahead (dc->fast: the DC first loop's one load a block) and its DC table;
 * `stride` bytes from one MCU's base to the next's. */
#define JPEG_PROG_MCU_BLOCKS 10u
typedef struct jpeg_prog_mcu_block {
    int32_t offset;
    const uint16_t *fast;
    const jpeg_entropy_table *dc;
} jpeg_prog_mcu_block;
typedef struct jpeg_prog_mcu {
    uint32_t nblocks;
    uint32_t stride;
    jpeg_prog_mcu_block block[JPEG_PROG_MCU_BLOCKS];
} jpeg_prog_mcu;

/* Interleaved DC first and refinement scans over `nmcus` MCUs from `base` (no restart inside):
 * one call per MCU row instead of one per block. `predictor` is the luma DC predictor (chroma
 * values are dropped, so theirs are not kept). */
ink_error ink_jpeg_prog_dc_first_mcus(jpeg_state *state, const jpeg_prog_mcu *mcu, unsigned al,
                                      int32_t *predictor, uint8_t *base, uint32_t nmcus,
                                      ink_error_info *info);
ink_error ink_jpeg_prog_dc_refine_mcus(jpeg_state *state, const jpeg_prog_mcu *mcu, unsigned al,
                                       uint8_t *base, uint32_t nmcus, ink_error_info *info);

/* Decodes a progressive frame whose first scan header is in state->scan (jpeg_decode.c has
 * decided the colour space). `buffers` is the DITHER claim at offset 0 (INK_JPEG_INPUT_BYTES +
 * INK_JPEG_TILE_BYTES) whose start is state->input's buffer. Calls sink->begin, pushes every row,
 * claims DITHER 12..32 KB and PRIMARY itself and releases them before returning. */
ink_error ink_jpeg_progressive_decode(jpeg_state *state, uint8_t *buffers, ink_arena *arena,
                                      const ink_row_sink *sink, ink_error_info *info);

/* Lookahead table for `table`, JPEG_FAST_BITS wide, in the form the scan type decodes fastest:
 * - plain entries: (symbol << 8) | code length, 0 for a code longer than JPEG_FAST_BITS;
 * - FIRST (AC first scans): a code of a coefficient of size <= JPEG_PROG_FAST_VALUE_SIZE short
 *   enough to have its value bits inside the lookahead gives (run + 1) << 11 (read unsigned:
 *   entry >> 11) | value << 4 (two's complement in 7 bits) | (code + value length, never 0)
 *   (built for an Al, the untested form's: see JPEG_PROG_FIRST_UNSCALED below);
 *   others symbol << 8 | code length << 4 (low 4 bits 0), 0 for a longer code;
 * - DC (DC first scans): a difference (size 0 too) and its value bits as value << 9 (two's
 *   complement in the top 7 bits: read as int16_t, value = entry >> 9) | JPEG_PROG_FAST_VALUE |
 *   (code + value length); others plain;
 * - REFINE (AC refinements): a code of a new coefficient (size 1) shorter than JPEG_FAST_BITS
 *   takes its sign bit along: (symbol << 8) | (sign: JPEG_PROG_FAST_POSITIVE) | (length + 1,
 *   never 0); others symbol << 8 | code length << 4 (low 4 bits 0, as FIRST's), 0 for a longer
 *   code.
 * DC's plain entries have bits 4..7 clear. */
typedef enum jpeg_prog_fast_form {
    JPEG_PROG_FAST_DC,
    JPEG_PROG_FAST_FIRST,
    JPEG_PROG_FAST_REFINE
} jpeg_prog_fast_form;
#define JPEG_PROG_FAST_POSITIVE 0x20u
#define JPEG_PROG_FAST_VALUE 0x10u
#define JPEG_PROG_FAST_VALUE_SIZE 6u  /* values -63..63, in 7 bits */
void ink_jpeg_prog_build_fast(const jpeg_huffman_table *table, jpeg_prog_fast_form form,
                              unsigned al, uint16_t *fast);
/* FIRST tables: `al` as JPEG_PROG_FIRST_UNSCALED gives the values as they are (the layout
 * above); an Al (0..13) gives (run + 1) << 12 | (value << Al, two's complement in 8 bits) << 4 |
 * (code + value length), for the values whose shifted magnitude is at most 127 and runs up to
 * 14 (others plain): the table of ink_jpeg_prog_ac_first_run's untested form
 * (jpeg_prog_first_scaled). */
#define JPEG_PROG_FIRST_UNSCALED 0xFFu
/* AC first's Al from which it takes its clamped form: a value of the lookahead (|value| <= 63)
 * or, on RV32, a plain entry's of size 1..7 (|value| <= 127, unclamped there) times 2^Al can
 * pass the clamp's bound 2^14. */
#define JPEG_PROG_FIRST_CLAMPED_AL (JPEG_BITS_WIDE ? 9u : 8u)
/* Whether an AC first scan of Al `al` decodes in the untested form (first_stores_all), whose
 * table holds values shifted by Al. */
static inline bool jpeg_prog_first_scaled(bool first_stores_all, unsigned al)
{
    return first_stores_all && al < JPEG_PROG_FIRST_CLAMPED_AL;
}

/* Input slices for the later bands (jpeg_progressive_slices.c): for `nscans` (at most
 * JPEG_PROG_MAX_SCANS) scans that each still have left[i] bytes to read (from its checkpoint
 * through its end marker), one slice each from JPEG_PROG_SLICE_AREAS free areas (an area may be
 * empty), sized to cut the number of reads: a scan whose data fits gets all of it (rounded up to
 * 8), the others sqrt(left)-proportional shares. Slices are disjoint, inside the areas, 8-byte
 * multiples; each at least min(left rounded up to 8, JPEG_PROG_MIN_SLICE). Requires
 * nscans * JPEG_PROG_MIN_SLICE <= the bytes of one area, rounded down to 8. */
#define JPEG_PROG_MAX_SCANS 16u
#define JPEG_PROG_SLICE_AREAS 3u
#define JPEG_PROG_MIN_SLICE 256u
typedef struct jpeg_prog_area {
    uint8_t *start;
    uint32_t nbytes;
} jpeg_prog_area;
void ink_jpeg_prog_plan_slices(const jpeg_prog_area *areas, const uint32_t *left,
                               unsigned nscans, jpeg_prog_area *slices);

/* ---- shared by jpeg_progressive.c (the band) and jpeg_progressive_emit.c (its output) ------ */

#define PROG_MAX_TABLES 12u /* distinct Huffman tables those scans use */
#define PROG_NO_TABLE 0xFFu
#define PROG_NO_SLOT 0xFFu
/* Lookahead tables for the Huffman tables of the scans decoded: libjpeg's default script has six
 * (luma DC, chroma DC, luma AC 1-5, AC 6-63 and two refinements, each optimised), used in that
 * order every band. During the walk: the state's four and one more in jpeg_prog. After it the
 * state's Huffman tables (every DHT has been read; the scans decode from the pool) hold two
 * more, so the later bands keep six or seven tables without rebuilding any. */
#define PROG_WALK_FAST_SLOTS (JPEG_FAST_SLOTS + 1u)
#define PROG_REUSED_FAST_SLOTS                                                                    \
    (sizeof(((jpeg_state *)0)->huffman) / (sizeof(uint16_t) << JPEG_FAST_BITS))
#define PROG_FAST_SLOTS (PROG_WALK_FAST_SLOTS + PROG_REUSED_FAST_SLOTS)

/* The source as the resumed scans see it: seeks the real source to where the reading scan's
 * next block is, only when a read is due and the position differs. Counts reads and seeks. */
typedef struct prog_source {
    ink_source self;
    const ink_source *real;
    uint64_t position; /* of the real source */
    uint64_t want;     /* where the next read must start */
    uint32_t reads, seeks;
} prog_source;

/* One scan that carries luma, and its checkpoint between bands. */
typedef struct prog_scan {
    jpeg_bits bits;
    jpeg_input input;
    uint32_t eobrun;
    uint32_t restarts_left;
    uint32_t bytes_left;     /* after the walk: its data from the checkpoint (its start with
                              * several bands, else after band 0) through its end marker */
    int32_t dc_predictor;
    uint16_t restart_interval;
    uint8_t next_restart;
    uint8_t ss, se, ah, al;
    uint8_t ncomponents;
    uint8_t luma;                        /* position of the luma component in the scan */
    uint8_t h[JPEG_MAX_COMPONENTS], v[JPEG_MAX_COMPONENTS];
    uint8_t table[JPEG_MAX_COMPONENTS];  /* pool index per scan component, PROG_NO_TABLE */
} prog_scan;

/* What emit_band needs of a kept AC position, found by its bit: one address for three loads. The
 * offsets are in bytes, so that RV32 needs no shift to use them. */
typedef struct prog_emit_entry {
    uint16_t quant;         /* the luma quantiser */
    uint8_t natural_offset; /* natural index * 4: its int32 in state->coefficients */
    uint8_t slot_offset;    /* slot * 2: its int16 among the block's kept coefficients */
} prog_emit_entry;

typedef struct jpeg_prog {
    prog_source source;
    const ink_row_sink *sink;
    ink_claim dither, primary;
    uint8_t *band;          /* band_rows x blocks_across blocks of block_bytes */
    uint8_t *out;           /* one block row of output pixels */
    uint8_t *primary_spare; /* PRIMARY below the band: input slices, scans in place */
    uint32_t primary_spare_bytes;
    uint32_t block_bytes, blocks_across, band_rows, total_rows, nbands;
    uint32_t aside_slots;   /* DC values kept aside per block: vmax - 1 with one-row bands */
    uint32_t first_aside;   /* the slot of the first */
    uint32_t out_stride, out_width, out_height, rows_done;
    unsigned block_log2;    /* output pixels per block side, log2 */
    unsigned kept_side;     /* kept_side x kept_side coefficients are kept */
    bool have_mask;
    bool have_quant;
    uint8_t keep_slot[64];  /* zigzag -> slot (the spare slot for those not kept), after plan()
                             * as jpeg_prog_slot_ref gives it */
    uint8_t keep_by_bit[128]; /* the same by word and "at", then the correction form
                               * (jpeg_progressive.h, JPEG_PROG_CORRECT_BY_BIT) */
    uint8_t spare_slot;
    bool dense;             /* 1/1 emit in its dense form (jpeg_progressive_emit.c) */
    bool first_stores_all;  /* AC first's offsets have no 0 in 1..63 (1/1, 1/2) */
    uint64_t kept_mask;     /* zigzag positions kept */
    int32_t dc_quant;
    prog_emit_entry emit_by_bit[64]; /* kept AC positions by word and "at" like keep_by_bit */
    uint8_t fast_owner[PROG_FAST_SLOTS]; /* pool index | form << 4 of each slot's table */
    uint8_t fast_next;
    uint8_t fast_slots; /* usable now: PROG_WALK_FAST_SLOTS, then PROG_FAST_SLOTS */
    unsigned nscans, ntables;
    /* The pool of Huffman tables: below pool_top (the output row in DITHER, else the claim's
     * end), table i at pool_top - 1 - i (prog_table). */
    jpeg_huffman_table *pool_top;
    uint16_t fast_extra[1u << JPEG_FAST_BITS]; /* lookahead slot PROG_FAST_SLOTS - 1 */
    /* Last: after the walk the unused scans, the free DITHER after the record and the unused
     * pool are one area of input slices (give_slices). */
    prog_scan scans[JPEG_PROG_MAX_SCANS];
} jpeg_prog;

static inline jpeg_huffman_table *prog_table(const jpeg_prog *p, unsigned i)
{
    return p->pool_top - 1 - i;
}

/* The coefficient rows/columns each scale's IDCT reads (jpeg_idct.c, as libjpeg's reduced
 * IDCTs) are the kept ones: 1/1 all, 1/2 all but 4, 1/4 the DC and odd ones, 1/8 the DC.
 * Keeping only the 4x4 or 2x2 lowest (16 or 4) would lose what the averaged output still sees
 * of the others: measured 25-39 dB against libjpeg on corpus photos, below the 40 dB limit. */
#define N_ PROG_NO_SLOT
static const uint8_t axis_slot[4][8] = { /* per scale: row/column -> its rank among the kept */
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, N_, 4, 5, 6}, {0, 1, N_, 2, N_, 3, N_, 4},
    {0, N_, N_, N_, N_, N_, N_, N_}};
#undef N_
static const uint8_t kept_count[4] = {8, 7, 5, 1};
/* A copy of ink_jpeg_zigzag whose entries the compiler folds where the index is a constant. */
static const uint8_t natural_of[64] = JPEG_ZIGZAG;

/* The slot of zigzag position k at this scale, or PROG_NO_SLOT where it is not kept (a
 * constant for constant arguments). */
static inline unsigned slot_of(unsigned scale_log2, unsigned k)
{
    unsigned n = natural_of[k];
    unsigned u = axis_slot[scale_log2][n & 7u], v = axis_slot[scale_log2][n >> 3];
    return u == PROG_NO_SLOT || v == PROG_NO_SLOT ? PROG_NO_SLOT : v * kept_count[scale_log2] + u;
}

/* The zigzag positions a scale keeps (those slot_of gives a slot), from its spare slot
 * (kept_side^2; PROG_NO_SLOT at 1/1, which keeps all): 1/2 drops row and column 4, 1/4 rows and
 * columns 2, 4, 6 (1/8 decodes no AC scan). Any other spare slot: all, which is safe where
 * it is used (a refinement reads the correction bits of the positions taken as kept, and
 * correct() tests the slot). test_jpeg_progressive checks them against slot_of. */
#define JPEG_PROG_KEPT_HALF 0xfdab9f7e7d76bbffull    /* 49 positions */
#define JPEG_PROG_KEPT_QUARTER 0x942a05581550aa57ull /* 25 positions */
static inline uint64_t jpeg_prog_kept_positions(unsigned spare)
{
    return spare == 25u   ? JPEG_PROG_KEPT_QUARTER
           : spare == 49u ? JPEG_PROG_KEPT_HALF
                          : ~(uint64_t)0;
}

/* Where zigzag position k is in a table by word and "at" (keep_by_bit, emit_by_bit). */
static inline unsigned by_bit_index(unsigned k)
{
    unsigned bit = k % JPEG_PROG_WORD_BITS;
    return k - bit + jpeg_prog_one_bit_at((jpeg_prog_word)1 << bit);
}

static inline uint8_t *block_at(const jpeg_prog *p, uint32_t bx, uint32_t row_in_band)
{
    return p->band + ((size_t)row_in_band * p->blocks_across + bx) * p->block_bytes;
}

/* Dequantises and transforms the band's first rows (up to the image's last output row), sends
 * them down the sink, and leaves every block it read ready for the next band
 * (jpeg_progressive_emit.c). Returns the sink's error. */
ink_error ink_jpeg_prog_emit_band(jpeg_prog *p, jpeg_state *state, uint32_t band);

#endif
