/*
 * jpeg_progressive_emit.c — the output of a finished progressive band: each block's kept
 * coefficients dequantised (with the DC values an interleaved DC scan kept aside), inverse-
 * transformed by the baseline's IDCT tiers at the chosen scale, and the rows sent down the
 * pipeline; every block left ready for the next band. The band itself: jpeg_progressive.c.
 */
#include <string.h>

#include "decode/jpeg_progressive.h"

typedef uint32_t prog_mask_half __attribute__((may_alias, aligned(4)));

/* Dequantises the kept AC terms whose bits are set in `todo` (one word of a block's mask, not
 * 0) into `coefficients` (natural order, bytes), reading them at `kept`; `entries`: emit_by_bit's
 * part for this word, whose first bit is zigzag position `first`. Returns JPEG_FLAG_BIG when a
 * term reached +-1024 (clamped to +-2048, as the block decoder does) and, where "at" is the
 * position (!JPEG_PROG_BIT_HASHED), the highest position as the last index: the bits are visited
 * in zigzag order. */
static inline __attribute__((always_inline)) uint32_t
emit_word(jpeg_prog_word todo, const prog_emit_entry *entries, const uint8_t *kept,
          uint8_t *coefficients, unsigned first)
{
    uint32_t big = 0;
    unsigned at;
    do {
        at = jpeg_prog_lowest_at(todo);
        const prog_emit_entry *entry = &entries[at];
        todo &= todo - 1u;
        int32_t value =
            *(const int16_t *)(const void *)(kept + entry->slot_offset) * (int32_t)entry->quant;
        if ((uint32_t)(value + 1024) > 2048u) {
            big = JPEG_FLAG_BIG;
            value = value < -2048 ? -2048 : value > 2048 ? 2048 : value;
        }
        *(int32_t *)(void *)(coefficients + entry->natural_offset) = value;
    } while (todo != 0);
    return JPEG_PROG_BIT_HASHED ? big : big | (first + at) << JPEG_FLAG_LAST_SHIFT;
}

#if JPEG_PROG_BIT_HASHED
/* emit_word without a bit search (RV32IMC has no count-trailing-zeros; a de Bruijn hash and the
 * table address cost six instructions a term): every position kept at this scale (a constant)
 * tested in turn, its bit shifted to the sign, two instructions; a set one is dequantised with
 * its slot and natural offsets as constants. Stops at the first 8 positions with none set
 * beyond. False, at once, for a term that reaches +-1024: the caller then takes emit_word
 * (clamping), rather than a copy of the clamp at every position. */
static inline __attribute__((always_inline)) bool
emit_word_unrolled(jpeg_prog_word word, unsigned first, unsigned scale_log2,
                   const prog_emit_entry *entries, const uint8_t *kept, uint8_t *coefficients)
{
    /* 2048 and `coefficients` in registers (an empty asm makes them opaque): as constants GCC
     * rebuilt 2048 (lui + addi) and the address state + 7,840 at every position. */
    uint32_t limit = 2048u;
    __asm__("" : "+r"(limit), "+r"(coefficients));
#pragma GCC unroll 32
    for (unsigned bit = 0; bit < 32u; bit++) {
        unsigned k = first + bit;
        if (bit % 8u == 0 && bit != 0 && (word >> bit) == 0)
            break;
        unsigned slot = slot_of(scale_log2, k);
        if (k == 0 || slot == PROG_NO_SLOT || (int32_t)(word << (31u - bit)) >= 0)
            continue;
        int32_t value = *(const int16_t *)(const void *)(kept + 2u * slot) *
                        (int32_t)entries[by_bit_index(k)].quant;
        if ((uint32_t)(value + 1024) > limit)
            return false;
        *(int32_t *)(void *)(coefficients + sizeof(int32_t) * natural_of[k]) = value;
    }
    return true;
}
#endif

/* The kept AC terms of a block whose mask words (kept positions only) are `low` and `high`, not
 * both 0, into `coefficients`: the IDCT's flags. Without a bit-position instruction (RV32IMC:
 * JPEG_PROG_BIT_HASHED) the terms go by emit_word_unrolled for the scale (a constant) and the
 * last index is the smallest of the bounds the IDCT's tiers tell apart (JPEG_LAST_*) that is at
 * least the highest bit: the tier the exact index picks, in a few compares. */
static inline __attribute__((always_inline)) uint32_t
emit_ac(jpeg_prog_word low, jpeg_prog_word high, unsigned scale_log2,
        const prog_emit_entry *entries, const uint8_t *kept, uint8_t *coefficients)
{
    uint32_t flags = JPEG_FLAG_AC;
#if JPEG_PROG_BIT_HASHED
    if ((low != 0 && !emit_word_unrolled(low, 0, scale_log2, entries, kept, coefficients)) ||
        (high != 0 && !emit_word_unrolled(high, JPEG_PROG_WORD_BITS, scale_log2, entries, kept,
                                          coefficients))) {
        if (low != 0)
            flags |= emit_word(low, entries, kept, coefficients, 0);
        if (high != 0)
            flags |= emit_word(high, entries + JPEG_PROG_WORD_BITS, kept, coefficients,
                               JPEG_PROG_WORD_BITS);
    }
    uint32_t last = 63u;
    if (high == 0 && low < (jpeg_prog_word)1 << (JPEG_LAST_MID + 1u))
        last = low < (1u << (JPEG_LAST_LOW + 1u))           ? JPEG_LAST_LOW
               : low < (1u << (JPEG_LAST_LOW_REDUCED + 1u)) ? JPEG_LAST_LOW_REDUCED
               : low < (1u << (JPEG_LAST_MID6 + 1u))        ? JPEG_LAST_MID6
                                                            : JPEG_LAST_MID;
    flags |= last << JPEG_FLAG_LAST_SHIFT;
#else
    (void)scale_log2;
    uint32_t low_flags = 0;
    if (low != 0)
        low_flags = emit_word(low, entries, kept, coefficients, 0);
    if (JPEG_PROG_WORDS > 1 && high != 0) {
        flags |= emit_word(high, entries + JPEG_PROG_WORD_BITS, kept, coefficients,
                           JPEG_PROG_WORD_BITS);
        low_flags &= JPEG_FLAG_BIG;
    }
    flags |= low_flags;
#endif
    return flags;
}

/* Dequantises and transforms the band's first rows (up to the image's last output row), sends
 * them down, and leaves every block it read ready for the next band: its DC term and mask
 * cleared. An AC coefficient is only read where the mask marks it, and the scan that sets a mask
 * bit stores the coefficient too, so the old values need no clearing. Rows it does not reach are
 * past the image's last block row, which only the last band has.
 * A one-row band k rows below the first of its MCU row first ORs into each DC what the
 * interleaved DC scans kept aside for it in slot first_aside + k - 1 when they decoded the MCU
 * row (plan), and clears the slot for the next MCU row. OR gives what decoding in place would:
 * the DC first scan sets the bits from its Al up and each refinement one bit below, whether
 * interleaved (in the slot) or not (in the DC). Only a refinement before the first scan, which
 * T.81 does not allow, could end differently: in place the first scan would have overwritten
 * its bit.
 * emit_row is inlined once for each case (EMIT_ROW_CASE: mask or not, aside or not, on RV32 the
 * scale): no per-block test of either, and what the block loop needs in locals (the IDCT call
 * between blocks would make the compiler reload every field of `p`). */
static inline __attribute__((always_inline)) void
emit_row(const jpeg_prog *p, int32_t *coefficients, uint8_t *block, unsigned scale_log2,
         bool have_mask, bool have_aside, size_t aside)
{
    const unsigned block_log2 = p->block_log2;
    const uint32_t size = 1u << block_log2;
    const uint32_t block_bytes = p->block_bytes;
    const size_t stride = p->out_stride;
    const int32_t dc_quant = p->dc_quant;
    const size_t coefficients_offset = have_mask ? 8u : 0u;
    const prog_emit_entry *const emit = p->emit_by_bit;
    const uint64_t kept_ac = p->kept_mask & ~(uint64_t)1;
    const jpeg_prog_word kept_low = jpeg_prog_word_of(kept_ac, 0);
    const jpeg_prog_word kept_high = jpeg_prog_word_of(kept_ac, JPEG_PROG_WORDS - 1u);
    uint8_t *pixels = p->out;
    uint8_t *const end = block + (size_t)p->blocks_across * block_bytes;
    for (; block != end; block += block_bytes, pixels += size) {
        int16_t *kept = (int16_t *)(void *)(block + coefficients_offset);
        uint32_t flags = 0;
        int32_t dc = kept[0];
        kept[0] = 0;
        if (have_aside) {
            dc = (int16_t)(uint16_t)((uint16_t)dc | (uint16_t)kept[aside]);
            kept[aside] = 0;
        }
        dc *= dc_quant;
        if ((uint32_t)(dc + 1024) > 2048u) {
            flags = JPEG_FLAG_BIG;
            dc = dc < -2048 ? -2048 : dc > 2048 ? 2048 : dc;
        }
        coefficients[0] = dc;
        if (have_mask) {
            /* The AC terms the mask says are nonzero, kept ones only (all nonzero: the
             * decoders store none that is 0). */
            uint64_t *mask = (uint64_t *)(void *)block;
            uint64_t nonzero = *mask;
            /* Cleared as two words: as *mask = 0 GCC RV32 set two registers to 0 first. */
            ((prog_mask_half *)mask)[0] = 0;
            ((prog_mask_half *)mask)[1] = 0;
            jpeg_prog_word low = jpeg_prog_word_of(nonzero, 0) & kept_low;
            jpeg_prog_word high =
                JPEG_PROG_WORDS == 1 ? 0 : jpeg_prog_word_of(nonzero, 1) & kept_high;
            if ((low | high) != 0)
                flags |= emit_ac(low, high, scale_log2, emit, (const uint8_t *)kept,
                                 (uint8_t *)coefficients);
        }
        ink_jpeg_idct_block(coefficients, block_log2, flags, pixels, stride);
    }
}

/* The cases of emit_row, each its own function: on RV32 an unrolled one is a few KB, and apart
 * each stays within a branch's reach (+-4 KB) of its fallback to emit_word. */
#define EMIT_ROW_CASE(name, scale_log2, have_mask, have_aside)                                    \
    static __attribute__((noinline)) void name(const jpeg_prog *p, int32_t *coefficients,         \
                                               uint8_t *block, size_t aside)                      \
    {                                                                                             \
        emit_row(p, coefficients, block, scale_log2, have_mask, have_aside, aside);               \
    }
EMIT_ROW_CASE(emit_row_dc, 3, false, aside != 0)
#if JPEG_PROG_BIT_HASHED
EMIT_ROW_CASE(emit_row_1, 0, true, aside != 0)
EMIT_ROW_CASE(emit_row_2, 1, true, aside != 0)
EMIT_ROW_CASE(emit_row_4_aside, 2, true, true)
EMIT_ROW_CASE(emit_row_4, 2, true, false)
#else
EMIT_ROW_CASE(emit_row_aside, 0, true, true)
EMIT_ROW_CASE(emit_row_any, 0, true, false)
#endif

ink_error ink_jpeg_prog_emit_band(jpeg_prog *p, jpeg_state *state, uint32_t band)
{
    int32_t *coefficients = state->coefficients;
    const uint32_t size = 1u << p->block_log2;
    /* An MCU row is aside_slots + 1 = vmax one-row bands. */
    const uint32_t below = band % (p->aside_slots + 1u);
    const size_t aside = below == 0 ? 0u : p->first_aside + below - 1u;
    memset(coefficients, 0, 64 * sizeof *coefficients);
    for (uint32_t row = 0; row < p->band_rows && p->rows_done < p->out_height; row++) {
        if (band * p->band_rows + row >= p->total_rows)
            break;
        uint8_t *block = block_at(p, 0, row);
        if (!p->have_mask)
            emit_row_dc(p, coefficients, block, aside);
#if JPEG_PROG_BIT_HASHED
        else if (p->block_log2 == 3)
            emit_row_1(p, coefficients, block, aside);
        else if (p->block_log2 == 2)
            emit_row_2(p, coefficients, block, aside);
        else if (aside != 0)
            emit_row_4_aside(p, coefficients, block, aside);
        else
            emit_row_4(p, coefficients, block, aside);
#else
        else if (aside != 0)
            emit_row_aside(p, coefficients, block, aside);
        else
            emit_row_any(p, coefficients, block, aside);
#endif
        uint32_t count = p->out_height - p->rows_done;
        if (count > size)
            count = size;
        for (uint32_t r = 0; r < count; r++) {
            ink_error error = p->sink->row(p->sink->user, p->out + (size_t)r * p->out_stride);
            if (error != INK_OK)
                return error;
        }
        p->rows_done += count;
    }
    return INK_OK;
}
