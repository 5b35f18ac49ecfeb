/*
 * arena.h — the one fixed 81,920-byte memory arena every conversion runs in.
 *
 * The arena is caller memory (a static on the board, one block per worker on the host) split
 * into five fixed regions. Nothing in inkpipe's core allocates: every buffer is either
 *
 *   - a *claim*: a byte range of one region, taken with an owner tag and released after use.
 *     A claim that overlaps a live claim (or live bump allocations) fails with
 *     INK_ERR_REGION_BUSY, so time-sharing of a region is checked, not trusted; or
 *   - a *bump allocation*: short-lived arrays (text layout, hyphenation) taken from a watermark
 *     that rises from offset 0 over the whole arena. An allocation fails with INK_ERR_NO_MEMORY
 *     when it would reach a live claim or the end. A *mark* saves the watermark; popping it frees
 *     everything allocated since. Marks nest and must be popped innermost first.
 *
 *   region    offset   bytes   typical users (never at the same time)
 *   PRIMARY        0   32768   JPEG MCU-row output; inflate 32 KB window
 *   ROW        32768    4096   BMP output row, dither error rows, scaler output row if it fits
 *   DITHER     36864   32768   decoder row buffers and input buffers
 *   IMAGE2     69632    4096   scaler accumulators (and its output row if ROW is full)
 *   SCRATCH    73728    8192   decoder tables (Huffman, quantisation), thumbnails, G4 work
 *
 * (docs/MEMORY.md gives each converter's plan and why the dither rows live in ROW.)
 *
 * Misuse (overlap, double release, marks popped out of order) returns an error. When the arena's
 * `trap_on_misuse` flag is set (the default in builds with INK_DEBUG defined) it also traps, so a
 * debugger stops at the culprit; tests of misuse clear the flag.
 *
 * Not thread-safe: one arena per thread of work.
 */
#ifndef INK_ARENA_ARENA_H
#define INK_ARENA_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

#define INK_ARENA_BYTES 81920u

typedef enum ink_region {
    INK_REGION_PRIMARY = 0,
    INK_REGION_ROW,
    INK_REGION_DITHER,
    INK_REGION_IMAGE2,
    INK_REGION_SCRATCH,
    INK_REGION_COUNT
} ink_region;

#define INK_REGION_PRIMARY_OFFSET 0u
#define INK_REGION_PRIMARY_BYTES 32768u
#define INK_REGION_ROW_OFFSET 32768u
#define INK_REGION_ROW_BYTES 4096u
#define INK_REGION_DITHER_OFFSET 36864u
#define INK_REGION_DITHER_BYTES 32768u
#define INK_REGION_IMAGE2_OFFSET 69632u
#define INK_REGION_IMAGE2_BYTES 4096u
#define INK_REGION_SCRATCH_OFFSET 73728u
#define INK_REGION_SCRATCH_BYTES 8192u

/* Every claim and bump allocation starts on this boundary (enough for any scalar type). */
#define INK_ARENA_ALIGN 8u
/* Live claims at once. Each pipeline stage takes one or two. */
#define INK_ARENA_MAX_CLAIMS 16u

typedef struct ink_region_layout {
    const char *name;
    uint32_t offset;
    uint32_t nbytes;
} ink_region_layout;

/* The fixed layout, indexed by ink_region. */
extern const ink_region_layout ink_region_layouts[INK_REGION_COUNT];

typedef struct ink_claim_record {
    uint32_t offset; /* from the arena's start */
    uint32_t nbytes;
    const char *owner; /* static string, e.g. "jpeg huffman tables" */
    uint16_t generation;
    bool live;
} ink_claim_record;

/* What a caller holds for a claim. `bytes` points into the arena; zeroed by release. */
typedef struct ink_claim {
    uint8_t *bytes;
    uint32_t nbytes;
    uint16_t slot;
    uint16_t generation;
} ink_claim;

typedef struct ink_arena_mark {
    uint32_t watermark;
    uint32_t depth; /* 1 for the outermost mark */
} ink_arena_mark;

typedef struct ink_arena {
    uint8_t *base;
    ink_claim_record claims[INK_ARENA_MAX_CLAIMS];
    uint32_t watermark;      /* bump allocations occupy [0, watermark) */
    uint32_t high_watermark; /* the highest the watermark has been since init */
    uint32_t mark_depth;
    uint16_t next_generation;
    bool trap_on_misuse;
} ink_arena;

/* Sets up `arena` over `memory`, which the caller owns and keeps alive. `nbytes` must be exactly
 * INK_ARENA_BYTES and `memory` aligned to INK_ARENA_ALIGN (else INK_ERR_INVALID_ARGUMENT). */
ink_error ink_arena_init(ink_arena *arena, void *memory, size_t nbytes);

/* Claims all of `region`. Errors: INK_ERR_REGION_BUSY (overlap, detail names the live owner),
 * INK_ERR_NO_MEMORY (all INK_ARENA_MAX_CLAIMS slots live), INK_ERR_INVALID_ARGUMENT. */
ink_error ink_arena_claim_region(ink_arena *arena, ink_region region, const char *owner,
                                 ink_claim *out, ink_error_info *info);

/* Claims `nbytes` (>0) at `offset_in_region` (a multiple of INK_ARENA_ALIGN) inside `region`.
 * The range must lie inside the region. Errors as ink_arena_claim_region, and
 * INK_ERR_INVALID_ARGUMENT for zero size, misalignment, or a range past the region's end. */
ink_error ink_arena_claim_range(ink_arena *arena, ink_region region, uint32_t offset_in_region,
                                uint32_t nbytes, const char *owner, ink_claim *out,
                                ink_error_info *info);

/* Releases a live claim and zeroes `claim`. Releasing twice, or a handle the arena did not give,
 * is INK_ERR_BAD_STATE. Claims may be released in any order. */
ink_error ink_arena_release(ink_arena *arena, ink_claim *claim);

/* Number of live claims, and the owner of the live claim covering arena byte `offset` (NULL if
 * none). */
uint32_t ink_arena_live_claims(const ink_arena *arena);
const char *ink_arena_owner_at(const ink_arena *arena, uint32_t offset);

/* Bump allocation of `count * elem_nbytes` bytes (overflow-checked) aligned to `align` (a power
 * of two, at least INK_ARENA_ALIGN is used). A zero-byte request succeeds with a non-NULL
 * pointer and takes no space. Errors: INK_ERR_NO_MEMORY, INK_ERR_INVALID_ARGUMENT. */
ink_error ink_arena_alloc(ink_arena *arena, size_t count, size_t elem_nbytes, size_t align,
                          void **out, ink_error_info *info);

/* Saves the watermark. */
ink_arena_mark ink_arena_mark_push(ink_arena *arena);
/* Restores the watermark saved by `mark`, freeing every bump allocation since. `mark` must be
 * the innermost live mark, else INK_ERR_BAD_STATE and nothing changes. */
ink_error ink_arena_mark_pop(ink_arena *arena, const ink_arena_mark *mark);

/* Receives one line of the status report, without a newline. */
typedef void ink_print_line_fn(void *user, const char *line);

/* Prints the regions (with how much of each is claimed), each live claim with its owner, the
 * bump watermark and its high-water mark, one line at a time. */
void ink_arena_status(const ink_arena *arena, ink_print_line_fn *print, void *user);

#endif
