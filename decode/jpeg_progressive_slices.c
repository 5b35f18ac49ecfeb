/*
 * jpeg_progressive_slices.c — how the progressive decoder's later bands share their input space:
 * one slice per luma scan, sized for what that scan still has to read.
 *
 * After the walk each scan is resumed band after band from its checkpoint, and reads its data
 * through its own slice (a read per slice-full, each an SD transaction on the device). A scan
 * whose remaining data fits its slice is read once; otherwise scan i takes about left_i /
 * slice_i reads, and for a fixed total of slice bytes the sum is least with slices in
 * proportion to sqrt(left_i) (Lagrange: d/ds of left/s is -left/s^2, equal for all scans). So:
 * slices of min(left_i, c sqrt(left_i)), at least JPEG_PROG_MIN_SLICE, with the largest c whose
 * slices still pack into the areas (the free areas are not contiguous: largest slice first, each
 * into the fullest area it fits, best fit); then each area's unused bytes go to its slices that
 * are still short of their scan's data. Integer arithmetic only (the board has no FPU).
 */
#include <string.h>

#include "decode/jpeg_progressive.h"

typedef struct slice_plan {
    uint32_t want[JPEG_PROG_MAX_SCANS]; /* the scan's data left, rounded up to 8 */
    uint32_t root[JPEG_PROG_MAX_SCANS]; /* sqrt(want), rounded down */
    uint32_t size[JPEG_PROG_MAX_SCANS];
    uint8_t area[JPEG_PROG_MAX_SCANS];
} slice_plan;

static uint32_t square_root(uint32_t n)
{
    uint32_t root = 0;
    for (uint32_t bit = 1u << 30; bit != 0; bit >>= 2) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    return root;
}

/* Slices of c / 16 bytes per sqrt(byte), packed: true when every one finds room. */
static bool pack_slices(slice_plan *plan, const jpeg_prog_area *areas, unsigned nscans,
                        uint32_t c)
{
    uint32_t free_bytes[JPEG_PROG_SLICE_AREAS];
    bool placed[JPEG_PROG_MAX_SCANS] = {false};
    for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++)
        free_bytes[a] = areas[a].nbytes & ~7u;
    for (unsigned i = 0; i < nscans; i++) {
        uint64_t size = ((uint64_t)c * plan->root[i] >> 4) & ~(uint64_t)7u;
        if (size < JPEG_PROG_MIN_SLICE)
            size = JPEG_PROG_MIN_SLICE;
        plan->size[i] = size < plan->want[i] ? (uint32_t)size : plan->want[i];
    }
    for (unsigned n = 0; n < nscans; n++) {
        unsigned largest = JPEG_PROG_MAX_SCANS;
        for (unsigned i = 0; i < nscans; i++)
            if (!placed[i] &&
                (largest == JPEG_PROG_MAX_SCANS || plan->size[i] > plan->size[largest]))
                largest = i;
        unsigned best = JPEG_PROG_SLICE_AREAS;
        for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++)
            if (free_bytes[a] >= plan->size[largest] &&
                (best == JPEG_PROG_SLICE_AREAS || free_bytes[a] < free_bytes[best]))
                best = a;
        if (best == JPEG_PROG_SLICE_AREAS)
            return false;
        free_bytes[best] -= plan->size[largest];
        plan->area[largest] = (uint8_t)best;
        placed[largest] = true;
    }
    return true;
}

void ink_jpeg_prog_plan_slices(const jpeg_prog_area *areas, const uint32_t *left,
                               unsigned nscans, jpeg_prog_area *slices)
{
    slice_plan plan;
    for (unsigned i = 0; i < nscans; i++) {
        plan.want[i] = left[i] > (UINT32_MAX & ~7u) ? UINT32_MAX & ~7u : (left[i] + 7u) & ~7u;
        if (plan.want[i] == 0)
            plan.want[i] = 8u;
        plan.root[i] = square_root(plan.want[i]);
    }
    /* c = 0 packs (the header's requirement); c = 2^21 (> 16 sqrt(n) for any 32-bit n) gives
     * every scan all its data. */
    uint32_t low = 0, high = 1u << 21;
    if (pack_slices(&plan, areas, nscans, high)) {
        low = high;
    } else {
        while (high - low > 1u) {
            uint32_t mid = low + (high - low) / 2u;
            if (pack_slices(&plan, areas, nscans, mid))
                low = mid;
            else
                high = mid;
        }
    }
    pack_slices(&plan, areas, nscans, low);
    /* Each area's unused bytes, shared among its slices short of their data. */
    for (unsigned a = 0; a < JPEG_PROG_SLICE_AREAS; a++) {
        for (;;) {
            uint32_t used = 0, short_of_data = 0;
            for (unsigned i = 0; i < nscans; i++) {
                if (plan.area[i] != a)
                    continue;
                used += plan.size[i];
                short_of_data += plan.size[i] < plan.want[i];
            }
            uint32_t unused = (areas[a].nbytes & ~7u) - used;
            uint32_t share = short_of_data ? (unused / short_of_data) & ~7u : 0u;
            if (share == 0)
                break;
            for (unsigned i = 0; i < nscans; i++)
                if (plan.area[i] == a && plan.size[i] < plan.want[i])
                    plan.size[i] = plan.want[i] - plan.size[i] < share ? plan.want[i]
                                                                     : plan.size[i] + share;
        }
    }
    uint32_t offset[JPEG_PROG_SLICE_AREAS] = {0};
    for (unsigned i = 0; i < nscans; i++) {
        slices[i].start = areas[plan.area[i]].start + offset[plan.area[i]];
        slices[i].nbytes = plan.size[i];
        offset[plan.area[i]] += plan.size[i];
    }
}
