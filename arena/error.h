/*
 * error.h — the one error enum of inkpipe, and the detail record that says what was wrong.
 *
 * Every fallible function returns an ink_error. Functions that can explain themselves also take
 * an `ink_error_info *` (which may be NULL) and fill it with the code and a short sentence such
 * as "PNG row of 24000 bytes exceeds the 16384-byte row buffer". The CLI prints that sentence.
 *
 * Freestanding: no stdio. ink_error_set() formats with a small formatter of its own that knows
 * %s %c %d %u %x %ld %lu %lld %llu %zu (and nothing else; unknown conversions print verbatim).
 */
#ifndef INK_ARENA_ERROR_H
#define INK_ARENA_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum ink_error {
    INK_OK = 0,
    INK_ERR_BAD_DATA,         /* the input is malformed: corrupt, truncated, inconsistent */
    INK_ERR_UNSUPPORTED,      /* valid input this build does not handle (arithmetic JPEG, ...) */
    INK_ERR_TOO_LARGE,        /* a size exceeds a limit (caller's limits or a buffer's capacity) */
    INK_ERR_NO_MEMORY,        /* the arena's bump allocator cannot fit the request */
    INK_ERR_REGION_BUSY,      /* a claim overlaps a live claim or live bump allocations */
    INK_ERR_IO,               /* a source or sink callback failed */
    INK_ERR_BAD_STATE,        /* API misuse: double release, marks out of order, failed context */
    INK_ERR_INVALID_ARGUMENT, /* a parameter is out of its documented range */
    INK_ERR_INTERNAL,         /* a bug in inkpipe: an invariant did not hold */
    INK_ERROR_COUNT
} ink_error;

/* A short, static, lower-case description of the code ("bad data", "region busy", ...). */
const char *ink_strerror(ink_error code);

#define INK_ERROR_DETAIL_BYTES 160

typedef struct ink_error_info {
    ink_error code;
    char detail[INK_ERROR_DETAIL_BYTES]; /* NUL-terminated; empty when nothing more is known */
} ink_error_info;

/* Records `code` and the formatted detail in `info` (if non-NULL) and returns `code`, so that
 * callers can write `return ink_error_set(info, INK_ERR_BAD_DATA, "JPEG: %s", why);`.
 * The first error wins: a later call does not overwrite an error already recorded, so the detail
 * names the root cause rather than the last layer it passed through. */
ink_error ink_error_set(ink_error_info *info, ink_error code, const char *format, ...);

/* Clears `info` to INK_OK with an empty detail. */
void ink_error_clear(ink_error_info *info);

/* Formats into `out` (always NUL-terminated when out_nbytes > 0, truncated if needed) and returns
 * the number of characters written, excluding the NUL. The conversions are those listed above. */
size_t ink_format(char *out, size_t out_nbytes, const char *format, ...);
size_t ink_format_va(char *out, size_t out_nbytes, const char *format, va_list args);

#endif
