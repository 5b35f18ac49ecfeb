/*
 * hyphen_states.h — reading the compiled hyphenation automaton's state records, shared by the
 * compiler (hyphen_compile.c, which walks its own output to add the fallback links) and the
 * matcher (hyphen.c). Private to text/.
 *
 * A state record is INK_HYPHEN_STATE_NBYTES bytes: [0] the byte that leads into it, [1] its
 * child count, [2] its match's length in bytes, [3..5] its first child's index (children are contiguous, sorted by byte),
 * [6..8] its fallback state, [9..11] its match offset in the value pool (little-endian u24).
 */
#ifndef INK_TEXT_HYPHEN_STATES_H
#define INK_TEXT_HYPHEN_STATES_H

#include <stddef.h>
#include <stdint.h>

#include "text/hyphen.h"

#define INK_HYPHEN_NO_STATE 0xFFFFFFu

static inline uint32_t ink_hyphen_get_u24(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* Child of state `s` by `byte`, or INK_HYPHEN_NO_STATE (binary search over sorted children). */
static inline uint32_t ink_hyphen_child(const uint8_t *records, uint32_t s, uint8_t byte)
{
    const uint8_t *r = records + (size_t)s * INK_HYPHEN_STATE_NBYTES;
    uint32_t lo = ink_hyphen_get_u24(r + 3), hi = lo + r[1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint8_t b = records[(size_t)mid * INK_HYPHEN_STATE_NBYTES];
        if (b == byte)
            return mid;
        if (b < byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return INK_HYPHEN_NO_STATE;
}

#endif
