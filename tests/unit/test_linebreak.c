/*
 * test_linebreak.c — text/linebreak against a brute force over every break sequence.
 *
 * The reference below is written from the cost definition in text/linebreak.h, not from the DP:
 * it enumerates every subset of break candidates, rejects sequences with a forbidden overfull
 * line, and sums line costs. Thousands of random small paragraphs (hyphenated and not, one to
 * three line widths) must give the DP's total cost exactly, the DP's own breaks must cost what it
 * says, and greedy must report its layout's true cost and never beat the optimum. Hand-worked
 * cases cover overlong words, indented first lines and justification ratios; arena cases cover
 * the scratch mark and exhaustion (INK_ERR_NO_MEMORY, arena unchanged).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena/arena.h"
#include "text/linebreak.h"

#define MAX_ITEMS 64

static uint32_t rng_state = 88172645u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static bool reference_is_break(const ink_layout_item *item, bool hyphenate)
{
    return item->kind == INK_ITEM_GLUE || (hyphenate && item->kind == INK_ITEM_HYPHEN);
}

/* Cost of the layout whose breaks are the items ends[0..count-1] (the last one == item_count),
 * from the definition; -1 if a line is overfull while a candidate lies inside it. */
static int64_t reference_cost(const ink_layout_item *items, uint32_t n,
                              const ink_linebreak_params *p, const uint32_t *ends, uint32_t count,
                              uint32_t *hyphenated_lines)
{
    int64_t total = 0;
    uint32_t start = 0;
    bool previous_hyphen = false;
    *hyphenated_lines = 0;
    for (uint32_t line = 0; line < count; line++) {
        uint32_t end = ends[line];
        bool last = end == n;
        bool hyphen = !last && items[end].kind == INK_ITEM_HYPHEN;
        int64_t w = 0, sh = 0;
        bool candidate_inside = false;
        for (uint32_t i = start; i < end; i++) {
            if (reference_is_break(&items[i], p->hyphenate))
                candidate_inside = true;
            if (items[i].kind == INK_ITEM_BOX)
                w += items[i].width;
            if (items[i].kind == INK_ITEM_GLUE) {
                w += items[i].width;
                sh += items[i].shrink;
            }
        }
        if (hyphen)
            w += items[end].width;
        int64_t l = p->line_widths[line < p->line_width_count ? line : p->line_width_count - 1];
        int64_t cost;
        if (w - sh > l) {
            if (candidate_inside)
                return -1;
            cost = INK_LINEBREAK_OVERFULL_COST + (w - sh - l);
        } else {
            cost = last ? 0 : (l - w) * (l - w);
        }
        if (hyphen) {
            cost += p->hyphen_penalty;
            if (previous_hyphen)
                cost += p->consecutive_hyphen_penalty;
            (*hyphenated_lines)++;
        }
        total += cost;
        previous_hyphen = hyphen;
        start = end + 1;
    }
    return total;
}

/* Least cost over all subsets of candidates. */
static int64_t brute_force(const ink_layout_item *items, uint32_t n, const ink_linebreak_params *p)
{
    uint32_t candidates[MAX_ITEMS], m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (reference_is_break(&items[i], p->hyphenate))
            candidates[m++] = i;
    assert_true(m <= 16);
    int64_t best = -1;
    for (uint32_t mask = 0; mask < (1u << m); mask++) {
        uint32_t ends[MAX_ITEMS + 1], count = 0, hyph;
        for (uint32_t j = 0; j < m; j++)
            if (mask & (1u << j))
                ends[count++] = candidates[j];
        ends[count++] = n;
        int64_t cost = reference_cost(items, n, p, ends, count, &hyph);
        if (cost >= 0 && (best < 0 || cost < best))
            best = cost;
    }
    return best;
}

static uint32_t random_paragraph(ink_layout_item *items, bool justify)
{
    uint32_t n = 0;
    uint32_t words = 1 + rng() % 7;
    for (uint32_t w = 0; w < words; w++) {
        if (w > 0) {
            int32_t width = 1 + (int32_t)(rng() % 3);
            items[n++] = (ink_layout_item){width, justify ? (int32_t)(rng() % 3) : 0,
                                           justify ? (int32_t)(rng() % (uint32_t)(width + 1)) : 0,
                                           INK_ITEM_GLUE};
        }
        uint32_t pieces = 1 + (rng() % 4 == 0 ? rng() % 3 : 0);
        for (uint32_t piece = 0; piece < pieces; piece++) {
            if (piece > 0)
                items[n++] = (ink_layout_item){(int32_t)(rng() % 2), 0, 0, INK_ITEM_HYPHEN};
            /* now and then a piece wider than any line */
            int32_t width = rng() % 15 == 0 ? 25 + (int32_t)(rng() % 10) : 1 + (int32_t)(rng() % 9);
            items[n++] = (ink_layout_item){width, 0, 0, INK_ITEM_BOX};
        }
    }
    return n;
}

static void test_dp_equals_brute_force(void **state)
{
    (void)state;
    ink_layout_item items[MAX_ITEMS];
    ink_layout_line lines[MAX_ITEMS + 1];
    static uint64_t work[4096];
    uint32_t paragraphs = 0, hyphenated_runs = 0, with_hyphen_lines = 0, multi_width = 0,
             with_overfull = 0, greedy_worse = 0;
    while (paragraphs < 5000) {
        bool justify = rng() % 2;
        uint32_t n = random_paragraph(items, justify);
        int32_t widths[3];
        ink_linebreak_params p = {widths, 1 + rng() % 3, (int64_t)(rng() % 60),
                                  (int64_t)(rng() % 60), rng() % 3 != 0};
        for (uint32_t k = 0; k < 3; k++)
            widths[k] = 6 + (int32_t)(rng() % 16);
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            m += reference_is_break(&items[i], p.hyphenate);
        if (m > 14)
            continue;
        paragraphs++;
        hyphenated_runs += p.hyphenate;
        multi_width += p.line_width_count > 1;

        int64_t want = brute_force(items, n, &p);
        assert_true(want >= 0);
        ink_layout_result got;
        assert_int_equal(ink_linebreak_optimal_work(items, n, &p, work, sizeof work, lines,
                                                    MAX_ITEMS + 1, &got, NULL),
                         INK_OK);
        if (got.total_cost != want) {
            printf("# paragraph %u: DP %lld, brute force %lld\n", paragraphs,
                   (long long)got.total_cost, (long long)want);
            fail();
        }
        /* The DP's own breaks cost what it says, and its lines tile the paragraph. */
        uint32_t ends[MAX_ITEMS + 1], hyph;
        for (uint32_t l = 0; l < got.line_count; l++) {
            ends[l] = lines[l].end;
            assert_int_equal(lines[l].begin, l == 0 ? 0 : lines[l - 1].end + 1);
        }
        assert_int_equal(ends[got.line_count - 1], n);
        assert_int_equal(reference_cost(items, n, &p, ends, got.line_count, &hyph), want);
        assert_int_equal(got.hyphenated_count, hyph);
        with_hyphen_lines += hyph > 0;
        with_overfull += got.overfull_count > 0;

        ink_layout_result greedy;
        assert_int_equal(ink_linebreak_greedy(items, n, &p, lines, MAX_ITEMS + 1, &greedy, NULL),
                         INK_OK);
        for (uint32_t l = 0; l < greedy.line_count; l++)
            ends[l] = lines[l].end;
        assert_int_equal(ends[greedy.line_count - 1], n);
        assert_int_equal(reference_cost(items, n, &p, ends, greedy.line_count, &hyph),
                         greedy.total_cost);
        assert_true(greedy.total_cost >= want);
        greedy_worse += greedy.total_cost > want;
    }
    printf("# %u paragraphs (%u hyphenating, %u with hyphenated lines, %u with several widths, "
           "%u with overfull pieces): DP == brute force; greedy worse on %u\n", paragraphs,
           hyphenated_runs, with_hyphen_lines, multi_width, with_overfull, greedy_worse);
    assert_true(with_hyphen_lines > 500);
    assert_true(greedy_worse > 100); /* the comparison discriminates */
}

/* Hand-worked: words of widths 3 3 3 3 with glue 1 in lines of 7: "xxx xxx" twice, slack 0,
 * cost 0; greedy does the same. With width 8 the DP gets 1^2 + 0 = 1. */
static void test_hand_worked(void **state)
{
    (void)state;
    ink_layout_item items[7];
    for (int i = 0; i < 7; i++)
        items[i] = i % 2 ? (ink_layout_item){1, 0, 0, INK_ITEM_GLUE}
                         : (ink_layout_item){3, 0, 0, INK_ITEM_BOX};
    int32_t width = 7;
    ink_linebreak_params p = {&width, 1, 0, 0, false};
    ink_layout_line lines[8];
    ink_layout_result r;
    uint64_t work[64];
    assert_int_equal(ink_linebreak_optimal_work(items, 7, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    assert_int_equal(r.line_count, 2);
    assert_int_equal(r.total_cost, 0);
    assert_int_equal(lines[0].begin, 0);
    assert_int_equal(lines[0].end, 3);
    assert_int_equal(lines[1].begin, 4);
    assert_int_equal(lines[1].end, 7);
    width = 8;
    assert_int_equal(ink_linebreak_optimal_work(items, 7, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    assert_int_equal(r.total_cost, 1);
}

/* Greedy vs optimal, the classic case: widths 1 1 1 4 ... Hand-worked with line width 6, glue 1:
 * words a=3 b=2 c=2 d=5. Greedy: "a b" (6, slack 0) "c" (slack 4 -> 16) "d" (last) = 16.
 * Optimal: "a" (slack 3 -> 9) "b c" (5, slack 1 -> 1) "d" = 10. */
static void test_greedy_is_not_optimal(void **state)
{
    (void)state;
    ink_layout_item items[] = {{3, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {2, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {2, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {5, 0, 0, INK_ITEM_BOX}};
    int32_t width = 6;
    ink_linebreak_params p = {&width, 1, 0, 0, false};
    ink_layout_line lines[8];
    ink_layout_result r;
    uint64_t work[64];
    assert_int_equal(ink_linebreak_greedy(items, 7, &p, lines, 8, &r, NULL), INK_OK);
    assert_int_equal(r.total_cost, 16);
    assert_int_equal(r.line_count, 3);
    assert_int_equal(ink_linebreak_optimal_work(items, 7, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    assert_int_equal(r.total_cost, 10);
    assert_int_equal(lines[0].end, 1);
    assert_int_equal(lines[1].end, 5);
}

/* A word wider than the line sits alone (overfull, flagged) without failing; with a hyphenation
 * point inside it the DP splits it instead, since any overfull line costs more. */
static void test_overlong_word(void **state)
{
    (void)state;
    ink_layout_item items[] = {{2, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {6, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_HYPHEN},
                               {6, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {2, 0, 0, INK_ITEM_BOX}};
    int32_t width = 8;
    ink_linebreak_params p = {&width, 1, 100, 0, false};
    ink_layout_line lines[8];
    ink_layout_result r;
    uint64_t work[64];
    assert_int_equal(ink_linebreak_optimal_work(items, 7, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    /* "aa" / "bbbbbbbbbbbb" (12 > 8, overfull by 4) / "cc": 36 + overfull + 0 */
    assert_int_equal(r.line_count, 3);
    assert_int_equal(r.overfull_count, 1);
    assert_true(lines[1].overfull);
    assert_int_equal(r.total_cost, 36 + INK_LINEBREAK_OVERFULL_COST + 4);
    assert_int_equal(ink_linebreak_greedy(items, 7, &p, lines, 8, &r, NULL), INK_OK);
    assert_int_equal(r.overfull_count, 1);

    p.hyphenate = true;
    assert_int_equal(ink_linebreak_optimal_work(items, 7, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    /* "aa bbbbbb-" (2+1+6+1 = 10 > 8 no); "aa" / "bbbbbb-" (7, slack 1) / "bbbbbb cc" (9 > 8 no)
     * so: "aa" (36) / "bbbbbb-" (1 + 100) / "bbbbbb" (4) / "cc" (0) = 141, or
     * "aa" / "bbbbbb-" / "bbbbbb cc"... overfull. Best: 141. */
    assert_int_equal(r.overfull_count, 0);
    assert_int_equal(r.hyphenated_count, 1);
    assert_int_equal(r.total_cost, 36 + 1 + 100 + 4);
}

/* Indented first line: widths {6, 9}. Words 3 3 3 with glue 1: the first line holds one word
 * (3 + 1 + 3 = 7 > 6), the second the other two (7 <= 9, last). Cost 3^2 = 9. With one width
 * of 9 the first line would take two words: (9 - 7)^2 = 4. */
static void test_indented_first_line(void **state)
{
    (void)state;
    ink_layout_item items[] = {{3, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {3, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {3, 0, 0, INK_ITEM_BOX}};
    int32_t widths[] = {6, 9};
    ink_linebreak_params p = {widths, 2, 0, 0, false};
    ink_layout_line lines[8];
    ink_layout_result r;
    uint64_t work[64];
    assert_int_equal(ink_linebreak_optimal_work(items, 5, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    assert_int_equal(r.total_cost, 9);
    assert_int_equal(lines[0].end, 1);
    assert_int_equal(lines[0].line_width, 6);
    assert_int_equal(lines[1].line_width, 9);
    p.line_widths = &widths[1];
    p.line_width_count = 1;
    assert_int_equal(ink_linebreak_optimal_work(items, 5, &p, work, sizeof work, lines, 8, &r,
                                                NULL), INK_OK);
    assert_int_equal(r.total_cost, 4);
    assert_int_equal(lines[0].end, 3);
}

/* Justification: a line of natural width 7 in 9 with stretch 4 has ratio 2/4 = 0.5 (32768);
 * one of 10 in 9 with shrink 2 has -1/2 (-32768); the last line is not stretched. */
static void test_ratios(void **state)
{
    (void)state;
    ink_layout_item items[] = {{3, 0, 0, INK_ITEM_BOX}, {1, 4, 0, INK_ITEM_GLUE},
                               {3, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {4, 0, 0, INK_ITEM_BOX}, {2, 1, 2, INK_ITEM_GLUE},
                               {4, 0, 0, INK_ITEM_BOX}, {1, 1, 0, INK_ITEM_GLUE},
                               {1, 0, 0, INK_ITEM_BOX}};
    int32_t width = 9;
    ink_linebreak_params p = {&width, 1, 0, 0, false};
    ink_layout_line lines[8];
    ink_layout_result r;
    assert_int_equal(ink_linebreak_greedy(items, 9, &p, lines, 8, &r, NULL), INK_OK);
    assert_int_equal(r.line_count, 3);
    assert_int_equal(lines[0].natural_width, 7);
    assert_int_equal(lines[0].ratio_q16, 32768);
    assert_int_equal(lines[1].natural_width, 10);
    assert_int_equal(lines[1].ratio_q16, -32768);
    assert_int_equal(lines[2].ratio_q16, 0);
}

static void test_invalid_items(void **state)
{
    (void)state;
    ink_layout_item items[] = {{3, 0, 0, INK_ITEM_BOX}, {1, 0, 2, INK_ITEM_GLUE}};
    int32_t width = 9;
    ink_linebreak_params p = {&width, 1, 0, 0, false};
    size_t nbytes;
    assert_int_equal(ink_linebreak_work_nbytes(items, 2, &p, &nbytes, NULL),
                     INK_ERR_INVALID_ARGUMENT); /* shrink > width */
    items[1].shrink = 0;
    items[0].kind = 9;
    assert_int_equal(ink_linebreak_work_nbytes(items, 2, &p, &nbytes, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    items[0].kind = INK_ITEM_BOX;
    width = 0;
    assert_int_equal(ink_linebreak_work_nbytes(items, 2, &p, &nbytes, NULL),
                     INK_ERR_INVALID_ARGUMENT);
    width = 9;
    assert_int_equal(ink_linebreak_work_nbytes(items, 2, &p, &nbytes, NULL), INK_OK);
    /* start + one glue + end */
    assert_int_equal(nbytes, 3 * INK_LINEBREAK_CANDIDATE_NBYTES(1));
}

static _Alignas(8) uint8_t arena_memory[INK_ARENA_BYTES];

/* The DP in the arena: same answer as with caller memory, the watermark back where it was. */
static void test_arena_scratch(void **state)
{
    (void)state;
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    arena.trap_on_misuse = false;
    ink_layout_item items[MAX_ITEMS];
    ink_layout_line lines[MAX_ITEMS + 1], lines2[MAX_ITEMS + 1];
    uint64_t work[1024];
    for (int round = 0; round < 200; round++) {
        uint32_t n = random_paragraph(items, false);
        int32_t width = 12;
        ink_linebreak_params p = {&width, 1, 10, 20, true};
        ink_layout_result a, b;
        uint32_t before = arena.watermark;
        assert_int_equal(ink_linebreak_optimal(&arena, items, n, &p, lines, MAX_ITEMS + 1, &a,
                                               NULL), INK_OK);
        assert_int_equal(arena.watermark, before);
        assert_int_equal(ink_linebreak_optimal_work(items, n, &p, work, sizeof work, lines2,
                                                    MAX_ITEMS + 1, &b, NULL), INK_OK);
        assert_int_equal(a.total_cost, b.total_cost);
        assert_memory_equal(lines, lines2, a.line_count * sizeof lines[0]);
    }
    assert_true(arena.high_watermark > 0);
}

/* Exhaustion: a paragraph too large for the arena, or an arena whose bottom is claimed, gives
 * INK_ERR_NO_MEMORY with a detail, leaves the watermark and the output untouched; greedy (the
 * board's fallback) still lays it out. */
static void test_arena_exhaustion(void **state)
{
    (void)state;
    ink_arena arena;
    assert_int_equal(ink_arena_init(&arena, arena_memory, sizeof arena_memory), INK_OK);
    arena.trap_on_misuse = false;
    uint32_t words = 4000;
    uint32_t n = 2 * words - 1;
    ink_layout_item *items = calloc(n, sizeof *items);
    ink_layout_line *lines = calloc(n + 1, sizeof *lines);
    for (uint32_t i = 0; i < n; i++)
        items[i] = i % 2 ? (ink_layout_item){1, 0, 0, INK_ITEM_GLUE}
                         : (ink_layout_item){1 + (int32_t)(rng() % 8), 0, 0, INK_ITEM_BOX};
    int32_t width = 40;
    ink_linebreak_params p = {&width, 1, 0, 0, false};
    size_t need;
    assert_int_equal(ink_linebreak_work_nbytes(items, n, &p, &need, NULL), INK_OK);
    assert_true(need > INK_ARENA_BYTES);
    ink_layout_result r = {7, 7, 7, 7};
    ink_error_info info;
    ink_error_clear(&info);
    assert_int_equal(ink_linebreak_optimal(&arena, items, n, &p, lines, n + 1, &r, &info),
                     INK_ERR_NO_MEMORY);
    assert_int_equal(info.code, INK_ERR_NO_MEMORY);
    assert_true(strlen(info.detail) > 0);
    assert_int_equal(arena.watermark, 0);
    assert_int_equal(arena.mark_depth, 0);
    assert_int_equal(r.line_count, 7); /* untouched */
    assert_int_equal(ink_linebreak_greedy(items, n, &p, lines, n + 1, &r, NULL), INK_OK);
    assert_true(r.line_count > 100);

    /* How many such words fit in an idle arena: the largest count the DP accepts. */
    uint32_t lo = 1, hi = words;
    while (lo < hi) {
        uint32_t mid = (lo + hi + 1) / 2;
        ink_layout_result mr;
        if (ink_linebreak_optimal(&arena, items, 2 * mid - 1, &p, lines, n + 1, &mr, NULL) ==
            INK_OK)
            lo = mid;
        else
            hi = mid - 1;
    }
    printf("# idle arena: the DP fits paragraphs of up to %u words without hyphenation points "
           "(%u bytes per candidate)\n", lo, INK_LINEBREAK_CANDIDATE_NBYTES(1));
    assert_true(lo > 2000);

    /* A live claim at the arena's bottom blocks every bump allocation. */
    ink_claim claim;
    assert_int_equal(ink_arena_claim_region(&arena, INK_REGION_PRIMARY, "test", &claim, NULL),
                     INK_OK);
    ink_layout_item small[] = {{3, 0, 0, INK_ITEM_BOX}, {1, 0, 0, INK_ITEM_GLUE},
                               {3, 0, 0, INK_ITEM_BOX}};
    assert_int_equal(ink_linebreak_optimal(&arena, small, 3, &p, lines, 4, &r, NULL),
                     INK_ERR_NO_MEMORY);
    assert_int_equal(arena.mark_depth, 0);
    assert_int_equal(ink_arena_release(&arena, &claim), INK_OK);
    assert_int_equal(ink_linebreak_optimal(&arena, small, 3, &p, lines, 4, &r, NULL), INK_OK);
    free(items);
    free(lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_greedy_is_not_optimal),
        cmocka_unit_test(test_overlong_word),
        cmocka_unit_test(test_indented_first_line),
        cmocka_unit_test(test_ratios),
        cmocka_unit_test(test_invalid_items),
        cmocka_unit_test(test_dp_equals_brute_force),
        cmocka_unit_test(test_arena_scratch),
        cmocka_unit_test(test_arena_exhaustion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
