/*
 * test_contact_sheet.c — the HTML contact sheet: sources embedded byte for byte, outputs
 * embedded as PNGs that libpng (independent of host/png_write.c) decodes to the BMP's pixels
 * (read by the tests' own BMP parser), captions escaped, rows in order, failures reported; the
 * BMP reader refuses every truncation of a valid file.
 */
#include "test_support.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dither/bmp.h"
#include "host/contact_sheet.h"
#include "host/file_io.h"

static char work_dir[] = "/tmp/ink-sheet-XXXXXX";

static int set_up(void **state)
{
    (void)state;
    return mkdtemp(work_dir) ? 0 : -1;
}

static int tear_down(void **state)
{
    (void)state;
    return ink_test_run("rm -rf '%s'", work_dir) == 0 ? 0 : -1;
}

/* Writes a BMP of `bits` (1 or 2) with a pattern to `path`; returns its bytes. */
static uint8_t *write_bmp(const char *path, uint32_t width, uint32_t height, unsigned bits,
                          size_t *nbytes)
{
    static uint8_t memory[1 << 16];
    ink_memory_sink state;
    ink_sink sink = ink_memory_sink_open(&state, memory, sizeof memory);
    ink_bmp_writer writer;
    assert_int_equal(ink_bmp_begin_bits(&writer, &sink, width, height, bits, NULL), INK_OK);
    for (uint32_t y = 0; y < height; y++) {
        uint8_t packed[128] = {0};
        for (uint32_t x = 0; x < width; x++) {
            uint32_t level = (x * 3 + y * 5 + x * y) % (bits == 1 ? 2 : 4);
            packed[x * bits / 8] |= (uint8_t)(level << (8 - bits - (x * bits) % 8));
        }
        assert_int_equal(ink_bmp_write_row(&writer, packed), INK_OK);
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(memory, 1, state.length, f), state.length);
    fclose(f);
    *nbytes = state.length;
    return memory;
}

static int base64_value(char c)
{
    const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(digits, c);
    return c && p ? (int)(p - digits) : -1;
}

/* Decodes the base64 run that follows `marker` in `html`; returns a heap buffer. */
static uint8_t *data_uri(const char *html, const char *marker, size_t *nbytes)
{
    const char *p = strstr(html, marker);
    if (!p)
        return NULL;
    p += strlen(marker);
    size_t length = strcspn(p, "\"");
    uint8_t *out = malloc(length);
    size_t n = 0;
    uint32_t bits = 0;
    int count = 0;
    for (size_t i = 0; i < length && p[i] != '='; i++) {
        int v = base64_value(p[i]);
        assert_true(v >= 0);
        bits = bits << 6 | (uint32_t)v;
        if (++count == 4) {
            out[n++] = (uint8_t)(bits >> 16);
            out[n++] = (uint8_t)(bits >> 8);
            out[n++] = (uint8_t)bits;
            count = 0;
            bits = 0;
        }
    }
    if (count == 2)
        out[n++] = (uint8_t)(bits >> 4);
    if (count == 3) {
        out[n++] = (uint8_t)(bits >> 10);
        out[n++] = (uint8_t)(bits >> 2);
    }
    *nbytes = n;
    return out;
}

static char *read_text(const char *path)
{
    unsigned char *data;
    size_t nbytes;
    assert_true(ink_read_file(path, &data, &nbytes));
    char *s = malloc(nbytes + 1);
    memcpy(s, data, nbytes);
    s[nbytes] = '\0';
    free(data);
    return s;
}

static void sheet_embeds_sources_and_outputs(void **state)
{
    (void)state;
    char bmp_path[256], html_path[256];
    snprintf(bmp_path, sizeof bmp_path, "%s/out.bmp", work_dir);
    snprintf(html_path, sizeof html_path, "%s/sheet.html", work_dir);
    for (unsigned bits = 1; bits <= 2; bits++) {
        size_t bmp_nbytes;
        const uint32_t width = 37, height = 11;
        uint8_t *bmp = write_bmp(bmp_path, width, height, bits, &bmp_nbytes);
        /* the expected gray: 1-bit via the tests' own BMP parser; 2-bit from the pattern */
        uint8_t expected[37 * 11];
        if (bits == 1) {
            ink_test_bitmap bitmap;
            assert_true(ink_test_parse_bmp(bmp, bmp_nbytes, &bitmap));
            for (uint32_t i = 0; i < width * height; i++)
                expected[i] = bitmap.pixels[i] ? 255 : 0;
            ink_test_bitmap_free(&bitmap);
        } else {
            for (uint32_t y = 0; y < height; y++)
                for (uint32_t x = 0; x < width; x++)
                    expected[y * width + x] = (uint8_t)(85 * ((x * 3 + y * 5 + x * y) % 4));
        }
        const uint8_t source[] = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 250, 0, 7};
        ink_contact_sheet *sheet = ink_contact_sheet_begin(html_path, "Book <1> & \"2\"");
        assert_non_null(sheet);
        assert_true(ink_contact_sheet_add(sheet, 2, source, sizeof source, bmp_path,
                                          "second <row> & more"));
        assert_true(ink_contact_sheet_add(sheet, 1, NULL, 0, bmp_path, "first row"));
        assert_false(ink_contact_sheet_add(sheet, 3, source, sizeof source,
                                           "/nonexistent/x.bmp", "broken"));
        assert_true(ink_contact_sheet_finish(sheet));
        char *html = read_text(html_path);
        assert_non_null(strstr(html, "<title>Book &lt;1&gt; &amp; &quot;2&quot;</title>"));
        assert_non_null(strstr(html, "second &lt;row&gt; &amp; more"));
        assert_null(strstr(html, "<row>"));
        char *first = strstr(html, "first row"), *second = strstr(html, "second &lt;row");
        char *broken = strstr(html, "broken");
        assert_true(first && second && broken && first < second && second < broken);
        assert_non_null(strstr(html, "source not shown (not available)"));
        assert_non_null(strstr(html, "output unreadable: /nonexistent/x.bmp"));
        assert_non_null(strstr(html, "width=\"37\" height=\"11\""));
        /* the source, byte for byte */
        size_t got_nbytes;
        uint8_t *got = data_uri(html, "data:image/jpeg;base64,", &got_nbytes);
        assert_non_null(got);
        assert_int_equal(got_nbytes, sizeof source);
        assert_memory_equal(got, source, sizeof source);
        free(got);
        /* the output PNG, decoded by libpng */
        uint8_t *png = data_uri(html, "data:image/png;base64,", &got_nbytes);
        assert_non_null(png);
        png_image image;
        memset(&image, 0, sizeof image);
        image.version = PNG_IMAGE_VERSION;
        assert_true(png_image_begin_read_from_memory(&image, png, got_nbytes));
        assert_int_equal(image.width, width);
        assert_int_equal(image.height, height);
        image.format = PNG_FORMAT_GRAY;
        uint8_t decoded[37 * 11];
        assert_true(png_image_finish_read(&image, NULL, decoded, (png_int_32)width, NULL));
        assert_memory_equal(decoded, expected, sizeof expected);
        free(png);
        free(html);
    }
}

static void bmp_reader_refuses_truncations_and_bad_headers(void **state)
{
    (void)state;
    char bmp_path[256];
    snprintf(bmp_path, sizeof bmp_path, "%s/t.bmp", work_dir);
    for (unsigned bits = 1; bits <= 2; bits++) {
        size_t nbytes;
        uint8_t *bmp = write_bmp(bmp_path, 21, 9, bits, &nbytes);
        uint8_t *gray;
        uint32_t w, h;
        for (size_t cut = 0; cut < nbytes; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, bmp, cut);
            if (ink_contact_sheet_read_bmp(copy, cut, &gray, &w, &h))
                fail_msg("%u-bit BMP cut to %zu of %zu bytes was accepted", bits, cut, nbytes);
            free(copy);
        }
        assert_true(ink_contact_sheet_read_bmp(bmp, nbytes, &gray, &w, &h));
        assert_int_equal(w, 21);
        assert_int_equal(h, 9);
        free(gray);
        /* every single-bit flip of the headers and palette: no crash, and an accepted file
         * still has a sane size */
        for (size_t at = 0; at < 70 && at < nbytes; at++) {
            for (int bit = 0; bit < 8; bit++) {
                uint8_t *copy = malloc(nbytes);
                memcpy(copy, bmp, nbytes);
                copy[at] ^= (uint8_t)(1u << bit);
                if (ink_contact_sheet_read_bmp(copy, nbytes, &gray, &w, &h)) {
                    assert_true((uint64_t)w * h <= (uint64_t)nbytes * 8u);
                    free(gray);
                }
                free(copy);
            }
        }
        /* compressed, 24-bit, zero width */
        uint8_t bad[4096];
        memcpy(bad, bmp, nbytes);
        bad[30] = 1;
        assert_false(ink_contact_sheet_read_bmp(bad, nbytes, &gray, &w, &h));
        memcpy(bad, bmp, nbytes);
        bad[28] = 24;
        assert_false(ink_contact_sheet_read_bmp(bad, nbytes, &gray, &w, &h));
        memcpy(bad, bmp, nbytes);
        memset(bad + 18, 0, 4);
        assert_false(ink_contact_sheet_read_bmp(bad, nbytes, &gray, &w, &h));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sheet_embeds_sources_and_outputs),
        cmocka_unit_test(bmp_reader_refuses_truncations_and_bad_headers),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
