/*
 * hyphen.h — Liang hyphenation over libhyphen `.dic` patterns, compiled to one flat byte array.
 *
 * Two steps:
 *
 *   1. ink_hyphen_compile() turns the text of a libhyphen `.dic` file (Debian `hyphen-*`
 *      packages, e.g. /usr/share/hyphen/hyph_en_US.dic) into a *compiled trie*: one flat,
 *      position-independent byte array with no pointers. The host compiles at load time (or
 *      writes the array to a file once, see `inkpipe layout --save-trie`); the board keeps the
 *      array in flash and never compiles. Compiling needs caller work memory (sizes below).
 *   2. ink_hyphen_open() validates a compiled array (it is untrusted input like any file: every
 *      index is bounds-checked once here, so lookups need no checks) and ink_hyphen_points()
 *      finds the hyphenation points of one UTF-8 word, with no memory beyond the caller's output.
 *
 * Semantics are those of libhyphen's hnj_hyphen_hyphenate2() (checked word by word against it in
 * tests/unit/test_hyphen.c): the pattern automaton applies, at each letter, the values of the
 * longest pattern prefix ending there (`.dic` files are pre-expanded by libhyphen's substrings.pl,
 * so that is Liang's maximum over all matching patterns); digits in the word act as word
 * boundaries; words are not case-folded (call ink_hyphen_fold_case() first); the default first
 * level splits compounds at hyphens and apostrophes ('-', '\'', U+2013, U+2019), hyphenates each
 * part with the `.dic` patterns and COMPOUNDLEFT/RIGHTHYPHENMIN, and never breaks next to those
 * characters; LEFTHYPHENMIN / RIGHTHYPHENMIN (default 2) count UTF-8 characters.
 * Not supported: non-standard replacement rules (`pattern/replacement,index,cut`) keep their break
 * values but the replacement spelling is ignored.
 *
 * Compiled format (little-endian; offsets from the array's start), version 1:
 *   header  32 bytes: "INKH", u8 version, u8 flags (bit 0: UTF-8), i8 left_min, i8 right_min,
 *           i8 compound_left_min, i8 compound_right_min, u8 nohyphen_count, u8 reserved,
 *           u32 total_nbytes, u32 level_offset[2], u32 nohyphen_offset, u32 nohyphen_nbytes
 *   level   u32 state_count, u32 pool_nbytes, state_count records of 12 bytes, then the pool:
 *           record = u8 edge byte, u8 child_count, u8 match_nbytes, u24 first_child,
 *                    u24 fallback, u24 match_offset (into this level's pool)
 *           States are in breadth-first order, the children of a state are consecutive and sorted
 *           by edge byte, state 0 is the root. The pool holds value vectors (bytes 0..9).
 *   nohyphen  nohyphen_count entries of u8 length + bytes.
 * Level 0 is the compound level (the default hyphen/apostrophe patterns, or the part of the file
 * before NEXTLEVEL), level 1 the word patterns.
 */
#ifndef INK_TEXT_HYPHEN_H
#define INK_TEXT_HYPHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

/* Longest word ink_hyphen_points() hyphenates, in bytes (longer: INK_ERR_TOO_LARGE). */
#define INK_HYPHEN_MAX_WORD_BYTES 255u
/* Longest `.dic` line in bytes, newline included, as in libhyphen (longer lines are skipped). */
#define INK_HYPHEN_MAX_LINE_BYTES 99u
/* Most states a compiled level may hold (24-bit indices). */
#define INK_HYPHEN_MAX_STATES 0xFFFFFFu
#define INK_HYPHEN_HEADER_NBYTES 32u
#define INK_HYPHEN_STATE_NBYTES 12u

/* Work and output sizes that always suffice for compiling `dic_nbytes` bytes of `.dic` text:
 * work: 20 bytes per pattern letter (bounded by the input size) plus the default patterns;
 * output: the header, 12 bytes per state and the value pool (each bounded by the input size). */
size_t ink_hyphen_compile_work_nbytes(size_t dic_nbytes);
size_t ink_hyphen_compile_out_nbytes(size_t dic_nbytes);

/* Compiles `.dic` text (`dic`, `dic_nbytes`, not NUL-terminated) into `out`. `work` is scratch of
 * `work_nbytes` bytes (aligned to 4), free again on return. On success `*out_used_nbytes` is the
 * compiled size (the array is exactly out[0, *out_used_nbytes)).
 * Errors: INK_ERR_TOO_LARGE (work or out smaller than needed; the sizes above always suffice),
 * INK_ERR_BAD_DATA (no patterns at all), INK_ERR_INVALID_ARGUMENT. Never reads past `dic_nbytes`. */
ink_error ink_hyphen_compile(const uint8_t *dic, size_t dic_nbytes, void *work, size_t work_nbytes,
                             uint8_t *out, size_t out_nbytes, size_t *out_used_nbytes,
                             ink_error_info *info);

/* A validated view of a compiled array; the array stays owned by the caller and must outlive it. */
typedef struct ink_hyphen_dict {
    const uint8_t *bytes;
    uint32_t nbytes;
    const uint8_t *states[2]; /* first record of each level */
    uint32_t state_count[2];
    const uint8_t *pool[2];
    uint32_t pool_nbytes[2];
    const uint8_t *nohyphen; /* nohyphen_count entries of u8 length + bytes */
    uint32_t nohyphen_nbytes;
    uint8_t nohyphen_count;
    bool utf8;
    int8_t left_min, right_min, compound_left_min, compound_right_min;
} ink_hyphen_dict;

/* Checks every header field, index, count and range of a compiled array and fills `dict`.
 * Errors: INK_ERR_BAD_DATA (with the first inconsistency), INK_ERR_UNSUPPORTED (other version). */
ink_error ink_hyphen_open(ink_hyphen_dict *dict, const uint8_t *bytes, size_t nbytes,
                          ink_error_info *info);

/* Options of one lookup; zeroes mean "as the dictionary says". */
typedef struct ink_hyphen_options {
    uint8_t left_min;  /* fewest characters before a break (replaces LEFTHYPHENMIN when > 0) */
    uint8_t right_min; /* fewest characters after a break (replaces RIGHTHYPHENMIN when > 0) */
} ink_hyphen_options;

/* Hyphenation values of `word` (`word_nbytes` bytes, UTF-8 for UTF-8 dictionaries): on success
 * `*out_char_count` is the number of characters and values[i], for i < that count, is the
 * libhyphen value after character i: odd means a break is allowed after character i.
 * `values` must hold at least `word_nbytes` bytes (it is also the byte-level work vector).
 * `options` may be NULL. Errors: INK_ERR_TOO_LARGE (word longer than INK_HYPHEN_MAX_WORD_BYTES or
 * `values` too small), INK_ERR_BAD_DATA (word starts with a UTF-8 continuation byte),
 * INK_ERR_INVALID_ARGUMENT. An empty word has no characters and succeeds. */
ink_error ink_hyphen_points(const ink_hyphen_dict *dict, const ink_hyphen_options *options,
                            const char *word, size_t word_nbytes, uint8_t *values,
                            size_t values_nbytes, size_t *out_char_count, ink_error_info *info);

/* Lower-cases, in place, ASCII A-Z and the Latin-1 capitals U+00C0..U+00DE (except U+00D7),
 * whose lower case is 0x20 higher with the same UTF-8 length. Other bytes are left alone; the byte
 * length never changes. (libhyphen does not fold case; its callers do, and so should ours.) */
void ink_hyphen_fold_case(char *word, size_t word_nbytes);

#endif
