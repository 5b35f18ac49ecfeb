/*
 * test_inflate_narrow.c — decode/inflate at the edges of its fast loop.
 *
 * The fast loop runs only while enough input and output remain (decode/inflate.c); near either
 * end the checked state machine takes over, and a call can stop anywhere inside a symbol, a
 * match copy or a block header. These tests cut the input and the output at every position of
 * a few streams built to exercise every match shape (periods 1 to 9 that overlap the copy,
 * lengths 3 to 258, distances up to the 32 KB window that reach back into earlier calls'
 * output), and one of literals with short codes, as PNG filter residuals give, where most root
 * table entries decode two literals at once (pairs), and check every cut against zlib's own decompression of the same stream: the bytes,
 * the end of the stream, and that the bytes after its end are left unconsumed. Each call gets
 * its input piece in a copy followed by junk and its output piece followed by a canary, so a
 * read past the input offered changes the output and a write past the output offered is seen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "decode/inflate.h"
#include "test_support.h"

#define MAX_RAW_NBYTES (96u * 1024u)
#define MAX_STREAM_NBYTES (128u * 1024u)
#define TRAILER "TAIL"

static _Alignas(8) uint8_t state_memory[8192];
static uint8_t window_memory[INK_INFLATE_WINDOW_BYTES];

/*
 * Data whose deflate stream holds every kind of match: runs with short periods (1..9, copies
 * that overlap themselves), repeats of random 3..258-byte strings from near and far back (up to
 * the 32 KB window), and stretches of random literals between them.
 */
static size_t make_match_mix(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    size_t i = 0;
    while (i < nbytes) {
        uint32_t kind = ink_test_random(&seed) % 4;
        size_t length = 3 + ink_test_random(&seed) % 256;
        if (i + length > nbytes)
            length = nbytes - i;
        if (kind == 0 || i < 300) { /* literals */
            for (size_t k = 0; k < length; k++)
                dst[i + k] = (uint8_t)(ink_test_random(&seed) >> 24);
        } else if (kind == 1) { /* a short period: copies that overlap their source */
            size_t period = 1 + ink_test_random(&seed) % 9;
            for (size_t k = 0; k < length; k++)
                dst[i + k] = k < period ? (uint8_t)(ink_test_random(&seed) >> 24) : dst[i + k - period];
        } else { /* a repeat from anywhere in the window */
            size_t reach = i < 32768 ? i : 32768;
            size_t distance = 1 + ink_test_random(&seed) % reach;
            if (kind == 3 && reach > 30000)
                distance = reach - ink_test_random(&seed) % 64; /* the window's far end */
            for (size_t k = 0; k < length; k++)
                dst[i + k] = dst[i + k - distance];
        }
        i += length;
    }
    return nbytes;
}

/*
 * Bytes like a PNG row's filter residuals: mostly 0, 1 or 255, some 2, 254 or 3, a few random
 * bytes and runs of the previous byte. Deflated with Z_RLE (matches at distance 1 only) the
 * literal codes are 2 to 4 bits long, so the literal/length table holds pairs of literals, and
 * the runs put matches between them.
 */
static size_t make_residuals(uint8_t *dst, size_t nbytes, uint32_t seed)
{
    static const uint8_t values[25] = {0, 0, 0,   0,   0,   0,   0,   0, 0, 0,   0,   0, 1,
                                       1, 1, 1,   1,   255, 255, 255, 255, 255, 2, 254, 3};
    for (size_t i = 0; i < nbytes; i++) {
        uint32_t r = ink_test_random(&seed);
        if (i >= 1 && r % 41 == 0) { /* a run of 3..34 */
            size_t end = i + 3 + (r >> 8) % 32;
            for (; i < end && i < nbytes; i++)
                dst[i] = dst[i - 1];
            i--;
        } else if (r % 29 == 0) {
            dst[i] = (uint8_t)(r >> 24);
        } else {
            dst[i] = values[(r >> 8) % 25];
        }
    }
    return nbytes;
}

/* zlib's decompression of the stream: the reference every cut is compared with. */
static size_t decompress_with_zlib(const uint8_t *stream, size_t stream_nbytes, uint8_t *out,
                                   size_t out_capacity, int window_bits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, window_bits), Z_OK);
    z.next_in = (Bytef *)stream;
    z.avail_in = (uInt)stream_nbytes;
    z.next_out = out;
    z.avail_out = (uInt)out_capacity;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    inflateEnd(&z);
    return n;
}

#define RESIDUALS_SEED 15u

typedef struct test_stream {
    ink_inflate_format format;
    uint8_t bytes[MAX_STREAM_NBYTES]; /* the stream, then TRAILER (must stay unconsumed) */
    size_t nbytes;                    /* without the trailer */
    uint8_t expected[MAX_RAW_NBYTES];
    size_t expected_nbytes;
} test_stream;

static void make_stream(test_stream *stream, size_t raw_nbytes, uint32_t seed, int level,
                        int strategy, ink_inflate_format format)
{
    static uint8_t raw[MAX_RAW_NBYTES];
    assert_true(raw_nbytes <= sizeof raw);
    if (seed == RESIDUALS_SEED)
        make_residuals(raw, raw_nbytes, seed);
    else
        make_match_mix(raw, raw_nbytes, seed);
    int window_bits = format == INK_INFLATE_RAW ? -15 : 15;
    stream->format = format;
    stream->nbytes = ink_test_zlib_deflate(raw, raw_nbytes, stream->bytes,
                                           sizeof stream->bytes - sizeof TRAILER, level, strategy,
                                           window_bits, 9);
    memcpy(stream->bytes + stream->nbytes, TRAILER, sizeof TRAILER);
    stream->expected_nbytes = decompress_with_zlib(stream->bytes, stream->nbytes,
                                                   stream->expected, sizeof stream->expected,
                                                   window_bits);
    assert_int_equal(stream->expected_nbytes, raw_nbytes);
}

#define JUNK_NBYTES 64u
#define CANARY_NBYTES 300u
#define CANARY 0xA5u

/*
 * Decodes `stream` offering the input in pieces [0, in_cuts[0]), [in_cuts[0], in_cuts[1]), ...
 * and the output likewise, each call getting the current input piece and output piece (a
 * call returns when either is used up; the next piece of that one is then offered). Checks
 * the bytes, the end, and that exactly the stream was consumed.
 */
static void decode_and_check(const test_stream *stream, const size_t *in_cuts, size_t in_ncuts,
                             const size_t *out_cuts, size_t out_ncuts)
{
    static uint8_t out[MAX_RAW_NBYTES + CANARY_NBYTES];
    static uint8_t in_copy[MAX_STREAM_NBYTES + JUNK_NBYTES];
    memset(out, CANARY, sizeof out);
    ink_inflate *state;
    assert_int_equal(ink_inflate_init(&state, state_memory, sizeof state_memory, window_memory,
                                      stream->format),
                     INK_OK);
    const size_t in_total = stream->nbytes + sizeof TRAILER;
    size_t in_pos = 0, out_pos = 0, in_cut = 0, out_cut = 0;
    unsigned idle_calls = 0;
    while (!ink_inflate_finished(state)) {
        while (in_cut < in_ncuts && in_cuts[in_cut] <= in_pos)
            in_cut++;
        while (out_cut < out_ncuts && out_cuts[out_cut] <= out_pos)
            out_cut++;
        size_t in_end = in_cut < in_ncuts ? in_cuts[in_cut] : in_total;
        size_t out_end = out_cut < out_ncuts ? out_cuts[out_cut] : MAX_RAW_NBYTES;
        memcpy(in_copy, stream->bytes + in_pos, in_end - in_pos);
        memset(in_copy + (in_end - in_pos), 0xFF ^ (int)in_pos, JUNK_NBYTES);
        ink_inflate_io io = {in_copy, in_end - in_pos, out + out_pos, out_end - out_pos};
        ink_error_info info;
        ink_error_clear(&info);
        ink_error err = ink_inflate_run(state, &io, &info);
        if (err != INK_OK)
            fail_msg("inflate error %d (%s) at in %zu out %zu", (int)err, info.detail, in_pos,
                     out_pos);
        size_t consumed = (in_end - in_pos) - io.in_nbytes;
        size_t produced = (out_end - out_pos) - io.out_nbytes;
        in_pos += consumed;
        out_pos += produced;
        for (size_t k = out_end; k < out_end + CANARY_NBYTES; k++)
            if (out[k] != CANARY)
                fail_msg("a write at %zu past the output offered (up to %zu)", k, out_end);
        /* A call may stop with both pieces left only at the end of the stream. */
        if (consumed == 0 && produced == 0 && !ink_inflate_finished(state)) {
            if (io.in_nbytes > 0 && io.out_nbytes > 0)
                fail_msg("no progress with input and output left at in %zu out %zu", in_pos,
                         out_pos);
            assert_true(++idle_calls < 4);
        }
        if (in_pos == in_total && !ink_inflate_finished(state))
            fail_msg("stream unfinished after all input (out %zu)", out_pos);
    }
    assert_int_equal(out_pos, stream->expected_nbytes);
    assert_memory_equal(out, stream->expected, out_pos);
    assert_int_equal(in_pos, stream->nbytes); /* the trailer is left alone */
    assert_int_equal(ink_inflate_total_out(state), stream->expected_nbytes);
}

static test_stream streams[5];
#define FAR_STREAM 3u /* the long one: not cut at every position */

static int make_streams(void **unused)
{
    (void)unused;
    make_stream(&streams[0], 6000, 11, 6, Z_DEFAULT_STRATEGY, INK_INFLATE_RAW);
    make_stream(&streams[1], 5000, 12, 9, Z_FIXED, INK_INFLATE_ZLIB);
    make_stream(&streams[2], 3000, 13, 0, Z_DEFAULT_STRATEGY, INK_INFLATE_RAW); /* stored */
    make_stream(&streams[FAR_STREAM], 90000, 14, 9, Z_DEFAULT_STRATEGY, INK_INFLATE_RAW);
    make_stream(&streams[4], 6000, RESIDUALS_SEED, 6, Z_RLE, INK_INFLATE_ZLIB); /* pairs */
    return 0;
}

/* The input cut in two at every position, the output in one piece. */
static void test_every_input_cut(void **unused)
{
    (void)unused;
    for (size_t s = 0; s < 5; s++)
        for (size_t cut = 0; s != FAR_STREAM && cut <= streams[s].nbytes; cut++)
            decode_and_check(&streams[s], &cut, 1, NULL, 0);
}

/* The output cut in two at every position, the input in one piece. */
static void test_every_output_cut(void **unused)
{
    (void)unused;
    for (size_t s = 0; s < 5; s++)
        for (size_t cut = 0; s != FAR_STREAM && cut <= streams[s].expected_nbytes; cut++)
            decode_and_check(&streams[s], NULL, 0, &cut, 1);
}

/* Output windows of every size from 1 to 300 bytes (the fast loop needs 258 and a margin) and
 * of the window's size: every call ends near a match or a literal run. */
static void test_narrow_output_windows(void **unused)
{
    (void)unused;
    static size_t cuts[MAX_RAW_NBYTES];
    const size_t widths[] = {4096, 32767, 32768, 32769};
    for (size_t s = 0; s < 5; s++) {
        const size_t nwidths = s == FAR_STREAM ? 300 + sizeof widths / sizeof widths[0] : 300;
        for (size_t w = 0; w < nwidths; w++) {
            const size_t width = w < 300 ? w + 1 : widths[w - 300];
            size_t ncuts = 0;
            for (size_t at = width; at < streams[s].expected_nbytes; at += width)
                cuts[ncuts++] = at;
            decode_and_check(&streams[s], NULL, 0, cuts, ncuts);
        }
    }
}

/* Input pieces of 1 to 40 bytes (the fast loop wants a few words of input) against output
 * windows of 1, 259, 300 and unlimited bytes. */
static void test_narrow_input_pieces(void **unused)
{
    (void)unused;
    static size_t in_cuts[MAX_STREAM_NBYTES], out_cuts[MAX_RAW_NBYTES];
    const size_t out_widths[] = {1, 259, 300, 0};
    for (size_t s = 0; s < 5; s++)
        for (size_t piece = 1; piece <= 40; piece++)
            for (size_t o = 0; o < sizeof out_widths / sizeof out_widths[0]; o++) {
                if (s == FAR_STREAM && out_widths[o] == 1)
                    continue; /* 90,000 one-byte calls per piece size add nothing */
                size_t n_in = 0, n_out = 0;
                for (size_t at = piece; at < streams[s].nbytes; at += piece)
                    in_cuts[n_in++] = at;
                for (size_t at = out_widths[o]; out_widths[o] && at < streams[s].expected_nbytes;
                     at += out_widths[o])
                    out_cuts[n_out++] = at;
                decode_and_check(&streams[s], in_cuts, n_in, out_cuts, n_out);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_input_cut),
        cmocka_unit_test(test_every_output_cut),
        cmocka_unit_test(test_narrow_output_windows),
        cmocka_unit_test(test_narrow_input_pieces),
    };
    return cmocka_run_group_tests(tests, make_streams, NULL);
}
