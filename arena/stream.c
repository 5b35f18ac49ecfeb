/*
 * stream.c — memory-backed sources and sinks, and the exact-read helper.
 */
#include "arena/stream.h"

#include <string.h>

ink_error ink_source_read_exact(const ink_source *source, uint8_t *dst, size_t nbytes)
{
    while (nbytes > 0) {
        size_t got = 0;
        ink_error error = source->read(source->user, dst, nbytes, &got);
        if (error != INK_OK)
            return error;
        if (got == 0 || got > nbytes)
            return got == 0 ? INK_ERR_BAD_DATA : INK_ERR_IO;
        dst += got;
        nbytes -= got;
    }
    return INK_OK;
}

static ink_error memory_source_read(void *user, uint8_t *dst, size_t nbytes, size_t *got)
{
    ink_memory_source *state = user;
    size_t left = state->nbytes - state->position;
    size_t count = nbytes < left ? nbytes : left;
    if (count > 0)
        memcpy(dst, state->data + state->position, count);
    state->position += count;
    *got = count;
    return INK_OK;
}

static ink_error memory_source_seek(void *user, uint64_t offset)
{
    ink_memory_source *state = user;
    if (offset > state->nbytes)
        return INK_ERR_IO;
    state->position = (size_t)offset;
    return INK_OK;
}

ink_source ink_memory_source_open(ink_memory_source *state, const void *data, size_t nbytes)
{
    state->data = data;
    state->nbytes = nbytes;
    state->position = 0;
    return (ink_source){memory_source_read, memory_source_seek, state};
}

static ink_error memory_sink_write(void *user, const uint8_t *src, size_t nbytes)
{
    ink_memory_sink *state = user;
    if (nbytes > state->capacity - state->position)
        return INK_ERR_IO;
    if (nbytes > 0)
        memcpy(state->data + state->position, src, nbytes);
    state->position += nbytes;
    if (state->position > state->length)
        state->length = state->position;
    return INK_OK;
}

static ink_error memory_sink_seek(void *user, uint64_t offset)
{
    ink_memory_sink *state = user;
    if (offset > state->capacity)
        return INK_ERR_IO;
    state->position = (size_t)offset;
    return INK_OK;
}

ink_sink ink_memory_sink_open(ink_memory_sink *state, void *data, size_t capacity)
{
    state->data = data;
    state->capacity = capacity;
    state->position = 0;
    state->length = 0;
    return (ink_sink){memory_sink_write, memory_sink_seek, state};
}
