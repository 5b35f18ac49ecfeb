/*
 * jpeg_progressive_emit.c — the output of a finished progressive band: each block's kept
 * coefficients dequantised (with the DC values an interleaved DC scan kept aside), inverse-
 * transformed by the baseline's IDCT tiers at the chosen scale, and the rows sent down the
 * pipeline; every block left ready for the next band. The band itself: jpeg_progressive.c.
 */
#include <string.h>

#include "decode/jpeg_progressive.h"

/* Dense blocks at 1/1 (PROG_EMIT_VECTOR_1: an x86-64 host, whose IDCT is SSE2): the walk below
 * tests every position up to a block's last term (about 2 instructions each) and dequantises
 * each term (about 8), so a block of a high-quality photo with tens of terms costs 250 or more;
 * at 1/1 every position is kept and slot = natural index, so the kept int16 terms are the block
 * in natural order, and dequantising all 64 eight at a time costs about 150 (emit_dense_1). That
 * reads every slot, so it needs every slot whose mask bit is 0 to hold 0: the scans store a term
 * only with its mask bit (never a 0) and the band starts zeroed, so it is enough that whatever
 * reads a term clears it. Clearing costs the walk a store a term, which photos with few terms a
 * block do not win back (sous-le-vent img4, q 60s: +0.3%), so the dense form is an image's, chosen
 * by its luma quantisers (sum at most PROG_DENSE_QUANT_SUM: q 93 or more with libjpeg's tables),
 * and then taken for blocks whose last term is at PROG_DENSE_LAST or beyond. A dense block none
 * of whose terms is big (nearly all) is dequantised to int16 and given to the SSE2 IDCT as such
 * (emit_dense_1_int16, ink_jpeg_idct_8x8_int16: no int32 round trip, about 50 instructions a
 * block fewer); a big one takes emit_dense_1 and the clamping IDCT. */
#if defined(__x86_64__) && defined(__SSE2__) && !defined(INK_JPEG_SCALAR_IDCT) &&               \
    !defined(INK_JPEG_VECTOR_IDCT)
#define PROG_EMIT_VECTOR_1 1
#include <emmintrin.h>
#else
#define PROG_EMIT_VECTOR_1 0
#endif
#define PROG_DENSE_QUANT_SUM 512u
#define PROG_DENSE_LAST 16u

typedef uint32_t prog_mask_half __attribute__((may_alias, aligned(4)));

/* Dequantises the kept AC terms whose bits are set in `todo` (one word of a block's mask, not
 * 0) into `coefficients` (natural order, bytes), reading them at `kept`; `entries`: emit_by_bit's
 * part for this word. Returns JPEG_FLAG_BIG when a term reached +-1024 (clamped to +-2048, as
 * the block decoder does). The fallback of emit_word_unrolled. */
static inline __attribute__((always_inline)) uint32_t
emit_word(jpeg_prog_word todo, const prog_emit_entry *entries, uint8_t *kept,
          uint8_t *coefficients, bool clear)
{
    uint32_t big = 0;
    do {
        const prog_emit_entry *entry = &entries[jpeg_prog_lowest_at(todo)];
        todo &= todo - 1u;
        int16_t *term = (int16_t *)(void *)(kept + entry->slot_offset);
        if (clear && *term == 0)
            continue; /* stored and cleared by the walk before it met a big term */
        int32_t value = *term * (int32_t)entry->quant;
        if (clear)
            *term = 0;
        if ((uint32_t)(value + 1024) > 2048u) {
            big = JPEG_FLAG_BIG;
            value = value < -2048 ? -2048 : value > 2048 ? 2048 : value;
        }
        *(int32_t *)(void *)(coefficients + entry->natural_offset) = value;
    } while (todo != 0);
    return big;
}

/* The kept term at position k (a constant) dequantised with its slot and natural offsets as
 * constants (the full groups below); false, storing nothing, when it reaches +-1024. */
static inline __attribute__((always_inline)) bool
emit_term(unsigned k, unsigned scale_log2, const prog_emit_entry *entries, uint8_t *kept,
          uint8_t *coefficients, bool clear, uint32_t limit)
{
    unsigned slot = slot_of(scale_log2, k);
    int32_t value = *(const int16_t *)(const void *)(kept + 2u * slot) *
                    (int32_t)entries[by_bit_index(k)].quant;
    if ((uint32_t)(value + 1024) > limit)
        return false;
    if (clear)
        *(int16_t *)(void *)(kept + 2u * slot) = 0;
    *(int32_t *)(void *)(coefficients + sizeof(int32_t) * natural_of[k]) = value;
    return true;
}

/* The kept positions of bits bit..bit + 7 of a mask word (the first at `first`), as bits of
 * the word: a constant. */
static inline __attribute__((always_inline)) jpeg_prog_word
emit_group_kept(unsigned first, unsigned bit, unsigned scale_log2)
{
    jpeg_prog_word group = 0;
#pragma GCC unroll 8
    for (unsigned b = bit; b < bit + 8u; b++)
        if (first + b != 0 && slot_of(scale_log2, first + b) != PROG_NO_SLOT)
            group |= (jpeg_prog_word)1 << b;
    return group;
}

/* On RV32 at 1/1: a group of 8 positions whose bits are all set (the common case in a dense
 * block) dequantised without a test a position. */
#define PROG_EMIT_FULL_GROUPS(scale_log2) (JPEG_PROG_WORD_BITS == 32 && (scale_log2) == 0u)

/* Every position kept at this scale (a constant) tested in turn, two instructions (on RV32 its
 * bit shifted to the sign; on x86 a bit test); a set one dequantised with its slot and natural
 * offsets as constants, 6 more. A bit search costs more a term (RV32IMC has no count-trailing-
 * zeros: a de Bruijn hash and the table address, 17 instructions a term in all; x86 15).
 * Stops at the first 8 positions with none set beyond. False, at once, for a term that reaches
 * +-1024: the caller then takes emit_word (clamping), rather than a copy of the clamp at every
 * position. (The first loop writes emit_term's body out on purpose. Called there, GCC
 * unrolls the 1/2 and 1/4 rows differently: RV32 +1.6 to +1.9 % instructions on the 1/2 sample
 * photos and +0.7 % on the 1/4 ones, text +160 bytes. That is session 10's measure; session 9
 * had seen only the text.) */
static inline __attribute__((always_inline)) bool
emit_word_unrolled(jpeg_prog_word word, unsigned first, unsigned scale_log2,
                   const prog_emit_entry *entries, uint8_t *kept, uint8_t *coefficients,
                   bool clear, uint32_t limit)
{
    if (!PROG_EMIT_FULL_GROUPS(scale_log2)) {
#pragma GCC unroll 64
        for (unsigned bit = 0; bit < JPEG_PROG_WORD_BITS; bit++) {
            unsigned k = first + bit;
            if (bit % 8u == 0 && bit != 0 && (word >> bit) == 0)
                break;
            unsigned slot = slot_of(scale_log2, k);
            if (k == 0 || slot == PROG_NO_SLOT)
                continue;
            bool set = JPEG_PROG_WORD_BITS == 32
                           ? (int32_t)(uint32_t)(word << ((31u - bit) & 31u)) < 0
                           : ((word >> bit) & 1u) != 0;
            if (!set)
                continue;
            int32_t value = *(const int16_t *)(const void *)(kept + 2u * slot) *
                            (int32_t)entries[by_bit_index(k)].quant;
            if ((uint32_t)(value + 1024) > limit)
                return false;
            if (clear)
                *(int16_t *)(void *)(kept + 2u * slot) = 0;
            *(int32_t *)(void *)(coefficients + sizeof(int32_t) * natural_of[k]) = value;
        }
        return true;
    }
#pragma GCC unroll 8
    for (unsigned bit0 = 0; bit0 < JPEG_PROG_WORD_BITS; bit0 += 8u) {
        if (bit0 != 0 && (word >> bit0) == 0)
            break;
        const jpeg_prog_word group = emit_group_kept(first, bit0, scale_log2);
        if ((group & (group - 1u)) != 0 && (word & group) == group) {
#pragma GCC unroll 8
            for (unsigned bit = bit0; bit < bit0 + 8u; bit++)
                if ((group >> bit) & 1u)
                    if (!emit_term(first + bit, scale_log2, entries, kept, coefficients, clear,
                                   limit))
                        return false;
            continue;
        }
#pragma GCC unroll 8
        for (unsigned bit = bit0; bit < bit0 + 8u; bit++) {
            if (!((group >> bit) & 1u))
                continue;
            bool set = JPEG_PROG_WORD_BITS == 32
                           ? (int32_t)(uint32_t)(word << ((31u - bit) & 31u)) < 0
                           : ((word >> bit) & 1u) != 0;
            if (!set)
                continue;
            if (!emit_term(first + bit, scale_log2, entries, kept, coefficients, clear, limit))
                return false;
        }
    }
    return true;
}

/* The kept AC terms of a block whose mask words (kept positions only) are `low` and `high`, not
 * both 0, into `coefficients` (emit_word_unrolled for the scale, a constant): `initial`, with
 * JPEG_FLAG_BIG when a term was big. */
static inline __attribute__((always_inline)) uint32_t
emit_ac_terms(uint32_t initial, jpeg_prog_word low, jpeg_prog_word high, unsigned scale_log2,
              const prog_emit_entry *entries, uint8_t *kept, uint8_t *coefficients, bool clear,
              uint32_t limit)
{
    /* `clear` (the dense form's images): the terms read are cleared, since a later band's
     * block there may take the vector form, which reads every slot. A term is never 0, so the
     * fallback after a big term skips the slots the walk already cleared (and stored). */
    uint32_t flags = initial;
    if ((low != 0 && !emit_word_unrolled(low, 0, scale_log2, entries, kept, coefficients,
                                         clear, limit)) ||
        (JPEG_PROG_WORDS > 1 && high != 0 &&
         !emit_word_unrolled(high, JPEG_PROG_WORD_BITS, scale_log2, entries, kept,
                             coefficients, clear, limit))) {
        if (low != 0)
            flags |= emit_word(low, entries, kept, coefficients, clear);
        if (JPEG_PROG_WORDS > 1 && high != 0)
            flags |= emit_word(high, entries + JPEG_PROG_WORD_BITS, kept, coefficients, clear);
    }
    return flags;
}

/* The last index for the IDCT's flags of a block whose mask words are `low` and `high`.
 * Without a bit-position instruction (RV32IMC: JPEG_PROG_BIT_HASHED) the smallest of the bounds
 * the IDCT's tiers tell apart (JPEG_LAST_*) that is at least the highest bit, which picks the
 * tier the exact index picks, in a few compares. */
static inline __attribute__((always_inline)) uint32_t emit_last(jpeg_prog_word low,
                                                                jpeg_prog_word high)
{
#if JPEG_PROG_BIT_HASHED
    uint32_t last = 63u;
    if (high == 0 && low < (jpeg_prog_word)1 << (JPEG_LAST_MID + 1u))
        last = low < (1u << (JPEG_LAST_LOW + 1u))           ? JPEG_LAST_LOW
               : low < (1u << (JPEG_LAST_LOW_REDUCED + 1u)) ? JPEG_LAST_LOW_REDUCED
               : low < (1u << (JPEG_LAST_MID6 + 1u))        ? JPEG_LAST_MID6
                                                            : JPEG_LAST_MID;
    return last;
#else
    uint64_t mask = jpeg_prog_word_to(low, 0) | jpeg_prog_word_to(high, 1);
    return 63u - (uint32_t)__builtin_clzll(mask);
#endif
}

#if JPEG_IDCT_SCALAR_TIERS
/* Whether every set bit of the mask words `low` and `high` (positions 0..63) is below `n` (a
 * constant, 1..63): the emit's choice of IDCT tier where the IDCT is scalar. */
static inline __attribute__((always_inline)) bool emit_below(jpeg_prog_word low,
                                                             jpeg_prog_word high, unsigned n)
{
    if (JPEG_PROG_WORDS == 1)
        return (uint64_t)low < (uint64_t)1 << n;
    if (n <= 32u)
        return high == 0 && (n == 32u || (uint32_t)low < (uint32_t)1 << (n & 31u));
    return (uint32_t)high < (uint32_t)1 << ((n - 32u) & 31u);
}
#endif

/* emit_ac_terms with the IDCT's flags: JPEG_FLAG_AC, the last index, JPEG_FLAG_BIG if a term
 * was big. */
static inline __attribute__((always_inline)) uint32_t
emit_ac(jpeg_prog_word low, jpeg_prog_word high, unsigned scale_log2,
        const prog_emit_entry *entries, uint8_t *kept, uint8_t *coefficients, bool clear,
        uint32_t limit)
{
    uint32_t flags =
        emit_ac_terms(JPEG_FLAG_AC, low, high, scale_log2, entries, kept, coefficients, clear,
                      limit);
    flags |= emit_last(low, high) << JPEG_FLAG_LAST_SHIFT;
    return flags;
}

#if PROG_EMIT_VECTOR_1
/* A 1/1 block's 64 kept terms (natural order) times `quant` (natural order, each at most 32767)
 * into `coefficients`, every slot cleared behind. Returns JPEG_FLAG_BIG, with the terms clamped
 * to +-2048 as emit_word clamps them, when one reached past +-1024. */
static inline __attribute__((always_inline)) uint32_t
emit_dense_1(int16_t *kept, const int16_t *quant, int32_t *coefficients)
{
    const __m128i zero = _mm_setzero_si128();
    const __m128i high = _mm_set1_epi16(1024), low = _mm_set1_epi16(-1024);
    __m128i out_of_range = zero;
#pragma GCC unroll 8
    for (unsigned r = 0; r < 8; r++) {
        __m128i *in = (__m128i *)(void *)(kept + 8 * r);
        __m128i c = _mm_loadu_si128(in);
        __m128i q = _mm_loadu_si128((const __m128i *)(const void *)(quant + 8 * r));
        _mm_storeu_si128(in, zero);
        __m128i lo = _mm_mullo_epi16(c, q), hi = _mm_mulhi_epi16(c, q);
        __m128i d0 = _mm_unpacklo_epi16(lo, hi), d1 = _mm_unpackhi_epi16(lo, hi);
        _mm_storeu_si128((__m128i *)(void *)(coefficients + 8 * r), d0);
        _mm_storeu_si128((__m128i *)(void *)(coefficients + 8 * r + 4), d1);
        /* Saturated to int16, a term stays out of range when it was. */
        __m128i s = _mm_packs_epi32(d0, d1);
        out_of_range = _mm_or_si128(out_of_range, _mm_or_si128(_mm_cmpgt_epi16(s, high),
                                                               _mm_cmplt_epi16(s, low)));
    }
    if (_mm_movemask_epi8(out_of_range) == 0)
        return 0;
    for (unsigned k = 0; k < 64; k++)
        coefficients[k] = coefficients[k] < -2048 ? -2048
                          : coefficients[k] > 2048 ? 2048
                                                   : coefficients[k];
    return JPEG_FLAG_BIG;
}

/* The same products as int16 into `out` (natural order, 16-byte aligned), `dc` (within +-1024)
 * at out[0], for ink_jpeg_idct_8x8_int16, when none reaches past +-1024: then every slot is
 * cleared and it returns true. Otherwise false, `kept` untouched (emit_dense_1 takes it). A
 * product fits in int16 when its high half is its low half's sign (high + (low >> 15 logical)
 * is 0); then low + 1024 above 2048 unsigned is out of range. */
static inline __attribute__((always_inline)) bool
emit_dense_1_int16(int16_t *kept, const int16_t *quant, int32_t dc, int16_t *out)
{
    const __m128i bias = _mm_set1_epi16(1024), limit = _mm_set1_epi16(2048);
    __m128i out_of_range = _mm_setzero_si128();
#pragma GCC unroll 8
    for (unsigned r = 0; r < 8; r++) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(kept + 8 * r));
        __m128i q = _mm_loadu_si128((const __m128i *)(const void *)(quant + 8 * r));
        __m128i lo = _mm_mullo_epi16(c, q), hi = _mm_mulhi_epi16(c, q);
        _mm_store_si128((__m128i *)(void *)(out + 8 * r), lo);
        __m128i wide = _mm_add_epi16(hi, _mm_srli_epi16(lo, 15));
        __m128i far = _mm_subs_epu16(_mm_add_epi16(lo, bias), limit);
        out_of_range = _mm_or_si128(out_of_range, _mm_or_si128(wide, far));
    }
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(out_of_range, _mm_setzero_si128())) != 0xffff)
        return false;
    const __m128i zero = _mm_setzero_si128();
#pragma GCC unroll 8
    for (unsigned r = 0; r < 8; r++)
        _mm_storeu_si128((__m128i *)(void *)(kept + 8 * r), zero);
    out[0] = (int16_t)dc;
    return true;
}
#endif

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
         bool have_mask, bool have_aside, size_t aside, bool dense,
         const int16_t *quant_natural)
{
    /* With a mask the scale fixes the block size (p->block_log2 is 3 - scale_log2): a constant. */
    const unsigned block_log2 = have_mask ? 3u - scale_log2 : p->block_log2;
    const uint32_t size = 1u << block_log2;
    const uint32_t block_bytes = p->block_bytes;
    const size_t stride = p->out_stride;
    const int32_t dc_quant = p->dc_quant;
    const size_t coefficients_offset = have_mask ? 8u : 0u;
    (void)quant_natural; /* the dense form's only (PROG_EMIT_VECTOR_1) */
#if PROG_EMIT_VECTOR_1
    _Alignas(16) int16_t dense_terms[64];
#endif
    const prog_emit_entry *const emit = p->emit_by_bit;
    const uint64_t kept_ac = p->kept_mask & ~(uint64_t)1;
    const jpeg_prog_word kept_low = jpeg_prog_word_of(kept_ac, 0);
    const jpeg_prog_word kept_high = jpeg_prog_word_of(kept_ac, JPEG_PROG_WORDS - 1u);
    /* 2048 (emit_word_unrolled's bound) and `coefficients` in registers, made opaque once a row
     * by an empty asm: as constants GCC RV32 rebuilt 2048 (lui + addi) and the address state +
     * 7,840 at every position; opaque in emit_word_unrolled, it copied both every block. */
    uint32_t limit = 2048u;
    __asm__("" : "+r"(limit), "+r"(coefficients));
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
#if PROG_EMIT_VECTOR_1
            if (dense) {
                uint64_t terms = jpeg_prog_word_to(low, 0) | jpeg_prog_word_to(high, 1);
                uint32_t last = terms != 0 ? 63u - (uint32_t)__builtin_clzll(terms) : 0u;
                if (last >= PROG_DENSE_LAST) {
                    if (flags == 0 && emit_dense_1_int16(kept, quant_natural, dc, dense_terms)) {
                        coefficients[0] = 0;
                        ink_jpeg_idct_8x8_int16(dense_terms, pixels, stride);
                        continue;
                    }
                    flags |= JPEG_FLAG_AC | emit_dense_1(kept, quant_natural, coefficients) |
                             last << JPEG_FLAG_LAST_SHIFT;
                    coefficients[0] = dc;
                    ink_jpeg_idct_block(coefficients, block_log2, flags, pixels, stride);
                    continue;
                }
            }
#endif
#if JPEG_IDCT_SCALAR_TIERS
            /* The transform ink_jpeg_idct_block would pick for the flags emit_ac gives (or a
             * cheaper one of the same pixels where the mask bounds the last index more tightly
             * than those flags do), called directly: no flags, no dispatch. */
            if (!dense && (low | high) == 0 && flags == 0) {
                ink_jpeg_idct_flat_block(coefficients, block_log2, pixels, stride);
                continue;
            }
            if (!dense && (low | high) != 0) {
                flags |= emit_ac_terms(0, low, high, scale_log2, emit, (uint8_t *)kept,
                                       (uint8_t *)coefficients, dense, limit);
                if (flags != 0) {
                    flags |= JPEG_FLAG_AC | emit_last(low, high) << JPEG_FLAG_LAST_SHIFT;
                    ink_jpeg_idct_block(coefficients, block_log2, flags, pixels, stride);
                } else if (scale_log2 == 0) {
                    (emit_below(low, high, JPEG_LAST_LOW + 1u)
                         ? ink_jpeg_idct_8x8_low_tier
                         : ink_jpeg_idct_8x8_tier)(coefficients, pixels, stride);
                } else if (scale_log2 == 1) {
                    if (!emit_below(low, high, JPEG_LAST_MID + 1u))
                        ink_jpeg_idct_4x4_tier(coefficients, pixels, stride);
                    else if (emit_below(low, high, JPEG_LAST_LOW_REDUCED + 1u))
                        ink_jpeg_idct_4x4_low_tier(coefficients, pixels, stride);
                    else if (emit_below(low, high, JPEG_LAST_MID6 + 1u))
                        ink_jpeg_idct_4x4_mid6_tier(coefficients, pixels, stride);
                    else
                        ink_jpeg_idct_4x4_mid_tier(coefficients, pixels, stride);
                } else if (emit_below(low, high, JPEG_LAST_LOW_REDUCED + 1u)) {
                    ink_jpeg_idct_2x2_low_tier(coefficients, pixels, stride);
                } else if (emit_below(low, high, JPEG_LAST_MID + 1u)) {
                    ink_jpeg_idct_2x2_mid_tier(coefficients, pixels, stride);
                } else if (emit_below(low, high, JPEG_LAST_2X2_NO_ROW7 + 1u)) {
                    ink_jpeg_idct_2x2_no_row7_tier(coefficients, pixels, stride);
                } else if (emit_below(low, high, JPEG_LAST_2X2_COLUMN7_TOP + 1u)) {
                    ink_jpeg_idct_2x2_column7_top_tier(coefficients, pixels, stride);
                } else {
                    ink_jpeg_idct_2x2_tier(coefficients, pixels, stride);
                }
                continue;
            }
#endif
            if ((low | high) != 0)
                flags |= emit_ac(low, high, scale_log2, emit, (uint8_t *)kept,
                                 (uint8_t *)coefficients, dense, limit);
        }
        ink_jpeg_idct_block(coefficients, block_log2, flags, pixels, stride);
    }
}

/* The cases of emit_row, each its own function: on RV32 an unrolled one is a few KB, and apart
 * each stays within a branch's reach (+-4 KB) of its fallback to emit_word. */
#define EMIT_ROW_CASE(name, scale_log2, have_mask, have_aside, dense)                             \
    static __attribute__((noinline)) void name(const jpeg_prog *p, int32_t *coefficients,         \
                                               uint8_t *block, size_t aside,                      \
                                               const int16_t *quant_natural)                      \
    {                                                                                             \
        emit_row(p, coefficients, block, scale_log2, have_mask, have_aside, aside, dense,         \
                 quant_natural);                                                                  \
    }
EMIT_ROW_CASE(emit_row_dc, 3, false, aside != 0, false)
EMIT_ROW_CASE(emit_row_1, 0, true, aside != 0, false)
#if PROG_EMIT_VECTOR_1
EMIT_ROW_CASE(emit_row_1_dense, 0, true, aside != 0, true)
#endif
EMIT_ROW_CASE(emit_row_2, 1, true, aside != 0, false)
EMIT_ROW_CASE(emit_row_4_aside, 2, true, true, false)
EMIT_ROW_CASE(emit_row_4, 2, true, false, false)

ink_error ink_jpeg_prog_emit_band(jpeg_prog *p, jpeg_state *state, uint32_t band)
{
    int32_t *coefficients = state->coefficients;
    const uint32_t size = 1u << p->block_log2;
    /* An MCU row is aside_slots + 1 = vmax one-row bands. */
    const uint32_t below = band % (p->aside_slots + 1u);
    const size_t aside = below == 0 ? 0u : p->first_aside + below - 1u;
    memset(coefficients, 0, 64 * sizeof *coefficients);
    /* An image of the dense form: decided with band 0, and its luma quantisers in natural order
     * then written over the state's first quantisation table, dead after the walk (every DQT is
     * read; the luma table was latched into emit_by_bit with the first scan). */
    const int16_t *quant_natural = NULL;
#if PROG_EMIT_VECTOR_1
    int16_t *quant = (int16_t *)(void *)state->quant[0];
    if (band == 0 && p->block_log2 == 3 && p->have_mask) {
        uint32_t sum = (uint32_t)p->dc_quant;
        for (unsigned k = 1; k < 64; k++)
            sum += p->emit_by_bit[by_bit_index(k)].quant;
        p->dense = sum <= PROG_DENSE_QUANT_SUM;
        if (p->dense) {
            quant[0] = 0;
            for (unsigned k = 1; k < 64; k++)
                quant[natural_of[k]] = (int16_t)p->emit_by_bit[by_bit_index(k)].quant;
        }
    }
    if (p->dense)
        quant_natural = quant;
#endif
    for (uint32_t row = 0; row < p->band_rows && p->rows_done < p->out_height; row++) {
        if (band * p->band_rows + row >= p->total_rows)
            break;
        uint8_t *block = block_at(p, 0, row);
        if (!p->have_mask)
            emit_row_dc(p, coefficients, block, aside, quant_natural);
#if PROG_EMIT_VECTOR_1
        else if (quant_natural != NULL)
            emit_row_1_dense(p, coefficients, block, aside, quant_natural);
#endif
        else if (p->block_log2 == 3)
            emit_row_1(p, coefficients, block, aside, quant_natural);
        else if (p->block_log2 == 2)
            emit_row_2(p, coefficients, block, aside, quant_natural);
        else if (aside != 0)
            emit_row_4_aside(p, coefficients, block, aside, quant_natural);
        else
            emit_row_4(p, coefficients, block, aside, quant_natural);
        ink_error error =
            ink_jpeg_push_rows(p->sink, p->out, p->out_stride, size, &p->rows_done, p->out_height);
        if (error != INK_OK)
            return error;
    }
    return INK_OK;
}
