/*
 * test_jpeg_progressive_sweep.c — hostile progressive streams and the arena, for jpeg_progressive*.c.
 *
 *  - truncation sweep: every prefix of progressive fixtures that need several bands (so scans are
 *    resumed from checkpoints): truncated scans, a file cut between scans (decodes what it has,
 *    as libjpeg does, or is refused), cut inside tables;
 *  - bit-flip sweep: single-bit flips at every byte and random bursts: corrupt Huffman codes, EOB
 *    runs longer than the component, refinement bits that contradict the history, wrong restart
 *    markers, broken scan headers. Every run must return, release every claim, never push more
 *    rows than the image has, succeed only with every row, and explain every refusal;
 *  - hand-made cases: an AC scan whose EOB run overruns the component, an AC refinement of size 2,
 *    a scan past Se, a DC refinement before any DC scan;
 *  - arena pattern: outside the claims the decoder held, the arena is untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jpeglib.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/jpeg.h"
#include "jpeg_testing.h"
#include "test_support.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

typedef struct sweep_sink {
    unsigned scale_log2;
    uint32_t height, rows;
    bool too_many;
    ink_arena *arena;
    bool record;
    uint8_t claimed[INK_ARENA_BYTES];
} sweep_sink;

static ink_error sweep_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    sweep_sink *sink = user;
    *scale_log2 = sink->scale_log2;
    sink->height = ink_scaled_size(info->height, sink->scale_log2);
    return INK_OK;
}

static ink_error sweep_row(void *user, const uint8_t *gray)
{
    sweep_sink *sink = user;
    (void)gray;
    if (sink->record)
        for (unsigned i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
            const ink_claim_record *claim = &sink->arena->claims[i];
            if (claim->live)
                memset(sink->claimed + claim->offset, 1, claim->nbytes);
        }
    if (++sink->rows > sink->height)
        sink->too_many = true;
    return INK_OK;
}

static ink_error run(const uint8_t *data, size_t nbytes, sweep_sink *sink, ink_error_info *info)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    arena.trap_on_misuse = false;
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, nbytes);
    sink->arena = &arena;
    sink->rows = 0;
    sink->height = 0;
    sink->too_many = false;
    ink_row_sink row_sink = {sweep_begin, sweep_row, sink};
    ink_error_clear(info);
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &row_sink, info);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    assert_false(sink->too_many);
    if (error == INK_OK)
        assert_int_equal(sink->rows, sink->height);
    else
        assert_true(info->detail[0] != '\0');
    return error;
}

#define NFIXTURES 4u

/* Progressive fixtures several bands tall at 1/1 (200 px wide 4:2:0: 8 block rows a band). */
static uint8_t *fixture(unsigned which, size_t *nbytes)
{
    static const jt_compress_options options[] = {
        {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 80, 3, false, true},
        {JCS_GRAYSCALE, {1}, {1}, 70, 0, false, true},
        {JCS_YCbCr, {1, 1, 1}, {1, 1, 1}, 90, 0, false, true},
    };
    static const uint32_t sizes[][2] = {{200, 150}, {230, 170}, {120, 90}};
    if (which < 3)
        return jt_compress(sizes[which][0], sizes[which][1], which + 40u, &options[which],
                           nbytes);
    /* cjpeg with a deep successive-approximation script and restarts. */
    char dir[512], command[2048], path[700];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    snprintf(path, sizeof path, "%s/src.ppm", dir);
    assert_true(jt_write_test_ppm(path, 150, 140, 9));
    snprintf(path, sizeof path, "%s/scans.txt", dir);
    static const char fixed_script[] =
        "0: 0 0 0 2;\n1 2: 0 0 0 1;\n0: 1 5 0 2;\n0: 6 63 0 2;\n1: 1 63 0 0;\n2: 1 63 0 0;\n"
        "0: 0 0 2 1;\n0: 1 63 2 1;\n1 2: 0 0 1 0;\n0: 0 0 1 0;\n0: 1 63 1 0;\n";
    assert_true(jt_write_file(path, (const uint8_t *)fixed_script, strlen(fixed_script)));
    snprintf(command, sizeof command,
             "cjpeg -sample 2x1 -restart 2B -scans %s/scans.txt -outfile %s/out.jpg "
             "%s/src.ppm 2>/dev/null",
             dir, dir, dir);
    assert_true(jt_run(command));
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    uint8_t *data = jt_read_file(path, nbytes);
    jt_remove_tree(dir);
    return data;
}

static void test_truncation_sweep(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    ink_error_info info;
    unsigned runs = 0, refused = 0, decoded_short = 0;
    for (unsigned f = 0; f < NFIXTURES; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        assert_non_null(data);
        sink.scale_log2 = 0;
        assert_int_equal(run(data, n, &sink, &info), INK_OK);
        for (size_t length = 0; length < n; length++) {
            uint8_t *copy = malloc(length ? length : 1);
            memcpy(copy, data, length);
            sink.scale_log2 = (unsigned)(length % 4u);
            ink_error error = run(copy, length, &sink, &info);
            if (error != INK_OK)
                refused++;
            else if (length < n - 2)
                decoded_short++; /* cut between scans: the scans before it are decoded */
            runs++;
            free(copy);
        }
        free(data);
    }
    print_message("truncation sweep: %u runs, %u refused, %u cut between scans decoded\n", runs,
                  refused, decoded_short);
    assert_true(refused > runs / 2);
}

static void test_bit_flip_sweep(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    ink_error_info info;
    unsigned runs = 0, errors = 0;
    uint32_t random = 777;
    for (unsigned f = 0; f < NFIXTURES; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        uint8_t *copy = malloc(n);
        for (size_t i = 0; i < n; i++) {
            for (unsigned bit = (unsigned)(i % 3u); bit < 8; bit += 3) {
                memcpy(copy, data, n);
                copy[i] ^= (uint8_t)(1u << bit);
                sink.scale_log2 = (unsigned)((i + bit) % 4u);
                errors += run(copy, n, &sink, &info) != INK_OK;
                runs++;
            }
            memcpy(copy, data, n);
            for (unsigned k = 0; k < 4; k++) {
                random = random * 1103515245u + 12345u;
                size_t at = (i + (random >> 16) % 16u) % n;
                copy[at] ^= (uint8_t)(random >> 8);
            }
            sink.scale_log2 = (unsigned)(i % 4u);
            errors += run(copy, n, &sink, &info) != INK_OK;
            runs++;
        }
        free(copy);
        free(data);
    }
    print_message("bit-flip sweep: %u runs, %u refused\n", runs, errors);
    assert_true(errors > 0);
}

/* ---- hand-made streams ------------------------------------------------------------------- */

/* A bit writer for entropy-coded data (with FF 00 stuffing). */
typedef struct bit_writer {
    uint8_t *out;
    size_t n;
    uint32_t acc;
    int nbits;
} bit_writer;

static void put_bits(bit_writer *w, uint32_t value, int nbits)
{
    for (int i = nbits - 1; i >= 0; i--) {
        w->acc = (w->acc << 1) | ((value >> i) & 1u);
        if (++w->nbits == 8) {
            w->out[w->n++] = (uint8_t)w->acc;
            if ((uint8_t)w->acc == 0xFF)
                w->out[w->n++] = 0;
            w->acc = 0;
            w->nbits = 0;
        }
    }
}

static void flush_bits(bit_writer *w)
{
    while (w->nbits != 0)
        put_bits(w, 1, 1);
}

static size_t put_bytes(uint8_t *out, size_t n, const uint8_t *bytes, size_t count)
{
    memcpy(out + n, bytes, count);
    return n + count;
}

/* A 16x8 gray progressive JPEG (2 blocks): quantisation all 1; DC table 0 codes categories 0
 * and 1 in one bit; AC table 0 codes each of `ac_symbols` in 8 bits (code = its index). `scans`
 * are appended as given: (Ss, Se, Ah, Al, entropy-coded bytes). */
typedef struct test_scan {
    uint8_t ss, se, ah, al;
    uint8_t data[64];
    size_t ndata;
} test_scan;

static size_t make_stream(uint8_t *out, const uint8_t *ac_symbols, unsigned nsymbols,
                          const test_scan *scans, unsigned nscans)
{
    size_t n = 0;
    static const uint8_t soi[] = {0xFF, 0xD8};
    n = put_bytes(out, n, soi, 2);
    uint8_t dqt[4 + 65] = {0xFF, 0xDB, 0x00, 67, 0x00};
    for (unsigned i = 0; i < 64; i++)
        dqt[5 + i] = 1;
    n = put_bytes(out, n, dqt, 69);
    static const uint8_t sof[] = {0xFF, 0xC2, 0, 11, 8, 0, 8, 0, 16, 1, 1, 0x11, 0};
    n = put_bytes(out, n, sof, sizeof sof);
    /* DC table: one symbol (0) with a 1-bit code... two symbols 0 and 1 of length 1. */
    static const uint8_t dht_dc[] = {0xFF, 0xC4, 0, 21, 0x00,
                                     2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* counts */
                                     0, 1};                                          /* values */
    n = put_bytes(out, n, dht_dc, sizeof dht_dc);
    uint8_t dht_ac[5 + 16 + 256] = {0xFF, 0xC4, 0, 0, 0x10};
    dht_ac[5 + 7] = (uint8_t)nsymbols; /* all of length 8 */
    memcpy(dht_ac + 21, ac_symbols, nsymbols);
    dht_ac[3] = (uint8_t)(19 + nsymbols);
    n = put_bytes(out, n, dht_ac, 21 + nsymbols);
    for (unsigned s = 0; s < nscans; s++) {
        uint8_t sos[] = {0xFF, 0xDA, 0, 8, 1, 1, 0x00, scans[s].ss, scans[s].se,
                         (uint8_t)(scans[s].ah << 4 | scans[s].al)};
        n = put_bytes(out, n, sos, sizeof sos);
        n = put_bytes(out, n, scans[s].data, scans[s].ndata);
    }
    static const uint8_t eoi[] = {0xFF, 0xD9};
    return put_bytes(out, n, eoi, 2);
}

static test_scan dc_scan(void)
{
    /* Two blocks, DC category 0 each (code 0 of the 1-bit table). */
    test_scan scan = {0, 0, 0, 0, {0}, 0};
    bit_writer w = {scan.data, 0, 0, 0};
    put_bits(&w, 0, 1);
    put_bits(&w, 0, 1);
    flush_bits(&w);
    scan.ndata = w.n;
    return scan;
}

static void test_hand_made_streams(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    ink_error_info info;
    uint8_t stream[2048];
    /* AC symbols: 0 = EOB0, 1 = EOB run 2^14 (0xE0), 2 = size 1 at run 0 (0x01), 3 = size 2
     * (0x02), 4 = run 15 size 1 (0xF1). Codes are their indices in 8 bits. */
    static const uint8_t symbols[] = {0x00, 0xE0, 0x01, 0x02, 0xF1};
    test_scan scans[3];
    scans[0] = dc_scan();

    /* 1. An EOB run of 2^14 + 5 blocks in a 2-block component: decodes (the run just ends with
     * the scan, as libjpeg accepts). */
    test_scan *ac = &scans[1];
    *ac = (test_scan){1, 63, 0, 0, {0}, 0};
    bit_writer w = {ac->data, 0, 0, 0};
    put_bits(&w, 1, 8);
    put_bits(&w, 5, 14);
    flush_bits(&w);
    ac->ndata = w.n;
    size_t n = make_stream(stream, symbols, 5, scans, 2);
    sink.scale_log2 = 0;
    assert_int_equal(run(stream, n, &sink, &info), INK_OK);

    /* 2. An AC refinement with a coefficient of size 2: refused. */
    *ac = (test_scan){1, 63, 0, 1, {0}, 0};
    w = (bit_writer){ac->data, 0, 0, 0};
    put_bits(&w, 2, 8); /* size 1 at run 0 */
    put_bits(&w, 1, 1);
    put_bits(&w, 0, 8); /* EOB */
    put_bits(&w, 0, 8);
    flush_bits(&w);
    ac->ndata = w.n;
    test_scan *refine = &scans[2];
    *refine = (test_scan){1, 63, 1, 0, {0}, 0};
    w = (bit_writer){refine->data, 0, 0, 0};
    put_bits(&w, 3, 8); /* size 2: invalid in a refinement */
    put_bits(&w, 3, 2);
    flush_bits(&w);
    refine->ndata = w.n;
    n = make_stream(stream, symbols, 5, scans, 3);
    assert_int_equal(run(stream, n, &sink, &info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "refinement"));

    /* 3. A coefficient placed past Se (run 15 then size 1 in a 1..10 scan): refused. */
    *ac = (test_scan){1, 10, 0, 0, {0}, 0};
    w = (bit_writer){ac->data, 0, 0, 0};
    put_bits(&w, 4, 8);
    put_bits(&w, 1, 1);
    flush_bits(&w);
    ac->ndata = w.n;
    n = make_stream(stream, symbols, 5, scans, 2);
    assert_int_equal(run(stream, n, &sink, &info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "past"));

    /* 4. A refinement whose correction bits contradict nothing it knows (no first scan at
     * all): decodes without crashing, as libjpeg does (it only warns). */
    *refine = (test_scan){1, 63, 1, 0, {0}, 0};
    w = (bit_writer){refine->data, 0, 0, 0};
    put_bits(&w, 2, 8);
    put_bits(&w, 1, 1);
    put_bits(&w, 0, 8); /* EOB: the rest of block 0 */
    put_bits(&w, 0, 8); /* EOB: block 1 */
    flush_bits(&w);
    refine->ndata = w.n;
    scans[1] = scans[2];
    n = make_stream(stream, symbols, 5, scans, 2);
    for (unsigned s = 0; s < 4; s++) {
        sink.scale_log2 = s;
        assert_int_equal(run(stream, n, &sink, &info), INK_OK);
    }

    /* 5. Bad progressive scan headers: Ss > Se, AC scan over DC, Al != Ah - 1. */
    static const uint8_t bad[][4] = {{5, 3, 0, 0}, {0, 5, 0, 0}, {1, 63, 3, 1}, {0, 0, 0, 14}};
    for (unsigned b = 0; b < 4; b++) {
        scans[1] = (test_scan){bad[b][0], bad[b][1], bad[b][2], bad[b][3], {0}, 1};
        n = make_stream(stream, symbols, 5, scans, 2);
        sink.scale_log2 = 0;
        assert_int_equal(run(stream, n, &sink, &info), INK_ERR_BAD_DATA);
        assert_non_null(strstr(info.detail, "progressive scan"));
    }
}

static void test_arena_outside_claims_is_untouched(void **unused)
{
    (void)unused;
    static sweep_sink sink;
    ink_error_info info;
    for (unsigned f = 0; f < NFIXTURES; f++) {
        for (unsigned scale = 0; scale < 4; scale++) {
            size_t n;
            uint8_t *data = fixture(f, &n);
            memset(&sink, 0, sizeof sink);
            sink.record = true;
            sink.scale_log2 = scale;
            for (size_t i = 0; i < INK_ARENA_BYTES; i++)
                arena_memory[i] = (uint8_t)(0x5A ^ (i * 29u));
            assert_int_equal(run(data, n, &sink, &info), INK_OK);
            unsigned claimed = 0, changed = 0;
            for (size_t i = 0; i < INK_ARENA_BYTES; i++) {
                if (sink.claimed[i]) {
                    claimed++;
                    continue;
                }
                changed += arena_memory[i] != (uint8_t)(0x5A ^ (i * 29u));
            }
            assert_true(claimed > 0);
            assert_int_equal(changed, 0);
            free(data);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_bit_flip_sweep),
        cmocka_unit_test(test_hand_made_streams),
        cmocka_unit_test(test_arena_outside_claims_is_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
