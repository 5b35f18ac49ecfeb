/*
 * inflate.c — RFC 1951 inflate (and the RFC 1950 zlib wrapper) as a resumable state machine.
 *
 * Layout of the work:
 *   - A checked, byte-at-a-time state machine (ink_inflate_run) that can stop anywhere: before
 *     any bit, inside a match, inside a stored block, inside the table description.
 *   - A fast loop (inflate_fast) entered from the state machine at the start of a literal/length
 *     symbol when at least FAST_IN_MARGIN input bytes and FAST_OUT_MARGIN output bytes remain.
 *     It refills the bit buffer a machine word at a time, never checks for the input's end
 *     inside a symbol, checks the output's end once per match (a match too long for the space
 *     left is handed to the state machine), and copies matches a word at a time, never
 *     writing past a match's end.
 *
 * Output goes straight into the caller's buffer; the 32 KB window is a ring that only holds
 * history from earlier calls. A match whose distance reaches before this call's output takes
 * its first bytes from the ring. At the end of every call the ring is updated with the newest
 * output (at most 32 KB of it), the Adler-32 is advanced (zlib format) and the bit buffer is
 * saved in the state. A caller may also hand over the ring itself, from its write position to
 * its end, as the output (ink_inflate_window_space): the output is then history already, the
 * copy is skipped, and the history below the write position is in one piece with the output,
 * so that matches reaching there are copied as if within this call's output.
 *
 * Decoding tables: one 32-bit entry per table slot (see ENTRY_* below). Root tables are indexed
 * by the next LITLEN_ROOT_BITS / DIST_ROOT_BITS bits of input; longer codes go through a
 * subtable named by a link entry. The worst-case sizes (1334 and 402 entries) are those of
 * zlib's `enough` program for 288 symbols, root 10, max 15 and 32 symbols, root 8, max 15,
 * with the subtable sizing rule used in build_table().
 *
 * Acceptance follows zlib 1.2.x inflate exactly: an incomplete literal/length or distance code
 * is accepted only when it is a single code of one bit; a code with no symbols at all is
 * accepted (every use of it is an invalid code); distances are checked against the history
 * actually present (not against the zlib header's window size, as zlib does by default).
 */
#include "decode/inflate.h"

#include <string.h>

#define LITLEN_ROOT_BITS 10u
#define DIST_ROOT_BITS 8u
#define CODELEN_ROOT_BITS 7u
#define LITLEN_ENOUGH 1334u
#define DIST_ENOUGH 402u
#define MAX_CODE_BITS 15u
#define WINDOW_MASK (INK_INFLATE_WINDOW_BYTES - 1u)

/*
 * A table entry:
 *   bits  0..3   code length in bits at this level (a link entry: the root bits; a pair: both
 *                codes)
 *   bits  4..7   extra bits of a length/distance base, or the subtable's index bits of a link;
 *                zero in a literal or a pair
 *   bits  8..15  kind flags (ENTRY_*); a pair: ENTRY_LITERAL_PAIR and, in bits 12..15, the first
 *                code's length (a pair is tested for before any other flag)
 *   bits 16..31  literal byte, length/distance base, code-length symbol, or subtable offset; a
 *                pair: the first literal in bits 16..23, the second in 24..31
 * A pair (ENTRY_LITERAL_PAIR, root literal/length table only) is two literals whose codes
 * together fit the root bits: one lookup decodes both (pair_literals). With bits 4..7 zero, a
 * root literal's or pair's entry is its own shift count in the fast loop (DROP_LITERALS).
 */
#define ENTRY_LITERAL 0x100u
#define ENTRY_LITERAL_PAIR 0x200u
#define ENTRY_LITERALS (ENTRY_LITERAL | ENTRY_LITERAL_PAIR)
#define ENTRY_BASE 0x400u
#define ENTRY_END 0x800u
#define ENTRY_LINK 0x1000u
#define ENTRY_INVALID 0x2000u
#define ENTRY_NBITS(e) ((e) & 0xFu)
#define ENTRY_EXTRA(e) (((e) >> 4) & 0xFu)
#define ENTRY_VALUE(e) ((e) >> 16)
#define ENTRY_PAIR_FIRST_NBITS(e) (((e) >> 12) & 0xFu)

/* The bit buffer is a machine word: 64 bits on hosts, 32 on the RV32 board (and in the host
 * tests that define INK_INFLATE_BITBUF_WIDE 0 to run the board's form). */
#ifndef INK_INFLATE_BITBUF_WIDE
#define INK_INFLATE_BITBUF_WIDE (UINTPTR_MAX > 0xFFFFFFFFu)
#endif
#if INK_INFLATE_BITBUF_WIDE
typedef uint64_t bitbuf_t;
#define BITBUF_WIDE 1
#else
typedef uint32_t bitbuf_t;
#define BITBUF_WIDE 0
#endif
#define BITBUF_BITS (8u * (unsigned)sizeof(bitbuf_t))

/* The fast loop needs this much input (word loads past the symbol) and output (the literals of
 * one step: up to three, each of which may be a pair, on wide buffers; a match checks its own
 * room, its length: copy_match writes no byte beyond it). */
#define FAST_IN_MARGIN INK_INFLATE_INPUT_TAIL_BYTES
#define FAST_OUT_MARGIN 8u

enum mode {
    MODE_ZLIB_HEADER,
    MODE_DICTIONARY_ID,
    MODE_BLOCK_HEADER,
    MODE_STORED_HEADER,
    MODE_STORED_COPY,
    MODE_TABLE_COUNTS,
    MODE_CODELEN_LENS,
    MODE_CODE_LENS,
    MODE_CODE_LENS_REPEAT,
    MODE_LITLEN,
    MODE_LITERAL,
    MODE_LENGTH_EXTRA,
    MODE_DIST,
    MODE_DIST_EXTRA,
    MODE_MATCH,
    MODE_TRAILER,
    MODE_DONE,
    MODE_FAILED
};

enum table_kind { TABLE_CODELEN, TABLE_LITLEN, TABLE_DIST };

/* Most root slots a second literal of a pair is looked up in: 2^(LITLEN_ROOT_BITS - 1). */
#define PAIR_SECONDS_MAX (1u << (LITLEN_ROOT_BITS - 1u))

struct ink_inflate {
    uint32_t litlen_table[LITLEN_ENOUGH];
    union {
        struct {
            /* Holds the code-length code while the lengths of a dynamic block are read. */
            uint32_t dist_table[DIST_ENOUGH];
            uint16_t sorted_symbols[288];
        };
        /* pair_literals' work area, between the literal/length and the distance tables. */
        uint32_t pair_seconds[PAIR_SECONDS_MAX];
    };
    uint8_t lens[288 + 32];
    uint8_t codelen_lens[19];
    bool final_block;
    bool tables_fixed;
    bool litlen_pairs; /* the literal/length table holds pairs */
    uint8_t format;
    uint8_t mode;
    uint8_t *window;
    uint32_t window_have;
    uint32_t window_next;
    bitbuf_t bitbuf;
    uint32_t bitsleft;
    uint32_t nlen, ndist, nclen, have; /* reading a dynamic block's code lengths */
    uint32_t repeat_symbol;
    uint32_t length, distance, extra; /* the match being decoded or copied */
    uint32_t stored_remaining;
    uint32_t adler;
    uint32_t trailer_value, trailer_have;
    uint64_t total_out;
    ink_error failed_code;
    const char *failed_detail; /* a static string */
};

_Static_assert(sizeof(struct ink_inflate) <= 8192u, "inflate state must fit in SCRATCH");
_Static_assert((INK_INFLATE_WINDOW_BYTES & WINDOW_MASK) == 0, "window is a power of two");

const size_t INK_INFLATE_STATE_BYTES = sizeof(struct ink_inflate);

/* RFC 1951 section 3.2.5. */
static const uint16_t length_base[29] = {3,  4,  5,  6,  7,  8,  9,  10,  11,  13,
                                         15, 17, 19, 23, 27, 31, 35, 43,  51,  59,
                                         67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                         2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                       33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
                                       24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* The order in which code-length code lengths are sent (RFC 1951 section 3.2.7). */
static const uint8_t codelen_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};

static uint32_t symbol_entry(enum table_kind kind, unsigned symbol)
{
    if (kind == TABLE_CODELEN)
        return ENTRY_LITERAL | ((uint32_t)symbol << 16);
    if (kind == TABLE_LITLEN) {
        if (symbol < 256)
            return ENTRY_LITERAL | ((uint32_t)symbol << 16);
        if (symbol == 256)
            return ENTRY_END;
        if (symbol < 286) {
            unsigned i = symbol - 257;
            return ENTRY_BASE | ((uint32_t)length_extra[i] << 4) |
                   ((uint32_t)length_base[i] << 16);
        }
        return ENTRY_INVALID; /* 286 and 287 exist in the fixed code but are never valid */
    }
    if (symbol < 30)
        return ENTRY_BASE | ((uint32_t)dist_extra[symbol] << 4) |
               ((uint32_t)dist_base[symbol] << 16);
    return ENTRY_INVALID; /* distance symbols 30 and 31 of the fixed code */
}

enum build_result { BUILD_OK, BUILD_OVERSUBSCRIBED, BUILD_INCOMPLETE, BUILD_OVERFLOW };

/*
 * Builds the decoding table of the canonical code with `lens[0..nsymbols)` into `table`
 * (`capacity` entries, root table first). Codes are stored bit-reversed because deflate sends
 * Huffman codes most significant bit first into an LSB-first bit stream. With
 * `literal_count`, the literal/length code's symbols 0..255 are counted there by length first
 * (for pair_literals), at no extra cost per symbol.
 */
static enum build_result build_table(uint32_t *table, unsigned capacity, unsigned root_bits,
                                     const uint8_t *lens, unsigned nsymbols,
                                     enum table_kind kind, uint16_t *sorted,
                                     unsigned literal_count[MAX_CODE_BITS + 1])
{
    unsigned count[MAX_CODE_BITS + 1] = {0};
    unsigned offset[MAX_CODE_BITS + 2];
    unsigned next = 0;
    if (literal_count) {
        memset(literal_count, 0, (MAX_CODE_BITS + 1) * sizeof literal_count[0]);
        for (; next < 256 && next < nsymbols; next++)
            literal_count[lens[next]]++;
        for (unsigned len = 1; len <= MAX_CODE_BITS; len++)
            count[len] = literal_count[len];
    }
    for (; next < nsymbols; next++)
        count[lens[next]]++;
    count[0] = 0;
    unsigned max_len = MAX_CODE_BITS;
    while (max_len > 0 && count[max_len] == 0)
        max_len--;

    /* Unused slots decode as invalid codes of one bit: they exist only for a code with no
     * symbols, or a single one-bit code (the only incomplete codes accepted). The code-length
     * code with no symbols decodes every slot as length 0, as zlib's does. */
    uint32_t filler = kind == TABLE_CODELEN ? (ENTRY_LITERAL | 1u) : (ENTRY_INVALID | 1u);
    unsigned root_size = 1u << root_bits;
    int left = 1;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++) {
        left <<= 1;
        left -= (int)count[len];
        if (left < 0)
            return BUILD_OVERSUBSCRIBED;
    }
    if (max_len != 0 && left > 0 && (kind == TABLE_CODELEN || max_len != 1))
        return BUILD_INCOMPLETE;
    /* A complete code writes every root slot below; only the others need the filler. */
    if (left > 0)
        for (unsigned i = 0; i < root_size; i++)
            table[i] = filler;
    if (max_len == 0)
        return BUILD_OK;

    offset[1] = 0;
    for (unsigned len = 1; len <= MAX_CODE_BITS; len++)
        offset[len + 1] = offset[len] + count[len];
    for (unsigned s = 0; s < nsymbols; s++)
        if (lens[s] != 0)
            sorted[offset[lens[s]]++] = (uint16_t)s;

    /* Walk the codes in canonical order. `code` is the current code bit-reversed, so that it
     * is directly the table index; it is incremented in reversed bit order. */
    unsigned code = 0;
    unsigned root_mask = root_size - 1;
    unsigned next_free = root_size;
    unsigned sub_start = 0, sub_bits = 0;
    unsigned current_prefix = ~0u;
    unsigned len = 1;
    /* analyzer-ok: -fanalyzer -O2 calls offset[16] uninitialized; the loop above writes
     * offset[2..16] (len + 1 for len = 1..15). */
    unsigned total = offset[MAX_CODE_BITS + 1];
    for (unsigned i = 0; i < total; i++) {
        unsigned symbol = sorted[i];
        while (count[len] == 0)
            len++;
        uint32_t entry = symbol_entry(kind, symbol);
        if (len <= root_bits) {
            for (unsigned slot = code; slot < root_size; slot += 1u << len)
                table[slot] = entry | len;
        } else {
            unsigned prefix = code & root_mask;
            if (prefix != current_prefix) {
                /* A new subtable: as many index bits as the remaining codes of this prefix
                 * need, so that it is filled completely. */
                sub_bits = len - root_bits;
                int room = 1 << sub_bits;
                while (sub_bits + root_bits < max_len) {
                    room -= (int)count[sub_bits + root_bits];
                    if (room <= 0)
                        break;
                    sub_bits++;
                    room <<= 1;
                }
                if (next_free + (1u << sub_bits) > capacity)
                    return BUILD_OVERFLOW;
                sub_start = next_free;
                next_free += 1u << sub_bits;
                current_prefix = prefix;
                table[prefix] = ENTRY_LINK | ((uint32_t)sub_start << 16) |
                                ((uint32_t)sub_bits << 4) | root_bits;
            }
            unsigned sub_len = len - root_bits;
            for (unsigned slot = code >> root_bits; slot < (1u << sub_bits); slot += 1u << sub_len)
                table[sub_start + slot] = entry | sub_len;
        }
        count[len]--;
        /* Next code of the same length, bit-reversed: add one at bit len-1 going down. */
        unsigned increment = 1u << (len - 1);
        while (code & increment)
            increment >>= 1;
        if (increment != 0) {
            code &= increment - 1;
            code += increment;
        } else {
            code = 0;
        }
    }
    return BUILD_OK;
}

/*
 * Turns the root entries of the literal/length table whose literal code leaves room, within the
 * root bits, for a whole second literal code into pairs. The second code starts right after the
 * first: in the slot c1 + (k << len1) of a first code c1 of len1 bits, the second is the single
 * entry at root slot k (the bits above the index's top read as zeros there, and a code of at
 * most ROOT - len1 bits does not reach them). Only first codes of at most ROOT - (the shortest
 * literal code) bits can start a pair, so k stays under 2^(ROOT - shortest).
 *
 * Per first code rather than per slot: `seconds[k]` is what slot k adds to a pair (its literal
 * in bits 24..31 and its length, or a length of 15, too long for any pair, when it is no
 * literal), so filling a first code's slots is a load, a length test, an add and a store each.
 *
 * Worth it only when pairs are frequent: the table is changed only if the code lengths say that
 * at least half of the root lookups would decode a pair (PNG filter residuals of smooth images:
 * about 0.9; photos' residuals and deflated images: 0, no literal code under 6 bits; XHTML:
 * 0.1-0.2). Below that, the slot visits of small blocks (XHTML files) and the pair tests in
 * the fast loop cost more than the pairs save (RV32, docs/INFLATE_ZIP.md). The fast loop has a
 * variant without pair tests for tables without pairs.
 */
#define PAIR_MIN_SHARE (1u << 19) /* of 2^20 */
static bool pair_literals(uint32_t *table, const unsigned literal_count[MAX_CODE_BITS + 1],
                          uint32_t seconds[PAIR_SECONDS_MAX])
{
    /* slots[l]: root slots taken by literals of l bits; below[l]: by literals of at most l. */
    uint32_t slots[LITLEN_ROOT_BITS + 1], below[LITLEN_ROOT_BITS + 1];
    slots[0] = 0;
    for (unsigned l = 1; l <= LITLEN_ROOT_BITS; l++)
        slots[l] = literal_count[l] << (LITLEN_ROOT_BITS - l);
    unsigned shortest = 1;
    while (shortest <= LITLEN_ROOT_BITS && slots[shortest] == 0)
        shortest++;
    below[0] = 0;
    for (unsigned l = 1; l <= LITLEN_ROOT_BITS; l++)
        below[l] = below[l - 1] + slots[l];
    /* The share of root slots that would hold a pair, times 2^20: the chance, as the code
     * lengths tell it, that a lookup decodes two literals. */
    uint32_t pair_share = 0;
    for (unsigned l = shortest; 2 * l <= LITLEN_ROOT_BITS + l - shortest; l++)
        pair_share += slots[l] * below[LITLEN_ROOT_BITS - l];
    if (pair_share < PAIR_MIN_SHARE)
        return false;
    const unsigned longest_first = LITLEN_ROOT_BITS - shortest;
    const unsigned nseconds = 1u << longest_first; /* at most PAIR_SECONDS_MAX: shortest >= 1 */
    for (unsigned k = 0; k < nseconds; k++) {
        uint32_t second = table[k];
        seconds[k] = (second & ENTRY_LITERAL) ? ((second << 8) & 0xFF000000u) | ENTRY_NBITS(second)
                                              : 0xFu;
    }
    /* A first code's lowest slot is c1 itself, below 2^len1. A share above zero means that
     * some pair fits: the table holds pairs once this loop is done. */
    for (unsigned c1 = 0; c1 < nseconds; c1++) {
        uint32_t first = table[c1];
        unsigned len1 = ENTRY_NBITS(first);
        if (!(first & ENTRY_LITERAL) || len1 > longest_first || c1 >> len1 != 0)
            continue;
        const uint32_t base = ENTRY_LITERAL_PAIR | (first & 0x00FF0000u) | (len1 << 12) | len1;
        const unsigned room = LITLEN_ROOT_BITS - len1, count = 1u << room;
        uint32_t *slot = table + c1;
        for (unsigned k = 0; k < count; k++, slot += 1u << len1) {
            uint32_t part = seconds[k];
            if ((part & 0xFu) <= room)
                *slot = base + part;
        }
    }
    return true;
}

static void build_fixed_tables(ink_inflate *s)
{
    unsigned i = 0;
    for (; i < 144; i++)
        s->lens[i] = 8;
    for (; i < 256; i++)
        s->lens[i] = 9;
    for (; i < 280; i++)
        s->lens[i] = 7;
    for (; i < 288; i++)
        s->lens[i] = 8;
    for (i = 0; i < 32; i++)
        s->lens[288 + i] = 5;
    (void)build_table(s->litlen_table, LITLEN_ENOUGH, LITLEN_ROOT_BITS, s->lens, 288,
                      TABLE_LITLEN, s->sorted_symbols, NULL);
    (void)build_table(s->dist_table, DIST_ENOUGH, DIST_ROOT_BITS, s->lens + 288, 32, TABLE_DIST,
                      s->sorted_symbols, NULL);
    s->tables_fixed = true;
    s->litlen_pairs = false;
}

/* Looks up the symbol at the bottom of `bitbuf`, following a link; `*nbits` receives the whole
 * code length. Bits above what is buffered read as zeros, so the caller compares `*nbits` with
 * the bits it has and fetches more when the code is longer. */
static uint32_t table_lookup(const uint32_t *table, unsigned root_bits, bitbuf_t bitbuf,
                             unsigned *nbits)
{
    uint32_t entry = table[bitbuf & ((1u << root_bits) - 1)];
    if ((entry & (ENTRY_LINK | ENTRY_LITERAL_PAIR)) == ENTRY_LINK) { /* a pair's bit 12 is not */
        unsigned sub_mask = (1u << ENTRY_EXTRA(entry)) - 1;
        entry = table[ENTRY_VALUE(entry) + ((unsigned)(bitbuf >> root_bits) & sub_mask)];
        *nbits = root_bits + ENTRY_NBITS(entry);
    } else {
        *nbits = ENTRY_NBITS(entry);
    }
    return entry;
}

/* A word that may alias the output bytes (GCC and Clang), for adler32_block. */
typedef uint32_t __attribute__((may_alias)) aliased_word;

/* 5552 is the most bytes before b can overflow 32 bits (RFC 1950's NMAX). */
#define ADLER_NMAX 5552u
/* Words per block (adler32_block): B's 16-bit lanes reach 255 * N(N+1)/2, under 2^16. */
#define ADLER_BLOCK_WORDS 22u

static void adler32_bytes(uint32_t *a, uint32_t *b, const uint8_t *data, size_t nbytes)
{
    uint32_t sum_a = *a, sum_b = *b;
    while (nbytes--) {
        sum_a += *data++;
        sum_b += sum_a;
    }
    *a = sum_a;
    *b = sum_b;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * Aligned words, ADLER_BLOCK_WORDS at most, added to the sums without a reduction, the same
 * integers as byte by byte. The four byte lanes of a little-endian word (k = 0..3, stream
 * order) are split into two words of 16-bit lanes, even (k = 0, 2) and odd (k = 1, 3); per word
 * A += its bytes and B += A, so that B_k = sum_j (N - j) byte_jk over the block's words
 * j = 0..N-1. A byte at position p = 4j + k of the L = 4N bytes adds L - p = 4(N - j) - k times
 * itself to b, hence
 *   a += A0 + A1 + A2 + A3,   b += L * a + 4 (B0 + B1 + B2 + B3) - (A1 + 2 A2 + 3 A3).
 * Only the odd lanes are split off per word: the whole words are summed as they are, and since
 * word = even + (odd << 8), the even sums are the whole sums minus the odd sums shifted by 8,
 * modulo 2^32, which is exact because every even lane stays under 2^16. Per word: one load, two
 * instructions to split the odd lanes, four adds.
 */
/* A block's sums: whole words, their odd lanes, and the running sums of both. */
typedef struct adler_lanes {
    uint32_t whole, odd, whole_b, odd_b;
} adler_lanes;

static inline void adler_add_word(adler_lanes *sums, uint32_t word)
{
    sums->whole += word;
    sums->odd += (word >> 8) & 0x00FF00FFu;
    sums->whole_b += sums->whole;
    sums->odd_b += sums->odd;
}

/*
 * Adds a block's sums to a and b. The lane sums are taken with multiplies where two 16-bit lanes
 * must be added: (x * 0x00010001) >> 16 is lo + hi and (x * 0x00010003) >> 16 is lo + 3 hi, exact
 * while the result and 3 lo stay under 2^16 (A's lanes: at most 2 * 255 * 22 together).
 */
static inline void adler_add_block(uint32_t *a, uint32_t *b, const adler_lanes *sums,
                                   uint32_t nwords)
{
    const uint32_t odd = sums->odd, odd_b = sums->odd_b;
    const uint32_t even = sums->whole - (odd << 8), even_b = sums->whole_b - (odd_b << 8);
    uint32_t sum_a = ((even + odd) * 0x00010001u) >> 16;
    uint32_t sum_b = (even_b & 0xFFFFu) + (even_b >> 16) + (odd_b & 0xFFFFu) + (odd_b >> 16);
    uint32_t weighted = ((odd * 0x00010003u) >> 16) + 2u * (even >> 16);
    *b += 4u * nwords * *a + 4u * sum_b - weighted;
    *a += sum_a;
}

/* A whole block of ADLER_BLOCK_WORDS words, its loop unrolled: no loop steps, and constant
 * offsets for the loads. */
static void adler32_block(uint32_t *a, uint32_t *b, const aliased_word *words)
{
    adler_lanes sums = {0, 0, 0, 0};
#pragma GCC unroll 22
    for (unsigned i = 0; i < ADLER_BLOCK_WORDS; i++)
        adler_add_word(&sums, words[i]);
    adler_add_block(a, b, &sums, ADLER_BLOCK_WORDS);
}

/* Fewer than ADLER_BLOCK_WORDS words (a piece's last). */
static void adler32_words(uint32_t *a, uint32_t *b, const aliased_word *words, uint32_t nwords)
{
    adler_lanes sums = {0, 0, 0, 0};
    for (uint32_t i = 0; i < nwords; i++)
        adler_add_word(&sums, words[i]);
    adler_add_block(a, b, &sums, nwords);
}
#endif

static uint32_t adler32_update(uint32_t adler, const uint8_t *data, size_t nbytes)
{
    uint32_t a = adler & 0xFFFFu, b = adler >> 16;
    while (nbytes > 0) {
        size_t n = nbytes < ADLER_NMAX ? nbytes : ADLER_NMAX;
        nbytes -= n;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        size_t head = (size_t)(-(uintptr_t)data & 3u);
        if (head > n)
            head = n;
        adler32_bytes(&a, &b, data, head);
        data += head;
        n -= head;
        const aliased_word *words = (const aliased_word *)(const void *)data;
        size_t nwords = n / 4;
        while (nwords >= ADLER_BLOCK_WORDS) {
            if (words[0] == 0) {
                /* Zero bytes leave a as it is and add a to b each (filtered rows of a plain
                 * background are mostly zeros): the run's words are only tested, two a step. */
                const aliased_word *zeros = words + 1;
                const aliased_word *const end = words + nwords;
                while (end - zeros >= 2 && (zeros[0] | zeros[1]) == 0)
                    zeros += 2;
                if (zeros < end && zeros[0] == 0)
                    zeros++;
                b += 4u * (uint32_t)(zeros - words) * a;
                nwords -= (size_t)(zeros - words);
                words = zeros;
                continue;
            }
            adler32_block(&a, &b, words);
            words += ADLER_BLOCK_WORDS;
            nwords -= ADLER_BLOCK_WORDS;
        }
        if (nwords > 0)
            adler32_words(&a, &b, words, (uint32_t)nwords);
        data += n & ~(size_t)3u;
        n &= 3u;
#endif
        adler32_bytes(&a, &b, data, n);
        data += n;
        a %= 65521u;
        b %= 65521u;
    }
    return (b << 16) | a;
}

ink_error ink_inflate_init(ink_inflate **out, void *state_memory, size_t state_nbytes,
                           uint8_t *window, ink_inflate_format format)
{
    if (out)
        *out = NULL;
    if (!out || !state_memory || !window || state_nbytes < sizeof(struct ink_inflate) ||
        ((uintptr_t)state_memory & 7u) != 0 ||
        (format != INK_INFLATE_RAW && format != INK_INFLATE_ZLIB))
        return INK_ERR_INVALID_ARGUMENT;
    ink_inflate *s = state_memory;
    memset(s, 0, sizeof *s);
    s->window = window;
    s->format = (uint8_t)format;
    s->mode = format == INK_INFLATE_ZLIB ? MODE_ZLIB_HEADER : MODE_BLOCK_HEADER;
    s->adler = 1;
    *out = s;
    return INK_OK;
}

bool ink_inflate_finished(const ink_inflate *state)
{
    return state && state->mode == MODE_DONE;
}

uint64_t ink_inflate_total_out(const ink_inflate *state)
{
    return state ? state->total_out : 0;
}

uint8_t *ink_inflate_window_space(const ink_inflate *state, size_t *nbytes)
{
    *nbytes = INK_INFLATE_WINDOW_BYTES - state->window_next;
    return state->window + state->window_next;
}

/* Copies `length` bytes from `distance` back, where the history is the ring (older bytes)
 * followed by this call's output [out_start, out). The caller has checked that the distance
 * lies within the history and that the output has room. */
static uint8_t *copy_from_history(const ink_inflate *s, uint8_t *out, const uint8_t *out_start,
                                  uint32_t distance, uint32_t length)
{
    size_t produced = (size_t)(out - out_start);
    if (distance > produced) {
        uint32_t back = distance - (uint32_t)produced;
        uint32_t position = (s->window_next - back) & WINDOW_MASK;
        uint32_t n = length < back ? length : back;
        length -= n;
        while (n > 0) {
            uint32_t run = INK_INFLATE_WINDOW_BYTES - position;
            if (run > n)
                run = n;
            const uint8_t *src = s->window + position;
            /* analyzer-ok: -fanalyzer takes `out` for NULL (an empty output); a match is only
             * decoded with room for it, so `out` points into the caller's output here. */
            if (src >= out + run || src + run <= out) {
                memcpy(out, src, run);
                out += run;
            } else {
                /* Output written in the window, a distance of nearly 32 KB: the source is the
                 * oldest history, just ahead of the output, each byte read before the output
                 * reaches it (analyzer-ok: `out` is not NULL, as above). */
                for (uint32_t i = 0; i < run; i++)
                    *out++ = src[i];
            }
            n -= run;
            position = 0;
        }
    }
    const uint8_t *src = out - distance;
    while (length--)
        *out++ = *src++;
    return out;
}

#if BITBUF_WIDE
/* A little-endian word of the input (the wide refill's only). */
static inline bitbuf_t load_word_le(const uint8_t *p)
{
    bitbuf_t word;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&word, p, sizeof word);
#else
    word = 0;
    for (unsigned i = 0; i < sizeof word; i++)
        word |= (bitbuf_t)p[i] << (8 * i);
#endif
    return word;
}
#endif

/*
 * Refills the bit buffer to at least BITBUF_BITS - 8 bits. Wide buffers load a whole word and
 * advance past the bytes that fit; the bits loaded above `bitsleft` are the true next bits of
 * the stream, so loading them again later is harmless. Narrow (RV32) buffers add two bytes and
 * then one as needed (to at least 25 bits, at most 32): fewer instructions there than single
 * bytes (6 each) or an unaligned word assembled from four byte loads (measured: both worse).
 */
#if BITBUF_WIDE
#define FAST_REFILL()                                                                            \
    do {                                                                                         \
        bitbuf |= load_word_le(in) << bitsleft;                                                  \
        in += (BITBUF_BITS - 1 - bitsleft) >> 3;                                                 \
        bitsleft |= BITBUF_BITS - 8;                                                             \
    } while (0)
#define FAST_REFILL_NARROW() ((void)0)
#else
#define FAST_REFILL()                                                                            \
    do {                                                                                         \
        if (bitsleft <= BITBUF_BITS - 16) {                                                      \
            bitbuf |= ((bitbuf_t)in[0] | (bitbuf_t)in[1] << 8) << bitsleft;                      \
            in += 2;                                                                             \
            bitsleft += 16;                                                                      \
        }                                                                                        \
        if (bitsleft <= BITBUF_BITS - 8) {                                                       \
            bitbuf |= (bitbuf_t)*in++ << bitsleft;                                               \
            bitsleft += 8;                                                                       \
        }                                                                                        \
    } while (0)
#define FAST_REFILL_NARROW() FAST_REFILL()
#endif

/*
 * Copies a match of `length` (3..258) bytes from `src`, `distance` (>= 1) back: `src` is either
 * out - distance, or (output in the window, the ring's wrap) the same ring position at the
 * window's end, at least a word ahead of `out`. Returns the output's new end. Exactly `length`
 * bytes are written: with output in the window, the bytes after the match are the oldest
 * history, which a match of nearly 32 KB back may still read. Words (8 or 4 bytes) when the
 * distance allows (each word read lies wholly before the word written, or is already final, or
 * wholly ahead of everything written), the last one ending at the match's end, overlapping the
 * one before.
 */
static inline uint8_t *copy_match(uint8_t *out, const uint8_t *src, uint32_t distance,
                                  uint32_t length)
{
    uint8_t *const end = out + length;
#if !BITBUF_WIDE
    /* RV32 (no misaligned word access): a source at the same offset within a word as the
     * output, a distance that is a multiple of 4 (RGBA pixels), goes by aligned words after up
     * to three single bytes, 5 instructions per four bytes instead of 11. */
    if ((distance & 3u) == 0 && length >= 8) {
        const uintptr_t back = (uintptr_t)out - (uintptr_t)src; /* modulo 2^32 */
        for (; ((uintptr_t)out & 3u) != 0; out++)
            *out = *(const uint8_t *)((uintptr_t)out - back);
        uint8_t *const words_end = (uint8_t *)((uintptr_t)end & ~(uintptr_t)3);
        do {
            *(aliased_word *)(void *)out = *(const aliased_word *)((uintptr_t)out - back);
            out += 4;
        } while (out < words_end);
        for (; out < end; out++)
            *out = *(const uint8_t *)((uintptr_t)out - back);
        return end;
    }
#endif
    if (distance >= sizeof(bitbuf_t) && length >= sizeof(bitbuf_t)) {
        uint8_t *const last = end - sizeof(bitbuf_t);
        const uint8_t *const src_last = src + (length - sizeof(bitbuf_t));
        while (out < last) {
            memcpy(out, src, sizeof(bitbuf_t));
            out += sizeof(bitbuf_t);
            src += sizeof(bitbuf_t);
        }
        memcpy(last, src_last, sizeof(bitbuf_t));
    } else if (distance == 1) {
        memset(out, *src, length);
    } else {
        do {
            *out++ = *src++;
        } while (out < end);
    }
    return end;
}

/*
 * Drops a root literal's or pair's code (fast loop only): bits 4..7 of such an entry are zero, so
 * the entry is its own shift count (the shift takes its low 5 or 6 bits, which an RV32 `srl`
 * does by itself) and subtracting it from bitsleft takes exactly the code length from bitsleft's
 * low 8 bits. The bits above are left wrong until the literals' path clears them before the
 * loop's next step: nothing in between reads bitsleft but other literals' drops. One `andi`
 * fewer per literal or pair, one more per step that decodes literals.
 */
#define DROP_LITERALS(entry)                                                                     \
    do {                                                                                         \
        bitbuf >>= (entry) & (BITBUF_BITS - 1);                                                  \
        bitsleft -= (entry);                                                                     \
    } while (0)

static inline uint8_t *put_pair(uint8_t *out, uint32_t entry)
{
    out[0] = (uint8_t)(entry >> 16);
    out[1] = (uint8_t)(entry >> 24);
    return out + 2;
}

/* Decodes the next symbol from the root table alone if it is a literal or a pair. With pairs,
 * which a table has only when most lookups would decode one, the pair is tested first. */
static inline bool root_literals(const uint32_t *litlen, bitbuf_t *bitbuf, unsigned *bitsleft,
                                 uint8_t **out, bool pairs)
{
    uint32_t entry = litlen[*bitbuf & ((1u << LITLEN_ROOT_BITS) - 1)];
    if (pairs && (entry & ENTRY_LITERAL_PAIR) != 0) {
        *out = put_pair(*out, entry);
    } else if (entry & ENTRY_LITERAL) {
        *(*out)++ = (uint8_t)ENTRY_VALUE(entry);
    } else {
        return false;
    }
    *bitbuf >>= entry & (BITBUF_BITS - 1); /* DROP_LITERALS */
    *bitsleft -= entry;
    return true;
}

/* After a literal: more root-table literals without a refill. Wide buffers: two more (56 - 15
 * - 2 * 10 bits still hold them); RV32: one more (at least 25 - 15 bits are left, as many as a
 * root entry, a pair too, has). Anything else waits for the loop's top. */
#if BITBUF_WIDE
#define MORE_ROOT_LITERALS()                                                                     \
    do {                                                                                         \
        if (root_literals(litlen, &bitbuf, &bitsleft, &out, pairs))                              \
            (void)root_literals(litlen, &bitbuf, &bitsleft, &out, pairs);                        \
    } while (0)
#else
#define MORE_ROOT_LITERALS() (void)root_literals(litlen, &bitbuf, &bitsleft, &out, pairs)
#endif

/*
 * The fast loop: decodes whole symbols while at least FAST_IN_MARGIN input bytes and
 * FAST_OUT_MARGIN output bytes remain, so no check for the input's end is needed inside a
 * symbol; a match with less room left than its length is left to the caller's state machine
 * (MODE_MATCH), which copies it as the output allows. A match that reaches into the ring where
 * it is not contiguous with the output (output outside the window, or the ring's wrap) is
 * copied by copy_from_history.
 * Entered with fewer than 8 bits buffered; on return, whole unused bytes are given back to
 * the input so the buffer again holds fewer than 8 bits. Returns NULL or a fault.
 */
static inline __attribute__((always_inline)) const char *
fast_loop(ink_inflate *s, const uint8_t **in_p, const uint8_t *in_end, uint8_t **out_p,
          const uint8_t *out_start, const uint8_t *out_end, const bool pairs)
{
    const uint8_t *in = *in_p;
    const uint8_t *in_entry = in;
    uint8_t *out = *out_p;
    const uint8_t *in_last = in_end - FAST_IN_MARGIN;
    const uint8_t *out_last = out_end - FAST_OUT_MARGIN;
    bitbuf_t bitbuf = s->bitbuf;
    unsigned bitsleft = s->bitsleft;
    const uint32_t *litlen = s->litlen_table;
    const uint32_t *dist = s->dist_table;
    /* History before the output: the ring's bytes (window_have of them) and this call's output.
     * It lies in one piece before `out` from `contiguous` on: this call's output, or, when the
     * output is written in the window, the whole window below the write position. */
    const uintptr_t oldest = (uintptr_t)out_start - s->window_have;
    const bool in_window = out_start == s->window + s->window_next;
    const uint8_t *const contiguous = in_window ? s->window : out_start;
    /* A source at the ring's end (output in the window only) ends at most here. */
    const uintptr_t ring_end = in_window ? (uintptr_t)s->window + INK_INFLATE_WINDOW_BYTES : 0;
    const char *fault = NULL;

    do {
        FAST_REFILL();
        /* Root literals and pairs are tested before links (they never are links); with
         * pairs, which most lookups then decode, the pair first. */
        uint32_t entry = litlen[bitbuf & ((1u << LITLEN_ROOT_BITS) - 1)];
        if (pairs && (entry & ENTRY_LITERAL_PAIR) != 0) {
            DROP_LITERALS(entry);
            out = put_pair(out, entry);
            MORE_ROOT_LITERALS();
            bitsleft &= 0xFFu; /* after DROP_LITERALS */
            continue;
        }
        if (__builtin_expect((entry & ENTRY_LITERAL) != 0, 1)) {
            DROP_LITERALS(entry);
            *out++ = (uint8_t)ENTRY_VALUE(entry);
            MORE_ROOT_LITERALS();
            bitsleft &= 0xFFu; /* after DROP_LITERALS */
            continue;
        }
        if (entry & ENTRY_LINK) {
            unsigned sub_mask = (1u << ENTRY_EXTRA(entry)) - 1;
            entry = litlen[ENTRY_VALUE(entry) +
                           ((unsigned)(bitbuf >> LITLEN_ROOT_BITS) & sub_mask)];
            bitbuf >>= LITLEN_ROOT_BITS;
            bitsleft -= LITLEN_ROOT_BITS;
        }
        bitbuf >>= ENTRY_NBITS(entry);
        bitsleft -= ENTRY_NBITS(entry);
        if (entry & ENTRY_LITERAL) { /* a literal of more than LITLEN_ROOT_BITS bits */
            *out++ = (uint8_t)ENTRY_VALUE(entry);
            MORE_ROOT_LITERALS();
            bitsleft &= 0xFFu; /* after DROP_LITERALS */
            continue;
        }
        if (!(entry & ENTRY_BASE)) {
            if (entry & ENTRY_END) {
                s->mode = s->final_block ? (s->format == INK_INFLATE_ZLIB ? MODE_TRAILER
                                                                          : MODE_DONE)
                                         : MODE_BLOCK_HEADER;
                break;
            }
            fault = "invalid literal/length code";
            break;
        }
        unsigned extra = ENTRY_EXTRA(entry);
        uint32_t length = ENTRY_VALUE(entry) + ((uint32_t)bitbuf & ((1u << extra) - 1));
        bitbuf >>= extra;
        bitsleft -= extra;

        FAST_REFILL_NARROW();
        entry = dist[bitbuf & ((1u << DIST_ROOT_BITS) - 1)];
        if (entry & ENTRY_LINK) {
            unsigned sub_mask = (1u << ENTRY_EXTRA(entry)) - 1;
            entry = dist[ENTRY_VALUE(entry) + ((unsigned)(bitbuf >> DIST_ROOT_BITS) & sub_mask)];
            bitbuf >>= DIST_ROOT_BITS;
            bitsleft -= DIST_ROOT_BITS;
        }
        bitbuf >>= ENTRY_NBITS(entry);
        bitsleft -= ENTRY_NBITS(entry);
        if (!(entry & ENTRY_BASE)) {
            fault = "invalid distance code";
            break;
        }
        FAST_REFILL_NARROW();
        extra = ENTRY_EXTRA(entry);
        uint32_t distance = ENTRY_VALUE(entry) + ((uint32_t)bitbuf & ((1u << extra) - 1));
        bitbuf >>= extra;
        bitsleft -= extra;

        if (distance > (uintptr_t)out - oldest) {
            fault = "invalid distance too far back";
            break;
        }
        if ((size_t)(out_end - out) < length) {
            s->length = length;
            s->distance = distance;
            s->mode = MODE_MATCH;
            break;
        }
        uintptr_t src = (uintptr_t)out - distance;
        if (src < (uintptr_t)contiguous) {
            /* Output in the window: the source is at the ring's end, ahead of the output. Not
             * in one piece, or within a word ahead of the output: the general copy. */
            src += INK_INFLATE_WINDOW_BYTES;
            if (src + length > ring_end || distance > INK_INFLATE_WINDOW_BYTES - sizeof(bitbuf_t)) {
                out = copy_from_history(s, out, out_start, distance, length);
                continue;
            }
        }
        out = copy_match(out, (const uint8_t *)src, distance, length);
    } while (in < in_last && out < out_last);

    bitsleft &= 0xFFu;
    unsigned give_back = bitsleft >> 3;
    if (give_back > (size_t)(in - in_entry))
        give_back = (unsigned)(in - in_entry);
    in -= give_back;
    bitsleft -= 8 * give_back;
    if (bitsleft < BITBUF_BITS)
        bitbuf &= ((bitbuf_t)1 << bitsleft) - 1;
    s->bitbuf = bitbuf;
    s->bitsleft = bitsleft;
    *in_p = in;
    *out_p = out;
    return fault;
}

/* The fast loop twice: with pairs for tables that have some, and without, so that a block
 * without pairs (deflated images: literal codes of 6 bits or more) runs exactly the code it
 * ran before pairs existed, with no test for them. */
static const char *
inflate_fast_pairs(ink_inflate *s, const uint8_t **in_p, const uint8_t *in_end, uint8_t **out_p,
                   const uint8_t *out_start, const uint8_t *out_end)
{
    return fast_loop(s, in_p, in_end, out_p, out_start, out_end, true);
}

static const char *
inflate_fast_singles(ink_inflate *s, const uint8_t **in_p, const uint8_t *in_end,
                     uint8_t **out_p, const uint8_t *out_start, const uint8_t *out_end)
{
    return fast_loop(s, in_p, in_end, out_p, out_start, out_end, false);
}

static const char *inflate_fast(ink_inflate *s, const uint8_t **in_p, const uint8_t *in_end,
                                uint8_t **out_p, const uint8_t *out_start, const uint8_t *out_end)
{
    if (s->litlen_pairs)
        return inflate_fast_pairs(s, in_p, in_end, out_p, out_start, out_end);
    return inflate_fast_singles(s, in_p, in_end, out_p, out_start, out_end);
}

/* Adds the newest output to the ring (keeping at most its last 32 KB). */
static void window_update(ink_inflate *s, const uint8_t *data, size_t nbytes)
{
    if (data == s->window + s->window_next) { /* written in place (ink_inflate_window_space) */
        s->window_next = (uint32_t)(s->window_next + nbytes) & WINDOW_MASK;
        s->window_have += (uint32_t)nbytes;
        if (s->window_have > INK_INFLATE_WINDOW_BYTES)
            s->window_have = INK_INFLATE_WINDOW_BYTES;
        return;
    }
    if (nbytes >= INK_INFLATE_WINDOW_BYTES) {
        memcpy(s->window, data + nbytes - INK_INFLATE_WINDOW_BYTES, INK_INFLATE_WINDOW_BYTES);
        s->window_next = 0;
        s->window_have = INK_INFLATE_WINDOW_BYTES;
        return;
    }
    uint32_t n = (uint32_t)nbytes;
    uint32_t first = INK_INFLATE_WINDOW_BYTES - s->window_next;
    if (first > n)
        first = n;
    memcpy(s->window + s->window_next, data, first);
    memcpy(s->window, data + first, n - first);
    s->window_next = (s->window_next + n) & WINDOW_MASK;
    s->window_have += n;
    if (s->window_have > INK_INFLATE_WINDOW_BYTES)
        s->window_have = INK_INFLATE_WINDOW_BYTES;
}

/* Slow-path bit access. PULL_BYTE leaves the state machine (to be resumed in the same mode)
 * when the input is exhausted. */
#define PULL_BYTE()                                                                              \
    do {                                                                                         \
        if (in == in_end)                                                                        \
            goto suspend;                                                                        \
        bitbuf |= (bitbuf_t)*in++ << bitsleft;                                                   \
        bitsleft += 8;                                                                           \
    } while (0)
#define NEED_BITS(n)                                                                             \
    do {                                                                                         \
        while (bitsleft < (unsigned)(n))                                                         \
            PULL_BYTE();                                                                         \
    } while (0)
#define BITS(n) ((uint32_t)bitbuf & ((1u << (n)) - 1))
#define DROP_BITS(n)                                                                             \
    do {                                                                                         \
        bitbuf >>= (n);                                                                          \
        bitsleft -= (n);                                                                         \
    } while (0)
#define FAIL(why)                                                                                \
    do {                                                                                         \
        fault = (why);                                                                           \
        goto suspend;                                                                            \
    } while (0)

static ink_error run(ink_inflate *s, ink_inflate_io *io, bool input_continues,
                     ink_error_info *info)
{
    if (!s || !io || (!io->in && io->in_nbytes) || (!io->out && io->out_nbytes))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "inflate: missing state or buffer");
    if (s->mode == MODE_FAILED)
        return ink_error_set(info, s->failed_code, "inflate: %s", s->failed_detail);
    if (s->mode == MODE_DONE)
        return INK_OK;

    const uint8_t *in = io->in, *in_end = io->in ? io->in + io->in_nbytes : io->in;
    uint8_t *out = io->out, *out_end = io->out ? io->out + io->out_nbytes : io->out;
    const uintptr_t window_at = (uintptr_t)s->window;
    if (io->out_nbytes > 0 && (uintptr_t)out < window_at + INK_INFLATE_WINDOW_BYTES &&
        (uintptr_t)out_end > window_at &&
        (out != s->window + s->window_next ||
         io->out_nbytes > INK_INFLATE_WINDOW_BYTES - s->window_next))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "inflate: output inside the window, not at its write position");
    uint8_t *const out_start = out;
    const uint8_t *adler_start = out; /* output not yet added to the Adler-32 */
    bitbuf_t bitbuf = s->bitbuf;
    unsigned bitsleft = s->bitsleft;
    const char *fault = NULL;
    unsigned nbits;
    uint32_t entry;

    for (;;) {
        switch ((enum mode)s->mode) {
        case MODE_ZLIB_HEADER: {
            NEED_BITS(16);
            uint32_t cmf = BITS(8), flg = (uint32_t)(bitbuf >> 8) & 0xFFu;
            if (((cmf << 8) | flg) % 31 != 0)
                FAIL("incorrect header check");
            if ((cmf & 0xF) != 8)
                FAIL("unknown compression method");
            if ((cmf >> 4) + 8 > 15)
                FAIL("invalid window size");
            DROP_BITS(16);
            s->trailer_have = 0;
            s->mode = (flg & 0x20) ? MODE_DICTIONARY_ID : MODE_BLOCK_HEADER;
            break;
        }
        case MODE_DICTIONARY_ID:
            /* A preset dictionary is refused once its 4-byte id has arrived, as zlib does
             * (zlib returns Z_NEED_DICT there; a truncated id is still "more input"). */
            while (s->trailer_have < 4) {
                NEED_BITS(8);
                DROP_BITS(8);
                s->trailer_have++;
            }
            FAIL("preset dictionary not supported");
        case MODE_BLOCK_HEADER: {
            NEED_BITS(3);
            s->final_block = BITS(1) != 0;
            uint32_t type = BITS(3) >> 1;
            DROP_BITS(3);
            if (type == 0) {
                s->mode = MODE_STORED_HEADER;
            } else if (type == 1) {
                if (!s->tables_fixed)
                    build_fixed_tables(s);
                s->mode = MODE_LITLEN;
            } else if (type == 2) {
                s->mode = MODE_TABLE_COUNTS;
            } else {
                FAIL("invalid block type");
            }
            break;
        }
        case MODE_STORED_HEADER: {
            DROP_BITS(bitsleft & 7u);
            NEED_BITS(32);
            uint32_t len = BITS(16), nlen = (uint32_t)(bitbuf >> 16) & 0xFFFFu;
            if (len != (nlen ^ 0xFFFFu))
                FAIL("invalid stored block lengths");
            DROP_BITS(16);
            DROP_BITS(16);
            s->stored_remaining = len;
            s->mode = MODE_STORED_COPY;
            break;
        }
        case MODE_STORED_COPY:
            /* Whole bytes still in the bit buffer come first. */
            while (s->stored_remaining > 0 && bitsleft >= 8) {
                if (out == out_end)
                    goto suspend;
                *out++ = (uint8_t)BITS(8);
                DROP_BITS(8);
                s->stored_remaining--;
            }
            if (s->stored_remaining > 0) {
                size_t n = s->stored_remaining;
                if (n > (size_t)(in_end - in))
                    n = (size_t)(in_end - in);
                if (n > (size_t)(out_end - out))
                    n = (size_t)(out_end - out);
                if (n == 0)
                    goto suspend;
                /* analyzer-ok: -fanalyzer -O2 says in/out may be NULL; an empty input or
                 * output (the only way either is NULL) made n == 0 and suspended above. */
                memcpy(out, in, n);
                in += n;
                out += n;
                s->stored_remaining -= (uint32_t)n;
                break;
            }
            s->mode = s->final_block ? (s->format == INK_INFLATE_ZLIB ? MODE_TRAILER : MODE_DONE)
                                     : MODE_BLOCK_HEADER;
            break;
        case MODE_TABLE_COUNTS:
            NEED_BITS(14);
            s->nlen = BITS(5) + 257;
            s->ndist = ((uint32_t)(bitbuf >> 5) & 0x1Fu) + 1;
            s->nclen = ((uint32_t)(bitbuf >> 10) & 0xFu) + 4;
            DROP_BITS(14);
            if (s->nlen > 286 || s->ndist > 30)
                FAIL("too many length or distance symbols");
            s->tables_fixed = false;
            s->have = 0;
            s->mode = MODE_CODELEN_LENS;
            break;
        case MODE_CODELEN_LENS:
            while (s->have < s->nclen) {
                NEED_BITS(3);
                s->codelen_lens[codelen_order[s->have++]] = (uint8_t)BITS(3);
                DROP_BITS(3);
            }
            while (s->have < 19)
                s->codelen_lens[codelen_order[s->have++]] = 0;
            if (build_table(s->dist_table, DIST_ENOUGH, CODELEN_ROOT_BITS, s->codelen_lens, 19,
                            TABLE_CODELEN, s->sorted_symbols, NULL) != BUILD_OK)
                FAIL("invalid code lengths set");
            s->have = 0;
            s->mode = MODE_CODE_LENS;
            break;
        case MODE_CODE_LENS:
            while (s->have < s->nlen + s->ndist) {
                for (;;) {
                    entry = table_lookup(s->dist_table, CODELEN_ROOT_BITS, bitbuf, &nbits);
                    if (nbits <= bitsleft)
                        break;
                    PULL_BYTE();
                }
                DROP_BITS(nbits);
                uint32_t symbol = ENTRY_VALUE(entry);
                if (symbol < 16) {
                    s->lens[s->have++] = (uint8_t)symbol;
                } else {
                    s->repeat_symbol = symbol;
                    s->mode = MODE_CODE_LENS_REPEAT;
                    break;
                }
            }
            if (s->mode == MODE_CODE_LENS_REPEAT)
                break;
            if (s->lens[256] == 0)
                FAIL("invalid code -- missing end-of-block");
            {
                unsigned literal_count[MAX_CODE_BITS + 1];
                if (build_table(s->litlen_table, LITLEN_ENOUGH, LITLEN_ROOT_BITS, s->lens,
                                s->nlen, TABLE_LITLEN, s->sorted_symbols,
                                literal_count) != BUILD_OK)
                    FAIL("invalid literal/lengths set");
                s->litlen_pairs = pair_literals(s->litlen_table, literal_count, s->pair_seconds);
            }
            if (build_table(s->dist_table, DIST_ENOUGH, DIST_ROOT_BITS, s->lens + s->nlen,
                            s->ndist, TABLE_DIST, s->sorted_symbols, NULL) != BUILD_OK)
                FAIL("invalid distances set");
            s->mode = MODE_LITLEN;
            break;
        case MODE_CODE_LENS_REPEAT: {
            uint32_t value = 0, count;
            if (s->repeat_symbol == 16) {
                NEED_BITS(2);
                if (s->have == 0)
                    FAIL("invalid bit length repeat");
                value = s->lens[s->have - 1];
                count = 3 + BITS(2);
                DROP_BITS(2);
            } else if (s->repeat_symbol == 17) {
                NEED_BITS(3);
                count = 3 + BITS(3);
                DROP_BITS(3);
            } else {
                NEED_BITS(7);
                count = 11 + BITS(7);
                DROP_BITS(7);
            }
            if (s->have + count > s->nlen + s->ndist)
                FAIL("invalid bit length repeat");
            while (count--)
                s->lens[s->have++] = (uint8_t)value;
            s->mode = MODE_CODE_LENS;
            break;
        }
        case MODE_LITLEN:
            /* (out != NULL is implied by the room; said for gcc's -fanalyzer.) */
            if (bitsleft < 8 && (size_t)(in_end - in) >= FAST_IN_MARGIN && out != NULL &&
                (size_t)(out_end - out) >= FAST_OUT_MARGIN) {
                s->bitbuf = bitbuf;
                s->bitsleft = bitsleft;
                fault = inflate_fast(s, &in, in_end, &out, out_start, out_end);
                bitbuf = s->bitbuf;
                bitsleft = s->bitsleft;
                if (fault)
                    goto suspend;
                if (s->mode != MODE_LITLEN)
                    break;
            }
            /* The caller will offer these last bytes again with more after them: the fast loop
             * can then take them, rather than this byte-at-a-time path. */
            if (input_continues && bitsleft < 8 && (size_t)(in_end - in) < FAST_IN_MARGIN)
                goto suspend;
            for (;;) {
                entry = table_lookup(s->litlen_table, LITLEN_ROOT_BITS, bitbuf, &nbits);
                if (entry & ENTRY_LITERAL_PAIR)
                    nbits = ENTRY_PAIR_FIRST_NBITS(entry); /* only the first literal: the bits
                                                              after it may not have arrived, or
                                                              may not be a code */
                if (nbits <= bitsleft)
                    break;
                PULL_BYTE();
            }
            DROP_BITS(nbits);
            if (entry & ENTRY_LITERALS) {
                s->length = ENTRY_VALUE(entry) & 0xFFu;
                s->mode = MODE_LITERAL;
            } else if (entry & ENTRY_BASE) {
                s->length = ENTRY_VALUE(entry);
                s->extra = ENTRY_EXTRA(entry);
                s->mode = MODE_LENGTH_EXTRA;
            } else if (entry & ENTRY_END) {
                s->mode = s->final_block
                              ? (s->format == INK_INFLATE_ZLIB ? MODE_TRAILER : MODE_DONE)
                              : MODE_BLOCK_HEADER;
            } else {
                FAIL("invalid literal/length code");
            }
            break;
        case MODE_LITERAL:
            if (out == out_end)
                goto suspend;
            *out++ = (uint8_t)s->length;
            s->mode = MODE_LITLEN;
            break;
        case MODE_LENGTH_EXTRA:
            NEED_BITS(s->extra);
            s->length += BITS(s->extra);
            DROP_BITS(s->extra);
            s->mode = MODE_DIST;
            break;
        case MODE_DIST:
            for (;;) {
                entry = table_lookup(s->dist_table, DIST_ROOT_BITS, bitbuf, &nbits);
                if (nbits <= bitsleft)
                    break;
                PULL_BYTE();
            }
            DROP_BITS(nbits);
            if (!(entry & ENTRY_BASE))
                FAIL("invalid distance code");
            s->distance = ENTRY_VALUE(entry);
            s->extra = ENTRY_EXTRA(entry);
            s->mode = MODE_DIST_EXTRA;
            break;
        case MODE_DIST_EXTRA:
            NEED_BITS(s->extra);
            s->distance += BITS(s->extra);
            DROP_BITS(s->extra);
            if (s->distance > s->window_have + (size_t)(out - out_start))
                FAIL("invalid distance too far back");
            s->mode = MODE_MATCH;
            break;
        case MODE_MATCH: {
            if (out == out_end)
                goto suspend;
            uint32_t n = s->length;
            if (n > (size_t)(out_end - out))
                n = (uint32_t)(out_end - out);
            out = copy_from_history(s, out, out_start, s->distance, n);
            s->length -= n;
            if (s->length == 0)
                s->mode = MODE_LITLEN;
            break;
        }
        case MODE_TRAILER:
            DROP_BITS(bitsleft & 7u);
            while (s->trailer_have < 4) {
                NEED_BITS(8);
                s->trailer_value = (s->trailer_value << 8) | BITS(8);
                DROP_BITS(8);
                s->trailer_have++;
            }
            /* The check covers this call's output too: bring the sum up to date first. */
            if (s->format == INK_INFLATE_ZLIB)
                s->adler = adler32_update(s->adler, adler_start, (size_t)(out - adler_start));
            adler_start = out;
            if (s->adler != s->trailer_value)
                FAIL("incorrect data check");
            s->mode = MODE_DONE;
            goto suspend;
        case MODE_DONE:
            goto suspend;
        case MODE_FAILED:
        default:
            fault = "internal state corrupt";
            goto suspend;
        }
    }

suspend:
    if (s->format == INK_INFLATE_ZLIB)
        s->adler = adler32_update(s->adler, adler_start, (size_t)(out - adler_start));
    window_update(s, out_start, (size_t)(out - out_start));
    s->total_out += (uint64_t)(out - out_start);
    s->bitbuf = bitbuf;
    s->bitsleft = bitsleft;
    io->in_nbytes -= (size_t)(in - io->in);
    io->in = in;
    io->out_nbytes -= (size_t)(out - io->out);
    io->out = out;
    if (fault) {
        s->mode = MODE_FAILED;
        s->failed_code = INK_ERR_BAD_DATA;
        s->failed_detail = fault;
        return ink_error_set(info, INK_ERR_BAD_DATA, "inflate: %s", fault);
    }
    return INK_OK;
}

ink_error ink_inflate_run(ink_inflate *s, ink_inflate_io *io, ink_error_info *info)
{
    return run(s, io, false, info);
}

ink_error ink_inflate_run_input_continues(ink_inflate *s, ink_inflate_io *io,
                                          ink_error_info *info)
{
    return run(s, io, true, info);
}
