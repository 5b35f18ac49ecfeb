/*
 * stream.h — byte sources and sinks: how the freestanding core does I/O.
 *
 * The core never opens files. Whoever calls it (the host CLI, the board firmware, a test) wraps
 * its storage in these callback structs; memory-backed versions are provided here.
 */
#ifndef INK_ARENA_STREAM_H
#define INK_ARENA_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "arena/error.h"

typedef struct ink_source {
    /* Reads up to `nbytes` into `dst` and stores the count in `*got`. `*got == 0` with INK_OK
     * means the end of the input; a short count does not. Returns INK_ERR_IO on failure. */
    ink_error (*read)(void *user, uint8_t *dst, size_t nbytes, size_t *got);
    /* Moves to absolute byte `offset` (which may be the end). NULL when the source cannot seek. */
    ink_error (*seek)(void *user, uint64_t offset);
    void *user;
} ink_source;

typedef struct ink_sink {
    /* Writes all `nbytes` of `src` or fails with INK_ERR_IO. */
    ink_error (*write)(void *user, const uint8_t *src, size_t nbytes);
    /* Moves the write position to absolute `offset`; writing past the end extends the output.
     * NULL when the sink cannot seek. */
    ink_error (*seek)(void *user, uint64_t offset);
    void *user;
} ink_sink;

/* Reads exactly `nbytes` or fails: INK_ERR_BAD_DATA ("unexpected end of input") when the source
 * ends first, the source's own error otherwise. */
ink_error ink_source_read_exact(const ink_source *source, uint8_t *dst, size_t nbytes);

/* A source over caller memory. The struct is the state; the returned ink_source refers to it. */
typedef struct ink_memory_source {
    const uint8_t *data;
    size_t nbytes;
    size_t position;
} ink_memory_source;

ink_source ink_memory_source_open(ink_memory_source *state, const void *data, size_t nbytes);

/* A sink into caller memory of fixed capacity; a write past `capacity` is INK_ERR_IO.
 * `length` is the highest byte written + 1 (holes left by seeking read as whatever was there). */
typedef struct ink_memory_sink {
    uint8_t *data;
    size_t capacity;
    size_t position;
    size_t length;
} ink_memory_sink;

ink_sink ink_memory_sink_open(ink_memory_sink *state, void *data, size_t capacity);

#endif
