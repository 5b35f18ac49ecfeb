/*
 * linebreak.h — minimum-raggedness line breaking with hyphenation points inside the optimum.
 *
 * A paragraph is a sequence of items:
 *   BOX     a piece of a word: `width`.
 *   GLUE    inter-word space: natural `width`, `stretch`, `shrink` (shrink <= width). A line may
 *           break at glue; the glue then disappears.
 *   HYPHEN  a place inside a word where a line may break (a Liang point, a soft hyphen, or just
 *           after a hard hyphen); `width` is added at the line's end when it breaks there (the
 *           hyphen glyph, or 0 after a hard hyphen) and nothing otherwise.
 * A line from break a to break b holds the items strictly between them. Its natural width W,
 * stretch St and shrink Sh are the sums over those items (plus the hyphen width when b is a
 * HYPHEN). Line i has the width widths[min(i, count - 1)] (so {indented, full} gives an indented
 * first line).
 *
 * Cost of a line of width L (all integer, docs/TEXT.md works an example):
 *   - fits (W - Sh <= L):      (L - W)^2, or 0 for the paragraph's last line (last line free);
 *   - overfull (W - Sh > L):   allowed only when no break candidate lies strictly inside the line
 *                              (a word, or a word piece, wider than the line, placed alone); cost
 *                              INK_LINEBREAK_OVERFULL_COST + (W - Sh - L), so any layout with
 *                              fewer overfull lines wins;
 *   - ends at a HYPHEN:        + hyphen_penalty, and + consecutive_hyphen_penalty more when the
 *                              line before also ended at a HYPHEN.
 * The optimal layout minimises the sum over lines (squares are of |slack| clamped to 2^24; sums
 * saturate at 2^62). ink_linebreak_optimal*() find it exactly (tests/unit/test_linebreak.c checks
 * it against a brute force over all break sequences); ink_linebreak_greedy() fills each line as
 * far as it fits and reports the same cost of its layout for comparison.
 *
 * Memory: the DP needs ink_linebreak_work_nbytes() bytes, 16 + 12 * width_count per break
 * candidate (plus the start and the end). ink_linebreak_optimal() takes them from the arena's
 * bump allocator inside a scratch mark (released before returning); when they do not fit it
 * returns INK_ERR_NO_MEMORY and changes nothing, and the caller falls back: the host gives
 * ink_linebreak_optimal_work() heap memory, the board uses ink_linebreak_greedy() (no memory)
 * and reports that it did.
 */
#ifndef INK_TEXT_LINEBREAK_H
#define INK_TEXT_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/arena.h"
#include "arena/error.h"

typedef enum ink_item_kind {
    INK_ITEM_BOX = 0,
    INK_ITEM_GLUE = 1,
    INK_ITEM_HYPHEN = 2
} ink_item_kind;

typedef struct ink_layout_item {
    int32_t width;   /* 0 .. INK_LINEBREAK_MAX_WIDTH */
    int32_t stretch; /* GLUE only: 0 .. INK_LINEBREAK_MAX_WIDTH */
    int32_t shrink;  /* GLUE only: 0 .. width */
    uint8_t kind;    /* ink_item_kind */
} ink_layout_item;

#define INK_LINEBREAK_MAX_WIDTH (1 << 20)
#define INK_LINEBREAK_MAX_WIDTHS 8u
#define INK_LINEBREAK_MAX_ITEMS (1u << 24)
#define INK_LINEBREAK_MAX_PENALTY ((int64_t)1 << 40)
#define INK_LINEBREAK_OVERFULL_COST ((int64_t)1 << 42)
/* Per break candidate, per line-width class: cost (8) + back pointer (4); per candidate: item
 * index (4) + prefix sums of width, stretch, shrink (12). */
#define INK_LINEBREAK_CANDIDATE_NBYTES(width_count) (16u + 12u * (width_count))

typedef struct ink_linebreak_params {
    const int32_t *line_widths; /* 1 .. INK_LINEBREAK_MAX_WIDTHS widths, each 1 .. MAX_WIDTH */
    uint32_t line_width_count;
    int64_t hyphen_penalty;             /* 0 .. INK_LINEBREAK_MAX_PENALTY */
    int64_t consecutive_hyphen_penalty; /* 0 .. INK_LINEBREAK_MAX_PENALTY */
    bool hyphenate;                     /* false: HYPHEN items are never breaks */
} ink_linebreak_params;

typedef struct ink_layout_line {
    uint32_t begin;        /* first item on the line */
    uint32_t end;          /* the break item (not on the line), or the item count for the last */
    int32_t natural_width; /* W, with the hyphen when hyphenated */
    int32_t line_width;    /* L */
    int32_t ratio_q16;     /* justification: (L - W) / St when L > W, (L - W) / Sh when L < W,
                              in 1/65536 (>= -65536 unless overfull); 0 when there is nothing to
                              stretch, and never stretched (<= 0) on the last line */
    bool hyphenated;       /* ends at a HYPHEN item */
    bool overfull;
} ink_layout_line;

typedef struct ink_layout_result {
    uint32_t line_count;
    uint32_t hyphenated_count;
    uint32_t overfull_count;
    int64_t total_cost;
} ink_layout_result;

/* Checks the items and parameters (INK_ERR_INVALID_ARGUMENT with the first bad one,
 * INK_ERR_TOO_LARGE for more than INK_LINEBREAK_MAX_ITEMS items or a paragraph whose widths add up
 * past 2^31 - 1) and gives the DP's memory need in `*out_nbytes`. */
ink_error ink_linebreak_work_nbytes(const ink_layout_item *items, uint32_t item_count,
                                    const ink_linebreak_params *params, size_t *out_nbytes,
                                    ink_error_info *info);

/* The optimal layout, with `work` (aligned to 8, at least ink_linebreak_work_nbytes() bytes) as
 * the DP arrays. Writes result->line_count lines to `lines`; `lines_capacity` must be at least the
 * number of lines (the number of GLUE and, when hyphenating, HYPHEN items plus one always
 * suffices), else INK_ERR_TOO_LARGE. No items: no lines, cost 0. */
ink_error ink_linebreak_optimal_work(const ink_layout_item *items, uint32_t item_count,
                                     const ink_linebreak_params *params, void *work,
                                     size_t work_nbytes, ink_layout_line *lines,
                                     uint32_t lines_capacity, ink_layout_result *result,
                                     ink_error_info *info);

/* The same with the DP arrays bump-allocated in `arena` inside a scratch mark. INK_ERR_NO_MEMORY
 * (detail: bytes needed and free) when they do not fit; the arena is unchanged on return. */
ink_error ink_linebreak_optimal(ink_arena *arena, const ink_layout_item *items,
                                uint32_t item_count, const ink_linebreak_params *params,
                                ink_layout_line *lines, uint32_t lines_capacity,
                                ink_layout_result *result, ink_error_info *info);

/* First fit: each line takes items up to the last break that fits (an overfull piece alone when
 * none does). No memory beyond `lines`. Same cost accounting as the optimum. */
ink_error ink_linebreak_greedy(const ink_layout_item *items, uint32_t item_count,
                               const ink_linebreak_params *params, ink_layout_line *lines,
                               uint32_t lines_capacity, ink_layout_result *result,
                               ink_error_info *info);

#endif
