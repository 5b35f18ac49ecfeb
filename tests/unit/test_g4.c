/*
 * test_g4.c — the T.6 codec against libtiff (both directions), a hand-worked stream, and hostile
 * input (truncation and bit-flip sweeps, runs past the row, guard bytes around every row).
 *
 * Expectations come from libtiff (its Fax4 codec decodes our streams and writes the streams we
 * decode) or from bits worked out by hand from T.4/T.6's tables; never from our own output.
 * Without libtiff (INK_HAVE_LIBTIFF unset) the interop tests skip; the round trips still run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena/stream.h"
#include "thumbs/g4.h"

#ifdef INK_HAVE_LIBTIFF
#include <tiffio.h>
#endif

/* ---- generated images (1 = black, rows of ceil(w/8) bytes, padding bits 0) -------------- */

typedef struct image {
    uint32_t width, height, stride;
    uint8_t *bits;
} image;

typedef enum pattern {
    PATTERN_WHITE,
    PATTERN_BLACK,
    PATTERN_CHECKER_1,
    PATTERN_CHECKER_3,
    PATTERN_CHECKER_8,
    PATTERN_DITHERED_PHOTO,
    PATTERN_TEXT,
    PATTERN_COUNT
} pattern;

static const char *const pattern_names[PATTERN_COUNT] = {
    "white", "black", "checker1", "checker3", "checker8", "dithered-photo", "text"};

static image image_new(uint32_t width, uint32_t height)
{
    image img = {width, height, (width + 7u) / 8u, NULL};
    img.bits = calloc((size_t)img.stride * height + 1u, 1);
    assert_non_null(img.bits);
    return img;
}

static void image_set(image *img, uint32_t x, uint32_t y, int black)
{
    uint8_t *byte = &img->bits[(size_t)y * img->stride + x / 8u];
    uint8_t mask = (uint8_t)(0x80u >> (x % 8u));
    if (black)
        *byte |= mask;
    else
        *byte &= (uint8_t)~mask;
}

static uint32_t lcg_next(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

static image make_pattern(pattern kind, uint32_t width, uint32_t height)
{
    image img = image_new(width, height);
    uint32_t seed = 12345u + width * 31u + (uint32_t)kind;
    for (uint32_t y = 0; y < height; y++) {
        for (uint32_t x = 0; x < width; x++) {
            int black = 0;
            switch (kind) {
            case PATTERN_WHITE: black = 0; break;
            case PATTERN_BLACK: black = 1; break;
            case PATTERN_CHECKER_1: black = (int)((x + y) & 1u); break;
            case PATTERN_CHECKER_3: black = (int)(((x / 3u) + (y / 3u)) & 1u); break;
            case PATTERN_CHECKER_8: black = (int)(((x / 8u) + (y / 8u)) & 1u); break;
            case PATTERN_DITHERED_PHOTO: {
                /* A smooth gradient thresholded with noise: what error diffusion makes of a
                 * photograph, short runs of varying density. */
                int32_t gray = (int32_t)((x * 255u) / width + (y * 255u) / height) / 2;
                int32_t noise = (int32_t)(lcg_next(&seed) % 160u) - 80;
                black = gray + noise < 128;
                break;
            }
            default: break;
            }
            if (black)
                image_set(&img, x, y, 1);
        }
    }
    if (kind == PATTERN_TEXT) {
        /* Lines of "glyphs": 2-pixel vertical stems, horizontal bars and dots on a white page,
         * 14-pixel line pitch, gaps between words. */
        for (uint32_t line = 2; line + 12 < height; line += 14) {
            uint32_t x = 1;
            while (x + 8 < width) {
                uint32_t glyph = lcg_next(&seed);
                uint32_t gw = 3u + glyph % 5u;
                for (uint32_t y = line; y < line + 10u; y++) {
                    image_set(&img, x, y, 1);
                    if (glyph & 0x10u)
                        image_set(&img, x + 1, y, 1);
                }
                for (uint32_t dx = 0; dx < gw; dx++) {
                    if (glyph & 0x20u)
                        image_set(&img, x + dx, line + 4u, 1);
                    if (glyph & 0x40u)
                        image_set(&img, x + dx, line + 9u, 1);
                }
                if (glyph & 0x80u)
                    image_set(&img, x + gw, line, 1);
                x += gw + 2u + ((glyph & 0x700u) == 0 ? 4u : 0u);
            }
        }
    }
    return img;
}

/* ---- our codec over heap buffers ---------------------------------------------------------- */

typedef struct heap_sink {
    uint8_t *data;
    size_t nbytes, capacity;
} heap_sink;

static ink_error heap_sink_write(void *user, const uint8_t *src, size_t nbytes)
{
    heap_sink *sink = user;
    if (sink->nbytes + nbytes > sink->capacity) {
        size_t capacity = (sink->capacity + nbytes) * 2u + 64u;
        uint8_t *data = realloc(sink->data, capacity);
        if (!data)
            return INK_ERR_IO;
        sink->data = data;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->nbytes, src, nbytes);
    sink->nbytes += nbytes;
    return INK_OK;
}

/* Encodes `img` with ours; returns the stream (caller frees) and its length. */
static uint8_t *ours_encode(const image *img, size_t *out_nbytes)
{
    heap_sink state = {0};
    ink_sink sink = {heap_sink_write, NULL, &state};
    size_t work_nbytes = INK_G4_WORK_BYTES_FOR(img->width);
    uint8_t *work = malloc(work_nbytes);
    ink_g4_encoder encoder;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_g4_encoder_init(&encoder, img->width, work, work_nbytes, &sink, &info),
                     INK_OK);
    for (uint32_t y = 0; y < img->height; y++)
        assert_int_equal(ink_g4_encode_row(&encoder, img->bits + (size_t)y * img->stride,
                                           img->stride, &info),
                         INK_OK);
    uint64_t total = 0;
    assert_int_equal(ink_g4_encoder_finish(&encoder, &total, &info), INK_OK);
    assert_int_equal(total, state.nbytes);
    free(work);
    *out_nbytes = state.nbytes;
    return state.data;
}

#define GUARD_BYTES 16u
#define GUARD_VALUE 0xA5u

/* Decodes `nbytes` of `data` as a width x height image into `out` (which has room). Every row
 * goes through a buffer with guard bytes on both sides and exactly `stride` bytes between them;
 * the guards are checked after each row, so a write outside the row fails the test. */
static ink_error ours_decode(const uint8_t *data, size_t nbytes, uint32_t width, uint32_t height,
                             uint8_t *out, ink_error_info *info)
{
    const uint32_t stride = (width + 7u) / 8u;
    ink_memory_source state;
    ink_source source = ink_memory_source_open(&state, data, nbytes);
    size_t work_nbytes = INK_G4_WORK_BYTES_FOR(width);
    uint8_t *work = malloc(work_nbytes + 2u * GUARD_BYTES);
    uint8_t *row = malloc(stride + 2u * GUARD_BYTES);
    memset(work, GUARD_VALUE, work_nbytes + 2u * GUARD_BYTES);
    ink_g4_decoder decoder;
    ink_error err = ink_g4_decoder_init(&decoder, width, height, work + GUARD_BYTES, work_nbytes,
                                        &source, info);
    for (uint32_t y = 0; err == INK_OK && y < height; y++) {
        memset(row, GUARD_VALUE, stride + 2u * GUARD_BYTES);
        err = ink_g4_decode_row(&decoder, row + GUARD_BYTES, stride, info);
        for (uint32_t i = 0; i < GUARD_BYTES; i++) {
            assert_int_equal(row[i], GUARD_VALUE);
            assert_int_equal(row[GUARD_BYTES + stride + i], GUARD_VALUE);
        }
        if (err == INK_OK)
            memcpy(out + (size_t)y * stride, row + GUARD_BYTES, stride);
    }
    if (err == INK_OK)
        err = ink_g4_decoder_finish(&decoder, info);
    for (uint32_t i = 0; i < GUARD_BYTES; i++) {
        assert_int_equal(work[i], GUARD_VALUE);
        assert_int_equal(work[GUARD_BYTES + work_nbytes + i], GUARD_VALUE);
    }
    free(row);
    free(work);
    return err;
}

static void assert_same_pixels(const image *expected, const uint8_t *actual, const char *what)
{
    for (uint32_t y = 0; y < expected->height; y++) {
        for (uint32_t x = 0; x < expected->width; x++) {
            size_t byte = (size_t)y * expected->stride + x / 8u;
            unsigned shift = 7u - x % 8u;
            unsigned want = (expected->bits[byte] >> shift) & 1u;
            unsigned got = (actual[byte] >> shift) & 1u;
            if (want != got)
                fail_msg("%s: %ux%u image differs at (%u, %u): expected %u, got %u", what,
                         expected->width, expected->height, x, y, want, got);
        }
    }
}

static const uint32_t test_widths[] = {1, 7, 8, 9, 120, 1728, 4096};

static uint32_t height_for(uint32_t width)
{
    return width >= 1728u ? 40u : 90u;
}

/* ---- hand-worked streams ----------------------------------------------------------------- */

/* One all-white row of 8: a1 = 8 = b1, so V0 "1"; then EOFB 000000000001 000000000001 and
 * 7 zero bits of padding: 10000000 00001000 00000000 10000000. */
static void test_hand_worked_white_row(void **state)
{
    (void)state;
    image img = image_new(8, 1);
    size_t nbytes;
    uint8_t *stream = ours_encode(&img, &nbytes);
    const uint8_t expected[] = {0x80, 0x08, 0x00, 0x80};
    assert_int_equal(nbytes, sizeof expected);
    assert_memory_equal(stream, expected, sizeof expected);
    uint8_t out[1] = {0xFF};
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ours_decode(expected, sizeof expected, 8, 1, out, &info), INK_OK);
    assert_int_equal(out[0], 0x00);
    free(stream);
    free(img.bits);
}

/* Row of 8 = 3 white then 5 black: b1 = 8, a1 = 3, |a1-b1| = 5 > 3, so H "001", white 3 "1000",
 * black 5 "0011"; a0 = a2 = 8 ends the row. Then EOFB, padding:
 * 00110000 01100000 00000010 00000000 00100000 -> 30 60 02 00 20 (35 bits + 5 padding). */
static void test_hand_worked_horizontal(void **state)
{
    (void)state;
    const uint8_t stream[] = {0x30, 0x60, 0x02, 0x00, 0x20};
    image img = image_new(8, 1);
    img.bits[0] = 0x1F;
    size_t nbytes;
    uint8_t *ours = ours_encode(&img, &nbytes);
    assert_int_equal(nbytes, sizeof stream);
    assert_memory_equal(ours, stream, sizeof stream);
    uint8_t out[1];
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ours_decode(stream, sizeof stream, 8, 1, out, &info), INK_OK);
    assert_int_equal(out[0], 0x1F);
    free(ours);
    free(img.bits);
}

/* A white run of 9 in a row of 8: H "001", white 9 "10100", black 0 "0000110111". */
static void test_rejects_run_past_row(void **state)
{
    (void)state;
    /* 001 10100 0000110111 + EOFB...: 00110100 00001101 11000000 00000100 00000000 01000000 */
    const uint8_t stream[] = {0x34, 0x0D, 0xC0, 0x04, 0x00, 0x40};
    uint8_t out[1];
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ours_decode(stream, sizeof stream, 8, 1, out, &info), INK_ERR_BAD_DATA);
    assert_non_null(strstr(info.detail, "run"));
}

/* VR3 on an all-white reference row of 2: b1 = 2, a1 = 5 > width. */
static void test_rejects_vertical_past_row(void **state)
{
    (void)state;
    const uint8_t stream[] = {0x06, 0x00, 0x20, 0x02}; /* 0000011 + EOFB */
    uint8_t out[1];
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ours_decode(stream, sizeof stream, 2, 1, out, &info), INK_ERR_BAD_DATA);
}

static void test_rejects_early_eofb_and_empty_input(void **state)
{
    (void)state;
    const uint8_t eofb[] = {0x00, 0x10, 0x01};
    uint8_t out[4];
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ours_decode(eofb, sizeof eofb, 8, 2, out, &info), INK_ERR_BAD_DATA);
    ink_error_clear(&info);
    assert_int_equal(ours_decode(eofb, 0, 8, 1, out, &info), INK_ERR_BAD_DATA);
    ink_error_clear(&info);
    /* Zero rows: EOFB alone is the whole stream. */
    assert_int_equal(ours_decode(eofb, sizeof eofb, 8, 0, out, &info), INK_OK);
}

static void test_rejects_bad_arguments(void **state)
{
    (void)state;
    uint8_t work[64];
    heap_sink hs = {0};
    ink_sink sink = {heap_sink_write, NULL, &hs};
    ink_g4_encoder encoder;
    assert_int_equal(ink_g4_encoder_init(&encoder, 0, work, sizeof work, &sink, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_g4_encoder_init(&encoder, INK_G4_MAX_WIDTH + 1u, work, sizeof work,
                                         &sink, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_g4_encoder_init(&encoder, 257, work, sizeof work, &sink, NULL),
                     INK_ERR_INVALID_ARGUMENT); /* needs 66 bytes */
    assert_int_equal(ink_g4_encoder_init(&encoder, 256, work, sizeof work, &sink, NULL), INK_OK);
    uint8_t row[32] = {0};
    assert_int_equal(ink_g4_encode_row(&encoder, row, 31, NULL), INK_ERR_INVALID_ARGUMENT);
    assert_int_equal(ink_g4_encoder_finish(&encoder, NULL, NULL), INK_OK);
    assert_int_equal(ink_g4_encode_row(&encoder, row, 32, NULL), INK_ERR_BAD_STATE);
    free(hs.data);
    assert_true(INK_G4_WORK_BYTES <= INK_REGION_SCRATCH_BYTES);
    assert_int_equal(INK_G4_WORK_BYTES_FOR(120), 30);
}

/* ---- round trips (no libtiff needed) ------------------------------------------------------ */

static void test_round_trip_patterns(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof test_widths / sizeof test_widths[0]; w++) {
        for (int kind = 0; kind < PATTERN_COUNT; kind++) {
            image img = make_pattern((pattern)kind, test_widths[w], height_for(test_widths[w]));
            size_t nbytes;
            uint8_t *stream = ours_encode(&img, &nbytes);
            uint8_t *out = malloc((size_t)img.stride * img.height);
            ink_error_info info;
            ink_error_clear(&info);
            ink_error err = ours_decode(stream, nbytes, img.width, img.height, out, &info);
            if (err != INK_OK)
                fail_msg("%s width %u: %s", pattern_names[kind], img.width, info.detail);
            assert_same_pixels(&img, out, pattern_names[kind]);
            free(out);
            free(stream);
            free(img.bits);
        }
    }
}

/* ---- libtiff interop ---------------------------------------------------------------------- */

#ifdef INK_HAVE_LIBTIFF

static char temp_dir[64];

static int make_temp_dir(void **state)
{
    (void)state;
    strcpy(temp_dir, "/tmp/ink_test_g4_XXXXXX");
    TIFFSetWarningHandler(NULL);
    return mkdtemp(temp_dir) ? 0 : -1;
}

static int remove_temp_dir(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/image.tif", temp_dir);
    unlink(path);
    return rmdir(temp_dir);
}

static TIFF *tiff_create(const char *path, uint32_t width, uint32_t height)
{
    TIFF *tiff = TIFFOpen(path, "w");
    assert_non_null(tiff);
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(tiff, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, height);
    return tiff;
}

/* Our stream stored verbatim as the one strip of a Compression=4 TIFF, decoded by libtiff. */
static void libtiff_decode_ours(const image *img, const char *what)
{
    char path[128];
    snprintf(path, sizeof path, "%s/image.tif", temp_dir);
    size_t nbytes;
    uint8_t *stream = ours_encode(img, &nbytes);
    TIFF *tiff = tiff_create(path, img->width, img->height);
    assert_true(TIFFWriteRawStrip(tiff, 0, stream, (tmsize_t)nbytes) == (tmsize_t)nbytes);
    TIFFClose(tiff);
    free(stream);

    tiff = TIFFOpen(path, "r");
    assert_non_null(tiff);
    assert_true(TIFFScanlineSize(tiff) == (tmsize_t)img->stride);
    uint8_t *out = calloc((size_t)img->stride * img->height + 1u, 1);
    for (uint32_t y = 0; y < img->height; y++)
        if (TIFFReadScanline(tiff, out + (size_t)y * img->stride, y, 0) != 1)
            fail_msg("%s width %u: libtiff cannot decode our row %u", what, img->width, y);
    TIFFClose(tiff);
    assert_same_pixels(img, out, what);
    free(out);
}

/* libtiff's own G4 strip, read raw and decoded by ours. */
static void ours_decode_libtiff(const image *img, const char *what)
{
    char path[128];
    snprintf(path, sizeof path, "%s/image.tif", temp_dir);
    TIFF *tiff = tiff_create(path, img->width, img->height);
    for (uint32_t y = 0; y < img->height; y++)
        assert_int_equal(TIFFWriteScanline(tiff, img->bits + (size_t)y * img->stride, y, 0), 1);
    TIFFClose(tiff);

    tiff = TIFFOpen(path, "r");
    assert_non_null(tiff);
    uint64_t *strip_nbytes = NULL;
    assert_int_equal(TIFFNumberOfStrips(tiff), 1);
    assert_true(TIFFGetField(tiff, TIFFTAG_STRIPBYTECOUNTS, &strip_nbytes));
    tmsize_t nbytes = (tmsize_t)strip_nbytes[0];
    uint8_t *stream = malloc((size_t)nbytes + 1u);
    assert_true(TIFFReadRawStrip(tiff, 0, stream, nbytes) == nbytes);
    TIFFClose(tiff);

    uint8_t *out = malloc((size_t)img->stride * img->height + 1u);
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ours_decode(stream, (size_t)nbytes, img->width, img->height, out, &info);
    if (err != INK_OK)
        fail_msg("%s width %u: ours cannot decode libtiff's strip: %s", what, img->width,
                 info.detail);
    assert_same_pixels(img, out, what);
    free(out);
    free(stream);
}

static void test_libtiff_decodes_our_patterns(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof test_widths / sizeof test_widths[0]; w++) {
        for (int kind = 0; kind < PATTERN_COUNT; kind++) {
            image img = make_pattern((pattern)kind, test_widths[w], height_for(test_widths[w]));
            libtiff_decode_ours(&img, pattern_names[kind]);
            free(img.bits);
        }
    }
}

static void test_we_decode_libtiff_patterns(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof test_widths / sizeof test_widths[0]; w++) {
        for (int kind = 0; kind < PATTERN_COUNT; kind++) {
            image img = make_pattern((pattern)kind, test_widths[w], height_for(test_widths[w]));
            ours_decode_libtiff(&img, pattern_names[kind]);
            free(img.bits);
        }
    }
}

/* Every white and black run length 0..2700 in horizontal mode (each ladder row follows an
 * all-white row, so vertical mode cannot code it): exercises every terminating, make-up and
 * extended make-up code and the repeated 2560 make-up, checked by libtiff both ways. */
static image make_ladder(void)
{
    const uint32_t width = 2700u;
    image img = image_new(width, 4u * (width + 1u));
    for (uint32_t run = 0; run <= width; run++) {
        uint32_t y = 4u * run;
        for (uint32_t x = run; x < width; x++)
            image_set(&img, x, y, 1); /* white `run`, black the rest */
        for (uint32_t x = 0; x < run; x++)
            image_set(&img, x, y + 2u, 1); /* black `run`, white the rest */
    }
    return img;
}

static void test_run_length_ladder_both_ways(void **state)
{
    (void)state;
    image img = make_ladder();
    libtiff_decode_ours(&img, "ladder");
    ours_decode_libtiff(&img, "ladder");
    free(img.bits);
}

/* Dithered covers from the corpus: ImageMagick scales an EPUB's first JPEG to 120x180 (fill),
 * dithers it (Floyd-Steinberg) and writes a Group 4 TIFF; libtiff reads its pixels, ours decodes
 * its strip, and libtiff decodes our re-encoding. Skipped without the corpus. */
static void test_dithered_corpus_covers(void **state)
{
    (void)state;
    const char *shared = getenv("INK_SHARED_DIR");
    char epub_dir[512];
    snprintf(epub_dir, sizeof epub_dir, "%s/corpus/epub", shared ? shared : "../shared");
    if (access(epub_dir, R_OK) != 0 || system("command -v convert >/dev/null") != 0 ||
        system("command -v unzip >/dev/null") != 0)
        skip();
    static const char *const books[] = {"moby-dick.epub", "haruko-jpeg.epub",
                                        "childrens-literature.epub", "cole-voyage-of-life.epub"};
    int tested = 0;
    for (size_t b = 0; b < sizeof books / sizeof books[0]; b++) {
        char command[2048], path[128];
        snprintf(path, sizeof path, "%s/image.tif", temp_dir);
        unlink(path);
        snprintf(command, sizeof command,
                 "name=$(unzip -Z1 '%s/%s' 2>/dev/null | grep -iE '\\.(jpe?g|png)$' | head -1) && "
                 "[ -n \"$name\" ] && unzip -p '%s/%s' \"$name\" | "
                 "convert - -resize 120x180^ -gravity center -extent 120x180 "
                 "-colorspace gray -dither FloydSteinberg -monochrome "
                 "-define quantum:polarity=min-is-white "
                 "-compress Group4 '%s' 2>/dev/null",
                 epub_dir, books[b], epub_dir, books[b], path);
        if (system(command) != 0)
            continue;
        TIFF *tiff = TIFFOpen(path, "r");
        if (!tiff)
            continue;
        uint32_t width = 0, height = 0;
        uint16_t compression = 0;
        TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
        TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
        TIFFGetField(tiff, TIFFTAG_COMPRESSION, &compression);
        assert_int_equal(width, 120);
        assert_int_equal(height, 180);
        assert_int_equal(compression, COMPRESSION_CCITTFAX4);
        uint16_t photometric = PHOTOMETRIC_MINISWHITE;
        TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
        image img = image_new(width, height);
        for (uint32_t y = 0; y < height; y++)
            assert_int_equal(TIFFReadScanline(tiff, img.bits + (size_t)y * img.stride, y, 0), 1);
        /* The fax bits are 1 = black whatever the photometric tag says the *pixels* mean;
         * libtiff's scanlines are the fax bits, so no inversion here. */
        uint64_t *strip_nbytes = NULL; /* owned by the TIFF: copy before closing it */
        assert_true(TIFFGetField(tiff, TIFFTAG_STRIPBYTECOUNTS, &strip_nbytes));
        const uint32_t strips = TIFFNumberOfStrips(tiff);
        const tmsize_t nbytes = (tmsize_t)strip_nbytes[0];
        TIFFClose(tiff);
        if (strips == 1) {
            /* Decode ImageMagick's (libtiff's) strip with ours. */
            tiff = TIFFOpen(path, "r");
            assert_non_null(tiff);
            uint8_t *stream = malloc((size_t)nbytes);
            assert_true(TIFFReadRawStrip(tiff, 0, stream, nbytes) == nbytes);
            TIFFClose(tiff);
            uint8_t *out = malloc((size_t)img.stride * height);
            ink_error_info info;
            ink_error_clear(&info);
            if (ours_decode(stream, (size_t)nbytes, width, height, out, &info) != INK_OK)
                fail_msg("%s: %s", books[b], info.detail);
            assert_same_pixels(&img, out, books[b]);
            free(out);
            free(stream);
        }
        libtiff_decode_ours(&img, books[b]);
        ours_decode_libtiff(&img, books[b]);
        free(img.bits);
        tested++;
    }
    print_message("dithered corpus covers checked: %d\n", tested);
    assert_true(tested > 0);
}

#endif /* INK_HAVE_LIBTIFF */

/* ---- hostile input sweeps ----------------------------------------------------------------- */

/* Every truncation of a stream either fails or (only when the cut removed nothing but EOFB and
 * padding) decodes to the original; every single-bit flip either fails or decodes to some image,
 * and no row or work buffer is ever written outside its bounds (ours_decode's guards). */
static void sweep(const image *img, const char *what)
{
    size_t nbytes;
    uint8_t *stream = ours_encode(img, &nbytes);
    uint8_t *out = malloc((size_t)img->stride * img->height + 1u);
    uint8_t *copy = malloc(nbytes);
    ink_error_info info;
    ink_error_clear(&info);
    if (ours_decode(stream, nbytes, img->width, img->height, out, &info) != INK_OK)
        fail_msg("%s: the intact stream fails: %s", what, info.detail);
    assert_same_pixels(img, out, what);
    for (size_t cut = 0; cut < nbytes; cut++) {
        memcpy(copy, stream, cut);
        ink_error_clear(&info);
        if (ours_decode(copy, cut, img->width, img->height, out, &info) == INK_OK) {
            if (cut + 3u < nbytes) /* EOFB is the last 3 bytes (with padding) */
                fail_msg("%s: truncated to %zu of %zu bytes, still accepted", what, cut, nbytes);
            assert_same_pixels(img, out, what);
        } else {
            assert_int_not_equal(info.code, INK_OK);
            assert_true(info.detail[0] != '\0');
        }
    }
    size_t flips = 0, failures = 0;
    for (size_t bit = 0; bit < nbytes * 8u; bit++) {
        memcpy(copy, stream, nbytes);
        copy[bit / 8u] ^= (uint8_t)(0x80u >> (bit % 8u));
        ink_error_clear(&info);
        flips++;
        if (ours_decode(copy, nbytes, img->width, img->height, out, &info) != INK_OK)
            failures++;
    }
    print_message("%s %ux%u: %zu bytes, %zu truncations, %zu bit flips (%zu rejected)\n", what,
                  img->width, img->height, nbytes, nbytes, flips, failures);
    free(copy);
    free(out);
    free(stream);
}

static void test_truncation_and_bit_flip_sweep(void **state)
{
    (void)state;
    static const struct {
        pattern kind;
        uint32_t width, height;
    } cases[] = {
        {PATTERN_TEXT, 120, 60},      {PATTERN_DITHERED_PHOTO, 120, 24},
        {PATTERN_CHECKER_3, 9, 30},   {PATTERN_WHITE, 1728, 4},
        {PATTERN_CHECKER_8, 7, 20},   {PATTERN_BLACK, 4096, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        image img = make_pattern(cases[i].kind, cases[i].width, cases[i].height);
        sweep(&img, pattern_names[cases[i].kind]);
        free(img.bits);
    }
}

/* A source that fails: the decoder reports INK_ERR_IO and stays failed. */
static ink_error failing_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    (void)user, (void)dst, (void)nbytes;
    *got = 0;
    return INK_ERR_IO;
}

static void test_source_error_sticks(void **state)
{
    (void)state;
    ink_source source = {failing_read, NULL, NULL};
    uint8_t work[4], row[2];
    ink_g4_decoder decoder;
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_g4_decoder_init(&decoder, 16, 2, work, sizeof work, &source, &info),
                     INK_OK);
    assert_int_equal(ink_g4_decode_row(&decoder, row, sizeof row, &info), INK_ERR_IO);
    assert_int_equal(ink_g4_decode_row(&decoder, row, sizeof row, NULL), INK_ERR_BAD_STATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked_white_row),
        cmocka_unit_test(test_hand_worked_horizontal),
        cmocka_unit_test(test_rejects_run_past_row),
        cmocka_unit_test(test_rejects_vertical_past_row),
        cmocka_unit_test(test_rejects_early_eofb_and_empty_input),
        cmocka_unit_test(test_rejects_bad_arguments),
        cmocka_unit_test(test_round_trip_patterns),
        cmocka_unit_test(test_truncation_and_bit_flip_sweep),
        cmocka_unit_test(test_source_error_sticks),
#ifdef INK_HAVE_LIBTIFF
        cmocka_unit_test(test_libtiff_decodes_our_patterns),
        cmocka_unit_test(test_we_decode_libtiff_patterns),
        cmocka_unit_test(test_run_length_ladder_both_ways),
        cmocka_unit_test(test_dithered_corpus_covers),
#endif
    };
#ifdef INK_HAVE_LIBTIFF
    return cmocka_run_group_tests(tests, make_temp_dir, remove_temp_dir);
#else
    return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}
