/*
 * linebreak.c — the minimum-raggedness DP, first-fit greedy, and their shared line cost.
 *
 * The DP runs over break candidates: index 0 is the paragraph start, then every GLUE item (and
 * HYPHEN item when hyphenating) in order, then the end. best[b][k] is the least cost of a layout
 * of everything before candidate b whose last line has width class k (line index clipped to
 * width_count - 1); the line-width classes make indented first lines exact. For each b the scan
 * of earlier candidates a stops at the first line that cannot fit any width: W - Sh only grows as
 * a moves back (boxes and glue add width - shrink >= 0), so no earlier a can fit either, and only
 * a == b - 1 may be overfull. Hence O(candidates x candidates-per-line x classes).
 */
#include <string.h>

#include "text/linebreak.h"

#define COST_INFINITY INT64_MAX
#define COST_SATURATE ((int64_t)1 << 62)
#define SLACK_CLAMP ((int64_t)1 << 24)

static int64_t add_saturating(int64_t a, int64_t b)
{
    int64_t sum = a + b; /* both are <= 2^62, so this cannot overflow */
    return sum > COST_SATURATE ? COST_SATURATE : sum;
}

static bool is_candidate(const ink_layout_item *item, const ink_linebreak_params *params)
{
    return item->kind == INK_ITEM_GLUE || (item->kind == INK_ITEM_HYPHEN && params->hyphenate);
}

/* Cost of one line with natural width w, stretch st, shrink sh in width l. `*overfull` tells
 * whether it does not fit (the caller decides whether that is allowed). */
static int64_t line_cost(int64_t w, int64_t sh, int64_t l, bool last, bool hyphen_end,
                         bool hyphen_before, const ink_linebreak_params *params, bool *overfull)
{
    int64_t cost;
    *overfull = w - sh > l;
    if (*overfull) {
        int64_t excess = w - sh - l;
        cost = INK_LINEBREAK_OVERFULL_COST + (excess > INT32_MAX ? INT32_MAX : excess);
    } else if (last) {
        cost = 0;
    } else {
        int64_t slack = l - w;
        if (slack < 0)
            slack = -slack;
        if (slack > SLACK_CLAMP)
            slack = SLACK_CLAMP;
        cost = slack * slack;
    }
    if (hyphen_end) {
        cost += params->hyphen_penalty;
        if (hyphen_before)
            cost += params->consecutive_hyphen_penalty;
    }
    return cost;
}

static int32_t ratio_q16(int64_t w, int64_t st, int64_t sh, int64_t l, bool last, bool overfull)
{
    int64_t slack = l - w;
    int64_t ratio = 0;
    if (overfull)
        ratio = sh > 0 ? -65536 : 0;
    else if (slack > 0 && st > 0 && !last)
        ratio = slack * 65536 / st;
    else if (slack < 0 && sh > 0)
        ratio = slack * 65536 / sh;
    if (ratio > INT32_MAX)
        ratio = INT32_MAX;
    return (int32_t)ratio;
}

static ink_error check_params(const ink_linebreak_params *params, ink_error_info *info)
{
    if (!params || !params->line_widths || params->line_width_count == 0 ||
        params->line_width_count > INK_LINEBREAK_MAX_WIDTHS)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: 1 to %u line widths "
                             "required", INK_LINEBREAK_MAX_WIDTHS);
    for (uint32_t i = 0; i < params->line_width_count; i++)
        if (params->line_widths[i] < 1 || params->line_widths[i] > INK_LINEBREAK_MAX_WIDTH)
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: line width %d "
                                 "outside 1..%d", (int)params->line_widths[i],
                                 INK_LINEBREAK_MAX_WIDTH);
    if (params->hyphen_penalty < 0 || params->hyphen_penalty > INK_LINEBREAK_MAX_PENALTY ||
        params->consecutive_hyphen_penalty < 0 ||
        params->consecutive_hyphen_penalty > INK_LINEBREAK_MAX_PENALTY)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: penalty outside "
                             "0..2^40");
    return INK_OK;
}

/* Validates items; returns the number of break candidates including start and end. */
static ink_error check_items(const ink_layout_item *items, uint32_t item_count,
                             const ink_linebreak_params *params, uint32_t *out_candidates,
                             ink_error_info *info)
{
    if (!items && item_count)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: NULL items");
    if (item_count > INK_LINEBREAK_MAX_ITEMS)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "line break: %u items exceed %u",
                             item_count, INK_LINEBREAK_MAX_ITEMS);
    int64_t total = 0;
    uint32_t candidates = 2;
    for (uint32_t i = 0; i < item_count; i++) {
        const ink_layout_item *it = &items[i];
        if (it->kind > INK_ITEM_HYPHEN || it->width < 0 || it->width > INK_LINEBREAK_MAX_WIDTH ||
            (it->kind == INK_ITEM_GLUE &&
             (it->stretch < 0 || it->stretch > INK_LINEBREAK_MAX_WIDTH || it->shrink < 0 ||
              it->shrink > it->width)))
            return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: item %u (kind %u, "
                                 "width %d) out of range", i, it->kind, (int)it->width);
        total += it->width + (it->kind == INK_ITEM_GLUE ? it->stretch : 0);
        if (total > INT32_MAX)
            return ink_error_set(info, INK_ERR_TOO_LARGE, "line break: paragraph wider than "
                                 "2^31 - 1 units");
        candidates += is_candidate(it, params);
    }
    *out_candidates = candidates;
    return INK_OK;
}

ink_error ink_linebreak_work_nbytes(const ink_layout_item *items, uint32_t item_count,
                                    const ink_linebreak_params *params, size_t *out_nbytes,
                                    ink_error_info *info)
{
    ink_error err = check_params(params, info);
    uint32_t candidates = 0;
    if (err == INK_OK)
        err = check_items(items, item_count, params, &candidates, info);
    if (err != INK_OK)
        return err;
    if (!out_nbytes)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: NULL size output");
    *out_nbytes = (size_t)candidates * INK_LINEBREAK_CANDIDATE_NBYTES(params->line_width_count);
    return INK_OK;
}

/* Fills one output line from items (begin, end] semantics: the items in [begin, end). */
static void describe_line(ink_layout_line *line, uint32_t begin, uint32_t end, int64_t w,
                          int64_t st, int64_t sh, int64_t l, bool last, bool hyphenated,
                          bool overfull)
{
    line->begin = begin;
    line->end = end;
    line->natural_width = (int32_t)w;
    line->line_width = (int32_t)l;
    line->ratio_q16 = ratio_q16(w, st, sh, l, last, overfull);
    line->hyphenated = hyphenated;
    line->overfull = overfull;
}

ink_error ink_linebreak_optimal_work(const ink_layout_item *items, uint32_t item_count,
                                     const ink_linebreak_params *params, void *work,
                                     size_t work_nbytes, ink_layout_line *lines,
                                     uint32_t lines_capacity, ink_layout_result *result,
                                     ink_error_info *info)
{
    size_t need;
    ink_error err = ink_linebreak_work_nbytes(items, item_count, params, &need, info);
    if (err != INK_OK)
        return err;
    if (!result || (!lines && lines_capacity) || (!work && need) || ((uintptr_t)work & 7u))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: bad arguments");
    memset(result, 0, sizeof *result);
    if (work_nbytes < need)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "line break: %zu work bytes, %zu needed",
                             work_nbytes, need);
    if (item_count == 0)
        return INK_OK;
    const uint32_t k_count = params->line_width_count;
    const uint32_t m = (uint32_t)(need / INK_LINEBREAK_CANDIDATE_NBYTES(k_count));
    int64_t *best = (int64_t *)work;
    uint32_t *back = (uint32_t *)(best + (size_t)m * k_count);
    uint32_t *item_at = back + (size_t)m * k_count;
    int32_t *sums = (int32_t *)(item_at + m); /* width, stretch, shrink before the candidate */

    /* Candidates and prefix sums. The start's item index is item_count (never a real item). */
    int32_t w = 0, st = 0, sh = 0;
    uint32_t c = 1;
    item_at[0] = item_count;
    sums[0] = sums[1] = sums[2] = 0;
    for (uint32_t i = 0; i <= item_count; i++) {
        if (i == item_count || is_candidate(&items[i], params)) {
            item_at[c] = i;
            sums[3 * c] = w;
            sums[3 * c + 1] = st;
            sums[3 * c + 2] = sh;
            c++;
        }
        if (i < item_count && items[i].kind != INK_ITEM_HYPHEN) {
            w += items[i].width;
            if (items[i].kind == INK_ITEM_GLUE) {
                st += items[i].stretch;
                sh += items[i].shrink;
            }
        }
    }
    /* c == m here; item_at[m - 1] == item_count is the end. */
    int32_t max_width = 0;
    for (uint32_t k = 0; k < k_count; k++)
        if (params->line_widths[k] > max_width)
            max_width = params->line_widths[k];
    for (size_t i = 0; i < (size_t)m * k_count; i++)
        best[i] = COST_INFINITY;
    best[0] = 0;

    for (uint32_t b = 1; b < m; b++) {
        const bool last = b == m - 1;
        const bool hyphen_end = !last && items[item_at[b]].kind == INK_ITEM_HYPHEN;
        const int64_t end_w = sums[3 * b] + (hyphen_end ? items[item_at[b]].width : 0);
        for (uint32_t a = b; a-- > 0;) {
            /* Sums from just after candidate a (its glue is dropped at the break). */
            int64_t start_w = 0, start_sh = 0;
            bool hyphen_before = false;
            if (a > 0) {
                const ink_layout_item *brk = &items[item_at[a]];
                start_w = sums[3 * a];
                start_sh = sums[3 * a + 2];
                if (brk->kind == INK_ITEM_GLUE) {
                    start_w += brk->width;
                    start_sh += brk->shrink;
                }
                hyphen_before = brk->kind == INK_ITEM_HYPHEN;
            }
            int64_t line_w = end_w - start_w;
            int64_t line_sh = sums[3 * b + 2] - start_sh;
            if (line_w - line_sh > max_width && a + 1 < b)
                break;
            for (uint32_t kp = 0; kp < k_count; kp++) {
                int64_t before = best[(size_t)a * k_count + kp];
                if (before == COST_INFINITY)
                    continue;
                uint32_t k = a == 0 ? 0 : (kp + 1 < k_count ? kp + 1 : k_count - 1);
                bool overfull;
                int64_t cost = line_cost(line_w, line_sh, params->line_widths[k], last,
                                         hyphen_end, hyphen_before, params, &overfull);
                if (overfull && a + 1 < b)
                    continue;
                int64_t total = add_saturating(before, cost);
                if (total < best[(size_t)b * k_count + k]) {
                    best[(size_t)b * k_count + k] = total;
                    back[(size_t)b * k_count + k] = a * k_count + kp;
                }
            }
        }
    }

    /* The best end state, then the lines back to front. */
    uint32_t state = (m - 1) * k_count;
    for (uint32_t k = 1; k < k_count; k++)
        if (best[(size_t)(m - 1) * k_count + k] < best[state])
            state = (m - 1) * k_count + k;
    result->total_cost = best[state];
    uint32_t line_count = 0;
    for (uint32_t s = state; s / k_count != 0; s = back[s])
        line_count++;
    if (line_count > lines_capacity)
        return ink_error_set(info, INK_ERR_TOO_LARGE, "line break: %u lines, room for %u",
                             line_count, lines_capacity);
    uint32_t n = line_count;
    for (uint32_t s = state; s / k_count != 0; s = back[s]) {
        uint32_t b = s / k_count, k = s % k_count, a = back[s] / k_count;
        const bool last = b == m - 1;
        const bool hyphenated = !last && items[item_at[b]].kind == INK_ITEM_HYPHEN;
        uint32_t begin = a == 0 ? 0 : item_at[a] + 1;
        int64_t lw = sums[3 * b] - (a == 0 ? 0 : sums[3 * a]);
        int64_t lst = sums[3 * b + 1] - (a == 0 ? 0 : sums[3 * a + 1]);
        int64_t lsh = sums[3 * b + 2] - (a == 0 ? 0 : sums[3 * a + 2]);
        if (a > 0 && items[item_at[a]].kind == INK_ITEM_GLUE) {
            lw -= items[item_at[a]].width;
            lst -= items[item_at[a]].stretch;
            lsh -= items[item_at[a]].shrink;
        }
        if (hyphenated)
            lw += items[item_at[b]].width;
        bool overfull = lw - lsh > params->line_widths[k];
        describe_line(&lines[--n], begin, item_at[b], lw, lst, lsh, params->line_widths[k], last,
                      hyphenated, overfull);
        result->hyphenated_count += hyphenated;
        result->overfull_count += overfull;
    }
    result->line_count = line_count;
    return INK_OK;
}

ink_error ink_linebreak_optimal(ink_arena *arena, const ink_layout_item *items,
                                uint32_t item_count, const ink_linebreak_params *params,
                                ink_layout_line *lines, uint32_t lines_capacity,
                                ink_layout_result *result, ink_error_info *info)
{
    size_t need;
    ink_error err = ink_linebreak_work_nbytes(items, item_count, params, &need, info);
    if (err != INK_OK)
        return err;
    if (!arena)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: NULL arena");
    ink_arena_mark mark = ink_arena_mark_push(arena);
    void *work = NULL;
    err = ink_arena_alloc(arena, need, 1, 8, &work, NULL);
    if (err == INK_ERR_NO_MEMORY) {
        ink_arena_mark_pop(arena, &mark);
        return ink_error_set(info, INK_ERR_NO_MEMORY, "line break: paragraph of %u items needs "
                             "%zu bytes of DP arrays, more than the arena has free", item_count,
                             need);
    }
    if (err == INK_OK)
        err = ink_linebreak_optimal_work(items, item_count, params, work, need, lines,
                                         lines_capacity, result, info);
    else
        ink_error_set(info, err, "line break: arena allocation of %zu bytes failed", need);
    ink_error pop = ink_arena_mark_pop(arena, &mark);
    if (err == INK_OK && pop != INK_OK)
        return ink_error_set(info, pop, "line break: scratch mark could not be popped");
    return err;
}

ink_error ink_linebreak_greedy(const ink_layout_item *items, uint32_t item_count,
                               const ink_linebreak_params *params, ink_layout_line *lines,
                               uint32_t lines_capacity, ink_layout_result *result,
                               ink_error_info *info)
{
    uint32_t candidates;
    ink_error err = check_params(params, info);
    if (err == INK_OK)
        err = check_items(items, item_count, params, &candidates, info);
    if (err != INK_OK)
        return err;
    if (!result || (!lines && lines_capacity))
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "line break: bad arguments");
    memset(result, 0, sizeof *result);
    if (item_count == 0)
        return INK_OK;
    uint32_t begin = 0, line_index = 0;
    bool previous_hyphenated = false;
    /* begin == item_count: the paragraph ended with a break item; its last line is empty. */
    while (begin <= item_count) {
        const int64_t l = params->line_widths[line_index < params->line_width_count
                                                  ? line_index
                                                  : params->line_width_count - 1];
        /* Scan candidates of this line; remember the last that fits. */
        int64_t w = 0, st = 0, sh = 0;
        bool have_fit = false;
        uint32_t fit_end = 0;
        int64_t fit_w = 0, fit_st = 0, fit_sh = 0;
        bool fit_hyphen = false;
        for (uint32_t i = begin; i <= item_count; i++) {
            bool at_end = i == item_count;
            if (at_end || is_candidate(&items[i], params)) {
                bool hyphen = !at_end && items[i].kind == INK_ITEM_HYPHEN;
                int64_t line_w = w + (hyphen ? items[i].width : 0);
                bool fits = line_w - sh <= l;
                if (fits || !have_fit) {
                    /* a fitting break, or the first break of an overfull piece */
                    have_fit = true;
                    fit_end = i;
                    fit_w = line_w;
                    fit_st = st;
                    fit_sh = sh;
                    fit_hyphen = hyphen;
                }
                if (!fits || at_end)
                    break;
            }
            if (items[i].kind != INK_ITEM_HYPHEN) {
                w += items[i].width;
                if (items[i].kind == INK_ITEM_GLUE) {
                    st += items[i].stretch;
                    sh += items[i].shrink;
                }
            }
        }
        bool last = fit_end == item_count;
        bool overfull;
        int64_t cost = line_cost(fit_w, fit_sh, l, last, fit_hyphen, previous_hyphenated,
                                 params, &overfull);
        if (result->line_count >= lines_capacity)
            return ink_error_set(info, INK_ERR_TOO_LARGE, "line break: more than %u lines",
                                 lines_capacity);
        describe_line(&lines[result->line_count], begin, fit_end, fit_w, fit_st, fit_sh, l, last,
                      fit_hyphen, overfull);
        result->line_count++;
        result->total_cost = add_saturating(result->total_cost, cost);
        result->hyphenated_count += fit_hyphen;
        result->overfull_count += overfull;
        previous_hyphenated = fit_hyphen;
        line_index++;
        begin = fit_end + 1;
    }
    return INK_OK;
}
