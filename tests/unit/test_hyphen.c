/*
 * test_hyphen.c — text/hyphen against libhyphen (Debian libhyphen-dev), the reference.
 *
 * - every word of /usr/share/dict/words (Debian wamerican), as written and case-folded, gets the
 *   same hyphenation points from ink_hyphen_points() as from hnj_hyphen_hyphenate2() with
 *   /usr/share/hyphen/hyph_en_US.dic (Debian hyphen-en-us);
 * - hundreds of random small `.dic` files (keywords, NEXTLEVEL, NOHYPHEN, duplicates, digits,
 *   apostrophes, hyphens, UTF-8) against random words, through both libraries;
 * - the parser and the trie validator on truncated and bit-flipped inputs (no crash, and a
 *   corrupted trie is either rejected or still answers within its bounds).
 * Files missing: the test skips.
 */
#ifndef INK_HAVE_LIBHYPHEN
#include <stdio.h>
int main(void)
{
    puts("test_hyphen: built without libhyphen (libhyphen-dev), skipped");
    return 77;
}
#else
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hyphen.h>

/* libhyphen leaks the values of a pattern given twice; that is not ours to report. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libhyphen.so";
}

#include "text/hyphen.h"

#define DIC_PATH "/usr/share/hyphen/hyph_en_US.dic"
#define WORDS_PATH "/usr/share/dict/words"

static uint8_t *read_file(const char *path, size_t *nbytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t capacity = 1 << 16, size = 0, got;
    uint8_t *data = malloc(capacity);
    while (data && (got = fread(data + size, 1, capacity - size, f)) > 0) {
        size += got;
        if (size == capacity)
            data = realloc(data, capacity *= 2);
    }
    fclose(f);
    *nbytes = size;
    return data;
}

/* Compiles `dic` with heap buffers of the documented sizes; returns the compiled array. */
static uint8_t *compile(const uint8_t *dic, size_t dic_nbytes, size_t *out_nbytes, ink_error *err)
{
    size_t work_nbytes = ink_hyphen_compile_work_nbytes(dic_nbytes);
    size_t cap = ink_hyphen_compile_out_nbytes(dic_nbytes);
    void *work = malloc(work_nbytes);
    uint8_t *out = malloc(cap);
    assert_non_null(work);
    assert_non_null(out);
    *err = ink_hyphen_compile(dic, dic_nbytes, work, work_nbytes, out, cap, out_nbytes, NULL);
    free(work);
    return out;
}

/* libhyphen's answer as a '0'/'1' string per character (odd values -> '1'). */
static size_t reference_points(HyphenDict *dict, const char *word, char *points)
{
    size_t n = strlen(word);
    /* libhyphen 2.8.8 writes one byte before `hyphens` for some compounds (valgrind shows it on
     * the random dictionaries below): give it slack so the test itself stays sound. */
    char *block = calloc(n + 5 + 16, 1);
    char *hyphens = block + 8;
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    hnj_hyphen_hyphenate2(dict, word, (int)n, hyphens, NULL, &rep, &pos, &cut);
    size_t count = strlen(hyphens);
    for (size_t i = 0; i < count; i++)
        points[i] = (hyphens[i] & 1) ? '1' : '0';
    points[count] = 0;
    if (rep) {
        for (size_t i = 0; i < n; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    free(block);
    return count;
}

static size_t our_points(const ink_hyphen_dict *dict, const char *word, char *points)
{
    uint8_t values[INK_HYPHEN_MAX_WORD_BYTES];
    size_t count = 0;
    ink_error err = ink_hyphen_points(dict, NULL, word, strlen(word), values, sizeof values,
                                      &count, NULL);
    assert_int_equal(err, INK_OK);
    for (size_t i = 0; i < count; i++)
        points[i] = (values[i] & 1) ? '1' : '0';
    points[count] = 0;
    return count;
}

static void test_every_dictionary_word_matches_libhyphen(void **state)
{
    (void)state;
    size_t dic_nbytes = 0, words_nbytes = 0;
    uint8_t *dic = read_file(DIC_PATH, &dic_nbytes);
    char *words = (char *)read_file(WORDS_PATH, &words_nbytes);
    HyphenDict *reference = hnj_hyphen_load(DIC_PATH);
    if (!dic || !words || !reference) {
        free(dic);
        free(words);
        skip();
    }
    size_t trie_nbytes;
    ink_error err;
    uint8_t *trie = compile(dic, dic_nbytes, &trie_nbytes, &err);
    assert_int_equal(err, INK_OK);
    ink_hyphen_dict dict;
    assert_int_equal(ink_hyphen_open(&dict, trie, trie_nbytes, NULL), INK_OK);
    printf("# %s: %zu bytes compiled to %zu bytes (%u + %u states)\n", DIC_PATH, dic_nbytes,
           trie_nbytes, dict.state_count[0], dict.state_count[1]);

    size_t checked = 0, mismatches = 0, with_points = 0, points_total = 0;
    char *line = words;
    char *end = words + words_nbytes;
    while (line < end) {
        char *newline = memchr(line, '\n', (size_t)(end - line));
        size_t len = newline ? (size_t)(newline - line) : (size_t)(end - line);
        char word[INK_HYPHEN_MAX_WORD_BYTES + 1];
        if (len > 0 && len <= INK_HYPHEN_MAX_WORD_BYTES) {
            for (int folded = 0; folded < 2; folded++) {
                memcpy(word, line, len);
                word[len] = 0;
                if (folded)
                    ink_hyphen_fold_case(word, len);
                char want[INK_HYPHEN_MAX_WORD_BYTES + 1], got[INK_HYPHEN_MAX_WORD_BYTES + 1];
                size_t want_count = reference_points(reference, word, want);
                size_t got_count = our_points(&dict, word, got);
                checked++;
                if (want_count != got_count || strcmp(want, got) != 0) {
                    if (mismatches < 10)
                        printf("# mismatch %s: libhyphen %s, ours %s\n", word, want, got);
                    mismatches++;
                }
                for (size_t i = 0; i < got_count; i++)
                    points_total += got[i] == '1';
                with_points += strchr(got, '1') != NULL;
            }
        }
        line += len + 1;
    }
    printf("# %zu words checked (as written and case-folded), %zu with points, %zu points, "
           "%zu mismatches\n", checked, with_points, points_total, mismatches);
    assert_true(checked > 200000);
    assert_true(with_points > checked / 2); /* the comparison is not vacuous */
    assert_int_equal(mismatches, 0);
    hnj_hyphen_free(reference);
    free(trie);
    free(dic);
    free(words);
}

/* A small deterministic generator (xorshift) so failures reproduce. */
static uint32_t rng_state = 2463534242u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static const char *const alphabet[] = {"a", "b", "c", "e", ".", "-", "'", "\xc3\xa9",
                                       "\xe2\x80\x99", "\xef\xac\x83"};
#define ALPHABET_COUNT (sizeof alphabet / sizeof alphabet[0])

static void random_dic(char *dic, size_t cap, bool utf8)
{
    size_t n = (size_t)snprintf(dic, cap, "%s\n", utf8 ? "UTF-8" : "ISO8859-1");
    const char *keywords[] = {"LEFTHYPHENMIN", "RIGHTHYPHENMIN", "COMPOUNDLEFTHYPHENMIN",
                              "COMPOUNDRIGHTHYPHENMIN"};
    for (int k = 0; k < 4; k++)
        if (rng() % 2)
            n += (size_t)snprintf(dic + n, cap - n, "%s %u\n", keywords[k], rng() % 5);
    if (rng() % 4 == 0)
        n += (size_t)snprintf(dic + n, cap - n, "NOHYPHEN %s,%s\n", alphabet[rng() % 4],
                              alphabet[5 + rng() % 2]);
    int patterns = 5 + (int)(rng() % 40);
    bool nextlevel = rng() % 5 == 0;
    for (int p = 0; p < patterns; p++) {
        if (nextlevel && p == patterns / 3)
            n += (size_t)snprintf(dic + n, cap - n, "NEXTLEVEL\n");
        if (rng() % 10 == 0)
            n += (size_t)snprintf(dic + n, cap - n, "%% comment\n");
        int letters = 1 + (int)(rng() % 5);
        /* A value before a leading '.' makes libhyphen 2.8.8 write before its buffers (its
         * loop lacks the negative-offset guard), so the reference cannot take those. */
        bool word_start = rng() % 4 == 0;
        if (word_start)
            n += (size_t)snprintf(dic + n, cap - n, ".");
        for (int l = 0; l < letters; l++) {
            const char *letter = alphabet[rng() % (utf8 ? ALPHABET_COUNT : 7)];
            bool leading_dot = l == 0 && (word_start || letter[0] == '.');
            if (rng() % 2 && !leading_dot)
                n += (size_t)snprintf(dic + n, cap - n, "%u", rng() % 6);
            n += (size_t)snprintf(dic + n, cap - n, "%s", letter);
        }
        if (rng() % 2)
            n += (size_t)snprintf(dic + n, cap - n, "%u", rng() % 6);
        if (rng() % 5 == 0)
            n += (size_t)snprintf(dic + n, cap - n, ".");
        n += (size_t)snprintf(dic + n, cap - n, "\n");
    }
}

static void random_word(char *word, size_t cap, bool utf8)
{
    int letters = (int)(rng() % 12);
    size_t n = 0;
    for (int l = 0; l < letters; l++) {
        const char *piece = rng() % 9 == 0 ? "7" : alphabet[rng() % (utf8 ? ALPHABET_COUNT : 7)];
        if (n + strlen(piece) + 1 > cap)
            break;
        memcpy(word + n, piece, strlen(piece));
        n += strlen(piece);
    }
    word[n] = 0;
}

static void test_random_dictionaries_match_libhyphen(void **state)
{
    (void)state;
    char path[] = "/tmp/ink_test_hyphen_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t mismatches = 0, compared = 0, with_points = 0, digit_mismatches = 0;
    for (int round = 0; round < 400; round++) {
        bool utf8 = round % 2 == 0;
        char dic[8192];
        random_dic(dic, sizeof dic, utf8);
        FILE *f = fopen(path, "wb");
        fputs(dic, f);
        fclose(f);
        HyphenDict *reference = hnj_hyphen_load(path);
        assert_non_null(reference);
        size_t trie_nbytes;
        ink_error err;
        uint8_t *trie = compile((const uint8_t *)dic, strlen(dic), &trie_nbytes, &err);
        assert_int_equal(err, INK_OK);
        ink_hyphen_dict dict;
        assert_int_equal(ink_hyphen_open(&dict, trie, trie_nbytes, NULL), INK_OK);
        for (int w = 0; w < 200; w++) {
            char word[64];
            random_word(word, sizeof word, utf8);
            char want[70], got[70];
            size_t want_count = reference_points(reference, word, want);
            size_t got_count = our_points(&dict, word, got);
            compared++;
            with_points += strchr(got, '1') != NULL;
            bool digit_in_compound = strpbrk(word, "0123456789") &&
                                     (strpbrk(word, "-'") || strstr(word, "\xe2\x80\x99"));
            if (want_count != got_count || strcmp(want, got) != 0) {
                if (digit_in_compound) {
                    /* Known divergence: libhyphen 2.8.8 gives these words points that depend on
                     * its out-of-bounds access (see above); no real word has them. */
                    digit_mismatches++;
                    continue;
                }
                if (mismatches < 5)
                    printf("# mismatch round %d word '%s': libhyphen %s ours %s\n--\n%s--\n",
                           round, word, want, got, dic);
                mismatches++;
            }
        }
        hnj_hyphen_free(reference);
        free(trie);
    }
    unlink(path);
    printf("# %zu random words over 400 random dictionaries, %zu with points, %zu mismatches, "
           "%zu known divergences (digits inside compounds)\n",
           compared, with_points, mismatches, digit_mismatches);
    assert_true(with_points > compared / 20);
    assert_true(digit_mismatches < compared / 1000);
    assert_int_equal(mismatches, 0);
}

static void test_word_limits(void **state)
{
    (void)state;
    const char *dic = "UTF-8\nLEFTHYPHENMIN 1\nRIGHTHYPHENMIN 1\na1b\n";
    size_t trie_nbytes;
    ink_error err;
    uint8_t *trie = compile((const uint8_t *)dic, strlen(dic), &trie_nbytes, &err);
    assert_int_equal(err, INK_OK);
    ink_hyphen_dict dict;
    assert_int_equal(ink_hyphen_open(&dict, trie, trie_nbytes, NULL), INK_OK);
    uint8_t values[300];
    size_t count = 99;
    char long_word[300];
    memset(long_word, 'a', sizeof long_word);
    assert_int_equal(ink_hyphen_points(&dict, NULL, long_word, INK_HYPHEN_MAX_WORD_BYTES + 1,
                                       values, sizeof values, &count, NULL),
                     INK_ERR_TOO_LARGE);
    assert_int_equal(ink_hyphen_points(&dict, NULL, "abab", 4, values, 3, &count, NULL),
                     INK_ERR_TOO_LARGE);
    assert_int_equal(ink_hyphen_points(&dict, NULL, "\xa9" "ab", 3, values, 3, &count, NULL),
                     INK_ERR_BAD_DATA);
    assert_int_equal(ink_hyphen_points(&dict, NULL, "", 0, values, 0, &count, NULL), INK_OK);
    assert_int_equal(count, 0);
    /* Hand-worked: "a1b" with minimums of 2 (LEFT/RIGHTHYPHENMIN 1 fall back to... no: 1 is
     * kept, and a minimum of 1 clears nothing): "abab" breaks after a at 0 and 2. */
    assert_int_equal(ink_hyphen_points(&dict, NULL, "abab", 4, values, 4, &count, NULL), INK_OK);
    assert_int_equal(count, 4);
    assert_int_equal(values[0] & 1, 1);
    assert_int_equal(values[1] & 1, 0);
    assert_int_equal(values[2] & 1, 1);
    /* A caller's left minimum of 2 removes the first. */
    ink_hyphen_options options = {2, 0};
    assert_int_equal(ink_hyphen_points(&dict, &options, "abab", 4, values, 4, &count, NULL),
                     INK_OK);
    assert_int_equal(values[0] & 1, 0);
    assert_int_equal(values[2] & 1, 1);
    free(trie);
}

static void test_fold_case(void **state)
{
    (void)state;
    char word[] = "ABC\xc3\x80\xc3\x97\xc3\x9e\xc3\x9f" "z\xe2\x80\x99";
    ink_hyphen_fold_case(word, strlen(word));
    /* Hand-worked: A-C -> a-c, U+00C0 -> U+00E0, U+00D7 (multiplication sign) kept,
     * U+00DE -> U+00FE, U+00DF (sharp s, already lower) kept, other bytes kept. */
    assert_string_equal(word, "abc\xc3\xa0\xc3\x97\xc3\xbe\xc3\x9f" "z\xe2\x80\x99");
}

/* Every truncation and single-bit flip of a small real `.dic` prefix compiles without harm, and
 * the result opens and answers. */
static void test_dic_truncation_and_bitflip_sweep(void **state)
{
    (void)state;
    size_t dic_nbytes = 0;
    uint8_t *dic = read_file(DIC_PATH, &dic_nbytes);
    if (!dic)
        skip();
    size_t n = dic_nbytes < 1500 ? dic_nbytes : 1500;
    uint8_t *copy = malloc(n);
    const char *words[] = {"abduction", "adder", "aftermath", "a-b-c", "o'clock", "x9y"};
    size_t runs = 0;
    for (size_t variant = 0; variant < n + n * 8; variant++) {
        size_t len = n;
        memcpy(copy, dic, n);
        if (variant < n)
            len = variant;
        else
            copy[(variant - n) / 8] ^= (uint8_t)(1u << ((variant - n) % 8));
        size_t trie_nbytes;
        ink_error err;
        uint8_t *trie = compile(copy, len, &trie_nbytes, &err);
        assert_int_equal(err, INK_OK);
        ink_hyphen_dict dict;
        assert_int_equal(ink_hyphen_open(&dict, trie, trie_nbytes, NULL), INK_OK);
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            uint8_t values[64];
            size_t count;
            ink_error e = ink_hyphen_points(&dict, NULL, words[w], strlen(words[w]), values,
                                            sizeof values, &count, NULL);
            assert_true(e == INK_OK);
            assert_true(count <= strlen(words[w]));
        }
        free(trie);
        runs++;
    }
    printf("# %zu truncated or bit-flipped .dic texts compiled and used\n", runs);
    free(copy);
    free(dic);
}

/* Every single-bit flip and truncation of a compiled trie is either rejected by
 * ink_hyphen_open() or gives lookups that stay in bounds (ASan builds check the latter). */
static void test_trie_truncation_and_bitflip_sweep(void **state)
{
    (void)state;
    const char *dic = "UTF-8\nLEFTHYPHENMIN 1\nRIGHTHYPHENMIN 1\n.ab3c\na1b\nb2c1\n"
                      "1c\n2e1\xc3\xa9\nNOHYPHEN x,yy\n";
    size_t trie_nbytes;
    ink_error err;
    uint8_t *trie = compile((const uint8_t *)dic, strlen(dic), &trie_nbytes, &err);
    assert_int_equal(err, INK_OK);
    uint8_t *copy = malloc(trie_nbytes);
    size_t rejected = 0, accepted = 0;
    for (size_t variant = 0; variant < trie_nbytes * 9; variant++) {
        size_t len = trie_nbytes;
        memcpy(copy, trie, trie_nbytes);
        if (variant < trie_nbytes)
            len = variant;
        else
            copy[(variant - trie_nbytes) / 8] ^= (uint8_t)(1u << ((variant - trie_nbytes) % 8));
        ink_hyphen_dict dict;
        if (ink_hyphen_open(&dict, copy, len, NULL) != INK_OK) {
            rejected++;
            continue;
        }
        accepted++;
        const char *words[] = {"abcabc", "eeé", "xyyx", "c-ab'c", "123"};
        for (size_t w = 0; w < 5; w++) {
            uint8_t values[16];
            size_t count;
            ink_hyphen_points(&dict, NULL, words[w], strlen(words[w]), values, sizeof values,
                              &count, NULL);
        }
    }
    printf("# %zu corrupted tries rejected, %zu accepted and used safely\n", rejected, accepted);
    assert_true(rejected > 0);
    free(copy);
    free(trie);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_limits),
        cmocka_unit_test(test_fold_case),
        cmocka_unit_test(test_random_dictionaries_match_libhyphen),
        cmocka_unit_test(test_every_dictionary_word_matches_libhyphen),
        cmocka_unit_test(test_dic_truncation_and_bitflip_sweep),
        cmocka_unit_test(test_trie_truncation_and_bitflip_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
