/*
 * test_jpeg_progressive.c — progressive JPEG (SOF2) in the arena against libjpeg-turbo.
 *
 * Reference: libjpeg-turbo decoding the same bytes (JDCT_ISLOW, JCS_GRAYSCALE, scale_num/denom).
 * Limits (as baseline, issue 4): 1/1 max |difference| <= 2; 1/2, 1/4, 1/8 PSNR >= 40 dB.
 *
 * Fixtures made here: cjpeg -progressive (4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1, gray, restart
 * intervals, qualities), jpegtran -progressive (with restarts), ImageMagick -interlace JPEG,
 * cjpeg -scans scripts (MozJPEG-like non-interleaved DC, chroma scans first, deep successive
 * approximation with narrow spectral bands), libjpeg's jpeg_simple_progression, random scan
 * scripts (complete and partial); sizes from 1x1 to tall images that need many bands at every
 * scale. The corpus EPUBs are searched for
 * progressive JPEGs, and every corpus JPEG is also re-encoded progressive with jpegtran.
 *
 * A scale whose band does not fit the arena must be refused with INK_ERR_TOO_LARGE; whether it
 * fits is computed here from the documented formula (docs/JPEG.md, "Progressive"):
 *   across = MCUs across x luma h; the smallest band is one luma block row whose blocks also
 *   keep the DC of the vmax - 1 rows below: block = 2 vmax bytes at 1/8, else 8 + 2 (n^2 +
 *   spare + vmax - 1) rounded up to 8, n = 8, 7, 5 kept coefficients per axis at 1/1, 1/2, 1/4
 *   (what libjpeg's reduced IDCTs read), spare = 1 at 1/2 and 1/4 (0 at 1/1);
 *   out = across (8/2^s) x (8/2^s); band = across x block (+ out when out > 12288);
 *   fits when band <= 32768.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <jpeglib.h>

#include "arena/arena.h"
#include "arena/stream.h"
#include "decode/jpeg.h"
#include "decode/jpeg_progressive.h"
#include "jpeg_testing.h"
#include "test_support.h"

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

static bool band_fits(const jt_sof_info *sof, unsigned s)
{
    uint64_t across = (uint64_t)(sof->width + 8u * sof->hmax - 1u) / (8u * sof->hmax) * sof->hmax;
    uint64_t side = 8u >> s;
    static const uint64_t kept[4] = {8, 7, 5, 1};
    uint64_t slots = kept[s] * kept[s] + (s == 1 || s == 2 ? 1u : 0u) + sof->vmax - 1u;
    uint64_t block = s == 3 ? 2u * slots : 8u + ((2u * slots + 7u) & ~(uint64_t)7u);
    uint64_t out = across * side * side;
    uint64_t band = across * block + (out > 12288u ? out : 0u);
    return band <= 32768u;
}

typedef struct tally {
    unsigned images, decodes, refused_too_large, refused_scans, failures;
    bool smoothing_off; /* the reference without libjpeg's block smoothing */
    /* The image has more luma scans, or Huffman tables for them, than the decoder keeps: a scale
     * that decodes them may be refused (UNSUPPORTED, naming them); 1/8 reads no AC scan. */
    bool over_scan_limits;
    int worst_full_diff;
    double worst_psnr[4];
} tally;

static void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
    for (unsigned s = 0; s < 4; s++)
        t->worst_psnr[s] = 99.0;
}

static void compare_all_scales(const char *name, const uint8_t *data, size_t nbytes, tally *t)
{
    jt_sof_info sof = jt_find_sof(data, nbytes);
    t->images++;
    if (sof.marker != 0xC2) {
        print_error("%s: not progressive (SOF 0x%x)\n", name, sof.marker);
        t->failures++;
        return;
    }
    for (unsigned scale = 0; scale < 4; scale++) {
        jt_image reference, ours;
        char why[256] = "";
        if (!jt_reference_decode_smoothing(data, nbytes, scale, !t->smoothing_off, &reference,
                                           why, sizeof why)) {
            print_error("%s: libjpeg refuses it (%s)\n", name, why);
            t->failures++;
            continue;
        }
        ink_arena arena;
        assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
        ink_error_info info;
        ink_error_clear(&info);
        ink_error error = jt_arena_decode(data, nbytes, scale, &arena, &ours, &info);
        assert_int_equal(ink_arena_live_claims(&arena), 0);
        t->decodes++;
        bool fits = band_fits(&sof, scale);
        if (!fits) {
            if (error != INK_ERR_TOO_LARGE || !strstr(info.detail, "fits")) {
                print_error("%s 1/%u: expected a band too large, got %s (%s)\n", name,
                            1u << scale, ink_strerror(error), info.detail);
                t->failures++;
            }
            t->refused_too_large++;
            if (error == INK_OK)
                jt_image_free(&ours);
            jt_image_free(&reference);
            continue;
        }
        if (error == INK_ERR_UNSUPPORTED && t->over_scan_limits &&
            strstr(info.detail, "progressive JPEG") && strstr(info.detail, "luma scans")) {
            t->refused_scans++;
            jt_image_free(&reference);
            continue;
        }
        if (error != INK_OK) {
            print_error("%s 1/%u: %s (%s)\n", name, 1u << scale, ink_strerror(error), info.detail);
            t->failures++;
            jt_image_free(&reference);
            continue;
        }
        if (ours.width != reference.width || ours.height != reference.height) {
            print_error("%s 1/%u: size %ux%u, libjpeg %ux%u\n", name, 1u << scale, ours.width,
                        ours.height, reference.width, reference.height);
            t->failures++;
        } else if (scale == 0) {
            int diff = jt_max_abs_diff(&ours, &reference);
            if (diff > t->worst_full_diff)
                t->worst_full_diff = diff;
            if (diff > 2) {
                print_error("%s 1/1: max abs diff %d > 2\n", name, diff);
                t->failures++;
            }
        } else {
            double psnr = jt_psnr(&ours, &reference);
            if (psnr < t->worst_psnr[scale])
                t->worst_psnr[scale] = psnr;
            if (psnr < 40.0) {
                print_error("%s 1/%u: PSNR %.2f dB < 40\n", name, 1u << scale, psnr);
                t->failures++;
            }
        }
        jt_image_free(&ours);
        jt_image_free(&reference);
    }
}

static void print_tally(const char *what, const tally *t)
{
    print_message("%s: %u images, %u decodes (%u refused as too wide, as documented), worst 1/1 "
                  "diff %d, worst PSNR 1/2 %.1f, 1/4 %.1f, 1/8 %.1f dB\n",
                  what, t->images, t->decodes, t->refused_too_large, t->worst_full_diff,
                  t->worst_psnr[1], t->worst_psnr[2], t->worst_psnr[3]);
}

typedef struct tool_fixture {
    const char *name;
    /* %1$s = source PPM, %2$s = output JPEG, %3$s = tests/support/scans (cjpeg -scans
     * scripts, each saying what it tries) */
    const char *command;
} tool_fixture;

static const tool_fixture tool_fixtures[] = {
    {"cjpeg 4:2:0", "cjpeg -progressive -outfile %2$s %1$s"},
    {"cjpeg 4:4:4", "cjpeg -progressive -sample 1x1 -outfile %2$s %1$s"},
    {"cjpeg 4:2:2", "cjpeg -progressive -sample 2x1 -outfile %2$s %1$s"},
    {"cjpeg 4:4:0", "cjpeg -progressive -sample 1x2 -outfile %2$s %1$s"},
    {"cjpeg 4:1:1", "cjpeg -progressive -sample 4x1 -outfile %2$s %1$s"},
    {"cjpeg 2x4", "cjpeg -progressive -sample 2x4 -outfile %2$s %1$s"},
    {"cjpeg gray", "cjpeg -progressive -grayscale -outfile %2$s %1$s"},
    {"cjpeg q100", "cjpeg -progressive -quality 100 -outfile %2$s %1$s"},
    {"cjpeg q100 4:4:4", "cjpeg -progressive -quality 100 -sample 1x1 -outfile %2$s %1$s"},
    {"cjpeg q20", "cjpeg -progressive -quality 20 -outfile %2$s %1$s"},
    {"cjpeg restart 1", "cjpeg -progressive -restart 1B -outfile %2$s %1$s"},
    {"cjpeg restart 7", "cjpeg -progressive -restart 7B -outfile %2$s %1$s"},
    {"cjpeg restart 1 row", "cjpeg -progressive -restart 1 -outfile %2$s %1$s"},
    {"cjpeg gray restart 3", "cjpeg -progressive -grayscale -restart 3B -outfile %2$s %1$s"},
    {"jpegtran", "cjpeg %1$s | jpegtran -progressive -outfile %2$s"},
    {"jpegtran restart 5", "cjpeg -sample 2x1 %1$s | jpegtran -progressive -restart 5B "
                           "-outfile %2$s"},
    {"jpegtran gray", "cjpeg %1$s | jpegtran -grayscale -progressive -outfile %2$s"},
    {"convert interlace", "convert %1$s -interlace JPEG -quality 85 %2$s"},
    {"scans moz", "cjpeg -scans %3$s/moz.txt -outfile %2$s %1$s"},
    {"scans moz 4:4:4 restart 2", "cjpeg -sample 1x1 -restart 2B -scans %3$s/moz.txt "
                                  "-outfile %2$s %1$s"},
    {"scans moz-split", "cjpeg -scans %3$s/moz-split.txt -outfile %2$s %1$s"},
    {"scans chroma-first", "cjpeg -scans %3$s/chroma-first.txt -outfile %2$s %1$s"},
    {"scans deep", "cjpeg -quality 95 -scans %3$s/deep.txt -outfile %2$s %1$s"},
    {"scans deep 4:2:2 restart 4", "cjpeg -sample 2x1 -restart 4B -scans %3$s/deep.txt "
                                   "-outfile %2$s %1$s"},
    {"scans gray-sa", "cjpeg -grayscale -scans %3$s/gray-sa.txt -outfile %2$s %1$s"},
    {"scans gray-bands restart 1", "cjpeg -grayscale -restart 1B -scans %3$s/gray-bands.txt "
                                   "-outfile %2$s %1$s"},
};

static void run_tool_fixtures(const uint32_t (*sizes)[2], size_t nsizes, const char *what)
{
    char dir[512], ppm[640], out[640], command[2048];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    tally t;
    tally_init(&t);
    for (size_t s = 0; s < nsizes; s++) {
        uint32_t w = sizes[s][0], h = sizes[s][1];
        snprintf(ppm, sizeof ppm, "%s/source_%ux%u.ppm", dir, w, h);
        assert_true(jt_write_test_ppm(ppm, w, h, (uint32_t)s + 11u));
        for (size_t f = 0; f < sizeof tool_fixtures / sizeof tool_fixtures[0]; f++) {
            snprintf(out, sizeof out, "%s/fixture.jpg", dir);
            snprintf(command, sizeof command, tool_fixtures[f].command, ppm, out,
                     INK_TEST_SOURCE_DIR "/tests/support/scans");
            size_t nbytes;
            uint8_t *data = jt_make_fixture(command, out, &nbytes);
            if (!data) {
                print_error("fixture command failed: %s\n", command);
                t.failures++;
                continue;
            }
            char name[256];
            snprintf(name, sizeof name, "%s %ux%u", tool_fixtures[f].name, w, h);
            compare_all_scales(name, data, nbytes, &t);
            free(data);
        }
        remove(ppm);
    }
    jt_remove_tree(dir);
    print_tally(what, &t);
    assert_int_equal(t.failures, 0);
}

static void test_tool_fixtures(void **unused)
{
    (void)unused;
    static const uint32_t sizes[][2] = {{1, 1}, {17, 33}, {67, 45}, {130, 9}, {333, 257}};
    run_tool_fixtures(sizes, sizeof sizes / sizeof sizes[0], "tool fixtures");
}

/* Tall enough that every scale needs several bands (1/8: a band holds 16,384 / across rows). */
static void test_many_bands(void **unused)
{
    (void)unused;
    static const uint32_t sizes[][2] = {{1601, 1207}, {120, 4100}};
    run_tool_fixtures(sizes, sizeof sizes / sizeof sizes[0], "many bands");
}

static void test_libjpeg_progression(void **unused)
{
    (void)unused;
    static const jt_compress_options cases[] = {
        {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 85, 0, false, true},
        {JCS_YCbCr, {1, 1, 1}, {1, 1, 1}, 90, 3, false, true},
        {JCS_YCbCr, {4, 1, 1}, {1, 1, 1}, 75, 0, false, true},
        {JCS_GRAYSCALE, {1}, {1}, 80, 0, false, true},
        {JCS_GRAYSCALE, {1}, {1}, 5, 2, false, true},
    };
    static const uint32_t sizes[][2] = {{1, 1}, {33, 17}, {97, 61}, {320, 240}};
    tally t;
    tally_init(&t);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t nbytes;
            uint8_t *data = jt_compress(sizes[s][0], sizes[s][1], (uint32_t)(c * 5 + s),
                                        &cases[c], &nbytes);
            assert_non_null(data);
            char name[128];
            snprintf(name, sizeof name, "libjpeg case %zu %ux%u", c, sizes[s][0], sizes[s][1]);
            compare_all_scales(name, data, nbytes, &t);
            free(data);
        }
    }
    print_tally("libjpeg progression", &t);
    assert_int_equal(t.failures, 0);
}

/* Random scan scripts: every kind of scan T.81 allows in a progressive file, in random but
 * valid order, so that the combinations no fixed script holds are tried as well (spectral bands
 * that start and end anywhere, across the mask words' boundary at 32 included; refinements over
 * other bands than their first scans'; DC refined interleaved after a first scan per component
 * or the reverse; successive approximation down to Al 10; chroma scans anywhere). The script
 * follows libjpeg's rules (jcmaster.c, validate_script), so cjpeg must take it: a refused
 * script fails the test. bp[c][k] is the Al of coefficient k of component c's last scan, -1
 * before its first.
 *
 * libjpeg smooths the blocks of an image whose luma DC or AC 1..9 were not all sent to the last
 * bit (jdcoefct.c, block smoothing: an estimate for a partial file); inkpipe shows the
 * coefficients as sent (docs/JPEG.md, "Known deviations"). So these scripts bring those luma
 * coefficients to Al 0, and the others may stop anywhere; the partial files of
 * test_random_partial_scripts are compared with libjpeg's smoothing off. Their luma DC stops at
 * Al 6 at most: the DC's point transform is an arithmetic shift, so a small negative DC sent
 * only to Al 7 or more becomes -2^Al, which at these qualities (DC quantiser <= 27) takes a
 * block beyond what libjpeg's IDCT range limit holds (+-512 about the centre, RANGE_MASK): it
 * wraps (a black block shown white) where inkpipe clamps. */
typedef struct script_maker {
    uint32_t random;
    int8_t bp[3][64];
    unsigned ncomps, scans, luma_scans;
    /* Huffman tables the luma scans decode with: one an AC scan, one a DC first scan and one
     * more when it holds chroma (the chroma table, whose values it decodes and drops); DC
     * refinements need none. */
    unsigned luma_tables;
    char text[4096];
    size_t length;
} script_maker;

static unsigned random_below(script_maker *m, unsigned n)
{
    m->random = m->random * 1103515245u + 12345u;
    return (m->random >> 8) % n;
}

/* A random position in 1..63, half the time one of the band edges that matter to the decoder
 * (the first AC, a 32-bit mask word's ends, the last). */
static unsigned random_position(script_maker *m)
{
    static const unsigned edges[] = {1, 2, 5, 6, 9, 10, 14, 15, 30, 31, 32, 33, 62, 63};
    return random_below(m, 2) ? edges[random_below(m, sizeof edges / sizeof edges[0])]
                              : 1u + random_below(m, 63);
}

static unsigned random_al(script_maker *m)
{
    static const unsigned als[] = {0, 0, 1, 1, 1, 2, 2, 3, 4, 10};
    return als[random_below(m, sizeof als / sizeof als[0])];
}

static void add_scan(script_maker *m, const bool *in_scan, unsigned ss, unsigned se, int ah,
                     unsigned al)
{
    const char *sep = "";
    for (unsigned c = 0; c < m->ncomps; c++) {
        if (!in_scan[c])
            continue;
        m->length += (size_t)snprintf(m->text + m->length, sizeof m->text - m->length, "%s%u",
                                      sep, c);
        sep = " ";
        for (unsigned k = ss; k <= se; k++)
            m->bp[c][k] = (int8_t)al;
    }
    m->length += (size_t)snprintf(m->text + m->length, sizeof m->text - m->length,
                                  ": %u %u %d %u;\n", ss, se, ah, al);
    assert_true(m->length < sizeof m->text);
    m->scans++;
    m->luma_scans += in_scan[0];
    if (in_scan[0] && (ss != 0 || ah == 0))
        m->luma_tables += 1u + (ss == 0 && (in_scan[1] || in_scan[2]));
}

/* DC first (Ah 0) or refinement (Ah = the components' last Al > 0): of component `c` and, at
 * random, of the others in the same state. */
static void add_dc_scan(script_maker *m, unsigned c, bool first)
{
    bool in_scan[3] = {false, false, false};
    int ah = m->bp[c][0];
    for (unsigned o = 0; o < m->ncomps; o++)
        in_scan[o] = o == c || (m->bp[o][0] == ah && random_below(m, 2));
    add_scan(m, in_scan, 0, 0, first ? 0 : ah, first ? random_al(m) : (unsigned)ah - 1u);
}

/* An AC scan of component c from position `from`: a first scan over the positions not sent
 * yet that follow it, or a refinement over those at the same Al. */
static void add_ac_scan(script_maker *m, unsigned c, unsigned from)
{
    int state = m->bp[c][from];
    unsigned end = from;
    unsigned last = from + random_below(m, 64u - from);
    if (random_below(m, 3) == 0)
        last = 63;
    while (end < last && m->bp[c][end + 1] == state)
        end++;
    bool in_scan[3] = {false, false, false};
    in_scan[c] = true;
    if (state < 0)
        add_scan(m, in_scan, from, end, 0, random_al(m));
    else
        add_scan(m, in_scan, from, end, state, (unsigned)state - 1u);
}

/* A random valid script for `ncomps` components. With `complete`, luma's DC and AC 1..9 end at
 * Al 0. */
static void make_random_script(script_maker *m, unsigned ncomps, bool complete)
{
    memset(m->bp, -1, sizeof m->bp);
    m->ncomps = ncomps;
    m->scans = m->luma_scans = m->luma_tables = 0;
    m->length = 0;
    unsigned wanted = 2u + random_below(m, 20);
    for (unsigned tries = 0; tries < 400 && m->scans < wanted && m->luma_scans < 12; tries++) {
        unsigned c = random_below(m, ncomps + 1u) % ncomps; /* luma twice as often */
        if (m->bp[c][0] < 0) {
            add_dc_scan(m, c, true);
        } else if (random_below(m, 4) == 0) {
            if (m->bp[c][0] > 0)
                add_dc_scan(m, c, false);
        } else {
            unsigned k = random_position(m);
            if (m->bp[c][k] != 0)
                add_ac_scan(m, c, k);
        }
    }
    /* What must come: every component's DC; luma's DC to Al 6 at most (below); with
     * `complete`, luma to the last bit. */
    for (unsigned c = 0; c < ncomps; c++)
        if (m->bp[c][0] < 0)
            add_dc_scan(m, c, true);
    while (m->bp[0][0] > (complete ? 0 : 6))
        add_dc_scan(m, 0, false);
    if (!complete)
        return;
    for (unsigned k = 1; k <= 9; k++)
        while (m->bp[0][k] != 0)
            add_ac_scan(m, 0, k);
}

static void run_random_scripts(unsigned count, bool complete, uint32_t seed, const char *what)
{
    static const char *const samplings[] = {"-grayscale", "-sample 1x1", "-sample 2x1",
                                            "-sample 2x2", "-sample 1x2", "-sample 4x1",
                                            "-sample 2x4"};
    char dir[512], ppm[640], out[640], script[640], command[2048];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    snprintf(script, sizeof script, "%s/script.txt", dir);
    snprintf(out, sizeof out, "%s/fixture.jpg", dir);
    snprintf(ppm, sizeof ppm, "%s/source.ppm", dir);
    script_maker m = {.random = seed};
    tally t;
    tally_init(&t);
    t.smoothing_off = !complete;
    unsigned scans = 0, luma_scans = 0, over_limits = 0;
    for (unsigned i = 0; i < count; i++) {
        /* Every fifth image large enough for several bands at every scale but 1/8 (EOB
         * runs and checkpoints across band edges). */
        bool large = i % 5 == 4;
        uint32_t w = large ? 100u + random_below(&m, 600) : 1u + random_below(&m, 200);
        uint32_t h = large ? 300u + random_below(&m, 1200) : 1u + random_below(&m, 120);
        const char *sampling = samplings[random_below(&m, 7)];
        unsigned ncomps = strcmp(sampling, "-grayscale") == 0 ? 1u : 3u;
        char restart[32] = "";
        unsigned r = random_below(&m, 4);
        if (r == 1)
            snprintf(restart, sizeof restart, "-restart %uB", 1u + random_below(&m, 9));
        else if (r == 2)
            snprintf(restart, sizeof restart, "-restart 1");
        unsigned quality = 30u + random_below(&m, 71);
        /* Past the decoder's limits (16 luma scans, 12 Huffman tables for them; cjpeg writes
         * one a scan) a scale that reads them must refuse the file, naming them; within them
         * every scale must decode. */
        make_random_script(&m, ncomps, complete);
        t.over_scan_limits = m.luma_scans > JPEG_PROG_MAX_SCANS || m.luma_tables > PROG_MAX_TABLES;
        over_limits += t.over_scan_limits;
        scans += m.scans;
        luma_scans += m.luma_scans;
        assert_true(jt_write_file(script, (const uint8_t *)m.text, m.length));
        assert_true(jt_write_test_ppm(ppm, w, h, i));
        snprintf(command, sizeof command,
                 "cjpeg %s %s -quality %u -scans %s -outfile %s %s", sampling,
                 restart, quality, script, out, ppm);
        char name[256];
        snprintf(name, sizeof name, "random script %u (%ux%u %s %s q%u)", i, w, h, sampling,
                 restart, quality);
        size_t nbytes;
        uint8_t *data = jt_make_fixture(command, out, &nbytes);
        if (!data) {
            print_error("%s: cjpeg refused it:\n%s", name, m.text);
            t.failures++;
            continue;
        }
        unsigned failures = t.failures;
        compare_all_scales(name, data, nbytes, &t);
        if (t.failures != failures)
            print_error("the script of %s:\n%s", name, m.text);
        free(data);
    }
    jt_remove_tree(dir);
    print_message("%s: %u scripts, %u scans (%u with luma); %u scripts past the decoder's scan "
                  "limits, %u of their decodes refused as documented\n",
                  what, count, scans, luma_scans, over_limits, t.refused_scans);
    print_tally(what, &t);
    assert_int_equal(t.failures, 0);
}

static void test_random_scripts(void **unused)
{
    (void)unused;
    run_random_scripts(200, true, 2026u, "random scripts");
}

static void test_random_partial_scripts(void **unused)
{
    (void)unused;
    run_random_scripts(100, false, 1207u, "random partial scripts (libjpeg unsmoothed)");
}

/* The worst case fits: a band of one luma block row, its blocks keeping the lower rows' DC
 * aside, lets 4:2:0 and 4:4:0 reach the widths of 4:4:4 (docs/JPEG.md: 1,536, 2,336, 4,096 px
 * at 1/1, 1/2, 1/4; 2x4 keeps three DC values: 2,176 and 3,632 at 1/2, 1/4). At each widest
 * width the decode matches libjpeg at every scale that fits by the formula; 16 px wider (one
 * more MCU) is refused at that scale. Short images, several bands each, with and without
 * restart intervals inside the interleaved DC scans. */
static void test_widest_fits(void **unused)
{
    (void)unused;
    static const struct {
        uint32_t width;
        unsigned scale;
        int h, v;
    } widest[] = {{1536, 0, 2, 2}, {2336, 1, 2, 2}, {4096, 2, 2, 2}, {2336, 1, 1, 2},
                  {2176, 1, 2, 4}, {3632, 2, 2, 4}};
    tally t;
    tally_init(&t);
    for (size_t i = 0; i < sizeof widest / sizeof widest[0]; i++) {
        for (uint32_t extra = 0; extra <= 16; extra += 16) {
            for (int restart = 0; restart <= 7; restart += 7) {
                jt_compress_options options = {JCS_YCbCr, {widest[i].h, 1, 1},
                                               {widest[i].v, 1, 1}, 85, restart, false, true};
                uint32_t width = widest[i].width + extra, height = 41;
                size_t nbytes;
                uint8_t *data =
                    jt_compress(width, height, (uint32_t)(i * 3 + extra + restart), &options,
                                &nbytes);
                assert_non_null(data);
                jt_sof_info sof = jt_find_sof(data, nbytes);
                assert_int_equal(band_fits(&sof, widest[i].scale), extra == 0);
                char name[128];
                snprintf(name, sizeof name, "%dx%d %ux%u restart %d", widest[i].h, widest[i].v,
                         width, height, restart);
                compare_all_scales(name, data, nbytes, &t);
                free(data);
            }
        }
    }
    print_tally("widest", &t);
    assert_int_equal(t.failures, 0);
}

/* Progressive RGB and CMYK are refused with a clear error (gray and YCbCr are decoded). */
static void test_colour_spaces_refused_clearly(void **unused)
{
    (void)unused;
    static const jt_compress_options cases[] = {
        {JCS_RGB, {1, 1, 1}, {1, 1, 1}, 85, 0, false, true},
        {JCS_CMYK, {1, 1, 1, 1}, {1, 1, 1, 1}, 85, 0, false, true},
        {JCS_YCCK, {1, 1, 1, 1}, {1, 1, 1, 1}, 85, 0, false, true},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t nbytes;
        uint8_t *data = jt_compress(40, 30, 1, &cases[c], &nbytes);
        assert_non_null(data);
        ink_arena arena;
        assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
        jt_image ours;
        ink_error_info info;
        ink_error_clear(&info);
        ink_error error = jt_arena_decode(data, nbytes, 0, &arena, &ours, &info);
        assert_int_equal(error, INK_ERR_UNSUPPORTED);
        assert_non_null(strstr(info.detail, "progressive"));
        assert_int_equal(ink_arena_live_claims(&arena), 0);
        free(data);
    }
}

/* One band needs no seek; several need a seekable source, refused clearly without one. */
typedef struct count_sink {
    uint32_t rows;
} count_sink;

static ink_error count_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    (void)user;
    (void)info;
    *scale_log2 = 0;
    return INK_OK;
}

static ink_error count_row(void *user, const uint8_t *gray)
{
    (void)gray;
    ((count_sink *)user)->rows++;
    return INK_OK;
}

static ink_error decode_unseekable(const uint8_t *data, size_t nbytes, uint32_t *rows,
                                   ink_error_info *info)
{
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    ink_memory_source memory;
    ink_source source = ink_memory_source_open(&memory, data, nbytes);
    source.seek = NULL;
    count_sink counter = {0};
    ink_row_sink sink = {count_begin, count_row, &counter};
    ink_error error = ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &sink, info);
    assert_int_equal(ink_arena_live_claims(&arena), 0);
    *rows = counter.rows;
    return error;
}

static void test_unseekable_source(void **unused)
{
    (void)unused;
    jt_compress_options options = {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 85, 0, false, true};
    size_t nbytes;
    uint32_t rows;
    ink_error_info info;
    /* 64 px wide 4:2:0 at 1/1: 8 blocks x 136 bytes a row, 30 rows a band: 48 px is one band. */
    uint8_t *small = jt_compress(64, 48, 2, &options, &nbytes);
    assert_int_equal(decode_unseekable(small, nbytes, &rows, &info), INK_OK);
    assert_int_equal(rows, 48);
    free(small);
    uint8_t *tall = jt_compress(64, 800, 2, &options, &nbytes);
    ink_error_clear(&info);
    assert_int_equal(decode_unseekable(tall, nbytes, &rows, &info), INK_ERR_UNSUPPORTED);
    assert_non_null(strstr(info.detail, "seekable"));
    assert_int_equal(rows, 0);
    free(tall);
}

/* A source over memory that counts reads and seeks (each read an SD transaction on the
 * device), and a sink that keeps the rows. */
typedef struct counted_source {
    ink_source inner;
    unsigned reads, seeks;
} counted_source;

static ink_error counted_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    counted_source *c = user;
    c->reads++;
    return c->inner.read(c->inner.user, dst, nbytes, got);
}

static ink_error counted_seek(void *user, uint64_t offset)
{
    counted_source *c = user;
    c->seeks++;
    return c->inner.seek(c->inner.user, offset);
}

typedef struct keep_sink {
    jt_image image;
    uint32_t rows;
} keep_sink;

static ink_error keep_begin(void *user, const ink_image_info *info, unsigned *scale_log2)
{
    keep_sink *k = user;
    *scale_log2 = 0;
    k->image.width = info->width;
    k->image.height = info->height;
    k->image.gray = malloc((size_t)info->width * info->height);
    return k->image.gray ? INK_OK : INK_ERR_NO_MEMORY;
}

static ink_error keep_row(void *user, const uint8_t *gray)
{
    keep_sink *k = user;
    if (k->rows >= k->image.height)
        return INK_ERR_INVALID_ARGUMENT;
    memcpy(k->image.gray + (size_t)k->rows++ * k->image.width, gray, k->image.width);
    return INK_OK;
}

/* Source reads of a progressive file that needs several bands: a file the first read takes
 * whole is read once and never seeked (every scan's data is still in the walk's buffer), as
 * baseline reads it; a bigger one that the header's read and one walk read (all of PRIMARY)
 * take whole rereads only the scans that straddle the two: 22.7 KB in 3 reads, as many as
 * baseline's 8 KB reads. Pixels as libjpeg's either way. */
static void test_small_file_read_once(void **unused)
{
    (void)unused;
    jt_compress_options options = {JCS_YCbCr, {2, 1, 1}, {2, 1, 1}, 0, 0, false, true};
    static const struct {
        uint32_t width, height;
        int quality;
        bool small;
    } cases[] = {{64, 800, 10, true}, {400, 400, 15, true}, {64, 800, 95, false}};
    for (unsigned n = 0; n < sizeof cases / sizeof cases[0]; n++) {
        options.quality = cases[n].quality;
        size_t nbytes;
        uint8_t *data = jt_compress(cases[n].width, cases[n].height, 2, &options, &nbytes);
        jt_sof_info sof = jt_find_sof(data, nbytes);
        /* Several bands at 1/1: the whole image's blocks (136 bytes each) exceed PRIMARY. */
        uint64_t across = (sof.width + 15u) / 16u * 2u, rows = (sof.height + 15u) / 16u * 2u;
        assert_true(across * rows * 136u > 32768u);
        /* The case is small when the file fits the decoder's first read. */
        assert_int_equal(nbytes < INK_JPEG_INPUT_BYTES, cases[n].small);
        ink_arena arena;
        assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
        ink_memory_source memory;
        counted_source counted = {ink_memory_source_open(&memory, data, nbytes), 0, 0};
        ink_source source = {counted_read, counted_seek, &counted};
        keep_sink kept = {{0, 0, NULL}, 0};
        ink_row_sink sink = {keep_begin, keep_row, &kept};
        ink_error_info info;
        ink_error_clear(&info);
        assert_int_equal(ink_decoder_arena_jpeg.decode(&source, &arena, NULL, &sink, &info),
                         INK_OK);
        assert_int_equal(ink_arena_live_claims(&arena), 0);
        assert_int_equal(kept.rows, cases[n].height);
        print_message("%ux%u q%d, %zu bytes: %u reads, %u seeks\n", cases[n].width,
                      cases[n].height, cases[n].quality, nbytes, counted.reads, counted.seeks);
        if (cases[n].small) {
            assert_int_equal(counted.reads, 1);
            assert_int_equal(counted.seeks, 0);
        } else {
            assert_true(counted.reads > 2u); /* the header's read, the walk's, a reread */
            assert_true(counted.reads <=
                        (nbytes + INK_JPEG_INPUT_BYTES - 1) / INK_JPEG_INPUT_BYTES);
        }
        jt_image reference;
        char why[256] = "";
        assert_true(jt_reference_decode(data, nbytes, 0, &reference, why, sizeof why));
        assert_true(jt_max_abs_diff(&kept.image, &reference) <= 2);
        jt_image_free(&reference);
        jt_image_free(&kept.image);
        free(data);
    }
}

static void test_corpus(void **unused)
{
    (void)unused;
    const char *shared = ink_test_shared_dir();
    if (!shared) {
        print_message("corpus not found (INK_SHARED_DIR); skipping\n");
        skip();
    }
    char dir[512];
    assert_true(jt_make_temp_dir(dir, sizeof dir));
    /* Every JPEG inside the EPUBs; progressive ones kept as they are, and every one also
     * re-encoded progressive (lossless) with jpegtran. */
    assert_true(jt_extract_corpus_jpegs(shared, dir, true));
    DIR *folder = opendir(dir);
    assert_non_null(folder);
    tally original, transcoded;
    tally_init(&original);
    tally_init(&transcoded);
    unsigned jpegs = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        size_t nbytes;
        uint8_t *data = jt_read_file(path, &nbytes);
        assert_non_null(data);
        jt_sof_info sof = jt_find_sof(data, nbytes);
        if (strncmp(entry->d_name, "orig_", 5) == 0) {
            jpegs++;
            if (sof.marker == 0xC2)
                compare_all_scales(entry->d_name, data, nbytes, &original);
        } else {
            compare_all_scales(entry->d_name, data, nbytes, &transcoded);
        }
        free(data);
    }
    closedir(folder);
    jt_remove_tree(dir);
    print_message("corpus: %u JPEGs, %u of them progressive\n", jpegs, original.images);
    if (original.images > 0)
        print_tally("corpus progressive JPEGs", &original);
    print_tally("corpus JPEGs re-encoded with jpegtran -progressive", &transcoded);
    assert_true(transcoded.images > 0);
    assert_int_equal(original.failures, 0);
    assert_int_equal(transcoded.failures, 0);
}

/* The slice plan (jpeg_progressive_slices.c), on random scans and areas: slices are disjoint,
 * inside their areas, 8-byte multiples, never above their scan's data (rounded up to 8) nor
 * below min(that, JPEG_PROG_MIN_SLICE); when all the data fits one area every scan gets all of
 * it; and against the equal slices of session 4 (the largest size whose whole slices pack into
 * the areas) the sum of max(1, left / slice) is never more than 5% (+1) above, and the reads,
 * the sum of ceil(left / slice), are at least 10% fewer over all cases. */
static uint32_t reads_for(const uint32_t *left, const uint32_t *size, unsigned n)
{
    uint32_t reads = 0;
    for (unsigned i = 0; i < n; i++)
        reads += (left[i] + size[i] - 1u) / size[i] + (left[i] == 0);
    return reads;
}

static void test_slice_plan(void **unused)
{
    (void)unused;
    static _Alignas(8) uint8_t memory[3][40000];
    uint32_t random = 12345;
    unsigned all_fit_cases = 0;
    uint32_t reads_planned = 0, reads_equal = 0;
    for (unsigned run = 0; run < 2000; run++) {
        jpeg_prog_area areas[JPEG_PROG_SLICE_AREAS];
        uint32_t room = 0;
        for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++) {
            random = random * 1103515245u + 12345u;
            uint32_t nbytes = a == 0 ? 12288u : (random >> 8) % 30000u;
            areas[a].start = memory[a];
            areas[a].nbytes = nbytes;
            room += nbytes & ~7u;
        }
        random = random * 1103515245u + 12345u;
        unsigned n = 1u + (random >> 16) % JPEG_PROG_MAX_SCANS;
        uint32_t left[JPEG_PROG_MAX_SCANS], want_sum = 0;
        for (unsigned i = 0; i < n; i++) {
            random = random * 1103515245u + 12345u;
            uint32_t scale = run % 3 == 0 ? 3000u : run % 3 == 1 ? 40000u : 600000u;
            left[i] = (random >> 8) % scale;
            want_sum += left[i] == 0 ? 8u : (left[i] + 7u) & ~7u;
        }
        jpeg_prog_area slices[JPEG_PROG_MAX_SCANS];
        ink_jpeg_prog_plan_slices(areas, left, n, slices);
        uint32_t size[JPEG_PROG_MAX_SCANS];
        for (unsigned i = 0; i < n; i++) {
            uint32_t want = left[i] == 0 ? 8u : (left[i] + 7u) & ~7u;
            size[i] = slices[i].nbytes;
            assert_true(size[i] % 8u == 0 && size[i] <= want);
            assert_true(size[i] >= (want < JPEG_PROG_MIN_SLICE ? want : JPEG_PROG_MIN_SLICE));
            if (want_sum <= (areas[0].nbytes & ~7u))
                assert_int_equal(size[i], want); /* all of it (the input buffer alone holds all) */
            unsigned inside = 0;
            for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++)
                inside += slices[i].start >= areas[a].start &&
                          slices[i].start + size[i] <= areas[a].start + (areas[a].nbytes & ~7u);
            assert_int_equal(inside, 1);
            for (unsigned j = 0; j < i; j++)
                assert_true(slices[j].start + size[j] <= slices[i].start ||
                            slices[i].start + size[i] <= slices[j].start);
        }
        all_fit_cases += want_sum <= (areas[0].nbytes & ~7u);
        /* Session 4's equal slices: the largest size (8-byte steps) whose whole slices hold all. */
        uint32_t equal = room / n & ~7u, count;
        do {
            count = 0;
            for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++)
                count += (areas[a].nbytes & ~7u) / equal;
        } while (count < n && (equal -= 8u) > 0);
        uint32_t equal_size[JPEG_PROG_MAX_SCANS];
        for (unsigned i = 0; i < n; i++)
            equal_size[i] = equal;
        reads_planned += reads_for(left, size, n);
        reads_equal += reads_for(left, equal_size, n);
        /* Per case the rounding of ceil() can cost a read or two, and a slice cannot span areas;
         * the continuous cost (the sum of left / slice, at least 1 a scan), which the plan
         * minimises, stays close. */
        double cost = 0, cost_equal = 0;
        for (unsigned i = 0; i < n; i++) {
            cost += left[i] > size[i] ? (double)left[i] / size[i] : 1.0;
            cost_equal += left[i] > equal_size[i] ? (double)left[i] / equal_size[i] : 1.0;
        }
        assert_true(cost <= cost_equal * 1.05 + 1.0);
    }
    print_message("slice plan: %u reads in all against %u with equal slices\n", reads_planned,
                  reads_equal);
    assert_true(reads_planned * 10u < reads_equal * 9u);
    assert_true(all_fit_cases > 100);
}

/* The board's bit hash (de Bruijn, 32-bit words): every single bit has its own hash, and the
 * index table gives the bit back, also for the lowest bit isolated from a word with higher bits
 * set. */
static void test_lowest_bit_portable(void **unused)
{
    (void)unused;
    bool seen[32] = {false};
    for (unsigned bit = 0; bit < 32; bit++) {
        uint32_t one = (uint32_t)1 << bit;
        assert_false(seen[jpeg_prog_bit_hash(one)]);
        seen[jpeg_prog_bit_hash(one)] = true;
        uint32_t with_higher = one | (bit < 31 ? ~(uint32_t)0 << (bit + 1u) : 0);
        unsigned expected = 0;
        while (((one >> expected) & 1u) == 0)
            expected++;
        assert_int_equal(jpeg_prog_bit_index[jpeg_prog_bit_hash(one)], expected);
        assert_int_equal(jpeg_prog_bit_index[jpeg_prog_bit_hash(with_higher & (0u - with_higher))],
                         expected);
    }
}

/* RV32's correction bits by bytes (jpeg_prog_deposit, generated): for every byte of positions b
 * and every value v of its c bits, the positions whose bit is 1, worked out bit by bit (the
 * first bit read, v's top one, for b's lowest position); c - 1 in at[b]'s low bits; and each
 * b's 2^c entries inside the table, apart from the others'. */
static void test_deposit_tables(void **unused)
{
    (void)unused;
    static bool used[JPEG_PROG_DEPOSIT_ONES];
    memset(used, 0, sizeof used);
    assert_int_equal(jpeg_prog_deposit.at[0], 0);
    for (unsigned b = 1; b < 256; b++) {
        unsigned c = 0;
        for (unsigned i = 0; i < 8; i++)
            c += (b >> i) & 1u;
        unsigned at = jpeg_prog_deposit.at[b], offset = at >> 3;
        assert_int_equal((at & 7u) + 1u, c);
        assert_true(offset + (1u << c) <= JPEG_PROG_DEPOSIT_ONES);
        for (unsigned v = 0; v < (1u << c); v++) {
            unsigned expected = 0, read = 0;
            for (unsigned i = 0; i < 8; i++) {
                if (((b >> i) & 1u) == 0)
                    continue;
                if ((v >> (c - 1u - read)) & 1u)
                    expected |= 1u << i;
                read++;
            }
            assert_false(used[offset + v]);
            used[offset + v] = true;
            assert_int_equal(jpeg_prog_deposit.ones[offset + v], expected);
        }
    }
    for (unsigned i = 0; i < JPEG_PROG_DEPOSIT_ONES; i++)
        assert_true(used[i]);
}

/* The kept positions by spare slot (what a refinement's end-of-band runs read) against slot_of,
 * the keep_slot tables' source, at 1/1, 1/2 and 1/4; and the spare slots as jpeg_progressive.c
 * sets them (kept_side^2, the number of positions kept). */
static void test_kept_positions(void **unused)
{
    (void)unused;
    static const unsigned spare_of_scale[3] = {PROG_NO_SLOT, 49u, 25u};
    for (unsigned scale = 0; scale < 3; scale++) {
        uint64_t mask = jpeg_prog_kept_positions(spare_of_scale[scale]);
        unsigned kept = 0;
        for (unsigned k = 0; k < 64; k++) {
            bool has_slot = slot_of(scale, k) != PROG_NO_SLOT;
            assert_int_equal((unsigned)((mask >> k) & 1u), has_slot ? 1u : 0u);
            kept += has_slot;
        }
        if (scale > 0)
            assert_int_equal(kept, spare_of_scale[scale]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tool_fixtures),
        cmocka_unit_test(test_many_bands),
        cmocka_unit_test(test_libjpeg_progression),
        cmocka_unit_test(test_random_scripts),
        cmocka_unit_test(test_random_partial_scripts),
        cmocka_unit_test(test_widest_fits),
        cmocka_unit_test(test_colour_spaces_refused_clearly),
        cmocka_unit_test(test_unseekable_source),
        cmocka_unit_test(test_small_file_read_once),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_slice_plan),
        cmocka_unit_test(test_lowest_bit_portable),
        cmocka_unit_test(test_kept_positions),
        cmocka_unit_test(test_deposit_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
