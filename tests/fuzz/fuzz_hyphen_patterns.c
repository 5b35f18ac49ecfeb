/*
 * fuzz_hyphen_patterns.c — libFuzzer target for the `.dic` pattern compiler and the compiled-trie
 * validator of text/hyphen.
 *
 * The input is compiled as `.dic` text (with the documented buffer sizes), opened and used on a
 * few words (including UTF-8, digits, hyphens and apostrophes); then the same bytes are opened as
 * a compiled trie (so the validator sees hostile tries too) and, if accepted, used likewise.
 * Every value returned must lie in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/hyphen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const ink_hyphen_dict *dict)
{
    static const char *const words[] = {"hyphenation", "abc", "a-b'c", "\xc3\xa9t\xc3\xa9",
                                        "x9y", "\xef\xac\x83x", "", "aaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        uint8_t values[64];
        size_t count = 0;
        size_t n = strlen(words[w]);
        if (ink_hyphen_points(dict, NULL, words[w], n, values, sizeof values, &count, NULL) ==
            INK_OK) {
            if (count > n)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    size_t work_nbytes = ink_hyphen_compile_work_nbytes(size);
    size_t out_nbytes = ink_hyphen_compile_out_nbytes(size);
    void *work = malloc(work_nbytes);
    uint8_t *out = malloc(out_nbytes);
    size_t used = 0;
    if (work && out &&
        ink_hyphen_compile(data, size, work, work_nbytes, out, out_nbytes, &used, NULL) ==
            INK_OK) {
        ink_hyphen_dict dict;
        /* The compiler's own output must always validate. */
        if (used > out_nbytes || ink_hyphen_open(&dict, out, used, NULL) != INK_OK)
            abort();
        exercise(&dict);
    } else if (work && out) {
        abort(); /* the documented sizes always suffice */
    }
    free(work);
    free(out);

    ink_hyphen_dict hostile;
    if (ink_hyphen_open(&hostile, data, size, NULL) == INK_OK)
        exercise(&hostile);
    return 0;
}
