/*
 * jpeg_huffman.c — Huffman tables, the bit reader and block entropy decoding (T.81 F.2.2).
 *
 * Decoding a symbol looks at the next JPEG_FAST_BITS bits: a lookahead table gives the symbol and
 * code length of every code that short (nearly all of them in real files). Longer codes, and
 * tables that got no lookahead slot, go through the canonical maxcode walk.
 *
 * The bit buffer is a machine word kept in locals inside the block decoder; it is refilled a byte
 * at a time, un-stuffing FF 00. When a marker or the end of input stops the data, zeros are fed
 * and counted, so reading past real data is detected (ink_jpeg_bits_overrun) rather than
 * decoded as garbage. Chroma blocks (and AC values at 1/8 scale) are decoded in "skip" mode: the
 * symbols are decoded and the value bits dropped, never dequantised.
 */
#include <string.h>

#include "decode/jpeg_internal.h"

const uint8_t ink_jpeg_zigzag[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

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
    }
}

static inline jpeg_entropy_table entropy_table(const jpeg_state *state, unsigned slot)
{
    const jpeg_huffman_table *table = &state->huffman[slot];
    jpeg_entropy_table out;
    out.canonical = table;
    if (table->fast_slot < JPEG_FAST_SLOTS) {
        out.fast = state->fast[table->fast_slot];
        out.fast_mask = (1u << JPEG_FAST_BITS) - 1u;
    } else {
        out.fast = state->no_fast;
        out.fast_mask = 0;
    }
    return out;
}

void ink_jpeg_prepare_scan_tables(jpeg_state *state)
{
    jpeg_scan *scan = &state->scan;
    unsigned next_fast = 0;
    for (unsigned slot = 0; slot < JPEG_HUFFMAN_SLOTS; slot++)
        state->huffman[slot].fast_slot = JPEG_FAST_SLOTS;
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
    /* Fast path: plain data bytes already in the buffer (no FF, no end in sight). */
    if (bits->marker == 0) {
        const uint8_t *next = input->next, *end = input->end;
        while (count <= JPEG_BITBUF_BITS - 8 && next < end && *next != 0xFF) {
            buffer = (buffer << 8) | *next++;
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
 * symbol, or -1 for a code the table does not have. */
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

/* Sign extension of an s-bit JPEG magnitude (T.81 F.2.2.1 EXTEND). */
static inline int32_t extend(uint32_t value, uint32_t size)
{
    return (int32_t)value - (int32_t)(((value >> (size - 1u)) ^ 1u) * ((1u << size) - 1u));
}

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

ink_error ink_jpeg_decode_block(jpeg_state *state, unsigned scan_index, jpeg_block_mode mode,
                                uint32_t *flags, ink_error_info *info)
{
    jpeg_bits *bits = &state->bits;
    const jpeg_scan *scan = &state->scan;
    jpeg_component *component = &state->frame.components[scan->component_index[scan_index]];
    const jpeg_entropy_table dc_table = entropy_table(state, component->dc_table);
    const jpeg_entropy_table ac_table = entropy_table(state, component->ac_table);
    const jpeg_entropy_table *dc = &dc_table, *ac = &ac_table;
    jpeg_bitbuf buffer = bits->buffer;
    int32_t count = bits->count;
    uint32_t symbol, size;

    /* DC: a category (0..11) then that many bits of difference. */
    ENSURE(JPEG_BITS_WIDE ? 27 : 16);
    DECODE(dc, symbol);
    size = symbol;
    if (size != 0) {
        if (!JPEG_BITS_WIDE)
            ENSURE(size);
        int32_t predictor = component->dc_predictor + extend(PEEK(size), size);
        count -= (int32_t)size;
        if (predictor > 32767 || predictor < -32768)
            return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG DC coefficient out of range");
        component->dc_predictor = predictor;
    }
    const uint16_t *quant = state->quant[component->quant_index];
    int32_t *coefficients = state->coefficients;
    if (mode != JPEG_BLOCK_SKIP) {
        int32_t value = component->dc_predictor * (int32_t)quant[0];
        if ((uint32_t)(value + 1024) > 2048u) {
            *flags |= JPEG_FLAG_BIG;
            value = value < -2048 ? -2048 : value > 2048 ? 2048 : value;
        }
        coefficients[0] = value;
    }

    /* AC: (run, size) symbols; size 0 with run 15 skips 16 zeros, with run 0 ends the block. */
    if (mode == JPEG_BLOCK_FULL) {
        uint32_t block_flags = 0;
        for (uint32_t k = 1; k < 64; k++) {
            ENSURE(JPEG_BITS_WIDE ? 26 : 16);
            DECODE(ac, symbol);
            size = symbol & 15u;
            if (size == 0) {
                if (symbol != 0xF0)
                    break;
                k += 15;
                continue;
            }
            k += symbol >> 4;
            if (k > 63 || size > 10)
                goto bad_coefficient;
            if (!JPEG_BITS_WIDE)
                ENSURE(size);
            int32_t value = extend(PEEK(size), size) * (int32_t)quant[k];
            count -= (int32_t)size;
            block_flags |= JPEG_FLAG_AC;
            if ((uint32_t)(value + 1024) > 2048u) {
                block_flags |= JPEG_FLAG_BIG;
                value = value < -2048 ? -2048 : value > 2048 ? 2048 : value;
            }
            coefficients[ink_jpeg_zigzag[k]] = value;
        }
        *flags |= block_flags;
    } else {
        for (uint32_t k = 1; k < 64; k++) {
            ENSURE(JPEG_BITS_WIDE ? 26 : 16);
            DECODE(ac, symbol);
            size = symbol & 15u;
            if (size == 0) {
                if (symbol != 0xF0)
                    break;
                k += 15;
                continue;
            }
            k += symbol >> 4;
            if (k > 63 || size > 10)
                goto bad_coefficient;
            if (!JPEG_BITS_WIDE)
                ENSURE(size);
            count -= (int32_t)size;
        }
    }
    bits->buffer = buffer;
    bits->count = count;
    return INK_OK;

bad_code:
    bits->buffer = buffer;
    bits->count = count;
    if (ink_jpeg_bits_overrun(bits) || bits->marker != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG data truncated or corrupt");
    return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG data has an invalid Huffman code");
bad_coefficient:
    bits->buffer = buffer;
    bits->count = count;
    return ink_error_set(info, INK_ERR_BAD_DATA,
                         "JPEG block has a coefficient past position 63 or of size %u", size);
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
