/*
 * jpeg_huffman.c — Huffman tables, the bit reader and block entropy decoding (T.81 F.2.2).
 *
 * The block decoder looks at the next JPEG_LOOKUP_BITS (10) bits of the stream in a combined
 * table per Huffman table (state->lookup, built per scan). For a code *and its value bits* within
 * those 10 bits — most coefficients of real files — one entry gives the total length, the run and
 * the sign-extended coefficient, so a coefficient costs one lookup, one shift and one store.
 * An AC code within the lookahead whose value bits are beyond it has an entry with its run, value
 * size and code length (the value is read next, no symbol decoding); other codes within it
 * (EOB, ZRL, DC categories) give their symbol and length; codes longer than 10 bits take the
 * canonical maxcode walk. The tables of a scan's components are built in
 * ink_jpeg_prepare_scan_tables, together with a per-component dequantisation table indexed by
 * the zigzag position k that gives the quantiser and the natural position at once.
 *
 * The bit buffer is a machine word (32 bits on RV32, 64 on the host) kept in locals inside the
 * block decoder, with the bits right-aligned (the `count` lowest are unread, most significant
 * first). Refills take whole plain bytes inline — on the host 4 at a time when none of them is
 * 0xFF (one word test) — and leave FF 00 un-stuffing, markers and the end of the input buffer to
 * ink_jpeg_bits_fill. When a marker or the end of input stops the data, zeros are fed and
 * counted, so reading past real data is detected (ink_jpeg_bits_overrun) rather than decoded as
 * garbage. Chroma blocks (and AC at 1/8 scale) are decoded in "skip" mode: codes and value bits
 * are consumed, nothing is stored or dequantised.
 */
#include <string.h>

#include "decode/jpeg_internal.h"

/* RV32 (GCC): the register allocator in one region for the whole function. By default it
 * allocates loop by loop, and the MCU loop's block-decoder copies then met at every block with
 * their values in different registers, moved and spilled between them: fit median -2.5%
 * (docs/JPEG_LOG.md "Session 5"). The host keeps the default (its figures are another branch's). */
#if defined(__riscv) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("ira-region=one")
#endif

const uint8_t ink_jpeg_zigzag[64] = JPEG_ZIGZAG;

ink_error ink_jpeg_build_huffman(jpeg_huffman_table *table, const uint8_t counts[16],
                                 const uint8_t *values, uint32_t nvalues, ink_error_info *info)
{
    uint32_t code = 0, index = 0;
    if (values != table->values)
        memcpy(table->values, values, nvalues);
    table->defined = 0;
    for (unsigned length = 1; length <= 16; length++) {
        uint32_t n = counts[length - 1];
        table->mincode[length - 1] = (uint16_t)code;
        table->value_index[length - 1] = (uint8_t)index;
        code += n;
        index += n;
        if (code > (1u << length))
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "JPEG Huffman table is over-subscribed at length %u", length);
        table->maxcode_plus1[length - 1] = code;
        code <<= 1;
    }
    if (index != nvalues)
        return ink_error_set(info, INK_ERR_INTERNAL, "JPEG Huffman value count mismatch");
    table->defined = 1;
    table->fast_slot = JPEG_FAST_SLOTS;
    return INK_OK;
}

/* Combined lookahead entries (uint32). A value entry — code and value bits within the lookahead:
 *   bits 0..7    bits to consume (code + value bits, 1..10)
 *   bits 8..15   (run + 1) * 4: how far the coefficient position moves, in bytes of the
 *                dequantisation table (AC; 0 for DC)
 *   bits 16..31  the sign-extended coefficient (int16; the DC difference for DC tables)
 * A long value entry (AC: a code within the lookahead for a coefficient of 1..10 bits, its
 * value bits not): bits 0..7 zero, bits 8..15 (run + 1) * 4 as above, bits 16..23 the value's
 * size, bits 24..31 the code length.
 * A symbol entry (the rest: EOB, ZRL, DC categories, sizes over 10): bits 0..15 zero, bits
 * 16..23 the symbol, bits 24..31 the code length. Zero: a longer code (the canonical walk
 * decides). So the common case is tested on the length it needs anyway. On a little-endian
 * machine the value entry's fields are its byte 0, byte 1 and halfword 1: the block decoder
 * loads each directly (RV32: a load each instead of a load and five shifts and masks; SLOT_*). */
#define LUT_LOOKUP_SIZE (1u << JPEG_LOOKUP_BITS)
#define LUT_LEN(e) ((int32_t)((e) & 31u))
#define LUT_ADVANCE(e) (((e) >> 8) & 255u)
#define LUT_CODE_LEN(e) ((int32_t)((e) >> 24))
#define LUT_SYMBOL_OF(e) (((e) >> 16) & 255u)
#define LUT_SIZE_OF(e) LUT_SYMBOL_OF(e) /* of a long value entry */
#define LUT_COEFFICIENT(e) ((int32_t)(e) >> 16) /* arithmetic shift (GCC, Clang) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
typedef struct __attribute__((may_alias)) lut_value_entry {
    uint8_t length, advance;
    int16_t coefficient;
} lut_value_entry;
#define SLOT_LEN(slot) ((int32_t)((const lut_value_entry *)(const void *)(slot))->length)
#define SLOT_ADVANCE(slot) (((const lut_value_entry *)(const void *)(slot))->advance)
#define SLOT_COEFFICIENT(slot) ((int32_t)((const lut_value_entry *)(const void *)(slot))->coefficient)
#else
#define SLOT_LEN(slot) ((int32_t)(SLOT_ENTRY(slot) & 255u))
#define SLOT_ADVANCE(slot) LUT_ADVANCE(SLOT_ENTRY(slot))
#define SLOT_COEFFICIENT(slot) LUT_COEFFICIENT(SLOT_ENTRY(slot))
#endif
#define SLOT_ENTRY(slot) (*(const uint32_t *)(const void *)(slot))

/* The lookahead of a table without a slot: always "take the canonical walk" (mask 0). */
static const uint32_t lookup_slow[1] = {0};

/* Sign extension of an s-bit JPEG magnitude (T.81 F.2.2.1 EXTEND); mask = 2^s - 1, which the
 * caller may have at hand from extracting the bits. */
static inline int32_t extend_masked(uint32_t value, uint32_t size, uint32_t mask)
{
    return (int32_t)value - (int32_t)(((value >> (size - 1u)) ^ 1u) * mask);
}

/* The coefficient position moved on by `bytes` of the dequantisation table (an entry's
 * advance: (run + 1) * 4). */
static inline const jpeg_dequant *step_position(const jpeg_dequant *position, uint32_t bytes)
{
    return (const jpeg_dequant *)(const void *)((const uint8_t *)position + bytes);
}

static inline int32_t extend(uint32_t value, uint32_t size)
{
    return extend_masked(value, size, (1u << size) - 1u);
}

/* On the host (JPEG_BITS_WIDE) the AC tables without groups take a wider value entry, so that
 * a code within the lookahead whose value bits are not (a third to a half of the codes of
 * q 90+ photos) takes the same path as the others instead of a mispredicted branch between a
 * value and a symbol entry (DC tables keep the narrow entries: the wide one cost 10% more
 * instructions on photos of mostly flat blocks, and 4% more time):
 *   bits 0..7    bits to consume: code + all its value bits (2..20)
 *   bits 8..15   (run + 1) * 4, as above
 *   bits 16..25  2^n - 1 for the n value bits the entry does NOT hold (0 when it holds the
 *                coefficient, else n = the size)
 *   bits 26..31  the coefficient when the entry holds it (sizes 1..5 within the lookahead), else 0
 * The coefficient is then the entry's plus EXTEND(the n value bits after it), with no test on
 * the kind (EXTEND of 0 bits adds 0). The 64-bit buffer holds a code and all its value bits after
 * every refill (SYMBOL_BITS), so they are there. Symbol and zero entries (EOB, ZRL, sizes above
 * 10, codes longer than the lookahead) are as above. */
#define WIDE_TRAILING_MASK(e) (((e) >> 16) & 1023u)
#define WIDE_COEFFICIENT(e) ((int32_t)(e) >> 26) /* arithmetic shift (GCC, Clang) */

static uint32_t wide_value_entry(uint32_t total_bits, uint32_t run, uint32_t trailing_bits,
                                 int32_t coefficient)
{
    return (uint32_t)coefficient << 26 | ((1u << trailing_bits) - 1u) << 16 |
           ((run + 1u) * 4u) << 8 | total_bits;
}

#if JPEG_BITS_WIDE
/* The coefficient of a wide value entry whose bits are consumed: `unread` bits are left, the
 * lowest of its trailing value bits is bit `unread` of the buffer. (The 64-bit reader's only.) */
static inline int32_t wide_value(uint32_t entry, jpeg_bitbuf buffer, int32_t unread)
{
    uint32_t mask = WIDE_TRAILING_MASK(entry);
    uint32_t raw = (uint32_t)(buffer >> unread) & mask;
    /* EXTEND: value bits whose top bit is 0 (raw * 2 <= mask) stand for raw - mask. */
    return WIDE_COEFFICIENT(entry) + (int32_t)raw - (int32_t)(raw + raw <= mask ? mask : 0);
}
#endif

static void build_lookup(const jpeg_huffman_table *table, bool dc, bool wide_values,
                         uint32_t *lookup)
{
    memset(lookup, 0, LUT_LOOKUP_SIZE * sizeof *lookup);
    for (unsigned length = 1; length <= JPEG_LOOKUP_BITS; length++) {
        unsigned l = length - 1;
        for (uint32_t code = table->mincode[l]; code < table->maxcode_plus1[l]; code++) {
            uint32_t symbol = table->values[table->value_index[l] + code - table->mincode[l]];
            uint32_t size = dc ? symbol : symbol & 15u, run = dc ? 0 : symbol >> 4;
            uint32_t free_bits = JPEG_LOOKUP_BITS - length;
            uint32_t first = code << free_bits;
            /* A value entry needs a coefficient (AC size 0 is EOB/ZRL) that fits in int16. */
            bool value = (dc || size != 0) && size <= free_bits && size <= 15u;
            if (wide_values && (size > 5u || !value) && size != 0 && size <= 10u) {
                for (uint32_t i = 0; i < (1u << free_bits); i++)
                    lookup[first + i] = wide_value_entry(length + size, run, size, 0);
                continue;
            }
            if (!value) {
                bool long_value = !dc && size != 0 && size <= 10u;
                uint32_t entry = long_value ? (length << 24) | (size << 16) | ((run + 1u) * 4u << 8)
                                            : (length << 24) | (symbol << 16);
                for (uint32_t i = 0; i < (1u << free_bits); i++)
                    lookup[first + i] = entry;
                continue;
            }
            uint32_t rest = free_bits - size;
            for (uint32_t bits = 0; bits < (1u << free_bits); bits++) {
                int32_t coefficient = size == 0 ? 0 : extend(bits >> rest, size);
                if (wide_values) {
                    lookup[first + bits] = wide_value_entry(length + size, run, 0, coefficient);
                    continue;
                }
                lookup[first + bits] = ((uint32_t)coefficient << 16) |
                                       ((dc ? 0 : (run + 1u) * 4u) << 8) | (length + size);
            }
        }
    }
}

/* Group entries, for AC tables used only to skip (chroma; luma at 1/8): as many whole symbols
 * as the lookahead holds, so one lookup steps over two or three of them.
 *   bits 0..4    bits the group takes (1..10; 0 = not a group: a symbol entry or zero, as
 *                in build_lookup)
 *   bits 5..14   positions it advances, times 4 (an EOB counts one, plus 64 so that the
 *                common test "fits in the block" fails and the EOB case is sorted out off the
 *                common path)
 *   bit 15       it ends with EOB
 *   bits 16..20, 21..25  bits and positions of its first symbol alone: taken instead when the
 *                group would run past position 63 (a block whose last coefficient is at 63 has
 *                no EOB, and the bits after it are the next block's DC)
 * ZRL ends a group (the symbol path clamps it at the block's end, as libjpeg). */
#define GROUP_EOB (1u << 15)
#define GROUP_EOB_BIAS (64u * 4u)
#define GROUP_ADVANCE(e) (((e) >> 5) & 1023u)
#define GROUP_FIRST_LEN(e) ((int32_t)(((e) >> 16) & 31u))
#define GROUP_FIRST_ADVANCE(e) (((e) >> 21) & 31u)

/* The AC symbol whose code starts at the top of the `nbits` low bits of `bits`; -1 if no code
 * that short matches. */
static int32_t peek_symbol(const jpeg_huffman_table *table, const uint16_t *fast, uint32_t bits,
                           unsigned nbits, unsigned *length)
{
    /* The 9-bit symbol lookahead first (built just before): one load for most codes. */
    uint32_t index = nbits >= JPEG_FAST_BITS ? bits >> (nbits - JPEG_FAST_BITS)
                                             : bits << (JPEG_FAST_BITS - nbits);
    uint32_t entry = fast[index];
    if (entry != 0) {
        *length = entry & 15u;
        return *length <= nbits ? (int32_t)(entry >> 8) : -1;
    }
    for (unsigned l = JPEG_FAST_BITS + 1u; l <= nbits; l++) {
        uint32_t code = bits >> (nbits - l);
        if (code < table->maxcode_plus1[l - 1]) {
            *length = l;
            return table->values[table->value_index[l - 1] + code - table->mincode[l - 1]];
        }
    }
    return -1;
}

static void build_groups(const jpeg_huffman_table *table, const uint16_t *fast, uint32_t *lookup)
{
    build_lookup(table, false, false, lookup);
    for (uint32_t i = 0; i < LUT_LOOKUP_SIZE; i++) {
        unsigned used = 0, advance = 0, symbols = 0, first_len = 0, first_advance = 0;
        bool eob = false;
        while (used < JPEG_LOOKUP_BITS) {
            unsigned left = JPEG_LOOKUP_BITS - used, length = 0;
            int32_t symbol = peek_symbol(table, fast, i & ((1u << left) - 1u), left, &length);
            if (symbol < 0 || symbol == 0xF0)
                break;
            unsigned size = (unsigned)symbol & 15u, run = (unsigned)symbol >> 4;
            if (size == 0) {
                /* EOB (any run but 15 ends a sequential block). It counts one position, so a
                 * group ending with it fits only if the block has not already ended at 63:
                 * then those bits are the next block's DC code. */
                eob = true;
                advance++;
                used += length;
                if (symbols++ == 0)
                    first_len = length;
                break;
            }
            if (size > 10 || length + size > left) {
                /* On the host a first symbol whose value bits run past the lookahead is a group
                 * of one (SYMBOL_BITS: the buffer holds them), not a symbol entry. */
                if (JPEG_BITS_WIDE && symbols == 0 && size <= 10) {
                    used = first_len = length + size;
                    advance = first_advance = run + 1u;
                    symbols = 1;
                }
                break;
            }
            used += length + size;
            advance += run + 1u;
            if (symbols++ == 0) {
                first_len = length + size;
                first_advance = run + 1u;
            }
        }
        if (symbols > 0)
            lookup[i] = used | ((advance * 4u + (eob ? GROUP_EOB_BIAS : 0)) << 5) |
                        (eob ? GROUP_EOB : 0) | (first_len << 16) | (first_advance << 21);
    }
}

static void build_fast(const jpeg_huffman_table *table, uint16_t *fast)
{
    memset(fast, 0, sizeof(uint16_t) << JPEG_FAST_BITS);
    for (unsigned length = 1; length <= JPEG_FAST_BITS; length++) {
        unsigned l = length - 1;
        for (uint32_t code = table->mincode[l]; code < table->maxcode_plus1[l]; code++) {
            uint32_t symbol = table->values[table->value_index[l] + code - table->mincode[l]];
            uint32_t shift = JPEG_FAST_BITS - length;
            for (uint32_t i = code << shift; i < (code + 1) << shift; i++)
                fast[i] = (uint16_t)((symbol << 8) | length);
        }
    }
}

static void give_fast_slot(jpeg_state *state, unsigned slot, unsigned *next_fast)
{
    jpeg_huffman_table *table = &state->huffman[slot];
    if (table->fast_slot == JPEG_FAST_SLOTS && *next_fast < JPEG_FAST_SLOTS) {
        table->fast_slot = (uint8_t)(*next_fast)++;
        build_fast(table, state->fast[table->fast_slot]);
        if (state->lookup && table->lookup_groups)
            build_groups(table, state->fast[table->fast_slot],
                         state->lookup + table->fast_slot * LUT_LOOKUP_SIZE);
        else if (state->lookup)
            build_lookup(table, slot < 4u, JPEG_BITS_WIDE && slot >= 4u,
                         state->lookup + table->fast_slot * LUT_LOOKUP_SIZE);
    }
}

void ink_jpeg_prepare_scan_tables(jpeg_state *state)
{
    jpeg_scan *scan = &state->scan;
    unsigned next_fast = 0;
    for (unsigned slot = 0; slot < JPEG_HUFFMAN_SLOTS; slot++) {
        state->huffman[slot].fast_slot = JPEG_FAST_SLOTS;
        state->huffman[slot].lookup_groups = slot >= 4u; /* AC tables only */
    }
    /* An AC table gets group entries when no component of the scan stores coefficients with
     * it (unneeded components, and needed ones at 1/8 which keep DC only). */
    for (unsigned i = 0; i < scan->ncomponents; i++) {
        const jpeg_component *component = &state->frame.components[scan->component_index[i]];
        if (component->needed && component->block_log2 != 0)
            state->huffman[component->ac_table].lookup_groups = 0; /* ac_table is the slot, 4..7 */
    }
    state->no_fast[0] = 0;
    state->no_fast[1] = 0;
    /* Needed components first, so luma keeps its lookahead when slots run out. */
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < scan->ncomponents; i++) {
            const jpeg_component *component = &state->frame.components[scan->component_index[i]];
            if (component->needed != (pass == 0))
                continue;
            give_fast_slot(state, component->dc_table, &next_fast);
            give_fast_slot(state, component->ac_table, &next_fast);
        }
    }
    /* Dequantisation by zigzag index: quantiser and natural position (as a byte offset into
     * int32 coefficients) in one load. Indices 64..79 (a run past the end, refused after the
     * block) store a zero at position 0 of a block that is then discarded. */
    if (state->dequant) {
        for (unsigned i = 0; i < scan->ncomponents; i++) {
            const jpeg_component *component = &state->frame.components[scan->component_index[i]];
            const uint16_t *quant = state->quant[component->quant_index];
            jpeg_dequant *dequant = state->dequant + i * JPEG_DEQUANT_ENTRIES;
            /* The 4x4 and 2x2 transforms ignore some rows and columns (4; or 2, 4, 6): their
             * quantiser is 0 here, so those coefficients are never stored and the transforms,
             * which clear what they read, leave the block all zero (jpeg_idct.c). */
            uint32_t ignored = component->needed && component->block_log2 == 2   ? 0x10u
                               : component->needed && component->block_log2 == 1 ? 0x54u
                                                                                 : 0u;
            for (unsigned k = 0; k < 64; k++) {
                unsigned n = ink_jpeg_zigzag[k];
                bool drop = ((ignored >> (n & 7u)) & 1u) || ((ignored >> (n >> 3)) & 1u);
                dequant[k].quantiser = drop ? 0 : quant[k];
                dequant[k].offset = (uint16_t)(n * 4u);
            }
            for (unsigned k = 64; k < JPEG_DEQUANT_ENTRIES; k++)
                dequant[k].quantiser = dequant[k].offset = 0;
        }
    }
}

void ink_jpeg_bits_reset(jpeg_bits *bits)
{
    bits->buffer = 0;
    bits->count = 0;
    bits->pad_bits = 0;
    bits->marker = 0;
}

void ink_jpeg_bits_fill(jpeg_bits *bits, jpeg_input *input)
{
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    /* Fast path: data bytes already in the buffer, including stuffed FF 00 pairs (dense
     * images have one every few hundred bytes, and each used to take the byte-by-byte loop
     * below); it stops at a marker or an FF at the buffer's end. */
    if (bits->marker == 0) {
        const uint8_t *next = input->next, *end = input->end;
        while (count <= JPEG_BITBUF_BITS - 8 && next < end) {
            uint32_t byte = *next;
            if (byte == 0xFF) {
                if (end - next < 2 || next[1] != 0)
                    break;
                next++;
            }
            next++;
            buffer = (buffer << 8) | byte;
            count += 8;
        }
        input->next = next;
    }
    while (count <= JPEG_BITBUF_BITS - 8) {
        uint32_t byte = 0;
        if (bits->marker == 0) {
            if (input->next == input->end) {
                ink_error error = ink_jpeg_input_fill(input, NULL);
                if (error != INK_OK) {
                    bits->io_error = error;
                    bits->marker = -1;
                } else if (input->next == input->end) {
                    bits->marker = -1;
                }
            }
        }
        if (bits->marker != 0) {
            /* Past the data: feed zeros and count them. */
            buffer <<= 8;
            count += 8;
            bits->pad_bits += 8;
            continue;
        }
        byte = *input->next++;
        if (byte == 0xFF) {
            /* FF 00 is a data byte FF; FF FF.. are fill bytes before a marker. */
            uint32_t code;
            do {
                if (input->next == input->end) {
                    ink_error error = ink_jpeg_input_fill(input, NULL);
                    if (error != INK_OK)
                        bits->io_error = error;
                    if (error != INK_OK || input->next == input->end) {
                        code = 0x100; /* the input ended inside a marker */
                        break;
                    }
                }
                code = *input->next++;
            } while (code == 0xFF);
            if (code != 0) {
                bits->marker = code == 0x100 ? -1 : (int32_t)code;
                continue;
            }
        }
        buffer = (buffer << 8) | byte;
        count += 8;
    }
    bits->buffer = buffer;
    bits->count = count;
}

/* The canonical walk for codes longer than the lookahead (needs count >= 16). Returns the
 * symbol | (code length << 8), or -1 for a code the table does not have. */
static inline __attribute__((always_inline)) int32_t
decode_slow_inline(const jpeg_huffman_table *table, jpeg_bitbuf buffer, int32_t count)
{
    uint32_t bits16 = (uint32_t)(buffer >> (count - 16)) & 0xFFFFu;
    unsigned l;
    if (table->fast_slot < JPEG_FAST_SLOTS) {
        /* Every code of up to JPEG_LOOKUP_BITS bits was found in the lookahead. The code has
         * the first length l whose limit, left-justified to 16 bits, is above bits16; those
         * limits never decrease with the length (a canonical code's codes of length l + 1
         * start at its limit at length l, doubled), so l (the length - 1) is 16 less the
         * number of lengths from JPEG_LOOKUP_BITS + 1 whose limit is above bits16: counted
         * without a branch (with the standard tables most long codes are 16 bits long, six
         * lengths on). On RV32 counted as "below the limit" (sltu), not "reaches it" (sltu
         * and a xor): one instruction fewer a length. The host keeps the other count: there the
         * changed function changed its callers' register allocation (x86 callgrind, img3 at 1/4:
         * +1.4%), the count itself costing the same (setcc either way). */
        if (JPEG_BITS_WIDE) {
            l = JPEG_LOOKUP_BITS;
#pragma GCC unroll 6
            for (unsigned i = JPEG_LOOKUP_BITS; i < 16; i++)
                l += bits16 >= table->maxcode_plus1[i] << (15 - i);
        } else {
            unsigned above = 0;
#pragma GCC unroll 6
            for (unsigned i = JPEG_LOOKUP_BITS; i < 16; i++)
                above += bits16 < table->maxcode_plus1[i] << (15 - i);
            l = 16 - above;
        }
        if (l == 16)
            return -1;
    } else {
        for (l = 0; l < 16; l++)
            if (bits16 >> (15 - l) < table->maxcode_plus1[l])
                break;
        if (l == 16)
            return -1;
    }
    uint32_t code = bits16 >> (15 - l);
    return (int32_t)(table->values[table->value_index[l] + code - table->mincode[l]] |
                     ((l + 1u) << 8));
}

/* Out of line for every block decoder copy but the needed blocks of the 1/4 loop on RV32
 * (`slow_inline`, see decode_mcus). */
static __attribute__((noinline)) int32_t decode_slow(const jpeg_huffman_table *table,
                                                     jpeg_bitbuf buffer, int32_t count)
{
    return decode_slow_inline(table, buffer, count);
}

/* The block decoder counts the unread bits minus this (see `spare` below). */
#define SPARE_BIAS ((int32_t)JPEG_LOOKUP_BITS + 2)

/* The block decoder's view of the entropy state: all in locals (registers on RV32), written
 * back to state->bits / state->input around the out-of-line refill and on exit. The bit count
 * is kept as `spare`, the unread bits beyond the LOOKUP_SHIFT a lookup needs: the lookup's
 * shift is then the variable itself (one instruction fewer per symbol on RV32). */
#define PEEK(n) ((uint32_t)(buffer >> (spare + SPARE_BIAS - (int32_t)(n))) & ((1u << (n)) - 1u))
/* The combined lookahead entry for the next JPEG_LOOKUP_BITS bits: the bits are taken already
 * scaled to a byte offset (shifted 2 less, masked with the coder's pre-scaled mask, which is
 * also what sends a table without a slot to its single entry): shift, and, load. */
#define LOOKUP(table, byte_mask) SLOT_ENTRY(LOOKUP_SLOT(table, byte_mask))
#define LOOKUP_SLOT(table, byte_mask)                                                             \
    ((const uint8_t *)(table) + ((uint32_t)(buffer >> spare) & (byte_mask)))
#define LOOKUP_SHIFT SPARE_BIAS /* 12 bits unread before any symbol */
/* Before each symbol: at least 16 bits (a whole code) on RV32; on the host at least 27 (a code
 * and its value bits), so the value never needs a second refill. */
#define SYMBOL_BITS (JPEG_BITS_WIDE ? 27 : 16)
/* The block decoder's refill (JPEG_REFILL_INLINE), its count biased by SPARE_BIAS. */
#define REFILL_SLOW()                                                                             \
    do {                                                                                          \
        bits->buffer = buffer;                                                                    \
        bits->count = spare + SPARE_BIAS;                                                         \
        input->next = next;                                                                       \
        ink_jpeg_bits_fill(bits, input);                                                          \
        buffer = bits->buffer;                                                                    \
        spare = bits->count - SPARE_BIAS;                                                         \
        next = input->next;                                                                       \
        limit = JPEG_REFILL_LIMIT(bits, input, next);                                             \
    } while (0)
#define REFILL(need) JPEG_REFILL_INLINE(spare, SPARE_BIAS, need, REFILL_SLOW)
#define SAVE()                                                                                    \
    do {                                                                                          \
        bits->buffer = buffer;                                                                    \
        bits->count = spare + SPARE_BIAS;                                                         \
        input->next = next;                                                                       \
    } while (0)
/* A symbol by the canonical walk: for LUT_SLOW entries (long codes, tables without a slot). */
#define DECODE_SLOW(table, symbol)                                                                \
    do {                                                                                          \
        int32_t slow_ = slow_inline                                                               \
                            ? decode_slow_inline((table), buffer, spare + SPARE_BIAS)             \
                            : decode_slow((table), buffer, spare + SPARE_BIAS);                   \
        if (slow_ < 0)                                                                            \
            goto bad_code;                                                                        \
        spare -= slow_ >> 8;                                                                      \
        symbol = (uint32_t)slow_ & 255u;                                                          \
    } while (0)

/* The code of `symbol` in a table: its bits in the low `*length` bits; false when it has none. */
static bool code_of_symbol(const jpeg_huffman_table *table, uint32_t symbol, uint32_t *code,
                           uint32_t *length)
{
    for (unsigned l = 0; l < 16; l++)
        for (uint32_t c = table->mincode[l]; c < table->maxcode_plus1[l]; c++)
            if (table->values[table->value_index[l] + c - table->mincode[l]] == symbol) {
                *code = c;
                *length = l + 1u;
                return true;
            }
    return false;
}

void ink_jpeg_block_coder_init(jpeg_state *state, unsigned scan_index, jpeg_block_coder *coder)
{
    jpeg_component *component = &state->frame.components[state->scan.component_index[scan_index]];
    const jpeg_huffman_table *dc_table = &state->huffman[component->dc_table];
    const jpeg_huffman_table *ac_table = &state->huffman[component->ac_table];
    coder->dc_table = dc_table;
    coder->ac_table = ac_table;
    coder->dc_lookup = lookup_slow;
    coder->ac_lookup = lookup_slow;
    coder->dc_mask = 0;
    coder->ac_mask = 0;
    if (dc_table->fast_slot < JPEG_FAST_SLOTS) {
        coder->dc_lookup = state->lookup + dc_table->fast_slot * LUT_LOOKUP_SIZE;
        coder->dc_mask = (LUT_LOOKUP_SIZE - 1u) * 4u;
    }
    if (ac_table->fast_slot < JPEG_FAST_SLOTS) {
        coder->ac_lookup = state->lookup + ac_table->fast_slot * LUT_LOOKUP_SIZE;
        coder->ac_mask = (LUT_LOOKUP_SIZE - 1u) * 4u;
    }
    coder->ac_groups = ac_table->fast_slot < JPEG_FAST_SLOTS && ac_table->lookup_groups;
    coder->dequant = state->dequant + scan_index * JPEG_DEQUANT_ENTRIES;
    coder->predictor = &component->dc_predictor;
    /* The empty block: the DC's category 0 then the AC's EOB, together within the 16 bits a
     * refill guarantees; otherwise a pattern no 16 bits match. */
    uint32_t dc_code, dc_length, eob_code, eob_length;
    coder->empty_code = 0x10000u;
    coder->empty_mask = 0xFFFFu;
    coder->empty_shift = 16 - SPARE_BIAS;
    if (code_of_symbol(dc_table, 0, &dc_code, &dc_length) &&
        code_of_symbol(ac_table, 0, &eob_code, &eob_length) && dc_length + eob_length <= 16u) {
        coder->empty_code = dc_code << eob_length | eob_code;
        coder->empty_mask = (1u << (dc_length + eob_length)) - 1u;
        coder->empty_shift = (int32_t)(dc_length + eob_length) - SPARE_BIAS;
    }
}

/* The entropy position while blocks are decoded: the bit buffer and the input pointers, in
 * locals. ink_jpeg_decode_mcus keeps it in registers over a run of MCUs. */
typedef struct jpeg_reader {
    jpeg_bitbuf buffer;
    int32_t spare; /* unread bits - SPARE_BIAS */
    const uint8_t *next;
    uintptr_t limit; /* the inline refill's limit (JPEG_REFILL_LIMIT) */
} jpeg_reader;

static inline void reader_load(const jpeg_state *state, jpeg_reader *reader)
{
    reader->buffer = state->bits.buffer;
    reader->spare = state->bits.count - SPARE_BIAS;
    reader->next = state->input.next;
    reader->limit = JPEG_REFILL_LIMIT(&state->bits, &state->input, reader->next);
}

static inline void reader_save(jpeg_state *state, const jpeg_reader *reader)
{
    state->bits.buffer = reader->buffer;
    state->bits.count = reader->spare + SPARE_BIAS;
    state->input.next = reader->next;
}

/* The block's DC term (the predictor, dequantised) into coefficients[0]; one that reaches
 * +-1024 sets JPEG_FLAG_BIG in the caller's `*flags` and is clamped to +-2048 (the IDCT's overflow
 * bound). A macro: as an inline function it changed the RV32 register allocation of the MCU
 * loops. */
#define STORE_DC(coefficients, predictor, dequant)                                                \
    do {                                                                                          \
        int32_t value = *(predictor) * (int32_t)(dequant)[0].quantiser;                           \
        if ((uint32_t)(value + 1024) >= 2048u) {                                                  \
            *flags |= JPEG_FLAG_BIG;                                                              \
            value = value < -2048 ? -2048 : value > 2048 ? 2048 : value;                          \
        }                                                                                         \
        (coefficients)[0] = value;                                                                \
    } while (0)

/* One block (the body of ink_jpeg_decode_mcus). On an error the
 * position is saved to the state; on success it stays in *reader. `groups_known`: the caller
 * knows the coder's AC table has group entries (a constant at the call: its own copy).
 * `slow_inline`: long codes by decode_slow_inline, not the call (see decode_mcus). */
static inline __attribute__((always_inline)) ink_error
decode_block(jpeg_state *state, jpeg_reader *reader, const jpeg_block_coder *coder,
             jpeg_block_mode mode, bool groups_known, bool skip_unused, bool slow_inline,
             uint32_t *flags, ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    jpeg_input *input = &state->input;
    const jpeg_huffman_table *dc_table = coder->dc_table, *ac_table = coder->ac_table;
    const uint32_t *dc_lookup = coder->dc_lookup, *ac_lookup = coder->ac_lookup;
    const uint32_t dc_mask = coder->dc_mask, ac_mask = coder->ac_mask;
    jpeg_bitbuf buffer = reader->buffer;
    int32_t spare = reader->spare;
    const uint8_t *next = reader->next;
    uintptr_t limit = reader->limit;
    uint32_t entry, symbol, k;
    uint32_t size = 0; /* set before every use; zero for -fanalyzer, which misreads the
                        * bad_coefficient path (position > block_end, then < it) */
    int32_t difference;

    /* DC: a category (0..11) then that many bits of difference. */
    REFILL(SYMBOL_BITS);
    if (!JPEG_BITS_WIDE &&
        ((uint32_t)(buffer >> (spare - coder->empty_shift)) & coder->empty_mask) ==
            coder->empty_code) {
        /* An empty block (DC difference 0, EOB): the DC is the predictor's, no AC. */
        if (mode != JPEG_BLOCK_SKIP)
            STORE_DC(state->coefficients, coder->predictor, coder->dequant);
        reader->buffer = buffer;
        reader->spare = spare - (coder->empty_shift + SPARE_BIAS);
        reader->next = next;
        reader->limit = limit;
        return INK_OK;
    }
    const uint8_t *slot = LOOKUP_SLOT(dc_lookup, dc_mask);
    if (SLOT_LEN(slot) != 0) {
        spare -= SLOT_LEN(slot);
        difference = SLOT_COEFFICIENT(slot);
    } else {
        entry = SLOT_ENTRY(slot);
        if (entry != 0) {
            spare -= LUT_CODE_LEN(entry);
            size = LUT_SYMBOL_OF(entry);
        } else {
            DECODE_SLOW(dc_table, size);
        }
        difference = 0;
        if (size != 0) {
            if (!JPEG_BITS_WIDE)
                REFILL(size);
            difference = extend(PEEK(size), size);
            spare -= (int32_t)size;
        }
    }
    if (difference != 0) {
        int32_t predictor = *coder->predictor + difference;
        if (predictor > 32767 || predictor < -32768) {
            SAVE();
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC coefficient out of range");
        }
        *coder->predictor = predictor;
    }
    const jpeg_dequant *dequant = coder->dequant;
    int32_t *coefficients = state->coefficients;
    if (mode != JPEG_BLOCK_SKIP)
        STORE_DC(coefficients, coder->predictor, dequant);

    /* AC: (run, size) symbols; size 0 with run 15 skips 16 zeros, else it ends the block. The
     * position is a pointer into the dequantisation table (one entry per zigzag index k); a
     * coefficient at k > 63 is refused after the loop (the pointer is then past entry 64): the
     * table's entries 64..79 make the store harmless until then. */
    const jpeg_dequant *position = dequant + 1, *const block_end = dequant + 64;
    if (mode == JPEG_BLOCK_FULL) {
        uint32_t range = 0; /* OR of (value + 1024): >= 2048 when some |value| >= 1024 */
        while (position < block_end) {
            REFILL(SYMBOL_BITS);
#if JPEG_BITS_WIDE
            /* Every code within the lookahead with a size of 1..10, its value bits in the
             * entry or after it (wide value entries, see build_lookup). A position the reduced
             * transform ignores (skip_unused: quantiser 0) is stored as 0, which it is already:
             * on the host a test there costs more time than the store. */
            (void)skip_unused;
            slot = LOOKUP_SLOT(ac_lookup, ac_mask);
            entry = SLOT_ENTRY(slot);
            /* The length by its own byte load, not masked out of the entry: one operation
             * fewer on the chain from one lookup to the next (img3, img4: 1-3% less time). */
            if (SLOT_LEN(slot) != 0) {
                spare -= SLOT_LEN(slot);
                position = step_position(position, LUT_ADVANCE(entry));
                int32_t value = wide_value(entry, buffer, spare + SPARE_BIAS) *
                                (int32_t)position[-1].quantiser;
                range |= (uint32_t)(value + 1024);
                *(int32_t *)(void *)((uint8_t *)coefficients + position[-1].offset) = value;
                continue;
            }
#else
            slot = LOOKUP_SLOT(ac_lookup, ac_mask);
            if (SLOT_LEN(slot) != 0) {
                /* The common case: code, run and value in one entry. */
                spare -= SLOT_LEN(slot);
                position = step_position(position, SLOT_ADVANCE(slot));
                if (skip_unused && position[-1].quantiser == 0)
                    continue; /* a position the reduced transform ignores: zero already */
                int32_t value = SLOT_COEFFICIENT(slot) * (int32_t)position[-1].quantiser;
                range |= (uint32_t)(value + 1024);
                *(int32_t *)(void *)((uint8_t *)coefficients + position[-1].offset) = value;
                continue;
            }
            entry = SLOT_ENTRY(slot);
            if (SLOT_ADVANCE(slot) != 0) {
                /* A code within the lookahead, its value bits beyond it (position checked
                 * after the loop, as for value entries). */
                spare -= LUT_CODE_LEN(entry);
                size = LUT_SIZE_OF(entry);
                position = step_position(position, SLOT_ADVANCE(slot));
                REFILL(size); /* the board's reader: the value bits may not be in yet */
                spare -= (int32_t)size;
                if (skip_unused && position[-1].quantiser == 0)
                    continue;
                uint32_t mask = (1u << size) - 1u;
                uint32_t raw = (uint32_t)(buffer >> (spare + SPARE_BIAS)) & mask;
                int32_t value = extend_masked(raw, size, mask) * (int32_t)position[-1].quantiser;
                range |= (uint32_t)(value + 1024);
                *(int32_t *)(void *)((uint8_t *)coefficients + position[-1].offset) = value;
                continue;
            }
#endif
            if (entry != 0) {
                spare -= LUT_CODE_LEN(entry);
                symbol = LUT_SYMBOL_OF(entry);
            } else {
                DECODE_SLOW(ac_table, symbol);
            }
            if (symbol == 0)
                break; /* EOB */
            size = symbol & 15u;
            if (size == 0) {
                if (symbol != 0xF0)
                    break; /* EOB with a run (as libjpeg: any size-0 symbol but ZRL) */
                /* ZRL: 16 zeros (past the end: just the end) */
                position = block_end - position > 16 ? position + 16 : block_end;
                continue;
            }
            position += symbol >> 4;
            if (position >= block_end || size > 10)
                goto bad_coefficient;
            if (!JPEG_BITS_WIDE)
                REFILL(size);
            /* The bits and their extension share the mask (RV32: 3 instructions fewer). */
            uint32_t mask = (1u << size) - 1u;
            spare -= (int32_t)size;
            uint32_t raw = (uint32_t)(buffer >> (spare + SPARE_BIAS)) & mask;
            int32_t value = extend_masked(raw, size, mask) * (int32_t)position->quantiser;
            range |= (uint32_t)(value + 1024);
            *(int32_t *)(void *)((uint8_t *)coefficients + position->offset) = value;
            position++;
        }
        if (position > block_end)
            goto bad_coefficient;
        if (range >= 2048u) {
            /* Rare (hostile or extreme data): clamp so the IDCT cannot overflow. */
            *flags |= JPEG_FLAG_BIG;
            for (unsigned i = 1; i < 64; i++)
                coefficients[i] = coefficients[i] < -2048  ? -2048
                                  : coefficients[i] > 2048 ? 2048
                                                           : coefficients[i];
        }
        k = (uint32_t)(position - dequant);
        if (k > 1)
            *flags |= JPEG_FLAG_AC | ((k - 1u) << JPEG_FLAG_LAST_SHIFT);
    } else {
        /* Skip mode: the same decoding, nothing stored; with group entries, several symbols
         * per lookup. */
        const bool groups = groups_known || coder->ac_groups;
        while (position < block_end) {
            REFILL(SYMBOL_BITS);
            entry = LOOKUP(ac_lookup, ac_mask);
            if (groups && LUT_LEN(entry) != 0) {
                const jpeg_dequant *after = (const jpeg_dequant *)(const void *)(
                    (const uint8_t *)position + GROUP_ADVANCE(entry));
                if (after <= block_end) {
                    spare -= LUT_LEN(entry);
                    position = after;
                    continue;
                }
                if (entry & GROUP_EOB) {
                    after = (const jpeg_dequant *)(const void *)((const uint8_t *)after -
                                                                 GROUP_EOB_BIAS);
                    if (after <= block_end) {
                        spare -= LUT_LEN(entry);
                        position = after;
                        break;
                    }
                }
                spare -= GROUP_FIRST_LEN(entry);
                position += GROUP_FIRST_ADVANCE(entry);
                continue;
            }
            if (LUT_LEN(entry) != 0) {
                spare -= LUT_LEN(entry);
                position = step_position(position, LUT_ADVANCE(entry));
                continue;
            }
            if (LUT_ADVANCE(entry) != 0) {
                spare -= LUT_CODE_LEN(entry);
                size = LUT_SIZE_OF(entry);
                position = step_position(position, LUT_ADVANCE(entry));
                if (!JPEG_BITS_WIDE)
                    REFILL(size);
                spare -= (int32_t)size;
                continue;
            }
            if (entry != 0) {
                spare -= LUT_CODE_LEN(entry);
                symbol = LUT_SYMBOL_OF(entry);
            } else {
                DECODE_SLOW(ac_table, symbol);
            }
            size = symbol & 15u;
            if (size == 0) {
                if (symbol != 0xF0)
                    break;
                position = block_end - position > 16 ? position + 16 : block_end;
                continue;
            }
            position += symbol >> 4;
            if (position >= block_end || size > 10)
                goto bad_coefficient;
            if (!JPEG_BITS_WIDE)
                REFILL(size);
            spare -= (int32_t)size;
            position++;
        }
        if (position > block_end)
            goto bad_coefficient;
    }
    reader->buffer = buffer;
    reader->spare = spare;
    reader->next = next;
    reader->limit = limit;
    return INK_OK;

bad_code:
    SAVE();
    if (ink_jpeg_bits_overrun(bits) || bits->marker != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG data truncated or corrupt");
    return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG data has an invalid Huffman code");
bad_coefficient:
    SAVE();
    if (position >= block_end)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "JPEG block has a coefficient past position 63");
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "JPEG block has a coefficient of size %u (at most 10)", size);
}

/* The rare case (an AC table without group entries outside FULL blocks: no lookahead slot
 * left) out of line, so that the MCU loops' registers are allocated for their common copies. */
static __attribute__((noinline)) ink_error
decode_block_other(jpeg_state *state, jpeg_reader *reader, const jpeg_block_coder *coder,
                   jpeg_block_mode mode, uint32_t *flags, ink_error_info *info)
{
    return decode_block(state, reader, coder, mode, false, false, false, flags, info);
}

/* The MCU loop. `dc_output`: the plan's needed blocks are DC blocks (1/8 scale; their copy
 * assumes group entries, which a DC block's AC table lacks when a FULL block of another
 * component shares it: RGB or CMYK with mixed sampling — those go out of line), else FULL;
 * `reduced`: FULL blocks go to a 4x4 or 2x2 transform, so the coefficients at positions it
 * ignores (quantiser 0 in the dequantisation table) are only stepped over; `slow_inline`: the
 * needed blocks' long codes (beyond the lookahead) decoded inline, not by a call — the 1/4 copy
 * (2x2 blocks: RV32 sous-le-vent img3, 56.6k long codes, 24.96 -> 24.26 M instructions; in the
 * 1/1 and 1/2 copies the allocation it brings cost photos with few long codes up to 0.1%; the
 * host has no 1/4 copy: JPEG_BITS_WIDE). Each is its own function (the copies of the block
 * decoder in one loop share its registers). */
static inline __attribute__((always_inline)) ink_error
decode_mcus(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks, uint32_t nmcus,
            bool dc_output, bool reduced, bool slow_inline, ink_error_info *info)
{
    jpeg_reader reader;
    reader_load(state, &reader);
    int32_t *coefficients = state->coefficients;
    jpeg_mcu_block *const blocks_end = blocks + nblocks;
    const jpeg_block_mode needed_mode = dc_output ? JPEG_BLOCK_DC : JPEG_BLOCK_FULL;
    for (; nmcus != 0; nmcus--) {
        for (jpeg_mcu_block *block = blocks; block != blocks_end; block++) {
            jpeg_block_mode mode = (jpeg_block_mode)block->mode;
            uint32_t flags = 0;
            /* Each common case its own copy of the block decoder (a needed block; a skipped
             * one whose AC has group entries): registers are allocated for that loop alone. */
            const jpeg_block_coder *coder = block->coder;
            ink_error error;
            if (mode == needed_mode && (!dc_output || coder->ac_groups))
                error = decode_block(state, &reader, coder, needed_mode, dc_output, reduced,
                                     slow_inline, &flags, info);
            else if (mode == JPEG_BLOCK_SKIP && coder->ac_groups)
                error = decode_block(state, &reader, coder, JPEG_BLOCK_SKIP, true, false, false,
                                     &flags, info);
            else
                error = decode_block_other(state, &reader, coder, mode, &flags, info);
            if (error != INK_OK)
                return error;
            if (mode != JPEG_BLOCK_SKIP) {
                ink_jpeg_idct_block(coefficients, block->block_log2, flags, block->out,
                                    block->stride);
                block->out += block->step;
            }
        }
    }
    reader_save(state, &reader);
    return INK_OK;
}

static __attribute__((noinline)) ink_error
decode_mcus_dc(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks, uint32_t nmcus,
               ink_error_info *info)
{
    return decode_mcus(state, blocks, nblocks, nmcus, true, false, false, info);
}

static __attribute__((noinline)) ink_error
decode_mcus_reduced(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks, uint32_t nmcus,
                    ink_error_info *info)
{
    return decode_mcus(state, blocks, nblocks, nmcus, false, true, false, info);
}

#if !JPEG_BITS_WIDE
static __attribute__((noinline)) ink_error
decode_mcus_quarter(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks, uint32_t nmcus,
                    ink_error_info *info)
{
    return decode_mcus(state, blocks, nblocks, nmcus, false, true, true, info);
}
#endif

static __attribute__((noinline)) ink_error
decode_mcus_full(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks, uint32_t nmcus,
                 ink_error_info *info)
{
    return decode_mcus(state, blocks, nblocks, nmcus, false, false, false, info);
}

/* Only the choice of loop, each its own function: inlined here, the 1/1 loop's prologue and
 * epilogue (twelve registers saved and restored) were paid by every call, the calls that
 * tail-call another loop included. */
ink_error ink_jpeg_decode_mcus(jpeg_state *state, jpeg_mcu_block *blocks, unsigned nblocks,
                               uint32_t nmcus, ink_error_info *info)
{
    jpeg_block_mode mode = (jpeg_block_mode)blocks[0].mode;
    unsigned block_log2 = blocks[0].block_log2;
#if JPEG_BITS_WIDE
    if (mode == JPEG_BLOCK_FULL && block_log2 < 3)
        return decode_mcus_reduced(state, blocks, nblocks, nmcus, info);
#else
    if (mode == JPEG_BLOCK_FULL && block_log2 < 3)
        return block_log2 == 2 ? decode_mcus_reduced(state, blocks, nblocks, nmcus, info)
                               : decode_mcus_quarter(state, blocks, nblocks, nmcus, info);
#endif
    if (mode == JPEG_BLOCK_DC)
        return decode_mcus_dc(state, blocks, nblocks, nmcus, info);
    return decode_mcus_full(state, blocks, nblocks, nmcus, info);
}

ink_error ink_jpeg_process_restart(jpeg_state *state, ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    if (bits->io_error != INK_OK)
        return ink_error_set(info, bits->io_error, "JPEG: reading the input failed");
    if (ink_jpeg_bits_overrun(bits))
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "JPEG data truncated or corrupt before restart marker RST%u",
                             state->next_restart);
    int32_t marker = bits->marker;
    if (marker == 0) {
        /* The reader stopped short of the marker: what follows must be FF (FF..) Dn. */
        uint8_t byte;
        ink_error error = ink_jpeg_input_byte(&state->input, &byte, "a restart marker", info);
        if (error != INK_OK)
            return error;
        if (byte != 0xFF)
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "JPEG restart marker RST%u missing (data byte 0x%x)",
                                 state->next_restart, byte);
        do {
            error = ink_jpeg_input_byte(&state->input, &byte, "a restart marker", info);
            if (error != INK_OK)
                return error;
        } while (byte == 0xFF);
        marker = byte;
    }
    if (marker < 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG truncated before restart marker RST%u",
                             state->next_restart);
    if (marker != 0xD0 + state->next_restart)
        return ink_error_set(info, INK_ERR_BAD_DATA,
                             "JPEG expected restart marker RST%u, found marker 0xFF%x",
                             state->next_restart, (unsigned)marker);
    ink_jpeg_bits_reset(bits);
    state->next_restart = (uint8_t)((state->next_restart + 1u) & 7u);
    state->restarts_left = state->frame.restart_interval;
    for (unsigned i = 0; i < state->frame.ncomponents; i++)
        state->frame.components[i].dc_predictor = 0;
    return INK_OK;
}
