/*
 * jpeg_progressive_huffman.c — progressive block decoding (T.81 G.1.2): DC first and refinement,
 * AC first and refinement with end-of-band runs, on the shared bit reader (jpeg_huffman.c's
 * ink_jpeg_bits_fill, which un-stuffs FF 00 and feeds counted zeros past the data).
 *
 * Each call decodes one block and keeps only what the band stores: the kept coefficients (by
 * `keep_slot`) and the 64-bit "already nonzero" mask indexed by zigzag position. Coefficients that
 * are not kept still have their symbols, value bits and correction bits read, so the bitstream
 * stays in step; the mask alone tells a refinement scan which positions already have history.
 *
 * Hostile data: sizes are bounded, positions are checked against Se before any store, every
 * value is computed in int32 and clamped to int16 when stored; nothing indexes past the block.
 */
#include <string.h>

#include "decode/jpeg_progressive.h"

void ink_jpeg_prog_build_fast(const jpeg_huffman_table *table, uint16_t *fast)
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

/* The canonical walk for codes the lookahead does not cover (needs count >= 16). */
static int32_t decode_slow(const jpeg_huffman_table *table, jpeg_bitbuf buffer, int32_t *count)
{
    uint32_t bits16 = (uint32_t)(buffer >> (*count - 16)) & 0xFFFFu;
    for (unsigned l = 0; l < 16; l++) {
        uint32_t code = bits16 >> (15 - l);
        if (code < table->maxcode_plus1[l]) {
            *count -= (int32_t)(l + 1);
            return table->values[table->value_index[l] + code - table->mincode[l]];
        }
    }
    return -1;
}

static inline int32_t extend(uint32_t value, uint32_t size)
{
    return (int32_t)value - (int32_t)(((value >> (size - 1u)) ^ 1u) * ((1u << size) - 1u));
}

static inline int16_t clamp16(int32_t value)
{
    return (int16_t)(value < -32767 ? -32767 : value > 32767 ? 32767 : value);
}

/* Local copies of the bit buffer, as in jpeg_huffman.c. PEEK(0) is never used. */
#define PEEK(n) ((uint32_t)(buffer >> (count - (int32_t)(n))) & ((1u << (n)) - 1u))
#define ENSURE(n)                                                                                 \
    do {                                                                                          \
        if (count < (int32_t)(n)) {                                                               \
            bits->buffer = buffer;                                                                \
            bits->count = count;                                                                  \
            ink_jpeg_bits_fill(bits, &state->input);                                              \
            buffer = bits->buffer;                                                                \
            count = bits->count;                                                                  \
        }                                                                                         \
    } while (0)
#define DECODE(table, symbol)                                                                     \
    do {                                                                                          \
        uint32_t entry_ = (table)->fast[PEEK(JPEG_FAST_BITS) & (table)->fast_mask];               \
        if (entry_ != 0) {                                                                        \
            count -= (int32_t)(entry_ & 15u);                                                     \
            symbol = entry_ >> 8;                                                                 \
        } else {                                                                                  \
            int32_t slow_ = decode_slow((table)->canonical, buffer, &count);                      \
            if (slow_ < 0)                                                                        \
                goto bad_code;                                                                    \
            symbol = (uint32_t)slow_;                                                             \
        }                                                                                         \
    } while (0)
/* Reads n (1..16) bits after ENSURE. */
#define RECEIVE(n, out)                                                                           \
    do {                                                                                          \
        ENSURE(n);                                                                                \
        (out) = PEEK(n);                                                                          \
        count -= (int32_t)(n);                                                                    \
    } while (0)
#define SAVE()                                                                                    \
    do {                                                                                          \
        bits->buffer = buffer;                                                                    \
        bits->count = count;                                                                      \
    } while (0)
/* Enough for a code (16) and its value bits (up to 15) without another fill on a 64-bit host. */
#define SYMBOL_BITS (JPEG_BITS_WIDE ? 32 : 16)

static ink_error bad_code_error(jpeg_bits *bits, ink_error_info *info)
{
    if (ink_jpeg_bits_overrun(bits) || bits->marker != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG progressive data truncated or corrupt");
    return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG progressive data has an invalid Huffman code");
}

ink_error ink_jpeg_prog_dc_first(jpeg_state *state, const jpeg_entropy_table *dc,
                                 int32_t *predictor, unsigned al, int16_t *coefficients,
                                 ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    uint32_t size, raw;
    ENSURE(SYMBOL_BITS);
    DECODE(dc, size);
    if (size > 11) {
        SAVE();
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC difference of size %u", size);
    }
    int32_t diff = 0;
    if (size != 0) {
        RECEIVE(size, raw);
        diff = extend(raw, size);
    }
    SAVE();
    if (coefficients) {
        int32_t value = *predictor + diff;
        if (value > 32767 || value < -32768)
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC coefficient out of range");
        *predictor = value;
        coefficients[0] = clamp16(value * (1 << al));
    }
    return INK_OK;
bad_code:
    SAVE();
    return bad_code_error(bits, info);
}

ink_error ink_jpeg_prog_dc_refine(jpeg_state *state, unsigned al, int16_t *coefficients,
                                  ink_error_info *info)
{
    (void)info;
    jpeg_bits *bits = &state->bits;
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    uint32_t bit;
    RECEIVE(1, bit);
    SAVE();
    if (coefficients && bit)
        coefficients[0] = (int16_t)(uint16_t)((uint16_t)coefficients[0] | (uint16_t)(1u << al));
    return INK_OK;
}

ink_error ink_jpeg_prog_ac_first(jpeg_state *state, const jpeg_entropy_table *ac,
                                 const jpeg_prog_block_params *params, uint32_t *eobrun,
                                 uint64_t *mask, int16_t *coefficients, ink_error_info *info)
{
    if (*eobrun > 0) {
        (*eobrun)--;
        return INK_OK;
    }
    jpeg_bits *bits = &state->bits;
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    const unsigned se = params->se, al = params->al;
    const uint8_t *keep = params->keep_slot;
    uint64_t nonzero = *mask;
    uint32_t symbol, raw;
    for (unsigned k = params->ss; k <= se; k++) {
        ENSURE(SYMBOL_BITS);
        DECODE(ac, symbol);
        unsigned run = symbol >> 4, size = symbol & 15u;
        if (size == 0) {
            if (run == 15) {
                k += 15;
                continue;
            }
            uint32_t length = 1u << run;
            if (run != 0) {
                RECEIVE(run, raw);
                length += raw;
            }
            *eobrun = length - 1u;
            break;
        }
        k += run;
        if (k > se) {
            SAVE();
            return ink_error_set(info, INK_ERR_BAD_DATA,
                                 "JPEG progressive AC coefficient at position %u past the scan's "
                                 "end %u",
                                 k, se);
        }
        RECEIVE(size, raw);
        nonzero |= (uint64_t)1 << k;
        if (keep[k] != JPEG_PROG_DROP)
            coefficients[keep[k]] = clamp16(extend(raw, size) * (1 << al));
    }
    SAVE();
    *mask = nonzero;
    return INK_OK;
bad_code:
    SAVE();
    *mask = nonzero;
    return bad_code_error(bits, info);
}

/* Appends a correction bit to the (already nonzero) coefficient at zigzag `k`. */
static inline void correct(int16_t *coefficients, const uint8_t *keep, unsigned k, int32_t p1)
{
    if (keep[k] == JPEG_PROG_DROP)
        return;
    int32_t value = coefficients[keep[k]];
    if ((value & p1) == 0)
        coefficients[keep[k]] = clamp16(value >= 0 ? value + p1 : value - p1);
}

ink_error ink_jpeg_prog_ac_refine(jpeg_state *state, const jpeg_entropy_table *ac,
                                  const jpeg_prog_block_params *params, uint32_t *eobrun,
                                  uint64_t *mask, int16_t *coefficients, ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    const unsigned se = params->se;
    const int32_t p1 = 1 << params->al;
    const uint8_t *keep = params->keep_slot;
    uint64_t nonzero = *mask;
    uint32_t symbol, raw;
    unsigned k = params->ss;
    if (*eobrun == 0) {
        for (; k <= se; k++) {
            ENSURE(SYMBOL_BITS);
            DECODE(ac, symbol);
            unsigned run = symbol >> 4, size = symbol & 15u;
            int32_t value = 0;
            if (size != 0) {
                if (size != 1) {
                    SAVE();
                    *mask = nonzero;
                    return ink_error_set(info, INK_ERR_BAD_DATA,
                                         "JPEG AC refinement with a coefficient of size %u", size);
                }
                RECEIVE(1, raw);
                value = raw ? p1 : -p1;
            } else if (run != 15) {
                uint32_t length = 1u << run;
                if (run != 0) {
                    RECEIVE(run, raw);
                    length += raw;
                }
                *eobrun = length;
                break; /* the rest of this block is refined below */
            }
            /* Skip `run` zero-history positions, refining the nonzero ones on the way. */
            for (; k <= se; k++) {
                if (nonzero & ((uint64_t)1 << k)) {
                    RECEIVE(1, raw);
                    if (raw)
                        correct(coefficients, keep, k, p1);
                } else {
                    if (run == 0)
                        break;
                    run--;
                }
            }
            if (value != 0) {
                if (k > se) {
                    SAVE();
                    *mask = nonzero;
                    return ink_error_set(info, INK_ERR_BAD_DATA,
                                         "JPEG AC refinement places a coefficient past the "
                                         "scan's end %u",
                                         se);
                }
                nonzero |= (uint64_t)1 << k;
                if (keep[k] != JPEG_PROG_DROP)
                    coefficients[keep[k]] = (int16_t)value;
            }
        }
    }
    if (*eobrun > 0) {
        /* Inside an end-of-band run only positions with history get a correction bit: visit
         * the mask's set bits in k..Se rather than every position. */
        if (k <= se) {
            uint64_t upto = se == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (se + 1u)) - 1u;
            uint64_t todo = nonzero & upto & ~(((uint64_t)1 << k) - 1u);
            while (todo != 0) {
                unsigned j = (unsigned)__builtin_ctzll(todo);
                todo &= todo - 1u;
                RECEIVE(1, raw);
                if (raw)
                    correct(coefficients, keep, j, p1);
            }
        }
        (*eobrun)--;
    }
    SAVE();
    *mask = nonzero;
    return INK_OK;
bad_code:
    SAVE();
    *mask = nonzero;
    return bad_code_error(bits, info);
}
