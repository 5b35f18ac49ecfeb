/*
 * test_inflate.c — decode/inflate against zlib.
 *
 * Expectations come from zlib: every stream is produced by zlib's deflate (levels 0-9, each
 * strategy, raw and zlib formats, text / binary / random data) and must inflate to the original
 * bytes, fed in pieces of many sizes down to one byte in and one byte out. Hand-built streams
 * (edge cases and malformed tables) are given to zlib's inflate and to ours: both verdicts
 * (accepted, rejected, wants more input) and, when accepted, the outputs must agree, and each
 * verdict must also be the one the case was built to provoke. A deterministic mutation sweep
 * compares the two decoders' verdicts on thousands of damaged streams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "decode/inflate.h"
#include "test_support.h"

/* ---- data ---------------------------------------------------------------------------------- */

/* English-like text: words from a small vocabulary with punctuation and line breaks. */
static void make_text(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    static const char *const words[] = {
        "the",   "quick",  "brown",  "fox",     "jumps", "over", "lazy",  "dog",    "and",
        "a",     "reader", "page",   "screen",  "ink",   "of",   "to",    "in",     "whale",
        "ship",  "sea",    "Ishmael", "call",   "me",    "years", "ago",  "never",  "mind",
        "how",   "long",   "little", "money",   "purse", "nothing", "particular", "shore"};
    size_t i = 0;
    while (i < nbytes) {
        const char *w = words[ink_test_random(&seed) % (sizeof words / sizeof words[0])];
        while (*w && i < nbytes)
            dst[i++] = (uint8_t)*w++;
        if (i < nbytes) {
            uint32_t r = ink_test_random(&seed) % 16;
            dst[i++] = r == 0 ? '\n' : r == 1 ? ',' : r == 2 ? '.' : ' ';
        }
    }
}

/* Structured binary: little-endian records with slowly varying fields, like an image or table. */
static void make_binary(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    uint32_t value = 1000;
    for (size_t i = 0; i < nbytes; i += 8) {
        value += ink_test_random(&seed) % 7;
        uint8_t record[8] = {(uint8_t)value,       (uint8_t)(value >> 8), (uint8_t)(i >> 3),
                             (uint8_t)(i >> 11),   0,
                             (uint8_t)(ink_test_random(&seed) % 4), 0xFF, (uint8_t)(value * 3)};
        for (size_t k = 0; k < 8 && i + k < nbytes; k++)
            dst[i + k] = record[k];
    }
}

static void make_random(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    for (size_t i = 0; i < nbytes; i++)
        dst[i] = (uint8_t)(ink_test_random(&seed) >> 24);
}

/* Runs of zero bytes (0-399 long) between runs of 1-40 non-zero bytes: filtered rows of a plain
 * background, which the Adler-32 takes a zero word run at a time. */
static void make_zero_runs(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    size_t i = 0;
    while (i < nbytes) {
        uint32_t r = ink_test_random(&seed);
        for (size_t zeros = r % 400; zeros > 0 && i < nbytes; zeros--)
            dst[i++] = 0;
        for (size_t other = 1 + (r >> 16) % 40; other > 0 && i < nbytes; other--)
            dst[i++] = (uint8_t)(1 + ink_test_random(&seed) % 255);
    }
}

/* zlib's streams here: memory level 8, zlib's default. */
#define ZLIB_MEM_LEVEL 8

/* ---- our decoder, driven in pieces ---------------------------------------------------------- */

typedef enum verdict { VERDICT_DONE, VERDICT_ERROR, VERDICT_INCOMPLETE } verdict;

typedef struct decode_result {
    verdict verdict;
    size_t out_nbytes;
    size_t in_used;
} decode_result;

static _Alignas(8) uint8_t state_memory[8192];
static uint8_t window_memory[INK_INFLATE_WINDOW_BYTES];

/* Feeds `in` in pieces of `in_piece` bytes and offers output `out_piece` bytes at a time
 * (0 = everything). A piece size of SIZE_MAX-1 means "varying sizes". */
static decode_result ours_decode(const uint8_t *in, size_t in_nbytes, uint8_t *out,
                                 size_t out_capacity, ink_inflate_format format, size_t in_piece,
                                 size_t out_piece)
{
    ink_inflate *state;
    assert_true(INK_INFLATE_STATE_BYTES <= sizeof state_memory);
    assert_int_equal(ink_inflate_init(&state, state_memory, sizeof state_memory, window_memory,
                                      format),
                     INK_OK);
    decode_result result = {VERDICT_INCOMPLETE, 0, 0};
    size_t in_pos = 0, out_pos = 0;
    uint32_t seed = 12345;
    unsigned stalls = 0;
    for (;;) {
        size_t in_n = in_nbytes - in_pos, out_n = out_capacity - out_pos;
        if (in_piece == SIZE_MAX - 1) {
            size_t r = 1 + ink_test_random(&seed) % 700;
            in_n = in_n < r ? in_n : r;
        } else if (in_piece && in_n > in_piece) {
            in_n = in_piece;
        }
        if (out_piece == SIZE_MAX - 1) {
            size_t r = 1 + ink_test_random(&seed) % 1500;
            out_n = out_n < r ? out_n : r;
        } else if (out_piece && out_n > out_piece) {
            out_n = out_piece;
        }
        ink_inflate_io io = {in + in_pos, in_n, out + out_pos, out_n};
        ink_error_info info;
        ink_error_clear(&info);
        ink_error err = ink_inflate_run(state, &io, &info);
        size_t used = in_n - io.in_nbytes, made = out_n - io.out_nbytes;
        in_pos += used;
        out_pos += made;
        if (err != INK_OK) {
            assert_int_equal(err, INK_ERR_BAD_DATA);
            assert_true(info.detail[0] != '\0');
            /* The state stays failed. */
            ink_inflate_io again = {in + in_pos, in_nbytes - in_pos, out + out_pos,
                                    out_capacity - out_pos};
            assert_int_equal(ink_inflate_run(state, &again, NULL), INK_ERR_BAD_DATA);
            result.verdict = VERDICT_ERROR;
            break;
        }
        if (ink_inflate_finished(state)) {
            result.verdict = VERDICT_DONE;
            break;
        }
        /* Progress check: a call that had both input and output must not stall repeatedly. */
        if (used == 0 && made == 0) {
            if (in_pos == in_nbytes || out_pos == out_capacity)
                break; /* wants more input (or more room) */
            assert_true(++stalls < 3);
        } else {
            stalls = 0;
        }
    }
    result.out_nbytes = out_pos;
    result.in_used = in_pos;
    assert_int_equal(ink_inflate_total_out(state), out_pos);
    return result;
}

static decode_result zlib_decode(const uint8_t *in, size_t in_nbytes, uint8_t *out,
                                 size_t out_capacity, ink_inflate_format format)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, format == INK_INFLATE_RAW ? -15 : 15), Z_OK);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)in_nbytes;
    z.next_out = out;
    z.avail_out = (uInt)out_capacity;
    int rc = inflate(&z, Z_FINISH);
    decode_result result;
    result.verdict = rc == Z_STREAM_END                        ? VERDICT_DONE
                     : (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) ? VERDICT_ERROR
                                                                 : VERDICT_INCOMPLETE;
    result.out_nbytes = z.total_out;
    result.in_used = z.total_in;
    inflateEnd(&z);
    return result;
}

/* ---- zlib's streams round-trip ------------------------------------------------------------- */

#define SAMPLE_BYTES 70000u

static void check_round_trip(const uint8_t *data, size_t nbytes, const uint8_t *stream,
                             size_t stream_nbytes, ink_inflate_format format, size_t in_piece,
                             size_t out_piece, uint8_t *out)
{
    /* Trailing garbage after the stream must stay unconsumed. */
    uint8_t *padded = malloc(stream_nbytes + 5);
    assert_non_null(padded);
    memcpy(padded, stream, stream_nbytes);
    memcpy(padded + stream_nbytes, "XXXXX", 5);
    decode_result r =
        ours_decode(padded, stream_nbytes + 5, out, nbytes + 64, format, in_piece, out_piece);
    if (r.verdict != VERDICT_DONE || r.out_nbytes != nbytes || memcmp(out, data, nbytes) != 0)
        fail_msg("round trip failed: format %d, pieces in %zu out %zu, verdict %d, %zu of %zu "
                 "bytes",
                 (int)format, in_piece, out_piece, (int)r.verdict, r.out_nbytes, nbytes);
    assert_int_equal(r.in_used, stream_nbytes);
    free(padded);
}

static void test_every_zlib_stream(void **unused)
{
    (void)unused;
    uint8_t *data[3], *stream = malloc(2 * SAMPLE_BYTES), *out = malloc(SAMPLE_BYTES + 64);
    for (int i = 0; i < 3; i++)
        data[i] = malloc(SAMPLE_BYTES);
    make_text(data[0], SAMPLE_BYTES, 1);
    make_binary(data[1], SAMPLE_BYTES, 2);
    make_random(data[2], SAMPLE_BYTES, 3);
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                     Z_FIXED};
    static const size_t pieces[][2] = {{0, 0},    {1, 0},    {0, 1},   {7, 13},
                                       {4096, 0}, {0, 4096}, {SIZE_MAX - 1, SIZE_MAX - 1}};
    unsigned streams = 0;
    for (int d = 0; d < 3; d++)
        for (int level = 0; level <= 9; level++)
            for (size_t st = 0; st < sizeof strategies / sizeof strategies[0]; st++)
                for (int f = 0; f < 2; f++) {
                    ink_inflate_format format = f ? INK_INFLATE_ZLIB : INK_INFLATE_RAW;
                    size_t n = ink_test_zlib_deflate(data[d], SAMPLE_BYTES, stream,
                                                     2 * SAMPLE_BYTES, level, strategies[st],
                                                     f ? 15 : -15, ZLIB_MEM_LEVEL);
                    for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++)
                        check_round_trip(data[d], SAMPLE_BYTES, stream, n, format, pieces[p][0],
                                         pieces[p][1], out);
                    streams++;
                }
    assert_int_equal(streams, 3 * 10 * 5 * 2);
    for (int i = 0; i < 3; i++)
        free(data[i]);
    free(stream);
    free(out);
}

/* The zlib format over data with runs of zero bytes, whose Adler-32 goes by zero words: any
 * slip in the sums is a mismatch with the stream's trailer. Levels 0 (stored), 1, 6 and 9, whole
 * and in pieces (output pieces cut the runs at every alignment). */
static void test_adler32_over_zero_runs(void **unused)
{
    (void)unused;
    uint8_t *data = malloc(SAMPLE_BYTES), *stream = malloc(2 * SAMPLE_BYTES),
            *out = malloc(SAMPLE_BYTES + 64);
    static const int levels[] = {0, 1, 6, 9};
    static const size_t pieces[][2] = {{0, 0}, {7, 13}, {0, 4096}, {SIZE_MAX - 1, SIZE_MAX - 1}};
    for (uint32_t seed = 1; seed <= 3; seed++) {
        make_zero_runs(data, SAMPLE_BYTES, seed);
        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
            size_t n = ink_test_zlib_deflate(data, SAMPLE_BYTES, stream, 2 * SAMPLE_BYTES,
                                             levels[l], Z_DEFAULT_STRATEGY, 15, ZLIB_MEM_LEVEL);
            for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++)
                check_round_trip(data, SAMPLE_BYTES, stream, n, INK_INFLATE_ZLIB, pieces[p][0],
                                 pieces[p][1], out);
        }
    }
    free(data);
    free(stream);
    free(out);
}

/* One byte in and one byte out, and every piece size from 1 to 300, over one stream per
 * strategy (kept small: the byte-at-a-time path is slow by design). */
static void test_every_piece_size(void **unused)
{
    (void)unused;
    enum { N = 6000 };
    uint8_t *data = malloc(N), *stream = malloc(2 * N), *out = malloc(N + 64);
    make_text(data, N, 9);
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE,
                                     Z_FIXED};
    for (size_t st = 0; st < 5; st++) {
        size_t n = ink_test_zlib_deflate(data, N, stream, 2 * N, 6, strategies[st], 15,
                                         ZLIB_MEM_LEVEL);
        for (size_t piece = 1; piece <= 300; piece++) {
            check_round_trip(data, N, stream, n, INK_INFLATE_ZLIB, piece, 0, out);
            check_round_trip(data, N, stream, n, INK_INFLATE_ZLIB, 0, piece, out);
            check_round_trip(data, N, stream, n, INK_INFLATE_ZLIB, piece, piece, out);
        }
    }
    free(data);
    free(stream);
    free(out);
}

/*
 * Output written straight into the window (ink_inflate_window_space), read back from there after
 * each call, and input that continues (ink_inflate_run_input_continues: the last bytes of a
 * piece may be left unconsumed, to be offered again with more behind them), as the PNG decoder
 * drives inflate: every stream of text, binary and random data at three levels and three
 * strategies (Z_RLE's tables hold pairs of literals), in output pieces of 1, 300, 4096 bytes
 * and up to the window's end, and input pieces of 64, 700 and varying sizes.
 */
static void test_output_in_window_and_input_that_continues(void **unused)
{
    (void)unused;
    enum { N = 100000 };
    uint8_t *data = malloc(N), *stream = malloc(2 * N), *out = malloc(N);
    static const int levels[] = {1, 6, 9};
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_RLE, Z_HUFFMAN_ONLY};
    static const size_t out_pieces[] = {1, 300, 4096, SIZE_MAX};
    static const size_t in_pieces[] = {64, 700, SIZE_MAX - 1};
    for (int d = 0; d < 3; d++) {
        if (d == 0)
            make_text(data, N, 21);
        else if (d == 1)
            make_binary(data, N, 22);
        else
            make_random(data, N, 23);
        for (size_t l = 0; l < 3; l++)
            for (size_t st = 0; st < 3; st++) {
                size_t n = ink_test_zlib_deflate(data, N, stream, 2 * N, levels[l],
                                                 strategies[st], 15, ZLIB_MEM_LEVEL);
                for (size_t o = 0; o < 4; o++)
                    for (size_t p = 0; p < 3; p++) {
                        ink_inflate *state;
                        assert_int_equal(ink_inflate_init(&state, state_memory,
                                                          sizeof state_memory, window_memory,
                                                          INK_INFLATE_ZLIB),
                                         INK_OK);
                        size_t in_pos = 0, out_pos = 0;
                        uint32_t seed = 77;
                        while (!ink_inflate_finished(state)) {
                            size_t in_n = in_pieces[p] == SIZE_MAX - 1
                                              ? 64 + ink_test_random(&seed) % 2000
                                              : in_pieces[p];
                            if (in_n > n - in_pos)
                                in_n = n - in_pos;
                            size_t space;
                            uint8_t *at = ink_inflate_window_space(state, &space);
                            if (space > out_pieces[o])
                                space = out_pieces[o];
                            if (space > N - out_pos) /* a window piece that would overflow out */
                                space = N - out_pos;
                            ink_inflate_io io = {stream + in_pos, in_n, at, space};
                            ink_error err = in_pos + in_n < n
                                                ? ink_inflate_run_input_continues(state, &io,
                                                                                  NULL)
                                                : ink_inflate_run(state, &io, NULL);
                            assert_int_equal(err, INK_OK);
                            size_t made = space - io.out_nbytes;
                            assert_true(in_n - io.in_nbytes > 0 || made > 0 ||
                                        ink_inflate_finished(state));
                            memcpy(out + out_pos, at, made);
                            in_pos += in_n - io.in_nbytes;
                            out_pos += made;
                        }
                        if (out_pos != N || memcmp(out, data, N) != 0 || in_pos != n)
                            fail_msg("in-window output: data %d level %d strategy %d, pieces "
                                     "out %zu in %zu: %zu of %u bytes",
                                     d, levels[l], strategies[st], out_pieces[o], in_pieces[p],
                                     out_pos, (unsigned)N);
                    }
            }
    }
    /* Output inside the window but not at its write position is refused. */
    ink_inflate *state;
    assert_int_equal(ink_inflate_init(&state, state_memory, sizeof state_memory, window_memory,
                                      INK_INFLATE_ZLIB),
                     INK_OK);
    ink_inflate_io misplaced = {stream, 10, window_memory + 1, 100};
    assert_int_equal(ink_inflate_run(state, &misplaced, NULL), INK_ERR_INVALID_ARGUMENT);
    size_t space;
    uint8_t *at = ink_inflate_window_space(state, &space);
    assert_ptr_equal(at, window_memory);
    assert_int_equal(space, INK_INFLATE_WINDOW_BYTES);
    ink_inflate_io past_end = {stream, 10, at, space + 1};
    assert_int_equal(ink_inflate_run(state, &past_end, NULL), INK_ERR_INVALID_ARGUMENT);
    free(data);
    free(stream);
    free(out);
}

/* ---- hand-built streams -------------------------------------------------------------------- */

typedef struct bit_writer {
    uint8_t bytes[80000];
    size_t nbits;
} bit_writer;

static void put_bits(bit_writer *w, uint32_t value, unsigned n)
{
    for (unsigned i = 0; i < n; i++, w->nbits++) {
        if ((w->nbits & 7) == 0)
            w->bytes[w->nbits >> 3] = 0;
        if ((value >> i) & 1)
            w->bytes[w->nbits >> 3] |= (uint8_t)(1u << (w->nbits & 7));
    }
}

/* Huffman codes are sent most significant bit first. */
static void put_code(bit_writer *w, uint32_t code, unsigned len)
{
    for (unsigned i = len; i-- > 0;)
        put_bits(w, (code >> i) & 1, 1);
}

static void align_byte(bit_writer *w)
{
    while (w->nbits & 7)
        put_bits(w, 0, 1);
}

static size_t writer_bytes(const bit_writer *w)
{
    return (w->nbits + 7) / 8;
}

/* Canonical codes from lengths, as RFC 1951 section 3.2.2 describes (independent of ours). */
static void canonical_codes(const uint8_t *lens, unsigned n, uint32_t *codes)
{
    unsigned bl_count[16] = {0}, next_code[16] = {0};
    for (unsigned i = 0; i < n; i++)
        bl_count[lens[i]]++;
    bl_count[0] = 0;
    unsigned code = 0;
    for (unsigned bits = 1; bits < 16; bits++) {
        code = (code + bl_count[bits - 1]) << 1;
        next_code[bits] = code;
    }
    for (unsigned i = 0; i < n; i++)
        codes[i] = lens[i] ? next_code[lens[i]]++ : 0;
}

/* Fixed Huffman code (RFC 1951 section 3.2.6). */
static void put_fixed_litlen(bit_writer *w, unsigned symbol)
{
    if (symbol < 144)
        put_code(w, 0x30 + symbol, 8);
    else if (symbol < 256)
        put_code(w, 0x190 + symbol - 144, 9);
    else if (symbol < 280)
        put_code(w, symbol - 256, 7);
    else
        put_code(w, 0xC0 + symbol - 280, 8);
}

/* Writes a length 3..258 in the fixed code, choosing the symbol from the RFC's table. */
static void put_fixed_length(bit_writer *w, unsigned length)
{
    static const unsigned base[29] = {3,  4,  5,  6,  7,  8,  9,  10,  11,  13,  15,  17,  19, 23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const unsigned extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    unsigned i = 28;
    while (base[i] > length)
        i--;
    put_fixed_litlen(w, 257 + i);
    put_bits(w, length - base[i], extra[i]);
}

static void put_distance(bit_writer *w, unsigned distance)
{
    static const unsigned base[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                      33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    unsigned i = 29;
    while (base[i] > distance)
        i--;
    put_code(w, i, 5);
    put_bits(w, distance - base[i], i < 4 ? 0 : (i - 2) / 2);
}

static void put_stored(bit_writer *w, bool final, const uint8_t *data, uint16_t n)
{
    put_bits(w, final, 1);
    put_bits(w, 0, 2);
    align_byte(w);
    put_bits(w, n, 16);
    put_bits(w, (uint16_t)~n, 16);
    for (unsigned i = 0; i < n; i++)
        put_bits(w, data[i], 8);
}

/* A dynamic block header from explicit lengths. The lengths are sent one code-length symbol
 * each (no repeats) unless `cl_symbols` gives an explicit sequence (symbol, extra value) pairs. */
typedef struct dynamic_spec {
    unsigned nlen, ndist, nclen;
    uint8_t cl_lens[19]; /* by symbol */
    const uint8_t *lens;  /* nlen + ndist, when cl_symbols is NULL */
    const uint16_t *cl_symbols; /* pairs, terminated by 0xFFFF */
} dynamic_spec;

static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

static void put_dynamic_header(bit_writer *w, bool final, const dynamic_spec *spec)
{
    put_bits(w, final, 1);
    put_bits(w, 2, 2);
    put_bits(w, spec->nlen - 257, 5);
    put_bits(w, spec->ndist - 1, 5);
    put_bits(w, spec->nclen - 4, 4);
    for (unsigned i = 0; i < spec->nclen; i++)
        put_bits(w, spec->cl_lens[cl_order[i]], 3);
    uint32_t cl_codes[19];
    canonical_codes(spec->cl_lens, 19, cl_codes);
    if (spec->cl_symbols) {
        for (const uint16_t *p = spec->cl_symbols; p[0] != 0xFFFF; p += 2) {
            put_code(w, cl_codes[p[0]], spec->cl_lens[p[0]]);
            if (p[0] == 16)
                put_bits(w, p[1], 2);
            else if (p[0] == 17)
                put_bits(w, p[1], 3);
            else if (p[0] == 18)
                put_bits(w, p[1], 7);
        }
    } else {
        for (unsigned i = 0; i < spec->nlen + spec->ndist; i++)
            put_code(w, cl_codes[spec->lens[i]], spec->cl_lens[spec->lens[i]]);
    }
}

/* A complete code-length code over all 19 symbols: 13 of 4 bits and 6 of 5 bits fill the 32
 * five-bit slots exactly (2 * 13 + 6 = 32). */
static void complete_cl_lens(uint8_t cl_lens[19])
{
    for (unsigned s = 0; s < 19; s++)
        cl_lens[s] = s < 13 ? 4 : 5;
}

typedef struct case_result {
    decode_result zlib, ours, ours_bytewise;
} case_result;

/* Runs both decoders (ours whole and byte by byte) and checks they agree with each other and
 * with the verdict the case was built for. */
static void check_case(const char *name, const uint8_t *stream, size_t n, ink_inflate_format format,
                       verdict expected)
{
    static uint8_t out_zlib[200000], out_ours[200000], out_bytewise[200000];
    decode_result z = zlib_decode(stream, n, out_zlib, sizeof out_zlib, format);
    decode_result o = ours_decode(stream, n, out_ours, sizeof out_ours, format, 0, 0);
    decode_result b = ours_decode(stream, n, out_bytewise, sizeof out_bytewise, format, 1, 1);
    if (z.verdict != expected)
        fail_msg("%s: zlib's verdict %d, the case expects %d", name, (int)z.verdict,
                 (int)expected);
    if (o.verdict != z.verdict || b.verdict != z.verdict)
        fail_msg("%s: our verdict %d (bytewise %d), zlib's %d", name, (int)o.verdict,
                 (int)b.verdict, (int)z.verdict);
    if (z.verdict == VERDICT_DONE) {
        assert_int_equal(o.out_nbytes, z.out_nbytes);
        assert_int_equal(b.out_nbytes, z.out_nbytes);
        assert_memory_equal(out_ours, out_zlib, z.out_nbytes);
        assert_memory_equal(out_bytewise, out_zlib, z.out_nbytes);
        assert_int_equal(o.in_used, z.in_used);
    }
}

static bit_writer writer;

static void test_empty_stored_block(void **unused)
{
    (void)unused;
    memset(&writer, 0, sizeof writer);
    put_stored(&writer, true, NULL, 0);
    check_case("empty stored block", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_DONE);
    /* Empty stored block then a fixed block with one literal. */
    memset(&writer, 0, sizeof writer);
    put_stored(&writer, false, NULL, 0);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_litlen(&writer, 'A');
    put_fixed_litlen(&writer, 256);
    check_case("empty stored then fixed", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_DONE);
    /* LEN and NLEN that disagree. */
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 3);
    align_byte(&writer);
    put_bits(&writer, 5, 16);
    put_bits(&writer, 5, 16);
    check_case("stored lengths disagree", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
}

/* 32,768 bytes of history from stored blocks, then matches reaching exactly the window start,
 * one byte past it, and the longest length. */
static void build_history(bit_writer *w, uint8_t *history)
{
    make_random(history, 32768, 77);
    put_stored(w, false, history, 16384);
    put_stored(w, false, history + 16384, 16384);
}

static void test_maximum_distance_and_length(void **unused)
{
    (void)unused;
    static uint8_t history[32768];
    memset(&writer, 0, sizeof writer);
    build_history(&writer, history);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_length(&writer, 258);
    put_distance(&writer, 32768);
    put_fixed_length(&writer, 258);
    put_distance(&writer, 1);
    put_fixed_length(&writer, 3);
    put_distance(&writer, 32768);
    put_fixed_litlen(&writer, 256);
    check_case("distance 32768, length 258", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_DONE);

    /* Length 258 written as symbol 284 with 31 extra: zlib accepts it. */
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_litlen(&writer, 'z');
    put_fixed_litlen(&writer, 284);
    put_bits(&writer, 31, 5);
    put_distance(&writer, 1);
    put_fixed_litlen(&writer, 256);
    check_case("length 258 as 284+31", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_DONE);
}

/*
 * Output in the window (as the PNG decoder drives it): the bytes ahead of the write position are
 * the oldest history, distances up to 32768 away. Matches whose lengths are not a multiple of a
 * word, each followed by a match reaching 32761..32768 back (into the bytes just ahead of the
 * output), and literals between them, in output pieces up to the window's end and of 1000
 * bytes, against zlib (whose deflate never sends such distances, hence a hand-built stream).
 */
static void test_output_in_window_keeps_the_oldest_history(void **unused)
{
    (void)unused;
    static uint8_t history[32768], expected[200000], got[200000];
    memset(&writer, 0, sizeof writer);
    build_history(&writer, history);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    uint32_t seed = 9;
    for (unsigned i = 0; i < 6000; i++) {
        put_fixed_length(&writer, 3 + i % 11);
        put_distance(&writer, 1 + i % 13);
        put_fixed_length(&writer, 3 + i % 7);
        put_distance(&writer, 32768 - i % 8);
        if (i % 3 == 0)
            put_fixed_litlen(&writer, ink_test_random(&seed) >> 24);
    }
    put_fixed_litlen(&writer, 256);
    assert_true(writer_bytes(&writer) < sizeof writer.bytes);
    decode_result z = zlib_decode(writer.bytes, writer_bytes(&writer), expected, sizeof expected,
                                  INK_INFLATE_RAW);
    assert_int_equal(z.verdict, VERDICT_DONE);
    static const size_t out_pieces[] = {SIZE_MAX, 1000};
    for (size_t o = 0; o < 2; o++) {
        ink_inflate *state;
        assert_int_equal(ink_inflate_init(&state, state_memory, sizeof state_memory,
                                          window_memory, INK_INFLATE_RAW),
                         INK_OK);
        size_t in_pos = 0, out_pos = 0, n = writer_bytes(&writer);
        while (!ink_inflate_finished(state)) {
            size_t space;
            uint8_t *at = ink_inflate_window_space(state, &space);
            if (space > out_pieces[o])
                space = out_pieces[o];
            ink_inflate_io io = {writer.bytes + in_pos, n - in_pos, at, space};
            assert_int_equal(ink_inflate_run(state, &io, NULL), INK_OK);
            size_t made = space - io.out_nbytes;
            assert_true(out_pos + made <= sizeof got);
            memcpy(got + out_pos, at, made);
            in_pos = n - io.in_nbytes;
            out_pos += made;
        }
        assert_int_equal(out_pos, z.out_nbytes);
        assert_memory_equal(got, expected, out_pos);
    }
}

static void test_distance_beyond_window_start(void **unused)
{
    (void)unused;
    static const uint8_t ten[10] = "0123456789";
    memset(&writer, 0, sizeof writer);
    put_stored(&writer, false, ten, 10);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_length(&writer, 5);
    put_distance(&writer, 10);
    put_fixed_litlen(&writer, 256);
    check_case("distance to the first byte", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_DONE);

    memset(&writer, 0, sizeof writer);
    put_stored(&writer, false, ten, 10);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_length(&writer, 5);
    put_distance(&writer, 11);
    put_fixed_litlen(&writer, 256);
    check_case("distance one before the first byte", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);

    /* With a full window: 32769 is not even codable in deflate, so use 32768 + an extra byte
     * of history missing: 32767 bytes of history and distance 32768. */
    static uint8_t history[32768];
    make_random(history, 32768, 5);
    memset(&writer, 0, sizeof writer);
    put_stored(&writer, false, history, 16384);
    put_stored(&writer, false, history, 16383);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_length(&writer, 4);
    put_distance(&writer, 32768);
    put_fixed_litlen(&writer, 256);
    check_case("distance 32768 with 32767 bytes of history", writer.bytes,
               writer_bytes(&writer), INK_INFLATE_RAW, VERDICT_ERROR);

    /* Distance from the very first symbol. */
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    put_fixed_length(&writer, 3);
    put_distance(&writer, 1);
    put_fixed_litlen(&writer, 256);
    check_case("match with no history", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
}

static void test_all_literal_and_invalid_fixed_codes(void **unused)
{
    (void)unused;
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 1, 2);
    for (unsigned i = 0; i < 256; i++)
        put_fixed_litlen(&writer, i);
    put_fixed_litlen(&writer, 256);
    check_case("all literals (fixed)", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_DONE);

    for (unsigned symbol = 286; symbol <= 287; symbol++) {
        memset(&writer, 0, sizeof writer);
        put_bits(&writer, 1, 1);
        put_bits(&writer, 1, 2);
        put_fixed_litlen(&writer, 'a');
        put_fixed_litlen(&writer, symbol);
        put_bits(&writer, 0, 16);
        check_case("fixed literal/length 286/287", writer.bytes, writer_bytes(&writer),
                   INK_INFLATE_RAW, VERDICT_ERROR);
    }
    for (unsigned symbol = 30; symbol <= 31; symbol++) {
        memset(&writer, 0, sizeof writer);
        put_bits(&writer, 1, 1);
        put_bits(&writer, 1, 2);
        put_fixed_litlen(&writer, 'a');
        put_fixed_length(&writer, 3);
        put_code(&writer, symbol, 5);
        put_bits(&writer, 0, 16);
        check_case("fixed distance 30/31", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
                   VERDICT_ERROR);
    }
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 3, 2);
    put_bits(&writer, 0, 16);
    check_case("block type 3", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
}

/* Dynamic blocks: litlen lengths with 'a' and 'b' and 256 and a length symbol; distance codes
 * as given. */
static void dynamic_case(const char *name, const uint8_t *litlen_lens, unsigned nlen,
                         const uint8_t *dist_lens, unsigned ndist, const uint16_t *symbols,
                         verdict expected)
{
    uint8_t lens[320];
    memcpy(lens, litlen_lens, nlen);
    memcpy(lens + nlen, dist_lens, ndist);
    dynamic_spec spec = {nlen, ndist, 19, {0}, lens, NULL};
    complete_cl_lens(spec.cl_lens);
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    uint32_t litlen_codes[288], dist_codes[32];
    canonical_codes(litlen_lens, nlen, litlen_codes);
    canonical_codes(dist_lens, ndist, dist_codes);
    /* symbols: pairs (L, litlen symbol) or (D, distance symbol) or (X, raw bits count<<8|v). */
    for (const uint16_t *p = symbols; p[0] != 0; p += 2) {
        if (p[0] == 'L')
            put_code(&writer, litlen_codes[p[1]], litlen_lens[p[1]]);
        else if (p[0] == 'D')
            put_code(&writer, dist_codes[p[1]], dist_lens[p[1]]);
        else
            put_bits(&writer, p[1] & 0xFF, p[1] >> 8);
    }
    put_bits(&writer, 0, 16); /* padding so "wants more input" is not the verdict by accident */
    check_case(name, writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW, expected);
}

static void test_huffman_table_shapes(void **unused)
{
    (void)unused;
    uint8_t litlen[286] = {0}, dist[30] = {0};
    /* A complete litlen code: 'a' 1 bit, 'b' 2 bits, 256 3 bits, 257 (length 3) 3 bits. */
    litlen['a'] = 1;
    litlen['b'] = 2;
    litlen[256] = 3;
    litlen[257] = 3;
    dist[0] = 1;
    static const uint16_t use_one_bit_dist[] = {'L', 'a', 'L', 257, 'D', 0, 'L', 'b', 'L', 256, 0};
    dynamic_case("single one-bit distance code, used", litlen, 286, dist, 30, use_one_bit_dist,
                 VERDICT_DONE);
    /* The missing half of the one-bit distance code. */
    static const uint16_t use_missing_dist[] = {'L', 'a', 'L', 257, 'X', (1 << 8) | 1, 'L', 256, 0};
    dynamic_case("single one-bit distance code, other code", litlen, 286, dist, 30,
                 use_missing_dist, VERDICT_ERROR);
    /* No distance codes at all: fine while no match is used. */
    memset(dist, 0, sizeof dist);
    static const uint16_t only_literals[] = {'L', 'a', 'L', 'b', 'L', 'a', 'L', 256, 0};
    dynamic_case("no distance codes, literals only", litlen, 286, dist, 30, only_literals,
                 VERDICT_DONE);
    static const uint16_t with_match[] = {'L', 'a', 'L', 257, 'X', (1 << 8) | 0, 'L', 256, 0};
    dynamic_case("no distance codes, a match", litlen, 286, dist, 30, with_match, VERDICT_ERROR);
    /* Incomplete distance code of more than one bit. */
    dist[0] = 2;
    dist[1] = 2;
    dist[2] = 2;
    dynamic_case("incomplete distance code", litlen, 286, dist, 30, only_literals, VERDICT_ERROR);
    /* Over-subscribed distance code. */
    dist[3] = 2;
    dist[4] = 2;
    dynamic_case("over-subscribed distance code", litlen, 286, dist, 30, only_literals,
                 VERDICT_ERROR);
    memset(dist, 0, sizeof dist);
    dist[0] = 1;
    /* Over-subscribed and incomplete literal/length codes. */
    litlen['c'] = 3;
    dynamic_case("over-subscribed literal/length code", litlen, 286, dist, 30, only_literals,
                 VERDICT_ERROR);
    litlen['c'] = 0;
    litlen[257] = 0;
    dynamic_case("incomplete literal/length code", litlen, 286, dist, 30, only_literals,
                 VERDICT_ERROR);
    /* Only end-of-block, one bit: incomplete but accepted, as zlib does. */
    uint8_t eob_only[257] = {0};
    eob_only[256] = 1;
    static const uint16_t just_end[] = {'L', 256, 0};
    dynamic_case("single one-bit end-of-block code", eob_only, 257, dist, 1, just_end,
                 VERDICT_DONE);
    static const uint16_t missing_half[] = {'X', (1 << 8) | 1, 0};
    dynamic_case("single one-bit end-of-block code, other code", eob_only, 257, dist, 1,
                 missing_half, VERDICT_ERROR);
    /* Missing end-of-block code. */
    memset(litlen, 0, sizeof litlen);
    litlen['a'] = 1;
    litlen['b'] = 1;
    dynamic_case("missing end-of-block", litlen, 286, dist, 30, only_literals, VERDICT_ERROR);
    /* Long codes: a code with lengths up to 15 (forces subtables in both tables). */
    memset(litlen, 0, sizeof litlen);
    for (unsigned s = 0; s < 14; s++)
        litlen['a' + s] = (uint8_t)(s + 1);
    litlen[256] = 15;
    litlen[257] = 15;
    memset(dist, 0, sizeof dist);
    for (unsigned s = 0; s < 14; s++)
        dist[s] = (uint8_t)(s + 1);
    dist[14] = 15;
    dist[15] = 15;
    static const uint16_t long_codes[] = {'L', 'a', 'L', 'a' + 13, 'L', 257, 'D', 14, 'L', 257,
                                          'D', 15, 'X', (6 << 8) | 0, 'L', 'a' + 12, 'L', 256, 0};
    dynamic_case("15-bit codes", litlen, 286, dist, 30, long_codes, VERDICT_ERROR);
    static const uint16_t long_codes_ok[] = {'L', 'a', 'L', 'a' + 13, 'L', 257, 'D', 0,
                                             'L', 257, 'D', 1, 'L', 'a' + 12, 'L', 256, 0};
    dynamic_case("15-bit codes, near distances", litlen, 286, dist, 30, long_codes_ok,
                 VERDICT_DONE);
}

static void test_code_length_code(void **unused)
{
    (void)unused;
    uint8_t lens[257 + 1] = {0};
    lens['a'] = 1;
    lens[256] = 1;
    lens[257] = 1; /* the one distance code */
    dynamic_spec spec = {257, 1, 19, {0}, lens, NULL};
    complete_cl_lens(spec.cl_lens);

    /* Over-subscribed and incomplete code-length codes. */
    spec.cl_lens[18] = 3;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    put_bits(&writer, 0, 32);
    check_case("over-subscribed code-length code", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);
    complete_cl_lens(spec.cl_lens);
    spec.cl_lens[18] = 0;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    put_bits(&writer, 0, 32);
    check_case("incomplete code-length code", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);
    /* A code-length code of one symbol of one bit is incomplete too (unlike the others). */
    memset(spec.cl_lens, 0, sizeof spec.cl_lens);
    spec.cl_lens[1] = 1;
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 2, 2);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 15, 4);
    for (unsigned i = 0; i < 19; i++)
        put_bits(&writer, spec.cl_lens[cl_order[i]], 3);
    put_bits(&writer, 0, 32);
    check_case("single one-bit code-length code", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);
    /* No code-length symbols at all: zlib reads every length as 0, then finds no end-of-block. */
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 2, 2);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 0, 4);
    put_bits(&writer, 0, 12);
    for (unsigned i = 0; i < 300; i++)
        put_bits(&writer, 0, 1);
    check_case("empty code-length code", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);

    complete_cl_lens(spec.cl_lens);
    /* Repeat (16) with nothing to repeat. */
    static const uint16_t repeat_first[] = {16, 0, 0xFFFF};
    spec.cl_symbols = repeat_first;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    put_bits(&writer, 0, 32);
    check_case("repeat with no previous length", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);
    /* Zero runs past the end of the lengths. */
    static const uint16_t overrun[] = {18, 127, 18, 127, 18, 127, 0xFFFF};
    spec.cl_symbols = overrun;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    put_bits(&writer, 0, 32);
    check_case("repeat past the last length", writer.bytes, writer_bytes(&writer),
               INK_INFLATE_RAW, VERDICT_ERROR);
    /* Run lengths: [0..96] zero, [97] ('a') = 1, [98..235] zero (138), [236..255] zero (20),
     * [256] = 1, then "repeat 3 times" would fill [257..259], past the 258 lengths. */
    static const uint16_t exact2[] = {18, 86, 1, 0, 18, 127, 18, 9, 1, 0, 16, 0, 0xFFFF};
    spec.cl_symbols = exact2;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    put_bits(&writer, 0, 32);
    check_case("repeat of 3 past the end", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
    /* And the same lengths sent exactly: [256]=1 then one more 1 for the distance code. */
    static const uint16_t exact3[] = {18, 86, 1, 0, 18, 127, 18, 9, 1, 0, 1, 0, 0xFFFF};
    spec.cl_symbols = exact3;
    memset(&writer, 0, sizeof writer);
    put_dynamic_header(&writer, true, &spec);
    /* litlen code: 'a' = 0, 256 = 1 (both one bit); distance: one one-bit code. */
    put_code(&writer, 0, 1);
    put_code(&writer, 1, 1);
    put_bits(&writer, 0, 8);
    check_case("exact run-length lengths", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_DONE);
    spec.cl_symbols = NULL;

    /* HLIT of 287 and HDIST of 31 are refused. */
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 2, 2);
    put_bits(&writer, 30, 5);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 0, 4);
    put_bits(&writer, 0, 32);
    check_case("287 literal/length codes", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
    memset(&writer, 0, sizeof writer);
    put_bits(&writer, 1, 1);
    put_bits(&writer, 2, 2);
    put_bits(&writer, 0, 5);
    put_bits(&writer, 30, 5);
    put_bits(&writer, 0, 4);
    put_bits(&writer, 0, 32);
    check_case("31 distance codes", writer.bytes, writer_bytes(&writer), INK_INFLATE_RAW,
               VERDICT_ERROR);
}

static void test_zlib_wrapper(void **unused)
{
    (void)unused;
    static const uint8_t text[] = "inkpipe inkpipe inkpipe";
    uint8_t stream[128];
    size_t n = ink_test_zlib_deflate(text, sizeof text, stream, sizeof stream, 9,
                                     Z_DEFAULT_STRATEGY, 15, ZLIB_MEM_LEVEL);
    check_case("zlib stream", stream, n, INK_INFLATE_ZLIB, VERDICT_DONE);
    uint8_t bad[128];
    memcpy(bad, stream, n);
    bad[n - 1] ^= 1;
    check_case("Adler-32 mismatch", bad, n, INK_INFLATE_ZLIB, VERDICT_ERROR);
    memcpy(bad, stream, n);
    bad[1] ^= 1;
    check_case("header check", bad, n, INK_INFLATE_ZLIB, VERDICT_ERROR);
    /* Method 7, window 2^16, preset dictionary: each with a valid header check. */
    static const uint8_t cmf_flg[][2] = {{0x77, 0}, {0x88, 0}, {0x78, 0x20}};
    for (unsigned i = 0; i < 3; i++) {
        memcpy(bad, stream, n);
        bad[0] = cmf_flg[i][0];
        bad[1] = cmf_flg[i][1];
        bad[1] = (uint8_t)(bad[1] + (31 - ((bad[0] << 8) | bad[1]) % 31) % 31);
        check_case("zlib header field", bad, n, INK_INFLATE_ZLIB, VERDICT_ERROR);
    }
    /* A smaller declared window (CINFO 0) is accepted as zlib does. */
    memcpy(bad, stream, n);
    bad[0] = 0x08;
    bad[1] = 0;
    bad[1] = (uint8_t)(bad[1] + (31 - ((bad[0] << 8) | bad[1]) % 31) % 31);
    check_case("zlib header, 256-byte window", bad, n, INK_INFLATE_ZLIB, VERDICT_DONE);
    /* Truncated: every prefix wants more input, for both decoders. */
    for (size_t cut = 0; cut < n; cut++)
        check_case("truncated zlib stream", stream, cut, INK_INFLATE_ZLIB, VERDICT_INCOMPLETE);
}

/* Damaged streams: both decoders must reach the same verdict (and output when accepted). */
static void test_mutations_agree_with_zlib(void **unused)
{
    (void)unused;
    enum { N = 3000 };
    uint8_t *data = malloc(N), *stream = malloc(2 * N), *damaged = malloc(2 * N);
    static uint8_t out_z[1 << 17], out_o[1 << 17];
    static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_HUFFMAN_ONLY, Z_FIXED, Z_RLE};
    unsigned compared = 0;
    for (int d = 0; d < 2; d++) {
        if (d == 0)
            make_text(data, N, 44);
        else
            make_binary(data, N, 45);
        for (size_t st = 0; st < 4; st++) {
            size_t n = ink_test_zlib_deflate(data, N, stream, 2 * N, 6, strategies[st], -15,
                                             ZLIB_MEM_LEVEL);
            uint32_t seed = 99 + (uint32_t)st;
            for (unsigned trial = 0; trial < 600; trial++) {
                memcpy(damaged, stream, n);
                unsigned flips = 1 + ink_test_random(&seed) % 3;
                for (unsigned f = 0; f < flips; f++) {
                    uint32_t bit = ink_test_random(&seed) % (uint32_t)(8 * n);
                    damaged[bit >> 3] ^= (uint8_t)(1u << (bit & 7));
                }
                decode_result z = zlib_decode(damaged, n, out_z, sizeof out_z, INK_INFLATE_RAW);
                decode_result o = ours_decode(damaged, n, out_o, sizeof out_o, INK_INFLATE_RAW,
                                              trial % 2 ? 0 : 5, trial % 3 ? 0 : 7);
                if (z.verdict != o.verdict)
                    fail_msg("trial %u (strategy %zu, data %d): ours %d, zlib %d", trial, st, d,
                             (int)o.verdict, (int)z.verdict);
                if (z.verdict == VERDICT_DONE) {
                    assert_int_equal(o.out_nbytes, z.out_nbytes);
                    assert_memory_equal(out_o, out_z, z.out_nbytes);
                } else if (z.verdict == VERDICT_INCOMPLETE) {
                    /* Both produced what the damaged prefix holds. */
                    size_t common = o.out_nbytes < z.out_nbytes ? o.out_nbytes : z.out_nbytes;
                    assert_memory_equal(out_o, out_z, common);
                }
                compared++;
            }
        }
    }
    assert_int_equal(compared, 2 * 4 * 600);
    free(data);
    free(stream);
    free(damaged);
}

static void test_bad_arguments(void **unused)
{
    (void)unused;
    ink_inflate *state = (ink_inflate *)1;
    assert_int_equal(ink_inflate_init(&state, state_memory, 16, window_memory, INK_INFLATE_RAW),
                     INK_ERR_INVALID_ARGUMENT);
    assert_null(state);
    assert_int_equal(ink_inflate_init(&state, state_memory + 1, sizeof state_memory - 1,
                                      window_memory, INK_INFLATE_RAW),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(
        ink_inflate_init(&state, state_memory, sizeof state_memory, NULL, INK_INFLATE_RAW),
        INK_ERR_INVALID_ARGUMENT);
    assert_true(INK_INFLATE_STATE_BYTES <= 8192);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_zlib_stream),
        cmocka_unit_test(test_every_piece_size),
        cmocka_unit_test(test_adler32_over_zero_runs),
        cmocka_unit_test(test_output_in_window_and_input_that_continues),
        cmocka_unit_test(test_empty_stored_block),
        cmocka_unit_test(test_maximum_distance_and_length),
        cmocka_unit_test(test_output_in_window_keeps_the_oldest_history),
        cmocka_unit_test(test_distance_beyond_window_start),
        cmocka_unit_test(test_all_literal_and_invalid_fixed_codes),
        cmocka_unit_test(test_huffman_table_shapes),
        cmocka_unit_test(test_code_length_code),
        cmocka_unit_test(test_zlib_wrapper),
        cmocka_unit_test(test_mutations_agree_with_zlib),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
