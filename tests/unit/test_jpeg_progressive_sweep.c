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
#include "jpeg_sweep.h"
#include "jpeg_testing.h"
#include "test_support.h"

#define NFIXTURES 5u

/* Progressive fixtures several bands tall at 1/1 (200 px wide 4:2:0: 8 block rows a band; 976
 * px wide 4:2:0: bands of one block row inside the MCU rows, lower rows' DC kept aside). */
static uint8_t *fixture(unsigned which, size_t *nbytes)
{
    static const jt_compress_options options[] = {
        {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 80, 3, false, true},
        {JCS_GRAYSCALE, {1}, {1}, 70, 0, false, true},
        {JCS_YCbCr, {1, 1, 1}, {1, 1, 1}, 90, 0, false, true},
        {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 30, 5, false, true},
    };
    static const uint32_t sizes[][2] = {{200, 150}, {230, 170}, {120, 90}, {976, 40}};
    if (which < NFIXTURES - 1u)
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
    static jt_sweep sweep = {.vary_scale = true};
    /* (decoded_short: cut between scans, the scans before decode) */
    jt_sweep_counts total = jt_sweep_truncations_of(&sweep, fixture, NFIXTURES);
    print_message("truncation sweep: %u runs, %u refused, %u cut between scans decoded\n",
                  total.runs, total.refused, total.decoded_short);
    assert_true(total.refused > total.runs / 2);
}

static void test_bit_flip_sweep(void **unused)
{
    (void)unused;
    static jt_sweep sweep = {.vary_scale = true};
    jt_sweep_counts total = jt_sweep_bit_flips_of(&sweep, fixture, NFIXTURES, 777);
    print_message("bit-flip sweep: %u runs, %u refused\n", total.runs, total.refused);
    assert_true(total.refused > 0);
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
    static jt_sweep sweep;
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
    sweep.scale_log2 = 0;
    assert_int_equal(jt_sweep_run(&sweep, stream, n), INK_OK);

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
    assert_int_equal(jt_sweep_run(&sweep, stream, n), INK_ERR_BAD_DATA);
    assert_non_null(strstr(sweep.info.detail, "refinement"));

    /* 3. A coefficient placed past Se (run 15 then size 1 in a 1..10 scan): refused. */
    *ac = (test_scan){1, 10, 0, 0, {0}, 0};
    w = (bit_writer){ac->data, 0, 0, 0};
    put_bits(&w, 4, 8);
    put_bits(&w, 1, 1);
    flush_bits(&w);
    ac->ndata = w.n;
    n = make_stream(stream, symbols, 5, scans, 2);
    assert_int_equal(jt_sweep_run(&sweep, stream, n), INK_ERR_BAD_DATA);
    assert_non_null(strstr(sweep.info.detail, "past"));

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
        sweep.scale_log2 = s;
        assert_int_equal(jt_sweep_run(&sweep, stream, n), INK_OK);
    }

    /* 5. Bad progressive scan headers: Ss > Se, AC scan over DC, Al != Ah - 1. */
    static const uint8_t bad[][4] = {{5, 3, 0, 0}, {0, 5, 0, 0}, {1, 63, 3, 1}, {0, 0, 0, 14}};
    for (unsigned b = 0; b < 4; b++) {
        scans[1] = (test_scan){bad[b][0], bad[b][1], bad[b][2], bad[b][3], {0}, 1};
        n = make_stream(stream, symbols, 5, scans, 2);
        sweep.scale_log2 = 0;
        assert_int_equal(jt_sweep_run(&sweep, stream, n), INK_ERR_BAD_DATA);
        assert_non_null(strstr(sweep.info.detail, "progressive scan"));
    }
}

static void test_arena_outside_claims_is_untouched(void **unused)
{
    (void)unused;
    static jt_sweep sweep;
    for (unsigned f = 0; f < NFIXTURES; f++) {
        size_t n;
        uint8_t *data = fixture(f, &n);
        assert_non_null(data);
        for (unsigned scale = 0; scale < 4; scale++) {
            sweep.scale_log2 = scale;
            jt_sweep_check_arena_outside_claims(&sweep, data, n);
        }
        free(data);
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
