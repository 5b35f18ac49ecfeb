/*
 * cmd_layout.c — `inkpipe layout`: breaks UTF-8 paragraphs into lines with text/linebreak and,
 * optionally, text/hyphen.
 *
 *   inkpipe layout [--width N] [--indent N] [--metric mono|FILE] [--hyphenate LANG.dic]
 *                  [--justify] [--greedy] [--hyphen-penalty N] [--consecutive-penalty N]
 *                  [--quiet] [--save-trie FILE] [TEXT]
 *
 * TEXT (or standard input when absent) is UTF-8; paragraphs are separated by blank lines, words
 * by ASCII white space (U+00A0 no-break space stays inside a word). Breaks inside a word: after a
 * hard hyphen ('-' or U+2010, nothing added), at soft hyphens U+00AD (a word with soft hyphens
 * breaks only there; a '-' is shown), and with --hyphenate at the `.dic` file's Liang points of
 * the word without its surrounding punctuation, case-folded. The lines are printed (with
 * --justify, spaces are widened so every line but the last fills the width), then a summary line
 * "# paragraphs P lines L hyphenated H overfull O cost C".
 *
 * --metric FILE: glyph advance widths, one per line, '#' starts a comment:
 *     U+0041 12        a code point in hex
 *     A 12             or the character itself (any single UTF-8 character but '#' and space)
 *     default 10       the width of every character not listed (default 1)
 * Widths are integers in the same unit as --width. Space is U+0020, the hyphen U+002D.
 * Default penalties: hyphen 9 x space^2, consecutive 18 x space^2 (a hyphen is worth about three
 * spaces of slack). The DP runs in the arena; a paragraph too big for it runs on the heap
 * (stderr says so).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli.h"
#include "host/commands.h"
#include "text/hyphen.h"
#include "text/linebreak.h"

typedef struct metric_entry {
    uint32_t code_point;
    int32_t width;
} metric_entry;

typedef struct metric {
    metric_entry *entries; /* sorted by code point */
    size_t count;
    int32_t default_width;
} metric;

/* Where each item's text comes from, for printing. */
typedef struct item_source {
    const char *text; /* BOX: its bytes (soft hyphens are skipped when printed) */
    uint32_t nbytes;
    bool shows_hyphen; /* HYPHEN: print '-' when the line breaks here */
} item_source;

typedef struct layout_options {
    int32_t width, indent;
    bool justify, greedy, quiet;
    int64_t hyphen_penalty, consecutive_penalty;
    bool penalties_given[2];
    const ink_hyphen_dict *dict;
    metric metric;
} layout_options;

typedef struct layout_totals {
    uint64_t paragraphs, lines, hyphenated, overfull;
    int64_t cost;
} layout_totals;

/* Decodes one UTF-8 character at s[0..n); invalid bytes decode as themselves, one byte long. */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t need = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (need == 0 || need > n) {
        *len = 1;
        return c;
    }
    uint32_t cp = need == 1 ? c : need == 2 ? (c & 0x1F) : need == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *len = 1;
            return c;
        }
        cp = cp << 6 | (s[i] & 0x3F);
    }
    *len = need;
    return cp;
}

static int compare_entries(const void *a, const void *b)
{
    uint32_t x = ((const metric_entry *)a)->code_point, y = ((const metric_entry *)b)->code_point;
    return x < y ? -1 : x > y;
}

static int32_t glyph_width(const metric *m, uint32_t cp)
{
    if (!m->entries)
        return m->default_width;
    metric_entry key = {cp, 0};
    const metric_entry *e = bsearch(&key, m->entries, m->count, sizeof key, compare_entries);
    return e ? e->width : m->default_width;
}

static bool load_metric(metric *m, const char *path)
{
    unsigned char *data;
    size_t nbytes;
    if (!ink_read_file(path, &data, &nbytes)) {
        fprintf(stderr, "inkpipe: %s: %s\n", path, strerror(errno));
        return false;
    }
    size_t capacity = 64;
    m->entries = malloc(capacity * sizeof *m->entries);
    m->count = 0;
    m->default_width = 1;
    char *text = (char *)data;
    size_t line_no = 0;
    for (size_t pos = 0; pos < nbytes;) {
        size_t end = pos;
        while (end < nbytes && data[end] != '\n')
            end++;
        char line[256];
        size_t len = end - pos < sizeof line - 1 ? end - pos : sizeof line - 1;
        memcpy(line, text + pos, len);
        line[len] = 0;
        pos = end + 1;
        line_no++;
        char *p = line;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == 0 || *p == '#')
            continue;
        char *space = p;
        while (*space && *space != ' ' && *space != '\t')
            space++;
        if (!*space) {
            fprintf(stderr, "inkpipe: %s:%zu: expected 'CHARACTER WIDTH'\n", path, line_no);
            goto fail;
        }
        *space = 0;
        char *number_end;
        long width = strtol(space + 1, &number_end, 10);
        if (number_end == space + 1 || width < 0 || width > INK_LINEBREAK_MAX_WIDTH) {
            fprintf(stderr, "inkpipe: %s:%zu: bad width\n", path, line_no);
            goto fail;
        }
        uint32_t cp;
        size_t char_len;
        if (strcmp(p, "default") == 0) {
            m->default_width = (int32_t)width;
            continue;
        } else if ((p[0] == 'U' || p[0] == 'u') && p[1] == '+' && p[2]) {
            char *hex_end;
            unsigned long value = strtoul(p + 2, &hex_end, 16);
            if (*hex_end || value > 0x10FFFF) {
                fprintf(stderr, "inkpipe: %s:%zu: bad code point '%s'\n", path, line_no, p);
                goto fail;
            }
            cp = (uint32_t)value;
        } else {
            cp = utf8_next((const unsigned char *)p, strlen(p), &char_len);
            if (char_len != strlen(p)) {
                fprintf(stderr, "inkpipe: %s:%zu: '%s' is not one character\n", path, line_no, p);
                goto fail;
            }
        }
        if (m->count == capacity)
            m->entries = realloc(m->entries, (capacity *= 2) * sizeof *m->entries);
        m->entries[m->count++] = (metric_entry){cp, (int32_t)width};
    }
    qsort(m->entries, m->count, sizeof *m->entries, compare_entries);
    free(data);
    return true;
fail:
    free(data);
    free(m->entries);
    m->entries = NULL;
    return false;
}

static int32_t text_width(const metric *m, const char *s, size_t n)
{
    int64_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = utf8_next((const unsigned char *)s + i, n - i, &len);
        if (cp != 0xAD)
            w += glyph_width(m, cp);
        i += len;
    }
    return w > INK_LINEBREAK_MAX_WIDTH ? INK_LINEBREAK_MAX_WIDTH : (int32_t)w;
}

static bool is_word_punctuation(uint32_t cp)
{
    return (cp < 0x80 && cp != '-' && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') &&
            !(cp >= '0' && cp <= '9')) ||
           cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D || cp == 0xAB ||
           cp == 0xBB || cp == 0x2014 || cp == 0x2026;
}

typedef struct break_point {
    uint32_t offset; /* bytes into the word: the break is before this byte */
    bool shows_hyphen;
} break_point;

/* Break points of one word, sorted, at most `capacity`. */
static size_t word_breaks(const char *word, size_t n, const ink_hyphen_dict *dict,
                          break_point *out, size_t capacity)
{
    size_t count = 0;
    bool has_soft = false;
    for (size_t i = 0; i < n;) {
        size_t len;
        uint32_t cp = utf8_next((const unsigned char *)word + i, n - i, &len);
        if (cp == 0xAD)
            has_soft = true;
        i += len;
    }
    for (size_t i = 0; i < n && count < capacity;) {
        size_t len;
        uint32_t cp = utf8_next((const unsigned char *)word + i, n - i, &len);
        i += len;
        if (i >= n || i == len)
            continue;
        if (cp == 0xAD || cp == '-' || cp == 0x2010)
            out[count++] = (break_point){(uint32_t)i, cp == 0xAD};
    }
    if (has_soft || !dict)
        return count;
    /* Liang points of the core: the word without leading and trailing punctuation. */
    size_t core_begin = 0, core_end = n;
    while (core_begin < n) {
        size_t len;
        uint32_t cp = utf8_next((const unsigned char *)word + core_begin, n - core_begin, &len);
        if (!is_word_punctuation(cp))
            break;
        core_begin += len;
    }
    while (core_end > core_begin) {
        size_t start = core_end - 1;
        while (start > core_begin && ((unsigned char)word[start] & 0xC0) == 0x80)
            start--;
        size_t len;
        uint32_t cp = utf8_next((const unsigned char *)word + start, core_end - start, &len);
        if (!is_word_punctuation(cp))
            break;
        core_end = start;
    }
    size_t core_n = core_end - core_begin;
    if (core_n == 0 || core_n > INK_HYPHEN_MAX_WORD_BYTES)
        return count;
    char folded[INK_HYPHEN_MAX_WORD_BYTES];
    uint8_t values[INK_HYPHEN_MAX_WORD_BYTES];
    memcpy(folded, word + core_begin, core_n);
    ink_hyphen_fold_case(folded, core_n);
    size_t chars;
    if (ink_hyphen_points(dict, NULL, folded, core_n, values, sizeof values, &chars, NULL) !=
        INK_OK)
        return count;
    size_t char_index = 0;
    for (size_t i = 0; i < core_n && char_index < chars;) {
        size_t len;
        utf8_next((const unsigned char *)folded + i, core_n - i, &len);
        i += len;
        if ((values[char_index] & 1) && i < core_n && count < capacity)
            out[count++] = (break_point){(uint32_t)(core_begin + i), true};
        char_index++;
    }
    /* sort (insertion: few points) and drop duplicates */
    for (size_t a = 1; a < count; a++)
        for (size_t b = a; b > 0 && out[b - 1].offset > out[b].offset; b--) {
            break_point t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    size_t unique = 0;
    for (size_t a = 0; a < count; a++)
        if (unique == 0 || out[unique - 1].offset != out[a].offset)
            out[unique++] = out[a];
    return unique;
}

static void print_line(const ink_layout_item *items, const item_source *sources,
                       const ink_layout_line *line, bool justify, int32_t space_width)
{
    /* Justification in whole spaces: the slack in spaces, spread over the gaps from the left. */
    uint32_t gaps = 0;
    for (uint32_t i = line->begin; i < line->end; i++)
        gaps += items[i].kind == INK_ITEM_GLUE;
    int64_t extra = 0;
    if (justify && line->ratio_q16 > 0 && gaps > 0 && space_width > 0)
        extra = (line->line_width - line->natural_width) / space_width;
    uint32_t gap = 0;
    for (uint32_t i = line->begin; i < line->end; i++) {
        if (items[i].kind == INK_ITEM_GLUE) {
            int64_t spaces = 1 + extra / gaps + ((int64_t)gap < extra % gaps ? 1 : 0);
            for (int64_t s = 0; s < spaces; s++)
                putchar(' ');
            gap++;
        } else if (items[i].kind == INK_ITEM_BOX) {
            const char *t = sources[i].text;
            for (uint32_t b = 0; b < sources[i].nbytes; b++) {
                if ((unsigned char)t[b] == 0xC2 && b + 1 < sources[i].nbytes &&
                    (unsigned char)t[b + 1] == 0xAD) {
                    b++;
                    continue;
                }
                putchar(t[b]);
            }
        }
    }
    if (line->hyphenated && sources[line->end].shows_hyphen)
        putchar('-');
    putchar('\n');
}

static int layout_paragraph(const char *text, size_t n, const layout_options *o, ink_arena *arena,
                            layout_totals *totals)
{
    /* Items: at most one BOX and one HYPHEN per byte, plus one GLUE per word. */
    size_t cap = 2 * n + 2;
    ink_layout_item *items = malloc(cap * sizeof *items);
    item_source *sources = malloc(cap * sizeof *sources);
    ink_layout_line *lines = malloc(cap * sizeof *lines);
    break_point *points = malloc((n + 1) * sizeof *points);
    int32_t space = glyph_width(&o->metric, ' ');
    int32_t hyphen = glyph_width(&o->metric, '-');
    uint32_t count = 0;
    for (size_t pos = 0; pos < n;) {
        while (pos < n && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' ||
                           text[pos] == '\r'))
            pos++;
        if (pos >= n)
            break;
        size_t start = pos;
        while (pos < n && !(text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' ||
                            text[pos] == '\r'))
            pos++;
        if (count > 0) {
            items[count] = (ink_layout_item){space, o->justify ? space : 0, 0, INK_ITEM_GLUE};
            sources[count++] = (item_source){NULL, 0, false};
        }
        size_t breaks = word_breaks(text + start, pos - start, o->dict, points, n + 1);
        size_t piece = start;
        for (size_t b = 0; b <= breaks; b++) {
            size_t piece_end = b < breaks ? start + points[b].offset : pos;
            items[count] = (ink_layout_item){text_width(&o->metric, text + piece, piece_end - piece),
                                             0, 0, INK_ITEM_BOX};
            sources[count++] = (item_source){text + piece, (uint32_t)(piece_end - piece), false};
            if (b < breaks) {
                items[count] = (ink_layout_item){points[b].shows_hyphen ? hyphen : 0, 0, 0,
                                                 INK_ITEM_HYPHEN};
                sources[count++] = (item_source){NULL, 0, points[b].shows_hyphen};
            }
            piece = piece_end;
        }
    }
    int32_t widths[2] = {o->width - o->indent, o->width};
    ink_linebreak_params params = {o->indent ? widths : widths + 1, o->indent ? 2u : 1u,
                                   o->hyphen_penalty, o->consecutive_penalty, o->dict != NULL};
    ink_layout_result result;
    ink_error_info info;
    ink_error_clear(&info);
    ink_error err;
    if (o->greedy) {
        err = ink_linebreak_greedy(items, count, &params, lines, (uint32_t)cap, &result, &info);
    } else {
        err = ink_linebreak_optimal(arena, items, count, &params, lines, (uint32_t)cap, &result,
                                    &info);
        if (err == INK_ERR_NO_MEMORY) {
            size_t need = 0;
            ink_linebreak_work_nbytes(items, count, &params, &need, NULL);
            fprintf(stderr, "inkpipe layout: paragraph %llu of %u items needs %zu bytes of DP "
                    "arrays, more than the arena; using the heap\n",
                    (unsigned long long)totals->paragraphs + 1, count, need);
            void *work = malloc(need ? need : 1);
            ink_error_clear(&info);
            err = ink_linebreak_optimal_work(items, count, &params, work, need, lines,
                                             (uint32_t)cap, &result, &info);
            free(work);
        }
    }
    if (err == INK_OK) {
        if (!o->quiet) {
            for (uint32_t l = 0; l < result.line_count; l++) {
                if (l == 0 && o->indent) /* only the first line is indented */
                    printf("%*s", (int)(o->indent / (space > 0 ? space : 1)), "");
                print_line(items, sources, &lines[l], o->justify, space);
            }
            putchar('\n');
        }
        totals->paragraphs++;
        totals->lines += result.line_count;
        totals->hyphenated += result.hyphenated_count;
        totals->overfull += result.overfull_count;
        totals->cost += result.total_cost;
    } else {
        fprintf(stderr, "inkpipe layout: %s: %s\n", ink_strerror(err), info.detail);
    }
    free(items);
    free(sources);
    free(lines);
    free(points);
    return err == INK_OK ? INK_EXIT_OK : INK_EXIT_FAILURE;
}

static bool parse_number(const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static char *read_stdin(size_t *nbytes)
{
    size_t cap = 1 << 16, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap)
            data = realloc(data, cap *= 2);
    }
    *nbytes = n;
    return data;
}

int ink_cmd_layout(int argc, char **argv)
{
    layout_options o = {40, 0, false, false, false, 0, 0, {false, false}, NULL, {NULL, 0, 1}};
    const char *dic_path = NULL, *text_arg = NULL, *save_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int64_t v;
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--width") == 0 || strcmp(a, "--indent") == 0 ||
            strcmp(a, "--hyphen-penalty") == 0 || strcmp(a, "--consecutive-penalty") == 0) {
            if (!has_value)
                return ink_cli_usage_error("layout", "%s needs a value", a);
            bool penalty = a[2] == 'h' || a[2] == 'c';
            if (!parse_number(argv[++i], penalty ? 0 : 1,
                              penalty ? INK_LINEBREAK_MAX_PENALTY : INK_LINEBREAK_MAX_WIDTH, &v))
                return ink_cli_usage_error("layout", "bad value for %s: '%s'", a, argv[i]);
            if (a[2] == 'w')
                o.width = (int32_t)v;
            else if (a[2] == 'i')
                o.indent = (int32_t)v;
            else if (a[2] == 'h')
                o.hyphen_penalty = v, o.penalties_given[0] = true;
            else
                o.consecutive_penalty = v, o.penalties_given[1] = true;
        } else if (strcmp(a, "--metric") == 0 || strcmp(a, "--hyphenate") == 0 ||
                   strcmp(a, "--save-trie") == 0) {
            if (!has_value)
                return ink_cli_usage_error("layout", "%s needs a value", a);
            const char *value = argv[++i];
            if (a[2] == 'm') {
                if (strcmp(value, "mono") != 0 && !load_metric(&o.metric, value))
                    return INK_EXIT_FAILURE;
            } else if (a[2] == 'h') {
                dic_path = value;
            } else {
                save_path = value;
            }
        } else if (strcmp(a, "--justify") == 0) {
            o.justify = true;
        } else if (strcmp(a, "--greedy") == 0) {
            o.greedy = true;
        } else if (strcmp(a, "--quiet") == 0) {
            o.quiet = true;
        } else if (a[0] == '-' && a[1] == '-') {
            return ink_cli_usage_error("layout", "unknown option '%s'", a);
        } else if (!text_arg) {
            text_arg = a;
        } else {
            return ink_cli_usage_error("layout", "one TEXT argument at most ('%s')", a);
        }
    }
    if (o.indent >= o.width)
        return ink_cli_usage_error("layout", "--indent must be less than --width");
    int32_t space = glyph_width(&o.metric, ' ');
    if (!o.penalties_given[0])
        o.hyphen_penalty = 9 * (int64_t)space * space;
    if (!o.penalties_given[1])
        o.consecutive_penalty = 18 * (int64_t)space * space;
    if (o.hyphen_penalty > INK_LINEBREAK_MAX_PENALTY)
        o.hyphen_penalty = INK_LINEBREAK_MAX_PENALTY;
    if (o.consecutive_penalty > INK_LINEBREAK_MAX_PENALTY)
        o.consecutive_penalty = INK_LINEBREAK_MAX_PENALTY;

    unsigned char *dic = NULL, *trie = NULL;
    ink_hyphen_dict dict;
    int status = INK_EXIT_OK;
    if (dic_path) {
        size_t dic_nbytes, trie_nbytes;
        if (!ink_read_file(dic_path, &dic, &dic_nbytes)) {
            fprintf(stderr, "inkpipe: %s: %s\n", dic_path, strerror(errno));
            free(o.metric.entries);
            return INK_EXIT_FAILURE;
        }
        size_t work_nbytes = ink_hyphen_compile_work_nbytes(dic_nbytes);
        size_t cap = ink_hyphen_compile_out_nbytes(dic_nbytes);
        void *work = malloc(work_nbytes);
        trie = malloc(cap);
        ink_error_info info;
        ink_error_clear(&info);
        ink_error err = work && trie ? ink_hyphen_compile(dic, dic_nbytes, work, work_nbytes,
                                                          trie, cap, &trie_nbytes, &info)
                                     : INK_ERR_NO_MEMORY;
        free(work);
        if (err == INK_OK)
            err = ink_hyphen_open(&dict, trie, trie_nbytes, &info);
        if (err != INK_OK) {
            status = ink_cli_input_error(dic_path, err, &info);
            goto done;
        }
        if (save_path) {
            FILE *f = fopen(save_path, "wb");
            if (!f || fwrite(trie, 1, trie_nbytes, f) != trie_nbytes || fclose(f) != 0) {
                fprintf(stderr, "inkpipe: %s: %s\n", save_path, strerror(errno));
                status = INK_EXIT_FAILURE;
                goto done;
            }
            fprintf(stderr, "inkpipe layout: %s: %zu-byte compiled trie\n", save_path,
                    trie_nbytes);
        }
        o.dict = &dict;
    } else if (save_path) {
        return ink_cli_usage_error("layout", "--save-trie needs --hyphenate");
    }

    size_t n;
    char *text;
    if (text_arg) {
        n = strlen(text_arg);
        text = malloc(n + 1);
        memcpy(text, text_arg, n + 1);
    } else {
        text = read_stdin(&n);
    }
    ink_arena *arena = ink_cli_arena_new();
    layout_totals totals = {0, 0, 0, 0, 0};
    /* Paragraphs: runs of lines separated by lines that hold only white space. */
    size_t para_start = 0, pos = 0;
    bool in_paragraph = false;
    while (pos <= n) {
        size_t end = pos;
        while (end < n && text[end] != '\n')
            end++;
        bool blank = true;
        for (size_t i = pos; i < end; i++)
            if (!(text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
                blank = false;
        if (!blank && !in_paragraph) {
            para_start = pos;
            in_paragraph = true;
        }
        if ((blank || end >= n) && in_paragraph) {
            size_t para_end = blank ? pos : end;
            if (layout_paragraph(text + para_start, para_end - para_start, &o, arena, &totals) !=
                INK_EXIT_OK)
                status = INK_EXIT_FAILURE;
            in_paragraph = false;
        }
        pos = end + 1;
    }
    printf("# paragraphs %llu lines %llu hyphenated %llu overfull %llu cost %lld (%s%s)\n",
           (unsigned long long)totals.paragraphs, (unsigned long long)totals.lines,
           (unsigned long long)totals.hyphenated, (unsigned long long)totals.overfull,
           (long long)totals.cost, o.greedy ? "greedy" : "optimal",
           o.dict ? ", hyphenated" : "");
    ink_cli_arena_free(arena);
    free(text);
done:
    free(dic);
    free(trie);
    free(o.metric.entries);
    return status;
}
