/*
 * hyphen.c — validation of a compiled hyphenation trie and Liang lookups over it.
 *
 * The lookup reproduces libhyphen's hnj_hyphen_hyphenate2() (see hyphen.h) with no memory but the
 * caller's value vector: the compound level runs on the word; each part between its breaks is
 * hyphenated recursively *in place* (a part's vector is the slice of the word's vector, and the
 * break value at the part's end is saved and put back, which is what libhyphen's copy of all
 * but the last value achieves); a part without breaks runs the word level, then the compound
 * left/right minimums at inner part edges. Recursion is bounded by INK_HYPHEN_MAX_DEPTH; with the
 * default compound level (breaks only around single characters) it never exceeds 2.
 */
#include <string.h>

#include "text/hyphen.h"
#include "text/hyphen_states.h"

#define MAX_DEPTH 8

static uint32_t get_u32(const uint8_t *p)
{
    return ink_hyphen_get_u24(p) | (uint32_t)p[3] << 24;
}

static ink_error open_level(ink_hyphen_dict *dict, int level, uint32_t offset, uint32_t end,
                            ink_error_info *info)
{
    const uint8_t *bytes = dict->bytes;
    if (offset < INK_HYPHEN_HEADER_NBYTES || offset > end || end - offset < 8)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: level %d outside the array",
                             level);
    uint32_t count = get_u32(bytes + offset);
    uint32_t pool_nbytes = get_u32(bytes + offset + 4);
    if (count == 0 || count > INK_HYPHEN_MAX_STATES ||
        (uint64_t)count * INK_HYPHEN_STATE_NBYTES + pool_nbytes > end - offset - 8)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: level %d of %u states "
                             "overruns the array", level, count);
    const uint8_t *records = bytes + offset + 8;
    for (uint32_t s = 0; s < count; s++) {
        const uint8_t *r = records + (size_t)s * INK_HYPHEN_STATE_NBYTES;
        uint32_t first = ink_hyphen_get_u24(r + 3), children = r[1];
        uint32_t fallback = ink_hyphen_get_u24(r + 6), match = ink_hyphen_get_u24(r + 9);
        /* Children come after their parent and fallbacks before the state: lookups then always
         * terminate (goto moves forward, fallback moves back). */
        if (children && (first <= s || first > count || children > count - first))
            return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: state %u children out "
                                 "of range", s);
        for (uint32_t c = 1; c < children; c++)
            if (records[(size_t)(first + c - 1) * INK_HYPHEN_STATE_NBYTES] >=
                records[(size_t)(first + c) * INK_HYPHEN_STATE_NBYTES])
                return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: state %u children "
                                     "not sorted", s);
        if (s != 0 && fallback >= s)
            return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: state %u fallback %u "
                                 "not shallower", s, fallback);
        if (match > pool_nbytes || r[2] > pool_nbytes - match)
            return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: state %u values outside "
                                 "the pool", s);
    }
    dict->states[level] = records;
    dict->state_count[level] = count;
    dict->pool[level] = records + (size_t)count * INK_HYPHEN_STATE_NBYTES;
    dict->pool_nbytes[level] = pool_nbytes;
    return INK_OK;
}

ink_error ink_hyphen_open(ink_hyphen_dict *dict, const uint8_t *bytes, size_t nbytes,
                          ink_error_info *info)
{
    if (!dict || !bytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "hyphen trie: NULL argument");
    memset(dict, 0, sizeof *dict);
    if (nbytes < INK_HYPHEN_HEADER_NBYTES || memcmp(bytes, "INKH", 4) != 0)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: no INKH header");
    if (bytes[4] != 1)
        return ink_error_set(info, INK_ERR_UNSUPPORTED, "hyphen trie: version %u (this build "
                             "reads 1)", bytes[4]);
    uint32_t total = get_u32(bytes + 12);
    if (total > nbytes || total < INK_HYPHEN_HEADER_NBYTES)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: size %u but %zu bytes given",
                             total, nbytes);
    dict->bytes = bytes;
    dict->nbytes = total;
    ink_error err;
    for (int level = 0; level < 2; level++)
        if ((err = open_level(dict, level, get_u32(bytes + 16 + 4 * level), total, info)) != INK_OK)
            return err;
    uint32_t nohyphen = get_u32(bytes + 24), nohyphen_nbytes = get_u32(bytes + 28);
    if (nohyphen < INK_HYPHEN_HEADER_NBYTES || nohyphen > total || nohyphen_nbytes > total - nohyphen)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: NOHYPHEN list out of range");
    uint32_t walked = 0;
    for (uint32_t i = 0; i < bytes[10]; i++) {
        if (walked >= nohyphen_nbytes || bytes[nohyphen + walked] == 0 ||
            bytes[nohyphen + walked] > nohyphen_nbytes - walked - 1)
            return ink_error_set(info, INK_ERR_BAD_DATA, "hyphen trie: NOHYPHEN entry %u "
                                 "overruns its list", i);
        walked += 1u + bytes[nohyphen + walked];
    }
    dict->nohyphen = bytes + nohyphen;
    dict->nohyphen_nbytes = walked;
    dict->nohyphen_count = bytes[10];
    dict->utf8 = (bytes[5] & 1u) != 0;
    dict->left_min = (int8_t)bytes[6];
    dict->right_min = (int8_t)bytes[7];
    dict->compound_left_min = (int8_t)bytes[8];
    dict->compound_right_min = (int8_t)bytes[9];
    return INK_OK;
}

/* Runs one level's automaton over ".word." (digits read as '.') and leaves in v[0..n) the values
 * after each byte, libhyphen's shifted vector: v[n-1] is 0. */
static void run_level(const ink_hyphen_dict *dict, int level, const uint8_t *w, size_t n,
                      uint8_t *v)
{
    const uint8_t *records = dict->states[level];
    const uint8_t *pool = dict->pool[level];
    memset(v, 0, n);
    uint32_t s = 0;
    for (size_t p = 0; p < n + 2; p++) {
        uint8_t c = (p == 0 || p == n + 1 || (w[p - 1] >= '0' && w[p - 1] <= '9')) ? '.'
                                                                                    : w[p - 1];
        for (;;) {
            uint32_t t = ink_hyphen_child(records, s, c);
            if (t != INK_HYPHEN_NO_STATE) {
                s = t;
                break;
            }
            if (s == 0)
                break;
            s = ink_hyphen_get_u24(records + (size_t)s * INK_HYPHEN_STATE_NBYTES + 6);
        }
        if (s == 0)
            continue; /* no state took this byte: libhyphen skips it */
        const uint8_t *r = records + (size_t)s * INK_HYPHEN_STATE_NBYTES;
        size_t m = r[2];
        const uint8_t *match = pool + ink_hyphen_get_u24(r + 9);
        /* Value k lies before prep position p + 1 - m + k, i.e. after word byte p - m + k. */
        for (size_t k = 0; k < m; k++) {
            if (p + k < m)
                continue;
            size_t at = p + k - m;
            if (at + 2 <= n && v[at] < match[k])
                v[at] = match[k];
        }
    }
}

/* libhyphen's hnj_ligature: U+FB03/U+FB04 (ffi, ffl) count as two letters for the left minimum. */
static int ligature_extra(const uint8_t *w, size_t n, size_t j)
{
    if (j + 1 < n && w[j] == 0xEF && w[j + 1] == 0xAC && j + 2 < n &&
        (w[j + 2] == 0x83 || w[j + 2] == 0x84))
        return 1;
    return 0;
}

/* Clears breaks inside the first `min` - 1 characters (leading digits do not count). */
static void apply_left_min(bool utf8, const uint8_t *w, size_t n, uint8_t *v, int min,
                           bool count_digits)
{
    int i = 1;
    if (utf8)
        i += ligature_extra(w, n, 0);
    if (count_digits)
        for (size_t j = 0; j < n && w[j] >= '0' && w[j] <= '9'; j++)
            i--;
    size_t j = 0;
    for (; i < min && j < n; i++) {
        do {
            v[j++] = 0;
            if (utf8)
                i += ligature_extra(w, n, j);
        } while (utf8 && j < n && (w[j] & 0xC0u) == 0x80u);
    }
}

/* Clears breaks that would leave fewer than `min` characters after them. */
static void apply_right_min(bool utf8, const uint8_t *w, size_t n, uint8_t *v, int min,
                            bool count_digits)
{
    int i = 0;
    if (n == 0)
        return;
    if (count_digits)
        for (size_t j = n - 1; j > 0 && w[j] >= '0' && w[j] <= '9'; j--)
            i--;
    for (size_t j = n - 1; i < min && j > 0; j--) {
        v[j] = 0;
        if (!utf8 || (w[j] & 0xC0u) == 0xC0u || (w[j] & 0x80u) != 0x80u)
            i++;
    }
}

static void hyphenate_part(const ink_hyphen_dict *dict, const uint8_t *w, size_t n, uint8_t *v,
                           bool word_start, bool word_end, int depth)
{
    run_level(dict, 0, w, n, v);
    size_t begin = 0;
    if (depth < MAX_DEPTH) {
        for (size_t i = 0; i < n; i++) {
            if (!((v[i] & 1u) || (begin > 0 && i + 1 == n)))
                continue;
            if (i > begin) {
                /* libhyphen 2.8.8 (Debian) copies a part's values back except its last two:
                 * the value before the part's last character stays the compound level's. */
                uint8_t kept = v[i], kept_before = v[i - 1];
                hyphenate_part(dict, w + begin, i - begin + 1, v + begin,
                               begin > 0 ? false : word_start, (kept & 1u) ? false : word_end,
                               depth + 1);
                v[i] = kept;
                v[i - 1] = kept_before;
            }
            begin = i + 1;
        }
    }
    if (begin == 0) {
        run_level(dict, 1, w, n, v);
        if (!word_start)
            apply_left_min(dict->utf8, w, n, v, dict->compound_left_min, false);
        if (!word_end)
            apply_right_min(dict->utf8, w, n, v, dict->compound_right_min, false);
    }
}

ink_error ink_hyphen_points(const ink_hyphen_dict *dict, const ink_hyphen_options *options,
                            const char *word, size_t word_nbytes, uint8_t *values,
                            size_t values_nbytes, size_t *out_char_count, ink_error_info *info)
{
    if (!dict || !dict->bytes || (!word && word_nbytes) || (!values && word_nbytes) ||
        !out_char_count)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "hyphenate: NULL argument");
    *out_char_count = 0;
    if (word_nbytes > INK_HYPHEN_MAX_WORD_BYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphenate: word of %zu bytes exceeds %u",
                             word_nbytes, INK_HYPHEN_MAX_WORD_BYTES);
    if (values_nbytes < word_nbytes)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphenate: %zu-byte value vector for a "
                             "%zu-byte word", values_nbytes, word_nbytes);
    if (word_nbytes == 0)
        return INK_OK;
    const uint8_t *w = (const uint8_t *)word;
    size_t n = word_nbytes;
    if (dict->utf8 && (w[0] & 0xC0u) == 0x80u)
        return ink_error_set(info, INK_ERR_BAD_DATA, "hyphenate: word starts inside a UTF-8 "
                             "character");
    hyphenate_part(dict, w, n, values, true, true, 0);
    int left_min = options && options->left_min ? options->left_min : dict->left_min;
    int right_min = options && options->right_min ? options->right_min : dict->right_min;
    apply_left_min(dict->utf8, w, n, values, left_min > 0 ? left_min : 2, true);
    apply_right_min(dict->utf8, w, n, values, right_min > 0 ? right_min : 2, true);

    /* NOHYPHEN: no break right before or right after any listed string. */
    const uint8_t *entry = dict->nohyphen;
    for (uint32_t e = 0; e < dict->nohyphen_count; e++) {
        size_t len = entry[0];
        const uint8_t *text = entry + 1;
        for (size_t at = 0; at + len <= n; at++) {
            if (memcmp(w + at, text, len) != 0)
                continue;
            values[at + len - 1] = 0;
            if (at > 0)
                values[at - 1] = 0;
        }
        entry += 1 + len;
    }

    if (!dict->utf8) {
        *out_char_count = n;
        return INK_OK;
    }
    /* Byte positions to character positions: a character's value is the one after its last
     * byte. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        if ((w[i] & 0xC0u) != 0x80u)
            chars++;
        values[chars - 1] = values[i];
    }
    *out_char_count = chars;
    return INK_OK;
}

void ink_hyphen_fold_case(char *word, size_t word_nbytes)
{
    uint8_t *w = (uint8_t *)word;
    for (size_t i = 0; i < word_nbytes; i++) {
        if (w[i] >= 'A' && w[i] <= 'Z') {
            w[i] = (uint8_t)(w[i] + 32);
        } else if (w[i] == 0xC3 && i + 1 < word_nbytes && w[i + 1] >= 0x80 && w[i + 1] <= 0x9E &&
                   w[i + 1] != 0x97) {
            w[i + 1] = (uint8_t)(w[i + 1] + 0x20); /* U+00C0..U+00DE -> U+00E0..U+00FE */
            i++;
        }
    }
}
