/*
 * hyphen_compile.c — libhyphen `.dic` text to the flat compiled trie of hyphen.h.
 *
 * The `.dic` text is read the way libhyphen reads it, so that the compiled trie hyphenates
 * identically: the first line (at most 19 bytes, as libhyphen's fgets into a 20-byte buffer)
 * names the character set; later lines of more than 98 bytes before the newline are skipped;
 * `%` starts a comment line; LEFTHYPHENMIN, RIGHTHYPHENMIN, COMPOUNDLEFTHYPHENMIN,
 * COMPOUNDRIGHTHYPHENMIN (atoi, stored in a signed char), NOHYPHEN and NEXTLEVEL are keywords;
 * any other line is a pattern: bytes up to the first byte <= ' ' or '/', where digits are values
 * and every other byte is a letter (at most 98 letters). A pattern seen twice keeps the last
 * values. Without NEXTLEVEL the compound level is libhyphen's default (breaks around - and ',
 * plus U+2013 and U+2019 in UTF-8 files) and the file is the word level.
 *
 * Building: a first-child / next-sibling trie in the caller's work memory (siblings sorted by
 * byte), then a breadth-first renumbering into the output so that children are consecutive, then
 * Aho-Corasick fallbacks (longest proper suffix that is a state: libhyphen's fallback_state).
 * A node remembers where its pattern line starts; its values are parsed again when emitted.
 */
#include <string.h>

#include "text/hyphen.h"
#include "text/hyphen_states.h"

#define NO_REF 0xFFFFFFFFu
#define MAX_PATTERN_LETTERS 98u

typedef struct trie_node {
    uint32_t first_child;
    uint32_t next_sibling;
    uint32_t line_offset; /* start of the pattern line in the level's source, or NO_REF */
    uint8_t byte;
} trie_node;

/* One level's text: a byte range of the input, or the built-in default compound level. */
typedef struct level_source {
    const uint8_t *bytes;
    size_t nbytes;
} level_source;

typedef struct level_settings {
    int8_t left_min, right_min, compound_left_min, compound_right_min;
    bool has_nohyphen;
    const uint8_t *nohyphen; /* the NOHYPHEN text after the keyword and blanks */
    size_t nohyphen_nbytes;
} level_settings;

/* libhyphen's built-in first level (hyphen.c, hnj_hyphen_load_file), as `.dic` lines. */
static const char default_level_utf8[] = "NOHYPHEN ',\xe2\x80\x93,\xe2\x80\x99,-\n"
                                         "1-1\n1'1\n1\xe2\x80\x93"
                                         "1\n1\xe2\x80\x99"
                                         "1\n";
static const char default_level_8bit[] = "NOHYPHEN ',-\n1-1\n1'1\n";

size_t ink_hyphen_compile_work_nbytes(size_t dic_nbytes)
{
    /* One node per pattern letter plus the root, and one u32 of breadth-first order each. */
    size_t nodes = dic_nbytes + sizeof default_level_utf8 + 2;
    return nodes * (sizeof(trie_node) + sizeof(uint32_t));
}

size_t ink_hyphen_compile_out_nbytes(size_t dic_nbytes)
{
    size_t letters = dic_nbytes + sizeof default_level_utf8 + 2;
    /* states (12 bytes) + pools (a value per letter plus one per line) + nohyphen lists */
    return INK_HYPHEN_HEADER_NBYTES + 2 * 8 + letters * (INK_HYPHEN_STATE_NBYTES + 2) + 2 * 512;
}

static bool starts_with(const uint8_t *line, size_t line_nbytes, const char *keyword)
{
    size_t n = strlen(keyword);
    return line_nbytes >= n && memcmp(line, keyword, n) == 0;
}

/* atoi() of the text after a keyword, wrapped into a signed char as libhyphen stores it. */
static int8_t parse_hyphenmin(const uint8_t *text, size_t nbytes)
{
    size_t i = 0;
    while (i < nbytes && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r')))
        i++;
    bool negative = false;
    if (i < nbytes && (text[i] == '+' || text[i] == '-'))
        negative = text[i++] == '-';
    uint32_t value = 0;
    while (i < nbytes && text[i] >= '0' && text[i] <= '9') {
        value = (value * 10u + (uint32_t)(text[i] - '0')) & 0xFFFFu; /* low byte is what counts */
        i++;
    }
    if (negative)
        value = 0u - value;
    uint8_t low = (uint8_t)(value & 0xFFu);
    return low < 128u ? (int8_t)low : (int8_t)((int)low - 256);
}

/* The next line as libhyphen's fgets sees it. `limit` is the fgets buffer size (100, or 20 for
 * the character-set line). Sets `*usable` false for a line that overflowed the buffer (libhyphen
 * skips those). Returns the position after the line. */
static size_t next_line(const uint8_t *text, size_t nbytes, size_t pos, size_t limit,
                        size_t *line_nbytes, bool *usable, bool skip_overflow)
{
    size_t end = pos;
    while (end < nbytes && end - pos < limit - 1 && text[end] != '\n')
        end++;
    bool has_newline = end < nbytes && end - pos < limit - 1 && text[end] == '\n';
    if (has_newline) {
        *line_nbytes = end - pos + 1;
        *usable = true;
        return end + 1;
    }
    *line_nbytes = end - pos;
    if (end - pos < limit - 1 || !skip_overflow) { /* ended by the end of the input */
        *usable = true;
        return end;
    }
    *usable = false; /* buffer full without a newline: skip the rest of the line */
    while (end < nbytes && text[end] != '\n')
        end++;
    return end < nbytes ? end + 1 : end;
}

/* Letters and values of the pattern at text[0..): returns the number of letters. `letters` has
 * room for MAX_PATTERN_LETTERS, `values` for MAX_PATTERN_LETTERS + 1. */
static size_t parse_pattern(const uint8_t *text, size_t nbytes, uint8_t *letters, uint8_t *values)
{
    size_t j = 0;
    values[0] = 0;
    for (size_t i = 0; i < nbytes && text[i] > ' ' && text[i] != '/' && j < MAX_PATTERN_LETTERS;
         i++) {
        if (text[i] >= '0' && text[i] <= '9') {
            values[j] = (uint8_t)(text[i] - '0');
        } else {
            letters[j] = text[i];
            values[++j] = 0;
        }
    }
    return j;
}

typedef struct trie_builder {
    trie_node *nodes;
    uint32_t *order;
    uint32_t capacity;
    uint32_t count;
} trie_builder;

/* Inserts a pattern's letters, returning the node of its last letter (NO_REF when full). */
static uint32_t trie_insert(trie_builder *trie, const uint8_t *letters, size_t letter_count)
{
    uint32_t node = 0;
    for (size_t i = 0; i < letter_count; i++) {
        uint32_t *link = &trie->nodes[node].first_child;
        while (*link != NO_REF && trie->nodes[*link].byte < letters[i])
            link = &trie->nodes[*link].next_sibling;
        if (*link != NO_REF && trie->nodes[*link].byte == letters[i]) {
            node = *link;
            continue;
        }
        if (trie->count >= trie->capacity)
            return NO_REF;
        uint32_t fresh = trie->count++;
        trie->nodes[fresh].byte = letters[i];
        trie->nodes[fresh].first_child = NO_REF;
        trie->nodes[fresh].line_offset = NO_REF;
        trie->nodes[fresh].next_sibling = *link;
        *link = fresh;
        node = fresh;
    }
    return node;
}

/* Reads one level's lines into the trie and its settings. Returns false when the trie is full.
 * `*next_level` receives the position after a NEXTLEVEL line (or the end). */
static bool read_level(trie_builder *trie, level_source source, size_t start,
                       level_settings *settings, size_t *next_level, bool *saw_nextlevel)
{
    uint8_t letters[MAX_PATTERN_LETTERS];
    uint8_t values[MAX_PATTERN_LETTERS + 1];
    size_t pos = start;
    *saw_nextlevel = false;
    while (pos < source.nbytes) {
        size_t line_nbytes;
        bool usable;
        size_t line_start = pos;
        pos = next_line(source.bytes, source.nbytes, pos, INK_HYPHEN_MAX_LINE_BYTES + 1,
                        &line_nbytes, &usable, true);
        if (!usable)
            continue;
        const uint8_t *line = source.bytes + line_start;
        /* libhyphen handles lines as C strings: a NUL ends the line. */
        const uint8_t *nul = memchr(line, 0, line_nbytes);
        if (nul)
            line_nbytes = (size_t)(nul - line);
        if (starts_with(line, line_nbytes, "NEXTLEVEL")) {
            *saw_nextlevel = true;
            break;
        }
        if (line_nbytes > 0 && line[0] == '%')
            continue;
        if (starts_with(line, line_nbytes, "LEFTHYPHENMIN")) {
            settings->left_min = parse_hyphenmin(line + 13, line_nbytes - 13);
        } else if (starts_with(line, line_nbytes, "RIGHTHYPHENMIN")) {
            settings->right_min = parse_hyphenmin(line + 14, line_nbytes - 14);
        } else if (starts_with(line, line_nbytes, "COMPOUNDLEFTHYPHENMIN")) {
            settings->compound_left_min = parse_hyphenmin(line + 21, line_nbytes - 21);
        } else if (starts_with(line, line_nbytes, "COMPOUNDRIGHTHYPHENMIN")) {
            settings->compound_right_min = parse_hyphenmin(line + 22, line_nbytes - 22);
        } else if (starts_with(line, line_nbytes, "NOHYPHEN")) {
            size_t i = 8;
            while (i < line_nbytes && (line[i] == ' ' || line[i] == '\t'))
                i++;
            settings->has_nohyphen = i < line_nbytes;
            settings->nohyphen = line + i;
            settings->nohyphen_nbytes = line_nbytes - i;
        } else {
            size_t letter_count = parse_pattern(line, line_nbytes, letters, values);
            if (letter_count == 0)
                continue; /* the root's values are never applied */
            uint32_t node = trie_insert(trie, letters, letter_count);
            if (node == NO_REF)
                return false;
            trie->nodes[node].line_offset = (uint32_t)line_start;
        }
    }
    *next_level = pos;
    return true;
}

static void put_u24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    put_u24(p, v);
    p[3] = (uint8_t)(v >> 24);
}

/* Lays out the trie breadth-first at out[*pos..) with fallbacks and value pool. */
static ink_error emit_level(trie_builder *trie, level_source source, uint8_t *out,
                            size_t out_nbytes, size_t *pos, ink_error_info *info)
{
    uint32_t count = trie->count;
    if (count > INK_HYPHEN_MAX_STATES)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphenation level of %u states exceeds %u",
                             count, INK_HYPHEN_MAX_STATES);
    size_t records_nbytes = (size_t)count * INK_HYPHEN_STATE_NBYTES;
    if (out_nbytes - *pos < 8 || out_nbytes - *pos - 8 < records_nbytes)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "compiled trie buffer too small");
    uint8_t *level = out + *pos;
    uint8_t *records = level + 8;
    size_t pool_start = *pos + 8 + records_nbytes;
    size_t pool_used = 0;

    /* Breadth-first numbering: order[state] = node; children consecutive and sorted. */
    uint32_t *order = trie->order;
    uint32_t tail = 1;
    order[0] = 0;
    memset(records, 0, records_nbytes);
    for (uint32_t s = 0; s < count; s++) {
        const trie_node *node = &trie->nodes[order[s]];
        uint8_t *r = records + (size_t)s * INK_HYPHEN_STATE_NBYTES;
        uint32_t first = tail, children = 0;
        for (uint32_t c = node->first_child; c != NO_REF; c = trie->nodes[c].next_sibling) {
            records[(size_t)tail * INK_HYPHEN_STATE_NBYTES] = trie->nodes[c].byte;
            order[tail++] = c;
            children++;
        }
        r[1] = (uint8_t)children; /* at most 223 distinct bytes > ' ' */
        put_u24(r + 3, children ? first : 0);
        put_u24(r + 6, INK_HYPHEN_NO_STATE);
        if (node->line_offset != NO_REF) {
            uint8_t letters[MAX_PATTERN_LETTERS];
            uint8_t values[MAX_PATTERN_LETTERS + 1];
            size_t line_offset = node->line_offset;
            size_t letter_count = parse_pattern(source.bytes + line_offset,
                                                source.nbytes - line_offset, letters, values);
            size_t first_value = 0;
            while (first_value <= letter_count && values[first_value] == 0)
                first_value++;
            size_t match_nbytes = letter_count + 1 - first_value;
            if (match_nbytes > 0) {
                if (out_nbytes - pool_start - pool_used < match_nbytes)
                    return ink_error_set(info, INK_ERR_TOO_LARGE,
                                         "compiled trie buffer too small");
                memcpy(out + pool_start + pool_used, values + first_value, match_nbytes);
                r[2] = (uint8_t)match_nbytes;
                put_u24(r + 9, (uint32_t)pool_used);
                pool_used += match_nbytes;
                if (pool_used > INK_HYPHEN_NO_STATE)
                    return ink_error_set(info, INK_ERR_TOO_LARGE, "value pool exceeds 16 MB");
            }
        }
    }
    /* Fallbacks, parents before children: a state's fallback is shallower, so its children are
     * numbered by the time they are needed. */
    for (uint32_t s = 0; s < count; s++) {
        const uint8_t *r = records + (size_t)s * INK_HYPHEN_STATE_NBYTES;
        uint32_t first = ink_hyphen_get_u24(r + 3);
        for (uint32_t c = first; c < first + r[1]; c++) {
            uint8_t byte = records[(size_t)c * INK_HYPHEN_STATE_NBYTES];
            uint32_t fallback = 0;
            if (s != 0) {
                uint32_t f = ink_hyphen_get_u24(r + 6);
                for (;;) {
                    uint32_t t = ink_hyphen_child(records, f, byte);
                    if (t != INK_HYPHEN_NO_STATE) {
                        fallback = t;
                        break;
                    }
                    if (f == 0)
                        break;
                    f = ink_hyphen_get_u24(records + (size_t)f * INK_HYPHEN_STATE_NBYTES + 6);
                }
            }
            put_u24(records + (size_t)c * INK_HYPHEN_STATE_NBYTES + 6, fallback);
        }
    }
    put_u32(level, count);
    put_u32(level + 4, (uint32_t)pool_used);
    *pos = pool_start + pool_used;
    return INK_OK;
}

static void trie_reset(trie_builder *trie)
{
    trie->count = 1;
    trie->nodes[0].first_child = NO_REF;
    trie->nodes[0].next_sibling = NO_REF;
    trie->nodes[0].line_offset = NO_REF;
    trie->nodes[0].byte = 0;
}

/* Writes the NOHYPHEN list as libhyphen splits it: drop the last byte (the newline it expects),
 * split at commas after the first byte; empty entries are dropped (libhyphen would write before
 * the word with them). */
static ink_error emit_nohyphen(const level_settings *settings, uint8_t *out, size_t out_nbytes,
                               size_t *pos, uint8_t *count, ink_error_info *info)
{
    *count = 0;
    if (!settings->has_nohyphen)
        return INK_OK;
    size_t n = settings->nohyphen_nbytes - 1;
    const uint8_t *text = settings->nohyphen;
    size_t item_start = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && text[i] != ',')
            continue;
        size_t item_nbytes = i - item_start;
        if (item_nbytes > 0 && *count < 255) {
            if (out_nbytes - *pos < item_nbytes + 1)
                return ink_error_set(info, INK_ERR_TOO_LARGE, "compiled trie buffer too small");
            out[(*pos)++] = (uint8_t)item_nbytes;
            memcpy(out + *pos, text + item_start, item_nbytes);
            *pos += item_nbytes;
            (*count)++;
        }
        item_start = i + 1;
    }
    return INK_OK;
}

ink_error ink_hyphen_compile(const uint8_t *dic, size_t dic_nbytes, void *work, size_t work_nbytes,
                             uint8_t *out, size_t out_nbytes, size_t *out_used_nbytes,
                             ink_error_info *info)
{
    if ((!dic && dic_nbytes) || !work || !out || !out_used_nbytes || ((uintptr_t)work & 3u))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "hyphen compile: bad arguments");
    *out_used_nbytes = 0;
    if (dic_nbytes > 0x7FFFFFFFu)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphenation file over 2 GB");
    size_t per_node = sizeof(trie_node) + sizeof(uint32_t);
    size_t capacity = work_nbytes / per_node;
    if (capacity < 2)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphen compile: work buffer too small");
    if (capacity > INK_HYPHEN_MAX_STATES + 1u)
        capacity = INK_HYPHEN_MAX_STATES + 1u;
    trie_builder trie = {(trie_node *)work, (uint32_t *)((trie_node *)work + capacity),
                         (uint32_t)capacity, 0};

    /* The character-set line: libhyphen reads it into a 20-byte buffer. */
    size_t cset_nbytes;
    bool usable;
    size_t body = next_line(dic, dic_nbytes, 0, 20, &cset_nbytes, &usable, false);
    size_t name_nbytes = 0;
    while (name_nbytes < cset_nbytes && dic[name_nbytes] != '\r' && dic[name_nbytes] != '\n' &&
           dic[name_nbytes] != 0)
        name_nbytes++;
    bool utf8 = name_nbytes == 5 && memcmp(dic, "UTF-8", 5) == 0;

    level_source file = {dic, dic_nbytes};
    level_settings first = {0}, second = {0};
    size_t after_first;
    bool nextlevel;
    trie_reset(&trie);
    if (!read_level(&trie, file, body, &first, &after_first, &nextlevel))
        return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphen compile: work buffer too small");
    if (out_nbytes < INK_HYPHEN_HEADER_NBYTES)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "compiled trie buffer too small");
    memset(out, 0, INK_HYPHEN_HEADER_NBYTES);
    size_t pos = INK_HYPHEN_HEADER_NBYTES;
    ink_error err;
    level_source compound_source, word_source;
    level_settings settings;
    if (nextlevel) {
        /* The file's first part is the compound level and its settings are the ones used. */
        compound_source = file;
        put_u32(out + 16, (uint32_t)pos);
        if ((err = emit_level(&trie, compound_source, out, out_nbytes, &pos, info)) != INK_OK)
            return err;
        trie_reset(&trie);
        size_t end;
        bool again;
        if (!read_level(&trie, file, after_first, &second, &end, &again))
            return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphen compile: work buffer too small");
        word_source = file;
        put_u32(out + 20, (uint32_t)pos);
        if ((err = emit_level(&trie, word_source, out, out_nbytes, &pos, info)) != INK_OK)
            return err;
        settings = first;
    } else {
        /* The file is the word level; the default level on top takes its hyphenmins. */
        /* The work buffer holds one trie at a time: emit the file's trie now, then the default
         * level; the header's offsets say which is which. */
        word_source = file;
        put_u32(out + 20, (uint32_t)pos);
        if ((err = emit_level(&trie, word_source, out, out_nbytes, &pos, info)) != INK_OK)
            return err;
        compound_source.bytes = (const uint8_t *)(utf8 ? default_level_utf8 : default_level_8bit);
        compound_source.nbytes = utf8 ? sizeof default_level_utf8 - 1 : sizeof default_level_8bit - 1;
        trie_reset(&trie);
        level_settings defaults = {0};
        size_t end;
        bool again;
        if (!read_level(&trie, compound_source, 0, &defaults, &end, &again))
            return ink_error_set(info, INK_ERR_TOO_LARGE, "hyphen compile: work buffer too small");
        put_u32(out + 16, (uint32_t)pos);
        if ((err = emit_level(&trie, compound_source, out, out_nbytes, &pos, info)) != INK_OK)
            return err;
        settings = defaults;
        settings.left_min = first.left_min;
        settings.right_min = first.right_min;
        settings.compound_left_min = first.compound_left_min ? first.compound_left_min
                                     : first.left_min        ? first.left_min
                                                             : 3;
        settings.compound_right_min = first.compound_right_min ? first.compound_right_min
                                      : first.right_min        ? first.right_min
                                                               : 3;
    }
    uint8_t nohyphen_count;
    put_u32(out + 24, (uint32_t)pos);
    size_t nohyphen_start = pos;
    if ((err = emit_nohyphen(&settings, out, out_nbytes, &pos, &nohyphen_count, info)) != INK_OK)
        return err;
    put_u32(out + 28, (uint32_t)(pos - nohyphen_start));
    memcpy(out, "INKH", 4);
    out[4] = 1;
    out[5] = utf8 ? 1 : 0;
    out[6] = (uint8_t)settings.left_min;
    out[7] = (uint8_t)settings.right_min;
    out[8] = (uint8_t)settings.compound_left_min;
    out[9] = (uint8_t)settings.compound_right_min;
    out[10] = nohyphen_count;
    put_u32(out + 12, (uint32_t)pos);
    *out_used_nbytes = pos;
    return INK_OK;
}
