/*
 * arena.c — fixed regions, checked claims and the bump allocator with nestable marks.
 *
 * Invariants:
 *   - live claims are pairwise disjoint, and each lies inside one region;
 *   - bump allocations occupy [0, watermark), and no live claim intersects that range;
 *   - a claim handle is valid while its slot is live with the same generation.
 */
#include "arena/arena.h"

#include <string.h>

_Static_assert(INK_REGION_PRIMARY_OFFSET == 0, "PRIMARY starts the arena");
_Static_assert(INK_REGION_ROW_OFFSET == INK_REGION_PRIMARY_OFFSET + INK_REGION_PRIMARY_BYTES,
               "ROW follows PRIMARY");
_Static_assert(INK_REGION_DITHER_OFFSET == INK_REGION_ROW_OFFSET + INK_REGION_ROW_BYTES,
               "DITHER follows ROW");
_Static_assert(INK_REGION_IMAGE2_OFFSET == INK_REGION_DITHER_OFFSET + INK_REGION_DITHER_BYTES,
               "IMAGE2 follows DITHER");
_Static_assert(INK_REGION_SCRATCH_OFFSET == INK_REGION_IMAGE2_OFFSET + INK_REGION_IMAGE2_BYTES,
               "SCRATCH follows IMAGE2");
_Static_assert(INK_REGION_SCRATCH_OFFSET + INK_REGION_SCRATCH_BYTES == INK_ARENA_BYTES,
               "the regions fill the arena exactly");
_Static_assert(INK_ARENA_BYTES == 81920u, "the arena is 80 KB");
_Static_assert((INK_REGION_ROW_OFFSET | INK_REGION_DITHER_OFFSET | INK_REGION_IMAGE2_OFFSET |
                INK_REGION_SCRATCH_OFFSET) % INK_ARENA_ALIGN == 0,
               "regions start aligned");

const ink_region_layout ink_region_layouts[INK_REGION_COUNT] = {
    [INK_REGION_PRIMARY] = {"PRIMARY", INK_REGION_PRIMARY_OFFSET, INK_REGION_PRIMARY_BYTES},
    [INK_REGION_ROW] = {"ROW", INK_REGION_ROW_OFFSET, INK_REGION_ROW_BYTES},
    [INK_REGION_DITHER] = {"DITHER", INK_REGION_DITHER_OFFSET, INK_REGION_DITHER_BYTES},
    [INK_REGION_IMAGE2] = {"IMAGE2", INK_REGION_IMAGE2_OFFSET, INK_REGION_IMAGE2_BYTES},
    [INK_REGION_SCRATCH] = {"SCRATCH", INK_REGION_SCRATCH_OFFSET, INK_REGION_SCRATCH_BYTES},
};

#if defined(INK_DEBUG)
#define INK_ARENA_TRAP_DEFAULT true
#else
#define INK_ARENA_TRAP_DEFAULT false
#endif

/* Reports misuse: traps when asked to (debug builds), and returns `code` either way. */
static ink_error misuse(const ink_arena *arena, ink_error code)
{
    if (arena->trap_on_misuse)
        __builtin_trap();
    return code;
}

static bool ranges_overlap(uint32_t a_offset, uint32_t a_nbytes, uint32_t b_offset,
                           uint32_t b_nbytes)
{
    return a_offset < b_offset + b_nbytes && b_offset < a_offset + a_nbytes;
}

/* The live claim that overlaps [offset, offset + nbytes), or NULL. */
static const ink_claim_record *overlapping_claim(const ink_arena *arena, uint32_t offset,
                                                 uint32_t nbytes)
{
    for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
        const ink_claim_record *record = &arena->claims[i];
        if (record->live && ranges_overlap(record->offset, record->nbytes, offset, nbytes))
            return record;
    }
    return NULL;
}

ink_error ink_arena_init(ink_arena *arena, void *memory, size_t nbytes)
{
    if (!arena || !memory || nbytes != INK_ARENA_BYTES ||
        ((uintptr_t)memory % INK_ARENA_ALIGN) != 0)
        return INK_ERR_INVALID_ARGUMENT;
    memset(arena, 0, sizeof *arena);
    arena->base = memory;
    arena->next_generation = 1;
    arena->trap_on_misuse = INK_ARENA_TRAP_DEFAULT;
    return INK_OK;
}

ink_error ink_arena_claim_range(ink_arena *arena, ink_region region, uint32_t offset_in_region,
                                uint32_t nbytes, const char *owner, ink_claim *out,
                                ink_error_info *info)
{
    if (!arena || !out || (unsigned)region >= INK_REGION_COUNT)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "arena claim: no such region");
    memset(out, 0, sizeof *out);
    const ink_region_layout *layout = &ink_region_layouts[region];
    if (nbytes == 0 || offset_in_region % INK_ARENA_ALIGN != 0 ||
        offset_in_region > layout->nbytes || nbytes > layout->nbytes - offset_in_region)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "arena claim for %s: %u bytes at %u do not fit %s (%u bytes)",
                             owner ? owner : "?", nbytes, offset_in_region, layout->name,
                             layout->nbytes);
    uint32_t offset = layout->offset + offset_in_region;
    const ink_claim_record *busy = overlapping_claim(arena, offset, nbytes);
    if (busy) {
        ink_error_set(info, INK_ERR_REGION_BUSY,
                      "arena claim for %s: %s bytes %u..%u are held by %s", owner ? owner : "?",
                      layout->name, offset_in_region, offset_in_region + nbytes - 1,
                      busy->owner ? busy->owner : "?");
        return misuse(arena, INK_ERR_REGION_BUSY);
    }
    if (offset < arena->watermark) {
        ink_error_set(info, INK_ERR_REGION_BUSY,
                      "arena claim for %s: %s byte %u is below the bump watermark %u",
                      owner ? owner : "?", layout->name, offset_in_region, arena->watermark);
        return misuse(arena, INK_ERR_REGION_BUSY);
    }
    for (uint32_t slot = 0; slot < INK_ARENA_MAX_CLAIMS; slot++) {
        ink_claim_record *record = &arena->claims[slot];
        if (record->live)
            continue;
        record->offset = offset;
        record->nbytes = nbytes;
        record->owner = owner ? owner : "?";
        record->generation = arena->next_generation++;
        if (arena->next_generation == 0)
            arena->next_generation = 1; /* generation 0 never names a live claim */
        record->live = true;
        out->bytes = arena->base + offset;
        out->nbytes = nbytes;
        out->slot = (uint16_t)slot;
        out->generation = record->generation;
        return INK_OK;
    }
    return ink_error_set(info, INK_ERR_NO_MEMORY, "arena claim for %s: all %u claim slots in use",
                         owner ? owner : "?", INK_ARENA_MAX_CLAIMS);
}

ink_error ink_arena_claim_region(ink_arena *arena, ink_region region, const char *owner,
                                 ink_claim *out, ink_error_info *info)
{
    if ((unsigned)region >= INK_REGION_COUNT)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT, "arena claim: no such region");
    return ink_arena_claim_range(arena, region, 0, ink_region_layouts[region].nbytes, owner, out,
                                 info);
}

ink_error ink_arena_release(ink_arena *arena, ink_claim *claim)
{
    if (!arena || !claim)
        return INK_ERR_INVALID_ARGUMENT;
    if (claim->generation == 0 || claim->slot >= INK_ARENA_MAX_CLAIMS)
        return misuse(arena, INK_ERR_BAD_STATE);
    ink_claim_record *record = &arena->claims[claim->slot];
    if (!record->live || record->generation != claim->generation ||
        claim->bytes != arena->base + record->offset)
        return misuse(arena, INK_ERR_BAD_STATE);
    record->live = false;
    memset(claim, 0, sizeof *claim);
    return INK_OK;
}

uint32_t ink_arena_live_claims(const ink_arena *arena)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++)
        count += arena->claims[i].live ? 1u : 0u;
    return count;
}

const char *ink_arena_owner_at(const ink_arena *arena, uint32_t offset)
{
    const ink_claim_record *record = overlapping_claim(arena, offset, 1);
    return record ? record->owner : NULL;
}

ink_error ink_arena_alloc(ink_arena *arena, size_t count, size_t elem_nbytes, size_t align,
                          void **out, ink_error_info *info)
{
    if (!arena || !out || (align & (align - 1)) != 0)
        return ink_error_set(info, INK_ERR_INVALID_ARGUMENT,
                             "arena alloc: alignment %zu is not a power of two", align);
    *out = NULL;
    if (align < INK_ARENA_ALIGN)
        align = INK_ARENA_ALIGN;
    if (elem_nbytes != 0 && count > SIZE_MAX / elem_nbytes)
        return ink_error_set(info, INK_ERR_NO_MEMORY,
                             "arena alloc: %zu x %zu bytes overflows", count, elem_nbytes);
    size_t nbytes = count * elem_nbytes;
    size_t start = ((size_t)arena->watermark + (align - 1)) & ~(align - 1);
    if (start > INK_ARENA_BYTES || nbytes > INK_ARENA_BYTES - start)
        return ink_error_set(info, INK_ERR_NO_MEMORY,
                             "arena alloc: %zu bytes at %zu pass the arena's end", nbytes, start);
    if (nbytes > 0) {
        const ink_claim_record *busy = overlapping_claim(arena, (uint32_t)arena->watermark,
                                                         (uint32_t)(start + nbytes) -
                                                             arena->watermark);
        if (busy)
            return ink_error_set(info, INK_ERR_NO_MEMORY,
                                 "arena alloc: %zu bytes at %zu would reach the claim of %s",
                                 nbytes, start, busy->owner);
    }
    arena->watermark = (uint32_t)(start + nbytes);
    if (arena->watermark > arena->high_watermark)
        arena->high_watermark = arena->watermark;
    *out = arena->base + start;
    return INK_OK;
}

ink_arena_mark ink_arena_mark_push(ink_arena *arena)
{
    arena->mark_depth++;
    return (ink_arena_mark){arena->watermark, arena->mark_depth};
}

ink_error ink_arena_mark_pop(ink_arena *arena, const ink_arena_mark *mark)
{
    if (!arena || !mark)
        return INK_ERR_INVALID_ARGUMENT;
    if (mark->depth == 0 || mark->depth != arena->mark_depth ||
        mark->watermark > arena->watermark)
        return misuse(arena, INK_ERR_BAD_STATE);
    arena->watermark = mark->watermark;
    arena->mark_depth--;
    return INK_OK;
}

void ink_arena_status(const ink_arena *arena, ink_print_line_fn *print, void *user)
{
    char line[160];
    ink_format(line, sizeof line, "arena: %u bytes, %u live claims, bump %u (high %u), marks %u",
               INK_ARENA_BYTES, ink_arena_live_claims(arena), arena->watermark,
               arena->high_watermark, arena->mark_depth);
    print(user, line);
    for (unsigned r = 0; r < INK_REGION_COUNT; r++) {
        const ink_region_layout *layout = &ink_region_layouts[r];
        uint32_t claimed = 0;
        for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
            const ink_claim_record *record = &arena->claims[i];
            if (record->live && record->offset >= layout->offset &&
                record->offset < layout->offset + layout->nbytes)
                claimed += record->nbytes;
        }
        ink_format(line, sizeof line, "  region %-7s at %5u: %5u bytes, %5u claimed", layout->name,
                   layout->offset, layout->nbytes, claimed);
        print(user, line);
    }
    for (uint32_t i = 0; i < INK_ARENA_MAX_CLAIMS; i++) {
        const ink_claim_record *record = &arena->claims[i];
        if (!record->live)
            continue;
        ink_format(line, sizeof line, "  claim %u: %u..%u (%u bytes) by %s", i, record->offset,
                   record->offset + record->nbytes - 1, record->nbytes, record->owner);
        print(user, line);
    }
}
