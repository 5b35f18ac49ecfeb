/*
 * test_png_pngsuite.c — the in-arena PNG decoder against libpng on real files:
 *   - every valid PngSuite file decodes to exactly libpng's gray (expand, scale_16, gray.h),
 *     over white and over a mid-gray background;
 *   - every x* PngSuite file is refused (and libpng refuses it too);
 *   - every PNG inside the corpus EPUBs matches libpng bit for bit.
 * The corpus comes from INK_SHARED_DIR; without it the tests skip.
 */
#include "test_support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/png.h"
#include "png_reference.h"

/* Compares one file's decodes; returns a description of the first difference or NULL. */
static const char *compare_file(const uint8_t *data, size_t nbytes, uint8_t background,
                                char *message, size_t message_nbytes)
{
    ink_test_gray expected, got;
    char why[256] = "";
    bool reference_ok = ink_test_libpng_gray(data, nbytes, background, &expected, why, sizeof why);
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err = ink_test_arena_png_gray(ink_test_arena(), data, nbytes, background, false,
                                            &got, &info);
    const char *result = NULL;
    if (!reference_ok) {
        snprintf(message, message_nbytes, "libpng refuses it (%s)", why);
        result = message;
    } else if (err != INK_OK) {
        snprintf(message, message_nbytes, "arena decoder: %s: %s", ink_strerror(err), info.detail);
        result = message;
    } else if (got.width != expected.width || got.height != expected.height) {
        snprintf(message, message_nbytes, "size %ux%u, libpng %ux%u", got.width, got.height,
                 expected.width, expected.height);
        result = message;
    } else {
        size_t n = (size_t)got.width * got.height;
        for (size_t i = 0; i < n; i++) {
            if (got.pixels[i] != expected.pixels[i]) {
                snprintf(message, message_nbytes, "pixel (%zu, %zu) is %u, libpng %u",
                         i % got.width, i / got.width, got.pixels[i], expected.pixels[i]);
                result = message;
                break;
            }
        }
    }
    if (reference_ok)
        ink_test_gray_free(&expected);
    if (err == INK_OK)
        ink_test_gray_free(&got);
    if (ink_arena_live_claims(ink_test_arena()) != 0) {
        snprintf(message, message_nbytes, "claims left live");
        result = message;
    }
    return result;
}

static const char *pngsuite_dir(char *path, size_t nbytes)
{
    const char *shared = ink_test_shared_dir();
    if (!shared)
        return NULL;
    snprintf(path, nbytes, "%s/corpus/pngsuite", shared);
    return access(path, R_OK) == 0 ? path : NULL;
}

static void test_pngsuite_valid_files_match_libpng(void **state)
{
    (void)state;
    char dir_path[4096];
    if (!pngsuite_dir(dir_path, sizeof dir_path))
        skip();
    DIR *dir = opendir(dir_path);
    assert_non_null(dir);
    struct dirent *entry;
    int checked = 0, failures = 0;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 4, ".png") != 0 || entry->d_name[0] == 'x')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
        size_t nbytes;
        uint8_t *data = ink_test_read_file(path, &nbytes);
        assert_non_null(data);
        const uint8_t backgrounds[2] = {255, 128};
        for (int b = 0; b < 2; b++) {
            char message[512];
            const char *diff = compare_file(data, nbytes, backgrounds[b], message, sizeof message);
            if (diff) {
                fprintf(stderr, "%s (background %u): %s\n", entry->d_name, backgrounds[b], diff);
                failures++;
            }
        }
        free(data);
        checked++;
    }
    closedir(dir);
    fprintf(stderr, "PngSuite: %d valid files, %d mismatches\n", checked, failures);
    assert_true(checked >= 150);
    assert_int_equal(failures, 0);
}

static void test_pngsuite_x_files_are_refused(void **state)
{
    (void)state;
    char dir_path[4096];
    if (!pngsuite_dir(dir_path, sizeof dir_path))
        skip();
    DIR *dir = opendir(dir_path);
    assert_non_null(dir);
    struct dirent *entry;
    int checked = 0, failures = 0;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 4, ".png") != 0 || entry->d_name[0] != 'x')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
        size_t nbytes;
        uint8_t *data = ink_test_read_file(path, &nbytes);
        assert_non_null(data);
        ink_test_gray reference, got;
        char why[256];
        bool libpng_ok = ink_test_libpng_gray(data, nbytes, 255, &reference, why, sizeof why);
        if (libpng_ok)
            ink_test_gray_free(&reference);
        ink_error_info info;
        ink_error_clear(&info);
        ink_error err = ink_test_arena_png_gray(ink_test_arena(), data, nbytes, 255, false, &got,
                                                &info);
        if (err == INK_OK) {
            ink_test_gray_free(&got);
            fprintf(stderr, "%s: accepted\n", entry->d_name);
            failures++;
        } else {
            fprintf(stderr, "%s: refused: %s (libpng: %s)\n", entry->d_name, info.detail,
                    libpng_ok ? "accepts" : why);
            if (info.detail[0] == '\0' || err != INK_ERR_BAD_DATA)
                failures++;
        }
        if (libpng_ok)
            failures++; /* the reference must agree these files are broken */
        assert_int_equal(ink_arena_live_claims(ink_test_arena()), 0);
        free(data);
        checked++;
    }
    closedir(dir);
    assert_int_equal(checked, 14);
    assert_int_equal(failures, 0);
}

static void test_epub_pngs_match_libpng(void **state)
{
    (void)state;
    const char *shared = ink_test_shared_dir();
    if (!shared)
        skip();
    char temp[] = "/tmp/ink-png-epub-XXXXXX";
    assert_non_null(mkdtemp(temp));
    int status = ink_test_run("cd '%s' && for f in '%s'/corpus/epub/*.epub; do "
                              "d=$(basename \"$f\" .epub); mkdir -p \"$d\"; "
                              "unzip -qq -o \"$f\" -d \"$d\" 2>/dev/null; done; "
                              "find . -type f -iname '*.png' | sort > list.txt",
                              temp, shared);
    assert_int_equal(status, 0);
    char list_path[4200];
    snprintf(list_path, sizeof list_path, "%s/list.txt", temp);
    FILE *list = fopen(list_path, "r");
    assert_non_null(list);
    char line[4096];
    int checked = 0, failures = 0;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = '\0';
        char path[8400];
        snprintf(path, sizeof path, "%s/%s", temp, line);
        size_t nbytes;
        uint8_t *data = ink_test_read_file(path, &nbytes);
        assert_non_null(data);
        char message[512];
        const char *diff = compare_file(data, nbytes, 255, message, sizeof message);
        if (diff) {
            fprintf(stderr, "%s: %s\n", line, diff);
            failures++;
        }
        free(data);
        checked++;
    }
    fclose(list);
    ink_test_run("rm -rf '%s'", temp);
    fprintf(stderr, "EPUB PNGs: %d checked, %d mismatches\n", checked, failures);
    assert_true(checked > 0);
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pngsuite_valid_files_match_libpng),
        cmocka_unit_test(test_pngsuite_x_files_are_refused),
        cmocka_unit_test(test_epub_pngs_match_libpng),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
