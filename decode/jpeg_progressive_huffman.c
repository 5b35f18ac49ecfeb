/*
 * jpeg_progressive_huffman.c — progressive block decoding (T.81 G.1.2): DC first and refinement,
 * AC first and refinement with end-of-band runs, on the shared bit reader (jpeg_huffman.c's
 * ink_jpeg_bits_fill, which un-stuffs FF 00 and feeds counted zeros past the data).
 *
 * Each call decodes a run of blocks of one component (a stretch of a block row that no restart
 * marker interrupts), one function per scan type, so the block loop has no per-block dispatch
 * and the bit buffer and input pointers stay in locals (registers on RV32) across the run. Each
 * block keeps only what the band stores: the kept coefficients (by `keep_slot`) and the 64-bit
 * "already nonzero" mask indexed by zigzag position. Coefficients that are not kept still have
 * their symbols, value bits and correction bits read, so the bitstream stays in step; the mask
 * alone tells a refinement scan which positions already have history. An end-of-band run in an
 * AC first scan skips the blocks it covers at once.
 *
 * Speed: each scan type has its own lookahead form (jpeg_progressive.h): a DC difference or an
 * AC first coefficient comes with its value bits, a refinement's new coefficient with its sign,
 * in one lookup for the common short codes; a refinement never walks positions (two masks, see
 * ink_jpeg_prog_ac_refine_run) and, once a block has no history left, goes on by position as an
 * AC first scan does; the masks are taken a machine word at a time (RV32: the word loop unrolled,
 * a mask bit set by two 32-bit shifts).
 *
 * Hostile data: sizes are bounded, positions are checked against Se before any store, every
 * value is computed in int32 and clamped to int16 when stored (an AC first value to +-2^14, so
 * that the corrections that follow stay in range); nothing indexes past the block.
 */
#include <string.h>

#include "decode/jpeg_progressive.h"
#include "decode/jpeg_prog_deposit.h"

/* RV32 (GCC): the register allocator in one region for the whole function, as in
 * jpeg_huffman.c: by default it allocates loop by loop, and the block and symbol loops met with
 * their values in different registers, moved and spilled between them. */
#if defined(__riscv) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("ira-region=one")
#endif

const uint8_t jpeg_prog_bit_index[32] = {0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
                                         15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
                                         16, 7,  26, 12, 18, 6,  11, 5,  10, 9};

static inline int32_t extend(uint32_t value, uint32_t size)
{
    return (int32_t)value - (int32_t)(((value >> (size - 1u)) ^ 1u) * ((1u << size) - 1u));
}

void ink_jpeg_prog_build_fast(const jpeg_huffman_table *table, jpeg_prog_fast_form form,
                              unsigned al, uint16_t *fast)
{
    memset(fast, 0, sizeof(uint16_t) << JPEG_FAST_BITS);
    for (unsigned length = 1; length <= JPEG_FAST_BITS; length++) {
        unsigned l = length - 1;
        for (uint32_t code = table->mincode[l]; code < table->maxcode_plus1[l]; code++) {
            uint32_t symbol = table->values[table->value_index[l] + code - table->mincode[l]];
            uint32_t size = symbol & 15u, shift = JPEG_FAST_BITS - length;
            uint32_t first = code << shift, end = (code + 1u) << shift;
            if (form == JPEG_PROG_FAST_REFINE && size == 1u && length < JPEG_FAST_BITS) {
                /* A new coefficient and its sign bit, the bit after the code: the lower half
                 * of the code's entries is negative, the upper half positive. */
                uint32_t half = 1u << (shift - 1u);
                uint16_t negative = (uint16_t)((symbol << 8) | (length + 1u));
                for (uint32_t i = first; i < first + half; i++)
                    fast[i] = negative;
                for (uint32_t i = first + half; i < end; i++)
                    fast[i] = (uint16_t)(negative | JPEG_PROG_FAST_POSITIVE);
                continue;
            }
            if (form == JPEG_PROG_FAST_DC) {
                size = symbol; /* a DC symbol is the difference's size */
                if (size > JPEG_PROG_FAST_VALUE_SIZE) /* and anything above 11 is refused */
                    size = JPEG_FAST_BITS;
            }
            if (form != JPEG_PROG_FAST_REFINE && (size != 0 || form == JPEG_PROG_FAST_DC) &&
                size <= JPEG_PROG_FAST_VALUE_SIZE && length + size <= JPEG_FAST_BITS &&
                (form != JPEG_PROG_FAST_FIRST || al == JPEG_PROG_FIRST_UNSCALED ||
                 ((symbol >> 4) < 15u && (((1u << size) - 1u) << al) <= 127u))) {
                /* A code and its value bits: each value has its own run of entries. */
                uint32_t span = 1u << (shift - size);
                uint32_t zeros = form == JPEG_PROG_FAST_DC ? 0u : symbol >> 4;
                for (uint32_t raw = 0; raw < (1u << size); raw++) {
                    int32_t value = size != 0 ? extend(raw, size) : 0;
                    uint16_t entry =
                        form == JPEG_PROG_FAST_FIRST
                        ? al == JPEG_PROG_FIRST_UNSCALED
                              ? (uint16_t)(((zeros + 1u) << 11) | (((uint32_t)value & 127u) << 4) |
                                           (length + size))
                              : (uint16_t)(((zeros + 1u) << 12) |
                                           (((uint32_t)value << al & 255u) << 4) | (length + size))
                            : (uint16_t)(((uint32_t)value << 9) | (zeros << 5) |
                                         JPEG_PROG_FAST_VALUE | (length + size));
                    for (uint32_t i = first + raw * span; i < first + (raw + 1u) * span; i++)
                        fast[i] = entry;
                }
                continue;
            }
            for (uint32_t i = first; i < end; i++)
                fast[i] = (uint16_t)((symbol << 8) |
                                     (form != JPEG_PROG_FAST_DC ? length << 4 : length));
        }
    }
}

/* The canonical walk for codes the lookahead does not cover (needs count >= 16): longer than
 * JPEG_FAST_BITS, since the lookahead has every code up to that. Returns the symbol | (code
 * length << 8), or -1 for a code the table does not have (the count stays in a register: its
 * address is never taken). */
static int32_t decode_slow(const jpeg_huffman_table *table, jpeg_bitbuf buffer, int32_t count)
{
    uint32_t bits16 = (uint32_t)(buffer >> (count - 16)) & 0xFFFFu;
    for (unsigned l = JPEG_FAST_BITS; l < 16; l++) {
        uint32_t code = bits16 >> (15 - l);
        if (code < table->maxcode_plus1[l])
            return (int32_t)(table->values[table->value_index[l] + code - table->mincode[l]] |
                             ((l + 1u) << 8));
    }
    return -1;
}

static inline int16_t clamp16(int32_t value)
{
    return (int16_t)(value < -32767 ? -32767 : value > 32767 ? 32767 : value);
}

/* An AC first scan's values are clamped to +-2^14: the corrections of later refinements add
 * each bit 2^Al (Al <= 13) at most once (correct() tests it), 2^14 - 1 in all, so the value
 * stays in int16 without another clamp. What the clamp changes only hostile data sees, and not
 * in the output: emit_band clamps every dequantised term to +-2048 (quantisers are >= 1). */
#define AC_FIRST_LIMIT 16384
static inline int32_t clamp_ac_first(int32_t value)
{
    return value < -AC_FIRST_LIMIT ? -AC_FIRST_LIMIT
           : value > AC_FIRST_LIMIT ? AC_FIRST_LIMIT
                                    : value;
}

/* The reader in locals: the bit buffer (right-aligned, `count` unread bits) and the input
 * pointers. Plain bytes are taken inline; FF 00 un-stuffing, markers and the end of the input
 * buffer go to ink_jpeg_bits_fill (which feeds counted zeros past the data). The inline refill
 * is jpeg_huffman.c's (JPEG_REFILL_INLINE, up to JPEG_REFILL_LIMIT). PEEK(0) is never
 * used. `count` is the unread bits less READ_BIAS: 0 but in AC first (below). */
#define READ_BIAS 0
#define LOAD()                                                                                    \
    do {                                                                                          \
        buffer = bits->buffer;                                                                    \
        count = bits->count - READ_BIAS;                                                          \
        next = input->next;                                                                       \
        limit = JPEG_REFILL_LIMIT(bits, input, next);                                             \
    } while (0)
#define SAVE()                                                                                    \
    do {                                                                                          \
        bits->buffer = buffer;                                                                    \
        bits->count = count + READ_BIAS;                                                          \
        input->next = next;                                                                       \
    } while (0)
#define READER_LOCALS                                                                             \
    jpeg_bits *bits = &state->bits;                                                               \
    jpeg_input *input = &state->input;                                                            \
    jpeg_bitbuf buffer;                                                                           \
    int32_t count;                                                                                \
    const uint8_t *next;                                                                          \
    uintptr_t limit;                                                                              \
    LOAD()
#define PEEK(n) ((uint32_t)(buffer >> (count + READ_BIAS - (int32_t)(n))) & ((1u << (n)) - 1u))
/* The lookahead entry of the next JPEG_FAST_BITS bits (count > JPEG_FAST_BITS): the bits taken
 * one higher as the entry's byte offset (shift, and, add, load; no scaling of the index). The
 * DC form is read sign-extended: the value in the entry's top 7 bits is then one arithmetic
 * shift away (FIRST's top bits are run + 1, read unsigned). */
#define LOOKAHEAD_AT(fast)                                                                        \
    (const void *)((const uint8_t *)(fast) +                                                      \
                   ((uint32_t)(buffer >> (count + READ_BIAS - (int32_t)JPEG_FAST_BITS - 1)) &     \
                    (((1u << JPEG_FAST_BITS) - 1u) << 1)))
#define LOOKAHEAD(fast) (*(const uint16_t *)LOOKAHEAD_AT(fast))
#define LOOKAHEAD_SIGNED(fast) ((uint32_t)(int32_t)(*(const int16_t *)LOOKAHEAD_AT(fast)))
/* At least n bits (n <= 32 on the host, <= 17 on RV32), by JPEG_REFILL_INLINE (count unbiased). */
#define FILL_SLOW()                                                                               \
    do {                                                                                          \
        SAVE();                                                                                   \
        ink_jpeg_bits_fill(bits, input);                                                          \
        LOAD();                                                                                   \
    } while (0)
#define ENSURE(n) JPEG_REFILL_INLINE(count, READ_BIAS, n, FILL_SLOW)
/* A symbol from the lookahead entry of the bits at hand, `entry` (a plain one: the caller has
 * taken the forms it decodes itself), or for a longer code the canonical walk (count >= 16). */
#define DECODE(table, entry, symbol)                                                              \
    do {                                                                                          \
        uint32_t entry_ = (entry);                                                                \
        if (entry_ != 0) {                                                                        \
            count -= (int32_t)(entry_ & 15u);                                                     \
            symbol = (entry_ >> 8) & 0xFFu; /* (a VALUE form's entry is sign-extended) */         \
        } else {                                                                                  \
            int32_t slow_ = decode_slow((table)->canonical, buffer, count + READ_BIAS);           \
            if (slow_ < 0)                                                                        \
                goto bad_code;                                                                    \
            count -= slow_ >> 8;                                                                  \
            symbol = (uint32_t)slow_ & 0xFFu;                                                     \
        }                                                                                         \
    } while (0)
/* Reads n (1..16) bits. */
#define RECEIVE(n, out)                                                                           \
    do {                                                                                          \
        ENSURE(n);                                                                                \
        (out) = PEEK(n);                                                                          \
        count -= (int32_t)(n);                                                                    \
    } while (0)
/* A DC difference (DC form lookahead: a short code and its value bits in one entry); `fast` is
 * the table's lookahead (table->fast), `table` is read only for a code it does not cover.
 * DC_DIFFERENCE_EXPECTED: the same with the lookahead's value form marked the likely way (a
 * chroma block's: RV32 GCC had laid it out of line, a jump a block). */
#define DC_DIFFERENCE(fast, table, diff) DC_DIFFERENCE_FORM(fast, table, diff, false)
#define DC_DIFFERENCE_EXPECTED(fast, table, diff) DC_DIFFERENCE_FORM(fast, table, diff, true)
#define DC_DIFFERENCE_FORM(fast, table, diff, expected)                                           \
    do {                                                                                          \
        uint32_t dc_entry_ = LOOKAHEAD_SIGNED(fast);                                              \
        if ((expected) ? __builtin_expect((dc_entry_ & JPEG_PROG_FAST_VALUE) != 0, 1)             \
                       : (dc_entry_ & JPEG_PROG_FAST_VALUE) != 0) {                               \
            count -= (int32_t)(dc_entry_ & 15u);                                                  \
            diff = (int32_t)dc_entry_ >> 9;                                                       \
        } else {                                                                                  \
            uint32_t size_, raw_;                                                                 \
            DECODE(table, dc_entry_, size_);                                                      \
            if (size_ > 11) {                                                                     \
                SAVE();                                                                           \
                return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC difference of size %u",     \
                                     size_);                                                      \
            }                                                                                     \
            diff = 0;                                                                             \
            if (size_ != 0) {                                                                     \
                RECEIVE(size_, raw_);                                                             \
                diff = extend(raw_, size_);                                                       \
            }                                                                                     \
        }                                                                                         \
    } while (0)
/* A value of n (1..15) bits, T.81's EXTEND of them: the bits taken to the top of the word, where
 * the first bit is the sign; a value whose first bit is 0 is minus the complement of its bits
 * (fewer instructions than RECEIVE and extend(): no mask, no multiply). */
#define RECEIVE_VALUE(n, out)                                                                     \
    do {                                                                                          \
        ENSURE(n);                                                                                \
        RECEIVE_VALUE_HELD(n, out);                                                               \
    } while (0)
/* The same when n bits are known to be held. */
#define RECEIVE_VALUE_HELD(n, out)                                                                \
    do {                                                                                          \
        jpeg_bitbuf top_ = buffer << ((uint32_t)(-(count + READ_BIAS)) & (JPEG_BITBUF_BITS - 1)); \
        jpeg_bitbuf flip_ = ~(jpeg_bitbuf)((ptrdiff_t)top_ >> (JPEG_BITBUF_BITS - 1));            \
        jpeg_bitbuf bits_ = (top_ ^ flip_) >> ((uint32_t)(-(int32_t)(n)) & (JPEG_BITBUF_BITS - 1)); \
        (out) = (int32_t)((bits_ ^ flip_) - flip_);                                               \
        count -= (int32_t)(n);                                                                    \
    } while (0)
/* Enough for a code (16) and its value bits (up to 15) without another fill on a 64-bit host. */
#define SYMBOL_BITS (JPEG_BITS_WIDE ? 32 : 16)

static ink_error bad_code_error(jpeg_bits *bits, ink_error_info *info)
{
    if (ink_jpeg_bits_overrun(bits) || bits->marker != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG progressive data truncated or corrupt");
    return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG progressive data has an invalid Huffman code");
}

static inline int16_t *coefficients_of(const jpeg_prog_block_params *params, uint8_t *block)
{
    return (int16_t *)(void *)(block + params->coefficients_offset);
}

/* The coefficient a keep_slot or keep_by_bit entry (jpeg_prog_slot_ref) names. */
static inline int16_t *coefficient_at(int16_t *coefficients, unsigned ref)
{
    if (JPEG_PROG_SLOT_REF_BYTES)
        return (int16_t *)(void *)((uint8_t *)coefficients + ref);
    return &coefficients[ref];
}

/* Word w of a block's mask in memory (w = 1: the high half; the 64-bit mask is stored little
 * endian, as on RV32 and x86), read and written by memcpy: no aliasing of the uint64_t. */
#if defined(__BYTE_ORDER__)
_Static_assert(JPEG_PROG_WORDS == 1 || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the mask's 32-bit words in memory assume a little-endian machine");
#endif
static inline jpeg_prog_word mask_word(const uint8_t *block, unsigned w)
{
    jpeg_prog_word word;
    memcpy(&word, (const uint8_t *)__builtin_assume_aligned(block, 8) + w * sizeof word,
           sizeof word);
    return word;
}
static inline void set_mask_word(uint8_t *block, unsigned w, jpeg_prog_word word)
{
    memcpy((uint8_t *)__builtin_assume_aligned(block, 8) + w * sizeof word, &word, sizeof word);
}

ink_error ink_jpeg_prog_dc_first_run(jpeg_state *state, const jpeg_entropy_table *dc,
                                     const jpeg_prog_block_params *params, int32_t *predictor,
                                     const jpeg_prog_run *run, ink_error_info *info)
{
    READER_LOCALS;
    const unsigned al = params->al;
    int32_t value = *predictor, diff;
    uint8_t *block = run->block;
    for (uint32_t i = 0; i < run->count; i++) {
        ENSURE(SYMBOL_BITS);
        DC_DIFFERENCE(dc->fast, dc, diff);
        value += diff;
        if (value > 32767 || value < -32768) {
            SAVE();
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC coefficient out of range");
        }
        coefficients_of(params, block)[0] = clamp16(value * (1 << al));
        block += run->stride;
    }
    SAVE();
    *predictor = value;
    return INK_OK;
bad_code:
    SAVE();
    return bad_code_error(bits, info);
}

/* On RV32 the interleaved DC first scan keeps its count biased by the lookahead's shift too (as
 * AC first, below): a block's lookahead is then a shift by `count` itself, one instruction
 * less a block. (On x86 it raised every photo, 0.08-0.3 %.) */
#undef READ_BIAS
#define READ_BIAS (JPEG_BITS_WIDE ? 0 : (int32_t)JPEG_FAST_BITS + 1)
ink_error ink_jpeg_prog_dc_first_mcus(jpeg_state *state, const jpeg_prog_mcu *mcu, unsigned al,
                                      int32_t *predictor, uint8_t *base, uint32_t nmcus,
                                      ink_error_info *info)
{
    READER_LOCALS;
    /* The MCU in locals: a luma store cannot make the compiler reload it. The blocks by pointer
     * to the end (no count); a block's lookahead one load (its table only for a long code). */
    const uint32_t stride = mcu->stride;
    const jpeg_prog_mcu_block *const blocks = mcu->block, *const blocks_end = blocks + mcu->nblocks;
    /* A value within +-small stored shifted by Al fits int16 as it is: one test, no clamp. */
    const int32_t small = 32767 >> al;
    int32_t value = *predictor, diff;
    /* A luma block's difference added and its DC stored at `offset` from the MCU's base. */
#define DC_FIRST_LUMA(offset)                                                                     \
    do {                                                                                          \
        value += diff;                                                                            \
        int16_t *dc_ = (int16_t *)(void *)(base + (offset));                                      \
        if (__builtin_expect((uint32_t)(value + small) <= 2u * (uint32_t)small, 1)) {             \
            /* (stored as uint16_t: as int16_t, RV32 GCC sign-extended it first) */               \
            *(uint16_t *)(void *)dc_ = (uint16_t)((uint32_t)value << al);                         \
        } else if (value > 32767 || value < -32768) {                                             \
            SAVE();                                                                               \
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC coefficient out of range");     \
        } else {                                                                                  \
            dc_[0] = clamp16(value * (1 << al));                                                  \
        }                                                                                         \
    } while (0)
    /* The usual MCUs, luma first then two chroma blocks (1x1, 2x1 or 1x2, 2x2 luma), unrolled:
     * each block's place a constant in the MCU, no loop and no test of the offset a block. */
#define DC_FIRST_UNROLLED(nluma)                                                                  \
    for (; nmcus > 0; nmcus--, base += stride) {                                                  \
        _Pragma("GCC unroll 4") for (unsigned b_ = 0; b_ < (nluma); b_++) {                       \
            ENSURE(SYMBOL_BITS);                                                                  \
            DC_DIFFERENCE(blocks[b_].fast, blocks[b_].dc, diff);                                  \
            DC_FIRST_LUMA(blocks[b_].offset);                                                     \
        }                                                                                         \
        _Pragma("GCC unroll 2") for (unsigned b_ = (nluma); b_ < (nluma) + 2u; b_++) {            \
            ENSURE(SYMBOL_BITS);                                                                  \
            DC_DIFFERENCE_EXPECTED(blocks[b_].fast, blocks[b_].dc, diff); /* (bits only) */       \
        }                                                                                         \
    }
    uint32_t nluma = 0;
    while (nluma < mcu->nblocks && blocks[nluma].offset >= 0)
        nluma++;
    const bool usual = mcu->nblocks == nluma + 2u && blocks[nluma].offset < 0 &&
                       blocks[nluma + 1u].offset < 0;
    if (usual && nluma == 1) {
        DC_FIRST_UNROLLED(1u)
    } else if (usual && nluma == 2) {
        DC_FIRST_UNROLLED(2u)
    } else if (usual && nluma == 4) {
        DC_FIRST_UNROLLED(4u)
    } else {
        for (; nmcus > 0; nmcus--, base += stride) {
            for (const jpeg_prog_mcu_block *at = blocks; at != blocks_end; at++) {
                ENSURE(SYMBOL_BITS);
                DC_DIFFERENCE(at->fast, at->dc, diff);
                const int32_t offset = at->offset;
                if (offset < 0)
                    continue; /* a chroma difference: only its bits are taken */
                DC_FIRST_LUMA(offset);
            }
        }
    }
#undef DC_FIRST_UNROLLED
#undef DC_FIRST_LUMA
    SAVE();
    *predictor = value;
    return INK_OK;
bad_code:
    SAVE();
    return bad_code_error(bits, info);
}

#undef READ_BIAS
#define READ_BIAS 0

ink_error ink_jpeg_prog_dc_refine_mcus(jpeg_state *state, const jpeg_prog_mcu *mcu, unsigned al,
                                       uint8_t *base, uint32_t nmcus, ink_error_info *info)
{
    (void)info;
    READER_LOCALS;
    const uint16_t p1 = (uint16_t)(1u << al);
    const uint32_t n = mcu->nblocks, stride = mcu->stride;
    /* The luma blocks only: their bit in the MCU's bits (the first block highest), and place. */
    struct luma_block {
        uint32_t bit;
        int32_t offset;
    } luma[JPEG_PROG_MCU_BLOCKS];
    uint32_t nluma = 0;
    for (uint32_t b = 0; b < n; b++) {
        if (mcu->block[b].offset >= 0) {
            luma[nluma].bit = 1u << (n - 1u - b);
            luma[nluma++].offset = mcu->block[b].offset;
        }
    }
    uint32_t got;
    /* A luma block's bit: its DC's bit Al set when the block's bit in `got` is 1. */
#define DC_REFINE_SET(bit, offset)                                                                \
    do {                                                                                          \
        if (got & (bit)) {                                                                        \
            uint16_t *dc_ = (uint16_t *)(void *)(base + (offset));                                \
            *dc_ = (uint16_t)(*dc_ | p1);                                                         \
        }                                                                                         \
    } while (0)
    if (nluma == 1) {
        /* One luma block an MCU (luma sampled 1x1): its bit and place in registers, no loop
         * (RV32: about 10 instructions an MCU instead of 22). */
        const uint32_t bit = luma[0].bit;
        const int32_t offset = luma[0].offset;
        for (; nmcus > 0; nmcus--, base += stride) {
            RECEIVE(n, got); /* one bit per block */
            DC_REFINE_SET(bit, offset);
        }
    } else if (nluma == 2) {
        /* Two (luma sampled 2x1 or 1x2), the same way (RV32: 2 instructions a block, not 5). */
        const uint32_t bit0 = luma[0].bit, bit1 = luma[1].bit;
        const int32_t offset0 = luma[0].offset, offset1 = luma[1].offset;
        for (; nmcus > 0; nmcus--, base += stride) {
            RECEIVE(n, got); /* one bit per block */
            DC_REFINE_SET(bit0, offset0);
            DC_REFINE_SET(bit1, offset1);
        }
    } else if (nluma == 4) {
        /* Four (luma sampled 2x2), the same way. */
        const uint32_t bit0 = luma[0].bit, bit1 = luma[1].bit, bit2 = luma[2].bit,
                       bit3 = luma[3].bit;
        const int32_t offset0 = luma[0].offset, offset1 = luma[1].offset,
                      offset2 = luma[2].offset, offset3 = luma[3].offset;
        for (; nmcus > 0; nmcus--, base += stride) {
            RECEIVE(n, got); /* one bit per block */
            DC_REFINE_SET(bit0, offset0);
            DC_REFINE_SET(bit1, offset1);
            DC_REFINE_SET(bit2, offset2);
            DC_REFINE_SET(bit3, offset3);
        }
    } else {
        const struct luma_block *const luma_end = luma + nluma;
        for (; nmcus > 0; nmcus--, base += stride) {
            RECEIVE(n, got); /* one bit per block */
            for (const struct luma_block *at = luma; at != luma_end; at++)
                DC_REFINE_SET(at->bit, at->offset);
        }
    }
#undef DC_REFINE_SET
    SAVE();
    return INK_OK;
}

ink_error ink_jpeg_prog_dc_refine_run(jpeg_state *state, const jpeg_prog_block_params *params,
                                      const jpeg_prog_run *run, ink_error_info *info)
{
    (void)info;
    READER_LOCALS;
    const uint16_t p1 = (uint16_t)(1u << params->al);
    uint32_t bit;
    uint8_t *block = run->block;
    for (uint32_t i = 0; i < run->count; i++) {
        RECEIVE(1, bit);
        if (block) {
            int16_t *dc = coefficients_of(params, block);
            if (bit)
                dc[0] = (int16_t)(uint16_t)((uint16_t)dc[0] | p1);
            block += run->stride;
        }
    }
    SAVE();
    return INK_OK;
}

/* The bit of zigzag position k (0..63) in a block's mask, on a 64-bit host (the refinement's
 * by-position loop there): a load and an OR, fewer instructions than a shift by a count in a
 * register. */
static const uint64_t position_bits[64] = {
#define BITS4_(k) (uint64_t)1 << (k), (uint64_t)1 << ((k) + 1), (uint64_t)1 << ((k) + 2),        \
                  (uint64_t)1 << ((k) + 3)
    BITS4_(0),  BITS4_(4),  BITS4_(8),  BITS4_(12), BITS4_(16), BITS4_(20), BITS4_(24), BITS4_(28),
    BITS4_(32), BITS4_(36), BITS4_(40), BITS4_(44), BITS4_(48), BITS4_(52), BITS4_(56), BITS4_(60),
#undef BITS4_
};

/* AC first keeps its count biased by the lookahead's shift: the lookahead is then a shift by
 * `count` itself (one instruction less a symbol on RV32). */
#undef READ_BIAS
#define READ_BIAS ((int32_t)JPEG_FAST_BITS + 1)

/* The symbols of an AC first block while the position is in the word `word` (positions up to
 * `bound`): stores each coefficient and sets its bit; an end of band goes to `end` (eob set), a
 * run that leaves the word to `beyond` with `kp` and the coefficient's unscaled `value`
 * pending. `kp` is the position of the last coefficient (Ss - 1 before the first) as a pointer
 * into params->first_offset (`at`), whose entry is the coefficient's byte offset in the block
 * (0: not kept, tested unless `stores_all`); the table being aligned to 64 bytes, the pointer's
 * low bits are the position's bit in its word (five on RV32, six on a host: one shift, which
 * takes them alone). A FIRST lookahead entry gives run + 1, so a coefficient advances `kp` by
 * one addition, and the loop has no increment. */
#define FIRST_BIT(kp) (one << ((uintptr_t)(kp) & (JPEG_PROG_WORD_BITS - 1u)))
/* A FIRST value entry's run + 1 and its value times 2^Al: in the untested form (`stores_all`)
 * its table's (run + 1 in bits 12..15, the value shifted by Al in bits 4..11: no multiply),
 * in the others run + 1 in bits 11..15 and the value in bits 4..10. */
#define FIRST_SCALED stores_all
#define FIRST_RUN(entry) (FIRST_SCALED ? (entry) >> 12 : (entry) >> 11)
#define FIRST_VALUE(entry)                                                                        \
    (FIRST_SCALED  ? (int32_t)((entry) << 20) >> 24                                               \
     : clamp_short ? clamp_ac_first(((int32_t)((entry) << 21) >> 25) * scale)                     \
                   : ((int32_t)((entry) << 21) >> 25) * scale)
#define FIRST_STORE(kp, value)                                                                    \
    do {                                                                                          \
        unsigned offset_ = *(kp);                                                                 \
        if (stores_all || offset_ != 0)                                                           \
            *(int16_t *)(void *)(block + offset_) = (int16_t)(value);                             \
    } while (0)
#if JPEG_BITS_WIDE
#define ENSURE_FIRST() ENSURE(JPEG_FAST_BITS + 1u)
#else
/* RV32, in the untested form (1/1, 1/2): JPEG_REFILL_INLINE's two-byte step with 0xFF and the
 * count's bound in registers made once a run (FRESH_REGISTER), not remade every block (GCC had
 * rebuilt both at each block's start); the other forms as they were (there it raised manga 001
 * by 0.2 %). Not JPEG_REFILL_INLINE with the two as parameters: its fallback runs the byte loop
 * at once, where ENSURE tries the two-byte step again first (session 10: +0.02 % on the seven
 * sample photos, WCAG p14 back over 1.5x). */
#define ENSURE_FIRST()                                                                            \
    do {                                                                                          \
        if (!stores_all) {                                                                        \
            ENSURE(SYMBOL_BITS);                                                                  \
        } else if (count < refill_below) {                                                        \
            if ((uintptr_t)next < limit && next[0] != ff_byte && next[1] != ff_byte) {            \
                buffer = (buffer << 16) | (uint32_t)next[0] << 8 | next[1];                       \
                count += 16;                                                                      \
                next += 2;                                                                        \
            } else {                                                                              \
                ENSURE(SYMBOL_BITS);                                                              \
            }                                                                                     \
        }                                                                                         \
    } while (0)
#endif
#define AC_FIRST_SYMBOLS(word, bound, beyond, end)                                                 \
    while (kp < (bound)) {                                                                        \
        /* On the host the lookahead's bits only (a code and value bits it covers are no          \
         * longer): the 64-bit refill then takes more bytes at a time. RV32 refills two bytes     \
         * at a time whatever the count, and needs no second test for a long code. */             \
        ENSURE_FIRST();                                                                           \
        uint32_t entry = LOOKAHEAD(first_table.fast);                                             \
        if ((entry & 15u) != 0) {                                                                 \
            /* The common case: a short code and its value bits in one lookahead entry. */        \
            /* (in the tested form the value is taken from the entry only where it is used,    \
             * not for a coefficient not kept; elsewhere that cost a few instructions more) */    \
            count -= (int32_t)(entry & 15u);                                                      \
            kp += FIRST_RUN(entry);                                                               \
            if (stores_all || clamp_short)                                                        \
                value = FIRST_VALUE(entry);                                                       \
            if (kp > (bound)) {                                                                   \
                value = FIRST_VALUE(entry);                                                       \
                goto beyond;                                                                      \
            }                                                                                     \
            word |= FIRST_BIT(kp);                                                                \
            if (stores_all || clamp_short)                                                        \
                FIRST_STORE(kp, value);                                                           \
            else                                                                                  \
                FIRST_STORE(kp, FIRST_VALUE(entry));                                              \
            continue;                                                                             \
        }                                                                                         \
        if (JPEG_BITS_WIDE)                                                                       \
            ENSURE(SYMBOL_BITS);                                                                  \
        if (stores_all || JPEG_BITS_WIDE ? (entry >> 8) == 0 && entry != 0                        \
                                         : entry - 1u < 0xFFu) {                                  \
            /* symbol 0 (a plain entry: length << 4), the end of this block's band: the common    \
             * end of a block, before the symbol's fields are decoded. (Two forms of the test,    \
             * each the one that measured lower: in the untested form and on the host a shift,    \
             * no constant to compare with; in RV32's tested form the compare.) */                \
            count -= (int32_t)(entry >> 4);                                                       \
            eob = 1;                                                                              \
            goto end;                                                                             \
        }                                                                                         \
        if (entry != 0) { /* a plain FIRST entry: symbol << 8 | length << 4 */                    \
            count -= (int32_t)((entry >> 4) & 15u);                                               \
            symbol = (entry >> 8) & 0xFFu;                                                        \
            unsigned size_ = symbol & 15u;                                                        \
            if (!JPEG_BITS_WIDE && !clamp_short && size_ - 1u < 7u) {                             \
                /* RV32: a value of size 1..7 after a code of at most JPEG_FAST_BITS: its bits    \
                 * are at hand (16 ensured above) and value << Al within the clamp (Al <= 7 in   \
                 * these forms): no ENSURE, no clamp. (On x86 this path raised every photo.) */  \
                RECEIVE_VALUE_HELD(size_, value);                                                 \
                if (FIRST_SCALED)                                                                 \
                    value *= scale;                                                               \
                kp += (symbol >> 4) + 1u;                                                         \
                if (kp > (bound)) {                                                               \
                    if (!FIRST_SCALED)                                                            \
                        value *= scale;                                                           \
                    goto beyond;                                                                  \
                }                                                                                 \
                word |= FIRST_BIT(kp);                                                            \
                FIRST_STORE(kp, FIRST_SCALED ? value : value * scale);                            \
                continue;                                                                         \
            }                                                                                     \
        } else {                                                                                  \
            int32_t slow_ = decode_slow(first_table.canonical, buffer, count + READ_BIAS);        \
            if (slow_ < 0)                                                                        \
                goto bad_code;                                                                    \
            count -= slow_ >> 8;                                                                  \
            symbol = (uint32_t)slow_ & 0xFFu;                                                     \
        }                                                                                         \
        unsigned zeros = symbol >> 4, size = symbol & 15u;                                        \
        if (size == 0) {                                                                          \
            if (zeros == 15) {                                                                    \
                kp += 16;                                                                         \
                continue;                                                                         \
            }                                                                                     \
            eob = 1u << zeros;                                                                    \
            if (zeros != 0) {                                                                     \
                RECEIVE(zeros, raw);                                                              \
                eob += raw;                                                                       \
            }                                                                                     \
            goto end;                                                                             \
        }                                                                                         \
        RECEIVE_VALUE(size, value);                                                               \
        if (FIRST_SCALED)                                                                         \
            value = clamp_ac_first(value * scale);                                                \
        kp += zeros + 1u;                                                                         \
        if (kp > (bound)) {                                                                       \
            if (!FIRST_SCALED)                                                                    \
                value = clamp_ac_first(value * scale);                                            \
            goto beyond;                                                                          \
        }                                                                                         \
        word |= FIRST_BIT(kp);                                                                    \
        /* (elsewhere the value of a coefficient not kept is not even computed) */                \
        FIRST_STORE(kp, FIRST_SCALED ? value : clamp_ac_first(value * scale));                    \
    }

/* A value the compiler takes as new (an empty asm), for values each block copies: AC first's
 * loop bound (the two words' bounds are then loaded once a block, and the loop's bound alone
 * takes a register; on RV32 the high word's bound had been reloaded twice a symbol), 2^Al
 * (reloaded for every coefficient kept) and, on RV32 only, the 1 a mask bit shifts (otherwise
 * made again for every coefficient in some of the forms; on x86 it cost a register). The AC
 * refinement copies its lookahead table, keep_slot and loop bounds the same way. */
#if defined(__GNUC__)
#define FRESH_REGISTER(x) __asm__("" : "+r"(x))
#else
#define FRESH_REGISTER(x) ((void)0)
#endif

/* The AC first block loop, with `clamp_short` constant: whether values from the lookahead
 * (|value| <= 63) need the clamp once shifted by Al, true only for Al > 8 (on RV32, where
 * plain entries of size 1..7, |value| <= 127, take a path of their own without the clamp or a
 * second ENSURE, for Al > 7); and `stores_all`:
 * whether every position has a slot in params->first_offset (params->first_stores_all). On
 * RV32 a block's positions go in two loops, those of the mask's low word then of its high word,
 * so that a mask bit is one shift in a word (a run that crosses from one to the other is
 * finished between them). */
static inline __attribute__((always_inline)) ink_error
ac_first_blocks(jpeg_state *state, const jpeg_entropy_table *ac,
                const jpeg_prog_block_params *params, uint32_t *eobrun, const jpeg_prog_run *run,
                ink_error_info *info, const bool clamp_short, const bool stores_all)
{
    READER_LOCALS;
    const unsigned ss = params->ss, se = params->se, al = params->al;
    const int32_t p1 = 1 << al;
    const uint8_t *const at = params->first_offset;
    /* The last position of the first word (of the only one on a host), and of the scan. */
    const uint8_t *const low_bound =
        at + (se < JPEG_PROG_WORD_BITS ? se : JPEG_PROG_WORD_BITS - 1u);
    const uint8_t *const high_bound = at + se;
    const jpeg_entropy_table first_table = *ac; /* in locals: no reload after a store */
    uint32_t eob = *eobrun, left = run->count, symbol, raw;
    uint8_t *block = run->block;
    const uint8_t *kp = at, *bound;
#if !JPEG_BITS_WIDE
    uint32_t ff_byte = 0xFF;
    int32_t refill_below = (int32_t)SYMBOL_BITS - READ_BIAS;
    if (stores_all) {
        FRESH_REGISTER(ff_byte);
        FRESH_REGISTER(refill_below);
    }
#endif
    int32_t value;
    while (left > 0) {
        if (eob > 0) {
            /* Blocks inside an end-of-band run have nothing in this band of positions. */
            uint32_t skip = eob < left ? eob : left;
            eob -= skip;
            left -= skip;
            block += (size_t)skip * run->stride;
            continue;
        }
        /* One word of the mask at a time in a register (on RV32 the low one, then the high
         * one: each is stored back when its loop is done). */
        jpeg_prog_word word = mask_word(block, 0);
        kp = at + ss - 1;
        bound = low_bound;
        FRESH_REGISTER(bound);
        int32_t scale = p1;
        FRESH_REGISTER(scale);
        jpeg_prog_word one = 1;
        if (JPEG_PROG_WORDS == 2)
            FRESH_REGISTER(one);
        AC_FIRST_SYMBOLS(word, bound, low_beyond, low_end)
        if (JPEG_PROG_WORDS == 2) {
            set_mask_word(block, 0, word);
            word = mask_word(block, JPEG_PROG_WORDS - 1u);
            bound = high_bound;
            FRESH_REGISTER(bound);
            if (0) {
            low_beyond:
                bound = high_bound;
                FRESH_REGISTER(bound);
                if (JPEG_PROG_WORDS == 1 || kp > bound)
                    goto past_end;
                set_mask_word(block, 0, word);
                word = mask_word(block, JPEG_PROG_WORDS - 1u) | FIRST_BIT(kp);
                FIRST_STORE(kp, value);
            }
            AC_FIRST_SYMBOLS(word, bound, past_end, high_end)
            eob = 1; /* (no end of band: the block ends at Se) */
        high_end:
            set_mask_word(block, JPEG_PROG_WORDS - 1u, word);
            goto block_end;
        }
        eob = 1; /* (no end of band: the block ends at Se) */
    low_end:
        set_mask_word(block, 0, word);
    block_end:
        eob--; /* this block ends the first block of the run */
        block += run->stride;
        left--;
    }
    SAVE();
    *eobrun = eob;
    return INK_OK;
past_end: /* (the block's mask is left as it was: the band is abandoned) */
    SAVE();
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "JPEG progressive AC coefficient at position %u past the scan's end %u",
                         (unsigned)(kp - at), se);
bad_code:
    SAVE();
    *eobrun = eob;
    return bad_code_error(bits, info);
}

/* The forms apart, each its own function: inlined side by side in one they shared one register
 * allocation, and the common forms lost registers to the others. */
#define AC_FIRST_FORM(name, clamp_short, stores_all)                                              \
    static __attribute__((noinline)) ink_error name(                                              \
        jpeg_state *state, const jpeg_entropy_table *ac, const jpeg_prog_block_params *params,    \
        uint32_t *eobrun, const jpeg_prog_run *run, ink_error_info *info)                         \
    {                                                                                             \
        return ac_first_blocks(state, ac, params, eobrun, run, info, clamp_short, stores_all);    \
    }
AC_FIRST_FORM(ac_first_clamped, true, false)
AC_FIRST_FORM(ac_first_untested, false, true)
AC_FIRST_FORM(ac_first_tested, false, false)

ink_error ink_jpeg_prog_ac_first_run(jpeg_state *state, const jpeg_entropy_table *ac,
                                     const jpeg_prog_block_params *params, uint32_t *eobrun,
                                     const jpeg_prog_run *run, ink_error_info *info)
{
    /* |value| <= 63 << Al (a lookahead value) needs the clamp only for Al > 8; on RV32 a plain
     * entry's of size <= 7 (127 << Al), which the other forms store unclamped, for Al > 7 */
    if (params->al >= JPEG_PROG_FIRST_CLAMPED_AL)
        return ac_first_clamped(state, ac, params, eobrun, run, info);
    if (params->first_stores_all) /* 1/1, 1/2: a store without a test (the spare slot) */
        return ac_first_untested(state, ac, params, eobrun, run, info);
    return ac_first_tested(state, ac, params, eobrun, run, info);
}

#undef READ_BIAS
#define READ_BIAS 0

/* Appends a correction bit to the (already nonzero) coefficient of keep_by_bit's correction
 * entry `ref` (JPEG_PROG_CORRECT_BY_BIT) when it is kept (not 0). */
static inline void correct(int16_t *coefficients, unsigned ref, int32_t p1)
{
    if (ref == 0)
        return;
    int16_t *coefficient = coefficient_at(coefficients, ref);
    int32_t value = *coefficient;
    int32_t sign = value >> 31; /* 0 or -1 */
    if ((value & p1) == 0) /* in range: see AC_FIRST_LIMIT */
        *coefficient = (int16_t)(value + ((p1 ^ sign) - sign));
}

#if !JPEG_BITS_WIDE
/* correct() for a position known to have a correction entry (ref != 0: CORRECT_SPAN). Its body
 * written out again on purpose: correct() as a test around this one changed GCC's allocation of
 * both refinement functions (RV32: all seven sample photos up, by up to 9,906 instructions; x86
 * registers moved). */
static inline void correct_kept(int16_t *coefficients, unsigned ref, int32_t p1)
{
    int16_t *coefficient = coefficient_at(coefficients, ref);
    int32_t value = *coefficient;
    int32_t sign = value >> 31; /* 0 or -1 */
    if ((value & p1) == 0) /* in range: see AC_FIRST_LIMIT */
        *coefficient = (int16_t)(value + ((p1 ^ sign) - sign));
}
#endif

/* The correction bit of the position at `at` in the word whose part of keep_by_bit is
 * `keep_word`, a bit that is 1. */
#define CORRECT_AT(keep_word, at)                                                                 \
    correct(coefficients, (keep_word)[JPEG_PROG_CORRECT_BY_BIT + (at)], p1)

/* One correction bit for each position of `passed` (positions with history, in the word whose
 * part of keep_by_bit is `keep_word`), lowest first. The position is only looked up for a bit
 * that is set. With a 32-bit buffer (RV32) the bits go two at a time while two positions are
 * left (one fill test, one shift for both); on the host, where that costs more, one at a time. */
#if JPEG_BITS_WIDE
#define CORRECT_ALL(passed, keep_word)                                                            \
    do {                                                                                          \
        jpeg_prog_word todo_ = (passed);                                                          \
        while (todo_ != 0) {                                                                      \
            ENSURE(1);                                                                            \
            count--;                                                                              \
            if ((buffer >> count) & 1u)                                                           \
                CORRECT_AT(keep_word, jpeg_prog_lowest_at(todo_));                                \
            todo_ &= todo_ - 1u;                                                                  \
        }                                                                                         \
    } while (0)
#else
#define CORRECT_ALL(passed, keep_word)                                                            \
    do {                                                                                          \
        jpeg_prog_word todo_ = (passed);                                                          \
        while (todo_ != 0) {                                                                      \
            ENSURE(2);                                                                            \
            jpeg_prog_word second_ = todo_ & (todo_ - 1u);                                        \
            if (second_ == 0) { /* the last bit (todo_ is that one bit) */                        \
                count--;                                                                          \
                if ((buffer >> count) & 1u)                                                       \
                    CORRECT_AT(keep_word, jpeg_prog_one_bit_at(todo_));                           \
                break;                                                                            \
            }                                                                                     \
            count -= 2;                                                                           \
            uint32_t two_ = (uint32_t)(buffer >> count) & 3u;                                     \
            if (two_ & 2u) /* (the lowest bit of todo_: the one second_ lacks) */                 \
                CORRECT_AT(keep_word, jpeg_prog_one_bit_at(todo_ ^ second_));                     \
            todo_ = second_ & (second_ - 1u);                                                     \
            if (two_ & 1u)                                                                        \
                CORRECT_AT(keep_word, jpeg_prog_one_bit_at(second_ ^ todo_));                     \
        }                                                                                         \
    } while (0)
/* RV32, ac_refine_deposit (1/1 and 1/4): the correction bits of the history left in a word when
 * a run leaves it (often long: manga 001 at 1/4, 17 bits a span) a byte of positions at a time.
 * For a nonzero byte of the span with c positions, its c bits in one read, and
 * jpeg_prog_deposit's byte of those positions whose bit is 1; of these only the ones with a
 * correction entry (kept: the byte of jpeg_prog's kept_mask) are looked up, so a bit of a position
 * not kept costs nothing of its own. (The spans of the other paths, 2 to 6 bits on average, stay
 * with CORRECT_ALL's pairs: by bytes they cost more, and inline copies there moved the
 * function's registers.) */
#define CORRECT_SPAN_BYTE(todo, keep_word, w, j)                                                  \
    do {                                                                                          \
        uint32_t byte_ =                                                                          \
            (uint32_t)((todo) >> ((8u * (j)) & (JPEG_PROG_WORD_BITS - 1u))) & 0xFFu;              \
        if (byte_ != 0) {                                                                         \
            uint32_t at_ = jpeg_prog_deposit.at[byte_];                                           \
            int32_t less_ = (int32_t)(at_ & 7u); /* its bits less one */                          \
            ENSURE(less_ + 1);                                                                    \
            jpeg_bitbuf top_ = buffer << ((uint32_t)(-count) & (JPEG_BITBUF_BITS - 1));           \
            count -= less_ + 1;                                                                   \
            uint32_t v_ = (uint32_t)(top_ >> ((uint32_t)~less_ & (JPEG_BITBUF_BITS - 1)));       \
            jpeg_prog_word hits_ =                                                                \
                (jpeg_prog_word)(jpeg_prog_deposit.ones[(at_ >> 3) + v_] &                        \
                                 (keep_word)[JPEG_PROG_KEPT_MASK_FROM_KEEP_BY_BIT +               \
                                             (w) * sizeof(jpeg_prog_word) -                       \
                                             (w) * JPEG_PROG_WORD_BITS + (j)])                    \
                << ((8u * (j)) & (JPEG_PROG_WORD_BITS - 1u));                                     \
            while (hits_ != 0) {                                                                  \
                jpeg_prog_word bit_ = hits_ & (0u - hits_);                                       \
                correct_kept(coefficients,                                                        \
                             (keep_word)[JPEG_PROG_CORRECT_BY_BIT + jpeg_prog_one_bit_at(bit_)],  \
                             p1);                                                                 \
                hits_ &= hits_ - 1u;                                                              \
            }                                                                                     \
        }                                                                                         \
    } while (0)
#define CORRECT_SPAN(passed, keep_word, w)                                                        \
    do {                                                                                          \
        jpeg_prog_word todo_ = (passed);                                                          \
        CORRECT_SPAN_BYTE(todo_, keep_word, w, 0);                                                \
        CORRECT_SPAN_BYTE(todo_, keep_word, w, 1);                                                \
        CORRECT_SPAN_BYTE(todo_, keep_word, w, 2);                                                \
        CORRECT_SPAN_BYTE(todo_, keep_word, w, 3);                                                \
        if (JPEG_PROG_WORDS == 1) { /* (64-bit words with a 32-bit buffer: not built) */          \
            CORRECT_SPAN_BYTE(todo_, keep_word, w, 4);                                            \
            CORRECT_SPAN_BYTE(todo_, keep_word, w, 5);                                            \
            CORRECT_SPAN_BYTE(todo_, keep_word, w, 6);                                            \
            CORRECT_SPAN_BYTE(todo_, keep_word, w, 7);                                            \
        }                                                                                         \
    } while (0)
#endif

/* Set bits of a nonzero word, one step a bit (a span of history rarely holds many). */
static inline int32_t count_bits(jpeg_prog_word word)
{
    int32_t n = 0;
    do {
        n++;
        word &= word - 1u;
    } while (word != 0);
    return n;
}

/* Drops n bits when the buffer holds fewer (a long span of history not kept). */
static __attribute__((noinline)) void drop_bits(jpeg_bits *bits, jpeg_input *input, int32_t n)
{
    while (n > bits->count) {
        n -= bits->count;
        bits->count = 0;
        ink_jpeg_bits_fill(bits, input);
    }
    bits->count -= n;
}

/* The correction bits of `todo` (history positions of word w, lowest first): those of positions
 * not kept (`kept_word`) are dropped, unread, a span at a time (before each kept position and
 * after the last); the kept ones are read one at a time. */
#define CORRECT_KEPT(todo, w, kept_word)                                                          \
    do {                                                                                          \
        while (todo != 0) {                                                                       \
            jpeg_prog_word next_kept_ = todo & (kept_word);                                       \
            jpeg_prog_word kept_bit_ = next_kept_ & (0u - next_kept_);                            \
            jpeg_prog_word gap_ = todo & (kept_bit_ - 1u);                                        \
            if (gap_ != 0) {                                                                      \
                int32_t drop_ = count_bits(gap_);                                                 \
                if (drop_ <= count) {                                                             \
                    count -= drop_;                                                               \
                } else {                                                                          \
                    SAVE();                                                                       \
                    drop_bits(bits, input, drop_);                                                \
                    LOAD();                                                                       \
                }                                                                                 \
                todo ^= gap_;                                                                     \
            }                                                                                     \
            if (next_kept_ == 0)                                                                  \
                break;                                                                            \
            ENSURE(1);                                                                            \
            count--;                                                                              \
            if ((buffer >> count) & 1u)                                                           \
                correct(coefficients_of(params, block),                                           \
                        params->keep_by_bit[JPEG_PROG_CORRECT_BY_BIT +                            \
                                            (w) * JPEG_PROG_WORD_BITS +                           \
                                            jpeg_prog_one_bit_at(kept_bit_)],                     \
                        p1);                                                                      \
            todo ^= kept_bit_;                                                                    \
        }                                                                                         \
    } while (0)

/* The blocks of an end-of-band run (n of them, the reader in `state`) at a scale that drops some
 * positions: only the positions with history get a bit, and only the kept ones are read. Out of
 * line, so that the symbol loop keeps its registers (called for runs of 8 blocks or more). */
static __attribute__((noinline)) void refine_eob_blocks(jpeg_state *state,
                                                        const jpeg_prog_block_params *params,
                                                        uint8_t *block, uint32_t n,
                                                        uint32_t stride, uint64_t range)
{
    READER_LOCALS;
    const int32_t p1 = 1 << params->al;
    const uint64_t kept = jpeg_prog_kept_positions(params->spare_slot);
    const jpeg_prog_word range_low = jpeg_prog_word_of(range, 0);
    const jpeg_prog_word range_high = jpeg_prog_word_of(range, JPEG_PROG_WORDS - 1u);
    const jpeg_prog_word kept_low = jpeg_prog_word_of(kept, 0);
    const jpeg_prog_word kept_high = jpeg_prog_word_of(kept, JPEG_PROG_WORDS - 1u);
    const uint8_t *end = block + n * stride;
    for (;; block += stride) {
        {
            /* The blocks without history in the band (most of a run): no bits. A loop of its
             * own on copies the compiler takes as new, so that they stay in registers there
             * (RV32: 8 instructions a block; the loop below keeps them on the stack). */
            uint8_t *at = block;
            const uint8_t *at_end = end;
            size_t at_stride = stride;
            jpeg_prog_word low = range_low, high = range_high;
            FRESH_REGISTER(at_end);
            FRESH_REGISTER(at_stride);
            FRESH_REGISTER(low);
            FRESH_REGISTER(high);
            while (at != at_end &&
                   ((mask_word(at, 0) & low) |
                    (JPEG_PROG_WORDS == 2 ? mask_word(at, JPEG_PROG_WORDS - 1u) & high : 0u)) == 0)
                at += at_stride;
            block = at;
        }
        if (block == end)
            break;
        jpeg_prog_word todo = mask_word(block, 0) & range_low;
        CORRECT_KEPT(todo, 0u, kept_low);
        if (JPEG_PROG_WORDS == 2) {
            todo = mask_word(block, JPEG_PROG_WORDS - 1u) & range_high;
            CORRECT_KEPT(todo, JPEG_PROG_WORDS - 1u, kept_high);
        }
    }
    SAVE();
}

/* A refinement's symbol from a plain REFINE lookahead entry (symbol << 8 | length << 4; the
 * entries with a length in the low bits, a new coefficient's, the caller has taken), or for a
 * longer code (entry 0) the canonical walk (count >= 16). */
#define REFINE_DECODE(entry, symbol, bad)                                                         \
    do {                                                                                          \
        if ((entry) != 0) {                                                                       \
            count -= (int32_t)(((entry) >> 4) & 15u);                                             \
            symbol = (entry) >> 8;                                                                \
        } else {                                                                                  \
            int32_t slow_ = decode_slow(refine_table.canonical, buffer, count + READ_BIAS);       \
            if (slow_ < 0)                                                                        \
                goto bad;                                                                         \
            count -= slow_ >> 8;                                                                  \
            symbol = (uint32_t)slow_ & 0xFFu;                                                     \
        }                                                                                         \
    } while (0)

/* The end of a refinement symbol: moves past `zeros` positions without history (its run) to the
 * next one, `target` (a one-bit word), applying the correction bits of the history positions
 * passed on the way, and when `place` is true stores the new coefficient there (a run of 16
 * zeros places none; on the host it takes a copy of its own, so that the common symbol places
 * without a test: on RV32 the copy costs more than the test). A run
 * that goes on past the word passes all its history and goes to `word_end` with the symbol
 * pending, for the next word. */
#if JPEG_BITS_WIDE
#define BY_BYTES_WHEN_DEPOSIT() ((void)0)
#else
#define BY_BYTES_WHEN_DEPOSIT()                                                                   \
    do {                                                                                          \
        if (deposit)                                                                              \
            goto run_leaves_word;                                                                 \
    } while (0)
#endif
#define RUN_AND_PLACE(place)                                                                      \
    do {                                                                                          \
        /* (one word: the run is left only at the end, `fresh` staying 0) */                      \
        for (; zeros > 0 && (JPEG_PROG_WORDS == 1 || fresh != 0); zeros--)                        \
            fresh &= fresh - 1u;                                                                  \
        if (fresh == 0) {                                                                         \
            BY_BYTES_WHEN_DEPOSIT();                                                              \
            CORRECT_ALL(history, keep_word);                                                      \
            pending = true;                                                                       \
            goto word_end;                                                                        \
        }                                                                                         \
        jpeg_prog_word target = fresh & (0u - fresh);                                             \
        jpeg_prog_word passed = history & (target - 1u);                                          \
        history ^= passed;                                                                        \
        CORRECT_ALL(passed, keep_word);                                                           \
        fresh ^= target;                                                                          \
        if (place) {                                                                              \
            placed |= target;                                                                     \
            *coefficient_at(coefficients, keep_word[jpeg_prog_one_bit_at(target)]) =              \
                (int16_t)value;                                                                   \
        }                                                                                         \
    } while (0)

/* The symbols of a refinement block by position (no history left past `kp`) while the position
 * is in the word `word` (positions up to `bound`), as AC_FIRST_SYMBOLS: `kp` is the position of
 * the last coefficient (or the one before the first position without history) as a pointer into
 * params->first_offset, whose low bits are the position's bit in its word; a position not
 * kept has offset 0 there at 1/4 and 1/8 (tested: at 1/1 and 1/2 no entry is 0). An end of band
 * goes to `end` (eob set), a run that leaves the word to `beyond` with `kp` and the new
 * coefficient's `value` pending. */
#define REFINE_BY_POSITION(word, bound, beyond, end)                                              \
    while (kp < (bound)) {                                                                        \
        ENSURE(17);                                                                               \
        uint32_t entry = LOOKAHEAD(fast);                                                         \
        if ((entry & 15u) != 0) {                                                                 \
            count -= (int32_t)(entry & 15u);                                                      \
            kp += (entry >> 12) + 1u;                                                             \
            value = entry & JPEG_PROG_FAST_POSITIVE ? plus : minus;                               \
        } else if (entry - 1u < 0xFFu) {                                                          \
            /* symbol 0 (a plain entry: length << 4), the end of this block's band: the common    \
             * end of a block by position (before any shift or mask of the symbol) */              \
            count -= (int32_t)(entry >> 4);                                                       \
            eob = 1;                                                                              \
            goto end;                                                                             \
        } else {                                                                                  \
            REFINE_DECODE(entry, symbol, position_bad_code);                                      \
            zeros = symbol >> 4;                                                                  \
            unsigned size = symbol & 15u;                                                         \
            if (size == 1) {                                                                      \
                count--;                                                                          \
                value = (buffer >> (count + READ_BIAS)) & 1u ? plus : minus;                      \
                kp += zeros + 1u;                                                                 \
            } else if (size != 0) {                                                               \
                SAVE(); /* (the block's mask as it is: the band is abandoned) */                  \
                return ink_error_set(info, INK_ERR_BAD_DATA,                                      \
                                     "JPEG AC refinement with a coefficient of size %u", size);   \
            } else if (zeros != 15) {                                                             \
                eob = 1u << zeros; /* end of band: this block is the run's first */               \
                if (zeros != 0) {                                                                 \
                    RECEIVE(zeros, raw);                                                          \
                    eob += raw;                                                                   \
                }                                                                                 \
                goto end;                                                                         \
            } else {                                                                              \
                kp += 16; /* 16 zeros (past the end: ignored) */                                  \
                continue;                                                                         \
            }                                                                                     \
        }                                                                                         \
        if (kp > (bound))                                                                         \
            goto beyond;                                                                          \
        word |= FIRST_BIT(kp);                                                                    \
        REFINE_STORE(kp, value);                                                                  \
    }
#define REFINE_STORE(kp, value)                                                                   \
    do {                                                                                          \
        unsigned offset_ = *(kp);                                                                 \
        if (offset_ != 0)                                                                         \
            *(int16_t *)(void *)(block + offset_) = (int16_t)(value);                             \
    } while (0)

/* AC refinement (T.81 G.1.2.3) without a walk over positions: a block's positions Ss..Se are two
 * masks, those with history (`history`, each gets one correction bit when passed) and those
 * without (`fresh`), taken a word at a time. A symbol's run of r zero-history positions ends at
 * the (r+1)-th bit of `fresh`: clearing its r lowest bits and isolating the next gives the
 * target as a one-bit mask; the history positions below it are the ones passed. Positions are
 * only computed (lowest set bit) to store a new coefficient or apply a correction bit that is 1.
 * The word loop is unrolled (RV32: two copies with a constant word index, so that the word's
 * part of the tables and of the mask need no registers); a symbol whose run goes past a word
 * is finished in the next. Once no history is left in the block, the rest is decoded by
 * position, as in an AC first scan. */
#if JPEG_BITS_WIDE
ink_error ink_jpeg_prog_ac_refine_run(jpeg_state *state, const jpeg_entropy_table *ac,
                                      const jpeg_prog_block_params *params, uint32_t *eobrun,
                                      const jpeg_prog_run *run, ink_error_info *info)
#else
/* (RV32: the body of ac_refine_deposit and of ink_jpeg_prog_ac_refine_run's 1/2 path, below) */
static inline __attribute__((always_inline)) ink_error
ac_refine_blocks(jpeg_state *state, const jpeg_entropy_table *ac,
                 const jpeg_prog_block_params *params, uint32_t *eobrun, const jpeg_prog_run *run,
                 ink_error_info *info, const bool deposit)
#endif
{
    READER_LOCALS;
    const unsigned ss = params->ss, se = params->se;
    const int32_t p1 = 1 << params->al, minus_p1 = -p1;
    const uint8_t *keep_by_bit = params->keep_by_bit;
    const jpeg_entropy_table refine_table = *ac; /* in locals: no reload after a store */
    /* The positions this scan refines: Ss..Se. */
    const uint64_t range = (se == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (se + 1u)) - 1u) &
                           ~(((uint64_t)1 << ss) - 1u);
    /* The last position of the mask's first word (RV32) */
    const unsigned low_bound = se < JPEG_PROG_WORD_BITS ? se : JPEG_PROG_WORD_BITS - 1u;
    uint32_t eob = *eobrun, symbol, raw;
    /* The blocks by pointer to the run's end (no count and no reload of the run a block). */
    const uint32_t stride = run->stride; /* (> 0: a block's bytes) */
    uint8_t *block = run->block;
    uint8_t *const blocks_end = block + (size_t)run->count * stride;
    /* Whether some positions are not kept (1/2, 1/4): refine_eob_blocks drops their bits. */
    const bool drops = params->spare_slot == 25u || params->spare_slot == 49u;
    /* (RV32: the offset once a run, not the params reloaded every block; on x86 the local cost
     * 0.3-0.8 % Ir, the allocation moved) */
    const unsigned coefficients_offset = params->coefficients_offset;
    const uint8_t *const first_offset = params->first_offset;
    /* (RV32: the by-position loop's bounds as pointers once a run, not added up every block) */
    const uint8_t *const low_bound_at = first_offset + low_bound, *const se_at = first_offset + se;
    /* (RV32: the by-position loop's start for a block without history, Ss's entry less one) */
    const uint8_t *const ss_kp = first_offset + ss - 1u;
    for (; block != blocks_end; block += stride) {
        int16_t *coefficients = JPEG_PROG_WORDS == 2
                                    ? (int16_t *)(void *)(block + coefficients_offset)
                                    : coefficients_of(params, block);
        const uint16_t *symbol_fast = refine_table.fast;
        FRESH_REGISTER(symbol_fast);
        /* A symbol whose run goes on into the next word: what is left of its run, its value. */
        bool pending = false;
        jpeg_prog_word word; /* (by position: the mask's word there) */
        unsigned zeros = 0, k;
        const uint8_t *kp_start; /* (RV32: by position from k, first_offset + k - 1) */
        int32_t value = 0;
        /* (RV32: the history of the second word, for the test below while in the first) */
        const jpeg_prog_word later_history =
            JPEG_PROG_WORDS == 1 ? 0
                                 : mask_word(block, JPEG_PROG_WORDS - 1u) &
                                       jpeg_prog_word_of(range, JPEG_PROG_WORDS - 1u);
#pragma GCC unroll 2
        for (unsigned w = 0; w < JPEG_PROG_WORDS; w++) {
            const uint8_t *keep_word = keep_by_bit + w * JPEG_PROG_WORD_BITS;
            const jpeg_prog_word range_word = jpeg_prog_word_of(range, w);
            jpeg_prog_word history = mask_word(block, w) & range_word; /* not passed yet */
            if (eob > 0) {
                /* Inside an end-of-band run only the positions with history get a bit. */
                CORRECT_ALL(history, keep_word);
                continue;
            }
            /* (expected not: RV32 GCC had laid the common way, a block with history, out of
             * line, two jumps a block) */
            if (__builtin_expect(w == 0 && history == 0 && later_history == 0, 0)) {
                /* No history in the block (the first refinement of a band of positions that
                 * the first scans left empty): by position from Ss at once, `word` the
                 * mask's word of Ss. */
                k = ss;
                kp_start = ss_kp;
                word = mask_word(block,
                                 JPEG_PROG_WORDS == 2 && ss >= JPEG_PROG_WORD_BITS ? 1u : 0u);
                goto by_position;
            }
            /* Zero history, not passed yet; the new coefficients of this word. */
            jpeg_prog_word fresh = ~mask_word(block, w) & range_word, placed = 0;
            if (pending) {
                pending = false;
                RUN_AND_PLACE(value != 0);
            }
            while ((fresh | history) != 0) {
                if (history == 0 && (w + 1u == JPEG_PROG_WORDS || later_history == 0)) {
                    /* No history left in the block: on by position (below), this word of
                     * the mask in `word` (stored there). */
                    word = mask_word(block, w) | placed;
                    k = w * JPEG_PROG_WORD_BITS +
                        jpeg_prog_position_of(jpeg_prog_lowest_at(fresh));
                    kp_start = first_offset + (k - 1u);
                    goto by_position;
                }
                /* A code (16) and its sign bit (1) without another fill. */
                ENSURE(17);
                uint32_t entry = LOOKAHEAD(symbol_fast);
                if ((entry & 15u) != 0) {
                    /* The common case: a new coefficient, its sign in the same lookahead. */
                    count -= (int32_t)(entry & 15u);
                    zeros = entry >> 12;
                    value = entry & JPEG_PROG_FAST_POSITIVE ? p1 : minus_p1;
#if !JPEG_BITS_WIDE
                } else if ((entry >> 8) == 0 && entry != 0) {
                    /* RV32: an end of band of this block alone (symbol 0, a plain entry: its
                     * code's length << 4); its history left gets its bits. (On x86 this copy of
                     * CORRECT_ALL cost 0.3-0.7 % Ir. The test a shift: entry - 1 < 255 needed
                     * the constant made again every symbol.) */
                    count -= (int32_t)(entry >> 4);
                    eob = 1;
                    CORRECT_ALL(history, keep_word);
                    break;
#endif
                } else {
                    REFINE_DECODE(entry, symbol, bad_code);
                    zeros = symbol >> 4;
                    unsigned size = symbol & 15u;
                    if (size == 1) {
                        count--;
                        value = (buffer >> count) & 1u ? p1 : minus_p1;
                    } else if (size != 0) {
                        SAVE(); /* (the block's mask as it is: the band is abandoned) */
                        return ink_error_set(info, INK_ERR_BAD_DATA,
                                             "JPEG AC refinement with a coefficient of size %u",
                                             size);
                    } else if (zeros != 15) {
                        /* End of band: this block is the run's first; its history left (this
                         * word's here, the next words' above) gets its bits. */
                        eob = 1u << zeros;
                        if (zeros != 0) {
                            RECEIVE(zeros, raw);
                            eob += raw;
                        }
                        CORRECT_ALL(history, keep_word);
                        break;
                    } else {
                        value = 0; /* 16 zeros */
                        if (JPEG_PROG_WORDS == 1) {
                            RUN_AND_PLACE(false);
                            continue;
                        }
                    }
                }
                RUN_AND_PLACE(JPEG_PROG_WORDS == 1 || value != 0);
            }
#if !JPEG_BITS_WIDE
            if (0) {
            run_leaves_word:
                /* (ac_refine_deposit) A run that leaves the word: the history left gets its
                 * bits, by bytes; one copy a word. */
                CORRECT_SPAN(history, keep_word, w);
                pending = true;
            }
#endif
        word_end:
            set_mask_word(block, w, mask_word(block, w) | placed);
        }
        if (0) {
        by_position:;
            /* Every position from k to Se is without history (the common end of a block, and
             * all of it in blocks the first scans left empty there): a symbol's run is k += r
             * and no correction bits come, as in an AC first scan. `word` is the mask's word of
             * k, with the coefficients placed before (stored here). On RV32 as AC first: the
             * position a pointer into params->first_offset (REFINE_BY_POSITION), the count
             * biased by the lookahead's shift (READ_BIAS, for this part only), the loop bound and
             * the lookahead copied once a block into values the compiler takes as new, two
             * loops, the mask's low word then its high word (the low one's skipped from k >=
             * 32). */
#undef READ_BIAS
#define READ_BIAS (JPEG_PROG_WORDS == 2 ? (int32_t)JPEG_FAST_BITS + 1 : 0)
            count -= READ_BIAS;
            if (JPEG_PROG_WORDS == 2) {
                const uint8_t *kp = kp_start, *bound = low_bound_at;
                FRESH_REGISTER(bound);
                const uint16_t *fast = symbol_fast;
                const int32_t plus = p1, minus = minus_p1;
                const jpeg_prog_word one = 1;
                if (kp < bound) { /* (from the low word; else `word` is the high one) */
                    REFINE_BY_POSITION(word, bound, low_beyond, low_end)
                    set_mask_word(block, 0, word);
                    word = mask_word(block, JPEG_PROG_WORDS - 1u);
                }
                bound = se_at;
                FRESH_REGISTER(bound);
                if (0) {
                low_beyond:
                    bound = se_at;
                    FRESH_REGISTER(bound);
                    if (kp > bound)
                        goto high_beyond;
                    set_mask_word(block, 0, word);
                    word = mask_word(block, JPEG_PROG_WORDS - 1u) | FIRST_BIT(kp);
                    REFINE_STORE(kp, value);
                }
                REFINE_BY_POSITION(word, bound, high_beyond, high_end)
                if (0) {
                high_beyond:
                    pending = true; /* (reported below) */
                }
            high_end:
                set_mask_word(block, JPEG_PROG_WORDS - 1u, word);
                if (0) {
                low_end:
                    set_mask_word(block, 0, word);
                }
            } else {
                /* The host: by position k, the mask's bit from position_bits and the slot from
                 * keep_slot (RV32's form cost x86 1 to 3 % more instructions). */
                const uint8_t *const keep = params->keep_slot;
                for (;;) {
                    ENSURE(17);
                    uint32_t entry = LOOKAHEAD(refine_table.fast);
                    if ((entry & 15u) != 0) {
                        count -= (int32_t)(entry & 15u);
                        k += entry >> 12;
                        value = entry & JPEG_PROG_FAST_POSITIVE ? p1 : minus_p1;
                    } else if (entry - 1u < 0xFFu) { /* as REFINE_BY_POSITION */
                        count -= (int32_t)(entry >> 4);
                        eob = 1;
                        break;
                    } else {
                        REFINE_DECODE(entry, symbol, position_bad_code);
                        zeros = symbol >> 4;
                        unsigned size = symbol & 15u;
                        if (size == 1) {
                            count--;
                            value = (buffer >> count) & 1u ? p1 : minus_p1;
                            k += zeros;
                        } else if (size != 0) {
                            SAVE(); /* (the block's mask as it is: the band is abandoned) */
                            return ink_error_set(info, INK_ERR_BAD_DATA,
                                                 "JPEG AC refinement with a coefficient of size %u",
                                                 size);
                        } else if (zeros != 15) {
                            eob = 1u << zeros; /* end of band: this block is the run's first */
                            if (zeros != 0) {
                                RECEIVE(zeros, raw);
                                eob += raw;
                            }
                            break;
                        } else {
                            k += 16; /* 16 zeros (past the end: ignored) */
                            if (k > se)
                                break;
                            continue;
                        }
                    }
                    if (k > se) {
                        pending = true; /* (reported below) */
                        break;
                    }
                    word |= (jpeg_prog_word)position_bits[k];
                    *coefficient_at(coefficients, keep[k]) = (int16_t)value;
                    if (++k > se)
                        break;
                }
                set_mask_word(block, 0, word);
            }
            count += READ_BIAS;
            if (0) {
            position_bad_code:
                count += READ_BIAS;
                goto bad_code;
            }
#undef READ_BIAS
#define READ_BIAS 0
        }
        if (pending && value != 0) {
            SAVE();
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "JPEG AC refinement places a coefficient past the scan's end %u",
                                 se);
        } /* (a run of 16 zeros past the end is ignored) */
        if (eob > 0 && --eob >= 8u && drops) {
            /* The blocks of an end-of-band run that follow, to the run's end or the band's. */
            uint32_t after = (uint32_t)((size_t)(blocks_end - block) / stride) - 1u;
            uint32_t n = after < eob ? after : eob;
            SAVE();
            refine_eob_blocks(state, params, block + stride, n, stride, range);
            LOAD();
            eob -= n;
            block += n * stride;
        }
    }
    SAVE();
    *eobrun = eob;
    return INK_OK;
bad_code:
    SAVE();
    *eobrun = eob;
    return bad_code_error(bits, info);
}

#if !JPEG_BITS_WIDE
/* RV32: two copies, so that the byte-wise correction bits (CORRECT_SPAN) do not move the
 * registers of the 1/2 decode (inline in the one function they raised the 1/2 photos by
 * 0.05-0.25 %; text +10 KB for the copy). 1/1 and 1/4 take it (1/4: manga's long spans, of
 * which most positions are not kept); 1/2 decodes in the exported function itself (as a third
 * noipa function beside it, WCAG p14 +3,184 instructions, flyer +6,607, Page_006 +8,714; symboles
 * -9,372, pic65 -15,840, manga 001 -30,558: code layout). */
/* (GCC: noipa, so that no IPA-SRA clone passes the parameters otherwise; clang has no noipa) */
#if defined(__GNUC__) && !defined(__clang__)
#define REFINE_COPY __attribute__((noipa))
#else
#define REFINE_COPY __attribute__((noinline))
#endif
static REFINE_COPY ink_error
ac_refine_deposit(jpeg_state *state, const jpeg_entropy_table *ac,
                  const jpeg_prog_block_params *params, uint32_t *eobrun, const jpeg_prog_run *run,
                  ink_error_info *info)
{
    return ac_refine_blocks(state, ac, params, eobrun, run, info, true);
}

ink_error ink_jpeg_prog_ac_refine_run(jpeg_state *state, const jpeg_entropy_table *ac,
                                      const jpeg_prog_block_params *params, uint32_t *eobrun,
                                      const jpeg_prog_run *run, ink_error_info *info)
{
    if (params->spare_slot != 49u)
        return ac_refine_deposit(state, ac, params, eobrun, run, info);
    return ac_refine_blocks(state, ac, params, eobrun, run, info, false);
}
#endif
